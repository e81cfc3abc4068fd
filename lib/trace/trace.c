// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * liblogbuf-trace: decoding with the field's library.  Names and formats
 * come from tracefs through libtracefs; each raw record (the event's fields
 * as events/<system>/<event>/format lays them out) is decoded by
 * libtraceevent: its own print format for text, its field list for JSON.
 * No format is parsed here.  Nothing in a record is trusted: every offset
 * is checked against the record's own size before it is read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/logbuf.h>
#include <event-parse.h>
#include <tracefs.h>

#include "logbuf/trace.h"

struct logbuf_trace {
	struct tep_handle *tep;
	char *dir;		/* NULL: the running kernel's tracefs */
	bool loaded_all;
};

struct logbuf_trace *logbuf_trace_new(const char *tracing_dir)
{
	struct logbuf_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tep = tep_alloc();
	t->dir = tracing_dir ? strdup(tracing_dir) : NULL;
	if (!t->tep || (tracing_dir && !t->dir)) {
		logbuf_trace_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void logbuf_trace_free(struct logbuf_trace *t)
{
	if (!t)
		return;
	tep_free(t->tep);
	free(t->dir);
	free(t);
}

/* The format of @id; every local event's the first time one is unknown. */
static struct tep_event *find(struct logbuf_trace *t, uint32_t id)
{
	struct tep_event *ev = tep_find_event(t->tep, (int)id);

	if (ev || t->loaded_all)
		return ev;
	t->loaded_all = true;
	/*
	 * Its answer is not looked at: it fails when an optional file
	 * (header_page, printk_formats) is missing, having loaded the rest.
	 */
	tracefs_fill_local_events(t->dir, t->tep, NULL);
	return tep_find_event(t->tep, (int)id);
}

/* Parse events/@sys/@ev/format (libtraceevent's parser) into @t. */
static int parse_format(struct logbuf_trace *t, const char *sys,
			const char *ev)
{
	const char *dir = t->dir ? t->dir : tracefs_tracing_dir();
	char *path = NULL, *buf = NULL;
	size_t size = 0, n;
	FILE *f = NULL;
	int err = 0;

	if (!dir)
		return -ENOENT;
	if (asprintf(&path, "%s/events/%s/%s/format", dir, sys, ev) < 0)
		return -ENOMEM;
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		goto out;
	}
	/* tracefs files do not know their size: read to the end. */
	for (;;) {
		char *nb = realloc(buf, size + 4096);

		if (!nb) {
			err = -ENOMEM;
			goto out;
		}
		buf = nb;
		n = fread(buf + size, 1, 4096, f);
		size += n;
		if (n < 4096)
			break;
	}
	if (tep_parse_event(t->tep, buf, size, sys))
		err = -EINVAL;
out:
	if (f)
		fclose(f);
	free(buf);
	free(path);
	return err;
}

int logbuf_trace_load(struct logbuf_trace *t, const char *name, uint32_t *id)
{
	struct tep_event *ev;
	char *copy, *c;
	int err = 0;

	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	c = strchr(copy, ':');
	if (!c || c == copy || !c[1] || strchr(c + 1, ':') ||
	    strchr(copy, '/') || strchr(c + 1, '/')) {
		free(copy);
		return -EINVAL;
	}
	*c++ = 0;
	ev = tep_find_event_by_name(t->tep, copy, c);
	if (!ev) {
		err = parse_format(t, copy, c);
		ev = err ? NULL : tep_find_event_by_name(t->tep, copy, c);
	}
	if (ev)
		*id = ev->id;
	else if (!err || err == -ENOENT)
		err = -ENOENT;
	free(copy);
	return err;
}

const char *logbuf_trace_name(struct logbuf_trace *t, uint32_t id, char *buf,
			      size_t size)
{
	struct tep_event *ev = find(t, id);

	if (ev)
		snprintf(buf, size, "%s:%s", ev->system, ev->name);
	else
		snprintf(buf, size, "event %u", id);
	return buf;
}

/* The record's raw part, checked against its own header. */
static const struct logbuf_ev_raw *raw_of(const void *d, size_t len)
{
	const struct logbuf_ev_raw *e = d;

	if (len < sizeof(*e) || e->raw_size > len - sizeof(*e))
		return NULL;
	return e;
}

/* A dynamic field's place: __data_loc (absolute) or __rel_loc. */
static bool dyn_place(struct tep_handle *tep,
		      const struct tep_format_field *fl,
		      const struct logbuf_ev_raw *e, unsigned int *off,
		      unsigned int *n)
{
	unsigned long long v;

	if ((unsigned int)fl->offset + 4 > e->raw_size)
		return false;
	v = tep_read_number(tep, e->raw + fl->offset, 4);
	*off = v & 0xffff;
	*n = v >> 16;
	if (fl->flags & TEP_FIELD_IS_RELATIVE)
		*off += fl->offset + fl->size;
	return *off <= e->raw_size && *n <= e->raw_size - *off;
}

void logbuf_trace_json_str(FILE *f, const char *s, size_t n)
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

static void json_field(struct tep_handle *tep, FILE *f,
		       const struct tep_format_field *fl,
		       const struct logbuf_ev_raw *e)
{
	unsigned long long v;
	unsigned int off, n, i;

	fputc('"', f);
	fputs(fl->name, f);
	fputs("\":", f);
	if (fl->flags & TEP_FIELD_IS_DYNAMIC) {
		if (!dyn_place(tep, fl, e, &off, &n)) {
			fputs("null", f);
			return;
		}
		if (fl->flags & TEP_FIELD_IS_STRING) {
			logbuf_trace_json_str(f, (const char *)e->raw + off,
					      n);
			return;
		}
		fputc('[', f);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%u", i ? "," : "", e->raw[off + i]);
		fputc(']', f);
		return;
	}
	if ((unsigned int)fl->offset + fl->size > e->raw_size) {
		fputs("null", f);
		return;
	}
	if (fl->flags & TEP_FIELD_IS_STRING) {
		logbuf_trace_json_str(f, (const char *)e->raw + fl->offset,
				      fl->size);
		return;
	}
	if (fl->flags & TEP_FIELD_IS_ARRAY) {
		unsigned int es = fl->elementsize ? fl->elementsize : 1;

		fputc('[', f);
		for (i = 0; i + es <= (unsigned int)fl->size; i += es)
			fprintf(f, "%s%llu", i ? "," : "",
				tep_read_number(tep, e->raw + fl->offset + i,
						es));
		fputc(']', f);
		return;
	}
	if (tep_read_number_field((struct tep_format_field *)fl, e->raw, &v)) {
		fputs("null", f);
		return;
	}
	if (fl->flags & TEP_FIELD_IS_SIGNED) {
		long long s = fl->size == 1 ? (int8_t)v : fl->size == 2 ?
			      (int16_t)v : fl->size == 4 ? (int32_t)v :
			      (long long)v;

		fprintf(f, "%lld", s);
	} else {
		fprintf(f, "%llu", v);
	}
}

int logbuf_trace_print(struct logbuf_trace *t, FILE *f, const void *rec,
		       size_t len, unsigned int flags)
{
	const struct logbuf_ev_raw *e = raw_of(rec, len);
	struct tep_event *ev = e ? find(t, e->id) : NULL;
	bool json = flags & LOGBUF_TRACE_JSON;
	struct tep_format_field **fields, **fl;
	struct tep_record r = { 0 };
	struct trace_seq s;

	if (!e || !ev) {
		if (json)
			fprintf(f, "\"event\":\"%s\",\"raw_size\":%u",
				e ? "unknown" : "malformed",
				e ? e->raw_size : 0);
		else
			fprintf(f, "%s event %u, %u bytes\n",
				e ? "unknown" : "malformed", e ? e->id : 0,
				e ? e->raw_size : 0);
		return e ? -ENOENT : -EBADMSG;
	}
	if (json) {
		fprintf(f, "\"event\":\"%s:%s\",\"fields\":{", ev->system,
			ev->name);
		fields = tep_event_fields(ev);
		for (fl = fields; fl && *fl; fl++) {
			if (fl != fields)
				fputc(',', f);
			json_field(t->tep, f, *fl, e);
		}
		free(fields);
		fputc('}', f);
		return 0;
	}
	r.ts = e->ev.ts_ns;
	r.cpu = e->ev.cpu;
	r.size = e->raw_size;
	r.data = (void *)e->raw;
	trace_seq_init(&s);
	tep_print_event(t->tep, &s, &r, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	fprintf(f, "%s:%s: %s\n", ev->system, ev->name, s.buffer);
	trace_seq_destroy(&s);
	return 0;
}

static int field_of(struct logbuf_trace *t, const void *rec, size_t len,
		    const char *name, const struct logbuf_ev_raw **e,
		    struct tep_format_field **fl)
{
	struct tep_event *ev;

	*e = raw_of(rec, len);
	if (!*e)
		return -EBADMSG;
	ev = find(t, (*e)->id);
	*fl = ev ? tep_find_any_field(ev, name) : NULL;
	return *fl ? 0 : -ENOENT;
}

int logbuf_trace_field(struct logbuf_trace *t, const void *rec, size_t len,
		       const char *field, int64_t *val)
{
	const struct logbuf_ev_raw *e;
	struct tep_format_field *fl;
	unsigned long long v;
	int err = field_of(t, rec, len, field, &e, &fl);

	if (err)
		return err;
	if ((unsigned int)fl->offset + fl->size > e->raw_size ||
	    tep_read_number_field(fl, e->raw, &v))
		return -EBADMSG;
	if (fl->flags & TEP_FIELD_IS_SIGNED)
		*val = fl->size == 1 ? (int8_t)v : fl->size == 2 ?
		       (int16_t)v : fl->size == 4 ? (int32_t)v : (int64_t)v;
	else
		*val = (int64_t)v;
	return 0;
}

int logbuf_trace_string(struct logbuf_trace *t, const void *rec, size_t len,
			const char *field, char *buf, size_t size)
{
	const struct logbuf_ev_raw *e;
	struct tep_format_field *fl;
	unsigned int off, n;
	int err;

	if (!size)
		return -EINVAL;
	err = field_of(t, rec, len, field, &e, &fl);
	if (err)
		return err;
	if (fl->flags & TEP_FIELD_IS_DYNAMIC) {
		if (!dyn_place(t->tep, fl, e, &off, &n))
			return -EBADMSG;
	} else {
		off = fl->offset;
		n = fl->size;
		if (off + n > e->raw_size)
			return -EBADMSG;
	}
	n = strnlen((const char *)e->raw + off, n);
	if (n >= size)
		n = size - 1;
	memcpy(buf, e->raw + off, n);
	buf[n] = 0;
	return 0;
}
