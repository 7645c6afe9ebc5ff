/* emit.c - write the article body as a NEW XHTML fragment from allow-lists.
 *
 * Two contexts: block (inline runs are wrapped in an automatic <p>; a block
 * element closes it first, so no block ever lands inside a p) and inline
 * (only phrasing elements; anything else is unwrapped). Source <p> is a
 * block container, which splits paragraphs that wrongly contain blocks.
 * Recursion is bounded by OV_TRANSFORM_MAX_DEPTH; deeper content is written
 * as plain text from an iterative walk. No ids are written, so ids are
 * unique and #fragment links (whose targets are gone) lose their href. */
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "transform/blocks.h"
#include "transform/transform_priv.h"
#include "util/article.h"
#include "util/buf.h"
#include "util/hmap.h"

#define OV__MAX_CONSUMED 256
/* Tables kept inside tables; deeper ones are written as paragraphs. Each level
   adds four elements (table, tbody, tr, td), and the chapter must stay under
   libxml2's 256-level parse limit. */
#define OV__MAX_TABLE_NEST 16

typedef struct em {
    ov__ctx *c;
    ov__buf out;
    int p_open;
    size_t p_start;  /* offset of the open <p>, to drop it when empty */
    int space;       /* last output was whitespace (or start of a block) */
    int brs;
    int in_a;
    int in_para;     /* inline content of a paragraph: <br><br> starts a new one */
    int kept_open;   /* emitted inline elements open (b, em, a...): no split inside */
    int shift;       /* heading levels to add */
    int tables;      /* <table>s open in the output */
    int rc;
    ov__hmap imgs;   /* the article's image URLs, so each is added once */
    xmlNodePtr consumed[OV__MAX_CONSUMED];
    size_t n_consumed;
} em;

static const char *const SKIP[] = {"script", "style", "button", "select",
                                   "textarea", "input", "iframe", "template", "svg", "canvas", "object",
                                   "embed", "video", "audio", "link", "meta", "head", "title", "map",
                                   "area", "dialog", "label", "frame", "frameset", "applet", NULL};
static const char *const INLINE_KEEP[] = {"em", "strong", "b", "i", "u", "s", "sub", "sup", "code", "small",
                                          "q", "cite", "abbr", "mark", "ruby", "rb", "rt", "rp", "kbd",
                                          "var", "dfn", "samp", "del", "ins", NULL};
static const char *const BLOCKS[] = {"p", "div", "section", "article", "main", "center", "header",
                                     "address", "dl", "dt", "dd", "hgroup", "details", "summary",
                                     "body", "html", "li", "tr", "td", "th", "tbody", "caption", NULL};

static int is(xmlNodePtr n, const char *name) { return ov__name_eq(n->name, BAD_CAST name); }

