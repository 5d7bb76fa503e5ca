/*
 * exim.c: Exim main log lines, from its mainlog or from syslog as
 * "exim[pid]: ".  After the optional message id a two-byte flag says what
 * the line is: "=>" delivered, "->" another address of the same delivery,
 * ">>" a cutthrough delivery, "**" bounced, "==" deferred, "<=" arrived (no
 * outcome).  Lines about a client this server refused say "rejected ...":
 *
 *   2020-06-20 02:32:57 -0200 [789] 1jmKso-0009d4-Uf ** molly@zee.corp R=dnslookup
 *       T=remote_smtp H=mail.zee.corp [3.3.3.3] ...: SMTP error from remote mail
 *       server after end of data: 554 5.2.0 ...                      (tests/logs/exim.log)
 *   2022-06-29 13:54:29 H=(smtpclient.test) [1.136.28.14]:17125 ... F=<info@toto.com.au>
 *       rejected RCPT <tutu@titi.com.au>: SMTP AUTH is required ...  (tests/logs/exim.log)
 *
 * Multiline replies are logged on one line with a literal "\n" between the
 * lines (reply_form ESCAPED_NEWLINES); trailing " DT=1s" style duration
 * fields are not part of the reply.  " QT=27s" (log_selector +queue_time),
 * among the fields or after the reply, is the record's delay:
 *
 *   2015-12-16 15:28:59 1a9E0G-003vJ3-JG => avinash.trivedi <avinash.trivedi@videonetics.com>
 *       R=virtual_user T=virtual_userdelivery QT=27s DT=0s          (tests/logs/web-exim.log)
 */
#include "logscan_internal.h"

/* End of an Exim message id at p ("1xX3v5-00007e-1t", "1QRQYT-00033F-G2",
 * "10HmaX-000000005vi-0000") followed by a space or the end, or NULL. */
const char *sc_match_exim_id(const char *p, const char *end)
{
	size_t n;
	const char *q = p;

	while (q < end && byte_is(*q, BYTE_DIGIT | BYTE_LOWER | BYTE_UPPER | BYTE_DASH))
		q++;
	n = (size_t)(q - p);
	if (q < end && *q != ' ')
		return NULL;
	if (n == 16 && p[6] == '-' && p[13] == '-')
		return q;
	if (n == 23 && p[6] == '-' && p[18] == '-')
		return q;
	return NULL;
}

/* The flags that start an Exim delivery line, the one list of them: the
 * scanner below and the auto-detection in logscan.c both read it. */
static const struct exim_flag {
	const char *text; /* the flag and the space after it */
	size_t length;
	smtpclass_log_status status;
} exim_flags[] = {
    {LIT("=> "), SMTPCLASS_STATUS_SENT},     /* delivered */
    {LIT("-> "), SMTPCLASS_STATUS_SENT},     /* another address of the same delivery */
    {LIT(">> "), SMTPCLASS_STATUS_SENT},     /* cutthrough delivery */
    {LIT("** "), SMTPCLASS_STATUS_BOUNCED},  /* delivery failed */
    {LIT("== "), SMTPCLASS_STATUS_DEFERRED}, /* delivery deferred */
};

/* Where the address after an Exim delivery flag at p ("=> ", "** ", ...)
 * starts, with the flag's status in *status; NULL when p holds none. */
const char *sc_exim_delivery_flag(const char *p, const char *end, smtpclass_log_status *status)
{
	if (left(p, end) < 3 || p[2] != ' ')
		return NULL;
	for (size_t i = 0; i < sizeof(exim_flags) / sizeof(exim_flags[0]); i++) {
		const char *address = skip_bytes(p, end, exim_flags[i].text, exim_flags[i].length);
		if (address != NULL) {
			*status = exim_flags[i].status;
			return address;
		}
	}
	return NULL;
}

/* Where a trailing " DT=0s" (and other " KEY=duration" deliver_time style
 * fields: one to three capitals, '=', a digit) starts, else end.  Among
 * them " QT=" (+queue_time) is the time since the message arrived: it goes
 * to *queue_time, unless queue_time is NULL or holds one already.  DT= is
 * the time of this one attempt, and is only stripped. */
