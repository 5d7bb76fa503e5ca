/*
 * rank.c: the order in which the reports list a summary's entries.
 *
 * Both reports, text and JSON, list the same entries in the same order:
 * domains and hosts with the most failures first (then the most records),
 * reply groups most frequent first, hours in time order, and counts by
 * name (reasons, actions; verdicts in the text report) largest first.
 * Ties are broken by key and then by entry number (reply groups of one
 * template but another classification share a key), so the order is
 * total and qsort() gives the same report on every run.  The rows are
 * sorted as struct ranked with one comparison, compare_ranked().
 */
#include "rank.h"

#include <stdlib.h>
#include <string.h>

int compare_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c;

	if (x->primary != y->primary)
		return x->primary > y->primary ? -1 : 1;
	if (x->secondary != y->secondary)
		return x->secondary > y->secondary ? -1 : 1;
	c = n > 0 ? memcmp(x->key, y->key, n) : 0;
	if (c != 0)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static unsigned long long party_failures(const struct party_table *p, size_t i)
{
	const unsigned long long *failed = topk_payload(&p->table, i);
	unsigned long long n = 0;

	for (int k = 0; k < PARTY_FAILED_STATUSES; k++)
		n += failed[k];
	return n;
}

/* The entries of t as rows to sort: index, key, and the entry's count as
 * the primary order.  Returns a malloc'd array of *n rows (NULL and 0 when
 * empty or out of memory). */
static struct ranked *table_rows(const struct topk *t, size_t *n)
{
	struct ranked *r = t->used > 0 ? malloc(t->used * sizeof(*r)) : NULL;

	*n = r != NULL ? t->used : 0;
	for (size_t i = 0; i < *n; i++) {
		r[i].index = i;
		r[i].primary = topk_entry(t, i)->count;
		r[i].secondary = 0;
		r[i].key = t->key_max > 0 ? topk_key(t, i) : NULL;
		r[i].key_len = t->key_max > 0 ? topk_entry(t, i)->key_len : 0;
	}
	return r;
}

/* Moves the row at r[at] down the max-heap r[0..n) (the root is the row
 * that sorts last). */
static void sift_down(struct ranked *r, size_t n, size_t at)
{
	for (;;) {
		size_t child = 2 * at + 1, last = at;
		struct ranked swap;

		if (child < n && compare_ranked(&r[child], &r[last]) > 0)
			last = child;
		if (child + 1 < n && compare_ranked(&r[child + 1], &r[last]) > 0)
			last = child + 1;
		if (last == at)
			return;
		swap = r[at];
		r[at] = r[last];
		r[last] = swap;
		at = last;
	}
}

/*
 * Sorts r[0..n), or, when a report shows only the first keep rows (keep
 * above 0 and well below n), puts the keep rows that sort first in
 * r[0..keep), sorted, and the others after them in no order.  The order is
 * total (compare_ranked()), so those keep rows are the ones, and in the
 * order, a full sort gives; a table of 4096 entries shown as its top 20
 * costs a pass with a small heap instead of a sort.
 */
static struct ranked *sorted_rows(struct ranked *r, size_t n, size_t keep)
{
	if (n == 0)
		return r;
	if (keep == 0 || keep >= n / 2) {
		qsort(r, n, sizeof(*r), compare_ranked);
		return r;
	}
	for (size_t i = keep / 2; i-- > 0;)
		sift_down(r, keep, i);
	for (size_t i = keep; i < n; i++) {
		if (compare_ranked(&r[i], &r[0]) < 0) {
			struct ranked swap = r[0];

			r[0] = r[i];
			r[i] = swap;
			sift_down(r, keep, 0);
		}
	}
	qsort(r, keep, sizeof(*r), compare_ranked);
	return r;
}

/* Entries of a domain or host table, most failures first, then most
 * records. */
struct ranked *rank_party(const struct party_table *p, size_t keep, size_t *n)
{
	struct ranked *r = table_rows(&p->table, n);

