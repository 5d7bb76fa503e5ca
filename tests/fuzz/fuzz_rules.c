/*
 * fuzz_rules.c: libFuzzer target for smtpclass_rules_compile().
 *
 * The input is a site rules file (the format of data/rules.tsv, see
 * src/lib/rulebuild.c).  A failed compile must leave a non-empty, NUL-terminated
 * message inside the error buffer and write nothing outside it, whatever its
 * size.  A successful compile is used to classify a few fixed replies and
 * the input itself (whose text holds the rules' own phrases, so rules do
 * match), and every result must satisfy fuzz_check_result().
 *
 * The compiled automaton is also checked against a plain oracle written
 * here: the rules are read again with memchr and memcmp, and the site rule
 * that must win (provider rules first, then file order; the first whose
 * phrases all occur in the lowercased, whitespace-collapsed text) has to be
 * the one the library reports.  Results that no site rule decided must be
 * the same as without site rules.  The rule set is always freed, so
 * LeakSanitizer sees any leak on either path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"

#define ERROR_SIZE        256
#define GUARD             16
#define CANARY            0x5a
#define MAX_PHRASES       4
#define MATCHER_MAX_FOUND 64 /* rules.c remembers this many distinct phrases */

static const char *const fixed_replies[] = {
    "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown",
    "452 4.2.2 Mailbox full",
    "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
    "421 Too many connections, try again later",
    "250 2.0.0 Ok: queued as 12345",
    "Connection timed out",
    "550-5.7.26 This mail is unauthenticated 550 5.7.26 gsmtp",
    "sorry, no mailbox here by that name (#5.1.1)",
};

/* One rule as the oracle reads it. */
struct oracle_rule {
	const char *id;
	size_t id_len;
	const char *phrases_field;
	size_t phrases_len;
	int provider;
	char *phrases[MAX_PHRASES];
	size_t phrase_len[MAX_PHRASES];
	int phrase_count;
};

struct oracle {
	struct oracle_rule *rules;
	size_t count;
};

static int is_rule_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Lowercases A-Z and collapses white space runs into one space; leading
 * white space is dropped, and trailing too when trim is set.  The result is
 * NUL-terminated and its length (it may hold NUL bytes) goes to *length. */
static char *normalise(const char *s, size_t len, int trim, size_t *length)
{
	char *out = malloc(len + 1);
	size_t n = 0;
	int space = 1;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_rule_space(c)) {
			if (!space)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		space = 0;
	}
	while (trim && n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	*length = n;
	return out;
}

static void oracle_rule_read(struct oracle_rule *rule, const char *line, size_t len)
{
	const char *field[8], *p = line, *end = line + len;
	size_t field_len[8];

	memset(rule, 0, sizeof(*rule));
	for (int i = 0; i < 8; i++) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));

		field[i] = p;
		field_len[i] = (size_t)((tab != NULL ? tab : end) - p);
		p = tab != NULL ? tab + 1 : end;
	}
	rule->id = field[0];
	rule->id_len = field_len[0];
	rule->phrases_field = field[1];
	rule->phrases_len = field_len[1];
	rule->provider = !(field_len[6] == 1 && field[6][0] == '-');
	p = field[1];
	end = field[1] + field_len[1];
	for (;;) {
		const char *amp = NULL;

		for (const char *q = p; q + 2 < end; q++) {
			if (q[0] == ' ' && q[1] == '&' && q[2] == ' ') {
				amp = q;
				break;
			}
		}
		FUZZ_CHECK(rule->phrase_count < MAX_PHRASES);
		rule->phrases[rule->phrase_count] =
		    normalise(p, (size_t)((amp != NULL ? amp : end) - p), 1,
		              &rule->phrase_len[rule->phrase_count]);
		rule->phrase_count++;
		if (amp == NULL)
			break;
		p = amp + 3;
	}
}

/* Reads the rules of a file that compiled: every line that is not a
 * comment, blank, or the header is a valid rule. */
