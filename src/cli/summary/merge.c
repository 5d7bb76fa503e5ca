/*
 * merge.c: adding a JSON summary (summary_write_json()) to a summary.
 *
 * --merge adds up the summaries of several servers or days.  The document
 * is tokenised by the strict reader (json_reader.c) and then walked twice
 * by the same code: once with apply 0, which only checks that every
 * member is there with its type and every count is a whole number up to
 * 2^53, and once with apply 1, which adds.  So a bad document changes
 * nothing, and the first problem is reported with its byte offset.  The
 * entries of a document go through the same Space-Saving tables as
 * counted records, their errors added to the entries' errors; a list that
 * was cut by --top, or a table the document says was capped, marks the
 * table approximate.  Merged summaries carry no address lists, only
 * their totals.
 */
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"
#include "json_reader.h"
#include "stamp.h"
#include "text.h"

/* Values in a document, at most. */
#define MERGE_VALUES_MAX ((size_t)1 << 22)

/* Largest count accepted: 2^53, the largest integer every JSON reader keeps. */
#define COUNT_MAX 9007199254740992ull

struct merge {
	struct summary *s;
	const struct json_reader *r;
	int apply; /* 0: only check the document; 1: add it */
	size_t error_offset;
	char *error;
	size_t error_size;
	int failed;
	/* The document's records, read first: no count of it may pass them,
	 * so no sum over the merged documents passes their records, which
	 * are kept within COUNT_MAX. */
	unsigned long long records;
	int have_records;
	/* The document's "delays": no domain's may pass them, so no merged
	 * domain's total passes the merged total, kept within COUNT_MAX. */
	struct delay_stats delays;
};

/* Records the first problem, at the start of token (a string's quote). */
static int merge_fail(struct merge *m, size_t token, const char *what, const char *problem)
{
	const struct json_token *t = &m->r->tokens[token];

	if (!m->failed) {
		m->failed = 1;
		m->error_offset = t->type == J_STRING ? t->start - 1 : t->start;
		snprintf(m->error, m->error_size, "%s: %s", what, problem);
	}
	return -1;
}

static int key_is(const struct merge *m, size_t token, const char *name)
{
	char key[64];
	size_t len = json_decode(m->r, token, key, sizeof(key));

	return len == strlen(name) && memcmp(key, name, len) == 0;
}

/* The value of an object's member, or JSON_NONE. */
static size_t member(const struct merge *m, size_t object, const char *name)
{
	size_t i = object + 1;

	for (size_t k = 0; k < m->r->tokens[object].count; k++) {
		if (key_is(m, i, name))
			return i + 1;
		i = m->r->tokens[i + 1].next;
	}
	return JSON_NONE;
}

static int expect(struct merge *m, size_t token, int type, const char *what)
{
	static const char *const expected[] = {
	    "expected null",     "expected false",    "expected true",     "expected a number",
	    "expected a string", "expected an array", "expected an object"};

	if (m->r->tokens[token].type == type)
		return 0;
	return merge_fail(m, token, what, expected[type]);
}

/* A required member of the given type; JSON_NONE (and a failure) if absent. */
static size_t required(struct merge *m, size_t object, const char *name, int type)
{
	size_t value = member(m, object, name);

	if (value == JSON_NONE) {
		char what[96];

		snprintf(what, sizeof(what), "member \"%s\"", name);
		merge_fail(m, object, what, "missing");
		return JSON_NONE;
	}
	return expect(m, value, type, name) == 0 ? value : JSON_NONE;
}

/* A whole number from 0 to 2^53; a count of records is also at most the
 * document's records (bounded 1), a count of names need not be. */
static int read_number(struct merge *m, size_t token, const char *what, int bounded,
                       unsigned long long *value)
{
	const struct json_token *t = &m->r->tokens[token];
	unsigned long long v = 0;

	if (t->type != J_NUMBER)
		return merge_fail(m, token, what, "expected a count (a whole number)");
	for (size_t i = t->start; i < t->end; i++) {
		char c = m->r->text[i];

		if (!is_digit((unsigned char)c))
			return merge_fail(m, token, what, "expected a count (a whole number)");
		if (v > COUNT_MAX / 10)
			return merge_fail(m, token, what, "count too large");
		v = v * 10 + (unsigned)(c - '0');
	}
	if (v > COUNT_MAX)
		return merge_fail(m, token, what, "count too large");
	if (bounded && m->have_records && v > m->records)
		return merge_fail(m, token, what, "count above the document's records");
	*value = v;
	return 0;
}

/* A count of records. */
static int read_count(struct merge *m, size_t token, const char *what, unsigned long long *value)
{
	return read_number(m, token, what, 1, value);
}