static int name_in(xmlNodePtr n, const char *const *names) { return ov__name_in(n->name, names); }

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (ov__name_eq(a->name, BAD_CAST name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

/* Left out by the extractor (navigation, link lists, boilerplate)? */
static int dropped(const em *e, xmlNodePtr n)
{
    const ov__tree *t = e->c->tree;
    if (!t) return 0;
    size_t i = ov__tree_index(t, n);
    return i != (size_t)-1 && t->st[i].drop != OV__KEEP;
}

static void puts_(em *e, const char *s) { if (e->rc == 0) e->rc = ov__buf_puts(&e->out, s); }

static void put_xml(em *e, const char *s)
{
    if (e->rc == 0) e->rc = ov__buf_put_xml(&e->out, s);
}

static void open_p(em *e)
{
    if (e->p_open) return;
    e->p_start = e->out.len;
    puts_(e, "<p>");
    e->p_open = 1;
    e->space = 1;
    e->brs = 0;
}

/* Drop trailing blanks, and with brs also trailing <br/>s, written after
 * offset `floor` (before a closing tag). */
static void trim_tail(em *e, size_t floor, int brs)
{
    for (;;) {
        while (e->out.len > floor && e->out.data[e->out.len - 1] == ' ') e->out.len--;
        if (brs && e->out.len >= floor + 5 && !memcmp(e->out.data + e->out.len - 5, "<br/>", 5)) e->out.len -= 5;
        else break;
    }
    if (e->out.data) e->out.data[e->out.len] = '\0';
}

static void close_p(em *e)
{
    if (!e->p_open) return;
    e->p_open = 0;
    trim_tail(e, e->p_start + 3, 1); /* a paragraph never ends with a blank or a line break */
    if (e->out.len == e->p_start + 3) {
        e->out.len = e->p_start;
        e->out.data[e->out.len] = '\0';
    } else {
        puts_(e, "</p>");
    }
    e->space = 1;
}

/* Write chunk[0..n) minus an incomplete UTF-8 sequence at its end, which
 * is moved to the front of chunk; returns the bytes carried over. */
static size_t put_chunk(em *e, char *chunk, size_t n)
{
    size_t start = n;
    while (start > 0 && n - start < 4 && ((unsigned char)chunk[start - 1] & 0xC0) == 0x80) start--;
    size_t keep = n;
    if (start > 0 && (unsigned char)chunk[start - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)chunk[start - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - (start - 1) < need) keep = start - 1;
    }
    chunk[n] = '\0';
    char save = chunk[keep];
    chunk[keep] = '\0';
    put_xml(e, chunk);
    chunk[keep] = save;
    memmove(chunk, chunk + keep, n - keep);
    return n - keep;
}

/* Escaped text with whitespace collapsed (pre keeps it), controls dropped.
 * The buffer is flushed when full and once after the loop, so the last
 * chunk is written however the text ends (blanks included). */
static void text(em *e, const char *s, int pre)
{
    char chunk[512];
    size_t n = 0, total = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && total < OV__TEXT_NODE_MAX; p++, total++) {
        unsigned char ch = *p;
        int ws = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
        if (!pre && ws) {
            if (e->space) continue;
            ch = ' ';
            e->space = 1;
        } else if (ch < 0x20 && ch != '\n' && ch != '\t') {
            continue;
        } else {
            e->space = 0;
        }
        chunk[n++] = (char)ch;
        if (n == sizeof chunk - 1) n = put_chunk(e, chunk, n);
    }
    /* an incomplete sequence left at the very end (a cut) is dropped */
    if (n) put_chunk(e, chunk, n);
}

static int consumed(em *e, xmlNodePtr n)
{
    for (size_t i = 0; i < e->n_consumed; i++)
        if (e->consumed[i] == n) return 1;
    return 0;
}

static void consume(em *e, xmlNodePtr n)
{
    if (e->n_consumed < OV__MAX_CONSUMED) e->consumed[e->n_consumed++] = n;
}

/* ---- images ---- */

static int placeholder(const char *u)
{
    static const char *bad[] = {"data:", "spacer", "loading", "blank.gif", "pixel.gif", "1x1", "placeholder",
                                "lazy.gif", "grey.gif", "transparent.gif", "clear.gif", "about:",
                                /* tracking pixels */
                                "/pixel", "beacon", "/tr?", "scorecardresearch", "doubleclick.net",
                                "google-analytics", "/track", "quantserve", "imrworldwide"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ov__ascii_casestr(u, bad[i])) return 1;
    return 0;
}

/* `cand` (malloc'd, taken) as an absolute image URL this page may use, or NULL:
   http(s) always, file: only on a page that is itself a local file. A file:
   URL refused here goes to *refused (the first one only). */
static char *img_candidate(em *e, char *cand, char **refused)
{
    if (!cand || placeholder(cand)) { free(cand); return NULL; }
    char *abs = ov__abs_url(e->c, cand, 0);
    free(cand);
    const char *page = e->c->art ? e->c->art->url : NULL;
    if (abs && !strncasecmp(abs, "file:", 5) && page && strncasecmp(page, "file:", 5) != 0) {
        if (!*refused) *refused = abs;
        else free(abs);
        abs = NULL;
    }
    return abs;
}

/* The image's URL: the srcset pick, then the lazy attributes and src, then the
   <picture> sources; a candidate that cannot be used falls back to the next.
   When none can, a refused file: URL is kept, so the refusal is reported. */
static char *img_src(em *e, xmlNodePtr img)
{
    static const char *lazy[] = {"data-src", "data-original", "data-lazy-src", "data-actualsrc", "data-url", "data-lazy", "src"};
    const char *w = attr(img, "width"), *h = attr(img, "height");
    if (w && h && atoi(w) == 1 && atoi(h) == 1) return NULL;
    char *refused = NULL;
    const char *ss = attr(img, "data-srcset");
    if (!ss) ss = attr(img, "srcset");
    char *abs = ss ? img_candidate(e, ov__srcset_pick(ss), &refused) : NULL;
    for (size_t i = 0; !abs && i < sizeof lazy / sizeof lazy[0]; i++) {
        const char *v = attr(img, lazy[i]);
        if (v) abs = img_candidate(e, strdup(v), &refused);
    }
    /* <picture>'s <source>s only when the <img> itself has no real picture:
       its src is the one every reader can show (a <source> may be another
       format, or art direction for another screen) */
    if (!abs && img->parent && is(img->parent, "picture")) {
        for (xmlNodePtr s = img->parent->children; s && !abs; s = s->next)
            if (s->type == XML_ELEMENT_NODE && is(s, "source")) {
                const char *v = attr(s, "data-srcset");
                if (!v) v = attr(s, "srcset");
                if (v) abs = img_candidate(e, ov__srcset_pick(v), &refused);
            }
    }
    if (abs) { free(refused); return abs; }
    return refused;
}

/* Add `src` to the article's images unless it is there (e->imgs holds them all). */
static int add_image(em *e, const char *src)
{
    int fresh = ov__hmap_put(&e->imgs, src, 0, NULL);
    if (fresh < 0) return fresh;
    return fresh ? ov__article_push_image(e->c->art, src) : 0;
}

/* `alt` NULL: the image's own; "" when a caption says the same (read once). */
static void put_img_alt(em *e, const char *src, xmlNodePtr img, const char *alt)
{
    if (e->rc == 0) e->rc = add_image(e, src);
    puts_(e, "<img src=\"");
    put_xml(e, src);
    puts_(e, "\" alt=\"");
    put_xml(e, alt ? alt : "");
    puts_(e, "\"/>");
    e->space = 0;
}

static void put_img(em *e, const char *src, xmlNodePtr img) { put_img_alt(e, src, img, attr(img, "alt")); }

/* Does caption `cap` only repeat the alt text of `img`? Then the alt goes. */
static int repeats_alt(xmlNodePtr img, xmlNodePtr cap)
{
    const char *alt = attr(img, "alt");
    if (!alt || !cap) return 0;
    while (*alt == ' ') alt++;
    char *t = ov__node_text(cap, 400);
    size_t al = strlen(alt);
    while (al && alt[al - 1] == ' ') al--;
    int same = al && strlen(t) == al && !strncmp(t, alt, al);
    free(t);
    return same;
}

/* An italic line: an em/i, or a p/div/span holding just one. */
static int italic_line(xmlNodePtr n)
{
    if (is(n, "em") || is(n, "i")) return 1;
    if (!is(n, "p") && !is(n, "div") && !is(n, "span")) return 0;
    xmlNodePtr only = NULL;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE) {
            for (const xmlChar *p = k->content; p && *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return 0;
        } else if (k->type == XML_ELEMENT_NODE) {
            if (only) return 0;
            only = k;
        }
    }
    return only && (is(only, "em") || is(only, "i"));
}

