/*
 * events.c: the connection events of data/log-events.tsv (failed AUTH,
 * failed TLS, lost connections, timeouts), read from the lines in which
 * the dialect scanners found no outcome, when the caller watches events.
 * Example (Postfix smtpd, form "warning: {peer}: SASL {word} authentication
 * failed{any}"):
 *
 *   postfix/smtpd[26897]: warning: unknown[203.0.113.42]: SASL LOGIN
 *       authentication failed: authentication failure
 *
 * gives an auth_failed event, relay "203.0.113.42".
 *
 * A form is read piece by piece against the MTA's own text: literal text
 * byte for byte; {command} a run of capitals, digits and '-'; {word} a run
 * of bytes other than space; {peer} and {any} the text up to the last
 * place the next literal occurs (to the end when none follows), so that a
 * peer which itself holds the literal's bytes ("(helo) [IP]:port") is
 * kept whole.  Work is linear in the line for each form: a piece looks for
 * its literal once, from the end.
 */
#include "logscan_internal.h"
#include "tables.h"

const char *smtpclass_log_event_name(int kind)
{
	static const char *const names[] = {"none", "auth_failed", "tls_failed",
	                                    "lost", "timeout",     "queued"};

	return kind >= 0 && (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "none";
}

/* The first place in [p, end) where literal[0..n) occurs, or NULL. */
static const char *first_literal(const char *p, const char *end, const char *literal, size_t n)
{
	if (n == 0)
		return NULL;
	for (; (size_t)(end - p) >= n; p++)
		if (*p == *literal && memcmp(p, literal, n) == 0)
			return p;
	return NULL;
}

/* The last place in [p, end) where literal[0..n) occurs, or NULL. */
static const char *last_literal(const char *p, const char *end, const char *literal, size_t n)
{
	if (n == 0 || (size_t)(end - p) < n)
		return NULL;
	for (const char *q = end - n;; q--) {
		/* the first byte inline: a call per place costs more than the search */
		if (*q == *literal && memcmp(q, literal, n) == 0)
			return q;
		if (q == p)
			return NULL;
	}
}

/* {command}: capitals, digits and '-'. */
#define COMMAND_BYTES (BYTE_UPPER | BYTE_DIGIT | BYTE_DASH)
/* {queue}: Postfix (hex, or the long form's base 52 and 'z'), Sendmail and
 * Exim (base 62 with '-') queue ids. */
#define QUEUE_ID_BYTES (BYTE_UPPER | BYTE_LOWER | BYTE_DIGIT | BYTE_DASH)

/* Where the run a {command}, {word}, {size} or {queue} piece takes from p
 * ends. */
static const char *run_end(enum sc_event_piece_kind kind, const char *p, const char *end)
{
	unsigned classes;

	if (kind == SC_EVENT_WORD) {
		while (p < end && *p != ' ')
			p++;
		return p;
	}
	classes = kind == SC_EVENT_COMMAND ? COMMAND_BYTES
	          : kind == SC_EVENT_QUEUE ? QUEUE_ID_BYTES
	                                   : BYTE_DIGIT;
	while (p < end && byte_is(*p, classes))
		p++;
	return p;
}

static int is_ip_byte(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	       c == '.' || c == ':';
}

/* The first "[IP]" of a peer outside parentheses ("(helo) [192.0.2.5]:25"
 * gives 192.0.2.5; the HELO name in parentheses may be "[IP]" itself), or
 * the peer as written when it has none. */
static smtpclass_span peer_address(smtpclass_span peer)
{
	const char *p = peer.ptr, *end = peer.ptr + peer.len;
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == '[' && depth == 0) {
			const char *q = p + 1;
			int digits = 0;

			while (q < end && is_ip_byte(*q)) {
				digits += *q >= '0' && *q <= '9';
				q++;
			}
			if (q < end && *q == ']' && q > p + 1 && digits > 0)
				return span_of(p + 1, q);
		}
	}
	return peer;
}

/* Reads one form's pieces against text[p, end); fills the event's fields
 * of *out and returns 1 when the whole form matches. */
