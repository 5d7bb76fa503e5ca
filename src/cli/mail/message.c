/*
 * message.c: one message's MIME structure, read with GMime.
 *
 * GMime (Debian's libgmime-3.0) does the MIME work: the structure,
 * base64 and quoted-printable, RFC 2047 encoded words and charsets to
 * UTF-8 through iconv; it is lenient with broken structure, which bounces
 * often have.  This file walks the parts and keeps what a bounce is made
 * of: the delivery-status part (read by dsn.c), the first text part (the
 * notice, read by notices.c), the returned message's headers (a
 * message/rfc822 or text/rfc822-headers part), and the signs of a
 * feedback report or an automatic reply.  Every string GMime hands back is
 * copied into the store and freed at once, so nothing outlives the message.
 *
 * GMime is handed less than the message (handed_bytes()): the bytes up to
 * the returned message's header block, and of the two header blocks (the
 * bounce's, the returned message's) only the fields this file reads.  A
 * message object costs GMime about 80,000 instructions to make and free, a
 * part about 50,000: a bounce whose own header block is plain fields is
 * read as its top MIME part (construct()), and a returned message's block
 * of plain fields is handed as a leaf's content (message/rfc82x) and split
 * here, its values unfolded and decoded by GMime's own functions
 * (returned_block_headers()).  Each shortcut is taken only where GMime's
 * reading is the same, and is checked against what GMime made of the
 * message (read_as_leaf(), read_as_headers()): otherwise the message is
 * read again as it is.  One parser serves every message, its stream reading
 * the handed bytes in place.
 *
 * A message with no report part whose notice names no recipient may carry
 * the report in a message/rfc822 part: a content filter's notice around
 * the MTA's bounce, or a forwarded bounce.  When that attached message is
 * itself a delivery report, it is read as the bounce (its recipients, and
 * the headers of the message it returns), through at most MAIL_WRAPPED_MAX
 * levels of wrapping.
 *
 * Built without GMime, message_available() says so and nothing is read.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"

#ifdef SMTPCLASS_HAVE_GMIME
#include <gmime/gmime.h>

int message_available(void)
{
	return 1;
}

/* Whether GMime is handed less (handed_bytes(), text_of(), headers_part());
 * only fuzz_mail turns it off, to compare. */
static int shortcuts = 1;

void message_use_shortcuts(int on)
{
	shortcuts = on;
}

const char *message_library(void)
{
	static char name[64];

	snprintf(name, sizeof(name), "GMime %u.%u.%u", gmime_major_version, gmime_minor_version,
	         gmime_micro_version);
	return name;
}

/* Headers that senders put on a message to find its campaign or job
 * again, in order of preference. */
static const char *const campaign_headers[] = {
    "X-Campaign-Id", "X-Campaign",
    "X-Campaignid",  "X-Mailer-Campaign",
    "X-Job",         "X-Mailgun-Campaign-Id",
    "X-MC-Campaign", "X-SES-Configuration-Set",
    "X-Feedback-ID", "Feedback-ID",
    "X-Message-Id",
};

/* The fields of a bounce's own header block that message_read() reads
 * (autoreply_headers[] too), and of the returned message's block that
 * returned_headers() and returned_block_headers() read (campaign_headers[]
 * too): the readers name them by index, so that GMime is handed every
 * field read (filter_fields()). */
enum { OUTER_DATE, OUTER_FROM, OUTER_TO, OUTER_SUBJECT };
static const char *const outer_fields[] = {"Date", "From", "To", "Subject"};
enum { RETURNED_MESSAGE_ID, RETURNED_FROM, RETURNED_TO, RETURNED_SUBJECT, RETURNED_LIST_ID };
static const char *const returned_fields[] = {"Message-ID", "From", "To", "Subject", "List-Id"};

/* Headers that mark an automatic reply (RFC 3834 and the older habits). */
static const struct {
	const char *name, *value; /* value NULL: any */
} autoreply_headers[] = {
    {"Auto-Submitted", "auto-replied"},
    {"X-Autoreply", NULL},
    {"X-Autorespond", NULL},
    {"Precedence", "auto_reply"},
    {"X-Auto-Response-Suppress", NULL},
};

/* Content types by what they are to a bounce. */
enum part_role { ROLE_OTHER, ROLE_DSN, ROLE_FEEDBACK, ROLE_HEADERS, ROLE_TEXT, ROLE_HTML };

static const struct {
	const char *type, *subtype;
	enum part_role role;
} part_roles[] = {
    {"message", "delivery-status", ROLE_DSN},
    {"message", "global-delivery-status", ROLE_DSN},
    {"message", "feedback-report", ROLE_FEEDBACK},
    {"message", "disposition-notification", ROLE_FEEDBACK},
    {"text", "rfc822-headers", ROLE_HEADERS},
    {"message", "global-headers", ROLE_HEADERS},
    {"text", "plain", ROLE_TEXT},
    {"text", "html", ROLE_HTML},
};

struct walk {
	struct mail_store *store;
	struct mail_bounce *out;
	int have_returned;
	int feedback;
	int empty_multipart;      /* a multipart whose boundary was never found */
	smtpclass_span bounce_to; /* the bounce's own To: the original sender */
	smtpclass_span html;
	GMimeMessage *wrapped; /* the first attached message that is a delivery report */
};

static smtpclass_span keep(struct walk *w, const char *s)
{
	smtpclass_span none = {NULL, 0};

	return s != NULL ? mail_store_add(w->store, s, strlen(s)) : none;
}

static enum part_role role_of(GMimeObject *part)
{
	GMimeContentType *type = g_mime_object_get_content_type(part);
	const char *media, *subtype;

	if (type == NULL)
		return ROLE_OTHER;
	media = g_mime_content_type_get_media_type(type);
	subtype = g_mime_content_type_get_media_subtype(type);
	if (media == NULL || subtype == NULL)
		return ROLE_OTHER;
	for (size_t i = 0; i < sizeof(part_roles) / sizeof(part_roles[0]); i++)
		if (strcasecmp(media, part_roles[i].type) == 0 &&
		    strcasecmp(subtype, part_roles[i].subtype) == 0)
			return part_roles[i].role;
	return ROLE_OTHER;
}

/* Whether a message is a delivery report: multipart/report with a
 * report-type of delivery-status (RFC 3464) or global-delivery-status
 * (RFC 6533). */
