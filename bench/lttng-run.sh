#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command with an LTTng session recording logbuf_bench:event, for
# event_bench's LTTng-UST peer: a session daemon of our own (its own
# LTTNG_HOME, so nothing of the machine's is touched), a per-UID channel
# of 4 x 1 MiB, the event enabled and started.  A snapshot session: its
# buffers are overwritten in memory and nothing goes to disk, so the consumer daemon takes no CPU from
# the producers (event_bench's own drain also throws events away).
# Afterwards the session is destroyed and the daemon killed.
# Without lttng-sessiond the command runs without a session (and
# event_bench leaves LTTng-UST out).
# Usage: bench/lttng-run.sh <command> [args]
set -u
if ! command -v lttng-sessiond >/dev/null || ! command -v lttng >/dev/null; then
	echo "# lttng-run: lttng-tools not installed, no session" >&2
	exec "$@"
fi
W=$(mktemp -d /tmp/logbuf-lttng.XXXXXX)
export LTTNG_HOME=$W
# The application waits for the daemon's registration before main().
export LTTNG_UST_REGISTER_TIMEOUT=3000
pid=
# shellcheck disable=SC2317  # (the EXIT trap)
cleanup() {
	lttng stop logbuf-bench >/dev/null 2>&1
	lttng destroy logbuf-bench >/dev/null 2>&1
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
lttng-sessiond --no-kernel >"$W/sessiond.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	lttng list >/dev/null 2>&1 && break
	sleep 0.1
done
ok=1
lttng create logbuf-bench --snapshot --output="$W/trace" >/dev/null &&
	lttng enable-channel -u ch --subbuf-size=1M --num-subbuf=4 >/dev/null &&
	lttng enable-event -u -c ch 'logbuf_bench:event' >/dev/null &&
	lttng start >/dev/null || ok=0
if [ $ok = 0 ]; then
	echo "# lttng-run: could not set up a session:" >&2
	tail -n 5 "$W/sessiond.log" >&2
fi
"$@"
exit $?
