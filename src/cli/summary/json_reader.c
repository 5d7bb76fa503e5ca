/*
 * json_reader.c: a small strict JSON reader (RFC 8259).
 *
 * The JSON form of a summary can be read back by summary_merge_json().
 * The reader builds a token array over the document, each token a type,
 * the offsets of its bytes and the index of the token after it and its
 * children, so that the merge can walk objects and arrays without a
 * tree (it walks them twice: once to check every type, once to add).
 * Nothing is decoded while reading, only checked: strings are valid
 * UTF-8 with valid escapes (surrogates in pairs), numbers have the RFC's
 * form, nesting is at most JSON_DEPTH_MAX deep, and nothing may follow
 * the document.  Strings are decoded on demand (json_decode()).  The
 * first problem is kept with its byte offset, for the error message.
 */
#include "json_reader.h"

#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "text.h"

#define JSON_DEPTH_MAX 32

/* Members of an object checked against each other for duplicates; an
 * object with more is refused (a summary's largest has one a reason). */
#define JSON_MEMBERS_MAX 1024

/* Bytes of a member name compared when it holds escapes. */
#define JSON_NAME_MAX 256

static int json_fail(struct json_reader *r, size_t offset, const char *message)
{
	if (r->error == NULL) {
		r->error_offset = offset;
		r->error = message;
	}
	return -1;
}

static void json_skip_space(struct json_reader *r)
{
	while (r->pos < r->len && (r->text[r->pos] == ' ' || r->text[r->pos] == '\t' ||
	                           r->text[r->pos] == '\n' || r->text[r->pos] == '\r'))
		r->pos++;
}

static int json_hex4(const char *s, unsigned *value)
{
	*value = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];
		int digit = is_digit(c) ? c - '0' : is_hex_letter(c) ? (c | 0x20) - 'a' + 10 : -1;

		if (digit < 0)
			return -1;
		*value = *value << 4 | (unsigned)digit;
	}
	return 0;
}

/* Checks a string from its opening quote; leaves pos after the closing one. */
static int json_scan_string(struct json_reader *r)
{
	const unsigned char *s = (const unsigned char *)r->text;

	r->pos++;
	while (r->pos < r->len) {
		unsigned char c = s[r->pos];
		size_t n;
		unsigned unit, low;

		if (c == '"') {
			r->pos++;
			return 0;
		}
		if (c < 0x20)
			return json_fail(r, r->pos, "control character in a string");
		if (c != '\\') {
			n = utf8_sequence_length(s + r->pos, r->len - r->pos);
			if (n == 0)
				return json_fail(r, r->pos, "invalid UTF-8 in a string");
			r->pos += n;
			continue;
		}
		if (r->pos + 1 >= r->len)
			break;
		c = s[r->pos + 1];
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
			r->pos += 2;
			continue;
		}
		if (c != 'u')
			return json_fail(r, r->pos, "invalid escape in a string");
		if (r->pos + 6 > r->len)
			break;
		if (json_hex4(r->text + r->pos + 2, &unit) != 0)
			return json_fail(r, r->pos, "invalid \\u escape");
		if (unit >= 0xdc00 && unit <= 0xdfff)
			return json_fail(r, r->pos, "lone low surrogate in a string");
		if (unit >= 0xd800 && unit <= 0xdbff) {
			if ((r->pos + 6 < r->len && s[r->pos + 6] != '\\') ||
			    (r->pos + 7 < r->len && s[r->pos + 7] != 'u'))
				return json_fail(r, r->pos, "lone high surrogate in a string");
			if (r->pos + 12 > r->len)
				break;
			if (json_hex4(r->text + r->pos + 8, &low) != 0 || low < 0xdc00 ||
			    low > 0xdfff)
				return json_fail(r, r->pos, "lone high surrogate in a string");
			r->pos += 6;
		}
		r->pos += 6;
	}
	return json_fail(r, r->len, "unexpected end of input in a string");
}

