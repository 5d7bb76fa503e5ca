/*
 * fuzz_json.c: libFuzzer target for the CLI's record writer (src/cli/output.c).
 *
 * The input is a reply, or, when it holds a 0x1f byte, a log record:
 *   CONTROL 1f time 1f host 1f queue_id 1f sender 1f recipient 1f domain
 *   1f relay 1f dsn 1f REPLY
 * where CONTROL's bytes pick the MTA, status, stage, line number and
 * options, and missing fields are absent (NULL) spans.  The reply is parsed
 * and classified, and the record is written in every format to a memory
 * stream.  The JSON line must be valid strict JSON (json_check.c) whose
 * values decode back to exactly what was written: the reply text and the
 * log fields with ill-formed UTF-8 replaced by U+FFFD byte by byte, the
 * names from the library's tables.  TSV and CSV lines must have one field
 * per JSON member, the text format a fixed number of lines, and
 * output_json_string() on the raw bytes must round-trip too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "json_check.h"
#include "output.h"
#include "registry.h"

#define SEPARATOR       0x1f
#define LOG_FIELD_COUNT 8
#define MAX_MEMBERS     64

/* Bytes a writer must produce for s[0..len): well-formed UTF-8 kept,
 * every other byte >= 0x80, and NUL, replaced by U+FFFD. */
static char *sanitised(const char *s, size_t len, size_t *out_len)
{
	char *out = malloc(len * 3 + 1);
	size_t n = 0;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < len;) {
		size_t k = json_utf8_length((const unsigned char *)s + i, len - i);

		/* invalid UTF-8 and NUL (which C readers take for an end) */
		if (k == 0 || s[i] == '\0') {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			i++;
			continue;
		}
		memcpy(out + n, s + i, k);
		n += k;
		i += k;
	}
	*out_len = n;
	return out;
}

/* True when the member's value is the JSON string for s[0..len). */
static int string_value_is(const struct json_member *member, const char *s, size_t len)
{
	size_t expected_len, decoded_len;
	char *expected, *decoded;
	int same;

	if (member->value_len < 2 || member->value[0] != '"')
		return 0;
	expected = sanitised(s, len, &expected_len);
	decoded = malloc(member->value_len);
	if (decoded == NULL)
		abort();
	decoded_len = json_decode_string(member->value, member->value_len, decoded);
	same = decoded_len == expected_len && memcmp(decoded, expected, expected_len) == 0;
	free(expected);
	free(decoded);
	return same;
}

static int null_value(const struct json_member *member)
{
	return member->value_len == 4 && memcmp(member->value, "null", 4) == 0;
}

static int name_value_is(const struct json_member *member, const char *name)
{
	if (name == NULL)
		return null_value(member);
	return string_value_is(member, name, strlen(name));
}

static int number_value_is(const struct json_member *member, long long number)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%lld", number);

	return member->value_len == (size_t)n && memcmp(member->value, text, (size_t)n) == 0;
}

static int span_value_is(const struct json_member *member, smtpclass_span span)
{
	if (span.ptr == NULL)
		return null_value(member);
	return string_value_is(member, span.ptr, span.len);
}

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* time_iso is RFC 3339: kept as written when the log had that form
 * (YYYY-MM-DDTHH:MM:SS...), else built as YYYY-MM-DDTHH:MM:SS+hh:mm. */
static int is_iso_time(const struct json_member *member, smtpclass_span time)
{
	const char *v = member->value + 1; /* after the quote */
	size_t n = member->value_len - 2, at = 19;

	if (member->value_len < 2 + 19 || member->value[0] != '"')
		return 0;
	if (v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':')
		return 0;
	if (time.ptr != NULL && time.len > 10 && time.ptr[10] == 'T')
		return 1;
	if (!is_digits(v, 4) || !is_digits(v + 5, 2) || !is_digits(v + 8, 2) ||
	    !is_digits(v + 11, 2) || !is_digits(v + 14, 2) || !is_digits(v + 17, 2))
		return 0;
	/* RFC 3339 time-secfrac: a tai64n stamp keeps its microseconds */
	if (at < n && v[at] == '.') {
		size_t digits = 0;

		for (at++; at < n && v[at] >= '0' && v[at] <= '9'; at++)
			digits++;
		if (digits == 0)
			return 0;
	}
	return n == at + 6 && (v[at] == '+' || v[at] == '-') && is_digits(v + at + 1, 2) &&
	       v[at + 3] == ':' && is_digits(v + at + 4, 2);
}

