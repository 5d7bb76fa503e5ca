/*
 * output.c: the four output formats.
 *
 * The columns are listed once, in column_value(); JSON, TSV and CSV walk the
 * same list, so their keys and column order cannot drift apart.  The text
 * format is for people and picks a few of them.  Nothing here allocates: the
 * reply text is written segment by segment straight from the input buffer.
 */
#include "output.h"

#include <string.h>

enum value_kind { V_NULL, V_STRING, V_NUMBER, V_BOOL, V_TEXT };

struct value {
	enum value_kind kind;
	const char *s;
	size_t len;
	long long number;
};

/* Column names: the first block is the reply record, the second log mode. */
static const char *const reply_columns[] = {"source", "line",    "code",    "enhanced", "class",
                                            "subject", "detail", "text",    "verdict",  "reason",
                                            "action", "rule",    "mismatch"};
static const char *const log_columns[] = {"time",   "time_iso", "host",  "mta",    "queue_id",
                                          "sender", "recipient", "domain", "relay", "stage",
                                          "status", "dsn"};
#define REPLY_COLUMN_COUNT (sizeof(reply_columns) / sizeof(reply_columns[0]))
#define LOG_COLUMN_COUNT (sizeof(log_columns) / sizeof(log_columns[0]))

static struct value string_value(const char *s)
{
	struct value v = {V_NULL, NULL, 0, 0};

	if (s != NULL) {
		v.kind = V_STRING;
		v.s = s;
		v.len = strlen(s);
	}
	return v;
}

static struct value span_value(smtpclass_span span)
{
	struct value v = {V_NULL, NULL, 0, 0};

	if (span.ptr != NULL) {
		v.kind = V_STRING;
		v.s = span.ptr;
		v.len = span.len;
	}
	return v;
}

static struct value number_value(long long n)
{
	struct value v = {V_NUMBER, NULL, 0, n};

	return v;
}

static int class_digit_of(const smtpclass_reply *reply)
{
	return reply->code != 0 ? reply->code / 100 : reply->enhanced_class;
}

/* The value of column i (reply columns first, then log columns). */
static struct value column_value(const struct record *record, size_t i)
{
	const smtpclass_reply *reply = record->reply;
	const smtpclass_result *result = record->result;
	const smtpclass_log_record *log = record->log;
	struct value v = {V_NULL, NULL, 0, 0};
	int has_enhanced = reply->enhanced_class != 0;

	switch (i) {
	case 0:
		return string_value(record->source);
	case 1:
		return number_value((long long)record->line);
	case 2:
		return reply->code != 0 ? number_value(reply->code) : v;
	case 3:
		return has_enhanced ? span_value(reply->enhanced) : v;
	case 4:
		return string_value(smtpclass_class_name(class_digit_of(reply)));
	case 5:
		return has_enhanced ? string_value(smtpclass_subject_name(reply->enhanced_subject)) : v;
	case 6:
		return has_enhanced ? string_value(smtpclass_detail_name(reply->enhanced_subject,
		                                                         reply->enhanced_detail))
		                    : v;
	case 7:
		v.kind = reply->segment_count > 0 ? V_TEXT : V_NULL;
		return v;
	case 8:
		return string_value(smtpclass_verdict_name(result->verdict));
	case 9:
		return string_value(smtpclass_reason_name(result->reason));
	case 10:
		return string_value(smtpclass_action_name(result->action));
	case 11:
		return string_value(result->rule);
	case 12:
		v.kind = V_BOOL;
		v.number = result->mismatch;
		return v;
	default:
		break;
	}
	if (log == NULL)
		return v;
	switch (i - REPLY_COLUMN_COUNT) {
	case 0:
		return span_value(log->time);
	case 1:
		return v; /* time_iso: needs the year (log mode) */
	case 2:
		return span_value(log->host);
	case 3:
		return string_value(smtpclass_mta_name(log->mta));
	case 4:
		return span_value(log->queue_id);
	case 5:
		return span_value(log->sender);
	case 6:
		return span_value(log->recipient);
	case 7:
		return span_value(log->domain);
	case 8:
		return span_value(log->relay);
	case 9:
		return string_value(smtpclass_stage_name(log->stage));
	case 10:
		return string_value(smtpclass_log_status_name(log->status));
	case 11:
		return span_value(log->dsn);
	default:
		return v;
	}
}

