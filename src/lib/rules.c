/*
 * rules.c: match a reply's words against text rules.
 *
 * The built-in rules (data/rules.tsv) are compiled into a DFA at build time;
 * site rules are compiled at run time by the same builder (rulebuild.c).
 * The matcher itself is in rulematch.c (the generator uses it too, to check
 * each rule's example).  Site rules are consulted before the built-in ones.
 * No allocation happens per reply.
 */
#include "classify_internal.h"
#include "rules_internal.h"
#include "tables.h"

#include <stdlib.h>

struct smtpclass_rules {
	struct sc_rule_build build;
};

/* The first matching rule (lowest index) that names a reason; with
 * bare_only, the first one that carries a bare verdict, named reason or
 * not.  A rule whose reason is "undefined" names none: it only says the
 * verdict of a text without a code ("will be retried"). */
static const struct sc_rule *first_match(const struct sc_automaton *a, const smtpclass_reply *reply,
                                         int bare_only)
{
	return sc_rules_match_where(a, reply, bare_only ? -1 : SC_REASON_UNDEFINED, bare_only);
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
		rule = first_match(&options->site_rules->build.automaton, reply, 0);
	if (rule == NULL)
		rule = first_match(&sc_builtin_rules, reply, 0);
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
