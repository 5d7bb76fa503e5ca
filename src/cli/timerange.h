/*
 * timerange.h: --since and --until, the time range of records kept in
 * every mode (timerange.c).
 */
#ifndef SMTPCLASS_TIMERANGE_H
#define SMTPCLASS_TIMERANGE_H

#include <stddef.h>
#include <time.h>

#include "timestamp.h"

/* The range [since, until) in microseconds since the epoch, and the year
 * guess of the input being read (the same as the output's). */
struct time_range {
	int has_since, has_until;
	long long since, until;
	struct year_guess guess;
	unsigned long long untimed; /* records kept because they have no time */
	unsigned long long outside; /* records dropped */
};

/*
 * Reads a --since or --until argument into *micros: an RFC 3339 date
 * ("2026-11-27", local midnight) or date and time ("2026-11-27T21:57:04Z",
 * "2026-11-27 21:57" in local time), "now", "today" or "yesterday" (local
 * midnight), or "-N" with a unit s, m, h or d before now.  now is the
 * time of the run, read once.  Returns 0, or -1 when the text is none of
 * these.
 */
int time_range_parse(const char *text, time_t now, long long *micros);

/* A new input begins: yearless stamps take their year as the output's do. */
void time_range_start_input(struct time_range *range, int forced_year, time_t reference);

/*
 * Whether a record with the stamp time[0..len) (as the log wrote it; NULL
 * for none) is kept.  A record whose stamp cannot be read is kept and
 * counted in untimed; a record outside the range is counted in outside.
 * follower (NULL for none) is a year guess that reads the kept records'
 * stamps after this call (the output's): it receives the state that gives
 * the record the year this guess gave it.
 */
int time_range_keeps(struct time_range *range, const char *time, size_t len,
                     struct year_guess *follower);

#endif
