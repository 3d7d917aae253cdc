#!/bin/bash
# Live tests of -s/--summary, -i, --by and --metrics: real BPF, the latency
# generator's own measure, a real Prometheus server on 127.0.0.1. Each test
# picks free ports, makes its own cgroup v2 directory, and leaves nothing.
SUITE=summary
. "$(dirname "$0")/lib.sh"

eval "lib_$(declare -f check_prereq)"
eval "lib_$(declare -f test_case)"
check_prereq() {
	case $1 in
	CGROUP2) cgroup2_root > /dev/null || { echo "no cgroup2 file system mounted"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

# the cgroup v2 mount, from mountinfo (on this hybrid layout not /sys/fs/cgroup)
cgroup2_root() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; found = 1; exit } }
		END { exit !found }' /proc/self/mountinfo
}

# the cgroups the tests made (each test runs in a subshell: a file, not a
# variable), removed when the suite ends, after the processes are gone
CGROUPS_MADE=$TEST_TMP/cgroups-made
cleanup_summary() {
	local cg p
	cleanup_cgroups=$(cat "$CGROUPS_MADE" 2> /dev/null)
	cleanup
	for cg in $cleanup_cgroups; do
		[ -d "$cg" ] || continue
		# stragglers go back to the root, then the cgroup goes
		while read -r p; do echo "$p" > "$(dirname "$cg")/cgroup.procs" 2> /dev/null; done < "$cg/cgroup.procs"
		rmdir "$cg" 2> /dev/null || echo "# could not remove $cg" >&2
	done
}
trap cleanup_summary EXIT

# make_cgroup: a new v2 cgroup directly under the root; $cg_path is its path
# relative to the mount, $cg_dir the directory
make_cgroup() {
	cg_path=/rqs-test.$$.$RANDOM
	cg_dir=$(cgroup2_root)$cg_path
	mkdir "$cg_dir"
	echo "$cg_dir" >> "$CGROUPS_MADE"
}

# start_summary NAME ARGS...: --no-outliers text mode, waiting for its banner
start_summary() {
	local name=$1
	shift
	start_until "$name" '^Tracing run queue latency: a histogram' --no-outliers "$@"
}

# histogram_of FILE KEY: the last histogram printed for "KEY = ..." (or the
# only one with KEY empty): its bar lines and its "waits" line
histogram_of() {
	awk -v key="$2" '
		/^[0-9:]+ run-queue waits/ { grab = (key == ""); buf = ""; next }
		key != "" && / = / { grab = ($0 == key); if (grab) buf = ""; next }
		grab && /->/ { buf = buf $0 "\n" }
		grab && /^waits / { buf = buf $0 "\n"; last = buf; grab = (key == "") ? 0 : 0 }
		END { printf "%s", last }' "$1"
}

# count_in HISTOGRAM LOW: the count of the bar whose range starts at LOW us
count_in() { awk -v low="$2" '$1 == low && $2 == "->" { print $5 }' <<<"$1"; }

# slot_low US: the lower bound of the log2 slot holding US
slot_low() {
	local us=$1 low=1
	[ "$us" -lt 2 ] && { echo 0; return; }
	while [ $((low * 2)) -le "$us" ]; do low=$((low * 2)); done
	echo $low
}

# run_latgen_in CGROUP_DIR NAME ARGS...: the generator as a member of the cgroup
run_latgen_in() {
	local dir=$1 name=$2
	shift 2
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$dir" "$LATGEN" "$@" \
		> "$name.out" 2> "$name.err" || { cat "$name.err"; fail "latgen $* failed"; }
	parse_latgen "$name.out"
}