static xmlNodePtr next_elem(xmlNodePtr n)
{
    for (n = n->next; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) return n;
        if (n->type == XML_TEXT_NODE) {
            for (const xmlChar *p = n->content; p && *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return NULL;
        }
    }
    return NULL;
}

static int caption_like(xmlNodePtr n)
{
    const char *cl = attr(n, "class"), *id = attr(n, "id"), *al = attr(n, "align"), *st = attr(n, "style");
    const char *hints[] = {"caption", "pic", "photo", "图片说明", "img-desc", "desc", "credit"};
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if ((cl && ov__ascii_casestr(cl, hints[i])) || (id && ov__ascii_casestr(id, hints[i]))) return 1;
    if (!name_in(n, (const char *const[]){"p", "span", "div", "em", "i", "small", NULL})) return 0;
    char *t = ov__node_text(n, 400);
    size_t tl = strlen(t);
    int ok = tl > 0 && tl < 240 &&
             (italic_line(n) || (al && ov__ascii_ieq(al, "center")) || (st && ov__ascii_casestr(st, "center")) ||
              !strncmp(t, "图", 3) || !strncmp(t, "（", 3) || !strncmp(t, "(", 1) || !strncmp(t, "▲", 3) ||
              strstr(t, "摄") || !strncasecmp(t, "photo", 5));
    free(t);
    return ok;
}

