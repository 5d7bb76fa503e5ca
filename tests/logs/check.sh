#!/bin/sh
# Golden tests on real MTA log lines (tests/logs/*.log, see SOURCES.md):
# 1. every file's records (--all, JSON Lines) equal tests/logs/expected/FILE.jsonl;
# 2. every record's verdict agrees with the MTA's own status and dsn=:
#    sent -> success, deferred -> soft, bounced/expired -> hard, a dsn= of
#    class 4 -> soft and 5 -> hard; a reject carries its reply's class.
# Usage: check.sh SMTPCLASS SOURCE_DIR [--update]
# --update rewrites the expected files (read the diff before committing).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$2/tests/logs
update=${3:-}
failures=0
records=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for log in "$dir"/*.log; do
	name=$(basename "$log" .log)
	(cd "$dir" && "$bin" --all --year=2026 --format=json "$name.log") >"$work/$name.jsonl" 2>/dev/null
	if [ "$update" = --update ]; then
		cp "$work/$name.jsonl" "$dir/expected/$name.jsonl"
	elif ! cmp -s "$work/$name.jsonl" "$dir/expected/$name.jsonl"; then
		echo "FAIL golden $name.log:"
		diff "$dir/expected/$name.jsonl" "$work/$name.jsonl" | head -10
		failures=$((failures + 1))
	fi
	(cd "$dir" && "$bin" --all --format=tsv "$name.log") >"$work/$name.tsv" 2>/dev/null
	out=$(awk -F'\t' '
	{
		code = $3; verdict = $9; status = $24; dsn = $25
		want = ""
		if (status == "sent") want = "success"
		else if (status == "deferred") want = "soft"
		else if (status == "bounced" || status == "expired") want = "hard"
		else if (status == "rejected" && code != "") want = (substr(code, 1, 1) == "4") ? "soft" : (substr(code, 1, 1) == "5") ? "hard" : ""
		if (want != "" && verdict != want) print FILENAME ":" $2 ": status " status " code " code " but verdict " verdict
		if (dsn ~ /^[45]\./ && status != "sent" && status != "rejected") {
			d = (substr(dsn, 1, 1) == "4") ? "soft" : "hard"
			if (verdict != d) print FILENAME ":" $2 ": dsn " dsn " but verdict " verdict
		}
	}
	END { print "n=" NR }' "$work/$name.tsv")
	n=$(printf '%s\n' "$out" | sed -n 's/^n=//p')
	records=$((records + n))
	if printf '%s\n' "$out" | grep -q -v '^n='; then
		printf '%s\n' "$out" | grep -v '^n='
		failures=$((failures + 1))
	fi
done
echo "log goldens: $records records, $failures failures"
[ "$failures" -eq 0 ]
