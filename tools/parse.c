// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/* logbuf(1): option values, with a plain error for each bad one. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_size(const char *opt, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end != s && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
	}
	if (errno || end == s || *end || *s == '-' || (v << shift) >> shift != v) {
		fprintf(stderr, "logbuf: %s: '%s' is not a whole number\n",
			opt, s);
		return -1;
	}
	v <<= shift;
	if (v < min || v > max) {
		fprintf(stderr, "logbuf: %s: %llu is out of range (%" PRIu64
			" to %" PRIu64 ")\n", opt, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e9) {
		fprintf(stderr, "logbuf: %s: '%s' is not a positive number of "
			"seconds\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_duration_us(const char *opt, const char *s, uint32_t max_us,
		      uint32_t *out_us)
{
	static const struct { const char *sfx; double us; } units[] = {
		{ "", 1000 }, { "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].sfx))
			break;
	if (errno || end == s || *s == '-' || !isfinite(v) ||
	    i == sizeof(units) / sizeof(units[0])) {
		fprintf(stderr, "logbuf: %s: '%s' is not a duration (0, 250us, "
			"10ms, 1s)\n", opt, s);
		return -1;
	}
	v *= units[i].us;
	if (v < 0 || v > max_us || (v > 0 && v < 1)) {
		fprintf(stderr, "logbuf: %s: '%s' is out of range (0, or 1us "
			"to %gs)\n", opt, s, max_us / 1e6);
		return -1;
	}
	*out_us = (uint32_t)(v + 0.5);
	return 0;
}

int parse_cpus(const char *s, uint8_t *bits)
{
	const char *p = s;

	memset(bits, 0, 1024);
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (b >= 8192)
			goto bad;
		for (; a <= b; a++)
			bits[a / 8] |= 1u << (a % 8);
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	fprintf(stderr, "logbuf: --cpu: '%s' is not a list of CPUs like "
		"0,2-5\n", s);
	return -1;
}

int parse_id(const char *opt, const char *s, int32_t *out)
{
	uint64_t v;

	if (parse_size(opt, s, 1, INT32_MAX, &v))
		return -1;
	*out = (int32_t)v;
	return 0;
}
