/*
 * timerange.c: --since and --until.
 *
 * Both bounds are turned into microseconds since the epoch once, when the
 * options are read: "now" is read once per run and the local time zone is
 * asked only for the bounds' own dates.  A record's stamp is read by
 * timestamp.c, the one reader of stamps, with a year guess of its own that
 * starts from the same reference as the output's, so a yearless syslog
 * stamp is placed in the year time_iso shows: the output's guess is handed
 * this one's state before each kept record, as it sees no dropped one.  Its local offset comes from
 * timestamp.c's cache of hours: no system call per record.
 *
 * The range is half open, [since, until): "--since yesterday --until
 * today" is yesterday, each record once.  A record whose stamp cannot be
 * read (a line without one, a journalctl monotonic stamp) is kept: the
 * range cannot say it lies outside, and dropping it would hide failures.
 */
#include "timerange.h"

#include <stdlib.h>
#include <string.h>

#define MICROS 1000000LL

/* Microseconds since the epoch of a stamp with a year, else -1. */
static long long stamp_micros(const struct stamp *t)
{
	if (t->year == 0)
		return -1;
	return timestamp_unix(t) * MICROS + t->micros;
}

/* Local midnight of the day `days_back` days before the local date of now. */
static long long local_midnight(time_t now, int days_back)
{
	struct tm tm;
	struct stamp t;

	if (localtime_r(&now, &tm) == NULL)
		return -1;
	memset(&t, 0, sizeof(t));
	civil_from_days(days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) - days_back,
	                &t.year, &t.month, &t.day);
	t.zone = STAMP_LOCAL;
	return stamp_micros(&t);
}

/* "-N" and a unit s, m, h or d: N units before now; -1 when text is not. */
static long long relative_time(const char *text, time_t now)
{
	static const struct {
		char unit;
		long long seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char *end;
	long long count;

	if (text[0] != '-' || text[1] < '0' || text[1] > '9')
		return -1;
	count = strtoll(text + 1, &end, 10);
	if (end[0] == '\0' || end[1] != '\0' || count > 100000LL * 86400)
		return -1;
	/* at most 100,000 days back in any unit: "-888884888d" would take the
	 * microseconds past long long (fuzz_options) */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*end == units[i].unit)
			return count <= 100000LL * 86400 / units[i].seconds
			           ? ((long long)now - count * units[i].seconds) * MICROS
			           : -1;
	return -1;
}

int time_range_parse(const char *text, time_t now, long long *micros)
{
	char buf[64];
	size_t n = strlen(text);
	struct stamp t;
	long long value;

	if (strcmp(text, "now") == 0) {
		*micros = (long long)now * MICROS;
		return 0;
	}
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
		value = local_midnight(now, text[0] == 'y');
	} else if (text[0] == '-') {
		value = relative_time(text, now);
	} else {
		/* A date alone is its local midnight. */
		if (n == 10 && n + 9 < sizeof(buf)) {
			memcpy(buf, text, n);
			memcpy(buf + n, " 00:00:00", 10);
			text = buf;
			n += 9;
		}
		/* Dates only: timestamp_parse() also reads epoch seconds. */
		if (n < 10 || text[4] != '-' || !timestamp_parse(text, n, &t) || t.year == 0)
			return -1;
		value = stamp_micros(&t);
	}
	if (value < 0)
		return -1;
	*micros = value;
	return 0;
}

void time_range_start_input(struct time_range *range, int forced_year, time_t reference)
{
	year_guess_start(&range->guess, forced_year, reference);
}

int time_range_keeps(struct time_range *range, const char *time, size_t len,
                     struct year_guess *follower)
{
	struct stamp t;
	long long micros;

	if (!range->has_since && !range->has_until)
		return 1;
	micros = -1;
	if (time != NULL && timestamp_parse(time, len, &t)) {
		/* The follower sees the dropped records' stamps too, so its
		 * guess for a kept record is this one. */
		if (follower != NULL)
			*follower = range->guess;
		year_guess_apply(&range->guess, &t);
		micros = stamp_micros(&t);
	}
	if (micros < 0) {
		range->untimed++;
		return 1;
	}
	if ((range->has_since && micros < range->since) ||
	    (range->has_until && micros >= range->until)) {
		range->outside++;
		return 0;
	}
	return 1;
}
