#!/bin/sh
# Hostile output: bytes a remote server chose (ESC and OSC sequences, C0 and
# C1 controls raw and UTF-8 encoded, invalid UTF-8, spreadsheet formulas,
# shell metacharacters in recipients, a file name with ESC in it) go through
# every format and mode, and the bytes written are checked (smtpclass(1),
# Safe output):
#   - text, TSV, CSV, --explain, --summary and --addresses: valid UTF-8, no
#     C0 control but LF (and the TSV tab), no DEL, no U+0080-U+009F;
#   - JSON: parses (python3 json), and holds no raw control byte either;
#   - CSV: every cell parses (python3 csv) and none starts with = + - @,
#     tab or CR, unless --csv-raw, which keeps the formula;
#   - --addresses=remove: only plain shell words, and stderr counts the rest;
#   - messages on stderr that echo a file name carry no ESC.
# Usage: hostile_output.sh SMTPCLASS SOURCE_DIR
set -u
bin=$1
src=$2
checks_name=hostile-output
. "$src/tests/checks.sh"

if ! command -v python3 >/dev/null 2>&1; then
	skip hostile-output "python3 is missing"
	checks_report
	exit
fi

# The inputs: bare replies, and Postfix lines whose recipient, relay, queue
# id and reply text are hostile.  \033[2J clears a terminal, \033]0;...\007
# sets its title, \302\233 is U+009B (CSI), \233 a raw 8-bit CSI.
printf '%b\n' \
	'550 5.1.1 =HYPERLINK("http://x.test/","click") \033[2J user unknown' \
	'550 5.1.1 @SUM(1) =cmd|'"'"'/C calc'"'"'!A0 \033]0;owned\007 \302\233 31m \233 \377\376 bad' \
	'550 5.7.1 +1+1 \302\205 next line \342\200\250 \177 del \001\010' \
	'421 4.7.0 -2+3 try later \300\257 \355\240\200 \364\220\200\200' \
	'550 5.1.1 no such user \342\200' \
	>"$tmp/replies.txt"
line() { # line QUEUEID RECIPIENT RELAY TEXT
	printf '%b\n' "Dec  3 10:00:01 mx postfix/smtp[123]: $1: to=<$2>, relay=$3[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host $3[192.0.2.1] said: 550 5.1.1 $4 (in reply to RCPT TO command))"
}
{
	line 4F2A1C0D1E 'plain@example.com' 'mx.example.com' 'user unknown'
	line 4F2A1C0D2E '$(touch /tmp/owned)@example.com' 'mx.example.com' 'user unknown'
	line 4F2A1C0D3E '-rf@example.com' 'mx.example.com' 'user unknown'
	line 4F2A1C0D4E 'a;b|c`d`@example.com' 'mx.example.com' '=cmd|x user unknown'
	line 4F2A1C0D5E 'e\033]0;t\007sc@ex\302\233ample.com' 'h\2331m.example.com' '\033[2J \302\205 \377 user unknown'
	line 4F2A1C0D6E "q'uo\"te@example.com" 'mx.example.com' '@SUM(1) user unknown'
	# the logging host's name (Postfix takes no odd queue id)
	printf '%b\n' 'Dec  3 10:00:01 m\033[1mx\302\233 postfix/smtp[123]: 4F2A1C0D7E: to=<seven@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 user unknown (in reply to RCPT TO command))'
} >"$tmp/mail.log"
evil_name=$(printf 'log\033[31mred')
cp "$tmp/mail.log" "$tmp/$evil_name"

# check_safe NAME FILE [tab]: FILE is valid UTF-8 with no control character
# but LF (and tab when told), no DEL and no C1 control.
check_safe() {
	count=$((count + 1))
	if ! python3 - "$2" "${3:-}" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
allowed = '\n' + ('\t' if sys.argv[2] == 'tab' else '')
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    sys.exit('invalid UTF-8: %s' % e)
for i, ch in enumerate(text):
    o = ord(ch)
    if (o < 0x20 and ch not in allowed) or 0x7f <= o <= 0x9f:
        sys.exit('U+%04X at character %d' % (o, i))
PY
	then
		echo "FAIL $1: unsafe bytes in the output"
		failures=$((failures + 1))
	fi
}

