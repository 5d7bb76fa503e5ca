/*
 * smtpclass.h: the whole public API of libsmtpclass.
 *
 * libsmtpclass splits an SMTP reply into its basic code (RFC 5321), its
 * enhanced status code (RFC 3463) and its text, and classifies it into a
 * verdict, a reason (Sisimai's v5 vocabulary) and an action.
 *
 * Design: the library does no I/O, never allocates per call, never prints,
 * never exits and never reads the locale.  Inputs are (pointer, length)
 * pairs; outputs are caller-owned structs whose text fields are views into
 * the caller's input.  There are no callbacks, no varargs and no FILE *, so
 * the API can be called through any FFI (log engines, scripting languages).
 * Reasons and actions are small integers whose names come from the data
 * tables (data/reasons.tsv, data/actions.tsv); use the *_name() functions.
 */
#ifndef SMTPCLASS_H
#define SMTPCLASS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version, written once: CMake reads these three lines for the
 * project, the shared library's version and the package.  While MAJOR is 0
 * a MINOR release may change the ABI, so the SONAME carries MAJOR.MINOR. */
#define SMTPCLASS_VERSION_MAJOR 0
#define SMTPCLASS_VERSION_MINOR 1
#define SMTPCLASS_VERSION_PATCH 0

/* MAJOR * 10000 + MINOR * 100 + PATCH, for compile-time comparisons. */
#define SMTPCLASS_VERSION_NUMBER                                                                   \
	(SMTPCLASS_VERSION_MAJOR * 10000 + SMTPCLASS_VERSION_MINOR * 100 + SMTPCLASS_VERSION_PATCH)
#define SMTPCLASS_EXPAND_STRING_(x) #x
#define SMTPCLASS_STRING_(x)        SMTPCLASS_EXPAND_STRING_(x)
/* "MAJOR.MINOR.PATCH", e.g. "0.1.0". */
#define SMTPCLASS_VERSION_STRING                                                                   \
	SMTPCLASS_STRING_(SMTPCLASS_VERSION_MAJOR)                                                 \
	"." SMTPCLASS_STRING_(SMTPCLASS_VERSION_MINOR) "." SMTPCLASS_STRING_(                      \
	    SMTPCLASS_VERSION_PATCH)

#if defined(__GNUC__) && __GNUC__ >= 4
#define SMTPCLASS_API __attribute__((visibility("default")))
#else
#define SMTPCLASS_API
#endif

/* Returns the library's version string, e.g. "0.1.0": the version of the
 * library loaded at run time, which may differ from the header's. */
SMTPCLASS_API const char *smtpclass_version(void);
/* Returns the loaded library's SMTPCLASS_VERSION_NUMBER, e.g. 100 for 0.1.0. */
SMTPCLASS_API unsigned smtpclass_version_number(void);

/* A view into caller memory: ptr is NULL and len 0 when absent. */
typedef struct smtpclass_span {
	const char *ptr;
	size_t len;
} smtpclass_span;

/* Most text pieces a parsed reply keeps; a longer multiline reply has its
 * last segment extended to the end of the input and is flagged TRUNCATED. */
#define SMTPCLASS_MAX_SEGMENTS 16

/* Flags of a parsed reply. */
enum smtpclass_reply_flag {
	/* more than one reply line */
	SMTPCLASS_REPLY_MULTILINE = 1u << 0,
	/* segments did not fit; the last one spans the rest */
	SMTPCLASS_REPLY_TRUNCATED = 1u << 1,
	/* had a DSN prefix (Diagnostic-Code:, smtp;, Status:) */
	SMTPCLASS_REPLY_DSN = 1u << 2,
	/* a continuation line had another code (malformed) */
	SMTPCLASS_REPLY_CODE_CHANGED = 1u << 3,
	/* enhanced code taken from a qmail-style "(#5.1.1)" */
	SMTPCLASS_REPLY_ENHANCED_LATE = 1u << 4
};

/* Result of smtpclass_parse(). Values are pinned. */
typedef enum smtpclass_parse_status {
	SMTPCLASS_PARSE_OK = 0, /* a basic and/or enhanced code was found */
	SMTPCLASS_PARSE_TEXT_ONLY =
	    1, /* no code: the whole input is text (rules may still classify it) */
	SMTPCLASS_PARSE_EMPTY = 2,  /* nothing but whitespace */
	SMTPCLASS_PARSE_INVALID = 3 /* invalid argument (NULL out) */
} smtpclass_parse_status;

