/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1): timelines in the Chrome trace-event JSON format, which the
 * Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
 */
#ifndef _LOGBUF_TOOL_PERFETTO_H
#define _LOGBUF_TOOL_PERFETTO_H

#include <stddef.h>

struct perfetto;

struct perfetto *perfetto_open(const char *path);
/* One record (struct logbuf_ev...), in timestamp order. */
void perfetto_record(struct perfetto *p, const void *d, size_t len);
/* Ends the open slices and the file; 0 or -errno. */
int perfetto_close(struct perfetto *p);

#endif /* _LOGBUF_TOOL_PERFETTO_H */
