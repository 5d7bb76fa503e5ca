/*
 * mailbox.c: telling a message from a log, and cutting an mbox into
 * messages.
 *
 * Detection looks at the first bytes only (see mailbox_detect() in mail.h
 * for the rule and why no log line passes it).  An mbox is split on "From "
 * lines that follow a blank line (or open the file) and carry a time, so a
 * "From " sentence in a body that mboxo left unquoted after a text line is
 * not a separator; ">From " lines (mboxrd: any number of '>') lose one '>'.
 */
#include <string.h>
#include <strings.h>

#include "mail.h"

static int is_name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the header field name at line (up to the colon), or 0. */
static size_t field_name_length(const char *line, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_letter(line[0]))
		return 0;
	while (i < len && is_name_byte(line[i]))
		i++;
	return i < len && line[i] == ':' ? i : 0;
}

/* The fields one of which a message header must have. */
static const char *const message_fields[] = {"from", "date", "received", "return-path"};

static int is_message_field(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(message_fields) / sizeof(message_fields[0]); i++)
		if (strlen(message_fields[i]) == len &&
		    strncasecmp(message_fields[i], name, len) == 0)
			return 1;
	return 0;
}

/* Whether an unfinished first line could still become a header field or
 * an mbox separator: a letter, then name bytes up to a colon, or "From ". */
static int could_open_message(const char *bytes, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return 1;
	if (len < 5 && memcmp(bytes, "From ", len) == 0)
		return 1;
	if (len >= 5 && memcmp(bytes, "From ", 5) == 0)
		return 1;
	if (!is_letter(bytes[0]))
		return 0;
	while (i < len && is_name_byte(bytes[i]))
		i++;
	return i == len || bytes[i] == ':';
}

int mailbox_is_separator(const char *line, size_t len)
{
	int colons = 0, words = 0, in_word = 0;

	if (len < 5 || memcmp(line, "From ", 5) != 0)
		return 0;
	for (size_t i = 5; i < len && line[i] != '\n'; i++) {
		if (line[i] == ':' && i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
			colons++;
		if (line[i] == ' ' || line[i] == '\t') {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	/* "From sender Thu Apr 29 23:34:45 2010": a sender and a time */
	return words >= 3 && colons >= 1;
}

int mailbox_detect(const char *bytes, size_t len, int complete)
{
	size_t i = 0, lines = 0;
	int found = 0;
	const char *first_end = memchr(bytes, '\n', len);

	if (first_end == NULL && !complete && len < 4096)
		return could_open_message(bytes, len) ? -1 : 0;
	if (mailbox_is_separator(bytes, first_end != NULL ? (size_t)(first_end - bytes) : len))
		return 2;
	while (i < len && lines < 1000) {
		const char *line = bytes + i, *end = memchr(line, '\n', len - i);
		size_t line_len = end != NULL ? (size_t)(end - line) : len - i;
		size_t name_len;

		if (line_len > 0 && line[line_len - 1] == '\r')
			line_len--;
		if (line_len == 0)
			return lines > 0 && found ? 1 : 0; /* the end of the header block */
		if (end == NULL && !complete && len < 65536)
			return -1; /* a line cut by the end of what was read: read more */
		if (end == NULL)
			break;
		name_len = field_name_length(line, line_len);
		/* A broken line after five good ones (Microsoft's unfolded
		 * X-headers) ends the look, not the message. */
		if (name_len == 0 && (lines == 0 || (line[0] != ' ' && line[0] != '\t')))
			return lines >= 5 && found ? 1 : 0;
		if (name_len > 0 && is_message_field(line, name_len))
			found = 1;
		lines++;
		i += (size_t)(end - line) + 1;
	}
	/* Only headers in what was read: a very long block, or the whole
	 * input; undecided while more can come. */
	if (!complete && len < 65536 && lines < 1000)
		return -1;
	return lines > 0 && found ? 1 : 0;
}

size_t mailbox_unquote(char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == '>')
		i++;
	if (i == 0 || len - i < 5 || memcmp(line + i, "From ", 5) != 0)
		return len;
	memmove(line, line + 1, len - 1);
	return len - 1;
}
