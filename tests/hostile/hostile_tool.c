/*
 * hostile_tool.c: the helpers tests/hostile/run.sh and rss.sh need and a
 * bare Debian machine lacks (no jq, no GNU time, no python).
 *
 *   hostile_tool random BYTES SEED      BYTES pseudo-random bytes on stdout
 *   hostile_tool replies BYTES SEED     about BYTES of lines that start like a
 *                                       reply or a log line and go on with
 *                                       random bytes (no LF inside a line)
 *   hostile_tool jsonl FILE             checks FILE is JSON Lines of objects;
 *                                       prints the number of records
 *   hostile_tool json FILE              checks FILE is one JSON object (any
 *                                       layout) followed by a newline
 *   hostile_tool measure OUT SECONDS COMMAND [ARG]...
 *                                       runs COMMAND, writes "PEAK_RSS_KIB
 *                                       MILLISECONDS" to OUT, exits with its
 *                                       status (128+N when killed by signal N,
 *                                       124 when it ran over SECONDS and was
 *                                       killed, like timeout(1))
 *
 * Why a program and not awk: the random bytes must be the same on every
 * machine (splitmix64 with the seed given, never rand()), include NUL and
 * every other byte, and come out fast; the JSON check must be strict and must
 * not share code or assumptions with src/output.c; and the peak RSS comes
 * from wait4(2), so the tests need neither /usr/bin/time nor a shell builtin.
 * The compile command is in run.sh: plain C11 plus POSIX, no other file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- random ---------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int write_random(unsigned long long bytes, uint64_t seed)
{
	unsigned char block[65536];

	while (bytes > 0) {
		size_t n = bytes < sizeof(block) ? (size_t)bytes : sizeof(block);

		for (size_t i = 0; i < n; i += 8) {
			uint64_t value = splitmix64(&seed);

			for (size_t k = 0; k < 8 && i + k < n; k++)
				block[i + k] = (unsigned char)(value >> (8 * k));
		}
		if (fwrite(block, 1, n, stdout) != n)
			return 1;
		bytes -= n;
	}
	return fflush(stdout) != 0;
}

/* Line starts that send the rest of the line through the parser, the
 * classifier, the log scanner and the output escaping. */
static const char *const line_starts[] = {
    "550 5.1.1 ",
    "421-4.7.0 ",
    "250 2.0.0 ",
    "452 ",
    "5.7.1 ",
    "Nov 27 10:00:00 mx postfix/smtp[123]: 4BQ2Kp5Xz9: to=<a@b.example>, "
    "relay=mx.b.example[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced "
    "(host mx.b.example[192.0.2.1] said: 550 5.1.1 ",
    "2026-11-27 10:00:00 1tAbCd-000123-Ab ** a@b.example R=dnslookup T=remote_smtp: "
    "SMTP error from remote mail server after RCPT TO:<a@b.example>: 550 ",
};

static int write_replies(unsigned long long bytes, uint64_t seed)
{
	unsigned long long written = 0;
	char line[1024];

	while (written < bytes) {
		uint64_t value = splitmix64(&seed);
		const char *start =
		    line_starts[value % (sizeof(line_starts) / sizeof(line_starts[0]))];
		size_t len = strlen(start), tail = (size_t)((value >> 16) % 400);

		memcpy(line, start, len);
		for (size_t i = 0; i < tail; i++) {
			unsigned char c = (unsigned char)(splitmix64(&seed) >> 56);

			line[len++] = c == '\n' ? ' ' : (char)c;
		}
		line[len++] = '\n';
		if (fwrite(line, 1, len, stdout) != len)
			return 1;
		written += len;
	}
	return fflush(stdout) != 0;
}

/* ---- jsonl ----------------------------------------------------------------- */

/* A strict RFC 8259 reader over [p, end); each function returns the position
 * after what it read or NULL. */
#define MAX_DEPTH 32

static const char *json_value(const char *p, const char *end, int depth);

/* JSON Lines keep a record on one line: a newline is white space only when
 * a whole document is checked. */
static int newline_is_space;

static const char *skip_space(const char *p, const char *end)
{
	while (p < end &&
	       (*p == ' ' || *p == '\t' || *p == '\r' || (newline_is_space && *p == '\n')))
		p++;
	return p;
}

/* Length of one well-formed UTF-8 sequence at p (no overlongs, surrogates or
 * code points above U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], low = 0x80, high = 0xbf;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	if (c == 0xe0)
		low = 0xa0;
	else if (c == 0xed)
		high = 0x9f;
	else if (c == 0xf0)
		low = 0x90;
	else if (c == 0xf4)
		high = 0x8f;
	if ((size_t)(end - p) < need || p[1] < low || p[1] > high)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex4(const char *p)
{
	unsigned value = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		value = value * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return value;
}

static const char *json_string(const char *p, const char *end)
{
	p++; /* the opening quote */
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (end - p < 2)
				return NULL;
			if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0') {
				p += 2;
				continue;
			}
			if (p[1] != 'u' || end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) ||
			    !is_hex(p[4]) || !is_hex(p[5]))
				return NULL;
			unsigned unit = hex4(p + 2);

			p += 6;
			if (unit >= 0xdc00 && unit <= 0xdfff)
				return NULL; /* a lone low surrogate */
			if (unit >= 0xd800 && unit <= 0xdbff) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !is_hex(p[2]) ||
				    !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5]))
					return NULL;
				unit = hex4(p + 2);
				if (unit < 0xdc00 || unit > 0xdfff)
					return NULL;
				p += 6;
			}
			continue;
		}
		size_t n = utf8_length((const unsigned char *)p, (const unsigned char *)end);

		if (n == 0)
			return NULL;
		p += n;
	}
	return NULL;
}

