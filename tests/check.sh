#!/bin/bash
# The whole test suite: every stage prints TAP; this tallies them and ends
# with "N passed, N failed, N skipped". Stages: the make targets given.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0 log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in "$@"; do
	echo "=== make $target"
	make --no-print-directory -s "$target" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - make $target exited $rc"
		failed=$((failed + 1))
	fi
done
[ "$skipped" -gt 0 ] && echo "SKIPPED: $skipped tests did not run (see '# SKIP' lines above)"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
