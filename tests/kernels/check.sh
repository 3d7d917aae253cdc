#!/bin/sh
# check.sh RQS LATGEN LABEL: the kernel matrix's checks, POSIX sh (busybox in
# the guests, the host's sh natively). For --storage=task and hash: the
# tool, started first, must report each of latgen's six 60 ms waits for
# the waiter's TID no longer than the larger of the kernel's run_delay and
# latgen's own measure (+0.1%), and no shorter than the smaller (-1%, 200
# us: the run-queue clock can end a wait a tick early, latgen's measure
# holds the wake-up's delivery; less latgen's wake call, in which the
# kernel reads its enqueue time before sched_wakeup) (or, without
# schedstat, within 10% of latgen's measure), in order, none of them
# twice, print nothing at or below 10 ms, and exit 0 on SIGINT, holding no
# capability once attached (caps_check); auto mode
# must pick task storage (no fallback notice). Before Linux 5.13, which has
# no task storage for tracing programs, --storage=task must exit 1 with its
# one line and auto fall back to the hash map with its notice. One line each:
#   VMTEST LABEL MODE ok (...)   or   VMTEST LABEL MODE FAIL: why
# or, where the generator could not make the case a check is for (a host
# too busy) or an input is missing, VMTEST LABEL MODE SKIP: why (run.sh: a
# skip; under CI=true a failure, since CI must run every check), or, where
# the kernel cannot have what a check is for, VMTEST LABEL MODE n/a: why
# (run.sh: a skip, counted, under CI=true too)
# On a kernel that preempts in kernel mode (preempt=full, PREEMPT_RT),
# qwake's waiter, preempted inside its futex wait and woken while still
# queued, must be reported from the preemption, in both modes (queued-task,
# queued-hash); auto picks the hash map on PREEMPT_RT before 6.4. QWAKE and
# QWAKE_MATCH (the generator, tests/tools/qwake-match.awk) are the 4th and
# 5th arguments; QWAKE_SCALE (default 10) stretches qwake's timings.
# STORM and SLEEPERS (6th, 7th) load both CPUs for load-task and load-hash.
# VMTEST_STOCK=1 (the guests: Debian's kernels, nothing else running): no
# sched_switch is hidden from the tracer, so every run must count 0 missed
# switch-ins (--stats), under load too (load-task, load-hash); natively a
# host agent's switches are hidden (see the README) and a wait the tool
# counted as missed may go unreported.
RQS=$1 LATGEN=$2 label=$3 QWAKE=${4:-} QWAKE_MATCH=${5:-} STORM=${6:-} SLEEPERS=${7:-}
tmp=${TMPDIR:-/tmp}/vmtest.$$
mkdir -p "$tmp"

# stats_value NAME FILE: the tool's --stats value NAME ("waits: negative")
stats_value() {
	sed -n "s/^stats: $1=//p" "$2" | head -1
}

# lost FILE: the waits the tool counted as lost (--stats) that a check may
# find unreported: wakeups not recorded, and natively missed switch-ins
lost() {
	nr=$(stats_value 'wakeups: not_recorded' "$1")
	ms=$(stats_value 'waits: missed_switch_in' "$1")
	[ "${VMTEST_STOCK:-}" = 1 ] && ms=0
	echo $((${nr:-0} + ${ms:-0}))
}

# stock_missed FILE: on a stock kernel, why the run fails if the tool counted
# a missed switch-in (empty if it did not): every switch-in of a task with a
# pending wait passes sched_switch, the tracer's first attached and last
# detached program, before sched_info_arrive() moves the run count it compares
stock_missed() {
	[ "${VMTEST_STOCK:-}" = 1 ] || return 0
	n=$(stats_value 'waits: missed_switch_in' "$1")
	[ "${n:-0}" = 0 ] && return 0
	echo " $n missed switch-ins counted on a stock kernel (recursion misses: $(sed -n 's/^stats: recursion_misses: //p' "$1"));"
}

# alive PID: PID has not exited (an unreaped child is a zombie, which
# kill -0 would still find)
alive() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# exits_within PID SECONDS: 0 once PID has exited, 1 if it still runs then
# (wall-clock seconds: under TCG each turn of the loop is slow)
exits_within() {
	end=$(($(date +%s) + $2))
	while alive "$1"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.1
	done
}

