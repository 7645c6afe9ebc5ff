/* meta.c - article metadata from <meta>, JSON-LD, <title>, <time>, links
 * and inline text patterns; language detection from the text. */
#include <ctype.h>
#include <json-c/json.h>
#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/transform_priv.h"
#include "transform/wordrun.h"
#include "util/buf.h"
#include "util/strset.h"

#define OV__META_TEXT_MAX 4096
/* Longest text block (bytes) read for a byline, date or source line. */
#define OV__META_SHORT_BLOCK 300

static void take(char **field, char *v)
{
    if (!*field && v && v[0]) *field = v;
    else free(v);
}

static void take_dup(char **field, const char *v)
{
    if (!*field && v && v[0]) *field = strdup(v);
}

/* ov__node_text; *cut set when the text reached max (was, or may have been, shortened). */
static char *node_text(xmlNodePtr n, size_t max, int *cut)
{
    ov__buf b = OV__BUF_INIT;
    int space = 0;
    xmlNodePtr cur = n ? n->children : NULL;
    while (cur && b.len < max) {
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            /* whitespace runs become one space; a word is copied at once but
             * ends, as if copied byte by byte, at the first byte past max */
            for (const xmlChar *p = cur->content; p && *p && b.len < max;) {
                size_t ws = 0;
                while (ov__text_cls[p[ws]] == 1) ws++;
                if (ws) { space = 1; p += ws; continue; }
                if (space && b.len) ov__buf_putc(&b, ' ');
                space = 0;
                /* never looked at past the room: a 10 MB word costs no more than a short one */
                size_t room = b.len < max ? max - b.len : 1, take = ov__word_run(p, room);
                ov__buf_put(&b, p, take);
                p += take;
            }
        }
        /* the names below start with r, s or b (either case): others need no compare */
        unsigned lead = cur->type == XML_ELEMENT_NODE && cur->name ? (cur->name[0] | 0x20u) : 0;
        int skip = (lead == 'r' || lead == 's') &&
                   (ov__name_eq(cur->name, BAD_CAST "rt") || ov__name_eq(cur->name, BAD_CAST "rp") ||
                    ov__name_eq(cur->name, BAD_CAST "script") || ov__name_eq(cur->name, BAD_CAST "style"));
        if (lead == 'b' && ov__name_eq(cur->name, BAD_CAST "br")) space = 1;
        if (cur->children && cur->type == XML_ELEMENT_NODE && !skip) { cur = cur->children; continue; }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
    *cut = b.len >= max;
    /* never cut inside a UTF-8 sequence */
    if (b.len >= max) {
        /* back to the start of the last sequence; drop it unless complete */
        size_t start = b.len;
        while (start && ((unsigned char)b.data[start - 1] & 0xC0) == 0x80) start--;
        if (start) {
            unsigned char lead = (unsigned char)b.data[start - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (b.len - (start - 1) < need) { b.len = start - 1; b.data[b.len] = '\0'; }
        }
    }
    if (!b.data) return strdup("");
    return ov__buf_detach(&b, NULL);
}

char *ov__node_text(xmlNodePtr n, size_t max)
{
    int cut;
    return node_text(n, max, &cut);
}

char *ov__node_text_cut(xmlNodePtr n, size_t max, int *cut)
{
    return node_text(n, max, cut);
}

char *ov__abs_url(const ov__ctx *c, const char *ref, int links)
{
    if (!ref) return NULL;
    while (*ref == ' ' || *ref == '\n' || *ref == '\t') ref++;
    if (!*ref) return NULL;
    const char *base = c->m.base ? c->m.base : c->art ? c->art->url : NULL;
    xmlChar *u = xmlBuildURI(BAD_CAST ref, BAD_CAST(base ? base : ""));
    if (!u) return NULL;
    const char *s = (const char *)u;
    int ok = !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) ||
             (links && !strncasecmp(s, "mailto:", 7)) || (!strchr(s, ':') && !links) ||
             (!links && !strncasecmp(s, "file:", 5)); /* a file: hyperlink is unwrapped */
    char *r = ok ? strdup(s) : NULL;
    xmlFree(u);
    return r;
}

static const char *const title_seps[] = {" - ", " -- ", "--", " | ", " – ", " — ", "_", "｜", " :: ", "－", " · ",
                                          " « ", " » ", " @ ", "|", " ::", "\xe2\x80\x95\xe2\x80\x95", "\xe2\x80\x95"};
#define OV__N_SEPS (sizeof title_seps / sizeof title_seps[0])
/* Longest part of a title cut without a known site name (bytes): section
 * and site names are short; "Dress -- STOLEN!!!" is not a site. */
#define OV__SUFFIX_PART_MAX 36

/* The separators' first bytes ('-' too, for the bare one), set once. */
static unsigned char sep_first[256];
static pthread_once_t sep_first_once = PTHREAD_ONCE_INIT;
static void sep_first_init(void)
{
    for (size_t i = 0; i < OV__N_SEPS; i++) sep_first[(unsigned char)title_seps[i][0]] = 1;
    sep_first['-'] = 1;
}

/* The separator at `p` (never the first byte of a title), its length, or 0.
 * A bare "-" separates only before a non-ASCII character and after one or
 * a blank: CJK titles write "标题-栏目-网站", while "e-mail" or "2-1" is text. */
static size_t sep_at(const char *p)
{
    pthread_once(&sep_first_once, sep_first_init);
    if (!sep_first[(unsigned char)*p]) return 0; /* most bytes of a title */
    for (size_t i = 0; i < OV__N_SEPS; i++)
        if (*p == title_seps[i][0] && !strncmp(p, title_seps[i], strlen(title_seps[i])))
            return strlen(title_seps[i]);
    if (p[0] == '-' && (((unsigned char)p[-1] & 0x80) || p[-1] == ' ') && (unsigned char)p[1] >= 0xC0) return 1;
    return 0;
}

static char *trim_dup(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    return strndup(s, n);
}

