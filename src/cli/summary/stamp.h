/*
 * stamp.h: the log timestamps the summary reads, and keys that sort like
 * them (stamp.c).
 */
#ifndef SMTPCLASS_SUMMARY_STAMP_H
#define SMTPCLASS_SUMMARY_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "timestamp.h"

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

/* The day of an hour key: a number that sorts like the day (never 0). */
static inline uint64_t day_of_hour(uint64_t hour_key)
{
	return (hour_key - 1) / 24 + 1;
}

/* Writes the label of a day, "2024-02-21" or "Feb 21" without year, as
 * snprintf() does; returns its length. */
size_t day_label(uint64_t day, char *buf, size_t size);

/* A number that sorts like the stamp (never 0). */
static inline uint64_t time_key(const struct stamp *t)
{
	return ((hour_key(t) - 1) * 60 + (uint64_t)t->minute) * 60 + (uint64_t)t->second + 1;
}

#endif
