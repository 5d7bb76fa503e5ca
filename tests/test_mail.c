/*
 * test_mail.c: table-driven cases for the message reader (src/cli/mail/):
 * DSN fields and their folding, the stage a failure text names, telling a
 * message from a log, mbox separators and ">From" unquoting, notice layouts,
 * and, with GMime, encoded words and charsets, and reports wrapped in other
 * messages (to a bounded depth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static char store_bytes[MAIL_STORE_SIZE];
static struct mail_store store;
static struct mail_report report;

static void reset(void)
{
	store.bytes = store_bytes;
	store.size = sizeof(store_bytes);
	store.used = 0;
	store.full = 0;
	memset(&report, 0, sizeof(report));
}

static void assert_span(smtpclass_span span, const char *expected)
{
	if (expected == NULL) {
		assert_null(span.ptr);
		return;
	}
	assert_non_null(span.ptr);
	if (span.len != strlen(expected) || memcmp(span.ptr, expected, span.len) != 0)
		fail_msg("expected [%s], got [%.*s]", expected, (int)span.len, span.ptr);
}

/* ---- DSN fields ------------------------------------------------------------ */

struct dsn_row {
	const char *body;
	size_t count;              /* recipients */
	const char *reporting_mta; /* NULL: none */
	const char *recipient;     /* of the first recipient */
	const char *original;
	const char *action;
	const char *status;
	const char *remote_mta;
	const char *diagnostic;
	smtpclass_stage stage;
};