static int is_delivery_report(GMimeMessage *message)
{
	GMimeObject *body = g_mime_message_get_mime_part(message);
	GMimeContentType *type = body != NULL ? g_mime_object_get_content_type(body) : NULL;
	const char *report_type;

	if (type == NULL || !g_mime_content_type_is_type(type, "multipart", "report"))
		return 0;
	report_type = g_mime_content_type_get_parameter(type, "report-type");
	return report_type != NULL && (strcasecmp(report_type, "delivery-status") == 0 ||
	                               strcasecmp(report_type, "global-delivery-status") == 0);
}

/* The headers of the message that bounced, kept in the store. */
static void keep_returned(struct walk *w, const char *message_id, const char *from, const char *to,
                          const char *subject, const char *list_id, const char *campaign_id)
{
	struct mail_returned *r = &w->out->returned;

	w->have_returned = 1;
	r->message_id = keep(w, message_id);
	r->from = keep(w, from);
	r->to = keep(w, to);
	r->subject = keep(w, subject);
	r->list_id = keep(w, list_id);
	r->campaign_id = keep(w, campaign_id);
}

static void returned_headers(struct walk *w, GMimeMessage *message)
{
	GMimeObject *object = GMIME_OBJECT(message);
	const char *campaign_id = NULL;

	for (size_t i = 0; i < sizeof(campaign_headers) / sizeof(campaign_headers[0]); i++) {
		campaign_id = g_mime_object_get_header(object, campaign_headers[i]);
		if (campaign_id != NULL)
			break;
	}
	/* The headers as written (decoded, unfolded): formatting GMime's
	 * address lists costs an IDN conversion per address for nothing. */
	keep_returned(w, g_mime_message_get_message_id(message),
	              g_mime_object_get_header(object, returned_fields[RETURNED_FROM]),
	              g_mime_object_get_header(object, returned_fields[RETURNED_TO]),
	              g_mime_message_get_subject(message),
	              g_mime_object_get_header(object, returned_fields[RETURNED_LIST_ID]),
	              campaign_id);
}

/* The value of the last field called name in a header list, or NULL: a
 * message object keeps the last Subject it is given (where
 * g_mime_object_get_header() gives the first field of a name). */
static const char *last_field(GMimeHeaderList *headers, const char *name)
{
	const char *value = NULL;
	int count = headers != NULL ? g_mime_header_list_get_count(headers) : 0;

	for (int i = 0; i < count; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at(headers, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(header), name) == 0)
			value = g_mime_header_get_value(header);
	}
	return value;
}

/* The decoded content of a leaf part (transfer encoding undone), at most
 * MAIL_TEXT_MAX bytes, in the store. */
static smtpclass_span content_of(struct walk *w, GMimePart *part)
{
	smtpclass_span span = {NULL, 0};
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *memory;
	GByteArray *bytes;

	if (content == NULL)
		return span;
	memory = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, memory);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
	if (bytes != NULL) {
		size_t len = bytes->len < MAIL_TEXT_MAX ? bytes->len : MAIL_TEXT_MAX;

		if (bytes->len > MAIL_TEXT_MAX)
			w->out->flags |= MAIL_STORE_FULL;
		span = mail_store_add(w->store, (const char *)bytes->data, len);
	}
	g_object_unref(memory);
	return span;
}

/* Charsets in which a text of bytes 1 to 127 is the same text in UTF-8. */
static const char *const ascii_charsets[] = {"us-ascii", "utf-8", "iso-8859-1", "iso-8859-15",
                                             "windows-1252"};

/* Whether a part's text needs no conversion to UTF-8: no charset named
 * (GMime converts nothing then either), or one of ascii_charsets[]. */
static int text_may_be_utf8(GMimeObject *part)
{
	GMimeContentType *type = g_mime_object_get_content_type(part);
	const char *charset =
	    type != NULL ? g_mime_content_type_get_parameter(type, "charset") : NULL;

	if (charset == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(ascii_charsets) / sizeof(ascii_charsets[0]); i++)
		if (strcasecmp(charset, ascii_charsets[i]) == 0)
			return 1;
	return 0;
}

/*
 * A text part in UTF-8 (GMime converts from the charset parameter), at
 * most MAIL_TEXT_MAX bytes.  g_mime_text_part_get_text() sends the decoded
 * bytes through an iconv filter and ends them at the first NUL: a part in
 * one of ascii_charsets[] whose decoded bytes are all below 128, or one
 * that names no charset, comes out of it as it went in, so its decoded
 * bytes are taken as they are, to the first NUL, without a filter (an
 * iconv_open() and a conversion per part, 7% of the instructions on the
 * bounce corpus).  Other parts still go through GMime's conversion.
 */
static smtpclass_span text_of(struct walk *w, GMimeObject *part)
{
	smtpclass_span span = {NULL, 0};
	char *text;
	size_t len;

	if (!GMIME_IS_TEXT_PART(part))
		return GMIME_IS_PART(part) ? content_of(w, GMIME_PART(part)) : span;
	if (shortcuts && text_may_be_utf8(part)) {
		GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
		GMimeStream *memory;
		GByteArray *bytes;
		int ascii = 1;

		if (content == NULL)
			return span;
		memory = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(content, memory);
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
		len = 0;
		if (bytes != NULL) {
			const unsigned char *data = bytes->data;
			const unsigned char *nul =
			    bytes->len > 0 ? memchr(data, 0, bytes->len) : NULL;
			unsigned char high = 0;

			len = nul != NULL ? (size_t)(nul - data) : bytes->len;
			for (size_t i = 0; i < len; i++)
				high |= data[i];
			ascii = high < 128;
		}
		if (bytes != NULL &&
		    (ascii || g_mime_object_get_content_type_parameter(part, "charset") == NULL)) {
			if (len > MAIL_TEXT_MAX) {
				len = MAIL_TEXT_MAX;
				w->out->flags |= MAIL_STORE_FULL;
			}
			span = mail_store_add(w->store, (const char *)bytes->data, len);
			g_object_unref(memory);
			return span;
		}
		g_object_unref(memory);
	}
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text == NULL)
		return span;
	len = strlen(text);
	if (len > MAIL_TEXT_MAX) {
		len = MAIL_TEXT_MAX;
		w->out->flags |= MAIL_STORE_FULL;
	}
	span = mail_store_add(w->store, text, len);
	g_free(text);
	return span;
}

static const char *header_block_end(const char *p, const char *end);
static int fields_only(const char *p, const char *block_end);
static void returned_block_headers(struct walk *w, const char *p, const char *end);

/* Headers given as a body (text/rfc822-headers): parsed as a message, or
 * read as returned_block_headers() reads a block of fields only (the same
 * fields, without a message object). */
