/*
 * find.c: find the SMTP reply inside a failure text, and read its wrapper.
 *
 * Real failure texts wrap the reply in a sentence written by the MTA that
 * relayed it ("host H[IP] said: 550 5.1.1 ... (in reply to RCPT TO
 * command)").  The sentences are rows of data/wrappers.tsv, compiled by
 * tools/gentables.c into small op lists (literal text and placeholders) and
 * a 256-entry table of the bytes their first literal opens with.  The
 * control flow here is small and the same for every row:
 *
 *   1. A text that already opens with a basic code (after blanks and a
 *      DSN prefix) is the reply: only the trailer rows ("(in reply to X
 *      command)") are tried, and only when the text ends with the byte a
 *      trailer ends with.  That is the fast path: a few compares.  A text
 *      that opens with an enhanced code alone is searched as in step 2
 *      first (it may quote the reply), and is the reply itself otherwise.
 *   2. Otherwise every word start whose byte opens some row's first
 *      literal is tried against those rows, in file order; the first match
 *      with a reply code at {reply} wins.  A match without a code is kept
 *      for its stage and host.
 *   3. Without a wrapped code, a basic code followed by an enhanced code of
 *      its class ("554 5.3.0") anywhere at a word start is the reply.
 *
 * Numbers are only ever read at {reply} or as such a code pair, so IP
 * octets, ports, sizes and dates in the wrapper are never taken for a code.
 * Nothing allocates; the result is views into the input.
 */
#include "reply_internal.h"
#include "tables.h"

#include <string.h>

/* Most bytes a placeholder searches for the literal that follows it (a
 * host, a command argument); {skip} and trailers search to the end. */
#define HOST_MAX     300
#define ARGUMENT_MAX 512

/* SP, or HT LF VT FF CR: those are 9 to 13, one compare (literal_at()
 * tests every byte it reads). */
static int is_blank(unsigned char c)
{
	return c == ' ' || (unsigned char)(c - '\t') <= '\r' - '\t';
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
	return (unsigned char)(c - 'A') < 26 ? (unsigned char)(c + ('a' - 'A')) : c;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank((unsigned char)*p))
		p++;
	return p;
}

/* Matches the literal at p (case-insensitive, a space matching a run of
 * blanks); returns the position after it, or NULL. */
static const char *literal_at(const char *p, const char *end, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ' ') {
			if (p == end || !is_blank((unsigned char)*p))
				return NULL;
			p = skip_blanks(p, end);
			continue;
		}
		if (p == end || lower((unsigned char)*p) != (unsigned char)text[i])
			return NULL;
		p++;
	}
	return p;
}

/* Whether the literal may start at p: its first byte, before the full
 * compare (the searches below try every position). */
static int may_start(const char *p, const struct sc_wrapper_op *op)
{
	unsigned char first = (unsigned char)op->text[0];

	return first == ' ' ? is_blank((unsigned char)*p) : lower((unsigned char)*p) == first;
}

/*
 * First occurrence of the literal in [p, limit) (it may run past limit up
 * to end); sets *after and returns where it starts, or NULL.  A literal
 * that opens with a space matches a whole run of blanks from any place in
 * it, with the same end: when it fails at the run's first blank it fails at
 * all of them, so the search goes on after the run (else a long run of
 * blanks in a hostile reply costs its length squared).
 */
static const char *find_literal(const char *p, const char *limit, const char *end,
                                const struct sc_wrapper_op *op, const char **after)
{
	int opens_blank = op->text[0] == ' ';

	while (p < limit) {
		const char *q = may_start(p, op) ? literal_at(p, end, op->text, op->len) : NULL;

		if (q != NULL) {
			*after = q;
			return p;
		}
		if (opens_blank && is_blank((unsigned char)*p))
			p = skip_blanks(p, limit);
		else
			p++;
	}
	return NULL;
}

/* Last occurrence of the literal in [p, end).  As above, a literal that
 * opens with a space is tried once per run of blanks (at its last blank,
 * the last place it can start): the run's other places give the same. */
static const char *find_last_literal(const char *p, const char *end, const struct sc_wrapper_op *op,
                                     const char **after)
{
	int opens_blank = op->text[0] == ' ';

	for (const char *q = end; q > p;) {
		const char *hit;

		q--;
		hit = may_start(q, op) ? literal_at(q, end, op->text, op->len) : NULL;
		if (hit != NULL) {
			*after = hit;
			return q;
		}
		if (opens_blank && is_blank((unsigned char)*q))
			while (q > p && is_blank((unsigned char)q[-1]))
				q--;
	}
	return NULL;
}

