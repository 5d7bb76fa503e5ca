#!/bin/sh
# CLI tests: run the real binary and check output and exit status.
# Usage: run.sh SMTPCLASS SOURCE_DIR
#
# Output formats are compared with files under tests/cli/expected/, made from
# tests/cli/replies.txt (real replies from Sisimai's test set and one line
# that is not a reply).  After a deliberate change of the output (or of the
# text rules), regenerate them from tests/cli and read the diff:
#   for f in text json tsv csv; do
#       smtpclass --format=$f --color=never replies.txt >expected/replies.$f; done
#   for f in tsv csv; do
#       smtpclass --format=$f --header replies.txt >expected/replies-header.$f; done
set -u
bin=$1
src=$2
checks_name=cli
. "$src/tests/checks.sh"
here=$src/tests/cli

esc=$(printf '\033')

status_of() { # status_of COMMAND...: prints the exit status, output discarded
	"$@" >/dev/null 2>&1
	echo $?
}

# ---- Output formats against expected files --------------------------------
# Run from tests/cli so that the source column reads "replies.txt".
run_here() {
	(cd "$here" && "$bin" "$@")
}

for format in text json tsv csv; do
	run_here --format=$format --color=never replies.txt >"$tmp/out.$format" 2>"$tmp/err.$format"
	check "format-$format-status" 0 $?
	check_file "format-$format" "$here/expected/replies.$format" "$tmp/out.$format"
	check_true "format-$format-quiet" is_empty_file "$tmp/err.$format"
done
for format in tsv csv; do
	run_here --format=$format --header replies.txt >"$tmp/header.$format"
	check "header-$format-status" 0 $?
	check_file "header-$format" "$here/expected/replies-header.$format" "$tmp/header.$format"
	# the header is the first line, then the same records
	tail -n +2 "$tmp/header.$format" >"$tmp/header-body.$format"
	check_file "header-$format-body" "$here/expected/replies.$format" "$tmp/header-body.$format"
done
run_here -j replies.txt >"$tmp/out.j"
check_file "json-short-option" "$here/expected/replies.json" "$tmp/out.j"
run_here --json replies.txt >"$tmp/out.j"
check_file "json-long-option" "$here/expected/replies.json" "$tmp/out.j"
# --header is for tsv and csv; JSON Lines stay one object per line
run_here -j --header replies.txt >"$tmp/out.j"
check "json-header-lines" "$(wc -l <"$here/expected/replies.json")" "$(wc -l <"$tmp/out.j")"

# One record per reply line: the line that is not a reply is skipped.
check "records" 7 "$(wc -l <"$here/expected/replies.json")"
check "skipped-line" "" "$(grep '"line":4,' "$here/expected/replies.json")"

# ---- Standard input, '-', CRLF, empty input --------------------------------
sed 's/"source":"replies.txt"/"source":"-"/' "$here/expected/replies.json" >"$tmp/stdin.json"
"$bin" -j <"$here/replies.txt" >"$tmp/out.stdin"
check "stdin-status" 0 $?
check_file "stdin-no-arguments" "$tmp/stdin.json" "$tmp/out.stdin"
"$bin" -j - <"$here/replies.txt" >"$tmp/out.dash"
check_file "stdin-dash" "$tmp/stdin.json" "$tmp/out.dash"
awk '{ printf "%s\r\n", $0 }' "$here/replies.txt" >"$tmp/crlf.txt"
check "crlf-input-made" "$(wc -l <"$here/replies.txt")" "$(grep -c "$(printf '\r')\$" "$tmp/crlf.txt")"
"$bin" -j - <"$tmp/crlf.txt" >"$tmp/out.crlf"
check_file "crlf-input" "$tmp/stdin.json" "$tmp/out.crlf"
: >"$tmp/empty.txt"
"$bin" "$tmp/empty.txt" >"$tmp/out.empty" 2>&1
check "empty-file-status" 0 $?
check_true "empty-file-no-output" is_empty_file "$tmp/out.empty"
"$bin" -j </dev/null >"$tmp/out.empty" 2>&1
check "empty-stdin-status" 0 $?
check_true "empty-stdin-no-output" is_empty_file "$tmp/out.empty"

