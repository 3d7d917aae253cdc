#!/bin/bash
# Live suite: the waits it reports. Each is checked against the latency
# generator's own measure of the waits it made (TID, latency, the task that
# ran before, the switch-in time), against perf sched timehist, and against
# --stats' counters; a wakeup of a task still on its CPU starts none; the
# userspace is valgrind-clean.
SUITE=basic
. "$(dirname "$0")/lib.sh"

t_reports_generated_wait() {
	start_tracer rqs 10000
	run_latgen gen -d 30 -n 5
	sleep 0.3
	stop_tracer "$tracer_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	# COMM is the task that waited (the generator names it), not current
	awk -v tid="$waiter_tid" 'NR > 2 && $3 == tid && $2 != "waiter" { exit 1 }' rqs.out ||
		fail "COMM of waiter lines is not 'waiter': $(grep -w "$waiter_tid" rqs.out)"
}

t_nothing_below_threshold() {
	start_tracer rqs 10000
	run_latgen gen -d 4 -n 5
	sleep 0.3
	stop_tracer "$tracer_pid"
	awk 'NR > 2 && $4 <= 10000 { print; bad = 1 } END { exit bad }' rqs.out ||
		fail "a wait at or below the threshold was printed"
	# a busy machine can keep the waiter queued over 10 ms (a round, its
	# start, the quit): only as long as the kernel saw it wait
	within_run_delay gen.out rqs.out "$waiter_tid"
	note "$(($(wc -l < rqs.out) - 2)) other waits over 10 ms seen system-wide, none below"
}

t_previous_names_hog() {
	start_tracer rqs -P 10000
	# -f: a SCHED_FIFO waiter runs before fair tasks woken during the spin
	run_latgen gen -d 25 -n 5 -f
	sleep 0.3
	stop_tracer "$tracer_pid"
	head -2 rqs.out | tail -1 | grep -q 'PREV COMM *PREV TID$' || fail "no PREV columns in header"
	# the generated waits (others of the waiter, on a busy machine, aside)
	match_waits gen.out rqs.out "$waiter_tid"
	lines=$(cat match.lines)
	rounds=$(wc -l < match.lines)
	# a stop-class task (migration/N) may still come between them, rarely
	hog_rounds=$(awk -v hog="$hog_tid" '$5 == "hog" && $6 == hog' <<<"$lines" | wc -l)
	[ "$hog_rounds" -ge $((rounds - 1)) ] && [ "$hog_rounds" -ge 3 ] ||
		fail "PREV is the hog ($hog_tid) in $hog_rounds of $rounds rounds: $lines"
	awk -v w="$waiter_tid" '$6 == w || $6 !~ /^[0-9]+$/ { exit 1 }' <<<"$lines" ||
		fail "PREV TID is the waiter itself or not a TID: $lines"
	note "PREV was the hog in $hog_rounds of $rounds rounds"
}

t_perf_sched_agrees() {
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
	start_tracer rqs 10000
	perf sched record -o perf.data -- "$LATGEN" -d 30 -n 4 > gen.out 2> perf.err ||
		{ cat perf.err; fail "perf sched record failed"; }
	stop_tracer "$tracer_pid"
	parse_latgen gen.out
	perf sched timehist -i perf.data -t "$waiter_tid" 2> /dev/null > timehist.txt
	# columns: time cpu task[tid] wait sch-delay run: the waiter's delays
	awk '$5 ~ /^[0-9.]+$/ { printf "%d\n", $5 * 1000 }' timehist.txt > perf.delays
	# the tool's lines for the generated waits (on a busy machine the
	# waiter waits at other times too, and both tools see those)
	match_waits gen.out rqs.out "$waiter_tid"
	[ -s match.lines ] || fail "no generated wait matched: $(cat rqs.out)"
	# each has its own delay in perf's view, within 1% + 100 us
	awk 'FNR == NR { p[++n] = $1; next }
		{
			t = $4 + 0; best = -1
			for (i = 1; i <= n; i++) {
				if (used[i]) continue
				d = p[i] - t; if (d < 0) d = -d
				if (d <= p[i] / 100 + 100 && (best < 0 || d < bd)) { best = i; bd = d }
			}
			if (best < 0) { print "FAIL: tool " t " us: no sch delay of perf sched timehist within 1% + 100 us"; bad = 1; next }
			used[best] = 1
			print "note: perf sched timehist sch delay " p[best] " us, tool " t " us, diff " bd " us"
		}
		END { exit bad }' perf.delays match.lines > perf.cmp
	cat perf.cmp
	grep -q '^FAIL' perf.cmp && { cat timehist.txt; return 1; }
	return 0
}