static int json_scan_number(struct json_reader *r)
{
	const char *s = r->text;
	size_t digits;

	if (r->pos < r->len && s[r->pos] == '-')
		r->pos++;
	digits = skip_digits(s, r->pos, r->len);
	if (digits == r->pos)
		return json_fail(r, r->pos,
		                 r->pos == r->len ? "unexpected end of input in a number"
		                                  : "invalid number");
	if (s[r->pos] == '0' && digits - r->pos > 1)
		return json_fail(r, r->pos, "number with a leading zero");
	r->pos = digits;
	if (r->pos < r->len && s[r->pos] == '.') {
		digits = skip_digits(s, r->pos + 1, r->len);
		if (digits == r->pos + 1)
			return json_fail(r, digits, "invalid number");
		r->pos = digits;
	}
	if (r->pos < r->len && (s[r->pos] == 'e' || s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->len && (s[r->pos] == '+' || s[r->pos] == '-'))
			r->pos++;
		digits = skip_digits(s, r->pos, r->len);
		if (digits == r->pos)
			return json_fail(r, digits, "invalid number");
		r->pos = digits;
	}
	return 0;
}

static int json_scan_literal(struct json_reader *r, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < n; i++) {
		if (r->pos + i >= r->len)
			return json_fail(r, r->len, "unexpected end of input");
		if (r->text[r->pos + i] != word[i])
			return json_fail(r, r->pos, "invalid literal");
	}
	r->pos += n;
	return 0;
}

static long json_value(struct json_reader *r, int depth);
size_t json_decode(const struct json_reader *r, size_t token, char *out, size_t size);

/* Whether two member names are the same string once decoded. */
static int same_name(const struct json_reader *r, size_t a, size_t b)
{
	const struct json_token *x = &r->tokens[a], *y = &r->tokens[b];
	char left[JSON_NAME_MAX], right[JSON_NAME_MAX];
	size_t n;

	if (memchr(r->text + x->start, '\\', x->end - x->start) == NULL &&
	    memchr(r->text + y->start, '\\', y->end - y->start) == NULL)
		return x->end - x->start == y->end - y->start &&
		       memcmp(r->text + x->start, r->text + y->start, x->end - x->start) == 0;
	n = json_decode(r, a, left, sizeof(left));
	return n == json_decode(r, b, right, sizeof(right)) && memcmp(left, right, n) == 0;
}

/* Refuses an object whose members repeat a name; it is small (see
 * JSON_MEMBERS_MAX), so comparing every pair is cheap. */
static int json_check_names(struct json_reader *r, size_t object)
{
	size_t key = object + 1;

	for (uint32_t k = 0; k < r->tokens[object].count; k++) {
		size_t other = object + 1;

		for (uint32_t j = 0; j < k; j++) {
			if (same_name(r, other, key))
				return json_fail(r, r->tokens[key].start - 1,
				                 "member name given twice");
			other = r->tokens[other + 1].next;
		}
		key = r->tokens[key + 1].next;
	}
	return 0;
}

/* The members or elements of an object or array, from after its bracket. */
static int json_children(struct json_reader *r, size_t token, int depth)
{
	int object = r->tokens[token].type == J_OBJECT;
	char close = object ? '}' : ']';

	json_skip_space(r);
	if (r->pos < r->len && r->text[r->pos] == close) {
		r->pos++;
		return 0;
	}
	for (;;) {
		json_skip_space(r);
		if (object) {
			if (r->pos >= r->len)
				return json_fail(r, r->len, "unexpected end of input");
			if (r->text[r->pos] != '"')
				return json_fail(r, r->pos, "expected a string as member name");
			if (json_value(r, depth + 1) < 0)
				return -1;
			json_skip_space(r);
			if (r->pos >= r->len)
				return json_fail(r, r->len, "unexpected end of input");
			if (r->text[r->pos] != ':')
				return json_fail(r, r->pos, "expected ':' after a member name");
			r->pos++;
		}
		if (json_value(r, depth + 1) < 0)
			return -1;
		if (object && r->tokens[token].count == JSON_MEMBERS_MAX)
			return json_fail(r, r->tokens[token].start, "object with too many members");
		r->tokens[token].count++;
		json_skip_space(r);
		if (r->pos >= r->len)
			return json_fail(r, r->len, "unexpected end of input");
		if (r->text[r->pos] == close) {
			r->pos++;
			return object ? json_check_names(r, token) : 0;
		}
		if (r->text[r->pos] != ',')
			return json_fail(r, r->pos,
			                 object ? "expected ',' or '}'" : "expected ',' or ']'");
		r->pos++;
	}
}

