/*
 * logscan.c: finds delivery outcomes (and the SMTP replies behind them) in
 * mail log lines of Postfix, Exim, Sendmail, OpenSMTPD, qmail, Exchange and
 * Courier, with a generic fallback for any line that quotes a reply.
 *
 * Design.  A log is mostly noise (connects, TLS, queue manager chatter) and
 * can be hundreds of megabytes, so the scanner is a cheap dispatcher in
 * front of small per-MTA scanners, one file each (postfix.c, exim.c, ...):
 *
 *   1. parse_header() reads the line prefix once: a grep "file:" prefix, the
 *      timestamp (syslog, RFC 3339, Exim, tai64n, Exchange CSV), the host
 *      and the syslog program name (parse_rfc5424() the fields of an RFC
 *      5424 header instead).  It looks at the first ~60 bytes only.
 *   2. The program name (or the form of the timestamp, or the state's forced
 *      MTA) picks exactly one row of the MTA registry below, and that row's
 *      scanner.  A Postfix noise line is then turned down after a few bytes
 *      of its message ("QID: client=" is not "QID: to=").  Only lines of
 *      unknown origin pay for scan_auto() and the marker search of the
 *      generic scanner, and a line of a known MTA never falls through to
 *      it: "QID: host X said: ..." duplicates a status= line and must not be
 *      counted twice.
 *   3. The chosen scanner walks the line left to right, once, and records
 *      spans.  Searches are bounded by the end of the line: lines may be cut
 *      at any byte, hold NUL bytes or invalid UTF-8, and are never assumed to
 *      be NUL-terminated.
 *
 * The registry is the one list of MTAs: smtpclass_mta_name(),
 * smtpclass_mta_from_name() (so --mta), the bound of a forced MTA and the
 * program lookup come from it.  Adding an MTA is: a scanner file (with its
 * design note) listed in SMTPCLASS_LOGSCAN_SOURCES, a row here, the next
 * pinned value in smtpclass.h and SMTPCLASS_MTA_COUNT one up (a
 * static_assert checks the two agree), rows in tests/test_logscan.c, and
 * the name in --help, the completions, the man page and the README
 * (test_mtas_documented and completions/check.sh fail until it is there).
 *
 * Every span points into the caller's line, except qmail recipients and
 * the last reply of an expired Postfix message, which qmail.c and
 * postfix.c keep in the caller-owned state.  Nothing allocates and nothing is
 * global.
 */
#include "logscan_internal.h"

#include <assert.h>

/* ---- The MTA registry ----------------------------------------------------- */

/* A syslog program name that picks an MTA: the tag as a whole, or (prefix)
 * any tag that starts with it ("postfix" for "postfix/smtp"). */
struct program_name {
	const char *text; /* NULL ends the list */
	size_t length;
	int prefix;
};

/* One MTA the scanner knows. */
struct mta_entry {
	const char *name; /* smtpclass_mta_name() and --mta; NULL for UNKNOWN */
	struct program_name programs[3];
	sc_log_scanner *scan;
	int then_generic; /* lines scan turns down go to the generic markers */
};

/* Indexed by smtpclass_mta (the values are pinned in smtpclass.h).  The
 * Exchange and generic rows have no program name: the CSV form of the line
 * and scan_auto() pick them.  Courier's lines other than its refusals may
 * still quote a reply, so they go on to the generic markers. */
/* clang-format off */
static const struct mta_entry mtas[] = {
    /*                          name         syslog programs          scanner       then_generic */
    [SMTPCLASS_MTA_UNKNOWN]   = {NULL,        {{NULL, 0, 0}},          NULL,              0},
    [SMTPCLASS_MTA_POSTFIX]   = {"postfix",   {{LIT("postfix"), 1}},   sc_scan_postfix,   0},
    [SMTPCLASS_MTA_EXIM]      = {"exim",      {{LIT("exim"), 1}},      sc_scan_exim,      0},
    [SMTPCLASS_MTA_SENDMAIL]  = {"sendmail",  {{LIT("sendmail"), 1},
                                               {LIT("sm-"), 1}},       sc_scan_sendmail,  0},
    [SMTPCLASS_MTA_OPENSMTPD] = {"opensmtpd", {{LIT("smtpd"), 0}},     sc_scan_opensmtpd, 0},
    [SMTPCLASS_MTA_QMAIL]     = {"qmail",     {{LIT("qmail"), 1}},     sc_scan_qmail,     0},
    [SMTPCLASS_MTA_EXCHANGE]  = {"exchange",  {{NULL, 0, 0}},          sc_scan_exchange,  0},
    [SMTPCLASS_MTA_GENERIC]   = {"generic",   {{NULL, 0, 0}},          sc_scan_generic,   0},
    [SMTPCLASS_MTA_COURIER]   = {"courier",   {{LIT("courier"), 1}},   sc_scan_courier,   1},
};
/* clang-format on */

