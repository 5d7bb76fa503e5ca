/*
 * responder.c: a scripted SMTP server for the end-to-end tests.
 *
 * A real MTA (Postfix, Exim) delivers every test message to this server, on
 * a loopback address inside a network namespace, and logs what it answered;
 * smtpclass then reads that log.  The server answers from a script of real
 * provider replies, so the log holds the replies exactly as the MTA writes
 * them (multiline joins, stages, its own dsn=), not as a test author imagines.
 *
 * Usage: responder -a ADDRESS -s SCRIPT -r READYFILE -t SECONDS [-m DIR] PORT...
 *
 * It listens on ADDRESS:PORT for each PORT, creates READYFILE once all are
 * listening, forks one child per connection, and exits by itself after
 * SECONDS (every child too).  On SIGTERM it ends its whole process group.
 * A transcript of every exchange goes to standard error.
 *
 * With -m DIR it keeps the bounces it accepts, so that a test can read the
 * notices the MTA wrote: every message whose envelope sender was null
 * (MAIL FROM:<>) and whose end of data got a 2xx reply is stored, before
 * that reply is sent, twice: appended to DIR/mbox (a "From MAILER-DAEMON
 * <asctime date>" line, the message with lines matching /^>*From / quoted
 * with one more '>' as mboxrd does, which covers mboxo's "From " to
 * ">From ", and a blank line), and as one file in DIR/Maildir/new/ named
 * TIME.PID_COUNTER.HOST (written in tmp/, then renamed).  DIR and
 * DIR/Maildir/{cur,new,tmp} are created.  SMTP dot-stuffing is undone and
 * every line ends with LF; a line longer than 8191 bytes is cut there.
 * Children serve connections at the same time, so each mbox entry is one
 * write(2) on a descriptor opened with O_APPEND, under an fcntl write lock
 * (a short write, such as one cut by a signal, must not let another entry
 * in).
 *
 * The script is TSV, one reply line per row, '#' starts a comment:
 *
 *   KEY <TAB> STAGE <TAB> REPLY
 *
 * STAGE is greeting, ehlo, mail, rcpt, data or eod (the reply after the
 * message's final dot).  KEY is the listening port for greeting and ehlo,
 * the local part of the sender for mail, and the local part of the
 * recipient for rcpt, data and eod (data and eod use the first accepted
 * recipient).  Rows with the same KEY and STAGE form one multiline reply,
 * in order, written as the server sends them ("550-5.1.1 ...", then
 * "550 5.1.1 ...").  REPLY "DROP" closes the connection instead of
 * answering; "HANG" never answers (the client must time out).  A stage
 * without a row gets an ordinary positive reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS      32
#define MAX_ROWS       1024
#define LINE_MAX_BYTES 8192
#define PATH_BYTES     4096

struct row {
	char *key;
	char *stage;
	char *reply;
};

static struct row rows[MAX_ROWS];
static size_t row_count;
static unsigned lifetime = 120;
/* Where accepted bounces are stored (-m), or NULL: keep none. */
static const char *mail_dir;

/* What a stage does when the script has no row for it. */
static const struct {
	const char *stage;
	const char *reply;
} defaults[] = {
    {"greeting", "220 mx.responder.test ESMTP responder"},
    {"ehlo", "250-mx.responder.test\n250-PIPELINING\n250-SIZE "
             "35882577\n250-ENHANCEDSTATUSCODES\n250 8BITMIME"},
    {"mail", "250 2.1.0 Ok"},
    {"rcpt", "250 2.1.5 Ok"},
    {"data", "354 End data with <CR><LF>.<CR><LF>"},
    {"eod", "250 2.0.0 Ok: queued as 4XYZ123"},
};

