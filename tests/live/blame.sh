#!/bin/bash
# Live tests of --blame-by cgroup: who delays whom. Cgroups of the test's
# own, with known tenants pinned to known CPUs; the tool's charges read
# from its text summary and through a real Prometheus.
SUITE=blame
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgroup_lib.sh"

eval "lib_$(declare -f check_prereq)"
check_prereq() {
	case $1 in
	PERCPU_LOOKUP)
		# Linux 5.19: another CPU's map value from a tracing program
		bpftool btf dump file /sys/kernel/btf/vmlinux 2> /dev/null | grep -q "'BPF_FUNC_map_lookup_percpu_elem'" ||
			{ echo "the kernel has no bpf_map_lookup_percpu_elem (Linux 5.19): the first CPU's part is uncovered"; return 1; } ;;
	CPU_QUOTA) cpu_quota_dir > /dev/null || { echo "no cpu controller to set a CFS quota in (cgroup v2 cpu.max or v1 cpu.cfs_quota_us)"; return 1; } ;;
	THROTTLE_COUNT)
		# Linux 6.6: the cfs_rq's count of its throttled time
		bpftool btf dump file /sys/kernel/btf/vmlinux 2> /dev/null | grep -q "'throttled_clock_self_time'" ||
			{ echo "the kernel keeps no throttled time per cfs_rq (throttled_clock_self_time, Linux 6.6)"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

# cpu_quota_dir: where a cgroup with a CFS quota can be made: the v2 root
# when the cpu controller is there, else v1's cpu hierarchy (this host's
# hybrid layout)
cpu_quota_dir() {
	local r
	r=$(cgroup2_root) && grep -qw cpu "$r/cgroup.subtree_control" 2> /dev/null && { echo "$r"; return 0; }
	awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; found = 1; exit } END { exit !found }' /proc/self/mounts
}

# run_in CPU DIR... -- CMD...: CMD pinned to CPU, a member of each cgroup DIR
run_in() {
	local cpu=$1 dirs=()
	shift
	while [ "$1" != -- ]; do dirs+=("$1"); shift; done
	shift
	taskset -c "$cpu" sh -c 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; done; shift; exec "$@"' \
		sh "${dirs[@]}" -- "$@" &
	bg_pids+=($!)
}

hog() { sh -c 'while :; do :; done'; }

# blame_of FILE CGROUP: "CULPRIT SECONDS" lines under CGROUP's last
# histogram in a text summary
blame_of() {
	awk -v key="cgroup = $2" '
		/ run-queue waits/ { grab = 0 }
		/^cgroup = / { grab = ($0 == key); cul = 0; if (grab) delete s; next }
		grab && /^     ran instead / { cul = 1; next }
		grab && cul && /^        / { s[$1] = $2 }
		END { for (c in s) print c, s[c] }' "$1"
}

# waited_of FILE CGROUP: the seconds CGROUP's tasks waited (its histogram's sum)
waited_of() {
	awk -v key="cgroup = $2" '
		/^cgroup = / { grab = ($0 == key); next }
		grab && /ran instead \(of / { v = $4 }
		END { print v + 0 }' "$1"
}

# share NUMERATOR DENOMINATOR: per cent, one decimal
share() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }

