/*
 * test_find.c: table-driven cases for the finder, smtpclass_find_reply().
 *
 * The rows are tests/find/cases.tsv: real wrapped failure texts, each with
 * the wrapper form (a data/wrappers.tsv id, or - for none), the basic and
 * enhanced code the reply parser must then give, the stage, and the remote
 * host and IP as written.  They come from Sisimai's test set (the basic code
 * checked against Sisimai's own label), from the real log lines of the shared
 * corpus, from the examples of issue 11, and from the format strings of the
 * MTAs' sources with example values; the source column cites each.  Every
 * form has at least three rows; the "negative" rows hold numbers that are
 * not replies (IP octets, ports, sizes, dates, queue ids, "[#102]").
 *
 * Every prefix of every row is also placed right before and right after an
 * unreadable page, so that any read outside the input crashes.
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

#define MAX_ROWS 512
#define FIELDS   8

enum field { F_SOURCE, F_FORM, F_CODE, F_ENHANCED, F_STAGE, F_HOST, F_IP, F_TEXT };

struct row {
	char *field[FIELDS];
	int line;
};

static struct row rows[MAX_ROWS];
static int row_count;
static char *file_text;

/* Reads tests/find/cases.tsv once: a header line, then rows of 8 fields. */
static int load_rows(void **state)
{
	FILE *file = fopen(SMTPCLASS_TEST_DIR "/find/cases.tsv", "rb");
	long size;
	char *line, *next;
	int number = 0;

	(void)state;
	if (file == NULL)
		return -1;
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	file_text = malloc((size_t)size + 1);
	if (file_text == NULL || fread(file_text, 1, (size_t)size, file) != (size_t)size)
		return -1;
	file_text[size] = '\0';
	fclose(file);
	for (line = file_text; *line != '\0'; line = next) {
		struct row *row = &rows[row_count];
		int n = 0;

		next = strchr(line, '\n');
		if (next == NULL)
			next = line + strlen(line);
		else
			*next++ = '\0';
		if (++number == 1 || line[0] == '\0')
			continue;
		if (row_count == MAX_ROWS)
			return -1;
		for (char *p = line; n < FIELDS; n++) {
			char *tab = strchr(p, '\t');

			row->field[n] = p;
			if (tab == NULL || n == FIELDS - 1) {
				n++;
				break;
			}
			*tab = '\0';
			p = tab + 1;
		}
		if (n != FIELDS)
			return -1;
		row->line = number;
		row_count++;
	}
	return 0;
}

static int free_rows(void **state)
{
	(void)state;
	free(file_text);
	return 0;
}

/* The span as a string, "-" when absent. */
static const char *span_text(smtpclass_span span, char *buf, size_t size)
{
	if (span.ptr == NULL)
		return "-";
	snprintf(buf, size, "%.*s", (int)span.len, span.ptr);
	return buf;
}

