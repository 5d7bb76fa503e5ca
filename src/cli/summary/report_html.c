/*
 * report_html.c: the summary as one self-contained HTML page.
 *
 * What a cron job mails or a web server serves each morning: the same
 * content as the text report (report_text.c), in the same order, with a
 * picture of the day, the deliveries per hour stacked by status as inline
 * SVG, and the reasons, actions and failing domains as bars drawn with CSS.
 * Nothing is fetched: no script, no font, no image from anywhere; it reads
 * on a phone (the tables scroll sideways in their own box) and prints
 * (@media print).  Every text that came from a log (domains, hosts,
 * templates, examples, stamps) is made safe first (safe.h: controls as
 * spaces, invalid UTF-8 as U+FFFD) and then HTML-escaped.  Each count
 * carries a data-count attribute naming what it counts, so that a test can
 * read the page back and compare it with the JSON report.
 */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "rank.h"
#include "safe.h"
#include "stamp.h"

/* The colours of the statuses, also the legend of the picture. */
static const char *const status_colours[STATUS_COUNT] = {
    NULL, "#2e7d32", "#f9a825", "#c62828", "#6a1b9a", "#546e7a",
};

/* Writes log text made safe and HTML-escaped.  What the summary keeps is
 * short (names 255 bytes, templates and examples 384); a longer text is
 * cut, on a character boundary. */
