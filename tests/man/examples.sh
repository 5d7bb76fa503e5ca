#!/bin/sh
# Runs every command of the EXAMPLES section of man/smtpclass.1 against a
# built binary and checks its exit status and output: for the lookups the
# first word, and the whole output wherever the page shows it.  The commands
# are copied by hand from the page, with the same text: change the two
# together.  They run in a scratch directory holding the files the page
# names (mail.log, local.rules, bounces.txt), with "smtpclass" on PATH
# pointing at the binary under test.
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
TZ=UTC
LC_ALL=C
export PATH TZ LC_ALL
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

# The Postfix log of the examples: a bounce, a deferral, a delivery and a
# line that reports no outcome.
bounce='Nov 27 06:25:01 mx postfix/smtp[4711]: 3F2A1C0042: to=<bob@example.com>, relay=mx.example.com[192.0.2.25]:25, delay=0.9, delays=0.1/0/0.4/0.4, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.25] said: 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command))'
cat >mail.log <<EOF
$bounce
Nov 27 06:25:02 mx postfix/smtp[4712]: 4B3C2D0043: to=<ann@example.org>, relay=mx.example.org[198.51.100.7]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=4.7.1, status=deferred (host mx.example.org[198.51.100.7] said: 451 4.7.1 Greylisted, please try again later (in reply to RCPT TO command))
Nov 27 06:25:03 mx postfix/smtp[4713]: 5C4D3E0044: to=<joe@example.net>, relay=mx.example.net[203.0.113.9]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9XyZ)
Nov 27 06:25:04 mx postfix/qmgr[42]: 5C4D3E0044: removed
EOF
bob_line='Nov 27 06:25:01 3F2A1C0042  hard    550 5.1.1   userunknown     remove-address     bounced  bob@example.com <bob@example.com>: Recipient address rejected: User unknown in local recipient table'
ann_line='Nov 27 06:25:02 4B3C2D0043  soft    451 4.7.1   onhold          retry              deferred ann@example.org Greylisted, please try again later'

# tail -f /var/log/mail.log | smtpclass --line-buffered
# tail -f never ends, so the pipeline runs in the background with tail
# wrapped: it follows live.log instead of /var/log/mail.log and records its
# process id.  A bounce is appended to live.log, and its record must come
# out while tail still runs; killing tail then ends the input, and
# smtpclass must exit 0.
: >live.log
tail() {
	command tail "$1" live.log &
	echo $! >"$tmp/tail.pid"
	wait $! 2>/dev/null
}
tail -f /var/log/mail.log | smtpclass --line-buffered >follow.out &
pipeline=$!
printf '%s\n' "$bounce" >>live.log
waited=0
while [ ! -s follow.out ] && [ $waited -lt 10 ]; do
	sleep 1
	waited=$((waited + 1))
done
check "follow: record while tail runs" "$bob_line" "$(cat follow.out)"
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

# smtpclass --stats mail.log
out=$(smtpclass --stats mail.log 2>stats.err)
check "log: exit status" 0 $?
check "log: output" "$bob_line
$ann_line" "$out"
check "log: stats" "smtpclass: lines 4, records 2, skipped 1, sent not shown 1, cut 0
smtpclass: postfix records 2" "$(cat stats.err)"

# smtpclass -j --year=2026 mail.log > failures.jsonl
smtpclass -j --year=2026 mail.log > failures.jsonl
check "jsonl: exit status" 0 $?
check "jsonl: records" 2 "$(wc -l <failures.jsonl | tr -d ' ')"
check "jsonl: first word" '{"source":"mail.log","line":1,"code":550,"enhanced":"5.1.1","class":"Permanent' \
	"$(first_word "$(cat failures.jsonl)")"
check "jsonl: time_iso" 1 "$(grep -c '"time_iso":"2026-11-27T06:25:01+00:00"' failures.jsonl)"

# smtpclass -r '550 5.1.1 <bob@example.com>: User unknown'
out=$(smtpclass -r '550 5.1.1 <bob@example.com>: User unknown')
check "lookup: exit status" 0 $?
check "lookup: first word" hard "$(first_word "$out")"
check "lookup: output" "hard         550 5.1.1   userunknown     remove-address     high   Stop mailing this address: it does not exist or no longer accepts mail." "$out"