static void die(const char *what)
{
	fprintf(stderr, "responder: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Splits the script into rows; the rows keep pointers into text. */
static void load_script(char *text)
{
	char *line = text;

	while (line != NULL && *line != '\0') {
		char *next = strchr(line, '\n');
		char *tab1, *tab2;

		if (next != NULL)
			*next++ = '\0';
		tab1 = strchr(line, '\t');
		tab2 = tab1 != NULL ? strchr(tab1 + 1, '\t') : NULL;
		if (line[0] != '#' && tab2 != NULL) {
			if (row_count == MAX_ROWS) {
				fprintf(stderr, "responder: more than %d script rows\n", MAX_ROWS);
				exit(1);
			}
			*tab1 = '\0';
			*tab2 = '\0';
			rows[row_count].key = line;
			rows[row_count].stage = tab1 + 1;
			rows[row_count].reply = tab2 + 1;
			row_count++;
		}
		line = next;
	}
}

static char *read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	char *text;
	long size;

	if (file == NULL || fseek(file, 0, SEEK_END) != 0)
		die(path);
	size = ftell(file);
	if (size < 0 || fseek(file, 0, SEEK_SET) != 0)
		die(path);
	text = malloc((size_t)size + 1);
	if (text == NULL)
		die("malloc");
	if (fread(text, 1, (size_t)size, file) != (size_t)size)
		die(path);
	text[size] = '\0';
	fclose(file);
	return text;
}

/* A connection: a read buffer and where the transcript says it is. */
struct session {
	int fd;
	int port;
	char buffer[LINE_MAX_BYTES];
	size_t used;
	char rcpt_key[256]; /* first accepted recipient's local part */
	int null_sender;    /* the last MAIL FROM was <> */
};

/* A message as it is stored: unstuffed lines, each ending with LF. */
struct message {
	char *bytes;
	size_t len;
	size_t size;
};

static void send_all(struct session *session, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(session->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(0); /* the client went away */
		data += n;
		len -= (size_t)n;
	}
}

/* Reads one line without its CR LF into line; returns 0 at end of input. */
static int read_line(struct session *session, char *line, size_t size)
{
	for (;;) {
		char *newline = memchr(session->buffer, '\n', session->used);
		ssize_t n;

		if (newline != NULL) {
			size_t len = (size_t)(newline - session->buffer);
			size_t copy = len < size - 1 ? len : size - 1;

			memcpy(line, session->buffer, copy);
			if (copy > 0 && line[copy - 1] == '\r')
				copy--;
			line[copy] = '\0';
			session->used -= len + 1;
			memmove(session->buffer, newline + 1, session->used);
			return 1;
		}
		if (session->used == sizeof(session->buffer))
			session->used = 0; /* an absurdly long line: drop it */
		n = read(session->fd, session->buffer + session->used,
		         sizeof(session->buffer) - session->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		session->used += (size_t)n;
	}
}

static int reply_code(const char *reply)
{
	return (int)strtol(reply, NULL, 10);
}

/* Never answers again: reads until the client gives up and closes. */
static void hang(struct session *session)
{
	char sink[4096];

	fprintf(stderr, "responder: port %d: HANG\n", session->port);
	while (read(session->fd, sink, sizeof(sink)) > 0)
		continue;
	exit(0);
}

/*
 * The basic code answer() will send for (key, stage), without sending it:
 * its script rows' (the last one's), else the default's; 0 for DROP and
 * HANG, which send nothing.
 */
static int planned_code(const char *key, const char *stage)
{
	int code = -1;

	for (size_t i = 0; i < row_count; i++) {
		if (strcmp(rows[i].stage, stage) != 0 || strcmp(rows[i].key, key) != 0)
			continue;
		if (strcmp(rows[i].reply, "DROP") == 0 || strcmp(rows[i].reply, "HANG") == 0)
			return 0;
		code = reply_code(rows[i].reply);
	}
	if (code >= 0)
		return code;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(defaults[i].stage, stage) == 0)
			return reply_code(defaults[i].reply);
	return 0;
}

/*
 * Sends the reply for (key, stage) and returns its basic code, or exits for
 * DROP and HANG.  Script rows are sent in order with CR LF; a default reply
 * may hold several lines separated by '\n'.
 */
static int answer(struct session *session, const char *key, const char *stage)
{
	int code = 0;
	int found = 0;

	for (size_t i = 0; i < row_count; i++) {
		if (strcmp(rows[i].stage, stage) != 0 || strcmp(rows[i].key, key) != 0)
			continue;
		if (strcmp(rows[i].reply, "DROP") == 0) {
			fprintf(stderr, "responder: port %d: %s %s: DROP\n", session->port, stage,
			        key);
			close(session->fd);
			exit(0);
		}
		if (strcmp(rows[i].reply, "HANG") == 0)
			hang(session);
		fprintf(stderr, "responder: port %d: %s %s: %s\n", session->port, stage, key,
		        rows[i].reply);
		send_all(session, rows[i].reply, strlen(rows[i].reply));
		send_all(session, "\r\n", 2);
		code = reply_code(rows[i].reply);
		found = 1;
	}
	if (found)
		return code;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		const char *p;

		if (strcmp(defaults[i].stage, stage) != 0)
			continue;
		for (p = defaults[i].reply; *p != '\0';) {
			const char *end = strchr(p, '\n');
			size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

			send_all(session, p, len);
			send_all(session, "\r\n", 2);
			p += len + (end != NULL);
		}
		return reply_code(defaults[i].reply);
	}
	return 0;
}

