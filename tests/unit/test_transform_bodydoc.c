/* One parse of an article body for the pipeline (transform/bodydoc.h): the
 * shared tree gives the text and the block keys the own parses give, and
 * is refused where it could not. Bodies are ours. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"
#include "transform/bodydoc.h"

static ov_article *with_body(const char *body)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->url, "https://example.org/a"), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, body), 0);
    return a;
}

static void same_results(const char *body)
{
    ov_article *a = with_body(body);
    ov_error err;
    xmlDocPtr d = ov__body_doc_parse(body);
    cr_assert_not_null(d, "%s", body);
    char *t1 = NULL, *t2 = NULL;
    cr_assert_eq(ov_article_text(a, &t1, &err), 0);
    cr_assert_eq(ov__article_text_doc(a, d, &t2, &err), 0);
    cr_assert_str_eq(t1, t2);
    uint64_t *k1 = NULL, *k2 = NULL;
    size_t n1 = 0, n2 = 0;
    cr_assert_eq(ov_transform_block_keys(body, &k1, &n1, &err), 0);
    cr_assert_eq(ov__block_keys_doc(d, &k2, &n2, &err), 0);
    cr_assert_eq(n1, n2);
    cr_assert(n1 == 0 || !memcmp(k1, k2, n1 * sizeof *k1));
    free(t1);
    free(t2);
    free(k1);
    free(k2);
    xmlFreeDoc(d);
    ov_article_free(a);
}

Test(bodydoc, shared_tree_gives_the_same_text_and_keys)
{
    same_results("<p>The council met on Tuesday.</p><ul><li>One &amp; two</li><li>Three</li></ul>"
                 "<figure><img src=\"a.jpg\" alt=\"\"/><figcaption>A bridge</figcaption></figure>"
                 "<div><p>Inside <ruby>漢<rt>kan</rt></ruby> a div<br/>and a break.</p></div>");
    same_results("");
    same_results("<section epub:type=\"chapter\"><p>An epub: attribute.</p></section>");
}

Test(bodydoc, refused_where_the_own_parse_could_differ)
{
    cr_assert_null(ov__body_doc_parse("<p>not closed"), "not well-formed: the old paths report it");
    /* deeper than libxml2's limit without XML_PARSE_HUGE (256): the
     * packager's check fails it, the HUGE parses would not */
    size_t depth = 300;
    char *deep = malloc(depth * 11 + 16);
    cr_assert_not_null(deep);
    char *p = deep;
    for (size_t i = 0; i < depth; i++) p += sprintf(p, "<div>");
    p += sprintf(p, "x");
    for (size_t i = 0; i < depth; i++) p += sprintf(p, "</div>");
    cr_assert_null(ov__body_doc_parse(deep));
    free(deep);
    /* at OV__BODY_DOC_MAX and above, left to the old parses */
    size_t n = OV__BODY_DOC_MAX;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    memcpy(big, "<p>", 3);
    memset(big + 3, 'a', n - 7);
    memcpy(big + n - 4, "</p>", 5);
    cr_assert_null(ov__body_doc_parse(big));
    free(big);
}

Test(bodydoc, extract_hands_the_tree_of_its_body)
{
    const char *page = "<html><head><title>Bridge delayed</title></head><body><article>"
                       "<p>The council met on Tuesday to discuss the bridge, delayed for two years by rising costs "
                       "and a long argument over who should pay for it.</p>"
                       "<p>Residents asked whether the ferry would be a better use of the money, and the council "
                       "promised an answer by the spring.</p></article></body></html>";
    ov_article *a = NULL, *b = NULL;
    xmlDocPtr d = NULL;
    ov_error err;
    cr_assert_eq(ov__transform_extract_doc((const unsigned char *)page, strlen(page), "https://example.org/a", NULL,
                                           &a, &d, &err), 0);
    cr_assert_eq(ov_transform_extract((const unsigned char *)page, strlen(page), "https://example.org/a", NULL, &b, &err), 0);
    cr_assert_not_null(d);
    cr_assert_str_eq(a->body_xhtml, b->body_xhtml);
    cr_assert_str_eq(a->description ? a->description : "", b->description ? b->description : "");
    char *t1 = NULL, *t2 = NULL;
    cr_assert_eq(ov_article_text(a, &t1, &err), 0);
    cr_assert_eq(ov__article_text_doc(a, d, &t2, &err), 0);
    cr_assert_str_eq(t1, t2);
    free(t1);
    free(t2);
    xmlFreeDoc(d);
    ov_article_free(a);
    ov_article_free(b);
}
