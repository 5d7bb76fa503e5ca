/*
 * test_api.c: the one-call entry points (src/lib/api.c) against the
 * pipeline they promise to run, and their size contract.
 *
 * Each row of replies[] is classified twice, through smtpclass_parse() and
 * smtpclass_classify() as the command does, and through
 * smtpclass_classify_text(): every number and name must agree.  The size
 * tests check that a struct smaller than version 1 is refused, that no
 * byte past the caller's size is written, and that version is set.  Log
 * lines go through smtpclass_scan_log_line(), whose fields are offsets into
 * the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "smtpclass.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const char *const replies[] = {
    "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown",
    "452 4.2.2 Mailbox full",
    "552 Message size exceeds fixed maximum message size",
    "250 2.0.0 Ok: queued as 9A1FFA7A455",
    "421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred",
    "Connection timed out",
    "no code and no rule here",
    "",
};

static smtpclass_flat_result fresh(void)
{
	smtpclass_flat_result out;

	memset(&out, 0, sizeof(out));
	out.size = sizeof(out);
	return out;
}

static void test_same_as_parse_and_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(replies); i++) {
		const char *text = replies[i];
		smtpclass_options options = {.stage = SMTPCLASS_STAGE_RCPT};
		smtpclass_reply reply;
		smtpclass_result result;
		smtpclass_parse_status status = smtpclass_parse(text, strlen(text), &reply);
		smtpclass_flat_result out = fresh();

		smtpclass_classify(&reply, &options, &result);
		assert_int_equal(smtpclass_classify_text(text, strlen(text), &options, &out), 0);
		assert_int_equal(out.version, SMTPCLASS_FLAT_RESULT_VERSION);
		assert_int_equal(out.parse_status, status);
		assert_int_equal(out.code, reply.code);
		assert_int_equal(out.enhanced_class, reply.enhanced_class);
		assert_int_equal(out.enhanced_subject, reply.enhanced_subject);
		assert_int_equal(out.enhanced_detail, reply.enhanced_detail);
		assert_int_equal(out.verdict, result.verdict);
		assert_int_equal(out.reason, result.reason);
		assert_int_equal(out.action, result.action);
		assert_int_equal(out.rule_kind, result.rule_kind);
		assert_int_equal(out.mismatch, result.mismatch);
		assert_int_equal(out.stage, SMTPCLASS_STAGE_RCPT);
		assert_string_equal(out.verdict_name, smtpclass_verdict_name(result.verdict));
		assert_string_equal(out.reason_name, smtpclass_reason_name(result.reason));
		assert_string_equal(out.action_name, smtpclass_action_name(result.action));
		assert_string_equal(out.stage_name, "rcpt");
		assert_ptr_equal(out.rule, result.rule);
		assert_int_equal(out.found, status == SMTPCLASS_PARSE_OK ||
		                                (status == SMTPCLASS_PARSE_TEXT_ONLY &&
		                                 result.rule_kind != SMTPCLASS_RULE_NONE));
	}
}

static void test_names(void **state)
{
	const char *text = replies[0];
	smtpclass_flat_result out = fresh();

	(void)state;
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, &out), 0);
	assert_int_equal(out.found, 1);
	assert_int_equal(out.code, 550);
	assert_string_equal(out.verdict_name, "hard");
	assert_string_equal(out.reason_name, "userunknown");
	assert_string_equal(out.action_name, "remove-address");
	assert_string_equal(out.class_name, "Permanent Failure");
	assert_string_equal(out.subject_name, "Addressing Status");
	assert_string_equal(out.detail_name, "Bad destination mailbox address");
	assert_null(out.stage_name);
	assert_null(out.mta_name);
	assert_int_equal(out.recipient.length, 0);
}

static void test_size_contract(void **state)
{
	const char *text = replies[0];
	unsigned char bytes[sizeof(smtpclass_flat_result) + 64];
	smtpclass_flat_result *out = (smtpclass_flat_result *)(void *)bytes;
	size_t v1 = offsetof(smtpclass_flat_result, reply) + sizeof(smtpclass_flat_field);
	size_t v2 = offsetof(smtpclass_flat_result, delay) + sizeof(smtpclass_flat_field);

	(void)state;
	/* Too small for version 1: refused, nothing written but what was set. */
	memset(bytes, 0xA5, sizeof(bytes));
	out->size = v1 - 1;
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, out), -1);
	for (size_t i = sizeof(out->size); i < sizeof(bytes); i++)
		assert_int_equal(bytes[i], 0xA5);
	/* Exactly version 1: filled up to there, not a byte further, and said
	 * to be version 1. */
	memset(bytes, 0xA5, sizeof(bytes));
	out->size = v1;
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, out), 0);
	assert_int_equal(out->code, 550);
	assert_int_equal(out->version, 1);
	for (size_t i = v1; i < sizeof(bytes); i++)
		assert_int_equal(bytes[i], 0xA5);
	/* Between versions 1 and 2: version 1, nothing of the delay written. */
	memset(bytes, 0xA5, sizeof(bytes));
	out->size = v2 - 1;
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, out), 0);
	assert_int_equal(out->version, 1);
	for (size_t i = v2 - 1; i < sizeof(bytes); i++)
		assert_int_equal(bytes[i], 0xA5);
	/* Exactly version 2. */
	memset(bytes, 0xA5, sizeof(bytes));
	out->size = v2;
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, out), 0);
	assert_int_equal(out->version, 2);
	assert_int_equal(out->delay.length, 0);
	for (size_t i = v2; i < sizeof(bytes); i++)
		assert_int_equal(bytes[i], 0xA5);
	/* A newer caller's bigger struct: the library fills what it knows. */
	memset(bytes, 0, sizeof(bytes));
	out->size = sizeof(bytes);
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, out), 0);
	assert_int_equal(out->version, SMTPCLASS_FLAT_RESULT_VERSION);
	assert_int_equal(out->size, sizeof(bytes));
	/* Invalid arguments. */
	assert_int_equal(smtpclass_classify_text(text, strlen(text), NULL, NULL), -1);
	assert_int_equal(smtpclass_classify_text(NULL, 3, NULL, out), -1);
	assert_int_equal(smtpclass_classify_text(NULL, 0, NULL, out), 0);
	assert_int_equal(out->found, 0);
	assert_int_equal(smtpclass_scan_log_line(NULL, 1, NULL, out), -1);
}

