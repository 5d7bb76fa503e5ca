/*
 * fuzz_options.c: libFuzzer target for the option parser of the tool
 * (src/cli/options.c: options_parse(), --fields, --since/--until, --top,
 * --width, --interval, --stage, --mta, --format and the checks of what
 * combinations do nothing).
 *
 * The input is split at NUL bytes into at most 24 arguments after
 * "smtpclass"; --help and --version (and their abbreviations, and short
 * clusters with -h or -V) end the process, so inputs naming them are
 * skipped.  Invariants: 0 or -1; with 0, every setting is in its range, the
 * replies and rules files are arguments that were given, and no
 * combination the checks refuse got through (a summary as TSV or CSV, HTML
 * without a summary, --interval without --summary).  The parser's messages
 * go to a stderr opened on /dev/null while it runs.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz_invariants.h"

/* What main.c and bounce.c define for the tool. */
struct counters counts;
struct time_range time_range;

int finish_output(void)
{
	return 0;
}

const char *bounce_library(void)
{
	return "none";
}

/* The parser's messages go here; the invariants' to the real stderr. */
static FILE *null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	null = fopen("/dev/null", "w");
	return 0;
}

/* Whether the word would make the parser exit (--help, --version). */
static int exits(const char *word)
{
	if (strcmp(word, "--") == 0)
		return -1; /* the rest are files */
	if (strncmp(word, "--", 2) == 0) {
		size_t n = strcspn(word + 2, "=");

		return n > 0 &&
		       (strncmp("help", word + 2, n) == 0 || strncmp("version", word + 2, n) == 0);
	}
	return word[0] == '-' && (strchr(word, 'h') != NULL || strchr(word, 'V') != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	char *argv[26];
	int argc = 1;
	struct settings settings;
	int status;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "smtpclass";
	for (char *p = copy; p <= copy + size && argc < 25; p += strlen(p) + 1) {
		int e = exits(p);

		if (e > 0) {
			free(copy);
			return 0;
		}
		argv[argc++] = p;
		if (e < 0)
			break;
	}
	argv[argc] = NULL;
	memset(&settings, 0, sizeof(settings));
	settings.output.stream = stdout;
	settings.width = -1;
	memset(&time_range, 0, sizeof(time_range));
	optind = 0; /* GNU getopt: start over */
	{
		FILE *real = stderr;

		if (null != NULL)
			stderr = null;
		status = options_parse(argc, argv, &settings);
		stderr = real;
	}
	FUZZ_CHECK(status == 0 || status == -1);
	if (status == 0) {
		FUZZ_CHECK(settings.output.format >= FORMAT_TEXT &&
		           settings.output.format <= FORMAT_HTML);
		FUZZ_CHECK(settings.width >= -1 && settings.width <= 100000);
		FUZZ_CHECK(settings.interval >= 0 && settings.interval <= 366L * 86400);
		FUZZ_CHECK(settings.top >= 0 && settings.top <= 1000000);
		FUZZ_CHECK(settings.reply_count >= 0 && settings.reply_count < argc);
		FUZZ_CHECK(settings.rule_file_count >= 0 && settings.rule_file_count < argc);
		for (int i = 0; i < settings.reply_count; i++)
			FUZZ_CHECK(settings.replies[i] >= copy &&
			           settings.replies[i] <= copy + size);
		for (int i = 0; i < settings.rule_file_count; i++)
			FUZZ_CHECK(settings.rule_files[i] >= copy &&
			           settings.rule_files[i] <= copy + size);
		FUZZ_CHECK(settings.direction >= 0 && settings.direction <= 2);
		FUZZ_CHECK(!(settings.summary && (settings.output.format == FORMAT_TSV ||
		                                  settings.output.format == FORMAT_CSV)));
		FUZZ_CHECK(settings.summary || settings.output.format != FORMAT_HTML);
		FUZZ_CHECK(settings.summary ||
		           (settings.interval == 0 && settings.report_file == NULL));
		FUZZ_CHECK(!(settings.merge && settings.addresses != 0));
	}
	free(settings.replies);
	free(settings.rule_files);
	free(copy);
	return 0;
}
