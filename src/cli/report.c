/*
 * report.c: the summary's reports as the tool writes them: to standard
 * output or to --report-file (replaced whole), as text fitted to a width,
 * JSON or HTML; live, while reading goes on (--interval, SIGUSR1); the
 * address lists; and --merge, which reads summaries back.  The summary
 * itself (src/cli/summary/) does no I/O but writing to the FILE it is given.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "safe.h"
#include "summary.h"
#include "summaryfeed.h"

/* Largest JSON summary --merge reads. */
#define SUMMARY_FILE_MAX (256 * 1024 * 1024)

/* A JSON summary given to --merge was not valid (exit 65). */
int bad_summary;

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
void merge_summaries(int argc, char **argv)
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
				fprintf(stderr, "%s: %s: byte %zu: %s\n", PROGRAM,
				        safe_shown(paths[i]), at + offset, error);
				bad_summary = 1;
			}
			at += n;
			while (at < len && (text[at] == ' ' || text[at] == '\t' ||
			                    text[at] == '\n' || text[at] == '\r'))
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
int terminal_width(void)
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
volatile sig_atomic_t report_asked;
static struct timespec next_report;
int report_failed;

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

void start_live_reports(const struct settings *settings)
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

void live_report_check(const struct settings *settings)
{
	if (summary_report == NULL || settings->merge || settings->addresses != 0 ||
	    !report_due(settings))
		return;
	report_asked = 0;
	if (settings->interval > 0)
		schedule_report(settings);
	summary_feed_sync();
	summary_set_incomplete(summary_report,
	                       "a report while reading goes on (SIGUSR1 or --interval)");
	if (publish_report(settings) != 0)
		report_failed = 1;
	summary_set_incomplete(summary_report, NULL);
}

void write_summary(const struct settings *settings)
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
			fprintf(
			    stderr,
			    "%s: --addresses: the list is incomplete: %llu failed recipients were "
			    "not held (%s)\n",
			    PROGRAM, refused,
			    out_of_memory ? "out of memory"
			                  : "more than " SUMMARY_ADDRESSES_MAX_TEXT
			                    " addresses or 1 GiB of them");
			counts.list_incomplete = 1;
		}
	} else if (publish_report(settings) != 0) {
		report_failed = 1;
	}
}