static int read_member_count(struct merge *m, size_t object, const char *name,
                             unsigned long long *value)
{
	size_t token = member(m, object, name);

	*value = 0;
	if (token == JSON_NONE)
		return required(m, object, name, J_NUMBER) == JSON_NONE ? -1 : 0;
	return read_count(m, token, name, value);
}

/* A required number member that is not a count of records (bytes,
 * milliseconds, events): present, a whole number, at most COUNT_MAX. */
static int read_member_number(struct merge *m, size_t object, const char *name,
                              unsigned long long *value)
{
	if (required(m, object, name, J_NUMBER) == JSON_NONE)
		return -1;
	return read_number(m, member(m, object, name), name, 0, value);
}

/* Adds an object of name-to-count (reasons, actions, ...) to counts (NULL:
 * only checked); *sum is the sum of its counts. */
static int merge_name_counts(struct merge *m, size_t object, const char *what,
                             unsigned long long *counts, int (*from_name)(const char *, size_t),
                             unsigned long long *sum)
{
	size_t i = object + 1;

	*sum = 0;
	if (expect(m, object, J_OBJECT, what) != 0)
		return -1;
	for (size_t k = 0; k < m->r->tokens[object].count; k++) {
		char name[64];
		size_t len = json_decode(m->r, i, name, sizeof(name));
		int id = from_name(name, len);
		unsigned long long value;

		if (id < 0)
			return merge_fail(m, i, what, "unknown name");
		if (read_count(m, i + 1, what, &value) != 0)
			return -1;
		*sum += value; /* member names are unique, each count at most 2^53 */
		if (m->apply && counts != NULL)
			counts[id] += value;
		i = m->r->tokens[i + 1].next;
	}
	return 0;
}

static int status_from_name(const char *name, size_t len)
{
	for (int st = 1; st < STATUS_COUNT; st++)
		if (strlen(summary_status_keys[st]) == len &&
		    memcmp(summary_status_keys[st], name, len) == 0)
			return st;
	return -1;
}

static int verdict_from_name(const char *name, size_t len)
{
	for (int v = 0; v < VERDICT_COUNT; v++) {
		const char *known = smtpclass_verdict_name((smtpclass_verdict)v);

		if (strlen(known) == len && memcmp(known, name, len) == 0)
			return v;
	}
	return -1;
}

static int table_from_name(const char *name, size_t len)
{
	for (int id = 0; id < T_COUNT; id++)
		if (strlen(summary_table_names[id]) == len &&
		    memcmp(summary_table_names[id], name, len) == 0)
			return id;
	return -1;
}

/* The statuses of an entry ("sent": n, ...) into status[]. */
static int read_statuses(struct merge *m, size_t object, unsigned long long *status)
{
	for (int st = 1; st < STATUS_COUNT; st++)
		if (read_member_count(m, object, summary_status_keys[st], &status[st]) != 0)
			return -1;
	return 0;
}

/*
 * A "delays" object into *d: delivered, total_ms and max_ms, and the
 * buckets, each named by its lower bound in ms (average_ms and p95_ms are
 * derived from them and not read).  The buckets add up to delivered, the
 * longest wait is in the last bucket that holds any, and the total lies
 * between what the buckets' bounds allow, so a document cannot say two
 * things at once.  delivered is at most most_delivered and the total at
 * most most_total.
 */
