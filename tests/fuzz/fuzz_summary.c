/*
 * fuzz_summary.c: libFuzzer target for the summary path of the tool
 * (--summary): log lines in, text report, JSON and address lists out, and
 * the JSON merged back in (--merge).
 *
 * Input: byte 0 is the text report's width (0: no limit), byte 1 picks the
 * list length (top: 0-3), whether the MTA is forced, the table sizes,
 * whether connection events are watched (the summary's warnings, as the
 * tool does) and whether the feed thread is checked; the rest is a piece
 * of a mail log.  Each line is copied into its own exact-size block, read
 * by smtpclass_log_scan() with one state and classified as classify_line()
 * of src/cli/main.c does (sent records as the delivered 250, the others by
 * smtpclass_log_classify_found(); a line that opens like a reply is parsed
 * and classified without a log record), counted by summary_add() into a
 * summary with tiny tables (so eviction and "approximate" are reached),
 * and the block is freed: summary_add() promises to copy what it keeps, so
 * a span kept from a line is a use-after-free.  Invariants:
 * - the text report: no line wider than the width, in display cells as
 *   glibc's wcwidth() counts them in C.UTF-8 (mbrtowc() decoding, apart
 *   from report_text.c's own loop), when the width is set;
 * - the JSON: one strict RFC 8259 value and a newline (json_check.c);
 * - the address lists (hard and soft): lines non-empty, no blanks or
 *   control bytes in them, strictly sorted (byte order), so no duplicates;
 * - round trip: the JSON is accepted by summary_merge_json() into a fresh
 *   summary; that summary's JSON is strict and is accepted again, and the
 *   summary it makes writes the same JSON byte for byte (a merged summary
 *   is a fixed point: same tables, nothing left to cut or replace).
 * - the feed: the same lines counted through summary_feed_add() on the
 *   counting thread (summaryfeed.c, as the tool counts them), each line
 *   freed as soon as it is fed, give the same JSON byte for byte (the feed
 *   copies every field the counting reads: fields.h).
 * Everything is freed, so LeakSanitizer checks the whole path.
 */
#define _XOPEN_SOURCE 700
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fuzz_invariants.h"
#include "json_check.h"
#include "summary.h"
#include "summaryfeed.h"

static const struct summary_limits tiny = {4, 4, 4, 4, 4, 4, 2};
static const struct summary_limits small = {16, 16, 16, 16, 16, 16, 3};

typedef void (*writer)(const struct summary *s, FILE *out, int argument);

static void write_json(const struct summary *s, FILE *out, int unused)
{
	(void)unused;
	summary_write_json(s, out);
}

static void write_text(const struct summary *s, FILE *out, int width)
{
	summary_write_text(s, out, width);
}

static void write_addresses(const struct summary *s, FILE *out, int soft)
{
	size_t left_out = 0;

	summary_write_addresses(s, out, soft, &left_out);
}

/* What a writer writes, in a malloc'd buffer (free it), or NULL. */
static char *capture(const struct summary *s, writer write, int argument, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	if (out == NULL)
		return NULL;
	write(s, out, argument);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void check_json(const char *text, size_t len)
{
	FUZZ_CHECK(len > 0 && text[len - 1] == '\n');
	FUZZ_CHECK(json_check_value(text, len - 1) == 0);
}

static void check_text_width(const char *text, size_t len, int width)
{
	static locale_t utf8;
	size_t columns = 0;
	mbstate_t state;
	locale_t previous;

	if (width <= 0)
		return;
	if (utf8 == (locale_t)0)
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	FUZZ_CHECK(utf8 != (locale_t)0);
	previous = uselocale(utf8);
	memset(&state, 0, sizeof(state));
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, text + i, len - i, &state);
		int cells;

		FUZZ_CHECK(n != (size_t)-1 && n != (size_t)-2); /* the report is UTF-8 */
		if (n == 0)
			n = 1;
		i += n;
		if (wc == L'\n') {
			columns = 0;
			continue;
		}
		cells = wcwidth(wc);
		columns += cells < 0 ? 1 : (size_t)cells;
		FUZZ_CHECK(columns <= (size_t)width);
	}
	uselocale(previous);
}

static void check_addresses(const char *text, size_t len)
{
	const char *previous = NULL;
	size_t previous_len = 0;

	FUZZ_CHECK(len == 0 || text[len - 1] == '\n');
	for (size_t start = 0; start < len;) {
		const char *line = text + start;
		size_t n = (size_t)((const char *)memchr(line, '\n', len - start) - line);

		FUZZ_CHECK(n > 0);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)line[i] > ' ' && line[i] != 0x7f);
		if (previous != NULL) {
			int order = memcmp(previous, line, previous_len < n ? previous_len : n);

			FUZZ_CHECK(order < 0 || (order == 0 && previous_len < n));
		}
		previous = line;
		previous_len = n;
		start += n + 1;
	}
}

typedef void (*adder)(struct summary *s, const struct record *record);

/* Through the feed thread: the summary is the one the feed was started on. */
static void feed_add(struct summary *s, const struct record *record)
{
	(void)s;
	summary_feed_add(record);
}

