#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-newest`: the module and its test modules built warning-free
# at W=1 against the newest kernel Debian has (sid's linux-headers-amd64,
# with sid's gcc, in the chroot of scripts/sid-chroot.sh), then sid's kernel
# booted under virtme-ng with the guest suite.  Ends with the summary line.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build
LOG=$B/check-newest.log
mkdir -p "$B"

# shellcheck source=scripts/tap-lib.sh
. scripts/tap-lib.sh

scripts/deps.sh all || die "could not install the dependencies"
R=$(scripts/sid-chroot.sh | tail -n1) || die "no sid chroot"
ver=$(ls "$R/lib/modules" | sort -V | tail -n1)
[ -n "$ver" ] && [ -f "$R/boot/vmlinuz-$ver" ] || die "no kernel in $R"
make -s lib tests >"$B/build.log" 2>&1 || { cat "$B/build.log"; die "build failed"; }

# Build in the chroot from a copy of the module sources; fail on any warning.
src=$R/tmp/logbuf
rm -rf "$src"
mkdir -p "$src/lib" "$src/selftests/kmod"
cp -r kmod uapi "$src/"
cp -r lib/include "$src/lib/"
cp -r selftests/kmod/testprod selftests/kmod/sink "$src/selftests/kmod/"
mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
out=$(chroot "$R" sh -c "
	K=/usr/src/linux-headers-$ver
	make -C \$K M=/tmp/logbuf/kmod W=1 modules &&
	make -C \$K M=/tmp/logbuf/selftests/kmod/sink W=1 \
		KBUILD_EXTRA_SYMBOLS=/tmp/logbuf/kmod/Module.symvers modules &&
	make -C \$K M=/tmp/logbuf/selftests/kmod/testprod W=1 \
		KBUILD_EXTRA_SYMBOLS=/tmp/logbuf/kmod/Module.symvers modules" 2>&1)
rc=$?
umount "$R/proc"
{
	echo "# logbuf check-newest: guest kernel $ver, $(chroot "$R" gcc --version | head -n1)"
	warn=$(echo "$out" | grep -E 'warning:|error:' | grep -v 'Skipping BTF')
	printf '### BEGIN kmod/W=1/%s\n1..1\n' "$ver"
	[ -n "$warn" ] && echo "$warn" | sed 's/^/# /'
	if [ $rc = 0 ] && [ -z "$warn" ]; then echo "ok 1 built"; else echo "not ok 1 built"; fi
	echo "### END kmod/W=1/$ver rc=0"
} >"$LOG"
[ $rc = 0 ] || { cat "$LOG"; echo "$out" | tail -n 20; die "module build failed"; }

# virtme-ng loads the guest kernel's own modules from /lib/modules/<ver>.
[ -e "/lib/modules/$ver" ] || ln -s "$R/lib/modules/$ver" "/lib/modules/$ver"
# The modules just built, where vm-run.sh expects them.
mkdir -p "$B/newest"
cp "$src/kmod/logbuf.ko" "$src/selftests/kmod/sink/logbuf_testsink.ko" \
	"$src/selftests/kmod/testprod/logbuf_testprod.ko" "$B/newest/"
LOGBUF_MODULES=$B/newest scripts/vm-run.sh "$R/boot/vmlinuz-$ver" 2G 2400 >>"$LOG"
grep -av '^#  *\(RUN\|OK\) ' "$LOG"
awk -f scripts/tap.awk "$LOG" | grep '^# ' || true
awk -f scripts/tap.awk "$LOG" | tail -n 1 | tee "$B/summary-newest"
grep -q ' 0 failed' "$B/summary-newest"
