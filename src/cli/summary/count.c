/*
 * count.c: counting records into a summary.
 *
 * Every classified record goes through summary_add() once and is counted
 * in a few fixed-size tables: totals by status, verdict, reason and
 * action; recipient domains; remote hosts; reply groups (one per reply
 * template); the inbound side (the rejects this server sent: reasons,
 * actions, clients, recipient domains), kept out of the three before;
 * hours; failed recipients (for --addresses) and deferred messages (to
 * count them apart from deferral events).  Memory is decided
 * when the summary is created and does not grow with the input: each
 * keyed table is a Space-Saving table (topk.c), and any replacement marks
 * the summary approximate, and the report says so.
 *
 *   - Names are kept as the JSON report writes them (table_name():
 *     ill-formed UTF-8 as U+FFFD, cut on a character boundary), so that
 *     names written the same are one entry and --merge reads back what
 *     was written.
 *   - Records cost little: names (domains, hosts, addresses) are hashed
 *     straight from the log line in lower case, without copies (a domain
 *     or host that is not all printable ASCII, a rare one, is copied
 *     first; addresses, which no JSON holds, never are); the table
 *     lines a record needs are prefetched before they are used; sent
 *     records (most of a log) touch the counters, one line of the domain
 *     and host entries, the hour and a small filter of failed addresses,
 *     nothing else.
 *   - Memory is reserved for the full capacities but touched as it is
 *     used: a page touched for the first time costs a fault and a page
 *     clearing, more than many records, so entries are small (a name
 *     longer than most is kept apart), indexes grow with their tables and
 *     a domain's or host's counts by reason are cleared on its first
 *     failure.
 *
 * What is counted of a record is listed once, in fields.h.
 */
#include "count.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fields.h"
#include "safe.h"
#include "stamp.h"
#include "text.h"

const char *const summary_table_names[T_COUNT] = {
    "domains",        "hosts",           "groups",          "addresses",
    "deferred",       "hours",           "inbound_clients", "inbound_domains",
    "inbound_groups", "warning_clients", "warning_hosts",   "warning_sessions",
    "senders",        "sender_domains",  "queued"};

const char *const summary_status_keys[STATUS_COUNT] = {NULL,      "sent",    "deferred",
                                                       "bounced", "expired", "rejected"};

uint64_t hash_seed = 0x243f6a8885a308d3ull;

void hash_seed_init(void)
{
	static int done;
	uint64_t seed;
	struct timespec now;

	if (done)
		return;
	done = 1;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed)) {
		clock_gettime(CLOCK_REALTIME, &now);
		seed = (uint64_t)now.tv_nsec * HASH_MULTIPLIER ^ (uint64_t)now.tv_sec;
	}
	hash_seed ^= seed;
}

/* 2^18 bits, 32 KiB: small enough to stay in the cache while the log
 * streams through it, large enough to pass few sent records on. */
#define ADDRESS_FILTER_SHIFT 18
#define ADDRESS_FILTER_BITS  (1u << ADDRESS_FILTER_SHIFT)

smtpclass_span table_name(const char *name, size_t len, char *buf, size_t max)
{
	smtpclass_span span = {name, len};

	if (len == 0 || safe_plain_run(name, len, 0) == len) {
		if (span.len > max)
			span.len = max;
		return span;
	}
	span.ptr = buf;
	span.len = safe_json_copy(buf, max, name, len);
	return span;
}

/* A recipient domain without a trailing dot or '>', as the tables keep it
 * (buf: NAME_MAX_BYTES). */
static smtpclass_span domain_span(smtpclass_span span, char *buf)
{
	while (span.len > 0 && (span.ptr[span.len - 1] == '.' || span.ptr[span.len - 1] == '>'))
		span.len--;
	return table_name(span.ptr, span.len, buf, NAME_MAX_BYTES);
}

static int is_port(const char *s, size_t n)
{
	return n > 0 && skip_digits(s, 0, n) == n;
}

/*
 * The name of a remote host in a relay as MTAs write it
 * ("mx.example.com[192.0.2.1]:25", "mx.example.com. [192.0.2.1]",
 * "[192.0.2.1]", "unknown[192.0.2.1]", "127.0.0.1:2525", "none"): the host
 * name, or the address when there is no name, as the tables keep it (buf:
 * NAME_MAX_BYTES).
 */