# diag PID: where each thread of PID is, as VMDIAG lines, so that a hang
# says where it hangs instead of running into the boot's timeout
diag() {
	for t in /proc/$1/task/*; do
		[ -d "$t" ] || continue
		echo "VMDIAG $(cat "$t/comm" 2> /dev/null) tid=${t##*/} state=$(sed 's/.*) //' "$t/stat" 2> /dev/null | cut -d' ' -f1) wchan=$(cat "$t/wchan" 2> /dev/null) stack=$(head -6 "$t/stack" 2> /dev/null | sed 's/^\[<[0-9a-f]*>\] //; s/+0x.*//' | tr '\n' ' ')"
	done
}

# started PID FILE: wait (up to 120 s of wall clock: BPF verification is
# slow under TCG, a few seconds) until the tool has printed its header
started() {
	end=$(($(date +%s) + 120))
	while [ "$(date +%s)" -lt $end ]; do
		grep -q '^TIME' "$2" 2> /dev/null && return 0
		kill -0 "$1" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# step NAME: the check about to run, so that a guest that hangs says where
step() {
	echo "VMSTEP $label $1 $(cut -d' ' -f1 /proc/uptime)"
}

# caps_check PID: empty if each thread of PID, attached, holds only the
# capability bpf() on a map fd still needs, with no_new_privs set; else
# why. Before Linux 5.19 (c8644cd0efe7) kernel.unprivileged_bpf_disabled
# makes every bpf() command check CAP_BPF: the tool keeps it there alone.
caps_check() {
	want=0000000000000000
	case $(uname -r) in
	[1-4].* | 5.[0-9].* | 5.1[0-8].*)
		[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2> /dev/null || echo 0)" = 0 ] || want=0000008000000000 ;;
	esac
	for t in /proc/$1/task/*; do
		eff=$(sed -n 's/^CapEff:[[:space:]]*//p' "$t/status")
		prm=$(sed -n 's/^CapPrm:[[:space:]]*//p' "$t/status")
		nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "$t/status")
		[ "$eff" = $want ] && [ "$prm" = $want ] && [ "$nnp" = 1 ] ||
			echo " thread ${t##*/} CapEff=$eff CapPrm=$prm NoNewPrivs=$nnp once attached, not $want and 1;"
	done
}