static const char *strip_duration_fields(const char *text, const char *end,
                                         smtpclass_span *queue_time)
{
	for (;;) {
		const char *space = end;
		const char *key;
		const char *q;

		while (space > text && space[-1] != ' ')
			space--;
		if (space <= text)
			return end;
		key = space;
		q = key;
		while (q < end && is_upper(*q) && q - key < 3)
			q++;
		if (q == key || left(q, end) < 2 || q[0] != '=' || !is_digit(q[1]))
			return end;
		if (queue_time != NULL && queue_time->len == 0 &&
		    text_is(key, (size_t)(q - key), "QT"))
			*queue_time = span_of(q + 1, end);
		end = space - 1;
	}
}

/* 1 when the span holds an '@'. */
static int has_at_sign(smtpclass_span span)
{
	return span.len > 0 && memchr(span.ptr, '@', span.len) != NULL;
}

/* Sets ESCAPED_NEWLINES when the reply holds Exim's literal "\n". */
static void mark_escaped_newlines(smtpclass_log_record *out)
{
	if (out->reply.len > 0 &&
	    find_text(out->reply.ptr, out->reply.ptr + out->reply.len, "\\n") != NULL)
		out->reply_form = SMTPCLASS_LOG_REPLY_ESCAPED_NEWLINES;
}

/* Finds the reply and stage in an Exim failure text: "SMTP error from
 * remote mail server after RCPT TO:<a>: REPLY" (also LMTP/PRDR, the
 * "pipelined" forms, and Exim <= 4.7x's "...: host H [IP]: REPLY"),
 * "Remote host closed connection in response to X", "SMTP timeout after
 * X"; code-less texts are the reply as a whole. */
static void exim_failure_text(const char *text, const char *end, smtpclass_log_record *out)
{
	const char *after;

	end = strip_duration_fields(text, end, &out->delay);
	out->reply = span_of(text, end);
	after = skip_literal(text, end, "SMTP error from remote mail server after ");
	if (after == NULL)
		after = skip_literal(text, end, "LMTP error after ");
	if (after == NULL)
		after = skip_literal(text, end, "PRDR error after ");

	if (after != NULL) {
		const char *stage_end = after;
		const char *reply;
		out->stage = sc_stage_from_phrase(after, end);
		if (out->stage == SMTPCLASS_STAGE_RCPT || out->stage == SMTPCLASS_STAGE_MAIL) {
			const char *close = find_byte(after, end, '>');
			if (close != NULL)
				stage_end = close;
		}
		reply = find_after(stage_end, end, ": ", NULL);
		if (reply != NULL) {
			const char *host = skip_literal(reply, end, "host ");
			if (host != NULL) {
				const char *close;
				const char *after_host = find_after(reply, end, "]: ", &close);
				if (after_host != NULL) {
					/* The relay is "H [IP]", with its ']'. */
					if (out->relay.len == 0)
						out->relay = span_of(host, close + 1);
					reply = after_host;
				}
			}
			out->reply = span_of(reply, end);
		}
	} else {
		const char *mark;
		const char *phrase = find_after(text, end, "in response to ", &mark);
		if (phrase != NULL) {
			out->stage = sc_stage_from_phrase(phrase, end);
			if (starts_with(text, end, "Malformed SMTP reply")) {
				const char *reply = find_after(mark, end, ": ", NULL);
				if (reply != NULL)
					out->reply = span_of(reply, end);
			}
		} else {
			phrase = find_after(text, end, "timeout after ", NULL);
			if (phrase != NULL)
				out->stage = sc_stage_from_phrase(phrase, end);
		}
	}
	mark_escaped_newlines(out);
}

/* Parses an Exim delivery line after its flag: "addr [<orig>] F=<s> R=r
 * T=t H=host [IP]:port ... : TEXT" for ** and ==, "... C="250 ..." QT=27s
 * DT=0s" for => -> and >>; QT= may also follow the TEXT.  Fields are read
 * as space-separated tokens, quotes kept whole; the token ending in ':' (or
 * a lone ':') starts the text. */
