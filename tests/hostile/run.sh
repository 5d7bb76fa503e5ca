#!/bin/sh
# Hostile input and failing systems: run the real binary (the ASan/UBSan build
# under CTest) on inputs built to break it and under conditions where the
# system fails it, and check its exit status and its output.
# Usage: run.sh SMTPCLASS SOURCE_DIR
#
# The helpers a bare machine lacks (deterministic random bytes, a strict JSON
# checker, peak RSS and a watchdog without GNU time) are in hostile_tool.c,
# compiled here with ${CC:-cc}.  Every input is generated, with fixed seeds:
# nothing large is committed.
#
# The check functions are in tests/checks.sh.  The 1 GB memory check is
# rss.sh (not in CTest).
set -u
LC_ALL=C
export LC_ALL
bin=$1
src=$2
checks_name=hostile
. "$src/tests/checks.sh"
here=$src/tests/hostile

# Peak RSS allowed for a run whose input would need far more if it were held
# in memory (100 MB): the ASan build itself needs about 10 MiB.
rss_limit_kib=65536

lines_of() { wc -l <"$1" | tr -d ' '; }
bytes_of() { wc -c <"$1" | tr -d ' '; }
count_byte() { tr -cd "$2" <"$1" | wc -c | tr -d ' '; } # count_byte FILE OCTAL_ESCAPE
at_most() { [ "$1" -le "$2" ]; }
yes_no() { if "$@"; then echo yes; else echo no; fi; }

# measure NAME SECONDS COMMAND...: runs COMMAND (stdio as given to measure)
# and sets status, rss (KiB) and ms; a run over SECONDS is killed (status 124).
# At the end of a pipeline (a subshell) use "$tool" measure FILE ... and
# measured FILE STATUS instead.
measure() {
	measure_file=$tmp/measure.$1
	shift
	"$tool" measure "$measure_file" "$@"
	measured "$measure_file" $?
}
measured() { # measured FILE STATUS
	status=$2
	read -r rss ms <"$1" || {
		rss=0
		ms=0
	}
}

# one_of FILE VALUE...: "yes" when FILE holds one of the values, else what it holds.
one_of() {
	one_of_value=$(cat "$1")
	shift
	for one_of_allowed in "$@"; do
		if [ "$one_of_value" = "$one_of_allowed" ]; then
			echo yes
			return
		fi
	done
	echo "$one_of_value"
}

# stats FILE: the --stats line from a standard error file.
stats() { grep '^smtpclass: lines ' "$1"; }

# ---- Setup --------------------------------------------------------------------
tool=$tmp/hostile_tool
if ! ${CC:-cc} -std=c11 -O2 -I"$here/../fuzz" -o "$tool" "$here/hostile_tool.c" "$here/../fuzz/json_check.c"; then
	echo "setup: cannot compile $here/hostile_tool.c with ${CC:-cc}"
	exit 1