static size_t column_count(const struct output *output)
{
	return REPLY_COLUMN_COUNT + (output->log_fields ? LOG_COLUMN_COUNT : 0);
}

static const char *column_name(size_t i)
{
	return i < REPLY_COLUMN_COUNT ? reply_columns[i] : log_columns[i - REPLY_COLUMN_COUNT];
}

/* Length of a valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_sequence_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t need;
	unsigned min;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		min = 0x80;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		min = 0x800;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		min = 0x10000;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

static void json_escape(FILE *stream, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			putc(c, stream);
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			putc('\\', stream);
			putc(c, stream);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				fputs("\\n", stream);
				break;
			case '\r':
				fputs("\\r", stream);
				break;
			case '\t':
				fputs("\\t", stream);
				break;
			default:
				fputs("\\u00", stream);
				putc(hex[c >> 4], stream);
				putc(hex[c & 15], stream);
			}
			i++;
			continue;
		}
		n = utf8_sequence_length(p + i, len - i);
		if (n == 0) {
			fputs("\xef\xbf\xbd", stream); /* U+FFFD */
			i++;
			continue;
		}
		fwrite(p + i, 1, n, stream);
		i += n;
	}
}

void output_json_string(FILE *stream, const char *s, size_t len)
{
	putc('"', stream);
	json_escape(stream, s, len);
	putc('"', stream);
}

/* Writes bytes for TSV/CSV/text: control characters become spaces. */
static void write_flat(FILE *stream, const char *s, size_t len, int quote_doubling)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (quote_doubling && c == '"')
			putc('"', stream);
		putc(c, stream);
	}
}

static void write_text_segments(FILE *stream, const smtpclass_reply *reply,
                                enum output_format format)
{
	for (size_t i = 0; i < reply->segment_count; i++) {
		if (i > 0)
			putc(' ', stream);
		if (format == FORMAT_JSON)
			json_escape(stream, reply->segments[i].ptr, reply->segments[i].len);
		else
			write_flat(stream, reply->segments[i].ptr, reply->segments[i].len,
			           format == FORMAT_CSV);
	}
}

static void write_json(const struct output *output, const struct record *record)
{
	FILE *stream = output->stream;

	putc('{', stream);
	for (size_t i = 0; i < column_count(output); i++) {
		struct value v = column_value(record, i);

		if (i > 0)
			putc(',', stream);
		putc('"', stream);
		fputs(column_name(i), stream);
		fputs("\":", stream);
		switch (v.kind) {
		case V_NULL:
			fputs("null", stream);
			break;
		case V_STRING:
			output_json_string(stream, v.s, v.len);
			break;
		case V_NUMBER:
			fprintf(stream, "%lld", v.number);
			break;
		case V_BOOL:
			fputs(v.number ? "true" : "false", stream);
			break;
		case V_TEXT:
			putc('"', stream);
			write_text_segments(stream, record->reply, FORMAT_JSON);
			putc('"', stream);
			break;
		}
	}
	fputs("}\n", stream);
}

static void write_separated(const struct output *output, const struct record *record)
{
	FILE *stream = output->stream;
	int csv = output->format == FORMAT_CSV;

	for (size_t i = 0; i < column_count(output); i++) {
		struct value v = column_value(record, i);

		if (i > 0)
			putc(csv ? ',' : '\t', stream);
		switch (v.kind) {
		case V_NULL:
			break;
		case V_STRING:
			if (csv)
				putc('"', stream);
			write_flat(stream, v.s, v.len, csv);
			if (csv)
				putc('"', stream);
			break;
		case V_NUMBER:
			fprintf(stream, "%lld", v.number);
			break;
		case V_BOOL:
			fputs(v.number ? "true" : "false", stream);
			break;
		case V_TEXT:
			if (csv)
				putc('"', stream);
			write_text_segments(stream, record->reply, output->format);
			if (csv)
				putc('"', stream);
			break;
		}
	}
	putc('\n', stream);
}