static int scan_exim_delivery(const char *p, const char *end, smtpclass_log_status status,
                              smtpclass_log_record *out)
{
	const char *address_end = token_end(p, end);
	const char *text = NULL;
	const char *q;
	smtpclass_span confirmation = {NULL, 0};

	out->mta = SMTPCLASS_MTA_EXIM;
	out->status = status;
	q = address_end;
	if (address_end > p && address_end[-1] == ':') {
		address_end--;
		text = q;
	}
	out->recipient = address_of(p, address_end);

	while (text == NULL && q < end) {
		const char *token;
		const char *token_stop;
		const char *value_end;
		const char *sender;
		const char *confirmed;
		const char *host;
		const char *queued;
		int ends_fields;

		q = skip_spaces(q, end);
		if (q >= end)
			break;
		if (*q == ':' && (q + 1 == end || q[1] == ' ')) {
			text = q + 1;
			break;
		}
		token = q;
		while (q < end && *q != ' ') {
			if (*q == '"') {
				const char *close = find_byte(q + 1, end, '"');
				q = close != NULL ? close + 1 : end;
				continue;
			}
			q++;
		}
		token_stop = q;
		ends_fields = token_stop > token && token_stop[-1] == ':';
		value_end = ends_fields ? token_stop - 1 : token_stop;
		sender = skip_literal(token, value_end, "F=");
		confirmed = skip_literal(token, value_end, "C=\"");
		host = skip_literal(token, value_end, "H=");
		queued = skip_literal(token, value_end, "QT=");

		if (sender != NULL && sender < value_end && *sender == '<') {
			out->sender = address_of(sender, value_end);
		} else if (confirmed != NULL) {
			const char *close = value_end;
			if (close > confirmed && close[-1] == '"')
				close--;
			confirmation = span_of(confirmed, close);
		} else if (host != NULL) {
			const char *relay_end = value_end;
			const char *next = skip_spaces(token_stop, end);
			if (!ends_fields && next < end && *next == '[') {
				/* "H=host [IP]:port" holds a space. */
				const char *ip_end = token_end(next, end);
				q = ip_end;
				ends_fields = ip_end[-1] == ':';
				relay_end = ends_fields ? ip_end - 1 : ip_end;
				if (relay_end > next && relay_end[-1] == '*')
					relay_end--;
			}
			out->relay = span_of(host, relay_end);
		} else if (queued != NULL) {
			/* +queue_time; DT= (+deliver_time) is this attempt only. */
			if (out->delay.len == 0)
				out->delay = span_of(queued, value_end);
		} else if (*token == '<' && !has_at_sign(out->recipient)) {
			/* A local part or a pipe: the original address says more. */
			out->recipient = address_of(token, value_end);
		}
		if (ends_fields)
			text = q;
	}

	if (text != NULL) {
		text = skip_spaces(text, end);
		exim_failure_text(text, end, out);
	} else if (confirmation.len > 0) {
		out->reply = confirmation;
		mark_escaped_newlines(out);
	}
	return 1;
}

/* Parses an Exim line about a client this server refused: "H=host [IP]
 * F=<s> rejected RCPT <r>: TEXT", "rejected MAIL <s>", "rejected EHLO",
 * "rejected connection in "connect" ACL: ...", "rejected after DATA",
 * "rejected by local_scan()", also "temporarily rejected".  rejected
 * points at the word "rejected" inside [p, end), q after "rejected ". */