t_summary_beside_outliers() {
	start_latgen_paused gen -d 20 -n 5
	start_tracer rqs -s -p "$latgen_pid" 10000
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "$tracer_pid"
	# the outlier stream keeps running beside the summary
	match_waits gen.out rqs.out "$waiter_tid"
	h=$(histogram_of rqs.out "")
	[ -n "$h" ] || fail "no summary at exit: $(cat rqs.out)"
	note "$(grep '^waits' <<<"$h")"
	# every generated wait in its log2 slot
	for w in $(waits_of gen.out); do
		low=$(slot_low "$w")
		[ "$(count_in "$h" "$low")" -ge 1 ] || fail "no wait counted in the $low us slot for a $w us wait: $h"
	done
	n=$(sed -n 's/^waits \([0-9]*\),.*/\1/p' <<<"$h")
	[ "$n" -ge 5 ] || fail "$n waits counted, the generator made 5 over 10 ms"
	# the exact maximum, with the task that had it
	max=$(sed -n 's/.*, max \([0-9]*\) us (\(.*\) \([0-9]*\))$/\1 \2 \3/p' <<<"$h")
	read -r max_us max_comm max_tid <<<"$max"
	gmax=$(waits_of gen.out | sort -n | tail -1)
	[ "$max_comm" = waiter ] && [ "$max_tid" = "$waiter_tid" ] || fail "max not the waiter: $max"
	diff=$((gmax > max_us ? gmax - max_us : max_us - gmax))
	[ $diff -le $((gmax / 50 + 200)) ] || fail "max $max_us us, the generator's longest wait $gmax us"
	# percentiles are printed as bounds
	grep -qE '^waits [0-9]+, mean [0-9]+ us, p50 [0-9]+(-[0-9]+)? us, p90 [0-9]+(-[0-9]+)? us, p99 [0-9]+(-[0-9]+)? us, p99.9 [0-9]+(-[0-9]+)? us, max [0-9]+ us \(.*\)$' <<<"$h" ||
		fail "summary line: $(grep '^waits' <<<"$h")"
}

t_interval_summary_only() {
	start_summary rqs -i 1 --by comm
	# long waits in every interval, and many short ones on every CPU, some
	# of them between an interval's end and its read
	"$SLEEPERS" -n 50 -r 20000 -t 3 > /dev/null &
	load=$!
	bg_pids+=($load)
	run_latgen gen -d 20 -n 3 -i 900
	wait "$load"
	stop_tracer "$tracer_pid"
	! grep -q '^TIME ' rqs.out || fail "--no-outliers printed the outliers' header"
	n=$(grep -c '^[0-9:]* run-queue waits in the last 1 s:$' rqs.out)
	[ "$n" -ge 2 ] || fail "$n interval summaries in 3 s: $(cat rqs.out)"
	grep -q '^[0-9:]* run-queue waits, all [0-9.]* s:$' rqs.out || fail "no summary at exit"
	# the exit summary counts at least what the intervals did
	sum=$(awk '/in the last 1 s:/ { i = 1; next } /, all / { i = 0 } i && /^waits / { s += $2 } END { print s + 0 }' rqs.out)
	total=$(awk '/, all / { t = 1 } t && /^waits / { s += $2 } END { print s + 0 }' rqs.out)
	[ "$total" -ge "$sum" ] || fail "exit total $total < the intervals' $sum"
	# each interval's maximum is its own: at least the lower bound of its
	# longest wait's slot (one maximum slot instead of one per generation
	# parity loses it to a wait between the interval's end and its read:
	# with --by comm that read takes long enough to catch one)
	awk '/->/ { if ($5 > 0) hi = $1 } /^waits / { m = $0; sub(/.*, max /, "", m); sub(/ us.*/, "", m)
		if (m + 0 < hi) { print "max " m " us below its top slot " hi; bad = 1 } hi = 0 } END { exit bad }' rqs.out ||
		fail "an interval's maximum is not its longest wait: $(cat rqs.out)"
	note "$n intervals, $sum waits in them, $total in all"
}

