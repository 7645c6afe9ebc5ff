/*
 * Chapters: one article becomes one or more XHTML documents.
 *
 * The article body is parsed as XML inside a namespaced <div> wrapper
 * (XML_PARSE_NONET, no entity substitution, no DTD). Images are rewritten to
 * files in the book when the book holds a resource of a core media type for
 * the URL, else replaced by their alt text; figures left empty go. Each
 * top-level block is then serialised on its own, so a long article can be
 * split at block boundaries into parts below max_chapter_bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "package/package_internal.h"
#include "util/buf.h"
#include "util/l10n.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"
/* Room kept for head, title, byline and footer when sizing parts. */
#define PK_PART_OVERHEAD 4096u
/* Longest human date a byline or footer carries. */
#define OV__PK_DATE_MAX 96

static ov__pk_img *add_img(ov__pk *p, ov_error *err)
{
    if (p->n_imgs == p->cap_imgs) {
        size_t cap = p->cap_imgs ? p->cap_imgs * 2 : 16;
        ov__pk_img *n = realloc(p->imgs, cap * sizeof *n);
        if (!n) {
            ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
            return NULL;
        }
        p->imgs = n;
        p->cap_imgs = cap;
    }
    ov__pk_img *im = &p->imgs[p->n_imgs++];
    memset(im, 0, sizeof *im);
    return im;
}

static const char *core_ext(const char *mt)
{
    if (!mt)
        return NULL;
    if (strcmp(mt, "image/jpeg") == 0)
        return "jpg";
    if (strcmp(mt, "image/png") == 0)
        return "png";
    if (strcmp(mt, "image/gif") == 0)
        return "gif";
    /* Nothing else (SVG included) is written: an image the packager has not
       decoded could carry scripts or remote references (OPF-014, RSC-006). */
    return NULL;
}

static const char *static_mt(const char *ext)
{
    if (strcmp(ext, "jpg") == 0)
        return "image/jpeg";
    if (strcmp(ext, "png") == 0)
        return "image/png";
    if (strcmp(ext, "gif") == 0)
        return "image/gif";
    return "image/svg+xml";
}

/* The book file for `url` in chapter `ord`: existing, new, or NULL (none). */
static const ov__pk_img *image_for(ov__pk *p, size_t ord, const char *url, ov_error *err,
                                   int *rc)
{
    *rc = 0;
    const ov_resource *r = ov_book_find_resource(p->b, url);
    const char *ext = r ? core_ext(r->media_type) : NULL;
    if (!ext)
        return NULL;
    size_t *known = ov__hmap_get(&p->img_index, url);
    if (known && p->imgs[*known].res == r)
        return &p->imgs[*known];
    char ord_key[24];
    size_t *n_in_chap = NULL;
    snprintf(ord_key, sizeof ord_key, "%zu", ord);
    ov__pk_img *im = NULL;
    if (ov__hmap_put(&p->img_counts, ord_key, 0, &n_in_chap) < 0 ||
        ov__hmap_put(&p->img_index, url, p->n_imgs, NULL) < 0 || !(im = add_img(p, err))) {
        if (!im)
            ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        *rc = OV_ENOMEM;
        return NULL;
    }
    size_t nth = ++*n_in_chap;
    snprintf(im->id, sizeof im->id, "i%03zu-%02zu", ord, nth);
    snprintf(im->href, sizeof im->href, "img/a%03zu-%02zu.%s", ord, nth, ext);
    im->media_type = static_mt(ext);
    im->res = r;
    im->url = r->url;
    return im;
}

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Replace <img> `n` by a span of its alt text, or remove it. */
static void drop_img(xmlNode *n)
{
    xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
    if (alt && alt[0]) {
        xmlNode *span = xmlNewDocNode(n->doc, n->ns, (const xmlChar *)"span", NULL);
        if (span) {
            xmlSetProp(span, (const xmlChar *)"class", (const xmlChar *)"img-alt");
            xmlAddChild(span, xmlNewDocText(n->doc, alt));
            xmlReplaceNode(n, span);
            xmlFreeNode(n);
            xmlFree(alt);
            return;
        }
    }
    xmlFree(alt);
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

static int has_content(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !is_el(c, "figcaption"))
            return 1;
        if (c->type == XML_TEXT_NODE && c->content && strspn((const char *)c->content, " \t\r\n") < strlen((const char *)c->content))
            return 1;
    }
    return 0;
}

