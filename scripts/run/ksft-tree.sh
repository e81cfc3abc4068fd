#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf's selftests as a kernel developer runs them: selftests/ copied
# into the kselftest tree of Debian's linux-source (its tools/testing/
# selftests and what their Makefiles read, extracted into <dir>), then
#	make -C <dir>/tools/testing/selftests TARGETS=logbuf LOGBUF=<logbuf> run_tests
# on the host: the library's tests run, the module's and the tool's SKIP
# (no /dev/logbuf here; the guests run them).  Prints kselftest's TAP.
# Usage: ksft-tree.sh <dir>
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
out=$1
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | head -n1)
[ -n "$tarball" ] || { echo "# no /usr/src/linux-source-*.tar.xz"; exit 1; }
if [ ! -f "$out/tools/testing/selftests/lib.mk" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	tar -xJf "$tarball" -C "$out" --strip-components=1 --wildcards \
		'*/tools/testing/selftests/Makefile' \
		'*/tools/testing/selftests/lib.mk' \
		'*/tools/testing/selftests/kselftest*' \
		'*/tools/testing/selftests/run_kselftest.sh' \
		'*/scripts/subarch.include'
fi
K=$out/tools/testing/selftests
rm -rf "$K/logbuf"
cp -r selftests "$K/logbuf"
echo "# $(basename "$tarball"): make -C tools/testing/selftests TARGETS=logbuf run_tests"
make -s -C "$K" TARGETS=logbuf LOGBUF="$ROOT" >"$out/build.log" 2>&1 || {
	sed 's/^/# /' "$out/build.log" | tail -n 30
	exit 1
}
make -s -C "$K" TARGETS=logbuf LOGBUF="$ROOT" run_tests 2>&1 |
	grep -v '^make'
