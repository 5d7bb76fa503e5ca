#!/bin/sh
# rsyslog.sh: Debian's rsyslogd enriches mail log messages through
# mmexternal calling "smtpclass --rsyslog" (CTest label e2e).
#
# Usage: rsyslog.sh SMTPCLASS
#
# As root.  rsyslog is not installed: Debian's rsyslog package conflicts
# with every other system logger (syslog-ng on a host that uses it would be
# removed), so apt-get download fetches it into the test's temporary
# directory and the test runs the rsyslogd unpacked from it, with its modules
# from there (-M); its libraries (libestr0, libfastjson4, liblognorm5) are
# installed when missing, in CI.  Inside private namespaces it runs rsyslogd in the foreground with its own configuration,
# socket, work directory and pid file under a temporary directory (nothing of
# /etc/rsyslog.conf or /dev/log is used).  Each line of rsyslog-input.log (a
# real Postfix log, a Sendmail line and a cron line) is sent to rsyslogd's
# private socket with logger(1), with the line's own tag and pid, facility
# mail (cron for the cron line).  rsyslogd passes the mail messages through
# mmexternal and writes every message with its $!smtp properties and the whole
# %$!% JSON to a file.  The check: every message whose line smtpclass
# classifies in file mode (the oracle: smtpclass --all on the same lines)
# carries the same verdict, reason, status, code, dsn, queue id and recipient
# in $!smtp, every other message carries none, the JSON has the documented
# shape, and rsyslogd reported no error.  The mail messages are also
# written as RFC 5424 lines (RSYSLOG_SyslogProtocol23Format) and as
# BSD-syslog lines (RSYSLOG_FileFormat): both files must give the same
# records, with the MTA detected and with --mta=postfix (E2E_KEEP_RFC5424=FILE
# keeps the RFC 5424 file: tests/logs/rfc5424.log is one).  Not root: skipped (77).
set -eu

E2E_NAME=rsyslog
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 SMTPCLASS" >&2; exit 2; }
smtpclass=$(e2e_absolute "$1")
input=$here/rsyslog-input.log

# Outside the namespace (which has no network): fetch and unpack rsyslog.
if [ "${E2E_INSIDE:-}" != 1 ]; then
	e2e_require_root
	e2e_ensure_packages libestr0 libfastjson4 liblognorm5 libsystemd0 libuuid1 libzstd1 zlib1g \
		bsdutils iproute2
	E2E_WORK=$(mktemp -d /tmp/smtpclass-e2e-rsyslog.XXXXXX)
	export E2E_WORK
	e2e_unpack_package rsyslog "$E2E_WORK" ||
		{ rm -rf "$E2E_WORK"; e2e_fail "cannot download and unpack rsyslog"; }
fi
e2e_enter_namespace "$smtpclass"

work=$E2E_WORK
rsyslogd=$work/root/usr/sbin/rsyslogd
modules=$(dirname "$(find "$work/root/usr/lib" -name imuxsock.so | head -n 1)")

trap e2e_daemon_cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir "$work/spool"
# The configuration documented in README.md and smtpclass(1), plus a private
# socket instead of /dev/log and files instead of /var/log.
cat >"$work/rsyslog.conf" <<EOF
global(workDirectory="$work/spool" net.enableDNS="off" localHostName="e2e")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$work/log.sock")
module(load="mmexternal")

if \$syslogfacility-text == "mail" then {
	action(type="mmexternal" binary="$smtpclass --rsyslog" interface.input="msg")
	# The same messages as RFC 5424 lines and as BSD-syslog lines.
	action(type="omfile" file="$work/rfc5424.log" template="RSYSLOG_SyslogProtocol23Format")
	action(type="omfile" file="$work/plain.log" template="RSYSLOG_FileFormat")
}

template(name="enriched" type="list") {
	property(name="syslogtag") constant(value="\t")
	property(name="\$!smtp!verdict") constant(value="\t")
	property(name="\$!smtp!reason") constant(value="\t")
	property(name="\$!smtp!status") constant(value="\t")
	property(name="\$!smtp!code") constant(value="\t")
	property(name="\$!smtp!dsn") constant(value="\t")
	property(name="\$!smtp!queue_id") constant(value="\t")
	property(name="\$!smtp!recipient") constant(value="\t")
	property(name="\$!") constant(value="\t")
	property(name="msg" droplastlf="on") constant(value="\n")
}
if \$programname == "rsyslogd" then {
	action(type="omfile" file="$work/rsyslogd.log")
	stop
}
action(type="omfile" file="$work/enriched.log" template="enriched")
# A filter on the enrichment, as README.md shows one.
template(name="hard" type="string" string="%\$!smtp!recipient% %\$!smtp!reason%\\n")
if \$!smtp!verdict == "hard" then {
	action(type="omfile" file="$work/hard.log" template="hard")
}
EOF

"$rsyslogd" -M "$modules" -N1 -f "$work/rsyslog.conf" >"$work/check.log" 2>&1 ||
	{ cat "$work/check.log"; e2e_fail "rsyslogd rejects the configuration"; }
