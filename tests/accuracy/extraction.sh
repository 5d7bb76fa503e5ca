#!/bin/sh
# Extraction report (the reply finder, issue 11) on Sisimai's texts
# (tests/accuracy/sisimai-*.tsv); accuracy.sh reports the classification
# with its folds.  Prints:
#   reason agreement:  rows where our reason equals expected_reason
#   removal agreement: rows where (our action is remove-address) equals
#                      (expected_hardbounce is 1)
#   extracted:         of the rows whose text carries the expected basic code
#                      (expected_replycode written as a number in the text),
#                      the share where smtpclass gives that code
#   refused:           rows smtpclass refused as "not an SMTP reply"
#   unknown with code: rows whose text carries the code but got verdict unknown
# and the disagreements.  Fails when a figure is below its floor (above its
# ceiling for refused; any unknown with a code fails).  Columns are found by
# name in both the corpus header and smtpclass's --header line, so columns
# added to either do not move the figures.
#
# Usage: accuracy.sh SMTPCLASS CORPUS.tsv [MIN_REASON% MIN_REMOVAL% [MIN_EXTRACTED% MAX_REFUSED%]]
# Example: tests/accuracy/accuracy.sh build/dev/smtpclass tests/accuracy/sisimai-dev.tsv 80 90 99 1
set -u
bin=$1
corpus=$2
min_reason=${3:-0}
min_removal=${4:-0}
min_extracted=${5:-0}
max_refused=${6:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The diagnostic_text column, by name.
text_column=$(head -n 1 "$corpus" | tr '\t' '\n' | grep -n -x diagnostic_text | cut -d: -f1)
if [ -z "$text_column" ]; then
	echo "accuracy.sh: $corpus: no diagnostic_text column" >&2
	exit 2
fi

# One -r argument per row; the record's "line" is the argument's position.
tail -n +2 "$corpus" | cut -f"$text_column" > "$work/texts"
set --
while IFS= read -r text; do
	set -- "$@" -r "$text"
done < "$work/texts"
"$bin" --format=tsv --header "$@" > "$work/out" 2>/dev/null

awk -F'\t' -v out="$work/out" -v min_reason="$min_reason" -v min_removal="$min_removal" \
    -v min_extracted="$min_extracted" -v max_refused="$max_refused" '
function column(names, name) {
	if (!(name in names)) {
		printf "accuracy.sh: no column %s\n", name > "/dev/stderr"
		exit 2
	}
	return names[name]
}
# Whether the text carries the code as a number of its own (not inside
# 4550 or 550.1): "550 ...", "550-5.1.1", "#550", "550:".
function carries(text, code,    rest, at, before, after) {
	rest = text
	while ((at = index(rest, code)) > 0) {
		before = at > 1 ? substr(rest, at - 1, 1) : ""
		after = substr(rest, at + 3, 1)
		if (before !~ /[0-9.]/ && after !~ /[0-9.]/)
			return 1
		rest = substr(rest, at + 3)
	}
	return 0
}
BEGIN {
	if ((getline line < out) > 0) {
		n_out = split(line, names_out, "\t")
		for (i = 1; i <= n_out; i++) out_columns[names_out[i]] = i
	}
	c_line = column(out_columns, "line"); c_code = column(out_columns, "code")
	c_reason = column(out_columns, "reason"); c_action = column(out_columns, "action")
	c_rule = column(out_columns, "rule"); c_verdict = column(out_columns, "verdict")
	while ((getline line < out) > 0) {
		split(line, f, "\t")
		k = f[c_line]
		reason[k] = f[c_reason]; action[k] = f[c_action]; rule[k] = f[c_rule]
		code[k] = f[c_code]; verdict[k] = f[c_verdict]
	}
}
NR == 1 {
	for (i = 1; i <= NF; i++) theirs[$i] = i
	c_id = column(theirs, "id"); c_text = column(theirs, "diagnostic_text")
	c_want_code = column(theirs, "expected_replycode")
	c_want_reason = column(theirs, "expected_reason")
	c_want_hard = column(theirs, "expected_hardbounce")
	next
}
{
	n++
	id = $c_id; text = $c_text
	ours = (n in reason) ? reason[n] : "(not a reply)"
	act = (n in action) ? action[n] : "none"
	if (!(n in reason)) refused++
	if (ours == $c_want_reason) agree++
	else printf "reason   %-28s expected %-15s got %-15s %-30s %s\n", id, $c_want_reason, ours, rule[n], substr(text, 1, 100)
	removal = (act == "remove-address") ? 1 : 0
	if (removal == $c_want_hard) removal_agree++
	else printf "removal  %-28s expected hardbounce=%s, action %s (%s)\n", id, $c_want_hard, act, ours
	want = $c_want_code
	if (want ~ /^[2-5][0-9][0-9]$/ && carries(text, want)) {
		with_code++
		if ((n in code) && code[n] == want) extracted++
		else printf "code     %-28s expected %s got %s: %s\n", id, want, (n in code) ? (code[n] == "" ? "none" : code[n]) : "(not a reply)", substr(text, 1, 100)
		if (!(n in verdict) || verdict[n] == "unknown") {
			unknown_with_code++
			printf "unknown  %-28s code %s in the text, verdict unknown\n", id, want
		}
	}
}
END {
	r = 100 * agree / n; m = 100 * removal_agree / n
	e = with_code > 0 ? 100 * extracted / with_code : 100
	x = 100 * refused / n
	printf "rows %d: reason agreement %d/%d = %.1f%% (floor %s%%), removal agreement %d/%d = %.1f%% (floor %s%%)\n", n, agree, n, r, min_reason, removal_agree, n, m, min_removal
	printf "rows %d: code in the text %d, extracted %d/%d = %.1f%% (floor %s%%), refused %d/%d = %.1f%% (ceiling %s%%), unknown with a code %d (ceiling 0)\n", n, with_code, extracted, with_code, e, min_extracted, refused, n, x, max_refused, unknown_with_code
	exit (r < min_reason || m < min_removal || e < min_extracted || x > max_refused || unknown_with_code > 0) ? 1 : 0
}' "$corpus"
