#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build logbuf.ko, the two selftest modules and the example module at W=1 from a copy of the
# sources (the tree's own kmod/ is left alone), against the kernel tree
# <kdir>, and copy the .ko files to <out dir>.  Fails, and prints the build's
# tail, on any warning or error (modpost's included).  With LOGBUF_CHROOT
# set, builds inside that chroot (scripts/setup/chroot.sh) with its compiler;
# <kdir> is then a path inside it.  Extra arguments go to make (LLVM=1).
# Prints the compiler first.
# Usage: kmod-build.sh <out dir> <kdir> [make args...]
set -u
cd "$(dirname "$0")/../.."
out=$1 kdir=$2
shift 2
R=${LOGBUF_CHROOT:-}

src=$R/tmp/logbuf-kbuild-$$
rm -rf "$src"
mkdir -p "$src/examples"
cp -r kmod include "$src/"
cp -r examples/kmod_producer "$src/examples/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o \
	-name '*.mod*' -o -name Module.symvers -o -name modules.order \) -delete
s=${src#"$R"}
cmd="
	gcc=\$(sed -n 's/^CONFIG_CC_VERSION_TEXT=\"\(.*\)\"/\1/p' $kdir/.config 2>/dev/null)
	echo \"\${gcc:-compiler of $kdir}\" $*
	make -C $kdir M=$s/kmod W=1 $* modules &&
	make -C $kdir M=$s/kmod/tests W=1 $* \
		KBUILD_EXTRA_SYMBOLS=$s/kmod/Module.symvers modules &&
	make -C $kdir M=$s/examples/kmod_producer W=1 $* \
		KBUILD_EXTRA_SYMBOLS=$s/kmod/Module.symvers modules"
if [ -n "$R" ]; then
	mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
	log=$(chroot "$R" sh -c "$cmd" 2>&1)
	rc=$?
	umount "$R/proc"
else
	log=$(sh -c "$cmd" 2>&1)
	rc=$?
fi
echo "$log" | head -n1
warn=$(echo "$log" | grep -iE 'warning|error' | grep -v 'Skipping BTF')
if [ $rc != 0 ] || [ -n "$warn" ]; then
	echo "$log" | tail -n 30
	rm -rf "$src"
	exit 1
fi
mkdir -p "$out"
cp "$src/kmod/logbuf.ko" "$src/kmod/tests/logbuf_testsink.ko" \
	"$src/kmod/tests/logbuf_testprod.ko" \
	"$src/examples/kmod_producer/logbuf_hello.ko" "$out/"
rm -rf "$src"
