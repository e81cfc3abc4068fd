#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A timeline for the Perfetto UI: per-CPU slices named by the task that
ran, wake-ups as instants, a known sleeper among them."""
import ctypes
import json
import os
import time

from logbuf_test import Tracer, check

timeline = "/tmp/logbuf-timeline.json"
# Stopped by SIGINT once the sleeper is done, not by a duration: on a debug
# kernel Python alone can take longer to start than that.
t = Tracer(["trace", "sched:sched_switch,sched:sched_wakeup",
            "--perfetto", timeline], "/tmp/logbuf-tl.out")
t.started()
p = os.fork()
if p == 0:
    ctypes.CDLL(None).prctl(15, b"lbsleeper", 0, 0, 0)	# PR_SET_NAME
    for i in range(20):
        time.sleep(0.005)
    os._exit(0)
os.waitpid(p, 0)
t.stop()
ev = json.load(open(timeline))["traceEvents"]
slices = [e for e in ev if e["ph"] == "X"]
wakeups = [e for e in ev if e["ph"] == "i" and e["name"] == "sched:sched_wakeup"]
mine = [e for e in slices if e["name"] == "lbsleeper"]
tracks = [e["args"]["name"] for e in ev
          if e["ph"] == "M" and e["name"] == "thread_name"]
print("# %d slices (%d of lbsleeper), %d wake-ups, tracks %s"
      % (len(slices), len(mine), len(wakeups), tracks))
check(len(mine) >= 10, len(mine))
check(any(w.get("args", {}).get("comm") == "lbsleeper" for w in wakeups),
      "no wake-up of lbsleeper")
check(all(e["dur"] >= 0 and e["ts"] >= 0 for e in slices), "negative times")
check("CPU 0" in tracks, tracks)