static void headers_part(struct walk *w, smtpclass_span text)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	const char *block_end;

	if (text.ptr == NULL || w->have_returned)
		return;
	block_end = header_block_end(text.ptr, text.ptr + text.len);
	if (shortcuts && block_end != NULL && fields_only(text.ptr, block_end)) {
		returned_block_headers(w, text.ptr, block_end);
		return;
	}
	stream = g_mime_stream_mem_new_with_buffer(text.ptr, text.len);
	parser = g_mime_parser_new_with_stream(stream);
	message = g_mime_parser_construct_message(parser, NULL);
	if (message != NULL) {
		returned_headers(w, message);
		g_object_unref(message);
	}
	g_object_unref(parser);
	g_object_unref(stream);
}

static void walk_part(struct walk *w, GMimeObject *part, int depth);

static void walk_multipart(struct walk *w, GMimeMultipart *multipart, int depth)
{
	GMimeContentType *type = g_mime_object_get_content_type(GMIME_OBJECT(multipart));
	const char *report_type =
	    type != NULL ? g_mime_content_type_get_parameter(type, "report-type") : NULL;
	int count = g_mime_multipart_get_count(multipart);

	if (count == 0)
		w->empty_multipart = 1;

	if (report_type != NULL && (strcasecmp(report_type, "feedback-report") == 0 ||
	                            strcasecmp(report_type, "disposition-notification") == 0))
		w->feedback = 1;
	for (int i = 0; i < count; i++)
		walk_part(w, g_mime_multipart_get_part(multipart, i), depth + 1);
}

static void walk_part(struct walk *w, GMimeObject *part, int depth)
{
	enum part_role role;

	if (part == NULL || depth > 32)
		return;
	if (GMIME_IS_MULTIPART(part)) {
		walk_multipart(w, GMIME_MULTIPART(part), depth);
		return;
	}
	role = role_of(part);
	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));

		/* GMime reads message/delivery-status as a message whose headers
		 * are the first group of fields: written back, it is the body. */
		if (role == ROLE_DSN || role == ROLE_FEEDBACK) {
			if (role == ROLE_FEEDBACK)
				w->feedback = 1;
			else if (message != NULL) {
				GMimeStream *memory = g_mime_stream_mem_new();
				GByteArray *bytes;

				g_mime_object_write_to_stream(GMIME_OBJECT(message), NULL, memory);
				bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory));
				if (bytes != NULL)
					dsn_parse((const char *)bytes->data, bytes->len, w->store,
					          &w->out->report);
				g_object_unref(memory);
			}
			return;
		}
		if (message != NULL && w->wrapped == NULL && is_delivery_report(message))
			w->wrapped = message;
		if (message != NULL && !w->have_returned)
			returned_headers(w, message);
		return;
	}
	if (!GMIME_IS_PART(part))
		return;
	switch (role) {
	case ROLE_DSN: {
		smtpclass_span body = content_of(w, GMIME_PART(part));

		if (body.ptr != NULL)
			dsn_parse(body.ptr, body.len, w->store, &w->out->report);
		break;
	}
	case ROLE_FEEDBACK:
		w->feedback = 1;
		break;
	case ROLE_HEADERS:
		headers_part(w, content_of(w, GMIME_PART(part)));
		break;
	case ROLE_TEXT:
		if (w->out->notice.ptr == NULL && !g_mime_part_is_attachment(GMIME_PART(part)))
			w->out->notice = text_of(w, part);
		break;
	case ROLE_HTML:
		if (w->html.ptr == NULL)
			w->html = text_of(w, part);
		break;
	case ROLE_OTHER:
		break;
	}
}

/* HTML made readable enough for the notice reader: tags become spaces,
 * block ends newlines, in place. */
static void strip_tags(smtpclass_span text)
{
	char *s = (char *)text.ptr;
	int in_tag = 0;

	for (size_t i = 0; i < text.len; i++) {
		if (s[i] == '<' && i + 1 < text.len && s[i + 1] != ' ' &&
		    strchr("/abdhlpstu!", s[i + 1] | 0x20)) {
			in_tag = 1;
			s[i] = ' ';
		} else if (in_tag && s[i] == '>') {
			in_tag = 0;
			s[i] = '\n';
		} else if (in_tag) {
			s[i] = ' ';
		}
	}
}

/* The recipient of a bounce whose notice names none: the returned
 * message's To when it names one address, else none at all (the record
 * then says the failure without a recipient); its failure text is the
 * notice. */
static void recipient_from_returned(struct walk *w)
{
	struct mail_bounce *out = w->out;
	struct mail_recipient *r;

	r = &out->report.recipients[out->report.count++];
	memset(r, 0, sizeof(*r));
	if (w->have_returned && out->returned.to.ptr != NULL &&
	    memchr(out->returned.to.ptr, ',', out->returned.to.len) == NULL &&
	    memchr(out->returned.to.ptr, '@', out->returned.to.len) != NULL)
		r->recipient = out->returned.to;
	if (out->notice.ptr != NULL) {
		size_t len = out->notice.len < 4096 ? out->notice.len : 4096;

		r->diagnostic = mail_store_add(w->store, out->notice.ptr, len);
		for (size_t i = 0; i < r->diagnostic.len; i++)
			if (r->diagnostic.ptr[i] == '\n' || r->diagnostic.ptr[i] == '\r' ||
			    r->diagnostic.ptr[i] == '\t')
				((char *)r->diagnostic.ptr)[i] = ' ';
		r->stage = mail_stage_of(r->diagnostic.ptr, r->diagnostic.len);
	}
}

static int names_address(smtpclass_span header, smtpclass_span address)
{
	if (header.ptr == NULL || address.ptr == NULL || address.len == 0)
		return 0;
	for (size_t i = 0; i + address.len <= header.len; i++)
		if (strncasecmp(header.ptr + i, address.ptr, address.len) == 0)
			return 1;
	return 0;
}

/* A notice names the sender too ("A message sent by <ann@...> could not be
 * delivered"): an address the bounce goes to, or that sent the returned
 * message, is no failed recipient. */
static void drop_senders(struct walk *w)
{
	struct mail_report *report = &w->out->report;
	size_t kept = 0;

	for (size_t i = 0; i < report->count; i++) {
		smtpclass_span a = report->recipients[i].recipient;

		if (names_address(w->bounce_to, a) || names_address(w->out->returned.from, a))
			continue;
		report->recipients[kept++] = report->recipients[i];
	}
	report->count = kept;
}

