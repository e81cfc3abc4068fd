#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the virtme-ng guest: load the module, run the selftests, try
# the unload, and check the kernel log and taint.  Output: framed TAP for
# scripts/tap.awk, on stdout and, if given, in <out dir>/vm-guest.log (the
# console can lose its tail when the guest powers off).
# Usage: vm-tests.sh <build dir> <logbuf.ko> <testsink.ko> <testprod.ko>
#                    [<out dir>]
set -u
B=$1
KO=$2
SINK=$3
TPROD=$4
OUT=${5:-}

if [ -n "$OUT" ] && [ -z "${LOGBUF_VM_LOGGING:-}" ]; then
	export LOGBUF_VM_LOGGING=1
	"$0" "$@" 2>&1 | tee "$OUT/vm-guest.log"
	rc=${PIPESTATUS[0]}
	sync
	exit "$rc"
fi

# shellcheck source=scripts/tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

echo "# guest kernel $(uname -r), $(nproc) cpus"
taint0=$(cat /proc/sys/kernel/tainted)
single insmod insmod "$KO"
single insmod_testsink insmod "$SINK"
single insmod_testprod insmod "$TPROD"
mountpoint -q /sys/kernel/tracing ||
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
udevadm settle 2>/dev/null
[ -e /dev/logbuf ] || sleep 1
for t in "$B"/selftests/*_test; do
	frame "vm/$(basename "$t")" "$t"
done

# The command-line tool, as a user runs it.
TOOL=$B/tools/logbuf
tool_log() {
	local out
	echo global >/sys/kernel/tracing/trace_clock
	echo 1 >/sys/kernel/tracing/events/logbuf/logbuf_record/enable
	echo >/sys/kernel/tracing/trace
	printf 'hello from logbuf log\nsecond line\n' |
		timeout 60 "$TOOL" log || return 1
	out=$(cat /sys/kernel/tracing/trace)
	echo 0 >/sys/kernel/tracing/events/logbuf/logbuf_record/enable
	echo "$out" | grep 'logbuf_record' | tail -n 2
	echo "$out" | grep -q 'len=21 hello from logbuf log' &&
		echo "$out" | grep -q 'len=11 second line'
}
tool_trace_exec() {
	local out
	( sleep 1; /bin/true ) &
	out=$(timeout 60 "$TOOL" trace exec --duration 3) || return 1
	wait
	echo "$out" | grep ' exec ' | head -n 3
	echo "$out" | grep -Eq ' exec (/usr)?/bin/true '
}
tool_trace_syscalls_raw() {
	timeout 60 "$TOOL" trace syscalls,sched_switch --duration 1 \
		--raw /tmp/raw.bin &&
		[ -s /tmp/raw.bin ]
}
tool_stat() {
	local pid fd rc i
	"$TOOL" trace sched_switch --duration 5 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	fd=$(ls -l /proc/$pid/fd | sed -n 's/.* \([0-9]*\) -> anon_inode:\[logbuf-cons\].*/\1/p' | head -n1)
	timeout 60 "$TOOL" stat "$pid" "$fd"
	rc=$?
	# A bounded wait: the suite must go on whatever happens.
	for i in $(seq 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill -9 "$pid" 2>/dev/null && { echo "trace did not end"; rc=1; }
	wait "$pid"
	return $rc
}
single tool/log tool_log
single tool/trace_exec tool_trace_exec
single tool/trace_raw tool_trace_syscalls_raw
single tool/stat tool_stat
single tool/usage_error sh -c "$TOOL frobnicate 2>/dev/null; test \$? = 2"

kernel_log_clean() {
	if dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|refcount_t'; then
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
single rmmod rmmod logbuf
single dev_gone_after_rmmod test ! -e /dev/logbuf
single kernel_log_clean kernel_log_clean
single taint_clean taint_clean
