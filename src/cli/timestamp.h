/*
 * timestamp.h: the one reader of the timestamps log scanners hand over,
 * for time_iso, time_unix and the summary's hours (timestamp.c).
 */
#ifndef SMTPCLASS_TIMESTAMP_H
#define SMTPCLASS_TIMESTAMP_H

#include <stddef.h>
#include <time.h>

/* How a stamp gives its time zone. */
enum stamp_zone {
	STAMP_LOCAL = 0, /* none: the local wall clock (syslog, Exim's default) */
	STAMP_OFFSET = 1 /* an offset or Z is written (RFC 3339, tai64n is UTC) */
};

/* A timestamp broken down as written; year is 0 for syslog stamps, which
 * carry none. */
struct stamp {
	int year, month, day, hour, minute, second;
	long micros;         /* the fraction of the second, in microseconds */
	int fraction_digits; /* digits of the fraction as written (0: none) */
	enum stamp_zone zone;
	int offset_minutes; /* with STAMP_OFFSET: east of UTC */
};

/*
 * Reads a log timestamp s[0..n) (s may be NULL) into *t: RFC 3339 (with a
 * fraction and Z, +hh:mm or +hhmm), "YYYY-MM-DD HH:MM[:SS]" (Exim, local
 * time, or with a " +hhmm" zone), syslog's "Mmm dd HH:MM:SS" (no year; one
 * or two spaces before a one-digit day), qmail's tai64n label, and
 * journalctl's "1771002395.000001" (short-unix) and "Fri 2026-02-13
 * 17:06:35 UTC" (short-full: a zone named other than UTC or GMT is taken as
 * the local one).  journalctl's monotonic "[ 0.000001]" is no time.  Returns
 * 1 when it is one of them and a real date (no Feb 31), else 0.
 */
int timestamp_parse(const char *s, size_t n, struct stamp *t);

/*
 * The year of syslog stamps, which carry none: --year when given, else
 * guessed per input from a reference date (the file's modification time,
 * or now for a pipe): a stamp later in the year than the reference is from
 * the year before, and a month that falls back by more than half a year
 * from one stamp to the next (Dec -> Jan) starts the next year.
 */
struct year_guess {
	int forced; /* --year, or 0 */
	int reference_year, reference_month, reference_day;
	int year, last_month; /* the year of the last stamp, and its month (0: none yet) */
};

/* Starts a new input whose reference date is `reference` (local time). */
void year_guess_start(struct year_guess *guess, int forced, time_t reference);

/* Gives a yearless stamp its year (a stamp with one is left as it is). */
void year_guess_apply(struct year_guess *guess, struct stamp *t);

/*
 * Writes the stamp in RFC 3339 form, "2026-11-27T21:57:04.123+01:00"
 * (the fraction as written, the offset always as +hh:mm; a local stamp gets
 * the local offset at that time).  Returns its length, or 0 when the stamp
 * has no year.  The local time zone is looked up once per hour of stamps,
 * never per record.
 */
size_t timestamp_iso(const struct stamp *t, char *buf, size_t size);

/* Seconds since the epoch (UTC) of a stamp with a year; 0 without one. */
long long timestamp_unix(const struct stamp *t);

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
long long days_from_civil(int year, int month, int day);
void civil_from_days(long long days, int *year, int *month, int *day);

#endif
