#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""logbuf stat PID FD: a tracer's consumer end, as text and JSON."""
import json
import os

from logbuf_test import Tracer, check, run

t = Tracer(["trace", "sched_switch", "--duration", "120"],
           "/tmp/logbuf-stat.out")
t.started()
fds = [fd for fd in os.listdir("/proc/%d/fd" % t.p.pid)
       if "logbuf-cons" in os.readlink("/proc/%d/fd/%s" % (t.p.pid, fd))]
check(fds, "the tracer holds no consumer end")
text = run(["stat", str(t.p.pid), fds[0]], capture_output=True, text=True)
print("# " + "\n# ".join(text.stdout.splitlines()))
s = json.loads(run(["stat", str(t.p.pid), fds[0], "--json"],
                   capture_output=True, text=True, check=True).stdout)
t.stop(15)
check(text.returncode == 0, text.stderr)
check(s["end"] == "consumer" and s["capacity"] > 0, s)
