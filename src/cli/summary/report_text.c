/*
 * report_text.c: the summary as a plain-text report, and the address lists.
 *
 * The report is for people reading a terminal or a mail: totals first,
 * then the tables (domains, hosts, reply groups, hours), each a table of
 * columns as wide as their widest cell, every line cut to the width of the
 * terminal with "..." and long texts (reply templates and examples)
 * wrapped at spaces instead.  Widths count code points, not bytes, and
 * what the log gave (names, templates, examples, stamps) is made safe
 * first (safe.h: controls as spaces, C1 and invalid UTF-8 as U+FFFD), so
 * widths are those of what is written.  Approximate
 * tables get an error column and a note on what that means.  The lists
 * of --addresses are here too: one recipient a line, sorted, and only
 * recipients a shell would read as one plain word (safe_shell_word()):
 * a script pipes these lists into commands that remove addresses.
 */
/* wcwidth() is X/Open */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "summary.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "count.h"
#include "rank.h"
#include "safe.h"
#include "stamp.h"
#include "text.h"

#define LINE_BYTES 8192

static const char *verdict_name_of(int verdict)
{
	return smtpclass_verdict_name((smtpclass_verdict)verdict);
}

/*
 * Display cells of a code point, as a terminal shows it: glibc's wcwidth()
 * in the C.UTF-8 locale (its Unicode tables: East Asian Wide and Fullwidth
 * take 2, combining marks 0), taken through a locale object of its own
 * (newlocale(), uselocale()) so that the process's locale is not touched
 * and the report does not depend on the user's.  Where C.UTF-8 does not
 * exist, a small table of the main wide blocks (UAX #11) stands in.
 */
static locale_t cells_locale;
static int cells_tried;

