/*
 * Discovery: feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF), sitemaps and
 * listing pages.
 *
 * Documents are parsed with libxml2 in its safe mode: no network
 * (XML_PARSE_NONET), no entity substitution and no DTD loading, so XXE and
 * billion-laughs inputs go nowhere; the input size is capped before parsing.
 *
 * A feed is first decoded to UTF-8 and its HTML entities made numeric
 * (feedtext.c); then its elements are matched by namespace URI, so that
 * media:title or an undeclared foo:description never replaces the real
 * title, while names compare without case (CDF). Every item that has a link,
 * a title or some text is kept: one without a link becomes an article made of
 * the feed's own content, with a stable id (its guid, else a hash). Titles and
 * summaries come out as plain text, content as HTML with relative links
 * resolved against xml:base / Content-Location / the document URL. Sitemaps
 * are matched by local name. ov_discover() (discover.c) puts the parsers
 * behind one call that detects the kind of document by content.
 */
#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include "fetch/fetch_internal.h"
#include "fetch/feed_internal.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/utc.h"

/* Most entries kept from one document. */
#define OV__MAX_ENTRIES OV_FEED_MAX_ITEMS

void ov_entries_free(ov_entries *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        ov_entry *x = &e->items[i];
        free(x->url);
        free(x->id);
        free(x->title);
        free(x->published);
        free(x->author);
        free(x->summary);
        free(x->content);
    }
    free(e->items);
    for (size_t i = 0; i < e->n_skips; i++) {
        free(e->skips[i].what);
        free(e->skips[i].reason);
    }
    free(e->skips);
    for (size_t i = 0; i < e->n_children; i++)
        free(e->children[i]);
    free(e->children);
    free(e->title);
    free(e);
}

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const char *ns_href(const xmlNode *n)
{
    return n->ns && n->ns->href ? (const char *)n->ns->href : "";
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

/* Trimmed text content, malloc'd (NULL when empty). */
static char *text_of(xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    char *res = NULL;
    if (!t)
        return NULL;
    const char *s = (const char *)t;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len)
        res = strndup(s, len);
    xmlFree(t);
    return res;
}

/* Serialised children of an xhtml content element. */
static char *inner_xml(xmlNode *n)
{
    xmlBuffer *buf = xmlBufferCreate();
    char *res = NULL;
    if (!buf)
        return NULL;
    for (xmlNode *c = n->children; c; c = c->next)
        xmlNodeDump(buf, n->doc, c, 0, 0);
    res = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return res;
}

static int push_entry(ov_entries *e, size_t *cap, ov_entry *x)
{
    if (e->n >= OV__MAX_ENTRIES)
        return OV_ELIMIT;
    if (e->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        ov_entry *p = realloc(e->items, ncap * sizeof *p);
        if (!p)
            return OV_ENOMEM;
        e->items = p;
        *cap = ncap;
    }
    e->items[e->n++] = *x;
    return 0;
}

static int push_child(ov_entries *e, size_t *cap, char *url)
{
    for (size_t i = 0; i < e->n_children; i++)
        if (strcmp(e->children[i], url) == 0) {
            free(url);
            return 0;
        }
    if (e->n_children >= OV__MAX_ENTRIES) {
        free(url);
        return OV_ELIMIT;
    }
    if (e->n_children == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        char **p = realloc(e->children, ncap * sizeof *p);
        if (!p) {
            free(url);
            return OV_ENOMEM;
        }
        e->children = p;
        *cap = ncap;
    }
    e->children[e->n_children++] = url;
    return 0;
}

/* Base URL in effect at `n`: xml:base attributes resolved up from the document URL. */
static char *base_of(xmlNode *n, const char *doc_url)
{
    xmlChar *b = xmlNodeGetBase(n->doc, n);
    char *res = NULL;
    if (b) {
        res = ov__url_resolve(doc_url, (const char *)b);
        xmlFree(b);
    }
    return res ? res : (doc_url ? strdup(doc_url) : NULL);
}

static char *resolve_at(xmlNode *n, const char *doc_url, const char *ref)
{
    char *base = base_of(n, doc_url);
    char *res = ov__url_resolve(base, ref);
    free(base);
    return res;
}

static void set_date(ov_entry *x, char *raw)
{
    if (!raw)
        return;
    x->time = ov__parse_date(raw);
    if (x->time) {
        char iso[32];
        ov__utc_iso(x->time, 0, iso, sizeof iso);
        x->published = strdup(iso);
    }
    free(raw);
}

static void entry_clear(ov_entry *x)
{
    free(x->url);
    free(x->id);
    free(x->title);
    free(x->published);
    free(x->author);
    free(x->summary);
    free(x->content);
    memset(x, 0, sizeof *x);
}

/* ---- feeds ---- */

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DC10 "http://purl.org/dc/elements/1.0/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_ITUNES "http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_MEDIA "http://search.yahoo.com/mrss/"

/* Most refused-item records kept; further ones are counted in one record. */
#define OV__MAX_SKIP_RECORDS 1000u

typedef enum feed_kind { FEED_RSS, FEED_ATOM10, FEED_ATOM03, FEED_CDF } feed_kind;

