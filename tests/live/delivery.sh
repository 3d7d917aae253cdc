#!/bin/bash
# Live suite: from the ring buffer to stdout. A reader on a pipe sees a
# wait promptly; a full ring buffer's losses are counted and reported, and
# wake a stopped reader once; a reader that goes away (a closed pipe,
# | head) ends the run quietly with status 0; a signal while stdout is
# blocked still prints every wait read, a second one ends it at once.
SUITE=delivery
. "$(dirname "$0")/lib.sh"

t_prompt_output() {
	# a reader on a pipe sees the line while the tracer keeps running
	"$RQS" 10000 2> rqs.err > >(cat > piped.out) &
	bg_pids+=($!)
	for _ in $(seq 100); do grep -q '^TIME ' piped.out && break; sleep 0.1; done
	grep -q '^TIME ' piped.out || fail "header not seen through the pipe: $(cat rqs.err)"
	run_latgen gen -d 20 -n 1 -i 0
	for i in $(seq 20); do
		[ -n "$(lats_of piped.out "$waiter_tid")" ] && break
		sleep 0.05
	done
	[ -n "$(lats_of piped.out "$waiter_tid")" ] || fail "the wait was not on the pipe 1 s after it ended"
	note "line seen through the pipe within $((i * 50)) ms of the wait"
}

t_closed_pipe() {
	set +e
	timeout 20 "$RQS" 0 2> err | head -3 > out
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 0 ] || fail "exit $rc when the reader closed the pipe"
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	[ "$(wc -l < out)" = 3 ] || fail "head saw $(wc -l < out) lines"
}

t_lost_events_reported() {
	# a stopped reader lets the 256 KiB ring buffer fill with every wait (0)
	start_tracer rqs 0
	kill -STOP "$tracer_pid"
	"$SLEEPERS" -n 200 -r 40000 -t 2 > /dev/null
	kill -CONT "$tracer_pid"
	sleep 2
	stop_tracer "$tracer_pid"
	grep -E '^runqslower-ts: [0-9]+ events lost: ring buffer full$' rqs.err ||
		fail "no periodic loss line: $(cat rqs.err)"
	grep -E '^runqslower-ts: [0-9]+ events lost in all: ring buffer full$' rqs.err ||
		fail "no loss total at exit: $(cat rqs.err)"
	note "$(grep 'in all' rqs.err)"
}

t_ringbuf_wakeup_once() {
	# a stopped reader: the ring buffer goes past half full, where the
	# report that crosses the mark wakes the reader, and none after it;
	# rbwakes counts this ring buffer's wakeups alone
	local wakes
	start_tracer rqs --stats 0
	kill -STOP "$tracer_pid"
	"$TOP/build/rbwakes" -p "$tracer_pid" -d 3000 > wakes.out 2> wakes.err &
	wakes=$!
	bg_pids+=($wakes)
	sleep 0.3
	"$SLEEPERS" -n 200 -r 40000 -t 2 > /dev/null
	wait "$wakes" || fail "rbwakes: $(cat wakes.err)"
	kill -CONT "$tracer_pid"
	sleep 0.5
	stop_tracer "$tracer_pid"
	emitted=$(sed -n 's/^stats: events: emitted=\([0-9]*\) lost_ringbuf=\([0-9]*\)$/\1 \2/p' rqs.err)
	set -- $emitted
	wakeups=$(sed -n 's/^wakeups=//p' wakes.out)
	note "reader stopped for 2 s: $1 events in the ring buffer, $2 lost, the ring buffer woke its readers $wakeups times"
	[ "${1:-0}" -gt 1000 ] && [ "${2:-0}" -gt 0 ] || fail "the ring buffer did not fill: $(cat rqs.err)"
	# the first report after the stop may find the reader caught up (the
	# kernel's own wakeup), then the one crossing half full
	[ -n "$wakeups" ] && [ "$wakeups" -le 3 ] || fail "the ring buffer woke its readers ${wakeups:-?} times while the stopped reader's buffer filled"
}

t_head_high_threshold() {
	# head exits after the header: the tool must notice at once, not at
	# the next line it writes (none comes at a one-hour threshold)
	local start end rc
	start=$(date +%s%N)
	set +e
	timeout 10 "$RQS" 3600000000 2> err | head -2 > out
	rc=${PIPESTATUS[0]}
	set -e
	end=$(date +%s%N)
	[ "$rc" = 0 ] || fail "exit $rc after head exited"
	[ "$(wc -l < out)" = 2 ] || fail "head saw: $(cat out)"
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	[ $(((end - start) / 1000000)) -lt 5000 ] || fail "took $(((end - start) / 1000000)) ms"
	note "'$(basename "$RQS") 3600000000 | head -2' ended in $(((end - start) / 1000000)) ms (start-up included)"
}

