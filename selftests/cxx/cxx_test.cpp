// SPDX-License-Identifier: GPL-2.0
/*
 * liblogbuf from C++: the public header compiles as C++11 and later (g++
 * and clang++), and the hot path works: claim/commit/read/release, a batch
 * with a callback, and a channel between two std::threads.  Prints TAP.
 */
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <logbuf.h>

static int failures, ran;

static void check(bool ok, const char *what)
{
	ran++;
	if (!ok)
		failures++;
	std::printf("%sok %d %s\n", ok ? "" : "not ", ran, what);
}

static int sum_cb(void *ctx, const void *data, size_t len)
{
	*static_cast<size_t *>(ctx) += len + *static_cast<const unsigned char *>(data);
	return 0;
}

int main()
{
	std::printf("1..5\n");

	struct logbuf_ring *r = logbuf_ring_new(4096, LOGBUF_RING_MPSC);
	struct logbuf_producer *p = r ? logbuf_producer_new(r) : nullptr;
	struct logbuf_consumer *c = r ? logbuf_consumer_new(r) : nullptr;
	void *w = nullptr;
	const void *d = nullptr;
	size_t len = 0, sum = 0;
	bool ok = p && c && !logbuf_claim(p, 5, &w);

	if (ok) {
		std::memcpy(w, "hello", 5);
		logbuf_commit(p);
		ok = !logbuf_read(c, &d, &len) && len == 5 &&
		     !std::memcmp(d, "hello", 5);
		logbuf_release(c);
		ok = ok && logbuf_read(c, &d, &len) == -EAGAIN;
	}
	check(ok, "claim_commit_read_release");

	ok = p && c;
	for (int i = 1; ok && i <= 3; i++)
		ok = !logbuf_write(p, "\x01\x02\x03", i);
	ok = ok && logbuf_consume(c, sum_cb, &sum, 0) == 3 &&
	     sum == 1 + 1 + 2 + 1 + 3 + 1;
	check(ok, "consume_batch_with_callback");
	logbuf_consumer_free(c);
	logbuf_producer_free(p);
	logbuf_ring_free(r);

	logbuf_ring_opts ropts = {};
	ropts.sz = sizeof(ropts);
	ropts.flags = LOGBUF_RING_MPSC;
	r = logbuf_ring_new_opts(4096, &ropts);
	check(r && logbuf_ring_flags(r) == LOGBUF_RING_MPSC,
	      "ring_new_opts_value_initialized");
	logbuf_ring_free(r);

	struct logbuf_sender *tx = nullptr;
	struct logbuf_receiver *rx = nullptr;
	const int n = 20000;
	std::atomic<int> sent(0);

	/* The options macro, as C++ programs write it. */
	LOGBUF_OPTS(logbuf_channel_opts, copts, .flags = LOGBUF_RING_MPSC);
	ok = !logbuf_channel_new_opts(1 << 16, &copts, &tx, &rx);
	if (ok) {
		std::thread producer([&] {
			for (int i = 0; i < n; i++) {
				std::string msg = "msg " + std::to_string(i);

				if (logbuf_send(tx, msg.data(), msg.size()))
					break;
				sent++;
			}
			logbuf_sender_free(tx);
		});
		int got = 0;

		for (;;) {
			int err = logbuf_recv(rx, &d, &len, 2000);

			if (err)
				break;
			std::string want = "msg " + std::to_string(got);
			if (len != want.size() || std::memcmp(d, want.data(), len))
				break;
			got++;
		}
		producer.join();
		ok = got == n && sent == n;
		logbuf_receiver_free(rx);
	}
	check(ok, "channel_between_std_threads_in_order");

	/* Claiming with a claim open aborts it: the C semantics, from C++. */
	r = logbuf_ring_new(4096, 0);
	p = r ? logbuf_producer_new(r) : nullptr;
	c = r ? logbuf_consumer_new(r) : nullptr;
	ok = p && c && !logbuf_claim(p, 8, &w) && !logbuf_claim(p, 3, &w);
	if (ok) {
		std::memcpy(w, "abc", 3);
		logbuf_commit(p);
		ok = !logbuf_read(c, &d, &len) && len == 3;
	}
	check(ok, "second_claim_aborts_the_first");
	logbuf_consumer_free(c);
	logbuf_producer_free(p);
	logbuf_ring_free(r);
	std::printf("# %d of %d failed\n", failures, ran);
	return failures ? 1 : 0;
}
