/*
 * report_json.c: the summary as one JSON document.
 *
 * The document holds what the text report shows (the schema is in
 * README.md, its name in SUMMARY_SCHEMA), in the same order, with each
 * entry's error, so that summary_merge_json() can read it back and add it
 * to another summary.  Lists are cut to the top entries as in the text
 * report; their counts ("domain_count", ...) say how many there were, and
 * the merge marks a table whose list was cut as capped.  Strings go
 * through output_json_string(), the writer of the JSON Lines output.
 */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "rank.h"
#include "stamp.h"

static void json_count_object(FILE *out, const unsigned long long *counts, int count,
                              const char *(*name)(int))
{
	struct ranked r[256];
	size_t n = rank_counts(counts, count < 256 ? count : 256, name, r);

	putc('{', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? ", " : "", out);
		output_json_string(out, r[i].key, r[i].key_len);
		fprintf(out, ": %llu", r[i].primary);
	}
	putc('}', out);
}

static void json_status_counts(FILE *out, const unsigned long long *status)
{
	for (int st = 1; st < STATUS_COUNT; st++)
		fprintf(out, ", \"%s\": %llu", summary_status_keys[st], status[st]);
}

/* Queue times: exact count, total and maximum, the average and the 95th
 * percentile they give (derived: the merge reads the others), and the
 * histogram's buckets that hold any, each by its lower bound in ms. */
static void json_delays(FILE *out, const struct delay_stats *d)
{
	int first = 1;

	fprintf(out,
	        "{\"delivered\": %llu, \"total_ms\": %llu, \"average_ms\": %llu, \"p95_ms\": %llu, "
	        "\"max_ms\": %llu, \"buckets\": {",
	        d->count, d->total_ms, delay_average_ms(d), delay_percentile_ms(d, 950), d->max_ms);
	for (size_t b = 0; b < DELAY_BUCKETS; b++) {
		if (d->buckets[b] == 0)
			continue;
		fprintf(out, "%s\"%llu\": %llu", first ? "" : ", ", delay_bucket_floor(b),
		        d->buckets[b]);
		first = 0;
	}
	fputs("}}", out);
}

/* A domain or host table; indent is put before each member (the inbound
 * tables are one level deeper), end after the list. */
static void json_party(FILE *out, const struct summary *s, const struct party_table *p,
                       const char *name_key, const char *list_key, const char *indent,
                       const char *end)
{
	size_t n;
	struct ranked *rows = rank_party(p, (size_t)s->top, &n);

	fprintf(out, "%s\"%s_count\": %llu,\n%s\"%s\": [", indent, name_key,
	        distinct_of(&p->table, p->distinct), indent, list_key);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		unsigned long long status[STATUS_COUNT];

		fprintf(out, "%s\n%s  {\"%s\": ", k > 0 ? "," : "", indent, name_key);
		output_json_string(out, topk_key(&p->table, i), topk_entry(&p->table, i)->key_len);
		fprintf(out, ", \"records\": %llu, \"error\": %llu",
		        topk_entry(&p->table, i)->count, *topk_error(&p->table, i));
		party_statuses(p, i, status);
		json_status_counts(out, status);
		fputs(", \"reasons\": ", out);
		json_count_object(out, party_reasons(s, p, i), s->reason_count,
		                  smtpclass_reason_name);
		if (party_delays(p, i)->count > 0) {
			fputs(", \"delays\": ", out);
			json_delays(out, party_delays(p, i));
		}
		putc('}', out);
	}
	if (n > 0)
		fprintf(out, "\n%s]%s", indent, end);
	else
		fprintf(out, "]%s", end);
	free(rows);
}

static void json_group_domains(FILE *out, const struct group_info *g)
{
	struct ranked r[GROUP_DOMAINS_MAX];
	size_t n = rank_group_domains(g, r);

	putc('{', out);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? ", " : "", out);
		output_json_string(out, r[i].key, r[i].key_len);
		fprintf(out, ": %llu", r[i].primary);
	}
	putc('}', out);
}

/* A groups table: the outbound one at the root (names_key "domains"), the
 * inbound one in "inbound" ("clients", one level deeper: indent). */
