/*
 * rules.c: text rules (data/rules.tsv and site files).  Not built yet: the
 * code tables alone decide.
 */
#include "classify_internal.h"

void sc_apply_text_rules(const smtpclass_reply *reply, const smtpclass_options *options,
                         smtpclass_result *out, int *action)
{
	(void)reply;
	(void)options;
	(void)out;
	(void)action;
}