static int read_delays(struct merge *m, size_t object, unsigned long long most_delivered,
                       unsigned long long most_total, struct delay_stats *d)
{
	size_t buckets, i;
	unsigned long long sum = 0, low = 0;
	size_t last = 0;

	memset(d, 0, sizeof(*d));
	if (expect(m, object, J_OBJECT, "delays") != 0 ||
	    read_member_count(m, object, "delivered", &d->count) != 0)
		return -1;
	buckets = required(m, object, "buckets", J_OBJECT);
	if (buckets == JSON_NONE || read_member_number(m, object, "total_ms", &d->total_ms) != 0 ||
	    read_member_number(m, object, "max_ms", &d->max_ms) != 0)
		return -1;
	if (d->count > most_delivered)
		return merge_fail(m, object, "delays", "more deliveries than the document allows");
	if (d->total_ms > most_total)
		return merge_fail(m, object, "delays", "a total above the document's");
	i = buckets + 1;
	for (size_t k = 0; k < m->r->tokens[buckets].count; k++, i = m->r->tokens[i + 1].next) {
		char name[24];
		size_t len = json_decode(m->r, i, name, sizeof(name)), b;
		unsigned long long floor = 0, value;

		for (size_t c = 0; c < len; c++) {
			if (!is_digit((unsigned char)name[c]) || floor > DELAY_MAX_MS)
				return merge_fail(m, i, "buckets", "not a bucket's lower bound");
			floor = floor * 10 + (unsigned)(name[c] - '0');
		}
		b = len > 0 ? delay_bucket_at(floor) : DELAY_BUCKETS;
		if (b == DELAY_BUCKETS)
			return merge_fail(m, i, "buckets", "not a bucket's lower bound");
		if (read_count(m, i + 1, "buckets", &value) != 0)
			return -1;
		sum += value; /* member names are unique: each bucket once */
		d->buckets[b] = value;
		if (value > 0 && b >= last)
			last = b;
		/* the least the delays of the bucket add up to */
		if (value > 0 && floor > 0 && value > (COUNT_MAX - low) / floor)
			low = COUNT_MAX;
		else if (value > 0)
			low += value * floor;
	}
	if (sum != d->count)
		return merge_fail(m, buckets, "buckets", "do not add up to the deliveries");
	if (d->count > 0 && delay_bucket(d->max_ms) != last)
		return merge_fail(m, object, "max_ms", "not in the last bucket that holds any");
	if (d->count == 0 && (d->max_ms != 0 || d->total_ms != 0))
		return merge_fail(m, object, "delays", "a delay without deliveries");
	if (d->total_ms < low)
		return merge_fail(m, object, "total_ms", "below what the buckets allow");
	if (d->max_ms > 0 && d->count <= COUNT_MAX / d->max_ms &&
	    d->total_ms > d->count * d->max_ms)
		return merge_fail(m, object, "total_ms", "above deliveries times the longest");
	return 0;
}

/* A list that holds fewer entries than the table had was cut by --top. */
static int merge_list_length(struct merge *m, size_t object, const char *count_key, size_t list,
                             enum table_id id, unsigned long long *distinct)
{
	size_t token = required(m, object, count_key, J_NUMBER);

	/* Names, not records: entries of no record can be listed. */
	if (token == JSON_NONE || read_number(m, token, count_key, 0, distinct) != 0)
		return -1;
	if (m->apply && *distinct > m->r->tokens[list].count)
		m->s->capped |= 1u << id;
	return 0;
}

static int merge_party(struct merge *m, size_t root, const char *list_key, const char *name_key,
                       struct party_table *p, enum table_id id)
{
	char count_key[32];
	size_t list = required(m, root, list_key, J_ARRAY), i;
	unsigned long long distinct;

	if (list == JSON_NONE)
		return -1;
	snprintf(count_key, sizeof(count_key), "%s_count", name_key);
	if (merge_list_length(m, root, count_key, list, id, &distinct) != 0)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char name[NAME_MAX_BYTES];
		unsigned long long records, error, status[STATUS_COUNT] = {0}, *reasons, sum;
		size_t name_token, len, entry;

		if (expect(m, i, J_OBJECT, list_key) != 0)
			return -1;
		name_token = required(m, i, name_key, J_STRING);
		if (name_token == JSON_NONE || read_member_count(m, i, "records", &records) != 0 ||
		    read_member_count(m, i, "error", &error) != 0 ||
		    read_statuses(m, i, status) != 0 ||
		    required(m, i, "reasons", J_OBJECT) == JSON_NONE)
			return -1;
		len = json_decode(m->r, name_token, name, sizeof(name));
		entry = 0;
		reasons = NULL;
		if (m->apply) {
			entry = party_add(p, name, len, records, error);
			for (int st = 1; st < STATUS_COUNT; st++)
				party_add_status(p, entry, st, status[st]);
			reasons = party_reasons_to_count(m->s, p, entry);
		}
		if (merge_name_counts(m, member(m, i, "reasons"), "reasons", reasons,
		                      smtpclass_reason_from_name, &sum) != 0)
			return -1;
		/* queue times: the outbound domains only, optional (summaries
		 * written before them have none, nor do domains without any) */
		if (p->delays != NULL && member(m, i, "delays") != JSON_NONE) {
			struct delay_stats d;

			if (read_delays(m, member(m, i, "delays"),
			                status[SMTPCLASS_STATUS_SENT] < m->delays.count
			                    ? status[SMTPCLASS_STATUS_SENT]
			                    : m->delays.count,
			                m->delays.total_ms, &d) != 0)
				return -1;
			if (m->apply && d.count > 0)
				delay_merge(party_delays_to_count(p, entry), &d);
		}
	}
	if (m->apply && distinct > p->distinct)
		p->distinct = distinct;
	return 0;
}

