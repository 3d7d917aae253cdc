#!/bin/bash
# Live suite: why a task waited, and the options beside it: -W, --cpu, -B,
# -j, -c, --cgroup, -d. Each checks the tool against what the test itself
# made happen (the latency generator's threads, modes and own measurements,
# the cgroups it creates), never against the tool's own say-so.
SUITE=why
. "$(dirname "$0")/lib.sh"

# waiter_lines FILE: the tool's text lines for $waiter_tid (COMM "waiter")
waiter_lines() { awk -v tid="$waiter_tid" 'NR > 2 && $3 == tid' "$1"; }

# matched_lines GEN_OUT TOOL_OUT: for each wait the generator made, in
# order, the tool's line for $waiter_tid that reports it (LAT within 2% +
# 200 us of the kernel's run_delay for that round where the generator gives
# it, else of its own measure, which with -T also holds the timer's own
# lateness; a round the generator marks preempted=1 holds a later wait too,
# so at most its figure). Fails when a generated wait has no line. Other
# waits of the waiter, which a loaded machine can add, are left out.
matched_lines() {
	awk -v tid="$waiter_tid" '
		FNR == NR {
			if ($1 !~ /^wait_us=/) next
			n++; g[n] = substr($1, 9) + 0; pre[n] = ($2 == "preempted=1")
			for (k = 2; k <= NF; k++) if ($k ~ /^run_delay_us=/) g[n] = substr($k, 14) + 0
			next
		}
		FNR > 2 && $3 == tid { m++; lat[m] = $4 + 0; line[m] = $0 }
		END {
			j = 1
			for (i = 1; i <= n; i++) {
				for (; j <= m; j++) {
					d = lat[j] - g[i]; if (d < 0) d = -d
					if (pre[i] ? lat[j] <= g[i] + 200 && lat[j] >= 5000 : d <= g[i] / 50 + 200) break
				}
				if (j > m) { print "no line of the tool for generated wait " i " (" g[i] " us)" > "/dev/stderr"; exit 1 }
				print line[j]; j++
			}
		}' "$1" "$2"
}

# -W: a thread on the other CPU wakes the waiter through a pipe; the
# generator's controller wakes it through a futex; both named
t_waker_names_waker() {
	start_tracer rqs -W 10000
	run_latgen gen -w -d 30 -n 4
	pipe_waiter=$waiter_tid pipe_waker=$waker_tid
	run_latgen futex -d 30 -n 2
	sleep 0.3
	stop_tracer "$tracer_pid"
	head -2 rqs.out | tail -1 | grep -q 'LAT(us) WAKER COMM       WAKER TID WAKE *$' || fail "no WAKER columns: $(head -2 rqs.out)"
	waiter_tid=$pipe_waiter
	lines=$(matched_lines gen.out rqs.out) || fail "$(cat rqs.out)"
	bad=$(awk -v w="$pipe_waker" '!($5 == "waker" && $6 == w && $7 == "wakeup")' <<<"$lines")
	[ -z "$bad" ] || fail "pipe wakeups not named 'waker $pipe_waker wakeup': $bad"
	note "pipe: $(wc -l <<<"$lines") waits, each woken by waker $pipe_waker: $(head -1 <<<"$lines")"
	parse_latgen futex.out
	lines=$(matched_lines futex.out rqs.out) || fail "$(cat rqs.out)"
	bad=$(awk -v c="$controller_tid" '!($5 == "latgen" && $6 == c && $7 == "wakeup")' <<<"$lines")
	[ -z "$bad" ] || fail "futex wakeups not named 'latgen $controller_tid wakeup': $bad"
}