/* Copies the local part of "<local@domain>" (after the command) into key. */
static void local_part(const char *argument, char *key, size_t size)
{
	const char *start = strchr(argument, '<');
	size_t len = 0;

	start = start != NULL ? start + 1 : argument;
	while (start[len] != '\0' && start[len] != '@' && start[len] != '>' && len < size - 1)
		len++;
	memcpy(key, start, len);
	key[len] = '\0';
}

static int command_is(const char *line, const char *command)
{
	return strncasecmp(line, command, strlen(command)) == 0;
}

/* Whether the MAIL FROM argument (after the colon) is the null sender. */
static int is_null_sender(const char *argument)
{
	while (*argument == ' ')
		argument++;
	return strncmp(argument, "<>", 2) == 0;
}

static void message_append(struct message *message, const char *data, size_t len)
{
	if (message->size - message->len < len) {
		size_t size = message->size > 0 ? message->size : 16384;
		char *bytes;

		while (size - message->len < len)
			size *= 2;
		bytes = realloc(message->bytes, size);
		if (bytes == NULL)
			die("realloc");
		message->bytes = bytes;
		message->size = size;
	}
	memcpy(message->bytes + message->len, data, len);
	message->len += len;
}

/*
 * Reads the message after DATA up to its final dot, undoing dot-stuffing
 * (RFC 5321 section 4.5.2: a line that starts with a dot lost its first
 * one), into message when keep is set.  Exits if the client goes away
 * before the final dot.
 */
static void read_data(struct session *session, struct message *message, int keep)
{
	char line[LINE_MAX_BYTES];

	message->len = 0;
	for (;;) {
		const char *text = line;

		if (read_line(session, line, sizeof(line)) != 1)
			exit(0);
		if (strcmp(line, ".") == 0)
			return;
		if (!keep)
			continue;
		if (line[0] == '.')
			text++;
		message_append(message, text, strlen(text));
		message_append(message, "\n", 1);
	}
}

static void write_all(int fd, const char *data, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(path);
		data += n;
		len -= (size_t)n;
	}
}

static void join_path(char *path, const char *directory, const char *name)
{
	int n = snprintf(path, PATH_BYTES, "%s/%s", directory, name);

	if (n < 0 || n >= PATH_BYTES) {
		fprintf(stderr, "responder: path too long: %s/%s\n", directory, name);
		exit(1);
	}
}

