# Live test library (sourced): TAP output, named prerequisites in the style
# of git's t/README. A test whose prerequisites are missing is reported as
# "ok N - name # SKIP missing PREREQ (reason)"; with CI=true a skip is a
# failure, because CI must run the live tests.
#   test_case "PREREQ,PREREQ" "description" function
# TESTS=regex runs only the test functions it matches (the rest skip).
# Prerequisites: ROOT, BTF, TASK_STORAGE, PERF, VALGRIND, MULTICPU, CGROUP2
# (a writable cgroup v2 hierarchy), TRACEFS (ftrace instances can be made),
# and CMD_name: the command "name" is installed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RQS=${RQS:-$TOP/runqslower-ts}
LATGEN=${LATGEN:-$TOP/build/latgen}
SLEEPERS=${SLEEPERS:-$TOP/build/sleepers}
TEST_TMP=$(mktemp -d /tmp/rqs-live.XXXXXX)
test_count=0 test_failed=0 test_skipped=0
declare -A prereq_ok=() prereq_why=()
bg_pids=()

cleanup() {
	local p
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

check_prereq() {
	case $1 in
	ROOT) [ "$(id -u)" = 0 ] || { echo "not root"; return 1; } ;;
	BTF) [ -r /sys/kernel/btf/vmlinux ] || { echo "no /sys/kernel/btf/vmlinux"; return 1; } ;;
	TASK_STORAGE)
		# the tool's own probe: -m task fails with this line where
		# unsupported; where supported it prints its header (attached), and
		# is stopped then rather than after 2 s: every suite asks this
		local probe=$TEST_TMP/task_storage.probe pid
		"$RQS" -m task 999999999 > "$probe.out" 2> "$probe.err" &
		pid=$!
		for _ in $(seq 20); do
			grep -q '^TIME' "$probe.out" 2>/dev/null && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -INT "$pid" 2>/dev/null
		wait "$pid"
		case $(cat "$probe.err") in *"cannot use --storage=task"*) echo "kernel lacks task storage for tracing"; return 1 ;; esac ;;
	PERF) command -v perf >/dev/null || { echo "perf not installed"; return 1; } ;;
	VALGRIND) command -v valgrind >/dev/null || { echo "valgrind not installed"; return 1; } ;;
	MULTICPU) [ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; return 1; } ;;
	CGROUP2)
		local mnt
		mnt=$(cgroup2_mount) || { echo "no cgroup2 mount in /proc/self/mountinfo"; return 1; }
		[ -w "$mnt/cgroup.procs" ] || { echo "$mnt/cgroup.procs is not writable"; return 1; } ;;
	TRACEFS) [ -w /sys/kernel/tracing/instances ] || { echo "no writable /sys/kernel/tracing/instances"; return 1; } ;;
	CMD_*) command -v "${1#CMD_}" >/dev/null || { echo "${1#CMD_} is not installed"; return 1; } ;;
	*) echo "unknown prerequisite $1"; return 1 ;;
	esac
}