static size_t table_cells(unsigned long cp)
{
	static const unsigned long wide[][2] = {
	    {0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x33ff},   {0x3400, 0x4dbf},
	    {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
	    {0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x1f300, 0x1f64f},
	    {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
	};

	if (cp >= 0x0300 && cp <= 0x036f)
		return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Switches to the cells locale for a loop of code_point_cells(); returns
 * what to give back to cells_end(). */
static locale_t cells_begin(void)
{
	if (!cells_tried) {
		cells_tried = 1;
		cells_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return cells_locale != (locale_t)0 ? uselocale(cells_locale) : (locale_t)0;
}

static void cells_end(locale_t previous)
{
	if (previous != (locale_t)0)
		uselocale(previous);
}

static size_t code_point_cells(unsigned long cp)
{
	int w;

	if (cells_locale == (locale_t)0)
		return table_cells(cp);
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w; /* made safe: a control is a space by now */
}

/* The code point that starts at s[0] (well-formed UTF-8: the text was made
 * safe) and its length in *n. */
static unsigned long decode_utf8(const char *s, size_t len, size_t *n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	unsigned long cp = k == 1 ? p[0] : p[0] & (0x7f >> k);

	if (k > len)
		k = len;
	for (size_t i = 1; i < k; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	*n = k;
	return cp;
}

/* Display cells a UTF-8 string takes. */
static size_t display_width(const char *s, size_t n)
{
	/* Printable ASCII, most of a report, takes a cell a byte: no locale
	 * switch and no wcwidth() for it. */
	size_t i = safe_plain_run(s, n, 0), width = i, k;
	locale_t previous;

	if (i == n)
		return n;
	previous = cells_begin();
	while (i < n) {
		unsigned long cp = decode_utf8(s + i, n - i, &k);

		width += code_point_cells(cp);
		i += k;
	}
	cells_end(previous);
	return width;
}

/* Byte length of the longest start of s that takes at most columns cells
 * (and the combining marks after it). */
static size_t prefix_bytes(const char *s, size_t n, size_t columns)
{
	size_t i = 0, seen = 0, k;
	locale_t previous = cells_begin();

	while (i < n) {
		size_t cells = code_point_cells(decode_utf8(s + i, n - i, &k));

		if (seen + cells > columns)
			break;
		seen += cells;
		i += k;
	}
	cells_end(previous);
	return i;
}

/* Writes one line, cut to width columns with "..." when it is longer. */
static void write_line(FILE *out, const char *s, size_t n, int width)
{
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (width > 0 && display_width(s, n) > (size_t)width) {
		size_t keep = width > 3 ? (size_t)width - 3 : (size_t)width;

		fwrite(s, 1, prefix_bytes(s, n, keep), out);
		if (width > 3)
			fputs("...", out);
	} else {
		fwrite(s, 1, n, out);
	}
	putc('\n', out);
}

/* Narrowest room a text is wrapped into; with less it moves to a line of
 * its own or is cut. */
#define WRAP_MIN 20

/* Writes text after label[0..label_len), wrapped at spaces to width
 * columns; lines after the first are indented to line up with the text. */
static void write_wrapped_after(FILE *out, const char *label, size_t label_len, const char *text,
                                size_t len, int width)
{
	char line[LINE_BYTES], clean[2 * LINE_BYTES];
	size_t indent = display_width(label, label_len), room, start = 0;

	if (label_len > sizeof(line) / 2)
		label_len = indent = 0;
	len = safe_copy(clean, sizeof(clean), text, len);
	text = clean;
	room = width > 0 && (size_t)width > indent + WRAP_MIN ? (size_t)width - indent : 0;
	do {
		size_t take = len - start, n, lead = start == 0 ? label_len : indent;

		if (room > 0 && display_width(text + start, take) > room) {
			size_t cut = prefix_bytes(text + start, take, room), space = cut;

			while (space > 0 && text[start + space] != ' ')
				space--;
			take = space > 0 ? space : cut;
		}
		if (take > sizeof(line) - lead)
			take = sizeof(line) - lead;
		if (start == 0)
			memcpy(line, label, label_len);
		else
			memset(line, ' ', indent);
		memcpy(line + lead, text + start, take);
		n = lead + take;
		write_line(out, line, n, width);
		start += take;
		while (start < len && text[start] == ' ')
			start++;
	} while (start < len);
}

static void write_wrapped(FILE *out, const char *label, const char *text, size_t len, int width)
{
	write_wrapped_after(out, label, strlen(label), text, len, width);
}

static void put_number(struct text_buffer *o, unsigned long long value)
{
	char number[32];

	snprintf(number, sizeof(number), "%llu", value);
	put_string(o, number);
}

static void put_share(struct text_buffer *o, unsigned long long part, unsigned long long whole)
{
	char share[32];

	if (whole == 0)
		snprintf(share, sizeof(share), "-");
	else
		snprintf(share, sizeof(share), "%.1f%%", 100.0 * (double)part / (double)whole);
	put_string(o, share);
}

/* What a table's cells are made from. */
struct table_rows {
	const struct summary *summary;
	const struct ranked *rows;
	const struct party_table *party;
	int error_column;           /* the table is approximate: show each entry's error */
	unsigned long long whole;   /* what a share is of */
	const struct day_row *days; /* the per-day table's rows */
	const struct topk *groups;  /* a groups table's rows: outbound or inbound */
	int inbound;                /* the inbound groups: no action column */
	int sessions;               /* a warnings table whose tag is the event kind */
};

typedef void (*cell_writer)(const struct table_rows *t, size_t row, size_t column,
                            struct text_buffer *o);

/* Writes cell (row, column) into o made safe: a cell may hold a domain, a
 * host or a key from the log. */
static void safe_cell(cell_writer cell, const struct table_rows *t, size_t row, size_t column,
                      struct text_buffer *o)
{
	char raw[LINE_BYTES];
	struct text_buffer r = {raw, sizeof(raw), 0, 0};

	cell(t, row, column, &r);
	o->len = safe_copy(o->buf, o->size, raw, r.len);
}

struct table_shape {
	size_t columns;
	const char *const *titles;
	const char *align; /* 'l' or 'r' for each column */
};

/* Shortest a key column is cut to before its long cells move to lines of
 * their own. */
#define KEY_MIN 8

/* How a table too wide for its width is laid out. */
struct table_fit {
	int flow;       /* the last column's cells wrap within its own column */
	int below;      /* the last column's cells go on a line below their row */
	size_t key_cap; /* key cells wider than this go on a line above their row */
};

/* Fits a table of these column widths into width cells, changing widths:
 * a long last column (a sentence, the top reasons) wraps within its column
 * or, with less than WRAP_MIN cells left for it, moves below its row; then a
 * long key (a domain, a host) moves above its row.  What still does not
 * fit is cut with "..." by write_line(). */
static struct table_fit fit_table(const struct table_shape *shape, size_t *widths, int width)
{
	struct table_fit fit = {0, 0, 0};
	size_t cols = shape->columns, last = cols - 1, full = 2 * cols, rest;

	for (size_t c = 0; c < cols; c++)
		full += widths[c];
	if (width <= 0 || full <= (size_t)width || cols < 2)
		return fit;
	if (shape->align[last] == 'l') {
		rest = full - widths[last];
		if (rest + WRAP_MIN < (size_t)width) {
			fit.flow = 1;
			widths[last] = (size_t)width - rest;
			return fit;
		}
		fit.below = 1;
		full = rest - 2;
	}
	if (shape->align[0] == 'l' && full > (size_t)width) {
		rest = full - widths[0];
		if (rest + KEY_MIN <= (size_t)width) {
			fit.key_cap = (size_t)width - rest;
			if (fit.key_cap < strlen(shape->titles[0]))
				fit.key_cap = strlen(shape->titles[0]);
			widths[0] = fit.key_cap;
		}
	}
	return fit;
}

/* Writes a table with columns as wide as their widest cell, fitted to width
 * (fit_table()); after_row, if given, writes lines below each row. */
static void write_table(FILE *out, int width, const struct table_shape *shape,
                        const struct table_rows *t, size_t rows, cell_writer cell,
                        void (*after_row)(FILE *, int, const struct table_rows *, size_t))
{
	size_t widths[16] = {0};
	char cell_text[LINE_BYTES], line[LINE_BYTES], label[64], key_line[LINE_BYTES + 2];
	struct table_fit fit;
	size_t last = shape->columns - 1;

	for (size_t c = 0; c < shape->columns; c++)
		widths[c] = strlen(shape->titles[c]);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < shape->columns; c++) {
			struct text_buffer o = {cell_text, sizeof(cell_text), 0, 0};
			size_t w;

			safe_cell(cell, t, r, c, &o);
			w = display_width(cell_text, o.len);
			if (w > widths[c])
				widths[c] = w;
		}
	}
	fit = fit_table(shape, widths, width);
	for (size_t r = 0; r <= rows; r++) {
		struct text_buffer o = {line, sizeof(line), 0, 0};
		size_t shown = fit.below ? last : shape->columns;

		put_string(&o, " ");
		for (size_t c = 0; c < shown; c++) {
			struct text_buffer v = {cell_text, sizeof(cell_text), 0, 0};
			size_t w;

			if (r == 0)
				put_string(&v, shape->titles[c]);
			else
				safe_cell(cell, t, r - 1, c, &v);
			w = display_width(cell_text, v.len);
			if (c == 0 && fit.key_cap > 0 && w > fit.key_cap) {
				/* the long key on a line of its own, the row below it */
				/* a cell is at most LINE_BYTES: the copy is whole */
				struct text_buffer k = {key_line, sizeof(key_line), 0, 0};

				put_string(&k, "  ");
				put_bytes(&k, cell_text, v.len);
				write_line(out, key_line, k.len, width);
				v.len = 0;
				w = 0;
			}
			if (c == last && fit.flow && r > 0)
				break;
			put_string(&o, " ");
			if (shape->align[c] == 'r')
				for (; w < widths[c]; w++)
					put_char(&o, ' ');
			put_bytes(&o, cell_text, v.len);
			if (shape->align[c] != 'r' && c + 1 < shape->columns)
				for (; w < widths[c]; w++)
					put_char(&o, ' ');
			if (c + 1 < shape->columns)
				put_char(&o, ' ');
		}
		if (r > 0 && (fit.flow || fit.below)) {
			struct text_buffer v = {cell_text, sizeof(cell_text), 0, 0};

			safe_cell(cell, t, r - 1, last, &v);
			if (fit.flow) {
				put_char(&o, ' ');
				write_wrapped_after(out, line, o.len, cell_text, v.len, width);
			} else {
				write_line(out, line, o.len, width);
				if (v.len > 0) {
					snprintf(label, sizeof(label),
					         "      %s: ", shape->titles[last]);
					write_wrapped(out, label, cell_text, v.len, width);
				}
			}
		} else {
			write_line(out, line, o.len, width);
		}
		if (r > 0 && after_row != NULL)
			after_row(out, width, t, r - 1);
	}
}

/* ---- Sections ---- */

static void count_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct ranked *r = &t->rows[row];

	switch (column) {
	case 0:
		put_bytes(o, r->key, r->key_len);
		break;
	case 1:
		put_number(o, r->primary);
		break;
	case 2:
		put_share(o, r->primary, t->whole);
		break;
	default:
		put_string(o, r->secondary == 1   ? smtpclass_reason_meaning((int)r->index)
		              : r->secondary == 2 ? smtpclass_action_sentence((int)r->index)
		                                  : "");
		break;
	}
}

/* A name-to-count table: statuses, verdicts, reasons or actions.  kind 1
 * adds the reason's meaning, kind 2 the action's sentence. */
static void write_counts(FILE *out, int width, const struct summary *s, const char *title,
                         struct ranked *rows, size_t n, int kind, unsigned long long whole)
{
	const char *titles[4] = {title, "count", "share", kind == 1 ? "meaning" : "what to do"};
	struct table_shape shape = {kind > 0 ? 4 : 3, titles, "lrrl"};
	struct table_rows t = {s, rows, NULL, 0, whole, NULL, NULL, 0, 0};

	for (size_t i = 0; i < n; i++)
		rows[i].secondary = (unsigned long long)kind;
	write_table(out, width, &shape, &t, n, count_cell, NULL);
}

static void put_top_reasons(struct text_buffer *o, const struct summary *s,
                            const unsigned long long *reasons, size_t most)
{
	struct ranked r[256];
	size_t n = rank_counts(reasons, s->reason_count < 256 ? s->reason_count : 256,
	                       smtpclass_reason_name, r);

	for (size_t i = 0; i < n && i < most; i++) {
		if (i > 0)
			put_string(o, ", ");
		put_bytes(o, r[i].key, r[i].key_len);
		put_char(o, ' ');
		put_number(o, r[i].primary);
	}
}

static void party_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct party_table *p = t->party;
	size_t i = t->rows[row].index;
	unsigned long long status[STATUS_COUNT];

	party_statuses(p, i, status);
	if (!t->error_column && column >= 7)
		column++;
	switch (column) {
	case 0:
		put_bytes(o, topk_key(&p->table, i), topk_entry(&p->table, i)->key_len);
		break;
	case 1:
		put_number(o, topk_entry(&p->table, i)->count);
		break;
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		put_number(o, status[column - 1]);
		break;
	case 7:
		put_number(o, *topk_error(&p->table, i));
		break;
	default:
		put_top_reasons(o, t->summary, party_reasons(t->summary, p, i), 3);
		break;
	}
}

static void write_heading(FILE *out, int width, const char *text)
{
	size_t indent = strspn(text, " ");

	putc('\n', out);
	write_wrapped_after(out, text, indent, text + indent, strlen(text + indent), width);
}

static void write_party(FILE *out, int width, const struct summary *s, const struct party_table *p,
                        const char *title, enum table_id id)
{
	static const char *const titles[] = {"",         "records", "sent",
	                                     "deferred", "bounced", "expired",
	                                     "rejected", "error",   "top reasons"};
	const char *with_error[9], *without_error[8];
	char heading[256];
	size_t n;
	struct ranked *rows = rank_party(p, (size_t)s->top, &n);
	int capped = table_capped(s, id);
	struct table_rows t = {s, rows, p, capped, 0, NULL, NULL, 0, 0};
	struct table_shape shape;

	snprintf(heading, sizeof(heading), "%s: %zu of %s%llu, most failures first", title,
	         shown(s, n), capped ? "about " : "", distinct_of(&p->table, p->distinct));
	write_heading(out, width, heading);
	memcpy(with_error, titles, sizeof(with_error));
	with_error[0] = id == T_DOMAINS ? "domain" : "host";
	memcpy(without_error, with_error, 7 * sizeof(*without_error));
	without_error[7] = titles[8];
	shape.columns = capped ? 9 : 8;
	shape.titles = capped ? with_error : without_error;
	shape.align = capped ? "lrrrrrrrl" : "lrrrrrrl";
	write_table(out, width, &shape, &t, shown(s, n), party_cell, NULL);
	free(rows);
}

/* A cell of the delays table: domain, delivered, average, p95, longest. */
static void delay_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct party_table *p = t->party;
	size_t i = t->rows[row].index;
	const struct delay_stats *d = party_delays(p, i);
	char text[32];

	switch (column) {
	case 0:
		put_bytes(o, topk_key(&p->table, i), topk_entry(&p->table, i)->key_len);
		return;
	case 1:
		put_number(o, d->count);
		return;
	case 2:
		delay_text(delay_average_ms(d), text, sizeof(text));
		break;
	case 3:
		delay_text(delay_percentile_ms(d, 950), text, sizeof(text));
		break;
	default:
		delay_text(d->max_ms, text, sizeof(text));
		break;
	}
	put_string(o, text);
}

