#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# logbuf(1)'s conventions, on the host (no module needed): --help to stdout
# with status 0, --version, help COMMAND, plain errors with status 2 for bad
# numbers and unknown commands, --opt=value, --json before or after the
# command, and dump (text and --json) of
# a file in the format trace -o writes.  Prints TAP.
set -u
cd "$(dirname "$0")/../.."
T=${1:-build/tools/logbuf}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# shellcheck source=scripts/lib/tap-lib.sh
. scripts/lib/tap-lib.sh
t() { tap_check "$@"; }
status() {	# expected status, command...: and its stderr says why
	local want=$1
	shift
	"$@" >"$W/out" 2>"$W/err"
	[ $? = "$want" ] || { cat "$W/err"; return 1; }
}

# Two records as trace -o writes them: a 4-byte length, then the record.
python3 - "$W/raw.bin" <<'PY'
import struct, sys
fn = b"/bin/true"
# struct logbuf_ev: ts_ns, type, size, cpu, pid, tgid; then old_pid, filename_len
ev = struct.pack("<QHHIII", 1500000000, 2, 32 + len(fn), 1, 42, 42) + \
     struct.pack("<II", 41, len(fn)) + fn
bad = b"\x01\x02\x03"
with open(sys.argv[1], "wb") as f:
    for r in (ev, bad):
        f.write(struct.pack("<I", len(r)) + r)
PY

echo "1..18"
t help_to_stdout_status_0 sh -c "$T --help | grep -q '^usage: logbuf'"
t version sh -c "$T --version | grep -q '^logbuf [0-9]*\.[0-9]*\.[0-9]* (liblogbuf '"
t help_each_command sh -c "for c in trace log list stat dump help; do $T help \$c | grep -q \"usage: logbuf .*\$c\" || exit 1; $T \$c --help >/dev/null || exit 1; done"
t duration_not_a_number status 2 $T trace exec --duration abc
t duration_message sh -c "grep -q \"duration: 'abc' is not a positive number\" $W/err"
t duration_equals_form_parsed status 2 $T trace exec --duration=0
t ring_size_suffix_checked sh -c "! $T log --ring-size 3k 2>&1 | grep -qv 'out of range\|usage\|help log'"
t wakeup_not_a_duration status 2 $T trace exec --wakeup 5x
t wakeup_message sh -c "grep -q \"wakeup: '5x' is not a duration\" $W/err"
t wakeup_out_of_range status 2 $T trace exec --wakeup=11s
t wakeup_not_with_a_flight_recorder status 2 $T trace exec -F 1M -w 1ms
t unknown_command status 2 $T frobnicate
t unknown_event status 2 $T trace nosuchevent -d 1
t dump_text sh -c "$T dump $W/raw.bin >$W/dump 2>/dev/null && grep -q 'cpu1 .* 42 exec /bin/true old_pid=41' $W/dump && grep -q 'malformed record of 3 bytes' $W/dump"
t dump_json sh -c "$T --json dump $W/raw.bin | python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; assert r[0][\"event\"]==\"exec\" and r[0][\"filename\"]==\"/bin/true\" and r[0][\"pid\"]==42 and r[1][\"malformed\"]==3, r'"
# The global options among the command's own, as a new user types them.
t json_after_the_command sh -c "$T dump $W/raw.bin --json | python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; assert r[0][\"event\"]==\"exec\" and r[1][\"malformed\"]==3, r'"
t help_after_the_command sh -c "$T dump --json --help | grep -q 'usage: logbuf .*dump'"
t dump_cut_short sh -c "head -c 20 $W/raw.bin >$W/cut.bin; $T dump $W/cut.bin >/dev/null 2>$W/err; test \$? = 1 && grep -q 'cut short' $W/err"
