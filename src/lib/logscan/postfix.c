/*
 * postfix.c: Postfix and Sendmail lines.  Both write the outcome of a
 * delivery as "QUEUEID: key=value, key=value, ..." after the syslog tag,
 * so they share the field loop; they differ in the keys (Postfix status=,
 * Sendmail stat=) and in how they log what this server refused to clients:
 *
 *   postfix/smtp[7648]: 732BB407C3: to=<redacted@domain.com>, relay=mail.domain.com
 *       [1.1.1.1]:25, delay=6.2, delays=0.1/0/5.2/0.87, dsn=4.0.0, status=deferred (host
 *       mail.domain.com[1.1.1.1] said: 451 DT:SPM ... (in reply to end of DATA command))
 *   postfix/qmgr[3663]: BACE842E72: from=<noreply@domain.com>, status=expired,
 *       returned to sender
 *   postfix/smtpd[13844]: 00ADB3C0899: reject: RCPT from example.com[192.0.2.1]: 550 5.1.1
 *       <sales@server.com>: Recipient address rejected: ...; from=<xxxxxx@example.com>
 *       to=<sales@server.com> proto=ESMTP helo=<mail.example.com>  (tests/logs/postfix.log)
 *   sm-mta[21134]: s1O7XtZJ021134: ruleset=check_rcpt, arg1=<sanjinn232@yahoo.com.tw>,
 *       relay=118-161-66-57.dynamic.hinet.net [118.161.66.57], reject=550 5.7.1
 *       <sanjinn232@yahoo.com.tw>... Relaying denied   (tests/logs/sendmail.log)
 *
 * A Postfix noise line ("QID: client=...", "QID: message-id=...") is turned
 * down after the first byte of its message: that path runs on most lines.
 */
#include "logscan_internal.h"

/* Length of a queue id at p ("717FD11E06F", "4YHkzF0Cq8z9vMV",
 * "6ARMZeMG031939", "NOQUEUE"), or 0.  When strict (the MTA is not known)
 * the id must hold a digit, so words like "warning" are not taken. */
size_t sc_queue_id_length(const char *p, const char *end, int strict)
{
	const char *q = p;
	int has_digit = 0;

	while (q < end && is_alnum(*q)) {
		has_digit |= is_digit(*q);
		q++;
	}
	if (q >= end || *q != ':')
		return 0;
	if (q - p < 5 || q - p > 24)
		return 0;
	if (strict && !has_digit && !text_is(p, (size_t)(q - p), "NOQUEUE"))
		return 0;
	return (size_t)(q - p);
}

/* Finds the reply and the stage in the text of a Postfix "status=X (TEXT)":
 * "host H[IP] said: REPLY (in reply to RCPT TO command)", "host H[IP]
 * refused to talk to me: REPLY", optionally after "delivery temporarily
 * suspended: "; anything else is the reply as a whole, with the stage taken
 * from "... while sending RCPT TO" and the like. */
static void postfix_reply(const char *text, const char *end, smtpclass_log_record *out)
{
	const char *inner = skip_literal(text, end, "delivery temporarily suspended: ");
	const char *host;
	const char *phrase;

	if (inner == NULL)
		inner = text;
	host = skip_literal(inner, end, "host ");
	if (host != NULL) {
		const char *name_end = token_end(host, end);
		const char *reply = skip_literal(name_end, end, " said: ");
		if (reply != NULL) {
			const char *reply_end = end;
			const char *mark;
			phrase = find_last_after(reply, end, " (in reply to ", &mark);
			if (phrase != NULL) {
				out->stage = sc_stage_from_phrase(phrase, end);
				reply_end = mark;
			}
			out->reply = span_of(reply, reply_end);
			return;
		}
		reply = skip_literal(name_end, end, " refused to talk to me: ");
		if (reply != NULL) {
			out->stage = SMTPCLASS_STAGE_CONNECT;
			out->reply = span_of(reply, end);
			return;
		}
	}
	out->reply = span_of(text, end);
	/* "lost connection with H while sending RCPT TO": Postfix's own
	 * words.  A text that opens with a reply code is the server's, and
	 * most are the "250 2.0.0 Ok" of sent lines: no stage to look for. */
	phrase = is_reply_code(text, end) ? NULL : find_last_after(text, end, " while ", NULL);
	if (phrase != NULL) {
		const char *object = skip_literal(phrase, end, "sending ");
		if (object == NULL)
			object = skip_literal(phrase, end, "receiving ");
		if (object == NULL)
			object = skip_literal(phrase, end, "performing ");
		out->stage = sc_stage_from_phrase(object != NULL ? object : phrase, end);
	}
}