/* How long delivered mail waited in the queue, in all and per recipient
 * domain; nothing when no delivery said (a log without delay= or QT=). */
static void write_delays(FILE *out, int width, const struct summary *s)
{
	static const char *const titles[] = {"domain", "delivered", "average", "95%", "longest"};
	struct table_shape shape = {5, titles, "lrrrr"};
	const struct delay_stats *d = &s->delays;
	char heading[256], average[32], p95[32], longest[32];
	size_t n;
	struct ranked *rows;
	struct table_rows t = {s, NULL, &s->domains, 0, 0, NULL, NULL, 0, 0};

	if (d->count == 0)
		return;
	delay_text(delay_average_ms(d), average, sizeof(average));
	delay_text(delay_percentile_ms(d, 950), p95, sizeof(p95));
	delay_text(d->max_ms, longest, sizeof(longest));
	rows = rank_delays(&s->domains, (size_t)s->top, &n);
	snprintf(
	    heading, sizeof(heading),
	    "Delivery delays (time in the queue): %llu deliveries, average %s, 95%% within %s, "
	    "longest %s; %zu of %s%zu domains, most deliveries first",
	    d->count, average, p95, longest, shown(s, n),
	    table_capped(s, T_DOMAINS) ? "about " : "", n);
	write_heading(out, width, heading);
	t.rows = rows;
	write_table(out, width, &shape, &t, shown(s, n), delay_cell, NULL);
	free(rows);
}