/* Reads a classification name of a group into *id. */
static int read_group_name(struct merge *m, size_t group, const char *key,
                           int (*from_name)(const char *, size_t), int *id)
{
	char name[64];
	size_t token = required(m, group, key, J_STRING);

	if (token == JSON_NONE)
		return -1;
	*id = from_name(name, json_decode(m->r, token, name, sizeof(name)));
	if (*id < 0)
		return merge_fail(m, token, key, "unknown name");
	return 0;
}

static int merge_group_domains(struct merge *m, size_t object, const char *what,
                               struct group_info *g)
{
	size_t i = object + 1;

	for (size_t k = 0; k < m->r->tokens[object].count; k++) {
		char name[GROUP_DOMAIN_NAME_MAX];
		size_t len = json_decode(m->r, i, name, sizeof(name));
		unsigned long long count;

		if (read_count(m, i + 1, what, &count) != 0)
			return -1;
		if (m->apply)
			group_domain_add(g, m->s->group_domains, name, len, count, 0);
		i = m->r->tokens[i + 1].next;
	}
	return 0;
}

/* The groups of root (the document: names_key "domains") or of its
 * "inbound" object ("clients") into a groups table. */
static int merge_groups(struct merge *m, size_t root, struct topk *groups,
                        unsigned long long *merged_distinct, const char *names_key,
                        enum table_id id)
{
	size_t list = required(m, root, "groups", J_ARRAY), i;
	unsigned long long distinct;

	if (list == JSON_NONE ||
	    merge_list_length(m, root, "group_count", list, id, &distinct) != 0)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char template[TEMPLATE_MAX];
		unsigned long long count, error;
		size_t template_token, example_token, domains, len;
		int verdict, reason, action, fresh;
		struct group_info *g = NULL;

		if (expect(m, i, J_OBJECT, "groups") != 0)
			return -1;
		template_token = required(m, i, "template", J_STRING);
		if (template_token == JSON_NONE || read_member_count(m, i, "count", &count) != 0 ||
		    read_member_count(m, i, "error", &error) != 0 ||
		    read_group_name(m, i, "verdict", verdict_from_name, &verdict) != 0 ||
		    read_group_name(m, i, "reason", smtpclass_reason_from_name, &reason) != 0 ||
		    read_group_name(m, i, "action", smtpclass_action_from_name, &action) != 0)
			return -1;
		domains = required(m, i, names_key, J_OBJECT);
		example_token =
		    domains == JSON_NONE ? JSON_NONE : required(m, i, "example", J_STRING);
		if (example_token == JSON_NONE)
			return -1;
		if (m->apply) {
			len = json_decode(m->r, template_token, template, sizeof(template));
			g = group_in(groups, group_add(groups, template, len,
			                               group_tag(verdict, reason, action), count,
			                               error, &fresh));
			if (fresh) {
				char example[EXAMPLE_MAX];

				group_example_set(
				    g, example,
				    json_decode(m->r, example_token, example, sizeof(example)));
			}
		}
		if (merge_group_domains(m, domains, names_key, g) != 0)
			return -1;
	}
	if (m->apply && distinct > *merged_distinct)
		*merged_distinct = distinct;
	return 0;
}

static int merge_hours(struct merge *m, size_t root)
{
	size_t list = required(m, root, "hours", J_ARRAY), i;

	if (list == JSON_NONE)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char label[64];
		size_t token, len;
		unsigned long long records, status[STATUS_COUNT] = {0};
		struct stamp stamp;

		if (expect(m, i, J_OBJECT, "hours") != 0)
			return -1;
		token = required(m, i, "hour", J_STRING);
		if (token == JSON_NONE || read_member_count(m, i, "records", &records) != 0 ||
		    read_statuses(m, i, status) != 0)
			return -1;
		len = json_decode(m->r, token, label, sizeof(label));
		if (!timestamp_parse(label, len, &stamp))
			return merge_fail(m, token, "hour",
			                  "not an hour such as \"2024-02-21 09:00\"");
		if (m->apply) {
			size_t entry = hour_add(m->s, hour_key(&stamp), records, 0);

			for (int st = 1; st < STATUS_COUNT; st++)
				hour_status(m->s, entry)[st] += status[st];
		}
	}
	return 0;
}

static int merge_time_span(struct merge *m, size_t root)
{
	size_t span = member(m, root, "time_span");
	const char *keys[2] = {"first", "last"};

	if (span == JSON_NONE || m->r->tokens[span].type == J_NULL)
		return 0;
	if (expect(m, span, J_OBJECT, "time_span") != 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		char text[TIME_TEXT_MAX];
		size_t token = required(m, span, keys[k], J_STRING), len;
		struct stamp stamp;

		if (token == JSON_NONE)
			return -1;
		len = json_decode(m->r, token, text, sizeof(text));
		if (!timestamp_parse(text, len, &stamp))
			return merge_fail(m, token, keys[k], "not a log timestamp");
		if (m->apply)
			span_cover(m->s, time_key(&stamp), text, len);
	}
	return 0;
}