static smtpclass_span host_span(smtpclass_span relay, char *buf)
{
	const char *s = relay.ptr, *bracket = relay.ptr != NULL ? memchr(s, '[', relay.len) : NULL;
	smtpclass_span name = relay, address = {NULL, 0};

	if (bracket != NULL) {
		name.len = (size_t)(bracket - s);
		address.ptr = bracket + 1;
		address.len = relay.len - name.len - 1;
	} else if (s != NULL) {
		const char *colon = memchr(s, ':', relay.len);
		size_t after = colon != NULL ? relay.len - (size_t)(colon + 1 - s) : 0;

		if (colon != NULL && memchr(colon + 1, ':', after) == NULL &&
		    is_port(colon + 1, after))
			name.len = (size_t)(colon - s); /* 127.0.0.1:2525 */
	}
	while (name.len > 0 && (name.ptr[name.len - 1] == ' ' || name.ptr[name.len - 1] == '.'))
		name.len--;
	if ((name.len == 0 || (name.len == 7 && starts_with_nocase(name.ptr, 7, "unknown"))) &&
	    address.ptr != NULL) {
		/* The address in brackets, looked at only when it is the name. */
		const char *close = memchr(address.ptr, ']', address.len);

		if (close != NULL)
			address.len = (size_t)(close - address.ptr);
		if (address.len > 5 && starts_with_nocase(address.ptr, address.len, "ipv6:")) {
			address.ptr += 5;
			address.len -= 5;
		}
		name = address;
	}
	return table_name(name.ptr, name.len, buf, NAME_MAX_BYTES);
}

/*
 * A recipient address without angle brackets, with a local part and a
 * domain: its last '@' is neither its first byte nor its last, that is it
 * has an '@' after its first byte and does not end with one (memchr()
 * finds the first such '@' faster than a loop finds the last).  An empty
 * span when it is not one.
 */
static smtpclass_span address_span(smtpclass_span span)
{
	smtpclass_span none = {NULL, 0};

	if (span.ptr == NULL)
		return none;
	if (span.len >= 2 && span.ptr[0] == '<' && span.ptr[span.len - 1] == '>') {
		span.ptr++;
		span.len -= 2;
	}
	if (span.len < 2 || span.len > NAME_MAX_BYTES || span.ptr[span.len - 1] == '@' ||
	    memchr(span.ptr + 1, '@', span.len - 1) == NULL)
		return none;
	return span;
}

/* keep_delays: the table counts queue times (the outbound domains). */
static int party_init(struct party_table *p, size_t capacity, int reason_count, int keep_delays)
{
	if (topk_init(&p->table, capacity, NAME_MAX_BYTES, NAME_INLINE,
	              PARTY_FAILED_STATUSES * sizeof(unsigned long long)) != 0)
		return -1;
	p->table.fold_case = 1;
	p->reasons = calloc(capacity * (size_t)reason_count, sizeof(*p->reasons));
	if (keep_delays)
		p->delays = calloc(capacity, sizeof(*p->delays));
	return p->reasons == NULL || (keep_delays && p->delays == NULL) ? -1 : 0;
}

static void party_free(struct party_table *p)
{
	topk_free(&p->table);
	free(p->reasons);
	free(p->delays);
}

static size_t limit_or(size_t value, size_t fallback)
{
	return value > 0 ? value : fallback;
}

struct summary *summary_create_limited(int top, const struct summary_limits *limits)
{
	static const struct summary_limits defaults = {4096, 4096, 4096, 32768, 131072, 4096, 5};
	struct summary_limits l = limits != NULL ? *limits : defaults;
	struct summary *s = calloc(1, sizeof(*s));
	int failed;

