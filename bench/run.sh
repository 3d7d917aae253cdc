#!/bin/bash
# make bench: runqslower-ts's storage modes side by side, as root.
#
# For each workload, five configurations run alternated in one pass
# (untraced, floor, lookup, task, hash, untraced, floor, ...), ROUNDS times:
#   untraced  no BPF attached
#   floor     empty programs on the same tracepoints (build/rqs-floor)
#   floor-clock  the same, each reading CLOCK_MONOTONIC once
#             (build/rqs-floor --clock): the floor of any tracer that
#             timestamps events, and the reference where the clock is dear
#   lookup    the task storage lookups the tracing rules require, nothing
#             else (build/rqs-floor --lookup): the floor of any task storage
#             tracer
#   loadN     sleep-10000 and herd-10000 only, before lookup: the first N of
#             the three dependent loads a task storage lookup makes, made
#             without the helper (build/rqs-floor --lookup-steps N)
#   task      runqslower-ts --storage=task --stats 10000
#   task-rqclock  the same, built with the run queue's clock instead of
#             CLOCK_MONOTONIC (build/bench-rqclock/: the clock's cost)
#   hash      runqslower-ts --storage=hash --stats 10000 (10240 entries)
#   lookup-clock  pipe-pinned only: the lookups storing one clock read at
#             each enqueue (build/rqs-floor --lookup-clock): the kernel's own
#             runqslower's work
#   omit-PIECE  pipe-pinned only: task mode built with one piece of the
#             wakeup taken out (build/bench-omit-PIECE/, bench/omit.bpf.h:
#             filters, oncpu, runs, lookup, pending): where the wakeup's
#             time goes
# and, on pipe-pinned and sleep-10000 only, each option of issue #13 on top
# of task mode:
#   waker     -W (adds sched_waking and the interrupt-context tracepoints)
#   cpu       --cpu
#   blame     -B (3)
#   json      -j
#   text0     task mode with MIN_US 0: every wait printed, as text
#   json0     the same as JSON Lines (the reader's CPU time per event,
#             against text0's)
#   quiet, blame-quiet  task mode without and with -B at a 10 s threshold:
#             nothing reported, so -B's record alone, apart from what its
#             larger reports cost
# and, on the same two workloads, issue #14's histograms on top of task mode:
#   summary   -s (the histogram of every wait; goal: +15% at most on
#             sched_switch)
#   by-cgroup -s --by cgroup (a hash lookup per switch)
#   blame-cgroup  -s --by cgroup --blame-by cgroup (who delays whom; goal:
#             +30% at most per sched_switch over by-cgroup; on messaging too)
# and, only when named in BENCH_MODES, the upstream tools themselves, built
# from their own sources outside this tree (bench/build-upstream.sh: nothing
# of theirs is in this repository), threshold 10 ms:
#   kernel-rqs  the kernel's tools/bpf/runqslower (task storage; removed in
#             6.19), the binary $UPSTREAM_KERNEL_RQS
#   bcc-rqs   bcc's libbpf-tools/runqslower (hash map of 10240 entries keyed
#             by pid), the binary $UPSTREAM_BCC_RQS
#   They have no --stats: their programs' run-time statistics are read from
#   the kernel (kernel.bpf_stats_enabled=1 for the run, bpftool prog show).
# and the report gives medians. Per-program costs are the kernel's BPF
# run-time statistics (ns per run, as in bpftool prog show). Writes
# BENCHMARKS.md (or $BENCH_OUT) and keeps raw results in build/bench/.
#
# Environment: ROUNDS (default 5), SECONDS_PER_RUN (default 4), BENCH_OUT,
# WORKLOADS (space-separated subset of the names below), BENCH_MODES (the
# configurations to run on every workload, instead of each workload's own),
# UPSTREAM_KERNEL_RQS and UPSTREAM_BCC_RQS (the upstream tools' binaries, for
# the kernel-rqs and bcc-rqs configurations, which run only when BENCH_MODES
# names them).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
RQS=$TOP/runqslower-ts
FLOOR=$TOP/build/rqs-floor
SLEEPERS=$TOP/build/sleepers
FORKLOOP=$TOP/build/forkloop
ROUNDS=${ROUNDS:-5}
T=${SECONDS_PER_RUN:-4}
OUT=${BENCH_OUT:-$TOP/BENCHMARKS.md}
RAW=$TOP/build/bench
MIN_US=10000
ALL_WORKLOADS="pipe pipe-pinned messaging sleep-100 sleep-1000 sleep-10000 sleep-30000 herd-10000 herd-30000 fork"
WORKLOADS=${WORKLOADS:-$ALL_WORKLOADS}
MODES="untraced floor floor-clock lookup task task-rqclock hash"
# where a lookup's time goes, where it is long
STEP_MODES="untraced floor floor-clock load1 load2 load3 lookup task task-rqclock hash"
# each option's own cost (issue #13), on top of task mode; and the
# histograms' (issue #14)
OPT_MODES="waker cpu blame json text0 json0 quiet blame-quiet"
SUMMARY_MODES="summary by-cgroup blame-cgroup"
OMIT_MODES="lookup-clock omit-filters omit-oncpu omit-runs omit-lookup omit-pending"
modes_of() {
	if [ -n "${BENCH_MODES:-}" ]; then
		echo "$BENCH_MODES"
		return
	fi
	case $1 in
	sleep-10000) echo "$STEP_MODES $OPT_MODES $SUMMARY_MODES" ;;
	herd-10000) echo "$STEP_MODES" ;;
	pipe-pinned) echo "$MODES $OMIT_MODES $OPT_MODES $SUMMARY_MODES" ;;
	fork) echo "untraced floor floor-clock task hash" ;;
	messaging) echo "$MODES $SUMMARY_MODES" ;;
	*) echo "$MODES" ;;
	esac
}

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (BPF, SCHED stats, 30000 threads)"
RQS_RQCLOCK=$TOP/build/bench-rqclock/runqslower-ts
for f in "$RQS" "$RQS_RQCLOCK" "$FLOOR" $(for m in $OMIT_MODES; do case $m in omit-*) echo "$TOP/build/bench-$m/runqslower-ts" ;; esac; done) "$SLEEPERS" "$FORKLOOP"; do [ -x "$f" ] || die "missing $f: run make first"; done
command -v perf > /dev/null || die "perf is not installed (Debian: linux-perf)"
command -v jq > /dev/null || die "jq is not installed (the -j configurations' statistics)"
# the upstream tools: asked for by name only, and then their binaries must be
# given (they are built outside this tree, never by make)
for m in ${BENCH_MODES:-}; do
	case $m in
	kernel-rqs)
		[ -n "${UPSTREAM_KERNEL_RQS:-}" ] || die "mode kernel-rqs needs UPSTREAM_KERNEL_RQS=<the kernel's tools/bpf/runqslower binary>"
		[ -x "$UPSTREAM_KERNEL_RQS" ] || die "UPSTREAM_KERNEL_RQS=$UPSTREAM_KERNEL_RQS is not an executable" ;;
	bcc-rqs)
		[ -n "${UPSTREAM_BCC_RQS:-}" ] || die "mode bcc-rqs needs UPSTREAM_BCC_RQS=<bcc's libbpf-tools/runqslower binary>"
		[ -x "$UPSTREAM_BCC_RQS" ] || die "UPSTREAM_BCC_RQS=$UPSTREAM_BCC_RQS is not an executable" ;;
	*) continue ;;
	esac
	command -v bpftool > /dev/null || die "bpftool is not installed (the upstream tools' statistics)"
	command -v stdbuf > /dev/null || die "stdbuf is not installed (coreutils: the upstream tools' output)"