char *ov__strip_site_suffix(const char *title, const char *const *sites, int generic, char **site)
{
    if (site) *site = NULL;
    size_t len = strlen(title);
    /* 1. the suffix starts with a name the site gives itself: cut before it */
    for (const char *p = title + 1; sites && *p; p++) {
        size_t sl = sep_at(p);
        if (!sl) continue;
        const char *tail = p + sl;
        while (*tail == ' ') tail++;
        for (size_t i = 0; sites[i]; i++) {
            if (!sites[i][0] || !ov__letters_prefix(tail, sites[i])) continue;
            if (site) *site = strdup(sites[i]);
            return trim_dup(title, (size_t)(p - title));
        }
    }
    if (!generic) return strdup(title);
    /* 2. a short last part after the last separator, then short parts
     *    before it after the same separator ("Title_Section_Site") */
    const char *last = NULL;
    size_t lastlen = 0;
    for (const char *p = title + 1; *p; p++) {
        size_t sl = sep_at(p);
        if (sl) { last = p; lastlen = sl; p += sl - 1; }
    }
    if (!last) return strdup(title);
    size_t head = (size_t)(last - title), tail = len - head - lastlen;
    if (tail > head || tail > OV__SUFFIX_PART_MAX) return strdup(title);
    if (site) *site = trim_dup(last + lastlen, tail);
    for (;;) {
        /* the previous part, after the same separator */
        const char *prev = NULL;
        for (const char *p = title + 1; p < title + head; p++)
            if (sep_at(p) == lastlen && !strncmp(p, last, lastlen)) prev = p;
        if (!prev) break;
        size_t part = head - (size_t)(prev - title) - lastlen;
        if (part > OV__SUFFIX_PART_MAX || part * 2 > (size_t)(prev - title)) break;
        head = (size_t)(prev - title);
    }
    return trim_dup(title, head);
}

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (ov__name_eq(a->name, BAD_CAST name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

/* Ranked <meta> keys (lower wins), in the order Readability.js reads them,
 * so a page's Dublin Core title beats its social title. */
enum { F_TITLE, F_AUTHOR, F_DESC, F_DATE, F_SITE, F_APP, F_LOCALE, F_URL, F_IMAGE };
static const struct { const char *key; int field, rank; } meta_keys[] = {
    {"dc:title", F_TITLE, 1}, {"dcterm:title", F_TITLE, 2}, {"og:title", F_TITLE, 3},
    {"weibo:article:title", F_TITLE, 4}, {"weibo:webpage:title", F_TITLE, 5}, {"title", F_TITLE, 6},
    {"twitter:title", F_TITLE, 7}, {"parsely-title", F_TITLE, 8},
    {"dc:creator", F_AUTHOR, 1}, {"dcterm:creator", F_AUTHOR, 2}, {"author", F_AUTHOR, 3},
    {"parsely-author", F_AUTHOR, 4}, {"article:author", F_AUTHOR, 5}, {"sailthru.author", F_AUTHOR, 6},
    {"byl", F_AUTHOR, 7},
    {"dc:description", F_DESC, 1}, {"dcterm:description", F_DESC, 2}, {"og:description", F_DESC, 3},
    {"weibo:article:description", F_DESC, 4}, {"weibo:webpage:description", F_DESC, 5},
    {"description", F_DESC, 6}, {"twitter:description", F_DESC, 7},
    {"article:published_time", F_DATE, 1}, {"parsely-pub-date", F_DATE, 2}, {"datepublished", F_DATE, 3},
    {"pubdate", F_DATE, 4}, {"publishdate", F_DATE, 5}, {"dc:date:issued", F_DATE, 6}, {"dc:date", F_DATE, 7},
    {"sailthru.date", F_DATE, 8}, {"article:published", F_DATE, 9}, {"article.published", F_DATE, 9},
    {"og:site_name", F_SITE, 1}, {"application-name", F_APP, 1}, {"og:locale", F_LOCALE, 1},
    {"og:url", F_URL, 1}, {"og:image", F_IMAGE, 1},
};

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A <meta> value escaped twice ("&amp;quot;" in the source, "&quot;" once
 * parsed), as CMSs often write them: decode the basic named and numeric
 * references once more (an invalid code point becomes U+FFFD, a malformed
 * reference stays as it is). Never longer than the input. malloc'd. */
static char *unescape_twice_escaped(const char *v)
{
    static const struct { const char *name; char c; } named[] = {
        {"quot;", '"'}, {"amp;", '&'}, {"apos;", '\''}, {"lt;", '<'}, {"gt;", '>'}};
    size_t n = strlen(v), o = 0;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    for (size_t i = 0; i < n;) {
        if (v[i] == '&') {
            size_t k;
            for (k = 0; k < sizeof named / sizeof named[0]; k++) {
                size_t l = strlen(named[k].name);
                if (!strncmp(v + i + 1, named[k].name, l)) {
                    r[o++] = named[k].c;
                    i += 1 + l;
                    break;
                }
            }
            if (k < sizeof named / sizeof named[0]) continue;
            if (v[i + 1] == '#') {
                int hex = v[i + 2] == 'x' || v[i + 2] == 'X';
                const char *d = v + i + 2 + hex, *e = d;
                unsigned long cp = 0;
                int big = 0;
                while (hex ? isxdigit((unsigned char)*e) : isdigit((unsigned char)*e)) {
                    int dv = isdigit((unsigned char)*e) ? *e - '0' : (tolower((unsigned char)*e) - 'a' + 10);
                    if (cp > 0x10FFFF) big = 1;
                    else cp = cp * (hex ? 16 : 10) + (unsigned long)dv;
                    e++;
                }
                /* the reference is at least 4 bytes ("&#1;"), a UTF-8 sequence at most 4 */
                if (e > d && *e == ';' && (size_t)(e + 1 - (v + i)) >= 4) {
                    o += put_utf8(r + o, big ? 0x110000 : cp);
                    i = (size_t)(e + 1 - v);
                    continue;
                }
            }
        }
        r[o++] = v[i++];
    }
    r[o] = '\0';
    return r;
}

/* Keep `v` in *field when its rank beats the one held; a property= key
 * beats a name= key of the same rank (half a rank), else the first wins. */
static void take_ranked(char **field, int *held, int rank2, const char *v)
{
    if (!v || !v[0] || (*held && *held <= rank2)) return;
    char *d = unescape_twice_escaped(v);
    if (!d) return;
    free(*field);
    *field = d;
    *held = rank2;
}

static int home_href(const char *href);

/* `url` names a site's front page and the page is not that front page (its
 * address has a path, or is a saved file's): tags that give it (og:url, a
 * canonical link) describe the site, not this page (a blog post whose
 * og:title is the blog's slogan). */
static int front_for_page(const ov__ctx *c, const char *url)
{
    const char *page = c->art ? c->art->url : NULL;
    return url && home_href(url) && !(page && home_href(page));
}

static void meta_key(ov__ctx *c, const char *key, size_t kl, int is_property, const char *v)
{
    char k[48];
    if (kl == 0 || kl >= sizeof k) return;
    /* "DC.title" -> "dc:title", "dc.date.issued" -> "dc:date:issued" */
    for (size_t i = 0; i < kl; i++) {
        char ch = key[i];
        k[i] = ch == '.' && i + 1 < kl && strncasecmp(key, "sailthru", 8) && strncasecmp(key, "article.", 8) ? ':'
               : (char)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
    }
    k[kl] = '\0';
    for (size_t i = 0; i < sizeof meta_keys / sizeof meta_keys[0]; i++) {
        if (strcmp(k, meta_keys[i].key)) continue;
        int r2 = meta_keys[i].rank * 2 + (is_property ? 0 : 1);
        switch (meta_keys[i].field) {
        case F_TITLE: take_ranked(&c->m.og_title, &c->m.title_rank, r2, v); break;
        case F_DESC: take_ranked(&c->m.description, &c->m.desc_rank, r2, v); break;
        case F_DATE: take_ranked(&c->m.pub_time, &c->m.date_rank, r2, v); break;
        case F_AUTHOR: {
            /* "byl" carries "By Jane Doe"; article:author is often a URL */
            const char *a = v;
            while (*a == ' ') a++;
            if (!strncasecmp(a, "By ", 3)) a += 3;
            if (ov__byline_plausible(a, NULL)) take_ranked(&c->m.author, &c->m.author_rank, r2, a);
            break;
        }
        case F_SITE: take_dup(&c->m.og_site, v); break;
        case F_APP: take_dup(&c->m.app_name, v); break;
        case F_LOCALE: take_dup(&c->m.og_locale, v); break;
        case F_URL:
            if (front_for_page(c, v)) c->m.og_front = 1;
            else if (!c->m.canonical) take(&c->m.canonical, ov__abs_url(c, v, 1));
            break;
        case F_IMAGE: if (!c->m.og_image) take(&c->m.og_image, ov__abs_url(c, v, 0)); break;
        default: break;
        }
        return;
    }
}

static void on_meta(ov__ctx *c, xmlNodePtr n)
{
    const char *he = attr(n, "http-equiv"), *v = attr(n, "content");
    if (!v) return;
    if (he && ov__ascii_ieq(he, "content-language")) take_dup(&c->m.meta_lang, v);
    /* property= may hold several keys: "og:title twitter:title" */
    const char *prop = attr(n, "property");
    for (const char *p = prop; p && *p;) {
        while (*p == ' ' || *p == '\t') p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t') e++;
        meta_key(c, p, (size_t)(e - p), 1, v);
        p = e;
    }
    const char *nm = attr(n, "name");
    if (!nm) nm = attr(n, "itemprop");
    if (nm) {
        while (*nm == ' ') nm++;
        size_t l = strlen(nm);
        while (l && nm[l - 1] == ' ') l--;
        meta_key(c, nm, l, 0, v);
    }
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v)) return NULL;
    if (json_object_is_type(v, json_type_string)) return json_object_get_string(v);
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0)
        v = json_object_array_get_idx(v, 0);
    if (json_object_is_type(v, json_type_string)) return json_object_get_string(v);
    if (json_object_is_type(v, json_type_object)) {
        const char *s = jstr(v, "name");
        return s ? s : jstr(v, "url");
    }
    return NULL;
}

