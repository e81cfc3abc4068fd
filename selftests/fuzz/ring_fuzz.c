// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ring protocol against a peer that lies.
 *
 * The ring lives between guard pages (the data area ends exactly at one, the
 * control words sit on a page of their own), so a single byte read or
 * written outside it faults.  The input is a program: honest claims,
 * commits, aborts, reads, releases, batches and dead-claim recovery, mixed
 * with scribbles over every word a peer can write (headers, claim words,
 * payload, head, tail).  After every call the target checks that what the
 * library handed out lies inside the data area; libFuzzer's -timeout
 * catches a call that does not return.
 *
 *   build/fuzz/ring_fuzz -max_total_time=60 build/fuzz/corpus \
 *	selftests/fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "logbuf.h"

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && in->n) {
		v = v << 8 | *in->p++;
		in->n--;
	}
	return v;
}

struct arena {
	unsigned char *base;
	size_t len;
	struct logbuf_rv rv;
};

/* [guard][control page][guard ... data][guard]: data ends at a guard. */
static int arena_new(struct arena *a, uint64_t cap)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t dpages = (cap + pg - 1) / pg;
	unsigned char *ctl, *dend;

	a->len = (4 + dpages) * pg;
	a->base = mmap(NULL, a->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (a->base == MAP_FAILED)
		return -1;
	ctl = a->base + pg;
	dend = a->base + (3 + dpages) * pg;
	if (mprotect(ctl, pg, PROT_READ | PROT_WRITE) ||
	    mprotect(dend - dpages * pg, dpages * pg, PROT_READ | PROT_WRITE))
		abort();
	a->rv.meta = (struct logbuf_meta *)ctl;
	a->rv.cons = (struct logbuf_cons *)(ctl + 128);
	a->rv.prod = (struct logbuf_prod *)(ctl + 256);
	a->rv.data = dend - cap;
	a->rv.mask = cap - 1;
	return 0;
}

static void arena_free(struct arena *a)
{
	munmap(a->base, a->len);
}

static const struct arena *cur;

static void in_bounds(const void *p, uint64_t len)
{
	const unsigned char *d = cur->rv.data, *q = p;

	if (q < d || len > cur->rv.mask + 1 || q + len > d + cur->rv.mask + 1) {
		fprintf(stderr, "out of bounds: %p+%llu, data %p+%llu\n", p,
			(unsigned long long)len, (const void *)d,
			(unsigned long long)cur->rv.mask + 1);
		abort();
	}
}

/* Touch every byte handed out: a stray pointer faults on a guard page. */
static unsigned int touch(const void *p, size_t len)
{
	const volatile unsigned char *q = p;
	unsigned int s = 0;

	while (len--)
		s += *q++;
	return s;
}

static int fuzz_cb(void *ctx, const void *data, size_t len)
{
	unsigned int *budget = ctx;

	in_bounds(data, len);
	touch(data, len);
	return !--*budget;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	static const uint64_t caps[] = { 64, 128, 512, 4096, 16384 };
	struct input in = { buf, size };
	struct logbuf_producer p[2];
	struct logbuf_consumer c;
	struct arena a;
	unsigned int steps = 0;
	int mpsc;

	mpsc = take(&in, 1) & 1;
	if (arena_new(&a, caps[take(&in, 1) % 5]))
		return 0;
	cur = &a;
	memset(p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p[0].rv = p[1].rv = c.rv = a.rv;
	p[0].mpsc = p[1].mpsc = mpsc;

	while (in.n && steps++ < 4096) {
		uint64_t op = take(&in, 1), v;
		struct logbuf_producer *pp = &p[op >> 7];
		void *w;
		const void *d;
		size_t len;
		unsigned int budget;

		if (!mpsc)
			pp = &p[0];
		switch (op % 12) {
		case 0: case 1: case 2:		/* claim, write, commit/abort */
			v = take(&in, 2);
			if (logbuf_claim(pp, v % (a.rv.mask + 1), &w))
				break;
			in_bounds(w, v % (a.rv.mask + 1));
			memset(w, 0xab, v % (a.rv.mask + 1));
			if (op & 0x40)
				logbuf_abort(pp);
			else
				logbuf_commit(pp);
			break;
		case 3:				/* read, maybe release */
			if (logbuf_read(&c, &d, &len))
				break;
			in_bounds(d, len);
			touch(d, len);
			if (op & 0x40)
				logbuf_release(&c);
			break;
		case 4:				/* a batch */
			budget = take(&in, 1) + 1;
			logbuf_consume(&c, fuzz_cb, &budget, take(&in, 1));
			break;
		case 5: case 6:			/* a word of the data area */
			v = take(&in, 2) % ((a.rv.mask + 1) / 4);
			((uint32_t *)a.rv.data)[v] = (uint32_t)take(&in, 4);
			break;
		case 7:				/* the head, any value */
			a.rv.cons->head = take(&in, 8);
			break;
		case 8:				/* the tail, any value */
			a.rv.prod->tail = take(&in, 8);
			break;
		case 9:				/* attach again from shared words */
			if (op & 0x40) {
				pp->ps.tail = a.rv.prod->tail;
				if (!mpsc && pp->ps.tail % LOGBUF_ALIGN)
					pp->ps.tail = 0;	/* refused */
				pp->ps.head = a.rv.cons->head;
				pp->ps.len = 0;
			} else if (!(a.rv.cons->head % LOGBUF_ALIGN)) {
				c.cs.head = c.cs.pub = a.rv.cons->head;
				c.cs.len = 0;
			}
			break;
		case 10:			/* producers gone: recover */
			__logbuf_skip_dead(&c.rv, &c.cs, take(&in, 1) & 1 ?
					   a.rv.prod->tail : take(&in, 8));
			break;
		case 11:			/* a small claim word or skip */
			v = take(&in, 2) % ((a.rv.mask + 1) / 8);
			((uint32_t *)a.rv.data)[2 * v + (op >> 6 & 1)] =
				(op & 0x20 ? LOGBUF_SKIP : 0) |
				(uint32_t)(take(&in, 1) * 8);
			break;
		}
	}
	arena_free(&a);
	return 0;
}
