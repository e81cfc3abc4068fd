#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian chroot of another suite with that suite's kernel headers and the
# compiler its kernel was built with, made once with debootstrap from the
# mirror this machine already uses and cached outside the clone in
# ${LOGBUF_CACHE:-/var/cache/logbuf}/<suite>.  Refreshed (apt-get upgrade)
# when older than a week.  Prints the chroot's path last.
#
#   scripts/setup/chroot.sh sid      the newest kernel (headers and image), sid's gcc
#   scripts/setup/chroot.sh trixie   trixie's 6.12 headers and gcc-14
set -eu
cd "$(dirname "$0")/../.."
suite=${1:?usage: chroot.sh <suite>}
CACHE=${LOGBUF_CACHE:-/var/cache/logbuf}
ROOTFS=$CACHE/$suite
PKGS="gcc make libc6-dev linux-headers-amd64 kmod perl"
# make check-newest boots sid's kernel too.
[ "$suite" = sid ] && PKGS="$PKGS linux-image-amd64"

[ "$(id -u)" = 0 ] || { echo "logbuf: the $suite chroot needs root" >&2; exit 1; }
command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
mirror=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && /bookworm( |$)/ { print u; exit }' \
	/etc/apt/sources.list.d/debian.sources)
[ -n "$mirror" ] || { echo "logbuf: no Debian mirror configured" >&2; exit 1; }

in_root() {
	chroot "$ROOTFS" sh -c "DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND; $1" >&2
}

if [ ! -f "$ROOTFS/.logbuf-ready" ]; then
	rm -rf "$ROOTFS"
	mkdir -p "$CACHE"
	debootstrap --variant=minbase "$suite" "$ROOTFS" "$mirror" >&2
	in_root "apt-get install -y -q --no-install-recommends $PKGS"
	touch "$ROOTFS/.logbuf-ready"
elif [ -n "$(find "$ROOTFS/.logbuf-ready" -mtime +7)" ]; then
	in_root "apt-get update -q && apt-get upgrade -y -q &&
		 apt-get install -y -q --no-install-recommends $PKGS"
	touch "$ROOTFS/.logbuf-ready"
elif ! chroot "$ROOTFS" dpkg -s $PKGS >/dev/null 2>&1; then
	in_root "apt-get install -y -q --no-install-recommends $PKGS"
fi
echo "$ROOTFS"
