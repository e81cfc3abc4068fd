#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tree's layers, checked (Documentation/tree.rst draws them).  Prints
TAP.

1. include/ (the protocol and the ABI) includes nothing of lib/ or kmod/.
2. kmod/ includes nothing of lib/: its Kbuild names only include/.
3. lib/ and tools/ include nothing of kmod/.
4. Inside kmod/, every call between files goes down the layers below:
   a function defined in one file and called in another is called only
   from a higher layer.  Circles fail here."""
import glob
import re
import sys

# kmod/, bottom first: a file may call only into files of lower layers.
KMOD_LAYERS = [
    ["uarg.c", "ring.c", "tevent.c", "stack.c"],
    ["kcons.c", "kprod.c"],
    ["ringset.c"],
    ["kends.c", "tpsrc.c", "evsrc.c"],
    ["end.c"],
    ["tracer.c"],
    ["main.c"],
]

results = []


def check(name, bad):
    results.append((name, bad))


def grep(files, pattern):
    rx = re.compile(pattern)
    return ["%s:%d: %s" % (f, i + 1, line.rstrip())
            for f in files for i, line in enumerate(open(f, errors="replace"))
            if rx.search(line)]


def src(d, exts="ch"):
    return [f for f in glob.glob(d + "/**/*.[%s]" % exts, recursive=True)
            if not f.endswith(".mod.c")]


check("include_includes_no_lib_or_kmod",
      grep(src("include"), r'#\s*include\s*[<"](\.\./)*(lib|kmod)/|'
                           r'#\s*include\s*"logbuf\.h"'))
check("kmod_includes_no_lib",
      grep(src("kmod") + glob.glob("kmod/**/Kbuild", recursive=True),
           r"lib/include|\.\./lib\b|#\s*include\s*<logbuf\.h>"))
check("lib_and_tools_include_no_kmod",
      grep(src("lib") + src("tools"), r'#\s*include\s*[<"](\.\./)*kmod/'))

layer = {f: n for n, files in enumerate(KMOD_LAYERS) for f in files}
kfiles = sorted(f for f in glob.glob("kmod/*.c") if not f.endswith(".mod.c"))
unplaced = [f for f in kfiles if f.split("/")[-1] not in layer]
check("every_kmod_file_has_a_layer", unplaced)

text = {f: re.sub(r"/\*.*?\*/", "", open(f).read(), flags=re.S)
        for f in kfiles}
home = {}
for f, t in text.items():
    # Definitions: a line at column 0 with the name, then its body.
    for m in re.finditer(r"^[a-z][^;=\n]*?\b(logbuf_\w+)\(", t, re.M):
        home.setdefault(m.group(1), f)
up = []
for f, t in text.items():
    me = layer.get(f.split("/")[-1], -1)
    for m in re.finditer(r"\b(logbuf_\w+)\(", t):
        callee = home.get(m.group(1))
        if not callee or callee == f:
            continue
        them = layer.get(callee.split("/")[-1], -1)
        if them >= me:
            up.append("%s calls %s() of %s, not a lower layer"
                      % (f, m.group(1), callee))
check("kmod_calls_go_down", sorted(set(up)))

print("1..%d" % len(results))
failed = 0
for i, (name, bad) in enumerate(results, 1):
    for b in bad:
        print("# " + b)
    print("%sok %d %s" % ("not " if bad else "", i, name))
    failed += bool(bad)
sys.exit(1 if failed else 0)
