/*
 * test_confidence.c: the evidence behind a result, the removal policy and
 * the coherence of verdict and action.
 *
 *   confidences[]  replies with the confidence they must get and whether
 *                  they remove the address (smtpclass_result_removes_address:
 *                  what -e 67 and --addresses=remove act on);
 *   slips[]        mistakes seen in normal use, fixed by their mechanism;
 *   test_pairs     classifies every reply the tables can be made to decide
 *                  (each basic code bare and with words, each registered
 *                  enhanced code in classes 4 and 5 with and without a
 *                  basic code, the phrases of each text rule under 450, 550
 *                  and no code, at every stage, and as log records of every
 *                  status) and checks each (verdict, action) against
 *                  data/verdict-actions.tsv, read here from the file;
 *   test_taxonomy  every failure reason has a class in data/taxonomy.tsv
 *                  under both verdicts, and a few results map as documented;
 *   test_classes   smtpclass_class_name() and the results of bare codes
 *                  (250 354 421 550, and a code of each class no table row
 *                  knows) against the rows of data/classes.tsv, read here
 *                  with data/basic-codes.tsv and data/reasons.tsv.
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

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define DATA_DIR     SMTPCLASS_TEST_DIR "/../data/"

struct confidence_row {
	const char *input;
	const char *stage; /* NULL: unknown */
	const char *action;
	const char *confidence;
	int removes;
};

/* clang-format off */
static const struct confidence_row confidences[] = {
	/* The classic table holds, at low confidence: nothing is removed. */
	{"550", NULL, "remove-address", "low", 0},
	{"421", NULL, "retry", "low", 0},
	{"554", NULL, "check-sender", "low", 0},
	{"553", NULL, "fix-address", "low", 0},
	/* A specific enhanced code alone: medium. */
	{"550 5.1.1", NULL, "remove-address", "medium", 1},
	{"550 5.1.1 <a@b.example>", NULL, "remove-address", "medium", 1},
	/* Words no rule reads under a bare 550: not "user unknown". */
	{"550 Rejected", NULL, "investigate", "low", 0},
	{"550 Sorry, that cannot be done", NULL, "investigate", "low", 0},
	/* Spam and policy words are read (issue 12's examples): never the bare
	 * 550's remove-address. */
	{"550 Error: SPAM NOT ACCEPTED", NULL, "review-content", "medium", 0},
	{"550 Denied by policy", NULL, "review-content", "medium", 0},
	/* A text rule alone: medium; with an agreeing specific code: high. */
	{"550 User unknown", NULL, "remove-address", "medium", 1},
	{"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in local recipient table", NULL, "remove-address", "high", 1},
	{"550 5.1.1 User unknown", NULL, "remove-address", "high", 1},
	/* The text and a specific code disagree: the text decides, medium. */
	{"550 5.7.26 SPF check failed", NULL, "fix-authentication", "high", 0},
	{"550 5.1.1 Spam detected", NULL, "review-content", "medium", 0},
	/* A generic enhanced code adds nothing to the words. */
	{"550 5.0.0 User unknown", NULL, "remove-address", "medium", 1},
	/* Only the enhanced subject: low. */
	{"550 5.1.0", NULL, "remove-address", "low", 0},
	/* A provider rule: high. */
	{"550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser - gsmtp", NULL, "remove-address", "high", 1},
	/* A permanent code for a condition that may pass: paused, not retried, not removed. */
	{"552 5.2.2 Mailbox full", NULL, "pause-address", "high", 0},
	{"550 5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser - gsmtp", NULL, "pause-address", "high", 0},
	{"452 4.2.2 Mailbox full", NULL, "retry", "high", 0},
	/* A documented exception: medium. */
	{"552 Too many recipients", "rcpt", "retry", "medium", 0},
	/* No code, no rule. */
	{"hello there", NULL, "investigate", "low", 0},
	/* A 2xx or 3xx did not fail: failure words name no reason (fuzz_classify
	 * found "354 ... User Unknown" at DATA keeping userunknown). */
	{"354 Start mail input; user unknown", "data", "continue", "low", 0},
	{"250 2.1.5 Ok, user unknown to me but accepted", "rcpt", "none", "medium", 0},
};
/* clang-format on */

