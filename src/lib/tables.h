/*
 * tables.h: the shapes of the tables generated from the TSV files of data/.
 *
 * tools/gentables.c writes table_ids.h (reason and action ids as #defines)
 * and tables_data.c (the arrays below) into the build directory.  Lookups
 * by code use binary search, so the generator sorts the rows.
 */
#ifndef SMTPCLASS_TABLES_INTERNAL_H
#define SMTPCLASS_TABLES_INTERNAL_H

#include "smtpclass.h"
#include "table_ids.h"
#include "wrapper_ops.h"

struct sc_reason_row {
	const char *name;
	int hard_action; /* default action when the verdict is hard or unknown */
	int soft_action; /* default action when the verdict is soft */
	const char *meaning;
};

struct sc_action_row {
	const char *name;
	int removes_at; /* lowest smtpclass_confidence that removes the address, 0: never */
	const char *sentence;
};

/* An evidence kind of data/confidence.tsv, indexed by SC_EVIDENCE_*. */
struct sc_evidence_row {
	const char *name;
	int confidence; /* smtpclass_confidence */
	const char *meaning;
};

/* What a class digit says (data/classes.tsv, RFC 5321 s4.2.1, RFC 3463 s2). */
struct sc_class_row {
	int digit; /* 2 to 5 */
	smtpclass_verdict verdict;
	const char *name;    /* "Permanent Failure" */
	const char *rule;    /* "class 5": a result only the class decided */
	int reason;          /* the reason of such a result */
	int fixed_reason;    /* the reason of every result with the verdict, -1: the evidence's */
	int fixed_action;    /* the action of every result with the verdict, -1: the reason's */
	int explain_failure; /* text rules and stage renames say why the reply failed */
};

struct sc_enhanced_row {
	int subject;
	int detail;
	int reason;
	int action; /* -1: the reason's default */
	const char *subject_name;
	const char *detail_name;
	const char *rule; /* "enhanced X.s.d" */
	const char *
	    subject_rule; /* "subject X.s": used when this X.s.0 row stands for an unknown detail */
};

struct sc_basic_row {
	int code;
	int reason;
	int action;
	int unread_reason; /* when words no rule reads are present: -1 keeps the reason */
	int unread_action; /* and the action: -1 keeps it */
	const char *meaning;
	const char *rule;        /* "basic NNN" */
	const char *unread_rule; /* "basic NNN, words no rule reads" */
};

struct sc_exception_row {
	int code;
	int subject; /* -1: no enhanced code, -2: any */
	int detail;
	smtpclass_stage stage;
	int any_stage;
	smtpclass_verdict verdict;
	int reason;
	int action;
	const char *rule; /* "exception ID" */
};

struct sc_stage_reason_row {
	smtpclass_stage stage;
	int reason;
	int becomes;
	int kept_subject, kept_detail; /* an enhanced X.s.d that keeps the reason; -1: none */
	const char *rule;              /* "exception ID" */
};

/* What an MTA status says about the verdict (data/log-status.tsv). */
struct sc_log_status_row {
	int verdict;      /* smtpclass_verdict the status states, 0: the reply decides */
	int bare_verdict; /* for a reply without a code that a text rule read, 0: none */
	int reason;       /* the reason the status states, -1: the reply's */
	const char *rule, *rule_with_reply; /* the rule that names it, without and with a reply */
};

/* A result in other senders' bounce taxonomies (data/taxonomy.tsv). */
struct sc_taxonomy_row {
	const char *bounce_class, *powermta_category, *ses_bounce_type, *ses_bounce_subtype;
};

extern const struct sc_taxonomy_row sc_taxonomy[][2]; /* [reason][0 hard, 1 soft] */
extern const struct sc_taxonomy_row sc_taxonomy_unknown;
extern const struct sc_log_status_row sc_log_status[6]; /* by smtpclass_log_status */
struct sc_wrapper_op {
	int kind;         /* sc_wrapper_op_kind */
	const char *text; /* the literal, NULL for placeholders */
	size_t len;
};

struct sc_wrapper_row {
	const char *id;
	smtpclass_stage stage; /* the stage the form implies, or UNKNOWN */
	int needs_code;        /* 0 any, 1 a code at {reply}, 2 a code and the literal after it */
	int trailer;           /* the pattern opens with {reply}: a trailer of a coded text */
	int anchor;            /* index of the first literal: where the search looks */
	int op_count;
	const struct sc_wrapper_op *ops;
};

