/*
 * fuzz_transform.c - libFuzzer target for ov_transform_extract().
 *
 * Input: raw page bytes. The HTTP Content-Type and the site rules are chosen
 * from the input length (no framing byte, so seed files are plain pages):
 * len % 4 picks no header / utf-8 / gbk / big5, and odd len / 4 adds CSS
 * rules, so header-versus-<meta> contradictions and the CSS-to-XPath path are
 * exercised as the fuzzer grows and shrinks inputs.
 *
 * Property, when extraction succeeds: the body fragment, wrapped in an XHTML
 * <div> that declares the xhtml and epub namespaces, is well-formed XML to
 * libxml2 (no network, no entity substitution), is valid UTF-8, and its parsed
 * tree holds no script/style/iframe element, no on* event attribute and no
 * style attribute. Every metadata string and image URL is valid UTF-8.
 * Any violation abort()s.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <strings.h>

#include "fuzz_common.h"
#include "octavo/model.h"
#include "octavo/transform.h"

static const char WRAP_OPEN[] =
    "<div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">";
static const char WRAP_CLOSE[] = "</div>";

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void check_tree(const xmlNode *root)
{
    /* Iterative pre-order walk: deep trees must not overflow our stack. */
    const xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;
            if (!strcasecmp(name, "script") || !strcasecmp(name, "style") ||
                !strcasecmp(name, "iframe"))
                ov_fuzz_fail("forbidden element", name);
            for (const xmlAttr *a = n->properties; a; a = a->next) {
                const char *an = (const char *)a->name;
                if (!strncasecmp(an, "on", 2)) ov_fuzz_fail("event attribute", an);
                if (!strcasecmp(an, "style")) ov_fuzz_fail("style attribute", an);
            }
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) n = n->parent;
        if (!n || n == root) break;
        n = n->next;
    }
}

static void check_body(const char *body)
{
    if (!body) ov_fuzz_fail("body_xhtml is NULL after success", NULL);
    size_t blen = strlen(body);
    if (!ov_fuzz_utf8_ok((const unsigned char *)body, blen))
        ov_fuzz_fail("invalid UTF-8 in", "body_xhtml");
    size_t len = sizeof WRAP_OPEN - 1 + blen + sizeof WRAP_CLOSE - 1;
    char *doc = malloc(len + 1);
    if (!doc) abort();
    memcpy(doc, WRAP_OPEN, sizeof WRAP_OPEN - 1);
    memcpy(doc + sizeof WRAP_OPEN - 1, body, blen);
    memcpy(doc + sizeof WRAP_OPEN - 1 + blen, WRAP_CLOSE, sizeof WRAP_CLOSE);
    xmlDocPtr x = xmlReadMemory(doc, (int)len, "body.xhtml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x) ov_fuzz_fail("body_xhtml is not well-formed XML", body);
    check_tree(xmlDocGetRootElement(x));
    xmlFreeDoc(x);
    free(doc);
}

static void check_article(const ov_article *a)
{
    check_body(a->body_xhtml);
    ov_fuzz_check_str("url", a->url);
    ov_fuzz_check_str("canonical_url", a->canonical_url);
    ov_fuzz_check_str("title", a->title);
    ov_fuzz_check_str("byline", a->byline);
    ov_fuzz_check_str("published", a->published);
    ov_fuzz_check_str("language", a->language);
    ov_fuzz_check_str("site_name", a->site_name);
    ov_fuzz_check_str("source", a->source);
    ov_fuzz_check_str("description", a->description);
    ov_fuzz_check_str("lead_image", a->lead_image);
    for (size_t i = 0; i < a->n_images; i++) {
        if (!a->images[i]) ov_fuzz_fail("NULL image URL", NULL);
        ov_fuzz_check_str("images[]", a->images[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {NULL, "text/html; charset=utf-8",
                                        "text/html; charset=gbk", "text/html; charset=big5"};
    static const char *const keep[] = {"article, div.article-body", "#content p", NULL};
    static const char *const remove[] = {".share, .copyright", "[class*=ad]", NULL};
    static const ov_rules rules = {keep, remove, "h1", ".byline", "time"};
    static int init;
    if (!init) {
        xmlSetGenericErrorFunc(NULL, silent);
        init = 1;
    }
    ov_transform_options opts = OV_TRANSFORM_OPTIONS_INIT;
    opts.content_type = types[size % 4];
    opts.rules = (size / 4) % 2 ? &rules : NULL;
    opts.fetched_at = 1700000000;
    ov_article *a = NULL;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_transform_extract(data, size, "http://news.example.cn/2024/05/a.html", &opts,
                                  &a, &err);
    if (rc == 0) {
        if (!a) ov_fuzz_fail("success without an article", NULL);
        check_article(a);
    } else {
        /* only "no article content" returns the article (its metadata) */
        if (a && rc != OV_ENOTFOUND) ov_fuzz_fail("error but an article was returned", NULL);
        if (a) check_article(a);
        if (rc > 0 || !err.message[0]) ov_fuzz_fail("error without a message", NULL);
    }
    ov_article_free(a);
    return 0;
}