static void emit_inline(em *e, xmlNodePtr n, int depth);

/* A lone image at block level: figure, caption from the next caption-like
 * sibling. The alt stays the image's alt: a browser does not show it as
 * text, Readability.js keeps it on the image only, and the ground truths
 * of the real-page sets (dragnet, CleanPortalEval, DAnIEL) never hold it;
 * shown as a caption it was a gallery's file names and one description
 * repeated under every photo. */
static void block_img(em *e, xmlNodePtr img, xmlNodePtr anchor)
{
    if (dropped(e, img)) return; /* a share bar's icon */
    char *src = img_src(e, img);
    if (!src) {
        /* a <noscript> right after the lazy image may hold the real one */
        xmlNodePtr ns = next_elem(anchor);
        if (ns && is(ns, "noscript")) {
            for (xmlNodePtr k = ns->children; k && !src; k = k->next)
                if (k->type == XML_ELEMENT_NODE && is(k, "img")) { img = k; src = img_src(e, k); }
        }
        if (!src) return;
    }
    close_p(e);
    puts_(e, "<figure>");
    xmlNodePtr cap = next_elem(anchor);
    if (cap && is(cap, "noscript")) { consume(e, cap); cap = next_elem(cap); }
    int real = cap && caption_like(cap);
    /* the figcaption is read anyway: an alt saying the same is left empty */
    put_img_alt(e, src, img, real && repeats_alt(img, cap) ? "" : attr(img, "alt"));
    free(src);
    if (real) {
        puts_(e, "<figcaption>");
        e->space = 1;
        emit_inline(e, cap, 1);
        trim_tail(e, 0, 0);
        puts_(e, "</figcaption>");
        consume(e, cap);
    }
    puts_(e, "</figure>");
    e->space = 1;
}

static void flatten(em *e, xmlNodePtr n)
{
    char *t = ov__node_text(n, OV__TEXT_NODE_MAX);
    if (t[0]) {
        if (!e->space) text(e, " ", 0);
        text(e, t, 0);
    }
    free(t);
}

static void emit_inline_children(em *e, xmlNodePtr n, int depth)
{
    for (xmlNodePtr k = n->children; k; k = k->next) emit_inline(e, k, depth + 1);
}

