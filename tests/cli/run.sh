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
#   for f in text tsv csv; do
#       smtpclass --format=$f --header replies.txt >expected/replies-header.$f; done
# The --describe and --list-* goldens come from data/ (a section below checks
# them against the TSV files):
#   smtpclass --describe 550 >expected/describe-550.txt
#   smtpclass --describe 5.7.26 >expected/describe-5.7.26.txt
#   smtpclass -j --describe '421 4.7.0' >expected/describe-421-4.7.0.json
#   for l in reasons actions mtas; do smtpclass --list-$l >expected/list-$l.txt
#       smtpclass -j --list-$l >expected/list-$l.json; done
#   smtpclass -H replies.txt >expected/replies-H.text
#   for f in text json tsv csv; do smtpclass --format=$f --header \
#       --fields=line,verdict,code,reason,text,queue_id replies.txt >expected/fields.$f; done
# and the log-mode text from examples/ (run from the source tree):
#   smtpclass --color=never --header examples/sample-mail.log \
#       >tests/cli/expected/sample-mail-header.text
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
for format in text tsv csv; do
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

# --fields: the keys named, in order, in every format; an unknown one is
# a usage error that lists the keys.
for format in text json tsv csv; do
	run_here --format=$format --header --fields=line,verdict,code,reason,text,queue_id \
		replies.txt >"$tmp/fields.$format"
	check_file "fields-$format" "$here/expected/fields.$format" "$tmp/fields.$format"
done
check "fields-unknown-status" 64 "$(status_of "$bin" --fields=verdict,nosuchkey -r 550)"
check_true "fields-unknown-lists-keys" contains "$("$bin" --fields=nosuchkey -r 550 2>&1)" \
	"source,line,code"
check "fields-empty-name" 64 "$(status_of "$bin" --fields=code,,verdict -r 550)"
check "fields-repeat" "550,550" "$("$bin" --format=csv --fields=code,code -r 550)"

# File names in the text format, as grep: only for more than one input
# unless -H or --no-filename says otherwise.
run_here -H replies.txt >"$tmp/out.H"
check_file "with-filename-one-input" "$here/expected/replies-H.text" "$tmp/out.H"
run_here --with-filename replies.txt >"$tmp/out.H"
check_file "with-filename-long" "$here/expected/replies-H.text" "$tmp/out.H"
cat "$here/expected/replies-H.text" "$here/expected/replies-H.text" >"$tmp/want.two"
run_here replies.txt replies.txt >"$tmp/out.two"
check_file "filenames-two-inputs" "$tmp/want.two" "$tmp/out.two"
cat "$here/expected/replies.text" "$here/expected/replies.text" >"$tmp/want.none"
run_here --no-filename replies.txt replies.txt >"$tmp/out.none"
check_file "no-filename-two-inputs" "$tmp/want.none" "$tmp/out.none"
run_here -H --no-filename replies.txt >"$tmp/out.none"
check_file "no-filename-last-wins" "$here/expected/replies.text" "$tmp/out.none"
check "stdin-no-name" "$(head -n 1 "$here/expected/replies.text")" \
	"$("$bin" --color=never <"$here/replies.txt" | head -n 1)"
# -q: nothing on stdout, the same exit status (with -e the verdict's).
for format in text json tsv csv; do
	check "quiet-$format-empty" "" "$(run_here -q --header --format=$format replies.txt)"
done
check "quiet-long-empty" "" "$(run_here --quiet replies.txt)"
check "quiet-exit-status" "$(status_of run_here -e replies.txt)" "$(status_of run_here -q -e replies.txt)"
check "quiet-exit-status-soft" 75 "$(status_of "$bin" -q -e -r '421 4.7.0 try later')"
check "quiet-reply-empty" "" "$("$bin" -q -e -r '550 5.1.1 no such user')"
check "quiet-summary-empty" "" "$(run_here -q --summary replies.txt)"

# Log mode text: time, queue id, verdict, codes, reason, action, status,
# recipient (the client for a reject), reply text; --header names them.
(cd "$src" && "$bin" --color=never --header examples/sample-mail.log) >"$tmp/log.text"
check_file "log-text-header" "$here/expected/sample-mail-header.text" "$tmp/log.text"
(cd "$src" && "$bin" --color=never examples/sample-mail.log) >"$tmp/log-body.text"
tail -n +2 "$here/expected/sample-mail-header.text" >"$tmp/want-body.text"
check_file "log-text" "$tmp/want-body.text" "$tmp/log-body.text"
# A NUL in a reply is written as U+FFFD in JSON, not \u0000, which a reader
# in C (rsyslog's libfastjson) takes for the end of the string (issue 20).
printf '550 5.1.1 a\000b\n' | "$bin" -j >"$tmp/nul.json"
check "json-nul" "1 0" \
	"$(grep -c "a$(printf '\357\277\275')b" "$tmp/nul.json") $(grep -c 'u0000' "$tmp/nul.json")"
