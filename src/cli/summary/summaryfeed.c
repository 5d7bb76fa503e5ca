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
 *
 * A failure in a log line is also classified on the thread: the main
 * thread copies the log record (summary_feed_add_log()) and the thread
 * runs smtpclass_log_classify_found() on the copy, as the main thread
 * would have (the library is pure, the options do not change during a
 * run), then counts it.  Classifying is the most expensive step of a
 * failure, and the scan, which log mode shares, is the critical path.
 * Which thread has the time depends on the log and on the machine (the
 * counting thread runs at a low priority), so the work goes where there
 * is room: while half of the ring or more waits for the thread, the main
 * thread classifies the record itself and feeds it classified, as it
 * would feed any record.  Either way the record is counted in its place
 * in the input, with the same result.  The exit status needs the worst
 * verdict, which each side keeps (summary_feed_worst_rank()).
 */
#ifdef __linux__
#define _GNU_SOURCE /* syscall(SYS_gettid): a thread's own nice value */
#endif
#include "summaryfeed.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "fields.h"
#include "linereader.h"

#define FEED_BATCHES     4
#define FEED_BATCH_BYTES (256 * 1024)

/* Expansions of SUMMARY_FIELDS that skip a kind of field. */
#define NO_SPAN(part, field)
#define NO_VALUE(part, field, stored)

/* The spans of the field list, in the order of event.len: SPAN_log_domain
 * and so on. */
enum {
#define SPAN_ID(part, field) SPAN_##part##_##field,
	SUMMARY_FIELDS(SPAN_ID, NO_VALUE)
#undef SPAN_ID
	    SPAN_SEGMENT /* then one per reply segment */
};
#define SPAN_COUNT (SPAN_SEGMENT + SMTPCLASS_MAX_SEGMENTS)
#define ABSENT     UINT32_MAX /* the span's pointer was NULL */

/* What an event of a batch holds. */
enum event_kind {
	EVENT_COUNTED,     /* a classified record: the fields of fields.h */
	EVENT_TO_CLASSIFY, /* a log record, classified on the thread */
};

/* One record as copied into a batch: this header with the numbers of the
 * field list, then the lengths of its first SPAN_SEGMENT + segment_count
 * spans (uint32_t), then their bytes.  Sent records (most of a log) have
 * no segments: a small event is fewer cache lines to hand from one core
 * to the other. */
struct event {
	uint32_t size; /* with the lengths and bytes, a multiple of 8 */
	unsigned char kind, has_log, segment_count;
#define EVENT_VALUE(part, field, stored) stored part##_##field;
	SUMMARY_FIELDS(NO_SPAN, EVENT_VALUE)
#undef EVENT_VALUE
};

/*
 * The members of smtpclass_log_record, every one: a log record to classify
 * is copied whole, since the classifier reads what it needs of it.  A
 * member missing here would be read from a line the main thread has
 * reused since; the assertion below fails when the record changes size
 * (a new member of 4 bytes could still hide in the padding after event).
 */
#define LOG_RECORD_SPANS(X)                                                                        \
	X(time)                                                                                    \
	X(host)                                                                                    \
	X(queue_id)                                                                                \
	X(sender)                                                                                  \
	X(recipient)                                                                               \
	X(domain)                                                                                  \
	X(relay)                                                                                   \
	X(dsn)                                                                                     \
	X(reply)                                                                                   \
	X(delay)                                                                                   \
	X(command)                                                                                 \
	X(size)
#define LOG_RECORD_VALUES(X) X(mta) X(status) X(stage) X(reply_form) X(event)

enum {
#define LOG_SPAN_ID(field) LOG_SPAN_##field,
	LOG_RECORD_SPANS(LOG_SPAN_ID)
#undef LOG_SPAN_ID
	    LOG_SPAN_COUNT
};
#define LOG_ONE(field) +1
#define LOG_RECORD_BYTES                                                                           \
	((LOG_SPAN_COUNT * sizeof(smtpclass_span) + (0 LOG_RECORD_VALUES(LOG_ONE)) * sizeof(int) + \
	  _Alignof(smtpclass_log_record) - 1) /                                                    \
	 _Alignof(smtpclass_log_record) * _Alignof(smtpclass_log_record))
static_assert(sizeof(smtpclass_log_record) == LOG_RECORD_BYTES,
              "summaryfeed.c copies every member of smtpclass_log_record: list the new one");
#undef LOG_ONE

/* A log record to classify as copied into a batch: this header, then the
 * lengths of its LOG_SPAN_COUNT spans and their bytes, as in an event. */
