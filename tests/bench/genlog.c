/*
 * genlog.c: deterministic generator of realistic MTA logs and bare SMTP
 * replies, the input of the smtpclass benchmarks (tests/bench/bench.sh).
 *
 *   genlog postfix SIZE_BYTES [SEED] > mail.log
 *   genlog exim SIZE_BYTES [SEED]    > mainlog
 *   genlog replies COUNT [SEED]      > replies.txt
 *
 * Why it is shaped this way: a benchmark is only as honest as its input.
 * Real mail logs are mostly noise (connect, cleanup, qmgr, TLS, anvil) with
 * a minority of delivery lines, and the replies inside those lines are long,
 * varied and full of per-message details (addresses, IPs, trace ids).  A
 * generator that repeats one short line would let a scanner look faster
 * than it is (branch predictors and caches learn it), so every reply comes
 * from a table of texts copied from real servers (the corpus in shared/,
 * sisimai's test set and the MTA log reference) and each placeholder in it
 * is filled anew per record.
 *
 * The line mix of the Postfix log, per 1000 lines: 150 status=sent,
 * 15 status=deferred, 5 status=bounced, 20 NOQUEUE rejects, the rest noise.
 * The Exim log has the same shares for =>/->, ==, ** and "rejected RCPT".
 *
 * The output depends only on the arguments: the random numbers come from
 * splitmix64 with a fixed seed (never rand()), and the clock is simulated.
 * Output stops at the first line boundary at or after SIZE_BYTES.
 *
 * Reply templates: a '\n' inside a template separates the lines of a
 * multiline reply.  Postfix joins them with a space, Exim with the two
 * characters '\' 'n', the replies mode with a space.  Placeholders:
 *   %R recipient address    %L its local part     %D its domain
 *   %F sender address       %d sender domain      %S our sending IP
 *   %H remote host name     %I remote host IP     %M Microsoft server name
 *   %G Gmail trace id       %T Unix time          %Z ISO 8601 time
 *   %N 4-6 digit number     %n 1-3 digit number   %X lower-case hex id
 *   %P upper-case token     %Q Postfix queue id   %E Exim message id
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_CAPACITY 8192
#define DOMAIN_COUNT  2000
#define RECENT_IDS    64
#define DEFAULT_SEED  UINT64_C(0x5eed5eed2024)

enum kind { KIND_SENT, KIND_DEFER, KIND_BOUNCE };
enum provider { PROVIDER_ANY, PROVIDER_GOOGLE, PROVIDER_MICROSOFT, PROVIDER_YAHOO, PROVIDER_COUNT };
enum stage { STAGE_GREETING, STAGE_MAIL, STAGE_RCPT, STAGE_DATA };
enum relay_kind { RELAY_NONE, RELAY_HOST, RELAY_LOCAL };

struct reply_template {
	enum kind kind;
	enum provider provider;
	enum stage stage;
	const char *dsn; /* what Postfix logs as dsn= */
	const char *text;
};

/*
 * Replies with an SMTP code.  Each was seen from a real server (the corpus,
 * sisimai's test set, mta-logs.md, providers' documented replies); only the
 * per-message details were turned into placeholders.
 */