# (--rsyslog writes its JSON with the same escaping.)

# With -H the header still comes first, unprefixed, and the first record
# keeps its FILE:LINE: (the header was written after that prefix).
(cd "$src" && "$bin" --color=never --header -H examples/sample-mail.log) >"$tmp/log-H.text"
check "log-text-header-H" "$(head -n 1 "$here/expected/sample-mail-header.text")" \
	"$(head -n 1 "$tmp/log-H.text")"
check "log-text-header-H-first" "examples/sample-mail.log:2: " \
	"$(sed -n 2p "$tmp/log-H.text" | cut -c1-28)"
# Columns stay put: with syslog stamps the verdict starts at column 29 on
# every line (an RFC 3339 stamp is wider, the same on every line of its log).
check "log-text-columns" "" "$(grep -E '^[A-Z][a-z]{2} [ 0-9][0-9] ' "$tmp/log.text" |
	cut -c29-36 | grep -v -E '^(hard|soft|success|unknown) +$')"
check_true "log-text-columns-seen" test "$(grep -c -E '^[A-Z][a-z]{2} [ 0-9][0-9] ' "$tmp/log.text")" -gt 20
# On a terminal, lines are cut to COLUMNS with "..."; a pipe gets them whole.
if command -v script >/dev/null 2>&1; then
	COLUMNS=60 script -qec "'$bin' --color=never '$src/examples/sample-mail.log'" /dev/null |
		tr -d '\r' >"$tmp/tty.text"
	check "tty-cut-width" "" "$(awk 'length($0) > 60' "$tmp/tty.text")"
	check "tty-cut-marker" "$(wc -l <"$tmp/log-body.text" | tr -d ' ')" \
		"$(grep -c '\.\.\.$' "$tmp/tty.text")"
	COLUMNS=60 script -qec "'$bin' --color=never --explain '$src/examples/sample-mail.log'" /dev/null |
		tr -d '\r' >"$tmp/tty-explain.text"
	(cd "$src" && "$bin" --color=never --explain examples/sample-mail.log) |
		grep '^    text: ' >"$tmp/pipe-explain.text"
	grep '^    text: ' "$tmp/tty-explain.text" >"$tmp/tty-explain-texts.text"
	check_file "tty-explain-full-text" "$tmp/pipe-explain.text" "$tmp/tty-explain-texts.text"
else
	skip tty-cut "script(1) is missing"
fi

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

# ---- Every exit status: one row each ----------------------------------------
# NAME, the status, and the command (run by eval from tests/cli, with $bin and
# $tmp set).  Errors are sysexits; the -e verdict statuses (0, 67, 68, 69, 75)
# are none of the error statuses, so a script tells them apart.  70 (internal
# error), 71 (out of memory) and 3 (an --addresses list past its bound of
# 16,777,216 recipients) cannot be caused from here in reasonable time.
printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\texample\nbad\n' >"$tmp/broken.rules"
printf '{"not":"a summary"}\n' >"$tmp/not-summary.json"
while IFS='	' read -r name expected command; do
	case $name in '' | '#'*) continue ;; esac
	check "status-$name" "$expected" "$(cd "$here" && eval "status_of $command" </dev/null)"
