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

#endif
