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
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "cli.h"
#include "describe.h"
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

struct counters counts;
struct time_range time_range;

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
	static const int statuses[] = {VERDICT_STATUS_NONE, VERDICT_STATUS_UNKNOWN,
	                               VERDICT_STATUS_SOFT, VERDICT_STATUS_HARD,
	                               VERDICT_STATUS_REMOVE_ADDRESS};

	return statuses[rank];
}

static struct settings *current_settings;

/* Called by the line reader before it waits for the next block, and every
 * 250 ms while it waits. */
static void flush_output(void)
{
	output_flush(&current_settings->output);
	fflush(stdout);
	live_report_check(current_settings);
}

struct summary *summary_report;

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

/* Whether --since, --until and --direction keep a record (counted when
 * --direction leaves it out). */
static int record_kept(struct settings *settings, const struct record *record)
{
	if (!time_range_keeps(&time_range, record->log != NULL ? record->log->time.ptr : NULL,
	                      record->log != NULL ? record->log->time.len : 0,
	                      summary_report == NULL ? &settings->output.year_guess : NULL))
		return 0;
	if (!direction_keeps(settings, record)) {
		counts.other_direction++;
		return 0;
	}
	return 1;
}

static void emit(struct settings *settings, const struct record *record)
{
	int rank = verdict_rank(record->result);

	if (!record_kept(settings, record))
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

/* Summary mode: a log record that is no delivery, kept by --since, --until
 * and --direction as emit() keeps records, goes to the counting thread
 * unclassified: the thread classifies it (summaryfeed.c), and the scan,
 * the critical path, does not. */
static void emit_to_classify(struct settings *settings, const smtpclass_log_record *log)
{
	struct record record = {.log = log};

	if (!record_kept(settings, &record))
		return;
	summary_feed_add_log(log);
	counts.records++;
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
		struct record record = {.source = "arg",
		                        .line = (unsigned long long)i + 1,
		                        .reply = &reply,
		                        .result = &result};
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
			fprintf(stderr, "%s: %s: rules file larger than 16 MiB\n", PROGRAM,
			        safe_shown(path));
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
				fprintf(stderr, "%s: %s: out of memory\n", PROGRAM,
				        safe_shown(path));
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
				fprintf(stderr, "%s: %s:%zu: %s\n", PROGRAM, safe_shown(path),
				        error_line, error);
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
static smtpclass_result event_result; /* a connection event's: nothing classified */

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
static void classify_line(struct settings *settings, const char *name, unsigned long long number,
                          const char *line, size_t len, int cut)
{
	smtpclass_found found;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_log_record log;
	struct record record = {
	    .source = name, .line = number, .reply = &reply, .result = &result, .cut = cut};
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

	if (scanned && log.event != SMTPCLASS_EVENT_NONE) {
		/* A connection event, which only the summary watches for: no
		 * reply to classify, and no record of the output. */
		record.reply = &delivered_reply;
		record.result = &event_result;
		record.log = &log;
		if (time_range_keeps(&time_range, log.time.ptr, log.time.len, NULL)) {
			summary_feed_add(&record);
			counts.events++;
		}
		return;
	}
	if (scanned && !wrapped) {
		if (log.status == SMTPCLASS_STATUS_SENT && !settings->all && !settings->summary) {
			counts.sent_hidden++;
			return;
		}
		if (log.status == SMTPCLASS_STATUS_SENT && settings->summary) {
			record.reply = &delivered_reply;
			record.result = &delivered_result;
			record.stage = log.stage;
		} else if (summary_report != NULL) {
			if ((unsigned)log.mta < SMTPCLASS_MTA_COUNT)
				counts.per_mta[log.mta]++;
			emit_to_classify(settings, &log);
			return;
		} else {
			smtpclass_log_classify_found(&log, &settings->classify, scratch,
			                             sizeof(scratch), &found, &reply, &result);
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
			classify_line(settings, name, journal.record_line, journal.line,
			              journal.line_len, cut);
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
	time_t reference =
	    fstat(fd, &info) == 0 && S_ISREG(info.st_mode) ? info.st_mtime : time(NULL);

	output_start_input(&settings->output, reference);
	time_range_start_input(&time_range, settings->output.year, reference);
	line_reader_init(&reader, fd, flush_output, 1, settings->text ? INPUT_ACCEPT_BINARY : 0);
	interrupt_wake_fd = line_reader_wake_fd(&reader);
	smtpclass_log_state_init(&log_state, settings->forced_mta);
	/* the summary's warnings: failed logins, TLS failures, lost sessions */
	smtpclass_log_state_watch_events(&log_state, summary_report != NULL);
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
			live_report_check(settings);
		/* Not ferror(stdout) per line: with the read-ahead thread stdio
		 * takes a lock for it.  output_flush() looks once per block. */
		if (settings->output.failed || interrupted)
			break;
	}
	interrupt_wake_fd = -1;
	if (journal_finish(&journal) == JOURNAL_RECORD)
		classify_line(settings, name, journal.record_line, journal.line, journal.line_len,
		              0);
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
	    counts.other_direction != before->other_direction || counts.events != before->events)
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

			fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(argv[i]),
			        strerror(error));
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
int finish_output(void)
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
	if (options_parse(argc, argv, &settings) != 0) {
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
		summary_feed_classify_with(&settings.classify, verdict_rank);
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
		if (summary_feed_worst_rank() > counts.worst_rank)
			counts.worst_rank = summary_feed_worst_rank();
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
		fprintf(
		    stderr,
		    "%s: lines %llu, records %llu, skipped %llu, sent not shown %llu, cut %llu\n",
		    PROGRAM, counts.lines, counts.records, counts.skipped, counts.sent_hidden,
		    counts.cut);
		if (bounce_counts.messages > 0)
			fprintf(stderr,
			        "%s: messages %llu, bounces %llu, failed recipients %llu (%llu "
			        "unnamed), not bounces %llu, "
			        "feedback %llu, auto-replies %llu, recipients not failed %llu, cut "
			        "%llu, "
			        "unreadable MIME %llu, recipients dropped %llu\n",
			        PROGRAM, bounce_counts.messages, bounce_counts.failures,
			        bounce_counts.recipients, bounce_counts.no_recipient,
			        bounce_counts.not_bounce, bounce_counts.feedback,
			        bounce_counts.autoreply, bounce_counts.not_failed,
			        bounce_counts.cut, bounce_counts.broken, bounce_counts.dropped);
		if (counts.events > 0)
			fprintf(stderr, "%s: connection events %llu (the summary's warnings)\n",
			        PROGRAM, counts.events);
		if (time_range.has_since || time_range.has_until)
			fprintf(stderr,
			        "%s: outside --since/--until %llu, kept without a time %llu\n",
			        PROGRAM, time_range.outside, time_range.untimed);
		if (settings.direction != 0)
			fprintf(stderr, "%s: left out by --direction %llu\n", PROGRAM,
			        counts.other_direction);
		for (int mta = 1; mta < SMTPCLASS_MTA_COUNT; mta++)
			if (counts.per_mta[mta] > 0)
				fprintf(stderr, "%s: %s records %llu\n", PROGRAM,
				        smtpclass_mta_name((smtpclass_mta)mta),
				        counts.per_mta[mta]);
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
