/*
 * linereader.h: bounded-memory line reading for the CLI.
 */
#ifndef SMTPCLASS_LINEREADER_H
#define SMTPCLASS_LINEREADER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

/* Longest line kept; longer lines are cut to this and counted. */
#define LINE_CAP (64 * 1024)
/* Input is read in blocks of BLOCK_DATA bytes into a ring of BLOCK_COUNT
 * slots.  Each slot has LINE_CAP bytes of room in front of its data for the
 * unfinished line carried over from the previous block. */
#define BLOCK_COUNT 8
#define BLOCK_DATA  (128 * 1024)
#define BLOCK_SLOT  (LINE_CAP + BLOCK_DATA)

/* Line ends of a block found by the thread that read it, at most
 * NEWLINE_CAP (a block of short lines has more: the rest are searched). */
#define NEWLINE_CAP 4096

/* What one read(2) into a slot gave. */
struct block_fill {
	size_t len;
	int error;            /* errno, or 0 */
	const char *message;  /* why, when the data failed rather than a read */
	int has_cr;           /* the bytes hold a CR */
	size_t newline_count; /* line ends listed in the slot's newlines[] */
	int newlines_all;     /* they are all the line ends of the block */
};

struct line_reader {
	int fd;
	struct input input;         /* the bytes of fd, decompressed */
	void (*before_block)(void); /* called when the next block is not there yet */
	int poll_before_read;       /* without the thread: a pipe or terminal */
	int threaded;               /* a thread reads ahead */
	pthread_t thread;
	int wake[2]; /* a pipe that tells the thread to stop */
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	unsigned long long produced; /* blocks read (by the thread) */
	unsigned long long released; /* blocks given back by the consumer */
	int stop;                    /* the consumer has gone */
	unsigned long long taken;    /* blocks the consumer has taken */
	char *data;                  /* slot of the block being consumed, or NULL */
	struct block_fill block;     /* what was read into that slot */
	const uint32_t *newlines;    /* its line ends (offsets in its data) */
	size_t newline_next;         /* the first of them not passed yet */
	size_t start, end;           /* unread bytes are data[start..end) */
	int eof;
	int error;           /* errno of a failed read, or 0 */
	const char *message; /* with error: why the data could not be read, or NULL */
	int skipping;        /* dropping the rest of a cut line */
	int seen_cr;         /* a CR was read: lines must be checked for lone CRs */
	unsigned long long line_number;
	struct block_fill fills[BLOCK_COUNT];
	uint32_t newline_lists[BLOCK_COUNT][NEWLINE_CAP];
	char slots[BLOCK_COUNT][BLOCK_SLOT];
};

/*
 * Prepares a reader for fd.  before_block may be NULL.  With read_ahead a
 * thread reads the next blocks while the caller works on the current one
 * (the read(2) copy, and decompression, then cost no time on the caller's
 * core); without it, or when no thread can be started, reads happen in
 * line_reader_next().  input_flags are input_init()'s.  Every reader must
 * be closed with line_reader_close().
 */
void line_reader_init(struct line_reader *reader, int fd, void (*before_block)(void),
                      int read_ahead, unsigned input_flags);

/*
 * Returns the next line (without its LF; a trailing CR is kept for the
 * caller to judge) in *line and *len, and sets *cut when the line was longer
 * than LINE_CAP and only its start is returned.  Returns 1 for a line, 0 at
 * end of input, -1 on a read error (reader->error holds errno, and
 * reader->message the reason when the data itself failed: corrupt
 * compressed data, a binary file).
 * The line stays valid until the next call.
 */
int line_reader_next(struct line_reader *reader, const char **line, size_t *len, int *cut);

/* The descriptor a signal handler may write one byte to, to make the
 * reading thread stop waiting for a pipe (end of input follows), or -1
 * when the reader does not wait for one. */
int line_reader_wake_fd(const struct line_reader *reader);

/* Stops the read-ahead thread (also when it waits for a pipe), waits for
 * it and frees the decompressor.  The fd is left open. */
void line_reader_close(struct line_reader *reader);

#endif
