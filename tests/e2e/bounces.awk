# bounces.awk: checks what smtpclass read from the bounce notices that a real
# MTA sent to the responder (kept there by responder -m as an mbox and as a
# Maildir) against the MTA's log and the responder's script.
#
# awk -F '\t' -f bounces.awk REPLIES DOMAINS CASES EXPECTED MBOX_RECORDS MAILDIR_RECORDS
#
# REPLIES   replies.tsv, the script the responder answered from
# DOMAINS   domains.tsv (a recipient's domain gives the port, whose greeting
#           and EHLO replies the script keys by port)
# CASES     postfix-cases.tsv or exim-cases.tsv (a recipient's sender)
# EXPECTED  RECIPIENT KIND: every recipient the MTA's log says it returned,
#           KIND "bounced" (a permanent failure) or "expired" (deferred until
#           its queue lifetime or retry time ran out), taken from the log by
#           the test script with the MTA's own format
# MBOX_RECORDS, MAILDIR_RECORDS
#           smtpclass --format=tsv --header on DIR/mbox and on DIR/Maildir
#
# Rules, for each of the two record files: every expected recipient has
# exactly one record, whose status is the DSN action "failed"; no other
# recipient has one (a delivered recipient of the same message, or the
# ordinary message with a null sender that the test also sends, is no
# bounce).  For a bounced recipient the record's code and enhanced code are
# the reply that the script made fail it, or, when that reply carries no
# enhanced code, an enhanced code of the same class (the MTA writes its own
# Status then: X.0.0).  For an expired recipient the notice carries the last
# deferral's reply or none: the record's code is empty or that reply's.
#
# The expected reply comes from the script, not from the MTA's log nor from
# smtpclass's log records: the responder's own logic is replayed here, stage
# by stage (greeting and EHLO by the domain's first port, MAIL FROM by the
# sender's local part, RCPT TO, DATA and end of data by the recipient's), and
# the first reply that is not positive is the one that failed the
# recipient.  DATA and end of data are keyed by the first accepted recipient
# of a message, which is the recipient itself in every message that has
# such rows.  DROP and HANG send no reply: no code.

function fail(message) {
	failed++
	printf "FAIL: %s\n", message
}

# The reply of the script for (key, stage): sets reply_code and
# reply_enhanced from its last line; returns 0 when the script has no row
# (the responder's positive default), 1 otherwise.
function scripted(key, stage,    text) {
	reply_code = ""
	reply_enhanced = ""
	if (!((key, stage) in script))
		return 0
	text = script[key, stage]
	if (text == "DROP" || text == "HANG")
		return 1
	reply_code = substr(text, 1, 3)
	if (match(text, /^[0-9][0-9][0-9][ -][245]\.[0-9]+\.[0-9]+/))
		reply_enhanced = substr(text, 5, RLENGTH - 4)
	return 1
}

# Replays the responder for recipient r: sets failure_stage, failure_code and
# failure_enhanced to the first reply that is not positive; returns 0 when
# every stage was positive (the script cannot have failed r).
function failing_reply(r,    local, domain, port, stages, keys, n, i) {
	local = r
	sub(/@.*/, "", local)
	domain = r
	sub(/.*@/, "", domain)
	port = first_port[domain]
	n = split("greeting ehlo mail rcpt data eod", stages, " ")
	keys[1] = port
	keys[2] = port
	keys[3] = case_sender[r]
	keys[4] = local
	keys[5] = local
	keys[6] = local
	for (i = 1; i <= n; i++) {
		if (!scripted(keys[i], stages[i]))
			continue
		if (reply_code ~ /^2/ || (stages[i] == "data" && reply_code == "354"))
			continue
		failure_stage = stages[i]
		failure_code = reply_code
		failure_enhanced = reply_enhanced
		return 1
	}
	return 0
}