static int scan_exim_reject(const char *p, const char *end, const char *rejected, const char *q,
                            smtpclass_log_record *out)
{
	const char *host;
	const char *sender;
	const char *rcpt;
	const char *mail;
	const char *text;

	out->mta = SMTPCLASS_MTA_EXIM;
	out->status = SMTPCLASS_STATUS_REJECTED;

	host = skip_literal(p, rejected, "H=");
	if (host == NULL)
		host = find_after(p, rejected, " H=", NULL);
	if (host != NULL) {
		const char *value = host;
		const char *close = find_byte(value, rejected, ']');
		const char *relay_end = close != NULL ? close + 1 : token_end(value, rejected);
		if (relay_end < rejected && *relay_end == ':') {
			const char *digits = relay_end + 1;
			while (digits < rejected && is_digit(*digits))
				digits++;
			if (digits > relay_end + 1)
				relay_end = digits;
		}
		out->relay = span_of(value, relay_end);
	}
	sender = skip_literal(p, rejected, "F=");
	if (sender == NULL)
		sender = find_after(p, rejected, " F=", NULL);
	if (sender != NULL)
		out->sender = address_at(sender, rejected, NULL);

	rcpt = skip_literal(q, end, "RCPT ");
	mail = skip_literal(q, end, "MAIL ");
	if (rcpt != NULL) {
		out->stage = SMTPCLASS_STAGE_RCPT;
		q = rcpt;
		if (q < end && *q == '<')
			out->recipient = address_at(q, end, &q);
	} else if (mail != NULL) {
		out->stage = SMTPCLASS_STAGE_MAIL;
		q = mail;
		if (q < end && *q == '<')
			out->sender = address_at(q, end, &q);
	} else if (starts_with(q, end, "EHLO") || starts_with(q, end, "HELO")) {
		out->stage = SMTPCLASS_STAGE_HELO;
	} else if (starts_with(q, end, "connection")) {
		out->stage = SMTPCLASS_STAGE_CONNECT;
	} else if (starts_with(q, end, "after DATA") || starts_with(q, end, "DATA")) {
		out->stage = SMTPCLASS_STAGE_DATA;
	} else if (starts_with(q, end, "by local_scan()")) {
		out->stage = SMTPCLASS_STAGE_EOD;
	} else if (!starts_with(q, end, "VRFY") && !starts_with(q, end, "AUTH") &&
	           !starts_with(q, end, "ETRN") && !starts_with(q, end, "EXPN")) {
		return 0;
	}

	text = find_after(q, end, ": ", NULL);
	if (text != NULL) {
		const char *inner =
		    find_text(text, end, "SMTP error from remote mail server after ");
		if (inner != NULL) {
			/* A callout: the remote's reply is the one passed on. */
			smtpclass_stage stage = out->stage;
			smtpclass_span relay = out->relay;
			smtpclass_span delay = out->delay;
			exim_failure_text(inner, end, out);
			out->stage = stage;
			out->relay = relay;
			out->delay = delay; /* a refused message was never queued */
		} else {
			out->reply = span_of(text, strip_duration_fields(text, end, NULL));
			mark_escaped_newlines(out);
		}
	}
	return 1;
}

/* Scans the message of an Exim main log line (after the timestamp and
 * optional [pid], or after "exim[pid]: ").  Like Postfix's SASL warnings,
 * "authenticator failed ...: 535 ..." lines are not mail refused and give
 * no record. */
static int scan_exim(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *id_end = sc_match_exim_id(p, end);
	smtpclass_log_status status;
	const char *delivery;
	const char *rejected;
	const char *reason;

	if (id_end != NULL) {
		out->queue_id = span_of(p, id_end);
		p = id_end < end ? id_end + 1 : id_end;
	}
	delivery = sc_exim_delivery_flag(p, end, &status);
	if (delivery != NULL)
		return scan_exim_delivery(delivery, end, status, out);
	if (starts_with(p, end, "<= "))
		return 0; /* an arrival */
	rejected = p;
	reason = skip_literal(p, end, "rejected ");
	if (reason == NULL) {
		reason = find_after(p, end, " rejected ", &rejected);
		if (reason != NULL)
			rejected++; /* the word, after its space */
	}
	if (reason != NULL)
		return scan_exim_reject(p, end, rejected, reason, out);
	return 0;
}

int sc_scan_exim(const struct scan_line *line, smtpclass_log_record *out)
{
	return scan_exim(line->header.message, line->end, out);
}
