#!/bin/sh
# rss.sh: peak memory of smtpclass on large logs, for every mode: the memory
# must not grow with the input.  Too slow for CTest (a 1 GiB log is written
# and read five times); run it by hand on the release build:
#
#   cmake --preset release -DBUILD_TESTING=OFF && cmake --build --preset release
#   tests/hostile/rss.sh            # 100 MiB and 1 GiB Postfix logs
#   tests/hostile/rss.sh 100 2048   # any sizes, in MiB
#
# The logs come from tests/bench/genlog.c (fixed seed: the same bytes on every
# machine) or, without it, from examples/sample-mail.log repeated.  The peak RSS
# comes from wait4(2) (tests/hostile/hostile_tool.c), so GNU time is not
# needed.  Prints a table: mode x size -> peak RSS, and the time as a check
# that the run read the whole log.  The sizes are given in increasing order.
#
# A streaming mode (one record per line of output) passes when its peak RSS
# is at most RSS_LIMIT_KIB (default 16384, the floor of tests/bench) at every
# size and grows by at most RSS_GROWTH_KIB (default 4096) from the smallest
# size to the largest.  Summary mode keeps fixed-capacity tables that fill up
# as new domains, hosts, reply groups and addresses arrive, so its RSS grows
# until they are full (about 30 MiB on a 2 GiB genlog log, 37 MiB with every
# table full): it passes when its peak RSS is at most RSS_SUMMARY_LIMIT_KIB
# (default 40960) at every size.
#
# Environment: SMTPCLASS (default build/release/smtpclass), RSS_DIR (keep the
# generated logs there and reuse them; default a temporary directory), CC.
# Exit status: 0 every mode passes, 1 one does not or a run failed, 2 setup.
set -u
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${SMTPCLASS:-$root/build/release/smtpclass}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
limit=${RSS_LIMIT_KIB:-16384}
summary_limit=${RSS_SUMMARY_LIMIT_KIB:-40960}
growth=${RSS_GROWTH_KIB:-4096}
if [ $# -eq 0 ]; then
	set -- 100 1024
fi
for size in "$@"; do
	case $size in
	'' | *[!0-9]* | 0)
		echo "usage: tests/hostile/rss.sh [SIZE_MIB]..." >&2
		exit 2
		;;
	esac
done
if [ ! -x "$bin" ]; then
	echo "rss.sh: $bin: not an executable; build the release preset first" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtpclass-rss.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM
logs=${RSS_DIR:-$work}
mkdir -p "$logs" || exit 2
tool=$work/hostile_tool
${CC:-cc} -std=c11 -O2 -I"$here/../fuzz" -o "$tool" "$here/hostile_tool.c" "$here/../fuzz/json_check.c" || exit 2
generator=
if [ -f "$root/tests/bench/genlog.c" ]; then
	${CC:-cc} -O2 -o "$work/genlog" "$root/tests/bench/genlog.c" || exit 2
	generator="tests/bench/genlog.c (postfix, fixed seed)"
else
	generator="examples/sample-mail.log repeated"
fi

# make_log MIB FILE: a Postfix log of at least MIB MiB.
make_log() {
	bytes=$(($1 * 1048576))
	if [ -s "$2" ] && [ "$(wc -c <"$2")" -ge "$bytes" ]; then
		return 0
	fi
	if [ -x "$work/genlog" ]; then
		"$work/genlog" postfix "$bytes" >"$2"
		return
	fi
	sample=$root/examples/sample-mail.log
	copies=$((bytes / $(wc -c <"$sample") + 1))
	awk -v copies="$copies" '{ line[NR] = $0 } END { for (c = 0; c < copies; c++) for (i = 1; i <= NR; i++) print line[i] }' \
		"$sample" >"$2"
}

modes="default --all --format=json"
if "$bin" --help | grep -q -e '--summary'; then
	modes="$modes --summary --summary__--format=json"
fi

echo "# command: $0 $*"
echo "# date: $(date -u '+%Y-%m-%dT%H:%M:%SZ')  binary: $bin ($("$bin" --version))"
echo "# inputs: $generator; peak RSS from wait4(2); limits: $limit KiB and growth $growth KiB, summary $summary_limit KiB"
echo "# host: $(uname -sm), $(nproc 2>/dev/null || echo '?') CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
printf '%-34s' "mode"
for size in "$@"; do
	printf ' %18s' "$size MiB"
done
printf '  %s\n' "verdict"
for size in "$@"; do
	make_log "$size" "$logs/postfix-$size.log" || exit 2
done

failed=0
for mode in $modes; do
	options=$(echo "$mode" | sed 's/^default$//; s/__/ /g')
	case $mode in
	--summary*) mode_limit=$summary_limit mode_growth= ;;
	*) mode_limit=$limit mode_growth=$growth ;;
	esac
	printf '%-34s' "smtpclass $options"
	smallest=
	largest=0
	verdict=PASS
	for size in "$@"; do
		# shellcheck disable=SC2086 # options are words
		"$tool" measure "$work/measure" 3600 "$bin" $options "$logs/postfix-$size.log" >/dev/null 2>"$work/err"
		status=$?
		read -r rss ms <"$work/measure"
		printf ' %9s KiB %5ss' "$rss" "$(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }')"
		if [ "$status" -ne 0 ] || [ -s "$work/err" ]; then
			verdict="FAIL (status $status: $(head -n 1 "$work/err"))"
		elif [ "$rss" -gt "$mode_limit" ]; then
			verdict="FAIL (over $mode_limit KiB)"
		fi
		[ -n "$smallest" ] || smallest=$rss
		largest=$rss
	done
	if [ "$verdict" = PASS ] && [ -n "$mode_growth" ] && [ $((largest - smallest)) -gt "$mode_growth" ]; then
		verdict="FAIL (grew $((largest - smallest)) KiB)"
	elif [ "$verdict" = PASS ] && [ -z "$mode_growth" ]; then
		verdict="PASS (tables filling: +$((largest - smallest)) KiB)"
	fi
	printf '  %s\n' "$verdict"
	case $verdict in PASS*) ;; *) failed=1 ;; esac
done
exit "$failed"