static void emit_inline(em *e, xmlNodePtr n, int depth)
{
    int splittable = e->in_para && !e->kept_open;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const xmlChar *p = n->content;
        while (p && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
        int blank = !p || !*p;
        if (splittable && !e->p_open) {
            if (blank) return;
            open_p(e);
        }
        text(e, (const char *)n->content, 0);
        if (!blank) e->brs = 0;
        return;
    }
    if (n->type != XML_ELEMENT_NODE || name_in(n, SKIP) || consumed(e, n) || dropped(e, n)) return;
    if (depth > OV_TRANSFORM_MAX_DEPTH) { flatten(e, n); return; }
    if (is(n, "br")) {
        /* "text<br><br>text" is how old pages make paragraphs */
        if (splittable && e->p_open && e->brs >= 1) { close_p(e); e->brs = 0; return; }
        if (splittable && !e->p_open) return;
        puts_(e, "<br/>");
        e->space = 1;
        e->brs++;
        return;
    }
    if (splittable && !e->p_open) open_p(e);
    if (is(n, "img")) {
        char *src = img_src(e, n);
        if (src) put_img(e, src, n);
        free(src);
        return;
    }
    if (is(n, "noscript")) return;
    if (is(n, "a") && !e->in_a) {
        const char *href = attr(n, "href");
        char *abs = href && href[0] != '#' ? ov__abs_url(e->c, href, 1) : NULL;
        if (abs && !strchr(abs, ':')) { free(abs); abs = NULL; }
        if (abs) {
            puts_(e, "<a href=\"");
            put_xml(e, abs);
            puts_(e, "\">");
            e->in_a = 1;
            e->kept_open++;
            emit_inline_children(e, n, depth);
            e->kept_open--;
            e->in_a = 0;
            puts_(e, "</a>");
            free(abs);
            return;
        }
    }
    if (name_in(n, INLINE_KEEP)) {
        const char *nm = (const char *)n->name;
        char tag[16];
        size_t i = 0;
        for (; nm[i] && i + 1 < sizeof tag; i++) tag[i] = (char)((nm[i] >= 'A' && nm[i] <= 'Z') ? nm[i] + 32 : nm[i]);
        tag[i] = '\0';
        puts_(e, "<");
        puts_(e, tag);
        puts_(e, ">");
        e->kept_open++;
        emit_inline_children(e, n, depth);
        e->kept_open--;
        puts_(e, "</");
        puts_(e, tag);
        puts_(e, ">");
        return;
    }
    int blockish = name_in(n, BLOCKS) || is(n, "h1") || is(n, "h2") || is(n, "li");
    if (blockish && !e->space) text(e, " ", 0);
    emit_inline_children(e, n, depth);
    if (blockish && !e->space) text(e, " ", 0);
}

static void emit_block(em *e, xmlNodePtr n, int depth);

static void emit_block_children(em *e, xmlNodePtr n, int depth)
{
    for (xmlNodePtr k = n->children; k; k = k->next) emit_block(e, k, depth + 1);
}

static int has_block(xmlNodePtr n)
{
    static const char *const b[] = {"p", "div", "table", "ul", "ol", "blockquote", "pre", "section", "article",
                                    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "dl", "hr", NULL};
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && name_in(k, b)) return 1;
    return 0;
}

/* Content of a container that takes flow content (li, td, blockquote). */
static void emit_flow(em *e, xmlNodePtr n, int depth)
{
    int save_p = e->p_open;
    e->p_open = 0;
    e->space = 1;
    if (has_block(n)) {
        emit_block_children(e, n, depth);
        close_p(e);
    } else {
        emit_inline_children(e, n, depth);
    }
    e->p_open = save_p;
    e->space = 1;
}

static void emit_list(em *e, xmlNodePtr n, int depth)
{
    size_t start = e->out.len;
    int any = 0;
    puts_(e, is(n, "ol") ? "<ol>" : "<ul>");
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || name_in(k, SKIP) || consumed(e, k) || dropped(e, k)) continue;
        if (depth > OV_TRANSFORM_MAX_DEPTH) break;
        char *t = ov__node_text(k, 16);
        int empty = !t[0] && !has_block(k);
        free(t);
        if (empty) continue;
        puts_(e, "<li>");
        emit_flow(e, k, depth + 1);
        puts_(e, "</li>");
        any = 1;
    }
    puts_(e, is(n, "ol") ? "</ol>" : "</ul>");
    if (!any && e->rc == 0) { e->out.len = start; e->out.data[start] = '\0'; }
}

