#!/bin/sh
# Accuracy report against Sisimai's labels (tests/accuracy/sisimai-*.tsv,
# copied from the shared corpus: real bounce diagnostics with the reason
# Sisimai gives them).  Prints:
#   reason agreement:  rows where our reason equals expected_reason
#   removal agreement: rows where (our action is remove-address) equals
#                      (expected_hardbounce is 1)
# and the disagreements.  Fails when a figure is below its floor.
#
# Usage: accuracy.sh SMTPCLASS CORPUS.tsv [MIN_REASON_PERCENT MIN_REMOVAL_PERCENT]
# Example: tests/accuracy/accuracy.sh build/dev/smtpclass tests/accuracy/sisimai-dev.tsv 80 95
set -u
bin=$1
corpus=$2
min_reason=${3:-0}
min_removal=${4:-0}
tab=$(printf '\t')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One -r argument per row; the record's "line" is the argument's position.
tail -n +2 "$corpus" | cut -f3 > "$work/texts"
set --
while IFS= read -r text; do
	set -- "$@" -r "$text"
done < "$work/texts"
"$bin" --format=tsv "$@" > "$work/out" 2>/dev/null

tail -n +2 "$corpus" | awk -F'\t' -v out="$work/out" -v min_reason="$min_reason" \
    -v min_removal="$min_removal" '
BEGIN {
	while ((getline line < out) > 0) {
		split(line, f, "\t")
		reason[f[2]] = f[10]; action[f[2]] = f[11]; rule[f[2]] = f[12]
	}
}
{
	n++
	ours = (n in reason) ? reason[n] : "(not a reply)"
	act = (n in action) ? action[n] : "none"
	if (ours == $6) agree++
	else printf "reason   %-28s expected %-15s got %-15s %-30s %s\n", $1, $6, ours, rule[n], substr($3, 1, 100)
	removal = (act == "remove-address") ? 1 : 0
	if (removal == $7) removal_agree++
	else printf "removal  %-28s expected hardbounce=%s, action %s (%s)\n", $1, $7, act, ours
}
END {
	r = 100 * agree / n; m = 100 * removal_agree / n
	printf "rows %d: reason agreement %d/%d = %.1f%% (floor %s%%), removal agreement %d/%d = %.1f%% (floor %s%%)\n", n, agree, n, r, min_reason, removal_agree, n, m, min_removal
	exit (r < min_reason || m < min_removal) ? 1 : 0
}'
