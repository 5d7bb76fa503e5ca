/*
 * linereader.c: read lines in fixed blocks, with a thread reading ahead.
 *
 * Logs are gigabytes, so memory is fixed: a ring of BLOCK_COUNT slots, lines
 * longer than LINE_CAP (64 KiB) are returned cut and the rest of them is
 * skipped.  Copying a file out of the page cache is a fifth of the work of
 * a log scan; a thread that reads the next blocks while the caller scans
 * the current one takes that copy off the caller's core.  The unfinished
 * line at the end of a block is copied (it is at most LINE_CAP bytes) into
 * the room in front of the next block's data, so lines are contiguous.
 *
 * For `tail -f | smtpclass`, the caller's before_block() (a flush of its
 * output) runs whenever the next block has not arrived yet, and again every
 * WAIT_TICK_MS while it has not: records appear as soon as their line
 * arrives, a live summary is written on time on a quiet pipe, and a file or
 * a fast pipe is still read at full speed.
 */
#include "linereader.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How often before_block() runs again while the next block is awaited. */
#define WAIT_TICK_MS 250

/* Reads one block to at and says what came, listing its line ends in
 * newlines[]: the reading thread has the bytes in its cache, the scanning
 * one then reads only the parts of lines it looks at.  Returns 1 while
 * there is more to read, 0 at end of input or on an error. */
static int read_block(struct input *input, char *at, struct block_fill *fill, uint32_t *newlines)
{
	ssize_t n = input_read(input, at, BLOCK_DATA);
	const char *p, *end;

	fill->len = n > 0 ? (size_t)n : 0;
	fill->error = n < 0 ? errno : 0;
	fill->message = n < 0 ? input->message : NULL;
	/* One look per block: most logs have no CR and skip the per-line check. */
	fill->has_cr = n > 0 && memchr(at, '\r', (size_t)n) != NULL;
	fill->newline_count = 0;
	fill->newlines_all = 1;
	for (p = at, end = at + fill->len; p < end; p++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			break;
		if (fill->newline_count == NEWLINE_CAP) {
			fill->newlines_all = 0;
			break;
		}
		newlines[fill->newline_count++] = (uint32_t)(p - at);
	}
	return n > 0;
}

/* On a pipe or terminal, waits until fd can be read without blocking.
 * Returns 0 when the consumer asked the thread to stop instead.  The input
 * calls it before each read(2), as a decompressor may read several times
 * for one block. */
static int wait_readable(void *arg)
{
	struct line_reader *reader = arg;
	struct pollfd fds[2] = {{reader->fd, POLLIN, 0}, {reader->wake[0], POLLIN, 0}};

	for (;;) {
		int n = poll(fds, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fds[1].revents != 0)
			return n >= 0 ? 0 : 1; /* a failing poll: let read(2) say why */
		if (fds[0].revents != 0)
			return 1;
	}
}

/* The read-ahead thread: fills free slots in ring order until end of input,
 * an error, or the consumer stops it.  On a pipe it waits in poll(2) with
 * the wake-up pipe, so that line_reader_close() can always stop it (a
 * cancelled thread would also do, but sanitizers lose track of its stack). */
static void *read_ahead(void *arg)
{
	struct line_reader *reader = arg;
	int more = 1;

	while (more) {
		struct block_fill fill;
		size_t slot;

		pthread_mutex_lock(&reader->lock);
		while (!reader->stop && reader->produced - reader->released >= BLOCK_COUNT)
			pthread_cond_wait(&reader->emptied, &reader->lock);
		if (reader->stop) {
			pthread_mutex_unlock(&reader->lock);
			break;
		}
		slot = (size_t)(reader->produced % BLOCK_COUNT);
		pthread_mutex_unlock(&reader->lock);

		more = read_block(&reader->input, reader->slots[slot] + LINE_CAP, &fill,
		                  reader->newline_lists[slot]);

		pthread_mutex_lock(&reader->lock);
		reader->fills[slot] = fill;
		reader->produced++;
		pthread_cond_signal(&reader->filled);
		pthread_mutex_unlock(&reader->lock);
	}
	return NULL;
}

void line_reader_init(struct line_reader *reader, int fd, void (*before_block)(void),
                      int read_ahead_wanted, unsigned input_flags)
{
	struct stat info;

	reader->fd = fd;
	input_init(&reader->input, fd, input_flags);
	reader->before_block = before_block;
	reader->poll_before_read = fstat(fd, &info) == 0 && !S_ISREG(info.st_mode);
	reader->produced = reader->released = reader->taken = 0;
	reader->stop = 0;
	reader->data = NULL;
	reader->newlines = NULL;
	reader->newline_next = 0;
	reader->start = reader->end = 0;
	reader->eof = 0;
	reader->error = 0;
	reader->message = NULL;
	reader->skipping = 0;
	reader->seen_cr = 0;
	reader->line_number = 0;
	reader->threaded = 0;
	if (!read_ahead_wanted)
		return;
	if (reader->poll_before_read && pipe(reader->wake) != 0)
		return;
	if (pthread_mutex_init(&reader->lock, NULL) != 0)
		goto no_lock;
	if (pthread_cond_init(&reader->filled, NULL) != 0) {
		pthread_mutex_destroy(&reader->lock);
		goto no_lock;
	}
	if (pthread_cond_init(&reader->emptied, NULL) != 0) {
		pthread_cond_destroy(&reader->filled);
		pthread_mutex_destroy(&reader->lock);
		goto no_lock;
	}
	if (reader->poll_before_read) {
		reader->input.wait = wait_readable;
		reader->input.wait_arg = reader;
	}
	if (pthread_create(&reader->thread, NULL, read_ahead, reader) == 0) {
		reader->threaded = 1;
		return;
	}
	reader->input.wait = NULL;
	pthread_cond_destroy(&reader->emptied);
	pthread_cond_destroy(&reader->filled);
	pthread_mutex_destroy(&reader->lock);
no_lock:
	/* Without a thread (none can be started) reads happen in place. */
	if (reader->poll_before_read) {
		close(reader->wake[0]);
		close(reader->wake[1]);
	}
}

