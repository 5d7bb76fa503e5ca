#!/bin/sh
# make.sh: rebuilds the journalctl outputs in this directory with systemd's
# own tools (Debian: systemd, systemd-journal-remote), so the tests read
# what journalctl really writes, not imitations.
#   1. source.export, journald's export format, is made from the syslog
#      lines of examples/sample-mail.log (year 2026, UTC), plus one bounce
#      whose MESSAGE is not UTF-8 (Latin-1 "caf\351": journalctl -o json then
#      writes MESSAGE as an array of bytes, and export as a binary field);
#   2. systemd-journal-remote writes a real journal file from it;
#   3. journalctl --file=... -o FORMAT writes one file per output format.
# Usage: tests/logs/journal/make.sh   (from anywhere; needs root for nothing)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../../..
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v months="JanFebMarAprMayJunJulAugSepOctNovDec" '
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= m <= 2
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
match($0, /^[A-Z][a-z][a-z] +[0-9]+ [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [^ ]+ [A-Za-z0-9/._-]+\[[0-9]+\]: /) {
	n++
	month = (index(months, $1) + 2) / 3
	split($3, t, ":")
	seconds = days_from_civil(2026, month, $2) * 86400 + t[1] * 3600 + t[2] * 60 + t[3]
	host = $4
	tag = $5
	sub(/:$/, "", tag)
	ident = tag; sub(/\[.*/, "", ident)
	pid = tag; sub(/.*\[/, "", pid); sub(/\]/, "", pid)
	message = substr($0, RLENGTH + 1)
	printf "__CURSOR=s=0;i=%d\n__REALTIME_TIMESTAMP=%d%06d\n__MONOTONIC_TIMESTAMP=%d\n", n, seconds, n, n
	printf "_BOOT_ID=0123456789abcdef0123456789abcdef\nPRIORITY=6\nSYSLOG_FACILITY=2\n"
	printf "SYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%s\n_PID=%s\n_HOSTNAME=%s\n_TRANSPORT=syslog\n", ident, pid, pid, host
	printf "MESSAGE=%s\n\n", message
}' "$root/examples/sample-mail.log" >"$here/source.export"
{
	message='4F3A21C0D9: to=<marie@example.fr>, relay=mx.example.fr[192.0.2.7]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.fr[192.0.2.7] said: 550 5.1.1 <marie@example.fr>: adresse inconnue, caf\351 (in reply to RCPT TO command))'
	length=$(printf "$message" | wc -c)
	printf '__CURSOR=s=0;i=999\n__REALTIME_TIMESTAMP=1795790224000999\n__MONOTONIC_TIMESTAMP=999\n'
	printf '_BOOT_ID=0123456789abcdef0123456789abcdef\nPRIORITY=6\nSYSLOG_FACILITY=2\n'
	printf 'SYSLOG_IDENTIFIER=postfix/smtp\nSYSLOG_PID=4242\n_PID=4242\n_HOSTNAME=mx1\n_TRANSPORT=syslog\n'
	printf 'MESSAGE\n'
	# the 64-bit little-endian length, then the bytes
	printf "$(printf '\\%03o' $((length % 256)) $((length / 256 % 256)))\\000\\000\\000\\000\\000\\000"
	printf "$message"
	printf '\n\n'
} >>"$here/source.export"
/lib/systemd/systemd-journal-remote --output="$work/mail.journal" "$here/source.export"
for format in short short-iso short-iso-precise short-precise short-unix short-full \
	short-monotonic with-unit cat json json-seq export verbose; do
	TZ=UTC journalctl --file="$work/mail.journal" -o "$format" >"$here/out.$format"
done
