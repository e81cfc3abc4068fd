#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# examples/collector.c: two threads' 2 x 50 events, sent by one process and
# printed by another.
. "$(dirname "$0")/lib.sh"
need_module
sock=/tmp/logbuf-example.sock
out=/tmp/logbuf-collector.out
rm -f $sock
"$EX/collector" serve $sock 100 >$out &
pid=$!
for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
"$EX/collector" send $sock 50 || exit 1
wait $pid || exit 1
head -n 3 $out | sed 's/^/# /'
[ "$(grep -Ec ' req_done: status=(200|503) lat_ns=[0-9]+ path="/index.html"$' $out)" = 100 ]