static const struct reply_template coded_replies[] = {
    /* successful deliveries */
    {KIND_SENT, PROVIDER_GOOGLE, STAGE_DATA, "2.0.0", "250 2.0.0 OK %T %G - gsmtp"},
    {KIND_SENT, PROVIDER_MICROSOFT, STAGE_DATA, "2.6.0",
     "250 2.6.0 <%X@%d> [InternalId=%N%N, Hostname=%M] %N bytes in %n.%n, %n.%n KB/sec Queued mail "
     "for delivery"},
    {KIND_SENT, PROVIDER_YAHOO, STAGE_DATA, "2.0.0", "250 ok dirdel"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.0.0", "250 2.0.0 Ok: queued as %Q"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.0.0", "250 2.0.0 %Q Message accepted for delivery"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.0.0", "250 OK id=%E"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.0.0",
     "250 2.0.0 Ok: queued on mxfront%n.mail.yandex.net as %T-%P"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.0.0",
     "250 Requested mail action okay, completed: id=%P"},
    {KIND_SENT, PROVIDER_ANY, STAGE_DATA, "2.6.0",
     "250 2.6.0 Ok, id=%N-%N, from MTA([127.0.0.1]:10025): 250 2.0.0 Ok: queued as %Q"},

    /* temporary failures */
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.2.0",
     "450 4.2.0 <%R>: Recipient address rejected: Greylisted, see "
     "http://postgrey.schweikert.ch/help/%D.html"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.7.1",
     "451 4.7.1 Greylisting in action, please come back later"},
    {KIND_DEFER, PROVIDER_YAHOO, STAGE_MAIL, "4.7.0",
     "421 4.7.0 [TSS04] Messages from %S temporarily deferred due to unexpected volume or user "
     "complaints - "
     "4.16.55.1; see https://postmaster.yahooinc.com/error-codes"},
    {KIND_DEFER, PROVIDER_YAHOO, STAGE_MAIL, "4.7.1",
     "421 4.7.1 [TS03] All messages from %S will be permanently deferred; Retrying will NOT "
     "succeed. "
     "See https://help.yahoo.com/kb/postmaster/SLN3436.html"},
    {KIND_DEFER, PROVIDER_GOOGLE, STAGE_RCPT, "4.2.2",
     "452-4.2.2 The recipient's inbox is out of storage space. Please direct the\n"
     "452-4.2.2 recipient to\n"
     "452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp %G - gsmtp"},
    {KIND_DEFER, PROVIDER_GOOGLE, STAGE_DATA, "4.7.28",
     "421-4.7.28 [%S      15] Our system has detected an unusual rate of\n"
     "421-4.7.28 unsolicited mail originating from your IP address. To protect our\n"
     "421-4.7.28 users from spam, mail sent from your IP address has been temporarily\n"
     "421-4.7.28 rate limited. Please visit\n"
     "421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to\n"
     "421 4.7.28 review our Bulk Email Senders Guidelines. %G - gsmtp"},
    {KIND_DEFER, PROVIDER_GOOGLE, STAGE_RCPT, "4.2.1",
     "450-4.2.1 The user you are trying to contact is receiving mail at a rate that\n"
     "450-4.2.1 prevents additional messages from being delivered. Please resend your\n"
     "450-4.2.1 message at a later time. If the user is able to receive mail at that\n"
     "450-4.2.1 time, your message will be delivered. For more information, go to\n"
     "450 4.2.1  https://support.google.com/mail/?p=ReceivingRate %G - gsmtp"},
    {KIND_DEFER, PROVIDER_MICROSOFT, STAGE_MAIL, "4.7.500",
     "451 4.7.500 Server busy. Please try again later from [%S]. (S77714) [%M]"},
    {KIND_DEFER, PROVIDER_MICROSOFT, STAGE_DATA, "4.7.650",
     "451 4.7.650 The mail server [%S] has been temporarily rate limited due to IP reputation. "
     "For e-mail delivery information, see https://postmaster.live.com (S775) [%M]"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.2.2",
     "452 4.2.2 <%R> Quota exceeded (mailbox for user is full)"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_GREETING, "4.0.0",
     "421 %H Too many concurrent SMTP connections; please try again later."},
    {KIND_DEFER, PROVIDER_ANY, STAGE_GREETING, "4.7.0",
     "421 4.7.0 %H Error: too many connections from %S"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.1.8",
     "450 4.1.8 <%F>: Sender address rejected: Domain not found"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.3.0", "451 4.3.0 <%R>: Temporary lookup failure"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_DATA, "4.3.0", "451 4.3.0 Error: queue file write error"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_DATA, "4.0.0",
     "451 DT:SPM 163 smtp%N,%P--.%N %T, please try again 10 min later"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_GREETING, "4.0.0",
     "421 mwinf%N ME Service refuse. Veuillez essayer plus tard. Service refused, please try "
     "later. OFR_999 [999]"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.7.1",
     "450 4.7.1 Client host rejected: cannot find your reverse hostname, [%S]"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_MAIL, "4.0.0",
     "451 Temporary local problem - please try later"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_RCPT, "4.0.0", "451 Could not complete sender verify callout"},
    {KIND_DEFER, PROVIDER_ANY, STAGE_GREETING, "4.7.1",
     "554 5.7.1 [C14] Missing reverse DNS for %S"},

    /* permanent failures */
    {KIND_BOUNCE, PROVIDER_GOOGLE, STAGE_RCPT, "5.1.1",
     "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
     "550-5.1.1 double-checking the recipient's email address for typos or\n"
     "550-5.1.1 unnecessary spaces. For more information, go to\n"
     "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser %G - gsmtp"},
    {KIND_BOUNCE, PROVIDER_GOOGLE, STAGE_RCPT, "5.2.1",
     "550-5.2.1 The email account that you tried to reach is disabled. Learn more at\n"
     "550 5.2.1  https://support.google.com/mail/?p=DisabledUser %G - gsmtp"},
    {KIND_BOUNCE, PROVIDER_GOOGLE, STAGE_RCPT, "5.2.2",
     "552-5.2.2 The recipient's inbox is out of storage space and inactive. Please\n"
     "552-5.2.2 direct the recipient to\n"
     "552 5.2.2  https://support.google.com/mail/?p=OverQuotaPerm %G - gsmtp"},
    {KIND_BOUNCE, PROVIDER_GOOGLE, STAGE_DATA, "5.7.26",
     "550-5.7.26 Unauthenticated email from %d is not accepted due to domain's\n"
     "550-5.7.26 DMARC policy. Please contact the administrator of %d domain if\n"
     "550-5.7.26 this was a legitimate mail. To learn about the DMARC initiative, go\n"
     "550 5.7.26  https://support.google.com/mail/?p=DmarcRejection %G - gsmtp"},
    {KIND_BOUNCE, PROVIDER_GOOGLE, STAGE_DATA, "5.7.1",
     "550-5.7.1 [%S      12] Our system has detected that this message is\n"
     "550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n"
     "550-5.7.1 this message has been blocked. Please visit\n"
     "550-5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError\n"
     "550 5.7.1  for more information. %G - gsmtp"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_RCPT, "5.5.0",
     "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [%M]"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_RCPT, "5.4.1",
     "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [%M]"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_RCPT, "5.1.10",
     "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_MAIL, "5.7.606",
     "550 5.7.606 Access denied, banned sending IP [%S]. To request removal from this list please "
     "visit "
     "https://sender.office.com/ and follow the directions. For more information please go to "
     "http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609)"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_DATA, "5.7.509",
     "550 5.7.509 Access denied, sending domain [%d] does not pass DMARC verification and has a "
     "DMARC policy "
     "of reject. [%M %Z %P]"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_MAIL, "5.7.1",
     "550 5.7.1 Service unavailable, Client host [%S] blocked using Spamhaus. To request removal "
     "from this "
     "list see https://www.spamhaus.org/query/ip/%S (AS3130). [%M]"},
    {KIND_BOUNCE, PROVIDER_MICROSOFT, STAGE_RCPT, "5.4.1",
     "550 5.4.1 [%R]: Recipient address rejected: Access denied [%M]"},
    {KIND_BOUNCE, PROVIDER_YAHOO, STAGE_RCPT, "5.0.0",
     "554 delivery error: dd This user doesn't have a yahoo.com account (%R) [0] - "
     "mta%N.mail.ne1.yahoo.com"},
    {KIND_BOUNCE, PROVIDER_YAHOO, STAGE_DATA, "5.7.9",
     "554 5.7.9 Message not accepted for policy reasons.  See "
     "https://senders.yahooinc.com/error-codes"},
    {KIND_BOUNCE, PROVIDER_YAHOO, STAGE_RCPT, "5.0.0",
     "552 1 Requested mail action aborted, mailbox not found"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.1",
     "550 5.1.1 <%R>: Recipient address rejected: User unknown in virtual mailbox table"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.1",
     "550 5.1.1 <%R>: Recipient address rejected: User unknown in local recipient table"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.7.1", "554 5.7.1 <%R>: Relay access denied"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.2.2", "550 5.2.2 <%R>... Mailbox Full"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0",
     "550 Mailbox not found. "
     "http://service.exmail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.1",
     "550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0",
     "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_DATA, "5.2.3",
     "552 5.2.3 Message size exceeds fixed maximum message size (10485760)"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_DATA, "5.7.1",
     "550 5.7.1 Message content rejected, UBE, id=%N-%N-%N"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_DATA, "5.7.0", "554 5.7.0 Reject, id=%N-%N - SPAM"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.7.1",
     "553 5.7.1 <%F>: Sender address rejected: not owned by user %F"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0",
     "550-Verification failed for <%F>\n550-Unrouteable address\n550 Sender verify failed"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.0",
     "550 5.1.0 %S is not allowed to send from <%d> per it's SPF Record. Please inspect your SPF "
     "settings, "
     "and try again. IB508 <http://x.co/srbounce>"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.0.0",
     "554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554 [%P.us222]"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.0.0",
     "550 Connection frequency limited [%P= Blocked IP %S]. "
     "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.1", "550 5.1.1 <%R>... User Unknown"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0", "550 #5.1.0 Address rejected."},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.5.1", "500 5.5.1 Invalid command"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.7.1",
     "550 5.7.1 Service unavailable; client [%S] blocked using zen.spamhaus.org"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.7.1",
     "554 5.7.1 Service unavailable; Client host [%S] blocked using zen.spamhaus.org; "
     "https://www.spamhaus.org/query/ip/%S"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0", "550 4.2.2 Mailbox full"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.2.2", "552 5.2.2 <%R>: user is over quota"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.1", "550 5.1.1 <%R>: inactive email address"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.1.6", "550 5.1.6 recipient no longer on server: %R"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_MAIL, "5.7.1",
     "550 5.7.1 Connections not accepted from servers without a valid sender domain.%d Fix reverse "
     "DNS for %S"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.7.13", "525 5.7.13 Disabled recipient address"},
    {KIND_BOUNCE, PROVIDER_ANY, STAGE_RCPT, "5.0.0", "550 Unknown user %R"},
};
#define CODED_COUNT (sizeof(coded_replies) / sizeof(coded_replies[0]))

/* Failures without any SMTP reply: how each MTA words them. */
struct codeless_template {
	enum kind kind;
	const char *dsn;
	enum relay_kind relay;
	const char *postfix_text;
	const char *exim_errno; /* NULL: an Exim "**" line */
	int exim_host;          /* Exim names the host (H=...) */
	const char *exim_text;
};

static const struct codeless_template codeless_replies[] = {
    {KIND_DEFER, "4.4.1", RELAY_NONE, "connect to %H[%I]:25: Connection refused", "111", 1,
     "Connection refused"},
    {KIND_DEFER, "4.4.1", RELAY_NONE, "connect to %H[%I]:25: Connection timed out", "110", 1,
     "Connection timed out"},
    {KIND_DEFER, "4.4.2", RELAY_HOST, "lost connection with %H[%I] while sending RCPT TO", "-18", 1,
     "Remote host closed connection in response to RCPT TO:<%R>"},
    {KIND_DEFER, "4.4.2", RELAY_HOST,
     "lost connection with %H[%I] while sending end of data -- message may be sent more than once",
     "-18", 1, "Remote host closed connection in response to end of data"},
    {KIND_DEFER, "4.4.2", RELAY_HOST,
     "conversation with %H[%I] timed out while receiving the initial server greeting", "110", 1,
     "Connection timed out: SMTP timeout after initial connection"},
    {KIND_DEFER, "4.4.3", RELAY_NONE,
     "Host or domain name not found. Name service error for name=%D type=MX: Host not found, try "
     "again",
     "-1", 0, "host lookup did not complete"},
    {KIND_DEFER, "4.4.1", RELAY_NONE,
     "delivery temporarily suspended: connect to %H[%I]:25: Connection timed out", "-53", 0,
     "retry time not reached for any host"},
    {KIND_BOUNCE, "5.4.4", RELAY_NONE,
     "Host or domain name not found. Name service error for name=%D type=AAAA: Host not found",
     NULL, 0, "Unrouteable address"},
    {KIND_BOUNCE, "5.1.1", RELAY_LOCAL, "unknown user: \"%L\"", NULL, 0, "retry timeout exceeded"},
};
#define CODELESS_COUNT (sizeof(codeless_replies) / sizeof(codeless_replies[0]))

struct domain {
	char name[40];
	enum provider provider;
	int google_workspace; /* a custom domain hosted by Google */
	unsigned char ip[4];
};

struct clock {
	int year, month, day, hour, minute, second, millisecond;
};

struct line {
	char text[LINE_CAPACITY];
	size_t len;
};

/* What the current record is about: filled per line, used by placeholders. */
struct subject {
	char recipient_local[48];
	const struct domain *recipient_domain;
	const char *sender_domain;
	char sender[96];
	char remote_host[96];
	unsigned char remote_ip[4];
	unsigned sending_ip;
};

