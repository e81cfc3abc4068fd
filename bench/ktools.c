// SPDX-License-Identifier: GPL-2.0
/*
 * kbench's "tools" group: whole tracers on one workload, as their users
 * run them.  Threads call getpgid(SEQ_BASE + seq) for a window while the
 * tool traces kbench:getpgid (kbench.c's kprobe event on
 * __x64_sys_getpgid, the pid argument fetched) system-wide:
 *
 *   logbuf trace -o FILE          against perf record (both raw to a file)
 *   ... --stack both --stack-size 0   against perf record -g (kernel and
 *                                      user frame-pointer chains)
 *   ... --stack both                  against perf record --call-graph
 *                                      dwarf (8 KiB of user stack each)
 *   logbuf trace (text)           against bpftrace printf (text)
 *   ... --stack both --stack-size 0   against bpftrace kstack, ustack
 *                                      (symbolized text, both)
 *
 * Each tool starts before the window and is known to be on before it
 * opens (logbuf's "tracing" line; perf's --control ack after "enable";
 * bpftrace's output of a marker call), is given after the window until it
 * is idle (it has caught up: under 10% of a CPU for 200 ms), then SIGINT; its events are counted in what it wrote (perf
 * script -F trace for perf's file).  Per window: events delivered per
 * second, calls per second per thread, events lost (calls never
 * delivered), the calling thread's CPU per call, and the tool's own CPU
 * (all its threads, /proc/PID/task/N/schedstat) per event delivered, from
 * the window's start until it is idle.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/logbuf.h>

#include "kbench.h"

#define OUT		"/tmp/kbench-tool.out"
#define OUT_TXT		"/tmp/kbench-tool.txt"
#define SETUP_S		300	/* bpftrace compiles for long under TCG */

const char *logbuf_tool = "../tools/logbuf";

enum { READY_STDERR, READY_PERF, READY_MARK };
enum { COUNT_RAW, COUNT_TEXT, COUNT_PERF };

struct tool {
	const char *argv[16];	/* @LOGBUF: logbuf_tool; @CTL: perf's fds */
	int ready;
	bool to_stdout;		/* its events on stdout (else it writes OUT) */
	int count;
	const char *key;	/* COUNT_TEXT/PERF: the text before the pid */
};

#define LB_RAW		"@LOGBUF", "trace", "kbench:getpgid", "-o", OUT
#define LB_TEXT		"@LOGBUF", "trace", "kbench:getpgid"
#define PERF		"perf", "record", "-q", "-a", "-e", "kbench:getpgid", \
			"-o", OUT, "-D", "-1", "--control", "@CTL"
#define FP		"--stack", "both", "--stack-size", "0"
/*
 * bpftrace cannot attach BPF to a kprobe event (PERF_EVENT_IOC_SET_BPF
 * says EINVAL): its own kprobe on the same function, the same argument.
 */
#define BT(fmt)		"bpftrace", "-B", "none", "-e", \
			"kprobe:__x64_sys_getpgid { printf(" fmt "); }"

static const struct tool tools[] = {
	{ { LB_RAW }, READY_STDERR, false, COUNT_RAW, NULL },
	{ { PERF }, READY_PERF, false, COUNT_PERF, "pid=" },
	{ { LB_RAW, FP }, READY_STDERR, false, COUNT_RAW, NULL },
	{ { PERF, "-g" }, READY_PERF, false, COUNT_PERF, "pid=" },
	{ { LB_RAW, "--stack", "both" }, READY_STDERR, false, COUNT_RAW, NULL },
	{ { PERF, "--call-graph", "dwarf" }, READY_PERF, false, COUNT_PERF,
	  "pid=" },
	{ { LB_TEXT }, READY_STDERR, true, COUNT_TEXT, "pid=" },
	{ { BT("\"E %d\\n\", ((struct pt_regs *)arg0)->di") }, READY_MARK, true, COUNT_TEXT,
	  "E " },
	{ { LB_TEXT, FP }, READY_STDERR, true, COUNT_TEXT, "pid=" },
	{ { BT("\"E %d\\n%s%s\", ((struct pt_regs *)arg0)->di, kstack, "
	       "ustack") }, READY_MARK,
	  true, COUNT_TEXT, "E " },
};

static const char *const tool_names[] = {
	"logbuf -o",
	"perf record",
	"logbuf -o, stacks fp",
	"perf record -g",
	"logbuf -o, stacks dwarf 8k",
	"perf record dwarf 8k",
	"logbuf text",
	"bpftrace printf",
	"logbuf text, stacks fp",
	"bpftrace kstack ustack",
};
#define NTOOLS	(int)(sizeof(tools) / sizeof(tools[0]))