static void ld_authors(ov__ctx *c, json_object *o)
{
    json_object *v;
    if (c->m.ld_author || !json_object_object_get_ex(o, "author", &v)) return;
    if (!json_object_is_type(v, json_type_array)) {
        take_dup(&c->m.ld_author, jstr(o, "author"));
        return;
    }
    ov__buf b = OV__BUF_INIT;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *e = json_object_array_get_idx(v, i);
        const char *s = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : jstr(e, "name");
        if (!s) continue;
        if (b.len) ov__buf_puts(&b, ", ");
        ov__buf_puts(&b, s);
    }
    take(&c->m.ld_author, b.data ? ov__buf_detach(&b, NULL) : NULL);
}

static void on_ld_object(ov__ctx *c, json_object *o, int depth)
{
    if (!o || depth > 4) return;
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++) on_ld_object(c, json_object_array_get_idx(o, i), depth + 1);
        return;
    }
    if (!json_object_is_type(o, json_type_object)) return;
    json_object *g;
    if (json_object_object_get_ex(o, "@graph", &g)) on_ld_object(c, g, depth + 1);
    const char *type = jstr(o, "@type");
    if (!type || (!strstr(type, "Article") && !strstr(type, "Posting") && strcmp(type, "Report") &&
                  strcmp(type, "APIReference") && strcmp(type, "WebPage")))
        return;
    if (!c->m.ld_headline && jstr(o, "headline")) take_dup(&c->m.ld_name, jstr(o, "name"));
    take_dup(&c->m.ld_headline, jstr(o, "headline"));
    if (strcmp(type, "WebPage")) take_dup(&c->m.ld_headline, jstr(o, "name"));
    ld_authors(c, o);
    take_dup(&c->m.ld_date, jstr(o, "datePublished"));
    take_dup(&c->m.ld_lang, jstr(o, "inLanguage"));
    json_object *pub;
    if (json_object_object_get_ex(o, "publisher", &pub)) take_dup(&c->m.ld_publisher, jstr(pub, "name"));
    /* An article's own JSON-LD description is its summary; og:description is
       often a shorter teaser written for sharing (as Readability.js, it wins
       over every meta tag). A WebPage's description is only a fallback. */
    take_ranked(&c->m.description, &c->m.desc_rank, strcmp(type, "WebPage") ? 1 : 99,
                jstr(o, "description"));
    const char *img = jstr(o, "image");
    if (img) take(&c->m.ld_image, ov__abs_url(c, img, 0));
}

static void on_ld(ov__ctx *c, xmlNodePtr n)
{
    char *txt = NULL;
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw) return;
    txt = (char *)raw;
    /* "<![CDATA[ {...} ]]>" and "//<![CDATA[" wrappers around the JSON */
    char *cd = strstr(txt, "<![CDATA[");
    if (cd) {
        txt = cd + 9;
        char *end = strstr(txt, "]]>");
        if (end) {
            while (end > txt && (end[-1] == '/' || end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t')) end--;
            *end = '\0';
        }
    }
    json_object *o = json_tokener_parse(txt);
    on_ld_object(c, o, 0);
    json_object_put(o);
    xmlFree(raw);
}

/* Candidates for the byline and the date found in the page's text, with
 * their place in document order: the one nearest after the headline wins
 * over one in a sidebar or a related list. Bounded: the first few only. */
#define OV__META_CANDS 24
typedef struct cand { char *v; long pos; } cand;
typedef struct cands {
    cand byline[OV__META_CANDS], dom_byline[OV__META_CANDS], date[OV__META_CANDS], time_dt[OV__META_CANDS];
    size_t n_byline, n_dom, n_date, n_time;
    long h1_pos[OV__META_CANDS];
    char *h1_text[OV__META_CANDS];
    size_t n_h1;
} cands;

static void cand_add(cand *arr, size_t *n, char *v, long pos)
{
    if (!v) return;
    if (*n >= OV__META_CANDS || !v[0]) { free(v); return; }
    arr[*n].v = v;
    arr[*n].pos = pos;
    (*n)++;
}

/* The first candidate at or after `from`, else the first one; taken out of the array. */
static char *cand_pick(cand *arr, size_t n, long from)
{
    size_t best = n;
    for (size_t i = 0; i < n && best == n; i++)
        if (arr[i].v && arr[i].pos >= from) best = i;
    if (best == n)
        for (size_t i = 0; i < n && best == n; i++)
            if (arr[i].v) best = i;
    if (best == n) return NULL;
    char *v = arr[best].v;
    arr[best].v = NULL;
    return v;
}

/* Class or id words of page furniture: sidebars, related lists, comments. */
static int furniture_word(const char *v)
{
    static const char *const w[] = {"sidebar", "related", "recommend", "comment", "footer", "widget", "rail", "promo",
                                    "popular", "trending", "more-stories", "also-read", "teaser", "nav", "menu", NULL};
    return v && ov__ascii_casestr_any(v, w);
}

/* Elements looked at under a block when asking whether it holds an h1. */
#define OV__FURNITURE_H1_SCAN 4000

/* Whether n holds an h1 among its first OV__FURNITURE_H1_SCAN elements. */
static int holds_h1(xmlNodePtr n)
{
    size_t seen = 0;
    xmlNodePtr cur = n->children;
    while (cur && seen < OV__FURNITURE_H1_SCAN) {
        if (cur->type == XML_ELEMENT_NODE) {
            seen++;
            if (ov__ascii_ieq((const char *)cur->name, "h1")) return 1;
            if (cur->children) {
                cur = cur->children;
                continue;
            }
        }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
    return 0;
}

/* Inside an aside, nav, footer or a block whose class/id names page
 * furniture. The root and body never count: their classes describe the
 * whole page ("ShowNavrail" on <html>). With headline_exempt, neither does
 * a block that holds an h1: it is the story's column, whatever its class
 * says ("YDC-Col1 ... --noRightRail"), as a byline or date beside the
 * headline is the article's. */
static int in_furniture_ex(xmlNodePtr n, int headline_exempt)
{
    int depth = 0;
    for (xmlNodePtr p = n; p && p->type == XML_ELEMENT_NODE && depth < OV_TRANSFORM_MAX_DEPTH; p = p->parent, depth++) {
        const char *nm = (const char *)p->name;
        if (ov__ascii_ieq(nm, "html") || ov__ascii_ieq(nm, "body")) break;
        if (ov__ascii_ieq(nm, "aside") || ov__ascii_ieq(nm, "nav") || ov__ascii_ieq(nm, "footer")) return 1;
        if ((furniture_word(attr(p, "class")) || furniture_word(attr(p, "id"))) &&
            !(headline_exempt && holds_h1(p)))
            return 1;
    }
    return 0;
}

static int in_furniture(xmlNodePtr n)
{
    return in_furniture_ex(n, 0);
}

/* An element that names the author: rel=author, itemprop=author, or a
 * class/id with byline, author, writtenby (as Readability.js looks). */
static int byline_element(xmlNodePtr n)
{
    const char *rel = attr(n, "rel"), *ip = attr(n, "itemprop"), *cl = attr(n, "class"), *id = attr(n, "id");
    if (rel && ov__ascii_ieq(rel, "author")) return 1;
    if (ip && ov__ascii_casestr(ip, "author")) return 1;
    static const char *const names[] = {"byline", "author", "writtenby", NULL};
    static const char *const other[] = {"bio", "avatar", "about", "comment", NULL};
    const char *v[] = {cl, id};
    for (size_t i = 0; i < 2; i++)
        if (v[i] && ov__ascii_casestr_any(v[i], names) && !ov__ascii_casestr_any(v[i], other)) return 1;
    return 0;
}

/* Inside an author element, the node that holds just the name: an
 * itemprop=name, or a link to the author's page (rel=author, /author/,
 * /people/, /writer/, /profile/), so "Ben Silverman Games Editor" and
 * "Tech Insider Alex Perry 1 day ago SHARE" give the name alone. */
static xmlNodePtr author_name_node(xmlNodePtr n, int depth)
{
    static const char *paths[] = {"/author", "/people/", "/writer/", "/profile/", "/autor"};
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        const char *ip = attr(k, "itemprop"), *rel = attr(k, "rel"), *href = attr(k, "href");
        if (ip && ov__ascii_ieq(ip, "name")) return k;
        if (ov__name_eq(k->name, BAD_CAST "a")) {
            if (rel && ov__ascii_ieq(rel, "author")) return k;
            for (size_t i = 0; href && i < sizeof paths / sizeof paths[0]; i++)
                if (ov__ascii_casestr(href, paths[i])) return k;
        }
        xmlNodePtr d = depth < 8 ? author_name_node(k, depth + 1) : NULL;
        if (d) return d;
    }
    return NULL;
}

/* The byline an author element shows: its itemprop=name child when it has
 * one, without a leading "By"; NULL when implausible. */
static char *dom_byline_text(xmlNodePtr n)
{
    xmlNodePtr name = author_name_node(n, 0);
    char *t = ov__node_text(name ? name : n, 200);
    if (!t) return NULL;
    /* "記者 陳美玲／臺北報導", "By Jane Doe, March 3": the name after the marker */
    char *in = ov__byline_inline(t);
    if (in) {
        free(t);
        t = in;
    }
    char *p = t;
    if (!strncasecmp(p, "By ", 3) || !strncasecmp(p, "Par ", 4) || !strncasecmp(p, "Von ", 4))
        p += p[2] == ' ' ? 3 : 4;
    while (*p == ' ' || *p == ':') p++;
    /* "James Akinaka • 8h", "Jane Doe | Staff": the name ends at a separator */
    static const char *ends[] = {" \xe2\x80\xa2", " | ", " \xc2\xb7 ", " \xe2\x80\x94 ", " - "};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        char *e = strstr(p, ends[i]);
        if (e && e > p) *e = '\0';
    }
    char *r = ov__byline_plausible(p, NULL) && strlen(p) < 100 ? strdup(p) : NULL;
    free(t);
    return r;
}

