/*
 * fuzz_invariants.c: checks shared by the fuzz targets (see the header).
 *
 * Pointers are compared as uintptr_t: the spans under test may point
 * anywhere when there is a bug, and comparing pointers into different
 * objects is undefined behaviour that UBSan could report instead.
 */
#include "fuzz_invariants.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0xa5
#define GUARD  16

void fuzz_fail(const char *file, int line, const char *condition)
{
	fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", file, line, condition);
	abort();
}

int fuzz_span_inside(smtpclass_span span, const void *base, size_t len)
{
	uintptr_t start = (uintptr_t)base, p = (uintptr_t)span.ptr;

	if (span.ptr == NULL)
		return span.len == 0;
	return p >= start && p <= start + len && span.len <= start + len - p;
}

int fuzz_span_present_inside(smtpclass_span span, const void *base, size_t len)
{
	return span.ptr != NULL && span.len > 0 && fuzz_span_inside(span, base, len);
}

int fuzz_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

char *fuzz_exact_copy(const unsigned char *data, size_t len)
{
	char *copy = malloc(len > 0 ? len : 1);

	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, data, len);
	return copy;
}

/* Parses "C.S.D" written exactly as the reply's numbers say. */
static int enhanced_text_matches(const smtpclass_reply *reply)
{
	char expected[32];
	int n = snprintf(expected, sizeof(expected), "%d.%d.%d", reply->enhanced_class,
	                 reply->enhanced_subject, reply->enhanced_detail);

	return n > 0 && (size_t)n == reply->enhanced.len &&
	       memcmp(expected, reply->enhanced.ptr, (size_t)n) == 0;
}

/* The segments joined with one space, built here independently. */
static char *joined_text(const smtpclass_reply *reply, size_t *length)
{
	size_t total = 0, used = 0;
	char *text;

	for (size_t i = 0; i < reply->segment_count; i++)
		total += reply->segments[i].len + (i > 0);
	text = malloc(total + 1);
	if (text == NULL)
		abort();
	for (size_t i = 0; i < reply->segment_count; i++) {
		if (i > 0)
			text[used++] = ' ';
		memcpy(text + used, reply->segments[i].ptr, reply->segments[i].len);
		used += reply->segments[i].len;
	}
	text[used] = '\0';
	*length = total;
	return text;
}

/* smtpclass_reply_text_copy() into a buffer of exactly size bytes with
 * canary bytes on both sides: returns the full length, writes a prefix of the
 * joined text and a NUL, and nothing outside the buffer. */
static void check_text_copy(const smtpclass_reply *reply, const char *expected, size_t total,
                            size_t size)
{
	unsigned char *block = malloc(size + 2 * GUARD);
	char *buf = (char *)block + GUARD;
	size_t written = total < size ? total : (size > 0 ? size - 1 : 0);

	if (block == NULL)
		abort();
	memset(block, CANARY, size + 2 * GUARD);
	FUZZ_CHECK(smtpclass_reply_text_copy(reply, buf, size) == total);
	for (size_t i = 0; i < GUARD; i++) {
		FUZZ_CHECK(block[i] == CANARY);
		FUZZ_CHECK(block[GUARD + size + i] == CANARY);
	}
	if (size > 0) {
		FUZZ_CHECK(memcmp(buf, expected, written) == 0);
		FUZZ_CHECK(buf[written] == '\0');
	}
	free(block);
}