/* The status of a Postfix status= word, or NONE (address verification's
 * "deliverable"/"undeliverable" are probes, not outcomes). */
static smtpclass_log_status postfix_status(const char *p, const char *end)
{
	size_t n = left(p, end);

	if (text_is(p, n, "sent"))
		return SMTPCLASS_STATUS_SENT;
	if (text_is(p, n, "deferred"))
		return SMTPCLASS_STATUS_DEFERRED;
	if (text_is(p, n, "SOFTBOUNCE"))
		return SMTPCLASS_STATUS_DEFERRED;
	if (text_is(p, n, "bounced"))
		return SMTPCLASS_STATUS_BOUNCED;
	if (text_is(p, n, "expired"))
		return SMTPCLASS_STATUS_EXPIRED;
	if (text_is(p, n, "force-expired"))
		return SMTPCLASS_STATUS_EXPIRED;
	return SMTPCLASS_STATUS_NONE;
}

/* Completes a Postfix delivery record from "status=WORD (TEXT)". */
static int finish_postfix(const char *status, const char *end, smtpclass_log_record *out)
{
	const char *word_end = status;
	const char *text;

	while (word_end < end && *word_end != ' ' && *word_end != ',')
		word_end++;
	out->status = postfix_status(status, word_end);
	if (out->status == SMTPCLASS_STATUS_NONE)
		return 0;
	out->mta = SMTPCLASS_MTA_POSTFIX;
	text = skip_literal(word_end, end, " (");
	if (text != NULL) {
		const char *text_end = end;
		/* The reply may hold parentheses itself: the outer one closes at
		 * the end of the line (and is missing when the line was cut). */
		if (text_end > text && text_end[-1] == ')')
			text_end--;
		postfix_reply(text, text_end, out);
	}
	return 1;
}

/* Completes a Sendmail delivery record from "stat=TEXT" (to the end of the
 * line).  stat= decides Sent, Deferred and queued; any other stat= is a
 * failure, temporary when dsn= has class 4.  The reply is reply= when
 * logged, else the text after "Deferred: " or inside "Sent (...)", else
 * the stat= text. */
static int finish_sendmail(const char *stat, const char *end, smtpclass_log_record *out)
{
	int has_reply = out->reply.len > 0;

	if (starts_with(stat, end, "queued"))
		return 0;
	out->mta = SMTPCLASS_MTA_SENDMAIL;
	if (starts_with(stat, end, "Sent")) {
		const char *text = has_reply ? NULL : skip_literal(stat, end, "Sent (");
		out->status = SMTPCLASS_STATUS_SENT;
		if (text != NULL) {
			const char *text_end = end;
			text = skip_spaces(text, end);
			if (text_end > text && text_end[-1] == ')')
				text_end--;
			out->reply = span_of(text, text_end);
		}
		return 1;
	}
	if (starts_with(stat, end, "Deferred")) {
		const char *text = skip_literal(stat, end, "Deferred: ");
		out->status = SMTPCLASS_STATUS_DEFERRED;
		if (!has_reply)
			out->reply = span_of(text != NULL ? text : stat, end);
		return 1;
	}
	out->status = out->dsn.len > 0 && out->dsn.ptr[0] == '4' ? SMTPCLASS_STATUS_DEFERRED
	                                                         : SMTPCLASS_STATUS_BOUNCED;
	if (!has_reply)
		out->reply = span_of(stat, end);
	return 1;
}

/* Parses the "to=<r>, orig_to=<o>, relay=R, delay=6.2, delays=..., dsn=D,
 * status=S (TEXT)" of Postfix and the "to=<r>, ctladdr=..., delay=00:01:00,
 * xdelay=..., relay=R, dsn=D, reply=..., stat=S" of Sendmail.  delay= is
 * the time since the message was queued, the one both write; Postfix's
 * delays= (its parts) and Sendmail's xdelay= (this attempt only) are not
 * taken.  dialect says which is allowed (UNKNOWN: either, by the key
 * found).  Of several comma-joined Sendmail recipients the first is kept. */
