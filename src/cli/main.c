/*
 * main.c: the smtpclass command: options, input, output and exit codes.
 *
 * The library does the parsing and classifying; this file only reads lines
 * (src/cli/linereader.c), writes records (src/cli/output.c) and turns what happened
 * into an exit status from <sysexits.h>.  Options are described once, in
 * the options[] table: getopt_long's table and --help (laid out by help.c)
 * are built from it, and tests check the man page and the completions
 * against --help.  --describe and --list-* (describe.c) read no input.
 *
 * Exit status: errors are sysexits: 64 usage; 65 data (a -r argument is not
 * a reply, a rules file or --merge input is bad, an input is binary or its
 * compressed data corrupt); 66 a file could not be opened (the others are
 * still read); 70 internal error; 71 out of memory; 74 a read or write error;
 * 3 (no sysexits value) an --addresses list lacks some recipients.
 * With -e the worst verdict decides instead, unless an error occurred, with
 * statuses no error uses (enum verdict_status), so that a script tells a
 * broken rules file from an unclassifiable reply.
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
#include "describe.h"
#include "help.h"
#include "journal.h"
#include "linereader.h"
#include "output.h"
#include "rsyslog.h"
#include "safe.h"
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
	OPT_WITH_FILENAME = 'H',
	OPT_QUIET = 'q',
	OPT_FORMAT = 256,
	OPT_HEADER,
	OPT_CSV_RAW,
	OPT_NO_FILENAME,
	OPT_FIELDS,
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
	OPT_DESCRIBE,
	OPT_LIST_REASONS,
	OPT_LIST_ACTIONS,
	OPT_LIST_MTAS,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_DIRECTION,
	OPT_WIDTH,
	OPT_INTERVAL,
	OPT_REPORT_FILE
};

/* The one description of every option, in --help's groups (rows without a
 * name open a group): --help, getopt's table and the messages about options
 * come from it. */
