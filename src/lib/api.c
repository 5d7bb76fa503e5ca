/*
 * api.c: the one-call entry points, smtpclass_classify_text() and
 * smtpclass_scan_log_line(), for callers through an FFI.
 *
 * They run the very pipeline of the command (src/cli/main.c:
 * classify_arguments for -r, classify_line for log mode) and copy what it
 * found into a flat, versioned struct of numbers and static strings, so
 * that a ctypes or cffi binding transcribes one struct that only grows at
 * its end, instead of smtpclass_reply's spans and arrays.  The struct is
 * built whole on the stack and copied out up to the caller's size: an
 * older caller's smaller struct is never written past its end.
 */
#include <string.h>

#include "smtpclass.h"

/* The size of version 1: everything up to and including the reply field.
 * A caller's struct must hold at least that much. */
#define FLAT_RESULT_V1_SIZE (offsetof(smtpclass_flat_result, reply) + sizeof(smtpclass_flat_field))

/* The size of version 2: up to and including the delay field. */
#define FLAT_RESULT_V2_SIZE (offsetof(smtpclass_flat_result, delay) + sizeof(smtpclass_flat_field))

/* Room for a log line's reply after normalisation (Exim's \n, qmail's _). */
#define SCAN_SCRATCH_SIZE (16 * 1024)

static int usable(const char *input, size_t len, const smtpclass_flat_result *out)
{
	return out != NULL && out->size >= FLAT_RESULT_V1_SIZE && (input != NULL || len == 0);
}

_Static_assert(SMTPCLASS_FLAT_RESULT_VERSION == 2, "version_for() knows versions 1 and 2");

/* The newest layout that a struct of the caller's size holds whole. */
static unsigned version_for(size_t size)
{
	return size >= FLAT_RESULT_V2_SIZE ? 2 : 1;
}

static void begin(smtpclass_flat_result *full, const smtpclass_flat_result *out)
{
	memset(full, 0, sizeof(*full));
	full->size = out->size;
	full->version = version_for(out->size);
}

/* Copies the part of *full that the caller's struct has room for. */
static void deliver(const smtpclass_flat_result *full, smtpclass_flat_result *out)
{
	size_t size = out->size < sizeof(*full) ? out->size : sizeof(*full);

	memcpy(out, full, size);
}

/* The names and numbers of a parsed and classified reply. */
static void fill_reply(smtpclass_flat_result *full, smtpclass_parse_status status,
                       const smtpclass_reply *reply, const smtpclass_result *result,
                       smtpclass_stage stage)
{
	full->parse_status = (int)status;
	full->code = reply->code;
	full->enhanced_class = reply->enhanced_class;
	full->enhanced_subject = reply->enhanced_subject;
	full->enhanced_detail = reply->enhanced_detail;
	full->reply_flags = reply->flags;
	full->verdict = (int)result->verdict;
	full->reason = result->reason;
	full->action = result->action;
	full->rule_kind = (int)result->rule_kind;
	full->mismatch = result->mismatch;
	full->stage = (int)stage;
	full->verdict_name = smtpclass_verdict_name(result->verdict);
	full->reason_name = smtpclass_reason_name(result->reason);
	full->reason_meaning = smtpclass_reason_meaning(result->reason);
	full->action_name = smtpclass_action_name(result->action);
	full->action_sentence = smtpclass_action_sentence(result->action);
	full->rule = result->rule;
	full->evidence = result->evidence;
	if (reply->code != 0 || reply->enhanced_class != 0) {
		int class_digit =
		    reply->enhanced_class != 0 ? reply->enhanced_class : reply->code / 100;

		full->class_name = smtpclass_class_name(class_digit);
	}
	if (reply->enhanced_class != 0) {
		full->subject_name = smtpclass_subject_name(reply->enhanced_subject);
		full->detail_name =
		    smtpclass_detail_name(reply->enhanced_subject, reply->enhanced_detail);
	}
	full->stage_name = smtpclass_stage_name(stage);
}

/* A span of the scanned line as numbers; absent when it is not in the line. */
static smtpclass_flat_field field_of(smtpclass_span span, const char *line, size_t len)
{
	smtpclass_flat_field field = {0, 0};

	if (span.ptr != NULL && span.ptr >= line && span.len <= len &&
	    (size_t)(span.ptr - line) <= len - span.len) {
		field.offset = (size_t)(span.ptr - line);
		field.length = span.len;
	}
	return field;
}

