/*
 * notices.c: bounces without a report part, read by their layout.
 *
 * A layout is data: its name and the phrases that open its failure
 * section (the first one found wins).  The section ends at the first of
 * the shared end markers (where the returned message or its headers
 * begin).  Inside the section every layout is read the same way, which is
 * what all of them have in common: a line that opens with an address (bare,
 * in <>, followed by ':' or "..." or nothing) names a recipient, and the
 * text after it, up to the next such line, is its failure text.  When no
 * line opens with an address, the first address in <> of the section is
 * the recipient and the whole section its text (DragonFly, Gmail and the
 * sentence-style notices).  Adding an MTA is adding a row.
 */
#include <string.h>
#include <strings.h>

#include "mail.h"

struct layout {
	const char *name;
	const char *const *starts;
	int weak; /* the markers are common words: tried on bounces only (1), and
	           * they may follow the recipient: the whole notice is read (2) */
};

#define MARKERS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Phrases are matched case-insensitively anywhere in the decoded text. */
static const struct layout layouts[] = {
    {"qmail", MARKERS("this is the qmail-send program", "i'm afraid i wasn't able to deliver"), 0},
    /* The failed list first: Exim names the sender above it when the
     * bounce goes elsewhere ("A message sent by <ann@...> could not be
     * delivered", deliver.c), an address that is no failed recipient. */
    {"exim",
     MARKERS("address(es) failed", /* "The following" may end the line before */
             "this message was created automatically by mail delivery software",
             "could not be delivered to one or more"),
     0},
    {"postfix", MARKERS("this is the mail system at host", "i'm sorry to have to inform you"), 0},
    {"sendmail",
     MARKERS("----- the following addresses had permanent fatal errors -----",
             "----- transcript of session follows -----", "the original message was received at"),
     0},
    {"exchange",
     MARKERS("delivery has failed to these recipients or groups",
             "your message did not reach some or all of the intended recipients",
             "the following recipient(s) cannot be reached",
             "your message to these recipients couldn't be delivered",
             "your message couldn't be delivered", "generating server:"),
     0},
    {"gmail",
     MARKERS("delivery to the following recipient failed permanently",
             "delivery to the following recipients failed",
             "delivery to the following recipient has been delayed",
             "the response from the remote server was",
             "this is an automatically generated delivery status notification"),
     0},
    {"yahoo", MARKERS("sorry, we were unable to deliver your message to the following address"), 0},
    {"dragonfly", MARKERS("this is the dragonfly mail agent"), 0},
    {"opensmtpd",
     MARKERS("this is the mailer-daemon, please do not reply",
             "an error has occurred while attempting to deliver a message"),
     0},
    {"amazonses", MARKERS("an error occurred while trying to deliver the mail to the following"),
     0},
    {"domino",
     MARKERS("your message was not delivered to", "not listed in public name & address book",
             "was not delivered to:"),
     0},
    {"courier",
     MARKERS("this is a delivery status notification from", "the original message was received on"),
     0},
    {"kddi", MARKERS("your mail sent on:", "could not be delivered to: <"), 0},
    {"googlegroups", MARKERS("google groups", "googlegroups"), 1},
    {"mailru", MARKERS("не удалось доставить", "mail.ru"), 1},
    {"x4", MARKERS("your mail message to the following address(es) could not be delivered"), 0},
    {"x6", MARKERS("we had trouble delivering your message"), 0},
    {"generic",
     MARKERS("could not be delivered", "delivery failed", "undeliverable", "permanent error",
             "user unknown", "message from ", "mailbox exceeds", "invalid final delivery userid"),
     2},
};

static const struct layout unknown_layout = {"unknown", NULL, 2};

int notice_layout_is_fallback(const char *name)
{
	return name == unknown_layout.name;
}

/* Where the notice ends and the returned message begins. */
static const char *const end_markers[] = {
    "original message follows",
    "message text follows",
    "------- returned message",
    "--- below this line is a copy of the message",
    "------ this is a copy of the message",
    "message headers follow",
    "----- original message",
    "-----original message-----",
    "original message headers:",
    "----- the header of the original message is following",
    "------- returned message",
    "--- the header of the original message",
    "content-type: message/rfc822",
    "\n" MAIL_INLINE_REPORT_FIELD, /* a report's fields copied as text (message.c) */
    "\nreturn-path:",
    "\nreceived: from",
};

static const char *find_case(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0 || n > len)
		return NULL;
	for (size_t i = 0; i + n <= len; i++)
		if ((text[i] | 0x20) == (needle[0] | 0x20) && strncasecmp(text + i, needle, n) == 0)
			return text + i;
	return NULL;
}