have_prereq() {
	local p why
	for p in ${1//,/ }; do
		if [ -z "${prereq_ok[$p]+x}" ]; then
			if why=$(check_prereq "$p"); then prereq_ok[$p]=1; else prereq_ok[$p]=0 prereq_why[$p]=$why; fi
		fi
		if [ "${prereq_ok[$p]}" = 0 ]; then
			missing="$p (${prereq_why[$p]})"
			return 1
		fi
	done
}

test_case() {
	local prereqs=$1 desc=$2 fn=$3 missing= out rc
	test_count=$((test_count + 1))
	# TESTS=regex (by hand): run only the test functions it matches
	if [ -n "${TESTS:-}" ] && ! [[ $fn =~ $TESTS ]]; then
		echo "ok $test_count - $desc # SKIP not in TESTS=$TESTS"
		test_skipped=$((test_skipped + 1))
		return
	fi
	if ! have_prereq "$prereqs"; then
		if [ "${CI:-}" = true ]; then
			echo "not ok $test_count - $desc # missing $missing, and CI=true requires live tests to run"
			test_failed=$((test_failed + 1))
		else
			echo "ok $test_count - $desc # SKIP missing $missing"
			test_skipped=$((test_skipped + 1))
		fi
		return
	fi
	out=$TEST_TMP/case.$test_count
	mkdir -p "$out"
	( trap stop_background EXIT; cd "$out" || exit 1; set -e; [ -z "${TRACE_TESTS:-}" ] || set -x; "$fn" ) > "$out/log" 2>&1
	rc=$?
	stop_background
	if [ $rc = 0 ]; then
		echo "ok $test_count - $desc"
		sed 's/^/#   /' "$out/log" | grep '^#   note:' || true
	else
		echo "not ok $test_count - $desc"
		sed 's/^/#   /' "$out/log" | tail -40
		test_failed=$((test_failed + 1))
	fi
}

test_done() {
	echo "1..$test_count"
	if [ $test_skipped -gt 0 ]; then
		echo "# SKIPPED: $test_skipped of $test_count ${SUITE:-live} tests did not run"
	fi
	echo "# ${SUITE:-live}: $((test_count - test_failed - test_skipped)) passed, $test_failed failed, $test_skipped skipped"
	[ $test_failed = 0 ]
}

# free_port: prints a TCP port no socket uses, below the kernel's range of
# ephemeral ports (ip_local_port_range): a port in it may become the local
# end of any connection, a scrape's among them, between this choice and
# the bind, which then fails with EADDRINUSE
free_port() {
	local p low=32768 high=60999 from to
	read -r low high < /proc/sys/net/ipv4/ip_local_port_range 2> /dev/null || true
	if [ "$low" -gt 11000 ]; then from=10000 to=$((low - 1))
	elif [ "$high" -lt 64000 ]; then from=$((high + 1)) to=65535
	else from=20000 to=60000	# no room outside the range: take the chance
	fi
	for _ in $(seq 50); do
		p=$((from + RANDOM % (to - from + 1)))
		[ -z "$(ss -Htan "sport = :$p")" ] && { echo "$p"; return 0; }
	done
	return 1
}

# scrape_until PORT REGEX FILE: scrapes /metrics into FILE until a line
# matches REGEX, for up to 3 s: a page is served for up to a second
# (RQS_METRICS_MAX_AGE_MS), so the one built at start-up may predate the
# waits a test made. Fails if no page came or none matched.
scrape_until() {
	for _ in $(seq 15); do
		curl -s -o "$3" --max-time 10 "http://127.0.0.1:$1/metrics" || { fail "no page from port $1"; return 1; }
		grep -q "$2" "$3" && return 0
		sleep 0.2
	done
	fail "no line matching $2 in the page: $(head -5 "$3")"
}

note() { echo "note: $*"; }
fail() { echo "FAIL: $*"; return 1; }

# Runs as the EXIT trap of a test's subshell, where set -e is on: every
# command here must succeed or the test's status would change.
stop_background() {
	local p
	for p in "${bg_pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	for p in "${bg_pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	bg_pids=()
}

# start_until NAME REGEX ARGS...: runs the tool in the background, stdout
# in NAME.out, stderr in NAME.err, and waits until a line of its stdout
# matches REGEX (extended). $tracer_pid is its pid.
start_until() {
	local name=$1 ready=$2
	shift 2
	"$RQS" "$@" > "$name.out" 2> "$name.err" &
	tracer_pid=$!
	bg_pids+=("$tracer_pid")
	for _ in $(seq 100); do
		grep -qE "$ready" "$name.out" 2>/dev/null && return 0
		kill -0 "$tracer_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$name.err"
	fail "tracer '$*' did not start"
}

# stderr_besides_missed FILE: FILE without the tool's count of waits whose
# switch-in no tracer saw. This machine's kernel emits no sched_switch when
# a hidden host agent leaves a CPU (perf record sees switches to it, none
# from it), so a system-wide run of a few seconds can lose a wait there, and
# the tool says so; any other line on stderr is a finding. ERE: lines the
# caller expects as well.
stderr_besides_missed() { # FILE [ERE]
	grep -Ev '^runqslower-ts: [0-9]+ waits lost( in all)?: their switch-in was not seen' "$1" |
		grep -Ev "${2:-^\$^}" || true
}

# start_tracer NAME ARGS...: start_until its header is printed (the programs
# are attached by then)
start_tracer() {
	local name=$1
	shift
	start_until "$name" '^(TIME|\{"type":"start")' "$@"
}

# start_exporter NAME ARGS...: the tool in the background with --metrics on
# a free port ($port, or $PORT if set), waiting for its "Serving metrics" line
start_exporter() {
	local name=$1
	shift
	port=${PORT:-$(free_port)}
	start_until "$name" '^Serving metrics on ' --metrics "127.0.0.1:$port" "$@"
}

# stop_tracer PID: SIGINT, and its exit status must be 0. With -p or -t
# it may have ended by itself already, when its target exited (its PID
# stays ours until the wait).
stop_tracer() {
	local rc
	kill -INT "$1" 2>/dev/null || true
	# (under set -e a bare failing wait would end the test silently)
	wait "$1" && rc=0 || rc=$?
	[ $rc = 0 ] || fail "tracer exited $rc after SIGINT"
}

# run_latgen NAME ARGS...: runs the generator to completion; its output in
# NAME.out; sets waiter_tid hog_tid latgen_pid.
run_latgen() {
	local name=$1
	shift
	"$LATGEN" "$@" > "$name.out" 2> "$name.err" || { cat "$name.err"; fail "latgen $* failed"; }
	parse_latgen "$name.out"
}

# stopped_within PID SECONDS: until PID has stopped itself (state T), for
# up to SECONDS; fails if it has not
stopped_within() {
	local state
	for _ in $(seq $(($2 * 10))); do
		state=$(awk '{ sub(/.*\) /, ""); print $1 }' /proc/"$1"/stat 2> /dev/null)
		[ "$state" = T ] && return 0
		kill -0 "$1" 2> /dev/null || break
		sleep 0.1
	done
	fail "process $1 did not stop itself within $2 s (state ${state:-gone})"
}

# start_latgen_paused NAME ARGS...: the generator in the background, held
# stopped (latgen -S) after its first line, so that tracers filtering on its
# pid or TIDs (parsed here) can start meanwhile, however long a loaded
# machine makes them take; $latgen_bg is its pid. release_latgen lets it
# begin its rounds.
start_latgen_paused() {
	local name=$1
	shift
	"$LATGEN" -S "$@" > "$name.out" 2> "$name.err" &
	latgen_bg=$!
	bg_pids+=($latgen_bg)
	stopped_within "$latgen_bg" 30 || { cat "$name.err"; fail "latgen $* did not stop after its first line"; }
	parse_latgen "$name.out"
}

# release_latgen: the generator held by start_latgen_paused begins
release_latgen() { kill -CONT "$latgen_bg"; }

parse_latgen() {
	local line
	line=$(head -1 "$1")
	latgen_pid=$(sed -n 's/.* pid=\([0-9]*\).*/\1/p' <<<"$line")
	waiter_tid=$(sed -n 's/.*waiter_tid=\([0-9]*\).*/\1/p' <<<"$line")
	hog_tid=$(sed -n 's/.*hog_tid=\([0-9]*\).*/\1/p' <<<"$line")
	waker_tid=$(sed -n 's/.*waker_tid=\([0-9]*\).*/\1/p' <<<"$line")
	hog2_tid=$(sed -n 's/.*hog2_tid=\([0-9]*\).*/\1/p' <<<"$line")
	controller_tid=$(sed -n 's/.*controller_tid=\([0-9]*\).*/\1/p' <<<"$line")
	controller_cpu=$(sed -n 's/.*controller_cpu=\([0-9]*\).*/\1/p' <<<"$line")
	target_cpu=$(sed -n 's/.* cpu=\([0-9]*\).*/\1/p' <<<"$line")
	[ -n "$waiter_tid" ] && [ -n "$hog_tid" ] || fail "cannot parse latgen's first line: $line"
}

# cgroup2_mount: where the cgroup v2 hierarchy is mounted (the first
# cgroup2 line of mountinfo; \040 and friends left as they are)
cgroup2_mount() {
	awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; found = 1; exit } break } }
		END { exit !found }' /proc/self/mountinfo
}