# ---- -r ---------------------------------------------------------------------
# The text is only an address, so that no text rule refines the codes.
out=$("$bin" -r '550 5.1.1 <a@b.example>' --format=json)
check json-record '{"source":"arg","line":1,"code":550,"enhanced":"5.1.1","class":"Permanent Failure","subject":"Addressing Status","detail":"Bad destination mailbox address","text":"<a@b.example>","verdict":"hard","reason":"userunknown","action":"remove-address","confidence":"medium","rule":"enhanced X.1.1","mismatch":false,"stage":null,"remote_host":null,"remote_ip":null,"time":null,"time_iso":null,"time_unix":null,"host":null,"mta":null,"queue_id":null,"sender":null,"recipient":null,"domain":null,"relay":null,"status":null,"dsn":null,"original_recipient":null,"reporting_mta":null,"message_id":null,"message_subject":null,"list_id":null,"campaign_id":null}' "$out"

out=$("$bin" -j -r '250 2.0.0 Ok' -r '550 5.1.1 x' | sed 's/.*"line":\([0-9]*\),.*"verdict":"\([a-z]*\)".*/\1 \2/' | tr '\n' ' ')
check "several-replies" "1 success 2 hard " "$out"

"$bin" -r 'hello' >"$tmp/out" 2>"$tmp/err"
check not-a-reply 65 $?
check_true "not-a-reply-message" grep -q "hello" "$tmp/err"

out=$("$bin" -j --taxonomy -r '550 5.1.1 <a@b.example>: User unknown')
check_true "taxonomy-json" contains "$out" '"campaign_id":null,"bounce_class":"10 Invalid Recipient","powermta_category":"bad-mailbox","ses_bounce_type":"Permanent","ses_bounce_subtype":"NoEmail"}'
check "taxonomy-header" "bounce_class	powermta_category	ses_bounce_type	ses_bounce_subtype" \
	"$("$bin" --format=tsv --header --taxonomy -r 421 | head -n 1 | cut -f 36-)"
check "no-taxonomy-by-default" 35 "$("$bin" --format=tsv --header -r 421 | head -n 1 | tr '\t' '\n' | wc -l | tr -d ' ')"

# Site rules may carry an example; one that another rule decides is an error.
printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\texample\nfull\tfull\tmailboxfull\t-\t-\t-\t-\tlocal\t552 Mailbox full\nquota\tmailbox full\tsystemfull\t-\t-\t-\t-\tlocal\t552 Mailbox full\n' >"$tmp/shadowed.rules"
check "rules-shadowed-example" 65 "$(status_of "$bin" --rules="$tmp/shadowed.rules" -r 550)"
"$bin" --rules="$tmp/shadowed.rules" -r 550 2>"$tmp/err" >/dev/null
check_true "rules-shadowed-example-message" grep -q "rules:3: the example of rule site quota is decided by site full" "$tmp/err"

# ---- -e: the worst verdict decides ------------------------------------------
check "e-success" 0 "$(status_of "$bin" -e -r '250 2.0.0 Ok: queued as 4BQ2Kp5Xz9z9sWx')"
check "e-intermediate" 0 "$(status_of "$bin" -e -r '354 End data with <CR><LF>.<CR><LF>')"
check "e-soft" 75 "$(status_of "$bin" -e -r '451 4.3.0 Temporary system problem')"
check "e-hard-userunknown" 67 "$(status_of "$bin" -e -r '550 5.1.1 <a@b.example>: User unknown')"
check "e-hard" 69 "$(status_of "$bin" -e -r '554 5.7.1 Service unavailable')"
# Removal needs medium or high confidence (data/actions.tsv, removes_at): the
# bare code and words no rule reads are hard but keep the address.
check "e-bare-550-keeps" 69 "$(status_of "$bin" -e -r '550')"
check "e-unread-550-keeps" 69 "$(status_of "$bin" -e -r '550 Error: SPAM NOT ACCEPTED')"
check "e-hostunknown" 67 "$(status_of "$bin" -e -r 'Host or domain name not found. Name service error for name=example.jp type=A: Host not found')"
check "e-mailbox-full-keeps" 69 "$(status_of "$bin" -e -r '552 5.2.2 <a@b.example>... Mailbox Full')"
check "e-worst-wins" 67 "$(status_of "$bin" -e -r '451 4.3.0 Temporary system problem' -r '550 5.1.1 <a@b.example>: User unknown')"
check "e-worst-wins-reversed" 67 "$(status_of "$bin" -e -r '550 5.1.1 <a@b.example>: User unknown' -r '451 4.3.0 Temporary system problem')"
check "e-soft-over-success" 75 "$(status_of "$bin" -e -r '250 2.0.0 Ok' -r '451 4.3.0 Temporary system problem')"
check "e-file" 67 "$(cd "$here" && status_of "$bin" -e replies.txt)"
check "no-e-file" 0 "$(cd "$here" && status_of "$bin" replies.txt)"
check "no-e-hard" 0 "$(status_of "$bin" -r '550 5.1.1 <a@b.example>: User unknown')"