/*
 * The last occurrence of a literal after {reply} ("' (delivery attempts:",
 * " ##", "(in reply to ") is the same for every place a row is tried at: the
 * last one in the whole text, when it lies at or after that place, else
 * none.  The rows are tried at every word, so it is searched once per text
 * and literal (else "#" or "error " repeated along a hostile line costs the
 * line's length squared).  Literals past the array are searched each time.
 */
#define LAST_MEMO_MAX 16

struct last_memo {
	const char *from, *end; /* the text the memo is for */
	int count;
	struct {
		const struct sc_wrapper_op *op;
		const char *at, *after; /* at NULL: none in the text */
	} seen[LAST_MEMO_MAX];
};

static const char *last_literal_from(struct last_memo *memo, const char *p, const char *end,
                                     const struct sc_wrapper_op *op, const char **after)
{
	int i;

	if (memo == NULL || end != memo->end || p < memo->from)
		return find_last_literal(p, end, op, after);
	for (i = 0; i < memo->count && memo->seen[i].op != op; i++)
		;
	if (i == memo->count) {
		if (i == LAST_MEMO_MAX)
			return find_last_literal(p, end, op, after);
		memo->seen[i].op = op;
		memo->seen[i].at = find_last_literal(memo->from, end, op, &memo->seen[i].after);
		memo->count++;
	}
	if (memo->seen[i].at == NULL || memo->seen[i].at < p)
		return NULL;
	*after = memo->seen[i].after;
	return memo->seen[i].at;
}

/* Whether [p, end) holds "::". */
static int has_double_colon(const char *p, const char *end)
{
	for (; end - p >= 2; p++)
		if (p[0] == ':' && p[1] == ':')
			return 1;
	return 0;
}

/* Whether [p, end) has the shape of an IP address: IPv4 digits and dots,
 * or IPv6 hex digits and colons (Postfix writes "IPv6:" before them). */
static int looks_like_ip(const char *p, const char *end)
{
	int dots = 0, colons = 0, digits = 0;

	if (end - p > 5 && memcmp(p, "IPv6:", 5) == 0)
		p += 5;
	for (const char *q = p; q < end; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '.')
			dots++;
		else if (c == ':')
			colons++;
		else if (is_digit(c))
			digits++;
		else if (!((lower(c) >= 'a' && lower(c) <= 'f')))
			return 0;
	}
	if (dots == 3 && colons == 0)
		return digits > 0;
	/* IPv6 has "::" or all eight groups: a clock "10:00:00" is no IP */
	return colons >= 7 || (colons >= 2 && has_double_colon(p, end));
}

static int is_host_byte(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '-' || c == '_';
}

/*
 * Splits a host as written into name and IP: "mx.example.com[192.0.2.1]",
 * "mx.example.com [192.0.2.1]:25", "[192.0.2.1]", "192.0.2.1",
 * "mx.example.jp." (Sendmail's trailing dot).  Returns 0 when [p, end) is
 * no host: a name needs a dot (or an IP beside it), and only name bytes.
 */
static int split_host(const char *p, const char *end, smtpclass_span *name, smtpclass_span *ip)
{
	const char *open = memchr(p, '[', (size_t)(end - p)), *name_end;

	name->ptr = ip->ptr = NULL;
	name->len = ip->len = 0;
	if (open != NULL) {
		const char *close = memchr(open, ']', (size_t)(end - open));
		const char *q;

		if (close == NULL || close == open + 1)
			return 0;
		/* after ']' only a port: ":25" */
		q = close + 1;
		if (q < end && *q == ':')
			for (q++; q < end && is_digit((unsigned char)*q); q++)
				;
		if (q != end)
			return 0;
		ip->ptr = open + 1;
		ip->len = (size_t)(close - open - 1);
		name_end = open;
		while (name_end > p && is_blank((unsigned char)name_end[-1]))
			name_end--;
	} else {
		name_end = end;
		if (looks_like_ip(p, end)) {
			ip->ptr = p;
			ip->len = (size_t)(end - p);
			return 1;
		}
	}
	if (name_end == p)
		return ip->ptr != NULL;
	for (const char *q = p; q < name_end; q++)
		if (!is_host_byte((unsigned char)*q))
			return 0;
	if (ip->ptr == NULL && memchr(p, '.', (size_t)(name_end - p)) == NULL)
		return 0;
	if (looks_like_ip(p, name_end)) {
		/* "127.0.0.1[127.0.0.1]": the name is the IP again */
		if (ip->ptr == NULL) {
			ip->ptr = p;
			ip->len = (size_t)(name_end - p);
		}
		return 1;
	}
	name->ptr = p;
	name->len = (size_t)(name_end - p);
	return 1;
}

