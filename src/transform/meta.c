/* meta.c - article metadata from <meta>, JSON-LD, <title>, <time>, links
 * and inline text patterns; language detection from the text. */
#include <json-c/json.h>
#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/transform_priv.h"
#include "util/buf.h"

#define OV__META_TEXT_MAX 4096

static void take(char **field, char *v)
{
    if (!*field && v && v[0]) *field = v;
    else free(v);
}

static void take_dup(char **field, const char *v)
{
    if (!*field && v && v[0]) *field = strdup(v);
}

char *ov__node_text(xmlNodePtr n, size_t max)
{
    ov__buf b = OV__BUF_INIT;
    int space = 0;
    xmlNodePtr cur = n ? n->children : NULL;
    while (cur && b.len < max) {
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *p = cur->content; p && *p && b.len < max; p++) {
                if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') { space = 1; continue; }
                if (space && b.len) ov__buf_putc(&b, ' ');
                space = 0;
                ov__buf_putc(&b, (char)*p);
            }
        }
        int skip = cur->type == XML_ELEMENT_NODE &&
                   (!xmlStrcasecmp(cur->name, BAD_CAST "rt") || !xmlStrcasecmp(cur->name, BAD_CAST "rp") ||
                    !xmlStrcasecmp(cur->name, BAD_CAST "script") || !xmlStrcasecmp(cur->name, BAD_CAST "style"));
        if (cur->type == XML_ELEMENT_NODE && !xmlStrcasecmp(cur->name, BAD_CAST "br")) space = 1;
        if (cur->children && cur->type == XML_ELEMENT_NODE && !skip) { cur = cur->children; continue; }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
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

char *ov__strip_site_suffix(const char *title, char **site)
{
    static const char *seps[] = {" - ", " -- ", " | ", " – ", " — ", "_", "｜", " :: ", "－", " · ", " « ", " » "};
    const char *best = NULL;
    size_t seplen = 0;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        const char *p = title, *last = NULL;
        while ((p = strstr(p, seps[i])) != NULL) { last = p; p += strlen(seps[i]); }
        if (last && (!best || last < best) && last > title) { best = last; seplen = strlen(seps[i]); }
    }
    if (site) *site = NULL;
    if (!best) return strdup(title);
    size_t head = (size_t)(best - title), tail = strlen(best + seplen);
    if (tail > head) return strdup(title);
    if (site) {
        const char *s = best + seplen;
        /* the site is the last part of the suffix: "Title - Section - Site" */
        for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
            const char *q;
            while ((q = strstr(s, seps[i])) != NULL) s = q + strlen(seps[i]);
        }
        *site = strdup(s);
    }
    char *r = strndup(title, head);
    return r;
}

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!xmlStrcasecmp(a->name, BAD_CAST name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

static void on_meta(ov__ctx *c, xmlNodePtr n)
{
    const char *k = attr(n, "property");
    if (!k) k = attr(n, "name");
    if (!k) k = attr(n, "itemprop");
    const char *he = attr(n, "http-equiv"), *v = attr(n, "content");
    if (!v) return;
    if (he && !strcasecmp(he, "content-language")) take_dup(&c->m.meta_lang, v);
    if (!k) return;
    if (!strcasecmp(k, "og:title")) take_dup(&c->m.og_title, v);
    else if (!strcasecmp(k, "og:site_name")) take_dup(&c->m.og_site, v);
    else if (!strcasecmp(k, "description") || !strcasecmp(k, "og:description")) take_dup(&c->m.description, v);
    else if (!strcasecmp(k, "og:image")) take(&c->m.og_image, ov__abs_url(c, v, 0));
    else if (!strcasecmp(k, "author") || !strcasecmp(k, "article:author") || !strcasecmp(k, "parsely-author") ||
             !strcasecmp(k, "sailthru.author") || !strcasecmp(k, "dc.creator") || !strcasecmp(k, "byl")) {
        /* "byl" carries "By Jane Doe" */
        if (!strncasecmp(v, "By ", 3)) v += 3;
        if (strncmp(v, "http", 4) != 0 && !c->m.author) take_dup(&c->m.author, v);
    } else if (!strcasecmp(k, "article:published_time") || !strcasecmp(k, "pubdate") ||
               !strcasecmp(k, "publishdate") || !strcasecmp(k, "datePublished") || !strcasecmp(k, "dc.date") ||
               !strcasecmp(k, "parsely-pub-date") || !strcasecmp(k, "sailthru.date") ||
               !strcasecmp(k, "dc.date.issued") || !strcasecmp(k, "article.published"))
        take_dup(&c->m.pub_time, v);
    else if (!strcasecmp(k, "og:locale")) take_dup(&c->m.og_locale, v);
    else if (!strcasecmp(k, "og:url")) take(&c->m.canonical, ov__abs_url(c, v, 1));
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
    if (!type || !strstr(type, "Article") ) {
        if (!type || (strcmp(type, "BlogPosting") && strcmp(type, "Report") && strcmp(type, "WebPage"))) return;
    }
    take_dup(&c->m.ld_headline, jstr(o, "headline"));
    ld_authors(c, o);
    take_dup(&c->m.ld_date, jstr(o, "datePublished"));
    take_dup(&c->m.ld_lang, jstr(o, "inLanguage"));
    json_object *pub;
    if (json_object_object_get_ex(o, "publisher", &pub)) take_dup(&c->m.ld_publisher, jstr(pub, "name"));
    if (!c->m.description) take_dup(&c->m.description, jstr(o, "description"));
    const char *img = jstr(o, "image");
    if (img) take(&c->m.ld_image, ov__abs_url(c, img, 0));
}

static void on_ld(ov__ctx *c, xmlNodePtr n)
{
    char *txt = NULL;
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw) return;
    txt = (char *)raw;
    json_object *o = json_tokener_parse(txt);
    on_ld_object(c, o, 0);
    json_object_put(o);
    xmlFree(raw);
}