# blocked_in_write PID: its output pipe is full and it waits in write()
blocked_in_write() {
	case $(cat /proc/"$1"/wchan 2>/dev/null) in
	pipe_write | anon_pipe_write) return 0 ;; # the latter on newer kernels
	*) return 1 ;;
	esac
}

# start_blocked NAME: the tool, every wait, writing into a FIFO that this
# shell holds open (fd 3) and does not read, with wakeups going on, until
# the tool is stuck in write(); $blocked_pid
start_blocked() {
	mkfifo "$1.fifo"
	"$RQS" --stats 0 > "$1.fifo" 2> "$1.err" &
	blocked_pid=$!
	bg_pids+=($blocked_pid)
	exec 3< "$1.fifo"
	"$SLEEPERS" -n 50 -r 2000 -t 4 > /dev/null &
	bg_pids+=($!)
	for _ in $(seq 100); do blocked_in_write "$blocked_pid" && break; sleep 0.1; done
	blocked_in_write "$blocked_pid" || fail "not blocked in write: $(cat /proc/$blocked_pid/wchan): $(cat "$1.err")"
}

t_blocked_output_sigint() {
	# Ctrl-C while stdout is blocked: every wait taken from the ring
	# buffer is still printed once the reader reads, status 0
	start_blocked rqs
	kill -INT "$blocked_pid"
	sleep 1
	if kill -0 "$blocked_pid" 2>/dev/null; then still=yes; else still=no; fi
	cat <&3 > rqs.out
	exec 3<&-
	waiting_exit "$blocked_pid" 10
	bg_pids=()
	[ $exit_rc = 0 ] || fail "exit $exit_rc"
	printed=$(($(wc -l < rqs.out) - 2))
	emitted=$(sed -n 's/^stats: events: emitted=\([0-9]*\) .*/\1/p' rqs.err)
	note "blocked in write at SIGINT; still running 1 s later: $still; emitted=$emitted, lines printed $printed; $(grep 'lost in all' rqs.err || echo 'no events lost')"
	[ -n "$emitted" ] || fail "no stats: $(cat rqs.err)"
	[ "$printed" = "$emitted" ] || fail "emitted $emitted waits, printed $printed"
	[ "$emitted" -gt 1000 ] || fail "only $emitted waits: the pipe cannot have been full"
}

t_blocked_output_second_signal() {
	# a second signal ends it at once, killed by that signal, with a line
	start_blocked rqs
	kill -INT "$blocked_pid"
	sleep 0.3
	kill -INT "$blocked_pid"
	for _ in $(seq 30); do kill -0 "$blocked_pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$blocked_pid" 2>/dev/null && fail "still running 3 s after a second SIGINT"
	exit_rc=0
	wait "$blocked_pid" || exit_rc=$?
	bg_pids=()
	cat <&3 > /dev/null
	exec 3<&-
	[ $exit_rc = 130 ] || fail "exit status $exit_rc, expected 130 (killed by SIGINT)"
	grep -qx 'runqslower-ts: second signal: exiting at once, waits not yet written are lost' rqs.err ||
		fail "stderr: $(cat rqs.err)"
}

# loss_kinds FILE: per kind of loss line in FILE (its words before the
# colon, less " in all"), "KIND|LINES|SUM|TOTAL": the lines before the
# total, their counts' sum, and the total ("" if none)
loss_kinds() {
	awk '/^runqslower-ts: [0-9]+ [a-z]/ && !/ hash map entries left / {
		k = $0; sub(/^runqslower-ts: [0-9]+ /, "", k); sub(/:.*/, "", k)
		if (k !~ / (lost|dropped|not recorded)( in all)?$/) next
		if (sub(/ in all$/, "", k)) tot[k] = $2; else { n[k]++; s[k] += $2 }
		seen[k] = 1
	} END { for (k in seen) print k "|" n[k] + 0 "|" s[k] + 0 "|" tot[k] }' "$1"
}

