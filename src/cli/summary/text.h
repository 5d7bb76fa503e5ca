/*
 * text.h: bounded text buffers and byte tests shared by the summary's files.
 *
 * The templater, the reply lines of the groups, the text report and the
 * JSON reader build text in caller-owned buffers of fixed size; a
 * text_buffer drops what does not fit and says so (full), and
 * utf8_trim() then cuts an incomplete UTF-8 sequence off the end.  The
 * byte tests are ASCII only, whatever the locale.  All static inline: the
 * templater calls them for every byte of a failed reply.
 */
#ifndef SMTPCLASS_SUMMARY_TEXT_H
#define SMTPCLASS_SUMMARY_TEXT_H

#include <stddef.h>
#include <string.h>

/* A bounded output buffer: writes past its size are dropped, never part
 * of a UTF-8 sequence (a cut backs off to the start of the character),
 * and once a write is cut every later one is dropped, so what is kept is
 * always a prefix of the whole text. */
struct text_buffer {
	char *buf;
	size_t size, len;
	int full;
};

static inline void put_bytes(struct text_buffer *o, const char *s, size_t n)
{
	if (o->full)
		return; /* after a cut nothing more, or a short write would follow it */
	if (n > o->size - o->len) {
		n = o->size - o->len;
		o->full = 1;
		/* s[n] is where the cut falls: not inside a character */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void put_string(struct text_buffer *o, const char *s)
{
	put_bytes(o, s, strlen(s));
}

static inline void put_char(struct text_buffer *o, char c)
{
	put_bytes(o, &c, 1);
}

/* Drops an incomplete UTF-8 sequence left at the end by a cut. */
static inline size_t utf8_trim(const char *s, size_t len)
{
	size_t start = len, need;
	unsigned char lead;

	while (start > 0 && len - start < 3 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return len;
	lead = (unsigned char)s[start - 1]; /* s[start - 1] leads the last sequence */
	if (lead < 0xc0)
		return len;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return len - (start - 1) < need ? start - 1 : len;
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_hex_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int starts_with_nocase(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)prefix[i])
			return 0;
	}
	return 1;
}

/* Counts the digits from p[i]; returns the index after them. */
static inline size_t skip_digits(const char *p, size_t i, size_t n)
{
	while (i < n && is_digit((unsigned char)p[i]))
		i++;
	return i;
}

/* Starts like an ISO 8601 date: YYYY-MM-DD. */
static inline int is_iso_date(const char *p, size_t n)
{
	return n >= 10 && skip_digits(p, 0, n) == 4 && p[4] == '-' && skip_digits(p, 5, n) == 7 &&
	       p[7] == '-' && skip_digits(p, 8, n) == 10;
}

#endif
