/*
 * output.c: the four output formats.
 *
 * The columns are listed once, in REPLY_COLUMNS, LOG_COLUMNS and
 * TAXONOMY_COLUMNS (name and value together; the log group only in log mode,
 * the taxonomy group only with --taxonomy); JSON, TSV and CSV walk the same
 * lists, so their keys and column order cannot drift apart.  The text format is for people and
 * picks a few of them.  Nothing here allocates: the reply text is written segment by segment
 * straight from the input buffer.
 */
#include "output.h"
#include "registry.h"

#include "timestamp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Buffered writing: records are built in output->buffer and handed to the
 * stream in large blocks, which is several times faster than stdio per byte. */
void output_flush(struct output *output)
{
	output->flushes++;
	if (output->used > 0) {
		if (fwrite(output->buffer, 1, output->used, output->stream) != output->used ||
		    ferror(output->stream))
			output->failed = 1;
		output->used = 0;
	}
}

static void out_bytes_flushing(struct output *output, const void *bytes, size_t len)
{
	output_flush(output);
	if (len > sizeof(output->buffer)) {
		if (fwrite(bytes, 1, len, output->stream) != len)
			output->failed = 1;
		return;
	}
	memcpy(output->buffer, bytes, len);
	output->used = len;
}

/* Inline: a record is some sixty short pieces, and a call each cost more
 * than the copy (callgrind, -j on 100,000 replies). */
static inline void out_bytes(struct output *output, const void *bytes, size_t len)
{
	if (output->used + len > sizeof(output->buffer)) {
		out_bytes_flushing(output, bytes, len);
		return;
	}
	memcpy(output->buffer + output->used, bytes, len);
	output->used += len;
}

static void out_char(struct output *output, int c)
{
	if (output->used == sizeof(output->buffer))
		output_flush(output);
	output->buffer[output->used++] = (char)c;
}

static void out_string(struct output *output, const char *s)
{
	out_bytes(output, s, strlen(s));
}

static void out_number(struct output *output, long long n)
{
	char digits[DECIMAL_MAX];
	size_t at = decimal_digits(digits, n);

	out_bytes(output, digits + at, sizeof(digits) - at);
}

/* V_NAME: a name from smtpclass's own tables (verdicts, reasons, registry
 * names), printable ASCII without quotes or backslashes, so written without
 * escaping; bytes from the input are V_STRING. */
enum value_kind {
	V_NULL,
	V_STRING,
	V_NAME,
	V_NUMBER,
	V_BOOL,
	V_TEXT,
	V_RAW /* a number as written */
};

struct value {
	enum value_kind kind;
	const char *s;
	size_t len;
	long long number;
};

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

static struct value name_value(const char *s)
{
	struct value v = string_value(s);

	if (s != NULL)
		v.kind = V_NAME;
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

static struct value bool_value(int b)
{
	struct value v = {V_BOOL, NULL, 0, b != 0};

	return v;
}

/* The reply text, written segment by segment from the input when the record
 * is written: no copy. */
static struct value text_value(const smtpclass_reply *reply)
{
	struct value v = {reply->segment_count > 0 ? V_TEXT : V_NULL, NULL, 0, 0};

	return v;
}

/* Writes n >= 0 at p as %0*lld would, at least width digits; returns the
 * end.  snprintf() was a third of a JSON log record (callgrind). */
static char *put_digits(char *p, long long n, int width)
{
	char digits[DECIMAL_MAX];
	size_t at = decimal_digits(digits, n);

	for (int pad = width - (int)(DECIMAL_MAX - at); pad > 0; pad--)
		*p++ = '0';
	memcpy(p, digits + at, DECIMAL_MAX - at);
	return p + (DECIMAL_MAX - at);
}

/* Writes 0 <= n <= 99 at p as %02d would; returns the end. */
static char *put_two_digits(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
	return p + 2;
}

/* The fraction of the second as timestamp_iso() and unix_value() write
 * it: its first (at most 6) digits, or -1 when there is none. */
static long stamp_fraction(const struct stamp *t, int *digits)
{
	long fraction = t->micros;

	if (t->fraction_digits <= 0)
		return -1;
	*digits = t->fraction_digits > 6 ? 6 : t->fraction_digits;
	for (int i = *digits; i < 6; i++)
		fraction /= 10;
	return fraction;
}

/*
 * timestamp_iso() without snprintf(): "%04d-%02d-%02dT%02d:%02d:%02d" with
 * the fraction and "+hh:mm", the same bytes for every stamp it takes; 0
 * for the others (a field out of range, a negative one), which go to
 * timestamp_iso() itself.  The offset is what timestamp_unix() took away
 * from the wall clock.
 */
static size_t fast_iso(const struct stamp *t, char *buf)
{
	long long wall, offset;
	long fraction;
	int digits = 0;
	char *p = buf, sign;

	if (t->year <= 0 || t->year > 9999 || t->month < 0 || t->month > 99 || t->day < 0 ||
	    t->day > 99 || t->hour < 0 || t->hour > 99 || t->minute < 0 || t->minute > 99 ||
	    t->second < 0 || t->second > 99 || t->micros < 0 || t->micros > 999999)
		return 0;
	wall = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600LL +
	       t->minute * 60LL + t->second;
	offset = wall - timestamp_unix(t);
	sign = offset < 0 ? '-' : '+';
	if (offset < 0)
		offset = -offset;
	if (offset / 3600 > 99)
		return 0;
	p = put_digits(p, t->year, 4);
	*p++ = '-';
	p = put_two_digits(p, t->month);
	*p++ = '-';
	p = put_two_digits(p, t->day);
	*p++ = 'T';
	p = put_two_digits(p, t->hour);
	*p++ = ':';
	p = put_two_digits(p, t->minute);
	*p++ = ':';
	p = put_two_digits(p, t->second);
	fraction = stamp_fraction(t, &digits);
	if (fraction >= 0) {
		*p++ = '.';
		p = put_digits(p, fraction, digits);
	}
	*p++ = sign;
	p = put_two_digits(p, (int)(offset / 3600));
	*p++ = ':';
	p = put_two_digits(p, (int)(offset / 60 % 60));
	return (size_t)(p - buf);
}

/* The record's stamp, read once per record by output_record(). */
static struct value iso_value(struct output *output)
{
	static char iso[64];
	struct value v = {V_NULL, NULL, 0, 0};

