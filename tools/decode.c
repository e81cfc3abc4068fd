// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1): decoding with the field's library.  Names and formats come
 * from tracefs through libtracefs; each raw record (the event's fields as
 * events/<system>/<event>/format lays them out) is decoded by
 * libtraceevent: its own print format for text, its field list for JSON.
 * No format is parsed here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/logbuf.h>
#include <event-parse.h>
#include <tracefs.h>

#include "decode.h"
#include "output.h"

static struct tep_handle *tep;
static bool loaded_all;

/* Every local event's format (for dump, which does not know the names). */
static struct tep_event *find(uint32_t id)
{
	struct tep_event *ev = tep ? tep_find_event(tep, (int)id) : NULL;

	if (ev || loaded_all)
		return ev;
	loaded_all = true;
	if (!tep)
		tep = tep_alloc();
	if (!tep || tracefs_fill_local_events(NULL, tep, NULL))
		return NULL;
	return tep_find_event(tep, (int)id);
}

int decode_resolve(char *const *names, int n, uint32_t *ids)
{
	const char **sys = calloc(n + 1, sizeof(*sys));
	char **copy = calloc(n, sizeof(*copy));
	int i, ret = 0;

	if (!sys || !copy)
		return -1;
	for (i = 0; i < n; i++) {
		char *c;

		copy[i] = strdup(names[i]);
		c = copy[i] ? strchr(copy[i], ':') : NULL;
		if (!c || c == copy[i] || !c[1]) {
			fprintf(stderr, "logbuf: '%s' is not SYSTEM:EVENT\n",
				names[i]);
			ret = -1;
			goto out;
		}
		*c = 0;
		sys[i] = copy[i];
	}
	tep_free(tep);
	tep = tracefs_local_events_system(NULL, sys);
	if (!tep) {
		fprintf(stderr, "logbuf: cannot read the event formats from "
			"tracefs (%s)\n", strerror(errno ? errno : ENOENT));
		ret = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *name = copy[i] + strlen(copy[i]) + 1;
		struct tep_event *ev = tep_find_event_by_name(tep, copy[i],
							      name);

		if (!ev) {
			fprintf(stderr, "logbuf: no trace event %s:%s (see %s/"
				"available_events)\n", copy[i], name,
				tracefs_tracing_dir() ?: "tracefs");
			ret = -1;
			goto out;
		}
		ids[i] = ev->id;
	}
out:
	for (i = 0; i < n; i++)
		free(copy[i]);
	free(copy);
	free(sys);
	return ret;
}

const char *decode_name(uint32_t id, char *buf, size_t size)
{
	struct tep_event *ev = find(id);

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
static bool dyn_place(const struct tep_format_field *fl,
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

static void json_field(FILE *f, const struct tep_format_field *fl,
		       const struct logbuf_ev_raw *e)
{
	unsigned long long v;
	unsigned int off, n, i;

	fputc('"', f);
	fputs(fl->name, f);
	fputs("\":", f);
	if (fl->flags & TEP_FIELD_IS_DYNAMIC) {
		if (!dyn_place(fl, e, &off, &n)) {
			fputs("null", f);
			return;
		}
		if (fl->flags & TEP_FIELD_IS_STRING) {
			json_str(f, (const char *)e->raw + off,
				 strnlen((const char *)e->raw + off, n));
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
		json_str(f, (const char *)e->raw + fl->offset,
			 strnlen((const char *)e->raw + fl->offset, fl->size));
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

void decode_raw(FILE *f, const void *d, size_t len, bool json)
{
	const struct logbuf_ev_raw *e = raw_of(d, len);
	struct tep_event *ev = e ? find(e->id) : NULL;
	struct tep_format_field **fields, **fl;
	struct tep_record rec = { 0 };
	struct trace_seq s;

	if (!e || !ev) {
		if (json)
			fprintf(f, "\"event\":\"%s\",\"raw_size\":%u}\n",
				e ? "unknown" : "malformed",
				e ? e->raw_size : 0);
		else
			fprintf(f, "%s event %u, %u bytes\n",
				e ? "unknown" : "malformed", e ? e->id : 0,
				e ? e->raw_size : 0);
		return;
	}
	if (json) {
		fprintf(f, "\"event\":\"%s:%s\",\"fields\":{", ev->system,
			ev->name);
		fields = tep_event_fields(ev);
		for (fl = fields; fl && *fl; fl++) {
			if (fl != fields)
				fputc(',', f);
			json_field(f, *fl, e);
		}
		free(fields);
		fputs("}}\n", f);
		return;
	}
	rec.ts = e->ev.ts_ns;
	rec.cpu = e->ev.cpu;
	rec.size = e->raw_size;
	rec.data = (void *)e->raw;
	trace_seq_init(&s);
	tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	fprintf(f, "%s:%s: %s\n", ev->system, ev->name, s.buffer);
	trace_seq_destroy(&s);
}

static struct tep_format_field *field_of(const void *d, size_t len,
					 const char *name,
					 const struct logbuf_ev_raw **e)
{
	struct tep_event *ev;

	*e = raw_of(d, len);
	ev = *e ? find((*e)->id) : NULL;
	return ev ? tep_find_any_field(ev, name) : NULL;
}

int decode_field(const void *d, size_t len, const char *field, int64_t *val)
{
	const struct logbuf_ev_raw *e;
	struct tep_format_field *fl = field_of(d, len, field, &e);
	unsigned long long v;

	if (!fl || (unsigned int)fl->offset + fl->size > e->raw_size ||
	    tep_read_number_field(fl, e->raw, &v))
		return -1;
	*val = (fl->flags & TEP_FIELD_IS_SIGNED) && fl->size == 4 ?
	       (int32_t)v : (int64_t)v;
	return 0;
}

int decode_str(const void *d, size_t len, const char *field, char *buf,
	       size_t size)
{
	const struct logbuf_ev_raw *e;
	struct tep_format_field *fl = field_of(d, len, field, &e);
	unsigned int off, n;

	if (!fl || !size)
		return -1;
	if (fl->flags & TEP_FIELD_IS_DYNAMIC) {
		if (!dyn_place(fl, e, &off, &n))
			return -1;
	} else {
		off = fl->offset;
		n = fl->size;
		if (off + n > e->raw_size)
			return -1;
	}
	n = strnlen((const char *)e->raw + off, n);
	if (n >= size)
		n = size - 1;
	memcpy(buf, e->raw + off, n);
	buf[n] = 0;
	return 0;
}
