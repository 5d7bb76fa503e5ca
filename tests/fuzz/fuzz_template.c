/*
 * fuzz_template.c: libFuzzer target for the reply templater,
 * summary_template() and template_text() (src/cli/summary/template.c).
 *
 * Input: bytes 0-1 give an output size (little endian, modulo len + 64);
 * the rest is a reply text.  The text is copied into an exact-size block
 * and every output buffer is an exact-size malloc() block, so ASan reports
 * any read or write past either end.  Invariants:
 * - the full template (a buffer of 8 * len + 64 bytes, more than any
 *   template needs: a placeholder is at most 7 bytes and replaces at least
 *   one) fits: its length is below the size;
 * - with the size from the input, and with sizes 0, 1 and 7: the length is
 *   at most the size and the bytes are a prefix of the full template (a
 *   cut output only loses its end, an incomplete UTF-8 sequence included);
 * - the full template opens and ends with no white space and holds no run
 *   of two white space bytes (runs become one space, ends are dropped);
 * - the word memo changes nothing: template_text() through a memo, on a
 *   cold memo and again on the warm one, gives the full template byte for
 *   byte (template.h: "a remembered one is the one template_word() would
 *   write").
 * Templating a template is not asserted to change nothing: a placeholder
 * such as {n} is itself a word the templater reads, so that is not part of
 * the contract.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "summary.h"
#include "template.h"

/* White space as template.c's byte table has it: control bytes, SP, DEL. */
static int template_space(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* summary_template() into an exact-size block; checks the length against
 * the size and the bytes against full[0..full_len). */
static void check_cut(const char *text, size_t len, size_t size, const char *full, size_t full_len)
{
	char *out = malloc(size > 0 ? size : 1);
	size_t n;

	if (out == NULL)
		return;
	n = summary_template(text, len, out, size);
	FUZZ_CHECK(n <= size);
	FUZZ_CHECK(n <= full_len && memcmp(out, full, n) == 0);
	if (size >= full_len)
		FUZZ_CHECK(n == full_len);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct word_memo memo[WORD_MEMO_SLOTS];
	size_t len, full_size, full_len, asked, n;
	char *text, *full, *again;

	if (size < 2)
		return 0;
	len = size - 2;
	asked = ((size_t)data[0] | (size_t)data[1] << 8) % (len + 64);
	full_size = 8 * len + 64;
	text = malloc(len > 0 ? len : 1);
	full = malloc(full_size);
	again = malloc(full_size);
	if (text == NULL || full == NULL || again == NULL)
		goto done;
	memcpy(text, data + 2, len);

	full_len = summary_template(text, len, full, full_size);
	FUZZ_CHECK(full_len < full_size);
	if (full_len > 0) {
		FUZZ_CHECK(!template_space((unsigned char)full[0]));
		FUZZ_CHECK(!template_space((unsigned char)full[full_len - 1]));
	}
	for (size_t i = 1; i < full_len; i++)
		FUZZ_CHECK(!(template_space((unsigned char)full[i - 1]) &&
		             template_space((unsigned char)full[i])));

	check_cut(text, len, asked, full, full_len);
	check_cut(text, len, 0, full, full_len);
	check_cut(text, len, 1, full, full_len);
	check_cut(text, len, 7, full, full_len);

	memset(memo, 0, sizeof(memo));
	for (int pass = 0; pass < 2; pass++) {
		n = template_text(text, len, again, full_size, memo);
		FUZZ_CHECK(n == full_len && memcmp(again, full, n) == 0);
	}
done:
	free(text);
	free(full);
	free(again);
	return 0;
}
