#!/bin/sh
# exim.sh: a real Exim delivers to the scripted responder, and smtpclass
# reads the main log that Exim itself wrote (CTest label e2e).
#
# Usage: exim.sh SMTPCLASS RESPONDER
#
# Debian's Exim and Postfix packages conflict (both are the system's MTA),
# so Exim is not installed: apt-get download fetches exim4-daemon-light into
# the temporary directory and the test runs the exim4 binary unpacked from
# it (its libraries libidn12 and libgnutls-dane0 are installed), with its own
# configuration (-C), spool and log directories under a temporary directory.
# The binary insists on its compiled-in user Debian-exim: inside the test's
# private mount namespace /etc/passwd and /etc/group are bind-mounted copies
# that add it, which nothing outside the namespace sees.  Every test domain
# is routed to 127.0.0.1:PORT of the responder, with no DNS; the messages of
# exim-cases.tsv are submitted with exim -f (delivered at once), then the
# deferred ones are retried after their retry time ran out ("retry timeout
# exceeded"), and check.awk compares the log with smtpclass's records.
# Exim's bounce notices for the failed addresses go to the responder too
# (the router sends sender.test to its port), which keeps every message
# with a null sender (-m) in an mbox and a Maildir; smtpclass reads both,
# and bounces.awk checks that each address of a "**" line is there, with
# the reply the responder's script failed it with, and nothing else is.
# Not root: skipped (77).  SMTPCLASS_E2E_KEEP=1 keeps the directory.
set -eu

E2E_NAME=exim
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 SMTPCLASS RESPONDER" >&2; exit 2; }
smtpclass=$(e2e_absolute "$1")
responder=$(e2e_absolute "$2")
cases=$here/exim-cases.tsv

# Outside the namespace (which has no network): fetch and unpack Exim into
# the test's temporary directory, which the run inside then uses and removes.
if [ "${E2E_INSIDE:-}" != 1 ]; then
	e2e_require_root
	e2e_ensure_packages libidn12 libgnutls-dane0 iproute2
	E2E_WORK=$(mktemp -d /tmp/smtpclass-e2e-exim.XXXXXX)
	export E2E_WORK
	if ! (cd "$E2E_WORK" && apt-get download exim4-daemon-light >/dev/null 2>&1); then
		apt-get update >/dev/null 2>&1 || true
		(cd "$E2E_WORK" && apt-get download exim4-daemon-light >/dev/null) || {
			rm -rf "$E2E_WORK"
			e2e_fail "cannot download exim4-daemon-light"
		}
	fi
	dpkg-deb -x "$E2E_WORK"/exim4-daemon-light_*.deb "$E2E_WORK/root" ||
		{ rm -rf "$E2E_WORK"; e2e_fail "cannot unpack exim4-daemon-light"; }
fi
e2e_enter_namespace "$smtpclass" "$responder"
work=$E2E_WORK
exim=$work/root/usr/sbin/exim4
log=$work/log/mainlog

cleanup() {
	status=$?
	e2e_stop_responder
	e2e_remove_work "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The user the binary was built for, in this namespace only.
uid=$(awk -F: '$1 == "nobody" { print $3 }' /etc/passwd)
gid=$(awk -F: '$1 == "nogroup" { print $3 }' /etc/group)
cp /etc/passwd "$work/passwd"
cp /etc/group "$work/group"
grep -q '^Debian-exim:' /etc/passwd ||
	echo "Debian-exim:x:$uid:$gid:Exim for smtpclass tests:/nonexistent:/usr/sbin/nologin" >>"$work/passwd"
grep -q '^Debian-exim:' /etc/group || echo "Debian-exim:x:$gid:" >>"$work/group"
mount --bind "$work/passwd" /etc/passwd
mount --bind "$work/group" /etc/group

mkdir -p "$work/spool" "$work/log"
chmod 755 "$work"
chown "Debian-exim" "$work/spool" "$work/log"

# Each domain to its own port; "::" is a colon inside Exim's colon lists.
awk -F '\t' '!/^#/ && NF >= 2 {
	n = split($2, ports, ",")
	printf "%s:", $1
	for (i = 1; i <= n; i++)
		printf "%s127.0.0.1::%s", (i > 1 ? ":" : " "), ports[i]
	printf "\n"
}' "$here/domains.tsv" >"$work/routes"

cat >"$work/exim.conf" <<EOF
exim_path = $exim
keep_environment =
primary_hostname = e2e.smtpclass.test
qualify_domain = sender.test
spool_directory = $work/spool
log_file_path = $work/log/%slog
log_selector = +outgoing_port +deliver_time +sender_on_delivery
trusted_users = root
host_lookup =
rfc1413_hosts =
dns_again_means_nonexist = *
ignore_bounce_errors_after = 0s
timeout_frozen_after = 0s

begin routers

to_responder:
  driver = manualroute
  domains = *
  route_data = \${lookup{\$domain}lsearch{$work/routes}}
  transport = lab_smtp
  self = send
  no_more

begin transports