struct log_event {
	uint32_t size;
	unsigned char kind; /* EVENT_TO_CLASSIFY */
#define LOG_EVENT_VALUE(field) int32_t field;
	LOG_RECORD_VALUES(LOG_EVENT_VALUE)
#undef LOG_EVENT_VALUE
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
	pthread_cond_t ready;       /* a batch was handed over, or the end */
	pthread_cond_t counted_one; /* a batch was counted */
	unsigned long long handed;  /* batches handed to the thread */
	atomic_ullong counted;      /* batches the thread has counted */
	int finished;
	struct batch *filling; /* the main thread's batch */
	struct batch batches[FEED_BATCHES];
	/* classifying log records: the options, the rank of a result for the
	 * exit status and the highest rank so far, and the classifier's
	 * buffer (the thread's, or the main thread's when there is none) */
	const smtpclass_options *options;
	int (*rank)(const smtpclass_result *result);
	int worst_rank, scan_worst_rank; /* the thread's, the main thread's */
	char scratch[LINE_CAP], scan_scratch[LINE_CAP];
} feed;

/* Bytes an event takes with the lengths and text of count spans after a
 * head of head bytes, a multiple of 8.  A line and its normalised reply
 * are at most LINE_CAP bytes each and the log spans lie in the line (some
 * overlap), so an event is far smaller than a batch; the cut of the spans
 * only keeps that true whatever a caller hands in. */
static size_t event_size(size_t head, smtpclass_span *spans, int count)
{
	size_t size = head + (size_t)count * sizeof(uint32_t);

	for (int i = 0; i < count; i++) {
		size_t room = FEED_BATCH_BYTES - size - 8;

		if (spans[i].len > room)
			spans[i].len = room;
		size += spans[i].len;
	}
	return (size + 7) / 8 * 8;
}

/* Writes the lengths and text of count spans after the head of an event. */
static void put_spans(unsigned char *event, size_t head, const smtpclass_span *spans, int count)
{
	uint32_t *len = (uint32_t *)(void *)(event + head);
	unsigned char *to = (unsigned char *)(len + count);

	for (int i = 0; i < count; i++) {
		if (spans[i].ptr == NULL) {
			len[i] = ABSENT;
			continue;
		}
		len[i] = (uint32_t)spans[i].len;
		memcpy(to, spans[i].ptr, spans[i].len);
		to += spans[i].len;
	}
}

/* Reads back the count spans of an event, pointing into it. */
static void get_spans(const unsigned char *event, size_t head, smtpclass_span *spans, int count)
{
	const uint32_t *len = (const uint32_t *)(const void *)(event + head);
	const char *p = (const char *)(len + count);

	for (int i = 0; i < count; i++) {
		spans[i].ptr = len[i] == ABSENT ? NULL : p;
		spans[i].len = len[i] == ABSENT ? 0 : len[i];
		p += spans[i].len;
	}
}

static void count_in_place(const struct record *record)
{
	summary_add(feed.summary, record);
}

/* Classifies a log record as classify_line() of main.c would (scratch:
 * LINE_CAP bytes), counts it with count and keeps the worst rank. */
static void classify_and_count(const smtpclass_log_record *log, char *scratch, int *worst_rank,
                               void (*count)(const struct record *record))
{
	smtpclass_found found;
	smtpclass_reply reply;
	smtpclass_result result;
	struct record record = {.log = log, .reply = &reply, .result = &result};

	smtpclass_log_classify_found(log, feed.options, scratch, LINE_CAP, &found, &reply, &result);
	record.stage = found.stage;
	record.found = &found;
	count(&record);
	if (feed.rank != NULL && feed.rank(&result) > *worst_rank)
		*worst_rank = feed.rank(&result);
}

/* Rebuilds the log record of an event and classifies and counts it. */
static void classify_event(const struct log_event *e)
{
	smtpclass_span spans[LOG_SPAN_COUNT];
	smtpclass_log_record log;

	memset(&log, 0, sizeof(log));
	get_spans((const unsigned char *)e, sizeof(*e), spans, LOG_SPAN_COUNT);
#define LOG_REBUILD_SPAN(field)  log.field = spans[LOG_SPAN_##field];
#define LOG_REBUILD_VALUE(field) log.field = e->field;
	LOG_RECORD_SPANS(LOG_REBUILD_SPAN)
	LOG_RECORD_VALUES(LOG_REBUILD_VALUE)
#undef LOG_REBUILD_SPAN
#undef LOG_REBUILD_VALUE
	classify_and_count(&log, feed.scratch, &feed.worst_rank, count_in_place);
}

