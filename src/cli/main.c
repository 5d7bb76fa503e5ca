/*
 * main.c: the smtpclass command: options, input, output and exit codes.
 *
 * The library does the parsing and classifying; this file only reads lines
 * (src/cli/linereader.c), writes records (src/cli/output.c) and turns what happened
 * into an exit status from <sysexits.h>.  Options are described once, in
 * the options[] table: getopt_long's table and --help are built from it, and
 * a test checks the man page against --help.
 *
 * Exit status: 0 all input processed; 64 usage; 65 a -r argument is not a
 * reply, or an input is binary or its compressed data corrupt; 66 a file could not be opened (the others are still read); 74 a
 * read or write error; 70 internal error.  With -e the worst verdict decides
 * instead (0 success or intermediate, 65 unknown, 75 soft, 69 hard, 67 hard
 * and the result removes the address: smtpclass_result_removes_address(),
 * whose policy is data/actions.tsv), unless an error occurred.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounce.h"
#include "journal.h"
#include "linereader.h"
#include "output.h"
#include "rsyslog.h"
#include "siterules.h"
#include "smtpclass.h"
#include "summary.h"
#include "summaryfeed.h"
#include "timerange.h"

#define PROGRAM "smtpclass"

enum option_id {
	OPT_REPLY = 'r',
	OPT_JSON = 'j',
	OPT_EXIT_STATUS = 'e',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_TEXT = 'a',
	OPT_FORMAT = 256,
	OPT_HEADER,
	OPT_LINE_BUFFERED,
	OPT_COLOR,
	OPT_STAGE,
	OPT_STATS,
	OPT_RULES,
	OPT_EXPLAIN,
	OPT_TAXONOMY,
	OPT_ALL,
	OPT_MTA,
	OPT_YEAR,
	OPT_SUMMARY,
	OPT_TOP,
	OPT_MERGE,
	OPT_ADDRESSES,
	OPT_RSYSLOG,
	OPT_NO_SITE_RULES,
	OPT_MAIL,
	OPT_SINCE,
	OPT_UNTIL
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
    {"rules", required_argument, OPT_RULES, "FILE", "load site rules from FILE before the built-in ones (repeatable)"},
    {"no-site-rules", no_argument, OPT_NO_SITE_RULES, NULL, "do not read " SMTPCLASS_SITE_RULES_DIR "/*.rules"},
    {"explain", no_argument, OPT_EXPLAIN, NULL, "text format: show the rule that decided and its evidence"},
    {"taxonomy", no_argument, OPT_TAXONOMY, NULL, "add SparkPost, PowerMTA and Amazon SES bounce classes (json, tsv, csv)"},
    {"all", no_argument, OPT_ALL, NULL, "log mode: print successful deliveries too"},
    {"text", no_argument, OPT_TEXT, NULL, "read a file that does not look like text as text (as grep -a)"},
    {"mta", required_argument, OPT_MTA, "NAME", "log mode: read every line as NAME's format (postfix, exim, sendmail, opensmtpd, qmail, exchange, courier, generic)"},
    {"year", required_argument, OPT_YEAR, "YYYY", "log mode: the year of syslog timestamps, for time_iso"},
    {"since", required_argument, OPT_SINCE, "TIME", "log mode: only records from TIME on (RFC 3339, today, yesterday, -1h, -30m, -2d)"},
    {"until", required_argument, OPT_UNTIL, "TIME", "log mode: only records before TIME (same forms as --since)"},
    {"summary", no_argument, OPT_SUMMARY, NULL, "summary mode: one report on all records (sent included) instead of one line each"},
    {"top", required_argument, OPT_TOP, "N", "summary mode: list the top N domains, hosts and reply groups (default 20, 0 all)"},
    {"merge", no_argument, OPT_MERGE, NULL, "summary mode: the files are JSON summaries to add up"},
    {"addresses", required_argument, OPT_ADDRESSES, "KIND", "summary mode: print the recipients to remove (remove) or that failed only softly (soft)"},
    {"mail", no_argument, OPT_MAIL, NULL, "read every input as mail: one message, an mbox or a Maildir (one record per failed recipient)"},
    {"rsyslog", no_argument, OPT_RSYSLOG, NULL, "run as an rsyslog mmexternal plugin: one JSON object per input line"},
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
	const char **rule_files;
	int rule_file_count;
	int no_site_rules; /* --no-site-rules */
	int all;
	smtpclass_mta forced_mta;
	int summary;   /* summary mode */
	int top;       /* summary lists: top N, 0 all */
	int merge;     /* the files are JSON summaries */
	int addresses; /* 1: --addresses=remove, 2: --addresses=soft */
	int rsyslog;   /* --rsyslog: mmexternal protocol on stdin and stdout */
	int text;      /* -a: no binary-file check */
	int mail;      /* --mail: every input is messages */
};

