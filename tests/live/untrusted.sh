#!/bin/bash
# Live suite: names that any user picks (a thread's COMM) reach no terminal
# raw. The latency generator, become nobody (latgen -U), names its waiter
# "x\n00:00:00 sshd" (a forged line) and its other threads ESC[2J (clear
# the screen), U+009B (CSI on the Linux console), U+202E and U+2066 (bidi
# overrides) and two bytes that are no UTF-8; its waiter then waits on the
# run queue behind its hog (latgen -f: the hog is the task that ran
# before it), woken by its controller. Every output that
# prints a COMM is checked: the outlier lines with -P, -W and -B, the
# summary's "comm =" and "max" lines (with and without outliers), the
# /metrics page, and JSON.
SUITE=untrusted
. "$(dirname "$0")/lib.sh"

WAITER_NAME=$'x\n00:00:00 sshd'
OTHER_NAME=$'\e[2J\xc2\x9b\xe2\x80\xae\xe2\x81\xa6\xff\xc0'
# the form of man/runqslower-ts.8 (UNTRUSTED NAMES)
WAITER_TEXT='x\x0a00:00:00 sshd'
OTHER_TEXT='\x1b[2J\u009b\u202e\u2066\xff\xc0'

# no_raw_controls FILE...: each FILE is valid UTF-8 and holds no control
# byte but the newline, no DEL, no C1 control, no bidi formatting character
no_raw_controls() {
	python3 - "$@" <<'PY'
import sys
bad = set(range(0x20)) - {0x0a} | set(range(0x7f, 0xa0)) | {0x61c, 0x200e, 0x200f} | \
    set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        sys.exit('%s: not UTF-8 at byte %d: %r' % (path, e.start, data[max(0, e.start - 20):e.start + 20]))
    for i, c in enumerate(text):
        if ord(c) in bad:
            sys.exit('%s: raw U+%04X at character %d: %r' % (path, ord(c), i, text[max(0, i - 30):i + 30]))
PY
}

# quote FILE FIXED [FILE FIXED...]: the first line of each FILE holding
# its FIXED, as a Python byte string: the bytes that reached the output
quote() {
	python3 - "$@" <<'PY'
import sys, os
args = sys.argv[1:]
for path, want in zip(args[::2], args[1::2]):
    lines = [l for l in open(path, 'rb').read().split(b'\n') if os.fsencode(want) in l]
    print('note: %s: %r' % (path, lines[0] if lines else None))
PY
}

# has FILE FIXED WHAT: FILE holds the fixed string FIXED
has() {
	grep -qF -- "$2" "$1" || { cat "$1"; fail "$3: no '$2' in $1"; }
}