static void put_group_domains(struct text_buffer *o, const struct group_info *g)
{
	struct ranked r[GROUP_DOMAINS_MAX];
	size_t n = rank_group_domains(g, r);

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put_string(o, ", ");
		put_bytes(o, r[i].key, r[i].key_len);
		put_char(o, ' ');
		put_number(o, r[i].primary);
	}
}

static void group_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	size_t i = t->rows[row].index;
	const struct topk *groups = t->groups;
	uint16_t tag = topk_entry(groups, i)->tag;

	if (!t->error_column && column >= 2)
		column++;
	if (t->inbound && column >= 5)
		column++;
	switch (column) {
	case 0:
		put_number(o, row + 1);
		break;
	case 1:
		put_number(o, topk_entry(groups, i)->count);
		break;
	case 2:
		put_number(o, *topk_error(groups, i));
		break;
	case 3:
		put_string(o, smtpclass_verdict_name((smtpclass_verdict)tag_verdict(tag)));
		break;
	case 4:
		put_string(o, smtpclass_reason_name(tag_reason(tag)));
		break;
	case 5:
		put_string(o, smtpclass_action_name(tag_action(tag)));
		break;
	default:
		put_group_domains(o, group_in(groups, i));
		break;
	}
}

static void group_lines(FILE *out, int width, const struct table_rows *t, size_t row)
{
	const struct topk *groups = t->groups;
	size_t i = t->rows[row].index;
	const struct group_info *g = group_in(groups, i);

	if (topk_entry(groups, i)->key_len == 0)
		write_wrapped(out, "      template: ", "(no reply text)", 15, width);
	else
		write_wrapped(out, "      template: ", topk_key(groups, i),
		              topk_entry(groups, i)->key_len, width);
	if (g->example_len > 0)
		write_wrapped(out, "      example:  ", g->example, g->example_len, width);
}

