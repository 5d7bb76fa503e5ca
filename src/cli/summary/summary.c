/*
 * summary.c: summary mode, the morning report on failed mail.
 *
 * Design.  Every classified record goes through summary_add() once and is
 * counted in a few fixed-size tables: totals by status, verdict, reason and
 * action; recipient domains; remote hosts; reply groups (one per reply
 * template); hours; failed recipients (for --addresses) and deferred
 * messages (to count them apart from deferral events).  Memory is decided
 * when the summary is created and does not grow with the input:
 *
 *   - Each keyed table is a Space-Saving table (Metwally, Agrawal and El
 *     Abbadi, 2005): a fixed array of entries, an open-addressing index for
 *     O(1) lookups and a lazy min-heap on the counts.  A new key that finds
 *     the table full replaces the entry with the smallest count and inherits
 *     that count as its error, so heavy keys are kept and every count is an
 *     upper bound off by at most its error.  Any replacement marks the
 *     summary approximate, and the report says so.
 *   - Reply texts are grouped by template, which summary_template() makes
 *     in one pass with a hand-written byte scanner: plain words are copied
 *     as they are, and the other words are classified by their bytes (all
 *     digits, dotted quad, colon-hex, dotted host name, letters mixed with
 *     digits, ...); variable ones become placeholders.  No regular
 *     expressions.  The templates of such words are remembered (a block
 *     list's name, a help URL come back in many replies).
 *   - Records cost little: names (domains, hosts, addresses) are hashed
 *     straight from the log line in lower case, without copies; the table
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
 * The JSON form holds the same content as the text report and can be read
 * back by summary_merge_json(), a small strict JSON reader (RFC 8259) that
 * builds a token array over the document and then walks it twice: once to
 * check every type, once to add.  A bad document changes nothing.
 */
#include "summary.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpclass.h"

#define STATUS_COUNT  6 /* smtpclass_log_status, NONE included */
#define VERDICT_COUNT 5 /* smtpclass_verdict */

/* Longest kept texts, in bytes.  An RFC 5321 path is at most 256 octets,
 * so 255 holds any real address or domain. */
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
enum table_id { T_DOMAINS, T_HOSTS, T_GROUPS, T_ADDRESSES, T_DEFERRED, T_HOURS, T_COUNT };
static const char *const table_names[T_COUNT] = {"domains",   "hosts",    "groups",
                                                 "addresses", "deferred", "hours"};

static const char *const status_keys[STATUS_COUNT] = {NULL,      "sent",    "deferred",
                                                      "bounced", "expired", "rejected"};

/* ---- Hashing -------------------------------------------------------------- */

#define HASH_SEED       0x243f6a8885a308d3ull
#define HASH_MULTIPLIER 0x9e3779b97f4a7c15ull

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* An 8-byte word with its ASCII capitals turned to lower case, all eight
 * bytes at once: bit 7 of (b + 0x3f) says b >= 'A', of (b + 0x25) says
 * b > 'Z'; bytes from 0x80 are left alone. */
static uint64_t lower_word(uint64_t word)
{
	uint64_t low = word & 0x7f7f7f7f7f7f7f7full;
	uint64_t capitals = ((low + 0x3f3f3f3f3f3f3f3full) ^ (low + 0x2525252525252525ull)) &
	                    ~word & 0x8080808080808080ull;

	return word | capitals >> 2;
}

/* Loads the n < 8 bytes of s into a word, the rest zero, with overlapping
 * loads instead of a byte loop (names end in such a tail and are hashed and
 * compared on every record): 4 bytes from each end, or bytes 0, n/2 and
 * n-1; a byte loaded twice lands in the same place. */
static uint64_t load_tail(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t first, last;

	if (n >= 4) {
		memcpy(&first, s, 4);
		memcpy(&last, s + n - 4, 4);
		return first | (uint64_t)last << (8 * (n - 4));
	}
	if (n == 0)
		return 0;
	return u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
}

/* Hashes s[0..len) eight bytes at a time with a multiply and a shift: keys
 * are hashed once per record, so a byte-at-a-time hash would show.  The
 * table index mixes the result again. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t len)
{
	uint64_t word;

	h ^= len * HASH_MULTIPLIER;
	while (len >= 8) {
		memcpy(&word, s, 8);
		h = (h ^ word) * HASH_MULTIPLIER;
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	if (len > 0) {
		h = (h ^ load_tail(s, len)) * HASH_MULTIPLIER;
		h ^= h >> 32;
	}
	return h;
}

/* The last word of s[0..len), which holds its last len % 8 bytes: for a
 * name of eight bytes or more, its last eight bytes (one load, overlapping
 * the word before); for a shorter one, its bytes. */
static uint64_t last_word(const char *s, size_t len)
{
	uint64_t word;

	if (len < 8)
		return load_tail(s, len);
	memcpy(&word, s + len - 8, 8);
	return word;
}

/*
 * A hash of s[0..len) that ignores case: names (domains, hosts, addresses)
 * are hashed straight from the log line, without a lower-case copy.  Bit 5
 * of every byte is set rather than capitals made lower case: names that
 * are equal in lower case stay equal (a capital's bit 5 is what sets it
 * apart from its lower case), and it costs one OR per word; the few other
 * bytes it merges ('@' and '`') are told apart by the comparison of keys.
 */
static uint64_t hash_folded(const char *s, size_t len)
{
	const uint64_t case_bits = 0x2020202020202020ull;
	uint64_t h = HASH_SEED ^ len * HASH_MULTIPLIER, word;
	size_t k;

	for (k = 0; k + 8 <= len; k += 8) {
		memcpy(&word, s + k, 8);
		h = (h ^ (word | case_bits)) * HASH_MULTIPLIER;
		h ^= h >> 32;
	}
	if (k < len) {
		h = (h ^ (last_word(s, len) | case_bits)) * HASH_MULTIPLIER;
		h ^= h >> 32;
	}
	return h;
}

/* Whether raw[0..len) in lower case equals folded[0..len) (lower case).
 * Inline: it runs for two names of every record. */
static inline int equal_folded(const char *folded, const char *raw, size_t len)
{
	uint64_t a, b;
	size_t k;

	/* Names are mostly written in lower case: a word equal as it is needs
	 * no folding. */
	for (k = 0; k + 8 <= len; k += 8) {
		memcpy(&a, folded + k, 8);
		memcpy(&b, raw + k, 8);
		if (a != b && a != lower_word(b))
			return 0;
	}
	if (k == len)
		return 1;
	a = last_word(folded, len);
	b = last_word(raw, len);
	return a == b || a == lower_word(b);
}

/* Spreads a hash (or a small number used as one) over the bucket bits. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* ---- Space-Saving tables -------------------------------------------------- */

/*
 * A table of at most capacity entries.  An entry is identified by its hash,
 * a tag (a small number, such as the verdict of a reply group) and its key
 * text; with key_max 0 the hash alone is the key.  An entry starts on a
 * cache line with its hash, count, a tally for the caller and its key
 * (the first 32 bytes of it in that line), then its error and
 * payload_size bytes of the caller's data (zeroed, like the tally, when
 * topk_add() reports a fresh entry).  So a lookup that finds its key and
 * bumps the count and tally reads and writes one line: the log streaming
 * through the cache (and the rule automaton of the classifier) evict the
 * tables all the time, and most records only do that.
 *
 * Memory is reserved for the full capacity when the table is created but
 * only touched as entries are used (the allocations are large, so they
 * come straight from the kernel, zeroed, and a page costs nothing until it
 * is written).  That shapes the layout, since a page touched for the first
 * time costs a fault and a page clearing, more than the work of many
 * records:
 *   - an entry keeps key_inline bytes of key, so that names (most shorter
 *     than 48 bytes) fill two cache lines rather than six; a longer key
 *     goes to the entry's own place in a spill area, touched only by them;
 *   - the index starts small and doubles (rebuilt from the entries, which
 *     hold every hash) whenever it would be more than half full, so a
 *     table holding few keys touches a few pages of it, not all of them.
 *
 * The index is open addressing with linear probing, at most half full; a
 * slot holds 32 bits of the mixed hash (its low bits are the home slot)
 * next to the entry number, so probing past other keys reads no entry and
 * a lookup reads one slot and then the entry, which it needs anyway.
 *
 * The minimum is found with a lazy min-heap: heap entries are ordered by
 * the count they had when they were placed, and a count that grows leaves
 * the heap alone.  Counts only grow, so when the top's count still equals
 * its placed count it is the true minimum; otherwise it is placed again and
 * the next top is tried.  A hit costs no heap work.
 */
struct topk_slot {
	uint32_t check; /* the low 32 bits of mix(hash) */
	uint32_t entry; /* entry + 1, 0 when the slot is free */
};

/* The head of an entry; then come key_inline bytes of key, the error and
 * payload_size bytes of the caller's data. */
struct topk_entry {
	uint64_t hash;
	unsigned long long count;
	unsigned long long tally; /* the caller's, zeroed in a fresh entry */
	uint16_t key_len, tag;
	uint32_t mark; /* the caller's, zeroed in a fresh entry */
};

#define TOPK_HEADER sizeof(struct topk_entry)

/* Slots of a new index (it grows up to twice the capacity). */
#define TOPK_FIRST_INDEX 64

/* A heap item: an entry and the count it had when it was placed, kept here
 * so that sifting reads no entry. */
struct topk_heap_item {
	unsigned long long placed;
	uint32_t entry;
};

struct topk {
	size_t capacity, used, key_max, key_inline, payload_size, entry_size;
	size_t error_offset;        /* of the error in an entry; the payload follows it */
	size_t mask;                /* slots in use - 1 */
	size_t index_size;          /* slots allocated: twice the capacity or more */
	int fold_case;              /* keys are names: compared in lower case, kept in lower case */
	unsigned long long fresh;   /* keys inserted: distinct keys while nothing was evicted */
	unsigned long long evicted; /* entries replaced */
	char *block;                /* the allocation that holds the entries */
	char *entries;              /* capacity * entry_size, from a cache line */
	char *spill;                /* capacity * key_max: keys longer than key_inline */
	struct topk_heap_item *heap; /* a min-heap on placed */
	struct topk_slot *slots;     /* index_size of them, mask + 1 in use */
};

/* A table whose entries keep key_inline bytes of key (more when that
 * fills their last cache line); keys up to key_max bytes. */
static int topk_init(struct topk *t, size_t capacity, size_t key_max, size_t key_inline,
                     size_t payload_size)
{
	size_t slots = 16, fixed;

	memset(t, 0, sizeof(*t));
	if (capacity == 0 || capacity > UINT32_MAX / 4 || key_max > UINT16_MAX)
		return -1;
	while (slots < capacity * 2)
		slots *= 2;
	t->capacity = capacity;
	t->key_max = key_max;
	t->payload_size = (payload_size + 7) / 8 * 8;
	fixed = TOPK_HEADER + sizeof(unsigned long long) + t->payload_size;
	if (key_inline > key_max)
		key_inline = key_max;
	key_inline = (key_inline + 7) / 8 * 8;
	t->entry_size = key_max == 0 ? fixed : (fixed + key_inline + 63) / 64 * 64;
	t->key_inline = key_max == 0 ? 0 : t->entry_size - fixed;
	if (t->key_inline > key_max)
		t->key_inline = key_max;
	t->error_offset = TOPK_HEADER + (t->key_inline + 7) / 8 * 8;
	t->index_size = slots;
	t->mask = (slots < TOPK_FIRST_INDEX ? slots : TOPK_FIRST_INDEX) - 1;
	if (capacity > (SIZE_MAX - 64) / t->entry_size)
		return -1;
	t->block = calloc(1, capacity * t->entry_size + 64);
	if (t->block != NULL)
		t->entries = t->block + (64 - (uintptr_t)t->block % 64) % 64;
	if (t->key_inline < key_max)
		t->spill = calloc(capacity, key_max);
	t->heap = calloc(capacity, sizeof(*t->heap));
	t->slots = calloc(slots, sizeof(*t->slots));
	return t->block == NULL || (t->key_inline < key_max && t->spill == NULL) ||
	               t->heap == NULL || t->slots == NULL
	           ? -1
	           : 0;
}

