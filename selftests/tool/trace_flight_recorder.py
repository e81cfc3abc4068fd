#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The flight recorder: an 8 KiB overwrite ring records silently; SIGUSR1
writes its newest events (the last of 5,000 marked calls, consecutive),
more calls overwrite them, and the exit writes the newest again; each dump
says before its events how many of the run's calls are not in it, and
that is exactly the rest.  Then a
recorder per CPU, merged at exit: each CPU's newest calls, in timestamp
order."""
import os
import signal
import time

from logbuf_test import Tracer, check, getpgid_marked, run

t = Tracer(["--json", "trace", "syscalls:sys_enter_getpgid",
            "--flight-recorder", "8k", "--pid", str(os.getpid())],
           "/tmp/logbuf-fr.json")
t.started()
# logbuf list shows it as a flight recorder.
rings = run(["list"], capture_output=True, text=True, check=True).stdout
check(" ow " in rings, rings)
getpgid_marked(4400000, 5000)
t.p.send_signal(signal.SIGUSR1)
for i in range(300):
    if "flight recorder:" in t.stderr():
        break
    time.sleep(0.1)
getpgid_marked(4500000, 3000)
t.stop()
print("# " + t.stderr().replace("\n", "\n# "))
ev, summary = t.json()
check(summary["events"] == len([e for e in ev if e["event"] != "lost"]),
      summary)
m = [(i, e["fields"]["pid"]) for i, e in enumerate(ev)
     if e["event"] == "syscalls:sys_enter_getpgid"
     and 4400000 <= e["fields"]["pid"] < 4503000]
first = [p - 4400000 for i, p in m if p < 4500000]
second = [p - 4500000 for i, p in m if p >= 4500000]
for got, last in ((first, 4999), (second, 2999)):
    check(len(got) >= 20, (len(got), got[:5]))
    check(got == list(range(last - len(got) + 1, last + 1)), got[:5])
# The first dump comes first, and only the newest calls are in either.
check(max(i for i, p in m if p < 4500000) <
      min(i for i, p in m if p >= 4500000), "the dumps are interleaved")
check(len(first) < 400 and len(second) < 400, (len(first), len(second)))
print("# dump 1: calls %d..4999, dump 2: calls %d..2999, %d events in all"
      % (first[0], second[0], len(ev)))
# Each dump says, before its events, how many of the run's are not in it:
# with the process's calls only (--pid), exactly the rest.
lost = [(i, e) for i, e in enumerate(ev) if e["event"] == "lost"]
check(len(lost) == 2 and all(e["source"] == "overwritten"
                             for _, e in lost), lost)
check(lost[0][0] < m[0][0] and lost[1][0] < min(
    i for i, p in m if p >= 4500000), "a loss record after its dump's events")
check(len(first) + lost[0][1]["lost"] == 5000 and
      len(second) + lost[1][1]["lost"] == 8000,
      "dump 1: %d + %d, dump 2: %d + %d" % (len(first), lost[0][1]["lost"],
                                           len(second), lost[1][1]["lost"]))
print("# dump 1 says %d calls are not in it, dump 2 %d: exactly the rest"
      % (lost[0][1]["lost"], lost[1][1]["lost"]))

ncpu = os.cpu_count()
t = Tracer(["--json", "trace", "syscalls:sys_enter_getpgid",
            "--flight-recorder", "4k", "--per-cpu"], "/tmp/logbuf-frc.json")
t.started()
for cpu in range(ncpu):
    os.sched_setaffinity(0, {cpu})
    getpgid_marked(4700000 + cpu * 1000, 300)
t.stop()
ev, summary = t.json()
ts = [e["ts_ns"] for e in ev]
check(ts == sorted(ts), "not merged by timestamp")
for cpu in range(ncpu):
    base = 4700000 + cpu * 1000
    got = [e["fields"]["pid"] - base for e in ev
           if e["event"] == "syscalls:sys_enter_getpgid" and e["cpu"] == cpu
           and base <= e["fields"]["pid"] < base + 300]
    check(len(got) >= 10 and got == list(range(300 - len(got), 300)),
          (cpu, got[:3]))
    print("# cpu %d: calls %d..299 kept" % (cpu, got[0]))