static int scan_recipient_fields(const char *p, const char *end, smtpclass_mta dialect,
                                 smtpclass_log_record *out)
{
	struct field_walk walk = field_walk_start(p, end, BYTE_LOWER | BYTE_KEY, LIT(", "));
	smtpclass_span key;
	const char *value;

	while (field_next(&walk, &key, &value)) {
		const char *value_end;

		if (text_is(key.ptr, key.len, "status"))
			return dialect != SMTPCLASS_MTA_SENDMAIL ? finish_postfix(value, end, out)
			                                         : 0;
		if (text_is(key.ptr, key.len, "stat"))
			return dialect != SMTPCLASS_MTA_POSTFIX ? finish_sendmail(value, end, out)
			                                        : 0;
		if (text_is(key.ptr, key.len, "reply")) {
			/* Sendmail's reply= text may hold ", "; stat= follows it. */
			value_end = find_text(value, end, ", stat=");
			if (value_end == NULL)
				value_end = end;
			out->reply = span_of(value, value_end);
		} else {
			const char *search = value;
			if (value < end && *value == '<') {
				const char *close = find_byte(value, end, '>');
				if (close != NULL)
					search = close;
			}
			value_end = find_text(search, end, ", ");
			if (value_end == NULL)
				value_end = end;
			if (text_is(key.ptr, key.len, "to"))
				out->recipient = address_at(value, value_end, NULL);
			else if (text_is(key.ptr, key.len, "relay"))
				out->relay = span_of(value, value_end);
			else if (text_is(key.ptr, key.len, "dsn"))
				out->dsn = span_of(value, value_end);
			else if (text_is(key.ptr, key.len, "delay"))
				out->delay = span_of(value, value_end);
		}
		field_value_end(&walk, value_end);
	}
	return 0;
}

/* Parses qmgr's "from=<s>, status=expired, returned to sender"; p is after
 * "from=". */
static int scan_postfix_expired(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *sender_end;
	const char *status;
	const char *word_end;
	smtpclass_span sender = address_at(p, end, &sender_end);

	/* status= follows the sender at once; the "from=<s>, size=N" line of
	 * every queued message is turned away without a search. */
	status = skip_literal(sender_end, end, ", status=");
	if (status == NULL)
		return 0;
	word_end = status;
	while (word_end < end && *word_end != ',' && *word_end != ' ')
		word_end++;
	if (postfix_status(status, word_end) != SMTPCLASS_STATUS_EXPIRED)
		return 0;
	out->mta = SMTPCLASS_MTA_POSTFIX;
	out->status = SMTPCLASS_STATUS_EXPIRED;
	out->sender = sender;
	return 1;
}

/* Parses what follows "reject: " (also "milter-reject: ", "proxy-reject: "):
 * "RCPT from host[IP]: REPLY; from=<s> to=<r> proto=ESMTP helo=<h>", the
 * postscreen form with ", to=", and "END-OF-MESSAGE: REPLY; from=...". */
static int scan_postfix_reject(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *command_end = p;
	const char *client;
	const char *reply;
	const char *reply_end;
	const char *from;
	const char *to;

	while (command_end < end && *command_end != ' ' && *command_end != ':')
		command_end++;
	out->mta = SMTPCLASS_MTA_POSTFIX;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = sc_stage_from_command(p, command_end);
	reply = end;
	client = skip_literal(command_end, end, " from ");
	if (client != NULL) {
		const char *client_end;
		const char *after_client = find_after(client, end, ": ", &client_end);
		out->relay = span_of(client, client_end != NULL ? client_end : end);
		if (after_client != NULL)
			reply = after_client;
	} else {
		const char *after_command = skip_literal(command_end, end, ": ");
		if (after_command != NULL)
			reply = after_command;
	}
	reply_end = find_text(reply, end, "; from=");
	if (reply_end == NULL)
		reply_end = find_text(reply, end, "; to=");
	if (reply_end == NULL)
		reply_end = end;
	out->reply = span_of(reply, reply_end);
	/* " to=" and not "to=": "proto=" follows. */
	from = find_after(reply_end, end, " from=", NULL);
	if (from != NULL)
		out->sender = address_at(from, end, NULL);
	to = find_after(reply_end, end, " to=", NULL);
	if (to != NULL)
		out->recipient = address_at(to, end, NULL);
	return 1;
}

/* Parses Sendmail's "ruleset=check_rcpt, arg1=<r>, relay=h [IP],
 * reject=550 5.7.1 <r>... Relaying denied" (check_mail: sender in arg1,
 * check_relay: connection stage). */