/* A notice from the HTML part when there is no text part. */
static void notice_from_html(struct walk *w)
{
	if (w->out->notice.ptr == NULL && w->html.ptr != NULL) {
		strip_tags(w->html);
		w->out->notice = w->html;
	}
}

/*
 * Reads the report a message wraps (w->wrapped) as the bounce, through at
 * most MAIL_WRAPPED_MAX levels: at each level its report part, else its
 * notice (it is a report: a bounce sign), else the report it wraps in turn.
 * The returned message's headers and the notice become the wrapped
 * report's, and the bounce's To its To (the original sender, for
 * drop_senders()).  Returns whether recipients were found; when none are,
 * the outer message's returned headers and notice are put back.
 */
static int read_wrapped(struct walk *w)
{
	struct mail_bounce *out = w->out;
	const struct mail_returned outer_returned = out->returned;
	const smtpclass_span outer_notice = out->notice, outer_html = w->html,
	                     outer_to = w->bounce_to;
	const int outer_have_returned = w->have_returned, outer_feedback = w->feedback;

	for (int level = 0; level < MAIL_WRAPPED_MAX && w->wrapped != NULL; level++) {
		GMimeMessage *message = w->wrapped;

		w->wrapped = NULL;
		w->have_returned = 0;
		memset(&out->returned, 0, sizeof(out->returned));
		out->notice = (smtpclass_span){NULL, 0};
		w->html = (smtpclass_span){NULL, 0};
		w->bounce_to = keep(
		    w, g_mime_object_get_header(GMIME_OBJECT(message), outer_fields[OUTER_TO]));
		walk_part(w, g_mime_message_get_mime_part(message), 0);
		notice_from_html(w);
		if (out->report.count > 0) {
			out->layout = "rfc3464";
			notice_read(out->notice.ptr, out->notice.len, 1, w->store, &out->report);
			return 1;
		}
		out->layout =
		    notice_read(out->notice.ptr, out->notice.len, 1, w->store, &out->report);
		drop_senders(w);
		if (out->report.count > 0)
			return 1;
	}
	out->returned = outer_returned;
	out->notice = outer_notice;
	w->html = outer_html;
	w->bounce_to = outer_to;
	w->have_returned = outer_have_returned;
	w->feedback = outer_feedback;
	return 0;
}

/*
 * A report whose MIME structure was lost (a notice forwarded or copied as
 * plain text): the delivery-status fields follow the notice in the same
 * text, from a line that opens with "Reporting-MTA:" (RFC 3464 s2.2.2: every
 * report has one) to the returned message.  Read as a report part is, when
 * the fields name a recipient (Final-Recipient).
 */
static void read_inline_report(smtpclass_span notice, struct mail_store *store,
                               struct mail_report *report)
{
	static const char marker[] = MAIL_INLINE_REPORT_FIELD;
	const size_t n = sizeof(marker) - 1;

	for (size_t i = 0; notice.ptr != NULL && i + n <= notice.len; i++) {
		if ((i == 0 || notice.ptr[i - 1] == '\n') &&
		    strncasecmp(notice.ptr + i, marker, n) == 0) {
			dsn_parse(notice.ptr + i, notice.len - i, store, report);
			/* Other notices list "Reporting-MTA:" among their own
			 * details (MailMarshal): a report names a recipient. */
			for (size_t k = 0; k < report->count; k++)
				if (report->recipients[k].recipient.ptr != NULL)
					return;
			memset(report, 0, sizeof(*report));
			return;
		}
	}
}

/*
 * What the message is.  A report part decides; else a notice layout; a
 * message from a mailer daemon or with a bounce subject whose notice names
 * no recipient gets the returned message's To.  Only a message with no
 * sign of a bounce can be an automatic reply (bounces carry
 * Auto-Submitted: auto-replied too), and one with none is no bounce.
 */
static void decide(struct walk *w, int signs, int autoreply)
{
	struct mail_bounce *out = w->out;
	int layout_known;

	if (w->feedback) {
		out->kind = MAIL_FEEDBACK;
		out->layout = "feedback";
		return;
	}
	if (out->report.count == 0)
		read_inline_report(out->notice, w->store, &out->report);
	if (out->report.count > 0) {
		out->kind = MAIL_FAILURE;
		out->layout = "rfc3464";
		notice_read(out->notice.ptr, out->notice.len, signs, w->store, &out->report);
		return;
	}
	out->layout = notice_read(out->notice.ptr, out->notice.len, signs, w->store, &out->report);
	layout_known = out->layout != NULL && !notice_layout_is_fallback(out->layout);
	drop_senders(w);
	if (out->report.count == 0 && w->wrapped != NULL) {
		const char *layout = out->layout;

		if (read_wrapped(w)) {
			out->kind = MAIL_FAILURE;
			return;
		}
		out->layout = layout;
	}
	/* A notice that names no recipient is a bounce of the returned
	 * message's To when a layout was recognised, or when the signs are more
	 * than a mailer daemon's From: (postmaster also writes ordinary mail):
	 * a bounce subject, or a returned message. */
	if (out->report.count == 0 &&
	    (layout_known || (signs & SIGN_BOUNCE_SUBJECT) || (signs && w->have_returned)))
		recipient_from_returned(w);
	if (out->report.count > 0) {
		out->kind = MAIL_FAILURE;
		if (out->layout == NULL)
			out->layout = "unknown";
	} else if (autoreply) {
		out->kind = MAIL_AUTOREPLY;
		out->layout = "autoreply";
	} else {
		out->kind = MAIL_NOT_BOUNCE;
	}
}

static int is_autoreply(GMimeObject *object)
{
	for (size_t i = 0; i < sizeof(autoreply_headers) / sizeof(autoreply_headers[0]); i++) {
		const char *value = g_mime_object_get_header(object, autoreply_headers[i].name);

		if (value != NULL && (autoreply_headers[i].value == NULL ||
		                      strncasecmp(value, autoreply_headers[i].value,
		                                  strlen(autoreply_headers[i].value)) == 0))
			return 1;
	}
	return 0;
}

/* The body of a message GMime could not read: after the first blank line. */
static smtpclass_span raw_body(const char *bytes, size_t len, struct mail_store *store)
{
	const char *body = NULL;

	for (size_t i = 0; i + 1 < len && body == NULL; i++)
		if (bytes[i] == '\n' &&
		    (bytes[i + 1] == '\n' ||
		     (bytes[i + 1] == '\r' && i + 2 < len && bytes[i + 2] == '\n')))
			body = bytes + i + 1;
	if (body == NULL)
		body = bytes;
	len -= (size_t)(body - bytes);
	return mail_store_add(store, body, len < MAIL_TEXT_MAX ? len : MAIL_TEXT_MAX);
}

