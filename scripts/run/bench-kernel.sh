#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-kernel`: boot Debian's 6.1 kernel once under virtme-ng with
# the module loaded and run bench/kbench.c in it: kernel -> user against
# the BPF ring buffer, user -> ftrace against trace_marker, user -> user
# against pipe() and the heap channel.  The table goes to stdout, the
# numbers to build/bench-kernel.json.  Usage: bench-kernel.sh [kbench args]
# LOGBUF_VNG_OPTS adds virtme-ng options, as for vm-run.sh (e.g.
# "--append tsc=reliable": the guest's clocksource on the TSC).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build

# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh

scripts/setup/deps.sh all || die "could not install the dependencies"
kver=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | grep -v -- -rt- | sort -V |
	tail -n1)
kver=${kver#/boot/vmlinuz-}
[ -n "$kver" ] || die "no /boot/vmlinuz-6.1.*"
make -s lib tools >"$B/bench-kernel-build.log" 2>&1 &&
	make -s -C bench O="$B" kernel >>"$B/bench-kernel-build.log" 2>&1 &&
	make -s kmod KDIR="/usr/src/linux-headers-$kver" \
		>>"$B/bench-kernel-build.log" 2>&1 ||
	{ cat "$B/bench-kernel-build.log"; die "build failed"; }

# The guest: the module, tracefs, then kbench; its output through the
# shared build directory (the console can lose its tail).
args=
[ $# -eq 0 ] || args=$(printf '%q ' "$@")
cat >"$B/bench-kernel-guest.sh" <<EOS
#!/bin/bash
insmod $ROOT/kmod/logbuf.ko || exit 1
mountpoint -q /sys/kernel/tracing ||
	mount -t tracefs nodev /sys/kernel/tracing
udevadm settle; [ -e /dev/logbuf ] || sleep 1
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
echo "# guest kernel \$(uname -r), \$(nproc) cpus, clocksource \$(cat \$cs)" \
	>$B/bench-kernel.out
cd $B/bench && ./kbench --bpf kbench.bpf.o --json $B/bench-kernel.json $args \
	>>$B/bench-kernel.out 2>&1
echo "kbench exit \$?" >>$B/bench-kernel.out
EOS
chmod +x "$B/bench-kernel-guest.sh"
rm -f "$B/bench-kernel.out"
# LOGBUF_VNG_OPTS is split into options.
# shellcheck disable=SC2086
timeout 3600 vng --disable-kvm -r "/boot/vmlinuz-$kver" --cpus 2 \
	--memory 4G -v --append loglevel=4 ${LOGBUF_VNG_OPTS:-} --rwdir="$B=$B" \
	--exec "$B/bench-kernel-guest.sh" </dev/null >"$B/bench-kernel-console.log" 2>&1
cat "$B/bench-kernel.out" 2>/dev/null || cat "$B/bench-kernel-console.log"
grep -q '^kbench exit 0$' "$B/bench-kernel.out" 2>/dev/null
