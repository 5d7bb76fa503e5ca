/*
 * rulebuild.c: parse a rules file and compile its phrases into an
 * Aho-Corasick DFA.
 *
 * One builder serves two callers: tools/gentables.c compiles data/rules.tsv
 * at build time and writes the arrays out as C, and the library compiles
 * site rule files (--rules) at run time.  This is setup, not a per-reply
 * call, so it allocates; the matcher in rules.c never does.
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

#define HEADER "id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource"
#define HEADER_EXAMPLE HEADER "\texample"
#define FIELD_COUNT    9     /* the ninth, example, may be left out */
#define MAX_STATES 65535 /* state ids are 16 bits in the matcher */

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
	if (grow((void **)&b->phrases, &b->phrase_capacity, b->phrase_count + 1, sizeof(char *)) != 0)
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
	rule->evidence_offset = pool_add(b, field[1], field_len[1]);
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

/* Builds the trie, then the DFA with failure and output links. */
static int build_automaton(struct builder *b, struct sc_rule_build *out)
{
	struct sc_automaton *a = &out->automaton;
	int classes = 1, states = 1, capacity = 1024;
	uint32_t *next;
	int32_t *fail, *queue;
	int head = 0, tail = 0;

	memset(a->byte_class, 0, sizeof(a->byte_class));
	a->class_shift = 0;
	for (int p = 0; p < b->phrase_count; p++)
		for (const unsigned char *s = (const unsigned char *)b->phrases[p]; *s; s++)
			if (a->byte_class[*s] == 0)
				a->byte_class[*s] = (unsigned char)classes++;
	if (classes > 255)
		return set_error(b, 0, "too many distinct bytes in phrases", NULL);
	/* Rows are a power of two wide: the matcher shifts instead of multiplying
	 * (the state lookup is a chain of dependent loads, one per byte). */
	while ((1 << a->class_shift) < classes)
		a->class_shift++;
	classes = 1 << a->class_shift;
	/* Upper case letters and whitespace fold onto their phrase classes. */
	for (int c = 'A'; c <= 'Z'; c++)
		a->byte_class[c] = a->byte_class[c + 32];
	a->byte_class['\t'] = a->byte_class['\n'] = a->byte_class['\r'] = a->byte_class[' '];
	a->byte_class['\v'] = a->byte_class['\f'] = a->byte_class[' '];

	next = malloc((size_t)capacity * (size_t)classes * sizeof(*next));
	out->state_phrase = malloc((size_t)capacity * sizeof(int32_t));
	if (next == NULL || out->state_phrase == NULL) {
		free(next);
		return set_error(b, 0, "out of memory", NULL);
	}
	for (int c = 0; c < classes; c++)
		next[c] = UINT32_MAX;
	out->state_phrase[0] = -1;
	for (int p = 0; p < b->phrase_count; p++) {
		uint32_t state = 0;

		for (const unsigned char *s = (const unsigned char *)b->phrases[p]; *s; s++) {
			uint32_t *slot = &next[state * (uint32_t)classes + a->byte_class[*s]];

			if (*slot == UINT32_MAX) {
				if (states == MAX_STATES) {
					free(next);
					return set_error(b, 0, "rules too large (more than 65535 automaton states)", NULL);
				}
				if (states == capacity) {
					uint32_t *bigger_next;
					int32_t *bigger_phrase;

					capacity *= 2;
					bigger_next = realloc(next, (size_t)capacity * (size_t)classes * sizeof(*next));
					if (bigger_next == NULL) {
						free(next);
						return set_error(b, 0, "out of memory", NULL);
					}
					next = bigger_next;
					bigger_phrase = realloc(out->state_phrase, (size_t)capacity * sizeof(int32_t));
					if (bigger_phrase == NULL) {
						free(next);
						return set_error(b, 0, "out of memory", NULL);
					}
					out->state_phrase = bigger_phrase;
					slot = &next[state * (uint32_t)classes + a->byte_class[*s]];
				}
				for (int c = 0; c < classes; c++)
					next[(size_t)states * (size_t)classes + (size_t)c] = UINT32_MAX;
				out->state_phrase[states] = -1;
				*slot = (uint32_t)states++;
			}
			state = *slot;
		}
		out->state_phrase[state] = p;
	}

	fail = calloc((size_t)states, sizeof(*fail));
	queue = malloc((size_t)states * sizeof(*queue));
	out->output_link = malloc((size_t)states * sizeof(int32_t));
	if (fail == NULL || queue == NULL || out->output_link == NULL) {
		free(next);
		free(fail);
		free(queue);
		return set_error(b, 0, "out of memory", NULL);
	}
	out->output_link[0] = -1;
	for (int c = 0; c < classes; c++) {
		uint32_t child = next[c];

		if (child == UINT32_MAX) {
			next[c] = 0;
		} else {
			fail[child] = 0;
			out->output_link[child] = -1;
			queue[tail++] = (int32_t)child;
		}
	}
	while (head < tail) {
		int32_t state = queue[head++];

		for (int c = 0; c < classes; c++) {
			uint32_t *slot = &next[(size_t)state * (size_t)classes + (size_t)c];
			uint32_t via_fail = next[(size_t)fail[state] * (size_t)classes + (size_t)c];

			if (*slot == UINT32_MAX) {
				*slot = via_fail;
				continue;
			}
			fail[*slot] = (int32_t)via_fail;
			out->output_link[*slot] = out->state_phrase[via_fail] >= 0
			                              ? (int32_t)via_fail
			                              : out->output_link[via_fail];
			queue[tail++] = (int32_t)*slot;
		}
	}
	free(fail);
	free(queue);
	out->transitions = malloc((size_t)states * (size_t)classes * sizeof(uint16_t));
	out->emits = malloc((size_t)states);
	if (out->transitions == NULL || out->emits == NULL) {
		free(next);
		return set_error(b, 0, "out of memory", NULL);
	}
	for (size_t i = 0; i < (size_t)states * (size_t)classes; i++)
		out->transitions[i] = (uint16_t)next[i];
	for (int state = 0; state < states; state++)
		out->emits[state] = out->state_phrase[state] >= 0 || out->output_link[state] >= 0;
	free(next);
	a->class_count = classes;
	a->state_count = states;
	return 0;
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
	out->automaton.transitions = out->transitions;
	out->automaton.emits = out->emits;
	out->automaton.state_phrase = out->state_phrase;
	out->automaton.output_link = out->output_link;
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
	free(build->transitions);
	free(build->emits);
	free(build->state_phrase);
	free(build->output_link);
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