static int merge_capped(struct merge *m, size_t root)
{
	size_t list = required(m, root, "capped", J_ARRAY), i;

	if (list == JSON_NONE)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char name[32];
		int id;

		if (expect(m, i, J_STRING, "capped") != 0)
			return -1;
		id = table_from_name(name, json_decode(m->r, i, name, sizeof(name)));
		if (id < 0)
			return merge_fail(m, i, "capped", "unknown table name");
		if (m->apply)
			m->s->capped |= 1u << id;
	}
	return 0;
}

/* The document's queue times: optional (summaries written before them
 * have none); no more deliveries than its sent total. */
static int merge_root_delays(struct merge *m, size_t root)
{
	size_t object = member(m, root, "delays"), totals = member(m, root, "totals");
	unsigned long long sent = 0;
	size_t token;

	memset(&m->delays, 0, sizeof(m->delays));
	if (object == JSON_NONE)
		return 0;
	token = member(m, totals, summary_status_keys[SMTPCLASS_STATUS_SENT]);
	if (token != JSON_NONE && read_count(m, token, "totals", &sent) != 0)
		return -1;
	if (read_delays(m, object, sent, COUNT_MAX, &m->delays) != 0)
		return -1;
	if (!m->apply && (m->s->delays.total_ms > COUNT_MAX - m->delays.total_ms ||
	                  m->s->delays.count > COUNT_MAX - m->delays.count))
		return merge_fail(m, object, "delays", "the merged total passes 2^53");
	if (m->apply)
		delay_merge(&m->s->delays, &m->delays);
	return 0;
}

/* The counts at the top of the document. */
static int merge_totals(struct merge *m, size_t root)
{
	struct summary *s = m->s;
	size_t deferrals, addresses, token = member(m, root, "records");
	unsigned long long records, messages, events, remove, soft, statuses, verdicts, reasons,
	    actions, deferred;

	m->have_records = 0;
	if (read_member_count(m, root, "records", &records) != 0)
		return -1;
	if (!m->apply && s->records + records > COUNT_MAX)
		return merge_fail(m, token, "records", "the merged records pass 2^53");
	m->records = records;
	m->have_records = 1;
	if (required(m, root, "totals", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "totals"), "totals", s->status, status_from_name,
	                      &statuses) != 0 ||
	    required(m, root, "verdicts", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "verdicts"), "verdicts", s->verdicts,
	                      verdict_from_name, &verdicts) != 0 ||
	    required(m, root, "reasons", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "reasons"), "reasons", s->reasons,
	                      smtpclass_reason_from_name, &reasons) != 0 ||
	    required(m, root, "actions", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "actions"), "actions", s->actions,
	                      smtpclass_action_from_name, &actions) != 0)
		return -1;
	/* Every record has one verdict and one reason, at most one status and
	 * one action. */
	if (verdicts != records)
		return merge_fail(m, member(m, root, "verdicts"), "verdicts",
		                  "do not add up to the records");
	if (reasons != records)
		return merge_fail(m, member(m, root, "reasons"), "reasons",
		                  "do not add up to the records");
	if (statuses > records)
		return merge_fail(m, member(m, root, "totals"), "totals",
		                  "add up to more than the records");
	if (actions > records)
		return merge_fail(m, member(m, root, "actions"), "actions",
		                  "add up to more than the records");
	deferrals = required(m, root, "deferrals", J_OBJECT);
	addresses = deferrals == JSON_NONE ? JSON_NONE : required(m, root, "addresses", J_OBJECT);
	if (addresses == JSON_NONE || read_member_count(m, deferrals, "events", &events) != 0 ||
	    read_member_count(m, deferrals, "messages", &messages) != 0 ||
	    read_member_count(m, addresses, "remove", &remove) != 0 ||
	    read_member_count(m, addresses, "soft", &soft) != 0)
		return -1;
	if (read_member_count(m, member(m, root, "totals"), "deferred", &deferred) != 0)
		return -1;
	if (events != deferred)
		return merge_fail(m, deferrals, "deferrals", "events are not the deferred total");
	if (messages > events)
		return merge_fail(m, deferrals, "deferrals", "more messages than events");
	if (remove + soft > records)
		return merge_fail(m, addresses, "addresses", "more than the records");
	if (m->apply) {
		s->records += records;
		s->deferred_merged += messages;
		s->remove_merged += remove;
		s->soft_merged += soft;
	}
	return 0;
}

/* The counts of a name-to-count object into counts[] (zeroed by the
 * caller), in the check pass too. */
