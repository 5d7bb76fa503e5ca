/*
 * json_check.h: a small strict JSON validator for the fuzz targets.
 *
 * RFC 8259 exactly: objects, arrays, strings (escapes checked, surrogate
 * escapes paired, raw bytes valid UTF-8 with no overlongs, surrogates or
 * code points above U+10FFFF, no raw control characters), numbers,
 * true/false/null.  Written independently of src/cli/output.c so the writer is
 * checked by code that does not share its assumptions.
 */
#ifndef SMTPCLASS_FUZZ_JSON_CHECK_H
#define SMTPCLASS_FUZZ_JSON_CHECK_H

#include <stddef.h>

/* One member of a top-level object: raw spans into the checked text (the key
 * and a string value include their quotes). */
struct json_member {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/*
 * Checks that s[0..len) is exactly one JSON value followed by one "\n", with
 * no other newline (one JSON Lines record).  When the value is an object its
 * members are stored in members[0..*count) (at most max; more is an error).
 * Returns 0 when valid, -1 otherwise.
 */
int json_check_line(const char *s, size_t len, struct json_member *members, size_t max,
                    size_t *count);

/* Checks that s[0..len) is exactly one JSON value with nothing around it. */
int json_check_value(const char *s, size_t len);

/*
 * Decodes a checked JSON string literal (quotes included) into out, which
 * must have room for len bytes (decoding never grows).  Returns the length.
 */
size_t json_decode_string(const char *raw, size_t len, char *out);

/* Length of a well-formed UTF-8 sequence at s[0..len) (Unicode table 3-7),
 * 1 for ASCII, 0 when ill-formed. */
size_t json_utf8_length(const unsigned char *s, size_t len);

/* True when the member's raw key is the given name (a plain ASCII key). */
int json_key_is(const struct json_member *member, const char *name);

/* The member named name, or NULL. */
const struct json_member *json_find(const struct json_member *members, size_t count,
                                    const char *name);

#endif
