/*
 * fields.h: the fields of a record that the summary counts, listed once.
 *
 * summary_add() is handed a struct record (output.h), but in the tool the
 * counting runs on a thread of its own (summaryfeed.c), which gets a copy
 * of the record, since the record points into a line and a buffer that
 * the next line reuses.  When the copy and the counting each named the
 * fields they use, a field read by the counting and not copied read as
 * zero in the tool, while unit tests, which count in place, passed.  So
 * the fields are listed once, in SUMMARY_FIELDS, and both sides expand
 * the list: struct summary_record holds exactly them, summary_count()
 * reads nothing else, and the feed copies and rebuilds exactly them.  To
 * count a new field, add it to the list and read it from the
 * summary_record; the feed follows by itself.
 */
#ifndef SMTPCLASS_SUMMARY_FIELDS_H
#define SMTPCLASS_SUMMARY_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "smtpclass.h"

struct summary;

/*
 * SPAN(part, field) names a text span and VALUE(part, field, stored) a
 * number: record->part->field, where part is log, reply or result (a part
 * that is NULL gives an empty span and 0).  stored is the type the feed
 * carries the number in, wide enough for each value (the small ones first
 * keep the feed's events small).  The reply's text segments come apart:
 * there are segment_count of them.
 */
#define SUMMARY_FIELDS(SPAN, VALUE)                                                                \
	VALUE(log, status, unsigned char)                                                          \
	VALUE(result, verdict, unsigned char)                                                      \
	VALUE(result, reason, int32_t)                                                             \
	VALUE(result, action, int32_t)                                                             \
	VALUE(result, confidence, unsigned char)                                                   \
	VALUE(reply, code, int32_t)                                                                \
	SPAN(log, domain)                                                                          \
	SPAN(log, queue_id)                                                                        \
	SPAN(log, recipient)                                                                       \
	SPAN(log, relay)                                                                           \
	SPAN(log, time)                                                                            \
	SPAN(log, delay)                                                                           \
	VALUE(log, event, unsigned char)                                                           \
	SPAN(log, command)                                                                         \
	SPAN(log, sender)                                                                          \
	SPAN(log, size)                                                                            \
	SPAN(reply, enhanced)

/* What the summary counts of a record: log_status, reply_code, log_domain
 * and so on, one member per field of the list. */
struct summary_record {
#define SUMMARY_RECORD_SPAN(part, field)          smtpclass_span part##_##field;
#define SUMMARY_RECORD_VALUE(part, field, stored) int part##_##field;
	SUMMARY_FIELDS(SUMMARY_RECORD_SPAN, SUMMARY_RECORD_VALUE)
#undef SUMMARY_RECORD_SPAN
#undef SUMMARY_RECORD_VALUE
	int has_log;                    /* the record came from a log line */
	size_t segment_count;           /* at most SMTPCLASS_MAX_SEGMENTS */
	const smtpclass_span *segments; /* the reply's text */
};

/* The summary_record of a record; it points into the record's text.  A
 * part that is NULL reads as a part of zeros (empty spans, no segments),
 * so that each field is one load. */
static inline void summary_record_from(struct summary_record *out, const struct record *record)
{
	static const smtpclass_log_record no_log;
	static const smtpclass_reply no_reply;
	static const smtpclass_result no_result;
	const smtpclass_log_record *log = record->log != NULL ? record->log : &no_log;
	const smtpclass_reply *reply = record->reply != NULL ? record->reply : &no_reply;
	const smtpclass_result *result = record->result != NULL ? record->result : &no_result;

#define SUMMARY_FROM_SPAN(part, field)          out->part##_##field = part->field;
#define SUMMARY_FROM_VALUE(part, field, stored) out->part##_##field = (int)part->field;
	SUMMARY_FIELDS(SUMMARY_FROM_SPAN, SUMMARY_FROM_VALUE)
#undef SUMMARY_FROM_SPAN
#undef SUMMARY_FROM_VALUE
	out->has_log = record->log != NULL;
	out->segment_count = reply->segment_count < SMTPCLASS_MAX_SEGMENTS ? reply->segment_count
	                                                                   : SMTPCLASS_MAX_SEGMENTS;
	out->segments = reply->segments;
}

/* Counts one record (count.c); summary_add() is this of
 * summary_record_from(). */
void summary_count(struct summary *summary, const struct summary_record *record);

#endif
