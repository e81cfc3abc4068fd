// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf(1): logbuf's own records (struct logbuf_ev...), as text or JSON. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <linux/logbuf.h>
#include <logbuf/trace.h>
#include "decode.h"
#include "output.h"

static void print_switch(FILE *f, const struct logbuf_ev_switch *e,
			 bool json)
{
	if (!json) {
		fprintf(f, "sched_switch %.16s:%u [%d] state=%#x%s ==> "
			"%.16s:%u [%d]\n", e->prev_comm, e->prev_pid,
			e->prev_prio, e->prev_state,
			e->preempt ? " preempt" : "", e->next_comm,
			e->next_pid, e->next_prio);
		return;
	}
	fprintf(f, "\"event\":\"sched_switch\",\"prev_comm\":");
	logbuf_trace_json_str(f, e->prev_comm, sizeof(e->prev_comm));
	fprintf(f, ",\"prev_pid\":%u,\"prev_prio\":%d,\"prev_state\":%u,"
		"\"preempt\":%s,\"next_comm\":", e->prev_pid, e->prev_prio,
		e->prev_state, e->preempt ? "true" : "false");
	logbuf_trace_json_str(f, e->next_comm, sizeof(e->next_comm));
	fprintf(f, ",\"next_pid\":%u,\"next_prio\":%d}\n", e->next_pid,
		e->next_prio);
}

/* The sources a loss record names: "events" or logbuf's own, by name. */
void loss_source(char *buf, size_t size, uint32_t source)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ LOGBUF_EV_SCHED_SWITCH, "sched_switch" },
		{ LOGBUF_EV_EXEC, "exec" },
		{ LOGBUF_EV_SYS_ENTER, "syscalls" },
		{ LOGBUF_EV_RAW, "events" },
		{ LOSS_OVERWRITTEN, "overwritten" },
	};
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((source & names[i].bit) && used < size)
			used += snprintf(buf + used, size - used, "%s%s",
					 used ? "," : "", names[i].name);
	if (!used)
		snprintf(buf, size, "%#x", source);
}

static void print_loss(FILE *f, const struct logbuf_ev_loss *e, bool json)
{
	char src[64];

	loss_source(src, sizeof(src), e->source);
	if (json) {
		fprintf(f, "\"event\":\"lost\",\"lost\":%" PRIu64
			",\"first_ns\":%" PRIu64 ",\"last_ns\":%" PRIu64
			",\"source\":\"%s\"}\n", (uint64_t)e->lost,
			(uint64_t)e->first_ns, (uint64_t)e->last_ns, src);
		return;
	}
	if (e->source == LOSS_OVERWRITTEN) {
		fprintf(f, "LOST %" PRIu64 " record%s of the run before %" PRIu64
			".%09" PRIu64 ": overwritten, or older than the span "
			"kept (flight recorder)\n", (uint64_t)e->lost,
			e->lost == 1 ? "" : "s",
			(uint64_t)e->last_ns / 1000000000,
			(uint64_t)e->last_ns % 1000000000);
		return;
	}
	fprintf(f, "LOST %" PRIu64 " event%s from %" PRIu64 ".%09" PRIu64
		" to %" PRIu64 ".%09" PRIu64 " (source: %s)\n",
		(uint64_t)e->lost, e->lost == 1 ? "" : "s",
		(uint64_t)e->first_ns / 1000000000,
		(uint64_t)e->first_ns % 1000000000,
		(uint64_t)e->last_ns / 1000000000,
		(uint64_t)e->last_ns % 1000000000, src);
}

void print_event(FILE *f, const void *d, size_t len, bool json)
{
	const struct logbuf_ev *ev = d;

	if (len < sizeof(*ev) || ev->size != len) {
		if (json)
			fprintf(f, "{\"malformed\":%zu}\n", len);
		else
			fprintf(f, "? malformed record of %zu bytes\n", len);
		return;
	}
	if (json)
		fprintf(f, "{\"ts_ns\":%" PRIu64 ",\"cpu\":%u,\"pid\":%u,"
			"\"tgid\":%u,", (uint64_t)ev->ts_ns, ev->cpu, ev->pid,
			ev->tgid);
	else
		fprintf(f, "%" PRIu64 ".%09" PRIu64 " cpu%-3u %7u ",
			(uint64_t)ev->ts_ns / 1000000000,
			(uint64_t)ev->ts_ns % 1000000000, ev->cpu, ev->pid);
	if (ev->type == LOGBUF_EV_SCHED_SWITCH &&
	    len >= sizeof(struct logbuf_ev_switch)) {
		print_switch(f, d, json);
	} else if (ev->type == LOGBUF_EV_EXEC &&
		   len >= sizeof(struct logbuf_ev_exec)) {
		const struct logbuf_ev_exec *e = d;
		uint32_t n = e->filename_len;

		if (n > len - sizeof(*e))
			n = len - sizeof(*e);
		if (json) {
			fprintf(f, "\"event\":\"exec\",\"filename\":");
			logbuf_trace_json_str(f, e->filename, n);
			fprintf(f, ",\"old_pid\":%u}\n", e->old_pid);
		} else {
			fprintf(f, "exec %.*s old_pid=%u\n", (int)n,
				e->filename, e->old_pid);
		}
	} else if (ev->type == LOGBUF_EV_SYS_ENTER &&
		   len >= sizeof(struct logbuf_ev_syscall)) {
		const struct logbuf_ev_syscall *e = d;
		int i;

		if (json) {
			fprintf(f, "\"event\":\"sys_enter\",\"id\":%" PRId64
				",\"args\":[", (int64_t)e->id);
			for (i = 0; i < 6; i++)
				fprintf(f, "%s%" PRIu64, i ? "," : "",
					(uint64_t)e->args[i]);
			fprintf(f, "]}\n");
			return;
		}
		fprintf(f, "sys_enter NR %" PRId64 " (", (int64_t)e->id);
		for (i = 0; i < 6; i++)
			fprintf(f, "%s%#" PRIx64, i ? ", " : "",
				(uint64_t)e->args[i]);
		fprintf(f, ")\n");
	} else if (ev->type == LOGBUF_EV_RAW) {
		decode_raw(f, d, len, json);
	} else if (ev->type == LOGBUF_EV_CPU &&
		   len >= sizeof(struct logbuf_ev_cpu)) {
		const struct logbuf_ev_cpu *e = d;

		if (json)
			fprintf(f, "\"event\":\"%s\"}\n", e->online ?
				"cpu_online" : "cpu_offline");
		else
			fprintf(f, "CPU %u %s\n", ev->cpu, e->online ?
				"online: traced from here" :
				"offline: no longer traced");
	} else if (ev->type == LOGBUF_EV_LOSS &&
		   len >= sizeof(struct logbuf_ev_loss)) {
		print_loss(f, d, json);
	} else if (json) {
		fprintf(f, "\"type\":%u,\"size\":%zu}\n", ev->type, len);
	} else {
		fprintf(f, "type %u, %zu bytes\n", ev->type, len);
	}
}