/* The token before pos (the anchor literal), for a pattern opening with
 * {host} or {address}: the bytes back to a blank, and for a host also a
 * name before a "[IP]" token ("mx.example.com [192.0.2.1]"). */
static const char *token_before(const char *start, const char *pos, int with_name)
{
	const char *q = pos;

	while (q > start && !is_blank((unsigned char)q[-1]))
		q--;
	if (with_name && q < pos && *q == '[' && q - start >= 2 && q[-1] == ' ' &&
	    !is_blank((unsigned char)q[-2])) {
		q--;
		while (q > start && !is_blank((unsigned char)q[-1]))
			q--;
	}
	return q;
}

/* Whether [p, end) is a mail address, optionally in angle brackets. */
static int is_address(const char *p, const char *end)
{
	const char *at;

	if (p < end && *p == '<')
		p++;
	if (end > p && end[-1] == '>')
		end--;
	at = memchr(p, '@', (size_t)(end - p));
	return at != NULL && at > p && at + 1 < end;
}

/* Reads a stage phrase at p (fillers first): sets *stage and returns the
 * position after it, or p with *stage UNKNOWN when no phrase is there. */
static const char *read_stage(const char *p, const char *end, smtpclass_stage *stage)
{
	*stage = SMTPCLASS_STAGE_UNKNOWN;
	for (int words = 0; words < 4; words++) {
		const struct sc_stage_phrase *found = NULL;
		const char *after = NULL;

		for (int i = 0; i < sc_stage_phrase_count && found == NULL; i++) {
			const struct sc_stage_phrase *phrase = &sc_stage_phrases[i];
			const char *q;

			/* the first byte inline: most phrases fail there */
			if (phrase->len > 0 && phrase->phrase[0] != ' ' &&
			    (p == end ||
			     lower((unsigned char)*p) != (unsigned char)phrase->phrase[0]))
				continue;
			q = literal_at(p, end, phrase->phrase, phrase->len);
			if (q != NULL && (q == end || !is_alnum((unsigned char)*q))) {
				found = phrase;
				after = q;
			}
		}
		if (found == NULL)
			return p;
		if (found->stage != SMTPCLASS_STAGE_UNKNOWN) {
			*stage = found->stage;
			return after;
		}
		p = skip_blanks(after, end);
	}
	return p;
}

struct match {
	const char *reply, *reply_end; /* NULL when the row has no {reply} */
	smtpclass_span host, ip;
	smtpclass_stage stage;
	int has_code;
};

static void trim_end(const char *start, const char **end)
{
	while (*end > start && is_blank((unsigned char)(*end)[-1]))
		(*end)--;
}

/* The trailer after {reply}: the reply ends at the last occurrence of the
 * next literal; the ops after it may say the stage.  Returns whether the
 * trailer was found (a missing or broken trailer is no failure). */
static int match_trailer(const struct sc_wrapper_row *row, int i, const char *p, const char *end,
                         struct last_memo *memo, struct match *m)
{
	const char *after;
	const char *stop =
	    i < row->op_count ? last_literal_from(memo, p, end, &row->ops[i], &after) : NULL;

	m->reply = p;
	m->reply_end = end;
	if (stop == NULL) {
		trim_end(m->reply, &m->reply_end);
		return 0;
	}
	m->reply_end = stop;
	trim_end(m->reply, &m->reply_end);
	p = after;
	for (i++; i < row->op_count; i++) {
		const struct sc_wrapper_op *op = &row->ops[i];

		if (op->kind == SC_WRAPPER_STAGE) {
			smtpclass_stage stage;

			p = read_stage(skip_blanks(p, end), end, &stage);
			if (stage != SMTPCLASS_STAGE_UNKNOWN)
				m->stage = stage;
		} else if (op->kind == SC_WRAPPER_LITERAL) {
			const char *q = literal_at(p, end, op->text, op->len);

			if (q == NULL)
				return 1;
			p = q;
		}
	}
	return 1;
}