/* The reply groups of our mail, or (inbound) the texts of this server's
 * rejects, with the clients they refused most and no action column: the
 * actions are advice about one's own sending. */
static void write_groups(FILE *out, int width, const struct summary *s, int inbound)
{
	static const char *const with_error[] = {"#",      "count",  "error",  "verdict",
	                                         "reason", "action", "domains"};
	static const char *const without_error[] = {"#",      "count",  "verdict",
	                                            "reason", "action", "domains"};
	static const char *const in_with_error[] = {"  #",     "count",  "error",
	                                            "verdict", "reason", "clients"};
	static const char *const in_without_error[] = {"  #", "count", "verdict", "reason",
	                                               "clients"};
	const struct topk *groups = inbound ? &s->inbound.groups : &s->groups;
	enum table_id id = inbound ? T_INBOUND_GROUPS : T_GROUPS;
	char heading[256];
	size_t n;
	struct ranked *rows = rank_groups(groups, (size_t)s->top, &n);
	int capped = table_capped(s, id);
	struct table_rows t = {s, rows, NULL, capped, 0, NULL, groups, inbound, 0};
	struct table_shape shape = {capped ? 7 : 6, capped ? with_error : without_error,
	                            capped ? "rrrllll" : "rrllll"};

	if (inbound) {
		shape.columns = capped ? 6 : 5;
		shape.titles = capped ? in_with_error : in_without_error;
		shape.align = capped ? "rrrlll" : "rrlll";
	}
	snprintf(heading, sizeof(heading), "%s: %zu of %s%llu, most frequent first",
	         inbound ? "  Reject texts" : "Reply groups", shown(s, n), capped ? "about " : "",
	         distinct_of(groups, inbound ? s->inbound.group_distinct : s->group_distinct));
	write_heading(out, width, heading);
	write_table(out, width, &shape, &t, shown(s, n), group_cell, group_lines);
	free(rows);
}

static void hour_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct summary *s = t->summary;
	size_t i = t->rows[row].index;
	char label[32];

	if (column == 0) {
		put_bytes(o, label,
		          hour_label(topk_entry(&s->hours, i)->hash, label, sizeof(label)));
		return;
	}
	if (column == 1) {
		put_number(o, topk_entry(&s->hours, i)->count);
		return;
	}
	put_number(o, hour_status(s, i)[column - 1]);
}

static void day_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct day_row *d = &t->days[row];
	char label[32];

	if (column == 0)
		put_bytes(o, label, day_label(d->key, label, sizeof(label)));
	else if (column == 1)
		put_number(o, d->records);
	else
		put_number(o, d->status[column - 1]);
}

/* The titles of a table of periods (days, hours): the period, records and
 * the statuses by their names. */
static void period_titles(const char *period, const char *titles[1 + STATUS_COUNT])
{
	titles[0] = period;
	titles[1] = "records";
	for (int st = 1; st < STATUS_COUNT; st++)
		titles[1 + st] = summary_status_keys[st];
}

/* The days, each the sum of its hours: pflogsumm's per-day totals. */
static void write_days(FILE *out, int width, const struct summary *s)
{
	const char *titles[1 + STATUS_COUNT];
	struct table_shape shape = {STATUS_COUNT + 1, titles, "lrrrrrr"};
	size_t n;
	struct day_row *days = rank_days(s, &n);
	struct table_rows t = {s, NULL, NULL, 0, 0, days, NULL, 0, 0};

	if (n == 0)
		return;
	period_titles("day", titles);
	write_heading(out, width,
	              table_capped(s, T_HOURS) ? "Per day (the days of the busiest hours)"
	                                       : "Per day");
	write_table(out, width, &shape, &t, n, day_cell, NULL);
	free(days);
}

static void write_hours(FILE *out, int width, const struct summary *s)
{
	const char *titles[1 + STATUS_COUNT];
	struct table_shape shape = {STATUS_COUNT + 1, titles, "lrrrrrr"};
	size_t n;
	struct ranked *rows = rank_hours(s, &n);
	struct table_rows t = {s, rows, NULL, 0, 0, NULL, NULL, 0, 0};

	period_titles("hour", titles);
	write_heading(out, width,
	              table_capped(s, T_HOURS) ? "Per hour (the busiest hours)" : "Per hour");
	write_table(out, width, &shape, &t, n, hour_cell, NULL);
	free(rows);
}

static void write_caps_note(FILE *out, int width, const struct summary *s)
{
	char note[512];
	struct text_buffer o = {note, sizeof(note), 0, 0};
	int capped = 0, named = 0;

	for (int id = 0; id < T_COUNT; id++)
		capped += table_capped(s, (enum table_id)id);
	put_string(&o, "Approximate: the ");
	for (int id = 0; id < T_COUNT; id++) {
		if (!table_capped(s, (enum table_id)id))
			continue;
		named++;
		if (named > 1)
			put_string(&o, named == capped ? " and " : ", ");
		put_string(&o, summary_table_names[id]);
	}
	put_string(&o,
	           capped > 1 ? " tables reached their capacity" : " table reached its capacity");
	put_string(&o, ", or a merged summary listed only its top entries.  The heaviest entries "
	               "are kept: counts lower in those lists are "
	               "upper bounds, at most their error too high.  Totals are exact.");
	write_wrapped(out, "", note, o.len, width);
}