static void collect_rows(xmlNodePtr n, xmlNodePtr *rows, size_t *nr, size_t max)
{
    for (xmlNodePtr k = n->children; k && *nr < max; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        if (is(k, "tr")) rows[(*nr)++] = k;
        else if (is(k, "thead") || is(k, "tbody") || is(k, "tfoot")) collect_rows(k, rows, nr, max);
    }
}

static int only_img(xmlNodePtr n, xmlNodePtr *img);

/* A layout table holding one photo: an image cell and at most one short
   caption cell (beside or below). Written as a figure. */
static int photo_table(em *e, xmlNodePtr *rows, size_t nr)
{
    xmlNodePtr img = NULL, cap = NULL, cells[4];
    size_t nc = 0;
    if (nr > 2) return 0;
    for (size_t r = 0; r < nr; r++)
        for (xmlNodePtr c = rows[r]->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || !(is(c, "td") || is(c, "th"))) continue;
            if (nc == 4) return 0;
            cells[nc++] = c;
        }
    for (size_t i = 0; i < nc; i++) {
        xmlNodePtr im;
        if (only_img(cells[i], &im)) {
            if (img) return 0;
            img = im;
            continue;
        }
        char *t = ov__node_text(cells[i], 400);
        size_t tl = strlen(t);
        free(t);
        if (!tl) continue;
        if (cap || tl >= 240 || has_block(cells[i])) return 0;
        cap = cells[i];
    }
    char *src = img ? img_src(e, img) : NULL;
    if (!src) return 0;
    puts_(e, "<figure>");
    put_img_alt(e, src, img, repeats_alt(img, cap) ? "" : attr(img, "alt"));
    free(src);
    if (cap) {
        puts_(e, "<figcaption>");
        e->space = 1;
        emit_inline_children(e, cap, 1);
        trim_tail(e, 0, 0);
        puts_(e, "</figcaption>");
    }
    puts_(e, "</figure>");
    e->space = 1;
    return 1;
}

static void emit_table(em *e, xmlNodePtr n, int depth)
{
    xmlNodePtr rows[512];
    size_t nr = 0;
    collect_rows(n, rows, &nr, sizeof rows / sizeof rows[0]);
    if (nr == 0 || depth > OV_TRANSFORM_MAX_DEPTH || e->tables >= OV__MAX_TABLE_NEST) { emit_block_children(e, n, depth); return; }
    if (photo_table(e, rows, nr)) return;
    e->tables++;
    puts_(e, "<table>");
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && is(k, "caption")) {
            puts_(e, "<caption>");
            emit_inline_children(e, k, depth);
            puts_(e, "</caption>");
            break;
        }
    puts_(e, "<tbody>");
    for (size_t r = 0; r < nr; r++) {
        size_t start = e->out.len;
        int cells = 0;
        puts_(e, "<tr>");
        for (xmlNodePtr c = rows[r]->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || !(is(c, "td") || is(c, "th"))) continue;
            puts_(e, is(c, "th") ? "<th>" : "<td>");
            emit_flow(e, c, depth + 1);
            puts_(e, is(c, "th") ? "</th>" : "</td>");
            cells++;
        }
        if (cells) puts_(e, "</tr>");
        else if (e->rc == 0) { e->out.len = start; e->out.data[start] = '\0'; }
    }
    puts_(e, "</tbody></table>");
    e->tables--;
}

static void emit_heading(em *e, xmlNodePtr n, int depth)
{
    int lvl = n->name[1] - '0' + e->shift;
    char *t = ov__node_text(n, 4096);
    int dup = !t[0] || ov__same_title(t, e->c->art->title);
    free(t);
    if (dup) return;
    if (lvl < 2) lvl = 2;
    if (lvl > 6) lvl = 6;
    char open[8], shut[8];
    snprintf(open, sizeof open, "<h%d>", lvl);
    snprintf(shut, sizeof shut, "</h%d>", lvl);
    close_p(e);
    puts_(e, open);
    e->space = 1;
    emit_inline_children(e, n, depth);
    puts_(e, shut);
    e->space = 1;
}

