#!/bin/sh
# postfix.sh: a real Postfix delivers to the scripted responder, and
# smtpclass reads the log that Postfix itself wrote (CTest label e2e).
#
# Usage: postfix.sh SMTPCLASS RESPONDER
#
# As root.  Postfix is not installed: installing Debian's postfix package
# would remove the host's MTA (exim4 on an Exim server), so apt-get download
# fetches it into the test's temporary directory and the test runs the
# binaries unpacked from it (its libraries, libdb5.3, libicu72, libnsl2,
# libsasl2-2 and libssl3, are installed when missing, in CI), with
# daemon_directory, command_directory, shlib_directory and meta_directory
# pointing there.  Its programs look for their own libraries (libpostfix-*.so)
# in /usr/lib/postfix (RUNPATH), and postdrop and the daemons run with an
# environment Postfix cleans, so LD_LIBRARY_PATH cannot redirect them: inside
# the mount namespace a read-only overlay adds the unpacked /usr/lib/postfix
# to /usr/lib (no overlayfs: the test is skipped).  The users
# postfix and postdrop it needs exist only in the test's mount namespace
# (bind-mounted copies of /etc/passwd and /etc/group).  Inside a network
# namespace that has only a loopback interface, it runs a private Postfix
# instance (its own main.cf, master.cf, queue and log file under the
# temporary directory; nothing of /etc/postfix is used) that routes every
# test domain to [127.0.0.1]:PORT of the responder, with DNS disabled.  It submits the
# messages of postfix-cases.tsv with sendmail(1), waits until the queue
# settles, lets the deferred messages expire, stops everything, and checks
# the log with check.awk.  The bounce notices Postfix sends for the bounced
# and expired recipients go to the responder too (sender.test has a port),
# which keeps every message with a null sender (-m) in an mbox and a
# Maildir; smtpclass reads both, and bounces.awk checks that each returned
# recipient of the log is there, with the reply the responder's script
# failed it with, and nothing else is (message 41 is an ordinary message
# with a null sender: no bounce).  Not root: skipped (77).
# SMTPCLASS_E2E_KEEP=1 keeps the temporary directory for a look.
set -eu

E2E_NAME=postfix
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 SMTPCLASS RESPONDER" >&2; exit 2; }
smtpclass=$(e2e_absolute "$1")
responder=$(e2e_absolute "$2")
cases=$here/postfix-cases.tsv

# Outside the namespace (which has no network): fetch and unpack Postfix.
if [ "${E2E_INSIDE:-}" != 1 ]; then
	e2e_require_root
	e2e_ensure_packages libdb5.3 libicu72 libnsl2 libsasl2-2 libssl3 iproute2
	E2E_WORK=$(mktemp -d /tmp/smtpclass-e2e-postfix.XXXXXX)
	export E2E_WORK
	e2e_unpack_package postfix "$E2E_WORK" ||
		{ rm -rf "$E2E_WORK"; e2e_fail "cannot download and unpack postfix"; }
fi
e2e_enter_namespace "$smtpclass" "$responder"

work=$E2E_WORK
unpacked=$work/root
conf=$work/etc
log=$work/maillog
postfix_started=

cleanup() {
	status=$?
	if [ -n "$postfix_started" ]; then
		postfix -c "$conf" abort >/dev/null 2>&1 || true
	fi
	e2e_stop_responder
	e2e_remove_work "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

e2e_add_system_user postfix postdrop
# /usr/lib with the unpacked /usr/lib/postfix on top, in this namespace only.
if ! mount -t overlay smtpclass-e2e -o "lowerdir=$unpacked/usr/lib:/usr/lib" /usr/lib; then
	e2e_log "SKIP: no overlay file system, so the unpacked Postfix cannot find its libraries"
	e2e_remove_work "$work"
	trap - EXIT
	exit "$E2E_SKIP"
fi
PATH=$unpacked/usr/sbin:$PATH

# The queue must be reachable by the postfix user; data_directory is its own.
mkdir -p "$conf" "$work/spool" "$work/data"
chmod 755 "$work" "$conf"
chown postfix "$work/data"

# Every domain to its own port of the responder; "[...]" means no MX lookup.
awk -F '\t' '!/^#/ && NF >= 2 {
	n = split($2, ports, ",")
	printf "%s smtp:", $1
	for (i = 1; i <= n; i++)
		printf "%s[127.0.0.1]:%s", (i > 1 ? ", " : ""), ports[i]
	printf "\n"
}' "$here/domains.tsv" >"$conf/transport"