static void put_text(FILE *out, const char *s, size_t len)
{
	char clean[4096];
	size_t n = safe_copy(clean, sizeof(clean), s, len < 1024 ? len : 1024);

	for (size_t i = 0; i < n; i++) {
		switch (clean[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			putc(clean[i], out);
		}
	}
}

static void put_cstr(FILE *out, const char *s)
{
	put_text(out, s, strlen(s));
}

static void put_share(FILE *out, unsigned long long part, unsigned long long whole)
{
	if (whole == 0)
		fputs("-", out);
	else
		fprintf(out, "%.1f%%", 100.0 * (double)part / (double)whole);
}

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;"
    "margin:0 auto;padding:1em;max-width:72em}"
    "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .4em;"
    "border-bottom:1px solid #ccc}h3{font-size:1em;margin:1.2em 0 .3em}"
    ".note{background:#fff8e1;border-left:4px solid #f9a825;padding:.4em .8em}"
    ".cards{display:flex;flex-wrap:wrap;gap:.6em}.card{border:1px solid #ddd;border-radius:6px;"
    "padding:.4em .8em;min-width:7em}.card b{display:block;font-size:1.4em}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.92em}"
    "th,td{padding:.2em .6em;text-align:left;vertical-align:top;border-bottom:1px solid #eee}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".bar{background:#e0e0e0;height:.9em;min-width:8em;position:relative}"
    ".bar span{display:block;height:100%;background:#1565c0}"
    "td.t{min-width:16em}code{font-size:.9em;white-space:pre-wrap;word-break:break-word}"
    "@media (max-width:40em){.bar{min-width:3em}body{padding:.5em}}"
    ".legend span{white-space:nowrap;margin-right:.8em}.legend i{display:inline-block;"
    "width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}"
    "svg{max-width:100%;height:auto}"
    "@media print{body{max-width:none;font-size:11px}.scroll{overflow:visible}"
    "h2{break-after:avoid}tr{break-inside:avoid}}";

/* A name-to-count table with a bar per row, and the reason's meaning or
 * the action's sentence (kind 1 or 2). */
static void html_counts(FILE *out, const unsigned long long *counts, int count,
                        const char *(*name)(int), int kind, const char *what,
                        unsigned long long whole)
{
	struct ranked r[256];
	size_t n = rank_counts(counts, count < 256 ? count : 256, name, r);
	unsigned long long most = n > 0 ? r[0].primary : 0;

	fprintf(out,
	        "<div class=\"scroll\"><table><tr><th>%s</th><th class=\"n\">count</th>"
	        "<th class=\"n\">share</th><th></th>%s</tr>\n",
	        what,
	        kind == 1   ? "<th>meaning</th>"
	        : kind == 2 ? "<th>what to do</th>"
	                    : "");
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td>", out);
		put_text(out, r[i].key, r[i].key_len);
		fprintf(out, "</td><td class=\"n\" data-count=\"%s:", what);
		put_text(out, r[i].key, r[i].key_len);
		fprintf(out, "\">%llu</td><td class=\"n\">", r[i].primary);
		put_share(out, r[i].primary, whole);
		fprintf(
		    out,
		    "</td><td><div class=\"bar\"><span style=\"width:%.1f%%\"></span></div></td>",
		    most > 0 ? 100.0 * (double)r[i].primary / (double)most : 0.0);
		if (kind > 0) {
			fputs("<td class=\"t\">", out);
			put_cstr(out, kind == 1 ? smtpclass_reason_meaning((int)r[i].index)
			                        : smtpclass_action_sentence((int)r[i].index));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table></div>\n", out);
}

/* A domain, host or client table: records and counts by status, a bar of
 * the failures and the top reasons.  prefix names the data-count keys. */
static void html_party(FILE *out, const struct summary *s, const struct party_table *p,
                       const char *title, const char *column, const char *prefix, int inbound)
{
	size_t n;
	struct ranked *rows = rank_party(p, (size_t)s->top, &n);

	fprintf(out, "<h3>%s: %zu of %s%llu</h3>\n", title, shown(s, n),
	        table_capped(s, inbound ? T_INBOUND_CLIENTS : T_DOMAINS) ? "about " : "",
	        distinct_of(&p->table, p->distinct));
	if (n == 0) {
		free(rows);
		return;
	}
	fprintf(out, "<div class=\"scroll\"><table><tr><th>%s</th><th class=\"n\">records</th>",
	        column);
	for (int st = 1; st < STATUS_COUNT; st++)
		if (!inbound || st == SMTPCLASS_STATUS_REJECTED)
			fprintf(out, "<th class=\"n\">%s</th>", summary_status_keys[st]);
	fputs("<th>top reasons</th></tr>\n", out);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		const char *key = topk_key(&p->table, i);
		size_t key_len = topk_entry(&p->table, i)->key_len;
		unsigned long long status[STATUS_COUNT];
		struct ranked r[256];
		size_t reasons = rank_counts(party_reasons(s, p, i),
		                             s->reason_count < 256 ? s->reason_count : 256,
		                             smtpclass_reason_name, r);

		party_statuses(p, i, status);
		fputs("<tr><td>", out);
		put_text(out, key, key_len);
		fprintf(out, "</td><td class=\"n\" data-count=\"%s:", prefix);
		put_text(out, key, key_len);
		fprintf(out, "\">%llu</td>", topk_entry(&p->table, i)->count);
		for (int st = 1; st < STATUS_COUNT; st++)
			if (!inbound || st == SMTPCLASS_STATUS_REJECTED)
				fprintf(out, "<td class=\"n\">%llu</td>", status[st]);
		fputs("<td>", out);
		for (size_t j = 0; j < reasons && j < 3; j++)
			fprintf(out, "%s%s %llu", j > 0 ? ", " : "", r[j].key, r[j].primary);
		fputs("</td></tr>\n", out);
	}
	fputs("</table></div>\n", out);
	free(rows);
}

/* The reply groups of our mail, or (inbound) the texts of this server's
 * rejects with the clients they refused most, and no action column. */
static void html_groups(FILE *out, const struct summary *s, int inbound)
{
	const struct topk *groups = inbound ? &s->inbound.groups : &s->groups;
	size_t n;
	struct ranked *rows = rank_groups(groups, (size_t)s->top, &n);

	fprintf(out, "<h3>%s: %zu of %s%llu, most frequent first</h3>\n",
	        inbound ? "Reject texts" : "Reply groups", shown(s, n),
	        table_capped(s, inbound ? T_INBOUND_GROUPS : T_GROUPS) ? "about " : "",
	        distinct_of(groups, inbound ? s->inbound.group_distinct : s->group_distinct));
	if (n == 0) {
		free(rows);
		return;
	}
	fprintf(out,
	        "<div class=\"scroll\"><table><tr><th class=\"n\">#</th><th class=\"n\">count</th>"
	        "<th>verdict</th><th>reason</th>%s<th>%s</th><th>template and example</th></tr>\n",
	        inbound ? "" : "<th>action</th>", inbound ? "clients" : "domains");
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		uint16_t tag = topk_entry(groups, i)->tag;
		const struct group_info *g = group_in(groups, i);
		struct ranked d[GROUP_DOMAINS_MAX];
		size_t domains = rank_group_domains(g, d);

		fprintf(out,
		        "<tr><td class=\"n\">%zu</td><td class=\"n\" "
		        "data-count=\"%sgroup:%zu\">%llu</td>",
		        k + 1, inbound ? "inbound " : "", k + 1, topk_entry(groups, i)->count);
		fprintf(out, "<td>%s</td><td>%s</td>",
		        smtpclass_verdict_name((smtpclass_verdict)tag_verdict(tag)),
		        smtpclass_reason_name(tag_reason(tag)));
		if (!inbound)
			fprintf(out, "<td>%s</td>", smtpclass_action_name(tag_action(tag)));
		fputs("<td>", out);
		for (size_t j = 0; j < domains; j++) {
			fputs(j > 0 ? ", " : "", out);
			put_text(out, d[j].key, d[j].key_len);
			fprintf(out, " %llu", d[j].primary);
		}
		fputs("</td><td class=\"t\"><code>", out);
		if (topk_entry(groups, i)->key_len == 0)
			fputs("(no reply text)", out);
		else
			put_text(out, topk_key(groups, i), topk_entry(groups, i)->key_len);
		fputs("</code>", out);
		if (g->example_len > 0) {
			fputs("<br>example: <code>", out);
			put_text(out, g->example, g->example_len);
			fputs("</code>", out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</table></div>\n", out);
	free(rows);
}

/* The picture: one column per hour, its records stacked by status, as
 * inline SVG, with a legend, and the same numbers as a table below it. */
static void html_hours(FILE *out, const struct summary *s)
{
	size_t n;
	struct ranked *rows = rank_hours(s, &n);
	unsigned long long most = 0;
	const double chart_h = 160.0, left = 40.0, bottom = 30.0;
	double step, width;

	fputs("<h2>Deliveries per hour</h2>\n", out);
	if (n == 0) {
		fputs("<p>No record had a time stamp.</p>\n", out);
		free(rows);
		return;
	}
	for (size_t k = 0; k < n; k++)
		if (topk_entry(&s->hours, rows[k].index)->count > most)
			most = topk_entry(&s->hours, rows[k].index)->count;
	step = n > 48 ? 720.0 / (double)n : 15.0;
	width = left + step * (double)n + 10.0;
	fprintf(
	    out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
	    "height=\"%.0f\" role=\"img\" aria-labelledby=\"hours-title\">"
	    "<title id=\"hours-title\">Records per hour, stacked by status</title>\n",
	    width, chart_h + bottom + 10.0, width, chart_h + bottom + 10.0);
	fprintf(out,
	        "<line x1=\"%.0f\" y1=\"10\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>"
	        "<text x=\"%.0f\" y=\"18\" font-size=\"10\" text-anchor=\"end\">%llu</text>"
	        "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">0</text>\n",
	        left, left, chart_h + 10.0, left - 4.0, most, left - 4.0, chart_h + 10.0);
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k].index;
		const unsigned long long *status = hour_status(s, i);
		double x = left + step * (double)k + 1.0, y = chart_h + 10.0;
		char label[32];
		size_t len = hour_label(topk_entry(&s->hours, i)->hash, label, sizeof(label));

		for (int st = 1; st < STATUS_COUNT; st++) {
			double h = most > 0 ? chart_h * (double)status[st] / (double)most : 0.0;

			if (status[st] == 0)
				continue;
			y -= h;
			fprintf(out,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\">"
			        "<title>",
			        x, y, step - 2.0 > 1.0 ? step - 2.0 : 1.0, h, status_colours[st]);
			put_text(out, label, len);
			fprintf(out, ": %llu %s</title></rect>\n", status[st],
			        summary_status_keys[st]);
		}
		/* a label every 60 units or so: they are about 55 wide */
		if (k % (size_t)(60.0 / step + 1.0) == 0) {
			fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"9\">", x,
			        chart_h + 24.0);
			put_text(out, label, len);
			fputs("</text>\n", out);
		}
	}
	fputs("</svg>\n<p class=\"legend\">", out);
	for (int st = 1; st < STATUS_COUNT; st++)
		fprintf(out, "<span><i style=\"background:%s\"></i>%s</span>", status_colours[st],
		        summary_status_keys[st]);
	fputs("</p>\n<details><summary>The hours as a table</summary><div class=\"scroll\"><table>"
	      "<tr><th>hour</th><th class=\"n\">records</th>",
	      out);
	for (int st = 1; st < STATUS_COUNT; st++)
		fprintf(out, "<th class=\"n\">%s</th>", summary_status_keys[st]);
	fputs("</tr>\n", out);
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k].index;
		char label[32];
		size_t len = hour_label(topk_entry(&s->hours, i)->hash, label, sizeof(label));

		fputs("<tr><td>", out);
		put_text(out, label, len);
		fprintf(out, "</td><td class=\"n\">%llu</td>", topk_entry(&s->hours, i)->count);
		for (int st = 1; st < STATUS_COUNT; st++)
			fprintf(out, "<td class=\"n\">%llu</td>", hour_status(s, i)[st]);
		fputs("</tr>\n", out);
	}
	fputs("</table></div></details>\n", out);
	free(rows);
}

