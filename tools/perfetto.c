// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1): a Chrome trace-event JSON file from a stream of records.
 *
 * Process "CPUs" has one thread (track) per CPU.  sched_switch (logbuf's
 * own record or sched:sched_switch) ends the running task's slice on that
 * CPU and starts the next task's: the timeline of who ran where.
 * sched:sched_wakeup and sched:sched_waking are instants on the CPU that
 * woke the task, with the woken task in their arguments; every other event
 * is an instant on its CPU, named system:event, with its call stack (if
 * --stack) as its "stack" argument.  Times are microseconds from the first
 * record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/logbuf.h>
#include <logbuf/trace.h>

#include "decode.h"
#include "output.h"
#include "perfetto.h"
#include "stack.h"

#define MAXCPU	4096

struct running {
	uint64_t since;		/* ns; 0: nothing known on this CPU yet */
	int32_t pid;
	char comm[16];
};

struct perfetto {
	FILE *f;
	uint64_t t0;
	bool any;
	struct running *cpu;	/* [MAXCPU] */
	unsigned int ncpu;	/* CPUs seen: one more than the highest */
};

struct perfetto *perfetto_open(const char *path)
{
	struct perfetto *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cpu = calloc(MAXCPU, sizeof(*p->cpu));
	p->f = p->cpu ? fopen(path, "w") : NULL;
	if (!p->f) {
		free(p->cpu);
		free(p);
		return NULL;
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", p->f);
	return p;
}

static double us(struct perfetto *p, uint64_t ns)
{
	return (double)(ns - p->t0) / 1000.0;
}

static void sep(struct perfetto *p)
{
	if (p->any)
		fputs(",\n", p->f);
	p->any = true;
}

/* The slice of what ran on @cpu until @now. */
static void end_slice(struct perfetto *p, unsigned int cpu, uint64_t now)
{
	struct running *r = &p->cpu[cpu];

	if (!r->since)
		return;
	sep(p);
	fputs("{\"ph\":\"X\",\"pid\":0,\"tid\":", p->f);
	/* A nested event can carry a stamp a little older than the switch. */
	fprintf(p->f, "%u,\"ts\":%.3f,\"dur\":%.3f,\"name\":", cpu,
		us(p, r->since),
		now > r->since ? (double)(now - r->since) / 1000.0 : 0.0);
	if (r->pid)
		logbuf_trace_json_str(p->f, r->comm, strnlen(r->comm, sizeof(r->comm)));
	else
		fputs("\"idle\"", p->f);
	fprintf(p->f, ",\"args\":{\"pid\":%d}}", r->pid);
}

static void switch_to(struct perfetto *p, unsigned int cpu, uint64_t now,
		      int32_t next_pid, const char *next_comm)
{
	struct running *r = &p->cpu[cpu];
	size_t n = strnlen(next_comm, sizeof(r->comm) - 1);

	end_slice(p, cpu, now);
	r->since = now;
	r->pid = next_pid;
	memcpy(r->comm, next_comm, n);
	r->comm[n] = 0;
}

static void instant(struct perfetto *p, unsigned int cpu, uint64_t now,
		    const char *name, const void *d, size_t len, bool wakeup)
{
	bool woke, stack;
	char comm[64];
	int64_t v;

	sep(p);
	fprintf(p->f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":0,\"tid\":%u,"
		"\"ts\":%.3f,\"name\":", cpu, us(p, now));
	logbuf_trace_json_str(p->f, name, strlen(name));
	woke = wakeup && !decode_field(d, len, "pid", &v) &&
	       !decode_str(d, len, "comm", comm, sizeof(comm));
	stack = stack_has(d, len);	/* --stack */
	if (woke || stack)
		fputs(",\"args\":{", p->f);
	if (woke) {
		fprintf(p->f, "\"pid\":%" PRId64 ",\"comm\":", v);
		logbuf_trace_json_str(p->f, comm, strlen(comm));
		if (!decode_field(d, len, "target_cpu", &v))
			fprintf(p->f, ",\"target_cpu\":%" PRId64, v);
		if (stack)
			fputc(',', p->f);
	}
	if (stack)
		stack_args(p->f, d, len);
	if (woke || stack)
		fputc('}', p->f);
	fputc('}', p->f);
}

/*
 * A loss record: an instant where the first lost event fired (the gap
 * starts there), with how many, until when, and which source.
 */
static void lost(struct perfetto *p, unsigned int cpu,
		 const struct logbuf_ev_loss *e)
{
	uint64_t at = e->first_ns >= p->t0 ? e->first_ns : e->ev.ts_ns;
	char src[64];

	loss_source(src, sizeof(src), e->source);
	sep(p);
	fprintf(p->f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":0,\"tid\":%u,"
		"\"ts\":%.3f,\"name\":\"lost\",\"args\":{\"lost\":%" PRIu64
		",\"first_ns\":%" PRIu64 ",\"last_ns\":%" PRIu64
		",\"source\":\"%s\"}}", cpu, us(p, at), (uint64_t)e->lost,
		(uint64_t)e->first_ns, (uint64_t)e->last_ns, src);
}

void perfetto_record(struct perfetto *p, const void *d, size_t len)
{
	const struct logbuf_ev *ev = d;
	char name[128], comm[64];
	unsigned int cpu;
	int64_t pid;

	if (len < sizeof(*ev) || ev->size != len || ev->cpu >= MAXCPU)
		return;
	cpu = ev->cpu;
	if (!p->t0)
		p->t0 = ev->ts_ns;
	if (ev->ts_ns < p->t0)
		return;		/* before the first record: nothing to draw */
	if (cpu >= p->ncpu)
		p->ncpu = cpu + 1;
	if (ev->type == LOGBUF_EV_SCHED_SWITCH &&
	    len >= sizeof(struct logbuf_ev_switch)) {
		const struct logbuf_ev_switch *e = d;
		char c[17] = { 0 };

		memcpy(c, e->next_comm, 16);
		switch_to(p, cpu, ev->ts_ns, (int32_t)e->next_pid, c);
		return;
	}
	if (ev->type == LOGBUF_EV_LOSS &&
	    len >= sizeof(struct logbuf_ev_loss)) {
		lost(p, cpu, d);
		return;
	}
	if (ev->type != LOGBUF_EV_RAW) {
		instant(p, cpu, ev->ts_ns, ev->type == LOGBUF_EV_EXEC ? "exec" :
			ev->type == LOGBUF_EV_SYS_ENTER ? "sys_enter" :
			ev->type == LOGBUF_EV_CPU ? "cpu_hotplug" : "event",
			d, len, false);
		return;
	}
	decode_name(((const struct logbuf_ev_raw *)d)->id, name, sizeof(name));
	if (!strcmp(name, "sched:sched_switch") &&
	    !decode_field(d, len, "next_pid", &pid) &&
	    !decode_str(d, len, "next_comm", comm, sizeof(comm))) {
		switch_to(p, cpu, ev->ts_ns, (int32_t)pid, comm);
		return;
	}
	instant(p, cpu, ev->ts_ns, name, d, len,
		!strcmp(name, "sched:sched_wakeup") ||
		!strcmp(name, "sched:sched_waking") ||
		!strcmp(name, "sched:sched_wakeup_new"));
}

int perfetto_close(struct perfetto *p)
{
	uint64_t last = p->t0;
	unsigned int cpu;
	int err = 0;

	for (cpu = 0; cpu < p->ncpu; cpu++)
		if (p->cpu[cpu].since > last)
			last = p->cpu[cpu].since;
	/* What still runs ends with the last switch seen anywhere. */
	for (cpu = 0; cpu < p->ncpu; cpu++)
		if (p->cpu[cpu].since && p->cpu[cpu].since < last)
			end_slice(p, cpu, last);
	/* Name the tracks. */
	sep(p);
	fputs("{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\","
	      "\"args\":{\"name\":\"CPUs\"}}", p->f);
	for (cpu = 0; cpu < p->ncpu; cpu++)
		fprintf(p->f, ",\n{\"ph\":\"M\",\"pid\":0,\"tid\":%u,\"name\":"
			"\"thread_name\",\"args\":{\"name\":\"CPU %u\"}}", cpu,
			cpu);
	fputs("\n]}\n", p->f);
	if (ferror(p->f))
		err = -EIO;
	if (fclose(p->f) && !err)
		err = -errno;
	free(p->cpu);
	free(p);
	return err;
}