	if (output->stamp_ok) {
		v.len = fast_iso(&output->stamp, iso);
		if (v.len == 0)
			v.len = timestamp_iso(&output->stamp, iso, sizeof(iso));
	}
	if (v.len > 0) {
		v.kind = V_STRING;
		v.s = iso;
	}
	return v;
}

/* Seconds since the epoch, with the fraction the log gives, as a JSON
 * number: what jq and awk filters compare.  Written as "%lld.%0*ld" would
 * (put_digits(): that snprintf() was a tenth of a JSON log record). */
static struct value unix_value(struct output *output)
{
	static char number[48];
	struct value v = {V_NULL, NULL, 0, 0};
	const struct stamp *t = &output->stamp;
	char digits[DECIMAL_MAX];
	size_t at;
	long fraction;
	int width = 0;

	if (!output->stamp_ok || t->year == 0)
		return v;
	if (t->micros < 0) {
		/* Not from a parsed stamp: written as it always was. */
		int n;

		if (t->fraction_digits > 0) {
			int width = t->fraction_digits > 6 ? 6 : t->fraction_digits;
			long slow = t->micros;

			for (int i = width; i < 6; i++)
				slow /= 10;
			n = snprintf(number, sizeof(number), "%lld.%0*ld", timestamp_unix(t), width,
			             slow);
		} else {
			n = snprintf(number, sizeof(number), "%lld", timestamp_unix(t));
		}
		if (n > 0 && (size_t)n < sizeof(number)) {
			v.kind = V_RAW;
			v.s = number;
			v.len = (size_t)n;
		}
		return v;
	}
	at = decimal_digits(digits, timestamp_unix(t));
	memcpy(number, digits + at, DECIMAL_MAX - at);
	v.len = DECIMAL_MAX - at;
	fraction = stamp_fraction(t, &width);
	if (fraction >= 0) {
		number[v.len++] = '.';
		v.len = (size_t)(put_digits(number + v.len, fraction, width) - number);
	}
	v.kind = V_RAW;
	v.s = number;
	return v;
}

/*
 * The columns, in output order, each with its name and its value: JSON keys,
 * the TSV/CSV header and the values all expand from these two lists, so a
 * column is added in one place.  Reply columns are filled in every mode, log
 * columns are null outside log mode: every mode writes the same keys in the
 * same order (the record schema of README and smtpclass(1)).  In the value
 * expressions, record, reply, result, found, log, output and none (a null
 * value) are in scope.
 */
#define REPLY_COLUMNS(X)                                                                           \
	X(source, string_value(record->source))                                                    \
	X(line, number_value((long long)record->line))                                             \
	X(code, reply->code != 0 ? number_value(reply->code) : none)                               \
	X(enhanced, has_enhanced ? span_value(reply->enhanced) : none)                             \
	X(class, name_value(smtpclass_class_name(class_digit_of(reply))))                          \
	X(subject,                                                                                 \
	  has_enhanced ? name_value(smtpclass_subject_name(reply->enhanced_subject)) : none)       \
	X(detail, has_enhanced ? name_value(smtpclass_detail_name(reply->enhanced_subject,         \
	                                                          reply->enhanced_detail))         \
	                       : none)                                                             \
	X(text, text_value(reply))                                                                 \
	X(verdict, name_value(smtpclass_verdict_name(result->verdict)))                            \
	X(reason, name_value(smtpclass_reason_name(result->reason)))                               \
	X(action, name_value(smtpclass_action_name(result->action)))                               \
	X(confidence, name_value(smtpclass_confidence_name(result->confidence)))                   \
	X(rule, string_value(result->rule))                                                        \
	X(mismatch, bool_value(result->mismatch))                                                  \
	X(stage, name_value(smtpclass_stage_name(record->stage)))                                  \
	X(remote_host, mail != NULL    ? span_value(mail->remote_host)                             \
	               : found != NULL ? span_value(found->remote_host)                            \
	                               : none)                                                     \
	X(remote_ip, found != NULL ? span_value(found->remote_ip) : none)

#define LOG_COLUMNS(X)                                                                             \
	X(time, span_value(log->time))                                                             \
	X(time_iso, iso_value(output))                                                             \
	X(time_unix, mail != NULL ? (mail->time_unix >= 0 ? number_value(mail->time_unix) : none)  \
	                          : unix_value(output))                                            \
	X(host, span_value(log->host))                                                             \
	X(mta, name_value(smtpclass_mta_name(log->mta)))                                           \
	X(queue_id, span_value(log->queue_id))                                                     \
	X(sender, span_value(log->sender))                                                         \
	X(recipient, span_value(log->recipient))                                                   \
	X(domain, span_value(log->domain))                                                         \
	X(relay, span_value(log->relay))                                                           \
	X(status, mail != NULL ? span_value(mail->status)                                          \
	                       : name_value(smtpclass_log_status_name(log->status)))               \
	X(dsn, span_value(log->dsn))                                                               \
	MAIL_COLUMNS(X)

/* The columns of records read from bounce messages (null in log mode). */
#define MAIL_COLUMNS(X)                                                                            \
	X(original_recipient, mail != NULL ? span_value(mail->original_recipient) : none)          \
	X(reporting_mta, mail != NULL ? span_value(mail->reporting_mta) : none)                    \
	X(message_id, mail != NULL ? span_value(mail->message_id) : none)                          \
	X(message_subject, mail != NULL ? span_value(mail->subject) : none)                        \
	X(list_id, mail != NULL ? span_value(mail->list_id) : none)                                \
	X(campaign_id, mail != NULL ? span_value(mail->campaign_id) : none)

/* With --taxonomy: the result in other senders' bounce taxonomies. */
#define TAXONOMY_COLUMNS(X)                                                                        \
	X(bounce_class, string_value(taxonomy.bounce_class))                                       \
	X(powermta_category, string_value(taxonomy.powermta_category))                             \
	X(ses_bounce_type, string_value(taxonomy.ses_bounce_type))                                 \
	X(ses_bounce_subtype, string_value(taxonomy.ses_bounce_subtype))

#define COLUMN_REPLY_ID(name, value) REPLY_COLUMN_##name,
#define COLUMN_LOG_ID(name, value)   LOG_COLUMN_##name,
#define COLUMN_NAME(name, value)     #name,
#define COLUMN_REPLY_CASE(name, value)                                                             \
	case REPLY_COLUMN_##name:                                                                  \
		return value;
#define COLUMN_LOG_CASE(name, value)                                                               \
	case LOG_COLUMN_##name:                                                                    \
		return value;
#define COLUMN_TAXONOMY_ID(name, value) TAXONOMY_COLUMN_##name,
#define COLUMN_TAXONOMY_CASE(name, value)                                                          \
	case TAXONOMY_COLUMN_##name:                                                               \
		return value;

enum reply_column { REPLY_COLUMNS(COLUMN_REPLY_ID) REPLY_COLUMN_COUNT };
enum log_column { LOG_COLUMNS(COLUMN_LOG_ID) LOG_COLUMN_COUNT };
enum taxonomy_column { TAXONOMY_COLUMNS(COLUMN_TAXONOMY_ID) TAXONOMY_COLUMN_COUNT };
#define ALL_COLUMN_COUNT (REPLY_COLUMN_COUNT + LOG_COLUMN_COUNT + TAXONOMY_COLUMN_COUNT)
static const char *const column_names[] = {REPLY_COLUMNS(COLUMN_NAME) LOG_COLUMNS(COLUMN_NAME)
                                               TAXONOMY_COLUMNS(COLUMN_NAME)};

/* The id (reply columns, then log, then taxonomy columns) of the i-th
 * column written: the --fields list, else every column in that order. */
static size_t column_id(const struct output *output, size_t i)
{
	return output->field_count > 0 ? output->fields[i] : i;
}

static struct value taxonomy_value(const smtpclass_result *result, size_t i)
{
	const struct value none = {V_NULL, NULL, 0, 0};
	smtpclass_taxonomy taxonomy;

