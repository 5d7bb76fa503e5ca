/*
 * gentables.c: turns the TSV tables of data/ into C source at build time.
 *
 * The files in data/ are the single source of truth for codes, reasons, actions and
 * exceptions.  This program is built first and run by CMake; it validates
 * every row (column count, known reason and action names, no duplicates)
 * and writes two files: a header of #defines for reason, action and evidence ids, and
 * a C file of static const arrays sorted for binary search.  It also fails
 * the build when a table can give a verdict an action that
 * data/verdict-actions.tsv does not allow, when a text rule is shadowed by
 * an earlier one, and when a rule's example is not decided by that rule.
 * An error names the file and line.
 *
 * Usage: gentables DATADIR OUT.h OUT.c
 *
 * It is a build tool, not part of the library: it may allocate and exit.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"
#include "wrapper_ops.h"

#define MAX_ROWS   4096
#define MAX_FIELDS 12

struct row {
	int line;
	int field_count;
	char *fields[MAX_FIELDS];
};

struct table {
	const char *path;
	int row_count;
	struct row rows[MAX_ROWS];
};

static struct table reasons, actions, enhanced, basic, exceptions, stage_reasons, confidence,
    verdict_actions, classes, log_status, taxonomy, wrappers, stage_phrases, log_events;

static void fail(const char *path, int line, const char *format, ...)
{
	va_list args;

	fprintf(stderr, "gentables: %s:%d: ", path, line);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	exit(1);
}

static char *copy_string(const char *s)
{
	char *copy = malloc(strlen(s) + 1);

	if (copy == NULL)
		fail(s, 0, "out of memory");
	memcpy(copy, s, strlen(s) + 1);
	return copy;
}

static char *read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *data;
	long size;

	if (file == NULL)
		fail(path, 0, "%s", strerror(errno));
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	data = malloc((size_t)size + 1);
	if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size)
		fail(path, 0, "cannot read");
	data[size] = '\0';
	fclose(file);
	return data;
}

/*
 * Reads a TSV table: '#' lines and blank lines are comments, the first other
 * line is the header and must equal `header` (tab-separated names).  Every
 * row must have exactly as many fields as the header.
 */
static void load_table(struct table *table, const char *dir, const char *name, const char *header)
{
	static char path[4096];
	char *data, *line, *next;
	int line_number = 0, seen_header = 0, columns = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	table->path = copy_string(path);
	for (const char *p = header; *p != '\0'; p++)
		columns += *p == '\t';
	data = read_file(path);
	for (line = data; line != NULL && *line != '\0'; line = next) {
		struct row *row;
		char *field;

		line_number++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (line[0] != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!seen_header) {
			if (strcmp(line, header) != 0)
				fail(table->path, line_number, "header must be \"%s\"", header);
			seen_header = 1;
			continue;
		}
		if (table->row_count == MAX_ROWS)
			fail(table->path, line_number, "too many rows");
		row = &table->rows[table->row_count++];
		row->line = line_number;
		row->field_count = 0;
		field = line;
		for (;;) {
			char *tab = strchr(field, '\t');

			if (row->field_count == MAX_FIELDS)
				fail(table->path, line_number, "too many fields");
			row->fields[row->field_count++] = field;
			if (tab == NULL)
				break;
			*tab = '\0';
			field = tab + 1;
		}
		if (row->field_count != columns)
			fail(table->path, line_number, "%d fields, expected %d", row->field_count,
			     columns);
		for (int i = 0; i < columns; i++)
			if (row->fields[i][0] == '\0')
				fail(table->path, line_number, "field %d is empty (use -)", i + 1);
	}
	if (!seen_header)
		fail(table->path, line_number, "no header line");
}

static int find_name(const struct table *table, const char *name)
{
	for (int i = 0; i < table->row_count; i++)
		if (strcmp(table->rows[i].fields[0], name) == 0)
			return i;
	return -1;
}

static int reason_id(const struct table *table, const struct row *row, int column)
{
	int id = find_name(&reasons, row->fields[column]);

	if (id < 0)
		fail(table->path, row->line, "unknown reason \"%s\"", row->fields[column]);
	return id;
}

/* Action id of a column, or -1 for "-" (the reason's default). */
static int action_id(const struct table *table, const struct row *row, int column)
{
	int id;

	if (strcmp(row->fields[column], "-") == 0)
		return -1;
	id = find_name(&actions, row->fields[column]);
	if (id < 0)
		fail(table->path, row->line, "unknown action \"%s\"", row->fields[column]);
	return id;
}

/* Confidence level of a name (1 low, 2 medium, 3 high), 0 for "-", or fails. */
static int confidence_level(const struct table *table, const struct row *row, int column)
{
	static const char *const names[] = {"-", "low", "medium", "high"};

	for (int i = 0; i < 4; i++)
		if (strcmp(row->fields[column], names[i]) == 0)
			return i;
	fail(table->path, row->line, "confidence must be low, medium or high (or -), not \"%s\"",
	     row->fields[column]);
	return 0;
}

/* Verdict id of a name as smtpclass_verdict_name() writes it, or fails. */
static int verdict_id(const struct table *table, const struct row *row, const char *name)
{
	static const char *const names[] = {"unknown", "success", "intermediate", "soft", "hard"};

	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	fail(table->path, row->line, "unknown verdict \"%s\"", name);
	return 0;
}

/* Writes s as a C string literal. */
static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void put_upper(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(isalnum((unsigned char)*s) ? toupper((unsigned char)*s) : '_', out);
}

/* Parses "X.s.d" (or "X.s.d" with 1-3 digit numbers); returns 0 on success. */
static int parse_enhanced(const char *text, int *subject, int *detail)
{
	char *end;
	long s, d;

	if (text[0] != 'X' || text[1] != '.')
		return -1;
	s = strtol(text + 2, &end, 10);
	if (end == text + 2 || *end != '.' || s < 0 || s > 999)
		return -1;
	text = end + 1;
	d = strtol(text, &end, 10);
	if (end == text || *end != '\0' || d < 0 || d > 999)
		return -1;
	*subject = (int)s;
	*detail = (int)d;
	return 0;
}

struct enhanced_entry {
	int subject, detail;
	const struct row *row;
};

static int compare_enhanced(const void *a, const void *b)
{
	const struct enhanced_entry *x = a, *y = b;

	if (x->subject != y->subject)
		return x->subject - y->subject;
	return x->detail - y->detail;
}

static void write_header(FILE *out)
{
	fputs("/* generated from data/reasons.tsv and data/actions.tsv by tools/gentables.c: "
	      "do not edit */\n#ifndef SMTPCLASS_TABLES_H\n#define SMTPCLASS_TABLES_H\n\n",
	      out);
	for (int i = 0; i < reasons.row_count; i++) {
		fputs("#define SC_REASON_", out);
		put_upper(out, reasons.rows[i].fields[0]);
		fprintf(out, " %d\n", i);
	}
	fprintf(out, "#define SC_REASON_COUNT %d\n\n", reasons.row_count);
	for (int i = 0; i < actions.row_count; i++) {
		fputs("#define SC_ACTION_", out);
		put_upper(out, actions.rows[i].fields[0]);
		fprintf(out, " %d\n", i);
	}
	fprintf(out, "#define SC_ACTION_COUNT %d\n\n", actions.row_count);
	for (int i = 0; i < confidence.row_count; i++) {
		fputs("#define SC_EVIDENCE_", out);
		put_upper(out, confidence.rows[i].fields[0]);
		fprintf(out, " %d\n", i);
	}
	fprintf(out, "#define SC_EVIDENCE_COUNT %d\n\n#endif\n", confidence.row_count);
}

