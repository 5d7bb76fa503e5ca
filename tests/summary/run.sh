#!/bin/sh
# Summary mode against golden files: the text and JSON reports of the
# shipped sample log, the address lists, merging (a summary merged with
# itself doubles every count; merging one complete summary gives the same
# report back), the width of the report on a terminal, the errors,
# expired messages grouped by the last reply of their queue id, and files
# read oldest first, and names with ill-formed UTF-8 (one name, merged back
# unchanged).
#
# Usage: run.sh SMTPCLASS SOURCE_DIR
# With SUMMARY_UPDATE=1 the golden files are rewritten from the current
# output instead (then review the diff: git diff tests/summary).
set -u
bin=$1
src=$2
here=$src/tests/summary
log=$src/examples/sample-mail.log
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
count=0

fail() {
	echo "FAIL $1"
	failures=$((failures + 1))
}

# golden NAME COMMAND...: the standard output of COMMAND must equal NAME.
golden() {
	name=$1
	shift
	count=$((count + 1))
	"$@" >"$work/$name" 2>"$work/stderr"
	status=$?
	if [ "$status" -ne 0 ]; then
		fail "$name: exit $status: $(cat "$work/stderr")"
		return
	fi
	if [ "${SUMMARY_UPDATE:-0}" = 1 ]; then
		cp "$work/$name" "$here/$name"
		return
	fi
	if ! cmp -s "$work/$name" "$here/$name"; then
		fail "$name differs from tests/summary/$name:"
		diff -u "$here/$name" "$work/$name" | head -40
	fi
}

# status NAME EXPECTED MESSAGE COMMAND...: exit status and a stderr line.
status() {
	name=$1
	expected=$2
	message=$3
	shift 3
	count=$((count + 1))
	"$@" >/dev/null 2>"$work/stderr"
	got=$?
	if [ "$got" -ne "$expected" ]; then
		fail "$name: exit $got, expected $expected: $(cat "$work/stderr")"
	elif ! grep -qF -- "$message" "$work/stderr"; then
		fail "$name: stderr lacks [$message]: $(cat "$work/stderr")"
	fi
}

golden sample.txt "$bin" --summary "$log"
golden sample.json "$bin" --summary --format=json "$log"
golden sample-top3.txt "$bin" --summary --top=3 "$log"
golden sample-all.json "$bin" --summary --format=json --top=0 "$log"
golden addresses-remove.txt "$bin" --addresses=remove "$log"
golden addresses-soft.txt "$bin" --addresses=soft "$log"
golden merged-twice.json "$bin" --merge --format=json --top=0 "$here/sample-all.json" \
	"$here/sample-all.json"

# One complete summary merged alone gives the same report back.
count=$((count + 1))
"$bin" --summary --top=0 "$log" >"$work/direct.txt"
"$bin" --merge --top=0 "$here/sample-all.json" >"$work/merged.txt"
cmp -s "$work/direct.txt" "$work/merged.txt" || fail "merge of one summary: the report changed"
count=$((count + 1))
"$bin" --merge --format=json --top=0 - <"$here/sample-all.json" >"$work/merged.json"
cmp -s "$here/sample-all.json" "$work/merged.json" || fail "merge from standard input"

# Summaries one after the other in one stream, as a loop over hosts writes
# them (for h in mx1 mx2; do ssh $h smtpclass --summary -j; done), merge
# as the files do (issue 14: "data after the JSON document").
count=$((count + 1))
cat "$here/sample-all.json" "$here/sample-all.json" |
	"$bin" --merge --format=json --top=0 - >"$work/stream.json" 2>"$work/stderr"
cmp -s "$here/merged-twice.json" "$work/stream.json" ||
	fail "merge of two summaries in one stream: $(cat "$work/stderr")"

# Merging a summary with itself doubles every count (and keeps the rest).
count=$((count + 1))
sed -n 's/^  "totals": //p' "$here/sample-all.json" |
	awk -F'[:,{} ]+' '{ for (i = 2; i < NF; i += 2) printf "%s %d\n", $i, 2 * $(i + 1) }' \
		>"$work/doubled"
sed -n 's/^  "totals": //p' "$work/merged-twice.json" |
	awk -F'[:,{} ]+' '{ for (i = 2; i < NF; i += 2) printf "%s %d\n", $i, $(i + 1) }' \
		>"$work/twice"
if [ ! -s "$work/doubled" ] || ! cmp -s "$work/doubled" "$work/twice"; then
	fail "merge with itself: totals not doubled"
	paste "$work/doubled" "$work/twice"
fi
count=$((count + 1))
records=$(sed -n 's/^  "records": \([0-9]*\),/\1/p' "$here/sample-all.json")
twice=$(sed -n 's/^  "records": \([0-9]*\),/\1/p' "$work/merged-twice.json")
[ -n "$records" ] && [ "$twice" = $((2 * records)) ] ||
	fail "merge with itself: records $twice, expected 2 x $records"