cat >"$conf/main.cf" <<EOF
compatibility_level = 3.6
# The unpacked package, not an installed one.
daemon_directory = $unpacked/usr/lib/postfix/sbin
command_directory = $unpacked/usr/sbin
shlib_directory = $unpacked/usr/lib/postfix
meta_directory = $unpacked/etc/postfix
sendmail_path = $unpacked/usr/sbin/sendmail
mailq_path = $unpacked/usr/bin/mailq
newaliases_path = $unpacked/usr/bin/newaliases
queue_directory = $work/spool
data_directory = $work/data
mail_owner = postfix
setgid_group = postdrop
myhostname = e2e.smtpclass.test
mydomain = smtpclass.test
myorigin = sender.test
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No DNS at all: nexthops are bracketed loopback addresses, hosts come from
# getaddrinfo on literal IPs, and the namespace has no route to a resolver.
smtp_dns_support_level = disabled
smtp_host_lookup = native
default_transport = smtp:[127.0.0.1]:2525
transport_maps = texthash:$conf/transport
# Postfix writes its own log (postlogd), in the usual syslog format.
maillog_file = $log
maillog_file_prefixes = $work
# Short timeouts, so that a responder that never answers costs seconds.
smtp_connect_timeout = 3s
smtp_helo_timeout = 3s
smtp_mail_timeout = 3s
smtp_rcpt_timeout = 3s
smtp_data_init_timeout = 3s
smtp_data_xfer_timeout = 3s
smtp_data_done_timeout = 3s
smtp_quit_timeout = 3s
smtp_connection_cache_on_demand = no
EOF

# Only the services a client-only Postfix needs: no smtpd listens anywhere.
cat >"$conf/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

started=$(date +%s)
e2e_start_responder "$responder" "$here/replies.tsv" "$here/domains.tsv" 127.0.0.1 "$work" \
	"$work/bounces"
postfix -c "$conf" start >/dev/null 2>&1 || { cat "$log" 2>/dev/null; e2e_fail "postfix did not start"; }
postfix_started=1

e2e_messages "$cases" >"$work/messages"
serial=0
while read -r sender recipients; do
	serial=$((serial + 1))
	# shellcheck disable=SC2086 # one argument per recipient
	e2e_message "$serial" "$sender" "$recipients" |
		"$unpacked/usr/sbin/sendmail" -C "$conf" -f "$sender" $recipients ||
		e2e_fail "sendmail failed for $recipients"
done <"$work/messages"
e2e_log "submitted $serial messages"

