/*
 * mail.h: bounce messages read as messages (the tool's half; the library
 * stays pure).
 *
 * A message goes through four stages, one file each:
 *   mailbox.c  finds messages: one message, an mbox (split on "From " lines,
 *              ">From" unquoted) or a Maildir (cur/ and new/);
 *   message.c  walks the MIME structure with GMime (transfer encodings,
 *              RFC 2047 words, charsets to UTF-8) and collects the parts a
 *              bounce is made of;
 *   dsn.c      reads RFC 3464 delivery-status fields (folding included);
 *   notices.c  reads the human notices of MTAs that send no report part,
 *              by their layout (a table of markers, not code per MTA).
 * bounce.c turns the result into one record per failed recipient.
 *
 * Every text field is a span into a mail_store: one block allocated at
 * start-up and reused for each message, so memory is bounded whatever a
 * message holds (see MAIL_MESSAGE_MAX and MAIL_STORE_SIZE).
 */
#ifndef SMTPCLASS_MAIL_H
#define SMTPCLASS_MAIL_H

#include <stddef.h>

#include "smtpclass.h"

/* Bytes of one message that are read; the rest of a longer message (a
 * 100 MB attachment) is skipped and the message counted as cut.  Bounces
 * carry their report before the returned message, so the report survives. */
#define MAIL_MESSAGE_MAX (4 * 1024 * 1024)
/* Decoded text kept per message (all fields and bodies together). */
#define MAIL_STORE_SIZE (2 * 1024 * 1024)
/* Decoded bytes of one text part that are kept. */
#define MAIL_TEXT_MAX (256 * 1024)
/* Levels of wrapping looked through for a report: a content filter or a
 * forward puts the MTA's report in a message/rfc822 part of its own notice
 * (lhost-x5-01.eml).  Deeper reports are not read, so a message wrapped
 * thousands of times costs no more than one wrapped this often. */
#define MAIL_WRAPPED_MAX 3
/* Recipients read from one message; more are counted as dropped. */
#define MAIL_RECIPIENTS_MAX 256

/* A fixed block of text that spans point into, emptied per message. */
struct mail_store {
	char *bytes;
	size_t used, size;
	int full; /* something did not fit and was cut */
};

/* Copies bytes into the store and returns the span of the copy (cut when
 * the store is full, NULL span when nothing fits). */
smtpclass_span mail_store_add(struct mail_store *store, const char *bytes, size_t len);

/* What a message is. */
enum mail_kind {
	MAIL_NOT_BOUNCE = 0, /* an ordinary message: counted, skipped */
	MAIL_FAILURE,        /* a delivery status notification or notice */
	MAIL_FEEDBACK,       /* an RFC 5965 / ARF feedback report (RFC 8098 MDN too) */
	MAIL_AUTOREPLY       /* an RFC 3834 automatic reply (vacation) */
};

/* One recipient of a report. */
struct mail_recipient {
	smtpclass_span recipient;          /* Final-Recipient, or the notice's address */
	smtpclass_span original_recipient; /* Original-Recipient */
	smtpclass_span action;             /* failed, delayed, delivered, relayed, expanded */
	smtpclass_span status;             /* the DSN's enhanced code, e.g. 5.1.1 */
	smtpclass_span remote_mta;         /* Remote-MTA without its "dns;" */
	smtpclass_span diagnostic;         /* Diagnostic-Code without "smtp;", unfolded */
	smtpclass_span last_attempt;       /* Last-Attempt-Date as written */
	smtpclass_stage stage;             /* the command that failed, when said */
};

/* The recipients and per-message fields of a report. */
struct mail_report {
	smtpclass_span reporting_mta; /* Reporting-MTA without "dns;" */
	smtpclass_span arrival_date;
	size_t count;
	unsigned long dropped; /* recipients beyond MAIL_RECIPIENTS_MAX */
	struct mail_recipient recipients[MAIL_RECIPIENTS_MAX];
};

/* Headers of the message that bounced. */
struct mail_returned {
	smtpclass_span message_id, from, to, subject, list_id, campaign_id;
};

/* Flags of what went wrong while reading a message. */
enum mail_flag {
	MAIL_CUT = 1u << 0,        /* longer than MAIL_MESSAGE_MAX: the rest skipped */
	MAIL_STORE_FULL = 1u << 1, /* decoded text cut at MAIL_STORE_SIZE / MAIL_TEXT_MAX */
	MAIL_BROKEN = 1u << 2      /* no MIME structure could be read */
};

/* A message read.  The report comes last, and its recipients last in it,
 * so that mail_bounce_clear() leaves the 256 recipient slots alone: each is
 * cleared when it is taken. */
struct mail_bounce {
	enum mail_kind kind;
	const char *layout; /* "rfc3464", or the notice layout's name */
	struct mail_returned returned;
	smtpclass_span date;   /* the bounce's own Date: */
	smtpclass_span notice; /* the human-readable text, decoded to UTF-8 */
	unsigned flags;
	struct mail_report report;
};

/* Empties a bounce for the next message: every field but the recipient
 * slots beyond the count, which are cleared as they are taken (clearing
 * all 256 cost a 35 KiB memset per message). */
void mail_bounce_clear(struct mail_bounce *bounce);

/* The line that opens a report's fields when they follow a notice as plain
 * text (RFC 3464 s2.2.2: every report has one): message.c reads them from
 * there, notices.c ends the notice there. */
