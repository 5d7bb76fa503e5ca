/*
 * rulebuild.c: parse a rules file and compile its phrases into an
 * Aho-Corasick DFA, packed into shared cells (rules_internal.h).
 *
 * One builder serves two callers: tools/gentables.c compiles data/rules.tsv
 * at build time and writes the arrays out as C, and the library compiles
 * site rule files (--rules) at run time.  This is setup, not a per-reply
 * call, so it allocates; the matcher in rulematch.c never does.
 *
 * Format (see smtpclass-rules(5)): tab-separated
 *   id  phrases  reason  action  verdict  bare_verdict  provider  source  [example]
 * The ninth column, example, is a real reply the rule must decide: after
 * compiling, each example is parsed and matched, and a rule whose example
 * another rule decides is an error (it is shadowed, or its phrases do not
 * occur in its own example).  data/rules.tsv must give one for every rule.
 * '#' lines and blank lines are comments; the header line may appear (and
 * is skipped) anywhere, so files can be concatenated.  phrases holds up to
 * four literal phrases joined by " & ", all of which must occur.  Phrases
 * are matched ASCII case-insensitively with whitespace runs collapsed.
 * Rules are kept in priority order: provider rules first, then the others,
 * each group in file order; the first rule whose phrases all occur wins.
 */
#include "rules_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER         "id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource"
#define HEADER_EXAMPLE HEADER "\texample"
#define FIELD_COUNT    9     /* the ninth, example, may be left out */
#define MAX_STATES     65535 /* a bound on the memory a rules file takes */

struct parsed_rule {
	size_t line;
	int provider;
	int phrase_ids[SC_RULE_MAX_PHRASES];
	int phrase_count;
	int reason, action, verdict, bare_verdict;
	size_t id_offset, evidence_offset; /* into the string pool */
	size_t example_offset;             /* (size_t)-1: none */
};

struct builder {
	const struct sc_rule_names *names;
	const char *prefix_text, *prefix_provider;
	struct parsed_rule *rules;
	int rule_count, rule_capacity;
	char **phrases;
	int phrase_count, phrase_capacity;
	int *phrase_hash; /* open addressing, -1 empty */
	size_t hash_size;
	char *pool;
	size_t pool_len, pool_capacity;
	size_t *error_line;
	char *error;
	size_t error_size;
};

static int set_error(struct builder *b, size_t line, const char *message, const char *detail)
{
	*b->error_line = line;
	if (detail != NULL)
		snprintf(b->error, b->error_size, "%s '%s'", message, detail);
	else
		snprintf(b->error, b->error_size, "%s", message);
	return -1;
}

static int grow(void **array, int *capacity, int needed, size_t element)
{
	void *bigger;
	int wanted = *capacity ? *capacity : 64;

	if (needed <= *capacity)
		return 0;
	while (wanted < needed)
		wanted *= 2;
	bigger = realloc(*array, (size_t)wanted * element);
	if (bigger == NULL)
		return -1;
	*array = bigger;
	*capacity = wanted;
	return 0;
}

