/*
 * test_summary.c: summary mode (src/cli/summary/).
 *
 * The tables:
 *   same_template[]   pairs of real replies that differ only in their
 *                     variables (addresses, IPs, trace ids, host names,
 *                     times, URL queries) and must give one template;
 *   other_template[]  pairs of different replies that must not;
 *   templates[]       replies with the exact template they give;
 *   bad_json[]        broken summaries with the byte offset and the message
 *                     the reader must report;
 *   written_names[]   names as the tables keep them: as the JSON writer
 *                     writes them, cut on a character boundary;
 *   name_cases[]      records whose names differ only in what the writer
 *                     makes equal (the fuzz_summary findings of issue 20):
 *                     one name, and a summary --merge gives back unchanged.
 * The other tests build records by hand (no log scanner involved) and read
 * the JSON the summary writes: Space-Saving when a table is full and the
 * approximate flag, merging (sums, a merge of a summary with itself doubles
 * it, a bad document changes nothing), the address lists, the time span and
 * hours, and the width of the text report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpclass.h"
#include "summary.h"
#include "count.h"
#include "delay.h"
#include "hash.h"
#include "rank.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* ---- Templates ------------------------------------------------------------ */

struct template_pair {
	const char *name;
	const char *a, *b;
};

/* clang-format off */
static const struct template_pair same_template[] = {
	{"gmail multiline, trace ids",
	 "The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser d75a77b69052e-4ac7b1e7b6fsi12345678qtb.123 - gsmtp",
	 "The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-a9a1234567si123456.8 - gsmtp"},
	{"gmail rate limit, IP and count",
	 "[203.0.113.7      15] Our system has detected an unusual rate of unsolicited mail originating from your IP address. 5si1234567wrz.88 - gsmtp",
	 "[198.51.100.42 3] Our system has detected an unusual rate of unsolicited mail originating from your IP address. a640c23a62f3a-a9a1234567si123456.8 - gsmtp"},
	{"microsoft, server names and times",
	 "Requested action not taken: mailbox unavailable (S2017062302). [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com 2024-02-21T09:21:54.123Z 08DC2F1234567890]",
	 "Requested action not taken: mailbox unavailable (S2017062302). [DB5EUR03FT034.eop-EUR03.prod.protection.outlook.com 2024-03-01T23:01:02.001Z 08DC3A0987654321]"},
	{"microsoft, sending IP",
	 "Server busy. Please try again later from [40.107.22.44]. (S77714) [VI1EUR05FT012.eop-eur05.prod.protection.outlook.com]",
	 "Server busy. Please try again later from [2a01:111:f400:7e1b::200]. (S77714) [AM6PR01MB1234.eurprd01.prod.exchangelabs.com]"},
	{"yahoo, code and IPs",
	 "[TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	 "[TSS04] Messages from 203.0.113.250 temporarily deferred due to unexpected volume or user complaints - 4.16.56.1; see https://postmaster.yahooinc.com/error-codes"},
	{"addresses in angle brackets",
	 "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
	 "<Alice.Smith+tag@mail.example.org>: Recipient address rejected: User unknown in virtual mailbox table"},
	{"bare address",
	 "sorry, no mailbox here by that name. bob@example.com (#5.1.1 - chkuser)",
	 "sorry, no mailbox here by that name. x.y@other.example.net (#5.1.1 - chkuser)"},
	{"quoted mailbox name",
	 "unknown user: \"bob\"",
	 "unknown user: \"alice.smith\""},
	{"queue ids",
	 "Ok: queued as 4XyZ1234AbC",
	 "Ok: queued as 732BB407C3"},
	{"exim message ids",
	 "OK id=1rA2bC-000123-Ab",
	 "OK id=1sQ9zz-0007Kp-4x"},
	{"URL queries",
	 "Rejected: IP in SpamHaus PBL, see http://www.spamhaus.org/query/bl?ip=186.54.117.93",
	 "Rejected: IP in SpamHaus PBL, see http://www.spamhaus.org/query/bl?ip=203.0.113.9&x=1"},
	{"host names in URL paths",
	 "Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
	 "Greylisted, see http://postgrey.schweikert.ch/help/mail.example.co.uk.html"},
	{"timestamps and zones",
	 "deferred at 2024-02-21 09:21:54 +0000 for 15 minutes",
	 "deferred at 2023-12-31 23:59:59 -0800 for 30 minutes"},
	{"clock times",
	 "try again after 09:21",
	 "try again after 23:05:59"},
	{"connect errors, host and port",
	 "connect to mx.example.com[192.0.2.1]:25: Connection timed out",
	 "connect to alt4.gmail-smtp-in.l.google.com[2607:f8b0:4001:c1d::1b]:25: Connection timed out"},
	{"white space",
	 "Mailbox   full\tplease retry",
	 " Mailbox full please retry "},
	{"DNS names",
	 "Host or domain name not found. Name service error for name=example.com type=MX: Host not found, try again",
	 "Host or domain name not found. Name service error for name=mail.example.org type=MX: Host not found, try again"},
};

static const struct template_pair other_template[] = {
	{"user unknown and mailbox full", "User unknown", "Mailbox full"},
	{"gmail NoSuchUser and DisabledUser",
	 "The email account that you tried to reach does not exist.",
	 "The email account that you tried to reach is disabled."},
	{"enhanced codes in the text are kept", "see 5.7.1 policy", "see 5.7.26 policy"},
	{"different URL paths", "see https://example.com/a", "see https://example.com/b"},
	{"case of words", "User unknown", "user unknown"},
	{"protocol words in angle brackets", "expected <CRLF>.<CRLF>", "expected <bob>.<bob>"},
};

static const struct {
	const char *input, *template;
} templates[] = {
	{"<bob@example.com>: Recipient address rejected: User unknown in local recipient table",
	 "<{addr}>: Recipient address rejected: User unknown in local recipient table"},
	{"Requested action not taken: mailbox unavailable (S2017062302). [BN8NAM11FT066.eop-nam11.prod.protection.outlook.com 2024-02-21T09:21:54.123Z 08DC2F1234567890]",
	 "Requested action not taken: mailbox unavailable ({id}). [{host} {time} {id}]"},
	{"[TSS04] Messages from 192.0.2.1 temporarily deferred - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
	 "[{id}] Messages from {ip} temporarily deferred - {ip}; see https://postmaster.yahooinc.com/error-codes"},
	{"Learn more at https://support.google.com/mail/?p=NoSuchUser d75a77b69052e-4ac7b1e7b6fsi12345678qtb.123 - gsmtp",
	 "Learn more at https://support.google.com/mail/?{query} {id} - gsmtp"},
	{"connect to mx.example.com[192.0.2.1]:25: Connection refused",
	 "connect to {host}[{ip}]:{n}: Connection refused"},
	{"Service unavailable; client [2001:db8::1] blocked using zen.spamhaus.org",
	 "Service unavailable; client [{ip}] blocked using {host}"},
	{"Message size exceeds fixed maximum message size (10485760)",
	 "Message size exceeds fixed maximum message size ({n})"},
	{"deferred at 2024-02-21 09:21:54 +0000", "deferred at {time} {time} {n}"},
	{"Ok: queued as 4XyZ1234AbC", "Ok: queued as {id}"},
	{"unknown user: \"bob\"", "unknown user: \"{addr}\""},
	{"expected <CRLF>.<CRLF>", "expected <CRLF>.<CRLF>"},
	{"see http://www.spamhaus.org/query/bl?ip=192.0.2.1", "see http://www.spamhaus.org/query/bl?{query}"},
	{"   padded   text   ", "padded text"},
	{"", ""},
};
/* clang-format on */

static size_t template_of(const char *text, char *out, size_t size)
{
	return summary_template(text, strlen(text), out, size);
}

static void test_same_template(void **state)
{
	char a[512], b[512];

	(void)state;
	for (size_t i = 0; i < COUNT(same_template); i++) {
		size_t la = template_of(same_template[i].a, a, sizeof(a));
		size_t lb = template_of(same_template[i].b, b, sizeof(b));

		if (la != lb || memcmp(a, b, la) != 0)
			fail_msg("%s:\n  %.*s\n  %.*s", same_template[i].name, (int)la, a, (int)lb,
			         b);
	}
}

static void test_other_template(void **state)
{
	char a[512], b[512];

	(void)state;
	for (size_t i = 0; i < COUNT(other_template); i++) {
		size_t la = template_of(other_template[i].a, a, sizeof(a));
		size_t lb = template_of(other_template[i].b, b, sizeof(b));

		if (la == lb && memcmp(a, b, la) == 0)
			fail_msg("%s: both give %.*s", other_template[i].name, (int)la, a);
	}
}

static void test_templates(void **state)
{
	char out[512];

	(void)state;
	for (size_t i = 0; i < COUNT(templates); i++) {
		size_t n = template_of(templates[i].input, out, sizeof(out));

		if (n != strlen(templates[i].template) ||
		    memcmp(out, templates[i].template, n) != 0)
			fail_msg("%s\n  got      %.*s\n  expected %s", templates[i].input, (int)n,
			         out, templates[i].template);
	}
}

/*
 * A small buffer is filled, never overrun, no UTF-8 sequence is cut, and
 * what is kept is a prefix of the whole template.  The second text has a
 * run of white space right after two-byte characters: a cut that backs
 * off inside them once left room for the run's one space after the cut
 * (fuzz_template, regressions/fuzz_template/cut-then-space-after-back-off).
 */
static void test_template_bounds(void **state)
{
	static const char *const texts[] = {
	    "Bo\xc3\xaete pleine: \xc3\xa9\xc3\xa9\xc3\xa9 user@example.com 12345",
	    "\xe6\xa7\x98 \xc3\xa9\xc3\xa9\xc3\xa9  \t n'existe pas",
	};
	char out[64], full[128];

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		const char *text = texts[t];
		size_t full_len = summary_template(text, strlen(text), full, sizeof(full));

		for (size_t size = 0; size < sizeof(out); size++) {
			size_t n;

			memset(out, 'X', sizeof(out));
			n = summary_template(text, strlen(text), out, size);
			assert_true(n <= size);
			for (size_t i = size; i < sizeof(out); i++)
				assert_int_equal(out[i], 'X');
			if (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0xc0)
				fail_msg("size %zu: cut inside a UTF-8 sequence", size);
			if (n > full_len || memcmp(out, full, n) != 0)
				fail_msg("text %zu, size %zu: \"%.*s\" is not a prefix of \"%.*s\"",
				         t, size, (int)n, out, (int)full_len, full);
		}
	}
}