# A CPU-bound waiter that the hog preempts waits while still runnable: the
# wait exists only through the re-queue at sched_switch, and its waker is
# the hog that took the CPU (-f: a SCHED_FIFO waiter below the hog, which
# no fair task can preempt first)
t_preempted_wait_reported() {
	start_tracer rqs -W -B 3 10000
	run_latgen gen -P -f -d 30 -n 4
	sleep 0.3
	stop_tracer "$tracer_pid"
	lines=$(matched_lines gen.out rqs.out) || fail "$(cat rqs.out)"
	# a round where a stop-class task (migration/N) preempted the waiter
	# first names that task: only it may stand in for the hog
	paste <(preempted_of gen.out) <(cat <<<"$lines") > rounds
	bad=$(awk -F'\t' -v h="$hog_tid" '$1 == 0 { split($2, f, " "); if (!(f[5] == "hog" && f[6] == h && f[7] == "preempted") && f[5] !~ /^migration\//) print $2 }' rounds)
	[ -z "$bad" ] || fail "preempted waits not named 'hog $hog_tid preempted': $bad"
	[ "$(awk -F'\t' '$1 == 0' rounds | wc -l)" -ge 2 ] || fail "fewer than 2 rounds preempted by the hog alone: $(cat gen.out)"
	# -B: the waiter ran up to the wait's start, never instead of itself
	! grep -q "\[$waiter_tid\]=" rounds || fail "the waiter in its own RAN INSTEAD: $(cat rounds)"
	# in a round no longer than the hog's spin nothing else took the CPU
	# for long (another generator's hog, on a shared machine, can)
	bad=$(awk -F'\t' -v h="$hog_tid" '$1 == 0 { split($2, f, " "); if (f[4] <= 31000 && f[9] !~ "^hog\\[" h "\\]=") print $2 }' rounds)
	[ -z "$bad" ] || fail "the hog is not first in RAN INSTEAD: $bad"
	note "$(head -1 rounds | cut -f2)"
}

# -W: a sleep that ends by its timer is woken from the timer interrupt, on
# the hog's CPU while the hog spins: marked irq (the hog is only what the
# interrupt came in on)
t_waker_irq_marked() {
	start_tracer rqs -W 10000
	run_latgen gen -T -d 30 -n 3
	sleep 0.3
	stop_tracer "$tracer_pid"
	lines=$(matched_lines gen.out rqs.out) || fail "$(cat gen.out; waiter_lines rqs.out)"
	bad=$(awk '$7 != "irq"' <<<"$lines")
	[ -z "$bad" ] || fail "timer wakeups not marked irq: $bad"
	note "$(head -1 <<<"$lines")"
}

