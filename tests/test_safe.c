/*
 * test_safe.c: src/cli/safe.c, the rules every writer of input bytes
 * follows (smtpclass(1), Safe output).
 *
 *   copies[]   input bytes and what safe_copy() makes of them: controls as
 *              spaces, C1 (raw or encoded) and ill-formed UTF-8 as U+FFFD,
 *              the rest unchanged;
 *   json_copies[]  the same for safe_json_copy(), as the JSON output reads
 *              back: controls kept (the writer escapes them), NUL and
 *              ill-formed UTF-8 as U+FFFD, C1 kept (well-formed);
 *   words[]    addresses and whether --addresses prints them
 *              (safe_shell_word());
 *   test_runs  safe_plain_run() stops at the first byte that needs a look,
 *              at every offset of a long run (the eight-byte steps);
 *   test_cut   a full buffer never ends inside a UTF-8 sequence;
 *   test_shown safe_shown() returns plain names themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "safe.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define FFFD         "\xef\xbf\xbd"

struct copy_row {
	const char *input;
	size_t len; /* 0: strlen(input) */
	const char *output;
};

static const struct copy_row copies[] = {
    {"550 5.1.1 user unknown", 0, "550 5.1.1 user unknown"},
    {"a\x1b[2Jb", 0, "a [2Jb"},                /* ESC */
    {"t\x1b]0;title\x07x", 0, "t ]0;title x"}, /* OSC, BEL */
    {"tab\there\r\n", 0, "tab here  "},
    {"del\x7f", 0, "del "},
    {"nul\0x", 5, "nul x"},
    {"c1 \xc2\x9b 31m", 0, "c1 " FFFD " 31m"},   /* U+009B, 8-bit CSI */
    {"c1 \xc2\x85", 0, "c1 " FFFD},              /* U+0085, NEL */
    {"raw \x9b", 0, "raw " FFFD},                /* a raw C1 byte */
    {"nbsp \xc2\xa0 ok", 0, "nbsp \xc2\xa0 ok"}, /* U+00A0: past C1 */
    {"caf\xc3\xa9", 0, "caf\xc3\xa9"},
    {"\xe2\x80\xa8", 0, "\xe2\x80\xa8"}, /* U+2028 is not a control */
    {"\xf0\x9f\x93\xa7", 0, "\xf0\x9f\x93\xa7"},
    {"bad \xff\xfe", 0, "bad " FFFD FFFD},
    {"over \xc0\xaf", 0, "over " FFFD FFFD}, /* overlong '/' */
    {"sur \xed\xa0\x80", 0, "sur " FFFD FFFD FFFD},
    {"big \xf4\x90\x80\x80", 0, "big " FFFD FFFD FFFD FFFD},
    {"cut \xe2\x80", 0, "cut " FFFD FFFD},
};

static void test_copies(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(copies); i++) {
		const struct copy_row *row = &copies[i];
		size_t len = row->len != 0 ? row->len : strlen(row->input);
		char out[256];
		size_t n = safe_copy(out, sizeof(out), row->input, len);

		out[n] = '\0';
		if (strcmp(out, row->output) != 0)
			fail_msg("row %zu: got \"%s\", want \"%s\"", i, out, row->output);
	}
}

static const struct copy_row json_copies[] = {
    {"550 5.1.1 user unknown", 0, "550 5.1.1 user unknown"},
    {"a\x1b[2Jb \"q\" \\", 0, "a\x1b[2Jb \"q\" \\"},
    {"tab\there\r\n\x7f", 0, "tab\there\r\n\x7f"},
    {"nul\0x", 5, "nul" FFFD "x"},
    {"c1 \xc2\x9b 31m", 0, "c1 \xc2\x9b 31m"},
    {"raw \x9b", 0, "raw " FFFD},
    {"caf\xc3\xa9 \xf0\x9f\x93\xa7", 0, "caf\xc3\xa9 \xf0\x9f\x93\xa7"},
    {"bad \xff\xfe", 0, "bad " FFFD FFFD},
    {"over \xc0\xaf", 0, "over " FFFD FFFD},
    {"sur \xed\xa0\x80", 0, "sur " FFFD FFFD FFFD},
    {"big \xf4\x90\x80\x80", 0, "big " FFFD FFFD FFFD FFFD},
    {"cut \xe2\x80", 0, "cut " FFFD FFFD},
};

