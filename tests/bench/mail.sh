#!/bin/sh
# mail.sh: messages per second and peak RSS of smtpclass on an mbox of
# bounces: the 283 real bounces of tests/bounces/ repeated to COUNT messages
# (default 10,000), each after an mbox "From " line.  Times the mbox read as
# a file and through a pipe (cat mbox | smtpclass --addresses=remove),
# median of ROUNDS (default 5), and checks the floor of 20,000 messages/s.
# Needs GNU time for the peak RSS (apt-get install -y time).
# Usage: tests/bench/mail.sh [COUNT]   (SMTPCLASS: binary, default build/release)
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=${SMTPCLASS:-$src/build/release/smtpclass}
count=${1:-10000}
rounds=${ROUNDS:-5}
floor=20000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
while [ "$n" -lt "$count" ]; do
	for f in "$src"/tests/bounces/*.eml; do
		[ "$n" -lt "$count" ] || break
		echo "From MAILER-DAEMON Thu Apr 29 23:34:45 2010"
		# Files that are mboxes of one message already have the line.
		sed -e '1{/^From /d;}' -e 's/^From />From /' "$f"
		echo
		n=$((n + 1))
	done
done >"$work/bounces.mbox"
bytes=$(wc -c <"$work/bounces.mbox" | tr -d ' ')
"$bin" --stats --format=tsv "$work/bounces.mbox" >/dev/null 2>"$work/stats"
grep 'messages' "$work/stats"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
measure() { # measure NAME COMMAND: prints seconds and peak RSS of the median
	name=$1
	shift
	i=0
	: >"$work/times"
	while [ "$i" -lt "$rounds" ]; do
		/usr/bin/time -f '%e %M' -o "$work/time" sh -c "$*" >/dev/null 2>&1
		cat "$work/time" >>"$work/times"
		i=$((i + 1))
	done
	seconds=$(cut -d' ' -f1 "$work/times" | median)
	rss=$(cut -d' ' -f2 "$work/times" | median)
	rate=$(awk -v n="$count" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : n * 100) }')
	printf '%-40s %8s s %10s messages/s %8s KiB peak RSS\n' "$name" "$seconds" "$rate" "$rss"
	echo "$rate" >"$work/rate.$name"
}
echo "mbox: $count messages, $bytes bytes; $rounds rounds, median; $(nproc) cores"
measure file "'$bin' '$work/bounces.mbox'"
measure json "'$bin' --format=json '$work/bounces.mbox'"
measure addresses-pipe "cat '$work/bounces.mbox' | '$bin' --addresses=remove"
measure one-core "taskset -c 0 '$bin' '$work/bounces.mbox'"
rate=$(cat "$work/rate.one-core")
if [ "$rate" -lt "$floor" ]; then
	echo "FLOOR MISSED: $rate messages/s on one core < $floor"
	exit 1
fi
echo "floor met: $rate messages/s on one core >= $floor"
