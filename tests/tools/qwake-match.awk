# qwake-match.awk: qwake's rounds against runqslower-ts --time=mono's lines,
# POSIX awk (busybox in the kernel matrix's guests).
#   awk -v min_us=N -v pct=P -v slack_us=S -f qwake-match.awk GEN TOOL
# Each clean round (neither the waiter nor the hog switched out more than
# the round explains) must have a line for the waiter's TID whose TIME, the
# switch-in, is at most slack_us + 1000 us before the generator's t_run, and
# whose LAT is within pct percent + slack_us of the generator's own measure
# (for a woken round, at most that much over it: see below).
# Noisy rounds, rounds whose wait is within that tolerance of the tool's
# threshold min_us, and other waits of the waiter are not judged. One line:
#   ok rounds=R clean=C queued=Q (clean Q2) running=N woken=M max_diff_us=D
#   FAIL: why
FNR == NR && /^qwake / {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "waiter_tid") tid = kv[2] }
	next
}
FNR == NR && /^round=/ {
	n++
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	want[n] = f["wait_us"] + 0; path[n] = f["path"]; paths[f["path"]]++
	noisy[n] = f["noisy"] + 0; run_us[n] = f["run"] / 1000
	next
}
FNR == NR { next }
FNR > 2 && $3 == tid { m++; at[m] = $1 * 1000000; got[m] = $4 + 0 }
function abs(x) { return x < 0 ? -x : x }
END {
	if (!tid) { print "FAIL: no qwake header"; exit 1 }
	if (!n) { print "FAIL: qwake made no rounds"; exit 1 }
	bad = ""
	for (i = 1; i <= n; i++) {
		if (noisy[i]) continue
		if (want[i] <= min_us + min_us * pct / 100 + slack_us) continue
		clean++
		if (path[i] == "queued") clean_queued++
		best = 0
		for (j = 1; j <= m; j++)
			if (at[j] <= run_us[i] + 50 && at[j] >= run_us[i] - slack_us - 1000 &&
			    (!best || at[j] > at[best]))
				best = j
		if (!best) {
			if (nbad++ < 5) bad = bad " round " i " (" path[i] ", " want[i] " us): no line;"
			continue
		}
		d = abs(got[best] - want[i])
		# a woken round's truth starts at the waker's clock read, before
		# its wake call: a waker delayed in between (a vCPU stall under
		# emulation) makes the truth longer than the wait, never shorter
		if (path[i] == "woken" && got[best] < want[i]) d = 0
		if (d > want[i] * pct / 100 + slack_us) {
			if (nbad++ < 5) bad = bad " round " i " (" path[i] "): tool " got[best] " us, qwake " want[i] " us;"
			continue
		}
		if (d > max) max = d
	}
	if (bad != "") { print "FAIL: " nbad " of " clean " clean rounds wrong:" bad; exit 1 }
	printf "ok rounds=%d clean=%d queued=%d (clean %d) running=%d woken=%d max_diff_us=%d\n", n, clean, paths["queued"], clean_queued, paths["running"], paths["woken"], max
}
