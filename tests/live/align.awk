# align(n, m): pairs the generator's rounds 1..n with the tool's lines
# 1..m, both in time order, as many as can be: the longest chain of pairs
# (i, k) rising in both with ok(i, k), a function the including program
# defines. Sets pair[i] to the line of round i, 0 for none; returns the
# number of pairs. A first-fit pairing can give an earlier round whose own
# line is missing (a lost switch-in) the line of a later round, leaving
# every round after it unpaired.
function align(n, m,    i, k, b) {
	for (i = 0; i <= n; i++) L[i, 0] = 0
	for (k = 0; k <= m; k++) L[0, k] = 0
	for (i = 1; i <= n; i++)
		for (k = 1; k <= m; k++) {
			b = L[i - 1, k]
			if (L[i, k - 1] > b) b = L[i, k - 1]
			if (ok(i, k) && L[i - 1, k - 1] + 1 > b) b = L[i - 1, k - 1] + 1
			L[i, k] = b
		}
	for (i = 1; i <= n; i++) pair[i] = 0
	i = n; k = m
	while (i > 0 && k > 0) {
		if (ok(i, k) && L[i, k] == L[i - 1, k - 1] + 1) { pair[i] = k; i--; k-- }
		else if (L[i - 1, k] >= L[i, k - 1]) i--
		else k--
	}
	return L[n, m]
}