# ---- Usage errors: 64, a message, no output ---------------------------------
usage_error() { # usage_error NAME ARGUMENTS...
	name=$1
	shift
	"$bin" "$@" >"$tmp/out.usage" 2>"$tmp/err.usage" </dev/null
	check "$name" 64 $?
	check_true "$name-no-output" is_empty_file "$tmp/out.usage"
	check_true "$name-message" test -s "$tmp/err.usage"
}
usage_error usage-unknown-option --no-such-option
usage_error usage-unknown-short-option -Z
usage_error usage-format-xml --format=xml
usage_error usage-color-sometimes --color=sometimes
usage_error usage-reply-and-file -r '550 x' "$here/replies.txt"
usage_error usage-missing-argument -r
usage_error usage-unknown-stage --stage=quit -r '550 x'

# ---- --help, --version ------------------------------------------------------
"$bin" --help >"$tmp/out.help" 2>"$tmp/err.help"
check help-status 0 $?
check_true help-usage grep -q '^Usage: smtpclass' "$tmp/out.help"
check_true help-quiet is_empty_file "$tmp/err.help"
out=$("$bin" --version)
check version-status 0 $?
case $out in
"smtpclass "[0-9]*.[0-9]*.[0-9]*) version_ok=yes ;;
*) version_ok=no ;;
esac
check "version [$out]" yes "$version_ok"
check version-short "$out" "$("$bin" -V)"

# ---- Files: a missing one among readable ones --------------------------------
printf '550 5.1.1 <a@b.example>: User unknown\n' >"$tmp/one.txt"
"$bin" -j "$tmp/one.txt" "$tmp/missing.txt" "$tmp/one.txt" >"$tmp/out.missing" 2>"$tmp/err.missing"
check missing-file 66 $?
check missing-file-others-read 2 "$(wc -l <"$tmp/out.missing")"
check_true missing-file-named grep -q "missing.txt" "$tmp/err.missing"
check missing-file-one-message 1 "$(wc -l <"$tmp/err.missing")"
"$bin" -e -j "$tmp/missing.txt" "$tmp/one.txt" >/dev/null 2>&1
check missing-file-beats-e 66 $?

# ---- Compressed and binary inputs -------------------------------------------
# Rotated logs are compressed: the records of each format are those of the
# plain log (the file name aside), concatenated streams are read one after
# the other, truncated or corrupt data is reported (exit 65) after the
# records before it, and a binary file is refused unless -a.
log=$src/examples/sample-mail.log
"$bin" --all -j "$log" | sed 's/"source":"[^"]*"//' >"$tmp/plain.jsonl"
cat "$log" "$log" | "$bin" --all -j | sed 's/"source":"[^"]*"//' >"$tmp/plain2.jsonl"
decompresses=$("$bin" --version | sed -n 's/^decompresses: //p')
for format in gzip:gz bzip2:bz2 xz:xz zstd:zst; do
	tool=${format%%:*}
	suffix=${format#*:}
	case " $decompresses " in
	*" $tool "*) ;;
	*)
		skip "compressed-$tool" "this build does not decompress $tool"
		continue
		;;
	esac
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "compressed-$tool" "no $tool command to compress the test input"
		continue
	fi
	"$tool" -c <"$log" >"$tmp/log.$suffix" 2>/dev/null
	"$bin" --all -j "$tmp/log.$suffix" >"$tmp/out.$suffix" 2>"$tmp/err.$suffix"
	check compressed-$tool-status 0 $?
	sed 's/"source":"[^"]*"//' "$tmp/out.$suffix" >"$tmp/records.$suffix"
	check_file compressed-$tool-records "$tmp/plain.jsonl" "$tmp/records.$suffix"
	check compressed-$tool-source-named "$(wc -l <"$tmp/out.$suffix" | tr -d ' ')" "$(grep -c "\"source\":\"$tmp/log.$suffix\"" "$tmp/out.$suffix")"
	{ "$tool" -c <"$log"; "$tool" -c <"$log"; } 2>/dev/null | "$bin" --all -j >"$tmp/out2.$suffix"
	check compressed-$tool-pipe-status 0 $?
	sed 's/"source":"[^"]*"//' "$tmp/out2.$suffix" >"$tmp/records2.$suffix"
	check_file compressed-$tool-concatenated "$tmp/plain2.jsonl" "$tmp/records2.$suffix"
	size=$(wc -c <"$tmp/log.$suffix")
	head -c $((size / 2)) "$tmp/log.$suffix" >"$tmp/half.$suffix"
	"$bin" --all -j "$tmp/half.$suffix" >"$tmp/out.half" 2>"$tmp/err.half"
	check compressed-$tool-truncated-status 65 $?
	check compressed-$tool-truncated-message "smtpclass: $tmp/half.$suffix: the compressed data is truncated" "$(cat "$tmp/err.half")"
	check_true compressed-$tool-truncated-records-before test "$(wc -l <"$tmp/out.half")" -lt "$(wc -l <"$tmp/plain.jsonl")"
