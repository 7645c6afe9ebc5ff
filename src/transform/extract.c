/* extract.c - choose the article root: site rules, else cleaning plus
 * Readability-style scoring (text length, Latin and CJK punctuation, link
 * density, class/id hints), then sibling merging. */
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/transform_priv.h"
#include "util/buf.h"

#define OV__MAX_ROOTS 64
#define OV__SCORE_TEXT_MAX (64u * 1024u)

static const char *NEG[] = {"comment", "comments", "footer", "foot", "nav", "navbar", "navigation", "menu",
                            "share", "sharing", "social", "related", "sidebar", "aside", "breadcrumb",
                            "breadcrumbs", "crumb", "copyright", "ad", "ads", "advert", "advertisement",
                            "banner", "sponsor", "promo", "popup", "login", "subscribe", "newsletter",
                            "toolbar", "pagination", "pager", "recommend", "widget", "masthead",
                            "disclaimer", "topbar", "reply", "respond", "print", "tools", "hot", "rank",
                            "评论", "分享", "相关", "版权", "导航"};
static const char *POS[] = {"article", "content", "body", "text", "main", "post", "entry", "story",
                            "detail", "正文", "内容", "artibody"};
static const char *NEG_SUB[] = {"comment", "sidebar", "footer", "share", "related", "breadcrumb", "copyright"};

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!xmlStrcasecmp(a->name, BAD_CAST name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

#define OV__CLASS_WORD_MAX 64

/* Next word of a class or id value (split on blank, '-', '_'), lower-cased
 * into word (OV__CLASS_WORD_MAX bytes, longer words cut); 0 at the end. */
static int next_class_word(const char **sp, char *word)
{
    const char *s = *sp;
    size_t w = 0;
    while (*s && (*s == ' ' || *s == '-' || *s == '_')) s++;
    while (*s && *s != ' ' && *s != '-' && *s != '_') {
        if (w + 1 < OV__CLASS_WORD_MAX) word[w++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
        s++;
    }
    word[w] = '\0';
    *sp = s;
    return w > 0;
}

/* +1 positive hint, -1 negative, 0 none, for class and id words. */
static int hint(xmlNodePtr n, int *pos, int *neg)
{
    const char *vals[2] = {attr(n, "class"), attr(n, "id")};
    *pos = *neg = 0;
    for (int k = 0; k < 2; k++) {
        char word[OV__CLASS_WORD_MAX];
        for (const char *s = vals[k]; s && next_class_word(&s, word);) {
            for (size_t i = 0; i < sizeof NEG / sizeof NEG[0]; i++)
                if (!strcmp(word, NEG[i])) (*neg)++;
            for (size_t i = 0; i < sizeof NEG_SUB / sizeof NEG_SUB[0]; i++)
                if (strstr(word, NEG_SUB[i]) && strcmp(word, NEG_SUB[i])) (*neg)++;
            for (size_t i = 0; i < sizeof POS / sizeof POS[0]; i++)
                if (!strcmp(word, POS[i]) || (strlen(POS[i]) > 4 && strstr(word, POS[i]))) (*pos)++;
        }
    }
    return *pos - *neg;
}

static int name_in(xmlNodePtr n, const char *const *names);

/* Does a class or id word of n equal one of words? */
static int class_word(xmlNodePtr n, const char *const *words)
{
    const char *vals[2] = {attr(n, "class"), attr(n, "id")};
    for (int k = 0; k < 2; k++) {
        char word[OV__CLASS_WORD_MAX];
        for (const char *s = vals[k]; s && next_class_word(&s, word);)
            for (const char *const *x = words; *x; x++)
                if (!strcmp(word, *x)) return 1;
    }
    return 0;
}

/* Is there a <time> element below n? Iterative: trees can be deep. */
static int has_time_desc(xmlNodePtr n)
{
    xmlNodePtr cur = n->children;
    while (cur && cur != n) {
        if (cur->type == XML_ELEMENT_NODE && !xmlStrcasecmp(cur->name, BAD_CAST "time")) return 1;
        if (cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
    return 0;
}

/*
 * A byline/dateline block inside the content ("Posted on <time> by X",
 * "By X | Updated 6 p.m."): short, marked by a <time> element or a
 * meta-like class word. The metadata is already collected from the whole
 * page; in the body it is noise. Source lines (来源, Source) stay.
 */
static int is_meta_line(xmlNodePtr n, const char *t, size_t tl)
{
    static const char *const words[] = {"byline", "dateline", "meta", "posted", "postmeta", "pubdate",
                                        "timestamp", "date", "time", "author", "info", "kicker", NULL};
    if (tl == 0 || tl > 160) return 0;
    if (strstr(t, "来源") || strstr(t, "來源") || strstr(t, "Source") || strstr(t, "摄") || strstr(t, "攝"))
        return 0;
    return has_time_desc(n) || class_word(n, words);
}

static int name_in(xmlNodePtr n, const char *const *names)
{
    for (; *names; names++)
        if (!xmlStrcasecmp(n->name, BAD_CAST * names)) return 1;
    return 0;
}

static const char *const DROP_TAGS[] = {"script", "style", "nav", "aside", "footer", "form", "button",
                                        "select", "textarea", "input", "iframe", "template", "svg",
                                        "canvas", "object", "embed", "video", "audio", "link", "meta",
                                        "head", "label", "dialog", "map", NULL};
static const char *BOILER[] = {"ICP备", "ICP证", "举报电话", "举报邮箱", "分享到", "上一篇", "下一篇",
                               "相关新闻", "相关阅读", "相关文章", "关闭窗口", "打印本页", "【打印】",
                               "版权所有", "免责声明", "责任编辑", "责编：", "Copyright", "copyright",
                               "All rights reserved", "All Rights Reserved", "Share this", "Related articles",
                               "Leave a comment", "Leave a Reply", "网络传播视听节目许可证", "违法和不良信息",
                               "扫一扫", "Sign up for", "Subscribe to",
                               /* traditional forms */
                               "相關新聞", "相關閱讀", "延伸閱讀", "延伸阅读", "版權所有", "版權均屬", "免責聲明",
                               "責任編輯", "未經許可", "不得轉載", "分享到：", "上一篇：", "下一篇：",
                               /* pagination and editor credits */
                               "下一页", "尾页", "下一頁", "尾頁", "（编辑：", "(编辑：", "（編輯：", "审核：", "審核："};

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static size_t link_text_len(xmlNodePtr n)
{
    size_t total = 0;
    xmlNodePtr cur = n->children;
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && !xmlStrcasecmp(cur->name, BAD_CAST "a")) {
            char *t = ov__node_text(cur, OV__SCORE_TEXT_MAX);
            total += utf8_len(t);
            free(t);
        } else if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
    return total;
}

static int is_boiler(const char *t)
{
    size_t n = strlen(t);
    if (n > 600) return 0;
    for (size_t i = 0; i < sizeof BOILER / sizeof BOILER[0]; i++)
        if (strstr(t, BOILER[i])) return 1;
    return 0;
}

static int block_tag(xmlNodePtr n)
{
    static const char *const b[] = {"p", "div", "li", "ul", "ol", "dl", "table", "tr", "td", "section", "span", "h2", "h3", "h4", "h5", "h6", "center", "font", "strong", NULL};
    return name_in(n, b);
}

static int has_block_child(xmlNodePtr n)
{
    static const char *const b[] = {"p", "div", "table", "ul", "ol", "blockquote", "pre", "section", "article", "h2", "h3", "figure", NULL};
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && name_in(k, b)) return 1;
    return 0;
}

/* Remove noise in one iterative pass; returns nothing, frees unlinked nodes. */
static void clean(xmlNodePtr root)
{
    xmlNodePtr cur = root->children;
    while (cur && cur != root) {
        xmlNodePtr next_sub = cur->type == XML_ELEMENT_NODE ? cur->children : NULL;
        int drop = cur->type == XML_COMMENT_NODE || cur->type == XML_PI_NODE;
        if (cur->type == XML_ELEMENT_NODE) {
            int pos, neg;
            hint(cur, &pos, &neg);
            if (name_in(cur, DROP_TAGS)) drop = 1;
            else if (neg && !pos && xmlStrcasecmp(cur->name, BAD_CAST "body") && xmlStrcasecmp(cur->name, BAD_CAST "article")) drop = 1;
            else if (block_tag(cur)) {
                /* measured like the link text below it: uncapped */
                char *t = ov__node_text(cur, OV__SCORE_TEXT_MAX);
                size_t tl = utf8_len(t);
                if (is_boiler(t) && !has_block_child(cur)) drop = 1;
                else if (!has_block_child(cur) && !name_in(cur, (const char *const[]){"h2", "h3", "h4", "h5", "h6", "li", "td", NULL}) &&
                         is_meta_line(cur, t, tl)) drop = 1;
                else if (tl > 0 && tl < 2000 && (name_in(cur, (const char *const[]){"ul", "ol", "div", "td", "table", "p", "section", NULL}))) {
                    size_t ll = link_text_len(cur);
                    if (ll * 10 > tl * 6) drop = 1;
                }
                free(t);
            }
        }
        if (drop) {
            xmlNodePtr victim = cur;
            while (cur != root && !cur->next) cur = cur->parent;
            xmlNodePtr nx = cur == root ? NULL : cur->next;
            xmlUnlinkNode(victim);
            xmlFreeNode(victim);
            cur = nx ? nx : root;
            continue;
        }
        if (next_sub) { cur = next_sub; continue; }
        while (cur != root && !cur->next) cur = cur->parent;
        if (cur == root) break;
        cur = cur->next;
    }
}

typedef struct cand {
    xmlNodePtr n;
    double score;
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
} cands;

static cand *cand_get(cands *cs, xmlNodePtr n)
{
    if (!n || n->type != XML_ELEMENT_NODE) return NULL;
    if (n->_private) return &cs->v[(uintptr_t)n->_private - 1];
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 64;
        cand *nv = realloc(cs->v, nc * sizeof *nv);
        if (!nv) return NULL;
        cs->v = nv;
        cs->cap = nc;
    }
    int pos, neg;
    double s = hint(n, &pos, &neg) * 25.0;
    if (!xmlStrcasecmp(n->name, BAD_CAST "div") || !xmlStrcasecmp(n->name, BAD_CAST "article")) s += 5;
    if (!xmlStrcasecmp(n->name, BAD_CAST "article")) s += 10;
    if (!xmlStrcasecmp(n->name, BAD_CAST "td") || !xmlStrcasecmp(n->name, BAD_CAST "blockquote")) s += 3;
    cs->v[cs->n].n = n;
    cs->v[cs->n].score = s;
    n->_private = (void *)(uintptr_t)(++cs->n);
    return &cs->v[cs->n - 1];
}

static double para_score(const char *t)
{
    static const char *punct[] = {",", "，", "。", "、", "；", "：", "！", "？", ". ", ";"};
    double s = 1;
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++)
        for (const char *p = t; (p = strstr(p, punct[i])) != NULL; p += strlen(punct[i])) s += 1;
    double len = (double)utf8_len(t);
    /* a CJK character carries about as much as a Latin word */
    double cjk = (double)strlen(t) > len * 2 ? 3.0 : 1.0;
    s += len * cjk / 100 > 3 ? 3 : len * cjk / 100;
    return s;
}

