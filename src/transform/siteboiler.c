/*
 * siteboiler.c - site-level boilerplate: text blocks that one host repeats
 * on most of its pages in a book.
 *
 * Design. A page on its own cannot tell its copyright footer, its "责任编辑"
 * line or its "相关新闻" list from the article: they are short paragraphs
 * like any other. A book often holds many pages of one site, and there the
 * repetition shows. For every host with at least OV_SITEBOILER_MIN_PAGES
 * articles, each text block of each body (p, li, h2-h6, blockquote, dd, dt,
 * and div/td/figcaption without block children), whitespace collapsed, is
 * hashed once per page; a block whose hash occurs on at least
 * max(OV_SITEBOILER_MIN_PAGES, OV_SITEBOILER_SHARE percent of the host's
 * pages) pages is boilerplate for that host and removed from its bodies.
 *
 * Never removed: a block that is the article's title, a block holding an
 * image (its URL is listed in the article's images), and anything from an
 * article where the removal would take more than half of its text (then
 * the article is left as it was). A list or wrapper left without content
 * goes with its blocks. Articles that lose nothing keep their body bytes.
 *
 * Pure: no I/O; bodies are parsed with libxml2 (XML, no network, no
 * entities) and only changed bodies are written back.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "octavo/transform.h"
#include "transform/bodydoc.h"
#include "transform/transform_internal.h"
#include "transform/wordrun.h"
#include "util/buf.h"

#define OV__SB_HOST_MAX 256
#define OV__SB_TEXT_MAX 4096 /* bytes of a block's text that are hashed; longer blocks are never boilerplate */
#define OV__SB_DEPTH 64

typedef struct sb_key { uint64_t hash; size_t article; } sb_key;

static int is_named(xmlNodePtr n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (!xmlStrcmp(n->name, BAD_CAST names[i])) return 1;
    return 0;
}

static const char *const ALWAYS_BLOCK[] = {"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", NULL};
static const char *const LEAF_BLOCK[] = {"div", "td", "th", "figcaption", "section", NULL};
static const char *const BLOCKS[] = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "div",
                                     "td", "th", "figcaption", "section", "ul", "ol", "dl", "table", "figure",
                                     "pre", "tr", "tbody", NULL};

static int has_block_child(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && is_named(k, BLOCKS)) return 1;
    return 0;
}

static int has_image(xmlNodePtr n, int depth)
{
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        if (!xmlStrcmp(k->name, BAD_CAST "img") || !xmlStrcmp(k->name, BAD_CAST "svg")) return 1;
        if (depth < OV__SB_DEPTH && has_image(k, depth + 1)) return 1;
    }
    return 0;
}

/* A candidate block: a text block of its own (no block children inside). */
static int is_text_block(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE) return 0;
    if (is_named(n, ALWAYS_BLOCK)) return !has_block_child(n);
    return is_named(n, LEAF_BLOCK) && !has_block_child(n);
}

/* Whitespace-collapsed text, at most OV__SB_TEXT_MAX bytes (+1 to tell "longer"). */
static void collect_text(xmlNodePtr n, ov__buf *b, int *space, int depth)
{
    for (xmlNodePtr k = n->children; k && b->len <= OV__SB_TEXT_MAX; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            /* a word at a time; it ends, as if copied byte by byte, one past the limit */
            for (const xmlChar *p = k->content; p && *p && b->len <= OV__SB_TEXT_MAX;) {
                size_t ws = 0;
                while (ov__text_cls[p[ws]] == 1) ws++;
                if (ws) { *space = 1; p += ws; continue; }
                if (*space && b->len) ov__buf_putc(b, ' ');
                *space = 0;
                size_t room = b->len <= OV__SB_TEXT_MAX ? OV__SB_TEXT_MAX - b->len + 1 : 1;
                size_t take = ov__word_run(p, room);
                ov__buf_put(b, p, take);
                p += take;
            }
        } else if (k->type == XML_ELEMENT_NODE && depth < OV__SB_DEPTH && xmlStrcmp(k->name, BAD_CAST "rt") &&
                   xmlStrcmp(k->name, BAD_CAST "rp")) {
            if (!xmlStrcmp(k->name, BAD_CAST "br")) *space = 1;
            collect_text(k, b, space, depth + 1);
        }
    }
}