static void write_reasons_and_actions(FILE *out)
{
	fputs("const struct sc_reason_row sc_reasons[] = {\n", out);
	for (int i = 0; i < reasons.row_count; i++) {
		const struct row *row = &reasons.rows[i];
		int hard = action_id(&reasons, row, 1), soft = action_id(&reasons, row, 2);

		if (hard < 0 || soft < 0)
			fail(reasons.path, row->line, "a reason needs both default actions");
		fputs("\t{", out);
		put_string(out, row->fields[0]);
		fprintf(out, ", %d, %d, ", hard, soft);
		put_string(out, row->fields[3]);
		fputs("},\n", out);
		if (find_name(&reasons, row->fields[0]) != i)
			fail(reasons.path, row->line, "duplicate reason");
	}
	fputs("};\n\nconst struct sc_action_row sc_actions[] = {\n", out);
	for (int i = 0; i < actions.row_count; i++) {
		const struct row *row = &actions.rows[i];

		if (find_name(&actions, row->fields[0]) != i)
			fail(actions.path, row->line, "duplicate action");
		fputs("\t{", out);
		put_string(out, row->fields[0]);
		fprintf(out, ", %d, ", confidence_level(&actions, row, 1));
		put_string(out, row->fields[2]);
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
}

/* The evidence kinds and their levels (data/confidence.tsv). */
static void write_confidence(FILE *out)
{
	fputs("const struct sc_evidence_row sc_evidence[] = {\n", out);
	for (int i = 0; i < confidence.row_count; i++) {
		const struct row *row = &confidence.rows[i];
		int level = confidence_level(&confidence, row, 1);

		if (find_name(&confidence, row->fields[0]) != i)
			fail(confidence.path, row->line, "duplicate evidence kind");
		if (level == 0)
			fail(confidence.path, row->line, "an evidence kind needs a level");
		fputs("\t{", out);
		put_string(out, row->fields[0]);
		fprintf(out, ", %d, ", level);
		put_string(out, row->fields[2]);
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
}

static unsigned char allowed_pair[5][MAX_ROWS];

/* Fails the build when a table can give a verdict an action that
 * data/verdict-actions.tsv does not allow with it. */
static void require_pair(const struct table *table, const struct row *row, int verdict, int action)
{
	static const char *const names[] = {"unknown", "success", "intermediate", "soft", "hard"};

	if (action >= 0 && !allowed_pair[verdict][action])
		fail(table->path, row->line,
		     "verdict %s with action %s is not in data/verdict-actions.tsv", names[verdict],
		     actions.rows[action].fields[0]);
}

/* Reads data/verdict-actions.tsv and writes the allowed pairs as a table. */
static void write_verdict_actions(FILE *out)
{
	for (int i = 0; i < verdict_actions.row_count; i++) {
		const struct row *row = &verdict_actions.rows[i];
		int verdict = verdict_id(&verdict_actions, row, row->fields[0]);
		int action = action_id(&verdict_actions, row, 1);

		if (action < 0)
			fail(verdict_actions.path, row->line, "an action is needed");
		if (allowed_pair[verdict][action])
			fail(verdict_actions.path, row->line, "duplicate pair");
		allowed_pair[verdict][action] = 1;
	}
	fprintf(out, "const unsigned char sc_verdict_action_allowed[5][%d] = {\n",
	        actions.row_count);
	for (int v = 0; v < 5; v++) {
		fputs("\t{", out);
		for (int a = 0; a < actions.row_count; a++)
			fprintf(out, "%d,", allowed_pair[v][a]);
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
	/* the defaults are the run-time fallback, so they must be allowed */
	for (int i = 0; i < reasons.row_count; i++) {
		const struct row *row = &reasons.rows[i];

		require_pair(&reasons, row, 3, action_id(&reasons, row, 2));
		require_pair(&reasons, row, 4, action_id(&reasons, row, 1));
		require_pair(&reasons, row, 0, action_id(&reasons, row, 1));
	}
}

/* "yes" 1, "no" 0, or fails. */
static int yes_no(const struct table *table, const struct row *row, int column)
{
	if (strcmp(row->fields[column], "yes") == 0)
		return 1;
	if (strcmp(row->fields[column], "no") == 0)
		return 0;
	fail(table->path, row->line, "column %d must be yes or no, not \"%s\"", column + 1,
	     row->fields[column]);
	return 0;
}

/* Reason id of a column, or -1 for "-". */
static int reason_or_none(const struct table *table, const struct row *row, int column)
{
	return strcmp(row->fields[column], "-") == 0 ? -1 : reason_id(table, row, column);
}

/* The verdict of each class digit (data/classes.tsv), 0 for a digit without
 * a row; filled by write_classes(). */
static int class_verdict[10];

/*
 * data/classes.tsv: one row per class digit 2 to 5, each verdict but unknown
 * at most once (the classifier looks a row up by verdict as well as by
 * digit).  An action of "-" takes the reason's soft or hard action, which
 * data/reasons.tsv has for those verdicts only.  Call after
 * write_verdict_actions(), which fills allowed_pair.
 */
static void write_classes(FILE *out)
{
	static const struct row *by_digit[10], *by_verdict[5];

	fputs("/* data/classes.tsv, in file order, then by class digit and by verdict */\n"
	      "const struct sc_class_row sc_classes[] = {\n",
	      out);
	for (int i = 0; i < classes.row_count; i++) {
		const struct row *row = &classes.rows[i];
		const char *digit_text = row->fields[0];
		int verdict = verdict_id(&classes, row, row->fields[1]);
		int reason = reason_id(&classes, row, 4),
		    fixed_reason = reason_or_none(&classes, row, 5);
		int fixed_action = action_id(&classes, row, 6);
		char *end;
		long digit;

		errno = 0;
		digit = strtol(digit_text, &end, 10);
		if (!isdigit((unsigned char)digit_text[0]) || end != digit_text + 1 ||
		    *end != '\0' || errno != 0 || digit < 2 || digit > 5)
			fail(classes.path, row->line,
			     "class must be a digit from 2 to 5, not \"%s\"", digit_text);
		if (by_digit[digit] != NULL)
			fail(classes.path, row->line, "duplicate class %ld (line %d)", digit,
			     by_digit[digit]->line);
		if (verdict == 0)
			fail(classes.path, row->line, "verdict unknown is the verdict of no class");
		if (by_verdict[verdict] != NULL)
			fail(classes.path, row->line, "verdict %s is already class %s's (line %d)",
			     row->fields[1], by_verdict[verdict]->fields[0],
			     by_verdict[verdict]->line);
		if (fixed_reason >= 0 && fixed_reason != reason)
			fail(classes.path, row->line,
			     "fixed_reason must be - or the class's reason %s, not %s",
			     row->fields[4], row->fields[5]);
		if (fixed_action < 0 && verdict != 3 && verdict != 4)
			fail(classes.path, row->line,
			     "verdict %s needs a fixed_action: data/reasons.tsv has actions "
			     "for soft and hard only",
			     row->fields[1]);
		require_pair(&classes, row, verdict, fixed_action);
		by_digit[digit] = row;
		by_verdict[verdict] = row;
		class_verdict[digit] = verdict;
		fprintf(out, "\t{%ld, SMTPCLASS_VERDICT_", digit);
		put_upper(out, row->fields[1]);
		fputs(", ", out);
		put_string(out, row->fields[2]);
		fputs(", ", out);
		put_string(out, row->fields[3]);
		fprintf(out, ", %d, %d, %d, %d},\n", reason, fixed_reason, fixed_action,
		        yes_no(&classes, row, 7));
	}
	for (int digit = 2; digit <= 5; digit++)
		if (by_digit[digit] == NULL)
			fail(classes.path, 0, "no row for class %d", digit);
	fputs("};\nconst struct sc_class_row *const sc_class_by_digit[10] = {", out);
	for (int digit = 0; digit < 10; digit++)
		if (by_digit[digit] == NULL)
			fputs("NULL, ", out);
		else
			fprintf(out, "&sc_classes[%d], ", (int)(by_digit[digit] - classes.rows));
	fputs("};\nconst struct sc_class_row *const sc_class_by_verdict[5] = {", out);
	for (int verdict = 0; verdict < 5; verdict++)
		if (by_verdict[verdict] == NULL)
			fputs("NULL, ", out);
		else
			fprintf(out, "&sc_classes[%d], ",
			        (int)(by_verdict[verdict] - classes.rows));
	fputs("};\n\n", out);
}

/* The verdict of a class digit, as the classifier derives it. */
static int verdict_of_digit(char digit)
{
	return class_verdict[digit - '0'];
}

static void write_enhanced(FILE *out)
{
	static struct enhanced_entry entries[MAX_ROWS];
	int count = enhanced.row_count;

	for (int i = 0; i < count; i++) {
		const struct row *row = &enhanced.rows[i];

		if (parse_enhanced(row->fields[0], &entries[i].subject, &entries[i].detail) != 0)
			fail(enhanced.path, row->line, "bad code \"%s\"", row->fields[0]);
		entries[i].row = row;
	}
	qsort(entries, (size_t)count, sizeof(entries[0]), compare_enhanced);
	fputs("/* sorted by subject, then detail */\nconst struct sc_enhanced_row sc_enhanced[] = "
	      "{\n",
	      out);
	for (int i = 0; i < count; i++) {
		const struct row *row = entries[i].row;

		if (i > 0 && compare_enhanced(&entries[i - 1], &entries[i]) == 0)
			fail(enhanced.path, row->line, "duplicate code");
		require_pair(&enhanced, row, 4, action_id(&enhanced, row, 4));
		fprintf(out, "\t{%d, %d, %d, %d, ", entries[i].subject, entries[i].detail,
		        reason_id(&enhanced, row, 3), action_id(&enhanced, row, 4));
		put_string(out, row->fields[1]);
		fputs(", ", out);
		put_string(out, row->fields[2]);
		fprintf(out, ", \"enhanced %s\", \"subject X.%d\"},\n", row->fields[0],
		        entries[i].subject);
	}
	fprintf(out, "};\nconst int sc_enhanced_count = %d;\n\n", count);
}

/* A basic reply code as the tables write it: three digits, 200-559 (RFC 5321
 * s4.2: the second digit is 0-5).  Returns the code, or 0 when it is not one. */
static int parse_basic_code(const char *text)
{
	char *end;
	long code;

	if (strlen(text) != 3 || !isdigit((unsigned char)text[0]) ||
	    !isdigit((unsigned char)text[1]) || !isdigit((unsigned char)text[2]))
		return 0;
	errno = 0;
	code = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || code < 200 || code > 559 || code / 10 % 10 > 5)
		return 0;
	return (int)code;
}

static int compare_basic(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->fields[0], y->fields[0]);
}

static void write_basic(FILE *out)
{
	qsort(basic.rows, (size_t)basic.row_count, sizeof(basic.rows[0]), compare_basic);
	fputs("/* sorted by code */\nconst struct sc_basic_row sc_basic[] = {\n", out);
	for (int i = 0; i < basic.row_count; i++) {
		const struct row *row = &basic.rows[i];
		const char *code = row->fields[0];

		if (parse_basic_code(code) == 0)
			fail(basic.path, row->line, "bad basic code \"%s\"", code);
		if (i > 0 && compare_basic(&basic.rows[i - 1], row) == 0)
			fail(basic.path, row->line, "duplicate code");
		{
			int verdict = verdict_of_digit(code[0]);
			int unread_reason =
			    strcmp(row->fields[4], "-") == 0 ? -1 : reason_id(&basic, row, 4);

			if (verdict == 4)
				require_pair(&basic, row, verdict, action_id(&basic, row, 3));
			require_pair(&basic, row, verdict, action_id(&basic, row, 5));
			fprintf(out, "\t{%s, %d, %d, %d, %d, ", code, reason_id(&basic, row, 2),
			        action_id(&basic, row, 3), unread_reason,
			        action_id(&basic, row, 5));
		}
		put_string(out, row->fields[1]);
		fprintf(out, ", \"basic %s\", \"basic %s, words no rule reads\"},\n", code, code);
	}
	fprintf(out, "};\nconst int sc_basic_count = %d;\n\n", basic.row_count);
}

static void write_exceptions(FILE *out)
{
	fputs("const struct sc_exception_row sc_exceptions[] = {\n", out);
	for (int i = 0; i < exceptions.row_count; i++) {
		const struct row *row = &exceptions.rows[i];
		const char *enhanced_text = row->fields[2], *stage = row->fields[3];
		const char *verdict = row->fields[4];
		int subject = -1, detail = -1, code = parse_basic_code(row->fields[1]);

		if (code == 0)
			fail(exceptions.path, row->line, "bad basic code \"%s\"", row->fields[1]);
		if (strcmp(enhanced_text, "*") == 0)
			subject = detail = -2;
		else if (strcmp(enhanced_text, "-") != 0 &&
		         parse_enhanced(enhanced_text, &subject, &detail) != 0)
			fail(exceptions.path, row->line, "bad enhanced code \"%s\"", enhanced_text);
		if (strcmp(verdict, "soft") != 0 && strcmp(verdict, "hard") != 0)
			fail(exceptions.path, row->line, "verdict must be soft or hard");
		fprintf(out, "\t{%d, %d, %d, ", code, subject, detail);
		if (strcmp(stage, "*") == 0)
			fputs("SMTPCLASS_STAGE_UNKNOWN, 1, ", out);
		else {
			fputs("SMTPCLASS_STAGE_", out);
			put_upper(out, stage);
			fputs(", 0, ", out);
		}
		require_pair(&exceptions, row, verdict_id(&exceptions, row, verdict),
		             action_id(&exceptions, row, 6));
		fputs("SMTPCLASS_VERDICT_", out);
		put_upper(out, verdict);
		fprintf(out, ", %d, %d, \"exception %s\"},\n", reason_id(&exceptions, row, 5),
		        action_id(&exceptions, row, 6), row->fields[0]);
	}
	fprintf(out, "};\nconst int sc_exception_count = %d;\n\n", exceptions.row_count);
}

static int lookup_name(const struct table *table, const char *name, size_t len)
{
	for (int i = 0; i < table->row_count; i++) {
		const char *candidate = table->rows[i].fields[0];

		if (strlen(candidate) == len && memcmp(candidate, name, len) == 0)
			return i;
	}
	return -1;
}

static int generator_reason(const char *name, size_t len)
{
	return lookup_name(&reasons, name, len);
}

static int generator_action(const char *name, size_t len)
{
	return lookup_name(&actions, name, len);
}

static void put_uint32_array(FILE *out, const char *name, const uint32_t *values, int count)
{
	fprintf(out, "static const uint32_t %s[] = {", name);
	for (int i = 0; i < count; i++)
		fprintf(out, "%s%u,", i % 12 == 0 ? "\n\t" : "", (unsigned)values[i]);
	fputs("\n};\n", out);
}

static void put_int32_array(FILE *out, const char *name, const int32_t *values, int count)
{
	fprintf(out, "static const int32_t %s[] = {", name);
	for (int i = 0; i < count; i++)
		fprintf(out, "%s%d,", i % 16 == 0 ? "\n\t" : "", values[i]);
	if (count == 0)
		fputs("0", out); /* C has no empty arrays */
	fputs("\n};\n", out);
}

/*
 * Whether rule `later` can never win against rule `earlier`: every phrase of
 * `earlier` occurs inside some phrase of `later`, so whenever all of
 * later's phrases occur, all of earlier's do too and the earlier rule wins.
 */
static int shadows(const struct sc_rule_build *build, const struct sc_rule *earlier,
                   const struct sc_rule *later)
{
	const int32_t *phrases = build->automaton.rule_phrases;

	for (int i = 0; i < earlier->phrase_count; i++) {
		const char *needle = build->phrases[phrases[earlier->phrase_first + i]];
		int inside = 0;

		for (int j = 0; j < later->phrase_count && !inside; j++)
			inside = strstr(build->phrases[phrases[later->phrase_first + j]], needle) !=
			         NULL;
		if (!inside)
			return 0;
	}
	return 1;
}

/* Fails the build when a rule can never fire because an earlier one always
 * matches first (rules are in priority order: provider rules, then file order). */
static void check_shadowing(const char *path, const struct sc_rule_build *build)
{
	const struct sc_automaton *a = &build->automaton;
	int failures = 0;

	for (int later = 0; later < a->rule_count; later++)
		for (int earlier = 0; earlier < later; earlier++) {
			if (!shadows(build, &a->rules[earlier], &a->rules[later]))
				continue;
			fprintf(stderr, "gentables: %s: rule %s can never fire: %s matches first\n",
			        path, a->rules[later].rule, a->rules[earlier].rule);
			failures++;
			break;
		}
	if (failures > 0)
		fail(path, 0, "%d shadowed rules", failures);
}

/* Fails the build unless every rule has an example that it decides itself. */
static void check_examples(const char *path, const struct sc_rule_build *build)
{
	const struct sc_automaton *a = &build->automaton;
	int failures = 0;

	for (int r = 0; r < a->rule_count; r++) {
		const struct sc_rule *rule = &a->rules[r];
		const struct sc_rule *winner;
		smtpclass_reply reply;

		if (rule->example == NULL) {
			fprintf(stderr, "gentables: %s:%zu: rule %s has no example\n", path,
			        rule->line, rule->rule);
			failures++;
			continue;
		}
		smtpclass_parse(rule->example, strlen(rule->example), &reply);
		winner = sc_rules_match(a, &reply);
		if (winner == rule)
			continue;
		fprintf(stderr, "gentables: %s:%zu: the example of rule %s is decided by %s: %s\n",
		        path, rule->line, rule->rule, winner != NULL ? winner->rule : "no rule",
		        rule->example);
		failures++;
	}
	if (failures > 0)
		fail(path, 0, "%d rules without an example they decide", failures);
}

/* Compiles data/rules.tsv with the library's own builder and writes the DFA. */
static void write_rules(FILE *out, const char *dir)
{
	static const struct sc_rule_names names = {generator_reason, generator_action};
	static char path[4096], error[256];
	struct sc_rule_build build;
	const struct sc_automaton *a = &build.automaton;
	size_t error_line;
	char *text;

	snprintf(path, sizeof(path), "%s/rules.tsv", dir);
	text = read_file(path);
	if (sc_rules_build(text, strlen(text), &names, 0, &build, &error_line, error,
	                   sizeof(error)) != 0)
		fail(path, (int)error_line, "%s", error);
	check_shadowing(path, &build);
	check_examples(path, &build);
	for (int r = 0; r < a->rule_count; r++) {
		const struct sc_rule *rule = &a->rules[r];
		int meets_soft = rule->verdict == 0 || rule->verdict == 3;
		int meets_hard = rule->verdict == 0 || rule->verdict == 4;
		int bare = rule->verdict != 0 ? rule->verdict : rule->bare_verdict;

		/* An action the verdict does not allow falls back to the reason's
		 * default at run time; an action no verdict it meets allows is dead. */
		if (rule->action < 0 || (meets_soft && allowed_pair[3][rule->action]) ||
		    (meets_hard && allowed_pair[4][rule->action]) ||
		    allowed_pair[bare][rule->action])
			continue;
		fail(path, 0, "rule %s: action %s goes with none of the verdicts it can have",
		     rule->rule, actions.rows[rule->action].fields[0]);
	}
	fprintf(out,
	        "/* data/rules.tsv: %d rules, %d phrases, %d states x %d byte classes,\n"
	        " * packed into %d cells, %d of them for the states that emit */\n",
	        a->rule_count, a->phrase_count, a->state_count, a->class_count, a->cell_count,
	        a->emit_count);
	put_uint32_array(out, "builtin_root", a->root, a->class_count);
	put_uint32_array(out, "builtin_cells", a->cells, a->cell_count);
	fputs("static const struct sc_emit builtin_emits[] = {", out);
	for (int i = 0; i < a->emit_count; i++)
		fprintf(out, "%s{%d, %d},", i % 8 == 0 ? "\n\t" : " ", (int)a->emits[i].phrase,
		        (int)a->emits[i].link);
	if (a->emit_count == 0)
		fputs("{-1, -1}", out); /* C has no empty arrays */
	fputs("\n};\n", out);
	put_int32_array(out, "builtin_phrase_rules_start", a->phrase_rules_start,
	                a->phrase_count + 1);
	put_int32_array(out, "builtin_phrase_rules", a->phrase_rules,
	                a->phrase_rules_start[a->phrase_count]);
	put_int32_array(out, "builtin_rule_phrases", a->rule_phrases,
	                a->rule_count > 0 ? a->rules[a->rule_count - 1].phrase_first +
	                                        a->rules[a->rule_count - 1].phrase_count
	                                  : 0);
	fputs("static const struct sc_rule builtin_rule_rows[] = {\n", out);
	for (int r = 0; r < a->rule_count; r++) {
		const struct sc_rule *rule = &a->rules[r];

		fputs("\t{", out);
		put_string(out, rule->rule);
		fputs(", ", out);
		put_string(out, rule->evidence);
		fprintf(out, ", NULL, 0, %d, %d, %d, %d, %d, %d, %d},\n", rule->reason,
		        rule->action, rule->verdict, rule->bare_verdict, rule->provider,
		        rule->phrase_first, rule->phrase_count);
	}
	fputs("};\n\nconst struct sc_automaton sc_builtin_rules = {\n\t.byte_class = {", out);
	for (int c = 0; c < 256; c++)
		fprintf(out, "%s%d,", c % 32 == 0 ? "\n\t\t" : "", a->byte_class[c]);
	fprintf(out,
	        "\n\t},\n\t.class_count = %d,\n\t.state_count = %d,\n\t.root = builtin_root,\n"
	        "\t.cell_count = %d,\n\t.cells = builtin_cells,\n\t.emit_from = %u,\n"
	        "\t.emits = builtin_emits,\n\t.emit_count = %d,\n\t.phrase_count = %d,\n"
	        "\t.phrase_rules_start = builtin_phrase_rules_start,\n"
	        "\t.phrase_rules = builtin_phrase_rules,\n\t.rule_phrases = builtin_rule_phrases,\n"
	        "\t.rules = builtin_rule_rows,\n\t.rule_count = %d,\n};\n",
	        a->class_count, a->state_count, a->cell_count, (unsigned)a->emit_from,
	        a->emit_count, a->phrase_count, a->rule_count);
	sc_rules_free(&build);
	free(text);
}

/* The verdicts of MTA statuses (data/log-status.tsv), indexed by
 * smtpclass_log_status: every status but NONE must have a row. */
static void write_log_status(FILE *out)
{
	static const char *const names[] = {"none",    "sent",    "deferred",
	                                    "bounced", "expired", "rejected"};
	int verdict[6] = {0}, bare[6] = {0}, reason[6] = {-1, -1, -1, -1, -1, -1}, seen[6] = {0};

	for (int i = 0; i < log_status.row_count; i++) {
		const struct row *row = &log_status.rows[i];
		int status = -1;

		for (int k = 1; k < 6; k++)
			if (strcmp(row->fields[0], names[k]) == 0)
				status = k;
		if (status < 0)
			fail(log_status.path, row->line, "unknown status \"%s\"", row->fields[0]);
		if (seen[status]++)
			fail(log_status.path, row->line, "duplicate status");
		if (strcmp(row->fields[1], "-") != 0)
			verdict[status] = verdict_id(&log_status, row, row->fields[1]);
		if (strcmp(row->fields[2], "-") != 0)
			bare[status] = verdict_id(&log_status, row, row->fields[2]);
		if (strcmp(row->fields[3], "-") != 0)
			reason[status] = reason_id(&log_status, row, 3);
	}
	for (int k = 1; k < 6; k++)
		if (!seen[k])
			fail(log_status.path, 0, "no row for status %s", names[k]);
	fputs("const struct sc_log_status_row sc_log_status[6] = {\n", out);
	for (int k = 0; k < 6; k++)
		fprintf(
		    out,
		    "\t{%d, %d, %d, \"status %s\", \"status %s, last reply of the queue id\"},\n",
		    verdict[k], bare[k], reason[k], names[k], names[k]);
	fputs("};\n\n", out);
}

/* The taxonomy mapping (data/taxonomy.tsv): [reason][0 hard, 1 soft], then
 * one row for results without a verdict. */
static void write_taxonomy(FILE *out)
{
	static const struct row *cell[MAX_ROWS][2];
	const struct row *unknown = NULL;

	for (int i = 0; i < taxonomy.row_count; i++) {
		const struct row *row = &taxonomy.rows[i];
		const char *verdict = row->fields[1];

		if (strcmp(row->fields[0], "*") == 0 && strcmp(verdict, "unknown") == 0) {
			if (unknown != NULL)
				fail(taxonomy.path, row->line, "duplicate row");
			unknown = row;
			continue;
		}
		if (strcmp(verdict, "hard") != 0 && strcmp(verdict, "soft") != 0)
			fail(taxonomy.path, row->line,
			     "verdict must be hard or soft (or * unknown)");
		{
			int reason = reason_id(&taxonomy, row, 0), soft = verdict[0] == 's';

			if (cell[reason][soft] != NULL)
				fail(taxonomy.path, row->line, "duplicate row");
			cell[reason][soft] = row;
		}
	}
	if (unknown == NULL)
		fail(taxonomy.path, 0, "no row for * unknown");
	fputs("const struct sc_taxonomy_row sc_taxonomy[][2] = {\n", out);
	for (int r = 0; r < reasons.row_count; r++) {
		fputs("\t{", out);
		for (int k = 0; k < 2; k++) {
			const struct row *row = cell[r][k];

			if (row == NULL) {
				fputs("{NULL, NULL, NULL, NULL}, ", out);
				continue;
			}
			fputc('{', out);
			for (int c = 2; c < 6; c++) {
				put_string(out, row->fields[c]);
				fputs(c < 5 ? ", " : "}, ", out);
			}
		}
		fputs("},\n", out);
	}
	fputs("};\nconst struct sc_taxonomy_row sc_taxonomy_unknown = {", out);
	for (int c = 2; c < 6; c++) {
		put_string(out, unknown->fields[c]);
		fputs(c < 5 ? ", " : "};\n\n", out);
	}
}

static void write_stage_reasons(FILE *out)
{
	fputs("const struct sc_stage_reason_row sc_stage_reasons[] = {\n", out);
	for (int i = 0; i < stage_reasons.row_count; i++) {
		const struct row *row = &stage_reasons.rows[i];

		int subject = -1, detail = -1;

		if (strcmp(row->fields[4], "-") != 0 &&
		    parse_enhanced(row->fields[4], &subject, &detail) != 0)
			fail(stage_reasons.path, row->line, "bad enhanced code \"%s\"",
			     row->fields[4]);
		fputs("\t{SMTPCLASS_STAGE_", out);
		put_upper(out, row->fields[1]);
		fprintf(out, ", %d, %d, %d, %d, \"exception %s\"},\n",
		        reason_id(&stage_reasons, row, 2), reason_id(&stage_reasons, row, 3),
		        subject, detail, row->fields[0]);
	}
	if (stage_reasons.row_count == 0)
		fputs("\t{SMTPCLASS_STAGE_UNKNOWN, -1, -1, -1, -1, 0},\n", out);
	fprintf(out, "};\nconst int sc_stage_reason_count = %d;\n\n", stage_reasons.row_count);
}

static const char *const stage_words[] = {"connect", "helo", "mail", "rcpt", "data", "eod"};

/* Writes SMTPCLASS_STAGE_X for a stage name, or SMTPCLASS_STAGE_UNKNOWN for "-". */
static void put_stage(FILE *out, const struct table *table, const struct row *row, int column)
{
	const char *name = row->fields[column];

	if (strcmp(name, "-") == 0) {
		fputs("SMTPCLASS_STAGE_UNKNOWN", out);
		return;
	}
	for (size_t i = 0; i < sizeof(stage_words) / sizeof(stage_words[0]); i++) {
		if (strcmp(name, stage_words[i]) == 0) {
			fputs("SMTPCLASS_STAGE_", out);
			put_upper(out, name);
			return;
		}
	}
	fail(table->path, row->line, "unknown stage \"%s\"", name);
}

static int compare_phrase_length(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	size_t nx = strlen(x->fields[0]), ny = strlen(y->fields[0]);

	if (nx != ny)
		return nx < ny ? 1 : -1;
	return x->line - y->line;
}

/* Whether a row of data/stage-phrases.tsv is read at a wrapper's {stage}
 * (slot: the library's table) or in a bounce notice (notice: the mail
 * reader's, in registry_data.c); checks the row on the way. */
static int stage_phrase_is_slot(const struct row *row)
{
	const char *phrase = row->fields[0], *read = row->fields[2];

	for (const char *c = phrase; *c != '\0'; c++)
		if (isupper((unsigned char)*c) || (*c == ' ' && (c[1] == ' ' || c[1] == '\0')))
			fail(stage_phrases.path, row->line, "phrase must be lowercase words");
	if (strcmp(read, "slot") == 0)
		return 1;
	if (strcmp(read, "notice") != 0)
		fail(stage_phrases.path, row->line, "read must be slot or notice");
	if (strcmp(row->fields[1], "-") == 0)
		fail(stage_phrases.path, row->line, "a notice phrase must name a stage");
	return 0;
}

/* data/stage-phrases.tsv's slot rows, longest first so "end of data" wins
 * over "data". */
static void write_stage_phrases(FILE *out)
{
	int count = 0;

	qsort(stage_phrases.rows, (size_t)stage_phrases.row_count, sizeof(stage_phrases.rows[0]),
	      compare_phrase_length);
	fputs("/* longest phrase first */\nconst struct sc_stage_phrase sc_stage_phrases[] = {\n",
	      out);
	for (int i = 0; i < stage_phrases.row_count; i++) {
		const struct row *row = &stage_phrases.rows[i];

		if (!stage_phrase_is_slot(row))
			continue;
		fputs("\t{", out);
		put_string(out, row->fields[0]);
		fprintf(out, ", %zu, ", strlen(row->fields[0]));
		put_stage(out, &stage_phrases, row, 1);
		fputs("},\n", out);
		count++;
	}
	fprintf(out, "};\nconst int sc_stage_phrase_count = %d;\n\n", count);
}

static int compare_line(const void *a, const void *b)
{
	const struct row *const *x = a, *const *y = b;

	return (*x)->line - (*y)->line;
}

/* data/log-status.tsv's dsn_actions: each RFC 3464 Action value (words
 * split on spaces) and the log status it is to a bounce message's record,
 * for the mail reader. */
static void write_dsn_actions(FILE *out)
{
	int count = 0;

	fputs("\n/* data/log-status.tsv, dsn_actions */\n"
	      "const struct registry_dsn_action registry_dsn_actions[] = {\n",
	      out);
	for (int i = 0; i < log_status.row_count; i++) {
		const struct row *row = &log_status.rows[i];
		const char *p = row->fields[4];

		if (strcmp(p, "-") == 0)
			continue;
		while (*p != '\0') {
			size_t n = 0;

			while (p[n] != '\0' && p[n] != ' ') {
				if (!islower((unsigned char)p[n]))
					fail(log_status.path, row->line,
					     "a DSN action is a lowercase word");
				n++;
			}
			if (n == 0)
				fail(log_status.path, row->line,
				     "dsn_actions: one space between words");
			fprintf(out, "\t{\"%.*s\", SMTPCLASS_STATUS_", (int)n, p);
			put_upper(out, row->fields[0]);
			fputs("},\n", out);
			count++;
			p += n;
			if (*p == ' ')
				p++;
		}
	}
	fprintf(out, "};\nconst size_t registry_dsn_action_count = %d;\n", count);
}

/* data/stage-phrases.tsv's notice rows, in the file's order (the first
 * found in a notice wins), for the mail reader. */
static void write_notice_stage_phrases(FILE *out)
{
	static const struct row *rows[MAX_ROWS];
	int count = 0;

	for (int i = 0; i < stage_phrases.row_count; i++)
		if (!stage_phrase_is_slot(&stage_phrases.rows[i]))
			rows[count++] = &stage_phrases.rows[i];
	qsort(rows, (size_t)count, sizeof(rows[0]), compare_line);
	fputs("\n/* data/stage-phrases.tsv, read notice, in the file's order */\n"
	      "const struct registry_stage_phrase registry_notice_stages[] = {\n",
	      out);
	for (int i = 0; i < count; i++) {
		fputs("\t{", out);
		put_string(out, rows[i]->fields[0]);
		fputs(", ", out);
		put_stage(out, &stage_phrases, rows[i], 1);
		fputs("},\n", out);
	}
	fprintf(out, "};\nconst size_t registry_notice_stage_count = %d;\n", count);
}

/* Whether row i of data/log-events.tsv is the first of its MTA: the tables
 * per MTA are written once, from their first row. */
static int first_of_its_mta(int i)
{
	for (int j = 0; j < i; j++)
		if (strcmp(log_events.rows[j].fields[1], log_events.rows[i].fields[1]) == 0)
			return 0;
	return 1;
}

/* data/log-events.tsv: each form split into its pieces (literal text and
 * the placeholders, by their enum names, which the compiler checks against
 * tables.h) so that the scanner reads no form text per line; checked: known
 * placeholders, a literal, {word} or {queue} first, one {peer}, or for a
 * queued message one {sender} and a {size}. */
static void write_log_events(FILE *out)
{
	static const char *const kinds[] = {"auth_failed", "tls_failed", "lost", "timeout",
	                                    "queued"};
	static const struct {
		const char *name, *piece;
	} placeholders[] = {{"{peer}", "PEER"}, {"{command}", "COMMAND"}, {"{word}", "WORD"},
	                    {"{any}", "ANY"},   {"{queue}", "QUEUE"},     {"{sender}", "SENDER"},
	                    {"{size}", "SIZE"}};
	int counts[MAX_ROWS];

	for (int i = 0; i < log_events.row_count; i++) {
		const struct row *row = &log_events.rows[i];
		const char *form = row->fields[3], *p = form;
		int peers = 0, senders = 0, sizes = 0, known = 0, n = 0;

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			known |= strcmp(row->fields[2], kinds[k]) == 0;
		if (!known)
			fail(log_events.path, row->line, "unknown kind \"%s\"", row->fields[2]);
		if (form[0] == '{' && strncmp(form, "{word}", 6) != 0 &&
		    strncmp(form, "{queue}", 7) != 0)
			fail(log_events.path, row->line,
			     "a form opens with a literal, {word} or {queue}");
		fprintf(out, "static const struct sc_event_piece log_event_pieces_%d[] = {", i);
		while (*p != '\0') {
			if (*p == '{') {
				size_t k = 0;

				while (k < sizeof(placeholders) / sizeof(placeholders[0]) &&
				       strncmp(p, placeholders[k].name,
				               strlen(placeholders[k].name)) != 0)
					k++;
				if (k == sizeof(placeholders) / sizeof(placeholders[0]))
					fail(log_events.path, row->line,
					     "unknown placeholder in \"%s\"", form);
				peers += strcmp(placeholders[k].piece, "PEER") == 0;
				senders += strcmp(placeholders[k].piece, "SENDER") == 0;
				sizes += strcmp(placeholders[k].piece, "SIZE") == 0;
				fprintf(out, "{SC_EVENT_%s, NULL, 0}, ", placeholders[k].piece);
				p += strlen(placeholders[k].name);
			} else {
				char text[512];
				size_t len = 0;

				while (p[len] != '\0' && p[len] != '{' && len + 1 < sizeof(text)) {
					text[len] = p[len];
					len++;
				}
				text[len] = '\0';
				fputs("{SC_EVENT_LITERAL, ", out);
				put_string(out, text);
				fprintf(out, ", %zu}, ", len);
				p += len;
			}
			n++;
		}
		fputs("};\n", out);
		if (strcmp(row->fields[2], "queued") == 0 ? senders != 1 || sizes != 1 : peers != 1)
			fail(log_events.path, row->line,
			     "a form names {peer} once, or for queued {sender} once and {size}");
		counts[i] = n;
	}
	fputs("const struct sc_log_event_row sc_log_events[] = {\n", out);
	for (int i = 0; i < log_events.row_count; i++) {
		const struct row *row = &log_events.rows[i];

		fputs("\t{SMTPCLASS_MTA_", out);
		put_upper(out, row->fields[1]);
		fputs(", SMTPCLASS_EVENT_", out);
		put_upper(out, row->fields[2]);
		fprintf(out, ", log_event_pieces_%d, %d},\n", i, counts[i]);
	}
	fprintf(out, "};\nconst int sc_log_event_count = %d;\n\n", log_events.row_count);
	/* each MTA's rows, in file order, so a line tries only its MTA's */
	for (int i = 0; i < log_events.row_count; i++) {
		if (!first_of_its_mta(i))
			continue;
		fprintf(out, "static const unsigned char log_event_rows_%d[] = {", i);
		for (int j = i; j < log_events.row_count; j++)
			if (strcmp(log_events.rows[j].fields[1], log_events.rows[i].fields[1]) == 0)
				fprintf(out, "%d, ", j);
		fputs("};\n", out);
	}
	fputs("const struct sc_log_event_mta sc_log_event_mtas[SMTPCLASS_MTA_COUNT] = {\n", out);
	for (int i = 0; i < log_events.row_count; i++) {
		int count = 0;

		if (!first_of_its_mta(i))
			continue;
		for (int j = i; j < log_events.row_count; j++)
			count +=
			    strcmp(log_events.rows[j].fields[1], log_events.rows[i].fields[1]) == 0;
		fputs("\t[SMTPCLASS_MTA_", out);
		put_upper(out, log_events.rows[i].fields[1]);
		fprintf(out, "] = {log_event_rows_%d, %d},\n", i, count);
	}
	fputs("};\n\n", out);
	/* For each MTA and first byte of a message, the bit set of the MTA's rows
	 * (bit k: its k-th row) that may match a message opening with that
	 * byte: a literal's first byte; a form that opens with {queue} or
	 * {word} is tried at every byte (the scanner reads those runs by its
	 * own byte classes, which are written once, in logscan). */
	fputs("const unsigned int sc_log_event_first[SMTPCLASS_MTA_COUNT][256] = {\n", out);
	for (int i = 0; i < log_events.row_count; i++) {
		unsigned int mask[256] = {0};
		int k = 0;

		if (!first_of_its_mta(i))
			continue;
		for (int j = i; j < log_events.row_count; j++) {
			const char *form = log_events.rows[j].fields[3];

			if (strcmp(log_events.rows[j].fields[1], log_events.rows[i].fields[1]) != 0)
				continue;
			if (k >= 32)
				fail(log_events.path, log_events.rows[j].line,
				     "more than 32 forms for one MTA");
			for (int c = 0; c < 256; c++)
				if (form[0] == '{' || c == (unsigned char)form[0])
					mask[c] |= 1u << k;
			k++;
		}
		fputs("\t[SMTPCLASS_MTA_", out);
		put_upper(out, log_events.rows[i].fields[1]);
		fputs("] = {", out);
		for (int c = 0; c < 256; c++)
			fprintf(out, "%s%uu", c > 0 ? ", " : "", mask[c]);
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
}

static const char *const placeholder_names[] = {NULL, "host", "address", "stage", "reply", "skip"};

/* Splits a pattern into ops: literal text and {placeholders}.  Writes the
 * ops array and returns the op count; *first_literal gets the anchor. */
static int write_pattern_ops(FILE *out, const struct row *row, int index, int *anchor, int *kinds,
                             const char **literals)
{
	const char *p = row->fields[3];
	int count = 0, replies = 0;

	fprintf(out, "static const struct sc_wrapper_op wrapper_ops_%d[] = {", index);
	*anchor = -1;
	while (*p != '\0') {
		int kind = SC_WRAPPER_LITERAL;
		const char *stop;
		char text[512];
		size_t n;

		if (count == 16)
			fail(wrappers.path, row->line, "more than 16 pieces in a pattern");
		if (*p == '{') {
			stop = strchr(p, '}');
			if (stop == NULL)
				fail(wrappers.path, row->line, "unclosed {");
			for (int k = 1; k <= SC_WRAPPER_SKIP; k++)
				if ((size_t)(stop - p - 1) == strlen(placeholder_names[k]) &&
				    memcmp(p + 1, placeholder_names[k],
				           strlen(placeholder_names[k])) == 0)
					kind = k;
			if (kind == SC_WRAPPER_LITERAL)
				fail(wrappers.path, row->line, "unknown placeholder %.*s",
				     (int)(stop - p + 1), p);
			if (count > 0 && kinds[count - 1] != SC_WRAPPER_LITERAL)
				fail(wrappers.path, row->line, "two placeholders in a row");
			if (count == 0 && kind != SC_WRAPPER_HOST && kind != SC_WRAPPER_ADDRESS &&
			    kind != SC_WRAPPER_REPLY)
				fail(wrappers.path, row->line,
				     "only {host}, {address} or {reply} may open a pattern");
			if (count > 0 && kind == SC_WRAPPER_ADDRESS)
				fail(wrappers.path, row->line, "{address} may only open a pattern");
			replies += kind == SC_WRAPPER_REPLY;
			kinds[count] = kind;
			literals[count] = NULL;
			fprintf(out, "\n\t{%d, NULL, 0},", kind);
			p = stop + 1;
			count++;
			continue;
		}
		stop = strchr(p, '{');
		n = stop != NULL ? (size_t)(stop - p) : strlen(p);
		if (n >= sizeof(text))
			fail(wrappers.path, row->line, "literal too long");
		memcpy(text, p, n);
		text[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (isupper((unsigned char)text[i]) || text[i] == '\t' ||
			    (text[i] == ' ' && i + 1 < n && text[i + 1] == ' '))
				fail(wrappers.path, row->line,
				     "literals are lowercase, single spaces");
		if (*anchor < 0)
			*anchor = count;
		kinds[count] = kind;
		literals[count] = copy_string(text);
		fputs("\n\t{0, ", out);
		put_string(out, text);
		fprintf(out, ", %zu},", n);
		p += n;
		count++;
	}
	if (*anchor < 0)
		fail(wrappers.path, row->line, "a pattern needs some literal text");
	if (replies > 1)
		fail(wrappers.path, row->line, "at most one {reply}");
	if (kinds[0] != SC_WRAPPER_LITERAL && *anchor != 1)
		fail(wrappers.path, row->line, "an opening placeholder needs a literal after it");
	if (kinds[0] == SC_WRAPPER_REPLY && count < 2)
		fail(wrappers.path, row->line, "a trailer row needs text after {reply}");
	fputs("\n};\n", out);
	return count;
}

/* data/wrappers.tsv: the ops of every pattern, the rows (search rows and
 * trailer rows apart) and the first-byte index of the search rows. */
static void write_wrappers(FILE *out)
{
	static unsigned long long first_byte[256];
	static unsigned char last_byte[256];
	int op_counts[MAX_ROWS], anchors[MAX_ROWS], trailer[MAX_ROWS];
	int search = 0, trailers = 0;

	for (int i = 0; i < wrappers.row_count; i++) {
		const struct row *row = &wrappers.rows[i];
		int kinds[16];
		const char *literals[16];
		unsigned char c;

		for (int j = 0; j < i; j++)
			if (strcmp(wrappers.rows[j].fields[0], row->fields[0]) == 0)
				fail(wrappers.path, row->line, "duplicate id");
		if (strcmp(row->fields[2], "code") != 0 && strcmp(row->fields[2], "any") != 0 &&
		    strcmp(row->fields[2], "closed") != 0)
			fail(wrappers.path, row->line, "needs must be any, code or closed");
		op_counts[i] = write_pattern_ops(out, row, i, &anchors[i], kinds, literals);
		trailer[i] = kinds[0] == SC_WRAPPER_REPLY;
		if (trailer[i]) {
			const char *last = literals[op_counts[i] - 1];

			if (last == NULL)
				fail(wrappers.path, row->line,
				     "a trailer row ends with literal text");
			c = (unsigned char)last[strlen(last) - 1];
			last_byte[c] = 1;
			last_byte[toupper(c)] = 1;
			trailers++;
			continue;
		}
		if (search == 64)
			fail(wrappers.path, row->line, "more than 64 search rows");
		c = (unsigned char)literals[anchors[i]][0];
		first_byte[c] |= 1ULL << search;
		first_byte[toupper(c)] |= 1ULL << search;
		search++;
	}
	for (int pass = 0; pass < 2; pass++) {
		fprintf(out, "const struct sc_wrapper_row %s[] = {\n",
		        pass == 0 ? "sc_wrappers" : "sc_wrapper_trailers");
		for (int i = 0; i < wrappers.row_count; i++) {
			const struct row *row = &wrappers.rows[i];

			if (trailer[i] != pass)
				continue;
			fputs("\t{", out);
			put_string(out, row->fields[0]);
			fputs(", ", out);
			put_stage(out, &wrappers, row, 1);
			fprintf(out, ", %d, %d, %d, %d, wrapper_ops_%d},\n",
			        strcmp(row->fields[2], "any") == 0    ? 0
			        : strcmp(row->fields[2], "code") == 0 ? 1
			                                              : 2,
			        trailer[i], anchors[i], op_counts[i], i);
		}
		if ((pass == 0 ? search : trailers) == 0)
			fputs("\t{0, SMTPCLASS_STAGE_UNKNOWN, 0, 0, 0, 0, 0},\n", out);
		fputs("};\n", out);
	}
	fprintf(out, "const int sc_wrapper_count = %d;\nconst int sc_wrapper_trailer_count = %d;\n",
	        search, trailers);
	fputs("const unsigned long long sc_wrapper_first_byte[256] = {", out);
	for (int c = 0; c < 256; c++)
		fprintf(out, "%s0x%llxULL,", c % 8 == 0 ? "\n\t" : " ", first_byte[c]);
	fputs("\n};\nconst unsigned char sc_wrapper_trailer_last_byte[256] = {", out);
	for (int c = 0; c < 256; c++)
		fprintf(out, "%s%d,", c % 32 == 0 ? "\n\t" : "", last_byte[c]);
	fputs("\n};\n\n", out);
}

/*
 * The registry the command's --describe shows (src/cli/registry.h): the
 * meaning and references of each basic code, and the reference of each
 * enhanced code, sorted for bsearch(); and the stage phrases the mail reader
 * looks for in notices and the DSN actions it maps to log statuses.  The library has no use for
 * them, so they go to a file of their own that only the command links.  Call after write_basic(),
 * which sorts the basic rows.
 */
static void write_registry(FILE *out)
{
	static struct enhanced_entry entries[MAX_ROWS];

	fputs("/* generated from data/basic-codes.tsv, data/enhanced-codes.tsv, "
	      "data/stage-phrases.tsv and data/log-status.tsv by tools/gentables.c: do not "
	      "edit */\n"
	      "#include \"registry.h\"\n\n"
	      "/* sorted by code */\nconst struct registry_basic registry_basic[] = {\n",
	      out);
	for (int i = 0; i < basic.row_count; i++) {
		const struct row *row = &basic.rows[i];

		fprintf(out, "\t{%s, ", row->fields[0]);
		put_string(out, row->fields[1]);
		fputs(", ", out);
		put_string(out, row->fields[6]);
		fputs("},\n", out);
	}
	fprintf(out, "};\nconst size_t registry_basic_count = %d;\n\n", basic.row_count);
	for (int i = 0; i < enhanced.row_count; i++) {
		parse_enhanced(enhanced.rows[i].fields[0], &entries[i].subject, &entries[i].detail);
		entries[i].row = &enhanced.rows[i];
	}
	qsort(entries, (size_t)enhanced.row_count, sizeof(entries[0]), compare_enhanced);
	fputs("/* sorted by subject, then detail */\n"
	      "const struct registry_enhanced registry_enhanced[] = {\n",
	      out);
	for (int i = 0; i < enhanced.row_count; i++) {
		fprintf(out, "\t{%d, %d, ", entries[i].subject, entries[i].detail);
		put_string(out, entries[i].row->fields[5]);
		fputs("},\n", out);
	}
	fprintf(out, "};\nconst size_t registry_enhanced_count = %d;\n", enhanced.row_count);
	write_notice_stage_phrases(out);
	write_dsn_actions(out);
}

int main(int argc, char **argv)
{
	FILE *header, *source, *registry = NULL;

	if (argc != 4 && argc != 5) {
		fputs("usage: gentables DATADIR OUT.h OUT.c [REGISTRY.c]\n", stderr);
		return 2;
	}
	load_table(&reasons, argv[1], "reasons.tsv", "reason\thard_action\tsoft_action\tmeaning");
	load_table(&actions, argv[1], "actions.tsv", "action\tremoves_at\tsentence");
	load_table(&confidence, argv[1], "confidence.tsv", "evidence\tconfidence\tmeaning");
	load_table(&verdict_actions, argv[1], "verdict-actions.tsv", "verdict\taction\twhy");
	load_table(&classes, argv[1], "classes.tsv",
	           "class\tverdict\tname\trule\treason\tfixed_reason\tfixed_action\t"
	           "explain_failure\tsource");
	load_table(&enhanced, argv[1], "enhanced-codes.tsv",
	           "code\tsubject\tdetail\treason\taction\treference");
	load_table(&basic, argv[1], "basic-codes.tsv",
	           "code\tmeaning\treason\taction\tunread_reason\tunread_action\treference");
	load_table(&exceptions, argv[1], "exceptions.tsv",
	           "id\tcode\tenhanced\tstage\tverdict\treason\taction\tsource");
	load_table(&taxonomy, argv[1], "taxonomy.tsv",
	           "reason\tverdict\tbounce_class\tpowermta_category\tses_bounce_type\t"
	           "ses_bounce_subtype\tlossy");
	load_table(&log_status, argv[1], "log-status.tsv",
	           "status\tverdict\tbare_verdict\treason\tdsn_actions\tsource");
	load_table(&stage_reasons, argv[1], "stage-reasons.tsv",
	           "id\tstage\treason\tbecomes\tkept_by\tsource");
	load_table(&wrappers, argv[1], "wrappers.tsv", "id\tstage\tneeds\tpattern\tsource");
	load_table(&stage_phrases, argv[1], "stage-phrases.tsv", "phrase\tstage\tread\tsource");
	load_table(&log_events, argv[1], "log-events.tsv", "id\tmta\tkind\tform\tsource");

	header = fopen(argv[2], "w");
	source = fopen(argv[3], "w");
	if (header == NULL || source == NULL)
		fail(argv[2], 0, "cannot write output");
	write_header(header);
	fputs("/* generated from data/ by tools/gentables.c: do not edit */\n"
	      "#include \"tables.h\"\n#include \"rules_internal.h\"\n\n",
	      source);
	write_reasons_and_actions(source);
	write_confidence(source);
	write_verdict_actions(source);
	write_classes(source);
	write_enhanced(source);
	write_basic(source);
	if (argc == 5) {
		registry = fopen(argv[4], "w");
		if (registry == NULL)
			fail(argv[4], 0, "cannot write output");
		write_registry(registry);
		if (fclose(registry) != 0)
			fail(argv[4], 0, "write error");
	}
	write_exceptions(source);
	write_stage_reasons(source);
	write_log_status(source);
	write_taxonomy(source);
	write_stage_phrases(source);
	write_log_events(source);
	write_wrappers(source);
	write_rules(source, argv[1]);
	if (fclose(header) != 0 || fclose(source) != 0)
		fail(argv[2], 0, "write error");
	return 0;
}