t_stats_match_events() {
	# --stats turns the kernel's BPF statistics on for its own run only
	# (an fd of BPF_ENABLE_STATS): the sysctl reads as before after it
	local stats_before
	stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled)
	start_tracer rqs --stats 1000
	run_latgen gen -d 5 -n 5
	sleep 0.3
	stop_tracer "$tracer_pid"
	printed=$(($(wc -l < rqs.out) - 2))
	grep -q "^stats: events: emitted=$printed lost_ringbuf=0$" rqs.err ||
		fail "emitted count does not match $printed printed lines: $(cat rqs.err)"
	grep -q "^stats: waits: over_threshold=$printed$" rqs.err ||
		fail "BPF's count of waits over the threshold is not the $printed printed: $(cat rqs.err)"
	for p in sched_switch sched_wakeup; do
		grep -qE "^stats: prog: $p runs=[1-9][0-9]* run_ns=[1-9][0-9]* ns_per_run=[0-9.]+$" rqs.err ||
			fail "no sane stats for $p: $(cat rqs.err)"
	done
	grep -qE '^stats: memory: bytes=[1-9][0-9]* map=[0-9]+ per_task=[1-9][0-9]* tasks=[1-9][0-9]* prefilled=[1-9][0-9]*$' rqs.err ||
		fail "no task storage memory line: $(cat rqs.err)"
	[ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = "$stats_before" ] ||
		fail "BPF stats left enabled (kernel.bpf_stats_enabled was $stats_before before)"
	[ "$stats_before" = 0 ] || note "kernel.bpf_stats_enabled was on before the tool started (another program): whether the tool turns it off again is not seen"
	note "$(grep 'prog: sched_switch' rqs.err)"
}

t_valgrind_clean() {
	valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$TOP/tests/live/valgrind.supp" \
		"$RQS" -P --stats 1000 > out 2> err &
	vg=$!
	bg_pids+=($vg)
	for _ in $(seq 400); do grep -q '^TIME ' out && break; sleep 0.1; done
	grep -q '^TIME ' out || fail "did not start under valgrind: $(cat err)"
	run_latgen gen -d 5 -n 3
	kill -INT $vg
	wait $vg || fail "valgrind exit $?: $(grep -v '^stats:' err)"
	bg_pids=()
	! grep -q '^==' err || fail "valgrind reports: $(grep '^==' err | head)"
}