t_by_comm() {
	start_latgen_paused gen -d 20 -n 4
	start_summary rqs --by comm -p "$latgen_pid"
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "$tracer_pid"
	h=$(histogram_of rqs.out "comm = waiter")
	[ -n "$h" ] || fail "no histogram for comm waiter: $(cat rqs.out)"
	for w in $(waits_of gen.out); do
		[ "$(count_in "$h" "$(slot_low "$w")")" -ge 1 ] || fail "wait of $w us not in waiter's histogram: $h"
	done
	grep -q '^comm = hog$' rqs.out || fail "no histogram for the hog"
	! grep -q 'not kept' rqs.out rqs.err || fail "overflow with a handful of keys"
}

t_by_cgroup_text() {
	make_cgroup
	lone_dir=$cg_dir lone_path=$cg_path
	make_cgroup
	start_summary rqs --by cgroup
	# one thread alone in its cgroup, waking 200 times a second: a wait is
	# the woken task's (next), whatever ran before it (idle, mostly)
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -n 1 -r 200 -t 1' sh "$lone_dir" "$SLEEPERS" > lone.out
	wakeups=$(sed -n 's/.* wakeups=\([0-9]*\) .*/\1/p' lone.out)
	run_latgen_in "$cg_dir" gen -d 20 -n 4
	sleep 0.3
	stop_tracer "$tracer_pid"
	lone=$(sed -n 's/^waits \([0-9]*\),.*/\1/p' <<<"$(histogram_of rqs.out "cgroup = $lone_path")")
	note "the lone sleeper woke $wakeups times; waits counted in its cgroup: ${lone:-0}"
	[ "${lone:-0}" -ge $((wakeups * 9 / 10)) ] || fail "$wakeups wakeups of the lone sleeper, ${lone:-0} waits in its cgroup"
	h=$(histogram_of rqs.out "cgroup = $cg_path")
	[ -n "$h" ] || fail "no histogram for cgroup $cg_path: $(grep '^cgroup =' rqs.out)"
	for w in $(waits_of gen.out); do
		[ "$(count_in "$h" "$(slot_low "$w")")" -ge 1 ] || fail "wait of $w us not in $cg_path: $h"
	done
	grep -q '^cgroup = /$' rqs.out || fail "no histogram for the root cgroup"
	note "$(grep -c '^cgroup = ' rqs.out) cgroups; $cg_path: $(grep '^waits' <<<"$h")"
}

t_max_keys_overflow() {
	# system-wide, two keys: every other COMM's waits go to the overflow
	start_summary rqs --by comm --max-keys 2
	run_latgen gen -d 5 -n 3
	stop_tracer "$tracer_pid"
	[ "$(grep -c '^comm = ' rqs.out)" = 3 ] || fail "expected 2 keys and the overflow: $(grep '^comm = ' rqs.out)"
	h=$(histogram_of rqs.out "comm = (not kept: more than --max-keys 2 keys)")
	n=$(sed -n 's/^waits \([0-9]*\),.*/\1/p' <<<"$h")
	[ "${n:-0}" -gt 0 ] || fail "no overflow histogram: $(cat rqs.out)"
	grep -qx "runqslower-ts: $n waits not kept per comm: more than --max-keys 2 keys" rqs.err ||
		fail "overflow not reported on stderr: $(cat rqs.err)"
}

# churn_cgroups BATCHES SIZE: BATCHES times, SIZE cgroups made, latgen's two
# 2 ms waits in each, a pause for the tool's next read to see them (it
# rescans the tree for unknown ids at most once a second: a cgroup removed
# before any scan saw it can only be "(unknown)"), then all removed; their
# paths in $churned
churn_cgroups() {
	local dirs
	churned=()
	for _ in $(seq "$1"); do
		dirs=()
		for _ in $(seq "$2"); do
			make_cgroup
			run_latgen_in "$cg_dir" gen -d 2 -n 2
			dirs+=("$cg_dir")
			churned+=("$cg_path")
		done
		sleep 1.3
		for d in "${dirs[@]}"; do
			# the exited generator leaves the cgroup populated for a moment
			for _ in $(seq 50); do rmdir "$d" 2> /dev/null && break; sleep 0.02; done
			[ ! -d "$d" ] || fail "cannot remove $d"
		done
	done
}

