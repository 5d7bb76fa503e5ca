/*
 * siterules.c: finds the site rules files that smtpclass reads by default.
 *
 * A site keeps its own text rules in the files named *.rules of
 * SMTPCLASS_SITE_RULES_DIR (a conffile directory of the package), and every
 * run reads them, before the built-in rules, without a --rules option in
 * each cron job or rsyslog action; --no-site-rules turns that off.  The files are listed with
 * glob(3), which sorts them, so "10-local.rules" comes before
 * "20-more.rules" and the first rule in that order wins a tie, as within
 * one file.  Reading and compiling stay in main.c (load_site_rules), so a
 * bad file is reported exactly like one given with --rules.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "siterules.h"

/* Holds the paths handed out until the program ends. */
static glob_t found;

int site_rules_append_directory(const char *directory, const char ***files, int *count)
{
	size_t length = strlen(directory);
	char *pattern = malloc(length + sizeof("/*.rules"));
	const char **bigger;
	int status;

	if (pattern == NULL)
		return -1;
	memcpy(pattern, directory, length);
	memcpy(pattern + length, "/*.rules", sizeof("/*.rules"));
	status = glob(pattern, 0, NULL, &found);
	free(pattern);
	if (status == GLOB_NOSPACE)
		return -1;
	if (status != 0 || found.gl_pathc == 0)
		return 0;
	bigger = realloc(*files, ((size_t)*count + found.gl_pathc) * sizeof(**files));
	if (bigger == NULL)
		return -1;
	for (size_t i = 0; i < found.gl_pathc; i++)
		bigger[(*count)++] = found.gl_pathv[i];
	*files = bigger;
	return 0;
}