/* Where the search for the literal after a placeholder stops. */
static const char *search_limit(int kind, const char *from, const char *end)
{
	size_t most = kind == SC_WRAPPER_HOST ? HOST_MAX : ARGUMENT_MAX;

	if (kind == SC_WRAPPER_SKIP || (size_t)(end - from) <= most)
		return end;
	return from + most;
}

/* A pattern opening with {host} or {address}, whose anchor literal is at
 * pos (match_row() compares it first: it fails in a compare or two, the
 * token before it takes a scan): the token before pos must be a host or an
 * address. */
static int match_opening(const struct sc_wrapper_row *row, const char *start, const char *pos,
                         struct match *m)
{
	const struct sc_wrapper_op *open = &row->ops[0];
	const char *token;

	token = token_before(start, pos, open->kind == SC_WRAPPER_HOST);
	if (token == pos)
		return 0;
	if (open->kind == SC_WRAPPER_HOST)
		return split_host(token, pos, &m->host, &m->ip);
	return is_address(token, pos);
}

/*
 * Matches row from its anchor literal at pos.  Ops run left to right; a
 * placeholder ({host}, {stage}'s argument, {skip}) ends where the next
 * literal is first found, {reply} where it is last found.  Returns 1 and
 * fills *m on a match.
 */
static int match_row(const struct sc_wrapper_row *row, const char *start, const char *pos,
                     const char *end, struct last_memo *memo, struct match *m)
{
	const char *p;
	int pending = -1; /* the placeholder op waiting for the next literal */
	const char *pending_from = NULL;

	const struct sc_wrapper_op *anchor = &row->ops[row->anchor];

	memset(m, 0, sizeof(*m));
	m->stage = row->stage;
	/* The anchor literal at pos, compared once (the ops before it are
	 * only the opening {host} or {address}). */
	p = literal_at(pos, end, anchor->text, anchor->len);
	if (p == NULL)
		return 0;
	if (row->anchor == 1 && !match_opening(row, start, pos, m))
		return 0;
	for (int i = row->anchor + 1; i < row->op_count; i++) {
		const struct sc_wrapper_op *op = &row->ops[i];

		switch (op->kind) {
		case SC_WRAPPER_LITERAL: {
			const char *after, *at;

			if (pending < 0) {
				after = literal_at(p, end, op->text, op->len);
				if (after == NULL)
					return 0;
				p = after;
				break;
			}
			at = find_literal(pending_from,
			                  search_limit(row->ops[pending].kind, pending_from, end),
			                  end, op, &after);
			if (at == NULL)
				return 0;
			if (row->ops[pending].kind == SC_WRAPPER_HOST) {
				const char *host_end = at;

				trim_end(pending_from, &host_end);
				if (!split_host(pending_from, host_end, &m->host, &m->ip))
					return 0;
			}
			pending = -1;
			p = after;
			break;
		}
		case SC_WRAPPER_HOST:
		case SC_WRAPPER_SKIP:
			pending = i;
			pending_from = skip_blanks(p, end);
			break;
		case SC_WRAPPER_STAGE: {
			smtpclass_stage stage;

			p = read_stage(skip_blanks(p, end), end, &stage);
			if (stage != SMTPCLASS_STAGE_UNKNOWN)
				m->stage = stage;
			/* the command's argument ("TO:<a>", "SIZE=n") up to the next literal */
			pending = i;
			pending_from = p;
			break;
		}
		case SC_WRAPPER_REPLY: {
			int closed = match_trailer(row, i + 1, skip_blanks(p, end), end, memo, m);

			m->has_code = m->reply < m->reply_end &&
			              sc_opens_code(sc_after_dsn_prefix(m->reply, m->reply_end),
			                            m->reply_end);
			if (row->needs_code == 2 && !closed)
				return 0;
			return m->has_code || row->needs_code == 0;
		}
		default:
			return 0;
		}
	}
	return 1;
}

static void set_result(smtpclass_found *out, const struct sc_wrapper_row *row,
                       const struct match *m)
{
	out->form = row->id;
	out->stage = m->stage;
	out->remote_host = m->host;
	out->remote_ip = m->ip;
	if (m->has_code) {
		out->reply.ptr = m->reply;
		out->reply.len = (size_t)(m->reply_end - m->reply);
	}
}

