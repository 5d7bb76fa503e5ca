/*
 * summaryfeed.h: counting records into a summary on a second thread.
 */
#ifndef SMTPCLASS_SUMMARYFEED_H
#define SMTPCLASS_SUMMARYFEED_H

#include "output.h"
#include "summary.h"

/* Starts counting into summary on a thread of its own; when no thread can
 * be started, summary_feed_add() counts in place. */
void summary_feed_start(struct summary *summary);

/* Counts one record: what summary_add() reads of it is copied (the record
 * points into a line and a buffer that are reused at once). */
void summary_feed_add(const struct record *record);

/* The options summary_feed_add_log() classifies with, and the rank of a
 * result the exit status is made of (NULL: none); set before the first
 * summary_feed_add_log().  The options are read on the thread: they must
 * not change until summary_feed_finish(). */
void summary_feed_classify_with(const smtpclass_options *options,
                                int (*rank)(const smtpclass_result *result));

/* Classifies a log record as log mode does (smtpclass_log_classify_found())
 * and counts it, on the thread: the record is copied whole. */
void summary_feed_add_log(const smtpclass_log_record *log);

/* The highest rank of the results summary_feed_add_log() classified since
 * summary_feed_start() (0: none); read it after summary_feed_finish(). */
int summary_feed_worst_rank(void);

/* Waits until every record fed has been counted; the thread goes on.  The
 * summary may be read until the next summary_feed_add() (a live report). */
void summary_feed_sync(void);

/* Waits until every record fed has been counted and stops the thread.
 * The summary may be read afterwards. */
void summary_feed_finish(void);

#endif