	smtpclass_result_taxonomy(result, &taxonomy);
	switch (i) {
		TAXONOMY_COLUMNS(COLUMN_TAXONOMY_CASE)
	default:
		return none;
	}
}

/* The value of log column i of a record with a log record.  Kept out of
 * column_value(): inlined, its stamps made every reply column's call
 * save more registers (callgrind: +11% Ir in column_value on replies). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static struct value
log_column_value(struct output *output, const struct record *record, size_t i)
{
	const smtpclass_log_record *log = record->log;
	const struct record_mail *mail = record->mail;
	const struct value none = {V_NULL, NULL, 0, 0};

	switch (i) {
		LOG_COLUMNS(COLUMN_LOG_CASE)
	default:
		return none;
	}
}

/* The value of column id i (reply columns first, then log, then taxonomy). */
static struct value column_value(struct output *output, const struct record *record, size_t i)
{
	const smtpclass_reply *reply = record->reply;
	const smtpclass_result *result = record->result;
	const smtpclass_found *found = record->found;
	const struct record_mail *mail = record->mail;
	const struct value none = {V_NULL, NULL, 0, 0};
	int has_enhanced = reply->enhanced_class != 0;

	switch (i) {
		REPLY_COLUMNS(COLUMN_REPLY_CASE)
	default:
		break;
	}
	if (i >= REPLY_COLUMN_COUNT + LOG_COLUMN_COUNT)
		return taxonomy_value(result, i - REPLY_COLUMN_COUNT - LOG_COLUMN_COUNT);
	if (record->log == NULL)
		return none;
	return log_column_value(output, record, i - REPLY_COLUMN_COUNT);
}

/* Every record has every reply and log column (null where the mode has no
 * value); the taxonomy columns come with --taxonomy. */
static size_t column_count(struct output *output)
{
	if (output->field_count > 0)
		return output->field_count;
	return REPLY_COLUMN_COUNT + LOG_COLUMN_COUNT +
	       (output->taxonomy ? TAXONOMY_COLUMN_COUNT : 0);
}

static const char *column_name(size_t i)
{
	return column_names[i];
}

int output_set_fields(struct output *output, const char *list, const char **bad, size_t *bad_len)
{
	const char *at = list;

	output->field_count = 0;
	for (;;) {
		size_t len = strcspn(at, ","), i;

		for (i = 0; i < ALL_COLUMN_COUNT; i++)
			if (strlen(column_names[i]) == len && memcmp(column_names[i], at, len) == 0)
				break;
		if (i == ALL_COLUMN_COUNT || output->field_count == OUTPUT_FIELDS_MAX) {
			*bad = at;
			*bad_len = len;
			output->field_count = 0;
			return -1;
		}
		output->fields[output->field_count++] = i;
		if (at[len] == '\0')
			return 0;
		at += len + 1;
	}
}

void output_list_fields(FILE *stream)
{
	for (size_t i = 0; i < ALL_COLUMN_COUNT; i++)
		fprintf(stream, "%s%s", i > 0 ? "," : "", column_names[i]);
	putc('\n', stream);
}

/* Bytes JSON strings carry as they are: printable ASCII but '"' and '\\'. */
static unsigned char json_plain[256];

static void init_json_plain(void)
{
	for (int c = 0x20; c < 0x7f; c++)
		json_plain[c] = c != '"' && c != '\\';
}

/*
 * True when none of 8 bytes needs escaping: no control byte (< 0x20), no
 * byte >= 0x7f (DEL, or UTF-8 to validate), no '"' and no '\\'.  The usual
 * SWAR tests: (x - 0x01..) & ~x & 0x80.. flags bytes below a bound or equal
 * to zero after an XOR.
 */
static int plain_word(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t w, quote, backslash, low, high;

	memcpy(&w, p, 8);
	quote = w ^ (ones * '"');
	backslash = w ^ (ones * '\\');
	low = (w - ones * 0x20) & ~w;
	high = (w + ones * 0x01) | w; /* 0x7f + 1 sets the high bit, as does >= 0x80 */
	return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | low | high) & highs
	           ? 0
	           : 1;
}

