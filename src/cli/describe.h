/*
 * describe.h: --describe CODE and the --list-* options: what smtpclass
 * knows, written from the data tables for people (text) or programs (JSON).
 */
#ifndef SMTPCLASS_DESCRIBE_H
#define SMTPCLASS_DESCRIBE_H

#include <stdio.h>

#include "smtpclass.h"

/*
 * Writes what the registries say about the codes of TEXT (a basic code, an
 * enhanced code or both, e.g. "421 4.7.0"), its classification and the
 * action to take, as "key: value" lines or, with JSON, one JSON object.
 * Returns 0, or -1 when TEXT holds no code (nothing written).
 */
int describe_codes(FILE *stream, const char *text, const smtpclass_options *options, int json);

/* Write the reasons with their meanings, the actions with their sentences,
 * and the MTAs whose logs are read: one per line, or one JSON object each. */
void describe_list_reasons(FILE *stream, int json);
void describe_list_actions(FILE *stream, int json);
void describe_list_mtas(FILE *stream, int json);

#endif
