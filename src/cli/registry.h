/*
 * registry.h: what the registries say about each code, for --describe.
 *
 * tools/gentables.c writes the arrays into registry_data.c in the build
 * directory from data/basic-codes.tsv and data/enhanced-codes.tsv, the
 * single source of truth; the library keeps the classification columns of
 * the same files, the command only these words for people.  The same file
 * holds the rows of data/stage-phrases.tsv that the mail reader looks for
 * in notices (read "notice"; the library keeps the "slot" rows) and the DSN
 * actions of data/log-status.tsv.
 */
#ifndef SMTPCLASS_REGISTRY_H
#define SMTPCLASS_REGISTRY_H

#include <stddef.h>

#include "smtpclass.h"

struct registry_basic {
	int code;
	const char *meaning;   /* every use of the code, separated by " | " */
	const char *reference; /* defining documents */
};

struct registry_enhanced {
	int subject, detail;
	const char *reference;
};

extern const struct registry_basic registry_basic[]; /* sorted by code */
extern const size_t registry_basic_count;
extern const struct registry_enhanced registry_enhanced[]; /* sorted by subject, detail */
extern const size_t registry_enhanced_count;

struct registry_stage_phrase {
	const char *phrase; /* lowercase */
	smtpclass_stage stage;
};

/* The notice phrases, in the order of data/stage-phrases.tsv. */
extern const struct registry_stage_phrase registry_notice_stages[];
extern const size_t registry_notice_stage_count;

struct registry_dsn_action {
	const char *action; /* lowercase: "failed", "delayed", ... */
	smtpclass_log_status status;
};

/* The DSN actions of data/log-status.tsv (column dsn_actions). */
extern const struct registry_dsn_action registry_dsn_actions[];
extern const size_t registry_dsn_action_count;

/* The row of a basic code, or NULL when no registry names it. */
const struct registry_basic *registry_find_basic(int code);
/* The meaning of a basic code ("Requested action not taken: ..."), or NULL. */
const char *registry_basic_meaning(int code);
/* The reference of X.subject.detail, or NULL when it is not registered. */
const char *registry_enhanced_reference(int subject, int detail);

#endif
