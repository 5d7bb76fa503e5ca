/*
 * template.c: the template of a reply text, in one pass.
 *
 * Reply texts are grouped by template, which summary_template() makes in
 * one pass with a hand-written byte scanner: plain words are copied as
 * they are, and the other words are classified by their bytes (all
 * digits, dotted quad, colon-hex, dotted host name, letters mixed with
 * digits, ...); variable ones become placeholders.  No regular
 * expressions.  The templates of such words are remembered (a block
 * list's name, a help URL come back in many replies).
 */
#include "template.h"

#include <string.h>

#include "hash.h"
#include "summary.h"
#include "text.h"

enum template_class { TC_PUNCT = 0, TC_SPACE, TC_WORD, TC_LETTER };

/* Bytes of a word: TC_LETTER for letters, apostrophe, hyphen and every
 * non-ASCII byte (plain words are made of them and are copied as they
 * are); TC_WORD for digits and the rest of what addresses, host names, ids
 * and URLs are made of.  Control bytes count as white space; the other
 * ASCII punctuation ends a word. */
/* clang-format off */
static const unsigned char template_classes[256] = {
/*      NUL ...                        HT LF VT FF CR                      */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
/*      SP !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /                     */
	1, 2, 0, 2, 2, 2, 2, 3, 0, 0, 2, 2, 0, 3, 2, 2,
/*      0  1  2  3  4  5  6  7  8  9  :  ;  <  =  >  ?                     */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 0, 2,
/*      @  A-O                                                             */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
/*      P-Z                            [  \  ]  ^  _                       */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 2, 2,
/*      `  a-o                                                             */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
/*      p-z                            {  |  }  ~  DEL                     */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1,
	/* 0x80-0xff: letters (UTF-8) */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};
/* clang-format on */

/* What a word part is made of. */
struct shape {
	size_t digits, letters, hex_letters, dots, colons, case_changes;
};

/* Counts byte c of a part in its shape; previous is the byte before it in
 * the part, or 0 for the first. */
static void shape_add(struct shape *s, unsigned char c, unsigned char previous)
{
	if (is_digit(c))
		s->digits++;
	else if (is_alpha(c))
		s->letters++;
	else if (c == '.')
		s->dots++;
	else if (c == ':')
		s->colons++;
	if (is_hex_letter(c))
		s->hex_letters++;
	if (c >= 'A' && c <= 'Z' && previous >= 'a' && previous <= 'z')
		s->case_changes++;
}

/* An enhanced status code such as 5.7.1, kept as written: it is no variable. */
static int is_enhanced_code(const char *p, size_t n)
{
	size_t i, j;

	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] != '.')
		return 0;
	i = skip_digits(p, 2, n);
	if (i == 2 || i - 2 > 3 || i >= n || p[i] != '.')
		return 0;
	j = skip_digits(p, i + 1, n);
	return j == n && j - (i + 1) >= 1 && j - (i + 1) <= 3;
}

/* Four dot-separated groups of 1-3 digits, optionally ":port". */
static int is_ipv4(const char *p, size_t n)
{
	size_t i = 0;

	for (int group = 0; group < 4; group++) {
		size_t end = skip_digits(p, i, n);

		if (end == i || end - i > 3)
			return 0;
		i = end;
		if (group < 3) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && p[i] == ':' && skip_digits(p, i + 1, n) == n && i + 1 < n)
		return 1;
	return i == n;
}

/* HH:MM, HH:MM:SS, with optional fractions of a second. */
static int is_clock(const char *p, size_t n)
{
	size_t i = skip_digits(p, 0, n);

	if (i == 0 || i > 2 || i >= n || p[i] != ':')
		return 0;
	for (int group = 0; group < 2 && i < n && p[i] == ':'; group++) {
		size_t end = skip_digits(p, i + 1, n);

		if (end - (i + 1) != 2)
			return 0;
		i = end;
	}
	if (i < n && p[i] == '.')
		i = skip_digits(p, i + 1, n);
	return i == n;
}

static int is_ipv6(size_t n, const struct shape *s)
{
	return s->colons >= 2 && s->digits + s->hex_letters + s->colons + s->dots == n &&
	       s->digits + s->hex_letters > 0;
}