/* ---- Records built by hand -------------------------------------------------- */

struct test_record {
	smtpclass_log_record log;
	smtpclass_reply reply;
	smtpclass_result result;
	struct record record;
};

static smtpclass_span span_of(const char *s)
{
	smtpclass_span span = {s, s != NULL ? strlen(s) : 0};

	return span;
}

/*
 * Adds a record: status, time, recipient (its domain taken from it), relay,
 * the reply, and the classification given by name (the log scanner and the
 * classifier are tested elsewhere).
 */
static const char *next_delay; /* the delay= of the next record added, or NULL */

static void add(struct summary *s, smtpclass_log_status status, const char *time,
                const char *recipient, const char *relay, const char *reply, const char *verdict,
                const char *reason, const char *action)
{
	struct test_record t;
	const char *at = recipient != NULL ? strchr(recipient, '@') : NULL;
	int v;

	memset(&t, 0, sizeof(t));
	t.log.mta = SMTPCLASS_MTA_POSTFIX;
	t.log.status = status;
	t.log.time = span_of(time);
	t.log.queue_id = span_of(recipient != NULL ? "ABC123" : NULL);
	t.log.recipient = span_of(recipient);
	t.log.domain = span_of(at != NULL ? at + 1 : NULL);
	t.log.relay = span_of(relay);
	t.log.reply = span_of(reply);
	t.log.delay = span_of(next_delay);
	next_delay = NULL;
	smtpclass_parse(reply, strlen(reply), &t.reply);
	/* the evidence is the reply's own: removal needs medium or high */
	smtpclass_classify(&t.reply, NULL, &t.result);
	for (v = 0; v <= SMTPCLASS_VERDICT_HARD; v++)
		if (strcmp(smtpclass_verdict_name((smtpclass_verdict)v), verdict) == 0)
			t.result.verdict = (smtpclass_verdict)v;
	t.result.reason = smtpclass_reason_from_name(reason, strlen(reason));
	t.result.action = smtpclass_action_from_name(action, strlen(action));
	assert_true(t.result.reason >= 0);
	assert_true(t.result.action >= 0);
	t.record.source = "test";
	t.record.line = 1;
	t.record.reply = &t.reply;
	t.record.result = &t.result;
	t.record.log = &t.log;
	summary_add(s, &t.record);
}

static void add_sent(struct summary *s, const char *time, const char *recipient, const char *relay)
{
	add(s, SMTPCLASS_STATUS_SENT, time, recipient, relay, "250 2.0.0 Ok: queued as 4XyZ",
	    "success", "delivered", "none");
}

static void add_unknown_user(struct summary *s, const char *time, const char *recipient)
{
	char reply[300];

	snprintf(reply, sizeof(reply), "550 5.1.1 <%s>: Recipient address rejected: User unknown",
	         recipient);
	add(s, SMTPCLASS_STATUS_BOUNCED, time, recipient, "mx.example.com[192.0.2.1]:25", reply,
	    "hard", "userunknown", "remove-address");
}

static void add_mailbox_full(struct summary *s, const char *time, const char *recipient)
{
	add(s, SMTPCLASS_STATUS_DEFERRED, time, recipient, "mx.example.com[192.0.2.1]:25",
	    "452 4.2.2 Mailbox full", "soft", "mailboxfull", "retry");
}

/* The summary's JSON, malloc'd. */
static char *json_of(struct summary *s, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	summary_write_json(s, out);
	assert_int_equal(fclose(out), 0);
	if (len != NULL)
		*len = size;
	return text;
}

static char *text_of(struct summary *s, int width)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	summary_write_text(s, out, width);
	assert_int_equal(fclose(out), 0);
	return text;
}

static char *addresses_of(struct summary *s, int soft)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	size_t left_out;

	assert_non_null(out);
	assert_int_equal(summary_write_addresses(s, out, soft, &left_out), 0);
	assert_int_equal(left_out, 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL)
		fail_msg("expected %s in:\n%s", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part) != NULL)
		fail_msg("did not expect %s in:\n%s", part, text);
}

/* A day of mixed records used by several tests. */
static struct summary *sample_summary(int top)
{
	struct summary *s = summary_create(top);

	assert_non_null(s);
	add_sent(s, "Feb 21 09:00:01", "a@gmail.com",
	         "gmail-smtp-in.l.google.com[142.250.1.26]:25");
	add_sent(s, "Feb 21 09:10:01", "b@gmail.com",
	         "gmail-smtp-in.l.google.com[142.250.1.27]:25");
	add_unknown_user(s, "Feb 21 09:20:00", "gone@example.com");
	add_unknown_user(s, "Feb 21 10:20:00", "left@example.com");
	add_mailbox_full(s, "Feb 21 10:30:00", "full@example.org");
	add_mailbox_full(s, "Feb 21 11:30:00", "full@example.org");
	add(s, SMTPCLASS_STATUS_REJECTED, "Feb 21 11:40:00", "postmaster@our.example",
	    "unknown[203.0.113.5]", "554 5.7.1 Service unavailable; client [203.0.113.5] blocked",
	    "hard", "blocked", "check-reputation");
	return s;
}

static void test_totals(void **state)
{
	struct summary *s = sample_summary(20);
	char *json = json_of(s, NULL);

	(void)state;
	assert_contains(json, "\"schema\": \"" SUMMARY_SCHEMA "\"");
	assert_contains(json, "\"records\": 7,");
	assert_contains(json, "\"totals\": {\"sent\": 2, \"deferred\": 2, \"bounced\": 2, "
	                      "\"expired\": 0, \"rejected\": 1}");
	/* two deferral events of one message (same queue id and recipient) */
	assert_contains(json, "\"deferrals\": {\"events\": 2, \"messages\": 1}");
	assert_contains(json, "\"verdicts\": {\"unknown\": 0, \"success\": 2, \"intermediate\": 0, "
	                      "\"soft\": 2, \"hard\": 3}");
	assert_contains(json, "\"reasons\": {\"delivered\": 2, \"mailboxfull\": 2, "
	                      "\"userunknown\": 2, \"blocked\": 1}");
	assert_contains(json, "\"time_span\": {\"first\": \"Feb 21 09:00:01\", "
	                      "\"last\": \"Feb 21 11:40:00\"}");
	assert_contains(json, "{\"domain\": \"example.com\", \"records\": 2, \"error\": 0, "
	                      "\"sent\": 0, \"deferred\": 0, \"bounced\": 2, \"expired\": 0, "
	                      "\"rejected\": 0, \"reasons\": {\"userunknown\": 2}}");
	/* a host is its name without address and port */
	assert_contains(json, "{\"host\": \"gmail-smtp-in.l.google.com\", \"records\": 2,");
	/* the reject this server sent is on the inbound side only */
	assert_lacks(json, "{\"host\": \"203.0.113.5\"");
	assert_contains(json, "\"domain_count\": 3,\n  \"domains\"");
	assert_contains(json, "\"group_count\": 2,");
	assert_contains(json, "\"inbound\": {\n    \"records\": 1,\n    \"reasons\": "
	                      "{\"blocked\": 1},\n    \"actions\": {\"check-reputation\": 1},\n"
	                      "    \"client_count\": 1,\n    \"clients\": [\n      "
	                      "{\"client\": \"203.0.113.5\", \"records\": 1, \"error\": 0, "
	                      "\"sent\": 0, \"deferred\": 0, \"bounced\": 0, \"expired\": 0, "
	                      "\"rejected\": 1, \"reasons\": {\"blocked\": 1}}\n    ],\n"
	                      "    \"domain_count\": 1,\n    \"domains\": [\n      "
	                      "{\"domain\": \"our.example\", \"records\": 1,");
	/* one group for both unknown users, with both domains' counts */
	assert_contains(json, "{\"template\": \"550 5.1.1 <{addr}>: Recipient address rejected: "
	                      "User unknown\", \"count\": 2, \"error\": 0, \"verdict\": \"hard\", "
	                      "\"reason\": \"userunknown\", \"action\": \"remove-address\", "
	                      "\"domains\": {\"example.com\": 2}, \"example\": \"550 5.1.1 "
	                      "<gone@example.com>: Recipient address rejected: User unknown\"}");
	assert_contains(json, "{\"hour\": \"Feb 21 09:00\", \"records\": 3, \"sent\": 2, "
	                      "\"deferred\": 0, \"bounced\": 1,");
	assert_contains(json, "\"approximate\": false");
	assert_contains(json, "\"capped\": []");
	assert_contains(json, "\"addresses\": {\"remove\": 2, \"soft\": 1}");
	free(json);
	summary_free(s);
}