struct generator {
	uint64_t rng;
	struct clock clock;
	struct domain domains[DOMAIN_COUNT];
	struct domain big[4]; /* gmail.com, outlook.com, hotmail.com, yahoo.com */
	unsigned smtp_pids[48], smtpd_pids[24], cleanup_pids[6], bounce_pids[3];
	unsigned qmgr_pid, anvil_pid, pickup_pid, postscreen_pid, exim_queue_pid;
	char recent_ids[RECENT_IDS][24];
	unsigned recent_next;
	/* template indexes by kind and provider, for quick picking */
	unsigned by_kind[3][PROVIDER_COUNT][CODED_COUNT];
	unsigned by_kind_count[3][PROVIDER_COUNT];
	struct subject subject;
	struct line line;
};

static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static const char *const first_names[] = {
    "anna",   "ben",    "carla",  "david",  "elena", "felix",  "grace", "hugo",   "irene", "jonas",
    "karin",  "liam",   "maria",  "noah",   "olga",  "pierre", "quinn", "rosa",   "sven",  "tanja",
    "ursula", "victor", "wei",    "ximena", "yuki",  "zoe",    "ahmed", "bianca", "chen",  "dmitri",
    "emma",   "farid",  "giulia", "hana",   "ivan",  "julia",  "kofi",  "lena",   "marco", "nina"};
static const char *const last_names[] = {
    "smith",  "mueller", "rossi",   "garcia",  "kowalski", "nakamura", "dubois", "jensen",
    "silva",  "novak",   "brown",   "schmidt", "ferrari",  "lopez",    "nowak",  "tanaka",
    "martin", "hansen",  "santos",  "horvat",  "wilson",   "weber",    "russo",  "martinez",
    "wojcik", "suzuki",  "bernard", "larsen",  "costa",    "kovac"};
static const char *const domain_heads[] = {
    "north", "blue",  "green", "silver", "red",   "bright", "rapid", "alpine", "coast",  "metro",
    "urban", "prime", "solar", "river",  "stone", "maple",  "cedar", "harbor", "summit", "delta",
    "nova",  "polar", "terra", "vista",  "omni",  "astro",  "clear", "swift",  "iron",   "golden",
    "lake",  "pine",  "sun",   "star",   "wave",  "cloud",  "field", "bay",    "hill",   "oak"};
static const char *const domain_tails[] = {
    "tech",   "soft",       "works",   "labs",   "media",   "mail",      "net",    "shop",
    "trade",  "group",      "data",    "logic",  "wave",    "line",      "point",  "bridge",
    "gate",   "field",      "craft",   "force",  "link",    "hub",       "base",   "path",
    "ware",   "works-gmbh", "consult", "design", "systems", "solutions", "law",    "clinic",
    "school", "foods",      "motors",  "travel", "energy",  "finance",   "health", "studio",
    "press",  "farm",       "home",    "build",  "print",   "sport",     "games",  "legal",
    "bank",   "care"};
static const char *const tlds[] = {"com", "com",   "com", "net", "org", "de", "fr",
                                   "it",  "co.uk", "nl",  "es",  "pl",  "jp", "com.br",
                                   "io",  "ch",    "at",  "se",  "be",  "ca"};
static const char *const sender_domains[] = {"news.brightlane.io", "mail.brightlane.io",
                                             "notify.tallyworks.com", "bounce.shop-lumen.de"};
static const char *const helo_names[] = {
    "User",           "ylmf-pc",          "WIN-3LK8B2QH1", "localhost", "mail.example.com",
    "[192.168.1.10]", "smtp.client.test", "desktop-7h2k"};
static const unsigned char public_first_octets[] = {
    5,   31,  37,  46,  62,  77,  78,  80,  81,  82,  85,  87,  88,  89,  91,
    93,  94,  95,  104, 109, 136, 138, 144, 145, 146, 149, 151, 153, 157, 159,
    162, 163, 164, 167, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217};
static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