/* Creates DIR, DIR/Maildir and its cur, new and tmp, unless they exist. */
static void make_mail_dir(const char *directory)
{
	static const char *const names[] = {"", "Maildir", "Maildir/cur", "Maildir/new",
	                                    "Maildir/tmp"};
	char path[PATH_BYTES];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		join_path(path, directory, names[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die(path);
	}
}

/*
 * Appends message to DIR/mbox as an mboxrd entry: the separator line, the
 * lines with one more '>' before each /^>*From /, and a blank line.  The
 * entry is written with one write(2) under a lock, so that children storing
 * at the same time never interleave.
 */
static void store_in_mbox(const struct message *message)
{
	struct message entry = {NULL, 0, 0};
	struct flock lock;
	char path[PATH_BYTES], separator[80];
	time_t now = time(NULL);
	struct tm tm;
	size_t start = 0;
	int fd;

	gmtime_r(&now, &tm);
	strftime(separator, sizeof(separator), "From MAILER-DAEMON %a %b %e %H:%M:%S %Y\n", &tm);
	message_append(&entry, separator, strlen(separator));
	while (start < message->len) {
		const char *line = message->bytes + start;
		const char *end = memchr(line, '\n', message->len - start);
		size_t len = end != NULL ? (size_t)(end - line) + 1 : message->len - start;
		size_t quotes = 0;

		while (quotes < len && line[quotes] == '>')
			quotes++;
		if (len - quotes >= 5 && memcmp(line + quotes, "From ", 5) == 0)
			message_append(&entry, ">", 1);
		message_append(&entry, line, len);
		start += len;
	}
	message_append(&entry, "\n", 1);

	join_path(path, mail_dir, "mbox");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		die(path);
	memset(&lock, 0, sizeof(lock));
	lock.l_type = F_WRLCK;
	lock.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &lock) != 0)
		if (errno != EINTR)
			die(path);
	write_all(fd, entry.bytes, entry.len, path);
	if (close(fd) != 0) /* which also releases the lock */
		die(path);
	free(entry.bytes);
}

/*
 * Writes message to DIR/Maildir/tmp/NAME and renames it into new/, as a
 * Maildir delivery does; NAME is TIME.PID_COUNTER.HOST, unique because each
 * connection has its own process.  Returns NAME in name.
 */