/* Whether the literal may be at q as far as its second byte tells: the
 * first-byte table picked the row, and most rows it picks fail on the next
 * byte, before match_row() clears its match. */
static int second_byte_may_match(const struct sc_wrapper_op *op, const char *q, const char *end)
{
	if (op->len < 2 || op->text[0] == ' ' || op->text[1] == ' ')
		return 1;
	return end - q >= 2 && lower((unsigned char)q[1]) == (unsigned char)op->text[1];
}

/* Step 1: a text that opens with a code; a trailer row may cut its end. */
static void find_trailer(const char *p, const char *end, smtpclass_found *out)
{
	if (!sc_wrapper_trailer_last_byte[(unsigned char)end[-1]])
		return;
	for (int i = 0; i < sc_wrapper_trailer_count; i++) {
		const struct sc_wrapper_row *row = &sc_wrapper_trailers[i];
		struct match m;

		memset(&m, 0, sizeof(m));
		m.stage = row->stage;
		if (match_trailer(row, 1, p, end, NULL, &m)) {
			set_result(out, row, &m);
			out->reply.ptr = m.reply;
			out->reply.len = (size_t)(m.reply_end - m.reply);
			return;
		}
	}
}

/* Step 3: "554 5.3.0" at a word start anywhere. */
static const char *find_code_pair(const char *p, const char *end)
{
	for (const char *q = p; q < end; q++) {
		if (*q < '2' || *q > '5' || (q > p && is_alnum((unsigned char)q[-1])))
			continue;
		if (q > p && (q[-1] == '.' || q[-1] == ':' || q[-1] == '-' || q[-1] == '#'))
			continue;
		if (sc_opens_code_pair(q, end))
			return q;
	}
	return NULL;
}

int smtpclass_find_reply(const char *input, size_t len, smtpclass_found *out)
{
	const char *start, *end, *p, *pair;
	struct match kept;
	struct last_memo memo;
	const struct sc_wrapper_row *kept_row = NULL;
	int opens_enhanced;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if (input == NULL)
		return 0;
	start = skip_blanks(input, input + len);
	end = input + len;
	trim_end(start, &end);
	out->reply.ptr = start;
	out->reply.len = (size_t)(end - start);
	if (start == end)
		return 0;
	p = sc_after_dsn_prefix(start, end);
	if (sc_opens_basic_code(p, end)) {
		find_trailer(start, end, out);
		return 1;
	}
	/* An enhanced code alone may open a wrapper that quotes the reply
	 * ("5.1.0 - Unknown address error 550-'5.2.2 ...'"): a wrapped basic
	 * code is preferred, else the text is the reply as it stands. */
	opens_enhanced = sc_opens_code(p, end);
	memo.from = p;
	memo.end = end;
	memo.count = 0;
	for (const char *q = p; q < end; q++) {
		unsigned long long rows = sc_wrapper_first_byte[(unsigned char)*q];

		/* A row is tried at a word's start; one whose anchor opens with a
		 * space at a run of blanks' first only: inside the run the token
		 * before it would be empty, and no row matches with none. */
		if (rows == 0 ||
		    (q > p && is_alnum((unsigned char)*q) && is_alnum((unsigned char)q[-1])) ||
		    (q > p && is_blank((unsigned char)*q) && is_blank((unsigned char)q[-1])))
			continue;
		for (; rows != 0; rows &= rows - 1) {
			int i = sc_lowest_bit(rows);
			struct match m;

			if (!second_byte_may_match(&sc_wrappers[i].ops[sc_wrappers[i].anchor], q,
			                           end) ||
			    !match_row(&sc_wrappers[i], p, q, end, &memo, &m))
				continue;
			if (m.has_code) {
				set_result(out, &sc_wrappers[i], &m);
				return 1;
			}
			if (kept_row == NULL) {
				kept = m;
				kept_row = &sc_wrappers[i];
			}
		}
	}
	if (opens_enhanced) {
		find_trailer(start, end, out);
		return 1;
	}
	if (kept_row != NULL)
		set_result(out, kept_row, &kept);
	pair = find_code_pair(p, end);
	if (pair != NULL) {
		out->reply.ptr = pair;
		out->reply.len = (size_t)(end - pair);
		return 1;
	}
	return 0;
}