# waits_of FILE: the generator's own measured waits, one per line
waits_of() { sed -n 's/^wait_us=\([0-9]*\).*/\1/p' "$1"; }
# preempted_of FILE: 1 for a round the generator's waiter was preempted in
preempted_of() { awk '/^wait_us=/ { print ($2 == "preempted=1") }' "$1"; }

# wake_calls_of FILE: per round, how long the generator's wake call took
# (wake_call_us, 0 where it was not timed)
wake_calls_of() {
	awk '/^wait_us=/ { c = 0; for (i = 2; i <= NF; i++) if ($i ~ /^wake_call_us=/) { split($i, kv, "="); c = kv[2] } print c }' "$1"
}

# lats_of FILE TID: the tool's LAT(us) for TID, one per line
lats_of() { awk -v tid="$2" 'NR > 2 && $3 == tid { print $4 }' "$1"; }

# lost_switch_ins ERR_FILE: the waits the tool counted as lost because no
# tracer saw their switch-in (its final "in all" line, else the sum of its
# periodic ones), 0 without such a line
lost_switch_ins() {
	awk '/^runqslower-ts: [0-9]+ waits lost in all: their switch-in was not seen/ { fin = $2 + 0; seen = 1 }
		/^runqslower-ts: [0-9]+ waits lost: their switch-in was not seen/ { sum += $2 }
		END { print seen ? fin : sum + 0 }' "$1" 2> /dev/null || echo 0
}