lab_smtp:
  driver = smtp
  allow_localhost
  hosts_avoid_tls = *
  # Every domain is 127.0.0.1 on another port: no connection is handed on to
  # the next message, which Exim would do by address alone.
  connection_max_messages = 1
  connect_timeout = 3s
  command_timeout = 3s
  data_timeout = 3s
  final_timeout = 3s

begin retry

*  *  F,4s,1s
EOF
chmod 644 "$work/exim.conf"
"$exim" -C "$work/exim.conf" -bV >"$work/check.log" 2>&1 ||
	{ cat "$work/check.log"; e2e_fail "exim rejects the configuration"; }

started=$(date +%s)
e2e_start_responder "$responder" "$here/replies.tsv" "$here/domains.tsv" 127.0.0.1 "$work" \
	"$work/bounces"

e2e_messages "$cases" >"$work/messages"
serial=0
while read -r sender recipients; do
	serial=$((serial + 1))
	# shellcheck disable=SC2086 # one argument per recipient
	# Exim warns on standard error that -C costs it its root privilege.
	e2e_message "$serial" "$sender" "$recipients" |
		"$exim" -C "$work/exim.conf" -f "$sender" $recipients 2>>"$work/submit.log" ||
		{ cat "$work/submit.log"; e2e_fail "exim refused the message for $recipients"; }
done <"$work/messages"
e2e_log "submitted $serial messages"

# Settled: every recipient has an outcome and the log stopped growing.
settled() {
	for recipient in $(e2e_recipients "$cases"); do
		grep -q " \(=>\|->\|\*\*\|==\) $recipient " "$log" 2>/dev/null || return 1
	done
	size=$(wc -c <"$log")
	[ "$size" = "${last_size:-}" ] && return 0
	last_size=$size
	return 1
}
wait_settled() {
	deadline=$(($(date +%s) + $1))
	last_size=
	until settled; do
		[ "$(date +%s)" -lt "$deadline" ] || e2e_fail "the queue did not settle in $1 s"
		sleep 1
	done
}
wait_settled 60
e2e_log "first delivery attempts done after $(($(date +%s) - started)) s"

# Past the retry rule's 4 seconds, one more queue run bounces what is still
# deferred ("retry timeout exceeded") and delivers the bounces.
sleep 5
"$exim" -C "$work/exim.conf" -qff >>"$work/queue-runs.log" 2>&1
deadline=$(($(date +%s) + 60))
while [ "$("$exim" -C "$work/exim.conf" -bpc)" -gt 0 ]; do
	[ "$(date +%s)" -lt "$deadline" ] || e2e_fail "the queue did not empty in 60 s"
	sleep 1
	"$exim" -C "$work/exim.conf" -qff >>"$work/queue-runs.log" 2>&1
done
sleep 1
e2e_stop_responder
e2e_log "queue empty after $(($(date +%s) - started)) s"

if grep -q 'DNS\|host lookup did not complete\|Name service' "$log"; then
	cat "$log"
	e2e_fail "Exim tried a DNS lookup"
fi

# Every delivery outcome Exim logged, with Exim's own flags: "=>" and "->"
# delivered, "**" failed, "==" deferred.  LINE RECIPIENT STATUS DSN.
awk '
	/^[0-9-]+ [0-9:]+ ([0-9]+ )?[0-9A-Za-z]+-[0-9A-Za-z]+-[0-9A-Za-z]+ (=>|->|\*\*|==) / {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(=>|->|\*\*|==)$/)
				break
		status = $i == "**" ? "bounced" : $i == "==" ? "deferred" : "sent"
		recipient = $(i + 1)
		sub(/:$/, "", recipient)
		printf "%d\t%s\t%s\t\n", NR, recipient, status
	}' "$log" >"$work/outcomes.tsv"

"$smtpclass" --all --format=tsv --header "$log" >"$work/records.tsv" ||
	e2e_fail "smtpclass exited with $?"

if ! awk -F '\t' -f "$here/check.awk" "$cases" "$work/outcomes.tsv" "$work/records.tsv"; then
	echo "--- the Exim main log ---"
	cat "$log"
	e2e_fail "smtpclass disagrees with Exim"
fi

# The recipients Exim returned to their sender, from its own "**" lines:
# "retry timeout exceeded" for those it deferred until the retry rule gave
# up, another reason for those the responder refused for good.  Exim sends
# its bounce notices (null sender) to sender.test through the same router,
# so the responder kept (-m) each of them in $work/bounces.
awk '
	/^[0-9-]+ [0-9:]+ ([0-9]+ )?[0-9A-Za-z]+-[0-9A-Za-z]+-[0-9A-Za-z]+ \*\* / {
		for (i = 1; i <= NF; i++)
			if ($i == "**")
				break
		recipient = $(i + 1)
		sub(/:$/, "", recipient)
		kind = /retry timeout exceeded/ ? "expired" : "bounced"
		printf "%s\t%s\n", recipient, kind
	}' "$log" | sort >"$work/returned.tsv"
e2e_check_bounces "$smtpclass" "$work/bounces" "$cases" "$work/returned.tsv"
e2e_log "passed in $(($(date +%s) - started)) s"