static void test_addresses(void **state)
{
	struct summary *s = summary_create(20);
	char *remove, *soft;

	(void)state;
	assert_non_null(s);
	add_unknown_user(s, "Feb 21 09:00:00", "gone@example.com");
	add_unknown_user(s, "Feb 21 09:00:01", "gone@example.com"); /* listed once */
	add_unknown_user(s, "Feb 21 09:00:02", "Back@Example.COM");
	add_sent(s, "Feb 21 10:00:00", "back@example.com", "mx.example.com"); /* delivered later */
	add_mailbox_full(s, "Feb 21 09:00:03", "full@example.org");
	add_mailbox_full(s, "Feb 21 09:00:04", "soft-then-hard@example.org");
	add_unknown_user(s, "Feb 21 09:00:05", "soft-then-hard@example.org");
	add_unknown_user(s, "Feb 21 09:00:06", "hard-then-soft@example.org");
	add_mailbox_full(s, "Feb 21 09:00:07", "hard-then-soft@example.org");
	add(s, SMTPCLASS_STATUS_BOUNCED, "Feb 21 09:00:08", "blocked@example.net", "mx",
	    "554 5.7.1 blocked", "hard", "blocked", "check-reputation");
	add(s, SMTPCLASS_STATUS_REJECTED, "Feb 21 09:00:09", "local@our.example", "client",
	    "550 5.1.1 <local@our.example>: User unknown", "hard", "userunknown", "remove-address");
	/* remove-address on a bare basic code is confidence low: kept */
	add(s, SMTPCLASS_STATUS_BOUNCED, "Feb 21 09:00:10", "bare@example.net", "mx", "550", "hard",
	    "userunknown", "remove-address");
	remove = addresses_of(s, 0);
	soft = addresses_of(s, 1);
	assert_string_equal(remove, "gone@example.com\nsoft-then-hard@example.org\n");
	assert_string_equal(soft, "full@example.org\n");
	free(remove);
	free(soft);
	summary_free(s);
}

/* A file read out of order does not make an old outcome the latest. */
static void test_addresses_out_of_order(void **state)
{
	struct summary *s = summary_create(20);
	char *remove;

	(void)state;
	assert_non_null(s);
	add_sent(s, "Feb 21 12:00:00", "x@example.com", "mx");
	add_unknown_user(s, "Feb 21 13:00:00", "x@example.com");
	add_sent(s, "Feb 21 11:00:00", "x@example.com", "mx"); /* an older line */
	remove = addresses_of(s, 0);
	assert_string_equal(remove, "x@example.com\n");
	free(remove);
	summary_free(s);
}

/* Issue 20, finding 1: --addresses=remove stopped at 32,768 recipients
 * (the table's capacity), and a recipient that hard-bounced came back as
 * "soft" after its entry was replaced.  The list is exact now. */
static void test_addresses_exact_past_default(void **state)
{
	struct summary_limits limits = {0};
	struct summary *s;
	char recipient[64], *remove, *soft, *line;
	int out_of_memory, n = 0;

	(void)state;
	limits.addresses = SUMMARY_ADDRESSES_MAX;
	s = summary_create_limited(0, &limits);
	assert_non_null(s);
	add_unknown_user(s, "Feb 21 09:00:00", "first@example.com");
	for (int i = 0; i < 40000; i++) {
		snprintf(recipient, sizeof(recipient), "user%05d@example.org", i);
		add_mailbox_full(s, "Feb 21 09:00:01", recipient);
	}
	add_mailbox_full(s, "Feb 21 09:00:02", "first@example.com"); /* hard before: not soft */
	remove = addresses_of(s, 0);
	soft = addresses_of(s, 1);
	assert_string_equal(remove, "");
	for (line = soft; (line = strchr(line, '\n')) != NULL; line++)
		n++;
	assert_int_equal(n, 40000);
	assert_lacks(soft, "first@example.com");
	assert_true(strncmp(soft, "user00000@example.org\nuser00001@example.org\n", 44) == 0);
	assert_int_equal(summary_addresses_refused(s, &out_of_memory), 0);
	assert_int_equal(out_of_memory, 0);
	free(remove);
	free(soft);
	summary_free(s);
}

/* Issue 20, finding 4: the summary's hashes had a fixed seed, so names
 * whose hashes collide could be chosen by a remote sender.  The seed is
 * drawn at random once per run (2^-64 chance of this failing by luck). */
static void test_hash_seed_random(void **state)
{
	struct summary *s = summary_create(0);

	(void)state;
	assert_non_null(s);
	assert_true(hash_seed != 0x243f6a8885a308d3ull);
	summary_free(s);
}

/* At its bound the set refuses new addresses and counts them; the ones it
 * holds keep their history. */
static void test_addresses_bound(void **state)
{
	struct summary_limits limits = {0};
	struct summary *s;
	char *remove, *json;
	int out_of_memory;

	(void)state;
	limits.addresses = 2;
	s = summary_create_limited(0, &limits);
	assert_non_null(s);
	add_unknown_user(s, "Feb 21 09:00:00", "a@example.com");
	add_unknown_user(s, "Feb 21 09:00:01", "b@example.com");
	add_unknown_user(s, "Feb 21 09:00:02", "c@example.com"); /* refused */
	add_unknown_user(s, "Feb 21 09:00:03", "d@example.com"); /* refused */
	add_unknown_user(s, "Feb 21 09:00:04", "a@example.com"); /* held already */
	remove = addresses_of(s, 0);
	assert_string_equal(remove, "a@example.com\nb@example.com\n");
	assert_int_equal(summary_addresses_refused(s, &out_of_memory), 2);
	assert_int_equal(out_of_memory, 0);
	json = json_of(s, NULL);
	assert_contains(json, "\"capped\": [\"addresses\"]");
	free(json);
	free(remove);
	summary_free(s);
}

/* ---- Space-Saving ------------------------------------------------------------- */

/* Ranking only the rows a report shows gives the rows, and the order, of
 * the full sort: counts with many ties, keys shared by entries of another
 * tag (ties end on the entry number), every cut from 1 to past the end. */
static void test_rank_kept_rows(void **state)
{
	struct topk t;
	struct ranked *all, *kept;
	size_t n_all, n_kept;
	char key[16];
	int fresh;

	(void)state;
	assert_int_equal(topk_init(&t, 256, 16, 16, 0), 0);
	for (unsigned i = 0; i < 200; i++) {
		int len = snprintf(key, sizeof(key), "k%u", (i * 37) % 23);

		topk_add(&t, hash_bytes(HASH_SEED, key, (size_t)len) ^ mix(i % 3 + 1),
		         (uint16_t)(i % 3), key, (size_t)len, 1 + (i * 7919) % 5, 0, &fresh);
	}
	all = rank_groups(&t, 0, &n_all);
	assert_non_null(all);
	for (size_t keep = 1; keep <= n_all + 2; keep++) {
		kept = rank_groups(&t, keep, &n_kept);
		assert_non_null(kept);
		assert_int_equal(n_kept, n_all);
		for (size_t k = 0; k < keep && k < n_all; k++)
			assert_int_equal(kept[k].index, all[k].index);
		free(kept);
	}
	free(all);
	topk_free(&t);
}

