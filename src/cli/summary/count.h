/*
 * count.h: the tables of a summary, as count.c fills them and the writers
 * (report_text.c, report_json.c) and the merge (merge.c) read them.
 *
 * struct summary is private to the summary's files: the rest of the tool
 * sees summary.h only.  The accessors of an entry's counts are static
 * inline, since counting a record uses them.
 */
#ifndef SMTPCLASS_SUMMARY_COUNT_H
#define SMTPCLASS_SUMMARY_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addrset.h"
#include "delay.h"
#include "smtpclass.h"
#include "summary.h"
#include "template.h"
#include "topk.h"

#define STATUS_COUNT     6  /* smtpclass_log_status, NONE included */
#define EVENT_COUNT      6  /* smtpclass_log_event_kind, NONE included */
#define WARNING_NAME_MAX 64 /* an address, or an SMTP command word */
#define VERDICT_COUNT    5  /* smtpclass_verdict */

/* Longest kept texts, in bytes, as table_name() cuts them (after replacing
 * ill-formed UTF-8, on a character boundary).  An RFC 5321 path is at most
 * 256 octets, so 255 holds any real address or domain. */
#define NAME_MAX_BYTES        255
#define TEMPLATE_MAX          384
#define EXAMPLE_MAX           384
#define GROUP_DOMAIN_NAME_MAX 63
#define GROUP_DOMAINS_MAX     8
#define TIME_TEXT_MAX         47

/* Bytes of a name kept in its table entry, at least: most names are
 * shorter, and longer ones go to a spill area (see the tables). */
#define NAME_INLINE 48

/* Tables, also the bits of summary->capped and the names in "capped". */
enum table_id {
	T_DOMAINS,
	T_HOSTS,
	T_GROUPS,
	T_ADDRESSES,
	T_DEFERRED,
	T_HOURS,
	T_INBOUND_CLIENTS,
	T_INBOUND_DOMAINS,
	T_INBOUND_GROUPS,
	T_WARNING_CLIENTS,
	T_WARNING_HOSTS,
	T_WARNING_SESSIONS,
	T_SENDERS,
	T_SENDER_DOMAINS,
	T_QUEUED,
	T_COUNT
};
extern const char *const summary_table_names[T_COUNT];

/* The JSON keys of the statuses (and the text report's names), NULL for
 * SMTPCLASS_STATUS_NONE. */
extern const char *const summary_status_keys[STATUS_COUNT];

/* Recipient domains or remote hosts: counts by status and by reason, and
 * for the outbound domains the queue times of their deliveries. */
struct party_table {
	struct topk table;
	unsigned long long *reasons; /* reason_count per entry; failures only */
	struct delay_stats *delays;  /* one per entry, or NULL: the table keeps none */
	unsigned long long distinct; /* lower bound from merged summaries */
};

/* The bits of an entry's mark: its row of reasons, and its delays, have
 * been cleared since the entry was made. */
#define PARTY_MARK_REASONS 1u
#define PARTY_MARK_DELAYS  2u

/* A domain a reply group hit; each group keeps a few (Space-Saving). */
struct group_domain {
	unsigned long long count, error;
	unsigned char len;
	char name[GROUP_DOMAIN_NAME_MAX];
};

struct group_info {
	unsigned short example_len;
	unsigned char domain_count;
	char example[EXAMPLE_MAX];
	struct group_domain domains[GROUP_DOMAINS_MAX];
};

struct time_point {
	uint64_t key; /* 0: none yet */
	size_t len;
	char text[TIME_TEXT_MAX];
};

/*
 * The inbound side: the records of mail this server refused (status
 * rejected), counted here instead of in the outbound tables (domains,
 * hosts, groups), which are about our own sending.  The root counts
 * (records, status, verdicts, reasons, actions) and the hours hold both
 * sides.  records may be below status[REJECTED] after merging a summary
 * written before the split, whose rejects are in its outbound tables.
 */
struct inbound {
	unsigned long long records;
	unsigned long long *reasons, *actions;
	struct party_table clients, domains;
	/* the reject texts, as the outbound groups, each with the clients it
	 * refused most (in the slots a group keeps for domains) */
	struct topk groups;
	unsigned long long group_distinct; /* lower bound from merged summaries */
};

/*
 * The connection events of the log (data/log-events.tsv), which are no
 * records: counted by kind, the failed logins by client, the failed TLS
 * handshakes by host, and the lost connections and timeouts by the
 * command the session was at (the table's tag is the kind).
 */
struct warnings {
	unsigned long long counts[EVENT_COUNT];
	struct topk clients, hosts, sessions;
	unsigned long long client_distinct, host_distinct, session_distinct; /* from merges */
};

