/*
 * safe.h: bytes a remote server chose, made safe to show.
 *
 * Reply texts, recipients, senders, domains, relays, host names, queue ids,
 * rule phrases and file names reach smtpclass's output from the input, and
 * the input is written by whoever runs the remote server.  Every writer of
 * text, TSV, CSV, the summary report, the address lists and messages on
 * stderr passes them through this one module, so that the same rules hold
 * everywhere (smtpclass(1), SAFE OUTPUT):
 *   - printable ASCII (0x20-0x7e) is written as it is;
 *   - a C0 control (0x00-0x1f: tab, CR and LF included) or DEL (0x7f) is
 *     written as a space, so a record stays one line and one row;
 *   - well-formed UTF-8 is written as it is, except the C1 controls
 *     U+0080-U+009F (the 8-bit CSI is an escape sequence too), which become
 *     U+FFFD;
 *   - each byte of ill-formed UTF-8 (raw 0x80-0xff bytes that start or
 *     continue no well-formed sequence, overlongs, surrogates, code points
 *     past U+10FFFF) becomes U+FFFD, as the JSON writer does.
 * The output is then valid UTF-8 with no control character in it.
 *
 * The scan is shaped for the hot path of output.c: safe_plain_run() finds
 * a run of plain bytes eight at a time (inline, no call per field) and the
 * caller copies the run with one memcpy; only the bytes that end a run go
 * through safe_unit(), one at a time.
 */
#ifndef SMTPCLASS_SAFE_H
#define SMTPCLASS_SAFE_H

#include <stdint.h>
#include <string.h>

/* The replacement of ill-formed UTF-8 and of C1 controls. */
#define SAFE_REPLACEMENT "\xef\xbf\xbd"

/* Length of the well-formed UTF-8 sequence at s[0..len) (1 for ASCII,
 * up to 4), or 0 when it is ill-formed: no overlongs, no surrogates, nothing
 * above U+10FFFF.  The writers and the summary's JSON reader share it. */
size_t utf8_sequence_length(const unsigned char *s, size_t len);

/* True when none of the 8 bytes at p is below 0x20 or above 0x7e, and, when
 * stop_quote is set, none is '"' (which CSV doubles). */
static inline int safe_plain_word(const unsigned char *p, int stop_quote)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t w, low, high, quote = 0;

	memcpy(&w, p, 8);
	low = (w - ones * 0x20) & ~w;
	high = (w + ones * 0x01) | w; /* 0x7f + 1 sets the high bit, as does >= 0x80 */
	if (stop_quote) {
		uint64_t x = w ^ (ones * '"');

		quote = (x - ones) & ~x;
	}
	return ((low | high | quote) & highs) == 0;
}

/* Length of the longest prefix of s[0..len) that is printable ASCII (and
 * holds no '"' when stop_quote is set): bytes to copy as they are. */
static inline size_t safe_plain_run(const char *s, size_t len, int stop_quote)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	while (len - run >= 8 && safe_plain_word(p + run, stop_quote))
		run += 8;
	while (run < len && p[run] >= 0x20 && p[run] < 0x7f && !(stop_quote && p[run] == '"'))
		run++;
	return run;
}

/* What one unit of input is written as. */
struct safe_piece {
	const char *bytes; /* the bytes to write: into the input, or a constant */
	size_t len;
	size_t consumed; /* input bytes the piece stands for (at least 1) */
};

/* The piece that s[0..len) (len > 0) starts with: one printable ASCII byte
 * or well-formed UTF-8 sequence as it is, or its replacement (see above). */
struct safe_piece safe_unit(const char *s, size_t len);

/* Copies s[0..len) made safe into dst (at most cap bytes, never cutting a
 * sequence) and returns the bytes written. */
size_t safe_copy(char *dst, size_t cap, const char *s, size_t len);

/*
 * The JSON output keeps more than the other writers (it can escape
 * controls) but not every byte: output_json_string() writes '"', '\\'
 * and the controls as escapes, which a reader decodes back to themselves,
 * well-formed UTF-8 (C1 controls included) as it is, and NUL (which ends
 * a string in a C reader) and each byte of ill-formed UTF-8 as U+FFFD.
 * Texts that differ only in those bytes read back the same.
 */

/* The piece that s[0..len) (len > 0) starts with as it reads back from the
 * JSON output: a byte or a well-formed sequence as it is, or U+FFFD. */
struct safe_piece safe_json_unit(const char *s, size_t len);

/* Copies s[0..len) as it reads back from the JSON output into dst (at most
 * cap bytes, never cutting a sequence) and returns the bytes written.  The
 * summary keeps its names in this form, so that two names written the same
 * are one name. */
size_t safe_json_copy(char *dst, size_t cap, const char *s, size_t len);

/* s made safe, for a message on stderr that names a file or echoes an
 * argument: s itself when it is printable ASCII, else a copy (cut at 4 KiB)
 * in one of four static buffers that the fifth call reuses.  Not thread-safe:
 * messages are the main thread's. */
const char *safe_shown(const char *s);

/* True when a CSV cell starting with s[0..len) would be read as a formula
 * by a spreadsheet: it starts with = + - @, a tab or a CR (OWASP, CSV
 * injection).  The CSV writer then puts a single quote first. */
static inline int safe_csv_formula(const char *s, size_t len)
{
	return len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	                   s[0] == '\t' || s[0] == '\r');
}

/* True when the address s[0..len) can stand unquoted in a shell command
 * line and as one argument that is not an option: letters, digits,
 * well-formed UTF-8 past U+009F, and . _ + - = % @, not starting with '-'.
 * --addresses leaves the other addresses out (smtpclass(1), --addresses). */
int safe_shell_word(const char *s, size_t len);

#endif
