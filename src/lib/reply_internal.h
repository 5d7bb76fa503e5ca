/*
 * reply_internal.h: the reply scanners of reply.c that the finder (find.c)
 * shares, so a code is recognised the same way in both.
 */
#ifndef SMTPCLASS_REPLY_INTERNAL_H
#define SMTPCLASS_REPLY_INTERNAL_H

/* Position after a DSN prefix ("Diagnostic-Code: smtp;", "smtp;",
 * "Status:") at p, or p when there is none. */
const char *sc_after_dsn_prefix(const char *p, const char *end);

/* Whether a basic code opens [p, end). */
int sc_opens_basic_code(const char *p, const char *end);

/* Whether a basic code or an enhanced code opens [p, end). */
int sc_opens_code(const char *p, const char *end);

/* Whether [p, end) opens with a basic code followed by blanks and an
 * enhanced code of the same class ("554 5.3.0"): a reply even without a
 * wrapper around it. */
int sc_opens_code_pair(const char *p, const char *end);

#endif