static void topk_free(struct topk *t)
{
	free(t->block);
	free(t->spill);
	free(t->heap);
	free(t->slots);
}

static struct topk_entry *topk_entry(const struct topk *t, size_t i)
{
	return (struct topk_entry *)(void *)(t->entries + i * t->entry_size);
}

/* The error of entry i: its count may be that much too high. */
static unsigned long long *topk_error(const struct topk *t, size_t i)
{
	return (unsigned long long *)(void *)(t->entries + i * t->entry_size + t->error_offset);
}

/* The caller's data of entry i. */
static void *topk_payload(const struct topk *t, size_t i)
{
	return t->entries + i * t->entry_size + t->error_offset + sizeof(unsigned long long);
}

/* Where entry i keeps a key of len bytes. */
static char *topk_key_place(const struct topk *t, size_t i, size_t len)
{
	if (len > t->key_inline)
		return t->spill + i * t->key_max;
	return t->entries + i * t->entry_size + TOPK_HEADER;
}

static const char *topk_key(const struct topk *t, size_t i)
{
	return topk_key_place(t, i, topk_entry(t, i)->key_len);
}

/* The index's check value of a hash; its low bits are the home slot. */
static uint32_t topk_check(uint64_t hash)
{
	return (uint32_t)mix(hash);
}

/* The slot of (hash, tag, key), or the free slot where it would go. */
static size_t topk_slot_of(const struct topk *t, uint64_t hash, uint16_t tag, const char *key,
                           size_t len)
{
	uint32_t check = topk_check(hash);
	size_t slot = check & t->mask;

	for (;; slot = (slot + 1) & t->mask) {
		const struct topk_slot *s = &t->slots[slot];
		const struct topk_entry *e;

		if (s->entry == 0)
			return slot;
		if (s->check != check)
			continue;
		e = topk_entry(t, s->entry - 1);
		if (e->hash != hash || e->tag != tag || e->key_len != len)
			continue;
		if (len == 0)
			return slot;
		if (t->fold_case ? equal_folded(topk_key_place(t, s->entry - 1, len), key, len)
		                 : memcmp(topk_key_place(t, s->entry - 1, len), key, len) == 0)
			return slot;
	}
}

/* Returns the entry of (hash, tag, key), or -1. */
static long topk_find(const struct topk *t, uint64_t hash, uint16_t tag, const char *key,
                      size_t len)
{
	if (len > t->key_max)
		len = t->key_max;
	return (long)t->slots[topk_slot_of(t, hash, tag, key, len)].entry - 1;
}

/* Doubles the index and indexes every entry again.  Entries are unique, so
 * each goes to the first free slot from its home. */
static void topk_grow_index(struct topk *t)
{
	size_t size = (t->mask + 1) * 2;

	memset(t->slots, 0, size * sizeof(*t->slots));
	t->mask = size - 1;
	for (size_t i = 0; i < t->used; i++) {
		uint32_t check = topk_check(topk_entry(t, i)->hash);
		size_t slot = check & t->mask;

		while (t->slots[slot].entry != 0)
			slot = (slot + 1) & t->mask;
		t->slots[slot].check = check;
		t->slots[slot].entry = (uint32_t)(i + 1);
	}
}

/*
 * Lookups miss the cache, so records ask for their lines early and use them
 * later (see summary_add()).  PREFETCH is used only in functions with other
 * effects: GCC 12 drops the calls to a function whose only effect is a
 * prefetch, taking it for a call without effect (ipa-modref).
 */
#if defined(__GNUC__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address))
#endif

/* The home slot of hash. */
static const struct topk_slot *topk_home_slot(const struct topk *t, uint64_t hash)
{
	return &t->slots[topk_check(hash) & t->mask];
}

/* The entry in the home slot of hash (most often the entry of hash), or
 * the slot itself when that is free. */
static const void *topk_home_entry(const struct topk *t, uint64_t hash)
{
	const struct topk_slot *slot = topk_home_slot(t, hash);

	if (slot->entry == 0)
		return slot;
	return t->entries + (slot->entry - 1) * t->entry_size;
}

/* Frees the slot of entry i, moving later slots of its probe run back (no
 * tombstones).  The slot is the one from its home that names entry i. */
static void topk_unindex(struct topk *t, size_t i)
{
	size_t hole = topk_check(topk_entry(t, i)->hash) & t->mask;
	size_t slot;

	while (t->slots[hole].entry != i + 1)
		hole = (hole + 1) & t->mask;
	slot = hole;
	for (;;) {
		size_t home;

		slot = (slot + 1) & t->mask;
		if (t->slots[slot].entry == 0)
			break;
		home = t->slots[slot].check & t->mask;
		/* It stays when its home lies cyclically in (hole, slot]. */
		if (hole < slot ? (home > hole && home <= slot) : (home > hole || home <= slot))
			continue;
		t->slots[hole] = t->slots[slot];
		hole = slot;
	}
	t->slots[hole].entry = 0;
}

/* Sifting moves the item along a hole and writes it once, at the end. */
static void heap_up(struct topk *t, size_t i)
{
	struct topk_heap_item item = t->heap[i];

	while (i > 0 && t->heap[(i - 1) / 2].placed > item.placed) {
		t->heap[i] = t->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t->heap[i] = item;
}

static void heap_down(struct topk *t, size_t i)
{
	struct topk_heap_item item = t->heap[i];

	for (;;) {
		size_t left = 2 * i + 1, smallest = i;
		unsigned long long least = item.placed;

		if (left < t->used && t->heap[left].placed < least) {
			smallest = left;
			least = t->heap[left].placed;
		}
		if (left + 1 < t->used && t->heap[left + 1].placed < least)
			smallest = left + 1;
		if (smallest == i)
			break;
		t->heap[i] = t->heap[smallest];
		i = smallest;
	}
	t->heap[i] = item;
}

/* The entry with the smallest count, at the top of the heap. */
static size_t topk_minimum(struct topk *t)
{
	for (;;) {
		unsigned long long count = topk_entry(t, t->heap[0].entry)->count;

		if (t->heap[0].placed == count)
			return t->heap[0].entry;
		t->heap[0].placed = count;
		heap_down(t, 0);
	}
}

/* Adds weight to the count of entry i, found before: the lazy heap needs
 * nothing more. */
static void topk_bump(struct topk *t, size_t i, unsigned long long weight)
{
	topk_entry(t, i)->count += weight;
}

/* Gives entry i its identity, clears its data and indexes it in the free
 * slot found for it. */
static void topk_store_key(struct topk *t, size_t i, size_t slot, uint64_t hash, uint16_t tag,
                           const char *key, size_t len)
{
	struct topk_entry *e = topk_entry(t, i);
	char *stored = topk_key_place(t, i, len);

	e->hash = hash;
	e->tag = tag;
	e->key_len = (uint16_t)len;
	e->mark = 0;
	e->tally = 0;
	memset(topk_payload(t, i), 0, t->payload_size);
	if (!t->fold_case) {
		if (len > 0)
			memcpy(stored, key, len);
	} else if (len >= 8) {
		/* Word by word in lower case, the last word overlapping. */
		uint64_t word;

		for (size_t k = 0; k + 8 <= len; k += 8) {
			memcpy(&word, key + k, 8);
			word = lower_word(word);
			memcpy(stored + k, &word, 8);
		}
		word = lower_word(last_word(key, len));
		memcpy(stored + len - 8, &word, 8);
	} else {
		for (size_t k = 0; k < len; k++)
			stored[k] = lower(key[k]);
	}
	t->slots[slot].check = topk_check(hash);
	t->slots[slot].entry = (uint32_t)(i + 1);
}

/*
 * Adds weight to the count of (hash, tag, key), and error to its error
 * (merges carry errors).  A missing key takes a free entry, or replaces the
 * entry with the smallest count and inherits that count as error; either
 * way its data is zeroed and *fresh is set.  Returns the entry.
 */
static size_t topk_add(struct topk *t, uint64_t hash, uint16_t tag, const char *key, size_t len,
                       unsigned long long weight, unsigned long long error, int *fresh)
{
	size_t slot, i;
	struct topk_entry *e;

	if (len > t->key_max)
		len = t->key_max;
	slot = topk_slot_of(t, hash, tag, key, len);
	if (t->slots[slot].entry != 0) {
		i = t->slots[slot].entry - 1;
		topk_entry(t, i)->count += weight;
		*topk_error(t, i) += error;
		*fresh = 0;
		return i;
	}
	*fresh = 1;
	t->fresh++;
	if (t->used < t->capacity) {
		if ((t->used + 1) * 2 > t->mask + 1 && t->mask + 1 < t->index_size) {
			topk_grow_index(t);
			slot = topk_slot_of(t, hash, tag, key, len);
		}
		i = t->used++;
		e = topk_entry(t, i);
		e->count = weight;
		*topk_error(t, i) = error;
		t->heap[i].placed = weight;
		t->heap[i].entry = (uint32_t)i;
		topk_store_key(t, i, slot, hash, tag, key, len);
		heap_up(t, i);
		return i;
	}
	i = topk_minimum(t);
	topk_unindex(t, i);
	/* Freeing a slot may have moved the free slot found for the new key. */
	slot = topk_slot_of(t, hash, tag, key, len);
	e = topk_entry(t, i);
	*topk_error(t, i) = e->count + error;
	e->count += weight;
	t->heap[0].placed = e->count;
	t->evicted++;
	topk_store_key(t, i, slot, hash, tag, key, len);
	heap_down(t, 0);
	return i;
}

/* ---- Templates ------------------------------------------------------------ */

enum template_class { TC_PUNCT = 0, TC_SPACE, TC_WORD, TC_LETTER };

/* Bytes of a word: TC_LETTER for letters, apostrophe, hyphen and every
 * non-ASCII byte (plain words are made of them and are copied as they
 * are); TC_WORD for digits and the rest of what addresses, host names, ids
 * and URLs are made of.  Control bytes count as white space; the other
 * ASCII punctuation ends a word. */
/* clang-format off */
static const unsigned char template_classes[256] = {
/*      NUL ...                        HT LF VT FF CR                      */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
/*      SP !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /                     */
	1, 2, 0, 2, 2, 2, 2, 3, 0, 0, 2, 2, 0, 3, 2, 2,
/*      0  1  2  3  4  5  6  7  8  9  :  ;  <  =  >  ?                     */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 0, 2,
/*      @  A-O                                                             */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
/*      P-Z                            [  \  ]  ^  _                       */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 2, 2,
/*      `  a-o                                                             */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
/*      p-z                            {  |  }  ~  DEL                     */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1,
	/* 0x80-0xff: letters (UTF-8) */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};
/* clang-format on */

/* A bounded output buffer: writes past its size are dropped. */
struct text_buffer {
	char *buf;
	size_t size, len;
	int full;
};

static void put_bytes(struct text_buffer *o, const char *s, size_t n)
{
	if (n > o->size - o->len) {
		n = o->size - o->len;
		o->full = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_string(struct text_buffer *o, const char *s)
{
	put_bytes(o, s, strlen(s));
}

static void put_char(struct text_buffer *o, char c)
{
	put_bytes(o, &c, 1);
}

/* Writes value as "%d" does, without the cost of snprintf() on every
 * failed record (its reply code). */
static void put_int(struct text_buffer *o, int value)
{
	char digits[DECIMAL_MAX];
	size_t at = decimal_digits(digits, value);

	put_bytes(o, digits + at, sizeof(digits) - at);
}

/* Drops an incomplete UTF-8 sequence left at the end by a cut. */
static size_t utf8_trim(const char *s, size_t len)
{
	size_t start = len, need;
	unsigned char lead;

	while (start > 0 && len - start < 3 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return len;
	lead = (unsigned char)s[start - 1]; /* s[start - 1] leads the last sequence */
	if (lead < 0xc0)
		return len;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return len - (start - 1) < need ? start - 1 : len;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int starts_with_nocase(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)prefix[i])
			return 0;
	}
	return 1;
}

/* What a word part is made of. */
struct shape {
	size_t digits, letters, hex_letters, dots, colons, case_changes;
};

/* Counts byte c of a part in its shape; previous is the byte before it in
 * the part, or 0 for the first. */
static void shape_add(struct shape *s, unsigned char c, unsigned char previous)
{
	if (is_digit(c))
		s->digits++;
	else if (is_alpha(c))
		s->letters++;
	else if (c == '.')
		s->dots++;
	else if (c == ':')
		s->colons++;
	if (is_hex_letter(c))
		s->hex_letters++;
	if (c >= 'A' && c <= 'Z' && previous >= 'a' && previous <= 'z')
		s->case_changes++;
}

/* Counts the digits from p[i]; returns the index after them. */
static size_t skip_digits(const char *p, size_t i, size_t n)
{
	while (i < n && is_digit((unsigned char)p[i]))
		i++;
	return i;
}

/* An enhanced status code such as 5.7.1, kept as written: it is no variable. */
static int is_enhanced_code(const char *p, size_t n)
{
	size_t i, j;

	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] != '.')
		return 0;
	i = skip_digits(p, 2, n);
	if (i == 2 || i - 2 > 3 || i >= n || p[i] != '.')
		return 0;
	j = skip_digits(p, i + 1, n);
	return j == n && j - (i + 1) >= 1 && j - (i + 1) <= 3;
}