static const struct option_doc options[] = {
    {NULL, 0, 0, NULL, "Input"},
    {"reply", required_argument, OPT_REPLY, "REPLY", "classify REPLY (repeatable) instead of reading files"},
    {"text", no_argument, OPT_TEXT, NULL, "read a file that does not look like text as text (as grep -a)"},
    {"mail", no_argument, OPT_MAIL, NULL, "read every input as mail: one message, an mbox or a Maildir (one record per failed recipient)"},
    {NULL, 0, 0, NULL, "Output"},
    {"format", required_argument, OPT_FORMAT, "FMT", "output format: text (default), json, tsv or csv; html for --summary"},
    {"json", no_argument, OPT_JSON, NULL, "same as --format=json"},
    {"header", no_argument, OPT_HEADER, NULL, "print a header line first (text, tsv and csv)"},
    {"fields", required_argument, OPT_FIELDS, "LIST", "write only these record keys, in this order"},
    {"with-filename", no_argument, OPT_WITH_FILENAME, NULL, "text: FILE:LINE: first (default: 2+ inputs)"},
    {"no-filename", no_argument, OPT_NO_FILENAME, NULL, "text: never write FILE:LINE:"},
    {"quiet", no_argument, OPT_QUIET, NULL, "print nothing; only the exit status (-e)"},
    {"csv-raw", no_argument, OPT_CSV_RAW, NULL, "csv: no ' before cells opening with = + - @"},
    {"color", optional_argument, OPT_COLOR, "WHEN", "colour the text format: auto (default: on a terminal, not with NO_COLOR or TERM=dumb), always or never"},
    {"width", required_argument, OPT_WIDTH, "N", "text: fit lines to N columns (default: COLUMNS or the terminal; summary 100 otherwise; 0 unbounded)"},
    {"explain", no_argument, OPT_EXPLAIN, NULL, "text format: show the rule that decided and its evidence"},
    {"taxonomy", no_argument, OPT_TAXONOMY, NULL, "add SparkPost, PowerMTA and Amazon SES bounce classes (json, tsv, csv)"},
    {"line-buffered", no_argument, OPT_LINE_BUFFERED, NULL, "flush the output after every record"},
    {"stats", no_argument, OPT_STATS, NULL, "print counts of lines, records and skipped lines to stderr"},
    {"direction", required_argument, OPT_DIRECTION, "DIR", "only one side: out (replies other servers sent us) or in (rejects this server sent)"},
    {NULL, 0, 0, NULL, "Classification"},
    {"stage", required_argument, OPT_STAGE, "STAGE", "the command the replies answered: connect, helo, mail, rcpt, data or eod"},
    {"rules", required_argument, OPT_RULES, "FILE", "load site rules from FILE before the built-in ones (repeatable)"},
    {"no-site-rules", no_argument, OPT_NO_SITE_RULES, NULL, "do not read " SMTPCLASS_SITE_RULES_DIR "/*.rules"},
    {"exit-status", no_argument, OPT_EXIT_STATUS, NULL, "exit with a status from the worst verdict (see Exit status)"},
    {NULL, 0, 0, NULL, "Summary"},
    {"summary", no_argument, OPT_SUMMARY, NULL, "one report on all records (sent included) instead of one line each"},
    {"top", required_argument, OPT_TOP, "N", "list the top N domains, hosts and reply groups (default 20, 0 all)"},
    {"merge", no_argument, OPT_MERGE, NULL, "the files are JSON summaries to add up"},
    {"interval", required_argument, OPT_INTERVAL, "TIME", "also write the report so far every TIME (30s, 5m, 1h, 1d; SIGUSR1 writes it at once)"},
    {"report-file", required_argument, OPT_REPORT_FILE, "FILE", "write each report to FILE (replaced whole) instead of standard output"},
    {"addresses", required_argument, OPT_ADDRESSES, "KIND", "print the recipients to remove (remove) or that failed only softly (soft)"},
    {NULL, 0, 0, NULL, "Logs"},
    {"all", no_argument, OPT_ALL, NULL, "print successful deliveries too"},
    {"mta", required_argument, OPT_MTA, "NAME", "read every line as NAME's format (postfix, exim, sendmail, opensmtpd, qmail, exchange, courier, generic)"},
    {"year", required_argument, OPT_YEAR, "YYYY", "the year of syslog timestamps, for time_iso"},
    {"since", required_argument, OPT_SINCE, "TIME", "only records from TIME on (RFC 3339, today, yesterday, -1h, -30m, -2d)"},
    {"until", required_argument, OPT_UNTIL, "TIME", "only records before TIME (same forms as --since)"},
    {"rsyslog", no_argument, OPT_RSYSLOG, NULL, "run as an rsyslog mmexternal plugin: one JSON object per input line"},
    {NULL, 0, 0, NULL, "Miscellaneous"},
    {"describe", required_argument, OPT_DESCRIBE, "CODE", "say what CODE means (a basic code, an enhanced code or both, as '421 4.7.0'), its verdict, reason and action, and exit"},
    {"list-reasons", no_argument, OPT_LIST_REASONS, NULL, "list the reasons and their meanings, and exit"},
    {"list-actions", no_argument, OPT_LIST_ACTIONS, NULL, "list the actions and their sentences, and exit"},
    {"list-mtas", no_argument, OPT_LIST_MTAS, NULL, "list the MTAs whose logs are read (--mta), and exit"},
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
	int top_given; /* --top was given */
	int merge;     /* the files are JSON summaries */
	int addresses; /* 1: --addresses=remove, 2: --addresses=soft */
	int rsyslog;   /* --rsyslog: mmexternal protocol on stdin and stdout */
	int text;      /* -a: no binary-file check */
	int mail;      /* --mail: every input is messages */
	const char *describe; /* --describe CODE */
	int list;      /* --list-*: the OPT_LIST_* id */
	int direction; /* --direction: 0 both, DIRECTION_OUT or DIRECTION_IN */
	int width;     /* --width N, or -1 when not given */
	long interval; /* --interval in seconds, 0 none */
	const char *report_file; /* --report-file */
};

enum { DIRECTION_OUT = 1, DIRECTION_IN = 2 };

struct counters {
	unsigned long long lines, records, skipped, cut, sent_hidden;
	unsigned long long other_direction; /* records left out by --direction */
	unsigned long long per_mta[SMTPCLASS_MTA_COUNT];
	int worst_rank; /* see verdict_rank() */
	int not_a_reply, open_failed, io_error;
	int bad_input; /* an input was binary, or its compressed data corrupt */
	int out_of_memory;
	int list_incomplete; /* --addresses could not hold every failed recipient */
};

/* --addresses wrote a list that lacks some recipients: a status of its own,
 * apart from sysexits and from -e's verdicts, for scripts to test. */
#define EXIT_LIST_INCOMPLETE 3

static struct counters counts;
/* --since and --until, in every mode. */
static struct time_range time_range;

static int finish_output(void);

