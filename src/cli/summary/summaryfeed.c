/*
 * summaryfeed.c: count records into a summary on a second thread.
 *
 * Summary mode does the work of log mode and then counts every record, the
 * sent ones too, into its tables.  The counting runs on a thread of its own
 * so that it overlaps with the scan: the main thread copies what
 * summary_add() reads of a record into a batch (the record points into a
 * line and a scratch buffer that the next line reuses) and hands full
 * batches over; the thread rebuilds each record from its copy and counts
 * it.  Records are counted one at a time and in input order, so the
 * summary is the same as if they were counted in place.  Memory is fixed:
 * a ring of FEED_BATCHES batches; when all are in use the main thread waits.
 */
#ifdef __linux__
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own nice value */
#endif
#include "summaryfeed.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define FEED_BATCHES     4
#define FEED_BATCH_BYTES (256 * 1024)

/* The spans summary_add() reads, in the order of event.len. */
enum {
	SPAN_DOMAIN,
	SPAN_QUEUE_ID,
	SPAN_RECIPIENT,
	SPAN_RELAY,
	SPAN_TIME,
	SPAN_ENHANCED,
	SPAN_SEGMENT /* then one per reply segment */
};
#define SPAN_COUNT (SPAN_SEGMENT + SMTPCLASS_MAX_SEGMENTS)
#define ABSENT     UINT32_MAX /* the span's pointer was NULL */

/* One record as copied into a batch: this header, then the lengths of its
 * first SPAN_SEGMENT + segment_count spans (uint32_t), then their bytes.
 * Sent records (most of a log) have no segments: a small event is fewer
 * cache lines to hand from one core to the other. */
struct event {
	uint32_t size; /* with the lengths and bytes, a multiple of 8 */
	unsigned char has_log, status, verdict, segment_count;
	int32_t reason, action, code;
};

struct batch {
	size_t used;
	_Alignas(8) unsigned char bytes[FEED_BATCH_BYTES];
};

static struct {
	struct summary *summary;
	int threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t ready;        /* a batch was handed over, or the end */
	pthread_cond_t counted_one;  /* a batch was counted */
	unsigned long long handed;   /* batches handed to the thread */
	unsigned long long counted;  /* batches the thread has counted */
	int finished;
	struct batch *filling;       /* the main thread's batch */
	struct batch batches[FEED_BATCHES];
} feed;

/* The record count_event() rebuilds, used by the counting thread only.
 * Every field summary_add() reads is set for each event and the others
 * stay zero, so nothing needs clearing per event. */
static smtpclass_log_record event_log;
static smtpclass_reply event_reply;
static smtpclass_result event_result;

static void count_event(const struct event *e)
{
	const uint32_t *len = (const uint32_t *)(const void *)(e + 1);
	const char *p = (const char *)(len + SPAN_SEGMENT + e->segment_count);
	smtpclass_span spans[SPAN_COUNT];
	struct record record = {NULL, 0, &event_reply, &event_result,
	                        e->has_log ? &event_log : NULL, 0, NULL};

	for (int i = 0; i < SPAN_SEGMENT + e->segment_count; i++) {
		spans[i].ptr = len[i] == ABSENT ? NULL : p;
		spans[i].len = len[i] == ABSENT ? 0 : len[i];
		p += spans[i].len;
	}
	event_log.status = (smtpclass_log_status)e->status;
	event_log.domain = spans[SPAN_DOMAIN];
	event_log.queue_id = spans[SPAN_QUEUE_ID];
	event_log.recipient = spans[SPAN_RECIPIENT];
	event_log.relay = spans[SPAN_RELAY];
	event_log.time = spans[SPAN_TIME];
	event_reply.code = e->code;
	event_reply.enhanced = spans[SPAN_ENHANCED];
	event_reply.segment_count = e->segment_count;
	for (int i = 0; i < e->segment_count; i++)
		event_reply.segments[i] = spans[SPAN_SEGMENT + i];
	event_result.verdict = (smtpclass_verdict)e->verdict;
	event_result.reason = e->reason;
	event_result.action = e->action;
	summary_add(feed.summary, &record);
}

static void *count_batches(void *unused)
{
	(void)unused;
#ifdef __linux__
	/* The scan is the critical path and the read-ahead thread feeds it;
	 * with three threads on two cores, the counting should take the time
	 * they leave.  A low priority (not SCHED_IDLE, which a busy machine
	 * could starve) lets it, and when it falls behind the batches fill up
	 * and the scan waits for it.  On Linux a thread has its own nice
	 * value (about 10% less wall time on two cores). */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
#endif
	for (;;) {
		const struct batch *b;

		pthread_mutex_lock(&feed.lock);
		while (feed.counted == feed.handed && !feed.finished)
			pthread_cond_wait(&feed.ready, &feed.lock);
		if (feed.counted == feed.handed) {
			pthread_mutex_unlock(&feed.lock);
			return NULL;
		}
		b = &feed.batches[feed.counted % FEED_BATCHES];
		pthread_mutex_unlock(&feed.lock);

		for (size_t at = 0; at < b->used;) {
			const struct event *e = (const struct event *)(const void *)(b->bytes + at);
			count_event(e);
			at += e->size;
		}

		pthread_mutex_lock(&feed.lock);
		feed.counted++;
		pthread_cond_signal(&feed.counted_one);
		pthread_mutex_unlock(&feed.lock);
	}
}