# -B: the hog held the waiter's CPU for the whole wait: first, about the
# wait's length, the record covering all of it
t_blame_ranks_hog() {
	# -B N MIN_US: a number right after -B is its N
	start_tracer rqs -B 3 10000
	run_latgen gen -d 30 -n 4
	sleep 0.3
	stop_tracer "$tracer_pid"
	mapfile -t gen < <(waits_of gen.out)
	mapfile -t lines < <(matched_lines gen.out rqs.out) || fail "$(cat rqs.out)"
	[ ${#lines[@]} = ${#gen[@]} ] || fail "$(cat rqs.out)"
	clean=0
	for i in "${!lines[@]}"; do
		read -r _ _ _ lat cover first _ <<<"${lines[$i]}"
		# a round longer than the hog's spin had something else on the CPU
		# too (another generator's hog, on a shared machine): not checked
		if [ "$lat" -gt 31000 ]; then
			note "wait $((i + 1)): ${lat} us, longer than the hog's 30 ms: ${lines[$i]}"
			continue
		fi
		clean=$((clean + 1))
		[[ $first =~ ^hog\[$hog_tid\]=([0-9]+)us$ ]] || fail "first task that ran instead is not the hog: ${lines[$i]}"
		held=${BASH_REMATCH[1]}
		note "wait $((i + 1)): ${lat} us, hog held the CPU ${held} us of it, cover $cover"
		[ "$held" -ge $((lat * 95 / 100)) ] && [ "$held" -le "$lat" ] ||
			fail "hog held $held us of a $lat us wait (generator: ${gen[$i]} us)"
		[ "${cover%\%}" -ge 95 ] || fail "cover $cover of a wait the hog filled"
	done
	[ $clean -ge 2 ] || fail "fewer than 2 rounds the hog alone filled"
}

# --cpu: the waiter, queued behind the hog on its CPU, is moved (affinity)
# to the controller's CPU while it waits: CPU is where it ran, FROM where it
# was queued; without the move FROM is '-' and RQ counts the hog
t_cpu_from_migration() {
	start_tracer rqs --cpu 5000
	run_latgen gen -M -d 30 -n 3
	sleep 0.3
	lines=$(matched_lines gen.out rqs.out) || fail "$(cat rqs.out)"
	ran=$(sed -n 's/^wait_us=.* cpu=\([0-9]*\).*/\1/p' gen.out | sort -u)
	[ "$ran" = "$controller_cpu" ] || fail "generator's waiter ran on CPU $ran, not the controller's $controller_cpu"
	bad=$(awk -v c="$controller_cpu" -v f="$target_cpu" '!($5 == c && $6 == f)' <<<"$lines")
	[ -z "$bad" ] || fail "migrated waits not 'CPU $controller_cpu FROM $target_cpu': $bad"
	note "migrated: $(head -1 <<<"$lines")"
	run_latgen plain -d 30 -n 2
	sleep 0.3
	stop_tracer "$tracer_pid"
	lines=$(matched_lines plain.out rqs.out) || fail "$(cat rqs.out)"
	bad=$(awk -v c="$target_cpu" '!($5 == c && $6 == "-" && $7 >= 1)' <<<"$lines")
	[ -z "$bad" ] || fail "unmigrated waits not 'CPU $target_cpu FROM - RQ >= 1': $bad"
	note "not migrated: $(head -1 <<<"$lines")"
}

# -c: only tasks whose COMM starts with the prefix, every wait of them
t_comm_filter() {
	name="rqsC$$"
	start_latgen_paused gen -N "${name}x" -d 20 -n 3
	start_tracer rqs -c "$name" 0
	start_tracer long -c "$name" 10000
	long_pid=$tracer_pid
	wait "$latgen_bg"
	sleep 0.3
	stop_tracer "${bg_pids[1]}"
	stop_tracer "$long_pid"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	[ "$tids" = "$waiter_tid" ] || fail "-c $name printed TIDs '$(echo $tids)', only $waiter_tid is named ${name}x"
	awk -v p="$name" 'NR > 2 && index($2, p) != 1 { exit 1 }' rqs.out || fail "a COMM without the prefix: $(cat rqs.out)"
	matched_lines gen.out long.out > long.matched || fail "$(cat long.out)"
	note "-c $name 0: $(($(wc -l < rqs.out) - 2)) waits, all of TID $waiter_tid"
}

# --cgroup: a cgroup the test creates, a generator moved into a child of it
# before it starts; another generator outside; the filter names the parent
# (so "or below it") by its path, and the child as a cgroup path
t_cgroup_filter() {
	mnt=$(cgroup2_mount)
	top=rqs-test-$$
	cg=$mnt/$top
	trap 'stop_background; rmdir "$cg/inner" "$cg" 2> /dev/null || true' EXIT
	mkdir -p "$cg/inner"
	# two tracers to start first, on a machine that may be loaded
	"$LATGEN" -s 4000 -d 20 -n 3 > in.out 2> in.err &
	inside=$!
	bg_pids+=($inside)
	echo "$inside" > "$cg/inner/cgroup.procs"
	for _ in $(seq 50); do [ -s in.out ] && break; sleep 0.1; done
	parse_latgen in.out
	in_waiter=$waiter_tid
	grep -q "^0::/$top/inner\$" /proc/$inside/cgroup || fail "generator not in $top/inner: $(cat /proc/$inside/cgroup)"
	in_tids=$(ls /proc/$inside/task)
	start_tracer rqs --cgroup "$cg" 0
	rqs=$tracer_pid
	start_tracer rel --cgroup "/$top/inner" 10000
	rel=$tracer_pid
	wait "$inside" || fail "generator in the cgroup failed: $(cat in.err)"
	run_latgen out -d 20 -n 3
	sleep 0.3
	stop_tracer "$rqs"
	stop_tracer "$rel"
	tids=$(awk 'NR > 2 { print $3 }' rqs.out | sort -u)
	[ -n "$tids" ] || fail "--cgroup $cg printed nothing"
	for t in $tids; do
		grep -qx "$t" <<<"$in_tids" || fail "--cgroup printed TID $t, not a thread of the generator in the cgroup ($(echo $in_tids))"
	done
	[ -z "$(lats_of rqs.out "$waiter_tid")" ] || fail "the generator outside the cgroup was printed"
	waiter_tid=$in_waiter
	matched_lines in.out rel.out > rel.matched || fail "$(cat rel.out)"
	note "--cgroup $cg 0 printed TIDs $(echo $tids) of $(echo $in_tids)"
}

t_cgroup_errors() {
	set +e
	"$RQS" --cgroup /no/such/rqs-cgroup > out 2> err
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l < err)" = 1 ] && grep -q "^runqslower-ts: invalid cgroup '/no/such/rqs-cgroup': no such directory" err ||
		fail "unknown cgroup: exit $rc: $(cat err)"
	# a directory of a cgroup v1 hierarchy, or not of a cgroup file system
	v1=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup") { print $5; exit } break } }' /proc/self/mountinfo)
	for d in ${v1:-} /tmp; do
		"$RQS" --cgroup "$d" > out 2> err
		rc=$?
		[ $rc = 2 ] && [ "$(wc -l < err)" = 1 ] && grep -q "^runqslower-ts: invalid cgroup '$d': not a cgroup v2 directory" err ||
			fail "--cgroup $d: exit $rc: $(cat err)"
	done
	# a machine with cgroup v1 only: its own mount namespace without the v2 mount
	cat > nov2.sh <<'SH'
while mnt=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo) && [ -n "$mnt" ]; do
	umount -l "$mnt" || exit 9
done
exec "$@"
SH
	unshare -m sh nov2.sh "$RQS" --cgroup /x > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] && [ "$(wc -l < err)" = 1 ] && grep -q '^runqslower-ts: cannot use --cgroup: no cgroup v2 hierarchy is mounted' err ||
		fail "cgroup v1 only: exit $rc: $(cat err)"
}

