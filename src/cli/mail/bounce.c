/*
 * bounce.c: messages in, one record per failed recipient out.
 *
 * An input is read through the decompressing reader (input.c) into a
 * 128 KiB window.  Its first bytes decide (mailbox_detect()): a message,
 * an mbox, or neither, in which case the caller reads it as a log, rewound
 * when it is a file, through a relay pipe when it is a pipe (the bytes
 * already taken cannot be put back).  Messages are assembled into one
 * buffer of MAIL_MESSAGE_MAX bytes (the rest of a longer one is skipped and
 * counted), read by message.c into the store, and written as records.
 *
 * Memory is fixed at the first message: the message buffer (4 MiB), the
 * store (2 MiB), the window and message.c's copy of what GMime is handed
 * (at most 4 MiB, as much touched as the longest message needs); GMime's
 * own allocations for one message are freed before the next.  Peak for any
 * input stays within about 36 MiB on top of the tool's own.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* splice */
#endif
#include "bounce.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "mail.h"
#include "registry.h"
#include "safe.h"

#define PROGRAM "smtpclass"
#define WINDOW  (128 * 1024)

struct bounce_counts bounce_counts;

static const smtpclass_options *classify_options;
static void (*emit_record)(const struct record *record);
static int write_all, summary_mode;

static struct input input;
static char window[WINDOW];
static size_t window_start, window_end;
static int window_eof;

static char *message_bytes;
static size_t message_len;
static int message_cut;
static struct mail_store store;
static struct mail_bounce bounce;

void bounce_setup(const smtpclass_options *options, void (*emit)(const struct record *record),
                  int all, int summary)
{
	classify_options = options;
	emit_record = emit;
	write_all = all;
	summary_mode = summary;
}

int bounce_available(void)
{
	return message_available();
}

const char *bounce_library(void)
{
	return message_library();
}

static int allocate(void)
{
	if (message_bytes != NULL)
		return 0;
	message_bytes = malloc(MAIL_MESSAGE_MAX);
	store.bytes = malloc(MAIL_STORE_SIZE);
	store.size = MAIL_STORE_SIZE;
	if (message_bytes == NULL || store.bytes == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROGRAM);
		exit(71);
	}
	return 0;
}

/* ---- the one way a failure text is classified ---------------------------- */

/*
 * The index in registry_dsn_actions[] of a DSN action (RFC 3464 s2.3.3;
 * data/log-status.tsv, column dsn_actions: "failed" is the reporting MTA
 * giving up on the recipient, bounced; "delayed" a warning while it
 * retries, deferred), or -1.  A recipient whose action is a status of
 * sent is no failure.
 */
static int action_index(smtpclass_span action)
{
	for (size_t i = 0; i < registry_dsn_action_count; i++) {
		size_t n = strlen(registry_dsn_actions[i].action);

		if (action.ptr != NULL && action.len >= n &&
		    strncasecmp(action.ptr, registry_dsn_actions[i].action, n) == 0)
			return (int)i;
	}
	return -1;
}

static int action_failed(int action)
{
	return registry_dsn_actions[action].status != SMTPCLASS_STATUS_SENT;
}

/*
 * Classifies the failure text of one recipient: the one place where a
 * message's failure goes to the library.  The reply finder takes the reply
 * out of the sentence around it ("smtp; host x said: 550 ... (in reply to
 * RCPT TO command)") with the stage the wrapper names; the stage the notice
 * names wins.  The DSN's Status field gives the enhanced code when the
 * reply has none (RFC 3464 s2.3.4: it is this recipient's status).  The
 * verdict is the reply's: a DSN says "failed" for a message the MTA gave up
 * after retrying a temporary failure too, and the address may still be good.
 */
static void classify_failure(smtpclass_span text, smtpclass_span dsn_status, smtpclass_stage stage,
                             smtpclass_found *found, smtpclass_reply *reply,
                             smtpclass_result *result)
{
	smtpclass_options options = *classify_options;

	smtpclass_find_reply(text.ptr != NULL ? text.ptr : "", text.len, found);
	/* --stage, else the notice's, else the wrapper's */
	if (options.stage == SMTPCLASS_STAGE_UNKNOWN)
		options.stage = stage != SMTPCLASS_STAGE_UNKNOWN ? stage : found->stage;
	smtpclass_parse(found->reply.ptr, found->reply.len, reply);
	if (reply->enhanced_class == 0 && dsn_status.ptr != NULL) {
		smtpclass_reply status;

		if (smtpclass_parse(dsn_status.ptr, dsn_status.len, &status) ==
		        SMTPCLASS_PARSE_OK &&
		    status.enhanced_class != 0) {
			reply->enhanced_class = status.enhanced_class;
			reply->enhanced_subject = status.enhanced_subject;
			reply->enhanced_detail = status.enhanced_detail;
			reply->enhanced = status.enhanced;
		}
	}
	smtpclass_classify(reply, &options, result);
	found->stage = options.stage;
}

