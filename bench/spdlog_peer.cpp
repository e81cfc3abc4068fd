// SPDX-License-Identifier: GPL-2.0
/*
 * The in-process peer of event_bench: spdlog's asynchronous logger as its
 * README sets it up (a thread pool, one backend thread), into a null sink
 * so the backend costs the producer nothing but the queue.  The fields are
 * formatted on the caller's thread (spdlog formats before it enqueues);
 * the queue never blocks (overrun_oldest): as the other candidates, a full
 * queue is not a producer's cost.
 */
#include <spdlog/async.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "peers.h"

static std::shared_ptr<spdlog::logger> lg;

int spdlog_peer_init(void)
{
	try {
		spdlog::init_thread_pool(1 << 16, 1);
		lg = spdlog::create_async_nb<spdlog::sinks::null_sink_mt>("bench");
		lg->set_level(spdlog::level::info);
	} catch (...) {
		return -1;
	}
	return 0;
}

int spdlog_peer_log(uint64_t i)
{
	lg->info("a={} b={} c={} d={} e={} f={} g={} h={}", i, i + 1, i + 2,
		 i + 3, i + 4, i + 5, i + 6, (uint32_t)i);
	return 0;
}

void spdlog_peer_fini(void)
{
	lg.reset();
	spdlog::shutdown();
}
