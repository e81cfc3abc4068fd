/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * What a program's tracer tells a collector (collect.c), over a Unix
 * SOCK_SEQPACKET connection, one fixed-size message per packet; the
 * collector never answers.  Messages of one connection arrive in order:
 *
 *   LB_MSG_EVENT  event @id is @name with @fields (before any record of it)
 *   LB_MSG_RING   one SCM_RIGHTS file descriptor: the consumer end of
 *                 thread @id's kernel ring (SPSC)
 *
 * Each record of such a ring is struct logbuf_tev, then the event's
 * CLOCK_MONOTONIC time in nanoseconds (8 bytes, native order, unaligned),
 * then the field values as in a kernel tracer's ring.  A message or record
 * that breaks this is refused and counted; the peer's word is taken for
 * nothing else (its pid and uid come from SO_PEERCRED).
 */
#ifndef _LOGBUF_COLLECT_H
#define _LOGBUF_COLLECT_H

#include <stdint.h>

#include <logbuf/tevent.h>

#define LB_MSG_MAGIC	0x6c62636fU	/* "lbco" */
#define LB_MSG_VERSION	1
#define LB_MSG_EVENT	1
#define LB_MSG_RING	2

/* The stamp after struct logbuf_tev. */
#define LB_STAMP_SIZE	8

struct lb_msg {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t id;		/* EVENT: the event's number; RING: the tid */
	uint32_t __pad;
	char name[LOGBUF_TEV_NAME_MAX + 1];
	char fields[LOGBUF_TEV_SPEC_MAX];
};

#endif /* _LOGBUF_COLLECT_H */
