/*
 * journal.c: journald's record formats turned into syslog lines.
 *
 * On a Debian 12 mail server without rsyslog the log is in journald, and
 * log shippers pass it on as `journalctl -o json`.  The line formats of
 * journalctl (short, short-iso, short-unix, ...) are syslog lines the log
 * scanner reads; these four are records of fields instead:
 *
 *   json      {"__REALTIME_TIMESTAMP":"1771002395000001","_HOSTNAME":"mx",
 *              "SYSLOG_IDENTIFIER":"postfix/smtp","SYSLOG_PID":"11086",
 *              "MESSAGE":"08C8A1211B3: to=<a@b.example>, ..."}   one per line
 *   json-seq  the same, each line opened by RS (0x1e), RFC 7464
 *   export    KEY=VALUE lines from __CURSOR= to a blank line; a binary value
 *             is the bare KEY, a 64-bit little-endian length and the bytes
 *   verbose   "Fri 2026-02-13 17:06:35.000001 UTC [s=...;t=64ab7a0a67cc1;...]"
 *             then indented "    KEY=VALUE" lines
 *
 * (journalctl(1) and systemd's "Journal Export Formats" document them.)
 * Each record becomes one line, "TIME HOST IDENTIFIER[PID]: MESSAGE", with
 * TIME in RFC 3339 from __REALTIME_TIMESTAMP (UTC, microseconds: exact and
 * with no time zone to look up), and goes to the log scanner like any other
 * line, so every format gives the same records as the syslog file.  MESSAGE
 * given as an array of bytes (not UTF-8) is read too.  A line that is none
 * of these is left alone: the first byte decides, so plain logs pay one
 * compare per line.
 */
#include "journal.h"

#include <string.h>

#include "timestamp.h"

enum format { FORMAT_NONE, FORMAT_EXPORT, FORMAT_VERBOSE };

enum field {
	FIELD_IDENTIFIER,
	FIELD_SYSLOG_PID,
	FIELD_PID,
	FIELD_COMM,
	FIELD_HOST,
	FIELD_TIME,
	FIELD_MESSAGE,
	FIELD_OTHER = -1
};

static const struct {
	const char *name;
	enum field field;
} field_names[] = {
    {"SYSLOG_IDENTIFIER", FIELD_IDENTIFIER},
    {"SYSLOG_PID", FIELD_SYSLOG_PID},
    {"_PID", FIELD_PID},
    {"_COMM", FIELD_COMM},
    {"_HOSTNAME", FIELD_HOST},
    {"__REALTIME_TIMESTAMP", FIELD_TIME},
    {"MESSAGE", FIELD_MESSAGE},
};

static enum field field_of(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strlen(field_names[i].name) == len &&
		    memcmp(field_names[i].name, name, len) == 0)
			return field_names[i].field;
	return FIELD_OTHER;
}

static void clear_record(struct journal *j)
{
	for (size_t i = 0; i < sizeof(j->fields) / sizeof(j->fields[0]); i++)
		j->fields[i].set = 0;
	j->message_set = 0;
	j->message_len = 0;
	j->binary_field = FIELD_OTHER;
	j->binary_need = 0;
}

void journal_init(struct journal *j)
{
	j->format = FORMAT_NONE;
	j->again = 0;
	clear_record(j);
}

/* Where a field's bytes go, and how many fit. */
static char *field_buffer(struct journal *j, enum field field, size_t *room)
{
	if (field == FIELD_MESSAGE) {
		*room = sizeof(j->message);
		return j->message;
	}
	*room = sizeof(j->fields[field].text);
	return j->fields[field].text;
}

static void field_done(struct journal *j, enum field field, size_t len)
{
	if (field == FIELD_MESSAGE) {
		j->message_len = len;
		j->message_set = 1;
	} else {
		j->fields[field].len = len;
		j->fields[field].set = 1;
	}
}

