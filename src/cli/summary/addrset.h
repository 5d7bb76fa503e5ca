/*
 * addrset.h: the failed recipients of a summary, exact (addrset.c has the
 * design).
 *
 * Each address is held once with its latest outcome; nothing is ever
 * replaced, so an address keeps its history.  The set grows with the
 * addresses it holds up to a bound; an address that finds it at the bound
 * (or finds memory short) is not held and is counted in refused, so that
 * whoever writes a list from the set can say it is incomplete.
 */
#ifndef SMTPCLASS_SUMMARY_ADDRSET_H
#define SMTPCLASS_SUMMARY_ADDRSET_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* The latest outcome of a failed recipient, and its address (lower case). */
struct address_info {
	uint64_t time;         /* time key of the latest outcome, 0 when unknown */
	unsigned char verdict; /* smtpclass_verdict of the latest outcome */
	unsigned char remove;  /* its action was remove-address */
	unsigned char hard;    /* some outcome was a hard failure */
	unsigned char len;     /* of the address, up to ADDRSET_KEY_MAX */
	char key[];
};

#define ADDRSET_KEY_MAX 255

/* Bytes of records a set may hold, whatever its bound in addresses. */
#define ADDRSET_BYTES_MAX ((size_t)1 << 30)

struct addrset_slot {
	uint32_t check; /* the low 32 bits of mix(hash): its low bits are the home slot */
	uint32_t ref;   /* the record's offset in 8-byte units + 1, 0 when the slot is free */
};

struct addrset {
	size_t count;               /* addresses held */
	size_t max;                 /* addresses that may be held */
	unsigned long long refused; /* addresses not held: the bound was reached or memory short */
	int out_of_memory;          /* one of them was refused for want of memory */
	size_t mask;                /* slots - 1 */
	struct addrset_slot *slots;
	char **chunks;         /* records, CHUNK bytes each */
	size_t chunk_count;    /* chunks allocated */
	size_t chunk_capacity; /* room in chunks[] */
	size_t chunk_used;     /* bytes used in the last chunk */
};

/* Makes set an empty set that holds at most max addresses.  Returns 0, or
 * -1 when memory is short (addrset_free() it anyway). */
int addrset_init(struct addrset *set, size_t max);

void addrset_free(struct addrset *set);

/* The record of address (hash from hash_folded()), NULL when it is not held. */
struct address_info *addrset_find(const struct addrset *set, uint64_t hash, const char *address,
                                  size_t len);

/* The record of address, held from now on with its data zeroed when it was
 * not held; NULL when it cannot be held (counted in refused). */
struct address_info *addrset_add(struct addrset *set, uint64_t hash, const char *address,
                                 size_t len);

/* The home slot of hash, for a prefetch. */
static inline const struct addrset_slot *addrset_home(const struct addrset *set, uint64_t hash)
{
	return &set->slots[(uint32_t)mix(hash) & set->mask];
}

/* Calls each(record, context) for every address held, in no order. */
void addrset_each(const struct addrset *set, void (*each)(const struct address_info *, void *),
                  void *context);

#endif