/* The days, each the sum of its hours, with a bar of its records. */
static void html_days(FILE *out, const struct summary *s)
{
	size_t n;
	struct day_row *days = rank_days(s, &n);
	unsigned long long most = 0;

	if (n == 0)
		return;
	for (size_t k = 0; k < n; k++)
		if (days[k].records > most)
			most = days[k].records;
	fprintf(out,
	        "<h2>Per day%s</h2>\n<div class=\"scroll\"><table><tr><th>day</th>"
	        "<th class=\"n\">records</th>",
	        table_capped(s, T_HOURS) ? " (the days of the busiest hours)" : "");
	for (int st = 1; st < STATUS_COUNT; st++)
		fprintf(out, "<th class=\"n\">%s</th>", summary_status_keys[st]);
	fputs("<th></th></tr>\n", out);
	for (size_t k = 0; k < n; k++) {
		char label[32];
		size_t len = day_label(days[k].key, label, sizeof(label));

		fputs("<tr><td>", out);
		put_text(out, label, len);
		fputs("</td><td class=\"n\" data-count=\"day:", out);
		put_text(out, label, len);
		fprintf(out, "\">%llu</td>", days[k].records);
		for (int st = 1; st < STATUS_COUNT; st++)
			fprintf(out, "<td class=\"n\">%llu</td>", days[k].status[st]);
		fprintf(
		    out,
		    "<td><div class=\"bar\"><span style=\"width:%.1f%%\"></span></div></td></tr>\n",
		    most > 0 ? 100.0 * (double)days[k].records / (double)most : 0.0);
	}
	fputs("</table></div>\n", out);
	free(days);
}

