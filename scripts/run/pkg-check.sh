#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as a user gets them: `make deb`, then a virtme-ng
# guest of kernel image <image> installs them (scripts/run/pkg-guest.sh; the
# guest's /usr, /etc and /var are throw-away overlays).  Prints framed TAP;
# a build or a guest that did not finish counts one failure.
# Usage: pkg-check.sh <kernel image> [<timeout s>]
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=$ROOT/build
image=$1 limit=${2:-2400}
# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh
VERSION=$(sed -n 's/^#define LOGBUF_VERSION_STRING\t"\(.*\)"/\1/p' \
	include/logbuf/version.h)

# One version everywhere: the packages take debian/changelog's.
single packages/version_is_version_h sh -c \
	"dpkg-parsechangelog -S Version | tee /dev/stderr | grep -qx '$VERSION'"
if ! make -s deb >"$B/deb.log" 2>&1; then
	single packages/build sh -c "tail -n 30 '$B/deb.log'; false"
	exit 0
fi
# Debian's checker: no errors (warnings are shown, not failures).
single packages/lintian_errors sh -c \
	"lintian --fail-on error --tag-display-limit 0 $B/deb/logbuf_${VERSION}_amd64.changes"
rm -f "$B/pkg-guest.log"
# As scripts/run/vm-run.sh: the kernel's errors on the console, one TCG thread.
timeout "$limit" vng --disable-kvm -r "$image" --cpus 2 --memory 2G \
	-v --append loglevel=4 --rwdir="/tmp/logbuf-out=$B" --exec \
	"$ROOT/scripts/run/pkg-guest.sh $B/deb $VERSION $ROOT /tmp/logbuf-out" \
	"--qemu-opts=-accel tcg,thread=single" \
	</dev/null >"$B/pkg-console.log" 2>&1
rc=$?
if grep -q '^### END packages' "$B/pkg-guest.log" 2>/dev/null; then
	sed 's/^### \(BEGIN\|END\) packages/&\/guest/' "$B/pkg-guest.log"
else
	tail -n 40 "$B/pkg-console.log"
	single packages/guest_completed sh -c "echo 'vng exited $rc'; false"
fi