/* Appends bytes to the string pool; returns their offset or (size_t)-1. */
static size_t pool_add(struct builder *b, const char *s, size_t len)
{
	size_t offset = b->pool_len;

	if (b->pool_len + len + 1 > b->pool_capacity) {
		size_t capacity = b->pool_capacity ? b->pool_capacity * 2 : 4096;
		char *bigger;

		while (capacity < b->pool_len + len + 1)
			capacity *= 2;
		bigger = realloc(b->pool, capacity);
		if (bigger == NULL)
			return (size_t)-1;
		b->pool = bigger;
		b->pool_capacity = capacity;
	}
	memcpy(b->pool + b->pool_len, s, len);
	b->pool[b->pool_len + len] = '\0';
	b->pool_len += len + 1;
	return offset;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned long hash_string(const char *s)
{
	unsigned long h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static int rehash(struct builder *b)
{
	size_t size = b->hash_size ? b->hash_size * 2 : 1024;
	int *table = malloc(size * sizeof(*table));

	if (table == NULL)
		return -1;
	for (size_t i = 0; i < size; i++)
		table[i] = -1;
	for (int p = 0; p < b->phrase_count; p++) {
		size_t slot = hash_string(b->phrases[p]) & (size - 1);

		while (table[slot] >= 0)
			slot = (slot + 1) & (size - 1);
		table[slot] = p;
	}
	free(b->phrase_hash);
	b->phrase_hash = table;
	b->hash_size = size;
	return 0;
}

/* Normalises a phrase (lowercase, whitespace collapsed) and returns its id. */
static int intern_phrase(struct builder *b, const char *text, size_t len, size_t line)
{
	char normal[SC_PHRASE_MAX + 1];
	size_t n = 0, slot;
	int space = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (is_space(c)) {
			if (!space && n < SC_PHRASE_MAX)
				normal[n++] = ' ';
			space = 1;
			continue;
		}
		if (n == SC_PHRASE_MAX)
			return set_error(b, line, "phrase longer than 200 bytes", NULL);
		normal[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		space = 0;
	}
	while (n > 0 && normal[n - 1] == ' ')
		n--;
	if (n == 0)
		return set_error(b, line, "empty phrase", NULL);
	normal[n] = '\0';
	if ((size_t)(b->phrase_count + 1) * 2 > b->hash_size && rehash(b) != 0)
		return set_error(b, line, "out of memory", NULL);
	slot = hash_string(normal) & (b->hash_size - 1);
	while (b->phrase_hash[slot] >= 0) {
		if (strcmp(b->phrases[b->phrase_hash[slot]], normal) == 0)
			return b->phrase_hash[slot];
		slot = (slot + 1) & (b->hash_size - 1);
	}
	if (grow((void **)&b->phrases, &b->phrase_capacity, b->phrase_count + 1, sizeof(char *)) !=
	    0)
		return set_error(b, line, "out of memory", NULL);
	b->phrases[b->phrase_count] = malloc(n + 1);
	if (b->phrases[b->phrase_count] == NULL)
		return set_error(b, line, "out of memory", NULL);
	memcpy(b->phrases[b->phrase_count], normal, n + 1);
	b->phrase_hash[slot] = b->phrase_count;
	return b->phrase_count++;
}

static int parse_verdict(const char *s, size_t len, int *verdict)
{
	if (len == 1 && s[0] == '-')
		*verdict = 0;
	else if (len == 4 && memcmp(s, "soft", 4) == 0)
		*verdict = SMTPCLASS_VERDICT_SOFT;
	else if (len == 4 && memcmp(s, "hard", 4) == 0)
		*verdict = SMTPCLASS_VERDICT_HARD;
	else
		return -1;
	return 0;
}

static int is_id(const char *s, size_t len)
{
	if (len == 0 || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_'))
			return 0;
	}
	return 1;
}

/* Parses one rule line into the builder. */
static int parse_line(struct builder *b, const char *line, size_t len, size_t line_number)
{
	size_t evidence_len;
	const char *field[FIELD_COUNT];
	size_t field_len[FIELD_COUNT];
	struct parsed_rule *rule;
	const char *p = line, *end = line + len;
	int count = 0;
	char prefixed[128];

	while (count < FIELD_COUNT) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));

		field[count] = p;
		field_len[count] = (size_t)((tab != NULL ? tab : end) - p);
		count++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (count < FIELD_COUNT - 1 || memchr(field[count - 1], '\t', field_len[count - 1]) != NULL)
		return set_error(b, line_number, "expected 8 or 9 tab-separated fields", NULL);
	for (int i = 0; i < count; i++)
		if (field_len[i] == 0)
			return set_error(b, line_number, "empty field (write - for none)", NULL);
	if (b->rule_count == SC_RULES_MAX)
		return set_error(b, line_number, "too many rules (the limit is 100000)", NULL);
	if (grow((void **)&b->rules, &b->rule_capacity, b->rule_count + 1, sizeof(*b->rules)) != 0)
		return set_error(b, line_number, "out of memory", NULL);
	rule = &b->rules[b->rule_count];
	memset(rule, 0, sizeof(*rule));
	rule->line = line_number;
	if (!is_id(field[0], field_len[0]))
		return set_error(b, line_number, "bad rule id (use a-z, 0-9, '-', '.', '_')", NULL);
	rule->provider = !(field_len[6] == 1 && field[6][0] == '-');

	/* phrases: split on " & " */
	p = field[1];
	end = field[1] + field_len[1];
	while (p <= end) {
		const char *amp = NULL;
		int id;

		for (const char *q = p; q + 2 < end; q++) {
			if (q[0] == ' ' && q[1] == '&' && q[2] == ' ') {
				amp = q;
				break;
			}
		}
		if (rule->phrase_count == SC_RULE_MAX_PHRASES)
			return set_error(b, line_number, "more than 4 phrases", NULL);
		id = intern_phrase(b, p, (size_t)((amp != NULL ? amp : end) - p), line_number);
		if (id < 0)
			return -1;
		rule->phrase_ids[rule->phrase_count++] = id;
		if (amp == NULL)
			break;
		p = amp + 3;
	}
	rule->reason = b->names->reason(field[2], field_len[2]);
	if (rule->reason < 0)
		return set_error(b, line_number, "unknown reason", NULL);
	rule->action = -1;
	if (!(field_len[3] == 1 && field[3][0] == '-')) {
		rule->action = b->names->action(field[3], field_len[3]);
		if (rule->action < 0)
			return set_error(b, line_number, "unknown action", NULL);
	}
	if (parse_verdict(field[4], field_len[4], &rule->verdict) != 0)
		return set_error(b, line_number, "verdict must be -, soft or hard", NULL);
	if (parse_verdict(field[5], field_len[5], &rule->bare_verdict) != 0)
		return set_error(b, line_number, "bare_verdict must be -, soft or hard", NULL);
	snprintf(prefixed, sizeof(prefixed), "%s %.*s",
	         rule->provider ? b->prefix_provider : b->prefix_text, (int)field_len[0], field[0]);
	rule->id_offset = pool_add(b, prefixed, strlen(prefixed));
	/* The evidence a result quotes: the phrases as written, at most
	 * SMTPCLASS_EVIDENCE_MAX bytes of them (cut before a character). */
	evidence_len = field_len[1];
	if (evidence_len > SMTPCLASS_EVIDENCE_MAX) {
		/* back over at most 3 continuation bytes: a character is at most
		 * 4 (a run of stray ones is cut where it falls) */
		evidence_len = SMTPCLASS_EVIDENCE_MAX;
		for (int k = 0; k < 3 && ((unsigned char)field[1][evidence_len] & 0xc0) == 0x80;
		     k++)
			evidence_len--;
	}
	rule->evidence_offset = pool_add(b, field[1], evidence_len);
	if (rule->id_offset == (size_t)-1 || rule->evidence_offset == (size_t)-1)
		return set_error(b, line_number, "out of memory", NULL);
	rule->example_offset = (size_t)-1;
	if (count == FIELD_COUNT && !(field_len[8] == 1 && field[8][0] == '-')) {
		rule->example_offset = pool_add(b, field[8], field_len[8]);
		if (rule->example_offset == (size_t)-1)
			return set_error(b, line_number, "out of memory", NULL);
	}
	b->rule_count++;
	return 0;
}