/* Four dot-separated groups of 1-3 digits, optionally ":port". */
static int is_ipv4(const char *p, size_t n)
{
	size_t i = 0;

	for (int group = 0; group < 4; group++) {
		size_t end = skip_digits(p, i, n);

		if (end == i || end - i > 3)
			return 0;
		i = end;
		if (group < 3) {
			if (i >= n || p[i] != '.')
				return 0;
			i++;
		}
	}
	if (i < n && p[i] == ':' && skip_digits(p, i + 1, n) == n && i + 1 < n)
		return 1;
	return i == n;
}

/* HH:MM, HH:MM:SS, with optional fractions of a second. */
static int is_clock(const char *p, size_t n)
{
	size_t i = skip_digits(p, 0, n);

	if (i == 0 || i > 2 || i >= n || p[i] != ':')
		return 0;
	for (int group = 0; group < 2 && i < n && p[i] == ':'; group++) {
		size_t end = skip_digits(p, i + 1, n);

		if (end - (i + 1) != 2)
			return 0;
		i = end;
	}
	if (i < n && p[i] == '.')
		i = skip_digits(p, i + 1, n);
	return i == n;
}

static int is_ipv6(size_t n, const struct shape *s)
{
	return s->colons >= 2 && s->digits + s->hex_letters + s->colons + s->dots == n &&
	       s->digits + s->hex_letters > 0;
}

/* Starts like an ISO 8601 date: YYYY-MM-DD. */
static int is_iso_date(const char *p, size_t n)
{
	return n >= 10 && skip_digits(p, 0, n) == 4 && p[4] == '-' && skip_digits(p, 5, n) == 7 &&
	       p[7] == '-' && skip_digits(p, 8, n) == 10;
}

/* Dot-separated labels ending with an alphabetic top-level label. */
static int is_host_name(const char *p, size_t n, const struct shape *s)
{
	size_t last = n;

	if (s->dots == 0 || s->colons > 0 ||
	    !(is_alpha((unsigned char)p[0]) || is_digit((unsigned char)p[0])))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return 0;
	while (last > 0 && p[last - 1] != '.')
		last--;
	if (n - last < 2)
		return 0;
	for (size_t i = last; i < n; i++)
		if (!is_alpha((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Writes one part of a word (no '=', '/' or interior '@' in it), of the
 * given shape. */
static void template_part(struct text_buffer *o, const char *p, size_t n, const struct shape *shape,
                          int in_path)
{
	struct shape s = *shape;

	if (n == 0)
		return;
	if (s.digits == n || ((p[0] == '+' || p[0] == '-') && s.digits == n - 1 && n > 1)) {
		put_string(o, "{n}"); /* 42, and time zones such as +0100 */
	} else if (s.digits + s.dots == n) {
		if (is_enhanced_code(p, n))
			put_bytes(o, p, n);
		else
			put_string(o, is_ipv4(p, n) ? "{ip}" : "{n}");
	} else if (s.colons == 1 && is_ipv4(p, n)) {
		put_string(o, "{ip}");
	} else if (is_clock(p, n)) {
		put_string(o, "{time}");
	} else if (is_ipv6(n, &s)) {
		put_string(o, "{ip}");
	} else if (n > 5 && starts_with_nocase(p, n, "ipv6:")) {
		put_bytes(o, p, 5);
		put_string(o, "{ip}");
	} else if (is_iso_date(p, n)) {
		put_string(o, "{time}");
	} else if (is_host_name(p, n, &s) && (!in_path || s.dots >= 2)) {
		/* In a URL path one dot is a file name (answer.py); two are a host
		 * name, often with an extension (help/example.com.html). */
		put_string(o, "{host}");
	} else if (s.digits > 0 || (n >= 16 && s.letters == n && s.case_changes >= 3)) {
		put_string(o, "{id}");
	} else {
		put_bytes(o, p, n);
	}
}

/* Writes the parts of p[0..n) split at '=' and '/', the separators kept;
 * the shape of a part is counted in the same pass that finds its end. */
static void template_parts(struct text_buffer *o, const char *p, size_t n, int in_path)
{
	const struct shape empty = {0, 0, 0, 0, 0, 0};
	struct shape shape = empty;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '=' || c == '/') {
			template_part(o, p + start, i - start, &shape, in_path);
			put_char(o, (char)c);
			start = i + 1;
			shape = empty;
			continue;
		}
		shape_add(&shape, c, i > start ? (unsigned char)p[i - 1] : 0);
	}
	template_part(o, p + start, n - start, &shape, in_path);
}

/* A URL keeps its scheme, host and path; the query or fragment goes. */
static void template_url(struct text_buffer *o, const char *p, size_t n)
{
	size_t i = 0, host;

	while (i < n && p[i] != ':')
		i++;
	i += 3; /* "://", checked by the caller */
	put_bytes(o, p, i);
	host = i;
	while (i < n && p[i] != '/' && p[i] != '?' && p[i] != '#')
		i++;
	if (i > host && (is_ipv4(p + host, i - host) || p[host] == '['))
		put_string(o, "{ip}");
	else
		put_bytes(o, p + host, i - host);
	host = i;
	while (i < n && p[i] != '?' && p[i] != '#')
		i++;
	template_parts(o, p + host, i - host, 1);
	if (i < n) {
		put_char(o, p[i]);
		put_string(o, "{query}");
	}
}

static int is_trailing_punctuation(unsigned char c)
{
	return c == '.' || c == ':' || c == '!' || c == '?' || c == '\'';
}

/* Writes one word: sentence punctuation at its end is kept as written. */
static void template_word(struct text_buffer *o, const char *p, size_t n)
{
	size_t end = n;
	int address;

	if (n > 1 && p[0] == ':') {
		/* "]:25" after a bracketed address: the colon is punctuation */
		put_char(o, ':');
		template_word(o, p + 1, n - 1);
		return;
	}
	while (end > 0 && is_trailing_punctuation((unsigned char)p[end - 1]))
		end--;
	address = end > 2 && memchr(p + 1, '@', end - 2) != NULL;
	if (starts_with_nocase(p, end, "http://") || starts_with_nocase(p, end, "https://"))
		template_url(o, p, end);
	else if (address)
		put_string(o, "{addr}");
	else
		template_parts(o, p, end, 0);
	put_bytes(o, p + end, n - end);
}

/* Length of a quoted mailbox at p[0] ('<' or '"', one word, closed), or 0. */
static size_t quoted_word_length(const char *p, size_t n)
{
	char close = p[0] == '<' ? '>' : '"';
	size_t i = 1;

	while (i < n && i <= 257 && template_classes[(unsigned char)p[i]] >= TC_WORD)
		i++;
	if (i == 1 || i >= n || p[i] != close)
		return 0;
	return i + 1;
}

/* <CRLF>, <DATA>, <END-OF-DATA>: protocol words, not mailboxes. */
static int is_protocol_word(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '-' || p[i] == '_'))
			return 0;
	return 1;
}

/*
 * A word of letters (the first `letters` bytes of p[0..n)) followed only by
 * sentence punctuation is kept as written without a closer look: most
 * words of a reply are such words.  Long runs of letters are looked at, as
 * they may be random ids.  A word of punctuation alone (the ":" after
 * "[192.0.2.1]") is kept as written too: template_word() would write it
 * back unchanged.
 */
static int is_plain_word(const char *p, size_t n, size_t letters)
{
	if (letters >= 16)
		return 0;
	for (size_t i = letters; i < n; i++)
		if (!is_trailing_punctuation((unsigned char)p[i]))
			return 0;
	return 1;
}

/*
 * The templates of words seen before.  Words that need a closer look (host
 * names, addresses, URLs, numbers) come back often, the same ones (a block
 * list's name, a help URL, a client's IP address), and looking at one
 * costs tens of times more than finding it here.  A word's template
 * depends on the word alone, so a remembered one is the one
 * template_word() would write.  Direct-mapped on the word's hash; a slot
 * holds a word and its template of at most WORD_MEMO_BYTES bytes.
 */
#define WORD_MEMO_SLOTS 256
#define WORD_MEMO_BYTES 63

struct word_memo {
	unsigned char len, template_len; /* len 0: empty */
	char word[WORD_MEMO_BYTES];
	char template[WORD_MEMO_BYTES];
};

/* template_word(), through the memo (NULL: none). */
static void template_word_memo(struct text_buffer *o, const char *p, size_t n,
                               struct word_memo *memo)
{
	struct word_memo *slot;
	struct text_buffer made;

	if (memo == NULL || n > WORD_MEMO_BYTES) {
		template_word(o, p, n);
		return;
	}
	slot = &memo[hash_bytes(HASH_SEED, p, n) & (WORD_MEMO_SLOTS - 1)];
	if (slot->len == n && memcmp(slot->word, p, n) == 0) {
		put_bytes(o, slot->template, slot->template_len);
		return;
	}
	made = (struct text_buffer){slot->template, sizeof(slot->template), 0, 0};
	template_word(&made, p, n);
	if (made.full) {
		slot->len = 0; /* too long a template to keep */
		template_word(o, p, n);
		return;
	}
	slot->len = (unsigned char)n;
	slot->template_len = (unsigned char)made.len;
	memcpy(slot->word, p, n);
	put_bytes(o, slot->template, slot->template_len);
}

/*
 * Text that needs no change (plain words, single spaces, punctuation) is
 * not copied word by word: text[literal..i) grows until something must be
 * rewritten (a variable word, a quoted mailbox, a run of white space) and
 * is then copied at once.
 */
static size_t template_text(const char *text, size_t len, char *out, size_t size,
                            struct word_memo *memo)
{
	struct text_buffer o = {out, size, 0, 0};
	size_t i = 0, literal, end, other;