/* Rebuilds the summary_record of an event and counts it. */
static void count_event(const struct event *e)
{
	smtpclass_span spans[SPAN_COUNT];
	struct summary_record record;

	get_spans((const unsigned char *)e, sizeof(*e), spans, SPAN_SEGMENT + e->segment_count);
#define REBUILD_SPAN(part, field)          record.part##_##field = spans[SPAN_##part##_##field];
#define REBUILD_VALUE(part, field, stored) record.part##_##field = e->part##_##field;
	SUMMARY_FIELDS(REBUILD_SPAN, REBUILD_VALUE)
#undef REBUILD_SPAN
#undef REBUILD_VALUE
	record.has_log = e->has_log;
	record.segment_count = e->segment_count;
	record.segments = spans + SPAN_SEGMENT;
	summary_count(feed.summary, &record);
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

			if (e->kind == EVENT_TO_CLASSIFY)
				classify_event((const struct log_event *)(const void *)e);
			else
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
	feed.worst_rank = feed.scan_worst_rank = 0;
	feed.threaded = 0;
	feed.handed = 0;
	atomic_store(&feed.counted, 0);
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

/* The place of an event of size bytes in the filling batch (handed over
 * first when it has no room). */
static unsigned char *event_place(size_t size)
{
	if (feed.filling->used + size > FEED_BATCH_BYTES)
		hand_over();
	return feed.filling->bytes + feed.filling->used;
}

void summary_feed_add(const struct record *record)
{
	struct summary_record r;
	smtpclass_span spans[SPAN_COUNT];
	struct event *e;
	size_t size;
	int segments, count;

	if (!feed.threaded) {
		summary_add(feed.summary, record);
		return;
	}
	summary_record_from(&r, record);
#define GATHER_SPAN(part, field) spans[SPAN_##part##_##field] = r.part##_##field;
	SUMMARY_FIELDS(GATHER_SPAN, NO_VALUE)
#undef GATHER_SPAN
	segments = (int)r.segment_count;
	for (int i = 0; i < segments; i++)
		spans[SPAN_SEGMENT + i] = r.segments[i];
	count = SPAN_SEGMENT + segments;
	size = event_size(sizeof(*e), spans, count);
	e = (struct event *)(void *)event_place(size);
	e->size = (uint32_t)size;
	e->kind = EVENT_COUNTED;
	e->has_log = (unsigned char)r.has_log;
	e->segment_count = (unsigned char)segments;
#define STORE_VALUE(part, field, stored) e->part##_##field = (stored)r.part##_##field;
	SUMMARY_FIELDS(NO_SPAN, STORE_VALUE)
#undef STORE_VALUE
	put_spans((unsigned char *)e, sizeof(*e), spans, count);
	feed.filling->used += size;
}

void summary_feed_classify_with(const smtpclass_options *options,
                                int (*rank)(const smtpclass_result *result))
{
	feed.options = options;
	feed.rank = rank;
}

void summary_feed_add_log(const smtpclass_log_record *log)
{
	smtpclass_span spans[LOG_SPAN_COUNT];
	struct log_event *e;
	size_t size;

	if (!feed.threaded) {
		classify_and_count(log, feed.scan_scratch, &feed.scan_worst_rank, count_in_place);
		return;
	}
	/* Read without the lock: a value a batch old only moves the work of
	 * one record from a thread to the other. */
	if (feed.handed - atomic_load_explicit(&feed.counted, memory_order_relaxed) >=
	    FEED_BATCHES / 2) {
		classify_and_count(log, feed.scan_scratch, &feed.scan_worst_rank, summary_feed_add);
		return;
	}
#define LOG_GATHER_SPAN(field) spans[LOG_SPAN_##field] = log->field;
	LOG_RECORD_SPANS(LOG_GATHER_SPAN)
#undef LOG_GATHER_SPAN
	size = event_size(sizeof(*e), spans, LOG_SPAN_COUNT);
	e = (struct log_event *)(void *)event_place(size);
	e->size = (uint32_t)size;
	e->kind = EVENT_TO_CLASSIFY;
#define LOG_STORE_VALUE(field) e->field = (int32_t)log->field;
	LOG_RECORD_VALUES(LOG_STORE_VALUE)
#undef LOG_STORE_VALUE
	put_spans((unsigned char *)e, sizeof(*e), spans, LOG_SPAN_COUNT);
	feed.filling->used += size;
}

int summary_feed_worst_rank(void)
{
	return feed.worst_rank > feed.scan_worst_rank ? feed.worst_rank : feed.scan_worst_rank;
}

void summary_feed_sync(void)
{
	if (!feed.threaded)
		return;
	if (feed.filling->used > 0)
		hand_over();
	pthread_mutex_lock(&feed.lock);
	while (feed.counted != feed.handed)
		pthread_cond_wait(&feed.counted_one, &feed.lock);
	pthread_mutex_unlock(&feed.lock);
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
