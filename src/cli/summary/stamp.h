/*
 * stamp.h: the log timestamps the summary reads, and keys that sort like
 * them (stamp.c).
 */
#ifndef SMTPCLASS_SUMMARY_STAMP_H
#define SMTPCLASS_SUMMARY_STAMP_H

#include <stddef.h>
#include <stdint.h>

/* A timestamp broken down as written; year is 0 for syslog stamps. */
struct stamp {
	int year, month, day, hour, minute, second;
};

/* Reads a log timestamp s[0..n) (s may be NULL) into *t: RFC 3339 and
 * Exim's "YYYY-MM-DD HH:MM:SS" (the wall clock as written, offset
 * ignored), syslog's "Mmm dd HH:MM:SS" (no year) and qmail's tai64n.
 * Returns 1 when it is one of them, else 0. */
int parse_stamp(const char *s, size_t n, struct stamp *t);

/* Writes the label of an hour key, "2024-02-21 09:00" or "Feb 21 09:00"
 * without year, as snprintf() does; returns its length. */
size_t hour_label(uint64_t key, char *buf, size_t size);

/* A number that sorts like the hour of the stamp (never 0). */
static inline uint64_t hour_key(const struct stamp *t)
{
	return (((uint64_t)t->year * 12 + (uint64_t)(t->month - 1)) * 31 + (uint64_t)(t->day - 1)) *
	           24 +
	       (uint64_t)t->hour + 1;
}

/* A number that sorts like the stamp (never 0). */
static inline uint64_t time_key(const struct stamp *t)
{
	return ((hour_key(t) - 1) * 60 + (uint64_t)t->minute) * 60 + (uint64_t)t->second + 1;
}

#endif