static const char *json_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		p++;
		if (p == end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *json_literal(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	return p + n;
}

static const char *json_container(const char *p, const char *end, int depth, char close)
{
	p = skip_space(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			if (p == end || *p != '"')
				return NULL;
			p = json_string(p, end);
			if (p == NULL)
				return NULL;
			p = skip_space(p, end);
			if (p == end || *p != ':')
				return NULL;
			p++;
		}
		p = json_value(p, end, depth + 1);
		if (p == NULL)
			return NULL;
		p = skip_space(p, end);
		if (p < end && *p == close)
			return p + 1;
		if (p == end || *p != ',')
			return NULL;
		p = skip_space(p + 1, end);
	}
}

static const char *json_value(const char *p, const char *end, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	p = skip_space(p, end);
	if (p == end)
		return NULL;
	switch (*p) {
	case '{':
		return json_container(p, end, depth, '}');
	case '[':
		return json_container(p, end, depth, ']');
	case '"':
		return json_string(p, end);
	case 't':
		return json_literal(p, end, "true");
	case 'f':
		return json_literal(p, end, "false");
	case 'n':
		return json_literal(p, end, "null");
	default:
		return json_number(p, end);
	}
}

/* Every line of the file must be one JSON object; the last line must end
 * with a newline. */
static int check_jsonl(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *line = NULL;
	size_t capacity = 0;
	ssize_t len;
	unsigned long long number = 0;

	if (file == NULL) {
		fprintf(stderr, "jsonl: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while ((len = getline(&line, &capacity, file)) > 0) {
		const char *end = line + len, *after;

		number++;
		if (line[len - 1] != '\n') {
			fprintf(stderr, "jsonl: %s:%llu: no newline at the end\n", path, number);
			break;
		}
		end--;
		after = skip_space(line, end);
		if (after == end || *after != '{')
			after = NULL;
		else
			after = json_value(line, end, 0);
		if (after == NULL || skip_space(after, end) != end) {
			fprintf(stderr, "jsonl: %s:%llu: not one JSON object\n", path, number);
			break;
		}
	}
	if (len > 0 || ferror(file)) {
		free(line);
		fclose(file);
		return 1;
	}
	free(line);
	fclose(file);
	printf("%llu\n", number);
	return 0;
}

/* The whole file must be one JSON object ending with a newline. */
static int check_json(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, capacity = 0, n;
	const char *after;
	int valid;

	if (file == NULL) {
		fprintf(stderr, "json: %s: %s\n", path, strerror(errno));
		return 2;
	}
	do {
		if (capacity - len < 65536) {
			char *bigger;

			capacity = capacity * 2 + 65536;
			bigger = realloc(text, capacity);

			if (bigger == NULL) {
				free(text);
				fclose(file);
				return 2;
			}
			text = bigger;
		}
		n = fread(text + len, 1, capacity - len, file);
		len += n;
	} while (n > 0);
	fclose(file);
	newline_is_space = 1;
	after = skip_space(text, text + len);
	valid = after < text + len && *after == '{';
	if (valid)
		after = json_value(text, text + len, 0);
	valid = valid && after != NULL && len > 0 && text[len - 1] == '\n' &&
	        skip_space(after, text + len) == text + len;
	free(text);
	if (!valid)
		fprintf(stderr, "json: %s: not one JSON object\n", path);
	return !valid;
}

/* ---- measure --------------------------------------------------------------- */

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int signal_number)
{
	(void)signal_number;
	timed_out = 1;
	kill(child, SIGKILL);
}

static int measure(const char *out_path, const char *seconds, char **command)
{
	struct rusage usage;
	struct timespec start, stop;
	struct sigaction action;
	int status;
	pid_t waited;
	FILE *out;

	clock_gettime(CLOCK_MONOTONIC, &start);
	child = fork();
	if (child < 0) {
		perror("measure: fork");
		return 125;
	}
	if (child == 0) {
		execvp(command[0], command);
		fprintf(stderr, "measure: %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_alarm;
	sigaction(SIGALRM, &action, NULL);
	alarm((unsigned)atoi(seconds));
	do
		waited = wait4(child, &status, 0, &usage);
	while (waited < 0 && errno == EINTR);
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &stop);
	if (waited < 0) {
		perror("measure: wait4");
		return 125;
	}
	out = fopen(out_path, "w");
	if (out == NULL) {
		perror(out_path);
		return 125;
	}
	fprintf(out, "%ld %lld\n", usage.ru_maxrss,
	        (long long)(stop.tv_sec - start.tv_sec) * 1000 +
	            (stop.tv_nsec - start.tv_nsec) / 1000000);
	fclose(out);
	if (timed_out)
		return 124;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "random") == 0)
		return write_random(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "replies") == 0)
		return write_replies(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "jsonl") == 0)
		return check_jsonl(argv[2]);
	if (argc == 3 && strcmp(argv[1], "json") == 0)
		return check_json(argv[2]);
	if (argc >= 5 && strcmp(argv[1], "measure") == 0)
		return measure(argv[2], argv[3], argv + 4);
	fprintf(stderr, "usage: hostile_tool random|replies BYTES SEED | jsonl FILE | json FILE |"
	                " measure OUT SECONDS COMMAND [ARG]...\n");
	return 2;
}
