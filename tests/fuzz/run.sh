#!/bin/bash
# Runs libFuzzer targets for a bounded time each, TAP output.
#   tests/fuzz/run.sh SECONDS OUTDIR TARGET_BINARY...
# A target named fuzz_NAME starts from the checked-in seeds in
# tests/fuzz/corpus/NAME plus what earlier runs found (OUTDIR/corpus/NAME),
# and leaves any crashing input in OUTDIR/artifacts/ (the test then fails,
# naming it; reproduce with: TARGET_BINARY ARTIFACT).
set -u
secs=$1 outdir=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0 failed=0
for bin in "$@"; do
	n=$((n + 1))
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=$outdir/corpus/$name
	mkdir -p "$work" "$outdir/artifacts"
	log=$outdir/$name.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$outdir/artifacts/$name-" "$work" "$top/tests/fuzz/corpus/$name" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc = 0 ]; then
		echo "ok $n - fuzz $name: ${execs:-?} executions in $secs s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l) inputs, no finding"
	else
		echo "not ok $n - fuzz $name: exit $rc after ${execs:-?} executions"
		grep -E 'ERROR|SUMMARY|artifact|==[0-9]+==' "$log" | head -20 | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ $failed = 0 ]