fi
nl='
'
header=$(printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource')

# ---- Empty input, only newlines ---------------------------------------------
: >"$tmp/empty"
"$bin" --stats "$tmp/empty" >"$tmp/out" 2>"$tmp/err"
check empty-file-status 0 $?
check_true empty-file-no-output is_empty_file "$tmp/out"
check empty-file-stats "smtpclass: lines 0, records 0, skipped 0, sent not shown 0, cut 0" "$(stats "$tmp/err")"
"$bin" -j </dev/null >"$tmp/out" 2>"$tmp/err"
check empty-stdin-status 0 $?
check_true empty-stdin-no-output is_empty_file "$tmp/out"
check_true empty-stdin-quiet is_empty_file "$tmp/err"
"$bin" --format=tsv --header </dev/null >"$tmp/out"
check empty-stdin-header-only 1 "$(lines_of "$tmp/out")"
"$bin" --summary -j </dev/null >"$tmp/out" 2>"$tmp/err"
check empty-summary-status 0 $?
check_true empty-summary-valid-json "$tool" json "$tmp/out"
"$bin" -r '' >"$tmp/out" 2>"$tmp/err"
check empty-argument-not-a-reply 65 $?
check_true empty-argument-no-output is_empty_file "$tmp/out"

awk 'BEGIN { for (i = 0; i < 100000; i++) print "" }' >"$tmp/newlines"
"$bin" --stats -j "$tmp/newlines" >"$tmp/out" 2>"$tmp/err"
check only-newlines-status 0 $?
check_true only-newlines-no-output is_empty_file "$tmp/out"
check only-newlines-stats "smtpclass: lines 100000, records 0, skipped 100000, sent not shown 0, cut 0" "$(stats "$tmp/err")"
printf '\r\n\r\n\r\r\n' | "$bin" --stats >"$tmp/out" 2>"$tmp/err"
check only-line-ends-status 0 $?
check_true only-line-ends-no-output is_empty_file "$tmp/out"
check only-line-ends-stats "smtpclass: lines 4, records 0, skipped 4, sent not shown 0, cut 0" "$(stats "$tmp/err")"
"$bin" -r "$nl$nl$nl" >"$tmp/out" 2>"$tmp/err"
check only-newlines-argument-not-a-reply 65 $?

# ---- A 100 MB line without a newline -----------------------------------------
# The reader keeps 64 KiB of a line and skips the rest: memory stays small,
# the record is kept and counted as cut.
{
	printf '550 5.1.1 '
	head -c 104857600 /dev/zero | tr '\0' a
} | "$tool" measure "$tmp/measure.long-line-pipe" 60 "$bin" --stats -j >"$tmp/out" 2>"$tmp/err"
measured "$tmp/measure.long-line-pipe" $?
check long-line-pipe-status 0 "$status"
check long-line-pipe-stats "smtpclass: lines 1, records 1, skipped 0, sent not shown 0, cut 1" "$(stats "$tmp/err")"
check long-line-pipe-one-json-record 1 "$("$tool" jsonl "$tmp/out")"
check_true "long-line-pipe-record-cut-to-64k ($(bytes_of "$tmp/out") bytes)" at_most "$(bytes_of "$tmp/out")" 70000
check_true "long-line-pipe-rss ($rss KiB)" at_most "$rss" "$rss_limit_kib"

head -c 104857600 /dev/zero | tr '\0' a >"$tmp/long-line"
measure long-line-file 60 "$bin" --stats "$tmp/long-line" >"$tmp/out" 2>"$tmp/err"
rm -f "$tmp/long-line"
check long-line-file-status 0 "$status"
check long-line-file-stats "smtpclass: lines 1, records 0, skipped 1, sent not shown 0, cut 1" "$(stats "$tmp/err")"
check_true long-line-file-no-output is_empty_file "$tmp/out"
check_true "long-line-file-rss ($rss KiB)" at_most "$rss" "$rss_limit_kib"

# A line of exactly 65,536 bytes (the cap) is whole; one byte more is cut.
# Each is followed by a short line, from a file and from a pipe, so the
# newline just past the cap (and a block boundary near it) is exercised.
for size in 65535 65536 65537; do
	{
		printf '550 5.1.1 '
		head -c $((size - 10)) /dev/zero | tr '\0' a
		printf '\n550 5.1.1 x\n'
	} >"$tmp/cap-line"
	expected_cut=$((size > 65536 ? 1 : 0))
	"$bin" --stats -j "$tmp/cap-line" >/dev/null 2>"$tmp/err"
	check "cap-line-$size-file-stats" "smtpclass: lines 2, records 2, skipped 0, sent not shown 0, cut $expected_cut" "$(stats "$tmp/err")"
	{ head -c 131000 /dev/zero | tr '\0' '\n'; cat "$tmp/cap-line"; } | "$bin" --stats -j >/dev/null 2>"$tmp/err"
	check "cap-line-$size-pipe-stats" "smtpclass: lines 131002, records 2, skipped 131000, sent not shown 0, cut $expected_cut" "$(stats "$tmp/err")"
done
rm -f "$tmp/cap-line"

# ---- No system call per record ------------------------------------------------
# time_iso of local stamps needs the time zone; it is looked up once per hour
# of stamps, not per record (mktime() stats /etc/localtime on every call).
if command -v strace >/dev/null 2>&1; then
	for i in $(seq 200); do cat "$src/examples/sample-mail.log"; done >"$tmp/many.log"
	records=$("$bin" --all --year=2026 -j "$tmp/many.log" | wc -l)
	# Also with --since/--until, which read every record's stamp (in the
	# summary too): the bounds and "now" are resolved once.
	for range in "" "--since=2000-01-01T00:00:00 --until=now" "--summary --since=yesterday"; do
		# shellcheck disable=SC2086 # the options are words
		strace -f -qq -c -o "$tmp/strace" -e trace=stat,lstat,fstat,newfstatat,statx,openat \
			"$bin" --all --year=2026 -j $range "$tmp/many.log" >/dev/null 2>&1
		calls=$(awk '$NF ~ /^(stat|lstat|fstat|newfstatat|statx|openat)$/ { n += $4 } END { print n + 0 }' "$tmp/strace")
		check_true "syscalls-not-per-record${range:+ ($range)} ($calls calls for $records records)" test "$calls" -lt 200
	done
	rm -f "$tmp/many.log" "$tmp/strace"
else
	skip syscalls-not-per-record "no strace"
fi

# ---- Signals -------------------------------------------------------------------
# SIGINT, SIGTERM, SIGHUP while a pipe is still open (tail -f): the summary
# so far is written, marked incomplete, and the process ends by the signal;
# log mode ends after whole records.
# Waits (up to 30 s) until the process running COMMAND has its handler for
# signal number N installed (the bit of SigCgt in /proc/PID/status), so that
# a slow start on a busy machine does not meet the signal's default action.
wait_caught() { # wait_caught COMMAND N
	wc_tries=300
	while [ "$wc_tries" -gt 0 ]; do
		for wc_pid in $(pgrep -f "$1"); do
			wc_mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$wc_pid/status" 2>/dev/null)
			[ -n "$wc_mask" ] && [ $(((0x$wc_mask >> ($2 - 1)) & 1)) -eq 1 ] && return 0
		done
		wc_tries=$((wc_tries - 1))
		sleep 0.1
	done
	return 1
}
for signal in INT TERM HUP; do
	{ cat "$src/examples/sample-mail.log"; sleep 30; } | "$bin" --summary -j >"$tmp/signal.json" 2>"$tmp/signal.err" &
	pid=$!
	case $signal in INT) number=2 ;; TERM) number=15 ;; HUP) number=1 ;; esac
	wait_caught "$bin --summary -j" "$number"
	sleep 0.5 # the sample's lines are read by then
	pkill -"$signal" -f "$bin --summary -j" 2>/dev/null
	wait "$pid"
	status=$?
	case $signal in INT) expected=130 ;; TERM) expected=143 ;; HUP) expected=129 ;; esac
	check "signal-$signal-summary-status" "$expected" "$status"
	check_true "signal-$signal-summary-json" "$tool" json "$tmp/signal.json"
	check_true "signal-$signal-summary-incomplete" file_contains "$tmp/signal.json" "\"incomplete\": \"interrupted by SIG$signal\""
