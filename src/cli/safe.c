/*
 * safe.c: the one place that decides how input bytes are shown (see
 * safe.h for the rules and why the scan is split into runs and units).
 */
#include "safe.h"

size_t utf8_sequence_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t need;
	unsigned min;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		min = 0x80;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		min = 0x800;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		min = 0x10000;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

struct safe_piece safe_unit(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct safe_piece piece = {s, 1, 1};
	size_t n;

	if (p[0] < 0x20 || p[0] == 0x7f) {
		piece.bytes = " ";
		return piece;
	}
	if (p[0] < 0x80)
		return piece;
	n = utf8_sequence_length(p, len);
	piece.bytes = SAFE_REPLACEMENT;
	piece.len = sizeof(SAFE_REPLACEMENT) - 1;
	if (n == 0)
		return piece; /* one U+FFFD per ill-formed byte */
	piece.consumed = n;
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return piece; /* U+0080-U+009F: a C1 control */
	piece.bytes = s;
	piece.len = n;
	return piece;
}

size_t safe_copy(char *dst, size_t cap, const char *s, size_t len)
{
	size_t used = 0, i = 0;

	while (i < len) {
		size_t run = safe_plain_run(s + i, len - i, 0);
		struct safe_piece piece;

		if (run > 0) {
			if (run > cap - used)
				run = cap - used;
			memcpy(dst + used, s + i, run);
			used += run;
			i += run;
			if (used == cap)
				break;
			continue;
		}
		piece = safe_unit(s + i, len - i);
		if (piece.len > cap - used)
			break;
		memcpy(dst + used, piece.bytes, piece.len);
		used += piece.len;
		i += piece.consumed;
	}
	return used;
}

struct safe_piece safe_json_unit(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct safe_piece piece = {s, 1, 1};
	size_t n;

	if (p[0] == '\0') {
		/* No reply holds a NUL; a reader in C (rsyslog's libfastjson)
		 * would end the string at \u0000. */
		piece.bytes = SAFE_REPLACEMENT;
		piece.len = sizeof(SAFE_REPLACEMENT) - 1;
		return piece;
	}
	if (p[0] < 0x80)
		return piece;
	n = utf8_sequence_length(p, len);
	if (n == 0) {
		piece.bytes = SAFE_REPLACEMENT; /* one U+FFFD per ill-formed byte */
		piece.len = sizeof(SAFE_REPLACEMENT) - 1;
		return piece;
	}
	piece.len = n;
	piece.consumed = n;
	return piece;
}

size_t safe_json_copy(char *dst, size_t cap, const char *s, size_t len)
{
	size_t used = 0, i = 0;

	while (i < len) {
		struct safe_piece piece = safe_json_unit(s + i, len - i);

		if (piece.len > cap - used)
			break;
		memcpy(dst + used, piece.bytes, piece.len);
		used += piece.len;
		i += piece.consumed;
	}
	return used;
}

int safe_shell_word(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (len == 0 || s[0] == '-')
		return 0;
	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '+' || c == '-' || c == '=' || c == '%' ||
		    c == '@') {
			i++;
			continue;
		}
		if (c < 0x80)
			return 0;
		n = utf8_sequence_length(p + i, len - i);
		if (n == 0 || (n == 2 && c == 0xc2 && p[i + 1] < 0xa0))
			return 0;
		i += n;
	}
	return 1;
}

/* Four buffers, so that one message can show up to four names. */
#define SHOWN_BUFFERS 4
#define SHOWN_BYTES   4096

const char *safe_shown(const char *s)
{
	static char buffers[SHOWN_BUFFERS][SHOWN_BYTES];
	static unsigned next;
	size_t len = strlen(s), used;
	char *out;

	if (safe_plain_run(s, len, 0) == len)
		return s;
	out = buffers[next];
	next = (next + 1) % SHOWN_BUFFERS;
	used = safe_copy(out, SHOWN_BYTES - 1, s, len);
	out[used] = '\0';
	return out;
}