static void set_field(struct journal *j, enum field field, const char *value, size_t len)
{
	size_t room;
	char *to;

	if (field == FIELD_OTHER)
		return;
	to = field_buffer(j, field, &room);
	if (len > room)
		len = room;
	memcpy(to, value, len);
	field_done(j, field, len);
}

/* ---- the record as one syslog line --------------------------------------- */

static size_t put(char *to, size_t at, size_t room, const char *s, size_t len)
{
	if (at + len > room)
		len = at < room ? room - at : 0;
	memcpy(to + at, s, len);
	return at + len;
}

static size_t put_digits(char *to, size_t at, unsigned long long n, int width)
{
	char digits[24];
	int count = 0;

	do {
		digits[count++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 || count < width);
	while (count > 0)
		to[at++] = digits[--count];
	return at;
}

/* Microseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.uuuuuu+00:00", with
 * the CLI's one civil-date conversion (timestamp.c): no gmtime, no zone. */
static size_t put_time(char *to, size_t at, unsigned long long micros)
{
	unsigned long long seconds = micros / 1000000, second_of_day = seconds % 86400;
	int year, month, day;

	civil_from_days((long long)(seconds / 86400), &year, &month, &day);
	at = put_digits(to, at, (unsigned long long)year, 4);
	to[at++] = '-';
	at = put_digits(to, at, (unsigned long long)month, 2);
	to[at++] = '-';
	at = put_digits(to, at, (unsigned long long)day, 2);
	to[at++] = 'T';
	at = put_digits(to, at, second_of_day / 3600, 2);
	to[at++] = ':';
	at = put_digits(to, at, second_of_day / 60 % 60, 2);
	to[at++] = ':';
	at = put_digits(to, at, second_of_day % 60, 2);
	to[at++] = '.';
	at = put_digits(to, at, micros % 1000000, 6);
	memcpy(to + at, "+00:00", 6);
	return at + 6;
}

static int parse_decimal(const char *s, size_t len, unsigned long long *value)
{
	*value = 0;
	if (len == 0 || len > 19)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*value = *value * 10 + (unsigned long long)(s[i] - '0');
	}
	return 1;
}

/* Builds j->line from the record's fields; 0 when it has no message. */
static int make_line(struct journal *j)
{
	const struct journal_field *identifier = &j->fields[FIELD_IDENTIFIER];
	const struct journal_field *pid = &j->fields[FIELD_SYSLOG_PID];
	const struct journal_field *host = &j->fields[FIELD_HOST];
	const struct journal_field *time = &j->fields[FIELD_TIME];
	unsigned long long micros;
	size_t at = 0, room = sizeof(j->line);

	if (!j->message_set)
		return 0;
	if (!identifier->set)
		identifier = &j->fields[FIELD_COMM];
	if (!pid->set)
		pid = &j->fields[FIELD_PID];
	if (time->set && parse_decimal(time->text, time->len, &micros)) {
		at = put_time(j->line, at, micros);
		j->line[at++] = ' ';
	}
	if (host->set && host->len > 0) {
		at = put(j->line, at, room, host->text, host->len);
		at = put(j->line, at, room, " ", 1);
	}
	if (identifier->set && identifier->len > 0) {
		at = put(j->line, at, room, identifier->text, identifier->len);
		if (pid->set && pid->len > 0) {
			at = put(j->line, at, room, "[", 1);
			at = put(j->line, at, room, pid->text, pid->len);
			at = put(j->line, at, room, "]", 1);
		}
		at = put(j->line, at, room, ": ", 2);
	}
	at = put(j->line, at, room, j->message, j->message_len);
	/* A line has no line ends: a multi-line message is read as one line. */
	for (size_t i = 0; i < at; i++)
		if (j->line[i] == '\n' || j->line[i] == '\r')
			j->line[i] = ' ';
	j->line_len = at;
	j->record_line = j->first_line;
	return 1;
}

/* ---- json and json-seq ----------------------------------------------------- */