/* splitmix64: small, fast, and the same sequence on every platform. */
static uint64_t next_random(struct generator *generator)
{
	uint64_t z;

	generator->rng += UINT64_C(0x9e3779b97f4a7c15);
	z = generator->rng;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A number in [0, bound): the multiply-shift keeps the bias negligible. */
static unsigned below(struct generator *generator, unsigned bound)
{
	return (unsigned)(((next_random(generator) >> 32) * (uint64_t)bound) >> 32);
}

static unsigned between(struct generator *generator, unsigned low, unsigned high)
{
	return low + below(generator, high - low + 1);
}

/* ---- the line buffer ---- */

static void put_bytes(struct line *line, const char *bytes, size_t len)
{
	if (len > LINE_CAPACITY - 2 - line->len)
		len = LINE_CAPACITY - 2 - line->len;
	memcpy(line->text + line->len, bytes, len);
	line->len += len;
}

static void put_text(struct line *line, const char *text)
{
	put_bytes(line, text, strlen(text));
}

static void put_char(struct line *line, char c)
{
	put_bytes(line, &c, 1);
}

static void put_number(struct line *line, uint64_t value, int width)
{
	char digits[24];
	int count = 0;

	do {
		digits[count++] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	while (count < width)
		digits[count++] = '0';
	while (count > 0)
		put_char(line, digits[--count]);
}

static void put_hex(struct generator *generator, struct line *line, int digits, int upper)
{
	const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	for (int i = 0; i < digits; i++)
		put_char(line, alphabet[below(generator, 16)]);
}

static void put_base62(struct generator *generator, struct line *line, int digits)
{
	for (int i = 0; i < digits; i++)
		put_char(line, base62[below(generator, 62)]);
}

static void put_token(struct generator *generator, struct line *line, int digits)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	for (int i = 0; i < digits; i++)
		put_char(line, alphabet[below(generator, 36)]);
}

static void put_letters(struct generator *generator, struct line *line, int count)
{
	for (int i = 0; i < count; i++)
		put_char(line, (char)('A' + below(generator, 26)));
}

static void put_ip(struct line *line, const unsigned char ip[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			put_char(line, '.');
		put_number(line, ip[i], 0);
	}
}

static void random_public_ip(struct generator *generator, unsigned char ip[4])
{
	ip[0] = public_first_octets[below(generator, COUNT_OF(public_first_octets))];
	ip[1] = (unsigned char)below(generator, 256);
	ip[2] = (unsigned char)below(generator, 256);
	ip[3] = (unsigned char)between(generator, 1, 254);
}

/* Seconds with Postfix's precision: "2", "0.21", "0.1", "0". */
static void put_seconds(struct line *line, unsigned milliseconds)
{
	unsigned whole = milliseconds / 1000, hundredths = milliseconds % 1000 / 10;

	put_number(line, whole, 0);
	if (whole >= 10 || hundredths == 0)
		return;
	put_char(line, '.');
	if (hundredths % 10 == 0) {
		put_number(line, hundredths / 10, 0);
		return;
	}
	put_number(line, hundredths, 2);
}

/* ---- the clock ---- */

/* February has 29 days in leap years. */
static int days_in_month(int year, int month)
{
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 1 && !leap ? 28 : month_days[month];
}

static void advance_clock(struct clock *clock, unsigned milliseconds)
{
	clock->millisecond += (int)milliseconds;
	while (clock->millisecond >= 1000) {
		clock->millisecond -= 1000;
		if (++clock->second < 60)
			continue;
		clock->second = 0;
		if (++clock->minute < 60)
			continue;
		clock->minute = 0;
		if (++clock->hour < 24)
			continue;
		clock->hour = 0;
		if (++clock->day <= days_in_month(clock->year, clock->month))
			continue;
		clock->day = 1;
		if (++clock->month < 12)
			continue;
		clock->month = 0;
		clock->year++;
	}
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;
	int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - 719468;
}

static uint64_t unix_time(const struct clock *clock)
{
	int64_t days = days_from_civil(clock->year, clock->month + 1, clock->day);

	return (uint64_t)(days * 86400 + clock->hour * 3600 + clock->minute * 60 + clock->second);
}

static void put_syslog_time(struct line *line, const struct clock *clock)
{
	put_text(line, month_names[clock->month]);
	put_char(line, ' ');
	if (clock->day < 10)
		put_char(line, ' ');
	put_number(line, (unsigned)clock->day, 0);
	put_char(line, ' ');
	put_number(line, (unsigned)clock->hour, 2);
	put_char(line, ':');
	put_number(line, (unsigned)clock->minute, 2);
	put_char(line, ':');
	put_number(line, (unsigned)clock->second, 2);
}

static void put_date_time(struct line *line, const struct clock *clock, char separator)
{
	put_number(line, (unsigned)clock->year, 4);
	put_char(line, '-');
	put_number(line, (unsigned)clock->month + 1, 2);
	put_char(line, '-');
	put_number(line, (unsigned)clock->day, 2);
	put_char(line, separator);
	put_number(line, (unsigned)clock->hour, 2);
	put_char(line, ':');
	put_number(line, (unsigned)clock->minute, 2);
	put_char(line, ':');
	put_number(line, (unsigned)clock->second, 2);
}

/* YYYYMMDDhhmmss, as in Postfix's own Message-IDs. */
static void put_compact_time(struct line *line, const struct clock *clock)
{
	put_number(line, (unsigned)clock->year, 4);
	put_number(line, (unsigned)clock->month + 1, 2);
	put_number(line, (unsigned)clock->day, 2);
	put_number(line, (unsigned)clock->hour, 2);
	put_number(line, (unsigned)clock->minute, 2);
	put_number(line, (unsigned)clock->second, 2);
}

/* ---- identifiers ---- */

static void put_postfix_queue_id(struct generator *generator, struct line *line)
{
	put_hex(generator, line, 10 + (int)below(generator, 2), 1);
}

static void put_exim_id(struct generator *generator, struct line *line)
{
	put_char(line, '1');
	put_base62(generator, line, 5);
	put_char(line, '-');
	put_base62(generator, line, 6);
	put_char(line, '-');
	put_base62(generator, line, 2);
}

/* Makes a new message id (Postfix or Exim form) and remembers it. */
static const char *new_message_id(struct generator *generator, int exim)
{
	struct line scratch;
	char *slot = generator->recent_ids[generator->recent_next];

	scratch.len = 0;
	if (exim)
		put_exim_id(generator, &scratch);
	else
		put_postfix_queue_id(generator, &scratch);
	memcpy(slot, scratch.text, scratch.len);
	slot[scratch.len] = '\0';
	generator->recent_next = (generator->recent_next + 1) % RECENT_IDS;
	return slot;
}

/* A message id seen a little earlier: its later lines follow its first. */
static const char *recent_message_id(struct generator *generator)
{
	return generator->recent_ids[below(generator, RECENT_IDS)];
}

static void put_gmail_trace(struct generator *generator, struct line *line)
{
	put_char(line, (char)('a' + below(generator, 26)));
	put_hex(generator, line, 13, 0);
	put_char(line, '-');
	put_hex(generator, line, 12, 0);
	put_text(line, "si");
	put_number(line, between(generator, 100000, 9999999), 0);
	put_char(line, '.');
	put_number(line, between(generator, 0, 999), 0);
}

static void put_microsoft_server(struct generator *generator, struct line *line)
{
	static const char *const regions[] = {"eurprd", "namprd", "apcprd", "gbrprd", "jpnprd"};
	static const char *const areas[] = {"NAM", "EUR", "APC"};
	static const char *const protection[] = {"eop-nam", "eop-eur", "eop-apc"};
	unsigned form = below(generator, 3), number = between(generator, 1, 22);

	if (form == 2) {
		/* BN8NAM11FT066.eop-nam11 */
		unsigned area = below(generator, COUNT_OF(areas));

		put_letters(generator, line, 2);
		put_number(line, between(generator, 1, 9), 0);
		put_text(line, areas[area]);
		put_number(line, number, 2);
		put_text(line, "FT");
		put_number(line, between(generator, 1, 99), 3);
		put_char(line, '.');
		put_text(line, protection[area]);
		put_number(line, number, 2);
		put_text(line, ".prod.protection.outlook.com");
		return;
	}
	put_letters(generator, line, 2);
	put_number(line, between(generator, 1, 9), 0);
	if (form == 0) {
		/* AM6PR0502MB3765 */
		put_text(line, "PR");
		put_number(line, between(generator, 0, 9999), 4);
		put_text(line, "MB");
		put_number(line, between(generator, 1000, 9999), 4);
	} else {
		/* AM4PEPF00027A6C */
		put_text(line, "PEPF0000");
		put_hex(generator, line, 4, 1);
	}
	put_char(line, '.');
	put_text(line, regions[below(generator, COUNT_OF(regions))]);
	put_number(line, number, 2);
	put_text(line, ".prod.outlook.com");
}

/* ---- recipients, senders and hosts ---- */

static void make_domains(struct generator *generator)
{
	static const char *const big_names[4] = {"gmail.com", "outlook.com", "hotmail.com",
	                                         "yahoo.com"};
	static const enum provider big_providers[4] = {PROVIDER_GOOGLE, PROVIDER_MICROSOFT,
	                                               PROVIDER_MICROSOFT, PROVIDER_YAHOO};

	for (unsigned i = 0; i < 4; i++) {
		struct domain *domain = &generator->big[i];

		snprintf(domain->name, sizeof(domain->name), "%s", big_names[i]);
		domain->provider = big_providers[i];
		domain->google_workspace = 0;
	}
	for (unsigned i = 0; i < DOMAIN_COUNT; i++) {
		struct domain *domain = &generator->domains[i];
		unsigned hosting = below(generator, 100);

		/* 40 heads x 50 tails: every index gets its own name. */
		snprintf(domain->name, sizeof(domain->name), "%s%s.%s",
		         domain_heads[i % COUNT_OF(domain_heads)],
		         domain_tails[i / COUNT_OF(domain_heads) % COUNT_OF(domain_tails)],
		         tlds[below(generator, COUNT_OF(tlds))]);
		domain->google_workspace = hosting < 25;
		domain->provider = hosting < 25   ? PROVIDER_GOOGLE
		                   : hosting < 45 ? PROVIDER_MICROSOFT
		                                  : PROVIDER_ANY;
		random_public_ip(generator, domain->ip);
	}
}

/* Big providers get most of the mail; the long tail is skewed too. */
static const struct domain *pick_domain(struct generator *generator)
{
	unsigned roll = below(generator, 100), first, second;

	if (roll < 28)
		return &generator->big[0];
	if (roll < 36)
		return &generator->big[1];
	if (roll < 45)
		return &generator->big[2];
	if (roll < 52)
		return &generator->big[3];
	first = below(generator, DOMAIN_COUNT);
	second = below(generator, DOMAIN_COUNT);
	return &generator->domains[first < second ? first : second];
}

static void make_local_part(struct generator *generator, char *out, size_t size)
{
	const char *first = first_names[below(generator, COUNT_OF(first_names))];
	const char *last = last_names[below(generator, COUNT_OF(last_names))];

	switch (below(generator, 5)) {
	case 0:
		snprintf(out, size, "%s.%s", first, last);
		break;
	case 1:
		snprintf(out, size, "%s%s%u", first, last, between(generator, 1, 99));
		break;
	case 2:
		snprintf(out, size, "%c%s", first[0], last);
		break;
	case 3:
		snprintf(out, size, "%s_%s%u", first, last, between(generator, 1960, 2010));
		break;
	default:
		snprintf(out, size, "%s%u", first, between(generator, 1, 9999));
		break;
	}
}

/* Where the recipient's mail goes: provider MX names and address ranges. */
static void pick_remote_host(struct generator *generator, const struct domain *domain)
{
	struct subject *subject = &generator->subject;
	unsigned char *ip = subject->remote_ip;

	if (domain == &generator->big[0] ||
	    (domain->provider == PROVIDER_GOOGLE && domain->google_workspace)) {
		unsigned alt = below(generator, 5);
		const char *base = domain == &generator->big[0] ? "gmail-smtp-in.l.google.com"
		                                                : "aspmx.l.google.com";

		if (alt == 0)
			snprintf(subject->remote_host, sizeof(subject->remote_host), "%s", base);
		else
			snprintf(subject->remote_host, sizeof(subject->remote_host), "alt%u.%s",
			         alt, base);
		ip[0] = below(generator, 2) ? 142 : 74;
		ip[1] = ip[0] == 142 ? 250 : 125;
		ip[2] = (unsigned char)below(generator, 256);
		ip[3] = (unsigned char)between(generator, 1, 254);
		return;
	}
	if (domain->provider == PROVIDER_MICROSOFT) {
		char dashed[40];
		size_t i;

		for (i = 0; domain->name[i] != '\0' && i + 1 < sizeof(dashed); i++)
			dashed[i] = domain->name[i] == '.' ? '-' : domain->name[i];
		dashed[i] = '\0';
		if (domain == &generator->big[1] || domain == &generator->big[2])
			snprintf(subject->remote_host, sizeof(subject->remote_host),
			         "%s.olc.protection.outlook.com", dashed);
		else
			snprintf(subject->remote_host, sizeof(subject->remote_host),
			         "%s.mail.protection.outlook.com", dashed);
		ip[0] = 52;
		ip[1] = 101;
		ip[2] = (unsigned char)below(generator, 256);
		ip[3] = (unsigned char)between(generator, 1, 254);
		return;
	}
	if (domain->provider == PROVIDER_YAHOO) {
		snprintf(subject->remote_host, sizeof(subject->remote_host),
		         "mta%u.am0.yahoodns.net", between(generator, 5, 7));
		ip[0] = 67;
		ip[1] = 195;
		ip[2] = (unsigned char)between(generator, 176, 207);
		ip[3] = (unsigned char)between(generator, 1, 254);
		return;
	}
	if (below(generator, 3) == 0)
		snprintf(subject->remote_host, sizeof(subject->remote_host), "mail.%s",
		         domain->name);
	else
		snprintf(subject->remote_host, sizeof(subject->remote_host), "mx%u.%s",
		         between(generator, 1, 3), domain->name);
	memcpy(ip, domain->ip, 4);
	ip[3] = (unsigned char)between(generator, 1, 254);
}

/* A fresh outbound record: recipient, sender, relay. */
static void new_outbound_subject(struct generator *generator)
{
	struct subject *subject = &generator->subject;
	const struct domain *domain = pick_domain(generator);

	make_local_part(generator, subject->recipient_local, sizeof(subject->recipient_local));
	subject->recipient_domain = domain;
	subject->sender_domain = sender_domains[below(generator, COUNT_OF(sender_domains))];
	snprintf(subject->sender, sizeof(subject->sender), "bounce+%08x.%u@%s",
	         (unsigned)next_random(generator), between(generator, 1000, 999999),
	         subject->sender_domain);
	subject->sending_ip = between(generator, 10, 41);
	pick_remote_host(generator, domain);
}

static void put_recipient(struct generator *generator, struct line *line)
{
	put_text(line, generator->subject.recipient_local);
	put_char(line, '@');
	put_text(line, generator->subject.recipient_domain->name);
}

static void put_sending_ip(struct generator *generator, struct line *line)
{
	put_text(line, "198.51.100.");
	put_number(line, generator->subject.sending_ip, 0);
}

/* Expands a template.  line_break: what stands between lines of a reply. */
static void put_template(struct generator *generator, struct line *line, const char *text,
                         const char *line_break)
{
	struct subject *subject = &generator->subject;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			put_text(line, line_break);
			continue;
		}
		if (*p != '%' || p[1] == '\0') {
			put_char(line, *p);
			continue;
		}
		p++;
		switch (*p) {
		case 'R':
			put_recipient(generator, line);
			break;
		case 'L':
			put_text(line, subject->recipient_local);
			break;
		case 'D':
			put_text(line, subject->recipient_domain->name);
			break;
		case 'F':
			put_text(line, subject->sender);
			break;
		case 'd':
			put_text(line, subject->sender_domain);
			break;
		case 'S':
			put_sending_ip(generator, line);
			break;
		case 'H':
			put_text(line, subject->remote_host);
			break;
		case 'I':
			put_ip(line, subject->remote_ip);
			break;
		case 'M':
			put_microsoft_server(generator, line);
			break;
		case 'G':
			put_gmail_trace(generator, line);
			break;
		case 'T':
			put_number(line, unix_time(&generator->clock), 0);
			break;
		case 'Z':
			put_date_time(line, &generator->clock, 'T');
			put_char(line, '.');
			put_number(line, (unsigned)generator->clock.millisecond, 3);
			put_char(line, 'Z');
			break;
		case 'N':
			put_number(line, between(generator, 1000, 999999), 0);
			break;
		case 'n':
			put_number(line, between(generator, 1, 999), 0);
			break;
		case 'X':
			put_hex(generator, line, 16, 0);
			break;
		case 'P':
			put_token(generator, line, 16);
			break;
		case 'Q':
			put_postfix_queue_id(generator, line);
			break;
		case 'E':
			put_exim_id(generator, line);
			break;
		default:
			put_char(line, *p);
			break;
		}
	}
}

