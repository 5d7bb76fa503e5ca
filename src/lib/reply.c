/*
 * reply.c: split an SMTP reply into basic code, enhanced code and text.
 *
 * The parser is a byte-class table plus a few small hand-written scanners,
 * in the manner of picohttpparser: it never allocates and never copies; the
 * result is a set of views into the caller's buffer.  The grammar is
 * RFC 5321 s4.2 (Reply-code = %x32-35 %x30-35 %x30-39) with the enhanced
 * code of RFC 3463 s2 at the start of the text (class 2/4/5, subject and
 * detail 1-3 digits without leading zeros).
 *
 * Real input is messier than the grammar, so the parser also accepts:
 * DSN prefixes (Diagnostic-Code: smtp; ..., Status: 5.1.1), an enhanced code
 * written "#5.1.1" or "(5.1.1)", an enhanced code alone, and multiline replies
 * either on real lines or flattened onto one line the way MTAs log them
 * ("550-5.7.26 a 550-5.7.26 b 550 5.7.26 c").  Continuation prefixes are
 * dropped and the text is kept as segments to be joined with one space.
 * qmail's trailing "(#5.1.1)" is taken when the text starts with no code.
 * Anything else (hello, 999 x, 5.9.9.9, an IP address, a date) has no code:
 * it is returned as TEXT_ONLY, never guessed.
 */
#include "smtpclass.h"
#include "reply_internal.h"

#include <string.h>

/* Byte classes used by the scanners. */
enum byte_class {
	B_OTHER = 0,
	B_DIGIT, /* 0-9 */
	B_SPACE, /* SP HT VT FF */
	B_EOL,   /* CR LF */
	B_DASH,  /* - */
	B_DOT,   /* . */
	B_HASH,  /* # */
	B_OPEN,  /* ( */
	B_CLOSE  /* ) */
};

/* clang-format off */
static const unsigned char byte_classes[256] = {
/*       NUL ...                                    HT LF VT FF CR       */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 2, 2, 3, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
/*       SP !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /                   */
	2, 0, 0, 6, 0, 0, 0, 0, 7, 8, 0, 0, 0, 4, 5, 0,
/*       0  1  2  3  4  5  6  7  8  9                                     */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x80-0xff: all OTHER */
};
/* clang-format on */

static int class_of(unsigned char c)
{
	return byte_classes[c];
}

static int is_space_or_eol(unsigned char c)
{
	int cls = class_of(c);

	return cls == B_SPACE || cls == B_EOL;
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* True when [p, end) starts with the lowercase ASCII word, ignoring case. */
static int starts_with_nocase(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)p[i]) != (unsigned char)word[i])
			return 0;
	return 1;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && class_of((unsigned char)*p) == B_SPACE)
		p++;
	return p;
}

/* Skips spaces and line ends: DSN fields may be folded (RFC 5322 s2.2.3). */
static const char *skip_folding(const char *p, const char *end)
{
	while (p < end && is_space_or_eol((unsigned char)*p))
		p++;
	return p;
}

/*
 * Recognises a basic reply code at p: three digits (2-5, 0-5, 0-9) followed
 * by the end, a space, a dash or an end of line, or by ':' or ',' and a
 * space (Yahoo's notices write "550: 5.1.1 ...", Zoho's "ERROR_CODE :550,
 * ERROR_CODE :...").  Returns the code or 0.
 */
static int scan_basic_code(const char *p, const char *end)
{
	unsigned char a, b, c;

	if (end - p < 3)
		return 0;
	a = (unsigned char)p[0];
	b = (unsigned char)p[1];
	c = (unsigned char)p[2];
	if (a < '2' || a > '5' || b < '0' || b > '5' || class_of(c) != B_DIGIT)
		return 0;
	if (end - p > 3) {
		int next = class_of((unsigned char)p[3]);

		if ((p[3] == ':' || p[3] == ',') &&
		    (end - p == 4 || class_of((unsigned char)p[4]) == B_SPACE))
			return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
		if (next != B_SPACE && next != B_DASH && next != B_EOL)
			return 0;
	}
	return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
}

/* Reads 1-3 digits without a leading zero (a lone "0" is fine). */
static const char *scan_number(const char *p, const char *end, int *value)
{
	const char *start = p;
	int n = 0;

	while (p < end && class_of((unsigned char)*p) == B_DIGIT) {
		if (p - start == 3)
			return NULL;
		n = n * 10 + (*p - '0');
		p++;
	}
	if (p == start || (p - start > 1 && *start == '0'))
		return NULL;
	*value = n;
	return p;
}