struct sc_stage_phrase {
	const char *phrase; /* lowercase words */
	size_t len;
	smtpclass_stage stage; /* UNKNOWN: a filler word before the phrase */
};

/* Rows of data/wrappers.tsv in file order: the rows opening with {reply}
 * (trailers) are excluded from the search and listed apart. */
extern const struct sc_wrapper_row sc_wrappers[];
extern const int sc_wrapper_count;
extern const struct sc_wrapper_row sc_wrapper_trailers[];
extern const int sc_wrapper_trailer_count;
/* Bit i is set when row i's first literal opens with this byte (either case). */
extern const unsigned long long sc_wrapper_first_byte[256];
/* Bit b of byte ch is set in this mask when a trailer row's pattern ends with ch. */
extern const unsigned char sc_wrapper_trailer_last_byte[256];
/* A piece of a form of data/log-events.tsv (events.c reads them). */
enum sc_event_piece_kind {
	SC_EVENT_LITERAL, /* text, byte for byte */
	SC_EVENT_PEER,    /* up to the last place of the next literal */
	SC_EVENT_COMMAND, /* capitals, digits, '-' */
	SC_EVENT_WORD,    /* bytes other than space */
	SC_EVENT_ANY,     /* up to the last place of the next literal */
	SC_EVENT_QUEUE,   /* letters, digits, '-' */
	SC_EVENT_SENDER,  /* up to the first place of the next literal, else a word */
	SC_EVENT_SIZE     /* digits */
};

struct sc_event_piece {
	enum sc_event_piece_kind kind;
	const char *text; /* a literal's, else NULL */
	size_t len;
};

/* A row of data/log-events.tsv, its form as pieces. */
struct sc_log_event_row {
	smtpclass_mta mta;
	smtpclass_log_event_kind kind;
	const struct sc_event_piece *pieces;
	int piece_count;
};
extern const struct sc_log_event_row sc_log_events[];
/* The rows of each MTA (none: count 0). */
struct sc_log_event_mta {
	const unsigned char *rows;
	int count;
};
extern const struct sc_log_event_mta sc_log_event_mtas[SMTPCLASS_MTA_COUNT];
/* [mta][first byte of the message]: bit k set when the MTA's k-th row may
 * match a message that opens with that byte (so most lines try no form). */
extern const unsigned int sc_log_event_first[SMTPCLASS_MTA_COUNT][256];

extern const int sc_log_event_count;

/* Index of the lowest set bit of a non-zero mask: the next row to try of
 * the bit sets above (wrappers, events). */
static inline int sc_lowest_bit(unsigned long long mask)
{
#if defined(__GNUC__)
	return __builtin_ctzll(mask);
#else
	int i = 0;

	while (!(mask & 1)) {
		mask >>= 1;
		i++;
	}
	return i;
#endif
}

/* data/stage-phrases.tsv, longest phrase first. */
extern const struct sc_stage_phrase sc_stage_phrases[];
extern const int sc_stage_phrase_count;

extern const struct sc_reason_row sc_reasons[];
extern const struct sc_stage_reason_row sc_stage_reasons[];
extern const int sc_stage_reason_count;
extern const struct sc_action_row sc_actions[];
extern const struct sc_evidence_row sc_evidence[];
/* [verdict][action]: 1 when data/verdict-actions.tsv allows the pair */
extern const unsigned char sc_verdict_action_allowed[5][SC_ACTION_COUNT];
extern const struct sc_class_row sc_classes[];
/* Rows of data/classes.tsv by class digit 0-9 and by smtpclass_verdict:
 * NULL for a digit outside 2-5 and for verdict unknown. */
extern const struct sc_class_row *const sc_class_by_digit[10];
extern const struct sc_class_row *const sc_class_by_verdict[5];
extern const struct sc_enhanced_row sc_enhanced[];
extern const int sc_enhanced_count;
extern const struct sc_basic_row sc_basic[];
extern const int sc_basic_count;
extern const struct sc_exception_row sc_exceptions[];
extern const int sc_exception_count;

/* Row of a class digit, or NULL when no class has the digit. */
const struct sc_class_row *sc_class_of_digit(int digit);
/* Row of the class a verdict comes from, or NULL (verdict unknown). */
const struct sc_class_row *sc_class_of_verdict(smtpclass_verdict verdict);
/* Row of an enhanced code, or NULL. */
const struct sc_enhanced_row *sc_find_enhanced(int subject, int detail);
/* Row of a basic code, or NULL. */
const struct sc_basic_row *sc_find_basic(int code);

#endif
