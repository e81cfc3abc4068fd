/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbench's parts that more than one file uses: the candidates, the
 * workload (threads calling getpgid() with sequence numbers) and the
 * window.  kbench.c holds the kernel -> user, ftrace and u2u groups and
 * the report; ktools.c the whole tools (logbuf trace, perf, bpftrace).
 */
#ifndef _LOGBUF_KBENCH_H
#define _LOGBUF_KBENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bench.h"

#define NMET		5
#define MAXT		2
#define SEQ_BASE	(1ULL << 23)	/* above any pid: getpgid() says ESRCH */
#define SENTINEL	(SEQ_BASE - 1)
#define RING		(4u << 20)
#define REC		64
#define TRACING		"/sys/kernel/tracing/"

struct cand;
typedef int (*run_fn)(struct cand *c, double m[NMET]);

struct cand {
	const char *group;
	const char *name;
	int threads;
	int mode;		/* per group */
	/* syscall group: */
	int src;		/* S_SYS, S_EV, S_KP */
	int peer;		/* P_* */
	const char *prog;	/* P_BPF: the program's name */
	int wake_us;		/* P_LOGBUF: -1, the module's default */
	bool pinned;
	/* tools group: */
	const struct tool *tool;
	run_fn run;
	const char *met[NMET];	/* metric names, NULL: unused */
	double v[NMET][MAXROUNDS];
	int n;
};

extern int window_ms;
extern pid_t self;
extern _Alignas(CL) atomic_int go;
extern _Alignas(CL) atomic_int stop;
extern uint32_t kp_id;

void die(const char *what, int err);
/* The median of metric @i over @c's rounds. */
double med(const struct cand *c, int i);
void sleep_window(void);

/* A thread calling getpgid(SEQ_BASE + seq) from go to stop. */
struct sysprod {
	_Alignas(CL) uint64_t calls;
	double cpu_s;
	int cpu;		/* pinned there if >= 0 */
};

void *sys_producer(void *arg);
/*
 * @threads producers (pinned to CPUs 0, 1, ... or not) for one window,
 * go and stop set by the caller before (0) and here; adds their calls and
 * CPU seconds to @calls and @cpu.  Returns the window's length, s.
 */
double run_window(struct sysprod *p, int threads, bool pinned,
		  uint64_t *calls, double *cpu);

/* ktools.c: the tools group's candidates, and the tool to run (--tool). */
extern const char *logbuf_tool;
int tool_cands(struct cand *out, int max);
void report_tools(const struct cand *cands, int n);

#endif /* _LOGBUF_KBENCH_H */