/* clang-format off */
static const struct dsn_row dsn_rows[] = {
	/* RFC 3464 as Postfix writes it. */
	{"Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; bob@example.com\n"
	 "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.com\n"
	 "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: User unknown\n",
	 1, "mx.example.net", "bob@example.com", NULL, "failed", "5.1.1", "mx.example.com",
	 "550 5.1.1 <bob@example.com>: User unknown", SMTPCLASS_STAGE_UNKNOWN},
	/* A folded Diagnostic-Code is one line with single spaces. */
	{"Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n"
	 "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address\n"
	 "    rejected: User unknown (in reply to RCPT TO command)\n",
	 1, NULL, "bob@example.com", NULL, "failed", "5.1.1", NULL,
	 "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)",
	 SMTPCLASS_STAGE_RCPT},
	/* Tabs fold too; CRLF line ends; names in any case. */
	{"final-recipient: RFC822; <ann@example.org>\r\nACTION: delayed\r\nstatus: 4.2.2\r\n"
	 "diagnostic-code: smtp; 452 4.2.2 Mailbox full\r\n\tafter end of data\r\n",
	 1, NULL, "ann@example.org", NULL, "delayed", "4.2.2", NULL,
	 "452 4.2.2 Mailbox full after end of data", SMTPCLASS_STAGE_EOD},
	/* Two recipients; Original-Recipient; Reporting-MTA after Arrival-Date. */
	{"Arrival-Date: Thu, 29 Apr 2010 23:34:45 +0900\nReporting-MTA: dns; a.example\n\n"
	 "Original-Recipient: rfc822; list@example.com\nFinal-Recipient: rfc822; bob@example.com\n"
	 "Action: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; ann@example.org\n"
	 "Action: failed\nStatus: 5.2.2\n",
	 2, "a.example", "bob@example.com", "list@example.com", "failed", "5.1.1", NULL, NULL,
	 SMTPCLASS_STAGE_UNKNOWN},
	/* No blank line between recipients: a repeated field opens the next. */
	{"Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n"
	 "Final-Recipient: rfc822; ann@example.org\nAction: failed\nStatus: 5.2.2\n",
	 2, NULL, "bob@example.com", NULL, "failed", "5.1.1", NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
	/* X-Actual-Recipient is the older name; unknown fields are ignored. */
	{"X-Postfix-Queue-ID: 1234\n\nX-Actual-Recipient: rfc822; bob@example.com\nAction: failed\n"
	 "X-Unknown: x\nStatus: 5.0.0\n",
	 1, NULL, "bob@example.com", NULL, "failed", "5.0.0", NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
	/* Sendmail's X-Actual-Recipient after an alias: the address the sender
	 * used stays the recipient, and no second recipient is opened. */
	{"Final-Recipient: RFC822; info@example.jp\nX-Actual-Recipient: RFC822; bob@example.com\n"
	 "Action: failed\nStatus: 5.7.1\n",
	 1, NULL, "info@example.jp", NULL, "failed", "5.7.1", NULL, NULL,
	 SMTPCLASS_STAGE_UNKNOWN},
	/* Sendmail's prog and local mailers: the diagnostic type is the only
	 * evidence that the number is an exit status, so it stays
	 * (lhost-sendmail-18 and -55 in tests/bounces/); "smtp;" before a
	 * number goes as before. */
	{"Final-Recipient: RFC822; bob@example.jp\nAction: failed\nStatus: 5.0.0\n"
	 "Diagnostic-Code: X-Unix; 255\n",
	 1, NULL, "bob@example.jp", NULL, "failed", "5.0.0", NULL, "X-Unix; 255",
	 SMTPCLASS_STAGE_UNKNOWN},
	{"Final-Recipient: RFC822; bob@example.jp\nAction: failed\nStatus: 5.0.0\n"
	 "Diagnostic-Code: smtp; 550\n",
	 1, NULL, "bob@example.jp", NULL, "failed", "5.0.0", NULL, "550", SMTPCLASS_STAGE_UNKNOWN},
	/* "SMTP; " and nothing after it is no diagnostic: the notice may fill
	 * it in (lhost-sendmail-29). */
	{"Final-Recipient: RFC822; bob@example.jp\nAction: delayed\nStatus: 4.5.0\n"
	 "Diagnostic-Code: SMTP; \n",
	 1, NULL, "bob@example.jp", NULL, "delayed", "4.5.0", NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
	/* Domino writes raw ISO-2022-JP into the field (lhost-domino-02): it
	 * names its own character set and comes out in UTF-8. */
	{"Final-Recipient: rfc822; kim@example.co.jp\nAction: failed\nStatus: 5.0.0\n"
	 "Diagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(BNeko \x1b$B$O\x1b(B Domino\n",
	 1, NULL, "kim@example.co.jp", NULL, "failed", "5.0.0", NULL,
	 "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbcNeko \xe3\x81\xaf Domino",
	 SMTPCLASS_STAGE_UNKNOWN},
	/* Nothing that is a DSN field. */
	{"Hello world\n\nthis is: no report\n", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	 SMTPCLASS_STAGE_UNKNOWN},
	{"", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
	/* A field without a value, and a folded line with nothing before it. */
	{"Final-Recipient:\n  rfc822; bob@example.com\nAction:\nStatus: 5.1.1\n",
	 1, NULL, "bob@example.com", NULL, NULL, "5.1.1", NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
};
/* clang-format on */

static void test_dsn_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(dsn_rows); i++) {
		const struct dsn_row *row = &dsn_rows[i];
		const struct mail_recipient *r = &report.recipients[0];

		reset();
		dsn_parse(row->body, strlen(row->body), &store, &report);
		print_message("dsn row %zu\n", i);
		assert_int_equal(report.count, row->count);
		assert_span(report.reporting_mta, row->reporting_mta);
		if (row->count == 0)
			continue;
		assert_span(r->recipient, row->recipient);
		assert_span(r->original_recipient, row->original);
		if (row->action != NULL)
			assert_span(r->action, row->action);
		assert_span(r->status, row->status);
		assert_span(r->remote_mta, row->remote_mta);
		assert_span(r->diagnostic, row->diagnostic);
		assert_int_equal(r->stage, row->stage);
	}
}

static void test_dsn_many_recipients(void **state)
{
	char body[64 * (MAIL_RECIPIENTS_MAX + 10)];
	size_t len = 0;

	(void)state;
	reset();
	for (int i = 0; i < MAIL_RECIPIENTS_MAX + 10; i++)
		len += (size_t)snprintf(
		    body + len, sizeof(body) - len,
		    "\nFinal-Recipient: rfc822; u%d@example.com\nAction: failed\n", i);
	dsn_parse(body, len, &store, &report);
	assert_int_equal(report.count, MAIL_RECIPIENTS_MAX);
	assert_int_equal(report.dropped, 10);
}

static void test_store_full(void **state)
{
	static char tiny[8];
	struct mail_store small = {tiny, 0, sizeof(tiny), 0};
	smtpclass_span a = mail_store_add(&small, "12345", 5);
	smtpclass_span b = mail_store_add(&small, "67890", 5);
	smtpclass_span c = mail_store_add(&small, "x", 1);

	(void)state;
	assert_int_equal(a.len, 5);
	assert_int_equal(b.len, 3);
	assert_null(c.ptr);
	assert_true(small.full);
}

struct strip_row {
	const char *input, *expected;
};

static void test_strip_type(void **state)
{
	static const struct strip_row rows[] = {
	    {"rfc822; bob@example.com", "bob@example.com"},
	    {"  dns;mx.example.com  ", "mx.example.com"},
	    {"smtp; 550 5.1.1 x", "550 5.1.1 x"},
	    {"X-Postfix; host said", "host said"},
	    {"550 no type; here", "550 no type; here"},
	    {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		smtpclass_span s =
		    dsn_strip_type((smtpclass_span){rows[i].input, strlen(rows[i].input)});

		if (rows[i].expected[0] == '\0')
			assert_int_equal(s.len, 0);
		else
			assert_span(s, rows[i].expected);
	}
}

struct stage_row {
	const char *text;
	smtpclass_stage stage;
};

static void test_stage_of(void **state)
{
	static const struct stage_row rows[] = {
	    {"550 5.1.1 User unknown (in reply to RCPT TO command)", SMTPCLASS_STAGE_RCPT},
	    {"SMTP error from remote mail server after RCPT TO:<a@b.example>:",
	     SMTPCLASS_STAGE_RCPT},
	    {"554 5.7.1 spam (in reply to end of DATA command)", SMTPCLASS_STAGE_EOD},
	    {"SMTP error from remote mail server after end of data:", SMTPCLASS_STAGE_EOD},
	    {"did not like our final DATA:", SMTPCLASS_STAGE_EOD},
	    {"550 sender rejected (in reply to MAIL FROM command)", SMTPCLASS_STAGE_MAIL},
	    {"host said: 554 go away (in reply to EHLO command)", SMTPCLASS_STAGE_HELO},
	    {"SMTP error from remote mail server after initial connection:",
	     SMTPCLASS_STAGE_CONNECT},
	    /* A transcript: the last command before the first failure, not
	     * the last command (with pipelining DATA follows the failure). */
	    {">>> MAIL From:<a@b>\n<<< 250 ok\n>>> RCPT To:<c@d>\n<<< 550 5.1.1 unknown\n>>> DATA\n"
	     "<<< 554 no valid recipients",
	     SMTPCLASS_STAGE_RCPT},
	    {">>> DATA\n<<< 354 go ahead\n>>> .\n<<< 554 5.7.1 spam", SMTPCLASS_STAGE_EOD},
	    {"550 5.1.1 User unknown", SMTPCLASS_STAGE_UNKNOWN},
	    {"", SMTPCLASS_STAGE_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		print_message("stage row %zu\n", i);
		assert_int_equal(mail_stage_of(rows[i].text, strlen(rows[i].text)), rows[i].stage);
	}
	assert_int_equal(mail_stage_of(NULL, 0), SMTPCLASS_STAGE_UNKNOWN);
}

/* ---- telling a message from a log ------------------------------------------ */

struct detect_row {
	const char *input;
	int complete;
	int expected; /* 2 mbox, 1 message, 0 neither, -1 read more */
};

static void test_detect(void **state)
{
	/* clang-format off */
	static const struct detect_row rows[] = {
	    {"From MAILER-DAEMON Thu Apr 29 23:34:45 2010\nReturn-Path: <>\n", 1, 2},
	    {"Return-Path: <>\nReceived: from x\n\tby y\nSubject: hi\n\nbody\n", 1, 1},
	    {"received: from x\nFROM: a@b\n\nbody\n", 1, 1},
	    {"Delivered-To: a@b\nX-Thing: 1\nDate: Thu, 29 Apr 2010 23:34:45 +0900\n\n", 1, 1},
	    /* Headers without From, Date, Received or Return-Path: DSN fields. */
	    {"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown\n\n", 1, 0},
	    /* Mail logs. */
	    {"Nov 27 06:25:01 mx postfix/smtp[4711]: 3F2A1C0042: to=<bob@example.com>\n", 1, 0},
	    {"2026-11-27T06:25:01.123456+00:00 mx postfix/smtp[4711]: 3F2A: to=<b@e>\n", 1, 0},
	    {"2026-11-27 06:25:01 1abcDE-000123-Ab ** bob@example.com R=dnslookup\n", 1, 0},
	    {"@400000005f8d6b1a2d6f6c34 delivery 1: failure: x\n", 1, 0},
	    {"550 5.1.1 <bob@example.com>: User unknown\n", 1, 0},
	    /* A header line then something that is no field. */
	    {"From: a@b\nthis is no header\n\n", 1, 0},
	    /* The sentence "From here on" is no mbox separator. */
	    {"From here on\n", 1, 0},
	    /* Undecided while more can come; decided at once by a first line
	     * that is no field (a live log on a pipe is never waited on). */
	    {"Return-Path: <>\nReceived: from x", 0, -1},
	    {"Return-Pa", 0, -1},
	    {"Nov 27 06:25:01 mx postfix/smtp[4711]: 3F", 0, 0},
	    /* A header broken after five good lines. */
	    {"Received: a\nReceived: b\nX-A: 1\nX-B: 2\nX-C: 3\n1;garbage line\nFrom: x\n\n", 1, 1},
	    {"", 1, 0},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		print_message("detect row %zu\n", i);
		assert_int_equal(
		    mailbox_detect(rows[i].input, strlen(rows[i].input), rows[i].complete),
		    rows[i].expected);
	}
}

struct separator_row {
	const char *line;
	int expected;
};

static void test_separator(void **state)
{
	static const struct separator_row rows[] = {
	    {"From MAILER-DAEMON Thu Apr 29 23:34:45 2010\n", 1},
	    {"From MAILER-DAEMON@yahoo.com Sun Nov 30 12:00:00 2014", 1},
	    {"From bob@example.com  Fri Feb 13 10:21:01 2009\n", 1},
	    {"From here on we go\n", 0},
	    {"From: bob@example.com\n", 0},
	    {">From MAILER-DAEMON Thu Apr 29 23:34:45 2010\n", 0},
	    {"From \n", 0},
	    {"From", 0},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		print_message("separator row %zu\n", i);
		assert_int_equal(mailbox_is_separator(rows[i].line, strlen(rows[i].line)),
		                 rows[i].expected);
	}
}

static void test_unquote(void **state)
{
	static const struct strip_row rows[] = {
	    {">From me\n", "From me\n"},  {">>From me\n", ">From me\n"},  /* mboxrd: one '>' less */
	    {">>>From x", ">>From x"},    {"> From me\n", "> From me\n"}, /* a quote, not a quoted
	                                                                     separator */
	    {">Fromage\n", ">Fromage\n"}, {"From me\n", "From me\n"},     {">", ">"}, {"", ""},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		char line[64];
		size_t len = strlen(rows[i].input);

		memcpy(line, rows[i].input, len);
		len = mailbox_unquote(line, len);
		assert_int_equal(len, strlen(rows[i].expected));
		assert_memory_equal(line, rows[i].expected, len);
	}
}

/* ---- notices ---------------------------------------------------------------- */

struct notice_row {
	const char *text;
	int signs;
	const char *layout; /* NULL: not a notice */
	const char *recipient;
	const char *diagnostic_part; /* a part of the failure text */
	smtpclass_stage stage;
};

static void test_notices(void **state)
{
	/* clang-format off */
	static const struct notice_row rows[] = {
	    {"Hi. This is the qmail-send program at mx.example.jp.\nI'm afraid I wasn't able to deliver"
	     " your message to the following addresses.\n\n<bob@example.com>:\n192.0.2.1 does not like"
	     " recipient.\nRemote host said: 550 5.1.1 unknown\nGiving up on 192.0.2.1.\n\n"
	     "--- Below this line is a copy of the message.\n\nReturn-Path: <a@b.example>\n",
	     0, "qmail", "bob@example.com", "Remote host said: 550 5.1.1 unknown", SMTPCLASS_STAGE_UNKNOWN},
	    {"This message was created automatically by mail delivery software.\n\nA message that you"
	     " sent could not be delivered to one or more of its\nrecipients. The following address(es)"
	     " failed:\n\n  ann@example.org\n    host mx.example.org [192.0.2.2]\n    SMTP error from"
	     " remote mail server after RCPT TO:<ann@example.org>:\n    550 5.1.1 No such user\n\n"
	     "------ This is a copy of the message, including all the headers. ------\n",
	     0, "exim", "ann@example.org", "550 5.1.1 No such user", SMTPCLASS_STAGE_RCPT},
	    {"This is the DragonFly Mail Agent v0.13 at df.example.jp.\n\nThere was an error delivering"
	     " your mail to <joe@example.net>.\n\nmx.example.net [192.0.2.3] did not like our final"
	     " DATA:\n554 5.7.9 policy\n\nMessage headers follow.\n",
	     0, "dragonfly", "joe@example.net", "554 5.7.9 policy", SMTPCLASS_STAGE_EOD},
	    /* Common words identify a notice only on a bounce. */
	    {"The parcel could not be delivered.\nbob@example.com: call us\n", 0, NULL, NULL, NULL,
	     SMTPCLASS_STAGE_UNKNOWN},
	    {"The parcel could not be delivered.\nbob@example.com: call us\n", 1, "generic",
	     "bob@example.com", "call us", SMTPCLASS_STAGE_UNKNOWN},
	    /* No layout row, but a bounce: the whole notice is read. */
	    {"------- Failure Reasons --------\nNot in the directory\nkim@example.jp\n"
	     "------- Returned Message --------\n",
	     1, "unknown", "kim@example.jp", "Not in the directory", SMTPCLASS_STAGE_UNKNOWN},
	    {"Dear customer, see you soon.\n", 0, NULL, NULL, NULL, SMTPCLASS_STAGE_UNKNOWN},
	    /* Sendmail's transcript: its own line for a recipient is the code,
	     * the address and "... " (err.c, fmtmsg()), after the remote
	     * reply it sums up; the sender in the MAIL command is no recipient
	     * (lhost-v5sendmail-06 and -02; lhost-sendmail-24, -47 and
	     * rhost-google-01 write the same lines next to a report part). */
	    {"   ----- Transcript of session follows -----\nWhile talking to mx.example.edu:\n"
	     ">>> MAIL From:<ann@example.jp>\n<<< 550 Insecure Mail Relay\n"
	     "554 <bob@example.edu>... Remote protocol error\n\n   ----- Unsent message follows -----\n"
	     "From: ann@example.jp\nTo: bob@example.edu\n",
	     0, "sendmail", "bob@example.edu", "550 Insecure Mail Relay", SMTPCLASS_STAGE_MAIL},
	    {"   ----- Transcript of session follows -----\n550 example.org (smtp)... 550 Host unknown\n"
	     "554 <bob@example.org>... 550 Host unknown (Authoritative answer from name server)\n",
	     0, "sendmail", "bob@example.org", "Host unknown (Authoritative", SMTPCLASS_STAGE_UNKNOWN},
	    {"   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n"
	     ">>> RCPT To:<bob@example.com>\n<<< 550 5.1.1 unknown\n"
	     "550 5.1.1 bob@example.com... User unknown\n",
	     0, "sendmail", "bob@example.com", "550 5.1.1 unknown", SMTPCLASS_STAGE_RCPT},
	    /* Exim names the sender above the failed list when the bounce goes
	     * elsewhere (deliver.c; lhost-exim-08): not a recipient. */
	    {"This message was created automatically by mail delivery software.\n\nA message sent by"
	     "\n\n  <ann@example.jp>\n\ncould not be delivered to one or more of its recipients. The"
	     " following\naddress(es) failed:\n\n  bob@example.org\n    all hosts have been failing"
	     " for a long time\n\n------ This is a copy of the message, including all the headers."
	     " ------\n",
	     0, "exim", "bob@example.org", "all hosts have been failing", SMTPCLASS_STAGE_UNKNOWN},
	    /* A labelled recipient wins over the first address of the text. */
	    {"Error: Invalid user address\n550 no such user here\nMessage details:\n"
	     "  MAIL FROM: ann@example.org\n  RCPT TO: bob@example.com\n",
	     1, "unknown", "bob@example.com", "550 no such user here", SMTPCLASS_STAGE_UNKNOWN},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < COUNT(rows); i++) {
		const struct notice_row *row = &rows[i];
		const char *layout;

		reset();
		print_message("notice row %zu\n", i);
		layout = notice_read(row->text, strlen(row->text), row->signs, &store, &report);
		if (row->layout == NULL) {
			assert_null(layout);
			continue;
		}
		assert_non_null(layout);
		assert_string_equal(layout, row->layout);
		assert_int_equal(report.count, 1);
		assert_span(report.recipients[0].recipient, row->recipient);
		assert_non_null(report.recipients[0].diagnostic.ptr);
		if (strstr(report.recipients[0].diagnostic.ptr, row->diagnostic_part) == NULL)
			fail_msg("diagnostic [%.*s] lacks [%s]",
			         (int)report.recipients[0].diagnostic.len,
			         report.recipients[0].diagnostic.ptr, row->diagnostic_part);
		assert_int_equal(report.recipients[0].stage, row->stage);
	}
}

/* A DSN recipient is completed from the notice, never added to. */
static void test_notice_completes_dsn(void **state)
{
	static const char notice[] =
	    "This is the mail system at host mx.example.net.\n\n"
	    "<bob@example.com>: host mx.example.com said: 550 5.1.1 unknown"
	    " (in reply to RCPT TO command)\n<other@example.com>: x\n";

	(void)state;
	reset();
	report.count = 1;
	report.recipients[0].recipient = (smtpclass_span){"bob@example.com", 15};
	notice_read(notice, strlen(notice), 0, &store, &report);
	assert_int_equal(report.count, 1);
	assert_int_equal(report.recipients[0].stage, SMTPCLASS_STAGE_RCPT);
	assert_non_null(report.recipients[0].diagnostic.ptr);
}

/* A DSN recipient without a diagnostic that the notice names where no line
 * opens with an address (Exim's "save to /path", lhost-exim-60): the text
 * after its last mention is its failure. */
static void test_notice_names_dsn_path(void **state)
{
	static const char notice[] =
	    "This message was created automatically by mail delivery software.\n\n"
	    "A message that you sent could not be delivered to one or more of its\n"
	    "recipients. This is a permanent error. The following address(es) failed:\n\n"
	    "  save to /var/spool/mail/bob\n    generated by bob@example.org\n"
	    "    mailbox is full: retry timeout exceeded\n";

	(void)state;
	reset();
	report.count = 1;
	report.recipients[0].recipient = (smtpclass_span){"/var/spool/mail/bob", 19};
	notice_read(notice, strlen(notice), 0, &store, &report);
	assert_int_equal(report.count, 1);
	assert_non_null(report.recipients[0].diagnostic.ptr);
	assert_non_null(strstr(report.recipients[0].diagnostic.ptr, "mailbox is full"));
	/* a recipient the section does not name stays without one */
	reset();
	report.count = 1;
	report.recipients[0].recipient = (smtpclass_span){"/var/spool/mail/ann", 19};
	notice_read(notice, strlen(notice), 0, &store, &report);
	assert_null(report.recipients[0].diagnostic.ptr);
}

/* ---- whole messages (GMime) ------------------------------------------------- */

struct message_row {
	const char *message;
	enum mail_kind kind;
	const char *recipient;
	const char *subject; /* of the returned message, UTF-8 */
	const char *notice_part;
};

static void test_messages(void **state)
{
	/* clang-format off */
	static const struct message_row rows[] = {
	    /* RFC 2047 encoded words (ISO-2022-JP, base64) in the returned
	     * headers, a quoted-printable report part. */
	    {"From: MAILER-DAEMON@example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	     "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
	     "--b\nContent-Type: text/plain\n\nThis is the mail system at host example.jp.\n\n"
	     "--b\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\n"
	     "Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n"
	     "Diagnostic-Code: smtp; 550 5.1.1 unknown=20user\n\n"
	     "--b\nContent-Type: text/rfc822-headers\n\nFrom: a@example.jp\nTo: bob@example.com\n"
	     "Subject: =?ISO-2022-JP?B?GyRCJTMlcyVGJXMlRBsoQg==?=\nMessage-ID: <m1@example.jp>\n\n--b--\n",
	     MAIL_FAILURE, "bob@example.com", "\xe3\x82\xb3\xe3\x83\xb3\xe3\x83\x86\xe3\x83\xb3\xe3\x83\x84", NULL},
	    /* A Shift_JIS notice in base64, decoded to UTF-8. */
	    {"From: postmaster@example.jp\nSubject: Returned mail\nMIME-Version: 1.0\n"
	     "Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: base64\n\n"
	     "g4GBW4OLgvCUepBNgsWCq4LcgrmC8YLFgrWCvYFCCjxib2JAZXhhbXBsZS5jb20+CjU1MCBVc2VyIHVua25vd24K\n",
	     MAIL_FAILURE, "bob@example.com", NULL, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"},
	    /* An ordinary message is no bounce. */
	    {"From: ann@example.org\nTo: list@example.net\nSubject: Lunch?\n\nAt noon?\n",
	     MAIL_NOT_BOUNCE, NULL, NULL, NULL},
	    /* A vacation reply. */
	    {"From: ann@example.org\nTo: list@example.net\nSubject: Out of office\n"
	     "Auto-Submitted: auto-replied\n\nI am away until Monday.\n",
	     MAIL_AUTOREPLY, NULL, NULL, NULL},
	    /* An ARF feedback report. */
	    {"From: fbl@isp.example\nSubject: complaint\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/report; report-type=feedback-report; boundary=f\n\n"
	     "--f\nContent-Type: text/plain\n\nA complaint.\n--f\nContent-Type: message/feedback-report\n\n"
	     "Feedback-Type: abuse\n--f--\n",
	     MAIL_FEEDBACK, NULL, NULL, NULL},
	    /* Broken MIME: a boundary that never comes, truncated base64, a
	     * charset that does not exist. */
	    {"From: MAILER-DAEMON@example.jp\nSubject: failure notice\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/mixed; boundary=never\n\nHi. This is the qmail-send program.\n"
	     "<bob@example.com>:\nno mailbox here\n",
	     MAIL_FAILURE, "bob@example.com", NULL, NULL},
	    {"From: MAILER-DAEMON@example.jp\nSubject: failure notice\nMIME-Version: 1.0\n"
	     "Content-Type: text/plain; charset=x-no-such-charset\nContent-Transfer-Encoding: base64\n\n"
	     "SGkuIFRoaXMgaXMgdGhlIHFtYWlsLXNlbmQgcHJvZ3JhbS4KPGJvYkBleGFtcGxlLmNvbT46Cm5vIG1haWxib3g\n",
	     MAIL_FAILURE, "bob@example.com", NULL, NULL},
	};
	/* clang-format on */

	(void)state;
	if (!message_available())
		skip();
	for (size_t i = 0; i < COUNT(rows); i++) {
		const struct message_row *row = &rows[i];
		struct mail_bounce *bounce = calloc(1, sizeof(*bounce));

		assert_non_null(bounce);
		reset();
		print_message("message row %zu\n", i);
		message_read(row->message, strlen(row->message), &store, bounce);
		assert_int_equal(bounce->kind, row->kind);
		if (row->recipient != NULL) {
			assert_true(bounce->report.count >= 1);
			assert_span(bounce->report.recipients[0].recipient, row->recipient);
		}
		if (row->subject != NULL)
			assert_span(bounce->returned.subject, row->subject);
		if (row->notice_part != NULL) {
			assert_non_null(bounce->notice.ptr);
			assert_non_null(memmem(bounce->notice.ptr, bounce->notice.len,
			                       row->notice_part, strlen(row->notice_part)));
		}
		free(bounce);
	}
}

/* ---- the returned message's headers (GMime) ------------------------------- */

/* A report whose third part (the returned message) each row gives. */
#define RETURNED_REPORT                                                                            \
	"From: MAILER-DAEMON@example.jp\nSubject: Undelivered Mail Returned to Sender\n"           \
	"MIME-Version: 1.0\n"                                                                      \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"              \
	"--b\nContent-Type: text/plain\n\nThis is the mail system at host example.jp.\n\n"         \
	"--b\nContent-Type: message/delivery-status\n\n"                                           \
	"Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n\n--b\n"

struct returned_row {
	const char *message;
	const char *message_id, *subject, *from, *campaign_id; /* NULL: none */
};

/*
 * The returned message's headers read without a message object (a block of
 * plain fields handed to GMime as a leaf's content, message.c) are those a
 * message object gives: the last Subject and Message-ID, the first of the
 * other fields, values unfolded and decoded.  A part GMime does not read as
 * a message as it is (an encoded message/rfc822, a second Content-Type) gives
 * none (a type that only starts as message/rfc822 is none either), and a
 * block with a line that is no field is read by GMime.  The
 * expected values are those of the reader before the shortcut.
 */
static void test_returned_headers(void **state)
{
	/* clang-format off */
	static const struct returned_row rows[] = {
	    {RETURNED_REPORT "Content-Type: message/rfc822\n\nFrom: ann@example.jp\nFrom: eve@example.jp\n"
	     "Subject: first\nMessage-ID: <one@example.jp>\nSubject: =?utf-8?B?w6l0w6k=?=\n"
	     "Message-Id: <two@example.jp>\nTo: bob@example.com\n\nbody\n--b--\n",
	     "two@example.jp", "\xc3\xa9t\xc3\xa9", "ann@example.jp", NULL},
	    {RETURNED_REPORT "Content-Type: message/rfc822\n\nReceived: from x\n\tby y\n"
	     "From: \"Ann\n Example\" <ann@example.jp>\nSubject: a\r\n long one\nMessage-ID:\n <one@example.jp>\n"
	     "X-Campaign: c1\nX-Campaign-Id: c0\n\nbody\n--b--\n",
	     "one@example.jp", "a long one", "\"Ann Example\" <ann@example.jp>", "c0"},
	    {RETURNED_REPORT "Content-Type: text/rfc822-headers\n\nFrom: ann@example.jp\nSubject: first\n"
	     "Subject: second\nMessage-ID: <one@example.jp>\nMessage-ID: <two@example.jp>\n\n--b--\n",
	     "two@example.jp", "second", "ann@example.jp", NULL},
	    {RETURNED_REPORT "Content-Type: message/rfc822\n\nFrom: ann@example.jp\nnot a field\n"
	     "Subject: Lunch\nMessage-ID: <one@example.jp>\n\nbody\n--b--\n",
	     "one@example.jp", "Lunch", "ann@example.jp", NULL},
	    {RETURNED_REPORT "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
	     "From: ann@example.jp\nSubject: Lunch\nMessage-ID: <one@example.jp>\n\nbody\n--b--\n",
	     NULL, NULL, NULL, NULL},
	    {RETURNED_REPORT "Content-Type: message/rfc822\nContent-Type: text/plain\n\n"
	     "From: ann@example.jp\nSubject: Lunch\nMessage-ID: <one@example.jp>\n\nbody\n--b--\n",
	     NULL, NULL, NULL, NULL},
	    /* Found by fuzz_mail: a type that only starts as message/rfc822. */
	    {RETURNED_REPORT "Content-Type: message/rfc822could not be delivered\n\n"
	     "From: ann@example.jp\nSubject: Lunch\nMessage-ID: <one@example.jp>\n\nbody\n--b--\n",
	     NULL, NULL, NULL, NULL},
	};
	/* clang-format on */

	(void)state;
	if (!message_available())
		skip();
	for (size_t i = 0; i < COUNT(rows); i++) {
		const struct returned_row *row = &rows[i];
		struct mail_bounce *bounce = calloc(1, sizeof(*bounce));

		assert_non_null(bounce);
		reset();
		print_message("returned row %zu\n", i);
		message_read(row->message, strlen(row->message), &store, bounce);
		assert_int_equal(bounce->kind, MAIL_FAILURE);
		assert_span(bounce->returned.message_id, row->message_id);
		assert_span(bounce->returned.subject, row->subject);
		assert_span(bounce->returned.from, row->from);
		assert_span(bounce->returned.campaign_id, row->campaign_id);
		free(bounce);
	}
}

/* ---- reports wrapped in other messages (GMime) ------------------------------ */

/* The parts of a wrapped report, as lhost-x5-01.eml (tests/bounces/) has
 * them: a content filter's multipart/mixed notice whose message/rfc822 part
 * is the MTA's own RFC 3464 report. */
#define WRAPPER_OPEN                                                                               \
	"Content-Type: multipart/mixed; boundary=w\n\n--w\nContent-Type: text/plain\n\n"           \
	"The original message was received at Thu Oct 13 15:22:22 2015\n\n"                        \
	"----- The following addresses had permanent delivery errors -----\n\n"                    \
	"--w\nContent-Type: message/rfc822\n\n"
#define WRAPPER_CLOSE "\n--w--\n"
/* A report without its From: line (the generated levels give their own). */
#define REPORT_AFTER_FROM                                                                          \
	"To: ann@example.jp\nMessage-Id: <bounce-1@relay.example.jp>\nMIME-Version: 1.0\n"         \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n"                \
	"Subject: Returned mail: User unknown\n\n"                                                 \
	"--r\n\n   ----- The following addresses had permanent delivery errors -----\n"            \
	"bob@example.org\n\n--r\nContent-Type: message/delivery-status\n\n"                        \
	"Reporting-MTA: dns; relay.example.jp\n\nFinal-Recipient: RFC822; bob@example.org\n"       \
	"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"         \
	"--r\nContent-Type: message/rfc822\n\nMessage-ID: <original-1@example.jp>\n"               \
	"From: ann@example.jp\nTo: bob@example.org\nSubject: Lunch\n\nAt noon?\n\n--r--\n"
#define WRAPPED_REPORT                                                                             \
	"From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.jp>\n" REPORT_AFTER_FROM
#define FILTER_HEADERS                                                                             \
	"From: Mail Delivery Subsystem <MAILER-DAEMON@filter.example.jp>\n"                        \
	"To: NotificationRecipients@filter.example.jp\nSubject: Returned mail: User unknown\n"     \
	"MIME-Version: 1.0\n"

struct wrapped_row {
	const char *message;
	enum mail_kind kind;
	const char *recipient; /* the first one; NULL: none expected */
	const char *status;
	const char *message_id; /* of the returned message */
	const char *subject;
	const char *reporting_mta;
};

static void test_wrapped_reports(void **state)
{
	/* clang-format off */
	static const struct wrapped_row rows[] = {
	    /* A content filter's notice around the MTA's report (lhost-x5-01):
	     * the recipients of the report, the headers of the message it
	     * returned, not those of the report. */
	    {FILTER_HEADERS WRAPPER_OPEN WRAPPED_REPORT WRAPPER_CLOSE, MAIL_FAILURE, "bob@example.org",
	     "5.1.1", "original-1@example.jp", "Lunch", "relay.example.jp"},
	    /* A report forwarded as the whole body of a message. */
	    {"From: postmaster@example.jp\nSubject: Fwd: Returned mail\nMIME-Version: 1.0\n"
	     "Content-Type: message/rfc822\n\n" WRAPPED_REPORT,
	     MAIL_FAILURE, "bob@example.org", "5.1.1", "original-1@example.jp", "Lunch", "relay.example.jp"},
	    /* Wrapped twice: a report forwarded, then wrapped by a filter. */
	    {FILTER_HEADERS WRAPPER_OPEN "From: postmaster@example.jp\nSubject: Fwd\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/report; report-type=delivery-status; boundary=f\n\n"
	     "--f\nContent-Type: text/plain\n\nForwarded.\n--f\nContent-Type: message/rfc822\n\n"
	     WRAPPED_REPORT "\n--f--\n" WRAPPER_CLOSE,
	     MAIL_FAILURE, "bob@example.org", "5.1.1", "original-1@example.jp", "Lunch", "relay.example.jp"},
	    /* A report of its own decides (rhost-yahooinc-03 returns a bounce):
	     * the returned bounce is not read for recipients. */
	    {"From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	     "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=t\n\n"
	     "--t\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; carl@example.net\n"
	     "Action: failed\nStatus: 5.2.2\n\n--t\nContent-Type: message/rfc822\n\n" WRAPPED_REPORT "\n--t--\n",
	     MAIL_FAILURE, "carl@example.net", "5.2.2", "bounce-1@relay.example.jp",
	     "Returned mail: User unknown", NULL},
	    /* An ordinary message forwarded is no report and no bounce. */
	    {"From: ann@example.jp\nTo: carl@example.net\nSubject: Fwd: Lunch\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nSee below.\n"
	     "--m\nContent-Type: message/rfc822\n\nFrom: bob@example.org\nTo: ann@example.jp\n"
	     "Subject: Lunch\n\nAt noon?\n\n--m--\n",
	     MAIL_NOT_BOUNCE, NULL, NULL, NULL, NULL, NULL},
	};
	/* clang-format on */

	(void)state;
	if (!message_available())
		skip();
	for (size_t i = 0; i < COUNT(rows); i++) {
		const struct wrapped_row *row = &rows[i];
		struct mail_bounce *bounce = calloc(1, sizeof(*bounce));

		assert_non_null(bounce);
		reset();
		print_message("wrapped row %zu\n", i);
		message_read(row->message, strlen(row->message), &store, bounce);
		assert_int_equal(bounce->kind, row->kind);
		if (row->recipient != NULL) {
			assert_int_equal(bounce->report.count, 1);
			assert_string_equal(bounce->layout, "rfc3464");
			assert_span(bounce->report.recipients[0].recipient, row->recipient);
			assert_span(bounce->report.recipients[0].status, row->status);
			assert_span(bounce->returned.message_id, row->message_id);
			assert_span(bounce->returned.subject, row->subject);
			assert_span(bounce->report.reporting_mta, row->reporting_mta);
		}
		free(bounce);
	}
}

/* A report wrapped levels times in reports that carry nothing but the next
 * one, in buffer (generated: each level its own boundary). */
static size_t nested_report(char *buffer, size_t size, int levels)
{
	size_t used = 0;
	int written;

	written = snprintf(buffer, size,
	                   "From: MAILER-DAEMON@filter.example.jp\n"
	                   "Subject: Returned mail\nMIME-Version: 1.0\n");
	used += (size_t)written;
	for (int level = 0; level < levels && used < size; level++) {
		written =
		    snprintf(buffer + used, size - used,
		             "Content-Type: multipart/report; report-type=delivery-status; "
		             "boundary=n%dx\n\n--n%dx\nContent-Type: text/plain\n\nLevel %d.\n"
		             "--n%dx\nContent-Type: message/rfc822\n\n"
		             "From: MAILER-DAEMON@level%d.example.jp\nMIME-Version: 1.0\n",
		             level, level, level, level, level);
		used += (size_t)written;
	}
	if (used < size) {
		written = snprintf(buffer + used, size - used, "%s", REPORT_AFTER_FROM);
		used += (size_t)written;
	}
	assert_true(used < size);
	return used;
}

/* Wrapped reports are read to a bounded depth: MAIL_WRAPPED_MAX levels are,
 * one more is not, and a hostile message wrapped thousands of times (each
 * level a report) gives a bounded result, without a crash. */
static void test_wrapped_depth(void **state)
{
	static const struct {
		int levels;
		int found;
	} rows[] = {
	    {1, 1},
	    {MAIL_WRAPPED_MAX, 1},
	    {MAIL_WRAPPED_MAX + 1, 0},
	    {5000, 0},
	};
	size_t size = 5000 * 400 + 4096;
	char *buffer = malloc(size);

	(void)state;
	if (!message_available())
		skip();
	assert_non_null(buffer);
	for (size_t i = 0; i < COUNT(rows); i++) {
		struct mail_bounce *bounce = calloc(1, sizeof(*bounce));
		size_t len = nested_report(buffer, size, rows[i].levels);

		assert_non_null(bounce);
		reset();
		print_message("nested %d levels\n", rows[i].levels);
		message_read(buffer, len, &store, bounce);
		if (rows[i].found) {
			assert_int_equal(bounce->kind, MAIL_FAILURE);
			assert_int_equal(bounce->report.count, 1);
			assert_span(bounce->report.recipients[0].recipient, "bob@example.org");
			assert_span(bounce->returned.message_id, "original-1@example.jp");
		} else {
			for (size_t r = 0; r < bounce->report.count; r++)
				if (bounce->report.recipients[r].recipient.ptr != NULL)
					assert_false(
					    bounce->report.recipients[r].recipient.len == 15 &&
					    memcmp(bounce->report.recipients[r].recipient.ptr,
					           "bob@example.org", 15) == 0);
		}
		free(bounce);
	}
	free(buffer);
}

static void test_dates(void **state)
{
	(void)state;
	if (!message_available())
		skip();
	assert_int_equal(message_date_unix("Thu, 29 Apr 2010 23:34:45 +0900", 31), 1272551685);
	assert_int_equal(message_date_unix("not a date", 10), -1);
	assert_int_equal(message_date_unix(NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dsn_fields),
	    cmocka_unit_test(test_dsn_many_recipients),
	    cmocka_unit_test(test_store_full),
	    cmocka_unit_test(test_strip_type),
	    cmocka_unit_test(test_stage_of),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_separator),
	    cmocka_unit_test(test_unquote),
	    cmocka_unit_test(test_notices),
	    cmocka_unit_test(test_notice_completes_dsn),
	    cmocka_unit_test(test_notice_names_dsn_path),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_wrapped_reports),
	    cmocka_unit_test(test_wrapped_depth),
	    cmocka_unit_test(test_returned_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
