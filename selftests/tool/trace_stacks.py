#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""--stack on a program with a known chain (main -> a -> b -> c -> getpgid),
built as Debian builds (no frame pointers) and with frame pointers: every one
of N calls shows exactly that chain, symbolized, from the syscall's kernel
function down to the syscall entry and from libc's syscall() up through c,
b, a and main, in text, JSON and the Perfetto file; a uprobe on b shows b,
a, main; --folded counts each stack N times; the frame-pointer walk alone misses c (libc's syscall() makes no
frame), as perf's does; bad --stack options are refused."""
import json
import subprocess

from logbuf_test import Tracer, check, helper, run

N, BASE = 200, 4800000


def traced(prog, extra):
    """Trace a kprobe on the syscall and a uprobe on b in one run of prog;
    the events and the summary (--json), or the folded lines."""
    p = subprocess.Popen([prog, str(N), str(BASE)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    check(p.stdout.readline().startswith("ready"), "the program did not start")
    specs = "kprobe:__x64_sys_getpgid,uprobe:%s:b" % prog
    out = "/tmp/logbuf-stacks.out"
    t = Tracer(["--json", "trace", specs, "--pid", str(p.pid)] + extra, out)
    t.started()
    res, _ = p.communicate("go\n", timeout=120)
    check(p.returncode == 0, "the program failed: " + res)
    t.stop()
    if "--folded" in extra:
        with open(out) as f:
            return [l.rsplit(" ", 1) for l in f.read().splitlines()], t
    return t.json(), t


def names(frames):
    return [f["sym"] for f in frames]


def user_names(frames):
    """The symbols, up to main (what follows is libc's start-up)."""
    n = names(frames)
    return n[:n.index("main") + 1] if "main" in n else n


for prog in (helper("probe_chain"), helper("probe_chain_fp")):
    base = prog.rsplit("/", 1)[1]
    pf = "/tmp/logbuf-stacks.perfetto.json"
    (ev, summary), _ = traced(prog, ["--stack", "both", "--perfetto", pf])
    check(summary["dropped"] == 0, summary)
    kp = [e for e in ev if e["event"].endswith(":__x64_sys_getpgid")]
    ub = [e for e in ev if e["event"].endswith(":b")]
    check(len(kp) == N and len(ub) == N,
          "%s: %d kprobe and %d uprobe events of %d" % (base, len(kp),
                                                        len(ub), N))
    for e in kp:
        k, u = names(e["kstack"]), user_names(e["ustack"])
        check(k[0] == "__x64_sys_getpgid" and "do_syscall_64" in k and
              k[-1].startswith("entry_SYSCALL_64"), "%s: kernel %s" %
              (base, k))
        check(u == ["syscall", "c", "b", "a", "main"] and
              e["ustack_from"] == "dwarf", "%s: user %s from %s" %
              (base, u, e["ustack_from"]))
        f = e["ustack"][1]
        check(f["file"] == prog and len(f["build_id"]) == 40 and
              f["file_addr"] != "0x0", "%s: frame %s" % (base, f))
    for e in ub:
        check(e["kstack"] == [] and
              user_names(e["ustack"]) == ["b", "a", "main"],
              "%s: uprobe on b: %s %s" % (base, e["kstack"],
                                          user_names(e["ustack"])))
    # The timeline: each instant of the kprobe has the same stack.
    with open(pf) as f:
        inst = [e for e in json.load(f)["traceEvents"]
                if e.get("name", "").endswith(":__x64_sys_getpgid")]
    want = [n + "+" for n in ("__x64_sys_getpgid", "do_syscall_64")]
    check(len(inst) == N and
          all([s.split("+")[0] for s in e["args"]["stack"]][3:8] ==
              ["syscall", "c", "b", "a", "main"] and
              all(s.startswith(w) for s, w in zip(e["args"]["stack"], want))
              for e in inst), "perfetto: %d instants, %s" %
          (len(inst), inst[:1]))
    print("# %s: %d kprobe stacks %s | %s, %d uprobe stacks b, a, main" %
          (base, N, " <- ".join(names(kp[0]["kstack"])),
           " <- ".join(user_names(kp[0]["ustack"])), N))

    folded, _ = traced(prog, ["--stack", "both", "--folded"])
    counts = {k: int(c) for k, c in folded}
    check(sum(counts.values()) == 2 * N, "folded: %s" % counts)
    kk = [k for k in counts if ";main;a;b;c;syscall;" in k and
          k.endswith(";__x64_sys_getpgid_[k]")]
    bb = [k for k in counts if k.endswith(";main;a;b")]
    check(sum(counts[k] for k in kk) == N and
          sum(counts[k] for k in bb) == N, "folded: %s" % counts)
    print("# %s --folded: %s %d" % (base, kk[0], counts[kk[0]]))

# Frame pointers alone: the caller of a function that makes no frame (libc's
# syscall()) is not seen, exactly as with perf --call-graph fp.
prog = helper("probe_chain_fp")
(ev, _), _ = traced(prog, ["--stack", "user", "--stack-size", "0"])
kp = [e for e in ev if e["event"].endswith(":__x64_sys_getpgid")]
check(len(kp) == N, "%d kprobe events" % len(kp))
for e in kp:
    check("kstack" not in e and e["ustack_from"] == "frame-pointers" and
          user_names(e["ustack"]) == ["syscall", "b", "a", "main"],
          "frame pointers: %s" % e)
    # Each frame names its own file, also when the walk goes on into code
    # without frame pointers (addresses in no mapping).
    files = [f.get("file") for f in e["ustack"][:4]]
    check("libc.so" in files[0] and files[1:] == [prog] * 3,
          "frame pointers: files %s" % files)
print("# frame pointers only: syscall, b, a, main (c unseen, as perf's)")

for bad in (["--stack", "all"], ["--stack", "user", "--stack-size", "12"],
            ["--stack-depth", "8"], ["--stack", "kernel", "--stack-size",
                                     "64"], ["--stack", "both",
                                             "--stack-depth", "128"],
            ["--stack", "both", "--stack-size", "65536"],
            ["--folded"]):
    r = run(["trace", "sched:sched_switch", "-d", "1"] + bad,
            capture_output=True, text=True)
    check(r.returncode == 2 and "logbuf: " in r.stderr,
          "%s: %d %s" % (bad, r.returncode, r.stderr))
r = run(["trace", "exec", "--stack", "kernel", "-d", "1"],
        capture_output=True, text=True)
check(r.returncode == 2 and "--stack" in r.stderr, r.stderr)
print("# bad --stack options are usage errors")