# check_mode MODE [NAME]: the truth check of --storage=MODE, its VMTEST
# lines named NAME (default MODE)
check_mode() {
	storage=$1 mode=${2:-$1}
	out=$tmp/$mode.out err=$tmp/$mode.err gen=$tmp/$mode.gen
	"$RQS" -m "$storage" --time=mono --stats 10000 > "$out" 2> "$err" &
	pid=$!
	if ! started "$pid" "$out"; then
		echo "VMTEST $label $mode FAIL: did not start: $(head -c 300 "$err")"
		diag "$pid"
		kill -9 "$pid" 2> /dev/null
		return
	fi
	capsbad=$(caps_check "$pid")
	"$LATGEN" -d 60 -n 6 -i 200 > "$gen" 2> "$tmp/gen.err" &
	gen_pid=$!
	if ! exits_within "$gen_pid" 120; then
		echo "VMTEST $label $mode FAIL: latgen still running after 120 s: $(tr '\n' ' ' < "$gen")"
		diag "$gen_pid"
		diag "$pid"
		kill -9 "$gen_pid" "$pid"
		{ wait "$gen_pid" "$pid"; } 2> /dev/null
		return
	fi
	if ! wait "$gen_pid"; then
		echo "VMTEST $label $mode FAIL: latgen: $(cat "$tmp/gen.err")"
		kill -9 "$pid"
		return
	fi
	sleep 1
	kill -INT "$pid"
	if ! exits_within "$pid" 60; then
		echo "VMTEST $label $mode FAIL: still running 60 s after SIGINT: $(head -c 300 "$err")"
		diag "$pid"
		kill -9 "$pid"
		{ wait "$pid"; } 2> /dev/null
		return
	fi
	wait "$pid"
	rc=$?
	if [ $rc != 0 ]; then
		echo "VMTEST $label $mode FAIL: exit status $rc after SIGINT: $(head -c 300 "$err")"
		return
	fi
	# the waits the tool itself counted as lost (--stats): a round may go
	# unreported only if it did (this host's kernel emits no sched_switch
	# when a hidden agent leaves a CPU, and the tool counts the wait whose
	# switch-in it missed)
	lost=$(lost "$err")
	verdict=$(awk -v label="$label" -v mode="$mode" -v lost="$lost" -v missed="$(stock_missed "$err")$capsbad" '
		FNR == NR && /^latgen / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "waiter_tid") tid = kv[2] } next }
		FNR == NR && /^wait_us=/ {
			n++; split($1, kv, "="); want[n] = kv[2]; pre[n] = ($2 == "preempted=1"); kern[n] = ""
			call[n] = 0
			for (f = 2; f <= NF; f++) {
				if ($f ~ /^run_delay_us=/) { split($f, kv, "="); kern[n] = kv[2] }
				if ($f ~ /^wake_call_us=/) { split($f, kv, "="); call[n] = kv[2] }
			}
			next
		}
		FNR == NR { next }
		FNR > 2 && $4 + 0 <= 10000 { low = low " " $4 }
		FNR > 2 && $3 == tid { m++; got[m] = $4; when[m] = $1; all = all " " $4 }
		# the rounds of latgen in order among the reports for its waiter,
		# each between the kernel measure (run_delay, to 0.1%) and
		# latgen own (without schedstat within 10% of latgen, whose measure
		# also holds the delivery of the wake-up and any vCPU stall). Other reports for it are its own waits
		# outside the rounds (thread start and exit) and those of a preempted
		# round (U covers two waits): listed, and a fault only if the same
		# wait as a round reported, switch-in time and length (that round
		# printed twice; lengths alone can repeat where timer ticks quantize
		# them, as arm64 under TCG did: two 60240 us waits)
		END {
			if (!tid) { print "VMTEST " label " " mode " FAIL: no latgen header"; exit }
			if (low != "") { print "VMTEST " label " " mode " FAIL: waits at or below 10000 us printed:" low; exit }
			j = 1
			for (i = 1; i <= n; i++) {
				w = w (i > 1 ? "/" : "") want[i]
				kw = kw (i > 1 ? "/" : "") (kern[i] != "" ? kern[i] : "-")
				if (pre[i]) { g = g (i > 1 ? "/" : "") "preempted"; continue }
				# run_delay ends at the run queue clock, which can be a
				# tick stale at a switch-in, and can hold another short
				# wait of the round; the latgen measure holds the delivery
				# of the wake-up: the tool (CLOCK_MONOTONIC at both
				# tracepoints) is at most the larger of them, and at
				# least the smaller less 1% and 200 us, and less the
				# controller wake call: the kernel reads its enqueue
				# time in it before sched_wakeup, and a vCPU stalled
				# in between (TCG, a loaded host: a CI run saw the
				# tool 1640 us under run_delay) parts the two
				if (kern[i] != "") {
					lo = (kern[i] < want[i] ? kern[i] : want[i]) * 0.99 - 200 - call[i]
					hi = (want[i] > kern[i] ? want[i] : kern[i]) * 1.001 + 200
				} else {
					lo = want[i] * 0.9; hi = want[i] * 1.1
				}
				for (at = j; at <= m; at++)
					if (got[at] >= lo && got[at] <= hi) break
				# a round that may be at or below the threshold
				# need not be printed (a disturbed guest made one 7 ms)
				if (at > m && lo <= 10000) { g = g (i > 1 ? "/" : "") "short"; continue }
				if (at > m && unrep < lost + 0) { unrep++; g = g (i > 1 ? "/" : "") "lost"; continue }
				if (at > m) { bad = bad " round " i " (kernel " (kern[i] != "" ? kern[i] : "-") " us, latgen " want[i] " us) not reported;"; g = g (i > 1 ? "/" : "") "-"; continue }
				for (; j < at; j++) { other = other " " got[j]; oi[++k] = j }
				if (got[j] > want[i] * 1.1) bad = bad " round " i ": tool " got[j] " us, more than latgen measured (" want[i] " us);"
				seen[++r] = j
				g = g (i > 1 ? "/" : "") got[j++]
			}
			for (; j <= m; j++) { other = other " " got[j]; oi[++k] = j }
			for (i = 1; i <= k; i++)
				for (x = 1; x <= r; x++)
					if (got[oi[i]] == got[seen[x]] && when[oi[i]] == when[seen[x]]) { bad = bad " " got[oi[i]] " us at " when[oi[i]] " reported twice;"; break }
			if (!r && bad == "") bad = " no round to compare: latgen made " n ", all preempted;"
			bad = bad missed
			if (bad != "") print "VMTEST " label " " mode " FAIL:" bad " (latgen " w " us, kernel " kw " us, tool:" all ")"
			else print "VMTEST " label " " mode " ok (latgen " w " us, kernel " kw " us, tool " g " us" (k ? "; other waits of the waiter:" other " us" : "") ")"
		}' "$gen" "$out")
	echo "$verdict"
	# a failure says what the tool printed and said
	case $verdict in
	*FAIL*) echo "VMDIAG tool printed $(($(wc -l < "$out") - 2)) waits"
		sed -n '3,12s/^/VMDIAG tool /p' "$out"
		sed 's/^/VMDIAG stderr /' "$err" ;;
	esac
}