/* Dot-separated labels ending with an alphabetic top-level label. */
static int is_host_name(const char *p, size_t n, const struct shape *s)
{
	size_t last = n;

	if (s->dots == 0 || s->colons > 0 ||
	    !(is_alpha((unsigned char)p[0]) || is_digit((unsigned char)p[0])))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return 0;
	while (last > 0 && p[last - 1] != '.')
		last--;
	if (n - last < 2)
		return 0;
	for (size_t i = last; i < n; i++)
		if (!is_alpha((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Writes one part of a word (no '=', '/' or interior '@' in it), of the
 * given shape. */
static void template_part(struct text_buffer *o, const char *p, size_t n, const struct shape *shape,
                          int in_path)
{
	struct shape s = *shape;

	if (n == 0)
		return;
	if (s.digits == n || ((p[0] == '+' || p[0] == '-') && s.digits == n - 1 && n > 1)) {
		put_string(o, "{n}"); /* 42, and time zones such as +0100 */
	} else if (s.digits + s.dots == n) {
		if (is_enhanced_code(p, n))
			put_bytes(o, p, n);
		else
			put_string(o, is_ipv4(p, n) ? "{ip}" : "{n}");
	} else if (s.colons == 1 && is_ipv4(p, n)) {
		put_string(o, "{ip}");
	} else if (is_clock(p, n)) {
		put_string(o, "{time}");
	} else if (is_ipv6(n, &s)) {
		put_string(o, "{ip}");
	} else if (n > 5 && starts_with_nocase(p, n, "ipv6:")) {
		put_bytes(o, p, 5);
		put_string(o, "{ip}");
	} else if (is_iso_date(p, n)) {
		put_string(o, "{time}");
	} else if (is_host_name(p, n, &s) && (!in_path || s.dots >= 2)) {
		/* In a URL path one dot is a file name (answer.py); two are a host
		 * name, often with an extension (help/example.com.html). */
		put_string(o, "{host}");
	} else if (s.digits > 0 || (n >= 16 && s.letters == n && s.case_changes >= 3)) {
		put_string(o, "{id}");
	} else {
		put_bytes(o, p, n);
	}
}

/* Writes the parts of p[0..n) split at '=' and '/', the separators kept;
 * the shape of a part is counted in the same pass that finds its end. */
static void template_parts(struct text_buffer *o, const char *p, size_t n, int in_path)
{
	const struct shape empty = {0, 0, 0, 0, 0, 0};
	struct shape shape = empty;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '=' || c == '/') {
			template_part(o, p + start, i - start, &shape, in_path);
			put_char(o, (char)c);
			start = i + 1;
			shape = empty;
			continue;
		}
		shape_add(&shape, c, i > start ? (unsigned char)p[i - 1] : 0);
	}
	template_part(o, p + start, n - start, &shape, in_path);
}

/* A URL keeps its scheme, host and path; the query or fragment goes. */
static void template_url(struct text_buffer *o, const char *p, size_t n)
{
	size_t i = 0, host;

	while (i < n && p[i] != ':')
		i++;
	i += 3; /* "://", checked by the caller */
	put_bytes(o, p, i);
	host = i;
	while (i < n && p[i] != '/' && p[i] != '?' && p[i] != '#')
		i++;
	if (i > host && (is_ipv4(p + host, i - host) || p[host] == '['))
		put_string(o, "{ip}");
	else
		put_bytes(o, p + host, i - host);
	host = i;
	while (i < n && p[i] != '?' && p[i] != '#')
		i++;
	template_parts(o, p + host, i - host, 1);
	if (i < n) {
		put_char(o, p[i]);
		put_string(o, "{query}");
	}
}

static int is_trailing_punctuation(unsigned char c)
{
	return c == '.' || c == ':' || c == '!' || c == '?' || c == '\'';
}

/* Writes one word: sentence punctuation at its end is kept as written. */
static void template_word(struct text_buffer *o, const char *p, size_t n)
{
	size_t end = n;
	int address;

	if (n > 1 && p[0] == ':') {
		/* "]:25" after a bracketed address: the colon is punctuation */
		put_char(o, ':');
		template_word(o, p + 1, n - 1);
		return;
	}
	while (end > 0 && is_trailing_punctuation((unsigned char)p[end - 1]))
		end--;
	address = end > 2 && memchr(p + 1, '@', end - 2) != NULL;
	if (starts_with_nocase(p, end, "http://") || starts_with_nocase(p, end, "https://"))
		template_url(o, p, end);
	else if (address)
		put_string(o, "{addr}");
	else
		template_parts(o, p, end, 0);
	put_bytes(o, p + end, n - end);
}

/* Length of a quoted mailbox at p[0] ('<' or '"', one word, closed), or 0. */
static size_t quoted_word_length(const char *p, size_t n)
{
	char close = p[0] == '<' ? '>' : '"';
	size_t i = 1;

	while (i < n && i <= 257 && template_classes[(unsigned char)p[i]] >= TC_WORD)
		i++;
	if (i == 1 || i >= n || p[i] != close)
		return 0;
	return i + 1;
}

/* <CRLF>, <DATA>, <END-OF-DATA>: protocol words, not mailboxes. */
static int is_protocol_word(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-' || p[i] == '_'))
			return 0;
	return 1;
}

/*
 * A word of letters (the first `letters` bytes of p[0..n)) followed only by
 * sentence punctuation is kept as written without a closer look: most
 * words of a reply are such words.  Long runs of letters are looked at, as
 * they may be random ids.  A word of punctuation alone (the ":" after
 * "[192.0.2.1]") is kept as written too: template_word() would write it
 * back unchanged.
 */
static int is_plain_word(const char *p, size_t n, size_t letters)
{
	if (letters >= 16)
		return 0;
	for (size_t i = letters; i < n; i++)
		if (!is_trailing_punctuation((unsigned char)p[i]))
			return 0;
	return 1;
}

/* template_word(), through the memo (NULL: none). */
static void template_word_memo(struct text_buffer *o, const char *p, size_t n,
                               struct word_memo *memo)
{
	struct word_memo *slot;
	struct text_buffer made;

	if (memo == NULL || n > WORD_MEMO_BYTES) {
		template_word(o, p, n);
		return;
	}
	slot = &memo[hash_bytes(HASH_SEED, p, n) & (WORD_MEMO_SLOTS - 1)];
	if (slot->len == n && memcmp(slot->word, p, n) == 0) {
		put_bytes(o, slot->template, slot->template_len);
		return;
	}
	made = (struct text_buffer){slot->template, sizeof(slot->template), 0, 0};
	template_word(&made, p, n);
	if (made.full) {
		slot->len = 0; /* too long a template to keep */
		template_word(o, p, n);
		return;
	}
	slot->len = (unsigned char)n;
	slot->template_len = (unsigned char)made.len;
	memcpy(slot->word, p, n);
	put_bytes(o, slot->template, slot->template_len);
}

/*
 * Text that needs no change (plain words, single spaces, punctuation) is
 * not copied word by word: text[literal..i) grows until something must be
 * rewritten (a variable word, a quoted mailbox, a run of white space) and
 * is then copied at once.
 */
size_t template_text(const char *text, size_t len, char *out, size_t size, struct word_memo *memo)
{
	struct text_buffer o = {out, size, 0, 0};
	size_t i = 0, literal, end, other;

	while (i < len && template_classes[(unsigned char)text[i]] == TC_SPACE)
		i++;
	literal = i;
	while (i < len && !o.full) {
		unsigned char c = (unsigned char)text[i];
		int class = template_classes[c];

		if (class == TC_LETTER) {
			end = i + 1;
			while (end < len && template_classes[(unsigned char)text[end]] == TC_LETTER)
				end++;
			/* Most of a reply is words of a few letters, each followed by
			 * one space and another such word: they stay as they are,
			 * and the space needs no step of its own. */
			if (end - i < 16 && end + 1 < len && text[end] == ' ' &&
			    template_classes[(unsigned char)text[end + 1]] == TC_LETTER) {
				i = end + 1;
				continue;
			}
		} else {
			end = i;
		}
		if (class == TC_SPACE) {
			end = i + 1;
			while (end < len && template_classes[(unsigned char)text[end]] == TC_SPACE)
				end++;
			if (c == ' ' && end == i + 1 && end < len) {
				i = end; /* one plain space between words stays as it is */
				continue;
			}
			put_bytes(&o, text + literal, i - literal);
			if (end < len)
				put_char(&o, ' ');
			i = literal = end;
			continue;
		}
		if (class < TC_WORD) {
			end = c == '<' || c == '"' ? quoted_word_length(text + i, len - i) : 0;
			if (end == 0 || is_protocol_word(text + i + 1, end - 2)) {
				i += end > 0 ? end : 1;
				continue;
			}
			put_bytes(&o, text + literal, i - literal);
			put_char(&o, (char)c);
			put_string(&o, "{addr}");
			put_char(&o, text[i + end - 1]);
			i = literal = i + end;
			continue;
		}
		/* The word's letters were passed above; now the rest of it, if any. */
		other = end;
		while (end < len && template_classes[(unsigned char)text[end]] >= TC_WORD)
			end++;
		if (!is_plain_word(text + i, end - i, other - i)) {
			put_bytes(&o, text + literal, i - literal);
			template_word_memo(&o, text + i, end - i, memo);
			literal = end;
		}
		i = end;
	}
	if (!o.full)
		put_bytes(&o, text + literal, i - literal);
	return o.full ? utf8_trim(out, o.len) : o.len;
}

size_t summary_template(const char *text, size_t len, char *out, size_t size)
{
	return template_text(text, len, out, size, NULL);
}
