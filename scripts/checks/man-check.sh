#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check every man page in <dir>/man{1,3,7}: groff renders it without a
# warning (man --warnings) and lexgrog finds its NAME line (what apropos
# and whatis index).  Prints TAP, one result per page.
set -u
dir=${1:-build/man}
pages=$(ls "$dir"/man[137]/*.[137] 2>/dev/null)
[ -n "$pages" ] || { echo "1..1"; echo "not ok 1 no man pages in $dir"; exit 0; }
echo "1..$(echo "$pages" | wc -l)"
i=0
for p in $pages; do
	i=$((i + 1))
	warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$p" 2>&1 >/dev/null)
	idx=$(lexgrog "$p" 2>&1)
	if [ -z "$warn" ] && echo "$idx" | grep -q ': "'; then
		echo "ok $i $(basename "$p")"
	else
		printf '%s\n%s\n' "$warn" "$idx" | sed 's/^/# /'
		echo "not ok $i $(basename "$p")"
	fi
done
