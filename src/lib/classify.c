/*
 * classify.c: verdict, reason and action of a parsed reply.
 *
 * The verdict comes from the class digit (data/classes.tsv): the basic
 * code's first digit when there is one (RFC 5321 s4.2), else the enhanced
 * code's class.  When the two disagree the basic code decides and the
 * result says mismatch.  The only departures are rows of data/exceptions.tsv
 * (each citing its standard) and text rules that carry a cited verdict
 * override.
 *
 * Reason and action come from the most specific evidence, in this order of
 * precedence (strongest first):
 *   provider rule > text rule > exception > enhanced code detail >
 *   enhanced subject (unknown detail) > basic code > class digit.
 * X.0.0 says nothing beyond the class, so a basic code decides over it.
 * When the stage is known, data/stage-reasons.tsv may then rename the reason
 * of a failure (userunknown after DATA is a filter speaking: filtered; at
 * MAIL FROM it is the sender: rejected; at the greeting or HELO it is the
 * sending host: blocked).
 * Every result names the rule that decided it, e.g. "enhanced X.1.1", and
 * carries a confidence: the level data/confidence.tsv gives the kind of
 * evidence that decided (a text rule and a specific enhanced code that agree
 * is stronger than either alone; a basic code alone is weak).  Removing an
 * address needs the level data/actions.tsv names (smtpclass_result_removes_address).
 * The class of the verdict says whether text rules and stage renames may
 * explain a failure, and may fix the reason and action of every result (a
 * 2xx is delivered with nothing to do, a 3xx goes on, whatever its words).
 * Last, the action must go with the verdict (data/verdict-actions.tsv): a
 * pair the table does not allow falls back to the reason's default action,
 * which the generator has checked is allowed.
 */
#include "classify_internal.h"
#include "tables.h"

#include <stdlib.h>
#include <string.h>

const char *smtpclass_version(void)
{
	return SMTPCLASS_VERSION_STRING;
}

unsigned smtpclass_version_number(void)
{
	return SMTPCLASS_VERSION_NUMBER;
}

static const char *const verdict_names[] = {"unknown", "success", "intermediate", "soft", "hard"};