/* Longest copyright text kept (bytes, all lines). */
#define OV__COPYRIGHT_MAX 2048
/* Longest h1 text read as a site name, and all of them (bytes). */
#define OV__H1_NAME_MAX 80
#define OV__H1_NAMES_MAX 1024

/* A line that names the page's owner: "© 2026 Example News", "版權所有". */
static int copyright_line(const char *t)
{
    /* "©", "copyright", "all rights reserved", 版權所有 or 版权所有, ASCII
     * letters in any case. Only ASCII folds, so the sign and the CJK words
     * are matched exactly, each list the fast way: a 0xE7 lead byte starts
     * a good share of CJK text, and a case-folding scan would stop at each */
    static const char *const latin[] = {"copyright", "all rights reserved", NULL};
    static const char *const cjk[] = {"\xe7\x89\x88\xe6\xac\x8a\xe6\x89\x80\xe6\x9c\x89",
                                      "\xe7\x89\x88\xe6\x9d\x83\xe6\x89\x80\xe6\x9c\x89", NULL};
    static ov__strset cjk_words = OV__STRSET(cjk);
    return strstr(t, "\xc2\xa9") || ov__ascii_casestr_any(t, latin) || ov__strset_any(&cjk_words, t);
}

/* Add the line `t` to the list `*list` while it stays under `max` bytes. */
static void keep_line(char **list, const char *t, size_t max)
{
    size_t have = *list ? strlen(*list) : 0, n = strlen(t);
    if (have + n + 2 > max) return;
    char *m = realloc(*list, have + n + 2);
    if (!m) return;
    if (have) m[have++] = '\n';
    memcpy(m + have, t, n + 1);
    *list = m;
}

/* Short text blocks may hold the byline, date and source line. */
static void on_text_block(ov__ctx *c, cands *k, xmlNodePtr n, long pos)
{
    /* only a short text is read: never more of it than that */
    int cut = 0;
    char *t = node_text(n, OV__META_SHORT_BLOCK, &cut);
    char date[OV__DATE_MAX];
    if (t && !cut) {
        char *by = ov__byline_inline(t);
        char *src = c->m.inline_source ? NULL : ov__source_inline(t);
        int have_date = strlen(t) < 160 && ov__date_parse(t, date);
        if ((by || have_date) && in_furniture_ex(n, 1)) {
            free(by);
            by = NULL;
            have_date = 0;
        }
        if (by && !ov__byline_plausible(by, NULL)) { free(by); by = NULL; }
        cand_add(k->byline, &k->n_byline, by, pos);
        if (src) c->m.inline_source = src;
        if (copyright_line(t)) keep_line(&c->m.copyright, t, OV__COPYRIGHT_MAX);
        if (have_date) cand_add(k->date, &k->n_date, strdup(date), pos);
    }
    free(t);
}

static int is_block(const xmlChar *name)
{
    static const char *b[] = {"p", "div", "span", "li", "td", "time", "address", "small", "em", "font", "section", "header"};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (ov__name_eq(name, BAD_CAST b[i])) return 1;
    return 0;
}

static int leafish(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && (ov__name_eq(k->name, BAD_CAST "div") || ov__name_eq(k->name, BAD_CAST "p")))
            return 0;
    return 1;
}

/* Where the headline is: the h1 whose text is the page's title (from
 * JSON-LD, <meta> or <title>), else the first h1; -1 when there is none. */
static long headline_pos(const ov__ctx *c, const cands *k)
{
    const char *titles[] = {c->m.ld_headline, c->m.og_title, c->m.title};
    for (size_t t = 0; t < 3; t++) {
        if (!titles[t]) continue;
        for (size_t i = 0; i < k->n_h1; i++)
            if (k->h1_text[i][0] && (ov__same_title(k->h1_text[i], titles[t]) || ov__letters_prefix(titles[t], k->h1_text[i])))
                return k->h1_pos[i];
    }
    return k->n_h1 ? k->h1_pos[0] : -1;
}

