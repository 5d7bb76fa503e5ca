/*
 * stage.c: the SMTP stage a log line names, shared by the dialect
 * scanners.  MTAs name the command a reply answered in two ways: in words
 * ("in reply to RCPT TO command", "after end of data", "while sending the
 * initial server greeting") and as the command itself ("RCPT from ...",
 * OpenSMTPD's failed "MAIL FROM:<a>").  Example: Postfix's
 *
 *   status=bounced (host H[IP] said: 550 5.1.1 ... (in reply to RCPT TO command))
 *
 * gives the phrase "RCPT TO command", stage rcpt.
 */
#include "logscan_internal.h"

/* The stage named by a phrase as MTAs write it after "in reply to",
 * "while sending", "after", "in response to": "RCPT TO", "MAIL FROM",
 * "end of DATA", "DATA", "HELO x", "the initial server greeting", ... */
smtpclass_stage sc_stage_from_phrase(const char *p, const char *end)
{
	if (starts_with(p, end, "pipelined "))
		p += 10;
	if (starts_with(p, end, "the "))
		p += 4;
	if (starts_with_nocase(p, end, "RCPT TO"))
		return SMTPCLASS_STAGE_RCPT;
	if (starts_with_nocase(p, end, "MAIL FROM"))
		return SMTPCLASS_STAGE_MAIL;
	if (starts_with_nocase(p, end, "end of data"))
		return SMTPCLASS_STAGE_EOD;
	if (starts_with(p, end, "DATA") || starts_with(p, end, "BDAT") ||
	    starts_with(p, end, "message body") || starts_with(p, end, "message content") ||
	    starts_with(p, end, "sending data block"))
		return SMTPCLASS_STAGE_DATA;
	if (starts_with(p, end, "HELO") || starts_with(p, end, "EHLO") ||
	    starts_with(p, end, "LHLO"))
		return SMTPCLASS_STAGE_HELO;
	if (starts_with(p, end, "initial server greeting") ||
	    starts_with(p, end, "server greeting") || starts_with(p, end, "initial connection"))
		return SMTPCLASS_STAGE_CONNECT;
	return SMTPCLASS_STAGE_UNKNOWN;
}

/* The stage of an SMTP command word: "RCPT", "MAIL FROM:<x>", "EHLO",
 * "CONNECT", "END-OF-MESSAGE", ... (any case; VRFY, AUTH, ... are unknown). */
smtpclass_stage sc_stage_from_command(const char *p, const char *end)
{
	if (starts_with_nocase(p, end, "RCPT"))
		return SMTPCLASS_STAGE_RCPT;
	if (starts_with_nocase(p, end, "MAIL"))
		return SMTPCLASS_STAGE_MAIL;
	if (starts_with_nocase(p, end, "END-OF-MESSAGE"))
		return SMTPCLASS_STAGE_EOD;
	if (starts_with_nocase(p, end, "DATA") || starts_with_nocase(p, end, "BDAT"))
		return SMTPCLASS_STAGE_DATA;
	if (starts_with_nocase(p, end, "EHLO") || starts_with_nocase(p, end, "HELO") ||
	    starts_with_nocase(p, end, "LHLO"))
		return SMTPCLASS_STAGE_HELO;
	if (starts_with_nocase(p, end, "CONNECT"))
		return SMTPCLASS_STAGE_CONNECT;
	return SMTPCLASS_STAGE_UNKNOWN;
}
