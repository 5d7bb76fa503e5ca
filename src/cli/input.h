/*
 * input.h: the bytes of one input, plain or decompressed, and whether they
 * are text at all.
 */
#ifndef SMTPCLASS_INPUT_H
#define SMTPCLASS_INPUT_H

#include <stddef.h>
#include <sys/types.h>

/* How an input is stored, told by its first bytes (not by its name). */
enum input_kind { INPUT_PLAIN, INPUT_GZIP, INPUT_BZIP2, INPUT_XZ, INPUT_ZSTD };

/* Bytes read from the file and not decoded yet. */
#define INPUT_BUFFER (128 * 1024)

struct input {
	int fd;
	enum input_kind kind;
	int sniffed;       /* the first bytes have been looked at */
	int accept_binary; /* -a: read a binary file as text */
	int input_eof;     /* read(2) returned 0 */
	int finished;      /* no more output */
	int stream_done;   /* the current compressed stream ended */
	/* Called before each read(2) of a pipe or terminal; returns 0 when the
	 * reading must stop (the consumer has gone).  May be NULL. */
	int (*wait)(void *arg);
	void *wait_arg;
	const char *message; /* why the input failed, when it is not an errno */
	void *decoder;       /* the decompressor's state, or NULL */
	size_t start, end;   /* undecoded bytes: buffer[start..end) */
	unsigned char buffer[INPUT_BUFFER];
};

enum input_flag {
	INPUT_ACCEPT_BINARY = 1u << 0, /* -a: read a file that is not text as text */
	INPUT_RAW = 1u << 1            /* the bytes as they come: no decompression, no check */
};

/* Prepares input for fd with input_flag bits; nothing is read yet. */
void input_init(struct input *input, int fd, unsigned flags);

/*
 * Reads up to size decoded bytes into out, like read(2): returns how many
 * (> 0), 0 at the end of the input, or -1 on an error, with errno set and
 * input->message set when the error is the data's (corrupt or truncated
 * compressed data, a binary file, a format this build cannot decompress).
 * The first call looks at the first bytes to tell the kind of input.
 */
ssize_t input_read(struct input *input, char *out, size_t size);

/* Frees the decompressor.  The fd is left open. */
void input_close(struct input *input);

/* The formats this build decompresses, e.g. "gzip bzip2 xz zstd", or "none". */
const char *input_formats(void);

#endif