/* Where the run of bytes that need no escaping from run on ends, looked at
 * sixteen bytes at a time (SSE2, on every x86-64): the same bytes as
 * plain_word() and json_plain[] accept, since a signed compare below 0x20
 * also catches every byte >= 0x80.  Stops short of the last 16 bytes; the
 * callers' loops finish the run. */
static size_t plain_run16(const unsigned char *p, size_t run, size_t len)
{
#if defined(__SSE2__)
	const __m128i below = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"');
	const __m128i backslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f);

	while (len - run >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + run));
		__m128i stop = _mm_or_si128(
		    _mm_or_si128(_mm_cmplt_epi8(x, below), _mm_cmpeq_epi8(x, quote)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(x, del)));
		unsigned mask = (unsigned)_mm_movemask_epi8(stop);

		if (mask != 0) {
			unsigned at = 0;

			while (!(mask & 1u)) {
				mask >>= 1;
				at++;
			}
			return run + at;
		}
		run += 16;
	}
#else
	(void)p;
	(void)len;
#endif
	return run;
}

static void json_escape(struct output *output, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t run = i;
		struct safe_piece piece;

		/* Fast path: copy a run of bytes that need no escaping at once,
		 * testing sixteen, then eight at a time. */
		run = plain_run16(p, run, len);
		while (len - run >= 8 && plain_word(p + run))
			run += 8;
		while (run < len && json_plain[p[run]])
			run++;
		if (run > i) {
			out_bytes(output, p + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			out_char(output, '\\');
			out_char(output, c);
			i++;
			continue;
		}
		if ((c < 0x20 && c != '\0') || c == 0x7f) {
			switch (c) {
			case '\n':
				out_string(output, "\\n");
				break;
			case '\r':
				out_string(output, "\\r");
				break;
			case '\t':
				out_string(output, "\\t");
				break;
			default:
				out_string(output, "\\u00");
				out_char(output, hex[c >> 4]);
				out_char(output, hex[c & 15]);
			}
			i++;
			continue;
		}
		/* What is not escaped: as it reads back (safe.h), so that the
		 * summary, which keeps its names in that form, and this writer
		 * cannot disagree. */
		piece = safe_json_unit(s + i, len - i);
		out_bytes(output, piece.bytes, piece.len);
		i += piece.consumed;
	}
}

