#!/bin/bash
# bench/report.sh turns raw runs into BENCHMARKS.md: check its medians, its
# ratios and its goal verdicts on made-up runs whose answers are known. TAP.
set -u
cd "$(dirname "$0")/../.."
n=0 failed=0
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && cp "$tmp/out" "$KEEP"; rm -rf "$tmp"' EXIT

ok() { # ok DESCRIPTION PATTERN: the report contains PATTERN (fixed string)
	n=$((n + 1))
	if grep -qF -- "$2" "$tmp/out"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no line with '$2'"
		failed=$((failed + 1))
	fi
}

# run W MODE ROUND SW_NS WK_NS METRIC [MISSED]; sleep-* measure lateness
run() {
	local unit=us/op
	case $1 in sleep-*) unit=us-late-p50 ;; esac
	echo "workload=$1 mode=$2 round=$3 threads=2 secs=2 switches=200000 metric=$6 unit=$unit sw_runs=1000 sw_ns=$4 wk_runs=500 wk_ns=$5 emitted=7 lost=0 missed=${7:-0} mem=4096 slow=${8:-0}"
}

# opt W MODE ROUND SW_NS WK_NS EMITTED READER_NS WAKING_NS: an option run
opt() {
	local unit=us/op
	case $1 in sleep-*) unit=us-late-p50 ;; esac
	echo "workload=$1 mode=$2 round=$3 threads=2 secs=2 switches=200000 metric=5.9 unit=$unit sw_runs=1000 sw_ns=$4 wk_runs=500 wk_ns=$5 emitted=$6 lost=0 missed=0 mem=4096 slow=0 wg_ns=$8 reader_ns=$7"
}

{
	# pipe: floor medians 50 / 60 from (50, 40, 90) and (60, 100, 20)
	run pipe untraced 1 0 0 10; run pipe untraced 2 0 0 10; run pipe untraced 3 0 0 10
	run pipe floor 1 50 60 10.2; run pipe floor 2 40 100 10.2; run pipe floor 3 90 20 10.2
	# the floor with one clock read: 60 / 88
	run pipe floor-clock 1 60 88 10.2; run pipe floor-clock 2 60 88 10.2; run pipe floor-clock 3 60 88 10.2
	run pipe lookup 1 65 90 10.3; run pipe lookup 2 65 90 10.3; run pipe lookup 3 65 90 10.3
	run pipe task 1 70 110 10.3; run pipe task 2 75 119 10.4; run pipe task 3 999 1 10.3
	run pipe hash 1 200 300 11; run pipe hash 2 200 300 11; run pipe hash 3 200 300 11
	# pinned: task over both limits
	for r in 1 2 3; do
		run pipe-pinned untraced $r 0 0 5; run pipe-pinned floor $r 50 50 5.5
		run pipe-pinned lookup $r 70 70 5.6; run pipe-pinned task $r 76 101 5.9
		run pipe-pinned hash $r 250 250 6.5
		# -s exactly 15% over task (76 -> 87.4), --by cgroup 25% over
		run pipe-pinned summary $r 87.4 101 5.9; run pipe-pinned by-cgroup $r 95 101 6
	done
	# messaging: untraced 9 / 10 / 11 (spread 20%), task 10% over the floor
	run messaging untraced 1 0 0 9; run messaging untraced 2 0 0 10; run messaging untraced 3 0 0 11
	for r in 1 2 3; do
		run messaging floor $r 50 50 10; run messaging lookup $r 200 200 10
		run messaging task $r 300 250 11; run messaging hash $r 400 300 11
	done
	# sleep-10000: task cheaper on switch, dearer on wakeup; the hash misses
	for r in 1 2 3; do
		run sleep-10000 untraced $r 0 0 70; run sleep-10000 floor $r 50 50 70
		run sleep-10000 load1 $r 60 80 70 0 $((10000 + r))
		run sleep-10000 load2 $r 90 230 70 0 $((10000 + r))
		run sleep-10000 load3 $r 120 380 70 0 $((10000 + r))
		run sleep-10000 lookup $r 150 400 70; run sleep-10000 task $r 180 420 70
		run sleep-10000 task-rqclock $r 160 390 70
		run sleep-10000 hash $r 250 330 70 123
		# -s 20% over task: not met; no --by cgroup run
		run sleep-10000 summary $r 216 421 70
	done
	# issue #13's options on pinned pipe (task 76 / 101): -W +15 ns per
	# wakeup (under 15%), --cpu +16 ns (over), -B +20 ns per switch (at the
	# limit); text0 and json0: reader time over events printed
	for r in 1 2 3; do
		opt pipe-pinned waker $r 80 116 7 0 90; opt pipe-pinned cpu $r 78 117 7 0 0
		opt pipe-pinned blame $r 96 101 7 0 0; opt pipe-pinned json $r 77 102 7 0 0
		opt pipe-pinned text0 $r 200 150 1000 $((2000000 + r * 1000)) 0
		opt pipe-pinned json0 $r 210 150 1000 $((3000000 + r * 1000)) 0
	done
	# sleep-10000 (task 180 / 420): -B over by 1 ns
	for r in 1 2 3; do
		opt sleep-10000 waker $r 180 430 7 0 120; opt sleep-10000 cpu $r 181 440 7 0 0
		opt sleep-10000 blame $r 201 420 7 0 0; opt sleep-10000 json $r 180 420 7 0 0
		# -B's record alone: +25 ns over the quiet run
		opt sleep-10000 quiet $r 150 400 0 0 0; opt sleep-10000 blame-quiet $r 175 400 0 0 0
	done
} > "$tmp/results"

