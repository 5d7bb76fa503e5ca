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
 * not share code or assumptions with src/cli/output.c; and the peak RSS comes
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

#include "json_check.h"

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

/* JSON is checked by the strict RFC 8259 validator of the fuzz targets
 * (tests/fuzz/json_check.c), written independently of src/cli/output.c. */
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
		struct json_member members[64];
		size_t count;

		number++;
		if (line[len - 1] != '\n') {
			fprintf(stderr, "jsonl: %s:%llu: no newline at the end\n", path, number);
			break;
		}
		if (line[0] != '{' ||
		    json_check_line(line, (size_t)len, members, 64, &count) != 0) {
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
	valid = len > 1 && text[0] == '{' && text[len - 1] == '\n' &&
	        json_check_value(text, len - 1) == 0;
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
	alarm((unsigned)strtoul(seconds, NULL, 10));
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