done <<'EOF_STATUSES'
# errors
done	0	"$bin" replies.txt
usage	64	"$bin" --no-such-option
not-a-reply	65	"$bin" -r 'hello there'
bad-rules	65	"$bin" --rules="$tmp/broken.rules" -r 550
bad-merge	65	"$bin" --merge "$tmp/not-summary.json"
binary-input	65	"$bin" /bin/ls
missing-file	66	"$bin" "$tmp/no-such-file"
write-error	74	sh -c 'exec "$0" -r 550 >/dev/full' "$bin"
# an error wins over -e
e-not-a-reply	65	"$bin" -e -r 'hello there' -r '550 5.1.1 <a@b.example>: User unknown'
e-bad-rules	65	"$bin" -e --rules="$tmp/broken.rules" -r 550
e-missing-file	66	"$bin" -e "$tmp/no-such-file" replies.txt
# -e: the worst verdict decides
e-success	0	"$bin" -e -r '250 2.0.0 Ok: queued as 4BQ2Kp5Xz9z9sWx'
e-intermediate	0	"$bin" -e -r '354 End data with <CR><LF>.<CR><LF>'
e-no-record	0	"$bin" -e /dev/null
e-unknown	68	"$bin" -e -r 'mailbox unavailable'
e-soft	75	"$bin" -e -r '451 4.3.0 Temporary system problem'
e-hard	69	"$bin" -e -r '554 5.7.1 Service unavailable'
e-hard-userunknown	67	"$bin" -e -r '550 5.1.1 <a@b.example>: User unknown'
# removal needs medium or high confidence (data/actions.tsv, removes_at): the
# bare code and words no rule reads are hard but keep the address
e-bare-550-keeps	69	"$bin" -e -r '550'
e-unread-550-keeps	69	"$bin" -e -r '550 Sorry, that cannot be done'
e-spam-550-keeps	69	"$bin" -e -r '550 Error: SPAM NOT ACCEPTED'
e-hostunknown	67	"$bin" -e -r 'Host or domain name not found. Name service error for name=example.jp type=A: Host not found'
e-mailbox-full-keeps	69	"$bin" -e -r '552 5.2.2 <a@b.example>... Mailbox Full'
e-worst-wins	67	"$bin" -e -r '451 4.3.0 Temporary system problem' -r '550 5.1.1 <a@b.example>: User unknown'
e-worst-wins-reversed	67	"$bin" -e -r '550 5.1.1 <a@b.example>: User unknown' -r '451 4.3.0 Temporary system problem'
e-soft-over-unknown	75	"$bin" -e -r 'mailbox unavailable' -r '451 4.3.0 Temporary system problem'
e-soft-over-success	75	"$bin" -e -r '250 2.0.0 Ok' -r '451 4.3.0 Temporary system problem'
e-file	67	"$bin" -e replies.txt
no-e-hard	0	"$bin" -r '550 5.1.1 <a@b.example>: User unknown'
no-e-unknown	0	"$bin" -r 'mailbox unavailable'
EOF_STATUSES

# ---- Usage errors: 64, a message, no output ---------------------------------
usage_error() { # usage_error NAME ARGUMENTS...
	name=$1
	shift
	"$bin" "$@" >"$tmp/out.usage" 2>"$tmp/err.usage" </dev/null
	check "$name" 64 $?
	check_true "$name-no-output" is_empty_file "$tmp/out.usage"
	check_true "$name-message" test -s "$tmp/err.usage"
	check_true "$name-says-smtpclass" eval '! grep -qv "^smtpclass: " "$tmp/err.usage"'
}
usage_error usage-unknown-option --no-such-option
usage_error usage-unknown-short-option -Z
usage_error usage-format-xml --format=xml
usage_error usage-color-sometimes --color=sometimes
usage_error usage-reply-and-file -r '550 x' "$here/replies.txt"
usage_error usage-missing-argument -r
usage_error usage-unknown-stage --stage=quit -r '550 x'

# Every message opens with "smtpclass:", getopt's too (opterr is off).
usage_message() { # usage_message NAME MESSAGE ARGUMENTS...
	name=$1
	message=$2
	shift 2
	usage_error "$name" "$@"
	check "$name-text" "smtpclass: $message" "$(head -n 1 "$tmp/err.usage")"
}
usage_message message-unknown-long "unknown or ambiguous option '--no-such-option'" --no-such-option=1
usage_message message-unknown-short "unknown option -Z" -jZ
usage_message message-missing-short "option -r needs an argument" -r
usage_message message-missing-long "option --reply needs an argument: --reply=REPLY" --reply
usage_message message-no-argument "option --json takes no argument" --json=yes
# Options that would do nothing in a combination are refused.
usage_message idle-explain-json "--explain is for the text format: it does nothing with --format=json" --explain -j -r 550
usage_message idle-explain-summary "--explain shows the evidence for each record: it does nothing with --summary" --explain --summary
usage_message idle-taxonomy-text "--taxonomy adds columns to json, tsv and csv; the text format shows the taxonomy with --explain" --taxonomy -r 550
usage_message idle-rsyslog-summary "--rsyslog answers each line rsyslog passes it: it writes no summary" --rsyslog --summary
usage_message idle-rsyslog-files "--rsyslog reads standard input only: no -r and no files" --rsyslog replies.txt
usage_message idle-top "--top is for summary mode (--summary)" --top=5 replies.txt
usage_message idle-all-reply "--all and --mta are for logs: -r classifies replies" --all -r 550
check "taxonomy-with-explain" 0 "$(status_of "$bin" --taxonomy --explain -r 550)"

