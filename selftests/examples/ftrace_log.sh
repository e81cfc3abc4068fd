#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# examples/ftrace_log.c: the first run declares the event; the second is
# traced, filtered on a field: 20 of its 25 steps.
. "$(dirname "$0")/lib.sh"
need_module
need_root
ev=$TRACEFS/events/synthetic/ftrace_log
"$EX/ftrace_log" 1 || exit 1
echo 'step > 5' >"$ev/filter" && echo 1 >"$ev/enable" || exit 1
echo >"$TRACEFS/trace"
"$EX/ftrace_log" 25 || exit 1
n=$(grep -Ec 'ftrace_log: pid=[0-9]+ tid=[0-9]+ step=([6-9]|1[0-9]|2[0-5]) steps=25 text=a line from ftrace_log$' \
	"$TRACEFS/trace")
echo 0 >"$ev/enable"
echo 0 >"$ev/filter"
grep ftrace_log: "$TRACEFS/trace" | tail -n 1 | sed 's/^/# /'
echo "# $n trace events of the 20 the filter lets through"
[ "$n" = 20 ] && [ "$(grep -c ftrace_log: "$TRACEFS/trace")" = 20 ]
