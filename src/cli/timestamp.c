/*
 * timestamp.c: the one reader of log timestamps.
 *
 * The log scanner hands over each record's stamp as written: RFC 3339
 * (rsyslog, journalctl -o short-iso, Exchange), Exim's "YYYY-MM-DD
 * HH:MM:SS", syslog's "Mmm dd HH:MM:SS" without a year, and qmail's tai64n
 * label.  This file reads them all into one broken-down form, used by
 * time_iso and time_unix in the output and by the summary's hours, so the
 * three cannot disagree.
 *
 * Two things a stamp may not say are supplied here.  The year of a syslog
 * stamp is guessed per input (struct year_guess: the file's modification
 * date, stepping back a year for stamps later than it, and forward across
 * New Year), unless --year is given.  The offset of a local stamp is the
 * local time zone's at that time, looked up with mktime() once per hour of
 * stamps and kept: mktime() reads the zone file's status on every call,
 * which per record was a system call per record.  Everything else is
 * arithmetic on civil dates.
 */
#include "timestamp.h"

#include <stdio.h>
#include <string.h>

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads min..max digits at s[*i]; returns the value, or -1. */
static int number_at(const char *s, size_t n, size_t *i, size_t min_digits, size_t max_digits)
{
	size_t start = *i;
	int value = 0;

	while (*i < n && *i - start < max_digits && is_digit(s[*i])) {
		value = value * 10 + (s[*i] - '0');
		(*i)++;
	}
	return *i - start >= min_digits ? value : -1;
}

long long days_from_civil(int year, int month, int day)
{
	long long y = (long long)year - (month <= 2);
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned year_of_era = (unsigned)(y - era * 400);
	unsigned day_of_year = (unsigned)((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
	unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + (long long)day_of_era - 719468;
}

void civil_from_days(long long days, int *year, int *month, int *day)
{
	long long era, y;
	unsigned day_of_era, year_of_era, day_of_year, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	y = (long long)year_of_era + era * 400;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	mp = (5 * day_of_year + 2) / 153;
	*day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = year == 0 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));

	return month == 2 && leap ? 29 : days[month - 1];
}

/* qmail's tai64n label: '@', 16 hex digits of 2^62 + 10 + seconds, 8 of
 * nanoseconds (daemontools' tai64nlocal convention: TAI taken as UTC + 10). */
static int parse_tai64n(const char *s, size_t n, struct stamp *t)
{
	unsigned long long value = 0;
	long long seconds;
	long nanos = 0;

	if (n < 17 || s[0] != '@')
		return 0;
	for (size_t i = 1; i < 17; i++) {
		int digit = hex_digit(s[i]);

		if (digit < 0)
			return 0;
		value = value << 4 | (unsigned)digit;
	}
	if (value < 0x400000000000000aull || value > 0x400000000000000aull + 253402300799ull)
		return 0;
	if (n >= 25) {
		for (size_t i = 17; i < 25; i++) {
			int digit = hex_digit(s[i]);

			if (digit < 0)
				break;
			nanos = nanos * 16 + digit;
			if (i == 24 && nanos < 1000000000) {
				t->micros = nanos / 1000;
				t->fraction_digits = 6;
			}
		}
	}
	seconds = (long long)(value - 0x400000000000000aull);
	civil_from_days(seconds / 86400, &t->year, &t->month, &t->day);
	t->hour = (int)(seconds % 86400 / 3600);
	t->minute = (int)(seconds % 3600 / 60);
	t->second = (int)(seconds % 60);
	t->zone = STAMP_OFFSET;
	t->offset_minutes = 0;
	return 1;
}

/* The clock "HH:MM[:SS[.fraction]]" at s[*i]. */
static int parse_clock(const char *s, size_t n, size_t *i, struct stamp *t)
{
	t->hour = number_at(s, n, i, 2, 2);
	if (*i >= n || s[*i] != ':')
		return 0;
	(*i)++;
	t->minute = number_at(s, n, i, 2, 2);
	t->second = 0;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		t->second = number_at(s, n, i, 2, 2);
		if (*i + 1 < n && (s[*i] == '.' || s[*i] == ',') && is_digit(s[*i + 1])) {
			long scale = 100000;

			for ((*i)++; *i < n && is_digit(s[*i]); (*i)++) {
				if (t->fraction_digits < 6) {
					t->micros += (s[*i] - '0') * scale;
					scale /= 10;
				}
				t->fraction_digits++;
			}
		}
	}
	return t->hour >= 0 && t->hour < 24 && t->minute >= 0 && t->minute < 60 && t->second >= 0 &&
	       t->second <= 60;
}