/* The end of the header block that starts at p (after its blank line), or
 * NULL when the block does not end before end. */
static const char *header_block_end(const char *p, const char *end)
{
	while (p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));

		if (newline == NULL)
			return NULL;
		if (newline == p || (newline == p + 1 && p[0] == '\r'))
			return newline + 1;
		p = newline + 1;
	}
	return NULL;
}

/* Whether the header block [start, end) holds needle (lowercase), in any
 * case: "delivery-status" (the Content-Type of a report,
 * "report-type=delivery-status"), or "report". */
static int block_holds(const char *start, const char *end, const char *needle)
{
	const size_t needle_len = strlen(needle);

	for (const char *p = start; p + needle_len <= end; p++)
		if ((*p | 0x20) == needle[0] && strncasecmp(p, needle, needle_len) == 0)
			return 1;
	return 0;
}

/*
 * How much of a message GMime needs: of the returned message only its
 * headers are used, so the bytes after them (its body, attachments, often
 * most of a bounce) are not handed to the parser.  The cut is after the
 * header block of the first message/rfc822 or text/rfc822-headers part and
 * the blank line that ends the returned headers; GMime reads the missing
 * closing boundaries as the end of the message.  An attached message whose
 * headers name a delivery status is a wrapped report (read_wrapped()): it
 * is kept whole and the cut made at the message it returns, through at most
 * MAIL_WRAPPED_MAX of them, so GMime never sees deeper nesting than the
 * walk reads.  The cut is len when there is no such part; the returned
 * message's header block and its part's Content-Type line are given for a
 * message/rfc822 part.
 */
struct cut {
	size_t len;            /* the bytes GMime needs */
	const char *returned;  /* the returned message's header block, or NULL */
	const char *type_line; /* the Content-Type line of its message/rfc822 part,
	                          when no wrapped report comes before */
	const char *subtype;   /* "rfc822" in that line */
};

static struct cut needed_length(const char *bytes, size_t len)
{
	const char *p = bytes, *end = bytes + len, *headers, *returned;
	int wrapped = 0;
	struct cut cut = {len, NULL, NULL, NULL};

	/* "rfc822" in a Content-Type line that opens a part: found with
	 * memmem(), then the line checked, so most bytes are looked at once. */
	while ((p = memmem(p, (size_t)(end - p), "rfc822", 6)) != NULL) {
		const char *line = p;

		while (line > bytes && line[-1] != '\n' && p - line < 80)
			line--;
		p += 6;
		if (line == bytes || line[-1] != '\n' || (size_t)(end - line) < 13 ||
		    strncasecmp(line, "content-type:", 13) != 0)
			continue;
		if (strncasecmp(p - 14, "message/rfc822", 14) != 0 &&
		    strncasecmp(p - 11, "text/rfc822", 11) != 0)
			continue;
		headers = header_block_end(line, end);
		returned = headers != NULL ? header_block_end(headers, end) : NULL;
		if (returned == NULL)
			return cut;
		if (wrapped < MAIL_WRAPPED_MAX && strncasecmp(p - 14, "message/rfc822", 14) == 0 &&
		    block_holds(headers, returned, "delivery-status")) {
			wrapped++;
			p = returned;
			continue;
		}
		/* text/rfc822-headers is decoded (content_of()) before it is
		 * read: only a message/rfc822 part's headers are bytes GMime
		 * reads as they are. */
		if (strncasecmp(p - 14, "message/rfc822", 14) == 0) {
			cut.returned = headers;
			if (wrapped == 0) { /* read by the walk, not read_wrapped() */
				cut.type_line = line;
				cut.subtype = p - 6;
			}
		}
		cut.len = (size_t)(returned - bytes);
		return cut;
	}
	return cut;
}

/* Whether a field name is one of names[], or MIME-Version or Content-*
 * (the structure and charsets: always kept). */
static int field_is_read(const char *name, size_t len, const char *const *names, size_t count,
                         int returned)
{
	if ((len == 12 && strncasecmp(name, "MIME-Version", 12) == 0) ||
	    (len > 8 && strncasecmp(name, "Content-", 8) == 0))
		return 1;
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == len && strncasecmp(name, names[i], len) == 0)
			return 1;
	if (returned)
		for (size_t i = 0; i < sizeof(campaign_headers) / sizeof(campaign_headers[0]); i++)
			if (strlen(campaign_headers[i]) == len &&
			    strncasecmp(name, campaign_headers[i], len) == 0)
				return 1;
	if (!returned)
		for (size_t i = 0; i < sizeof(autoreply_headers) / sizeof(autoreply_headers[0]);
		     i++)
			if (strlen(autoreply_headers[i].name) == len &&
			    strncasecmp(name, autoreply_headers[i].name, len) == 0)
				return 1;
	return 0;
}

/* The length of a field name that opens a line: letters, digits, '-' and
 * '_' up to a ':', or 0 when the line opens no field so written (a name
 * GMime might read otherwise, a blank before the colon, no colon). */