bench/report.sh "$tmp/results" "test" 3 2 "pipe pipe-pinned messaging sleep-10000" > "$tmp/out" 2> "$tmp/err"
n=$((n + 1))
if [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then echo "ok $n - report written, nothing on stderr"; else echo "not ok $n - report: $(cat "$tmp/err")"; failed=$((failed + 1)); fi

ok "medians of three: floor 50 / 60, task 75 / 110" "| pipe | 2 | floor | 100000 | 50 | - | - | 60 | - | - |"
ok "task row: ratios to the floor's medians" "| pipe | 2 | task | 100000 | 75 | 1.50 | 1.25 | 110 | 1.83 | 1.25 |"
ok "lookup row has its ratios" "| pipe | 2 | lookup | 100000 | 65 | 1.30 | 1.08 | 90 | 1.50 | 1.02 |"
ok "floor-clock row: its ratios to the empty floor" "| pipe | 2 | floor-clock | 100000 | 60 | 1.20 | - | 88 | 1.47 | - |"
ok "reading: task and hash above the clock floor" "The clock floor (one clock read each) costs 60 / 88 ns; task mode +15 / +22 ns above it, hash +140 / +212."
ok "workload ratio to untraced" "| 10.3 us/op | 1.030 |"
ok "reading: task relative to the required lookups" "task mode costs +10 / +20 ns relative to them"
ok "goal met at exactly 1.5x and under 2x" "pipe, task at most 1.5x the floor per sched_switch and 2x per sched_wakeup: 1.50x (met), 1.83x (met); the required task storage lookups alone: 1.30x, 1.50x."
ok "goal not met over 1.5x and over 2x" "pipe-pinned, task at most 1.5x the floor per sched_switch and 2x per sched_wakeup: 1.52x (**not met**), 2.02x (**not met**); the required task storage lookups alone: 1.40x, 1.40x."
ok "task vs hash per event, with misses" "sleep-10000, task no more expensive than hash: sched_switch 180 vs 250 ns (met), sched_wakeup 420 vs 330 ns (**not met**); the required task storage lookups alone: 150 and 400 ns; wakeups not recorded: task 0, hash 123; waits reported: task 7, hash 7."
ok "quarter of upstream at sleep-10000" "sleep-10000, task at most a quarter of the upstream tools' 981 ns per sched_switch (the issue's figure, from the machine it was filed on): 180 ns, 0.18 of it (met)."
ok "slowdown goal: pipe 1.030 vs floor 1.020 is within 5%" "- pipe, run time under task mode within 5% of the floor's: 1.030 and 1.020 of untraced (met)."
ok "slowdown goal: pinned 5.9 vs floor 5.5 is over 5%" "- pipe-pinned, run time under task mode within 5% of the floor's: 1.180 and 1.100 of untraced (**not met**)."
ok "slowdown over 5% but within the untraced runs' spread is not shown" "- messaging, run time under task mode within 5% of the floor's: 1.100 and 1.000 of untraced (**not shown**: the untraced runs alone spread over 20% (min to max), more than the difference)."
ok "task-rqclock row, ratios to the floor" "| sleep-10000 | 2 | task-rqclock | 100000 | 160 | 3.20 | - | 390 | 7.80 | - |"
ok "the clock's cost, task against task-rqclock" "- **sleep-10000**, the clock's cost: task mode with CLOCK_MONOTONIC (bpf_ktime_get_ns()) 180 / 420 ns per sched_switch / sched_wakeup run, with the run queue's clock 160 / 390 ns (+20 / +30 ns for a clock that is right across CPUs and never stale)."
ok "load rows, with their ratios to the floor" "| sleep-10000 | 2 | load2 | 100000 | 90 | 1.80 | - | 230 | 4.60 | - |"
ok "where a lookup's time goes, step by step" "- **sleep-10000**, where a task storage lookup's time goes, per sched_wakeup run: the empty program 50 ns; loading task->bpf_storage 80 (+30); then the map's cache slot 230 (+150); then the element 380 (+150); the helper doing all that itself 400 (+20). Hash mode: 330. Lookups that needed the helper (the storage was not yet there): 10002."
ok "summary row, ratios to the floor" "| pipe-pinned | 2 | summary | 100000 | 87 | 1.75 | - | 101 | 2.02 | - |"
ok "by-cgroup row" "| pipe-pinned | 2 | by-cgroup | 100000 | 95 | 1.90 | - | 101 | 2.02 | - |"
ok "summary goal met at exactly +15%, --by cgroup measured" "- pipe-pinned, summary on (-s) at most +15% per sched_switch over task: 87 vs 76 ns, +15.0% (met); sched_wakeup 101 vs 101 ns. With --by cgroup: 95 ns, +25.0% over task, +8.7% over -s alone (measured; no goal)."
ok "summary goal not met over +15%, no --by cgroup line without its runs" "- sleep-10000, summary on (-s) at most +15% per sched_switch over task: 216 vs 180 ns, +20.0% (**not met**); sched_wakeup 421 vs 420 ns."
ok "issue #14's goals have their heading" "## Goals (issue #14)"
n=$((n + 1))
if grep -q '| pipe | 2 | summary\|| pipe | 2 | by-cgroup\|| sleep-10000 | 2 | by-cgroup' "$tmp/out"; then echo "not ok $n - summary rows where none ran"; failed=$((failed + 1)); else echo "ok $n - no summary rows where none ran"; fi
ok "options table: task reference row" "| pipe-pinned | task (reference) | 76 | - | 101 | - | - | 7 | - |"
ok "options table: -W row with its sched_waking cost" "| pipe-pinned | waker | 80 | +4 | 116 | +15 | 90 | 7 | - |"
ok "options table: reader ns per event, median of per-run ratios" "| pipe-pinned | text0 | 200 | +124 | 150 | +49 | - | 1000 | 2002 |"
ok "options table: json0 reader" "| pipe-pinned | json0 | 210 | +134 | 150 | +49 | - | 1000 | 3002 |"
ok "-W goal met under 15%" "- pipe-pinned, -W at most 15% more per sched_wakeup: 116 vs 101 ns, +14.9% (met); plus 90 ns per run of the sched_waking program it adds."
ok "--cpu goal not met over 15%" "- pipe-pinned, --cpu at most 15% more per sched_wakeup: 117 vs 101 ns, +15.8% (**not met**)."
ok "-B goal met at exactly 20 ns" "- pipe-pinned, -B at most 20 ns more per sched_switch: 96 vs 76 ns, +20 ns (met)."
ok "-B goal not met at 21 ns" "- sleep-10000, -B at most 20 ns more per sched_switch: 201 vs 180 ns, +21 ns (**not met**)."
ok "-B's record alone, against the quiet run" "- sleep-10000, -B's record alone (threshold 10 s, nothing reported: blame-quiet against quiet): 175 vs 150 ns per sched_switch, +25 ns (**not met**)."
ok "options table: blame-quiet row" "| sleep-10000 | blame-quiet | 175 | -5 | 400 | -20 | - | 0 | - |"
n=$((n + 1))
if grep -q "pipe-pinned, -B's record alone" "$tmp/out"; then echo "not ok $n - a record-alone line where no quiet runs ran"; failed=$((failed + 1)); else echo "ok $n - no record-alone line without its runs"; fi
ok "reader time, -j against text" "- pipe-pinned, the reader's CPU time per event printed: -j 3002 ns, text 2002 ns (1.50x)."
n=$((n + 1))
if grep -q 'sleep-10000, the reader' "$tmp/out"; then echo "not ok $n - a reader line without text0/json0 runs"; failed=$((failed + 1)); else echo "ok $n - no reader line without text0/json0 runs"; fi
n=$((n + 1))
if grep -q '| pipe | task (reference)' "$tmp/out"; then echo "not ok $n - options rows where none ran"; failed=$((failed + 1)); else echo "ok $n - no options rows where none ran"; fi
n=$((n + 1))
if grep -q '| pipe | 2 | load\|| pipe | 2 | task-rqclock' "$tmp/out"; then echo "not ok $n - load or task-rqclock rows where none ran"; failed=$((failed + 1)); else echo "ok $n - no load rows where none ran"; fi
n=$((n + 1))
if grep -q 'sleep-10000, run time' "$tmp/out"; then echo "not ok $n - lateness workloads judged as run time"; failed=$((failed + 1)); else echo "ok $n - lateness workloads are not judged as run time"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
