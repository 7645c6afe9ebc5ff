/*
 * Discovery: feeds (RSS 2.0, RSS 1.0/RDF, Atom), sitemaps and listing pages.
 *
 * Documents are parsed with libxml2 in its safe mode: no network
 * (XML_PARSE_NONET), no entity substitution and no DTD loading, so XXE and
 * billion-laughs inputs go nowhere; the input size is capped before parsing.
 * Elements are matched by local name (namespaces vary in the wild), links
 * are resolved against the document URL and xml:base, and fragments are
 * dropped so that one article has one URL. ov_discover() (discover.c) puts
 * the parsers behind one call that detects the kind of document by content.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include "fetch/fetch_internal.h"
#include "util/buf.h"
#include "util/charset.h"

/* Most entries kept from one document. */
#define OV__MAX_ENTRIES 10000u

void ov_entries_free(ov_entries *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        ov_entry *x = &e->items[i];
        free(x->url);
        free(x->title);
        free(x->published);
        free(x->author);
        free(x->summary);
        free(x->content);
    }
    free(e->items);
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
        ov__format_iso(x->time, iso, sizeof iso);
        x->published = strdup(iso);
    }
    free(raw);
}

static void entry_clear(ov_entry *x)
{
    free(x->url);
    free(x->title);
    free(x->published);
    free(x->author);
    free(x->summary);
    free(x->content);
    memset(x, 0, sizeof *x);
}

/* RSS 2.0 <item> or RSS 1.0 <item rdf:about>. */
static void rss_item(xmlNode *it, const char *doc_url, ov_entry *x)
{
    char *link = text_of(child(it, "link"));
    if (!link) {
        xmlNode *g = child(it, "guid");
        xmlChar *perm = g ? xmlGetProp(g, BAD_CAST "isPermaLink") : NULL;
        if (g && (!perm || strcmp((const char *)perm, "false") != 0))
            link = text_of(g);
        if (perm)
            xmlFree(perm);
    }
    if (!link) {
        xmlChar *about = xmlGetProp(it, BAD_CAST "about");
        if (about) {
            link = strdup((const char *)about);
            xmlFree(about);
        }
    }
    if (link) {
        x->url = resolve_at(it, doc_url, link);
        free(link);
    }
    x->title = text_of(child(it, "title"));
    char *date = text_of(child(it, "pubDate"));
    if (!date)
        date = text_of(child(it, "date"));
    set_date(x, date);
    x->author = text_of(child(it, "creator"));
    if (!x->author)
        x->author = text_of(child(it, "author"));
    x->summary = text_of(child(it, "description"));
    x->content = text_of(child(it, "encoded"));
}

static xmlNode *atom_link(xmlNode *en)
{
    xmlNode *fallback = NULL;
    for (xmlNode *c = en->children; c; c = c->next) {
        if (!is_el(c, "link"))
            continue;
        xmlChar *rel = xmlGetProp(c, BAD_CAST "rel");
        int alt = !rel || strcmp((const char *)rel, "alternate") == 0;
        if (rel)
            xmlFree(rel);
        if (alt)
            return c;
        if (!fallback)
            fallback = c;
    }
    return fallback;
}

static char *atom_text(xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *type = xmlGetProp(n, BAD_CAST "type");
    char *res = type && strcmp((const char *)type, "xhtml") == 0 ? inner_xml(n) : text_of(n);
    if (type)
        xmlFree(type);
    return res;
}

static void atom_entry(xmlNode *en, const char *doc_url, ov_entry *x)
{
    xmlNode *l = atom_link(en);
    xmlChar *href = l ? xmlGetProp(l, BAD_CAST "href") : NULL;
    if (href) {
        x->url = resolve_at(l, doc_url, (const char *)href);
        xmlFree(href);
    }
    x->title = text_of(child(en, "title"));
    char *date = text_of(child(en, "published"));
    if (!date)
        date = text_of(child(en, "updated"));
    set_date(x, date);
    x->author = text_of(child(child(en, "author"), "name"));
    x->summary = text_of(child(en, "summary"));
    x->content = atom_text(child(en, "content"));
}

static xmlDoc *parse_xml(const unsigned char *data, size_t len, const char *url, ov_error *err)
{
    if (len > OV_FETCH_MAX_FEED_BYTES) {
        ov_error_set(err, OV_ELIMIT, url, "document larger than the %u-byte feed limit",
                     OV_FETCH_MAX_FEED_BYTES);
        return NULL;
    }
    xmlDoc *doc = xmlReadMemory((const char *)data, (int)len, url, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_NOCDATA | XML_PARSE_RECOVER);
    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        ov_error_set(err, OV_EPARSE, url, "not well-formed XML");
        return NULL;
    }
    return doc;
}

static int collect_items(xmlNode *n, const char *url, ov_entries *e, size_t *cap, int atom,
                         unsigned depth)
{
    for (xmlNode *c = n->children; c && depth < 8; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, atom ? "entry" : "item")) {
            ov_entry x;
            memset(&x, 0, sizeof x);
            if (atom)
                atom_entry(c, url, &x);
            else
                rss_item(c, url, &x);
            if (!x.url) {
                entry_clear(&x);
                continue;
            }
            int rc = push_entry(e, cap, &x);
            if (rc) {
                entry_clear(&x);
                return rc == OV_ELIMIT ? 0 : rc;
            }
        } else if (!atom && (is_el(c, "channel"))) {
            int rc = collect_items(c, url, e, cap, atom, depth + 1);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* libxml2 in recovery mode can pass invalid UTF-8 through from a feed
 * that lies about its encoding: repair every string handed out. */
static int repair_entries(ov_entries *e)
{
    int rc = ov__utf8_repair(&e->title);
    for (size_t i = 0; i < e->n && !rc; i++) {
        ov_entry *x = &e->items[i];
        rc |= ov__utf8_repair(&x->url);
        rc |= ov__utf8_repair(&x->title);
        rc |= ov__utf8_repair(&x->published);
        rc |= ov__utf8_repair(&x->author);
        rc |= ov__utf8_repair(&x->summary);
        rc |= ov__utf8_repair(&x->content);
    }
    for (size_t i = 0; i < e->n_children && !rc; i++)
        rc |= ov__utf8_repair(&e->children[i]);
    return rc ? OV_ENOMEM : 0;
}

int ov_feed_parse(const unsigned char *data, size_t len, const char *base_url, ov_entries **out,
                  ov_error *err)
{
    ov_entries *e = NULL;
    size_t cap = 0;
    int rc = 0;
    *out = NULL;
    xmlDoc *doc = parse_xml(data, len, base_url, err);
    if (!doc)
        return err ? err->code : OV_EPARSE;
    xmlNode *root = xmlDocGetRootElement(doc);
    int atom = is_el(root, "feed");
    if (!atom && !is_el(root, "rss") && !is_el(root, "RDF")) {
        rc = ov_error_set(err, OV_EPARSE, base_url, "not a feed (root element <%s>)",
                          (const char *)root->name);
        goto cleanup;
    }
    if (!(e = calloc(1, sizeof *e))) {
        rc = ov_error_set(err, OV_ENOMEM, base_url, "out of memory");
        goto cleanup;
    }
    e->title = text_of(child(atom ? root : child(root, "channel"), "title"));
    if ((rc = collect_items(root, base_url, e, &cap, atom, 0)) != 0 || (rc = repair_entries(e)) != 0) {
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
