/*
 * delay.c: queue times of delivered mail (see delay.h).
 *
 * The bucket bounds are exact integers: bucket b >= 1 starts at m << k
 * milliseconds, where b - 1 = 3k + j and m is 125, 157 or 198 for j = 0,
 * 1, 2 (125 ms times 1, 2^(1/3) and 2^(2/3), rounded down), so a summary
 * written on one machine names the same buckets on any other.
 */
#include "delay.h"

#include <stdio.h>

static const unsigned long long thirds[3] = {125, 157, 198};

unsigned long long delay_bucket_floor(size_t b)
{
	if (b == 0)
		return 0;
	if (b >= DELAY_BUCKETS)
		return DELAY_MAX_MS + 1;
	return thirds[(b - 1) % 3] << ((b - 1) / 3);
}

/* The number of bits of n > 0, without a loop where the compiler has one. */
static unsigned bit_length(unsigned long long n)
{
#if defined(__GNUC__)
	return 64u - (unsigned)__builtin_clzll(n);
#else
	unsigned bits = 0;

	for (; n != 0; n >>= 1)
		bits++;
	return bits;
#endif
}

size_t delay_bucket(unsigned long long ms)
{
	/* The last bucket whose floor is at most ms, without a search (two
	 * of these run for every delivered record): the octave q is the
	 * largest with 125 << q <= ms, then the third r the largest with
	 * thirds[r] << q <= ms, so the bucket is 3q + r + 1. */
	const unsigned top_octave = (DELAY_BUCKETS - 2) / 3;
	unsigned q;
	size_t b;

	if (ms < thirds[0])
		return 0;
	q = bit_length(ms / thirds[0]) - 1;
	if (q > top_octave)
		return DELAY_BUCKETS - 1;
	b = 3 * (size_t)q + 1 + (ms >= thirds[1] << q) + (ms >= thirds[2] << q);
	return b < DELAY_BUCKETS ? b : DELAY_BUCKETS - 1;
}

size_t delay_bucket_at(unsigned long long ms)
{
	size_t b = delay_bucket(ms);

	return delay_bucket_floor(b) == ms ? b : DELAY_BUCKETS;
}

void delay_add(struct delay_stats *d, unsigned long long ms)
{
	d->count++;
	d->total_ms += ms;
	if (ms > d->max_ms)
		d->max_ms = ms;
	d->buckets[delay_bucket(ms)]++;
}

void delay_merge(struct delay_stats *into, const struct delay_stats *from)
{
	into->count += from->count;
	into->total_ms += from->total_ms;
	if (from->max_ms > into->max_ms)
		into->max_ms = from->max_ms;
	for (size_t b = 0; b < DELAY_BUCKETS; b++)
		into->buckets[b] += from->buckets[b];
}

unsigned long long delay_percentile_ms(const struct delay_stats *d, unsigned permille)
{
	unsigned long long seen = 0, rank;

	if (d->count == 0)
		return 0;
	/* the rank-th smallest delay, rank = ceil(count * permille / 1000),
	 * computed without overflow */
	rank = d->count / 1000 * permille + (d->count % 1000 * permille + 999) / 1000;
	if (rank == 0)
		rank = 1;
	for (size_t b = 0; b < DELAY_BUCKETS; b++) {
		seen += d->buckets[b];
		if (seen >= rank) {
			unsigned long long ceiling = delay_bucket_floor(b + 1);
			return ceiling < d->max_ms ? ceiling : d->max_ms;
		}
	}
	return d->max_ms; /* the buckets add up to less than count (a merged summary) */
}

unsigned long long delay_average_ms(const struct delay_stats *d)
{
	return d->count > 0 ? (d->total_ms + d->count / 2) / d->count : 0;
}

/* Reads digits, and with fraction a '.' and digits, as milliseconds times
 * unit; returns where it stopped, or NULL when there is no digit or the
 * value passes DELAY_MAX_MS. */
