#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every name() of logbuf's namespace (logbuf_*, __logbuf_*, lb_*) that the
documentation cites, the code defines: a function or a macro, declared or
defined at the start of a line in lib/, include/, kmod/ or tools/.  Prints
the names that are missing, one per line; exits 1 if there are any.

The documentation: Documentation/, README.md, man/.  Names of the kernel,
libc and the peers (smp_mb(), bpf_ringbuf_reserve()) are out of scope."""
import glob
import re
import sys

docs = (glob.glob("Documentation/**/*.rst", recursive=True) +
        ["README.md"] + glob.glob("man/*.[1-9]"))
code = [f for d in ("lib", "include", "kmod", "tools")
        for f in glob.glob(d + "/**/*.[ch]", recursive=True)
        if not f.endswith(".mod.c")]

cited = {}
for f in docs:
    text = open(f).read().replace("\\-", "-").replace("\\fB", "")
    for m in re.finditer(r"\b((?:__)?(?:logbuf|lb)_\w+)\(\)", text):
        cited.setdefault(m.group(1), f)

defined = set()
for f in code:
    for line in open(f, errors="replace"):
        m = re.match(r"\s*#\s*define\s+(\w+)", line)
        if m:
            defined.add(m.group(1))
            continue
        # A declaration or definition starts at column 0 with its type;
        # calls are indented, comments start with " *" or "/*".
        if re.match(r"[A-Za-z_]", line):
            for m in re.finditer(r"(?:^|[\s*])((?:__)?(?:logbuf|lb)_\w+)\s*\(", line):
                defined.add(m.group(1))

missing = sorted(n for n in cited if n not in defined)
for n in missing:
    print("%s() in %s: the code defines no such function or macro"
          % (n, cited[n]))
print("# %d names cited, %d missing" % (len(cited), len(missing)))
sys.exit(1 if missing else 0)