struct counters {
	unsigned long long lines, records, skipped, cut, sent_hidden;
	unsigned long long per_mta[SMTPCLASS_MTA_COUNT];
	int worst_rank; /* see verdict_rank() */
	int not_a_reply, open_failed, io_error;
	int bad_input; /* an input was binary, or its compressed data corrupt */
};

static struct counters counts;
/* --since and --until, in every mode. */
static struct time_range time_range;

static int finish_output(void);

static void usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", PROGRAM);
}

static void print_help(void)
{
	printf("Usage: %s [OPTION]... [FILE]...\n"
	       "       %s [OPTION]... -r REPLY...\n"
	       "Classify SMTP replies: verdict, reason and action.\n"
	       "Reads each FILE (or standard input, or '-') line by line.\n"
	       "A reply may stand inside the sentence of the MTA that relayed it\n"
	       "('host H[IP] said: 550 ... (in reply to RCPT TO command)'): it is found\n"
	       "there, and the stage the sentence names is used as --stage would be.\n"
	       "Every record has the same keys in every mode (see smtpclass(1), OUTPUT).\n\n",
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
	       "75 soft, 67 hard removing the address (remove-address at medium or high\n"
	       "confidence), 69 other hard, 65 unknown.\n");
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

/* --merge and --addresses imply --summary; summaries are text or JSON. */
static int check_summary_options(struct settings *settings)
{
	if (settings->merge || settings->addresses != 0)
		settings->summary = 1;
	if (!settings->summary)
		return 0;
	if (settings->output.format == FORMAT_TSV || settings->output.format == FORMAT_CSV) {
		fprintf(stderr, "%s: a summary is written as text or json\n", PROGRAM);
		return -1;
	}
	if (settings->reply_count > 0) {
		fprintf(stderr, "%s: --summary reads log files, not -r replies\n", PROGRAM);
		return -1;
	}
	if (settings->merge && settings->addresses != 0) {
		fprintf(stderr, "%s: JSON summaries hold no address lists: use --addresses on logs\n",
		        PROGRAM);
		return -1;
	}
	return 0;
}

/* Reads --since or --until; "now" is read once per run, at the first. */
static int parse_time_bound(int since, const char *text)
{
	static time_t now;
	long long micros;

	if (now == 0)
		now = time(NULL);
	if (time_range_parse(text, now, &micros) != 0) {
		fprintf(stderr,
		        "%s: --%s takes an RFC 3339 date or time, today, yesterday, now or -N[smhd]\n",
		        PROGRAM, since ? "since" : "until");
		return -1;
	}
	if (since) {
		time_range.has_since = 1;
		time_range.since = micros;
	} else {
		time_range.has_until = 1;
		time_range.until = micros;
	}
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
	settings->rule_files = calloc((size_t)argc, sizeof(*settings->rule_files));
	if (settings->replies == NULL || settings->rule_files == NULL) {
		perror(PROGRAM);
		exit(EX_OSERR);
	}
	settings->top = 20;
	while ((option = getopt_long(argc, argv, "r:jehVa", long_options, NULL)) != -1) {
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
		case OPT_RULES:
			settings->rule_files[settings->rule_file_count++] = optarg;
			break;
		case OPT_NO_SITE_RULES:
			settings->no_site_rules = 1;
			break;
		case OPT_EXPLAIN:
			settings->output.explain = 1;
			break;
		case OPT_TAXONOMY:
			settings->output.taxonomy = 1;
			break;
		case OPT_ALL:
			settings->all = 1;
			break;
		case OPT_MTA: {
			int mta = smtpclass_mta_from_name(optarg, strlen(optarg));

			if (mta < 0) {
				fprintf(stderr, "%s: unknown MTA '%s'\n", PROGRAM, optarg);
				return -1;
			}
			settings->forced_mta = (smtpclass_mta)mta;
			break;
		}
		case OPT_YEAR: {
			char *end;
			long year = strtol(optarg, &end, 10);

			if (*end != '\0' || year < 1970 || year > 9999) {
				fprintf(stderr, "%s: --year takes a year such as 2026\n", PROGRAM);
				return -1;
			}
			settings->output.year = (int)year;
			break;
		}
		case OPT_SUMMARY:
			settings->summary = 1;
			break;
		case OPT_TOP: {
			char *end;
			long top = strtol(optarg, &end, 10);

			if (*end != '\0' || end == optarg || top < 0 || top > 1000000) {
				fprintf(stderr, "%s: --top takes a number from 0 (all) to 1000000\n",
				        PROGRAM);
				return -1;
			}
			settings->top = (int)top;
			break;
		}
		case OPT_MERGE:
			settings->merge = 1;
			break;
		case OPT_ADDRESSES:
			if (strcmp(optarg, "remove") != 0 && strcmp(optarg, "soft") != 0) {
				fprintf(stderr, "%s: --addresses takes remove or soft\n", PROGRAM);
				return -1;
			}
			settings->addresses = strcmp(optarg, "remove") == 0 ? 1 : 2;
			break;
		case OPT_RSYSLOG:
			settings->rsyslog = 1;
			break;
		case OPT_MAIL:
			settings->mail = 1;
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (parse_time_bound(option == OPT_SINCE, optarg) != 0)
				return -1;
			break;
		case OPT_HELP:
			print_help();
			exit(finish_output() == 0 ? EX_OK : EX_IOERR);
		case OPT_TEXT:
			settings->text = 1;
			break;
		case OPT_VERSION:
			printf("%s %s\n", PROGRAM, smtpclass_version());
			printf("decompresses: %s\n", input_formats());
			printf("reads mail: %s\n", bounce_library());
			exit(finish_output() == 0 ? EX_OK : EX_IOERR);
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
	if (settings->mail && (settings->reply_count > 0 || settings->rsyslog || settings->merge)) {
		fprintf(stderr, "%s: --mail reads files, Maildirs or standard input\n", PROGRAM);
		return -1;
	}
	if (settings->rsyslog && (settings->reply_count > 0 || optind < argc || settings->summary ||
	                          settings->merge || settings->addresses != 0)) {
		fprintf(stderr, "%s: --rsyslog reads standard input only\n", PROGRAM);
		return -1;
	}
	return check_summary_options(settings);
}

/* Rank of a result for -e: the highest rank seen decides the exit status. */
static int verdict_rank(const smtpclass_result *result)
{
	switch (result->verdict) {
	case SMTPCLASS_VERDICT_SUCCESS:
	case SMTPCLASS_VERDICT_INTERMEDIATE:
		return 0;
	case SMTPCLASS_VERDICT_UNKNOWN:
		return 1;
	case SMTPCLASS_VERDICT_SOFT:
		return 2;
	case SMTPCLASS_VERDICT_HARD:
		return smtpclass_result_removes_address(result) ? 4 : 3;
	}
	return 1;
}

static int rank_exit_status(int rank)
{
	static const int statuses[] = {EX_OK, EX_DATAERR, EX_TEMPFAIL, EX_UNAVAILABLE, EX_NOUSER};

	return statuses[rank];
}

static struct settings *current_settings;

static void flush_output(void)
{
	output_flush(&current_settings->output);
	fflush(stdout);
}

/* The summary being built in summary mode, else NULL. */
static struct summary *summary_report;

static void emit(struct settings *settings, const struct record *record)
{
	int rank = verdict_rank(record->result);

	if (!time_range_keeps(&time_range, record->log != NULL ? record->log->time.ptr : NULL,
	                      record->log != NULL ? record->log->time.len : 0,
	                      summary_report == NULL ? &settings->output.year_guess : NULL))
		return;
	if (summary_report != NULL)
		summary_feed_add(record);
	else
		output_record(&settings->output, record);
	if (settings->line_buffered && summary_report == NULL)
		flush_output();
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

/*
 * Parses and classifies the reply smtpclass_find_reply() found in a text.
 * The stage the wrapper says is used as --stage would be; an explicit
 * --stage wins.  Fills the record's stage and found.
 */
static smtpclass_parse_status classify_text(const struct settings *settings, struct record *record,
                                            const smtpclass_found *found, smtpclass_reply *reply,
                                            smtpclass_result *result)
{
	smtpclass_options options = settings->classify;
	smtpclass_parse_status status;

	if (options.stage == SMTPCLASS_STAGE_UNKNOWN)
		options.stage = found->stage;
	status = smtpclass_parse(found->reply.ptr, found->reply.len, reply);
	smtpclass_classify(reply, &options, result);
	record->stage = options.stage;
	record->found = found;
	return status;
}

static void classify_arguments(struct settings *settings)
{
	for (int i = 0; i < settings->reply_count; i++) {
		const char *text = settings->replies[i];
		smtpclass_found found;
		smtpclass_reply reply;
		smtpclass_result result;
		struct record record = {.source = "arg", .line = (unsigned long long)i + 1,
		                        .reply = &reply, .result = &result};
		smtpclass_parse_status status;

		smtpclass_find_reply(text, strlen(text), &found);
		status = classify_text(settings, &record, &found, &reply, &result);

		if (!is_classifiable(status, &result)) {
			fprintf(stderr, "%s: '%s': not an SMTP reply\n", PROGRAM, text);
			counts.not_a_reply = 1;
			continue;
		}
		emit(settings, &record);
	}
}

/* Largest rules file read: the limit of 100000 rules is about 10 MB, so
 * this bounds memory before the rule count can be checked. */
#define RULES_FILE_MAX (16 * 1024 * 1024)

/* Reads a whole rules file into a growing buffer; returns 0 or -1 (reported). */
static int read_rules_file(const char *path, char **text, size_t *len)
{
	FILE *file = fopen(path, "rb");
	size_t capacity = 0;
	char chunk[65536];
	size_t n;

	if (file == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, path, strerror(errno));
		return EX_NOINPUT;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		if (*len + n + 1 > RULES_FILE_MAX) {
			fprintf(stderr, "%s: %s: rules file larger than 16 MiB\n", PROGRAM, path);
			fclose(file);
			return EX_DATAERR;
		}
		if (*len + n + 2 > capacity) {
			char *bigger;

			capacity = capacity == 0 ? 1 << 20 : capacity * 2;
			while (capacity < *len + n + 2)
				capacity *= 2;
			bigger = realloc(*text, capacity);
			if (bigger == NULL) {
				fprintf(stderr, "%s: %s: out of memory\n", PROGRAM, path);
				fclose(file);
				return EX_OSERR;
			}
			*text = bigger;
		}
		memcpy(*text + *len, chunk, n);
		*len += n;
	}
	if (ferror(file)) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, path, strerror(errno));
		fclose(file);
		return errno == EISDIR ? EX_NOINPUT : EX_IOERR;
	}
	fclose(file);
	return 0;
}