	if (s == NULL)
		return NULL;
	hash_seed_init();
	s->top = top < 0 ? 0 : top;
	s->reason_count = smtpclass_reason_count();
	s->action_count = smtpclass_action_count();
	s->remove_action = smtpclass_action_from_name("remove-address", 14);
	if (s->reason_count > 128 || s->action_count > 64) {
		free(s);
		return NULL; /* group_tag() has room for 128 reasons and 64 actions */
	}
	s->group_domains = limit_or(l.group_domains, defaults.group_domains);
	if (s->group_domains > GROUP_DOMAINS_MAX)
		s->group_domains = GROUP_DOMAINS_MAX;
	failed = party_init(&s->domains, limit_or(l.domains, defaults.domains), s->reason_count, 1);
	failed |= party_init(&s->hosts, limit_or(l.hosts, defaults.hosts), s->reason_count, 0);
	failed |=
	    party_init(&s->inbound.clients, limit_or(l.hosts, defaults.hosts), s->reason_count, 0);
	failed |= party_init(&s->inbound.domains, limit_or(l.domains, defaults.domains),
	                     s->reason_count, 0);
	failed |= topk_init(&s->groups, limit_or(l.groups, defaults.groups), TEMPLATE_MAX,
	                    TEMPLATE_MAX, sizeof(struct group_info));
	failed |= topk_init(&s->inbound.groups, limit_or(l.groups, defaults.groups), TEMPLATE_MAX,
	                    TEMPLATE_MAX, sizeof(struct group_info));
	failed |= topk_init(&s->warnings.clients, limit_or(l.hosts, defaults.hosts),
	                    WARNING_NAME_MAX, WARNING_NAME_MAX, 0);
	failed |= topk_init(&s->warnings.hosts, limit_or(l.hosts, defaults.hosts), WARNING_NAME_MAX,
	                    WARNING_NAME_MAX, 0);
	failed |= topk_init(&s->warnings.sessions, 256, WARNING_NAME_MAX, WARNING_NAME_MAX, 0);
	failed |= topk_init(&s->senders.senders, limit_or(l.domains, defaults.domains),
	                    NAME_MAX_BYTES, NAME_INLINE, 0);
	failed |= topk_init(&s->senders.domains, limit_or(l.domains, defaults.domains),
	                    NAME_MAX_BYTES, NAME_INLINE, 0);
	failed |= topk_init(&s->senders.seen, limit_or(l.deferred, defaults.deferred), 0, 0, 0);
	s->senders.senders.fold_case = 1;
	s->senders.domains.fold_case = 1;
	s->warnings.clients.fold_case = 1;
	s->warnings.hosts.fold_case = 1;
	failed |= addrset_init(&s->addresses, limit_or(l.addresses, defaults.addresses));
	failed |= topk_init(&s->deferred, limit_or(l.deferred, defaults.deferred), 0, 0, 0);
	failed |= topk_init(&s->hours, limit_or(l.hours, defaults.hours), 0, 0,
	                    STATUS_COUNT * sizeof(unsigned long long));
	s->reasons = calloc((size_t)s->reason_count, sizeof(*s->reasons));
	s->actions = calloc((size_t)s->action_count, sizeof(*s->actions));
	s->address_filter = calloc(ADDRESS_FILTER_BITS / 64, sizeof(*s->address_filter));
	s->inbound.reasons = calloc((size_t)s->reason_count, sizeof(*s->inbound.reasons));
	s->inbound.actions = calloc((size_t)s->action_count, sizeof(*s->inbound.actions));
	s->word_memo = calloc(WORD_MEMO_SLOTS, sizeof(*s->word_memo));
	if (failed || s->reasons == NULL || s->actions == NULL || s->address_filter == NULL ||
	    s->inbound.reasons == NULL || s->inbound.actions == NULL || s->word_memo == NULL) {
		summary_free(s);
		return NULL;
	}
	return s;
}

struct summary *summary_create(int top)
{
	return summary_create_limited(top, NULL);
}

void summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	party_free(&s->domains);
	party_free(&s->hosts);
	party_free(&s->inbound.clients);
	party_free(&s->inbound.domains);
	free(s->inbound.reasons);
	free(s->inbound.actions);
	topk_free(&s->groups);
	topk_free(&s->inbound.groups);
	topk_free(&s->warnings.clients);
	topk_free(&s->warnings.hosts);
	topk_free(&s->warnings.sessions);
	topk_free(&s->senders.senders);
	topk_free(&s->senders.domains);
	topk_free(&s->senders.seen);
	addrset_free(&s->addresses);
	topk_free(&s->deferred);
	topk_free(&s->hours);
	free(s->reasons);
	free(s->actions);
	free(s->address_filter);
	free(s->word_memo);
	free(s);
}