/* ---- records -------------------------------------------------------------- */

/* The address alone, from "Name <addr>" or "<addr>". */
static smtpclass_span address_only(smtpclass_span s)
{
	const char *open, *close;

	if (s.ptr == NULL)
		return s;
	open = memchr(s.ptr, '<', s.len);
	close = open != NULL ? memchr(open, '>', s.len - (size_t)(open - s.ptr)) : NULL;
	if (open != NULL && close != NULL) {
		s.ptr = open + 1;
		s.len = (size_t)(close - open - 1);
	}
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

static smtpclass_span domain_of(smtpclass_span address)
{
	const char *at = address.ptr != NULL ? memchr(address.ptr, '@', address.len) : NULL;
	smtpclass_span none = {NULL, 0};

	if (at == NULL)
		return none;
	return (smtpclass_span){at + 1, address.len - (size_t)(at + 1 - address.ptr)};
}

static smtpclass_span literal(const char *s)
{
	return (smtpclass_span){s, strlen(s)};
}

static void fill_common(struct record_mail *mail, smtpclass_log_record *log)
{
	memset(log, 0, sizeof(*log));
	memset(mail, 0, sizeof(*mail));
	mail->reporting_mta = bounce.report.reporting_mta;
	mail->message_id = bounce.returned.message_id;
	mail->subject = bounce.returned.subject;
	mail->list_id = bounce.returned.list_id;
	mail->campaign_id = bounce.returned.campaign_id;
	mail->time_unix = -1;
	log->host = bounce.report.reporting_mta;
	log->sender = address_only(bounce.returned.from);
}

static void write_recipient(const char *source, unsigned long long line,
                            const struct mail_recipient *r)
{
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_log_record log;
	smtpclass_found found;
	struct record_mail mail;
	struct record record = {.source = source,
	                        .line = line,
	                        .reply = &reply,
	                        .result = &result,
	                        .log = &log,
	                        .found = &found,
	                        .mail = &mail};
	int action = action_index(r->action);
	smtpclass_span text = r->diagnostic.ptr != NULL ? r->diagnostic : r->status;
	smtpclass_span when = r->last_attempt.ptr != NULL              ? r->last_attempt
	                      : bounce.report.arrival_date.ptr != NULL ? bounce.report.arrival_date
	                                                               : bounce.date;

	if (action >= 0 && !action_failed(action) && !write_all) {
		bounce_counts.not_failed++;
		return;
	}
	fill_common(&mail, &log);
	classify_failure(text, r->status, r->stage, &found, &reply, &result);
	log.status = action >= 0 ? registry_dsn_actions[action].status : SMTPCLASS_STATUS_BOUNCED;
	record.stage = found.stage;
	log.stage = found.stage;
	log.reply = text;
	log.dsn = r->status;
	log.recipient = address_only(r->recipient);
	log.domain = domain_of(log.recipient);
	log.relay = r->remote_mta;
	log.time = when;
	mail.status = r->action.ptr != NULL ? r->action : literal("failed");
	mail.original_recipient = r->original_recipient;
	mail.remote_host = r->remote_mta;
	mail.time_unix = message_date_unix(when.ptr, when.len);
	bounce_counts.recipients++;
	bounce_counts.no_recipient += r->recipient.ptr == NULL;
	emit_record(&record);
}

/* A feedback report or an automatic reply: one record saying so, with no
 * verdict of failure (the classifier gets no reply, so it says unknown). */
static void write_non_failure(const char *source, unsigned long long line, const char *what)
{
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_log_record log;
	struct record_mail mail;
	struct record record = {.source = source,
	                        .line = line,
	                        .reply = &reply,
	                        .result = &result,
	                        .log = &log,
	                        .mail = &mail};

	if (summary_mode)
		return;
	fill_common(&mail, &log);
	smtpclass_parse("", 0, &reply);
	smtpclass_classify(&reply, classify_options, &result);
	log.recipient = address_only(bounce.returned.to);
	log.domain = domain_of(log.recipient);
	log.time = bounce.date;
	mail.status = literal(what);
	mail.time_unix = message_date_unix(bounce.date.ptr, bounce.date.len);
	emit_record(&record);
}

static void process_message(const char *name, unsigned long long number, unsigned long long line,
                            int numbered)
{
	char source[4096];

	if (message_len == 0)
		return;
	if (numbered)
		snprintf(source, sizeof(source), "%s#%llu", name, number);
	else
		snprintf(source, sizeof(source), "%s", name);
	mail_bounce_clear(&bounce);
	store.used = 0;
	store.full = 0;
	message_read(message_bytes, message_len, &store, &bounce);
	bounce_counts.messages++;
	if (message_cut)
		bounce_counts.cut++;
	if (bounce.flags & MAIL_BROKEN)
		bounce_counts.broken++;
	bounce_counts.dropped += bounce.report.dropped;
	switch (bounce.kind) {
	case MAIL_NOT_BOUNCE:
		bounce_counts.not_bounce++;
		break;
	case MAIL_FEEDBACK:
		bounce_counts.feedback++;
		write_non_failure(source, line, "feedback");
		break;
	case MAIL_AUTOREPLY:
		bounce_counts.autoreply++;
		write_non_failure(source, line, "autoreply");
		break;
	case MAIL_FAILURE:
		bounce_counts.failures++;
		for (size_t i = 0; i < bounce.report.count; i++)
			write_recipient(source, line, &bounce.report.recipients[i]);
		break;
	}
}

/* ---- reading ------------------------------------------------------------- */

/* Reads more into the window after what is kept.  Returns 1, 0 at the end,
 * -1 on an error (reported). */
static int refill(const char *name)
{
	ssize_t n;

	if (window_eof)
		return 0;
	if (window_start > 0) {
		memmove(window, window + window_start, window_end - window_start);
		window_end -= window_start;
		window_start = 0;
	}
	if (window_end == WINDOW)
		return 1;
	n = input_read(&input, window + window_end, WINDOW - window_end);
	if (n < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(name),
		        input.message != NULL ? input.message : strerror(errno));
		if (input.message != NULL)
			bounce_counts.bad_input = 1;
		else
			bounce_counts.io_error = 1;
		window_eof = 1;
		return -1;
	}
	if (n == 0) {
		window_eof = 1;
		return 0;
	}
	window_end += (size_t)n;
	return 1;
}