static void cands_decide(ov__ctx *c, cands *k)
{
    long from = headline_pos(c, k);
    if (from < 0) from = 0;
    c->m.inline_byline = cand_pick(k->byline, k->n_byline, from);
    c->m.dom_byline = cand_pick(k->dom_byline, k->n_dom, from);
    c->m.inline_date = cand_pick(k->date, k->n_date, from);
    c->m.time_dt = cand_pick(k->time_dt, k->n_time, from);
    /* the first h1 is still what the title falls back to */
    if (k->n_h1 && !c->m.h1) {
        c->m.h1 = k->h1_text[0];
        k->h1_text[0] = NULL;
    }
    for (size_t i = 0; i < OV__META_CANDS; i++) {
        free(k->byline[i].v);
        free(k->dom_byline[i].v);
        free(k->date[i].v);
        free(k->time_dt[i].v);
        free(k->h1_text[i]);
    }
}

/* Longest heading text read as a title candidate (bytes). */
#define OV__HEADING_MAX 400

/* 1 when `s` holds a letter or digit. */
static int has_letter(const char *s)
{
    for (const char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && ov__letter_at(p)) return 1;
    return 0;
}

static size_t ws_at(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') return 1;
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) return 2;             /* NBSP */
    if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
        return 3; /* ideographic space */
    return 0;
}

/* After a heading's last letter in a <title>: closing quotes, brackets and
 * stops the heading ends with ("“红月亮”", "(圖)", "Why?"), then blanks. */
static const char *after_heading(const char *p)
{
    static const char *close[] = {"\"", "'", ")", "]", "!", "?", ".", "\xe2\x80\x9d", "\xe2\x80\x99", "\xe2\x80\xa6",
                                  "\xe3\x80\x8d", "\xe3\x80\x8f", "\xe3\x80\x91", "\xe3\x80\x8b", "\xe3\x80\x82",
                                  "\xef\xbc\x89", "\xef\xbc\x81", "\xef\xbc\x9f"};
    for (int more = 1; more;) {
        more = 0;
        for (size_t i = 0; i < sizeof close / sizeof close[0]; i++)
            if (!strncmp(p, close[i], strlen(close[i]))) { p += strlen(close[i]); more = 1; }
    }
    return p;
}

/* Longest first part before a heading that ends the <title> (bytes):
 * blog names run longer than section names ("Mish's Global Economic Trend
 * Analysis: Headline"). */
#define OV__PREFIX_PART_MAX 64

/* A separator after the first part of a <title> that ends with the
 * heading: a title separator, or the colon and chevron blogs write
 * ("Blog Name: Post", "Blog › Post"), as Readability.js reads ": ". */
static size_t prefix_sep_at(const char *p)
{
    size_t sl = sep_at(p);
    if (sl) return sl;
    if (p[0] == ':' && p[1] == ' ') return 2;
    if (!strncmp(p, " \xe2\x80\xba ", 5)) return 5; /* " › " */
    return 0;
}

/* A mark some blogs put between a blank and their name after the post's
 * title ("Post :zenhabits", "Post // Site", "Post / Site (@site)"). */
static int suffix_mark(const char *p)
{
    static const char *marks[] = {":", "/", "\\", "\xc2\xbb", "\xe2\x80\xba", "\xe2\x80\xa2", "~"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (!strncmp(p, marks[i], strlen(marks[i]))) return 1;
    return 0;
}

/* The <title> past blanks and marks before its first word ("  » Post :Site"). */
static const char *title_start(const char *title)
{
    for (size_t n = 1; n;) {
        n = ws_at(title);
        if (!n && suffix_mark(title)) n = (unsigned char)*title >= 0xE0 ? 3 : (unsigned char)*title >= 0xC0 ? 2 : 1;
        title += n;
    }
    return title;
}

/* How the document title holds the heading `h`: 1 when it begins with it
 * and nothing or a separator follows ("Headline - Site", "Headline｜Section";
 * not "Blog: Post", not "Headline goes on"); 2 when it ends with it after a
 * short first part and a separator ("Site - Headline", "Blog: Post"), *pre
 * set to the first part's length; else 0. */
static int title_holds(const char *title, const char *h, size_t *pre)
{
    if (!title || !h || !has_letter(h)) return 0;
    const char *rest = ov__letters_prefix(title_start(title), h);
    if (rest) {
        rest = after_heading(rest);
        size_t n, blank = 0;
        while ((n = ws_at(rest)) && !sep_at(rest)) { rest += n; blank = 1; }
        /* a blank parts "标题 栏目 网站" too; the caller asks more of a heading then */
        if (!*rest || sep_at(rest) || (blank && (ov__letter_at(rest) || suffix_mark(rest))) || !strncmp(rest, "::", 2))
            return 1;
    }
    for (const char *p = title + 1; *p && (size_t)(p - title) <= OV__PREFIX_PART_MAX; p++) {
        size_t sl = prefix_sep_at(p);
        if (!sl) continue;
        if (ov__same_title(p + sl, h)) {
            if (pre) *pre = (size_t)(p - title);
            return 2;
        }
        p += sl - 1;
    }
    return 0;
}

/* Is the first `n` bytes of `title` the site's name, as the page's
 * copyright line gives it ("自由電子報 版權所有", "© 2026 Example News")? */
static int copyright_names(const ov__ctx *c, const char *title, size_t n)
{
    char *site = trim_dup(title, n);
    int named = site && site[0] && c->m.copyright && strstr(c->m.copyright, site);
    free(site);
    return named;
}

/* Is `part` (up to punctuation) a name the site gives itself: one of
 * `sites`, or the text of an h1 (a blog's banner: "<h1>Seth's Blog</h1>"
 * over "Seth's Blog: Post")? */
static int site_named(const ov__ctx *c, const char *const *sites, const char *part)
{
    if (!part || !has_letter(part)) return 0;
    for (size_t i = 0; sites[i]; i++)
        if (ov__same_title(part, sites[i])) return 1;
    for (const char *l = c->m.h1_names; l && *l;) {
        size_t n = strcspn(l, "\n");
        char *name = strndup(l, n);
        int same = name && ov__same_title(part, name);
        free(name);
        if (same) return 1;
        l += n;
        if (*l) l++;
    }
    return 0;
}

/* The <title> begins with the heading `h`: is what follows it a site name
 * ("Post :zenhabits", "Post | Seth's Blog")? The whole rest, or the last
 * part of a short rest ("Post - Section - Site", not "Section - Post - Site"). */
static int rest_names_site(const ov__ctx *c, const char *const *sites, const char *title, const char *h)
{
    const char *rest = ov__letters_prefix(title_start(title), h);
    size_t n;
    if (!rest) return 0;
    rest = after_heading(rest);
    while ((n = ws_at(rest))) rest += n;
    /* a separator or a mark follows ("Post :Site"), not a word ("Site Scout - Post");
     * and the rest is no heading shown below this one: a banner comes first
     * ("<h1>Site</h1> ... <h1>Post</h1>" under "Site | Post") */
    if (!*rest || ov__letter_at(rest)) return 0;
    if (c->m.heading_end && ov__same_title(rest, c->m.heading_end) && c->m.heading_pos[1] > c->m.heading_pos[0]) return 0;
    if (site_named(c, sites, rest)) return 1;
    if (strlen(rest) > OV__SUFFIX_PART_MAX * 2) return 0;
    const char *last = NULL;
    for (const char *p = rest + 1; *rest && *p; p++) {
        size_t sl = sep_at(p);
        if (sl) { last = p + sl; p += sl - 1; }
    }
    return last && site_named(c, sites, last);
}

/* The <title> begins with the heading `h` and goes on with one more part
 * only, a short one ("Almost There - Hacker Monthly Blog", "Post | Blog
 * NameBlog Name"): that part is the site's, the heading the page's title. */
static int rest_one_part(const char *title, const char *h)
{
    const char *rest = ov__letters_prefix(title_start(title), h);
    size_t n, sl;
    if (!rest) return 0;
    rest = after_heading(rest);
    while (!(sl = sep_at(rest)) && (n = ws_at(rest))) rest += n;
    if (!sl) return 0;
    rest += sl;
    while ((n = ws_at(rest))) rest += n;
    if (!has_letter(rest) || strlen(rest) > OV__PREFIX_PART_MAX) return 0;
    for (const char *p = rest + 1; *p; p++)
        if (sep_at(p)) return 0;
    return 1;
}

/* The <title> is the heading it begins with, a separator and the heading
 * it ends with ("TED Blog | Post" over "<h1>TED Blog</h1> <h1>Post</h1>"). */
static int split_by_headings(const ov__ctx *c)
{
    if (!c->m.heading || !c->m.heading_end) return 0;
    char *first = trim_dup(c->m.title, c->m.heading_end_pre);
    int split = first && ov__same_title(first, c->m.heading);
    free(first);
    return split;
}

/* The first `pre` bytes of `title`, before the heading it ends with, name
 * the site: all of them, or their first part ("Popoholic » Blog Archive »
 * Post", "High Scalability - High Scalability - Post"). */
static int prefix_names_site(const ov__ctx *c, const char *const *sites, const char *title, size_t pre)
{
    char *part = trim_dup(title, pre);
    int named = part && (site_named(c, sites, part) || copyright_names(c, title, pre));
    for (char *p = part ? part + 1 : NULL; p && *p && !named; p++) {
        size_t sl = sep_at(p);
        if (!sl) continue;
        char *first = trim_dup(part, (size_t)(p - part));
        named = first && first[0] && site_named(c, sites, first);
        free(first);
        break;
    }
    free(part);
    return named;
}

/* An element that may show the headline: h1-h3, or a class/id naming a
 * title or headline (as trafilatura's title paths and GNE's h1-h3 match). */
/* nk: ov__ascii_key of n's name */
static int heading_like(xmlNodePtr n, uint64_t nk)
{
    if (nk == OV__ASCII_KEY("h1") || nk == OV__ASCII_KEY("h2") || nk == OV__ASCII_KEY("h3")) return 1;
    if (nk == OV__ASCII_KEY("title") || nk == OV__ASCII_KEY("head") || nk == OV__ASCII_KEY("html") ||
        nk == OV__ASCII_KEY("body") || nk == OV__ASCII_KEY("meta") || nk == OV__ASCII_KEY("link") ||
        nk == OV__ASCII_KEY("script") || nk == OV__ASCII_KEY("style") || nk == OV__ASCII_KEY("a"))
        return 0;
    static const char *const names[] = {"title", "headline", NULL};
    const char *v[] = {attr(n, "class"), attr(n, "id")};
    for (size_t i = 0; i < 2; i++)
        if (v[i] && ov__ascii_casestr_any(v[i], names)) return 1;
    return 0;
}

/* An element marked as an entry's headline, as trafilatura's first title
 * paths and Readability's itemprop read it: class or id "entry-title",
 * "post-title", "article-title", "headline", or itemprop="headline". */
static int strong_heading(xmlNodePtr n)
{
    static const char *marks[] = {"entry-title", "post-title", "post__title", "article-title", "headline"};
    const char *v[] = {attr(n, "class"), attr(n, "id"), attr(n, "itemprop")};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; v[i] && j < sizeof marks / sizeof marks[0]; j++)
            if (ov__ascii_casestr(v[i], marks[j]) && (i < 2 || j == 4)) return 1;
    return 0;
}

