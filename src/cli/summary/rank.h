/*
 * rank.h: ordering the entries of a summary's tables for the reports
 * (rank.c).
 */
#ifndef SMTPCLASS_SUMMARY_RANK_H
#define SMTPCLASS_SUMMARY_RANK_H

#include <stddef.h>

#include "count.h"
#include "stamp.h"

/* An entry to sort: larger primary first, then larger secondary, then key. */
struct ranked {
	size_t index;
	unsigned long long primary, secondary;
	const char *key;
	size_t key_len;
};

/* qsort() order of struct ranked. */
int compare_ranked(const void *a, const void *b);

/* Entries of a domain or host table, most failures first, then most
 * records; a malloc'd array of *n rows (NULL and 0 when empty or out of
 * memory).  So are the two below.  Only rows[0..keep) are in that order
 * (keep 0: all of them), the rest follow in no order: a report shows its
 * top (shown()) and reads no further. */
struct ranked *rank_party(const struct party_table *p, size_t keep, size_t *n);

/* The entries of a domain table that counted queue times, most deliveries
 * first, then the longest wait. */
struct ranked *rank_delays(const struct party_table *p, size_t keep, size_t *n);

/* Reply groups of a groups table (s->groups, s->inbound.groups), most
 * frequent first. */
struct ranked *rank_groups(const struct topk *groups, size_t keep, size_t *n);

/* Hours in time order. */
struct ranked *rank_hours(const struct summary *s, size_t *n);

/* A day of the hours table: the sums of its hours. */
struct day_row {
	uint64_t key; /* day_of_hour() */
	unsigned long long records, status[STATUS_COUNT];
};

/* The days of the hours, in time order; a malloc'd array of *n rows (NULL
 * and 0 when there are no hours or memory is short).  When the hours table
 * is capped, so are the days (they add up the hours it kept). */
struct day_row *rank_days(const struct summary *s, size_t *n);

/* Names with non-zero counts (reasons, actions, verdicts) into r[], of
 * room for count rows, largest first; returns how many. */
size_t rank_counts(const unsigned long long *counts, int count, const char *(*name)(int),
                   struct ranked *r);

/* The domains of a reply group into r[], most frequent first; returns
 * how many. */
size_t rank_group_domains(const struct group_info *g, struct ranked r[GROUP_DOMAINS_MAX]);

/* Counts recipients to remove, or that failed only softly. */
unsigned long long address_total(const struct summary *s, int soft);

/* Whether a recipient is on the list of --addresses=remove (soft 0) or
 * --addresses=soft (soft 1). */
int address_listed(const struct address_info *a, int soft);

/* Entries of a list that are shown: all of them, or the top ones. */
static inline size_t shown(const struct summary *s, size_t n)
{
	return s->top > 0 && (size_t)s->top < n ? (size_t)s->top : n;
}

/* The counts of the outbound side: all of them less the inbound ones (the
 * merge checks that none is above its total). */
static inline void outbound_counts(const unsigned long long *all, const unsigned long long *inbound,
                                   int count, unsigned long long *out)
{
	for (int i = 0; i < count; i++)
		out[i] = all[i] - inbound[i];
}

static inline unsigned long long deferred_messages(const struct summary *s)
{
	return s->deferred.fresh + s->deferred_merged;
}

static inline unsigned long long distinct_of(const struct topk *t, unsigned long long merged_floor)
{
	unsigned long long n = t->evicted > 0 ? t->fresh : t->used;

	return n > merged_floor ? n : merged_floor;
}

#endif
