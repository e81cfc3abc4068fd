#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the SPIN models of model/: each must verify with no error, and each
# variant that models a defect (the code before its fix, or a step left out)
# must fail, so that the models are known to be able to fail.  Prints TAP.
# Usage: scripts/checks/model-check.sh <work dir>
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
W=${1:-build/model}
mkdir -p "$W"

#	model		defines		expect	what
checks="ring		-		pass	two_mpsc_producers_commit_abort_wrap_batches_parking
ring		-DOLD_BATCH	fail	old_consume_batch_delivers_twice
ring		-DNO_RECHECK	fail	sleep_without_recheck_loses_a_wakeup
drain		-		pass	kernel_drain_delivers_the_last_record
drain		-DOLD_DRAIN	fail	old_kernel_drain_loses_the_last_record
drain		-DBOUND_IS_EMPTY	fail	drain_bound_taken_for_empty_loses_records
overwrite	-		pass	overwrite_producers_stopped_anywhere_never_break_the_ring
overwrite	-DOLD_PASS	fail	old_overwrite_pass_breaks_on_a_newer_laps_bytes
doorbell	-		pass	no_barrier_doorbell_delivers_within_one_slow_tick
doorbell	-DSLEEP_WHEN_ARMED	fail	armed_drain_that_sleeps_strands_a_record"

n=$(echo "$checks" | wc -l)
echo "1..$n"
i=0
while read -r model defs expect what; do
	i=$((i + 1))
	d="$W/$model${defs#-D}"
	mkdir -p "$d"
	[ "$defs" = - ] && defs=
	(
		cd "$d" &&
		cp "$ROOT/model/$model.pml" . &&
		spin $defs -a "$model.pml" >/dev/null &&
		gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c &&
		./pan -m200000 >pan.out 2>&1
	)
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$d/pan.out" | head -n1)
	states=$(sed -n 's/^ *\([0-9e.+]*\) states, stored.*/\1/p' "$d/pan.out")
	echo "# $model $defs: errors ${errors:-?}, ${states:-?} states"
	if [ "$expect" = pass ] && [ "$errors" = 0 ] &&
	   ! grep -q 'max search depth too small' "$d/pan.out"; then
		echo "ok $i $what"
	elif [ "$expect" = fail ] && [ -n "$errors" ] && [ "$errors" != 0 ]; then
		grep -m1 -E 'assertion violated|invalid end state' "$d/pan.out" |
			sed 's/^/# found: /'
		echo "ok $i $what (counterexample found, as it must be)"
	else
		sed 's/^/# /' "$d/pan.out" | tail -n 5
		echo "not ok $i $what"
	fi
done <<<"$checks"