/* A reply split into its parts.  Every span points into the parsed input. */
typedef struct smtpclass_reply {
	int code;                /* basic code 200-559, or 0 when absent */
	int enhanced_class;      /* 2, 4 or 5, or 0 when there is no enhanced code */
	int enhanced_subject;    /* 0-999 */
	int enhanced_detail;     /* 0-999 */
	smtpclass_span enhanced; /* the enhanced code as written, e.g. "5.1.1" */
	size_t segment_count;    /* text pieces: the text is them joined with one space */
	smtpclass_span segments[SMTPCLASS_MAX_SEGMENTS];
	unsigned flags; /* smtpclass_reply_flag bits */
} smtpclass_reply;

/*
 * Splits one reply (one line, a multiline reply with real newlines, or a
 * multiline reply flattened on one line as MTAs log it) into *out.
 * Returns SMTPCLASS_PARSE_OK when a code was found, TEXT_ONLY when the input
 * holds words but no code (out has the text), EMPTY for blank input.
 * Never reads outside input[0..len).  input may hold NUL bytes.
 */
SMTPCLASS_API smtpclass_parse_status smtpclass_parse(const char *input, size_t len,
                                                     smtpclass_reply *out);

/*
 * Whether input opens like a reply (after blanks: a reply code, an enhanced
 * code, or a DSN field name), in a few compares and without parsing the
 * rest: lets a caller skip lines of a log that cannot be replies.  A line
 * for which it returns 0 never parses as SMTPCLASS_PARSE_OK except through
 * qmail's trailing "(#5.1.1)".
 */
SMTPCLASS_API int smtpclass_opens_reply(const char *input, size_t len);

/* Length of the reply's text joined with single spaces. */
SMTPCLASS_API size_t smtpclass_reply_text_length(const smtpclass_reply *reply);

/* Copies the joined text into buf (at most size-1 bytes, NUL-terminated when
 * size > 0).  Returns the full length, like snprintf. */
SMTPCLASS_API size_t smtpclass_reply_text_copy(const smtpclass_reply *reply, char *buf,
                                               size_t size);

/* Names from the enhanced status code registry (data/enhanced-codes.tsv):
 * the class ("Permanent Failure"; 3 gives "Positive Intermediate" from
 * RFC 5321), the subject ("Addressing Status") and the detail ("Bad
 * destination mailbox address").  NULL when unknown. */
SMTPCLASS_API const char *smtpclass_class_name(int class_digit);
SMTPCLASS_API const char *smtpclass_subject_name(int subject);
SMTPCLASS_API const char *smtpclass_detail_name(int subject, int detail);

/* Verdicts.  Values are pinned. */
typedef enum smtpclass_verdict {
	SMTPCLASS_VERDICT_UNKNOWN = 0,
	SMTPCLASS_VERDICT_SUCCESS = 1,
	SMTPCLASS_VERDICT_INTERMEDIATE = 2,
	SMTPCLASS_VERDICT_SOFT = 3,
	SMTPCLASS_VERDICT_HARD = 4
} smtpclass_verdict;

/* Name of a verdict ("unknown", "success", "intermediate", "soft", "hard"). */
SMTPCLASS_API const char *smtpclass_verdict_name(smtpclass_verdict verdict);

/* The SMTP command a reply answered, when the caller knows it. Values pinned. */
typedef enum smtpclass_stage {
	SMTPCLASS_STAGE_UNKNOWN = 0,
	SMTPCLASS_STAGE_CONNECT = 1, /* greeting */
	SMTPCLASS_STAGE_HELO = 2,
	SMTPCLASS_STAGE_MAIL = 3,
	SMTPCLASS_STAGE_RCPT = 4,
	SMTPCLASS_STAGE_DATA = 5,
	SMTPCLASS_STAGE_EOD = 6 /* end of DATA */
} smtpclass_stage;

/* Name of a stage ("connect", "helo", ...), or NULL for UNKNOWN. */
SMTPCLASS_API const char *smtpclass_stage_name(smtpclass_stage stage);
/* Stage from its name (as smtpclass_stage_name), or -1. */
SMTPCLASS_API int smtpclass_stage_from_name(const char *name, size_t len);