static double link_density(xmlNodePtr n)
{
    char *t = ov__node_text(n, OV__SCORE_TEXT_MAX);
    size_t tl = utf8_len(t);
    free(t);
    return tl ? (double)link_text_len(n) / (double)tl : 0;
}

static void clear_private(xmlNodePtr root)
{
    xmlNodePtr cur = root;
    while (cur) {
        cur->_private = NULL;
        if (cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
        while (cur && cur != root && !cur->next) cur = cur->parent;
        if (!cur || cur == root) break;
        cur = cur->next;
    }
}

static size_t score_tree(xmlNodePtr body, xmlNodePtr *roots, size_t max)
{
    static const char *const paras[] = {"p", "pre", "td", "blockquote", "li", "div", "section", "font", "span", NULL};
    cands cs = {NULL, 0, 0};
    xmlNodePtr cur = body->children;
    size_t nroots = 0;
    while (cur && cur != body) {
        if (cur->type == XML_ELEMENT_NODE && name_in(cur, paras) && !has_block_child(cur) &&
            cur->parent && (xmlStrcasecmp(cur->name, BAD_CAST "span") || !xmlStrcasecmp(cur->parent->name, BAD_CAST "div"))) {
            char *t = ov__node_text(cur, OV__SCORE_TEXT_MAX);
            if (utf8_len(t) >= 12) {
                double s = para_score(t);
                xmlNodePtr anc = cur->parent;
                for (int lvl = 0; anc && anc->type == XML_ELEMENT_NODE && lvl < 3; lvl++, anc = anc->parent) {
                    cand *cd = cand_get(&cs, anc);
                    if (cd) cd->score += s / (lvl == 0 ? 1 : lvl == 1 ? 2 : lvl * 3);
                }
            }
            free(t);
        } else if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur != body && !cur->next) cur = cur->parent;
        if (cur == body) break;
        cur = cur->next;
    }
    cand *top = NULL;
    for (size_t i = 0; i < cs.n; i++) {
        cs.v[i].score *= 1 - link_density(cs.v[i].n);
        if (!top || cs.v[i].score > top->score) top = &cs.v[i];
    }
    if (top && top->n != body) {
        xmlNodePtr parent = top->n->parent;
        double thr = top->score * 0.2 > 10 ? top->score * 0.2 : 10;
        for (xmlNodePtr s = parent->children; s && nroots < max; s = s->next) {
            if (s->type != XML_ELEMENT_NODE) continue;
            int keep = s == top->n;
            cand *cd = s->_private ? &cs.v[(uintptr_t)s->_private - 1] : NULL;
            if (!keep && cd && cd->score >= thr) keep = 1;
            if (!keep && !xmlStrcasecmp(s->name, BAD_CAST "p")) {
                char *t = ov__node_text(s, OV__SCORE_TEXT_MAX);
                size_t tl = utf8_len(t);
                double ld = link_density(s);
                if ((tl > 80 && ld < 0.25) || (tl > 0 && ld == 0 && (strstr(t, "。") || strstr(t, ". ")))) keep = 1;
                free(t);
            }
            if (keep) roots[nroots++] = s;
        }
    } else if (top) {
        roots[nroots++] = top->n;
    }
    clear_private(body);
    free(cs.v);
    return nroots;
}

