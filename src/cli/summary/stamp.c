/*
 * stamp.c: log timestamps for the summary's hours and time span.
 *
 * The summary counts records per hour and keeps the first and last
 * timestamp it saw.  A stamp is read as written, in the forms the log
 * scanner hands over (RFC 3339, Exim's, syslog's without a year and
 * qmail's tai64n label), and turned into a number that sorts like it
 * (hour_key(), time_key() in stamp.h), so that an hour is a key of the
 * hours table and its label can be written back from the key alone.  No
 * time zone is applied: the hours are those of the log's wall clock.  The
 * merge reads the labels it wrote back with the same parser.
 */
#include "stamp.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int number_at(const char *s, size_t n, size_t *i, size_t min_digits, size_t max_digits)
{
	size_t start = *i;
	int value = 0;

	while (*i < n && *i - start < max_digits && is_digit((unsigned char)s[*i])) {
		value = value * 10 + (s[*i] - '0');
		(*i)++;
	}
	return *i - start >= min_digits ? value : -1;
}

/* The month (1-12) named by s[0..3) ("Jan"), or 0. */
static int month_number(const char *s)
{
	for (int m = 0; m < 12; m++)
		if (month_names[3 * m] == s[0] && month_names[3 * m + 1] == s[1] &&
		    month_names[3 * m + 2] == s[2])
			return m + 1;
	return 0;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(long long days, struct stamp *t)
{
	long long era, year;
	unsigned day_of_era, year_of_era, day_of_year, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	year = (long long)year_of_era + era * 400;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	mp = (5 * day_of_year + 2) / 153;
	t->day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
	t->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(year + (t->month <= 2));
}

/* qmail's tai64n label: '@', 16 hex digits of 2^62 + 10 + seconds, nanoseconds. */
static int parse_tai64n(const char *s, size_t n, struct stamp *t)
{
	unsigned long long value = 0;
	long long seconds;

	if (n < 17 || s[0] != '@')
		return 0;
	for (size_t i = 1; i < 17; i++) {
		unsigned char c = (unsigned char)s[i];
		int digit = is_digit(c) ? c - '0' : is_hex_letter(c) ? (c | 0x20) - 'a' + 10 : -1;

		if (digit < 0)
			return 0;
		value = value << 4 | (unsigned)digit;
	}
	if (value < 0x400000000000000aull || value > 0x400000000000000aull + 253402300799ull)
		return 0;
	seconds = (long long)(value - 0x400000000000000aull);
	civil_from_days(seconds / 86400, t);
	t->hour = (int)(seconds % 86400 / 3600);
	t->minute = (int)(seconds % 3600 / 60);
	t->second = (int)(seconds % 60);
	return 1;
}

/* The clock part "HH:MM[:SS]" at s[*i]. */
static int parse_clock(const char *s, size_t n, size_t i, struct stamp *t)
{
	t->hour = number_at(s, n, &i, 2, 2);
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	t->minute = number_at(s, n, &i, 2, 2);
	t->second = 0;
	if (i < n && s[i] == ':') {
		i++;
		t->second = number_at(s, n, &i, 2, 2);
	}
	return t->hour >= 0 && t->hour < 24 && t->minute >= 0 && t->minute < 60 && t->second >= 0 &&
	       t->second <= 60;
}

/*
 * Reads a log timestamp: RFC 3339 and Exim's "YYYY-MM-DD HH:MM:SS" (the
 * wall clock as written, offset ignored), syslog's "Mmm dd HH:MM:SS" (no
 * year) and qmail's tai64n.  Returns 1 when it is one of them.
 */
int parse_stamp(const char *s, size_t n, struct stamp *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	if (s == NULL)
		return 0;
	if (n > 0 && s[0] == '@')
		return parse_tai64n(s, n, t);
	if (n >= 16 && is_iso_date(s, n) && (s[10] == 'T' || s[10] == ' ')) {
		t->year = number_at(s, n, &i, 4, 4);
		i++;
		t->month = number_at(s, n, &i, 2, 2);
		i++;
		t->day = number_at(s, n, &i, 2, 2);
		if (t->year < 1 || !parse_clock(s, n, 11, t))
			return 0;
	} else if (n >= 11 && is_alpha((unsigned char)s[0])) {
		t->month = month_number(s);
		if (t->month == 0 || s[3] != ' ')
			return 0;
		i = 3;
		while (i < n && s[i] == ' ')
			i++;
		t->day = number_at(s, n, &i, 1, 2);
		if (i >= n || s[i] != ' ')
			return 0;
		while (i < n && s[i] == ' ')
			i++;
		if (!parse_clock(s, n, i, t))
			return 0;
	} else {
		return 0;
	}
	return t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31;
}

/* The label of an hour: "2024-02-21 09:00", or "Feb 21 09:00" without year. */
size_t hour_label(uint64_t key, char *buf, size_t size)
{
	uint64_t k = key - 1;
	int hour = (int)(k % 24), day = (int)(k / 24 % 31) + 1;
	int month = (int)(k / 24 / 31 % 12) + 1, year = (int)(k / 24 / 31 / 12);
	int n;

	if (year == 0)
		n = snprintf(buf, size, "%.3s %2d %02d:00", month_names + 3 * (month - 1), day,
		             hour);
	else
		n = snprintf(buf, size, "%04d-%02d-%02d %02d:00", year, month, day, hour);
	return n < 0 ? 0 : (size_t)n;
}