# preempts_in_kernel: the running kernel preempts tasks in kernel mode,
# as preempt=full (or lazy) of a PREEMPT_DYNAMIC kernel. PREEMPT_RT does
# too, but under emulation its interrupt threads preempt qwake's threads in
# nearly every round (85 of 100 noisy), leaving none to judge: not run there.
preempts_in_kernel() {
	grep -q '(full)\|(lazy)' /sys/kernel/debug/sched/preempt 2> /dev/null
}

check_queued() {
	mode=$1 out=$tmp/q$1.out err=$tmp/q$1.err gen=$tmp/q$1.gen
	scale=${QWAKE_SCALE:-10}
	if [ -z "$QWAKE" ]; then
		return
	fi
	if uname -v | grep -q PREEMPT_RT; then
		echo "VMTEST $label queued-$mode n/a: PREEMPT_RT, whose interrupt threads leave no clean round under emulation"
		return
	fi
	if ! preempts_in_kernel; then
		echo "VMTEST $label queued-$mode n/a: this kernel does not preempt in kernel mode: $(cat /sys/kernel/debug/sched/preempt 2> /dev/null || uname -v)"
		return
	fi
	# the tool, this shell and what it runs on the first CPU: qwake's
	# waiter and hog run on the last, and a round in which another task
	# began to run there is noisy
	cpus=$(taskset -p $$ | sed 's/.*: //')
	taskset -p 1 $$ > /dev/null
	"$RQS" -m "$mode" --time=mono --stats $((scale * 1000)) > "$out" 2> "$err" &
	pid=$!
	if ! started "$pid" "$out"; then
		echo "VMTEST $label queued-$mode FAIL: did not start: $(head -c 300 "$err")"
		diag "$pid"
		kill -9 "$pid" 2> /dev/null
		taskset -p "$cpus" $$ > /dev/null
		return
	fi
	# 100 rounds, then more until 3 clean rounds were woken while
	# queued, for at most 90 s; a generator stuck past 120 s is killed and
	# the rounds it made are judged
	taskset "$cpus" "$QWAKE" -n 100 -q 3 -t 90 -x "$scale" > "$gen" 2> "$tmp/qgen.err" &
	gen_pid=$!
	if ! exits_within "$gen_pid" 120; then
		kill -9 "$gen_pid"
		{ wait "$gen_pid"; } 2> /dev/null
	fi
	sleep 1
	kill -INT "$pid"
	if ! exits_within "$pid" 60; then
		echo "VMTEST $label queued-$mode FAIL: still running 60 s after SIGINT"
		kill -9 "$pid"
	fi
	wait "$pid"
	taskset -p "$cpus" $$ > /dev/null
	# the waits the tool itself counted as lost (--stats)
	lost=$(lost "$err")
	verdict=$(awk -v min_us=$((scale * 1000)) -v lost="$lost" -f "$QWAKE_MATCH" "$gen" "$out")
	missed=$(stock_missed "$err")
	[ -z "$missed" ] || verdict="FAIL:$missed ${verdict#FAIL:}"
	case $verdict in
	ok*)
		if ! echo "$verdict" | grep -q '(clean 0)'; then
			echo "VMTEST $label queued-$mode ok ($verdict)"
		else
			# every clean round was right, but none was the case this
			# check is for: a host too busy for qwake to make one
			# within its time limit tested nothing (run.sh: a skip,
			# a failure under CI=true)
			echo "VMTEST $label queued-$mode SKIP: no clean round was woken while queued within qwake's time limit ($verdict; $(tail -1 "$gen"))"
		fi ;;
	*) echo "VMTEST $label queued-$mode FAIL: $(echo "${verdict#FAIL: }" | head -1) ($(tail -1 "$gen") $(head -c 300 "$tmp/qgen.err"))"
	   # the failed rounds with the tool's lines near them, what the tool
	   # said (loss lines) and its counters (--stats: negative waits,
	   # missed switch-ins, recursion misses)
	   echo "$verdict" | sed -n 's/^diag /VMDIAG /p'
	   sed 's/^/VMDIAG stderr /' "$err" ;;
	esac
}

