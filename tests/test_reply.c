/*
 * test_reply.c: table-driven cases for the reply parser and the classifier.
 *
 * Each row is one reply as a mail operator sees it, with the code, enhanced
 * code, verdict, reason, action and deciding rule it must give.  A second
 * table checks the parts of the text; a guard-page test places every input
 * right before an unreadable page so that any over-read crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "smtpclass.h"

struct case_row {
	const char *input;
	int code;            /* 0: none */
	const char *enhanced; /* NULL: none */
	const char *verdict;
	const char *reason;
	const char *action;
	const char *rule;    /* NULL: no rule */
	const char *stage;   /* NULL: unknown */
};

/* clang-format off */
static const struct case_row cases[] = {
	/* The classic reference table: basic code alone, no text. */
	{"421", 421, NULL, "soft", "systemerror", "retry", "basic 421", NULL},
	{"450", 450, NULL, "soft", "systemerror", "retry", "basic 450", NULL},
	{"451", 451, NULL, "soft", "systemerror", "retry", "basic 451", NULL},
	{"452", 452, NULL, "soft", "systemfull", "retry", "basic 452", NULL},
	{"550", 550, NULL, "hard", "userunknown", "remove-address", "basic 550", NULL},
	{"551", 551, NULL, "hard", "hasmoved", "use-new-address", "basic 551", NULL},
	{"552", 552, NULL, "hard", "mesgtoobig", "reduce-size", "basic 552", NULL},
	{"553", 553, NULL, "hard", "userunknown", "fix-address", "basic 553", NULL},
	{"554", 554, NULL, "hard", "rejected", "check-sender", "basic 554", NULL},
	/* The example. */
	{"550 5.1.1 <a@b.example>: User unknown", 550, "5.1.1", "hard", "userunknown", "remove-address", "enhanced X.1.1", NULL},
	/* RFC 5321 s4.5.3.1.10: 552 at RCPT is temporary. */
	{"552", 552, NULL, "soft", "exceedlimit", "retry", "exception rfc5321-552-rcpt", "rcpt"},
	{"552 5.5.3 Too many recipients", 552, "5.5.3", "soft", "exceedlimit", "retry", "exception rfc5321-552-rcpt-5.5.3", "rcpt"},
	{"552 5.3.4 Message too big", 552, "5.3.4", "hard", "mesgtoobig", "reduce-size", "enhanced X.3.4", "rcpt"},
	/* Class mismatch: the basic code decides. */
	{"550 4.2.2 Mailbox full", 550, "4.2.2", "hard", "mailboxfull", "retry", "enhanced X.2.2", NULL},
	{"450 5.1.1 unknown", 450, "5.1.1", "soft", "userunknown", "retry", "enhanced X.1.1", NULL},
	/* Enhanced code alone, DSN forms. */
	{"5.1.1", 0, "5.1.1", "hard", "userunknown", "remove-address", "enhanced X.1.1", NULL},
	{"Status: 4.2.2", 0, "4.2.2", "soft", "mailboxfull", "retry", "enhanced X.2.2", NULL},
	{"Diagnostic-Code: smtp; 550 5.1.1 <x@y.example>... User unknown", 550, "5.1.1", "hard", "userunknown", "remove-address", "enhanced X.1.1", NULL},
	{"smtp; 554 5.7.1 rejected", 554, "5.7.1", "hard", "rejected", "check-sender", "enhanced X.7.1", NULL},
	/* Variants of the enhanced code. */
	{"550 #5.1.0 Address rejected.", 550, "5.1.0", "hard", "userunknown", "remove-address", "enhanced X.1.0", NULL},
	{"550 (5.1.1) nope", 550, "5.1.1", "hard", "userunknown", "remove-address", "enhanced X.1.1", NULL},
	{"550 5.7.606 Access denied, banned sending IP", 550, "5.7.606", "hard", "policyviolation", "check-sender", "subject X.7", NULL},
	{"250 2.1.5 Ok", 250, "2.1.5", "success", "delivered", "none", "enhanced X.1.5", NULL},
	{"354 End data with <CR><LF>.<CR><LF>", 354, NULL, "intermediate", "undefined", "continue", "basic 354", NULL},
	/* Not replies. */
	{"hello", 0, NULL, "unknown", "undefined", "investigate", NULL, NULL},
	{"999 x", 0, NULL, "unknown", "undefined", "investigate", NULL, NULL},
	{"5.9.9.9", 0, NULL, "unknown", "undefined", "investigate", NULL, NULL},
	{"192.168.1.1", 0, NULL, "unknown", "undefined", "investigate", NULL, NULL},
	{"2026-11-27", 0, NULL, "unknown", "undefined", "investigate", NULL, NULL},
};
/* clang-format on */