static void test_confidences(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(confidences); i++) {
		const struct confidence_row *row = &confidences[i];
		smtpclass_options options = {0};
		smtpclass_reply reply;
		smtpclass_result result;
		const char *confidence, *action;

		if (row->stage != NULL)
			options.stage = (smtpclass_stage)smtpclass_stage_from_name(
			    row->stage, strlen(row->stage));
		smtpclass_parse(row->input, strlen(row->input), &reply);
		smtpclass_classify(&reply, &options, &result);
		confidence = smtpclass_confidence_name(result.confidence);
		action = smtpclass_action_name(result.action);
		if (confidence == NULL || strcmp(confidence, row->confidence) != 0 ||
		    strcmp(action, row->action) != 0 ||
		    smtpclass_result_removes_address(&result) != row->removes)
			print_message("\"%s\": want %s %s removes %d, got %s %s removes %d (%s)\n",
			              row->input, row->action, row->confidence, row->removes,
			              action, confidence != NULL ? confidence : "-",
			              smtpclass_result_removes_address(&result),
			              result.rule != NULL ? result.rule : "-");
		assert_non_null(confidence);
		assert_string_equal(action, row->action);
		assert_string_equal(confidence, row->confidence);
		assert_int_equal(smtpclass_result_removes_address(&result), row->removes);
		assert_non_null(result.confidence_basis);
	}
	assert_null(smtpclass_confidence_name(SMTPCLASS_CONFIDENCE_NONE));
	assert_string_equal(smtpclass_confidence_name(SMTPCLASS_CONFIDENCE_HIGH), "high");
}

/* ---- Slips seen in normal use (issue 12) ------------------------------------ */

struct slip_row {
	const char *input;
	int status; /* smtpclass_log_status, or -1: a reply, not a log record */
	const char *verdict;
	const char *reason;
};

/* clang-format off */
static const struct slip_row slips[] = {
	/* postscreen answers 421 4.3.2; the log line has no code */
	{"all screening ports busy", SMTPCLASS_STATUS_REJECTED, "soft", "toomanyconn"},
	/* a reject whose words nothing reads is not hard from the status alone */
	{"Rejected: hits=7.5 required=5.0 trigger=5.0", SMTPCLASS_STATUS_REJECTED, "unknown", "undefined"},
	/* ... but bounced says permanent */
	{"some words nothing reads", SMTPCLASS_STATUS_BOUNCED, "hard", "undefined"},
	{"554 5.7.1 <dom.tld>: Helo command rejected: Access denied", -1, "hard", "blocked"},
	{"450 4.7.1 <dom.tld>: Helo command rejected: Host not found", -1, "soft", "requireptr"},
	{"550 5.7.1 <a@b.example>: Recipient address rejected: Access denied", -1, "hard", "filtered"},
	{"delivery temporarily suspended: connect to mx.example.com[192.0.2.1]:25: Connection timed out", SMTPCLASS_STATUS_DEFERRED, "soft", "networkerror"},
	{"550 5.2.1 <a@b.example>: account temporarily suspended", -1, "hard", "suspend"},
};
/* clang-format on */

static void test_slips(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(slips); i++) {
		const struct slip_row *row = &slips[i];
		smtpclass_reply reply;
		smtpclass_result result;
		char scratch[512];

		if (row->status < 0) {
			smtpclass_parse(row->input, strlen(row->input), &reply);
			smtpclass_classify(&reply, NULL, &result);
		} else {
			smtpclass_log_record record;

			memset(&record, 0, sizeof(record));
			record.mta = SMTPCLASS_MTA_POSTFIX;
			record.status = (smtpclass_log_status)row->status;
			record.reply.ptr = row->input;
			record.reply.len = strlen(row->input);
			smtpclass_log_classify(&record, NULL, scratch, sizeof(scratch), &reply,
			                       &result);
		}
		if (strcmp(smtpclass_verdict_name(result.verdict), row->verdict) != 0 ||
		    strcmp(smtpclass_reason_name(result.reason), row->reason) != 0)
			print_message("\"%s\": want %s %s, got %s %s (%s)\n", row->input,
			              row->verdict, row->reason,
			              smtpclass_verdict_name(result.verdict),
			              smtpclass_reason_name(result.reason),
			              result.rule != NULL ? result.rule : "-");
		assert_string_equal(smtpclass_verdict_name(result.verdict), row->verdict);
		assert_string_equal(smtpclass_reason_name(result.reason), row->reason);
	}
}