static void index_templates(struct generator *generator)
{
	for (unsigned i = 0; i < CODED_COUNT; i++) {
		const struct reply_template *template = &coded_replies[i];
		unsigned *count = &generator->by_kind_count[template->kind][template->provider];

		generator->by_kind[template->kind][template->provider][(*count)++] = i;
	}
}

/* A reply of this kind fitting the recipient's provider (mostly). */
static const struct reply_template *pick_coded(struct generator *generator, enum kind kind)
{
	enum provider provider = generator->subject.recipient_domain->provider;
	unsigned count;

	if (provider == PROVIDER_ANY || generator->by_kind_count[kind][provider] == 0 ||
	    below(generator, 10) < 2)
		provider = PROVIDER_ANY;
	count = generator->by_kind_count[kind][provider];
	return &coded_replies[generator->by_kind[kind][provider][below(generator, count)]];
}

static const struct codeless_template *pick_codeless(struct generator *generator, enum kind kind)
{
	for (;;) {
		const struct codeless_template *template =
		    &codeless_replies[below(generator, CODELESS_COUNT)];

		if (template->kind == kind)
			return template;
	}
}

static void init_generator(struct generator *generator, uint64_t seed, int exim)
{
	memset(generator, 0, sizeof(*generator));
	generator->rng = seed;
	generator->clock = (struct clock){2024, 10, 27, 0, 0, 0, 0};
	make_domains(generator);
	index_templates(generator);
	for (unsigned i = 0; i < COUNT_OF(generator->smtp_pids); i++)
		generator->smtp_pids[i] = between(generator, 1000, 65000);
	for (unsigned i = 0; i < COUNT_OF(generator->smtpd_pids); i++)
		generator->smtpd_pids[i] = between(generator, 1000, 65000);
	for (unsigned i = 0; i < COUNT_OF(generator->cleanup_pids); i++)
		generator->cleanup_pids[i] = between(generator, 1000, 65000);
	for (unsigned i = 0; i < COUNT_OF(generator->bounce_pids); i++)
		generator->bounce_pids[i] = between(generator, 1000, 65000);
	generator->qmgr_pid = between(generator, 500, 3000);
	generator->anvil_pid = between(generator, 1000, 65000);
	generator->pickup_pid = between(generator, 1000, 65000);
	generator->postscreen_pid = between(generator, 500, 3000);
	generator->exim_queue_pid = between(generator, 1000, 65000);
	for (unsigned i = 0; i < RECENT_IDS; i++)
		new_message_id(generator, exim);
	new_outbound_subject(generator);
}

/* ---- Postfix ---- */

static void postfix_header(struct generator *generator, const char *service, unsigned pid)
{
	struct line *line = &generator->line;

	put_syslog_time(line, &generator->clock);
	put_text(line, " mx1 postfix/");
	put_text(line, service);
	put_char(line, '[');
	put_number(line, pid, 0);
	put_text(line, "]: ");
}

static unsigned pick_pid(struct generator *generator, const unsigned *pids, unsigned count)
{
	return pids[below(generator, count)];
}

static void postfix_client(struct generator *generator)
{
	struct line *line = &generator->line;
	unsigned char ip[4];

	random_public_ip(generator, ip);
	if (below(generator, 3) == 0) {
		put_text(line, "unknown");
	} else {
		put_text(line, "host-");
		put_number(line, ip[3], 0);
		put_char(line, '-');
		put_number(line, ip[2], 0);
		put_char(line, '.');
		put_text(line, generator->domains[below(generator, DOMAIN_COUNT)].name);
	}
	put_char(line, '[');
	put_ip(line, ip);
	put_char(line, ']');
}