	while (i < len && template_classes[(unsigned char)text[i]] == TC_SPACE)
		i++;
	literal = i;
	while (i < len && !o.full) {
		unsigned char c = (unsigned char)text[i];
		int class = template_classes[c];

		if (class == TC_LETTER) {
			end = i + 1;
			while (end < len && template_classes[(unsigned char)text[end]] == TC_LETTER)
				end++;
			/* Most of a reply is words of a few letters, each followed by
			 * one space and another such word: they stay as they are,
			 * and the space needs no step of its own. */
			if (end - i < 16 && end + 1 < len && text[end] == ' ' &&
			    template_classes[(unsigned char)text[end + 1]] == TC_LETTER) {
				i = end + 1;
				continue;
			}
		} else {
			end = i;
		}
		if (class == TC_SPACE) {
			end = i + 1;
			while (end < len && template_classes[(unsigned char)text[end]] == TC_SPACE)
				end++;
			if (c == ' ' && end == i + 1 && end < len) {
				i = end; /* one plain space between words stays as it is */
				continue;
			}
			put_bytes(&o, text + literal, i - literal);
			if (end < len)
				put_char(&o, ' ');
			i = literal = end;
			continue;
		}
		if (class < TC_WORD) {
			end = c == '<' || c == '"' ? quoted_word_length(text + i, len - i) : 0;
			if (end == 0 || is_protocol_word(text + i + 1, end - 2)) {
				i += end > 0 ? end : 1;
				continue;
			}
			put_bytes(&o, text + literal, i - literal);
			put_char(&o, (char)c);
			put_string(&o, "{addr}");
			put_char(&o, text[i + end - 1]);
			i = literal = i + end;
			continue;
		}
		/* The word's letters were passed above; now the rest of it, if any. */
		other = end;
		while (end < len && template_classes[(unsigned char)text[end]] >= TC_WORD)
			end++;
		if (!is_plain_word(text + i, end - i, other - i)) {
			put_bytes(&o, text + literal, i - literal);
			template_word_memo(&o, text + i, end - i, memo);
			literal = end;
		}
		i = end;
	}
	if (!o.full)
		put_bytes(&o, text + literal, i - literal);
	return o.full ? utf8_trim(out, o.len) : o.len;
}

size_t summary_template(const char *text, size_t len, char *out, size_t size)
{
	return template_text(text, len, out, size, NULL);
}

/* ---- Timestamps ----------------------------------------------------------- */

/* A timestamp broken down as written; year is 0 for syslog stamps. */
struct stamp {
	int year, month, day, hour, minute, second;
};

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int number_at(const char *s, size_t n, size_t *i, size_t min_digits, size_t max_digits)
{
	size_t start = *i;
	int value = 0;

	while (*i < n && *i - start < max_digits && is_digit((unsigned char)s[*i])) {
		value = value * 10 + (s[*i] - '0');
		(*i)++;
	}
	return *i - start >= min_digits ? value : -1;
}

