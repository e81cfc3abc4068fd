#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the virtme-ng guest: load the module, run the selftests, try
# the unload, and check the kernel log and taint.  Output: framed TAP for
# scripts/tap.awk, on stdout and, if given, in <out dir>/vm-guest.log (the
# console can lose its tail when the guest powers off).
# Usage: vm-tests.sh <build dir> <logbuf.ko> <testsink.ko> <testprod.ko>
#                    <logbuf_hello.ko> [<out dir>]
set -u
B=$1
KO=$2
SINK=$3
TPROD=$4
HELLO=$5
OUT=${6:-}

# shellcheck source=scripts/tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"
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
for t in "$B"/selftests/*_test; do
	frame "vm/$(basename "$t")" "$t"
done
# The hostile tests again as an unprivileged user (uid 65534), with enough
# locked memory for their largest ring (16 MiB); the per-user limit test
# lowers it itself.
frame vm/hostile_test_uid65534 prlimit --memlock=$((32 << 20)) \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$B/selftests/hostile_test"
# The collector's tests too: its peers are whoever may connect.
frame vm/collect_test_uid65534 prlimit --memlock=$((32 << 20)) \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$B/selftests/collect_test"

# The command-line tool, as a user runs it.
TOOL=$B/tools/logbuf
tool_log() {
	local out ev=/sys/kernel/tracing/events/synthetic/logbuf_log
	echo global >/sys/kernel/tracing/trace_clock
	# The first run declares the event (no lines); the second is traced.
	timeout 60 "$TOOL" log </dev/null || return 1
	echo 1 >"$ev/enable" || return 1
	echo >/sys/kernel/tracing/trace
	# A line of 2500 bytes: three events of line 3, nothing cut.
	{ printf 'hello from logbuf log\nsecond line\n'
	  head -c 2500 /dev/zero | tr '\0' x; echo; } |
		timeout 60 "$TOOL" log || return 1
	out=$(cat /sys/kernel/tracing/trace)
	echo 0 >"$ev/enable"
	echo "$out" | grep 'logbuf_log:' | cut -c 1-160
	echo "$out" | grep -Eq 'logbuf_log: pid=[0-9]+ tid=[0-9]+ line=1 text=hello from logbuf log$' &&
		echo "$out" | grep -q ' line=2 text=second line$' &&
		[ "$(echo "$out" | grep ' line=3 text=' | sed 's/.* text=//' |
		     tr -d '\n' | tr -cd x | wc -c)" = 2500 ]
}
# logbuf log -c into logbuf collect, both as uid 65534: every line, in
# order, with the sender's pid.
tool_collect() {
	local out pid sock=/tmp/logbuf-collect.sock
	local nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	rm -f $sock
	$nobody timeout 60 "$TOOL" collect $sock -n 3 >/tmp/collect.out &
	pid=$!
	for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
	printf 'one\ntwo "quoted"\nthree\n' |
		$nobody timeout 60 "$TOOL" log -c $sock -e applog || return 1
	wait $pid || return 1
	out=$(cat /tmp/collect.out)
	echo "$out"
	[ "$(echo "$out" | wc -l)" = 3 ] &&
		echo "$out" | sed -n 1p | grep -Eq '^[0-9]+\.[0-9]{9} [0-9]+/[0-9]+ applog: line=1 text="one"$' &&
		echo "$out" | sed -n 2p | grep -q 'line=2 text="two \\"quoted\\""$' &&
		echo "$out" | sed -n 3p | grep -q 'line=3 text="three"$' &&
		[ ! -e $sock ]
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
		-o /tmp/raw.bin &&
		[ -s /tmp/raw.bin ] &&
		"$TOOL" dump /tmp/raw.bin | grep -q ' sys_enter NR ' &&
		"$TOOL" --json dump /tmp/raw.bin | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
assert ev and all("ts_ns" in e for e in ev), len(ev)
print(len(ev), "records decoded")'
}
# The tool must not trace itself: its own system calls do not grow with the
# events it records.
tool_trace_not_itself() {
	local pid wd load
	"$TOOL" --json trace syscalls --duration 2 >/tmp/sys.json &
	pid=$!
	( sleep 60; kill -9 $pid 2>/dev/null ) &	# a watchdog
	wd=$!
	# Somebody else makes system calls meanwhile (one process, no exec).
	python3 -c 'import os
for i in range(20000): os.getppid()' &
	load=$!
	wait $pid || return 1
	kill $wd 2>/dev/null
	wait $load
	python3 - "$pid" /tmp/sys.json <<'PY'
import json, sys
pid = int(sys.argv[1])
ev = [json.loads(l) for l in open(sys.argv[2])]
summary = ev.pop()["summary"]
own = sum(1 for e in ev if e.get("tgid") == pid)
print("%d events, %d of the tool's own (%.1f%%), %d dropped"
      % (len(ev), own, 100.0 * own / max(len(ev), 1), summary["dropped"]))
assert summary["events"] == len(ev)
# Its own system calls: a few per 10 ms poll, one write per ~4 KiB of
# output; never one per event (the old tool read the clock per event: 94%).
assert own <= 0.1 * len(ev) + 300 * summary["seconds"] + 200, own
PY
}
# Wait until the tracer whose stderr goes to $1 says its events are on (it
# prints that once attached; loading formats and attaching take seconds on
# a debug kernel).
tracer_ready() {
	local i
	for i in $(seq 600); do
		grep -q '^logbuf: tracing' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the tracer never started"; cat "$1"
	return 1
}
# A ring per CPU: every marked call of each CPU arrives, from that CPU, and
# the merged stream is in timestamp order.
tool_trace_per_cpu() {
	local pid ncpu
	ncpu=$(nproc)
	"$TOOL" --json trace syscalls --per-cpu --duration 8 >/tmp/pcpu.json \
		2>/tmp/pcpu.err &
	pid=$!
	tracer_ready /tmp/pcpu.err || return 1
	python3 -c 'import os, sys
for cpu in range(int(sys.argv[1])):
    os.sched_setaffinity(0, {cpu})
    for i in range(300):
        try: os.getpgid(4100000 + cpu * 1000 + i)
        except ProcessLookupError: pass' "$ncpu"
	wait $pid || return 1
	python3 - "$ncpu" /tmp/pcpu.json <<'PY'
import json, sys
ncpu = int(sys.argv[1])
ev = [json.loads(l) for l in open(sys.argv[2])]
summary = ev.pop()["summary"]
assert summary["events"] == len(ev), summary
assert summary["rings"] >= ncpu, summary
mine = [e for e in ev if e.get("event") == "sys_enter" and e["id"] == 121
        and 4100000 <= e["args"][0] < 4100000 + ncpu * 1000]
for cpu in range(ncpu):
    got = sorted(e["args"][0] - 4100000 - cpu * 1000 for e in mine
                 if e["cpu"] == cpu)
    assert got == list(range(300)), (cpu, len(got))
ts = [e["ts_ns"] for e in ev]
out_of_order = sum(1 for a, b in zip(ts, ts[1:]) if b < a)
print("%d events on %d rings, %d marked calls, %d out of order (%d late), "
      "%d dropped" % (len(ev), summary["rings"], len(mine), out_of_order,
                      summary["late"], summary["dropped"]))
assert out_of_order <= summary["late"], out_of_order
PY
}
# Any trace event by name, decoded by its format: 50 marked getpgid() calls
# and 7 forks of one process, with the right field values, as JSON and as
# text.
tool_trace_any_event() {
	local pid
	"$TOOL" --json trace syscalls:sys_enter_getpgid,sched:sched_process_fork \
		--duration 8 >/tmp/any.json 2>/tmp/any.err &
	pid=$!
	tracer_ready /tmp/any.err || return 1
	python3 -c 'import os
for i in range(50):
    try: os.getpgid(4300000 + i)
    except ProcessLookupError: pass
for i in range(7):
    p = os.fork()
    if p == 0: os._exit(0)
    os.waitpid(p, 0)
print(os.getpid())' >/tmp/any.pid
	wait $pid || return 1
	python3 - /tmp/any.json "$(cat /tmp/any.pid)" <<'PY' || return 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
summary = ev.pop()["summary"]
me = int(sys.argv[2])
assert summary["events"] == len(ev), summary
calls = [e for e in ev if e["event"] == "syscalls:sys_enter_getpgid"
         and e["tgid"] == me and 4300000 <= e["fields"]["pid"] < 4300050]
forks = [e for e in ev if e["event"] == "sched:sched_process_fork"
         and e["fields"]["parent_pid"] == me]
assert sorted(c["fields"]["pid"] - 4300000 for c in calls) == list(range(50)), len(calls)
assert len(forks) == 7 and all(f["fields"]["child_pid"] > 0 for f in forks), forks
assert all(f["fields"]["parent_comm"] == "python3" for f in forks), forks[0]
print("%d events: %d marked calls, %d forks decoded; %d dropped"
      % (len(ev), len(calls), len(forks), summary["dropped"]))
PY
	# Text: the event's own print format, as ftrace prints it.
	timeout 90 "$TOOL" trace syscalls:sys_enter_getpgid --duration 5 \
		>/tmp/any.txt 2>/tmp/any.err &
	pid=$!
	tracer_ready /tmp/any.err || return 1
	python3 -c 'import os
try: os.getpgid(4300077)
except ProcessLookupError: pass'
	wait $pid || return 1
	grep 'sys_enter_getpgid' /tmp/any.txt | head -n 2
	grep -q 'syscalls:sys_enter_getpgid: pid: 0x00419d2d' /tmp/any.txt
}
# Filters: only one process's events, only one CPU's.
tool_trace_filters() {
	local pid load
	# The traced process waits for the tracer (a file), then calls.
	rm -f /tmp/flt.go
	python3 -c 'import os, time
while not os.path.exists("/tmp/flt.go"): time.sleep(0.05)
for i in range(40):
    try: os.getpgid(4400000 + i)
    except ProcessLookupError: pass
time.sleep(600)' &
	load=$!
	"$TOOL" --json trace syscalls:sys_enter_getpgid --pid $load \
		--duration 6 >/tmp/flt.json 2>/tmp/flt.err &
	pid=$!
	tracer_ready /tmp/flt.err || return 1
	touch /tmp/flt.go
	# Another process's calls meanwhile: none may arrive.
	python3 -c 'import os
for i in range(40):
    try: os.getpgid(4400000 + i)
    except ProcessLookupError: pass'
	wait $pid || return 1
	kill $load 2>/dev/null
	wait $load 2>/dev/null
	python3 - /tmp/flt.json $load <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
summary = ev.pop()["summary"]
load = int(sys.argv[2])
others = [e for e in ev if e["tgid"] != load]
mine = [e for e in ev if e["fields"]["pid"] >= 4400000]
print("%d events, %d of other processes" % (len(ev), len(others)))
assert not others and len(mine) == 40, (len(others), len(mine))
PY
}
# A timeline for the Perfetto UI: per-CPU slices named by the task that ran,
# wake-ups as instants, a known sleeper among them.
tool_trace_perfetto() {
	local pid
	# Stopped by SIGINT once the sleeper is done, not by a duration: on
	# a debug kernel Python alone can take longer to start than that.
	"$TOOL" trace sched:sched_switch,sched:sched_wakeup \
		--perfetto /tmp/timeline.json >/dev/null 2>/tmp/tl.err &
	pid=$!
	tracer_ready /tmp/tl.err || return 1
	python3 -c 'import ctypes, time
ctypes.CDLL(None).prctl(15, b"lbsleeper", 0, 0, 0)
for i in range(20): time.sleep(0.005)'
	kill -INT $pid
	wait $pid || return 1
	python3 - /tmp/timeline.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["traceEvents"]
slices = [e for e in t if e["ph"] == "X"]
wakeups = [e for e in t if e["ph"] == "i" and e["name"] == "sched:sched_wakeup"]
mine = [e for e in slices if e["name"] == "lbsleeper"]
tracks = [e["args"]["name"] for e in t if e["ph"] == "M" and e["name"] == "thread_name"]
print("%d slices (%d of lbsleeper), %d wake-ups, tracks %s"
      % (len(slices), len(mine), len(wakeups), tracks))
assert len(mine) >= 10, len(mine)
assert any(w.get("args", {}).get("comm") == "lbsleeper" for w in wakeups)
assert all(e["dur"] >= 0 and e["ts"] >= 0 for e in slices)
assert "CPU 0" in tracks
PY
}
# A tracer that lives until told to stop (SIGTERM), however slow the guest.
tracer_start() {
	"$TOOL" trace sched_switch --duration 120 >/dev/null 2>&1 &
	tracer=$!
	sleep 2
}
tracer_stop() {
	local i
	kill -TERM "$tracer" 2>/dev/null
	for i in $(seq 60); do
		kill -0 "$tracer" 2>/dev/null || break
		sleep 1
	done
	kill -9 "$tracer" 2>/dev/null && { echo "trace did not end"; return 1; }
	wait "$tracer"
}
# The flight recorder: an 8 KiB overwrite ring records silently; SIGUSR1
# writes its newest events (the last of 5000 marked calls, consecutive),
# more calls overwrite them, and the exit writes the newest again.
tool_trace_flight_recorder() {
	local pid i
	"$TOOL" --json trace syscalls:sys_enter_getpgid --flight-recorder 8k \
		>/tmp/fr.json 2>/tmp/fr.err &
	pid=$!
	tracer_ready /tmp/fr.err || return 1
	# logbuf list shows it as a flight recorder.
	"$TOOL" list | grep -q ' ow ' || { "$TOOL" list; return 1; }
	python3 -c 'import os
for i in range(5000):
    try: os.getpgid(4400000 + i)
    except ProcessLookupError: pass'
	kill -USR1 $pid
	for i in $(seq 300); do
		grep -q 'flight recorder:' /tmp/fr.err && break
		sleep 0.1
	done
	python3 -c 'import os
for i in range(3000):
    try: os.getpgid(4500000 + i)
    except ProcessLookupError: pass'
	kill -INT $pid
	wait $pid || { cat /tmp/fr.err; return 1; }
	cat /tmp/fr.err
	python3 - /tmp/fr.json <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
summary = ev.pop()["summary"]
assert summary["events"] == len(ev), summary
m = [(i, e["fields"]["pid"]) for i, e in enumerate(ev)
     if e["event"] == "syscalls:sys_enter_getpgid"
     and 4400000 <= e["fields"]["pid"] < 4503000]
first = [p - 4400000 for i, p in m if p < 4500000]
second = [p - 4500000 for i, p in m if p >= 4500000]
for run, last in ((first, 4999), (second, 2999)):
    assert len(run) >= 20, (len(run), run[:5])
    assert run == list(range(last - len(run) + 1, last + 1)), run[:5]
# The first dump comes first, and only the newest calls are in either.
assert max(i for i, p in m if p < 4500000) < min(i for i, p in m if p >= 4500000)
assert len(first) < 400 and len(second) < 400, (len(first), len(second))
print("dump 1: calls %d..4999, dump 2: calls %d..2999, %d events in all"
      % (first[0], second[0], len(ev)))
PY
	# A recorder per CPU, merged at exit: each CPU's newest calls, in
	# timestamp order.
	"$TOOL" --json trace syscalls:sys_enter_getpgid --flight-recorder 4k \
		--per-cpu >/tmp/frc.json 2>/tmp/frc.err &
	pid=$!
	tracer_ready /tmp/frc.err || return 1
	python3 -c 'import os, sys
for cpu in range(int(sys.argv[1])):
    os.sched_setaffinity(0, {cpu})
    for i in range(300):
        try: os.getpgid(4700000 + cpu * 1000 + i)
        except ProcessLookupError: pass' "$(nproc)"
	kill -INT $pid
	wait $pid || { cat /tmp/frc.err; return 1; }
	python3 - /tmp/frc.json "$(nproc)" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ev.pop()
ncpu = int(sys.argv[2])
ts = [e["ts_ns"] for e in ev]
assert ts == sorted(ts), "not merged by timestamp"
for cpu in range(ncpu):
    got = [e["fields"]["pid"] - 4700000 - cpu * 1000 for e in ev
           if e["event"] == "syscalls:sys_enter_getpgid" and e["cpu"] == cpu
           and 4700000 + cpu * 1000 <= e["fields"]["pid"] < 4700300 + cpu * 1000]
    assert len(got) >= 10 and got == list(range(300 - len(got), 300)), (cpu, got[:3])
    print("cpu %d: calls %d..299 kept" % (cpu, got[0]))
PY
}
# --filter: the event's own expression, in the kernel: of 100 marked calls
# exactly the 50 it lets through arrive; an expression the kernel does not
# take is an error naming the event; no trace instance is left behind.
tool_trace_filter_expr() {
	local pid rc
	"$TOOL" --json trace syscalls:sys_enter_getpgid \
		--filter 'pid >= 4600050 && pid < 4600100' \
		>/tmp/fx.json 2>/tmp/fx.err &
	pid=$!
	tracer_ready /tmp/fx.err || return 1
	python3 -c 'import os
for i in range(200):
    try: os.getpgid(4600000 + i)
    except ProcessLookupError: pass'
	kill -INT $pid
	wait $pid || { cat /tmp/fx.err; return 1; }
	python3 - /tmp/fx.json <<'PY' || return 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
summary = ev.pop()["summary"]
got = sorted(e["fields"]["pid"] for e in ev
             if e["event"] == "syscalls:sys_enter_getpgid")
assert got == list(range(4600050, 4600100)), got[:5]
assert summary["events"] == 50, summary
print("50 of 100 marked calls passed the filter, nothing else")
PY
	"$TOOL" trace syscalls:sys_enter_getpgid --filter 'nosuchfield == 1' \
		--duration 1 >/dev/null 2>/tmp/fx.err
	rc=$?
	cat /tmp/fx.err
	[ $rc = 1 ] && grep -q 'does not take the filter' /tmp/fx.err || return 1
	! ls -d /sys/kernel/tracing/instances/logbuf-* 2>/dev/null
}
tool_list() {
	local rc=0
	tracer_start
	"$TOOL" list | tee /tmp/list.txt | head -n 3
	grep -q 'kernel->user' /tmp/list.txt || rc=1
	"$TOOL" --json list | python3 -c '
import json, sys
rings = json.load(sys.stdin)
assert any(r["ends"] == "kernel->user" for r in rings), rings' || rc=1
	tracer_stop || rc=1
	return $rc
}
tool_stat() {
	local fd rc
	tracer_start
	fd=$(ls -l /proc/$tracer/fd | sed -n 's/.* \([0-9]*\) -> anon_inode:\[logbuf-cons\].*/\1/p' | head -n1)
	timeout 60 "$TOOL" stat "$tracer" "$fd"
	rc=$?
	"$TOOL" --json stat "$tracer" "$fd" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["end"] == "consumer" and s["capacity"] > 0, s' || rc=1
	tracer_stop || rc=1
	return $rc
}
single tool/log tool_log
single tool/collect tool_collect
single tool/trace_exec tool_trace_exec
single tool/trace_raw_and_dump tool_trace_syscalls_raw
single tool/trace_not_itself tool_trace_not_itself
single tool/trace_per_cpu tool_trace_per_cpu
single tool/trace_any_event tool_trace_any_event
single tool/trace_filters tool_trace_filters
single tool/trace_perfetto tool_trace_perfetto
single tool/trace_flight_recorder tool_trace_flight_recorder
single tool/trace_filter_expr tool_trace_filter_expr
single tool/list tool_list
single tool/stat tool_stat
single tool/usage_error sh -c "$TOOL frobnicate 2>/dev/null; test \$? = 2"