# --addresses is exact past the report's table size (issue 20: it stopped at
# 32,768 of 40,000 recipients, and a recipient that bounced hard came back
# as "soft" after its entry was replaced).
count=$((count + 1))
awk 'BEGIN {
	line = "Feb 21 09:00:%02d mx postfix/smtp[1]: 4F%06d: to=<%s>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=%s, status=%s (host mx.example.org[192.0.2.1] said: %s (in reply to RCPT TO command))\n"
	printf line, 0, 0, "kept@example.com", "5.1.1", "bounced", "550 5.1.1 <kept@example.com>: Recipient address rejected: User unknown"
	for (i = 0; i < 40000; i++)
		printf line, 1, i + 1, sprintf("user%05d@example.org", i), "5.1.1", "bounced", sprintf("550 5.1.1 <user%05d@example.org>: Recipient address rejected: User unknown", i)
	printf line, 2, 40001, "kept@example.com", "4.2.2", "deferred", "452 4.2.2 Mailbox full"
}' >"$work/many.log"
"$bin" --addresses=remove "$work/many.log" >"$work/remove.txt" 2>"$work/stderr"
got=$?
lines=$(wc -l <"$work/remove.txt")
# kept@example.com: its latest outcome was soft, so it is not to remove.
if [ "$got" -ne 0 ] || [ "$lines" -ne 40000 ] || grep -qx kept@example.com "$work/remove.txt" ||
	! grep -qx user39999@example.org "$work/remove.txt"; then
	fail "--addresses=remove on 40,000 bounced recipients: exit $got, $lines lines: $(cat "$work/stderr")"
fi
count=$((count + 1))
"$bin" --addresses=soft "$work/many.log" >"$work/soft.txt" 2>"$work/stderr"
[ ! -s "$work/soft.txt" ] || fail "--addresses=soft lists a recipient that bounced hard: $(head -3 "$work/soft.txt")"

