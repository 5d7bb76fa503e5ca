/*
 * options.c: the options of smtpclass, described once.
 *
 * The options[] table is the one description of every option: getopt's
 * table, --help (laid out by help.c) and the messages about options are
 * built from it, and tests check the man page and the completions against
 * --help.  options_parse() fills struct settings (cli.h) and refuses the
 * combinations that would do nothing, so that nobody believes an option
 * had an effect.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounce.h"
#include "cli.h"
#include "help.h"
#include "input.h"
#include "output.h"
#include "safe.h"
#include "smtpclass.h"
#include "summary.h"
#include "timerange.h"

/* The one description of every option, in --help's groups (rows without a
 * name open a group): --help, getopt's table and the messages about options
 * come from it. */
/* clang-format off: one line per option reads as the --help it makes */
static const struct option_doc options[] = {
    {NULL, 0, 0, NULL, "Input"},
    {"reply", required_argument, OPT_REPLY, "REPLY",
     "classify REPLY (repeatable) instead of reading files"},
    {"text", no_argument, OPT_TEXT, NULL,
     "read a file that does not look like text as text (as grep -a)"},
    {"mail", no_argument, OPT_MAIL, NULL,
     "read every input as mail: one message, an mbox or a Maildir (one record per failed "
     "recipient)"},
    {NULL, 0, 0, NULL, "Output"},
    {"format", required_argument, OPT_FORMAT, "FMT",
     "output format: text (default), json, tsv or csv; html for --summary"},
    {"json", no_argument, OPT_JSON, NULL, "same as --format=json"},
    {"header", no_argument, OPT_HEADER, NULL, "print a header line first (text, tsv and csv)"},
    {"fields", required_argument, OPT_FIELDS, "LIST",
     "write only these record keys, in this order"},
    {"with-filename", no_argument, OPT_WITH_FILENAME, NULL,
     "text: FILE:LINE: first (default: 2+ inputs)"},
    {"no-filename", no_argument, OPT_NO_FILENAME, NULL, "text: never write FILE:LINE:"},
    {"quiet", no_argument, OPT_QUIET, NULL, "print nothing; only the exit status (-e)"},
    {"csv-raw", no_argument, OPT_CSV_RAW, NULL, "csv: no ' before cells opening with = + - @"},
    {"color", optional_argument, OPT_COLOR, "WHEN",
     "colour the text format: auto (default: on a terminal, not with NO_COLOR or TERM=dumb), "
     "always or never"},
    {"width", required_argument, OPT_WIDTH, "N",
     "text: fit lines to N columns (default: COLUMNS or the terminal; summary 100 otherwise; 0 "
     "unbounded)"},
    {"explain", no_argument, OPT_EXPLAIN, NULL,
     "text format: show the rule that decided and its evidence"},
    {"taxonomy", no_argument, OPT_TAXONOMY, NULL,
     "add SparkPost, PowerMTA and Amazon SES bounce classes (json, tsv, csv)"},
    {"line-buffered", no_argument, OPT_LINE_BUFFERED, NULL, "flush the output after every record"},
    {"stats", no_argument, OPT_STATS, NULL,
     "print counts of lines, records and skipped lines to stderr"},
    {"direction", required_argument, OPT_DIRECTION, "DIR",
     "only one side: out (replies other servers sent us) or in (rejects this server sent)"},
    {NULL, 0, 0, NULL, "Classification"},
    {"stage", required_argument, OPT_STAGE, "STAGE",
     "the command the replies answered: connect, helo, mail, rcpt, data or eod"},
    {"rules", required_argument, OPT_RULES, "FILE",
     "load site rules from FILE before the built-in ones (repeatable)"},
    {"no-site-rules", no_argument, OPT_NO_SITE_RULES, NULL,
     "do not read " SMTPCLASS_SITE_RULES_DIR "/*.rules"},
    {"exit-status", no_argument, OPT_EXIT_STATUS, NULL,
     "exit with a status from the worst verdict (see Exit status)"},
    {NULL, 0, 0, NULL, "Summary"},
    {"summary", no_argument, OPT_SUMMARY, NULL,
     "one report on all records (sent included) instead of one line each"},
    {"top", required_argument, OPT_TOP, "N",
     "list the top N domains, hosts and reply groups (default 20, 0 all)"},
    {"merge", no_argument, OPT_MERGE, NULL, "the files are JSON summaries to add up"},
    {"interval", required_argument, OPT_INTERVAL, "TIME",
     "also write the report so far every TIME (30s, 5m, 1h, 1d; SIGUSR1 writes it at once)"},
    {"report-file", required_argument, OPT_REPORT_FILE, "FILE",
     "write each report to FILE (replaced whole) instead of standard output"},
    {"addresses", required_argument, OPT_ADDRESSES, "KIND",
     "print the recipients to remove (remove) or that failed only softly (soft)"},
    {NULL, 0, 0, NULL, "Logs"},
    {"all", no_argument, OPT_ALL, NULL, "print successful deliveries too"},
    {"mta", required_argument, OPT_MTA, "NAME",
     "read every line as NAME's format (postfix, exim, sendmail, opensmtpd, qmail, exchange, "
     "courier, generic)"},
    {"year", required_argument, OPT_YEAR, "YYYY", "the year of syslog timestamps, for time_iso"},
    {"since", required_argument, OPT_SINCE, "TIME",
     "only records from TIME on (RFC 3339, today, yesterday, -1h, -30m, -2d)"},
    {"until", required_argument, OPT_UNTIL, "TIME",
     "only records before TIME (same forms as --since)"},
    {"rsyslog", no_argument, OPT_RSYSLOG, NULL,
     "run as an rsyslog mmexternal plugin: one JSON object per input line"},
    {NULL, 0, 0, NULL, "Miscellaneous"},
    {"describe", required_argument, OPT_DESCRIBE, "CODE",
     "say what CODE means (a basic code, an enhanced code or both, as '421 4.7.0'), its verdict, "
     "reason and action, and exit"},
    {"list-reasons", no_argument, OPT_LIST_REASONS, NULL,
     "list the reasons and their meanings, and exit"},
    {"list-actions", no_argument, OPT_LIST_ACTIONS, NULL,
     "list the actions and their sentences, and exit"},
    {"list-mtas", no_argument, OPT_LIST_MTAS, NULL,
     "list the MTAs whose logs are read (--mta), and exit"},
    {"help", no_argument, OPT_HELP, NULL, "show this help and exit"},
    {"version", no_argument, OPT_VERSION, NULL, "show the version and exit"},
};
/* clang-format on */
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

