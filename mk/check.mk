# SPDX-License-Identifier: GPL-2.0
#
# Tests and benchmarks: the test programs (selftests/ lists and builds
# them), make check and the longer runs, the benchmarks.

$(B)/tsan/liblogbuf.a: $(wildcard lib/src/*.c lib/src/*.h) $(HDRS)
	$(MAKE) -C lib O=$(B)/tsan CC=clang CFLAGS="-O1 -g -fsanitize=thread"

$(B)/asan/liblogbuf.a: $(wildcard lib/src/*.c lib/src/*.h) $(HDRS)
	$(MAKE) -C lib O=$(B)/asan CC=clang CFLAGS="$(SANFLAGS)"

# Every test program, from selftests/ (tests.mk lists them), each set in a
# directory of its own: host tests plain, under TSan, under ASan + UBSan,
# C++, the fuzzer, and the module's tests (run in the guests).  The tool's
# and the examples' tests are scripts of selftests/; they run what
# `make tools examples` builds.
ST	:= $(MAKE) -C selftests LOGBUF=$(CURDIR)
tests: lib lib-trace tools examples $(HARNESS)/kselftest_harness.h \
       $(B)/tsan/liblogbuf.a $(B)/asan/liblogbuf.a
	+$(ST) host OUTPUT=$(B)/tests LIBOUT=$(B)
	+$(ST) guest OUTPUT=$(B)/selftests LIBOUT=$(B)
	+$(ST) cxx OUTPUT=$(B)/cxx LIBOUT=$(B)
	+$(ST) tsan OUTPUT=$(B)/tsan LIBOUT=$(B)/tsan CC=clang \
		SANFLAGS="-O1 -fsanitize=thread"
	+$(ST) asan OUTPUT=$(B)/asan LIBOUT=$(B)/asan CC=clang \
		SANFLAGS="$(SANFLAGS)"
	+$(ST) fuzz OUTPUT=$(B)/fuzz CC=clang SANFLAGS="$(SANFLAGS)"

# A minute, as make check runs it; "make fuzz" runs FUZZ_SECONDS.  New
# inputs go to build/fuzz/corpus; the committed seeds are read only.
fuzz-short: FUZZ_SECONDS = 60
fuzz fuzz-short: $(HARNESS)/kselftest_harness.h
	+$(ST) fuzz OUTPUT=$(B)/fuzz SANFLAGS="$(SANFLAGS)" CC=clang
	@mkdir -p $(B)/fuzz/corpus
	cd $(B)/fuzz && ./ring_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		corpus $(CURDIR)/selftests/fuzz/corpus

check:
	scripts/run/check.sh

# Every selftest and hostile test on a 6.1 kernel with KASAN, lockdep & co.
check-debug:
	scripts/run/check-debug.sh

# The module at W=1 against sid's newest kernel (in a sid chroot), booted.
check-newest:
	scripts/run/check-newest.sh

bench:
	scripts/setup/deps.sh bench
	$(MAKE) lib
	$(MAKE) -C bench O=$(B) CC=$(CC)
	$(B)/bench/logbuf_bench --json $(B)/bench.json
	$(B)/bench/seed_bench --json $(B)/bench-seed.json
	$(B)/bench/manycpu_model --json $(B)/bench-manycpu.json
	bench/lttng-run.sh $(B)/bench/event_bench

# The kernel paths against BPF ring buffer, trace_marker and pipe, one boot.
bench-kernel:
	scripts/run/bench-kernel.sh