# The same run traced twice, as text and as JSON Lines: the JSON parses
# whatever bytes the waiter's name holds, and says what the text says
t_json_matches_text() {
	name=$'j"\\\x01\xff'
	# both tracers start during the generator's 4 s pause and end by
	# themselves when it exits (-p), so that they see the same events
	"$LATGEN" -s 4000 -N "$name" -d 20 -n 4 > gen.out 2> gen.err &
	bg_pids+=($!)
	for _ in $(seq 50); do [ -s gen.out ] && break; sleep 0.1; done
	parse_latgen gen.out
	start_tracer json -j -P -W --cpu -B -p "$latgen_pid" 1000
	json_pid=$tracer_pid
	start_tracer text -P -W --cpu -B -p "$latgen_pid" 1000
	text_pid=$tracer_pid
	grep -q '^wait_us=' gen.out && fail "a tracer started after the first round"
	wait "$json_pid" || fail "-j exited $? when the generator exited"
	wait "$text_pid" || fail "text exited $? when the generator exited"
	bg_pids=()
	python3 -m json.tool --json-lines json.out > /dev/null 2> py.err || fail "python3 -m json.tool: $(cat py.err)"
	jq -c . json.out > jq.out 2> jq.err || fail "jq: $(cat jq.err)"
	[ "$(jq -r 'select(.type == "start") | .min_us' json.out)" = 1000 ] || fail "no start record: $(head -1 json.out)"
	# event for event: TID, LAT(us) (within 200 us + 0.1%),
	# PREV TID, WAKER TID, WAKE, CPU, FROM, RQ, the first TID that ran
	# instead; and the name: the invalid byte decodes as U+FFFD
	python3 - json.out text.out "$waiter_tid" "$(waits_of gen.out | tail -1)" <<'PY' > cmp.out 2>&1 || { cat cmp.out json.err text.err; fail "JSON and text differ"; }
import json, re, sys
events = [e for e in map(json.loads, open(sys.argv[1], encoding="utf-8")) if e["type"] == "event"]
lines = open(sys.argv[2], "rb").read().split(b"\n")[2:-1]
waiter, last = int(sys.argv[3]), int(sys.argv[4])
assert events, "no JSON events"
# up to the generator's last wait: what its threads do after it (the quit
# wakeups, the exit) races with each tracer's own end
def upto(items, tid_lat):
    for i in range(len(items) - 1, -1, -1):
        tid, lat = tid_lat(items[i])
        if tid == waiter and abs(lat - last) <= last // 50 + 200:
            return items[:i + 1]
    raise AssertionError("the generator's last wait is missing")
events = upto(events, lambda e: (e["tid"], e["lat_us"]))
lines = upto(lines, lambda l: tuple(int(x) for x in l[26:47].split()))
assert len(events) == len(lines), (f"{len(events)} JSON events, {len(lines)} text lines:\n"
    + "\n".join(f"json {e['tid']} {e['lat_us']}" for e in events) + "\n"
    + "\n".join(f"text {l[26:47].decode(errors='replace')}" for l in lines))
# fixed byte columns (TIDs below a million): TIME COMM TID LAT(us) PREV COMM
# PREV TID WAKER COMM WAKER TID WAKE CPU FROM RQ COVER RAN INSTEAD
for e, l in zip(events, lines):
    tid, lat = l[26:47].split()
    cols = [l[65:73], l[91:100], l[101:110], l[111:115], l[116:120], l[121:125]]
    prev_tid, waker_tid, wake, cpu, frm, rq = (c.strip().decode() for c in cols)
    m = re.search(rb"\[(\d+)\]=\d+us", l[131:])
    text = (int(tid), int(prev_tid), int(waker_tid), wake, int(cpu), frm, rq, int(m.group(1)) if m else None)
    js = (e["tid"], e["prev_tid"], e["waker_tid"], e["wake"], e["cpu"],
          "-" if e["from_cpu"] is None else str(e["from_cpu"]), str(e["rq"]),
          e["blame"][0]["tid"] if e["blame"] else None)
    # each tracer reads the clock in its own program run, after the other's
    # (an interrupt in between on a loaded machine): up to 200 us apart
    assert text == js and abs(int(lat) - e["lat_us"]) <= 200 + e["lat_us"] // 1000, f"differ:\n  text {text} lat {int(lat)}\n  json {js} lat {e['lat_us']}"
mine = [e for e in events if e["tid"] == waiter]
assert mine and all(e["comm"] == 'j"\\\x01\ufffd' for e in mine), f"comm: {mine[0]['comm']!r}"
assert len([e for e in mine if e["lat_us"] > 10000]) == 4, "the 4 generated waits are not all there"
print(len(events))
PY
	note "$(cat cmp.out) events agree; one: $(grep -m1 "\"tid\":$waiter_tid," json.out | head -c 400)"
}

