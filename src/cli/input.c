/*
 * input.c: the bytes of one input, plain or decompressed.
 *
 * Rotated logs are compressed (logrotate's compress: mail.log.2.gz), so an
 * input is told by its first bytes, as file(1) and zcat do, never by its
 * name: gzip (1f 8b), bzip2 ("BZh"), xz (fd "7zXZ" 00) and zstd (28 b5 2f
 * fd).  Each is decompressed by the library made for it (zlib, libbz2,
 * liblzma, libzstd); a build without one of them says so instead of reading
 * the compressed bytes as text.  Concatenated streams (logrotate with
 * delaycompress, then cat) are read one after the other, as zcat does.
 *
 * This runs on the line reader's thread, so decompressing costs the scan
 * no time on its own core.  Memory is fixed: one input buffer here and the
 * decompressor's own state.
 *
 * A file that is none of these and is not text either (an executable, an
 * image, a database) is refused with one clear message, as grep does,
 * instead of giving no record and exit 0.  "Not text" is judged on the first
 * 4 KiB decoded: a quarter or more of the bytes are control bytes other
 * than tab, line ends, form feed and escape, or are not UTF-8.  Logs with a
 * few NUL bytes (a crash, a hostile client) or Latin-1 words stay text; -a
 * reads any file as text.
 */
#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

#ifdef SMTPCLASS_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef SMTPCLASS_HAVE_BZIP2
#include <bzlib.h>
#endif
#ifdef SMTPCLASS_HAVE_LZMA
#include <lzma.h>
#endif
#ifdef SMTPCLASS_HAVE_ZSTD
#include <zstd.h>
#endif

