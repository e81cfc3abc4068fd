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
 * @uid: the uid that created the ring, so that a reader of the trace knows
 *	who wrote each line (anybody who may open /dev/logbuf can).
 * @len: payload length.
 * @data: the payload, at most LOGBUF_TRACE_MAX bytes of it.  Printed with
 *	every non-printable byte escaped (%pE: \n, \t, \ooo): a payload can
 *	never start a line of its own in the trace, nor pass for another event.
 *	The raw bytes stay in the binary record (trace_pipe_raw).
 */
TRACE_EVENT(logbuf_record,
	TP_PROTO(u64 ring, u32 uid, const void *data, u32 len),
	TP_ARGS(ring, uid, data, len),
	TP_STRUCT__entry(
		__field(u64, ring)
		__field(u32, uid)
		__field(u32, len)
		__dynamic_array(char, data, min_t(u32, len, LOGBUF_TRACE_MAX))
	),
	TP_fast_assign(
		__entry->ring = ring;
		__entry->uid = uid;
		__entry->len = len;
		memcpy(__get_dynamic_array(data), data,
		       min_t(u32, len, LOGBUF_TRACE_MAX));
	),
	TP_printk("ring=%llu uid=%u len=%u %*pE", __entry->ring, __entry->uid,
		  __entry->len,
		  (int)min_t(u32, __entry->len, LOGBUF_TRACE_MAX),
		  __get_dynamic_array(data))
);

#endif /* _LOGBUF_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