static void test_space_saving(void **state)
{
	struct summary_limits limits = {4, 4, 4, 4, 4, 4, 2};
	struct summary *s = summary_create_limited(0, &limits);
	char recipient[64], *json;

	(void)state;
	assert_non_null(s);
	/* three heavy domains, then a stream of one-off domains: Space-Saving
	 * keeps the heavy ones while the one-offs stay lighter than them (a
	 * longer stream would climb past heavy3's 10 and replace it) */
	for (int i = 0; i < 30; i++) {
		add_unknown_user(s, "Feb 21 09:00:00", "a@heavy1.example");
		if (i % 2 == 0)
			add_unknown_user(s, "Feb 21 09:00:00", "a@heavy2.example");
		if (i % 3 == 0)
			add_unknown_user(s, "Feb 21 09:00:00", "a@heavy3.example");
	}
	for (int i = 0; i < 8; i++) {
		snprintf(recipient, sizeof(recipient), "a@light%d.example", i);
		add_unknown_user(s, "Feb 21 09:00:00", recipient);
	}
	json = json_of(s, NULL);
	/* the heavy ones are kept with exact counts (they never left) */
	assert_contains(json, "{\"domain\": \"heavy1.example\", \"records\": 30, \"error\": 0,");
	assert_contains(json, "{\"domain\": \"heavy2.example\", \"records\": 15, \"error\": 0,");
	assert_contains(json, "{\"domain\": \"heavy3.example\", \"records\": 10, \"error\": 0,");
	/* the last slot churned: light k replaced light k - 1 and inherited its
	 * count, so its count (k + 1) is an upper bound off by its error (k) */
	assert_contains(json, "{\"domain\": \"light7.example\", \"records\": 8, \"error\": 7,");
	assert_lacks(json, "light0.example");
	assert_contains(json, "\"approximate\": true");
	assert_contains(json, "\"capped\": [\"domains\", \"addresses\"]");
	assert_contains(json, "\"domain_count\": 11,");
	/* totals stay exact */
	assert_contains(json, "\"bounced\": 63,");
	assert_int_equal(summary_approximate(s), 1);
	free(json);
	summary_free(s);
}

static void test_not_capped(void **state)
{
	struct summary *s = sample_summary(20);

	(void)state;
	assert_int_equal(summary_approximate(s), 0);
	summary_free(s);
}

/* --top cuts the lists, not the counts. */
static void test_top(void **state)
{
	struct summary *s = sample_summary(1);
	char *json = json_of(s, NULL);

	(void)state;
	assert_contains(json, "\"domain_count\": 3,");
	assert_lacks(json, "\"domain\": \"example.org\"");
	assert_contains(json, "\"approximate\": false");
	free(json);
	summary_free(s);
}

/* ---- Delays -------------------------------------------------------------------- */

/* Queue times as the MTAs write them (../shared/reference/mta-logs.md):
 * Postfix delay=0.21, Sendmail delay=00:01:00 (days as "1+"), Exim
 * QT=27s and OpenSMTPD delay=1s (units, largest first). */
static const struct {
	const char *text;
	int ok;
	unsigned long long ms;
} delay_texts[] = {
    {"0.21", 1, 210},
    {"6.2", 1, 6200},
    {"12", 1, 12000},
    {"0", 1, 0},
    {"00:01:00", 1, 60000},
    {"00:00:17", 1, 17000},
    {"1+02:03:04", 1, 93784000},
    {"27s", 1, 27000},
    {"0s", 1, 0},
    {"1s", 1, 1000},
    {"0.250s", 1, 250},
    {"1d2h3m4s", 1, 93784000},
    {"4m12s", 1, 252000},
    {"1w", 1, 604800000},
    {"", 0, 0},
    {"s", 0, 0},
    {"abc", 0, 0},
    {"1x", 0, 0},
    {"2m1h", 0, 0}, /* units largest first */
    {"1m1m", 0, 0}, /* each unit once */
    {"1.5m", 0, 0}, /* a fraction only of seconds */
    {"6.", 0, 0},   /* a point without digits */
    {"1:02", 0, 0}, /* hh:mm:ss in full */
    {"00:01:00x", 0, 0},
    {"99999999999999999999", 0, 0},
    {"4000w", 0, 0}, /* past ten years: no queue time */
};

static void test_delay_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(delay_texts); i++) {
		unsigned long long ms = 12345;
		int ok = delay_parse_ms(delay_texts[i].text, strlen(delay_texts[i].text), &ms);

		if (ok != delay_texts[i].ok || (ok && ms != delay_texts[i].ms))
			fail_msg("\"%s\": %d, %llu ms; expected %d, %llu ms", delay_texts[i].text,
			         ok, ms, delay_texts[i].ok, delay_texts[i].ms);
	}
}

/* Each bucket starts where the one before ends, a third of an octave up;
 * a percentile is the upper bound of its bucket, at most 26% above the
 * true value and never above the maximum. */
static void test_delay_buckets(void **state)
{
	struct delay_stats d;

	(void)state;
	assert_int_equal(delay_bucket_floor(1), 125);
	assert_int_equal(delay_bucket_floor(2), 157);
	assert_int_equal(delay_bucket_floor(4), 250);
	for (size_t b = 1; b < DELAY_BUCKETS; b++) {
		unsigned long long floor = delay_bucket_floor(b);

		assert_true(floor > delay_bucket_floor(b - 1));
		assert_true(floor * 100 <= delay_bucket_floor(b - 1) * 127 || b == 1);
		assert_int_equal(delay_bucket(floor), b);
		assert_int_equal(delay_bucket(floor - 1), b - 1);
		assert_int_equal(delay_bucket_at(floor), b);
		assert_int_equal(delay_bucket_at(floor + 1), DELAY_BUCKETS);
	}
	assert_int_equal(delay_bucket(DELAY_MAX_MS), DELAY_BUCKETS - 1);
	assert_int_equal(delay_bucket(~0ULL), DELAY_BUCKETS - 1);
	/* delay_bucket() computes what a search of the floors finds: every ms
	 * up to 2^20, then a spread of larger ones */
	for (unsigned long long ms = 0; ms < (1ULL << 40);
	     ms = ms < (1u << 20) ? ms + 1 : ms * 9 / 8) {
		size_t want = 0;

		while (want + 1 < DELAY_BUCKETS && delay_bucket_floor(want + 1) <= ms)
			want++;
		if (delay_bucket(ms) != want)
			fail_msg("delay_bucket(%llu) = %zu, the floors say %zu", ms,
			         delay_bucket(ms), want);
	}

	memset(&d, 0, sizeof(d));
	assert_int_equal(delay_percentile_ms(&d, 950), 0);
	assert_int_equal(delay_average_ms(&d), 0);
	for (unsigned long long s = 1; s <= 100; s++)
		delay_add(&d, s * 1000);
	assert_int_equal(d.count, 100);
	assert_int_equal(d.max_ms, 100000);
	assert_int_equal(delay_average_ms(&d), 50500);
	assert_true(delay_percentile_ms(&d, 950) >= 95000);
	assert_true(delay_percentile_ms(&d, 950) <= 95000 * 126 / 100);
	assert_int_equal(delay_percentile_ms(&d, 1000), 100000);
	delay_add(&d, 90);
	assert_true(delay_percentile_ms(&d, 1) <= 125);
}

static void test_delay_text(void **state)
{
	static const struct {
		unsigned long long ms;
		const char *text;
	} cases[] = {{0, "0ms"},        {340, "340ms"},     {4200, "4.2s"},      {27000, "27s"},
	             {252000, "4m12s"}, {7500000, "2h05m"}, {273600000, "3d04h"}};
	char text[32];

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		delay_text(cases[i].ms, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
	}
}

/* Deliveries with a delay= are counted in all and by domain; deferrals
 * and records without one are not; the report and the JSON show them,
 * and a merge reads them back to the same JSON. */
static void test_delays_summary(void **state)
{
	struct summary *s = summary_create(0), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json, *text, *again;

	(void)state;
	assert_non_null(s);
	assert_non_null(merged);
	next_delay = "0.21";
	add_sent(s, "Nov 27 21:57:04", "a@gmail.test", "mx[192.0.2.1]:25");
	next_delay = "6.2";
	add_sent(s, "Nov 27 21:57:05", "b@gmail.test", "mx[192.0.2.1]:25");
	next_delay = "00:01:00";
	add_sent(s, "Nov 27 21:57:06", "c@example.org", "mx[192.0.2.2]:25");
	add_sent(s, "Nov 27 21:57:07", "d@example.org", "mx[192.0.2.2]:25");
	next_delay = "3h"; /* a deferral's wait so far: not a delivery delay */
	add_mailbox_full(s, "Nov 27 21:57:08", "e@example.org");

	json = json_of(s, &len);
	assert_contains(json, "\"delays\": {\"delivered\": 3, \"total_ms\": 66410, "
	                      "\"average_ms\": 22137, \"p95_ms\": 60000, \"max_ms\": 60000, "
	                      "\"buckets\": {\"198\": 1, \"5024\": 1, \"50688\": 1}}");
	assert_contains(json, "\"delays\": {\"delivered\": 2, \"total_ms\": 6410, "
	                      "\"average_ms\": 3205, \"p95_ms\": 6200, \"max_ms\": 6200");
	text = text_of(s, 0);
	assert_contains(text, "Delivery delays (time in the queue): 3 deliveries, average 22s, "
	                      "95% within 1m00s, longest 1m00s; 2 of 2 domains");
	assert_contains(text, "gmail.test");
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	again = json_of(merged, NULL);
	assert_string_equal(again, json);
	free(again);
	free(text);
	free(json);
	summary_free(merged);
	summary_free(s);
}