/* The magic numbers, and the names used in messages. */
static const struct {
	enum input_kind kind;
	const char *name;
	const char *library;
	size_t len;
	const unsigned char magic[6];
} magics[] = {
    {INPUT_GZIP, "gzip", "zlib", 2, {0x1f, 0x8b}},
    {INPUT_BZIP2, "bzip2", "libbz2", 3, {'B', 'Z', 'h'}},
    {INPUT_XZ, "xz", "liblzma", 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
    {INPUT_ZSTD, "zstd", "libzstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
};
#define MAGIC_COUNT (sizeof(magics) / sizeof(magics[0]))
#define MAGIC_MAX   6

/* Bytes of the first decoded block that decide whether the input is text. */
#define TEXT_SAMPLE 4096

const char *input_formats(void)
{
	static const char formats[] = ""
#ifdef SMTPCLASS_HAVE_ZLIB
	                              " gzip"
#endif
#ifdef SMTPCLASS_HAVE_BZIP2
	                              " bzip2"
#endif
#ifdef SMTPCLASS_HAVE_LZMA
	                              " xz"
#endif
#ifdef SMTPCLASS_HAVE_ZSTD
	                              " zstd"
#endif
	    ;

	return formats[0] != '\0' ? formats + 1 : "none";
}

void input_init(struct input *input, int fd, unsigned flags)
{
	input->fd = fd;
	input->kind = INPUT_PLAIN;
	input->sniffed = (flags & INPUT_RAW) != 0;
	input->accept_binary = (flags & (INPUT_RAW | INPUT_ACCEPT_BINARY)) != 0;
	input->input_eof = 0;
	input->finished = 0;
	input->stream_done = 0;
	input->wait = NULL;
	input->wait_arg = NULL;
	input->message = NULL;
	input->decoder = NULL;
	input->start = input->end = 0;
}

/* Reads more undecoded bytes after the ones kept.  Returns 1 when some came,
 * 0 at end of file or when told to stop, -1 on an error (errno). */
static int fill(struct input *input)
{
	ssize_t n;

	if (input->start > 0) {
		memmove(input->buffer, input->buffer + input->start, input->end - input->start);
		input->end -= input->start;
		input->start = 0;
	}
	if (input->input_eof || input->end == sizeof(input->buffer))
		return 0;
	if (input->wait != NULL && !input->wait(input->wait_arg)) {
		input->input_eof = 1;
		return 0;
	}
	do
		n = read(input->fd, input->buffer + input->end, sizeof(input->buffer) - input->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0) {
		input->input_eof = 1;
		return 0;
	}
	input->end += (size_t)n;
	return 1;
}

static int fail(struct input *input, const char *message)
{
	input->message = message;
	input->finished = 1;
	errno = EILSEQ;
	return -1;
}

/* Whether the first bytes could still be one of the magic numbers. */
static int could_be_magic(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < MAGIC_COUNT; i++)
		if (n < magics[i].len && memcmp(p, magics[i].magic, n) == 0)
			return 1;
	return 0;
}

static int start_decoder(struct input *input);

/* Looks at the first bytes: reads until they match a magic number or
 * cannot (a live pipe's first line is not waited for beyond that). */
static int sniff(struct input *input)
{
	input->sniffed = 1;
	while (input->end - input->start < MAGIC_MAX &&
	       could_be_magic(input->buffer + input->start, input->end - input->start)) {
		int got = fill(input);

		if (got < 0)
			return -1;
		if (got == 0)
			break;
	}
	for (size_t i = 0; i < MAGIC_COUNT; i++) {
		if (input->end - input->start >= magics[i].len &&
		    memcmp(input->buffer + input->start, magics[i].magic, magics[i].len) == 0) {
			input->kind = magics[i].kind;
			return start_decoder(input);
		}
	}
	return 0;
}

/* ---- the decompressors: each decodes from buffer[start..end) into out --- */

/* Returns bytes written (may be 0 when more input is needed), or -1. */
typedef ssize_t decode_fn(struct input *input, char *out, size_t size);

#ifdef SMTPCLASS_HAVE_ZLIB
static ssize_t decode_gzip(struct input *input, char *out, size_t size)
{
	z_stream *z = input->decoder;
	int status;

	if (input->stream_done) {
		/* Another member follows (cat of .gz files): start it afresh. */
		if (inflateReset(z) != Z_OK)
			return fail(input, "gzip: cannot restart the decompressor");
		input->stream_done = 0;
	}
	z->next_in = input->buffer + input->start;
	z->avail_in = (uInt)(input->end - input->start);
	z->next_out = (Bytef *)out;
	z->avail_out = (uInt)size;
	status = inflate(z, Z_NO_FLUSH);
	input->start = input->end - z->avail_in;
	if (status == Z_STREAM_END)
		input->stream_done = 1;
	else if (status == Z_DATA_ERROR || status == Z_NEED_DICT)
		return fail(input, "gzip: the compressed data is corrupt");
	else if (status == Z_MEM_ERROR)
		return fail(input, "gzip: out of memory");
	return (ssize_t)(size - z->avail_out);
}
#endif

#ifdef SMTPCLASS_HAVE_BZIP2
static ssize_t decode_bzip2(struct input *input, char *out, size_t size)
{
	bz_stream *bz = input->decoder;
	int status;

	if (input->stream_done) {
		BZ2_bzDecompressEnd(bz);
		memset(bz, 0, sizeof(*bz));
		if (BZ2_bzDecompressInit(bz, 0, 0) != BZ_OK)
			return fail(input, "bzip2: cannot restart the decompressor");
		input->stream_done = 0;
	}
	bz->next_in = (char *)input->buffer + input->start;
	bz->avail_in = (unsigned)(input->end - input->start);
	bz->next_out = out;
	bz->avail_out = (unsigned)size;
	status = BZ2_bzDecompress(bz);
	input->start = input->end - bz->avail_in;
	if (status == BZ_STREAM_END)
		input->stream_done = 1;
	else if (status != BZ_OK)
		return fail(input, status == BZ_MEM_ERROR
		                       ? "bzip2: out of memory"
		                       : "bzip2: the compressed data is corrupt");
	return (ssize_t)(size - bz->avail_out);
}
#endif

#ifdef SMTPCLASS_HAVE_LZMA
static ssize_t decode_xz(struct input *input, char *out, size_t size)
{
	lzma_stream *xz = input->decoder;
	lzma_ret status;

	xz->next_in = input->buffer + input->start;
	xz->avail_in = input->end - input->start;
	xz->next_out = (uint8_t *)out;
	xz->avail_out = size;
	/* LZMA_CONCATENATED: streams follow one another until LZMA_FINISH. */
	status = lzma_code(xz, input->input_eof && xz->avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
	input->start = input->end - xz->avail_in;
	if (status == LZMA_STREAM_END)
		input->stream_done = 1;
	else if (status == LZMA_MEM_ERROR)
		return fail(input, "xz: out of memory");
	else if (status != LZMA_OK)
		return fail(input, "xz: the compressed data is corrupt");
	else
		input->stream_done = 0;
	return (ssize_t)(size - xz->avail_out);
}
#endif

#ifdef SMTPCLASS_HAVE_ZSTD
static ssize_t decode_zstd(struct input *input, char *out, size_t size)
{
	ZSTD_inBuffer in = {input->buffer + input->start, input->end - input->start, 0};
	ZSTD_outBuffer to = {out, size, 0};
	size_t status = ZSTD_decompressStream(input->decoder, &to, &in);

	input->start += in.pos;
	if (ZSTD_isError(status))
		return fail(input, "zstd: the compressed data is corrupt");
	/* 0: a frame ended; the next one, if any, follows on its own. */
	input->stream_done = status == 0;
	return (ssize_t)to.pos;
}
#endif

static decode_fn *decoder_of(enum input_kind kind)
{
	switch (kind) {
#ifdef SMTPCLASS_HAVE_ZLIB
	case INPUT_GZIP:
		return decode_gzip;
#endif
#ifdef SMTPCLASS_HAVE_BZIP2
	case INPUT_BZIP2:
		return decode_bzip2;
#endif
#ifdef SMTPCLASS_HAVE_LZMA
	case INPUT_XZ:
		return decode_xz;
#endif
#ifdef SMTPCLASS_HAVE_ZSTD
	case INPUT_ZSTD:
		return decode_zstd;
#endif
	default:
		return NULL;
	}
}

static int start_decoder(struct input *input)
{
	switch (input->kind) {
#ifdef SMTPCLASS_HAVE_ZLIB
	case INPUT_GZIP: {
		z_stream *z = calloc(1, sizeof(*z));

		/* 15 + 16: a gzip wrapper, the largest window. */
		if (z == NULL || inflateInit2(z, 15 + 16) != Z_OK) {
			free(z);
			return fail(input, "gzip: cannot start the decompressor");
		}
		input->decoder = z;
		return 0;
	}
#endif
#ifdef SMTPCLASS_HAVE_BZIP2
	case INPUT_BZIP2: {
		bz_stream *bz = calloc(1, sizeof(*bz));

		if (bz == NULL || BZ2_bzDecompressInit(bz, 0, 0) != BZ_OK) {
			free(bz);
			return fail(input, "bzip2: cannot start the decompressor");
		}
		input->decoder = bz;
		return 0;
	}
#endif
#ifdef SMTPCLASS_HAVE_LZMA
	case INPUT_XZ: {
		lzma_stream *xz = calloc(1, sizeof(*xz));

		if (xz == NULL ||
		    lzma_stream_decoder(xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			free(xz);
			return fail(input, "xz: cannot start the decompressor");
		}
		input->decoder = xz;
		return 0;
	}
#endif
#ifdef SMTPCLASS_HAVE_ZSTD
	case INPUT_ZSTD: {
		ZSTD_DStream *zstd = ZSTD_createDStream();

		if (zstd == NULL)
			return fail(input, "zstd: cannot start the decompressor");
		input->decoder = zstd;
		return 0;
	}
#endif
	default:
		for (size_t i = 0; i < MAGIC_COUNT; i++) {
			if (magics[i].kind == input->kind) {
				static char message[128];

				/* One input at a time: a static message is enough. */
				snprintf(
				    message, sizeof(message),
				    "compressed with %s, but this smtpclass was built without %s",
				    magics[i].name, magics[i].library);
				return fail(input, message);
			}
		}
		return 0;
	}
}

void input_close(struct input *input)
{
	if (input->decoder == NULL)
		return;
	switch (input->kind) {
#ifdef SMTPCLASS_HAVE_ZLIB
	case INPUT_GZIP:
		inflateEnd(input->decoder);
		break;
#endif
#ifdef SMTPCLASS_HAVE_BZIP2
	case INPUT_BZIP2:
		BZ2_bzDecompressEnd(input->decoder);
		break;
#endif
#ifdef SMTPCLASS_HAVE_LZMA
	case INPUT_XZ:
		lzma_end(input->decoder);
		break;
#endif
#ifdef SMTPCLASS_HAVE_ZSTD
	case INPUT_ZSTD:
		ZSTD_freeDStream(input->decoder);
		input->decoder = NULL;
		return;
#endif
	default:
		break;
	}
	free(input->decoder);
	input->decoder = NULL;
}

/* Whether the first bytes of the decoded input look like text (see the
 * design note). */
static int looks_like_text(const unsigned char *p, size_t n)
{
	size_t odd = 0;

	if (n > TEXT_SAMPLE)
		n = TEXT_SAMPLE;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len;

		if (c < 0x80) {
			odd += (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
			        c != '\v' && c != 0x1b) ||
			       c == 0x7f;
			i++;
			continue;
		}
		len = utf8_sequence_length(p + i, n - i);
		if (len == 0) {
			odd++;
			len = 1;
		}
		i += len;
	}
	return odd * 4 < n;
}

static ssize_t decode(struct input *input, char *out, size_t size)
{
	decode_fn *step = decoder_of(input->kind);

	for (;;) {
		ssize_t n;
		int got;

		if (input->start == input->end && input->input_eof) {
			/* No more input: what the decompressor still holds, and the
			 * input is complete only at the end of a stream. */
			if (input->stream_done)
				return 0;
			n = step(input, out, size);
			if (n != 0)
				return n;
			if (input->stream_done)
				return 0;
			return fail(input, "the compressed data is truncated");
		}
		if (input->start < input->end) {
			n = step(input, out, size);
			if (n != 0)
				return n;
			if (input->stream_done && input->start < input->end)
				continue; /* the next stream starts in the bytes held */
		}
		/* The decompressor needs more input than it has. */
		got = fill(input);
		if (got < 0)
			return -1;
		if (got == 0 && !input->input_eof)
			return fail(input, "the compressed data is corrupt");
	}
}

static ssize_t read_plain(struct input *input, char *out, size_t size)
{
	ssize_t n;

	if (input->start < input->end) {
		size_t kept = input->end - input->start;

		n = (ssize_t)(kept < size ? kept : size);
		memcpy(out, input->buffer + input->start, (size_t)n);
		input->start += (size_t)n;
		return n;
	}
	if (input->input_eof)
		return 0;
	if (input->wait != NULL && !input->wait(input->wait_arg))
		return 0;
	do
		n = read(input->fd, out, size);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t input_read(struct input *input, char *out, size_t size)
{
	int first = !input->sniffed;
	ssize_t n;

	if (input->finished)
		return 0;
	if (first && sniff(input) < 0)
		return -1;
	n = input->kind == INPUT_PLAIN ? read_plain(input, out, size) : decode(input, out, size);
	if (first && n > 0 && !input->accept_binary &&
	    !looks_like_text((const unsigned char *)out, (size_t)n))
		return fail(input, "binary file, not a mail log (-a reads it as text)");
	if (n <= 0 && input->message == NULL)
		input->finished = n == 0;
	return n;
}