static int read_name_counts(struct merge *m, size_t object, const char *what,
                            unsigned long long *counts, int (*from_name)(const char *, size_t),
                            unsigned long long *sum)
{
	int apply = m->apply, status;

	m->apply = 1;
	status = merge_name_counts(m, object, what, counts, from_name, sum);
	m->apply = apply;
	return status;
}

/* Whether each count of part is at most the same count of whole. */
static int counts_within(const unsigned long long *part, const unsigned long long *whole, int n)
{
	for (int i = 0; i < n; i++)
		if (part[i] > whole[i])
			return 0;
	return 1;
}

/*
 * The records this server refused, "inbound": optional, since summaries
 * written before the split have none (their rejects are in the outbound
 * tables).  Its records are at most the document's rejected total, its
 * reasons add up to its records, and each of its reasons and actions is
 * at most the document's: the text report shows the difference as the
 * outbound side.
 */
static int merge_inbound(struct merge *m, size_t root)
{
	size_t inbound = member(m, root, "inbound"), totals = member(m, root, "totals"), token;
	unsigned long long records, rejected = 0, sum, actions;
	unsigned long long doc_reasons[128] = {0}, doc_actions[64] = {0};
	unsigned long long in_reasons[128] = {0}, in_actions[64] = {0};
	struct summary *s = m->s;

	if (inbound == JSON_NONE)
		return 0;
	if (expect(m, inbound, J_OBJECT, "inbound") != 0 ||
	    read_member_count(m, inbound, "records", &records) != 0)
		return -1;
	token = member(m, totals, summary_status_keys[SMTPCLASS_STATUS_REJECTED]);
	if (token != JSON_NONE && read_count(m, token, "totals", &rejected) != 0)
		return -1;
	if (records > rejected)
		return merge_fail(m, inbound, "inbound", "more records than the rejected total");
	if (read_name_counts(m, member(m, root, "reasons"), "reasons", doc_reasons,
	                     smtpclass_reason_from_name, &sum) != 0 ||
	    read_name_counts(m, member(m, root, "actions"), "actions", doc_actions,
	                     smtpclass_action_from_name, &sum) != 0 ||
	    required(m, inbound, "reasons", J_OBJECT) == JSON_NONE ||
	    read_name_counts(m, member(m, inbound, "reasons"), "reasons", in_reasons,
	                     smtpclass_reason_from_name, &sum) != 0)
		return -1;
	if (sum != records)
		return merge_fail(m, member(m, inbound, "reasons"), "reasons",
		                  "do not add up to the inbound records");
	if (required(m, inbound, "actions", J_OBJECT) == JSON_NONE ||
	    read_name_counts(m, member(m, inbound, "actions"), "actions", in_actions,
	                     smtpclass_action_from_name, &actions) != 0)
		return -1;
	if (!counts_within(in_reasons, doc_reasons, s->reason_count))
		return merge_fail(m, member(m, inbound, "reasons"), "reasons",
		                  "a count above the document's");
	if (!counts_within(in_actions, doc_actions, s->action_count))
		return merge_fail(m, member(m, inbound, "actions"), "actions",
		                  "a count above the document's");
	if (merge_party(m, inbound, "clients", "client", &s->inbound.clients, T_INBOUND_CLIENTS) !=
	        0 ||
	    merge_party(m, inbound, "domains", "domain", &s->inbound.domains, T_INBOUND_DOMAINS) !=
	        0)
		return -1;
	/* the reject groups: optional, since summaries written before them
	 * have none */
	if (member(m, inbound, "groups") != JSON_NONE &&
	    merge_groups(m, inbound, &s->inbound.groups, &s->inbound.group_distinct, "clients",
	                 T_INBOUND_GROUPS) != 0)
		return -1;
	if (m->apply) {
		s->inbound.records += records;
		for (int i = 0; i < s->reason_count; i++)
			s->inbound.reasons[i] += in_reasons[i];
		for (int i = 0; i < s->action_count; i++)
			s->inbound.actions[i] += in_actions[i];
	}
	return 0;
}

/* A warnings table's list: each entry's name (and for sessions its
 * event), count and error, no count above its kind's (most, per kind). */
