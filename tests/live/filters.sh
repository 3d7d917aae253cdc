#!/bin/bash
# Live suite: -p and -t. A process traces all its threads and no others, a
# thread only itself; a PID or TID that does not exist is one line, exit 1;
# the run ends, status 0, when what it traces has exited.
SUITE=filters
. "$(dirname "$0")/lib.sh"

t_pid_filter() {
	start_latgen_paused gen -d 20 -n 3
	start_tracer rqs -p "$latgen_pid" 5000
	start_tracer other -p 1 5000
	other_pid=$tracer_pid
	start_tracer rqs0 -p "$latgen_pid" 0
	rqs0_pid=$tracer_pid
	release_latgen
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "${bg_pids[1]}"
	stop_tracer "$other_pid"
	stop_tracer "$rqs0_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	# every TID printed belongs to the generator's process
	tids=$(awk 'NR > 2 { print $3 }' rqs0.out | sort -u)
	[ -n "$tids" ] || fail "-p $latgen_pid 0 printed nothing"
	for t in $tids; do
		case " $waiter_tid $hog_tid $latgen_pid " in *" $t "*) ;; *) fail "-p $latgen_pid printed TID $t" ;; esac
	done
	[ -z "$(lats_of other.out "$waiter_tid")" ] || fail "-p 1 printed the generator's waiter"
	note "-p $latgen_pid 0 printed TIDs: $(echo $tids)"
}

t_tid_filter() {
	start_latgen_paused gen -d 20 -n 3
	start_tracer rqs -t "$waiter_tid" 0
	start_tracer hog -t "$hog_tid" 5000
	hog_tracer=$tracer_pid
	release_latgen
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "${bg_pids[1]}"
	stop_tracer "$hog_tracer"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	[ "$tids" = "$waiter_tid" ] || fail "-t $waiter_tid printed TIDs: $tids"
	# the 3 generated waits among every wait of the thread
	match_waits gen.out rqs.out "$waiter_tid"
	[ -z "$(awk 'NR > 2' hog.out)" ] || fail "-t $hog_tid (the FIFO hog never waits 5 ms) printed: $(cat hog.out)"
}

t_missing_pid_tid() {
	id=$(absent_id)
	for args in "-p $id" "-p $$,$id" "-t $id"; do
		set +e
		timeout 10 "$RQS" $args > out 2> err
		rc=$?
		set -e
		[ $rc = 1 ] || fail "'$args': exit $rc: $(cat err)"
		[ ! -s out ] || fail "'$args' printed: $(cat out)"
		[ "$(wc -l < err)" = 1 ] || fail "'$args': expected one line: $(cat err)"
		grep -qE "^runqslower-ts: (process $id: no such process|thread $id: no such thread)$" err ||
			fail "'$args': $(cat err)"
		note "$args: $(cat err)"
	done
}

t_pids_exit() {
	# a TID given to -p means its process; a list; the run ends, status 0,
	# with the final reports, when the last of them has exited
	start_latgen_paused gen -d 30 -n 3
	sleep 4 &
	other=$!
	bg_pids+=($other)
	start_tracer rqs -p "$other,$waiter_tid" --stats 15ms
	tracer=$tracer_pid
	release_latgen
	wait "$latgen_bg"
	sleep 0.5
	kill -0 "$tracer" || fail "stopped while process $other still ran: $(cat rqs.err)"
	grep -q "^runqslower-ts: process $latgen_pid has exited$" rqs.err ||
		fail "no notice of process $latgen_pid's exit: $(cat rqs.err)"
	waiting_exit "$tracer" 6
	[ $exit_rc = 0 ] || fail "exit $exit_rc after the traced processes exited"
	grep -qx "runqslower-ts: notice: $waiter_tid is a thread of process $latgen_pid: tracing process $latgen_pid (-t $waiter_tid traces the thread alone)" rqs.err ||
		fail "no notice for the TID given to -p: $(cat rqs.err)"
	grep -q "^runqslower-ts: process $other has exited$" rqs.err ||
		fail "no notice of process $other's exit: $(cat rqs.err)"
	grep -q '^stats: events: emitted=' rqs.err || fail "no final reports: $(cat rqs.err)"
	match_waits gen.out rqs.out "$waiter_tid"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	for t in $tids; do
		case " $waiter_tid $hog_tid $latgen_pid $other " in *" $t "*) ;; *) fail "printed TID $t" ;; esac
	done
	note "$(grep -v '^stats' rqs.err | tr '\n' ' ')"
}

t_tid_exit() {
	start_latgen_paused gen -d 30 -n 3
	start_tracer rqs -t "$waiter_tid" 15ms
	tracer=$tracer_pid
	release_latgen
	wait "$latgen_bg"
	waiting_exit "$tracer" 3
	[ $exit_rc = 0 ] || fail "exit $exit_rc after the traced thread exited"
	grep -qx "runqslower-ts: thread $waiter_tid has exited" rqs.err || fail "$(cat rqs.err)"
	match_waits gen.out rqs.out "$waiter_tid"
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-p traces a process: all its threads, no others" t_pid_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-t traces one thread only" t_tid_filter
test_case ROOT "a PID or TID that does not exist: one line, exit 1" t_missing_pid_tid
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-p with a TID and a list: ends, status 0, when the last process exits" t_pids_exit
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-t: ends, status 0, when the thread exits" t_tid_exit
test_done
