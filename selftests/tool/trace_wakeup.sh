#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf trace --wakeup: the tool parks in epoll between rounds and is
# woken by the rings' policy; with a long bound (2 s) and with none (0) a
# program started while it traces still shows up before it stops.
. "$(dirname "$0")/lib.sh"
need_root
for w in 2s 0; do
	trace_bg trace exec --wakeup "$w" --duration 3 || exit 1
	/bin/true
	wait "$tool_pid" || exit 1
	out=$(cat "$out_file")
	echo "# --wakeup $w: $(echo "$out" | grep -c ' exec ') exec events"
	echo "$out" | grep -Eq ' exec (/usr)?/bin/true ' || exit 1
done