static int scan_sendmail_ruleset(const char *p, const char *end, smtpclass_log_record *out)
{
	struct field_walk walk =
	    field_walk_start(p, end, BYTE_LOWER | BYTE_DIGIT | BYTE_KEY, LIT(", "));
	smtpclass_span ruleset = {NULL, 0};
	smtpclass_span argument = {NULL, 0};
	smtpclass_span key;
	const char *value;
	const char *rule_end;
	int rejected = 0;

	while (field_next(&walk, &key, &value)) {
		const char *value_end;

		if (text_is(key.ptr, key.len, "reject")) {
			out->reply = span_of(value, end);
			rejected = 1;
			break;
		}
		value_end = find_text(value, end, ", ");
		if (value_end == NULL)
			return 0;
		if (text_is(key.ptr, key.len, "ruleset"))
			ruleset = span_of(value, value_end);
		else if (text_is(key.ptr, key.len, "arg1"))
			argument = address_of(value, value_end);
		else if (text_is(key.ptr, key.len, "relay"))
			out->relay = span_of(value, value_end);
		field_value_end(&walk, value_end);
	}
	if (!rejected || ruleset.len == 0)
		return 0;
	out->mta = SMTPCLASS_MTA_SENDMAIL;
	out->status = SMTPCLASS_STATUS_REJECTED;
	rule_end = ruleset.ptr + ruleset.len;
	if (starts_with(ruleset.ptr, rule_end, "check_rcpt")) {
		out->stage = SMTPCLASS_STAGE_RCPT;
		out->recipient = argument;
	} else if (starts_with(ruleset.ptr, rule_end, "check_mail")) {
		out->stage = SMTPCLASS_STAGE_MAIL;
		out->sender = argument;
	} else if (starts_with(ruleset.ptr, rule_end, "check_relay")) {
		out->stage = SMTPCLASS_STAGE_CONNECT;
	} else if (starts_with(ruleset.ptr, rule_end, "check_eom")) {
		out->stage = SMTPCLASS_STAGE_EOD;
	} else if (starts_with(ruleset.ptr, rule_end, "check_data") ||
	           starts_with(ruleset.ptr, rule_end, "check_eoh")) {
		out->stage = SMTPCLASS_STAGE_DATA;
	}
	return 1;
}

/* Parses Sendmail's "<rcpt>... User unknown": the text of a recipient it
 * refused to a client. */
static int scan_sendmail_address_error(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *close;
	const char *reply = find_after(p, end, ">... ", &close);

	if (reply == NULL)
		return 0;
	out->mta = SMTPCLASS_MTA_SENDMAIL;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = SMTPCLASS_STAGE_RCPT;
	out->recipient = address_of(p, close + 1); /* up to its '>' */
	out->reply = span_of(reply, end);
	return 1;
}

/* Scans a message that starts with an optional queue id: the Postfix and
 * Sendmail lines that carry outcomes.  dialect is POSTFIX, SENDMAIL or
 * UNKNOWN (message-only lines: the keys decide); memory (may be NULL)
 * remembers Postfix deferral replies for expired messages. */
int sc_scan_queue_line(const char *p, const char *end, smtpclass_mta dialect,
                       struct scan_memory *memory, smtpclass_log_record *out)
{
	size_t id_length = sc_queue_id_length(p, end, dialect == SMTPCLASS_MTA_UNKNOWN);
	const char *rest = id_length > 0 ? skip_literal(p + id_length, end, ": ") : NULL;
	int found = 0;

	if (rest != NULL) {
		if (!text_is(p, id_length, "NOQUEUE"))
			out->queue_id = span_of(p, p + id_length);
		p = rest;
	}
	if (p >= end)
		return 0;
	/* The first byte picks the one prefix worth comparing: this is the
	 * path every Postfix noise line takes. */
	switch (*p) {
	case 't':
		if (starts_with(p, end, "to="))
			found = scan_recipient_fields(p, end, dialect, out);
		/* Only the outcomes the expiry memory reads call it: noise
		 * lines, most of a log, never get here. */
		if (found && out->status == SMTPCLASS_STATUS_DEFERRED)
			sc_postfix_memory(memory, out);
		break;
	case 'f':
		rest = skip_literal(p, end, "from=");
		if (dialect != SMTPCLASS_MTA_SENDMAIL && rest != NULL)
			found = scan_postfix_expired(rest, end, out);
		if (found)
			sc_postfix_memory(memory, out);
		break;
	case 'r':
		rest = skip_literal(p, end, "reject: ");
		if (dialect != SMTPCLASS_MTA_SENDMAIL && rest != NULL)
			found = scan_postfix_reject(rest, end, out);
		else if (dialect != SMTPCLASS_MTA_POSTFIX && starts_with(p, end, "ruleset="))
			found = scan_sendmail_ruleset(p, end, out);
		break;
	case 'm':
		rest = skip_literal(p, end, "milter-reject: ");
		if (dialect != SMTPCLASS_MTA_SENDMAIL && rest != NULL)
			found = scan_postfix_reject(rest, end, out);
		break;
	case 'p':
		rest = skip_literal(p, end, "proxy-reject: ");
		if (dialect != SMTPCLASS_MTA_SENDMAIL && rest != NULL)
			found = scan_postfix_reject(rest, end, out);
		break;
	case '<':
		if (dialect != SMTPCLASS_MTA_POSTFIX)
			found = scan_sendmail_address_error(p, end, out);
		break;
	default:
		break;
	}
	return found;
}