check_auto() {
	"$RQS" 999999999 > "$tmp/auto.out" 2> "$tmp/auto.err" &
	pid=$!
	if ! started "$pid" "$tmp/auto.out"; then
		echo "VMTEST $label auto FAIL: did not start: $(head -c 300 "$tmp/auto.err")"
		diag "$pid"
		kill -9 "$pid" 2> /dev/null
		return
	fi
	kill -INT "$pid"
	if ! exits_within "$pid" 60; then
		echo "VMTEST $label auto FAIL: still running 60 s after SIGINT: $(head -c 300 "$tmp/auto.err")"
		diag "$pid"
		kill -9 "$pid"
		{ wait "$pid"; } 2> /dev/null
		return
	fi
	wait "$pid"
	# task storage, except before 5.13 and on PREEMPT_RT before 6.4 (see
	# src/trace/storage_choice.c)
	if task_storage_missing; then
		# the notice, then what the hash map says at exit
		if grep -qxF "runqslower-ts: notice: using --storage=hash: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)" "$tmp/auto.err"; then
			echo "VMTEST $label auto ok (hash: $(cat "$tmp/auto.err"))"
		else
			echo "VMTEST $label auto FAIL: before 5.13 and no fallback to the hash map: $(cat "$tmp/auto.err")"
		fi
	elif task_storage_unsafe; then
		if grep -q 'notice: using --storage=hash: task storage on a PREEMPT_RT kernel' "$tmp/auto.err"; then
			echo "VMTEST $label auto ok (hash: $(cat "$tmp/auto.err"))"
		else
			echo "VMTEST $label auto FAIL: PREEMPT_RT before 6.4 and no fallback to the hash map: $(cat "$tmp/auto.err")"
		fi
	elif grep -q 'notice' "$tmp/auto.err"; then
		echo "VMTEST $label auto FAIL: fell back: $(cat "$tmp/auto.err")"
	else
		echo "VMTEST $label auto ok (task storage, version $("$RQS" --version | cut -d' ' -f2))"
	fi
}

