/*
 * rules.c: match a reply's words against text rules.
 *
 * The built-in rules (data/rules.tsv) are compiled into a DFA at build time;
 * site rules are compiled at run time by the same builder (rulebuild.c).
 * Matching walks the reply text once, byte by byte, lowercasing ASCII and
 * collapsing whitespace on the fly, so its cost does not depend on how many
 * rules there are.  The phrases found are kept in a small array on the
 * stack; the winning rule is the one of lowest index (provider rules first,
 * then file order) whose phrases all occurred.  Site rules are consulted
 * before the built-in ones.  No allocation happens here.
 */
#include "classify_internal.h"
#include "rules_internal.h"
#include "tables.h"

#include <stdlib.h>
#include <string.h>

/* Distinct phrases remembered per reply; more are ignored (bounded work). */
#define MAX_FOUND 64

struct smtpclass_rules {
	struct sc_rule_build build;
};

/* The blanks collapsed to one space: SP HT LF VT FF CR. */
static const unsigned char blank[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

struct found {
	int32_t phrases[MAX_FOUND];
	int count;
};

static void remember(struct found *found, int32_t phrase)
{
	for (int i = 0; i < found->count; i++)
		if (found->phrases[i] == phrase)
			return;
	if (found->count < MAX_FOUND)
		found->phrases[found->count++] = phrase;
}

static int was_found(const struct found *found, int32_t phrase)
{
	for (int i = 0; i < found->count; i++)
		if (found->phrases[i] == phrase)
			return 1;
	return 0;
}

/* The first matching rule (lowest index) that names a reason; with
 * bare_only, the first one that carries a bare verdict, named reason or
 * not.  A rule whose reason is "undefined" names none: it only says the
 * verdict of a text without a code ("will be retried"). */
static const struct sc_rule *first_match(const struct sc_automaton *a, const smtpclass_reply *reply,
                                         int bare_only)
{
	struct found found;
	uint32_t state = 0;
	int space = 1, best = -1;
	const uint16_t *transitions = a->transitions;
	const unsigned char *emits = a->emits;
	const unsigned char *byte_class = a->byte_class;
	const unsigned shift = (unsigned)a->class_shift;

	if (a->rule_count == 0)
		return NULL;
	found.count = 0;
	for (size_t i = 0; i < reply->segment_count; i++) {
		const unsigned char *p = (const unsigned char *)reply->segments[i].ptr;
		const unsigned char *end = p + reply->segments[i].len;

		if (!space) {
			/* segments are joined with one space */
			state = transitions[(state << shift) + byte_class[' ']];
			space = 1;
		}
		for (; p < end; p++) {
			int32_t at;

			if (blank[*p]) {
				if (space)
					continue;
				space = 1;
			} else {
				space = 0;
			}
			state = transitions[(state << shift) + byte_class[*p]];
			if (!emits[state])
				continue;
			at = a->state_phrase[state] >= 0 ? (int32_t)state : a->output_link[state];
			while (at >= 0) {
				remember(&found, a->state_phrase[at]);
				at = a->output_link[at];
			}
		}
	}
	for (int i = 0; i < found.count; i++) {
		int32_t phrase = found.phrases[i];

		for (int32_t k = a->phrase_rules_start[phrase]; k < a->phrase_rules_start[phrase + 1];
		     k++) {
			int32_t r = a->phrase_rules[k];
			const struct sc_rule *rule = &a->rules[r];
			int all = 1;

			if ((best >= 0 && r >= best) || (bare_only && rule->bare_verdict == 0) ||
			    (!bare_only && rule->reason == SC_REASON_UNDEFINED))
				continue;
			for (int j = 0; j < rule->phrase_count && all; j++)
				all = was_found(&found, a->rule_phrases[rule->phrase_first + j]);
			if (all)
				best = r;
		}
	}
	return best >= 0 ? &a->rules[best] : NULL;
}

const struct sc_rule *sc_rules_match(const struct sc_automaton *a, const smtpclass_reply *reply)
{
	return first_match(a, reply, 0);
}

/*
 * The rule whose words say the verdict of a reply without a code ("will be
 * retried", "does not exist"): the first matching rule with a bare verdict,
 * site rules first, or NULL.  Lets the words decide the verdict even when
 * the rule that named the reason says nothing about it.
 */
static const struct sc_rule *verdict_words(const smtpclass_reply *reply,
                                           const smtpclass_options *options)
{
	const struct sc_rule *rule = NULL;

	if (options->site_rules != NULL)
		rule = first_match(&options->site_rules->build.automaton, reply, 1);
	if (rule == NULL)
		rule = first_match(&sc_builtin_rules, reply, 1);
	return rule;
}

void sc_apply_text_rules(const smtpclass_reply *reply, const smtpclass_options *options,
                         smtpclass_result *out, int *action)
{
	const struct sc_rule *rule = NULL;

	if (options->site_rules != NULL)
		rule = sc_rules_match(&options->site_rules->build.automaton, reply);
	if (rule == NULL)
		rule = sc_rules_match(&sc_builtin_rules, reply);
	if (rule == NULL && out->verdict == SMTPCLASS_VERDICT_UNKNOWN)
		rule = verdict_words(reply, options);
	if (rule == NULL)
		return;
	out->reason = rule->reason;
	*action = rule->action;
	out->rule_kind = rule->provider ? SMTPCLASS_RULE_PROVIDER : SMTPCLASS_RULE_TEXT;
	out->rule = rule->rule;
	out->evidence = rule->evidence;
	if (rule->verdict != 0)
		out->verdict = (smtpclass_verdict)rule->verdict;
	else if (out->verdict == SMTPCLASS_VERDICT_UNKNOWN && rule->bare_verdict != 0)
		out->verdict = (smtpclass_verdict)rule->bare_verdict;
	else if (out->verdict == SMTPCLASS_VERDICT_UNKNOWN) {
		const struct sc_rule *words = verdict_words(reply, options);

		if (words != NULL)
			out->verdict = (smtpclass_verdict)words->bare_verdict;
	}
}

static const struct sc_rule_names library_names = {smtpclass_reason_from_name,
                                                   smtpclass_action_from_name};

smtpclass_rules *smtpclass_rules_compile(const char *text, size_t len, size_t *error_line,
                                         char *error, size_t error_size)
{
	smtpclass_rules *rules = calloc(1, sizeof(*rules));

	if (rules == NULL) {
		*error_line = 0;
		if (error_size > 0)
			error[0] = '\0';
		return NULL;
	}
	if (sc_rules_build(text, len, &library_names, 1, &rules->build, error_line, error,
	                   error_size) != 0) {
		free(rules);
		return NULL;
	}
	return rules;
}

void smtpclass_rules_free(smtpclass_rules *rules)
{
	if (rules == NULL)
		return;
	sc_rules_free(&rules->build);
	free(rules);
}