/* ---- (verdict, action) pairs ------------------------------------------------ */

#define MAX_FIELDS 12

static int split_tsv(char *line, char *fields[MAX_FIELDS])
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < MAX_FIELDS) {
		char *tab = strchr(p, '\t');

		fields[n++] = p;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* Calls row() for each data row of a data/ table (after its header). */
static int read_tsv(const char *name, void (*row)(char **fields, int count))
{
	char path[1024], line[4096];
	FILE *file;
	int rows = 0, header_seen = 0;

	snprintf(path, sizeof(path), "%s%s", DATA_DIR, name);
	file = fopen(path, "r");
	if (file == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), file) != NULL) {
		char *fields[MAX_FIELDS];
		int count;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		count = split_tsv(line, fields);
		if (!header_seen || strcmp(fields[0], "id") == 0) {
			header_seen = 1;
			continue;
		}
		row(fields, count);
		rows++;
	}
	fclose(file);
	return rows;
}

static unsigned char allowed[5][64];
static int pairs_checked, pairs_seen[5][64];

static void add_pair(char **fields, int count)
{
	int verdict = -1, action;

	assert_int_equal(count, 3);
	for (int v = 0; v < 5; v++)
		if (strcmp(smtpclass_verdict_name((smtpclass_verdict)v), fields[0]) == 0)
			verdict = v;
	action = smtpclass_action_from_name(fields[1], strlen(fields[1]));
	assert_true(verdict >= 0);
	assert_true(action >= 0 && action < 64);
	allowed[verdict][action] = 1;
}

static void check_pair(const char *input, const smtpclass_result *result)
{
	int v = (int)result->verdict, a = result->action;

	pairs_checked++;
	pairs_seen[v][a] = 1;
	if (!allowed[v][a])
		print_message("\"%s\": verdict %s with action %s (%s) is not allowed\n", input,
		              smtpclass_verdict_name(result->verdict), smtpclass_action_name(a),
		              result->rule != NULL ? result->rule : "-");
	assert_true(allowed[v][a]);
}

/* Classifies input at every stage, and as log records of every status. */
static void check_input(const char *input)
{
	size_t len = strlen(input);
	smtpclass_reply reply;
	smtpclass_result result;
	char scratch[1024];

	for (int stage = 0; stage <= SMTPCLASS_STAGE_EOD; stage++) {
		smtpclass_options options = {0};

		options.stage = (smtpclass_stage)stage;
		smtpclass_parse(input, len, &reply);
		smtpclass_classify(&reply, &options, &result);
		check_pair(input, &result);
	}
	for (int status = 0; status <= SMTPCLASS_STATUS_REJECTED; status++) {
		smtpclass_log_record record;

		memset(&record, 0, sizeof(record));
		record.mta = SMTPCLASS_MTA_POSTFIX;
		record.status = (smtpclass_log_status)status;
		record.reply.ptr = input;
		record.reply.len = len;
		smtpclass_log_classify(&record, NULL, scratch, sizeof(scratch), &reply, &result);
		check_pair(input, &result);
	}
}

static void basic_inputs(char **fields, int count)
{
	char input[128];

	assert_true(count >= 4);
	check_input(fields[0]);
	snprintf(input, sizeof(input), "%s some words no rule reads", fields[0]);
	check_input(input);
}

static void enhanced_inputs(char **fields, int count)
{
	static const char *const forms[] = {"%d%s", "450 %d%s", "550 %d%s", "%d%s words"};
	char input[128];

	assert_true(count >= 4);
	for (int class_digit = 4; class_digit <= 5; class_digit++)
		for (size_t f = 0; f < COUNT(forms); f++) {
			snprintf(input, sizeof(input), forms[f], class_digit, fields[0] + 1);
			check_input(input);
		}
}