static void check_case(const struct case_row *row)
{
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_options options = {0};
	char enhanced[32] = "";

	if (row->stage != NULL)
		options.stage = (smtpclass_stage)smtpclass_stage_from_name(row->stage, strlen(row->stage));
	options.flags = SMTPCLASS_NO_TEXT_RULES;
	smtpclass_parse(row->input, strlen(row->input), &reply);
	smtpclass_classify(&reply, &options, &result);
	if (reply.enhanced.ptr != NULL)
		snprintf(enhanced, sizeof(enhanced), "%.*s", (int)reply.enhanced.len, reply.enhanced.ptr);
	print_message("case: %s\n", row->input);
	assert_int_equal(reply.code, row->code);
	assert_string_equal(enhanced, row->enhanced != NULL ? row->enhanced : "");
	assert_string_equal(smtpclass_verdict_name(result.verdict), row->verdict);
	assert_string_equal(smtpclass_reason_name(result.reason), row->reason);
	assert_string_equal(smtpclass_action_name(result.action), row->action);
	if (row->rule == NULL)
		assert_null(result.rule);
	else
		assert_string_equal(result.rule, row->rule);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

struct text_row {
	const char *input;
	const char *text; /* the segments joined with one space */
	unsigned flags;   /* flags that must be set */
};

/* clang-format off */
static const struct text_row texts[] = {
	{"550 5.1.1 <a@b.example>: User unknown\r\n", "<a@b.example>: User unknown", 0},
	{"550-5.7.26 This mail is unauthenticated, 550-5.7.26 which poses a risk. 550 5.7.26 Learn more",
	 "This mail is unauthenticated, which poses a risk. Learn more", SMTPCLASS_REPLY_MULTILINE},
	{"550-5.7.26 first\r\n550-5.7.26 second\r\n550 5.7.26 third\r\n", "first second third", SMTPCLASS_REPLY_MULTILINE},
	{"250-234 Text beginning with numbers\n250 done", "234 Text beginning with numbers done", SMTPCLASS_REPLY_MULTILINE},
	{"   550 text  ", "text", 0},
	{"550", "", 0},
	{"Diagnostic-Code: smtp; 550 5.1.1 gone", "gone", SMTPCLASS_REPLY_DSN},
};
/* clang-format on */

static void test_texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		smtpclass_reply reply;
		char buf[512];

		smtpclass_parse(texts[i].input, strlen(texts[i].input), &reply);
		smtpclass_reply_text_copy(&reply, buf, sizeof(buf));
		print_message("text: %s\n", texts[i].input);
		assert_string_equal(buf, texts[i].text);
		assert_int_equal(reply.flags & texts[i].flags, texts[i].flags);
	}
}

/* Parses input placed so that its last byte sits right before a PROT_NONE page. */
static void parse_at_page_end(const char *input, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	char *area = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	smtpclass_reply reply;
	smtpclass_result result;

	assert_true(area != MAP_FAILED);
	assert_true(len <= (size_t)page);
	assert_int_equal(mprotect(area + page, (size_t)page, PROT_NONE), 0);
	memcpy(area + page - len, input, len);
	smtpclass_parse(area + page - len, len, &reply);
	smtpclass_classify(&reply, NULL, &result);
	munmap(area, (size_t)page * 2);
}

static void test_no_over_read(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].input);

		/* every prefix, so that each scanner meets the end at every position */
		for (size_t cut = 0; cut <= len; cut++)
			parse_at_page_end(cases[i].input, cut);
	}
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (size_t cut = 0; cut <= strlen(texts[i].input); cut++)
			parse_at_page_end(texts[i].input, cut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_texts),
	    cmocka_unit_test(test_no_over_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