t_exporter_loss_lines_paced() {
	# 400 threads woken together 5 times a second against a 64-entry hash
	# map lose wakeups every second. An exporter that prints no waits says
	# so once, then not again within the minute (the default pace), and at
	# exit the rest and the total: its lines add up to the total, which is
	# the metric's counter. A tracer printing waits alongside says it every
	# second, as before. -p: only the load's threads, and a keeper that
	# never wakes, so nothing is lost once the load is over.
	local keeper load page=0 prev=-1 control ctl_lines kind lines sum total
	sleep 600 &
	keeper=$!
	bg_pids+=($keeper)
	"$SLEEPERS" -n 400 -r 2000 -b -w 50 -t 5 -S > load.out 2> load.err &
	load=$!
	bg_pids+=($load)
	stopped_within "$load" 30
	start_tracer ctl -m hash --hash-entries 64 -p "$load,$keeper" 3600000000
	control=$tracer_pid
	start_exporter exp -m hash --hash-entries 64 -p "$load,$keeper" --no-outliers
	kill -CONT "$load"
	wait "$load" || fail "sleepers failed: $(cat load.err)"
	# the counter once it has stopped moving (a page is up to 1 s old)
	for _ in $(seq 20); do
		sleep 1.1
		curl -s -o page.txt --max-time 10 "http://127.0.0.1:$port/metrics" || fail "no page from port $port"
		page=$(sed -n 's/^runqslower_ts_wakeups_not_recorded_total //p' page.txt)
		[ -n "$page" ] || fail "no runqslower_ts_wakeups_not_recorded_total: $(head -5 page.txt)"
		[ "$page" = "$prev" ] && [ "$page" -gt 0 ] && break
		prev=$page
	done
	stop_tracer "$tracer_pid"
	stop_tracer "$control"
	ctl_lines=$(grep -c '^runqslower-ts: [0-9]* wakeups not recorded: ' ctl.err || true)
	note "$(cat load.out); the metric's counter: $page; printing tracer: $ctl_lines lines of wakeups not recorded"
	[ "$ctl_lines" -ge 3 ] || fail "the load lost wakeups in only $ctl_lines reports of the printing tracer: $(cat ctl.err)"
	loss_kinds exp.err > kinds
	grep -q '^wakeups not recorded|' kinds || fail "no wakeups not recorded: $(cat exp.err)"
	while IFS='|' read -r kind lines sum total; do
		note "exporter: $kind: $lines lines summing to $sum, total ${total:-none}"
		[ -n "$total" ] || fail "$kind: no total at exit: $(cat exp.err)"
		[ "$lines" -ge 1 ] && [ "$lines" -le 2 ] ||
			fail "$kind: $lines lines in a run shorter than a minute (the first, and the rest at exit): $(cat exp.err)"
		[ "$sum" = "$total" ] || fail "$kind: the lines add up to $sum, the total is $total: $(cat exp.err)"
	done < kinds
	[ "$(sed -n 's/^wakeups not recorded|.*|//p' kinds)" = "$page" ] ||
		fail "total $(sed -n 's/^wakeups not recorded|.*|//p' kinds), the metric's counter $page"
	# hash mode says at exit how many entries exited threads left (the
	# load's threads end with wakeups pending): a fact, not an error
	[ -z "$(stderr_besides_missed exp.err 'wakeups not recorded|^runqslower-ts: process [0-9]+ has exited$|^runqslower-ts: [0-9]+ hash map entries left by exited threads \([0-9]+ entries in use\)$')" ] ||
		fail "stderr: $(cat exp.err)"
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "output reaches a pipe reader promptly" t_prompt_output
test_case ROOT,BTF "a closed pipe ends it quietly with status 0" t_closed_pipe
test_case ROOT,BTF,MULTICPU "lost events are counted and reported" t_lost_events_reported
test_case ROOT,BTF,MULTICPU "the ring buffer wakes a stopped reader once, not at every report" t_ringbuf_wakeup_once
test_case ROOT,BTF "| head with a high threshold: ends at once, status 0" t_head_high_threshold
test_case ROOT,BTF,MULTICPU,CMD_curl "an exporter's loss lines: paced, adding up to the metric" t_exporter_loss_lines_paced
test_case ROOT,BTF,MULTICPU "SIGINT while stdout is blocked: every wait printed, status 0" t_blocked_output_sigint
test_case ROOT,BTF,MULTICPU "a second signal while stdout is blocked ends it at once" t_blocked_output_second_signal
test_done