# More cgroups than --max-keys come and go: a removed cgroup's key leaves the
# map (or every later cgroup would be overflow), and its waits stay counted
t_removed_cgroups_retired() {
	local keys=24 n=40 h w missing=0 live
	start_summary rqs --by cgroup --max-keys $keys -i 1
	churn_cgroups 4 10
	sleep 1.2
	live=$(bpftool map dump name hist_keyed -j | jq length)
	stop_tracer "$tracer_pid"
	! grep -q 'not kept' rqs.out rqs.err || fail "overflow with removed cgroups in the map: $(grep 'not kept' rqs.err)"
	for p in "${churned[@]}"; do
		h=$(histogram_of rqs.out "cgroup = $p")
		w=$(sed -n 's/^waits \([0-9]*\),.*/\1/p' <<<"$h")
		[ "${w:-0}" -ge 2 ] || { missing=$((missing + 1)); note "$p: ${w:-no} waits in the total"; }
	done
	[ $missing = 0 ] || fail "$missing of $n removed cgroups lost their waits"
	note "$n cgroups made and removed under --max-keys $keys: none overflowed, each kept its waits; $live keys left in the map"
	[ "$live" -lt $keys ] || fail "$live keys in the map: removed cgroups were not taken out"

	# only served, nothing printed: at most --max-keys removed cgroups kept
	start_exporter exp --by cgroup --max-keys 16 --no-outliers 100000
	exporter=$tracer_pid
	churn_cgroups 6 4
	sleep 1.2
	scrape_until "$port" "cgroup=\"${churned[23]}\"" page.txt
	w=$(grep -c '^runqslower_ts_wait_seconds_count{cgroup="/rqs-test\.' page.txt || true)
	grep -q "^runqslower_ts_wait_overflow_seconds_count 0$" page.txt ||
		fail "overflow: $(grep '^runqslower_ts_wait_overflow_seconds_count' page.txt)"
	kill -TERM "$exporter"
	wait "$exporter" || fail "exporter exit $?"
	note "exporter: 24 removed cgroups, $w of them still served (--max-keys 16)"
	# at most 16 taken out of the map, and the last batch of 4, which may
	# still be in it (the map is not half full: no rescan for 10 s)
	[ "$w" -le 20 ] || fail "$w removed cgroups served, more than --max-keys 16 and the last 4"
	for i in 0 1 2 3; do
		! grep -q "cgroup=\"${churned[$i]}\"" page.txt || fail "the oldest removed cgroup ${churned[$i]} still served"
	done
	for i in 20 21 22 23; do
		grep -q "cgroup=\"${churned[$i]}\"" page.txt || fail "the latest removed cgroup ${churned[$i]} not served"
	done
}

# prom_query PROMPORT QUERY: the value of a one-element instant vector
prom_query() {
	curl -s --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" > q.json ||
		fail "query failed: $2"
	grep -q '"status":"success"' q.json || fail "query $2: $(cat q.json)"
	sed -n 's/.*"value":\[[0-9.e+]*,"\([^"]*\)"\].*/\1/p' q.json
}