static void expect_field(const char *line, smtpclass_flat_field field, const char *expected)
{
	assert_int_equal(field.length, strlen(expected));
	assert_memory_equal(line + field.offset, expected, field.length);
}

static void test_scan_log_line(void **state)
{
	const char *line =
	    "Feb 21 09:15:02 mx1 postfix/smtp[4242]: 9A1FFA7A455: "
	    "to=<bob@example.com>, relay=mx.example.com[192.0.2.25]:25, "
	    "delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced "
	    "(host mx.example.com[192.0.2.25] said: 550 5.1.1 <bob@example.com>: "
	    "Recipient address rejected: User unknown (in reply to RCPT TO command))";
	const char *exim = "2015-12-16 15:28:59 1a9E0G-003vJ3-JG => avinash.trivedi "
	                   "<avinash.trivedi@videonetics.com> R=virtual_user "
	                   "T=virtual_userdelivery QT=27s DT=0s";
	const char *noise = "Feb 21 09:15:02 mx1 CRON[1]: (root) CMD (true)";
	smtpclass_flat_result out = fresh();
	_Alignas(smtpclass_flat_result) unsigned char bytes[sizeof(smtpclass_flat_result)];
	smtpclass_flat_result *old = (smtpclass_flat_result *)(void *)bytes;

	(void)state;
	assert_int_equal(smtpclass_scan_log_line(line, strlen(line), NULL, &out), 1);
	assert_int_equal(out.found, 1);
	assert_int_equal(out.code, 550);
	assert_string_equal(out.verdict_name, "hard");
	assert_string_equal(out.reason_name, "userunknown");
	assert_string_equal(out.mta_name, "postfix");
	assert_string_equal(out.log_status_name, "bounced");
	assert_string_equal(out.stage_name, "rcpt");
	expect_field(line, out.recipient, "bob@example.com");
	expect_field(line, out.domain, "example.com");
	expect_field(line, out.queue_id, "9A1FFA7A455");
	expect_field(line, out.dsn, "5.1.1");
	expect_field(line, out.host, "mx1");
	expect_field(line, out.delay, "1.2");

	/* Exim's QT= (web-exim.log:26), not DT=. */
	out = fresh();
	assert_int_equal(smtpclass_scan_log_line(exim, strlen(exim), NULL, &out), 1);
	assert_string_equal(out.mta_name, "exim");
	expect_field(exim, out.delay, "27s");

	/* A version 1 caller's struct gets no delay, and version 1. */
	memset(bytes, 0xA5, sizeof(bytes));
	old->size = offsetof(smtpclass_flat_result, reply) + sizeof(smtpclass_flat_field);
	assert_int_equal(smtpclass_scan_log_line(line, strlen(line), NULL, old), 1);
	assert_int_equal(old->version, 1);
	for (size_t i = old->size; i < sizeof(bytes); i++)
		assert_int_equal(bytes[i], 0xA5);

	out = fresh();
	assert_int_equal(smtpclass_scan_log_line(noise, strlen(noise), NULL, &out), 0);
	assert_int_equal(out.found, 0);
	assert_null(out.verdict_name);

	out = fresh();
	assert_int_equal(smtpclass_scan_log_line(replies[1], strlen(replies[1]), NULL, &out), 1);
	assert_string_equal(out.reason_name, "mailboxfull");
	assert_null(out.mta_name);
}