#define MAIL_INLINE_REPORT_FIELD "reporting-mta:"

/* The signs of a bounce a message's headers give (message.c). */
enum {
	SIGN_DAEMON_SENDER = 1 << 0, /* From: a mailer daemon or postmaster */
	SIGN_BOUNCE_SUBJECT = 1 << 1 /* Subject: "Undelivered Mail", "failure notice", ... */
};

/* ---- dsn.c -------------------------------------------------------------- */

/* Reads the fields of a message/delivery-status body into report (adding
 * to what is there): groups separated by blank lines, folded lines joined,
 * names case-insensitive, "type;" prefixes removed.  Values go to store. */
void dsn_parse(const char *text, size_t len, struct mail_store *store, struct mail_report *report);

/* Removes a "type;" prefix (rfc822;, dns;, smtp;) and the blanks around. */
smtpclass_span dsn_strip_type(smtpclass_span value);

/* The stage named in a failure text ("in reply to RCPT TO command", "after
 * end of data", ...), or SMTPCLASS_STAGE_UNKNOWN. */
smtpclass_stage mail_stage_of(const char *text, size_t len);

/* A text and its ASCII letters lowered (at most MAIL_TEXT_MAX bytes), to
 * look for markers with memmem() instead of a compare at every byte, and
 * the set of its three-byte runs (hashed to MAIL_FOLDED_RUNS bits): a
 * marker with a run the text lacks is not in it, and is not searched. */
#define MAIL_FOLDED_RUNS 4096
struct mail_folded {
	const char *text;
	const char *lower;
	size_t len;
	const unsigned char *runs; /* MAIL_FOLDED_RUNS / 8 bytes */
};

/* Folds text; the result is valid until the next call. */
struct mail_folded mail_fold(const char *text, size_t len);

/* Where needle (lower case) first occurs in the folded text at or after
 * offset from, as a pointer into the original text, or NULL. */
const char *mail_folded_find(const struct mail_folded *folded, size_t from, const char *needle);

/* ---- notices.c ------------------------------------------------------------ */

/*
 * Reads a notice (the human-readable text of a bounce) by its layout: when
 * one of the layouts' markers is found, the text up to the layout's end
 * marker is read for recipients and their failure text.  Returns the
 * layout's name and adds recipients to report, or returns NULL when the
 * text is no known notice.  Layouts whose markers are common words are
 * tried only when bounce_signs is set (a mailer daemon's message, or a
 * bounce subject).  When report already holds recipients (from a
 * DSN part), only their missing diagnostics and stages are filled in.
 */
const char *notice_read(const char *text, size_t len, int bounce_signs, struct mail_store *store,
                        struct mail_report *report);

/* Whether a layout notice_read() returned is the fallback for a bounce in
 * no known layout ("unknown"), not one of the table's. */
int notice_layout_is_fallback(const char *name);

/* Whether a From: header is a mailer daemon's (MAILER-DAEMON, postmaster,
 * "Mail Delivery System"). */
int notice_sender_is_daemon(const char *from, size_t len);

/* Whether a subject is one of the usual bounce subjects ("Undelivered Mail
 * Returned to Sender", "failure notice", ...). */
int notice_subject_is_bounce(const char *subject, size_t len);

/* ---- message.c ------------------------------------------------------------ */

/* Whether this build reads messages (GMime was found at build time). */
int message_available(void);

/* What reads them, for --version: "GMime 3.2.13", or why nothing does. */
const char *message_library(void);

/* Reads one message (bytes[0..len), as stored, without an mbox "From "
 * line) into out.  Never fails: a message that cannot be read as MIME is
 * read as plain text and flagged MAIL_BROKEN. */
void message_read(const char *bytes, size_t len, struct mail_store *store, struct mail_bounce *out);

/* Whether message_read() hands GMime less than the message (on, the
 * default) or reads it as it is: the two give the same result, which
 * fuzz_mail checks. */
void message_use_shortcuts(int on);

/* A date as RFC 5322 writes it (Last-Attempt-Date, Date:) in seconds
 * since 1970, or -1 when it is none. */
long long message_date_unix(const char *text, size_t len);

/* ---- mailbox.c ----------------------------------------------------------- */

/*
 * Whether the first bytes of an input open a message: an mbox "From "
 * line, or an RFC 5322 header block whose first line is a header field
 * (a name of letters, digits and '-', starting with a letter), whose lines
 * up to the first blank line are all fields or folded continuations (or
 * the first five at least: some mailers break a header further on), and
 * which holds From:, Date:, Received: or Return-Path:.  No mail log line is
 * a header field with such a name, and a file of replies or DSN fields
 * (Status:, Diagnostic-Code:) has none of those four: neither is taken for
 * a message.  Returns 2 for an mbox, 1 for one message, 0 for neither,
 * and -1 when more bytes are needed to decide (complete is 0: more input
 * can come).  A first line that is no field decides at once, so a live
 * log on a pipe is never waited on.
 */
int mailbox_detect(const char *bytes, size_t len, int complete);

/* Whether a line is an mbox separator ("From " at the start of a line
 * after a blank line or at the start of the file, a sender, and a time). */
int mailbox_is_separator(const char *line, size_t len);

/* Removes one '>' from a ">From " (or ">>From ", mboxrd) line in place
 * and returns the new length; other lines are returned as they are. */
size_t mailbox_unquote(char *line, size_t len);

#endif