# Hints: a missing file whose name is a reply or a code, and the value of
# an option with an optional value given after a space.
(cd "$tmp" && "$bin" 550 2>"$tmp/err.hint" >/dev/null)
check hint-reply-status 66 $?
check hint-reply "smtpclass: 550: No such file or directory
smtpclass: to classify a reply, give it with -r: smtpclass -r '550'" "$(cat "$tmp/err.hint")"
(cd "$tmp" && "$bin" 5.7.26 2>"$tmp/err.hint" >/dev/null)
check hint-enhanced "smtpclass: to classify a reply, give it with -r: smtpclass -r '5.7.26'" "$(tail -n 1 "$tmp/err.hint")"
(cd "$tmp" && "$bin" --color always 2>"$tmp/err.hint" >/dev/null)
check hint-color "smtpclass: always: No such file or directory
smtpclass: an option's value goes after '=': --color=always" "$(cat "$tmp/err.hint")"
(cd "$tmp" && "$bin" no-such.log 2>"$tmp/err.hint" >/dev/null)
check hint-none "smtpclass: no-such.log: No such file or directory" "$(cat "$tmp/err.hint")"

# ---- --describe and --list-*: goldens, and the data tables they come from ----
# the rows of a TSV file of data/ (comments and the header left out)
data_rows() { grep -v '^#' "$src/data/$1" | tail -n +2; }
"$bin" --describe 550 >"$tmp/describe" 2>&1
check describe-basic-status 0 $?
check_file describe-basic "$here/expected/describe-550.txt" "$tmp/describe"
"$bin" --describe 5.7.26 >"$tmp/describe" 2>&1
check_file describe-enhanced "$here/expected/describe-5.7.26.txt" "$tmp/describe"
"$bin" -j --describe '421 4.7.0' >"$tmp/describe" 2>&1
check_file describe-both-json "$here/expected/describe-421-4.7.0.json" "$tmp/describe"
for list in reasons actions mtas; do
	"$bin" --list-$list >"$tmp/list" 2>&1
	check list-$list-status 0 $?
	check_file list-$list "$here/expected/list-$list.txt" "$tmp/list"
	"$bin" -j --list-$list >"$tmp/list" 2>&1
	check_file list-$list-json "$here/expected/list-$list.json" "$tmp/list"
done
# --explain names the codes as the registries do
"$bin" --explain -r '550 5.7.26 multiple checks failed' >"$tmp/explain"
check explain-code-meaning "    code: 550 $(data_rows basic-codes.tsv | awk -F'\t' '$1 == 550 { print $2 }')" "$(sed -n 2p "$tmp/explain")"
check explain-enhanced-names "    enhanced: 5.7.26 Security or Policy Status: Multiple authentication checks failed" "$(sed -n 3p "$tmp/explain")"
check describe-not-a-code 65 "$(status_of "$bin" --describe 'hello')"
usage_error describe-with-files --describe 550 "$here/replies.txt"
usage_error describe-tsv --describe 550 --format=tsv
usage_error list-with-reply --list-reasons -r 550
usage_error describe-explain --describe 550 --explain
usage_error list-exit-status --list-mtas -e
check describe-rules-apply 0 "$(status_of "$bin" --no-site-rules --stage=rcpt --describe 552)"
check describe-stage "reason:     exceedlimit: A limit was exceeded (recipient's size limit, too many recipients)." "$("$bin" --stage=rcpt --describe 552 | grep '^reason:')"
# data/stage-reasons.tsv: after DATA "user unknown" is a filter speaking,
# unless the server says X.1.1 itself or a provider documents the reply
# (Yahoo answers an unknown account after the message).
reason_at() { "$bin" --no-site-rules --fields=reason --stage="$1" -r "$2"; }
check stage-eod-user-unknown filtered "$(reason_at eod '550 User unknown')"
check stage-eod-x11-kept userunknown "$(reason_at eod '550 5.1.1 <bob@example.com>: User unknown')"
check stage-eod-provider-kept userunknown "$(reason_at eod "554 delivery error: dd This user doesn't have a yahoo.com account (testing123@yahoo.com) [-5] - mta123.mail.mud.yahoo.com")"
check stage-mail-x11-sender rejected "$(reason_at mail '550 5.1.1 <bob@example.com>: User unknown')"
data_rows reasons.tsv | awk -F'\t' '{ printf "%-18s %s\n", $1, $4 }' >"$tmp/want"
check_file list-reasons-are-data "$tmp/want" "$here/expected/list-reasons.txt"
data_rows actions.tsv | awk -F'\t' '{ printf "%-18s %s\n", $1, $3 }' >"$tmp/want"
check_file list-actions-are-data "$tmp/want" "$here/expected/list-actions.txt"
# every basic code: its meanings (one line each) and references
data_rows basic-codes.tsv >"$tmp/rows" # read in this shell, so that the counts stay
while IFS='	' read -r code meaning _ _ _ _ reference; do
	"$bin" --describe "$code" >"$tmp/describe"
	got=$(sed -n '/^meaning:/,/^reference:/p' "$tmp/describe" | sed '$d' | cut -c13- |
		awk 'NR > 1 { printf " | " } { printf "%s", $0 }')
	check "describe-$code-meaning" "$meaning" "$got"
	check "describe-$code-reference" "reference:  $reference" "$(grep '^reference:' "$tmp/describe")"