/* Scans one value at pos into a token; returns its index or -1. */
static long json_value(struct json_reader *r, int depth)
{
	size_t token;
	struct json_token *t;
	int status;

	json_skip_space(r);
	if (r->pos >= r->len)
		return json_fail(r, r->len, "unexpected end of input");
	if (depth > JSON_DEPTH_MAX)
		return json_fail(r, r->pos, "nested too deeply");
	if (r->used == r->max)
		return json_fail(r, r->pos, "too many values");
	if (r->used == r->allocated) {
		/* Grown as values come: memory follows the document's values, not
		 * the bound (a value takes 20 bytes, and at least 2 of text). */
		size_t allocated = r->allocated == 0 ? 256 : r->allocated * 2;
		struct json_token *tokens;

		if (allocated > r->max)
			allocated = r->max;
		tokens = realloc(r->tokens, allocated * sizeof(*tokens));
		if (tokens == NULL)
			return json_fail(r, r->pos, "out of memory");
		r->tokens = tokens;
		r->allocated = allocated;
	}
	token = r->used++;
	t = &r->tokens[token];
	memset(t, 0, sizeof(*t));
	t->start = (uint32_t)r->pos;
	switch (r->text[r->pos]) {
	case '{':
	case '[':
		t->type = r->text[r->pos] == '{' ? J_OBJECT : J_ARRAY;
		r->pos++;
		status = json_children(r, token, depth);
		break;
	case '"':
		t->type = J_STRING;
		status = json_scan_string(r);
		break;
	case 't':
		t->type = J_TRUE;
		status = json_scan_literal(r, "true");
		break;
	case 'f':
		t->type = J_FALSE;
		status = json_scan_literal(r, "false");
		break;
	case 'n':
		t->type = J_NULL;
		status = json_scan_literal(r, "null");
		break;
	default:
		if (r->text[r->pos] != '-' && !is_digit((unsigned char)r->text[r->pos]))
			return json_fail(r, r->pos, "unexpected character");
		t->type = J_NUMBER;
		status = json_scan_number(r);
		break;
	}
	if (status != 0)
		return -1;
	t = &r->tokens[token];
	t->end = (uint32_t)r->pos;
	if (t->type == J_STRING) {
		t->start++;
		t->end--;
	}
	t->next = (uint32_t)r->used;
	return (long)token;
}

size_t json_document_length(const char *text, size_t len)
{
	size_t i = 0, depth = 0;
	int in_string = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	if (i == len || (text[i] != '{' && text[i] != '['))
		return len;
	for (; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return len;
}

/* Tokenises a whole document; returns 0, or -1 with r->error set. */
int json_read(struct json_reader *r)
{
	if (r->len > JSON_TEXT_MAX)
		return json_fail(r, 0, "document too large");
	/* The root's type before any token: a large array costs nothing. */
	json_skip_space(r);
	if (r->pos < r->len && r->text[r->pos] != '{')
		return json_fail(r, r->pos,
		                 r->text[r->pos] != '\0' &&
		                         strchr("[\"-0123456789tfn", r->text[r->pos])
		                     ? "expected an object"
		                     : "unexpected character");
	if (json_value(r, 0) < 0)
		return -1;
	json_skip_space(r);
	if (r->pos < r->len)
		return json_fail(r, r->pos, "data after the JSON document");
	return 0;
}

static void put_utf8(struct text_buffer *o, unsigned long cp)
{
	char b[4];

	if (cp < 0x80) {
		put_char(o, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 4);
	}
}

/* Decodes a (checked) string token into out; returns the length kept. */
size_t json_decode(const struct json_reader *r, size_t token, char *out, size_t size)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	const struct json_token *t = &r->tokens[token];
	struct text_buffer o = {out, size, 0, 0};
	size_t i = t->start;

	while (i < t->end && !o.full) {
		unsigned unit, low;

		if (r->text[i] != '\\') {
			put_char(&o, r->text[i++]);
			continue;
		}
		if (r->text[i + 1] != 'u') {
			const char *e = strchr(escapes, r->text[i + 1]);

			put_char(&o, e != NULL ? e[1] : '?');
			i += 2;
			continue;
		}
		json_hex4(r->text + i + 2, &unit);
		i += 6;
		if (unit >= 0xd800 && unit <= 0xdbff) {
			json_hex4(r->text + i + 2, &low);
			i += 6;
			put_utf8(&o,
			         0x10000 + ((unsigned long)(unit - 0xd800) << 10) + (low - 0xdc00));
		} else {
			put_utf8(&o, unit);
		}
	}
	return o.full ? utf8_trim(out, o.len) : o.len;
}
