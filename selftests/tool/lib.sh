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
# The tool with "$@" in the background ($tool_pid), its standard output
# into $out_file, until it says that its events are on: a program started
# after this returns is traced, however long the attach took (seconds on a
# debug kernel).  1 if it never says so.
trace_bg() {
	out_file=$(mktemp)
	err_file=$(mktemp)
	timeout 120 "$TOOL" "$@" >"$out_file" 2>"$err_file" &
	tool_pid=$!
	for _ in $(seq 900); do
		grep -q "logbuf: tracing" "$err_file" && return 0
		kill -0 "$tool_pid" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# /' "$err_file"
	return 1
}
