/*
 * addrset.c: the failed recipients of a summary, exact.
 *
 * --addresses=remove is the one list that makes a script unsubscribe
 * people, so it is exact or it says it is not.  The other tables of a
 * summary are Space-Saving tables (topk.c), which replace their lightest
 * entry when full: right for "top domains", wrong for addresses, where a
 * replaced entry would come back later with its history gone (a recipient
 * that bounced "user unknown" then listed as one that only failed softly).
 * So the addresses have a set of their own that never replaces anything:
 *
 *   - records: the latest outcome (struct address_info, 12 bytes) and the
 *     address in lower case, packed one after the other into chunks of
 *     1 MiB and never moved, about 40 bytes for a real address;
 *   - an index of 8-byte slots, open addressing with linear probing, at
 *     most half full and doubled (rebuilt from its own slots: a slot's
 *     check holds the bits that choose its home) as the set grows; a slot
 *     points at its record by offset, so 32 bits reach 32 GiB of records.
 *
 * About 56 bytes an address, growing with the addresses held, up to the
 * bound given to addrset_init() and ADDRSET_BYTES_MAX of records.  An
 * address that finds the set at its bound, or memory short, is not held
 * and is counted in refused: the list written from the set is then
 * incomplete, and the caller says so.
 */
#include "addrset.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK       ((size_t)1 << 20)
#define CHUNK_UNITS (CHUNK / 8)
#define FIRST_SLOTS 64

static size_t record_size(size_t len)
{
	return (offsetof(struct address_info, key) + len + 7) / 8 * 8;
}

static struct address_info *record_at(const struct addrset *set, uint32_t ref)
{
	size_t unit = (size_t)ref - 1;

	return (struct address_info *)(void *)(set->chunks[unit / CHUNK_UNITS] +
	                                       unit % CHUNK_UNITS * 8);
}

int addrset_init(struct addrset *set, size_t max)
{
	memset(set, 0, sizeof(*set));
	set->max = max;
	set->mask = FIRST_SLOTS - 1;
	set->slots = calloc(FIRST_SLOTS, sizeof(*set->slots));
	return set->slots == NULL ? -1 : 0;
}

void addrset_free(struct addrset *set)
{
	for (size_t i = 0; i < set->chunk_count; i++)
		free(set->chunks[i]);
	free(set->chunks);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

static int same_address(const struct address_info *a, const char *address, size_t len)
{
	return a->len == len && equal_folded(a->key, address, len);
}

/* The slot of address, or the free slot where it would go. */
static size_t slot_of(const struct addrset *set, uint32_t check, const char *address, size_t len)
{
	size_t slot = check & set->mask;

	for (;; slot = (slot + 1) & set->mask) {
		const struct addrset_slot *s = &set->slots[slot];

		if (s->ref == 0 ||
		    (s->check == check && same_address(record_at(set, s->ref), address, len)))
			return slot;
	}
}

struct address_info *addrset_find(const struct addrset *set, uint64_t hash, const char *address,
                                  size_t len)
{
	uint32_t check = (uint32_t)mix(hash);
	size_t slot;

	if (len > ADDRSET_KEY_MAX)
		len = ADDRSET_KEY_MAX;
	slot = slot_of(set, check, address, len);
	return set->slots[slot].ref == 0 ? NULL : record_at(set, set->slots[slot].ref);
}

/* Doubles the index; -1 when memory is short (the old one is kept). */
static int grow_index(struct addrset *set)
{
	size_t slots = (set->mask + 1) * 2;
	struct addrset_slot *grown;

	if (slots > (size_t)UINT32_MAX + 1 || slots > SIZE_MAX / sizeof(*grown))
		return -1;
	grown = calloc(slots, sizeof(*grown));
	if (grown == NULL)
		return -1;
	for (size_t i = 0; i <= set->mask; i++) {
		size_t slot;

		if (set->slots[i].ref == 0)
			continue;
		for (slot = set->slots[i].check & (slots - 1); grown[slot].ref != 0;
		     slot = (slot + 1) & (slots - 1))
			;
		grown[slot] = set->slots[i];
	}
	free(set->slots);
	set->slots = grown;
	set->mask = slots - 1;
	return 0;
}

/* Room for a record of size bytes; its ref, or 0 when memory is short or
 * the records would pass ADDRSET_BYTES_MAX. */
static uint32_t take_room(struct addrset *set, size_t size)
{
	size_t unit;

	if (set->chunk_count == 0 || set->chunk_used + size > CHUNK) {
		char *chunk;

		if ((set->chunk_count + 1) * CHUNK > ADDRSET_BYTES_MAX)
			return 0;
		if (set->chunk_count == set->chunk_capacity) {
			size_t capacity = set->chunk_capacity == 0 ? 16 : set->chunk_capacity * 2;
			char **chunks = realloc(set->chunks, capacity * sizeof(*chunks));

			if (chunks == NULL)
				return 0;
			set->chunks = chunks;
			set->chunk_capacity = capacity;
		}
		chunk = malloc(CHUNK);
		if (chunk == NULL)
			return 0;
		set->chunks[set->chunk_count++] = chunk;
		set->chunk_used = 0;
	}
	unit = (set->chunk_count - 1) * CHUNK_UNITS + set->chunk_used / 8;
	set->chunk_used += size;
	return (uint32_t)(unit + 1);
}

struct address_info *addrset_add(struct addrset *set, uint64_t hash, const char *address,
                                 size_t len)
{
	uint32_t check = (uint32_t)mix(hash), ref;
	size_t slot;
	struct address_info *a;

	if (len > ADDRSET_KEY_MAX)
		len = ADDRSET_KEY_MAX;
	slot = slot_of(set, check, address, len);
	if (set->slots[slot].ref != 0)
		return record_at(set, set->slots[slot].ref);
	if (set->count >= set->max) {
		set->refused++;
		return NULL;
	}
	if ((set->count + 1) * 2 > set->mask + 1) {
		if (grow_index(set) != 0) {
			set->refused++;
			set->out_of_memory = 1;
			return NULL;
		}
		slot = slot_of(set, check, address, len);
	}
	ref = take_room(set, record_size(len));
	if (ref == 0) {
		set->refused++;
		if ((set->chunk_count + 1) * CHUNK <= ADDRSET_BYTES_MAX)
			set->out_of_memory = 1;
		return NULL;
	}
	a = record_at(set, ref);
	memset(a, 0, offsetof(struct address_info, key));
	a->len = (unsigned char)len;
	for (size_t k = 0; k < len; k++)
		a->key[k] = lower(address[k]);
	set->slots[slot].check = check;
	set->slots[slot].ref = ref;
	set->count++;
	return a;
}

void addrset_each(const struct addrset *set, void (*each)(const struct address_info *, void *),
                  void *context)
{
	for (size_t i = 0; i <= set->mask; i++)
		if (set->slots[i].ref != 0)
			each(record_at(set, set->slots[i].ref), context);
}
