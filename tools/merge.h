/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * logbuf(1): records of several rings (one per CPU), handed out in
 * timestamp order.
 */
#ifndef _LOGBUF_TOOL_MERGE_H
#define _LOGBUF_TOOL_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct merge;

typedef void (*merge_fn)(void *ctx, const void *d, size_t len);

struct merge *merge_new(void);
void merge_free(struct merge *m);
/* Copy one record (it starts with struct logbuf_ev); -ENOMEM on failure. */
int merge_add(struct merge *m, const void *d, size_t len);
/*
 * Hand out every record held with a timestamp at or before @upto, oldest
 * first (ties: in the order they were added), and forget them.
 */
void merge_emit(struct merge *m, uint64_t upto, merge_fn fn, void *ctx);
/* Records held, not handed out yet. */
size_t merge_held(const struct merge *m);
/* Records handed out after a later one had been: out of order, not lost. */
uint64_t merge_late(const struct merge *m);

#endif /* _LOGBUF_TOOL_MERGE_H */