static int blank_text(const xmlNode *n)
{
    return n->type == XML_TEXT_NODE &&
           (!n->content || !n->content[strspn((const char *)n->content, " \t\r\n")]);
}

/* The sibling right before (dir < 0) or after n, blank text skipped. */
static const xmlNode *adjacent(const xmlNode *n, int dir)
{
    for (n = dir < 0 ? n->prev : n->next; n && blank_text(n); n = dir < 0 ? n->prev : n->next)
        ;
    return n;
}

static int is_rp(const xmlNode *n)
{
    return n && is_el(n, "rp");
}

/* Readers without ruby support show "横héng" unless <rp> wraps the <rt>:
   (rp, rt, rp) right next to each other, as the content model wants. An rp
   before the rt that closes an earlier rt does not count. */
static void rp_around(xmlNode *rt)
{
    const xmlNode *pv = adjacent(rt, -1), *nx = adjacent(rt, 1);
    const xmlNode *before_pv = pv ? adjacent(pv, -1) : NULL;
    if (!is_rp(pv) || (before_pv && is_el(before_pv, "rt"))) {
        xmlNode *rp = xmlNewDocNode(rt->doc, rt->ns, (const xmlChar *)"rp", (const xmlChar *)"(");
        if (rp)
            xmlAddPrevSibling(rt, rp);
    }
    if (!is_rp(nx)) {
        xmlNode *rp = xmlNewDocNode(rt->doc, rt->ns, (const xmlChar *)"rp", (const xmlChar *)")");
        if (rp)
            xmlAddNextSibling(rt, rp);
    }
}

/* Portals indent paragraphs with full-width spaces (U+3000); the stylesheet
   indents, so they go from the start of a paragraph's text. */
static void strip_indent(xmlNode *p)
{
    xmlNode *n = p->children;
    while (n) {
        if (n->type == XML_TEXT_NODE && n->content) {
            const xmlChar *t = n->content;
            size_t cut = 0, wide = 0;
            for (;;) {
                if (t[cut] == ' ' || t[cut] == '\t' || t[cut] == '\n' || t[cut] == '\r')
                    cut++;
                else if (t[cut] == 0xE3 && t[cut + 1] == 0x80 && t[cut + 2] == 0x80)
                    cut += 3, wide++;
                else
                    break;
            }
            if (!wide)
                return;
            xmlChar *rest = xmlStrdup(t + cut); /* t belongs to n */
            if (!rest)
                return;
            xmlNodeSetContent(n, rest);
            xmlFree(rest);
            if (n->content && n->content[0])
                return;
            n = n->next; /* a run of only spaces: go on to the next text */
        } else if (n->type == XML_ELEMENT_NODE && !is_el(n, "img") && !is_el(n, "br") && n->children) {
            n = n->children;
        } else {
            return;
        }
    }
}