# The examples, run as their comments say.
EX=$B/examples
# Two threads' 2 x 50 events, sent by one process and printed by another.
ex_collector() {
	local out pid sock=/tmp/logbuf-example.sock
	rm -f $sock
	"$EX/collector" serve $sock 100 >/tmp/collector.out &
	pid=$!
	for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
	"$EX/collector" send $sock 50 || return 1
	wait $pid || return 1
	out=$(cat /tmp/collector.out)
	echo "$out" | head -n 3
	[ "$(echo "$out" | grep -Ec ' req_done: status=(200|503) lat_ns=[0-9]+ path="/index.html"$')" = 100 ]
}
ex_ftrace_log() {
	local out ev=/sys/kernel/tracing/events/synthetic/ftrace_log
	# The first run declares the event; the second is traced, filtered
	# on a field: 20 of its 25 steps.
	"$EX/ftrace_log" 1 || return 1
	echo 'step > 5' >"$ev/filter" && echo 1 >"$ev/enable" || return 1
	echo >/sys/kernel/tracing/trace
	"$EX/ftrace_log" 25 || return 1
	out=$(grep -Ec 'ftrace_log: pid=[0-9]+ tid=[0-9]+ step=([6-9]|1[0-9]|2[0-5]) steps=25 text=a line from ftrace_log$' \
		/sys/kernel/tracing/trace)
	echo 0 >"$ev/enable"
	echo 0 >"$ev/filter"
	grep ftrace_log: /sys/kernel/tracing/trace | tail -n 1
	echo "$out trace events of the 20 the filter lets through"
	[ "$out" = 20 ] && [ "$(grep -c ftrace_log: /sys/kernel/tracing/trace)" = 20 ]
}
ex_kmod_producer() {
	local id line rc=0
	# The reader prints the ring's id, then what the module writes.
	exec 3< <(timeout 60 "$EX/hello_reader" 30)
	read -r line <&3 || return 1
	id=${line#ring }
	insmod "$HELLO" ring="$id" count=100 || rc=1
	grep -c '^hello [0-9]* from the kernel$' <&3 >/tmp/hello.count
	exec 3<&-
	echo "ring $id: $(cat /tmp/hello.count) records of 100"
	dmesg | grep 'logbuf_hello:' | tail -n 1
	rmmod logbuf_hello || rc=1
	[ "$(cat /tmp/hello.count)" = 100 ] && [ $rc = 0 ]
}
single example/channel_demo "$EX/channel_demo" 20000
single example/xproc_ring "$EX/xproc_ring" 50000
single example/ftrace_log ex_ftrace_log
single example/collector ex_collector
single example/kmod_producer ex_kmod_producer

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
