/*
 * fuzz_timestamp.c: libFuzzer target for the one timestamp reader of the
 * tool (src/cli/timestamp.c), which reads stamps as remote logs and
 * journald wrote them: RFC 3339, Exim's, syslog's, tai64n, journalctl's.
 *
 * The input is given whole, in a buffer of its exact size (a read past the
 * stamp is caught).  Invariants of a stamp read: each field is in its
 * range and the date is real (no Feb 31; a leap day only in a leap year);
 * given a year by the year guess, it is written in RFC 3339 form, which
 * reads back to the same instant (timestamp_unix()) with the same fields;
 * and the day arithmetic goes there and back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "timestamp.h"

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

	return month == 2 && leap ? 29 : days[month - 1];
}

static void check_fields(const struct stamp *t, size_t size)
{
	FUZZ_CHECK(t->month >= 1 && t->month <= 12);
	/* a yearless Feb 29 may be of a leap year */
	FUZZ_CHECK(t->day >= 1 &&
	           t->day <= (t->year == 0 ? (t->month == 2 ? 29 : days_in_month(2001, t->month))
	                                   : days_in_month(t->year, t->month)));
	FUZZ_CHECK(t->hour >= 0 && t->hour <= 23);
	FUZZ_CHECK(t->minute >= 0 && t->minute <= 59);
	FUZZ_CHECK(t->second >= 0 && t->second <= 60);
	FUZZ_CHECK(t->micros >= 0 && t->micros <= 999999);
	FUZZ_CHECK(t->fraction_digits >= 0 && (size_t)t->fraction_digits < size); /* as written */
	FUZZ_CHECK(t->zone == STAMP_LOCAL || t->zone == STAMP_OFFSET);
	if (t->zone == STAMP_OFFSET)
		FUZZ_CHECK(t->offset_minutes > -24 * 60 && t->offset_minutes < 24 * 60);
	FUZZ_CHECK(t->year >= 0 && t->year <= 9999);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1); /* a local stamp's offset is then +00:00 */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);
	struct stamp t, back;
	struct year_guess guess;
	char iso[64];
	size_t n;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (!timestamp_parse(copy, size, &t)) {
		free(copy);
		return 0;
	}
	free(copy);
	check_fields(&t, size);
	/* A reference date of 2026-12-04 (noon UTC) gives yearless stamps one. */
	year_guess_start(&guess, 0, (time_t)1796385600);
	year_guess_apply(&guess, &t);
	if (t.year == 0 || (t.month == 2 && t.day == 29 && days_in_month(t.year, 2) == 28))
		return 0; /* the guess may land a Feb 29 on a common year: not an RFC 3339 date */
	n = timestamp_iso(&t, iso, sizeof(iso));
	FUZZ_CHECK(n > 0 && n < sizeof(iso));
	/* A local stamp gets the local offset (UTC here): it reads back to the
	 * same fields and instant. */
	FUZZ_CHECK(timestamp_parse(iso, n, &back));
	FUZZ_CHECK(back.zone == STAMP_OFFSET);
	FUZZ_CHECK(back.year == t.year && back.month == t.month && back.day == t.day);
	FUZZ_CHECK(back.hour == t.hour && back.minute == t.minute && back.second == t.second);
	FUZZ_CHECK(back.micros == t.micros);
	FUZZ_CHECK(timestamp_unix(&back) == timestamp_unix(&t));
	{
		int y, m, d;
		long long days = days_from_civil(t.year, t.month, t.day);

		civil_from_days(days, &y, &m, &d);
		FUZZ_CHECK(y == t.year && m == t.month && d == t.day);
	}
	return 0;
}
