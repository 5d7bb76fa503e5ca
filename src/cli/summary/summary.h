/*
 * summary.h: summary mode, the morning report on failed mail.
 *
 * A summary counts classified log records (sent ones included) by status,
 * verdict, reason and action, per recipient domain, per remote host, per
 * reply template and per hour (the rejects this server sent, the inbound
 * side, per client and recipient domain apart), in tables whose size is fixed when the
 * summary is created: memory does not grow with the input.  A table that
 * fills up keeps its heaviest entries (Space-Saving) and the summary is
 * then marked approximate.  Summaries are written as a plain-text report or
 * as one JSON document, and JSON summaries can be merged back in.
 *
 * The files of src/cli/summary/, in the order a record meets them:
 * fields.h (what is counted of a record, listed once), count.c
 * (summary_add() and the tables it fills, count.h), topk.c (the
 * Space-Saving tables, hash.h their hashes), template.c (reply templates),
 * stamp.c (timestamps and hours), rank.c (the order of the lists),
 * report_text.c, report_json.c and report_html.c (the reports), json_reader.c and
 * merge.c (--merge), summaryfeed.c (the counting thread of the tool);
 * text.h holds the small text helpers they share.
 */
#ifndef SMTPCLASS_SUMMARY_H
#define SMTPCLASS_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include "output.h"

/* The identifier of the JSON schema, the value of its "schema" key. */
#define SUMMARY_SCHEMA "smtpclass-summary/1"

/* Capacity of each table, in entries.  Zero fields take the default. */
struct summary_limits {
	size_t domains;       /* recipient domains (default 4096) */
	size_t hosts;         /* remote hosts (default 4096) */
	size_t groups;        /* reply templates (default 4096) */
	size_t addresses;     /* failed recipients (default 32768; exact, see addrset.h) */
	size_t deferred;      /* deferred messages by queue id and recipient (default 131072) */
	size_t hours;         /* hours covered (default 4096, about 170 days) */
	size_t group_domains; /* domains kept per reply group (default 5, at most 8) */
};

/* Failed recipients held for --addresses: the list is exact up to here. */
#define SUMMARY_ADDRESSES_MAX      ((size_t)1 << 24)
#define SUMMARY_ADDRESSES_MAX_TEXT "16777216"

struct summary;

/* Creates an empty summary whose lists show the top entries (0: all).
 * Returns NULL when memory is short. */
struct summary *summary_create(int top);

/* Same, with table capacities (NULL: defaults); tests use small ones. */
struct summary *summary_create_limited(int top, const struct summary_limits *limits);

/* Counts one classified record.  Nothing is allocated; the record's text
 * is copied where it is kept. */
void summary_add(struct summary *summary, const struct record *record);

/* Writes the plain-text report; no line is longer than width columns
 * (0: no limit). */
void summary_write_text(const struct summary *summary, FILE *out, int width);

/* Writes the report as one self-contained HTML page (no script, nothing
 * fetched): the text report's content and a picture of the hours. */
void summary_write_html(const struct summary *summary, FILE *out);

/* Writes the summary as one JSON document (the schema is in README.md). */
void summary_write_json(const struct summary *summary, FILE *out);

/*
 * Adds a JSON summary written by summary_write_json() (text[0..len)) to
 * summary.  The document is checked completely before anything is added.
 * Returns 0, or -1 when the document is not such a summary (or memory is
 * short): then nothing was added, *error_offset is the byte offset of the
 * problem and error holds a message.  Allocates a token array per call.
 */
int summary_merge_json(struct summary *summary, const char *text, size_t len, size_t *error_offset,
                       char *error, size_t error_size);

/* The length of the first summary in a stream of them (several files
 * concatenated, or a loop over hosts), the blanks before it included; the
 * whole text when it does not end.  Give it to summary_merge_json(). */
size_t summary_document_length(const char *text, size_t len);

/* Writes, one per line and sorted, the recipients whose latest outcome was
 * a hard failure with action remove-address (soft == 0), or the recipients
 * that failed only softly (soft == 1).  Recipients that are not one plain
 * shell word (safe_shell_word()) are left out, counted in *left_out.
 * Returns 0, or -1 when memory is short (nothing written). */
int summary_write_addresses(const struct summary *summary, FILE *out, int soft, size_t *left_out);

/* The failed recipients that were not held (the bound was reached, or
 * memory short: then *out_of_memory is 1): the address lists lack them. */
unsigned long long summary_addresses_refused(const struct summary *summary, int *out_of_memory);

/* Returns 1 when some counts are approximate (a table reached its cap). */
int summary_approximate(const struct summary *summary);

/* Marks the report incomplete (the run was interrupted): why is a static
 * sentence, shown in the text report and as "incomplete" in JSON. */
void summary_set_incomplete(struct summary *summary, const char *why);

/* Returns 1 when the summary holds merged JSON summaries, which carry no
 * address lists. */
int summary_merged(const struct summary *summary);

void summary_free(struct summary *summary);

/*
 * Turns a reply text into its template: addresses, IP addresses, host
 * names, queue and trace ids, numbers, timestamps and the query part of
 * URLs are replaced by {addr}, {ip}, {host}, {id}, {n}, {time} and {query}
 * and runs of white space become one space.  Writes at most size bytes to
 * out (no NUL) and returns the length written.  One pass, no allocation.
 */
size_t summary_template(const char *text, size_t len, char *out, size_t size);

#endif