/* A document whose delays say two things at once is refused. */
static void test_delays_refused(void **state)
{
	static const struct {
		const char *from, *to, *message;
	} edits[] = {
	    {"\"delivered\": 1, \"total_ms\": 6200", "\"delivered\": 0, \"total_ms\": 6200",
	     "do not add up to the deliveries"},
	    {"\"delivered\": 1, \"total_ms\": 6200", "\"delivered\": 2, \"total_ms\": 6200",
	     "more deliveries than the document allows"},
	    {"\"buckets\": {\"5024\": 1}", "\"buckets\": {\"5025\": 1}",
	     "not a bucket's lower bound"},
	    {"\"max_ms\": 6200", "\"max_ms\": 99999", "not in the last bucket that holds any"},
	    {"\"delivered\": 1, \"total_ms\": 6200", "\"delivered\": 1, \"total_ms\": 100",
	     "below what the buckets allow"},
	    {"\"delivered\": 1, \"total_ms\": 6200", "\"delivered\": 1, \"total_ms\": 6300",
	     "above deliveries times the longest"},
	};
	struct summary *s = summary_create(0);
	size_t len;
	char *json;

	(void)state;
	next_delay = "6.2";
	add_sent(s, "Nov 27 21:57:05", "b@gmail.test", "mx[192.0.2.1]:25");
	add_mailbox_full(s, "Nov 27 21:57:08", "e@example.org"); /* records 2, sent 1 */
	json = json_of(s, &len);
	for (size_t i = 0; i < COUNT(edits); i++) {
		struct summary *merged = summary_create(0);
		char error[256], *doc = malloc(len + 64), *at = strstr(json, edits[i].from);
		size_t offset, head, doc_len;

		assert_non_null(merged);
		assert_non_null(doc);
		assert_non_null(at);
		head = (size_t)(at - json);
		memcpy(doc, json, head);
		doc_len = (size_t)snprintf(doc + head, len + 64 - head, "%s%s", edits[i].to,
		                           at + strlen(edits[i].from)) +
		          head;
		assert_int_equal(
		    summary_merge_json(merged, doc, doc_len, &offset, error, sizeof(error)), -1);
		if (strstr(error, edits[i].message) == NULL)
			fail_msg("edit %zu: \"%s\", expected \"%s\"", i, error, edits[i].message);
		free(doc);
		summary_free(merged);
	}
	free(json);
	summary_free(s);
}

/* ---- Warnings ------------------------------------------------------------------ */

/* A record of an event as the scanner reports it (test_logscan checks the
 * scanner): status NONE, the event's kind, a Postfix time stamp; the caller
 * fills in the event's own fields and adds it. */
static void event_record(struct test_record *t, int kind, const char *time)
{
	memset(t, 0, sizeof(*t));
	t->log.mta = SMTPCLASS_MTA_POSTFIX;
	t->log.time = span_of(time);
	t->log.event = kind;
	t->record.source = "test";
	t->record.line = 1;
	t->record.reply = &t->reply;
	t->record.result = &t->result;
	t->record.log = &t->log;
}

/* A connection event: the peer's address and the command. */
static void add_event(struct summary *s, int kind, const char *relay, const char *command)
{
	struct test_record t;

	event_record(&t, kind, "May 11 04:02:33");
	t.log.relay = span_of(relay);
	t.log.command = span_of(command);
	summary_add(s, &t.record);
}

/* The summary's JSON merged into an empty summary writes the same JSON. */
static void assert_merges_back(const char *json, size_t len)
{
	struct summary *merged = summary_create(0);
	size_t offset;
	char error[256], *again;

	assert_non_null(merged);
	if (summary_merge_json(merged, json, len, &offset, error, sizeof(error)) != 0)
		fail_msg("byte %zu: %s", offset, error);
	again = json_of(merged, NULL);
	assert_string_equal(again, json);
	free(again);
	summary_free(merged);
}

/* The JSON with the byte after the first `at` set to `digit` is refused by
 * --merge with an error that says `why`. */
static void assert_refused_with(const char *json, const char *at, char digit, const char *why)
{
	struct summary *bad = summary_create(0);
	size_t offset;
	char error[256], *doc = strdup(json), *where;

	assert_non_null(bad);
	assert_non_null(doc);
	where = strstr(doc, at);
	assert_non_null(where);
	where[strlen(at)] = digit;
	assert_int_equal(summary_merge_json(bad, doc, strlen(doc), &offset, error, sizeof(error)),
	                 -1);
	assert_contains(error, why);
	free(doc);
	summary_free(bad);
}

/* Events are no records: counted by kind and in their tables, shown in the
 * text and JSON reports, merged back to the same JSON; a document whose
 * table counts pass their kind's total is refused. */
static void test_warnings(void **state)
{
	struct summary *s = summary_create(0);
	size_t len;
	char *json, *text;

	(void)state;
	assert_non_null(s);
	add_event(s, SMTPCLASS_EVENT_AUTH_FAILED, "203.0.113.42", NULL);
	add_event(s, SMTPCLASS_EVENT_AUTH_FAILED, "203.0.113.42", NULL);
	add_event(s, SMTPCLASS_EVENT_AUTH_FAILED, "192.0.2.1", NULL);
	add_event(s, SMTPCLASS_EVENT_TLS_FAILED, "203.0.113.10", NULL);
	add_event(s, SMTPCLASS_EVENT_LOST, "192.0.2.23", "AUTH");
	add_event(s, SMTPCLASS_EVENT_TIMEOUT, "192.0.2.23", "AUTH");
	add_event(s, SMTPCLASS_EVENT_LOST, "192.0.2.5", NULL);
	add_sent(s, "May 11 04:02:34", "a@example.org", "mx[192.0.2.2]:25");

	json = json_of(s, &len);
	assert_contains(json, "\"records\": 1,");
	assert_contains(json, "\"auth_failed\": 3, \"tls_failed\": 1, \"lost\": 2, \"timeout\": 1");
	assert_contains(json, "{\"client\": \"203.0.113.42\", \"count\": 2, \"error\": 0}");
	assert_contains(json, "{\"event\": \"timeout\", \"command\": \"AUTH\", \"count\": 1");
	assert_contains(json, "{\"event\": \"lost\", \"command\": \"\", \"count\": 1");
	text = text_of(s, 0);
	assert_contains(text, "Warnings: 3 failed SMTP AUTH, 1 failed TLS handshakes, 2 lost "
	                      "connections, 1 timeouts");
	assert_merges_back(json, len);
	/* 5 failed logins of one client, of 3 in all */
	assert_refused_with(json, "\"client\": \"203.0.113.42\", \"count\": ", '5',
	                    "a count above its kind's total");
	free(text);
	free(json);
	summary_free(s);
}

/* A message entering the queue, as the scanner reports it. */
static void add_queued(struct summary *s, const char *queue_id, const char *sender,
                       const char *size)
{
	struct test_record t;

	event_record(&t, SMTPCLASS_EVENT_QUEUED, "Oct 10 15:59:28");
	t.log.queue_id = span_of(queue_id);
	t.log.sender = span_of(sender);
	t.log.size = span_of(size);
	summary_add(s, &t.record);
}

/* Each queue id once (Postfix logs from= again when a deferred message
 * re-enters the active queue), by sender and sender domain, the null
 * sender as "<>"; merged back to the same JSON; a sender above the
 * document's messages is refused. */
static void test_senders(void **state)
{
	struct summary *s = summary_create(0);
	size_t len;
	char *json, *text;

	(void)state;
	assert_non_null(s);
	add_queued(s, "C6E0DDB74006", "test@example.com", "309891");
	add_queued(s, "C6E0DDB74006", "test@example.com", "309891"); /* again: not counted */
	add_queued(s, "3D74ADB7400B", "other@example.com", "2140");
	add_queued(s, "6526CDB7400B", NULL, "4118");

	json = json_of(s, &len);
	assert_contains(json, "\"records\": 0,");
	assert_contains(json, "\"messages\": 3, \"bytes\": 316149, \"largest\": 309891,");
	assert_contains(json,
	                "{\"sender\": \"<>\", \"messages\": 1, \"bytes\": 4118, \"error\": 0}");
	assert_contains(json, "{\"domain\": \"example.com\", \"messages\": 2, \"bytes\": 312031");
	text = text_of(s, 0);
	assert_contains(text, "Queued messages: 3, 316.1 kB (average 105.3 kB, largest 309.8 kB)");
	assert_merges_back(json, len);
	assert_refused_with(json, "\"domain\": \"example.com\", \"messages\": ", '7',
	                    "a count above the document's");
	free(text);
	free(json);
	summary_free(s);
}

/* ---- Merging ------------------------------------------------------------------- */

static void test_merge_round_trip(void **state)
{
	struct summary *s = sample_summary(0), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json = json_of(s, &len), *again;

	(void)state;
	assert_non_null(merged);
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	again = json_of(merged, NULL);
	assert_string_equal(again, json);
	assert_int_equal(summary_merged(merged), 1);
	free(again);
	free(json);
	summary_free(merged);
	summary_free(s);
}