static int run_tool(struct cand *c, double m[NMET]);

int tool_cands(struct cand *out, int max)
{
	int k;

	if (max < NTOOLS)
		die("too many candidates", E2BIG);
	for (k = 0; k < NTOOLS; k++)
		out[k] = (struct cand){
			.group = "tools", .name = tool_names[k], .threads = 1,
			.tool = &tools[k], .run = run_tool,
			.met = { "events/s", "calls/s/thread", "lost",
				 "cpu ns/call", "tool cpu ns/ev" },
		};
	return NTOOLS;
}

/* CPU time of every thread of @pid so far, ns. */
static uint64_t proc_cpu_ns(pid_t pid)
{
	char path[320];
	struct dirent *d;
	uint64_t sum = 0, ns;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%" SCNu64, &ns) == 1)
			sum += ns;
		if (f)
			fclose(f);
	}
	closedir(dir);
	return sum;
}

static bool file_has(const char *path, const char *s)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen(path, "r");

	while (f && !found && getline(&line, &cap, f) > 0)
		found = strstr(line, s);
	free(line);
	if (f)
		fclose(f);
	return found;
}

static pid_t start(const struct tool *t, int ctl[2], int ack[2])
{
	const char *argv[16];
	char ctlarg[32];
	pid_t pid;
	int i, fd;

	for (i = 0; i < 15 && t->argv[i]; i++) {
		argv[i] = t->argv[i];
		if (!strcmp(argv[i], "@LOGBUF"))
			argv[i] = logbuf_tool;
		if (!strcmp(argv[i], "@CTL")) {
			snprintf(ctlarg, sizeof(ctlarg), "fd:%d,%d", ctl[0],
				 ack[1]);
			argv[i] = ctlarg;
		}
	}
	argv[i] = NULL;
	pid = fork();
	if (pid)
		return pid;
	fd = open(t->to_stdout ? OUT : "/dev/null",
		  O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	fd = open(OUT ".err", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	execvp(argv[0], (char **)argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Until the tool says, or shows, that its events are on. */
static int wait_ready(const struct tool *t, pid_t pid, int ctl, int ack)
{
	double end = now() + SETUP_S;
	char mark[32], buf[8];

	snprintf(mark, sizeof(mark), "E %llu", (unsigned long long)SENTINEL);
	if (t->ready == READY_PERF) {
		/* perf reads it once set up, enables, then acks. */
		if (write(ctl, "enable\n", 7) != 7 || read(ack, buf, 4) < 3)
			return -1;
		return 0;
	}
	while (now() < end) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		if (t->ready == READY_STDERR ?
		    file_has(OUT ".err", "logbuf: tracing") :
		    (syscall(SYS_getpgid, SENTINEL), file_has(OUT, mark)))
			return 0;
		usleep(20000);
	}
	return -1;
}

static int stop_tool(pid_t pid)
{
	double end = now() + SETUP_S;
	int st;

	kill(pid, SIGINT);
	while (now() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 :
			       WIFSIGNALED(st) && WTERMSIG(st) == SIGINT ? 0 :
			       -1;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/*
 * Until the tool has caught up: its CPU time grew by less than a tenth of
 * 200 ms in 200 ms (or a minute went by).  Its CPU time so far.
 */
static uint64_t drained(pid_t pid)
{
	uint64_t a = proc_cpu_ns(pid), b;
	int i;

	for (i = 0; i < 300; i++, a = b) {
		usleep(200000);
		b = proc_cpu_ns(pid);
		if (b - a < 20000000)
			break;
	}
	return b;
}

static bool ours(uint64_t pid)
{
	return pid >= SEQ_BASE && pid < SEQ_BASE + (1ull << 40);
}

/* Events in logbuf trace -o's file: [u32 length][record] ... */
static uint64_t count_raw(const char *path)
{
	static _Alignas(8) unsigned char rec[1 << 16];
	const struct logbuf_ev_raw *e = (const void *)rec;
	uint64_t n = 0, pid;
	FILE *f = fopen(path, "r");
	uint32_t len;

	while (f && fread(&len, 4, 1, f) == 1 && len <= sizeof(rec) &&
	       fread(rec, len, 1, f) == 1) {
		if (len < sizeof(*e) + 24 || e->ev.type != LOGBUF_EV_RAW ||
		    e->id != kp_id || e->raw_size < 24)
			continue;
		memcpy(&pid, e->raw + 16, 8);
		n += ours(pid);
	}
	if (f)
		fclose(f);
	return n;
}

static uint64_t count_text(const char *path, const char *key)
{
	char *line = NULL, *p;
	size_t cap = 0;
	uint64_t n = 0;
	FILE *f = fopen(path, "r");

	while (f && getline(&line, &cap, f) > 0)
		if ((p = strstr(line, key)))
			n += ours(strtoull(p + strlen(key), NULL, 10));
	free(line);
	if (f)
		fclose(f);
	return n;
}

static int perf_script(void)
{
	pid_t pid = fork();
	int st, fd;

	if (!pid) {
		fd = open(OUT_TXT, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		execlp("perf", "perf", "script", "-i", OUT, "-F", "trace",
		       (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/* What the tool said, for a failure. */
static void tool_said(const char *name)
{
	char line[256];
	FILE *f = fopen(OUT ".err", "r");

	fprintf(stderr, "kbench: %s failed; it said:\n", name);
	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "  %s", line);
	if (f)
		fclose(f);
}

static int run_tool(struct cand *c, double m[NMET])
{
	const struct tool *t = c->tool;
	struct sysprod p[MAXT] = { 0 };
	int ctl[2] = { -1, -1 }, ack[2] = { -1, -1 };
	uint64_t calls = 0, got, c0, c1;
	double dt, cpu = 0;
	pid_t pid;

	if (t->ready == READY_PERF && (pipe2(ctl, 0) || pipe2(ack, 0)))
		die("pipe", errno);
	unlink(OUT);
	pid = start(t, ctl, ack);
	if (pid < 0)
		die("fork", errno);
	if (ctl[0] >= 0) {
		close(ctl[0]);
		close(ack[1]);
	}
	if (wait_ready(t, pid, ctl[1], ack[0])) {
		tool_said(c->name);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	atomic_store(&go, 0);
	atomic_store(&stop, 0);
	c0 = proc_cpu_ns(pid);
	dt = run_window(p, c->threads, false, &calls, &cpu);
	c1 = drained(pid);
	if (stop_tool(pid)) {
		tool_said(c->name);
		return -1;
	}
	if (ctl[1] >= 0) {
		close(ctl[1]);
		close(ack[0]);
	}
	if (t->count == COUNT_PERF && perf_script()) {
		fprintf(stderr, "kbench: perf script failed\n");
		return -1;
	}
	got = t->count == COUNT_RAW ? count_raw(OUT) :
	      count_text(t->count == COUNT_PERF ? OUT_TXT : OUT, t->key);
	unlink(OUT);
	unlink(OUT_TXT);
	m[0] = got / dt;
	m[1] = calls / dt / c->threads;
	m[2] = (double)calls - (double)got;
	m[3] = calls ? cpu / calls * 1e9 : 0;
	m[4] = got ? (double)(c1 - c0) / got : 0;
	return 0;
}

/*
 * logbuf against its peer, per pair of the table above: events delivered
 * per second, the calling thread's CPU per call above the untraced call's,
 * the tool's CPU per event.
 */
void report_tools(const struct cand *cands, int n)
{
	const struct cand *un = NULL, *lb, *peer;
	double base;
	int k, j;

	for (k = 0; k < n; k++)
		if (!strcmp(cands[k].name, "untraced") &&
		    cands[k].threads == 1 && cands[k].n)
			un = &cands[k];
	for (k = 0; k < n && (!cands[k].tool || !cands[k].n); k++)
		;
	if (k == n || !un)
		return;
	base = med(un, 3);
	printf("\nWhole tools, 1 thread calling getpgid() under a kprobe "
	       "event: logbuf / its peer\n");
	printf("%-28s %-24s %8s %8s %9s %9s %8s %8s\n", "logbuf", "peer",
	       "ev/s x", "lost lb", "lost peer", "cpu lb", "cpu peer",
	       "cpu x");
	for (j = k; j + 1 < n && cands[j].tool; j += 2) {
		double lc, pc;

		lb = &cands[j];
		peer = &cands[j + 1];
		if (!lb->n || !peer->n)
			continue;
		lc = med(lb, 3) - base;
		pc = med(peer, 3) - base;
		printf("%-28s %-24s %7.2fx %8.0f %9.0f %9.0f %8.0f %7.2fx\n",
		       lb->name, peer->name, med(peer, 0) > 0 ?
		       med(lb, 0) / med(peer, 0) : 0, med(lb, 2),
		       med(peer, 2), lc, pc, lc > 0 ? pc / lc : 0);
	}
	printf("  (lost: median per window; cpu: the calling thread's ns per "
	       "call above the untraced call's; cpu x: peer over logbuf)\n");
}
