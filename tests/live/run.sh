#!/bin/bash
# Live tests: real BPF on the running kernel, checked against a latency
# generator that measures its own waits, and against perf sched.
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
	[ -z "$(lats_of rqs.out "$waiter_tid")" ] || fail "4 ms waits reported at a 10 ms threshold"
	awk 'NR > 2 && $4 <= 10000 { print; bad = 1 } END { exit bad }' rqs.out ||
		fail "a wait at or below the threshold was printed"
	note "$(($(wc -l < rqs.out) - 2)) other waits over 10 ms seen system-wide, none below"
}

t_pid_filter() {
	start_latgen_paused gen -d 20 -n 3
	start_tracer rqs -p "$latgen_pid" 5000
	start_tracer other -p 1 5000
	other_pid=$tracer_pid
	start_tracer rqs0 -p "$latgen_pid" 0
	rqs0_pid=$tracer_pid
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "${bg_pids[1]}"
	stop_tracer "$other_pid"
	stop_tracer "$rqs0_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	# every TID printed belongs to the generator's process
	tids=$(awk 'NR > 2 { print $3 }' rqs0.out | sort -u)
	[ -n "$tids" ] || fail "-p $latgen_pid 0 printed nothing"
	for t in $tids; do
		case " $waiter_tid $hog_tid $latgen_pid " in *" $t "*) ;; *) fail "-p $latgen_pid printed TID $t" ;; esac
	done
	[ -z "$(lats_of other.out "$waiter_tid")" ] || fail "-p 1 printed the generator's waiter"
	note "-p $latgen_pid 0 printed TIDs: $(echo $tids)"
}

t_tid_filter() {
	start_latgen_paused gen -d 20 -n 3
	start_tracer rqs -t "$waiter_tid" 0
	start_tracer hog -t "$hog_tid" 5000
	hog_tracer=$tracer_pid
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "${bg_pids[1]}"
	stop_tracer "$hog_tracer"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	[ "$tids" = "$waiter_tid" ] || fail "-t $waiter_tid printed TIDs: $tids"
	[ "$(awk -v t="$waiter_tid" 'NR > 2 && $4 > 5000' rqs.out | wc -l)" = 3 ] ||
		fail "-t $waiter_tid did not print the 3 generated waits"
	[ -z "$(awk 'NR > 2' hog.out)" ] || fail "-t $hog_tid (the FIFO hog never waits 5 ms) printed: $(cat hog.out)"
}

t_previous_names_hog() {
	start_tracer rqs -P 10000
	# -f: a SCHED_FIFO waiter runs before fair tasks woken during the spin
	run_latgen gen -d 25 -n 5 -f
	sleep 0.3
	stop_tracer "$tracer_pid"
	head -2 rqs.out | tail -1 | grep -q 'PREV COMM *PREV TID$' || fail "no PREV columns in header"
	lines=$(awk -v tid="$waiter_tid" 'NR > 2 && $3 == tid' rqs.out)
	[ "$(wc -l <<<"$lines")" = 5 ] || fail "expected 5 waiter lines: $lines"
	# a stop-class task (migration/N) may still come between them, rarely
	hog_rounds=$(awk -v hog="$hog_tid" '$5 == "hog" && $6 == hog' <<<"$lines" | wc -l)
	[ "$hog_rounds" -ge 4 ] || fail "PREV is the hog ($hog_tid) in $hog_rounds of 5 rounds: $lines"
	awk -v w="$waiter_tid" '$6 == w || $6 !~ /^[0-9]+$/ { exit 1 }' <<<"$lines" ||
		fail "PREV TID is the waiter itself or not a TID: $lines"
	note "PREV was the hog in $hog_rounds of 5 rounds"
}

