# lib.sh: shell functions shared by the end-to-end tests (sourced, POSIX sh).
#
# The tests run real daemons (Postfix, Exim, rsyslogd) as root inside their
# own network, PID and mount namespaces: the network has only a loopback
# interface, so nothing can leave the machine and no DNS query can be made,
# and when the test's shell (PID 1 of the namespace) exits, the kernel ends
# every process that is still running in it.

# Exit status that CTest reports as "skipped" (SKIP_RETURN_CODE).
E2E_SKIP=77

e2e_log() {
	printf '%s: %s\n' "${E2E_NAME:-e2e}" "$*"
}

e2e_fail() {
	e2e_log "FAIL: $*"
	exit 1
}

# Skips the test unless it runs as root: namespaces, daemons and packages
# need it.
e2e_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		e2e_log "SKIP: needs root (network namespace, mail daemons)"
		exit "$E2E_SKIP"
	fi
}

# Installs the Debian packages named that are missing, non-interactively, in
# CI (CI=true) or when SMTPCLASS_E2E_INSTALL=1; elsewhere a missing package
# skips the test rather than changing the developer's machine.  Only
# libraries and tools are named here: the daemons themselves are unpacked
# (e2e_unpack_package), never installed, so the host's MTA and logger stay.
e2e_ensure_packages() {
	missing=
	for package in "$@"; do
		if ! dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null |
			grep -q 'install ok installed'; then
			missing="$missing $package"
		fi
	done
	[ -z "$missing" ] && return 0
	if [ "${CI:-}" != true ] && [ "${SMTPCLASS_E2E_INSTALL:-}" != 1 ]; then
		e2e_log "SKIP: not installed:$missing (SMTPCLASS_E2E_INSTALL=1 installs it)"
		exit "$E2E_SKIP"
	fi
	e2e_log "installing$missing"
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$missing >/dev/null 2>&1; then
		apt-get update >/dev/null 2>&1 || true
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			$missing >/dev/null || e2e_fail "cannot install$missing"
	fi
}

# e2e_unpack_package PACKAGE DIR: fetches Debian's PACKAGE with apt-get
# download into DIR and unpacks it into DIR/root, without installing it, so
# that a test can run an MTA without replacing the system's (Debian's MTA
# packages conflict with each other: installing Postfix removes Exim).
e2e_unpack_package() {
	if ! (cd "$2" && apt-get download "$1" >/dev/null 2>&1); then
		apt-get update >/dev/null 2>&1 || true
		(cd "$2" && apt-get download "$1" >/dev/null) || return 1
	fi
	dpkg-deb -x "$2/$1"_*.deb "$2/root"
}

# e2e_add_system_user NAME [GROUP...]: adds the user NAME (and a group of the
# same name, and the other GROUPs) that a daemon insists on to bind-mounted
# copies of /etc/passwd and /etc/group, which only the test's mount
# namespace sees.  Names that exist already are kept; new ones get unused
# ids from 64000 up.  Call it once, inside the namespace.
e2e_add_system_user() {
	user=$1
	shift
	work_dir=${E2E_WORK:?}
	cp /etc/passwd "$work_dir/passwd"
	cp /etc/group "$work_dir/group"
	for group in "$user" "$@"; do
		grep -q "^$group:" "$work_dir/group" && continue
		gid=$(awk -F: 'BEGIN { id = 64000 } { used[$3] = 1 } END { while (id in used) id++; print id }' \
			"$work_dir/group")
		echo "$group:x:$gid:" >>"$work_dir/group"
	done
	if ! grep -q "^$user:" "$work_dir/passwd"; then
		uid=$(awk -F: 'BEGIN { id = 64000 } { used[$3] = 1 } END { while (id in used) id++; print id }' \
			"$work_dir/passwd")
		gid=$(awk -F: -v name="$user" '$1 == name { print $3 }' "$work_dir/group")
		echo "$user:x:$uid:$gid:$user for smtpclass tests:/nonexistent:/usr/sbin/nologin" >>"$work_dir/passwd"
	fi
	mount --bind "$work_dir/passwd" /etc/passwd
	mount --bind "$work_dir/group" /etc/group
}

# Re-runs the calling script ("$0" "$@") as PID 1 of new network, PID and
# mount namespaces; E2E_INSIDE tells the second run where it is.  If this
# shell is killed (a CTest timeout), --kill-child takes the namespace down.
e2e_enter_namespace() {
	if [ "${E2E_INSIDE:-}" = 1 ]; then
		ip link set lo up || e2e_fail "cannot bring up the loopback interface"
		return 0
	fi
	E2E_INSIDE=1 exec unshare --net --pid --mount-proc --kill-child -- sh "$0" "$@"
}