/* Walk the tree: rewrite images, drop empty figures, mark svg, fill empties. */
static int rewrite(ov__pk *p, size_t ord, xmlNode *n, int *has_svg, ov_error *err)
{
    static const char *const voids[] = {"area", "br", "col", "hr", "img", "wbr", NULL};
    for (xmlNode *c = n->children, *next; c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (c->ns && strcmp((const char *)c->ns->href, SVG_NS) == 0)
            *has_svg = 1;
        if (is_el(c, "img")) {
            xmlChar *src = xmlGetProp(c, (const xmlChar *)"src");
            int rc = 0;
            const ov__pk_img *im = src ? image_for(p, ord, (const char *)src, err, &rc) : NULL;
            xmlFree(src);
            if (rc)
                return rc;
            if (!im) {
                drop_img(c);
                continue;
            }
            char href[64];
            snprintf(href, sizeof href, "../%s", im->href);
            xmlSetProp(c, (const xmlChar *)"src", (const xmlChar *)href);
            if (!xmlHasProp(c, (const xmlChar *)"alt"))
                xmlSetProp(c, (const xmlChar *)"alt", (const xmlChar *)"");
            continue;
        }
        if (is_el(c, "rt") && c->parent && is_el(c->parent, "ruby"))
            rp_around(c);
        if (is_el(c, "p"))
            strip_indent(c);
        int rc = rewrite(p, ord, c, has_svg, err);
        if (rc)
            return rc;
        if (is_el(c, "figure") && !has_content(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
            continue;
        }
        int is_void = 0;
        for (size_t i = 0; voids[i]; i++)
            is_void |= is_el(c, voids[i]);
        if (!c->children && !is_void)
            xmlAddChild(c, xmlNewDocText(c->doc, (const xmlChar *)""));
    }
    return 0;
}

/* Serialise each top-level node of `div` into its own malloc'd string. */
static int dump_blocks(xmlNode *div, char ***out, size_t *n_out, ov_error *err)
{
    size_t n = 0;
    for (xmlNode *c = div->children; c; c = c->next)
        n++;
    char **blocks = calloc(n ? n : 1, sizeof *blocks);
    if (!blocks)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    size_t i = 0;
    for (xmlNode *c = div->children; c; c = c->next) {
        xmlBufferPtr xb = xmlBufferCreate();
        if (!xb || xmlNodeDump(xb, c->doc, c, 0, 0) < 0) {
            xmlBufferFree(xb);
            for (size_t k = 0; k < i; k++)
                free(blocks[k]);
            free(blocks);
            return ov_error_set(err, OV_ENOMEM, NULL, "cannot serialise chapter");
        }
        blocks[i++] = strdup((const char *)xmlBufferContent(xb));
        xmlBufferFree(xb);
        if (!blocks[i - 1]) {
            for (size_t k = 0; k < i; k++)
                free(blocks[k]);
            free(blocks);
            return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        }
    }
    *out = blocks;
    *n_out = n;
    return 0;
}

/* Title, byline line: the start of the first part. The date is written for
   people in the chapter's language; the ISO form stays in the metadata. */
static int put_heading(ov__buf *b, const ov_article *a, const char *lang)
{
    int rc = ov__buf_puts(b, "<h1>");
    rc = rc ? rc : ov__pk_put_plain(b, a->title ? a->title : ov__l10n(lang, OV__MSG_UNTITLED));
    rc = rc ? rc : ov__buf_puts(b, "</h1>\n");
    char when[OV__PK_DATE_MAX];
    const char *date = a->published;
    if (date && ov__l10n_datetime(lang, date, when, sizeof when) == 0)
        date = when;
    const char *parts[3] = {a->byline, date, a->source};
    int any = 0;
    for (size_t i = 0; i < 3 && !rc; i++) {
        if (!parts[i] || !parts[i][0])
            continue;
        rc = ov__buf_puts(b, any ? " \xC2\xB7 " : "<p class=\"byline\">");
        rc = rc ? rc : ov__pk_put_plain(b, parts[i]);
        any = 1;
    }
    if (any && !rc)
        rc = ov__buf_puts(b, "</p>\n");
    return rc;
}

/* Only web addresses become links: a local path or relative name would be a
   reference to a file that is not in the book (RSC-007), so it is shown as
   plain text. */
static int is_web_url(const char *u)
{
    return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

static int put_footer(ov__buf *b, const ov_article *a, const char *lang)
{
    const char *url = a->canonical_url ? a->canonical_url : a->url;
    if (!url)
        return 0;
    int rc = ov__buf_puts(b, "<p class=\"source\">");
    rc = rc ? rc : ov__pk_put_plain(b, ov__l10n(lang, OV__MSG_SOURCE));
    if (is_web_url(url)) {
        rc = rc ? rc : ov__buf_puts(b, "<a href=\"");
        rc = rc ? rc : ov__pk_put_plain(b, url);
        rc = rc ? rc : ov__buf_puts(b, "\">");
        rc = rc ? rc : ov__pk_put_plain(b, url);
        rc = rc ? rc : ov__buf_puts(b, "</a>");
    } else {
        rc = rc ? rc : ov__pk_put_plain(b, url);
    }
    char when[OV__PK_DATE_MAX];
    if (!rc && a->fetched_at > 0 && ov__l10n_utc(lang, a->fetched_at, when, sizeof when) == 0)
        rc = ov__buf_printf(b, "<br/>%s%s", ov__l10n(lang, OV__MSG_FETCHED), when);
    return rc ? rc : ov__buf_puts(b, "</p>\n");
}

/* Next / section / contents / previous at the end of an article, as calibre's
   news books have (e-ink readers page slowly through a long TOC). Only spine
   documents are linked: the neighbours' first parts, the masthead (or the
   nav, which is then in the spine) and its section headings. */
static int put_article_nav(ov__buf *b, const ov__pk *p, size_t ord, size_t sec, const char *lang)
{
    size_t total = ov_book_article_count(p->b);
    int rc = ov__buf_puts(b, "<p class=\"artnav\">");
    const char *sep = "";
    if (!rc && ord < total) {
        rc = ov__buf_printf(b, "<a href=\"a%03zu.xhtml\">%s</a>", ord + 1, ov__l10n(lang, OV__MSG_NEXT));
        sep = " | ";
    }
    if (!rc && p->opts.masthead && p->n_sections_used > 1) {
        rc = ov__buf_printf(b, "%s<a href=\"masthead.xhtml#s%zu\">%s</a>", sep, sec + 1,
                            ov__l10n(lang, OV__MSG_SECTION_LINK));
        sep = " | ";
    }
    if (!rc) {
        rc = ov__buf_printf(b, "%s<a href=\"%s\">%s</a>", sep,
                            p->opts.masthead ? "masthead.xhtml" : "../nav.xhtml",
                            ov__l10n(lang, OV__MSG_CONTENTS));
        sep = " | ";
    }
    if (!rc && ord > 1)
        rc = ov__buf_printf(b, "%s<a href=\"a%03zu.xhtml\">%s</a>", sep, ord - 1,
                            ov__l10n(lang, OV__MSG_PREVIOUS));
    return rc ? rc : ov__buf_puts(b, "</p>\n");
}

typedef struct part_ctx {
    ov__pk *p;
    const ov_article *a;
    const char *lang;
    size_t ord;
    size_t sec;
    size_t part; /* 1-based */
    ov__buf b;
} part_ctx;

static int part_begin(part_ctx *x)
{
    ov__buf_free(&x->b);
    x->part++;
    int rc = ov__pk_xhtml_head(&x->b, x->lang, x->a->title ? x->a->title : ov__l10n(x->lang, OV__MSG_UNTITLED),
                               "../css/octavo.css");
    rc = rc ? rc : ov__buf_puts(&x->b, "<body>\n");
    if (!rc && x->part == 1)
        rc = put_heading(&x->b, x->a, x->lang);
    return rc;
}

static int part_end(part_ctx *x, int last, int has_svg, ov_error *err)
{
    int rc = 0;
    if (last && x->p->opts.source_footer)
        rc = put_footer(&x->b, x->a, x->lang);
    if (last && !rc)
        rc = put_article_nav(&x->b, x->p, x->ord, x->sec, x->lang);
    rc = rc ? rc : ov__buf_puts(&x->b, "</body>\n</html>\n");
    if (rc)
        return ov_error_set(err, rc, NULL, "out of memory writing a chapter");
    char id[32], href[48];
    if (x->part == 1) {
        snprintf(id, sizeof id, "c%03zu", x->ord);
        snprintf(href, sizeof href, "text/a%03zu.xhtml", x->ord);
    } else {
        snprintf(id, sizeof id, "c%03zu-%zu", x->ord, x->part);
        snprintf(href, sizeof href, "text/a%03zu-%zu.xhtml", x->ord, x->part);
    }
    size_t len = 0;
    char *data = ov__buf_detach(&x->b, &len);
    rc = ov__pk_add_doc(x->p, id, href, data, len, err);
    if (rc) {
        free(data);
        return rc;
    }
    x->p->docs[x->p->n_docs - 1].has_svg = has_svg;
    return 0;
}

/* Blocks into parts of at most max bytes (a single larger block stays whole). */
static int write_parts(part_ctx *x, char **blocks, size_t n, int has_svg, ov_error *err)
{
    size_t max = x->p->opts.max_chapter_bytes;
    max = max > PK_PART_OVERHEAD * 2 ? max - PK_PART_OVERHEAD : PK_PART_OVERHEAD;
    int rc = part_begin(x);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t bl = strlen(blocks[i]);
        if (x->b.len + bl > max && x->b.len > PK_PART_OVERHEAD / 4 && i > 0) {
            rc = part_end(x, 0, has_svg, err);
            if (rc)
                return rc;
            rc = part_begin(x);
        }
        rc = rc ? rc : ov__buf_put(&x->b, blocks[i], bl);
        rc = rc ? rc : ov__buf_putc(&x->b, '\n');
    }
    if (rc)
        return ov_error_set(err, rc, NULL, "out of memory writing a chapter");
    return part_end(x, 1, has_svg, err);
}

static int body_blocks(ov__pk *p, size_t ord, const ov_article *a, char ***blocks, size_t *n,
                       int *has_svg, ov_error *err)
{
    static const char open[] = "<div xmlns=\"" XHTML_NS "\" xmlns:epub=\"http://www.idpf.org/2007/ops\">";
    ov__buf w = OV__BUF_INIT;
    xmlDoc *doc = NULL;
    char *loaded = NULL; /* the body from opts.load_body, when it gives one */
    int rc = 0;
    if (p->opts.load_body && (rc = p->opts.load_body(p->opts.load_body_ud, ord - 1, a, &loaded, err)) != 0)
        goto cleanup;
    const char *body = loaded ? loaded : a->body_xhtml;
    rc = ov__buf_puts(&w, open);
    rc = rc ? rc : ov__buf_puts(&w, body ? body : "");
    free(loaded);
    loaded = NULL;
    rc = rc ? rc : ov__buf_puts(&w, "</div>");
    if (rc) {
        rc = ov_error_set(err, rc, a->url, "out of memory");
        goto cleanup;
    }
    if (w.len > (size_t)0x7fffffff) {
        rc = ov_error_set(err, OV_ELIMIT, a->url, "article body too large");
        goto cleanup;
    }
    doc = xmlReadMemory(w.data, (int)w.len, "article.xhtml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        ov__buf note = OV__BUF_INIT;
        const char *lang = a->language && a->language[0] ? a->language : p->lang;
        rc = ov__buf_puts(&note, "<p class=\"note\">");
        rc = rc ? rc : ov__pk_put_plain(&note, ov__l10n(lang, OV__MSG_NOT_WELL_FORMED));
        rc = rc ? rc : ov__buf_puts(&note, "</p>");
        *blocks = rc ? NULL : calloc(1, sizeof **blocks);
        if (*blocks)
            (*blocks)[0] = ov__buf_detach(&note, NULL);
        ov__buf_free(&note);
        if (!*blocks || !(*blocks)[0]) {
            free(*blocks);
            rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
            goto cleanup;
        }
        *n = 1;
        goto cleanup;
    }
    rc = rewrite(p, ord, xmlDocGetRootElement(doc), has_svg, err);
    rc = rc ? rc : dump_blocks(xmlDocGetRootElement(doc), blocks, n, err);
cleanup:
    xmlFreeDoc(doc);
    ov__buf_free(&w);
    return rc;
}

static int one_chapter(ov__pk *p, size_t ord, size_t sec, const ov_article *a, ov_error *err)
{
    char **blocks = NULL;
    size_t n = 0;
    int has_svg = 0;
    part_ctx x = {p, a, a->language && a->language[0] ? a->language : p->lang, ord, sec, 0,
                  OV__BUF_INIT};
    ov__pk_chap *ch = &p->chaps[ord - 1];
    ch->a = a;
    ch->section = sec;
    ch->first_doc = p->n_docs;
    int rc = body_blocks(p, ord, a, &blocks, &n, &has_svg, err);
    rc = rc ? rc : write_parts(&x, blocks, n, has_svg, err);
    ch->n_docs = p->n_docs - ch->first_doc;
    for (size_t i = 0; i < n; i++)
        free(blocks[i]);
    free(blocks);
    ov__buf_free(&x.b);
    return rc;
}

int ov__pk_chapters(ov__pk *p, ov_error *err)
{
    size_t total = ov_book_article_count(p->b);
    p->chaps = calloc(total ? total : 1, sizeof *p->chaps);
    if (!p->chaps)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    size_t ord = 0;
    for (size_t s = 0; s < p->b->n_sections; s++)
        p->n_sections_used += p->b->sections[s]->n_articles > 0;
    for (size_t s = 0; s < p->b->n_sections; s++) {
        const ov_section *sec = p->b->sections[s];
        for (size_t i = 0; i < sec->n_articles; i++) {
            int rc = one_chapter(p, ++ord, s, sec->articles[i], err);
            p->n_chaps = ord;
            if (rc)
                return rc;
            if (p->release_bodies) { /* ov_package_write_release: the book is the caller's */
                free(sec->articles[i]->body_xhtml);
                sec->articles[i]->body_xhtml = NULL;
            }
        }
    }
    return 0;
}