/* Short text blocks may hold the byline, date and source line. */
static void on_text_block(ov__ctx *c, xmlNodePtr n)
{
    char *t = ov__node_text(n, OV__META_TEXT_MAX);
    char date[OV__DATE_MAX];
    if (t && strlen(t) < 300) {
        if (!c->m.inline_byline) c->m.inline_byline = ov__byline_inline(t);
        if (!c->m.inline_source) c->m.inline_source = ov__source_inline(t);
        if (!c->m.inline_date && ov__date_parse(t, date) && strlen(t) < 160) c->m.inline_date = strdup(date);
    }
    free(t);
}

static int is_block(const xmlChar *name)
{
    static const char *b[] = {"p", "div", "span", "li", "td", "time", "address", "small", "em", "font", "section", "header"};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (!xmlStrcasecmp(name, BAD_CAST b[i])) return 1;
    return 0;
}

static int leafish(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && (!xmlStrcasecmp(k->name, BAD_CAST "div") || !xmlStrcasecmp(k->name, BAD_CAST "p")))
            return 0;
    return 1;
}

void ov__meta_collect(ov__ctx *c)
{
    xmlNodePtr root = xmlDocGetRootElement(c->doc), cur = root;
    if (root) take_dup(&c->m.html_lang, attr(root, "lang"));
    if (root && !c->m.html_lang) take_dup(&c->m.html_lang, attr(root, "xml:lang"));
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE) {
            const char *nm = (const char *)cur->name;
            if (!strcasecmp(nm, "base")) take(&c->m.base, ov__abs_url(c, attr(cur, "href"), 1));
            else if (!strcasecmp(nm, "meta")) on_meta(c, cur);
            else if (!strcasecmp(nm, "title") && !c->m.title) take(&c->m.title, ov__node_text(cur, OV__META_TEXT_MAX));
            else if (!strcasecmp(nm, "h1") && !c->m.h1) take(&c->m.h1, ov__node_text(cur, OV__META_TEXT_MAX));
            else if (!strcasecmp(nm, "script")) {
                const char *ty = attr(cur, "type");
                if (ty && !strcasecmp(ty, "application/ld+json")) on_ld(c, cur);
            } else if (!strcasecmp(nm, "link")) {
                const char *rel = attr(cur, "rel");
                if (rel && !strcasecmp(rel, "canonical")) take(&c->m.canonical, ov__abs_url(c, attr(cur, "href"), 1));
            } else if (!strcasecmp(nm, "a")) {
                const char *rel = attr(cur, "rel");
                if (rel && !strcasecmp(rel, "author")) take(&c->m.rel_author, ov__node_text(cur, 200));
            } else if (!strcasecmp(nm, "time")) {
                take_dup(&c->m.time_dt, attr(cur, "datetime"));
            }
            if (is_block(cur->name) && leafish(cur)) on_text_block(c, cur);
            if (cur->children && strcasecmp(nm, "script") && strcasecmp(nm, "style")) {
                cur = cur->children;
                continue;
            }
        }
        while (cur && !cur->next) cur = cur->parent;
        if (cur) cur = cur->next;
    }
}

static int utf8_cp(const unsigned char **p)
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

static const char *detect_lang(const char *text)
{
    static const char *trad = "們這個說來時會對國學發過還進與為無後從開關經點體實現圖傳報導記辦";
    static const char *simp = "们这个说来时会对国学发过还进与为无后从开关经点体实现图传报导记办";
    long cjk = 0, latin = 0, kana = 0, hangul = 0, t = 0, s = 0;
    for (const unsigned char *p = (const unsigned char *)text; p && *p;) {
        const unsigned char *start = p;
        int cp = utf8_cp(&p);
        if (cp >= 0x4E00 && cp <= 0x9FFF) {
            cjk++;
            char ch[5] = {0};
            memcpy(ch, start, (size_t)(p - start) < 4 ? (size_t)(p - start) : 4);
            if (strstr(trad, ch) && !strstr(simp, ch)) t++;
            else if (strstr(simp, ch) && !strstr(trad, ch)) s++;
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
            if (!strcasecmp(tag, "zh-hans") || !strcasecmp(tag, "zh-cn")) return strdup("zh-CN");
            if (!strcasecmp(tag, "zh-hant") || !strcasecmp(tag, "zh-tw")) return strdup("zh-TW");
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
                  &c->m.html_lang, &c->m.meta_lang, &c->m.og_locale, &c->m.ld_lang, &c->m.base,
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