done
{ cat "$src/examples/sample-mail.log"; sleep 30; } | "$bin" --all -j >"$tmp/signal.jsonl" 2>/dev/null &
pid=$!
wait_caught "$bin --all -j" 15
sleep 0.5
pkill -TERM -f "$bin --all -j" 2>/dev/null
wait "$pid"
check signal-log-mode-status 143 $?
check signal-log-mode-whole-records "$(lines_of "$tmp/signal.jsonl")" "$("$tool" jsonl "$tmp/signal.jsonl")"
pkill -f 'sleep 30' 2>/dev/null

# ---- NUL bytes inside lines ---------------------------------------------------
printf '550 5.1.1 us\000er unknown\n\000\000\n451 4.2.0 \000greylisted\000\n\000550 5.1.1 x\n' >"$tmp/nul"
"$bin" --stats -j "$tmp/nul" >"$tmp/out" 2>"$tmp/err"
check nul-status 0 $?
check nul-valid-json 2 "$("$tool" jsonl "$tmp/out")"
# A NUL is written as U+FFFD: rsyslog's libfastjson ends a string at \u0000.
check_true nul-replaced file_contains "$tmp/out" "\"text\":\"us$(printf '\357\277\275')er unknown\""
check nul-stats "smtpclass: lines 4, records 2, skipped 2, sent not shown 0, cut 0" "$(stats "$tmp/err")"
for format in text tsv csv; do
	"$bin" --format=$format "$tmp/nul" >"$tmp/out"
	check nul-$format-status 0 $?
	check nul-$format-records 2 "$(lines_of "$tmp/out")"
	check nul-$format-no-nul-written 0 "$(count_byte "$tmp/out" '\000')"
done

# ---- Invalid UTF-8 ----------------------------------------------------------------
# Six replies with bytes that are not UTF-8 (Latin-1, 0xFF 0xFE, an overlong
# "/", a surrogate, a code point above U+10FFFF, a sequence cut by the end of
# the line) and one with valid é and U+1F600, which must pass unchanged.
printf '550 5.1.1 caf\351 x\n550 5.1.1 \377\376 x\n550 5.1.1 \300\257 x\n550 5.1.1 \355\240\200 x\n550 5.1.1 \364\220\200\200 x\n550 5.1.1 x \342\202\n550 5.1.1 caf\303\251 \360\237\230\200\n' >"$tmp/utf8"
"$bin" -j "$tmp/utf8" >"$tmp/out" 2>"$tmp/err"
check utf8-status 0 $?
check utf8-valid-json 7 "$("$tool" jsonl "$tmp/out")"
check utf8-replaced 6 "$(head -n 6 "$tmp/out" | grep -c "$(printf '"text":"[^"]*\357\277\275')")"
check_true utf8-valid-kept file_contains "$tmp/out" "$(printf '"text":"caf\303\251 \360\237\230\200"')"
"$bin" -j -r "$(printf '550 5.1.1 \377 caf\351')" >"$tmp/out"
check utf8-argument-valid-json 1 "$("$tool" jsonl "$tmp/out")"
printf 'Nov 27 10:00:00 mx postfix/smtp[1]: 4BQ2Kp5Xz9: to=<a\377@b\300.example>, relay=mx.b\351.example[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host mx.b.example[192.0.2.1] said: 550 5.1.1 \377 (in reply to RCPT TO command))\n' >"$tmp/utf8.log"
"$bin" -j "$tmp/utf8.log" >"$tmp/out"
check utf8-log-valid-json 1 "$("$tool" jsonl "$tmp/out")"
"$bin" --summary -j "$tmp/utf8.log" >"$tmp/out"
check utf8-log-summary-status 0 $?
check_true utf8-log-summary-valid-json "$tool" json "$tmp/out"

