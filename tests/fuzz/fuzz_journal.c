/*
 * fuzz_journal.c: libFuzzer target for journald's record formats
 * (src/cli/journal.c), which read JSON, export and verbose records written
 * from remote mail servers' words.
 *
 * The input is split at '\n' into lines, given to journal_take() one by one
 * as the CLI does (each in its own exact-size block, so a read past a line
 * is caught), and journal_finish() at the end.  Invariants: every result is
 * one of the three; a record's line fits its buffer, holds no line end, and
 * its line number is one that was given; a line given again (the first
 * line of the next record) is never asked for a third time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_invariants.h"
#include "journal.h"

static struct journal journal;

static void check_record(unsigned long long last_number)
{
	FUZZ_CHECK(journal.line_len <= sizeof(journal.line));
	FUZZ_CHECK(memchr(journal.line, '\n', journal.line_len) == NULL);
	FUZZ_CHECK(journal.record_line >= 1 && journal.record_line <= last_number);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	unsigned long long number = 0;

	journal_init(&journal);
	while (p < end) {
		const char *newline = memchr(p, '\n', (size_t)(end - p));
		size_t len = newline != NULL ? (size_t)(newline - p) : (size_t)(end - p);
		char *line = malloc(len > 0 ? len : 1);
		int rounds = 0;

		memcpy(line, p, len);
		number++;
		for (;;) {
			enum journal_result taken = journal_take(&journal, line, len, number);

			FUZZ_CHECK(taken == JOURNAL_NOT || taken == JOURNAL_PART ||
			           taken == JOURNAL_RECORD);
			if (taken == JOURNAL_RECORD)
				check_record(number);
			if (!journal.again)
				break;
			FUZZ_CHECK(++rounds < 2);
		}
		free(line);
		p += len + (newline != NULL);
	}
	if (journal_finish(&journal) == JOURNAL_RECORD)
		check_record(number);
	return 0;
}