static void store_in_maildir(const struct message *message, char *name, size_t size)
{
	static unsigned counter;
	char host[256], directory[PATH_BYTES], temporary[PATH_BYTES], final[PATH_BYTES];
	int fd;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	/* '/' and ':' cannot be in the name (':' starts a Maildir's flags). */
	for (char *p = host; *p != '\0'; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	snprintf(name, size, "%lld.%ld_%u.%s", (long long)time(NULL), (long)getpid(), ++counter,
	         host);
	join_path(directory, mail_dir, "Maildir/tmp");
	join_path(temporary, directory, name);
	join_path(directory, mail_dir, "Maildir/new");
	join_path(final, directory, name);
	fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		die(temporary);
	write_all(fd, message->bytes, message->len, temporary);
	if (close(fd) != 0)
		die(temporary);
	if (rename(temporary, final) != 0)
		die(final);
}

static void store_message(const struct session *session, const struct message *message)
{
	char name[PATH_BYTES];

	store_in_mbox(message);
	store_in_maildir(message, name, sizeof(name));
	fprintf(stderr,
	        "responder: port %d: stored a message from <> (%zu bytes) in mbox and "
	        "Maildir/new/%s\n",
	        session->port, message->len, name);
}

static void serve(int fd, int port)
{
	static struct session session;
	static struct message message;
	char line[LINE_MAX_BYTES], key[256], port_key[16];
	int have_mail = 0, keep;

	session.fd = fd;
	session.port = port;
	snprintf(port_key, sizeof(port_key), "%d", port);
	if (answer(&session, port_key, "greeting") / 100 != 2) {
		/* A refusing server still reads the client's QUIT, then closes. */
		while (read_line(&session, line, sizeof(line)) == 1)
			if (command_is(line, "QUIT")) {
				send_all(&session, "221 2.0.0 Bye\r\n", 15);
				break;
			}
		exit(0);
	}
	while (read_line(&session, line, sizeof(line)) == 1) {
		if (command_is(line, "EHLO") || command_is(line, "HELO")) {
			answer(&session, port_key, "ehlo");
		} else if (command_is(line, "MAIL FROM:")) {
			local_part(line + 10, key, sizeof(key));
			session.null_sender = is_null_sender(line + 10);
			have_mail = answer(&session, key, "mail") / 100 == 2;
			session.rcpt_key[0] = '\0';
		} else if (command_is(line, "RCPT TO:")) {
			local_part(line + 8, key, sizeof(key));
			if (!have_mail) {
				send_all(&session, "503 5.5.1 Error: need MAIL command\r\n", 36);
				continue;
			}
			if (answer(&session, key, "rcpt") / 100 == 2 && session.rcpt_key[0] == '\0')
				snprintf(session.rcpt_key, sizeof(session.rcpt_key), "%s", key);
		} else if (command_is(line, "DATA")) {
			if (session.rcpt_key[0] == '\0') {
				send_all(&session, "554 5.5.1 Error: no valid recipients\r\n", 38);
				continue;
			}
			if (answer(&session, session.rcpt_key, "data") != 354)
				continue;
			keep = mail_dir != NULL && session.null_sender;
			read_data(&session, &message, keep);
			/* Stored before the 2xx goes out: accepted means kept. */
			if (keep && planned_code(session.rcpt_key, "eod") / 100 == 2)
				store_message(&session, &message);
			answer(&session, session.rcpt_key, "eod");
			have_mail = 0;
			session.rcpt_key[0] = '\0';
		} else if (command_is(line, "RSET")) {
			have_mail = 0;
			session.rcpt_key[0] = '\0';
			send_all(&session, "250 2.0.0 Ok\r\n", 14);
		} else if (command_is(line, "NOOP")) {
			send_all(&session, "250 2.0.0 Ok\r\n", 14);
		} else if (command_is(line, "QUIT")) {
			send_all(&session, "221 2.0.0 Bye\r\n", 15);
			break;
		} else {
			send_all(&session, "502 5.5.2 Error: command not recognized\r\n", 41);
		}
	}
	exit(0);
}

static void usage(void)
{
	fprintf(stderr, "usage: responder -a ADDRESS -s SCRIPT -r READYFILE -t SECONDS [-m DIR] "
	                "PORT...\n");
}

static void stop_group(int signal_number)
{
	(void)signal_number;
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	_exit(0);
}

static int listen_on(const char *address, int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1) {
		fprintf(stderr, "responder: bad address %s\n", address);
		exit(2);
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("bind");
	if (listen(fd, 64) != 0)
		die("listen");
	return fd;
}

int main(int argc, char **argv)
{
	const char *address = "127.0.0.1", *script = NULL, *ready = NULL;
	struct pollfd fds[MAX_PORTS];
	int ports[MAX_PORTS];
	size_t port_count = 0;
	struct sigaction ignore_children;
	for (;;) {
		int option = getopt(argc, argv, "a:s:r:t:m:");

		if (option == -1)
			break;
		switch (option) {
		case 'a':
			address = optarg;
			break;
		case 's':
			script = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 't':
			lifetime = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			mail_dir = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (script == NULL || optind == argc || argc - optind > MAX_PORTS) {
		usage();
		return 2;
	}
	load_script(read_file(script));
	if (mail_dir != NULL)
		make_mail_dir(mail_dir);
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* Its own process group, so that SIGTERM can end every child too. */
	setpgid(0, 0);
	signal(SIGTERM, stop_group);
	memset(&ignore_children, 0, sizeof(ignore_children));
	ignore_children.sa_handler = SIG_IGN;
	ignore_children.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &ignore_children, NULL);
	alarm(lifetime);
	for (int i = optind; i < argc; i++) {
		ports[port_count] = (int)strtol(argv[i], NULL, 10);
		fds[port_count].fd = listen_on(address, ports[port_count]);
		fds[port_count].events = POLLIN;
		port_count++;
	}
	if (ready != NULL) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			die(ready);
		close(fd);
	}
	for (;;) {
		if (poll(fds, port_count, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (size_t i = 0; i < port_count; i++) {
			int client;
			pid_t child;

			if (!(fds[i].revents & POLLIN))
				continue;
			client = accept(fds[i].fd, NULL, NULL);
			if (client < 0)
				continue;
			child = fork();
			if (child == 0) {
				for (size_t j = 0; j < port_count; j++)
					close(fds[j].fd);
				signal(SIGTERM, SIG_DFL);
				alarm(lifetime);
				serve(client, ports[i]);
			}
			close(client);
		}
	}
}
