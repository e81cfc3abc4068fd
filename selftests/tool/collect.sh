#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf log -c into logbuf collect, both as uid 65534: every line, in
# order, with the sender's pid, and the socket is gone at the end.
. "$(dirname "$0")/lib.sh"
need_root
sock=/tmp/logbuf-collect.sock
out=/tmp/logbuf-collect.out
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
rm -f $sock
$nobody timeout 60 "$TOOL" collect $sock -n 3 >$out &
pid=$!
for _ in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
printf 'one\ntwo "quoted"\nthree\n' |
	$nobody timeout 60 "$TOOL" log -c $sock -e applog || exit 1
wait $pid || exit 1
sed 's/^/# /' $out
[ "$(wc -l <$out)" = 3 ] &&
	sed -n 1p $out | grep -Eq '^[0-9]+\.[0-9]{9} [0-9]+/[0-9]+ applog: line=1 text="one"$' &&
	sed -n 2p $out | grep -q 'line=2 text="two \\"quoted\\""$' &&
	sed -n 3p $out | grep -q 'line=3 text="three"$' &&
	[ ! -e $sock ]
