#!/bin/sh
# syslog-ng.sh: Debian's syslog-ng writes a real Postfix log as RFC 5424
# lines, and smtpclass reads them as it reads the BSD-syslog lines of the
# same messages (CTest label e2e).
#
# Usage: syslog-ng.sh SMTPCLASS
#
# As root.  syslog-ng is not installed: syslog-ng-core conflicts with every
# other system logger (rsyslog on a host that uses it would be removed), so
# apt-get download fetches it into the test's temporary directory and the
# test runs the syslog-ng unpacked from it, with its library and modules from
# there; the libraries it links (libivykis0, libnet1, libwrap0) are installed
# when missing, in CI.  Inside private namespaces it runs in the foreground
# with its own configuration, socket, persist, pid and control files under a
# temporary directory (nothing of /etc/syslog-ng or /dev/log is used).  Each
# line of rsyslog-input.log (a real Postfix log, a Sendmail line and a cron
# line) is sent to its private socket with logger(1), with the line's own
# tag and pid, facility mail (cron for the cron line).  syslog-ng writes the
# mail messages twice: with flags(syslog-protocol), its RFC 5424 writer (the
# one its syslog() driver uses: "<22>1 2026-11-27T23:18:31+00:00 e2e
# postfix/smtp 152 - [meta sequenceId="1"] ..."), and as plain BSD-syslog
# lines.  The checks: every mail message is in both files; the RFC 5424 file
# gives the records of the BSD-syslog file, field for field but the time as
# written (RFC 3339 there, "Nov 27 23:18:31" here), with the MTA detected
# and with --mta=postfix; and both give the classification of the input
# file itself (codes, verdict, reason, action, status, queue id, recipient,
# dsn).  Not root: skipped (77).
set -eu

E2E_NAME=syslog-ng
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 SMTPCLASS" >&2; exit 2; }
smtpclass=$(e2e_absolute "$1")
input=$here/rsyslog-input.log

# Outside the namespace (which has no network): fetch and unpack syslog-ng.
if [ "${E2E_INSIDE:-}" != 1 ]; then
	e2e_require_root
	e2e_ensure_packages libivykis0 libnet1 libwrap0 libjson-c5 libglib2.0-0 libpcre3 libcap2 \
		libssl3 libsystemd0 bsdutils iproute2
	E2E_WORK=$(mktemp -d /tmp/smtpclass-e2e-syslog-ng.XXXXXX)
	export E2E_WORK
	e2e_unpack_package syslog-ng-core "$E2E_WORK" ||
		{ rm -rf "$E2E_WORK"; e2e_fail "cannot download and unpack syslog-ng-core"; }
fi
e2e_enter_namespace "$smtpclass"

work=$E2E_WORK
lib=$work/root/usr/lib/syslog-ng
modules=$(dirname "$(find "$lib" -name libaffile.so | head -n 1)")
version=$(basename "$modules")

trap e2e_daemon_cleanup EXIT
trap 'exit 1' INT TERM HUP

syslog_ng() {
	LD_LIBRARY_PATH=$lib "$work/root/usr/sbin/syslog-ng" --module-path="$modules" "$@"
}

cat >"$work/syslog-ng.conf" <<EOF
@version: $version
options { keep-hostname(yes); use-dns(no); dns-cache(no); stats-freq(0); chain-hostnames(no); };
source s_local { unix-dgram("$work/log.sock"); internal(); };
destination d_rfc5424 { file("$work/rfc5424.log" flags(syslog-protocol)); };
destination d_plain { file("$work/plain.log"); };
destination d_internal { file("$work/syslog-ng.log"); };
filter f_mail { facility(mail); };
filter f_internal { program("syslog-ng"); };
log { source(s_local); filter(f_internal); destination(d_internal); flags(final); };
log { source(s_local); filter(f_mail); destination(d_rfc5424); destination(d_plain); };
EOF

syslog_ng -s -f "$work/syslog-ng.conf" >"$work/check.log" 2>&1 ||
	{ cat "$work/check.log"; e2e_fail "syslog-ng rejects the configuration"; }
started=$(date +%s)
syslog_ng -F -f "$work/syslog-ng.conf" -R "$work/persist" -p "$work/pid" -c "$work/ctl" \
	>"$work/stdout.log" 2>&1 &
e2e_daemon_pid=$!
e2e_wait_file "$work/log.sock" 10 || { cat "$work/stdout.log"; e2e_fail "syslog-ng did not create its socket"; }

e2e_send_log_lines "$input" "$work/log.sock" -d
mail=$e2e_mail_lines

# syslog-ng writes asynchronously: wait for every mail message in both files.
tries=300
while [ "$(wc -l <"$work/rfc5424.log" 2>/dev/null || echo 0)" -lt "$mail" ] ||
	[ "$(wc -l <"$work/plain.log" 2>/dev/null || echo 0)" -lt "$mail" ]; do
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] ||
		e2e_fail "syslog-ng wrote $(wc -l <"$work/rfc5424.log" 2>/dev/null || echo 0) of $mail messages"
	sleep 0.1
done
kill "$e2e_daemon_pid"
wait "$e2e_daemon_pid" || true
e2e_daemon_pid=
if grep -i 'error' "$work/syslog-ng.log" "$work/stdout.log" 2>/dev/null; then
	e2e_fail "syslog-ng reported errors"
fi
grep -q '^<[0-9]*>1 [0-9-]*T[0-9:.]*[+-Z][0-9:]* [^ ]* [^ ]* [0-9-]* - \[meta sequenceId="[0-9]*"\] ' \
	"$work/rfc5424.log" || { head -3 "$work/rfc5424.log"; e2e_fail "syslog-ng wrote no RFC 5424 line with structured data"; }

# Records without the columns the writing changes: source, line and the
# time as written (time_iso and time_unix must agree).
records() { # records FILE [--mta=postfix]
	"$smtpclass" --all --format=tsv --header ${2:-} "$1" |
		awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i != "source" && $i != "line" && $i != "time") keep[i] = 1; next }
		{ out = ""; for (i = 1; i <= NF; i++) if (i in keep) out = out $i "\t"; print out }'
}
for mta in "" --mta=postfix; do
	records "$work/rfc5424.log" $mta >"$work/rfc5424.tsv" || e2e_fail "smtpclass exited with $? on the RFC 5424 file"
	records "$work/plain.log" $mta >"$work/plain.tsv" || e2e_fail "smtpclass exited with $? on the BSD-syslog file"
	[ -s "$work/plain.tsv" ] || e2e_fail "no record in the BSD-syslog file"
	diff "$work/plain.tsv" "$work/rfc5424.tsv" ||
		e2e_fail "RFC 5424 lines give other records than BSD-syslog lines ($mta)"
done
# The classification of the input file itself (its stamps and host differ).
fields=code,enhanced,verdict,reason,action,status,queue_id,recipient,dsn
"$smtpclass" --all --format=tsv --fields=$fields "$input" >"$work/oracle.tsv"
"$smtpclass" --all --format=tsv --fields=$fields "$work/rfc5424.log" >"$work/got.tsv"
[ -s "$work/oracle.tsv" ] && diff "$work/oracle.tsv" "$work/got.tsv" ||
	e2e_fail "the RFC 5424 file does not give the records of the input file"
e2e_log "RFC 5424 from syslog-ng: $(wc -l <"$work/got.tsv") records of $mail mail messages, as from BSD-syslog lines and the input"
e2e_log "passed in $(($(date +%s) - started)) s"
