/*
 * dsn.c: the fields of an RFC 3464 message/delivery-status body.
 *
 * The body is groups of header-like fields separated by blank lines: the
 * first group is about the message (Reporting-MTA, Arrival-Date), each
 * further group about one recipient.  Some MTAs leave out the blank lines
 * or repeat per-message fields, so a group is not trusted: a per-recipient
 * field that is already set in the current recipient starts the next one.
 * The field names are one table (name, where the value goes); a folded
 * value is joined with single spaces into the store.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "mail.h"
#include "registry.h"

smtpclass_span mail_store_add(struct mail_store *store, const char *bytes, size_t len)
{
	smtpclass_span span = {NULL, 0};
	size_t room = store->size - store->used;

	if (len > room) {
		store->full = 1;
		len = room;
	}
	if (len == 0 && room == 0)
		return span;
	if (len > 0)
		memcpy(store->bytes + store->used, bytes, len);
	span.ptr = store->bytes + store->used;
	span.len = len;
	store->used += len;
	return span;
}

void mail_bounce_clear(struct mail_bounce *bounce)
{
	memset(bounce, 0, offsetof(struct mail_bounce, report.recipients));
}

enum dsn_field {
	FIELD_REPORTING_MTA,
	FIELD_ARRIVAL_DATE,
	FIELD_FINAL_RECIPIENT,
	FIELD_ACTUAL_RECIPIENT,
	FIELD_ORIGINAL_RECIPIENT,
	FIELD_ACTION,
	FIELD_STATUS,
	FIELD_REMOTE_MTA,
	FIELD_DIAGNOSTIC_CODE,
	FIELD_LAST_ATTEMPT_DATE
};

/* Names as in RFC 3464 section 2.2 and 2.3.  Sendmail adds
 * X-Actual-Recipient after Final-Recipient when an alias expanded: the
 * recipient stays the address the sender used (the one on its list), and
 * the expansion is taken only when there is no Final-Recipient. */