done
if [ -x /bin/ls ]; then
	"$bin" /bin/ls >"$tmp/out.binary" 2>"$tmp/err.binary"
	check binary-file-status 65 $?
	check binary-file-message "smtpclass: /bin/ls: binary file, not a mail log (-a reads it as text)" "$(cat "$tmp/err.binary")"
	check_true binary-file-no-output is_empty_file "$tmp/out.binary"
	"$bin" -a /bin/ls >/dev/null 2>"$tmp/err.binary"
	check binary-file-text-option 0 $?
	"$bin" /bin/ls "$log" >"$tmp/out.binary" 2>/dev/null
	check binary-file-others-read "$(wc -l <"$tmp/plain.jsonl" | tr -d ' ')" "$("$bin" --all /bin/ls "$log" 2>/dev/null | wc -l | tr -d ' ')"
fi
# An input with no outcome and no reply at all says so (a wrong file, an
# unknown format), with the status unchanged; --stats gives the counts.
printf 'hello\nworld\n' >"$tmp/words.txt"
"$bin" "$tmp/words.txt" >"$tmp/out.words" 2>"$tmp/err.words"
check no-record-status 0 $?
check no-record-hint "smtpclass: $tmp/words.txt: 0 of 2 lines were delivery outcomes or replies; see --stats" "$(cat "$tmp/err.words")"
# Per input: the mail log beside it gives records, the word file the hint.
"$bin" "$tmp/words.txt" "$log" 2>"$tmp/err.words" >/dev/null
check no-record-hint-per-input "smtpclass: $tmp/words.txt: 0 of 2 lines were delivery outcomes or replies; see --stats" "$(cat "$tmp/err.words")"
"$bin" --stats "$tmp/words.txt" 2>&1 >/dev/null | grep -c 'were delivery outcomes' >"$tmp/count.words"
check no-record-hint-not-with-stats 0 "$(cat "$tmp/count.words")"
"$bin" "$log" 2>"$tmp/err.words" >/dev/null
check no-hint-with-records "" "$(cat "$tmp/err.words")"
# A few NUL bytes and Latin-1 words do not make a log binary.
printf 'Nov 27 21:57:04 mx postfix/smtp[1]: 1A2B3C: to=<a@b.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 caf\351 unknown\000)\n' >"$tmp/nul.log"
"$bin" "$tmp/nul.log" >"$tmp/out.nul" 2>&1
check text-with-nul-status 0 $?
check text-with-nul-records 1 "$(wc -l <"$tmp/out.nul" | tr -d ' ')"

# ---- journald's formats ----------------------------------------------------------
# tests/logs/journal/out.FORMAT: what journalctl -o FORMAT writes for one
# journal (built by systemd-journal-remote, see make.sh).  Every format gives
# the records of the others (time and position aside); the line formats show
# a message that is not UTF-8 as "[N blob data]", json, json-seq and export
# give its bytes, so they have one record more.
journal=$src/tests/logs/journal
records_of() { # the records of a file, without source, line and the time columns
	"$bin" --all --format=tsv --header "$1" | awk -F '\t' '
		NR == 1 { for (i = 1; i <= NF; i++) keep[i] = $i != "source" && $i != "line" && $i != "time" && $i != "time_iso" && $i != "time_unix"; next }
		{ out = ""; for (i = 1; i <= NF; i++) if (keep[i]) out = out $i "\t"; print out }'
}
records_of "$journal/out.short" >"$tmp/journal.short"
records_of "$journal/out.json" >"$tmp/journal.json"
check_true journal-short-has-records test "$(wc -l <"$tmp/journal.short")" -gt 30
for format in short-iso short-iso-precise short-precise verbose; do
	records_of "$journal/out.$format" >"$tmp/journal.$format"
	check_file journal-$format "$tmp/journal.short" "$tmp/journal.$format"