static size_t field_name_length(const char *line, const char *end)
{
	const char *p = line;

	while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	                   (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
		p++;
	return p < end && *p == ':' ? (size_t)(p - line) : 0;
}

/*
 * Whether every line of the header block [p, block_end) before its blank
 * line is a field (field_name_length()) or a folded line after one, with
 * no NUL byte anywhere, and no line opening with "--".  GMime reads a line
 * that is neither according to the lines before it (the first line of a
 * block opens no header; after fields it is skipped), and a line that is
 * the boundary of a multipart around the block ends the block, whatever
 * follows "--" (a boundary may hold a ':'), so such a block is handed over
 * whole.
 */
static int fields_only(const char *p, const char *block_end)
{
	int field_seen = 0;

	if (memchr(p, '\0', (size_t)(block_end - p)) != NULL)
		return 0;
	while (p < block_end) {
		const char *newline = memchr(p, '\n', (size_t)(block_end - p));
		const char *next = newline != NULL ? newline + 1 : block_end;

		if (p[0] == '\n' || (p[0] == '\r' && p + 1 < block_end && p[1] == '\n'))
			return next == block_end;
		if (p[0] == ' ' || p[0] == '\t') {
			if (!field_seen)
				return 0;
		} else if (field_name_length(p, next) == 0 || (p[0] == '-' && p[1] == '-')) {
			return 0;
		}
		field_seen = 1;
		p = next;
	}
	return 0;
}

/*
 * Copies the header block [p, block_end) (its blank line included) to out
 * without the fields that are never read (Received, DKIM-Signature, ...; a
 * field with its folded lines), and returns the end of what was written.
 * GMime makes an object of every field and the message object parses
 * addresses and dates, so a field it is not handed is work saved; the
 * fields it is handed are the same bytes in the same order, so what it
 * reads from them does not change.  A block that is not fields only
 * (fields_only()) is copied as it is.
 */
static char *filter_fields(const char *p, const char *block_end, char *out,
                           const char *const *names, size_t count, int returned)
{
	int keeping = 0;

	if (!fields_only(p, block_end)) {
		memcpy(out, p, (size_t)(block_end - p));
		return out + (block_end - p);
	}
	while (p < block_end) {
		const char *newline = memchr(p, '\n', (size_t)(block_end - p));
		const char *next = newline != NULL ? newline + 1 : block_end;
		size_t name_len = field_name_length(p, next);

		if (name_len > 0)
			keeping = field_is_read(p, name_len, names, count, returned);
		else if (p[0] != ' ' && p[0] != '\t')
			keeping = 1; /* the blank line */
		if (keeping) {
			memcpy(out, p, (size_t)(next - p));
			out += next - p;
		}
		p = next;
	}
	return out;
}

/* A field of a block that is fields only: its name, and its value as
 * GMime keeps it raw (after the colon, to the end of its last folded line,
 * line ends included). */
struct field {
	const char *name, *raw;
	size_t name_len, raw_len;
};

/* The field at *p of a block that is fields only (fields_only()), *p moved
 * past it; 0 at the blank line. */
static int next_field(const char **p, const char *end, struct field *field)
{
	const char *q = *p;
	size_t name_len = field_name_length(q, end);

	if (name_len == 0)
		return 0;
	field->name = q;
	field->name_len = name_len;
	field->raw = q + name_len + 1;
	do {
		const char *newline = memchr(q, '\n', (size_t)(end - q));

		q = newline != NULL ? newline + 1 : end;
	} while (q < end && (*q == ' ' || *q == '\t'));
	field->raw_len = (size_t)(q - field->raw);
	*p = q;
	return 1;
}

static int field_is(const struct field *field, const char *name)
{
	return field->name != NULL && strlen(name) == field->name_len &&
	       strncasecmp(field->name, name, field->name_len) == 0;
}

/* A field's value as g_mime_header_get_value() gives it: unfolded, and
 * decoded (RFC 2047 words, charsets) by GMime.  Freed with g_free(). */
static char *field_value(const struct field *field)
{
	char *raw, *unfolded, *value;

	if (field->name == NULL)
		return NULL;
	raw = g_strndup(field->raw, field->raw_len);
	unfolded = g_mime_utils_header_unfold(raw);
	value = g_mime_utils_header_decode_text(NULL, unfolded);
	g_free(raw);
	g_free(unfolded);
	return value;
}

/*
 * The returned message's headers from its block [p, end), fields only, as
 * returned_headers() reads them from the message GMime makes of the block:
 * GMime splits such a block into the same fields (name, raw value), a
 * field's value is its raw value unfolded and decoded, the message object
 * keeps the last Subject and Message-ID, and g_mime_object_get_header()
 * gives the first field of a name.  Those equalities were checked on the
 * header blocks of the bounce corpus and of mutated bounces (6,490 blocks).
 */
static void returned_block_headers(struct walk *w, const char *p, const char *end)
{
	enum { CAMPAIGNS = sizeof(campaign_headers) / sizeof(campaign_headers[0]) };
	struct field field, none = {NULL, NULL, 0, 0};
	struct field message_id = none, from = none, to = none, subject = none, list_id = none;
	struct field campaign[CAMPAIGNS];
	char *values[6];
	size_t c = 0;

	for (size_t i = 0; i < CAMPAIGNS; i++)
		campaign[i] = none;
	while (next_field(&p, end, &field)) {
		if (field_is(&field, returned_fields[RETURNED_MESSAGE_ID]))
			message_id = field;
		else if (field_is(&field, returned_fields[RETURNED_SUBJECT]))
			subject = field;
		else if (field_is(&field, returned_fields[RETURNED_FROM]) && from.name == NULL)
			from = field;
		else if (field_is(&field, returned_fields[RETURNED_TO]) && to.name == NULL)
			to = field;
		else if (field_is(&field, returned_fields[RETURNED_LIST_ID]) &&
		         list_id.name == NULL)
			list_id = field;
		else
			for (size_t i = 0; i < CAMPAIGNS; i++)
				if (campaign[i].name == NULL &&
				    field_is(&field, campaign_headers[i]))
					campaign[i] = field;
	}
	while (c < CAMPAIGNS && campaign[c].name == NULL)
		c++;
	values[0] = field_value(&message_id);
	values[1] = values[0] != NULL ? g_mime_utils_decode_message_id(values[0]) : NULL;
	values[2] = field_value(&from);
	values[3] = field_value(&to);
	values[4] = field_value(&subject);
	values[5] = field_value(&list_id);
	{
		char *campaign_id = c < CAMPAIGNS ? field_value(&campaign[c]) : NULL;

		keep_returned(w, values[1], values[2], values[3], values[4], values[5],
		              campaign_id);
		g_free(campaign_id);
	}
	for (size_t i = 0; i < 6; i++)
		g_free(values[i]);
}

/* What GMime is handed of a message, and where in it the returned
 * message's header block and its part's Content-Type line are. */
struct handed {
	const char *bytes;
	size_t len;
	long long returned_at; /* the returned message's block, or -1 */
	long long renamed_at;  /* the Content-Type line made a leaf's, or -1 */
	int plain_fields;      /* the bounce's header block is fields only */
};

/*
 * What GMime is handed of a message: its first needed bytes (needed_length(),
 * ending with the returned message's header block when there is one), with
 * the fields that are never read taken out of the bounce's own header block
 * and the returned message's, in buffer (MAIL_MESSAGE_MAX bytes).  The bytes
 * between the two blocks (the notice, the report part) are copied as they
 * are.  With whole set, the returned message's block is copied as it is.
 *
 * A message object costs GMime about 80,000 instructions to make and
 * free, a third of a bounce: when the returned message's block is fields
 * only (fields_only()) and names no report (so the message cannot be a
 * wrapped report, is_delivery_report()), its part's type is handed as
 * message/rfc82x, a leaf GMime keeps the block of as content without
 * reading it, and message_read() reads the block as a part's headers
 * (returned_block_headers()).  handed.renamed_at says where that line is.
 */
static struct handed handed_bytes(const char *bytes, size_t len, int whole)
{
	static char *buffer;
	struct cut cut = needed_length(bytes, len);
	struct handed h = {bytes, cut.len, -1, -1, 0};
	const char *end = bytes + cut.len, *outer_end;
	char *out;

	if (whole)
		cut.returned = NULL;
	if (buffer == NULL)
		buffer = malloc(MAIL_MESSAGE_MAX);
	if (!shortcuts || buffer == NULL || cut.len > MAIL_MESSAGE_MAX)
		return h;
	outer_end = header_block_end(bytes, end);
	if (outer_end == NULL || (cut.returned != NULL && cut.returned < outer_end))
		return h;
	h.plain_fields = fields_only(bytes, outer_end);
	out = filter_fields(bytes, outer_end, buffer, outer_fields,
	                    sizeof(outer_fields) / sizeof(outer_fields[0]), 0);
	if (cut.returned != NULL) {
		char *middle = out;

		memcpy(out, outer_end, (size_t)(cut.returned - outer_end));
		out += cut.returned - outer_end;
		h.returned_at = (long long)(out - buffer);
		if (cut.type_line != NULL && cut.type_line >= outer_end &&
		    fields_only(cut.returned, end) && !block_holds(cut.returned, end, "report")) {
			middle[cut.subtype + 5 - outer_end] = 'x';
			h.renamed_at = (long long)(middle + (cut.type_line - outer_end) - buffer);
		}
		out = filter_fields(cut.returned, end, out, returned_fields,
		                    sizeof(returned_fields) / sizeof(returned_fields[0]), 1);
	} else {
		memcpy(out, outer_end, (size_t)(end - outer_end));
		out += end - outer_end;
	}
	h.bytes = buffer;
	h.len = (size_t)(out - buffer);
	return h;
}

/*
 * Whether GMime read the block handed at offset as the header block of an
 * attached message: one of the messages in the tree (through message
 * parts, at most 32 levels) has its first header there.  The returned
 * message's block is filtered on the strength of a Content-Type line
 * (needed_length()); when the structure GMime reads is another (a boundary
 * that does not match), the block can be part of a text read, and the
 * message is read again unfiltered so that the text is the one written.
 */
static int read_as_headers(GMimeObject *part, long long offset, int depth)
{
	if (part == NULL || depth > 32)
		return 0;
	if (GMIME_IS_MULTIPART(part)) {
		int count = g_mime_multipart_get_count(GMIME_MULTIPART(part));

		for (int i = 0; i < count; i++)
			if (read_as_headers(g_mime_multipart_get_part(GMIME_MULTIPART(part), i),
			                    offset, depth + 1))
				return 1;
		return 0;
	}
	if (GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		GMimeHeaderList *headers =
		    message != NULL ? g_mime_object_get_header_list(GMIME_OBJECT(message)) : NULL;

		if (headers == NULL)
			return 0;
		if (g_mime_header_list_get_count(headers) > 0 &&
		    g_mime_header_get_offset(g_mime_header_list_get_header_at(headers, 0)) ==
		        offset)
			return 1;
		return read_as_headers(g_mime_message_get_mime_part(message), offset, depth + 1);
	}
	return 0;
}

/*
 * Whether GMime read the renamed part as needed: a leaf reached through
 * multiparts only, as walk_part() reaches parts (at most 32 levels; a part
 * inside an attached message is read by read_wrapped() if at all), is of
 * type message/rfc82x from one Content-Type field, the one at line_at (so
 * that the original said exactly message/rfc822), its content starting at
 * content_at (the returned message's block), with at most one transfer
 * encoding, 7bit, 8bit or binary.  Then the original
 * message/rfc822 part had the same headers and content, which GMime reads
 * as a message of the block's fields, and the walk came to it last;
 * otherwise the message is read again as it is.
 */
static int read_as_leaf(GMimeObject *part, long long line_at, long long content_at, int depth)
{
	if (part == NULL || depth > 32)
		return 0;
	if (GMIME_IS_MULTIPART(part)) {
		int count = g_mime_multipart_get_count(GMIME_MULTIPART(part));

		for (int i = 0; i < count; i++)
			if (read_as_leaf(g_mime_multipart_get_part(GMIME_MULTIPART(part), i),
			                 line_at, content_at, depth + 1))
				return 1;
		return 0;
	}
	if (GMIME_IS_PART(part)) {
		GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
		GMimeStream *stream =
		    content != NULL ? g_mime_data_wrapper_get_stream(content) : NULL;
		GMimeHeaderList *headers = g_mime_object_get_header_list(part);
		int count = headers != NULL ? g_mime_header_list_get_count(headers) : 0;
		GMimeContentEncoding encoding = g_mime_part_get_content_encoding(GMIME_PART(part));
		GMimeContentType *type = g_mime_object_get_content_type(part);
		int types = 0, ours = 0, encodings = 0;

		/* An encoded message/rfc822 part is decoded before GMime reads
		 * it as a message: only one as it is reads the block. */
		if (encoding != GMIME_CONTENT_ENCODING_DEFAULT &&
		    encoding != GMIME_CONTENT_ENCODING_7BIT &&
		    encoding != GMIME_CONTENT_ENCODING_8BIT &&
		    encoding != GMIME_CONTENT_ENCODING_BINARY)
			return 0;

		if (stream == NULL || stream->bound_start != content_at)
			return 0;
		/* "message/rfc822x" would be no message/rfc822 part either */
		if (type == NULL || !g_mime_content_type_is_type(type, "message", "rfc82x"))
			return 0;
		for (int i = 0; i < count; i++) {
			GMimeHeader *header = g_mime_header_list_get_header_at(headers, i);

			if (g_ascii_strcasecmp(g_mime_header_get_name(header), "Content-Type") ==
			    0) {
				types++;
				ours += g_mime_header_get_offset(header) == line_at;
			}
			encodings += g_ascii_strcasecmp(g_mime_header_get_name(header),
			                                "Content-Transfer-Encoding") == 0;
		}
		return types == 1 && ours == 1 && encodings <= 1;
	}
	return 0;
}

/*
 * A parser made once and used for every message: a new parser costs an
 * allocation large enough to make malloc consolidate its free chunks, 3% of
 * the instructions on the bounce corpus.  Each message's memory stream
 * reads the bytes where they are: the stream does not own its array (set
 * owner FALSE) and the array is made around the caller's buffer (with
 * g_mime_stream_mem_new_with_buffer() each message was copied first).  The
 * parser keeps the last stream until the next message replaces it, so that
 * stream's array is freed then (g_byte_array_free(..., FALSE) leaves the
 * bytes alone).
 */
struct reader {
	GMimeParser *parser;
	GByteArray *array;
};

static GMimeParser *parser_over(struct reader *reader, const char *bytes, size_t len)
{
	GByteArray *previous = reader->array;
	GMimeStream *stream;

	if (reader->parser == NULL)
		reader->parser = g_mime_parser_new();
	reader->array = g_byte_array_new_take((guint8 *)bytes, len);
	stream = g_mime_stream_mem_new_with_byte_array(reader->array);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	g_mime_parser_init_with_stream(reader->parser, stream);
	g_object_unref(stream);
	if (previous != NULL)
		g_byte_array_free(previous, FALSE);
	return reader->parser;
}

/* What GMime made of a message: the message object (NULL when not made),
 * the object whose fields are the bounce's, and its top MIME part. */
struct made {
	GMimeMessage *message;
	GMimeObject *top, *root;
};

/*
 * What GMime makes of what it is handed of bytes (handed_bytes()).  When
 * the bounce's header block is fields only (fields_only()), the top MIME
 * part is made as the part of no message: g_mime_parser_construct_part()
 * gives it every field of the block, where a message object would take the
 * fields and give its part the Content-* ones, and what message_read()
 * reads of a message object it reads of that part (the fields, the last
 * Subject as the message keeps it).  The message object, about 80,000
 * instructions to make and free (six address lists, a header list), is then
 * not made.  Any other block is read as a message: GMime reads a first
 * line "From " (an mbox separator) or a line that is no field there as it
 * would not in a part.  The message is read again as it is when GMime did
 * not read it as the handing assumed (h->renamed_at is then -1).
 */
static struct made construct(const char *bytes, size_t len, struct handed *h)
{
	static struct reader message_reader;
	struct made made = {NULL, NULL, NULL};

	for (int whole = 0; whole < 2; whole++) {
		GMimeParser *parser;
		int as_assumed = 1;

		*h = handed_bytes(bytes, len, whole);
		parser = parser_over(&message_reader, h->bytes, h->len);
		if (h->plain_fields) {
			made.top = made.root = g_mime_parser_construct_part(parser, NULL);
		} else {
			made.message = g_mime_parser_construct_message(parser, NULL);
			made.top = GMIME_OBJECT(made.message);
			made.root = made.message != NULL
			                ? g_mime_message_get_mime_part(made.message)
			                : NULL;
		}
		if (h->renamed_at >= 0)
			as_assumed = read_as_leaf(made.root, h->renamed_at, h->returned_at, 0);
		else if (h->returned_at >= 0)
			as_assumed = read_as_headers(made.root, h->returned_at, 0);
		if (as_assumed || whole)
			break;
		if (made.top != NULL)
			g_object_unref(made.top);
		made = (struct made){NULL, NULL, NULL};
	}
	return made;
}

void message_read(const char *bytes, size_t len, struct mail_store *store, struct mail_bounce *out)
{
	static int initialised;
	struct walk w;
	GMimeObject *message;
	struct made made;
	struct handed handed;
	const char *subject = NULL;
	int autoreply = 0, signs = 0;

	if (!initialised) {
		g_mime_init();
		initialised = 1;
	}
	memset(&w, 0, sizeof(w));
	w.store = store;
	w.out = out;
	made = construct(bytes, len, &handed);
	message = made.top;
	if (message != NULL) {
		const char *from = g_mime_object_get_header(message, outer_fields[OUTER_FROM]);

		out->date = keep(&w, g_mime_object_get_header(message, outer_fields[OUTER_DATE]));
		w.bounce_to = keep(&w, g_mime_object_get_header(message, outer_fields[OUTER_TO]));

		subject = made.message != NULL ? g_mime_message_get_subject(made.message)
		                               : last_field(g_mime_object_get_header_list(message),
		                                            outer_fields[OUTER_SUBJECT]);
		autoreply = is_autoreply(message);
		if (from != NULL && notice_sender_is_daemon(from, strlen(from)))
			signs |= SIGN_DAEMON_SENDER;
		if (subject != NULL && notice_subject_is_bounce(subject, strlen(subject)))
			signs |= SIGN_BOUNCE_SUBJECT;
		walk_part(&w, made.root, 0);
		/* The renamed part is the last GMime reads (the bytes end with
		 * the block): the walk would have read it last. */
		if (handed.renamed_at >= 0 && !w.have_returned)
			returned_block_headers(&w, handed.bytes + handed.returned_at,
			                       handed.bytes + handed.len);
	} else {
		out->flags |= MAIL_BROKEN;
		out->notice = raw_body(bytes, len, store);
	}
	if (w.empty_multipart && out->report.count == 0) {
		/* The boundary in the header is not the one in the body (an
		 * edited message): the raw body is read for DSN fields and as
		 * the notice. */
		smtpclass_span body = raw_body(bytes, len, store);

		out->flags |= MAIL_BROKEN;
		dsn_parse(body.ptr, body.len, store, &out->report);
		if (out->notice.ptr == NULL)
			out->notice = body;
	}
	notice_from_html(&w);
	decide(&w, signs, autoreply);
	if (store->full)
		out->flags |= MAIL_STORE_FULL;
	if (message != NULL)
		g_object_unref(message);
}

long long message_date_unix(const char *text, size_t len)
{
	char copy[256];
	GDateTime *date;
	long long seconds;

	if (text == NULL || len == 0 || len >= sizeof(copy))
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	date = g_mime_utils_header_decode_date(copy);
	if (date == NULL)
		return -1;
	seconds = (long long)g_date_time_to_unix(date);
	g_date_time_unref(date);
	return seconds;
}

#else /* no GMime */

const char *message_library(void)
{
	return "no (built without GMime)";
}

long long message_date_unix(const char *text, size_t len)
{
	(void)text;
	(void)len;
	return -1;
}

int message_available(void)
{
	return 0;
}

void message_use_shortcuts(int on)
{
	(void)on;
}

void message_read(const char *bytes, size_t len, struct mail_store *store, struct mail_bounce *out)
{
	(void)bytes;
	(void)len;
	(void)store;
	out->kind = MAIL_NOT_BOUNCE;
}

#endif
