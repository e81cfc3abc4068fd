#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--filter: the event's own expression, in the kernel: of 200 marked
calls exactly the 50 it lets through arrive; an expression the kernel does
not take is an error naming the event; no trace instance is left behind."""
import glob
import subprocess

from logbuf_test import Tracer, check, getpgid_marked, run

t = Tracer(["--json", "trace", "syscalls:sys_enter_getpgid",
            "--filter", "pid >= 4600050 && pid < 4600100"],
           "/tmp/logbuf-fx.json")
t.started()
getpgid_marked(4600000, 200)
t.stop()
ev, summary = t.json()
got = sorted(e["fields"]["pid"] for e in ev
             if e["event"] == "syscalls:sys_enter_getpgid")
check(got == list(range(4600050, 4600100)), got[:5])
check(summary["events"] == 50, summary)
print("# 50 of 200 marked calls passed the filter, nothing else")

r = run(["trace", "syscalls:sys_enter_getpgid", "--filter",
         "nosuchfield == 1", "--duration", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print("# " + r.stderr.strip())
check(r.returncode == 1 and "does not take the filter" in r.stderr,
      (r.returncode, r.stderr))
left = glob.glob("/sys/kernel/tracing/instances/logbuf-*")
check(not left, left)
