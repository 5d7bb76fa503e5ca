/*
 * fuzz_merge.c: libFuzzer target for the summary merger's JSON reader
 * (summary_merge_json(), used by --merge).
 *
 * The input is a JSON summary, well-formed or not.  Invariants:
 * - a refused document changes nothing (the summary written before and
 *   after is the same), its error offset lies inside the input and its
 *   message is non-empty and NUL-terminated;
 * - an accepted document gives a summary whose own JSON is strict RFC 8259
 *   (tests/fuzz/json_check.c) and is itself accepted again by the reader
 *   (what --summary --format=json writes, --merge must read).
 * Small tables keep each run fast; everything is freed, so LeakSanitizer
 * checks both paths.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "json_check.h"
#include "summary.h"

static const struct summary_limits small = {16, 16, 16, 16, 16, 16, 3};

/* The summary's JSON in a malloc'd buffer (free it), or NULL. */
static char *summary_json(const struct summary *s, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (out == NULL)
		return NULL;
	summary_write_json(s, out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct summary *s = summary_create_limited(0, &small);
	char *input = malloc(size + 1), *before, *after;
	char error[128];
	size_t offset = (size_t)-1, before_len, after_len;
	int status;

	if (s == NULL || input == NULL) {
		summary_free(s);
		free(input);
		return 0;
	}
	memcpy(input, data, size);
	before = summary_json(s, &before_len);
	memset(error, 0x5a, sizeof(error));
	status = summary_merge_json(s, input, size, &offset, error, sizeof(error));
	after = summary_json(s, &after_len);
	if (before != NULL && after != NULL) {
		FUZZ_CHECK(json_check_value(after, after_len > 0 && after[after_len - 1] == '\n'
		                                       ? after_len - 1
		                                       : after_len) == 0);
		if (status != 0) {
			FUZZ_CHECK(offset <= size);
			FUZZ_CHECK(memchr(error, '\0', sizeof(error)) != NULL && error[0] != '\0');
			FUZZ_CHECK(before_len == after_len &&
			           memcmp(before, after, before_len) == 0);
		} else {
			struct summary *again = summary_create_limited(0, &small);

			if (again != NULL)
				FUZZ_CHECK(summary_merge_json(again, after, after_len, &offset,
				                              error, sizeof(error)) == 0);
			summary_free(again);
		}
	}
	free(before);
	free(after);
	free(input);
	summary_free(s);
	return 0;
}
