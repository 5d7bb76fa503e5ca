#!/bin/sh
# valgrind memcheck over the real binary and the unit tests: no errors and
# no leaks.  Run in a build without sanitizers (preset "memcheck").
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
bin=$build/smtpclass
vg="valgrind --quiet --suppressions=$src/tests/valgrind/dlopen.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible"
failures=0
count=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # run NAME COMMAND...
	name=$1
	shift
	count=$((count + 1))
	"$@" >"$work/out" 2>"$work/err"
	status=$?
	if [ $status -eq 99 ] || grep -q '==[0-9]*==' "$work/err"; then
		echo "FAIL $name (status $status)"
		cat "$work/err"
		failures=$((failures + 1))
	fi
}

printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\nsoft-block\tspamhaus\tblocked\tretry\tsoft\t-\t-\tsite\n' >"$work/site.tsv"
run log-default $vg "$bin" "$src/examples/sample-mail.log"
run log-json $vg "$bin" --all --format=json "$src/examples/sample-mail.log"
run logs-all $vg "$bin" --all --format=csv "$src"/tests/logs/*.log
run replies $vg "$bin" --format=tsv --header "$src/examples/sample-replies.txt"
run lookup $vg "$bin" --explain -r '550 5.1.1 <a@b.example>: User unknown' -r 'Connection timed out'
run not-a-reply $vg "$bin" -r hello
run site-rules $vg "$bin" --rules "$work/site.tsv" -r '554 5.7.1 blocked using zen.spamhaus.org'
run bad-rules $vg "$bin" --rules "$src/README.md" -r 550
run mail $vg "$bin" --format=json "$src/tests/bounces/rfc3464-34.eml" "$src/tests/bounces/lhost-kddi-01.eml" "$src/tests/bounces/lhost-qmail-01.eml"
run mbox-pipe $vg "$bin" --addresses=remove "$src/tests/bounces/lhost-postfix-10.eml"
run missing-file $vg "$bin" "$work/missing" "$src/examples/sample-replies.txt"
if "$bin" --help | grep -q -- '--summary'; then
	run summary $vg "$bin" --summary "$src/examples/sample-mail.log"
	run summary-json $vg "$bin" --summary --format=json "$src/examples/sample-mail.log"
	"$bin" --summary --format=json "$src/examples/sample-mail.log" >"$work/s.json" 2>/dev/null
	run merge $vg "$bin" --merge "$work/s.json" "$work/s.json"
fi
for test in "$build"/tests/test_*; do
	[ -x "$test" ] || continue
	run "$(basename "$test")" $vg "$test"
done
echo "valgrind: $count runs, $failures failures"
[ $failures -eq 0 ]
