#!/bin/bash
# Runs live suites, each as its own script, one after the other (they
# measure latencies: two at once would disturb each other). TAP from each;
# the status is 1 if any suite failed.
#   run.sh [SUITE...]   these suites (tests/live/SUITE.sh; default: all
#                       those make check-live runs, in this order)
#   run.sh --list       their names
# RQS=path is the tool under test (default ./runqslower-ts); TESTS=regex
# runs only the test functions it matches (see lib.sh).
set -u
SUITES=(basic filters storage delivery lifecycle why summary blame pods exemplars json untrusted privileges)
here=$(dirname "$0")

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${SUITES[@]}"
	exit 0
fi
[ $# -gt 0 ] || set -- "${SUITES[@]}"
for s in "$@"; do
	[ -x "$here/$s.sh" ] || { echo "$0: no live suite '$s' (run.sh --list names them)" >&2; exit 2; }
done
status=0
for s in "$@"; do
	echo "# live suite $s: tests/live/$s.sh"
	"$here/$s.sh" || status=1
done
exit $status
