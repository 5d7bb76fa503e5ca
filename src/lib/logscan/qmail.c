/*
 * qmail.c: qmail-send lines (through multilog or syslog) and rblsmtpd.
 * qmail names the recipient when a delivery starts and gives the outcome on
 * a later line, with '_' for the spaces of the remote's reply:
 *
 *   qmail: 1289844551.213546 starting delivery 23516: msg 3769432 to remote
 *       mina@minaspence.com
 *   qmail: 1289844553.014322 delivery 23516: deferral: 195.245.231.196_does_not_
 *       like_recipient./Remote_host_said:_421_Service_Temporarily_Unavailable/
 *       Giving_up_on_195.245.231.196./          (tests/logs/web-qmail.log)
 *   qmail: 1157520813.485077 rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org:
 *       451 http://www.spamhaus.org/query/bl?ip=198.51.100.77  (tests/logs/qmail.log)
 *
 * So the recipient of "starting delivery N" is copied into a small table
 * inside the caller-owned state (64 slots shared with Postfix's expiry
 * memory, the oldest overwritten) and the
 * record of "delivery N" points there until the next call.
 */
#include "logscan_internal.h"

/* Remembers that qmail delivery `number` goes to address[0..len);
 * addresses longer than MEMORY_BYTES are cut. */
static void qmail_remember(struct scan_memory *memory, unsigned long long number,
                           const char *address, size_t len)
{
	struct memory_slot *slot = sc_memory_take(memory, number & ~MEMORY_KEY_POSTFIX);

	if (len > MEMORY_BYTES)
		len = MEMORY_BYTES;
	memcpy(slot->bytes, address, len);
	slot->length = len;
}

/* Parses a decimal number of at most 19 digits at *p; returns 1 and moves
 * *p past it, or 0. */
static int parse_number(const char **p, const char *end, unsigned long long *value)
{
	const char *q = *p;
	unsigned long long number = 0;

	while (q < end && is_digit(*q) && q - *p < 19) {
		number = number * 10 + (unsigned long long)(*q - '0');
		q++;
	}
	if (q == *p)
		return 0;
	*p = q;
	*value = number;
	return 1;
}

/* The stage qmail-remote's words imply. */
static smtpclass_stage qmail_stage(const char *p, const char *end)
{
	if (find_text(p, end, "does_not_like_recipient") != NULL)
		return SMTPCLASS_STAGE_RCPT;
	if (find_text(p, end, "does_not_like_sender") != NULL)
		return SMTPCLASS_STAGE_MAIL;
	if (find_text(p, end, "failed_after_I_sent_the_message") != NULL)
		return SMTPCLASS_STAGE_EOD;
	if (find_text(p, end, "greeting_failed") != NULL)
		return SMTPCLASS_STAGE_CONNECT;
	return SMTPCLASS_STAGE_UNKNOWN;
}

/* The outcome words of "delivery N: WORD: TEXT". */
static const struct qmail_outcome {
	const char *word;
	size_t length;
	smtpclass_log_status status;
} qmail_outcomes[] = {
    {LIT("success: "), SMTPCLASS_STATUS_SENT},
    {LIT("deferral: "), SMTPCLASS_STATUS_DEFERRED},
    {LIT("failure: "), SMTPCLASS_STATUS_BOUNCED},
};

/* Scans a qmail-send line ("starting delivery N: msg M to remote a@b",
 * "delivery N: success|deferral|failure: TEXT") or an rblsmtpd line.  The
 * text may start with qmail's own "unix.epoch" timestamp, which becomes
 * the time when the line had no syslog header.  memory may be NULL (no
 * recipients then). */
static int scan_qmail(const char *p, const char *end, struct scan_memory *memory,
                      smtpclass_log_record *out)
{
	const char *q = p;
	unsigned long long number;

	while (q < end && is_digit(*q))
		q++;
	if (q > p && left(q, end) >= 2 && *q == '.' && is_digit(q[1])) {
		const char *stamp_end = q + 1;
		while (stamp_end < end && is_digit(*stamp_end))
			stamp_end++;
		if (stamp_end < end && *stamp_end == ' ') {
			if (out->time.len == 0)
				out->time = span_of(p, stamp_end);
			p = stamp_end + 1;
		}
	}

	q = skip_literal(p, end, "starting delivery ");
	if (q != NULL) {
		const char *to;
		const char *address_end;
		if (memory == NULL || !parse_number(&q, end, &number))
			return 0;
		to = find_after(q, end, " to remote ", NULL);
		if (to == NULL)
			to = find_after(q, end, " to local ", NULL);
		if (to == NULL)
			return 0;
		address_end = token_end(to, end);
		if (address_end > to)
			qmail_remember(memory, number, to, (size_t)(address_end - to));
		return 0;
	}

	q = skip_literal(p, end, "delivery ");
	if (q != NULL) {
		smtpclass_log_status status = SMTPCLASS_STATUS_NONE;
		const char *text = NULL;
		const char *reply;
		if (!parse_number(&q, end, &number))
			return 0;
		q = skip_literal(q, end, ": ");
		if (q == NULL)
			return 0;
		for (size_t i = 0; i < sizeof(qmail_outcomes) / sizeof(qmail_outcomes[0]); i++) {
			text = skip_bytes(q, end, qmail_outcomes[i].word, qmail_outcomes[i].length);
			if (text != NULL) {
				status = qmail_outcomes[i].status;
				break;
			}
		}
		if (text == NULL)
			return 0;
		out->mta = SMTPCLASS_MTA_QMAIL;
		out->status = status;
		out->stage = qmail_stage(text, end);
		out->reply_form = SMTPCLASS_LOG_REPLY_UNDERSCORES;
		reply = find_after(text, end, "Remote_host_said:_", NULL);
		if (reply != NULL) {
			const char *giving_up = find_text(reply, end, "/Giving_up_on_");
			/* The reply keeps the '/' that ends its last segment. */
			out->reply = span_of(reply, giving_up != NULL ? giving_up + 1 : end);
		} else {
			out->reply = span_of(text, end);
		}
		if (memory != NULL) {
			struct memory_slot *slot =
			    sc_memory_recall(memory, number & ~MEMORY_KEY_POSTFIX);
			if (slot != NULL) {
				out->recipient = span_of(slot->bytes, slot->bytes + slot->length);
				/* The delivery is over; its bytes stay valid until the
				 * next call, as the API promises. */
				slot->stamp = 0;
			}
		}
		return 1;
	}

	q = skip_literal(p, end, "rblsmtpd: ");
	if (q != NULL) {
		/* rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://... */
		const char *address = q;
		const char *address_end = token_end(address, end);
		const char *reply = find_after(address_end, end, ": ", NULL);
		if (reply == NULL)
			return 0;
		out->mta = SMTPCLASS_MTA_QMAIL;
		out->status = SMTPCLASS_STATUS_REJECTED;
		out->stage = SMTPCLASS_STAGE_CONNECT;
		out->relay = span_of(address, address_end);
		out->reply = span_of(reply, end);
		return 1;
	}
	return 0;
}

int sc_scan_qmail(const struct scan_line *line, smtpclass_log_record *out)
{
	return scan_qmail(line->header.message, line->end, line->memory, out);
}
