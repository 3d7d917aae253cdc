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
		[ -z "$(stderr_besides_missed rqs.err)" ] || fail "stderr after SIG$sig: $(cat rqs.err)"
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
	grep -q "^stats: waits: over_threshold=$printed$" rqs.err ||
		fail "BPF's count of waits over the threshold is not the $printed printed: $(cat rqs.err)"
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

# iwi: IRQ work interrupts on every CPU so far (the ring buffer's reader
# wakeups are irq_work self-IPIs)
iwi() { awk '/^ *IWI:/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i } END { print n + 0 }' /proc/interrupts; }

t_ringbuf_wakeup_once() {
	# a stopped reader: the ring buffer goes past half full, where the
	# report that crosses the mark wakes the reader, and none after it
	start_tracer rqs --stats 0
	kill -STOP "$tracer_pid"
	before=$(iwi)
	"$SLEEPERS" -n 200 -r 40000 -t 2 > /dev/null
	after=$(iwi)
	kill -CONT "$tracer_pid"
	sleep 0.5
	stop_tracer "$tracer_pid"
	emitted=$(sed -n 's/^stats: events: emitted=\([0-9]*\) lost_ringbuf=\([0-9]*\)$/\1 \2/p' rqs.err)
	set -- $emitted
	note "reader stopped for 2 s: $1 events in the ring buffer, $2 lost, $((after - before)) IRQ work interrupts on the machine meanwhile"
	[ "${1:-0}" -gt 1000 ] && [ "${2:-0}" -gt 0 ] || fail "the ring buffer did not fill: $(cat rqs.err)"
	[ $((after - before)) -le 50 ] || fail "$((after - before)) IRQ work interrupts while the stopped reader's ring buffer filled past half"
}

# bpf_map_id_of PID NAME: the ID of the BPF map NAME process PID holds
bpf_map_id_of() {
	local f id
	for f in /proc/"$1"/fdinfo/*; do
		id=$(sed -n 's/^map_id:[[:space:]]*//p' "$f" 2> /dev/null)
		[ -n "$id" ] || continue
		bpftool map show id "$id" 2> /dev/null | grep -q " name $2 " && { echo "$id"; return; }
	done
}

# le32 N / le64 N: N as bpftool's hex bytes, little-endian
le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
le64() { echo "$(le32 "$1") 00 00 00 00"; }

t_hash_stale_exact() {
	# under a load that adds and deletes entries all the time, 40 entries of
	# threads known to have exited must be counted once each
	# herds of 2000 threads: thousands of entries added and deleted within ms
	# (-p: the tracer adds and deletes only the load's entries, so that no
	# other task's entry can count)
	"$SLEEPERS" -n 2000 -r 40000 -b -w 20 -t 8 > /dev/null 2> load.err &
	load=$!
	bg_pids+=($load)
	start_tracer rqs -m hash --stats -p "$load" 1000000
	map=$(bpf_map_id_of "$tracer_pid" start)
	[ -n "$map" ] || fail "no 'start' map held by the tracer"
	vsize=$(bpftool map show id "$map" | sed -n 's/.* value \([0-9]*\)B.*/\1/p')
	[ -n "$vsize" ] || fail "no value size in: $(bpftool map show id "$map")"
	for i in $(seq 40); do
		sh -c 'echo $$' >> exited.tids
	done
	sleep 300 & sleeper=$!
	bg_pids+=($sleeper)
	for tid in $(cat exited.tids) $sleeper; do
		[ ! -d /proc/"$tid" ] || [ "$tid" = $sleeper ] || fail "TID $tid has not exited"
		# the value is struct rqs_enqueue: the time, then zeroed details
		bpftool map update id "$map" key hex $(le32 "$tid") value hex $(le64 12345) $(printf '00 %.0s' $(seq $((vsize - 8)))) ||
			fail "bpftool map update for TID $tid failed"
	done
	sleep 2
	stop_tracer "$tracer_pid"
	note "$(grep -E 'left by exited|stats: hash' rqs.err | tr '\n' ' ')"
	grep -qE '^runqslower-ts: 40 hash map entries left by exited threads \([0-9]+ entries in use\)$' rqs.err ||
		fail "final stale count is not 40: $(cat rqs.err)"
	grep -qE '^stats: hash: max_entries=10240 entries=[0-9]+ stale=40$' rqs.err ||
		fail "--stats stale count is not 40: $(grep 'stats: hash' rqs.err)"
}

