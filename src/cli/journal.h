/*
 * journal.h: journald's record formats (journalctl -o json, json-seq,
 * export, verbose) turned into syslog lines the log scanner reads.
 */
#ifndef SMTPCLASS_JOURNAL_H
#define SMTPCLASS_JOURNAL_H

#include <stddef.h>

#include "linereader.h"

/* What journal_take() made of a line. */
enum journal_result {
	JOURNAL_NOT = 0,   /* not part of a journal record: read the line as it is */
	JOURNAL_PART = 1,  /* part of a record that is not complete yet */
	JOURNAL_RECORD = 2 /* a record is complete: its line is in journal->line */
};

#define JOURNAL_FIELD_MAX 256

struct journal_field {
	size_t len;
	int set;
	char text[JOURNAL_FIELD_MAX];
};

struct journal {
	int format;          /* the multi-line format being read, or 0 */
	int again;           /* the line given last starts the next record: give it again */
	int binary_field;    /* export: the field a binary value is for, or -1 */
	unsigned binary_len; /* bytes of its 8-byte length read so far */
	unsigned char binary_size[8];   /* its length, little-endian */
	unsigned long long binary_need; /* its size (or 8 while the length is read) */
	unsigned long long binary_got;  /* bytes of it read */
	unsigned long long first_line;  /* the line the pending record started on */
	unsigned long long record_line; /* the line of the record in line[] */
	struct journal_field fields[6]; /* identifier, pid, _PID, _COMM, host, time */
	size_t message_len;
	int message_set;
	char message[LINE_CAP];
	size_t line_len; /* the record as one syslog line */
	char line[LINE_CAP + 6 * JOURNAL_FIELD_MAX];
};

/* Prepares j for a new input. */
void journal_init(struct journal *j);

/*
 * Looks at line number `number` of the input.  A line of journalctl's json
 * or json-seq form is a record by itself; export and verbose records span
 * lines and are complete at their end (a blank line, the next record's first
 * line).  When a record is complete, j->line and j->line_len hold it as
 * "TIME HOST IDENTIFIER[PID]: MESSAGE" (TIME in RFC 3339, UTC, with the
 * microseconds) and j->record_line the line it started on.  A record that
 * is completed by a line that is not its own (a verbose record by the next
 * one's first line) sets j->again: give that line to journal_take() again.
 */
enum journal_result journal_take(struct journal *j, const char *line, size_t len,
                                 unsigned long long number);

/* At the end of the input: JOURNAL_RECORD when a record was pending. */
enum journal_result journal_finish(struct journal *j);

#endif