# smtpclass -j -r '451 5.7.1 Delivery not authorized'
# The page breaks the record over lines; it is one line.
out=$(smtpclass -j -r '451 5.7.1 Delivery not authorized')
check "json: exit status" 0 $?
check "json: first word" '{"source":"arg","line":1,"code":451,"enhanced":"5.7.1","class":"Persistent' "$(first_word "$out")"
check "json: output" '{"source":"arg","line":1,"code":451,"enhanced":"5.7.1","class":"Persistent Transient Failure","subject":"Security or Policy Status","detail":"Delivery not authorized, message refused","text":"Delivery not authorized","verdict":"soft","reason":"rejected","action":"retry","confidence":"medium","rule":"enhanced X.7.1","mismatch":true,"stage":null,"remote_host":null,"remote_ip":null,"time":null,"time_iso":null,"time_unix":null,"host":null,"mta":null,"queue_id":null,"sender":null,"recipient":null,"domain":null,"relay":null,"status":null,"dsn":null,"original_recipient":null,"reporting_mta":null,"message_id":null,"message_subject":null,"list_id":null,"campaign_id":null}' "$out"

# smtpclass -r 'host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)'
out=$(smtpclass -r 'host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)')
check "wrapped: exit status" 0 $?
check "wrapped: first word" soft "$(first_word "$out")"
check "wrapped: output" "soft         452 4.2.2   mailboxfull     retry              high   Resend later with normal backoff; the condition is temporary." "$out"

# smtpclass --explain -r 552
out=$(smtpclass --explain -r 552)
check "552: exit status" 0 $?
check "552: first word" hard "$(first_word "$out")"
check "552: output" "hard         552 -       mesgtoobig      reduce-size        low    Make the message smaller (or split its recipients) and resend.
    code: 552 Requested mail action aborted: exceeded storage allocation | Message size exceeds fixed maximum (declared or actual)
    rule: basic 552
    confidence: low (only the basic reply code)
    taxonomy: SparkPost 23 Too Large; PowerMTA content-related; Amazon SES Transient/MessageTooLarge" "$out"

# smtpclass --explain --stage=rcpt -r 552
out=$(smtpclass --explain --stage=rcpt -r 552)
check "552 rcpt: exit status" 0 $?
check "552 rcpt: first word" soft "$(first_word "$out")"
check "552 rcpt: output" "soft         552 -       exceedlimit     retry              medium Resend later with normal backoff; the condition is temporary.
    code: 552 Requested mail action aborted: exceeded storage allocation | Message size exceeds fixed maximum (declared or actual)
    rule: exception rfc5321-552-rcpt
    confidence: medium (a documented exception (data/exceptions.tsv, data/stage-reasons.tsv, the MTA's status))
    taxonomy: SparkPost 23 Too Large; PowerMTA policy-related; Amazon SES Transient/MessageTooLarge" "$out"

# smtpclass --rules=local.rules --explain \
#     -r '554 5.7.1 Client host blocked using zen.spamhaus.org'
printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\n' >local.rules
printf 'soft-spamhaus\tspamhaus\tblocked\tretry\tsoft\t-\t-\tlocal policy\n' >>local.rules
out=$(smtpclass --rules=local.rules --explain \
    -r '554 5.7.1 Client host blocked using zen.spamhaus.org')
check "rules: exit status" 0 $?
check "rules: first word" soft "$(first_word "$out")"
check "rules: output" 'soft         554 5.7.1   blocked         retry              medium Resend later with normal backoff; the condition is temporary.
    code: 554 Transaction failed; at connection opening: no SMTP service here | Message with internationalised headers cannot be delivered to one or more recipients | Command refused due to lack of security
    enhanced: 5.7.1 Security or Policy Status: Delivery not authorized, message refused
    rule: site soft-spamhaus; matched "spamhaus"
    confidence: medium (a text rule alone (the enhanced code is generic, absent or says something else))
    taxonomy: SparkPost 50 Mail Block; PowerMTA spam-related; Amazon SES Transient/General
    text: Client host blocked using zen.spamhaus.org' "$out"

# smtpclass --summary --top=10 mail.log
out=$(smtpclass --summary --top=10 mail.log)
check "summary: exit status" 0 $?
check "summary: first word" smtpclass "$(first_word "$out")"

# smtpclass --addresses=remove mail.log
out=$(smtpclass --addresses=remove mail.log)
check "addresses: exit status" 0 $?
check "addresses: output" bob@example.com "$out"

# smtpclass --summary -j mail.log > monday.json
# smtpclass --merge monday.json tuesday.json
smtpclass --summary -j mail.log > monday.json
check "daily summary: exit status" 0 $?
cp monday.json tuesday.json
out=$(smtpclass --merge monday.json tuesday.json)
check "merge: exit status" 0 $?
check "merge: first line" "smtpclass summary: 6 records" "$(printf '%s\n' "$out" | sed -n '1s/,.*//p')"

# The cron script, on the bounces.txt line the page shows and on one line
# for each other branch.
cat >cron.sh <<'EOF'
#!/bin/sh
while read -r id address reply; do
    smtpclass -e -r "$reply" >/dev/null 2>&1
    case $? in
    0)  ;;                                  # accepted
    75) echo "$id" >>retry.txt ;;           # soft: try again later
    67) echo "$address" >>unsubscribe.txt ;; # no such mailbox or domain
    68|69) echo "$id $reply" >>review.txt ;; # unknown, or hard but kept
    *)  echo "$id $reply" >>errors.txt ;;   # an error, such as not a reply
    esac