/* What this server sent and remote servers answered: reasons, actions
 * (with what to do about our mail), domains, hosts and reply groups.  The
 * heading is there only when the report has an inbound side too, and the
 * section only when it has records or nothing else does. */
static void write_outbound(FILE *out, int width, const struct summary *s)
{
	unsigned long long reasons[256], actions[256], records = s->records - s->inbound.records;
	struct ranked rows[256];
	char line[256];
	size_t n;
	int reason_count = s->reason_count < 256 ? s->reason_count : 256;
	int action_count = s->action_count < 256 ? s->action_count : 256;

	if (records == 0 && s->inbound.records > 0)
		return; /* only rejects (--direction=in): no empty outbound tables */
	if (s->inbound.records > 0) {
		snprintf(line, sizeof(line), "Sent by this server: %llu records", records);
		write_heading(out, width, line);
	}
	outbound_counts(s->reasons, s->inbound.reasons, reason_count, reasons);
	outbound_counts(s->actions, s->inbound.actions, action_count, actions);
	putc('\n', out);
	n = rank_counts(reasons, reason_count, smtpclass_reason_name, rows);
	write_counts(out, width, s, "reason", rows, n, 1, records);
	putc('\n', out);
	n = rank_counts(actions, action_count, smtpclass_action_name, rows);
	write_counts(out, width, s, "action", rows, n, 2, records);

	write_party(out, width, s, &s->domains, "Recipient domains", T_DOMAINS);
	write_delays(out, width, s);
	write_party(out, width, s, &s->hosts, "Remote hosts", T_HOSTS);
	write_groups(out, width, s, 0);
}

/* A cell of an inbound table: name, refused, error (when shown) and top
 * reasons, which are party_cell()'s columns 0, 1, 7 and 8. */
static void inbound_cell(const struct table_rows *t, size_t row, size_t column,
                         struct text_buffer *o)
{
	static const size_t party_columns[] = {0, 1, 7, 8};
	struct table_rows all = *t;

	if (!t->error_column && column >= 2)
		column++;
	all.error_column = 1; /* party_cell()'s columns as they are */
	party_cell(&all, row, party_columns[column], o);
}

/* A table of the inbound side: clients or recipient domains, with the
 * records refused and why. */
static void write_inbound_party(FILE *out, int width, const struct summary *s,
                                const struct party_table *p, const char *title,
                                const char *name_title, enum table_id id)
{
	const char *with_error[] = {name_title, "refused", "error", "top reasons"};
	const char *without_error[] = {name_title, "refused", "top reasons"};
	char heading[256];
	size_t n;
	struct ranked *rows = rank_party(p, (size_t)s->top, &n);
	int capped = table_capped(s, id);
	struct table_rows t = {s, rows, p, capped, 0, NULL, NULL, 0, 0};
	struct table_shape shape = {capped ? 4 : 3, capped ? with_error : without_error,
	                            capped ? "lrrl" : "lrl"};

	snprintf(heading, sizeof(heading), "  %s: %zu of %s%llu, most refused first", title,
	         shown(s, n), capped ? "about " : "", distinct_of(&p->table, p->distinct));
	write_heading(out, width, heading);
	write_table(out, width, &shape, &t, shown(s, n), inbound_cell, NULL);
	free(rows);
}

/* What this server refused: reasons, clients and recipient domains.  No
 * action column: the actions are advice about our own sending. */
static void write_inbound(FILE *out, int width, const struct summary *s)
{
	const struct inbound *in = &s->inbound;
	struct ranked rows[256];
	char line[256];
	size_t n;

	if (in->records == 0)
		return;
	snprintf(line, sizeof(line), "Refused by this server: %llu records", in->records);
	write_heading(out, width, line);
	putc('\n', out);
	n = rank_counts(in->reasons, s->reason_count < 256 ? s->reason_count : 256,
	                smtpclass_reason_name, rows);
	write_counts(out, width, s, "reason", rows, n, 0, in->records);
	write_inbound_party(out, width, s, &in->clients, "Clients", "client", T_INBOUND_CLIENTS);
	write_inbound_party(out, width, s, &in->domains, "Recipient domains", "domain",
	                    T_INBOUND_DOMAINS);
	if (in->groups.used > 0)
		write_groups(out, width, s, 1);
}

/* A size in bytes for people: "812 B", "7.4 kB", "309.9 MB" (SI units). */
static void size_text(unsigned long long bytes, char *buf, size_t size)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB"};
	unsigned long long scale = 1000;
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(buf, size, "%llu B", bytes);
		return;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / scale >= 1000) {
		scale *= 1000;
		u++;
	}
	snprintf(buf, size, "%llu.%llu %s", bytes / scale, bytes % scale * 10 / scale, units[u]);
}

/* A cell of a senders table (in t->groups): name, messages, bytes, error. */
static void sender_cell(const struct table_rows *t, size_t row, size_t column,
                        struct text_buffer *o)
{
	const struct topk *table = t->groups;
	size_t i = t->rows[row].index;
	char text[32];

