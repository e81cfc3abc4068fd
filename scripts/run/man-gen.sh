#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages: one per public function of liblogbuf, rendered from the
# kernel-doc comments of lib/include/logbuf.h by the kernel's kernel-doc
# (extracted into build/ksrc), into section 3; and the hand-written
# logbuf(1) and logbuf(7) from man/.  Usage: scripts/run/man-gen.sh <out dir>
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build/man}
KDOC=build/ksrc/kernel-doc
[ -f "$KDOC" ] || scripts/setup/ksrc-files.sh build/ksrc
version=$(sed -n 's/^#define LOGBUF_VERSION_STRING\t"\(.*\)"/\1/p' \
	include/logbuf/version.h)
date=$(git log -1 --format=%cs -- lib/include/logbuf.h 2>/dev/null || true)
[ -n "$date" ] || date=$(date +%F)

# Every exported function (the version scripts), the inline hot path and
# the logbuf_emit() macro;
# liblogbuf-trace's from its own header.
funcs="$(sed -n 's/^\t\t\(logbuf_[a-z_]*\);/\1/p' lib/liblogbuf.map)
logbuf_claim logbuf_commit logbuf_abort logbuf_write logbuf_read
logbuf_release logbuf_emit"
tfuncs="$(sed -n 's/^\t\t\(logbuf_[a-z_]*\);/\1/p' lib/trace/liblogbuf-trace.map)"

rm -rf "$out"
mkdir -p "$out/man1" "$out/man3" "$out/man7"
page() {
	local f=$1 hdr=$2 inc=$3 lib=$4
	# Only the function's page (a struct of the same name has its own).
	perl "$KDOC" -man -function "$f" "$hdr" 2>"$out/kdoc.err" |
	awk -v f="$f" '/^\.TH / { keep = ($2 == "\"" f "\"") } keep' |
	sed -e "s/^\.TH \"$f\" 9 .*/.TH \"$f\" 3 \"$date\" \"$lib $version\" \"liblogbuf Manual\"/" \
	    -e "/^\.SH SYNOPSIS/a .B #include <$inc>\n.sp" \
	    >"$out/man3/$f.3"
	if [ -s "$out/kdoc.err" ] || ! grep -q '^\.SH NAME' "$out/man3/$f.3"; then
		cat "$out/kdoc.err" >&2
		echo "logbuf: no kernel-doc for $f" >&2
		exit 1
	fi
	printf '.SH "SEE ALSO"\n.BR logbuf (7)\n' >>"$out/man3/$f.3"
}
for f in $funcs; do
	page "$f" lib/include/logbuf.h logbuf.h liblogbuf
done
for f in $tfuncs; do
	page "$f" lib/include/logbuf/trace.h logbuf/trace.h liblogbuf-trace
done
rm -f "$out/kdoc.err"
cp man/logbuf.1 "$out/man1/"
cp man/logbuf.7 "$out/man7/"
