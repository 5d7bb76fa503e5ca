/*
 * rulematch.c: find the text rule that decides a reply.
 *
 * Matching walks the reply text once, byte by byte, lowercasing ASCII and
 * collapsing whitespace on the fly, so its cost does not depend on how many
 * rules there are.  The phrases found are kept in a small array on the
 * stack; the winning rule is the one of lowest index (provider rules first,
 * then file order) whose phrases all occurred.  It depends on no generated
 * table, so tools/gentables.c links it to check each rule's example.  No
 * allocation happens here.
 */
#include "rules_internal.h"

#include <string.h>

/* Distinct phrases remembered per reply; more are ignored (bounded work). */
#define MAX_FOUND 64

/* The blanks collapsed to one space: SP HT LF VT FF CR. */
static const unsigned char blank[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

struct found {
	int32_t phrases[MAX_FOUND];
	int count;
};

/* Looks from the most recent phrase back: a phrase found again is most
 * often one of the last (a text repeating itself, the same state). */
static int was_found(const struct found *found, int32_t phrase)
{
	for (int i = found->count; i-- > 0;)
		if (found->phrases[i] == phrase)
			return 1;
	return 0;
}

/*
 * Remembers the phrases that end in state: its own and those down its
 * output links.  A phrase ends in one state only and the links below a
 * state never change, so a phrase found before had the rest of its chain
 * found with it (unless the array was full, and then nothing more fits):
 * the walk stops there.  Each phrase is walked once per reply, and a byte
 * costs one look at the array however deeply phrases nest (site rules "a",
 * "aa", ... "a" x 200 used to walk 200 links on every byte).
 */
static void remember_chain(struct found *found, const struct sc_automaton *a, uint32_t state)
{
	int32_t at = a->state_phrase[state] >= 0 ? (int32_t)state : a->output_link[state];

	for (; at >= 0 && found->count < MAX_FOUND; at = a->output_link[at]) {
		int32_t phrase = a->state_phrase[at];

		if (was_found(found, phrase))
			return;
		found->phrases[found->count++] = phrase;
	}
}

const struct sc_rule *sc_rules_match(const struct sc_automaton *a, const smtpclass_reply *reply)
{
	return sc_rules_match_where(a, reply, -1, 0);
}

const struct sc_rule *sc_rules_match_where(const struct sc_automaton *a,
                                           const smtpclass_reply *reply, int skip_reason,
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
			if (blank[*p]) {
				if (space)
					continue;
				space = 1;
			} else {
				space = 0;
			}
			state = transitions[(state << shift) + byte_class[*p]];
			if (emits[state])
				remember_chain(&found, a, state);
		}
	}
	for (int i = 0; i < found.count; i++) {
		int32_t phrase = found.phrases[i];

		for (int32_t k = a->phrase_rules_start[phrase];
		     k < a->phrase_rules_start[phrase + 1]; k++) {
			int32_t r = a->phrase_rules[k];
			const struct sc_rule *rule = &a->rules[r];
			int all = 1;

			if ((best >= 0 && r >= best) || (bare_only && rule->bare_verdict == 0) ||
			    (skip_reason >= 0 && rule->reason == skip_reason))
				continue;
			for (int j = 0; j < rule->phrase_count && all; j++)
				all = was_found(&found, a->rule_phrases[rule->phrase_first + j]);
			if (all)
				best = r;
		}
	}
	return best >= 0 ? &a->rules[best] : NULL;
}