static void oracle_read(struct oracle *oracle, const char *text, size_t len)
{
	static const char header[] =
	    "id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource";
	const char *p = text, *end = text + len;

	oracle->rules = NULL;
	oracle->count = 0;
	while (p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		const char *stop = newline != NULL ? newline : end;
		size_t n = (size_t)(stop - p);
		int blank = 1;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (size_t i = 0; i < n; i++)
			blank &= p[i] == ' ';
		if (n > 0 && !blank && p[0] != '#' &&
		    !(n == sizeof(header) - 1 && memcmp(p, header, n) == 0)) {
			oracle->rules =
			    realloc(oracle->rules, (oracle->count + 1) * sizeof(*oracle->rules));
			if (oracle->rules == NULL)
				abort();
			oracle_rule_read(&oracle->rules[oracle->count++], p, n);
		}
		p = newline != NULL ? newline + 1 : end;
	}
}

static void oracle_free(struct oracle *oracle)
{
	for (size_t r = 0; r < oracle->count; r++)
		for (int k = 0; k < oracle->rules[r].phrase_count; k++)
			free(oracle->rules[r].phrases[k]);
	free(oracle->rules);
}

/* True when needle[0..needle_len) occurs in haystack[0..len) (NULs allowed). */
static int occurs(const char *haystack, size_t len, const char *needle, size_t needle_len)
{
	for (size_t i = 0; needle_len <= len && i <= len - needle_len; i++)
		if (memcmp(haystack + i, needle, needle_len) == 0)
			return 1;
	return 0;
}

/* The reply's text as the matcher sees it. */
static char *matcher_text(const smtpclass_reply *reply, size_t *length)
{
	size_t len = smtpclass_reply_text_length(reply);
	char *joined = malloc(len + 1), *text;

	if (joined == NULL)
		abort();
	smtpclass_reply_text_copy(reply, joined, len + 1);
	text = normalise(joined, len, 0, length);
	free(joined);
	return text;
}

/*
 * The site rule that must win on text, or NULL.  Returns 0 when the answer
 * is not knowable because more distinct phrases occur than the matcher
 * remembers.
 */
static int oracle_winner(const struct oracle *oracle, const char *text, size_t len,
                         const struct oracle_rule **winner)
{
	size_t distinct = 0;
	const char **seen = calloc(oracle->count * MAX_PHRASES + 1, sizeof(*seen));

	if (seen == NULL)
		abort();
	*winner = NULL;
	for (size_t r = 0; r < oracle->count; r++) {
		const struct oracle_rule *rule = &oracle->rules[r];
		int all = 1;

		for (int k = 0; k < rule->phrase_count; k++) {
			int known = 0;

			if (!occurs(text, len, rule->phrases[k], rule->phrase_len[k])) {
				all = 0;
				continue;
			}
			for (size_t i = 0; i < distinct; i++)
				known |= strcmp(seen[i], rule->phrases[k]) == 0;
			if (!known)
				seen[distinct++] = rule->phrases[k];
		}
		if (!all)
			continue;
		if (*winner == NULL || (rule->provider && !(*winner)->provider))
			*winner = rule;
	}
	free(seen);
	return distinct <= MATCHER_MAX_FOUND;
}

/* Classifies reply with the site rules and checks it against the oracle and
 * against the result without site rules. */
