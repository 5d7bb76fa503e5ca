/*
 * classify_internal.h: what classify.c shares with the text-rule matcher.
 */
#ifndef SMTPCLASS_CLASSIFY_INTERNAL_H
#define SMTPCLASS_CLASSIFY_INTERNAL_H

#include "smtpclass.h"

/* Default action of a reason under a verdict: the action the verdict's
 * class fixes (data/classes.tsv), else the reason's (data/reasons.tsv). */
int sc_default_action(smtpclass_verdict verdict, int reason);

/* The action itself when data/verdict-actions.tsv allows it with the
 * verdict, else the reason's default action for the verdict. */
int sc_coherent_action(smtpclass_verdict verdict, int reason, int action);

/* Sets the confidence and its basis from an SC_EVIDENCE_* kind. */
void sc_set_evidence(smtpclass_result *out, int evidence);

/*
 * Lets the text rules (site rules first, then the built-in ones) refine a
 * result the code tables produced.  *action is -1 for "the reason's default".
 */
void sc_apply_text_rules(const smtpclass_reply *reply, const smtpclass_options *options,
                         smtpclass_result *out, int *action);

#endif