/* The phrases of a rule joined by spaces, under each code. */
static void rule_inputs(char **fields, int count)
{
	static const char *const prefixes[] = {"", "450 ", "550 ", "451 4.7.1 ", "554 5.7.1 "};
	char phrases[512], input[600];
	char *amp;

	assert_true(count >= 8);
	snprintf(phrases, sizeof(phrases), "%s", fields[1]);
	while ((amp = strstr(phrases, " & ")) != NULL)
		memmove(amp + 1, amp + 3, strlen(amp + 3) + 1);
	for (size_t p = 0; p < COUNT(prefixes); p++) {
		snprintf(input, sizeof(input), "%s%s", prefixes[p], phrases);
		check_input(input);
	}
}

static void test_pairs(void **state)
{
	int used = 0;

	(void)state;
	assert_true(read_tsv("verdict-actions.tsv", add_pair) > 0);
	assert_true(read_tsv("basic-codes.tsv", basic_inputs) > 30);
	assert_true(read_tsv("enhanced-codes.tsv", enhanced_inputs) > 80);
	assert_true(read_tsv("rules.tsv", rule_inputs) > 500);
	/* The check can fail: hard with retry is not allowed, and a 552 5.2.2
	 * (mailbox full, permanent code) is decided (pause-address). */
	assert_false(allowed[SMTPCLASS_VERDICT_HARD][smtpclass_action_from_name("retry", 5)]);
	assert_true(
	    pairs_seen[SMTPCLASS_VERDICT_HARD][smtpclass_action_from_name("pause-address", 13)]);
	for (int v = 0; v < 5; v++)
		for (int a = 0; a < 64; a++)
			used += pairs_seen[v][a];
	print_message("%d results checked, %d distinct (verdict, action) pairs\n", pairs_checked,
	              used);
}

/* ---- Taxonomy mapping --------------------------------------------------------- */

static int taxonomy_rows[64][2];

static void add_taxonomy_row(char **fields, int count)
{
	int reason;

	assert_int_equal(count, 7);
	if (strcmp(fields[0], "*") == 0)
		return;
	reason = smtpclass_reason_from_name(fields[0], strlen(fields[0]));
	assert_true(reason >= 0 && reason < 64);
	taxonomy_rows[reason][strcmp(fields[1], "soft") == 0]++;
}

static void test_taxonomy(void **state)
{
	static const struct {
		const char *input, *bounce_class, *powermta, *ses_type, *ses_subtype;
	} rows[] = {
	    {"550 5.1.1 User unknown", "10 Invalid Recipient", "bad-mailbox", "Permanent",
	     "NoEmail"},
	    {"552 5.2.2 Mailbox full", "22 Mailbox Full", "quota-issues", "Transient",
	     "MailboxFull"},
	    {"554 5.7.1 Client host rejected: blocked using zen.spamhaus.org", "50 Mail Block",
	     "spam-related", "Permanent", "General"},
	    {"hello there", "1 Undetermined", "other", "Undetermined", "Undetermined"},
	};
	smtpclass_reply reply;
	smtpclass_result result;
	smtpclass_taxonomy taxonomy;

	(void)state;
	assert_true(read_tsv("taxonomy.tsv", add_taxonomy_row) > 0);
	/* every failure reason maps under both verdicts; delivered is no bounce */
	for (int r = 0; r < smtpclass_reason_count(); r++) {
		int expected = strcmp(smtpclass_reason_name(r), "delivered") != 0;

		if (taxonomy_rows[r][0] != expected || taxonomy_rows[r][1] != expected)
			print_message("taxonomy.tsv: reason %s has %d hard and %d soft rows\n",
			              smtpclass_reason_name(r), taxonomy_rows[r][0],
			              taxonomy_rows[r][1]);
		assert_int_equal(taxonomy_rows[r][0], expected);
		assert_int_equal(taxonomy_rows[r][1], expected);
	}
	for (size_t i = 0; i < COUNT(rows); i++) {
		smtpclass_parse(rows[i].input, strlen(rows[i].input), &reply);
		smtpclass_classify(&reply, NULL, &result);
		smtpclass_result_taxonomy(&result, &taxonomy);
		assert_non_null(taxonomy.bounce_class);
		assert_string_equal(taxonomy.bounce_class, rows[i].bounce_class);
		assert_string_equal(taxonomy.powermta_category, rows[i].powermta);
		assert_string_equal(taxonomy.ses_bounce_type, rows[i].ses_type);
		assert_string_equal(taxonomy.ses_bounce_subtype, rows[i].ses_subtype);
	}
	smtpclass_parse("250 2.0.0 Ok", 12, &reply);
	smtpclass_classify(&reply, NULL, &result);
	smtpclass_result_taxonomy(&result, &taxonomy);
	assert_null(taxonomy.bounce_class);
	assert_null(taxonomy.ses_bounce_type);
}

