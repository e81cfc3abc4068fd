/* SPDX-License-Identifier: GPL-2.0 */
/* The logbuf trace system: records drained by the kernel consumer. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM logbuf

#if !defined(_LOGBUF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LOGBUF_TRACE_H

#include <linux/tracepoint.h>

/* Longest payload copied into one trace event; len tells the whole size. */
#define LOGBUF_TRACE_MAX	2048

/*
 * logbuf:logbuf_record - one record from a kernel-consumer ring
 * @ring: ring id (LOGBUF_IOC_INFO).
 * @len: payload length.
 * @data: the payload, at most LOGBUF_TRACE_MAX bytes of it, printed as text.
 */
TRACE_EVENT(logbuf_record,
	TP_PROTO(u64 ring, const void *data, u32 len),
	TP_ARGS(ring, data, len),
	TP_STRUCT__entry(
		__field(u64, ring)
		__field(u32, len)
		__dynamic_array(char, data, min_t(u32, len, LOGBUF_TRACE_MAX))
	),
	TP_fast_assign(
		__entry->ring = ring;
		__entry->len = len;
		memcpy(__get_dynamic_array(data), data,
		       min_t(u32, len, LOGBUF_TRACE_MAX));
	),
	TP_printk("ring=%llu len=%u %.*s", __entry->ring, __entry->len,
		  (int)min_t(u32, __entry->len, LOGBUF_TRACE_MAX),
		  (const char *)__get_dynamic_array(data))
);

#endif /* _LOGBUF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