# On a terminal no line is longer than its width (script(1) makes a pty).
if command -v script >/dev/null 2>&1; then
	for width in 50 80; do
		count=$((count + 1))
		script -qec "stty cols $width; '$bin' --summary '$log'" /dev/null |
			tr -d '\r' >"$work/tty.txt"
		longest=$(LC_ALL=C.UTF-8 awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' \
			"$work/tty.txt")
		if [ "$longest" -gt "$width" ] || [ "$longest" -lt 20 ]; then
			fail "terminal of $width columns: longest line $longest"
		fi
	done
fi

# Width (issue 14): --width=N, else COLUMNS even without a terminal (the mail
# of a cron job), else 100; --width=0 unbounded lines for scripts.
golden sample-80.txt "$bin" --summary --width=80 "$log"
golden sample-120.txt env COLUMNS=120 "$bin" --summary "$log"
golden sample-unbounded.txt "$bin" --summary --width=0 "$log"
# At 80 columns a long cell moves to a line of its own instead of being cut:
# no line ends in "...", and the hosts table keeps its status columns.
count=$((count + 1))
if grep -q '[.][.][.]$' "$here/sample-80.txt" ||
	! grep -q '^  host  *records  *sent  *deferred  *bounced  *expired  *rejected$' "$here/sample-80.txt"; then
	fail "80 columns: a cell was cut or the hosts table lost a column"
fi
# No line is wider than the width in display cells, CJK counted as two
# (wc -L in a UTF-8 locale), on the sample and on a Japanese reply (the
# wording of EZweb's notice, tests/accuracy/sisimai-dev.tsv lhost-ezweb-03).
printf '%s\n' 'Feb 21 09:00:00 mx postfix/smtp[1]: 4F0001: to=<taro@example.jp>, relay=mx.example.jp[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.jp[192.0.2.1] said: 550 5.1.1 送信先メールアドレスが見つかりませんでした。 メールアドレスをご確認の上、再送信してください。 (in reply to RCPT TO command))' >"$work/cjk.log"
for input in "$log" "$work/cjk.log"; do
	for width in 40 60 80 100 120; do
		count=$((count + 1))
		widest=$("$bin" --summary --width=$width "$input" | LC_ALL=C.UTF-8 wc -L)
		[ "$widest" -le "$width" ] || fail "--width=$width on $(basename "$input"): a line of $widest cells"
	done
done
status width-bad 64 "--width takes a number" "$bin" --summary --width=wide "$log"

# Live summaries (issue 14): --interval writes the report so far while the
# input stays open, marked incomplete; the final report is the whole one.
count=$((count + 1))
(cat "$log"; sleep 3) | "$bin" --summary --interval=1s "$log" - >"$work/live.txt" 2>"$work/stderr"
"$bin" --summary "$log" "$log" >"$work/whole.txt"
reports=$(grep -c '^smtpclass summary: ' "$work/live.txt")
partial=$(grep -c '^Incomplete: a report while reading goes on' "$work/live.txt")
awk '/^smtpclass summary: / { n++; out = "" } n == '"${reports:-0}"' { print }' "$work/live.txt" >"$work/last.txt"
if [ "${reports:-0}" -lt 2 ] || [ "$partial" -ne $((reports - 1)) ] ||
	! cmp -s "$work/last.txt" "$work/whole.txt"; then
	fail "--interval=1s: $reports reports, $partial marked incomplete, or the last is not the whole report"
fi
# SIGUSR1 writes the report so far at once, here to --report-file (replaced
# whole: written beside it and renamed), while the pipe stays open and quiet.
count=$((count + 1))
rm -f "$work/fifo" "$work/report.txt"
mkfifo "$work/fifo"
"$bin" --summary --report-file="$work/report.txt" <"$work/fifo" >"$work/live-stdout.txt" 2>&1 &
live_pid=$!
exec 7>"$work/fifo"
cat "$log" >&7
sleep 1
kill -USR1 "$live_pid"
tries=0
while [ ! -s "$work/report.txt" ] && [ "$tries" -lt 100 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
grep -q '^Incomplete: a report while reading goes on' "$work/report.txt" ||
	fail "SIGUSR1: no report so far in --report-file: $(head -c 300 "$work/report.txt" 2>/dev/null)"
exec 7>&-
wait "$live_pid"
live_status=$?
"$bin" --summary "$log" >"$work/whole-one.txt"
if [ "$live_status" -ne 0 ] || [ -s "$work/live-stdout.txt" ] || ! cmp -s "$work/report.txt" "$work/whole-one.txt" ||
	[ -e "$work/report.txt.tmp" ]; then
	fail "--report-file: exit $live_status, stdout $(wc -c <"$work/live-stdout.txt") bytes, or the final report differs"
fi
status interval-zero 64 "--interval takes a time" "$bin" --summary --interval=0 "$log"
status interval-unit 64 "--interval takes a time" "$bin" --summary --interval=5x "$log"
status interval-alone 64 "--interval and --report-file write the report of --summary" "$bin" --interval=1m "$log"
status report-file-merge 64 "--interval and --report-file write the report of --summary" \
	"$bin" --merge --report-file="$work/x" "$here/sample-all.json"

# Errors: a bad summary names the file and the byte, is left out, exit 65.
head -c 200 "$here/sample-all.json" >"$work/truncated.json"
sed 's/"sent": \([0-9]*\),/"sent": "\1",/' "$here/sample-all.json" >"$work/wrong-type.json"
offset=$(grep -bo '"sent": "' "$work/wrong-type.json" | head -n 1 | cut -d: -f1)
status truncated 65 "truncated.json: byte 200: unexpected end of input" \
	"$bin" --merge "$work/truncated.json"
status wrong-type 65 "wrong-type.json: byte $((offset + 8)): totals: expected a count" \
	"$bin" --merge "$work/wrong-type.json"
status bad-and-good 65 "truncated.json: byte 200" \
	"$bin" --merge "$work/truncated.json" "$here/sample-all.json"
count=$((count + 1))
"$bin" --merge --format=json --top=0 "$work/truncated.json" "$here/sample-all.json" \
	2>/dev/null >"$work/partial.json"
cmp -s "$here/sample-all.json" "$work/partial.json" || fail "a bad summary was partly merged"
# A bad summary after a good one in a stream: its offset is in the stream.
size=$(wc -c <"$here/sample-all.json")
cat "$here/sample-all.json" "$work/truncated.json" >"$work/stream-bad.json"
status stream-bad 65 "stream-bad.json: byte $((size + 200)): unexpected end of input" \
	"$bin" --merge "$work/stream-bad.json"
status missing 66 "no-such.json" "$bin" --merge "$work/no-such.json"
# Nothing merged: no report (an empty one would read as a quiet day).
count=$((count + 1))
"$bin" --merge "$work/truncated.json" >"$work/nothing.txt" 2>/dev/null
[ ! -s "$work/nothing.txt" ] || fail "a report was written when no summary could be merged"
# A document that says one thing twice, or contradicts itself (issue 20).
sed 's/"sent": \([0-9]*\),/"sent": \1, "sent": \1,/' "$here/sample-all.json" >"$work/twice.json"
status name-twice 65 "member name given twice" "$bin" --merge "$work/twice.json"
sed 's/^  "records": [0-9]*,/  "records": 1,/' "$here/sample-all.json" >"$work/records.json"
status records-below-totals 65 "count above the document's records" "$bin" --merge "$work/records.json"
status not-json 65 "byte 0: unexpected character" "$bin" --merge "$log"
status top 64 "--top takes" "$bin" --summary --top=x "$log"
status addresses 64 "--addresses takes" "$bin" --addresses=all "$log"
status merge-addresses 64 "no address lists" "$bin" --merge --addresses=remove "$here/sample.json"
status csv 64 "text, json or html" "$bin" --summary --format=csv "$log"
status html-records 64 "--format=html writes the report of --summary" "$bin" --format=html "$log"

# Expired messages are grouped by the last reply of their queue id: two
# expired after the same deferral reply make one group of 2, an expired
# message with no deferral before it a group of its own.
deferral() { # deferral QUEUE_ID REPLY
	printf 'Apr  9 10:00:00 mail postfix/smtp[100]: %s: to=<bob@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, status=deferred (host mx.example.com[192.0.2.1] said: %s (in reply to RCPT TO command))\n' "$1" "$2"
}
expiry() { # expiry QUEUE_ID
	printf 'Apr 10 14:50:16 mail postfix/qmgr[3663]: %s: from=<noreply@domain.com>, status=expired, returned to sender\n' "$1"
}
{
	deferral BACE842E72 '450 4.7.1 Greylisted, try again later'
	deferral BACE842E73 '450 4.7.1 Greylisted, try again later'
	expiry BACE842E72
	expiry BACE842E73
	expiry BACE842E74
} >"$work/expired.log"
count=$((count + 1))
"$bin" --summary --format=json --year=2026 "$work/expired.log" >"$work/expired.json" 2>&1
grep -q '{"template": "450 4.7.1 Greylisted, try again later", "count": 2, "error": 0, "verdict": "hard", "reason": "expired"' "$work/expired.json" ||
	fail "expired messages not grouped by their last reply: $(cat "$work/expired.json")"
count=$((count + 1))
grep -q '{"template": "", "count": 1, "error": 0, "verdict": "hard", "reason": "expired"' "$work/expired.json" ||
	fail "an expired message without a deferral is not a group of its own"

# Files are read oldest first: a glob lists mail.log (newest) before
# mail.log.1, and a success in the newer file must take the recipient off
# the list although its older bounce is read after it on the command line.
printf '2026-12-02T10:00:00Z mx1 postfix/smtp[1]: ABCDEF1201: to=<x@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n' >"$work/mail.log"
printf '2026-12-01T10:00:00Z mx1 postfix/smtp[1]: ABCDEF1200: to=<x@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <x@example.com>: User unknown (in reply to RCPT TO command))\n' >"$work/mail.log.1"
touch -d '2026-12-01 12:00' "$work/mail.log.1"
touch -d '2026-12-02 12:00' "$work/mail.log"
count=$((count + 1))
[ -z "$("$bin" --addresses=remove "$work/mail.log" "$work/mail.log.1")" ] ||
	fail "a recipient delivered in the newer file is listed from the older one"
count=$((count + 1))
[ "$("$bin" --addresses=remove "$work/mail.log.1")" = x@example.com ] ||
	fail "the bounce alone does not list the recipient"

# Names that differ only in bytes the JSON writer replaces (ill-formed
# UTF-8 as U+FFFD) are one name (issue 20, the fuzz_summary findings of
# tests/fuzz/README.md; the regression inputs start with two bytes of the
# fuzzer's options): --merge accepts what --summary -j wrote and gives it
# back unchanged, and merging the merged summary changes nothing either.
for case in refused-own-json-group-domains-x-ff-y-and-x-fe-y \
	merge-not-fixed-point-domains-x-ff-y-and-x-fe-y; do
	count=$((count + 1))
	tail -c +3 "$src/tests/fuzz/regressions/fuzz_summary/$case" >"$work/$case.log"
	if ! "$bin" --summary --format=json "$work/$case.log" >"$work/$case.json" 2>"$work/stderr" ||
		! "$bin" --merge --format=json "$work/$case.json" >"$work/$case.1.json" 2>"$work/stderr" ||
		! "$bin" --merge --format=json "$work/$case.1.json" >"$work/$case.2.json" 2>"$work/stderr"; then
		fail "$case: $(cat "$work/stderr")"
	elif ! cmp -s "$work/$case.1.json" "$work/$case.2.json"; then
		fail "$case: merge(merge(x)) is not merge(x):"
		diff -u "$work/$case.1.json" "$work/$case.2.json" | head -20
	elif ! cmp -s "$work/$case.json" "$work/$case.1.json"; then
		fail "$case: the merge changed the summary:"
		diff -u "$work/$case.json" "$work/$case.1.json" | head -20
	elif ! grep -q '^  "domain_count": 1,$' "$work/$case.json"; then
		fail "$case: two domains for one name: $(grep domain_count "$work/$case.json")"
	fi
done

echo "$count checks, $failures failures"
[ "$failures" -eq 0 ]