/* A zone after the clock: Z, +hh:mm, +hhmm or +hh, at s[i] (after one
 * optional space, as Exim writes "+0100"). */
static void parse_zone(const char *s, size_t n, size_t i, struct stamp *t)
{
	int hours, minutes = 0, sign;

	if (i < n && s[i] == ' ' && i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-'))
		i++;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		t->zone = STAMP_OFFSET;
		return;
	}
	if (i >= n || (s[i] != '+' && s[i] != '-'))
		return;
	sign = s[i] == '-' ? -1 : 1;
	i++;
	hours = number_at(s, n, &i, 2, 2);
	if (i < n && s[i] == ':')
		i++;
	if (i < n && is_digit(s[i]))
		minutes = number_at(s, n, &i, 2, 2);
	/* Real offsets lie within -12:00..+14:00; anything else is no zone. */
	if (hours < 0 || hours > 14 || minutes < 0 || minutes > 59)
		return;
	t->zone = STAMP_OFFSET;
	t->offset_minutes = sign * (hours * 60 + minutes);
}

/* journalctl -o short-unix: seconds since the epoch with a fraction. */
static int parse_epoch(const char *s, size_t n, struct stamp *t)
{
	long long seconds = 0;
	size_t i = 0;

	while (i < n && is_digit(s[i]) && i < 12)
		seconds = seconds * 10 + (s[i++] - '0');
	/* RFC 3339 years have four digits: 9999-12-31T23:59:59Z at most */
	if (i < 9 || i >= n || s[i] != '.' || seconds > 253402300799LL)
		return 0;
	i++;
	if (i >= n || !is_digit(s[i]))
		return 0;
	{
		long scale = 100000;

		for (; i < n && is_digit(s[i]); i++) {
			if (t->fraction_digits < 6) {
				t->micros += (s[i] - '0') * scale;
				scale /= 10;
			}
			t->fraction_digits++;
		}
	}
	if (i != n)
		return 0;
	civil_from_days(seconds / 86400, &t->year, &t->month, &t->day);
	t->hour = (int)(seconds % 86400 / 3600);
	t->minute = (int)(seconds % 3600 / 60);
	t->second = (int)(seconds % 60);
	t->zone = STAMP_OFFSET;
	return 1;
}

int timestamp_parse(const char *s, size_t n, struct stamp *t)
{
	size_t i = 0;
	int weekday = 0;

	memset(t, 0, sizeof(*t));
	if (s == NULL)
		return 0;
	if (n > 0 && s[0] == '@')
		return parse_tai64n(s, n, t);
	if (n >= 10 && is_digit(s[0]) && is_digit(s[4]) && is_digit(s[8]))
		return parse_epoch(s, n, t);
	/* journalctl -o short-full: "Fri 2026-02-13 17:06:35 UTC" */
	if (n >= 24 && s[3] == ' ' && is_digit(s[4]) && s[8] == '-') {
		s += 4;
		n -= 4;
		weekday = 1;
	}
	if (n >= 16 && is_digit(s[0]) && s[4] == '-' && s[7] == '-' &&
	    (s[10] == 'T' || s[10] == ' ' || s[10] == 't')) {
		t->year = number_at(s, n, &i, 4, 4);
		if (i != 4)
			return 0;
		i++;
		t->month = number_at(s, n, &i, 2, 2);
		if (i != 7)
			return 0;
		i++;
		t->day = number_at(s, n, &i, 2, 2);
		if (i != 10)
			return 0;
		i = 11;
		if (t->year < 1 || !parse_clock(s, n, &i, t))
			return 0;
		parse_zone(s, n, i, t);
		/* A zone by its name: only UTC and GMT say which offset they are. */
		if (weekday && t->zone == STAMP_LOCAL && n - i == 4 &&
		    (memcmp(s + i, " UTC", 4) == 0 || memcmp(s + i, " GMT", 4) == 0))
			t->zone = STAMP_OFFSET;
	} else if (n >= 11 && s[3] == ' ') {
		for (int m = 0; m < 12 && t->month == 0; m++)
			if (memcmp(month_names + 3 * m, s, 3) == 0)
				t->month = m + 1;
		if (t->month == 0)
			return 0;
		i = 3;
		while (i < n && s[i] == ' ')
			i++;
		t->day = number_at(s, n, &i, 1, 2);
		if (i >= n || s[i] != ' ')
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (!parse_clock(s, n, &i, t))
			return 0;
	} else {
		return 0;
	}
	return t->month >= 1 && t->month <= 12 && t->day >= 1 &&
	       t->day <= days_in_month(t->year, t->month);
}