static int parse_text(struct builder *b, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t line_number = 0;

	while (p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		const char *stop = newline != NULL ? newline : end;
		size_t n = (size_t)(stop - p);

		line_number++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n) != NULL)
			return set_error(b, line_number, "NUL byte in line", NULL);
		if (n > 0 && p[0] != '#' && !(n == strlen(HEADER) && memcmp(p, HEADER, n) == 0) &&
		    !(n == strlen(HEADER_EXAMPLE) && memcmp(p, HEADER_EXAMPLE, n) == 0)) {
			int blank = 1;

			for (size_t i = 0; i < n; i++)
				blank &= p[i] == ' ';
			if (!blank && parse_line(b, p, n, line_number) != 0)
				return -1;
		}
		p = newline != NULL ? newline + 1 : end;
	}
	return 0;
}

/* Most free cells a row tries from the first one on before it looks only
 * among the last cells: keeps packing linear (site rules may make 65535
 * states) at the cost of some empty cells.  data/rules.tsv packs into 94k
 * cells at 16, 89k at 256 for three times the packing work (compiling it
 * as site rules: 97M Ir in all at 16, 314M at 256; the dense table took
 * 53M). */
#define PACK_TRIES 16

/* The dense DFA the trie and the failure links make, before packing. */
struct dense_dfa {
	uint32_t *next;               /* [state * classes + class] */
	int32_t *state_phrase;        /* phrase that ends in the state, or -1 */
	int32_t *output_link;         /* next state on the failure chain with a phrase, or -1 */
	unsigned char *ends_in_space; /* the trie's move to the state was on a space */
	int states, classes;
};

