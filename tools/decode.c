// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * logbuf(1)'s decoding: liblogbuf-trace (lib/trace/), which reads the
 * formats from tracefs and decodes each raw record with libtraceevent.
 * One decoder for the whole run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>
#include <logbuf/trace.h>

#include "decode.h"
#include "stack.h"

static struct logbuf_trace *lt;

static struct logbuf_trace *decoder(void)
{
	if (!lt)
		lt = logbuf_trace_new(NULL);
	return lt;
}

int decode_resolve(char *const *names, int n, uint32_t *ids)
{
	int i, err;

	if (!decoder()) {
		fprintf(stderr, "logbuf: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		err = logbuf_trace_load(lt, names[i], &ids[i]);
		if (err == -EINVAL)
			fprintf(stderr, "logbuf: '%s' is not SYSTEM:EVENT\n",
				names[i]);
		else if (err == -ENOENT)
			fprintf(stderr, "logbuf: no trace event %s (see %s/"
				"available_events)\n", names[i],
				tracefs_tracing_dir() ?: "tracefs");
		else if (err)
			fprintf(stderr, "logbuf: cannot read the format of %s "
				"from tracefs (%s)\n", names[i], strerror(-err));
		if (err)
			return -1;
	}
	return 0;
}

const char *decode_name(uint32_t id, char *buf, size_t size)
{
	if (!decoder()) {
		snprintf(buf, size, "event %u", id);
		return buf;
	}
	return logbuf_trace_name(lt, id, buf, size);
}

void decode_raw(FILE *f, const void *d, size_t len, bool json)
{
	if (!decoder()) {
		fprintf(f, json ? "\"event\":\"unknown\"}\n" :
				  "unknown event\n");
		return;
	}
	logbuf_trace_print(lt, f, d, len, json ? LOGBUF_TRACE_JSON : 0);
	stack_print(f, d, len, json);
	if (json)
		fputs("}\n", f);
}

int decode_field(const void *d, size_t len, const char *field, int64_t *val)
{
	return decoder() && !logbuf_trace_field(lt, d, len, field, val) ?
	       0 : -1;
}

int decode_str(const void *d, size_t len, const char *field, char *buf,
	       size_t size)
{
	return decoder() &&
	       !logbuf_trace_string(lt, d, len, field, buf, size) ? 0 : -1;
}