typedef struct feed_ctx {
    const char *doc_url; /* base of the document: Content-Location, else its URL */
    feed_kind kind;
    ov_entries *e;
    size_t cap, skip_cap, n_items, refused_over;
    int stream;    /* items read while parsing: 0 undecided, 1 yes, -1 no (see feed_end_element) */
    int stream_rc; /* first error of an item read while parsing */
} feed_ctx;

/* Element names are compared without case: CDF and some old RSS shout. */
static int name_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* The feed's own vocabulary: no namespace, or one of the feed formats'. */
static int core_ns(const xmlNode *n)
{
    static const char *const uris[] = {NS_ATOM10, NS_ATOM03, NS_RSS10, NS_RSS090,
                                       "http://backend.userland.com/rss2",
                                       "http://blogs.law.harvard.edu/tech/rss",
                                       "http://backend.userland.com/rss", NULL};
    const char *h = ns_href(n);
    if (!h[0])
        return 1;
    for (size_t i = 0; uris[i]; i++)
        if (strcmp(h, uris[i]) == 0)
            return 1;
    return 0;
}

static int core(const xmlNode *n, const char *name)
{
    return name_is(n, name) && core_ns(n);
}

static int in_ns(const xmlNode *n, const char *uri, const char *name)
{
    return name_is(n, name) && strcmp(ns_href(n), uri) == 0;
}

static int in_ns_nocase(const xmlNode *n, const char *uri, const char *name)
{
    return name_is(n, name) && strcasecmp(ns_href(n), uri) == 0;
}

static int dc(const xmlNode *n, const char *name)
{
    return in_ns(n, NS_DC, name) || in_ns(n, NS_DC10, name);
}

static xmlNode *core_child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (core(c, name))
            return c;
    return NULL;
}

static char *prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *res = NULL;
    if (!v) {
        /* CDF writes attributes in upper case */
        for (xmlAttr *a = n->properties; a && !v; a = a->next)
            if (strcasecmp((const char *)a->name, name) == 0)
                v = xmlNodeGetContent((xmlNode *)a);
    }
    if (v) {
        res = strdup((const char *)v);
        xmlFree(v);
    }
    return res;
}

static int has_element_child(const xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

typedef enum tc_kind { TC_TEXT, TC_HTML } tc_kind;

/* Serialised children; for an Atom xhtml construct, the wrapping <div> is dropped. */
static char *xhtml_inner(xmlNode *n, int strip_div)
{
    xmlNode *only = NULL;
    int elements = 0, text = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            elements++;
            only = c;
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *t = c->content; t && *t; t++)
                text |= !isspace(*t);
        }
    }
    if (strip_div && elements == 1 && !text && name_is(only, "div") && strcmp(ns_href(only), NS_XHTML) == 0)
        n = only;
    char *s = inner_xml(n);
    /* HTML ignores the XHTML namespace declaration that serialising repeats */
    static const char decl[] = " xmlns=\"" NS_XHTML "\"";
    for (char *d = s ? strstr(s, decl) : NULL; d; d = strstr(d, decl))
        memmove(d, d + sizeof decl - 1, strlen(d + sizeof decl - 1) + 1);
    char *t = s ? ov__text_collapse(s) : NULL; /* empty -> NULL */
    if (!t) {
        free(s);
        return NULL;
    }
    free(t);
    return s;
}

/* The value of a text construct and whether it is HTML. */
static char *text_construct(xmlNode *n, feed_kind kind, tc_kind *tk)
{
    char *type = prop(n, "type"), *mode = prop(n, "mode"), *res = NULL;
    const char *t = type ? type : "";
    *tk = TC_TEXT;
    int atom = kind == FEED_ATOM10 || kind == FEED_ATOM03;
    int is_html = strcasecmp(t, "html") == 0 || strcasecmp(t, "text/html") == 0;
    int is_xhtml = strcasecmp(t, "xhtml") == 0 || strcasecmp(t, "application/xhtml+xml") == 0;
    int is_text = strcasecmp(t, "text") == 0 || strcasecmp(t, "text/plain") == 0;
    int binary = mode && strcasecmp(mode, "base64") == 0;
    if (kind == FEED_ATOM10 && t[0] && !is_html && !is_xhtml && !is_text &&
        strncasecmp(t, "text/", 5) != 0 && !strstr(t, "xml"))
        binary = 1; /* RFC 4287 4.1.3.3: other media types are base64 */
    if (binary) {
        char *raw = text_of(n);
        res = raw ? ov__base64_decode(raw, NULL) : NULL;
        free(raw);
        *tk = is_text ? TC_TEXT : TC_HTML; /* binary payloads are taken as the HTML they hold */
    } else if (is_xhtml || (has_element_child(n) && !is_text && !is_html)) {
        res = xhtml_inner(n, kind == FEED_ATOM10 && is_xhtml);
        *tk = TC_HTML;
    } else {
        res = text_of(n);
        if (is_html || (mode && strcasecmp(mode, "escaped") == 0))
            *tk = TC_HTML;
        else if (is_text || (atom && !(kind == FEED_ATOM03 && res && strchr(res, '<'))))
            *tk = TC_TEXT;
        else
            *tk = TC_HTML; /* RSS: entity-encoded HTML is the norm */
    }
    free(type);
    free(mode);
    return res;
}