/* What smtpclass_find_reply() found.  Spans point into the input. */
typedef struct smtpclass_found {
	smtpclass_span reply;       /* the reply to give smtpclass_parse(): from its code to
	                             * the end of the wrapper, or the whole text when no code
	                             * was found */
	smtpclass_span remote_host; /* the remote host's name as written, or absent */
	smtpclass_span remote_ip;   /* the remote host's IP as written, or absent */
	smtpclass_stage stage;      /* the command the wrapper says the reply answered */
	const char *form;           /* id of the data/wrappers.tsv row that matched, or NULL */
} smtpclass_found;

/*
 * Finds the SMTP reply inside any failure text: a reply that opens the text,
 * or one wrapped in a sentence an MTA writes ("host H[IP] said: 550 5.1.1 ...
 * (in reply to RCPT TO command)", "SMTP error from remote mail server after
 * RCPT TO:<a>: 550 ...", "Remote Server returned '550 5.1.1 ...'").  Fills
 * *out with the reply's span and what the wrapper says: the stage, the
 * remote host and IP, and the form (rows of data/wrappers.tsv).  Numbers in
 * the wrapper (IP octets, ports, sizes, dates, queue ids) are never taken
 * for a code.  Returns 1 when out->reply opens with a code, 0 when no code
 * was found (out->reply is then the whole text, for the text rules), -1 for
 * a NULL out.  Pure: no allocation, never reads outside input[0..len).
 */
SMTPCLASS_API int smtpclass_find_reply(const char *input, size_t len, smtpclass_found *out);

/* Reasons and actions: ids 0..count-1 in the order of data/reasons.tsv and
 * data/actions.tsv.  Names are stable; ids are stable within one version. */
SMTPCLASS_API int smtpclass_reason_count(void);
SMTPCLASS_API const char *smtpclass_reason_name(int reason);    /* NULL when out of range */
SMTPCLASS_API const char *smtpclass_reason_meaning(int reason); /* one-line meaning */
SMTPCLASS_API int smtpclass_reason_from_name(const char *name, size_t len); /* -1 if unknown */
SMTPCLASS_API int smtpclass_action_count(void);
SMTPCLASS_API const char *smtpclass_action_name(int action);
SMTPCLASS_API const char *smtpclass_action_sentence(int action); /* shown to people */
SMTPCLASS_API int smtpclass_action_from_name(const char *name, size_t len);

/* What kind of evidence decided a classification. Values pinned; the order
 * is the precedence, strongest last. */
typedef enum smtpclass_rule_kind {
	SMTPCLASS_RULE_NONE = 0,      /* nothing decided: no code, no matching text */
	SMTPCLASS_RULE_CLASS = 1,     /* only the class digit */
	SMTPCLASS_RULE_BASIC = 2,     /* a row of data/basic-codes.tsv */
	SMTPCLASS_RULE_SUBJECT = 3,   /* enhanced subject (unknown detail) */
	SMTPCLASS_RULE_ENHANCED = 4,  /* a row of data/enhanced-codes.tsv */
	SMTPCLASS_RULE_EXCEPTION = 5, /* a row of data/exceptions.tsv */
	SMTPCLASS_RULE_TEXT = 6,      /* a text rule (data/rules.tsv or a site file) */
	SMTPCLASS_RULE_PROVIDER = 7   /* a provider-scoped text rule */
} smtpclass_rule_kind;

/* How strongly the evidence supports a result.  Values pinned.  Which
 * evidence gives which level is data (data/confidence.tsv): by default
 * HIGH is a provider rule, or a text rule and a specific enhanced code that
 * give the same reason; MEDIUM is one specific piece of evidence (a text
 * rule alone, a specific enhanced code alone, a documented exception); LOW
 * is only the basic code or the class digit. */
typedef enum smtpclass_confidence {
	SMTPCLASS_CONFIDENCE_NONE = 0, /* not classified */
	SMTPCLASS_CONFIDENCE_LOW = 1,
	SMTPCLASS_CONFIDENCE_MEDIUM = 2,
	SMTPCLASS_CONFIDENCE_HIGH = 3
} smtpclass_confidence;

