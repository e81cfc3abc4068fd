#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""logbuf list, as text and JSON, shows a tracer's ring as kernel->user."""
import json

from logbuf_test import Tracer, check, run

t = Tracer(["trace", "sched_switch", "--duration", "120"],
           "/tmp/logbuf-list.out")
t.started()
text = run(["list"], capture_output=True, text=True, check=True).stdout
print("# " + "\n# ".join(text.splitlines()[:3]))
rings = json.loads(run(["--json", "list"], capture_output=True, text=True,
                       check=True).stdout)
t.stop(15)
check("kernel->user" in text, text)
check(any(r["ends"] == "kernel->user" for r in rings), rings)
