/*
 * fuzz_linereader.c: libFuzzer target for the CLI's line reader
 * (src/cli/linereader.c, line_reader_next()).
 *
 * Input: byte 0 picks the mode (bit 0: the read-ahead thread; bit 1: every
 * 0xff byte of the text stands for LONG_RUN bytes 'x', so lines longer than
 * LINE_CAP and lines of exactly LINE_CAP bytes are reachable from small
 * inputs), byte 1 seeds the block sizes; the rest is the text.  A writer
 * thread sends the text through a SOCK_SEQPACKET socket pair in blocks of
 * 1 to 2^16 bytes (never 0: that would read as the end), so every read(2)
 * of the reader returns exactly one block and lines, CRs and the
 * LINE_CAP + 1 window fall across block boundaries in every way.  The
 * reader reads raw bytes (INPUT_RAW: no decompression, no binary check).
 * Invariants, against a model that splits the text at LF:
 * - line_reader_next() returns the lines in order, each byte for byte
 *   (a CR before the LF kept), then 0, never -1;
 * - a line longer than LINE_CAP comes back as its first LINE_CAP bytes with
 *   *cut set, and the rest up to its LF is not returned; every other line
 *   (exactly LINE_CAP bytes included) has *cut clear;
 * - a text that ends without an LF still returns its last line; one that
 *   ends with an LF returns no empty line after it;
 * - the line number counts the lines returned.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_invariants.h"
#include "linereader.h"

#define LONG_RUN (LINE_CAP / 2) /* two make a line of exactly LINE_CAP */

struct writer {
	int fd;
	const char *text;
	size_t len;
	uint32_t seed;
};

/* A small xorshift: block sizes from the input's seed byte. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static void *write_blocks(void *argument)
{
	struct writer *w = argument;
	uint32_t state = w->seed * 2654435761u + 1;

	for (size_t at = 0; at < w->len;) {
		uint32_t r = next_random(&state);
		size_t block = (size_t)1 + (r >> 8) % ((size_t)1 << (r % 17));
		ssize_t n;

		if (block > w->len - at)
			block = w->len - at;
		n = write(w->fd, w->text + at, block);
		if (n <= 0)
			break;
		at += (size_t)n;
	}
	close(w->fd);
	return NULL;
}

/* The text with every 0xff made LONG_RUN bytes 'x' when expand is set. */
static char *expand_text(const uint8_t *data, size_t size, int expand, size_t *len)
{
	size_t n = 0;
	char *text, *p;

	for (size_t i = 0; i < size; i++)
		n += expand && data[i] == 0xff ? LONG_RUN : 1;
	text = malloc(n > 0 ? n : 1);
	if (text == NULL)
		return NULL;
	p = text;
	for (size_t i = 0; i < size; i++) {
		if (expand && data[i] == 0xff) {
			memset(p, 'x', LONG_RUN);
			p += LONG_RUN;
		} else {
			*p++ = (char)data[i];
		}
	}
	*len = n;
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct line_reader reader;
	struct writer w;
	pthread_t thread;
	int fds[2];
	char *text;
	size_t len = 0, at = 0;
	unsigned long long lines = 0;

	if (size < 2)
		return 0;
	text = expand_text(data + 2, size - 2, (data[0] & 2) != 0, &len);
	if (text == NULL)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0) {
		free(text);
		return 0;
	}
	w = (struct writer){fds[1], text, len, data[1]};
	if (pthread_create(&thread, NULL, write_blocks, &w) != 0) {
		close(fds[0]);
		close(fds[1]);
		free(text);
		return 0;
	}
	line_reader_init(&reader, fds[0], NULL, data[0] & 1, INPUT_RAW);
	for (;;) {
		const char *line;
		size_t n, expected;
		int cut = -1, status = line_reader_next(&reader, &line, &n, &cut);
		const char *newline;

		FUZZ_CHECK(status == 0 || status == 1);
		if (status == 0)
			break;
		FUZZ_CHECK(at < len);
		lines++;
		FUZZ_CHECK(reader.line_number == lines);
		newline = memchr(text + at, '\n', len - at);
		expected = newline != NULL ? (size_t)(newline - (text + at)) : len - at;
		if (expected > LINE_CAP) {
			FUZZ_CHECK(cut == 1 && n == LINE_CAP);
		} else {
			FUZZ_CHECK(cut == 0 && n == expected);
		}
		FUZZ_CHECK(memcmp(line, text + at, n) == 0);
		at += expected + (newline != NULL);
	}
	FUZZ_CHECK(at == len);
	line_reader_close(&reader);
	close(fds[0]);
	pthread_join(thread, NULL);
	free(text);
	return 0;
}