/* The queue time of delivered mail, in all and for the domains with most
 * deliveries (report_text.c's "Delivery delays"). */
static void html_delays(FILE *out, const struct summary *s)
{
	const struct delay_stats *d = &s->delays;
	char average[32], p95[32], longest[32];
	size_t n;
	struct ranked *rows;

	if (d->count == 0)
		return;
	delay_text(delay_average_ms(d), average, sizeof(average));
	delay_text(delay_percentile_ms(d, 950), p95, sizeof(p95));
	delay_text(d->max_ms, longest, sizeof(longest));
	fprintf(out,
	        "<h3>Delivery delays (time in the queue): <span data-count=\"delays:delivered\">"
	        "%llu</span> deliveries, average %s, 95%% within %s, longest %s</h3>\n",
	        d->count, average, p95, longest);
	rows = rank_delays(&s->domains, (size_t)s->top, &n);
	if (n > 0) {
		fputs(
		    "<div class=\"scroll\"><table><tr><th>domain</th><th class=\"n\">delivered</th>"
		    "<th class=\"n\">average</th><th class=\"n\">95%</th>"
		    "<th class=\"n\">longest</th></tr>\n",
		    out);
		for (size_t k = 0; k < shown(s, n); k++) {
			size_t i = rows[k].index;
			const struct delay_stats *e = party_delays(&s->domains, i);
			const char *key = topk_key(&s->domains.table, i);
			size_t key_len = topk_entry(&s->domains.table, i)->key_len;

			delay_text(delay_average_ms(e), average, sizeof(average));
			delay_text(delay_percentile_ms(e, 950), p95, sizeof(p95));
			delay_text(e->max_ms, longest, sizeof(longest));
			fputs("<tr><td>", out);
			put_text(out, key, key_len);
			fputs("</td><td class=\"n\" data-count=\"delay:", out);
			put_text(out, key, key_len);
			fprintf(out,
			        "\">%llu</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
			        "<td class=\"n\">%s</td></tr>\n",
			        e->count, average, p95, longest);
		}
		fputs("</table></div>\n", out);
	}
	free(rows);
}