static char *plain_of(xmlNode *n, feed_kind kind)
{
    tc_kind tk;
    char *v = n ? text_construct(n, kind, &tk) : NULL;
    char *res = NULL;
    if (!v)
        return NULL;
    res = tk == TC_HTML ? ov__html_to_text(v) : ov__text_collapse(v);
    free(v);
    return res;
}

static char *html_of(xmlNode *n, feed_kind kind, const char *doc_url)
{
    tc_kind tk;
    char *v = text_construct(n, kind, &tk);
    if (!v)
        return NULL;
    if (tk == TC_TEXT) {
        char *h = ov__text_to_html(v);
        free(v);
        return h;
    }
    char *base = base_of(n, doc_url);
    char *res = ov__html_resolve(v, base);
    free(base);
    free(v);
    return res;
}

/* "name (email)", "email (name)" or a bare name: the display name. */
static char *author_name(char *raw)
{
    if (!raw)
        return NULL;
    char *open = strchr(raw, '('), *close = open ? strrchr(open, ')') : NULL;
    if (!open || !close) {
        open = strchr(raw, '<');
        close = open ? strrchr(open, '>') : NULL;
    }
    char *res = NULL;
    if (open && close) {
        char *inner = strndup(open + 1, (size_t)(close - open - 1));
        char *outer = strndup(raw, (size_t)(open - raw));
        char *in = inner ? ov__text_collapse(inner) : NULL;
        char *out = outer ? ov__text_collapse(outer) : NULL;
        if (out && strchr(out, '@') && in)
            res = in, in = NULL;
        else if (out)
            res = out, out = NULL;
        else
            res = in, in = NULL;
        free(inner);
        free(outer);
        free(in);
        free(out);
    }
    if (!res) {
        res = raw;
        raw = NULL;
    }
    free(raw);
    return res;
}

static char *person(xmlNode *n, feed_kind kind)
{
    if (has_element_child(n)) {
        char *name = plain_of(core_child(n, "name"), kind);
        return name ? name : plain_of(core_child(n, "email"), kind);
    }
    return author_name(plain_of(n, FEED_ATOM10));
}

/* The parts of one item, before they become an ov_entry. */
typedef struct item_parts {
    xmlNode *title, *summary, *content, *author, *id;
    int title_rank;    /* 3 core title, 2 dc:title, 1 media:title */
    char *link;        /* raw link, relative to link_at */
    xmlNode *link_at;  /* element whose base resolves the link */
    int link_rank;     /* 3 alternate href, 2 link text, 1 permalink guid, 0 rdf:about/none */
    int64_t published, updated;
    int has_published, has_updated;
} item_parts;

static void set_link(item_parts *p, xmlNode *at, char *link, int rank)
{
    if (!link || (p->link && rank <= p->link_rank)) {
        free(link);
        return;
    }
    free(p->link);
    p->link = link;
    p->link_at = at;
    p->link_rank = rank;
}

/* A later valid date of the same kind replaces an earlier one (as feedparser). */
static void take_date(xmlNode *n, int64_t *t, int *has)
{
    char *v = text_of(n);
    if (v && ov__parse_date_checked(v, t) == 0)
        *has = 1;
    free(v);
}

static void atom_link_el(item_parts *p, xmlNode *c)
{
    char *href = prop(c, "href");
    char *rel = prop(c, "rel");
    int alt = !rel || strcasecmp(rel, "alternate") == 0;
    free(rel);
    if (!href)
        href = text_of(c); /* Atom 0.3 feeds in the wild: URL as text */
    set_link(p, c, href, alt ? 3 : 0);
}

static void item_child(item_parts *p, xmlNode *c, feed_kind kind)
{
    int title_rank = core(c, "title") ? 3 : dc(c, "title") ? 2 : in_ns(c, NS_MEDIA, "title") ? 1 : 0;
    if (title_rank) {
        if (title_rank > p->title_rank) {
            p->title = c;
            p->title_rank = title_rank;
        }
    } else if (core(c, "link")) {
        char *h = prop(c, "href");
        int atom_style = h || kind == FEED_ATOM10 || kind == FEED_ATOM03;
        free(h);
        if (atom_style) {
            atom_link_el(p, c);
        } else {
            set_link(p, c, text_of(c), 2);
        }
    } else if (core(c, "guid") || core(c, "id")) {
        if (!p->id)
            p->id = c;
        char *perm = prop(c, "isPermaLink");
        if (core(c, "guid") && (!perm || strcasecmp(perm, "false") != 0))
            set_link(p, c, text_of(c), 1);
        free(perm);
    } else if (core(c, "description") || core(c, "summary") || core(c, "abstract") ||
               dc(c, "description") || core(c, "tagline")) {
        if (!p->summary)
            p->summary = c;
    } else if (in_ns(c, NS_CONTENT, "encoded") || in_ns(c, NS_XHTML, "body") ||
               (core(c, "body") && !ns_href(c)[0]) || core(c, "fullitem") || core(c, "content")) {
        if (!p->content)
            p->content = c;
    } else if (core(c, "pubDate") || core(c, "published") || core(c, "issued") ||
               core(c, "created") || dc(c, "date") || in_ns(c, NS_DCTERMS, "issued") ||
               in_ns(c, NS_DCTERMS, "created")) {
        take_date(c, &p->published, &p->has_published);
    } else if (core(c, "updated") || core(c, "modified") || in_ns(c, NS_DCTERMS, "modified")) {
        take_date(c, &p->updated, &p->has_updated);
    } else if (core(c, "author") || dc(c, "creator") || dc(c, "author") ||
               in_ns_nocase(c, NS_ITUNES, "author")) {
        if (!p->author ||
            (in_ns_nocase(p->author, NS_ITUNES, "author") && !in_ns_nocase(c, NS_ITUNES, "author")))
            p->author = c;
    }
}