static const struct json_member *need(const struct json_member *members, size_t count,
                                      const char *name)
{
	const struct json_member *member = json_find(members, count, name);

	FUZZ_CHECK(member != NULL);
	return member;
}

/* How to write a record: the settable fields of struct output (which also
 * holds a 64 KiB buffer, so it is not copied around). */
struct settings {
	enum output_format format;
	int color, explain, year;
};

/* Writes the record (or the header line) in one format and returns the
 * bytes, NUL-terminated, with their length in *len. */
static char *write_record(const struct settings *settings, const struct record *record, int header,
                          size_t *len)
{
	static struct output output;
	char *bytes = NULL;
	FILE *stream = open_memstream(&bytes, len);

	if (stream == NULL)
		abort();
	memset(&output, 0, sizeof(output));
	output.stream = stream;
	output.format = settings->format;
	output.color = settings->color;
	output.explain = settings->explain;
	output.year = settings->year;
	if (header)
		output_header(&output);
	else
		output_record(&output, record);
	output_flush(&output);
	if (fclose(stream) != 0)
		abort();
	return bytes;
}

static size_t count_byte(const char *s, size_t len, char c)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

/* One line: ends with its only newline; no other control byte but tab. */
static int is_flat_line(const char *s, size_t len)
{
	if (len == 0 || s[len - 1] != '\n')
		return 0;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* Counts the fields of one RFC 4180 CSV line, or returns 0 when malformed. */
static size_t csv_fields(const char *s, size_t len)
{
	const char *p = s, *end = s + len - 1; /* without the newline */
	size_t fields = 0;

	for (;;) {
		fields++;
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				if (p >= end)
					return 0;
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						p += 2;
						continue;
					}
					p++;
					break;
				}
				p++;
			}
		} else {
			while (p < end && *p != ',') {
				if (*p == '"')
					return 0;
				p++;
			}
		}
		if (p == end)
			return fields;
		if (*p != ',')
			return 0;
		p++;
	}
}