FILENAME == ARGV[1] {
	if ($0 ~ /^#/ || NF < 3)
		next
	# Rows with the same key and stage are one multiline reply: the last
	# line is kept, the one whose code ends the reply.
	script[$1, $2] = $3
	next
}

FILENAME == ARGV[2] {
	if ($0 ~ /^#/ || NF < 2)
		next
	port = $2
	sub(/,.*/, "", port)
	first_port[$1] = port
	next
}

FILENAME == ARGV[3] {
	if ($0 ~ /^#/ || NF < 3)
		next
	case_sender[$3] = $2
	next
}

FILENAME == ARGV[4] {
	r = tolower($1)
	if (!(r in kind))
		expected_order[++expected_count] = r
	kind[r] = $2
	next
}

FNR == 1 {
	store = FILENAME == ARGV[5] ? "mbox" : "Maildir"
	for (i = 1; i <= NF; i++)
		column[store, $i] = i
	split("recipient status code enhanced source", needed, " ")
	for (i in needed)
		if (!((store, needed[i]) in column)) {
			fail(store ": smtpclass output has no column " needed[i])
			broken = 1
			exit 1
		}
	next
}

{
	r = tolower($column[store, "recipient"])
	records[store, r]++
	record_status[store, r] = $column[store, "status"]
	record_code[store, r] = $column[store, "code"]
	record_enhanced[store, r] = $column[store, "enhanced"]
	record_source[store, r] = $column[store, "source"]
	record_count[store]++
	if (!(r in kind))
		fail(store ": a record for " r " (" $column[store, "source"] ", code " \
		     $column[store, "code"] "), which the MTA did not return")
}

# Checks the record of r in one store.
function check_record(store, r) {
	if (records[store, r] != 1) {
		fail(store ": " (records[store, r] + 0) " records for " r " (" kind[r] ")")
		return
	}
	if (record_status[store, r] != "failed")
		fail(store ": " r ": status " record_status[store, r] ", the DSN action should be failed")
	if (kind[r] == "bounced") {
		if (record_code[store, r] != failure_code)
			fail(store ": " r ": code " record_code[store, r] ", the responder answered " \
			     failure_code " at " failure_stage)
		if (failure_enhanced != "" && record_enhanced[store, r] != failure_enhanced)
			fail(store ": " r ": enhanced " record_enhanced[store, r] \
			     ", the responder answered " failure_enhanced " at " failure_stage)
		if (failure_enhanced == "" &&
		    substr(record_enhanced[store, r], 1, 2) != substr(failure_code, 1, 1) ".")
			fail(store ": " r ": enhanced " record_enhanced[store, r] \
			     ", the class of the responder's " failure_code " at " failure_stage)
	} else if (record_code[store, r] != "" && record_code[store, r] != failure_code) {
		fail(store ": " r ": code " record_code[store, r] " for an expired recipient, " \
		     "the responder's last reply was " (failure_code == "" ? "none" : failure_code) \
		     " at " failure_stage)
	}
}

END {
	if (broken)
		exit 1
	printf "%-32s %-7s %-14s | %-18s %-18s %s\n", "recipient", "kind", "script",
	       "mbox", "Maildir", "source (Maildir)"
	for (i = 1; i <= expected_count; i++) {
		r = expected_order[i]
		failure_stage = "?"
		failure_code = failure_enhanced = ""
		if (!failing_reply(r) && kind[r] == "bounced")
			fail(r ": the MTA bounced it, but no reply of the script fails it")
		printf "%-32s %-7s %-14s | %-18s %-18s %s\n", r, kind[r],
		       failure_code " " failure_enhanced, record_code["mbox", r] " " \
		       record_enhanced["mbox", r], record_code["Maildir", r] " " \
		       record_enhanced["Maildir", r], record_source["Maildir", r]
		check_record("mbox", r)
		check_record("Maildir", r)
	}
	if (expected_count == 0)
		fail("the MTA's log returned no recipient")
	printf "%d returned recipients; %d mbox records, %d Maildir records; %d failed\n",
	       expected_count, record_count["mbox"], record_count["Maildir"], failed
	exit failed > 0
}
