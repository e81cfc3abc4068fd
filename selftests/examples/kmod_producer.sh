#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# examples/kmod_producer: the reader prints its ring's id, then what the
# module (logbuf_hello.ko: $LOGBUF_HELLO_KO) writes into it: 100 records.
. "$(dirname "$0")/lib.sh"
need_module
need_root
KO=${LOGBUF_HELLO_KO:-$(dirname "$0")/../../examples/kmod_producer/logbuf_hello.ko}
[ -f "$KO" ] || skip "no logbuf_hello.ko: set LOGBUF_HELLO_KO"
rc=0
exec 3< <(timeout 60 "$EX/hello_reader" 30)
read -r line <&3 || exit 1
id=${line#ring }
insmod "$KO" ring="$id" count=100 || rc=1
n=$(grep -c '^hello [0-9]* from the kernel$' <&3)
exec 3<&-
echo "# ring $id: $n records of 100"
dmesg | grep 'logbuf_hello:' | tail -n 1 | sed 's/^/# /'
rmmod logbuf_hello || rc=1
[ "$n" = 100 ] && [ $rc = 0 ]