/* A state and a key to sort it by (qsort() takes no context argument). */
struct keyed_state {
	uint32_t key;
	int state;
};

/* Greater keys first, equal keys in state order. */
static int by_key_descending(const void *x, const void *y)
{
	const struct keyed_state *s = x, *t = y;

	if (s->key != t->key)
		return s->key > t->key ? -1 : 1;
	return (s->state > t->state) - (s->state < t->state);
}

/* The move of state s on class c differs from the root's: a cell to keep. */
static int kept(const struct dense_dfa *dfa, int s, int c)
{
	return dfa->next[(size_t)s * (size_t)dfa->classes + (size_t)c] != dfa->next[c];
}

static int emitting(const struct dense_dfa *dfa, int s)
{
	return dfa->state_phrase[s] >= 0 || dfa->output_link[s] >= 0;
}

/* Whether a row keeping the classes kept[0..count) fits at base. */
static int row_fits(const unsigned char *used_cell, const unsigned char *used_base,
                    const int *kept_classes, int count, size_t base)
{
	if (used_base[base])
		return 0;
	for (int k = 0; k < count; k++)
		if (used_cell[base + (size_t)kept_classes[k]])
			return 0;
	return 1;
}

/*
 * The first base at which a row keeping the classes kept[0..count) fits,
 * trying the free cells from cell on (below end) for its first class, at
 * most tries of them, bases from min_base on; 0 when none fits.
 */
static size_t fit_row(const unsigned char *used_cell, const unsigned char *used_base,
                      const int *kept_classes, int count, size_t cell, size_t end, int tries,
                      size_t min_base)
{
	size_t first = (size_t)kept_classes[0];

	if (cell < min_base + first)
		cell = min_base + first;
	for (; cell < end && tries > 0; cell++, tries--) {
		while (cell < end && used_cell[cell])
			cell++;
		if (cell == end)
			return 0;
		if (row_fits(used_cell, used_base, kept_classes, count, cell - first))
			return cell - first;
	}
	return 0;
}

/*
 * Gives every state but the root a base, first fit, the rows with the most
 * kept moves first: those are the shallow states text spends its time in,
 * so they share the first cells.  The states in emits[] come last, from
 * *emit_from on.  A row tries the free cells from the first one on for its
 * first class, PACK_TRIES of them at most, then those of the last row's
 * width, and then goes after all the rows.  Returns the number of cells, or 0 when out of
 * memory.  Class 0 is never kept: a byte in no phrase leads every state
 * where it leads the root.
 */