/* ---- Classes (data/classes.tsv) ---------------------------------------------- */

struct class_row {
	char name[64], rule[32], verdict[16], reason[32], fixed_reason[32], fixed_action[32];
	int explain_failure;
};

static struct class_row class_rows[10]; /* by class digit */
static int class_row_count;

static void copy_field(char *to, size_t size, const char *from)
{
	assert_true(strlen(from) < size);
	memcpy(to, from, strlen(from) + 1);
}

static void add_class_row(char **fields, int count)
{
	struct class_row *row;
	char *end;
	long digit;

	assert_int_equal(count, 9);
	digit = strtol(fields[0], &end, 10);
	assert_true(*end == '\0' && digit >= 2 && digit <= 5);
	row = &class_rows[digit];
	assert_true(row->name[0] == '\0'); /* each digit once */
	copy_field(row->verdict, sizeof(row->verdict), fields[1]);
	copy_field(row->name, sizeof(row->name), fields[2]);
	copy_field(row->rule, sizeof(row->rule), fields[3]);
	copy_field(row->reason, sizeof(row->reason), fields[4]);
	copy_field(row->fixed_reason, sizeof(row->fixed_reason), fields[5]);
	copy_field(row->fixed_action, sizeof(row->fixed_action), fields[6]);
	assert_true(strcmp(fields[7], "yes") == 0 || strcmp(fields[7], "no") == 0);
	row->explain_failure = strcmp(fields[7], "yes") == 0;
	class_row_count++;
}

/* data/basic-codes.tsv: reason and action by code; data/reasons.tsv: the
 * hard and soft action by reason. */
static char basic_reason[1000][32], basic_action[1000][32];
static char reason_names[64][32], reason_hard[64][32], reason_soft[64][32];
static int reason_row_count;

static void add_basic_row(char **fields, int count)
{
	char *end;
	long code = strtol(fields[0], &end, 10);

	assert_true(count == 7 && *end == '\0' && code >= 200 && code < 600);
	copy_field(basic_reason[code], sizeof(basic_reason[code]), fields[2]);
	copy_field(basic_action[code], sizeof(basic_action[code]), fields[3]);
}

static void add_reason_row(char **fields, int count)
{
	assert_true(count == 4 && reason_row_count < 64);
	copy_field(reason_names[reason_row_count], 32, fields[0]);
	copy_field(reason_hard[reason_row_count], 32, fields[1]);
	copy_field(reason_soft[reason_row_count], 32, fields[2]);
	reason_row_count++;
}

/* The action the tables give a reason with no action of its own. */
static const char *reason_action(const char *verdict, const char *reason)
{
	for (int i = 0; i < reason_row_count; i++)
		if (strcmp(reason_names[i], reason) == 0)
			return strcmp(verdict, "soft") == 0 ? reason_soft[i] : reason_hard[i];
	fail_msg("reason %s is not in data/reasons.tsv", reason);
	return NULL;
}

/* Classifies a bare code and checks it against its class's row: the
 * class's fixed reason and action when it has them, else those of the
 * code's row (or the class's own rule and reason when no row knows the
 * code), a soft verdict taking the reason's soft action. */