static const char *verdict_color(smtpclass_verdict verdict)
{
	switch (verdict) {
	case SMTPCLASS_VERDICT_HARD:
		return "\033[1;31m";
	case SMTPCLASS_VERDICT_SOFT:
		return "\033[1;33m";
	case SMTPCLASS_VERDICT_SUCCESS:
		return "\033[32m";
	case SMTPCLASS_VERDICT_INTERMEDIATE:
		return "\033[36m";
	default:
		return "\033[35m";
	}
}

static void write_padded(FILE *stream, const char *s, size_t len, int width)
{
	write_flat(stream, s, len, 0);
	for (int i = (int)len; i < width; i++)
		putc(' ', stream);
}

static void write_text(const struct output *output, const struct record *record)
{
	FILE *stream = output->stream;
	const smtpclass_reply *reply = record->reply;
	const smtpclass_result *result = record->result;
	const smtpclass_log_record *log = record->log;
	const char *verdict = smtpclass_verdict_name(result->verdict);
	const char *reason = smtpclass_reason_name(result->reason);
	const char *action = smtpclass_action_name(result->action);
	char code[8] = "-";

	if (record->line > 0 && record->log != NULL)
		fprintf(stream, "%s:%llu: ", record->source, record->line);
	if (log != NULL && log->recipient.ptr != NULL) {
		write_flat(stream, log->recipient.ptr, log->recipient.len, 0);
		putc(' ', stream);
	}
	if (output->color)
		fputs(verdict_color(result->verdict), stream);
	write_padded(stream, verdict, strlen(verdict), output->color ? 0 : 13);
	if (output->color) {
		fputs("\033[0m", stream);
		write_padded(stream, "", 0, 13 - (int)strlen(verdict));
	}
	if (reply->code != 0)
		snprintf(code, sizeof(code), "%d", reply->code);
	write_padded(stream, code, strlen(code), 4);
	if (reply->enhanced.ptr != NULL)
		write_padded(stream, reply->enhanced.ptr, reply->enhanced.len, 8);
	else
		write_padded(stream, "-", 1, 8);
	write_padded(stream, reason, strlen(reason), 16);
	write_padded(stream, action, strlen(action), 19);
	fputs(smtpclass_action_sentence(result->action), stream);
	putc('\n', stream);
	if (output->explain) {
		fputs("    rule: ", stream);
		fputs(result->rule != NULL ? result->rule : "none (no code, no matching text)", stream);
		if (result->evidence != NULL) {
			fputs("; matched \"", stream);
			fputs(result->evidence, stream);
			putc('"', stream);
		}
		if (result->mismatch)
			fputs("; basic and enhanced classes disagree: the basic code decides", stream);
		putc('\n', stream);
		if (reply->segment_count > 0) {
			fputs("    text: ", stream);
			write_text_segments(stream, reply, FORMAT_TEXT);
			putc('\n', stream);
		}
	}
}

void output_header(const struct output *output)
{
	int csv = output->format == FORMAT_CSV;

	if (output->format != FORMAT_TSV && !csv)
		return;
	for (size_t i = 0; i < column_count(output); i++) {
		if (i > 0)
			putc(csv ? ',' : '\t', output->stream);
		fputs(column_name(i), output->stream);
	}
	putc('\n', output->stream);
}

void output_record(const struct output *output, const struct record *record)
{
	switch (output->format) {
	case FORMAT_JSON:
		write_json(output, record);
		break;
	case FORMAT_TSV:
	case FORMAT_CSV:
		write_separated(output, record);
		break;
	case FORMAT_TEXT:
		write_text(output, record);
		break;
	}
}