/* A warnings table; prefix names its data-count keys. */
static void html_warning_table(FILE *out, const struct summary *s, const struct topk *table,
                               const char *title, const char *column, const char *prefix)
{
	size_t n;
	struct ranked *rows = rank_groups(table, (size_t)s->top, &n);
	int sessions = table == &s->warnings.sessions;

	if (n > 0) {
		fprintf(out,
		        "<h3>%s</h3>\n<div class=\"scroll\"><table><tr>%s<th>%s</th>"
		        "<th class=\"n\">count</th></tr>\n",
		        title, sessions ? "<th>event</th>" : "", column);
		for (size_t k = 0; k < shown(s, n); k++) {
			size_t i = rows[k].index;
			const char *key = topk_key(table, i);
			size_t key_len = topk_entry(table, i)->key_len;
			const char *event = smtpclass_log_event_name(topk_entry(table, i)->tag);

			fputs("<tr>", out);
			if (sessions)
				fprintf(out, "<td>%s</td>", event);
			fputs("<td>", out);
			put_text(out, key_len > 0 ? key : "-", key_len > 0 ? key_len : 1);
			fprintf(out, "</td><td class=\"n\" data-count=\"%s:%s%s", prefix,
			        sessions ? event : "", sessions ? " " : "");
			put_text(out, key, key_len);
			fprintf(out, "\">%llu</td></tr>\n", topk_entry(table, i)->count);
		}
		fputs("</table></div>\n", out);
	}
	free(rows);
}

/* The queued messages by sender (report_text.c's "Queued messages"). */
static void html_senders(FILE *out, const struct summary *s)
{
	const struct senders *q = &s->senders;
	size_t n;
	struct ranked *rows;

	if (q->messages == 0)
		return;
	fprintf(out,
	        "<h2>Queued messages: <span data-count=\"senders:messages\">%llu</span>, "
	        "%llu bytes</h2>\n",
	        q->messages, q->bytes);
	rows = rank_groups(&q->senders, (size_t)s->top, &n);
	if (n > 0) {
		fputs(
		    "<div class=\"scroll\"><table><tr><th>sender</th><th class=\"n\">messages</th>"
		    "<th class=\"n\">bytes</th></tr>\n",
		    out);
		for (size_t k = 0; k < shown(s, n); k++) {
			size_t i = rows[k].index;
			const char *key = topk_key(&q->senders, i);
			size_t key_len = topk_entry(&q->senders, i)->key_len;

			fputs("<tr><td>", out);
			put_text(out, key, key_len);
			fputs("</td><td class=\"n\" data-count=\"sender:", out);
			put_text(out, key, key_len);
			fprintf(out, "\">%llu</td><td class=\"n\">%llu</td></tr>\n",
			        topk_entry(&q->senders, i)->count,
			        topk_entry(&q->senders, i)->tally);
		}
		fputs("</table></div>\n", out);
	}
	free(rows);
}

/* The connection events (report_text.c's "Warnings"). */
static void html_warnings(FILE *out, const struct summary *s)
{
	const struct warnings *w = &s->warnings;
	unsigned long long all = 0;

	for (int kind = 1; kind < EVENT_COUNT; kind++)
		all += w->counts[kind];
	if (all == 0)
		return;
	fputs("<h2>Warnings</h2>\n<div class=\"cards\">", out);
	for (int kind = 1; kind < EVENT_COUNT; kind++)
		fprintf(out, "<div class=\"card\">%s<b data-count=\"warnings:%s\">%llu</b></div>",
		        smtpclass_log_event_name(kind), smtpclass_log_event_name(kind),
		        w->counts[kind]);
	fputs("</div>\n", out);
	html_warning_table(out, s, &w->clients, "Failed SMTP AUTH by client", "client",
	                   "warning client");
	html_warning_table(out, s, &w->hosts, "Failed TLS by host", "host", "warning host");
	html_warning_table(out, s, &w->sessions, "Lost connections and timeouts by command",
	                   "command", "warning session");
}

