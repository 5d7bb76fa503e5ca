/*
 * fuzz_logscan.c: libFuzzer target for the log scanner (src/lib/logscan/logscan.c).
 *
 * The input is a piece of a mail log, split on '\n'.  Every line is copied
 * into an exact-size malloc() block (freed after the line, so a span kept
 * from an earlier line is a use-after-free that AddressSanitizer reports)
 * and scanned with one state across lines, first with the format detected
 * per line and then with a forced MTA chosen from the input.  Every span of
 * a record must lie inside the current line or inside the state object;
 * enums must be in range; smtpclass_log_reply_normalise() must never write
 * more than the size it is given, and a short buffer must get a prefix of
 * what a large one gets; smtpclass_log_classify() must leave its reply's
 * spans inside the scratch buffer and give a result that satisfies
 * fuzz_check_result() with the verdict the MTA's status dictates.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"

#define GUARD  16
#define CANARY 0xc3

static int span_ok(smtpclass_span span, const char *line, size_t len,
                   const smtpclass_log_state *state)
{
	return fuzz_span_inside(span, line, len) || fuzz_span_inside(span, state, sizeof(*state));
}

static void check_record(const smtpclass_log_record *record, const char *line, size_t len,
                         const smtpclass_log_state *state)
{
	const smtpclass_span spans[] = {record->time,   record->host,      record->queue_id,
	                                record->sender, record->recipient, record->domain,
	                                record->relay,  record->dsn,       record->reply,
	                                record->delay,  record->command,   record->size};

	FUZZ_CHECK(record->mta >= SMTPCLASS_MTA_UNKNOWN && record->mta < SMTPCLASS_MTA_COUNT);
	FUZZ_CHECK(record->status >= SMTPCLASS_STATUS_NONE &&
	           record->status <= SMTPCLASS_STATUS_REJECTED);
	FUZZ_CHECK(record->stage >= SMTPCLASS_STAGE_UNKNOWN &&
	           record->stage <= SMTPCLASS_STAGE_EOD);
	FUZZ_CHECK(record->reply_form >= SMTPCLASS_LOG_REPLY_PLAIN &&
	           record->reply_form <= SMTPCLASS_LOG_REPLY_UNDERSCORES);
	/* an event is no outcome: no status; an outcome is no event */
	FUZZ_CHECK(record->event >= SMTPCLASS_EVENT_NONE &&
	           record->event <= SMTPCLASS_EVENT_QUEUED);
	FUZZ_CHECK(record->event == SMTPCLASS_EVENT_NONE ||
	           (record->status == SMTPCLASS_STATUS_NONE && record->reply.len == 0));
	FUZZ_CHECK(record->command.len == 0 || record->event != SMTPCLASS_EVENT_NONE);
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		FUZZ_CHECK(span_ok(spans[i], line, len, state));
}

/* Normalises into a buffer of exactly size bytes between canaries; returns
 * the block (the bytes start at block + GUARD). */
static unsigned char *normalise_guarded(const smtpclass_log_record *record, size_t size,
                                        size_t *result)
{
	unsigned char *block = malloc(size + 2 * GUARD);

	if (block == NULL)
		abort();
	memset(block, CANARY, size + 2 * GUARD);
	*result = smtpclass_log_reply_normalise(record, (char *)block + GUARD, size);
	for (size_t i = 0; i < GUARD; i++) {
		FUZZ_CHECK(block[i] == CANARY);
		FUZZ_CHECK(block[GUARD + size + i] == CANARY);
	}
	return block;
}

static void check_normalise(const smtpclass_log_record *record)
{
	static const size_t small_sizes[] = {0, 1, 3, 8};
	size_t full_size = record->reply.len, full;
	unsigned char *large = normalise_guarded(record, full_size, &full);

	/* Normalising turns escapes and underscores into spaces: never longer. */
	FUZZ_CHECK(full <= full_size);
	for (size_t i = 0; i < sizeof(small_sizes) / sizeof(small_sizes[0]); i++) {
		size_t size = small_sizes[i], n, written;
		unsigned char *small = normalise_guarded(record, size, &n);

		written = n < size ? n : size;
		FUZZ_CHECK(written <= full);
		FUZZ_CHECK(memcmp(small + GUARD, large + GUARD, written) == 0);
		free(small);
	}
	free(large);
}

