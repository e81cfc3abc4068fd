#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""logbuf trace -o writes raw records; logbuf dump decodes them, as text
and as JSON (--json given after the command)."""
import json
import os

from logbuf_test import check, run

raw = "/tmp/logbuf-raw.bin"
run(["trace", "syscalls,sched_switch", "--duration", "1", "-o", raw],
    check=True)
check(os.path.getsize(raw) > 0, "an empty file")
text = run(["dump", raw], capture_output=True, text=True, check=True).stdout
check(" sys_enter NR " in text, "no sys_enter in the text dump")
out = run(["dump", raw, "--json"], capture_output=True, text=True,
          check=True).stdout
ev = [json.loads(line) for line in out.splitlines()]
check(ev and all("ts_ns" in e for e in ev), "JSON records without ts_ns")
print("# %d records decoded" % len(ev))