void summary_write_html(const struct summary *s, FILE *out)
{
	unsigned long long outbound = s->records - s->inbound.records;

	fprintf(out,
	        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	        "<meta name=\"generator\" content=\"smtpclass\">"
	        "<title>smtpclass summary</title><style>%s</style></head>\n<body>\n",
	        style);
	fprintf(out,
	        "<h1>smtpclass summary: <span data-count=\"records\">%llu</span> records</h1>\n",
	        s->records);
	if (s->first.key != 0) {
		fputs("<p>From ", out);
		put_text(out, s->first.text, s->first.len);
		fputs(" to ", out);
		put_text(out, s->last.text, s->last.len);
		fputs("</p>\n", out);
	}
	if (s->incomplete != NULL) {
		fputs("<p class=\"note\">Incomplete: ", out);
		put_cstr(out, s->incomplete);
		fputs("; the report covers what was read until then.</p>\n", out);
	}
	if (is_approximate(s))
		fputs("<p class=\"note\">Approximate: a table reached its capacity, or a merged "
		      "summary "
		      "listed only its top entries. Counts lower in those lists are upper bounds; "
		      "totals are exact.</p>\n",
		      out);
	fputs("<div class=\"cards\">", out);
	for (int st = 1; st < STATUS_COUNT; st++) {
		fprintf(out,
		        "<div class=\"card\" style=\"border-top:4px solid %s\">%s"
		        "<b data-count=\"totals:%s\">%llu</b>",
		        status_colours[st], summary_status_keys[st], summary_status_keys[st],
		        s->status[st]);
		put_share(out, s->status[st], s->records);
		fputs("</div>", out);
	}
	fputs("</div>\n", out);
	if (s->status[SMTPCLASS_STATUS_DEFERRED] > 0)
		fprintf(out, "<p>Deferred: %llu deferral events for %llu distinct messages.</p>\n",
		        s->status[SMTPCLASS_STATUS_DEFERRED], deferred_messages(s));
	html_days(out, s);
	html_hours(out, s);
	if (outbound > 0) {
		unsigned long long reasons[256], actions[256];
		int reason_count = s->reason_count < 256 ? s->reason_count : 256;
		int action_count = s->action_count < 256 ? s->action_count : 256;

		outbound_counts(s->reasons, s->inbound.reasons, reason_count, reasons);
		outbound_counts(s->actions, s->inbound.actions, action_count, actions);
		fprintf(out,
		        "<h2>Sent by this server: <span data-count=\"outbound\">%llu</span> "
		        "records</h2>\n",
		        outbound);
		html_counts(out, reasons, reason_count, smtpclass_reason_name, 1, "reason",
		            outbound);
		html_counts(out, actions, action_count, smtpclass_action_name, 2, "action",
		            outbound);
		html_party(out, s, &s->domains, "Recipient domains, most failures first", "domain",
		           "domain", 0);
		html_delays(out, s);
		html_party(out, s, &s->hosts, "Remote hosts, most failures first", "host", "host",
		           0);
		html_groups(out, s, 0);
	}
	if (s->inbound.records > 0) {
		fprintf(out,
		        "<h2>Refused by this server: <span data-count=\"inbound\">%llu</span> "
		        "records</h2>\n",
		        s->inbound.records);
		html_counts(out, s->inbound.reasons, s->reason_count, smtpclass_reason_name, 0,
		            "inbound reason", s->inbound.records);
		html_party(out, s, &s->inbound.clients, "Clients", "client", "client", 1);
		html_party(out, s, &s->inbound.domains, "Recipient domains", "domain",
		           "inbound domain", 1);
		html_groups(out, s, 1);
	}
	html_senders(out, s);
	html_warnings(out, s);
	fprintf(
	    out,
	    "<h2>Addresses to act on</h2>\n<p><b data-count=\"addresses:remove\">%llu</b> to "
	    "remove: their latest outcome was a hard failure with action remove-address "
	    "(<code>--addresses=remove</code>); <b data-count=\"addresses:soft\">%llu</b> failed "
	    "only softly (<code>--addresses=soft</code>).</p>\n</body></html>\n",
	    address_total(s, 0), address_total(s, 1));
}
