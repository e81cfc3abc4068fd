#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tool does not trace itself: its own system calls do not grow with
the events it records while another process makes 20,000 calls."""
import os

from logbuf_test import Tracer, check

t = Tracer(["--json", "trace", "syscalls", "--duration", "2"],
           "/tmp/logbuf-sys.json")
t.started()
for i in range(20000):
    os.getppid()
t.wait()
ev, summary = t.json()
own = sum(1 for e in ev if e.get("tgid") == t.p.pid)
print("# %d events, %d of the tool's own (%.1f%%), %d dropped"
      % (len(ev), own, 100.0 * own / max(len(ev), 1), summary["dropped"]))
check(summary["events"] == len(ev), summary)
# Its own system calls: a few per 10 ms poll, one write per ~4 KiB of
# output; never one per event (the old tool read the clock per event: 94%).
check(own <= 0.1 * len(ev) + 300 * summary["seconds"] + 200, own)