static int is_address_byte(unsigned char c)
{
	return c > 0x20 && c != '<' && c != '>' && c != '(' && c != ')' && c != ',' && c != ';' &&
	       c != '"' && c != '[' && c != ']' && c != ':' && c != 0x7f;
}

/* The address that opens s[0..len) (after blanks, an optional '<' or
 * quote), or a NULL span. */
static smtpclass_span leading_address(const char *s, size_t len, size_t *after)
{
	smtpclass_span none = {NULL, 0};
	size_t i = 0, start, at = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && (s[i] == '<' || s[i] == '\'' || s[i] == '"'))
		i++;
	start = i;
	while (i < len && is_address_byte((unsigned char)s[i])) {
		if (s[i] == '@')
			at = i;
		i++;
	}
	if (at == 0 || at == start || at + 3 > i || memchr(s + at, '.', i - at) == NULL)
		return none;
	while (i > start && (s[i - 1] == '.' || s[i - 1] == '\''))
		i--; /* "user@example.com." ends a sentence */
	*after = i;
	return (smtpclass_span){s + start, i - start};
}

/* Labels that put the failed recipient after them on a line of their own
 * ("RCPT TO: bob@example.com", "Recipient: <bob@example.com>"). */
static const char *const recipient_labels[] = {
    "rcpt to:", "recipient address:", "recipient:", "failed recipient:", "original recipient:",
};

/* The address after a recipient label at the start of a line of s[0..len),
 * or a NULL span. */
static smtpclass_span labelled_address(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *line = s + i, *end = memchr(line, '\n', len - i);
		size_t line_len = end != NULL ? (size_t)(end - line) : len - i, at = 0;

		while (at < line_len && (line[at] == ' ' || line[at] == '\t'))
			at++;
		for (size_t l = 0; l < sizeof(recipient_labels) / sizeof(recipient_labels[0]);
		     l++) {
			size_t n = strlen(recipient_labels[l]), after;

			if (line_len - at > n &&
			    strncasecmp(line + at, recipient_labels[l], n) == 0) {
				smtpclass_span a =
				    leading_address(line + at + n, line_len - at - n, &after);

				if (a.ptr != NULL)
					return a;
			}
		}
		i += line_len + 1;
	}
	return (smtpclass_span){NULL, 0};
}

/*
 * The recipient of a Sendmail transcript line, or a NULL span.  Sendmail
 * writes its own line for a failed recipient as the reply code, the
 * enhanced code when it has one, the address and "... " (err.c, fmtmsg()),
 * after the remote reply that line sums up:
 *   550 5.1.1 <bob@example.com>... User unknown         (Sendmail 8)
 *   554 <bob@example.edu>... Remote protocol error      (Sendmail 5)
 * (lhost-v5sendmail-02 and -06, lhost-sendmail-24 and -47,
 * rhost-google-01 in tests/bounces/).  Only failure codes (4xx, 5xx) are
 * read: a "250 ...  Sender ok" line names no failed recipient.
 */
static smtpclass_span transcript_address(const char *s, size_t len)
{
	smtpclass_span none = {NULL, 0}, a;
	size_t i = 0, after;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 4 || (s[i] != '4' && s[i] != '5') || s[i + 1] < '0' || s[i + 1] > '9' ||
	    s[i + 2] < '0' || s[i + 2] > '9' || (s[i + 3] != ' ' && s[i + 3] != '-'))
		return none;
	i += 4;
	if (i + 1 < len && (s[i] == '4' || s[i] == '5') && s[i + 1] == '.') {
		size_t code = i;

		while (code < len && ((s[code] >= '0' && s[code] <= '9') || s[code] == '.'))
			code++;
		if (code < len && s[code] == ' ')
			i = code + 1;
	}
	a = leading_address(s + i, len - i, &after);
	if (a.ptr == NULL)
		return none;
	after += i;
	if (after < len && s[after] == '>')
		after++;
	if (len - after < 3 || memcmp(s + after, "...", 3) != 0)
		return none;
	return a;
}

/* The first address in angle brackets in s[0..len), or a NULL span. */
static smtpclass_span bracketed_address(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t after;
		smtpclass_span a;

		if (s[i] != '<')
			continue;
		a = leading_address(s + i, len - i, &after);
		if (a.ptr != NULL && i + after < len && s[i + after] == '>')
			return a;
	}
	return (smtpclass_span){NULL, 0};
}

/* The first address in s[0..len) in any form, or a NULL span. */
static smtpclass_span any_address(const char *s, size_t len)
{
	for (size_t i = 1; i < len; i++) {
		size_t start = i, after;
		smtpclass_span a;

		if (s[i] != '@')
			continue;
		while (start > 0 && is_address_byte((unsigned char)s[start - 1]))
			start--;
		a = leading_address(s + start, len - start, &after);
		if (a.ptr != NULL)
			return a;
	}
	return (smtpclass_span){NULL, 0};
}