static void usage_hint(void)
{
	fprintf(stderr, "%s: try '%s --help' for more information\n", PROGRAM, PROGRAM);
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
	help_write_options(stdout, options, OPTION_COUNT);
	printf("\nExit status:\n"
	       "  0   all input processed\n"
	       "  3   --addresses wrote a list that lacks some recipients (past its bound)\n"
	       "  64  usage error\n"
	       "  65  bad data: a -r argument is not a reply, a rules file or --merge input\n"
	       "      is bad, an input is binary or its compressed data corrupt\n"
	       "  66  a file could not be opened (the others are still read)\n"
	       "  70  internal error\n"
	       "  71  out of memory: any list or report written is incomplete\n"
	       "  74  read or write error\n"
	       "With -e, unless an error occurred, the worst verdict decides:\n"
	       "  0   success or intermediate, or no record\n"
	       "  68  unknown\n"
	       "  75  soft\n"
	       "  69  hard\n"
	       "  67  hard, and the address is to be removed (remove-address at medium\n"
	       "      or high confidence)\n");
}

static const struct {
	const char *name;
	enum output_format format;
} formats[] = {{"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"tsv", FORMAT_TSV}, {"csv", FORMAT_CSV},
               {"html", FORMAT_HTML}};

static const char *format_name(enum output_format format)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].format == format)
			return formats[i].name;
	return "text";
}

static int parse_format(const char *name, enum output_format *format)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*format = formats[i].format;
			return 0;
		}
	}
	return -1;
}

/* Colour on a terminal unless NO_COLOR is set (https://no-color.org) or
 * the terminal says it has none (TERM=dumb, as GNU grep and ls read it). */
static int parse_color(const char *when, int *color)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (when == NULL || strcmp(when, "auto") == 0)
		*color = isatty(STDOUT_FILENO) && (no_color == NULL || no_color[0] == '\0') &&
		         (term == NULL || strcmp(term, "dumb") != 0);
	else if (strcmp(when, "always") == 0)
		*color = 1;
	else if (strcmp(when, "never") == 0)
		*color = 0;
	else
		return -1;
	return 0;
}

/* --merge and --addresses imply --summary; summaries are text, JSON or
 * HTML, and HTML is for summaries only. */