/*
 * Loads every --rules file: each is compiled alone first so that an error
 * names its file and line, then all are compiled together in order.  Any
 * error leaves nothing loaded (exit 65): no half-loaded rule set.
 */
static int load_site_rules(struct settings *settings, smtpclass_rules **rules)
{
	char *all = NULL, error[256];
	size_t all_len = 0, error_line;

	for (int i = 0; i < settings->rule_file_count; i++) {
		const char *path = settings->rule_files[i];
		char *text = NULL;
		size_t len = 0;
		smtpclass_rules *single;

		int status = read_rules_file(path, &text, &len);

		if (status != 0) {
			free(text);
			free(all);
			return status;
		}
		single = smtpclass_rules_compile(text != NULL ? text : "", len, &error_line, error,
		                                 sizeof(error));
		if (single == NULL) {
			if (error_line > 0)
				fprintf(stderr, "%s: %s:%zu: %s\n", PROGRAM, path, error_line, error);
			else
				fprintf(stderr, "%s: %s: %s\n", PROGRAM, path, error);
			free(text);
			free(all);
			return EX_DATAERR;
		}
		smtpclass_rules_free(single);
		if (len > 0) {
			char *bigger = realloc(all, all_len + len + 2);

			if (bigger == NULL) {
				free(text);
				free(all);
				return EX_OSERR;
			}
			all = bigger;
			memcpy(all + all_len, text, len);
			all_len += len;
			all[all_len++] = '\n';
		}
		free(text);
	}
	*rules = smtpclass_rules_compile(all != NULL ? all : "", all_len, &error_line, error,
	                                 sizeof(error));
	free(all);
	if (*rules == NULL) {
		fprintf(stderr, "%s: rules: %s\n", PROGRAM, error);
		return EX_DATAERR;
	}
	return 0;
}