/* Stable id of an item without guid: FNV-1a over its parts. */
static char *hash_id(const ov_entry *x)
{
    uint64_t h = 1469598103934665603ull, g = 1099511628211ull ^ 0x9e3779b97f4a7c15ull;
    const char *parts[] = {x->url, x->title, x->summary, x->content, x->published};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        for (const unsigned char *s = (const unsigned char *)(parts[i] ? parts[i] : ""); *s; s++) {
            h = (h ^ *s) * 1099511628211ull;
            g = (g ^ *s) * 0x100000001b3ull + 0x9e37u;
        }
        h = (h ^ 0xff) * 1099511628211ull;
        g = (g ^ 0xff) * 0x100000001b3ull;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "urn:octavo:item:%016llx%016llx", (unsigned long long)h,
             (unsigned long long)g);
    return strdup(buf);
}

static int add_skip(ov_entries *e, size_t *cap, const char *what, const char *reason)
{
    if (e->n_skips == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ov_entry_skip *p = realloc(e->skips, ncap * sizeof *p);
        if (!p)
            return OV_ENOMEM;
        e->skips = p;
        *cap = ncap;
    }
    ov_entry_skip *s = &e->skips[e->n_skips];
    s->what = strdup(what ? what : "");
    s->reason = strdup(reason);
    if (!s->what || !s->reason) {
        free(s->what);
        free(s->reason);
        return OV_ENOMEM;
    }
    e->n_skips++;
    return 0;
}

/* Scheme of an absolute reference ("javascript"), lower-cased into out; empty if relative. */
static void ref_scheme(const char *ref, char *out, size_t sz)
{
    size_t n = 0;
    out[0] = '\0';
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    while (ref[n] && (isalnum((unsigned char)ref[n]) || ref[n] == '+' || ref[n] == '-' ||
                      ref[n] == '.'))
        n++;
    if (ref[n] != ':' || n == 0 || n + 1 > sz || !isalpha((unsigned char)ref[0]))
        return;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)ref[i]);
    out[n] = '\0';
}

/* Resolve the item's link; 1 when the item must be refused (a skip is recorded). */
static int item_link(feed_ctx *fc, item_parts *p, ov_entry *x, int *rc)
{
    char scheme[32];
    if (!p->link)
        return 0;
    ref_scheme(p->link, scheme, sizeof scheme);
    int local_doc = fc->doc_url && strncasecmp(fc->doc_url, "file:", 5) == 0;
    if (scheme[0] && strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 &&
        !(local_doc && strcmp(scheme, "file") == 0)) {
        if (fc->e->n_skips < OV__MAX_SKIP_RECORDS) {
            char what[256], reason[128];
            snprintf(what, sizeof what, "%.200s%s", p->link, strlen(p->link) > 200 ? "..." : "");
            snprintf(reason, sizeof reason, "feed item refused: a %s: link", scheme);
            *rc = add_skip(fc->e, &fc->skip_cap, what, reason);
        } else {
            fc->refused_over++;
        }
        return 1;
    }
    x->url = resolve_at(p->link_at, fc->doc_url, p->link);
    return 0;
}

