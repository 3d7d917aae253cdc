# qwake-match.awk: qwake's rounds against runqslower-ts --time=mono's lines,
# POSIX awk (busybox in the kernel matrix's guests).
#   awk -v min_us=N [-v lost=L] -f qwake-match.awk GEN TOOL
# A tool line gives a wait's end, its switch-in S (TIME), and its length
# LAT, so its start E = S - LAT. qwake's clock reads bound both, whatever
# stalled in between (a vCPU under emulation, a busy host): each clean
# round (neither the waiter nor the hog switched out more than the round
# explains, nothing else ran on their CPU) must have a line for the
# waiter's TID with
#   hog_end <= S <= run        the hog ran until hog_end, the waiter by run
#   t <= E <= hog              running, queued: the hog's timer (T) preempted
#                              it, before the hog read its clock
#   wake <= E <= woke          woken: inside the waker's wake call (a clean
#                              woken round had the hog on the waiter's CPU
#                              across that call, so the waker enqueued the
#                              waiter itself: see qwake.c)
# (2 us either side for the tool's truncation to microseconds). Rounds that
# may be shorter than the tool's threshold min_us (their shortest possible
# wait, hog_end less the latest possible start, is not over it) and other
# waits of the waiter are not judged. L is how many waits the tool said it
# lost (its missed switch-ins and wakeups not recorded, from --stats): up to
# L clean rounds may have no line, never one with a wrong line. One line:
#   ok rounds=R clean=C queued=Q (clean Q2) running=N woken=M max_diff_us=D[ unreported=U of L lost]
#   FAIL: why
# D is the largest difference between LAT and qwake's own measure (wait_us),
# for information. After a FAIL, lines "diag ..." show each failed round
# (up to 5) and the tool's lines within 100 ms of its end.
FNR == NR && /^qwake / {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "waiter_tid") tid = kv[2] }
	next
}
FNR == NR && /^round=/ {
	n++
	line[n] = $0
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	want[n] = f["wait_us"] + 0; path[n] = f["path"]; paths[f["path"]]++
	noisy[n] = f["noisy"] + 0
	# microseconds: the tool prints them, and awk's doubles keep them exact
	t_us[n] = int(f["t"] / 1000); hog_us[n] = int(f["hog"] / 1000)
	hog_end_us[n] = int(f["hog_end"] / 1000); wake_us[n] = int(f["wake"] / 1000)
	woke_us[n] = int(f["woke"] / 1000); run_us[n] = int(f["run"] / 1000)
	next
}
FNR == NR { next }
FNR > 2 { all++; at_all[all] = $1 * 1000000; text[all] = $0 }
FNR > 2 && $3 == tid { m++; at[m] = $1 * 1000000; got[m] = $4 + 0 }
function abs(x) { return x < 0 ? -x : x }
# diag I: round I's line and the tool's lines near its end
function diag(i,   j) {
	diags = diags "diag qwake " line[i] "\n"
	for (j = 1; j <= all; j++)
		if (at_all[j] >= run_us[i] - 100000 && at_all[j] <= run_us[i] + 100000)
			diags = diags "diag tool " text[j] "\n"
}
function wrong(i, why) {
	if (nbad++ < 5) { bad = bad " round " i " (" path[i] ", qwake " want[i] " us): " why ";"; diag(i) }
}
END {
	if (!tid) { print "FAIL: no qwake header"; exit 1 }
	if (!n) { print "FAIL: qwake made no rounds"; exit 1 }
	bad = ""
	for (i = 1; i <= n; i++) {
		if (noisy[i]) continue
		if (path[i] == "woken") { lo_e = wake_us[i]; hi_e = woke_us[i] }
		else { lo_e = t_us[i]; hi_e = hog_us[i] }
		# its shortest possible wait may not reach the threshold
		if (hog_end_us[i] - hi_e <= min_us + 2) continue
		clean++
		if (path[i] == "queued") clean_queued++
		best = 0
		for (j = 1; j <= m; j++)
			if (at[j] >= hog_end_us[i] - 2 && at[j] <= run_us[i] + 2 && (!best || at[j] > at[best]))
				best = j
		if (!best) {
			if (nolines++ < 5) { nolist = nolist " round " i " (" path[i] ", qwake " want[i] " us): no line ended between hog_end and run;"; diag(i) }
			continue
		}
		e = at[best] - got[best]
		if (e < lo_e - 2 || e > hi_e + 2) {
			wrong(i, "tool " got[best] " us from " sprintf("%.0f", e) ", outside " \
			      (path[i] == "woken" ? "wake..woke " : "t..hog ") sprintf("%.0f..%.0f", lo_e, hi_e))
			continue
		}
		d = abs(got[best] - want[i])
		if (d > max) max = d
	}
	# a round with no line is a fault unless the tool counted that many losses
	if (nolines > lost + 0) {
		bad = bad nolist " " nolines " rounds with no line, the tool counted " lost + 0 " waits lost;"
		nbad += nolines
	}
	if (bad != "") { printf "FAIL: %d of %d clean rounds wrong:%s\n%s", nbad, clean, bad, diags; exit 1 }
	printf "ok rounds=%d clean=%d queued=%d (clean %d) running=%d woken=%d max_diff_us=%d%s\n", n, clean, paths["queued"], clean_queued, paths["running"], paths["woken"], max, \
		nolines ? " unreported=" nolines " of " lost " lost:" nolist : ""
}
