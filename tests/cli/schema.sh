#!/bin/sh
# The record schema: every mode (-r, a file of replies, log mode) and every
# machine format (JSON, TSV, CSV) writes the same keys in the same order, and
# that order is the one documented in smtpclass(1) (OUTPUT) and README.md
# (Output).  Also: a wrapped reply inside a log line and the same text given
# to -r give the same code, enhanced code, stage and reason (the verdict, and
# with it the action, may differ only where the MTA's own status has the last
# word, as log mode documents: Postfix's status=deferred of a 5xx is soft).
# Usage: schema.sh SMTPCLASS SOURCE_DIR
set -u
bin=$1
src=$2
checks_name=schema
. "$src/tests/checks.sh"

# The keys smtpclass(1) documents, in order: the .It Li entries of OUTPUT.
sed -n '/^\.Sh OUTPUT/,/^\.Sh ENVIRONMENT/p' "$src/man/smtpclass.1" |
	sed -n 's/^\.It Li \([a-z_]*\)$/\1/p' | tr '\n' ' ' >"$tmp/man"
# The keys README.md documents, in order: the first column of the tables of
# its Output section ("`sender`, `recipient`, `domain`" is three keys).
sed -n '/^## Output/,/^## Exit status/p' "$src/README.md" | sed -n 's/^| \(`[^|]*`\) |.*/\1/p' |
	tr -d '`' | sed 's/, /\n/g' | grep -v '^key$' | tr '\n' ' ' >"$tmp/readme"
man_keys=$(cat "$tmp/man")
check "readme-equals-man" "$man_keys" "$(cat "$tmp/readme")"
check_true "schema-has-35-keys" [ "$(echo $man_keys | wc -w)" -eq 35 ]

# Keys of the first JSON record of a run, in order (a "key": at the top
# level: the values written by smtpclass never hold '","' before a colon).
json_keys() {
	"$@" --format=json 2>/dev/null | head -n 1 | sed 's/^{//; s/}$//' |
		grep -o '\(^\|,\)"[a-z_]*":' | tr -d '",:' | tr '\n' ' '
}
header_keys() { # header_keys FORMAT COMMAND...
	format=$1
	shift
	"$@" --format="$format" --header 2>/dev/null | head -n 1 | tr '\t,' '  ' | tr -s ' ' |
		sed 's/ *$/ /'
}

printf '%s\n' '550 5.1.1 <bob@example.com>: User unknown' \
	'host mx.example.com[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)' \
	>"$tmp/replies.txt"
log=$src/tests/logs/postfix.log
for mode in reply file log; do
	case $mode in
	reply) set -- "$bin" -r '550 5.1.1 <bob@example.com>: User unknown' ;;
	file) set -- "$bin" "$tmp/replies.txt" ;;
	log) set -- "$bin" --all "$log" ;;
	esac
	check "json-keys-$mode" "$man_keys" "$(json_keys "$@")"
	check "tsv-header-$mode" "$man_keys" "$(header_keys tsv "$@")"
	check "csv-header-$mode" "$man_keys" "$(header_keys csv "$@")"
	# every record of the run has every key
	"$@" --format=json >"$tmp/records.$mode" 2>/dev/null
	n=$(wc -l <"$tmp/records.$mode")
	check_true "records-$mode" [ "$n" -gt 0 ]
	for key in $man_keys; do
		with=$(grep -c "\"$key\":" "$tmp/records.$mode")
		check "key-$key-in-every-$mode-record" "$n" "$with"
	done
done

# ---- A wrapped reply in a log line and the same text given to -r ----------
# code, enhanced, stage and reason of a TSV record
facts() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ print $c["code"], $c["enhanced"], $c["stage"], $c["reason"] }'
}
n=0
cat "$src/tests/logs/postfix.log" "$src/tests/logs/web-postfix.log" \
	"$src/tests/logs/postfix-msgonly.log" >"$tmp/postfix-lines.log"
while IFS= read -r line; do
	# the text inside "status=X (...)", as Postfix writes it
	text=$(printf '%s\n' "$line" | sed -n 's/.* status=[a-z]* (\(.*\))$/\1/p')
	[ -n "$text" ] || continue
	case $text in
	host*said:*) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	printf '%s\n' "$line" >"$tmp/one.log"
	from_log=$("$bin" --format=tsv --header "$tmp/one.log" | facts)
	from_reply=$("$bin" --format=tsv --header -r "$text" | facts)
	check "log-equals-reply-$n" "$from_log" "$from_reply"
done <"$tmp/postfix-lines.log"
check_true "log-lines-compared" [ "$n" -ge 5 ]

checks_report