static void test_json_copies(void **state)
{
	char out[6];

	(void)state;
	for (size_t i = 0; i < COUNT(json_copies); i++) {
		const struct copy_row *row = &json_copies[i];
		size_t len = row->len != 0 ? row->len : strlen(row->input);
		char text[256];
		size_t n = safe_json_copy(text, sizeof(text), row->input, len);

		text[n] = '\0';
		if (strcmp(text, row->output) != 0)
			fail_msg("row %zu: got \"%s\", want \"%s\"", i, text, row->output);
	}
	/* cut on a character boundary, after replacing */
	assert_int_equal(safe_json_copy(out, 6, "ab\xff\xff", 4), 5);
	assert_int_equal(safe_json_copy(out, 3, "ab\xc3\xa9", 4), 2);
	assert_int_equal(safe_json_copy(out, 0, "ab", 2), 0);
}

struct word_row {
	const char *address;
	int plain;
};

static const struct word_row words[] = {
    {"bob@example.com", 1},
    {"first.last+tag@example.co.uk", 1},
    {"a_b=c%d@example.org", 1},
    {"j\xc3\xb6rg@example.de", 1},
    {"-rf@example.com", 0},
    {"$(touch x)@example.com", 0},
    {"a;b@example.com", 0},
    {"a|b@example.com", 0},
    {"a`b`@example.com", 0},
    {"q'uote@example.com", 0},
    {"q\"uote@example.com", 0},
    {"sp ace@example.com", 0},
    {"e\x1b[31m@example.com", 0},
    {"c1\xc2\x9b@example.com", 0},
    {"bad\xff@example.com", 0},
    {"glob*@example.com", 0},
    {"", 0},
};

static void test_words(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(words); i++)
		if (safe_shell_word(words[i].address, strlen(words[i].address)) != words[i].plain)
			fail_msg("row %zu (%s): want %d", i, words[i].address, words[i].plain);
}

static void test_runs(void **state)
{
	static const unsigned char stops[] = {0x00, 0x1b, 0x1f, 0x7f, 0x80, 0xc2, 0xff, '"'};
	char text[64];

	(void)state;
	for (size_t s = 0; s < sizeof(stops); s++) {
		for (size_t at = 0; at < sizeof(text); at++) {
			memset(text, 'a', sizeof(text));
			text[at] = (char)stops[s];
			if (stops[s] == '"') {
				assert_int_equal(safe_plain_run(text, sizeof(text), 1), at);
				assert_int_equal(safe_plain_run(text, sizeof(text), 0),
				                 sizeof(text));
			} else {
				assert_int_equal(safe_plain_run(text, sizeof(text), 0), at);
			}
		}
	}
	assert_int_equal(safe_plain_run(" ~", 2, 0), 2);
}

static void test_cut(void **state)
{
	char out[6];

	(void)state;
	/* "ab" then U+FFFD (3 bytes) fits 5; a second does not: cut before it */
	assert_int_equal(safe_copy(out, 6, "ab\xff\xff", 4), 5);
	assert_int_equal(safe_copy(out, 4, "ab\xc3\xa9\xc3\xa9", 6), 4);
	assert_int_equal(safe_copy(out, 3, "ab\xc3\xa9", 4), 2);
	assert_int_equal(safe_copy(out, 3, "abcdef", 6), 3);
}

static void test_shown(void **state)
{
	const char *plain = "mail.log";

	(void)state;
	assert_ptr_equal(safe_shown(plain), plain);
	assert_string_equal(safe_shown("log\x1b[31mred"), "log [31mred");
	assert_string_equal(safe_shown("x\xc2\x9b"), "x" FFFD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_copies), cmocka_unit_test(test_words),
	    cmocka_unit_test(test_runs),   cmocka_unit_test(test_cut),
	    cmocka_unit_test(test_shown),  cmocka_unit_test(test_json_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
