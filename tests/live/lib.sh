# Live test library (sourced): TAP output, named prerequisites in the style
# of git's t/README. A test whose prerequisites are missing is reported as
# "ok N - name # SKIP missing PREREQ (reason)"; with CI=true a skip is a
# failure, because CI must run the live tests.
#   test_case "PREREQ,PREREQ" "description" function
# TESTS=regex runs only the test functions it matches (the rest skip).
# Prerequisites: ROOT, BTF, TASK_STORAGE, PERF, VALGRIND, MULTICPU, CGROUP2
# (a writable cgroup v2 hierarchy), and CMD_name: the command "name" is
# installed.

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

# free_port: prints a TCP port nothing listens on
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Hltn "sport = :$p")" ] && { echo "$p"; return 0; }
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

# start_latgen_paused NAME ARGS...: the generator in the background, its
# first round 1.5 s away, so that tracers filtering on its pid or TIDs
# (parsed here) can start meanwhile; $latgen_bg is its pid.
start_latgen_paused() {
	local name=$1
	shift
	"$LATGEN" -s 1500 "$@" > "$name.out" 2> "$name.err" &
	latgen_bg=$!
	bg_pids+=($latgen_bg)
	for _ in $(seq 50); do [ -s "$name.out" ] && break; sleep 0.1; done
	parse_latgen "$name.out"
}

parse_latgen() {
	local line
	line=$(head -1 "$1")
	latgen_pid=$(sed -n 's/.* pid=\([0-9]*\).*/\1/p' <<<"$line")
	waiter_tid=$(sed -n 's/.*waiter_tid=\([0-9]*\).*/\1/p' <<<"$line")
	hog_tid=$(sed -n 's/.*hog_tid=\([0-9]*\).*/\1/p' <<<"$line")
	waker_tid=$(sed -n 's/.*waker_tid=\([0-9]*\).*/\1/p' <<<"$line")
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

# match_waits GEN_OUT TOOL_OUT TID: every generated wait is reported for TID,
# the tool's latency within 2% + 200 us of the generator's own measurement
# (the tool starts at sched_wakeup, just after the generator reads its clock).
# The generator's wait starts at its clock read before the wake call, the
# tool's inside that call: the tool may be short by as long as the call took
# (a vCPU stall or a busy machine can make that a millisecond), never long.
match_waits() {
	local -a gen tool preempted calls
	local i g t diff tol
	mapfile -t gen < <(waits_of "$1")
	mapfile -t preempted < <(preempted_of "$1")
	mapfile -t calls < <(wake_calls_of "$1")
	mapfile -t tool < <(lats_of "$2" "$3")
	[ ${#gen[@]} -gt 0 ] || fail "generator measured no waits"
	[ ${#tool[@]} = ${#gen[@]} ] || { cat "$2"; fail "tool reported ${#tool[@]} waits for TID $3, generator made ${#gen[@]}"; }
	for i in "${!gen[@]}"; do
		g=${gen[$i]} t=${tool[$i]}
		diff=$((g > t ? g - t : t - g))
		tol=$((g / 50 + 200))
		if [ "${preempted[$i]}" = 1 ]; then
			# the generator's figure also holds a later wait of its own
			note "TID $3 wait $((i + 1)): generator ${g} us (preempted again before it read the clock), tool ${t} us"
			[ "$t" -le $((g + 200)) ] || fail "wait $((i + 1)): tool says $t us, more than the generator's $g us"
			continue
		fi
		[ "$t" -lt "$g" ] && tol=$((tol + ${calls[$i]:-0}))
		note "TID $3 wait $((i + 1)): generator ${g} us, tool ${t} us, diff ${diff} us (tolerance ${tol}, wake call ${calls[$i]:-0} us)"
		[ $diff -le $tol ] || fail "wait $((i + 1)): tool says $t us, generator measured $g us"
	done
}

# absent_id: a PID or TID that cannot exist: above kernel.pid_max
absent_id() { echo $(($(cat /proc/sys/kernel/pid_max) + 1)); }

# waiting_exit PID SECONDS: until PID (a child) has exited; its status in $exit_rc
waiting_exit() {
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && fail "pid $1 still running after $2 s"
	exit_rc=0
	wait "$1" || exit_rc=$?
}