static void output_json_string_buffered(struct output *output, const char *s, size_t len)
{
	out_char(output, '"');
	json_escape(output, s, len);
	out_char(output, '"');
}

void output_json_string(FILE *stream, const char *s, size_t len)
{
	static struct output direct;

	init_json_plain();
	direct.stream = stream;
	output_json_string_buffered(&direct, s, len);
	output_flush(&direct);
}

/* Writes input bytes for text, TSV and CSV made safe (safe.h: controls as
 * spaces, C1 and ill-formed UTF-8 as U+FFFD); CSV doubles '"'.  Runs of
 * printable ASCII, nearly every byte of a log, are one copy each. */
static void write_flat(struct output *output, const char *s, size_t len, int csv)
{
	size_t i = 0;

	while (i < len) {
		size_t run = safe_plain_run(s + i, len - i, csv);
		struct safe_piece piece;

		if (run > 0) {
			out_bytes(output, s + i, run);
			i += run;
			continue;
		}
		if (s[i] == '"') {
			out_bytes(output, "\"\"", 2);
			i++;
			continue;
		}
		piece = safe_unit(s + i, len - i);
		out_bytes(output, piece.bytes, piece.len);
		i += piece.consumed;
	}
}

/* Opens a CSV cell whose value starts with s[0..len): a quote, and a single
 * quote first when a spreadsheet would read the cell as a formula (OWASP's
 * advice against CSV injection), unless --csv-raw. */
static void open_csv_cell(struct output *output, const char *s, size_t len)
{
	out_char(output, '"');
	if (!output->csv_raw && safe_csv_formula(s, len))
		out_char(output, '\'');
}

static void write_text_segments(struct output *output, const smtpclass_reply *reply,
                                enum output_format format)
{
	for (size_t i = 0; i < reply->segment_count; i++) {
		if (i > 0)
			out_char(output, ' ');
		if (format == FORMAT_JSON)
			json_escape(output, reply->segments[i].ptr, reply->segments[i].len);
		else
			write_flat(output, reply->segments[i].ptr, reply->segments[i].len,
			           format == FORMAT_CSV);
	}
}

/* A number or a boolean: written the same in JSON, TSV and CSV. */
static void write_scalar(struct output *output, const struct value *v)
{
	if (v->kind == V_NUMBER)
		out_number(output, v->number);
	else if (v->kind == V_RAW)
		out_bytes(output, v->s, v->len);
	else
		out_string(output, v->number ? "true" : "false");
}

/* ',"name":' for every column, made once, so a record is mostly memcpy;
 * followed by "null", a null member is one copy.  A row is KEY_COPY bytes
 * longer than any key, so that out_key() may copy KEY_COPY bytes from
 * anywhere in it. */
#define KEY_COPY 32
static char json_keys[ALL_COLUMN_COUNT][2 * KEY_COPY];
static size_t json_key_lengths[ALL_COLUMN_COUNT];
/* Without a log record every log column is null (column_value()): their
 * members, made once, are one copy for a record of a reply. */
static char json_log_nulls[LOG_COLUMN_COUNT * 32];
static size_t json_log_nulls_length;

static void init_json_keys(void)
{
	if (json_key_lengths[0] != 0)
		return;
	init_json_plain();
	for (size_t i = 0; i < ALL_COLUMN_COUNT; i++)
		json_key_lengths[i] = (size_t)snprintf(json_keys[i], sizeof(json_keys[i]),
		                                       ",\"%s\":null", column_name(i)) -
		                      4;
	for (size_t i = REPLY_COLUMN_COUNT; i < REPLY_COLUMN_COUNT + LOG_COLUMN_COUNT; i++) {
		memcpy(json_log_nulls + json_log_nulls_length, json_keys[i],
		       json_key_lengths[i] + 4);
		json_log_nulls_length += json_key_lengths[i] + 4;
	}
}

/* Writes key[0..len) (a json_keys[] row, readable KEY_COPY bytes on) as
 * one fixed-size copy, which the compiler turns into two vector moves: the
 * copy of variable length was a call to memcpy() per member. */
static inline void out_key(struct output *output, const char *key, size_t len)
{
	if (len > KEY_COPY || output->used + KEY_COPY > sizeof(output->buffer)) {
		out_bytes(output, key, len);
		return;
	}
	memcpy(output->buffer + output->used, key, KEY_COPY);
	output->used += len;
}

/* Writes the members of one JSON object: the column ids listed (when list
 * is NULL, the count columns the output has on), nulls left out when
 * omit_null is set. */
