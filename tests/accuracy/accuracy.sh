#!/bin/sh
# Accuracy report against Sisimai's labels (tests/accuracy/*.tsv, copied from
# the shared corpus: real bounce diagnostics with the reason Sisimai gives
# them).  For each corpus, per fold and overall, it prints:
#   reason agreement:  rows where our reason equals expected_reason
#   removal agreement: rows where "we remove the address" (remove-address at
#                      confidence medium or high, what -e 67 and
#                      --addresses=remove act on) equals expected_hardbounce=1
#   false removals:    rows we remove while Sisimai does not call the address
#                      hard, over the rows whose expected_reason is not
#                      "filtered"; the filtered rows ("user unknown" after
#                      DATA, whose text rarely says the stage) are counted
#                      apart
#   queue context:     reason disagreements where Sisimai says expired and
#                      we say networkerror: the text is the last temporary
#                      error of a message the MTA then gave up on, which the
#                      bounce says and the text alone does not
#   label conflicts:   rows whose text (addresses aside) is also another
#                      row's text under another label, and the ceiling that
#                      sets on any classifier of the text alone
#   stage context:     reason disagreements where Sisimai says filtered and
#                      we say userunknown: the label depends on the SMTP
#                      stage, which a bare text lacks (the finder's stage,
#                      issue 11, decides those)
# Rows fall into FOLDS folds (default 5) by a hash of their id, so the split
# never changes.  Work on the rules looking only at the disagreements of one
# fold (SHOW_FOLD, default 0; SHOW_FOLD=all lists every fold's) and read the
# other folds' figures as the measure of what that work does on replies it
# was not written against.  Columns are found by their header names in the
# corpus and in smtpclass's --header output, so added columns do not matter.
# Exits 1 when an overall figure misses its floor.
#
# Usage: accuracy.sh SMTPCLASS CORPUS.tsv [MIN_REASON% [MIN_REMOVAL% [MAX_FALSE_REMOVAL%]]]
# Example: tests/accuracy/accuracy.sh build/dev/smtpclass tests/accuracy/sisimai-dev.tsv 85 93 1
set -u
bin=$1
corpus=$2
min_reason=${3:-0}
min_removal=${4:-0}
max_false=${5:-100}
folds=${FOLDS:-5}
show=${SHOW_FOLD:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The column of a header name in a TSV file's first line, or fail.
column_of() { # column_of FILE NAME
	head -n 1 "$1" | tr '\t' '\n' | awk -v name="$2" '$0 == name { print NR; found = 1; exit }
		END { if (!found) { print "accuracy.sh: no column " name > "/dev/stderr"; exit 1 } }'
}

id_col=$(column_of "$corpus" id) || exit 2
text_col=$(column_of "$corpus" diagnostic_text) || exit 2
reason_col=$(column_of "$corpus" expected_reason) || exit 2
hard_col=$(column_of "$corpus" expected_hardbounce) || exit 2

# One -r argument per row; the record's "line" is the argument's position.
tail -n +2 "$corpus" | cut -f"$text_col" > "$work/texts"
set --
while IFS= read -r text; do
	set -- "$@" -r "$text"
done < "$work/texts"
"$bin" --format=tsv --header "$@" > "$work/out" 2>/dev/null

line_col=$(column_of "$work/out" line) || exit 2
our_reason_col=$(column_of "$work/out" reason) || exit 2
action_col=$(column_of "$work/out" action) || exit 2
confidence_col=$(column_of "$work/out" confidence) || exit 2
rule_col=$(column_of "$work/out" rule) || exit 2

tail -n +2 "$corpus" | awk -F'\t' -v out="$work/out" -v folds="$folds" -v show="$show" \
    -v corpus="$(basename "$corpus")" -v min_reason="$min_reason" -v min_removal="$min_removal" \
    -v max_false="$max_false" -v idc="$id_col" -v textc="$text_col" -v rc="$reason_col" \
    -v hc="$hard_col" -v lc="$line_col" -v orc="$our_reason_col" -v ac="$action_col" \
    -v cc="$confidence_col" -v rulec="$rule_col" '
function fold_of(id,    h, i) {
	h = 0
	for (i = 1; i <= length(id); i++)
		h = (h * 31 + ord[substr(id, i, 1)]) % 1000003
	return h % folds
}
function pct(a, b) { return b > 0 ? 100 * a / b : 100 }
function report(label, f) {
	printf "%-22s %-8s rows %4d  reason %5.1f%% (%d)  removal %5.1f%% (%d)  false removal %4.1f%% (%d/%d)  filtered removed %d/%d\n",
	    corpus, label, n[f], pct(agree[f], n[f]), agree[f], pct(ragree[f], n[f]), ragree[f],
	    pct(fr[f], nf[f]), fr[f], nf[f], frf[f], nfil[f]
}
BEGIN {
	for (i = 32; i < 127; i++)
		ord[sprintf("%c", i)] = i
	getline header < out
	while ((getline line < out) > 0) {
		split(line, f, "\t")
		reason[f[lc]] = f[orc]; action[f[lc]] = f[ac]; confidence[f[lc]] = f[cc]
		rule[f[lc]] = f[rulec]
	}
}
{
	row++
	k = fold_of($idc)
	ours = (row in reason) ? reason[row] : "(not a reply)"
	act = (row in action) ? action[row] : "none"
	removes = act == "remove-address" && (confidence[row] == "medium" || confidence[row] == "high")
	hard = $hc == 1
	listed = show == "all" || show == k
	for (s = 0; s < 2; s++) {
		g = s == 0 ? k : "all"
		n[g]++
		if (ours == $rc) agree[g]++
		else if ($rc == "filtered" && ours == "userunknown") staged[g]++
		else if ($rc == "expired" && ours == "networkerror") gave_up[g]++
		if (removes == hard) ragree[g]++
		if ($rc == "filtered") {
			nfil[g]++
			if (removes && !hard) frf[g]++
		} else {
			nf[g]++
			if (removes && !hard) fr[g]++
		}
	}
	# The same text (but for its addresses) under another label: what no
	# classifier of the text alone can agree with.
	t = tolower($textc)
	gsub(/[^ \t<>()\[\]]*@[^ \t<>()\[\]]*/, "@", t)
	gsub(/[ \t]+/, " ", t)
	same_reason[t SUBSEP $rc]++
	same_hard[t SUBSEP $hc]++
	if (!listed)
		next
	if (ours != $rc)
		printf "fold %d reason   %-28s expected %-15s got %-15s %-30s %s\n", k, $idc, $rc, ours, rule[row], substr($textc, 1, 100)
	if (removes != hard)
		printf "fold %d removal  %-28s expected hardbounce=%s, action %s at %s (%s, %s)\n", k, $idc, $hc, act, confidence[row], ours, rule[row]
}
END {
	for (k = 0; k < folds; k++)
		report("fold " k, k)
	report("overall", "all")
	printf "%s stage context: %d reason disagreements are Sisimai filtered vs our userunknown, a user-unknown text whose stage (after DATA) the text does not say\n", corpus, staged["all"]
	printf "%s queue context: %d reason disagreements are Sisimai expired vs our networkerror, the last temporary error of a message the MTA gave up on (its bounce says Action: failed, the text does not)\n", corpus, gave_up["all"]
	for (kk in same_reason) {
		split(kk, p, SUBSEP)
		if (same_reason[kk] > best_reason[p[1]]) best_reason[p[1]] = same_reason[kk]
	}
	for (kk in same_hard) {
		split(kk, p, SUBSEP)
		if (same_hard[kk] > best_hard[p[1]]) best_hard[p[1]] = same_hard[kk]
	}
	for (t in best_reason) ceiling_reason += best_reason[t]
	for (t in best_hard) ceiling_hard += best_hard[t]
	printf "%s label conflicts: %d rows share their text (but for addresses) with a row labelled with another reason, %d with another hardbounce: from the text alone at most %.1f%% of reasons and %.1f%% of removals can agree\n", corpus, n["all"] - ceiling_reason, n["all"] - ceiling_hard, pct(ceiling_reason, n["all"]), pct(ceiling_hard, n["all"])
	r = pct(agree["all"], n["all"]); m = pct(ragree["all"], n["all"]); x = pct(fr["all"], nf["all"])
	printf "%s floors: reason >= %s%%, removal >= %s%%, false removal <= %s%%: %s\n", corpus, min_reason, min_removal, max_false,
	    (r < min_reason || m < min_removal || x > max_false) ? "MISSED" : "held"
	exit (r < min_reason || m < min_removal || x > max_false) ? 1 : 0
}'
