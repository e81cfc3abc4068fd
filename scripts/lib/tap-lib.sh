# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the check scripts and vm-guest.sh: framed TAP for
# scripts/lib/tap.awk.

die() {	# message: a set-up step failed; say so and count one failure
	echo "logbuf: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

frame() {	# name, command...: a test program's TAP, framed
	local name=$1 rc
	shift
	echo "### BEGIN $name"
	"$@" 2>&1
	rc=$?
	echo "### END $name rc=$rc"
}

one_result() {	# name, exit status, output, the status that means skipped
	local name=$1 rc=$2 out=$3 skip=$4
	echo "### BEGIN $name"
	echo "1..1"
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ]; then
		echo "ok 1 $name"
	elif [ "$rc" = "$skip" ]; then
		echo "ok 1 $name # SKIP"
	else
		echo "not ok 1 $name"
	fi
	echo "### END $name rc=0"
}

single() {	# name, command...: a check with one result
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	one_result "$name" "$rc" "$out" none
}

kselftest() {	# name, program: a kselftest program's exit status (4: skip)
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	one_result "$name" "$rc" "$out" 4
}

# Inside a TAP program: test number $tap_n + 1, named $1, is the command
# $2...; its last output lines are shown on failure.
tap_n=0
tap_check() {
	local name=$1 out
	shift
	tap_n=$((tap_n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $tap_n $name"
	else
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/# /'
		echo "not ok $tap_n $name"
	fi
}

# In a guest script: run the script again with its output also written to
# <out dir>/<log> (the console can lose its tail when the guest powers
# off), then exit with its status.  Call as: tee_self <out dir> <log> "$0" "$@"
tee_self() {
	local out=$1 log=$2 rc
	shift 2
	export LOGBUF_VM_LOGGING=1
	"$@" 2>&1 | tee "$out/$log"
	rc=${PIPESTATUS[0]}
	sync
	exit "$rc"
}
