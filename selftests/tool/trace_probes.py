#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kprobe:, kretprobe:, uprobe:, uretprobe: and usdt: on a program with a
known chain (main -> a -> b -> c -> getpgid): each fires exactly N times for
it (--pid), with the arguments the kernel's fetch-args and the USDT note
say; the USDT semaphore is set while traced; the probes are gone after."""
import os
import subprocess

from logbuf_test import Tracer, check, helper, probe_lines

N, BASE = 300, 4700000
chain = helper("probe_chain")
p = subprocess.Popen([chain, str(N), str(BASE)], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
check(p.stdout.readline().startswith("ready"), "the program did not start")

# On x86-64 the syscall's function gets struct pt_regs *: di at +112.
specs = ["kprobe:__x64_sys_getpgid pid=+112(%di):s64",
         "kretprobe:__x64_sys_getpgid ret=$retval:s64",
         "uprobe:%s:b" % chain,
         "uretprobe:%s:b ret=$retval:s64" % chain,
         "usdt:%s:logbuf_test:tick" % chain]
t = Tracer(["--json", "trace", ",".join(specs), "--pid", str(p.pid)],
           "/tmp/logbuf-probes.json")
t.started()
group = "logbuf_%d" % t.p.pid
made = probe_lines(group)
for l in made:
    print("# " + l)
check(len(made) == 5, made)
out, _ = p.communicate("go\n", timeout=120)
print("# program: " + out.strip())
check(p.returncode == 0, "the program failed")
t.stop()
ev, summary = t.json()


def named(name):
    return [e for e in ev if e["event"] == "%s:%s" % (group, name)]


kp, kr = named("__x64_sys_getpgid"), named("__x64_sys_getpgid__return")
ub, ur, us = named("b"), named("b__return"), named("logbuf_test_tick")
print("# kprobe %d, kretprobe %d, uprobe %d, uretprobe %d, usdt %d of %d; "
      "%d events, %d dropped" % (len(kp), len(kr), len(ub), len(ur),
                                 len(us), N, summary["events"],
                                 summary["dropped"]))
check(summary["dropped"] == 0, summary)
check(all(e["tgid"] == p.pid for e in ev), "an event of another process")
check(sorted(e["fields"]["pid"] - BASE for e in kp) == list(range(N)),
      "kprobe: %d events, %s" % (len(kp), kp[:1]))
check(len(kr) == N and all(e["fields"]["ret"] == -3 for e in kr),
      "kretprobe: %d events, %s" % (len(kr), kr[:1]))   # -ESRCH
check(len(ub) == N, "uprobe: %d events" % len(ub))
check(sorted(e["fields"]["ret"] for e in ur) ==
      [2 * i + 1 for i in range(N)], "uretprobe: %d events" % len(ur))
check(sorted((e["fields"]["arg1"], e["fields"]["arg2"]) for e in us) ==
      [(i, 3 * i) for i in range(N)], "usdt: %d events, %s" % (len(us),
                                                               us[:1]))
check(out.split()[-1] == str(N), "the semaphore was set %s times"
      % out.split()[-1])
check(not probe_lines(group), probe_lines(group))
check(len(ev) == 5 * N, "%d events" % len(ev))
print("# every probe fired exactly %d times with its arguments; none left"
      % N)
