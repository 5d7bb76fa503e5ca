/*
 * rsyslog.h: the --rsyslog mode, an rsyslog mmexternal plugin.
 */
#ifndef SMTPCLASS_RSYSLOG_H
#define SMTPCLASS_RSYSLOG_H

#include <stdio.h>

#include "smtpclass.h"

/*
 * Answers rsyslog's mmexternal protocol on standard input and output until
 * end of input: one JSON object per input line, flushed at once.  Never
 * writes to standard error and reads no environment variable.  forced_mta is
 * SMTPCLASS_MTA_UNKNOWN to detect the format per line.  Returns 0 at end of
 * input, or EX_IOERR when reading or writing failed.
 */
int rsyslog_run(const smtpclass_options *options, smtpclass_mta forced_mta);

/* The protocol one line at a time (rsyslog_run() and the fuzz target):
 * rsyslog_start() resets the scanner state and names the stream, then each
 * rsyslog_answer() writes exactly one line to it for one message (without
 * its newline): {"$!":{"smtp":{...}}} or {}.  Flushes nothing. */
void rsyslog_start(FILE *out, smtpclass_mta forced_mta);
void rsyslog_answer(const char *line, size_t len, const smtpclass_options *options);

#endif
