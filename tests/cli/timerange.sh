#!/bin/sh
# --since and --until: the boundaries (since is kept, until is not), every
# offset form, dates in the local time zone (TZ set by the test), today,
# yesterday and -N[smhd] against stamps made from the clock of this run,
# records without a time (kept and counted), and the summary and address
# modes.  Usage: timerange.sh SMTPCLASS SOURCE_DIR
set -u
bin=$1
src=$2
checks_name=timerange
. "$src/tests/checks.sh"

TZ=UTC
export TZ

# A Postfix bounce of RECIPIENT with the header HEADER.
bounce() { # bounce HEADER QUEUE_ID RECIPIENT
	printf '%s ABCDEF12%s: to=<%s>, relay=mx.example.com[192.0.2.1]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <%s>: User unknown (in reply to RCPT TO command))\n' \
		"$1" "$2" "$3" "$3"
}
sent() { # sent HEADER QUEUE_ID RECIPIENT
	printf '%s ABCDEF12%s: to=<%s>, relay=mx.example.com[192.0.2.1]:25, delay=0.2, delays=0.1/0/0.05/0.05, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1234)\n' \
		"$1" "$2" "$3"
}

# Recipients a..e, one per stamp; f has no time at all.
{
	bounce '2026-11-27T10:00:00+00:00 mx1 postfix/smtp[1]:' 1A a@example.com
	bounce '2026-11-27T12:00:00+02:00 mx1 postfix/smtp[1]:' 1B b@example.com
	bounce '2026-11-27T10:00:00.000001Z mx1 postfix/smtp[1]:' 1C c@example.com
	bounce '2026-11-27T23:30:00Z mx1 postfix/smtp[1]:' 1D d@example.com
	bounce '<22>1 2026-11-28T09:59:59.5-00:30 mx1 postfix/smtp 1 - -' 1E e@example.com
	bounce '' 1F f@example.com
} >"$tmp/fixed.log"

status_of() { # status_of COMMAND...: prints the exit status, output discarded
	"$@" >/dev/null 2>&1
	echo $?
}
output_contains() { # output_contains TEXT OPTION...: smtpclass's output holds TEXT
	text=$1
	shift
	"$bin" "$@" | grep -q -e "$text"
}
names() { # the local parts of the recipients of TSV records, joined
	cut -f 25 | sed 's/@.*//' | tr -d '\n'
}
kept() { # kept OPTION...: the recipients of the records kept, in order
	"$bin" --format=tsv "$@" "$tmp/fixed.log" | names
}

check "all" "abcdef" "$(kept)"
check "since-inclusive" "abcdef" "$(kept --since=2026-11-27T10:00:00Z)"
check "since-same-instant-other-offset" "abcdef" "$(kept --since=2026-11-27T12:00:00+02:00)"
check "since-microsecond" "cdef" "$(kept --since=2026-11-27T10:00:00.000001Z)"
check "until-exclusive" "abf" "$(kept --until=2026-11-27T10:00:00.000001Z)"
check "until-offset-hhmm" "abcf" "$(kept --until=2026-11-27T23:30:00+0000)"
check "range" "cdef" "$(kept --since=2026-11-27T10:00:00.000001Z --until=2026-11-28T10:30:00+00:00)"
check "rfc5424-bound" "ef" "$(kept --since=2026-11-28T10:29:59.5Z)"
check "rfc5424-until" "abcdf" "$(kept --until=2026-11-28T10:29:59.5Z)"
# A date alone is local midnight: 23:30 UTC is the 28th at UTC+1.
check "date-utc" "abcdf" "$(kept --until=2026-11-28)"
check "date-local-zone" "abcf" "$(TZ=XYZ-1 kept --until=2026-11-28)"
check "date-and-local-time" "abcf" "$(TZ=XYZ-1 kept --until='2026-11-28 00:00:00')"
check "date-space-time" "def" "$(kept --since='2026-11-27 10:00:01')"

# Records without a time are kept and counted.
"$bin" --format=tsv --stats --since=2026-11-28 "$tmp/fixed.log" >/dev/null 2>"$tmp/err"
check_true "stats-counts" file_contains "$tmp/err" "outside --since/--until 4, kept without a time 1"
# No "0 of N lines" hint when the range dropped every record.
printf '%s\n' "$(bounce '2026-11-27T10:00:00Z mx1 postfix/smtp[1]:' 1A a@example.com)" >"$tmp/one.log"
"$bin" --since=2026-11-28 "$tmp/one.log" >"$tmp/out" 2>"$tmp/err"
check "all-outside-status" 0 $?
check_true "all-outside-no-output" is_empty_file "$tmp/out"
check_true "all-outside-no-hint" is_empty_file "$tmp/err"

