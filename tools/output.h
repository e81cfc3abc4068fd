/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* logbuf(1): number parsing, JSON and event printing shared by the commands. */
#ifndef _LOGBUF_TOOL_OUTPUT_H
#define _LOGBUF_TOOL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* --json was given: machine-readable output on stdout. */
extern bool json;

/*
 * Parse a whole number with an optional k/M/G suffix (powers of 1024) for
 * option @opt; print a plain error and return -1 if @s is not one or is
 * outside [@min, @max].
 */
int parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out);
/* Parse seconds (a positive decimal number) for option @opt. */
int parse_seconds(const char *opt, const char *s, double *out);

/* Print @s as a JSON string (quoted and escaped), @n bytes of it. */
void json_str(FILE *f, const char *s, size_t n);

/* One record of a kernel-producer ring (struct logbuf_ev...), as text or JSON. */
void print_event(FILE *f, const void *d, size_t len);

#endif /* _LOGBUF_TOOL_OUTPUT_H */
