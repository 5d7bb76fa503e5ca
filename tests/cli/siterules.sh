#!/bin/sh
# siterules.sh: the site rules directory read by default (CTest: site-rules).
#
# Usage: siterules.sh SMTPCLASS DIRECTORY
#
# SMTPCLASS is a build of the tool whose SMTPCLASS_SITE_RULES_DIR is
# DIRECTORY (tests/CMakeLists.txt builds one), so the test writes the files
# there instead of /etc/smtpclass/rules.d.  Checks: no directory is no
# error; its *.rules files apply, in sort order, and other names are
# ignored; --no-site-rules turns them off; --rules wins a tie; a bad file
# stops the run with 65 and its name and line.
set -u
bin=$1
dir=$2
failed=0
checks=0
reply='550 5.7.1 blocked using zen.spamhaus.org'

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# expect DESCRIPTION PATTERN ARGUMENTS...: the text output matches PATTERN.
expect() {
	description=$1
	pattern=$2
	shift 2
	got=$("$bin" "$@" 2>&1)
	case $got in
	$pattern) ;;
	*) fail "$description: got '$got'" ;;
	esac
	checks=$((checks + 1))
}

header='id	phrases	reason	action	verdict	bare_verdict	provider	source'
rm -rf "$dir"
expect "no directory" 'hard *blocked*' -r "$reply"
mkdir -p "$dir"
expect "empty directory" 'hard *blocked*' -r "$reply"
printf '%s\n%s\n' "$header" 'soft-spamhaus	spamhaus	blocked	retry	soft	-	-	test' >"$dir/20-soft.rules"
printf '%s\n%s\n' "$header" 'hard-spamhaus	spamhaus	blocked	-	hard	-	-	test' >"$dir/30-hard.rules"
printf 'not a rules file\n' >"$dir/README"
expect "the directory's rules, in sort order" 'soft *blocked *retry*' -r "$reply"
expect "--explain names the rule" '*rule: site soft-spamhaus;*' --explain -r "$reply"
expect "--no-site-rules" 'hard *blocked*' --no-site-rules -r "$reply"
printf '%s\n%s\n' "$header" 'cli-spamhaus	spamhaus	policyviolation	-	hard	-	-	test' >"$dir/../cli.rules"
expect "--rules wins a tie" '*rule: site cli-spamhaus;*' --explain --rules "$dir/../cli.rules" -r "$reply"
printf '%s\n%s\n' "$header" 'broken	spamhaus' >"$dir/10-broken.rules"
expect "a bad file" "smtpclass: $dir/10-broken.rules:2: *" -r "$reply"
"$bin" -r "$reply" >/dev/null 2>&1
status=$?
[ "$status" -eq 65 ] || fail "a bad site rules file exits with $status, not 65"
expect "a bad file, --no-site-rules" 'hard *blocked*' --no-site-rules -r "$reply"
rm -rf "$dir" "$dir/../cli.rules"
echo "$checks passed, $failed failed"
[ "$failed" -eq 0 ]
