/*
 * Figures and their captions (issue 11, item 4): a real caption right after
 * the image (an italic line, a .caption) becomes the figcaption and is not
 * left in the body too; an alt text the figcaption repeats is emptied, so
 * screen readers read it once; a layout table of photo + caption cell
 * becomes a figure. Pages written for the test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"

static const char head[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour news</title>"
    "</head><body><article><h1>Harbour news</h1>"
    "<p>The harbour reopened on Saturday after three weeks of repairs to the north pier, and "
    "the first ships were unloading by noon, said the port authority.</p>";
static const char tail[] =
    "<p>Traffic is expected to be back to normal by the end of the month, the authority said, "
    "and the ferry timetable returns to its winter schedule on Monday.</p></article></body></html>";

static char *body_of(const char *middle)
{
    size_t n = strlen(head) + strlen(middle) + strlen(tail) + 1;
    char *page = malloc(n);
    cr_assert(page);
    snprintf(page, n, "%s%s%s", head, middle, tail);
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    ov_article *a = NULL;
    ov_error err = {0};
    int rc = ov_transform_extract((const unsigned char *)page, strlen(page),
                                  "https://news.example.org/a.html", &o, &a, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    char *body = strdup(a->body_xhtml);
    ov_article_free(a);
    free(page);
    return body;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(captions, italic_line_after_the_image_is_the_caption)
{
    char *b = body_of("<p><img src=\"/img/pier.jpg\" alt=\"The north pier\"></p>"
                      "<p><em>Cranes unload the first ship at the repaired north pier.</em></p>");
    cr_assert(strstr(b, "<figure><img src=\"https://news.example.org/img/pier.jpg\" "
                        "alt=\"The north pier\"/><figcaption><em>Cranes unload the first ship at "
                        "the repaired north pier.</em></figcaption></figure>"), "%s", b);
    cr_assert_eq(count(b, "Cranes unload"), 1, "caption written twice: %s", b);
    free(b);
}

Test(captions, caption_class_after_a_figure_without_figcaption)
{
    char *b = body_of("<figure><img src=\"/img/pier.jpg\" alt=\"The north pier\"></figure>"
                      "<div class=\"caption\">Cranes at the north pier.</div>");
    cr_assert(strstr(b, "<figcaption>Cranes at the north pier.</figcaption></figure>"), "%s", b);
    cr_assert_eq(count(b, "Cranes at"), 1, "%s", b);
    free(b);
}

Test(captions, figcaption_repeating_alt_is_read_once)
{
    char *b = body_of("<figure><img src=\"/img/pier.jpg\" alt=\"Cranes at the north pier\">"
                      "<figcaption>Cranes at the north pier</figcaption></figure>");
    cr_assert(strstr(b, "alt=\"\"/><figcaption>Cranes at the north pier</figcaption>"), "%s", b);
    cr_assert_eq(count(b, "Cranes at the north pier"), 1, "%s", b);
    free(b);
    /* no real caption: the alt stays the alt, not shown as a caption (a
     * browser does not show it as text either) */
    b = body_of("<p><img src=\"/img/pier.jpg\" alt=\"Cranes at the north pier\"></p>");
    cr_assert(strstr(b, "alt=\"Cranes at the north pier\"/></figure>"), "%s", b);
    cr_assert_null(strstr(b, "<figcaption>"), "%s", b);
    free(b);
    /* a different alt stays */
    b = body_of("<figure><img src=\"/img/pier.jpg\" alt=\"Two cranes\">"
                "<figcaption>Cranes at the north pier</figcaption></figure>");
    cr_assert(strstr(b, "alt=\"Two cranes\"/><figcaption>Cranes at the north pier</figcaption>"),
              "%s", b);
    free(b);
}

Test(captions, layout_table_photo_becomes_a_figure)
{
    char *b = body_of("<table><tr><td><img src=\"/img/pier.jpg\" alt=\"\"></td></tr>"
                      "<tr><td>▲ Cranes at the north pier. Photo: Port authority</td></tr></table>");
    cr_assert(strstr(b, "<figure><img src=\"https://news.example.org/img/pier.jpg\" alt=\"\"/>"
                        "<figcaption>▲ Cranes at the north pier. Photo: Port authority</figcaption>"
                        "</figure>"), "%s", b);
    cr_assert_null(strstr(b, "<table"), "%s", b);
    free(b);
    /* image cell beside its caption cell */
    b = body_of("<table><tr><td><img src=\"/img/pier.jpg\" alt=\"\"></td>"
                "<td>Cranes at the north pier.</td></tr></table>");
    cr_assert(strstr(b, "<figcaption>Cranes at the north pier.</figcaption></figure>"), "%s", b);
    free(b);
    /* a data table stays a table */
    b = body_of("<table><tr><th>Ship</th><th>Tons</th></tr><tr><td>Belle</td><td>400</td></tr>"
                "</table>");
    cr_assert(strstr(b, "<table>"), "%s", b);
    free(b);
}