static void check_json(const struct settings *settings, const struct record *record,
                       smtpclass_span log_spans[LOG_FIELD_COUNT], size_t *columns)
{
	static const char *const log_keys[LOG_FIELD_COUNT] = {
	    "time", "host", "queue_id", "sender", "recipient", "domain", "relay", "dsn"};
	const smtpclass_reply *reply = record->reply;
	const smtpclass_result *result = record->result;
	struct json_member members[MAX_MEMBERS];
	size_t len, count, text_len;
	char *line = write_record(settings, record, 0, &len), *text;

	FUZZ_CHECK(json_check_line(line, len, members, MAX_MEMBERS, &count) == 0);
	for (size_t i = 0; i < count; i++)
		for (size_t j = i + 1; j < count; j++)
			FUZZ_CHECK(members[i].key_len != members[j].key_len ||
			           memcmp(members[i].key, members[j].key, members[i].key_len) != 0);
	*columns = count;

	FUZZ_CHECK(name_value_is(need(members, count, "source"), record->source));
	FUZZ_CHECK(number_value_is(need(members, count, "line"), (long long)record->line));
	if (reply->code != 0)
		FUZZ_CHECK(number_value_is(need(members, count, "code"), reply->code));
	else
		FUZZ_CHECK(null_value(need(members, count, "code")));
	FUZZ_CHECK(span_value_is(need(members, count, "enhanced"), reply->enhanced));
	if (reply->segment_count == 0) {
		FUZZ_CHECK(null_value(need(members, count, "text")));
	} else {
		text_len = smtpclass_reply_text_length(reply);
		text = malloc(text_len + 1);
		if (text == NULL)
			abort();
		smtpclass_reply_text_copy(reply, text, text_len + 1);
		FUZZ_CHECK(string_value_is(need(members, count, "text"), text, text_len));
		free(text);
	}
	FUZZ_CHECK(name_value_is(need(members, count, "verdict"),
	                         smtpclass_verdict_name(result->verdict)));
	FUZZ_CHECK(
	    name_value_is(need(members, count, "reason"), smtpclass_reason_name(result->reason)));
	FUZZ_CHECK(
	    name_value_is(need(members, count, "action"), smtpclass_action_name(result->action)));
	FUZZ_CHECK(name_value_is(need(members, count, "rule"), result->rule));
	{
		const struct json_member *mismatch = need(members, count, "mismatch");
		const char *word = result->mismatch ? "true" : "false";

		FUZZ_CHECK(mismatch->value_len == strlen(word) &&
		           memcmp(mismatch->value, word, strlen(word)) == 0);
	}
	for (int i = 0; i < LOG_FIELD_COUNT; i++) {
		const struct json_member *member = json_find(members, count, log_keys[i]);

		FUZZ_CHECK(member != NULL); /* every mode writes every key */
		if (member != NULL && record->log != NULL)
			FUZZ_CHECK(span_value_is(member, log_spans[i]));
		else if (member != NULL)
			FUZZ_CHECK(null_value(member));
	}
	FUZZ_CHECK(
	    name_value_is(need(members, count, "stage"), smtpclass_stage_name(record->stage)));
	if (record->log != NULL) {
		const smtpclass_log_record *log = record->log;
		const struct json_member *iso = need(members, count, "time_iso");

		if (!null_value(iso))
			FUZZ_CHECK(is_iso_time(iso, log->time));

		FUZZ_CHECK(
		    name_value_is(need(members, count, "mta"), smtpclass_mta_name(log->mta)));
		FUZZ_CHECK(name_value_is(need(members, count, "status"),
		                         smtpclass_log_status_name(log->status)));
	}
	free(line);
}

static void check_separated(const struct settings *settings, const struct record *record,
                            size_t columns)
{
	struct settings output = *settings;

	for (int csv = 0; csv <= 1; csv++) {
		size_t len, header_len;
		char *line, *header;

		output.format = csv ? FORMAT_CSV : FORMAT_TSV;
		line = write_record(&output, record, 0, &len);
		header = write_record(&output, record, 1, &header_len);
		FUZZ_CHECK(is_flat_line(line, len));
		FUZZ_CHECK(is_flat_line(header, header_len));
		if (csv) {
			FUZZ_CHECK(count_byte(line, len, '\t') == 0);
			FUZZ_CHECK(csv_fields(line, len) == columns);
			FUZZ_CHECK(csv_fields(header, header_len) == columns);
		} else {
			FUZZ_CHECK(count_byte(line, len, '\t') == columns - 1);
			FUZZ_CHECK(count_byte(header, header_len, '\t') == columns - 1);
		}
		free(line);
		free(header);
	}
}

static void check_text(const struct settings *settings, const struct record *record)
{
	struct settings output = *settings;
	struct record plain = *record;

	plain.source = "-";
	output.format = FORMAT_TEXT;
	for (int variant = 0; variant < 4; variant++) {
		size_t len, lines;
		char *text;

		output.color = variant & 1;
		output.explain = (variant >> 1) & 1;
		text = write_record(&output, &plain, 0, &len);
		lines = 1;
		if (output.explain) {
			smtpclass_taxonomy taxonomy;

			/* rule, confidence, taxonomy (a bounce only), text (when any) */
			smtpclass_result_taxonomy(record->result, &taxonomy);
			lines += 1 + (record->result->confidence_basis != NULL) +
			         (taxonomy.bounce_class != NULL) +
			         (record->reply->segment_count > 0);
			/* what the registries call the codes (registry.c), when they do */
			lines += (record->reply->code != 0 &&
			          registry_basic_meaning(record->reply->code) != NULL) +
			         (record->reply->enhanced.ptr != NULL &&
			          smtpclass_subject_name(record->reply->enhanced_subject) != NULL);
		}
		FUZZ_CHECK(len > 0 && text[len - 1] == '\n');
		FUZZ_CHECK(count_byte(text, len, '\n') == lines);
		if (!output.color)
			FUZZ_CHECK(count_byte(text, len, '\033') == 0);
		free(text);
	}
}

