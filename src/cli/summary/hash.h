/*
 * hash.h: the summary's hashes, all inline.
 *
 * Keys are hashed once per record (two or three names of every log line)
 * and compared on every lookup, so the words are read eight bytes at a
 * time with a multiply and a shift, and the last few bytes with
 * overlapping loads instead of a byte loop.  Names (domains, hosts,
 * addresses) are hashed and compared straight from the log line without a
 * lower-case copy: hash_folded() ignores case and equal_folded() compares
 * a stored lower-case key with raw text.  The Space-Saving tables
 * (topk.h) mix a hash once more for their index.  Everything here is
 * static inline: it used to sit in the file of summary_add(), and the
 * counting relies on it being inlined.
 */
#ifndef SMTPCLASS_SUMMARY_HASH_H
#define SMTPCLASS_SUMMARY_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_MULTIPLIER 0x9e3779b97f4a7c15ull

/*
 * The seed of every hash, chosen at random once per run (hash_seed_init()):
 * the names hashed come from remote senders, and with a fixed seed 5,000
 * crafted domains whose hashes collide made a summary 12 times slower.
 * Nothing written depends on it: reports are ranked by counts and names.
 */
extern uint64_t hash_seed;
#define HASH_SEED hash_seed

/* Sets hash_seed from getrandom(2) (a time-based value when that fails);
 * called before any table exists. */
void hash_seed_init(void);

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* An 8-byte word with its ASCII capitals turned to lower case, all eight
 * bytes at once: bit 7 of (b + 0x3f) says b >= 'A', of (b + 0x25) says
 * b > 'Z'; bytes from 0x80 are left alone. */
static inline uint64_t lower_word(uint64_t word)
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
static inline uint64_t load_tail(const char *s, size_t n)
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
static inline uint64_t hash_bytes(uint64_t h, const char *s, size_t len)
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
static inline uint64_t last_word(const char *s, size_t len)
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
static inline uint64_t hash_folded(const char *s, size_t len)
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
static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

#endif