static void json_groups(FILE *out, const struct summary *s, const struct topk *groups,
                        unsigned long long merged_distinct, const char *names_key,
                        const char *indent, const char *end)
{
	size_t n;
	struct ranked *rows = rank_groups(groups, (size_t)s->top, &n);

	fprintf(out, "%s\"group_count\": %llu,\n%s\"groups\": [", indent,
	        distinct_of(groups, merged_distinct), indent);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		uint16_t tag = topk_entry(groups, i)->tag;
		const struct group_info *g = group_in(groups, i);

		fprintf(out, "%s\n%s  {\"template\": ", k > 0 ? "," : "", indent);
		output_json_string(out, topk_key(groups, i), topk_entry(groups, i)->key_len);
		fprintf(out, ", \"count\": %llu, \"error\": %llu, \"verdict\": \"%s\"",
		        topk_entry(groups, i)->count, *topk_error(groups, i),
		        smtpclass_verdict_name((smtpclass_verdict)tag_verdict(tag)));
		fprintf(out, ", \"reason\": \"%s\", \"action\": \"%s\", \"%s\": ",
		        smtpclass_reason_name(tag_reason(tag)),
		        smtpclass_action_name(tag_action(tag)), names_key);
		json_group_domains(out, g);
		fputs(", \"example\": ", out);
		output_json_string(out, g->example, g->example_len);
		putc('}', out);
	}
	if (n > 0)
		fprintf(out, "\n%s]%s", indent, end);
	else
		fprintf(out, "]%s", end);
	free(rows);
}

static void json_hours(FILE *out, const struct summary *s)
{
	size_t n;
	struct ranked *rows = rank_hours(s, &n);

	fputs("  \"hours\": [", out);
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k].index;
		char label[32];
		size_t len = hour_label(topk_entry(&s->hours, i)->hash, label, sizeof(label));

		fputs(k > 0 ? ",\n    {\"hour\": " : "\n    {\"hour\": ", out);
		output_json_string(out, label, len);
		fprintf(out, ", \"records\": %llu", topk_entry(&s->hours, i)->count);
		json_status_counts(out, hour_status(s, i));
		putc('}', out);
	}
	fputs(n > 0 ? "\n  ],\n" : "],\n", out);
	free(rows);
}

/* The days, each the sum of its hours (derived: the merge reads the hours
 * and leaves this out). */
static void json_days(FILE *out, const struct summary *s)
{
	size_t n;
	struct day_row *days = rank_days(s, &n);

	fputs("  \"days\": [", out);
	for (size_t k = 0; k < n; k++) {
		char label[32];
		size_t len = day_label(days[k].key, label, sizeof(label));

		fputs(k > 0 ? ",\n    {\"day\": " : "\n    {\"day\": ", out);
		output_json_string(out, label, len);
		fprintf(out, ", \"records\": %llu", days[k].records);
		json_status_counts(out, days[k].status);
		putc('}', out);
	}
	fputs(n > 0 ? "\n  ],\n" : "],\n", out);
	free(days);
}

/* The records this server refused, apart from the outbound tables. */
static void json_inbound(FILE *out, const struct summary *s)
{
	fprintf(out,
	        "  \"inbound\": {\n    \"records\": %llu,\n    \"reasons\": ", s->inbound.records);
	json_count_object(out, s->inbound.reasons, s->reason_count, smtpclass_reason_name);
	fputs(",\n    \"actions\": ", out);
	json_count_object(out, s->inbound.actions, s->action_count, smtpclass_action_name);
	fputs(",\n", out);
	json_party(out, s, &s->inbound.clients, "client", "clients", "    ", ",\n");
	json_party(out, s, &s->inbound.domains, "domain", "domains", "    ", ",\n");
	json_groups(out, s, &s->inbound.groups, s->inbound.group_distinct, "clients", "    ", "\n");
	fputs("  },\n", out);
}

/* A senders table: "NAME_count" and the list, each entry with its name,
 * messages, bytes and error. */
static void json_sender_table(FILE *out, const struct summary *s, const struct topk *table,
                              unsigned long long merged_distinct, const char *name_key,
                              const char *list_key, const char *end)
{
	size_t n;
	struct ranked *rows = rank_groups(table, (size_t)s->top, &n);

	fprintf(out, "    \"%s_count\": %llu,\n    \"%s\": [", name_key,
	        distinct_of(table, merged_distinct), list_key);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;

		fprintf(out, "%s      {\"%s\": ", k > 0 ? ",\n" : "\n", name_key);
		output_json_string(out, topk_key(table, i), topk_entry(table, i)->key_len);
		fprintf(out, ", \"messages\": %llu, \"bytes\": %llu, \"error\": %llu}",
		        topk_entry(table, i)->count, topk_entry(table, i)->tally,
		        *topk_error(table, i));
	}
	fprintf(out, "%s]%s", n > 0 ? "\n    " : "", end);
	free(rows);
}

/* The messages that entered the queue, by sender and sender domain. */
static void json_senders(FILE *out, const struct summary *s)
{
	const struct senders *q = &s->senders;

	fprintf(out,
	        "  \"senders\": {\n    \"messages\": %llu, \"bytes\": %llu, \"largest\": %llu,\n",
	        q->messages, q->bytes, q->largest);
	json_sender_table(out, s, &q->senders, q->sender_distinct, "sender", "senders", ",\n");
	json_sender_table(out, s, &q->domains, q->domain_distinct, "domain", "domains", "\n");
	fputs("  },\n", out);
}

