#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The public header defines nothing outside logbuf's namespace: every macro
# that #include <logbuf.h> adds to what its own system includes define
# starts with LOGBUF_, _LOGBUF_, __logbuf_, logbuf_ (logbuf_emit) or
# _UAPI_LINUX_LOGBUF.  Checked for C (gcc) and C++ (g++).  Prints TAP.
set -u
cd "$(dirname "$0")/../.."
base='#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>
#include <linux/types.h>
#include <linux/ioctl.h>'

macros() {	# compiler, language, source
	echo "$3" | $1 -dM -E -Ilib/include -Iinclude -Iinclude/uapi -x "$2" - |
		awk '{ sub(/\(.*/, "", $2); print $2 }' | sort -u
}

echo "1..2"
i=0
for cc in "gcc c" "g++ c++"; do
	set -- $cc
	i=$((i + 1))
	foreign=$(comm -13 <(macros "$1" "$2" "$base") \
			   <(macros "$1" "$2" '#include <logbuf.h>') |
		  grep -vE '^(LOGBUF_|_LOGBUF_|__logbuf_|logbuf_|_UAPI_LINUX_LOGBUF)')
	if [ -z "$foreign" ]; then
		echo "ok $i logbuf.h_defines_only_its_own_names_in_$2"
	else
		echo "$foreign" | sed 's/^/# foreign: /'
		echo "not ok $i logbuf.h_defines_only_its_own_names_in_$2"
	fi
done
