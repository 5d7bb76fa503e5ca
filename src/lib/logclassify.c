/*
 * logclassify.c: classify a delivery outcome found in a log line.
 *
 * The reply is normalised into the caller's scratch buffer (Exim's literal
 * \n, qmail's underscores), parsed and classified with the stage the MTA
 * logged.  The MTA's own outcome then has the last word on the verdict, as
 * data/log-status.tsv says: a line that says status=deferred is soft even
 * when the reply was a 554 (Postfix defers 5xx greetings), bounced and
 * expired are hard, sent is success.  Where the reply has no code the MTA's
 * dsn= stands in for the enhanced code.  Inbound rejects keep the verdict
 * of the reply they quote; one without a code is hard only when a text rule
 * read its words, never from the status alone.
 * The reply text goes through the same finder as a text given to -r
 * (smtpclass_find_reply()), so a wrapped reply in a log line and the same
 * text on its own give the same code, stage and classification.  The stage
 * the scanner read from the line wins over the one the wrapper says.
 */
#include "classify_internal.h"
#include "tables.h"

#include <string.h>

static smtpclass_verdict verdict_of_status(smtpclass_log_status status)
{
	if ((unsigned)status >= 6)
		return SMTPCLASS_VERDICT_UNKNOWN;
	return (smtpclass_verdict)sc_log_status[status].verdict;
}

/* Takes the MTA's dsn= ("5.1.1") as the enhanced code of a reply without one. */
static void use_dsn(const smtpclass_log_record *record, smtpclass_reply *reply)
{
	smtpclass_reply dsn;

	if (record->dsn.ptr == NULL || reply->enhanced_class != 0 || reply->code != 0)
		return;
	if (smtpclass_parse(record->dsn.ptr, record->dsn.len, &dsn) != SMTPCLASS_PARSE_OK ||
	    dsn.code != 0 || dsn.enhanced_class == 0)
		return;
	reply->enhanced_class = dsn.enhanced_class;
	reply->enhanced_subject = dsn.enhanced_subject;
	reply->enhanced_detail = dsn.enhanced_detail;
	reply->enhanced = dsn.enhanced;
}

smtpclass_verdict smtpclass_log_classify(const smtpclass_log_record *record,
                                         const smtpclass_options *options, char *scratch,
                                         size_t scratch_size, smtpclass_reply *reply,
                                         smtpclass_result *out)
{
	smtpclass_found found;

	return smtpclass_log_classify_found(record, options, scratch, scratch_size, &found, reply,
	                                    out);
}

smtpclass_verdict smtpclass_log_classify_found(const smtpclass_log_record *record,
                                               const smtpclass_options *options, char *scratch,
                                               size_t scratch_size, smtpclass_found *found,
                                               smtpclass_reply *reply, smtpclass_result *out)
{
	smtpclass_options with_stage = {0};
	smtpclass_verdict by_status = verdict_of_status(record->status);
	size_t len = smtpclass_log_reply_normalise(record, scratch, scratch_size);

	if (options != NULL)
		with_stage = *options;
	smtpclass_find_reply(scratch, len, found);
	if (with_stage.stage == SMTPCLASS_STAGE_UNKNOWN)
		with_stage.stage = record->stage;
	if (with_stage.stage == SMTPCLASS_STAGE_UNKNOWN)
		with_stage.stage = found->stage;
	found->stage = with_stage.stage;
	smtpclass_parse(found->reply.ptr, found->reply.len, reply);
	use_dsn(record, reply);
	smtpclass_classify(reply, &with_stage, out);

	if ((unsigned)record->status < 6 && sc_log_status[record->status].reason >= 0) {
		const struct sc_log_status_row *row = &sc_log_status[record->status];

		out->reason = row->reason;
		out->rule_kind = SMTPCLASS_RULE_EXCEPTION;
		/* The reply, when there is one, is the last deferral's of the
		 * queue id (the scanner's memory): the rule says so. */
		out->rule = record->reply.len > 0 ? row->rule_with_reply : row->rule;
		out->evidence = NULL;
		sc_set_evidence(out, SC_EVIDENCE_EXCEPTION);
	}
	if (by_status == SMTPCLASS_VERDICT_UNKNOWN) {
		/* A reply without a code whose words a rule read: the status's
		 * bare verdict (an inbound reject is final).  Words nothing reads
		 * stay unknown: the status alone says nothing about permanence. */
		int read = out->rule_kind == SMTPCLASS_RULE_TEXT ||
		           out->rule_kind == SMTPCLASS_RULE_PROVIDER;

		if (out->verdict != SMTPCLASS_VERDICT_UNKNOWN || !read ||
		    (unsigned)record->status >= 6 ||
		    sc_log_status[record->status].bare_verdict == 0)
			return out->verdict;
		by_status = (smtpclass_verdict)sc_log_status[record->status].bare_verdict;
	}
	if (by_status != out->verdict) {
		const struct sc_class_row *class_row = sc_class_of_verdict(by_status);
		int was_default = out->action == sc_default_action(out->verdict, out->reason);
		int fixed_action = class_row != NULL && class_row->fixed_action >= 0;

		out->verdict = by_status;
		/* The class of the status's verdict may fix reason and action, as
		 * for a reply (data/classes.tsv: sent is delivered, nothing to do);
		 * else an action that was the old verdict's default follows it. */
		if (class_row != NULL && class_row->fixed_reason >= 0)
			out->reason = class_row->fixed_reason;
		if (fixed_action || was_default)
			out->action = sc_default_action(by_status, out->reason);
		out->action = sc_coherent_action(out->verdict, out->reason, out->action);
	}
	return out->verdict;
}
