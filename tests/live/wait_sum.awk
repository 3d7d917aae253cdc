# check_wait_sum in lib.sh: the bounds on a histogram's sum (see there).
# mawk: no interval expressions; %d stops at 2^31, hence %.0f.
# Counters start at 0 (not ""), as array subscripts.
BEGIN { ng = np = nb = nm = 0 }
/^wait_us=/ {
	g = substr($1, 9) + 0; call = 0; pre = 0; ran = 0
	for (i = 2; i <= NF; i++) {
		if ($i ~ /^wake_call_us=/) call = substr($i, 14) + 0
		if ($i ~ /^ran_mono_us=/) ran = substr($i, 13) + 0
		if ($i == "preempted=1") pre = 1
	}
	gw[ng] = g; gcall[ng] = call; gpre[ng] = pre; gran[ng] = ran; ng++
}
END {
	while ((getline l < printed) > 0) { split(l, f, " "); pm[np] = f[1] + 0; pt[np] = f[2] + 0; np++ }
	while ((getline l < buckets) > 0) {
		split(l, f, " ")
		b_lo[nb] = f[1] + 0; b_hi[nb] = f[2]; b_n[nb] = f[3] + 0; nb++
	}
	for (r = 0; r < ng; r++) {
		g = gw[r]; tol = int(g / 50) + 200
		# the latest printed wait that ran by the generator's clock read
		# (the same clock), and after its wake call, or while it slept
		# when preempted
		best = -1
		for (i = 0; i < np; i++)
			if (!used[i] && pm[i] <= gran[r] + 1000 && pm[i] >= gran[r] - g / 2 - (gpre[r] ? g : 0) &&
			    (best < 0 || pm[i] > pm[best])) best = i
		if (best < 0) {
			if (!gpre[r]) { printf "FAIL: the generated wait of %.0f us (ran at %.0f us) was not printed\n", g, gran[r]; exit }
			continue
		}
		i = best; used[i] = 1; t = pt[i]
		for (k = 0; k < nb; k++)
			if (t >= b_lo[k] && (b_hi[k] == "-" || t <= b_hi[k] + 0)) break
		if (k == nb || b_n[k] < 1) { printf "FAIL: the printed wait of %.0f us is not in the histogram\n", t; exit }
		b_n[k]--
		# the wait from the generator's clock read before its wake call to
		# the switch-in: a stall between the switch-in and the generator's
		# read after it (a busy host's vCPU) is not in it
		w = pm[i] - (gran[r] - g)
		wlo = (g - tol < w - 200 ? g - tol : w - 200) - gcall[r]
		if (!gpre[r] && wlo > 0) glo += wlo
		ghi += (g + tol > w + 200 ? g + tol : w + 200)
		nm++
	}
	open = 0
	for (k = 0; k < nb; k++) {
		olo += b_n[k] * b_lo[k]
		if (b_hi[k] == "-") { if (b_n[k]) open = 1 } else ohi += b_n[k] * (b_hi[k] + 1)
		others += b_n[k]
	}
	printf "sum %.0f-%.0f us; %.0f generated waits: %.0f-%.0f us; %.0f other waits: %.0f-%s us\n",
		lo, hi, nm, glo, ghi, others, olo, open ? "inf" : ohi
	if (hi < glo + olo) { printf "FAIL: sum at most %.0f us, below the generated waits and the others (%.0f us)\n", hi, glo + olo; exit }
	if (!open && lo > ghi + ohi) { printf "FAIL: sum at least %.0f us, above the generated waits and the others (%.0f us)\n", lo, ghi + ohi; exit }
	print "ok"
}