static xmlXPathObjectPtr eval(xmlXPathContextPtr x, const char *sel)
{
    char *xp = ov__css_to_xpath(sel);
    xmlXPathObjectPtr r = xp ? xmlXPathEvalExpression(BAD_CAST xp, x) : NULL;
    free(xp);
    if (r && (r->type != XPATH_NODESET || !r->nodesetval)) {
        xmlXPathFreeObject(r);
        r = NULL;
    }
    return r;
}

static void rule_text(xmlXPathContextPtr x, const char *sel, char **field, int date)
{
    xmlXPathObjectPtr r = sel ? eval(x, sel) : NULL;
    if (r && r->nodesetval->nodeNr > 0) {
        xmlNodePtr n = r->nodesetval->nodeTab[0];
        const char *dt = date && n->type == XML_ELEMENT_NODE ? attr(n, "datetime") : NULL;
        char *t = dt ? strdup(dt) : ov__node_text(n, 4096);
        if (t && t[0]) {
            free(*field);
            *field = t;
        } else {
            free(t);
        }
    }
    if (r) xmlXPathFreeObject(r);
}

static int apply_rules(ov__ctx *c, xmlNodePtr *roots, size_t *nroots, ov_error *err)
{
    const ov_rules *ru = c->rules;
    xmlXPathContextPtr x = xmlXPathNewContext(c->doc);
    if (!x) return ov_error_set(err, OV_ENOMEM, c->art->url, "out of memory");
    for (size_t i = 0; ru->remove && ru->remove[i]; i++) {
        xmlXPathObjectPtr r = eval(x, ru->remove[i]);
        if (!r) continue;
        for (int k = r->nodesetval->nodeNr - 1; k >= 0; k--) {
            xmlNodePtr n = r->nodesetval->nodeTab[k];
            if (n->type == XML_ELEMENT_NODE && n->parent) {
                xmlUnlinkNode(n);
                r->nodesetval->nodeTab[k] = NULL;
                xmlFreeNode(n);
            }
        }
        r->nodesetval->nodeNr = 0;
        xmlXPathFreeObject(r);
    }
    char *rt = NULL;
    rule_text(x, ru->title, &rt, 0);
    if (rt && ov_strset(&c->art->title, rt) != 0) {
        free(rt);
        xmlXPathFreeContext(x);
        return ov_error_set(err, OV_ENOMEM, c->art->url, "out of memory");
    }
    free(rt);
    rule_text(x, ru->byline, &c->m.author, 0);
    rule_text(x, ru->date, &c->m.ld_date, 1);
    for (size_t i = 0; ru->keep && ru->keep[i]; i++) {
        xmlXPathObjectPtr r = eval(x, ru->keep[i]);
        for (int k = 0; r && k < r->nodesetval->nodeNr && *nroots < OV__MAX_ROOTS; k++)
            if (r->nodesetval->nodeTab[k]->type == XML_ELEMENT_NODE) roots[(*nroots)++] = r->nodesetval->nodeTab[k];
        if (r) xmlXPathFreeObject(r);
    }
    xmlXPathFreeContext(x);
    return 0;
}