static void check_classify(const smtpclass_log_record *record, size_t scratch_size)
{
	char *scratch = malloc(scratch_size > 0 ? scratch_size : 1);
	smtpclass_options options = {SMTPCLASS_STAGE_UNKNOWN, NULL, 0};
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_verdict verdict;

	if (scratch == NULL)
		abort();
	verdict = smtpclass_log_classify(record, &options, scratch, scratch_size, &reply, &result);
	FUZZ_CHECK(verdict == result.verdict);
	FUZZ_CHECK(reply.segment_count <= SMTPCLASS_MAX_SEGMENTS);
	for (size_t i = 0; i < reply.segment_count; i++)
		FUZZ_CHECK(fuzz_span_inside(reply.segments[i], scratch, scratch_size) ||
		           fuzz_span_inside(reply.segments[i], record->dsn.ptr, record->dsn.len));
	/* The enhanced code may come from the record's dsn= instead. */
	FUZZ_CHECK(fuzz_span_inside(reply.enhanced, scratch, scratch_size) ||
	           fuzz_span_inside(reply.enhanced, record->dsn.ptr, record->dsn.len));

	/* The MTA's outcome has the last word on the verdict. */
	switch (record->status) {
	case SMTPCLASS_STATUS_SENT:
		FUZZ_CHECK(result.verdict == SMTPCLASS_VERDICT_SUCCESS);
		break;
	case SMTPCLASS_STATUS_DEFERRED:
		FUZZ_CHECK(result.verdict == SMTPCLASS_VERDICT_SOFT);
		break;
	case SMTPCLASS_STATUS_BOUNCED:
	case SMTPCLASS_STATUS_EXPIRED:
		FUZZ_CHECK(result.verdict == SMTPCLASS_VERDICT_HARD);
		break;
	default:
		break;
	}
	FUZZ_CHECK(result.reason >= 0 && result.reason < smtpclass_reason_count());
	FUZZ_CHECK(result.action >= 0 && result.action < smtpclass_action_count());
	FUZZ_CHECK((result.rule == NULL) == (result.rule_kind == SMTPCLASS_RULE_NONE));
	if (result.verdict == SMTPCLASS_VERDICT_SUCCESS) {
		FUZZ_CHECK(result.reason == smtpclass_reason_from_name("delivered", 9));
		FUZZ_CHECK(result.action == smtpclass_action_from_name("none", 4));
	}
	if (record->status == SMTPCLASS_STATUS_NONE) {
		/* Nothing overrides the reply: the plain classifier's rules hold. */
		options.stage = record->stage;
		fuzz_check_result(&reply, &options, &result);
	}
	free(scratch);
}

static void scan(const char *data, size_t size, smtpclass_log_state *state)
{
	const char *p = data, *end = data + size;

	while (p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((newline != NULL ? newline : end) - p);
		char *line = fuzz_exact_copy((const unsigned char *)p, len);
		smtpclass_log_record record;

		memset(&record, 0xee, sizeof(record));
		if (smtpclass_log_scan(line, len, state, &record) == 1) {
			check_record(&record, line, len, state);
			check_normalise(&record);
			check_classify(&record, record.reply.len + 64);
			check_classify(&record, 4);
		}
		free(line);
		p = newline != NULL ? newline + 1 : end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtpclass_log_state state;
	unsigned sum = 0;

	smtpclass_log_state_init(&state, SMTPCLASS_MTA_UNKNOWN);
	scan((const char *)data, size, &state);

	for (size_t i = 0; i < size; i++)
		sum += data[i];
	smtpclass_log_state_init(&state, (smtpclass_mta)(1 + sum % (SMTPCLASS_MTA_COUNT - 1)));
	scan((const char *)data, size, &state);

	/* watching events: the outcomes are the same lines, and more lines
	 * may be events */
	smtpclass_log_state_init(&state, SMTPCLASS_MTA_UNKNOWN);
	smtpclass_log_state_watch_events(&state, 1);
	scan((const char *)data, size, &state);
	return 0;
}