static size_t place_rows(const struct dense_dfa *dfa, uint32_t *base, size_t *emit_from)
{
	size_t classes = (size_t)dfa->classes;
	size_t limit = (size_t)dfa->states * (classes + 1) + classes;
	size_t end = classes, first_free = 1, free_base = 1, min_base = 1;
	struct keyed_state *order = malloc((size_t)dfa->states * sizeof(*order));
	unsigned char *used_cell = calloc(limit, 1), *used_base = calloc(limit, 1);
	int kept_classes[256];

	*emit_from = 0;
	if (order == NULL || used_cell == NULL || used_base == NULL) {
		end = 0;
		goto done;
	}
	for (int s = 1; s < dfa->states; s++) {
		uint32_t count = 0;

		for (int c = 1; c < dfa->classes; c++)
			count += (uint32_t)kept(dfa, s, c);
		order[s - 1].state = s;
		order[s - 1].key = (emitting(dfa, s) ? 0u : 1u << 16) | count;
	}
	qsort(order, (size_t)dfa->states - 1, sizeof(*order), by_key_descending);
	base[0] = 0;
	used_base[0] = 1; /* the root: its moves are all in root[] */
	for (int i = 0; i < dfa->states - 1; i++) {
		int s = order[i].state, count = 0;
		size_t at;

		if (*emit_from == 0 && emitting(dfa, s)) {
			*emit_from = end;
			min_base = end;
			first_free = free_base = end;
		}
		for (int c = 1; c < dfa->classes; c++)
			if (kept(dfa, s, c))
				kept_classes[count++] = c;
		if (count == 0) {
			while (used_base[free_base])
				free_base++;
			at = free_base;
		} else {
			size_t tail = end > classes ? end - classes : 0;

			while (used_cell[first_free])
				first_free++;
			at = fit_row(used_cell, used_base, kept_classes, count, first_free, end,
			             PACK_TRIES, min_base);
			if (at == 0)
				at = fit_row(used_cell, used_base, kept_classes, count,
				             tail > first_free ? tail : first_free, end, INT32_MAX,
				             min_base);
			if (at == 0)
				at = end;
		}
		for (int k = 0; k < count; k++)
			used_cell[at + (size_t)kept_classes[k]] = 1;
		used_base[at] = 1;
		base[s] = (uint32_t)at;
		if (at + classes > end)
			end = at + classes;
	}
	if (*emit_from == 0)
		*emit_from = end;
done:
	free(order);
	free(used_cell);
	free(used_base);
	return end;
}

/* Fills the cells, the root row and the emit entries from the bases. */
static int fill_cells(const struct dense_dfa *dfa, const uint32_t *base, size_t cells,
                      size_t emit_from, struct sc_rule_build *out)
{
	size_t classes = (size_t)dfa->classes, emit_count = cells - emit_from;

	out->root = malloc(classes * sizeof(uint32_t));
	out->cells = malloc(cells * sizeof(uint32_t));
	out->emits = malloc((emit_count + 1) * sizeof(*out->emits));
	if (out->root == NULL || out->cells == NULL || out->emits == NULL)
		return -1;
	for (size_t i = 0; i < cells; i++)
		out->cells[i] = SC_CELL(0, SC_CHECK_EMPTY);
	for (size_t i = 0; i < emit_count; i++)
		out->emits[i].phrase = out->emits[i].link = -1;
	for (int s = 0; s < dfa->states; s++) {
		for (size_t c = 0; c < classes; c++) {
			uint32_t target = base[dfa->next[(size_t)s * classes + c]];

			if (s == 0)
				out->root[c] = target;
			else if (kept(dfa, s, (int)c))
				out->cells[base[s] + c] = SC_CELL(target, c);
		}
		if (emitting(dfa, s)) {
			struct sc_emit *emit = &out->emits[base[s] - emit_from];

			emit->phrase = dfa->state_phrase[s];
			if (dfa->output_link[s] >= 0)
				emit->link = (int32_t)(base[dfa->output_link[s]] - emit_from);
		}
	}
	out->automaton.emit_from = (uint32_t)emit_from;
	out->automaton.emit_count = (int)emit_count;
	return 0;
}

/* Packs the dense DFA into cells (see rules_internal.h). */
static int pack_automaton(struct builder *b, const struct dense_dfa *dfa, struct sc_rule_build *out)
{
	uint32_t *base = malloc((size_t)dfa->states * sizeof(uint32_t));
	size_t emit_from = 0;
	size_t cells = base != NULL ? place_rows(dfa, base, &emit_from) : 0;
	int status = cells > 0 ? fill_cells(dfa, base, cells, emit_from, out) : -1;

	free(base);
	if (status != 0)
		return set_error(b, 0, "out of memory", NULL);
	out->automaton.class_count = dfa->classes;
	out->automaton.state_count = dfa->states;
	out->automaton.cell_count = (int)cells;
	return 0;
}

/* Adds the phrases to the trie: dfa->next grows a row per state, UINT32_MAX
 * where no phrase goes on. */
