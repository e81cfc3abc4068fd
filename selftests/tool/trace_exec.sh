#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf trace exec: a program started while it traces shows up.
. "$(dirname "$0")/lib.sh"
need_root
trace_bg trace exec --duration 3 || exit 1
/bin/true
wait "$tool_pid" || exit 1
out=$(cat "$out_file")
echo "$out" | grep ' exec ' | head -n 3 | sed 's/^/# /'
echo "$out" | grep -Eq ' exec (/usr)?/bin/true '