/* A warnings table: "NAME_count" and the list, each entry with its name
 * (for sessions the event and the command), count and error. */
static void json_warning_table(FILE *out, const struct summary *s, const struct topk *table,
                               unsigned long long merged_distinct, const char *name_key,
                               const char *list_key, const char *end)
{
	size_t n;
	struct ranked *rows = rank_groups(table, (size_t)s->top, &n);
	int sessions = table == &s->warnings.sessions;

	fprintf(out, "    \"%s_count\": %llu,\n    \"%s\": [", sessions ? "session" : name_key,
	        distinct_of(table, merged_distinct), list_key);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;

		fputs(k > 0 ? ",\n      {" : "\n      {", out);
		if (sessions)
			fprintf(out, "\"event\": \"%s\", ",
			        smtpclass_log_event_name(topk_entry(table, i)->tag));
		fprintf(out, "\"%s\": ", name_key);
		output_json_string(out, topk_key(table, i), topk_entry(table, i)->key_len);
		fprintf(out, ", \"count\": %llu, \"error\": %llu}", topk_entry(table, i)->count,
		        *topk_error(table, i));
	}
	fprintf(out, "%s]%s", n > 0 ? "\n    " : "", end);
	free(rows);
}

/* The connection events: counts by kind, then the three tables. */
static void json_warnings(FILE *out, const struct summary *s)
{
	const struct warnings *w = &s->warnings;

	fputs("  \"warnings\": {\n    ", out);
	for (int kind = 1; kind < EVENT_COUNT; kind++)
		fprintf(out, "%s\"%s\": %llu", kind > 1 ? ", " : "", smtpclass_log_event_name(kind),
		        w->counts[kind]);
	fputs(",\n", out);
	json_warning_table(out, s, &w->clients, w->client_distinct, "client", "clients", ",\n");
	json_warning_table(out, s, &w->hosts, w->host_distinct, "host", "hosts", ",\n");
	json_warning_table(out, s, &w->sessions, w->session_distinct, "command", "sessions", "\n");
	fputs("  },\n", out);
}

void summary_write_json(const struct summary *s, FILE *out)
{
	int first = 1;

	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"approximate\": %s,\n", SUMMARY_SCHEMA,
	        is_approximate(s) ? "true" : "false");
	if (s->incomplete != NULL) {
		fputs("  \"incomplete\": ", out);
		output_json_string(out, s->incomplete, strlen(s->incomplete));
		fputs(",\n", out);
	}
	fputs("  \"capped\": [", out);
	for (int id = 0; id < T_COUNT; id++) {
		if (!table_capped(s, (enum table_id)id))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ", ", summary_table_names[id]);
		first = 0;
	}
	fprintf(out, "],\n  \"records\": %llu,\n  \"time_span\": ", s->records);
	if (s->first.key == 0) {
		fputs("null", out);
	} else {
		fputs("{\"first\": ", out);
		output_json_string(out, s->first.text, s->first.len);
		fputs(", \"last\": ", out);
		output_json_string(out, s->last.text, s->last.len);
		putc('}', out);
	}
	fputs(",\n  \"totals\": {", out);
	for (int st = 1; st < STATUS_COUNT; st++)
		fprintf(out, "%s\"%s\": %llu", st > 1 ? ", " : "", summary_status_keys[st],
		        s->status[st]);
	fprintf(out, "},\n  \"deferrals\": {\"events\": %llu, \"messages\": %llu},\n",
	        s->status[SMTPCLASS_STATUS_DEFERRED], deferred_messages(s));
	fputs("  \"delays\": ", out);
	json_delays(out, &s->delays);
	fputs(",\n", out);
	fputs("  \"verdicts\": {", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "%s\"%s\": %llu", v > 0 ? ", " : "",
		        smtpclass_verdict_name((smtpclass_verdict)v), s->verdicts[v]);
	fputs("},\n  \"reasons\": ", out);
	json_count_object(out, s->reasons, s->reason_count, smtpclass_reason_name);
	fputs(",\n  \"actions\": ", out);
	json_count_object(out, s->actions, s->action_count, smtpclass_action_name);
	fputs(",\n", out);
	json_party(out, s, &s->domains, "domain", "domains", "  ", ",\n");
	json_party(out, s, &s->hosts, "host", "hosts", "  ", ",\n");
	json_groups(out, s, &s->groups, s->group_distinct, "domains", "  ", ",\n");
	json_hours(out, s);
	json_days(out, s);
	json_inbound(out, s);
	json_warnings(out, s);
	json_senders(out, s);
	fprintf(out, "  \"addresses\": {\"remove\": %llu, \"soft\": %llu}\n}\n",
	        address_total(s, 0), address_total(s, 1));
}
