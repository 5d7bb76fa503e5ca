#!/bin/sh
# bench.sh: throughput and memory benchmarks of smtpclass against its floors.
#
# Generates a realistic Postfix log and Exim log (tests/bench/genlog.c, fixed
# seed, so every run reads the same bytes) and times, interleaved round-robin
# so that a noisy neighbour hurts every command alike, against the same file:
#   cat FILE, grep -c 'status=' FILE, smtpclass FILE, smtpclass --all FILE,
#   smtpclass --format=json FILE (and smtpclass --summary FILE when --help
#   lists it).
# Each figure is the median of the rounds; cat measured in the same run is
# the yardstick (ratio column).  Then 1,000,000 replies to JSON, half of them
# wrapped in an MTA's sentence ("host H[IP] said: ... (in reply to ...)"),
# and the adversarial rows of issue 20: nested site rules on long lines,
# and a summary whose recipient domain changes on every line.
# Only POSIX sh, coreutils, grep, sed, cc and GNU time (/usr/bin/time) are used.
set -u

usage() {
	cat <<'EOF'
usage: tests/bench/bench.sh [SIZE_MB]

Benchmarks smtpclass on a generated SIZE_MB (default 100; 1 MB = 10^6 bytes)
Postfix log and Exim log, and on 1,000,000 generated replies, and checks the
floors (see tests/bench/README.md).  With SIZE_MB >= 1000 each log command runs
once (a memory check on a 1 GB log); otherwise 5 interleaved rounds, median.

Environment:
  SMTPCLASS     binary to test (default: build/release/smtpclass in the repo)
  BENCH_DIR     keep the generated inputs here and reuse them on the next run
                (default: a temporary directory, removed at the end)
  BENCH_ROUNDS  rounds for the log commands (default 5, or 1 from 1000 MB)
  GENLOG        a built genlog (default: tests/bench/genlog.c built with cc -O2)
  CC            C compiler for genlog (default cc)

Needs GNU time for the peak RSS: apt-get install -y time
Exit status: 0 all floors met, 1 a floor missed or a command failed,
2 setup error (no binary, no /usr/bin/time, bad argument).
EOF
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
esac
if [ $# -gt 1 ]; then
	usage >&2
	exit 2
fi
size_mb=${1:-100}
case $size_mb in
'' | *[!0-9]* | 0)
	usage >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SMTPCLASS=${SMTPCLASS:-$root/build/release/smtpclass}
case $SMTPCLASS in
/*) ;;
*) SMTPCLASS=$(pwd)/$SMTPCLASS ;;
esac
if [ "$size_mb" -ge 1000 ]; then
	rounds=${BENCH_ROUNDS:-1}
else
	rounds=${BENCH_ROUNDS:-5}
fi
reply_rounds=5
reply_count=1000000
size_bytes=$((size_mb * 1000000))

echo "# command: $0 $*"
echo "# SMTPCLASS=$SMTPCLASS BENCH_DIR=${BENCH_DIR:-} BENCH_ROUNDS=$rounds"

if [ ! -x /usr/bin/time ]; then
	echo "bench.sh: /usr/bin/time not found: apt-get install -y time" >&2
	exit 2
fi
if [ ! -x "$SMTPCLASS" ]; then
	echo "bench.sh: $SMTPCLASS: not an executable; build it first:" >&2
	echo "  cmake --preset release -DBUILD_TESTING=OFF && cmake --build --preset release" >&2
	exit 2
fi

if [ -n "${BENCH_DIR:-}" ]; then
	work=$BENCH_DIR
	mkdir -p "$work" || exit 2
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/smtpclass-bench.XXXXXX") || exit 2
	trap 'rm -rf "$scratch"' EXIT
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/smtpclass-bench.XXXXXX") || exit 2
	scratch=$work
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

commit=$(git -C "$root" log -1 --format=%h 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" --no-optional-locks status --porcelain 2>/dev/null | head -n 1)" ]; then
	commit="$commit (working tree dirty)"
fi
cpu=$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit: $commit"
echo "# machine: $(nproc) cores, ${cpu:-unknown cpu}"
echo "# smtpclass: $("$SMTPCLASS" --version 2>&1 | head -n 1)"
echo "# load average before: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
load_whole=$(cut -d . -f 1 /proc/loadavg 2>/dev/null)
if [ "${load_whole:-0}" -ge 1 ]; then
	echo "# warning: the machine is busy already: every figure below is lower than on an idle machine"
fi

# ---- inputs ----

genlog=${GENLOG:-}
if [ -z "$genlog" ]; then
	genlog=$scratch/genlog
	${CC:-cc} -std=c11 -O2 -o "$genlog" "$here/genlog.c" || exit 2
fi

# generate KIND SIZE FILE: reuses FILE when the same genlog.c made it with the
# same arguments (FILE.ok records that, and the size it had).
genlog_source=$(cksum <"$here/genlog.c" | cut -d ' ' -f 1)
generate() {
	if [ -f "$3" ] && [ -f "$3.ok" ] &&
		[ "$(cat "$3.ok")" = "$genlog_source $1 $2 $(wc -c <"$3")" ]; then
		return 0
	fi
	"$genlog" "$1" "$2" >"$3" || exit 2
	echo "$genlog_source $1 $2 $(wc -c <"$3")" >"$3.ok"
}

postfix_log=$work/postfix-${size_mb}MB.log
exim_log=$work/exim-${size_mb}MB.log
bare_replies=$work/replies-$reply_count.txt
replies=$work/replies-$reply_count-half-wrapped.txt
generate postfix "$size_bytes" "$postfix_log"
generate exim "$size_bytes" "$exim_log"
generate replies "$reply_count" "$bare_replies"
# Half of the replies wrapped in the sentences MTAs write around them
# (data/wrappers.tsv), so that the finder is measured as well as the parser.
if [ ! -f "$replies" ] || [ "$replies" -ot "$bare_replies" ]; then
	awk '
	NR % 2 == 1 { print; next }
	{
		n = (NR / 2) % 6
		if (n == 0) print "host mx" NR % 97 ".example.com[192.0.2." NR % 250 "] said: " $0 " (in reply to RCPT TO command)"
		else if (n == 1) print "SMTP error from remote mail server after RCPT TO:<u" NR "@example.com>: host mx.example.net [198.51.100." NR % 250 "]: " $0
		else if (n == 2) print "192.0.2." NR % 250 " does not like recipient. Remote host said: " $0 " Giving up on 192.0.2." NR % 250 "."
		else if (n == 3) print "Remote Server returned \047" $0 "\047"
		else if (n == 4) print "The error that the other server returned was: " $0
		else print "... while talking to mx.example.jp.: >>> DATA <<< " $0
	}' "$bare_replies" >"$replies" || exit 2
fi

# The Postfix log compressed as logrotate's compress leaves it (gzip -6):
# smtpclass reads it directly (zlib, on its reader thread); the yardstick is
# zcat alone, and the floor is "zcat FILE.gz | smtpclass" (issue 13).
postfix_gz=$postfix_log.gz
if [ ! -f "$postfix_gz" ] || [ "$postfix_gz" -ot "$postfix_log" ]; then
	gzip -6 -c "$postfix_log" >"$postfix_gz" || exit 2
fi

# Adversarial inputs (issue 20: work must not grow faster than the input).
# Site rules that nest, "a", "aa", ... 200 a's, against lines of 60 KB of
# a's: every byte ends a match of every shorter rule, which once cost 2,000
# times a plain line (the automaton walked its output links per byte).
nested_rules=$work/nested-200.rules
adv_rules=$work/adversarial-nested-a.txt
if [ ! -f "$nested_rules" ] || [ ! -f "$adv_rules" ]; then
	awk 'BEGIN {
		printf "id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\n"
		s = "a"
		for (i = 1; i <= 200; i++) { printf "nested-%d\t%s\tblocked\tretry\tsoft\t-\t-\tbench\n", i, s; s = s "a" }
	}' >"$nested_rules" || exit 2
	awk 'BEGIN { s = "550 "; for (i = 0; i < 60000; i++) s = s "a"; for (n = 0; n < 200; n++) print s }' \
		>"$adv_rules" || exit 2
fi
# A summary whose recipient domains never repeat within 100,000 lines, so
# the domain table (4096 entries) replaces an entry on most records: the
# cost of a full table, and of hash collisions, which a remote sender cannot
# choose (the seed is random per run).  The first 20 MB of the Postfix log,
# each recipient's domain made d<line mod 100000>.example.
adv_domains=$work/adversarial-domains.log
if [ ! -f "$adv_domains" ] || [ "$adv_domains" -ot "$postfix_log" ]; then
	head -c 20000000 "$postfix_log" |
		awk '{ sub(/to=<[^@>]*@[^>]*>/, "to=<u@d" NR % 100000 ".example>"); print }' >"$adv_domains" || exit 2
fi
adv_plain=$work/adversarial-plain.log
if [ ! -f "$adv_plain" ] || [ "$adv_plain" -ot "$postfix_log" ]; then
	head -c 20000000 "$postfix_log" >"$adv_plain" || exit 2
fi
# Lines that repeat the openings of the reply finder's wrapper forms along
# their whole length (a run of blanks after "said:", "#" and "#5" of the
# Exchange form, "error " of the Amazon SES form, "host " and ">>> "):
# before issue 20's fixes of the finder, each cost its length squared (a 60
# KB line of blanks 2.6 s).  The same mix in lines of 30 KB and of 60 KB, 12
# MB each: a linear finder reads both at the same speed.
adv_wrap30=$work/adversarial-wrappers-30k.txt
adv_wrap60=$work/adversarial-wrappers-60k.txt
if [ ! -f "$adv_wrap30" ] || [ ! -f "$adv_wrap60" ]; then
	for width in 30000 60000; do
		awk -v width="$width" 'BEGIN {
			n = split("host mx said:  |#|#5|error |host |>>> ", form, "|")
			lines = 12000000 / width
			for (i = 0; i < lines; i++) {
				f = form[i % n + 1]
				s = (i % n == 0) ? "host mx said: " : ""
				unit = (i % n == 0) ? " " : f
				while (length(s) < width)
					s = s unit
				print substr(s, 1, width)
			}
		}' >"$work/adversarial-wrappers-$((width / 1000))k.txt" || exit 2
	done
fi

cases="cat grep log all json"
if "$SMTPCLASS" --help 2>&1 | grep -q -- '--summary'; then
	cases="$cases summary"
fi
# Pinned to one core (issue 19): the read-ahead and counting threads then
# share the scan's core.  Only where taskset(1) exists (util-linux).
if command -v taskset >/dev/null 2>&1; then
	cases="$cases log1"
	case $cases in *summary*) cases="$cases summary1" ;; esac
fi

# ---- measuring ----

results=$scratch/results
: >"$results"
failed=0

# command_for CASE FILE: prints the command to run, one word per line.
command_for() {
	case $1 in
	cat) printf '%s\n' cat "$2" ;;
	grep) printf '%s\n' grep -c status= "$2" ;;
	log) printf '%s\n' "$SMTPCLASS" "$2" ;;
	all) printf '%s\n' "$SMTPCLASS" --all "$2" ;;
	json) printf '%s\n' "$SMTPCLASS" --format=json "$2" ;;
	text) printf '%s\n' "$SMTPCLASS" "$2" ;;
	summary) printf '%s\n' "$SMTPCLASS" --summary "$2" ;;
	log1) printf '%s\n' taskset -c 0 "$SMTPCLASS" "$2" ;;
	summary1) printf '%s\n' taskset -c 0 "$SMTPCLASS" --summary "$2" ;;
	rules) printf '%s\n' "$SMTPCLASS" --rules="$nested_rules" "$2" ;;
	zcat) printf '%s\n' zcat "$2" ;;
	gz) printf '%s\n' "$SMTPCLASS" "$2" ;;
	zcatpipe) printf '%s\n' sh -c 'zcat "$1" | "$2"' sh "$2" "$SMTPCLASS" ;;
	esac
}

# label_for CASE: the command as shown in the table.
label_for() {
	case $1 in
	cat) echo "cat FILE" ;;
	grep) echo "grep -c 'status=' FILE" ;;
	log) echo "smtpclass FILE" ;;
	all) echo "smtpclass --all FILE" ;;
	json) echo "smtpclass --format=json FILE" ;;
	text) echo "smtpclass FILE" ;;
	summary) echo "smtpclass --summary FILE" ;;
	log1) echo "1 core: smtpclass FILE" ;;
	summary1) echo "1 core: smtpclass --summary" ;;
	rules) echo "smtpclass --rules=NESTED FILE" ;;
	zcat) echo "zcat FILE.gz" ;;
	gz) echo "smtpclass FILE.gz" ;;
	zcatpipe) echo "zcat FILE.gz | smtpclass" ;;
	esac
}

# centiseconds SECONDS: "1.07" -> 107 (GNU time prints two decimals).
centiseconds() {
	cs_whole=${1%.*}
	cs_part=${1#*.}
	cs_part=${cs_part#0}
	echo $((cs_whole * 100 + cs_part))
}

# measure INPUT CASE FILE: one timed run, appended to $results as
# "INPUT CASE NANOSECONDS RSS_KIB EXIT CPU_CENTISECONDS".  Output goes to /dev/null (grep: a file).
measure() {
	m_input=$1
	m_case=$2
	m_file=$3
	# one word per line: file names may hold spaces
	m_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2046 # split on purpose, on newlines only
	set -- $(command_for "$m_case" "$m_file")
	set +f
	IFS=$m_ifs
	# GNU grep stops at the first match when its output is /dev/null
	m_output=/dev/null
	if [ "$m_case" = grep ]; then
		m_output=$scratch/grep-count
	fi
	m_start=$(date +%s%N)
	/usr/bin/time -f '%M %U %S' -o "$scratch/usage" "$@" >"$m_output" 2>"$scratch/stderr"
	m_status=$?
	m_end=$(date +%s%N)
	# the last line: "PEAK_RSS_KIB USER_SECONDS SYSTEM_SECONDS", seconds as 0.00
	# shellcheck disable=SC2046 # three numbers, split on purpose
	set -- $(tail -n 1 "$scratch/usage")
	m_rss=$1
	m_cpu=$(($(centiseconds "$2") + $(centiseconds "$3")))
	# grep -c exits 1 when it counts nothing (the Exim log has no status=)
	if [ "$m_case" = grep ] && [ "$m_status" -eq 1 ]; then
		m_status=0
	fi
	if [ "$m_status" -ne 0 ]; then
		echo "bench.sh: $* exited $m_status: $(head -c 300 "$scratch/stderr")" >&2
	fi
	echo "$m_input $m_case $((m_end - m_start)) $m_rss $m_status $m_cpu" >>"$results"
}

# median INPUT CASE COLUMN: the median (lower middle) of a results column.
median() {
	grep "^$1 $2 " "$results" | cut -d ' ' -f "$3" | sort -n >"$scratch/column"
	md_count=$(wc -l <"$scratch/column")
	sed -n "$(((md_count + 1) / 2))p" "$scratch/column"
}

minimum() {
	grep "^$1 $2 " "$results" | cut -d ' ' -f "$3" | sort -n | head -n 1
}

maximum() {
	grep "^$1 $2 " "$results" | cut -d ' ' -f "$3" | sort -n | tail -n 1
}

# fixed VALUE DIGITS: VALUE scaled down by 10^DIGITS, e.g. "fixed 1234 2" -> "12.34".
fixed() {
	fx_scale=1
	fx_i=0
	while [ "$fx_i" -lt "$2" ]; do
		fx_scale=$((fx_scale * 10))
		fx_i=$((fx_i + 1))
	done
	fx_part=$(($1 % fx_scale + fx_scale))
	echo "$(($1 / fx_scale)).${fx_part#1}"
}

# Warm the page cache so the first round is not a disk benchmark.
cat "$postfix_log" "$exim_log" "$replies" >/dev/null

echo "# $rounds round(s) interleaved over: $cases"
round=1
while [ "$round" -le "$rounds" ]; do
	for c in $cases; do
		measure postfix "$c" "$postfix_log"
		measure exim "$c" "$exim_log"
	done
	for c in zcat gz zcatpipe; do
		measure postfix-gz "$c" "$postfix_gz"
	done
	round=$((round + 1))
done
round=1
while [ "$round" -le "$reply_rounds" ]; do
	for c in cat text json; do
		measure replies "$c" "$replies"
	done
	for c in cat text rules; do
		measure adv-rules "$c" "$adv_rules"
	done
	for c in cat summary; do
		measure adv-plain "$c" "$adv_plain"
		measure adv-domains "$c" "$adv_domains"
	done
	for c in cat text; do
		measure adv-wrap30 "$c" "$adv_wrap30"
		measure adv-wrap60 "$c" "$adv_wrap60"
	done
	round=$((round + 1))
done

# ---- report ----

postfix_lines=$(wc -l <"$postfix_log")
exim_lines=$(wc -l <"$exim_log")
postfix_records=$("$SMTPCLASS" "$postfix_log" 2>/dev/null | wc -l)
exim_records=$("$SMTPCLASS" "$exim_log" 2>/dev/null | wc -l)
echo
echo "inputs: postfix $(wc -c <"$postfix_log") bytes, $postfix_lines lines ($postfix_records records printed by smtpclass FILE);"
echo "        exim $(wc -c <"$exim_log") bytes, $exim_lines lines ($exim_records records printed by smtpclass FILE);"
echo "        postfix-gz: the Postfix log as gzip -6, $(wc -c <"$postfix_gz") bytes (MB/s on the uncompressed bytes; vs zcat)"
echo "        replies $(wc -c <"$replies") bytes, $reply_count lines"
echo "        adv-rules: 200 lines of \"550 \" and 60,000 a's; NESTED: 200 site rules a, aa, ..., 200 a's"
echo "        adv-plain: the first 20 MB of the Postfix log; adv-domains: the same, a new recipient domain per line (100,000)"
echo "        adv-wrap30, adv-wrap60: 12 MB of lines of 30 KB and 60 KB that repeat wrapper openings (blanks after said:, #, #5, error, host, >>>)"
echo

row() {
	printf '%-10s %-30s %9s %9s %7s %8s %9s %10s %s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}

# filled per row below (eval), read by the floor checks
ns_replies_json=1 mbps_postfix_log=0 mbps_postfix_summary=0
row input command "MB/s" seconds spread "vs cat" "CPU MB/s" "peak RSS" ""
row ---------- ------------------------------ --------- --------- ------- -------- --------- ---------- ""
for input in postfix exim postfix-gz replies adv-rules adv-plain adv-domains adv-wrap30 adv-wrap60; do
	yardstick=cat
	if [ "$input" = replies ]; then
		input_file=$replies
		input_cases="cat text json"
	elif [ "$input" = adv-rules ]; then
		input_file=$adv_rules
		input_cases="cat text rules"
	elif [ "$input" = adv-plain ] || [ "$input" = adv-domains ]; then
		eval "input_file=\$adv_$(echo "$input" | cut -d - -f 2)"
		input_cases="cat summary"
	elif [ "$input" = adv-wrap30 ] || [ "$input" = adv-wrap60 ]; then
		eval "input_file=\$adv_$(echo "$input" | cut -d - -f 2)"
		input_cases="cat text"
	elif [ "$input" = postfix-gz ]; then
		input_file=$postfix_log # the bytes read are the uncompressed ones
		input_cases="zcat gz zcatpipe"
		yardstick=zcat
	else
		input_cases=$cases
		if [ "$input" = postfix ]; then
			input_file=$postfix_log
		else
			input_file=$exim_log
		fi
	fi
	bytes=$(wc -c <"$input_file")
	cat_ns=$(median "$input" "$yardstick" 3)
	for c in $input_cases; do
		ns=$(median "$input" "$c" 3)
		fastest=$(minimum "$input" "$c" 3)
		slowest=$(maximum "$input" "$c" 3)
		rss=$(maximum "$input" "$c" 4)
		cpu=$(median "$input" "$c" 6)
		worst=$(maximum "$input" "$c" 5)
		worst_note=""
		if [ "$worst" -ne 0 ]; then
			worst_note="FAILED (exit $worst)"
			failed=1
		fi
		note=$worst_note
		[ "$ns" -gt 0 ] || ns=1
		mbps=$((bytes * 10000 / ns))               # MB/s x 10
		ratio=$((cat_ns * 1000 / ns))              # x 1000
		spread=$(((slowest - fastest) * 100 / ns)) # % of the median
		rss_mib=$(((rss * 10 + 512) / 1024))       # MiB x 10
		cpu_mbps=-
		if [ "$cpu" -gt 0 ]; then
			cpu_mbps=$(fixed $((bytes / (cpu * 1000))) 1) # on user+system time
		fi
		if [ "$input" = replies ] && [ "$c" != cat ]; then
			note="$((reply_count * 1000000000 / ns)) replies/s"
			if [ "$cpu" -gt 0 ]; then
				note="$note (CPU time: $((reply_count * 100 / cpu))/s)"
			fi
			note="$note $worst_note"
		fi
		row "$input" "$(label_for "$c")" "$(fixed "$mbps" 1)" "$(fixed $((ns / 1000000)) 3)" "$spread%" \
			"$(fixed "$ratio" 3)x" "$cpu_mbps" "$(fixed "$rss_mib" 1) MiB" "$note"
		eval "ns_$(echo "$input" | tr - _)_$c=\$ns rss_$(echo "$input" | tr - _)_$c=\$rss mbps_$(echo "$input" | tr - _)_$c=\$mbps"
	done
done

# ---- floors ----

echo
echo "# load average after: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
echo "floors:"
# check OK MESSAGE: prints a floor line; a missed floor fails the run.
check() {
	if [ "$1" -eq 1 ]; then
		echo "  PASS  $2"
	else
		failed=1
		echo "  FAIL  $2"
	fi
}
log_mbps=$mbps_postfix_log
ok=0
[ "$log_mbps" -ge 10000 ] && ok=1
check $ok "smtpclass FILE on the Postfix log >= 1000 MB/s: $(fixed "$log_mbps" 1) MB/s"
for input in postfix exim; do
	eval "rss=\$rss_${input}_log"
	ok=0
	[ "$rss" -le 16384 ] && ok=1
	check $ok "peak RSS of smtpclass FILE on the $input log <= 16 MiB: $rss KiB"
done
json_ns=$ns_replies_json
replies_per_second=$((reply_count * 1000000000 / json_ns))
ok=0
[ "$replies_per_second" -ge 1000000 ] && ok=1
check $ok "smtpclass --format=json on $reply_count replies >= 1,000,000 replies/s: $replies_per_second/s"
# JSON costs at most 15% of text's throughput on every MTA (issue 13).
for input in postfix exim; do
	eval "json_mbps=\$mbps_${input}_json text_mbps=\$mbps_${input}_log"
	ok=0
	[ $((json_mbps * 100)) -ge $((text_mbps * 85)) ] && ok=1
	check $ok "smtpclass --format=json >= 85% of smtpclass FILE ($input log): $(fixed "$json_mbps" 1) vs $(fixed "$text_mbps" 1) MB/s"
done
# shellcheck disable=SC2154 # set by the eval in the table loop
gz_ns=$ns_postfix_gz_gz pipe_ns=$ns_postfix_gz_zcatpipe
ok=0
[ "$gz_ns" -le "$pipe_ns" ] && ok=1
check $ok "smtpclass FILE.gz at least as fast as zcat FILE.gz | smtpclass: $(fixed $((gz_ns / 1000000)) 3) s vs $(fixed $((pipe_ns / 1000000)) 3) s"
case " $cases " in
*" summary "*)
	summary_mbps=$mbps_postfix_summary
	ok=0
	[ $((summary_mbps * 100)) -ge $((log_mbps * 80)) ] && ok=1
	check $ok "smtpclass --summary >= 80% of smtpclass FILE (Postfix log): $(fixed "$summary_mbps" 1) MB/s"
	# shellcheck disable=SC2154 # set by the eval in the table loop
	echo "  info  peak RSS of smtpclass --summary FILE: $rss_postfix_summary KiB (Postfix), $rss_exim_summary KiB (Exim)"
	;;
*)
	echo "  n/a   smtpclass --summary >= 80% of log mode: --help does not list --summary"
	;;
esac
# Adversarial bounds (issue 20): nested site rules keep matching linear, and
# a domain table that replaces an entry on most records stays near the cost
# of a plain summary.  The nested rules do the same work per byte as the
# plain run (callgrind: 215M against 219M instructions on the whole file),
# but every step of theirs follows an explicit cell, so each byte waits for
# the load of the one before, while the plain run's steps fall back to the
# root, which the processor guesses ahead: 40%, not the 50% first chosen
# (measured 46-52%), is what a linear matcher on this machine keeps.
# shellcheck disable=SC2154 # set by the eval in the table loop
rules_mbps=$mbps_adv_rules_rules plain_mbps=$mbps_adv_rules_text
ok=0
[ $((rules_mbps * 100)) -ge $((plain_mbps * 40)) ] && ok=1
check $ok "smtpclass --rules=NESTED on 60 KB lines of a's >= 40% of smtpclass FILE on them: $(fixed "$rules_mbps" 1) vs $(fixed "$plain_mbps" 1) MB/s"
case " $cases " in
*" summary "*)
	# shellcheck disable=SC2154 # set by the eval in the table loop
	domains_mbps=$mbps_adv_domains_summary plain_mbps=$mbps_adv_plain_summary
	ok=0
	[ $((domains_mbps * 100)) -ge $((plain_mbps * 50)) ] && ok=1
	check $ok "smtpclass --summary with a new domain per line >= 50% of --summary on the same log: $(fixed "$domains_mbps" 1) vs $(fixed "$plain_mbps" 1) MB/s"
	;;
esac
# The reply finder stays linear on lines that repeat its forms' openings:
# lines twice as long are read at least at 70% of the speed (a cost of the
# length squared reads them at half of it).
# shellcheck disable=SC2154 # set by the eval in the table loop
wrap30=$mbps_adv_wrap30_text wrap60=$mbps_adv_wrap60_text
ok=0
[ $((wrap60 * 100)) -ge $((wrap30 * 70)) ] && ok=1
check $ok "smtpclass FILE on 60 KB lines of wrapper openings >= 70% of it on 30 KB lines: $(fixed "$wrap60" 1) vs $(fixed "$wrap30" 1) MB/s"
# Issue 19's targets, toward the machine's limit: reported, not floors yet
# (they do not change the exit status while the issue is open).
echo "targets (issue 19):"
target() { # target OK MESSAGE
	if [ "$1" -eq 1 ]; then
		echo "  MET   $2"
	else
		echo "  BELOW $2"
	fi
}
ok=0
[ "$mbps_postfix_log" -ge 20000 ] && ok=1
target $ok "smtpclass FILE on the Postfix log >= 2000 MB/s: $(fixed "$mbps_postfix_log" 1) MB/s"
ok=0
[ "${mbps_exim_log:-0}" -ge 15000 ] && ok=1
target $ok "smtpclass FILE on the Exim log >= 1500 MB/s: $(fixed "${mbps_exim_log:-0}" 1) MB/s"
case " $cases " in
*" log1 "*)
	# shellcheck disable=SC2154 # set by the eval in the table loop
	ok=0
	[ "$mbps_postfix_log1" -ge 15000 ] && ok=1
	target $ok "smtpclass FILE on one core (taskset -c 0) >= 1500 MB/s: $(fixed "$mbps_postfix_log1" 1) MB/s"
	;;
esac
case " $cases " in
*" summary1 "*)
	# shellcheck disable=SC2154 # set by the eval in the table loop
	ok=0
	[ $((mbps_postfix_summary * 100)) -ge $((mbps_postfix_log * 90)) ] && ok=1
	target $ok "smtpclass --summary >= 90% of smtpclass FILE: $(fixed "$mbps_postfix_summary" 1) vs $(fixed "$mbps_postfix_log" 1) MB/s"
	ok=0
	[ $((mbps_postfix_summary1 * 100)) -ge $((mbps_postfix_log1 * 75)) ] && ok=1
	target $ok "on one core, --summary >= 75% of smtpclass FILE: $(fixed "$mbps_postfix_summary1" 1) vs $(fixed "$mbps_postfix_log1" 1) MB/s"
	;;
esac
ok=0
[ "$replies_per_second" -ge 2000000 ] && ok=1
target $ok "smtpclass --format=json on $reply_count replies >= 2,000,000 replies/s: $replies_per_second/s"
ok=0
[ "$rss_postfix_log" -le 8192 ] && ok=1
target $ok "peak RSS of smtpclass FILE <= 8 MiB: $rss_postfix_log KiB"
if [ "$postfix_records" -eq 0 ]; then
	echo "  note: smtpclass FILE printed nothing for the Postfix log: log mode is not working" >&2
	failed=1
fi
exit "$failed"