t_wakeup_on_cpu_starts_no_wait() {
	# pingpong's threads are woken in place, still on their CPU, then sleep
	# 300 ms: a wait started at such a wakeup would be kept by the next one
	# and reported as about 300 ms
	start_tracer rqs 100000
	"$TOP/build/pingpong" -z 300 -H 3 > pp.out 2> pp.err || fail "pingpong: $(cat pp.err)"
	sleep 0.3
	stop_tracer "$tracer_pid"
	tids=$(sed -n 's/.*tids=\([0-9]*\),\([0-9]*\).*/\1 \2/p' pp.out)
	set -- $tids
	note "$(tail -1 pp.out)"
	grep -q ' hits=3$' pp.out || fail "no 3 in-place wakeups: $(tail -1 pp.out)"
	lines=$(awk -v a="$1" -v b="$2" 'NR > 2 && ($3 == a || $3 == b)' rqs.out)
	[ -z "$lines" ] || fail "waits over 100 ms reported for pingpong's threads: $lines"
}

# a switch-in the programs missed leaves a pending enqueue time; planted
# here by syscall (plant_pending: 5 s old, from before the waiter last ran)
# while latgen's waiter sleeps: its next wakeup must count it and start a
# new wait, not keep it (the waiter would be reported waiting 5 s). -t: the
# count is the waiter's alone (hash mode counts a few system-wide)
t_missed_switch_in_not_stretched() {
	local mode
	for mode in task hash; do
		start_latgen_paused "gen-$mode" -d 20 -n 2 -s 4000
		start_tracer "$mode" -m "$mode" -t "$waiter_tid" 10000
		grep -q . "gen-$mode.out" && [ "$(wc -l < "gen-$mode.out")" = 1 ] ||
			fail "$mode: latgen began its rounds before the tracer had started"
		"$TOP/build/plant_pending" -p "$tracer_pid" -t "$waiter_tid" > plant.out 2>&1 ||
			fail "$mode: $(cat plant.out)"
		wait "$latgen_bg" || fail "latgen: $(cat "gen-$mode.err")"
		sleep 0.3
		stop_tracer "$tracer_pid"
		note "$mode: $(cat plant.out)"
		match_waits "gen-$mode.out" "$mode.out" "$waiter_tid"
		grep -q "^runqslower-ts: 1 waits lost in all: their switch-in was not seen" "$mode.err" ||
			fail "$mode: the stale time was not counted: $(cat "$mode.err")"
	done
}

t_stale_count_races() {
	# the stale count against a hash map whose keys another thread deletes
	# and adds again without pause (a key walk would restart and count twice)
	"$TOP/build/stale_race" -s 40 -l 500 -n 200 > race.out 2>&1 || fail "$(cat race.out)"
	note "$(cat race.out)"
}

t_hash_stale_pidns() {
	# in another pid namespace, /proc cannot tell which host TIDs exited
	unshare -p -f --mount-proc "$RQS" -m hash --stats 1000000 > rqs.out 2> rqs.err &
	bg_pids+=($!)
	for _ in $(seq 100); do grep -q '^TIME ' rqs.out && break; sleep 0.1; done
	grep -q '^TIME ' rqs.out || fail "did not start in a pid namespace: $(cat rqs.err)"
	sleep 0.5
	pkill -INT -f "^$RQS -m hash --stats 1000000" || true
	wait "${bg_pids[-1]}" || fail "exit status $? in a pid namespace: $(cat rqs.err)"
	bg_pids=()
	grep -qE '^stats: hash: max_entries=10240 entries=[0-9]+ stale=unknown$' rqs.err ||
		fail "stale not 'unknown' in a pid namespace: $(cat rqs.err)"
	! grep -q 'left by exited' rqs.err || fail "stale verdict from the wrong /proc: $(cat rqs.err)"
}

# a PID or TID that cannot exist: above kernel.pid_max
absent_id() { echo $(($(cat /proc/sys/kernel/pid_max) + 1)); }

