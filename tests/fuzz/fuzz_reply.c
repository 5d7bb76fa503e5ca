/*
 * fuzz_reply.c: libFuzzer target for smtpclass_parse().
 *
 * The input is one reply.  It is parsed twice: in libFuzzer's buffer and in
 * an exact-size malloc() copy, so AddressSanitizer catches any read past the
 * end.  Both parses must agree (same fields, spans at the same offsets) and
 * satisfy fuzz_check_reply(): spans inside the input, code ranges, PARSE_OK
 * exactly when a code was found, bounded text copies.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_invariants.h"

/* True when both parses found the same things at the same offsets. */
static int same_parse(const smtpclass_reply *a, const char *base_a, const smtpclass_reply *b,
                      const char *base_b)
{
	if (a->code != b->code || a->enhanced_class != b->enhanced_class ||
	    a->enhanced_subject != b->enhanced_subject ||
	    a->enhanced_detail != b->enhanced_detail || a->flags != b->flags ||
	    a->segment_count != b->segment_count || a->enhanced.len != b->enhanced.len)
		return 0;
	if (a->enhanced.ptr != NULL && a->enhanced.ptr - base_a != b->enhanced.ptr - base_b)
		return 0;
	for (size_t i = 0; i < a->segment_count; i++)
		if (a->segments[i].len != b->segments[i].len ||
		    a->segments[i].ptr - base_a != b->segments[i].ptr - base_b)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	char *copy = fuzz_exact_copy(data, size);
	smtpclass_reply reply, again;
	smtpclass_parse_status status;

	status = smtpclass_parse(copy, size, &reply);
	fuzz_check_reply(copy, size, status, &reply);

	FUZZ_CHECK(smtpclass_parse(input, size, &again) == status);
	FUZZ_CHECK(same_parse(&reply, copy, &again, input));

	/* Invalid arguments are reported, not dereferenced. */
	FUZZ_CHECK(smtpclass_parse(copy, size, NULL) == SMTPCLASS_PARSE_INVALID);
	FUZZ_CHECK(smtpclass_parse(NULL, 0, &again) == SMTPCLASS_PARSE_EMPTY);

	free(copy);
	return 0;
}