/* 1 when the link `href` is a site's front page ("/", "//example.org",
 * "http://example.org/"): a banner's link home. */
static int home_href(const char *href)
{
    const char *p = href;
    if (!strncasecmp(p, "http://", 7)) p += 7;
    else if (!strncasecmp(p, "https://", 8)) p += 8;
    else if (!strncmp(p, "//", 2)) p += 2;
    else return !strcmp(p, "/");
    p += strcspn(p, "/?#");
    return !*p || !strcmp(p, "/");
}

/* 1 when `n` shows the site's name: its class or id names a banner
 * ("banner-header", "blog-title", "logo"), or it is or holds (within a few
 * levels) a link to the site's front page. */
static int links_home(xmlNodePtr n, int depth)
{
    static const char *const marks[] = {"banner", "logo", "masthead", "site-title", "site-name", "blog-title", "blogtitle",
                                        "blog-header", "blog-name", NULL};
    if (n->type != XML_ELEMENT_NODE || depth > 3) return 0;
    const char *v[] = {attr(n, "class"), attr(n, "id")};
    for (size_t i = 0; i < 2; i++)
        if (v[i] && ov__ascii_casestr_any(v[i], marks)) return 1;
    const char *href = ov__name_eq(n->name, BAD_CAST "a") ? attr(n, "href") : NULL;
    if (href && home_href(href)) return 1;
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (links_home(k, depth + 1)) return 1;
    return 0;
}

/* Blogger wraps the posts in "widget Blog": an entry's marked headline
 * there is the post's, not a sidebar widget's. */
static int in_post_widget(xmlNodePtr n)
{
    int depth = 0;
    for (xmlNodePtr p = n; p && p->type == XML_ELEMENT_NODE && depth < OV_TRANSFORM_MAX_DEPTH; p = p->parent, depth++) {
        const char *nm = (const char *)p->name, *cl = attr(p, "class"), *id = attr(p, "id");
        if (ov__ascii_ieq(nm, "aside") || ov__ascii_ieq(nm, "nav") || ov__ascii_ieq(nm, "footer")) return 0;
        if (cl && ov__ascii_casestr(cl, "widget") && (ov__ascii_casestr(cl, "blog") || ov__ascii_casestr(cl, "post"))) continue;
        if (furniture_word(cl) || furniture_word(id)) return 0;
    }
    return 1;
}

/* Keep the heading `n` when <title> holds its text and it is longer than
 * the one kept so far; page furniture (related lists, nav) is passed over.
 * One the <title> begins with and one it ends with are kept apart. */
static void on_heading(ov__ctx *c, xmlNodePtr n, long pos)
{
    char *t = ov__node_text(n, OV__HEADING_MAX);
    size_t pre = 0;
    int holds = t && strlen(t) < OV__HEADING_MAX ? title_holds(c->m.title, t, &pre) : 0;
    int strong = holds ? strong_heading(n) : 0;
    if (!holds || (in_furniture(n) && !(strong && in_post_widget(n)))) {
        free(t);
        return;
    }
    char **slot = holds == 1 ? &c->m.heading : &c->m.heading_end;
    int *slot_strong = holds == 1 ? &c->m.heading_strong : &c->m.heading_end_strong;
    if (*slot && !strcmp(*slot, t)) {
        /* the same text again ("h2 > a.entry-title"): a mark on either counts */
        *slot_strong |= strong;
    } else if (!*slot || strlen(t) > strlen(*slot)) {
        free(*slot);
        *slot = t;
        t = NULL;
        *slot_strong = strong;
        if (holds == 1) c->m.heading_h1 = ov__ascii_ieq((const char *)n->name, "h1");
        else c->m.heading_end_pre = pre;
        c->m.heading_pos[holds - 1] = pos;
        c->m.heading_home[holds - 1] = links_home(n, 0);
    }
    free(t);
}