/* One delivery outcome line: to=, relay=, delay=, dsn=, status=. */
static void postfix_delivery(struct generator *generator, enum kind kind)
{
	struct line *line = &generator->line;
	const struct reply_template *coded = NULL;
	const struct codeless_template *codeless = NULL;
	unsigned transit = between(generator, 60, 3500);
	unsigned queued =
	    kind == KIND_SENT ? between(generator, 5, 900) : between(generator, 5, 400000) * 100;

	new_outbound_subject(generator);
	if (kind != KIND_SENT && below(generator, 100) < (kind == KIND_DEFER ? 30 : 15))
		codeless = pick_codeless(generator, kind);
	else
		coded = pick_coded(generator, kind);

	postfix_header(generator,
	               codeless != NULL && codeless->relay == RELAY_LOCAL ? "local" : "smtp",
	               pick_pid(generator, generator->smtp_pids, COUNT_OF(generator->smtp_pids)));
	put_text(line, recent_message_id(generator));
	put_text(line, ": to=<");
	put_recipient(generator, line);
	put_text(line, ">, ");
	if (below(generator, 20) == 0) {
		put_text(line, "orig_to=<");
		put_text(line, generator->subject.recipient_local);
		put_text(line, ">, ");
	}
	put_text(line, "relay=");
	if (codeless != NULL && codeless->relay == RELAY_NONE) {
		put_text(line, "none");
		transit = 0;
	} else if (codeless != NULL && codeless->relay == RELAY_LOCAL) {
		put_text(line, "local");
	} else {
		put_text(line, generator->subject.remote_host);
		put_char(line, '[');
		put_ip(line, generator->subject.remote_ip);
		put_text(line, "]:25");
	}
	put_text(line, ", delay=");
	put_seconds(line, queued + transit);
	put_text(line, ", delays=");
	put_seconds(line, queued);
	put_char(line, '/');
	put_seconds(line, between(generator, 0, 40));
	put_char(line, '/');
	put_seconds(line, transit / 3);
	put_char(line, '/');
	put_seconds(line, transit - transit / 3);
	put_text(line, ", dsn=");
	put_text(line, codeless != NULL ? codeless->dsn : coded->dsn);
	put_text(line, kind == KIND_SENT    ? ", status=sent ("
	               : kind == KIND_DEFER ? ", status=deferred ("
	                                    : ", status=bounced (");
	if (codeless != NULL) {
		put_template(generator, line, codeless->postfix_text, " ");
		put_char(line, ')');
		return;
	}
	if (kind == KIND_SENT) {
		put_template(generator, line, coded->text, " ");
		put_char(line, ')');
		return;
	}
	put_text(line, "host ");
	put_text(line, generator->subject.remote_host);
	put_char(line, '[');
	put_ip(line, generator->subject.remote_ip);
	put_text(line, coded->stage == STAGE_GREETING ? "] refused to talk to me: " : "] said: ");
	put_template(generator, line, coded->text, " ");
	switch (coded->stage) {
	case STAGE_GREETING:
		put_char(line, ')');
		return;
	case STAGE_MAIL:
		put_text(line, " (in reply to MAIL FROM command))");
		return;
	case STAGE_RCPT:
		put_text(line, " (in reply to RCPT TO command))");
		return;
	case STAGE_DATA:
		put_text(line, " (in reply to end of DATA command))");
		return;
	}
}

/* Our own smtpd refusing a client: replies we sent, not bounces. */
static void postfix_reject(struct generator *generator)
{
	static const char *const texts[] = {
	    "550 5.1.1 <%L@brightlane.io>: Recipient address rejected: User unknown in local "
	    "recipient table",
	    "554 5.7.1 Service unavailable; Client host [%I] blocked using zen.spamhaus.org; "
	    "https://www.spamhaus.org/query/ip/%I",
	    "450 4.2.0 <%L@brightlane.io>: Recipient address rejected: Greylisted, see "
	    "http://postgrey.schweikert.ch/help/brightlane.io.html",
	    "554 5.7.1 <%R>: Relay access denied",
	    "450 4.7.1 <%H>: Helo command rejected: Host not found",
	    "450 4.7.1 Client host rejected: cannot find your hostname, [%I]",
	    "504 5.5.2 <%H>: Helo command rejected: need fully-qualified hostname",
	    "550 5.7.1 <%L@brightlane.io>: Recipient address rejected: Access denied",
	};
	struct line *line = &generator->line;
	struct subject *subject = &generator->subject;
	unsigned char *ip = subject->remote_ip;
	int postscreen = below(generator, 10) == 0;

	new_outbound_subject(generator);
	random_public_ip(generator, ip);
	snprintf(subject->remote_host, sizeof(subject->remote_host), "%s",
	         helo_names[below(generator, COUNT_OF(helo_names))]);
	if (postscreen) {
		postfix_header(generator, "postscreen", generator->postscreen_pid);
		put_text(line, "NOQUEUE: reject: RCPT from [");
		put_ip(line, ip);
		put_text(line, "]:");
		put_number(line, between(generator, 1024, 65535), 0);
		put_text(line, ": 550 5.7.1 Service unavailable; client [");
		put_ip(line, ip);
		put_text(line, "] blocked using zen.spamhaus.org; from=<");
		put_text(line, subject->sender);
		put_text(line, ">, to=<");
		put_text(line, subject->recipient_local);
		put_text(line, "@brightlane.io>, proto=ESMTP, helo=<");
		put_text(line, subject->remote_host);
		put_char(line, '>');
		return;
	}
	postfix_header(generator, "smtpd",
	               pick_pid(generator, generator->smtpd_pids, COUNT_OF(generator->smtpd_pids)));
	put_text(line, "NOQUEUE: reject: RCPT from unknown[");
	put_ip(line, ip);
	put_text(line, "]: ");
	put_template(generator, line, texts[below(generator, COUNT_OF(texts))], " ");
	put_text(line, "; from=<");
	put_text(line, subject->sender);
	put_text(line, "> to=<");
	put_text(line, subject->recipient_local);
	put_text(line, "@brightlane.io> proto=ESMTP helo=<");
	put_text(line, subject->remote_host);
	put_char(line, '>');
}

static void postfix_noise(struct generator *generator, unsigned roll)
{
	struct line *line = &generator->line;
	unsigned smtpd =
	    pick_pid(generator, generator->smtpd_pids, COUNT_OF(generator->smtpd_pids));

	if (roll < 110) {
		postfix_header(generator, "smtpd", smtpd);
		put_text(line, "connect from ");
		postfix_client(generator);
	} else if (roll < 220) {
		postfix_header(generator, "smtpd", smtpd);
		put_text(line, "disconnect from ");
		postfix_client(generator);
		put_text(line,
		         below(generator, 4) == 0
		             ? " ehlo=1 quit=1 commands=2"
		             : " ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8");
	} else if (roll < 310) {
		postfix_header(generator, "smtpd", smtpd);
		put_text(line, new_message_id(generator, 0));
		put_text(line, ": client=");
		postfix_client(generator);
		if (below(generator, 2) == 0)
			put_text(line, ", sasl_method=PLAIN, sasl_username=app@brightlane.io");
	} else if (roll < 405) {
		postfix_header(generator, "cleanup",
		               pick_pid(generator, generator->cleanup_pids,
		                        COUNT_OF(generator->cleanup_pids)));
		put_text(line, recent_message_id(generator));
		put_text(line, ": message-id=<");
		put_compact_time(line, &generator->clock);
		put_char(line, '.');
		put_hex(generator, line, 16, 0);
		put_text(line, "@brightlane.io>");
	} else if (roll < 505) {
		new_outbound_subject(generator);
		postfix_header(generator, "qmgr", generator->qmgr_pid);
		put_text(line, recent_message_id(generator));
		put_text(line, ": from=<");
		put_text(line, generator->subject.sender);
		put_text(line, ">, size=");
		put_number(line, between(generator, 900, 250000), 0);
		put_text(line, ", nrcpt=");
		put_number(line, below(generator, 8) == 0 ? between(generator, 2, 50) : 1, 0);
		put_text(line, " (queue active)");
	} else if (roll < 600) {
		postfix_header(generator, "qmgr", generator->qmgr_pid);
		put_text(line, recent_message_id(generator));
		put_text(line, ": removed");
	} else if (roll < 700) {
		new_outbound_subject(generator);
		postfix_header(
		    generator, "smtp",
		    pick_pid(generator, generator->smtp_pids, COUNT_OF(generator->smtp_pids)));
		put_text(line, below(generator, 3) == 0 ? "Untrusted" : "Trusted");
		put_text(line, " TLS connection established to ");
		put_text(line, generator->subject.remote_host);
		put_char(line, '[');
		put_ip(line, generator->subject.remote_ip);
		put_text(line, "]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) "
		               "key-exchange X25519 "
		               "server-signature RSA-PSS (2048 bits) server-digest SHA256");
	} else if (roll < 740) {
		postfix_header(generator, "smtpd", smtpd);
		put_text(line, "Anonymous TLS connection established from ");
		postfix_client(generator);
		put_text(line, ": TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) "
		               "key-exchange X25519 "
		               "server-signature ECDSA (P-256) server-digest SHA256");
	} else if (roll < 750) {
		postfix_header(generator, "anvil", generator->anvil_pid);
		put_text(line, "statistics: max connection rate ");
		put_number(line, between(generator, 1, 40), 0);
		put_text(line, "/60s for (smtp:");
		put_ip(line, generator->subject.remote_ip);
		put_text(line, ") at ");
		put_syslog_time(line, &generator->clock);
	} else if (roll < 753) {
		postfix_header(
		    generator, "bounce",
		    pick_pid(generator, generator->bounce_pids, COUNT_OF(generator->bounce_pids)));
		put_text(line, recent_message_id(generator));
		put_text(line, ": sender non-delivery notification: ");
		put_text(line, new_message_id(generator, 0));
	} else if (roll < 773) {
		static const char *const stages[] = {"CONNECT", "EHLO", "STARTTLS",
		                                     "AUTH",    "RCPT", "DATA"};

		postfix_header(generator, "smtpd", smtpd);
		put_text(line, "lost connection after ");
		put_text(line, stages[below(generator, COUNT_OF(stages))]);
		put_text(line, " from ");
		postfix_client(generator);
	} else if (roll < 783) {
		postfix_header(generator, "smtpd", smtpd);
		put_text(line, "warning: ");
		postfix_client(generator);
		put_text(line, ": SASL LOGIN authentication failed: UGFzc3dvcmQ6");
	} else if (roll < 793) {
		int connect = below(generator, 2) == 0;

		postfix_header(generator, "postscreen", generator->postscreen_pid);
		put_text(line, connect ? "CONNECT from [" : "PASS OLD [");
		random_public_ip(generator, generator->subject.remote_ip);
		put_ip(line, generator->subject.remote_ip);
		put_text(line, "]:");
		put_number(line, between(generator, 1024, 65535), 0);
		if (connect)
			put_text(line, " to [198.51.100.2]:25");
	} else if (roll < 798) {
		new_outbound_subject(generator);
		postfix_header(
		    generator, "smtp",
		    pick_pid(generator, generator->smtp_pids, COUNT_OF(generator->smtp_pids)));
		put_template(generator, line, "connect to %H[%I]:25: Connection refused", " ");
	} else if (roll < 800) {
		/* the reply again, without to=, when Postfix tries another MX */
		const struct reply_template *template;

		new_outbound_subject(generator);
		template = pick_coded(generator, KIND_DEFER);
		postfix_header(
		    generator, "smtp",
		    pick_pid(generator, generator->smtp_pids, COUNT_OF(generator->smtp_pids)));
		put_text(line, recent_message_id(generator));
		put_text(line, ": host ");
		put_template(generator, line, "%H[%I] said: ", " ");
		put_template(generator, line, template->text, " ");
		put_text(line, " (in reply to RCPT TO command)");
	} else if (roll < 805) {
		postfix_header(generator, "pickup", generator->pickup_pid);
		put_text(line, new_message_id(generator, 0));
		put_text(line, ": uid=33 from=<www-data>");
	} else if (roll < 808) {
		postfix_header(generator, "qmgr", generator->qmgr_pid);
		put_text(line, recent_message_id(generator));
		put_text(line, ": from=<");
		put_text(line, generator->subject.sender);
		put_text(line, ">, status=expired, returned to sender");
	} else {
		/* opendkim signing, in the same syslog stream */
		put_syslog_time(line, &generator->clock);
		put_text(line, " mx1 opendkim[");
		put_number(line, generator->anvil_pid + 7, 0);
		put_text(line, "]: ");
		put_text(line, recent_message_id(generator));
		put_text(line, ": DKIM-Signature field added (s=mail, d=");
		put_text(line, generator->subject.sender_domain);
		put_char(line, ')');
	}
}

