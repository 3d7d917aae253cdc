#!/bin/bash
# Live suite: a short smoke test of a build, for the one made from the
# committed vmlinux fallback instead of this kernel's BTF (make
# check-fallback): its CO-RE relocations must hold on the running kernel.
# Every BPF program the tool has is loaded and attached (both storage
# modes, the prefill iterator, those of -W, --cpu, -B and -s), the
# generator's waits are reported with their TID and latency, and SIGINT
# leaves nothing behind. make check-all runs every live suite against that
# build as well (check-fallback-live).
SUITE=smoke
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/objects.sh"

# smoke_waits MODE ARGS...: the tool in storage mode MODE with ARGS reports
# each of the generator's waits (MODE.out, MODE.err, gen-MODE.out)
smoke_waits() {
	local mode=$1
	shift
	start_tracer "$mode" -m "$mode" "$@" 10000
	run_latgen "gen-$mode" -d 25 -n 3
	sleep 0.3
	stop_tracer "$tracer_pid"
	match_waits "gen-$mode.out" "$mode.out" "$waiter_tid"
}

t_smoke_task() {
	smoke_waits task --stats
	grep -qE '^stats: memory: bytes=[1-9][0-9]* map=[0-9]+ per_task=[1-9][0-9]* tasks=[1-9][0-9]* prefilled=[1-9][0-9]*$' task.err ||
		fail "no task storage memory line, or nothing prefilled: $(cat task.err)"
	note "$(grep '^stats: memory' task.err)"
}

t_smoke_hash() {
	smoke_waits hash --stats
	grep -qE '^stats: hash: max_entries=10240 entries=[0-9]+ stale=[0-9]+$' hash.err ||
		fail "no hash stats line: $(cat hash.err)"
}

t_smoke_every_option() {
	# -P, -W (sched_waking and the interrupt tracepoints), --cpu, -B, -s
	smoke_waits task -P -W --cpu -B -s
	grep -q '^[0-9:]* run-queue waits' task.out || fail "no summary at exit: $(tail -5 task.out)"
	[ -z "$(stderr_besides_missed task.err)" ] || fail "stderr: $(cat task.err)"
}

t_smoke_nothing_left() {
	bpf_snapshot before.ids
	start_tracer rqs -W --cpu -B -s --stats 10000
	"$SLEEPERS" -n 20 -r 2000 -t 1 > /dev/null
	stop_tracer "$tracer_pid"
	bpf_leftovers before.ids || fail "after SIGINT"
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "task storage: the generated waits, their TID and latency; prefill" t_smoke_task
test_case ROOT,BTF,MULTICPU "hash storage: the generated waits, their TID and latency" t_smoke_hash
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-P -W --cpu -B -s: every program loads, the waits reported" t_smoke_every_option
test_case ROOT,BTF,CMD_bpftool,CMD_jq "SIGINT with every program loaded: nothing left" t_smoke_nothing_left
test_done