int line_reader_wake_fd(const struct line_reader *reader)
{
	return reader->threaded && reader->poll_before_read ? reader->wake[1] : -1;
}

void line_reader_close(struct line_reader *reader)
{
	if (!reader->threaded) {
		input_close(&reader->input);
		return;
	}
	pthread_mutex_lock(&reader->lock);
	reader->stop = 1;
	pthread_cond_broadcast(&reader->emptied);
	pthread_mutex_unlock(&reader->lock);
	if (reader->poll_before_read) {
		/* The thread may be waiting for a pipe that stays open. */
		ssize_t n;

		do
			n = write(reader->wake[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_join(reader->thread, NULL);
	if (reader->poll_before_read) {
		close(reader->wake[0]);
		close(reader->wake[1]);
	}
	pthread_cond_destroy(&reader->emptied);
	pthread_cond_destroy(&reader->filled);
	pthread_mutex_destroy(&reader->lock);
	reader->threaded = 0;
	input_close(&reader->input);
}

/* Moves on to the next block, carrying the unread bytes (at most
 * LINE_CAP) over in front of it.  Returns 0, or -1 on a read error. */
static int take_block(struct line_reader *reader)
{
	size_t slot = (size_t)(reader->taken % BLOCK_COUNT);
	size_t carry = reader->data != NULL ? reader->end - reader->start : 0;
	char *to = reader->slots[slot];
	struct block_fill fill;

	if (reader->threaded) {
		pthread_mutex_lock(&reader->lock);
		if (reader->produced == reader->taken && reader->before_block != NULL) {
			pthread_mutex_unlock(&reader->lock);
			reader->before_block();
			pthread_mutex_lock(&reader->lock);
		}
		while (reader->produced == reader->taken) {
			struct timespec until;

			if (reader->before_block == NULL) {
				pthread_cond_wait(&reader->filled, &reader->lock);
				continue;
			}
			/* A pipe may stay quiet for hours (tail -f at night):
			 * before_block() runs again every WAIT_TICK_MS while it
			 * does, so that the caller can act on a signal or a
			 * timer (a live summary) without a line arriving. */
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += WAIT_TICK_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&reader->filled, &reader->lock, &until) ==
			        ETIMEDOUT &&
			    reader->produced == reader->taken) {
				pthread_mutex_unlock(&reader->lock);
				reader->before_block();
				pthread_mutex_lock(&reader->lock);
			}
		}
		fill = reader->fills[slot];
		pthread_mutex_unlock(&reader->lock);
	} else {
		if (reader->poll_before_read && reader->before_block != NULL) {
			struct pollfd waiting = {reader->fd, POLLIN, 0};

			if (poll(&waiting, 1, 0) == 0)
				reader->before_block();
		}
		read_block(&reader->input, to + LINE_CAP, &fill, reader->newline_lists[slot]);
	}
	if (carry > 0)
		memcpy(to + LINE_CAP - carry, reader->data + reader->start, carry);
	if (reader->data != NULL && reader->threaded) {
		pthread_mutex_lock(&reader->lock);
		reader->released++;
		/* Waking the thread costs more than a block's scan: let it sleep
		 * until half the ring is free, then it reads that half at once. */
		if (reader->produced - reader->released <= BLOCK_COUNT / 2)
			pthread_cond_signal(&reader->emptied);
		pthread_mutex_unlock(&reader->lock);
	}
	reader->taken++;
	reader->data = to;
	reader->start = LINE_CAP - carry;
	reader->end = LINE_CAP + fill.len;
	reader->seen_cr |= fill.has_cr;
	reader->block = fill;
	reader->newlines = reader->newline_lists[slot];
	reader->newline_next = 0;
	if (fill.error != 0) {
		reader->error = fill.error;
		reader->message = fill.message;
		return -1;
	}
	if (fill.len == 0)
		reader->eof = 1;
	return 0;
}

/* The first line end in the next limit unread bytes, or NULL.  The bytes
 * carried over in front of a block hold none, so the block's list has
 * every line end there is, unless it was full. */
static char *next_newline(struct line_reader *reader, size_t limit)
{
	while (reader->newline_next < reader->block.newline_count &&
	       LINE_CAP + reader->newlines[reader->newline_next] < reader->start)
		reader->newline_next++;
	if (reader->newline_next < reader->block.newline_count) {
		size_t at = LINE_CAP + reader->newlines[reader->newline_next];
		return at - reader->start < limit ? reader->data + at : NULL;
	}
	if (reader->block.newlines_all || limit == 0)
		return NULL;
	return memchr(reader->data + reader->start, '\n', limit);
}

int line_reader_next(struct line_reader *reader, const char **line, size_t *len, int *cut)
{
	if (reader->data == NULL && take_block(reader) < 0)
		return -1;
	for (;;) {
		char *start = reader->data + reader->start;
		size_t available = reader->end - reader->start;
		/* A line of exactly LINE_CAP bytes has its newline just past them. */
		size_t window = available < LINE_CAP + 1 ? available : LINE_CAP + 1;
		char *newline = next_newline(reader, reader->skipping ? available : window);

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
		} else if (available > LINE_CAP) {
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
		if (take_block(reader) < 0)
			return -1;
	}
}
