/*
 * exchange.c: Microsoft Exchange CSV logs.  Message tracking logs hold one
 * event per line (event-id SEND, FAIL, DEFER, ...) with the recipient and
 * its status; SMTP protocol logs hold the replies of a session, '>' for
 * ours and '<' for the remote's:
 *
 *   2024-01-07T00:00:07.463Z,192.168.0.1,exchange,192.168.0.2,exchange.example.com,
 *       ...,SMTP,SEND,29519319995411,20240107001234.567E6224C8@monitor.example.com,
 *       0b7099ea-cb95-1234-328e-08dc5f139ac8,uwe.musterman@example.com,
 *       250 2.1.5Recipient OK,...               (tests/logs/exchange.log)
 *
 * The line starts with its timestamp, so the header parser hands over the
 * whole line (form CSV).
 */
#include "logscan_internal.h"

enum { EXCHANGE_FIELDS = 24 };

/* Reads one CSV field at p into *field (quotes removed, "" left as is) and
 * returns where the next field starts, or NULL after the last field. */
static const char *csv_field(const char *p, const char *end, smtpclass_span *field)
{
	const char *comma;

	if (p < end && *p == '"') {
		const char *q = p + 1;
		for (;;) {
			const char *quote = find_byte(q, end, '"');
			if (quote == NULL) {
				*field = span_of(p + 1, end);
				return NULL;
			}
			if (quote + 1 < end && quote[1] == '"') {
				q = quote + 2;
				continue;
			}
			*field = span_of(p + 1, quote);
			comma = find_byte(quote + 1, end, ',');
			return comma != NULL ? comma + 1 : NULL;
		}
	}
	comma = find_byte(p, end, ',');
	*field = span_of(p, comma != NULL ? comma : end);
	return comma != NULL ? comma + 1 : NULL;
}

/* 1 when the span is a GUID like "0b7099ea-cb95-1234-328e-08dc5f139ac8". */
static int is_guid(smtpclass_span span)
{
	static const size_t dashes[] = {8, 13, 18, 23};

	if (span.len != 36)
		return 0;
	for (size_t i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++)
		if (span.ptr[dashes[i]] != '-')
			return 0;
	return 1;
}

/* The status of a message tracking event-id, or NONE. */
static smtpclass_log_status exchange_event_status(smtpclass_span event)
{
	if (text_is(event.ptr, event.len, "FAIL"))
		return SMTPCLASS_STATUS_BOUNCED;
	if (text_is(event.ptr, event.len, "DEFER"))
		return SMTPCLASS_STATUS_DEFERRED;
	/* A failed shadow-redundancy redirect: the message is still queued. */
	if (text_is(event.ptr, event.len, "HAREDIRECTFAIL"))
		return SMTPCLASS_STATUS_DEFERRED;
	if (text_is(event.ptr, event.len, "SEND") || text_is(event.ptr, event.len, "SENDEXTERNAL"))
		return SMTPCLASS_STATUS_SENT;
	return SMTPCLASS_STATUS_NONE;
}

/* Scans an Exchange CSV line.  Message tracking: date-time, client-ip,
 * client-hostname, server-ip, server-hostname, source-context,
 * connector-id, source, event-id, internal-message-id, message-id,
 * [network-message-id (2013+)], recipient-address, recipient-status, ...
 * SMTP protocol logs ("time,connector,session,seq,local,remote,event,data")
 * count when data is a 4xx/5xx reply: ours ('>') is a rejection, the
 * remote's ('<') a deferral or bounce. */
static int scan_exchange(const char *p, const char *end, smtpclass_log_record *out)
{
	smtpclass_span fields[EXCHANGE_FIELDS];
	size_t count = 0;
	smtpclass_log_status status;
	size_t shift;

	if (p < end && *p == '#')
		return 0;
	while (p != NULL && count < EXCHANGE_FIELDS)
		p = csv_field(p, end, &fields[count++]);

	if (count >= 8 && fields[6].len == 1 && (*fields[6].ptr == '>' || *fields[6].ptr == '<')) {
		const char *data = fields[7].ptr;
		if (fields[7].len == 0 || !is_reply_code(data, data + fields[7].len) ||
		    data[0] == '2')
			return 0;
		out->mta = SMTPCLASS_MTA_EXCHANGE;
		out->time = fields[0];
		out->status =
		    *fields[6].ptr == '>' ? SMTPCLASS_STATUS_REJECTED : status_from_class(data[0]);
		out->relay = fields[5];
		out->reply = fields[7];
		return 1;
	}

	if (count < 14)
		return 0;
	status = exchange_event_status(fields[8]);
	if (status == SMTPCLASS_STATUS_NONE)
		return 0;
	shift = is_guid(fields[11]) ? 1 : 0;
	out->mta = SMTPCLASS_MTA_EXCHANGE;
	out->status = status;
	out->time = fields[0];
	out->host = fields[4];
	out->queue_id = fields[9];
	if (fields[11 + shift].len > 0) {
		const char *list = fields[11 + shift].ptr;
		const char *list_end = list + fields[11 + shift].len;
		const char *semicolon = find_byte(list, list_end, ';');
		out->recipient = address_of(list, semicolon != NULL ? semicolon : list_end);
	}
	out->reply = fields[12 + shift];
	if (count > 18 + shift)
		out->sender = fields[18 + shift];
	return 1;
}

int sc_scan_exchange(const struct scan_line *line, smtpclass_log_record *out)
{
	const char *p = line->header.form == FORM_CSV ? line->header.message : line->start;

	return scan_exchange(p, line->end, out);
}