void usage_hint(void)
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
} formats[] = {{"text", FORMAT_TEXT},
               {"json", FORMAT_JSON},
               {"tsv", FORMAT_TSV},
               {"csv", FORMAT_CSV},
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
		fprintf(stderr,
		        "%s: JSON summaries hold no address lists: use --addresses on logs\n",
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
		message =
		    "--rsyslog writes rsyslog's JSON only: --explain, --taxonomy, --header and "
		    "--all do nothing with it";
	else if (settings->output.explain && settings->summary)
		message =
		    "--explain shows the evidence for each record: it does nothing with --summary";
	else if (settings->output.taxonomy && settings->summary)
		message = "--taxonomy adds columns to each record: it does nothing with --summary";
	else if (settings->all && settings->summary)
		message =
		    "--summary counts successful deliveries already: --all does nothing with it";
	else if (settings->top_given && !settings->summary)
		message = "--top is for summary mode (--summary)";
	else if ((settings->interval > 0 || settings->report_file != NULL) &&
	         (!settings->summary || settings->merge || settings->addresses != 0))
		message =
		    "--interval and --report-file write the report of --summary (not with --merge "
		    "or --addresses)";
	else if (settings->direction != 0 && settings->merge)
		message =
		    "--direction picks records: --merge adds up summaries, it does nothing with "
		    "it";
	else if (settings->reply_count > 0 && (settings->all || settings->forced_mta != 0))
		message = "--all and --mta are for logs: -r classifies replies";
	if (message != NULL) {
		fprintf(stderr, "%s: %s\n", PROGRAM, message);
		return -1;
	}
	if (settings->output.explain && settings->output.format != FORMAT_TEXT) {
		fprintf(stderr,
		        "%s: --explain is for the text format: it does nothing with --format=%s\n",
		        PROGRAM, format);
		return -1;
	}
	if (settings->output.taxonomy && settings->output.format == FORMAT_TEXT &&
	    !settings->output.explain) {
		fprintf(stderr,
		        "%s: --taxonomy adds columns to json, tsv and csv; the text format "
		        "shows the taxonomy with --explain\n",
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
		fprintf(
		    stderr,
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
		fprintf(stderr, "%s: unknown or ambiguous option '%.*s'\n", PROGRAM, (int)len,
		        word);
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
void hint_missing_file(const char *name)
{
	if (value_after_space != NULL && strcmp(name, value_after_space) == 0)
		fprintf(stderr, "%s: an option's value goes after '=': --color=%s\n", PROGRAM,
		        name);
	else if (smtpclass_opens_reply(name, strlen(name)) || looks_like_enhanced_code(name))
		fprintf(stderr, "%s: to classify a reply, give it with -r: %s -r '%s'\n", PROGRAM,
		        PROGRAM, name);
}

/* A decimal number from min to max, the whole of text, into *out; 0, or
 * -1 (*out untouched). */
static int parse_bounded(const char *text, long min, long max, int *out)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (end == text || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
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

int options_parse(int argc, char **argv, struct settings *settings)
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
				fprintf(stderr, "%s: unknown format '%s'\n", PROGRAM,
				        safe_shown(optarg));
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
				fprintf(
				    stderr,
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
				fprintf(stderr, "%s: unknown stage '%s'\n", PROGRAM,
				        safe_shown(optarg));
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
				fprintf(stderr, "%s: --color takes auto, always or never\n",
				        PROGRAM);
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
				fprintf(stderr, "%s: unknown MTA '%s'\n", PROGRAM,
				        safe_shown(optarg));
				return -1;
			}
			settings->forced_mta = (smtpclass_mta)mta;
			break;
		}
		case OPT_YEAR:
			if (parse_bounded(optarg, 1970, 9999, &settings->output.year) != 0) {
				fprintf(stderr, "%s: --year takes a year such as 2026\n", PROGRAM);
				return -1;
			}
			break;
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
		case OPT_TOP:
			if (parse_bounded(optarg, 0, 1000000, &settings->top) != 0) {
				fprintf(stderr,
				        "%s: --top takes a number from 0 (all) to 1000000\n",
				        PROGRAM);
				return -1;
			}
			settings->top_given = 1;
			break;
		case OPT_WIDTH:
			if (parse_bounded(optarg, 0, 100000, &settings->width) != 0) {
				fprintf(stderr,
				        "%s: --width takes a number of columns from 0 (unbounded) "
				        "to 100000\n",
				        PROGRAM);
				return -1;
			}
			break;
		case OPT_INTERVAL:
			settings->interval = parse_interval(optarg);
			if (settings->interval <= 0) {
				fprintf(stderr,
				        "%s: --interval takes a time: seconds, or a number and s, "
				        "m, h or d "
				        "(30s, 5m, 1h), from 1 second to 366 days\n",
				        PROGRAM);
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
		fprintf(stderr,
		        "%s: --describe and --list-* read no input and write text or json, "
		        "one at a time\n",
		        PROGRAM);
		return -1;
	}
	if (check_summary_options(settings) != 0)
		return -1;
	return refuse_idle_options(settings);
}
