/*
 * fuzz_invariants.h: the properties every fuzz target checks.
 *
 * A fuzz target that only waits for a crash finds memory errors; one that
 * checks what the library promises also finds wrong answers.  These helpers
 * turn the contracts of include/smtpclass.h into checks that abort() when
 * they fail, so libFuzzer saves the input as a crash.
 */
#ifndef SMTPCLASS_FUZZ_INVARIANTS_H
#define SMTPCLASS_FUZZ_INVARIANTS_H

#include <stddef.h>

#include "smtpclass.h"

/* Aborts with the failed condition and where it was checked. */
#define FUZZ_CHECK(condition)                                                                      \
	do {                                                                                       \
		if (!(condition))                                                                  \
			fuzz_fail(__FILE__, __LINE__, #condition);                                 \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *condition);

/* True when span is absent (NULL, 0) or lies wholly inside base[0..len). */
int fuzz_span_inside(smtpclass_span span, const void *base, size_t len);

/* True when span is absent or non-empty and inside base[0..len). */
int fuzz_span_present_inside(smtpclass_span span, const void *base, size_t len);

/* True for the bytes the parser treats as white space (SP HT VT FF CR LF). */
int fuzz_is_space(unsigned char c);

/*
 * Checks a parse result against input[0..len): status, code ranges, every
 * span inside the input, segments trimmed and in order, the joined text and
 * smtpclass_reply_text_copy() with small buffers guarded by canaries.
 */
void fuzz_check_reply(const char *input, size_t len, smtpclass_parse_status status,
                      const smtpclass_reply *reply);

/*
 * Checks a classification of reply made with options (NULL for defaults):
 * ranges, rule NULL iff kind NONE, success means delivered/none, and the
 * verdict agrees with the class digit unless an exception or text rule
 * decided.  site_rules tells whether site rules were given.
 */
void fuzz_check_result(const smtpclass_reply *reply, const smtpclass_options *options,
                       const smtpclass_result *result);

/* The verdict the class digit alone gives (2 success ... 5 hard, else unknown). */
smtpclass_verdict fuzz_class_verdict(const smtpclass_reply *reply);

/* Copies data into a fresh malloc() block of exactly len bytes (ASan then
 * catches any read past the end).  Never returns NULL; free() the result. */
char *fuzz_exact_copy(const unsigned char *data, size_t len);

#endif