t_untrusted_names() {
	local text_pid json_pid metrics_pid t
	start_latgen_paused gen -U -d 30 -f -n 10 -i 300 -N "$WAITER_NAME" -A "$OTHER_NAME"
	# the names were written by nobody, without a capability
	for t in /proc/"$latgen_pid"/task/*; do
		[ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "$t/status")" = 65534655346553465534 ] ||
			fail "thread $t is not nobody's: $(grep '^Uid:' "$t/status")"
		[ "$(awk '/^CapEff:/ { print $2 }' "$t/status")" = 0000000000000000 ] ||
			fail "thread $t has capabilities: $(grep '^CapEff:' "$t/status")"
	done
	[ "$(cat /proc/"$latgen_pid"/task/"$waiter_tid"/comm)" = "$WAITER_NAME" ] ||
		fail "the waiter is not named: $(od -c /proc/"$latgen_pid"/task/"$waiter_tid"/comm)"
	start_tracer text -P -W -B 2 -s --by comm -p "$latgen_pid" 10ms
	text_pid=$tracer_pid
	start_tracer json -j -P -W -B 2 -s --by comm -p "$latgen_pid" 10ms
	json_pid=$tracer_pid
	start_exporter metrics -s --by comm --no-outliers -p "$latgen_pid"
	metrics_pid=$tracer_pid
	release_latgen
	for _ in $(seq 300); do
		grep -q '^wait_us=' gen.out && break
		sleep 0.1
	done
	grep -q '^wait_us=' gen.out || { cat gen.err; fail "the generator made no wait in 30 s"; }
	scrape_until "$port" 'comm="x' page
	waiting_exit "$latgen_bg" 60
	[ "$exit_rc" = 0 ] || { cat gen.err; fail "latgen exited $exit_rc"; }
	stop_tracer "$text_pid"
	stop_tracer "$json_pid"
	stop_tracer "$metrics_pid"
	quote text.out "$waiter_tid " metrics.out "($WAITER_TEXT" page 'comm="x' \
		json.out "\"tid\":$waiter_tid,"
	no_raw_controls text.out json.out metrics.out page || fail "a raw control reached the output"
	! grep -q '^00:00:00 sshd' text.out metrics.out || fail "a forged line reached the output"

	# the outliers: COMM, PREV COMM, WAKER COMM, RAN INSTEAD
	has text.out "$WAITER_TEXT $waiter_tid " "the waiter's COMM"
	has text.out "$OTHER_TEXT $hog_tid " "PREV COMM"
	has text.out "$OTHER_TEXT $controller_tid " "WAKER COMM"
	has text.out "$OTHER_TEXT[$hog_tid]=" "RAN INSTEAD"
	# the summaries: with outliers and without
	has text.out "comm = $WAITER_TEXT" "the summary's key"
	grep -F ", max " text.out | grep -qF "($WAITER_TEXT $waiter_tid)" ||
		{ cat text.out; fail "no summary max line names the waiter as $WAITER_TEXT"; }
	grep -F ", max " metrics.out | grep -qF "($WAITER_TEXT $waiter_tid)" ||
		{ cat metrics.out; fail "no --no-outliers summary max line names the waiter as $WAITER_TEXT"; }
	# the page: the label in the exposition format, its \ doubled
	has page "comm=\"${WAITER_TEXT//\\/\\\\}\"" "the /metrics label"
	# JSON: valid, and the names a parser gets back are the names, the
	# bytes that are no UTF-8 as U+FFFD
	python3 - json.out "$waiter_tid" "$hog_tid" "$controller_tid" "$WAITER_NAME" "$WAITER_TEXT" <<'PY' ||
import json, sys, os
path, waiter, hog, ctl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wname, wtext = sys.argv[5], sys.argv[6]
other = '\x1b[2J\u009b\u202e\u2066\ufffd\ufffd'
seen = set()
for line in open(path, encoding='utf-8'):
    r = json.loads(line)
    if r['type'] == 'event' and r['tid'] == waiter:
        assert r['comm'] == wname, r
        seen.add('comm')
        if r['prev_tid'] == hog:
            assert r['prev_comm'] == other, r
            seen.add('prev_comm')
        if r['waker_tid'] == ctl:
            assert r['waker_comm'] == other, r
            seen.add('waker_comm')
        for b in r['blame']:
            if b['tid'] == hog:
                assert b['comm'] == other, r
                seen.add('blame')
    if r['type'] == 'summary' and r.get('key') == wtext:
        assert r['max']['comm'] == wname, r
        seen.add('summary')
want = {'comm', 'prev_comm', 'waker_comm', 'blame', 'summary'}
if seen != want:
    sys.exit('JSON: no record with %s' % sorted(want - seen))
PY
		{ cat json.out; fail "JSON does not give the names back"; }
	grep -qF '\u001b[2J\u009b\u202e\u2066\ufffd\ufffd' json.out || fail "JSON: the escapes are not in the line"
	# each ends when the generator has gone, and says so
	for f in text.err json.err metrics.err; do
		[ -z "$(stderr_besides_missed "$f" '^runqslower-ts: process [0-9]+ has exited$')" ] ||
			{ cat "$f"; fail "unexpected lines on stderr: $f"; }
	done
}

test_case ROOT,BTF,MULTICPU,CMD_python3,CMD_curl "names that any user picks reach no terminal raw: outliers, -W, -B, summaries, /metrics, JSON" t_untrusted_names
test_done