static void check_with_rules(const smtpclass_reply *reply, const smtpclass_rules *rules,
                             const struct oracle *oracle)
{
	smtpclass_options with = {SMTPCLASS_STAGE_UNKNOWN, rules, 0};
	smtpclass_options without = {SMTPCLASS_STAGE_UNKNOWN, NULL, 0};
	smtpclass_options digits = {SMTPCLASS_STAGE_RCPT, rules, SMTPCLASS_NO_TEXT_RULES};
	smtpclass_options after_data = {SMTPCLASS_STAGE_DATA, rules, 0};
	smtpclass_result result, plain;
	const struct oracle_rule *winner;
	size_t text_len;
	char *text = matcher_text(reply, &text_len);

	smtpclass_classify(reply, &with, &result);
	fuzz_check_result(reply, &with, &result);
	smtpclass_classify(reply, &without, &plain);
	fuzz_check_result(reply, &without, &plain);

	if (oracle_winner(oracle, text, text_len, &winner)) {
		/* Text rules tell why a reply failed: a 2xx or 3xx (its class
		 * decides, whatever the rules) takes none of them. */
		if (plain.verdict == SMTPCLASS_VERDICT_SUCCESS ||
		    plain.verdict == SMTPCLASS_VERDICT_INTERMEDIATE)
			winner = NULL;
		if (winner == NULL) {
			FUZZ_CHECK(result.rule == NULL || strncmp(result.rule, "site ", 5) != 0);
		} else {
			FUZZ_CHECK(result.rule_kind == (winner->provider ? SMTPCLASS_RULE_PROVIDER
			                                                 : SMTPCLASS_RULE_TEXT));
			FUZZ_CHECK(strncmp(result.rule, "site ", 5) == 0);
			FUZZ_CHECK(strlen(result.rule) == 5 + winner->id_len);
			FUZZ_CHECK(memcmp(result.rule + 5, winner->id, winner->id_len) == 0);
			/* the phrases as written, past SMTPCLASS_EVIDENCE_MAX cut
			 * before a character */
			size_t quoted = winner->phrases_len;

			if (quoted > SMTPCLASS_EVIDENCE_MAX) {
				quoted = SMTPCLASS_EVIDENCE_MAX;
				for (int k = 0;
				     k < 3 &&
				     ((unsigned char)winner->phrases_field[quoted] & 0xc0) == 0x80;
				     k++)
					quoted--;
			}
			FUZZ_CHECK(strlen(result.evidence) == quoted);
			FUZZ_CHECK(memcmp(result.evidence, winner->phrases_field, quoted) == 0);
		}
	}
	if (result.rule == NULL || strncmp(result.rule, "site ", 5) != 0) {
		FUZZ_CHECK(result.verdict == plain.verdict && result.reason == plain.reason &&
		           result.action == plain.action && result.rule_kind == plain.rule_kind &&
		           result.rule == plain.rule && result.evidence == plain.evidence);
	}

	smtpclass_classify(reply, &digits, &result);
	fuzz_check_result(reply, &digits, &result);
	smtpclass_classify(reply, &after_data, &result);
	fuzz_check_result(reply, &after_data, &result);
	free(text);
}

static size_t line_count(const char *text, size_t len)
{
	size_t lines = 1;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	return lines;
}

/* Compiles text with an error buffer of size bytes between canaries; on
 * failure checks the message.  Returns the rules (or NULL). */
static smtpclass_rules *compile_guarded(const char *text, size_t len, size_t size,
                                        size_t *error_line)
{
	unsigned char *block = malloc(size + 2 * GUARD);
	char *error = (char *)block + GUARD;
	smtpclass_rules *rules;

	if (block == NULL)
		abort();
	memset(block, CANARY, size + 2 * GUARD);
	*error_line = (size_t)-1;
	rules = smtpclass_rules_compile(text, len, error_line, error, size);
	for (size_t i = 0; i < GUARD; i++) {
		FUZZ_CHECK(block[i] == CANARY);
		FUZZ_CHECK(block[GUARD + size + i] == CANARY);
	}
	if (rules == NULL) {
		FUZZ_CHECK(*error_line <= line_count(text, len));
		if (size > 0) {
			FUZZ_CHECK(memchr(error, '\0', size) != NULL);
			if (size > 1)
				FUZZ_CHECK(error[0] != '\0');
		}
	}
	free(block);
	return rules;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_exact_copy(data, size);
	size_t error_line, again_line;
	smtpclass_rules *rules = compile_guarded(text, size, ERROR_SIZE, &error_line);
	struct oracle oracle;
	smtpclass_reply reply;

	if (rules == NULL) {
		/* The same failure, whatever room the message has. */
		for (size_t room = 0; room <= 8; room += 4) {
			FUZZ_CHECK(compile_guarded(text, size, room, &again_line) == NULL);
			FUZZ_CHECK(again_line == error_line);
		}
		free(text);
		return 0;
	}
	oracle_read(&oracle, text, size);
	for (size_t i = 0; i < sizeof(fixed_replies) / sizeof(fixed_replies[0]); i++) {
		smtpclass_parse(fixed_replies[i], strlen(fixed_replies[i]), &reply);
		check_with_rules(&reply, rules, &oracle);
	}
	smtpclass_parse(text, size, &reply);
	check_with_rules(&reply, rules, &oracle);
	oracle_free(&oracle);
	smtpclass_rules_free(rules);
	free(text);
	return 0;
}