done

# 30000 threads: make room, and put everything back afterwards
old_pid_max=$(sysctl -n kernel.pid_max)
old_threads_max=$(sysctl -n kernel.threads-max)
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
# 1 while this script has kernel.bpf_stats_enabled on (the upstream tools'
# runs): put back to 0 after each, and here if one dies or is interrupted;
# upstream_pid: the upstream tool running, which SIGINT would not end
stats_on=0 upstream_pid=
restore() {
	sysctl -q -w kernel.pid_max="$old_pid_max" kernel.threads-max="$old_threads_max" || true
	[ -z "$upstream_pid" ] || kill -TERM "$upstream_pid" 2> /dev/null || true
	[ "$stats_on" = 0 ] || sysctl -q -w kernel.bpf_stats_enabled=0 || true
	pkill -INT -f "$FLOOR" 2> /dev/null || true
}
trap restore EXIT
[ "$old_pid_max" -ge 65536 ] || sysctl -q -w kernel.pid_max=65536
[ "$old_threads_max" -ge 65536 ] || sysctl -q -w kernel.threads-max=65536
[ "$old_stats" = 0 ] || die "kernel.bpf_stats_enabled is already 1: another tool is measuring"
ulimit -n 65536 2> /dev/null || true
ulimit -u unlimited 2> /dev/null || true

