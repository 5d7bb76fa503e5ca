/*
 * rsyslog.c: the --rsyslog mode, which enriches mail logs inside rsyslog.
 *
 * rsyslog's mmexternal module starts the program once, with an empty
 * environment, and writes one message per line to its standard input.  With
 * interface.input="msg" (the default) that is the message part only, after
 * the syslog tag and usually with the space that followed the tag:
 *
 *   " 717FD11E06F: to=<a@b.example>, relay=..., dsn=5.1.1, status=bounced (...)"
 *
 * For every line the program must write exactly one JSON object on one line
 * and flush it, or rsyslog waits forever: "{}" leaves the message as it is,
 * and {"$!":{"smtp":{...}}} sets the message variable $!smtp.  rsyslog reads
 * nothing from standard error, so nothing goes there, and end of input means
 * rsyslog is shutting down: the program exits quietly.
 *
 * Keys of $!smtp, in this order: code (a number), enhanced, verdict, reason,
 * action, confidence, rule, status, mta, queue_id, sender, recipient, domain, relay,
 * stage, dsn.  A key whose value is unknown is left out rather than written
 * as null, so that rsyslog filters and templates see only real values.
 * Every delivery outcome is enriched, "status=sent" included; other lines
 * (connections, queue manager chatter, inbound rejects of other programs)
 * get "{}".
 */
#include "rsyslog.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "linereader.h"
#include "output.h"

static struct line_reader reader;
static smtpclass_log_state state;
/* Room for a normalised reply: a line is at most LINE_CAP bytes. */
static char scratch[LINE_CAP];
/* The record writer of every other mode, in its rsyslog form. */
static struct output output = {.format = FORMAT_JSON};

void rsyslog_start(FILE *out, smtpclass_mta forced_mta)
{
	output.stream = out;
	output.failed = 0;
	smtpclass_log_state_init(&state, forced_mta);
}

/* Answers one message: its enrichment, or {} when it reports no outcome. */
void rsyslog_answer(const char *line, size_t len, const smtpclass_options *options)
{
	smtpclass_log_record record;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_found found;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	/* The space that separates the syslog tag from the message. */
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (smtpclass_log_scan(line, len, &state, &record) != 1) {
		fputs("{}\n", output.stream);
		return;
	}
	smtpclass_log_classify_found(&record, options, scratch, sizeof(scratch), &found, &reply,
	                             &result);
	{
		struct record out = {.source = "-",
		                     .reply = &reply,
		                     .result = &result,
		                     .log = &record,
		                     .stage = found.stage,
		                     .found = &found};

		output_rsyslog_record(&output, &out);
		output_flush(&output);
	}
}

int rsyslog_run(const smtpclass_options *options, smtpclass_mta forced_mta)
{
	/* One line in, one answer out: nothing to gain from reading ahead. */
	rsyslog_start(stdout, forced_mta);
	line_reader_init(&reader, STDIN_FILENO, NULL, 0, INPUT_RAW);
	for (;;) {
		const char *line;
		size_t len;
		int cut;
		int got = line_reader_next(&reader, &line, &len, &cut);

		if (got != 1)
			return got < 0 ? EX_IOERR : EX_OK;
		rsyslog_answer(line, len, options);
		if (output.failed || fflush(stdout) != 0 || ferror(stdout))
			return EX_IOERR;
	}
}
