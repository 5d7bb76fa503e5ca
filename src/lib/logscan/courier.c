/*
 * courier.c: Courier's courieresmtpd lines about mail it refused:
 *
 *   Apr 10 03:47:57 web courieresmtpd: error,relay=::ffff:1.2.3.4,ident=tmf,
 *       from=<tmf@example.com>,to=<mailman-subscribe@example.com>: 550 User unknown.
 *                                               (tests/logs/courier.log)
 *
 * Fields are "key=value" joined by ','; ": " ends them and the reply
 * follows.  A line without from= or to= (an AUTH failure) refuses no mail.
 */
#include "logscan_internal.h"

/* Scans courieresmtpd's "error,relay=IP,[ident=x,]from=<s>,to=<r>: REPLY":
 * a reply this server sent. */
static int scan_courier(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *fields = skip_literal(p, end, "error,");
	struct field_walk walk = field_walk_start(fields, end, BYTE_LOWER, LIT(","));
	smtpclass_span key;
	const char *value;
	const char *text = NULL;
	int has_from = 0;
	int has_to = 0;

	if (fields == NULL)
		return 0;
	while (field_next(&walk, &key, &value)) {
		const char *value_end;

		if (value < end && (*value == '<' || *value == '"')) {
			const char *close = find_byte(value + 1, end, *value == '<' ? '>' : '"');
			value_end = close != NULL ? close + 1 : end;
		} else {
			value_end = value;
			while (value_end < end && *value_end != ',' &&
			       !(*value_end == ':' && value_end + 1 < end && value_end[1] == ' '))
				value_end++;
		}
		if (text_is(key.ptr, key.len, "relay")) {
			out->relay = span_of(value, value_end);
		} else if (text_is(key.ptr, key.len, "from")) {
			out->sender = address_of(value, value_end);
			has_from = 1;
		} else if (text_is(key.ptr, key.len, "to")) {
			out->recipient = address_of(value, value_end);
			has_to = 1;
		}
		/* ": " ends the fields; the reply follows. */
		text = skip_literal(value_end, end, ": ");
		if (text != NULL)
			break;
		field_value_end(&walk, value_end);
	}
	/* Without from= or to= (an AUTH failure: msg="535 ...") no mail was
	 * refused. */
	if (!(has_from || has_to) || text == NULL)
		return 0;
	out->reply = span_of(text, end);
	out->mta = SMTPCLASS_MTA_COURIER;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = has_to ? SMTPCLASS_STAGE_RCPT : SMTPCLASS_STAGE_MAIL;
	return 1;
}

int sc_scan_courier(const struct scan_line *line, smtpclass_log_record *out)
{
	return scan_courier(line->header.message, line->end, out);
}
