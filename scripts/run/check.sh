#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test logbuf has.
#   1. install what is missing (scripts/setup/deps.sh all)
#   2. build the library, its tests (plain, ThreadSanitizer, ASan + UBSan),
#      the fuzzer, the module
#   3. static checks: module warning-free at W=1 on every kernel Debian has
#      (6.1, 6.1 PREEMPT_RT, 6.12 with gcc-12 and with gcc-14, sid's newest
#      with sid's gcc) and with clang (LLVM=1) on 6.1; sparse, checkpatch
#   4. library tests on the host, the selftests run from inside a kernel
#      source tree (Debian's linux-source), a minute of fuzzing, the SPIN
#      models
#   5. module selftests and the examples in virtme-ng guests of the 6.1
#      and 6.1 PREEMPT_RT kernels and of sid's newest booted preempt=full,
#      as root and, for the hostile tests and the preemption test, as uid
#      65534
#   6. the Debian packages (make deb, lintian) installed in a 6.1 guest:
#      DKMS builds the module, modprobe loads it, the tool and a pkg-config
#      program run (beside the guests of 5: two lanes, one host core each)
# and ends with the line "N passed, N failed, N skipped" of scripts/lib/tap.awk.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build
LOG=$B/check.log
KSRC=$B/ksrc

# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh

scripts/setup/deps.sh all || die "could not install the dependencies"
mkdir -p "$B"
: >"$LOG"

# The guest boots Debian's 6.1 kernel; the module is built for it.
kver=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | grep -v -- -rt- | sort -V |
	tail -n1)
