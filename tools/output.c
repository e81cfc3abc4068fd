// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf(1): number parsing, JSON and event printing shared by the commands. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <linux/logbuf.h>
#include "decode.h"
#include "output.h"

bool json;

int parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end != s && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
	}
	if (errno || end == s || *end || *s == '-' || (v << shift) >> shift != v) {
		fprintf(stderr, "logbuf: %s: '%s' is not a whole number\n",
			opt, s);
		return -1;
	}
	v <<= shift;
	if (v < min || v > max) {
		fprintf(stderr, "logbuf: %s: %llu is out of range (%" PRIu64
			" to %" PRIu64 ")\n", opt, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e9) {
		fprintf(stderr, "logbuf: %s: '%s' is not a positive number of "
			"seconds\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

void json_str(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void print_switch(FILE *f, const struct logbuf_ev_switch *e)
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
	json_str(f, e->prev_comm, sizeof(e->prev_comm));
	fprintf(f, ",\"prev_pid\":%u,\"prev_prio\":%d,\"prev_state\":%u,"
		"\"preempt\":%s,\"next_comm\":", e->prev_pid, e->prev_prio,
		e->prev_state, e->preempt ? "true" : "false");
	json_str(f, e->next_comm, sizeof(e->next_comm));
	fprintf(f, ",\"next_pid\":%u,\"next_prio\":%d}\n", e->next_pid,
		e->next_prio);
}

void print_event(FILE *f, const void *d, size_t len)
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
		print_switch(f, d);
	} else if (ev->type == LOGBUF_EV_EXEC &&
		   len >= sizeof(struct logbuf_ev_exec)) {
		const struct logbuf_ev_exec *e = d;
		uint32_t n = e->filename_len;

		if (n > len - sizeof(*e))
			n = len - sizeof(*e);
		if (json) {
			fprintf(f, "\"event\":\"exec\",\"filename\":");
			json_str(f, e->filename, n);
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
	} else if (json) {
		fprintf(f, "\"type\":%u,\"size\":%zu}\n", ev->type, len);
	} else {
		fprintf(f, "type %u, %zu bytes\n", ev->type, len);
	}
}
