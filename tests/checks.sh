# checks.sh: what the shell test scripts (tests/cli, tests/hostile) share.
# Source it with bin (the smtpclass binary), src (the source tree) and
# checks_name set.  It makes bin and src absolute (some checks run from
# another directory), makes $tmp (removed on exit), and counts checks in
# count, failures, known and skipped; checks_report prints the counts and
# fails when a check failed.
#
# known_bug() records behaviour that is wrong but not fixed yet: the test has
# the correct expectation, is printed as KNOWN and does not fail the run.
# When it starts to pass, it says so: turn it into a check().  skip() says
# why a check could not run.
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
failures=0
count=0
known=0
skipped=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smtpclass-$checks_name.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

check() { # check NAME EXPECTED ACTUAL
	count=$((count + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL $1: expected [$2], got [$3]"
		failures=$((failures + 1))
	fi
}

check_true() { # check_true NAME COMMAND...: the command must succeed
	name=$1
	shift
	count=$((count + 1))
	if ! "$@"; then
		echo "FAIL $name: '$*' is false"
		failures=$((failures + 1))
	fi
}

check_file() { # check_file NAME EXPECTED_FILE ACTUAL_FILE
	count=$((count + 1))
	if ! cmp -s "$2" "$3"; then
		echo "FAIL $1: output differs from $2:"
		diff -u "$2" "$3" | head -40
		failures=$((failures + 1))
	fi
}

known_bug() { # known_bug NAME EXPECTED ACTUAL: printed, not counted as a failure
	if [ "$2" != "$3" ]; then
		echo "KNOWN $1: expected [$2], got [$3]"
		known=$((known + 1))
	else
		echo "KNOWN-FIXED? $1 now passes: turn it into a check"
	fi
}

skip() { # skip NAME WHY
	echo "SKIPPED $1: $2"
	skipped=$((skipped + 1))
}

contains() { # contains TEXT PART
	case $1 in
	*"$2"*) return 0 ;;
	*) return 1 ;;
	esac
}

file_contains() { grep -q -e "$2" "$1"; } # file_contains FILE PATTERN
file_lacks() { ! grep -q -e "$2" "$1"; }   # file_lacks FILE PATTERN
is_empty_file() { [ ! -s "$1" ]; }

checks_report() {
	echo "$count checks, $failures failures, $known known bugs (not counted), $skipped skipped"
	[ "$failures" -eq 0 ]
}