static int check_summary_options(struct settings *settings)
{
	if (settings->merge || settings->addresses != 0)
		settings->summary = 1;
	if (!settings->summary && settings->output.format == FORMAT_HTML) {
		fprintf(stderr, "%s: --format=html writes the report of --summary\n", PROGRAM);
		return -1;
	}
	if (!settings->summary)
		return 0;
	if (settings->output.format == FORMAT_TSV || settings->output.format == FORMAT_CSV) {
		fprintf(stderr, "%s: a summary is written as text, json or html\n", PROGRAM);
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

/*
 * Options that would do nothing in this combination are refused, so that
 * nobody believes they had an effect.  Each check names the option and
 * what it is for.
 */
static int refuse_idle_options(const struct settings *settings)
{
	const char *format = format_name(settings->output.format);
	const char *message = NULL;

	if ((settings->describe != NULL || settings->list != 0) &&
	    (settings->output.explain || settings->output.taxonomy || settings->header ||
	     settings->stats || settings->exit_status_mode || settings->all || settings->top_given))
		message = "--describe and --list-* read no input: --explain, --taxonomy, --header, "
		          "--stats, -e, --all and --top do nothing with them";
	else if (settings->rsyslog && settings->summary)
		message = "--rsyslog answers each line rsyslog passes it: it writes no summary";
	else if (settings->rsyslog && (settings->output.explain || settings->output.taxonomy ||
	                               settings->header || settings->all))
		message = "--rsyslog writes rsyslog's JSON only: --explain, --taxonomy, --header and "
		          "--all do nothing with it";
	else if (settings->output.explain && settings->summary)
		message = "--explain shows the evidence for each record: it does nothing with --summary";
	else if (settings->output.taxonomy && settings->summary)
		message = "--taxonomy adds columns to each record: it does nothing with --summary";
	else if (settings->all && settings->summary)
		message = "--summary counts successful deliveries already: --all does nothing with it";
	else if (settings->top_given && !settings->summary)
		message = "--top is for summary mode (--summary)";
	else if ((settings->interval > 0 || settings->report_file != NULL) &&
	         (!settings->summary || settings->merge || settings->addresses != 0))
		message = "--interval and --report-file write the report of --summary (not with --merge "
		          "or --addresses)";
	else if (settings->direction != 0 && settings->merge)
		message = "--direction picks records: --merge adds up summaries, it does nothing with "
		          "it";
	else if (settings->reply_count > 0 && (settings->all || settings->forced_mta != 0))
		message = "--all and --mta are for logs: -r classifies replies";
	if (message != NULL) {
		fprintf(stderr, "%s: %s\n", PROGRAM, message);
		return -1;
	}
	if (settings->output.explain && settings->output.format != FORMAT_TEXT) {
		fprintf(stderr, "%s: --explain is for the text format: it does nothing with --format=%s\n",
		        PROGRAM, format);
		return -1;
	}
	if (settings->output.taxonomy && settings->output.format == FORMAT_TEXT &&
	    !settings->output.explain) {
		fprintf(stderr, "%s: --taxonomy adds columns to json, tsv and csv; the text format "
		        "shows the taxonomy with --explain\n", PROGRAM);
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

/* getopt_long's errors, written as every other message (opterr is 0). */
static void report_option_error(int option, char **argv)
{
	const char *word = argv[optind - 1];
	const struct option_doc *doc = help_find_option(options, OPTION_COUNT, optopt);
	size_t len = strcspn(word, "=");
	/* A short letter's error names the letter, unless the word was its long name. */
	int is_long = strncmp(word, "--", 2) == 0 &&
	              (doc == NULL || optopt == 0 || strncmp(doc->name, word + 2, len - 2) == 0);

	if (option == ':' && is_long && doc != NULL)
		fprintf(stderr, "%s: option --%s needs an argument: --%s=%s\n", PROGRAM, doc->name,
		        doc->name, doc->argument);
	else if (option == ':')
		fprintf(stderr, "%s: option -%c needs an argument\n", PROGRAM, optopt);
	else if (is_long && doc != NULL && optopt != 0)
		fprintf(stderr, "%s: option --%s takes no argument\n", PROGRAM, doc->name);
	else if (is_long)
		fprintf(stderr, "%s: unknown or ambiguous option '%.*s'\n", PROGRAM, (int)len, word);
	else
		fprintf(stderr, "%s: unknown option -%c\n", PROGRAM, optopt);
}

/*
 * "--color always": an optional value must follow '=', so the word after
 * the space is a file name.  When that file does not open, the message
 * says why (see hint_missing_file()).
 */
static const char *value_after_space;

static void note_value_after_space(int argc, char **argv, const char *value)
{
	int ignored;

	if (value == NULL && optind < argc && parse_color(argv[optind], &ignored) == 0)
		value_after_space = argv[optind];
}

/* "X.Y.Z" with a class digit and up to three digits each: an enhanced code. */
static int looks_like_enhanced_code(const char *text)
{
	size_t subject, detail;

	if (text[0] < '2' || text[0] > '5' || text[1] != '.')
		return 0;
	subject = strspn(text + 2, "0123456789");
	if (subject == 0 || subject > 3 || text[2 + subject] != '.')
		return 0;
	detail = strspn(text + 3 + subject, "0123456789");
	return detail > 0 && detail <= 3;
}

/* After "FILE: No such file or directory": why the word was read as a file. */
static void hint_missing_file(const char *name)
{
	if (value_after_space != NULL && strcmp(name, value_after_space) == 0)
		fprintf(stderr, "%s: an option's value goes after '=': --color=%s\n", PROGRAM, name);
	else if (smtpclass_opens_reply(name, strlen(name)) || looks_like_enhanced_code(name))
		fprintf(stderr, "%s: to classify a reply, give it with -r: %s -r '%s'\n", PROGRAM,
		        PROGRAM, name);
}

/* --interval: "90", "30s", "5m", "1h" or "1d" in seconds, or 0 when it is
 * none of those or outside 1 s .. 366 days. */
static long parse_interval(const char *text)
{
	static const struct {
		char suffix;
		long seconds;
	} units[] = {{'\0', 1}, {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char *end;
	long n = strtol(text, &end, 10);

	if (end == text || n <= 0 || (end[0] != '\0' && end[1] != '\0'))
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].suffix)
			return n <= 366L * 86400 / units[i].seconds ? n * units[i].seconds : 0;
	return 0;
}

static int parse_arguments(int argc, char **argv, struct settings *settings)
{
	struct option long_options[OPTION_COUNT + 1];
	const char *color_when = NULL;
	int option;

	size_t long_count = 0;

	memset(long_options, 0, sizeof(long_options));
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (options[i].name == NULL) /* a group title of --help */
			continue;
		long_options[long_count].name = options[i].name;
		long_options[long_count].has_arg = options[i].has_arg;
		long_options[long_count].val = options[i].id;
		long_count++;
	}
	settings->replies = calloc((size_t)argc, sizeof(*settings->replies));
	settings->rule_files = calloc((size_t)argc, sizeof(*settings->rule_files));
	if (settings->replies == NULL || settings->rule_files == NULL) {
		perror(PROGRAM);
		exit(EX_OSERR);
	}
	settings->top = 20;
	settings->output.filenames = -1;
	opterr = 0; /* its messages are report_option_error()'s */
	while ((option = getopt_long(argc, argv, ":r:jehVaHq", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_REPLY:
			settings->replies[settings->reply_count++] = optarg;
			break;
		case OPT_FORMAT:
			if (parse_format(optarg, &settings->output.format) != 0) {
				fprintf(stderr, "%s: unknown format '%s'\n",
				        PROGRAM, safe_shown(optarg));
				return -1;
			}
			break;
		case OPT_JSON:
			settings->output.format = FORMAT_JSON;
			break;
		case OPT_HEADER:
			settings->header = 1;
			break;
		case OPT_CSV_RAW:
			settings->output.csv_raw = 1;
			break;
		case OPT_WITH_FILENAME:
			settings->output.filenames = 1;
			break;
		case OPT_NO_FILENAME:
			settings->output.filenames = 0;
			break;
		case OPT_QUIET:
			settings->output.quiet = 1;
			break;
		case OPT_FIELDS: {
			const char *bad;
			size_t bad_len;

			if (output_set_fields(&settings->output, optarg, &bad, &bad_len) != 0) {
				fprintf(stderr,
				        "%s: --fields: '%.*s' is not a key of the record; the keys:\n",
				        PROGRAM, (int)bad_len, safe_shown(bad));
				output_list_fields(stderr);
				return -1;
			}
			break;
		}
		case OPT_EXIT_STATUS:
			settings->exit_status_mode = 1;
			break;
		case OPT_STAGE: {
			int stage = smtpclass_stage_from_name(optarg, strlen(optarg));

			if (stage < 0) {
				fprintf(stderr, "%s: unknown stage '%s'\n",
				        PROGRAM, safe_shown(optarg));
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
			note_value_after_space(argc, argv, optarg);
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
				fprintf(stderr, "%s: unknown MTA '%s'\n",
				        PROGRAM, safe_shown(optarg));
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
		case OPT_DIRECTION:
			if (strcmp(optarg, "out") == 0) {
				settings->direction = DIRECTION_OUT;
			} else if (strcmp(optarg, "in") == 0) {
				settings->direction = DIRECTION_IN;
			} else {
				fprintf(stderr, "%s: --direction takes in or out\n", PROGRAM);
				return -1;
			}
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
			settings->top_given = 1;
			break;
		}
		case OPT_WIDTH: {
			char *end;
			long width = strtol(optarg, &end, 10);

			if (*end != '\0' || end == optarg || width < 0 || width > 100000) {
				fprintf(stderr, "%s: --width takes a number of columns from 0 (unbounded) to 100000\n",
				        PROGRAM);
				return -1;
			}
			settings->width = (int)width;
			break;
		}
		case OPT_INTERVAL:
			settings->interval = parse_interval(optarg);
			if (settings->interval <= 0) {
				fprintf(stderr, "%s: --interval takes a time: seconds, or a number and s, m, h or d "
				        "(30s, 5m, 1h), from 1 second to 366 days\n", PROGRAM);
				return -1;
			}
			break;
		case OPT_REPORT_FILE:
			settings->report_file = optarg;
			break;
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
		case OPT_DESCRIBE:
			settings->describe = optarg;
			break;
		case OPT_LIST_REASONS:
		case OPT_LIST_ACTIONS:
		case OPT_LIST_MTAS:
			settings->list = option;
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
			report_option_error(option, argv);
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
	if (settings->rsyslog && (settings->reply_count > 0 || optind < argc)) {
		fprintf(stderr, "%s: --rsyslog reads standard input only: no -r and no files\n",
		        PROGRAM);
		return -1;
	}
	if ((settings->describe != NULL || settings->list != 0) &&
	    (settings->reply_count > 0 || optind < argc || settings->summary || settings->rsyslog ||
	     settings->mail || settings->output.format == FORMAT_TSV ||
	     settings->output.format == FORMAT_CSV || (settings->describe && settings->list))) {
		fprintf(stderr, "%s: --describe and --list-* read no input and write text or json, "
		        "one at a time\n", PROGRAM);
		return -1;
	}
	if (check_summary_options(settings) != 0)
		return -1;
	return refuse_idle_options(settings);
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

/*
 * The -e statuses, by rank.  They borrow sysexits values whose names fit
 * (EX_TEMPFAIL for soft, EX_NOUSER for an address to remove, EX_UNAVAILABLE
 * for hard), and none of them is a status an error exits with: unknown is
 * 68, the value of EX_NOHOST, which smtpclass never exits with for an error.
 */
enum verdict_status {
	VERDICT_STATUS_NONE = EX_OK,              /* success, intermediate, no record */
	VERDICT_STATUS_UNKNOWN = 68,              /* a verdict was unknown */
	VERDICT_STATUS_SOFT = EX_TEMPFAIL,        /* 75 */
	VERDICT_STATUS_HARD = EX_UNAVAILABLE,     /* 69 */
	VERDICT_STATUS_REMOVE_ADDRESS = EX_NOUSER /* 67: smtpclass_result_removes_address() */
};

static int rank_exit_status(int rank)
{
	static const int statuses[] = {VERDICT_STATUS_NONE, VERDICT_STATUS_UNKNOWN, VERDICT_STATUS_SOFT,
	                               VERDICT_STATUS_HARD, VERDICT_STATUS_REMOVE_ADDRESS};

	return statuses[rank];
}

static struct settings *current_settings;

static void live_report_check(void);
/* SIGUSR1 asked for a live summary (see live_report_check()). */
static volatile sig_atomic_t report_asked;

/* Called by the line reader before it waits for the next block, and every
 * 250 ms while it waits. */
static void flush_output(void)
{
	output_flush(&current_settings->output);
	fflush(stdout);
	live_report_check();
}

/* The summary being built in summary mode, else NULL. */
static struct summary *summary_report;

/* Whether a record is on the side --direction asks for: inbound records
 * are the rejects this server sent to clients, outbound ones everything
 * else (replies remote servers sent to this server, bounces, -r replies). */
static int direction_keeps(const struct settings *settings, const struct record *record)
{
	int inbound = record->log != NULL && record->log->status == SMTPCLASS_STATUS_REJECTED;

	if (settings->direction == 0)
		return 1;
	return inbound == (settings->direction == DIRECTION_IN);
}

static void emit(struct settings *settings, const struct record *record)
{
	int rank = verdict_rank(record->result);

	if (!time_range_keeps(&time_range, record->log != NULL ? record->log->time.ptr : NULL,
	                      record->log != NULL ? record->log->time.len : 0,
	                      summary_report == NULL ? &settings->output.year_guess : NULL))
		return;
	if (!direction_keeps(settings, record)) {
		counts.other_direction++;
		return;
	}
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
			fprintf(stderr, "%s: '%s': not an SMTP reply\n", PROGRAM, safe_shown(text));
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
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path), strerror(errno));
		return EX_NOINPUT;
	}
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), file);
		if (n == 0 && ferror(file) && errno == EINTR) {
			/* A signal during the read: read on, as the logs do. */
			clearerr(file);
			continue;
		}
		if (n == 0)
			break;
		if (*len + n + 1 > RULES_FILE_MAX) {
			fprintf(stderr, "%s: %s: rules file larger than 16 MiB\n",
			        PROGRAM, safe_shown(path));
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
				fprintf(stderr, "%s: %s: out of memory\n",
				        PROGRAM, safe_shown(path));
				fclose(file);
				return EX_OSERR;
			}
			*text = bigger;
		}
		memcpy(*text + *len, chunk, n);
		*len += n;
	}
	if (ferror(file)) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path), strerror(errno));
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
				fprintf(stderr, "%s: %s:%zu: %s\n",
				        PROGRAM, safe_shown(path), error_line, error);
			else
				fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path), error);
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
		/* the clock once every 1024 lines, the signal's flag every line */
		if (report_asked || (settings->interval > 0 && (counts.lines & 1023) == 0))
			live_report_check();
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
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(name), reader.message);
		counts.bad_input = 1;
	} else if (got < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(name), strerror(reader.error));
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
	    counts.sent_hidden != before->sent_hidden || time_range.outside != outside_before ||
	    counts.other_direction != before->other_direction)
		return;
	fprintf(stderr, "%s: %s: 0 of %llu lines were delivery outcomes or replies; see --stats\n",
	        PROGRAM, safe_shown(name), lines);
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
			int error = fd < 0 ? errno : EISDIR;

			fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(argv[i]), strerror(error));
			if (error == ENOENT)
				hint_missing_file(argv[i]);
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
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path), strerror(errno));
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
				fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path),
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
			fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(path), strerror(errno));
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

