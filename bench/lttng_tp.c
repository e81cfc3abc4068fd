// SPDX-License-Identifier: GPL-2.0
/* The LTTng-UST provider of bench/lttng_tp.h, and its one call. */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "lttng_tp.h"

#include "peers.h"

int lttng_peer_enabled(void)
{
	return lttng_ust_tracepoint_enabled(logbuf_bench, event);
}

int lttng_peer_log(uint64_t i)
{
	lttng_ust_tracepoint(logbuf_bench, event, i, i + 1, i + 2, i + 3,
			     i + 4, i + 5, i + 6, (uint32_t)i);
	return 0;
}
