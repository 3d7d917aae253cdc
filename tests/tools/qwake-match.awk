# qwake-match.awk: qwake's rounds against runqslower-ts's lines, POSIX awk
# (busybox in the kernel matrix's guests).
#   awk -v min_us=N -v pct=P -v slack_us=S -f qwake-match.awk GEN TOOL
# Every clean round's wait (all are well over min_us) must be printed for
# the waiter's TID, in order, within pct percent + slack_us of the
# generator's own measure. A noisy round (another task took the CPU: its
# wait may have been split or added to) may be printed as up to 3 lines, or
# not at all, and so may a round within the tolerance of min_us; no other
# line over min_us may be printed for that TID. One line:
#   ok rounds=R queued=Q running=N woken=M max_diff_us=D
#   FAIL: why
FNR == NR && /^qwake / {
	for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "waiter_tid") tid = kv[2] }
	next
}
FNR == NR && /^round=/ {
	n++
	for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	want[n] = f["wait_us"] + 0; path[n] = f["path"]; paths[f["path"]]++
	noisy[n] = f["noisy"] + 0; nnoisy += noisy[n]
	next
}
FNR == NR { next }
FNR > 2 && $3 == tid && $4 + 0 > min_us { m++; got[m] = $4 + 0 }
function near(a, b,    d) { d = a - b; if (d < 0) d = -d; return d <= b * pct / 100 + slack_us }
END {
	if (!tid) { print "FAIL: no qwake header"; exit 1 }
	if (!n) { print "FAIL: qwake made no rounds"; exit 1 }
	bad = ""; j = 1; budget = 0
	for (i = 1; i <= n; i++) {
		optional = noisy[i] || want[i] <= min_us + min_us * pct / 100 + slack_us
		# lines that noisy rounds before this one may have added
		while (j <= m && budget > 0 && !near(got[j], want[i])) { j++; budget--; skipped++ }
		budget = 0
		if (j <= m && near(got[j], want[i])) {
			d = got[j] - want[i]; if (d < 0) d = -d
			if (!noisy[i] && d > max) max = d
			j++; matched++
			if (noisy[i]) budget = 3
			continue
		}
		if (optional) { if (noisy[i]) budget = 3; continue }
		if (nbad++ < 5)
			bad = bad " round " i " (" path[i] "): qwake " want[i] " us, tool's next line " (j <= m ? got[j] " us" : "none") ";"
		if (j <= m && !near(got[j], want[i + 1])) j++
	}
	while (j <= m && budget > 0) { j++; budget--; skipped++ }
	if (j <= m) bad = bad " " (m - j + 1) " more tool lines than rounds;"
	if (bad != "") { print "FAIL: " matched " of " n " rounds matched:" bad; exit 1 }
	printf "ok rounds=%d matched=%d noisy=%d queued=%d running=%d woken=%d max_diff_us=%d\n", n, matched, nnoisy, paths["queued"], paths["running"], paths["woken"], max
}
