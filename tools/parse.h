/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* logbuf(1): option values.  Each prints a plain error and returns -1. */
#ifndef _LOGBUF_TOOL_PARSE_H
#define _LOGBUF_TOOL_PARSE_H

#include <stdint.h>

/*
 * A whole number with an optional k/M/G suffix (powers of 1024) for option
 * @opt, within [@min, @max].
 */
int parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out);
/* Seconds (a positive decimal number) for option @opt. */
int parse_seconds(const char *opt, const char *s, double *out);
/*
 * A duration up to @max_us microseconds: "0", "250us", "10ms", "1s" (a
 * bare number is milliseconds), into *@out_us.
 */
int parse_duration_us(const char *opt, const char *s, uint32_t max_us,
		      uint32_t *out_us);
/* A process or thread id (1 to INT32_MAX) for option @opt. */
int parse_id(const char *opt, const char *s, int32_t *out);
/* "0,2-5,7": CPUs below 8192 into a 1024-byte bitmap. */
int parse_cpus(const char *s, uint8_t *bits);

#endif /* _LOGBUF_TOOL_PARSE_H */