static struct line_reader reader;
static smtpclass_log_state log_state;
/* Room for a normalised reply: a line is at most LINE_CAP bytes. */
static char scratch[LINE_CAP];

/*
 * Summary mode counts a sent record without parsing its reply: the MTA says
 * the message was delivered, log classification makes that a success (with
 * reason delivered and action none for every 2xx reply), the summary keeps
 * nothing else of a success, and sent lines are most of a log.
 */
static smtpclass_reply delivered_reply; /* no code, no text */
static smtpclass_result delivered_result;

/* What any 2xx reply classifies as, taken from the tables in data/ rather
 * than named here. */
static void prepare_delivered_result(const smtpclass_options *options)
{
	smtpclass_reply ok;

	if (smtpclass_parse("250", 3, &ok) == SMTPCLASS_PARSE_OK)
		smtpclass_classify(&ok, options, &delivered_result);
}

/* Classifies one line: a log line with a delivery outcome, or a bare reply
 * (opening with a code, or wrapped in a sentence that carries one). */
static void classify_line(struct settings *settings, const char *name,
                          unsigned long long number, const char *line, size_t len, int cut)
{
	smtpclass_found found;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_log_record log;
	struct record record = {.source = name, .line = number, .reply = &reply,
	                        .result = &result, .cut = cut};
	/* No log format opens like a reply, so a line that does is not scanned
	 * as a log line.  A line without a log header that carries a reply in
	 * a wrapper form is a failure text, not a log line: its wrapper says
	 * the stage, which the generic log dialect (a reply after " said: ")
	 * would not see. */
	int reply_like = smtpclass_opens_reply(line, len);
	int scanned = !reply_like && smtpclass_log_scan(line, len, &log_state, &log) == 1;
	/* the scan read the header already: no second reading per line */
	int wrapped = !reply_like && !smtpclass_log_state_had_header(&log_state) &&
	              smtpclass_find_reply(line, len, &found) == 1 && found.form != NULL;

	if (scanned && !wrapped) {
		if (log.status == SMTPCLASS_STATUS_SENT && !settings->all && !settings->summary) {
			counts.sent_hidden++;
			return;
		}
		if (log.status == SMTPCLASS_STATUS_SENT && settings->summary) {
			record.reply = &delivered_reply;
			record.result = &delivered_result;
			record.stage = log.stage;
		} else {
			smtpclass_log_classify_found(&log, &settings->classify, scratch, sizeof(scratch),
			                             &found, &reply, &result);
			record.stage = found.stage;
			record.found = &found;
		}
		record.log = &log;
		if ((unsigned)log.mta < SMTPCLASS_MTA_COUNT)
			counts.per_mta[log.mta]++;
		emit(settings, &record);
		return;
	}
	/* Else a line that is itself a reply (a file of replies), or that
	 * carries one in a wrapper.  A log line the scanner found no outcome in
	 * stays skipped (Postfix repeats a reply on a line of its own before
	 * the status line that counts), and a code with no wrapper around it
	 * is not guessed at in a file. */
	if (!reply_like && !wrapped) {
		counts.skipped++;
		return;
	}
	if (reply_like)
		smtpclass_find_reply(line, len, &found);
	if (classify_text(settings, &record, &found, &reply, &result) != SMTPCLASS_PARSE_OK) {
		counts.skipped++;
		return;
	}
	emit(settings, &record);
}

