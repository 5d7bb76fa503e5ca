/*
 * topk.h: Space-Saving tables of fixed capacity (topk.c has the design).
 *
 * A table keeps at most its capacity of keyed entries, each with a count,
 * an error (how much too high the count may be), a tally and a mark for
 * the caller and a payload of the caller's data.  What a record does on
 * every lookup is here and static inline: reading an entry, finding a
 * key, requesting the lines a lookup will need (PREFETCH) and counting a
 * name that is already in the table.  Inserting and evicting are in
 * topk.c.
 */
#ifndef SMTPCLASS_SUMMARY_TOPK_H
#define SMTPCLASS_SUMMARY_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

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

/* Makes t a table of capacity entries whose keys are up to key_max bytes
 * (0: the hash is the key), key_inline of them kept in the entry, with
 * payload_size bytes of the caller's data.  Returns 0, or -1 when the
 * sizes are out of range or memory is short (topk_free() it anyway). */
int topk_init(struct topk *t, size_t capacity, size_t key_max, size_t key_inline,
              size_t payload_size);

void topk_free(struct topk *t);

/* The slot of (hash, tag, key), or the free slot where it would go. */
size_t topk_slot_of(const struct topk *t, uint64_t hash, uint16_t tag, const char *key, size_t len);

/* Adds weight to the count of (hash, tag, key) and error to its error; a
 * missing key takes a free entry or the one with the smallest count, its
 * data zeroed and *fresh set.  Returns the entry. */
size_t topk_add(struct topk *t, uint64_t hash, uint16_t tag, const char *key, size_t len,
                unsigned long long weight, unsigned long long error, int *fresh);

static inline struct topk_entry *topk_entry(const struct topk *t, size_t i)
{
	return (struct topk_entry *)(void *)(t->entries + i * t->entry_size);
}

/* The error of entry i: its count may be that much too high. */
static inline unsigned long long *topk_error(const struct topk *t, size_t i)
{
	return (unsigned long long *)(void *)(t->entries + i * t->entry_size + t->error_offset);
}

/* The caller's data of entry i. */
static inline void *topk_payload(const struct topk *t, size_t i)
{
	return t->entries + i * t->entry_size + t->error_offset + sizeof(unsigned long long);
}

/* Where entry i keeps a key of len bytes. */
static inline char *topk_key_place(const struct topk *t, size_t i, size_t len)
{
	if (len > t->key_inline)
		return t->spill + i * t->key_max;
	return t->entries + i * t->entry_size + TOPK_HEADER;
}

static inline const char *topk_key(const struct topk *t, size_t i)
{
	return topk_key_place(t, i, topk_entry(t, i)->key_len);
}

/* The index's check value of a hash; its low bits are the home slot. */
static inline uint32_t topk_check(uint64_t hash)
{
	return (uint32_t)mix(hash);
}

/* Returns the entry of (hash, tag, key), or -1. */
static inline long topk_find(const struct topk *t, uint64_t hash, uint16_t tag, const char *key,
                             size_t len)
{
	if (len > t->key_max)
		len = t->key_max;
	return (long)t->slots[topk_slot_of(t, hash, tag, key, len)].entry - 1;
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
static inline const struct topk_slot *topk_home_slot(const struct topk *t, uint64_t hash)
{
	return &t->slots[topk_check(hash) & t->mask];
}

/* The entry in the home slot of hash (most often the entry of hash), or
 * the slot itself when that is free. */
static inline const void *topk_home_entry(const struct topk *t, uint64_t hash)
{
	const struct topk_slot *slot = topk_home_slot(t, hash);

	if (slot->entry == 0)
		return slot;
	return t->entries + (slot->entry - 1) * t->entry_size;
}

/* Adds weight to the count of entry i, found before: the lazy heap needs
 * nothing more. */
static inline void topk_bump(struct topk *t, size_t i, unsigned long long weight)
{
	topk_entry(t, i)->count += weight;
}

/*
 * topk_add() of one record to a name in a table of names (tag 0), the
 * common case first and on its own: the name is in the table, and this
 * runs for two names of every record.  Returns the entry.
 */
static inline size_t topk_count_name(struct topk *t, uint64_t hash, const char *name, size_t len)
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

#endif
