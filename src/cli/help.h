/*
 * help.h: the description of an option that --help, getopt_long's table
 * and the messages about options are made from (main.c holds the table).
 */
#ifndef SMTPCLASS_HELP_H
#define SMTPCLASS_HELP_H

#include <stddef.h>
#include <stdio.h>

/* A row of the option table.  A row whose name is NULL opens a group of
 * --help: its help is the group's title. */
struct option_doc {
	const char *name;
	int has_arg;
	int id;               /* the short letter, or a value past 255 for long-only options */
	const char *argument; /* shown in --help, NULL when none */
	const char *help;
};

/* Writes the option list of --help in GNU layout ("  -r, --reply=REPLY",
 * long-only options indented six columns), descriptions wrapped so that
 * no line is wider than 80 columns. */
void help_write_options(FILE *stream, const struct option_doc *options, size_t count);

/* The row of the option whose short letter or id is ID, or NULL. */
const struct option_doc *help_find_option(const struct option_doc *options, size_t count, int id);

#endif