/* Name of a confidence ("low", "medium", "high"), NULL for NONE. */
SMTPCLASS_API const char *smtpclass_confidence_name(smtpclass_confidence confidence);

/* A compiled set of text rules (site rules).  Opaque. */
typedef struct smtpclass_rules smtpclass_rules;

/*
 * Compiles site rules written in the format of smtpclass-rules(5).  This is
 * setup, not a per-reply call: it allocates, and the result must be freed
 * with smtpclass_rules_free().  On error returns NULL, sets *error_line (the
 * 1-based line, 0 when not tied to one) and writes a message into error.
 */
SMTPCLASS_API smtpclass_rules *smtpclass_rules_compile(const char *text, size_t len,
                                                       size_t *error_line, char *error,
                                                       size_t error_size);
SMTPCLASS_API void smtpclass_rules_free(smtpclass_rules *rules);

/* Options for smtpclass_classify(); zero-initialise for defaults. */
typedef struct smtpclass_options {
	smtpclass_stage stage;             /* the command the reply answered, if known */
	const smtpclass_rules *site_rules; /* consulted before the built-in rules; may be NULL */
	unsigned flags;                    /* smtpclass_option_flag bits */
} smtpclass_options;

enum smtpclass_option_flag {
	SMTPCLASS_NO_TEXT_RULES = 1u << 0 /* classify from the digits only */
};

/* Most bytes of evidence a result can quote (the phrases of the text rule
 * that decided, as written; a site rule's longer ones are cut before a
 * character when the rules are compiled). */
#define SMTPCLASS_EVIDENCE_MAX 96

/* A classification.  Strings are static or owned by the rule set used. */
typedef struct smtpclass_result {
	smtpclass_verdict verdict;
	int reason; /* reason id */
	int action; /* action id */
	smtpclass_rule_kind rule_kind;
	const char *rule;                /* what decided, e.g. "enhanced X.1.1", "basic 552" */
	int mismatch;                    /* 1 when basic and enhanced classes disagree */
	const char *evidence;            /* the rule's phrase when a text rule decided, else NULL */
	smtpclass_confidence confidence; /* how strongly the evidence supports the result */
	const char *confidence_basis;    /* the evidence that set it, one line for people */
} smtpclass_result;

/*
 * Classifies a parsed reply.  options may be NULL.  Always fills *out: a reply
 * with no code and no matching text gets verdict UNKNOWN, reason "undefined",
 * rule kind NONE.  Returns the verdict.
 */
SMTPCLASS_API smtpclass_verdict smtpclass_classify(const smtpclass_reply *reply,
                                                   const smtpclass_options *options,
                                                   smtpclass_result *out);

/*
 * Whether the result says to take the address off the mailing list: its
 * action removes addresses (data/actions.tsv, removes_at) and its confidence
 * is at least the level the action needs (medium for remove-address).  This
 * is the test behind smtpclass -e exiting 67 and --addresses=remove: a bare
 * "550" says remove-address with confidence low and does not remove.
 */
SMTPCLASS_API int smtpclass_result_removes_address(const smtpclass_result *result);

/* A result in the bounce taxonomies other senders use (data/taxonomy.tsv).
 * The strings are static; all are NULL for a success or a 3xx reply. */
typedef struct smtpclass_taxonomy {
	const char *bounce_class;       /* SparkPost bounce class, e.g. "10 Invalid Recipient" */
	const char *powermta_category;  /* PowerMTA bounce category, e.g. "bad-mailbox" */
	const char *ses_bounce_type;    /* Amazon SES: "Permanent", "Transient", "Undetermined" */
	const char *ses_bounce_subtype; /* Amazon SES: "General", "NoEmail", "MailboxFull", ... */
} smtpclass_taxonomy;

/* Fills *out with the classes of the result's reason and verdict.  The
 * mapping is coarser than the reasons (see data/taxonomy.tsv, lossy). */
SMTPCLASS_API void smtpclass_result_taxonomy(const smtpclass_result *result,
                                             smtpclass_taxonomy *out);

/* ---- Mail log lines ------------------------------------------------------ */

