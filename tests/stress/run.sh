#!/bin/bash
# Stress tests: lifecycle, concurrent instances, fork/exit storm, flood,
# reader starvation, a stalled reader. `make check-all` runs them with short
# settings (check-stress); `make stress` with the long ones; any of these
# can be set by hand:
#   STRESS_CYCLES        start/stop cycles                  (check 24, stress 200)
#   STRESS_STORM_TASKS   short-lived tasks in the fork storm (20000, 100000)
#   STRESS_FLOOD_S       seconds of flood                    (8, 60)
#   STRESS_SPIN_THREADS  runnable CPU-bound threads          (2000, 4000)
#   STRESS_STALL_S       seconds nobody reads the output     (10, 10)
#   STRESS_RATES         wakeups/s tried for the loss onset  ("5000 20000", "2000 5000 10000 20000 40000 80000")
#   STRESS_SCRAPES       /metrics scrapes, 50 at a time      (2000, 10000)
# Figures go out as "# note:" lines (and into $STRESS_REPORT if set).
SUITE=stress
. "$(dirname "$0")/../live/lib.sh"
. "$(dirname "$0")/../live/objects.sh"
BPFFAULT=${BPFFAULT:-$TOP/build/bpffault}
STORM=${STORM:-$TOP/build/storm}
CYCLES=${STRESS_CYCLES:-24}
STORM_TASKS=${STRESS_STORM_TASKS:-20000}
FLOOD_S=${STRESS_FLOOD_S:-8}
SPIN_THREADS=${STRESS_SPIN_THREADS:-2000}
STALL_S=${STRESS_STALL_S:-10}
RATES=${STRESS_RATES:-5000 20000}
SCRAPES=${STRESS_SCRAPES:-2000}

figure() {
	note "$*"
	[ -z "${STRESS_REPORT:-}" ] || echo "$*" >> "$STRESS_REPORT"
}

# proc_sample PID: "rss_kb fds cpu_ms"
proc_sample() {
	local rss fds ticks hz
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
	ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null)
	hz=$(getconf CLK_TCK)
	echo "${rss:-0} $fds $(( ${ticks:-0} * 1000 / hz ))"
}

# stats_value FILE LINE KEY: a --stats value
stats_value() { sed -n "s/^stats: $2: .*\\b$3=\\([0-9]*\\).*/\\1/p" "$1"; }

# counts_add_up FILE.out FILE.err: printed lines + ring buffer losses =
# the programs' count of waits over the threshold, and printed = emitted
counts_add_up() {
	local printed=$(($(wc -l < "$1") - 2)) emitted lost over
	emitted=$(stats_value "$2" events emitted)
	lost=$(stats_value "$2" events lost_ringbuf)
	over=$(stats_value "$2" waits over_threshold)
	[ -n "$over" ] || fail "no --stats: $(cat "$2")"
	[ "$printed" = "$emitted" ] || fail "printed $printed lines, emitted=$emitted"
	[ $((emitted + lost)) = "$over" ] || fail "emitted $emitted + lost $lost != over_threshold $over"
	if [ "$lost" -gt 0 ]; then
		grep -qx "runqslower-ts: $lost events lost in all: ring buffer full" "$2" ||
			fail "loss total line does not say $lost: $(grep -v '^stats' "$2")"
	fi
	counts="printed=$printed lost=$lost over_threshold=$over"
}