static int same_address(smtpclass_span a, smtpclass_span b)
{
	return a.len == b.len && a.ptr != NULL && b.ptr != NULL &&
	       strncasecmp(a.ptr, b.ptr, a.len) == 0;
}

static struct mail_recipient *find_recipient(struct mail_report *report, smtpclass_span address)
{
	for (size_t i = 0; i < report->count; i++)
		if (same_address(report->recipients[i].recipient, address) ||
		    same_address(report->recipients[i].original_recipient, address))
			return &report->recipients[i];
	return NULL;
}

/* A recipient found in the notice: new, or a DSN's recipient that lacks
 * its diagnostic.  DSN recipients are never added to, only completed. */
static void note_recipient(struct mail_report *report, int from_dsn, smtpclass_span address,
                           const char *text, size_t len, struct mail_store *store)
{
	struct mail_recipient *r = find_recipient(report, address);
	smtpclass_span kept;

	if (r == NULL && from_dsn && report->count == 1 &&
	    report->recipients[0].diagnostic.ptr == NULL)
		r = &report->recipients[0]; /* one recipient, written differently */
	if (r == NULL) {
		if (from_dsn)
			return;
		if (report->count == MAIL_RECIPIENTS_MAX) {
			report->dropped++;
			return;
		}
		r = &report->recipients[report->count++];
		memset(r, 0, sizeof(*r));
		r->recipient = mail_store_add(store, address.ptr, address.len);
	}
	while (len > 0 && (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[0] == ':' ||
	                   text[0] == '>' || text[0] == '.' || text[0] == '\r'))
		text++, len--;
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (r->stage == SMTPCLASS_STAGE_UNKNOWN)
		r->stage = mail_stage_of(text, len);
	if (r->diagnostic.ptr != NULL || len == 0)
		return;
	if (len > 4096)
		len = 4096;
	kept = mail_store_add(store, text, len);
	/* Lines joined: the failure text is one reply for the parser. */
	for (size_t i = 0; i < kept.len; i++)
		if (kept.ptr[i] == '\n' || kept.ptr[i] == '\r' || kept.ptr[i] == '\t')
			((char *)kept.ptr)[i] = ' ';
	r->diagnostic = kept;
}

/* Whether the reply finder finds a reply code in text[0..len). */
static int has_reply(const char *text, size_t len)
{
	smtpclass_found found;

	return len > 0 && smtpclass_find_reply(text, len, &found) == 1;
}

/* A recipient's failure: the text after its address, or the lines before
 * it when nothing follows it (Lotus Notes, some Japanese carriers) or when
 * only they hold a reply (MailMarshal states the reply once, "Could not be
 * delivered because of 550 5.1.1 User unknown", then "The following
 * recipients were affected:" and its own details). */
static void note_failure(struct mail_report *report, int from_dsn, smtpclass_span address,
                         const char *text, size_t len, const char *before, size_t before_len,
                         struct mail_store *store)
{
	size_t blank = 0;

	while (blank < len && (text[blank] == ' ' || text[blank] == '\t' || text[blank] == '\n' ||
	                       text[blank] == '\r' || text[blank] == ':' || text[blank] == '>' ||
	                       text[blank] == '.' || text[blank] == '-'))
		blank++;
	if (before_len > 0 &&
	    (blank == len || (!has_reply(text, len) && has_reply(before, before_len))))
		note_recipient(report, from_dsn, address, before, before_len, store);
	else
		note_recipient(report, from_dsn, address, text, len, store);
}

/* Reads the Sendmail transcript lines of s[0..len) for recipients: each
 * one's failure text is its line and the lines since the previous one (the
 * commands and the remote reply).  Returns how many lines named one. */
static size_t read_transcript(const char *s, size_t len, struct mail_report *report,
                              struct mail_store *store)
{
	const char *from = s;
	size_t found = 0, i = 0;

	while (i < len) {
		const char *line = s + i, *end = memchr(line, '\n', len - i);
		size_t line_len = end != NULL ? (size_t)(end - line) : len - i;
		smtpclass_span a = transcript_address(line, line_len);

		if (a.ptr != NULL) {
			note_recipient(report, 0, a, from, (size_t)(line + line_len - from), store);
			from = line + line_len;
			found++;
		}
		i += line_len + 1;
	}
	return found;
}

/* Reads the section for recipients; returns how many lines named one. */
static size_t read_section(const char *s, size_t len, struct mail_report *report, int from_dsn,
                           struct mail_store *store)
{
	smtpclass_span address = {NULL, 0};
	const char *text = NULL, *before = s, *address_line = s;
	size_t found = 0, i = 0;