# ---- CRLF and lone CR line ends -------------------------------------------------
printf '550 5.1.1 a\r\n451 4.2.0 b\r452 4.2.2 c\r\n421 4.7.0 d\r' >"$tmp/cr"
"$bin" --stats -j "$tmp/cr" >"$tmp/out" 2>"$tmp/err"
check cr-status 0 $?
check cr-valid-json 4 "$("$tool" jsonl "$tmp/out")"
check cr-texts "a b c d " "$(sed 's/.*"text":"\([^"]*\)".*/\1/' "$tmp/out" | tr '\n' ' ')"
check cr-stats "smtpclass: lines 4, records 4, skipped 0, sent not shown 0, cut 0" "$(stats "$tmp/err")"
check_true cr-none-left file_lacks "$tmp/out" '\\r'
# A lone CR ends a line: the record after it is on the next line, as --stats
# counts it (c is on line 3, d on line 4).
known_bug cr-line-numbers "1 2 3 4 " "$(sed 's/.*"line":\([0-9]*\),.*/\1/' "$tmp/out" | tr '\n' ' ')"
printf '550 5.1.1 a\r451 4.2.0 b\r' | "$bin" -j >"$tmp/out"
check cr-only-mac-file 2 "$("$tool" jsonl "$tmp/out")"

# ---- Lines across read blocks --------------------------------------------------
# Input is read in 128 KiB blocks (by a read-ahead thread); the unfinished
# line at the end of a block is carried over in front of the next one.  The
# sample log 200 times over (4.9 MB: 37 blocks, boundaries at every offset
# of a line) gives the same records 200 times over, from a file and from a
# pipe, and --stats counts every line.
"$bin" --all --format=tsv "$src/examples/sample-mail.log" | cut -f3- >"$tmp/blocks.one"
sample_lines=$(lines_of "$src/examples/sample-mail.log")
i=0
: >"$tmp/blocks.log"
: >"$tmp/blocks.expected"
while [ $i -lt 200 ]; do
	cat "$src/examples/sample-mail.log" >>"$tmp/blocks.log"
	cat "$tmp/blocks.one" >>"$tmp/blocks.expected"
	i=$((i + 1))
done
"$bin" --all --format=tsv --stats "$tmp/blocks.log" 2>"$tmp/err" | cut -f3- >"$tmp/out"
check_true blocks-file-records cmp -s "$tmp/blocks.expected" "$tmp/out"
check blocks-file-lines "lines $((sample_lines * 200))" "$(stats "$tmp/err" | sed 's/^smtpclass: \(lines [0-9]*\),.*/\1/')"
cat "$tmp/blocks.log" | "$bin" --all --format=tsv | cut -f3- >"$tmp/out"
check_true blocks-pipe-records cmp -s "$tmp/blocks.expected" "$tmp/out"
# Short lines: a block holds more line ends than the reading thread lists
# (NEWLINE_CAP, 4096), and the rest are searched for.
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "550 5.1.%d u%d\n", i % 9, i }' >"$tmp/short"
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "u%d\n", i }' >"$tmp/short.expected"
"$bin" --format=tsv "$tmp/short" | cut -f8 >"$tmp/out"
check_true blocks-short-lines-file cmp -s "$tmp/short.expected" "$tmp/out"
cat "$tmp/short" | "$bin" --format=tsv | cut -f8 >"$tmp/out"
check_true blocks-short-lines-pipe cmp -s "$tmp/short.expected" "$tmp/out"

