#!/bin/bash
# Kernel refusals and privileges: bpf() made to fail from outside the tool
# (build/bpffault, a seccomp user-notification supervisor), one case at a
# time; the tool as nobody with only CAP_BPF and CAP_PERFMON, in a PID
# namespace, in a user namespace. Each failure must be one line naming the
# real reason, the documented exit status, no libbpf output without -v, and
# nothing left loaded or attached.
SUITE=faults
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/objects.sh"
BPFFAULT=${BPFFAULT:-$TOP/build/bpffault}

# fault_run EXPECTED_RC BPFFAULT-ARGS -- TOOL-ARGS: runs the tool (it must
# stop on its own) under bpffault; stdout in out, stderr in err, the
# supervisor's log in fault.log
fault_run() {
	local want=$1 rc
	shift
	bpf_snapshot before
	set +e
	timeout 60 "$BPFFAULT" -l fault.log "$@" > out 2> err
	rc=$?
	set -e
	grep -qvE ': passed$' fault.log || fail "no fault injected: $(cat fault.log 2>/dev/null)"
	[ "$rc" = "$want" ] || fail "exit $rc, expected $want: $(cat err)"
	! grep -q 'libbpf:' err || fail "libbpf output without -v: $(cat err)"
	bpf_leftovers before || fail "objects left after: $*"
	note "$(grep -v ': passed$' fault.log | head -1 | sed 's/^bpffault: //') -> $(tr '\n' '|' < err | sed 's/|$//')"
}

# one_line TEXT: stderr is exactly this one line
one_line() {
	[ "$(wc -l < err)" = 1 ] || fail "expected one line, got: $(cat err)"
	[ "$(cat err)" = "runqslower-ts: $1" ] || fail "expected 'runqslower-ts: $1', got: $(cat err)"
}