/* The MTA that wrote a log line. Values pinned. */
typedef enum smtpclass_mta {
	SMTPCLASS_MTA_UNKNOWN = 0,
	SMTPCLASS_MTA_POSTFIX = 1,
	SMTPCLASS_MTA_EXIM = 2,
	SMTPCLASS_MTA_SENDMAIL = 3,
	SMTPCLASS_MTA_OPENSMTPD = 4,
	SMTPCLASS_MTA_QMAIL = 5,
	SMTPCLASS_MTA_EXCHANGE = 6,
	SMTPCLASS_MTA_GENERIC = 7, /* a reply after a marker such as " said: " or "reply=" */
	SMTPCLASS_MTA_COURIER = 8
} smtpclass_mta;

/* One more than the largest smtpclass_mta: the size of an array indexed by
 * MTA.  The library checks it against its table of MTAs when it is built. */
#define SMTPCLASS_MTA_COUNT 9

/* Name of an MTA ("postfix", "exim", ...), NULL for UNKNOWN. */
SMTPCLASS_API const char *smtpclass_mta_name(smtpclass_mta mta);
/* MTA from its name, or -1. */
SMTPCLASS_API int smtpclass_mta_from_name(const char *name, size_t len);

/* The outcome a log line reports. Values pinned. */
typedef enum smtpclass_log_status {
	SMTPCLASS_STATUS_NONE = 0,
	SMTPCLASS_STATUS_SENT = 1,
	SMTPCLASS_STATUS_DEFERRED = 2,
	SMTPCLASS_STATUS_BOUNCED = 3,
	SMTPCLASS_STATUS_EXPIRED = 4,
	SMTPCLASS_STATUS_REJECTED = 5 /* a reply this server sent to a client */
} smtpclass_log_status;

/* Name of a status ("sent", ...), NULL for NONE. */
SMTPCLASS_API const char *smtpclass_log_status_name(smtpclass_log_status status);

/* How the reply is written in the log line, so it can be normalised. */
enum smtpclass_log_reply_form {
	SMTPCLASS_LOG_REPLY_PLAIN = 0,
	SMTPCLASS_LOG_REPLY_ESCAPED_NEWLINES = 1, /* Exim: literal backslash-n between lines */
	SMTPCLASS_LOG_REPLY_UNDERSCORES = 2       /* qmail: '_' for spaces, '/' ends segments */
};

/* One delivery outcome found in a log line.  Spans point into the line, or
 * into the scanner state (qmail recipients remembered from earlier lines). */
typedef struct smtpclass_log_record {
	smtpclass_mta mta;
	smtpclass_log_status status;
	smtpclass_stage stage;
	int reply_form;      /* smtpclass_log_reply_form */
	smtpclass_span time; /* as written */
	smtpclass_span host; /* the logging host */
	smtpclass_span queue_id;
	smtpclass_span sender;
	smtpclass_span recipient;
	smtpclass_span domain; /* of the recipient */
	smtpclass_span relay;  /* remote host and IP as written */
	smtpclass_span dsn;    /* the MTA's own enhanced code (Postfix/Sendmail dsn=) */
	smtpclass_span reply;  /* the reply or failure text, trailing fields removed */
	/* How long the message had been queued when this outcome was logged, as
	 * written (Postfix "6.2", Sendmail "00:01:00", Exim "27s" and
	 * OpenSMTPD "1s"): Postfix and Sendmail delay=, Exim QT=, OpenSMTPD
	 * delay=; empty where the line does not say. */
	smtpclass_span delay;
	/* A connection event instead of an outcome (status NONE), reported only
	 * to a state that watches events (smtpclass_log_state_watch_events());
	 * SMTPCLASS_EVENT_NONE in every outcome.  For an event, relay is the
	 * remote client or server's address (the first [IP] of the peer outside
	 * parentheses, as written; the peer as written when it has none) and
	 * command the SMTP command the session was at ("AUTH", "DATA"), as
	 * written, empty where the line does not say.  A queued message
	 * (Postfix qmgr's "from=<s>, size=N", Exim's "<= s ... S=N") has its
	 * queue_id, its sender (empty for the null sender) and size, its size
	 * in bytes as written. */
	int event; /* smtpclass_log_event_kind */
	smtpclass_span command;
	smtpclass_span size;
} smtpclass_log_record;

/* The connection events of data/log-events.tsv: what a server's log says
 * of a session that is no delivery outcome (pflogsumm's "Warnings"). */