/* Build one entry from an item element; 0, or OV_ENOMEM. */
static int read_item(feed_ctx *fc, xmlNode *it)
{
    item_parts p;
    ov_entry x;
    int rc = 0;
    memset(&p, 0, sizeof p);
    memset(&x, 0, sizeof x);
    feed_kind kind = fc->kind;
    for (xmlNode *c = it->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            item_child(&p, c, kind);
    if (kind == FEED_CDF) {
        set_link(&p, it, prop(it, "href"), 3);
        char *lm = prop(it, "lastmod");
        if (lm && !p.has_updated && ov__parse_date_checked(lm, &p.updated) == 0)
            p.has_updated = 1;
        free(lm);
    }
    if (!p.link) {
        char *about = prop(it, "about");
        if (about && strcmp(ns_href(it), NS_RSS10) == 0)
            set_link(&p, it, about, 0);
        else
            free(about);
    }
    if (item_link(fc, &p, &x, &rc) || rc)
        goto cleanup;
    x.title = plain_of(p.title, kind);
    x.summary = p.summary ? plain_of(p.summary, kind) : NULL;
    if (p.content)
        x.content = html_of(p.content, kind, fc->doc_url);
    if (!x.summary && x.content)
        x.summary = ov__html_to_text(x.content);
    if (!x.url && !x.content && p.summary)
        x.content = html_of(p.summary, kind, fc->doc_url); /* a link-less item's article */
    if (p.author)
        x.author = person(p.author, kind);
    if (p.has_published || p.has_updated) {
        char iso[32];
        x.time = p.has_published ? p.published : p.updated;
        ov__utc_iso(x.time, 0, iso, sizeof iso);
        x.published = strdup(iso);
    }
    x.id = p.id ? text_of(p.id) : NULL;
    if (x.id && x.id[0] == '/' && x.id[1] != '/') {
        char *abs = resolve_at(p.id, fc->doc_url, x.id); /* feedparser resolves ids too */
        if (abs) {
            free(x.id);
            x.id = abs;
        }
    }
    if (!x.id)
        x.id = prop(it, "about");
    if (!x.id && !x.url && !x.title && !x.summary && !x.content && !x.author && !x.published)
        goto cleanup; /* an empty item: nothing to keep */
    if (!x.id)
        x.id = hash_id(&x);
    fc->n_items++;
    if (fc->e->n >= OV_FEED_MAX_ITEMS)
        goto cleanup; /* counted; reported once after the walk */
    if (!x.id || (rc = push_entry(fc->e, &fc->cap, &x)) != 0) {
        rc = OV_ENOMEM;
        goto cleanup;
    }
    memset(&x, 0, sizeof x);
cleanup:
    free(p.link);
    entry_clear(&x);
    return rc;
}

static int is_item(const feed_ctx *fc, const xmlNode *n)
{
    if (fc->kind == FEED_ATOM10 || fc->kind == FEED_ATOM03)
        return core(n, "entry");
    return core(n, "item");
}

/* Element levels below the root that collect_items() looks at for items. */
#define OV__FEED_ITEM_DEPTH 8

/* Does collect_items() look below element `n` (not an item, a title, a
 * description or an XHTML body)? Shared with the streaming reader
 * (walk_reaches), which must read exactly the items the walk would. */
static int walk_enters(const feed_ctx *fc, const xmlNode *n)
{
    return !is_item(fc, n) && !core(n, "title") && !core(n, "description") &&
           !in_ns(n, NS_XHTML, "body");
}

/* Items anywhere below `n` (not inside another item), depth-bounded. */
static int collect_items(feed_ctx *fc, xmlNode *n, unsigned depth)
{
    for (xmlNode *c = n->children; c && depth < OV__FEED_ITEM_DEPTH; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int rc = 0;
        if (is_item(fc, c)) {
            if (!c->_private) /* not read yet while parsing */
                rc = read_item(fc, c);
        } else if (walk_enters(fc, c))
            rc = collect_items(fc, c, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

/* The feed's kind from its root element, or -1 when it is not a feed. */
static int root_kind(const xmlNode *root)
{
    if (name_is(root, "feed"))
        return strcmp(ns_href(root), NS_ATOM03) == 0 ? FEED_ATOM03 : FEED_ATOM10;
    if (name_is(root, "rss") || name_is(root, "RDF"))
        return FEED_RSS;
    if (name_is(root, "channel"))
        return FEED_CDF; /* RSS always has <rss> or <rdf:RDF> around its channel */
    return -1;
}

/* A feed whose root uses a namespace we do not know ("http://example.com/
 * newformat#") speaks its own vocabulary: read its elements as core ones. */
static void adopt_root_ns(xmlNode *n, const xmlNs *ns, unsigned depth)
{
    for (xmlNode *c = n; c && depth < 64; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (c->ns == ns)
            c->ns = NULL;
        adopt_root_ns(c->children, ns, depth + 1);
    }
}

static xmlNode *feed_title_el(xmlNode *root, feed_kind kind)
{
    if (kind == FEED_ATOM10 || kind == FEED_ATOM03 || kind == FEED_CDF)
        return core_child(root, "title");
    xmlNode *ch = name_is(root, "channel") ? root : core_child(root, "channel");
    xmlNode *t = core_child(ch, "title");
    if (!t)
        for (xmlNode *c = ch ? ch->children : NULL; c && !t; c = c->next)
            if (dc(c, "title"))
                t = c;
    return t;
}

/* Skip <?...?>, <!--...-->, <!DOCTYPE ... [ ... ]> from i; index of the next '<'
 * of an element, or len. */
static size_t next_element(const unsigned char *d, size_t len, size_t i)
{
    while (i < len) {
        const unsigned char *lt = memchr(d + i, '<', len - i);
        if (!lt)
            return len;
        i = (size_t)(lt - d);
        if (i + 1 >= len)
            return len;
        if (d[i + 1] == '?') {
            const unsigned char *e = memmem(d + i, len - i, "?>", 2);
            i = e ? (size_t)(e - d) + 2 : len;
        } else if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0) {
            const unsigned char *e = memmem(d + i + 4, len - i - 4, "-->", 3);
            i = e ? (size_t)(e - d) + 3 : len;
        } else if (d[i + 1] == '!') {
            /* DOCTYPE with an internal subset: brackets and quotes */
            int depth = 0;
            unsigned char q = 0;
            for (i += 2; i < len; i++) {
                unsigned char c = d[i];
                if (q) {
                    if (c == q)
                        q = 0;
                } else if (c == '"' || c == '\'') {
                    q = c;
                } else if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                } else if (c == '>' && depth <= 0) {
                    i++;
                    break;
                }
            }
        } else {
            return i;
        }
    }
    return len;
}

int ov_feed_sniff(const unsigned char *d, size_t len)
{
    size_t i = 0;
    if (!d)
        return 0;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    for (int tries = 0; tries < 4; tries++) {
        i = next_element(d, len, i);
        if (i >= len)
            return 0;
        size_t s = i + 1, e = s;
        while (e < len && !isspace(d[e]) && d[e] != '>' && d[e] != '/')
            e++;
        const unsigned char *colon = memchr(d + s, ':', e - s);
        if (colon)
            s = (size_t)(colon - d) + 1;
        size_t n = e - s;
        const char *name = (const char *)d + s;
        if ((n == 3 && strncasecmp(name, "rss", 3) == 0) ||
            (n == 4 && strncasecmp(name, "feed", 4) == 0) ||
            (n == 3 && strncasecmp(name, "RDF", 3) == 0) ||
            (n == 7 && strncasecmp(name, "channel", 7) == 0))
            return 1;
        return 0;
    }
    return 0;
}

/* Streaming. A feed's tree is about ten times its size (a 3.5 MB feed of
 * 10,000 items is a 36 MB tree), and an item is read once its end tag is
 * parsed: the SAX end-element handler reads each item collect_items() would
 * read, as soon as it ends, and then frees the item's subtree, so that only
 * the item being parsed stands whole. The emptied element stays in place,
 * marked in _private, so that the walk after parsing reads only the items
 * whose end tag never came (a truncated feed) and the tree libxml2 keeps
 * building is the same around it. Items come out in the same order: the
 * ones read by the walk are still open at the end, after every closed one.
 * A root whose namespace must be adopted first (adopt_root_ns) or that is
 * no feed is left to the walk alone. */

/* Whether collect_items(root) reaches item `n`: below the root, fewer than
 * OV__FEED_ITEM_DEPTH levels deep, under elements walk_enters() allows. */
static int walk_reaches(const feed_ctx *fc, const xmlNode *root, const xmlNode *n)
{
    unsigned depth = 1;
    for (const xmlNode *p = n->parent; p != root; p = p->parent, depth++) {
        if (!p || p->type != XML_ELEMENT_NODE || depth >= OV__FEED_ITEM_DEPTH ||
            !walk_enters(fc, p))
            return 0;
    }
    return 1;
}

static void feed_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri)
{
    xmlParserCtxt *ctxt = ctx;
    feed_ctx *fc = ctxt->_private;
    xmlNode *cur = ctxt->node;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
    if (!fc || fc->stream < 0 || fc->stream_rc || !cur || cur->type != XML_ELEMENT_NODE)
        return;
    xmlNode *root = xmlDocGetRootElement(ctxt->myDoc);
    if (!root || cur == root)
        return;
    if (!fc->stream) {
        int kind = root_kind(root);
        if (kind < 0 || (root->ns && !core_ns(root) && strcmp(ns_href(root), NS_RDF) != 0)) {
            fc->stream = -1;
            return;
        }
        fc->kind = (feed_kind)kind;
        fc->stream = 1;
    }
    if (!is_item(fc, cur) || !walk_reaches(fc, root, cur))
        return;
    int rc = read_item(fc, cur);
    xmlFreeNodeList(cur->children);
    cur->children = cur->last = NULL;
    cur->_private = fc;
    if (rc) {
        fc->stream_rc = rc;
        xmlStopParser(ctxt);
    }
}

/* Parse XML without entity substitution, DTD loading or network. libxml2
 * stops at entities that expand past its limits (billion laughs) and, in
 * recovery mode, would hand back the part before them: that is an error
 * naming the refusal, not a feed without items. */
static int read_xml(const char *data, size_t len, const char *url, const char *enc,
                    feed_ctx *stream, xmlDoc **out, ov_error *err)
{
    *out = NULL;
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    if (stream && ctxt->sax) {
        ctxt->sax->endElementNs = feed_end_element;
        ctxt->_private = stream;
    }
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, url, enc,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA | XML_PARSE_RECOVER);
    int loop = ctxt->lastError.code == XML_ERR_ENTITY_LOOP;
    xmlFreeParserCtxt(ctxt);
    if (loop) {
        xmlFreeDoc(doc);
        return ov_error_set(err, OV_ELIMIT, url,
                            "entity expansion refused: the document's entities expand past the "
                            "parser's limit (an entity bomb)");
    }
    if (!doc)
        return ov_error_set(err, OV_EPARSE, url, "not well-formed XML");
    *out = doc;
    return 0;
}