	if (column == 0) {
		put_bytes(o, topk_key(table, i), topk_entry(table, i)->key_len);
	} else if (column == 1) {
		put_number(o, topk_entry(table, i)->count);
	} else if (column == 2) {
		size_text(topk_entry(table, i)->tally, text, sizeof(text));
		put_string(o, text);
	} else {
		put_number(o, *topk_error(table, i));
	}
}

static void write_sender_table(FILE *out, int width, const struct summary *s,
                               const struct topk *table, enum table_id id, const char *title,
                               const char *name_title, unsigned long long merged_distinct)
{
	const char *titles[4] = {name_title, "messages", "bytes", "error"};
	char heading[256];
	size_t n;
	struct ranked *rows = rank_groups(table, (size_t)s->top, &n);
	int capped = table_capped(s, id);
	struct table_rows t = {s, rows, NULL, capped, 0, NULL, table, 0, 0};
	struct table_shape shape = {capped ? 4 : 3, titles, "lrrr"};

	if (n > 0) {
		snprintf(heading, sizeof(heading), "  %s: %zu of %s%llu, most messages first",
		         title, shown(s, n), capped ? "about " : "",
		         distinct_of(table, merged_distinct));
		write_heading(out, width, heading);
		write_table(out, width, &shape, &t, shown(s, n), sender_cell, NULL);
	}
	free(rows);
}

/* The messages that entered the queue, by sender and sender domain
 * (pflogsumm's "Senders by message count" and "bytes received"); nothing
 * when the log says none (no qmgr from= or Exim <= lines). */
static void write_senders(FILE *out, int width, const struct summary *s)
{
	const struct senders *q = &s->senders;
	char line[256], bytes[32], average[32], largest[32];

	if (q->messages == 0)
		return;
	size_text(q->bytes, bytes, sizeof(bytes));
	size_text((q->bytes + q->messages / 2) / q->messages, average, sizeof(average));
	size_text(q->largest, largest, sizeof(largest));
	snprintf(line, sizeof(line),
	         "Queued messages: %s%llu, %s (average %s, largest %s), by sender",
	         table_capped(s, T_QUEUED) ? "about " : "", q->messages, bytes, average, largest);
	write_heading(out, width, line);
	write_sender_table(out, width, s, &q->senders, T_SENDERS, "Senders", "sender",
	                   q->sender_distinct);
	write_sender_table(out, width, s, &q->domains, T_SENDER_DOMAINS, "Sender domains", "domain",
	                   q->domain_distinct);
}

/* A cell of a warnings table (in t->groups): the name (for sessions the
 * event, then the command), the count, and the error when approximate. */
static void warning_cell(const struct table_rows *t, size_t row, size_t column,
                         struct text_buffer *o)
{
	const struct topk *table = t->groups;
	size_t i = t->rows[row].index;

	if (t->sessions && column == 0) {
		put_string(o, smtpclass_log_event_name(topk_entry(table, i)->tag));
		return;
	}
	if (t->sessions)
		column--;
	if (column == 0) {
		if (topk_entry(table, i)->key_len == 0)
			put_string(o, "-");
		else
			put_bytes(o, topk_key(table, i), topk_entry(table, i)->key_len);
	} else if (column == 1) {
		put_number(o, topk_entry(table, i)->count);
	} else {
		put_number(o, *topk_error(table, i));
	}
}

static void write_warning_table(FILE *out, int width, const struct summary *s,
                                const struct topk *table, enum table_id id, const char *title,
                                const char *name_title, unsigned long long merged_distinct)
{
	const char *titles[4];
	char heading[256];
	size_t n, c = 0;
	struct ranked *rows = rank_groups(table, (size_t)s->top, &n);
	int capped = table_capped(s, id);
	int sessions = id == T_WARNING_SESSIONS;
	struct table_rows t = {s, rows, NULL, capped, 0, NULL, table, 0, sessions};
	struct table_shape shape = {0, titles, sessions ? "llrr" : "lrr"};

	if (n == 0) {
		free(rows);
		return;
	}
	snprintf(heading, sizeof(heading), "  %s: %zu of %s%llu", title, shown(s, n),
	         capped ? "about " : "", distinct_of(table, merged_distinct));
	write_heading(out, width, heading);
	if (sessions)
		titles[c++] = "event";
	titles[c++] = name_title;
	titles[c++] = "count";
	if (capped)
		titles[c++] = "error";
	shape.columns = c;
	write_table(out, width, &shape, &t, shown(s, n), warning_cell, NULL);
	free(rows);
}

/* What the log says of sessions besides outcomes: failed logins by client,
 * failed TLS handshakes by host, lost connections and timeouts by the
 * command they came at; nothing when the log says none. */