static void check_bare_code(int code)
{
	const struct class_row *row = &class_rows[code / 100];
	const char *reason, *action;
	smtpclass_reply reply;
	smtpclass_result result;
	char input[8];

	snprintf(input, sizeof(input), "%d", code);
	assert_int_equal(smtpclass_parse(input, strlen(input), &reply), SMTPCLASS_PARSE_OK);
	smtpclass_classify(&reply, NULL, &result);
	if (basic_reason[code][0] == '\0') {
		assert_int_equal(result.rule_kind, SMTPCLASS_RULE_CLASS);
		assert_string_equal(result.rule, row->rule);
		reason = row->reason;
		action = "-";
	} else {
		assert_int_equal(result.rule_kind, SMTPCLASS_RULE_BASIC);
		reason = basic_reason[code];
		action = strcmp(row->verdict, "soft") == 0 ? "-" : basic_action[code];
	}
	if (strcmp(row->fixed_reason, "-") != 0)
		reason = row->fixed_reason;
	if (strcmp(row->fixed_action, "-") != 0)
		action = row->fixed_action;
	else if (strcmp(action, "-") == 0)
		action = reason_action(row->verdict, reason);
	if (strcmp(smtpclass_verdict_name(result.verdict), row->verdict) != 0 ||
	    strcmp(smtpclass_reason_name(result.reason), reason) != 0 ||
	    strcmp(smtpclass_action_name(result.action), action) != 0)
		print_message(
		    "%d: want %s %s %s, got %s %s %s (%s)\n", code, row->verdict, reason, action,
		    smtpclass_verdict_name(result.verdict), smtpclass_reason_name(result.reason),
		    smtpclass_action_name(result.action), result.rule != NULL ? result.rule : "-");
	assert_string_equal(smtpclass_verdict_name(result.verdict), row->verdict);
	assert_string_equal(smtpclass_reason_name(result.reason), reason);
	assert_string_equal(smtpclass_action_name(result.action), action);
}

static void test_classes(void **state)
{
	static const int bare_codes[] = {250, 354, 421, 550};
	/* words a text rule reads (user-unknown), under a code of classes 2-5 */
	static const char *const worded[] = {"250 User unknown", "354 User unknown",
	                                     "450 User unknown", "550 User unknown"};

	(void)state;
	assert_int_equal(read_tsv("classes.tsv", add_class_row), 4);
	assert_int_equal(class_row_count, 4);
	assert_true(read_tsv("basic-codes.tsv", add_basic_row) > 30);
	assert_true(read_tsv("reasons.tsv", add_reason_row) > 10);
	for (int digit = -1; digit <= 10; digit++) {
		const char *name = smtpclass_class_name(digit);

		if (digit < 2 || digit > 5) {
			assert_null(name);
			continue;
		}
		assert_non_null(name);
		assert_string_equal(name, class_rows[digit].name);
	}
	for (size_t i = 0; i < COUNT(bare_codes); i++)
		check_bare_code(bare_codes[i]);
	/* the class's own rule: the highest code of each class no row knows */
	for (int digit = 2; digit <= 5; digit++) {
		int code = digit * 100 + 59;

		while (basic_reason[code][0] != '\0')
			code--;
		check_bare_code(code);
	}
	/* explain_failure: text rules read the words of a failure only */
	for (int digit = 2; digit <= 5; digit++) {
		smtpclass_reply reply;
		smtpclass_result result;
		int read;

		smtpclass_parse(worded[digit - 2], strlen(worded[digit - 2]), &reply);
		smtpclass_classify(&reply, NULL, &result);
		read = result.rule_kind == SMTPCLASS_RULE_TEXT;
		if (read != class_rows[digit].explain_failure)
			print_message("\"%s\": rule %s\n", worded[digit - 2],
			              result.rule != NULL ? result.rule : "-");
		assert_int_equal(read, class_rows[digit].explain_failure);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_confidences), cmocka_unit_test(test_slips),
	    cmocka_unit_test(test_pairs),       cmocka_unit_test(test_taxonomy),
	    cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
