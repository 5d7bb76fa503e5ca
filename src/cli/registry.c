/*
 * registry.c: lookups in the registry tables of registry.h (binary search:
 * tools/gentables.c sorts the rows and fails on a duplicate).
 */
#include "registry.h"

#include <stdlib.h>

static int compare_basic(const void *key, const void *element)
{
	const int *code = key;
	const struct registry_basic *row = element;

	return *code - row->code;
}

const struct registry_basic *registry_find_basic(int code)
{
	return bsearch(&code, registry_basic, registry_basic_count, sizeof(registry_basic[0]),
	               compare_basic);
}

const char *registry_basic_meaning(int code)
{
	const struct registry_basic *row = registry_find_basic(code);

	return row != NULL ? row->meaning : NULL;
}

static int compare_enhanced(const void *key, const void *element)
{
	const struct registry_enhanced *wanted = key, *row = element;

	if (wanted->subject != row->subject)
		return wanted->subject - row->subject;
	return wanted->detail - row->detail;
}

const char *registry_enhanced_reference(int subject, int detail)
{
	struct registry_enhanced key = {subject, detail, NULL};
	const struct registry_enhanced *row =
	    bsearch(&key, registry_enhanced, registry_enhanced_count, sizeof(registry_enhanced[0]),
	            compare_enhanced);

	return row != NULL ? row->reference : NULL;
}
