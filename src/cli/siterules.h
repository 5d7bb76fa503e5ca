/*
 * siterules.h: the site rules directory (SMTPCLASS_SITE_RULES_DIR, by
 * default /etc/smtpclass/rules.d for a /usr install) read by default.
 */
#ifndef SMTPCLASS_SITERULES_H
#define SMTPCLASS_SITERULES_H

#ifndef SMTPCLASS_SITE_RULES_DIR
#define SMTPCLASS_SITE_RULES_DIR "/etc/smtpclass/rules.d"
#endif

/*
 * Appends the *.rules files of directory, in the C locale's sort order, to
 * the *count paths of *files (an array from malloc, replaced by a larger
 * one).  A missing or empty directory adds nothing.  The paths stay valid
 * until the program ends.  Returns 0, or -1 when out of memory.
 */
int site_rules_append_directory(const char *directory, const char ***files, int *count);

#endif
