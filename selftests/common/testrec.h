/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-checking test records: (producer id, sequence, length, checksum) and a
 * payload derived from them, so a consumer can verify each record alone and
 * per-producer order, loss and duplication across a run.
 */
#ifndef _LOGBUF_TESTREC_H
#define _LOGBUF_TESTREC_H

#include <stdint.h>
#include <string.h>

struct testrec {
	uint32_t id;
	uint32_t seq;
	uint32_t len;	/* whole record, header included */
	uint32_t sum;	/* checksum of the payload after the header */
};

#define TESTREC_MIN	((uint32_t)sizeof(struct testrec))

static inline uint64_t tr_rand(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static inline uint32_t tr_sum(const unsigned char *p, uint32_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Fill @buf (@len >= TESTREC_MIN bytes) as record @seq of producer @id. */
static inline void tr_fill(void *buf, uint32_t len, uint32_t id, uint32_t seq)
{
	struct testrec *r = buf;
	unsigned char *p = (unsigned char *)(r + 1);
	uint32_t i, n = len - TESTREC_MIN;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(id * 131 + seq * 7 + i);
	r->id = id;
	r->seq = seq;
	r->len = len;
	r->sum = tr_sum(p, n);
}

/* Return 0 if @buf of @len bytes is a well-formed record, else -1. */
static inline int tr_check(const void *buf, size_t len)
{
	struct testrec r;

	if (len < TESTREC_MIN)
		return -1;
	memcpy(&r, buf, sizeof(r));
	if (r.len != len)
		return -1;
	return tr_sum((const unsigned char *)buf + TESTREC_MIN,
		      (uint32_t)len - TESTREC_MIN) == r.sum ? 0 : -1;
}

/* Per-producer order book: next expected sequence of each producer. */
struct tr_book {
	uint32_t nprod;
	uint32_t next[64];
	uint64_t records;
	uint64_t bad;		/* malformed */
	uint64_t disorder;	/* lost, duplicated or out of order */
};

static inline void tr_account(struct tr_book *b, const void *buf, size_t len)
{
	struct testrec r;

	b->records++;
	if (tr_check(buf, len)) {
		b->bad++;
		return;
	}
	memcpy(&r, buf, sizeof(r));
	if (r.id >= b->nprod || r.seq != b->next[r.id]) {
		b->disorder++;
		return;
	}
	b->next[r.id]++;
}

#endif /* _LOGBUF_TESTREC_H */