int table_capped(const struct summary *s, enum table_id id)
{
	static const size_t offsets[T_COUNT] = {offsetof(struct summary, domains.table),
	                                        offsetof(struct summary, hosts.table),
	                                        offsetof(struct summary, groups),
	                                        0,
	                                        offsetof(struct summary, deferred),
	                                        offsetof(struct summary, hours),
	                                        offsetof(struct summary, inbound.clients.table),
	                                        offsetof(struct summary, inbound.domains.table),
	                                        offsetof(struct summary, inbound.groups),
	                                        offsetof(struct summary, warnings.clients),
	                                        offsetof(struct summary, warnings.hosts),
	                                        offsetof(struct summary, warnings.sessions),
	                                        offsetof(struct summary, senders.senders),
	                                        offsetof(struct summary, senders.domains),
	                                        offsetof(struct summary, senders.seen)};
	const struct topk *t = (const struct topk *)((const char *)s + offsets[id]);

	if ((s->capped & (1u << id)) != 0)
		return 1;
	return id == T_ADDRESSES ? s->addresses.refused > 0 : t->evicted > 0;
}

int is_approximate(const struct summary *s)
{
	for (int id = 0; id < T_COUNT; id++)
		if (table_capped(s, (enum table_id)id))
			return 1;
	return 0;
}

unsigned long long summary_addresses_refused(const struct summary *s, int *out_of_memory)
{
	*out_of_memory = s->addresses.out_of_memory;
	return s->addresses.refused;
}

int summary_approximate(const struct summary *s)
{
	return is_approximate(s);
}

void summary_set_incomplete(struct summary *s, const char *why)
{
	s->incomplete = why;
}

int summary_merged(const struct summary *s)
{
	return s->merged;
}

size_t party_add(struct party_table *p, const char *name, size_t len, unsigned long long weight,
                 unsigned long long error)
{
	char buf[NAME_MAX_BYTES];
	smtpclass_span key = table_name(name, len, buf, sizeof(buf));
	int fresh;

	return topk_add(&p->table, hash_folded(key.ptr, key.len), 0, key.ptr, key.len, weight,
	                error, &fresh);
}
/* Counts a record for a domain or host: statuses, and reasons of
 * failures; returns the entry. */
static size_t party_count(struct summary *s, struct party_table *p, const char *name, size_t len,
                          uint64_t hash, int status, int reason, int failure)
{
	size_t i = topk_count_name(&p->table, hash, name, len);

	party_add_status(p, i, status, 1);
	if (failure)
		party_reasons_to_count(s, p, i)[reason]++;
	return i;
}

/* Adds count to a group's domain, keeping the heaviest few (Space-Saving). */
void group_domain_add(struct group_info *g, size_t slots, const char *name, size_t len,
                      unsigned long long count, unsigned long long error)
{
	size_t smallest = 0;
	char buf[GROUP_DOMAIN_NAME_MAX];
	smtpclass_span key = table_name(name, len, buf, sizeof(buf));

	name = key.ptr;
	len = key.len;
	for (size_t i = 0; i < g->domain_count; i++) {
		struct group_domain *d = &g->domains[i];

		if (d->len == len && memcmp(d->name, name, len) == 0) {
			d->count += count;
			d->error += error;
			return;
		}
		if (d->count < g->domains[smallest].count)
			smallest = i;
	}
	if (g->domain_count < slots) {
		smallest = g->domain_count++;
		g->domains[smallest].count = 0;
		g->domains[smallest].error = 0;
	} else {
		g->domains[smallest].error = g->domains[smallest].count;
	}
	g->domains[smallest].count += count;
	g->domains[smallest].error += error;
	g->domains[smallest].len = (unsigned char)len;
	memcpy(g->domains[smallest].name, name, len);
}

/* Writes value as "%d" does, without the cost of snprintf() on every
 * failed record (its reply code). */
static void put_int(struct text_buffer *o, int value)
{
	char digits[DECIMAL_MAX];
	size_t at = decimal_digits(digits, value);

	put_bytes(o, digits + at, sizeof(digits) - at);
}

/* The reply as people read it: code, enhanced code and text, one line. */
static size_t reply_line(const struct summary_record *r, char *out, size_t size)
{
	struct text_buffer o = {out, size, 0, 0};

	if (r->reply_code != 0)
		put_int(&o, r->reply_code);
	if (r->reply_enhanced.ptr != NULL) {
		if (o.len > 0)
			put_char(&o, ' ');
		put_bytes(&o, r->reply_enhanced.ptr, r->reply_enhanced.len);
	}
	for (size_t i = 0; i < r->segment_count; i++) {
		size_t start;

		if (o.len > 0)
			put_char(&o, ' ');
		start = o.len;
		put_bytes(&o, r->segments[i].ptr, r->segments[i].len);
		for (size_t k = start; k < o.len; k++)
			if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
				out[k] = ' ';
	}
	return o.full ? utf8_trim(out, o.len) : o.len;
}

