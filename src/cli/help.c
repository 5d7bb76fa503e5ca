/*
 * help.c: --help's option list, laid out as GNU programs do.
 *
 * The left column holds "-r, --reply=REPLY" (or six spaces and the long
 * name for an option without a short letter), the description starts at
 * DESCRIPTION_COLUMN and wraps at word boundaries within LINE_WIDTH, so
 * that --help reads on an 80-column terminal.  A left column too wide for
 * its slot puts the description on the next line.  The tests that parse
 * --help (completions/check.sh, tests/man/check.sh) rely on option lines
 * opening with spaces and a dash and on continuation lines not doing so.
 */
#include "help.h"

#include <getopt.h>
#include <string.h>

#define LINE_WIDTH         80
#define DESCRIPTION_COLUMN 29

static int write_left_column(FILE *stream, const struct option_doc *option)
{
	const char *assign = option->has_arg == optional_argument ? "[=" : "=";
	const char *close = option->has_arg == optional_argument ? "]" : "";
	int width;

	if (option->id < 256)
		width = fprintf(stream, "  -%c, --%s", option->id, option->name);
	else
		width = fprintf(stream, "      --%s", option->name);
	if (option->argument != NULL)
		width += fprintf(stream, "%s%s%s", assign, option->argument, close);
	return width;
}

/* Writes TEXT from column COLUMN on, wrapped at spaces within LINE_WIDTH. */
static void write_wrapped(FILE *stream, const char *text, int column)
{
	int room = LINE_WIDTH - DESCRIPTION_COLUMN;

	while (*text != '\0') {
		size_t len = strlen(text);
		size_t cut = len;

		if (len > (size_t)room) {
			cut = (size_t)room;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0) /* one word longer than the room: not cut */
				cut = strcspn(text, " ");
		}
		fprintf(stream, "%*s%.*s\n", DESCRIPTION_COLUMN - column, "", (int)cut, text);
		text += cut;
		while (*text == ' ')
			text++;
		column = 0;
	}
}

void help_write_options(FILE *stream, const struct option_doc *options, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int width;

		if (options[i].name == NULL) {
			fprintf(stream, "%s%s:\n", i > 0 ? "\n" : "", options[i].help);
			continue;
		}
		width = write_left_column(stream, &options[i]);
		if (width > DESCRIPTION_COLUMN - 2) {
			fputc('\n', stream);
			width = 0;
		}
		write_wrapped(stream, options[i].help, width);
	}
}

const struct option_doc *help_find_option(const struct option_doc *options, size_t count, int id)
{
	for (size_t i = 0; i < count; i++)
		if (options[i].name != NULL && options[i].id == id)
			return &options[i];
	return NULL;
}