/* FNV-1a of the block's text; 0 when the block is empty or too long. */
static uint64_t block_hash(xmlNodePtr n, size_t *len)
{
    ov__buf b = OV__BUF_INIT;
    int space = 0;
    collect_text(n, &b, &space, 0);
    *len = b.len;
    uint64_t h = 0;
    if (b.len && b.len <= OV__SB_TEXT_MAX) {
        h = 1469598103934665603ull;
        for (size_t i = 0; i < b.len; i++) h = (h ^ (unsigned char)b.data[i]) * 1099511628211ull;
        if (!h) h = 1;
    }
    ov__buf_free(&b);
    return h;
}

static xmlDocPtr parse_body(const char *body)
{
    ov__buf doc = OV__BUF_INIT;
    int rc = ov__buf_puts(&doc, "<div xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">");
    if (rc == 0) rc = ov__buf_puts(&doc, body ? body : "");
    if (rc == 0) rc = ov__buf_puts(&doc, "</div>");
    xmlDocPtr d = rc == 0 ? xmlReadMemory(doc.data, (int)doc.len, NULL, "UTF-8",
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE)
                          : NULL;
    ov__buf_free(&doc);
    if (d && !xmlDocGetRootElement(d)) { xmlFreeDoc(d); d = NULL; }
    return d;
}

/* Next node in document order under `root`; `skip` leaves n's children out. */
static xmlNodePtr next_node(xmlNodePtr n, xmlNodePtr root, int skip)
{
    if (!skip && n->children) return n->children;
    while (n && n != root && !n->next) n = n->parent;
    return n && n != root ? n->next : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_key(const void *a, const void *b)
{
    const sb_key *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return x->article < y->article ? -1 : x->article > y->article;
}

static void host_of(const ov_article *a, char out[OV__SB_HOST_MAX])
{
    out[0] = '\0';
    const char *u = a->url && strstr(a->url, "://") ? a->url : a->canonical_url;
    const char *h = u ? strstr(u, "://") : NULL;
    if (!h || (strncasecmp(u, "http", 4) != 0)) return;
    h += 3;
    if (!strncasecmp(h, "www.", 4)) h += 4;
    size_t n = strcspn(h, "/:?#");
    if (n == 0 || n >= OV__SB_HOST_MAX) return;
    for (size_t i = 0; i < n; i++) out[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 : h[i]);
    out[n] = '\0';
}

static int has_key(const uint64_t *keys, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (keys[mid] < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && keys[lo] == h;
}

int ov_transform_block_keys(const char *body_xhtml, uint64_t **out, size_t *n_out, ov_error *err)
{
    *out = NULL;
    *n_out = 0;
    xmlDocPtr d = parse_body(body_xhtml);
    if (!d) return 0; /* not ours to judge: the packager reports a bad body */
    int rc = ov__block_keys_doc(d, out, n_out, err);
    xmlFreeDoc(d);
    return rc;
}

int ov__block_keys_doc(xmlDocPtr d, uint64_t **out, size_t *n_out, ov_error *err)
{
    *out = NULL;
    *n_out = 0;
    xmlNodePtr root = xmlDocGetRootElement(d);
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (xmlNodePtr b = root->children; b;) {
        int skip = is_text_block(b);
        if (skip) {
            size_t len;
            uint64_t h = block_hash(b, &len);
            if (h && n == cap) {
                size_t nc = cap ? cap * 2 : 32;
                uint64_t *nv = realloc(v, nc * sizeof *nv);
                if (!nv) { rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory"); break; }
                v = nv;
                cap = nc;
            }
            if (h) v[n++] = h;
        }
        b = next_node(b, root, skip);
    }
    if (rc) { free(v); return rc; }
    if (n) qsort(v, n, sizeof *v, cmp_u64); /* qsort(NULL, 0) is undefined */
    size_t u = 0; /* each key once per page */
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[u - 1] != v[i]) v[u++] = v[i];
    if (u == 0) { free(v); v = NULL; }
    *out = v;
    *n_out = u;
    return 0;
}

int ov_transform_boiler_keys(const ov_article *const *articles, uint64_t *const *keys, size_t *n_keys,
                             size_t n, ov_error *err)
{
    int rc = 0;
    char (*hosts)[OV__SB_HOST_MAX] = n ? calloc(n, sizeof *hosts) : NULL;
    unsigned char *done = n ? calloc(n, 1) : NULL;
    sb_key *all = NULL;
    uint64_t *boiler = NULL;
    if (n && (!hosts || !done)) { rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory"); goto cleanup; }
    for (size_t i = 0; i < n; i++) host_of(articles[i], hosts[i]);
    for (size_t i = 0; i < n; i++) {
        if (done[i]) continue;
        /* the host's pages, and their keys */
        size_t pages = 0, total = 0;
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(hosts[i], hosts[j])) continue;
            done[j] = 1;
            pages++;
            total += n_keys[j];
        }
        size_t need = (pages * OV_SITEBOILER_SHARE + 99) / 100;
        if (need < OV_SITEBOILER_MIN_PAGES) need = OV_SITEBOILER_MIN_PAGES;
        size_t n_all = 0, n_boiler = 0;
        if (hosts[i][0] && pages >= OV_SITEBOILER_MIN_PAGES && total) {
            free(all);
            free(boiler);
            all = malloc(total * sizeof *all);
            boiler = NULL;
            if (!all) { rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory"); goto cleanup; }
            for (size_t j = i; j < n; j++) {
                if (strcmp(hosts[i], hosts[j])) continue;
                for (size_t k = 0; k < n_keys[j]; k++) all[n_all++] = (sb_key){keys[j][k], j};
            }
            qsort(all, n_all, sizeof *all, cmp_key);
            for (size_t a = 0; a < n_all;) { /* keys are once per page: a run's length is its pages */
                size_t b = a;
                while (b < n_all && all[b].hash == all[a].hash) b++;
                if (b - a >= need) all[n_boiler++].hash = all[a].hash;
                a = b;
            }
            if (n_boiler && !(boiler = malloc(n_boiler * sizeof *boiler))) {
                rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
                goto cleanup;
            }
            for (size_t k = 0; k < n_boiler; k++) boiler[k] = all[k].hash;
        }
        /* each page keeps only its keys that are the host's boilerplate */
        for (size_t j = i; j < n; j++) {
            if (strcmp(hosts[i], hosts[j])) continue;
            size_t u = 0;
            for (size_t k = 0; k < n_keys[j]; k++)
                if (has_key(boiler, n_boiler, keys[j][k])) keys[j][u++] = keys[j][k];
            n_keys[j] = u;
        }
    }
cleanup:
    free(all);
    free(boiler);
    free(hosts);
    free(done);
    return rc;
}

/* Remove the boilerplate blocks of one article; *removed counts them. */
int ov_transform_strip_keys(ov_article *a, const uint64_t *keys, size_t n_keys, size_t *removed, ov_error *err)
{
    size_t dummy = 0;
    if (!removed) removed = &dummy;
    *removed = 0;
    if (!n_keys || !a->body_xhtml) return 0;
    xmlDocPtr d = parse_body(a->body_xhtml);
    if (!d) return 0; /* not ours to judge: the packager reports a bad body */
    xmlNodePtr root = xmlDocGetRootElement(d);
    size_t total = 0, gone = 0, n_gone = 0;
    xmlNodePtr victims[512];
    size_t n_victims = 0;
    for (xmlNodePtr n = root->children; n;) {
        int skip = 0;
        if (is_text_block(n)) {
            size_t len = 0;
            uint64_t h = block_hash(n, &len);
            total += len;
            skip = 1;
            if (h && has_key(keys, n_keys, h) && !has_image(n, 0)) {
                char *t = (char *)xmlNodeGetContent(n);
                int title = t && a->title && ov__same_title(t, a->title);
                xmlFree(t);
                if (!title && n_victims < sizeof victims / sizeof victims[0]) {
                    victims[n_victims++] = n;
                    gone += len;
                }
            }
        } else if (n->type == XML_TEXT_NODE && n->content) {
            total += strlen((const char *)n->content);
        }
        n = next_node(n, root, skip);
    }
    int rc = 0;
    if (n_victims == 0 || gone * 2 > total) goto done;
    for (size_t i = 0; i < n_victims; i++) {
        xmlNodePtr v = victims[i], parent = v->parent;
        xmlUnlinkNode(v);
        xmlFreeNode(v);
        n_gone++;
        /* a list or wrapper left without element children or text goes too */
        while (parent && parent != root && is_named(parent, BLOCKS)) {
            int empty = 1;
            for (xmlNodePtr k = parent->children; k && empty; k = k->next)
                if (k->type == XML_ELEMENT_NODE || (k->type == XML_TEXT_NODE && k->content &&
                                                    strspn((const char *)k->content, " \t\r\n") != strlen((const char *)k->content)))
                    empty = 0;
            if (!empty) break;
            xmlNodePtr up = parent->parent;
            xmlUnlinkNode(parent);
            xmlFreeNode(parent);
            parent = up;
        }
    }
    ov__buf out = OV__BUF_INIT;
    xmlBufferPtr xb = xmlBufferCreate();
    if (!xb) { rc = ov_error_set(err, OV_ENOMEM, a->url, "out of memory"); goto done; }
    for (xmlNodePtr k = root->children; k && rc == 0; k = k->next) {
        xmlBufferEmpty(xb);
        if (xmlNodeDump(xb, d, k, 0, 0) < 0) rc = OV_ENOMEM;
        else rc = ov__buf_put(&out, (const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    }
    xmlBufferFree(xb);
    if (rc == 0 && !out.data) rc = ov__buf_puts(&out, "");
    if (rc == 0) {
        free(a->body_xhtml);
        a->body_xhtml = ov__buf_detach(&out, NULL);
        *removed = n_gone;
    } else {
        ov__buf_free(&out);
        rc = ov_error_set(err, OV_ENOMEM, a->url, "out of memory");
    }
done:
    xmlFreeDoc(d);
    return rc;
}

int ov_transform_site_boilerplate(ov_article *const *articles, size_t n, size_t *removed, ov_error *err)
{
    int rc = 0;
    size_t dummy = 0;
    if (!removed) removed = &dummy;
    *removed = 0;
    uint64_t **keys = n ? calloc(n, sizeof *keys) : NULL;
    size_t *n_keys = n ? calloc(n, sizeof *n_keys) : NULL;
    if (n && (!keys || !n_keys)) { rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory"); goto cleanup; }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = ov_transform_block_keys(articles[i]->body_xhtml, &keys[i], &n_keys[i], err);
    if (rc == 0) rc = ov_transform_boiler_keys((const ov_article *const *)articles, keys, n_keys, n, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t gone = 0;
        rc = ov_transform_strip_keys(articles[i], keys[i], n_keys[i], &gone, err);
        *removed += gone;
    }
cleanup:
    for (size_t i = 0; keys && i < n; i++) free(keys[i]);
    free(keys);
    free(n_keys);
    return rc;
}

int ov_transform_book_site_boilerplate(ov_book *book, size_t *removed, ov_error *err)
{
    size_t n = book ? ov_book_article_count(book) : 0, k = 0;
    if (removed) *removed = 0;
    if (n < OV_SITEBOILER_MIN_PAGES) return 0;
    ov_article **all = malloc(n * sizeof *all);
    if (!all) return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    for (size_t s = 0; s < book->n_sections; s++)
        for (size_t i = 0; i < book->sections[s]->n_articles && k < n; i++) all[k++] = book->sections[s]->articles[i];
    int rc = ov_transform_site_boilerplate(all, k, removed, err);
    free(all);
    return rc;
}