void fuzz_check_reply(const char *input, size_t len, smtpclass_parse_status status,
                      const smtpclass_reply *reply)
{
	const unsigned known_flags = SMTPCLASS_REPLY_MULTILINE | SMTPCLASS_REPLY_TRUNCATED |
	                             SMTPCLASS_REPLY_DSN | SMTPCLASS_REPLY_CODE_CHANGED |
	                             SMTPCLASS_REPLY_ENHANCED_LATE;
	int all_space = 1;
	size_t total, sizes[8];
	char *expected;

	for (size_t i = 0; i < len; i++)
		all_space &= fuzz_is_space((unsigned char)input[i]);

	FUZZ_CHECK(status == SMTPCLASS_PARSE_OK || status == SMTPCLASS_PARSE_TEXT_ONLY ||
	           status == SMTPCLASS_PARSE_EMPTY);
	FUZZ_CHECK((status == SMTPCLASS_PARSE_EMPTY) == all_space);
	FUZZ_CHECK((status == SMTPCLASS_PARSE_OK) ==
	           (reply->code != 0 || reply->enhanced_class != 0));
	FUZZ_CHECK((reply->flags & ~known_flags) == 0);

	/* Basic code: 0 or 200-559 with a second digit 0-5. */
	FUZZ_CHECK(reply->code == 0 || (reply->code >= 200 && reply->code <= 559));
	FUZZ_CHECK(reply->code / 10 % 10 <= 5);

	/* Enhanced code: class 0/2/4/5, numbers 0-999, span spelling them. */
	FUZZ_CHECK(reply->enhanced_class == 0 || reply->enhanced_class == 2 ||
	           reply->enhanced_class == 4 || reply->enhanced_class == 5);
	FUZZ_CHECK(reply->enhanced_subject >= 0 && reply->enhanced_subject <= 999);
	FUZZ_CHECK(reply->enhanced_detail >= 0 && reply->enhanced_detail <= 999);
	FUZZ_CHECK(fuzz_span_inside(reply->enhanced, input, len));
	if (reply->enhanced_class == 0) {
		FUZZ_CHECK(reply->enhanced.ptr == NULL && reply->enhanced.len == 0);
		FUZZ_CHECK(reply->enhanced_subject == 0 && reply->enhanced_detail == 0);
		FUZZ_CHECK(!(reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE));
	} else {
		FUZZ_CHECK(fuzz_span_present_inside(reply->enhanced, input, len));
		FUZZ_CHECK(enhanced_text_matches(reply));
	}
	if (reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE)
		FUZZ_CHECK(reply->code == 0);

	/* Segments: inside the input, non-empty, trimmed, in order. */
	FUZZ_CHECK(reply->segment_count <= SMTPCLASS_MAX_SEGMENTS);
	if (reply->flags & SMTPCLASS_REPLY_TRUNCATED)
		FUZZ_CHECK(reply->segment_count == SMTPCLASS_MAX_SEGMENTS);
	if (status == SMTPCLASS_PARSE_EMPTY)
		FUZZ_CHECK(reply->segment_count == 0 && reply->flags == 0);
	for (size_t i = 0; i < reply->segment_count; i++) {
		const smtpclass_span *s = &reply->segments[i];

		FUZZ_CHECK(fuzz_span_present_inside(*s, input, len));
		FUZZ_CHECK(!fuzz_is_space((unsigned char)s->ptr[0]));
		FUZZ_CHECK(!fuzz_is_space((unsigned char)s->ptr[s->len - 1]));
		if (i > 0) {
			const smtpclass_span *previous = &reply->segments[i - 1];

			/* at least the separator between them */
			FUZZ_CHECK((uintptr_t)previous->ptr + previous->len < (uintptr_t)s->ptr);
		}
		/* The text follows the enhanced code unless it came late (qmail). */
		if (reply->enhanced.ptr != NULL && !(reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE))
			FUZZ_CHECK((uintptr_t)reply->enhanced.ptr + reply->enhanced.len <=
			           (uintptr_t)s->ptr);
	}
	for (size_t i = reply->segment_count; i < SMTPCLASS_MAX_SEGMENTS; i++)
		FUZZ_CHECK(reply->segments[i].ptr == NULL && reply->segments[i].len == 0);

	/* The joined text, its length and bounded copies of it. */
	expected = joined_text(reply, &total);
	FUZZ_CHECK(smtpclass_reply_text_length(reply) == total);
	FUZZ_CHECK(total <= len);
	sizes[0] = 0;
	sizes[1] = 1;
	sizes[2] = 2;
	sizes[3] = 7;
	sizes[4] = total / 2 + 1;
	sizes[5] = total;
	sizes[6] = total + 1;
	sizes[7] = total + 9;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_text_copy(reply, expected, total, sizes[i]);
	free(expected);
}