static xmlDoc *parse_xml(const unsigned char *data, size_t len, const char *url, ov_error *err)
{
    if (len > OV_FETCH_MAX_FEED_BYTES) {
        ov_error_set(err, OV_ELIMIT, url, "document larger than the %u-byte feed limit",
                     OV_FETCH_MAX_FEED_BYTES);
        return NULL;
    }
    xmlDoc *doc = NULL;
    if (read_xml((const char *)data, len, url, NULL, NULL, &doc, err) != 0)
        return NULL;
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        ov_error_set(err, OV_EPARSE, url, "not well-formed XML");
        return NULL;
    }
    return doc;
}

/* libxml2 in recovery mode can pass invalid UTF-8 through from a feed
 * that lies about its encoding: repair every string handed out. */
static int repair_entries(ov_entries *e)
{
    int rc = ov__utf8_repair(&e->title);
    for (size_t i = 0; i < e->n && !rc; i++) {
        ov_entry *x = &e->items[i];
        rc |= ov__utf8_repair(&x->url);
        rc |= ov__utf8_repair(&x->id);
        rc |= ov__utf8_repair(&x->title);
        rc |= ov__utf8_repair(&x->published);
        rc |= ov__utf8_repair(&x->author);
        rc |= ov__utf8_repair(&x->summary);
        rc |= ov__utf8_repair(&x->content);
    }
    for (size_t i = 0; i < e->n_children && !rc; i++)
        rc |= ov__utf8_repair(&e->children[i]);
    for (size_t i = 0; i < e->n_skips && !rc; i++)
        rc |= ov__utf8_repair(&e->skips[i].what);
    return rc ? OV_ENOMEM : 0;
}

