#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--pid: only one process's events arrive, none of another's."""
import os
import signal
import time

from logbuf_test import Tracer, check, getpgid_marked

go = "/tmp/logbuf-flt.go"
if os.path.exists(go):
    os.unlink(go)
load = os.fork()
if load == 0:
    # The traced process waits for the tracer (a file), then calls.
    for i in range(2400):
        if os.path.exists(go):
            break
        time.sleep(0.05)
    getpgid_marked(4400000, 40)
    time.sleep(600)
    os._exit(0)
t = Tracer(["--json", "trace", "syscalls:sys_enter_getpgid",
            "--pid", str(load), "--duration", "6"], "/tmp/logbuf-flt.json")
t.started()
open(go, "w").close()
# This process's calls meanwhile: none may arrive.
getpgid_marked(4400000, 40)
t.wait()
os.kill(load, signal.SIGKILL)
os.waitpid(load, 0)
ev, summary = t.json()
others = [e for e in ev if e["tgid"] != load]
mine = [e for e in ev if e["fields"]["pid"] >= 4400000]
print("# %d events, %d of other processes" % (len(ev), len(others)))
check(not others and len(mine) == 40, (len(others), len(mine)))