started=$(date +%s)
"$rsyslogd" -M "$modules" -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" >"$work/stdout.log" 2>&1 &
e2e_daemon_pid=$!
e2e_wait_file "$work/log.sock" 10 || e2e_fail "rsyslogd did not create its socket"

e2e_send_log_lines "$input" "$work/log.sock"
count=$e2e_lines

# rsyslogd writes asynchronously: wait for every message.
tries=300
while [ "$(wc -l <"$work/enriched.log" 2>/dev/null || echo 0)" -lt "$count" ]; do
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || e2e_fail "rsyslogd wrote $(wc -l <"$work/enriched.log") of $count messages"
	sleep 0.1
done
kill "$e2e_daemon_pid"
wait "$e2e_daemon_pid" || true
e2e_daemon_pid=

if cat "$work/rsyslogd.log" "$work/stdout.log" 2>/dev/null | grep -i 'error\|mmexternal'; then
	e2e_fail "rsyslogd reported errors"
fi

"$smtpclass" --all --format=tsv --header "$input" >"$work/oracle.tsv" ||
	e2e_fail "smtpclass exited with $?"

# Compare message N of enriched.log with line N of the input and its record.
if ! awk -F '\t' '
	function fail(message) { failed++; printf "FAIL: message %d: %s\n", n, message }
	FILENAME == ARGV[1] {
		if (FNR == 1) { for (i = 1; i <= NF; i++) column[$i] = i; next }
		line = $column["line"]
		want[line] = $column["verdict"] "\t" $column["reason"] "\t" $column["status"] "\t" \
		             $column["code"] "\t" $column["dsn"] "\t" $column["queue_id"] "\t" \
		             $column["recipient"]
		next
	}
	FILENAME == ARGV[2] { message[FNR] = $0; sub(/^[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^:]*: /, "", message[FNR]); next }
	{
		n = FNR
		got = $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 "\t" $8
		text = $10
		sub(/^ /, "", text) # the space after the tag belongs to the message
		if (text != message[n])
			fail("the message is not line " n " of the input: " text)
		if (n in want) {
			enriched++
			if (got != want[n])
				fail("$!smtp is [" got "], smtpclass in file mode says [" want[n] "]")
			if ($9 !~ /^\{ "smtp": \{ ("code": [0-9]+, )?("enhanced": "[^"]*", )?"verdict": "[a-z]+", "reason": "[a-z]+", .* \} \}$/)
				fail("unexpected JSON shape: " $9)
		} else if ($2 != "" || $9 != "{ }" && $9 != "") {
			fail("enriched, but smtpclass finds no outcome on this line: " $9)
		}
	}
	END {
		if (n != length(message))
			fail("rsyslogd wrote " n " messages for " length(message) " lines")
		if (enriched == 0)
			fail("no message was enriched")
		printf "%d messages, %d enriched\n", n, enriched
		printf "%d passed, %d failed\n", n - failed, failed
		exit failed > 0
	}' "$work/oracle.tsv" "$input" "$work/enriched.log"; then
	echo "--- rsyslogd wrote ---"
	cat "$work/enriched.log"
	e2e_fail "rsyslog enrichment differs from smtpclass"
fi
# RFC 5424 lines give the records of the BSD-syslog lines, field for field
# (all but the source column), with the MTA detected and forced.
for mta in "" --mta=postfix; do
	"$smtpclass" --all --format=tsv $mta "$work/rfc5424.log" | cut -f 2- >"$work/rfc5424.tsv" ||
		e2e_fail "smtpclass exited with $? on the RFC 5424 file"
	"$smtpclass" --all --format=tsv $mta "$work/plain.log" | cut -f 2- >"$work/plain.tsv" ||
		e2e_fail "smtpclass exited with $? on the BSD-syslog file"
	grep -q '^<[0-9]*>1 [0-9-]*T' "$work/rfc5424.log" || e2e_fail "rsyslogd wrote no RFC 5424 line"
	[ -s "$work/plain.tsv" ] || e2e_fail "no record in the BSD-syslog file"
	diff "$work/plain.tsv" "$work/rfc5424.tsv" ||
		e2e_fail "RFC 5424 lines give other records than BSD-syslog lines ($mta)"
done
e2e_log "RFC 5424: $(wc -l <"$work/rfc5424.tsv") records as from BSD-syslog lines"
[ -z "${E2E_KEEP_RFC5424:-}" ] || cp "$work/rfc5424.log" "$E2E_KEEP_RFC5424"

# The filter saw the same hard verdicts.
want=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "verdict") v = i; next }
	$v == "hard"' "$work/oracle.tsv" | wc -l)
got=$(wc -l <"$work/hard.log" 2>/dev/null || echo 0)
[ "$got" -eq "$want" ] && [ "$want" -gt 0 ] ||
	e2e_fail "the filter on \$!smtp!verdict wrote $got messages, smtpclass finds $want hard"
e2e_log "passed in $(($(date +%s) - started)) s"
