/*
 * fuzz_rsyslog.c: libFuzzer target for --rsyslog (src/cli/rsyslog.c), the
 * mmexternal plugin that rsyslog feeds every mail log message, words of
 * remote servers included.
 *
 * Byte 0 picks the forced MTA (or detection); the rest is split at '\n'
 * into messages, each given to rsyslog_answer() in its own exact-size block
 * (a read past the message is caught), with one scanner state for the run,
 * as rsyslog_run() does.  The contract rsyslog depends on, or it waits for
 * ever: exactly one line per message, each one strict JSON object (RFC
 * 8259, json_check.c) that is {} or {"$!":{"smtp":{...}}} whose members
 * are the documented keys in the documented order, each at most once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "json_check.h"
#include "rsyslog.h"

/* The keys of $!smtp in their order (rsyslog.c's design note). */
static const char *const keys[] = {
    "code", "enhanced", "verdict", "reason",    "action", "confidence", "rule",  "status",
    "mta",  "queue_id", "sender",  "recipient", "domain", "relay",      "stage", "dsn"};

static void check_answer(const char *s, size_t len)
{
	struct json_member members[4];
	size_t count = 0;
	static const char prefix[] = "{\"$!\":{\"smtp\":{";
	const char *inner, *end;
	size_t next = 0;

	FUZZ_CHECK(json_check_line(s, len, members, 4, &count) == 0);
	if (len == 3) {
		FUZZ_CHECK(memcmp(s, "{}\n", 3) == 0);
		return;
	}
	FUZZ_CHECK(len > sizeof(prefix) + 3 && memcmp(s, prefix, sizeof(prefix) - 1) == 0);
	FUZZ_CHECK(memcmp(s + len - 4, "}}}\n", 4) == 0);
	/* The members of the innermost object, checked as one JSON value. */
	inner = s + sizeof(prefix) - 2;
	end = s + len - 3;
	FUZZ_CHECK(json_check_value(inner, (size_t)(end - inner)) == 0);
	/* Its keys, in order: each "key": appears at a member start. */
	for (const char *p = inner + 1; p < end - 1;) {
		size_t k;

		FUZZ_CHECK(*p == '"');
		for (k = next; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t n = strlen(keys[k]);

			if ((size_t)(end - p) > n + 2 && memcmp(p + 1, keys[k], n) == 0 &&
			    p[n + 1] == '"' && p[n + 2] == ':')
				break;
		}
		FUZZ_CHECK(k < sizeof(keys) / sizeof(keys[0])); /* known, and after the last */
		next = k + 1;
		/* skip to the next member: the value is a string or a number */
		p += strlen(keys[k]) + 3;
		if (*p == '"') {
			for (p++; *p != '"'; p++)
				if (*p == '\\')
					p++;
			p++;
		} else {
			while (p < end - 1 && *p != ',')
				p++;
		}
		if (*p == ',')
			p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL;
	size_t out_len = 0, lines = 0, answers = 0;
	FILE *stream;
	const char *p, *end;
	smtpclass_options options = {0};

	if (size == 0)
		return 0;
	stream = open_memstream(&out, &out_len);
	if (stream == NULL)
		return 0;
	/* 0 is SMTPCLASS_MTA_UNKNOWN: the format detected per line */
	rsyslog_start(stream, (smtpclass_mta)(data[0] % SMTPCLASS_MTA_COUNT));
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p <= end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		size_t len = newline != NULL ? (size_t)(newline - p) : (size_t)(end - p);
		char *line = malloc(len > 0 ? len : 1);

		if (line == NULL)
			break;
		memcpy(line, p, len);
		rsyslog_answer(line, len, &options);
		free(line);
		lines++;
		if (newline == NULL)
			break;
		p = newline + 1;
	}
	fclose(stream);
	/* One answer per message, each checked. */
	for (size_t at = 0; at < out_len;) {
		const char *nl = memchr(out + at, '\n', out_len - at);

		FUZZ_CHECK(nl != NULL);
		check_answer(out + at, (size_t)(nl - (out + at)) + 1);
		answers++;
		at = (size_t)(nl - out) + 1;
	}
	FUZZ_CHECK(answers == lines);
	free(out);
	return 0;
}
