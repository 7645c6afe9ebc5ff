/* ov_page_links(): article links and announced feeds of an HTML listing page. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "fetch/fetch_internal.h"
#include "util/pattern.h"

/* Most links taken from one page, and the largest page parsed. */
#define OV__MAX_LINKS 5000u
#define OV__MAX_LISTING_BYTES (16u * 1024u * 1024u)

typedef struct links_ctx {
    const char *page_url;
    char *base;          /* <base href> or the page URL */
    char *page_host;
    ov__pattern *re;     /* --pattern, or NULL for the default filter */
    int re_limit;        /* a match hit OV_PATTERN_MATCH_LIMIT */
    ov_entries *e;
    size_t cap, ccap;
} links_ctx;

static char *attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *res = v ? strdup((const char *)v) : NULL;
    if (v)
        xmlFree(v);
    return res;
}

/* The default filter: same host, not the page itself, and article-like. */
static int looks_like_article(const links_ctx *c, const char *url)
{
    char *host = ov__url_host_key(url), *path = ov__url_path_query(url);
    int ok = 0;
    if (!host || !path || strcmp(host, c->page_host) != 0 || strcmp(url, c->page_url) == 0)
        goto cleanup;
    size_t segs = 0;
    int digit = 0;
    for (const char *p = path; *p && *p != '?'; p++) {
        if (*p == '/' && p[1] && p[1] != '?')
            segs++;
        if (isdigit((unsigned char)*p))
            digit = 1;
    }
    const char *dot = strrchr(path, '.');
    int html = dot && (strncasecmp(dot, ".htm", 4) == 0 || strncasecmp(dot, ".shtml", 6) == 0);
    ok = strcmp(path, "/") != 0 && (digit || html || segs >= 2);
cleanup:
    free(host);
    free(path);
    return ok;
}

static int add_link(links_ctx *c, xmlNode *a, const char *href)
{
    char *url = ov__url_resolve(c->base, href);
    if (!url)
        return 0;
    int keep = c->re ? ov__pattern_match(c->re, url) : looks_like_article(c, url);
    if (keep < 0) {
        c->re_limit = 1;
        keep = 0;
    }
    for (size_t i = 0; keep && i < c->e->n; i++)
        if (strcmp(c->e->items[i].url, url) == 0)
            keep = 0;
    if (!keep || c->e->n >= OV__MAX_LINKS) {
        free(url);
        return 0;
    }
    if (c->e->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 32;
        ov_entry *p = realloc(c->e->items, ncap * sizeof *p);
        if (!p) {
            free(url);
            return OV_ENOMEM;
        }
        c->e->items = p;
        c->cap = ncap;
    }
    ov_entry *x = &c->e->items[c->e->n++];
    memset(x, 0, sizeof *x);
    x->url = url;
    xmlChar *t = xmlNodeGetContent(a);
    if (t) {
        const char *s = (const char *)t;
        while (isspace((unsigned char)*s))
            s++;
        size_t len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        x->title = len ? strndup(s, len) : NULL;
        xmlFree(t);
    }
    return 0;
}

static int add_feed(links_ctx *c, xmlNode *l)
{
    char *rel = attr(l, "rel"), *type = attr(l, "type"), *href = attr(l, "href");
    int rc = 0;
    if (rel && type && href && strcasestr(rel, "alternate") &&
        (strcasecmp(type, "application/rss+xml") == 0 ||
         strcasecmp(type, "application/atom+xml") == 0) &&
        c->e->n_children < OV__MAX_LINKS) {
        char *url = ov__url_resolve(c->base, href);
        if (url) {
            if (c->e->n_children == c->ccap) {
                size_t ncap = c->ccap ? c->ccap * 2 : 4;
                char **p = realloc(c->e->children, ncap * sizeof *p);
                if (!p) {
                    free(url);
                    rc = OV_ENOMEM;
                    goto cleanup;
                }
                c->e->children = p;
                c->ccap = ncap;
            }
            c->e->children[c->e->n_children++] = url;
        }
    }
cleanup:
    free(rel);
    free(type);
    free(href);
    return rc;
}

static int visit(links_ctx *c, xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (strcasecmp(name, "base") == 0) {
        char *href = attr(n, "href"), *abs = href ? ov__url_resolve(c->page_url, href) : NULL;
        free(href);
        if (abs) {
            free(c->base);
            c->base = abs;
        }
        return 0;
    }
    if (strcasecmp(name, "link") == 0)
        return add_feed(c, n);
    if (strcasecmp(name, "a") == 0 || strcasecmp(name, "area") == 0) {
        char *href = attr(n, "href");
        int rc = href ? add_link(c, n, href) : 0;
        free(href);
        return rc;
    }
    return 0;
}

/* Document order without recursion (pages can nest deeply). */
static int walk(links_ctx *c, xmlNode *root)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            int rc = visit(c, n);
            if (rc)
                return rc;
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    return 0;
}

/* "text/html; charset=gbk" -> malloc'd "gbk", or NULL. */
static char *charset_of(const char *ctype)
{
    const char *p = ctype ? strcasestr(ctype, "charset=") : NULL;
    if (!p)
        return NULL;
    p += 8;
    if (*p == '"')
        p++;
    size_t n = strcspn(p, "\"; \t");
    return n && n < 40 ? strndup(p, n) : NULL;
}

int ov_page_links(const unsigned char *html, size_t len, const char *base_url,
                  const char *content_type, const char *pattern, ov_entries **out,
                  ov_error *err)
{
    links_ctx c;
    htmlDocPtr doc = NULL;
    char *charset = NULL;
    int rc = 0;
    memset(&c, 0, sizeof c);
    *out = NULL;
    c.page_url = base_url;
    if (len > OV__MAX_LISTING_BYTES)
        return ov_error_set(err, OV_ELIMIT, base_url, "page larger than the %u-byte limit",
                            OV__MAX_LISTING_BYTES);
    char why[200];
    if (pattern && ov__pattern_compile(pattern, &c.re, why, sizeof why) != 0)
        return ov_error_set(err, OV_EINVAL, base_url, "bad link pattern '%s': %s", pattern, why);
    c.base = base_url ? strdup(base_url) : NULL;
    c.page_host = base_url ? ov__url_host_key(base_url) : NULL;
    c.e = calloc(1, sizeof *c.e);
    if (!c.base || !c.page_host || !c.e) {
        rc = ov_error_set(err, base_url ? OV_ENOMEM : OV_EINVAL, base_url,
                          "ov_page_links: needs an http(s) base URL");
        goto cleanup;
    }
    charset = charset_of(content_type);
    doc = htmlReadMemory((const char *)html, (int)len, base_url, charset,
                         HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_RECOVER);
    if (!doc || !xmlDocGetRootElement(doc)) {
        rc = ov_error_set(err, OV_EPARSE, base_url, "cannot parse the page as HTML");
        goto cleanup;
    }
    if ((rc = walk(&c, xmlDocGetRootElement(doc))) != 0) {
        rc = ov_error_set(err, rc, base_url, "out of memory");
        goto cleanup;
    }
    if (c.re_limit) {
        rc = ov_error_set(err, OV_ELIMIT, base_url,
                          "link pattern '%s' needed more than %u steps on a link of this page "
                          "(OV_PATTERN_MATCH_LIMIT): simplify the pattern", pattern,
                          OV_PATTERN_MATCH_LIMIT);
        goto cleanup;
    }
    *out = c.e;
    c.e = NULL;
cleanup:
    ov__pattern_free(c.re);
    xmlFreeDoc(doc);
    ov_entries_free(c.e);
    free(c.base);
    free(c.page_host);
    free(charset);
    return rc;
}