/* --merge: adds up the JSON summaries named on the command line, each file
 * (or standard input) one summary or several one after the other, as a
 * loop over hosts writes them.  A bad one is reported with the byte offset
 * of the problem in its file and left out. */
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
		for (size_t at = 0, documents = 0; at < len || documents == 0; documents++) {
			size_t n = summary_document_length(text + at, len - at);

			if (summary_merge_json(summary_report, text + at, n, &offset, error,
			                       sizeof(error)) != 0) {
				fprintf(stderr, "%s: %s: byte %zu: %s\n", PROGRAM, safe_shown(paths[i]),
				        at + offset, error);
				bad_summary = 1;
			}
			at += n;
			while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' ||
			                    text[at] == '\r'))
				at++;
		}
		free(text);
	}
}

/* A width in COLUMNS (as the shell keeps it), or -1. */
static int columns_variable(void)
{
	const char *columns = getenv("COLUMNS");
	char *end;
	long n;

	if (columns == NULL)
		return -1;
	n = strtol(columns, &end, 10);
	return end != columns && *end == '\0' && n > 0 && n < 100000 ? (int)n : -1;
}

/* Columns of the terminal on standard output (COLUMNS when it is set to a
 * number, else the terminal's size), or 0 when standard output is no
 * terminal: a pipe gets record lines whole, for scripts. */