t_wakeup_on_cpu_starts_no_wait() {
	# pingpong's threads are woken in place, still on their CPU, then sleep
	# 300 ms: a wait started at such a wakeup would be kept by the next one
	# and reported as about 300 ms longer than the kernel's run_delay of
	# that next wakeup, which pingpong reads around the sleep (a busy
	# machine can make the real wait itself long: only that much is allowed)
	start_tracer rqs --time=mono 100000
	"$TOP/build/pingpong" -z 300 -H 3 > pp.out 2> pp.err || fail "pingpong: $(cat pp.err)"
	sleep 0.3
	stop_tracer "$tracer_pid"
	note "$(grep '^done' pp.out)"
	grep -q '^done .* hits=3 ' pp.out || fail "no 3 in-place wakeups: $(tail -1 pp.out)"
	[ "$(grep -c '^hit ' pp.out)" -ge 3 ] || fail "no run_delay around the sleeps: $(cat pp.out)"
	while read -r _ tid from to delay; do
		tid=${tid#tid=} from=${from#from_mono_us=} to=${to#to_mono_us=} delay=${delay#run_delay_us=}
		read -r sum lines < <(awk -v t="$tid" -v a="$from" -v b="$to" 'NR > 2 && $3 == t {
			sub(/\./, "", $1); if ($1 + 0 >= a && $1 + 0 <= b) { s += $4; n++ } } END { print s + 0, n + 0 }' rqs.out)
		note "thread $tid slept after an in-place wakeup: run_delay $delay us, reported $lines waits over 100 ms, $sum us"
		[ "$lines" = 0 ] || run_delay_bound "$sum" "$lines" "$delay" ||
			fail "thread $tid: a wait of $sum us over its sleep after an in-place wakeup, the kernel saw $delay us: $(awk -v t="$tid" 'NR > 2 && $3 == t' rqs.out)"
	done < <(grep '^hit ' pp.out)
}

t_timestamps() {
	# TIME is when the task ran, not when the line was printed: against
	# the waiter's own clock readings right after it ran
	start_tracer mono --time=mono 10ms
	mono_pid=$tracer_pid
	TZ=UTC start_tracer wall -T 10ms
	wall_pid=$tracer_pid
	run_latgen gen -d 20 -n 3 -i 50
	sleep 0.3
	stop_tracer "$mono_pid"
	stop_tracer "$wall_pid"
	mapfile -t want_mono < <(sed -n 's/^wait_us=.* ran_mono_us=\([0-9]*\).*/\1/p' gen.out)
	mapfile -t want_real < <(sed -n 's/^wait_us=.* ran_real_us=\([0-9]*\).*/\1/p' gen.out)
	head -2 wall.out | tail -1 | grep -q '^TIME            COMM' || fail "-T header: $(head -2 wall.out)"
	head -2 mono.out | tail -1 | grep -q '^TIME(s)         COMM' || fail "--time=mono header: $(head -2 mono.out)"
	# the waiter's lines of the generated waits, each with its round (a
	# round whose switch-in no tracer saw has none, as the tool counted)
	for f in mono wall; do
		match_waits gen.out $f.out "$waiter_tid"
		[ -s match.pairs ] || fail "$f: no line of the 3 generated waits: $(cat gen.out)"
		cp match.pairs $f.pairs
	done
	while read -r i t _; do
		t=${t/./}
		dm=$((10#$t - want_mono[i - 1]))
		note "wait $i: --time=mono ${dm#-} us from the waiter's CLOCK_MONOTONIC"
		[ ${dm#-} -le 1000 ] || fail "--time=mono: $t us, the waiter ran at ${want_mono[i - 1]} us"
	done < mono.pairs
	while read -r i t _; do
		IFS=:. read -r h m sec us <<<"$t"
		dw=$(((((10#$h * 60 + 10#$m) * 60 + 10#$sec) * 1000000 + 10#$us) - want_real[i - 1] % 86400000000))
		# across midnight
		[ $dw -gt 43200000000 ] && dw=$((dw - 86400000000))
		[ $dw -lt -43200000000 ] && dw=$((dw + 86400000000))
		note "wait $i: -T ${dw#-} us from the waiter's CLOCK_REALTIME"
		[ ${dw#-} -le 1000 ] || fail "-T: $t, the waiter ran at ${want_real[i - 1]} us (Unix time)"
	done < wall.pairs
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "reports the generated wait's TID and latency (task storage)" t_reports_generated_wait
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "prints nothing at or below the threshold" t_nothing_below_threshold
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-P names the task that ran before (the hog)" t_previous_names_hog
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,PERF "agrees with perf sched timehist" t_perf_sched_agrees
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "--stats counts match the events printed" t_stats_match_events
test_case ROOT,BTF,VALGRIND,MULTICPU "valgrind-clean userspace" t_valgrind_clean
test_case ROOT,BTF,MULTICPU "a wakeup of a task still on its CPU starts no wait" t_wakeup_on_cpu_starts_no_wait
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "TIME is the switch-in time (-T, --time=mono)" t_timestamps
test_done