static int build_trie(struct builder *b, const struct sc_automaton *a, struct dense_dfa *dfa)
{
	size_t classes = (size_t)dfa->classes;
	int capacity = 1024;

	dfa->states = 1;
	dfa->next = malloc((size_t)capacity * classes * sizeof(*dfa->next));
	dfa->state_phrase = malloc((size_t)capacity * sizeof(int32_t));
	dfa->ends_in_space = malloc((size_t)capacity);
	if (dfa->next == NULL || dfa->state_phrase == NULL || dfa->ends_in_space == NULL)
		return set_error(b, 0, "out of memory", NULL);
	for (size_t c = 0; c < classes; c++)
		dfa->next[c] = UINT32_MAX;
	dfa->state_phrase[0] = -1;
	dfa->ends_in_space[0] = 0;
	for (int p = 0; p < b->phrase_count; p++) {
		uint32_t state = 0;

		for (const unsigned char *s = (const unsigned char *)b->phrases[p]; *s; s++) {
			size_t slot = (size_t)state * classes + a->byte_class[*s];

			if (dfa->next[slot] == UINT32_MAX) {
				if (dfa->states == MAX_STATES)
					return set_error(
					    b, 0,
					    "rules too large (more than 65535 automaton states)",
					    NULL);
				if (dfa->states == capacity) {
					uint32_t *bigger_next;
					int32_t *bigger_phrase;
					unsigned char *bigger_space;

					capacity *= 2;
					bigger_next =
					    realloc(dfa->next, (size_t)capacity * classes *
					                           sizeof(*dfa->next));
					if (bigger_next == NULL)
						return set_error(b, 0, "out of memory", NULL);
					dfa->next = bigger_next;
					bigger_phrase = realloc(dfa->state_phrase,
					                        (size_t)capacity * sizeof(int32_t));
					if (bigger_phrase == NULL)
						return set_error(b, 0, "out of memory", NULL);
					dfa->state_phrase = bigger_phrase;
					bigger_space =
					    realloc(dfa->ends_in_space, (size_t)capacity);
					if (bigger_space == NULL)
						return set_error(b, 0, "out of memory", NULL);
					dfa->ends_in_space = bigger_space;
				}
				for (size_t c = 0; c < classes; c++)
					dfa->next[(size_t)dfa->states * classes + c] = UINT32_MAX;
				dfa->state_phrase[dfa->states] = -1;
				dfa->ends_in_space[dfa->states] = *s == ' ';
				dfa->next[slot] = (uint32_t)dfa->states++;
			}
			state = dfa->next[slot];
		}
		dfa->state_phrase[state] = p;
	}
	return 0;
}

/* Turns the trie into the full DFA: failure moves breadth first, and the
 * output links. */
static int add_failure_moves(struct builder *b, struct dense_dfa *dfa)
{
	size_t classes = (size_t)dfa->classes;
	uint32_t *next = dfa->next;
	int32_t *fail = calloc((size_t)dfa->states, sizeof(*fail));
	int32_t *queue = malloc((size_t)dfa->states * sizeof(*queue));
	int head = 0, tail = 0;

	dfa->output_link = malloc((size_t)dfa->states * sizeof(int32_t));
	if (fail == NULL || queue == NULL || dfa->output_link == NULL) {
		free(fail);
		free(queue);
		return set_error(b, 0, "out of memory", NULL);
	}
	dfa->output_link[0] = -1;
	for (size_t c = 0; c < classes; c++) {
		uint32_t child = next[c];

		if (child == UINT32_MAX) {
			next[c] = 0;
		} else {
			fail[child] = 0;
			dfa->output_link[child] = -1;
			queue[tail++] = (int32_t)child;
		}
	}
	while (head < tail) {
		int32_t state = queue[head++];

		for (size_t c = 0; c < classes; c++) {
			uint32_t *slot = &next[(size_t)state * classes + c];
			uint32_t via_fail = next[(size_t)fail[state] * classes + c];

			if (*slot == UINT32_MAX) {
				*slot = via_fail;
				continue;
			}
			fail[*slot] = (int32_t)via_fail;
			dfa->output_link[*slot] = dfa->state_phrase[via_fail] >= 0
			                              ? (int32_t)via_fail
			                              : dfa->output_link[via_fail];
			queue[tail++] = (int32_t)*slot;
		}
	}
	free(fail);
	free(queue);
	return 0;
}

