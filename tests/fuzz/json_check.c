/*
 * json_check.c: strict JSON validation for the fuzz targets (see the header).
 *
 * A recursive-descent reader over (pointer, end) with a depth limit; every
 * function returns the position after what it read, or NULL on error.
 */
#include "json_check.h"

#include <string.h>

#define MAX_DEPTH 64

struct reader {
	const char *end;
	struct json_member *members;
	size_t max, count;
};

size_t json_utf8_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char low = 0x80, high = 0xbf;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	/* The second byte's range is narrower after E0, ED, F0 and F4. */
	if (c == 0xe0)
		low = 0xa0;
	else if (c == 0xed)
		high = 0x9f;
	else if (c == 0xf0)
		low = 0x90;
	else if (c == 0xf4)
		high = 0x8f;
	if (len < need || s[1] < low || s[1] > high)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

/* RFC 8259 whitespace; json_check_line() itself refuses a newline inside a
 * JSON Lines record, so a document (a summary) may span lines. */
static const char *skip_white(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the 4 hex digits after "\u" at p; returns the value or -1. */
static long read_hex4(const char *p, const char *end)
{
	long value = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int digit = hex_value(p[i]);

		if (digit < 0)
			return -1;
		value = value * 16 + digit;
	}
	return value;
}

static const char *read_string(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	p++;
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			long unit;

			if (end - p < 2)
				return NULL;
			if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0') {
				p += 2;
				continue;
			}
			if (p[1] != 'u')
				return NULL;
			unit = read_hex4(p + 2, end);
			if (unit < 0)
				return NULL;
			p += 6;
			if (unit >= 0xdc00 && unit <= 0xdfff)
				return NULL; /* a low surrogate alone */
			if (unit >= 0xd800 && unit <= 0xdbff) {
				long low;

				if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
					return NULL;
				low = read_hex4(p + 2, end);
				if (low < 0xdc00 || low > 0xdfff)
					return NULL;
				p += 6;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t n = json_utf8_length((const unsigned char *)p, (size_t)(end - p));

			if (n == 0)
				return NULL;
			p += n;
			continue;
		}
		p++;
	}
	return NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *read_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return NULL;
	if (*p == '0') {
		p++;
	} else {
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	return p;
}

static const char *read_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	return p + n;
}

static const char *read_value(struct reader *r, const char *p, int depth);

static const char *read_object(struct reader *r, const char *p, int depth)
{
	const char *end = r->end;

	p = skip_white(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		const char *key = p, *value;

		p = read_string(p, end);
		if (p == NULL)
			return NULL;
		if (depth == 1 && r->members != NULL) {
			if (r->count == r->max)
				return NULL;
			r->members[r->count].key = key;
			r->members[r->count].key_len = (size_t)(p - key);
		}
		p = skip_white(p, end);
		if (p >= end || *p != ':')
			return NULL;
		value = skip_white(p + 1, end);
		p = read_value(r, value, depth);
		if (p == NULL)
			return NULL;
		if (depth == 1 && r->members != NULL) {
			r->members[r->count].value = value;
			r->members[r->count].value_len = (size_t)(p - value);
			r->count++;
		}
		p = skip_white(p, end);
		if (p < end && *p == ',') {
			p = skip_white(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return NULL;
	}
}

static const char *read_array(struct reader *r, const char *p, int depth)
{
	const char *end = r->end;

	p = skip_white(p + 1, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		p = read_value(r, p, depth);
		if (p == NULL)
			return NULL;
		p = skip_white(p, end);
		if (p < end && *p == ',') {
			p = skip_white(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			return p + 1;
		return NULL;
	}
}

static const char *read_value(struct reader *r, const char *p, int depth)
{
	const char *end = r->end;

	if (p >= end || depth >= MAX_DEPTH)
		return NULL;
	switch (*p) {
	case '{':
		return read_object(r, p, depth + 1);
	case '[':
		return read_array(r, p, depth + 1);
	case '"':
		return read_string(p, end);
	case 't':
		return read_word(p, end, "true");
	case 'f':
		return read_word(p, end, "false");
	case 'n':
		return read_word(p, end, "null");
	default:
		return read_number(p, end);
	}
}

int json_check_line(const char *s, size_t len, struct json_member *members, size_t max,
                    size_t *count)
{
	struct reader r = {s + len, members, max, 0};
	const char *p;

	if (len == 0 || s[len - 1] != '\n' || memchr(s, '\n', len - 1) != NULL)
		return -1;
	r.end = s + len - 1;
	p = read_value(&r, skip_white(s, r.end), 0);
	if (p == NULL || skip_white(p, r.end) != r.end)
		return -1;
	if (count != NULL)
		*count = r.count;
	return 0;
}

int json_check_value(const char *s, size_t len)
{
	struct reader r = {s + len, NULL, 0, 0};
	const char *p = read_value(&r, s, 0);

	return p == s + len ? 0 : -1;
}

static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t json_decode_string(const char *raw, size_t len, char *out)
{
	const char *p = raw + 1, *end = raw + len - 1;
	size_t n = 0;

	while (p < end) {
		unsigned long cp;

		if (*p != '\\') {
			out[n++] = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'u':
			cp = (unsigned long)read_hex4(p + 2, end);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned long low = (unsigned long)read_hex4(p + 8, end);

				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
				p += 6;
			}
			n += put_utf8(out + n, cp);
			p += 6;
			continue;
		default: /* " \ / */
			out[n++] = p[1];
			break;
		}
		p += 2;
	}
	return n;
}

int json_key_is(const struct json_member *member, const char *name)
{
	size_t n = strlen(name);

	return member->key_len == n + 2 && memcmp(member->key + 1, name, n) == 0;
}

const struct json_member *json_find(const struct json_member *members, size_t count,
                                    const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (json_key_is(&members[i], name))
			return &members[i];
	return NULL;
}