struct cursor {
	const char *p, *end;
};

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct cursor *c, unsigned *value)
{
	*value = 0;
	if (c->end - c->p < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_value(c->p[i]);

		if (h < 0)
			return 0;
		*value = *value * 16 + (unsigned)h;
	}
	c->p += 4;
	return 1;
}

static size_t put_utf8(char *to, size_t at, size_t room, unsigned long cp)
{
	char bytes[4];
	size_t n;

	if (cp < 0x80) {
		bytes[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		bytes[0] = (char)(0xc0 | cp >> 6);
		bytes[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		bytes[0] = (char)(0xe0 | cp >> 12);
		bytes[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		bytes[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		bytes[0] = (char)(0xf0 | cp >> 18);
		bytes[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		bytes[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		bytes[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(to, at, room, bytes, n);
}

/* Reads a JSON string at c (its opening quote) into to (NULL: skipped),
 * at most room bytes kept.  Returns 1, or 0 when it is not a string. */
static int read_string(struct cursor *c, char *to, size_t room, size_t *len)
{
	size_t at = 0;

	if (c->p >= c->end || *c->p != '"')
		return 0;
	c->p++;
	while (c->p < c->end) {
		char ch = *c->p++;
		unsigned cp, low;

		if (ch == '"') {
			*len = at;
			return 1;
		}
		if (ch != '\\') {
			if (to != NULL)
				at = put(to, at, room, &ch, 1);
			continue;
		}
		if (c->p >= c->end)
			return 0;
		ch = *c->p++;
		switch (ch) {
		case 'b':
			ch = '\b';
			break;
		case 'f':
			ch = '\f';
			break;
		case 'n':
			ch = '\n';
			break;
		case 'r':
			ch = '\r';
			break;
		case 't':
			ch = '\t';
			break;
		case '"':
		case '\\':
		case '/':
			break;
		case 'u':
			if (!read_hex4(c, &cp))
				return 0;
			if (cp >= 0xd800 && cp < 0xdc00 && c->end - c->p >= 6 && c->p[0] == '\\' &&
			    c->p[1] == 'u') {
				struct cursor after = {c->p + 2, c->end};

				if (read_hex4(&after, &low) && low >= 0xdc00 && low < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
					c->p = after.p;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd; /* a lone surrogate */
			if (to != NULL)
				at = put_utf8(to, at, room, cp);
			continue;
		default:
			return 0;
		}
		if (to != NULL)
			at = put(to, at, room, &ch, 1);
	}
	return 0;
}

static int skip_value(struct cursor *c, int depth);

/* An array of byte values (journald's MESSAGE that is not UTF-8), or of
 * strings (a field given several times: the first is kept). */
static int read_array(struct cursor *c, char *to, size_t room, size_t *len, int depth)
{
	size_t at = 0;
	int first_string = 1;

	c->p++;
	skip_blanks(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		*len = 0;
		return 1;
	}
	for (;;) {
		skip_blanks(c);
		if (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			unsigned value = 0;

			while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && value < 256)
				value = value * 10 + (unsigned)(*c->p++ - '0');
			if (value > 255)
				return 0;
			if (to != NULL) {
				char byte = (char)value;

				at = put(to, at, room, &byte, 1);
			}
		} else if (c->p < c->end && *c->p == '"' && first_string) {
			if (!read_string(c, to, room, &at))
				return 0;
			first_string = 0;
		} else if (!skip_value(c, depth + 1)) {
			return 0;
		}
		skip_blanks(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			*len = at;
			return 1;
		}
		return 0;
	}
}

/* Skips any JSON value (nested at most 32 deep). */
static int skip_value(struct cursor *c, int depth)
{
	size_t len;

	skip_blanks(c);
	if (c->p >= c->end || depth > 32)
		return 0;
	switch (*c->p) {
	case '"':
		return read_string(c, NULL, 0, &len);
	case '[':
		return read_array(c, NULL, 0, &len, depth);
	case '{':
		c->p++;
		for (;;) {
			skip_blanks(c);
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				return 1;
			}
			if (!read_string(c, NULL, 0, &len))
				return 0;
			skip_blanks(c);
			if (c->p >= c->end || *c->p++ != ':' || !skip_value(c, depth + 1))
				return 0;
			skip_blanks(c);
			if (c->p < c->end && *c->p == ',')
				c->p++;
		}
	default:
		/* numbers, true, false, null */
		while (c->p < c->end && *c->p != ',' && *c->p != '}' && *c->p != ']' &&
		       *c->p != ' ')
			c->p++;
		return 1;
	}
}

/* One journalctl -o json object: the fields it has.  Returns 0 when the
 * line is not such an object (it is then read as a plain line). */
static int read_json_record(struct journal *j, const char *line, size_t len)
{
	struct cursor c = {line, line + len};
	char key[32];
	size_t key_len;

	clear_record(j);
	skip_blanks(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return 0;
	for (;;) {
		enum field field;
		char *to;
		size_t room, value_len;

		skip_blanks(&c);
		if (c.p < c.end && *c.p == '}')
			break;
		if (!read_string(&c, key, sizeof(key), &key_len))
			return 0;
		skip_blanks(&c);
		if (c.p >= c.end || *c.p++ != ':')
			return 0;
		skip_blanks(&c);
		field = key_len < sizeof(key) ? field_of(key, key_len) : FIELD_OTHER;
		if (field == FIELD_OTHER || c.p >= c.end || (*c.p != '"' && *c.p != '[')) {
			if (!skip_value(&c, 0))
				return 0;
		} else {
			to = field_buffer(j, field, &room);
			if (*c.p == '"' ? !read_string(&c, to, room, &value_len)
			                : !read_array(&c, to, room, &value_len, 0))
				return 0;
			field_done(j, field, value_len);
		}
		skip_blanks(&c);
		if (c.p < c.end && *c.p == ',')
			c.p++;
	}
	return j->message_set;
}

/* ---- export and verbose ------------------------------------------------------ */

/* A "KEY=VALUE" line of export (indent 0) or verbose (indent 4). */
static void read_field_line(struct journal *j, const char *line, size_t len)
{
	const char *equals = memchr(line, '=', len);

	if (equals == NULL) {
		/* export: a binary value follows (length, bytes, newline) */
		j->binary_field = (int)field_of(line, len);
		j->binary_need = 8;
		j->binary_len = 0;
		return;
	}
	set_field(j, field_of(line, (size_t)(equals - line)), equals + 1,
	          len - (size_t)(equals - line) - 1);
}

/* Part of an export binary value: its bytes may hold line ends, so the
 * line reader gives them in pieces.  Returns 1 when the value is complete. */
static int read_binary_piece(struct journal *j, const char *line, size_t len, int ended)
{
	for (size_t i = 0; i <= len; i++) {
		unsigned char byte;

		if (i == len) {
			if (!ended)
				break;
			byte = '\n'; /* the line end the reader took away */
		} else {
			byte = (unsigned char)line[i];
		}
		if (j->binary_len < 8) {
			j->binary_size[j->binary_len++] = byte;
			if (j->binary_len == 8) {
				unsigned long long size = 0;

				for (int k = 7; k >= 0; k--)
					size = size << 8 | j->binary_size[k];
				j->binary_need = size;
				j->binary_got = 0;
				if (size == 0)
					goto complete;
			}
			continue;
		}
		if (j->binary_got < j->binary_need) {
			if (j->binary_field != FIELD_OTHER) {
				size_t room;
				char *to = field_buffer(j, (enum field)j->binary_field, &room);

				if (j->binary_got < room)
					to[j->binary_got] = (char)byte;
			}
			j->binary_got++;
			if (j->binary_got == j->binary_need)
				goto complete;
			continue;
		}
	}
	return 0;
complete:
	if (j->binary_field != FIELD_OTHER) {
		size_t room;

		field_buffer(j, (enum field)j->binary_field, &room);
		field_done(j, (enum field)j->binary_field,
		           j->binary_need < room ? (size_t)j->binary_need : room);
	}
	j->binary_field = FIELD_OTHER;
	j->binary_need = 0;
	j->binary_len = 0;
	return 1;
}

static int starts_with(const char *line, size_t len, const char *prefix, size_t n)
{
	return len >= n && memcmp(line, prefix, n) == 0;
}

/* The first place of text[0..n) in line, or NULL (memmem is not POSIX). */
static const char *find(const char *line, size_t len, const char *text, size_t n)
{
	for (const char *p = line; (size_t)(line + len - p) >= n; p++) {
		p = memchr(p, text[0], (size_t)(line + len - p) - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, text, n) == 0)
			return p;
	}
	return NULL;
}

/* A verbose record's first line: "Www YYYY-MM-DD HH:MM:SS.ffffff ZONE [s=...]". */
static int is_verbose_header(const char *line, size_t len)
{
	return len > 30 && line[3] == ' ' && line[8] == '-' && line[11] == '-' &&
	       line[len - 1] == ']' && find(line, len, " [s=", 4) != NULL;
}

/* The realtime stamp of a verbose header's cursor: "t=" in hex. */
static void verbose_time(struct journal *j, const char *line, size_t len)
{
	const char *t = find(line, len, ";t=", 3);
	unsigned long long micros = 0;
	size_t at;

	if (t == NULL)
		return;
	for (t += 3; t < line + len && hex_value(*t) >= 0; t++)
		micros = micros * 16 + (unsigned)hex_value(*t);
	at = put_digits(j->fields[FIELD_TIME].text, 0, micros, 1);
	field_done(j, FIELD_TIME, at);
}

static enum journal_result complete(struct journal *j)
{
	int made = make_line(j);

	j->format = FORMAT_NONE;
	clear_record(j);
	return made ? JOURNAL_RECORD : JOURNAL_PART;
}

enum journal_result journal_take(struct journal *j, const char *line, size_t len,
                                 unsigned long long number)
{
	j->again = 0;
	if (j->format == FORMAT_EXPORT) {
		if (j->binary_need > 0 || j->binary_len > 0) {
			read_binary_piece(j, line, len, 1);
			return JOURNAL_PART;
		}
		if (len == 0)
			return complete(j);
		if (starts_with(line, len, "__CURSOR=", 9)) {
			/* No blank line before the next record. */
			j->again = 1;
			return complete(j);
		}
		read_field_line(j, line, len);
		return JOURNAL_PART;
	}
	if (j->format == FORMAT_VERBOSE) {
		if (starts_with(line, len, "    ", 4)) {
			read_field_line(j, line + 4, len - 4);
			if (j->binary_need > 0)
				j->binary_need = 0; /* verbose shows no binary values */
			return JOURNAL_PART;
		}
		/* The next record, or the end of this one. */
		j->again = 1;
		return complete(j);
	}
	if (len == 0)
		return JOURNAL_NOT;
	switch (line[0]) {
	case '\x1e': /* json-seq */
		line++;
		len--;
		/* fall through */
	case '{':
		if (!read_json_record(j, line, len)) {
			clear_record(j);
			return JOURNAL_NOT;
		}
		j->first_line = number;
		return make_line(j) ? JOURNAL_RECORD : JOURNAL_NOT;
	case '_':
		if (!starts_with(line, len, "__CURSOR=", 9))
			return JOURNAL_NOT;
		clear_record(j);
		j->format = FORMAT_EXPORT;
		j->first_line = number;
		return JOURNAL_PART;
	default:
		if (!is_verbose_header(line, len))
			return JOURNAL_NOT;
		clear_record(j);
		j->format = FORMAT_VERBOSE;
		j->first_line = number;
		verbose_time(j, line, len);
		return JOURNAL_PART;
	}
}

enum journal_result journal_finish(struct journal *j)
{
	if (j->format == FORMAT_NONE)
		return JOURNAL_NOT;
	return complete(j) == JOURNAL_RECORD ? JOURNAL_RECORD : JOURNAL_NOT;
}
