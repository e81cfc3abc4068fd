#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under virtme-ng (QEMU emulation, no KVM needed, no terminal)
# and run scripts/run/vm-guest.sh in it with the modules already built in kmod/
# and kmod/tests/ (or those in $LOGBUF_MODULES).  Prints the guest's framed TAP; a guest that did not
# boot or did not finish adds one failure.
# Usage: vm-run.sh <kernel image> <memory> <timeout s> [VAR=value ...]
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build
image=$1 mem=$2 limit=$3
shift 3

# The guest also writes its results into the build directory (--rwdir,
# seen in the guest as /tmp/logbuf-out): the console can lose its tail.
# Its logs are $LOGBUF_VM_NAME-{guest,console,dmesg}.log (default vm-):
# two guests may run at once, each on a host core of its own.
name=${LOGBUF_VM_NAME:-vm}
rm -f "$B/$name-guest.log"
# The modules: built in the tree, or all four in $LOGBUF_MODULES.
if [ -n "${LOGBUF_MODULES:-}" ]; then
	mods=$LOGBUF_MODULES
	sink=$mods/logbuf_testsink.ko
	tprod=$mods/logbuf_testprod.ko
	hello=$mods/logbuf_hello.ko
else
	mods=$ROOT/kmod
	sink=$ROOT/kmod/tests/logbuf_testsink.ko
	tprod=$ROOT/kmod/tests/logbuf_testprod.ko
	hello=$ROOT/examples/kmod_producer/logbuf_hello.ko
fi
# The guest's lists of tests: selftests/tests.mk's.
for l in KMOD_TESTS NOBODY_TESTS TOOL_TESTS EXAMPLE_TESTS; do
	echo "$l=\"$(make -s -C "$ROOT/selftests" LOGBUF="$ROOT" "print-$l")\""
done >"$B/selftests.env"
# The kernel's console (-v) goes to the console log too, errors and worse
# only (loglevel=4): a guest that stalls says why there (hung tasks, soft
# lockups, RCU stalls), even when its shared directory stopped taking
# writes.
#
# One host thread runs both vCPUs (thread=single).  With QEMU 7.2's
# multi-threaded TCG, a guest that patches its own kernel text (every
# trace event enabled or disabled goes through text_poke_bp()) can execute
# a stale translation of the int3 it has already removed: 6.12 died with
# "Oops: int3" in ttwu_do_activate() while kcons_test disabled an event,
# and a 6.1 PREEMPT_RT guest stalled at the same kind of step.  Round-robin
# TCG sees each code write before the other vCPU runs again.
# shellcheck disable=SC2086
timeout "$limit" vng --disable-kvm -r "$image" --cpus 2 --memory "$mem" \
	-v --append loglevel=4 ${LOGBUF_VNG_OPTS:-} \
	--rwdir="/tmp/logbuf-out=$B" --exec \
	"LOGBUF_VM_NAME=$name $* $ROOT/scripts/run/vm-guest.sh $B $mods/logbuf.ko $sink $tprod $hello /tmp/logbuf-out" \
	"--qemu-opts=-accel tcg,thread=single" \
	</dev/null >"$B/$name-console.log" 2>&1
rc=$?
if grep -q '^### BEGIN taint_clean' "$B/$name-guest.log" 2>/dev/null; then
	cat "$B/$name-guest.log"
else
	cat "$B/$name-console.log"
	printf '### BEGIN vm/completed\n1..1\n# vng exited %s\nnot ok 1 vm/completed\n### END vm/completed rc=0\n' "$rc"
fi