/* The template of a reply: its codes as written, then its templated text. */
static size_t reply_template(const struct summary_record *r, char *out, size_t size,
                             struct word_memo *memo)
{
	struct text_buffer o = {out, size, 0, 0};

	if (r->reply_code != 0)
		put_int(&o, r->reply_code);
	if (r->reply_enhanced.ptr != NULL) {
		if (o.len > 0)
			put_char(&o, ' ');
		put_bytes(&o, r->reply_enhanced.ptr, r->reply_enhanced.len);
	}
	for (size_t i = 0; i < r->segment_count && !o.full; i++) {
		size_t before = o.len, n;

		if (o.len > 0)
			put_char(&o, ' ');
		n = template_text(r->segments[i].ptr, r->segments[i].len, out + o.len, size - o.len,
		                  memo);
		o.len = n > 0 ? o.len + n : before;
		o.full = o.len == size;
	}
	return o.len;
}

size_t group_add(struct topk *groups, const char *template, size_t len, uint16_t tag,
                 unsigned long long weight, unsigned long long error, int *fresh)
{
	char buf[TEMPLATE_MAX];
	smtpclass_span key = table_name(template, len, buf, sizeof(buf));
	uint64_t h = hash_bytes(HASH_SEED, key.ptr, key.len);
	size_t i = topk_add(groups, h ^ mix(tag + 1), tag, key.ptr, key.len, weight, error, fresh);

	return i;
}

void group_example_set(struct group_info *g, const char *text, size_t len)
{
	smtpclass_span kept = table_name(text, len, g->example, sizeof(g->example));

	memmove(g->example, kept.ptr, kept.len);
	g->example_len = (unsigned short)kept.len;
}

/* Counts a failure in its reply group of a groups table; domain (for an
 * inbound group, the client) is as the tables keep it. */
static void group_count(struct summary *s, struct topk *groups, const struct summary_record *r,
                        smtpclass_span domain)
{
	char template[TEMPLATE_MAX];
	size_t len = reply_template(r, template, sizeof(template), s->word_memo);
	int fresh;
	size_t i = group_add(groups, template, len,
	                     group_tag(r->result_verdict, r->result_reason, r->result_action), 1, 0,
	                     &fresh);
	struct group_info *g = group_in(groups, i);

	if (fresh) {
		char line[EXAMPLE_MAX];

		group_example_set(g, line, reply_line(r, line, sizeof(line)));
	}
	if (domain.len > 0) {
		char name[GROUP_DOMAIN_NAME_MAX];
		smtpclass_span cut = table_name(domain.ptr, domain.len, name, sizeof(name));

		for (size_t k = 0; k < cut.len; k++)
			name[k] = lower(cut.ptr[k]);
		group_domain_add(g, s->group_domains, name, cut.len, 1, 0);
	}
}

/* A recipient whose latest outcome may be remembered. */
struct address_key {
	smtpclass_span text; /* in the log line; empty when it is not an address */
	uint64_t hash;
};

/* The word of the address filter that holds the bit of a recipient. */
static uint64_t *address_filter_word(const struct summary *s, uint64_t hash)
{
	return &s->address_filter[(hash >> (64 - ADDRESS_FILTER_SHIFT)) / 64];
}

/* Whether a recipient is tracked: failed ones (their bit is set now), and
 * sent ones that may have failed before (their bit is set). */
static int address_tracked(struct summary *s, const struct address_key *key, int verdict)
{
	uint64_t *word = address_filter_word(s, key->hash);
	uint64_t bit = 1ull << (key->hash >> (64 - ADDRESS_FILTER_SHIFT)) % 64;

	if (key->text.len == 0)
		return 0;
	if (verdict == SMTPCLASS_VERDICT_SOFT || verdict == SMTPCLASS_VERDICT_HARD) {
		*word |= bit;
		return 1;
	}
	return (*word & bit) != 0;
}

/* Remembers the latest outcome of a recipient; a success only updates a
 * recipient that failed before. */