# check_load MODE: the tool under load for 3 s: 4 threads spinning on the
# 2 CPUs (preemptions), 32 threads waking 1000 times a second in all
# (wakeups, many onto a busy CPU), and 100 processes forked and exiting, 4
# at a time (new tasks; exits free task storage). On a stock kernel it
# must count no missed switch-in, and exit 0 on SIGINT; its --stats go to
# the log either way. Not run natively: the host hides some switches.
check_load() {
	mode=$1 out=$tmp/l$1.out err=$tmp/l$1.err
	if [ "${VMTEST_STOCK:-}" != 1 ] || [ -z "$STORM" ] || [ -z "$SLEEPERS" ]; then
		echo "VMTEST $label load-$mode n/a: only in the guests, whose kernels hide no switch"
		return
	fi
	"$RQS" -m "$mode" --stats 10000 > "$out" 2> "$err" &
	pid=$!
	if ! started "$pid" "$out"; then
		echo "VMTEST $label load-$mode FAIL: did not start: $(head -c 300 "$err")"
		diag "$pid"
		kill -9 "$pid" 2> /dev/null
		return
	fi
	"$STORM" spin -n 4 -t 3 > "$tmp/spin.out" 2>&1 &
	spin_pid=$!
	"$SLEEPERS" -n 32 -r 1000 -t 3 > "$tmp/sleepers.out" 2>&1 &
	sleepers_pid=$!
	"$STORM" fork -n 100 -j 4 > "$tmp/fork.out" 2>&1 &
	fork_pid=$!
	why=
	for p in $spin_pid $sleepers_pid $fork_pid; do
		if ! exits_within "$p" 120; then
			why="$why load generator $p still running after 120 s;"
			kill -9 "$p"
		fi
		wait "$p" || why="$why a load generator failed: $(cat "$tmp/spin.out" "$tmp/sleepers.out" "$tmp/fork.out" | tr '\n' ' ');"
	done
	kill -INT "$pid"
	if ! exits_within "$pid" 60; then
		echo "VMTEST $label load-$mode FAIL: still running 60 s after SIGINT"
		kill -9 "$pid"
		{ wait "$pid"; } 2> /dev/null
		return
	fi
	wait "$pid"
	rc=$?
	[ $rc = 0 ] || why="$why exit status $rc after SIGINT: $(head -c 300 "$err");"
	switches=$(sed -n 's/^stats: prog: sched_switch runs=\([0-9]*\).*/\1/p' "$err")
	# a load that did not load proves nothing
	[ "${switches:-0}" -ge 1000 ] || why="$why only ${switches:-no} switches traced under load;"
	why="$why$(stock_missed "$err")"
	load="$(tail -1 "$tmp/sleepers.out"); $(tail -1 "$tmp/fork.out")"
	if [ -z "$why" ]; then
		echo "VMTEST $label load-$mode ok (missed switch-ins 0; switches $switches, waits over 10 ms $(stats_value 'waits: over_threshold' "$err"), wakeups not recorded $(stats_value 'wakeups: not_recorded' "$err"); $load)"
	else
		echo "VMTEST $label load-$mode FAIL:$why ($load)"
		sed 's/^/VMDIAG stderr /' "$err"
	fi
}

