// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1): a timestamp merge of the records of several rings.
 *
 * The tool drains every ring in rounds.  A record enters the kernel's ring
 * a moment after its producer read the clock, so a round can miss a record
 * whose timestamp is older than records it does see.  The tool therefore
 * hands out only records stamped before the start of the previous round:
 * a producer that takes longer than a whole round between its clock read
 * and its commit makes its record late (printed, counted), never lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/logbuf.h>

#include "merge.h"

struct entry {
	uint64_t ts;
	uint64_t seq;
	size_t off;
	size_t len;
};

struct merge {
	struct entry *e;
	size_t n, cap;
	unsigned char *buf;
	size_t used, size;
	uint64_t seq, last_ts, late;
};

struct merge *merge_new(void)
{
	return calloc(1, sizeof(struct merge));
}

void merge_free(struct merge *m)
{
	if (!m)
		return;
	free(m->e);
	free(m->buf);
	free(m);
}

int merge_add(struct merge *m, const void *d, size_t len)
{
	struct entry *x;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 1024;
		struct entry *e = realloc(m->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		m->e = e;
		m->cap = cap;
	}
	if (m->used + len > m->size) {
		size_t size = m->size ? m->size : 1 << 20;
		unsigned char *b;

		while (m->used + len > size)
			size *= 2;
		b = realloc(m->buf, size);
		if (!b)
			return -ENOMEM;
		m->buf = b;
		m->size = size;
	}
	memcpy(m->buf + m->used, d, len);
	x = &m->e[m->n++];
	x->ts = 0;
	if (len >= sizeof(struct logbuf_ev))
		memcpy(&x->ts, d, sizeof(x->ts));
	x->seq = m->seq++;
	x->off = m->used;
	x->len = len;
	m->used += len;
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_offset(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

void merge_emit(struct merge *m, uint64_t upto, merge_fn fn, void *ctx)
{
	size_t i, k, used = 0;

	qsort(m->e, m->n, sizeof(*m->e), by_time);
	for (i = 0; i < m->n && m->e[i].ts <= upto; i++) {
		if (m->e[i].ts < m->last_ts)
			m->late++;
		else
			m->last_ts = m->e[i].ts;
		fn(ctx, m->buf + m->e[i].off, m->e[i].len);
	}
	/* Keep the rest, packed: lowest offset first, each moves down. */
	for (k = 0; i < m->n; i++, k++)
		m->e[k] = m->e[i];
	m->n = k;
	qsort(m->e, m->n, sizeof(*m->e), by_offset);
	for (k = 0; k < m->n; k++) {
		memmove(m->buf + used, m->buf + m->e[k].off, m->e[k].len);
		m->e[k].off = used;
		used += m->e[k].len;
	}
	m->used = used;
}

size_t merge_held(const struct merge *m)
{
	return m->n;
}

uint64_t merge_late(const struct merge *m)
{
	return m->late;
}