/* The month (1-12) named by s[0..3) ("Jan"), or 0. */
static int month_number(const char *s)
{
	for (int m = 0; m < 12; m++)
		if (month_names[3 * m] == s[0] && month_names[3 * m + 1] == s[1] &&
		    month_names[3 * m + 2] == s[2])
			return m + 1;
	return 0;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(long long days, struct stamp *t)
{
	long long era, year;
	unsigned day_of_era, year_of_era, day_of_year, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	year = (long long)year_of_era + era * 400;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	mp = (5 * day_of_year + 2) / 153;
	t->day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
	t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(year + (t->month <= 2));
}

/* qmail's tai64n label: '@', 16 hex digits of 2^62 + 10 + seconds, nanoseconds. */
static int parse_tai64n(const char *s, size_t n, struct stamp *t)
{
	unsigned long long value = 0;
	long long seconds;

	if (n < 17 || s[0] != '@')
		return 0;
	for (size_t i = 1; i < 17; i++) {
		unsigned char c = (unsigned char)s[i];
		int digit = is_digit(c) ? c - '0' : is_hex_letter(c) ? (c | 0x20) - 'a' + 10 : -1;

		if (digit < 0)
			return 0;
		value = value << 4 | (unsigned)digit;
	}
	if (value < 0x400000000000000aull || value > 0x400000000000000aull + 253402300799ull)
		return 0;
	seconds = (long long)(value - 0x400000000000000aull);
	civil_from_days(seconds / 86400, t);
	t->hour = (int)(seconds % 86400 / 3600);
	t->minute = (int)(seconds % 3600 / 60);
	t->second = (int)(seconds % 60);
	return 1;
}

/* The clock part "HH:MM[:SS]" at s[*i]. */
static int parse_clock(const char *s, size_t n, size_t i, struct stamp *t)
{
	t->hour = number_at(s, n, &i, 2, 2);
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	t->minute = number_at(s, n, &i, 2, 2);
	t->second = 0;
	if (i < n && s[i] == ':') {
		i++;
		t->second = number_at(s, n, &i, 2, 2);
	}
	return t->hour >= 0 && t->hour < 24 && t->minute >= 0 && t->minute < 60 && t->second >= 0 &&
	       t->second <= 60;
}

/*
 * Reads a log timestamp: RFC 3339 and Exim's "YYYY-MM-DD HH:MM:SS" (the
 * wall clock as written, offset ignored), syslog's "Mmm dd HH:MM:SS" (no
 * year) and qmail's tai64n.  Returns 1 when it is one of them.
 */
static int parse_stamp(const char *s, size_t n, struct stamp *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	if (s == NULL)
		return 0;
	if (n > 0 && s[0] == '@')
		return parse_tai64n(s, n, t);
	if (n >= 16 && is_iso_date(s, n) && (s[10] == 'T' || s[10] == ' ')) {
		t->year = number_at(s, n, &i, 4, 4);
		i++;
		t->month = number_at(s, n, &i, 2, 2);
		i++;
		t->day = number_at(s, n, &i, 2, 2);
		if (t->year < 1 || !parse_clock(s, n, 11, t))
			return 0;
	} else if (n >= 11 && is_alpha((unsigned char)s[0])) {
		t->month = month_number(s);
		if (t->month == 0 || s[3] != ' ')
			return 0;
		i = 3;
		while (i < n && s[i] == ' ')
			i++;
		t->day = number_at(s, n, &i, 1, 2);
		if (i >= n || s[i] != ' ')
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (!parse_clock(s, n, i, t))
			return 0;
	} else {
		return 0;
	}
	return t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31;
}

/* A number that sorts like the hour of the stamp (never 0). */
static uint64_t hour_key(const struct stamp *t)
{
	return (((uint64_t)t->year * 12 + (uint64_t)(t->month - 1)) * 31 + (uint64_t)(t->day - 1)) *
	           24 +
	       (uint64_t)t->hour + 1;
}

/* A number that sorts like the stamp (never 0). */
static uint64_t time_key(const struct stamp *t)
{
	return ((hour_key(t) - 1) * 60 + (uint64_t)t->minute) * 60 + (uint64_t)t->second + 1;
}

/* The label of an hour: "2024-02-21 09:00", or "Feb 21 09:00" without year. */
static size_t hour_label(uint64_t key, char *buf, size_t size)
{
	uint64_t k = key - 1;
	int hour = (int)(k % 24), day = (int)(k / 24 % 31) + 1;
	int month = (int)(k / 24 / 31 % 12) + 1, year = (int)(k / 24 / 31 / 12);
	int n;

	if (year == 0)
		n = snprintf(buf, size, "%.3s %2d %02d:00", month_names + 3 * (month - 1), day,
		             hour);
	else
		n = snprintf(buf, size, "%04d-%02d-%02d %02d:00", year, month, day, hour);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- Names ---------------------------------------------------------------- */

/* A recipient domain without a trailing dot or '>'. */
static smtpclass_span domain_span(smtpclass_span span)
{
	while (span.len > 0 && (span.ptr[span.len - 1] == '.' || span.ptr[span.len - 1] == '>'))
		span.len--;
	if (span.len > NAME_MAX_BYTES)
		span.len = NAME_MAX_BYTES;
	return span;
}

static int is_port(const char *s, size_t n)
{
	return n > 0 && skip_digits(s, 0, n) == n;
}

/*
 * The name of a remote host in a relay as MTAs write it
 * ("mx.example.com[192.0.2.1]:25", "mx.example.com. [192.0.2.1]",
 * "[192.0.2.1]", "unknown[192.0.2.1]", "127.0.0.1:2525", "none"): the host
 * name, or the address when there is no name.
 */
static smtpclass_span host_span(smtpclass_span relay)
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
	if (name.len > NAME_MAX_BYTES)
		name.len = NAME_MAX_BYTES;
	return name;
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

/* ---- The summary ---------------------------------------------------------- */

/* Recipient domains or remote hosts: counts by status and by reason. */
struct party_table {
	struct topk table;
	unsigned long long *reasons; /* reason_count per entry; failures only */
	unsigned long long distinct; /* lower bound from merged summaries */
};

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

/* The latest outcome of a failed recipient. */
struct address_info {
	uint64_t time;         /* time key of the latest outcome, 0 when unknown */
	unsigned char verdict; /* smtpclass_verdict of the latest outcome */
	unsigned char remove;  /* its action was remove-address */
	unsigned char hard;    /* some outcome was a hard failure */
};

struct time_point {
	uint64_t key; /* 0: none yet */
	size_t len;
	char text[TIME_TEXT_MAX];
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
	struct party_table domains, hosts;
	struct topk groups, addresses, deferred, hours;
	/* The last timestamp read and the hour entry it fell in: records come
	 * in bursts with the same stamp, which is then parsed once. */
	char last_time[TIME_TEXT_MAX];
	size_t last_time_len, last_hour_entry;
	uint64_t last_time_key, last_hour_key;
	/* A bit per hash of a failed recipient: a sent record whose bit is
	 * clear is not in the address table, so most need no lookup. */
	uint64_t *address_filter;
	struct word_memo *word_memo; /* WORD_MEMO_SLOTS of them */
};

/* 2^18 bits, 32 KiB: small enough to stay in the cache while the log
 * streams through it, large enough to pass few sent records on. */
#define ADDRESS_FILTER_SHIFT 18
#define ADDRESS_FILTER_BITS  (1u << ADDRESS_FILTER_SHIFT)

/*
 * The counts by status of a domain or host entry.  Sent records, most of a
 * log, are counted in the entry's tally, in its first cache line with the
 * key; the failed ones in its data, by status from deferred on.  Records
 * without a status are in the entry's count only: no report shows them.
 */
#define PARTY_FAILED_STATUSES (STATUS_COUNT - SMTPCLASS_STATUS_DEFERRED)

/* Adds n records of a status to a domain or host entry. */
static void party_add_status(const struct party_table *p, size_t i, int status,
                             unsigned long long n)
{
	unsigned long long *failed = topk_payload(&p->table, i);

	if (status == SMTPCLASS_STATUS_SENT)
		topk_entry(&p->table, i)->tally += n;
	else if (status >= SMTPCLASS_STATUS_DEFERRED)
		failed[status - SMTPCLASS_STATUS_DEFERRED] += n;
}

/* The counts by status of a domain or host entry (none without a status). */
static void party_statuses(const struct party_table *p, size_t i,
                           unsigned long long status[STATUS_COUNT])
{
	const unsigned long long *failed = topk_payload(&p->table, i);

	status[SMTPCLASS_STATUS_NONE] = 0;
	status[SMTPCLASS_STATUS_SENT] = topk_entry(&p->table, i)->tally;
	for (int st = SMTPCLASS_STATUS_DEFERRED; st < STATUS_COUNT; st++)
		status[st] = failed[st - SMTPCLASS_STATUS_DEFERRED];
}

static struct group_info *group_of(const struct summary *s, size_t i)
{
	return topk_payload(&s->groups, i);
}

static struct address_info *address_of(const struct summary *s, size_t i)
{
	return topk_payload(&s->addresses, i);
}

/* Counts by status of an hour entry. */
static unsigned long long *hour_status(const struct summary *s, size_t i)
{
	return topk_payload(&s->hours, i);
}

static int party_init(struct party_table *p, size_t capacity, int reason_count)
{
	if (topk_init(&p->table, capacity, NAME_MAX_BYTES, NAME_INLINE,
	              PARTY_FAILED_STATUSES * sizeof(unsigned long long)) != 0)
		return -1;
	p->table.fold_case = 1;
	p->reasons = calloc(capacity * (size_t)reason_count, sizeof(*p->reasons));
	return p->reasons == NULL ? -1 : 0;
}

static void party_free(struct party_table *p)
{
	topk_free(&p->table);
	free(p->reasons);
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
	failed = party_init(&s->domains, limit_or(l.domains, defaults.domains), s->reason_count);
	failed |= party_init(&s->hosts, limit_or(l.hosts, defaults.hosts), s->reason_count);
	failed |= topk_init(&s->groups, limit_or(l.groups, defaults.groups), TEMPLATE_MAX,
	                    TEMPLATE_MAX, sizeof(struct group_info));
	failed |= topk_init(&s->addresses, limit_or(l.addresses, defaults.addresses),
	                    NAME_MAX_BYTES, NAME_INLINE, sizeof(struct address_info));
	s->addresses.fold_case = 1;
	failed |= topk_init(&s->deferred, limit_or(l.deferred, defaults.deferred), 0, 0, 0);
	failed |= topk_init(&s->hours, limit_or(l.hours, defaults.hours), 0, 0,
	                    STATUS_COUNT * sizeof(unsigned long long));
	s->reasons = calloc((size_t)s->reason_count, sizeof(*s->reasons));
	s->actions = calloc((size_t)s->action_count, sizeof(*s->actions));
	s->address_filter = calloc(ADDRESS_FILTER_BITS / 64, sizeof(*s->address_filter));
	s->word_memo = calloc(WORD_MEMO_SLOTS, sizeof(*s->word_memo));
	if (failed || s->reasons == NULL || s->actions == NULL || s->address_filter == NULL ||
	    s->word_memo == NULL) {
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
	topk_free(&s->groups);
	topk_free(&s->addresses);
	topk_free(&s->deferred);
	topk_free(&s->hours);
	free(s->reasons);
	free(s->actions);
	free(s->address_filter);
	free(s->word_memo);
	free(s);
}

static int table_capped(const struct summary *s, enum table_id id)
{
	static const size_t offsets[T_COUNT] = {
	    offsetof(struct summary, domains.table), offsetof(struct summary, hosts.table),
	    offsetof(struct summary, groups),        offsetof(struct summary, addresses),
	    offsetof(struct summary, deferred),      offsetof(struct summary, hours)};
	const struct topk *t = (const struct topk *)((const char *)s + offsets[id]);

	return t->evicted > 0 || (s->capped & (1u << id)) != 0;
}

static int is_approximate(const struct summary *s)
{
	for (int id = 0; id < T_COUNT; id++)
		if (table_capped(s, (enum table_id)id))
			return 1;
	return 0;
}

int summary_approximate(const struct summary *s)
{
	return is_approximate(s);
}

int summary_merged(const struct summary *s)
{
	return s->merged;
}

/*
 * The counts by reason of a domain or host entry, to read: a row of zeros
 * while the entry has none.  An entry's row is cleared when it first counts
 * a reason (the entry's mark says it has), not when the entry is made:
 * most entries count only deliveries, and their rows stay untouched.
 */
static const unsigned long long *party_reasons(const struct summary *s, const struct party_table *p,
                                               size_t i)
{
	static const unsigned long long none[128]; /* summary_create() checks reason_count */

	if (topk_entry(&p->table, i)->mark == 0)
		return none;
	return p->reasons + i * (size_t)s->reason_count;
}

/* The counts by reason of a domain or host entry, to add to. */
static unsigned long long *party_reasons_to_count(const struct summary *s, struct party_table *p,
                                                  size_t i)
{
	struct topk_entry *e = topk_entry(&p->table, i);
	unsigned long long *row = p->reasons + i * (size_t)s->reason_count;

	if (e->mark == 0) {
		memset(row, 0, (size_t)s->reason_count * sizeof(*row));
		e->mark = 1;
	}
	return row;
}

static size_t party_add(struct party_table *p, const char *name, size_t len,
                        unsigned long long weight, unsigned long long error)
{
	int fresh;

	return topk_add(&p->table, hash_folded(name, len), 0, name, len, weight, error, &fresh);
}

/*
 * topk_add() of one record to a name in a table of names (tag 0), the
 * common case first and on its own: the name is in the table, and this
 * runs for two names of every record.  Returns the entry.
 */
static size_t topk_count_name(struct topk *t, uint64_t hash, const char *name, size_t len)
{
	uint32_t check = topk_check(hash);
	int fresh;

	for (size_t slot = check & t->mask; t->slots[slot].entry != 0;
	     slot = (slot + 1) & t->mask) {
		size_t i = t->slots[slot].entry - 1;
		struct topk_entry *e = topk_entry(t, i);

		if (t->slots[slot].check == check && e->hash == hash && e->tag == 0 &&
		    e->key_len == len && equal_folded(topk_key_place(t, i, len), name, len)) {
			e->count++;
			return i;
		}
	}
	return topk_add(t, hash, 0, name, len, 1, 0, &fresh);
}

/* Counts a record for a domain or host: statuses, and reasons of failures. */
static void party_count(struct summary *s, struct party_table *p, const char *name, size_t len,
                        uint64_t hash, int status, int reason, int failure)
{
	size_t i = topk_count_name(&p->table, hash, name, len);

	party_add_status(p, i, status, 1);
	if (failure)
		party_reasons_to_count(s, p, i)[reason]++;
}

/* Adds count to a group's domain, keeping the heaviest few (Space-Saving). */
static void group_domain_add(struct group_info *g, size_t slots, const char *name, size_t len,
                             unsigned long long count, unsigned long long error)
{
	size_t smallest = 0;

	if (len > GROUP_DOMAIN_NAME_MAX)
		len = GROUP_DOMAIN_NAME_MAX;
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

/* The reply as people read it: code, enhanced code and text, one line. */
static size_t reply_line(const smtpclass_reply *reply, char *out, size_t size)
{
	struct text_buffer o = {out, size, 0, 0};

	if (reply->code != 0)
		put_int(&o, reply->code);
	if (reply->enhanced.ptr != NULL) {
		if (o.len > 0)
			put_char(&o, ' ');
		put_bytes(&o, reply->enhanced.ptr, reply->enhanced.len);
	}
	for (size_t i = 0; i < reply->segment_count; i++) {
		size_t start;

		if (o.len > 0)
			put_char(&o, ' ');
		start = o.len;
		put_bytes(&o, reply->segments[i].ptr, reply->segments[i].len);
		for (size_t k = start; k < o.len; k++)
			if ((unsigned char)out[k] < 0x20 || out[k] == 0x7f)
				out[k] = ' ';
	}
	return o.full ? utf8_trim(out, o.len) : o.len;
}

/* The template of a reply: its codes as written, then its templated text. */
static size_t reply_template(const smtpclass_reply *reply, char *out, size_t size,
                             struct word_memo *memo)
{
	struct text_buffer o = {out, size, 0, 0};

	if (reply->code != 0)
		put_int(&o, reply->code);
	if (reply->enhanced.ptr != NULL) {
		if (o.len > 0)
			put_char(&o, ' ');
		put_bytes(&o, reply->enhanced.ptr, reply->enhanced.len);
	}
	for (size_t i = 0; i < reply->segment_count && !o.full; i++) {
		size_t before = o.len, n;

		if (o.len > 0)
			put_char(&o, ' ');
		n = template_text(reply->segments[i].ptr, reply->segments[i].len, out + o.len,
		                  size - o.len, memo);
		o.len = n > 0 ? o.len + n : before;
		o.full = o.len == size;
	}
	return o.len;
}

/* Packs a group's classification into a table tag: verdict (3 bits), reason
 * (7 bits) and action (6 bits).  Callers check the ranges. */
static uint16_t group_tag(int verdict, int reason, int action)
{
	return (uint16_t)((unsigned)verdict | (unsigned)reason << 3 | (unsigned)action << 10);
}

static int tag_verdict(uint16_t tag)
{
	return tag & 7;
}

static int tag_reason(uint16_t tag)
{
	return tag >> 3 & 127;
}

static int tag_action(uint16_t tag)
{
	return tag >> 10 & 63;
}

static size_t group_add(struct summary *s, const char *template, size_t len, uint16_t tag,
                        unsigned long long weight, unsigned long long error, int *fresh)
{
	uint64_t h = hash_bytes(HASH_SEED, template, len);
	size_t i = topk_add(&s->groups, h ^ mix(tag + 1), tag, template, len, weight, error, fresh);

	return i;
}

static void group_count(struct summary *s, const struct record *r, smtpclass_span domain)
{
	const smtpclass_result *result = r->result;
	char template[TEMPLATE_MAX];
	size_t len = reply_template(r->reply, template, sizeof(template), s->word_memo);
	int fresh;
	size_t i =
	    group_add(s, template, len, group_tag(result->verdict, result->reason, result->action),
	              1, 0, &fresh);
	struct group_info *g = group_of(s, i);

	if (fresh)
		g->example_len =
		    (unsigned short)reply_line(r->reply, g->example, sizeof(g->example));
	if (domain.len > 0) {
		char name[GROUP_DOMAIN_NAME_MAX];
		size_t n = domain.len < sizeof(name) ? domain.len : sizeof(name);

		for (size_t k = 0; k < n; k++)
			name[k] = lower(domain.ptr[k]);
		group_domain_add(g, s->group_domains, name, n, 1, 0);
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
	size_t i;
	struct address_info *a;

	if (verdict == SMTPCLASS_VERDICT_SOFT || verdict == SMTPCLASS_VERDICT_HARD) {
		int fresh;

		i = topk_add(&s->addresses, key->hash, 0, key->text.ptr, key->text.len, 1, 0,
		             &fresh);
	} else {
		long found = topk_find(&s->addresses, key->hash, 0, key->text.ptr, key->text.len);

		if (found < 0)
			return;
		i = (size_t)found;
	}
	a = address_of(s, i);
	if (verdict == SMTPCLASS_VERDICT_HARD)
		a->hard = 1;
	if (time != 0 && a->time != 0 && time < a->time)
		return; /* an older outcome, from a file read out of order */
	a->time = time;
	a->verdict = (unsigned char)verdict;
	a->remove = (unsigned char)remove;
}

/* Deferred messages are told apart by queue id and recipient. */
static uint64_t deferred_hash(const smtpclass_log_record *log)
{
	uint64_t h = hash_bytes(HASH_SEED, log->queue_id.ptr,
	                        log->queue_id.ptr != NULL ? log->queue_id.len : 0);

	return hash_bytes(h, log->recipient.ptr,
	                  log->recipient.ptr != NULL ? log->recipient.len : 0);
}

static size_t hour_add(struct summary *s, uint64_t key, unsigned long long weight,
                       unsigned long long error)
{
	int fresh;

	return topk_add(&s->hours, key, 0, NULL, 0, weight, error, &fresh);
}

static void time_point_set(struct time_point *p, uint64_t key, const char *text, size_t len)
{
	if (len > sizeof(p->text))
		len = sizeof(p->text);
	p->key = key;
	p->len = len;
	memcpy(p->text, text, len);
}

/* Widens the time span to cover a stamp. */
static void span_cover(struct summary *s, uint64_t key, const char *text, size_t len)
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
		if (!parse_stamp(time.ptr, time.len, &stamp))
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

/*
 * Counters and the reply group first, then the tables keyed by name.  The
 * names are hashed straight from the log line (in lower case, without a
 * copy), and the slots and entries a record needs are requested before
 * they are used: the log streaming through the cache (and the rule
 * automaton of the classifier) leave the tables cold.  A record that is
 * no failure needs the first cache line of its entries, a failure the
 * second one too.
 */
void summary_add(struct summary *s, const struct record *r)
{
	const smtpclass_log_record *log = r->log;
	const smtpclass_result *result = r->result;
	int status = log != NULL && (unsigned)log->status < STATUS_COUNT ? (int)log->status : 0;
	int verdict = (unsigned)result->verdict < VERDICT_COUNT ? (int)result->verdict : 0;
	int reason = result->reason >= 0 && result->reason < s->reason_count ? result->reason : 0;
	int failure = status != SMTPCLASS_STATUS_SENT &&
	              (verdict == SMTPCLASS_VERDICT_SOFT || verdict == SMTPCLASS_VERDICT_HARD ||
	               verdict == SMTPCLASS_VERDICT_UNKNOWN);
	smtpclass_span domain = {NULL, 0}, host;
	uint64_t domain_hash, host_hash, time;
	struct address_key address = {{NULL, 0}, 0};
	int tracked, fresh;

	s->records++;
	s->status[status]++;
	s->verdicts[verdict]++;
	s->reasons[reason]++;
	if (result->action >= 0 && result->action < s->action_count)
		s->actions[result->action]++;
	if (log != NULL)
		domain = domain_span(log->domain);
	if (failure)
		group_count(s, r, domain);
	if (log == NULL)
		return;

	/* The addresses of mail this server refused are not ours to clean. */
	if (status != SMTPCLASS_STATUS_REJECTED)
		address.text = address_span(log->recipient);
	if (address.text.len > 0)
		address.hash = hash_folded(address.text.ptr, address.text.len);
	tracked = address_tracked(s, &address, verdict);
	if (tracked)
		PREFETCH(topk_home_slot(&s->addresses, address.hash));
	domain_hash = hash_folded(domain.ptr, domain.len);
	PREFETCH(topk_home_slot(&s->domains.table, domain_hash));
	host = host_span(log->relay);
	host_hash = hash_folded(host.ptr, host.len);
	PREFETCH(topk_home_slot(&s->hosts.table, host_hash));
	time = count_time(s, log->time, status);
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
	if (tracked) {
		const char *entry = topk_home_entry(&s->addresses, address.hash);

		PREFETCH(entry);
		PREFETCH(entry + 64);
	}

	if (domain.len > 0)
		party_count(s, &s->domains, domain.ptr, domain.len, domain_hash, status, reason,
		            failure);
	if (host.len > 0)
		party_count(s, &s->hosts, host.ptr, host.len, host_hash, status, reason, failure);
	if (status == SMTPCLASS_STATUS_DEFERRED &&
	    (log->queue_id.ptr != NULL || log->recipient.ptr != NULL))
		topk_add(&s->deferred, deferred_hash(log), 0, NULL, 0, 1, 0, &fresh);
	if (tracked)
		address_count(s, &address, verdict, smtpclass_result_removes_address(result), time);
}

/* ---- Ranking -------------------------------------------------------------- */

/* An entry to sort: larger primary first, then larger secondary, then key. */
struct ranked {
	size_t index;
	unsigned long long primary, secondary;
	const char *key;
	size_t key_len;
};

static int compare_ranked(const void *a, const void *b)
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

static struct ranked *sorted_rows(struct ranked *r, size_t n)
{
	if (n > 0)
		qsort(r, n, sizeof(*r), compare_ranked);
	return r;
}

/* Entries of a domain or host table, most failures first, then most
 * records. */
static struct ranked *rank_party(const struct party_table *p, size_t *n)
{
	struct ranked *r = table_rows(&p->table, n);

	for (size_t i = 0; i < *n; i++) {
		r[i].secondary = r[i].primary;
		r[i].primary = party_failures(p, i);
	}
	return sorted_rows(r, *n);
}

/* Reply groups, most frequent first. */
static struct ranked *rank_groups(const struct summary *s, size_t *n)
{
	struct ranked *r = table_rows(&s->groups, n);

	return sorted_rows(r, *n);
}

/* Hours in time order. */
static struct ranked *rank_hours(const struct summary *s, size_t *n)
{
	struct ranked *r = table_rows(&s->hours, n);

	for (size_t i = 0; i < *n; i++)
		r[i].primary = UINT64_MAX - topk_entry(&s->hours, i)->hash;
	return sorted_rows(r, *n);
}

/* Names with non-zero counts (reasons, actions, verdicts), largest first. */
static size_t rank_counts(const unsigned long long *counts, int count, const char *(*name)(int),
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

static const char *verdict_name_of(int verdict)
{
	return smtpclass_verdict_name((smtpclass_verdict)verdict);
}

/* Entries of a list that are shown: all of them, or the top ones. */
static size_t shown(const struct summary *s, size_t n)
{
	return s->top > 0 && (size_t)s->top < n ? (size_t)s->top : n;
}

static unsigned long long deferred_messages(const struct summary *s)
{
	return s->deferred.fresh + s->deferred_merged;
}

static unsigned long long distinct_of(const struct topk *t, unsigned long long merged_floor)
{
	unsigned long long n = t->evicted > 0 ? t->fresh : t->used;

	return n > merged_floor ? n : merged_floor;
}

/* Counts recipients to remove, or that failed only softly. */
static unsigned long long address_total(const struct summary *s, int soft)
{
	unsigned long long n = soft ? s->soft_merged : s->remove_merged;

	for (size_t i = 0; i < s->addresses.used; i++) {
		const struct address_info *a = address_of(s, i);

		if (soft ? a->verdict == SMTPCLASS_VERDICT_SOFT && !a->hard
		         : a->verdict == SMTPCLASS_VERDICT_HARD && a->remove)
			n++;
	}
	return n;
}

void summary_write_addresses(const struct summary *s, FILE *out, int soft)
{
	const struct topk *t = &s->addresses;
	struct ranked *r = t->used > 0 ? malloc(t->used * sizeof(*r)) : NULL;
	size_t n = 0;

	if (r == NULL)
		return;
	for (size_t i = 0; i < t->used; i++) {
		const struct address_info *a = address_of(s, i);

		if (soft ? a->verdict != SMTPCLASS_VERDICT_SOFT || a->hard
		         : a->verdict != SMTPCLASS_VERDICT_HARD || !a->remove)
			continue;
		r[n].index = i;
		r[n].primary = 0;
		r[n].secondary = 0;
		r[n].key = topk_key(t, i);
		r[n].key_len = topk_entry(t, i)->key_len;
		n++;
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), compare_ranked);
	for (size_t i = 0; i < n; i++) {
		fwrite(r[i].key, 1, r[i].key_len, out);
		putc('\n', out);
	}
	free(r);
}

/* ---- The text report ------------------------------------------------------ */

#define LINE_BYTES 8192

/* Columns a UTF-8 string takes (one per code point). */
static size_t display_width(const char *s, size_t n)
{
	size_t width = 0;

	for (size_t i = 0; i < n; i++)
		width += ((unsigned char)s[i] & 0xc0) != 0x80;
	return width;
}

/* Byte length of the first columns of s. */
static size_t prefix_bytes(const char *s, size_t n, size_t columns)
{
	size_t i = 0, seen = 0;

	while (i < n) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (seen == columns)
				break;
			seen++;
		}
		i++;
	}
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

/* Writes text after a label, wrapped at spaces to width columns; lines
 * after the first are indented to line up with the text. */
static void write_wrapped(FILE *out, const char *label, const char *text, size_t len, int width)
{
	char line[LINE_BYTES];
	size_t indent = strlen(label), room, start = 0;

	room = width > 0 && (size_t)width > indent + 20 ? (size_t)width - indent : 0;
	do {
		size_t take = len - start, n;

		if (room > 0 && display_width(text + start, take) > room) {
			size_t cut = prefix_bytes(text + start, take, room), space = cut;

			while (space > 0 && text[start + space] != ' ')
				space--;
			take = space > 0 ? space : cut;
		}
		if (take > sizeof(line) - indent)
			take = sizeof(line) - indent;
		memset(line, ' ', indent);
		if (start == 0)
			memcpy(line, label, indent);
		memcpy(line + indent, text + start, take);
		n = indent + take;
		for (size_t i = indent; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				line[i] = ' ';
		write_line(out, line, n, width);
		start += take;
		while (start < len && text[start] == ' ')
			start++;
	} while (start < len);
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
	int error_column; /* the table is approximate: show each entry's error */
};

typedef void (*cell_writer)(const struct table_rows *t, size_t row, size_t column,
                            struct text_buffer *o);

struct table_shape {
	size_t columns;
	const char *const *titles;
	const char *align; /* 'l' or 'r' for each column */
};

/* Writes a table with columns as wide as their widest cell; after_row, if
 * given, writes lines below each row. */
static void write_table(FILE *out, int width, const struct table_shape *shape,
                        const struct table_rows *t, size_t rows, cell_writer cell,
                        void (*after_row)(FILE *, int, const struct table_rows *, size_t))
{
	size_t widths[16] = {0};
	char cell_text[LINE_BYTES], line[LINE_BYTES];

	for (size_t c = 0; c < shape->columns; c++)
		widths[c] = strlen(shape->titles[c]);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < shape->columns; c++) {
			struct text_buffer o = {cell_text, sizeof(cell_text), 0, 0};
			size_t w;

			cell(t, r, c, &o);
			w = display_width(cell_text, o.len);
			if (w > widths[c])
				widths[c] = w;
		}
	}
	for (size_t r = 0; r <= rows; r++) {
		struct text_buffer o = {line, sizeof(line), 0, 0};

		put_string(&o, " ");
		for (size_t c = 0; c < shape->columns; c++) {
			struct text_buffer v = {cell_text, sizeof(cell_text), 0, 0};
			size_t w;

			if (r == 0)
				put_string(&v, shape->titles[c]);
			else
				cell(t, r - 1, c, &v);
			w = display_width(cell_text, v.len);
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
		for (size_t i = 0; i < o.len; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				line[i] = ' ';
		write_line(out, line, o.len, width);
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
		put_share(o, r->primary, t->summary->records);
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
                         struct ranked *rows, size_t n, int kind)
{
	const char *titles[4] = {title, "count", "share", kind == 1 ? "meaning" : "what to do"};
	struct table_shape shape = {kind > 0 ? 4 : 3, titles, "lrrl"};
	struct table_rows t = {s, rows, NULL, 0};

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
	putc('\n', out);
	write_line(out, text, strlen(text), width);
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
	struct ranked *rows = rank_party(p, &n);
	int capped = table_capped(s, id);
	struct table_rows t = {s, rows, p, capped};
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

static void put_group_domains(struct text_buffer *o, const struct group_info *g)
{
	struct ranked r[GROUP_DOMAINS_MAX];

	for (size_t i = 0; i < g->domain_count; i++) {
		r[i].index = i;
		r[i].primary = g->domains[i].count;
		r[i].secondary = 0;
		r[i].key = g->domains[i].name;
		r[i].key_len = g->domains[i].len;
	}
	qsort(r, g->domain_count, sizeof(r[0]), compare_ranked);
	for (size_t i = 0; i < g->domain_count; i++) {
		if (i > 0)
			put_string(o, ", ");
		put_bytes(o, r[i].key, r[i].key_len);
		put_char(o, ' ');
		put_number(o, r[i].primary);
	}
}

static void group_cell(const struct table_rows *t, size_t row, size_t column, struct text_buffer *o)
{
	const struct summary *s = t->summary;
	size_t i = t->rows[row].index;
	uint16_t tag = topk_entry(&s->groups, i)->tag;

	if (!t->error_column && column >= 2)
		column++;
	switch (column) {
	case 0:
		put_number(o, row + 1);
		break;
	case 1:
		put_number(o, topk_entry(&s->groups, i)->count);
		break;
	case 2:
		put_number(o, *topk_error(&s->groups, i));
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
		put_group_domains(o, group_of(s, i));
		break;
	}
}

static void group_lines(FILE *out, int width, const struct table_rows *t, size_t row)
{
	const struct summary *s = t->summary;
	size_t i = t->rows[row].index;
	const struct group_info *g = group_of(s, i);

	if (topk_entry(&s->groups, i)->key_len == 0)
		write_wrapped(out, "      template: ", "(no reply text)", 15, width);
	else
		write_wrapped(out, "      template: ", topk_key(&s->groups, i),
		              topk_entry(&s->groups, i)->key_len, width);
	if (g->example_len > 0)
		write_wrapped(out, "      example:  ", g->example, g->example_len, width);
}

static void write_groups(FILE *out, int width, const struct summary *s)
{
	static const char *const with_error[] = {"#",      "count",  "error",  "verdict",
	                                         "reason", "action", "domains"};
	static const char *const without_error[] = {"#",      "count",  "verdict",
	                                            "reason", "action", "domains"};
	char heading[256];
	size_t n;
	struct ranked *rows = rank_groups(s, &n);
	int capped = table_capped(s, T_GROUPS);
	struct table_rows t = {s, rows, NULL, capped};
	struct table_shape shape = {capped ? 7 : 6, capped ? with_error : without_error,
	                            capped ? "rrrllll" : "rrllll"};

	snprintf(heading, sizeof(heading), "Reply groups: %zu of %s%llu, most frequent first",
	         shown(s, n), capped ? "about " : "", distinct_of(&s->groups, s->group_distinct));
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

static void write_hours(FILE *out, int width, const struct summary *s)
{
	static const char *const titles[] = {"hour",    "records", "sent",    "deferred",
	                                     "bounced", "expired", "rejected"};
	struct table_shape shape = {7, titles, "lrrrrrr"};
	size_t n;
	struct ranked *rows = rank_hours(s, &n);
	struct table_rows t = {s, rows, NULL, 0};

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
		put_string(&o, table_names[id]);
	}
	put_string(&o,
	           capped > 1 ? " tables reached their capacity" : " table reached its capacity");
	put_string(&o, ", or a merged summary listed only its top entries.  The heaviest entries "
	               "are kept: counts lower in those lists are "
	               "upper bounds, at most their error too high.  Totals are exact.");
	write_wrapped(out, "", note, o.len, width);
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
	if (is_approximate(s))
		write_caps_note(out, width, s);

	putc('\n', out);
	for (int st = 1; st < STATUS_COUNT; st++) {
		rows[n].index = (size_t)st;
		rows[n].primary = s->status[st];
		rows[n].secondary = 0;
		rows[n].key = status_keys[st];
		rows[n].key_len = strlen(status_keys[st]);
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
		struct table_rows t = {s, rows, NULL, 0};

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
	write_counts(out, width, s, "verdict", rows, n, 0);
	putc('\n', out);
	n = rank_counts(s->reasons, s->reason_count < 256 ? s->reason_count : 256,
	                smtpclass_reason_name, rows);
	write_counts(out, width, s, "reason", rows, n, 1);
	putc('\n', out);
	n = rank_counts(s->actions, s->action_count < 256 ? s->action_count : 256,
	                smtpclass_action_name, rows);
	write_counts(out, width, s, "action", rows, n, 2);

	write_party(out, width, s, &s->domains, "Recipient domains", T_DOMAINS);
	write_party(out, width, s, &s->hosts, "Remote hosts", T_HOSTS);
	write_groups(out, width, s);
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

/* ---- The JSON document ---------------------------------------------------- */

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
		fprintf(out, ", \"%s\": %llu", status_keys[st], status[st]);
}

static void json_party(FILE *out, const struct summary *s, const struct party_table *p,
                       const char *name_key, const char *list_key)
{
	size_t n;
	struct ranked *rows = rank_party(p, &n);

	fprintf(out, "  \"%s_count\": %llu,\n  \"%s\": [", name_key,
	        distinct_of(&p->table, p->distinct), list_key);
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		unsigned long long status[STATUS_COUNT];

		fprintf(out, "%s\n    {\"%s\": ", k > 0 ? "," : "", name_key);
		output_json_string(out, topk_key(&p->table, i), topk_entry(&p->table, i)->key_len);
		fprintf(out, ", \"records\": %llu, \"error\": %llu",
		        topk_entry(&p->table, i)->count, *topk_error(&p->table, i));
		party_statuses(p, i, status);
		json_status_counts(out, status);
		fputs(", \"reasons\": ", out);
		json_count_object(out, party_reasons(s, p, i), s->reason_count,
		                  smtpclass_reason_name);
		putc('}', out);
	}
	fputs(n > 0 ? "\n  ],\n" : "],\n", out);
	free(rows);
}

static void json_group_domains(FILE *out, const struct group_info *g)
{
	struct ranked r[GROUP_DOMAINS_MAX];

	for (size_t i = 0; i < g->domain_count; i++) {
		r[i].index = i;
		r[i].primary = g->domains[i].count;
		r[i].secondary = 0;
		r[i].key = g->domains[i].name;
		r[i].key_len = g->domains[i].len;
	}
	qsort(r, g->domain_count, sizeof(r[0]), compare_ranked);
	putc('{', out);
	for (size_t i = 0; i < g->domain_count; i++) {
		fputs(i > 0 ? ", " : "", out);
		output_json_string(out, r[i].key, r[i].key_len);
		fprintf(out, ": %llu", r[i].primary);
	}
	putc('}', out);
}

static void json_groups(FILE *out, const struct summary *s)
{
	size_t n;
	struct ranked *rows = rank_groups(s, &n);

	fprintf(out, "  \"group_count\": %llu,\n  \"groups\": [",
	        distinct_of(&s->groups, s->group_distinct));
	for (size_t k = 0; k < shown(s, n); k++) {
		size_t i = rows[k].index;
		uint16_t tag = topk_entry(&s->groups, i)->tag;
		const struct group_info *g = group_of(s, i);

		fputs(k > 0 ? ",\n    {\"template\": " : "\n    {\"template\": ", out);
		output_json_string(out, topk_key(&s->groups, i),
		                   topk_entry(&s->groups, i)->key_len);
		fprintf(out, ", \"count\": %llu, \"error\": %llu, \"verdict\": \"%s\"",
		        topk_entry(&s->groups, i)->count, *topk_error(&s->groups, i),
		        smtpclass_verdict_name((smtpclass_verdict)tag_verdict(tag)));
		fprintf(out, ", \"reason\": \"%s\", \"action\": \"%s\", \"domains\": ",
		        smtpclass_reason_name(tag_reason(tag)),
		        smtpclass_action_name(tag_action(tag)));
		json_group_domains(out, g);
		fputs(", \"example\": ", out);
		output_json_string(out, g->example, g->example_len);
		putc('}', out);
	}
	fputs(n > 0 ? "\n  ],\n" : "],\n", out);
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

void summary_write_json(const struct summary *s, FILE *out)
{
	int first = 1;

	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"approximate\": %s,\n  \"capped\": [",
	        SUMMARY_SCHEMA, is_approximate(s) ? "true" : "false");
	for (int id = 0; id < T_COUNT; id++) {
		if (!table_capped(s, (enum table_id)id))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ", ", table_names[id]);
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
		fprintf(out, "%s\"%s\": %llu", st > 1 ? ", " : "", status_keys[st], s->status[st]);
	fprintf(out, "},\n  \"deferrals\": {\"events\": %llu, \"messages\": %llu},\n",
	        s->status[SMTPCLASS_STATUS_DEFERRED], deferred_messages(s));
	fputs("  \"verdicts\": {", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "%s\"%s\": %llu", v > 0 ? ", " : "",
		        smtpclass_verdict_name((smtpclass_verdict)v), s->verdicts[v]);
	fputs("},\n  \"reasons\": ", out);
	json_count_object(out, s->reasons, s->reason_count, smtpclass_reason_name);
	fputs(",\n  \"actions\": ", out);
	json_count_object(out, s->actions, s->action_count, smtpclass_action_name);
	fputs(",\n", out);
	json_party(out, s, &s->domains, "domain", "domains");
	json_party(out, s, &s->hosts, "host", "hosts");
	json_groups(out, s);
	json_hours(out, s);
	fprintf(out, "  \"addresses\": {\"remove\": %llu, \"soft\": %llu}\n}\n",
	        address_total(s, 0), address_total(s, 1));
}

/* ---- A strict JSON reader ------------------------------------------------- */

enum json_type { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

/* One value of the document.  Tokens are in document order: an object's
 * members follow it as key, value, key, value; next skips the children. */
struct json_token {
	unsigned char type;
	size_t start, end; /* the value's bytes; for a string, inside the quotes */
	size_t next;       /* index of the token after this value and its children */
	size_t count;      /* members of an object, elements of an array */
};

#define JSON_DEPTH_MAX 32
#define JSON_NONE      ((size_t)-1)

struct json_reader {
	const char *text;
	size_t len, pos;
	struct json_token *tokens;
	size_t used, max;
	size_t error_offset;
	const char *error;
};

static int json_fail(struct json_reader *r, size_t offset, const char *message)
{
	if (r->error == NULL) {
		r->error_offset = offset;
		r->error = message;
	}
	return -1;
}

static void json_skip_space(struct json_reader *r)
{
	while (r->pos < r->len && (r->text[r->pos] == ' ' || r->text[r->pos] == '\t' ||
	                           r->text[r->pos] == '\n' || r->text[r->pos] == '\r'))
		r->pos++;
}

static int json_hex4(const char *s, unsigned *value)
{
	*value = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];
		int digit = is_digit(c) ? c - '0' : is_hex_letter(c) ? (c | 0x20) - 'a' + 10 : -1;

		if (digit < 0)
			return -1;
		*value = *value << 4 | (unsigned)digit;
	}
	return 0;
}

/* Checks a string from its opening quote; leaves pos after the closing one. */
static int json_scan_string(struct json_reader *r)
{
	const unsigned char *s = (const unsigned char *)r->text;

	r->pos++;
	while (r->pos < r->len) {
		unsigned char c = s[r->pos];
		size_t n;
		unsigned unit, low;

		if (c == '"') {
			r->pos++;
			return 0;
		}
		if (c < 0x20)
			return json_fail(r, r->pos, "control character in a string");
		if (c != '\\') {
			n = utf8_sequence_length(s + r->pos, r->len - r->pos);
			if (n == 0)
				return json_fail(r, r->pos, "invalid UTF-8 in a string");
			r->pos += n;
			continue;
		}
		if (r->pos + 1 >= r->len)
			break;
		c = s[r->pos + 1];
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
			r->pos += 2;
			continue;
		}
		if (c != 'u')
			return json_fail(r, r->pos, "invalid escape in a string");
		if (r->pos + 6 > r->len)
			break;
		if (json_hex4(r->text + r->pos + 2, &unit) != 0)
			return json_fail(r, r->pos, "invalid \\u escape");
		if (unit >= 0xdc00 && unit <= 0xdfff)
			return json_fail(r, r->pos, "lone low surrogate in a string");
		if (unit >= 0xd800 && unit <= 0xdbff) {
			if ((r->pos + 6 < r->len && s[r->pos + 6] != '\\') ||
			    (r->pos + 7 < r->len && s[r->pos + 7] != 'u'))
				return json_fail(r, r->pos, "lone high surrogate in a string");
			if (r->pos + 12 > r->len)
				break;
			if (json_hex4(r->text + r->pos + 8, &low) != 0 || low < 0xdc00 ||
			    low > 0xdfff)
				return json_fail(r, r->pos, "lone high surrogate in a string");
			r->pos += 6;
		}
		r->pos += 6;
	}
	return json_fail(r, r->len, "unexpected end of input in a string");
}

static int json_scan_number(struct json_reader *r)
{
	const char *s = r->text;
	size_t digits;

	if (r->pos < r->len && s[r->pos] == '-')
		r->pos++;
	digits = skip_digits(s, r->pos, r->len);
	if (digits == r->pos)
		return json_fail(r, r->pos,
		                 r->pos == r->len ? "unexpected end of input in a number"
		                                  : "invalid number");
	if (s[r->pos] == '0' && digits - r->pos > 1)
		return json_fail(r, r->pos, "number with a leading zero");
	r->pos = digits;
	if (r->pos < r->len && s[r->pos] == '.') {
		digits = skip_digits(s, r->pos + 1, r->len);
		if (digits == r->pos + 1)
			return json_fail(r, digits, "invalid number");
		r->pos = digits;
	}
	if (r->pos < r->len && (s[r->pos] == 'e' || s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->len && (s[r->pos] == '+' || s[r->pos] == '-'))
			r->pos++;
		digits = skip_digits(s, r->pos, r->len);
		if (digits == r->pos)
			return json_fail(r, digits, "invalid number");
		r->pos = digits;
	}
	return 0;
}

static int json_scan_literal(struct json_reader *r, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < n; i++) {
		if (r->pos + i >= r->len)
			return json_fail(r, r->len, "unexpected end of input");
		if (r->text[r->pos + i] != word[i])
			return json_fail(r, r->pos, "invalid literal");
	}
	r->pos += n;
	return 0;
}

static long json_value(struct json_reader *r, int depth);

/* The members or elements of an object or array, from after its bracket. */
static int json_children(struct json_reader *r, size_t token, int depth)
{
	int object = r->tokens[token].type == J_OBJECT;
	char close = object ? '}' : ']';

	json_skip_space(r);
	if (r->pos < r->len && r->text[r->pos] == close) {
		r->pos++;
		return 0;
	}
	for (;;) {
		json_skip_space(r);
		if (object) {
			if (r->pos >= r->len)
				return json_fail(r, r->len, "unexpected end of input");
			if (r->text[r->pos] != '"')
				return json_fail(r, r->pos, "expected a string as member name");
			if (json_value(r, depth + 1) < 0)
				return -1;
			json_skip_space(r);
			if (r->pos >= r->len)
				return json_fail(r, r->len, "unexpected end of input");
			if (r->text[r->pos] != ':')
				return json_fail(r, r->pos, "expected ':' after a member name");
			r->pos++;
		}
		if (json_value(r, depth + 1) < 0)
			return -1;
		r->tokens[token].count++;
		json_skip_space(r);
		if (r->pos >= r->len)
			return json_fail(r, r->len, "unexpected end of input");
		if (r->text[r->pos] == close) {
			r->pos++;
			return 0;
		}
		if (r->text[r->pos] != ',')
			return json_fail(r, r->pos,
			                 object ? "expected ',' or '}'" : "expected ',' or ']'");
		r->pos++;
	}
}

/* Scans one value at pos into a token; returns its index or -1. */
static long json_value(struct json_reader *r, int depth)
{
	size_t token;
	struct json_token *t;
	int status;

	json_skip_space(r);
	if (r->pos >= r->len)
		return json_fail(r, r->len, "unexpected end of input");
	if (depth > JSON_DEPTH_MAX)
		return json_fail(r, r->pos, "nested too deeply");
	if (r->used == r->max)
		return json_fail(r, r->pos, "too many values");
	token = r->used++;
	t = &r->tokens[token];
	memset(t, 0, sizeof(*t));
	t->start = r->pos;
	switch (r->text[r->pos]) {
	case '{':
	case '[':
		t->type = r->text[r->pos] == '{' ? J_OBJECT : J_ARRAY;
		r->pos++;
		status = json_children(r, token, depth);
		break;
	case '"':
		t->type = J_STRING;
		status = json_scan_string(r);
		break;
	case 't':
		t->type = J_TRUE;
		status = json_scan_literal(r, "true");
		break;
	case 'f':
		t->type = J_FALSE;
		status = json_scan_literal(r, "false");
		break;
	case 'n':
		t->type = J_NULL;
		status = json_scan_literal(r, "null");
		break;
	default:
		if (r->text[r->pos] != '-' && !is_digit((unsigned char)r->text[r->pos]))
			return json_fail(r, r->pos, "unexpected character");
		t->type = J_NUMBER;
		status = json_scan_number(r);
		break;
	}
	if (status != 0)
		return -1;
	t = &r->tokens[token];
	t->end = r->pos;
	if (t->type == J_STRING) {
		t->start++;
		t->end--;
	}
	t->next = r->used;
	return (long)token;
}

/* Tokenises a whole document; returns 0, or -1 with r->error set. */
static int json_read(struct json_reader *r)
{
	if (json_value(r, 0) < 0)
		return -1;
	json_skip_space(r);
	if (r->pos < r->len)
		return json_fail(r, r->pos, "data after the JSON document");
	return 0;
}

static void put_utf8(struct text_buffer *o, unsigned long cp)
{
	char b[4];

	if (cp < 0x80) {
		put_char(o, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		put_bytes(o, b, 4);
	}
}

/* Decodes a (checked) string token into out; returns the length kept. */
static size_t json_decode(const struct json_reader *r, size_t token, char *out, size_t size)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	const struct json_token *t = &r->tokens[token];
	struct text_buffer o = {out, size, 0, 0};
	size_t i = t->start;

	while (i < t->end && !o.full) {
		unsigned unit, low;

		if (r->text[i] != '\\') {
			put_char(&o, r->text[i++]);
			continue;
		}
		if (r->text[i + 1] != 'u') {
			const char *e = strchr(escapes, r->text[i + 1]);

			put_char(&o, e != NULL ? e[1] : '?');
			i += 2;
			continue;
		}
		json_hex4(r->text + i + 2, &unit);
		i += 6;
		if (unit >= 0xd800 && unit <= 0xdbff) {
			json_hex4(r->text + i + 2, &low);
			i += 6;
			put_utf8(&o,
			         0x10000 + ((unsigned long)(unit - 0xd800) << 10) + (low - 0xdc00));
		} else {
			put_utf8(&o, unit);
		}
	}
	return o.full ? utf8_trim(out, o.len) : o.len;
}

/* ---- Merging JSON summaries ----------------------------------------------- */

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

/* A count: a whole number from 0 to 2^53. */
static int read_count(struct merge *m, size_t token, const char *what, unsigned long long *value)
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
	*value = v;
	return 0;
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

/* Adds an object of name-to-count (reasons, actions, ...) to counts. */
static int merge_name_counts(struct merge *m, size_t object, const char *what,
                             unsigned long long *counts, int (*from_name)(const char *, size_t))
{
	size_t i = object + 1;

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
		if (m->apply)
			counts[id] += value;
		i = m->r->tokens[i + 1].next;
	}
	return 0;
}

static int status_from_name(const char *name, size_t len)
{
	for (int st = 1; st < STATUS_COUNT; st++)
		if (strlen(status_keys[st]) == len && memcmp(status_keys[st], name, len) == 0)
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
		if (strlen(table_names[id]) == len && memcmp(table_names[id], name, len) == 0)
			return id;
	return -1;
}

/* The statuses of an entry ("sent": n, ...) into status[]. */
static int read_statuses(struct merge *m, size_t object, unsigned long long *status)
{
	for (int st = 1; st < STATUS_COUNT; st++)
		if (read_member_count(m, object, status_keys[st], &status[st]) != 0)
			return -1;
	return 0;
}

/* A list that holds fewer entries than the table had was cut by --top. */
static int merge_list_length(struct merge *m, size_t object, const char *count_key, size_t list,
                             enum table_id id, unsigned long long *distinct)
{
	if (read_member_count(m, object, count_key, distinct) != 0)
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
		unsigned long long records, error, status[STATUS_COUNT] = {0}, *reasons;
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
		                      smtpclass_reason_from_name) != 0)
			return -1;
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

static int merge_group_domains(struct merge *m, size_t object, struct group_info *g)
{
	size_t i = object + 1;

	for (size_t k = 0; k < m->r->tokens[object].count; k++) {
		char name[GROUP_DOMAIN_NAME_MAX];
		size_t len = json_decode(m->r, i, name, sizeof(name));
		unsigned long long count;

		if (read_count(m, i + 1, "domains", &count) != 0)
			return -1;
		if (m->apply)
			group_domain_add(g, m->s->group_domains, name, len, count, 0);
		i = m->r->tokens[i + 1].next;
	}
	return 0;
}

static int merge_groups(struct merge *m, size_t root)
{
	size_t list = required(m, root, "groups", J_ARRAY), i;
	unsigned long long distinct;

	if (list == JSON_NONE ||
	    merge_list_length(m, root, "group_count", list, T_GROUPS, &distinct) != 0)
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
		domains = required(m, i, "domains", J_OBJECT);
		example_token =
		    domains == JSON_NONE ? JSON_NONE : required(m, i, "example", J_STRING);
		if (example_token == JSON_NONE)
			return -1;
		if (m->apply) {
			len = json_decode(m->r, template_token, template, sizeof(template));
			g = group_of(m->s, group_add(m->s, template, len,
			                             group_tag(verdict, reason, action), count,
			                             error, &fresh));
			if (fresh)
				g->example_len = (unsigned short)json_decode(
				    m->r, example_token, g->example, sizeof(g->example));
		}
		if (merge_group_domains(m, domains, g) != 0)
			return -1;
	}
	if (m->apply && distinct > m->s->group_distinct)
		m->s->group_distinct = distinct;
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
		if (!parse_stamp(label, len, &stamp))
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
		if (!parse_stamp(text, len, &stamp))
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

/* The counts at the top of the document. */
static int merge_totals(struct merge *m, size_t root)
{
	struct summary *s = m->s;
	size_t deferrals, addresses;
	unsigned long long records, messages, events, remove, soft;

	if (read_member_count(m, root, "records", &records) != 0)
		return -1;
	if (required(m, root, "totals", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "totals"), "totals", s->status,
	                      status_from_name) != 0 ||
	    required(m, root, "verdicts", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "verdicts"), "verdicts", s->verdicts,
	                      verdict_from_name) != 0 ||
	    required(m, root, "reasons", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "reasons"), "reasons", s->reasons,
	                      smtpclass_reason_from_name) != 0 ||
	    required(m, root, "actions", J_OBJECT) == JSON_NONE ||
	    merge_name_counts(m, member(m, root, "actions"), "actions", s->actions,
	                      smtpclass_action_from_name) != 0)
		return -1;
	deferrals = required(m, root, "deferrals", J_OBJECT);
	addresses = deferrals == JSON_NONE ? JSON_NONE : required(m, root, "addresses", J_OBJECT);
	if (addresses == JSON_NONE || read_member_count(m, deferrals, "events", &events) != 0 ||
	    read_member_count(m, deferrals, "messages", &messages) != 0 ||
	    read_member_count(m, addresses, "remove", &remove) != 0 ||
	    read_member_count(m, addresses, "soft", &soft) != 0)
		return -1;
	if (m->apply) {
		s->records += records;
		s->deferred_merged += messages;
		s->remove_merged += remove;
		s->soft_merged += soft;
	}
	return 0;
}

static int merge_document(struct merge *m)
{
	size_t root = 0, schema, approximate;

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
	if (merge_totals(m, root) != 0 || merge_capped(m, root) != 0 ||
	    merge_time_span(m, root) != 0 ||
	    merge_party(m, root, "domains", "domain", &m->s->domains, T_DOMAINS) != 0 ||
	    merge_party(m, root, "hosts", "host", &m->s->hosts, T_HOSTS) != 0 ||
	    merge_groups(m, root) != 0 || merge_hours(m, root) != 0)
		return -1;
	return 0;
}

int summary_merge_json(struct summary *s, const char *text, size_t len, size_t *error_offset,
                       char *error, size_t error_size)
{
	struct json_reader r = {text, len, 0, NULL, 0, len / 2 + 2, 0, NULL};
	struct merge m = {s, &r, 0, 0, error, error_size, 0};
	int status = -1;

	*error_offset = 0;
	if (error_size > 0)
		error[0] = '\0';
	r.tokens = malloc(r.max * sizeof(*r.tokens));
	if (r.tokens == NULL) {
		snprintf(error, error_size, "out of memory");
		return -1;
	}
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
