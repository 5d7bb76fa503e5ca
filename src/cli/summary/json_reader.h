/*
 * json_reader.h: a strict JSON reader (RFC 8259) for summaries given to
 * --merge (json_reader.c).
 */
#ifndef SMTPCLASS_SUMMARY_JSON_READER_H
#define SMTPCLASS_SUMMARY_JSON_READER_H

#include <stddef.h>
#include <stdint.h>

enum json_type { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

/* One value of the document.  Tokens are in document order: an object's
 * members follow it as key, value, key, value; next skips the children. */
struct json_token {
	uint32_t start, end; /* the value's bytes; for a string, inside the quotes */
	uint32_t next;       /* index of the token after this value and its children */
	uint32_t count;      /* members of an object, elements of an array */
	unsigned char type;
};

/* Longest document read: offsets are 32 bits. */
#define JSON_TEXT_MAX UINT32_MAX

/* A token index meaning "no such value". */
#define JSON_NONE ((size_t)-1)

/* A document being read: text[0..len), and at most max tokens (a document
 * of more values fails with "too many values"), allocated as they are
 * needed; free(tokens) when done.  The other members start at zero. */
struct json_reader {
	const char *text;
	size_t len, pos;
	struct json_token *tokens;
	size_t used, max, allocated;
	size_t error_offset;
	const char *error;
};

/* Tokenises a whole document, which must be an object, with no member name
 * twice in an object (as strict readers refuse them: one document must not
 * read two ways); returns 0, or -1 with r->error (a static message) set
 * and r->error_offset the byte offset of the problem. */
int json_read(struct json_reader *r);

/* Decodes a (checked) string token into out[0..size), cut at a whole
 * UTF-8 sequence; returns the length kept. */
size_t json_decode(const struct json_reader *r, size_t token, char *out, size_t size);

#endif
