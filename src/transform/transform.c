/*
 * transform.c - from raw page bytes to an ov_article.
 *
 * Design. The bytes are decoded to UTF-8 by util/charset (HTTP header, BOM,
 * <meta> anywhere, uchardet when nothing is declared or the bytes contradict
 * the declaration); <meta charset> declarations are then neutralised so that
 * libxml2, which is told the input is UTF-8, cannot switch encodings again.
 *
 * Metadata comes from <meta> (Open Graph, article:*, author, description),
 * JSON-LD (json-c), <link rel=canonical/author>, <time>, the <title> minus its
 * site suffix, and inline text patterns (作者：, 记者, By, 来源：, dates).
 *
 * The article root is chosen by site rules when given (CSS translated to
 * XPath), else by comparing two candidates built from one linear pass of
 * text statistics (blocks.c): a Readability-style scored block (cleaning
 * is a hint, scored again without it when it leaves too little) and the
 * block holding most good paragraphs of a jusText-style classifier that
 * counts CJK characters and punctuation (see extract.c).
 *
 * The body is then written as a NEW fragment by emit.c from element and
 * attribute allow-lists; nothing of the source tree is copied through.
 * All walks are iterative or bounded by OV_TRANSFORM_MAX_DEPTH.
 */
#include "octavo/transform.h"

#include <json-c/json.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/bodydoc.h"
#include "transform/transform_priv.h"
#include "util/buf.h"
#include "util/charset.h"

/* Replace "charset" inside <meta ...> tags so libxml2 does not re-detect. */
static void neutralise_meta(char *s, size_t len)
{
    for (size_t i = 0; i + 5 < len;) {
        /* the next '<' that can open "<meta" (memchr: the page is mostly other bytes) */
        const char *lt = memchr(s + i, '<', len - 5 - i);
        if (!lt) break;
        i = (size_t)(lt - s);
        if (strncasecmp(s + i + 1, "meta", 4) != 0) {
            i++;
            continue;
        }
        size_t j = i + 5;
        for (; j < len && s[j] != '>'; j++)
            if (j + 7 <= len && strncasecmp(s + j, "charset", 7) == 0) s[j] = 'x';
        i = j + 1;
    }
}

/* Parse without libxml2's 256-level depth limit, which silently dropped
 * everything after a deep nest; ov__flatten_deep then bounds the depth. */
static xmlDocPtr parse_html(const char *utf8, size_t len, const char *url)
{
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(utf8, (int)len);
    if (!ctxt) return NULL;
    if (url && !ctxt->input->filename) ctxt->input->filename = (char *)xmlCharStrdup(url);
    htmlCtxtUseOptions(ctxt, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                                 HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT);
    ctxt->options |= XML_PARSE_HUGE;
    xmlCharEncodingHandlerPtr utf8h = xmlFindCharEncodingHandler("UTF-8");
    if (utf8h) xmlSwitchToEncoding(ctxt, utf8h);
    htmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    htmlFreeParserCtxt(ctxt);
    if (doc && url && !doc->URL) doc->URL = xmlStrdup(BAD_CAST url);
    return doc;
}

static int is_ws(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
    return 1;
}

static int set_title(ov__ctx *c, ov_error *err)
{
    ov_article *a = c->art;
    int rc = 0;
    ov__meta_collect(c);
    char *t = ov__title_decide(c);
    rc |= ov_strset(&a->title, t ? t : "Untitled");
    free(t);
    if (rc != 0) return ov_error_set(err, OV_ENOMEM, a->url, "out of memory");
    return 0;
}

