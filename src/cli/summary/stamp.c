/*
 * stamp.c: log timestamps for the summary's hours and time span.
 *
 * The summary counts records per hour and keeps the first and last
 * timestamp it saw.  A stamp is read by the CLI's one timestamp reader
 * (src/cli/timestamp.c: RFC 3339, Exim's, syslog's without a year and
 * qmail's tai64n label), and turned into a number that sorts like it
 * (hour_key(), time_key() in stamp.h), so that an hour is a key of the
 * hours table and its label can be written back from the key alone.  No
 * time zone is applied: the hours are those of the log's wall clock.  The
 * merge reads the labels it wrote back with the same parser.
 */
#include "stamp.h"

#include <stdio.h>
#include <string.h>

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

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

size_t day_label(uint64_t day, char *buf, size_t size)
{
	uint64_t k = day - 1;
	int mday = (int)(k % 31) + 1, month = (int)(k / 31 % 12) + 1, year = (int)(k / 31 / 12);
	int n;

	if (year == 0)
		n = snprintf(buf, size, "%.3s %2d", month_names + 3 * (month - 1), mday);
	else
		n = snprintf(buf, size, "%04d-%02d-%02d", year, month, mday);
	return n < 0 ? 0 : (size_t)n;
}
