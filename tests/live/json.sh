#!/bin/bash
# Live suite: -j makes stdout JSON Lines whatever else is on (-s, -i, --by,
# --no-outliers, --stats, -d), the summaries included, with the figures of
# the text summary and the generator's waits in them.
SUITE=json
. "$(dirname "$0")/lib.sh"

# run_json NAME ARGS...: the tool with -j ARGS; with -d it ends by itself,
# else SIGINT 2.5 s after its start record. Waits for it.
run_json() {
	local name=$1 pid
	shift
	"$RQS" -j "$@" > "$name.out" 2> "$name.err" &
	pid=$!
	bg_pids+=("$pid")
	if [[ " $* " != *" -d "* ]]; then
		for _ in $(seq 100); do grep -q '^{"type":"start"' "$name.out" && break; sleep 0.1; done
		sleep 2.5
		kill -INT "$pid" 2> /dev/null || true
	fi
	wait "$pid" || fail "-j $*: exit $?: $(cat "$name.err")"
	# (a machine with more names or cgroups than --max-keys keys overflows
	# the map: counted, said on stderr, and a series of the records)
	[ -z "$(stderr_besides_missed "$name.err" '^runqslower-ts: [0-9]+ waits not kept per (comm|cgroup)( in all)?: more than --max-keys [0-9]+ keys$')" ] ||
		fail "-j $*: stderr: $(cat "$name.err")"
}

# -s, -i, --no-outliers, --stats and -d: all 32 combinations of those five
# on and off, each run with every --by (the four at once), beside a
# generator making 15 ms waits; and --metrics.
t_json_every_combination() {
	local s i q st d by args base name want n=0 pids
	"$LATGEN" -d 15 -n 100000 -i 100 > gen.out 2> gen.err &
	bg_pids+=($!)
	for _ in $(seq 50); do [ -s gen.out ] && break; sleep 0.1; done
	parse_latgen gen.out
	for combo in $(seq 0 31); do
		s=$((combo & 1)) i=$((combo >> 1 & 1)) q=$((combo >> 2 & 1)) st=$((combo >> 3 & 1)) d=$((combo >> 4 & 1))
		pids=() base=()
		[ $s = 1 ] && base+=(-s)
		[ $i = 1 ] && base+=(-i 1)
		[ $q = 1 ] && base+=(--no-outliers)
		[ $st = 1 ] && base+=(--stats)
		[ $d = 1 ] && base+=(-d 3)
		for by in none cpu comm cgroup; do
			args=("${base[@]}")
			[ $by != none ] && args+=(--by "$by")
			name=c$combo.$by
			echo "-j ${args[*]}" > "$name.args"
			run_json "$name" "${args[@]}" 10000 &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait "$p" || fail "a run of combination $combo failed"; done
		for by in none cpu comm cgroup; do
			name=c$combo.$by
			want="summary=none"
			[ $s = 1 ] || [ $q = 1 ] || [ $by != none ] && want="summary=final"
			[ $i = 1 ] && want="summary=intervals"
			python3 "$TOP/tests/live/json_lines.py" "$name.out" $want by=$by events=$((1 - q)) \
				stats=$st waiter="$waiter_tid" > "$name.check" ||
				fail "$(cat "$name.args"): $(cat "$name.check")"
			n=$((n + 1))
		done
		note "-j ${base[*]}$([ $d = 1 ] || echo ' (SIGINT)'), each --by; --by comm: $(cat c$combo.comm.check)"
	done
	# --metrics: its URL in the start record, no "Serving metrics" line
	# (with --no-outliers the summary is only served: no summary records)
	port=$(free_port)
	run_json m --metrics "127.0.0.1:$port" --no-outliers -d 2 10000
	python3 "$TOP/tests/live/json_lines.py" m.out summary=none by=none events=0 stats=0 > m.check ||
		fail "-j --metrics: $(cat m.check)"
	head -1 m.out | grep -q "\"metrics_url\":\"http://127.0.0.1:$port/metrics\"" ||
		fail "-j --metrics: start record $(head -1 m.out)"
	note "$((n + 1)) runs, every line of stdout JSON"
}

# The summary record's sum_ns against the generator's waits (and the record
# is the text's: the mean is the sum over the count)
t_json_sum() {
	start_latgen_paused gen -s 5000 -d 20 -n 6 -i 100
	start_tracer rqs -j -s --by comm -p "$latgen_pid" 10000
	release_latgen
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "$tracer_pid"
	python3 "$TOP/tests/live/json_lines.py" rqs.out summary=final by=comm events=1 stats=0 \
		waiter="$waiter_tid" > check || fail "$(cat check)"
	python3 - rqs.out "$waiter_tid" <<-'PY'
	import json, sys
	recs = [json.loads(l) for l in open(sys.argv[1])]
	w = [r for r in recs if r["type"] == "summary" and r.get("key") == "waiter"][0]
	with open("sum", "w") as f:
	    print(w["sum_ns"] // 1000, w["count"], w["mean_us"], file=f)
	with open("buckets", "w") as f:
	    for b in w["buckets"]:
	        print(b["low_us"], "-" if b["high_us"] is None else b["high_us"], b["count"], file=f)
	with open("printed", "w") as f:
	    for r in recs:
	        if r["type"] == "event" and r["tid"] == int(sys.argv[2]):
	            print(r["mono_ns"] // 1000, r["lat_us"], file=f)
	PY
	read -r sum n mean < sum
	check_wait_sum "waiter: sum_ns/1000 $sum, count $n, mean_us $mean" gen.out "$sum" $((sum + 1)) buckets printed
}

# -i 1 beside 1000 threads of 1000 COMMs waking 20000 times a second: each
# interval record's maximum is a wait its buckets count (it lies in the last
# bucket, which no wait of the interval exceeds), however the waits fall
# about the interval's end and however long the read of 1000 keys takes.
# --by comm (the hash map) and --by cpu (the per-CPU array) at once; no
# outlier events (1 s threshold), no key over --max-keys.
t_json_interval_max() {
	local by n
	"$SLEEPERS" -n 1000 -r 20000 -w 20 -c 1000 -t 11 > load.out 2> load.err &
	bg_pids+=($!)
	for by in comm cpu; do
		"$RQS" -j -i 1 --no-outliers --by $by --max-keys 4096 -d 10 1000000 > $by.out 2> $by.err &
		bg_pids+=($!)
	done
	wait
	for by in comm cpu; do
		[ -z "$(stderr_besides_missed "$by.err")" ] || fail "--by $by: stderr: $(cat "$by.err")"
		n=$(grep -c '"final":false' "$by.out" || true)
		[ "$n" -ge 1000 ] || [ $by = cpu ] || fail "--by comm: $n interval records"
		python3 "$TOP/tests/live/json_lines.py" "$by.out" summary=intervals by=$by \
			events=0 stats=0 > "$by.check" || fail "--by $by: $(cat "$by.check")"
	done
	note "--by comm under $(sed -n 's/.*wakeups_per_sec=\([0-9]*\).*/\1/p' load.out) wakeups/s: $(cat comm.check)"
}

test_case ROOT,BTF,MULTICPU,CMD_python3,CMD_ss "-j: every line JSON with -s, -i, --by, --no-outliers, --stats, -d, every combination" t_json_every_combination
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_python3 "-j -s: the summary record's sum holds the generator's waits" t_json_sum
test_case ROOT,BTF,MULTICPU,CMD_python3 "-j -i 1: each interval's maximum lies in its last bucket under load" t_json_interval_max
test_done