static int set_meta(ov__ctx *c, ov_error *err)
{
    ov_article *a = c->art;
    int rc = 0;
    char date[OV__DATE_MAX];
    /* a site rule's byline, then JSON-LD, ranked <meta>, the author element,
     * an inline "记者 X" / "By X"; never the site's own name */
    const char *bys[] = {c->rules && c->rules->byline ? c->m.author : NULL, c->m.ld_author, c->m.author,
                         c->m.dom_byline, c->m.inline_byline};
    const char *by = NULL;
    for (size_t i = 0; i < sizeof bys / sizeof bys[0] && !by; i++)
        if (bys[i] && ov__byline_plausible(bys[i], c->m.og_site)) by = bys[i];
    rc |= ov_strset(&a->byline, by);
    const char *d = c->m.ld_date ? c->m.ld_date : c->m.pub_time ? c->m.pub_time : c->m.time_dt;
    if (d && ov__date_parse(d, date)) rc |= ov_strset(&a->published, date);
    else if (c->m.inline_date) rc |= ov_strset(&a->published, c->m.inline_date);
    else if (ov__date_from_url(a->url, date)) rc |= ov_strset(&a->published, date);
    rc |= ov_strset(&a->site_name, c->m.ld_publisher ? c->m.ld_publisher : c->m.og_site ? c->m.og_site
                                   : c->m.app_name ? c->m.app_name : c->m.site_guess);
    rc |= ov_strset(&a->source, c->m.inline_source);
    rc |= ov_strset(&a->canonical_url, c->m.canonical);
    rc |= ov_strset(&a->lead_image, c->m.og_image ? c->m.og_image : c->m.ld_image ? c->m.ld_image
                                    : a->n_images ? a->images[0] : NULL);
    char *lang = ov__language_decide(c);
    rc |= ov_strset(&a->language, lang);
    free(lang);
    if (c->m.description) rc |= ov_strset(&a->description, c->m.description);
    else if (c->first_para) rc |= ov_strset(&a->description, c->first_para);
    if (rc != 0) return ov_error_set(err, OV_ENOMEM, a->url, "out of memory");
    return 0;
}

/* First paragraph (for the description) and a text sample (for the language).
 * With `doc`, *doc receives ov__body_doc_parse of the body (or NULL), and the
 * text comes from that tree when it is the same text. */
static int body_sample(ov__ctx *c, xmlDocPtr *doc, ov_error *err)
{
    char *txt = NULL;
    const char *body = c->art->body_xhtml ? c->art->body_xhtml : "";
    if (doc) *doc = ov__body_doc_parse(body);
    int rc = doc && *doc && !strstr(body, "epub:") ? ov__article_text_doc(c->art, *doc, &txt, err)
                                                   : ov_article_text(c->art, &txt, err);
    if (rc != 0) return rc;
    size_t n = strlen(txt);
    if (n > 64 * 1024) {
        n = 64 * 1024;
        while (n && ((unsigned char)txt[n] & 0xC0) == 0x80) n--;
        txt[n] = '\0';
    }
    /* the first real paragraph: long enough and not the dateline */
    const char *p = txt, *nl = strstr(txt, "\n\n");
    char date[OV__DATE_MAX];
    while (nl) {
        char *para = strndup(p, (size_t)(nl - p));
        int ok = para && strlen(para) >= 40 && !ov__date_parse(para, date);
        free(para);
        if (ok) break;
        p = nl + 2;
        nl = strstr(p, "\n\n");
    }
    size_t pl = nl ? (size_t)(nl - p) : strlen(p);
    if (pl > 300) {
        pl = 300;
        while (pl && ((unsigned char)p[pl] & 0xC0) == 0x80) pl--;
    }
    c->first_para = pl ? strndup(p, pl) : NULL;
    c->body_text = txt;
    return 0;
}

/* The WHATWG MIME sniffing "binary data byte" test over the first bytes: a
   page carrying control bytes other than whitespace is an image, archive or
   other binary file, not HTML. UTF-16 (by BOM or a declared charset) has NUL
   bytes by design and is exempt. */
#define OV__BINARY_SNIFF_BYTES 1024
static int looks_binary(const unsigned char *p, size_t len, const char *content_type)
{
    if (len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
        return 0;
    if (content_type && ov__ascii_casestr(content_type, "utf-16"))
        return 0;
    static const struct { const char *magic; size_t len; } sig[] = {
        {"\x89PNG\r\n\x1a\n", 8}, {"\xff\xd8\xff", 3}, {"GIF8", 4}, {"%PDF-", 5}, {"PK\x03\x04", 4},
        {"\x1f\x8b", 2}, {"RIFF", 4}, {"\0\0\0", 3}, {"BZh", 3}, {"\xfd" "7zXZ", 5}, {"OggS", 4}, {"ID3", 3}};
    for (size_t i = 0; i < sizeof sig / sizeof sig[0]; i++)
        if (len >= sig[i].len && !memcmp(p, sig[i].magic, sig[i].len)) return 1;
    /* Otherwise binary only when control bytes are frequent: a stray NUL or
     * two in a real page (it happens) must not cost the article. */
    size_t n = len < OV__BINARY_SNIFF_BYTES ? len : OV__BINARY_SNIFF_BYTES, bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = p[i];
        if (b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F))
            bad++;
    }
    return bad >= 4 && bad * 16 >= n;
}

int ov_transform_extract(const unsigned char *page, size_t len, const char *url,
                         const ov_transform_options *opts, ov_article **out, ov_error *err)
{
    return ov__transform_extract_doc(page, len, url, opts, out, NULL, err);
}