static void check_row(const struct row *row)
{
	const char *text = row->field[F_TEXT];
	size_t len = strlen(text);
	smtpclass_found found;
	smtpclass_reply reply;
	char code[16], host[256], ip[256], enhanced[32];
	const char *stage;
	int status = smtpclass_find_reply(text, len, &found);

	smtpclass_parse(found.reply.ptr, found.reply.len, &reply);
	snprintf(code, sizeof(code), "%d", reply.code);
	stage = smtpclass_stage_name(found.stage);
	span_text(reply.enhanced, enhanced, sizeof(enhanced));
	if (strcmp(found.form != NULL ? found.form : "-", row->field[F_FORM]) != 0 ||
	    strcmp(reply.code != 0 ? code : "-", row->field[F_CODE]) != 0 ||
	    strcmp(reply.enhanced.ptr != NULL ? enhanced : "-", row->field[F_ENHANCED]) != 0 ||
	    strcmp(stage != NULL ? stage : "-", row->field[F_STAGE]) != 0 ||
	    strcmp(span_text(found.remote_host, host, sizeof(host)), row->field[F_HOST]) != 0 ||
	    strcmp(span_text(found.remote_ip, ip, sizeof(ip)), row->field[F_IP]) != 0) {
		print_error(
		    "cases.tsv:%d (%s): \"%s\"\n  want: form %s code %s enhanced %s stage %s "
		    "host %s ip %s\n  got:  form %s code %s enhanced %s stage %s host %s ip %s\n",
		    row->line, row->field[F_SOURCE], text, row->field[F_FORM], row->field[F_CODE],
		    row->field[F_ENHANCED], row->field[F_STAGE], row->field[F_HOST],
		    row->field[F_IP], found.form != NULL ? found.form : "-",
		    reply.code != 0 ? code : "-", reply.enhanced.ptr != NULL ? enhanced : "-",
		    stage != NULL ? stage : "-", span_text(found.remote_host, host, sizeof(host)),
		    span_text(found.remote_ip, ip, sizeof(ip)));
		fail();
	}
	/* 1 when the reply span opens with a code, which the parser then finds. */
	assert_int_equal(status, smtpclass_opens_reply(found.reply.ptr, found.reply.len) &&
	                             smtpclass_parse(found.reply.ptr, found.reply.len, &reply) ==
	                                 SMTPCLASS_PARSE_OK);
}

static void test_cases(void **state)
{
	(void)state;
	assert_true(row_count >= 120);
	for (int i = 0; i < row_count; i++)
		check_row(&rows[i]);
}

/* Every form of data/wrappers.tsv that the table names has three rows. */
/* text with its one "|" replaced by n copies of fill. */
static char *expand(const char *text, const char *fill, size_t n)
{
	size_t len = strlen(text), fill_len = strlen(fill), k = 0;
	char *out = malloc(len + n * fill_len + 1);

	assert_non_null(out);
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '|' || n == 0) {
			out[k++] = text[i];
			continue;
		}
		for (size_t j = 0; j < n; j++, k += fill_len)
			memcpy(out + k, fill, fill_len);
	}
	out[k] = '\0';
	return out;
}

/*
 * Long runs where the finder searches (they once cost their length squared,
 * and the search now skips them: a literal opening with a space is tried
 * once per run of blanks, a row anchored on a space at a run's start, the
 * last place of the literal after {reply} found once per text).  The
 * answers are those of the same texts with short runs; "|" marks the run.
 */
static void test_long_runs(void **state)
{
	static const struct {
		const char *text, *fill, *form, *code, *enhanced, *stage, *host, *ip;
	} cases[] = {
	    /* the trailer's " (in reply to " after a run of blanks */
	    {"host mx.example.com[192.0.2.1] said: 550 5.1.1 <bob@example.com>: User unknown |(in "
	     "reply to RCPT TO command)",
	     " ", "postfix-said", "550", "5.1.1", "rcpt", "mx.example.com", "192.0.2.1"},
	    /* qmail's anchor " does not like recipient." after a run: the host before it */
	    {"192.0.2.153|does not like recipient. Remote host said: 550 5.2.1 <bob@example.jp>... "
	     "User Unknown",
	     " ", "qmail-recipient", "550", "5.2.1", "rcpt", "-", "192.0.2.153"},
	    /* Exchange's "#...##" after a run of "#" */
	    {"|#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "#", "exchange-hash", "550",
	     "5.1.1", "-", "-", "-"},
	    /* a run of blanks after "said:" and no reply: the form ("any") and its host */
	    {"host mx.example.com[192.0.2.1] said:|x", " ", "postfix-said", "-", "-", "-",
	     "mx.example.com", "192.0.2.1"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t n = 1; n <= 60001; n += 60000) {
			struct row row = {{(char *)"test_long_runs", (char *)cases[i].form,
			                   (char *)cases[i].code, (char *)cases[i].enhanced,
			                   (char *)cases[i].stage, (char *)cases[i].host,
			                   (char *)cases[i].ip, NULL},
			                  (int)i};

			row.field[F_TEXT] = expand(cases[i].text, cases[i].fill, n);
			check_row(&row);
			free(row.field[F_TEXT]);
		}
	}
}