static int terminal_width(void)
{
	struct winsize size;
	int columns;

	if (!isatty(STDOUT_FILENO))
		return 0;
	columns = columns_variable();
	if (columns > 0)
		return columns;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0)
		return 0;
	return size.ws_col;
}

/* Columns of the summary's text report, read by people on a terminal or in
 * the mail of a cron job: --width, else COLUMNS (also without a terminal: a
 * cron job sets it for its mail), else the terminal's, else 100. */
static int report_width(const struct settings *settings)
{
	int width;

	if (settings->width >= 0)
		return settings->width;
	width = columns_variable();
	if (width > 0)
		return width;
	width = terminal_width();
	return width > 0 ? width : 100;
}

/* The report itself, text or JSON, to out. */
static void write_report(const struct settings *settings, FILE *out)
{
	if (settings->output.format == FORMAT_JSON)
		summary_write_json(summary_report, out);
	else if (settings->output.format == FORMAT_HTML)
		summary_write_html(summary_report, out);
	else
		summary_write_text(summary_report, out, report_width(settings));
}

/* Writes the report to standard output, or replaces --report-file whole:
 * written beside it, then renamed over it, so that a reader (a web server,
 * a mailer) never sees half a report.  Returns 0, or -1 (said on stderr). */
static int publish_report(const struct settings *settings)
{
	char temporary[4096];
	FILE *out;
	int n;

	if (settings->report_file == NULL) {
		write_report(settings, stdout);
		fflush(stdout);
		return 0;
	}
	n = snprintf(temporary, sizeof(temporary), "%s.tmp", settings->report_file);
	if (n < 0 || (size_t)n >= sizeof(temporary)) {
		fprintf(stderr, "%s: --report-file: name too long\n", PROGRAM);
		return -1;
	}
	out = fopen(temporary, "w");
	if (out == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(temporary), strerror(errno));
		return -1;
	}
	write_report(settings, out);
	if (ferror(out) | (fclose(out) != 0) || rename(temporary, settings->report_file) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(settings->report_file),
		        strerror(errno));
		remove(temporary);
		return -1;
	}
	return 0;
}