static void emit_figure(em *e, xmlNodePtr n, int depth)
{
    xmlNodePtr img = NULL, cap = NULL, cur = n->children;
    while (cur && cur != n) {
        if (cur->type == XML_ELEMENT_NODE) {
            if (is(cur, "img") && !img) img = cur;
            if (is(cur, "figcaption") && !cap) cap = cur;
            if (cur->children && !is(cur, "figcaption")) { cur = cur->children; continue; }
        }
        while (cur != n && !cur->next) cur = cur->parent;
        if (cur == n) break;
        cur = cur->next;
    }
    char *src = img ? img_src(e, img) : NULL;
    if (!src && img) {
        for (cur = img->parent ? img->parent->children : NULL; cur && !src; cur = cur->next)
            if (cur->type == XML_ELEMENT_NODE && is(cur, "noscript"))
                for (xmlNodePtr k = cur->children; k && !src; k = k->next)
                    if (k->type == XML_ELEMENT_NODE && is(k, "img")) { img = k; src = img_src(e, k); }
    }
    if (!src) { if (cap) { open_p(e); emit_inline_children(e, cap, depth); close_p(e); } return; }
    close_p(e);
    puts_(e, "<figure>");
    /* no figcaption: a caption line right after the figure is its caption */
    xmlNodePtr after = cap ? NULL : next_elem(n);
    if (after && caption_like(after)) cap = after;
    put_img_alt(e, src, img, repeats_alt(img, cap) ? "" : attr(img, "alt"));
    free(src);
    if (cap) {
        puts_(e, "<figcaption>");
        e->space = 1;
        if (cap == after) { emit_inline(e, cap, depth + 1); consume(e, after); }
        else emit_inline_children(e, cap, depth);
        trim_tail(e, 0, 0);
        puts_(e, "</figcaption>");
    }
    puts_(e, "</figure>");
    e->space = 1;
}