	for (size_t i = 0; i < *n; i++) {
		r[i].secondary = r[i].primary;
		r[i].primary = party_failures(p, i);
	}
	return sorted_rows(r, *n, keep);
}

/* The domains with queue times, most deliveries first, then the longest
 * wait. */
struct ranked *rank_delays(const struct party_table *p, size_t keep, size_t *n)
{
	struct ranked *r = table_rows(&p->table, n);
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		const struct delay_stats *d = party_delays(p, i);

		if (d->count == 0)
			continue;
		r[kept] = r[i];
		r[kept].primary = d->count;
		r[kept].secondary = d->max_ms;
		kept++;
	}
	*n = kept;
	return sorted_rows(r, kept, keep);
}

/* Reply groups, most frequent first. */
struct ranked *rank_groups(const struct topk *groups, size_t keep, size_t *n)
{
	struct ranked *r = table_rows(groups, n);

	return sorted_rows(r, *n, keep);
}

/* Hours in time order. */
struct ranked *rank_hours(const struct summary *s, size_t *n)
{
	struct ranked *r = table_rows(&s->hours, n);

	for (size_t i = 0; i < *n; i++)
		r[i].primary = UINT64_MAX - topk_entry(&s->hours, i)->hash;
	return sorted_rows(r, *n, 0);
}

struct day_row *rank_days(const struct summary *s, size_t *n)
{
	size_t hours;
	struct ranked *r = rank_hours(s, &hours);
	struct day_row *days = hours > 0 ? malloc(hours * sizeof(*days)) : NULL;

	*n = 0;
	if (days == NULL) {
		free(r);
		return NULL;
	}
	for (size_t k = 0; k < hours; k++) {
		size_t i = r[k].index;
		uint64_t day = day_of_hour(topk_entry(&s->hours, i)->hash);
		const unsigned long long *status = hour_status(s, i);

		if (*n == 0 || days[*n - 1].key != day) {
			memset(&days[*n], 0, sizeof(days[*n]));
			days[(*n)++].key = day;
		}
		days[*n - 1].records += topk_entry(&s->hours, i)->count;
		for (int st = 0; st < STATUS_COUNT; st++)
			days[*n - 1].status[st] += status[st];
	}
	free(r);
	return days;
}

/* Names with non-zero counts (reasons, actions, verdicts), largest first. */
size_t rank_counts(const unsigned long long *counts, int count, const char *(*name)(int),
                   struct ranked *r)
{
	size_t n = 0;

	for (int i = 0; i < count; i++) {
		const char *key = name(i);

		if (counts[i] == 0 || key == NULL)
			continue;
		r[n].index = (size_t)i;
		r[n].primary = counts[i];
		r[n].secondary = 0;
		r[n].key = key;
		r[n].key_len = strlen(key);
		n++;
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), compare_ranked);
	return n;
}

size_t rank_group_domains(const struct group_info *g, struct ranked r[GROUP_DOMAINS_MAX])
{
	for (size_t i = 0; i < g->domain_count; i++) {
		r[i].index = i;
		r[i].primary = g->domains[i].count;
		r[i].secondary = 0;
		r[i].key = g->domains[i].name;
		r[i].key_len = g->domains[i].len;
	}
	qsort(r, g->domain_count, sizeof(r[0]), compare_ranked);
	return g->domain_count;
}

int address_listed(const struct address_info *a, int soft)
{
	return soft ? a->verdict == SMTPCLASS_VERDICT_SOFT && !a->hard
	            : a->verdict == SMTPCLASS_VERDICT_HARD && a->remove;
}

struct address_tally {
	int soft;
	unsigned long long n;
};

static void tally_address(const struct address_info *a, void *context)
{
	struct address_tally *t = context;

	t->n += (unsigned long long)address_listed(a, t->soft);
}

/* Counts recipients to remove, or that failed only softly. */
unsigned long long address_total(const struct summary *s, int soft)
{
	struct address_tally t = {soft, soft ? s->soft_merged : s->remove_merged};

	addrset_each(&s->addresses, tally_address, &t);
	return t.n;
}