static int merge_warning_table(struct merge *m, size_t object, const char *count_key,
                               const char *list_key, const char *name_key, struct topk *table,
                               enum table_id id, const unsigned long long most[EVENT_COUNT],
                               int fixed_kind, unsigned long long *merged_distinct)
{
	size_t list = required(m, object, list_key, J_ARRAY), i;
	unsigned long long distinct;

	if (list == JSON_NONE || merge_list_length(m, object, count_key, list, id, &distinct) != 0)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char name[WARNING_NAME_MAX];
		unsigned long long count, error;
		size_t name_token, len;
		int kind = fixed_kind;

		if (expect(m, i, J_OBJECT, list_key) != 0)
			return -1;
		name_token = required(m, i, name_key, J_STRING);
		/* events, not records: bounded by their kind's total below */
		if (name_token == JSON_NONE || read_member_number(m, i, "count", &count) != 0 ||
		    read_member_number(m, i, "error", &error) != 0)
			return -1;
		if (kind == 0) {
			size_t event = required(m, i, "event", J_STRING);
			char kind_name[32];

			if (event == JSON_NONE)
				return -1;
			len = json_decode(m->r, event, kind_name, sizeof(kind_name));
			for (int e = SMTPCLASS_EVENT_LOST; e < EVENT_COUNT; e++)
				if (strlen(smtpclass_log_event_name(e)) == len &&
				    memcmp(smtpclass_log_event_name(e), kind_name, len) == 0)
					kind = e;
			if (kind == 0)
				return merge_fail(m, event, "event", "not lost or timeout");
		}
		if (count > most[kind] || error > count)
			return merge_fail(m, i, list_key, "a count above its kind's total");
		len = json_decode(m->r, name_token, name, sizeof(name));
		if (m->apply)
			warning_add(table, fixed_kind == 0 ? kind : 0, name, len, count, error);
	}
	if (m->apply && distinct > *merged_distinct)
		*merged_distinct = distinct;
	return 0;
}

/* A senders table's list: each entry's name, messages, bytes and error,
 * none above the document's messages or bytes. */
static int merge_sender_table(struct merge *m, size_t object, const char *count_key,
                              const char *list_key, const char *name_key, struct topk *table,
                              enum table_id id, unsigned long long messages,
                              unsigned long long bytes, unsigned long long *merged_distinct)
{
	size_t list = required(m, object, list_key, J_ARRAY), i;
	unsigned long long distinct;

	if (list == JSON_NONE || merge_list_length(m, object, count_key, list, id, &distinct) != 0)
		return -1;
	i = list + 1;
	for (size_t k = 0; k < m->r->tokens[list].count; k++, i = m->r->tokens[i].next) {
		char name[NAME_MAX_BYTES];
		unsigned long long count, size, error;
		size_t name_token, len;

		if (expect(m, i, J_OBJECT, list_key) != 0)
			return -1;
		name_token = required(m, i, name_key, J_STRING);
		if (name_token == JSON_NONE || read_member_number(m, i, "messages", &count) != 0 ||
		    read_member_number(m, i, "bytes", &size) != 0 ||
		    read_member_number(m, i, "error", &error) != 0)
			return -1;
		if (count > messages || size > bytes || error > count)
			return merge_fail(m, i, list_key, "a count above the document's");
		len = json_decode(m->r, name_token, name, sizeof(name));
		if (m->apply)
			sender_add(table, name, len, count, size, error);
	}
	if (m->apply && distinct > *merged_distinct)
		*merged_distinct = distinct;
	return 0;
}

/* The queued messages, "senders": optional (summaries written before
 * them have none); the largest at most the bytes, the sums within 2^53. */
static int merge_senders(struct merge *m, size_t root)
{
	size_t object = member(m, root, "senders");
	struct senders *q = &m->s->senders;
	unsigned long long messages, bytes, largest;

	if (object == JSON_NONE)
		return 0;
	if (expect(m, object, J_OBJECT, "senders") != 0 ||
	    read_member_number(m, object, "messages", &messages) != 0 ||
	    read_member_number(m, object, "bytes", &bytes) != 0 ||
	    read_member_number(m, object, "largest", &largest) != 0)
		return -1;
	if (largest > bytes || (messages == 0 && bytes > 0))
		return merge_fail(m, object, "senders", "a largest message above the bytes");
	if (!m->apply && (q->messages > COUNT_MAX - messages || q->bytes > COUNT_MAX - bytes))
		return merge_fail(m, object, "senders", "the merged total passes 2^53");
	if (merge_sender_table(m, object, "sender_count", "senders", "sender", &q->senders,
	                       T_SENDERS, messages, bytes, &q->sender_distinct) != 0 ||
	    merge_sender_table(m, object, "domain_count", "domains", "domain", &q->domains,
	                       T_SENDER_DOMAINS, messages, bytes, &q->domain_distinct) != 0)
		return -1;
	if (m->apply) {
		q->messages += messages;
		q->bytes += bytes;
		if (largest > q->largest)
			q->largest = largest;
	}
	return 0;
}

/* The connection events, "warnings": optional (summaries written before
 * them have none); each kind's total at most 2^53 once merged. */
