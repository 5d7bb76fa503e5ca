/*
 * bounce.h: the tool's message input, as main.c sees it.
 */
#ifndef SMTPCLASS_BOUNCE_H
#define SMTPCLASS_BOUNCE_H

#include "output.h"
#include "smtpclass.h"

/* What the message input counted, for --stats. */
struct bounce_counts {
	unsigned long long messages;   /* messages read */
	unsigned long long failures;   /* of them bounces (DSNs and notices) */
	unsigned long long recipients; /* failed recipients written */
	unsigned long long
	    no_recipient; /* of them naming no recipient the bounce could be read for */
	unsigned long long not_bounce; /* ordinary messages, skipped */
	unsigned long long feedback;   /* feedback reports */
	unsigned long long autoreply;  /* automatic replies */
	unsigned long long not_failed; /* DSN recipients delivered, relayed or expanded */
	unsigned long long cut;        /* messages longer than MAIL_MESSAGE_MAX */
	unsigned long long broken;     /* messages with no readable MIME structure */
	unsigned long long dropped;    /* recipients beyond the per-message limit */
	int io_error;                  /* a read failed (reported) */
	int bad_input;                 /* an input was binary or corrupt (reported) */
};

extern struct bounce_counts bounce_counts;

/* How records are handed on (main.c's emit) and how failures are
 * classified.  all: also write DSN recipients that did not fail.
 * summary: feedback and auto-replies are counted, not fed. */
void bounce_setup(const smtpclass_options *options, void (*emit)(const struct record *record),
                  int all, int summary);

/* Whether this build reads messages (it was built with GMime). */
int bounce_available(void);

/* What reads messages in this build, for --version. */
const char *bounce_library(void);

/*
 * Reads fd as messages when it opens like one (see mailbox_detect()), or
 * always when force is set.  Returns 1 when it was read as messages; 0
 * when it is no message and the caller reads *log_fd as a log: fd itself,
 * rewound, or for a pipe the read end of a relay that hands on the bytes
 * already read and the rest (release it with bounce_release()).
 * input_flags are input_init()'s.
 */
int bounce_read_fd(int fd, const char *name, int force, unsigned input_flags, int *log_fd);

/* Ends the relay bounce_read_fd() may have started for log_fd. */
void bounce_release(int fd, int log_fd);

/* Whether path is a Maildir (a directory with cur/ or new/). */
int bounce_is_maildir(const char *path);

/* Reads every message of a Maildir's new/ and cur/, in name order. */
void bounce_read_maildir(const char *path, unsigned input_flags);

#endif
