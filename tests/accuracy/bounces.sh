#!/bin/sh
# Accuracy on whole bounce messages (tests/bounces/*.eml, with Sisimai's
# labels per failed recipient in tests/bounces/expected.tsv).  Prints:
#   recipients found:  expected rows for which a record of the same file
#                      names the same recipient (case-insensitive)
#   reason agreement:  expected rows whose record has the expected reason
#   removal agreement: expected rows where "we remove the address" (action
#                      remove-address at confidence medium or high, what
#                      -e 67 and --addresses=remove act on, as in
#                      accuracy.sh) equals (expected_hardbounce is 1)
# a row without a record counts as a disagreement in all three, and the
# disagreements are listed.  A row whose expected recipient is empty
# (Sisimai found none to name: a file path, a source route, an address it
# could not read) cannot be matched by recipient; it is matched to its
# file's record when the file gives exactly one, and is missing otherwise.
# Fails when a figure is below its floor.
# With SISIMAI_DEV (tests/accuracy/sisimai-dev.tsv: the same failures as one
# line of text each, by id), it also prints for how many of those rows the
# message gives the same reason as the row's text alone (-r TEXT), and the
# rows where they differ ("text" lines): not a floor, a report.
#
# Usage: bounces.sh SMTPCLASS BOUNCES_DIR [MIN_FOUND MIN_REASON MIN_REMOVAL [SISIMAI_DEV]]
set -u
bin=$1
dir=$2
min_found=${3:-0}
min_reason=${4:-0}
min_removal=${5:-0}
dev=${6:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$dir" && "$bin" --format=tsv --header *.eml) > "$work/out" 2> "$work/err"
: > "$work/texts.out"
if [ -n "$dev" ]; then
	# The rows' texts as -r arguments, in the order of the file.
	tail -n +2 "$dev" | cut -f1 > "$work/ids"
	tail -n +2 "$dev" | cut -f3 > "$work/texts"
	set --
	while IFS= read -r text; do
		set -- "$@" -r "$text"
	done < "$work/texts"
	"$bin" --format=tsv "$@" 2>/dev/null | cut -f2,10 > "$work/texts.reasons"
	awk -F'\t' 'NR == FNR { id[NR] = $1; next } { print id[$1] "\t" $2 }' \
		"$work/ids" "$work/texts.reasons" > "$work/texts.out"
fi
tail -n +2 "$dir/expected.tsv" | awk -F'\t' -v out="$work/out" -v texts="$work/texts.out" \
    -v min_found="$min_found" \
    -v min_reason="$min_reason" -v min_removal="$min_removal" '
BEGIN {
	getline header < out
	n = split(header, names, "\t")
	for (i = 1; i <= n; i++) column[names[i]] = i
	while ((getline line < out) > 0) {
		split(line, f, "\t")
		source = f[column["source"]]
		sub(/#[0-9]+$/, "", source) # some files are mboxes of one message
		key = source "\t" tolower(f[column["recipient"]])
		records[source]++
		only[source] = key
		reason[key] = f[column["reason"]]
		action[key] = f[column["action"]]
		confidence[key] = f[column["confidence"]]
		text[key] = f[column["text"]]
	}
	while ((getline line < texts) > 0) {
		split(line, f, "\t")
		text_reason[f[1]] = f[2]
	}
}
{
	rows++
	key = $1 "\t" tolower($2)
	if ($2 == "" && records[$1] == 1)
		key = only[$1]
	if (!(key in reason)) {
		printf "missing  %-30s %s\n", $1, $2
		next
	}
	found++
	if ($8 in text_reason) {
		both++
		if (text_reason[$8] == reason[key]) same++
		else printf "text     %-30s message %-15s text alone %s\n", $1, reason[key], text_reason[$8]
	}
	if (reason[key] == $6) agree++
	else printf "reason   %-30s expected %-15s got %-15s %s\n", $1, $6, reason[key], substr(text[key], 1, 90)
	removal = (action[key] == "remove-address" && confidence[key] != "low") ? 1 : 0
	if (removal == $7) removal_agree++
	else printf "removal  %-30s expected hardbounce=%s, action %s at %s (%s)\n", $1, $7, action[key], confidence[key], reason[key]
}
END {
	pf = 100 * found / rows; r = 100 * agree / rows; m = 100 * removal_agree / rows
	if (both > 0)
		printf "rows also in sisimai-dev: %d; the message gives the reason of the text alone in %d = %.1f%%\n", both, same, 100 * same / both
	printf "rows %d: recipients found %d = %.1f%% (floor %s%%), reason agreement %d = %.1f%% (floor %s%%), removal agreement %d = %.1f%% (floor %s%%)\n", rows, found, pf, min_found, agree, r, min_reason, removal_agree, m, min_removal
	exit (pf < min_found || r < min_reason || m < min_removal) ? 1 : 0
}'