/*
 * Makes a blank after a blank change nothing, as the matcher reads text:
 * a state that ends in a space stays there on another.  No phrase starts
 * or ends with a space, so the root stays on a space already and no state
 * that ends in one emits.  When no phrase holds a space, blanks are in
 * class 0 and lead everywhere to the root already.
 */
static void collapse_blanks(struct dense_dfa *dfa, int space_class)
{
	if (space_class == 0)
		return;
	for (int s = 1; s < dfa->states; s++)
		if (dfa->ends_in_space[s])
			dfa->next[(size_t)s * (size_t)dfa->classes + (size_t)space_class] =
			    (uint32_t)s;
}

/* Builds the trie, then the DFA with failure and output links, and packs it. */
static int build_automaton(struct builder *b, struct sc_rule_build *out)
{
	struct sc_automaton *a = &out->automaton;
	struct dense_dfa dfa;
	int classes = 1, status;

	memset(&dfa, 0, sizeof(dfa));
	memset(a->byte_class, 0, sizeof(a->byte_class));
	for (int p = 0; p < b->phrase_count; p++)
		for (const unsigned char *s = (const unsigned char *)b->phrases[p]; *s; s++)
			if (a->byte_class[*s] == 0)
				a->byte_class[*s] = (unsigned char)classes++;
	if (classes > 255)
		return set_error(b, 0, "too many distinct bytes in phrases", NULL);
	/* Upper case letters and whitespace fold onto their phrase classes. */
	for (int c = 'A'; c <= 'Z'; c++)
		a->byte_class[c] = a->byte_class[c + 32];
	a->byte_class['\t'] = a->byte_class['\n'] = a->byte_class['\r'] = a->byte_class[' '];
	a->byte_class['\v'] = a->byte_class['\f'] = a->byte_class[' '];
	dfa.classes = classes;
	status = build_trie(b, a, &dfa);
	if (status == 0)
		status = add_failure_moves(b, &dfa);
	if (status == 0) {
		collapse_blanks(&dfa, a->byte_class[' ']);
		status = pack_automaton(b, &dfa, out);
	}
	free(dfa.next);
	free(dfa.state_phrase);
	free(dfa.output_link);
	free(dfa.ends_in_space);
	return status;
}

/* Orders rules (provider first, then file order) and fills the arrays. */
static int build_rules(struct builder *b, struct sc_rule_build *out)
{
	int count = b->rule_count, placed = 0, phrase_slots = 0;
	int32_t *fill;

	out->rules = calloc((size_t)count + 1, sizeof(*out->rules));
	out->rule_phrases = malloc(((size_t)count * SC_RULE_MAX_PHRASES + 1) * sizeof(int32_t));
	out->phrase_rules_start = calloc((size_t)b->phrase_count + 1, sizeof(int32_t));
	out->phrase_rules = malloc(((size_t)count * SC_RULE_MAX_PHRASES + 1) * sizeof(int32_t));
	fill = calloc((size_t)b->phrase_count + 1, sizeof(int32_t));
	if (out->rules == NULL || out->rule_phrases == NULL || out->phrase_rules_start == NULL ||
	    out->phrase_rules == NULL || fill == NULL) {
		free(fill);
		return set_error(b, 0, "out of memory", NULL);
	}
	out->strings = b->pool;
	b->pool = NULL;
	for (int pass = 1; pass >= 0; pass--) {
		for (int i = 0; i < count; i++) {
			const struct parsed_rule *in = &b->rules[i];
			struct sc_rule *rule = &out->rules[placed];

			if (in->provider != pass)
				continue;
			rule->rule = out->strings + in->id_offset;
			rule->evidence = out->strings + in->evidence_offset;
			rule->example = in->example_offset != (size_t)-1
			                    ? out->strings + in->example_offset
			                    : NULL;
			rule->line = in->line;
			rule->reason = in->reason;
			rule->action = in->action;
			rule->verdict = in->verdict;
			rule->bare_verdict = in->bare_verdict;
			rule->provider = in->provider;
			rule->phrase_first = phrase_slots;
			rule->phrase_count = in->phrase_count;
			for (int k = 0; k < in->phrase_count; k++) {
				out->rule_phrases[phrase_slots++] = in->phrase_ids[k];
				out->phrase_rules_start[in->phrase_ids[k] + 1]++;
			}
			placed++;
		}
	}
	for (int p = 0; p < b->phrase_count; p++)
		out->phrase_rules_start[p + 1] += out->phrase_rules_start[p];
	for (int r = 0; r < count; r++) {
		const struct sc_rule *rule = &out->rules[r];

		for (int k = 0; k < rule->phrase_count; k++) {
			int p = out->rule_phrases[rule->phrase_first + k];

			out->phrase_rules[out->phrase_rules_start[p] + fill[p]++] = r;
		}
	}
	free(fill);
	return 0;
}