mkdir -p "$RAW"
rm -f "$RAW"/*.txt

# run_workload NAME: runs it, prints "<metric> <unit>" (higher or lower is
# better per the unit), its stdout kept in $RAW/last-workload
run_workload() {
	case $1 in
	pipe)
		perf bench sched pipe -l 100000 > "$RAW/last-workload" 2>&1
		awk '/usecs\/op/ { print $1, "us/op" }' "$RAW/last-workload" ;;
	pipe-pinned)
		taskset -c 1 perf bench sched pipe -l 100000 > "$RAW/last-workload" 2>&1
		awk '/usecs\/op/ { print $1, "us/op" }' "$RAW/last-workload" ;;
	messaging)
		perf bench sched messaging -g 10 -l 200 > "$RAW/last-workload" 2>&1
		awk '/Total time/ { print $3, "s" }' "$RAW/last-workload" ;;
	sleep-*)
		"$SLEEPERS" -n "${1#sleep-}" -r 20000 -t "$T" > "$RAW/last-workload"
		sed -n 's/.*late_us_p50=\([0-9.]*\).*/\1 us-late-p50/p' "$RAW/last-workload" ;;
	herd-*)
		# all threads woken together twice a second: N tasks queued at once
		"$SLEEPERS" -n "${1#herd-}" -r $((${1#herd-} * 2)) -w 20 -t "$T" -b > "$RAW/last-workload"
		sed -n 's/.*late_us_p99=\([0-9.]*\).*/\1 us-late-p99/p' "$RAW/last-workload" ;;
	fork)
		# task creation: task mode's task_newtask program runs once each
		"$FORKLOOP" -t -n 10000 > "$RAW/last-workload"
		sed -n 's/.*ns_per_task=\([0-9.]*\).*/\1 ns\/thread/p' "$RAW/last-workload" ;;
	*) die "unknown workload $1" ;;
	esac
}

threads_of() {
	case $1 in
	sleep-* | herd-*) echo "${1#*-}" ;;
	pipe*) echo 2 ;;
	messaging) echo 400 ;;
	fork) echo 2 ;;
	esac
}

# opt_args MODE: the options and MIN_US of an option configuration
opt_args() {
	case $1 in
	waker) echo "-W $MIN_US" ;;
	cpu) echo "--cpu $MIN_US" ;;
	blame) echo "-B 3 $MIN_US" ;;
	json) echo "-j $MIN_US" ;;
	text0) echo "0" ;;
	json0) echo "-j 0" ;;
	quiet) echo "10000000" ;;
	blame-quiet) echo "-B 3 10000000" ;;
	esac
}

# cpu_ns_of PID: the user and system CPU time PID has used, in ns
# (/proc/PID/stat fields 14 and 15, in clock ticks)
cpu_ns_of() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' "/proc/$1/stat"
}