t_missing_pid_tid() {
	id=$(absent_id)
	for args in "-p $id" "-p $$,$id" "-t $id"; do
		set +e
		timeout 10 "$RQS" $args > out 2> err
		rc=$?
		set -e
		[ $rc = 1 ] || fail "'$args': exit $rc: $(cat err)"
		[ ! -s out ] || fail "'$args' printed: $(cat out)"
		[ "$(wc -l < err)" = 1 ] || fail "'$args': expected one line: $(cat err)"
		grep -qE "^runqslower-ts: (process $id: no such process|thread $id: no such thread)$" err ||
			fail "'$args': $(cat err)"
		note "$args: $(cat err)"
	done
}

# waiting_exit PID SECONDS: until PID (a child) has exited; its status in $exit_rc
waiting_exit() {
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && fail "pid $1 still running after $2 s"
	exit_rc=0
	wait "$1" || exit_rc=$?
}

t_pids_exit() {
	# a TID given to -p means its process; a list; the run ends, status 0,
	# with the final reports, when the last of them has exited
	start_latgen_paused gen -d 30 -n 3
	sleep 4 &
	other=$!
	bg_pids+=($other)
	start_tracer rqs -p "$other,$waiter_tid" --stats 15ms
	tracer=$tracer_pid
	wait "$latgen_bg"
	sleep 0.5
	kill -0 "$tracer" || fail "stopped while process $other still ran: $(cat rqs.err)"
	grep -q "^runqslower-ts: process $latgen_pid has exited$" rqs.err ||
		fail "no notice of process $latgen_pid's exit: $(cat rqs.err)"
	waiting_exit "$tracer" 6
	[ $exit_rc = 0 ] || fail "exit $exit_rc after the traced processes exited"
	grep -qx "runqslower-ts: notice: $waiter_tid is a thread of process $latgen_pid: tracing process $latgen_pid (-t $waiter_tid traces the thread alone)" rqs.err ||
		fail "no notice for the TID given to -p: $(cat rqs.err)"
	grep -q "^runqslower-ts: process $other has exited$" rqs.err ||
		fail "no notice of process $other's exit: $(cat rqs.err)"
	grep -q '^stats: events: emitted=' rqs.err || fail "no final reports: $(cat rqs.err)"
	match_waits gen.out rqs.out "$waiter_tid"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	for t in $tids; do
		case " $waiter_tid $hog_tid $latgen_pid $other " in *" $t "*) ;; *) fail "printed TID $t" ;; esac
	done
	note "$(grep -v '^stats' rqs.err | tr '\n' ' ')"
}

