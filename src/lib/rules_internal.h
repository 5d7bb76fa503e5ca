/*
 * rules_internal.h: the compiled form of text rules, shared by the build-time
 * generator (tools/gentables.c, for data/rules.tsv) and the library (for site
 * rule files loaded at run time), so both use one builder and one matcher.
 *
 * Phrases are compiled into one Aho-Corasick automaton turned into a full
 * DFA over a small alphabet: bytes that occur in no phrase share class 0.
 * Matching costs one table lookup per input byte whatever the number of
 * rules.
 *
 * The DFA is stored row-displaced ("comb" compression, as in lex and the
 * double-array trie): most of a state's moves are the root's (a byte that
 * continues no phrase starts over), so a state keeps only the moves that
 * differ, in cells shared by all states.  State s owns cell base(s) + c for
 * each class c it keeps, and the cell's check byte holds c; bases are
 * unique, so a cell whose check is c belongs to the state whose base is
 * cell - c and no other.  Whitespace runs count as one space: the states
 * that end in a space stay where they are on another, so the matcher
 * needs no test of its own for blanks.  The dense table was 8671 states x 128 classes x 2
 * bytes = 2.2 MB and missed the cache on nearly every byte; the cells of
 * data/rules.tsv fit in the L2 cache, and the shallow states the text
 * spends its time in are packed first, together.
 */
#ifndef SMTPCLASS_RULES_INTERNAL_H
#define SMTPCLASS_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "smtpclass.h"

/* Bounds that keep a rules file from taking unbounded memory. */
#define SC_RULES_MAX        100000
#define SC_RULE_MAX_PHRASES 4
#define SC_PHRASE_MAX       200

struct sc_rule {
	const char *rule;     /* "text ID" or "provider ID" */
	const char *evidence; /* the phrases as written, joined with " & " */
	const char *example;  /* a reply the rule must decide, or NULL (not kept in the library) */
	size_t line;          /* line of the rules file (0 in the generated table) */
	int reason;
	int action;       /* -1: the reason's default */
	int verdict;      /* smtpclass_verdict override, 0 for none */
	int bare_verdict; /* verdict when the reply has no code, 0 for unknown */
	int provider;     /* 1: a provider-scoped rule */
	int phrase_first; /* index into rule_phrases */
	int phrase_count;
};

/* What a state with a phrase ending in it or on its output chain says.
 * Those states have the last bases, from emit_from on, so that a move
 * needs no flag and the entry is emits[base - emit_from]. */
struct sc_emit {
	int32_t phrase; /* phrase that ends in this state, or -1 */
	int32_t link;   /* entry of the next state down the failure chain with a phrase, or -1 */
};

/* A cell: the base of the state a move goes to, and in the low byte the
 * class it is a move on (SC_CHECK_EMPTY in a cell no state uses: no class
 * is 255, the builder refuses more than 255).  One 32-bit load per byte;
 * bases stay below 2^24 (65535 states x 255 classes). */
#define SC_CELL(base, class) ((uint32_t)(base) << 8 | (uint32_t)(class))
#define SC_CELL_CHECK(cell)  ((cell)&0xffu)
#define SC_CELL_BASE(cell)   ((cell) >> 8)
#define SC_CHECK_EMPTY       255

struct sc_automaton {
	unsigned char byte_class[256];
	int class_count; /* classes in use: byte_class[] values are below it */
	int state_count;
	const uint32_t *root;        /* [class]: the base the root (base 0) moves to */
	int cell_count;              /* every base + class_count - 1 is a cell */
	const uint32_t *cells;       /* [base + class] */
	uint32_t emit_from;          /* the first base of a state in emits[] */
	const struct sc_emit *emits; /* [base - emit_from] */
	int emit_count;
	int phrase_count;
	const int32_t *phrase_rules_start; /* [phrase_count + 1]: rules using phrase p are */
	const int32_t *phrase_rules;       /* phrase_rules[start[p] .. start[p+1]) */
	const int32_t *rule_phrases;
	const struct sc_rule *rules; /* in priority order: lower index wins */
	int rule_count;
};

/* Name lookups the builder needs: the generator and the library differ. */
struct sc_rule_names {
	int (*reason)(const char *name, size_t len);
	int (*action)(const char *name, size_t len);
};

/* A compiled rule set that owns its memory. */
struct sc_rule_build {
	struct sc_automaton automaton;
	uint32_t *root, *cells;
	struct sc_emit *emits;
	int32_t *phrase_rules_start, *phrase_rules, *rule_phrases;
	struct sc_rule *rules;
	char *strings;
	char **phrases; /* phrase texts, for the generator */
};

/*
 * Parses a rules file (the format of data/rules.tsv) and compiles it.  Rules
 * are named "text ID" and "provider ID", or "site ID" when site is set.
 * Returns 0, or -1 with *error_line (1-based, 0 when not tied to a line) and
 * a message in error (size bytes).  Allocates; free with sc_rules_free().
 */
int sc_rules_build(const char *text, size_t len, const struct sc_rule_names *names, int site,
                   struct sc_rule_build *out, size_t *error_line, char *error, size_t size);

void sc_rules_free(struct sc_rule_build *build);

/* The best rule of the automaton matching the reply's text, or NULL. */
const struct sc_rule *sc_rules_match(const struct sc_automaton *automaton,
                                     const smtpclass_reply *reply);

/* The same among some rules only: not those of reason skip_reason (-1:
 * none skipped), and with bare_only only those carrying a bare verdict
 * (the words that say whether a text without a code is permanent). */
const struct sc_rule *sc_rules_match_where(const struct sc_automaton *automaton,
                                           const smtpclass_reply *reply, int skip_reason,
                                           int bare_only);

/* The built-in rules, generated from data/rules.tsv. */
extern const struct sc_automaton sc_builtin_rules;

#endif