/*
 * The messages that entered the queue (queued events: Postfix qmgr's
 * from=, Exim's <=), each counted once by its queue id (a Postfix message
 * enters the active queue again after each deferral): messages and bytes
 * in all, the largest, and by sender and sender domain (each entry's
 * tally is its bytes).  The null sender is "<>".
 */
struct senders {
	unsigned long long messages, bytes, largest;
	struct topk senders, domains;
	struct topk seen; /* queue ids counted (their hashes), 131072 */
	unsigned long long sender_distinct, domain_distinct; /* from merges */
};

struct summary {
	int top, reason_count, action_count, remove_action, merged;
	size_t group_domains;
	unsigned capped; /* bits of enum table_id: merged inputs that were capped or cut */
	unsigned long long records;
	unsigned long long status[STATUS_COUNT], verdicts[VERDICT_COUNT];
	unsigned long long *reasons, *actions;
	unsigned long long deferred_merged;            /* distinct deferred messages merged in */
	unsigned long long remove_merged, soft_merged; /* address counts merged in */
	unsigned long long group_distinct;             /* lower bound from merged summaries */
	struct time_point first, last;
	const char *incomplete; /* why the input was not read to its end, or NULL */
	struct party_table domains, hosts;
	struct inbound inbound;
	struct warnings warnings;
	struct senders senders;
	struct topk groups, deferred, hours;
	struct addrset addresses; /* exact: never replaced, refused beyond its bound */
	/* The last timestamp read and the hour entry it fell in: records come
	 * in bursts with the same stamp, which is then parsed once. */
	char last_time[TIME_TEXT_MAX];
	size_t last_time_len, last_hour_entry;
	uint64_t last_time_key, last_hour_key;
	struct delay_stats delays; /* of all deliveries (status sent) that say one */
	/* A bit per hash of a failed recipient: a sent record whose bit is
	 * clear is not in the address table, so most need no lookup. */
	uint64_t *address_filter;
	struct word_memo *word_memo; /* WORD_MEMO_SLOTS of them */
};

/*
 * The counts by status of a domain or host entry.  Sent records, most of a
 * log, are counted in the entry's tally, in its first cache line with the
 * key; the failed ones in its data, by status from deferred on.  Records
 * without a status are in the entry's count only: no report shows them.
 */
#define PARTY_FAILED_STATUSES (STATUS_COUNT - SMTPCLASS_STATUS_DEFERRED)

/* Adds n records of a status to a domain or host entry. */
static inline void party_add_status(const struct party_table *p, size_t i, int status,
                                    unsigned long long n)
{
	unsigned long long *failed = topk_payload(&p->table, i);

	if (status == SMTPCLASS_STATUS_SENT)
		topk_entry(&p->table, i)->tally += n;
	else if (status >= SMTPCLASS_STATUS_DEFERRED)
		failed[status - SMTPCLASS_STATUS_DEFERRED] += n;
}

/* The counts by status of a domain or host entry (none without a status). */
static inline void party_statuses(const struct party_table *p, size_t i,
                                  unsigned long long status[STATUS_COUNT])
{
	const unsigned long long *failed = topk_payload(&p->table, i);

	status[SMTPCLASS_STATUS_NONE] = 0;
	status[SMTPCLASS_STATUS_SENT] = topk_entry(&p->table, i)->tally;
	for (int st = SMTPCLASS_STATUS_DEFERRED; st < STATUS_COUNT; st++)
		status[st] = failed[st - SMTPCLASS_STATUS_DEFERRED];
}

static inline struct group_info *group_of(const struct summary *s, size_t i)
{
	return topk_payload(&s->groups, i);
}

/* The group entry i of a groups table. */
static inline struct group_info *group_in(const struct topk *groups, size_t i)
{
	return topk_payload(groups, i);
}

/* Counts by status of an hour entry. */
static inline unsigned long long *hour_status(const struct summary *s, size_t i)
{
	return topk_payload(&s->hours, i);
}

/*
 * The counts by reason of a domain or host entry, to read: a row of zeros
 * while the entry has none.  An entry's row is cleared when it first counts
 * a reason (the entry's mark says it has), not when the entry is made:
 * most entries count only deliveries, and their rows stay untouched.
 */
static inline const unsigned long long *party_reasons(const struct summary *s,
                                                      const struct party_table *p, size_t i)
{
	static const unsigned long long none[128]; /* summary_create() checks reason_count */

	if ((topk_entry(&p->table, i)->mark & PARTY_MARK_REASONS) == 0)
		return none;
	return p->reasons + i * (size_t)s->reason_count;
}