t_start_stop_cycles() {
	local kinds=(INT TERM KILL load prefill early) i kind mode p rc n_before=0
	declare -A done_kind=()
	bpf_snapshot before
	for i in $(seq "$CYCLES"); do
		kind=${kinds[$((i % ${#kinds[@]}))]}
		mode=task
		[ $((i % 2)) = 0 ] && mode=hash
		[ "$kind" = prefill ] && mode=task
		rm -f fault.log
		case $kind in
		INT|TERM|KILL)
			"$RQS" -m $mode 10000 > out 2> err &
			p=$!
			for _ in $(seq 100); do grep -q '^TIME ' out && break; sleep 0.05; done
			grep -q '^TIME ' out || fail "cycle $i: no header: $(cat err)"
			sleep "0.$((RANDOM % 5))"
			kill -"$kind" $p ;;
		load|prefill)
			# held in the kernel's hands: the switch program's load, or
			# the prefill iterator's creation, then SIGKILL
			if [ $kind = load ]; then spec=(-N handle_sched_sw); else spec=(-a trace_iter); fi
			"$BPFFAULT" "${spec[@]}" -d 2000 -l fault.log -- "$RQS" -m $mode 10000 > out 2> err &
			sup=$!
			for _ in $(seq 100); do grep -q held fault.log 2>/dev/null && break; sleep 0.02; done
			grep -q held fault.log || fail "cycle $i: $kind never held"
			p=$(pgrep -P $sup)
			kill -KILL "$p"
			p=$sup ;;
		early)
			# anywhere in the first 300 ms: probe, load, prefill, attach
			"$RQS" -m $mode 10000 > out 2> err &
			p=$!
			sleep "$(printf '0.%03d' $((RANDOM % 300)))"
			grep -q '^TIME ' out || n_before=$((n_before + 1))
			kill -KILL $p ;;
		esac
		set +e; wait $p; rc=$?; set -e
		case $kind in
		INT|TERM) [ $rc = 0 ] || fail "cycle $i: exit $rc after SIG$kind"
			# hash mode's exit report of entries of exited threads is normal
			[ -z "$(stderr_besides_missed err 'hash map entries left by exited threads')" ] ||
				fail "cycle $i: stderr after SIG$kind: $(cat err)" ;;
		*) [ $rc = 137 ] || fail "cycle $i ($kind): exit $rc after SIGKILL" ;;
		esac
		done_kind[$kind]=$((${done_kind[$kind]:-0} + 1))
		[ -z "$(ls /proc/$p 2>/dev/null)" ] || fail "cycle $i: process still there"
	done
	bpf_leftovers before || fail "objects left after $CYCLES cycles"
	figure "start/stop: $CYCLES cycles (SIGINT ${done_kind[INT]:-0}, SIGTERM ${done_kind[TERM]:-0}, SIGKILL running ${done_kind[KILL]:-0}, SIGKILL during load ${done_kind[load]:-0}, during prefill ${done_kind[prefill]:-0}, in the first 300 ms ${done_kind[early]:-0} of which $n_before before the header): no program, map or link left"
}

# instances N: N tracers at once, different modes, thresholds and filters,
# each checked against the generator
instances() {
	local n=$1 i
	local -a cfg=(
		"-m task 10000" "-m hash 10000"
		"-m task -p LATGEN 5ms" "-m hash -t WAITER 0"
		"-m task -P 20000" "-m hash --hash-entries 50000 15000"
		"-m task -t WAITER 25000" "-m task 40000")
	local -a pids=()
	# the generator is held stopped until every tracer has attached: eight
	# starts (each probes, loads and prefills) can take seconds, and a
	# tracer started after the first round would miss it
	start_latgen_paused gen -d 30 -n 3
	for i in $(seq 0 $((n - 1))); do
		args=${cfg[$i]//LATGEN/$latgen_pid}
		args=${args//WAITER/$waiter_tid}
		# shellcheck disable=SC2086
		start_tracer "rqs$i" $args
		pids+=($tracer_pid)
	done
	release_latgen
	wait "$latgen_bg"
	sleep 0.3
	for i in $(seq 0 $((n - 1))); do stop_tracer "${pids[$i]}"; done
	bg_pids=()
	for i in $(seq 0 $((n - 1))); do
		args=${cfg[$i]}
		case $args in
		*40000) [ -z "$(lats_of rqs$i.out "$waiter_tid")" ] || fail "instance $i ($args) printed the 30 ms waits" ;;
		*"-t WAITER 0")
			# every wait of the waiter: the generated ones are those over 5 ms
			awk 'NR <= 2 || $4 > 5000' rqs$i.out > rqs$i.long
			match_waits gen.out rqs$i.long "$waiter_tid"
			[ "$(awk 'NR > 2 { print $3 }' rqs$i.out | sort -u)" = "$waiter_tid" ] || fail "instance $i ($args) printed other TIDs" ;;
		*"-p LATGEN"*)
			match_waits gen.out rqs$i.out "$waiter_tid"
			awk -v a="$waiter_tid" -v b="$hog_tid" -v c="$latgen_pid" 'NR > 2 && $3 != a && $3 != b && $3 != c { exit 1 }' rqs$i.out ||
				fail "instance $i ($args) printed another process" ;;
		*) match_waits gen.out rqs$i.out "$waiter_tid" ;;
		esac
		# with -p or -t a tracer ends when its target does, and says so
		[ -z "$(stderr_besides_missed rqs$i.err 'hash map entries left|(process|thread) [0-9]+ has exited')" ] ||
			fail "instance $i ($args): $(cat rqs$i.err)"
	done
	figure "$n instances at once (${cfg[*]:0:$n}): each reported exactly the generator's waits it should"
}
t_two_instances() { instances 2; }
t_eight_instances() { instances 8; }

