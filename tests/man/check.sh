#!/bin/sh
# Man page checks: every page passes mandoc's lint, and every long option of
# --help appears in smtpclass.1 (and the other way round).
# Usage: check.sh SMTPCLASS SOURCE_DIR
set -u
bin=$1
src=$2
status=0

for page in "$src"/man/*.[0-9]; do
	if ! mandoc -Tlint -Wwarning "$page"; then
		echo "FAIL: mandoc lint: $page"
		status=1
	fi
done

help_options=$("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man_options=$(grep -E '^\.It Fl' "$src/man/smtpclass.1" | grep -o 'Fl -[a-z][a-z-]*' | sed 's/^Fl -/--/' | sort -u)
for option in $help_options; do
	if ! printf '%s\n' "$man_options" | grep -qx -- "$option"; then
		echo "FAIL: $option is in --help but not in man/smtpclass.1"
		status=1
	fi
done
for option in $man_options; do
	if ! printf '%s\n' "$help_options" | grep -qx -- "$option"; then
		echo "FAIL: $option is in man/smtpclass.1 but not in --help"
		status=1
	fi
done
[ $status -eq 0 ] && echo "man pages ok"
exit $status
