/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * liblogbuf-trace: trace-event records from logbuf rings, decoded by their
 * published formats through libtraceevent and libtracefs.
 *
 * A kernel-producer ring attached with LOGBUF_IOC_ATTACH_EVENTS holds
 * struct logbuf_ev_raw records: a logbuf header, then the event's fields as
 * /sys/kernel/tracing/events/<system>/<event>/format lays them out.  This
 * small companion of liblogbuf turns such a record into named fields, its
 * ftrace text or a JSON object, without a format parser of its own; only
 * programs that link it (pkg-config liblogbuf-trace) depend on
 * libtraceevent and libtracefs.
 */
#ifndef _LOGBUF_TRACE_H
#define _LOGBUF_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct logbuf_trace;

/* logbuf_trace_print() flags */
#define LOGBUF_TRACE_JSON	(1U << 0)	/* "event" and "fields" members */

/**
 * logbuf_trace_new() - event formats of a tracefs
 * @tracing_dir: the tracefs directory, or NULL for the running kernel's
 *	(found by libtracefs).
 *
 * Formats are read when first needed: by logbuf_trace_load(), or for a
 * record of an id not loaded yet, every event's.
 *
 * Return: the decoder, or NULL with errno.
 */
struct logbuf_trace *logbuf_trace_new(const char *tracing_dir);

/**
 * logbuf_trace_free() - free a decoder
 * @t: the decoder, or NULL.
 */
void logbuf_trace_free(struct logbuf_trace *t);

/**
 * logbuf_trace_load() - the id of an event, by name, and its format
 * @t: the decoder.
 * @name: "system:event", as in available_events.
 * @id: out: the event's id, for struct logbuf_attach_events.ids.
 *
 * Return: 0, -EINVAL (@name is not "system:event"), -ENOENT (no such
 * event), or -errno from reading tracefs.
 */
int logbuf_trace_load(struct logbuf_trace *t, const char *name,
		      uint32_t *id);

/**
 * logbuf_trace_name() - "system:event" of an id
 * @t: the decoder.
 * @id: the event's id.
 * @buf: where the name goes.
 * @size: bytes at @buf.
 *
 * Return: @buf, holding the name, or "event <id>" for an unknown id.
 */
const char *logbuf_trace_name(struct logbuf_trace *t, uint32_t id, char *buf,
			      size_t size);

/**
 * logbuf_trace_field() - a numeric field of a record, by name
 * @t: the decoder.
 * @rec: a struct logbuf_ev_raw record as read from the ring.
 * @len: its length.
 * @field: the field's name in the event's format (common_pid, next_pid,
 *	...).
 * @val: out: its value, sign-extended for signed fields.
 *
 * Return: 0, or -ENOENT (no such field, or an unknown event), -EBADMSG
 * (the record is shorter than its header or format say).
 */
int logbuf_trace_field(struct logbuf_trace *t, const void *rec, size_t len,
		       const char *field, int64_t *val);

/**
 * logbuf_trace_string() - a string field of a record, by name
 * @t: the decoder.
 * @rec: a struct logbuf_ev_raw record.
 * @len: its length.
 * @field: a char array or __data_loc/__rel_loc string field.
 * @buf: where the string goes, NUL-terminated, cut to fit.
 * @size: bytes at @buf, at least 1.
 *
 * Return: 0, -ENOENT, -EBADMSG or -EINVAL (@size 0).
 */
int logbuf_trace_string(struct logbuf_trace *t, const void *rec, size_t len,
			const char *field, char *buf, size_t size);

/**
 * logbuf_trace_print() - print a record's event
 * @t: the decoder.
 * @f: where to.
 * @rec: a struct logbuf_ev_raw record.
 * @len: its length.
 * @flags: 0 for text ("system:event: " then the event's own print format,
 *	as ftrace prints it) or LOGBUF_TRACE_JSON (the members
 *	"event":"system:event","fields":{...} with each of the event's own
 *	fields by name: numbers, strings, arrays; the common_* fields are
 *	left to the logbuf header, and no braces surround the members, so
 *	that a caller can add its own).  A newline ends the text, nothing
 *	ends JSON.
 *
 * Return: 0, -ENOENT (an unknown event: a line saying so is printed) or
 * -EBADMSG (a malformed record: likewise).
 */
int logbuf_trace_print(struct logbuf_trace *t, FILE *f, const void *rec,
		       size_t len, unsigned int flags);

/**
 * logbuf_trace_json_str() - print bytes as a JSON string
 * @f: where to.
 * @s: the bytes: a C string, or a fixed-size field padded with NULs (a
 *	task's comm).
 * @n: at most this many of them; the first NUL ends the string before.
 *
 * Quotes the string and escapes the quote, the backslash, control characters
 * and every byte outside printable ASCII (as \u00XX), so that the output is
 * valid JSON whatever the bytes.  logbuf_trace_print() and logbuf(1) escape
 * through it.
 */
void logbuf_trace_json_str(FILE *f, const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* _LOGBUF_TRACE_H */