# check_csv NAME FILE RAW: parses as CSV; RAW=0: no cell starts with a
# formula character; RAW=1: some cell does (--csv-raw keeps them).
check_csv() {
	count=$((count + 1))
	if ! python3 - "$2" "$3" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[2 - 1], encoding='utf-8', errors='strict', newline='')))
formula = [c for r in rows for c in r if c[:1] in ('=', '+', '-', '@', '\t', '\r')]
if sys.argv[2] == '0' and formula:
    sys.exit('formula cells: %r' % formula[:3])
if sys.argv[2] == '1' and not formula:
    sys.exit('no formula cell kept')
if len(set(len(r) for r in rows)) != 1:
    sys.exit('rows of different lengths')
PY
	then
		echo "FAIL $1: CSV check"
		failures=$((failures + 1))
	fi
}

check_json() { # check_json NAME FILE: every line is a JSON object
	count=$((count + 1))
	if ! python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    if any(b < 0x20 and b != 0x0a for b in line):
        sys.exit("raw control byte")
    json.loads(line)
' "$2"; then
		echo "FAIL $1: JSON check"
		failures=$((failures + 1))
	fi
}

run() { # run NAME ARGS...: output in $tmp/NAME.out, stderr in $tmp/NAME.err
	name=$1
	shift
	(cd "$tmp" && "$bin" --color=never "$@") >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.status"
}

for input in replies.txt mail.log "$evil_name"; do
	case $input in
	replies.txt) tag=replies ;;
	mail.log) tag=log ;;
	*) tag=evil-name ;;
	esac
	run "$tag-text" "$input"
	check_safe "$tag-text" "$tmp/$tag-text.out"
	run "$tag-explain" --explain "$input"
	check_safe "$tag-explain" "$tmp/$tag-explain.out"
	run "$tag-tsv" --format=tsv --header "$input"
	check_safe "$tag-tsv" "$tmp/$tag-tsv.out" tab
	run "$tag-csv" --format=csv --header "$input"
	check_safe "$tag-csv" "$tmp/$tag-csv.out"
	check_csv "$tag-csv-parses" "$tmp/$tag-csv.out" 0
	run "$tag-json" --format=json "$input"
	check_json "$tag-json" "$tmp/$tag-json.out"
	# Two inputs: file names are written in the text format.
	run "$tag-two" "$input" "$input"
	check_safe "$tag-two" "$tmp/$tag-two.out"
done
# Every record was written, so the checks above saw the hostile bytes.
check replies-records 5 "$(wc -l <"$tmp/replies-text.out" | tr -d ' ')"
check log-records 7 "$(wc -l <"$tmp/log-text.out" | tr -d ' ')"
check_true replies-tsv-replaced file_contains "$tmp/replies-tsv.out" "$(printf '\357\277\275')"

run csv-raw --format=csv --csv-raw replies.txt
check_csv csv-raw-keeps "$tmp/csv-raw.out" 1
check_true csv-quoted file_contains "$tmp/replies-csv.out" "\"'=HYPERLINK"
check_true csv-raw-quoted file_contains "$tmp/csv-raw.out" '"=HYPERLINK'

for input in mail.log "$evil_name"; do
	run summary --summary "$input"
	check_safe "summary-$input" "$tmp/summary.out"
	check "summary-status-$input" 0 "$(cat "$tmp/summary.status")"
	run summary-json --summary --format=json "$input"
	count=$((count + 1))
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/summary-json.out" ||
		{ echo "FAIL summary-json: does not parse"; failures=$((failures + 1)); }
done

run addresses --addresses=remove mail.log
check_safe addresses "$tmp/addresses.out"
check addresses-status 0 "$(cat "$tmp/addresses.status")"
check addresses-kept "plain@example.com seven@example.com" "$(tr '\n' ' ' <"$tmp/addresses.out" | sed 's/ $//')"
check_true addresses-counted file_contains "$tmp/addresses.err" '5 addresses left out'

run missing "missing$evil_name"
check missing-status 66 "$(cat "$tmp/missing.status")"
check_safe missing-message "$tmp/missing.err"
check_true missing-named file_contains "$tmp/missing.err" 'missinglog'

checks_report