static struct journal journal;

/*
 * SIGINT, SIGTERM and SIGHUP end the run as the end of input would: the
 * record being written is finished, a summary is written (marked
 * incomplete), and the signal is raised again at the end so the caller sees
 * it.  The handler only notes the signal and wakes the reading thread if it
 * waits for a pipe (tail -f | smtpclass).
 */
static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t interrupt_wake_fd = -1;

static void on_interrupt(int signal_number)
{
	int saved = errno;

	interrupted = signal_number;
	if (interrupt_wake_fd >= 0 && write(interrupt_wake_fd, "", 1) < 0)
		errno = saved;
	errno = saved;
}

static void catch_interrupts(void)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction action;

	memset(&action, 0, sizeof(action));
	action.sa_handler = on_interrupt;
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &action, NULL);
}

static const char *interruption(int signal_number)
{
	switch (signal_number) {
	case SIGINT:
		return "interrupted by SIGINT";
	case SIGTERM:
		return "interrupted by SIGTERM";
	default:
		return "interrupted by SIGHUP";
	}
}

/* One line of the input: journald's record formats (journalctl -o json,
 * export, verbose) become the syslog lines they hold first. */
static void take_line(struct settings *settings, const char *name, unsigned long long number,
                      const char *line, size_t len, int cut)
{
	for (;;) {
		enum journal_result taken = journal_take(&journal, line, len, number);

		if (taken == JOURNAL_NOT)
			classify_line(settings, name, number, line, len, cut);
		else if (taken == JOURNAL_RECORD)
			classify_line(settings, name, journal.record_line, journal.line, journal.line_len,
			              cut);
		if (!journal.again)
			return;
	}
}