static const char *read_number(const char *p, const char *end, unsigned long long unit_ms,
                               int fraction, unsigned long long *ms)
{
	unsigned long long whole = 0, part = 0, scale = 1;
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9') {
		whole = whole * 10 + (unsigned long long)(*p - '0');
		if (whole > DELAY_MAX_MS)
			return NULL;
		p++;
	}
	if (p == start)
		return NULL;
	if (fraction && p < end && *p == '.') {
		const char *digits = ++p;
		while (p < end && *p >= '0' && *p <= '9') {
			if (scale < 1000000) {
				part = part * 10 + (unsigned long long)(*p - '0');
				scale *= 10;
			}
			p++;
		}
		if (p == digits)
			return NULL;
	}
	if (whole > DELAY_MAX_MS / unit_ms)
		return NULL;
	*ms = whole * unit_ms + part * unit_ms / scale;
	return p;
}

/* "[D+]HH:MM:SS" (Sendmail). */
static int parse_clock(const char *p, const char *end, unsigned long long *ms)
{
	static const unsigned long long units[3] = {3600000, 60000, 1000};
	unsigned long long total = 0, part;
	const char *plus = p;

	while (plus < end && *plus != '+')
		plus++;
	if (plus < end) {
		if (read_number(p, plus, 86400000, 0, &part) != plus)
			return 0;
		total = part;
		p = plus + 1;
	}
	for (int i = 0; i < 3; i++) {
		const char *q = read_number(p, end, units[i], i == 2, &part);
		if (q == NULL || q - p > (i == 0 ? 5 : i == 1 ? 2 : 9))
			return 0;
		total += part;
		if (i < 2) {
			if (q >= end || *q != ':')
				return 0;
			q++;
		} else if (q != end) {
			return 0;
		}
		p = q;
	}
	*ms = total;
	return total <= DELAY_MAX_MS;
}

int delay_parse_ms(const char *s, size_t n, unsigned long long *ms)
{
	static const struct {
		char unit;
		unsigned long long ms;
	} units[] = {{'w', 604800000}, {'d', 86400000}, {'h', 3600000}, {'m', 60000}, {'s', 1000}};
	const char *p = s, *end = s + n;
	unsigned long long total = 0, part;
	size_t next_unit = 0;

	if (s == NULL || n == 0)
		return 0;
	for (const char *q = s; q < end; q++)
		if (*q == ':')
			return parse_clock(s, end, ms);
	/* decimal seconds: digits only, or with a fraction */
	p = read_number(s, end, 1000, 1, &part);
	if (p == end) {
		*ms = part;
		return 1;
	}
	/* numbers with units, largest first, each unit once: "1d2h3m4s" */
	p = s;
	while (p < end) {
		const char *q = read_number(p, end, 1, 1, &part);
		size_t u = next_unit;
		unsigned long long whole;
		const char *q_whole;

		if (q == NULL || q >= end)
			return 0;
		while (u < sizeof(units) / sizeof(units[0]) && units[u].unit != *q)
			u++;
		if (u == sizeof(units) / sizeof(units[0]))
			return 0;
		/* again in the unit's milliseconds (a fraction only for seconds) */
		q_whole = read_number(p, end, units[u].ms, units[u].unit == 's', &whole);
		if (q_whole != q || total + whole > DELAY_MAX_MS)
			return 0;
		total += whole;
		next_unit = u + 1;
		p = q + 1;
	}
	*ms = total;
	return 1;
}

void delay_text(unsigned long long ms, char *buf, size_t size)
{
	unsigned long long s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, size, "%llums", ms);
	else if (ms < 10000)
		snprintf(buf, size, "%llu.%llus", s, ms % 1000 / 100);
	else if (s < 60)
		snprintf(buf, size, "%llus", s);
	else if (s < 3600)
		snprintf(buf, size, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lluh%02llum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%llud%02lluh", s / 86400, s % 86400 / 3600);
}
