/*
 * main.c: the smtpclass command: options, input, output and exit codes.
 *
 * The library does the parsing and classifying; this file only reads lines
 * (src/linereader.c), writes records (src/output.c) and turns what happened
 * into an exit status from <sysexits.h>.  Options are described once, in
 * the options[] table: getopt_long's table and --help are built from it, and
 * a test checks the man page against --help.
 *
 * Exit status: 0 all input processed; 64 usage; 65 a -r argument is not a
 * reply; 66 a file could not be opened (the others are still read); 74 a
 * read or write error; 70 internal error.  With -e the worst verdict decides
 * instead (0 success or intermediate, 65 unknown, 75 soft, 69 hard, 67 hard
 * with reason userunknown or hostunknown), unless an error occurred.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "linereader.h"
#include "output.h"
#include "smtpclass.h"

#define PROGRAM "smtpclass"

enum option_id {
	OPT_REPLY = 'r',
	OPT_JSON = 'j',
	OPT_EXIT_STATUS = 'e',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_FORMAT = 256,
	OPT_HEADER,
	OPT_LINE_BUFFERED,
	OPT_COLOR,
	OPT_STAGE,
	OPT_STATS
};

struct option_doc {
	const char *name;
	int has_arg;
	int id;
	const char *argument; /* shown in --help, NULL when none */
	const char *help;
};

/* The one description of every option: --help and getopt come from it. */
static const struct option_doc options[] = {
    {"reply", required_argument, OPT_REPLY, "REPLY", "classify REPLY (repeatable) instead of reading files"},
    {"format", required_argument, OPT_FORMAT, "FMT", "output format: text (default), json, tsv or csv"},
    {"json", no_argument, OPT_JSON, NULL, "same as --format=json"},
    {"header", no_argument, OPT_HEADER, NULL, "print a header line first (tsv and csv)"},
    {"exit-status", no_argument, OPT_EXIT_STATUS, NULL, "exit with a status from the worst verdict"},
    {"stage", required_argument, OPT_STAGE, "STAGE", "the command the replies answered: connect, helo, mail, rcpt, data or eod"},
    {"line-buffered", no_argument, OPT_LINE_BUFFERED, NULL, "flush the output after every record"},
    {"color", optional_argument, OPT_COLOR, "WHEN", "colour the text format: auto (default), always or never"},
    {"stats", no_argument, OPT_STATS, NULL, "print counts of lines, records and skipped lines to stderr"},
    {"help", no_argument, OPT_HELP, NULL, "show this help and exit"},
    {"version", no_argument, OPT_VERSION, NULL, "show the version and exit"},
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

struct settings {
	struct output output;
	smtpclass_options classify;
	int exit_status_mode;
	int header;
	int line_buffered;
	int stats;
	const char **replies;
	int reply_count;
};

struct counters {
	unsigned long long lines, records, skipped, cut;
	int worst_rank; /* see verdict_rank() */
	int not_a_reply, open_failed, io_error;
};

static struct counters counts;

static void usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", PROGRAM);
}

static void print_help(void)
{
	printf("Usage: %s [OPTION]... [FILE]...\n"
	       "       %s [OPTION]... -r REPLY...\n"
	       "Classify SMTP replies: verdict, reason and action.\n"
	       "Reads each FILE (or standard input, or '-') line by line.\n\n",
	       PROGRAM, PROGRAM);
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char left[64];
		const struct option_doc *o = &options[i];
		const char *shortopt = o->id < 256 ? "-" : "";
		char letter[3] = {0};

		if (o->id < 256) {
			letter[0] = (char)o->id;
			letter[1] = ',';
		}
		if (o->argument == NULL)
			snprintf(left, sizeof(left), "%s%s --%s", shortopt, letter, o->name);
		else if (o->has_arg == optional_argument)
			snprintf(left, sizeof(left), "%s%s --%s[=%s]", shortopt, letter, o->name,
			         o->argument);
		else
			snprintf(left, sizeof(left), "%s%s --%s%s%s", shortopt, letter, o->name,
			         o->id < 256 ? " " : "=", o->argument);
		printf("  %-26s %s\n", left, o->help);
	}
	printf("\nExit status: 0 done, 64 usage, 65 an argument is not a reply, 66 a file\n"
	       "could not be opened, 74 read or write error.  With -e: 0 success,\n"
	       "75 soft, 67 hard (userunknown/hostunknown), 69 other hard, 65 unknown.\n");
}