static void test_merge_doubles(void **state)
{
	struct summary *s = sample_summary(0), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json = json_of(s, &len), *twice;

	(void)state;
	assert_non_null(merged);
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	twice = json_of(merged, NULL);
	assert_contains(twice, "\"records\": 14,");
	assert_contains(twice, "\"totals\": {\"sent\": 4, \"deferred\": 4, \"bounced\": 4, "
	                       "\"expired\": 0, \"rejected\": 2}");
	assert_contains(twice, "\"deferrals\": {\"events\": 4, \"messages\": 2}");
	assert_contains(twice, "{\"domain\": \"example.com\", \"records\": 4, \"error\": 0, "
	                       "\"sent\": 0, \"deferred\": 0, \"bounced\": 4,");
	assert_contains(twice, "\"count\": 4, \"error\": 0, \"verdict\": \"hard\", "
	                       "\"reason\": \"userunknown\", \"action\": \"remove-address\", "
	                       "\"domains\": {\"example.com\": 4}");
	assert_contains(twice, "{\"hour\": \"Feb 21 09:00\", \"records\": 6, \"sent\": 4,");
	assert_contains(twice, "\"addresses\": {\"remove\": 4, \"soft\": 2}");
	assert_contains(twice, "\"time_span\": {\"first\": \"Feb 21 09:00:01\", "
	                       "\"last\": \"Feb 21 11:40:00\"}");
	free(twice);
	free(json);
	summary_free(merged);
	summary_free(s);
}

/* Two hosts' summaries: sums, and the union of the lists re-ranked. */
static void test_merge_two_hosts(void **state)
{
	struct summary *a = summary_create(0), *b = summary_create(0), *merged = summary_create(0);
	size_t len_a, len_b, offset;
	char error[256], *json_a, *json_b, *json;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(merged);
	add_unknown_user(a, "2024-02-21 09:00:00", "x@one.example");
	add_unknown_user(b, "2024-02-22 09:00:00", "y@two.example");
	add_unknown_user(b, "2024-02-22 09:00:01", "z@two.example");
	json_a = json_of(a, &len_a);
	json_b = json_of(b, &len_b);
	assert_int_equal(summary_merge_json(merged, json_a, len_a, &offset, error, sizeof(error)),
	                 0);
	assert_int_equal(summary_merge_json(merged, json_b, len_b, &offset, error, sizeof(error)),
	                 0);
	json = json_of(merged, NULL);
	assert_contains(json, "\"time_span\": {\"first\": \"2024-02-21 09:00:00\", "
	                      "\"last\": \"2024-02-22 09:00:01\"}");
	assert_contains(json, "\"domains\": [\n    {\"domain\": \"two.example\", \"records\": 2,");
	assert_contains(json, "{\"domain\": \"one.example\", \"records\": 1,");
	assert_contains(json, "\"domains\": {\"two.example\": 2, \"one.example\": 1}");
	assert_contains(json, "{\"hour\": \"2024-02-21 09:00\", \"records\": 1,");
	assert_contains(json, "{\"hour\": \"2024-02-22 09:00\", \"records\": 2,");
	free(json);
	free(json_a);
	free(json_b);
	summary_free(a);
	summary_free(b);
	summary_free(merged);
}

/* A summary listing only its top entries makes the merge approximate. */
static void test_merge_cut_lists(void **state)
{
	struct summary *s = sample_summary(1), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json = json_of(s, &len), *out;

	(void)state;
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	out = json_of(merged, NULL);
	assert_contains(out, "\"approximate\": true");
	assert_contains(out, "\"capped\": [\"domains\", \"hosts\", \"groups\"]");
	assert_contains(out, "\"domain_count\": 3,");
	free(out);
	free(json);
	summary_free(merged);
	summary_free(s);
}

/* A summary written before the inbound side was split off has no
 * "inbound": it still merges, its rejects counted where it had them. */
static void test_merge_without_inbound(void **state)
{
	struct summary *s = sample_summary(0), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json = json_of(s, &len), *out;
	char *start = strstr(json, "  \"inbound\": {"), *end;

	(void)state;
	assert_non_null(merged);
	assert_non_null(start);
	end = strstr(start, "\n  },\n");
	assert_non_null(end);
	end += strlen("\n  },\n");
	memmove(start, end, strlen(end) + 1);
	assert_null(strstr(json, "inbound"));
	assert_int_equal(
	    summary_merge_json(merged, json, strlen(json), &offset, error, sizeof(error)), 0);
	out = json_of(merged, NULL);
	assert_contains(out, "\"records\": 7,");
	assert_contains(out, "\"rejected\": 1}");
	assert_contains(out, "\"inbound\": {\n    \"records\": 0,");
	free(out);
	free(json);
	summary_free(merged);
	summary_free(s);
}

/* ---- The JSON reader ------------------------------------------------------------ */

struct bad_json {
	const char *name;
	const char *text;
	size_t offset; /* (size_t)-1: the length of the text */
	const char *message;
};

#define AT_END ((size_t)-1)

/* clang-format off */
static const struct bad_json bad_json[] = {
	{"empty", "", AT_END, "unexpected end of input"},
	{"blank", "  \n", AT_END, "unexpected end of input"},
	{"truncated object", "{\"schema\": \"smtpclass-summary/1\"", AT_END, "unexpected end of input"},
	{"truncated string", "{\"schema\": \"smtpcl", AT_END, "unexpected end of input in a string"},
	{"truncated literal", "{\"approximate\": tr", AT_END, "unexpected end of input"},
	{"truncated escape", "{\"a\": [\"\\u00", AT_END, "unexpected end of input in a string"},
	{"trailing data", "{} {}", 3, "data after the JSON document"},
	{"trailing comma", "{\"a\": [1,]}", 9, "unexpected character"},
	{"single quotes", "{'a': 1}", 1, "expected a string as member name"},
	{"missing colon", "{\"a\" 1}", 5, "expected ':' after a member name"},
	{"leading zero", "{\"a\": [01]}", 7, "number with a leading zero"},
	{"bare minus", "{\"a\": [-]}", 8, "invalid number"},
	{"fraction without digits", "{\"a\": [1.]}", 9, "invalid number"},
	{"control character", "{\"a\": [\"a\tb\"]}", 9, "control character in a string"},
	{"bad escape", "{\"a\": [\"\\x\"]}", 8, "invalid escape in a string"},
	{"lone low surrogate", "{\"a\": [\"\\udc00\"]}", 8, "lone low surrogate in a string"},
	{"lone high surrogate", "{\"a\": [\"\\ud800x\"]}", 8, "lone high surrogate in a string"},
	{"invalid UTF-8", "{\"a\": [\"\xc3\x28\"]}", 8, "invalid UTF-8 in a string"},
	{"too deep", "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", 38, "nested too deeply"},
	{"not an object", "[1]", 0, "expected an object"},
	{"not an object after blanks", " \n 7", 3, "expected an object"},
	/* issue 20, finding 2: one document read two ways */
	{"member name twice", "{\"a\": 1, \"b\": 2, \"a\": 3}", 17, "member name given twice"},
	{"member name twice, escaped", "{\"ab\": 1, \"a\\u0062\": 2}", 10, "member name given twice"},
	{"member name twice, nested", "{\"x\": {\"sent\": 1, \"sent\": 2}}", 18, "member name given twice"},
	{"no schema", "{}", 0, "member \"schema\": missing"},
	{"schema not a string", "{\"schema\": 1}", 11, "schema: expected a string"},
	{"other schema", "{\"schema\": \"other/1\"}", 11, "schema: not \"smtpclass-summary/1\""},
};
/* clang-format on */

/* A valid summary with one value replaced: a key's value in the sample. */
static char *sample_with(const char *find, const char *replace, size_t *offset)
{
	struct summary *s = sample_summary(0);
	char *json = json_of(s, NULL), *at = strstr(json, find), *out;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - json);
	out = malloc(strlen(json) - strlen(find) + strlen(replace) + 1);
	assert_non_null(out);
	memcpy(out, json, head);
	memcpy(out + head, replace, strlen(replace));
	memcpy(out + head + strlen(replace), at + strlen(find), strlen(at + strlen(find)) + 1);
	*offset = head;
	free(json);
	summary_free(s);
	return out;
}

static void expect_error(struct summary *s, const char *name, const char *text, size_t len,
                         size_t offset, const char *message)
{
	size_t got_offset = 0;
	char error[256];

	if (summary_merge_json(s, text, len, &got_offset, error, sizeof(error)) == 0)
		fail_msg("%s: accepted", name);
	if (got_offset != offset || strstr(error, message) == NULL)
		fail_msg("%s: byte %zu: %s (expected byte %zu: %s)", name, got_offset, error,
		         offset, message);
}

static void test_json_errors(void **state)
{
	struct summary *s = summary_create(0);
	char *before = json_of(s, NULL), *after;

	(void)state;
	for (size_t i = 0; i < COUNT(bad_json); i++) {
		size_t len = strlen(bad_json[i].text);

		expect_error(s, bad_json[i].name, bad_json[i].text, len,
		             bad_json[i].offset == AT_END ? len : bad_json[i].offset,
		             bad_json[i].message);
	}
	after = json_of(s, NULL);
	assert_string_equal(before, after); /* nothing was added */
	free(before);
	free(after);
	summary_free(s);
}

