/*
 * Pathological pages (cmark-style): each must finish (criterion .timeout,
 * generous so sanitizer builds pass; speed is measured in bench/, not here)
 * without crashing, and whatever comes out must be valid UTF-8 and
 * well-formed XHTML without NUL bytes. A clean error is acceptable where the
 * input really has no article or is over a limit.
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_common.h" /* ov_fuzz_utf8_ok: strict RFC 3629 check */
#include "octavo/transform.h"

#define PARA "Ordinary words of an ordinary article, repeated to give the scorer some text. "

/* The body must be well-formed inside an XHTML wrapper, free of NULs,
 * scripts and event handlers. */
static void check_article(const ov_article *a)
{
    cr_assert(a->body_xhtml);
    size_t n = strlen(a->body_xhtml);
    cr_expect(ov_fuzz_utf8_ok((const unsigned char *)a->body_xhtml, n), "body is not valid UTF-8");
    cr_expect(a->title && ov_fuzz_utf8_ok((const unsigned char *)a->title, strlen(a->title)), "title is not valid UTF-8");
    const char *pre = "<div xmlns=\"http://www.w3.org/1999/xhtml\">", *post = "</div>";
    size_t tl = strlen(pre) + n + strlen(post);
    char *doc = malloc(tl + 1);
    cr_assert(doc);
    memcpy(doc, pre, strlen(pre));
    memcpy(doc + strlen(pre), a->body_xhtml, n);
    memcpy(doc + strlen(pre) + n, post, strlen(post) + 1);
    xmlDocPtr d = xmlReadMemory(doc, (int)tl, "body.xhtml", "UTF-8", XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_expect(d != NULL, "body is not well-formed XML");
    if (d) xmlFreeDoc(d);
    cr_expect(strstr(a->body_xhtml, "<script") == NULL);
    cr_expect(strstr(a->body_xhtml, " onerror=") == NULL && strstr(a->body_xhtml, " onclick=") == NULL);
    free(doc);
}

/* Run the transformer; an article is checked, an error must carry a message. */
static int run(const char *page, size_t len, size_t max_input)
{
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    o.max_input_bytes = max_input;
    ov_article *a = NULL;
    ov_error err = {0};
    int rc = ov_transform_extract((const unsigned char *)page, len, "https://example.test/p.html", &o, &a, &err);
    if (rc == 0) {
        check_article(a);
        ov_article_free(a);
    } else {
        /* "no article content" still hands back the metadata */
        cr_expect(a == NULL || rc == OV_ENOTFOUND);
        ov_article_free(a);
        cr_expect(err.message[0] != '\0', "error %d without a message", rc);
    }
    ov_error_clear(&err);
    return rc;
}

static char *repeat(const char *head, const char *unit, size_t times, const char *mid, const char *unit2,
                    size_t times2, const char *tail, size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), ml = strlen(mid), u2 = strlen(unit2), tl = strlen(tail);
    size_t n = hl + ul * times + ml + u2 * times2 + tl;
    char *s = malloc(n + 1), *p = s;
    cr_assert(s);
    memcpy(p, head, hl); p += hl;
    for (size_t i = 0; i < times; i++) { memcpy(p, unit, ul); p += ul; }
    memcpy(p, mid, ml); p += ml;
    for (size_t i = 0; i < times2; i++) { memcpy(p, unit2, u2); p += u2; }
    memcpy(p, tail, tl); p += tl;
    *p = '\0';
    *len = n;
    return s;
}

Test(pathological, nested_divs_100k, .timeout = 300)
{
    size_t n;
    char *s = repeat("<html><body>", "<div>", 100000, "<p>" PARA PARA PARA "</p>", "</div>", 100000,
                     "</body></html>", &n);
    int rc = run(s, n, 0);
    cr_expect(rc == 0 || rc == OV_ENOTFOUND, "rc %d", rc);
    free(s);
}

Test(pathological, unclosed_nesting_100k, .timeout = 300)
{
    size_t n;
    char *s = repeat("<html><body>", "<div><span><b><table><tr><td>", 20000, "<p>" PARA PARA "</p>", "", 0, "", &n);
    int rc = run(s, n, 0);
    cr_expect(rc == 0 || rc == OV_ENOTFOUND, "rc %d", rc);
    free(s);
}

Test(pathological, text_node_20mb, .timeout = 300)
{
    size_t n;
    char *s = repeat("<html><head><title>Big</title></head><body><article><p>", "word ", 4u * 1024u * 1024u,
                     "", "", 0, "</p></article></body></html>", &n);
    cr_assert_gt(n, 20u * 1024u * 1024u);
    int rc = run(s, n, 32u * 1024u * 1024u);
    cr_expect_eq(rc, 0);
    /* over the default input limit: a clean OV_ELIMIT, not a crash */
    cr_expect_eq(run(s, n, 0), OV_ELIMIT);
    free(s);
}

Test(pathological, nul_bytes, .timeout = 120)
{
    char page[4096];
    int k = snprintf(page, sizeof page, "<html><body><article><h1>Nul</h1><p>%s", PARA PARA);
    cr_assert_gt(k, 0);
    size_t n = (size_t)k;
    memcpy(page + n, "before\0after\0\0 <b>bold\0</b>", 28);
    n += 28;
    const char *tail = PARA PARA "</p><p>\0</p></article></body></html>";
    memcpy(page + n, tail, strlen(tail));
    n += strlen(tail);
    page[n++] = '\0';
    page[n++] = 'x';
    cr_expect_eq(run(page, n, 0), 0);
}

Test(pathological, invalid_utf8, .timeout = 120)
{
    static const char bad[] = "\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xe4\xb8\xe2\x82\xac\x80\xbf"
                              "\xf0\x9f\x98";
    char page[8192];
    size_t n = 0;
    const char *head = "<html><head><meta charset=\"utf-8\"><title>Bad \xff bytes</title></head><body><article><p>";
    memcpy(page, head, strlen(head));
    n += strlen(head);
    for (int i = 0; i < 20; i++) {
        memcpy(page + n, PARA, strlen(PARA));
        n += strlen(PARA);
        memcpy(page + n, bad, sizeof bad - 1);
        n += sizeof bad - 1;
    }
    const char *tail = "</p><img src=\"/a\xff.jpg\" alt=\"\xc3\"></article></body></html>";
    memcpy(page + n, tail, strlen(tail));
    n += strlen(tail);
    cr_expect_eq(run(page, n, 0), 0);
}

Test(pathological, huge_attributes_and_many_images, .timeout = 300)
{
    size_t n;
    char *s = repeat("<html><body><article><p>" PARA PARA "</p><p title=\"", "x", 8u * 1024u * 1024u,
                     "\">t</p>", "<img src=\"/i.jpg\" srcset=\"a 1w, b 2w, c 3w\" data-src=\"/j.jpg\">", 20000,
                     "</article></body></html>", &n);
    int rc = run(s, n, 0);
    cr_expect(rc == 0 || rc == OV_ENOTFOUND || rc == OV_ELIMIT, "rc %d", rc);
    free(s);
}

Test(pathological, empty_and_binary, .timeout = 60)
{
    cr_expect_neq(run("", 0, 0), 0);
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    cr_expect_eq(run(png, sizeof png - 1, 0), OV_EPARSE);
}