int ov__transform_extract_doc(const unsigned char *page, size_t len, const char *url,
                              const ov_transform_options *opts, ov_article **out, xmlDocPtr *body_doc,
                              ov_error *err)
{
    int rc = 0, nobody = 0;
    xmlDocPtr bdoc = NULL;
    char *utf8 = NULL;
    size_t ulen = 0;
    ov__ctx c;
    ov_error body_err;
    size_t limit = opts && opts->max_input_bytes ? opts->max_input_bytes : OV_TRANSFORM_MAX_INPUT;

    memset(&c, 0, sizeof c);
    *out = NULL;
    if (body_doc) *body_doc = NULL;
    if (len > limit) {
        rc = ov_error_set(err, OV_ELIMIT, url, "page is %zu bytes, over the %zu-byte limit (OV_TRANSFORM_MAX_INPUT)", len, limit);
        goto cleanup;
    }
    if (looks_binary(page, len, opts ? opts->content_type : NULL)) {
        rc = ov_error_set(err, OV_EPARSE, url, "not an HTML page (binary data: a file signature or control bytes in the first %d bytes)",
                          OV__BINARY_SNIFF_BYTES);
        goto cleanup;
    }
    rc = ov__charset_decode(page, len, opts ? opts->content_type : NULL, &utf8, &ulen, c.charset, sizeof c.charset, err);
    if (rc != 0) goto cleanup;
    if (is_ws(utf8)) {
        rc = ov_error_set(err, OV_EPARSE, url, "the page is empty");
        goto cleanup;
    }
    neutralise_meta(utf8, ulen);
    c.doc = parse_html(utf8, ulen, url);
    if (!c.doc || !xmlDocGetRootElement(c.doc)) {
        rc = ov_error_set(err, OV_EPARSE, url, "not an HTML page");
        goto cleanup;
    }
    ov__flatten_deep(c.doc, OV__DOM_DEPTH_MAX);
    ov__fix_void_nesting(c.doc);
    if (ov_article_new(&c.art) != 0) {
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        goto cleanup;
    }
    c.art->fetched_at = opts ? opts->fetched_at : 0;
    if (ov_strset(&c.art->url, url) != 0) {
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        goto cleanup;
    }
    c.rules = opts ? opts->rules : NULL;
    rc = set_title(&c, err);
    if (rc == 0) rc = ov__extract_body(&c, err);
    /* no body: the metadata is still the caller's (an empty body) */
    nobody = rc == OV_ENOTFOUND;
    if (nobody) {
        body_err = *err;
        rc = ov_strset(&c.art->body_xhtml, "") ? ov_error_set(err, OV_ENOMEM, url, "out of memory") : 0;
    }
    if (rc == 0) rc = body_sample(&c, body_doc && !nobody ? &bdoc : NULL, err);
    if (rc == 0) rc = set_meta(&c, err);
    if (rc == 0) {
        /* The input was decoded to valid UTF-8 and every cut is made on a
         * character boundary; this pass keeps that promise if one is missed. */
        ov_article *a = c.art;
        /* a body the pass changes is no longer the one parsed; a body found
         * clean here is not scanned a second time (the body is most of the
         * article's bytes) */
        int body_clean = bdoc && a->body_xhtml && ov__utf8_clean(a->body_xhtml);
        if (bdoc && a->body_xhtml && !body_clean) {
            xmlFreeDoc(bdoc);
            bdoc = NULL;
        }
        char **f[] = {&a->url, &a->canonical_url, &a->title, &a->byline, &a->published, &a->language,
                      &a->site_name, &a->source, &a->description, &a->lead_image, &a->body_xhtml};
        for (size_t i = 0; i < sizeof f / sizeof f[0] && rc == 0; i++)
            if (f[i] != &a->body_xhtml || !body_clean) rc = ov__utf8_repair(f[i]);
        for (size_t i = 0; i < a->n_images && rc == 0; i++) rc = ov__utf8_repair(&a->images[i]);
        if (rc) rc = ov_error_set(err, OV_ENOMEM, a->url, "out of memory");
    }
    if (rc == 0) {
        *out = c.art;
        c.art = NULL;
        if (nobody) {
            *err = body_err;
            rc = OV_ENOTFOUND;
        } else if (body_doc) {
            *body_doc = bdoc;
            bdoc = NULL;
        }
    }
cleanup:
    if (bdoc) xmlFreeDoc(bdoc);
    ov__ctx_free(&c);
    free(utf8);
    return rc;
}