done <bounces.txt
EOF
cat >bounces.txt <<'EOF'
ABC123 bob@example.com 550 5.1.1 <bob@example.com>: User unknown
DEF456 ann@example.org 451 4.7.1 Greylisted, please try again later
GHI789 joe@example.net 552 5.3.4 Message too big for system
JKL012 amy@example.com 250 2.0.0 Ok: queued as 4XyZ
MNO345 tom@example.org hello there
EOF
sh cron.sh
check "cron: exit status" 0 $?
check "cron: unsubscribe.txt" "bob@example.com" "$(cat unsubscribe.txt 2>/dev/null)"
check "cron: retry.txt" "DEF456" "$(cat retry.txt 2>/dev/null)"
check "cron: review.txt" "GHI789 552 5.3.4 Message too big for system" "$(cat review.txt 2>/dev/null)"
check "cron: errors.txt" "MNO345 hello there" "$(cat errors.txt 2>/dev/null)"

# The bounce examples: a Postfix DSN for bob@example.com, the same bounce
# twice in an mbox (the second for ann@example.org), and a Maildir holding
# the first.
make_bounce() { # make_bounce RECIPIENT
	cat <<EOF
Return-Path: <>
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: list-owner@example.net
Subject: Undelivered Mail Returned to Sender
Date: Fri, 27 Nov 2026 06:25:02 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

This is the mail system at host mx.example.net.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; $1
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <$1>: Recipient address
    rejected: User unknown in local recipient table

--b1
Content-Type: text/rfc822-headers

From: list-owner@example.net
To: $1
Subject: News
Message-ID: <n1@example.net>

--b1--
EOF
}
make_bounce bob@example.com >bounce.eml
{
	echo "From MAILER-DAEMON Fri Nov 27 06:25:02 2026"
	cat bounce.eml
	echo
	echo "From MAILER-DAEMON Fri Nov 27 06:25:03 2026"
	make_bounce ann@example.org
} >bounces.mbox
mkdir -p Maildir/cur Maildir/new Maildir/tmp
cp bounce.eml Maildir/cur/1764224702.1.mx:2,S
out=$(smtpclass bounce.eml)
check "bounce.eml: output" "bounce.eml: Fri, 27 Nov 2026 06:25:02 +0000 -           hard    550 5.1.1   userunknown     remove-address     failed   bob@example.com <bob@example.com>: Recipient address rejected: User unknown in local recipient table" "$out"
out=$(cat bounces.mbox | smtpclass --addresses=remove)
check "mbox --addresses=remove: status" 0 $?
check "mbox --addresses=remove: addresses" "ann@example.org
bob@example.com" "$(printf '%s\n' "$out" | grep @ | sort)"
smtpclass --summary Maildir >summary.txt
check "Maildir --summary: status" 0 $?
check "Maildir --summary: one bounced record" "bounced 1" "$(awk '$1 == "bounced" {print $1, $2}' summary.txt)"

echo "$count checks, $failures failures"
[ "$failures" -eq 0 ]
