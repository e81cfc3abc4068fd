#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A ring per CPU: every marked call of each CPU arrives, from that CPU,
and the merged stream is in timestamp order (or counted late)."""
import os

from logbuf_test import Tracer, check, getpgid_marked

ncpu = os.cpu_count()
t = Tracer(["--json", "trace", "syscalls", "--per-cpu", "--duration", "8"],
           "/tmp/logbuf-pcpu.json")
t.started()
for cpu in range(ncpu):
    os.sched_setaffinity(0, {cpu})
    getpgid_marked(4100000 + cpu * 1000, 300)
t.wait()
ev, summary = t.json()
check(summary["events"] == len(ev), summary)
check(summary["rings"] >= ncpu, summary)
mine = [e for e in ev if e.get("event") == "sys_enter" and e["id"] == 121
        and 4100000 <= e["args"][0] < 4100000 + ncpu * 1000]
for cpu in range(ncpu):
    got = sorted(e["args"][0] - 4100000 - cpu * 1000 for e in mine
                 if e["cpu"] == cpu)
    check(got == list(range(300)), (cpu, len(got)))
ts = [e["ts_ns"] for e in ev]
out_of_order = sum(1 for a, b in zip(ts, ts[1:]) if b < a)
print("# %d events on %d rings, %d marked calls, %d out of order (%d late), "
      "%d dropped" % (len(ev), summary["rings"], len(mine), out_of_order,
                      summary["late"], summary["dropped"]))
check(out_of_order <= summary["late"], out_of_order)
