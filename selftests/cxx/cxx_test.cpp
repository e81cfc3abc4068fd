// SPDX-License-Identifier: GPL-2.0
/*
 * liblogbuf from C++: the public header compiles as C++11 and later (g++
 * and clang++), and the hot path works: claim/commit/read/release, a batch
 * with a callback, a channel between two std::threads, and a typed event
 * through the logbuf_emit() template.  Prints TAP.
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
	std::printf("1..6\n");

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
	/* logbuf_emit() as a template: values and pointers, counted. */
	LOGBUF_OPTS(logbuf_tracer_opts, topts, .flags = LOGBUF_TRACER_HEAP);
	struct logbuf_tracer *t = logbuf_tracer_open(&topts);
	struct logbuf_event *ev = t ? logbuf_event_new(t, "cxx",
					"s16 a; u64 b; char s[]") : nullptr;
	std::string text = "text";
	struct emitted {
		size_t len;
		unsigned char f[32];
	} got = {};
	static const unsigned char want[] = { 0xfe, 0xff, 0, 0, 0, 0, 0, 0,
					      0, 7, 4, 0, 't', 'e', 'x', 't' };

	ok = ev && logbuf_emit(ev, -2, (uint64_t)7 << 56, text.c_str()) == 0 &&
	     logbuf_emit(ev, 1, 2) == -EINVAL &&
	     logbuf_tracer_drain(t, [](void *ctx, const struct logbuf_event *,
				       int32_t, const void *f, size_t len) {
		     struct emitted *e = static_cast<struct emitted *>(ctx);

		     e->len = len;
		     std::memcpy(e->f, f, len < 32 ? len : 32);
		     return 0;
	     }, &got, 10) == 1 &&
	     got.len == sizeof(want) && !std::memcmp(got.f, want, sizeof(want));
	check(ok, "typed_event_through_the_emit_template");
	logbuf_tracer_close(t);
	std::printf("# %d of %d failed\n", failures, ran);
	return failures ? 1 : 0;
}