/* The counts by reason of a domain or host entry, to add to. */
static inline unsigned long long *party_reasons_to_count(const struct summary *s,
                                                         struct party_table *p, size_t i)
{
	struct topk_entry *e = topk_entry(&p->table, i);
	unsigned long long *row = p->reasons + i * (size_t)s->reason_count;

	if ((e->mark & PARTY_MARK_REASONS) == 0) {
		memset(row, 0, (size_t)s->reason_count * sizeof(*row));
		e->mark |= PARTY_MARK_REASONS;
	}
	return row;
}

/* The delays of a domain entry, to read (none when the table keeps none
 * or the entry has counted none); cleared lazily as the reasons are. */
static inline const struct delay_stats *party_delays(const struct party_table *p, size_t i)
{
	static const struct delay_stats none;

	if (p->delays == NULL || (topk_entry(&p->table, i)->mark & PARTY_MARK_DELAYS) == 0)
		return &none;
	return &p->delays[i];
}

/* The delays of a domain entry, to add to; the table must keep delays. */
static inline struct delay_stats *party_delays_to_count(struct party_table *p, size_t i)
{
	struct topk_entry *e = topk_entry(&p->table, i);

	if ((e->mark & PARTY_MARK_DELAYS) == 0) {
		memset(&p->delays[i], 0, sizeof(p->delays[i]));
		e->mark |= PARTY_MARK_DELAYS;
	}
	return &p->delays[i];
}

/* Packs a group's classification into a table tag: verdict (3 bits), reason
 * (7 bits) and action (6 bits).  Callers check the ranges. */
static inline uint16_t group_tag(int verdict, int reason, int action)
{
	return (uint16_t)((unsigned)verdict | (unsigned)reason << 3 | (unsigned)action << 10);
}

static inline int tag_verdict(uint16_t tag)
{
	return tag & 7;
}

static inline int tag_reason(uint16_t tag)
{
	return tag >> 3 & 127;
}

static inline int tag_action(uint16_t tag)
{
	return tag >> 10 & 63;
}

/*
 * A name as the tables keep it: as it reads back from the JSON the summary
 * writes (safe_json_copy(): NUL and each byte of ill-formed UTF-8 as
 * U+FFFD), then cut to at most max bytes on a character boundary.  Every
 * name and text of an entry (domain, host, client, template, a group's
 * domains and example, the time span) goes in through it, from a log or
 * from a merged summary: two names the JSON writes the same are then one
 * entry, which --merge reads back as it was (a summary's JSON has no member
 * name twice, and a merged summary writes the same JSON again).  A name of
 * printable ASCII, most of them, is returned where it is, cut; any other is
 * copied into buf (max bytes).
 */
smtpclass_span table_name(const char *name, size_t len, char *buf, size_t max);

/* Sets a group's example to text[0..len), as the tables keep it. */
void group_example_set(struct group_info *g, const char *text, size_t len);

/* Whether a table is approximate: it replaced entries, or a merged
 * summary said it was capped or cut. */
int table_capped(const struct summary *s, enum table_id id);

/* Whether some table is approximate. */
int is_approximate(const struct summary *s);

/* Adds weight records (and error) to a domain or host (its name through
 * table_name()); returns the entry. */
size_t party_add(struct party_table *p, const char *name, size_t len, unsigned long long weight,
                 unsigned long long error);

/* Adds weight records (and error) to the group of (template, tag), the
 * template through table_name(), in a groups table (s->groups or
 * s->inbound.groups); *fresh says the group is new.  Returns the entry. */
size_t group_add(struct topk *groups, const char *template, size_t len, uint16_t tag,
                 unsigned long long weight, unsigned long long error, int *fresh);

/* Adds count (and error) to a domain of a group (its name as the tables
 * keep it, cut at GROUP_DOMAIN_NAME_MAX), keeping the heaviest few of at
 * most slots (Space-Saving). */
void group_domain_add(struct group_info *g, size_t slots, const char *name, size_t len,
                      unsigned long long count, unsigned long long error);

/* Adds weight events (and error) to a warnings table under (kind, name),
 * the name as the tables keep it; returns the entry. */
size_t warning_add(struct topk *table, int kind, const char *name, size_t len,
                   unsigned long long weight, unsigned long long error);

/* Adds messages (and error) and bytes to a senders table (senders or
 * sender domains) under a name, as the tables keep it; returns the entry. */
size_t sender_add(struct topk *table, const char *name, size_t len, unsigned long long messages,
                  unsigned long long bytes, unsigned long long error);

/* Adds weight records (and error) to the hour of an hour key; returns the
 * entry. */
size_t hour_add(struct summary *s, uint64_t key, unsigned long long weight,
                unsigned long long error);

/* Widens the time span to cover a stamp (key and text as written). */
void span_cover(struct summary *s, uint64_t key, const char *text, size_t len);

#endif
