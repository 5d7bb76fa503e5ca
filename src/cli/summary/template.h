/*
 * template.h: turning reply texts into templates (template.c).
 */
#ifndef SMTPCLASS_SUMMARY_TEMPLATE_H
#define SMTPCLASS_SUMMARY_TEMPLATE_H

#include <stddef.h>

/*
 * The templates of words seen before.  Words that need a closer look (host
 * names, addresses, URLs, numbers) come back often, the same ones (a block
 * list's name, a help URL, a client's IP address), and looking at one
 * costs tens of times more than finding it here.  A word's template
 * depends on the word alone, so a remembered one is the one
 * template_word() would write.  Direct-mapped on the word's hash; a slot
 * holds a word and its template of at most WORD_MEMO_BYTES bytes.
 */
#define WORD_MEMO_SLOTS 256
#define WORD_MEMO_BYTES 63

struct word_memo {
	unsigned char len, template_len; /* len 0: empty */
	char word[WORD_MEMO_BYTES];
	char template[WORD_MEMO_BYTES];
};

/* summary_template() of text[0..len) into out[0..size), through memo
 * (NULL: none), a table of WORD_MEMO_SLOTS that the caller keeps zeroed
 * at first and then hands in each time.  Returns the length written. */
size_t template_text(const char *text, size_t len, char *out, size_t size, struct word_memo *memo);

#endif