	while (i < len) {
		const char *line = s + i, *end = memchr(line, '\n', len - i);
		size_t line_len = end != NULL ? (size_t)(end - line) : len - i, after = 0;
		smtpclass_span a = leading_address(line, line_len, &after);

		if (a.ptr != NULL) {
			if (address.ptr != NULL) {
				note_failure(report, from_dsn, address, text, (size_t)(line - text),
				             before, (size_t)(address_line - before), store);
				before = line;
			}
			address = a;
			address_line = line;
			text = line + after;
			found++;
		}
		i += line_len + 1;
	}
	if (address.ptr != NULL)
		note_failure(report, from_dsn, address, text, (size_t)(s + len - text), before,
		             (size_t)(address_line - before), store);
	return found;
}

const char *notice_read(const char *text, size_t len, int bounce_signs, struct mail_store *store,
                        struct mail_report *report)
{
	const struct layout *layout = NULL;
	const char *start = NULL, *end;
	int from_dsn = report->count > 0;
	struct mail_folded folded;
	size_t lines;

	if (text == NULL || len == 0)
		return NULL;
	if (len > MAIL_TEXT_MAX)
		len = MAIL_TEXT_MAX;
	end = text + len;
	folded = mail_fold(text, len);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]) && layout == NULL; i++)
		for (const char *const *m = layouts[i].starts;
		     *m != NULL && layout == NULL && (bounce_signs || !layouts[i].weak); m++)
			if ((start = mail_folded_find(&folded, 0, *m)) != NULL)
				layout = &layouts[i];
	if (layout == NULL && !bounce_signs)
		return NULL;
	if (layout == NULL)
		layout = &unknown_layout; /* a bounce in a layout of no row */
	/* Common words may come after the recipient: the whole notice is read. */
	if (layout->weak == 2)
		start = text;
	for (size_t i = 0; i < sizeof(end_markers) / sizeof(end_markers[0]); i++) {
		const char *e = mail_folded_find(&folded, (size_t)(start - text), end_markers[i]);

		if (e != NULL && e > start && e < end)
			end = e;
	}
	/* The section starts at the start of the marker's line. */
	while (start > text && start[-1] != '\n')
		start--;
	lines = read_section(start, (size_t)(end - start), report, from_dsn, store);
	if (lines == 0 && from_dsn && report->count == 1 &&
	    report->recipients[0].diagnostic.ptr == NULL) {
		/* One DSN recipient without a diagnostic, named in a section whose
		 * lines open with no address (Exim's "save to /path" for a file
		 * delivery, lhost-exim-60): what follows its last mention is its text. */
		smtpclass_span r = report->recipients[0].recipient;
		const char *named = NULL;

		/* the last time: a header copied above may name it first; a
		 * path longer than RFC 5321's 256 octets is not searched */
		for (const char *p = start; r.len > 0 && r.len <= 256 && p + r.len <= end; p++)
			if (strncasecmp(p, r.ptr, r.len) == 0)
				named = p;
		if (named != NULL)
			note_recipient(report, 1, r, named + r.len, (size_t)(end - named - r.len),
			               store);
	} else if (lines == 0 && !from_dsn &&
	           read_transcript(start, (size_t)(end - start), report, store) == 0) {
		smtpclass_span a = labelled_address(start, (size_t)(end - start));

		if (a.ptr == NULL)
			a = bracketed_address(start, (size_t)(end - start));
		if (a.ptr == NULL)
			a = any_address(start, (size_t)(end - start));
		if (a.ptr != NULL)
			note_recipient(report, 0, a, start, (size_t)(end - start), store);
	}
	return layout->name;
}

static const char *const bounce_subjects[] = {
    "undelivered mail",  "undeliverable",         "delivery status notification",
    "failure notice",    "returned mail",         "mail delivery failed",
    "delivery failure",  "mail delivery failure", "non-delivery",
    "nondeliverable",    "delivery notification", "could not be delivered",
    "mail system error", "undelivered message",
};

static const char *const daemon_senders[] = {
    "mailer-daemon", "mailer_daemon", "mail-daemon",        "postmaster",
    "mail delivery", "maildelivery",  "mail administrator", "post_master",
};

int notice_sender_is_daemon(const char *from, size_t len)
{
	for (size_t i = 0; i < sizeof(daemon_senders) / sizeof(daemon_senders[0]); i++)
		if (find_case(from, len, daemon_senders[i]) != NULL)
			return 1;
	return 0;
}

int notice_subject_is_bounce(const char *subject, size_t len)
{
	for (size_t i = 0; i < sizeof(bounce_subjects) / sizeof(bounce_subjects[0]); i++)
		if (find_case(subject, len, bounce_subjects[i]) != NULL)
			return 1;
	return 0;
}