done
for format in json-seq export; do
	records_of "$journal/out.$format" >"$tmp/journal.$format"
	check_file journal-$format "$tmp/journal.json" "$tmp/journal.$format"
done
check journal-json-has-the-binary-message 1 "$(grep -c 'adresse inconnue, caf' "$tmp/journal.json")"
grep -v 'adresse inconnue, caf' "$tmp/journal.json" >"$tmp/journal.json-text"
check_file journal-json-as-short "$tmp/journal.short" "$tmp/journal.json-text"
check journal-json-time "2026-11-27T14:37:04.000999+00:00" "$("$bin" -j "$journal/out.json" | sed -n 's/.*"time_iso":"\([^"]*\)".*adresse.*/\1/p; s/.*adresse inconnue.*"time_iso":"\([^"]*\)".*/\1/p' | head -n 1)"
for format in short-unix short-full short-monotonic with-unit; do
	records_of "$journal/out.$format" >"$tmp/journal.$format"
	check_file journal-$format "$tmp/journal.short" "$tmp/journal.$format"
done
# The same instant from every format that gives one.
for format in short-iso short-iso-precise short-unix short-full json export verbose; do
	check "journal-$format-time" 1771002396 "$("$bin" -j "$journal/out.$format" | head -n 1 | sed 's/.*"time_unix":\([0-9]*\).*/\1/')"
done

