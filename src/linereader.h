/*
 * linereader.h: bounded-memory line reading for the CLI.
 */
#ifndef SMTPCLASS_LINEREADER_H
#define SMTPCLASS_LINEREADER_H

#include <stddef.h>

/* Longest line kept; longer lines are cut to this and counted. */
#define LINE_CAP (64 * 1024)
/* Read buffer: several lines per read(2) call. */
#define READ_BUFFER_SIZE (1024 * 1024)

struct line_reader {
	int fd;
	int poll_before_read; /* a pipe or terminal: flush output before blocking */
	void (*before_block)(void); /* called when the next read would block */
	size_t start, end;    /* unread bytes are buf[start..end) */
	int eof;
	int error;            /* errno of a failed read, or 0 */
	int skipping;         /* dropping the rest of a cut line */
	int seen_cr;          /* a CR was read: lines must be checked for lone CRs */
	unsigned long long line_number;
	char buf[READ_BUFFER_SIZE];
};

/* Prepares a reader for fd. before_block may be NULL. */
void line_reader_init(struct line_reader *reader, int fd, void (*before_block)(void));

/*
 * Returns the next line (without its LF; a trailing CR is kept for the
 * caller to judge) in *line and *len, and sets *cut when the line was longer
 * than LINE_CAP and only its start is returned.  Returns 1 for a line, 0 at
 * end of input, -1 on a read error (reader->error holds errno).
 * The line stays valid until the next call.
 */
int line_reader_next(struct line_reader *reader, const char **line, size_t *len, int *cut);

#endif