/* The next piece of input: a whole line with its '\n' (*whole set), or the
 * part of a line longer than half the window.  Returns 0 at the end. */
static int next_piece(const char *name, char **piece, size_t *len, int *whole)
{
	for (;;) {
		char *start = window + window_start;
		size_t have = window_end - window_start;
		char *newline = memchr(start, '\n', have);

		if (newline != NULL || (have > 0 && (window_eof || have >= WINDOW / 2))) {
			*piece = start;
			*len = newline != NULL ? (size_t)(newline - start) + 1 : have;
			*whole = newline != NULL || window_eof;
			window_start += *len;
			return 1;
		}
		if (refill(name) <= 0 && window_end == window_start)
			return 0;
	}
}

static void append(const char *bytes, size_t len)
{
	size_t room = MAIL_MESSAGE_MAX - message_len;

	if (len > room) {
		message_cut = 1;
		len = room;
	}
	memcpy(message_bytes + message_len, bytes, len);
	message_len += len;
}

/* Reads the rest of the input: one message, or an mbox. */
static void read_messages(const char *name, int mbox)
{
	char *piece;
	size_t len;
	int whole, line_start = 1, previous_blank = 1;
	unsigned long long line = 1, number = 0, message_line = 1;

	message_len = 0;
	message_cut = 0;
	while (next_piece(name, &piece, &len, &whole)) {
		int blank = line_start && whole &&
		            (len == 1 || (len == 2 && piece[0] == '\r') || (len == 0));

		if (mbox && line_start && previous_blank && mailbox_is_separator(piece, len)) {
			if (number > 0 || message_len > 0)
				process_message(name, number, message_line, 1);
			message_len = 0;
			message_cut = 0;
			number++;
			message_line = line + 1;
		} else {
			if (mbox && line_start)
				len = mailbox_unquote(piece, len);
			append(piece, len);
		}
		previous_blank = blank;
		line_start = whole;
		line += (unsigned long long)whole;
	}
	process_message(name, number, mbox ? message_line : 0, mbox);
}

/* The relay: hands a pipe's first bytes, already taken, and the rest to
 * the log reader through a pipe of its own. */
struct relay {
	pthread_t thread;
	int write_fd;
	int running;
};
static struct relay relay;

