/*
 * json_reader.h: a strict JSON reader (RFC 8259) for summaries given to
 * --merge (json_reader.c).
 */
#ifndef SMTPCLASS_SUMMARY_JSON_READER_H
#define SMTPCLASS_SUMMARY_JSON_READER_H

#include <stddef.h>

enum json_type { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

/* One value of the document.  Tokens are in document order: an object's
 * members follow it as key, value, key, value; next skips the children. */
struct json_token {
	unsigned char type;
	size_t start, end; /* the value's bytes; for a string, inside the quotes */
	size_t next;       /* index of the token after this value and its children */
	size_t count;      /* members of an object, elements of an array */
};

/* A token index meaning "no such value". */
#define JSON_NONE ((size_t)-1)

/* A document being read: text[0..len) and tokens, room for max of them
 * (a document of more values fails with "too many values"), provided by
 * the caller.  The other members start at zero. */
struct json_reader {
	const char *text;
	size_t len, pos;
	struct json_token *tokens;
	size_t used, max;
	size_t error_offset;
	const char *error;
};

/* Tokenises a whole document; returns 0, or -1 with r->error (a static
 * message) set and r->error_offset the byte offset of the problem. */
int json_read(struct json_reader *r);

/* Decodes a (checked) string token into out[0..size), cut at a whole
 * UTF-8 sequence; returns the length kept. */
size_t json_decode(const struct json_reader *r, size_t token, char *out, size_t size);

#endif