# check_ran_instead_cgroups FILE TID PATH: in the -B -j events of FILE,
# TID is named in RAN INSTEAD, and always with the cgroup PATH (and an id)
check_ran_instead_cgroups() {
	local named wrong
	named=$(jq -r --argjson t "$2" 'select(.type == "event") | .blame[] | select(.tid == $t) | .cgroup' "$1" | wc -l)
	wrong=$(jq -c --argjson t "$2" --arg p "$3" 'select(.type == "event") | .blame[] |
		select(.tid == $t and (.cgroup != $p or (.cgroup_id | type) != "number"))' "$1" | head -3)
	note "-B: $(grep -c '"type":"event"' "$1") outliers, the hog $2 named in $named of them; $(jq -c 'select(.type == "event") | .blame[0]' "$1" | head -1)"
	[ "$named" -ge 1 ] || fail "-B never named the hog $2: $(grep -m 3 '"type":"event"' "$1")"
	[ -z "$wrong" ] || fail "-B named the hog $2 without its cgroup $3: $wrong"
}

# Three cgroups of known tenants: A, a periodic sleeper on CPU 1; B, a CPU
# hog on CPU 1; C, a hog on CPU 0. A's waits are B's doing, and never C's.
# Tasks outside the test's cgroups (the machine's own, or any load beside
# the suite) run on CPU 1 too and are rightly charged: the shares are taken
# of A's wait less what those held, and less what the tool calls uncovered
# (at most 5% of it: a busy CPU can make more changes of cgroup during one
# wait than the record holds; on a machine so busy that it is more, the
# round is made again, up to 3 times).
t_neighbour_ground_truth() {
	local attempt
	for attempt in 1 2 3; do
		too_uncovered=0
		neighbour_round
		[ $too_uncovered = 1 ] || return 0
		stop_background
		rm -rf tsdb
	done
	fail "over 5% of A's wait uncovered in each of 3 rounds"
}

# One round of t_neighbour_ground_truth; too_uncovered=1 when too much of
# A's wait was uncovered to tell B's share (called plainly, so that set -e
# holds in it)
neighbour_round() {
	make_cgroup
	top=$cg_dir top_path=$cg_path
	mkdir "$top/A" "$top/B" "$top/C"
	start_exporter rqs --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
	exporter=$tracer_pid
	start_until txt "^Tracing run queue latency: a histogram" -s --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
	text=$tracer_pid
	start_until json '"type":"start"' -j -s --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
	json=$tracer_pid
	# -B, outliers over 1 ms: what ran instead, each with its cgroup
	start_until ran '"type":"start"' -j -B 5 --cgroup "$top/A" 1000
	ran=$tracer_pid
	prom_port=$(free_port)
	prom_config rqs="$port"
	start_prometheus "$prom_port"
	prom_until "$prom_port" 100 'up=1'
	run_in 1 "$top/B" -- sh -c 'while :; do :; done'
	hog_b=${bg_pids[-1]}
	run_in 0 "$top/C" -- sh -c 'while :; do :; done'
	run_in 1 "$top/A" -- "$SLEEPERS" -n 1 -r 200 -w 100 -t 20 > sleepers.out
	a=${bg_pids[-1]}
	wait "$a" || fail "sleepers: $(cat sleepers.out)"
	sleep 2.5	# a last scrape
	curl -s --max-time 5 "http://127.0.0.1:$port/metrics" > page.txt
	grep -q '^runqslower_ts_wait_blame_seconds_total{cgroup=' page.txt || fail "no blame series on the page"
	promtool check metrics < page.txt > promtool.out 2>&1 || fail "promtool check metrics: $(cat promtool.out)"
	[ ! -s promtool.out ] || fail "promtool check metrics: $(cat promtool.out)"
	q_a='{cgroup="'$top_path'/A"'
	for c in B C; do
		prom_query "$prom_port" "sum(runqslower_ts_wait_blame_seconds_total$q_a,culprit=\"$top_path/$c\"})" > "prom.$c" || true
	done
	prom_query "$prom_port" "runqslower_ts_wait_seconds_sum$q_a}" > prom.sum
	prom_query "$prom_port" "sum(runqslower_ts_wait_blame_seconds_total$q_a,culprit!~\"$top_path/.*|self|throttled|uncovered\"})" > prom.outside || true
	prom_query "$prom_port" "sum(runqslower_ts_wait_blame_seconds_total$q_a,culprit=\"uncovered\"})" > prom.uncovered || true
	stop_tracer "$text"
	stop_tracer "$json"
	stop_tracer "$exporter"
	stop_tracer "$ran"
	check_ran_instead_cgroups ran.out "$hog_b" "$top_path/B"
	blame_of txt.out "$top_path/A" > blame.A
	# -j: the final summary record of A, its culprits in seconds
	jq -r --arg k "$top_path/A" 'select(.type == "summary" and .final and .key == $k) |
		"sum \(.sum_ns / 1e9)", (.blame[] | "\(.culprit) \(.ns / 1e9)")' json.out > json.A
	[ -s json.A ] || fail "no final JSON summary of A with its culprits: $(grep '"summary"' json.out | tail -3)"
	note "text: A waited $(waited_of txt.out "$top_path/A") s; $(tr '\n' ';' < blame.A)"
	note "prometheus: A waited $(cat prom.sum) s; B $(cat prom.B) s, C $(cat prom.C) s, outside the test $(cat prom.outside) s"
	# the same checks on both surfaces
	local sum b c outside unc
	for src in text prom json; do
		if [ $src = json ]; then
			sum=$(awk '$1 == "sum" { print $2 }' json.A)
			b=$(awk -v k="$top_path/B" '$1 == k { print $2 }' json.A)
			c=$(awk -v k="$top_path/C" '$1 == k { print $2 }' json.A)
			outside=$(awk -v t="$top_path/" '$1 != "sum" && index($1, t) != 1 && $1 != "self" && $1 != "throttled" && $1 != "uncovered" { s += $2 } END { print s + 0 }' json.A)
			unc=$(awk '$1 == "uncovered" { print $2 }' json.A)
		elif [ $src = text ]; then
			sum=$(waited_of txt.out "$top_path/A")
			b=$(awk -v k="$top_path/B" '$1 == k { print $2 }' blame.A)
			c=$(awk -v k="$top_path/C" '$1 == k { print $2 }' blame.A)
			outside=$(awk -v t="$top_path/" 'index($1, t) != 1 && $1 != "self" && $1 != "throttled" && $1 != "uncovered" { s += $2 } END { print s + 0 }' blame.A)
			unc=$(awk '$1 == "uncovered" { print $2 }' blame.A)
		else
			sum=$(cat prom.sum) b=$(cat prom.B) c=$(cat prom.C) outside=$(cat prom.outside) unc=$(cat prom.uncovered)
		fi
		awk -v s="$sum" 'BEGIN { exit !(s > 0) }' || fail "$src: A's waits not counted"
		# what the tool says it does not know (uncovered: a busy machine's
		# tasks made more changes of cgroup on CPU 1 during a wait than
		# its record holds) is nobody's share, and stays small
		note "$src: B $(share "${b:-0}" "$(awk -v s="$sum" -v o="${outside:-0}" -v u="${unc:-0}" 'BEGIN { print s - o - u }')")% of A's wait beside the machine's own tasks and uncovered (${unc:-0} s), C $(share "${c:-0}" "$sum")% of all of it"
		awk -v s="$sum" -v o="${outside:-0}" -v u="${unc:-0}" -v b="${b:-0}" 'BEGIN { exit !(b >= 0.8 * (s - o - u)) }' ||
			fail "$src: B charged ${b:-0} s of A's $sum s wait ($outside s held by other tasks of the machine, ${unc:-0} s uncovered): under 80%"
		awk -v s="$sum" -v u="${unc:-0}" 'BEGIN { exit !(u <= 0.05 * s) }' ||
			{ note "$src: ${unc:-0} s of A's $sum s wait uncovered: over 5%"; too_uncovered=1; return 0; }
		awk -v s="$sum" -v c="${c:-0}" 'BEGIN { exit !(c <= 0.02 * s) }' ||
			fail "$src: C, on the other CPU, charged ${c:-0} s of A's $sum s wait: over 2%"
	done
	! grep -qE '^\((idle|unknown)\) ' blame.A || fail "a culprit without a cgroup (the idle task charged?): $(cat blame.A)"
	return 0
}

# A cgroup over its CFS quota (10 ms per 100 ms) holds a hog and a periodic
# sleeper on one CPU: their waits are the quota's, charged to "throttled",
# not to each other (self). The cgroup's own throttled time (cpu.stat) is
# the cross-check.
t_throttled() {
	local qdir r sum thr self outside stat
	make_cgroup
	top=$cg_dir top_path=$cg_path
	r=$(cgroup2_root)
	qdir=$(cpu_quota_dir)/rqs-quota.$$.$RANDOM
	if [ "$(cpu_quota_dir)" = "$r" ]; then
		echo "+cpu" > "$top/cgroup.subtree_control" 2> /dev/null || true
		qdir=$top/q
		mkdir "$qdir"
		echo "10000 100000" > "$qdir/cpu.max"
		dirs=("$qdir")
		key=$top_path/q
	else
		mkdir "$qdir"
		echo "$qdir" >> "$CGROUPS_MADE"
		echo 100000 > "$qdir/cpu.cfs_period_us"
		echo 10000 > "$qdir/cpu.cfs_quota_us"
		mkdir "$top/q"
		dirs=("$qdir" "$top/q")
		key=$top_path/q
	fi
	start_until txt "^Tracing run queue latency: a histogram" -s --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
	text=$tracer_pid
	# -B, outliers over 5 ms: each with the time its group was throttled
	start_until ran '"type":"start"' -j -B --cgroup "$top" 5000
	ran=$tracer_pid
	run_in 1 "${dirs[@]}" -- sh -c 'while :; do :; done'
	run_in 1 "${dirs[@]}" -- "$SLEEPERS" -n 1 -r 50 -t 10 > sleepers.out
	sleeper=${bg_pids[-1]}
	wait "$sleeper" || fail "sleepers: $(cat sleepers.out)"
	stop_tracer "$text"
	stop_tracer "$ran"
	stat=$(tr '\n' ' ' < "$qdir/cpu.stat")
	blame_of txt.out "$key" > blame.q
	sum=$(waited_of txt.out "$key")
	thr=$(awk '$1 == "throttled" { print $2 }' blame.q)
	self=$(awk '$1 == "self" { print $2 }' blame.q)
	outside=$(awk -v t="$top_path/" 'index($1, t) != 1 && $1 != "self" && $1 != "throttled" && $1 != "uncovered" { s += $2 } END { print s + 0 }' blame.q)
	note "waited $sum s: throttled ${thr:-0} s ($(share "${thr:-0}" "$(awk -v s="$sum" -v o="$outside" 'BEGIN { print s - o }')")% beside the machine's own tasks), self ${self:-0} s, other tasks $outside s; cpu.stat: $stat"
	awk -v s="$sum" -v o="$outside" -v t="${thr:-0}" 'BEGIN { exit !(s > 0 && t >= 0.8 * (s - o)) }' ||
		fail "throttled ${thr:-0} s of $sum s waited ($outside s held by other tasks): under 80%: $(cat blame.q)"
	awk -v s="$sum" -v x="${self:-0}" 'BEGIN { exit !(x <= 0.1 * s) }' ||
		fail "the group's own tasks charged ${self:-0} s of its $sum s: they did not hold the CPU, the quota did"
	# -B: the sleeper's outliers, the same share throttled (the machine's
	# own tasks' part taken from the summary above)
	jq -r --argjson p "$sleeper" 'select(.type == "event" and .pid == $p) | "\(.lat_us) \(.throttled_us)"' ran.out > ran.sleeper
	read -r n lat b_thr <<<"$(awk '{ n++; l += $1; t += $2 } END { print n + 0, l + 0, t + 0 }' ran.sleeper)"
	note "-B: $n outliers of the sleeper, $lat us waited, throttled $b_thr us ($(share "$b_thr" "$lat")%)"
	[ "$n" -ge 5 ] || fail "-B: $n outliers of the sleeper (quota 10 ms per 100 ms): $(head -3 ran.out)"
	awk -v l="$lat" -v t="$b_thr" -v s="$sum" -v o="$outside" 'BEGIN { exit !(t <= l && t >= 0.8 * l * (1 - o / s)) }' ||
		fail "-B: throttled $b_thr us of the sleeper's $lat us waited: under 80% (other tasks $outside s of $sum s)"
}

# A sleeper alone in its cgroup: its waits are mostly the idle CPU waking
# up, which is charged to no one (nor is the task's own wake-up path)
t_idle_charged_to_none() {
	local sum charged
	make_cgroup
	top=$cg_dir top_path=$cg_path
	start_until txt "^Tracing run queue latency: a histogram" -s --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
	text=$tracer_pid
	run_in 0 "$top" -- "$SLEEPERS" -n 1 -r 500 -t 4 > sleepers.out
	wait "${bg_pids[-1]}" || fail "sleepers: $(cat sleepers.out)"
	stop_tracer "$text"
	blame_of txt.out "$top_path" > blame.d
	sum=$(waited_of txt.out "$top_path")
	charged=$(awk '{ s += $2 } END { print s + 0 }' blame.d)
	note "waited $sum s, charged $charged s: $(tr '\n' ';' < blame.d)"
	! grep -qE '^\((idle|unknown)\) ' blame.d || fail "time charged to the idle task: $(cat blame.d)"
	awk -v s="$sum" -v c="$charged" 'BEGIN { exit !(c <= s * 1.0001 + 0.000001) }' || fail "charged $charged s of $sum s waited"
}

# A switch the tracers do not see (a task whose switches a kernel keeps
# from tracers, which this test's host has; a skipped program): -B says so
# per outlier (unseen_us), and --blame-by cgroup charges that time to
# "uncovered", not to the cgroup that ran before it. Side by side over the
# same waits (threshold 0: all of them), the summary's uncovered time is
# at least what -B found unseen (it also holds what its record did not
# reach back to). A run in which -B saw no unseen switch compares nothing,
# and says so.
t_unseen_is_uncovered() {
	local outliers summary unseen uncovered
	start_tracer rqs -j -B 32 0
	outliers=$tracer_pid
	start_until sum '^\{"type":"start"' -s --by cgroup --blame-by cgroup --max-keys 4096 -j --no-outliers 1000000
	summary=$tracer_pid
	"$LATGEN" -c 0 -d 1 -i 2 -n 6000 > gen0.out 2> gen0.err &
	bg_pids+=($!)
	"$LATGEN" -c 1 -d 1 -i 2 -n 6000 > gen1.out 2> gen1.err || fail "latgen: $(cat gen1.err)"
	wait "${bg_pids[-1]}" || fail "latgen on CPU 0: $(cat gen0.err)"
	stop_tracer "$summary"
	stop_tracer "$outliers"
	unseen=$(jq -r 'select(.type == "event") | .unseen_us' rqs.out | awk '{ s += $1 } END { print s + 0 }')
	uncovered=$(jq -r 'select(.type == "summary" and .final) | .blame[]? | select(.culprit == "uncovered") | .ns' sum.out |
		awk '{ s += $1 } END { printf "%d", s / 1000 }')
	grep -q '"type":"summary"' sum.out || fail "no summary record: $(tail -3 sum.out; cat sum.err)"
	note "-B: $(grep -c '"type":"event"' rqs.out) outliers, $unseen us unseen; --blame-by cgroup: $uncovered us uncovered"
	if [ "$unseen" -lt 1000 ]; then
		note "fewer than 1 ms of switches not seen on this machine: nothing to compare"
		return 0
	fi
	[ "$uncovered" -ge $((unseen * 9 / 10)) ] ||
		fail "-B found $unseen us after a switch not seen; the summary charged $uncovered us to uncovered"
}

# -i: each interval's culprits are that interval's waits'. A's sleepers
# and B's hog share CPU 1, which never idles and where no task moves: every
# nanosecond of each wait is charged to someone (uncovered included), so
# in each record A's and B's culprits add up to exactly the time they
# waited. A charge read in the interval after its wait's histogram (the
# pairs read whole while the next interval adds to them) breaks the sum.
t_interval_culprits() {
	local recs bad
	make_cgroup
	top=$cg_dir top_path=$cg_path
	mkdir "$top/A" "$top/B"
	run_in 1 "$top/B" -- sh -c 'while :; do :; done'
	start_until json '"type":"start"' -j -s --by cgroup --blame-by cgroup --cgroup "$top" -i 1 --no-outliers 1000000
	json=$tracer_pid
	run_in 1 "$top/A" -- "$SLEEPERS" -n 8 -r 20000 -t 8 > sleepers.out
	wait "${bg_pids[-1]}" || fail "sleepers: $(cat sleepers.out)"
	stop_tracer "$json"
	jq -r --arg t "$top_path/" 'select(.type == "summary" and .key != null and (.key | startswith($t))) |
		"\(.final) \(.key) \(.sum_ns) \([.blame[].ns] | add // 0) \(.count)"' json.out > recs
	recs=$(awk '$1 == "false" && $2 ~ /\/A$/' recs | wc -l)
	note "$recs interval records of A; the first: $(awk '$1 == "false" && $2 ~ /\/A$/ { print "waited", $3, "ns, charged", $4, "ns,", $5, "waits"; exit }' recs)"
	[ "$recs" -ge 5 ] || fail "$recs interval records of A in an 8 s run: $(tail -3 json.out)"
	# each interval's and the final record's: never more charged than
	# waited, nor less by more than 10 ns a wait
	bad=$(awk '$4 > $3 || $3 - $4 > 10 * $5' recs | head -3)
	[ -z "$bad" ] || fail "final? key waited-ns charged-ns waits: $bad"
}

# --blame-by cgroup off: the verifier removes its code (cfg.blame_cgroup
# is read-only): the translated sched_switch of -s --by cgroup references
# neither of its maps; on, it does
t_blame_off_costs_nothing() {
	local mode
	for mode in off on; do
		args=(-s --by cgroup 1000000)
		[ $mode = on ] && args=(-s --by cgroup --blame-by cgroup 1000000)
		start_tracer rqs.$mode "${args[@]}"
		switch_program_maps 'cgblame_rings|blame_pairs'
		[ "$(wc -w <<<"$switch_maps")" = 2 ] || fail "the blame maps not found in the program's maps"
		note "--blame-by cgroup $mode: sched_switch $switch_insns instructions, $switch_maps_used blame maps referenced"
		eval "used_$mode=$switch_maps_used"
		stop_tracer "$tracer_pid"
		bg_pids=()
	done
	[ "$used_off" = 0 ] || fail "off, sched_switch still references $used_off blame maps"
	[ "$used_on" = 2 ] || fail "on, sched_switch references $used_on of the 2 blame maps"
}

t_blame_needs_by_cgroup() {
	local rc
	for args in "-s --blame-by cgroup" "-s --by comm --blame-by cgroup" "--by cgroup --blame-by pod"; do
		# shellcheck disable=SC2086
		"$RQS" $args > out 2> err && rc=0 || rc=$?
		[ "$rc" = 2 ] || fail "'$args': exit $rc, not 2 (usage)"
		[ "$(wc -l < err)" = 1 ] || fail "'$args': not one line on stderr: $(cat err)"
		note "$args: $(cat err)"
	done
}

# A wait that migrated, charged on each CPU for its part: latgen -H's waiter
# queues behind the hog (SCHED_FIFO) on its CPU, the controller moves it to
# its own CPU half way, where it queues behind hog2 (SCHED_FIFO) and runs.
# The threads are put in threaded cgroups of their own (W, H1, H2, C): H1
# held the waiter's first CPU from the wake to the move (moved_us), H2 the
# second from the move to the run, and the rings of both CPUs must say so.
# Reading the first CPU's ring needs bpf_map_lookup_percpu_elem (5.19).
t_migrated_wait_per_cpu() {
	local d h1 h2 c unc moved_s rest_s waited attempt
	make_cgroup
	top=$cg_dir top_path=$cg_path
	for d in W H1 H2 C; do
		mkdir "$top/$d"
		echo threaded > "$top/$d/cgroup.type"
	done
	# a loaded machine may let the waiter run before a move: then the
	# generator runs again, under a new tracer (up to 3 times)
	for attempt in 1 2 3; do
		start_until txt "^Tracing run queue latency: a histogram" -s --by cgroup --blame-by cgroup --cgroup "$top" --no-outliers 1000000
		text=$tracer_pid
		# -f: the waiter SCHED_FIFO below the hogs, so that only they
		# hold it, not the machine's other tasks once hog2 is done
		start_latgen_paused gen -H -f -d 30 -n 4 -i 100
		echo "$latgen_pid" > "$top/cgroup.procs"
		echo "$waiter_tid" > "$top/W/cgroup.threads"
		echo "$hog_tid" > "$top/H1/cgroup.threads"
		echo "$hog2_tid" > "$top/H2/cgroup.threads"
		echo "$controller_tid" > "$top/C/cgroup.threads"
		release_latgen
		wait "$latgen_bg" || fail "latgen: $(cat gen.err)"
		sleep 0.3
		stop_tracer "$text"
		[ "$(grep -c "^wait_us=.* cpu=$controller_cpu" gen.out)" = 4 ] && break
		note "attempt $attempt: not every round ran on CPU $controller_cpu after its move: $(grep '^wait_us' gen.out | tr '\n' ';')"
		[ $attempt -lt 3 ] || fail "in 3 runs of the generator, never 4 rounds that all moved"
	done
	read -r moved_s rest_s < <(awk '/^wait_us=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		m += v["moved_us"]; r += v["wait_us"] - v["moved_us"] } END { printf "%.6f %.6f\n", m / 1e6, r / 1e6 }' gen.out)
	blame_of txt.out "$top_path/W" > blame.W
	waited=$(waited_of txt.out "$top_path/W")
	h1=$(awk -v k="$top_path/H1" '$1 == k { print $2 }' blame.W)
	h2=$(awk -v k="$top_path/H2" '$1 == k { print $2 }' blame.W)
	unc=$(awk '$1 == "uncovered" { print $2 }' blame.W)
	note "W waited $waited s; the generator: ${moved_s} s on the hog's CPU before the moves, ${rest_s} s after; charged: H1 ${h1:-0} s, H2 ${h2:-0} s, uncovered ${unc:-0} s; $(tr '\n' ';' < blame.W)"
	awk -v h="${h1:-0}" -v w="$moved_s" 'BEGIN { exit !(h >= 0.8 * w && h <= 1.2 * w + 0.002) }' ||
		fail "the hog on the first CPU charged ${h1:-0} s, it held the waiter there $moved_s s"
	awk -v h="${h2:-0}" -v w="$rest_s" 'BEGIN { exit !(h >= 0.8 * w && h <= 1.2 * w + 0.002) }' ||
		fail "hog2 on the second CPU charged ${h2:-0} s, it held the waiter there $rest_s s"
}

test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_prometheus,CMD_promtool,CMD_curl,CMD_jq "neighbours: a hog on the waiter's CPU is charged its waits, one on the other CPU never (text, JSON, Prometheus)" t_neighbour_ground_truth
test_case ROOT,BTF,MULTICPU,CGROUP2,CPU_QUOTA,THROTTLE_COUNT "a group over its CFS quota: its waits are charged to throttled, not to its own tasks" t_throttled
test_case ROOT,BTF,CGROUP2 "the idle CPU is charged to no one" t_idle_charged_to_none
test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_jq "a switch not seen: -B's unseen time is the summary's uncovered" t_unseen_is_uncovered
test_case ROOT,BTF,MULTICPU,CGROUP2,PERCPU_LOOKUP "a wait that migrated: each CPU's part charged to what held that CPU" t_migrated_wait_per_cpu
test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_jq "-i: each interval's culprits add up to its waits, no more, no less" t_interval_culprits
test_case ROOT,BTF,CMD_bpftool "--blame-by cgroup off: the verifier removes its code from sched_switch" t_blame_off_costs_nothing
test_case "" "--blame-by cgroup without --by cgroup, or another key: one line, exit 2" t_blame_needs_by_cgroup
test_done