# lost_events ERR_FILE: the reports the tool counted lost to a full ring
# buffer (its final "in all" line, else the sum of its periodic ones)
lost_events() {
	awk '/^runqslower-ts: [0-9]+ events lost in all: ring buffer full/ { fin = $2 + 0; seen = 1 }
		/^runqslower-ts: [0-9]+ events lost: ring buffer full/ { sum += $2 }
		END { print seen ? fin : sum + 0 }' "$1" 2> /dev/null || echo 0
}

# missing_allowed MISSING TOOL_OUT [CAUSED]: MISSING generated waits without
# a line of the tool are allowed only as far as the tool counted them lost
# on its stderr (TOOL_OUT's .err): the wait to a switch-in no tracer saw
# (lost_switch_ins), or its report to a full ring buffer (lost_events); of
# those, CAUSED (default 0) the test made on purpose. Says why when not.
missing_allowed() {
	local err=${2%.*}.err lost
	[ "$1" -gt 0 ] || return 0
	lost=$(($(lost_switch_ins "$err") + $(lost_events "$err") - ${3:-0}))
	[ "$1" -le "$lost" ] && return 0
	echo "$1 generated waits without a line of the tool; it counted $lost lost (waits to switch-ins no tracer saw, reports to a full ring buffer)" >&2
	return 1
}

