/*
 * fuzz_classify.c: libFuzzer target for smtpclass_classify().
 *
 * The input is one reply, parsed from an exact-size copy (so the text-rule
 * matcher's reads are checked by AddressSanitizer too) and classified at
 * every stage, with and without text rules.  Each result must satisfy
 * fuzz_check_result(): the verdict follows the class digit unless an
 * exception or a text rule decided, ranges hold, success means
 * delivered/none.  Classifying twice gives the same result, and a NULL
 * options pointer means the defaults.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_invariants.h"

static int same_result(const smtpclass_result *a, const smtpclass_result *b)
{
	return a->verdict == b->verdict && a->reason == b->reason && a->action == b->action &&
	       a->rule_kind == b->rule_kind && a->rule == b->rule && a->mismatch == b->mismatch &&
	       a->evidence == b->evidence;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_exact_copy(data, size);
	smtpclass_reply reply;
	smtpclass_result result, again;
	smtpclass_parse_status status = smtpclass_parse(copy, size, &reply);

	FUZZ_CHECK(status != SMTPCLASS_PARSE_INVALID);
	for (int stage = SMTPCLASS_STAGE_UNKNOWN; stage <= SMTPCLASS_STAGE_EOD; stage++) {
		for (unsigned flags = 0; flags <= SMTPCLASS_NO_TEXT_RULES; flags++) {
			smtpclass_options options = {(smtpclass_stage)stage, NULL, flags};

			FUZZ_CHECK(smtpclass_classify(&reply, &options, &result) == result.verdict);
			fuzz_check_result(&reply, &options, &result);
			smtpclass_classify(&reply, &options, &again);
			FUZZ_CHECK(same_result(&result, &again));
			if (stage == SMTPCLASS_STAGE_UNKNOWN && flags == 0) {
				smtpclass_classify(&reply, NULL, &again);
				FUZZ_CHECK(same_result(&result, &again));
			}
		}
	}
	free(copy);
	return 0;
}