static int write_all_bytes(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, bytes, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		bytes += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Once a plain input has handed over what it buffered, the rest goes from
 * its fd to the relay pipe with splice(2), without a copy through user
 * memory.  Returns 0 at the end, -1 when splice cannot be used (the caller
 * copies instead). */
static int splice_rest(void)
{
	if (input.kind != INPUT_PLAIN || input.start != input.end || input.input_eof)
		return -1;
	for (;;) {
		ssize_t n = splice(input.fd, NULL, relay.write_fd, NULL, 1 << 20, SPLICE_F_MOVE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EINVAL ? -1 : 0;
		if (n == 0)
			return 0;
	}
}

static void *relay_bytes(void *arg)
{
	sigset_t pipe_signal;

	(void)arg;
	/* The reader may stop early: a write then fails with EPIPE. */
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
	while (write_all_bytes(relay.write_fd, window + window_start, window_end - window_start) ==
	       0) {
		ssize_t n;

		window_start = window_end = 0;
		if (window_eof || splice_rest() == 0)
			break;
		n = input_read(&input, window, WINDOW);
		if (n <= 0) {
			if (n < 0)
				fprintf(stderr, "%s: -: %s\n", PROGRAM,
				        input.message != NULL ? input.message : strerror(errno));
			break;
		}
		window_end = (size_t)n;
	}
	close(relay.write_fd);
	return NULL;
}

static int start_relay(int *log_fd)
{
	int ends[2];

	if (pipe(ends) != 0)
		return -1;
	relay.write_fd = ends[1];
	/* A pipe holds 64 KiB: the reader's blocks are 128 KiB, so a larger
	 * pipe saves a wake-up per block (best effort: the limit may be lower). */
	(void)fcntl(ends[1], F_SETPIPE_SZ, 1 << 20);
	if (pthread_create(&relay.thread, NULL, relay_bytes, NULL) != 0) {
		close(ends[0]);
		close(ends[1]);
		return -1;
	}
	relay.running = 1;
	*log_fd = ends[0];
	return 0;
}

void bounce_release(int fd, int log_fd)
{
	if (log_fd == fd || !relay.running)
		return;
	close(log_fd);
	pthread_join(relay.thread, NULL);
	relay.running = 0;
	input_close(&input);
}

int bounce_read_fd(int fd, const char *name, int force, unsigned input_flags, int *log_fd)
{
	int kind;

	*log_fd = fd;
	input_init(&input, fd, input_flags);
	window_start = window_end = 0;
	window_eof = 0;
	do {
		if (refill(name) < 0) {
			input_close(&input);
			return 1;
		}
		kind = mailbox_detect(window, window_end, window_eof || window_end == WINDOW);
	} while (kind < 0);
	if (kind == 0 && !force) {
		if (lseek(fd, 0, SEEK_SET) == 0) {
			input_close(&input);
			return 0;
		}
		if (start_relay(log_fd) == 0)
			return 0;
		fprintf(stderr, "%s: %s: %s\n", PROGRAM, safe_shown(name), strerror(errno));
		bounce_counts.io_error = 1;
		input_close(&input);
		return 1;
	}
	if (!bounce_available()) {
		fprintf(stderr,
		        "%s: %s: mail, but message input is not available: this smtpclass "
		        "was built without GMime\n",
		        PROGRAM, safe_shown(name));
		bounce_counts.bad_input = 1;
		input_close(&input);
		return 1;
	}
	allocate();
	read_messages(name, kind == 2);
	input_close(&input);
	return 1;
}

int bounce_is_maildir(const char *path)
{
	static const char *const folders[] = {"cur", "new"};
	char sub[4096];
	struct stat info;

	for (size_t i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, folders[i]);
		if (stat(sub, &info) == 0 && S_ISDIR(info.st_mode))
			return 1;
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one folder of a Maildir: its files in name order (the names
 * start with the delivery time), dot files left out. */
static void read_folder(const char *path, const char *folder, unsigned input_flags)
{
	char directory[4096], file[8192];
	DIR *dir;
	struct dirent *entry;
	char **names = NULL;
	size_t count = 0, capacity = 0;

	snprintf(directory, sizeof(directory), "%s/%s", path, folder);
	dir = opendir(directory);
	if (dir == NULL)
		return;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		if (count == capacity) {
			char **bigger;

			capacity = capacity == 0 ? 256 : capacity * 2;
			bigger = realloc(names, capacity * sizeof(*names));
			if (bigger == NULL)
				break;
			names = bigger;
		}
		names[count] = strdup(entry->d_name);
		if (names[count] != NULL)
			count++;
	}
	closedir(dir);
	if (count > 0)
		qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; i < count; i++) {
		int fd, log_fd;
		struct stat info;

		snprintf(file, sizeof(file), "%s/%s", directory, names[i]);
		fd = open(file, O_RDONLY);
		if (fd < 0 || fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
			if (fd >= 0)
				close(fd);
			free(names[i]);
			continue;
		}
		bounce_read_fd(fd, file, 1, input_flags, &log_fd);
		close(fd);
		free(names[i]);
	}
	free(names);
}

void bounce_read_maildir(const char *path, unsigned input_flags)
{
	if (!bounce_available()) {
		fprintf(stderr,
		        "%s: %s: a Maildir, but message input is not available: this "
		        "smtpclass was built without GMime\n",
		        PROGRAM, safe_shown(path));
		bounce_counts.bad_input = 1;
		return;
	}
	read_folder(path, "new", input_flags);
	read_folder(path, "cur", input_flags);
}