void summary_feed_start(struct summary *summary)
{
	feed.summary = summary;
	feed.threaded = 0;
	feed.handed = feed.counted = 0;
	feed.finished = 0;
	feed.filling = &feed.batches[0];
	feed.filling->used = 0;
	if (pthread_mutex_init(&feed.lock, NULL) != 0)
		return;
	if (pthread_cond_init(&feed.ready, NULL) != 0) {
		pthread_mutex_destroy(&feed.lock);
		return;
	}
	if (pthread_cond_init(&feed.counted_one, NULL) != 0) {
		pthread_cond_destroy(&feed.ready);
		pthread_mutex_destroy(&feed.lock);
		return;
	}
	if (pthread_create(&feed.thread, NULL, count_batches, NULL) != 0) {
		pthread_cond_destroy(&feed.counted_one);
		pthread_cond_destroy(&feed.ready);
		pthread_mutex_destroy(&feed.lock);
		return;
	}
	feed.threaded = 1;
}

/* Hands the filled batch to the thread and takes the next free one. */
static void hand_over(void)
{
	pthread_mutex_lock(&feed.lock);
	feed.handed++;
	pthread_cond_signal(&feed.ready);
	while (feed.handed - feed.counted >= FEED_BATCHES)
		pthread_cond_wait(&feed.counted_one, &feed.lock);
	pthread_mutex_unlock(&feed.lock);
	feed.filling = &feed.batches[feed.handed % FEED_BATCHES];
	feed.filling->used = 0;
}

void summary_feed_add(const struct record *record)
{
	const smtpclass_log_record *log = record->log;
	const smtpclass_reply *reply = record->reply;
	smtpclass_span spans[SPAN_COUNT];
	struct event *e;
	uint32_t *len;
	unsigned char *to;
	size_t size;
	int segments = 0, count;

	if (!feed.threaded) {
		summary_add(feed.summary, record);
		return;
	}
	memset(spans, 0, SPAN_SEGMENT * sizeof(spans[0]));
	if (log != NULL) {
		spans[SPAN_DOMAIN] = log->domain;
		spans[SPAN_QUEUE_ID] = log->queue_id;
		spans[SPAN_RECIPIENT] = log->recipient;
		spans[SPAN_RELAY] = log->relay;
		spans[SPAN_TIME] = log->time;
	}
	if (reply != NULL) {
		spans[SPAN_ENHANCED] = reply->enhanced;
		segments = reply->segment_count < SMTPCLASS_MAX_SEGMENTS
		               ? (int)reply->segment_count
		               : SMTPCLASS_MAX_SEGMENTS;
		for (int i = 0; i < segments; i++)
			spans[SPAN_SEGMENT + i] = reply->segments[i];
	}
	count = SPAN_SEGMENT + segments;
	size = sizeof(struct event) + (size_t)count * sizeof(uint32_t);
	/* A line and its normalised reply are at most LINE_CAP bytes each and
	 * the log spans lie in the line (some overlap), so an event is far
	 * smaller than a batch; the cut below only keeps that true whatever
	 * a caller hands in. */
	for (int i = 0; i < count; i++) {
		size_t room = FEED_BATCH_BYTES - size - 8;

		if (spans[i].len > room)
			spans[i].len = room;
		size += spans[i].len;
	}
	size = (size + 7) / 8 * 8;
	if (feed.filling->used + size > FEED_BATCH_BYTES)
		hand_over();

	e = (struct event *)(void *)(feed.filling->bytes + feed.filling->used);
	e->size = (uint32_t)size;
	e->has_log = log != NULL;
	e->status = log != NULL ? (unsigned char)log->status : 0;
	e->verdict = (unsigned char)record->result->verdict;
	e->segment_count = (unsigned char)segments;
	e->reason = record->result->reason;
	e->action = record->result->action;
	e->code = reply != NULL ? reply->code : 0;
	len = (uint32_t *)(void *)(e + 1);
	to = (unsigned char *)(len + count);
	for (int i = 0; i < count; i++) {
		if (spans[i].ptr == NULL) {
			len[i] = ABSENT;
			continue;
		}
		len[i] = (uint32_t)spans[i].len;
		memcpy(to, spans[i].ptr, spans[i].len);
		to += spans[i].len;
	}
	feed.filling->used += size;
}

void summary_feed_finish(void)
{
	if (!feed.threaded)
		return;
	pthread_mutex_lock(&feed.lock);
	if (feed.filling->used > 0)
		feed.handed++;
	feed.finished = 1;
	pthread_cond_signal(&feed.ready);
	pthread_mutex_unlock(&feed.lock);
	pthread_join(feed.thread, NULL);
	pthread_cond_destroy(&feed.counted_one);
	pthread_cond_destroy(&feed.ready);
	pthread_mutex_destroy(&feed.lock);
	feed.threaded = 0;
}