static int only_img(xmlNodePtr n, xmlNodePtr *img)
{
    *img = NULL;
    xmlNodePtr cur = n->children;
    while (cur && cur != n) {
        if (cur->type == XML_TEXT_NODE) {
            for (const xmlChar *p = cur->content; p && *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return 0;
        } else if (cur->type == XML_ELEMENT_NODE) {
            if (is(cur, "img")) { if (*img) return 0; *img = cur; }
            else if (!is(cur, "a") && !is(cur, "span") && !is(cur, "picture") && !is(cur, "source") && !is(cur, "noscript") && !is(cur, "center")) return 0;
            if (cur->children && !is(cur, "noscript")) { cur = cur->children; continue; }
        }
        while (cur != n && !cur->next) cur = cur->parent;
        if (cur == n) break;
        cur = cur->next;
    }
    return *img != NULL;
}

static void emit_block(em *e, xmlNodePtr n, int depth)
{
    xmlNodePtr img;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const xmlChar *p = n->content;
        while (p && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
        if (!p || !*p) { if (e->p_open) text(e, " ", 0); return; }
        open_p(e);
        text(e, (const char *)n->content, 0);
        e->brs = 0;
        return;
    }
    if (n->type != XML_ELEMENT_NODE || name_in(n, SKIP) || consumed(e, n)) return;
    if (is(n, "noscript")) {
        /* only a real image (not a tracking pixel) after a scripted one */
        xmlNodePtr prev = n->prev;
        while (prev && prev->type != XML_ELEMENT_NODE) prev = prev->prev;
        if (!e->p_open && (!prev || !(is(prev, "img") || is(prev, "picture") || only_img(prev, &img))))
            for (xmlNodePtr k = n->children; k; k = k->next)
                if (k->type == XML_ELEMENT_NODE && is(k, "img")) { block_img(e, k, k); break; }
        return;
    }
    if (dropped(e, n)) return;
    if (depth > OV_TRANSFORM_MAX_DEPTH) { open_p(e); flatten(e, n); return; }
    if (n->name[0] && (n->name[0] == 'h' || n->name[0] == 'H') && n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2]) emit_heading(e, n, depth);
    else if (is(n, "ul") || is(n, "ol")) { close_p(e); emit_list(e, n, depth); }
    else if (is(n, "table")) { close_p(e); emit_table(e, n, depth); }
    else if (is(n, "figure")) emit_figure(e, n, depth);
    else if (is(n, "blockquote")) { close_p(e); puts_(e, "<blockquote>"); emit_flow(e, n, depth); close_p(e); puts_(e, "</blockquote>"); }
    else if (is(n, "pre")) {
        close_p(e);
        puts_(e, "<pre>");
        xmlChar *raw = xmlNodeGetContent(n);
        if (raw) text(e, (const char *)raw, 1);
        xmlFree(raw);
        puts_(e, "</pre>");
        e->space = 1;
    } else if (is(n, "hr")) { close_p(e); puts_(e, "<hr/>"); }
    else if (is(n, "br")) {
        if (e->p_open && ++e->brs >= 2) close_p(e);
        else if (e->p_open) { puts_(e, "<br/>"); e->space = 1; }
    } else if (is(n, "img") && !e->p_open) block_img(e, n, n);
    else if (!e->p_open && (is(n, "p") || is(n, "div") || is(n, "a") || is(n, "span") || is(n, "picture") || is(n, "center")) && only_img(n, &img)) block_img(e, img, n);
    else if (name_in(n, BLOCKS) || has_block(n)) {
        close_p(e);
        emit_block_children(e, n, depth);
        close_p(e);
    } else {
        open_p(e);
        e->brs = 0;
        int was = e->in_para;
        e->in_para = 1;
        emit_inline(e, n, depth);
        e->in_para = was;
    }
}

static int body_has_h1(ov__ctx *c, xmlNodePtr *roots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr cur = roots[i];
        while (cur) {
            if (cur->type == XML_ELEMENT_NODE && is(cur, "h1")) {
                char *t = ov__node_text(cur, 4096);
                int other = t[0] && !ov__same_title(t, c->art->title);
                free(t);
                if (other) return 1;
            }
            if (cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
            while (cur && cur != roots[i] && !cur->next) cur = cur->parent;
            if (!cur || cur == roots[i]) break;
            cur = cur->next;
        }
    }
    return 0;
}

int ov__emit(ov__ctx *c, xmlNodePtr *roots, size_t n, ov_error *err)
{
    em *e = calloc(1, sizeof *e);
    int rc = 0;
    if (!e) return ov_error_set(err, OV_ENOMEM, c->art->url, "out of memory");
    e->c = c;
    e->out.limit = OV__BODY_MAX;
    e->space = 1;
    e->shift = body_has_h1(c, roots, n) ? 1 : 0;
    for (size_t i = 0; i < c->art->n_images && e->rc == 0; i++) /* any the article has already */
        if (ov__hmap_put(&e->imgs, c->art->images[i], 0, NULL) < 0) e->rc = OV_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        emit_block(e, roots[i], 0);
        close_p(e);
    }
    if (e->rc == 0 && e->out.len == 0) {
        rc = ov_error_set(err, OV_ENOTFOUND, c->art->url, "no article content found");
        goto cleanup;
    }
    if (e->rc != 0) {
        rc = ov_error_set(err, e->rc, c->art->url, e->rc == OV_ELIMIT ? "article body over the %u-byte limit" : "out of memory writing the body (limit %u)", OV__BODY_MAX);
        goto cleanup;
    }
    free(c->art->body_xhtml);
    c->art->body_xhtml = ov__buf_detach(&e->out, NULL);
cleanup:
    ov__buf_free(&e->out);
    ov__hmap_free(&e->imgs);
    free(e);
    return rc;
}
