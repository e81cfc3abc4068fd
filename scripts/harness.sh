#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract kselftest_harness.h and kselftest.h from Debian's linux-source-6.1
# tarball into $1 (default build/kselftest), once.  They are never committed.
set -eu
out=${1:-build/kselftest}
[ -f "$out/kselftest_harness.h" ] && [ -f "$out/kselftest.h" ] && exit 0
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | head -n1)
if [ -z "$tarball" ]; then
	echo "logbuf: no /usr/src/linux-source-*.tar.xz; run scripts/deps.sh" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --wildcards \
	'*/tools/testing/selftests/kselftest_harness.h' \
	'*/tools/testing/selftests/kselftest.h'
mkdir -p "$out"
cp "$tmp"/*/tools/testing/selftests/kselftest_harness.h \
   "$tmp"/*/tools/testing/selftests/kselftest.h "$out/"