# json_stats_as_text FILE: -j's stats records as --stats' text lines
json_stats_as_text() {
	jq -r 'select(.type == "stats") | "stats: \(.what): " +
		([to_entries[] | select(.key != "type" and .key != "what") |
		  if .key == "name" then .value else "\(.key)=\(.value)" end] | join(" "))' "$1"
}

# upstream_stats PID: the run-time statistics of the BPF programs PID holds
# (each program's or link's fd names its prog_id in fdinfo: this bpftool may
# be built without the "pids" of prog show), as --stats' lines, the names of
# the tracepoints they are attached to: the kernel's handle__sched_switch,
# handle__sched_wakeup, handle__sched_wakeup_new; bcc's tp_btf sched_switch,
# sched_wakeup, sched_wakeup_new, or its raw_tp handle_sched_switch, ...
upstream_stats() {
	local ids
	ids=$({ cat /proc/"$1"/fdinfo/* 2> /dev/null || true; } | awk '/^prog_id:/ { print $2 }' | sort -un | paste -sd, -)
	[ -n "$ids" ] || die "no BPF programs held by pid $1"
	bpftool prog show -j | jq -r --argjson ids "[$ids]" '.[] | select(.id as $i | $ids | index($i)) |
		"stats: prog: \(.name | sub("^handle_+"; "")) runs=\(.run_cnt // 0) run_ns=\(.run_time_ns // 0) ns_per_run=" +
		(if (.run_cnt // 0) > 0 then (.run_time_ns / .run_cnt * 10 | round / 10 | tostring) else "0" end)'
}

# one_run WORKLOAD MODE ROUND: appends a line of key=value to $RAW/results.txt
one_run() {
	local w=$1 mode=$2 round=$3 tracer= err=$RAW/stats.err metric unit t0 t1 ctxt0 ctxt1 reader_ns=0 up rc
	: > "$err"
	case $mode in
	untraced) ;;
	floor)
		"$FLOOR" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	floor-clock)
		"$FLOOR" --clock > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	load[123])
		"$FLOOR" --lookup-steps "${mode#load}" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	lookup)
		"$FLOOR" --lookup > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	lookup-clock)
		"$FLOOR" --lookup-clock > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	task | hash)
		"$RQS" --storage="$mode" --stats "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	task-rqclock)
		"$RQS_RQCLOCK" --storage=task --stats "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	omit-*)
		"$TOP/build/bench-$mode/runqslower-ts" --storage=task --stats "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	summary)
		"$RQS" --storage=task --stats -s "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	by-cgroup)
		"$RQS" --storage=task --stats -s --by cgroup "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	blame-cgroup)
		"$RQS" --storage=task --stats -s --by cgroup --blame-by cgroup "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	waker | cpu | blame | json | text0 | json0 | quiet | blame-quiet)
		# shellcheck disable=SC2046
		"$RQS" --storage=task --stats $(opt_args "$mode") > "$RAW/tracer.out" 2> "$err" &
		tracer=$! ;;
	kernel-rqs | bcc-rqs)
		# the kernel's statistics, from before the programs load: counted
		# from 0 for this run only. stdbuf: their stdout is a file, so
		# fully buffered, and the header that says they are attached would
		# not reach it (nor anything, on the kernel tool's way out)
		stats_on=1
		sysctl -q -w kernel.bpf_stats_enabled=1
		if [ "$mode" = kernel-rqs ]; then up=$UPSTREAM_KERNEL_RQS; else up=$UPSTREAM_BCC_RQS; fi
		stdbuf -oL "$up" "$MIN_US" > "$RAW/tracer.out" 2> "$err" &
		tracer=$! upstream_pid=$! ;;
	esac
	if [ -n "$tracer" ]; then
		for _ in $(seq 100); do
			grep -qE '^(attached|TIME |\{"type":"start")' "$RAW/tracer.out" 2> /dev/null && break
			kill -0 "$tracer" 2> /dev/null || die "$mode did not start: $(cat "$err")"
			sleep 0.1
		done
	fi
	ctxt0=$(awk '/^ctxt/ { print $2 }' /proc/stat)
	t0=$(date +%s.%N)
	read -r metric unit < <(run_workload "$w")
	t1=$(date +%s.%N)
	ctxt1=$(awk '/^ctxt/ { print $2 }' /proc/stat)
	if [ -n "$tracer" ]; then
		reader_ns=$(cpu_ns_of "$tracer")
		case $mode in
		kernel-rqs | bcc-rqs)
			# read while the programs are still loaded, then stop counting
			upstream_stats "$tracer" >> "$err"
			sysctl -q -w kernel.bpf_stats_enabled=0
			stats_on=0 ;;
		esac
		if [ "$mode" = kernel-rqs ]; then
			# no signal handler, and a background job of a shell without
			# job control starts with SIGINT ignored: SIGTERM, its end
			kill -TERM "$tracer"
			rc=0
			wait "$tracer" || rc=$?
			[ "$rc" = 143 ] || die "$mode exited $rc on $w: $(cat "$err")"
		else
			kill -INT "$tracer"
			wait "$tracer" || die "$mode exited $? on $w"
		fi
		upstream_pid=
	fi
	# the upstream tools: the waits they printed (lines "HH:MM:SS COMM PID
	# LAT(us)") and the perf buffer's "Lost N events on CPU #C!"
	case $mode in kernel-rqs | bcc-rqs)
		awk '/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] / { n++ } /^Lost [0-9]+ events/ { l += $2 }
			END { printf "stats: events: emitted=%d lost=%d\n", n, l }' "$RAW/tracer.out" >> "$err" ;;
	esac
	# -j: the statistics are JSON records on stdout; as text, as without it
	case $mode in json*) json_stats_as_text "$RAW/tracer.out" >> "$err" ;; esac
	awk -v w="$w" -v mode="$mode" -v round="$round" -v metric="$metric" -v unit="$unit" \
		-v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v threads="$(threads_of "$w")" \
		-v switches="$((ctxt1 - ctxt0))" -v reader_ns="$reader_ns" '
		/^stats: prog: sched_switch / { split($4, a, "="); sw_runs = a[2]; split($6, b, "="); sw_ns = b[2] }
		/^stats: prog: sched_wakeup / { split($4, a, "="); wk_runs = a[2]; split($6, b, "="); wk_ns = b[2] }
		/^stats: prog: sched_waking / { split($6, b, "="); wg_ns = b[2] }
		/^stats: prog: task_newtask / { split($4, a, "="); nt_runs = a[2]; split($6, b, "="); nt_ns = b[2] }
		/^stats: events:/ { split($3, a, "="); emitted = a[2]; split($4, b, "="); lost = b[2] }
		/^stats: wakeups:/ { split($3, a, "="); missed = a[2] }
		/^stats: memory:/ { split($3, a, "="); mem = a[2] }
		/^stats: lookup-steps:/ { split($3, a, "="); slow = a[2] }
		END {
			printf "workload=%s mode=%s round=%s threads=%s secs=%.3f switches=%s metric=%s unit=%s sw_runs=%s sw_ns=%s wk_runs=%s wk_ns=%s emitted=%s lost=%s missed=%s mem=%s slow=%s wg_ns=%s reader_ns=%s nt_runs=%s nt_ns=%s\n",
				w, mode, round, threads, secs, switches, metric, unit, sw_runs + 0, sw_ns + 0,
				wk_runs + 0, wk_ns + 0, emitted + 0, lost + 0, missed + 0, mem + 0, slow + 0,
				wg_ns + 0, reader_ns + 0, nt_runs + 0, nt_ns + 0
		}' "$err" >> "$RAW/results.txt"
	tail -1 "$RAW/results.txt" >&2
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
for w in $WORKLOADS; do
	echo "bench: $w" >&2
	for round in $(seq "$ROUNDS"); do
		for mode in $(modes_of "$w"); do
			one_run "$w" "$mode" "$round"
		done
	done
done

bench/report.sh "$RAW/results.txt" "$started" "$ROUNDS" "$T" "$WORKLOADS" > "$OUT"
echo "bench: wrote $OUT" >&2