static int parse_format(const char *name, enum output_format *format)
{
	static const struct {
		const char *name;
		enum output_format format;
	} formats[] = {{"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"tsv", FORMAT_TSV}, {"csv", FORMAT_CSV}};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*format = formats[i].format;
			return 0;
		}
	}
	return -1;
}

/* Colour on a terminal unless NO_COLOR is set (https://no-color.org). */
static int parse_color(const char *when, int *color)
{
	const char *no_color = getenv("NO_COLOR");

	if (when == NULL || strcmp(when, "auto") == 0)
		*color = isatty(STDOUT_FILENO) && (no_color == NULL || no_color[0] == '\0');
	else if (strcmp(when, "always") == 0)
		*color = 1;
	else if (strcmp(when, "never") == 0)
		*color = 0;
	else
		return -1;
	return 0;
}

static int parse_arguments(int argc, char **argv, struct settings *settings)
{
	struct option long_options[OPTION_COUNT + 1];
	const char *color_when = NULL;
	int option;

	memset(long_options, 0, sizeof(long_options));
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		long_options[i].name = options[i].name;
		long_options[i].has_arg = options[i].has_arg;
		long_options[i].val = options[i].id;
	}
	settings->replies = calloc((size_t)argc, sizeof(*settings->replies));
	if (settings->replies == NULL) {
		perror(PROGRAM);
		exit(EX_OSERR);
	}
	while ((option = getopt_long(argc, argv, "r:jehV", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_REPLY:
			settings->replies[settings->reply_count++] = optarg;
			break;
		case OPT_FORMAT:
			if (parse_format(optarg, &settings->output.format) != 0) {
				fprintf(stderr, "%s: unknown format '%s'\n", PROGRAM, optarg);
				return -1;
			}
			break;
		case OPT_JSON:
			settings->output.format = FORMAT_JSON;
			break;
		case OPT_HEADER:
			settings->header = 1;
			break;
		case OPT_EXIT_STATUS:
			settings->exit_status_mode = 1;
			break;
		case OPT_STAGE: {
			int stage = smtpclass_stage_from_name(optarg, strlen(optarg));

			if (stage < 0) {
				fprintf(stderr, "%s: unknown stage '%s'\n", PROGRAM, optarg);
				return -1;
			}
			settings->classify.stage = (smtpclass_stage)stage;
			break;
		}
		case OPT_LINE_BUFFERED:
			settings->line_buffered = 1;
			break;
		case OPT_COLOR:
			color_when = optarg != NULL ? optarg : "always";
			if (strcmp(color_when, "auto") != 0 && strcmp(color_when, "always") != 0 &&
			    strcmp(color_when, "never") != 0) {
				fprintf(stderr, "%s: --color takes auto, always or never\n", PROGRAM);
				return -1;
			}
			break;
		case OPT_STATS:
			settings->stats = 1;
			break;
		case OPT_HELP:
			print_help();
			exit(EX_OK);
		case OPT_VERSION:
			printf("%s %s\n", PROGRAM, smtpclass_version());
			exit(EX_OK);
		default:
			return -1;
		}
	}
	if (parse_color(color_when, &settings->output.color) != 0)
		return -1;
	if (settings->output.format != FORMAT_TEXT)
		settings->output.color = 0;
	if (settings->reply_count > 0 && optind < argc) {
		fprintf(stderr, "%s: give either -r REPLY or files, not both\n", PROGRAM);
		return -1;
	}
	return 0;
}

/* Rank of a result for -e: the highest rank seen decides the exit status. */
static int verdict_rank(const smtpclass_result *result)
{
	const char *reason = smtpclass_reason_name(result->reason);

	switch (result->verdict) {
	case SMTPCLASS_VERDICT_SUCCESS:
	case SMTPCLASS_VERDICT_INTERMEDIATE:
		return 0;
	case SMTPCLASS_VERDICT_UNKNOWN:
		return 1;
	case SMTPCLASS_VERDICT_SOFT:
		return 2;
	case SMTPCLASS_VERDICT_HARD:
		if (strcmp(reason, "userunknown") == 0 || strcmp(reason, "hostunknown") == 0)
			return 4;
		return 3;
	}
	return 1;
}

