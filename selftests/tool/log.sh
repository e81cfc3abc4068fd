#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf log: each line of standard input a typed event in ftrace.  The
# first run declares the event; the second is traced: two lines, then one of
# 2,500 bytes that goes as three events of line 3, nothing cut.
. "$(dirname "$0")/lib.sh"
need_root
ev=$TRACEFS/events/synthetic/logbuf_log
echo global >"$TRACEFS/trace_clock"
timeout 60 "$TOOL" log </dev/null || exit 1
echo 1 >"$ev/enable" || exit 1
echo >"$TRACEFS/trace"
{ printf 'hello from logbuf log\nsecond line\n'
  head -c 2500 /dev/zero | tr '\0' x; echo; } |
	timeout 60 "$TOOL" log || exit 1
out=$(cat "$TRACEFS/trace")
echo 0 >"$ev/enable"
echo "$out" | grep 'logbuf_log:' | cut -c 1-160 | sed 's/^/# /'
echo "$out" | grep -Eq 'logbuf_log: pid=[0-9]+ tid=[0-9]+ line=1 text=hello from logbuf log$' &&
	echo "$out" | grep -q ' line=2 text=second line$' &&
	[ "$(echo "$out" | grep ' line=3 text=' | sed 's/.* text=//' |
	     tr -d '\n' | tr -cd x | wc -c)" = 2500 ]