static void classify_stream(struct settings *settings, int fd, const char *name)
{
	const char *line;
	size_t len;
	int cut, got;
	unsigned long long number = 0; /* lines ended by LF, CRLF or a lone CR */
	struct stat info;
	/* Yearless syslog stamps take their year from the file's last write
	 * (now, for a pipe), unless --year. */
	time_t reference = fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? info.st_mtime : time(NULL);

	output_start_input(&settings->output, reference);
	time_range_start_input(&time_range, settings->output.year, reference);
	line_reader_init(&reader, fd, flush_output, 1, settings->text ? INPUT_ACCEPT_BINARY : 0);
	interrupt_wake_fd = line_reader_wake_fd(&reader);
	smtpclass_log_state_init(&log_state, settings->forced_mta);
	journal_init(&journal);
	while ((got = line_reader_next(&reader, &line, &len, &cut)) == 1) {
		const char *cr;

		counts.lines++;
		counts.cut += (unsigned)cut;
		if (reader.seen_cr && len > 0 && line[len - 1] == '\r')
			len--;
		/* A lone CR also ends a line (old Mac files, some pastes). */
		while (reader.seen_cr && (cr = memchr(line, '\r', len)) != NULL) {
			take_line(settings, name, ++number, line, (size_t)(cr - line), cut);
			len -= (size_t)(cr - line) + 1;
			line = cr + 1;
			counts.lines++;
		}
		take_line(settings, name, ++number, line, len, cut);
		/* Not ferror(stdout) per line: with the read-ahead thread stdio
		 * takes a lock for it.  output_flush() looks once per block. */
		if (settings->output.failed || interrupted)
			break;
	}
	interrupt_wake_fd = -1;
	if (journal_finish(&journal) == JOURNAL_RECORD)
		classify_line(settings, name, journal.record_line, journal.line, journal.line_len, 0);
	line_reader_close(&reader);
	if (got < 0 && reader.message != NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, name, reader.message);
		counts.bad_input = 1;
	} else if (got < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, name, strerror(reader.error));
		counts.io_error = 1;
	}
}

static int is_directory(int fd)
{
	struct stat info;

	return fstat(fd, &info) == 0 && S_ISDIR(info.st_mode);
}

static void emit_mail_record(const struct record *record)
{
	emit(current_settings, record);
}

/* One input: messages when it opens like mail (or with --mail), else a log
 * or a file of replies (src/cli/mail/bounce.c decides, mail.h says how). */
/* A wrong input (not a mail log, an unknown format) is noticed: an input
 * of lines that gave no record, no hidden success and nothing outside
 * --since/--until says so, with its name.  before: the counts before it. */
static void hint_no_record(const struct settings *settings, const char *name,
                           const struct counters *before, unsigned long long outside_before)
{
	unsigned long long lines = counts.lines - before->lines;

	if (settings->stats || lines == 0 || counts.records != before->records ||
	    counts.sent_hidden != before->sent_hidden || time_range.outside != outside_before)
		return;
	fprintf(stderr, "%s: %s: 0 of %llu lines were delivery outcomes or replies; see --stats\n",
	        PROGRAM, name, lines);
}

static void classify_input(struct settings *settings, int fd, const char *name)
{
	unsigned flags = settings->text ? INPUT_ACCEPT_BINARY : 0;
	int log_fd = fd;
	struct counters before = counts;
	unsigned long long outside_before = time_range.outside;

	if (bounce_read_fd(fd, name, settings->mail, flags, &log_fd) == 1)
		return;
	classify_stream(settings, log_fd, name);
	bounce_release(fd, log_fd);
	hint_no_record(settings, name, &before, outside_before);
}

/* Whether file a was last written before file b (sub-second where the file
 * system keeps it). */
static int written_before(const struct stat *a, const struct stat *b)
{
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec)
		return a->st_mtim.tv_sec < b->st_mtim.tv_sec;
	return a->st_mtim.tv_nsec < b->st_mtim.tv_nsec;
}

/*
 * The summary and --addresses keep a recipient's latest outcome by time,
 * but remember successes only for recipients that failed before them in
 * the input: a glob lists mail.log before mail.log.1, so a success read
 * first was forgotten and an older failure listed the address.  When
 * every argument is a regular file they are read oldest first by their
 * last write (rotated logs are), a stable insertion sort; otherwise (a
 * pipe, a Maildir, a missing file) in the order given.
 */
