/*
 * opensmtpd.c: OpenSMTPD's smtpd lines.  Deliveries are "key=value" fields
 * separated by spaces, values quoted when they hold spaces; refused client
 * commands come in two forms (before and since OpenSMTPD 6.4):
 *
 *   smtpd[12882]: 5984932a5bd56649 mta delivery evpid=523e991de1f23131
 *       from=<bounce@sender.test> to=<nouser@gmail.test> rcpt=<-> source="127.0.0.1"
 *       relay="127.0.0.1 (localhost)" delay=0s result="PermFail" stat="550 5.1.1 ..."
 *                                               (lab log, tests/test_logscan.c)
 *   smtpd[28882]: smtp-in: Failed command on session 1f55bdcdf16e28a3:
 *       "MAIL FROM:<root@junction.example.com>  " => 421 4.3.0: Temporary Error
 *                                               (tests/logs/opensmtpd.log)
 *   smtpd[12882]: 3f1b5d6e0a9c7b21 smtp failed-command command="RCPT TO:<r@x>"
 *       result="550 Invalid recipient: <r@x>"   (6.4+)
 */
#include "logscan_internal.h"

/* The span [p, q) without the double quotes around it (the closing one
 * may be missing on a cut line). */
static smtpclass_span unquoted(const char *p, const char *q)
{
	if (p < q && *p == '"') {
		p++;
		if (q > p && q[-1] == '"')
			q--;
	}
	return span_of(p, q);
}

/* Parses "mta delivery evpid=E from=<s> to=<r> rcpt=<-> source="IP"
 * relay="IP (name)" delay=1s result="TempFail" stat="REPLY"" (also the mda
 * form); p points at "delivery evpid=". */
static int opensmtpd_delivery(const char *p, const char *end, smtpclass_log_record *out)
{
	struct field_walk walk = field_walk_start(skip_literal(p, end, "delivery "), end,
	                                          BYTE_LOWER | BYTE_KEY | BYTE_DASH, LIT(" "));
	smtpclass_span result = {NULL, 0};
	smtpclass_span key;
	const char *value;

	while (field_next(&walk, &key, &value)) {
		const char *value_end;

		if (text_is(key.ptr, key.len, "stat")) {
			/* The last field; its text may hold quotes itself. */
			out->reply = unquoted(value, end);
			break;
		}
		if (value < end && *value == '"') {
			const char *close = find_byte(value + 1, end, '"');
			value_end = close != NULL ? close + 1 : end;
		} else if (value < end && *value == '<') {
			const char *close = find_byte(value, end, '>');
			value_end = close != NULL ? close + 1 : end;
		} else {
			value_end = token_end(value, end);
		}
		if (text_is(key.ptr, key.len, "evpid"))
			out->queue_id = span_of(value, value_end);
		else if (text_is(key.ptr, key.len, "from"))
			out->sender = address_of(value, value_end);
		else if (text_is(key.ptr, key.len, "to"))
			out->recipient = address_of(value, value_end);
		else if (text_is(key.ptr, key.len, "relay"))
			out->relay = unquoted(value, value_end);
		else if (text_is(key.ptr, key.len, "result"))
			result = unquoted(value, value_end);
		else if (text_is(key.ptr, key.len, "delay"))
			out->delay = span_of(value, value_end); /* since queued: "1s" */
		/* Any number of spaces, even none, before the next key. */
		field_continue_at(&walk, skip_spaces(value_end, end));
	}
	if (text_is(result.ptr, result.len, "Ok"))
		out->status = SMTPCLASS_STATUS_SENT;
	else if (text_is(result.ptr, result.len, "TempFail"))
		out->status = SMTPCLASS_STATUS_DEFERRED;
	else if (text_is(result.ptr, result.len, "PermFail") ||
	         text_is(result.ptr, result.len, "Loop"))
		out->status = SMTPCLASS_STATUS_BOUNCED;
	else
		return 0;
	out->mta = SMTPCLASS_MTA_OPENSMTPD;
	return 1;
}

/* Fills a rejected record from an OpenSMTPD client command and our reply. */
static int opensmtpd_failed_command(const char *command, const char *command_end, const char *reply,
                                    const char *reply_end, smtpclass_log_record *out)
{
	const char *bracket;

	out->mta = SMTPCLASS_MTA_OPENSMTPD;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = sc_stage_from_command(command, command_end);
	bracket = find_byte(command, command_end, '<');
	if (bracket != NULL && out->stage == SMTPCLASS_STAGE_RCPT)
		out->recipient = address_at(bracket, command_end, NULL);
	else if (bracket != NULL && out->stage == SMTPCLASS_STAGE_MAIL)
		out->sender = address_at(bracket, command_end, NULL);
	out->reply = span_of(reply, reply_end);
	return 1;
}

/* Scans the message of an OpenSMTPD smtpd line. */
static int scan_opensmtpd(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *mark = find_text(p, end, "delivery evpid=");

	if (mark != NULL)
		return opensmtpd_delivery(mark, end, out);
	mark = find_text(p, end, "Failed command on session ");
	if (mark != NULL) {
		/* smtp-in: Failed command on session X: "MAIL FROM:<a>  " => 421 ... */
		const char *quote = find_byte(mark, end, '"');
		const char *arrow;
		const char *reply;
		if (quote == NULL)
			return 0;
		reply = find_after(quote + 1, end, "\" => ", &arrow);
		if (reply == NULL)
			return 0;
		return opensmtpd_failed_command(quote + 1, arrow, reply, end, out);
	}
	mark = find_after(p, end, "failed-command command=\"", NULL);
	if (mark != NULL) {
		/* OpenSMTPD 6.4+: failed-command command="RCPT TO:<a>" result="550 ..." */
		const char *command = mark;
		const char *command_end;
		const char *result = find_after(command, end, "\" result=\"", &command_end);
		const char *result_end = end;
		if (result == NULL)
			return 0;
		if (result_end > result && result_end[-1] == '"')
			result_end--;
		return opensmtpd_failed_command(command, command_end, result, result_end, out);
	}
	return 0;
}

int sc_scan_opensmtpd(const struct scan_line *line, smtpclass_log_record *out)
{
	return scan_opensmtpd(line->header.message, line->end, out);
}