/* Per 1000 lines: 150 sent, 15 deferred, 5 bounced, 20 rejects, noise. */
static void postfix_line(struct generator *generator)
{
	unsigned roll = below(generator, 1000);

	if (roll < 150)
		postfix_delivery(generator, KIND_SENT);
	else if (roll < 165)
		postfix_delivery(generator, KIND_DEFER);
	else if (roll < 170)
		postfix_delivery(generator, KIND_BOUNCE);
	else if (roll < 190)
		postfix_reject(generator);
	else
		postfix_noise(generator, below(generator, 820));
}

/* ---- Exim ---- */

static void exim_header(struct generator *generator, const char *id)
{
	struct line *line = &generator->line;

	put_date_time(line, &generator->clock, ' ');
	put_char(line, ' ');
	if (id != NULL) {
		put_text(line, id);
		put_char(line, ' ');
	}
}

static void exim_host(struct generator *generator)
{
	struct line *line = &generator->line;

	put_text(line, "H=");
	put_text(line, generator->subject.remote_host);
	put_text(line, " [");
	put_ip(line, generator->subject.remote_ip);
	put_char(line, ']');
}

static void exim_client(struct generator *generator, int with_port)
{
	struct line *line = &generator->line;
	unsigned char ip[4];

	random_public_ip(generator, ip);
	put_char(line, '(');
	put_text(line, helo_names[below(generator, COUNT_OF(helo_names))]);
	put_text(line, ") [");
	put_ip(line, ip);
	put_char(line, ']');
	if (with_port) {
		put_char(line, ':');
		put_number(line, between(generator, 1024, 65535), 0);
	}
}

static const char *const exim_tls = " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes";

static void exim_stage(struct generator *generator, enum stage stage)
{
	struct line *line = &generator->line;

	put_text(line, "SMTP error from remote mail server after ");
	switch (stage) {
	case STAGE_GREETING:
		put_text(line, "initial connection");
		break;
	case STAGE_MAIL:
		put_text(line, "MAIL FROM:<");
		put_text(line, generator->subject.sender);
		put_text(line, "> SIZE=");
		put_number(line, between(generator, 900, 250000), 0);
		break;
	case STAGE_RCPT:
		put_text(line, "RCPT TO:<");
		put_recipient(generator, line);
		put_char(line, '>');
		break;
	case STAGE_DATA:
		put_text(line, "end of data");
		break;
	}
	put_text(line, ": ");
}

static const char *exim_errno(enum stage stage)
{
	switch (stage) {
	case STAGE_GREETING:
		return "0";
	case STAGE_MAIL:
		return "-45";
	case STAGE_RCPT:
		return "-44";
	case STAGE_DATA:
		return "-46";
	}
	return "0";
}

static void exim_delivery(struct generator *generator, enum kind kind, int extra_recipient)
{
	struct line *line = &generator->line;
	const struct reply_template *coded = NULL;
	const struct codeless_template *codeless = NULL;

	new_outbound_subject(generator);
	if (kind != KIND_SENT && below(generator, 100) < (kind == KIND_DEFER ? 30 : 15))
		codeless = pick_codeless(generator, kind);
	else
		coded = pick_coded(generator, kind);
	exim_header(generator, recent_message_id(generator));
	put_text(line, kind == KIND_SENT    ? (extra_recipient ? "-> " : "=> ")
	               : kind == KIND_DEFER ? "== "
	                                    : "** ");
	put_recipient(generator, line);
	if (kind == KIND_SENT) {
		put_text(line, " R=dnslookup T=remote_smtp ");
		exim_host(generator);
		put_text(line, exim_tls);
		put_text(line, " K C=\"");
		put_template(generator, line, coded->text, "\\n");
		put_text(line, "\" QT=");
		put_number(line, between(generator, 0, 9), 0);
		put_text(line, "s DT=");
		put_number(line, between(generator, 0, 4), 0);
		put_char(line, 's');
		return;
	}
	if (codeless != NULL) {
		if (codeless->exim_errno == NULL) {
			put_text(line, ": ");
			put_template(generator, line, codeless->exim_text, "\\n");
			return;
		}
		put_text(line, " R=dnslookup T=remote_smtp defer (");
		put_text(line, codeless->exim_errno);
		put_char(line, ')');
		if (codeless->exim_host) {
			put_char(line, ' ');
			exim_host(generator);
		}
		put_text(line, ": ");
		put_template(generator, line, codeless->exim_text, "\\n");
		return;
	}
	if (kind == KIND_BOUNCE) {
		put_text(line, " F=<");
		put_text(line, generator->subject.sender);
		put_text(line, "> R=dnslookup T=remote_smtp ");
		exim_host(generator);
		put_text(line, exim_tls);
		put_text(line, ": ");
		exim_stage(generator, coded->stage);
		put_template(generator, line, coded->text, "\\n");
		put_text(line, " DT=");
		put_number(line, between(generator, 0, 3), 0);
		put_char(line, 's');
		return;
	}
	put_text(line, " R=dnslookup T=remote_smtp defer (");
	put_text(line, exim_errno(coded->stage));
	put_text(line, ") ");
	exim_host(generator);
	put_text(line, exim_tls);
	put_text(line, " DT=");
	put_number(line, between(generator, 0, 3), 0);
	put_text(line, "s: ");
	exim_stage(generator, coded->stage);
	put_template(generator, line, coded->text, "\\n");
}

