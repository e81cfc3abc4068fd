/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* liblogbuf internals: not installed. */
#ifndef _LOGBUF_INTERNAL_H
#define _LOGBUF_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "logbuf.h"

#define LOGBUF_CACHELINE	64

/**
 * struct logbuf_ring - a ring and who uses it in this process
 * @rv: where the parts are.
 * @flags: LOGBUF_RING_*.
 * @fd: the kernel end this ring maps (our own dup), or -1.
 * @role: LOGBUF_ROLE_* of @fd, 0 for a process-memory ring (both roles).
 * @map: the mapping (heap rings are anonymous mappings too).
 * @map_len: its length.
 * @spsc_busy: an SPSC producer is attached.
 * @cons_busy: the consumer is attached.
 */
struct logbuf_ring {
	struct logbuf_rv rv;
	uint32_t flags;
	int fd;
	uint32_t role;
	void *map;
	size_t map_len;
	atomic_int spsc_busy;
	atomic_int cons_busy;
};

/*
 * Options structs (LOGBUF_OPTS): 0 if @opts (of @known bytes in this
 * library) is NULL or valid, else -EINVAL (sz too small to hold sz) or
 * -E2BIG (a byte past what this library knows is not zero).
 */
static inline int __logbuf_opts_check(const void *opts, size_t known)
{
	const unsigned char *b = (const unsigned char *)opts;
	size_t sz, i;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return -EINVAL;
	for (i = known; i < sz; i++)
		if (b[i])
			return -E2BIG;
	return 0;
}

/* @opts->field if the caller's struct has it, else @def. */
#define LOGBUF_OPTS_GET(opts, field, def)				\
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) +	\
		sizeof((opts)->field) ? (opts)->field : (def))

struct timespec;
/* The futex system call (no glibc wrapper). */
long __logbuf_futex(uint32_t *uaddr, int op, uint32_t val,
		    const struct timespec *ts);

/* Zeroed memory of @size bytes on its own cache lines. */
static inline void *__logbuf_cl_zalloc(size_t size)
{
	size_t sz = (size + LOGBUF_CACHELINE - 1) & ~(size_t)(LOGBUF_CACHELINE - 1);
	void *p = aligned_alloc(LOGBUF_CACHELINE, sz);

	if (p)
		memset(p, 0, sz);
	return p;
}

#endif /* _LOGBUF_INTERNAL_H */