/*
 * Live summaries (tail -f | smtpclass --summary): SIGUSR1, and every
 * --interval, write the report so far, marked incomplete, while reading
 * goes on.  The handler only notes the request; the main thread acts on it
 * between lines, or within 250 ms while it waits for a quiet pipe (the
 * line reader calls flush_output() then).
 */
static struct timespec next_report;
static int report_failed;

static void on_report_signal(int signal_number)
{
	(void)signal_number;
	report_asked = 1;
}

static void schedule_report(const struct settings *settings)
{
	clock_gettime(CLOCK_MONOTONIC, &next_report);
	next_report.tv_sec += settings->interval;
}

static int report_due(const struct settings *settings)
{
	struct timespec now;

	if (report_asked)
		return 1;
	if (settings->interval <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > next_report.tv_sec ||
	       (now.tv_sec == next_report.tv_sec && now.tv_nsec >= next_report.tv_nsec);
}

static void start_live_reports(const struct settings *settings)
{
	struct sigaction action;

	if (summary_report == NULL || settings->merge || settings->addresses != 0)
		return;
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_report_signal;
	action.sa_flags = SA_RESTART; /* a write to a slow pipe is not cut short */
	sigemptyset(&action.sa_mask);
	sigaction(SIGUSR1, &action, NULL);
	if (settings->interval > 0)
		schedule_report(settings);
}

static void live_report_check(void)
{
	const struct settings *settings = current_settings;

	if (summary_report == NULL || settings->merge || settings->addresses != 0 ||
	    !report_due(settings))
		return;
	report_asked = 0;
	if (settings->interval > 0)
		schedule_report(settings);
	summary_feed_sync();
	summary_set_incomplete(summary_report, "a report while reading goes on (SIGUSR1 or --interval)");
	if (publish_report(settings) != 0)
		report_failed = 1;
	summary_set_incomplete(summary_report, NULL);
}

static void write_summary(const struct settings *settings)
{
	int out_of_memory;
	unsigned long long refused = summary_addresses_refused(summary_report, &out_of_memory);

	/* The report still comes out, said to be approximate; the status says
	 * memory ran short. */
	if (out_of_memory)
		counts.out_of_memory = 1;
	if (settings->addresses != 0) {
		size_t left_out = 0;

		if (summary_write_addresses(summary_report, stdout, settings->addresses == 2,
		                            &left_out) != 0)
			counts.out_of_memory = 1;
		if (left_out > 0)
			fprintf(stderr, "%s: %zu address%s left out: not one plain shell word\n",
			        PROGRAM, left_out, left_out == 1 ? "" : "es");
		if (refused > 0) {
			fprintf(stderr,
			        "%s: --addresses: the list is incomplete: %llu failed recipients were "
			        "not held (%s)\n",
			        PROGRAM, refused,
			        out_of_memory ? "out of memory"
			                      : "more than " SUMMARY_ADDRESSES_MAX_TEXT " addresses or 1 GiB of them");
			counts.list_incomplete = 1;
		}
	} else if (publish_report(settings) != 0) {
		report_failed = 1;
	}
}

/* --describe and --list-*: the data tables, no input read. */
static int describe(const struct settings *settings)
{
	int json = settings->output.format == FORMAT_JSON;

	if (settings->list == OPT_LIST_REASONS)
		describe_list_reasons(stdout, json);
	else if (settings->list == OPT_LIST_ACTIONS)
		describe_list_actions(stdout, json);
	else if (settings->list == OPT_LIST_MTAS)
		describe_list_mtas(stdout, json);
	else if (describe_codes(stdout, settings->describe, &settings->classify, json) != 0) {
		fprintf(stderr, "%s: '%s': not an SMTP reply code\n", PROGRAM, settings->describe);
		return EX_DATAERR;
	}
	return finish_output() == 0 ? EX_OK : EX_IOERR;
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
	settings.width = -1;
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
	if (settings.describe != NULL || settings.list != 0) {
		int status = describe(&settings);

		smtpclass_rules_free(site_rules);
		return status;
	}
	if (settings.rsyslog) {
		int status = rsyslog_run(&settings.classify, settings.forced_mta);

		smtpclass_rules_free(site_rules);
		return status;
	}
	catch_interrupts();
	if (settings.summary) {
		struct summary_limits limits = {0};

		/* The address lists are exact up to a large bound; the report's
		 * address counts make do with the default. */
		if (settings.addresses != 0)
			limits.addresses = SUMMARY_ADDRESSES_MAX;
		summary_report = summary_create_limited(settings.top, &limits);
		if (summary_report == NULL) {
			fprintf(stderr, "%s: out of memory\n", PROGRAM);
			return EX_OSERR;
		}
	}
	settings.output.several_inputs = argc - optind > 1;
	settings.output.width = settings.width >= 0 ? settings.width : terminal_width();
	if (settings.header && !settings.summary)
		output_header(&settings.output);
	if (summary_report != NULL && !settings.merge) {
		prepare_delivered_result(&settings.classify);
		summary_feed_start(summary_report);
		start_live_reports(&settings);
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
		/* No summary could be merged: an empty report would read as a
		 * quiet day. */
		if (!settings.output.quiet && (!settings.merge || summary_merged(summary_report)))
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
		if (settings.direction != 0)
			fprintf(stderr, "%s: left out by --direction %llu\n", PROGRAM,
			        counts.other_direction);
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
	if (write_failed || counts.io_error || report_failed)
		return EX_IOERR;
	if (counts.out_of_memory) {
		fprintf(stderr, "%s: out of memory: the output is incomplete\n", PROGRAM);
		return EX_OSERR;
	}
	if (counts.list_incomplete)
		return EXIT_LIST_INCOMPLETE;
	if (counts.open_failed)
		return EX_NOINPUT;
	if (counts.not_a_reply || bad_summary || counts.bad_input)
		return EX_DATAERR;
	if (settings.exit_status_mode)
		return rank_exit_status(counts.worst_rank);
	return EX_OK;
}