static const struct {
	const char *name;
	enum dsn_field field;
	int per_recipient;
} dsn_fields[] = {
    {"reporting-mta", FIELD_REPORTING_MTA, 0},
    {"arrival-date", FIELD_ARRIVAL_DATE, 0},
    {"final-recipient", FIELD_FINAL_RECIPIENT, 1},
    {"x-actual-recipient", FIELD_ACTUAL_RECIPIENT, 1},
    {"original-recipient", FIELD_ORIGINAL_RECIPIENT, 1},
    {"action", FIELD_ACTION, 1},
    {"status", FIELD_STATUS, 1},
    {"remote-mta", FIELD_REMOTE_MTA, 1},
    {"diagnostic-code", FIELD_DIAGNOSTIC_CODE, 1},
    {"last-attempt-date", FIELD_LAST_ATTEMPT_DATE, 1},
};
#define DSN_FIELD_COUNT (sizeof(dsn_fields) / sizeof(dsn_fields[0]))

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static smtpclass_span trim(smtpclass_span s)
{
	while (s.len > 0 && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_blank(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

smtpclass_span dsn_strip_type(smtpclass_span value)
{
	size_t i = 0;

	value = trim(value);
	while (i < value.len && i < 32 &&
	       (value.ptr[i] == '-' || (value.ptr[i] >= 'a' && value.ptr[i] <= 'z') ||
	        (value.ptr[i] >= 'A' && value.ptr[i] <= 'Z') ||
	        (value.ptr[i] >= '0' && value.ptr[i] <= '9')))
		i++;
	if (i > 0 && i < value.len && value.ptr[i] == ';') {
		value.ptr += i + 1;
		value.len -= i + 1;
	}
	return trim(value);
}

/*
 * A Diagnostic-Code's text without its diagnostic-type (RFC 3464 s2.3.6),
 * except where the type is the only evidence: a type other than "smtp"
 * (the one whose text is an SMTP reply) before nothing but a number, as
 * Sendmail's "X-Unix; 255" (the exit status of a local delivery program,
 * savemail.c writes the mailer's diagnostic type).  The number alone would
 * read as a reply code; with its type, the rules read it (mailer-x-unix).
 */
static smtpclass_span diagnostic_text(smtpclass_span value)
{
	smtpclass_span text = dsn_strip_type(value), whole = trim(value);
	size_t digits = 0;

	while (digits < text.len && text.ptr[digits] >= '0' && text.ptr[digits] <= '9')
		digits++;
	if (text.len == 0) /* "smtp; " and nothing: no diagnostic, the notice may tell */
		return (smtpclass_span){NULL, 0};
	if (digits != text.len || text.ptr == whole.ptr ||
	    (whole.len > 5 && strncasecmp(whole.ptr, "smtp;", 5) == 0))
		return text;
	return whole;
}

/* An address without the angle brackets some MTAs put around it. */
static smtpclass_span bare_address(smtpclass_span value)
{
	value = dsn_strip_type(value);
	if (value.len >= 2 && value.ptr[0] == '<' && value.ptr[value.len - 1] == '>') {
		value.ptr++;
		value.len -= 2;
	}
	return trim(value);
}

static smtpclass_span *recipient_slot(struct mail_recipient *r, enum dsn_field field)
{
	switch (field) {
	case FIELD_FINAL_RECIPIENT:
	case FIELD_ACTUAL_RECIPIENT:
		return &r->recipient;
	case FIELD_ORIGINAL_RECIPIENT:
		return &r->original_recipient;
	case FIELD_ACTION:
		return &r->action;
	case FIELD_STATUS:
		return &r->status;
	case FIELD_REMOTE_MTA:
		return &r->remote_mta;
	case FIELD_DIAGNOSTIC_CODE:
		return &r->diagnostic;
	case FIELD_LAST_ATTEMPT_DATE:
		return &r->last_attempt;
	default:
		return NULL;
	}
}

/*
 * DSN fields are ASCII (RFC 3464 s2.1.2), but Domino writes its Japanese
 * Diagnostic-Code in raw ISO-2022-JP ("ESC $ B ... ESC ( B"; the part has no
 * charset label).  ISO 2022 names its own character sets, so a value with
 * one of its designators is converted to UTF-8 through iconv (RFC 1468);
 * a value that does not convert stays as it is.
 */
static smtpclass_span iso2022_to_utf8(smtpclass_span value, struct mail_store *store)
{
	static iconv_t cd = (iconv_t)-1;
	static int tried;
	char out[4096], *in, *to = out;
	size_t in_left = value.len, out_left = sizeof(out);

	if (value.ptr == NULL || value.len > sizeof(out) / 2 ||
	    (memmem(value.ptr, value.len, "\x1b$B", 3) == NULL &&
	     memmem(value.ptr, value.len, "\x1b$@", 3) == NULL))
		return value;
	if (!tried) {
		tried = 1;
		cd = iconv_open("UTF-8", "ISO-2022-JP");
	}
	if (cd == (iconv_t)-1)
		return value;
	iconv(cd, NULL, NULL, NULL, NULL);
	in = (char *)value.ptr;
	if (iconv(cd, &in, &in_left, &to, &out_left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &to, &out_left) == (size_t)-1)
		return value;
	{
		smtpclass_span copy = mail_store_add(store, out, (size_t)(to - out));

		return copy.ptr != NULL ? copy : value;
	}
}

/* The value of a field with its folded lines joined by single spaces. */
static smtpclass_span unfolded(const char *value, size_t len, struct mail_store *store)
{
	smtpclass_span out = {NULL, 0};
	size_t i = 0;

	while (i < len) {
		const char *end = memchr(value + i, '\n', len - i);
		size_t line_len = end != NULL ? (size_t)(end - (value + i)) : len - i;
		smtpclass_span line = trim((smtpclass_span){value + i, line_len});

		if (line.len > 0) {
			smtpclass_span copy;

			if (out.ptr != NULL)
				mail_store_add(store, " ", 1);
			copy = mail_store_add(store, line.ptr, line.len);
			if (out.ptr == NULL)
				out = copy;
			else
				out.len = (size_t)(copy.ptr + copy.len - out.ptr);
			if (copy.ptr == NULL)
				break;
		}
		i += line_len + 1;
	}
	return iso2022_to_utf8(out, store);
}

static int field_index(const char *name, size_t len)
{
	for (size_t i = 0; i < DSN_FIELD_COUNT; i++)
		if (strlen(dsn_fields[i].name) == len &&
		    strncasecmp(dsn_fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Opens the next recipient; returns NULL when there is no more room. */
static struct mail_recipient *next_recipient(struct mail_report *report)
{
	struct mail_recipient *r;

	if (report->count == MAIL_RECIPIENTS_MAX) {
		report->dropped++;
		return NULL;
	}
	r = &report->recipients[report->count++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void set_field(const char *name, size_t name_len, const char *value, size_t value_len,
                      struct mail_store *store, struct mail_report *report,
                      struct mail_recipient **current, int *group_open)
{
	int index = field_index(name, name_len);
	smtpclass_span v, *slot;

	if (index < 0)
		return;
	v = unfolded(value, value_len, store);
	if (!dsn_fields[index].per_recipient) {
		if (dsn_fields[index].field == FIELD_REPORTING_MTA)
			report->reporting_mta = dsn_strip_type(v);
		else
			report->arrival_date = trim(v);
		return;
	}
	if (*current != NULL && *group_open && dsn_fields[index].field == FIELD_ACTUAL_RECIPIENT) {
		if ((*current)->recipient.ptr == NULL)
			(*current)->recipient = bare_address(v);
		return;
	}
	if (*current != NULL && *group_open) {
		slot = recipient_slot(*current, dsn_fields[index].field);
		/* A field seen twice in one group: the blank line was left out. */
		if (slot->ptr != NULL)
			*group_open = 0;
	}
	if (!*group_open) {
		/* When the report is full the group is read into nothing (current
		 * NULL) and counted once as dropped. */
		*current = next_recipient(report);
		*group_open = 1;
	}
	if (*current == NULL)
		return;
	slot = recipient_slot(*current, dsn_fields[index].field);
	switch (dsn_fields[index].field) {
	case FIELD_FINAL_RECIPIENT:
	case FIELD_ACTUAL_RECIPIENT:
	case FIELD_ORIGINAL_RECIPIENT:
		*slot = bare_address(v);
		break;
	case FIELD_REMOTE_MTA:
		*slot = dsn_strip_type(v);
		break;
	case FIELD_DIAGNOSTIC_CODE:
		*slot = diagnostic_text(v);
		break;
	default:
		*slot = trim(v);
	}
	if (dsn_fields[index].field == FIELD_DIAGNOSTIC_CODE)
		(*current)->stage = mail_stage_of(slot->ptr, slot->len);
}

void dsn_parse(const char *text, size_t len, struct mail_store *store, struct mail_report *report)
{
	struct mail_recipient *current = NULL;
	int group_open = 0;
	size_t i = 0;

	while (i < len) {
		const char *line = text + i, *colon, *end;
		size_t line_len, field_len;

		end = memchr(line, '\n', len - i);
		line_len = end != NULL ? (size_t)(end - line) : len - i;
		if (trim((smtpclass_span){line, line_len}).len == 0) {
			group_open = 0; /* a blank line ends a group */
			i += line_len + 1;
			continue;
		}
		/* The field runs on over the lines that start with a blank. */
		field_len = line_len;
		while (i + field_len + 1 < len &&
		       (text[i + field_len + 1] == ' ' || text[i + field_len + 1] == '\t')) {
			const char *next = text + i + field_len + 1;
			const char *next_end = memchr(next, '\n', len - (size_t)(next - text));

			field_len = next_end != NULL ? (size_t)(next_end - line) : len - i;
		}
		colon = memchr(line, ':', line_len);
		if (colon != NULL && colon > line && !is_blank(line[0]))
			set_field(line, (size_t)(colon - line), colon + 1,
			          field_len - (size_t)(colon + 1 - line), store, report, &current,
			          &group_open);
		i += field_len + 1;
	}
}

/* ASCII letters lowered: bytes of other scripts are left as they are, so
 * markers in them are written as they come (lower case where it exists). */
static const unsigned char *lower_table(void)
{
	static unsigned char table[256];

	if (table['A'] == 0)
		for (int c = 0; c < 256; c++)
			table[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	return table;
}

/* The bit of the three-byte run a b c in the set of mail_folded.runs. */
static unsigned run_hash(unsigned a, unsigned b, unsigned c)
{
	return (a << 6 ^ b << 3 ^ c) % MAIL_FOLDED_RUNS;
}

static unsigned run_bit(const char *run)
{
	const unsigned char *r = (const unsigned char *)run;

	return run_hash(r[0], r[1], r[2]);
}

struct mail_folded mail_fold(const char *text, size_t len)
{
	/* One buffer: the caller folds one text at a time and is done with
	 * it before folding the next. */
	static char folded[MAIL_TEXT_MAX];
	static unsigned char runs[MAIL_FOLDED_RUNS / 8];
	const unsigned char *table = lower_table();
	struct mail_folded f = {text, folded, len < sizeof(folded) ? len : sizeof(folded), runs};

	unsigned first = 0, second = 0; /* the two bytes before */

	memset(runs, 0, sizeof(runs));
	/* One pass: run_bit() of the run ending at each byte, from the two
	 * bytes before kept in registers (the first two bytes end no run, but
	 * setting their bits as well only makes the set say "maybe" more). */
	for (size_t i = 0; i < f.len; i++) {
		unsigned c = table[(unsigned char)text[i]];
		unsigned bit = run_hash(first, second, c);

		folded[i] = (char)c;
		runs[bit / 8] |= (unsigned char)(1u << bit % 8);
		first = second;
		second = c;
	}
	return f;
}

/* Whether every three-byte run of needle is in the text's set: when one is
 * not, the needle is nowhere in the text. */
static int may_hold(const struct mail_folded *f, const char *needle, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		unsigned bit = run_bit(needle + i);

		if (!(f->runs[bit / 8] & (1u << bit % 8)))
			return 0;
	}
	return 1;
}

const char *mail_folded_find(const struct mail_folded *f, size_t from, const char *needle)
{
	size_t len = strlen(needle);
	const char *at;

	if (from >= f->len || !may_hold(f, needle, len))
		return NULL;
	at = memmem(f->lower + from, f->len - from, needle, len);
	return at != NULL ? f->text + (at - f->lower) : NULL;
}

/* Commands as a session transcript (Sendmail's ">>> DATA") writes them. */
static const struct {
	const char *command;
	smtpclass_stage stage;
} transcript_commands[] = {
    {"data", SMTPCLASS_STAGE_DATA}, {"rcpt", SMTPCLASS_STAGE_RCPT}, {"mail", SMTPCLASS_STAGE_MAIL},
    {"ehlo", SMTPCLASS_STAGE_HELO}, {"helo", SMTPCLASS_STAGE_HELO}, {".", SMTPCLASS_STAGE_EOD},
};

/* The stage of the command a transcript sent last before the first
 * failure it shows ("<<< 5" or "<<< 4"), or UNKNOWN.  Not the last
 * command: with pipelining DATA follows a failed RCPT TO. */
static smtpclass_stage transcript_stage(const char *text, size_t len)
{
	const char *last = NULL;

	for (size_t i = 0; i + 4 < len; i++) {
		if (memcmp(text + i, "<<< ", 4) == 0 && (text[i + 4] == '4' || text[i + 4] == '5'))
			break;
		if (memcmp(text + i, ">>> ", 4) == 0)
			last = text + i + 4;
	}
	if (last == NULL)
		return SMTPCLASS_STAGE_UNKNOWN;
	for (size_t i = 0; i < sizeof(transcript_commands) / sizeof(transcript_commands[0]); i++) {
		size_t n = strlen(transcript_commands[i].command);

		if ((size_t)(text + len - last) >= n &&
		    strncasecmp(last, transcript_commands[i].command, n) == 0)
			return transcript_commands[i].stage;
	}
	return SMTPCLASS_STAGE_UNKNOWN;
}

smtpclass_stage mail_stage_of(const char *text, size_t len)
{
	smtpclass_stage stage;

	if (text == NULL)
		return SMTPCLASS_STAGE_UNKNOWN;
	stage = transcript_stage(text, len);
	if (stage != SMTPCLASS_STAGE_UNKNOWN)
		return stage;
	{
		struct mail_folded folded = mail_fold(text, len);

		/* data/stage-phrases.tsv's notice rows: "end of data" before
		 * "data", and never a command named alone (a listing of the
		 * envelope, "RCPT TO: bob@...") */
		for (size_t i = 0; i < registry_notice_stage_count; i++)
			if (mail_folded_find(&folded, 0, registry_notice_stages[i].phrase) != NULL)
				return registry_notice_stages[i].stage;
	}
	return SMTPCLASS_STAGE_UNKNOWN;
}
