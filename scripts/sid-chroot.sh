#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian sid chroot with the newest kernel's headers and image and the
# compiler they were built with (sid's gcc), made once with debootstrap
# from the mirror this machine already uses, cached outside the clone in
# ${LOGBUF_CACHE:-/var/cache/logbuf}/sid.  Refreshed (apt-get upgrade) when
# older than a week.  Prints the chroot's path last.
set -eu
cd "$(dirname "$0")/.."
CACHE=${LOGBUF_CACHE:-/var/cache/logbuf}
ROOTFS=$CACHE/sid
PKGS="gcc make libc6-dev linux-headers-amd64 linux-image-amd64 kmod"

[ "$(id -u)" = 0 ] || { echo "logbuf: the sid chroot needs root" >&2; exit 1; }
command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
mirror=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && /bookworm( |$)/ { print u; exit }' \
	/etc/apt/sources.list.d/debian.sources)
[ -n "$mirror" ] || { echo "logbuf: no Debian mirror configured" >&2; exit 1; }

if [ ! -f "$ROOTFS/.logbuf-ready" ]; then
	rm -rf "$ROOTFS"
	mkdir -p "$CACHE"
	debootstrap --variant=minbase sid "$ROOTFS" "$mirror" >&2
	chroot "$ROOTFS" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS" >&2
	touch "$ROOTFS/.logbuf-ready"
elif [ -n "$(find "$ROOTFS/.logbuf-ready" -mtime +7)" ]; then
	chroot "$ROOTFS" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS" >&2
	touch "$ROOTFS/.logbuf-ready"
fi
echo "$ROOTFS"