int ov_feed_parse(const unsigned char *data, size_t len, const ov_feed_options *opts,
                  ov_entries **out, ov_error *err)
{
    ov_feed_options none = OV_FEED_OPTIONS_INIT;
    feed_ctx fc;
    char *text = NULL, *doc_url = NULL;
    size_t text_len = 0, nuls = 0;
    xmlDoc *doc = NULL;
    int rc = 0;
    *out = NULL;
    if (!opts)
        opts = &none;
    const char *url = opts->base_url;
    memset(&fc, 0, sizeof fc);
    if (len > OV_FETCH_MAX_FEED_BYTES)
        return ov_error_set(err, OV_ELIMIT, url, "document larger than the %u-byte feed limit",
                            OV_FETCH_MAX_FEED_BYTES);
    if ((rc = ov__feed_prepare(data, len, opts->content_type, &text, &text_len, &nuls, err)) != 0) {
        char msg[OV_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->message : "");
        return ov_error_set(err, rc, url, "%s", msg);
    }
    if (opts->content_location && opts->content_location[0])
        doc_url = ov__url_resolve(url, opts->content_location);
    if (!doc_url && url && !(doc_url = strdup(url))) {
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        goto cleanup;
    }
    fc.doc_url = doc_url;
    if (text_len > INT32_MAX) {
        rc = ov_error_set(err, OV_ELIMIT, url, "feed too large after decoding");
        goto cleanup;
    }
    if (!(fc.e = calloc(1, sizeof *fc.e))) {
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        goto cleanup;
    }
    if ((rc = read_xml(text, text_len, doc_url, "UTF-8", &fc, &doc, err)) != 0)
        goto cleanup;
    if (fc.stream_rc) {
        rc = ov_error_set(err, fc.stream_rc, url, "out of memory");
        goto cleanup;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        rc = ov_error_set(err, OV_EPARSE, url, "not well-formed XML");
        goto cleanup;
    }
    if (root->ns && !core_ns(root) && strcmp(ns_href(root), NS_RDF) != 0) {
        const xmlNs *rns = root->ns;
        adopt_root_ns(root, rns, 0);
    }
    int kind = root_kind(root);
    if (kind < 0) {
        rc = ov_error_set(err, OV_EPARSE, url, "not a feed (root element <%s>)",
                          (const char *)root->name);
        goto cleanup;
    }
    fc.kind = (feed_kind)kind;
    fc.e->title = plain_of(feed_title_el(root, fc.kind), fc.kind);
    if (fc.kind == FEED_CDF && is_item(&fc, root))
        rc = read_item(&fc, root);
    if (!rc)
        rc = collect_items(&fc, root, 0);
    if (!rc && fc.n_items > fc.e->n) {
        char reason[160];
        snprintf(reason, sizeof reason, "%zu feed items past the limit of %u items not read",
                 fc.n_items - fc.e->n, OV_FEED_MAX_ITEMS);
        rc = add_skip(fc.e, &fc.skip_cap, url ? url : "feed", reason);
    }
    if (!rc && fc.refused_over) {
        char reason[160];
        snprintf(reason, sizeof reason, "%zu more feed items refused for their link scheme",
                 fc.refused_over);
        rc = add_skip(fc.e, &fc.skip_cap, url ? url : "feed", reason);
    }
    if (rc || (rc = repair_entries(fc.e)) != 0) {
        rc = ov_error_set(err, rc, url, "out of memory");
        goto cleanup;
    }
    (void)nuls; /* NUL bytes are dropped while decoding: the rest of the feed is kept */
    *out = fc.e;
    fc.e = NULL;
cleanup:
    ov_entries_free(fc.e);
    xmlFreeDoc(doc);
    free(text);
    free(doc_url);
    return rc;
}

