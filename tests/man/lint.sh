#!/bin/bash
# The man page as a reader and the formatters see it (TAP):
# - mandoc -T lint and groff -ww report nothing;
# - every option --help lists heads a tagged paragraph of its own: the
#   line after a .TP names it, so that no option runs into the paragraph
#   before it;
# - every EXAMPLES command heads a tagged paragraph of its own too;
# - no request run into the text before it, no merge conflict markers
#   (neither is a formatter warning: both show as text).
# Usage: tests/man/lint.sh [PAGE [TOOL]]
set -u
page=${1:-man/runqslower-ts.8}
tool=${2:-./runqslower-ts}
n=0 failed=0

check() {	# check DESCRIPTION OUTPUT: ok when OUTPUT is empty
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

if ! command -v mandoc > /dev/null || ! command -v groff > /dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - man page lint: mandoc or groff is not installed"
		exit 1
	fi
	echo "ok 1 - man page lint # SKIP missing CMD_mandoc/CMD_groff"
	exit 0
fi

check "mandoc -T lint reports nothing" "$(mandoc -T lint "$page" 2>&1)"
check "groff -ww -z reports nothing" "$(groff -ww -z -man "$page" 2>&1)"

# The tagged paragraphs' heads: each line after a .TP, with the roff
# escapes for the minus sign taken out.
heads=$(awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' "$page" | sed 's/\\-/-/g')
missing=
for opt in $("$tool" --help | grep -oE '^  (-[A-Za-z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'); do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<< "$heads" ||
		missing+="$opt is not the head of a tagged paragraph"$'\n'
done
check "every option of --help heads a tagged paragraph" "${missing%$'\n'}"

# EXAMPLES: every command line (.B at the start of a line) follows a .TP
merged=$(awk '/^\.SH/ { ex = ($2 == "EXAMPLES") }
	ex && /^\.B / && prev !~ /^\.TP/ { print "EXAMPLES: not a tagged paragraph: " $0 }
	{ prev = $0 }' "$page")
check "every example heads a tagged paragraph" "$merged"

# a request glued to text ("them)..TP"), or a merge's conflict markers
stray=$(grep -nE '[^.\\]\.\.?(TP|TQ|PP|SH|SS|RS|RE|IP)( |$)|^(<<<<<<<|=======|>>>>>>>)( |$)' "$page")
check "no request inside a text line, no conflict markers" "$stray"

echo "1..$n"
[ "$failed" -eq 0 ]
