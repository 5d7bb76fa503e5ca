# check.awk: compares what an MTA logged with what smtpclass made of its log.
#
# awk -F '\t' -f check.awk CASES OUTCOMES RECORDS
#
# CASES    MESSAGE SENDER RECIPIENT STATUS DSN REASON (the expected first
#          outcome of each recipient; see postfix-cases.tsv)
# OUTCOMES LINE RECIPIENT STATUS DSN: every delivery outcome the MTA wrote,
#          taken from its log by the test script with its own pattern
# RECORDS  smtpclass --all --format=tsv --header output for that log
#
# Rules: every outcome line became exactly one record and no other line
# became a record; each record's status, recipient and dsn are the MTA's;
# its verdict follows the MTA's status (sent: success, deferred: soft,
# bounced and expired: hard); the first outcome of each recipient has the
# status, dsn and smtpclass reason the cases file expects.  Prints one row
# per outcome, each failure, and "N passed, M failed".

function fail(message) {
	failed++
	printf "FAIL: %s\n", message
}

function verdict_of(status) {
	if (status == "sent")
		return "success"
	if (status == "deferred")
		return "soft"
	if (status == "bounced" || status == "expired")
		return "hard"
	return "?"
}

FILENAME == ARGV[1] {
	if ($0 ~ /^#/ || NF < 6)
		next
	case_status[$3] = $4
	case_dsn[$3] = $5
	case_reason[$3] = $6
	case_order[++case_count] = $3
	next
}

FILENAME == ARGV[2] {
	outcome_line[++outcome_count] = $1
	outcome_recipient[$1] = $2
	outcome_status[$1] = $3
	outcome_dsn[$1] = $4
	is_outcome[$1] = 1
	next
}

FNR == 1 {
	for (i = 1; i <= NF; i++)
		column[$i] = i
	split("line verdict reason status recipient dsn code enhanced stage rule", needed, " ")
	for (i in needed)
		if (!(needed[i] in column)) {
			fail("smtpclass output has no column " needed[i])
			exit 1
		}
	next
}

{
	line = $column["line"]
	records[line]++
	verdict[line] = $column["verdict"]
	reason[line] = $column["reason"]
	status[line] = $column["status"]
	recipient[line] = $column["recipient"]
	dsn[line] = $column["dsn"]
	reply[line] = $column["code"] " " $column["enhanced"]
	stage[line] = $column["stage"]
	record_count++
	if (!(line in is_outcome))
		fail("line " line ": a record, but the MTA logged no delivery outcome there (status " \
		     status[line] ", recipient " recipient[line] ")")
}

END {
	printf "%-5s %-34s %-9s %-7s | %-8s %-16s %-9s %s\n", "line", "recipient", "status", "dsn",
	       "verdict", "reason", "reply", "stage"
	for (i = 1; i <= outcome_count; i++) {
		line = outcome_line[i]
		r = outcome_recipient[line]
		failed_before = failed
		check_outcome(line, r)
		if (failed == failed_before)
			passed++
	}
	for (i = 1; i <= case_count; i++)
		if (!(case_order[i] in seen))
			fail(case_order[i] ": no delivery outcome in the log")
	if (outcome_count == 0)
		fail("no delivery outcome in the log")
	printf "%d outcomes, %d records\n", outcome_count, record_count
	printf "%d passed, %d failed\n", passed, failed
	exit failed > 0
}

# Checks one outcome line against its record and, for the first outcome of
# a recipient of the cases file, against the expectations.
function check_outcome(line, r,    first) {
	printf "%-5s %-34s %-9s %-7s | %-8s %-16s %-9s %s\n", line, r, outcome_status[line],
	       outcome_dsn[line], verdict[line], reason[line], reply[line], stage[line]
	first = (r in case_status) && !(r in seen)
	seen[r] = 1
	if (first && (outcome_status[line] != case_status[r] || outcome_dsn[line] != case_dsn[r]))
		fail("line " line " (" r "): the MTA logged " outcome_status[line] " dsn " \
		     outcome_dsn[line] ", the test expects " case_status[r] " dsn " case_dsn[r])
	if (records[line] != 1) {
		fail("line " line ": " (records[line] + 0) " records for one outcome")
		return
	}
	if (status[line] != outcome_status[line])
		fail("line " line ": status " status[line] ", the MTA logged " outcome_status[line])
	if (recipient[line] != r)
		fail("line " line ": recipient " recipient[line] ", the MTA logged " r)
	if (outcome_dsn[line] != "" && dsn[line] != outcome_dsn[line])
		fail("line " line ": dsn " dsn[line] ", the MTA logged " outcome_dsn[line])
	if (verdict[line] != verdict_of(outcome_status[line]))
		fail("line " line " (" r "): verdict " verdict[line] " but the MTA's status is " \
		     outcome_status[line] " (dsn " outcome_dsn[line] ")")
	if (first && reason[line] != case_reason[r])
		fail("line " line " (" r "): reason " reason[line] ", expected " case_reason[r])
}
