/*
 * rsyslog.h: the --rsyslog mode, an rsyslog mmexternal plugin.
 */
#ifndef SMTPCLASS_RSYSLOG_H
#define SMTPCLASS_RSYSLOG_H

#include "smtpclass.h"

/*
 * Answers rsyslog's mmexternal protocol on standard input and output until
 * end of input: one JSON object per input line, flushed at once.  Never
 * writes to standard error and reads no environment variable.  forced_mta is
 * SMTPCLASS_MTA_UNKNOWN to detect the format per line.  Returns 0 at end of
 * input, or EX_IOERR when reading or writing failed.
 */
int rsyslog_run(const smtpclass_options *options, smtpclass_mta forced_mta);

#endif
