#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf trace exec: a program started while it traces shows up.
. "$(dirname "$0")/lib.sh"
need_root
( sleep 1; /bin/true ) &
out=$(timeout 60 "$TOOL" trace exec --duration 3) || exit 1
wait
echo "$out" | grep ' exec ' | head -n 3 | sed 's/^/# /'
echo "$out" | grep -Eq ' exec (/usr)?/bin/true '
