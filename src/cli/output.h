/*
 * output.h: writing classified records as text, JSON Lines, TSV or CSV.
 */
#ifndef SMTPCLASS_OUTPUT_H
#define SMTPCLASS_OUTPUT_H

#include <stdio.h>

#include "safe.h"
#include "smtpclass.h"
#include "timestamp.h"

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_TSV,
	FORMAT_CSV,
	FORMAT_HTML /* --summary only */
};

/* Columns --fields may name, repeats included. */
#define OUTPUT_FIELDS_MAX 64

struct output {
	FILE *stream;
	enum output_format format;
	int color;               /* text only */
	int explain;             /* text only: print the deciding rule and its evidence */
	int filenames;           /* text: FILE:LINE: first: 1 -H, 0 --no-filename, -1 as grep */
	int several_inputs;      /* more than one file given: -1 shows names */
	int quiet;               /* -q: no records at all */
	int width;               /* text: cut lines to this many columns (a terminal's), 0 never */
	int text_header_pending; /* text: --header, written with the first record */
	unsigned long flushes;   /* output_flush() calls: a line cut must not span one */
	size_t fields[OUTPUT_FIELDS_MAX]; /* --fields: the column ids to write, in order */
	size_t field_count;               /* 0: every column */
	int csv_raw;  /* csv: no quote before cells a spreadsheet reads as formulas */
	int taxonomy; /* records carry the taxonomy columns (--taxonomy) */
	int year;     /* for syslog timestamps without a year (--year), or 0 */
	struct year_guess year_guess; /* the year of yearless stamps in this input */
	struct stamp stamp;           /* the record's stamp, when stamp_ok */
	int stamp_ok;
	int failed;  /* a write to stream failed: no use going on */
	size_t used; /* bytes waiting in buffer */
	char buffer[65536];
};

/* The fields of a record read from a bounce message (src/cli/mail/). */
struct record_mail {
	smtpclass_span status; /* DSN action (failed, delayed...), feedback, autoreply */
	smtpclass_span original_recipient; /* Original-Recipient */
	smtpclass_span remote_host;        /* Remote-MTA */
	smtpclass_span reporting_mta;      /* Reporting-MTA */
	smtpclass_span message_id;         /* of the returned message */
	smtpclass_span subject;            /* of the returned message, UTF-8 */
	smtpclass_span list_id;            /* List-Id of the returned message */
	smtpclass_span campaign_id;        /* the sender's X- campaign or job id */
	long long time_unix;               /* the last attempt, or -1 */
};

/* One record to write.  log is NULL outside log mode (a reply given with -r
 * or a line of a file of replies); found is what smtpclass_find_reply() read
 * in the text, or NULL; mail is NULL unless the record comes from a bounce
 * message. */
struct record {
	const char *source;      /* file name, "-" or "arg" */
	unsigned long long line; /* 0 for arguments */
	const smtpclass_reply *reply;
	const smtpclass_result *result;
	const smtpclass_log_record *log;
	int cut;               /* the input line was longer than the cap and was cut */
	smtpclass_stage stage; /* the stage the classification used */
	const smtpclass_found *found;
	const struct record_mail *mail;
};

/* A new input begins: yearless stamps get their year from --year, else from
 * reference (the file's modification time, or now for a pipe). */
void output_start_input(struct output *output, time_t reference);

/* --fields: sets the columns to write from a comma-separated list of the
 * record schema's keys; returns -1 and points *bad at the unknown name
 * (*bad_len bytes) when one is not a key. */
int output_set_fields(struct output *output, const char *list, const char **bad, size_t *bad_len);

/* Writes every key of the record schema, comma-separated, and a newline. */
void output_list_fields(FILE *stream);

/* Writes the header line of tsv/csv output. */
void output_header(struct output *output);

/* Writes one record. */
void output_record(struct output *output, const struct record *record);

/* Writes one log record as rsyslog's mmexternal answer: {"$!":{"smtp":{...}}}
 * with the members rsyslog.c documents, nulls left out. */
void output_rsyslog_record(struct output *output, const struct record *record);

/* Hands the buffered output to the stream (call before fflush). */
void output_flush(struct output *output);

/* Writes n in decimal at the end of buf, as "%lld" would, without the
 * cost of snprintf() per record, and returns where the digits start. */
#define DECIMAL_MAX 24
static inline size_t decimal_digits(char buf[DECIMAL_MAX], long long n)
{
	size_t at = DECIMAL_MAX;
	unsigned long long magnitude = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	do {
		buf[--at] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0);
	if (n < 0)
		buf[--at] = '-';
	return at;
}

/* Writes s[0..len) as a JSON string (quotes included), invalid UTF-8 as U+FFFD. */
void output_json_string(FILE *stream, const char *s, size_t len);

#endif