static int match_form(const struct sc_log_event_row *row, const char *p, const char *end,
                      smtpclass_log_record *out)
{
	smtpclass_span peer = {NULL, 0}, command = {NULL, 0}, queue = {NULL, 0}, sender = {NULL, 0},
	               size = {NULL, 0};
	int has_peer = 0;

	for (int k = 0; k < row->piece_count; k++) {
		const struct sc_event_piece *piece = &row->pieces[k];
		const struct sc_event_piece *next = k + 1 < row->piece_count ? piece + 1 : NULL;
		int next_literal = next != NULL && next->kind == SC_EVENT_LITERAL;
		const char *start = p;

		switch (piece->kind) {
		case SC_EVENT_LITERAL:
			if ((size_t)(end - p) < piece->len || *p != piece->text[0] ||
			    memcmp(p, piece->text, piece->len) != 0)
				return 0;
			p += piece->len;
			break;
		case SC_EVENT_COMMAND:
		case SC_EVENT_WORD:
		case SC_EVENT_SIZE:
		case SC_EVENT_QUEUE:
			p = run_end(piece->kind, p, end);
			if (p == start)
				return 0;
			if (piece->kind == SC_EVENT_COMMAND)
				command = span_of(start, p);
			else if (piece->kind == SC_EVENT_SIZE)
				size = span_of(start, p);
			else if (piece->kind == SC_EVENT_QUEUE)
				queue = span_of(start, p);
			break;
		case SC_EVENT_SENDER:
			/* up to the first place of the next literal, else a word */
			if (next_literal) {
				p = first_literal(p, end, next->text, next->len);
				if (p == NULL)
					return 0;
			} else {
				while (p < end && *p != ' ')
					p++;
			}
			sender = span_of(start, p);
			if (sender.len == 2 && start[0] == '<' && start[1] == '>')
				sender = span_of(p, p); /* Exim's null sender */
			break;
		case SC_EVENT_PEER:
		case SC_EVENT_ANY:
			if (!next_literal) {
				p = end;
			} else {
				p = last_literal(p, end, next->text, next->len);
				if (p == NULL)
					return 0;
			}
			if (piece->kind == SC_EVENT_PEER) {
				if (p == start)
					return 0;
				peer = span_of(start, p);
				has_peer = 1;
			}
			break;
		}
	}
	if (p != end)
		return 0;
	if (has_peer)
		out->relay = peer_address(peer);
	out->command = command;
	out->queue_id = queue;
	out->sender = sender.len > 0 ? sender : (smtpclass_span){NULL, 0};
	out->size = size;
	return 1;
}

/*
 * Whether a form that opens with a queue id, a command or a word may match
 * at p.  Most lines of a queue-id log ("QUEUEID: client=...", "QUEUEID: removed") fail
 * here, before match_form() sets anything up: the run, then up to four
 * bytes of the literal after it (": from=<" and ": client=" share two).
 * Other forms: 1.
 */
static int may_match(const struct sc_log_event_row *row, const char *p, const char *end)
{
	const struct sc_event_piece *run = &row->pieces[0], *literal = &row->pieces[1];
	size_t n;

	if (row->piece_count < 2 || literal->kind != SC_EVENT_LITERAL || literal->len < 2 ||
	    (run->kind != SC_EVENT_QUEUE && run->kind != SC_EVENT_COMMAND &&
	     run->kind != SC_EVENT_WORD))
		return 1;
	p = run_end(run->kind, p, end);
	n = literal->len < 4 ? literal->len : 4;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] != literal->text[i])
			return 0;
	return 1;
}

int sc_scan_event(smtpclass_mta mta, const char *p, const char *end, smtpclass_log_record *out)
{
	const struct sc_log_event_mta *forms;
	unsigned int candidates;

	if ((unsigned)mta >= SMTPCLASS_MTA_COUNT || p >= end)
		return 0;
	forms = &sc_log_event_mtas[mta];
	/* most lines can open none of the MTA's forms: one load says so */
	candidates = sc_log_event_first[mta][(unsigned char)*p];
	while (candidates != 0) {
		int k = sc_lowest_bit(candidates);
		const struct sc_log_event_row *row = &sc_log_events[forms->rows[k]];

		candidates &= candidates - 1;
		if (may_match(row, p, end) && match_form(row, p, end, out)) {
			out->mta = mta;
			out->status = SMTPCLASS_STATUS_NONE;
			out->event = (int)row->kind;
			return 1;
		}
	}
	return 0;
}
