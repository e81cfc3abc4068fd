#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: build (once, cached) a 6.1 kernel with KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, UBSAN, KFENCE, DEBUG_LIST, DEBUG_OBJECTS_WORK and
# kmemleak (scripts/setup/debug-kernel.sh), build the module against it, boot it
# under virtme-ng and run every selftest and the hostile tests (as root and
# as uid 65534), then scan for leaks.  Any report in the kernel log fails.
# Ends with the line "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build
mkdir -p "$B"
LOG=$B/check-debug.log

# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh

scripts/setup/deps.sh debug || die "could not install the dependencies"
TREE=$(scripts/setup/debug-kernel.sh | tail -n1) || die "debug kernel build failed"
make -s lib tests >"$B/build.log" 2>&1 || { cat "$B/build.log"; die "build failed"; }
make -s -C "$TREE" M="$ROOT/kmod" clean >/dev/null 2>&1
make -s kmod KDIR="$TREE" >"$B/kmod-debug.log" 2>&1 ||
	{ cat "$B/kmod-debug.log"; die "module build failed"; }

# Emulation under KASAN is slow: timing bounds are loosened, not dropped.
# The kernel's own console goes to build/vm-console.log (-v): a report
# reaches the host even when the guest's user space cannot run any more.
LOGBUF_VNG_OPTS="-v --append softlockup_all_cpu_backtrace=1" \
scripts/run/vm-run.sh "$TREE/arch/x86/boot/bzImage" 4G 5000 \
	LOGBUF_MAX_LATE_MS=2000 LOGBUF_DEBUG_KERNEL=1 >"$LOG"
grep -av '^#  *\(RUN\|OK\) ' "$LOG"
awk -f scripts/lib/tap.awk "$LOG" | grep '^# ' || true
awk -f scripts/lib/tap.awk "$LOG" | tail -n 1 | tee "$B/summary-debug"
grep -q ' 0 failed' "$B/summary-debug"
