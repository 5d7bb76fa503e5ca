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

/* Writes ,"key":"value" (or "key":"value" when first); NULL values are left out. */
static void write_string(const char *key, const char *value, size_t len, int *first)
{
	if (value == NULL)
		return;
	fputs(*first ? "\"" : ",\"", stdout);
	fputs(key, stdout);
	fputs("\":", stdout);
	output_json_string(stdout, value, len);
	*first = 0;
}

static void write_name(const char *key, const char *name, int *first)
{
	write_string(key, name, name != NULL ? strlen(name) : 0, first);
}

static void write_span(const char *key, smtpclass_span span, int *first)
{
	write_string(key, span.ptr, span.len, first);
}

/* Writes the enrichment of one delivery outcome. */
static void write_outcome(const smtpclass_log_record *record, const smtpclass_reply *reply,
                          const smtpclass_result *result)
{
	int first = 1;

	fputs("{\"$!\":{\"smtp\":{", stdout);
	if (reply->code != 0) {
		printf("\"code\":%d", reply->code);
		first = 0;
	}
	write_span("enhanced", reply->enhanced, &first);
	write_name("verdict", smtpclass_verdict_name(result->verdict), &first);
	write_name("reason", smtpclass_reason_name(result->reason), &first);
	write_name("action", smtpclass_action_name(result->action), &first);
	write_name("confidence", smtpclass_confidence_name(result->confidence), &first);
	write_name("rule", result->rule, &first);
	write_name("status", smtpclass_log_status_name(record->status), &first);
	write_name("mta", smtpclass_mta_name(record->mta), &first);
	write_span("queue_id", record->queue_id, &first);
	write_span("sender", record->sender, &first);
	write_span("recipient", record->recipient, &first);
	write_span("domain", record->domain, &first);
	write_span("relay", record->relay, &first);
	write_name("stage", smtpclass_stage_name(record->stage), &first);
	write_span("dsn", record->dsn, &first);
	fputs("}}}\n", stdout);
}

/* Answers one message: its enrichment, or {} when it reports no outcome. */
static void answer(const char *line, size_t len, const smtpclass_options *options)
{
	smtpclass_log_record record;
	smtpclass_reply reply;
	smtpclass_result result;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	/* The space that separates the syslog tag from the message. */
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (smtpclass_log_scan(line, len, &state, &record) != 1) {
		fputs("{}\n", stdout);
		return;
	}
	smtpclass_log_classify(&record, options, scratch, sizeof(scratch), &reply, &result);
	write_outcome(&record, &reply, &result);
}

int rsyslog_run(const smtpclass_options *options, smtpclass_mta forced_mta)
{
	/* One line in, one answer out: nothing to gain from reading ahead. */
	line_reader_init(&reader, STDIN_FILENO, NULL, 0);
	smtpclass_log_state_init(&state, forced_mta);
	for (;;) {
		const char *line;
		size_t len;
		int cut;
		int got = line_reader_next(&reader, &line, &len, &cut);

		if (got != 1)
			return got < 0 ? EX_IOERR : EX_OK;
		answer(line, len, options);
		if (fflush(stdout) != 0 || ferror(stdout))
			return EX_IOERR;
	}
}
