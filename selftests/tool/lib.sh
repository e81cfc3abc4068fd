# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the tool's shell tests: logbuf(1) ($LOGBUF_TOOL, or the one
# built in logbuf's tree) and kselftest's exit codes (4: skipped).
KSFT_SKIP=4
TOOL=${LOGBUF_TOOL:-$(dirname "$0")/../../build/tools/logbuf}
TRACEFS=/sys/kernel/tracing
skip() {
	echo "# SKIP $*"
	exit $KSFT_SKIP
}
[ -x "$TOOL" ] || skip "no logbuf tool: set LOGBUF_TOOL"
[ -e /dev/logbuf ] || skip "no /dev/logbuf: modprobe logbuf"
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	mountpoint -q $TRACEFS || mount -t tracefs nodev $TRACEFS 2>/dev/null
}