struct enhanced_code {
	int class_digit, subject, detail;
	const char *start, *end; /* the digits, without # ( ) */
};

/*
 * Recognises an enhanced code at p, optionally written "#5.1.1" or
 * "(5.1.1)".  It must be followed by the end, a space, an end of line, or a
 * byte that is neither a digit nor a dot (tolerates "2.1.5Recipient").
 * Returns the position after it (after ')' if parenthesised), or NULL.
 */
static const char *scan_enhanced_code(const char *p, const char *end, struct enhanced_code *code)
{
	int open = 0, cls;

	if (p < end && class_of((unsigned char)*p) == B_OPEN) {
		open = 1;
		p++;
	}
	if (p < end && class_of((unsigned char)*p) == B_HASH)
		p++;
	if (end - p < 5 || (*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
		return NULL;
	code->start = p;
	code->class_digit = *p - '0';
	p = scan_number(p + 2, end, &code->subject);
	if (p == NULL || p == end || *p != '.')
		return NULL;
	p = scan_number(p + 1, end, &code->detail);
	if (p == NULL)
		return NULL;
	code->end = p;
	if (p < end) {
		cls = class_of((unsigned char)*p);
		if (cls == B_DIGIT || cls == B_DOT)
			return NULL;
	}
	if (open) {
		if (p == end || class_of((unsigned char)*p) != B_CLOSE)
			return NULL;
		p++;
	}
	return p;
}

/* The DSN prefixes a reply may open with, in lower case; the first one is
 * followed by "TYPE;". */
static const char *const dsn_prefixes[] = {"diagnostic-code:", "smtp;", "status:"};
#define DSN_PREFIX_COUNT (sizeof(dsn_prefixes) / sizeof(dsn_prefixes[0]))

/* Skips a DSN prefix: "Diagnostic-Code: TYPE;", "smtp;", "Status:". */
static const char *skip_dsn_prefix(const char *p, const char *end, unsigned *flags)
{
	if (starts_with_nocase(p, end, dsn_prefixes[0])) {
		const char *q = skip_folding(p + strlen(dsn_prefixes[0]), end), *type = q;

		while (q < end &&
		       (class_of((unsigned char)*q) == B_DASH ||
		        (lower((unsigned char)*q) >= 'a' && lower((unsigned char)*q) <= 'z')))
			q++;
		if (q > type && q < end && *q == ';')
			q++;
		else
			q = type;
		*flags |= SMTPCLASS_REPLY_DSN;
		return skip_folding(q, end);
	}
	for (size_t i = 1; i < DSN_PREFIX_COUNT; i++) {
		if (starts_with_nocase(p, end, dsn_prefixes[i])) {
			*flags |= SMTPCLASS_REPLY_DSN;
			return skip_folding(p + strlen(dsn_prefixes[i]), end);
		}
	}
	return p;
}

/* Whether a reply can open with byte c: the first byte of a DSN prefix, of
 * a basic code (class digit 2-5) or of an enhanced code ('#', '(' or the
 * class digit).  Every log line is asked this first. */
static int may_open_reply(unsigned char c)
{
	if ((c >= '2' && c <= '5') || class_of(c) == B_HASH || class_of(c) == B_OPEN)
		return 1;
	for (size_t i = 0; i < DSN_PREFIX_COUNT; i++)
		if (lower(c) == (unsigned char)dsn_prefixes[i][0])
			return 1;
	return 0;
}

static void add_segment(smtpclass_reply *out, const char *start, const char *end,
                        const char *input_end)
{
	while (start < end && is_space_or_eol((unsigned char)*start))
		start++;
	while (end > start && is_space_or_eol((unsigned char)end[-1]))
		end--;
	if (end <= start)
		return;
	if (out->segment_count == SMTPCLASS_MAX_SEGMENTS) {
		/* Full: the last segment swallows the rest of the input. */
		smtpclass_span *last = &out->segments[SMTPCLASS_MAX_SEGMENTS - 1];
		const char *stop = input_end;

		while (stop > last->ptr && is_space_or_eol((unsigned char)stop[-1]))
			stop--;
		last->len = (size_t)(stop - last->ptr);
		out->flags |= SMTPCLASS_REPLY_TRUNCATED;
		return;
	}
	out->segments[out->segment_count].ptr = start;
	out->segments[out->segment_count].len = (size_t)(end - start);
	out->segment_count++;
}

/*
 * Checks whether a continuation prefix of the reply starts at p: the same
 * basic code followed by '-' or ' ' (and, when the reply has an enhanced
 * code, that same code); at the start of a real line any code counts.
 * Returns the position after the prefix, or NULL.  *changed is set when a
 * line starts with a different code.
 */
static const char *scan_continuation(const char *p, const char *end, const smtpclass_reply *reply,
                                     int at_line_start, int *changed)
{
	struct enhanced_code code;
	int basic = scan_basic_code(p, end);
	const char *q;

	if (basic == 0)
		return NULL;
	if (basic != reply->code) {
		if (at_line_start)
			*changed = 1;
		return NULL;
	}
	q = p + 3;
	if (q < end && class_of((unsigned char)*q) == B_EOL)
		return q;
	if (q == end)
		return q;
	if (!at_line_start && reply->enhanced.len == 0 && *q != '-' &&
	    !(reply->flags & SMTPCLASS_REPLY_MULTILINE))
		return NULL;
	q = skip_spaces(q + 1, end);
	if (reply->enhanced.len > 0) {
		const char *after = scan_enhanced_code(q, end, &code);

		if (after != NULL) {
			size_t n = (size_t)(code.end - code.start);

			if (!at_line_start && (n != reply->enhanced.len ||
			                       memcmp(code.start, reply->enhanced.ptr, n) != 0))
				return NULL;
			return after;
		}
		if (!at_line_start)
			return NULL;
	}
	return q;
}

/* Cuts the text [p, end) into segments at real and flattened line breaks. */
static void split_text(const char *p, const char *end, smtpclass_reply *out)
{
	const char *segment = p;
	int changed = 0;
	/* With real line ends only line starts are structure (RFC 5321 s4.2.1:
	 * "250-234 Text beginning with numbers"); a reply flattened onto one
	 * line has its continuation prefixes in mid-line. */
	int flattened = memchr(p, '\n', (size_t)(end - p)) == NULL &&
	                memchr(p, '\r', (size_t)(end - p)) == NULL;

	if (flattened) {
		/* Only " CODE-" or " CODE ENHANCED" can start a continuation: jump
		 * from one occurrence of the code's first digit to the next. */
		const char *q = p;

		while (out->code != 0 &&
		       (q = memchr(q, '0' + out->code / 100, (size_t)(end - q))) != NULL) {
			const char *after = NULL;

			if (q > segment && class_of((unsigned char)q[-1]) == B_SPACE)
				after = scan_continuation(q, end, out, 0, &changed);
			if (after == NULL) {
				q++;
				continue;
			}
			add_segment(out, segment, q - 1, end);
			out->flags |= SMTPCLASS_REPLY_MULTILINE;
			segment = q = after;
		}
		add_segment(out, segment, end, end);
		return;
	}

	while (p < end) {
		int cls = class_of((unsigned char)*p);
		const char *next = p + 1;

		if (cls == B_EOL) {
			const char *line = next, *after;

			while (line < end && is_space_or_eol((unsigned char)*line))
				line++;
			after = scan_continuation(line, end, out, 1, &changed);
			out->flags |= SMTPCLASS_REPLY_MULTILINE;
			add_segment(out, segment, p, end);
			segment = after != NULL ? after : line;
			p = segment;
			continue;
		}
		p = next;
	}
	add_segment(out, segment, end, end);
	if (changed)
		out->flags |= SMTPCLASS_REPLY_CODE_CHANGED;
}

static void set_enhanced(smtpclass_reply *out, const struct enhanced_code *code)
{
	out->enhanced_class = code->class_digit;
	out->enhanced_subject = code->subject;
	out->enhanced_detail = code->detail;
	out->enhanced.ptr = code->start;
	out->enhanced.len = (size_t)(code->end - code->start);
}

/* Looks for qmail's "(#5.1.1" inside text that started without a code. */
static void find_late_enhanced(const char *p, const char *end, smtpclass_reply *out)
{
	for (; end - p >= 7; p++) {
		struct enhanced_code code;

		if (p[0] != '(' || p[1] != '#')
			continue;
		if (scan_enhanced_code(p + 2, end, &code) != NULL) {
			set_enhanced(out, &code);
			out->flags |= SMTPCLASS_REPLY_ENHANCED_LATE;
			return;
		}
	}
}

const char *sc_after_dsn_prefix(const char *p, const char *end)
{
	unsigned flags = 0;

	return skip_dsn_prefix(p, end, &flags);
}

int sc_opens_basic_code(const char *p, const char *end)
{
	return scan_basic_code(p, end) != 0;
}

int sc_opens_code(const char *p, const char *end)
{
	struct enhanced_code code;

	return scan_basic_code(p, end) != 0 || scan_enhanced_code(p, end, &code) != NULL;
}

int sc_opens_code_pair(const char *p, const char *end)
{
	struct enhanced_code code;
	int basic = scan_basic_code(p, end);
	const char *q;

	if (basic == 0 || end - p < 4 || class_of((unsigned char)p[3]) != B_SPACE)
		return 0;
	q = skip_spaces(p + 3, end);
	return scan_enhanced_code(q, end, &code) != NULL && code.class_digit == basic / 100 &&
	       code.start == q;
}

int smtpclass_opens_reply(const char *input, size_t len)
{
	const char *p = input, *end;
	struct enhanced_code code;
	unsigned flags = 0;

	if (input == NULL)
		return 0; /* before input + len: NULL + 0 is undefined */
	end = input + len;
	while (p < end && is_space_or_eol((unsigned char)*p))
		p++;
	/* One byte turns away syslog lines ("Nov 27 ...") without the prefix
	 * and code scans. */
	if (p == end || !may_open_reply((unsigned char)*p))
		return 0;
	while (end > p && is_space_or_eol((unsigned char)end[-1]))
		end--;
	p = skip_dsn_prefix(p, end, &flags);
	if (flags & SMTPCLASS_REPLY_DSN)
		return 1;
	return scan_basic_code(p, end) != 0 || scan_enhanced_code(p, end, &code) != NULL;
}

smtpclass_parse_status smtpclass_parse(const char *input, size_t len, smtpclass_reply *out)
{
	const char *p, *end, *after;
	struct enhanced_code code;

	if (out == NULL)
		return SMTPCLASS_PARSE_INVALID;
	memset(out, 0, sizeof(*out));
	if (input == NULL)
		return len == 0 ? SMTPCLASS_PARSE_EMPTY : SMTPCLASS_PARSE_INVALID;
	p = input;
	end = input + len;
	while (p < end && is_space_or_eol((unsigned char)*p))
		p++;
	while (end > p && is_space_or_eol((unsigned char)end[-1]))
		end--;
	if (p == end)
		return SMTPCLASS_PARSE_EMPTY;
	p = skip_dsn_prefix(p, end, &out->flags);

	out->code = scan_basic_code(p, end);
	if (out->code != 0) {
		if (p + 3 < end && p[3] == '-')
			out->flags |= SMTPCLASS_REPLY_MULTILINE;
		p = skip_spaces(p + (p + 3 < end && class_of((unsigned char)p[3]) != B_EOL ? 4 : 3),
		                end);
	}
	/* 3xx replies carry no enhanced code (RFC 2034 s3): digits are text. */
	after = out->code / 100 == 3 ? NULL : scan_enhanced_code(p, end, &code);
	if (after != NULL) {
		set_enhanced(out, &code);
		p = after;
	}
	split_text(p, end, out);
	if (out->code == 0 && out->enhanced_class == 0) {
		find_late_enhanced(p, end, out);
		if (out->enhanced_class == 0)
			return SMTPCLASS_PARSE_TEXT_ONLY;
	}
	return SMTPCLASS_PARSE_OK;
}

size_t smtpclass_reply_text_length(const smtpclass_reply *reply)
{
	size_t total = 0;

	for (size_t i = 0; i < reply->segment_count; i++)
		total += reply->segments[i].len + (i > 0);
	return total;
}

size_t smtpclass_reply_text_copy(const smtpclass_reply *reply, char *buf, size_t size)
{
	size_t used = 0, total = smtpclass_reply_text_length(reply);

	if (size == 0)
		return total;
	for (size_t i = 0; i < reply->segment_count; i++) {
		const smtpclass_span *segment = &reply->segments[i];
		size_t n;

		if (i > 0 && used + 1 < size)
			buf[used++] = ' ';
		n = segment->len;
		if (n > size - 1 - used)
			n = size - 1 - used;
		memcpy(buf + used, segment->ptr, n);
		used += n;
	}
	buf[used] = '\0';
	return total;
}