static int merge_warnings(struct merge *m, size_t root)
{
	size_t object = member(m, root, "warnings");
	struct warnings *w = &m->s->warnings;
	unsigned long long counts[EVENT_COUNT] = {0};

	if (object == JSON_NONE)
		return 0;
	if (expect(m, object, J_OBJECT, "warnings") != 0)
		return -1;
	for (int kind = 1; kind < EVENT_COUNT; kind++) {
		const char *name = smtpclass_log_event_name(kind);
		size_t token = required(m, object, name, J_NUMBER);

		if (token == JSON_NONE || read_number(m, token, name, 0, &counts[kind]) != 0)
			return -1;
		if (!m->apply && w->counts[kind] > COUNT_MAX - counts[kind])
			return merge_fail(m, token, name, "the merged total passes 2^53");
	}
	if (merge_warning_table(m, object, "client_count", "clients", "client", &w->clients,
	                        T_WARNING_CLIENTS, counts, SMTPCLASS_EVENT_AUTH_FAILED,
	                        &w->client_distinct) != 0 ||
	    merge_warning_table(m, object, "host_count", "hosts", "host", &w->hosts,
	                        T_WARNING_HOSTS, counts, SMTPCLASS_EVENT_TLS_FAILED,
	                        &w->host_distinct) != 0 ||
	    merge_warning_table(m, object, "session_count", "sessions", "command", &w->sessions,
	                        T_WARNING_SESSIONS, counts, 0, &w->session_distinct) != 0)
		return -1;
	if (m->apply)
		for (int kind = 1; kind < EVENT_COUNT; kind++)
			w->counts[kind] += counts[kind];
	return 0;
}

static int merge_document(struct merge *m)
{
	size_t root = 0, schema, approximate, incomplete;

	if (expect(m, root, J_OBJECT, "document") != 0)
		return -1;
	schema = required(m, root, "schema", J_STRING);
	if (schema == JSON_NONE)
		return -1;
	if (!key_is(m, schema, SUMMARY_SCHEMA))
		return merge_fail(m, schema, "schema", "not \"" SUMMARY_SCHEMA "\"");
	approximate = member(m, root, "approximate");
	if (approximate == JSON_NONE)
		return merge_fail(m, root, "member \"approximate\"", "missing");
	if (m->r->tokens[approximate].type != J_TRUE && m->r->tokens[approximate].type != J_FALSE)
		return merge_fail(m, approximate, "approximate", "expected true or false");
	incomplete = member(m, root, "incomplete");
	if (incomplete != JSON_NONE && expect(m, incomplete, J_STRING, "incomplete") != 0)
		return -1;
	if (incomplete != JSON_NONE && m->apply)
		m->s->incomplete = "a merged summary was interrupted";
	if (merge_totals(m, root) != 0 || merge_root_delays(m, root) != 0 ||
	    merge_capped(m, root) != 0 || merge_time_span(m, root) != 0 ||
	    merge_party(m, root, "domains", "domain", &m->s->domains, T_DOMAINS) != 0 ||
	    merge_party(m, root, "hosts", "host", &m->s->hosts, T_HOSTS) != 0 ||
	    merge_groups(m, root, &m->s->groups, &m->s->group_distinct, "domains", T_GROUPS) != 0 ||
	    merge_hours(m, root) != 0 || merge_inbound(m, root) != 0 ||
	    merge_warnings(m, root) != 0 || merge_senders(m, root) != 0)
		return -1;
	return 0;
}

size_t summary_document_length(const char *text, size_t len)
{
	return json_document_length(text, len);
}

int summary_merge_json(struct summary *s, const char *text, size_t len, size_t *error_offset,
                       char *error, size_t error_size)
{
	struct json_reader r = {text, len, 0, NULL, 0, len / 2 + 2, 0, 0, NULL};
	struct merge m = {.s = s, .r = &r, .error = error, .error_size = error_size};
	int status = -1;

	*error_offset = 0;
	if (error_size > 0)
		error[0] = '\0';
	/* A summary has at most a few hundred thousand values (its tables'
	 * entries): a document of more is no summary, and the bound keeps
	 * the tokens of a hostile one within 80 MB. */
	if (r.max > MERGE_VALUES_MAX)
		r.max = MERGE_VALUES_MAX;
	if (json_read(&r) != 0) {
		*error_offset = r.error_offset;
		snprintf(error, error_size, "%s", r.error);
	} else if (merge_document(&m) != 0) {
		*error_offset = m.error_offset;
	} else {
		m.apply = 1;
		merge_document(&m);
		s->merged = 1;
		status = 0;
	}
	free(r.tokens);
	return status;
}