# ---- 10 MB of random bytes --------------------------------------------------------
# Raw bytes (NUL, CR, every value), then lines that open like a reply or an
# MTA log line and go on with random bytes, so that the parser, the log
# scanner, the classifier and every output format see garbage.  Such files
# do not look like text, so they are read with -a (as grep -a); without it
# they are refused with one message and exit 65.
"$tool" random 10485760 1 >"$tmp/random"
measure random-json 120 "$bin" -a --stats --all -j "$tmp/random" >"$tmp/out" 2>"$tmp/err"
check random-json-status 0 "$status"
check random-json-valid "$(sed -n 's/^smtpclass: lines [0-9]*, records \([0-9]*\),.*/\1/p' "$tmp/err")" "$("$tool" jsonl "$tmp/out")"
check_true "random-rss ($rss KiB)" at_most "$rss" "$rss_limit_kib"
"$bin" --all -j "$tmp/random" >"$tmp/out" 2>"$tmp/err"
check random-without-a-status 65 $?
check random-without-a-message "smtpclass: $tmp/random: binary file, not a mail log (-a reads it as text)" "$(cat "$tmp/err")"
check_true random-without-a-no-output is_empty_file "$tmp/out"
for format in text tsv csv; do
	"$bin" -a --all --format=$format "$tmp/random" >/dev/null
	check random-$format-status 0 $?
done
"$bin" -a --summary -j "$tmp/random" >"$tmp/out"
check random-summary-status 0 $?
check_true random-summary-valid-json "$tool" json "$tmp/out"

"$tool" replies 10485760 7 >"$tmp/replies"
"$bin" -a --stats --all -j "$tmp/replies" >"$tmp/out.json" 2>"$tmp/err"
check random-replies-json-status 0 $?
records=$(sed -n 's/^smtpclass: lines [0-9]*, records \([0-9]*\),.*/\1/p' "$tmp/err")
check_true "random-replies-some-records ($records)" test "${records:-0}" -gt 10000
check random-replies-json-valid "$records" "$("$tool" jsonl "$tmp/out.json")"
for format in text tsv csv; do
	"$bin" -a --all --format=$format "$tmp/replies" >"$tmp/out.$format"
	check random-replies-$format-status 0 $?
	check random-replies-$format-one-line-each "$records" "$(lines_of "$tmp/out.$format")"
	check random-replies-$format-no-control-bytes "0 0 0" \
		"$(count_byte "$tmp/out.$format" '\000') $(count_byte "$tmp/out.$format" '\033') $(count_byte "$tmp/out.$format" '\r')"
done
check random-replies-tsv-columns 1 "$(awk -F '\t' '{ print NF }' "$tmp/out.tsv" | sort -u | wc -l | tr -d ' ')"
"$bin" -a --summary -j "$tmp/replies" >"$tmp/out"
check random-replies-summary-status 0 $?
check_true random-replies-summary-valid-json "$tool" json "$tmp/out"
rm -f "$tmp/random" "$tmp/replies" "$tmp/out".*

# ---- A reply code and 100,000 continuation lines -----------------------------------
awk 'BEGIN { print "550-5.1.1 first"; for (i = 0; i < 100000; i++) printf "550-5.1.1 continuation %d\n", i; print "550 5.1.1 end" }' >"$tmp/continuation"
"$bin" --stats -j "$tmp/continuation" >"$tmp/out" 2>"$tmp/err"
check continuation-file-status 0 $?
check continuation-file-every-line-a-record-or-skipped yes \
	"$(stats "$tmp/err" | awk '{ gsub(",", ""); print ($3 == 100002 && $5 + $7 == $3) ? "yes" : "no" }')"
check continuation-file-valid-json "$(sed -n 's/^smtpclass: lines [0-9]*, records \([0-9]*\),.*/\1/p' "$tmp/err")" "$("$tool" jsonl "$tmp/out")"
# One argument holds at most 128 KiB on Linux (MAX_ARG_STRLEN), too little
# for 100,000 lines that carry a code: 20,000 of them, then 100,000 blank ones.
reply=$(awk 'BEGIN { print "550-5.1.1 first"; for (i = 0; i < 20000; i++) print "550-a"; printf "550 5.1.1 end" }')
"$bin" -j -r "$reply" >"$tmp/out" 2>"$tmp/err"
check continuation-argument-status 0 $?
check continuation-argument-one-record 1 "$("$tool" jsonl "$tmp/out")"
check_true continuation-argument-codes file_contains "$tmp/out" '"code":550,"enhanced":"5.1.1"'
reply=$(awk 'BEGIN { print "550 5.1.1 x"; for (i = 0; i < 100000; i++) print ""; printf "." }')
"$bin" -j -r "$reply" >"$tmp/out" 2>"$tmp/err"
check continuation-argument-blank-lines-status 0 $?
check continuation-argument-blank-lines-one-record 1 "$("$tool" jsonl "$tmp/out")"

# ---- Enhanced codes that are not enhanced codes --------------------------------------
# RFC 3463: subject and detail are 1 to 3 digits without leading zeros, and
# the class is 2, 4 or 5.
for code in 5.1111.1 5.01.1 3.1.1 5.1.1000 5.1.01; do
	out=$("$bin" -j -r "550 $code x")
	check "enhanced-$code-status" 0 $?
	check_true "enhanced-$code-ignored" contains "$out" '"code":550,"enhanced":null,'