t_prometheus_live() {
	make_cgroup
	# A, the exporter under test: every wait, by cgroup, system-wide
	start_exporter rqs --by cgroup --no-outliers 100000
	exporter=$tracer_pid a_port=$port
	b_port=$(free_port)
	prom_port=$(free_port)
	cat > prom.yml <<-EOC
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: rqs
	    static_configs:
	      - targets: ['127.0.0.1:$a_port']
	  - job_name: rqs-pid
	    static_configs:
	      - targets: ['127.0.0.1:$b_port']
	EOC
	prometheus --config.file=prom.yml --storage.tsdb.path="$PWD/tsdb" \
		--web.listen-address="127.0.0.1:$prom_port" --log.level=warn > prom.log 2>&1 &
	prom=$!
	bg_pids+=("$prom")
	# the generator in its cgroup, held until everything is ready; B, an
	# exporter, and C, the text mode, for its process only: the same outliers
	mkfifo go
	sh -c 'echo $$ > "$1/cgroup.procs" && read -r _ < "$2" && shift 2 && exec "$@"' sh "$cg_dir" go \
		"$LATGEN" -d 150 -n 20 -i 20 > gen.out 2> gen.err &
	gen=$!
	bg_pids+=($gen)
	latgen_pid=$gen
	# a tracer of processes ends when they have all exited: a sleeping
	# keeper, with no waits of its own, holds B and C until the end
	sleep 120 &
	keeper=$!
	bg_pids+=($keeper)
	PORT=$b_port start_exporter pid -p "$latgen_pid,$keeper" --no-outliers 100000
	b_exporter=$tracer_pid
	start_tracer txt -p "$latgen_pid,$keeper" 100000
	text=$tracer_pid
	for i in $(seq 100); do
		[ "$(prom_query "$prom_port" 'sum(up)' 2> /dev/null)" = 2 ] && break
		kill -0 "$prom" || { cat prom.log; fail "prometheus exited"; }
		sleep 0.2
	done
	[ "$(prom_query "$prom_port" 'sum(up)')" = 2 ] || { cat prom.log; fail "prometheus does not scrape both exporters"; }
	note "ready (prometheus scraping both) $((i * 200)) ms after the exporters"
	echo go > go
	# beside the generator's 20 long waits, some 500 short ones of a sleeper
	# in the same cgroup: p99 is then the generator's, even if one of the
	# cgroup's other waits is longer still (the controller's, on a busy
	# machine)
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -n 1 -r 150 -t 4' sh "$cg_dir" "$SLEEPERS" > side.out &
	side=$!
	bg_pids+=($side)
	wait "$gen" || fail "latgen failed: $(cat gen.err)"
	parse_latgen gen.out
	wait "$side"
	# two more scrapes
	sleep 2.5
	sel="cgroup=\"$cg_path\""
	inc=$(prom_query "$prom_port" "increase(runqslower_ts_wait_seconds_count{$sel}[1m])")
	q99=$(prom_query "$prom_port" "histogram_quantile(0.99, sum by (le) (rate(runqslower_ts_wait_seconds_bucket{$sel}[1m])))")
	outliers=$(prom_query "$prom_port" 'runqslower_ts_outliers_total{job="rqs-pid"}')
	curl -s --max-time 5 "http://127.0.0.1:$a_port/metrics" > page.txt
	promtool check metrics < page.txt > promtool.out 2>&1 || fail "promtool check metrics: $(cat promtool.out)"
	[ ! -s promtool.out ] || fail "promtool check metrics: $(cat promtool.out)"
	stop_tracer "$text"
	for p in $exporter $b_exporter; do
		kill -TERM "$p"
		wait "$p" || fail "exporter exit status $? after SIGTERM"
	done
	kill -TERM "$prom"
	wait "$prom" || true
	# the keeper has held B and C to the end: once out of bg_pids, the
	# test's closing wait would otherwise sit out its 120 s
	kill "$keeper" 2> /dev/null || true
	bg_pids=()
	for p in $a_port $b_port $prom_port; do
		! ss -Hltn "sport = :$p" | grep -q . || fail "port $p still open"
	done
	! kill -0 "$prom" 2> /dev/null || fail "prometheus still running"
	# nothing left: the generator has exited, its cgroup goes (the TSDB is
	# in the test's directory, removed with it)
	rmdir "$cg_dir" || fail "cannot remove $cg_dir"

	printed=$(($(wc -l < txt.out) - 2))
	gen_med=$(waits_of gen.out | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	note "increase(runqslower_ts_wait_seconds_count{$sel}[1m]) = $inc"
	note "histogram_quantile(0.99, ...{$sel}) = $q99 s; generator's waits (us): $(waits_of gen.out | tr '\n' ' ')"
	note "runqslower_ts_outliers_total{job=\"rqs-pid\"} = $outliers; the text mode printed $printed"
	awk -v v="$inc" 'BEGIN { exit !(v > 0) }' || fail "increase() of the cgroup's count is '$inc'"
	# within one log2 bucket of the generator's own waits
	awk -v q="$q99" -v g="$gen_med" 'BEGIN { d = log(q * 1e6 / g) / log(2); exit !(q > 0 && d <= 1 && d >= -1) }' ||
		fail "p99 $q99 s is more than one log2 bucket from the generator's $gen_med us"
	[ "$outliers" = "$printed" ] || fail "outliers_total $outliers, the text mode printed $printed: $(cat txt.out)"
	[ "$(lats_of txt.out "$waiter_tid" | wc -l)" = 20 ] || fail "the text mode lacks the 20 waits: $(cat txt.out)"
}

t_bad_input() {
	set +e
	busy=$(free_port)
	sleep 30 > /dev/null &
	# something else listening: a port in use
	start_exporter first --no-outliers
	"$RQS" --metrics "127.0.0.1:$port" > out 2> err
	rc=$?
	set -e
	[ $rc = 2 ] && [ "$(wc -l < err)" = 1 ] || fail "port in use: exit $rc, $(cat err)"
	grep -qx "runqslower-ts: cannot listen on 127.0.0.1:$port: Address already in use" err || fail "$(cat err)"
	for args in "--metrics 192.0.2.1:$busy|cannot listen on 192.0.2.1:$busy: Cannot assign requested address" \
		"--metrics [2001:db8::1]:$busy|cannot listen on [2001:db8::1]:$busy: Cannot assign requested address" \
		"-i 0|invalid interval '0': too small" \
		"--by pid|invalid --by key 'pid': expected cpu, comm or cgroup" \
		"--metrics localhost:$busy|invalid metrics address 'localhost:$busy': not a numeric IPv4 or IPv6 address"; do
		set +e
		# shellcheck disable=SC2086
		"$RQS" ${args%%|*} > out 2> err
		rc=$?
		set -e
		[ $rc = 2 ] || fail "'${args%%|*}': exit $rc: $(cat err)"
		[ "$(wc -l < err)" = 1 ] && [[ $(cat err) == "runqslower-ts: ${args#*|}"* ]] || fail "'${args%%|*}': $(cat err)"
		[ ! -s out ] || fail "'${args%%|*}' printed: $(cat out)"
	done
	kill %1
}

# send PORT: stdin to the exporter, its answer's status line
send() { timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"'; cat >&3; cat <&3' | head -1 | tr -d '\r'; }

t_hostile_clients() {
	start_exporter rqs --by comm --no-outliers
	# idle connections that never send a byte, held open meanwhile
	for i in $(seq 10); do
		exec {fd}<>/dev/tcp/127.0.0.1/"$port"
		idle+=($fd)
	done
	# libmicrohttpd answers what it can parse with an error status...
	st=$(printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' | send "$port")
	[ "$st" = "HTTP/1.1 400 Bad Request" ] || fail "a header line without a colon: '$st'"
	st=$(printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n' | send "$port")
	[ "$st" = "HTTP/1.1 400 Bad Request" ] || fail "Content-Length: abc: '$st'"
	st=$(printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' | send "$port")
	[ "$st" = "HTTP/1.1 400 Bad Request" ] || fail "a bad chunk: '$st'"
	# ...and closes a connection whose request line is not HTTP at all
	st=$(printf 'GARBAGE\r\n\r\n' | send "$port")
	[ -z "$st" ] || fail "garbage request line: '$st'"
	st=$(printf '\x00\x01\x02\r\n\r\n' | send "$port")
	[ -z "$st" ] || fail "binary request line: '$st'"
	st=$(printf 'GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n' | send "$port")
	case $st in "HTTP/1.1 505"*) ;; *) fail "HTTP/9.9: '$st'" ;; esac
	st=$( { printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: '; head -c 40000 /dev/zero | tr '\0' a; printf '\r\n\r\n'; } | send "$port")
	[ "$st" = "HTTP/1.1 431 Request Header Fields Too Large" ] || fail "a 40 KB header: '$st'"
	st=$(printf 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' | send "$port")
	[ "$st" = "HTTP/1.1 405 Method Not Allowed" ] || fail "POST: '$st'"
	st=$(printf 'GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | send "$port")
	[ "$st" = "HTTP/1.1 404 Not Found" ] || fail "unknown path: '$st'"
	# a request cut off half-way, then the client is gone
	printf 'GET /metr' | timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"'; cat >&3' || true
	# still serving, promptly, with the idle connections open
	t0=$(date +%s%N)
	code=$(curl -s -o page.txt -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/metrics")
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$code" = 200 ] || fail "a scrape after the hostile ones: HTTP $code"
	grep -q '^runqslower_ts_wait_seconds_count{comm=' page.txt || fail "page: $(head page.txt)"
	[ "$(curl -s -I --max-time 3 "http://127.0.0.1:$port/metrics" | head -1 | tr -d '\r')" = "HTTP/1.1 200 OK" ] || fail "HEAD"
	curl -s -D headers -o /dev/null --max-time 3 "http://127.0.0.1:$port/metrics"
	grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' headers || fail "content type: $(cat headers)"
	for fd in "${idle[@]}"; do exec {fd}>&-; done
	# the connection limit: with all 32 taken, no more; freed, served again
	idle=()
	for i in $(seq 32); do
		exec {fd}<>/dev/tcp/127.0.0.1/"$port"
		idle+=($fd)
	done
	opened=$(date +%s)
	sleep 0.5
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/metrics" || true)
	[ "$code" = 000 ] || fail "a 33rd connection was served (HTTP $code)"
	for fd in "${idle[@]:1}"; do exec {fd}>&-; done
	sleep 0.5
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/metrics")
	[ "$code" = 200 ] || fail "not served once connections were freed: HTTP $code"
	# the timeout: the server closes a connection idle for 10 s
	fd=${idle[0]}
	timeout 15 cat <&"$fd" > /dev/null || fail "an idle connection still open after 15 s"
	closed=$(($(date +%s) - opened))
	exec {fd}>&-
	[ $closed -ge 9 ] && [ $closed -le 13 ] || fail "an idle connection closed after $closed s, not 10"
	kill -0 "$tracer_pid" || fail "the exporter died"
	note "scrape answered in $ms ms with 10 idle connections open; a 33rd connection refused; an idle one closed after $closed s"
	stop_tracer "$tracer_pid"
}

# The program with the summary off is the outlier-only program: the verifier
# removes the histogram code as dead (cfg.summary is read-only), so the
# translated sched_switch references no histogram map. (map_ids lists what
# the program referenced before verification, dead code included.)
t_off_costs_nothing() {
	for mode in off on; do
		args=(1000000); [ $mode = on ] && args=(-s 1000000)
		start_tracer rqs.$mode "${args[@]}"
		id=$(cat /proc/"$tracer_pid"/fdinfo/* 2> /dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u |
			while read -r p; do if bpftool prog show id "$p" | grep -q 'name handle_sched_switch '; then echo "$p"; fi; done)
		[ -n "$id" ] || fail "no sched_switch program found"
		bpftool prog dump xlated id "$id" > xlated.$mode
		maps=$(bpftool prog show id "$id" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p')
		hist_ids=$(for m in ${maps//,/ }; do if bpftool map show id "$m" | grep -qE 'name hist_(cpu|keyed) '; then echo "$m"; fi; done)
		[ "$(wc -w <<<"$hist_ids")" = 2 ] || fail "histogram maps not found among $maps"
		used=0
		for m in $hist_ids; do if grep -q "map\[id:$m\]" xlated.$mode; then used=$((used + 1)); fi; done
		insns=$(grep -cE '^ *[0-9]+: ' xlated.$mode)
		note "summary $mode: sched_switch $insns instructions, $used histogram maps referenced"
		eval "insns_$mode=$insns used_$mode=$used"
		stop_tracer "$tracer_pid"
		bg_pids=()
	done
	[ "$used_off" = 0 ] || fail "with the summary off sched_switch still references $used_off histogram maps"
	[ "$used_on" -ge 1 ] || fail "with -s sched_switch references no histogram map"
	[ "$insns_on" -gt "$insns_off" ] || fail "with -s the program is not larger ($insns_on vs $insns_off)"
}

t_valgrind_exporter() {
	valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$TOP/tests/live/valgrind.supp" \
		"$RQS" -s -i 1 --by cgroup --max-keys 8 --metrics "127.0.0.1:$(free_port)" 100000 > out 2> err &
	vg=$!
	bg_pids+=($vg)
	for _ in $(seq 600); do grep -q "^Serving metrics on " out 2> /dev/null && break; sleep 0.1; done
	port=$(sed -n 's/^Serving metrics on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' out)
	[ -n "$port" ] || fail "did not start under valgrind: $(cat err)"
	run_latgen gen -d 5 -n 3
	scrape_until "$port" '^runqslower_ts_wait_seconds_count{cgroup="/"}' page.txt
	# removed cgroups taken out of the map (half of 8 keys: every second)
	churn_cgroups 2 3
	sleep 1.2
	scrape_until "$port" "^runqslower_ts_wait_seconds_count{cgroup=\"${churned[5]}\"}" page.txt
	printf 'GARBAGE\r\n\r\n' | send "$port" > /dev/null
	sleep 1.2
	kill -TERM $vg
	wait $vg || fail "valgrind exit $?: $(grep '^==' err | head -20)"
	bg_pids=()
	! grep -q '^==' err || fail "valgrind reports: $(grep '^==' err | head)"
}

# ONLY=t_name runs one test (when working on it)
test_case() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$3" ] || return 0; lib_test_case "$@"; }
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-s: every generated wait in its log2 slot, exact maximum, outliers beside" t_summary_beside_outliers
test_case ROOT,BTF "-i with --no-outliers: interval histograms and the total, no outliers" t_interval_summary_only
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "--by comm: the waiter's histogram holds its waits" t_by_comm
test_case ROOT,BTF,MULTICPU,CGROUP2 "--by cgroup: a new cgroup's histogram holds the generator's waits" t_by_cgroup_text
test_case ROOT,BTF,MULTICPU "--max-keys: keys over it are counted as overflow and reported" t_max_keys_overflow
test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_bpftool,CMD_jq,CMD_curl "removed cgroups leave the map, keep their waits; an exporter keeps --max-keys of them" t_removed_cgroups_retired
test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_prometheus,CMD_promtool,CMD_curl "a real Prometheus scrapes --by cgroup: increase, p99, outliers, promtool" t_prometheus_live
test_case ROOT,BTF,CMD_ss "bad input: one line, exit 2 (port in use, unbindable address, -i 0, --by pid)" t_bad_input
test_case ROOT,BTF,CMD_curl "malformed and idle HTTP clients: errors, and the exporter keeps serving" t_hostile_clients
test_case ROOT,BTF,CMD_bpftool "summary off: the histogram code is not in the loaded program" t_off_costs_nothing
test_case ROOT,BTF,VALGRIND,CGROUP2,CMD_curl "valgrind-clean exporter (HTTP thread, intervals, cgroup names, removed cgroups)" t_valgrind_exporter
test_done