static void address_count(struct summary *s, const struct address_key *key, int verdict, int remove,
                          uint64_t time)
{
	struct address_info *a;

	if (verdict == SMTPCLASS_VERDICT_SOFT || verdict == SMTPCLASS_VERDICT_HARD)
		a = addrset_add(&s->addresses, key->hash, key->text.ptr, key->text.len);
	else
		a = addrset_find(&s->addresses, key->hash, key->text.ptr, key->text.len);
	if (a == NULL)
		return;
	if (verdict == SMTPCLASS_VERDICT_HARD)
		a->hard = 1;
	if (time != 0 && a->time != 0 && time < a->time)
		return; /* an older outcome, from a file read out of order */
	a->time = time;
	a->verdict = (unsigned char)verdict;
	a->remove = (unsigned char)remove;
}

/* Deferred messages are told apart by queue id and recipient. */
static uint64_t deferred_hash(const struct summary_record *r)
{
	uint64_t h = hash_bytes(HASH_SEED, r->log_queue_id.ptr,
	                        r->log_queue_id.ptr != NULL ? r->log_queue_id.len : 0);

	return hash_bytes(h, r->log_recipient.ptr,
	                  r->log_recipient.ptr != NULL ? r->log_recipient.len : 0);
}

size_t hour_add(struct summary *s, uint64_t key, unsigned long long weight,
                unsigned long long error)
{
	int fresh;

	return topk_add(&s->hours, key, 0, NULL, 0, weight, error, &fresh);
}

static void time_point_set(struct time_point *p, uint64_t key, const char *text, size_t len)
{
	smtpclass_span kept = table_name(text, len, p->text, sizeof(p->text));

	p->key = key;
	p->len = kept.len;
	memmove(p->text, kept.ptr, kept.len);
}

/* Widens the time span to cover a stamp. */
void span_cover(struct summary *s, uint64_t key, const char *text, size_t len)
{
	if (s->first.key == 0 || key < s->first.key)
		time_point_set(&s->first, key, text, len);
	if (s->last.key == 0 || key >= s->last.key)
		time_point_set(&s->last, key, text, len);
}

/* Counts a record in its hour and widens the time span; returns the time
 * key of its stamp, or 0 when it has none. */
static uint64_t count_time(struct summary *s, smtpclass_span time, int status)
{
	size_t entry;

	if (time.len == 0 || time.len != s->last_time_len ||
	    memcmp(time.ptr, s->last_time, time.len) != 0) {
		struct stamp stamp;

		s->last_time_len = 0;
		if (!timestamp_parse(time.ptr, time.len, &stamp))
			return 0;
		s->last_time_key = time_key(&stamp);
		s->last_hour_key = hour_key(&stamp);
		span_cover(s, s->last_time_key, time.ptr, time.len);
		if (time.len <= sizeof(s->last_time)) {
			memcpy(s->last_time, time.ptr, time.len);
			s->last_time_len = time.len;
		}
	}
	entry = s->last_hour_entry;
	if (entry < s->hours.used && topk_entry(&s->hours, entry)->hash == s->last_hour_key)
		topk_bump(&s->hours, entry, 1);
	else
		entry = s->last_hour_entry = hour_add(s, s->last_hour_key, 1, 0);
	hour_status(s, entry)[status]++;
	return s->last_time_key;
}

/* Whether the record's result takes the address off the list: the library
 * decides (action and confidence, data/actions.tsv), so --addresses=remove
 * and smtpclass -e agree. */
static int record_removes_address(const struct summary_record *r)
{
	smtpclass_result result;

	memset(&result, 0, sizeof(result));
	result.verdict = (smtpclass_verdict)r->result_verdict;
	result.action = r->result_action;
	result.confidence = (smtpclass_confidence)r->result_confidence;
	return smtpclass_result_removes_address(&result);
}

/*
 * A record of mail this server refused: its reason and action, the client
 * (the log's relay field of a reject) and the recipient domain, in the
 * inbound tables.  Rejects are few next to deliveries, so no prefetching;
 * their recipients are not ours to clean, so no address list either.
 */
