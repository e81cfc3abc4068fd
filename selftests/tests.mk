# SPDX-License-Identifier: GPL-2.0
#
# Every test logbuf has, listed once.  selftests/Makefile builds them, the
# top Makefile's `make tests` asks it to, scripts/run/check.sh and the guest's
# runner (scripts/run/vm-guest.sh) read these lists with
# `make -s -C selftests print-<LIST>`.

# On the host: the library's kselftest-harness tests (lib/)...
LIB_TESTS	:= ring_test chan_test stress_test opts_test clock_test ow_test \
		   trace_test tracer_test
# ... those that race threads, again under ThreadSanitizer ...
TSAN_TESTS	:= stress_test chan_test ow_test tracer_test
# ... and all of them under AddressSanitizer + UBSan.
ASAN_TESTS	:= $(LIB_TESTS)

# In the guests, with the module loaded: its kselftest-harness tests (kmod/),
# as root ...
KMOD_TESTS	:= abi_test mmap_test xproc_test poll_test adversary_test \
		   recovery_test kcons_test kprod_test sink_test tp_test \
		   percpu_test events_test flight_test preempt_test \
		   visibility_test lifecycle_test hostile_test tevent_test \
		   collect_test wakeup_test stack_test
# ... those whose peers are whoever may open /dev/logbuf, again as uid 65534 ...
NOBODY_TESTS	:= hostile_test collect_test wakeup_test
# ... and the programs they run (not tests themselves).
KMOD_HELPERS	:= fill_kcons

# In the guests, programs of their own (kselftest's exit codes: 0 pass,
# 1 fail, 4 skip): the logbuf command as a user runs it ...
TOOL_TESTS	:= tool/log.sh tool/collect.sh tool/trace_exec.sh \
		   tool/trace_wakeup.sh tool/trace_raw_and_dump.py \
		   tool/trace_not_itself.py tool/trace_per_cpu.py tool/trace_any_event.py \
		   tool/trace_filters.py tool/trace_perfetto.py \
		   tool/trace_flight_recorder.py tool/trace_filter_expr.py \
		   tool/list.py tool/stat.py tool/usage_error.sh \
		   tool/trace_probes.py tool/trace_probes_cleanup.py \
		   tool/trace_loss.py tool/trace_hotplug.py tool/trace_stacks.py
# ... the programs they trace: a known call chain with a USDT probe, built
# as Debian builds (no frame pointers) and with frame pointers ...
TOOL_HELPERS	:= probe_chain probe_chain_fp
# ... and the examples, as their comments say.
EXAMPLE_TESTS	:= examples/channel_demo.sh examples/xproc_ring.sh \
		   examples/ftrace_log.sh examples/collector.sh \
		   examples/kmod_producer.sh

print-%:
	@echo $($*)