/* Counts one line as classify_line() of src/cli/main.c does. */
static void count_line(struct summary *s, smtpclass_log_state *state, const char *line, size_t len,
                       const smtpclass_reply *delivered_reply,
                       const smtpclass_result *delivered_result, adder add)
{
	static const smtpclass_result event_result;
	static char scratch[4096];
	smtpclass_log_record log;
	smtpclass_found found;
	smtpclass_reply reply;
	smtpclass_result result;
	struct record record = {.source = "fuzz", .line = 1, .reply = &reply, .result = &result};
	int reply_like = smtpclass_opens_reply(line, len);

	if (!reply_like && smtpclass_log_scan(line, len, state, &log) == 1) {
		if (log.event != SMTPCLASS_EVENT_NONE) {
			record.reply = delivered_reply;
			record.result = &event_result;
		} else if (log.status == SMTPCLASS_STATUS_SENT) {
			record.reply = delivered_reply;
			record.result = delivered_result;
			record.stage = log.stage;
		} else {
			smtpclass_log_classify_found(&log, NULL, scratch, sizeof(scratch), &found,
			                             &reply, &result);
			record.stage = found.stage;
			record.found = &found;
		}
		record.log = &log;
		add(s, &record);
		return;
	}
	if (!reply_like || smtpclass_parse(line, len, &reply) != SMTPCLASS_PARSE_OK)
		return;
	smtpclass_classify(&reply, NULL, &result);
	add(s, &record);
}

/* Counts the log's lines into s, each line in a block of its own freed at
 * once. */
static void count_lines(struct summary *s, int flags, const uint8_t *data, size_t size,
                        const smtpclass_reply *delivered_reply,
                        const smtpclass_result *delivered_result, adder add)
{
	smtpclass_log_state state;

	smtpclass_log_state_init(&state,
	                         (flags & 4) != 0 ? SMTPCLASS_MTA_POSTFIX : SMTPCLASS_MTA_UNKNOWN);
	smtpclass_log_state_watch_events(&state, (flags & 16) != 0);
	for (size_t start = 0; start < size;) {
		const uint8_t *end = memchr(data + start, '\n', size - start);
		size_t n = end != NULL ? (size_t)(end - (data + start)) : size - start;
		char *line = malloc(n > 0 ? n : 1);

		if (line != NULL) {
			memcpy(line, data + start, n);
			count_line(s, &state, line, n, delivered_reply, delivered_result, add);
			free(line);
		}
		start += n + 1;
	}
}

/* The JSON is merged into a fresh summary, written again and merged again. */
static void check_round_trip(const char *json, size_t len)
{
	struct summary *merged = summary_create_limited(0, &small);
	struct summary *again = summary_create_limited(0, &small);
	char error[128];
	size_t offset = 0, second_len = 0, third_len = 0;
	char *second = NULL, *third = NULL;

	if (merged == NULL || again == NULL)
		goto done;
	FUZZ_CHECK(summary_merge_json(merged, json, len, &offset, error, sizeof(error)) == 0);
	second = capture(merged, write_json, 0, &second_len);
	if (second == NULL)
		goto done;
	check_json(second, second_len);
	FUZZ_CHECK(summary_merge_json(again, second, second_len, &offset, error, sizeof(error)) ==
	           0);
	third = capture(again, write_json, 0, &third_len);
	if (third != NULL)
		FUZZ_CHECK(third_len == second_len && memcmp(third, second, second_len) == 0);
done:
	free(third);
	free(second);
	summary_free(merged);
	summary_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtpclass_reply delivered_reply;
	smtpclass_result delivered_result;
	struct summary *s;
	int width, top, flags;
	char *out;
	size_t out_len;

	if (size < 2)
		return 0;
	width = data[0];
	top = data[1] & 3;
	flags = data[1];
	if (smtpclass_parse("250", 3, &delivered_reply) != SMTPCLASS_PARSE_OK)
		return 0;
	smtpclass_classify(&delivered_reply, NULL, &delivered_result);
	s = summary_create_limited(top, (data[1] & 8) != 0 ? &small : &tiny);
	if (s == NULL)
		return 0;
	data += 2;
	size -= 2;
	count_lines(s, flags, data, size, &delivered_reply, &delivered_result, summary_add);

	out = capture(s, write_text, width, &out_len);
	if (out != NULL)
		check_text_width(out, out_len, width);
	free(out);
	for (int soft = 0; soft <= 1; soft++) {
		out = capture(s, write_addresses, soft, &out_len);
		if (out != NULL)
			check_addresses(out, out_len);
		free(out);
	}
	out = capture(s, write_json, 0, &out_len);
	if (out != NULL) {
		check_json(out, out_len);
		check_round_trip(out, out_len);
	}
	if (out != NULL && (flags & 32) != 0) {
		struct summary *fed =
		    summary_create_limited(top, (flags & 8) != 0 ? &small : &tiny);
		char *again;
		size_t again_len = 0;

		if (fed != NULL) {
			summary_feed_start(fed);
			count_lines(fed, flags, data, size, &delivered_reply, &delivered_result,
			            feed_add);
			summary_feed_finish();
			again = capture(fed, write_json, 0, &again_len);
			if (again != NULL)
				FUZZ_CHECK(again_len == out_len &&
				           memcmp(again, out, out_len) == 0);
			free(again);
			summary_free(fed);
		}
	}
	free(out);
	summary_free(s);
	return 0;
}
