#!/bin/sh
# exports.sh HEADER LIBRARY... [SYMBOLS]: the static archive and the shared
# library define exactly the functions the public header declares
# (SMTPCLASS_API), and nothing else: internal names are hidden (shared) or
# made local when the archive is prelinked (static), so they cannot clash
# with a program's own.  A Debian symbols file given (debian/*.symbols)
# must list the same functions.
set -u
header=$1
shift
declared=$(grep -v '^#' "$header" | grep -o 'SMTPCLASS_API [^(]*(' | sed 's/($//; s/.*[ *]//' | sort -u)
failed=0
for library in "$@"; do
	case $library in
	*.symbols) defined=$(awk '/@Base/ { sub(/@Base/, "", $1); print $1 }' "$library" | sort -u) ;;
	*.a) defined=$(nm -g --defined-only "$library" | awk 'NF == 3 { print $3 }' | sort -u) ;;
	*) defined=$(nm -D --defined-only "$library" | awk 'NF == 3 { print $3 }' | sort -u) ;;
	esac
	extra=$(printf '%s\n' "$defined" | grep -vxF "$declared" | tr '\n' ' ')
	missing=$(printf '%s\n' "$declared" | grep -vxF "$defined" | tr '\n' ' ')
	if [ -n "$extra" ] || [ -n "$missing" ]; then
		echo "$(basename "$library"): defines beyond the header: ${extra:-none}; declared but missing: ${missing:-none}"
		failed=1
	else
		echo "$(basename "$library"): exactly the $(printf '%s\n' "$declared" | wc -l) functions of the header"
	fi
done
exit "$failed"