# JSON loss and --stats records, on stdout with the events
t_json_losses_and_stats() {
	start_tracer rqs -j --stats 0
	kill -STOP "$tracer_pid"
	"$SLEEPERS" -n 200 -r 40000 -t 2 > /dev/null
	kill -CONT "$tracer_pid"
	sleep 1.5
	stop_tracer "$tracer_pid"
	jq -c . rqs.out > /dev/null || fail "not JSON Lines"
	jq -se 'any(.[]; .type == "lost" and .what == "events" and .final == false and .count > 0)' rqs.out > /dev/null ||
		fail "no periodic loss record: $(grep -v '"event"' rqs.out)"
	jq -se 'any(.[]; .type == "lost" and .what == "events" and .final == true and .count > 0)' rqs.out > /dev/null ||
		fail "no final loss record"
	events=$(jq -s '[.[] | select(.type == "event")] | length' rqs.out)
	emitted=$(jq -s '.[] | select(.type == "stats" and .what == "events") | .emitted' rqs.out)
	[ "$events" = "$emitted" ] || fail "$events event records, stats say emitted=$emitted"
	jq -se 'any(.[]; .type == "stats" and .what == "prog" and .name == "sched_switch" and .runs > 0)' rqs.out > /dev/null ||
		fail "no sched_switch stats record"
	! grep -q '^stats:' rqs.err || fail "text stats on stderr with -j"
	note "$events events; $(jq -c 'select(.type == "lost" and .final)' rqs.out)"
}

t_duration() {
	start=$(date +%s%N)
	set +e
	timeout -s KILL 10 "$RQS" -d 3 > out 2> err
	rc=$?
	set -e
	ms=$((($(date +%s%N) - start) / 1000000))
	note "-d 3 exited $rc after $ms ms"
	[ $rc = 0 ] || fail "-d 3 exited $rc: $(cat err)"
	[ $ms -ge 3000 ] && [ $ms -le 3500 ] || fail "-d 3 took $ms ms"
	head -1 out | grep -q '^Tracing run queue latency' || fail "no banner: $(head -2 out)"
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
}

t_bad_option_values() {
	set +e
	for args in "-B 0" "-B 1000" "--blame=33" "-c 0123456789abcdef" "-d 0" "--cgroup="; do
		# shellcheck disable=SC2086
		"$RQS" $args > out 2> err
		rc=$?
		[ $rc = 2 ] && [ "$(wc -l < err)" = 1 ] && grep -q '^runqslower-ts: ' err && [ ! -s out ] ||
			fail "'$args': exit $rc, stderr: $(cat err)"
		note "'$args': $(cat err)"
	done
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-W names the thread that woke the waiter (pipe, futex)" t_waker_names_waker
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "a waiter preempted while runnable: its wait reported, the hog its waker" t_preempted_wait_reported
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-W marks a timer wakeup as irq" t_waker_irq_marked
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-B ranks the hog first with about the wait's length" t_blame_ranks_hog
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "--cpu shows FROM after a migration while queued" t_cpu_from_migration
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-c keeps exactly the tasks it names" t_comm_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CGROUP2 "--cgroup keeps exactly the tasks of a cgroup the test creates" t_cgroup_filter
test_case ROOT,CMD_unshare "--cgroup: unknown, v1 and no-v2 errors" t_cgroup_errors
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_jq,CMD_python3 "-j parses, odd COMM bytes included, and matches the text event for event" t_json_matches_text
test_case ROOT,BTF,MULTICPU,CMD_jq "-j: loss and --stats records on stdout" t_json_losses_and_stats
test_case ROOT,BTF "-d 3 exits 0 within 3.5 s" t_duration
test_case "" "bad -B, -c, -d, --cgroup values: one line, exit 2" t_bad_option_values
test_done
