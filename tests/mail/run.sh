#!/bin/sh
# Bounce messages through the real binary: a single .eml, standard input as
# procmail or a Postfix pipe hands it over, an mbox (separators, >From
# quoting, an ordinary message among the bounces), a Maildir, a log that
# must stay a log (file and pipe), --mail, and hostile messages (broken MIME,
# truncated base64, a wrong charset label, a 100 MB attachment in bounded
# memory).  Messages are built here from tests/bounces/ and small here-docs.
# Usage: run.sh SMTPCLASS SOURCE_DIR
set -u
LC_ALL=C
export LC_ALL
bin=$1
src=$2
checks_name=mail
. "$src/tests/checks.sh"
corpus=$src/tests/bounces
here=$src/tests/mail

# Peak RSS allowed while reading a 100 MB message (the ASan build's own
# needs are about 30 MiB; the message reader adds at most its fixed 6 MiB
# buffers and GMime's work on the first 4 MiB).
rss_limit_kib=131072

tool=$tmp/hostile_tool
if ! ${CC:-cc} -std=c11 -O2 -I"$src/tests/fuzz" -o "$tool" "$src/tests/hostile/hostile_tool.c" \
	"$src/tests/fuzz/json_check.c"; then
	echo "setup: cannot compile hostile_tool.c"
	exit 1
fi

field() { # field NAME < TSV-with-header: the column's values
	awk -F'\t' -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }'
}

check_true "--version names the mail reader" contains "$("$bin" --version)" "reads mail: GMime 3."

# ---- one message -------------------------------------------------------------
eml=$corpus/rfc3464-34.eml
(cd "$corpus" && "$bin" rfc3464-34.eml) >"$tmp/out" 2>"$tmp/err"
check "eml: status" 0 $?
check "eml: one record" 1 "$(wc -l <"$tmp/out" | tr -d ' ')"
# A Postfix delay notice whose report fields follow the text with no MIME
# structure: they are read as a report part (Action: delayed, Status 4.4.1,
# the Arrival-Date), and the reply finder gives the connect stage.
check "eml: text record" "rfc3464-34.eml: Thu, 29 Apr 2017 23:34:45 +0900 (JST) -           soft    -   4.4.1   networkerror    retry              delayed  kijitora@example.com connect to nyaan.example.com[192.0.2.2]:25: No route to host" "$(cat "$tmp/out")"
"$bin" --format=tsv --header "$eml" >"$tmp/out.tsv"
check "eml: recipient" "kijitora@example.com" "$(field recipient <"$tmp/out.tsv")"
check "eml: status column" "delayed" "$(field status <"$tmp/out.tsv")"
check "eml: stage" "connect" "$(field stage <"$tmp/out.tsv")"
check "eml: enhanced" "4.4.1" "$(field enhanced <"$tmp/out.tsv")"
"$bin" --json "$eml" >"$tmp/out.json"
check_true "eml: json is valid" "$tool" json "$tmp/out.json"

# ---- standard input, as procmail or a Postfix pipe deliver it ---------------
"$bin" --format=tsv --header <"$eml" >"$tmp/stdin.tsv"
check "stdin: same record" "$(cut -f2- "$tmp/out.tsv")" "$(cut -f2- "$tmp/stdin.tsv")"
check "stdin: source" "-" "$(field source <"$tmp/stdin.tsv")"
cat "$eml" | "$bin" --format=tsv --header >"$tmp/pipe.tsv"
check "pipe: same record" "$(cut -f2- "$tmp/out.tsv")" "$(cut -f2- "$tmp/pipe.tsv")"

# ---- an mbox: separators, >From, an ordinary message, two recipients -------
{
	echo "From MAILER-DAEMON Thu Apr 29 23:34:45 2010"
	cat "$corpus/lhost-postfix-01.eml"
	echo
	echo "From ann@example.org Thu Apr 29 23:35:00 2010"
	printf 'From: ann@example.org\nTo: list@example.net\nSubject: Lunch?\n\n'
	printf 'See you at noon.\n>From the office.\nFrom here on a body line, not a separator.\n\n'
	echo "From MAILER-DAEMON Thu Apr 29 23:36:00 2010"
	cat "$corpus/lhost-qmail-01.eml"
} >"$tmp/box.mbox"
"$bin" --stats --format=tsv --header "$tmp/box.mbox" >"$tmp/mbox.tsv" 2>"$tmp/mbox.err"
check "mbox: status" 0 $?
check "mbox: sources" "$tmp/box.mbox#1
$tmp/box.mbox#3" "$(field source <"$tmp/mbox.tsv" | sort -u)"
check "mbox: the qmail recipient" "kijitora@example.ne.jp" "$(field recipient <"$tmp/mbox.tsv" | grep -x kijitora@example.ne.jp)"
check_true "mbox: the ordinary message is counted" file_contains "$tmp/mbox.err" "messages 3, bounces 2,.* not bounces 1,"
# An ordinary message from postmaster (a mailer daemon's address, but no
# bounce subject, notice or returned message) is no bounce: no record.
printf 'From: Postmaster <postmaster@example.org>\nTo: <ann@example.org>\nSubject: Maintenance tonight\nDate: Thu, 29 Apr 2010 23:34:45 +0900\n\nThe mail server restarts at 22:00.\n' >"$tmp/postmaster.eml"
"$bin" --stats "$tmp/postmaster.eml" >"$tmp/postmaster.out" 2>"$tmp/postmaster.err"
check "postmaster's ordinary mail: no record" "" "$(cat "$tmp/postmaster.out")"
check_true "postmaster's ordinary mail: counted as no bounce" file_contains "$tmp/postmaster.err" "messages 1, bounces 0,.* not bounces 1,"
# A quoted >From in a bounce's body: the message still splits in three.
printf 'From a@b Thu Apr 29 23:34:45 2010\nFrom: a@b\nSubject: x\n\nbody\n>From quoted\n\n' >"$tmp/quoted.mbox"
"$bin" --stats --mail "$tmp/quoted.mbox" >/dev/null 2>"$tmp/quoted.err"
check_true "mbox: >From stays in its message" file_contains "$tmp/quoted.err" "messages 1,"