static void exim_reject(struct generator *generator)
{
	static const char *const reasons[] = {
	    "relay not permitted",
	    "Unknown user",
	    "\"JunkMail rejected - %H [%I] is in an RBL: "
	    "https://www.spamhaus.org/sbl/query/SBLCSS\"",
	    "rejected because %I is in a black list at "
	    "zen.spamhaus.org\\nhttps://www.spamhaus.org/query/ip/%I",
	    "Sender verify failed",
	    "Greylisted, please try again later",
	};
	struct line *line = &generator->line;
	struct subject *subject = &generator->subject;

	new_outbound_subject(generator);
	random_public_ip(generator, subject->remote_ip);
	snprintf(subject->remote_host, sizeof(subject->remote_host), "host-%u.%s",
	         between(generator, 1, 250),
	         generator->domains[below(generator, DOMAIN_COUNT)].name);
	exim_header(generator, NULL);
	put_template(generator, line, "H=%H [%I]:", " ");
	put_number(line, between(generator, 1024, 65535), 0);
	put_text(line, " I=[198.51.100.2]:25 F=<");
	put_text(line, subject->sender);
	put_text(line, "> rejected RCPT <");
	put_text(line, subject->recipient_local);
	put_text(line, "@brightlane.io>: ");
	put_template(generator, line, reasons[below(generator, COUNT_OF(reasons))], " ");
}

static void exim_noise(struct generator *generator, unsigned roll)
{
	struct line *line = &generator->line;

	if (roll < 180) {
		new_outbound_subject(generator);
		exim_header(generator, new_message_id(generator, 1));
		put_text(line, "<= ");
		put_text(line, generator->subject.sender);
		if (below(generator, 3) == 0) {
			put_text(line, " U=www-data P=local S=");
		} else {
			put_text(line, " H=");
			exim_client(generator, 1);
			put_text(line, " I=[198.51.100.2]:587 P=esmtpsa "
			               "X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no "
			               "A=dovecot_plain:app S=");
		}
		put_number(line, between(generator, 900, 250000), 0);
		put_text(line, " id=");
		put_hex(generator, line, 24, 0);
		put_char(line, '@');
		put_text(line, generator->subject.sender_domain);
	} else if (roll < 360) {
		exim_header(generator, recent_message_id(generator));
		put_text(line, "Completed");
	} else if (roll < 510) {
		exim_header(generator, NULL);
		put_text(line, "SMTP connection from ");
		exim_client(generator, 1);
		put_text(line, " I=[198.51.100.2]:25 (TCP/IP connection count = ");
		put_number(line, between(generator, 1, 30), 0);
		put_char(line, ')');
	} else if (roll < 650) {
		exim_header(generator, NULL);
		put_text(line, "SMTP connection from ");
		exim_client(generator, 1);
		put_text(line, " I=[198.51.100.2]:25 closed by QUIT");
	} else if (roll < 655) {
		exim_header(generator, NULL);
		put_text(line, below(generator, 2) == 0 ? "Start queue run: pid="
		                                        : "End queue run: pid=");
		put_number(line, generator->exim_queue_pid++, 0);
	} else if (roll < 665) {
		exim_header(generator, NULL);
		put_text(line, "dovecot_login authenticator failed for ");
		exim_client(generator, 1);
		put_text(line, ": 535 Incorrect authentication data (set_id=");
		put_text(line, first_names[below(generator, COUNT_OF(first_names))]);
		put_char(line, ')');
	} else if (roll < 685) {
		exim_header(generator, NULL);
		put_text(line, "no MAIL in SMTP connection from ");
		exim_client(generator, 1);
		put_text(line, " I=[198.51.100.2]:25 D=");
		put_number(line, between(generator, 1, 60), 0);
		put_text(line, "s C=EHLO,STARTTLS");
	} else if (roll < 690) {
		exim_header(generator, NULL);
		put_text(line, "SMTP protocol synchronization error (input sent without waiting "
		               "for greeting): "
		               "rejected connection from H=");
		exim_client(generator, 1);
		put_text(line, " I=[198.51.100.2]:25 input=\"GET / HTTP/1.1\\r\\n\\r\\n\"");
	} else if (roll < 700) {
		exim_header(generator, NULL);
		put_text(line, "TLS error on connection from ");
		exim_client(generator, 1);
		put_text(line, " I=[198.51.100.2]:25 (SSL_accept): error:0A000126:SSL "
		               "routines::unexpected eof while "
		               "reading");
	} else if (roll < 730) {
		exim_header(generator, NULL);
		put_text(line, "SMTP connection from ");
		exim_client(generator, 1);
		put_text(line, " lost D=");
		put_number(line, between(generator, 0, 30), 0);
		put_char(line, 's');
	} else if (roll < 760) {
		new_outbound_subject(generator);
		exim_header(generator, recent_message_id(generator));
		put_text(line, "H=");
		exim_client(generator, 1);
		put_text(line, " Warning: \"SpamAssassin score ");
		put_number(line, between(generator, 0, 9), 0);
		put_char(line, '.');
		put_number(line, between(generator, 0, 9), 0);
		put_char(line, '"');
	} else {
		new_outbound_subject(generator);
		exim_header(generator, recent_message_id(generator));
		put_text(line, "DKIM: d=");
		put_text(line, generator->subject.sender_domain);
		put_text(line, " s=mail c=relaxed/relaxed a=rsa-sha256 b=2048 t=");
		put_number(line, unix_time(&generator->clock), 0);
		put_text(line, " [verification succeeded]");
	}
}

/* Per 1000 lines: 140 =>, 10 ->, 15 ==, 5 **, 20 rejects, noise. */
static void exim_line(struct generator *generator)
{
	unsigned roll = below(generator, 1000);

	if (roll < 140)
		exim_delivery(generator, KIND_SENT, 0);
	else if (roll < 150)
		exim_delivery(generator, KIND_SENT, 1);
	else if (roll < 165)
		exim_delivery(generator, KIND_DEFER, 0);
	else if (roll < 170)
		exim_delivery(generator, KIND_BOUNCE, 0);
	else if (roll < 190)
		exim_reject(generator);
	else
		exim_noise(generator, below(generator, 1000));
}

/* ---- bare replies ---- */

static void reply_line(struct generator *generator)
{
	new_outbound_subject(generator);
	if (below(generator, 20) == 0) {
		const struct codeless_template *template =
		    &codeless_replies[below(generator, CODELESS_COUNT)];

		put_template(generator, &generator->line, template->postfix_text, " ");
		return;
	}
	put_template(generator, &generator->line, coded_replies[below(generator, CODED_COUNT)].text,
	             " ");
}

/* ---- main ---- */

static int parse_count(const char *text, uint64_t *value)
{
	char *end;
	unsigned long long parsed;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	parsed = strtoull(text, &end, 10);
	if (*end != '\0')
		return -1;
	*value = parsed;
	return 0;
}

static int usage(void)
{
	fputs("usage: genlog postfix|exim SIZE_BYTES [SEED]\n"
	      "       genlog replies COUNT [SEED]\n"
	      "Writes a deterministic, realistic MTA log of at least SIZE_BYTES (stopping at\n"
	      "the first line end at or after it), or COUNT bare SMTP replies, to stdout.\n",
	      stderr);
	return 64;
}

int main(int argc, char **argv)
{
	static struct generator generator;
	static char output_buffer[1 << 20];
	void (*make_line)(struct generator *) = NULL;
	uint64_t limit, seed = DEFAULT_SEED, written = 0, lines = 0;
	int count_lines = 0;

	if (argc < 3 || argc > 4 || parse_count(argv[2], &limit) != 0)
		return usage();
	if (argc == 4 && parse_count(argv[3], &seed) != 0)
		return usage();
	if (strcmp(argv[1], "postfix") == 0) {
		make_line = postfix_line;
	} else if (strcmp(argv[1], "exim") == 0) {
		make_line = exim_line;
	} else if (strcmp(argv[1], "replies") == 0) {
		make_line = reply_line;
		count_lines = 1;
	} else {
		return usage();
	}
	setvbuf(stdout, output_buffer, _IOFBF, sizeof(output_buffer));
	init_generator(&generator, seed, make_line == exim_line);
	while (count_lines ? lines < limit : written < limit) {
		struct line *line = &generator.line;

		line->len = 0;
		advance_clock(&generator.clock, below(&generator, 40));
		make_line(&generator);
		line->text[line->len++] = '\n';
		if (fwrite(line->text, 1, line->len, stdout) != line->len)
			break;
		written += line->len;
		lines++;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("genlog: stdout");
		return 74;
	}
	return 0;
}