/* Wrong types inside a valid document: reported at the value, nothing added. */
static void test_json_wrong_types(void **state)
{
	static const struct {
		const char *find, *replace, *message;
		size_t shift; /* from the start of find to the value */
	} cases[] = {
	    {"\"sent\": 2,", "\"sent\": \"2\",", "totals: expected a count", 8},
	    {"\"sent\": 2,", "\"sent\": -2,", "totals: expected a count", 8},
	    {"\"sent\": 2,", "\"sent\": 2.5,", "totals: expected a count", 8},
	    {"\"sent\": 2,", "\"sent\": 99999999999999999999,", "totals: count too large", 8},
	    {"\"delivered\": 2", "\"lost\": 2", "reasons: unknown name", 0},
	    {"\"approximate\": false", "\"approximate\": 0", "approximate: expected true or false",
	     15},
	    {"\"domains\": [", "\"domains\": {\"a\": 1}, \"x\": [", "domains: expected an array",
	     11},
	    {"\"verdict\": \"hard\"", "\"verdict\": \"fatal\"", "verdict: unknown name", 11},
	    {"\"hour\": \"Feb 21 09:00\"", "\"hour\": \"morning\"", "hour: not an hour", 8},
	    {"\"capped\": []", "\"capped\": [\"everything\"]", "capped: unknown table name", 11},
	    {"\"template\": ", "\"templat\": ", "member \"template\": missing", 0},
	    /* issue 20, finding 2: a document that contradicts itself */
	    {"\"sent\": 2,", "\"sent\": 2, \"sent\": 2,", "member name given twice", 11},
	    {"\"sent\": 2,", "\"sent\": 2000,", "totals: count above the document's records", 8},
	    {"{\"sent\": 2, \"deferred\"", "{\"sent\": 5, \"deferred\"",
	     "totals: add up to more than the records", 0},
	    {"{\"unknown\": 0", "{\"unknown\": 1", "verdicts: do not add up to the records", 0},
	    {"{\"delivered\": 2", "{\"delivered\": 1", "reasons: do not add up to the records", 0},
	    {"{\"events\": 2, \"messages\": 1}", "{\"events\": 2, \"messages\": 3}",
	     "deferrals: more messages than events", 0},
	    /* the inbound side must fit the document's totals */
	    {"{\n    \"records\": 1,", "{\n    \"records\": 2,",
	     "inbound: more records than the rejected total", 0},
	    {"{\"blocked\": 1},\n    \"actions\"", "{\"spamdetected\": 1},\n    \"actions\"",
	     "reasons: a count above the document's", 0},
	    {"{\"blocked\": 1},\n    \"actions\"", "{\"blocked\": 0},\n    \"actions\"",
	     "reasons: do not add up to the inbound records", 0},
	    {"{\"check-reputation\": 1},\n    \"client_count\"",
	     "{\"fix-configuration\": 1},\n    \"client_count\"",
	     "actions: a count above the document's", 0},
	};
	struct summary *s = summary_create(0);
	char *before = json_of(s, NULL), *after;

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t offset;
		char *text = sample_with(cases[i].find, cases[i].replace, &offset);

		if (strstr(cases[i].message, "missing") != NULL) {
			/* reported at the object that lacks the member */
			while (offset > 0 && text[offset] != '{')
				offset--;
		} else {
			offset += cases[i].shift;
		}
		expect_error(s, cases[i].find, text, strlen(text), offset, cases[i].message);
		free(text);
	}
	after = json_of(s, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	summary_free(s);
}

/* Replaces the first find in text (malloc'd) by replace; frees text. */
static char *replaced(char *text, const char *find, const char *replace)
{
	char *at = strstr(text, find), *out;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - text);
	out = malloc(strlen(text) - strlen(find) + strlen(replace) + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	memcpy(out + head, replace, strlen(replace));
	memcpy(out + head + strlen(replace), at + strlen(find), strlen(at + strlen(find)) + 1);
	free(text);
	return out;
}

/* Issue 20, finding 2: sums over merged documents wrapped.  A sum past 2^53
 * (which the next --merge would refuse) refuses the document that makes it. */
static void test_merge_sum_bound(void **state)
{
	struct summary *empty = summary_create(0), *s = summary_create(0);
	char *json = json_of(empty, NULL), error[256];
	size_t offset;

	(void)state;
	json = replaced(json, "\"records\": 0,", "\"records\": 4503599627370497,");
	json = replaced(json, "\"unknown\": 0", "\"unknown\": 4503599627370497");
	json = replaced(json, "\"reasons\": {}", "\"reasons\": {\"delivered\": 4503599627370497}");
	assert_int_equal(summary_merge_json(s, json, strlen(json), &offset, error, sizeof(error)),
	                 0);
	expect_error(s, "second 2^52 + 1", json, strlen(json),
	             (size_t)(strstr(json, "\"records\": ") - json) + 11,
	             "records: the merged records pass 2^53");
	free(json);
	summary_free(empty);
	summary_free(s);
}

/* Escapes and non-ASCII text survive a round trip. */
static void test_json_strings(void **state)
{
	struct summary *s = summary_create(0), *merged = summary_create(0);
	size_t len, offset;
	char error[256], *json, *again;

	(void)state;
	add(s, SMTPCLASS_STATUS_BOUNCED, "Feb 21 09:00:00", "b\xc3\xb6rje@example.se", "mx",
	    "550 5.1.1 \"quoted\\path\" Bo\xc3\xaete inconnue \xf0\x9f\x93\xaa", "hard",
	    "userunknown", "remove-address");
	json = json_of(s, &len);
	assert_int_equal(summary_merge_json(merged, json, len, &offset, error, sizeof(error)), 0);
	again = json_of(merged, NULL);
	assert_string_equal(again, json);
	free(json);
	free(again);
	summary_free(s);
	summary_free(merged);
}

/* ---- Names as they are written ------------------------------------------------ */

#define FFFD "\xef\xbf\xbd" /* U+FFFD, as the JSON writer puts it for a byte it replaces */

/* Names go into the tables as the JSON writer writes them (table_name()). */
struct written_name {
	const char *name;
	const char *in;
	size_t len, max;
	const char *out;
};

/* clang-format off */
static const struct written_name written_names[] = {
	{"printable ASCII as it is",          "mx.example.com", 14, 255, "mx.example.com"},
	{"ASCII cut at the limit",            "abcdef",          6,   4, "abcd"},
	{"an ill-formed byte",                "x\xffy",          3, 255, "x" FFFD "y"},
	{"NUL, as the JSON writer writes it", "x\0y",            3, 255, "x" FFFD "y"},
	{"well-formed UTF-8 as it is",        "b\xc3\xb6rje",    6, 255, "b\xc3\xb6rje"},
	{"C1 control: well-formed, kept",     "a\xc2\x85",       3, 255, "a\xc2\x85"},
	{"controls kept: escaped, read back", "a\tb\x7f",        4, 255, "a\tb\x7f"},
	{"a cut never splits a character",    "ab\xc3\xb6",      4,   3, "ab"},
	{"the cut comes after replacing",     "\xff\xff",        2,   5, FFFD},
	{"an overlong: each byte",            "\xc0\x80",        2, 255, FFFD FFFD},
	{"a surrogate: each byte",            "\xed\xa0\x80",    3, 255, FFFD FFFD FFFD},
	{"a sequence cut off at the end",     "a\xe2\x82",       3, 255, "a" FFFD FFFD},
	{"past U+10FFFF",                     "\xf4\x90\x80\x80", 4, 255, FFFD FFFD FFFD FFFD},
	{"empty",                             "",                0, 255, ""},
};
/* clang-format on */

static void test_table_name(void **state)
{
	(void)state;
	for (size_t k = 0; k < COUNT(written_names); k++) {
		const struct written_name *c = &written_names[k];
		char buf[256];
		smtpclass_span got;

		memset(buf, 'X', sizeof(buf));
		got = table_name(c->in, c->len, buf, c->max);
		if (got.len != strlen(c->out) || memcmp(got.ptr, c->out, got.len) != 0)
			fail_msg("%s: got %zu bytes [%.*s]", c->name, got.len, (int)got.len,
			         got.ptr);
		for (size_t i = c->max; i < sizeof(buf); i++)
			if (buf[i] != 'X')
				fail_msg("%s: wrote past %zu bytes", c->name, c->max);
	}
}

/* "|N*TEXT|" in a pattern stands for N copies of TEXT (long names in a table). */
static void expand(const char *pattern, char *out, size_t size)
{
	size_t used = 0;

	while (*pattern != '\0') {
		const char *star, *close;
		unsigned long times;

		if (*pattern != '|') {
			assert_true(used + 1 < size);
			out[used++] = *pattern++;
			continue;
		}
		times = strtoul(pattern + 1, (char **)&star, 10);
		close = strchr(star, '|');
		assert_int_equal(*star, '*');
		assert_non_null(close);
		for (unsigned long i = 0; i < times; i++) {
			size_t n = (size_t)(close - star - 1);

			assert_true(used + n < size);
			memcpy(out + used, star + 1, n);
			used += n;
		}
		pattern = close + 1;
	}
	out[used] = '\0';
}

#define MX        "mx.x.com[1.2.3.4]:25"
#define R_UNKNOWN "550 5.1.1 User unknown"

/*
 * Records whose names differ only in what the JSON writer makes equal
 * (ill-formed UTF-8 as U+FFFD) or in what is cut off: they are one name,
 * counted once.  The summary of each case must be what its merge writes
 * (so --merge accepts it and changes nothing), and merging that again
 * must give it back byte for byte; the JSON must hold each expect.
 */
