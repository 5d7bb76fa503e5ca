/*
 * logscan_internal.h: what the log scanner's files share.  logscan.c reads
 * the line header, picks the MTA from its registry and calls that MTA's
 * scanner; each dialect file (postfix.c, exim.c, ...) holds one scanner.
 *
 * The byte helpers are static inline on purpose: they run on every byte
 * of every line, and each dialect file must be able to inline them as the
 * single-file scanner did.  Nothing here allocates or keeps state.
 */
#ifndef SMTPCLASS_LOGSCAN_INTERNAL_H
#define SMTPCLASS_LOGSCAN_INTERNAL_H

#include "smtpclass.h"

#include <string.h>

/* ---- Byte helpers --------------------------------------------------------- */

/* Byte classes, one bit each, looked up in byte_classes[]: one load per
 * byte instead of a chain of comparisons (these loops run on every line),
 * and no <ctype.h>, so no locale and no trouble with negative chars. */
enum {
	BYTE_DIGIT = 1 << 0, /* 0-9 */
	BYTE_LOWER = 1 << 1, /* a-z */
	BYTE_UPPER = 1 << 2, /* A-Z */
	BYTE_TAG = 1 << 3,   /* _ - . /: syslog tag bytes besides letters and digits */
	BYTE_KEY = 1 << 4,   /* _: key bytes besides lowercase letters */
	BYTE_DASH = 1 << 5   /* -: Exim message id bytes besides letters and digits */
};

/* Indexed by the byte as unsigned char; bytes 0x80-0xff are all 0. */
/* clang-format off */
static const unsigned char byte_classes[256] = {
	/* 0x00: control bytes */
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x08: control bytes */
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x10: control bytes */
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x18: control bytes */
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20: SP ! " # $ % & ' */
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x28: ( ) * + , - . / */
	0, 0, 0, 0, 0, BYTE_TAG | BYTE_DASH, BYTE_TAG, BYTE_TAG,
	/* 0x30: 0 1 2 3 4 5 6 7 */
	BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT, BYTE_DIGIT,
	/* 0x38: 8 9 : ; < = > ? */
	BYTE_DIGIT, BYTE_DIGIT, 0, 0, 0, 0, 0, 0,
	/* 0x40: @ A B C D E F G */
	0, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER,
	/* 0x48: H I J K L M N O */
	BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER,
	/* 0x50: P Q R S T U V W */
	BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, BYTE_UPPER,
	/* 0x58: X Y Z [ \ ] ^ _ */
	BYTE_UPPER, BYTE_UPPER, BYTE_UPPER, 0, 0, 0, 0, BYTE_TAG | BYTE_KEY,
	/* 0x60: ` a b c d e f g */
	0, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER,
	/* 0x68: h i j k l m n o */
	BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER,
	/* 0x70: p q r s t u v w */
	BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, BYTE_LOWER,
	/* 0x78: x y z { | } ~ DEL */
	BYTE_LOWER, BYTE_LOWER, BYTE_LOWER, 0, 0, 0, 0, 0,
};
/* clang-format on */

static inline int byte_is(char c, unsigned classes)
{
	return (byte_classes[(unsigned char)c] & classes) != 0;
}

static inline int is_digit(char c)
{
	return byte_is(c, BYTE_DIGIT);
}

static inline int is_lower(char c)
{
	return byte_is(c, BYTE_LOWER);
}

static inline int is_upper(char c)
{
	return byte_is(c, BYTE_UPPER);
}

static inline int is_alnum(char c)
{
	return byte_is(c, BYTE_DIGIT | BYTE_LOWER | BYTE_UPPER);
}

static inline int is_hex(char c)
{
	char lower = (char)(c | 0x20);
	return is_digit(c) || (lower >= 'a' && lower <= 'f');
}

static inline char to_upper(char c)
{
	return is_lower(c) ? (char)(c - 'a' + 'A') : c;
}

/* Bytes from p to end, 0 when p is at or past end. */
static inline size_t left(const char *p, const char *end)
{
	return p < end ? (size_t)(end - p) : 0;
}

/* 1 when [p, end) starts with the NUL-terminated text. */
static inline int starts_with(const char *p, const char *end, const char *text)
{
	size_t n = strlen(text);
	return left(p, end) >= n && memcmp(p, text, n) == 0;
}

