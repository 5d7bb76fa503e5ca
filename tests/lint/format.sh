#!/bin/sh
# format.sh SOURCE_DIR: fails when a C file of the project is not formatted
# as .clang-format says (clang-format --dry-run --Werror), naming the files
# and the command that formats them.  Tables laid out by hand for reading
# say so with "clang-format off" (src/cli/options.c).  Needs clang-format
# (Debian: clang-format); without it the check is skipped (77) unless CI=true.
set -u
src=${1:?usage: format.sh SOURCE_DIR}
if ! command -v clang-format >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "format.sh: clang-format not found (apt-get install clang-format)"
		exit 1
	fi
	echo "SKIP: clang-format not found (apt-get install clang-format)"
	exit 77
fi
cd "$src" || exit 2
files=$(find src tools include tests -name '*.[ch]' | sort)
bad=
for file in $files; do
	clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || bad="$bad $file"
done
if [ -n "$bad" ]; then
	echo "not formatted as .clang-format says:$bad"
	echo "format them with: clang-format -i$bad"
	exit 1
fi
echo "$(echo "$files" | wc -w) C files formatted as .clang-format says ($(clang-format --version | head -n 1))"