# kmalloc slab memory in bytes (task storage comes from kmalloc caches)
kmalloc_bytes() {
	awk '/^kmalloc/ { b += $2 * $4 } END { printf "%d\n", b }' /proc/slabinfo
}

t_fork_storm() {
	local ctl0 ctl1 t0 t1 per_task tasks leak
	# many pids, so that exited tasks' TIDs are not reused during the test,
	# restored however the test ends (the trap runs after this function has
	# returned: a global, not a local)
	storm_pid_max=$(cat /proc/sys/kernel/pid_max)
	trap 'echo "$storm_pid_max" > /proc/sys/kernel/pid_max; stop_background' EXIT
	echo 4194304 > /proc/sys/kernel/pid_max
	# control: the same storm untraced
	sync; sleep 1
	ctl0=$(kmalloc_bytes)
	"$STORM" fork -n "$STORM_TASKS" > storm0.out
	sleep 2
	ctl1=$(kmalloc_bytes)
	start_tracer task -m task --stats 1000000
	task_pid=$tracer_pid
	start_tracer hash -m hash --hash-entries 100000 --stats 1000000
	hash_pid=$tracer_pid
	sleep 1
	fds0=$(proc_sample $task_pid | cut -d' ' -f2)
	t0=$(kmalloc_bytes)
	"$STORM" fork -n "$STORM_TASKS" > storm.out
	# storage is freed with the task, after an RCU grace period
	sleep 2
	t1=$(kmalloc_bytes)
	fds1=$(proc_sample $task_pid | cut -d' ' -f2)
	stop_tracer "$task_pid"
	stop_tracer "$hash_pid"
	bg_pids=()
	per_task=$(sed -n 's/^stats: memory: .*per_task=\([0-9]*\).*/\1/p' task.err)
	tasks=$(sed -n 's/^stats: memory: .*tasks=\([0-9]*\).*/\1/p' task.err)
	[ "$tasks" -ge "$STORM_TASKS" ] || fail "task storage created for $tasks tasks, fewer than the $STORM_TASKS forked: $(cat task.err)"
	leak=$(( (t1 - t0) - (ctl1 - ctl0) ))
	figure "fork storm: $(cat storm.out | cut -d' ' -f3-); task storage for $tasks tasks ($per_task bytes each, $((tasks * per_task / 1024)) KiB in all); kmalloc slabs grew $(((t1 - t0) / 1024)) KiB traced, $(((ctl1 - ctl0) / 1024)) KiB untraced"
	[ "$leak" -lt $((STORM_TASKS * per_task / 2)) ] ||
		fail "kmalloc grew $((leak / 1024)) KiB more traced than untraced: storage not freed with the tasks"
	[ "$fds0" = "$fds1" ] || fail "tracer fds $fds0 before the storm, $fds1 after"
	stale=$(stats_value hash.err hash stale)
	entries=$(stats_value hash.err hash entries)
	figure "fork storm, hash mode: $entries entries at exit, $stale of exited threads; $(grep 'left by exited' hash.err | tail -1 | sed 's/^runqslower-ts: //')"
	[ "$stale" -le "$entries" ] || fail "stale $stale > entries $entries"
	if [ "$stale" -gt 0 ]; then
		grep -qx "runqslower-ts: $stale hash map entries left by exited threads ($entries entries in use)" hash.err ||
			fail "the exit report does not say $stale: $(cat hash.err)"
	fi
	grep -q '^stats: wakeups: not_recorded=' task.err
	note "task mode: $(grep -E 'not_recorded' task.err)"
}