done
for code in 5.1111.1 5.01.1 3.1.1; do
	"$bin" -j -r "$code x" >"$tmp/out" 2>"$tmp/err"
	check "enhanced-$code-alone-not-a-reply" 65 $?
	check_true "enhanced-$code-alone-no-output" is_empty_file "$tmp/out"
	check_true "enhanced-$code-alone-named" file_contains "$tmp/err" "'$code x': not an SMTP reply"
done
out=$("$bin" -j -r "5.1.1 x")
check enhanced-valid-alone-is-a-reply 0 $?
check_true enhanced-valid-alone-kept contains "$out" '"enhanced":"5.1.1",'

# ---- Rules files ---------------------------------------------------------------------
printf '%s\nr1\tfoo bar\tblocked\t-\t-\t-\t-\n' "$header" >"$tmp/missing-column.rules"
"$bin" --rules "$tmp/missing-column.rules" -r '550 foo bar' >"$tmp/out" 2>"$tmp/err"
check rules-missing-column-status 65 $?
check_true rules-missing-column-no-output is_empty_file "$tmp/out"
check_true rules-missing-column-message file_contains "$tmp/err" "missing-column.rules:2: .*fields"
printf '%s\nr1\tfoo bar\tnosuchreason\t-\t-\t-\t-\tlocal\n' "$header" >"$tmp/bad-reason.rules"
"$bin" --rules "$tmp/bad-reason.rules" -r '550 foo bar' >"$tmp/out" 2>"$tmp/err"
check rules-bad-reason-status 65 $?
check_true rules-bad-reason-no-output is_empty_file "$tmp/out"
check_true rules-bad-reason-message file_contains "$tmp/err" "bad-reason.rules:2: unknown reason"
printf '%s\nr1\tfoo bar\tmailboxfull\t-\t-\t-\t-\tlocal' "$header" >"$tmp/unterminated.rules"
out=$("$bin" --rules "$tmp/unterminated.rules" -j -r '550 foo bar baz')
check rules-unterminated-status 0 $?
check_true rules-unterminated-used contains "$out" '"reason":"mailboxfull","action":"pause-address","confidence":"medium","rule":"site r1"'
"$bin" --rules "$tmp" -r '550 x' >"$tmp/out" 2>"$tmp/err"
check rules-directory-status 66 $?
check_true rules-directory-named file_contains "$tmp/err" "$tmp"

# 1,000,000 rules, ten times the limit: a clear error naming the limit, exit
# 65, quickly and in the memory a file at the limit needs.  The file of
# 100,001 rules is the yardstick (the same error, found at the same line).
awk -v header="$header" 'BEGIN { print header; for (i = 0; i < 1000000; i++) printf "r%d\tphrase %d\tblocked\t-\t-\t-\t-\tlocal\n", i, i }' >"$tmp/million.rules"
head -n 100002 "$tmp/million.rules" >"$tmp/limit.rules"
measure rules-limit 60 "$bin" --rules "$tmp/limit.rules" -r '550 x' >/dev/null 2>"$tmp/err"
check rules-over-limit-status 65 "$status"
limit_rss=$rss
limit_ms=$ms
measure rules-million 30 "$bin" --rules "$tmp/million.rules" -r '550 x' >"$tmp/out" 2>"$tmp/err"
check rules-million-status 65 "$status"
check_true rules-million-no-output is_empty_file "$tmp/out"
# The error names a limit: the rule count, or the 16 MiB a rules file may
# hold (which a million rules exceed before they are counted).
check_true rules-million-names-limit grep -q -e 'too many rules (the limit is 100000)' -e 'larger than 16 MiB' "$tmp/err"
# Reading stops at a limit: no more time or memory than the file at the limit.
check rules-million-quick yes "$(yes_no at_most "$ms" $((limit_ms * 2 + 1000)))"
check rules-million-bounded-memory yes "$(yes_no at_most "$rss" $((limit_rss + 32768)))"
# Longer rules: 1,000,000 of them are more than the 16 MiB a rules file may
# hold.  Still bad data (65) that must be reported quickly.
rm -f "$tmp/million.rules"
awk -v header="$header" 'BEGIN { print header; for (i = 0; i < 1000000; i++) printf "rule-%d\tsite phrase number %d of the list\tblocked\t-\t-\t-\t-\tlocal\n", i, i }' >"$tmp/million-long.rules"
measure rules-million-long 8 "$bin" --rules "$tmp/million-long.rules" -r '550 x' >"$tmp/out" 2>"$tmp/err"
rm -f "$tmp/million-long.rules"
check rules-million-long-status 65 "$status"
check_true rules-million-long-no-output is_empty_file "$tmp/out"
if [ "$status" != 124 ]; then
	check_true rules-million-long-names-limit grep -q -e 'limit is 100000' -e '16 MiB' "$tmp/err"