# check_throttled: --blame-by cgroup in a cgroup v2 group over its CFS quota
# (cpu.max: 10 ms per 100 ms) that holds a hog and a periodic sleeper on
# one CPU: at least 80% of the sleeper's waits (less what tasks outside the
# group held) are charged to "throttled", at most 10% to the group's own
# hog ("self"), and the group's cpu.stat counts throttled periods. The
# charge reads the cfs_rq's throttled_clock_self_time (Linux 6.6, commit
# 677ea015f231, "sched: add throttled time stat for throttled children").
# Natively the cpu controller may be v1's: the live suite's blame tests
# cover it there.
check_throttled() {
	out=$tmp/thr.out err=$tmp/thr.err cg=/sys/fs/cgroup
	case $(uname -r) in
	[1-5].* | 6.[0-5].* | 6.[0-5])
		echo "VMTEST $label throttled n/a: no per-CPU throttled time before Linux 6.6"
		return ;;
	esac
	if [ "${VMTEST_STOCK:-}" != 1 ] || [ -z "$SLEEPERS" ]; then
		echo "VMTEST $label throttled n/a: natively the live blame tests run it, with the host's cpu controller"
		return
	fi
	grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg || {
		echo "VMTEST $label throttled FAIL: cannot mount cgroup2 on $cg"
		return
	}
	if ! echo +cpu > $cg/cgroup.subtree_control || ! mkdir -p $cg/q ||
		! echo "10000 100000" > $cg/q/cpu.max; then
		echo "VMTEST $label throttled FAIL: cannot give $cg/q a quota of 10 ms per 100 ms: $(cat $cg/cgroup.controllers)"
		return
	fi
	"$RQS" -s --by cgroup --blame-by cgroup --cgroup $cg/q --no-outliers 1000000 > "$out" 2> "$err" &
	pid=$!
	end=$(($(date +%s) + 120))
	until grep -q '^Tracing run queue latency' "$out" 2> /dev/null; do
		if ! kill -0 "$pid" 2> /dev/null || [ "$(date +%s)" -ge $end ]; then
			echo "VMTEST $label throttled FAIL: did not start: $(head -c 300 "$err")"
			kill -9 "$pid" 2> /dev/null
			return
		fi
		sleep 0.1
	done
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs" && exec taskset -c 1 sh -c "while :; do :; done"' sh $cg/q &
	hog=$!
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec taskset -c 1 "$@"' sh $cg/q \
		"$SLEEPERS" -n 1 -r 50 -t 6 > "$tmp/thr.gen" 2>&1 &
	sleeper=$!
	why=
	if ! exits_within "$sleeper" 120; then
		why=" sleepers still running after 120 s;"
		kill -9 "$sleeper"
	fi
	wait "$sleeper" || why="$why sleepers failed: $(head -c 200 "$tmp/thr.gen");"
	kill -9 "$hog"
	wait "$hog" 2> /dev/null
	kill -INT "$pid"
	if ! exits_within "$pid" 60; then
		echo "VMTEST $label throttled FAIL: still running 60 s after SIGINT"
		kill -9 "$pid"
		return
	fi
	wait "$pid" || why="$why exit status $? after SIGINT: $(head -c 300 "$err");"
	stat=$(tr '\n' ' ' < $cg/q/cpu.stat)
	rmdir $cg/q
	# "ran instead (of S s waited):", then "CULPRIT SECONDS SHARE" lines
	verdict=$(awk '
		/^cgroup = / { grab = ($0 == "cgroup = /q"); next }
		grab && /ran instead \(of / { sum = $4; cul = 1; next }
		grab && cul && /^        / {
			if ($1 == "throttled") thr = $2
			else if ($1 == "self") self = $2
			else if ($1 != "uncovered") other += $2
		}
		END {
			if (sum == "") { print "FAIL: no culprits of /q in the summary"; exit }
			d = " waited " sum " s: throttled " thr + 0 " s, self " self + 0 " s, other tasks " other + 0 " s"
			if (thr < 0.8 * (sum - other)) print "FAIL: under 80% throttled;" d
			else if (self > 0.1 * sum) print "FAIL: the group'"'"'s own hog charged over 10%;" d
			else print "ok" d
		}' "$out")
	echo "$stat" | grep -q 'nr_throttled [1-9]' || why="$why the group was never throttled ($stat);"
	case $why$verdict in
	ok*) echo "VMTEST $label throttled ok (${verdict#ok }; cpu.stat: $stat)" ;;
	*) echo "VMTEST $label throttled FAIL:$why ${verdict#FAIL: } (cpu.stat: $stat)"
	   sed 's/^/VMDIAG out /' "$out" | tail -12
	   sed 's/^/VMDIAG stderr /' "$err" ;;
	esac
}