#define OV__HEAD_MAX_NODES 32

/* Is this text where the article itself starts (a real sentence)? */
static int body_like(const char *t)
{
    return utf8_len(t) >= 60 || strstr(t, "。") || strstr(t, "，");
}

/*
 * Old-style pages put the headline and the dateline inside the content
 * cell ("<b>Title</b><br>2026年11月27日 記者 X 報道<br><br>Body..."). Before
 * the first real sentence, drop elements whose text is the title and short
 * text nodes that are only a date or byline line; the metadata is already
 * collected from the whole page.
 */
static void trim_head(ov__ctx *c, xmlNodePtr root)
{
    xmlNodePtr drop[OV__HEAD_MAX_NODES];
    size_t nd = 0;
    xmlNodePtr cur = root->children;
    while (cur && cur != root && nd < OV__HEAD_MAX_NODES) {
        int descend = 1;
        if (cur->type == XML_ELEMENT_NODE) {
            char *t = ov__node_text(cur, 700);
            if (t[0] && c->art->title && ov__same_title(t, c->art->title)) {
                drop[nd++] = cur;
                descend = 0;
            } else if (!xmlStrcasecmp(cur->name, BAD_CAST "img") || !xmlStrcasecmp(cur->name, BAD_CAST "figure") ||
                       !xmlStrcasecmp(cur->name, BAD_CAST "table")) {
                free(t);
                break; /* content before any text: stop looking */
            }
            free(t);
        } else if (cur->type == XML_TEXT_NODE && cur->content) {
            const char *t = (const char *)cur->content;
            char date[OV__DATE_MAX];
            if (body_like(t)) break;
            char *by = ov__byline_inline(t);
            if ((ov__date_parse(t, date) || by) && !strstr(t, "来源") && !strstr(t, "來源"))
                drop[nd++] = cur;
            free(by);
        }
        if (descend && cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
        while (cur && cur != root && !cur->next) cur = cur->parent;
        if (!cur || cur == root) break;
        cur = cur->next;
    }
    for (size_t i = 0; i < nd; i++) {
        xmlUnlinkNode(drop[i]);
        xmlFreeNode(drop[i]);
    }
}

int ov__extract_body(ov__ctx *c, ov_error *err)
{
    xmlNodePtr roots[OV__MAX_ROOTS];
    size_t n = 0;
    xmlNodePtr root = xmlDocGetRootElement(c->doc), body = root;
    for (xmlNodePtr k = root->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && !xmlStrcasecmp(k->name, BAD_CAST "body")) body = k;
    if (c->rules) {
        int rc = apply_rules(c, roots, &n, err);
        if (rc != 0) return rc;
    }
    if (n == 0) {
        clean(body);
        n = score_tree(body, roots, OV__MAX_ROOTS);
    }
    if (n == 0) {
        roots[0] = body;
        n = 1;
    }
    if (n > 0 && !(c->rules && c->rules->keep)) trim_head(c, roots[0]);
    return ov__emit(c, roots, n, err);
}
