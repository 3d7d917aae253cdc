#!/bin/bash
# Live suite: start and end. SIGINT, SIGTERM and SIGHUP end it with status
# 0, its final reports, and no program or link left attached; a SIGINT
# while it starts (the handlers come before any other work) likewise; an
# unprivileged run is one line, exit 1.
SUITE=lifecycle
. "$(dirname "$0")/lib.sh"

# IDs of the BPF programs ($2 = prog) or links ($2 = link) process $1 holds
bpf_ids_of() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		if [ "$2" = link ]; then
			sed -n 's/^link_id:[[:space:]]*//p' "$f"
		elif grep -q '^prog_type:' "$f"; then
			sed -n 's/^prog_id:[[:space:]]*//p' "$f"
		fi
	done 2>/dev/null | sort -u
}

t_clean_exit() {
	for sig in INT TERM; do
		# task mode: sched_switch, sched_wakeup, sched_wakeup_new and
		# task_newtask (storage for the tasks born while it runs)
		start_tracer rqs -m task 10000
		progs=$(bpf_ids_of "$tracer_pid" prog)
		links=$(bpf_ids_of "$tracer_pid" link)
		[ "$(wc -w <<<"$progs")" = 4 ] || fail "expected 4 programs held by the tracer, found: $progs"
		[ "$(wc -w <<<"$links")" = 4 ] || fail "expected 4 links held by the tracer, found: $links"
		kill -"$sig" "$tracer_pid"
		wait "$tracer_pid" || fail "exit status $? after SIG$sig"
		bg_pids=()
		[ -z "$(stderr_besides_missed rqs.err)" ] || fail "stderr after SIG$sig: $(cat rqs.err)"
		# the kernel frees them after an RCU grace period: allow 3 s
		for kind_id in $(printf 'prog:%s ' $progs) $(printf 'link:%s ' $links); do
			for _ in $(seq 30); do
				bpftool "${kind_id%%:*}" show id "${kind_id#*:}" > /dev/null 2>&1 || continue 2
				sleep 0.1
			done
			fail "${kind_id%%:*} ${kind_id#*:} still present 3 s after SIG$sig"
		done
	done
}

t_not_root() {
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$RQS" > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "exit $rc as nobody"
	[ "$(wc -l < err)" = 1 ] || fail "expected one line: $(cat err)"
	grep -q '^runqslower-ts: permission denied' err || fail "$(cat err)"
}

t_sighup() {
	start_tracer rqs --stats 1000
	kill -HUP "$tracer_pid"
	waiting_exit "$tracer_pid" 5
	bg_pids=()
	[ $exit_rc = 0 ] || fail "exit $exit_rc after SIGHUP"
	grep -q '^stats: events: emitted=[0-9]* lost_ringbuf=[0-9]*$' rqs.err ||
		fail "no final reports after SIGHUP: $(cat rqs.err)"
}

# caught_sigint PID: SIGINT (bit 2) is in /proc/PID/status's SigCgt
caught_sigint() {
	local key value
	while read -r key value; do
		[ "$key" = SigCgt: ] && { [ $((0x$value & 2)) != 0 ]; return; }
	done < "/proc/$1/status" 2>/dev/null
	return 1
}