# cat mbox | smtpclass --addresses=remove, the cron job of the README.
cat "$tmp/box.mbox" | "$bin" --addresses=remove >"$tmp/remove"
check "mbox: --addresses=remove" 0 $?
check_true "mbox: the qmail recipient is to remove" file_contains "$tmp/remove" "kijitora@example.ne.jp"

# ---- a Maildir ---------------------------------------------------------------
mkdir -p "$tmp/Maildir/cur" "$tmp/Maildir/new" "$tmp/Maildir/tmp"
cp "$corpus/lhost-exim-01.eml" "$tmp/Maildir/new/1000.1.host" 2>/dev/null ||
	cp "$corpus/lhost-exim-07.eml" "$tmp/Maildir/new/1000.1.host"
cp "$eml" "$tmp/Maildir/cur/1001.1.host:2,S"
printf 'From: a@b\nSubject: hi\n\nhello\n' >"$tmp/Maildir/cur/1002.1.host:2,S"
"$bin" --stats --format=tsv --header "$tmp/Maildir" >"$tmp/maildir.tsv" 2>"$tmp/maildir.err"
check "Maildir: status" 0 $?
check_true "Maildir: new/ is read" file_contains "$tmp/maildir.tsv" "Maildir/new/1000.1.host"
check_true "Maildir: cur/ is read" file_contains "$tmp/maildir.tsv" "Maildir/cur/1001.1.host:2,S"
check_true "Maildir: counts" file_contains "$tmp/maildir.err" "messages 3, bounces 2,.* not bounces 1,"
"$bin" --summary "$tmp/Maildir" >"$tmp/summary" 2>&1
check "Maildir: --summary" 0 $?
check_true "Maildir: summary counts the bounced" file_contains "$tmp/summary" "bounced"

# ---- a log stays a log -------------------------------------------------------
log=$src/tests/logs/postfix.log
"$bin" --format=tsv "$log" | cut -f2- >"$tmp/log-file"
cat "$log" | "$bin" --format=tsv | cut -f2- >"$tmp/log-pipe"
check_true "log: records" test -s "$tmp/log-file"
check_file "log: a piped log gives the same records" "$tmp/log-file" "$tmp/log-pipe"
check "log: no message columns" "" "$("$bin" --format=tsv --header "$log" | field message_id | sort -u)"
# A file of DSN fields is replies, not a message.
printf 'Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown\n' >"$tmp/fields.txt"
check "replies: DSN fields stay lines" 2 "$("$bin" "$tmp/fields.txt" | wc -l | tr -d ' ')"
# --mail reads it as a message: no bounce.
"$bin" --mail --stats "$tmp/fields.txt" >"$tmp/out" 2>"$tmp/err"
check_true "--mail: read as a message" file_contains "$tmp/err" "messages 1, bounces 0"
check "--mail with -r is refused" 64 "$("$bin" --mail -r 550 >/dev/null 2>&1; echo $?)"

# ---- a report wrapped in a content filter's notice ---------------------------
# lhost-x5-01.eml: a Trend Micro notice (multipart/mixed) whose message/rfc822
# part is the MTA's RFC 3464 report: its recipient and the headers of the
# message it returns, not the notice's text and the report's own headers.
"$bin" --format=tsv --header "$corpus/lhost-x5-01.eml" >"$tmp/wrapped.tsv"
check "wrapped report: one record" 2 "$(wc -l <"$tmp/wrapped.tsv" | tr -d ' ')"
check "wrapped report: recipient" "kijitora@neko.example.org" "$(field recipient <"$tmp/wrapped.tsv")"
check "wrapped report: enhanced" "5.1.1" "$(field enhanced <"$tmp/wrapped.tsv")"
check "wrapped report: reason" "userunknown" "$(field reason <"$tmp/wrapped.tsv")"
check "wrapped report: reporting MTA" "vrrr-22.int.example.co.jp" "$(field reporting_mta <"$tmp/wrapped.tsv")"
check "wrapped report: returned Message-ID" "2222222222.0000000000002.JavaMail.nekogate@cat.example.jp" \
	"$(field message_id <"$tmp/wrapped.tsv")"
