/*
 * logscan.c: finds delivery outcomes (and the SMTP replies behind them) in
 * mail log lines of Postfix, Exim, Sendmail, OpenSMTPD, qmail, Exchange and
 * Courier, with a generic fallback for any line that quotes a reply.
 *
 * Design.  A log is mostly noise (connects, TLS, queue manager chatter) and
 * can be hundreds of megabytes, so the scanner is a cheap dispatcher in
 * front of small per-MTA parsers:
 *
 *   1. parse_header() reads the line prefix once: a grep "file:" prefix, the
 *      timestamp (syslog, RFC 3339, Exim, tai64n, Exchange CSV), the host
 *      and the syslog program name.  It looks at the first ~60 bytes only.
 *   2. The program name (or the form of the timestamp, or the state's forced
 *      MTA) picks exactly one parser.  A Postfix noise line is then turned
 *      down after a few bytes of its message ("QID: client=" is not
 *      "QID: to=").  Only lines of unknown origin pay for the marker search
 *      of the generic parser, and a line of a known MTA never falls through
 *      to it: "QID: host X said: ..." duplicates a status= line and must not
 *      be counted twice.
 *   3. The chosen parser walks the line left to right, once, and records
 *      spans.  Searches are bounded by the end of the line: lines may be cut
 *      at any byte, hold NUL bytes or invalid UTF-8, and are never assumed to
 *      be NUL-terminated.
 *
 * Every span points into the caller's line, except qmail recipients: qmail
 * names the recipient on "starting delivery N" and the outcome on a later
 * "delivery N:" line, so the address is copied into a small table inside
 * the caller-owned state (64 slots, the oldest overwritten) and the record
 * points there until the next call.  Nothing allocates and nothing is global.
 */
#include "smtpclass.h"

#include <assert.h>
#include <string.h>

/* ---- Names ----------------------------------------------------------------- */

/* Indexed by smtpclass_mta; the values are pinned in smtpclass.h. */
static const char *const mta_names[] = {NULL,        "postfix", "exim",     "sendmail",
                                        "opensmtpd", "qmail",   "exchange", "generic"};

/* Indexed by smtpclass_log_status. */
static const char *const status_names[] = {NULL,      "sent",    "deferred",
                                           "bounced", "expired", "rejected"};

#define MTA_NAME_COUNT    (sizeof(mta_names) / sizeof(mta_names[0]))
#define STATUS_NAME_COUNT (sizeof(status_names) / sizeof(status_names[0]))

/* Returns the name of an MTA ("postfix", ...), or NULL for UNKNOWN and for
 * values outside the enum. */
const char *smtpclass_mta_name(smtpclass_mta mta)
{
	if ((unsigned)mta >= MTA_NAME_COUNT)
		return NULL;
	return mta_names[mta];
}

