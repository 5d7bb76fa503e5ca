/*
 * linereader.c: read lines with read(2) into one fixed buffer.
 *
 * Logs are gigabytes, so memory is fixed: one 1 MiB buffer, lines longer
 * than LINE_CAP (64 KiB) are returned cut and the rest of them is skipped.
 * For `tail -f | smtpclass`, a reader on a pipe or terminal asks poll(2)
 * whether the next read would block and, if so, lets the caller flush its
 * output first: records appear as soon as their line arrives, while a file
 * or a fast pipe is still read at full speed.
 */
#include "linereader.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void line_reader_init(struct line_reader *reader, int fd, void (*before_block)(void))
{
	struct stat info;

	reader->fd = fd;
	reader->before_block = before_block;
	reader->poll_before_read = fstat(fd, &info) == 0 && !S_ISREG(info.st_mode);
	reader->start = reader->end = 0;
	reader->eof = 0;
	reader->error = 0;
	reader->skipping = 0;
	reader->seen_cr = 0;
	reader->line_number = 0;
}

/* Reads more bytes after moving the unread ones to the front. */
static int fill(struct line_reader *reader)
{
	ssize_t n;

	if (reader->start > 0) {
		memmove(reader->buf, reader->buf + reader->start, reader->end - reader->start);
		reader->end -= reader->start;
		reader->start = 0;
	}
	if (reader->poll_before_read && reader->before_block != NULL) {
		struct pollfd waiting = {reader->fd, POLLIN, 0};

		if (poll(&waiting, 1, 0) == 0)
			reader->before_block();
	}
	do
		n = read(reader->fd, reader->buf + reader->end, sizeof(reader->buf) - reader->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		reader->error = errno;
		return -1;
	}
	if (n == 0)
		reader->eof = 1;
	/* One look per read: most logs have no CR and skip the per-line check. */
	if (!reader->seen_cr && memchr(reader->buf + reader->end, '\r', (size_t)n) != NULL)
		reader->seen_cr = 1;
	reader->end += (size_t)n;
	return (int)(n > 0);
}

int line_reader_next(struct line_reader *reader, const char **line, size_t *len, int *cut)
{
	for (;;) {
		char *start = reader->buf + reader->start;
		size_t available = reader->end - reader->start;
		size_t window = available < LINE_CAP ? available : LINE_CAP;
		char *newline = memchr(start, '\n', reader->skipping ? available : window);

		if (reader->skipping) {
			/* Drop the rest of a cut line up to its newline. */
			if (newline == NULL) {
				reader->start = reader->end;
			} else {
				reader->start += (size_t)(newline - start) + 1;
				reader->skipping = 0;
				continue;
			}
		} else if (newline != NULL) {
			*line = start;
			*len = (size_t)(newline - start);
			*cut = 0;
			reader->start += *len + 1;
			reader->line_number++;
			return 1;
		} else if (available >= LINE_CAP) {
			*line = start;
			*len = LINE_CAP;
			*cut = 1;
			reader->start += LINE_CAP;
			reader->skipping = 1;
			reader->line_number++;
			return 1;
		} else if (reader->eof && available > 0) {
			*line = start;
			*len = available;
			*cut = 0;
			reader->start = reader->end;
			reader->line_number++;
			return 1;
		}
		if (reader->eof)
			return 0;
		if (fill(reader) < 0)
			return -1;
	}
}