const char *smtpclass_verdict_name(smtpclass_verdict verdict)
{
	if ((unsigned)verdict >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "unknown";
	return verdict_names[verdict];
}

static const char *const stage_names[] = {NULL, "connect", "helo", "mail", "rcpt", "data", "eod"};

const char *smtpclass_stage_name(smtpclass_stage stage)
{
	if ((unsigned)stage >= sizeof(stage_names) / sizeof(stage_names[0]))
		return NULL;
	return stage_names[stage];
}

int smtpclass_stage_from_name(const char *name, size_t len)
{
	for (int i = 1; i < (int)(sizeof(stage_names) / sizeof(stage_names[0])); i++)
		if (strlen(stage_names[i]) == len && memcmp(stage_names[i], name, len) == 0)
			return i;
	return -1;
}

int smtpclass_reason_count(void)
{
	return SC_REASON_COUNT;
}

const char *smtpclass_reason_name(int reason)
{
	return reason >= 0 && reason < SC_REASON_COUNT ? sc_reasons[reason].name : NULL;
}

const char *smtpclass_reason_meaning(int reason)
{
	return reason >= 0 && reason < SC_REASON_COUNT ? sc_reasons[reason].meaning : NULL;
}

int smtpclass_reason_from_name(const char *name, size_t len)
{
	for (int i = 0; i < SC_REASON_COUNT; i++)
		if (strlen(sc_reasons[i].name) == len && memcmp(sc_reasons[i].name, name, len) == 0)
			return i;
	return -1;
}

int smtpclass_action_count(void)
{
	return SC_ACTION_COUNT;
}

const char *smtpclass_action_name(int action)
{
	return action >= 0 && action < SC_ACTION_COUNT ? sc_actions[action].name : NULL;
}

const char *smtpclass_action_sentence(int action)
{
	return action >= 0 && action < SC_ACTION_COUNT ? sc_actions[action].sentence : NULL;
}

int smtpclass_action_from_name(const char *name, size_t len)
{
	for (int i = 0; i < SC_ACTION_COUNT; i++)
		if (strlen(sc_actions[i].name) == len && memcmp(sc_actions[i].name, name, len) == 0)
			return i;
	return -1;
}

static const char *const confidence_names[] = {NULL, "low", "medium", "high"};

const char *smtpclass_confidence_name(smtpclass_confidence confidence)
{
	if ((unsigned)confidence >= sizeof(confidence_names) / sizeof(confidence_names[0]))
		return NULL;
	return confidence_names[confidence];
}

int smtpclass_result_removes_address(const smtpclass_result *result)
{
	int needs;

	if (result->action < 0 || result->action >= SC_ACTION_COUNT)
		return 0;
	needs = sc_actions[result->action].removes_at;
	return needs > 0 && (int)result->confidence >= needs;
}

void smtpclass_result_taxonomy(const smtpclass_result *result, smtpclass_taxonomy *out)
{
	const struct sc_taxonomy_row *row = NULL;

	memset(out, 0, sizeof(*out));
	if (result->verdict == SMTPCLASS_VERDICT_UNKNOWN)
		row = &sc_taxonomy_unknown;
	else if ((result->verdict == SMTPCLASS_VERDICT_HARD ||
	          result->verdict == SMTPCLASS_VERDICT_SOFT) &&
	         result->reason >= 0 && result->reason < SC_REASON_COUNT)
		row = &sc_taxonomy[result->reason][result->verdict == SMTPCLASS_VERDICT_SOFT];
	if (row == NULL)
		return;
	out->bounce_class = row->bounce_class;
	out->powermta_category = row->powermta_category;
	out->ses_bounce_type = row->ses_bounce_type;
	out->ses_bounce_subtype = row->ses_bounce_subtype;
}

static int compare_enhanced_key(const void *key, const void *element)
{
	const int *wanted = key;
	const struct sc_enhanced_row *row = element;

	if (wanted[0] != row->subject)
		return wanted[0] < row->subject ? -1 : 1;
	if (wanted[1] != row->detail)
		return wanted[1] < row->detail ? -1 : 1;
	return 0;
}

const struct sc_enhanced_row *sc_find_enhanced(int subject, int detail)
{
	int key[2] = {subject, detail};

	return bsearch(key, sc_enhanced, (size_t)sc_enhanced_count, sizeof(sc_enhanced[0]),
	               compare_enhanced_key);
}

static int compare_basic_key(const void *key, const void *element)
{
	int wanted = *(const int *)key, code = ((const struct sc_basic_row *)element)->code;

	return wanted < code ? -1 : wanted > code;
}

const struct sc_basic_row *sc_find_basic(int code)
{
	return bsearch(&code, sc_basic, (size_t)sc_basic_count, sizeof(sc_basic[0]),
	               compare_basic_key);
}

const struct sc_class_row *sc_class_of_digit(int digit)
{
	if (digit < 0 || digit > 9)
		return NULL;
	return sc_class_by_digit[digit];
}

const struct sc_class_row *sc_class_of_verdict(smtpclass_verdict verdict)
{
	if ((unsigned)verdict >= 5)
		return NULL;
	return sc_class_by_verdict[verdict];
}

/*
 * Whether text rules and stage renames may say why a result failed: a class
 * that did not fail keeps the reason its code gave (data/classes.tsv).  A
 * result without a class (no code, and no rule that gave a verdict) is a
 * failure of unknown kind, and its words are all there is to read.
 */
static int explains_failure(smtpclass_verdict verdict)
{
	const struct sc_class_row *class_row = sc_class_of_verdict(verdict);

	return class_row == NULL || class_row->explain_failure;
}

/* The first exception row that applies to the reply, or NULL. */
static const struct sc_exception_row *find_exception(const smtpclass_reply *reply,
                                                     smtpclass_stage stage)
{
	for (int i = 0; i < sc_exception_count; i++) {
		const struct sc_exception_row *row = &sc_exceptions[i];

		if (row->code != reply->code || (!row->any_stage && row->stage != stage))
			continue;
		if (row->subject == -1 && reply->enhanced_class != 0)
			continue;
		if (row->subject >= 0 &&
		    (reply->enhanced_class == 0 || row->subject != reply->enhanced_subject ||
		     row->detail != reply->enhanced_detail))
			continue;
		return row;
	}
	return NULL;
}

/* Fills reason, action (or -1) and rule from the code tables. */
static void classify_digits(const smtpclass_reply *reply, smtpclass_stage stage,
                            smtpclass_result *out, int *action)
{
	const struct sc_exception_row *exception = find_exception(reply, stage);
	int has_enhanced = reply->enhanced_class != 0;
	const struct sc_class_row *class_row =
	    sc_class_of_digit(reply->code != 0 ? reply->code / 100 : reply->enhanced_class);

	if (exception != NULL) {
		out->verdict = exception->verdict;
		out->reason = exception->reason;
		*action = exception->action;
		out->rule_kind = SMTPCLASS_RULE_EXCEPTION;
		out->rule = exception->rule;
		return;
	}
	if (has_enhanced && (reply->enhanced_subject != 0 || reply->enhanced_detail != 0)) {
		const struct sc_enhanced_row *row =
		    sc_find_enhanced(reply->enhanced_subject, reply->enhanced_detail);

		if (row != NULL) {
			out->reason = row->reason;
			*action = row->action;
			out->rule_kind = SMTPCLASS_RULE_ENHANCED;
			out->rule = row->rule;
			return;
		}
		row = sc_find_enhanced(reply->enhanced_subject, 0);
		if (row != NULL && (reply->enhanced_subject != 0 || reply->code == 0)) {
			out->reason = row->reason;
			*action = row->action;
			out->rule_kind = SMTPCLASS_RULE_SUBJECT;
			out->rule = row->subject_rule;
			return;
		}
	}
	if (reply->code != 0) {
		const struct sc_basic_row *row = sc_find_basic(reply->code);

		if (row != NULL) {
			out->reason = row->reason;
			*action = row->action;
			out->rule_kind = SMTPCLASS_RULE_BASIC;
			out->rule = row->rule;
			return;
		}
	} else if (has_enhanced) {
		const struct sc_enhanced_row *row = sc_find_enhanced(0, 0);

		if (row != NULL && reply->enhanced_subject == 0 && reply->enhanced_detail == 0) {
			out->reason = row->reason;
			*action = row->action;
			out->rule_kind = SMTPCLASS_RULE_ENHANCED;
			out->rule = row->rule;
			return;
		}
	}
	if (class_row != NULL) {
		out->reason = class_row->reason;
		out->rule_kind = SMTPCLASS_RULE_CLASS;
		out->rule = class_row->rule;
	}
}

int sc_default_action(smtpclass_verdict verdict, int reason)
{
	const struct sc_class_row *class_row = sc_class_of_verdict(verdict);

	if (class_row != NULL && class_row->fixed_action >= 0)
		return class_row->fixed_action;
	/* data/reasons.tsv: the soft action for soft, the hard one otherwise */
	return verdict == SMTPCLASS_VERDICT_SOFT ? sc_reasons[reason].soft_action
	                                         : sc_reasons[reason].hard_action;
}

/*
 * Removing an address is the one action that cannot be undone, so it needs
 * the words and the digits to agree: when a text rule says remove-address
 * but a specific enhanced code (a registered X.s.d with d > 0) gave another
 * reason and action, the code's action stands ("550 5.2.1 ... User Unknown":
 * Sendmail's generic label on a disabled mailbox).
 */
static void keep_address_on_conflict(const smtpclass_reply *reply, smtpclass_result *out,
                                     int *action, smtpclass_rule_kind digits_kind,
                                     int digits_reason, int digits_action)
{
	int text_action, code_action;

	/* Provider rules stand: providers document their reuse of registered
	 * codes (Microsoft's 5.4.1 is "recipient not found"). */
	if (out->rule_kind != SMTPCLASS_RULE_TEXT || digits_kind != SMTPCLASS_RULE_ENHANCED)
		return;
	/* X.s.0 and qmail's appended "(#5.5.0)" are generic, not counter-evidence. */
	if (reply->enhanced_detail == 0 || (reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE))
		return;
	if (digits_reason == out->reason)
		return;
	text_action = *action >= 0 ? *action : sc_default_action(out->verdict, out->reason);
	code_action =
	    digits_action >= 0 ? digits_action : sc_default_action(out->verdict, digits_reason);
	if (text_action == SC_ACTION_REMOVE_ADDRESS && code_action != SC_ACTION_REMOVE_ADDRESS)
		*action = code_action;
}

/*
 * Whether the reply has words beyond its codes: a letter outside <...>
 * (a bare address says nothing about why).
 */
static int has_words(const smtpclass_reply *reply)
{
	for (size_t i = 0; i < reply->segment_count; i++) {
		int depth = 0;

		for (size_t k = 0; k < reply->segments[i].len; k++) {
			unsigned char c = (unsigned char)reply->segments[i].ptr[k];

			if (c == '<')
				depth++;
			else if (c == '>' && depth > 0)
				depth--;
			else if (depth == 0 && ((c | 32) >= 'a' && (c | 32) <= 'z'))
				return 1;
		}
	}
	return 0;
}

/*
 * A basic code decided although the reply has words no rule read: the
 * words say something specific that smtpclass cannot read, so the basic
 * code's own advice (550: remove-address) does not stand; the code table's
 * unread_reason and unread_action do (550: undefined, investigate).
 */
static void unread_words(const smtpclass_reply *reply, smtpclass_result *out, int *action)
{
	const struct sc_basic_row *row;

	if (out->rule_kind != SMTPCLASS_RULE_BASIC || reply->code == 0 || !has_words(reply))
		return;
	row = sc_find_basic(reply->code);
	if (row == NULL)
		return;
	if (row->unread_reason < 0 && row->unread_action < 0)
		return;
	if (row->unread_reason >= 0)
		out->reason = row->unread_reason;
	if (row->unread_action >= 0)
		*action = row->unread_action;
	out->rule = row->unread_rule;
}

/* The kind of evidence (data/confidence.tsv) that decided the result. */
static int evidence_of(const smtpclass_reply *reply, const smtpclass_result *out,
                       smtpclass_rule_kind digits_kind, int digits_reason)
{
	int specific_code = digits_kind == SMTPCLASS_RULE_ENHANCED && reply->enhanced_detail != 0;

	switch (out->rule_kind) {
	case SMTPCLASS_RULE_PROVIDER:
		return SC_EVIDENCE_PROVIDER;
	case SMTPCLASS_RULE_TEXT:
		return specific_code && digits_reason == out->reason ? SC_EVIDENCE_TEXT_AND_CODE
		                                                     : SC_EVIDENCE_TEXT;
	case SMTPCLASS_RULE_EXCEPTION:
		return SC_EVIDENCE_EXCEPTION;
	case SMTPCLASS_RULE_ENHANCED:
		return reply->enhanced_detail != 0 ? SC_EVIDENCE_ENHANCED : SC_EVIDENCE_SUBJECT;
	case SMTPCLASS_RULE_SUBJECT:
		return SC_EVIDENCE_SUBJECT;
	case SMTPCLASS_RULE_BASIC:
		return SC_EVIDENCE_BASIC;
	case SMTPCLASS_RULE_CLASS:
		return SC_EVIDENCE_CLASS;
	default:
		return SC_EVIDENCE_NONE;
	}
}

void sc_set_evidence(smtpclass_result *out, int evidence)
{
	out->confidence = (smtpclass_confidence)sc_evidence[evidence].confidence;
	out->confidence_basis = sc_evidence[evidence].meaning;
}

int sc_coherent_action(smtpclass_verdict verdict, int reason, int action)
{
	if ((unsigned)verdict < 5 && action >= 0 && action < SC_ACTION_COUNT &&
	    sc_verdict_action_allowed[verdict][action])
		return action;
	return sc_default_action(verdict, reason);
}

/* Whether the reply's own enhanced code is the row's kept_by code (qmail's
 * appended "(#5.1.1)" is qmail's label, not the server's statement). */
static int kept_by_code(const smtpclass_reply *reply, const struct sc_stage_reason_row *row)
{
	return row->kept_subject >= 0 && reply->enhanced_class != 0 &&
	       !(reply->flags & SMTPCLASS_REPLY_ENHANCED_LATE) &&
	       reply->enhanced_subject == row->kept_subject &&
	       reply->enhanced_detail == row->kept_detail;
}

/* The first row of data/stage-reasons.tsv for the stage and the reason
 * renames the reason, unless the reply's enhanced code is the row's kept_by;
 * the action becomes the new reason's default. */
static void rename_by_stage(const smtpclass_reply *reply, smtpclass_stage stage,
                            smtpclass_result *out, int *action)
{
	for (int i = 0; i < sc_stage_reason_count; i++) {
		const struct sc_stage_reason_row *row = &sc_stage_reasons[i];

		if (row->stage == stage && row->reason == out->reason) {
			if (kept_by_code(reply, row))
				return;
			out->reason = row->becomes;
			out->rule_kind = SMTPCLASS_RULE_EXCEPTION;
			out->rule = row->rule;
			*action = -1;
			return;
		}
	}
}

smtpclass_verdict smtpclass_classify(const smtpclass_reply *reply, const smtpclass_options *options,
                                     smtpclass_result *out)
{
	smtpclass_rule_kind digits_kind;
	int digits_reason;
	static const smtpclass_options defaults;
	const struct sc_class_row *class_row;
	int action = -1;

	if (options == NULL)
		options = &defaults;
	memset(out, 0, sizeof(*out));
	out->reason = SC_REASON_UNDEFINED;
	class_row = sc_class_of_digit(reply->code != 0 ? reply->code / 100 : reply->enhanced_class);
	out->verdict = class_row != NULL ? class_row->verdict : SMTPCLASS_VERDICT_UNKNOWN;
	out->mismatch = reply->code != 0 && reply->enhanced_class != 0 &&
	                reply->code / 100 != reply->enhanced_class;

	classify_digits(reply, options->stage, out, &action);
	digits_kind = out->rule_kind;
	digits_reason = out->reason;
	/* A code table row names the action for a permanent failure; a soft one
	 * takes the reason's soft action (a 4.7.0 is retried, not "refused"). */
	if (out->verdict == SMTPCLASS_VERDICT_SOFT && out->rule_kind != SMTPCLASS_RULE_EXCEPTION)
		action = -1;
	/* Text rules tell why a reply failed (data/rules.tsv): a 2xx or 3xx did
	 * not fail, and "354 ... user unknown" is no reason to name one. */
	if (!(options->flags & SMTPCLASS_NO_TEXT_RULES) && explains_failure(out->verdict)) {
		int digits_action = action;

		sc_apply_text_rules(reply, options, out, &action);
		keep_address_on_conflict(reply, out, &action, digits_kind, digits_reason,
		                         digits_action);
		unread_words(reply, out, &action);
	}
	/* a stage remap below renames the reason; the evidence stays what it was */
	sc_set_evidence(out, evidence_of(reply, out, digits_kind, digits_reason));
	/* A stage renames the reason of a failure; a 2xx or 3xx keeps its rule,
	 * and a provider rule its reason (data/stage-reasons.tsv). */
	if (explains_failure(out->verdict) && out->rule_kind != SMTPCLASS_RULE_PROVIDER)
		rename_by_stage(reply, options->stage, out, &action);
	/* The class of the verdict may fix the reason and action of every
	 * result, whatever decided (a 2xx: delivered, none; a 3xx: continue). */
	class_row = sc_class_of_verdict(out->verdict);
	if (class_row != NULL && class_row->fixed_reason >= 0)
		out->reason = class_row->fixed_reason;
	if (class_row != NULL && class_row->fixed_action >= 0)
		action = class_row->fixed_action;
	out->action = action >= 0 ? sc_coherent_action(out->verdict, out->reason, action)
	                          : sc_default_action(out->verdict, out->reason);
	return out->verdict;
}

/* RFC 3463 s2 class names; 3 is RFC 5321's "Positive Intermediate"
 * (data/classes.tsv). */
const char *smtpclass_class_name(int class_digit)
{
	const struct sc_class_row *class_row = sc_class_of_digit(class_digit);

	return class_row != NULL ? class_row->name : NULL;
}

const char *smtpclass_subject_name(int subject)
{
	const struct sc_enhanced_row *row = sc_find_enhanced(subject, 0);

	return row != NULL ? row->subject_name : NULL;
}

const char *smtpclass_detail_name(int subject, int detail)
{
	const struct sc_enhanced_row *row = sc_find_enhanced(subject, detail);

	return row != NULL ? row->detail_name : NULL;
}
