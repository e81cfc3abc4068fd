#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""CPU hotplug: CPU 1 taken offline and online during a trace.  Marked
calls pinned to CPU 0 all arrive while it is away; once CPU 1 is traced
again, marked calls pinned to it all arrive.  For a trace event (one ring,
and a ring per CPU) the stream says when (offline and online markers);
logbuf's own syscalls source, whose probe is every CPU's, just goes on."""
import os
import time

from logbuf_test import Tracer, check, skip

ONLINE = "/sys/devices/system/cpu/cpu1/online"
if not os.path.exists(ONLINE) or os.cpu_count() < 2:
    skip("CPU 1 cannot go offline here")
ME, N = os.getpid(), 100


def marked(cpu, base, n):
    os.sched_setaffinity(0, {cpu})
    for i in range(n):
        try:
            os.getpgid(base + i)
        except ProcessLookupError:
            pass


def set_online(v):
    with open(ONLINE, "w") as f:
        f.write(v)


GETPGID = 121  # x86-64


def mine(ev, base):
    """The marked calls, as (seq, cpu), whichever source saw them."""
    out = []
    for e in ev:
        if e["event"] == "syscalls:sys_enter_getpgid":
            out.append((e["fields"]["pid"] - base, e["cpu"]))
        elif e["event"] == "sys_enter" and e["id"] == GETPGID and \
                e["tgid"] == ME and 0 <= e["args"][0] - base < 4 * N:
            out.append((e["args"][0] - base, e["cpu"]))
    return out


for args, base in [(["syscalls:sys_enter_getpgid", "--pid", str(ME)],
                    4900000),
                   (["syscalls:sys_enter_getpgid", "--pid", str(ME),
                     "--per-cpu"], 4910000),
                   (["syscalls"], 4920000)]:
    own = args[0] == "syscalls"
    t = Tracer(["--json", "trace"] + args, "/tmp/logbuf-hotplug.json")
    t.started()
    try:
        marked(0, base, N)
        marked(1, base + N, N)
        os.sched_setaffinity(0, {0})
        set_online("0")
        marked(0, base + 2 * N, N)
        set_online("1")
        end = time.monotonic() + 60
        while not own and "CPU 1 online" not in t.stderr() and \
                time.monotonic() < end:
            time.sleep(0.1)
        check(own or "CPU 1 online" in t.stderr(),
              "CPU 1 never traced again: " + t.stderr())
        marked(1, base + 3 * N, N)
    finally:
        set_online("1")
        os.sched_setaffinity(0, {0, 1})
    t.stop()
    ev, summary = t.json()
    calls = mine(ev, base)
    seqs = sorted(i for i, _ in calls)
    check(seqs == list(range(4 * N)), "%s: %d of %d marked calls"
          % (args, len(seqs), 4 * N))
    for i, cpu in calls:
        check(cpu == (0 if i < N or 2 * N <= i < 3 * N else 1),
              "call %d on CPU %d" % (i, cpu))
    marks = [(e["event"], e["cpu"]) for e in ev
             if e["event"] in ("cpu_online", "cpu_offline")]
    check(own or ("cpu_offline", 1) in marks and ("cpu_online", 1) in marks
          and marks.index(("cpu_offline", 1)) <
          marks.index(("cpu_online", 1)), marks)
    check(summary["dropped"] == 0, summary)
    print("# %s: CPU 1 offline and back: %d of %d marked calls on the CPUs "
          "they were pinned to; markers %s" % (" ".join(args[:1] + args[3:]),
                                             len(seqs), 4 * N, marks))