/* Like starts_with(), ignoring ASCII case (commands typed by SMTP clients). */
static inline int starts_with_nocase(const char *p, const char *end, const char *text)
{
	size_t n = strlen(text);
	if (left(p, end) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (to_upper(p[i]) != to_upper(text[i]))
			return 0;
	return 1;
}

/* First occurrence of byte c in [p, end), or NULL. */
static inline const char *find_byte(const char *p, const char *end, char c)
{
	if (p >= end)
		return NULL;
	return memchr(p, c, (size_t)(end - p));
}

/*
 * LIT("text") is a string literal and its length, counted by the compiler,
 * for the *_bytes helpers: skip_literal(), find_after() and text_is() use
 * it so that no length is counted by hand.  ("" s) makes anything but a
 * string literal a compile error, where sizeof would measure a pointer.
 */
#define LIT(s) ("" s), (sizeof(s) - 1)

/* p + n when [p, end) starts with text[0..n), else NULL. */
static inline const char *skip_bytes(const char *p, const char *end, const char *text, size_t n)
{
	return left(p, end) >= n && memcmp(p, text, n) == 0 ? p + n : NULL;
}

/* Where [p, end) goes on after the literal s it starts with, or NULL. */
#define skip_literal(p, end, s) skip_bytes((p), (end), LIT(s))

/* 1 when p[0..len) is text[0..n). */
static inline int bytes_are(const char *p, size_t len, const char *text, size_t n)
{
	return len == n && memcmp(p, text, n) == 0;
}

/* 1 when p[0..len) is the literal s. */
#define text_is(p, len, s) bytes_are((p), (len), LIT(s))

/* First occurrence of text[0..n) in [p, end), or NULL.  memchr() finds
 * candidates for text[anchor], so a miss costs about one vectorised pass:
 * the anchor should be a byte that is rare in lines (" said: " is better
 * looked for by its ':' than by every space). */
static inline const char *find_bytes_at(const char *p, const char *end, const char *text, size_t n,
                                        size_t anchor)
{
	while (left(p, end) >= n) {
		const char *hit = memchr(p + anchor, text[anchor], left(p, end) - n + 1);
		if (hit == NULL)
			return NULL;
		hit -= anchor;
		/* the first byte inline: most candidates fail there */
		if (hit[0] == text[0] && memcmp(hit, text, n) == 0)
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* First occurrence of text[0..n) in [p, end), or NULL, looked for by its
 * first byte. */
static inline const char *find_bytes(const char *p, const char *end, const char *text, size_t n)
{
	return find_bytes_at(p, end, text, n, 0);
}

/* Last occurrence of text[0..n) in [p, end), or NULL. */
static inline const char *find_last_bytes(const char *p, const char *end, const char *text,
                                          size_t n)
{
	if (left(p, end) < n)
		return NULL;
	for (const char *q = end - n;; q--) {
		if (*q == text[0] && memcmp(q, text, n) == 0)
			return q;
		if (q == p)
			return NULL;
	}
}

/* First occurrence of the NUL-terminated text in [p, end), or NULL. */
static inline const char *find_text(const char *p, const char *end, const char *text)
{
	return find_bytes(p, end, text, strlen(text));
}

/* Last occurrence of the NUL-terminated text in [p, end), or NULL. */
static inline const char *find_last_text(const char *p, const char *end, const char *text)
{
	return find_last_bytes(p, end, text, strlen(text));
}

/* Where a found text[0..n) ends, or NULL when not found; *at, unless at is
 * NULL, receives where it starts (NULL when not found). */
static inline const char *found_end(const char *found, size_t n, const char **at)
{
	if (at != NULL)
		*at = found;
	return found != NULL ? found + n : NULL;
}

/* Where the first (find_after) or last (find_last_after) occurrence of the
 * literal s in [p, end) ends, or NULL; *at, unless at is NULL, receives
 * where it starts. */
#define find_after(p, end, s, at) found_end(find_bytes((p), (end), LIT(s)), sizeof(s) - 1, (at))
#define find_last_after(p, end, s, at)                                                             \
	found_end(find_last_bytes((p), (end), LIT(s)), sizeof(s) - 1, (at))

/* First space in [p, end), or end. */
static inline const char *token_end(const char *p, const char *end)
{
	const char *space = find_byte(p, end, ' ');
	return space != NULL ? space : end;
}

static inline const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* The span [p, q); absent (NULL, 0) when empty. */
static inline smtpclass_span span_of(const char *p, const char *q)
{
	smtpclass_span span = {NULL, 0};
	if (p != NULL && q > p) {
		span.ptr = p;
		span.len = (size_t)(q - p);
	}
	return span;
}

/* An address in [p, q) without its surrounding <> (either may be missing
 * on a cut line). */
static inline smtpclass_span address_of(const char *p, const char *q)
{
	if (p < q && *p == '<')
		p++;
	if (q > p && q[-1] == '>')
		q--;
	return span_of(p, q);
}

/* The address at p written as <...> (up to the first '>') or bare (up to
 * a space, a comma or limit); *after receives where it ended. */
static inline smtpclass_span address_at(const char *p, const char *limit, const char **after)
{
	const char *q;

	if (p < limit && *p == '<') {
		const char *close = find_byte(p, limit, '>');
		q = close != NULL ? close + 1 : limit;
	} else {
		q = p;
		while (q < limit && *q != ' ' && *q != ',')
			q++;
	}
	if (after != NULL)
		*after = q;
	return address_of(p, q);
}

/* 1 when p starts an SMTP reply code that reports an outcome: 2xx, 4xx or
 * 5xx, followed by a space, a dash or the end. */
static inline int is_reply_code(const char *p, const char *end)
{
	if (left(p, end) < 3 || (p[0] != '2' && p[0] != '4' && p[0] != '5'))
		return 0;
	if (p[1] < '0' || p[1] > '5' || !is_digit(p[2]))
		return 0;
	return left(p, end) == 3 || p[3] == ' ' || p[3] == '-';
}

/* The status a reply's class digit implies (generic lines). */
static inline smtpclass_log_status status_from_class(char digit)
{
	if (digit == '2')
		return SMTPCLASS_STATUS_SENT;
	if (digit == '4')
		return SMTPCLASS_STATUS_DEFERRED;
	return SMTPCLASS_STATUS_BOUNCED;
}

/* ---- key=value fields ----------------------------------------------------- */

/*
 * A walk over "key=value" fields: Postfix and Sendmail write "to=<r>,
 * relay=h, dsn=5.1.1, status=bounced (...)", Courier "relay=IP,from=<s>,
 * to=<r>: REPLY", OpenSMTPD "evpid=E from=<s> result="Ok"".  The walk
 * reads the keys and steps over the separator; the dialect says where each
 * value ends, because values may hold the separator (inside <...>, quotes,
 * or a reply), and often the last field runs to the end of the line:
 *
 *	struct field_walk walk = field_walk_start(p, end, BYTE_LOWER, LIT(", "));
 *	smtpclass_span key;
 *	const char *value;
 *
 *	while (field_next(&walk, &key, &value)) {
 *		const char *value_end = ...;
 *		field_value_end(&walk, value_end);
 *	}
 */
struct field_walk {
	const char *next; /* where the next key starts; NULL once the list ended */
	const char *end;
	unsigned key_classes; /* byte classes a key is made of */
	const char *separator;
	size_t separator_length;
};

static inline struct field_walk field_walk_start(const char *p, const char *end,
                                                 unsigned key_classes, const char *separator,
                                                 size_t separator_length)
{
	struct field_walk walk = {p, end, key_classes, separator, separator_length};
	return walk;
}

/* Reads the next "key=": returns 1, with the key in *key and where its value
 * starts in *value, or 0 when the list has ended or no key stands there. */
static inline int field_next(struct field_walk *walk, smtpclass_span *key, const char **value)
{
	const char *start = walk->next;
	const char *p = start;

	if (p == NULL)
		return 0;
	while (p < walk->end && byte_is(*p, walk->key_classes))
		p++;
	if (p == start || p >= walk->end || *p != '=') {
		walk->next = NULL;
		return 0;
	}
	*key = span_of(start, p);
	*value = p + 1;
	return 1;
}

/* The value just read ends at value_end: the next key follows the
 * separator there; without a separator the list has ended. */
static inline void field_value_end(struct field_walk *walk, const char *value_end)
{
	walk->next = skip_bytes(value_end, walk->end, walk->separator, walk->separator_length);
}

/* For lists whose separator is not one fixed text (OpenSMTPD's spaces):
 * the next key starts at p. */
static inline void field_continue_at(struct field_walk *walk, const char *p)
{
	walk->next = p;
}

/* ---- Scanner memory ------------------------------------------------------- */

enum { MEMORY_SLOTS = 64, MEMORY_BYTES = 256 };

/* One fact remembered from an earlier line: qmail's "starting delivery N:
 * msg M to remote ADDRESS" (key N, the address), or the last reply Postfix
 * logged for a queue id (postfix.c: key with MEMORY_KEY_POSTFIX set).  The
 * two share the slots so the state keeps its size.  Only unsigned long long
 * and char members, so the struct may live in the state's unsigned long
 * long storage without breaking aliasing rules. */
struct memory_slot {
	unsigned long long key;    /* qmail's delivery number, or a queue id's hash */
	unsigned long long stamp;  /* insertion order; 0 marks a free slot */
	unsigned long long length; /* bytes used in bytes */
	char bytes[MEMORY_BYTES];
};

/* Set in the keys of Postfix slots: qmail delivery numbers stay below it. */
#define MEMORY_KEY_POSTFIX (1ull << 63)

/* What smtpclass_log_state.opaque holds. */
struct scan_memory {
	unsigned long long clock; /* last stamp handed out */
	int had_header;           /* the last line opened like a log line */
	int watch_events;         /* report the connection events too */
	struct memory_slot slots[MEMORY_SLOTS];
};

/* The slot remembered under key, or NULL (logscan.c). */
struct memory_slot *sc_memory_recall(struct scan_memory *memory, unsigned long long key);

/* The slot to fill for key: its own, else a free one, else the oldest;
 * stamped as the newest, its length 0 (logscan.c). */
struct memory_slot *sc_memory_take(struct scan_memory *memory, unsigned long long key);

/* Remembers Postfix's deferral replies per queue id and gives an expired
 * record the last one (postfix.c).  memory may be NULL. */
void sc_postfix_memory(struct scan_memory *memory, smtpclass_log_record *out);

/* ---- Lines and scanners --------------------------------------------------- */

enum header_form {
	FORM_NONE,   /* no timestamp: a message-only line */
	FORM_SYSLOG, /* timestamp, host and program */
	FORM_EXIM,   /* Exim main log: "YYYY-MM-DD hh:mm:ss" and the message */
	FORM_CSV,    /* Exchange: ISO timestamp followed by a comma */
	FORM_TAI64N  /* multilog: "@4000..." */
};

/* What the header parser learned from the start of a line. */
struct line_header {
	enum header_form form;
	smtpclass_span time;
	smtpclass_span host;
	smtpclass_span program; /* syslog tag without "[pid]" */
	const char *message;    /* where the MTA's own text starts */
};

/* One line as a scanner sees it. */
struct scan_line {
	const char *start;          /* the line, after any transport prefix */
	const char *end;            /* before a trailing CR or LF */
	struct line_header header;  /* header.message: the MTA's own text */
	struct scan_memory *memory; /* NULL when the caller keeps no state */
};

/*
 * A dialect scanner: reads the message of one line (from
 * line->header.message to line->end).  Returns 1 and fills *out (whose
 * time and host the header already set) when the line reports an outcome,
 * else 0; *out is then cleared by the caller.
 */
typedef int sc_log_scanner(const struct scan_line *line, smtpclass_log_record *out);

/* The scanners, one per registry row (logscan.c). */
sc_log_scanner sc_scan_postfix;   /* postfix.c */
sc_log_scanner sc_scan_sendmail;  /* postfix.c */
sc_log_scanner sc_scan_exim;      /* exim.c */
sc_log_scanner sc_scan_opensmtpd; /* opensmtpd.c */
sc_log_scanner sc_scan_qmail;     /* qmail.c */
sc_log_scanner sc_scan_exchange;  /* exchange.c */
sc_log_scanner sc_scan_courier;   /* courier.c */
sc_log_scanner sc_scan_generic;   /* generic.c */

/* Postfix's and Sendmail's "QID: key=value, ..." lines when the MTA is not
 * known: the keys decide; memory may be NULL (postfix.c). */
int sc_scan_queue_line(const char *p, const char *end, smtpclass_mta dialect,
                       struct scan_memory *memory, smtpclass_log_record *out);

/* Length of a Postfix or Sendmail queue id at p followed by ':', or 0;
 * strict: it must hold a digit (postfix.c). */
size_t sc_queue_id_length(const char *p, const char *end, int strict);

/* Where the address after an Exim delivery flag ("=> ", "** ", ...) at p
 * starts, with the flag's status in *status; NULL when p holds none
 * (exim.c). */
const char *sc_exim_delivery_flag(const char *p, const char *end, smtpclass_log_status *status);

/* End of an Exim message id at p followed by a space or the end, or NULL
 * (exim.c). */
const char *sc_match_exim_id(const char *p, const char *end);

/* ---- Stages (stage.c) ----------------------------------------------------- */

/* The stage named by a phrase as MTAs write it after "in reply to", ... */
smtpclass_stage sc_stage_from_phrase(const char *p, const char *end);
/* The stage of an SMTP command word: "RCPT", "MAIL FROM:<x>", ... */
smtpclass_stage sc_stage_from_command(const char *p, const char *end);

/* The connection event of data/log-events.tsv that the MTA's text
 * [p, end) reports: fills *out's mta, status (NONE), event, relay and
 * command and returns 1, or 0 (events.c). */
int sc_scan_event(smtpclass_mta mta, const char *p, const char *end, smtpclass_log_record *out);

#endif
