#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Loss records: with the tracer stopped (SIGSTOP) while a pinned thread
makes marked calls, its small rings overflow; every gap in the marked
sequence is then covered exactly by the loss records between its ends (in
stream order, with first/last times inside the gap), and the sum of all
loss records equals the rings' drop counter: for any trace event in one
ring and a ring per CPU, and for logbuf's own syscalls source."""
import os
import signal
import time

from logbuf_test import Tracer, check

os.sched_setaffinity(0, {0})
ME = os.getpid()


def marked(base, n):
    for i in range(n):
        try:
            os.getpgid(base + i)
        except ProcessLookupError:
            pass


def overflow(args, base, n1, n2, out):
    t = Tracer(["--json", "trace"] + args, out)
    t.started()
    os.kill(t.p.pid, signal.SIGSTOP)
    marked(base, n1)
    os.kill(t.p.pid, signal.SIGCONT)
    time.sleep(0.5)
    marked(base + n1, n2)
    t.stop()
    return t.json()


def covered(ev, summary, base, n, what):
    """Every gap in the marked calls is the loss records' between its
    ends; the loss records add up to the drop counter."""
    lost = [e for e in ev if e["event"] == "lost"]
    check(summary["dropped"] > 0, "%s: nothing dropped: %s" % (what, summary))
    check(sum(e["lost"] for e in lost) == summary["dropped"] ==
          summary["lost_in_stream"], "%s: lost %d in %d records, dropped %d"
          % (what, sum(e["lost"] for e in lost), len(lost),
             summary["dropped"]))
    check(all(e["source"] == "events" for e in lost), lost[:1])
    prev, prev_ts, between, seen = -1, 0, [], 0
    for e in ev + [{"event": "end", "ts_ns": 1 << 63}]:
        if e["event"] == "lost":
            between.append(e)
            continue
        if e["event"] != "end":
            seq = e["fields"]["pid"] - base
            check(0 <= seq < n and e["tgid"] == ME, e)
        else:
            seq = n
        gap = seq - prev - 1
        check(sum(l["lost"] for l in between) == gap,
              "%s: calls %d..%d missing, loss records say %d"
              % (what, prev + 1, seq - 1, sum(l["lost"] for l in between)))
        for l in between:
            check(prev_ts <= l["first_ns"] <= l["last_ns"] <= e["ts_ns"] or
                  e["event"] == "end" and prev_ts <= l["first_ns"], l)
        seen += seq < n
        prev, prev_ts, between = seq, e["ts_ns"], []
    print("# %s: %d of %d calls, %d dropped = %d in %d loss records, every "
          "gap covered" % (what, seen, n, summary["dropped"],
                           summary["lost_in_stream"], len(lost)))


for args, what in [([], "one ring"), (["--per-cpu"], "a ring per CPU")]:
    base = 4800000 if not args else 4810000
    ev, summary = overflow(["syscalls:sys_enter_getpgid", "--pid", str(ME),
                            "--ring-size", "4096"] + args, base, 3000, 50,
                           "/tmp/logbuf-loss.json")
    covered(ev, summary, base, 3050, what)

# logbuf's own source: every process's system calls.
ev, summary = overflow(["syscalls", "--ring-size", "16384"], 4820000, 5000,
                       50, "/tmp/logbuf-loss-sys.json")
lost = [e for e in ev if e["event"] == "lost"]
check(summary["dropped"] > 0 and all(e["source"] == "syscalls" for e in lost),
      (summary, lost[:1]))
check(sum(e["lost"] for e in lost) == summary["dropped"],
      "syscalls: lost %d, dropped %d" % (sum(e["lost"] for e in lost),
                                         summary["dropped"]))
print("# syscalls source: %d dropped = %d in %d loss records"
      % (summary["dropped"], summary["lost_in_stream"], len(lost)))