void ov__meta_collect(ov__ctx *c)
{
    xmlNodePtr root = xmlDocGetRootElement(c->doc), cur = root;
    cands k;
    long pos = 0;
    memset(&k, 0, sizeof k);
    if (root) take_dup(&c->m.html_lang, attr(root, "lang"));
    if (root && !c->m.html_lang) take_dup(&c->m.html_lang, attr(root, "xml:lang"));
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE) {
            const uint64_t nk = ov__ascii_key((const char *)cur->name);
            pos++;
            if (nk == OV__ASCII_KEY("base")) take(&c->m.base, ov__abs_url(c, attr(cur, "href"), 1));
            else if (nk == OV__ASCII_KEY("meta")) on_meta(c, cur);
            else if (nk == OV__ASCII_KEY("title") && !c->m.title) take(&c->m.title, ov__node_text(cur, OV__META_TEXT_MAX));
            else if (nk == OV__ASCII_KEY("h1") && k.n_h1 < OV__META_CANDS) {
                k.h1_text[k.n_h1] = ov__node_text(cur, OV__META_TEXT_MAX);
                if (k.h1_text[k.n_h1] && strlen(k.h1_text[k.n_h1]) <= OV__H1_NAME_MAX)
                    keep_line(&c->m.h1_names, k.h1_text[k.n_h1], OV__H1_NAMES_MAX);
                if (k.h1_text[k.n_h1]) k.h1_pos[k.n_h1++] = pos;
            } else if (nk == OV__ASCII_KEY("script")) {
                const char *ty = attr(cur, "type");
                if (ty && ov__ascii_ieq(ty, "application/ld+json")) on_ld(c, cur);
            } else if (nk == OV__ASCII_KEY("link")) {
                const char *rel = attr(cur, "rel");
                if (rel && ov__ascii_ieq(rel, "canonical")) {
                    char *u = ov__abs_url(c, attr(cur, "href"), 1);
                    if (front_for_page(c, u)) free(u);
                    else take(&c->m.canonical, u);
                }
            } else if (nk == OV__ASCII_KEY("time")) {
                const char *dt = attr(cur, "datetime");
                char date[OV__DATE_MAX];
                if (dt && ov__date_parse(dt, date) && !in_furniture_ex(cur, 1)) cand_add(k.time_dt, &k.n_time, strdup(dt), pos);
            }
            if (k.n_dom < OV__META_CANDS && byline_element(cur) && !in_furniture_ex(cur, 1)) {
                /* its text is still read below: "By Jane Doe | 2026-03-01" holds the date too */
                cand_add(k.dom_byline, &k.n_dom, dom_byline_text(cur), pos);
            }
            if (c->m.title && heading_like(cur, nk)) on_heading(c, cur, pos);
            if (is_block(cur->name) && leafish(cur)) on_text_block(c, &k, cur, pos);
            if (cur->children && nk != OV__ASCII_KEY("script") && nk != OV__ASCII_KEY("style")) {
                cur = cur->children;
                continue;
            }
        }
        while (cur && !cur->next) cur = cur->parent;
        if (cur) cur = cur->next;
    }
    cands_decide(c, &k);
}

/* "www.theverge.com" -> "theverge.com" and "theverge", for site names. */
static void host_names(const char *url, char out[2][128])
{
    out[0][0] = out[1][0] = '\0';
    const char *h = url ? strstr(url, "://") : NULL;
    if (!h) return;
    h += 3;
    if (!strncasecmp(h, "www.", 4)) h += 4;
    size_t n = strcspn(h, "/:?#");
    if (n == 0 || n >= 128) return;
    memcpy(out[0], h, n);
    out[0][n] = '\0';
    const char *dot = memchr(h, '.', n);
    if (dot && dot > h) {
        memcpy(out[1], h, (size_t)(dot - h));
        out[1][dot - h] = '\0';
    }
}


/* A social title that is the <title> copied, suffix and all ("Story | Section
 * | Portal" in both): it is read as the <title> is, not as a clean title. */
static int copies_doc_title(const char *meta, const char *doc)
{
    if (!doc)
        return 0;
    /* equal once whitespace runs (NBSP and U+3000 included) count as one */
    for (;;) {
        size_t a = 0, b = 0, n;
        while ((n = ws_at(meta + a))) a += n;
        while ((n = ws_at(doc + b))) b += n;
        int ga = a > 0, gb = b > 0;
        meta += a;
        doc += b;
        if (!*meta || !*doc)
            return !*meta && !*doc;
        if (ga != gb || *meta != *doc)
            return 0;
        meta++;
        doc++;
    }
}

char *ov__title_decide(ov__ctx *c)
{
    char hosts[2][128];
    host_names(c->m.canonical ? c->m.canonical : c->art ? c->art->url : NULL, hosts);
    const char *sites[] = {c->m.og_site, c->m.ld_publisher, c->m.app_name, hosts[0][0] ? hosts[0] : NULL,
                           hosts[1][0] && strlen(hosts[1]) > 2 ? hosts[1] : NULL, NULL};
    /* compact the list: NULLs would end it early */
    const char *list[6];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        if (sites[i] && sites[i][0]) list[n++] = sites[i];
    list[n] = NULL;
    char *t = NULL, *site = NULL;
    /* JSON-LD and <meta> titles carry no suffix as a rule: only a known site name is cut */
    /* a JSON-LD headline the <title> does not hold beside a name it does
     * (a Wikipedia article's description as "headline"): the name, as
     * Readability.js compares both with the title */
    const char *ld = c->m.ld_headline;
    if (ld && c->m.ld_name && c->m.title && !ov__same_title(ld, c->m.title) && !title_holds(c->m.title, ld, NULL) &&
        (ov__same_title(c->m.ld_name, c->m.title) || title_holds(c->m.title, c->m.ld_name, NULL) == 1))
        ld = c->m.ld_name;
    if (ld) t = ov__strip_site_suffix(ld, list, 0, NULL);
    else if (c->m.og_title && !c->m.og_front && !copies_doc_title(c->m.og_title, c->m.title)) {
        /* a social title ("'Madam' Charged in Butt Injection Death") against
         * the <title> and the page's own headline agreeing ("'Black Madam'
         * Charged in Buttocks Injection Death - ABC News" over an h1 of
         * that text): the headline, what the page shows. Only a headline
         * marked as the entry's, or an h1 making most of the <title>. */
        const char *h = c->m.heading, *he = c->m.heading_end;
        if (h && !ov__same_title(h, c->m.og_title) &&
            (c->m.heading_strong || (c->m.heading_h1 && strlen(h) * 2 >= strlen(c->m.title))))
            t = strdup(h);
        else if (he && c->m.heading_end_strong && !ov__same_title(he, c->m.og_title))
            t = strdup(he);
        else
            t = ov__strip_site_suffix(c->m.og_title, list, 0, NULL);
    }
    if (c->m.title) {
        /* a page that names itself and whose <title> does not end with that
         * name has no suffix to guess at: "Review - a triumph" stays whole */
        char *doc = ov__strip_site_suffix(c->m.title, list, !c->m.og_site && !c->m.ld_publisher, &site);
        const char *h = c->m.heading ? c->m.heading : c->m.h1;
        if (!t && doc) {
            /* the page's heading is the title when <title> is that heading
             * plus a suffix (or a site name and the heading): its text is
             * what the page shows. A heading that is only the start of the
             * <title> is a section name unless long enough (h1: a third of
             * the <title> without its guessed suffix, others half), marked
             * as the entry's headline, or followed by the site's name. A
             * heading that ends the <title> is the title when the first
             * part names the site or the heading is marked as the entry's. */
            size_t pre = 0;
            int holds = h && h[0] ? title_holds(c->m.title, h, &pre) : 0;
            int h1 = !c->m.heading || c->m.heading_h1;
            const char *end = c->m.heading_end;
            if (split_by_headings(c)) {
                /* "A | B" with both shown: the banner is the one marked so or
                 * linking to the front page; else the one shown first when the page
                 * reverses the <title>'s order ("Post - Site" under a banner
                 * h1); in the same order the site's name is the shorter
                 * ("TED Blog | Post") */
                int same_order = c->m.heading_pos[1] > c->m.heading_pos[0];
                int home0 = c->m.heading_home[0], home1 = c->m.heading_home[1];
                if (home0 != home1) t = strdup(home0 ? end : h);
                else t = strdup(!same_order ? h : strlen(end) > strlen(h) ? end : h);
            } else if (holds == 1 &&
                       /* a banner (a heading linking home) the <title> begins
                        * with gives way to the heading it ends with */
                       !(c->m.heading && c->m.heading_home[0] && end && !c->m.heading_strong) &&
                       (strlen(h) * (h1 ? 3 : 2) >= strlen(doc) || (c->m.heading && c->m.heading_strong) ||
                               rest_names_site(c, list, c->m.title, h) || rest_one_part(c->m.title, h))) {
                t = strdup(h);
            } else if (end && ((c->m.heading_end_strong && c->m.heading_end_pre < strlen(end)) ||
                               prefix_names_site(c, list, c->m.title, c->m.heading_end_pre))) {
                t = strdup(end);
            } else {
                t = doc;
                doc = NULL;
            }
        }
        free(doc);
    }
    if (!t && c->m.h1 && c->m.h1[0]) t = strdup(c->m.h1);
    if (!c->m.site_guess && site) c->m.site_guess = site;
    else free(site);
    if (t && !t[0]) { free(t); t = NULL; }
    return t;
}