typedef enum smtpclass_log_event_kind {
	SMTPCLASS_EVENT_NONE = 0,
	SMTPCLASS_EVENT_AUTH_FAILED = 1, /* a client's SMTP AUTH failed */
	SMTPCLASS_EVENT_TLS_FAILED = 2,  /* a TLS handshake failed */
	SMTPCLASS_EVENT_LOST = 3,        /* the peer dropped the connection */
	SMTPCLASS_EVENT_TIMEOUT = 4,     /* the peer stopped answering */
	SMTPCLASS_EVENT_QUEUED = 5       /* a message entered the queue: sender, size */
} smtpclass_log_event_kind;

/* "auth_failed", "tls_failed", "lost", "timeout", "queued", or "none". */
SMTPCLASS_API const char *smtpclass_log_event_name(int kind);

/* Scanner state for facts that span lines (qmail "starting delivery N").
 * Fixed size, caller-owned; initialise with smtpclass_log_state_init(). */
typedef struct smtpclass_log_state {
	int forced_mta; /* smtpclass_mta, or 0 to detect per line */
	unsigned long long opaque[2304];
} smtpclass_log_state;

/* Initialises a scanner state; forced_mta is SMTPCLASS_MTA_UNKNOWN to detect
 * the format per line. */
SMTPCLASS_API void smtpclass_log_state_init(smtpclass_log_state *state, smtpclass_mta forced_mta);

/* With on, smtpclass_log_scan() also reports the connection events of
 * data/log-events.tsv (failed AUTH, failed TLS, lost connections,
 * timeouts) as records whose event is set and status NONE; off (the state
 * as initialised), it reports outcomes only, at no cost for the rest. */
SMTPCLASS_API void smtpclass_log_state_watch_events(smtpclass_log_state *state, int on);

/*
 * Looks for a delivery outcome in one log line (without its newline).
 * Returns 1 and fills *out when the line reports an outcome, 0 otherwise
 * (noise, or a line that only feeds the state).  Never allocates.
 */
SMTPCLASS_API int smtpclass_log_scan(const char *line, size_t len, smtpclass_log_state *state,
                                     smtpclass_log_record *out);

/*
 * Whether the line opens like a line of a mail log: a header the scanner
 * knows (a syslog, Exim, Exchange CSV or multilog timestamp) or, in a
 * message-only log, a queue id ("717FD11E06F: ", "NOQUEUE: "); true even
 * when smtpclass_log_scan() finds no outcome in the line.
 */
SMTPCLASS_API int smtpclass_log_has_header(const char *line, size_t len);

/*
 * What smtpclass_log_has_header() answers for the line last given to
 * smtpclass_log_scan() with this state, without reading it a second time
 * (0 before any line, and for a NULL state).
 */
SMTPCLASS_API int smtpclass_log_state_had_header(const smtpclass_log_state *state);

/*
 * Writes the record's reply into buf as a plain reply (Exim's literal \n and
 * qmail's underscores turned into spaces) and returns its length; at most
 * size bytes are written (no NUL).  The result can go to smtpclass_parse().
 */
SMTPCLASS_API size_t smtpclass_log_reply_normalise(const smtpclass_log_record *record, char *buf,
                                                   size_t size);

/*
 * Classifies a log record: finds the reply (smtpclass_find_reply()) in the
 * normalised reply text held in scratch, parses it,
 * falls back to the record's dsn= when the reply has no code, passes the
 * stage to the classifier, and takes the verdict from the MTA's status when
 * the reply itself does not give one.  reply_out's spans point into scratch.
 */
SMTPCLASS_API smtpclass_verdict smtpclass_log_classify(const smtpclass_log_record *record,
                                                       const smtpclass_options *options,
                                                       char *scratch, size_t scratch_size,
                                                       smtpclass_reply *reply_out,
                                                       smtpclass_result *out);

/* ---- One call: a text in, names and numbers out ----------------------- */

/*
 * For callers that cannot or would rather not mirror the structs above
 * (ctypes, cffi, a log engine's FFI): one call classifies a reply, or scans
 * and classifies a log line, and fills one flat struct of numbers and
 * static strings -- no span into the input, no union, no nested array.
 * The struct is versioned: the caller sets size to the sizeof it was
 * compiled with (after zeroing the struct); the library fills no byte past
 * size, and sets version to the layout it filled.  A newer library only
 * appends fields, so an older caller keeps working, and a newer caller on an
 * older library reads version to know which fields were filled.
 */