/* Returns the MTA whose name is exactly name[0..len), or -1. */
int smtpclass_mta_from_name(const char *name, size_t len)
{
	if (name == NULL)
		return -1;
	for (size_t i = 1; i < MTA_NAME_COUNT; i++)
		if (strlen(mta_names[i]) == len && memcmp(mta_names[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* Returns the name of a log status ("sent", ...), or NULL for NONE and for
 * values outside the enum. */
const char *smtpclass_log_status_name(smtpclass_log_status status)
{
	if ((unsigned)status >= STATUS_NAME_COUNT)
		return NULL;
	return status_names[status];
}

/* ---- Scanner state -------------------------------------------------------- */

enum { QMAIL_SLOTS = 64, QMAIL_ADDRESS_MAX = 256 };

/* One remembered "starting delivery N: msg M to remote ADDRESS".  Only
 * unsigned long long and char members, so the struct may live in the
 * state's unsigned long long storage without breaking aliasing rules. */
struct qmail_slot {
	unsigned long long number; /* qmail's delivery number */
	unsigned long long stamp;  /* insertion order; 0 marks a free slot */
	unsigned long long length; /* bytes used in address */
	char address[QMAIL_ADDRESS_MAX];
};

/* What smtpclass_log_state.opaque holds. */
struct scan_memory {
	unsigned long long clock; /* last stamp handed out */
	struct qmail_slot slots[QMAIL_SLOTS];
};

static_assert(sizeof(struct scan_memory) <= sizeof(((smtpclass_log_state *)0)->opaque),
              "the scanner memory must fit in smtpclass_log_state.opaque");
static_assert(_Alignof(struct scan_memory) <= _Alignof(unsigned long long),
              "the scanner memory must not need more alignment than opaque has");

/* Initialises *state: no remembered deliveries, and the given MTA forced
 * (SMTPCLASS_MTA_UNKNOWN to detect the format of each line). */
void smtpclass_log_state_init(smtpclass_log_state *state, smtpclass_mta forced_mta)
{
	if (state == NULL)
		return;
	memset(state, 0, sizeof(*state));
	state->forced_mta = (int)forced_mta;
}

/* Remembers that qmail delivery `number` goes to address[0..len).  Reuses
 * the slot of the same number, else a free slot, else the oldest one;
 * addresses longer than QMAIL_ADDRESS_MAX are cut. */
static void qmail_remember(struct scan_memory *memory, unsigned long long number,
                           const char *address, size_t len)
{
	struct qmail_slot *chosen = NULL;

	for (size_t i = 0; i < QMAIL_SLOTS; i++) {
		struct qmail_slot *slot = &memory->slots[i];
		if (slot->stamp != 0 && slot->number == number) {
			chosen = slot;
			break;
		}
		if (chosen == NULL || slot->stamp < chosen->stamp)
			chosen = slot;
	}
	if (len > QMAIL_ADDRESS_MAX)
		len = QMAIL_ADDRESS_MAX;
	memcpy(chosen->address, address, len);
	chosen->length = len;
	chosen->number = number;
	chosen->stamp = ++memory->clock;
}

/* Returns the slot remembered for qmail delivery `number`, or NULL. */
static struct qmail_slot *qmail_recall(struct scan_memory *memory, unsigned long long number)
{
	for (size_t i = 0; i < QMAIL_SLOTS; i++) {
		struct qmail_slot *slot = &memory->slots[i];
		if (slot->stamp != 0 && slot->number == number)
			return slot;
	}
	return NULL;
}

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
static int starts_with_nocase(const char *p, const char *end, const char *text)
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

/* First occurrence of text in [p, end), or NULL.  memchr() finds candidates
 * for the first byte, so a miss costs about one vectorised pass. */
static const char *find_text(const char *p, const char *end, const char *text)
{
	size_t n = strlen(text);

	while (left(p, end) >= n) {
		const char *hit = memchr(p, text[0], left(p, end) - n + 1);
		if (hit == NULL)
			return NULL;
		if (memcmp(hit + 1, text + 1, n - 1) == 0)
			return hit;
		p = hit + 1;
	}
	return NULL;
}

/* Last occurrence of text in [p, end), or NULL. */
static const char *find_last_text(const char *p, const char *end, const char *text)
{
	size_t n = strlen(text);

	if (left(p, end) < n)
		return NULL;
	for (const char *q = end - n;; q--) {
		if (*q == text[0] && memcmp(q, text, n) == 0)
			return q;
		if (q == p)
			return NULL;
	}
}

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
static smtpclass_span address_of(const char *p, const char *q)
{
	if (p < q && *p == '<')
		p++;
	if (q > p && q[-1] == '>')
		q--;
	return span_of(p, q);
}

/* The address at p written as <...> (up to the first '>') or bare (up to
 * a space, a comma or limit); *after receives where it ended. */
static smtpclass_span address_at(const char *p, const char *limit, const char **after)
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

/* The part of a recipient after its last '@', or absent. */
static smtpclass_span domain_of(smtpclass_span recipient)
{
	for (size_t i = recipient.len; i > 0; i--)
		if (recipient.ptr[i - 1] == '@')
			return span_of(recipient.ptr + i, recipient.ptr + recipient.len);
	return span_of(NULL, NULL);
}

/* 1 when p starts an SMTP reply code that reports an outcome: 2xx, 4xx or
 * 5xx, followed by a space, a dash or the end. */
static int is_reply_code(const char *p, const char *end)
{
	if (left(p, end) < 3 || (p[0] != '2' && p[0] != '4' && p[0] != '5'))
		return 0;
	if (p[1] < '0' || p[1] > '5' || !is_digit(p[2]))
		return 0;
	return left(p, end) == 3 || p[3] == ' ' || p[3] == '-';
}

/* The status a reply's class digit implies (generic lines). */
static smtpclass_log_status status_from_class(char digit)
{
	if (digit == '2')
		return SMTPCLASS_STATUS_SENT;
	if (digit == '4')
		return SMTPCLASS_STATUS_DEFERRED;
	return SMTPCLASS_STATUS_BOUNCED;
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

/* ---- Stages --------------------------------------------------------------- */

/* The stage named by a phrase as MTAs write it after "in reply to",
 * "while sending", "after", "in response to": "RCPT TO", "MAIL FROM",
 * "end of DATA", "DATA", "HELO x", "the initial server greeting", ... */
static smtpclass_stage stage_from_phrase(const char *p, const char *end)
{
	if (starts_with(p, end, "pipelined "))
		p += 10;
	if (starts_with(p, end, "the "))
		p += 4;
	if (starts_with_nocase(p, end, "RCPT TO"))
		return SMTPCLASS_STAGE_RCPT;
	if (starts_with_nocase(p, end, "MAIL FROM"))
		return SMTPCLASS_STAGE_MAIL;
	if (starts_with_nocase(p, end, "end of data"))
		return SMTPCLASS_STAGE_EOD;
	if (starts_with(p, end, "DATA") || starts_with(p, end, "BDAT") ||
	    starts_with(p, end, "message body") || starts_with(p, end, "message content") ||
	    starts_with(p, end, "sending data block"))
		return SMTPCLASS_STAGE_DATA;
	if (starts_with(p, end, "HELO") || starts_with(p, end, "EHLO") ||
	    starts_with(p, end, "LHLO"))
		return SMTPCLASS_STAGE_HELO;
	if (starts_with(p, end, "initial server greeting") ||
	    starts_with(p, end, "server greeting") || starts_with(p, end, "initial connection"))
		return SMTPCLASS_STAGE_CONNECT;
	return SMTPCLASS_STAGE_UNKNOWN;
}

/* The stage of an SMTP command word: "RCPT", "MAIL FROM:<x>", "EHLO",
 * "CONNECT", "END-OF-MESSAGE", ... (any case; VRFY, AUTH, ... are unknown). */
static smtpclass_stage stage_from_command(const char *p, const char *end)
{
	if (starts_with_nocase(p, end, "RCPT"))
		return SMTPCLASS_STAGE_RCPT;
	if (starts_with_nocase(p, end, "MAIL"))
		return SMTPCLASS_STAGE_MAIL;
	if (starts_with_nocase(p, end, "END-OF-MESSAGE"))
		return SMTPCLASS_STAGE_EOD;
	if (starts_with_nocase(p, end, "DATA") || starts_with_nocase(p, end, "BDAT"))
		return SMTPCLASS_STAGE_DATA;
	if (starts_with_nocase(p, end, "EHLO") || starts_with_nocase(p, end, "HELO") ||
	    starts_with_nocase(p, end, "LHLO"))
		return SMTPCLASS_STAGE_HELO;
	if (starts_with_nocase(p, end, "CONNECT"))
		return SMTPCLASS_STAGE_CONNECT;
	return SMTPCLASS_STAGE_UNKNOWN;
}

/* ---- Line header ---------------------------------------------------------- */

enum header_form {
	FORM_NONE,   /* no timestamp: a message-only line */
	FORM_SYSLOG, /* timestamp, host and program */
	FORM_EXIM,   /* Exim main log: "YYYY-MM-DD hh:mm:ss" and the message */
	FORM_CSV,    /* Exchange: ISO timestamp followed by a comma */
	FORM_TAI64N  /* multilog: "@4000..." */
};

/* What parse_header() learned from the start of a line. */
struct header {
	enum header_form form;
	smtpclass_span time;
	smtpclass_span host;
	smtpclass_span program; /* syslog tag without "[pid]" */
	const char *message;    /* where the MTA's own text starts */
};

/* End of "hh:mm:ss" with optional ".fraction" at p, or NULL. */
static const char *match_clock(const char *p, const char *end)
{
	if (left(p, end) < 8 || !is_digit(p[0]) || !is_digit(p[1]) || p[2] != ':' ||
	    !is_digit(p[3]) || !is_digit(p[4]) || p[5] != ':' || !is_digit(p[6]) || !is_digit(p[7]))
		return NULL;
	p += 8;
	if (left(p, end) >= 2 && *p == '.' && is_digit(p[1])) {
		p++;
		while (p < end && is_digit(*p))
			p++;
	}
	return p;
}

/* End of a classic syslog timestamp "Mon dd hh:mm:ss" (day space-padded or
 * not) at p, or NULL. */
static const char *match_syslog_stamp(const char *p, const char *end)
{
	const char *day;

	if (left(p, end) < 14 || !is_upper(p[0]) || !is_lower(p[1]) || !is_lower(p[2]) ||
	    p[3] != ' ')
		return NULL;
	p += 4;
	if (*p == ' ')
		p++;
	day = p;
	while (p < end && is_digit(*p) && p - day < 2)
		p++;
	if (p == day || p >= end || *p != ' ')
		return NULL;
	return match_clock(p + 1, end);
}

/* End of an ISO timestamp at p, or NULL.  *separator receives 'T' for RFC
 * 3339 (with optional zone "Z", "+hh:mm", "+hhmm") or ' ' for Exim's
 * "YYYY-MM-DD hh:mm:ss" (with optional " +hhmm"). */
static const char *match_iso_stamp(const char *p, const char *end, char *separator)
{
	const char *q;

	if (left(p, end) < 19 || !is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) ||
	    !is_digit(p[3]) || p[4] != '-' || !is_digit(p[5]) || !is_digit(p[6]) || p[7] != '-' ||
	    !is_digit(p[8]) || !is_digit(p[9]) || (p[10] != 'T' && p[10] != ' '))
		return NULL;
	q = match_clock(p + 11, end);
	if (q == NULL)
		return NULL;
	*separator = p[10];
	if (p[10] == 'T') {
		if (q < end && *q == 'Z')
			return q + 1;
		if (left(q, end) >= 5 && (*q == '+' || *q == '-') && is_digit(q[1]) &&
		    is_digit(q[2])) {
			q += 3;
			if (q < end && *q == ':')
				q++;
			if (left(q, end) >= 2 && is_digit(q[0]) && is_digit(q[1]))
				q += 2;
		}
		return q;
	}
	if (left(q, end) >= 6 && q[0] == ' ' && (q[1] == '+' || q[1] == '-') && is_digit(q[2]) &&
	    is_digit(q[3]) && is_digit(q[4]) && is_digit(q[5]))
		q += 6;
	return q;
}

/* Matches a syslog tag "name[pid]: " or "name: " at p (with require_pid,
 * only the first).  On success stores the name and where the message
 * starts, and returns 1. */
static int match_program(const char *p, const char *end, int require_pid, smtpclass_span *program,
                         const char **message)
{
	const char *q = p;
	const char *name_end;
	int has_pid = 0;

	while (q < end && byte_is(*q, BYTE_DIGIT | BYTE_LOWER | BYTE_UPPER | BYTE_TAG))
		q++;
	if (q == p || q - p > 64)
		return 0;
	name_end = q;
	if (q < end && *q == '[') {
		const char *digits = ++q;
		while (q < end && is_digit(*q))
			q++;
		if (q == digits || q >= end || *q != ']')
			return 0;
		q++;
		has_pid = 1;
	}
	if (require_pid && !has_pid)
		return 0;
	if (q >= end || *q != ':')
		return 0;
	q++;
	if (q < end) {
		if (*q != ' ')
			return 0;
		q++;
	}
	*program = span_of(p, name_end);
	*message = q;
	return 1;
}

/* Reads "[<facility.level> ]host program[pid]: " after a timestamp (q is
 * at the space after it).  With exim_stamp the tag must carry a pid and the
 * host may not hold '=' (so Exim's "U=CALLER Warning: ..." is no tag).
 * Returns 1 when a tag or at least a host was found. */
static int parse_host_and_program(const char *q, const char *end, int exim_stamp,
                                  struct header *header)
{
	const char *host_end;

	if (q >= end || *q != ' ')
		return 0;
	q++;
	if (q < end && *q == '<') {
		const char *close = find_byte(q, q + (left(q, end) < 32 ? left(q, end) : 32), '>');
		if (close != NULL && close + 1 < end && close[1] == ' ')
			q = close + 2;
	}
	/* Host names are short: a plain loop beats a memchr() call here. */
	host_end = q;
	while (host_end < end && *host_end != ' ')
		host_end++;
	if (host_end > q && host_end[-1] == ':')
		/* No host: the tag follows the timestamp. */
		return match_program(q, end, exim_stamp, &header->program, &header->message);
	if (host_end >= end)
		return 0;
	if (exim_stamp && find_byte(q, host_end, '=') != NULL)
		return 0;
	if (match_program(host_end + 1, end, exim_stamp, &header->program, &header->message)) {
		header->host = span_of(q, host_end);
		return 1;
	}
	if (exim_stamp)
		return 0;
	header->host = span_of(q, host_end);
	header->message = host_end + 1;
	return 1;
}

/* Splits the start of a line into timestamp, host, program and message. */
static void parse_header(const char *line, const char *end, struct header *header)
{
	const char *p = line;
	const char *q;
	char separator = 0;

	memset(header, 0, sizeof(*header));
	header->form = FORM_NONE;
	header->message = line;

	/* grep output: "/var/log/mail.info:Jul 7 ..." or "/path:123:..." */
	if (p < end && *p == '/') {
		const char *colon = find_byte(p, end, ':');
		if (colon != NULL) {
			const char *digits = colon + 1;
			p = digits;
			while (p < end && is_digit(*p))
				p++;
			if (p == digits || p >= end || *p != ':')
				p = digits;
			else
				p++;
		}
	}

	if (left(p, end) >= 26 && p[0] == '@' && p[1] == '4' && p[25] == ' ') {
		for (q = p + 1; q < p + 25 && is_hex(*q); q++)
			;
		if (q == p + 25) {
			header->form = FORM_TAI64N;
			header->time = span_of(p, q);
			header->message = q + 1;
			return;
		}
	}

	q = match_syslog_stamp(p, end);
	if (q != NULL) {
		header->form = FORM_SYSLOG;
		header->time = span_of(p, q);
		header->message = q < end ? q + 1 : q;
		parse_host_and_program(q, end, 0, header);
		return;
	}

	q = match_iso_stamp(p, end, &separator);
	if (q == NULL)
		return;
	header->time = span_of(p, q);
	if (separator == 'T') {
		if (q < end && *q == ',') {
			header->form = FORM_CSV;
			header->message = p;
			return;
		}
		header->form = FORM_SYSLOG;
		header->message = q < end ? q + 1 : q;
		parse_host_and_program(q, end, 0, header);
		return;
	}
	if (parse_host_and_program(q, end, 1, header)) {
		header->form = FORM_SYSLOG;
		return;
	}
	header->form = FORM_EXIM;
	header->host = span_of(NULL, NULL);
	header->program = span_of(NULL, NULL);
	q = q < end ? q + 1 : q;
	if (q < end && *q == '[') {
		const char *close = q + 1;
		while (close < end && is_digit(*close))
			close++;
		if (close > q + 1 && close < end && *close == ']')
			q = close + 1 < end ? close + 2 : close + 1;
	}
	header->message = q;
}

/* ---- Families ------------------------------------------------------------- */

/* Which parser a line goes to.  The first values equal smtpclass_mta. */
enum family {
	FAMILY_AUTO = SMTPCLASS_MTA_UNKNOWN,
	FAMILY_POSTFIX = SMTPCLASS_MTA_POSTFIX,
	FAMILY_EXIM = SMTPCLASS_MTA_EXIM,
	FAMILY_SENDMAIL = SMTPCLASS_MTA_SENDMAIL,
	FAMILY_OPENSMTPD = SMTPCLASS_MTA_OPENSMTPD,
	FAMILY_QMAIL = SMTPCLASS_MTA_QMAIL,
	FAMILY_EXCHANGE = SMTPCLASS_MTA_EXCHANGE,
	FAMILY_GENERIC = SMTPCLASS_MTA_GENERIC,
	FAMILY_COURIER /* reported as generic: the API has no Courier value */
};

/* The family a syslog program name belongs to, or FAMILY_AUTO. */
static enum family family_of_program(smtpclass_span program)
{
	const char *p = program.ptr;
	const char *end;

	if (program.len == 0)
		return FAMILY_AUTO;
	end = p + program.len;
	switch (*p) {
	case 'p':
		return starts_with(p, end, "postfix") ? FAMILY_POSTFIX : FAMILY_AUTO;
	case 'e':
		return starts_with(p, end, "exim") ? FAMILY_EXIM : FAMILY_AUTO;
	case 's':
		if (starts_with(p, end, "sendmail") || starts_with(p, end, "sm-"))
			return FAMILY_SENDMAIL;
		return program.len == 5 && memcmp(p, "smtpd", 5) == 0 ? FAMILY_OPENSMTPD
		                                                      : FAMILY_AUTO;
	case 'q':
		return starts_with(p, end, "qmail") ? FAMILY_QMAIL : FAMILY_AUTO;
	case 'c':
		return starts_with(p, end, "courier") ? FAMILY_COURIER : FAMILY_AUTO;
	default:
		return FAMILY_AUTO;
	}
}

/* ---- Postfix and Sendmail ("QID: to=...") --------------------------------- */

/* Length of a queue id at p ("717FD11E06F", "4YHkzF0Cq8z9vMV",
 * "6ARMZeMG031939", "NOQUEUE"), or 0.  When strict (the MTA is not known)
 * the id must hold a digit, so words like "warning" are not taken. */
static size_t queue_id_length(const char *p, const char *end, int strict)
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
	if (strict && !has_digit && !(q - p == 7 && memcmp(p, "NOQUEUE", 7) == 0))
		return 0;
	return (size_t)(q - p);
}

/* 1 when key[0..len) is the NUL-terminated name. */
static inline int key_is(const char *key, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* Finds the reply and the stage in the text of a Postfix "status=X (TEXT)":
 * "host H[IP] said: REPLY (in reply to RCPT TO command)", "host H[IP]
 * refused to talk to me: REPLY", optionally after "delivery temporarily
 * suspended: "; anything else is the reply as a whole, with the stage taken
 * from "... while sending RCPT TO" and the like. */
static void postfix_reply(const char *text, const char *end, smtpclass_log_record *out)
{
	const char *inner = text;
	const char *mark;

	if (starts_with(inner, end, "delivery temporarily suspended: "))
		inner += 32;
	if (starts_with(inner, end, "host ")) {
		const char *name_end = token_end(inner + 5, end);
		if (starts_with(name_end, end, " said: ")) {
			const char *reply = name_end + 7;
			const char *reply_end = end;
			mark = find_last_text(reply, end, " (in reply to ");
			if (mark != NULL) {
				out->stage = stage_from_phrase(mark + 14, end);
				reply_end = mark;
			}
			out->reply = span_of(reply, reply_end);
			return;
		}
		if (starts_with(name_end, end, " refused to talk to me: ")) {
			out->stage = SMTPCLASS_STAGE_CONNECT;
			out->reply = span_of(name_end + 24, end);
			return;
		}
	}
	out->reply = span_of(text, end);
	/* "lost connection with H while sending RCPT TO": Postfix's own
	 * words.  A text that opens with a reply code is the server's, and
	 * most are the "250 2.0.0 Ok" of sent lines: no stage to look for. */
	mark = is_reply_code(text, end) ? NULL : find_last_text(text, end, " while ");
	if (mark != NULL) {
		const char *phrase = mark + 7;
		if (starts_with(phrase, end, "sending "))
			phrase += 8;
		else if (starts_with(phrase, end, "receiving "))
			phrase += 10;
		else if (starts_with(phrase, end, "performing "))
			phrase += 11;
		out->stage = stage_from_phrase(phrase, end);
	}
}

/* The status of a Postfix status= word, or NONE (address verification's
 * "deliverable"/"undeliverable" are probes, not outcomes). */
static smtpclass_log_status postfix_status(const char *p, const char *end)
{
	size_t n = left(p, end);

	if (n == 4 && memcmp(p, "sent", 4) == 0)
		return SMTPCLASS_STATUS_SENT;
	if (n == 8 && memcmp(p, "deferred", 8) == 0)
		return SMTPCLASS_STATUS_DEFERRED;
	if (n == 10 && memcmp(p, "SOFTBOUNCE", 10) == 0)
		return SMTPCLASS_STATUS_DEFERRED;
	if (n == 7 && memcmp(p, "bounced", 7) == 0)
		return SMTPCLASS_STATUS_BOUNCED;
	if (n == 7 && memcmp(p, "expired", 7) == 0)
		return SMTPCLASS_STATUS_EXPIRED;
	if (n == 13 && memcmp(p, "force-expired", 13) == 0)
		return SMTPCLASS_STATUS_EXPIRED;
	return SMTPCLASS_STATUS_NONE;
}

/* Completes a Postfix delivery record from "status=WORD (TEXT)". */
static int finish_postfix(const char *status, const char *end, smtpclass_log_record *out)
{
	const char *word_end = status;

	while (word_end < end && *word_end != ' ' && *word_end != ',')
		word_end++;
	out->status = postfix_status(status, word_end);
	if (out->status == SMTPCLASS_STATUS_NONE)
		return 0;
	out->mta = SMTPCLASS_MTA_POSTFIX;
	if (starts_with(word_end, end, " (")) {
		const char *text = word_end + 2;
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
		out->status = SMTPCLASS_STATUS_SENT;
		if (!has_reply && starts_with(stat, end, "Sent (")) {
			const char *text = skip_spaces(stat + 6, end);
			const char *text_end = end;
			if (text_end > text && text_end[-1] == ')')
				text_end--;
			out->reply = span_of(text, text_end);
		}
		return 1;
	}
	if (starts_with(stat, end, "Deferred")) {
		out->status = SMTPCLASS_STATUS_DEFERRED;
		if (!has_reply)
			out->reply = starts_with(stat, end, "Deferred: ") ? span_of(stat + 10, end)
			                                                  : span_of(stat, end);
		return 1;
	}
	out->status = out->dsn.len > 0 && out->dsn.ptr[0] == '4' ? SMTPCLASS_STATUS_DEFERRED
	                                                         : SMTPCLASS_STATUS_BOUNCED;
	if (!has_reply)
		out->reply = span_of(stat, end);
	return 1;
}

/* Parses the "to=<r>, orig_to=<o>, relay=R, ..., dsn=D, status=S (TEXT)" of
 * Postfix and the "to=<r>, ctladdr=..., relay=R, dsn=D, reply=..., stat=S"
 * of Sendmail.  family says which is allowed (AUTO: either, by the key
 * found).  Of several comma-joined Sendmail recipients the first is kept. */
static int scan_recipient_fields(const char *p, const char *end, enum family family,
                                 smtpclass_log_record *out)
{
	while (p < end) {
		const char *key = p;
		const char *value;
		const char *value_end;
		size_t key_len;

		while (p < end && byte_is(*p, BYTE_LOWER | BYTE_KEY))
			p++;
		if (p == key || p >= end || *p != '=')
			break;
		key_len = (size_t)(p - key);
		value = p + 1;
		if (key_is(key, key_len, "status"))
			return family != FAMILY_SENDMAIL ? finish_postfix(value, end, out) : 0;
		if (key_is(key, key_len, "stat"))
			return family != FAMILY_POSTFIX ? finish_sendmail(value, end, out) : 0;
		if (key_is(key, key_len, "reply")) {
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
			if (key_is(key, key_len, "to"))
				out->recipient = address_at(value, value_end, NULL);
			else if (key_is(key, key_len, "relay"))
				out->relay = span_of(value, value_end);
			else if (key_is(key, key_len, "dsn"))
				out->dsn = span_of(value, value_end);
		}
		p = value_end;
		if (!starts_with(p, end, ", "))
			break;
		p += 2;
	}
	return 0;
}

/* Parses qmgr's "from=<s>, status=expired, returned to sender". */
static int scan_postfix_expired(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *status;
	const char *word_end;
	smtpclass_span sender = address_at(p + 5, end, &status);

	/* status= follows the sender at once; the "from=<s>, size=N" line of
	 * every queued message is turned away without a search. */
	if (!starts_with(status, end, ", status="))
		return 0;
	status += 9;
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
	const char *reply;
	const char *reply_end;
	const char *from;
	const char *to;

	while (command_end < end && *command_end != ' ' && *command_end != ':')
		command_end++;
	out->mta = SMTPCLASS_MTA_POSTFIX;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = stage_from_command(p, command_end);
	reply = end;
	if (starts_with(command_end, end, " from ")) {
		const char *client = command_end + 6;
		const char *client_end = find_text(client, end, ": ");
		out->relay = span_of(client, client_end != NULL ? client_end : end);
		if (client_end != NULL)
			reply = client_end + 2;
	} else if (starts_with(command_end, end, ": ")) {
		reply = command_end + 2;
	}
	reply_end = find_text(reply, end, "; from=");
	if (reply_end == NULL)
		reply_end = find_text(reply, end, "; to=");
	if (reply_end == NULL)
		reply_end = end;
	out->reply = span_of(reply, reply_end);
	/* " to=" and not "to=": "proto=" follows. */
	from = find_text(reply_end, end, " from=");
	if (from != NULL)
		out->sender = address_at(from + 6, end, NULL);
	to = find_text(reply_end, end, " to=");
	if (to != NULL)
		out->recipient = address_at(to + 4, end, NULL);
	return 1;
}

/* Parses Sendmail's "ruleset=check_rcpt, arg1=<r>, relay=h [IP],
 * reject=550 5.7.1 <r>... Relaying denied" (check_mail: sender in arg1,
 * check_relay: connection stage). */
static int scan_sendmail_ruleset(const char *p, const char *end, smtpclass_log_record *out)
{
	smtpclass_span ruleset = {NULL, 0};
	smtpclass_span argument = {NULL, 0};
	const char *rule_end;

	while (p < end) {
		const char *key = p;
		const char *value;
		const char *value_end;
		size_t key_len;

		while (p < end && (is_lower(*p) || is_digit(*p) || *p == '_'))
			p++;
		if (p == key || p >= end || *p != '=')
			return 0;
		key_len = (size_t)(p - key);
		value = p + 1;
		if (key_is(key, key_len, "reject")) {
			out->reply = span_of(value, end);
			break;
		}
		value_end = find_text(value, end, ", ");
		if (value_end == NULL)
			return 0;
		if (key_is(key, key_len, "ruleset"))
			ruleset = span_of(value, value_end);
		else if (key_is(key, key_len, "arg1"))
			argument = address_of(value, value_end);
		else if (key_is(key, key_len, "relay"))
			out->relay = span_of(value, value_end);
		p = value_end + 2;
	}
	if (p >= end || ruleset.len == 0)
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
	const char *close = find_text(p, end, ">... ");

	if (close == NULL)
		return 0;
	out->mta = SMTPCLASS_MTA_SENDMAIL;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = SMTPCLASS_STAGE_RCPT;
	out->recipient = address_of(p, close + 1);
	out->reply = span_of(close + 5, end);
	return 1;
}

/* Scans a message that starts with an optional queue id: the Postfix and
 * Sendmail lines that carry outcomes.  family is POSTFIX, SENDMAIL or AUTO
 * (message-only lines: the keys decide). */
static int scan_queue_line(const char *p, const char *end, enum family family,
                           smtpclass_log_record *out)
{
	size_t id_length = queue_id_length(p, end, family == FAMILY_AUTO);
	int found = 0;

	if (id_length > 0 && starts_with(p + id_length, end, ": ")) {
		if (!(id_length == 7 && memcmp(p, "NOQUEUE", 7) == 0))
			out->queue_id = span_of(p, p + id_length);
		p += id_length + 2;
	}
	if (p >= end)
		return 0;
	/* The first byte picks the one prefix worth comparing: this is the
	 * path every Postfix noise line takes. */
	switch (*p) {
	case 't':
		if (starts_with(p, end, "to="))
			found = scan_recipient_fields(p, end, family, out);
		break;
	case 'f':
		if (family != FAMILY_SENDMAIL && starts_with(p, end, "from="))
			found = scan_postfix_expired(p, end, out);
		break;
	case 'r':
		if (family != FAMILY_SENDMAIL && starts_with(p, end, "reject: "))
			found = scan_postfix_reject(p + 8, end, out);
		else if (family != FAMILY_POSTFIX && starts_with(p, end, "ruleset="))
			found = scan_sendmail_ruleset(p, end, out);
		break;
	case 'm':
		if (family != FAMILY_SENDMAIL && starts_with(p, end, "milter-reject: "))
			found = scan_postfix_reject(p + 15, end, out);
		break;
	case 'p':
		if (family != FAMILY_SENDMAIL && starts_with(p, end, "proxy-reject: "))
			found = scan_postfix_reject(p + 14, end, out);
		break;
	case '<':
		if (family != FAMILY_POSTFIX)
			found = scan_sendmail_address_error(p, end, out);
		break;
	default:
		break;
	}
	return found;
}

/* ---- Exim ----------------------------------------------------------------- */

/* End of an Exim message id at p ("1xX3v5-00007e-1t", "1QRQYT-00033F-G2",
 * "10HmaX-000000005vi-0000") followed by a space or the end, or NULL. */
static const char *match_exim_id(const char *p, const char *end)
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

/* Where a trailing " DT=0s" (and other " KEY=duration" deliver_time style
 * fields: one to three capitals, '=', a digit) starts, else end. */
static const char *strip_duration_fields(const char *text, const char *end)
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
	const char *after = NULL;
	const char *mark;

	end = strip_duration_fields(text, end);
	out->reply = span_of(text, end);
	if (starts_with(text, end, "SMTP error from remote mail server after "))
		after = text + 41;
	else if (starts_with(text, end, "LMTP error after ") ||
	         starts_with(text, end, "PRDR error after "))
		after = text + 17;

	if (after != NULL) {
		const char *stage_end = after;
		const char *colon;
		out->stage = stage_from_phrase(after, end);
		if (out->stage == SMTPCLASS_STAGE_RCPT || out->stage == SMTPCLASS_STAGE_MAIL) {
			const char *close = find_byte(after, end, '>');
			if (close != NULL)
				stage_end = close;
		}
		colon = find_text(stage_end, end, ": ");
		if (colon != NULL) {
			const char *reply = colon + 2;
			if (starts_with(reply, end, "host ")) {
				const char *close = find_text(reply, end, "]: ");
				if (close != NULL) {
					if (out->relay.len == 0)
						out->relay = span_of(reply + 5, close + 1);
					reply = close + 3;
				}
			}
			out->reply = span_of(reply, end);
		}
	} else if ((mark = find_text(text, end, "in response to ")) != NULL) {
		out->stage = stage_from_phrase(mark + 15, end);
		if (starts_with(text, end, "Malformed SMTP reply")) {
			const char *colon = find_text(mark, end, ": ");
			if (colon != NULL)
				out->reply = span_of(colon + 2, end);
		}
	} else if ((mark = find_text(text, end, "timeout after ")) != NULL) {
		out->stage = stage_from_phrase(mark + 14, end);
	}
	mark_escaped_newlines(out);
}

/* Parses an Exim delivery line after its flag: "addr [<orig>] F=<s> R=r
 * T=t H=host [IP]:port ... : TEXT" for ** and ==, "... C="250 ..."" for =>
 * -> and >>.  Fields are read as space-separated tokens, quotes kept
 * whole; the token ending in ':' (or a lone ':') starts the text. */
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

		if (starts_with(token, value_end, "F=<")) {
			out->sender = address_of(token + 2, value_end);
		} else if (starts_with(token, value_end, "C=\"")) {
			const char *close = value_end;
			if (close > token + 3 && close[-1] == '"')
				close--;
			confirmation = span_of(token + 3, close);
		} else if (starts_with(token, value_end, "H=")) {
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
			out->relay = span_of(token + 2, relay_end);
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
 * points at "rejected " inside [p, end). */
static int scan_exim_reject(const char *p, const char *end, const char *rejected,
                            smtpclass_log_record *out)
{
	const char *q = rejected + 9;
	const char *host;
	const char *sender;
	const char *colon;

	out->mta = SMTPCLASS_MTA_EXIM;
	out->status = SMTPCLASS_STATUS_REJECTED;

	host = starts_with(p, rejected, "H=") ? p : find_text(p, rejected, " H=");
	if (host != NULL) {
		const char *value = host + (*host == ' ' ? 3 : 2);
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
	sender = starts_with(p, rejected, "F=") ? p : find_text(p, rejected, " F=");
	if (sender != NULL)
		out->sender = address_at(sender + (*sender == ' ' ? 3 : 2), rejected, NULL);

	if (starts_with(q, end, "RCPT ")) {
		out->stage = SMTPCLASS_STAGE_RCPT;
		q += 5;
		if (q < end && *q == '<')
			out->recipient = address_at(q, end, &q);
	} else if (starts_with(q, end, "MAIL ")) {
		out->stage = SMTPCLASS_STAGE_MAIL;
		q += 5;
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

	colon = find_text(q, end, ": ");
	if (colon != NULL) {
		const char *text = colon + 2;
		const char *inner =
		    find_text(text, end, "SMTP error from remote mail server after ");
		if (inner != NULL) {
			/* A callout: the remote's reply is the one passed on. */
			smtpclass_stage stage = out->stage;
			smtpclass_span relay = out->relay;
			exim_failure_text(inner, end, out);
			out->stage = stage;
			out->relay = relay;
		} else {
			out->reply = span_of(text, strip_duration_fields(text, end));
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
	const char *id_end = match_exim_id(p, end);
	const char *rejected;

	if (id_end != NULL) {
		out->queue_id = span_of(p, id_end);
		p = id_end < end ? id_end + 1 : id_end;
	}
	if (left(p, end) >= 3 && p[2] == ' ') {
		if (p[0] == '*' && p[1] == '*')
			return scan_exim_delivery(p + 3, end, SMTPCLASS_STATUS_BOUNCED, out);
		if (p[0] == '=' && p[1] == '=')
			return scan_exim_delivery(p + 3, end, SMTPCLASS_STATUS_DEFERRED, out);
		if ((p[0] == '=' || p[0] == '-' || p[0] == '>') && p[1] == '>')
			return scan_exim_delivery(p + 3, end, SMTPCLASS_STATUS_SENT, out);
		if (p[0] == '<' && p[1] == '=')
			return 0;
	}
	rejected = starts_with(p, end, "rejected ") ? p : find_text(p, end, " rejected ");
	if (rejected != NULL) {
		if (*rejected == ' ')
			rejected++;
		return scan_exim_reject(p, end, rejected, out);
	}
	return 0;
}

/* ---- OpenSMTPD ------------------------------------------------------------ */

/* The span [p, q) without the double quotes around it (the closing one
 * may be missing on a cut line). */
static smtpclass_span unquoted(const char *p, const char *q)
{
	if (p < q && *p == '"') {
		p++;
		if (q > p && q[-1] == '"')
			q--;
	}
	return span_of(p, q);
}

/* Parses "mta delivery evpid=E from=<s> to=<r> rcpt=<-> source="IP"
 * relay="IP (name)" delay=1s result="TempFail" stat="REPLY"" (also the mda
 * form); delivery points at "delivery evpid=". */
static int opensmtpd_delivery(const char *p, const char *end, smtpclass_log_record *out)
{
	smtpclass_span result = {NULL, 0};

	p += 9;
	while (p < end) {
		const char *key = p;
		const char *value;
		const char *value_end;
		size_t key_len;

		while (p < end && (is_lower(*p) || *p == '_' || *p == '-'))
			p++;
		if (p == key || p >= end || *p != '=')
			break;
		key_len = (size_t)(p - key);
		value = p + 1;
		if (key_is(key, key_len, "stat")) {
			/* The last field; its text may hold quotes itself. */
			out->reply = unquoted(value, end);
			break;
		}
		if (value < end && *value == '"') {
			const char *close = find_byte(value + 1, end, '"');
			value_end = close != NULL ? close + 1 : end;
		} else if (value < end && *value == '<') {
			const char *close = find_byte(value, end, '>');
			value_end = close != NULL ? close + 1 : end;
		} else {
			value_end = token_end(value, end);
		}
		if (key_is(key, key_len, "evpid"))
			out->queue_id = span_of(value, value_end);
		else if (key_is(key, key_len, "from"))
			out->sender = address_of(value, value_end);
		else if (key_is(key, key_len, "to"))
			out->recipient = address_of(value, value_end);
		else if (key_is(key, key_len, "relay"))
			out->relay = unquoted(value, value_end);
		else if (key_is(key, key_len, "result"))
			result = unquoted(value, value_end);
		p = skip_spaces(value_end, end);
	}
	if (key_is(result.ptr, result.len, "Ok"))
		out->status = SMTPCLASS_STATUS_SENT;
	else if (key_is(result.ptr, result.len, "TempFail"))
		out->status = SMTPCLASS_STATUS_DEFERRED;
	else if (key_is(result.ptr, result.len, "PermFail") ||
	         key_is(result.ptr, result.len, "Loop"))
		out->status = SMTPCLASS_STATUS_BOUNCED;
	else
		return 0;
	out->mta = SMTPCLASS_MTA_OPENSMTPD;
	return 1;
}

/* Fills a rejected record from an OpenSMTPD client command and our reply. */
static int opensmtpd_failed_command(const char *command, const char *command_end, const char *reply,
                                    const char *reply_end, smtpclass_log_record *out)
{
	const char *bracket;

	out->mta = SMTPCLASS_MTA_OPENSMTPD;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = stage_from_command(command, command_end);
	bracket = find_byte(command, command_end, '<');
	if (bracket != NULL && out->stage == SMTPCLASS_STAGE_RCPT)
		out->recipient = address_at(bracket, command_end, NULL);
	else if (bracket != NULL && out->stage == SMTPCLASS_STAGE_MAIL)
		out->sender = address_at(bracket, command_end, NULL);
	out->reply = span_of(reply, reply_end);
	return 1;
}

/* Scans the message of an OpenSMTPD smtpd line. */
static int scan_opensmtpd(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *mark = find_text(p, end, "delivery evpid=");

	if (mark != NULL)
		return opensmtpd_delivery(mark, end, out);
	mark = find_text(p, end, "Failed command on session ");
	if (mark != NULL) {
		/* smtp-in: Failed command on session X: "MAIL FROM:<a>  " => 421 ... */
		const char *quote = find_byte(mark, end, '"');
		const char *arrow;
		if (quote == NULL)
			return 0;
		arrow = find_text(quote + 1, end, "\" => ");
		if (arrow == NULL)
			return 0;
		return opensmtpd_failed_command(quote + 1, arrow, arrow + 5, end, out);
	}
	mark = find_text(p, end, "failed-command command=\"");
	if (mark != NULL) {
		/* OpenSMTPD 6.4+: failed-command command="RCPT TO:<a>" result="550 ..." */
		const char *command = mark + 24;
		const char *result = find_text(command, end, "\" result=\"");
		const char *result_end = end;
		if (result == NULL)
			return 0;
		if (result_end > result + 10 && result_end[-1] == '"')
			result_end--;
		return opensmtpd_failed_command(command, result, result + 10, result_end, out);
	}
	return 0;
}

/* ---- qmail ---------------------------------------------------------------- */

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

	if (starts_with(p, end, "starting delivery ")) {
		const char *to;
		const char *address_end;
		q = p + 18;
		if (memory == NULL || !parse_number(&q, end, &number))
			return 0;
		to = find_text(q, end, " to remote ");
		if (to == NULL)
			to = find_text(q, end, " to local ");
		if (to == NULL)
			return 0;
		to += to[4] == 'r' ? 11 : 10;
		address_end = token_end(to, end);
		if (address_end > to)
			qmail_remember(memory, number, to, (size_t)(address_end - to));
		return 0;
	}

	if (starts_with(p, end, "delivery ")) {
		smtpclass_log_status status;
		const char *text;
		const char *said;
		q = p + 9;
		if (!parse_number(&q, end, &number) || !starts_with(q, end, ": "))
			return 0;
		q += 2;
		if (starts_with(q, end, "success: ")) {
			status = SMTPCLASS_STATUS_SENT;
			text = q + 9;
		} else if (starts_with(q, end, "deferral: ")) {
			status = SMTPCLASS_STATUS_DEFERRED;
			text = q + 10;
		} else if (starts_with(q, end, "failure: ")) {
			status = SMTPCLASS_STATUS_BOUNCED;
			text = q + 9;
		} else {
			return 0;
		}
		out->mta = SMTPCLASS_MTA_QMAIL;
		out->status = status;
		out->stage = qmail_stage(text, end);
		out->reply_form = SMTPCLASS_LOG_REPLY_UNDERSCORES;
		said = find_text(text, end, "Remote_host_said:_");
		if (said != NULL) {
			const char *reply = said + 18;
			const char *giving_up = find_text(reply, end, "/Giving_up_on_");
			out->reply = span_of(reply, giving_up != NULL ? giving_up + 1 : end);
		} else {
			out->reply = span_of(text, end);
		}
		if (memory != NULL) {
			struct qmail_slot *slot = qmail_recall(memory, number);
			if (slot != NULL) {
				out->recipient =
				    span_of(slot->address, slot->address + slot->length);
				/* The delivery is over; its bytes stay valid until the
				 * next call, as the API promises. */
				slot->stamp = 0;
			}
		}
		return 1;
	}

	if (starts_with(p, end, "rblsmtpd: ")) {
		/* rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://... */
		const char *address = p + 10;
		const char *address_end = token_end(address, end);
		const char *colon = find_text(address_end, end, ": ");
		if (colon == NULL)
			return 0;
		out->mta = SMTPCLASS_MTA_QMAIL;
		out->status = SMTPCLASS_STATUS_REJECTED;
		out->stage = SMTPCLASS_STAGE_CONNECT;
		out->relay = span_of(address, address_end);
		out->reply = span_of(colon + 2, end);
		return 1;
	}
	return 0;
}

/* ---- Exchange ------------------------------------------------------------- */

enum { EXCHANGE_FIELDS = 24 };

/* Reads one CSV field at p into *field (quotes removed, "" left as is) and
 * returns where the next field starts, or NULL after the last field. */
static const char *csv_field(const char *p, const char *end, smtpclass_span *field)
{
	const char *comma;

	if (p < end && *p == '"') {
		const char *q = p + 1;
		for (;;) {
			const char *quote = find_byte(q, end, '"');
			if (quote == NULL) {
				*field = span_of(p + 1, end);
				return NULL;
			}
			if (quote + 1 < end && quote[1] == '"') {
				q = quote + 2;
				continue;
			}
			*field = span_of(p + 1, quote);
			comma = find_byte(quote + 1, end, ',');
			return comma != NULL ? comma + 1 : NULL;
		}
	}
	comma = find_byte(p, end, ',');
	*field = span_of(p, comma != NULL ? comma : end);
	return comma != NULL ? comma + 1 : NULL;
}

/* 1 when the span is a GUID like "0b7099ea-cb95-1234-328e-08dc5f139ac8". */
static int is_guid(smtpclass_span span)
{
	static const size_t dashes[] = {8, 13, 18, 23};

	if (span.len != 36)
		return 0;
	for (size_t i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++)
		if (span.ptr[dashes[i]] != '-')
			return 0;
	return 1;
}

/* The status of a message tracking event-id, or NONE. */
static smtpclass_log_status exchange_event_status(smtpclass_span event)
{
	if (key_is(event.ptr, event.len, "FAIL"))
		return SMTPCLASS_STATUS_BOUNCED;
	if (key_is(event.ptr, event.len, "DEFER"))
		return SMTPCLASS_STATUS_DEFERRED;
	/* A failed shadow-redundancy redirect: the message is still queued. */
	if (key_is(event.ptr, event.len, "HAREDIRECTFAIL"))
		return SMTPCLASS_STATUS_DEFERRED;
	if (key_is(event.ptr, event.len, "SEND") || key_is(event.ptr, event.len, "SENDEXTERNAL"))
		return SMTPCLASS_STATUS_SENT;
	return SMTPCLASS_STATUS_NONE;
}

/* Scans an Exchange CSV line.  Message tracking: date-time, client-ip,
 * client-hostname, server-ip, server-hostname, source-context,
 * connector-id, source, event-id, internal-message-id, message-id,
 * [network-message-id (2013+)], recipient-address, recipient-status, ...
 * SMTP protocol logs ("time,connector,session,seq,local,remote,event,data")
 * count when data is a 4xx/5xx reply: ours ('>') is a rejection, the
 * remote's ('<') a deferral or bounce. */
static int scan_exchange(const char *p, const char *end, smtpclass_log_record *out)
{
	smtpclass_span fields[EXCHANGE_FIELDS];
	size_t count = 0;
	smtpclass_log_status status;
	size_t shift;

	if (p < end && *p == '#')
		return 0;
	while (p != NULL && count < EXCHANGE_FIELDS)
		p = csv_field(p, end, &fields[count++]);

	if (count >= 8 && fields[6].len == 1 && (*fields[6].ptr == '>' || *fields[6].ptr == '<')) {
		const char *data = fields[7].ptr;
		if (fields[7].len == 0 || !is_reply_code(data, data + fields[7].len) ||
		    data[0] == '2')
			return 0;
		out->mta = SMTPCLASS_MTA_EXCHANGE;
		out->time = fields[0];
		out->status =
		    *fields[6].ptr == '>' ? SMTPCLASS_STATUS_REJECTED : status_from_class(data[0]);
		out->relay = fields[5];
		out->reply = fields[7];
		return 1;
	}

	if (count < 14)
		return 0;
	status = exchange_event_status(fields[8]);
	if (status == SMTPCLASS_STATUS_NONE)
		return 0;
	shift = is_guid(fields[11]) ? 1 : 0;
	out->mta = SMTPCLASS_MTA_EXCHANGE;
	out->status = status;
	out->time = fields[0];
	out->host = fields[4];
	out->queue_id = fields[9];
	if (fields[11 + shift].len > 0) {
		const char *list = fields[11 + shift].ptr;
		const char *list_end = list + fields[11 + shift].len;
		const char *semicolon = find_byte(list, list_end, ';');
		out->recipient = address_of(list, semicolon != NULL ? semicolon : list_end);
	}
	out->reply = fields[12 + shift];
	if (count > 18 + shift)
		out->sender = fields[18 + shift];
	return 1;
}

/* ---- Courier -------------------------------------------------------------- */

/* Scans courieresmtpd's "error,relay=IP,[ident=x,]from=<s>,to=<r>: REPLY":
 * a reply this server sent.  Reported as mta generic (the API has no
 * Courier value). */
static int scan_courier(const char *p, const char *end, smtpclass_log_record *out)
{
	const char *text = NULL;
	int has_from = 0;
	int has_to = 0;

	if (!starts_with(p, end, "error,"))
		return 0;
	p += 6;
	while (p < end) {
		const char *key = p;
		const char *value;
		const char *value_end;
		size_t key_len;

		while (p < end && is_lower(*p))
			p++;
		if (p == key || p >= end || *p != '=')
			break;
		key_len = (size_t)(p - key);
		value = p + 1;
		if (value < end && (*value == '<' || *value == '"')) {
			const char *close = find_byte(value + 1, end, *value == '<' ? '>' : '"');
			value_end = close != NULL ? close + 1 : end;
		} else {
			value_end = value;
			while (value_end < end && *value_end != ',' &&
			       !(*value_end == ':' && value_end + 1 < end && value_end[1] == ' '))
				value_end++;
		}
		if (key_is(key, key_len, "relay")) {
			out->relay = span_of(value, value_end);
		} else if (key_is(key, key_len, "from")) {
			out->sender = address_of(value, value_end);
			has_from = 1;
		} else if (key_is(key, key_len, "to")) {
			out->recipient = address_of(value, value_end);
			has_to = 1;
		}
		p = value_end;
		if (starts_with(p, end, ": ")) {
			text = p + 2;
			break;
		}
		if (p >= end || *p != ',')
			break;
		p++;
	}
	/* Without from= or to= (an AUTH failure: msg="535 ...") no mail was
	 * refused. */
	if (!(has_from || has_to) || text == NULL)
		return 0;
	out->reply = span_of(text, end);
	out->mta = SMTPCLASS_MTA_GENERIC;
	out->status = SMTPCLASS_STATUS_REJECTED;
	out->stage = has_to ? SMTPCLASS_STAGE_RCPT : SMTPCLASS_STAGE_MAIL;
	return 1;
}

/* ---- Generic -------------------------------------------------------------- */

/* Markers after which MTAs without a parser of their own quote a reply. */
static const char *const generic_markers[] = {
    " said: ", "reply=", "reply: ", "=> ", "[SMTP Error] ", "di=\""};

/* Scans any line for a reply code right after a known marker; the status
 * comes from the class digit. */
static int scan_generic(const char *p, const char *end, smtpclass_log_record *out)
{
	for (size_t i = 0; i < sizeof(generic_markers) / sizeof(generic_markers[0]); i++) {
		const char *marker = find_text(p, end, generic_markers[i]);
		const char *reply;
		const char *reply_end = end;

		if (marker == NULL)
			continue;
		reply = marker + strlen(generic_markers[i]);
		if (!is_reply_code(reply, end))
			continue;
		if (generic_markers[i][strlen(generic_markers[i]) - 1] == '"') {
			const char *quote = find_byte(reply, end, '"');
			if (quote != NULL)
				reply_end = quote;
		}
		out->mta = SMTPCLASS_MTA_GENERIC;
		out->status = status_from_class(reply[0]);
		out->reply = span_of(reply, reply_end);
		return 1;
	}
	return 0;
}

/* ---- Dispatch ------------------------------------------------------------- */

/* Scans a line whose MTA neither the header nor the state named: the shape
 * of the message decides, and only what no MTA parser claims goes to the
 * generic markers. */
static int scan_auto(const char *p, const char *end, struct scan_memory *memory,
                     smtpclass_log_record *out)
{
	size_t id_length;
	const char *q;

	if (left(p, end) >= 3 && p[2] == ' ' &&
	    ((p[0] == '*' && p[1] == '*') || (p[0] == '=' && p[1] == '=') ||
	     (p[0] == '=' && p[1] == '>') || (p[0] == '-' && p[1] == '>')))
		return scan_exim(p, end, out);
	if (match_exim_id(p, end) != NULL)
		return scan_exim(p, end, out);

	q = p;
	while (q < end && (is_digit(*q) || *q == '.'))
		q++;
	if (q < end && *q == ' ')
		q++;
	else
		q = p;
	if (starts_with(q, end, "starting delivery ") || starts_with(q, end, "delivery ") ||
	    starts_with(q, end, "rblsmtpd: "))
		return scan_qmail(p, end, memory, out);

	id_length = queue_id_length(p, end, 1);
	if ((id_length > 0 && starts_with(p + id_length, end, ": ")) ||
	    starts_with(p, end, "to=") || starts_with(p, end, "reject: ") ||
	    starts_with(p, end, "milter-reject: ") || starts_with(p, end, "proxy-reject: ") ||
	    starts_with(p, end, "ruleset="))
		return scan_queue_line(p, end, FAMILY_AUTO, out);

	if (starts_with(p, end, "smtp-in: ") || find_text(p, end, " delivery evpid=") != NULL ||
	    find_text(p, end, " failed-command command=") != NULL)
		return scan_opensmtpd(p, end, out);

	if (starts_with(p, end, "error,relay="))
		return scan_courier(p, end, out);
	return scan_generic(p, end, out);
}

/* What *out holds when a line reports nothing. */
static const smtpclass_log_record empty_record;

/* Runs the parser of one family on the message of a line. */
static int dispatch(enum family family, const char *line, const struct header *header,
                    const char *end, struct scan_memory *memory, smtpclass_log_record *out)
{
	const char *message = header->message;

	switch (family) {
	case FAMILY_POSTFIX:
	case FAMILY_SENDMAIL:
		return scan_queue_line(message, end, family, out);
	case FAMILY_EXIM:
		return scan_exim(message, end, out);
	case FAMILY_OPENSMTPD:
		return scan_opensmtpd(message, end, out);
	case FAMILY_QMAIL:
		return scan_qmail(message, end, memory, out);
	case FAMILY_EXCHANGE:
		return scan_exchange(header->form == FORM_CSV ? message : line, end, out);
	case FAMILY_GENERIC:
		return scan_generic(message, end, out);
	case FAMILY_COURIER:
		if (scan_courier(message, end, out))
			return 1;
		return scan_generic(message, end, out);
	case FAMILY_AUTO:
		break;
	}
	return scan_auto(message, end, memory, out);
}

/*
 * Looks for a delivery outcome in one log line of len bytes (a trailing CR
 * or LF is ignored).  Returns 1 and fills *out when the line reports one;
 * returns 0 and leaves *out zeroed for noise and for lines that only feed
 * the state (qmail "starting delivery").  state may be NULL (no forced MTA,
 * no qmail recipients).  Never reads outside line[0..len), never allocates.
 */
/*
 * Skips what log shippers put before the line proper: leading blanks (the
 * message part rsyslog hands to mmexternal starts with the space that
 * followed the tag) and a syslog priority "<22>" (RFC 3164 s4.1.1, as in
 * rsyslog's rawmsg).
 */
static const char *skip_transport_prefix(const char *line, const char *end)
{
	const char *p;

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (line < end && *line == '<') {
		for (p = line + 1; p < end && p - line <= 4 && *p >= '0' && *p <= '9'; p++)
			;
		if (p > line + 1 && p < end && *p == '>')
			line = p + 1;
	}
	return line;
}

int smtpclass_log_scan(const char *line, size_t len, smtpclass_log_state *state,
                       smtpclass_log_record *out)
{
	struct header header;
	struct scan_memory *memory = NULL;
	enum family family = FAMILY_AUTO;
	const char *end;

	if (out == NULL)
		return 0;
	/* A copy of a zero record compiles to a few vector stores; memset()
	 * of this size became "rep stos", a tenth of the time per line. */
	*out = empty_record;
	if (line == NULL)
		return 0;
	end = line + len;
	while (end > line && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	line = skip_transport_prefix(line, end);

	parse_header(line, end, &header);
	if (state != NULL) {
		memory = (struct scan_memory *)(void *)state->opaque;
		if (state->forced_mta > SMTPCLASS_MTA_UNKNOWN &&
		    state->forced_mta <= SMTPCLASS_MTA_GENERIC)
			family = (enum family)state->forced_mta;
	}
	if (family == FAMILY_AUTO) {
		if (header.form == FORM_CSV)
			family = FAMILY_EXCHANGE;
		else if (header.form == FORM_EXIM)
			family = FAMILY_EXIM;
		else if (header.form == FORM_TAI64N)
			family = FAMILY_QMAIL;
		else
			family = family_of_program(header.program);
	}

	out->time = header.time;
	out->host = header.host;
	if (!dispatch(family, line, &header, end, memory, out)) {
		*out = empty_record;
		return 0;
	}
	out->domain = domain_of(out->recipient);
	return 1;
}

/*
 * Copies the record's reply into buf as a plain reply: Exim's literal "\n"
 * (a run of backslashes and an 'n') becomes one space; for qmail '_' and
 * '/' become spaces and a trailing '/' is dropped.  Writes at most size
 * bytes, no NUL, and returns the number written.
 */
size_t smtpclass_log_reply_normalise(const smtpclass_log_record *record, char *buf, size_t size)
{
	const char *p;
	const char *end;
	size_t written = 0;

	if (record == NULL || buf == NULL || record->reply.ptr == NULL)
		return 0;
	p = record->reply.ptr;
	end = p + record->reply.len;
	if (record->reply_form == SMTPCLASS_LOG_REPLY_PLAIN) {
		/* Most replies (Postfix, Sendmail) are copied as they are. */
		written = record->reply.len < size ? record->reply.len : size;
		memcpy(buf, p, written);
		return written;
	}
	if (record->reply_form == SMTPCLASS_LOG_REPLY_UNDERSCORES && end > p && end[-1] == '/')
		end--;
	while (p < end && written < size) {
		char c = *p++;
		if (record->reply_form == SMTPCLASS_LOG_REPLY_ESCAPED_NEWLINES && c == '\\') {
			const char *q = p;
			while (q < end && *q == '\\')
				q++;
			if (q < end && *q == 'n') {
				p = q + 1;
				c = ' ';
			}
		} else if (record->reply_form == SMTPCLASS_LOG_REPLY_UNDERSCORES &&
		           (c == '_' || c == '/')) {
			c = ' ';
		}
		buf[written++] = c;
	}
	return written;
}

int smtpclass_log_has_header(const char *line, size_t len)
{
	struct header header;
	const char *end;

	if (line == NULL)
		return 0;
	end = line + len;
	line = skip_transport_prefix(line, end);
	parse_header(line, end, &header);
	return header.form != FORM_NONE || queue_id_length(line, end, 1) > 0;
}
