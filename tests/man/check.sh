#!/bin/sh
# Man page checks: every page passes mandoc's lint and renders with groff
# (what man-db uses on Debian) without a warning and with every section, all
# pages have the same footer (.Os), and every long option and exit status of
# --help appears in smtpclass.1 (and the other way round).  groff's mdoc
# reads words such as "An" or "No" at the start of a .%T title as macros and
# silently drops the rest of the page, which mandoc renders fine: hence both.
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
	if ! command -v groff >/dev/null 2>&1; then
		echo "FAIL: groff is missing (Debian package groff-base)"
		status=1
		continue
	fi
	warnings=$(groff -mandoc -ww -z "$page" 2>&1)
	if [ -n "$warnings" ]; then
		printf '%s\n' "$warnings"
		echo "FAIL: groff warns: $page"
		status=1
	fi
	rendered=$(groff -mandoc -Tutf8 -P-cbou "$page" 2>/dev/null)
	for section in $(sed -n 's/^\.Sh \([A-Z][A-Z ]*\)$/\1/p' "$page" | tr ' ' '_'); do
		if ! printf '%s\n' "$rendered" | grep -qx -- "$(echo "$section" | tr '_' ' ')"; then
			echo "FAIL: groff does not render section $section of $page"
			status=1
		fi
	done
done

footers=$(grep -h '^\.Os' "$src"/man/*.[0-9] | sort -u)
if [ "$(printf '%s\n' "$footers" | wc -l)" -ne 1 ]; then
	echo "FAIL: the pages have different footers: $footers"
	status=1
fi

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
# Every exit status of smtpclass(1) is in --help, and the other way round.
help_statuses=$("$bin" --help | sed -n '/^Exit status:/,$s/^  \([0-9][0-9]*\)  .*/\1/p' | sort -un)
man_statuses=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /s/^\.It \([0-9][0-9]*\)$/\1/p' "$src/man/smtpclass.1" | sort -un)
if [ "$help_statuses" != "$man_statuses" ]; then
	echo "FAIL: exit statuses differ: --help [$(echo $help_statuses)], smtpclass.1 [$(echo $man_statuses)]"
	status=1
fi
[ $status -eq 0 ] && echo "man pages ok"
exit $status
