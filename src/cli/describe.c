/*
 * describe.c: --describe CODE, --list-reasons, --list-actions, --list-mtas.
 *
 * Everything written here comes from the data tables: the registry words
 * through registry.h (generated from data/basic-codes.tsv and
 * data/enhanced-codes.tsv), the classification, reasons, actions and MTAs
 * through the library's API.  A description is the classification of the
 * code as -r would make it, with the words behind each part: the text
 * layout is one "key: value" line each, the JSON one object whose keys are
 * the same words, so that a test can check either against data/.
 */
#include "describe.h"

#include <string.h>
#include <string.h>

#include "output.h"
#include "registry.h"

/* What a description says, each NULL when it does not apply. */
struct description {
	char code[4], enhanced[16];
	const char *basic_class, *basic_meaning, *basic_reference;
	const char *enhanced_class, *subject, *detail, *enhanced_reference;
	const char *verdict, *reason, *reason_meaning, *action, *action_sentence;
	const char *confidence, *rule;
};

static void json_member(FILE *stream, int first, const char *key, const char *value)
{
	fprintf(stream, "%s\"%s\":", first ? "{" : ",", key);
	if (value == NULL)
		fputs("null", stream);
	else
		output_json_string(stream, value, strlen(value));
}

static void write_json(FILE *stream, const struct description *d)
{
	fprintf(stream, "{\"code\":%s", d->code[0] != '\0' ? d->code : "null");
	json_member(stream, 0, "class", d->basic_class);
	json_member(stream, 0, "meaning", d->basic_meaning);
	json_member(stream, 0, "reference", d->basic_reference);
	json_member(stream, 0, "enhanced", d->enhanced[0] != '\0' ? d->enhanced : NULL);
	json_member(stream, 0, "enhanced_class", d->enhanced_class);
	json_member(stream, 0, "subject", d->subject);
	json_member(stream, 0, "detail", d->detail);
	json_member(stream, 0, "enhanced_reference", d->enhanced_reference);
	json_member(stream, 0, "verdict", d->verdict);
	json_member(stream, 0, "reason", d->reason);
	json_member(stream, 0, "reason_meaning", d->reason_meaning);
	json_member(stream, 0, "action", d->action);
	json_member(stream, 0, "action_sentence", d->action_sentence);
	json_member(stream, 0, "confidence", d->confidence);
	json_member(stream, 0, "rule", d->rule);
	fputs("}\n", stream);
}

/* "key: value", the value NULL: the line is left out. */
static void text_line(FILE *stream, const char *key, const char *value)
{
	if (value != NULL)
		fprintf(stream, "%-11s %s\n", key, value);
}

/* A meaning lists the code's uses with " | ": one line each. */
static void text_uses(FILE *stream, const char *key, const char *meaning)
{
	const char *separator;

	while ((separator = strstr(meaning, " | ")) != NULL) {
		fprintf(stream, "%-11s %.*s\n", key, (int)(separator - meaning), meaning);
		key = "";
		meaning = separator + 3;
	}
	text_line(stream, key, meaning);
}

static void write_text(FILE *stream, const struct description *d)
{
	if (d->code[0] != '\0') {
		fprintf(stream, "%-11s %s (%s)\n", "code:", d->code,
		        d->basic_class != NULL ? d->basic_class : "no class");
		text_uses(stream, "meaning:",
		          d->basic_meaning != NULL ? d->basic_meaning : "not a registered code");
		text_line(stream, "reference:", d->basic_reference);
	}
	if (d->enhanced[0] != '\0') {
		fprintf(stream, "%-11s %s (%s)\n", "enhanced:", d->enhanced,
		        d->enhanced_class != NULL ? d->enhanced_class : "no class");
		text_line(stream, "subject:", d->subject != NULL ? d->subject : "not registered");
		text_line(stream, "detail:", d->detail != NULL ? d->detail : "not registered");
		text_line(stream, "reference:", d->enhanced_reference);
	}
	text_line(stream, "verdict:", d->verdict);
	fprintf(stream, "%-11s %s: %s\n", "reason:", d->reason, d->reason_meaning);
	fprintf(stream, "%-11s %s: %s\n", "action:", d->action, d->action_sentence);
	fprintf(stream, "%-11s %s (%s)\n", "confidence:", d->confidence, d->rule);
}

int describe_codes(FILE *stream, const char *text, const smtpclass_options *options, int json)
{
	smtpclass_reply reply;
	smtpclass_result result;
	struct description d;

	if (smtpclass_parse(text, strlen(text), &reply) != SMTPCLASS_PARSE_OK)
		return -1;
	smtpclass_classify(&reply, options, &result);
	memset(&d, 0, sizeof(d));
	if (reply.code != 0) {
		const struct registry_basic *row = registry_find_basic(reply.code);

		snprintf(d.code, sizeof(d.code), "%d", reply.code);
		d.basic_class = smtpclass_class_name(reply.code / 100);
		d.basic_meaning = row != NULL ? row->meaning : NULL;
		d.basic_reference = row != NULL ? row->reference : NULL;
	}
	if (reply.enhanced_class != 0) {
		snprintf(d.enhanced, sizeof(d.enhanced), "%d.%d.%d", reply.enhanced_class,
		         reply.enhanced_subject, reply.enhanced_detail);
		d.enhanced_class = smtpclass_class_name(reply.enhanced_class);
		d.subject = smtpclass_subject_name(reply.enhanced_subject);
		d.detail = smtpclass_detail_name(reply.enhanced_subject, reply.enhanced_detail);
		d.enhanced_reference =
		    registry_enhanced_reference(reply.enhanced_subject, reply.enhanced_detail);
	}
	d.verdict = smtpclass_verdict_name(result.verdict);
	d.reason = smtpclass_reason_name(result.reason);
	d.reason_meaning = smtpclass_reason_meaning(result.reason);
	d.action = smtpclass_action_name(result.action);
	d.action_sentence = smtpclass_action_sentence(result.action);
	d.confidence = smtpclass_confidence_name(result.confidence);
	d.rule = result.rule;
	if (json)
		write_json(stream, &d);
	else
		write_text(stream, &d);
	return 0;
}

/* One entry of a list: "name  words", or {"KEY":"name","WORDS_KEY":"words"}. */
static void list_entry(FILE *stream, int json, const char *key, const char *name,
                       const char *words_key, const char *words)
{
	if (!json && words == NULL)
		fprintf(stream, "%s\n", name);
	else if (!json)
		fprintf(stream, "%-18s %s\n", name, words);
	if (!json)
		return;
	json_member(stream, 1, key, name);
	if (words_key != NULL)
		json_member(stream, 0, words_key, words);
	fputs("}\n", stream);
}

void describe_list_reasons(FILE *stream, int json)
{
	for (int i = 0; i < smtpclass_reason_count(); i++)
		list_entry(stream, json, "reason", smtpclass_reason_name(i), "meaning",
		           smtpclass_reason_meaning(i));
}

void describe_list_actions(FILE *stream, int json)
{
	for (int i = 0; i < smtpclass_action_count(); i++)
		list_entry(stream, json, "action", smtpclass_action_name(i), "sentence",
		           smtpclass_action_sentence(i));
}

void describe_list_mtas(FILE *stream, int json)
{
	for (int mta = 1; mta < SMTPCLASS_MTA_COUNT; mta++)
		list_entry(stream, json, "mta", smtpclass_mta_name((smtpclass_mta)mta), NULL, NULL);
}