t_old_kernel_auto_falls_back() {
	bpf_snapshot before
	# EINVAL at creating a task storage map: what kernels before 5.11 say
	RQS="$BPFFAULT" start_tracer rqs -m task_storage -e EINVAL -l fault.log -- "$RQS" 10000
	# the running tool holds hash mode's programs and no task storage map
	# (the failed probe left nothing)
	tool=$(pgrep -P "$tracer_pid")
	progs=$(grep -l '^prog_type:' /proc/$tool/fdinfo/* 2>/dev/null | wc -l)
	[ "$progs" = 3 ] || fail "the tool holds $progs programs, expected 3"
	! grep -q '^map_type:[[:space:]]*29$' /proc/$tool/fdinfo/* 2>/dev/null || fail "the tool holds a task storage map"
	run_latgen gen -d 30 -n 3
	sleep 0.3
	stop_tracer "$tracer_pid"
	grep -q 'task_storage.*EINVAL$' fault.log || fail "no EINVAL injected: $(cat fault.log)"
	[ "$(head -1 rqs.err)" = "runqslower-ts: notice: using --storage=hash: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)" ] ||
		fail "no fallback notice: $(cat rqs.err)"
	! stderr_besides_missed rqs.err 'hash map entries left by exited threads' | sed 1d | grep -q . ||
		fail "more on stderr: $(cat rqs.err)"
	match_waits gen.out rqs.out "$waiter_tid"
	bpf_leftovers before || fail "objects left"
}

t_old_kernel_task_fails() {
	fault_run 1 -m task_storage -e EINVAL -- "$RQS" -m task 10000
	one_line "cannot use --storage=task: this kernel's tracing programs cannot use task local storage (needs Linux 5.13)"
	[ ! -s out ] || fail "stdout: $(cat out)"
}

t_no_ringbuf() {
	fault_run 1 -m ringbuf -e EINVAL -- "$RQS" 10000
	one_line "cannot create the event ring buffer: this kernel has no BPF ring buffer (needs Linux 5.8)"
	# a kernel before 5.8 has no task storage either: the notice, then that
	fault_run 1 -m task_storage,ringbuf -e EINVAL -- "$RQS" 10000
	[ "$(wc -l < err)" = 2 ] || fail "expected two lines: $(cat err)"
	grep -qx 'runqslower-ts: notice: using --storage=hash: .*(needs Linux 5.13)' err || fail "$(cat err)"
	grep -qx 'runqslower-ts: cannot create the event ring buffer: this kernel has no BPF ring buffer (needs Linux 5.8)' err ||
		fail "$(cat err)"
}

t_enomem_eperm_real_reason() {
	local e why spec
	for e in ENOMEM EPERM; do
		case $e in ENOMEM) why="Cannot allocate memory" ;; EPERM) why="Operation not permitted" ;; esac
		# the task storage probe (a tracing program and its map), then
		# the tracer's programs, ring buffer, counters, task storage
		for spec in "-t tracing" "-m task_storage" "-N handle_sched" "-N events" "-N counters" "-N start"; do
			# shellcheck disable=SC2086
			fault_run 1 $spec -e $e -- "$RQS" 10000
			[ "$(wc -l < err)" = 1 ] || fail "$spec $e: expected one line: $(cat err)"
			grep -qE "^runqslower-ts: cannot load BPF programs.*: $why\$" err ||
				fail "$spec $e: not the real reason: $(cat err)"
		done
		fault_run 1 -N start -e $e -- "$RQS" -m hash 10000
		if [ $e = ENOMEM ]; then
			one_line "cannot create a hash map of 10240 entries: $why"
		else
			one_line "cannot load BPF programs (-v shows libbpf's log): $why"
		fi
	done
}

t_attach_fails() {
	# the second program's attachment fails: the first is detached again
	fault_run 1 -a trace_raw_tp -n 2 -e ENOMEM -- "$RQS" 10000
	one_line "cannot attach BPF programs: Cannot allocate memory"
	fault_run 1 -a trace_raw_tp -n 3 -e EPERM -- "$RQS" -m hash 10000
	one_line "cannot attach BPF programs: Operation not permitted"
}

t_ringbuf_reader_fails() {
	# ring_buffer__new asks the map's size (BPF_OBJ_GET_INFO_BY_FD); the
	# three calls before it are the prefill's reuse of the maps it shares
	# with the tracing programs (start, noted_wakers, blame_moves)
	fault_run 1 -c obj_get_info_by_fd -n 4 -e ENOMEM -- "$RQS" 10000
	one_line "cannot create ring buffer: Cannot allocate memory"
}

t_prefill_fails_still_traces() {
	local spec
	for spec in "-a trace_iter" "-c iter_create"; do
		bpf_snapshot before
		# shellcheck disable=SC2086
		RQS="$BPFFAULT" start_tracer rqs $spec -e ENOMEM -l fault.log -- "$RQS" --stats 10000
		run_latgen gen -d 25 -n 2
		sleep 0.3
		stop_tracer "$tracer_pid"
		grep -q 'ENOMEM$' fault.log || fail "$spec: nothing injected"
		match_waits gen.out rqs.out "$waiter_tid"
		grep -q '^stats: memory: .* prefilled=0$' rqs.err || fail "$spec: $(cat rqs.err)"
		# since Linux 6.4 the tracing programs create the storage the
		# prefill did not (before, a notice says those threads are not traced)
		grep -qE '^stats: storage: mode=task at_fork=[0-9]+ at_wakeup=[1-9][0-9]*$' rqs.err ||
			fail "$spec: no storage created at wakeups: $(grep 'stats: storage' rqs.err)"
		[ -z "$(stderr_besides_missed rqs.err '^stats: ')" ] || fail "$spec: stderr: $(cat rqs.err)"
		bpf_leftovers before || fail "objects left"
		rm -f fault.log
	done
}

t_counters_unreadable() {
	bpf_snapshot before
	RQS="$BPFFAULT" start_tracer rqs -c map_lookup_elem -e EPERM -l fault.log -- "$RQS" 10000
	sleep 2.5
	stop_tracer "$tracer_pid"
	[ "$(cat rqs.err)" = "runqslower-ts: cannot read the loss counters: Operation not permitted" ] ||
		fail "expected one line: $(cat rqs.err)"
	bpf_leftovers before || fail "objects left"
}

t_stats_refused() {
	fault_run 1 -c enable_stats -e EPERM -- "$RQS" --stats 10000
	one_line "cannot enable BPF statistics for --stats: it needs CAP_SYS_ADMIN"
}

t_kill_held_load() {
	# SIGKILL while the kernel "verifies" the switch program (held 3 s by
	# the supervisor), and while the prefill iterator is being created
	local spec
	for spec in "-N handle_sched_sw" "-a trace_iter" "-c iter_create"; do
		bpf_snapshot before
		# shellcheck disable=SC2086
		"$BPFFAULT" $spec -d 3000 -l fault.log -- "$RQS" 10000 > out 2> err &
		sup=$!
		bg_pids+=($sup)
		for _ in $(seq 100); do grep -q held fault.log 2>/dev/null && break; sleep 0.05; done
		grep -q held fault.log || fail "$spec: never held: $(cat err)"
		pkill -KILL -P "$sup"
		set +e; wait "$sup"; rc=$?; set -e
		[ $rc = 137 ] || fail "$spec: exit $rc"
		bpf_leftovers before || fail "$spec: objects left after SIGKILL"
		rm -f fault.log
	done
}

t_caps_only() {
	# nobody, with CAP_BPF and CAP_PERFMON only: a correct run
	local caps=(setpriv --reuid=65534 --regid=65534 --clear-groups
		--inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon)
	for m in task hash; do
		RQS="${caps[0]}" start_tracer rqs-$m "${caps[@]:1}" "$RQS" -m $m 10000
		eval "pid_$m=$tracer_pid"
	done
	run_latgen gen -d 25 -n 3
	sleep 0.3
	for m in task hash; do
		eval "stop_tracer \$pid_$m"
		match_waits gen.out rqs-$m.out "$waiter_tid"
		[ -z "$(stderr_besides_missed rqs-$m.err)" ] || fail "$m: stderr: $(cat rqs-$m.err)"
	done
	# BPF_ENABLE_STATS needs CAP_SYS_ADMIN
	set +e
	"${caps[@]}" "$RQS" --stats 10000 > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "--stats without CAP_SYS_ADMIN: exit $rc"
	one_line "cannot enable BPF statistics for --stats: it needs CAP_SYS_ADMIN"
	# without CAP_PERFMON: refused before loading
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf --ambient-caps=-all,+bpf "$RQS" > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "CAP_BPF alone: exit $rc"
	grep -q '^runqslower-ts: permission denied' err || fail "$(cat err)"
}

t_pid_namespace_host_tids() {
	# the tool and the generator in a new PID namespace: the tool prints
	# the generator's host TIDs (documented), after a one-line notice
	unshare -p -f --mount-proc sh -c '
		"$1" 10000 > rqs.out 2> rqs.err & t=$!
		for i in $(seq 100); do grep -q "^TIME " rqs.out && break; sleep 0.1; done
		"$2" -d 25 -n 3 > gen.out
		sleep 0.3; kill -INT $t; wait $t; echo $? > rqs.rc
		' sh "$RQS" "$LATGEN" &
	ns=$!
	bg_pids+=($ns)
	# the waiter's host TID, seen from here
	for _ in $(seq 50); do child=$(pgrep -P "$ns" | head -1); [ -n "$child" ] && break; sleep 0.02; done
	nsid=$(readlink "/proc/$child/ns/pid")
	for _ in $(seq 100); do
		host_waiter=$(grep -lx waiter /proc/[0-9]*/task/[0-9]*/comm 2>/dev/null |
			while read -r f; do
				t=${f%/comm}; t=${t##*/}
				[ "$(readlink /proc/$t/ns/pid)" = "$nsid" ] && echo "$t"
			done | head -1)
		[ -n "$host_waiter" ] && break
		sleep 0.05
	done
	wait "$ns"
	bg_pids=()
	[ -n "$host_waiter" ] || fail "did not find the generator's waiter from outside"
	[ "$(cat rqs.rc)" = 0 ] || fail "exit $(cat rqs.rc)"
	[ "$(stderr_besides_missed rqs.err)" = "runqslower-ts: notice: in a PID namespace: TIDs, -p and -t are those of the initial (host) namespace" ] ||
		fail "stderr: $(cat rqs.err)"
	parse_latgen gen.out
	note "waiter: TID $waiter_tid in the namespace, $host_waiter on the host"
	[ "$waiter_tid" != "$host_waiter" ] || fail "same TID inside and outside"
	match_waits gen.out rqs.out "$host_waiter"
}

t_user_namespace() {
	# as nobody, root of a new user namespace: one line, exit 1
	for who in nobody root; do
		if [ $who = nobody ]; then
			pre=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
		else
			pre=()
		fi
		set +e
		"${pre[@]}" unshare -U -r "$RQS" 10000 > out 2> err
		rc=$?
		set -e
		[ $rc = 1 ] || fail "$who in a user namespace: exit $rc: $(cat err)"
		one_line "permission denied: run as root, or with CAP_BPF and CAP_PERFMON, outside user namespaces"
	done
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "task storage map refused (EINVAL, < 5.11): auto falls back to hash and reports the waits" t_old_kernel_auto_falls_back
test_case ROOT,BTF "task storage map refused: --storage=task is one line, exit 1" t_old_kernel_task_fails
test_case ROOT,BTF "ring buffer refused (< 5.8): the message names it" t_no_ringbuf
test_case ROOT,BTF "ENOMEM and EPERM from each program and map: the real reason, exit 1" t_enomem_eperm_real_reason
test_case ROOT,BTF "attach refused halfway: one line, exit 1, nothing left attached" t_attach_fails
test_case ROOT,BTF "ring buffer reader refused: one line, exit 1" t_ringbuf_reader_fails
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "prefill iterator refused: still traces, prefilled=0" t_prefill_fails_still_traces
test_case ROOT,BTF "loss counters unreadable: said once" t_counters_unreadable
test_case ROOT,BTF "--stats refused: one line, exit 1" t_stats_refused
test_case ROOT,BTF,CMD_pkill "SIGKILL during load and during prefill: nothing left" t_kill_held_load
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_setpriv "CAP_BPF and CAP_PERFMON suffice (nobody, both modes)" t_caps_only
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_unshare "in a PID namespace: host TIDs, documented by a notice" t_pid_namespace_host_tids
test_case ROOT,CMD_unshare,CMD_setpriv "in a user namespace: one line, exit 1" t_user_namespace
test_done
