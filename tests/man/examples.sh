#!/bin/sh
# Runs every command of the EXAMPLES section of man/smtpclass.1 against a
# built binary and checks its exit status and output (for the lookups, the
# first word and the whole output the page shows).  The commands are copied
# by hand from the page, with the same text: change the two together.
# The examples run in a scratch directory, with "smtpclass" on PATH pointing
# at the binary under test.
# Usage: examples.sh SMTPCLASS
set -u
if [ $# -ne 1 ]; then
	echo "usage: examples.sh SMTPCLASS" >&2
	exit 64
fi
case $1 in
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
if [ ! -x "$bin" ]; then
	echo "examples.sh: $bin: not an executable" >&2
	exit 66
fi

tmp=$(mktemp -d) || exit 70
cleanup() {
	if [ -s "$tmp/tail.pid" ]; then
		kill "$(cat "$tmp/tail.pid")" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 70' HUP INT TERM
mkdir "$tmp/bin" && ln -s "$bin" "$tmp/bin/smtpclass" || exit 70
PATH=$tmp/bin:$PATH
export PATH
unset NO_COLOR
cd "$tmp" || exit 70

count=0
failures=0

check() { # check NAME EXPECTED ACTUAL
	count=$((count + 1))
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: expected [$2], got [$3]"
		failures=$((failures + 1))
	fi
}

first_word() {
	printf '%s\n' "$1" | sed -n '1s/[[:space:]].*//p'
}

# 1. tail -f replies.log | smtpclass --line-buffered
# tail -f never ends, so the example runs in the background with tail
# wrapped to record its process id; a reply is appended to the log, and the
# record must come out while tail still runs.  Killing tail then ends the
# input, and smtpclass must exit 0.
: >replies.log
tail() {
	command tail "$@" &
	echo $! >"$tmp/tail.pid"
	wait $! 2>/dev/null
}
tail -f replies.log | smtpclass --line-buffered >follow.out &
pipeline=$!
printf '%s\n' '550 5.1.1 <bob@example.com>: User unknown' >>replies.log
waited=0
while [ ! -s follow.out ] && [ $waited -lt 10 ]; do
	sleep 1
	waited=$((waited + 1))
done
check "follow: record before the input ends" hard "$(first_word "$(cat follow.out)")"
while [ ! -s tail.pid ] && [ $waited -lt 10 ]; do
	sleep 1
	waited=$((waited + 1))
done
if [ -s tail.pid ]; then
	kill "$(cat tail.pid)" 2>/dev/null
else
	echo "examples.sh: tail did not start" >&2
	kill $pipeline
fi
wait $pipeline
check "follow: exit status" 0 $?
rm -f tail.pid
unset -f tail

# 2. smtpclass -j --stats replies.txt > replies.jsonl
cat >replies.txt <<'EOF'
550 5.1.1 <bob@example.com>: User unknown
Nov 27 10:00:00 mx postfix/qmgr[42]: ABC123: removed
452 4.2.2 The email account that you tried to reach is over quota.
EOF
stats=$(smtpclass -j --stats replies.txt 2>&1 > replies.jsonl)
check "jsonl: exit status" 0 $?
check "jsonl: stats" "smtpclass: lines 3, records 2, skipped 1, cut 0" "$stats"
check "jsonl: records" 2 "$(wc -l <replies.jsonl | tr -d ' ')"

# 3. smtpclass -r '550 5.1.1 <bob@example.com>: User unknown'
out=$(smtpclass -r '550 5.1.1 <bob@example.com>: User unknown')
check "lookup: exit status" 0 $?
check "lookup: first word" hard "$(first_word "$out")"
check "lookup: output" "hard         550 5.1.1   userunknown     remove-address     Stop mailing this address: it does not exist or no longer accepts mail." "$out"

# 4. smtpclass -j -r '550 4.4.7 QUEUE.Expired; message expired'
# The page breaks the record over lines; it is one line.
out=$(smtpclass -j -r '550 4.4.7 QUEUE.Expired; message expired')
check "json: exit status" 0 $?
check "json: first word" '{"source":"arg","line":1,"code":550,"enhanced":"4.4.7","class":"Permanent' "$(first_word "$out")"
check "json: output" '{"source":"arg","line":1,"code":550,"enhanced":"4.4.7","class":"Permanent Failure","subject":"Network and Routing Status","detail":"Delivery time expired","text":"QUEUE.Expired; message expired","verdict":"hard","reason":"expired","action":"investigate","rule":"enhanced X.4.7","mismatch":true}' "$out"

# 5. smtpclass -r '552 Too many recipients'
out=$(smtpclass -r '552 Too many recipients')
check "552: exit status" 0 $?
check "552: first word" hard "$(first_word "$out")"
check "552: output" "hard         552 -       mesgtoobig      reduce-size        Make the message smaller (or split its recipients) and resend." "$out"

# 6. smtpclass --stage=rcpt -r '552 Too many recipients'
out=$(smtpclass --stage=rcpt -r '552 Too many recipients')
check "552 rcpt: exit status" 0 $?
check "552 rcpt: first word" soft "$(first_word "$out")"
check "552 rcpt: output" "soft         552 -       exceedlimit     retry              Resend later with normal backoff; the condition is temporary." "$out"

# 7. The cron script, on the bounces.txt line the page shows and on one
# line for each other branch.
cat >cron.sh <<'EOF'
#!/bin/sh
while read -r id address reply; do
    smtpclass -e -r "$reply" >/dev/null 2>&1
    case $? in
    0)  ;;                                  # accepted
    75) echo "$id" >>retry.txt ;;           # soft: try again later
    67) echo "$address" >>unsubscribe.txt ;; # no such mailbox or domain
    *)  echo "$id $reply" >>review.txt ;;   # other hard, or not a reply
    esac
done <bounces.txt
EOF
cat >bounces.txt <<'EOF'
ABC123 bob@example.com 550 5.1.1 <bob@example.com>: User unknown
DEF456 ann@example.org 451 4.7.1 Greylisted, please try again later
GHI789 joe@example.net 552 5.3.4 Message too big for system
JKL012 amy@example.com 250 2.0.0 Ok: queued as 4XyZ
MNO345 tom@example.org connection timed out
EOF
sh cron.sh
check "cron: exit status" 0 $?
check "cron: unsubscribe.txt" "bob@example.com" "$(cat unsubscribe.txt 2>/dev/null)"
check "cron: retry.txt" "DEF456" "$(cat retry.txt 2>/dev/null)"
check "cron: review.txt" "GHI789 552 5.3.4 Message too big for system
MNO345 connection timed out" "$(cat review.txt 2>/dev/null)"

echo "$count checks, $failures failures"
[ "$failures" -eq 0 ]