t_sigint_at_startup() {
	# started as a background job of a script is: with SIGINT ignored.
	# One SIGINT while it starts (programs loading) ends it, status 0.
	(trap '' INT; exec "$RQS" 0 > out 2> err) &
	pid=$!
	bg_pids+=($pid)
	for _ in $(seq 2000); do caught_sigint "$pid" && break; done
	caught_sigint "$pid" || fail "SIGINT never caught: $(cat err)"
	grep -q '^TIME' out && header=before || header=after
	kill -INT "$pid"
	waiting_exit "$pid" 10
	bg_pids=()
	[ $exit_rc = 0 ] || fail "exit $exit_rc after a SIGINT at start-up"
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	note "SIGINT sent with the header printed $header it"
	# the handlers come first: before the arguments are checked against
	# /proc, before privileges, BTF and BPF
	timeout -s KILL 10 strace -o trace.txt -e trace=rt_sigaction,openat,capget,bpf \
		"$RQS" -t "$(absent_id)" > /dev/null 2>&1 || true
	first=$(grep -nE 'rt_sigaction\(SIGINT, \{sa_handler=0x' trace.txt | head -1 | cut -d: -f1)
	work=$(grep -nE 'openat\(AT_FDCWD, "/(proc|sys)/|capget|bpf\(' trace.txt | head -1 | cut -d: -f1)
	[ -n "$first" ] || fail "no SIGINT handler installed: $(head -50 trace.txt)"
	[ -n "$work" ] && [ "$first" -lt "$work" ] ||
		fail "start-up work before the SIGINT handler: $(sed -n "${work:-1},${first}p" trace.txt | head)"
}

# A reader slower than the programs write (a slow terminal, a pipe read
# now and then): SIGINT still ends the run within seconds, with status 0,
# while the load goes on. libbpf reads on for as long as the programs keep
# writing, so without a bound on each read the loop that looks at the
# signal never came back.
t_sigint_slow_reader() {
	local rqs reader load t0 ms rc
	"$TOP/build/sleepers" -n 64 -r 50000 -t 600 > load.out 2>&1 &
	load=$!
	bg_pids+=($load)
	mkfifo out.fifo
	"$RQS" 0 > out.fifo 2> rqs.err &
	rqs=$!
	bg_pids+=($rqs)
	# 4 KiB every 5 ms at most: about a quarter of what the tool would write
	python3 -c 'import sys, time
while sys.stdin.buffer.read1(4096):
    time.sleep(0.005)' < out.fifo &
	reader=$!
	bg_pids+=($reader)
	for _ in $(seq 300); do [ -n "$(bpf_ids_of "$rqs" link)" ] && break; sleep 0.1; done
	[ -n "$(bpf_ids_of "$rqs" link)" ] || fail "did not attach: $(cat rqs.err)"
	# the ring buffer and the pipe fill
	sleep 3
	kill -0 $load || fail "the load ended early: $(cat load.out)"
	t0=$(date +%s%N)
	kill -INT $rqs
	# the events already in the ring buffer are printed first: one buffer,
	# a few seconds at the reader's pace (wall clock: a loop of sleeps
	# under load takes many times as long)
	while kill -0 $rqs 2> /dev/null && [ $((($(date +%s%N) - t0) / 1000000)) -lt 30000 ]; do sleep 0.1; done
	ms=$((($(date +%s%N) - t0) / 1000000))
	if kill -0 $rqs 2> /dev/null; then
		fail "still running $ms ms after SIGINT, with the load going on and the reader reading"
	fi
	wait $rqs && rc=0 || rc=$?
	[ $rc = 0 ] || fail "exit status $rc after SIGINT: $(head -3 rqs.err)"
	kill -0 $load || fail "the load ended before the tool did: $(cat load.out)"
	note "exited $ms ms after SIGINT with 50000 wakeups/s going on and its reader taking at most 800 KiB/s; stderr: $(head -2 rqs.err | tr '\n' ' ')"
	kill $load $reader 2> /dev/null || true
	wait $load $reader 2> /dev/null || true
	bg_pids=()
}

test_case ROOT,BTF "SIGINT and SIGTERM exit 0 with nothing left attached" t_clean_exit
test_case ROOT,BTF,CMD_python3 "SIGINT ends a run whose reader is slower than the load: status 0, within seconds" t_sigint_slow_reader
test_case ROOT "unprivileged: one line, exit 1" t_not_root
test_case ROOT,BTF "SIGHUP ends it like SIGTERM: status 0, final reports" t_sighup
test_case ROOT,BTF,CMD_strace "SIGINT at start-up, started with SIGINT ignored: status 0" t_sigint_at_startup
test_done