static void inbound_count(struct summary *s, const struct summary_record *r, int reason)
{
	struct inbound *in = &s->inbound;
	char domain_buf[NAME_MAX_BYTES], client_buf[NAME_MAX_BYTES];
	smtpclass_span domain = domain_span(r->log_domain, domain_buf);
	smtpclass_span client = host_span(r->log_relay, client_buf);

	in->records++;
	in->reasons[reason]++;
	if (r->result_action >= 0 && r->result_action < s->action_count)
		in->actions[r->result_action]++;
	count_time(s, r->log_time, SMTPCLASS_STATUS_REJECTED);
	if (domain.len > 0)
		party_count(s, &in->domains, domain.ptr, domain.len,
		            hash_folded(domain.ptr, domain.len), SMTPCLASS_STATUS_REJECTED, reason,
		            1);
	if (client.len > 0)
		party_count(s, &in->clients, client.ptr, client.len,
		            hash_folded(client.ptr, client.len), SMTPCLASS_STATUS_REJECTED, reason,
		            1);
	group_count(s, &in->groups, r, client);
}

/*
 * Counters first; a record this server refused then goes to the inbound
 * tables (one branch), any other to the reply group and then the tables
 * keyed by name.  The names are hashed straight from the log line (in lower case, without a
 * copy), and the slots and entries a record needs are requested before
 * they are used: the log streaming through the cache (and the rule
 * automaton of the classifier) leave the tables cold.  A record that is
 * no failure needs the first cache line of its entries, a failure the
 * second one too.
 */
size_t warning_add(struct topk *table, int kind, const char *name, size_t len,
                   unsigned long long weight, unsigned long long error)
{
	char buf[WARNING_NAME_MAX];
	smtpclass_span key = table_name(name, len, buf, sizeof(buf));
	int fresh;

	return topk_add(table, hash_folded(key.ptr, key.len), (uint16_t)kind, key.ptr, key.len,
	                weight, error, &fresh);
}

size_t sender_add(struct topk *table, const char *name, size_t len, unsigned long long messages,
                  unsigned long long bytes, unsigned long long error)
{
	char buf[NAME_MAX_BYTES];
	smtpclass_span key = table_name(name, len, buf, sizeof(buf));
	int fresh;
	size_t i = topk_add(table, hash_folded(key.ptr, key.len), 0, key.ptr, key.len, messages,
	                    error, &fresh);

	topk_entry(table, i)->tally += bytes;
	return i;
}

/* A message entering the queue, once per queue id: its sender, its
 * sender's domain and its size. */
static void queued_count(struct summary *s, const struct summary_record *r)
{
	struct senders *q = &s->senders;
	unsigned long long size = 0;
	smtpclass_span sender = r->log_sender;
	const char *at;
	int fresh = 1;

	if (r->log_queue_id.len > 0) {
		uint64_t hash = hash_folded(r->log_queue_id.ptr, r->log_queue_id.len);

		if (topk_find(&q->seen, hash, 0, NULL, 0) >= 0)
			return; /* queued again after a deferral: counted already */
		topk_add(&q->seen, hash, 0, NULL, 0, 1, 0, &fresh);
	}
	for (size_t i = 0; i < r->log_size.len && i < 15; i++) /* below 10^15 bytes */
		size = size * 10 + (unsigned long long)(r->log_size.ptr[i] - '0');
	q->messages++;
	q->bytes += size;
	if (size > q->largest)
		q->largest = size;
	if (sender.len == 0) {
		sender_add(&q->senders, "<>", 2, 1, size, 0);
		return;
	}
	sender_add(&q->senders, sender.ptr, sender.len, 1, size, 0);
	for (at = sender.ptr + sender.len; at > sender.ptr && at[-1] != '@'; at--)
		;
	at = at > sender.ptr ? at - 1 : NULL; /* the last '@' */
	if (at != NULL && at + 1 < sender.ptr + sender.len)
		sender_add(&q->domains, at + 1, (size_t)(sender.ptr + sender.len - at - 1), 1, size,
		           0);
}

/* A connection event: by kind, and by client, host or command. */
static void warning_count(struct summary *s, const struct summary_record *r)
{
	struct warnings *w = &s->warnings;
	int kind = r->log_event;

	if (kind == SMTPCLASS_EVENT_QUEUED) {
		queued_count(s, r);
		return;
	}
	w->counts[kind]++;
	if (kind == SMTPCLASS_EVENT_AUTH_FAILED)
		warning_add(&w->clients, 0, r->log_relay.ptr, r->log_relay.len, 1, 0);
	else if (kind == SMTPCLASS_EVENT_TLS_FAILED)
		warning_add(&w->hosts, 0, r->log_relay.ptr, r->log_relay.len, 1, 0);
	else
		warning_add(&w->sessions, kind, r->log_command.ptr, r->log_command.len, 1, 0);
}

