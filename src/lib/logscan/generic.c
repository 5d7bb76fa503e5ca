/*
 * generic.c: lines of MTAs without a scanner of their own.  Many quote a
 * reply after a marker such as " said: ", "reply=" or "[SMTP Error] ":
 *
 *   Jul-30-16 17:07:25 [Worker_1] [TLS-out] 0.0.0.0 [SMTP Error] 535 5.7.8
 *       Error: authentication failed: UGFzc3dvcmQ6      (tests/logs/assp.log)
 *
 * A reply code right after a marker makes a record; its class digit gives
 * the status (2 sent, 4 deferred, 5 bounced).
 */
#include "logscan_internal.h"

/* Markers after which MTAs without a parser of their own quote a reply,
 * each looked for by a byte rare in replies (find_bytes_at()): every line
 * of unknown origin, and so every bare reply, is searched for all six. */
static const struct marker {
	const char *text;
	size_t length;
	size_t anchor;
} generic_markers[] = {{LIT(" said: "), 5}, {LIT("reply="), 5},        {LIT("reply: "), 5},
                       {LIT("=> "), 1},     {LIT("[SMTP Error] "), 0}, {LIT("di=\""), 3}};

/* Scans any line for a reply code right after a known marker; the status
 * comes from the class digit. */
static int scan_generic(const char *p, const char *end, smtpclass_log_record *out)
{
	for (size_t i = 0; i < sizeof(generic_markers) / sizeof(generic_markers[0]); i++) {
		const struct marker *marker = &generic_markers[i];
		const char *found =
		    find_bytes_at(p, end, marker->text, marker->length, marker->anchor);
		const char *reply;
		const char *reply_end = end;

		if (found == NULL)
			continue;
		reply = found + marker->length;
		if (!is_reply_code(reply, end))
			continue;
		if (marker->text[marker->length - 1] == '"') {
			const char *quote = find_byte(reply, end, '"');
			if (quote != NULL)
				reply_end = quote;
		}
		out->mta = SMTPCLASS_MTA_GENERIC;
		out->status = status_from_class(reply[0]);
		out->reply = span_of(reply, reply_end);
		return 1;
	}
	return 0;
}

int sc_scan_generic(const struct scan_line *line, smtpclass_log_record *out)
{
	return scan_generic(line->header.message, line->end, out);
}
