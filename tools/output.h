/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* logbuf(1): logbuf's own records (struct logbuf_ev...), as text or JSON. */
#ifndef _LOGBUF_TOOL_OUTPUT_H
#define _LOGBUF_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One record of a kernel-producer ring, a line of text or a JSON object. */
void print_event(FILE *f, const void *d, size_t len, bool json);
/*
 * The tool's own loss records: a flight recorder's events that are not in
 * its dump (overwritten, or older than the span asked for).
 */
#define LOSS_OVERWRITTEN	(1U << 31)
/* struct logbuf_ev_loss.source as names: "events", "sched_switch,exec". */
void loss_source(char *buf, size_t size, uint32_t source);

#endif /* _LOGBUF_TOOL_OUTPUT_H */