void summary_count(struct summary *s, const struct summary_record *r)
{
	int status = r->has_log && (unsigned)r->log_status < STATUS_COUNT ? r->log_status : 0;
	int verdict = (unsigned)r->result_verdict < VERDICT_COUNT ? r->result_verdict : 0;
	int reason =
	    r->result_reason >= 0 && r->result_reason < s->reason_count ? r->result_reason : 0;
	int failure = status != SMTPCLASS_STATUS_SENT &&
	              (verdict == SMTPCLASS_VERDICT_SOFT || verdict == SMTPCLASS_VERDICT_HARD ||
	               verdict == SMTPCLASS_VERDICT_UNKNOWN);
	smtpclass_span domain = {NULL, 0}, host;
	char domain_buf[NAME_MAX_BYTES], host_buf[NAME_MAX_BYTES];
	uint64_t domain_hash, host_hash, time;
	struct address_key address = {{NULL, 0}, 0};
	int tracked, fresh;
	size_t domain_entry = 0;
	unsigned long long delay;

	if (r->has_log && r->log_event > 0 && r->log_event < EVENT_COUNT) {
		warning_count(s, r); /* no record: an event of a session */
		return;
	}
	s->records++;
	s->status[status]++;
	s->verdicts[verdict]++;
	s->reasons[reason]++;
	if (r->result_action >= 0 && r->result_action < s->action_count)
		s->actions[r->result_action]++;
	if (status == SMTPCLASS_STATUS_REJECTED) {
		inbound_count(s, r, reason);
		return;
	}
	if (r->has_log)
		domain = domain_span(r->log_domain, domain_buf);
	if (failure)
		group_count(s, &s->groups, r, domain);
	if (!r->has_log)
		return;

	address.text = address_span(r->log_recipient);
	if (address.text.len > 0)
		address.hash = hash_folded(address.text.ptr, address.text.len);
	tracked = address_tracked(s, &address, verdict);
	if (tracked)
		PREFETCH(addrset_home(&s->addresses, address.hash));
	domain_hash = hash_folded(domain.ptr, domain.len);
	PREFETCH(topk_home_slot(&s->domains.table, domain_hash));
	host = host_span(r->log_relay, host_buf);
	host_hash = hash_folded(host.ptr, host.len);
	PREFETCH(topk_home_slot(&s->hosts.table, host_hash));
	time = count_time(s, r->log_time, status);
	if (domain.len > 0) {
		const char *entry = topk_home_entry(&s->domains.table, domain_hash);

		PREFETCH(entry);
		if (failure)
			PREFETCH(entry + 64);
	}
	if (host.len > 0) {
		const char *entry = topk_home_entry(&s->hosts.table, host_hash);

		PREFETCH(entry);
		if (failure)
			PREFETCH(entry + 64);
	}

	if (domain.len > 0)
		domain_entry = party_count(s, &s->domains, domain.ptr, domain.len, domain_hash,
		                           status, reason, failure);
	/* Queue times are of deliveries: a deferral's says only how long the
	 * message has waited so far. */
	if (status == SMTPCLASS_STATUS_SENT && r->log_delay.len > 0 &&
	    delay_parse_ms(r->log_delay.ptr, r->log_delay.len, &delay)) {
		delay_add(&s->delays, delay);
		if (domain.len > 0)
			delay_add(party_delays_to_count(&s->domains, domain_entry), delay);
	}
	if (host.len > 0)
		party_count(s, &s->hosts, host.ptr, host.len, host_hash, status, reason, failure);
	if (status == SMTPCLASS_STATUS_DEFERRED &&
	    (r->log_queue_id.ptr != NULL || r->log_recipient.ptr != NULL))
		topk_add(&s->deferred, deferred_hash(r), 0, NULL, 0, 1, 0, &fresh);
	if (tracked)
		address_count(s, &address, verdict, record_removes_address(r), time);
}

void summary_add(struct summary *s, const struct record *record)
{
	struct summary_record r;

	summary_record_from(&r, record);
	summary_count(s, &r);
}
