/*
 * cli.h: what the files of the smtpclass command share: the option ids,
 * the settings the options fill (options.c), the counters the run keeps
 * for --stats and the exit status (main.c), and the summary's reports
 * (report.c).
 */
#ifndef SMTPCLASS_CLI_H
#define SMTPCLASS_CLI_H

#include <signal.h>

#include "output.h"
#include "smtpclass.h"
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
	int summary;             /* summary mode */
	int top;                 /* summary lists: top N, 0 all */
	int top_given;           /* --top was given */
	int merge;               /* the files are JSON summaries */
	int addresses;           /* 1: --addresses=remove, 2: --addresses=soft */
	int rsyslog;             /* --rsyslog: mmexternal protocol on stdin and stdout */
	int text;                /* -a: no binary-file check */
	int mail;                /* --mail: every input is messages */
	const char *describe;    /* --describe CODE */
	int list;                /* --list-*: the OPT_LIST_* id */
	int direction;           /* --direction: 0 both, DIRECTION_OUT or DIRECTION_IN */
	int width;               /* --width N, or -1 when not given */
	long interval;           /* --interval in seconds, 0 none */
	const char *report_file; /* --report-file */
};

enum { DIRECTION_OUT = 1, DIRECTION_IN = 2 };

struct counters {
	unsigned long long lines, records, skipped, cut, sent_hidden;
	unsigned long long events;          /* connection events the summary counted (warnings) */
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

/* What the run met, for --stats and the exit status (main.c). */
extern struct counters counts;
/* --since and --until, in every mode (set by options.c). */
extern struct time_range time_range;

/* Parses the command line into settings (zeroed, width -1) and refuses the
 * combinations that would do nothing; --help and --version exit here.
 * Returns 0, or -1 after a message on stderr. */
int options_parse(int argc, char **argv, struct settings *settings);

/* After "FILE: No such file or directory": says why the word was read as a
 * file (an option's value after a space, or a reply given without -r). */
void hint_missing_file(const char *name);

/* "try 'smtpclass --help'" on stderr, after a usage error. */
void usage_hint(void);

/* Flushes stdout; a write error is reported.  Returns 0 or -1. */
int finish_output(void);

/* The summary being built in summary mode, else NULL (main.c). */
extern struct summary *summary_report;

/* report.c.  A --merge input was not a summary (exit 65); a report could
 * not be written (exit 74); SIGUSR1 asked for a live report. */
extern int bad_summary, report_failed;
extern volatile sig_atomic_t report_asked;

/* Columns of the terminal on standard output, or 0 when it is none. */
int terminal_width(void);

/* --merge: adds up the JSON summaries named by argv[optind..argc) (or
 * standard input) into summary_report. */
void merge_summaries(int argc, char **argv);

/* Installs SIGUSR1 and the --interval clock for live reports. */
void start_live_reports(const struct settings *settings);

/* Writes a live report when SIGUSR1 or --interval asked for one. */
void live_report_check(const struct settings *settings);

/* Writes the final report, or the --addresses list. */
void write_summary(const struct settings *settings);

#endif