t_perf_sched_agrees() {
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
	start_tracer rqs 10000
	perf sched record -o perf.data -- "$LATGEN" -d 30 -n 4 > gen.out 2> perf.err ||
		{ cat perf.err; fail "perf sched record failed"; }
	stop_tracer "$tracer_pid"
	parse_latgen gen.out
	perf sched timehist -i perf.data -t "$waiter_tid" 2> /dev/null > timehist.txt
	# columns: time cpu task[tid] wait sch-delay run; keep delays over 10 ms
	awk '$4 > 10 { printf "%d\n", $5 * 1000 }' timehist.txt > perf.delays
	mapfile -t perf_delays < <(awk '$1 > 10000' perf.delays)
	mapfile -t tool < <(lats_of rqs.out "$waiter_tid")
	[ ${#tool[@]} = 4 ] || fail "tool reported ${#tool[@]} waits, expected 4: $(cat rqs.out)"
	[ ${#perf_delays[@]} = 4 ] || { cat timehist.txt; fail "perf sched timehist found ${#perf_delays[@]} delays over 10 ms"; }
	for i in 0 1 2 3; do
		p=${perf_delays[$i]} t=${tool[$i]}
		diff=$((p > t ? p - t : t - p))
		note "wait $((i + 1)): perf sched timehist sch delay ${p} us, tool ${t} us, diff ${diff} us"
		[ $diff -le $((p / 100 + 100)) ] || fail "perf says $p us, tool $t us"
	done
}

t_hash_mode_same_waits() {
	start_tracer task -m task 10000
	task_pid=$tracer_pid
	start_tracer hash -m hash 10000
	hash_pid=$tracer_pid
	run_latgen gen -d 25 -n 4
	sleep 0.3
	stop_tracer "$task_pid"
	stop_tracer "$hash_pid"
	match_waits gen.out task.out "$waiter_tid"
	match_waits gen.out hash.out "$waiter_tid"
	diff <(lats_of task.out "$waiter_tid") <(lats_of hash.out "$waiter_tid") > lat.diff ||
		note "task and hash differ by a few us: $(tr '\n' ' ' < lat.diff)"
}

# IDs of the BPF programs ($2 = prog) or links ($2 = link) process $1 holds
bpf_ids_of() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		if [ "$2" = link ]; then
			sed -n 's/^link_id:[[:space:]]*//p' "$f"
		elif grep -q '^prog_type:' "$f"; then
			sed -n 's/^prog_id:[[:space:]]*//p' "$f"
		fi
	done 2>/dev/null | sort -u
}

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

t_clean_exit() {
	for sig in INT TERM; do
		start_tracer rqs 10000
		progs=$(bpf_ids_of "$tracer_pid" prog)
		links=$(bpf_ids_of "$tracer_pid" link)
		[ "$(wc -w <<<"$progs")" = 3 ] || fail "expected 3 programs held by the tracer, found: $progs"
		[ "$(wc -w <<<"$links")" = 3 ] || fail "expected 3 links held by the tracer, found: $links"
		kill -"$sig" "$tracer_pid"
		wait "$tracer_pid" || fail "exit status $? after SIG$sig"
		bg_pids=()
		[ ! -s rqs.err ] || fail "stderr after SIG$sig: $(cat rqs.err)"
		# the kernel frees them after an RCU grace period: allow 3 s
		for kind_id in $(printf 'prog:%s ' $progs) $(printf 'link:%s ' $links); do
			for _ in $(seq 30); do
				bpftool "${kind_id%%:*}" show id "${kind_id#*:}" > /dev/null 2>&1 || continue 2
				sleep 0.1
			done
			fail "${kind_id%%:*} ${kind_id#*:} still present 3 s after SIG$sig"
		done
	done
}

t_closed_pipe() {
	set +e
	timeout 20 "$RQS" 0 2> err | head -3 > out
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 0 ] || fail "exit $rc when the reader closed the pipe"
	[ ! -s err ] || fail "stderr: $(cat err)"
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

t_not_root() {
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$RQS" > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "exit $rc as nobody"
	[ "$(wc -l < err)" = 1 ] || fail "expected one line: $(cat err)"
	grep -q '^runqslower-ts: permission denied' err || fail "$(cat err)"
}

t_stats_match_events() {
	start_tracer rqs --stats 1000
	run_latgen gen -d 5 -n 5
	sleep 0.3
	stop_tracer "$tracer_pid"
	printed=$(($(wc -l < rqs.out) - 2))
	grep -q "^stats: events: emitted=$printed lost_ringbuf=0$" rqs.err ||
		fail "emitted count does not match $printed printed lines: $(cat rqs.err)"
	for p in sched_switch sched_wakeup; do
		grep -qE "^stats: prog: $p runs=[1-9][0-9]* run_ns=[1-9][0-9]* ns_per_run=[0-9.]+$" rqs.err ||
			fail "no sane stats for $p: $(cat rqs.err)"
	done
	grep -qE '^stats: memory: bytes=[1-9][0-9]* map=[0-9]+ per_task=[1-9][0-9]* tasks=[1-9][0-9]* prefilled=[1-9][0-9]*$' rqs.err ||
		fail "no task storage memory line: $(cat rqs.err)"
	[ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ] || fail "BPF stats left enabled"
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

t_hash_full_task_complete() {
	# 400 threads woken together every 200 ms, each running 50 us: up to
	# 400 tasks queued at once, against a 64-entry hash map
	# (threads are created after the tracers start: see t_startup_burst)
	"$SLEEPERS" -n 400 -r 2000 -b -w 50 -t 3 -s 1500 > load.out 2> load.err &
	load=$!
	bg_pids+=($load)
	start_tracer task -m task -p "$load" --stats 2000
	task_pid=$tracer_pid
	start_tracer hash -m hash --hash-entries 64 -p "$load" --stats 2000
	hash_pid=$tracer_pid
	wait "$load" || fail "sleepers failed: $(cat load.err)"
	stop_tracer "$task_pid"
	stop_tracer "$hash_pid"
	task_waits=$(($(wc -l < task.out) - 2))
	hash_waits=$(($(wc -l < hash.out) - 2))
	missed=$(sed -n 's/^stats: wakeups: not_recorded=//p' hash.err)
	note "waits over 2 ms: task mode $task_waits, hash mode (64 entries) $hash_waits; hash wakeups not recorded: $missed"
	grep -qE '^runqslower-ts: [0-9]+ wakeups not recorded in all: hash map full \(64 entries\); raise --hash-entries or use --storage=task$' hash.err ||
		fail "hash mode did not report its full map: $(cat hash.err)"
	[ "${missed:-0}" -gt 0 ] || fail "hash --stats not_recorded is $missed"
	grep -q '^stats: wakeups: not_recorded=0$' task.err || fail "task mode missed wakeups: $(cat task.err)"
	! grep -q 'not recorded' task.err || fail "task mode reported losses: $(cat task.err)"
	[ "$task_waits" -gt 0 ] || fail "task mode saw no waits over 2 ms"
	[ "$task_waits" -gt "$hash_waits" ] || fail "task mode reported $task_waits waits, hash mode $hash_waits"
	for m in task hash; do
		printed=$(($(wc -l < $m.out) - 2))
		grep -q "^stats: events: emitted=$printed lost_ringbuf=0$" $m.err ||
			fail "$m: emitted does not match $printed printed lines: $(cat $m.err)"
		grep -qE "^stats: prog: sched_switch runs=[1-9][0-9]* run_ns=[1-9][0-9]* ns_per_run=[0-9.]+$" $m.err ||
			fail "$m: no sane sched_switch stats: $(cat $m.err)"
	done
	grep -qE '^stats: hash: max_entries=64 entries=[0-9]+ stale=[0-9]+$' hash.err || fail "no hash stats line"
}

t_startup_burst() {
	# 2000 threads that exist before the tracer, then all woken at once:
	# their storage was made at start (prefill), so no first wakeup is lost
	"$SLEEPERS" -n 2000 -r 4000 -b -w 10 -t 3 > load.out 2> load.err &
	load=$!
	bg_pids+=($load)
	for _ in $(seq 50); do [ "$(ls /proc/$load/task 2>/dev/null | wc -l)" -gt 2000 ] && break; sleep 0.1; done
	start_tracer task -m task -p "$load" --stats 1000
	wait "$load" || fail "sleepers failed: $(cat load.err)"
	stop_tracer "$tracer_pid"
	note "$(grep -E 'not_recorded|prefilled' task.err | tr '\n' ' ')"
	grep -qE '^stats: memory: .* prefilled=(200[1-9]|20[1-9][0-9]|2[1-9][0-9][0-9])$' task.err ||
		fail "storage not prefilled for the 2001 existing threads: $(cat task.err)"
	grep -q '^stats: wakeups: not_recorded=0$' task.err || fail "wakeups lost: $(cat task.err)"
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "reports the generated wait's TID and latency (task storage)" t_reports_generated_wait
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "prints nothing at or below the threshold" t_nothing_below_threshold
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-p traces a process: all its threads, no others" t_pid_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-t traces one thread only" t_tid_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-P names the task that ran before (the hog)" t_previous_names_hog
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,PERF "agrees with perf sched timehist" t_perf_sched_agrees
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "task and hash modes report the same waits" t_hash_mode_same_waits
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "output reaches a pipe reader promptly" t_prompt_output
test_case ROOT,BTF "SIGINT and SIGTERM exit 0 with nothing left attached" t_clean_exit
test_case ROOT,BTF "a closed pipe ends it quietly with status 0" t_closed_pipe
test_case ROOT,BTF,MULTICPU "lost events are counted and reported" t_lost_events_reported
test_case ROOT "unprivileged: one line, exit 1" t_not_root
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "a small hash map misses wakeups that task storage records" t_hash_full_task_complete
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "threads older than the tracer woken at once: none lost" t_startup_burst
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "--stats counts match the events printed" t_stats_match_events
test_case ROOT,BTF,VALGRIND,MULTICPU "valgrind-clean userspace" t_valgrind_clean
. "$(dirname "$0")/why.sh"
test_done
