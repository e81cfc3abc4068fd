# SPDX-License-Identifier: GPL-2.0
"""What the tool's tests share: finding logbuf(1), kselftest's exit codes,
starting a tracer and waiting until its events are on, marked calls."""
import json
import os
import subprocess
import sys
import time

KSFT_PASS, KSFT_FAIL, KSFT_SKIP = 0, 1, 4
HERE = os.path.dirname(os.path.abspath(__file__))


def skip(why):
    print("# SKIP " + why)
    sys.exit(KSFT_SKIP)


def check(cond, what):
    """Fail the test, saying what, unless cond holds."""
    if not cond:
        print("# FAIL: %s" % (what,))
        sys.exit(KSFT_FAIL)


def tool():
    """logbuf(1): $LOGBUF_TOOL, or the one built in logbuf's tree."""
    t = os.environ.get("LOGBUF_TOOL") or \
        os.path.join(HERE, "..", "..", "build", "tools", "logbuf")
    if not os.access(t, os.X_OK):
        skip("no logbuf tool: set LOGBUF_TOOL")
    if not os.path.exists("/dev/logbuf"):
        skip("no /dev/logbuf: modprobe logbuf")
    return t


# Skip before a test does anything (forks a child, say) if there is
# nothing to test.
TOOL = tool()


def run(args, timeout=90, **kw):
    """The tool with args, to completion; its CompletedProcess."""
    return subprocess.run([TOOL] + args, timeout=timeout, **kw)


class Tracer:
    """logbuf trace (or any command) in the background: stdout into a file,
    stderr into another, started() once it says its events are on."""

    def __init__(self, args, out):
        self.out, self.err = out, out + ".err"
        self.p = subprocess.Popen([TOOL] + args, stdout=open(out, "w"),
                                  stderr=open(self.err, "w"))

    def stderr(self):
        with open(self.err) as f:
            return f.read()

    def started(self, seconds=60):
        # Loading formats and attaching take seconds on a debug kernel.
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if "logbuf: tracing" in self.stderr():
                return
            check(self.p.poll() is None,
                  "the tracer exited: " + self.stderr())
            time.sleep(0.1)
        self.p.kill()
        check(False, "the tracer never started: " + self.stderr())

    def wait(self, seconds=120):
        try:
            rc = self.p.wait(seconds)
        except subprocess.TimeoutExpired:
            self.p.kill()
            check(False, "the tracer did not end")
        check(rc == 0, "the tracer exited %d: %s" % (rc, self.stderr()))

    def stop(self, sig=2):
        self.p.send_signal(sig)
        self.wait()

    def json(self):
        """Its JSON lines: the events and the summary (the last line)."""
        with open(self.out) as f:
            ev = [json.loads(line) for line in f]
        check(ev and "summary" in ev[-1], "no summary")
        return ev[:-1], ev[-1]["summary"]


def getpgid_marked(base, n):
    """getpgid(base + i) for i < n: pids that exist nowhere, so each call
    is a sys_enter_getpgid event whose pid field marks it."""
    for i in range(n):
        try:
            os.getpgid(base + i)
        except ProcessLookupError:
            pass


def comm():
    with open("/proc/self/comm") as f:
        return f.read().strip()


def helper(name):
    """A program of selftests/ built next to the tests (TOOL_HELPERS)."""
    p = os.path.join(os.path.dirname(TOOL), "..", "selftests", name)
    if not os.access(p, os.X_OK):
        skip("no %s: make tests" % name)
    return os.path.realpath(p)


def probe_lines(group=None):
    """The kernel's dynamic probes (kprobe_events, uprobe_events): every
    line, or those of one group."""
    out = []
    for f in ("kprobe_events", "uprobe_events"):
        with open("/sys/kernel/tracing/" + f) as fh:
            out += [l.strip() for l in fh if l.strip()]
    if group:
        out = [l for l in out if (":%s/" % group) in l]
    return out
