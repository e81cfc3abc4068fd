/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event_bench's peers, each in its own file with its own language and
 * headers: an event of the same fields (seven u64 and a u32) per call.
 */
#ifndef LOGBUF_BENCH_PEERS_H
#define LOGBUF_BENCH_PEERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* LTTng-UST (lttng_tp.c): is a session recording the event? */
int lttng_peer_enabled(void);
int lttng_peer_log(uint64_t i);

/* spdlog's asynchronous logger (spdlog_peer.cpp): 0, or -1 unavailable. */
int spdlog_peer_init(void);
int spdlog_peer_log(uint64_t i);
void spdlog_peer_fini(void);

#ifdef __cplusplus
}
#endif

#endif
