/*
 * delay.h: queue times of delivered mail, in bounded memory (delay.c).
 *
 * The summary reports, for all delivered mail and per recipient domain,
 * how long messages waited in the queue before delivery: the average, the
 * 95th percentile and the maximum, as pflogsumm and eximstats do from
 * Postfix's delay=, Exim's QT= and the like.  A percentile needs the
 * values, which a summary of gigabytes cannot keep; a delay_stats keeps a
 * histogram of DELAY_BUCKETS buckets instead, each a third of an octave
 * wide (bounds 125 ms, 157 ms, 198 ms, 250 ms, ... doubling every three
 * buckets), so the 95th percentile read from it, the upper bound of the
 * bucket that holds it, is at most 26% above the true one and never above
 * the maximum.  Count, total and maximum are exact; histograms add up, so
 * summaries of several hosts merge exactly.
 */
#ifndef SMTPCLASS_SUMMARY_DELAY_H
#define SMTPCLASS_SUMMARY_DELAY_H

#include <stddef.h>

/* Bucket 0 is below 125 ms; the last one, from about 97 days, is open. */
#define DELAY_BUCKETS 80

/* Longest delay taken, in milliseconds (ten years): a longer one is not
 * a queue time but a broken field. */
#define DELAY_MAX_MS (10ULL * 366 * 86400 * 1000)

struct delay_stats {
	unsigned long long count, total_ms, max_ms;
	unsigned long long buckets[DELAY_BUCKETS];
};

/*
 * Reads a queue time as log lines write it, s[0..n), into *ms: decimal
 * seconds ("6.2", Postfix), [days+]hh:mm:ss ("00:01:00", "1+02:03:04",
 * Sendmail), or numbers with units w, d, h, m, s ("27s", "1d2h3m4s",
 * "0.250s": Exim, OpenSMTPD).  Returns 1, or 0 when it is none of those
 * or above DELAY_MAX_MS.
 */
int delay_parse_ms(const char *s, size_t n, unsigned long long *ms);

/* The bucket of a delay, and the lower bound of bucket b in ms. */
size_t delay_bucket(unsigned long long ms);
unsigned long long delay_bucket_floor(size_t b);

/* The bucket whose lower bound is ms, or DELAY_BUCKETS when none is. */
size_t delay_bucket_at(unsigned long long ms);

/* Counts one delay. */
void delay_add(struct delay_stats *d, unsigned long long ms);

/* Adds the counts of from to into. */
void delay_merge(struct delay_stats *into, const struct delay_stats *from);

/* The permille-th per mille of the delays (950: the 95th percentile) as
 * the upper bound of its bucket, at most the maximum; 0 without delays. */
unsigned long long delay_percentile_ms(const struct delay_stats *d, unsigned permille);

/* The average delay, rounded to the millisecond; 0 without delays. */
unsigned long long delay_average_ms(const struct delay_stats *d);

/* Writes a delay for people into buf (size at least 16): "340ms",
 * "4.2s", "27s", "4m12s", "2h05m", "3d04h". */
void delay_text(unsigned long long ms, char *buf, size_t size);

#endif