# Waits up to $2 seconds for the file $1 to exist.
e2e_wait_file() {
	tries=$(($2 * 10))
	while [ ! -e "$1" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Starts the responder:
# e2e_start_responder RESPONDER SCRIPT DOMAINS ADDRESS WORKDIR [MAILDIR].
# Listens on every port of DOMAINS that is not marked "closed"; sets
# responder_pid.  With MAILDIR, the bounces it accepts (null sender) are
# kept in MAILDIR/mbox and MAILDIR/Maildir (responder -m).  The responder
# ends itself after 300 seconds in any case.
e2e_start_responder() {
	ports=$(awk -F '\t' '!/^#/ && NF >= 2 && $3 != "closed" { gsub(",", "\n", $2); print $2 }' "$3" |
		sort -u)
	# shellcheck disable=SC2086 # one argument per port
	"$1" -a "$4" -s "$2" -r "$5/responder.ready" -t 300 ${6:+-m "$6"} $ports \
		2>"$5/responder.log" &
	responder_pid=$!
	e2e_wait_file "$5/responder.ready" 10 || e2e_fail "the responder did not start"
}

# Stops the responder and its children (it forwards SIGTERM to its group).
e2e_stop_responder() {
	if [ -n "${responder_pid:-}" ]; then
		kill "$responder_pid" 2>/dev/null || true
		wait "$responder_pid" 2>/dev/null || true
		responder_pid=
	fi
}

# Prints "SENDER RECIPIENT..." for each message of a cases file; a SENDER
# "<>" stays the null sender.
e2e_messages() {
	awk -F '\t' '
		/^#/ || NF < 3 { next }
		$1 != last {
			if (line != "") print line
			line = ($2 == "<>" ? "<>" : $2 "@sender.test") " " $3
			last = $1
			next
		}
		{ line = line " " $3 }
		END { if (line != "") print line }' "$1"
}

# Prints the recipients of a cases file, one per line.
e2e_recipients() {
	awk -F '\t' '!/^#/ && NF >= 3 { print $3 }' "$1"
}

# A small message; $1 is a serial number for the subject, $2 the sender
# ("<>": an ordinary message from postmaster@sender.test, sent with a null
# sender: a mailer daemon's address on mail that is no bounce), $3 the
# recipients.  Its body has a line that an mbox must quote
# (a "From " line after a blank line, with a time: it looks like a
# separator), one that mboxrd quotes once more and one that SMTP
# dot-stuffs; the bounces return it, so the responder's mbox and Maildir
# (-m) get all three.
e2e_message() {
	from=$2
	[ "$from" = "<>" ] && from=postmaster@sender.test
	printf 'From: <%s>\nTo: <%s>\nSubject: smtpclass end-to-end test %s\n' "$from" "$3" "$1"
	printf 'Date: %s\nMessage-ID: <e2e.%s.%s@sender.test>\n\n' "$(date -R)" "$1" "$$"
	printf 'This message goes to a scripted SMTP responder on the loopback interface.\n\n'
	printf 'From 09:00 UTC on, this line would open a message in an mbox if it were not quoted.\n'
	printf '>From here on, a line that mboxrd quotes once more.\n'
	printf '.A line that starts with a dot, which SMTP doubles on the wire.\n'
}

# e2e_remove_work DIR: removes the test's directory, or keeps it (and says
# where) when SMTPCLASS_E2E_KEEP=1.
e2e_remove_work() {
	if [ "${SMTPCLASS_E2E_KEEP:-}" = 1 ]; then
		e2e_log "kept $1"
	else
		rm -rf "$1"
	fi
}

# e2e_absolute PATH: PATH made absolute (tests cd into their namespace).
e2e_absolute() {
	echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

# The logger tests (rsyslog.sh, syslog-ng.sh) run one daemon, its pid in
# e2e_daemon_pid: e2e_daemon_cleanup (the EXIT trap) stops it if it still
# runs and removes the work directory $work.
e2e_daemon_pid=
e2e_daemon_cleanup() {
	status=$?
	if [ -n "$e2e_daemon_pid" ]; then
		kill "$e2e_daemon_pid" 2>/dev/null || true
		wait "$e2e_daemon_pid" 2>/dev/null || true
	fi
	e2e_remove_work "$work"
	exit "$status"
}

# e2e_send_log_lines INPUT SOCKET [LOGGER_OPTION...]: sends each line of
# INPUT ("MMM DD HH:MM:SS HOST TAG[PID]: MESSAGE") to the syslog socket
# SOCKET with logger(1) as the program in it would, its own tag and pid,
# facility mail (cron for the CRON lines).  Sets e2e_lines (every line) and
# e2e_mail_lines (those of facility mail).
e2e_send_log_lines() {
	sl_input=$1
	sl_socket=$2
	shift 2
	e2e_lines=0
	e2e_mail_lines=0
	while IFS= read -r sl_line; do
		e2e_lines=$((e2e_lines + 1))
		sl_rest=${sl_line#* * * * }
		sl_tag=${sl_rest%%: *}
		sl_message=${sl_rest#*: }
		sl_program=${sl_tag%%\[*}
		sl_pid=${sl_tag#*\[}
		sl_pid=${sl_pid%]}
		sl_facility=mail
		[ "$sl_program" = CRON ] && sl_facility=cron
		[ "$sl_facility" = mail ] && e2e_mail_lines=$((e2e_mail_lines + 1))
		logger -u "$sl_socket" "$@" -p "$sl_facility.info" -t "$sl_program" --id="$sl_pid" \
			-- "$sl_message" || e2e_fail "logger failed on line $e2e_lines"
	done <"$sl_input"
}

# e2e_check_bounces SMTPCLASS DIR CASES EXPECTED: the bounce notices that the
# MTA sent to the responder, kept by responder -m in DIR/mbox and
# DIR/Maildir, read by smtpclass from both, and checked by bounces.awk
# against EXPECTED (RECIPIENT KIND lines that the test took from the MTA's
# log) and the responder's script.  First, independent of smtpclass, the
# responder's copies: as many mbox entries as Maildir files, the body lines
# of e2e_message quoted in the mbox (">From 09:00", ">>From here") and plain
# in the Maildir, the dot-stuffed line with one dot in both.
e2e_check_bounces() {
	cb_smtpclass=$1
	cb_dir=$2
	cb_here=$(cd "$(dirname "$0")" && pwd)
	[ -s "$cb_dir/mbox" ] || e2e_fail "no bounce reached the responder ($cb_dir/mbox)"
	# grep -c exits 1 when it counts none, which set -e must not take.
	cb_entries=$(grep -c '^From MAILER-DAEMON ' "$cb_dir/mbox" || true)
	cb_files=$(find "$cb_dir/Maildir/new" -type f | wc -l)
	[ "$cb_entries" -eq "$cb_files" ] ||
		e2e_fail "$cb_entries messages in the mbox, $cb_files in the Maildir"
	cb_maildir_lines=$(cat "$cb_dir/Maildir/new"/* | grep -c '^From 09:00 UTC on,' || true)
	cb_mbox_lines=$(grep -c '^>From 09:00 UTC on,' "$cb_dir/mbox" || true)
	if [ "$cb_maildir_lines" -eq 0 ] || [ "$cb_maildir_lines" -ne "$cb_mbox_lines" ] ||
		grep -q '^From 09:00' "$cb_dir/mbox" ||
		[ "$(cat "$cb_dir/Maildir/new"/* | grep -c '^>From here on,')" -ne "$cb_mbox_lines" ] ||
		[ "$(grep -c '^>>From here on,' "$cb_dir/mbox")" -ne "$cb_mbox_lines" ]; then
		e2e_fail "the responder's mbox does not quote the \"From \" lines that its Maildir has"
	fi
	if grep -q '^\.\.A line' "$cb_dir/mbox" "$cb_dir/Maildir/new"/* ||
		[ "$(grep -c '^\.A line that starts' "$cb_dir/mbox")" -ne "$cb_mbox_lines" ]; then
		e2e_fail "the responder did not undo SMTP's dot-stuffing"
	fi
	e2e_log "the responder kept $cb_entries messages with a null sender"

	"$cb_smtpclass" --format=tsv --header "$cb_dir/mbox" >"$cb_dir/mbox.tsv" ||
		e2e_fail "smtpclass exited with $? on the mbox"
	"$cb_smtpclass" --format=tsv --header "$cb_dir/Maildir" >"$cb_dir/Maildir.tsv" ||
		e2e_fail "smtpclass exited with $? on the Maildir"
	if ! awk -F '\t' -f "$cb_here/bounces.awk" "$cb_here/replies.tsv" "$cb_here/domains.tsv" \
		"$3" "$4" "$cb_dir/mbox.tsv" "$cb_dir/Maildir.tsv"; then
		echo "--- smtpclass on $cb_dir/mbox ---"
		cat "$cb_dir/mbox.tsv"
		echo "--- smtpclass on $cb_dir/Maildir ---"
		cat "$cb_dir/Maildir.tsv"
		e2e_fail "smtpclass's records of the bounces disagree with the MTA and the responder"
	fi
}