# The summary and the address list count only the records in the range.
check_true "summary-all" output_contains "6 records" --summary "$tmp/fixed.log"
check_true "summary-range" output_contains "2 records" --summary --since=2026-11-28 "$tmp/fixed.log"
"$bin" --addresses=remove --since=2026-11-28 "$tmp/fixed.log" >"$tmp/out"
check "addresses-range" "e@example.com f@example.com" "$(tr '\n' ' ' <"$tmp/out" | sed 's/ $//')"
# A later success outside the range does not take d off the list.
{ cat "$tmp/fixed.log"; sent '2026-11-29T00:00:00Z mx1 postfix/smtp[1]:' 2D d@example.com; } >"$tmp/later.log"
"$bin" --addresses=remove --until=2026-11-29 "$tmp/later.log" >"$tmp/out"
check_true "addresses-later-success-outside" file_contains "$tmp/out" "^d@example.com$"
"$bin" --addresses=remove "$tmp/later.log" >"$tmp/out"
check_true "addresses-later-success-inside" file_lacks "$tmp/out" "^d@example.com$"

# Syslog stamps without a year take --year (or the file's date).
bounce 'Nov 27 10:00:00 mx1 postfix/smtp[1]:' 1C9 g@example.com >"$tmp/syslog.log"
check "syslog-year-in" "g" "$("$bin" --format=tsv --year=2026 --since=2026-11-27 --until=2026-11-28 "$tmp/syslog.log" | names)"
check "syslog-year-out" "" "$("$bin" --format=tsv --year=2025 --since=2026-01-01 "$tmp/syslog.log" | names)"

# Forms relative to now: stamps made from this run's clock, hours apart
# from every bound, so the run may take any time.
now=$(date -u +%s)
stamp() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
{
	bounce "$(stamp "$((now - 3 * 86400))") mx1 postfix/smtp[1]:" 3A r3d@example.com
	bounce "$(date -u -d 'yesterday 12:00' +%Y-%m-%dT%H:%M:%SZ) mx1 postfix/smtp[1]:" 3B ryd@example.com
	bounce "$(stamp "$((now - 2 * 3600))") mx1 postfix/smtp[1]:" 3C r2h@example.com
	bounce "$(stamp "$((now + 3600))") mx1 postfix/smtp[1]:" 3D rfuture@example.com
} >"$tmp/relative.log"
relative() { # relative FILE OPTION...
	file=$1
	shift
	"$bin" --format=tsv "$@" "$file" | cut -f 25 | sed 's/@.*//' | tr '\n' ' ' | sed 's/ $//'
}
check "relative-hours" "rfuture" "$(relative "$tmp/relative.log" --since=-1h)"
check "relative-minutes" "r2h rfuture" "$(relative "$tmp/relative.log" --since=-180m)"
check "relative-seconds" "r2h" "$(relative "$tmp/relative.log" --since=-10800s --until=now)"
check "relative-days" "ryd r2h rfuture" "$(relative "$tmp/relative.log" --since=-2d)"
# today and yesterday: local (here UTC) midnights, the first one kept.
{
	bounce "$(stamp "$((now - 3 * 86400))") mx1 postfix/smtp[1]:" 4A d3@example.com
	bounce "$(date -u -d 'yesterday 00:00' +%Y-%m-%dT%H:%M:%SZ) mx1 postfix/smtp[1]:" 4B y0@example.com
	bounce "$(date -u -d 'yesterday 12:00' +%Y-%m-%dT%H:%M:%SZ) mx1 postfix/smtp[1]:" 4C y12@example.com
	bounce "$(date -u -d 'today 00:00' +%Y-%m-%dT%H:%M:%SZ) mx1 postfix/smtp[1]:" 4D t0@example.com
} >"$tmp/days.log"
check "yesterday" "y0 y12" "$(relative "$tmp/days.log" --since=yesterday --until=today)"
check "today" "t0" "$(relative "$tmp/days.log" --since=today)"
check "today-until" "d3 y0 y12" "$(relative "$tmp/days.log" --until=today)"

# Bad bounds are usage errors.
# -888884888d passes 100,000 days (and once overflowed: fuzz_options).
for bad in tomorrow 2026-13-01 2026-02-30 -1x -1 1h 2026-11-27T25:00:00Z 1795816624 "" \
	-888884888d -8640000001s; do
	check "bad-$bad" 64 "$(status_of "$bin" --since="$bad" "$tmp/fixed.log")"
done
check "bad-until" 64 "$(status_of "$bin" --until=soon "$tmp/fixed.log")"

checks_report
