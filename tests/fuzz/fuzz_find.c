/*
 * fuzz_find.c: libFuzzer target for smtpclass_find_reply().
 *
 * The input is one failure text.  The finder runs on an exact-size malloc()
 * copy, so AddressSanitizer catches any read past the end, and again on
 * libFuzzer's buffer: both must agree (same status, form, stage, spans at
 * the same offsets).  Its contract is checked: every span inside the input,
 * status 1 only when the reply span opens like a reply and parses with a
 * code, the stage a
 * valid one, a form named whenever a host was read.  The reply it found is
 * then parsed and classified with the usual invariants (fuzz_invariants.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_invariants.h"

static int same_span(smtpclass_span a, const char *base_a, smtpclass_span b, const char *base_b)
{
	if (a.len != b.len || (a.ptr == NULL) != (b.ptr == NULL))
		return 0;
	return a.ptr == NULL || a.ptr - base_a == b.ptr - base_b;
}

/* Absent (NULL, 0), or non-empty and inside the input. */
static int absent_or_inside(smtpclass_span span, const char *base, size_t len)
{
	return span.ptr == NULL ? span.len == 0 : fuzz_span_present_inside(span, base, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	char *copy = fuzz_exact_copy(data, size);
	smtpclass_found found, again;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_options options = {SMTPCLASS_STAGE_UNKNOWN, NULL, 0};
	smtpclass_parse_status status;
	int found_code = smtpclass_find_reply(copy, size, &found);

	FUZZ_CHECK(found_code == 0 || found_code == 1);
	FUZZ_CHECK(fuzz_span_inside(found.reply, copy, size));
	FUZZ_CHECK(absent_or_inside(found.remote_host, copy, size));
	FUZZ_CHECK(absent_or_inside(found.remote_ip, copy, size));
	FUZZ_CHECK(found.stage >= SMTPCLASS_STAGE_UNKNOWN && found.stage <= SMTPCLASS_STAGE_EOD);
	if (found_code == 1)
		FUZZ_CHECK(smtpclass_opens_reply(found.reply.ptr, found.reply.len));
	if (found.remote_host.ptr != NULL || found.remote_ip.ptr != NULL)
		FUZZ_CHECK(found.form != NULL);

	FUZZ_CHECK(smtpclass_find_reply(input, size, &again) == found_code);
	FUZZ_CHECK(again.form == found.form && again.stage == found.stage);
	FUZZ_CHECK(same_span(found.reply, copy, again.reply, input));
	FUZZ_CHECK(same_span(found.remote_host, copy, again.remote_host, input));
	FUZZ_CHECK(same_span(found.remote_ip, copy, again.remote_ip, input));
	FUZZ_CHECK(smtpclass_find_reply(copy, size, NULL) == -1);

	status = smtpclass_parse(found.reply.ptr, found.reply.len, &reply);
	fuzz_check_reply(found.reply.ptr, found.reply.len, status, &reply);
	if (found_code == 1)
		FUZZ_CHECK(status == SMTPCLASS_PARSE_OK);
	options.stage = found.stage;
	smtpclass_classify(&reply, &options, &result);
	fuzz_check_result(&reply, &options, &result);

	free(copy);
	return 0;
}
