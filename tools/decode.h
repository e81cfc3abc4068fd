/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1): trace events by name, and their raw records decoded by their
 * published formats, through libtraceevent and libtracefs.
 */
#ifndef _LOGBUF_TOOL_DECODE_H
#define _LOGBUF_TOOL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The ids of @n events named "system:event", loading their formats from
 * tracefs; prints what is wrong and returns -1 for a name that is not one.
 */
int decode_resolve(char *const *names, int n, uint32_t *ids);
/* One struct logbuf_ev_raw record, its header already printed (json: open). */
void decode_raw(FILE *f, const void *d, size_t len, bool json);
/* "system:event" of @id into @buf, or "event <id>". */
const char *decode_name(uint32_t id, char *buf, size_t size);
/*
 * A named numeric field of the record (sched_switch's next_pid, ...):
 * 0 and its value in @val, or -1 if the event has no such field.
 */
int decode_field(const void *d, size_t len, const char *field, int64_t *val);
/* A named string or char-array field, into @buf. */
int decode_str(const void *d, size_t len, const char *field, char *buf,
	       size_t size);

#endif /* _LOGBUF_TOOL_DECODE_H */