static void write_json_members(struct output *output, const struct record *record,
                               const size_t *list, size_t count, int omit_null)
{
	int first = 1;

	init_json_keys();
	for (size_t n = 0; n < count; n++) {
		size_t i = list != NULL ? list[n] : column_id(output, n);
		struct value v;

		if (list == NULL && output->field_count == 0 && i == REPLY_COLUMN_COUNT &&
		    record->log == NULL && !omit_null) {
			out_bytes(output, json_log_nulls, json_log_nulls_length);
			n += LOG_COLUMN_COUNT - 1;
			continue;
		}
		v = column_value(output, record, i);

		if (omit_null && v.kind == V_NULL)
			continue;
		if (v.kind == V_NULL) {
			out_key(output, json_keys[i] + first,
			        json_key_lengths[i] + 4 - (size_t)first);
			first = 0;
			continue;
		}
		out_key(output, json_keys[i] + first, json_key_lengths[i] - (size_t)first);
		first = 0;
		switch (v.kind) {
		case V_NULL:
			break;
		case V_STRING:
			output_json_string_buffered(output, v.s, v.len);
			break;
		case V_NAME:
			out_char(output, '"');
			out_bytes(output, v.s, v.len);
			out_char(output, '"');
			break;
		case V_NUMBER:
		case V_RAW:
		case V_BOOL:
			write_scalar(output, &v);
			break;
		case V_TEXT:
			out_char(output, '"');
			write_text_segments(output, record->reply, FORMAT_JSON);
			out_char(output, '"');
			break;
		}
	}
}

static void write_json(struct output *output, const struct record *record)
{
	out_char(output, '{');
	write_json_members(output, record, NULL, column_count(output), 0);
	out_string(output, "}\n");
}

/* The members of rsyslog's $!smtp, in their order (see rsyslog.c). */
#define RSYSLOG_REPLY(name) REPLY_COLUMN_##name
#define RSYSLOG_LOG(name)   REPLY_COLUMN_COUNT + LOG_COLUMN_##name
static const size_t rsyslog_columns[] = {
    RSYSLOG_REPLY(code),   RSYSLOG_REPLY(enhanced), RSYSLOG_REPLY(verdict),
    RSYSLOG_REPLY(reason), RSYSLOG_REPLY(action),   RSYSLOG_REPLY(confidence),
    RSYSLOG_REPLY(rule),   RSYSLOG_LOG(status),     RSYSLOG_LOG(mta),
    RSYSLOG_LOG(queue_id), RSYSLOG_LOG(sender),     RSYSLOG_LOG(recipient),
    RSYSLOG_LOG(domain),   RSYSLOG_LOG(relay),      RSYSLOG_REPLY(stage),
    RSYSLOG_LOG(dsn)};

void output_rsyslog_record(struct output *output, const struct record *record)
{
	out_string(output, "{\"$!\":{\"smtp\":{");
	write_json_members(output, record, rsyslog_columns,
	                   sizeof(rsyslog_columns) / sizeof(rsyslog_columns[0]), 1);
	out_string(output, "}}}\n");
}

