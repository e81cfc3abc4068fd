#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what logbuf needs on a Debian 12 (bookworm) machine, idempotently.
#
#   scripts/setup/deps.sh lib      compilers, liburcu, ck, kernel-source harness
#   scripts/setup/deps.sh kmod     + kernel image/headers 6.1, qemu, virtme-ng
#   scripts/setup/deps.sh all      + 6.12 headers/image from bookworm-backports,
#                            the PREEMPT_RT 6.1 kernel, what the clang
#                            (LLVM=1) tree and the chroots of other suites
#                            need, DKMS and Debian packaging, spin
#   scripts/setup/deps.sh debug    + what building a kernel needs (check-debug)
#   scripts/setup/deps.sh bench    lib + the peers make bench measures (spdlog,
#                            LTTng-UST and its session daemon)
#
# As root it runs apt-get; otherwise it prints the apt-get line and fails.
set -eu

LIB_PKGS="build-essential python3-docutils libtraceevent-dev libtracefs-dev libelf-dev libdw-dev systemtap-sdt-dev clang libclang-rt-14-dev make liburcu-dev libck-dev linux-source-6.1 xz-utils pkg-config"
KMOD_PKGS="qemu-system-x86 udev busybox-static linux-image-amd64 linux-headers-amd64 sparse kmod trace-cmd"
BPO_PKGS="linux-image-amd64/bookworm-backports linux-headers-amd64/bookworm-backports"
MODEL_PKGS="spin"
ALL_PKGS="linux-image-rt-amd64 linux-headers-rt-amd64 lld llvm flex bison bc
	libelf-dev libssl-dev debootstrap dkms dh-dkms debhelper dpkg-dev lintian
	libbpf-dev linux-perf bpftrace"
DEBUG_PKGS="flex bison bc libelf-dev libssl-dev cpio dwarves"
BENCH_PKGS="g++ libspdlog-dev liblttng-ust-dev lttng-tools"

want=${1:-lib}

missing() {
	local p out=
	for p in "$@"; do
		p=${p%%/*}
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || out="$out $p"
	done
	echo "$out"
}

# The mirror this machine already uses; never a host name of our own.
mirror() {
	awk '/^URIs:/ { u = $2 } /^Suites:/ && /bookworm( |$)/ { print u; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null ||
		true
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "logbuf: missing packages; run as root:" >&2
		echo "  apt-get install -y $*" >&2
		exit 1
	fi
}

updated=
apt_update() {
	[ -n "$updated" ] && return 0
	apt-get update -qq
	updated=1
}

add_suite() {	# name suites pin
	local file=/etc/apt/sources.list.d/logbuf-$1.sources
	[ -f "$file" ] && return 0
	local m
	m=$(mirror)
	[ -n "$m" ] || m=$(sed -n 's/^deb \([^ ]*\) bookworm .*/\1/p' \
		/etc/apt/sources.list 2>/dev/null | head -n1)
	[ -n "$m" ] || { echo "logbuf: no Debian mirror configured" >&2; exit 1; }
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$m" "$2" >"$file"
	if [ -n "$3" ]; then
		printf 'Package: *\nPin: release n=%s\nPin-Priority: %s\n' \
			"$2" "$3" >/etc/apt/preferences.d/logbuf-$1
	fi
	updated=
}

install() {
	local m
	m=$(missing "$@")
	[ -z "$m" ] && return 0
	need_root "$@"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$@"
}

install $LIB_PKGS
[ "$want" = lib ] && exit 0
if [ "$want" = bench ]; then
	install $BENCH_PKGS
	exit 0
fi

install $KMOD_PKGS
if ! command -v vng >/dev/null; then
	need_root virtme-ng/trixie
	add_suite trixie trixie 100
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q virtme-ng/trixie
fi
[ "$want" = kmod ] && exit 0

install $MODEL_PKGS
# make check builds the benchmarks: their peers come with "all".
[ "$want" = all ] && install $ALL_PKGS $BENCH_PKGS
if [ "$want" = debug ]; then
	install $DEBUG_PKGS
	exit 0
fi

if [ -z "$(ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null)" ]; then
	need_root $BPO_PKGS
	add_suite backports bookworm-backports ""
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $BPO_PKGS
fi
exit 0
