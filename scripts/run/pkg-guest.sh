#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside a virtme-ng guest (whose /usr, /etc and /var are overlays:
# nothing reaches the host): install the Debian packages of `make deb` as a
# user would, let DKMS build the module for the running kernel, load it with
# modprobe, and use what the packages installed: /usr/bin/logbuf, and a
# program built with pkg-config against liblogbuf-dev.  Then remove them.
# Prints TAP.  Usage: pkg-guest.sh <deb dir> <version> <src dir> [<out dir>]
set -u
DEB=$1 VERSION=$2 SRC=$3 OUT=${4:-}

# shellcheck source=scripts/lib/tap-lib.sh
. "$(dirname "$0")/../lib/tap-lib.sh"
[ -n "$OUT" ] && [ -z "${LOGBUF_VM_LOGGING:-}" ] &&
	tee_self "$OUT" pkg-guest.log "$0" "$@"
export DEBIAN_FRONTEND=noninteractive
W=$(mktemp -d)
# man-db's trigger re-indexes every manual page: many minutes under
# emulation.  Without this file it skips (the overlay forgets it anyway).
rm -f /var/lib/man-db/auto-update

echo "### BEGIN packages"
echo "# guest kernel $(uname -r)"
echo "1..10"
debs=$(ls "$DEB"/liblogbuf0_*.deb "$DEB"/liblogbuf-dev_*.deb \
	"$DEB"/liblogbuf-trace0_*.deb "$DEB"/liblogbuf-trace-dev_*.deb \
	"$DEB"/logbuf-tools_*.deb "$DEB"/logbuf-dkms_*.deb)
# DKMS builds for the running kernel and the newest one with headers.  The
# host's other kernels are not this guest's to test, and one more module
# build under emulation takes many minutes: hide their headers (overlay).
for k in /lib/modules/*; do
	[ "${k##*/}" = "$(uname -r)" ] || rm -f "$k/build"
done
dpkg_install() {
	local t0=$SECONDS rc
	# shellcheck disable=SC2086
	timeout 900 dpkg -i $debs
	rc=$?
	echo "dpkg -i: exit $rc after $((SECONDS - t0)) s (124: timed out)"
	return $rc
}
tap_check dpkg_install dpkg_install
tap_check dkms_built_for_this_kernel sh -c \
	"dkms status logbuf | tee /dev/stderr | grep -q '^logbuf/$VERSION, $(uname -r), .*: installed'"
tap_check modprobe_logbuf sh -c "modprobe logbuf &&
	test \"\$(cat /sys/module/logbuf/version)\" = $VERSION &&
	modinfo -n logbuf | grep -q /updates/dkms/ && udevadm settle &&
	test -c /dev/logbuf"
tap_check usr_bin_logbuf_version sh -c \
	"/usr/bin/logbuf --version | grep -q ' $VERSION'"
tool_trace() {
	( sleep 1; /bin/true ) &
	/usr/bin/logbuf trace exec --duration 3 >"$W/trace.txt" || return 1
	wait
	grep -Eq ' exec (/usr)?/bin/true ' "$W/trace.txt"
}
tap_check usr_bin_logbuf_trace tool_trace
man_pages() {
	man -w 1 logbuf && man -w 7 logbuf && man -w 3 logbuf_claim &&
		man -w 3 logbuf_ring_new_opts
}
tap_check man_pages_installed man_pages
pkg_program() {
	# shellcheck disable=SC2046
	gcc -std=gnu11 -Wall -Werror -o "$W/xproc_ring" \
		"$SRC/examples/xproc_ring.c" $(pkg-config --cflags --libs liblogbuf) &&
	# The packaged library, found through ld.so's cache (/lib is /usr/lib).
	ldd "$W/xproc_ring" | grep 'liblogbuf' &&
	ldd "$W/xproc_ring" | grep -q 'liblogbuf.so.0 => /.*lib/x86_64-linux-gnu/liblogbuf.so.0 ' &&
	"$W/xproc_ring" 20000
}
tap_check pkg_config_program_on_the_dkms_module pkg_program
# The decoder, built with its own pkg-config file, names an event of the
# running kernel through the packaged liblogbuf-trace.so.0.
trace_program() {
	mountpoint -q /sys/kernel/tracing ||
		mount -t tracefs nodev /sys/kernel/tracing
	cat >"$W/lt.c" <<'C'
#include <stdio.h>
#include <logbuf/trace.h>
int main(void)
{
	struct logbuf_trace *t = logbuf_trace_new(NULL);
	char name[64];
	uint32_t id;

	if (!t || logbuf_trace_load(t, "sched:sched_switch", &id))
		return 1;
	puts(logbuf_trace_name(t, id, name, sizeof(name)));
	logbuf_trace_free(t);
	return 0;
}
C
	# shellcheck disable=SC2046
	gcc -std=gnu11 -Wall -Werror -o "$W/lt" "$W/lt.c" \
		$(pkg-config --cflags --libs liblogbuf-trace) &&
	ldd "$W/lt" | grep -q 'liblogbuf-trace.so.0 => /.*lib/x86_64-linux-gnu/' &&
	test "$("$W/lt")" = sched:sched_switch
}
tap_check pkg_config_trace_decoder trace_program
tap_check remove_packages sh -c "modprobe -r logbuf &&
	timeout 600 dpkg -r logbuf-dkms logbuf-tools liblogbuf-trace-dev \
		liblogbuf-trace0 liblogbuf-dev liblogbuf0"
tap_check module_gone_with_package sh -c \
	"! modinfo logbuf 2>/dev/null && ! dkms status logbuf | grep -q ."
echo "### END packages rc=0"