static void test_three_rows_per_form(void **state)
{
	(void)state;
	for (int i = 0; i < row_count; i++) {
		int same = 0;

		if (strcmp(rows[i].field[F_FORM], "-") == 0)
			continue;
		for (int j = 0; j < row_count; j++)
			same += strcmp(rows[i].field[F_FORM], rows[j].field[F_FORM]) == 0;
		if (same < 3)
			print_error("form %s has %d rows\n", rows[i].field[F_FORM], same);
		assert_true(same >= 3);
	}
}

/* The contract's edges: NULL out, NULL input, blanks, and a reply that
 * opens the text (the fast path: no form unless a trailer cut it). */
static void test_contract(void **state)
{
	smtpclass_found found;
	const char *plain = "550 5.1.1 <bob@example.com>: User unknown";

	(void)state;
	assert_int_equal(smtpclass_find_reply("550 x", 5, NULL), -1);
	assert_int_equal(smtpclass_find_reply(NULL, 0, &found), 0);
	assert_null(found.reply.ptr);
	assert_int_equal(smtpclass_find_reply(" \t\r\n", 4, &found), 0);
	assert_int_equal(found.reply.len, 0);
	assert_int_equal(smtpclass_find_reply(plain, strlen(plain), &found), 1);
	assert_ptr_equal(found.reply.ptr, plain);
	assert_int_equal(found.reply.len, strlen(plain));
	assert_null(found.form);
	assert_int_equal(found.stage, SMTPCLASS_STAGE_UNKNOWN);
}

/* ---- Reads outside the input ---------------------------------------------- */

static char *guard_area;
static size_t guard_page;

static int guard_setup(void **state)
{
	if (load_rows(state) != 0)
		return -1;
	guard_page = (size_t)sysconf(_SC_PAGESIZE);
	guard_area = mmap(NULL, guard_page * 3, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_area == MAP_FAILED)
		return -1;
	return mprotect(guard_area + guard_page, guard_page, PROT_READ | PROT_WRITE);
}

static int guard_teardown(void **state)
{
	munmap(guard_area, guard_page * 3);
	return free_rows(state);
}

static void assert_inside(smtpclass_span span, const char *input, size_t len)
{
	if (span.ptr == NULL)
		return;
	assert_true(span.ptr >= input && span.ptr + span.len <= input + len);
}

static void find_guarded(const char *input, size_t len)
{
	char *page = guard_area + guard_page;
	char *placements[2] = {page + guard_page - len, page};

	assert_true(len <= guard_page);
	for (int i = 0; i < 2; i++) {
		smtpclass_found found;
		smtpclass_reply reply;

		memcpy(placements[i], input, len);
		smtpclass_find_reply(placements[i], len, &found);
		assert_inside(found.reply, placements[i], len);
		assert_inside(found.remote_host, placements[i], len);
		assert_inside(found.remote_ip, placements[i], len);
		smtpclass_parse(found.reply.ptr, found.reply.len, &reply);
	}
}

static void test_no_out_of_bounds_read(void **state)
{
	(void)state;
	for (int i = 0; i < row_count; i++) {
		const char *text = rows[i].field[F_TEXT];
		size_t len = strlen(text);

		for (size_t cut = 0; cut <= len; cut++)
			find_guarded(text, cut);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_long_runs),
	    cmocka_unit_test(test_three_rows_per_form),
	    cmocka_unit_test(test_contract),
	    cmocka_unit_test(test_no_out_of_bounds_read),
	};

	return cmocka_run_group_tests(tests, guard_setup, guard_teardown);
}