static int rank_exit_status(int rank)
{
	static const int statuses[] = {EX_OK, EX_DATAERR, EX_TEMPFAIL, EX_UNAVAILABLE, EX_NOUSER};

	return statuses[rank];
}

static void flush_output(void)
{
	fflush(stdout);
}

static void emit(const struct settings *settings, const struct record *record)
{
	int rank = verdict_rank(record->result);

	output_record(&settings->output, record);
	if (settings->line_buffered)
		fflush(stdout);
	counts.records++;
	if (rank > counts.worst_rank)
		counts.worst_rank = rank;
}

/* A reply is classifiable when it has a code or a text rule recognised it. */
static int is_classifiable(smtpclass_parse_status status, const smtpclass_result *result)
{
	if (status == SMTPCLASS_PARSE_OK)
		return 1;
	return status == SMTPCLASS_PARSE_TEXT_ONLY && result->rule_kind != SMTPCLASS_RULE_NONE;
}

static void classify_arguments(const struct settings *settings)
{
	for (int i = 0; i < settings->reply_count; i++) {
		const char *text = settings->replies[i];
		smtpclass_reply reply;
		smtpclass_result result;
		smtpclass_parse_status status = smtpclass_parse(text, strlen(text), &reply);
		struct record record = {"arg", (unsigned long long)i + 1, &reply, &result, NULL, 0};

		smtpclass_classify(&reply, &settings->classify, &result);
		if (!is_classifiable(status, &result)) {
			fprintf(stderr, "%s: '%s': not an SMTP reply\n", PROGRAM, text);
			counts.not_a_reply = 1;
			continue;
		}
		emit(settings, &record);
	}
}

static struct line_reader reader;

static void classify_stream(const struct settings *settings, int fd, const char *name)
{
	const char *line;
	size_t len;
	int cut, got;

	line_reader_init(&reader, fd, flush_output);
	while ((got = line_reader_next(&reader, &line, &len, &cut)) == 1) {
		smtpclass_reply reply;
		smtpclass_result result;
		smtpclass_parse_status status;
		struct record record = {name, reader.line_number, &reply, &result, NULL, cut};

		counts.lines++;
		counts.cut += (unsigned)cut;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		status = smtpclass_parse(line, len, &reply);
		smtpclass_classify(&reply, &settings->classify, &result);
		if (!is_classifiable(status, &result)) {
			counts.skipped++;
			continue;
		}
		emit(settings, &record);
		if (ferror(stdout))
			return;
	}
	if (got < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, name, strerror(reader.error));
		counts.io_error = 1;
	}
}

static void classify_files(const struct settings *settings, int argc, char **argv)
{
	if (optind == argc) {
		classify_stream(settings, STDIN_FILENO, "-");
		return;
	}
	for (int i = optind; i < argc && !ferror(stdout); i++) {
		int fd;

		if (strcmp(argv[i], "-") == 0) {
			classify_stream(settings, STDIN_FILENO, "-");
			continue;
		}
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", PROGRAM, argv[i], strerror(errno));
			counts.open_failed = 1;
			continue;
		}
		classify_stream(settings, fd, argv[i]);
		close(fd);
	}
}

/* Flushes stdout; a full disk or other write error is reported (74). */
static int finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", PROGRAM, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct settings settings;
	int write_failed;

	settings.output.stream = stdout;
	if (parse_arguments(argc, argv, &settings) != 0) {
		usage_hint();
		return EX_USAGE;
	}
	if (settings.header)
		output_header(&settings.output);
	if (settings.reply_count > 0)
		classify_arguments(&settings);
	else
		classify_files(&settings, argc, argv);
	write_failed = finish_output() != 0;
	free(settings.replies);
	if (settings.stats)
		fprintf(stderr,
		        "%s: lines %llu, records %llu, skipped %llu, cut %llu\n", PROGRAM,
		        counts.lines, counts.records, counts.skipped, counts.cut);
	if (write_failed || counts.io_error)
		return EX_IOERR;
	if (counts.open_failed)
		return EX_NOINPUT;
	if (counts.not_a_reply)
		return EX_DATAERR;
	if (settings.exit_status_mode)
		return rank_exit_status(counts.worst_rank);
	return EX_OK;
}
