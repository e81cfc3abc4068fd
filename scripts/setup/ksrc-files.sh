#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract what logbuf borrows from Debian's linux-source-6.1 tarball into $1
# (default build/ksrc), once: the kselftest harness headers, checkpatch and
# kernel-doc (which renders the library's man pages).
# They are used at build time only and never committed.
set -eu
out=${1:-build/ksrc}
files="tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
scripts/checkpatch.pl
scripts/kernel-doc
scripts/spelling.txt
scripts/const_structs.checkpatch"
have=1
for f in $files; do
	[ -f "$out/$(basename "$f")" ] || have=
done
[ -n "$have" ] && exit 0
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | head -n1)
if [ -z "$tarball" ]; then
	echo "logbuf: no /usr/src/linux-source-*.tar.xz; run scripts/setup/deps.sh" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
patterns=
for f in $files; do
	patterns="$patterns */$f"
done
# shellcheck disable=SC2086
tar -xJf "$tarball" -C "$tmp" --wildcards $patterns
mkdir -p "$out"
for f in $files; do
	cp "$tmp"/*/"$f" "$out/"
done