#define MTA_ROWS (sizeof(mtas) / sizeof(mtas[0]))

static_assert(MTA_ROWS == SMTPCLASS_MTA_COUNT,
              "one registry row per smtpclass_mta, and SMTPCLASS_MTA_COUNT rows");

/* Indexed by smtpclass_log_status. */
static const char *const status_names[] = {NULL,      "sent",    "deferred",
                                           "bounced", "expired", "rejected"};

#define STATUS_NAME_COUNT (sizeof(status_names) / sizeof(status_names[0]))

/* Returns the name of an MTA ("postfix", ...), or NULL for UNKNOWN and for
 * values outside the enum. */
const char *smtpclass_mta_name(smtpclass_mta mta)
{
	if ((unsigned)mta >= MTA_ROWS)
		return NULL;
	return mtas[mta].name;
}

/* Returns the MTA whose name is exactly name[0..len), or -1. */
int smtpclass_mta_from_name(const char *name, size_t len)
{
	if (name == NULL)
		return -1;
	for (size_t i = 1; i < MTA_ROWS; i++)
		if (mtas[i].name != NULL && strlen(mtas[i].name) == len &&
		    memcmp(mtas[i].name, name, len) == 0)
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

/* The MTA a syslog program name belongs to, or SMTPCLASS_MTA_UNKNOWN. */
static smtpclass_mta mta_of_program(smtpclass_span program)
{
	if (program.len == 0)
		return SMTPCLASS_MTA_UNKNOWN;
	for (size_t i = 1; i < MTA_ROWS; i++) {
		for (const struct program_name *name = mtas[i].programs; name->text != NULL;
		     name++) {
			if (program.len < name->length ||
			    (!name->prefix && program.len != name->length))
				continue;
			if (memcmp(program.ptr, name->text, name->length) == 0)
				return (smtpclass_mta)i;
		}
	}
	return SMTPCLASS_MTA_UNKNOWN;
}

/* ---- Scanner state -------------------------------------------------------- */

static_assert(sizeof(struct scan_memory) <= sizeof(((smtpclass_log_state *)0)->opaque),
              "the scanner memory must fit in smtpclass_log_state.opaque");
static_assert(_Alignof(struct scan_memory) <= _Alignof(unsigned long long),
              "the scanner memory must not need more alignment than opaque has");

struct memory_slot *sc_memory_recall(struct scan_memory *memory, unsigned long long key)
{
	for (size_t i = 0; i < MEMORY_SLOTS; i++) {
		struct memory_slot *slot = &memory->slots[i];
		if (slot->stamp != 0 && slot->key == key)
			return slot;
	}
	return NULL;
}

struct memory_slot *sc_memory_take(struct scan_memory *memory, unsigned long long key)
{
	struct memory_slot *chosen = NULL;

	for (size_t i = 0; i < MEMORY_SLOTS; i++) {
		struct memory_slot *slot = &memory->slots[i];
		if (slot->stamp != 0 && slot->key == key) {
			chosen = slot;
			break;
		}
		if (chosen == NULL || slot->stamp < chosen->stamp)
			chosen = slot;
	}
	chosen->key = key;
	chosen->length = 0;
	chosen->stamp = ++memory->clock;
	return chosen;
}

/* Initialises *state: no remembered deliveries, and the given MTA forced
 * (SMTPCLASS_MTA_UNKNOWN to detect the format of each line). */
void smtpclass_log_state_init(smtpclass_log_state *state, smtpclass_mta forced_mta)
{
	if (state == NULL)
		return;
	memset(state, 0, sizeof(*state));
	state->forced_mta = (int)forced_mta;
}

void smtpclass_log_state_watch_events(smtpclass_log_state *state, int on)
{
	if (state != NULL)
		((struct scan_memory *)(void *)state->opaque)->watch_events = on != 0;
}

/* ---- Line header ---------------------------------------------------------- */

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
	/* one or two digits */
	if (p < end && is_digit(*p))
		p++;
	if (p > day && p < end && is_digit(*p))
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

/* End of journalctl's other stamps at p, or NULL:
 *   -o short-unix       "1771002395.000001"            seconds since the epoch
 *   -o short-full       "Fri 2026-02-13 17:06:35 UTC"  (also -o with-unit)
 *   -o short-monotonic  "[    0.000001]"               seconds since boot
 * (journalctl(1); the host and the tag follow as in syslog lines). */
static const char *match_journal_stamp(const char *p, const char *end)
{
	const char *q = p;
	char separator;

	if (p < end && is_digit(*p)) {
		while (q < end && is_digit(*q))
			q++;
		if (q - p < 9 || q - p > 12 || left(q, end) < 2 || *q != '.' || !is_digit(q[1]))
			return NULL;
		for (q++; q < end && is_digit(*q); q++)
			;
		return q;
	}
	if (p < end && *p == '[') {
		for (q = p + 1; q < end && *q == ' '; q++)
			;
		if (q >= end || !is_digit(*q))
			return NULL;
		while (q < end && (is_digit(*q) || *q == '.'))
			q++;
		return q < end && *q == ']' ? q + 1 : NULL;
	}
	if (left(p, end) < 24 || !is_upper(p[0]) || !is_lower(p[1]) || !is_lower(p[2]) ||
	    p[3] != ' ')
		return NULL;
	q = match_iso_stamp(p + 4, end, &separator);
	if (q == NULL || separator != ' ' || left(q, end) < 2 || *q != ' ')
		return NULL;
	/* The zone: an abbreviation ("UTC", "CET") or an offset already read. */
	for (p = q + 1; q + 1 < end && byte_is(q[1], BYTE_UPPER | BYTE_LOWER); q++)
		;
	return q + 1 > p ? q + 1 : NULL;
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
                                  struct line_header *header)
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

/* End of one RFC 5424 header field at p (up to the space after it, which
 * must be there), with the field in *field (absent for the nil value "-"),
 * or NULL. */
static const char *rfc5424_field(const char *p, const char *end, smtpclass_span *field)
{
	const char *q = token_end(p, end);

	if (q == p || q >= end)
		return NULL;
	*field = q - p == 1 && *p == '-' ? span_of(NULL, NULL) : span_of(p, q);
	return q + 1;
}

/* End of RFC 5424 STRUCTURED-DATA at p: "-" or one or more
 * "[id name="value" ...]" elements, where a value may hold "\"", "\]" and
 * "\\" (RFC 5424 s6.3.3); NULL when p holds neither. */
static const char *skip_structured_data(const char *p, const char *end)
{
	if (p < end && *p == '-')
		return p + 1;
	if (p >= end || *p != '[')
		return NULL;
	while (p < end && *p == '[') {
		int quoted = 0;

		for (p++; p < end && (quoted || *p != ']'); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (quoted && *p == '\\' && p + 1 < end)
				p++;
		}
		if (p >= end)
			return NULL;
		p++;
	}
	return p;
}

/*
 * Reads an RFC 5424 header, "1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA [MSG]" at p (after its "<PRI>"), as rsyslog's
 * RSYSLOG_SyslogProtocol23Format and syslog-ng's syslog() write it.  The
 * fields fill the header as a BSD-syslog line's would: APP-NAME is the
 * program, PROCID its pid (no field of its own: a BSD tag's pid is not
 * kept either), and "-" is an absent field.  MSG may start with a BOM
 * (s6.4) and, from rsyslog, with the space that followed the BSD tag.
 * Returns 1 when p holds such a header.
 */
static int parse_rfc5424(const char *p, const char *end, struct line_header *header)
{
	smtpclass_span time;
	smtpclass_span host;
	smtpclass_span program;
	smtpclass_span unused;
	char separator;

	if (left(p, end) < 2 || p[0] != '1' || p[1] != ' ')
		return 0;
	p = rfc5424_field(p + 2, end, &time);
	if (p == NULL)
		return 0;
	if (time.len > 0 &&
	    (match_iso_stamp(time.ptr, time.ptr + time.len, &separator) != time.ptr + time.len ||
	     separator != 'T'))
		return 0;
	p = rfc5424_field(p, end, &host);
	if (p != NULL)
		p = rfc5424_field(p, end, &program);
	if (p != NULL)
		p = rfc5424_field(p, end, &unused); /* PROCID */
	if (p != NULL)
		p = rfc5424_field(p, end, &unused); /* MSGID */
	if (p != NULL)
		p = skip_structured_data(p, end);
	if (p == NULL || (p < end && *p != ' '))
		return 0;
	p = skip_spaces(p, end);
	if (left(p, end) >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p = skip_spaces(p + 3, end);
	memset(header, 0, sizeof(*header));
	header->form = FORM_SYSLOG;
	header->time = time;
	header->host = host;
	header->program = program;
	header->message = p;
	return 1;
}

/* Splits the start of a line into timestamp, host, program and message.
 * Without fields only the form is sure: the host and the tag are read only
 * where they decide it (a journalctl stamp), which is all that
 * smtpclass_log_has_header() needs on every line of a text file. */
static void parse_header(const char *line, const char *end, int fields, struct line_header *header)
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
		if (fields)
			parse_host_and_program(q, end, 0, header);
		return;
	}

	/* Only with a host and a tag after it: qmail's multilog writes
	 * "1289844553.014322 delivery 23516: ..." (accustamp), which is no
	 * journalctl line. */
	q = match_journal_stamp(p, end);
	if (q != NULL) {
		struct line_header journal = *header;

		if (parse_host_and_program(q, end, 0, &journal) && journal.program.len > 0 &&
		    !is_digit(journal.program.ptr[0])) {
			*header = journal;
			header->form = FORM_SYSLOG;
			header->time = span_of(p, q);
			return;
		}
	}

	q = match_iso_stamp(p, end, &separator);
	if (q == NULL)
		return;
	header->time = span_of(p, q);
	if (!fields) {
		header->form = separator == 'T' && q < end && *q == ',' ? FORM_CSV : FORM_SYSLOG;
		return;
	}
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

/* Reads the header of a line that starts at line (after any transport
 * prefix; priority: it had a "<PRI>").  Only such a line may be RFC 5424,
 * so a BSD-syslog line pays one test of a flag, outside parse_header(). */
static void read_header(const char *line, const char *end, int priority, int fields,
                        struct line_header *header)
{
	if (!priority || !parse_rfc5424(line, end, header))
		parse_header(line, end, fields, header);
}

/* What smtpclass_log_has_header() answers, from a header already parsed. */
static int line_opens_log(const char *line, const char *end, const struct line_header *header)
{
	return header->form != FORM_NONE || sc_queue_id_length(line, end, 1) > 0;
}

/* ---- Dispatch ------------------------------------------------------------- */

/* The part of a recipient after its last '@', or absent. */
static smtpclass_span domain_of(smtpclass_span recipient)
{
	for (size_t i = recipient.len; i > 0; i--)
		if (recipient.ptr[i - 1] == '@')
			return span_of(recipient.ptr + i, recipient.ptr + recipient.len);
	return span_of(NULL, NULL);
}

/* Scans a line whose MTA neither the header nor the state named: the shape
 * of the message decides, and only what no MTA scanner claims goes to the
 * generic markers. */
static int scan_auto(const struct scan_line *line, smtpclass_log_record *out)
{
	const char *p = line->header.message;
	const char *end = line->end;
	smtpclass_log_status exim_status;
	size_t id_length;
	const char *q;

	/* Exim's own list of delivery flags (exim.c), so that what the Exim
	 * scanner reads is what is sent to it. */
	if (sc_exim_delivery_flag(p, end, &exim_status) != NULL)
		return sc_scan_exim(line, out);
	if (sc_match_exim_id(p, end) != NULL)
		return sc_scan_exim(line, out);

	q = p;
	while (q < end && (is_digit(*q) || *q == '.'))
		q++;
	if (q < end && *q == ' ')
		q++;
	else
		q = p;
	if (starts_with(q, end, "starting delivery ") || starts_with(q, end, "delivery ") ||
	    starts_with(q, end, "rblsmtpd: "))
		return sc_scan_qmail(line, out);

	id_length = sc_queue_id_length(p, end, 1);
	if ((id_length > 0 && starts_with(p + id_length, end, ": ")) ||
	    starts_with(p, end, "to=") || starts_with(p, end, "reject: ") ||
	    starts_with(p, end, "milter-reject: ") || starts_with(p, end, "proxy-reject: ") ||
	    starts_with(p, end, "ruleset="))
		return sc_scan_queue_line(p, end, SMTPCLASS_MTA_UNKNOWN, line->memory, out);

	/* By their '=' (find_bytes_at()): every bare reply comes this way. */
	if (starts_with(p, end, "smtp-in: ") ||
	    find_bytes_at(p, end, LIT(" delivery evpid="), 15) != NULL ||
	    find_bytes_at(p, end, LIT(" failed-command command="), 23) != NULL)
		return sc_scan_opensmtpd(line, out);

	if (starts_with(p, end, "error,relay="))
		return sc_scan_courier(line, out);
	return sc_scan_generic(line, out);
}

/* What *out holds when a line reports nothing. */
static const smtpclass_log_record empty_record;

/* Runs the scanner of one MTA (SMTPCLASS_MTA_UNKNOWN: scan_auto()). */
static int dispatch(smtpclass_mta mta, const struct scan_line *line, smtpclass_log_record *out)
{
	const struct mta_entry *entry = &mtas[mta];

	if (entry->scan == NULL)
		return scan_auto(line, out);
	if (entry->scan(line, out))
		return 1;
	return entry->then_generic ? sc_scan_generic(line, out) : 0;
}

/*
 * Skips what log shippers put before the line proper: leading blanks (the
 * message part rsyslog hands to mmexternal starts with the space that
 * followed the tag) and a syslog priority "<22>" (RFC 3164 s4.1.1, as in
 * rsyslog's rawmsg; RFC 5424 s6.2.1).  A priority was skipped when the
 * byte before the result is its '>' (had_priority()), so that
 * read_header() looks for an RFC 5424 header.
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

/* Whether skip_transport_prefix(start, ...) skipped a priority to reach
 * line: a flag passed back through memory cost the scan of every line an
 * out-of-line call. */
static int had_priority(const char *start, const char *line)
{
	return line > start && line[-1] == '>';
}

/*
 * Looks for a delivery outcome in one log line of len bytes (a trailing CR
 * or LF is ignored).  Returns 1 and fills *out when the line reports one;
 * returns 0 and leaves *out zeroed for noise and for lines that only feed
 * the state (qmail "starting delivery").  state may be NULL (no forced MTA,
 * no qmail recipients).  Never reads outside line[0..len), never allocates.
 */
int smtpclass_log_scan(const char *line, size_t len, smtpclass_log_state *state,
                       smtpclass_log_record *out)
{
	struct scan_line scan;
	smtpclass_mta mta = SMTPCLASS_MTA_UNKNOWN;
	const char *end;
	const char *start;

	if (out == NULL)
		return 0;
	/* A copy of a zero record compiles to a few vector stores; memset()
	 * of this size became "rep stos", a tenth of the time per line. */
	*out = empty_record;
	if (line == NULL) {
		if (state != NULL)
			((struct scan_memory *)(void *)state->opaque)->had_header = 0;
		return 0;
	}
	end = line + len;
	while (end > line && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	start = line;
	line = skip_transport_prefix(line, end);

	read_header(line, end, had_priority(start, line), 1, &scan.header);
	scan.start = line;
	scan.end = end;
	scan.memory = NULL;
	if (state != NULL) {
		scan.memory = (struct scan_memory *)(void *)state->opaque;
		scan.memory->had_header = line_opens_log(line, end, &scan.header);
		if (state->forced_mta > SMTPCLASS_MTA_UNKNOWN &&
		    (size_t)state->forced_mta < MTA_ROWS && mtas[state->forced_mta].name != NULL)
			mta = (smtpclass_mta)state->forced_mta;
	}
	if (mta == SMTPCLASS_MTA_UNKNOWN) {
		if (scan.header.form == FORM_CSV)
			mta = SMTPCLASS_MTA_EXCHANGE;
		else if (scan.header.form == FORM_EXIM)
			mta = SMTPCLASS_MTA_EXIM;
		else if (scan.header.form == FORM_TAI64N)
			mta = SMTPCLASS_MTA_QMAIL;
		else
			mta = mta_of_program(scan.header.program);
	}

	out->time = scan.header.time;
	out->host = scan.header.host;
	if (!dispatch(mta, &scan, out)) {
		*out = empty_record;
		/* Not an outcome: a connection event, for a caller that asks. */
		if (scan.memory != NULL && scan.memory->watch_events &&
		    scan.header.message != NULL && scan.header.message <= end &&
		    sc_scan_event(mta, scan.header.message, end, out)) {
			out->time = scan.header.time;
			out->host = scan.header.host;
			return 1;
		}
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
	struct line_header header;
	const char *end;
	const char *start;

	if (line == NULL)
		return 0;
	end = line + len;
	start = line;
	line = skip_transport_prefix(line, end);
	read_header(line, end, had_priority(start, line), 0, &header);
	return line_opens_log(line, end, &header);
}

int smtpclass_log_state_had_header(const smtpclass_log_state *state)
{
	if (state == NULL)
		return 0;
	return ((const struct scan_memory *)(const void *)state->opaque)->had_header;
}
