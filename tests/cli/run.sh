#!/bin/sh
# CLI tests: run the real binary and check output and exit status.
# Usage: run.sh SMTPCLASS SOURCE_DIR
set -u
bin=$1
src=$2
failures=0
count=0

check() { # check NAME EXPECTED ACTUAL
	count=$((count + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL $1: expected [$2], got [$3]"
		failures=$((failures + 1))
	fi
}

out=$("$bin" -r '550 5.1.1 <a@b.example>: User unknown' --format=json)
check json-record '{"source":"arg","line":1,"code":550,"enhanced":"5.1.1","class":"Permanent Failure","subject":"Addressing Status","detail":"Bad destination mailbox address","text":"<a@b.example>: User unknown","verdict":"hard","reason":"userunknown","action":"remove-address","rule":"enhanced X.1.1","mismatch":false}' "$out"

"$bin" -r 'hello' >/dev/null 2>&1
check not-a-reply 65 $?

echo "$count checks, $failures failures"
[ "$failures" -eq 0 ]