# ---- Time -------------------------------------------------------------------------
# Syslog stamps carry no year: it comes from the file's date, a year earlier
# for stamps after that date, and one more after December -> January.
{
	printf 'Dec 31 23:59:58 mx postfix/smtp[1]: 4F3A21C0D1: to=<a@b.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 unknown)\n'
	printf 'Jan  1 00:00:03 mx postfix/smtp[1]: 4F3A21C0D2: to=<c@b.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 unknown)\n'
	printf 'Jan 1 00:00:04 mx postfix/smtp[1]: 4F3A21C0D3: to=<d@b.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 unknown)\n'
} >"$tmp/newyear.log"
touch -d '2027-01-02 12:00:00' "$tmp/newyear.log"
TZ=UTC "$bin" -j "$tmp/newyear.log" | sed -n 's/.*"time_iso":"\([^"]*\)","time_unix":\([0-9.]*\).*/\1 \2/p' >"$tmp/newyear.out"
check time-new-year "2026-12-31T23:59:58+00:00 1798761598
2027-01-01T00:00:03+00:00 1798761603
2027-01-01T00:00:04+00:00 1798761604" "$(cat "$tmp/newyear.out")"
check time-new-year-forced "2024-12-31T23:59:58+00:00" "$(TZ=UTC "$bin" -j --year=2024 "$tmp/newyear.log" | head -n 1 | sed 's/.*"time_iso":"\([^"]*\)".*/\1/')"
printf 'Feb 31 10:00:00 mx postfix/smtp[1]: 4F3A21C0D4: to=<a@b.example>, relay=none, delay=1, dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 unknown)\n' >"$tmp/feb31.log"
check time-impossible-date-null 1 "$("$bin" -j --year=2026 "$tmp/feb31.log" | grep -c '"time_iso":null,"time_unix":null')"
# Offsets are kept, written as +hh:mm; Exim's zone is honoured.
printf '2020-06-20 02:32:57 -0200 1jmQ2X-0004bZ-Pq ** a@b.example R=dnslookup T=remote_smtp H=mx.b.example [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<a@b.example>: 550 5.1.1 unknown\n' >"$tmp/exim-zone.log"
check time-exim-zone "2020-06-20T02:32:57-02:00 1592627577" "$("$bin" -j "$tmp/exim-zone.log" | sed -n 's/.*"time_iso":"\([^"]*\)","time_unix":\([0-9.]*\).*/\1 \2/p')"

# ---- Write errors and closed pipes ----------------------------------------
if [ -w /dev/full ]; then
	"$bin" -r '550 5.1.1 <a@b.example>: User unknown' >/dev/full 2>"$tmp/err.full"
	check full-disk 74 $?
	check_true full-disk-message grep -q 'No space left' "$tmp/err.full"
	"$bin" "$here/replies.txt" >/dev/full 2>"$tmp/err.full"
	check full-disk-file 74 $?
	check_true full-disk-file-message grep -q 'No space left' "$tmp/err.full"
fi

# A reader that goes away: the run ends quietly (SIGPIPE, or EPIPE handled).
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "550 5.1.1 <user%d@example.com>: Recipient address rejected: User unknown\n", i }' >"$tmp/big.txt"
{ "$bin" "$tmp/big.txt" 2>"$tmp/err.pipe"; echo $? >"$tmp/status.pipe"; } | head -c1 >/dev/null
check closed-pipe-quiet "" "$(cat "$tmp/err.pipe")"
case $(cat "$tmp/status.pipe") in
0 | 141 | 269) pipe_status=ok ;; # success, or killed by SIGPIPE (bash, ksh)
*) pipe_status="status $(cat "$tmp/status.pipe")" ;;
esac
check closed-pipe-status ok "$pipe_status"
# The same with SIGPIPE ignored (as under some supervisors and CI runners):
# the write fails with EPIPE, which README says "ends quietly".
(
	trap '' PIPE
	{ "$bin" "$tmp/big.txt" 2>"$tmp/err.epipe"; echo $? >"$tmp/status.epipe"; } | head -c1 >/dev/null
)
known_bug closed-pipe-ignored-sigpipe-quiet "" "$(cat "$tmp/err.epipe")"

# ---- Colour -------------------------------------------------------------------
out=$(NO_COLOR=1 "$bin" --color=auto -r '550 5.1.1 <a@b.example>: User unknown')
check_true no-color-auto eval '! contains "$out" "$esc"'
out=$("$bin" --color=auto -r '550 5.1.1 <a@b.example>: User unknown')
check_true color-auto-not-a-tty eval '! contains "$out" "$esc"'
out=$("$bin" --color=always -r '550 5.1.1 <a@b.example>: User unknown')
check_true color-always contains "$out" "$esc"
out=$(NO_COLOR=1 "$bin" --color=always -r '550 5.1.1 <a@b.example>: User unknown')
check_true color-always-beats-no-color contains "$out" "$esc"
out=$("$bin" --color=never -r '550 5.1.1 <a@b.example>: User unknown')
check_true color-never eval '! contains "$out" "$esc"'
out=$("$bin" --color=always -j -r '550 5.1.1 <a@b.example>: User unknown')
check_true color-never-in-json eval '! contains "$out" "$esc"'

# ---- The wrapped examples of issue 11, through -r and through a file -------
# code, enhanced, stage and verdict of each, one per line.
cat >"$tmp/wrapped.txt" <<'WRAPPED'
host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)
SMTP error from remote mail server after RCPT TO:<bob@example.com>: host mx.example.com [192.0.2.1]: 550 5.1.1 No such user here
SMTP error from remote mail server after end of data: 552 5.3.4 Message size exceeds fixed limit
192.0.2.153 does not like recipient. Remote host said: 550 5.2.1 <bob@example.jp>... User Unknown Giving up on 192.0.2.153.
... while talking to mx.example.jp.: >>> DATA <<< 550 5.7.1 Delivery not authorized
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'
WRAPPED
wrapped_facts() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ print $c["code"] "/" $c["enhanced"] "/" $c["stage"] "/" $c["verdict"] }' | tr '\n' ' '
}
wrapped_want='452/4.2.2/rcpt/soft 550/5.1.1/rcpt/hard 552/5.3.4/eod/hard 550/5.2.1/rcpt/hard 550/5.7.1/data/hard 550/5.1.10//hard '
set --
while IFS= read -r text; do
	set -- "$@" -r "$text"
done <"$tmp/wrapped.txt"
check "wrapped-examples-reply" "$wrapped_want" "$("$bin" --format=tsv --header "$@" | wrapped_facts)"
check "wrapped-examples-file" "$wrapped_want" "$("$bin" --format=tsv --header "$tmp/wrapped.txt" | wrapped_facts)"

checks_report