smtpclass_verdict fuzz_class_verdict(const smtpclass_reply *reply)
{
	int class_digit = reply->code != 0 ? reply->code / 100 : reply->enhanced_class;

	switch (class_digit) {
	case 2:
		return SMTPCLASS_VERDICT_SUCCESS;
	case 3:
		return SMTPCLASS_VERDICT_INTERMEDIATE;
	case 4:
		return SMTPCLASS_VERDICT_SOFT;
	case 5:
		return SMTPCLASS_VERDICT_HARD;
	default:
		return SMTPCLASS_VERDICT_UNKNOWN;
	}
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void fuzz_check_result(const smtpclass_reply *reply, const smtpclass_options *options,
                       const smtpclass_result *result)
{
	static const smtpclass_options defaults;
	smtpclass_verdict by_class = fuzz_class_verdict(reply);
	smtpclass_rule_kind kind = result->rule_kind;
	int text_rule = kind == SMTPCLASS_RULE_TEXT || kind == SMTPCLASS_RULE_PROVIDER;
	int delivered = smtpclass_reason_from_name("delivered", 9);
	int undefined = smtpclass_reason_from_name("undefined", 9);
	int userunknown = smtpclass_reason_from_name("userunknown", 11);
	int none = smtpclass_action_from_name("none", 4);
	int has_code = reply->code != 0 || reply->enhanced_class != 0;

	if (options == NULL)
		options = &defaults;
	FUZZ_CHECK(delivered >= 0 && undefined >= 0 && userunknown >= 0 && none >= 0);

	/* Ranges. */
	FUZZ_CHECK(result->verdict >= SMTPCLASS_VERDICT_UNKNOWN &&
	           result->verdict <= SMTPCLASS_VERDICT_HARD);
	FUZZ_CHECK(result->reason >= 0 && result->reason < smtpclass_reason_count());
	FUZZ_CHECK(result->action >= 0 && result->action < smtpclass_action_count());
	FUZZ_CHECK(kind >= SMTPCLASS_RULE_NONE && kind <= SMTPCLASS_RULE_PROVIDER);
	FUZZ_CHECK(smtpclass_reason_name(result->reason) != NULL);
	FUZZ_CHECK(smtpclass_action_name(result->action) != NULL);
	FUZZ_CHECK(smtpclass_action_sentence(result->action) != NULL);
	FUZZ_CHECK(result->confidence >= SMTPCLASS_CONFIDENCE_LOW &&
	           result->confidence <= SMTPCLASS_CONFIDENCE_HIGH);
	FUZZ_CHECK(result->confidence_basis != NULL);
	/* Removal needs more than a bare code, and a soft failure never removes. */
	if (smtpclass_result_removes_address(result)) {
		FUZZ_CHECK(result->confidence >= SMTPCLASS_CONFIDENCE_MEDIUM);
		FUZZ_CHECK(result->verdict != SMTPCLASS_VERDICT_SOFT);
	}

	/* A rule is named exactly when something decided. */
	FUZZ_CHECK((result->rule == NULL) == (kind == SMTPCLASS_RULE_NONE));
	if (result->rule != NULL)
		FUZZ_CHECK(result->rule[0] != '\0');
	if (kind == SMTPCLASS_RULE_TEXT)
		FUZZ_CHECK(starts_with(result->rule, "text ") ||
		           starts_with(result->rule, "site "));
	if (kind == SMTPCLASS_RULE_PROVIDER)
		FUZZ_CHECK(starts_with(result->rule, "provider ") ||
		           starts_with(result->rule, "site "));
	if (result->rule != NULL && starts_with(result->rule, "site "))
		FUZZ_CHECK(options->site_rules != NULL);

	/* Evidence is quoted exactly when a text rule decided (a text rule
	 * turned into the after-DATA exception keeps its evidence). */
	if (text_rule)
		FUZZ_CHECK(result->evidence != NULL && result->evidence[0] != '\0');
	if (result->evidence != NULL) {
		FUZZ_CHECK(text_rule || kind == SMTPCLASS_RULE_EXCEPTION);
		FUZZ_CHECK(strlen(result->evidence) <= SMTPCLASS_EVIDENCE_MAX);
	}

	/* Without text rules only the digits decide. */
	if (options->flags & SMTPCLASS_NO_TEXT_RULES) {
		FUZZ_CHECK(!text_rule);
		FUZZ_CHECK(result->evidence == NULL);
	}

	/* The verdict follows the class digit, except where an exception or a
	 * text rule (with its cited override) decided. */
	if (has_code) {
		FUZZ_CHECK(kind != SMTPCLASS_RULE_NONE);
		if (result->verdict != by_class)
			FUZZ_CHECK(kind == SMTPCLASS_RULE_EXCEPTION || text_rule);
	} else if (!text_rule) {
		/* With no code only a text rule gives a verdict (its bare_verdict).
		 * After DATA a text rule's userunknown is relabelled as the
		 * exception "stage userunknown-after-data" and keeps its verdict and
		 * evidence, so that case is told apart by the evidence. */
		if (kind != SMTPCLASS_RULE_EXCEPTION || result->evidence == NULL)
			FUZZ_CHECK(result->verdict == SMTPCLASS_VERDICT_UNKNOWN);
		if (kind != SMTPCLASS_RULE_EXCEPTION) {
			FUZZ_CHECK(kind == SMTPCLASS_RULE_NONE);
			FUZZ_CHECK(result->reason == undefined);
		}
	}
	FUZZ_CHECK(result->mismatch == (reply->code != 0 && reply->enhanced_class != 0 &&
	                                reply->code / 100 != reply->enhanced_class));

	if (result->verdict == SMTPCLASS_VERDICT_SUCCESS) {
		FUZZ_CHECK(result->reason == delivered);
		FUZZ_CHECK(result->action == none);
	}
	/* Recipients are accepted at RCPT: after DATA "unknown" is a filter,
	 * unless the reply's own code says X.1.1 (data/stage-reasons.tsv
	 * kept_by) or a provider rule decided (a provider's reply keeps its
	 * reason at any stage). */
	if ((options->stage == SMTPCLASS_STAGE_DATA || options->stage == SMTPCLASS_STAGE_EOD) &&
	    result->reason == userunknown)
		FUZZ_CHECK(kind == SMTPCLASS_RULE_PROVIDER ||
		           (reply->enhanced_class != 0 && reply->enhanced_subject == 1 &&
		            reply->enhanced_detail == 1 &&
		            !(reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE)));
}
