/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LTTng-UST peer of event_bench: one tracepoint with the fields of its
 * typed event (seven u64 and a u32), compiled into the benchmark as an
 * LTTng-UST provider.  Recorded only while a session (bench/lttng-run.sh)
 * has the event enabled.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER logbuf_bench

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./lttng_tp.h"

#if !defined(LOGBUF_LTTNG_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define LOGBUF_LTTNG_TP_H

#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(logbuf_bench, event,
	LTTNG_UST_TP_ARGS(uint64_t, a, uint64_t, b, uint64_t, c, uint64_t, d,
			  uint64_t, e, uint64_t, f, uint64_t, g, uint32_t, h),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, a, a)
		lttng_ust_field_integer(uint64_t, b, b)
		lttng_ust_field_integer(uint64_t, c, c)
		lttng_ust_field_integer(uint64_t, d, d)
		lttng_ust_field_integer(uint64_t, e, e)
		lttng_ust_field_integer(uint64_t, f, f)
		lttng_ust_field_integer(uint64_t, g, g)
		lttng_ust_field_integer(uint32_t, h, h)
	)
)

#endif /* LOGBUF_LTTNG_TP_H */

#include <lttng/tracepoint-event.h>