static void write_warnings(FILE *out, int width, const struct summary *s)
{
	const struct warnings *w = &s->warnings;
	char line[256];

	if (w->counts[SMTPCLASS_EVENT_AUTH_FAILED] + w->counts[SMTPCLASS_EVENT_TLS_FAILED] +
	        w->counts[SMTPCLASS_EVENT_LOST] + w->counts[SMTPCLASS_EVENT_TIMEOUT] ==
	    0)
		return;
	snprintf(line, sizeof(line),
	         "Warnings: %llu failed SMTP AUTH, %llu failed TLS handshakes, %llu lost "
	         "connections, %llu timeouts",
	         w->counts[SMTPCLASS_EVENT_AUTH_FAILED], w->counts[SMTPCLASS_EVENT_TLS_FAILED],
	         w->counts[SMTPCLASS_EVENT_LOST], w->counts[SMTPCLASS_EVENT_TIMEOUT]);
	write_heading(out, width, line);
	write_warning_table(out, width, s, &w->clients, T_WARNING_CLIENTS,
	                    "Failed SMTP AUTH by client", "client", w->client_distinct);
	write_warning_table(out, width, s, &w->hosts, T_WARNING_HOSTS, "Failed TLS by host", "host",
	                    w->host_distinct);
	write_warning_table(out, width, s, &w->sessions, T_WARNING_SESSIONS,
	                    "Lost connections and timeouts by command", "command",
	                    w->session_distinct);
}

void summary_write_text(const struct summary *s, FILE *out, int width)
{
	static const char *const status_titles[] = {"status", "count", "share"};
	struct ranked rows[256];
	char line[512];
	size_t n = 0;
	unsigned long long other = s->records;
	int len;

	len = snprintf(line, sizeof(line), "smtpclass summary: %llu records", s->records);
	if (s->first.key != 0 && len > 0 && (size_t)len < sizeof(line))
		snprintf(line + len, sizeof(line) - (size_t)len, ", %.*s to %.*s",
		         (int)s->first.len, s->first.text, (int)s->last.len, s->last.text);
	write_wrapped(out, "", line, strlen(line), width);
	if (s->incomplete != NULL) {
		snprintf(line, sizeof(line),
		         "Incomplete: %s; the report covers what was read until then.",
		         s->incomplete);
		write_wrapped(out, "", line, strlen(line), width);
	}
	if (is_approximate(s))
		write_caps_note(out, width, s);

	putc('\n', out);
	for (int st = 1; st < STATUS_COUNT; st++) {
		rows[n].index = (size_t)st;
		rows[n].primary = s->status[st];
		rows[n].secondary = 0;
		rows[n].key = summary_status_keys[st];
		rows[n].key_len = strlen(summary_status_keys[st]);
		other -= s->status[st];
		n++;
	}
	if (other > 0) {
		rows[n].primary = other;
		rows[n].key = "no status";
		rows[n].key_len = 9;
		rows[n].secondary = 0;
		n++;
	}
	{
		struct table_shape shape = {3, status_titles, "lrr"};
		struct table_rows t = {s, rows, NULL, 0, s->records, NULL, NULL, 0, 0};

		write_table(out, width, &shape, &t, n, count_cell, NULL);
	}
	snprintf(line, sizeof(line),
	         "Deferred: %llu deferral events for %s%llu distinct messages (queue id and "
	         "recipient).",
	         s->status[SMTPCLASS_STATUS_DEFERRED], table_capped(s, T_DEFERRED) ? "about " : "",
	         deferred_messages(s));
	write_wrapped(out, "  ", line, strlen(line), width);

	putc('\n', out);
	n = rank_counts(s->verdicts, VERDICT_COUNT, verdict_name_of, rows);
	write_counts(out, width, s, "verdict", rows, n, 0, s->records);
	write_outbound(out, width, s);
	write_senders(out, width, s);
	write_inbound(out, width, s);
	write_warnings(out, width, s);
	write_days(out, width, s);
	write_hours(out, width, s);

	write_heading(out, width, "Addresses to act on");
	snprintf(line, sizeof(line),
	         "%llu to remove: their latest outcome was a hard failure with action "
	         "remove-address (list them with --addresses=remove).",
	         address_total(s, 0));
	write_wrapped(out, "  ", line, strlen(line), width);
	snprintf(line, sizeof(line), "%llu failed only softly (list them with --addresses=soft).",
	         address_total(s, 1));
	write_wrapped(out, "  ", line, strlen(line), width);
}

struct address_list {
	int soft;
	size_t n;
	const struct address_info **listed;
};

static void list_address(const struct address_info *a, void *context)
{
	struct address_list *l = context;

	if (address_listed(a, l->soft))
		l->listed[l->n++] = a;
}

static int compare_addresses(const void *left, const void *right)
{
	const struct address_info *a = *(const struct address_info *const *)left;
	const struct address_info *b = *(const struct address_info *const *)right;
	int order = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

	return order != 0 ? order : (a->len > b->len) - (a->len < b->len);
}

/* --addresses: the recipients to act on, sorted by address; those that are
 * not one plain shell word are left out and counted in *left_out. */
int summary_write_addresses(const struct summary *s, FILE *out, int soft, size_t *left_out)
{
	struct address_list l = {soft, 0, NULL};

	if (s->addresses.count > 0) {
		l.listed = malloc(s->addresses.count * sizeof(*l.listed));
		if (l.listed == NULL)
			return -1;
	}
	*left_out = 0;
	addrset_each(&s->addresses, list_address, &l);
	if (l.n > 0)
		qsort(l.listed, l.n, sizeof(*l.listed), compare_addresses);
	for (size_t i = 0; i < l.n; i++) {
		if (!safe_shell_word(l.listed[i]->key, l.listed[i]->len)) {
			(*left_out)++;
			continue;
		}
		fwrite(l.listed[i]->key, 1, l.listed[i]->len, out);
		putc('\n', out);
	}
	free(l.listed);
	return 0;
}