static void fill_log(smtpclass_flat_result *full, const smtpclass_log_record *record,
                     const char *line, size_t len)
{
	full->mta = (int)record->mta;
	full->log_status = (int)record->status;
	full->mta_name = smtpclass_mta_name(record->mta);
	full->log_status_name = smtpclass_log_status_name(record->status);
	full->time = field_of(record->time, line, len);
	full->host = field_of(record->host, line, len);
	full->queue_id = field_of(record->queue_id, line, len);
	full->sender = field_of(record->sender, line, len);
	full->recipient = field_of(record->recipient, line, len);
	full->domain = field_of(record->domain, line, len);
	full->relay = field_of(record->relay, line, len);
	full->dsn = field_of(record->dsn, line, len);
	full->reply = field_of(record->reply, line, len);
	/* deliver() copies no byte past the caller's size; a version 1
	 * struct is not told of a field it does not have. */
	if (full->version >= 2)
		full->delay = field_of(record->delay, line, len);
}

/* What smtpclass_parse() returned for a reply that smtpclass_log_classify()
 * parsed (it returns the verdict only). */
static smtpclass_parse_status parsed_status(const smtpclass_reply *reply)
{
	if (reply->code != 0 || reply->enhanced_class != 0)
		return SMTPCLASS_PARSE_OK;
	return reply->segment_count > 0 ? SMTPCLASS_PARSE_TEXT_ONLY : SMTPCLASS_PARSE_EMPTY;
}

/* The reply of -r: classifiable when it has a code, or when a rule
 * recognises its words (main.c: is_classifiable). */
static int is_reply(smtpclass_parse_status status, const smtpclass_result *result)
{
	if (status == SMTPCLASS_PARSE_OK)
		return 1;
	return status == SMTPCLASS_PARSE_TEXT_ONLY && result->rule_kind != SMTPCLASS_RULE_NONE;
}

int smtpclass_classify_text(const char *text, size_t len, const smtpclass_options *options,
                            smtpclass_flat_result *out)
{
	smtpclass_flat_result full;
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_parse_status status;
	smtpclass_stage stage = options != NULL ? options->stage : SMTPCLASS_STAGE_UNKNOWN;

	if (!usable(text, len, out))
		return -1;
	if (text == NULL)
		text = "";
	begin(&full, out);
	/* The pipeline of `smtpclass -r`, step for step.  The reply finder
	 * (issue 11) goes here, before the parser, as the one line that narrows
	 * text and len to the reply it finds. */
	status = smtpclass_parse(text, len, &reply);
	smtpclass_classify(&reply, options, &result);
	fill_reply(&full, status, &reply, &result, stage);
	/* The confidence (issue 12) is copied here, one line, into a field
	 * appended to smtpclass_flat_result (version 3). */
	full.found = is_reply(status, &result);
	deliver(&full, out);
	return 0;
}

int smtpclass_scan_log_line(const char *line, size_t len, const smtpclass_options *options,
                            smtpclass_flat_result *out)
{
	smtpclass_flat_result full;
	smtpclass_log_state state;
	smtpclass_log_record record;
	smtpclass_reply reply;
	smtpclass_result result;
	char scratch[SCAN_SCRATCH_SIZE];
	smtpclass_stage stage = options != NULL ? options->stage : SMTPCLASS_STAGE_UNKNOWN;

	if (!usable(line, len, out))
		return -1;
	if (line == NULL)
		line = "";
	begin(&full, out);
	/* The pipeline of log mode (main.c: classify_line): a line that opens
	 * like a reply is a bare reply, any other may be a log line.  The reply
	 * finder and the confidence (issues 11 and 12) go where
	 * smtpclass_classify_text() says. */
	if (smtpclass_opens_reply(line, len)) {
		smtpclass_parse_status status = smtpclass_parse(line, len, &reply);

		smtpclass_classify(&reply, options, &result);
		fill_reply(&full, status, &reply, &result, stage);
		full.found = status == SMTPCLASS_PARSE_OK;
	} else {
		smtpclass_log_state_init(&state, SMTPCLASS_MTA_UNKNOWN);
		if (smtpclass_log_scan(line, len, &state, &record) == 1) {
			smtpclass_log_classify(&record, options, scratch, sizeof(scratch), &reply,
			                       &result);
			if (record.stage != SMTPCLASS_STAGE_UNKNOWN)
				stage = record.stage;
			fill_reply(&full, parsed_status(&reply), &reply, &result, stage);
			fill_log(&full, &record, line, len);
			full.found = 1;
		}
	}
	deliver(&full, out);
	return full.found;
}
