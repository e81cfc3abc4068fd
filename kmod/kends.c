// SPDX-License-Identifier: GPL-2.0
/*
 * A ring with its kernel ends: the layer above ring.c.  A ring is made
 * bare (ring.c), then given the kernel consumer or the kernel producers'
 * state it was asked for (kcons.c, kprod.c), then published by id; the
 * last reference frees those ends through the hook set here, so that
 * ring.c never calls up.
 */

#include <linux/err.h>
#include <uapi/linux/logbuf.h>
#include "logbuf.h"

static void logbuf_kends_free(struct logbuf_kring *r)
{
	logbuf_kprod_free(r);
	logbuf_kcons_free(r);
}

/**
 * logbuf_kring_create() - a new ring with its kernel ends, findable by id
 * @capacity: data bytes, already checked: a power of two, whole pages.
 * @flags: LOGBUF_RING_* bits, already checked.
 * @kends: LOGBUF_CREATE_KERNEL_CONS and/or _PROD, already checked.
 *
 * Return: the ring with one reference (plus the kernel consumer's own), or
 * an ERR_PTR.
 */
struct logbuf_kring *logbuf_kring_create(u64 capacity, u32 flags, u32 kends)
{
	struct logbuf_kring *r = logbuf_kring_new(capacity, flags);
	int err = 0;

	if (IS_ERR(r))
		return r;
	r->ends_free = logbuf_kends_free;
	if (kends & LOGBUF_CREATE_KERNEL_CONS) {
		err = logbuf_kcons_new(r);
		/* The drain starts asleep: the first commit rings the doorbell. */
		logbuf_kring_add_state(r, LOGBUF_STATE_KERNEL_CONS,
				       LOGBUF_STATE_KERNEL_CONS |
				       LOGBUF_STATE_WAITING);
	}
	if (!err && (kends & LOGBUF_CREATE_KERNEL_PROD)) {
		err = logbuf_kprod_new(r);
		logbuf_kring_add_state(r, LOGBUF_STATE_KERNEL_PROD,
				       LOGBUF_STATE_KERNEL_PROD);
	}
	if (!err)
		err = logbuf_kring_publish(r);
	if (err) {
		logbuf_kring_discard(r);
		return ERR_PTR(-ENOMEM);
	}
	return r;
}
