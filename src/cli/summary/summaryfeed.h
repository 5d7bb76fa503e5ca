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

/* Waits until every record fed has been counted; the thread goes on.  The
 * summary may be read until the next summary_feed_add() (a live report). */
void summary_feed_sync(void);

/* Waits until every record fed has been counted and stops the thread.
 * The summary may be read afterwards. */
void summary_feed_finish(void);

#endif