fi

# ---- JSON summaries given to --merge ---------------------------------------------------
if "$bin" --help | grep -q -e '--merge'; then
	"$bin" --summary -j "$src/examples/sample-mail.log" >"$tmp/summary.json"
	check merge-setup-status 0 $?
	head -c 200 "$tmp/summary.json" >"$tmp/truncated.json"
	"$bin" --merge "$tmp/truncated.json" >"$tmp/out" 2>"$tmp/err"
	check merge-truncated-status 65 $?
	check_true merge-truncated-position file_contains "$tmp/err" "truncated.json: byte 200: "
	sed -E 's/"records": *([0-9]+)/"records": "\1"/' "$tmp/summary.json" >"$tmp/wrong-type.json"
	# the offset of the string value: grep -b gives the offset of the key
	found=$(grep -bo '"records": *"' "$tmp/wrong-type.json" | head -n 1)
	check_true merge-wrong-type-setup test -n "$found"
	match=${found#*:}
	position=$((${found%%:*} + ${#match} - 1))
	"$bin" --merge "$tmp/wrong-type.json" >"$tmp/out" 2>"$tmp/err"
	check merge-wrong-type-status 65 $?
	check_true "merge-wrong-type-position (byte $position)" file_contains "$tmp/err" "wrong-type.json: byte $position: "
	# A directory is a file that cannot be opened (66), as for log files.
	mkdir "$tmp/summaries"
	"$bin" --merge "$tmp/summaries" "$tmp/summary.json" >/dev/null 2>"$tmp/err"
	merge_status=$?
	check_true merge-directory-named file_contains "$tmp/err" "summaries: "
	known_bug merge-directory 66 "$merge_status"
else
	skip merge-truncated "smtpclass --help does not list --merge yet"
	skip merge-wrong-type "smtpclass --help does not list --merge yet"
fi

# ---- A full disk: /dev/full --------------------------------------------------------------
# Exit 74 and one message; no claim of success.
printf '550 5.1.1 <a@b.example>: User unknown\n' >"$tmp/one"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "550 5.1.1 <user%d@example.com>: Recipient address rejected: User unknown\n", i }' >"$tmp/many"
if [ -w /dev/full ]; then
	full() { # full NAME ARGUMENTS...
		name=$1
		shift
		"$bin" "$@" >/dev/full 2>"$tmp/err.full" </dev/null
		check "full-$name" 74 $?
		check "full-$name-one-message" "smtpclass: write error: No space left on device" "$(cat "$tmp/err.full")"
	}
	full reply -r '550 5.1.1 x'
	full file "$tmp/many"
	full json -j "$tmp/many"
	full tsv-header --format=tsv --header "$tmp/many"
	full csv --format=csv "$tmp/many"
	full line-buffered --line-buffered "$tmp/many"
	full all --all "$src/examples/sample-mail.log"
	full header-only --format=csv --header
	full summary --summary "$src/examples/sample-mail.log"
	full summary-json --summary -j "$src/examples/sample-mail.log"
	"$bin" --rsyslog <"$tmp/one" >/dev/full 2>/dev/null
	check full-rsyslog 74 $? # rsyslog reads nothing from stderr: no message
	for option in --help --version; do
		"$bin" $option >/dev/full 2>"$tmp/err.full"
		option_status=$?
		known_bug "full$option" "74 message" "$option_status $(yes_no test -s "$tmp/err.full" | sed 's/yes/message/;s/no/silent/')"
	done
else
	skip full "/dev/full is not writable"
fi

# ---- Standard output closed ------------------------------------------------------------------
# An input file opened now gets descriptor 1: writing to it must fail (it is
# open read-only), never change it.
cp "$tmp/many" "$tmp/many.copy"
closed() { # closed NAME ARGUMENTS...
	name=$1
	shift
	"$bin" "$@" >&- 2>"$tmp/err.closed" <"$tmp/one"
	check "closed-$name" 74 $?
	check_true "closed-$name-message" file_contains "$tmp/err.closed" "^smtpclass: write error: "
}
closed reply -r '550 5.1.1 x'
closed file "$tmp/many"
closed stdin -j
closed summary --summary "$tmp/many"
check_true closed-input-unchanged cmp -s "$tmp/many" "$tmp/many.copy"
for option in --help --version; do
	"$bin" $option >&- 2>"$tmp/err.closed"
	option_status=$?
	known_bug "closed$option" "74 message" "$option_status $(yes_no test -s "$tmp/err.closed" | sed 's/yes/message/;s/no/silent/')"
done

# ---- A reader that goes away: | head -c1 ------------------------------------------------------
# Quiet either way: killed by SIGPIPE (141 in sh) or, with SIGPIPE ignored,
# EPIPE ends the run (0, or 74 without a message).
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "550 5.1.1 <user%d@example.com>: Recipient address rejected: User unknown\n", i }' >"$tmp/big"
for options in "" "-j" "--all" "--line-buffered" "--format=csv --header" "--summary"; do
	name="sigpipe[${options}]"
	# shellcheck disable=SC2086 # $options is a list of words
	{
		"$bin" $options "$tmp/big" 2>"$tmp/err.pipe"
		echo $? >"$tmp/status.pipe"
	} | head -c1 >/dev/null
	check "$name-default-quiet" "" "$(cat "$tmp/err.pipe")"
	check "$name-default-status" yes "$(one_of "$tmp/status.pipe" 0 141)"
	(
		trap '' PIPE
		# shellcheck disable=SC2086
		{
			"$bin" $options "$tmp/big" 2>"$tmp/err.pipe"
			echo $? >"$tmp/status.pipe"
		} | head -c1 >/dev/null
	)
	check "$name-ignored-quiet" "" "$(cat "$tmp/err.pipe")"
	check "$name-ignored-status" yes "$(one_of "$tmp/status.pipe" 0 74)"
done
{
	"$bin" -j <"$tmp/big" 2>"$tmp/err.pipe"
	echo $? >"$tmp/status.pipe"
} | head -c1 >/dev/null
check sigpipe-stdin-quiet "" "$(cat "$tmp/err.pipe")"

# ---- Files that cannot be read among readable ones -----------------------------------------
# Root reads anything chmod 000 protects, so: a missing directory component,
# a regular file used as a directory, a directory, and a file whose read
# fails (/proc/self/mem at offset 0: EIO).  Each is named, the others read.
unreadable() { # unreadable NAME PATH: sets unreadable_status
	"$bin" -j "$tmp/one" "$2" "$tmp/one" >"$tmp/out" 2>"$tmp/err"
	unreadable_status=$?
	check "unreadable-$1-others-read" 2 "$(lines_of "$tmp/out")"
	check_true "unreadable-$1-named" file_contains "$tmp/err" "^smtpclass: $2: "
	check "unreadable-$1-one-message" 1 "$(lines_of "$tmp/err")"
}
unreadable missing-component "$tmp/no-such-directory/mail.log"
check unreadable-missing-component 66 "$unreadable_status"
unreadable not-a-directory "$tmp/one/mail.log"
check unreadable-not-a-directory 66 "$unreadable_status"
mkdir "$tmp/directory"
unreadable directory "$tmp/directory"
# A directory cannot be opened as a log: the same as a missing file (66), not
# a read error (74).
known_bug unreadable-directory 66 "$unreadable_status"
if [ -r /proc/self/mem ]; then
	unreadable read-error /proc/self/mem
	check unreadable-read-error 74 "$unreadable_status"
else
	skip unreadable-read-error "no /proc/self/mem"
fi

# ---- A file that shrinks while it is read (logrotate's copytruncate) ---------------------------
# The output goes to a pipe nobody reads for 2 s, so smtpclass is stopped
# early in the file when it is cut to 1000 bytes (in the middle of a line).
# It must not crash (as a reader using mmap would, with SIGBUS) or hang, and
# it ends at the new end of the file.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "550 5.1.1 <user%d@example.com>: Recipient address rejected: User unknown\n", i }' >"$tmp/shrinking"
{
	measure shrinking 20 "$bin" -j "$tmp/shrinking" 2>"$tmp/err.shrinking"
	echo "$status" >"$tmp/status.shrinking"
} | {
	sleep 2
	cat >"$tmp/out.shrinking"
} &
sleep 1
truncate -s 1000 "$tmp/shrinking" 2>/dev/null || : >"$tmp/shrinking"
wait
check shrinking-status 0 "$(cat "$tmp/status.shrinking")"
check_true shrinking-quiet is_empty_file "$tmp/err.shrinking"
shrunk=$("$tool" jsonl "$tmp/out.shrinking")
check_true "shrinking-whole-records ($shrunk)" test -n "$shrunk"
check_true "shrinking-stopped-early (${shrunk:-0} of 200000 records)" test "${shrunk:-0}" -lt 200000

# ---- A slow pipe: records appear as their lines arrive ------------------------------------
(
	printf '550 5.1.1 <a@b.example>: User unknown\n'
	sleep 3
	printf '451 4.2.0 greylisted\n'
) | "$bin" --format=json >"$tmp/out.slow" &
sleep 1
check slow-pipe-first-record-before-second-line 1 "$(lines_of "$tmp/out.slow")"
wait
check slow-pipe-both-records 2 "$(lines_of "$tmp/out.slow")"

checks_report
