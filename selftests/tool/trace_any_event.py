#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Any trace event by name, decoded by its format: 50 marked getpgid()
calls and 7 forks of this process with the right field values, as JSON
(--json after the command, as a new user types it) and as text."""
import os

from logbuf_test import Tracer, check, comm, getpgid_marked

t = Tracer(["trace", "syscalls:sys_enter_getpgid,sched:sched_process_fork",
            "--duration", "8", "--json"], "/tmp/logbuf-any.json")
t.started()
getpgid_marked(4300000, 50)
for i in range(7):
    p = os.fork()
    if p == 0:
        os._exit(0)
    os.waitpid(p, 0)
t.wait()
ev, summary = t.json()
me = os.getpid()
check(summary["events"] == len(ev), summary)
calls = [e for e in ev if e["event"] == "syscalls:sys_enter_getpgid"
         and e["tgid"] == me and 4300000 <= e["fields"]["pid"] < 4300050]
forks = [e for e in ev if e["event"] == "sched:sched_process_fork"
         and e["fields"]["parent_pid"] == me]
check(sorted(c["fields"]["pid"] - 4300000 for c in calls) == list(range(50)),
      len(calls))
check(len(forks) == 7 and all(f["fields"]["child_pid"] > 0 for f in forks),
      forks)
check(all(f["fields"]["parent_comm"] == comm() for f in forks), forks[0])
print("# %d events: %d marked calls, %d forks decoded; %d dropped"
      % (len(ev), len(calls), len(forks), summary["dropped"]))

# Text: the event's own print format, as ftrace prints it.
t = Tracer(["trace", "syscalls:sys_enter_getpgid", "--duration", "5"],
           "/tmp/logbuf-any.txt")
t.started()
getpgid_marked(4300077, 1)
t.wait()
lines = [l for l in open(t.out) if "sys_enter_getpgid" in l]
for l in lines[:2]:
    print("# " + l.rstrip())
check(any("syscalls:sys_enter_getpgid: pid: 0x00419d2d" in l for l in lines),
      "the marked call is not in the text")