/* Points the automaton at the arrays the build owns. */
static void wire_automaton(struct sc_rule_build *out, char **phrases, int phrase_count,
                           int rule_count)
{
	out->phrases = phrases;
	out->automaton.phrase_count = phrase_count;
	out->automaton.root = out->root;
	out->automaton.cells = out->cells;
	out->automaton.emits = out->emits;
	out->automaton.phrase_rules_start = out->phrase_rules_start;
	out->automaton.phrase_rules = out->phrase_rules;
	out->automaton.rule_phrases = out->rule_phrases;
	out->automaton.rules = out->rules;
	out->automaton.rule_count = rule_count;
}

/* Each rule's example must be decided by the rule itself. */
static int check_examples(struct builder *b, const struct sc_rule_build *out)
{
	int undefined = b->names->reason("undefined", 9);

	for (int r = 0; r < out->automaton.rule_count; r++) {
		const struct sc_rule *rule = &out->rules[r];
		const struct sc_rule *winner;
		smtpclass_reply reply;
		char message[256];

		if (rule->example == NULL)
			continue;
		smtpclass_parse(rule->example, strlen(rule->example), &reply);
		/* As classification matches: a rule of reason "undefined" only says
		 * the verdict of a text without a code, among the rules that do. */
		if (rule->reason == undefined)
			winner = sc_rules_match_where(&out->automaton, &reply, -1, 1);
		else
			winner = sc_rules_match_where(&out->automaton, &reply, undefined, 0);
		if (winner == rule)
			continue;
		snprintf(message, sizeof(message),
		         "the example of rule %s is decided by %s:", rule->rule,
		         winner != NULL ? winner->rule : "no rule");
		return set_error(b, rule->line, message, rule->example);
	}
	return 0;
}

void sc_rules_free(struct sc_rule_build *build)
{
	if (build->phrases != NULL)
		for (int p = 0; p < build->automaton.phrase_count; p++)
			free(build->phrases[p]);
	free(build->phrases);
	free(build->root);
	free(build->cells);
	free(build->emits);
	free(build->phrase_rules_start);
	free(build->phrase_rules);
	free(build->rule_phrases);
	free(build->rules);
	free(build->strings);
	memset(build, 0, sizeof(*build));
}

int sc_rules_build(const char *text, size_t len, const struct sc_rule_names *names, int site,
                   struct sc_rule_build *out, size_t *error_line, char *error, size_t size)
{
	struct builder b;
	int status;

	memset(&b, 0, sizeof(b));
	memset(out, 0, sizeof(*out));
	b.names = names;
	b.prefix_text = site ? "site" : "text";
	b.prefix_provider = site ? "site" : "provider";
	b.error_line = error_line;
	b.error = error;
	b.error_size = size;
	*error_line = 0;
	if (size > 0)
		error[0] = '\0';
	status = parse_text(&b, text, len);
	if (status == 0)
		status = build_automaton(&b, out);
	if (status == 0)
		status = build_rules(&b, out);
	if (status == 0) {
		wire_automaton(out, b.phrases, b.phrase_count, b.rule_count);
		/* the generator lists every failing example itself */
		if (site)
			status = check_examples(&b, out);
	}
	out->phrases = b.phrases;
	out->automaton.phrase_count = b.phrase_count;
	free(b.rules);
	free(b.phrase_hash);
	free(b.pool);
	if (status != 0) {
		sc_rules_free(out);
		return -1;
	}
	return 0;
}