static void order_files_by_age(char **files, int count)
{
	struct stat *info = calloc(count > 0 ? (size_t)count : 1, sizeof(*info));

	if (info == NULL)
		return;
	for (int i = 0; i < count; i++) {
		if (stat(files[i], &info[i]) != 0 || !S_ISREG(info[i].st_mode)) {
			free(info);
			return;
		}
	}
	for (int i = 1; i < count; i++) {
		char *file = files[i];
		struct stat file_info = info[i];
		int j = i;

		for (; j > 0 && written_before(&file_info, &info[j - 1]); j--) {
			files[j] = files[j - 1];
			info[j] = info[j - 1];
		}
		files[j] = file;
		info[j] = file_info;
	}
	free(info);
}

static void classify_files(struct settings *settings, int argc, char **argv)
{
	if (optind == argc) {
		classify_input(settings, STDIN_FILENO, "-");
		return;
	}
	if (settings->summary)
		order_files_by_age(argv + optind, argc - optind);
	for (int i = optind; i < argc && !settings->output.failed && !interrupted; i++) {
		int fd;

		if (strcmp(argv[i], "-") == 0) {
			classify_input(settings, STDIN_FILENO, "-");
			continue;
		}
		if (bounce_is_maildir(argv[i])) {
			bounce_read_maildir(argv[i], settings->text ? INPUT_ACCEPT_BINARY : 0);
			continue;
		}
		fd = open(argv[i], O_RDONLY);
		if (fd < 0 || is_directory(fd)) {
			fprintf(stderr, "%s: %s: %s\n", PROGRAM, argv[i],
			        strerror(fd < 0 ? errno : EISDIR));
			counts.open_failed = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		classify_input(settings, fd, argv[i]);
		close(fd);
	}
}

/* Largest JSON summary --merge reads. */
#define SUMMARY_FILE_MAX (256 * 1024 * 1024)

/* A JSON summary given to --merge was not valid (exit 65). */
static int bad_summary;

/* Reads a whole file ("-": standard input); returns 0 or -1 (reported). */
static int read_summary_file(const char *path, char **text, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	size_t size = 0;

	*text = NULL;
	*len = 0;
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, path, strerror(errno));
		counts.open_failed = 1;
		return -1;
	}
	for (;;) {
		ssize_t got;

		if (*len == size) {
			char *bigger;

			size = size == 0 ? 65536 : size * 2;
			bigger = size <= SUMMARY_FILE_MAX ? realloc(*text, size) : NULL;
			if (bigger == NULL) {
				fprintf(stderr, "%s: %s: %s\n", PROGRAM, path,
				        size > SUMMARY_FILE_MAX ? "summary larger than 256 MiB"
				                                : "out of memory");
				counts.io_error = 1;
				break;
			}
			*text = bigger;
		}
		got = read(fd, *text + *len, size - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "%s: %s: %s\n", PROGRAM, path, strerror(errno));
			counts.io_error = 1;
			break;
		}
		if (got == 0) {
			if (fd != STDIN_FILENO)
				close(fd);
			return 0;
		}
		*len += (size_t)got;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

/* --merge: adds up the JSON summaries named on the command line.  A bad
 * one is reported with the byte offset of the problem and left out. */
static void merge_summaries(int argc, char **argv)
{
	char *default_args[] = {"-"};
	char **paths = optind < argc ? argv + optind : default_args;
	int count = optind < argc ? argc - optind : 1;

	for (int i = 0; i < count; i++) {
		char *text, error[256];
		size_t len, offset;

		if (read_summary_file(paths[i], &text, &len) != 0) {
			free(text);
			continue;
		}
		if (summary_merge_json(summary_report, text, len, &offset, error, sizeof(error)) != 0) {
			fprintf(stderr, "%s: %s: byte %zu: %s\n", PROGRAM, paths[i], offset, error);
			bad_summary = 1;
		}
		free(text);
	}
}

/* Columns of the terminal on standard output, or 0 when it is none. */
static int terminal_width(void)
{
	struct winsize size;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0)
		return 0;
	return size.ws_col;
}

static void write_summary(const struct settings *settings)
{
	if (settings->addresses != 0)
		summary_write_addresses(summary_report, stdout, settings->addresses == 2);
	else if (settings->output.format == FORMAT_JSON)
		summary_write_json(summary_report, stdout);
	else
		summary_write_text(summary_report, stdout, terminal_width());
}