#define SMTPCLASS_FLAT_RESULT_VERSION 2

/* Where a piece of the input lies, as numbers: input[offset, offset+length).
 * length is 0 when the piece is absent. */
typedef struct smtpclass_flat_field {
	size_t offset;
	size_t length;
} smtpclass_flat_field;

/* Strings are static, except rule and evidence when a site rule decided:
 * those belong to the smtpclass_rules and live as long as it does.  A
 * string that does not apply is NULL. */
typedef struct smtpclass_flat_result {
	size_t size;      /* in: sizeof(smtpclass_flat_result) as the caller knows it */
	unsigned version; /* out: the layout filled, an older one for an older size */
	int found;        /* out: 1 when the text is a reply (or the line reports an outcome) */
	int parse_status; /* smtpclass_parse_status */
	int code;         /* basic code, 0 when absent */
	int enhanced_class, enhanced_subject, enhanced_detail; /* 0 0 0 when absent */
	int verdict;                                           /* smtpclass_verdict */
	int reason;                                            /* reason id */
	int action;                                            /* action id */
	int rule_kind;                                         /* smtpclass_rule_kind */
	int mismatch;         /* 1 when basic and enhanced classes disagree */
	int stage;            /* smtpclass_stage: as given, or as the log line says */
	unsigned reply_flags; /* smtpclass_reply_flag bits */
	const char *verdict_name, *reason_name, *reason_meaning, *action_name, *action_sentence;
	const char *rule, *evidence;
	const char *class_name, *subject_name, *detail_name, *stage_name;
	/* smtpclass_scan_log_line() only (0 and absent otherwise); the fields
	 * lie in the line given. */
	int mta;        /* smtpclass_mta */
	int log_status; /* smtpclass_log_status */
	const char *mta_name, *log_status_name;
	smtpclass_flat_field time, host, queue_id, sender, recipient, domain, relay, dsn, reply;
	/* Version 1 ends here.  New fields are appended below, never inserted.
	 * Version 2 adds delay: the queue time as the line writes it
	 * (smtpclass_log_record's delay), smtpclass_scan_log_line() only. */
	smtpclass_flat_field delay;
} smtpclass_flat_result;

/*
 * Parses and classifies one reply, exactly as `smtpclass -r` does, into
 * *out.  options may be NULL (its stage and site_rules are the optional
 * inputs).  out->size must be set.  Returns 0, or -1 when an argument is
 * invalid (out NULL or out->size too small, text NULL with len > 0).
 * Never allocates; never reads outside text[0..len).
 */
SMTPCLASS_API int smtpclass_classify_text(const char *text, size_t len,
                                          const smtpclass_options *options,
                                          smtpclass_flat_result *out);

/*
 * Scans one mail log line (without its newline) and classifies the outcome
 * it reports, as smtpclass does in log mode, into *out; each line is read
 * on its own (no state carries over: qmail's recipient from an earlier
 * "starting delivery" line is not known).  Returns 1 when the line reports
 * an outcome, 0 when it does not (out->found 0), -1 when an argument is
 * invalid.  Replies longer than 16 KiB are classified on their first
 * 16 KiB.  Never allocates; uses about 40 KiB of stack.
 */
SMTPCLASS_API int smtpclass_scan_log_line(const char *line, size_t len,
                                          const smtpclass_options *options,
                                          smtpclass_flat_result *out);
/*
 * As smtpclass_log_classify(), and fills *found with what the finder read in
 * the record's reply (spans into scratch); found->stage is the stage the
 * classification used: options->stage when set, else the stage the scanner
 * read from the line, else the one the wrapper says.
 */
SMTPCLASS_API smtpclass_verdict smtpclass_log_classify_found(
    const smtpclass_log_record *record, const smtpclass_options *options, char *scratch,
    size_t scratch_size, smtpclass_found *found, smtpclass_reply *reply_out, smtpclass_result *out);

#ifdef __cplusplus
}
#endif

#endif /* SMTPCLASS_H */