struct name_case {
	const char *name;
	struct {
		const char *recipient, *relay, *reply;
	} records[2];
	const char *expect[4];
};

/* clang-format off */
static const struct name_case name_cases[] = {
	/* fuzz_summary findings (tests/fuzz/README.md, Findings; issue 20):
	 * regressions/fuzz_summary/refused-own-json-group-domains-x-ff-y-and-x-fe-y */
	{"refused own JSON: group domains x\\xffy and x\\xfey",
	 {{"u@x\xffy.com", MX, R_UNKNOWN}, {"u@x\xfey.com", MX, R_UNKNOWN}},
	 {"\"domain_count\": 1,", "{\"domain\": \"x" FFFD "y.com\", \"records\": 2,",
	  "\"group_count\": 1,", "\"domains\": {\"x" FFFD "y.com\": 2}"}},
	/* regressions/fuzz_summary/merge-not-fixed-point-domains-x-ff-y-and-x-fe-y */
	{"merge not a fixed point: domains x\\xffy and x\\xfey, two replies",
	 {{"u@x\xffy.com", MX, R_UNKNOWN}, {"u@x\xfey.com", MX, "554 5.7.1 Relay access denied"}},
	 {"\"domain_count\": 1,", "{\"domain\": \"x" FFFD "y.com\", \"records\": 2,",
	  "\"group_count\": 2,", "\"domains\": {\"x" FFFD "y.com\": 1}"}},
	/* the other names of the tables */
	{"hosts mx\\xff and mx\\xfe",
	 {{"a@example.com", "mx\xff.example.com[192.0.2.1]:25", R_UNKNOWN},
	  {"b@example.com", "mx\xfe.example.com[192.0.2.1]:25", R_UNKNOWN}},
	 {"\"host_count\": 1,", "{\"host\": \"mx" FFFD ".example.com\", \"records\": 2,",
	  "\"domain_count\": 1,", "\"group_count\": 1,"}},
	{"templates Bo\\xeete and Bo\\xefte",
	 {{"a@example.com", MX, "550 5.1.1 Bo\xeete inconnue"},
	  {"b@example.com", MX, "550 5.1.1 Bo\xefte inconnue"}},
	 {"\"group_count\": 1,", "\"count\": 2,", "\"domains\": {\"example.com\": 2}",
	  "\"example\": \"550 5.1.1 Bo" FFFD "te inconnue\""}},
	/* cuts: after replacing, on a character boundary */
	{"domains cut inside their last character",
	 {{"u@|254*a|\xc3\xa9", MX, R_UNKNOWN}, {"u@|254*a|\xc3\xb6", MX, R_UNKNOWN}},
	 {"\"domain_count\": 1,", "{\"domain\": \"|254*a|\", \"records\": 2,",
	  "\"domains\": {\"|63*a|\": 2}", "\"approximate\": false"}},
	{"domains that grow past the cut when replaced",
	 {{"u@|86*\xff|", MX, R_UNKNOWN}, {"u@|87*\xff|", MX, R_UNKNOWN}},
	 {"\"domain_count\": 1,", "{\"domain\": \"|85*" FFFD "|\", \"records\": 2,",
	  "\"domains\": {\"|21*" FFFD "|\": 2}", "\"approximate\": false"}},
};
/* clang-format on */

static void test_written_names(void **state)
{
	(void)state;
	for (size_t k = 0; k < COUNT(name_cases); k++) {
		const struct name_case *c = &name_cases[k];
		struct summary *s = summary_create(0), *merged = summary_create(0),
		               *again = summary_create(0);
		size_t len, second_len, offset;
		char error[256], *json, *second, *third;

		assert_non_null(s);
		assert_non_null(merged);
		assert_non_null(again);
		for (size_t i = 0; i < COUNT(c->records); i++) {
			char recipient[512];

			expand(c->records[i].recipient, recipient, sizeof(recipient));
			add(s, SMTPCLASS_STATUS_BOUNCED, "Apr 10 14:50:16", recipient,
			    c->records[i].relay, c->records[i].reply, "hard", "userunknown",
			    "remove-address");
		}
		json = json_of(s, &len);
		if (summary_merge_json(merged, json, len, &offset, error, sizeof(error)) != 0)
			fail_msg("%s: its own JSON refused: byte %zu: %s", c->name, offset, error);
		second = json_of(merged, &second_len);
		if (strcmp(second, json) != 0)
			fail_msg("%s: the merge changed the summary:\n%s\nmerged:\n%s", c->name,
			         json, second);
		assert_int_equal(
		    summary_merge_json(again, second, second_len, &offset, error, sizeof(error)),
		    0);
		third = json_of(again, NULL);
		if (strcmp(third, second) != 0)
			fail_msg("%s: a merged summary is not a fixed point:\n%s\nagain:\n%s",
			         c->name, second, third);
		for (size_t i = 0; i < COUNT(c->expect) && c->expect[i] != NULL; i++) {
			char expected[1024];

			expand(c->expect[i], expected, sizeof(expected));
			if (strstr(json, expected) == NULL)
				fail_msg("%s: expected %s in:\n%s", c->name, expected, json);
		}
		free(json);
		free(second);
		free(third);
		summary_free(s);
		summary_free(merged);
		summary_free(again);
	}
}

/* ---- The text report ------------------------------------------------------------- */

static size_t columns(const char *s, size_t n)
{
	size_t width = 0;

	for (size_t i = 0; i < n; i++)
		width += ((unsigned char)s[i] & 0xc0) != 0x80;
	return width;
}

static void test_text_width(void **state)
{
	struct summary *s = sample_summary(20);

	(void)state;
	for (int width = 40; width <= 120; width += 20) {
		char *text = text_of(s, width), *line = text;

		while (*line != '\0') {
			char *end = strchr(line, '\n');
			size_t n = end != NULL ? (size_t)(end - line) : strlen(line);

			if (columns(line, n) > (size_t)width)
				fail_msg("width %d: %.*s", width, (int)n, line);
			line += n + (end != NULL);
		}
		free(text);
	}
	summary_free(s);
}

static void test_text_content(void **state)
{
	struct summary *s = sample_summary(20);
	char *text = text_of(s, 0);

	(void)state;
	assert_contains(text, "smtpclass summary: 7 records, Feb 21 09:00:01 to Feb 21 11:40:00\n");
	assert_contains(text, "Deferred: 2 deferral events for 1 distinct messages");
	assert_contains(text, "Recipient domains: 3 of 3, most failures first\n");
	assert_contains(text, "\nSent by this server: 6 records\n");
	assert_contains(text, "\nRefused by this server: 1 records\n");
	assert_contains(text, "  Clients: 1 of 1, most refused first\n");
	assert_contains(text, "  203.0.113.5        1  blocked 1\n");
	/* the outbound reasons leave the reject out; its action is not advice */
	assert_contains(text, "  userunknown      2  33.3%");
	assert_lacks(text, "check-reputation");
	assert_contains(text, "      template: 550 5.1.1 <{addr}>: Recipient address rejected: "
	                      "User unknown\n");
	assert_contains(text, "2 to remove");
	assert_lacks(text, "Approximate");
	free(text);
	summary_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_template),
	    cmocka_unit_test(test_other_template),
	    cmocka_unit_test(test_templates),
	    cmocka_unit_test(test_template_bounds),
	    cmocka_unit_test(test_totals),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_addresses_out_of_order),
	    cmocka_unit_test(test_addresses_exact_past_default),
	    cmocka_unit_test(test_addresses_bound),
	    cmocka_unit_test(test_hash_seed_random),
	    cmocka_unit_test(test_merge_sum_bound),
	    cmocka_unit_test(test_space_saving),
	    cmocka_unit_test(test_not_capped),
	    cmocka_unit_test(test_top),
	    cmocka_unit_test(test_delay_parse),
	    cmocka_unit_test(test_delay_buckets),
	    cmocka_unit_test(test_delay_text),
	    cmocka_unit_test(test_delays_summary),
	    cmocka_unit_test(test_delays_refused),
	    cmocka_unit_test(test_warnings),
	    cmocka_unit_test(test_senders),
	    cmocka_unit_test(test_merge_round_trip),
	    cmocka_unit_test(test_merge_doubles),
	    cmocka_unit_test(test_merge_two_hosts),
	    cmocka_unit_test(test_merge_cut_lists),
	    cmocka_unit_test(test_merge_without_inbound),
	    cmocka_unit_test(test_json_errors),
	    cmocka_unit_test(test_json_wrong_types),
	    cmocka_unit_test(test_json_strings),
	    cmocka_unit_test(test_table_name),
	    cmocka_unit_test(test_written_names),
	    cmocka_unit_test(test_text_width),
	    cmocka_unit_test(test_text_content),
	    cmocka_unit_test(test_rank_kept_rows),
	};

	print_message("%zu same-template pairs, %zu different pairs, %zu templates, "
	              "%zu broken documents\n",
	              COUNT(same_template), COUNT(other_template), COUNT(templates),
	              COUNT(bad_json));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
