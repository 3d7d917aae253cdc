#!/bin/bash
# Live suite: why a task waited, and the options beside it: -W, --cpu, -B,
# -j, -c, --cgroup, -d. Each checks the tool against what the test itself
# made happen (the latency generator's threads, modes and own measurements,
# the cgroups it creates), never against the tool's own say-so.
SUITE=why
. "$(dirname "$0")/lib.sh"

# waiter_lines FILE: the tool's text lines for $waiter_tid (COMM "waiter")
waiter_lines() { awk -v tid="$waiter_tid" 'NR > 2 && $3 == tid' "$1"; }

# matched_lines GEN_OUT TOOL_OUT [-m]: for each wait the generator made, in
# order, the tool's line for $waiter_tid that reports it (LAT within 2% +
# 200 us of the kernel's run_delay for that round where the generator gives
# it, or of its own measure, which with -T also holds the timer's own
# lateness: on a busy machine the round's run_delay also holds a preemption
# before the waiter slept; a round the generator marks preempted=1 holds a
# later wait too, so at most its figure), paired in order, as many as can
# be (align.awk). With -m a wait without a line is
# the word "missing", so that line N is the generator's round N. Fails
# when waits without a line are more than the tool counted lost
# (missing_allowed). Other waits of the waiter, which a loaded machine can
# add, are left out.
matched_lines() {
	awk -v tid="$waiter_tid" -v miss=matched.missing -v placeholders="${3:-}" "$(cat "$TOP/tests/live/align.awk")"'
		function ok(i, k,    d, e) {
			d = lat[k] - g[i]; if (d < 0) d = -d
			e = lat[k] - w[i]; if (e < 0) e = -e
			return pre[i] ? lat[k] <= g[i] + 200 && lat[k] >= 5000 : d <= g[i] / 50 + 200 || e <= w[i] / 50 + 200
		}
		FNR == NR {
			if ($1 !~ /^wait_us=/) next
			n++; g[n] = w[n] = substr($1, 9) + 0; pre[n] = ($2 == "preempted=1")
			for (k = 2; k <= NF; k++) if ($k ~ /^run_delay_us=/) g[n] = substr($k, 14) + 0
			next
		}
		FNR > 2 && $3 == tid { m++; lat[m] = $4 + 0; line[m] = $0 }
		END {
			align(n, m)
			missing = 0
			for (i = 1; i <= n; i++) {
				if (pair[i]) { print line[pair[i]]; continue }
				print "no line of the tool for generated wait " i " (" g[i] " us)" > "/dev/stderr"
				missing++
				if (placeholders == "-m") print "missing"
			}
			print missing > miss
		}' "$1" "$2" || return 1
	missing_allowed "$(cat matched.missing)" "$2"
}

