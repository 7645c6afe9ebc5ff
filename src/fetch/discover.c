/* ov_discover(): fetch a start URL and turn it into article entries. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/fetch_internal.h"

typedef enum doc_kind { DOC_HTML, DOC_FEED, DOC_SITEMAP } doc_kind;

/* Kind by content: the root element's local name (not the file extension). */
static doc_kind sniff_kind(const unsigned char *d, size_t len)
{
    if (ov_feed_sniff(d, len))
        return DOC_FEED; /* looks past comments, PIs and DOCTYPEs of any size */
    size_t i = 0, lim = len < 4096 ? len : 4096;
    if (lim >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    while (i < lim) {
        const unsigned char *lt = memchr(d + i, '<', lim - i);
        if (!lt)
            break;
        i = (size_t)(lt - d) + 1;
        if (i >= lim || d[i] == '?' || d[i] == '!' || d[i] == '/')
            continue;
        size_t s = i, e = i;
        while (e < lim && d[e] != '>' && d[e] != ' ' && d[e] != '\t' && d[e] != '\n' &&
               d[e] != '\r' && d[e] != '/')
            e++;
        const unsigned char *colon = memchr(d + s, ':', e - s);
        if (colon)
            s = (size_t)(colon - d) + 1;
        size_t n = e - s;
        const char *name = (const char *)d + s;
        if ((n == 3 && strncmp(name, "rss", 3) == 0) || (n == 4 && strncmp(name, "feed", 4) == 0) ||
            (n == 3 && strncmp(name, "RDF", 3) == 0))
            return DOC_FEED;
        if ((n == 6 && strncmp(name, "urlset", 6) == 0) ||
            (n == 12 && strncmp(name, "sitemapindex", 12) == 0))
            return DOC_SITEMAP;
        return DOC_HTML;
    }
    return DOC_HTML;
}

/* Move the entries of `src` into `dst`, skipping URLs already there. */
static int merge(ov_entries *dst, size_t *cap, ov_entries *src)
{
    for (size_t i = 0; i < src->n; i++) {
        ov_entry *x = &src->items[i];
        int dup = 0;
        for (size_t j = 0; j < dst->n && !dup; j++) {
            const ov_entry *y = &dst->items[j];
            dup = (y->url && x->url) ? strcmp(y->url, x->url) == 0
                                     : (!y->url && !x->url && y->id && x->id &&
                                        strcmp(y->id, x->id) == 0);
        }
        if (dup)
            continue;
        if (dst->n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 32;
            ov_entry *p = realloc(dst->items, ncap * sizeof *p);
            if (!p)
                return OV_ENOMEM;
            dst->items = p;
            *cap = ncap;
        }
        dst->items[dst->n++] = *x;
        memset(x, 0, sizeof *x);
    }
    if (src->n_skips) {
        ov_entry_skip *p = realloc(dst->skips, (dst->n_skips + src->n_skips) * sizeof *p);
        if (!p)
            return OV_ENOMEM;
        dst->skips = p;
        memcpy(p + dst->n_skips, src->skips, src->n_skips * sizeof *p);
        dst->n_skips += src->n_skips;
        free(src->skips);
        src->skips = NULL;
        src->n_skips = 0;
    }
    if (!dst->title && src->title) {
        dst->title = src->title;
        src->title = NULL;
    }
    return 0;
}

typedef struct disc {
    ov_fetcher *f;
    const ov_discover_options *o;
    ov_entries *acc;
    size_t cap;
    unsigned sitemaps;
} disc;

static int fetch_doc(ov_fetcher *f, const char *url, ov_response **resp, unsigned char **data,
                     size_t *len, ov_error *err)
{
    int rc = ov_fetch_get(f, url, OV_FETCH_FEED, resp, err);
    if (rc)
        return rc;
    if ((*resp)->error)
        return ov_error_set(err, (*resp)->error, url, "%s", (*resp)->error_message);
    const unsigned char *b = (*resp)->body;
    if ((*resp)->len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        rc = ov__gunzip(b, (*resp)->len, OV_FETCH_MAX_FEED_BYTES, data, len, err);
        if (rc && err) {
            char msg[OV_ERROR_MESSAGE_MAX];
            memcpy(msg, err->message, sizeof msg);
            ov_error_set(err, rc, url, "%s", msg);
        }
        return rc;
    }
    *data = malloc((*resp)->len + 1);
    if (!*data)
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    memcpy(*data, b, (*resp)->len);
    (*data)[(*resp)->len] = '\0';
    *len = (*resp)->len;
    return 0;
}

static int discover_url(disc *d, const char *url, unsigned depth, int allow_html, ov_error *err);

static int do_children(disc *d, ov_entries *e, unsigned depth, ov_error *err)
{
    for (size_t i = 0; i < e->n_children; i++) {
        if (depth + 1 > OV_FETCH_MAX_SITEMAP_DEPTH || d->sitemaps >= OV_FETCH_MAX_SITEMAPS)
            return 0; /* bounded: stop following, keep what we have */
        int rc = discover_url(d, e->children[i], depth + 1, 0, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int discover_url(disc *d, const char *url, unsigned depth, int allow_html, ov_error *err)
{
    ov_response *resp = NULL;
    unsigned char *data = NULL;
    ov_entries *e = NULL;
    size_t len = 0;
    int rc = fetch_doc(d->f, url, &resp, &data, &len, err);
    if (rc)
        goto cleanup;
    const char *base = resp->final_url ? resp->final_url : url;
    switch (sniff_kind(data, len)) {
    case DOC_FEED:
    {
        ov_feed_options fo = OV_FEED_OPTIONS_INIT;
        fo.base_url = base;
        fo.content_type = resp->content_type;
        rc = ov_feed_parse(data, len, &fo, &e, err);
    }
        break;
    case DOC_SITEMAP:
        d->sitemaps++;
        rc = ov_sitemap_parse(data, len, base, &e, err);
        if (!rc)
            rc = do_children(d, e, depth, err);
        break;
    default:
        if (!allow_html) {
            rc = ov_error_set(err, OV_EPARSE, url, "expected a feed or sitemap, got HTML");
            break;
        }
        rc = ov_page_links(data, len, base, resp->content_type, d->o ? d->o->pattern : NULL,
                           &e, err);
        if (!rc && !(d->o && d->o->pattern) && e->n_children) {
            rc = discover_url(d, e->children[0], depth + 1, 0, err);
            goto cleanup;
        }
    }
    if (!rc && merge(d->acc, &d->cap, e) != 0)
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
cleanup:
    ov_entries_free(e);
    ov_response_free(resp);
    free(data);
    return rc;
}

/* Apply oldest_days and max_articles in place. */
static void filter(ov_entries *e, const ov_discover_options *o)
{
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++) {
        ov_entry *x = &e->items[i];
        int old = o && o->oldest_days > 0 && o->now && x->time &&
                  (double)(o->now - x->time) > o->oldest_days * 86400.0;
        int over = o && o->max_articles && k >= o->max_articles;
        if (old || over) {
            free(x->url);
            free(x->id);
            free(x->title);
            free(x->published);
            free(x->author);
            free(x->summary);
            free(x->content);
            continue;
        }
        e->items[k++] = *x;
    }
    e->n = k;
}

int ov_discover(ov_fetcher *f, const char *url, const ov_discover_options *opts,
                ov_entries **out, ov_error *err)
{
    disc d;
    int rc;
    memset(&d, 0, sizeof d);
    *out = NULL;
    d.f = f;
    d.o = opts;
    if (!(d.acc = calloc(1, sizeof *d.acc)))
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    rc = discover_url(&d, url, 0, 1, err);
    if (rc) {
        ov_entries_free(d.acc);
        return rc;
    }
    filter(d.acc, opts);
    *out = d.acc;
    return 0;
}