done <"$tmp/rows"
# every enhanced code: the IANA subject and detail names and the reference
data_rows enhanced-codes.tsv >"$tmp/rows"
while IFS='	' read -r code subject detail _ _ reference; do
	"$bin" --describe "5${code#X}" >"$tmp/describe"
	check "describe-$code-names" "subject:    $subject
detail:     $detail
reference:  $reference" "$(sed -n '/^subject:/,/^reference:/p' "$tmp/describe")"
done <"$tmp/rows"

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
# On a terminal (script(1) makes one): TERM=dumb has no colour.
if command -v script >/dev/null 2>&1; then
	out=$(TERM=xterm script -qec "$bin --color=auto -r 550" /dev/null </dev/null)
	check_true color-auto-tty contains "$out" "$esc"
	out=$(TERM=dumb script -qec "$bin --color=auto -r 550" /dev/null </dev/null)
	check_true color-auto-term-dumb eval '! contains "$out" "$esc"'
fi
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

# ---- --direction: one side, in every mode ---------------------------------
# in: the rejects this server sent; out: everything else.  The two sides
# add up to all records.
log=$src/examples/sample-mail.log
"$bin" --all --format=tsv --fields=status "$log" >"$tmp/dir.all"
"$bin" --all --format=tsv --fields=status --direction=in "$log" >"$tmp/dir.in"
"$bin" --all --format=tsv --fields=status --direction=out "$log" >"$tmp/dir.out" 2>"$tmp/dir.err"
check "direction-in-only-rejects" "rejected" "$(sort -u "$tmp/dir.in")"
check "direction-out-no-rejects" "" "$(grep rejected "$tmp/dir.out")"
check_true "direction-in-some" test -s "$tmp/dir.in"
check "direction-sides-add-up" "$(wc -l <"$tmp/dir.all")" \
	"$(($(wc -l <"$tmp/dir.in") + $(wc -l <"$tmp/dir.out")))"
"$bin" --all --stats --direction=out "$log" 2>&1 >/dev/null | grep 'left out by --direction' >"$tmp/dir.stats"
check "direction-stats" "smtpclass: left out by --direction $(wc -l <"$tmp/dir.in")" "$(cat "$tmp/dir.stats")"
"$bin" --summary -j --direction=in "$log" >"$tmp/dir.json"
check_true "direction-summary-in-totals" grep -q \
	"\"totals\": {\"sent\": 0, \"deferred\": 0, \"bounced\": 0, \"expired\": 0, \"rejected\": $(wc -l <"$tmp/dir.in")}" "$tmp/dir.json"
check_true "direction-summary-in-no-outbound" grep -q '"domain_count": 0,' "$tmp/dir.json"
"$bin" --summary --direction=out "$log" >"$tmp/dir.text"
check "direction-summary-out-no-inbound" "" "$(grep 'Refused by this server' "$tmp/dir.text")"
check "direction-bad-value" 64 "$(status_of "$bin" --direction=both "$log")"
check "direction-merge-refused" 64 "$(status_of "$bin" --merge --direction=in "$src/tests/summary/sample.json")"

checks_report