# Hostile: a report wrapped in reports 20000 times is read to a bounded depth.
awk 'BEGIN {
	printf "From: MAILER-DAEMON@example.jp\nSubject: Returned mail\nMIME-Version: 1.0\n"
	for (i = 0; i < 20000; i++)
		printf "Content-Type: multipart/report; report-type=delivery-status; boundary=n%dx\n\n--n%dx\nContent-Type: message/rfc822\n\nFrom: MAILER-DAEMON@example.jp\n", i, i
	printf "Content-Type: multipart/report; report-type=delivery-status; boundary=d\n\n--d\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n\n--d--\n"
}' >"$tmp/nested.eml"
"$tool" measure "$tmp/measure.nested" 60 "$bin" --format=tsv --header "$tmp/nested.eml" >"$tmp/out" 2>"$tmp/err"
status=$?
read -r rss ms <"$tmp/measure.nested" || ms=0
check "20000 wrapped reports: status" 0 $status
check "20000 wrapped reports: the deepest is not read" "" "$(field recipient <"$tmp/out" | grep -x bob@example.com)"
echo "20000 wrapped reports: $ms ms"

# ---- feedback and auto-replies ----------------------------------------------
printf 'From: ann@example.org\nTo: list@example.net\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway.\n' |
	"$bin" --format=tsv --header >"$tmp/auto.tsv"
check "autoreply: status" "autoreply" "$(field status <"$tmp/auto.tsv")"
check "autoreply: no failure" "unknown" "$(field verdict <"$tmp/auto.tsv")"
printf 'From: fbl@isp.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=f\n\n--f\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n--f--\n' |
	"$bin" --format=tsv --header >"$tmp/fbl.tsv"
check "feedback: status" "feedback" "$(field status <"$tmp/fbl.tsv")"

# ---- hostile messages ---------------------------------------------------------
# A truncated base64 report and a charset that does not exist.
{
	printf 'From: MAILER-DAEMON@example.jp\nSubject: failure notice\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n'
	printf -- '--b\nContent-Type: text/plain; charset=x-unknown-charset\n\nHi.\n'
	printf -- '--b\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n'
	printf 'Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n' | base64 | head -c 60
	printf '\n'
} >"$tmp/truncated.eml"
"$bin" --format=tsv --header "$tmp/truncated.eml" >"$tmp/out" 2>"$tmp/err"
check "truncated base64: status" 0 $?
check "truncated base64: what can be read" "bob@example.com" "$(field recipient <"$tmp/out")"
# Broken MIME: nested multiparts whose boundaries never close, binary bytes.
{
	printf 'From: MAILER-DAEMON@example.jp\nSubject: Undeliverable\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=b\n\n'
	i=0
	while [ $i -lt 200 ]; do
		printf -- '--b\nContent-Type: multipart/mixed; boundary=b%d\n\n' $i
		i=$((i + 1))
	done
	printf 'Hi. This is the qmail-send program.\n<bob@example.com>:\n\001\002\377 no mailbox\n'
} >"$tmp/broken.eml"
"$bin" --stats "$tmp/broken.eml" >"$tmp/out" 2>"$tmp/err"
check "broken MIME: status" 0 $?
# A 100 MB attachment: read in bounded memory, the report still found.
{
	printf 'From: MAILER-DAEMON@example.jp\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n'
	printf -- '--b\nContent-Type: message/delivery-status\n\n'
	printf 'Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 full\n\n'
	printf -- '--b\nContent-Type: message/rfc822\n\nFrom: a@b\nSubject: big\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n'
	"$tool" random 75000000 1 | base64
	printf '\n--b--\n'
} >"$tmp/huge.eml"
"$tool" measure "$tmp/measure.huge" 120 "$bin" --stats --format=tsv --header "$tmp/huge.eml" >"$tmp/out" 2>"$tmp/err"
status=$?
read -r rss ms <"$tmp/measure.huge" || rss=0
check "100 MB message: status" 0 $status
check "100 MB message: the recipient" "bob@example.com" "$(field recipient <"$tmp/out")"
check_true "100 MB message: counted as cut" file_contains "$tmp/err" "cut 1,"
echo "100 MB message: peak RSS $rss KiB, $ms ms"
check_true "100 MB message: peak RSS ${rss} KiB <= $rss_limit_kib" test "$rss" -le "$rss_limit_kib"
# An mbox of many empty and tiny messages.
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "From a@b Thu Apr 29 23:34:45 2010\n\n" }' >"$tmp/empty.mbox"
"$bin" --stats --mail "$tmp/empty.mbox" >/dev/null 2>"$tmp/err"
check "mbox of empty messages: status" 0 $?

checks_report
