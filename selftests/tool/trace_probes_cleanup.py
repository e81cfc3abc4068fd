#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Probes leave nothing behind: refused as uid 65534 with EPERM before
anything is made; a bad probe is an error naming it; after SIGKILL the
janitor deletes the run's probes; with the janitor killed too, the next run
that makes probes deletes them."""
import os
import signal
import subprocess
import time

from logbuf_test import Tracer, check, helper, probe_lines, run

chain = helper("probe_chain")
before = probe_lines()
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
forms = ["kprobe:__x64_sys_getpgid", "kretprobe:__x64_sys_getpgid",
         "uprobe:%s:b" % chain, "uretprobe:%s:b" % chain,
         "usdt:%s:logbuf_test:tick" % chain]
for f in forms:
    r = subprocess.run(NOBODY + [os.environ["LOGBUF_TOOL"], "trace", f,
                                 "--duration", "1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    check(r.returncode == 1 and "Operation not permitted" in r.stderr,
          (f, r.returncode, r.stderr))
    check(probe_lines() == before, (f, probe_lines()))
print("# uid 65534: EPERM for each of the %d forms, nothing made" % len(forms))

# Bad probes: an error that names them, nothing left.
for spec, says in [("uprobe:%s:nosuchfunction" % chain, "no such symbol"),
                   ("usdt:%s:logbuf_test:nosuch" % chain, "no such USDT"),
                   ("kprobe:logbuf_no_such_function", "did not take"),
                   ("uprobe:/nonexistent/prog:main", "No such file")]:
    r = run(["trace", "kprobe:__x64_sys_getpgid," + spec, "--duration", "1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print("# " + r.stderr.strip().split("\n")[0])
    check(r.returncode == 1 and says in r.stderr, (spec, r.stderr))
    check(probe_lines() == before, (spec, probe_lines()))


def janitor_of(pid):
    """The janitor a run forked: its child named logbuf-janitor."""
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except (OSError, ValueError):
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        if comm == "logbuf-janitor" and \
           int(st[st.rindex(")") + 2:].split()[1]) == pid:
            return int(d)
    return None


def gone(group, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end and probe_lines(group):
        time.sleep(0.2)
    return not probe_lines(group)


# SIGKILL: the janitor deletes them once the kernel closed the rings.
t = Tracer(["trace", ",".join(forms), "--per-cpu"], "/tmp/logbuf-kill.txt")
t.started()
group = "logbuf_%d" % t.p.pid
check(len(probe_lines(group)) == 5, probe_lines(group))
check(janitor_of(t.p.pid), "no janitor")
t.p.kill()
t.p.wait()
check(gone(group), "after SIGKILL: %s" % probe_lines(group))
print("# SIGKILL: the janitor deleted the run's 5 probes")

# The janitor killed first, then the run: the next run's sweep.
t = Tracer(["trace", forms[0] + "," + forms[2]], "/tmp/logbuf-kill2.txt")
t.started()
group = "logbuf_%d" % t.p.pid
j = janitor_of(t.p.pid)
check(j, "no janitor")
os.kill(j, signal.SIGKILL)
t.p.kill()
t.p.wait()
time.sleep(0.5)
check(len(probe_lines(group)) == 2, "left: %s" % probe_lines(group))
r = run(["trace", forms[1], "--duration", "0.5"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
check(r.returncode == 0, r.stderr)
check(not probe_lines(group), "the next run left %s" % probe_lines(group))
check(probe_lines() == before, probe_lines())
print("# janitor and run killed: the next run deleted their 2 probes")