/* The output writes the library's names without JSON escaping (output.c's
 * V_NAME): every name must be printable ASCII without '"' or '\\'. */
static void check_plain_name(const char *name)
{
	if (name == NULL)
		return;
	for (const char *p = name; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			fail_msg("name \"%s\" needs escaping", name);
}

static void test_names_need_no_escaping(void **state)
{
	(void)state;
	for (int i = 0; i < 10; i++) {
		check_plain_name(smtpclass_class_name(i));
		check_plain_name(smtpclass_verdict_name((smtpclass_verdict)i));
		check_plain_name(smtpclass_stage_name((smtpclass_stage)i));
		check_plain_name(smtpclass_confidence_name((smtpclass_confidence)i));
		check_plain_name(smtpclass_mta_name((smtpclass_mta)i));
		check_plain_name(smtpclass_log_status_name((smtpclass_log_status)i));
	}
	for (int i = 0; i < 1000; i++) {
		check_plain_name(smtpclass_subject_name(i % 10));
		check_plain_name(smtpclass_detail_name(i / 100, i % 100));
		check_plain_name(smtpclass_reason_name(i));
		check_plain_name(smtpclass_action_name(i));
	}
	assert_non_null(smtpclass_reason_name(1));
	assert_non_null(smtpclass_detail_name(1, 1));
}

/* The rule that decides text under site rules, "" for none. */
static const char *site_rule_of(const smtpclass_rules *rules, const char *text)
{
	smtpclass_options options = {SMTPCLASS_STAGE_UNKNOWN, rules, 0};
	smtpclass_reply reply;
	smtpclass_result result;

	assert_int_equal(smtpclass_parse(text, strlen(text), &reply), SMTPCLASS_PARSE_OK);
	smtpclass_classify(&reply, &options, &result);
	return result.rule != NULL ? result.rule : "";
}

/*
 * Issue 20, finding 4: site rules whose phrases nest ("a", "aa", ... "a" x
 * 60) walked every output link on every byte, 2,000 times slower than the
 * built-in rules on a long reply.  The matcher now stops a walk at the
 * first phrase it found before; these check that it still finds every
 * phrase: the ones down a chain whose head is new, and a chain reached
 * again through a longer phrase ("c", then "abc" -> "bc" -> "c").
 */
static void test_site_rules_nested_phrases(void **state)
{
	char text[8192], line[300], error[200], reply[200];
	size_t error_line = 0, len;
	smtpclass_rules *rules;

	(void)state;
	len = (size_t)snprintf(text, sizeof(text),
	                       "id\tphrases\treason\taction\tverdict\t"
	                       "bare_verdict\tprovider\tsource\texample\n");
	/* longest first: a text with "a" x n is decided by rule n */
	for (int n = 60; n >= 1; n--) {
		char run[61];

		memset(run, 'a', (size_t)n);
		run[n] = '\0';
		snprintf(line, sizeof(line),
		         "n%d\t%s\tblocked\tcheck-reputation\t-\t-\t-\tsite\t550 %s\n", n, run,
		         run);
		memcpy(text + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	snprintf(line, sizeof(line),
	         "chain\tvwx & wx\tspamdetected\tcheck-reputation\t-\t-\t-\t"
	         "site\t550 vwx\n");
	memcpy(text + len, line, strlen(line) + 1);
	len += strlen(line);
	snprintf(line, sizeof(line),
	         "last\tx\tspamdetected\tcheck-reputation\t-\t-\t-\tsite\t550 x\n");
	memcpy(text + len, line, strlen(line) + 1);
	len += strlen(line);
	rules = smtpclass_rules_compile(text, len, &error_line, error, sizeof(error));
	if (rules == NULL)
		fail_msg("line %zu: %s", error_line, error);
	assert_string_equal(site_rule_of(rules, "550 aaaaaaaaaa"), "site n10");
	assert_string_equal(site_rule_of(rules, "550 a b aaa"), "site n3");
	memset(reply, 'a', sizeof(reply));
	memcpy(reply, "550 ", 4);
	reply[sizeof(reply) - 1] = '\0';
	assert_string_equal(site_rule_of(rules, reply), "site n60");
	/* "x" found first; then "vwx" walks vwx -> wx -> x and stops at x,
	 * having found wx on the way */
	assert_string_equal(site_rule_of(rules, "550 x then vwx"), "site chain");
	assert_string_equal(site_rule_of(rules, "550 x then wx"), "site last");
	smtpclass_rules_free(rules);
}

/* SMTPCLASS_EVIDENCE_MAX holds for a site rule whose phrases are longer:
 * the evidence is their first bytes, cut before a character (here a
 * three-byte one that would straddle the bound). */
static void test_evidence_bound(void **state)
{
	char text[1024], phrase[300], reply[400], error[256];
	size_t error_line, n = 0;
	smtpclass_rules *rules;
	smtpclass_options options = {0};
	smtpclass_reply parsed;
	smtpclass_result result;

	(void)state;
	/* 94 ASCII bytes, then U+3042 (3 bytes) over the bound, then more */
	memset(phrase, 'q', 94);
	memcpy(phrase + 94, "\xe3\x81\x82", 3);
	memset(phrase + 97, 'r', 100);
	phrase[197] = '\0';
	n = (size_t)snprintf(text, sizeof(text), "long\t%s\tspamdetected\t-\t-\t-\t-\tsite\t-\n",
	                     phrase);
	rules = smtpclass_rules_compile(text, n, &error_line, error, sizeof(error));
	if (rules == NULL)
		fail_msg("line %zu: %s", error_line, error);
	snprintf(reply, sizeof(reply), "550 %s", phrase);
	options.site_rules = rules;
	smtpclass_parse(reply, strlen(reply), &parsed);
	smtpclass_classify(&parsed, &options, &result);
	assert_string_equal(result.rule, "site long");
	assert_non_null(result.evidence);
	assert_int_equal(strlen(result.evidence), 94);
	assert_memory_equal(result.evidence, phrase, 94);
	smtpclass_rules_free(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_parse_and_classify),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_names_need_no_escaping),
	    cmocka_unit_test(test_site_rules_nested_phrases),
	    cmocka_unit_test(test_size_contract),
	    cmocka_unit_test(test_scan_log_line),
	    cmocka_unit_test(test_evidence_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
