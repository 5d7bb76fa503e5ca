#!/bin/sh
# banned.sh SOURCE_DIR: fails when C code calls a function this project bans
# (the idea of curl's checksrc).  Each has a safer form that says its bound
# or reports its errors:
#   atoi atol atoll atof     no error reporting: strtol/strtoul/strtod
#   sprintf vsprintf         no bound: snprintf
#   strcpy strcat strncpy strncat  unbounded or not always terminated: memcpy
#                            with a known length, or snprintf
#   strtok                   hidden state, not reentrant: scan the bytes
#   gets                     no bound at all: fgets
#   tmpnam tempnam mktemp    race: mkstemp
#   alloca                   unbounded stack
# Comments and strings are not told apart from code, so a banned name may
# not appear followed by "(" anywhere in src/, tools/, include/ or tests/.
set -u
src=${1:?usage: banned.sh SOURCE_DIR}
banned='atoi|atol|atoll|atof|sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|strtok_r|gets|tmpnam|tempnam|mktemp|alloca'
found=$(cd "$src" && grep -rnE "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" \
	--include='*.c' --include='*.h' src tools include tests)
if [ -n "$found" ]; then
	printf 'banned functions (see tests/lint/banned.sh for the safer forms):\n%s\n' "$found"
	exit 1
fi
n=$(cd "$src" && find src tools include tests -name '*.[ch]' | wc -l)
echo "no banned function in $n C files"