/* output_json_string() on raw bytes gives one valid string that decodes to
 * the sanitised bytes. */
static void check_json_string(const char *s, size_t len)
{
	struct json_member member;
	char *bytes = NULL;
	size_t out_len;
	FILE *stream = open_memstream(&bytes, &out_len);

	if (stream == NULL)
		abort();
	output_json_string(stream, s, len);
	if (fclose(stream) != 0)
		abort();
	FUZZ_CHECK(json_check_value(bytes, out_len) == 0);
	member.value = bytes;
	member.value_len = out_len;
	FUZZ_CHECK(string_value_is(&member, s, len));
	free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = fuzz_exact_copy(data, size);
	const char *separator = memchr(input, SEPARATOR, size);
	const char *reply_text = input, *end = input + size;
	smtpclass_span log_spans[LOG_FIELD_COUNT];
	smtpclass_log_record log;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_options options = {SMTPCLASS_STAGE_UNKNOWN, NULL, 0};
	struct settings output = {FORMAT_JSON, 0, 0, 0};
	struct record record = {.source = "-", .reply = &reply, .result = &result};
	char source[64];
	size_t columns;

	memset(log_spans, 0, sizeof(log_spans));
	memset(&log, 0, sizeof(log));
	if (separator != NULL) {
		const unsigned char *control = (const unsigned char *)input;
		size_t control_len = (size_t)(separator - input);
		const char *p = separator + 1;
		size_t source_len =
		    control_len < sizeof(source) - 1 ? control_len : sizeof(source) - 1;

		log.mta = (smtpclass_mta)(control_len > 0 ? control[0] % 8 : 0);
		log.status = (smtpclass_log_status)(control_len > 1 ? control[1] % 6 : 0);
		log.stage = (smtpclass_stage)(control_len > 2 ? control[2] % 7 : 0);
		log.reply_form = control_len > 3 ? control[3] % 3 : 0;
		record.line = control_len > 4 ? control[4] : 0;
		record.cut = control_len > 5 ? control[5] & 1 : 0;
		output.year = control_len > 6 && control[6] != 0 ? 1970 + control[6] * 31 : 0;
		/* The control bytes double as an odd file name. */
		memcpy(source, input, source_len);
		source[source_len] = '\0';
		record.source = source;
		for (int i = 0; i < LOG_FIELD_COUNT && p <= end; i++) {
			const char *next = memchr(p, SEPARATOR, (size_t)(end - p));

			if (next == NULL)
				break;
			log_spans[i].ptr = p;
			log_spans[i].len = (size_t)(next - p);
			p = next + 1;
		}
		log.time = log_spans[0];
		log.host = log_spans[1];
		log.queue_id = log_spans[2];
		log.sender = log_spans[3];
		log.recipient = log_spans[4];
		log.domain = log_spans[5];
		log.relay = log_spans[6];
		log.dsn = log_spans[7];
		reply_text = p;
		record.log = &log;
		options.stage = log.stage;
		record.stage = log.stage;
	}

	smtpclass_parse(reply_text, (size_t)(end - reply_text), &reply);
	smtpclass_classify(&reply, &options, &result);

	check_json(&output, &record, log_spans, &columns);
	check_separated(&output, &record, columns);
	check_text(&output, &record);
	if (record.log != NULL) {
		/* Log columns with a NULL log record are all null. */
		struct record bare = record;

		bare.log = NULL;
		check_json(&output, &bare, log_spans, &columns);
		check_separated(&output, &bare, columns);
	}
	check_json_string(input, size);
	free(input);
	return 0;
}
