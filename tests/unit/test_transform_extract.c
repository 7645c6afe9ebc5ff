/*
 * Article-body extraction on small pages we wrote, each showing one
 * structure that real pages have and that once cost the article: a wrapper
 * holding many links below the article, text nodes ending in CR LF plus
 * indentation, ASP.NET pages inside one <form>, class words inside longer
 * words, hidden duplicates, noscript tracking pixels, CJK portals with long
 * related lists. Each test checks the article text, not just "something".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"
#include "util/buf.h"

#define OV_T_PAGE_MAX (256u * 1024u)

/* Extract `html` and return its plain text (caller frees); the article's
 * XHTML goes to *xhtml when asked. Fails the test on an error. */
static char *extract_text(const char *html, char **xhtml)
{
    ov_article *a = NULL;
    ov_error err;
    ov_error_clear(&err);
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    int rc = ov_transform_extract((const unsigned char *)html, strlen(html), "http://example.org/a/1.html", &o, &a, &err);
    cr_assert_eq(rc, 0, "extract failed: %s", err.message);
    char *t = NULL;
    cr_assert_eq(ov_article_text(a, &t, &err), 0);
    if (xhtml) *xhtml = strdup(a->body_xhtml);
    ov_article_free(a);
    return t;
}

/* A sentence of filler prose, numbered so that repeats differ. */
static void prose(ov__buf *b, const char *tag, int n, const char *lead)
{
    for (int i = 0; i < n; i++)
        ov__buf_printf(b, "<%s>%s sentence %d of the story, with enough words to read as prose, and a comma.</%s>\n",
                       tag, lead, i, tag);
}

Test(transform_extract, text_node_ending_in_crlf_and_indent_keeps_every_paragraph)
{
    char *t = extract_text("<html><body><div><p>A sentence.\r\n</p><p>B.\r\n    </p><p>C.</p></div></body></html>", NULL);
    cr_assert(strstr(t, "A sentence."), "got: %s", t);
    cr_assert(strstr(t, "B."), "got: %s", t);
    cr_assert(strstr(t, "C."), "got: %s", t);
    free(t);
}

Test(transform_extract, text_node_ending_in_blanks_inside_inline_elements)
{
    char *t = extract_text("<html><body><div><p><b>Bold lead. \n</b>Then the rest of it. \n  <i>Last words.\r\n</i></p></div></body></html>", NULL);
    cr_assert(strstr(t, "Bold lead."), "got: %s", t);
    cr_assert(strstr(t, "Then the rest of it."), "got: %s", t);
    cr_assert(strstr(t, "Last words."), "got: %s", t);
    free(t);
}

Test(transform_extract, wrapper_with_many_links_below_the_article_is_kept)
{
    /* The page wrapper holds the article and, below it, a list of 16
     * related links: over 420 characters of link text, under half of the
     * wrapper's text. Measuring the wrapper's text capped at 700 bytes but
     * its links uncapped deleted the wrapper, and the article with it. */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Harbour reopens</title></head><body><div class=\"wrap\"><div>");
    prose(&b, "p", 8, "Harbour");
    ov__buf_puts(&b, "</div><div><ul>");
    for (int i = 0; i < 16; i++)
        ov__buf_printf(&b, "<li><a href=\"/r/%d\">Another related headline number %d</a></li>", i, i);
    ov__buf_puts(&b, "</ul></div></div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Harbour sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Harbour sentence 7 of the story"), "got: %s", t);
    free(t);
    ov__buf_free(&b);
}