# match_waits GEN_OUT TOOL_OUT TID [CAUSED]: every generated wait is reported for TID,
# in order, the tool's latency within 2% + 200 us of the generator's own
# measurement (the tool starts at sched_wakeup, just after the generator
# reads its clock). The generator's wait starts at its clock read before the
# wake call, the tool's inside that call: the tool may be short by as long
# as the call took (a vCPU stall or a busy machine can make that a
# millisecond), never long.
# A busy machine changes two things, each bounded by what the tool or the
# kernel counted, never by a tolerance:
# - a generated wait may be missing only when its switch-in was hidden from
#   every tracer (this kernel emits no sched_switch when a hidden host agent
#   leaves a CPU), or its report found the ring buffer full: at most as many
#   as the tool counted so (missing_allowed; CAUSED, the losses the test
#   made on purpose, default 0);
# - the waiter may wait at other times too (its start, the quit, a task
#   preempting it between rounds): such lines are allowed only as far as
#   the kernel saw the waiter wait: all the tool's waits of TID together
#   are at most the waiter's whole run_delay, which the generator reads at
#   its end (without it, no other line is allowed).
# Rounds and lines are paired in order, as many as can be (align.awk).
# The tool's lines matched to generated waits, in order, go to match.lines,
# and to match.pairs each after the number of its round (from 1).
match_waits() {
	local err=${2%.*}.err res missing extra sum lines why
	[ -n "$(waits_of "$1")" ] || fail "generator measured no waits"
	: > match.lines
	: > match.pairs
	res=$(awk -v tid="$3" "$(cat "$TOP/tests/live/align.awk")"'
		function ok(i, k,    t, d, tol) {
			t = lat[k]; d = t - g[i]; if (d < 0) d = -d
			tol = g[i] / 50 + 200; if (t < g[i]) tol += call[i]
			# a round marked preempted=1 also holds a later wait
			return pre[i] ? t <= g[i] + 200 : d <= tol
		}
		FNR == NR {
			if ($1 !~ /^wait_us=/) next
			n++; g[n] = substr($1, 9) + 0; pre[n] = ($2 == "preempted=1"); call[n] = 0
			for (k = 2; k <= NF; k++) if ($k ~ /^wake_call_us=/) call[n] = substr($k, 14) + 0
			next
		}
		FNR > 2 && $3 == tid { m++; lat[m] = $4 + 0; line[m] = $0 }
		END {
			align(n, m)
			j = 1
			for (i = 1; i <= n; i++) {
				k = pair[i]
				if (!k) {
					missing++
					print "note: TID " tid " wait " i ": generator " g[i] " us, no line of the tool" > "/dev/stderr"
					continue
				}
				for (; j < k; j++) print "note: TID " tid ": another wait, " lat[j] " us, before generated wait " i > "/dev/stderr"
				extra += k - j
				t = lat[k]; d = t - g[i]; if (d < 0) d = -d
				print "note: TID " tid " wait " i ": generator " g[i] " us" (pre[i] ? " (preempted again before it read the clock)" : "") ", tool " t " us, diff " d " us (wake call " call[i] " us)" > "/dev/stderr"
				print line[k] > "match.lines"
				print i, line[k] > "match.pairs"
				j = k + 1
			}
			for (; j <= m; j++) { print "note: TID " tid ": another wait, " lat[j] " us, after the generated ones" > "/dev/stderr"; extra++ }
			for (k = 1; k <= m; k++) sum += lat[k]
			printf "%d %d %d %d\n", missing, extra, sum, m
		}' "$1" "$2" 2>&1 >match.res)
	echo "$res"
	read -r missing extra sum lines < match.res
	if [ "$missing" -gt 0 ]; then
		note "TID $3: $missing generated waits not reported; the tool counted $(lost_switch_ins "$err") waits lost to a switch-in no tracer saw, $(lost_events "$err") reports to a full ring buffer"
		why=$(missing_allowed "$missing" "$2" "${4:-0}" 2>&1) ||
			{ cat "$2"; fail "tool reported $((lines - extra)) waits of TID $3's $(waits_of "$1" | wc -l) generated: $why"; }
	fi
	if [ "$extra" -gt 0 ]; then
		[ -n "$(waiter_run_delay "$1")" ] || { cat "$2"; fail "tool reported $extra waits for TID $3 besides the generated ones, and the generator has no run_delay to bound them"; }
		within_run_delay "$1" "$2" "$3"
	fi
}

# waiter_run_delay GEN_OUT: the generator's waiter's whole run_delay (us),
# empty where the kernel keeps none
waiter_run_delay() { sed -n 's/^done.* waiter_run_delay_us=\([0-9]*\).*/\1/p' "$1"; }

# tick_us: the kernel's scheduler tick (CONFIG_HZ), 10000 (HZ=100, the
# longest) where the kernel's configuration cannot be read
tick_us() {
	local hz
	hz=$({ zcat /proc/config.gz 2> /dev/null || cat "/boot/config-$(uname -r)" 2> /dev/null; } |
		sed -n 's/^CONFIG_HZ=\([0-9]*\)$/\1/p')
	echo $((1000000 / ${hz:-100}))
}

# run_delay_bound SUM_US LINES KERNEL_US: SUM_US, the tool's waits of a
# thread (LINES of them), is at most KERNEL_US, the kernel's run_delay of
# it, give or take each wait's clock: run_delay is on the run queue's clock,
# which a wakeup that preempts leaves stale at the switch-in, up to a tick
# (RQCF_REQ_SKIP; bpf/clock.bpf.h), the tool's is CLOCK_MONOTONIC
run_delay_bound() { [ "$1" -le $(($3 + $3 / 100 + ($(tick_us) + 200) * $2)) ]; }

# within_run_delay GEN_OUT TOOL_OUT TID: the tool's waits of the generator's
# waiter TID, all together, are no more than the kernel saw it wait in its
# whole life (run_delay_bound)
within_run_delay() {
	local total sum lines
	total=$(waiter_run_delay "$1")
	[ -n "$total" ] || { fail "the generator did not give its waiter's run_delay: $(tail -1 "$1")"; return 1; }
	read -r sum lines < <(lats_of "$2" "$3" | awk '{ s += $1 } END { print s + 0, NR }')
	note "TID $3: $lines waits reported, $sum us in all; the kernel's run_delay of the waiter: $total us"
	run_delay_bound "$sum" "$lines" "$total" ||
		{ cat "$2"; fail "tool reported $lines waits for TID $3, $sum us in all, more than its run_delay of $total us"; }
}

# bpf_map_id_of PID NAME: the ID of the BPF map NAME process PID holds
# open; status 1 when it holds none
bpf_map_id_of() {
	local f id
	for f in /proc/"$1"/fdinfo/*; do
		id=$(sed -n 's/^map_id:[[:space:]]*//p' "$f" 2> /dev/null)
		[ -n "$id" ] || continue
		bpftool map show id "$id" 2> /dev/null | grep -q " name $2 " && { echo "$id"; return 0; }
	done
	return 1
}

# switch_program_maps ERE: of the sched_switch program the tracer
# ($tracer_pid) loaded, sets switch_insns (its translated instructions),
# switch_maps (its maps whose names match ERE) and switch_maps_used (how
# many of those its code references: a map the verifier left unreferenced
# is only bound to the program); its dump is left in xlated
switch_program_maps() {
	local id maps m
	id=$(cat /proc/"$tracer_pid"/fdinfo/* 2> /dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u |
		while read -r p; do if bpftool prog show id "$p" | grep -q 'name handle_sched_switch '; then echo "$p"; fi; done)
	[ -n "$id" ] || fail "no sched_switch program found"
	bpftool prog dump xlated id "$id" > xlated
	maps=$(bpftool prog show id "$id" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p')
	switch_maps=$(for m in ${maps//,/ }; do if bpftool map show id "$m" | grep -qE "name ($1) "; then echo "$m"; fi; done)
	switch_maps_used=0
	for m in $switch_maps; do
		if grep -q "map\[id:$m\]" xlated; then switch_maps_used=$((switch_maps_used + 1)); fi
	done
	switch_insns=$(grep -cE '^ *[0-9]+: ' xlated)
}

# absent_id: a PID or TID that cannot exist: above kernel.pid_max
absent_id() { echo $(($(cat /proc/sys/kernel/pid_max) + 1)); }

# fill_hash_map ID N: updates of hash map ID (__u32 keys) with keys that
# are TIDs no thread can have (from absent_id), values of zeros, N new keys
# a round, until the kernel refuses one because the map is full (E2BIG).
# Entries the tracer holds for queued threads come and go meanwhile (many
# on a busy machine); the keys put here stay for good. Sets fill_full (1:
# the kernel said full) and fill_kept (the keys of ours in the map after).
fill_hash_map() {
	local base0 base k size round
	size=$(bpftool -j map show id "$1" | jq .bytes_value)
	base0=$(absent_id)
	base=$base0
	fill_full=0
	for round in $(seq 10); do
		for k in $(seq "$base" $((base + $2 - 1))); do
			printf 'map update id %s key %s value %s\n' "$1" \
				"$(printf '0x%02x 0x%02x 0x%02x 0x%02x' $((k & 255)) $((k >> 8 & 255)) $((k >> 16 & 255)) $((k >> 24 & 255)))" \
				"$(printf '0 %.0s' $(seq "$size"))"
		done > fill.batch
		bpftool batch file fill.batch > fill.out 2>&1 || true
		# bpftool stops a batch at its first error
		if grep -q 'Argument list too long' fill.out; then fill_full=1; break; fi
		base=$((base + $2))
	done
	# a dump walks the map with get_next_key, which starts again from the
	# first bucket when the key it stands on was deleted meanwhile (the
	# tracer's entries come and go): the same key may come twice
	fill_kept=$(bpftool -j map dump id "$1" | jq --argjson b "$base0" '[.[] | .formatted.key | select(. >= $b)] | unique | length')
}

# waiting_exit PID SECONDS: until PID (a child) has exited; its status in $exit_rc
waiting_exit() {
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && fail "pid $1 still running after $2 s"
	exit_rc=0
	wait "$1" || exit_rc=$?
}

# printed_of FILE TID: the tool's waits printed for TID with --time=mono, as
# "MONO_US LAT_US" lines
printed_of() {
	awk -v tid="$2" '$3 == tid && $1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ { split($1, t, "."); printf "%.0f %.0f\n", t[1] * 1000000 + t[2], $4 }' "$1"
}

# check_wait_sum WHAT GEN_OUT LO_US HI_US BUCKETS PRINTED: the sum of a
# histogram's waits (the mean's and _sum's source), known to lie in
# [LO_US, HI_US], against the generator's own clock. The histogram holds
# the waits of the generator's waiter: every generated wait and the
# waiter's others. Each generated wait is found among those the tool printed
# (PRINTED: "MONO_US LAT_US" lines) by the time it ran, which the generator
# reads just after (ran_mono_us); BUCKETS, lines of "LOW HIGH COUNT" (HIGH
# "-" for the open last slot), less the generated waits' slots, bound the
# others. A generated wait is at least the generator's measure less
# match_waits' tolerance and its wake call, or if lower, the time from the
# generator's clock read before the wake call to the switch-in less the
# wake call (a busy host can stall the waiter between its switch-in and its
# read of the clock); at most the larger of the two plus that tolerance. So
# the sum is at least the generated waits' lower bounds plus the others',
# at most their upper bounds plus the others'. A round where the waiter was
# preempted before it read the clock bounds its wait from above only; if
# the tool printed none for it, it is left with the others.
check_wait_sum() {
	local verdict
	verdict=$(awk -v lo="$3" -v hi="$4" -v buckets="$5" -v printed="$6" -f "$TOP/tests/live/wait_sum.awk" "$2")
	note "$1: ${verdict%$'\n'ok}"
	[ "${verdict##*$'\n'}" = ok ] && return 0
	echo "the generator's rounds:"; grep '^wait_us=' "$2"
	echo "the waits printed (MONO_US LAT_US):"; cat "$6"
	fail "$1: $verdict"
}
