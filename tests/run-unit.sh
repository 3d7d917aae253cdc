#!/bin/sh
# Run cmocka unit test binaries with TAP output.
status=0
for t in "$@"; do
	echo "# $t"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" || status=1
done
exit $status