static inline int utf8_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    int cp;
    if (s[0] < 0x80) { cp = s[0]; *p += 1; }
    else if ((s[0] & 0xE0) == 0xC0 && s[1]) { cp = ((s[0] & 0x1F) << 6) | (s[1] & 0x3F); *p += 2; }
    else if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) { cp = ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F); *p += 3; }
    else if (s[1] && s[2] && s[3]) { cp = ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F); *p += 4; }
    else { cp = 0xFFFD; *p += 1; }
    return cp;
}

/* Characters in each of detect_lang's lists, at most. */
#define OV__LANG_MARKS 64

static int cp_in(const int *cps, size_t n, int cp)
{
    for (size_t i = 0; i < n; i++)
        if (cps[i] == cp) return 1;
    return 0;
}

static const char *detect_lang(const char *text)
{
    static const char *trad = "們這個說來時會對國學發過還進與為無後從開關經點體實現圖傳報導記辦";
    static const char *simp = "们这个说来时会对国学发过还进与为无后从开关经点体实现图传报导记办";
    long cjk = 0, latin = 0, kana = 0, hangul = 0, t = 0, s = 0;
    /* the lists as code points: a lookup per character, not a strstr */
    int tcp[OV__LANG_MARKS], scp[OV__LANG_MARKS];
    size_t nt = 0, ns = 0;
    for (const unsigned char *p = (const unsigned char *)trad; *p && nt < OV__LANG_MARKS;) tcp[nt++] = utf8_cp(&p);
    for (const unsigned char *p = (const unsigned char *)simp; *p && ns < OV__LANG_MARKS;) scp[ns++] = utf8_cp(&p);
    /* which U+4E00..U+9FFF are in either list: most characters are in neither */
    uint64_t listed[(0x9FFF - 0x4E00) / 64 + 1];
    memset(listed, 0, sizeof listed);
    for (size_t i = 0; i < nt; i++)
        if (tcp[i] >= 0x4E00 && tcp[i] <= 0x9FFF) listed[(tcp[i] - 0x4E00) / 64] |= 1ull << ((tcp[i] - 0x4E00) % 64);
    for (size_t i = 0; i < ns; i++)
        if (scp[i] >= 0x4E00 && scp[i] <= 0x9FFF) listed[(scp[i] - 0x4E00) / 64] |= 1ull << ((scp[i] - 0x4E00) % 64);
    for (const unsigned char *p = (const unsigned char *)text; p && *p;) {
        if (*p < 0x80) { /* utf8_cp's first case, without the call */
            latin += (unsigned)((*p | 32) - 'a') < 26u;
            p++;
            continue;
        }
        const unsigned char *start = p;
        int cp = utf8_cp(&p);
        if (cp >= 0x4E00 && cp <= 0x9FFF) {
            cjk++;
            /* only a well-formed sequence can occur in the (UTF-8) lists */
            if (p - start != 3 || (start[1] & 0xC0) != 0x80 || (start[2] & 0xC0) != 0x80) continue;
            if (!(listed[(cp - 0x4E00) / 64] & (1ull << ((cp - 0x4E00) % 64)))) continue;
            int in_t = cp_in(tcp, nt, cp), in_s = cp_in(scp, ns, cp);
            if (in_t && !in_s) t++;
            else if (in_s && !in_t) s++;
        } else if (cp >= 0x3040 && cp <= 0x30FF) kana++;
        else if (cp >= 0xAC00 && cp <= 0xD7AF) hangul++;
        else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) latin++;
    }
    if (kana * 10 > cjk + kana && kana > 5) return "ja";
    if (hangul > latin && hangul > cjk) return "ko";
    if (cjk * 3 > latin && cjk > 5) return t > s ? "zh-TW" : s > t ? "zh-CN" : "zh";
    if (latin > 20) return "en";
    return NULL;
}

char *ov__language_decide(const ov__ctx *c)
{
    const char *decl = c->m.html_lang ? c->m.html_lang : c->m.meta_lang ? c->m.meta_lang
                       : c->m.ld_lang ? c->m.ld_lang : c->m.og_locale;
    const char *det = detect_lang(c->body_text);
    char tag[36];
    if (decl) {
        size_t n = 0;
        for (; decl[n] && decl[n] != ',' && decl[n] != ';' && decl[n] != ' ' && n + 1 < sizeof tag; n++)
            tag[n] = decl[n] == '_' ? '-' : decl[n];
        tag[n] = '\0';
        /* a Chinese page is never "en", whatever the template says */
        if (n && !(det && det[0] == 'z' && strncasecmp(tag, "zh", 2) != 0)) {
            if (ov__ascii_ieq(tag, "zh-hans") || ov__ascii_ieq(tag, "zh-cn")) return strdup("zh-CN");
            if (ov__ascii_ieq(tag, "zh-hant") || ov__ascii_ieq(tag, "zh-tw")) return strdup("zh-TW");
            return strdup(tag);
        }
    }
    return det ? strdup(det) : NULL;
}

void ov__ctx_free(ov__ctx *c)
{
    char **f[] = {&c->m.og_title, &c->m.ld_headline, &c->m.title, &c->m.h1, &c->m.site_guess,
                  &c->m.author, &c->m.ld_author, &c->m.rel_author, &c->m.inline_byline, &c->m.ld_date,
                  &c->m.pub_time, &c->m.time_dt, &c->m.inline_date, &c->m.og_site, &c->m.ld_publisher,
                  &c->m.inline_source, &c->m.canonical, &c->m.og_image, &c->m.ld_image, &c->m.description,
                  &c->m.html_lang, &c->m.meta_lang, &c->m.og_locale, &c->m.ld_lang, &c->m.base, &c->m.app_name, &c->m.dom_byline, &c->m.heading, &c->m.copyright,
                  &c->m.heading_end, &c->m.h1_names, &c->m.ld_name,
                  &c->first_para, &c->body_text};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
    if (c->doc) xmlFreeDoc(c->doc);
    c->doc = NULL;
    ov_article_free(c->art);
    c->art = NULL;
}