kver=${kver#/boot/vmlinuz-}
[ -n "$kver" ] || die "no /boot/vmlinuz-6.1.*"
KDIR=/usr/src/linux-headers-$kver
[ -d "$KDIR" ] || die "no $KDIR"

make -s lib tests >"$B/build.log" 2>&1 || {
	cat "$B/build.log"
	die "build failed"
}

# Build the module for $1 at W=1 (and sparse with $2 = C=2); fail on any
# diagnostic.  Leaves the objects of the last build in kmod/.
kmod_build() {
	local kdir=$1 extra=${2:-} out
	make -s -C "$kdir" M="$ROOT/kmod" clean >/dev/null 2>&1
	out=$(make -C "$kdir" M="$ROOT/kmod" W=1 $extra modules 2>&1) || {
		echo "$out"
		return 1
	}
	out=$(echo "$out" | grep -E 'warning:|error:|kmod/.*: ' |
	      grep -v 'Skipping BTF')
	[ -z "$out" ] || { echo "$out"; return 1; }
}

checkpatch() {
	local cp="perl $KSRC/checkpatch.pl --no-tree --terse --show-types -q"
	# Every file of the module but generated ones; the compat header is
	# the one place where version checks belong.
	$cp -f $(ls kmod/*.[ch] kmod/tests/*.[ch] |
		 grep -v -e '\.mod\.c$' -e '/compat\.h$') \
		examples/kmod_producer/logbuf_hello.c \
		include/uapi/linux/logbuf.h include/logbuf/*.h &&
	$cp --ignore LINUX_VERSION_CODE -f kmod/compat.h
}

# A list of selftests/tests.mk.
tests_of() {
	make -s -C selftests LOGBUF="$ROOT" "print-$1"
}

lib_tests() {
	local t
	for t in $(tests_of LIB_TESTS); do
		frame "lib/$t" "$B/tests/$t"
	done
	for t in $(tests_of TSAN_TESTS); do
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$ROOT/selftests/lib/tsan.supp" \
			frame "tsan/$t" "$B/tsan/$t"
	done
	frame cxx/gxx_cxx11 "$B/cxx/cxx11_test"
	frame cxx/clangxx_cxx17 "$B/cxx/cxx17_clang_test"
	frame header/names scripts/checks/header-check.sh
	frame docs/rst scripts/checks/doc-check.sh
	frame tree/layers scripts/checks/layers.py
	frame install/check scripts/checks/install-check.sh "$B/install-check"
	frame man/pages scripts/checks/man-check.sh "$B/man"
	frame cli/conventions scripts/checks/cli-check.sh "$B/tools/logbuf"
	# The benchmarks build, the seed workload's consumer finds every
	# record well-formed, and the many-CPU model's books balance (short
	# windows: checks, not measurements).
	single bench/build_and_check_records sh -c \
		"make -s -C bench O='$B' all kernel && '$B/bench/seed_bench' --rounds 1 --secs 0.05 >/dev/null && '$B/bench/manycpu_model' --secs 0.02 >/dev/null"
	for t in $(tests_of ASAN_TESTS); do
		ASAN_OPTIONS="abort_on_error=0 exitcode=67" \
		UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1 exitcode=68" \
			frame "asan/$t" "$B/asan/$t"
	done
}

# A minute of libFuzzer from the committed seeds; a crash, a leak or a
# timeout (a call that does not return) fails it.
fuzz_short() {
	make -s fuzz-short >"$B/fuzz.log" 2>&1
	local rc=$?
	grep -E '^Done|stat::number_of_executed_units|stat::peak_rss' \
		"$B/fuzz.log"
	[ $rc = 0 ] || tail -n 30 "$B/fuzz.log"
	return $rc
}

# The guest suite on kernel image $1 with the modules in $2 (empty: the
# tree's own, built for 6.1 by `make kmod`), its tests named $3/...; more
# arguments go to the guest's environment.
vm_suite() {
	local image=$1 mods=$2 prefix=$3
	shift 3
	LOGBUF_MODULES=$mods scripts/run/vm-run.sh "$image" 2G 1500 "$@" |
		sed "s,^\(### \(BEGIN\|END\)\) ,\1 $prefix/,"
}

# Guests where defects hide: the oldest kernel (6.1), its PREEMPT_RT build,
# and the newest (sid's) booted preempt=full, where syscall tracepoints run
# their probes preemptible (from 6.13).  6.12 is built above, not booted:
# it is neither the oldest nor preemptible in the way that matters.
#
# A TCG guest runs on one host thread (vm-run.sh), so two lanes run side
# by side on two cores, each guest with logs of its own: the three suites
# (6.1, PREEMPT_RT, the newest) in one, the packages' check (make deb, then
# a guest where DKMS builds the module: the longest single step) in the
# other.  Their results are printed lane after lane, in that order.
vm_lane_a() {
	local R k v
	LOGBUF_VM_NAME=vm-6.1 vm_suite "/boot/vmlinuz-$kver" "" "$kver"
	for k in /boot/vmlinuz-6.1.*-rt-amd64; do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		if [ -f "$B/kmod-$v/logbuf.ko" ]; then
			LOGBUF_VM_NAME=vm-rt vm_suite "$k" "$B/kmod-$v" "$v"
		else
			single "$v/modules" false
		fi
	done
	R=$(scripts/setup/chroot.sh sid 2>/dev/null | tail -n1)
	v=$(ls "$R/lib/modules" 2>/dev/null | sort -V | tail -n1)
	if [ -z "$v" ] || [ ! -f "$R/boot/vmlinuz-$v" ] ||
	   [ ! -f "$B/kmod-$v/logbuf.ko" ]; then
		single newest/preempt_full/modules false
		return
	fi
	# virtme-ng loads the guest kernel's own modules from /lib/modules.
	[ -e "/lib/modules/$v" ] || ln -s "$R/lib/modules/$v" "/lib/modules/$v"
	LOGBUF_VM_NAME=vm-newest LOGBUF_VNG_OPTS="--append preempt=full" \
		vm_suite "$R/boot/vmlinuz-$v" "$B/kmod-$v" "$v-preempt_full" \
		LOGBUF_EXPECT_PREEMPT=full
}

vm_lane_b() {
	scripts/run/pkg-check.sh "/boot/vmlinuz-$kver"
}

vm_tests() {
	make -s -C "$KDIR" M="$ROOT/kmod" clean >/dev/null 2>&1
	make -s kmod KDIR="$KDIR" >"$B/kmod.log" 2>&1 || {
		single vm/build sh -c "cat '$B/kmod.log'; false"
		return
	}
	vm_lane_a >"$B/lane-a.log" 2>&1 &
	vm_lane_b >"$B/lane-b.log" 2>&1
	wait
	cat "$B/lane-a.log" "$B/lane-b.log"
}

# The module for every kernel this machine has or caches; the modules of
# the bootable ones are kept in build/kmod-<version> for their guests.
kmod_all() {
	local kdir v R
	for kdir in /usr/src/linux-headers-6.*-amd64; do
		[ -d "$kdir" ] || continue
		v=${kdir#/usr/src/linux-headers-}
		single "kmod/W=1/$v" scripts/run/kmod-build.sh "$B/kmod-$v" "$kdir"
	done
	R=$(scripts/setup/clang-kernel.sh 2>"$B/clang-kernel.log" | tail -n1)
	if [ -n "$R" ]; then
		single kmod/LLVM=1/6.1 scripts/run/kmod-build.sh "$B/kmod-clang" \
			"$R" LLVM=1
	else
		single kmod/LLVM=1/6.1 sh -c "tail -n 20 '$B/clang-kernel.log'; false"
	fi
	for suite in trixie sid; do
		R=$(scripts/setup/chroot.sh $suite 2>"$B/chroot-$suite.log" | tail -n1)
		if [ -z "$R" ]; then
			single "kmod/W=1/$suite" sh -c "tail -n 20 '$B/chroot-$suite.log'; false"
			continue
		fi
		v=$(ls "$R/usr/src" | sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' |
			sort -V | tail -n1)
		single "kmod/W=1/$v" env LOGBUF_CHROOT="$R" \
			scripts/run/kmod-build.sh "$B/kmod-$v" "/usr/src/linux-headers-$v"
	done
}

{
	echo "# logbuf check on $(uname -n), $(nproc) cpus, guest kernel $kver"
	kmod_all
	single kmod/sparse kmod_build "$KDIR" C=2
	single checkpatch checkpatch
	lib_tests
	frame ksft/in_a_kernel_tree scripts/run/ksft-tree.sh "$B/linux-ksft"
	single fuzz/ring_fuzz_60s fuzz_short
	frame model/spin scripts/checks/model-check.sh "$B/model"
	vm_tests
} 2>&1 | tee "$LOG" | grep -av '^#  *\(RUN\|OK\) '

awk -f scripts/lib/tap.awk "$LOG" | tail -n 1 >"$B/summary"
awk -f scripts/lib/tap.awk "$LOG" | grep '^# ' || true
echo "# make check took $((SECONDS / 60)) min $((SECONDS % 60)) s (budget: 30 min)"
cat "$B/summary"
grep -q ' 0 failed' "$B/summary"