/* Flushes stdout; a full disk or other write error is reported (74). */
static int finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* The reader went away (| head with SIGPIPE ignored): end quietly. */
		if (errno == EPIPE)
			return 0;
		fprintf(stderr, "%s: write error: %s\n", PROGRAM, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct settings settings;
	smtpclass_rules *site_rules = NULL;
	int write_failed;

	settings.output.stream = stdout;
	current_settings = &settings;
	if (parse_arguments(argc, argv, &settings) != 0) {
		usage_hint();
		return EX_USAGE;
	}
	/* --rules files first: a rule given for this run wins a tie. */
	if (!settings.no_site_rules &&
	    site_rules_append_directory(SMTPCLASS_SITE_RULES_DIR, &settings.rule_files,
	                                &settings.rule_file_count) != 0) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		return EX_OSERR;
	}
	if (settings.rule_file_count > 0) {
		int status = load_site_rules(&settings, &site_rules);

		if (status != 0)
			return status;
		settings.classify.site_rules = site_rules;
	}
	if (settings.rsyslog) {
		int status = rsyslog_run(&settings.classify, settings.forced_mta);

		smtpclass_rules_free(site_rules);
		return status;
	}
	catch_interrupts();
	if (settings.summary) {
		summary_report = summary_create(settings.top);
		if (summary_report == NULL) {
			fprintf(stderr, "%s: out of memory\n", PROGRAM);
			return EX_OSERR;
		}
	}
	if (settings.header && !settings.summary)
		output_header(&settings.output);
	if (summary_report != NULL && !settings.merge) {
		prepare_delivered_result(&settings.classify);
		summary_feed_start(summary_report);
	}
	bounce_setup(&settings.classify, emit_mail_record, settings.all, settings.summary);
	if (settings.reply_count > 0)
		classify_arguments(&settings);
	else if (settings.merge)
		merge_summaries(argc, argv);
	else
		classify_files(&settings, argc, argv);
	if (summary_report != NULL) {
		summary_feed_finish();
		if (interrupted)
			summary_set_incomplete(summary_report, interruption(interrupted));
		write_summary(&settings);
	}
	output_flush(&settings.output);
	write_failed = finish_output() != 0;
	free(settings.replies);
	free(settings.rule_files);
	smtpclass_rules_free(site_rules);
	summary_free(summary_report);
	counts.io_error |= bounce_counts.io_error;
	counts.bad_input |= bounce_counts.bad_input;
	if (!settings.stats && bounce_counts.messages > 0 && bounce_counts.failures == 0 &&
	    counts.records == 0)
		fprintf(stderr, "%s: 0 of %llu messages were bounces; see --stats\n", PROGRAM,
		        bounce_counts.messages);
	if (settings.stats) {
		fprintf(stderr,
		        "%s: lines %llu, records %llu, skipped %llu, sent not shown %llu, cut %llu\n",
		        PROGRAM, counts.lines, counts.records, counts.skipped, counts.sent_hidden,
		        counts.cut);
		if (bounce_counts.messages > 0)
			fprintf(stderr,
			        "%s: messages %llu, bounces %llu, failed recipients %llu (%llu unnamed), not bounces %llu, "
			        "feedback %llu, auto-replies %llu, recipients not failed %llu, cut %llu, "
			        "unreadable MIME %llu, recipients dropped %llu\n",
			        PROGRAM, bounce_counts.messages, bounce_counts.failures,
			        bounce_counts.recipients, bounce_counts.no_recipient, bounce_counts.not_bounce, bounce_counts.feedback,
			        bounce_counts.autoreply, bounce_counts.not_failed, bounce_counts.cut,
			        bounce_counts.broken, bounce_counts.dropped);
		if (time_range.has_since || time_range.has_until)
			fprintf(stderr, "%s: outside --since/--until %llu, kept without a time %llu\n",
			        PROGRAM, time_range.outside, time_range.untimed);
		for (int mta = 1; mta < SMTPCLASS_MTA_COUNT; mta++)
			if (counts.per_mta[mta] > 0)
				fprintf(stderr, "%s: %s records %llu\n", PROGRAM,
				        smtpclass_mta_name((smtpclass_mta)mta), counts.per_mta[mta]);
	}
	if (interrupted) {
		/* Ended as the signal asked: the caller sees it (status 128 + n). */
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
	if (write_failed || counts.io_error)
		return EX_IOERR;
	if (counts.open_failed)
		return EX_NOINPUT;
	if (counts.not_a_reply || bad_summary || counts.bad_input)
		return EX_DATAERR;
	if (settings.exit_status_mode)
		return rank_exit_status(counts.worst_rank);
	return EX_OK;
}
