# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the examples' tests: the examples built by `make examples`
# ($LOGBUF_EXAMPLES, or logbuf's build/examples) and kselftest's exit codes.
KSFT_SKIP=4
EX=${LOGBUF_EXAMPLES:-$(dirname "$0")/../../build/examples}
TRACEFS=/sys/kernel/tracing
skip() {
	echo "# SKIP $*"
	exit $KSFT_SKIP
}
[ -x "$EX/channel_demo" ] || skip "no examples: set LOGBUF_EXAMPLES"
need_module() {
	[ -e /dev/logbuf ] || skip "no /dev/logbuf: modprobe logbuf"
}
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	mountpoint -q $TRACEFS || mount -t tracefs nodev $TRACEFS 2>/dev/null
}
