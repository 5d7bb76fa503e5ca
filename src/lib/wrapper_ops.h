/*
 * wrapper_ops.h: the kinds of piece a data/wrappers.tsv pattern is made of,
 * shared by the generator (tools/gentables.c) and the finder (find.c).
 */
#ifndef SMTPCLASS_WRAPPER_OPS_H
#define SMTPCLASS_WRAPPER_OPS_H

/* The pieces of a data/wrappers.tsv pattern. */
enum sc_wrapper_op_kind {
	SC_WRAPPER_LITERAL = 0, /* lowercase text; a space matches a run of blanks */
	SC_WRAPPER_HOST = 1,    /* a host name and/or [IP] */
	SC_WRAPPER_ADDRESS = 2, /* a mail address (not reported) */
	SC_WRAPPER_STAGE = 3,   /* a phrase of data/stage-phrases.tsv */
	SC_WRAPPER_REPLY = 4,   /* where the reply starts */
	SC_WRAPPER_SKIP = 5     /* any text up to the next literal */
};

#endif