t_tid_exit() {
	start_latgen_paused gen -d 30 -n 3
	start_tracer rqs -t "$waiter_tid" 15ms
	tracer=$tracer_pid
	wait "$latgen_bg"
	waiting_exit "$tracer" 3
	[ $exit_rc = 0 ] || fail "exit $exit_rc after the traced thread exited"
	grep -qx "runqslower-ts: thread $waiter_tid has exited" rqs.err || fail "$(cat rqs.err)"
	match_waits gen.out rqs.out "$waiter_tid"
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

t_sighup() {
	start_tracer rqs --stats 1000
	kill -HUP "$tracer_pid"
	waiting_exit "$tracer_pid" 5
	bg_pids=()
	[ $exit_rc = 0 ] || fail "exit $exit_rc after SIGHUP"
	grep -q '^stats: events: emitted=[0-9]* lost_ringbuf=[0-9]*$' rqs.err ||
		fail "no final reports after SIGHUP: $(cat rqs.err)"
}

# caught_sigint PID: SIGINT (bit 2) is in /proc/PID/status's SigCgt
caught_sigint() {
	local key value
	while read -r key value; do
		[ "$key" = SigCgt: ] && { [ $((0x$value & 2)) != 0 ]; return; }
	done < "/proc/$1/status" 2>/dev/null
	return 1
}

t_sigint_at_startup() {
	# started as a background job of a script is: with SIGINT ignored.
	# One SIGINT while it starts (programs loading) ends it, status 0.
	(trap '' INT; exec "$RQS" 0 > out 2> err) &
	pid=$!
	bg_pids+=($pid)
	for _ in $(seq 2000); do caught_sigint "$pid" && break; done
	caught_sigint "$pid" || fail "SIGINT never caught: $(cat err)"
	grep -q '^TIME' out && header=before || header=after
	kill -INT "$pid"
	waiting_exit "$pid" 10
	bg_pids=()
	[ $exit_rc = 0 ] || fail "exit $exit_rc after a SIGINT at start-up"
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	note "SIGINT sent with the header printed $header it"
	# the handlers come first: before the arguments are checked against
	# /proc, before privileges, BTF and BPF
	timeout -s KILL 10 strace -o trace.txt -e trace=rt_sigaction,openat,capget,bpf \
		"$RQS" -t "$(absent_id)" > /dev/null 2>&1 || true
	first=$(grep -nE 'rt_sigaction\(SIGINT, \{sa_handler=0x' trace.txt | head -1 | cut -d: -f1)
	work=$(grep -nE 'openat\(AT_FDCWD, "/(proc|sys)/|capget|bpf\(' trace.txt | head -1 | cut -d: -f1)
	[ -n "$first" ] || fail "no SIGINT handler installed: $(head -50 trace.txt)"
	[ -n "$work" ] && [ "$first" -lt "$work" ] ||
		fail "start-up work before the SIGINT handler: $(sed -n "${work:-1},${first}p" trace.txt | head)"
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
	mapfile -t got_mono < <(awk -v t="$waiter_tid" 'NR > 2 && $3 == t { sub(/\./, "", $1); printf "%.0f\n", $1 }' mono.out)
	mapfile -t got_wall < <(awk -v t="$waiter_tid" 'NR > 2 && $3 == t { split($1, a, /[:.]/); printf "%.0f\n", ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000000 + a[4] }' wall.out)
	[ ${#got_mono[@]} = 3 ] && [ ${#got_wall[@]} = 3 ] || fail "expected 3 waits each: $(cat mono.out wall.out)"
	head -2 wall.out | tail -1 | grep -q '^TIME            COMM' || fail "-T header: $(head -2 wall.out)"
	head -2 mono.out | tail -1 | grep -q '^TIME(s)         COMM' || fail "--time=mono header: $(head -2 mono.out)"
	for i in 0 1 2; do
		dm=$((got_mono[i] - want_mono[i]))
		dw=$((got_wall[i] - want_real[i] % 86400000000))
		# across midnight
		[ $dw -gt 43200000000 ] && dw=$((dw - 86400000000))
		[ $dw -lt -43200000000 ] && dw=$((dw + 86400000000))
		note "wait $((i + 1)): --time=mono ${dm#-} us from the waiter's CLOCK_MONOTONIC, -T ${dw#-} us from its CLOCK_REALTIME"
		[ ${dm#-} -le 1000 ] || fail "--time=mono: ${got_mono[i]} us, the waiter ran at ${want_mono[i]} us"
		[ ${dw#-} -le 1000 ] || fail "-T: ${got_wall[i]} us of the day, the waiter ran at ${want_real[i]} us"
	done
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
test_case ROOT,BTF,MULTICPU "the ring buffer wakes a stopped reader once, not at every report" t_ringbuf_wakeup_once
test_case ROOT,BTF,CMD_bpftool "hash mode counts entries of exited threads exactly, under load" t_hash_stale_exact
test_case ROOT,BTF,MULTICPU "a wakeup of a task still on its CPU starts no wait" t_wakeup_on_cpu_starts_no_wait
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "a missed switch-in is counted, not stretched into the next wait (task, hash)" t_missed_switch_in_not_stretched
test_case ROOT "the stale count reads each key once while the map changes" t_stale_count_races
test_case ROOT,BTF,CMD_unshare "hash mode's stale count is unknown in another pid namespace" t_hash_stale_pidns
test_case ROOT "a PID or TID that does not exist: one line, exit 1" t_missing_pid_tid
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-p with a TID and a list: ends, status 0, when the last process exits" t_pids_exit
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-t: ends, status 0, when the thread exits" t_tid_exit
test_case ROOT,BTF "| head with a high threshold: ends at once, status 0" t_head_high_threshold
test_case ROOT,BTF "SIGHUP ends it like SIGTERM: status 0, final reports" t_sighup
test_case ROOT,BTF,CMD_strace "SIGINT at start-up, started with SIGINT ignored: status 0" t_sigint_at_startup
test_case ROOT,BTF,MULTICPU "SIGINT while stdout is blocked: every wait printed, status 0" t_blocked_output_sigint
test_case ROOT,BTF,MULTICPU "a second signal while stdout is blocked ends it at once" t_blocked_output_second_signal
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "TIME is the switch-in time (-T, --time=mono)" t_timestamps
. "$(dirname "$0")/why.sh"
test_done
