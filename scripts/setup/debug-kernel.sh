#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once, a 6.1 kernel with the checkers Debian's kernels lack (KASAN,
# lockdep, DEBUG_ATOMIC_SLEEP, UBSAN, KFENCE, DEBUG_LIST, DEBUG_OBJECTS_WORK,
# kmemleak, the lock-up and workqueue watchdogs), from Debian's
# linux-source-6.1 tarball with virtme-ng's minimal config.  About 45 minutes
# on two cores; the tree is cached outside the clone, in
# ${LOGBUF_CACHE:-/var/cache/logbuf}/linux-6.1-debug, and rebuilt only when
# the tarball or the option list below changes.
#
# Prints the tree's path last.  Usage: scripts/setup/debug-kernel.sh
set -eu
cd "$(dirname "$0")/../.."
CACHE=${LOGBUF_CACHE:-/var/cache/logbuf}
TREE=$CACHE/linux-6.1-debug

ITEMS="CONFIG_MODULES=y CONFIG_MODULE_UNLOAD=y CONFIG_MODULE_SIG=n
CONFIG_KASAN=y CONFIG_KASAN_GENERIC=y CONFIG_KASAN_INLINE=y
CONFIG_PROVE_LOCKING=y CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_UBSAN=y CONFIG_UBSAN_BOUNDS=y CONFIG_UBSAN_SHIFT=y
CONFIG_KFENCE=y CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_OBJECTS=y CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_TIMERS=y CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
CONFIG_DEBUG_KMEMLEAK=y CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n CONFIG_DEBUG_FS=y
CONFIG_SOFTLOCKUP_DETECTOR=y CONFIG_DETECT_HUNG_TASK=y CONFIG_WQ_WATCHDOG=y
CONFIG_FTRACE=y CONFIG_EVENT_TRACING=y CONFIG_FTRACE_SYSCALLS=y
CONFIG_PERF_EVENTS=y CONFIG_BPF_SYSCALL=y CONFIG_MEMCG=y
CONFIG_HIGH_RES_TIMERS=y CONFIG_KASAN_VMALLOC=y
CONFIG_SYNTH_EVENTS=y CONFIG_HIST_TRIGGERS=y"

scripts/setup/deps.sh debug >&2

tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
want=$(printf '%s\n%s\n' "$(stat -c '%s %Y' "$tarball")" "$ITEMS" |
	sha256sum | cut -c1-16)
if [ -f "$TREE/.logbuf-stamp" ] && [ "$(cat "$TREE/.logbuf-stamp")" = "$want" ] &&
   [ -f "$TREE/arch/x86/boot/bzImage" ] && [ -f "$TREE/Module.symvers" ]; then
	echo "$TREE"
	exit 0
fi

mkdir -p "$CACHE"
rm -rf "$TREE" "$CACHE/extract"
mkdir -p "$CACHE/extract"
tar -xJf "$tarball" -C "$CACHE/extract"
mv "$CACHE"/extract/linux-source-* "$TREE"
rmdir "$CACHE/extract"
cd "$TREE"
args=
for i in $ITEMS; do
	args="$args --configitem $i"
done
# shellcheck disable=SC2086
vng --kconfig $args >&2
make olddefconfig >&2
for i in $ITEMS; do
	case $i in
	*=n) grep -q "^${i%=n}=" .config && { echo "logbuf: $i not taken" >&2; exit 1; } ;;
	*) grep -qx "$i" .config || { echo "logbuf: $i not taken" >&2; exit 1; } ;;
	esac
done
make -j"$(nproc)" >&2
echo "$want" >.logbuf-stamp
echo "$TREE"