# The queue has settled when no message is waiting for a delivery attempt
# (only deferred ones are left), every recipient has an outcome, and the log
# stopped growing.
settled() {
	if postqueue -c "$conf" -j 2>/dev/null |
		grep -q '"queue_name": "\(maildrop\|incoming\|active\|hold\)"'; then
		return 1
	fi
	for recipient in $(e2e_recipients "$cases"); do
		grep -q "postfix/[a-z]*\[[0-9]*\]: [0-9A-F]*: to=<$recipient>,.* status=" "$log" ||
			return 1
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

wait_settled 90
e2e_log "first delivery attempts done after $(($(date +%s) - started)) s"

# Let the deferred messages expire: one more attempt each, then Postfix
# returns them ("status=expired, returned to sender") and delivers the
# bounce notices.  The queue is empty at the end.
postconf -c "$conf" -e maximal_queue_lifetime=1s bounce_queue_lifetime=1s
postfix -c "$conf" reload >/dev/null 2>&1
sleep 2
postqueue -c "$conf" -f
deadline=$(($(date +%s) + 90))
while [ -n "$(postqueue -c "$conf" -j 2>/dev/null)" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || e2e_fail "deferred messages did not expire in 90 s"
	sleep 1
done
e2e_log "queue empty after $(($(date +%s) - started)) s"

# Stop Postfix and wait for every process of its master to end.
master=$(cat "$work/spool/pid/master.pid" | tr -d ' ')
postfix -c "$conf" stop >/dev/null 2>&1
postfix_started=
tries=100
while kill -0 "-$master" 2>/dev/null; do
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || e2e_fail "postfix did not stop"
	sleep 0.1
done
e2e_stop_responder

# The namespace has no resolver to reach: a lookup would show up as an error.
if grep -q 'Name service error\|Host or domain name not found\|Host not found' "$log"; then
	cat "$log"
	e2e_fail "Postfix tried a DNS lookup"
fi

# Every delivery outcome Postfix logged: LINE RECIPIENT STATUS DSN.  The
# pattern is Postfix's own format, independent of smtpclass: "QID: to=<r>,
# ... dsn=X, status=S" from the delivery agents, and qmgr's
# "QID: from=<s>, status=expired, returned to sender" (no recipient, no dsn).
awk '
	/ postfix\/[a-z]+\[[0-9]+\]: [0-9A-F]+: to=<[^>]*>, .* status=/ {
		recipient = $0; sub(/.* to=</, "", recipient); sub(/>.*/, "", recipient)
		dsn = $0; sub(/.* dsn=/, "", dsn); sub(/,.*/, "", dsn)
		status = $0; sub(/.* status=/, "", status); sub(/[ ,].*/, "", status)
		printf "%d\t%s\t%s\t%s\n", NR, recipient, status, dsn
		next
	}
	/ postfix\/qmgr\[[0-9]+\]: [0-9A-F]+: from=<[^>]*>, status=expired/ {
		printf "%d\t\texpired\t\n", NR
	}' "$log" >"$work/outcomes.tsv"

"$smtpclass" --all --format=tsv --header "$log" >"$work/records.tsv" ||
	e2e_fail "smtpclass exited with $?"

if ! awk -F '\t' -f "$here/check.awk" "$cases" "$work/outcomes.tsv" "$work/records.tsv"; then
	echo "--- the Postfix log ---"
	cat "$log"
	e2e_fail "smtpclass disagrees with Postfix"
fi

# The recipients Postfix returned to their sender, from its own log format:
# "QID: to=<r>, ... status=bounced", and the recipients whose last outcome
# in a message was "status=deferred" when qmgr logged "QID: from=<s>,
# status=expired, returned to sender" for it.  Each got a bounce notice,
# which the responder kept (-m) in $work/bounces.
awk '
	/ postfix\/[a-z]+\[[0-9]+\]: [0-9A-F]+: to=<[^>]*>, .* status=/ {
		qid = $0; sub(/: to=<.*/, "", qid); sub(/.* /, "", qid)
		recipient = $0; sub(/.* to=</, "", recipient); sub(/>.*/, "", recipient)
		status = $0; sub(/.* status=/, "", status); sub(/[ ,].*/, "", status)
		last[qid, recipient] = status
		next
	}
	/ postfix\/qmgr\[[0-9]+\]: [0-9A-F]+: from=<[^>]*>, status=expired/ {
		qid = $0; sub(/: from=<.*/, "", qid); sub(/.* /, "", qid)
		expired[qid] = 1
	}
	END {
		for (key in last) {
			split(key, part, SUBSEP)
			if (last[key] == "bounced")
				printf "%s\tbounced\n", part[2]
			else if (last[key] == "deferred" && part[1] in expired)
				printf "%s\texpired\n", part[2]
		}
	}' "$log" | sort >"$work/returned.tsv"
e2e_check_bounces "$smtpclass" "$work/bounces" "$cases" "$work/returned.tsv"
e2e_log "passed in $(($(date +%s) - started)) s"