static void write_separated(struct output *output, const struct record *record)
{
	int csv = output->format == FORMAT_CSV;

	for (size_t i = 0; i < column_count(output); i++) {
		struct value v = column_value(output, record, column_id(output, i));

		if (i > 0)
			out_char(output, csv ? ',' : '\t');
		switch (v.kind) {
		case V_NULL:
			break;
		case V_STRING:
			if (csv)
				open_csv_cell(output, v.s, v.len);
			write_flat(output, v.s, v.len, csv);
			if (csv)
				out_char(output, '"');
			break;
		case V_NAME:
			if (csv)
				out_char(output, '"');
			out_bytes(output, v.s, v.len);
			if (csv)
				out_char(output, '"');
			break;
		case V_NUMBER:
		case V_RAW:
		case V_BOOL:
			write_scalar(output, &v);
			break;
		case V_TEXT:
			if (csv)
				open_csv_cell(output, record->reply->segments[0].ptr,
				              record->reply->segments[0].len);
			write_text_segments(output, record->reply, output->format);
			if (csv)
				out_char(output, '"');
			break;
		}
	}
	out_char(output, '\n');
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

static void write_padded(struct output *output, const char *s, size_t len, int width)
{
	write_flat(output, s, len, 0);
	for (int i = (int)len; i < width; i++)
		out_char(output, ' ');
}

/* --explain: the result in other senders' taxonomies, when it is a bounce. */
static void write_explained_taxonomy(struct output *output, const smtpclass_result *result)
{
	smtpclass_taxonomy taxonomy;

	smtpclass_result_taxonomy(result, &taxonomy);
	if (taxonomy.bounce_class == NULL)
		return;
	out_string(output, "    taxonomy: SparkPost ");
	out_string(output, taxonomy.bounce_class);
	out_string(output, "; PowerMTA ");
	out_string(output, taxonomy.powermta_category);
	out_string(output, "; Amazon SES ");
	out_string(output, taxonomy.ses_bounce_type);
	out_char(output, '/');
	out_string(output, taxonomy.ses_bounce_subtype);
	out_char(output, '\n');
}

/* --explain: what the registries call the codes (data/basic-codes.tsv, the
 * IANA names of data/enhanced-codes.tsv), as --describe says in full. */
static void write_explained_codes(struct output *output, const smtpclass_reply *reply)
{
	const char *meaning = reply->code != 0 ? registry_basic_meaning(reply->code) : NULL;
	const char *subject = smtpclass_subject_name(reply->enhanced_subject);
	const char *detail = smtpclass_detail_name(reply->enhanced_subject, reply->enhanced_detail);
	char code[DECIMAL_MAX];

	if (meaning != NULL) {
		size_t at = decimal_digits(code, reply->code);

		out_string(output, "    code: ");
		write_flat(output, code + at, sizeof(code) - at, 0);
		out_char(output, ' ');
		out_string(output, meaning);
		out_char(output, '\n');
	}
	if (reply->enhanced.ptr != NULL && subject != NULL) {
		out_string(output, "    enhanced: ");
		write_flat(output, reply->enhanced.ptr, reply->enhanced.len, 0);
		out_char(output, ' ');
		out_string(output, subject);
		out_string(output, ": ");
		out_string(output, detail != NULL ? detail : "(detail not registered)");
		out_char(output, '\n');
	}
}

/* A span from the input, made safe, then spaces to width; "-" when absent. */
static void write_span_padded(struct output *output, smtpclass_span span, int width)
{
	if (span.ptr == NULL || span.len == 0)
		write_padded(output, "-", 1, width);
	else
		write_padded(output, span.ptr, span.len, width);
	out_char(output, ' ');
}

/* Log mode, after the action: the outcome the MTA logged, the recipient
 * (the client for a reject of this server's: whose mail was refused), and
 * the reply text. */
static void write_log_tail(struct output *output, const struct record *record)
{
	const smtpclass_log_record *log = record->log;
	const char *status = smtpclass_log_status_name(log->status);
	size_t status_len = status != NULL ? strlen(status) : 0;
	smtpclass_span who = log->status == SMTPCLASS_STATUS_REJECTED ? log->relay : log->recipient;

	if (record->mail != NULL) {
		status = record->mail->status.ptr;
		status_len = record->mail->status.len;
	}
	write_padded(output, status != NULL ? status : "-", status != NULL ? status_len : 1,
	             status_len < 9 ? 9 : (int)status_len + 1);
	if (who.ptr == NULL && log->status == SMTPCLASS_STATUS_REJECTED)
		who = log->recipient;
	write_span_padded(output, who, 0);
	if (record->reply->segment_count > 0)
		write_text_segments(output, record->reply, FORMAT_TEXT);
	else
		out_char(output, '-');
	while (output->used > 0 && output->buffer[output->used - 1] == ' ')
		output->used--;
}

/* Cuts the line written since line_start to output->width columns (code
 * points; colour sequences, the only ESC bytes in a safe line, take none),
 * ending it with "...".  Nothing is cut when the buffer was flushed in the
 * line (a line of 64 KiB) or when the width is 0 (not a terminal). */
static void cut_to_width(struct output *output, size_t line_start, unsigned long flushes)
{
	size_t columns = 0, keep = 0;
	int width = output->width;

	if (width <= 3 || flushes != output->flushes)
		return;
	for (size_t i = line_start; i < output->used; i++) {
		unsigned char c = (unsigned char)output->buffer[i];

		if (c == 0x1b) {
			while (i < output->used && output->buffer[i] != 'm')
				i++;
			continue;
		}
		if ((c & 0xc0) == 0x80)
			continue;
		if (columns == (size_t)width - 3)
			keep = i;
		columns++;
	}
	if (columns <= (size_t)width)
		return;
	output->used = keep;
	out_string(output, "...");
	if (output->color)
		out_string(output, "\033[0m");
}

/* The text format's header: the names of its columns, as wide as they are,
 * for a log line or a reply (written before the first record, whose mode
 * decides). */
static void write_text_header(struct output *output, int log_mode)
{
	if (log_mode)
		out_string(output,
		           "time            queue-id    verdict code enhanced "
		           "reason          action             status   recipient/client text\n");
	else
		out_string(output, "verdict      code enhanced reason          action             "
		                   "conf.  what to do\n");
}

/* --fields in the text format: the values named, one space apart, "-" for
 * a null; strings made safe as everywhere. */
static void write_text_fields(struct output *output, const struct record *record)
{
	for (size_t n = 0; n < column_count(output); n++) {
		struct value v = column_value(output, record, column_id(output, n));

		if (n > 0)
			out_char(output, ' ');
		switch (v.kind) {
		case V_NULL:
			out_char(output, '-');
			break;
		case V_STRING:
		case V_NAME:
			if (v.len == 0)
				out_char(output, '-');
			write_flat(output, v.s, v.len, 0);
			break;
		case V_NUMBER:
		case V_RAW:
		case V_BOOL:
			write_scalar(output, &v);
			break;
		case V_TEXT:
			write_text_segments(output, record->reply, FORMAT_TEXT);
			break;
		}
	}
	out_char(output, '\n');
}

static void write_text(struct output *output, const struct record *record)
{
	const smtpclass_reply *reply = record->reply;
	const smtpclass_result *result = record->result;
	const smtpclass_log_record *log = record->log;
	const char *verdict = smtpclass_verdict_name(result->verdict);
	const char *reason = smtpclass_reason_name(result->reason);
	const char *action = smtpclass_action_name(result->action);
	const char *confidence = smtpclass_confidence_name(result->confidence);
	char code[DECIMAL_MAX];
	size_t line_start;
	unsigned long flushes;
	int verdict_width;

	/* The header before the first record's FILE:LINE: prefix. */
	if (output->text_header_pending) {
		write_text_header(output, log != NULL);
		output->text_header_pending = 0;
	}
	if (record->mail != NULL && record->source != NULL && output->filenames != 0) {
		/* a message: the file, and the message number in an mbox, which
		 * tell the messages of one Maildir or mbox apart */
		write_flat(output, record->source, strlen(record->source), 0);
		out_string(output, ": ");
	} else if (record->mail == NULL && record->line > 0 && record->source != NULL &&
	           strcmp(record->source, "arg") != 0 &&
	           (output->filenames > 0 || (output->filenames < 0 && output->several_inputs))) {
		write_flat(output, record->source, strlen(record->source), 0);
		out_char(output, ':');
		out_number(output, (long long)record->line);
		out_string(output, ": ");
	}
	line_start = output->used;
	flushes = output->flushes;
	if (log != NULL) {
		/* log mode: when and which message first, what grep and postcat need */
		write_span_padded(output, log->time, 15);
		write_span_padded(output, log->queue_id, 11);
	}
	if (output->color)
		out_string(output, verdict_color(result->verdict));
	/* log lines are wide: their verdicts (hard, soft, success, unknown) fit
	 * 8 columns; a reply may be "intermediate" */
	verdict_width = log != NULL && strlen(verdict) < 8 ? 8 : 13;
	write_padded(output, verdict, strlen(verdict), output->color ? 0 : verdict_width);
	if (output->color) {
		out_string(output, "\033[0m");
		write_padded(output, "", 0, verdict_width - (int)strlen(verdict));
	}
	if (reply->code != 0) {
		size_t at = decimal_digits(code, reply->code);
		write_padded(output, code + at, sizeof(code) - at, 4);
	} else {
		write_padded(output, "-", 1, 4);
	}
	if (reply->enhanced.ptr != NULL)
		write_padded(output, reply->enhanced.ptr, reply->enhanced.len, 8);
	else
		write_padded(output, "-", 1, 8);
	write_padded(output, reason, strlen(reason), 16);
	write_padded(output, action, strlen(action), 19);
	if (log == NULL)
		write_padded(output, confidence != NULL ? confidence : "-",
		             confidence != NULL ? strlen(confidence) : 1, 7);
	if (log != NULL) {
		write_log_tail(output, record);
	} else {
		out_string(output, smtpclass_action_sentence(result->action));
	}
	cut_to_width(output, line_start, flushes);
	out_char(output, '\n');
	if (output->explain) {
		write_explained_codes(output, reply);
		out_string(output, "    rule: ");
		if (result->rule != NULL)
			write_flat(output, result->rule, strlen(result->rule), 0);
		else
			out_string(output, "none (no code, no matching text)");
		if (result->evidence != NULL) {
			out_string(output, "; matched \"");
			write_flat(output, result->evidence, strlen(result->evidence), 0);
			out_char(output, '"');
		}
		if (result->mismatch)
			out_string(output,
			           "; basic and enhanced classes disagree: the basic code decides");
		out_char(output, '\n');
		if (confidence != NULL && result->confidence_basis != NULL) {
			out_string(output, "    confidence: ");
			out_string(output, confidence);
			out_string(output, " (");
			out_string(output, result->confidence_basis);
			out_string(output, smtpclass_result_removes_address(result)
			                       ? "; enough to remove the address)\n"
			                       : ")\n");
		}
		write_explained_taxonomy(output, result);
		if (reply->segment_count > 0) {
			out_string(output, "    text: ");
			write_text_segments(output, reply, FORMAT_TEXT);
			out_char(output, '\n');
		}
	}
}

void output_header(struct output *output)
{
	int csv = output->format == FORMAT_CSV;

	if (output->quiet)
		return;
	if (output->format == FORMAT_TEXT && output->field_count == 0) {
		output->text_header_pending = 1;
		return;
	}
	if (output->format == FORMAT_TEXT) {
		for (size_t i = 0; i < column_count(output); i++) {
			if (i > 0)
				out_char(output, ' ');
			out_string(output, column_name(column_id(output, i)));
		}
		out_char(output, '\n');
		return;
	}
	if (output->format != FORMAT_TSV && !csv)
		return;
	for (size_t i = 0; i < column_count(output); i++) {
		if (i > 0)
			out_char(output, csv ? ',' : '\t');
		out_string(output, column_name(column_id(output, i)));
	}
	out_char(output, '\n');
}

void output_start_input(struct output *output, time_t reference)
{
	year_guess_start(&output->year_guess, output->year, reference);
}

void output_record(struct output *output, const struct record *record)
{
	if (output->quiet)
		return;
	/* The stamp is read once, here, for time_iso and time_unix, and read
	 * for every record in order so the year guess follows the input. */
	output->stamp_ok = 0;
	if (record->log != NULL && record->log->time.ptr != NULL &&
	    (output->format != FORMAT_TEXT || output->field_count > 0) &&
	    timestamp_parse(record->log->time.ptr, record->log->time.len, &output->stamp)) {
		year_guess_apply(&output->year_guess, &output->stamp);
		output->stamp_ok = 1;
	}
	switch (output->format) {
	case FORMAT_JSON:
		write_json(output, record);
		break;
	case FORMAT_TSV:
	case FORMAT_CSV:
		write_separated(output, record);
		break;
	case FORMAT_TEXT:
	case FORMAT_HTML: /* refused without --summary, which writes no record */
		if (output->field_count > 0)
			write_text_fields(output, record);
		else
			write_text(output, record);
		break;
	}
}
