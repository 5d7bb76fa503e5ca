/*
 * rulematch.c: find the text rule that decides a reply.
 *
 * Matching walks the reply text once, byte by byte, one cell per byte:
 * the automaton folds ASCII case and collapses whitespace itself (see
 * rules_internal.h), so the cost does not depend on how many rules there
 * are.  The phrases found are kept in a small array on the
 * stack; the winning rule is the one of lowest index (provider rules first,
 * then file order) whose phrases all occurred.  It depends on no generated
 * table, so tools/gentables.c links it to check each rule's example.  No
 * allocation happens here.
 */
#include "rules_internal.h"

#include <string.h>

/* Distinct phrases remembered per reply; more are ignored (bounded work). */
#define MAX_FOUND 64

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
 * Remembers the phrases that end in the state at base: its own and those
 * down its output links.  A phrase ends in one state only and the links
 * below a state never change, so a phrase found before had the rest of its
 * chain found with it (unless the array was full, and then nothing more
 * fits): the walk stops there.  Each phrase is walked once per reply, and a
 * byte costs one look at the array however deeply phrases nest (site rules
 * "a", "aa", ... "a" x 200 used to walk 200 links on every byte).
 */
static void remember_chain(struct found *found, const struct sc_automaton *a, uint32_t base)
{
	int32_t at = (int32_t)(base - a->emit_from);

	if (a->emits[at].phrase < 0)
		at = a->emits[at].link;
	for (; at >= 0 && found->count < MAX_FOUND; at = a->emits[at].link) {
		int32_t phrase = a->emits[at].phrase;

		if (was_found(found, phrase))
			return;
		found->phrases[found->count++] = phrase;
	}
}

/* Where the state at base goes on class c: its own cell, or the root's. */
static inline uint32_t move_of(const struct sc_automaton *a, uint32_t base, uint32_t c)
{
	uint32_t cell = a->cells[base + c];

	return SC_CELL_CHECK(cell) == c ? SC_CELL_BASE(cell) : a->root[c];
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
	uint32_t state = 0, remembered;
	int best = -1;
	const unsigned char *byte_class = a->byte_class;
	const uint32_t emit_from = a->emit_from;

	if (a->rule_count == 0)
		return NULL;
	found.count = 0;
	remembered = UINT32_MAX;
	for (size_t i = 0; i < reply->segment_count; i++) {
		const unsigned char *p = (const unsigned char *)reply->segments[i].ptr;
		const unsigned char *end = p + reply->segments[i].len;

		/* Segments are joined with one space; a space after a blank, or
		 * at the start, changes nothing (rules_internal.h). */
		state = move_of(a, state, byte_class[' ']);
		for (; p < end; p++) {
			state = move_of(a, state, byte_class[*p]);
			/* The state remembered last has its chain in found already
			 * (a run of one byte through nested phrases stays in one
			 * emitting state): no call per byte for it. */
			if (state >= emit_from && state != remembered) {
				remember_chain(&found, a, state);
				remembered = state;
			}
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