# rounds_matched GEN_OUT TOOL_OUT: matched_lines -m into matched.rounds
# (line N: round N's line, or "missing"), the generator's rounds into
# gen.rounds; fails as matched_lines does
rounds_matched() {
	matched_lines "$1" "$2" -m > matched.rounds || return 1
	grep '^wait_us=' "$1" > gen.rounds
	[ "$(wc -l < matched.rounds)" = "$(wc -l < gen.rounds)" ] ||
		{ echo "$(wc -l < matched.rounds) lines for $(wc -l < gen.rounds) rounds" >&2; return 1; }
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

# -W, started and stopped again and again while softirqs (loopback UDP)
# and interrupts fire on every CPU: an interrupt or softirq in progress
# when the programs attach, or one whose end the tracer misses, must not
# leave its CPU marked. After each start the waiter's waits that the pipe
# waker ended (it writes in task context: nothing else wakes the waiter
# with the waker as `current`) are all marked wakeup; a loaded machine may
# add other waits of the waiter, not checked, or give it the hog's CPU at
# once. The waiter's CPU alternates, so the waker's does too; so does the
# storage mode.
t_waker_restarts_unmarked() {
	"${UDPFLOOD:-$TOP/build/udpflood}" -t 600 > flood.out 2> flood.err &
	flood=$!
	bg_pids+=($flood)
	ncpu=$(nproc)
	starts=${WAKER_STARTS:-24}
	checked=0
	for i in $(seq "$starts"); do
		mode=task
		[ $((i % 2)) = 0 ] && mode=hash
		cpu=$(((i / 2) % ncpu))
		start_tracer rqs -m "$mode" -W 10000
		run_latgen gen -w -c "$cpu" -d 15 -n 2
		stop_tracer "$tracer_pid"
		kill -0 "$flood" || fail "udpflood ended: $(cat flood.err)"
		lines=$(awk -v t="$waiter_tid" -v w="$waker_tid" 'NR > 2 && $3 == t && $6 == w' rqs.out)
		# every wait of 12 ms or more (2 ms over the threshold) the
		# generator saw, but for rounds preempted again (their figure
		# holds a later wait too), less the waits the tool counted lost to
		# switch-ins no tracer saw (this machine's kernel hides some)
		need=$(awk '/^wait_us=/ && $2 != "preempted=1" && substr($1, 9) + 0 >= 12000' gen.out | wc -l)
		# (and the reports it counted lost to a full ring buffer)
		need=$((need - $(lost_switch_ins rqs.err) - $(lost_events rqs.err)))
		# (grep -c exits 1 when it counts 0: not a failure here)
		got=$(grep -c . <<<"$lines" || true)
		[ "$got" -ge "$need" ] || fail "start $i: fewer than $need waits of waiter $waiter_tid ended by waker $waker_tid: $(cat gen.out; awk -v t="$waiter_tid" '$3 == t' rqs.out; cat rqs.err)"
		bad=$(awk '!($5 == "waker" && $7 == "wakeup")' <<<"$lines")
		[ -z "$bad" ] || fail "start $i of $starts (-m $mode, waiter on CPU $cpu): pipe wakeups not 'waker $waker_tid wakeup': $bad"
		checked=$((checked + got))
	done
	[ "$checked" -ge "$starts" ] || fail "only $checked pipe wakeups in $starts starts"
	kill -INT "$flood"
	wait "$flood" 2> /dev/null || true
	note "$starts starts, $checked pipe wakeups, all marked wakeup; $(grep NET_RX /proc/softirqs | tr -s ' ')"
}

# -W, hash mode: a waker is noted at every sched_waking; a wakeup that
# finds its task still on its CPU starts no wait and must not leave it in
# the map: threads that exit right after such a wakeup (selfwake) leave
# none of their TIDs there
t_waker_hash_no_leak() {
	start_tracer rqs -m hash -W 1000000
	id=$(bpf_map_id_of "$tracer_pid" wakers) || fail "no wakers map held by the tracer"
	"${SELFWAKE:-$TOP/build/selfwake}" -n 200 > self.out 2> self.err || fail "selfwake: $(cat self.err)"
	hits=$(sed -n 's/.* hits=\([0-9]*\).*/\1/p' self.out)
	[ "$hits" -ge 50 ] || fail "only $hits of 200 threads woken on their CPU: $(cat self.out)"
	sed -n 's/.* tids=//p' self.out | tr , '\n' > hit.tids
	bpftool -j map dump id "$id" | jq -r '.[].formatted.key' > left.tids
	left=$(grep -Fxc -f hit.tids left.tids || true)
	stop_tracer "$tracer_pid"
	[ "$left" = 0 ] || fail "wakers of $left of the $hits exited threads woken on their CPU left in the map ($(wc -l < left.tids) entries)"
	# (entries of exited threads in the start map come from missed
	# switch-ins, which this machine's kernel hides: not the wakers map)
	[ -z "$(stderr_besides_missed rqs.err '^runqslower-ts: [0-9]+ hash map entries left by exited threads')" ] ||
		fail "stderr: $(cat rqs.err)"
	note "$hits threads woken on their CPU, then exited: none left in the map ($(wc -l < left.tids) entries)"
}

# -W, hash mode: a full wakers map is counted and reported (stderr, --stats),
# not silent. The test fills the map with TIDs no thread can have.
t_waker_hash_full_counted() {
	start_tracer rqs -m hash --hash-entries 256 --stats -W 1000000
	id=$(bpf_map_id_of "$tracer_pid" wakers) || fail "no wakers map held by the tracer"
	fill_hash_map "$id" 300
	[ "$fill_full" = 1 ] || fail "the kernel never refused an update of the map as full: $(tail -3 fill.out)"
	[ "$fill_kept" -ge 128 ] || fail "only $fill_kept of the map's 256 entries hold the keys put in (not half): $(tail -3 fill.out)"
	run_latgen gen -w -d 15 -n 2
	stop_tracer "$tracer_pid"
	n=$(sed -n 's/^stats: wakers: not_recorded=\([0-9]*\)$/\1/p' rqs.err)
	[ "${n:-0}" -gt 0 ] || fail "no wakers counted as not recorded: $(cat rqs.err)"
	grep -qx "runqslower-ts: $n wakers not recorded in all: hash map full (256 entries); raise --hash-entries or use --storage=task" rqs.err ||
		fail "no final loss line for $n wakers: $(cat rqs.err)"
	note "$(grep -m1 'wakers not recorded in all' rqs.err)"
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

# ktrace_start EVENT...: the kernel's own record of EVENTs (SYSTEM/NAME, or
# SYSTEM/NAME:FILTER), in an ftrace instance of this test's own;
# ktrace_stop FILE: stops it, writes it to FILE and removes the instance
ktrace_start() {
	local ev
	ktrace=/sys/kernel/tracing/instances/rqs-why-$$-$BASHPID
	mkdir "$ktrace"
	echo 8192 > "$ktrace/buffer_size_kb"
	for ev in "$@"; do
		[[ $ev == *:* ]] && echo "${ev#*:}" > "$ktrace/events/${ev%%:*}/filter"
		echo 1 > "$ktrace/events/${ev%%:*}/enable"
	done
}
ktrace_stop() {
	echo 0 > "$ktrace/tracing_on"
	cat "$ktrace/trace" > "$1"
	rmdir "$ktrace"
}

# ktrace_wakings FILE TID KIND: for each sched_waking of TID in the kernel's
# record FILE, what the kernel says woke it: for KIND softirq, the softirq
# in progress on that CPU (its softirq_entry's action, lower case), for
# KIND hrtimer the function of the hrtimer expiring there; "none" outside
# one. The record's flags column must agree: 's' in a softirq, 'h' or 'H'
# in a hard interrupt.
ktrace_wakings() {
	awk -v tid="$2" -v kind="$3" '
		match($0, /\[[0-9]+\]/) { cpu = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/ softirq_entry: / && match($0, /action=[A-Z_]+/) { in_[cpu] = tolower(substr($0, RSTART + 7, RLENGTH - 7)) }
		/ softirq_exit: / && kind == "softirq" { in_[cpu] = "" }
		/ hrtimer_expire_entry: / && match($0, /function=[^ ]+/) { in_[cpu] = substr($0, RSTART + 9, RLENGTH - 9) }
		/ hrtimer_expire_exit: / && kind == "hrtimer" { in_[cpu] = "" }
		/ sched_waking: / && $0 ~ (" pid=" tid " ") {
			split($0, f, "] "); flags = substr(f[2], 1, 5)
			ctx = (substr(flags, 3, 1) ~ /[hH]/) ? "hardirq" : (substr(flags, 3, 1) == "s") ? "softirq" : "task"
			print (in_[cpu] == "" ? "none" : in_[cpu]), ctx
		}' "$1"
}

# -W: a sleep that ends by its timer is woken from the timer interrupt, on
# the hog's CPU while the hog spins: marked irq, the waker named [hrtimer]
# with no TID (the hog is only what the interrupt came in on), as the
# kernel's own record says: in hard interrupt context, in the expiry of an
# hrtimer whose function is hrtimer_wakeup (the sleep's)
t_waker_irq_marked() {
	start_tracer rqs -W 10000
	ktrace_start sched/sched_waking:'comm == "waiter"' timer/hrtimer_expire_entry timer/hrtimer_expire_exit
	run_latgen gen -T -d 30 -n 3
	sleep 0.3
	ktrace_stop kernel.trace
	stop_tracer "$tracer_pid"
	lines=$(matched_lines gen.out rqs.out) || fail "$(cat gen.out; waiter_lines rqs.out)"
	bad=$(awk '!($5 == "[hrtimer]" && $6 == "-" && $7 == "irq")' <<<"$lines")
	[ -z "$bad" ] || fail "timer wakeups not '[hrtimer] - irq': $bad"
	ktrace_wakings kernel.trace "$waiter_tid" hrtimer > kernel.wakings
	# the generator's wakeups are among the waiter's wakings the kernel saw
	# (a loaded machine may add others, woken otherwise)
	grep -qx 'hrtimer_wakeup hardirq' kernel.wakings || fail "the kernel saw no waking of $waiter_tid in hrtimer_wakeup: $(sort kernel.wakings | uniq -c)"
	note "$(head -1 <<<"$lines"); kernel: $(sort kernel.wakings | uniq -c | tr -s ' \n' ' ')"
}

# -W: a UDP receiver blocked in recv() on loopback, woken by datagrams from
# another CPU: the wakeup comes from the NET_RX softirq that the sender's
# send runs (netif_rx() raises it, the sender's local_bh_enable() serves
# it), so the waker is [softirq/net_rx], no TID, never the sender, as the
# kernel's own record of those wakings says
t_waker_softirq_named() {
	start_tracer rqs -W -c rqs-udprecv 0
	ktrace_start sched/sched_waking:'comm == "rqs-udprecv"' irq/softirq_entry irq/softirq_exit
	python3 - 40 0.02 > udp.out 2> udp.err <<-'PY' && udp_rc=0 || udp_rc=$?
	import os, socket, sys, time
	n, gap = int(sys.argv[1]), float(sys.argv[2])
	cpus = sorted(os.sched_getaffinity(0))
	r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	r.bind(("127.0.0.1", 0))
	pid = os.fork()
	if pid == 0:
	    os.sched_setaffinity(0, {cpus[-1]})
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    time.sleep(0.2)
	    for _ in range(n):
	        s.sendto(b"x", r.getsockname())
	        time.sleep(gap)
	    os._exit(0)
	os.sched_setaffinity(0, {cpus[0]})
	with open("/proc/self/comm", "w") as f:
	    f.write("rqs-udprecv")
	for _ in range(n):
	    r.recv(16)
	os.waitpid(pid, 0)
	print(f"tid={os.getpid()} sender={pid}")
	PY
	sleep 0.3
	ktrace_stop kernel.trace
	stop_tracer "$tracer_pid"
	[ "$udp_rc" = 0 ] || fail "udp: $(cat udp.err)"
	tid=$(sed -n 's/^tid=\([0-9]*\) .*/\1/p' udp.out)
	sender=$(sed -n 's/.* sender=\([0-9]*\)$/\1/p' udp.out)
	lines=$(awk -v t="$tid" 'NR > 2 && $3 == t && $7 == "softirq"' rqs.out)
	ktrace_wakings kernel.trace "$tid" softirq > kernel.wakings
	[ -n "$lines" ] || fail "no softirq wakeup of receiver $tid: $(awk -v t="$tid" '$3 == t' rqs.out; cat rqs.err)"
	# each named as the kernel names the softirq it was woken in
	bad=$(awk 'NR == FNR { if ($2 == "softirq") k["[softirq/" $1 "]"] = 1; next } !($5 in k && $6 == "-")' kernel.wakings - <<<"$lines")
	[ -z "$bad" ] || fail "softirq wakeups not named as the kernel's record ($(sort kernel.wakings | uniq -c | tr -s ' \n' ' ')): $bad"
	grep -q ' \[softirq/net_rx\] ' <<<"$lines" || fail "no wakeup named [softirq/net_rx]: $lines"
	# (the sender wakes it once more in task context: its exit ends waitpid())
	! awk -v t="$tid" -v s="$sender" 'NR > 2 && $3 == t && $6 == s && $7 == "softirq"' rqs.out | grep -q . ||
		fail "the sender $sender named as a softirq's waker: $(awk -v t="$tid" '$3 == t' rqs.out)"
	note "$(wc -l <<<"$lines") softirq wakeups: $(awk '{ print $5 }' <<<"$lines" | sort | uniq -c | tr -s ' \n' ' '); kernel: $(sort kernel.wakings | uniq -c | tr -s ' \n' ' ')"
}

# -B: the hog held the waiter's CPU for the whole wait: first, about the
# wait's length, the record covering all of it. A round with something
# else on the CPU too (another program's, on a loaded machine), or with a
# switch the tool says it did not see (unseen=), is not checked; the
# generator runs again (up to 3 times) until 2 rounds are.
t_blame_ranks_hog() {
	local clean=0 attempt i lat cover first held
	for attempt in 1 2 3; do
		# -B N MIN_US: a number right after -B is its N
		start_tracer rqs -B 3 10000
		run_latgen gen -d 30 -n 4
		sleep 0.3
		stop_tracer "$tracer_pid"
		rounds_matched gen.out rqs.out || fail "$(cat rqs.out)"
		mapfile -t gen < <(waits_of gen.out)
		mapfile -t lines < matched.rounds
		for i in "${!lines[@]}"; do
			[ "${lines[$i]}" != missing ] || continue
			read -r _ _ _ lat cover first _ <<<"${lines[$i]}"
			# a round longer than the hog's spin had something else on the CPU too
			if [ "$lat" -gt 31000 ]; then
				note "wait $((i + 1)): ${lat} us, longer than the hog's 30 ms: ${lines[$i]}"
				continue
			fi
			# a switch on the CPU the tool did not see (this host's
			# hidden ones): who held it then is not known, and the
			# tool says so
			if [[ ${lines[$i]} == *" unseen="* ]]; then
				note "wait $((i + 1)): a switch not seen: ${lines[$i]}"
				continue
			fi
			clean=$((clean + 1))
			# the hog, with its cgroup
			re="^hog\\[$hog_tid\\]=([0-9]+)us\\(/[^)]*\\)\$"
			[[ $first =~ $re ]] || fail "first task that ran instead is not the hog: ${lines[$i]}"
			held=${BASH_REMATCH[1]}
			note "wait $((i + 1)): ${lat} us, hog held the CPU ${held} us of it, cover $cover"
			[ "$held" -ge $((lat * 95 / 100)) ] && [ "$held" -le "$lat" ] ||
				fail "hog held $held us of a $lat us wait (generator: ${gen[$i]} us)"
			[ "${cover%\%}" -ge 95 ] || fail "cover $cover of a wait the hog filled"
		done
		[ $clean -lt 2 ] || return 0
	done
	fail "fewer than 2 rounds the hog alone filled in 3 runs of the generator"
}

# -B: the task the waiter's switch-in takes the CPU from (PREV TID) held
# the CPU up to the end of the wait, so it is among the entries (-B 32: all
# of them), unless the tool says a switch on that CPU was not seen
# (unseen_us): a task whose switches a kernel keeps from tracers, which
# this test's host has, or a skipped program. Without that check the
# record gives the time to the task before the unseen switch, and PREV
# TID is not named. Checked on every wait (threshold 0: most of them the
# generators', 1 ms behind a hog, one on each CPU) that did not migrate (a move's runs
# come first, and may leave no room for the last) and whose entries add up
# to the whole wait (else a run was left out, and COVER says so).
t_blame_names_prev() {
	local checked unseen wrong
	start_tracer rqs -j -P --cpu -B 32 0
	"$LATGEN" -c 0 -d 1 -i 2 -n 6000 > gen0.out 2> gen0.err &
	bg_pids+=($!)
	run_latgen gen -c 1 -d 1 -i 2 -n 6000
	wait "${bg_pids[-1]}" || fail "latgen on CPU 0: $(cat gen0.err)"
	sleep 0.3
	stop_tracer "$tracer_pid"
	jq -c 'select(.type == "event") | . as $e |
	       select(.prev_tid != 0 and .prev_tid != .tid and .lat_ns > 0 and .from_cpu == null and
		      ([.blame[].cpu] | all(. == $e.cpu)))' rqs.out > ev.json
	checked=$(grep -c . ev.json) || true
	# unseen_ns: a wait under a microsecond can be all unseen, and show
	# unseen_us 0 and no entry
	unseen=$(jq -c 'select(.unseen_ns > 0)' ev.json | grep -c .) || true
	wrong=$(jq -c '. as $e | select(.unseen_ns == 0 and ([.blame[].tid] | index($e.prev_tid)) == null and
				       ([.blame[].us] | add // 0) + (.blame | length) + 1 >= .lat_us)' ev.json)
	note "$checked waits with a task switched out, $unseen of them with a switch not seen"
	[ "$checked" -ge 1000 ] || fail "only $checked waits with a task switched out: $(cat rqs.err)"
	[ -z "$wrong" ] || fail "PREV TID not among the entries, and no switch unseen: $(head -3 <<<"$wrong")"
}

# -B, a task that ran instead and exited before the report: exitreuse's
# culprit spins 3 ms on the waiter's CPU and exits; its task_struct is freed
# and most likely given to a task made after it, named "newborn", while
# the waiter still waits: a thread, or with -s a process of the culprit's
# own TID. The culprit's share is named by its own COMM while its memory is
# its own, "(exited)" after, never by another task's. Runs until one shows
# "(exited)" (up to 6 times): a run without it tells nothing of the
# memory's reuse.
blame_exited_runs() {
	local run w c line entry e us newborn_us checked=0 exited=0
	start_tracer rqs -B 8 -c exitreuse 1000
	for run in 1 2 3 4 5 6; do
		"$TOP/build/exitreuse" "$@" > "gen$run.out" 2> "gen$run.err" || fail "exitreuse $*: $(cat "gen$run.err")"
		w=$(sed -n 's/^waiter_tid=\([0-9]*\) .*/\1/p' "gen$run.out")
		c=$(sed -n 's/.* culprit_tid=\([0-9]*\)$/\1/p' "gen$run.out")
		sleep 0.3
		line=$(awk -v t="$w" 'NR > 2 && $3 == t' rqs.out)
		entry=$(grep -oE " [^ ]*\[$c\](@[0-9]+)?=[0-9]+us" <<<"$line") || true
		if [ -z "$entry" ]; then
			# a loaded machine: more than 32 switches since, or a lost event
			note "run $run: no share of the culprit $c: ${line:-no line for the waiter $w}"
			continue
		fi
		checked=$((checked + 1))
		# with -s the newborns, of the culprit's TID, ran too: their own
		# entry, at most as long as they took to be made and reaped
		newborn_us=$(sed -n 's/.* newborn_us=\([0-9]*\) .*/\1/p' "gen$run.out")
		while read -r e; do
			case $e in
			"culprit["*) ;;
			"(exited)["*) exited=$((exited + 1)) ;;
			"newborn[$c]="*)
				us=${e##*=}
				us=${us%us}
				[ -n "$newborn_us" ] && [ "$us" -le "$newborn_us" ] ||
					fail "the culprit $c named as another task (the newborns ran ${newborn_us:-0} us): $line" ;;
			*) fail "the culprit $c named as another task: $line" ;;
			esac
		done < <(sed 's/^ //' <<<"$entry")
		note "run $run: $(tr '\n' ' ' <<<"$entry")${newborn_us:+(the newborns ran at most $newborn_us us)}"
		[ $exited = 0 ] || break
	done
	stop_tracer "$tracer_pid"
	[ $checked -gt 0 ] || fail "no run showed the culprit's share: $(cat rqs.err)"
	[ $exited -gt 0 ] || note "the culprit's memory was never seen reused in $checked runs"
}

t_blame_exited_not_misnamed() { blame_exited_runs; }
t_blame_exited_same_tid() { blame_exited_runs -s; }

# --cpu: the waiter, queued behind the hog on its CPU, is moved (affinity)
# to the controller's CPU while it waits: CPU is where it ran, FROM where it
# was queued; without the move FROM is '-' and RQ counts the hog. Each
# round is checked against where the generator's waiter really ran: on a
# loaded machine it may run on the hog's CPU before the move (FROM '-'
# then); the generator runs again (up to 3 times) until a round migrated.
t_cpu_from_migration() {
	local migrated=0 attempt i ran want line
	start_tracer rqs --cpu 5000
	for attempt in 1 2 3; do
		run_latgen gen -M -d 30 -n 3
		sleep 0.3
		rounds_matched gen.out rqs.out || fail "$(cat rqs.out)"
		mapfile -t rounds < gen.rounds
		mapfile -t lines < matched.rounds
		for i in "${!lines[@]}"; do
			line=${lines[$i]}
			[ "$line" != missing ] || continue
			ran=$(sed -n 's/.* cpu=\([0-9]*\).*/\1/p' <<<"${rounds[$i]}")
			if [ "$ran" = "$controller_cpu" ]; then
				want="$controller_cpu $target_cpu" migrated=$((migrated + 1))
			else
				want="$target_cpu -"
			fi
			[ "$(awk '{ print $5, $6 }' <<<"$line")" = "$want" ] ||
				fail "round $((i + 1)) ran on CPU $ran: not 'CPU FROM' $want: $line (${rounds[$i]})"
			[ "$ran" = "$controller_cpu" ] && note "migrated: $line"
		done
		[ $migrated = 0 ] || break
	done
	[ $migrated -gt 0 ] || fail "the waiter never ran on the controller's CPU in 3 runs of the generator"
	run_latgen plain -d 30 -n 2
	sleep 0.3
	stop_tracer "$tracer_pid"
	lines=$(matched_lines plain.out rqs.out) || fail "$(cat rqs.out)"
	bad=$(awk -v c="$target_cpu" '!($5 == c && $6 == "-" && $7 >= 1)' <<<"$lines")
	[ -z "$bad" ] || fail "unmigrated waits not 'CPU $target_cpu FROM - RQ >= 1': $bad"
	note "not migrated: $(head -1 <<<"$lines")"
}

# -B, a wait that migrated: the waiter queues about 15 ms behind the hog on
# its CPU, then the controller moves it (affinity) to its own CPU, where it
# queues behind hog2 for 30 ms. Each CPU's record gives its own part of the
# wait: the hog's share from the first CPU, marked with it, hog2's from the
# CPU it ran on; no idle task. Without a way to read another CPU's record
# (Linux 5.19), COVER says the first part is not covered. The waiter is
# SCHED_FIFO below the hogs (-f), so that on a loaded machine the fair
# tasks that fill both CPUs cannot run before it once a hog is done, nor
# outrun the record's slots. A round with something else on either CPU
# still (a stop-class or higher FIFO task), a switch not seen (unseen=),
# or where the waiter ran before the move, is not checked; the generator
# runs again (up to 6 times) until 2 rounds are.
t_blame_migrated_wait() {
	local clean=0 attempt i lat cover rest moved ran hog hog2 sum want kmaj kmin remote others
	IFS=. read -r kmaj kmin _ < /proc/sys/kernel/osrelease
	remote=$(( kmaj > 5 || (kmaj == 5 && kmin >= 19) ))
	for attempt in 1 2 3 4 5 6; do
		start_tracer rqs -B 8 10000
		run_latgen gen -H -f -d 30 -n 5
		sleep 0.3
		stop_tracer "$tracer_pid"
		rounds_matched gen.out rqs.out || fail "$(cat gen.out; waiter_lines rqs.out; cat rqs.err)"
		mapfile -t gen < gen.rounds
		mapfile -t lines < matched.rounds
		! grep -q 'swapper/' matched.rounds || fail "an idle task blamed: $(cat matched.rounds)"
		for i in "${!lines[@]}"; do
			[ "${lines[$i]}" != missing ] || continue
			read -r _ _ _ lat cover rest <<<"${lines[$i]}"
			moved=$(sed -n 's/.* moved_us=\([0-9]*\).*/\1/p' <<<"${gen[$i]}")
			ran=$(sed -n 's/.* cpu=\([0-9]*\).*/\1/p' <<<"${gen[$i]}")
			if [ "$ran" != "$controller_cpu" ]; then
				note "wait $((i + 1)): the waiter ran on CPU $ran before the move: ${gen[$i]}"
				continue
			fi
			# something else on either CPU beyond the hogs: past the
			# two parts, or inside the first (which the move bounds)
			if [ "$lat" -gt $((moved + 31000)) ]; then
				note "wait $((i + 1)): ${lat} us, more than the move at ${moved} us and hog2's 30 ms: ${lines[$i]}"
				continue
			fi
			others=$(tr ' ' '\n' <<<"$rest" | grep -v -e "^hog\[$hog_tid\]" -e "^hog2\[$hog2_tid\]" -e '^latgen\[' |
				sed -n 's/^[^]]*\][^=]*=\([0-9]*\)us(\/.*)$/\1/p' | awk '{ t += $1 } END { print t + 0 }')
			if [[ $rest == *"unseen="* ]]; then
				note "wait $((i + 1)): a switch not seen: ${lines[$i]}"
				continue
			fi
			if [ "$others" -gt 500 ]; then
				note "wait $((i + 1)): other tasks ran ${others} us of it: ${lines[$i]}"
				continue
			fi
			clean=$((clean + 1))
			hog=$(grep -o "hog\[$hog_tid\]@$target_cpu=[0-9]*us" <<<"$rest" | grep -o '=[0-9]*' | tr -d =) || true
			hog2=$(grep -o "hog2\[$hog2_tid\]=[0-9]*us" <<<"$rest" | grep -o '=[0-9]*' | tr -d =) || true
			[ -n "$hog2" ] || fail "hog2 not named (from the CPU it ran on): ${lines[$i]}"
			# no time counted twice: the shares shown add up to the wait at most
			sum=$(grep -o '=[0-9]*us' <<<"$rest" | tr -d '=us' | awk '{ t += $1 } END { print t + 0 }')
			[ "$sum" -le $((lat + 200)) ] || fail "shares add up to $sum us, the wait was $lat us: ${lines[$i]}"
			[ "$hog2" -ge 28500 ] && [ "$hog2" -le 30300 ] || fail "hog2 held $hog2 us of its 30 ms spin: ${lines[$i]}"
			if [ $remote = 1 ]; then
				[ -n "$hog" ] || fail "the hog on CPU $target_cpu, which held the first ${moved} us, not named with @$target_cpu: ${lines[$i]}"
				[ "$hog" -ge $((moved * 90 / 100)) ] && [ "$hog" -le $((moved + 200)) ] ||
					fail "the hog held $hog us, the move was at $moved us: ${lines[$i]}"
				[ "${cover%\%}" -ge 95 ] || fail "cover $cover of a wait both hogs filled: ${lines[$i]}"
			else
				[ -z "$hog" ] || fail "another CPU's record read on Linux $kmaj.$kmin: ${lines[$i]}"
				want=$(((lat - moved) * 100 / lat))
				[ "${cover%\%}" -ge $((want - 5)) ] && [ "${cover%\%}" -le $((want + 5)) ] ||
					fail "cover $cover, but only $((lat - moved)) us of $lat us were on the CPU it ran on: ${lines[$i]}"
			fi
			note "wait $((i + 1)): ${lat} us, moved at ${moved} us: ${lines[$i]}"
		done
		[ $clean -lt 2 ] || return 0
	done
	fail "fewer than 2 rounds the hogs alone filled in 6 runs of the generator"
}

# -c: only tasks whose COMM starts with the prefix, every wait of them
t_comm_filter() {
	name="rqsC$$"
	start_latgen_paused gen -N "${name}x" -d 20 -n 3
	start_tracer rqs -c "$name" 0
	start_tracer long -c "$name" 10000
	long_pid=$tracer_pid
	release_latgen
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
	# held until both tracers have started, on a machine that may be loaded
	start_latgen_paused in -d 20 -n 3
	inside=$latgen_bg
	echo "$inside" > "$cg/inner/cgroup.procs"
	in_waiter=$waiter_tid
	grep -q "^0::/$top/inner\$" /proc/$inside/cgroup || fail "generator not in $top/inner: $(cat /proc/$inside/cgroup)"
	in_tids=$(ls /proc/$inside/task)
	start_tracer rqs --cgroup "$cg" 0
	rqs=$tracer_pid
	start_tracer rel --cgroup "/$top/inner" 10000
	rel=$tracer_pid
	release_latgen
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

# --cgroup inside a cgroup namespace whose root is two levels down, cgroup2
# mounted again there: the path's depth counts from the namespace's root,
# the filter's level from the hierarchy's; every wait of a generator in the
# named cgroup is reported, none of one outside
t_cgroup_namespace() {
	mnt=$(cgroup2_mount)
	top=rqs-ns-$$
	cg=$mnt/$top
	trap 'stop_background; rmdir "$cg/ns/inner" "$cg/ns" "$cg" 2> /dev/null || true' EXIT
	mkdir -p "$cg/ns/inner" cg2
	# the tracer: into $top/ns, then a new cgroup and mount namespace
	# with cgroup2 mounted at ./cg2, where $top/ns/inner is /inner
	cat > in_ns.sh <<SH
#!/bin/sh
echo \$\$ > "$cg/ns/cgroup.procs" || exit 9
exec unshare -C -m sh -c 'mount -t cgroup2 none "\$0" && exec "\$@"' "$PWD/cg2" "$RQS" "\$@"
SH
	chmod +x in_ns.sh
	RQS=$PWD/in_ns.sh start_tracer rqs --cgroup "$PWD/cg2/inner" 0
	rqs=$tracer_pid
	# a cgroup path as /proc/PID/cgroup shows it in there
	RQS=$PWD/in_ns.sh start_tracer rel --cgroup /inner 10000
	rel=$tracer_pid
	# (/proc/PID/cgroup as this namespace sees it)
	[ "$(readlink /proc/$rqs/ns/cgroup)" != "$(readlink /proc/self/ns/cgroup)" ] &&
		grep -qx "0::/$top/ns" /proc/$rqs/cgroup || fail "tracer not in a cgroup namespace rooted at /$top/ns: $(cat /proc/$rqs/cgroup)"
	# the generator joins the cgroup before it makes its threads
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg/ns/inner" "$LATGEN" -d 20 -n 3 \
		> in.out 2> in.err || fail "generator in the cgroup failed: $(cat in.err)"
	parse_latgen in.out
	in_waiter=$waiter_tid
	run_latgen out -d 20 -n 3
	sleep 0.3
	stop_tracer "$rqs"
	stop_tracer "$rel"
	[ -z "$(stderr_besides_missed rqs.err)" ] || fail "stderr: $(cat rqs.err)"
	[ -z "$(stderr_besides_missed rel.err)" ] || fail "stderr: $(cat rel.err)"
	[ -z "$(lats_of rqs.out "$waiter_tid")" ] || fail "the generator outside the cgroup was printed"
	waiter_tid=$in_waiter
	matched_lines in.out rqs.out > rqs.matched || fail "$(cat in.out rqs.out)"
	matched_lines in.out rel.out > rel.matched || fail "--cgroup /inner: $(cat in.out rel.out)"
	note "in a cgroup namespace rooted at /$top/ns: --cgroup $PWD/cg2/inner 0 printed $(($(wc -l < rqs.out) - 2)) waits"
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
	# there -s --by cgroup cannot name its keys: refused; -B names an
	# entry's cgroup by its id, and says so once
	set +e
	unshare -m sh nov2.sh "$RQS" -s --by cgroup -d 1 > out 2> err
	rc=$?
	[ $rc = 1 ] && [ "$(wc -l < err)" = 1 ] && grep -q '^runqslower-ts: --by cgroup: no cgroup v2 hierarchy is mounted$' err ||
		fail "-s --by cgroup, cgroup v1 only: exit $rc: $(cat err)"
	unshare -m sh nov2.sh "$RQS" -B -d 1 1000000 > out 2> err
	rc=$?
	set -e
	# a busy machine may add the documented count of waits lost
	[ $rc = 0 ] && [ "$(stderr_besides_missed err | grep -c .)" = 1 ] &&
		grep -q '^runqslower-ts: notice: -B: no cgroup v2 hierarchy to read, cgroups named by id$' err ||
		fail "-B, cgroup v1 only: exit $rc: $(cat err)"
}

# The same run traced twice, as text and as JSON Lines: the JSON parses
# whatever bytes the waiter's name holds, and says what the text says
t_json_matches_text() {
	name=$'j"\\\x01\xff'
	# both tracers start while the generator is held, and end by
	# themselves when it exits (-p), so that they see the same events
	start_latgen_paused gen -N "$name" -d 20 -n 4
	start_tracer json -j -P -W --cpu -B -p "$latgen_pid" 1000
	json_pid=$tracer_pid
	start_tracer text -P -W --cpu -B -p "$latgen_pid" 1000
	text_pid=$tracer_pid
	release_latgen
	wait "$json_pid" || fail "-j exited $? when the generator exited"
	wait "$text_pid" || fail "text exited $? when the generator exited"
	bg_pids=()
	python3 -m json.tool --json-lines json.out > /dev/null 2> py.err || fail "python3 -m json.tool: $(cat py.err)"
	jq -c . json.out > jq.out 2> jq.err || fail "jq: $(cat jq.err)"
	[ "$(jq -r 'select(.type == "start") | .min_us' json.out)" = 1000 ] || fail "no start record: $(head -1 json.out)"
	# event for event: TID, LAT(us) (within 200 us + 0.1%),
	# PREV TID, WAKER TID, WAKE, CPU, FROM, RQ, the first TID that ran
	# instead; and the name: the invalid byte decodes as U+FFFD
	python3 - json.out text.out "$waiter_tid" "$(waits_of gen.out | tr '\n' ' ')" <<'PY' > cmp.out 2>&1 || { cat cmp.out json.err text.err; fail "JSON and text differ"; }
import json, re, sys
events = [e for e in map(json.loads, open(sys.argv[1], encoding="utf-8")) if e["type"] == "event"]
lines = open(sys.argv[2], "rb").read().split(b"\n")[2:-1]
waiter, gens = int(sys.argv[3]), [int(g) for g in sys.argv[4].split()]
assert events, "no JSON events"
# up to the generator's last wait that both show (one whose switch-in no
# tracer saw is in neither): what its threads do after it (the quit
# wakeups, the exit) races with each tracer's own end
def last_of(items, tid_lat, g):
    for i in range(len(items) - 1, -1, -1):
        tid, lat = tid_lat(items[i])
        if tid == waiter and abs(lat - g) <= g // 50 + 200:
            return i
    return None
for g in reversed(gens):
    ie = last_of(events, lambda e: (e["tid"], e["lat_us"]), g)
    il = last_of(lines, lambda l: tuple(int(x) for x in l[26:47].split()), g)
    if ie is not None and il is not None:
        events, lines = events[:ie + 1], lines[:il + 1]
        break
else:
    raise AssertionError("no wait of the generator in both the JSON and the text")
assert len(events) == len(lines), (f"{len(events)} JSON events, {len(lines)} text lines:\n"
    + "\n".join(f"json {e['tid']} {e['lat_us']}" for e in events) + "\n"
    + "\n".join(f"text {l[26:47].decode(errors='replace')}" for l in lines))
# fixed byte columns (TIDs below a million): TIME COMM TID LAT(us) PREV COMM
# PREV TID WAKER COMM WAKER TID WAKE CPU FROM RQ COVER RAN INSTEAD
# -W from interrupt work: WAKER COMM names it (JSON: waker_irq,
# waker_irq_name, waker_softirq, waker_hrtimer), WAKER TID is "-" (JSON
# keeps the task it came in on), and a long name moves the columns after
# it right: those lines are read by blanks from WAKER COMM on
def source(e):
    if e["waker_hrtimer"]:
        return "[hrtimer]"
    if e["waker_irq"] is not None:
        name = re.sub(r"[\x00-\x20\x7f]", "_", e["waker_irq_name"] or "")
        return f"[irq/{e['waker_irq']}-{name}]" if name else f"[irq/{e['waker_irq']}]"
    if e["waker_softirq"] is not None:
        return f"[softirq/{e['waker_softirq']}]"
    return None
interrupts = 0
for e, l in zip(events, lines):
    tid, lat = l[26:47].split()
    prev_tid = l[65:73].strip().decode()
    if l[74:75] == b"[":
        interrupts += 1
        waker, waker_tid, wake, cpu, frm, rq = (c.decode() for c in l[74:].split()[:6])
        m = re.search(rb"\[(\d+)\](?:@\d+)?=\d+us", b" ".join(l[74:].split()[7:]))
    else:
        cols = [l[91:100], l[101:110], l[111:115], l[116:120], l[121:125]]
        waker_tid, wake, cpu, frm, rq = (c.strip().decode() for c in cols)
        waker_tid, waker = int(waker_tid), None
        m = re.search(rb"\[(\d+)\](?:@\d+)?=\d+us", l[131:])
    text = (int(tid), int(prev_tid), waker_tid, waker, wake, int(cpu), frm, rq, int(m.group(1)) if m else None)
    js = (e["tid"], e["prev_tid"], "-" if source(e) else e["waker_tid"], source(e), e["wake"], e["cpu"],
          "-" if e["from_cpu"] is None else str(e["from_cpu"]), str(e["rq"]),
          e["blame"][0]["tid"] if e["blame"] else None)
    assert (source(e) is not None) == (e["wake"] in ("irq", "softirq")), f"JSON names no interrupt work: {e}"
    # each tracer reads the clock in its own program run, after the other's
    # (an interrupt in between on a loaded machine): up to 200 us apart
    assert text == js and abs(int(lat) - e["lat_us"]) <= 200 + e["lat_us"] // 1000, f"differ:\n  text {text} lat {int(lat)}\n  json {js} lat {e['lat_us']}"
mine = [e for e in events if e["tid"] == waiter]
assert mine and all(e["comm"] == 'j"\\\x01\ufffd' for e in mine), f"comm: {mine[0]['comm']!r}"
print(len(events), f"({interrupts} from interrupt work)")
PY
	# every generated wait is there (but those the tool counted lost): in
	# the text, and so, event for event, in the JSON
	matched_lines gen.out text.out > /dev/null || fail "generated waits missing: $(cat gen.out; waiter_lines text.out)"
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

# proc_state PID: its state letter; proc_delay_ns PID: its run_delay
proc_state() { awk '{ sub(/.*\) /, ""); print $1 }' /proc/"$1"/stat 2> /dev/null; }
proc_delay_ns() { awk '{ print $2 }' /proc/"$1"/schedstat; }

# -d counts from the attach (the header), not from the start, which a
# loaded machine can make take seconds; and a loaded machine can keep the
# tool queued for seconds more before it exits. So: at least 3 s from the
# header's write to --stats' (the files' mtimes, with a threshold no wait
# reaches: nothing else is written), and from when this test saw the header
# to the exit (a zombie's schedstat still reads) at most 3.5 s besides what
# the tool spent queued (its run_delay) meanwhile
t_duration() {
	# its parent a sleep, which never reaps it: its zombie stays to be read
	sh -c '"$1" --stats -d 3 100000000 > out 2> err & echo $! > tool.pid; exec sleep 900' sh "$RQS" &
	keeper=$!
	bg_pids+=($keeper)
	for _ in $(seq 100); do [ -s tool.pid ] && break; sleep 0.1; done
	pid=$(cat tool.pid)
	seen=
	for _ in $(seq 60000); do
		if grep -q '^TIME' out; then
			d_seen=$(proc_delay_ns "$pid")
			seen=$(date +%s%N)
			break
		fi
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.01
	done
	[ -n "$seen" ] || fail "-d 3 printed no header: $(cat err)"
	for _ in $(seq 60000); do [ "$(proc_state "$pid")" = Z ] && break; sleep 0.01; done
	[ "$(proc_state "$pid")" = Z ] || fail "-d 3 still running 600 s after its header"
	d_end=$(proc_delay_ns "$pid")
	rc=$(awk '{ sub(/.*\) /, ""); print int($50 / 256) }' /proc/"$pid"/stat)
	ran_ms=$((($(stat -c %.9Y err | tr -d .) - $(stat -c %.9Y out | tr -d .)) / 1000000))
	queued_ms=$(((d_end - d_seen) / 1000000))
	rest_ms=$((($(stat -c %.9Y err | tr -d .) - seen) / 1000000 - queued_ms))
	note "-d 3 exited $rc: header to --stats ${ran_ms} ms; from when seen, ${rest_ms} ms besides ${queued_ms} ms queued"
	[ $rc = 0 ] || fail "-d 3 exited $rc: $(cat err)"
	[ "$ran_ms" -ge 3000 ] || fail "-d 3 ended $ran_ms ms after its header"
	[ "$rest_ms" -le 3500 ] || fail "-d 3 ran $rest_ms ms after its header was seen, besides $queued_ms ms queued"
	[ "$(wc -l < out)" = 2 ] && head -1 out | grep -q '^Tracing run queue latency' || fail "not the banner and header alone: $(head -3 out)"
	[ -z "$(stderr_besides_missed err '^stats: ')" ] || fail "stderr: $(cat err)"
}

t_bad_option_values() {
	set +e
	for args in "-B 0 100" "-B 1000 2000" "--blame=33" "-c 0123456789abcdef" "-d 0" "--cgroup="; do
		# shellcheck disable=SC2086
		"$RQS" $args > out 2> err
		rc=$?
		[ $rc = 2 ] && [ "$(wc -l < err)" = 1 ] && grep -q '^runqslower-ts: ' err && [ ! -s out ] ||
			fail "'$args': exit $rc, stderr: $(cat err)"
		note "'$args': $(cat err)"
	done
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-W names the thread that woke the waiter (pipe, futex)" t_waker_names_waker
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-W: no CPU left marked irq or softirq after any of many starts under softirqs" t_waker_restarts_unmarked
test_case ROOT,BTF,MULTICPU,CMD_bpftool,CMD_jq "-W, hash mode: a waker noted for a task woken on its CPU is not left behind" t_waker_hash_no_leak
test_case ROOT,BTF,CMD_bpftool,CMD_jq "-W, hash mode: a full wakers map is counted and reported" t_waker_hash_full_counted
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "a waiter preempted while runnable: its wait reported, the hog its waker" t_preempted_wait_reported
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,TRACEFS "-W names a timer wakeup [hrtimer], as the kernel's record says" t_waker_irq_marked
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,TRACEFS,CMD_python3 "-W names a loopback UDP wakeup [softirq/net_rx], as the kernel's record says" t_waker_softirq_named
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-B ranks the hog first with about the wait's length" t_blame_ranks_hog
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_jq "-B names the task its switch-in replaced, or says a switch was not seen" t_blame_names_prev
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "--cpu shows FROM after a migration while queued" t_cpu_from_migration
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-B blames each CPU for its part of a wait that migrated" t_blame_migrated_wait
test_case ROOT,BTF,TASK_STORAGE "-B: a task that exited before the report is its own COMM or (exited), never another's" t_blame_exited_not_misnamed
test_case ROOT,BTF,TASK_STORAGE "-B: a task that exited is not named by a later one of its TID and memory" t_blame_exited_same_tid
test_case ROOT,BTF,TASK_STORAGE,MULTICPU "-c keeps exactly the tasks it names" t_comm_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CGROUP2 "--cgroup keeps exactly the tasks of a cgroup the test creates" t_cgroup_filter
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CGROUP2,CMD_unshare "--cgroup inside a cgroup namespace keeps the tasks of the cgroup named" t_cgroup_namespace
test_case ROOT,BTF,CMD_unshare "--cgroup: unknown, v1 and no-v2 errors; -s --by cgroup and -B with no v2" t_cgroup_errors
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,CMD_jq,CMD_python3 "-j parses, odd COMM bytes included, and matches the text event for event" t_json_matches_text
test_case ROOT,BTF,MULTICPU,CMD_jq "-j: loss and --stats records on stdout" t_json_losses_and_stats
test_case ROOT,BTF "-d 3 exits 0 within 3.5 s of attaching" t_duration
test_case "" "bad -B, -c, -d, --cgroup values: one line, exit 2" t_bad_option_values
test_done