void year_guess_start(struct year_guess *guess, int forced, time_t reference)
{
	struct tm tm;

	memset(guess, 0, sizeof(*guess));
	guess->forced = forced;
	if (localtime_r(&reference, &tm) == NULL)
		return;
	guess->reference_year = tm.tm_year + 1900;
	guess->reference_month = tm.tm_mon + 1;
	guess->reference_day = tm.tm_mday;
}

void year_guess_apply(struct year_guess *guess, struct stamp *t)
{
	if (t->year != 0 || t->month == 0)
		return;
	if (guess->forced > 0) {
		t->year = guess->forced;
	} else if (guess->reference_year == 0) {
		return;
	} else if (guess->last_month == 0) {
		/* The first stamp: this year's, unless it lies ahead of the date
		 * the file was last written, then last year's (logs are not
		 * written ahead). */
		int ahead =
		    t->month > guess->reference_month ||
		    (t->month == guess->reference_month && t->day > guess->reference_day + 1);

		guess->year = guess->reference_year - ahead;
		t->year = guess->year;
	} else {
		if (t->month + 6 < guess->last_month)
			guess->year++; /* Dec -> Jan */
		else if (t->month > guess->last_month + 6)
			guess->year--; /* Jan -> Dec: a line out of order */
		t->year = guess->year;
	}
	if (t->day > days_in_month(t->year, t->month))
		t->year = 0; /* Feb 29 of a year that has none */
	guess->last_month = t->month;
}

/* The local offset, in seconds east of UTC, at a local wall-clock time.
 * mktime() once per hour of stamps: a direct-mapped table of hours keeps
 * the offsets found, so logs that jump between days (several files, a
 * merged log) do not ask again either.  Called from one thread only (the
 * output's). */
#define OFFSET_CACHE 1024

static long local_offset(const struct stamp *t)
{
	static struct {
		long long hour; /* + 1, so that 0 is an empty slot */
		long offset;
	} cache[OFFSET_CACHE];
	long long local_seconds = days_from_civil(t->year, t->month, t->day) * 86400 +
	                          t->hour * 3600LL + t->minute * 60LL + t->second;
	long long hour = local_seconds >= 0 ? local_seconds / 3600 : (local_seconds - 3599) / 3600;
	size_t slot = (size_t)((unsigned long long)hour % OFFSET_CACHE);
	struct tm tm;
	time_t utc;
	long offset = 0;

	if (cache[slot].hour == hour + 1)
		return cache[slot].offset;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->month - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_isdst = -1;
	utc = mktime(&tm);
	if (utc != (time_t)-1) {
		long long found = hour * 3600 - (long long)utc;

		if (found >= -86400 && found <= 86400)
			offset = (long)found;
	}
	cache[slot].hour = hour + 1;
	cache[slot].offset = offset;
	return offset;
}

static int offset_of(const struct stamp *t)
{
	return t->zone == STAMP_OFFSET ? t->offset_minutes * 60 : (int)local_offset(t);
}

size_t timestamp_iso(const struct stamp *t, char *buf, size_t size)
{
	int offset, n;
	char fraction[16] = "";

	if (t->year == 0)
		return 0;
	offset = offset_of(t);
	if (t->fraction_digits > 0) {
		int digits = t->fraction_digits > 6 ? 6 : t->fraction_digits;
		long value = t->micros;

		for (int i = digits; i < 6; i++)
			value /= 10;
		snprintf(fraction, sizeof(fraction), ".%0*ld", digits, value);
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%c%02d:%02d", t->year, t->month,
	             t->day, t->hour, t->minute, t->second, fraction, offset < 0 ? '-' : '+',
	             (offset < 0 ? -offset : offset) / 3600,
	             (offset < 0 ? -offset : offset) / 60 % 60);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

long long timestamp_unix(const struct stamp *t)
{
	if (t->year == 0)
		return 0;
	return days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600LL +
	       t->minute * 60LL + t->second - offset_of(t);
}
