#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-newest`: the module and its test modules built warning-free
# at W=1 against the newest kernel Debian has (sid's linux-headers-amd64,
# with sid's gcc, in the chroot of scripts/setup/chroot.sh sid), then sid's kernel
# booted under virtme-ng with the guest suite.  Ends with the summary line.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build
LOG=$B/check-newest.log
mkdir -p "$B"

# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh

scripts/setup/deps.sh all || die "could not install the dependencies"
R=$(scripts/setup/chroot.sh sid | tail -n1) || die "no sid chroot"
ver=$(ls "$R/lib/modules" | sort -V | tail -n1)
[ -n "$ver" ] && [ -f "$R/boot/vmlinuz-$ver" ] || die "no kernel in $R"
make -s lib tests >"$B/build.log" 2>&1 || { cat "$B/build.log"; die "build failed"; }

# Built in the chroot with sid's gcc; fail on any warning.
{
	echo "# logbuf check-newest: guest kernel $ver"
	single "kmod/W=1/$ver" env LOGBUF_CHROOT="$R" scripts/run/kmod-build.sh \
		"$B/newest" "/usr/src/linux-headers-$ver"
} >"$LOG"
grep -q "^ok 1 " "$LOG" || { cat "$LOG"; die "module build failed"; }

# virtme-ng loads the guest kernel's own modules from /lib/modules/<ver>.
[ -e "/lib/modules/$ver" ] || ln -s "$R/lib/modules/$ver" "/lib/modules/$ver"
LOGBUF_MODULES=$B/newest scripts/run/vm-run.sh "$R/boot/vmlinuz-$ver" 2G 2400 >>"$LOG"
grep -av '^#  *\(RUN\|OK\) ' "$LOG"
awk -f scripts/lib/tap.awk "$LOG" | grep '^# ' || true
awk -f scripts/lib/tap.awk "$LOG" | tail -n 1 | tee "$B/summary-newest"
grep -q ' 0 failed' "$B/summary-newest"