# check_scx: the truth checks of both modes while a BPF scheduler runs
# (sched_ext, Linux 6.12): the kernel's tools/sched_ext/scx_simple, one
# global queue for every SCHED_NORMAL task. latgen's hog is SCHED_FIFO,
# which sched_ext leaves to the RT class, and its waiter a sched_ext task
# that waits in the BPF scheduler's queue: sched_wakeup, sched_switch and
# run_delay (sched_info) are the core scheduler's, whatever the class.
# Run only where the initramfs has /scx_simple (SCX_SIMPLE, by hand).
check_scx() {
	state=/sys/kernel/sched_ext/state
	if [ ! -r $state ]; then
		for m in scx-task scx-hash; do
			echo "VMTEST $label $m n/a: this kernel has no sched_ext"
		done
		return
	fi
	if [ ! -x /scx_simple ]; then
		for m in scx-task scx-hash; do
			case $(uname -m) in
			x86_64) echo "VMTEST $label $m SKIP: no scx_simple in the initramfs (SCX_SIMPLE=path)" ;;
			*) echo "VMTEST $label $m n/a: scx_simple is built for the x86-64 7.2 guests (tests/kernels/build-scx.sh)" ;;
			esac
		done
		return
	fi
	/scx_simple > "$tmp/scx.out" 2>&1 &
	scx=$!
	end=$(($(date +%s) + 60))
	until [ "$(cat $state)" = enabled ]; do
		if ! kill -0 $scx 2> /dev/null || [ "$(date +%s)" -ge $end ]; then
			for m in scx-task scx-hash; do
				echo "VMTEST $label $m FAIL: scx_simple did not enable sched_ext ($(cat $state)): $(head -c 300 "$tmp/scx.out" | tr '\n' ' ')"
			done
			kill -9 $scx 2> /dev/null
			return
		fi
		sleep 0.1
	done
	ops=$(cat /sys/kernel/sched_ext/root/ops 2> /dev/null)
	echo "VMSTEP $label sched_ext $(cat $state) ops=$ops"
	for m in task hash; do
		if [ $m = task ] && { task_storage_missing || task_storage_unsafe; }; then
			echo "VMTEST $label scx-task n/a: no safe task storage here"
			continue
		fi
		check_mode $m scx-$m
		# the scheduler was in charge all along
		[ "$(cat $state)" = enabled ] ||
			echo "VMTEST $label scx-$m FAIL: sched_ext was $(cat $state) after the check: $(tail -3 "$tmp/scx.out" | tr '\n' ' ')"
	done
	kill -INT $scx
	exits_within $scx 30 || kill -9 $scx
	wait $scx 2> /dev/null
	echo "VMSTEP $label sched_ext after scx_simple: $(cat $state); $(tail -2 "$tmp/scx.out" | tr '\n' ' ')"
}

# Before Linux 5.13 (commit a10787e6d58c, "bpf: Enable task local storage
# for tracing programs") tracing programs cannot use task storage: auto
# falls back to the hash map with a notice, and --storage=task refuses
task_storage_missing() {
	case $(uname -r) in
	[1-4].* | 5.[0-9].* | 5.1[0-2].*) return 0 ;;
	esac
	return 1
}

# check_task_refused: --storage=task exits 1 with its one line, at once
check_task_refused() {
	want="runqslower-ts: cannot use --storage=task: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)"
	"$RQS" -m task --stats 10000 > "$tmp/refused.out" 2> "$tmp/refused.err" &
	pid=$!
	if ! exits_within "$pid" 120; then
		echo "VMTEST $label task FAIL: --storage=task still running after 120 s, not refused: $(head -c 300 "$tmp/refused.err")"
		kill -9 "$pid"
		{ wait "$pid"; } 2> /dev/null
		return
	fi
	wait "$pid"
	rc=$?
	if [ $rc = 1 ] && [ "$(cat "$tmp/refused.err")" = "$want" ] && [ ! -s "$tmp/refused.out" ]; then
		echo "VMTEST $label task ok (refused, exit 1: $want)"
	else
		echo "VMTEST $label task FAIL: --storage=task before 5.13: exit $rc, stdout $(wc -c < "$tmp/refused.out") bytes, stderr: $(head -c 300 "$tmp/refused.err")"
	fi
}

# PREEMPT_RT before 6.4 allocates task storage with preemption disabled
# (src/trace/kernel_probe.c): auto picks the hash map there, and --storage=task, which
# warns, can hang the kernel (a guest did, once in about ten boots)
task_storage_unsafe() {
	uname -v | grep -q PREEMPT_RT || return 1
	case $(uname -r) in
	[1-5].* | 6.[0-3].* | 6.[0-3]) return 0 ;;
	esac
	return 1
}

step task
if task_storage_missing; then
	check_task_refused
elif task_storage_unsafe; then
	echo "VMTEST $label task n/a: task storage is unsafe on PREEMPT_RT before 6.4; auto must pick hash"
else
	check_mode task
fi
step hash
check_mode hash
step auto
check_auto
step load-task
if task_storage_missing; then
	echo "VMTEST $label load-task n/a: no task storage for tracing programs before 5.13"
elif task_storage_unsafe; then
	echo "VMTEST $label load-task n/a: task storage is unsafe on PREEMPT_RT before 6.4"
else
	check_load task
fi
step load-hash
check_load hash
step queued-task
check_queued task
step queued-hash
check_queued hash
step throttled
check_throttled
step scx
check_scx
rm -rf "$tmp"
