/*
 * registry.h: what the registries say about each code, for --describe.
 *
 * tools/gentables.c writes the arrays into registry_data.c in the build
 * directory from data/basic-codes.tsv and data/enhanced-codes.tsv, the
 * single source of truth; the library keeps the classification columns of
 * the same files, the command only these words for people.
 */
#ifndef SMTPCLASS_REGISTRY_H
#define SMTPCLASS_REGISTRY_H

#include <stddef.h>

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

/* The row of a basic code, or NULL when no registry names it. */
const struct registry_basic *registry_find_basic(int code);
/* The meaning of a basic code ("Requested action not taken: ..."), or NULL. */
const char *registry_basic_meaning(int code);
/* The reference of X.subject.detail, or NULL when it is not registered. */
const char *registry_enhanced_reference(int subject, int detail);

#endif