int ov_entries_to_json(const ov_entries *e, char **out, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "{\"title\":");
    *out = NULL;
    if (!rc)
        rc = ov__buf_put_json(&b, e ? e->title : NULL);
    if (!rc)
        rc = ov__buf_puts(&b, ",\"entries\":[");
    for (size_t i = 0; e && i < e->n && !rc; i++) {
        const ov_entry *x = &e->items[i];
        rc = ov__buf_puts(&b, i ? ",{\"url\":" : "{\"url\":");
        if (!rc) rc = ov__buf_put_json(&b, x->url);
        if (!rc) rc = ov__buf_puts(&b, ",\"id\":");
        if (!rc) rc = ov__buf_put_json(&b, x->id);
        if (!rc) rc = ov__buf_puts(&b, ",\"title\":");
        if (!rc) rc = ov__buf_put_json(&b, x->title);
        if (!rc) rc = ov__buf_puts(&b, ",\"published\":");
        if (!rc) rc = ov__buf_put_json(&b, x->published);
        if (!rc) rc = ov__buf_printf(&b, ",\"time\":%lld,\"author\":", (long long)x->time);
        if (!rc) rc = ov__buf_put_json(&b, x->author);
        if (!rc) rc = ov__buf_puts(&b, ",\"summary\":");
        if (!rc) rc = ov__buf_put_json(&b, x->summary);
        if (!rc) rc = ov__buf_puts(&b, ",\"content\":");
        if (!rc) rc = ov__buf_put_json(&b, x->content);
        if (!rc) rc = ov__buf_putc(&b, '}');
    }
    if (!rc)
        rc = ov__buf_puts(&b, "],\"skips\":[");
    for (size_t i = 0; e && i < e->n_skips && !rc; i++) {
        rc = ov__buf_puts(&b, i ? ",{\"what\":" : "{\"what\":");
        if (!rc) rc = ov__buf_put_json(&b, e->skips[i].what);
        if (!rc) rc = ov__buf_puts(&b, ",\"reason\":");
        if (!rc) rc = ov__buf_put_json(&b, e->skips[i].reason);
        if (!rc) rc = ov__buf_putc(&b, '}');
    }
    if (!rc)
        rc = ov__buf_puts(&b, "]}");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, rc, NULL, "out of memory");
    }
    *out = ov__buf_detach(&b, NULL);
    return 0;
}

static void sitemap_url(xmlNode *u, const char *base_url, ov_entry *x)
{
    char *loc = text_of(child(u, "loc"));
    if (loc) {
        x->url = resolve_at(u, base_url, loc);
        free(loc);
    }
    xmlNode *news = NULL;
    for (xmlNode *c = u->children; c; c = c->next)
        if (is_el(c, "news") && strstr(ns_href(c), "news"))
            news = c;
    char *date = news ? text_of(child(news, "publication_date")) : NULL;
    if (!date)
        date = text_of(child(u, "lastmod"));
    set_date(x, date);
    if (news)
        x->title = text_of(child(news, "title"));
}

int ov_sitemap_parse(const unsigned char *data, size_t len, const char *base_url,
                     ov_entries **out, ov_error *err)
{
    ov_entries *e = NULL;
    size_t cap = 0, ccap = 0;
    int rc = 0;
    *out = NULL;
    xmlDoc *doc = parse_xml(data, len, base_url, err);
    if (!doc)
        return err ? err->code : OV_EPARSE;
    xmlNode *root = xmlDocGetRootElement(doc);
    int index = is_el(root, "sitemapindex");
    if (!index && !is_el(root, "urlset")) {
        rc = ov_error_set(err, OV_EPARSE, base_url, "not a sitemap (root element <%s>)",
                          (const char *)root->name);
        goto cleanup;
    }
    if (!(e = calloc(1, sizeof *e))) {
        rc = ov_error_set(err, OV_ENOMEM, base_url, "out of memory");
        goto cleanup;
    }
    for (xmlNode *c = root->children; c && !rc; c = c->next) {
        if (index && is_el(c, "sitemap")) {
            char *loc = text_of(child(c, "loc"));
            char *abs = loc ? resolve_at(c, base_url, loc) : NULL;
            free(loc);
            if (abs)
                rc = push_child(e, &ccap, abs);
        } else if (!index && is_el(c, "url")) {
            ov_entry x;
            memset(&x, 0, sizeof x);
            sitemap_url(c, base_url, &x);
            if (x.url && (rc = push_entry(e, &cap, &x)) == 0)
                continue;
            entry_clear(&x);
        }
    }
    if (rc == OV_ELIMIT)
        rc = 0;
    if (!rc)
        rc = repair_entries(e);
    if (rc) {
        rc = ov_error_set(err, rc, base_url, "out of memory");
        goto cleanup;
    }
    *out = e;
    e = NULL;
cleanup:
    ov_entries_free(e);
    xmlFreeDoc(doc);
    return rc;
}

int ov__gunzip(const unsigned char *in, size_t len, size_t limit, unsigned char **out,
               size_t *out_len, ov_error *err)
{
    z_stream z;
    ov__buf b = OV__BUF_INIT;
    unsigned char chunk[16384];
    int rc = 0, zr = Z_OK;
    memset(&z, 0, sizeof z);
    b.limit = limit;
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return ov_error_set(err, OV_ENOMEM, NULL, "cannot start gzip decoding");
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)(len > 0xFFFFFFFFu ? 0xFFFFFFFFu : len);
    while (zr != Z_STREAM_END) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END) {
            rc = ov_error_set(err, OV_EPARSE, NULL, "corrupt gzip data");
            goto cleanup;
        }
        if ((rc = ov__buf_put(&b, chunk, sizeof chunk - z.avail_out)) != 0) {
            rc = ov_error_set(err, rc, NULL, "gzip data inflates beyond the %zu-byte limit",
                              limit);
            goto cleanup;
        }
        if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            rc = ov_error_set(err, OV_EPARSE, NULL, "truncated gzip data");
            goto cleanup;
        }
    }
    *out = (unsigned char *)ov__buf_detach(&b, out_len);
    if (!*out)
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
cleanup:
    inflateEnd(&z);
    ov__buf_free(&b);
    return rc;
}
