/* SPDX-License-Identifier: GPL-2.0 */
/*
 * logbuf's in-kernel API, for other modules: consume a ring that user space
 * produces into, or produce into a ring that user space consumes.
 * Documentation/userspace-api/logbuf.rst, "Kernel-side ends".
 */
#ifndef _LOGBUF_API_H
#define _LOGBUF_API_H

#include <linux/types.h>

struct logbuf_kring;

/**
 * struct logbuf_sink_ops - where a kernel-consumer ring's records go
 * @record: called once per record, in ring order, from the ring's drain
 *	work (process context, may sleep, never concurrently for one ring).
 *	@data is valid only during the call.
 *
 * UNTRUSTED, CHANGING MEMORY: @data points into the ring's data area,
 * which every producer process has mapped writable.  A hostile producer
 * can change any byte of the payload while @record runs.  @len is the
 * kernel's own copy and is safe, and @data + @len lies inside the ring;
 * everything else is not.  Read each byte at most once (READ_ONCE(), or
 * copy the payload first and look only at the copy): a value checked and
 * then read again may have changed in between (a double fetch).  Never
 * pass @data to code that parses it in place.
 */
struct logbuf_sink_ops {
	void (*record)(void *priv, u64 ring_id, const void *data, u32 len);
};

int logbuf_sink_attach(u64 ring_id, const struct logbuf_sink_ops *ops,
		       void *priv);
int logbuf_sink_detach(u64 ring_id);

/* Producer flags */
#define LOGBUF_F_NO_WAKEUP	(1U << 0)	/* never wake the consumer */
#define LOGBUF_F_FORCE_WAKEUP	(1U << 1)	/* wake it even if awake */

/**
 * struct logbuf_kclaim - an open reservation of a kernel producer
 * @pos: position of the record header.
 * @len: payload length.
 */
struct logbuf_kclaim {
	u64 pos;
	u32 len;
};

struct logbuf_kring *logbuf_kring_get(u64 ring_id);
void logbuf_kring_put(struct logbuf_kring *r);
void *logbuf_reserve(struct logbuf_kring *r, u32 len,
		     struct logbuf_kclaim *c);
void logbuf_submit(struct logbuf_kring *r, struct logbuf_kclaim *c,
		   u32 flags);
void logbuf_discard(struct logbuf_kring *r, struct logbuf_kclaim *c,
		    u32 flags);
int logbuf_output(struct logbuf_kring *r, const void *data, u32 len,
		  u32 flags);

#endif /* _LOGBUF_API_H */
