#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the virtme-ng guest: load the module, run the selftests, try
# the unload, and check the kernel log and taint.  Output: framed TAP for
# scripts/lib/tap.awk, on stdout and, if given, in <out dir>/vm-guest.log (the
# console can lose its tail when the guest powers off).
# Usage: vm-guest.sh <build dir> <logbuf.ko> <testsink.ko> <testprod.ko>
#                    <logbuf_hello.ko> [<out dir>]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$1
KO=$2
SINK=$3
TPROD=$4
HELLO=$5
OUT=${6:-}

# shellcheck source=scripts/lib/tap-lib.sh
. "$(dirname "$0")/../lib/tap-lib.sh"
# Log names: $LOGBUF_VM_NAME (vm-run.sh's; guests may run side by side).
NAME=${LOGBUF_VM_NAME:-vm}
[ -n "$OUT" ] && [ -z "${LOGBUF_VM_LOGGING:-}" ] &&
	tee_self "$OUT" "$NAME-guest.log" "$0" "$@"

echo "# guest kernel $(uname -r), $(nproc) cpus"
# The kernel log as it happens, so that a guest that stalls still says why.
[ -n "$OUT" ] && { dmesg -w >"$OUT/$NAME-dmesg.log" 2>&1 & }
taint0=$(cat /proc/sys/kernel/tainted)
single insmod insmod "$KO"
single insmod_testsink insmod "$SINK"
single insmod_testprod insmod "$TPROD"
mountpoint -q /sys/kernel/tracing ||
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
udevadm settle 2>/dev/null
[ -e /dev/logbuf ] || sleep 1
# A guest booted for its preemption model must have it, or the tests that
# need it prove nothing (PREEMPT_DYNAMIC shows the model in use in parens).
preempt_model() {
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
	cat /sys/kernel/debug/sched/preempt &&
		grep -q "($LOGBUF_EXPECT_PREEMPT)" /sys/kernel/debug/sched/preempt
}
[ -n "${LOGBUF_EXPECT_PREEMPT:-}" ] &&
	single "guest_preempt_$LOGBUF_EXPECT_PREEMPT" preempt_model
# The lists: selftests/tests.mk's, written by vm-run.sh.
# shellcheck source=/dev/null
. "$B/selftests.env"
for t in $KMOD_TESTS; do
	frame "vm/$t" "$B/selftests/$t"
done
# The tests whose peers are whoever may open /dev/logbuf, again as an
# unprivileged user (uid 65534), with enough locked memory for their
# largest ring (16 MiB); the per-user limit test lowers it itself.
for t in $NOBODY_TESTS; do
	frame "vm/${t}_uid65534" prlimit --memlock=$((32 << 20)) \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$B/selftests/$t"
done
# The command-line tool as a user runs it, the examples as their comments
# say: programs of selftests/tool/ and selftests/examples/.
export LOGBUF_TOOL=$B/tools/logbuf LOGBUF_EXAMPLES=$B/examples
export LOGBUF_HELLO_KO=$HELLO
for t in $TOOL_TESTS $EXAMPLE_TESTS; do
	kselftest "${t%.*}" "$ROOT/selftests/$t"
done

# On the debug kernel (make check-debug): a kmemleak scan, after the module
# is gone; every unreferenced object that logbuf allocated is a failure.
kmemleak_clean() {
	local f=/sys/kernel/debug/kmemleak
	mountpoint -q /sys/kernel/debug || mount -t debugfs nodev /sys/kernel/debug
	echo scan >"$f"
	sleep 5
	echo scan >"$f"
	if grep -B2 -A20 'unreferenced object' "$f" | grep -q logbuf; then
		cat "$f" | head -n 80
		return 1
	fi
	echo "$(grep -c 'unreferenced object' "$f") unreferenced objects, none of logbuf's"
}
[ -n "${LOGBUF_DEBUG_KERNEL:-}" ] && single kmemleak_clean kmemleak_clean

kernel_log_clean() {
	# Reports only: "RCU lockdep checking is enabled" is a boot banner.
	if dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|KFENCE|refcount_t|ODEBUG|possible (circular|recursive) locking|inconsistent lock|suspicious RCU|DEBUG_LOCKS_WARN_ON|list_(add|del) corruption|soft lockup|hung_task|workqueue lockup|drain_workqueue'; then
		return 1
	fi
	return 0
}
# Only the out-of-tree (O, 4096) and unsigned-module (E, 8192) taints.
taint_clean() {
	local t
	t=$(cat /proc/sys/kernel/tainted)
	echo "taint before $taint0, after $t"
	[ $(( (t & ~taint0) & ~(4096 | 8192) )) = 0 ]
}
single rmmod_testsink rmmod logbuf_testsink
single rmmod_testprod rmmod logbuf_testprod

# rmmod while the kernel consumer drains a full 16 MiB ring (every record a
# trace event): refused at once while the ring lives, never a long wait in
# the module's exit nor a workqueue warning; it succeeds once the drain ends.
rmmod_during_drain() {
	local i t0 t1 rc refused=0 limit=2000
	# A debug kernel under emulation runs the rmmod process itself slowly.
	[ -n "${LOGBUF_DEBUG_KERNEL:-}" ] && limit=10000
	echo 1 >/sys/kernel/tracing/events/logbuf/logbuf_record/enable
	"$B/selftests/fill_kcons" $((16 << 20)) || return 1
	for i in $(seq 600); do
		t0=$(date +%s%N)
		rmmod logbuf 2>/dev/null
		rc=$?
		t1=$(date +%s%N)
		# Refused or done, at once: no waiting inside rmmod.
		[ $(( (t1 - t0) / 1000000 )) -lt $limit ] ||
			{ echo "rmmod took $(( (t1 - t0) / 1000000 )) ms"; return 1; }
		[ $rc = 0 ] && break
		refused=$((refused + 1))
		sleep 0.5
	done
	echo 0 2>/dev/null >/sys/kernel/tracing/events/logbuf/logbuf_record/enable
	echo "rmmod refused $refused times while the ring drained"
	[ ! -e /sys/module/logbuf ] || return 1
	! dmesg | grep -E "drain_workqueue|isn't complete"
}
single rmmod_during_drain rmmod_during_drain
single dev_gone_after_rmmod test ! -e /dev/logbuf
single kernel_log_clean kernel_log_clean
single taint_clean taint_clean