# flood: every wait printed (threshold 0) under perf bench sched messaging
t_flood() {
	local samples=() s rss0 rss1 rssmax fds cpu0 cpu1 t0 t1 stop_ms
	mkfifo lines
	wc -l < lines > printed &
	"$RQS" --stats 0 > lines 2> rqs.err &
	tracer_pid=$!
	bg_pids+=($tracer_pid)
	sleep 1
	( end=$((SECONDS + FLOOD_S)); while [ $SECONDS -lt $end ]; do perf bench sched messaging -g 10 -l 200 > /dev/null 2>&1; done ) &
	load=$!
	bg_pids+=($load)
	for i in $(seq "$FLOOD_S"); do samples+=("$(proc_sample $tracer_pid)"); sleep 1; done
	wait $load
	s=$(proc_sample $tracer_pid)
	samples+=("$s")
	t0=$(date +%s%N)
	kill -INT $tracer_pid
	wait $tracer_pid || fail "exit $? after SIGINT"
	t1=$(date +%s%N)
	bg_pids=()
	wait
	stop_ms=$(( (t1 - t0) / 1000000 ))
	printed=$(($(cat printed) - 2))
	emitted=$(stats_value rqs.err events emitted)
	lost=$(stats_value rqs.err events lost_ringbuf)
	over=$(stats_value rqs.err waits over_threshold)
	[ "$printed" = "$emitted" ] || fail "printed $printed, emitted $emitted"
	[ $((emitted + lost)) = "$over" ] || fail "emitted $emitted + lost $lost != over_threshold $over"
	rss0=$(cut -d' ' -f1 <<<"${samples[1]}")
	rssmax=$(printf '%s\n' "${samples[@]}" | awk '$1 > m { m = $1 } END { print m }')
	fds=$(printf '%s\n' "${samples[@]}" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
	cpu1=$(cut -d' ' -f3 <<<"$s")
	figure "flood ($FLOOD_S s of perf bench sched messaging -g 10, threshold 0): $((over / (FLOOD_S + 1))) waits/s over the threshold; printed $printed + lost $lost (ring buffer full) = BPF count $over; reader CPU $cpu1 ms, $((cpu1 * 1000000 / (emitted > 0 ? emitted : 1))) ns per event; RSS $rss0 KiB at 2 s, max $rssmax KiB; fds ${fds}; exit ${stop_ms} ms after SIGINT"
	note "samples (rss_kb fds cpu_ms): $(printf '%s, ' "${samples[@]}")"
	[ "$stop_ms" -lt 1000 ] || fail "took $stop_ms ms to exit after SIGINT"
	[ $((rssmax - rss0)) -lt 2048 ] || fail "RSS grew from $rss0 to $rssmax KiB"
	[ "$(wc -w <<<"$fds")" = 1 ] || fail "fd count changed: $fds"
}

# loss onset: sleepers at fixed wakeup rates, every wait printed
t_loss_onset() {
	local r
	for r in $RATES; do
		mkfifo lines.$r
		wc -l < lines.$r > printed.$r &
		"$RQS" --stats 0 > lines.$r 2> rqs.$r.err &
		p=$!
		bg_pids+=($p)
		sleep 1
		"$SLEEPERS" -n 200 -r "$r" -t 4 > load.$r 2>&1 || fail "sleepers: $(cat load.$r)"
		kill -INT $p
		wait $p
		wait
		bg_pids=()
		emitted=$(stats_value rqs.$r.err events emitted)
		lost=$(stats_value rqs.$r.err events lost_ringbuf)
		over=$(stats_value rqs.$r.err waits over_threshold)
		[ $((emitted + lost)) = "$over" ] || fail "rate $r: emitted $emitted + lost $lost != $over"
		[ "$(($(cat printed.$r) - 2))" = "$emitted" ] || fail "rate $r: printed $(($(cat printed.$r) - 2)) != emitted $emitted"
		got=$(sed -n 's/.*wakeups_per_sec=\([0-9]*\).*/\1/p' load.$r)
		figure "rate: sleepers asked $r wakeups/s, made $got; tool saw $((over / 5)) waits/s (every wait on the machine); printed $emitted, lost $lost"
	done
}

# thousands of runnable CPU-bound threads: the reader gets little CPU
t_starvation() {
	mkfifo lines
	wc -l < lines > printed &
	"$RQS" --stats 0 > lines 2> rqs.err &
	tracer_pid=$!
	bg_pids+=($tracer_pid)
	sleep 1
	"$STORM" spin -n "$SPIN_THREADS" -t 5 > spin.out || fail "storm spin failed"
	sleep 1
	s=$(proc_sample $tracer_pid)
	kill -INT $tracer_pid
	wait $tracer_pid || fail "exit $?"
	wait
	bg_pids=()
	printed=$(($(cat printed) - 2))
	emitted=$(stats_value rqs.err events emitted)
	lost=$(stats_value rqs.err events lost_ringbuf)
	over=$(stats_value rqs.err waits over_threshold)
	[ "$printed" = "$emitted" ] || fail "printed $printed, emitted $emitted"
	[ $((emitted + lost)) = "$over" ] || fail "emitted $emitted + lost $lost != over_threshold $over"
	figure "starvation ($SPIN_THREADS spinning threads, 5 s, reader at nice 0): $over waits over the threshold, printed $printed, lost $lost (counted exactly); reader CPU $(cut -d' ' -f3 <<<"$s") ms"
}

# stdout into a pipe nobody reads for STALL_S seconds, then read: one
# tracer of every wait on the machine (its ring buffer overflows), one of
# the generator's process only (few events: after the stall it depends on
# its timed reads, not on the half-full wakeup, to print them promptly)
t_stalled_reader() {
	local name
	# the generator's rounds start after the stall
	start_latgen_paused gen -d 20 -n 2 -s $((STALL_S * 1000 + 1500))
	for name in all proc; do
		mkfifo lines.$name
		if [ $name = all ]; then
			"$RQS" --stats 0 > lines.$name 2> $name.err &
		else
			"$RQS" --stats -p "$latgen_pid" 0 > lines.$name 2> $name.err &
		fi
		eval "pid_$name=$!"
		bg_pids+=($!)
		# the reader: opens the pipe, reads nothing for STALL_S s, then all
		( exec 3< lines.$name; sleep "$STALL_S"; cat <&3 > $name.out ) &
		eval "reader_$name=$!"
	done
	release_latgen
	# enough waits to fill the ring buffer during the stall on any machine
	"$SLEEPERS" -n 200 -r 20000 -t 3 > load.out 2>&1 || fail "sleepers: $(cat load.out)"
	wait "$latgen_bg"
	t_end=$(date +%s%N)
	for i in $(seq 30); do
		ok=1
		for name in all proc; do
			[ "$(awk -v t="$waiter_tid" '$3 == t && $4 > 15000' $name.out 2>/dev/null | wc -l)" = 2 ] || ok=0
		done
		[ $ok = 1 ] && break
		sleep 0.1
	done
	ms=$((($(date +%s%N) - t_end) / 1000000))
	for name in all proc; do
		[ "$(awk -v t="$waiter_tid" '$3 == t && $4 > 15000' $name.out | wc -l)" = 2 ] ||
			fail "$name: the generator's waits after the stall not printed within 3 s"
	done
	for name in all proc; do
		eval "kill -INT \$pid_$name; wait \$pid_$name" || fail "$name: exit $? after the stall"
		eval "wait \$reader_$name"
	done
	bg_pids=()
	counts_add_up proc.out proc.err
	counts_add_up all.out all.err
	lost=$(stats_value all.err events lost_ringbuf)
	[ "$lost" -gt 0 ] || fail "a $STALL_S s stall lost nothing: $(cat all.err)"
	grep -qE '^runqslower-ts: [0-9]+ events lost: ring buffer full$' all.err || fail "no periodic loss line"
	figure "stalled reader ($STALL_S s): every wait: $counts; the generator's waits after the stall printed within $ms ms by both tracers"
}

# the exporter under many scrapes and idle clients: it keeps serving, its RSS
# and fds stay flat, and tracing loses nothing because of them
t_scrape_storm() {
	local port samples=() idle=() fd s rss0 rssmax fds0 fds1 lost missed
	port=$(free_port) || fail "no free port"
	"$RQS" --metrics "127.0.0.1:$port" --by comm --stats 10000 > rqs.out 2> rqs.err &
	tracer_pid=$!
	bg_pids+=($tracer_pid)
	for _ in $(seq 100); do grep -q '^Serving metrics on ' rqs.out && break; sleep 0.1; done
	grep -q '^Serving metrics on ' rqs.out || fail "exporter did not start: $(cat rqs.err)"
	curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics" || fail "first scrape failed"
	s=$(proc_sample $tracer_pid)
	rss0=${s%% *} fds0=$(cut -d' ' -f2 <<<"$s")
	# clients that connect and send nothing, held through the storm
	for i in $(seq 10); do
		exec {fd}<>/dev/tcp/127.0.0.1/"$port"
		idle+=($fd)
	done
	"$TOP/tests/tools/scrape_storm.py" "$port" "$SCRAPES" 50 > storm.out 2>&1 &
	storm=$!
	while kill -0 $storm 2> /dev/null; do samples+=("$(proc_sample $tracer_pid)"); sleep 0.5; done
	wait $storm || fail "scrapes failed: $(cat storm.out)"
	for fd in "${idle[@]}"; do exec {fd}>&-; done
	sleep 11	# the exporter's idle timeout frees their connections
	s=$(proc_sample $tracer_pid)
	fds1=$(cut -d' ' -f2 <<<"$s")
	rssmax=$(printf '%s\n' "${samples[@]}" "$s" | awk '$1 > m { m = $1 } END { print m }')
	code=$(curl -s -o page.txt -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/metrics")
	[ "$code" = 200 ] || fail "not serving after the storm: HTTP $code"
	kill -TERM $tracer_pid
	wait $tracer_pid || fail "exit $? after SIGTERM: $(cat rqs.err)"
	bg_pids=()
	lost=$(stats_value rqs.err events lost_ringbuf)
	missed=$(stats_value rqs.err wakeups not_recorded)
	figure "scrape storm: $(cat storm.out) with 10 idle clients; exporter RSS $rss0 KiB before, max $rssmax KiB; fds $fds0 before, $fds1 after; ring buffer losses $lost, wakeups not recorded $missed"
	[ "$lost" = 0 ] && [ "$missed" = 0 ] || fail "tracing lost events: $(grep -v '^stats: prog' rqs.err)"
	[ $((rssmax - rss0)) -lt 4096 ] || fail "RSS grew from $rss0 to $rssmax KiB"
	[ "$fds1" = "$fds0" ] || fail "fds: $fds0 before, $fds1 after"
}

test_case ROOT,BTF,TASK_STORAGE,CMD_pgrep "start and stop $CYCLES times (SIGINT, SIGTERM, SIGKILL at run, load, prefill): nothing left" t_start_stop_cycles
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "two instances at once, each correct" t_two_instances
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "eight instances at once, each correct" t_eight_instances
test_case ROOT,BTF,TASK_STORAGE "fork storm of $STORM_TASKS tasks: task storage freed with them, hash stale entries reported" t_fork_storm
test_case ROOT,BTF,TASK_STORAGE,PERF "flood: printed + lost = the BPF count, RSS and fds flat, exit within 1 s" t_flood
test_case ROOT,BTF,TASK_STORAGE "loss onset: printed + lost = the BPF count at each rate" t_loss_onset
test_case ROOT,BTF,TASK_STORAGE "starvation by $SPIN_THREADS runnable threads: losses counted exactly" t_starvation
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "stalled reader: no deadlock, losses counted, output resumes" t_stalled_reader
test_case ROOT,BTF,CMD_curl,CMD_python3,CMD_ss "$SCRAPES scrapes 50 at a time and idle clients: serving, RSS and fds flat, nothing lost" t_scrape_storm
test_done
