/*
 * fuzz_mail.c: libFuzzer target for the message reader (src/cli/mail/):
 * the header-block detection, the MIME walk through GMime, the DSN fields
 * and the notice layouts.
 *
 * The input is one message, copied into an exact-size malloc() block so
 * that any read past it is reported.  It is read whole by message_read(),
 * then its bytes go to dsn_parse() and notice_read() directly (with and
 * without the signs of a bounce), and every prefix length that ends a line
 * goes to mailbox_detect() as an unfinished input.  Invariants: every span
 * of the result lies inside the store or inside the input, counts stay
 * within their limits, enums are in range, the store never overflows, and
 * a complete input always gets a decision (never -1), and the message read
 * with message.c's shortcuts gives what it gives read as it is.  The first
 * line also goes through mailbox_unquote(), whose result must be the line
 * or the line with one '>' removed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "mail.h"

static char *store_bytes;
static struct mail_store store;

static void check_span(smtpclass_span span, const char *input, size_t len)
{
	if (span.ptr == NULL) {
		if (span.len != 0)
			abort();
		return;
	}
	if (fuzz_span_inside(span, store.bytes, store.size))
		return;
	if (fuzz_span_inside(span, input, len))
		return;
	abort();
}

static void check_report(const struct mail_report *report, const char *input, size_t len)
{
	if (report->count > MAIL_RECIPIENTS_MAX)
		abort();
	check_span(report->reporting_mta, input, len);
	check_span(report->arrival_date, input, len);
	for (size_t i = 0; i < report->count; i++) {
		const struct mail_recipient *r = &report->recipients[i];

		check_span(r->recipient, input, len);
		check_span(r->original_recipient, input, len);
		check_span(r->action, input, len);
		check_span(r->status, input, len);
		check_span(r->remote_mta, input, len);
		check_span(r->diagnostic, input, len);
		check_span(r->last_attempt, input, len);
		if (r->stage < SMTPCLASS_STAGE_UNKNOWN || r->stage > SMTPCLASS_STAGE_EOD)
			abort();
	}
	if (store.used > store.size)
		abort();
}

static void reset_store(void)
{
	store.used = 0;
	store.full = 0;
}

static void same_span(smtpclass_span a, smtpclass_span b)
{
	if ((a.ptr == NULL) != (b.ptr == NULL) || a.len != b.len ||
	    (a.len > 0 && memcmp(a.ptr, b.ptr, a.len) != 0))
		abort();
}

/* The message read as it is (GMime handed everything, message objects)
 * gives what the shortcuts of message.c gave. */
static void same_bounce(const struct mail_bounce *a, const struct mail_bounce *b)
{
	if (a->kind != b->kind || a->flags != b->flags ||
	    (a->layout == NULL) != (b->layout == NULL) ||
	    (a->layout != NULL && strcmp(a->layout, b->layout) != 0))
		abort();
	same_span(a->date, b->date);
	same_span(a->notice, b->notice);
	same_span(a->returned.message_id, b->returned.message_id);
	same_span(a->returned.from, b->returned.from);
	same_span(a->returned.to, b->returned.to);
	same_span(a->returned.subject, b->returned.subject);
	same_span(a->returned.list_id, b->returned.list_id);
	same_span(a->returned.campaign_id, b->returned.campaign_id);
	same_span(a->report.reporting_mta, b->report.reporting_mta);
	same_span(a->report.arrival_date, b->report.arrival_date);
	if (a->report.count != b->report.count || a->report.dropped != b->report.dropped)
		abort();
	for (size_t i = 0; i < a->report.count; i++) {
		const struct mail_recipient *r = &a->report.recipients[i],
		                            *s = &b->report.recipients[i];

		same_span(r->recipient, s->recipient);
		same_span(r->original_recipient, s->original_recipient);
		same_span(r->action, s->action);
		same_span(r->status, s->status);
		same_span(r->remote_mta, s->remote_mta);
		same_span(r->diagnostic, s->diagnostic);
		same_span(r->last_attempt, s->last_attempt);
		if (r->stage != s->stage)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mail_bounce bounce, plain;
	static struct mail_store plain_store;
	char *input;

	if (store_bytes == NULL) {
		store_bytes = malloc(MAIL_STORE_SIZE);
		if (store_bytes == NULL)
			abort();
		store.bytes = store_bytes;
		store.size = MAIL_STORE_SIZE;
		plain_store.bytes = malloc(MAIL_STORE_SIZE);
		plain_store.size = MAIL_STORE_SIZE;
		if (plain_store.bytes == NULL)
			abort();
	}
	if (size > MAIL_MESSAGE_MAX)
		return 0;
	input = malloc(size > 0 ? size : 1);
	if (input == NULL)
		return 0;
	memcpy(input, data, size);

	/* The whole message. */
	mail_bounce_clear(&bounce); /* as bounce.c does: the recipient slots stay as they were */
	reset_store();
	message_read(input, size, &store, &bounce);
	if (bounce.kind < MAIL_NOT_BOUNCE || bounce.kind > MAIL_AUTOREPLY)
		abort();
	check_report(&bounce.report, input, size);
	check_span(bounce.notice, input, size);
	check_span(bounce.date, input, size);
	check_span(bounce.returned.message_id, input, size);
	check_span(bounce.returned.subject, input, size);
	check_span(bounce.returned.to, input, size);

	/* The same message read as it is. */
	mail_bounce_clear(&plain);
	plain_store.used = 0;
	plain_store.full = 0;
	message_use_shortcuts(0);
	message_read(input, size, &plain_store, &plain);
	message_use_shortcuts(1);
	same_bounce(&bounce, &plain);

	/* The pieces on their own. */
	for (int signs = 0; signs < 2; signs++) {
		memset(&bounce.report, 0, sizeof(bounce.report));
		reset_store();
		dsn_parse(input, size, &store, &bounce.report);
		check_report(&bounce.report, input, size);
		notice_read(input, size, signs, &store, &bounce.report);
		check_report(&bounce.report, input, size);
	}
	(void)mail_stage_of(input, size);

	/* Detection: complete input decides; a line-ending prefix may wait. */
	if (mailbox_detect(input, size, 1) < 0)
		abort();
	for (size_t i = 0; i < size && i < 4096; i++) {
		if (input[i] == '\n') {
			int kind = mailbox_detect(input, i + 1, 0);

			if (kind < -1 || kind > 2)
				abort();
		}
	}

	/* Unquoting the first line. */
	{
		const char *newline = memchr(input, '\n', size);
		size_t line_len = newline != NULL ? (size_t)(newline - input) + 1 : size;
		char *line = malloc(line_len > 0 ? line_len : 1);
		size_t out;

		if (line != NULL) {
			memcpy(line, input, line_len);
			out = mailbox_unquote(line, line_len);
			if (out != line_len && (out != line_len - 1 || input[0] != '>' ||
			                        memcmp(line, input + 1, out) != 0))
				abort();
			free(line);
		}
	}
	free(input);
	return 0;
}
