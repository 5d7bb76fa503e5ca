/*
 * topk.c: Space-Saving tables (Metwally, Agrawal and El Abbadi, 2005).
 *
 * Each keyed table of the summary is a fixed array of entries, an
 * open-addressing index for O(1) lookups and a lazy min-heap on the
 * counts.  A new key that finds the table full replaces the entry with the
 * smallest count and inherits that count as its error, so heavy keys are
 * kept and every count is an upper bound off by at most its error.  Any
 * replacement (counted in evicted) marks the summary approximate.
 *
 * A table holds at most capacity entries.  An entry is identified by its hash,
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
#include "topk.h"

#include <stdlib.h>
#include <string.h>

/* A table whose entries keep key_inline bytes of key (more when that
 * fills their last cache line); keys up to key_max bytes. */
int topk_init(struct topk *t, size_t capacity, size_t key_max, size_t key_inline,
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

void topk_free(struct topk *t)
{
	free(t->block);
	free(t->spill);
	free(t->heap);
	free(t->slots);
}

/* The slot of (hash, tag, key), or the free slot where it would go. */
size_t topk_slot_of(const struct topk *t, uint64_t hash, uint16_t tag, const char *key, size_t len)
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
size_t topk_add(struct topk *t, uint64_t hash, uint16_t tag, const char *key, size_t len,
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
