#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a scratch root, then use it as a user would: programs in
# C and C++ built only with `pkg-config --cflags --libs liblogbuf` (shared,
# and --static), run against the installed liblogbuf.so.0, the installed
# command; then make uninstall leaves nothing behind.  Prints TAP.
# Usage: scripts/checks/install-check.sh <scratch dir>
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
S=$(realpath -m "${1:-build/install-check}")
rm -rf "$S"
mkdir -p "$S"
STAGE=$S/root
PREFIX=/usr/local
# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh
t() { tap_check "$@"; }
pc() {
	PKG_CONFIG_SYSROOT_DIR=$STAGE \
	PKG_CONFIG_LIBDIR=$STAGE$PREFIX/lib/pkgconfig pkg-config "$@" liblogbuf
}

cat >"$S/version.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <logbuf.h>
int main(void)
{
	/* The library that runs is the one installed, and says so. */
	if (strcmp(logbuf_version(), LOGBUF_VERSION_STRING) ||
	    !logbuf_check_version(LOGBUF_VERSION_MAJOR, LOGBUF_VERSION_MINOR) ||
	    logbuf_check_version(LOGBUF_VERSION_MAJOR + 1, 0))
		return 1;
	printf("%s\n", logbuf_version());
	return 0;
}
C

cat >"$S/trace.c" <<'C'
#include <errno.h>
#include <logbuf/trace.h>
int main(void)
{
	/* The decoder links and runs; a tracefs without the event says so. */
	struct logbuf_trace *t = logbuf_trace_new("/nonexistent");
	uint32_t id;

	return !t || logbuf_trace_load(t, "sched:sched_switch", &id) != -ENOENT;
}
C
tpc() {
	PKG_CONFIG_SYSROOT_DIR=$STAGE \
	PKG_CONFIG_LIBDIR=$STAGE$PREFIX/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
		pkg-config "$@" liblogbuf-trace
}

echo "1..11"
t install make -s install DESTDIR="$STAGE" PREFIX=$PREFIX
t pkg_config_version sh -c "test \"\$(PKG_CONFIG_SYSROOT_DIR=$STAGE PKG_CONFIG_LIBDIR=$STAGE$PREFIX/lib/pkgconfig pkg-config --modversion liblogbuf)\" = \"\$(sed -n 's/^#define LOGBUF_VERSION_STRING\t\"\(.*\)\"/\1/p' include/logbuf/version.h)\""
t c_program_shared sh -c "cc -std=gnu11 -Wall -Werror -o $S/version $S/version.c $(pc --cflags --libs) &&
	LD_LIBRARY_PATH=$STAGE$PREFIX/lib $S/version &&
	LD_LIBRARY_PATH=$STAGE$PREFIX/lib ldd $S/version | grep -q '$STAGE$PREFIX/lib/liblogbuf.so.0'"
t c_demo_static sh -c "cc -std=gnu11 -Wall -Werror -D_GNU_SOURCE -static -o $S/demo examples/channel_demo.c $(pc --cflags --libs --static) &&
	$S/demo >/dev/null"
t cxx_program_shared sh -c "g++ -std=c++11 -Wall -Werror -o $S/cxx selftests/cxx/cxx_test.cpp $(pc --cflags --libs) -lpthread &&
	LD_LIBRARY_PATH=$STAGE$PREFIX/lib $S/cxx"
t trace_program_shared sh -c "cc -std=gnu11 -Wall -Werror -o $S/trace $S/trace.c $(tpc --cflags --libs) &&
	LD_LIBRARY_PATH=$STAGE$PREFIX/lib $S/trace &&
	LD_LIBRARY_PATH=$STAGE$PREFIX/lib ldd $S/trace | grep -q '$STAGE$PREFIX/lib/liblogbuf-trace.so.0'"
t installed_command sh -c "$STAGE$PREFIX/bin/logbuf frobnicate 2>/dev/null; test \$? = 2"
t man_pages_installed sh -c "test \$(ls $STAGE$PREFIX/share/man/man3/logbuf_*.3 | wc -l) -ge 39 &&
	MANPATH=$STAGE$PREFIX/share/man MANWIDTH=80 man 3 logbuf_claim | grep -q 'claim space for one record' &&
	MANPATH=$STAGE$PREFIX/share/man man 7 logbuf >/dev/null &&
	MANPATH=$STAGE$PREFIX/share/man man 1 logbuf >/dev/null"
t man_check scripts/checks/man-check.sh "$STAGE$PREFIX/share/man"
t uninstall make -s uninstall DESTDIR="$STAGE" PREFIX=$PREFIX
t nothing_left sh -c "test -z \"\$(find $STAGE -type f -o -type l)\""
