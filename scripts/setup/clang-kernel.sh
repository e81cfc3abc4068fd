#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A 6.1 tree configured and prepared for external modules with clang
# (LLVM=1): Debian's headers are configured for gcc, and clang refuses gcc's
# flags, so the module's clang build needs a tree of its own.  From Debian's
# linux-source-6.1 tarball with Debian's 6.1 config (module signing and BTF
# off: nothing is linked or loaded from it) and its Module.symvers for
# modpost; `make modules_prepare` only, under a minute, once; cached outside
# the clone in ${LOGBUF_CACHE:-/var/cache/logbuf}/linux-6.1-clang.
#
# Prints the tree's path last.  Usage: scripts/setup/clang-kernel.sh
set -eu
cd "$(dirname "$0")/../.."
CACHE=${LOGBUF_CACHE:-/var/cache/logbuf}
TREE=$CACHE/linux-6.1-clang

tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
config=$(ls /boot/config-6.1.*-amd64 | grep -v -- -rt- | sort -V | tail -n1)
want=$(printf '%s\n%s\n%s\n' "$(stat -c '%s %Y' "$tarball")" \
	"$(clang --version | head -n1)" "$(sha256sum <"$config")" |
	sha256sum | cut -c1-16)
if [ -f "$TREE/.logbuf-stamp" ] && [ "$(cat "$TREE/.logbuf-stamp")" = "$want" ]; then
	echo "$TREE"
	exit 0
fi

mkdir -p "$CACHE"
rm -rf "$TREE" "$CACHE/extract-clang"
mkdir -p "$CACHE/extract-clang"
tar -xJf "$tarball" -C "$CACHE/extract-clang"
mv "$CACHE"/extract-clang/linux-source-* "$TREE"
rmdir "$CACHE/extract-clang"
cd "$TREE"
cp "$config" .config
scripts/config --disable MODULE_SIG --disable MODULE_SIG_ALL \
	--set-str MODULE_SIG_KEY "" --set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str SYSTEM_REVOCATION_KEYS "" --disable DEBUG_INFO_BTF \
	--disable DEBUG_INFO_BTF_MODULES
make LLVM=1 olddefconfig >&2
grep -qx 'CONFIG_CC_IS_CLANG=y' .config ||
	{ echo "logbuf: the tree is not configured for clang" >&2; exit 1; }
make LLVM=1 -j"$(nproc)" modules_prepare >&2
# The exported symbols of the kernel this config came from, for modpost.
cp "/usr/src/linux-headers-${config#/boot/config-}/Module.symvers" .
echo "$want" >.logbuf-stamp
echo "$TREE"