/* ---- Expired messages ----------------------------------------------------- */

/* qmgr's "status=expired, returned to sender" names no reply, although the
 * deferrals of the same queue id before it did.  The last deferral's reply
 * (and stage) is kept per queue id in the state's slots, as
 * [queue id length][queue id][stage][reply, cut to what fits], and handed
 * to the expired record, whose reply then points into the state. */
enum { QUEUE_ID_MAX = 32 };

/* The slot key of a queue id: FNV-1a, with the Postfix bit set. */
static unsigned long long queue_id_key(smtpclass_span id)
{
	unsigned long long hash = 14695981039346656037ull;

	for (size_t i = 0; i < id.len; i++) {
		hash ^= (unsigned char)id.ptr[i];
		hash *= 1099511628211ull;
	}
	return hash | MEMORY_KEY_POSTFIX;
}

/* The one slot a queue id may use: direct-mapped by its key, so that a
 * deferral (a good part of a busy log) costs no search of the 64 slots.
 * Two queue ids on one slot: the later one wins, as the oldest would. */
static struct memory_slot *postfix_slot(struct scan_memory *memory, unsigned long long key)
{
	return &memory->slots[key % MEMORY_SLOTS];
}

void sc_postfix_memory(struct scan_memory *memory, smtpclass_log_record *out)
{
	struct memory_slot *slot;
	size_t n = out->queue_id.len;

	if (memory == NULL || out->mta != SMTPCLASS_MTA_POSTFIX || n == 0 || n > QUEUE_ID_MAX)
		return;
	if (out->status == SMTPCLASS_STATUS_DEFERRED && out->reply.len > 0) {
		size_t room = MEMORY_BYTES - n - 2;
		size_t len = out->reply.len < room ? out->reply.len : room;

		slot = postfix_slot(memory, queue_id_key(out->queue_id));
		slot->key = queue_id_key(out->queue_id);
		slot->stamp = ++memory->clock;
		slot->bytes[0] = (char)n;
		memcpy(slot->bytes + 1, out->queue_id.ptr, n);
		slot->bytes[n + 1] = (char)out->stage;
		memcpy(slot->bytes + n + 2, out->reply.ptr, len);
		slot->length = n + 2 + len;
		return;
	}
	if (out->status != SMTPCLASS_STATUS_EXPIRED || out->reply.len > 0)
		return;
	slot = postfix_slot(memory, queue_id_key(out->queue_id));
	if (slot->stamp == 0 || slot->key != queue_id_key(out->queue_id) ||
	    (unsigned char)slot->bytes[0] != n ||
	    memcmp(slot->bytes + 1, out->queue_id.ptr, n) != 0)
		return;
	out->stage = (smtpclass_stage)(unsigned char)slot->bytes[n + 1];
	out->reply = span_of(slot->bytes + n + 2, slot->bytes + slot->length);
	/* The message has left the queue; the bytes stay valid until the next
	 * call, as the API promises. */
	slot->stamp = 0;
}

/* The registry's scanners: the syslog tag said which of the two it is. */
int sc_scan_postfix(const struct scan_line *line, smtpclass_log_record *out)
{
	return sc_scan_queue_line(line->header.message, line->end, SMTPCLASS_MTA_POSTFIX,
	                          line->memory, out);
}

int sc_scan_sendmail(const struct scan_line *line, smtpclass_log_record *out)
{
	return sc_scan_queue_line(line->header.message, line->end, SMTPCLASS_MTA_SENDMAIL, NULL,
	                          out);
}
