/* extract.c - choose the article root.
 *
 * Site rules when given; otherwise: hidden elements, scripts and form
 * controls go (an <object>'s fallback content stays in its place);
 * navigation, boilerplate, bylines and link lists are only MARKED (strong
 * marks for whole class words such as "comments", weak ones for tags,
 * layout-ish words and link density; a weak mark never falls on a block
 * holding most of the page's text). Candidate A is the Readability-style
 * best block with the marks, with the lede just before it (a standfirst, a
 * lead video's caption); when they leave under OV__MIN_ARTICLE characters
 * it is chosen again without the weakest marks, then with the strong marks
 * only, and with none only when nothing is left. Candidate B is the smallest block holding most of the
 * good paragraphs of the jusText-style classifier (blocks.c). The two are
 * compared: A unless it holds too few of the good paragraphs. Inside the
 * choice, link lists and boilerplate that the classifier calls bad are
 * left out, and a related-list or comment-thread heading ends the
 * article. Nothing is deleted from the tree: emit.c skips what is
 * marked. */
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/blocks.h"
#include "transform/transform_priv.h"
#include "util/buf.h"
#include "util/hmap.h"
#include "util/strset.h"

#define OV__MAX_ROOTS 64
#define OV__SCORE_TEXT_MAX (64u * 1024u)
/* Fewer non-link characters than this in the chosen block: score again
 * without the cleaning hints (Readability's retry threshold). */
#define OV__MIN_ARTICLE 500.0
/* Longest line (characters) that can be a social notice, and a button label. */
#define OV__SOCIAL_LINE_MAX 160
#define OV__SHARE_LABEL_MAX 12
#define OV__SOCIAL_BARE_MAX 40
/* Bytes of a block's text that mark() reads: past them the line is longer
 * than 600 bytes (is_boiler) and, at 4 bytes a character at most, than 160
 * characters (is_social_line, is_meta_line), so none of them holds. */
#define OV__MARK_TEXT_MAX 660
/* A related-list heading: at most this many characters (bytes as counted),
 * after at least OV__RELATED_AFTER characters of good text. */
#define OV__RELATED_HEAD_MAX 12
#define OV__RELATED_HEAD_BYTES 48
#define OV__RELATED_AFTER 60.0
/* A form with this many radio buttons or check boxes is a poll. */
#define OV__POLL_CHOICES 3
#define OV__POLL_ATTR "data-octavo-poll"

static const char *NEG[] = {"comment", "comments", "footer", "foot", "nav", "navbar", "navigation", "menu",
                            "share", "sharing", "social", "related", "sidebar", "aside", "breadcrumb",
                            "breadcrumbs", "crumb", "copyright", "ad", "ads", "advert", "advertisement",
                            "banner", "sponsor", "promo", "popup", "login", "subscribe", "newsletter",
                            "toolbar", "pagination", "pager", "recommend", "widget", "masthead",
                            "disclaimer", "topbar", "reply", "respond", "print", "tools", "hot", "rank",
                            "hidden", "hide", "invisible", "bio", "biography", "authorbio", "authorbox",
                            "profile",
                            "评论", "分享", "相关", "版权", "导航"};
/* A word and its length (bytes). */
typedef struct class_word_len {
    const char *s;
    size_t len;
} class_word_len;
#define OV__CW(w) {w, sizeof w - 1}
static const class_word_len POS[] = {OV__CW("article"), OV__CW("content"), OV__CW("body"), OV__CW("text"),
                                     OV__CW("main"), OV__CW("post"), OV__CW("entry"), OV__CW("story"),
                                     OV__CW("detail"), OV__CW("正文"), OV__CW("内容"), OV__CW("artibody")};
/* Negative words that name layout as often as noise ("widget Blog" holds
 * Blogger's posts): never strong. */
static const char *const WEAK_ONLY[] = {"widget", "tools", "print", "hot", "rank", "masthead", "banner",
                                        "aside", "menu", "foot", "topbar", "toolbar", "hidden", "hide",
                                        "invisible", "profile", NULL};
static int name_in_list(const char *s, const char *const *names);
/* Strong words of reader comments: a positive word in the same class token does not cancel them. */
static const char *const COMMENT_WORDS[] = {"comment", "comments", "reply", "respond", NULL};
static const class_word_len NEG_SUB[] = {OV__CW("comment"), OV__CW("sidebar"), OV__CW("footer"), OV__CW("share"),
                                         OV__CW("related"), OV__CW("breadcrumb"), OV__CW("copyright")};

static const char *attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (ov__name_eq(a->name, BAD_CAST name) && a->children && a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

#define OV__CLASS_WORD_MAX 64
#define OV__CLASS_PARTS_MAX 8

/* Next word of a class or id value (split on blank, '-', '_'), lower-cased
 * into word (OV__CLASS_WORD_MAX bytes, longer words cut); its length, 0 at
 * the end. */
static size_t next_class_word(const char **sp, char *word)
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
    return w;
}

/* strstr(w, sub.s) != NULL for a class word w of wl bytes (sub not empty):
 * without strstr's set-up, which costs more than the search in a short word. */
static int word_has(const char *w, size_t wl, class_word_len sub)
{
    for (size_t i = 0; i + sub.len <= wl; i++)
        if (w[i] == sub.s[0] && !memcmp(w + i, sub.s, sub.len)) return 1;
    return 0;
}

/*
 * Class and id hints. A class token ("top-nav", "Page-ad-margins") is split
 * into parts. A negative word is strong when it is the whole token, or a
 * long word (5+ letters) at either end of it ("comment-list"); it is weak
 * when it sits in the middle or inside a part ("rightsidebar"), or is a
 * short word at an end ("inline-ad"); a short word ("ad", "nav") in the
 * middle of a longer name ("Page-ad-margins") is a layout name, no hint.
 * Strong hints may delete a block; weak ones only when the block does not
 * hold most of the page's text. Returns pos - (strong + weak).
 */
static int hint2(xmlNodePtr n, int *pos, int *strong, int *weak)
{
    const char *vals[2] = {attr(n, "class"), attr(n, "id")};
    *pos = *strong = *weak = 0;
    for (int k = 0; k < 2; k++) {
        const char *s = vals[k];
        while (s && *s) {
            while (*s == ' ' || *s == '\t' || *s == '\n') s++;
            const char *end = s;
            while (*end && *end != ' ' && *end != '\t' && *end != '\n') end++;
            char parts[OV__CLASS_PARTS_MAX][OV__CLASS_WORD_MAX];
            size_t np = 0, plen[OV__CLASS_PARTS_MAX];
            char tok[4 * OV__CLASS_WORD_MAX];
            size_t tl = (size_t)(end - s) < sizeof tok - 1 ? (size_t)(end - s) : sizeof tok - 1;
            memcpy(tok, s, tl);
            tok[tl] = '\0';
            for (const char *q = tok; np < OV__CLASS_PARTS_MAX && (plen[np] = next_class_word(&q, parts[np])) > 0;) np++;
            int tok_pos = 0, tok_comment = 0;
            for (size_t j = 0; j < np; j++) {
                const char *w = parts[j];
                size_t wl = plen[j];
                int middle = j > 0 && j + 1 < np;
                for (size_t i = 0; i < sizeof NEG / sizeof NEG[0]; i++) {
                    if (w[0] != NEG[i][0] || strcmp(w, NEG[i])) continue;
                    size_t len = strlen(NEG[i]);
                    if (name_in_list(w, WEAK_ONLY)) (*weak)++;
                    else if (np == 1 || (!middle && len >= 5)) {
                        (*strong)++;
                        if (name_in_list(w, COMMENT_WORDS)) tok_comment = 1;
                    } else if (len >= 5 || !middle) (*weak)++;
                }
                for (size_t i = 0; i < sizeof NEG_SUB / sizeof NEG_SUB[0]; i++)
                    if (word_has(w, wl, NEG_SUB[i]) && wl != NEG_SUB[i].len) (*weak)++;
                for (size_t i = 0; i < sizeof POS / sizeof POS[0]; i++)
                    if ((wl == POS[i].len && !memcmp(w, POS[i].s, wl)) || (POS[i].len > 4 && word_has(w, wl, POS[i])))
                        tok_pos++;
            }
            /* "comment-text", "post-comments": the positive word names a
             * part of a comment, not of the article */
            if (!tok_comment) *pos += tok_pos;
            s = end;
        }
    }
    return *pos - *strong - *weak;
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
        if (cur->type == XML_ELEMENT_NODE && ov__name_eq(cur->name, BAD_CAST "time")) return 1;
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
/* Class words of metadata blocks (bylines, author boxes, datelines). */
static const char *const META_WORDS[] = {"byline", "dateline", "meta", "posted", "postmeta", "pubdate",
                                         "timestamp", "date", "time", "author", "info", "kicker", NULL};

static int is_meta_line(xmlNodePtr n, const char *t, size_t tl)
{
    if (tl == 0 || tl > 160) return 0;
    static const char *const source_words[] = {"来源", "來源", "Source", "摄", "攝", NULL};
    static ov__strset sources = OV__STRSET(source_words);
    if (ov__strset_any(&sources, t)) return 0;
    return has_time_desc(n) || class_word(n, META_WORDS);
}

static int name_in(xmlNodePtr n, const char *const *names) { return ov__name_in(n->name, names); }

static const char *const BOILER[] = {"ICP备", "ICP证", "举报电话", "举报邮箱", "分享到", "上一篇", "下一篇",
                               "相关新闻", "相关阅读", "相关文章", "关闭窗口", "打印本页", "【打印】",
                               "版权所有", "免责声明", "责任编辑", "责编：", "All rights reserved",
                               "All Rights Reserved", "Share this", "Related articles", "Leave a comment",
                               "Leave a Reply", "网络传播视听节目许可证", "违法和不良信息", "扫一扫", "Sign up for",
                               "Subscribe to",
                               /* traditional forms */
                               "相關新聞", "相關閱讀", "延伸閱讀", "延伸阅读", "版權所有", "版權均屬", "免責聲明",
                               "責任編輯", "未經許可", "不得轉載", "分享到：", "上一篇：", "下一篇：",
                               /* pagination and editor credits */
                               "下一页", "尾页", "下一頁", "尾頁", "字号：", "字號：", "【字体", "字体：", "（编辑：", "(编辑：", "（編輯：", "编辑：", "編輯：", "审核：", "審核：",
                               "【编辑:", "【編輯:", "字級設定", "字级设定",
                               /* reader widgets: comment counts, polls, keyword and feedback boxes */
                               "参与互动(", "參與互動(", "我来说两句", "我來說兩句", "热门关键词", "熱門關鍵詞",
                               "讓您覺得？", "让您觉得？", "请到交流平台反馈", "請到交流平台反饋", NULL};
static ov__strset boiler_words = OV__STRSET(BOILER);

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Whole texts that are only a label of an ad slot or a widget. */
static const char *const LABELS[] = {"Advertisement", "ADVERTISEMENT", "Advertising", "Sponsored", "Ad",
                                     "广告", "廣告", "推广", "推廣", NULL};

/*
 * A copyright notice ("Copyright © 2012 X", "copyright 2012 by", "©
 * Copyright"): the word with the sign or a year next to it. The word alone
 * is as often prose ("the Copyright Royalty Board", "no copyright
 * neophyte", a photo credit "(Copyright: The Archives)").
 */
static int copyright_notice(const char *t)
{
    for (const char *p = t; (p = ov__ascii_casestr(p, "copyright")) != NULL; p += 9) {
        const char *q = p + 9;
        while (*q == ' ') q++;
        if (!strncmp(q, "\xc2\xa9", 2) || !strncasecmp(q, "(c)", 3) || isdigit((unsigned char)*q)) return 1;
        const char *b = p;
        while (b > t && b[-1] == ' ') b--;
        if (b - t >= 2 && !strncmp(b - 2, "\xc2\xa9", 2)) return 1;
    }
    return 0;
}

static int is_boiler(const char *t)
{
    size_t n = strlen(t);
    if (n > 600) return 0;
    for (const char *const *l = LABELS; *l; l++)
        if (!strcmp(t, *l)) return 1;
    return copyright_notice(t) || ov__strset_any(&boiler_words, t);
}

/* Social networks and share/follow actions, simplified and traditional. */
static const char *const SOCIAL_NET[] = {"Facebook", "facebook", "FB專頁", "Twitter", "twitter", "微博", "微信",
                                         "WeChat", "Weibo", "Plurk", "噗浪", "Google+", "LINE", NULL};
static const char *const SOCIAL_ACT[] = {"分享", "專頁", "专页", "粉絲團", "粉丝团", "Like", "讚好", "點讚", "点赞",
                                         "關注", "关注", "追蹤", "訂閱", "订阅", "加入", "按此", "扫描", "掃描",
                                         "扫一扫", "轉發", "转发", "Share", "Follow", NULL};
/* Labels of share-bar buttons (often only an icon's alt text). */
static const char *const SHARE_LABEL[] = {"分享", "列印", "打印", "轉寄", "转寄", "Send", "收藏", "推薦給", "推荐给", "書籤", "书签",
                                          "Share", "Print", "Email", "E-mail", "Tweet", NULL};

static int has_any(const char *t, const char *const *w)
{
    for (; *w; w++)
        if (strstr(t, *w)) return 1;
    return 0;
}

/* The lists above as one-pass word sets (ov__strset: has_any's answer). */
static ov__strset social_nets = OV__STRSET(SOCIAL_NET);
static ov__strset social_acts = OV__STRSET(SOCIAL_ACT);
static ov__strset share_labels = OV__STRSET(SHARE_LABEL);

/*
 * A share bar's or a "follow us" notice's line, not article text: a short
 * line naming a social network together with a share/follow action
 * ("香港新浪新聞現已開設Facebook專頁……[按此 Like]", "分享至微博"; a longer
 * line only with a link in it: articles about Weibo name both), or a
 * button label alone ("列印", "Send俾朋友"). Like trafilatura's share and
 * social discards, but by the words, since such lines often sit inside the
 * story's own container with no class to tell them. The notice rule is
 * for CJK lines only: English ground truths (dragnet) keep "Follow us on
 * Twitter" lines as part of the article.
 */
/* More CJK characters (U+3000..U+9FFF) than Latin letters? */
static int mostly_cjk(const char *t)
{
    size_t cjk = 0, latin = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (*p >= 0xE3 && *p <= 0xE9) cjk++;
        else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') latin++;
    }
    return cjk > latin;
}

static int is_social_line(const char *t, int linked)
{
    size_t n = utf8_len(t);
    if (n == 0 || n > OV__SOCIAL_LINE_MAX) return 0;
    /* prose about Weibo names both too: a notice is short or carries its link */
    if ((linked || n <= OV__SOCIAL_BARE_MAX) && mostly_cjk(t) && ov__strset_any(&social_nets, t) &&
        ov__strset_any(&social_acts, t))
        return 1;
    return n <= OV__SHARE_LABEL_MAX && ov__strset_any(&share_labels, t) && !strstr(t, "。") &&
           !strstr(t, "，");
}

/* A share bar's icon: an image whose alt text is a share or follow label,
 * or a linked image whose alt is a network's name alone ("twitter",
 * "plurk": the share links of a bookmark bar). */
static int share_icon(xmlNodePtr n)
{
    static const char *const nets[] = {"facebook", "twitter", "plurk", "weibo", "google", "google+", "yahoo",
                                       "delicious", "digg", "reddit", "linkedin", "line", "email", "rss", NULL};
    if (!ov__name_eq(n->name, BAD_CAST "img")) return 0;
    const char *alt = attr(n, "alt");
    if (!alt) return 0;
    if (is_social_line(alt, 0)) return 1;
    while (*alt == ' ') alt++;
    int linked = n->parent && n->parent->type == XML_ELEMENT_NODE && ov__name_eq(n->parent->name, BAD_CAST "a");
    for (size_t i = 0; linked && nets[i]; i++)
        if (!strncasecmp(alt, nets[i], strlen(nets[i])) && (!alt[strlen(nets[i])] || alt[strlen(nets[i])] == ' ') &&
            strlen(alt) <= strlen(nets[i]) + 1)
            return 1;
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

/* Never part of an article; removed before anything is measured. */
static const char *const HARD_DROP[] = {"script", "style", "template", "svg", "canvas", "iframe", "param",
                                        "embed", "button", "select", "textarea", "input", "link", "meta",
                                        "head", "dialog", "map", "video", "audio", "label", "frame",
                                        "frameset", "applet", NULL};
/* Usually not the article: dropped unless they hold most of the page's text. */
static const char *const SOFT_DROP[] = {"nav", "aside", "footer", NULL};
static const char *const NEG_ROLES[] = {"navigation", "complementary", "menu", "menubar", "contentinfo",
                                        "dialog", "alertdialog", "search", NULL};

static int name_in_list(const char *s, const char *const *names)
{
    /* also used by the class hints above */
    for (; *names; names++)
        if (ov__ascii_ieq(s, *names)) return 1;
    return 0;
}

static int has_attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (ov__name_eq(a->name, BAD_CAST name)) return 1;
    return 0;
}

/* Does a CSS declaration list set prop to value ("display: none")? */
static int style_is(const char *st, const char *prop, const char *value)
{
    size_t pl = strlen(prop), vl = strlen(value);
    for (const char *p = st; (p = ov__ascii_casestr(p, prop)) != NULL; p += pl) {
        if (p > st && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) continue;
        const char *q = p + pl;
        while (*q == ' ' || *q == '\t') q++;
        if (*q != ':') continue;
        q++;
        while (*q == ' ' || *q == '\t') q++;
        if (!strncasecmp(q, value, vl) && !isalnum((unsigned char)q[vl])) return 1;
    }
    return 0;
}

/* hidden, aria-hidden="true", display:none, visibility:hidden */
static int is_hidden(xmlNodePtr n)
{
    if (has_attr(n, "hidden")) return 1;
    const char *ah = attr(n, "aria-hidden");
    if (ah && ov__ascii_ieq(ah, "true")) return 1;
    const char *st = attr(n, "style");
    return st && (style_is(st, "display", "none") || style_is(st, "visibility", "hidden"));
}

/* Remove comments, scripts, forms' controls and hidden elements: iterative. */
/* Radio buttons and check boxes below n (stops counting at max). */
static int choices_below(xmlNodePtr n, int max)
{
    int k = 0;
    for (xmlNodePtr c = n->children; c && k < max; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (ov__name_eq(c->name, BAD_CAST "input")) {
            const char *ty = attr(c, "type");
            if (ty && (ov__ascii_ieq(ty, "radio") || ov__ascii_ieq(ty, "checkbox"))) k++;
        } else {
            k += choices_below(c, max - k);
        }
    }
    return k;
}

/*
 * A poll or survey ("你如何看待……？" with its answers): a <form> with
 * OV__POLL_CHOICES or more radio buttons or check boxes. Its controls go
 * with the form controls, its answer labels would read as text; the form is
 * marked here, before the controls go, and mark() leaves it out unless it
 * holds most of the page (ASP.NET wraps the page in one form). Readability.js
 * removes such forms by their input count in _cleanConditionally.
 */
static void mark_poll(xmlNodePtr n)
{
    if (ov__name_eq(n->name, BAD_CAST "form") && choices_below(n, OV__POLL_CHOICES) >= OV__POLL_CHOICES)
        xmlSetProp(n, BAD_CAST OV__POLL_ATTR, BAD_CAST "1");
}

/*
 * An <object> (a Flash player) shows its fallback content where the plugin
 * is missing, and pages put the video's caption or the whole story there
 * (HTML's "nested browsing context" fallback). Like a browser without the
 * plugin, keep that content in place of the element: its children move
 * before it and it goes; <param> and <embed> go with the hard drops.
 * Returns the node where the walk goes on (the first moved child, else
 * the next node after the object), or NULL at the end of root's subtree.
 */
static xmlNodePtr unwrap_next(xmlNodePtr n, xmlNodePtr root)
{
    xmlNodePtr cur = n;
    while (cur != root && !cur->next) cur = cur->parent;
    return cur == root ? NULL : cur->next;
}

static xmlNodePtr unwrap_object(xmlNodePtr n, xmlNodePtr root)
{
    xmlNodePtr first = NULL;
    for (xmlNodePtr k = n->children; k;) {
        xmlNodePtr nx = k->next;
        xmlUnlinkNode(k);
        /* a text child may merge into a text node before the object: the
         * node returned is where it went */
        xmlNodePtr at = xmlAddPrevSibling(n, k);
        if (!first) first = at;
        k = nx;
    }
    xmlNodePtr nx = first ? first : unwrap_next(n, root);
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return nx;
}

static void preclean(xmlNodePtr root)
{
    xmlNodePtr cur = root->children;
    while (cur && cur != root) {
        int drop = cur->type == XML_COMMENT_NODE || cur->type == XML_PI_NODE;
        if (cur->type == XML_ELEMENT_NODE && (name_in(cur, HARD_DROP) || is_hidden(cur))) drop = 1;
        if (drop) {
            xmlNodePtr victim = cur;
            while (cur != root && !cur->next) cur = cur->parent;
            xmlNodePtr nx = cur == root ? NULL : cur->next;
            xmlUnlinkNode(victim);
            xmlFreeNode(victim);
            if (!nx) break;
            cur = nx;
            continue;
        }
        if (cur->type == XML_ELEMENT_NODE && ov__name_eq(cur->name, BAD_CAST "object")) {
            cur = unwrap_object(cur, root);
            if (!cur) break;
            continue;
        }
        if (cur->type == XML_ELEMENT_NODE) mark_poll(cur);
        if (cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
        while (cur != root && !cur->next) cur = cur->parent;
        if (cur == root) break;
        cur = cur->next;
    }
}

static double plain_of(const ov__acc *a) { return (double)a->chars - (double)a->links; }

/* Does an attribute value hold word as a whole blank-separated token? */
static int attr_token(xmlNodePtr n, const char *name, const char *word)
{
    const char *v = attr(n, name);
    size_t wl = strlen(word);
    for (const char *p = v; p && (p = ov__ascii_casestr(p, word)) != NULL; p += wl)
        if ((p == v || isspace((unsigned char)p[-1])) && (!p[wl] || isspace((unsigned char)p[wl]))) return 1;
    return 0;
}

#define OV__BODY_MARK_MIN 200.0 /* non-link characters in an itemprop="articleBody" worth trusting */

/*
 * The elements that hold a schema.org articleBody (microdata
 * itemprop="articleBody" with real text) and their ancestors: marked 1 in
 * a calloc'd array of t->n bytes (NULL when there is none, or no memory).
 * Each ancestor chain is walked once: a walk stops at a marked element.
 */
static uint8_t *body_marks(const ov__tree *t)
{
    uint8_t *keep = NULL;
    for (size_t i = 0; i < t->n; i++) {
        if (!attr_token(t->node[i], "itemprop", "articleBody") || plain_of(&t->st[i].total) < OV__BODY_MARK_MIN)
            continue;
        if (!keep && !(keep = calloc(t->n, 1))) return NULL;
        for (size_t a = i; a != (size_t)-1 && !keep[a]; a = t->st[a].parent ? t->st[a].parent - 1 : (size_t)-1)
            keep[a] = 1;
    }
    return keep;
}

/*
 * An author box ("About the author", a photo and a bio below the post): a
 * container (not a byline's span or link) with a class or id word
 * "author" ("author_info", "post-author", "wp-about-author-container").
 * trafilatura discards elements whose class or id holds "author"; here
 * the mark is a weak one, never on a block holding most of the page. A
 * positive word in the same token names whose author ("article-author");
 * one in another token ("entry-author-jo entry") makes it the post itself.
 */
static int author_box(xmlNodePtr n)
{
    static const char *const boxes[] = {"div", "section", "aside", "footer", "table", "ul", "dl", NULL};
    if (!name_in(n, boxes)) return 0;
    const char *vals[2] = {attr(n, "class"), attr(n, "id")};
    int author = 0, other_pos = 0;
    for (int k = 0; k < 2; k++) {
        for (const char *s = vals[k]; s && *s;) {
            while (*s == ' ' || *s == '\t' || *s == '\n') s++;
            const char *end = s;
            while (*end && *end != ' ' && *end != '\t' && *end != '\n') end++;
            char tok[4 * OV__CLASS_WORD_MAX], word[OV__CLASS_WORD_MAX];
            size_t tl = (size_t)(end - s) < sizeof tok - 1 ? (size_t)(end - s) : sizeof tok - 1;
            memcpy(tok, s, tl);
            tok[tl] = '\0';
            int tok_author = 0, tok_pos = 0;
            for (const char *q = tok; next_class_word(&q, word);) {
                if (!strcmp(word, "author") || !strcmp(word, "authors")) tok_author = 1;
                for (size_t i = 0; i < sizeof POS / sizeof POS[0]; i++)
                    if (!strcmp(word, POS[i].s)) tok_pos = 1;
            }
            author |= tok_author;
            if (!tok_author) other_pos |= tok_pos;
            s = end;
        }
    }
    return author && !other_pos;
}

/*
 * Cleaning as hints: mark (never delete) the blocks that look like
 * navigation, footers, sharing bars, boilerplate lines, bylines and link
 * lists. A weak sign (a tag, a class word inside a longer name, link
 * density) never marks a block that holds most of the page's text.
 */
/* Characters of a plain paragraph that the link-density mark spares when
 * it reads as linked prose (shorter: a credit or promo line, "[Source: X]"). */
#define OV__PARA_PROSE_MIN 100u
static int linked_prose_para(const ov__tree *t, size_t i, double ld);

static void mark(ov__tree *t)
{
    static const char *const leafish[] = {"h2", "h3", "h4", "h5", "h6", "li", "td", NULL};
    static const char *const listy[] = {"ul", "ol", "div", "td", "table", "p", "section", "dl", NULL};
    double page = plain_of(&t->page);
    uint8_t *keep = body_marks(t);
    for (size_t i = 0; i < t->n; i++) {
        xmlNodePtr n = t->node[i];
        ov__nstat *s = &t->st[i];
        int pos, strong, weak;
        hint2(n, &pos, &strong, &weak);
        s->weight = (int8_t)(pos > strong + weak ? 1 : strong + weak > pos ? -1 : 0);
        s->drop = OV__KEEP;
        if (i == 0 || ov__name_eq(n->name, BAD_CAST "body")) continue;
        int most = page > 0 && plain_of(&s->total) * 2 > page;
        if (ov__name_eq(n->name, BAD_CAST "noscript")) { s->drop = OV__DROP_BAD; continue; }
        if (share_icon(n)) { s->drop = OV__DROP_BAD; continue; }
        const char *role = attr(n, "role");
        int drop = OV__KEEP;
        /* the publisher's own schema.org mark of the article body beats a
         * class word of a wrapper around it ("share_wrapper") */
        if (keep && keep[i]) drop = OV__KEEP;
        else if (!most && has_attr(n, OV__POLL_ATTR)) drop = OV__DROP_STRONG;
        else if (strong && !pos && !ov__name_eq(n->name, BAD_CAST "article")) drop = OV__DROP_STRONG;
        else if (most) drop = OV__KEEP;
        else if (weak && !pos) drop = OV__DROP_CLASS;
        else if (author_box(n)) drop = OV__DROP_CLASS;
        else if (name_in(n, SOFT_DROP) || (role && name_in_list(role, NEG_ROLES))) drop = OV__DROP_HINT;
        else if (block_tag(n)) {
            size_t tl = s->total.chars;
            if (tl > 0 && tl <= 600 && !has_block_child(n)) {
                /* a line longer than OV__MARK_TEXT_MAX bytes is none of these
                 * (each looks at lines of at most 600 bytes or 160
                 * characters): it is not read to its end */
                int cut = 0;
                char *txt = ov__node_text_cut(n, OV__MARK_TEXT_MAX, &cut);
                if (txt && !cut) {
                    s->boiler = (uint8_t)(is_boiler(txt) || is_social_line(txt, s->total.links > 0));
                    if (s->boiler) drop = OV__DROP_HINT;
                    else if (!name_in(n, leafish) && is_meta_line(n, txt, utf8_len(txt))) drop = OV__DROP_HINT;
                }
                free(txt);
            }
            /* the page's own landmark of its main content (role="main")
             * around a short post is not a link list for its menus */
            if (!drop && tl > 0 && tl < 2000 && name_in(n, listy) && s->total.links * 10 > tl * 6 &&
                !(role && ov__ascii_ieq(role, "main")) &&
                !(tl >= OV__PARA_PROSE_MIN && linked_prose_para(t, i, (double)s->total.links / tl)))
                drop = OV__DROP_HINT;
        }
        if (drop) s->drop = (uint8_t)drop;
    }
    free(keep);
}

/* Non-link text of roots, with or without the marked blocks. */
static double roots_plain(const ov__tree *t, const size_t *r, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += plain_of(&t->st[r[i]].total);
    return sum;
}

static double roots_good(const ov__tree *t, const size_t *r, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += t->st[r[i]].good;
    return sum;
}

static size_t parent_of(const ov__tree *t, size_t i) { return t->st[i].parent ? t->st[i].parent - 1 : (size_t)-1; }

/* Does a class or id of one of the roots name it as content ("entry-content")? */
static int roots_named(const ov__tree *t, const size_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t->st[r[i]].weight > 0) return 1;
    return 0;
}

/* One past the last node of root's subtree (nodes are in document order). */
static size_t subtree_end(const ov__tree *t, size_t root)
{
    size_t end = root + 1;
    while (end < t->n && parent_of(t, end) >= root) end++;
    return end;
}

#define OV__LEDE_UP 1            /* wrapper levels above the article searched for its lede */
#define OV__LEDE_MIN 80.0        /* characters of prose in a lede */
#define OV__LEDE_DATE_BYTES 400 /* text of a lede looked at for a date */
#define OV__LEDE_WRAP 0.8        /* share of a wrapper's text the body holds */

/* Does block i read as a lede: prose, hardly any links, no metadata class,
 * no date, not a table or a list? */
static int is_lede(const ov__tree *t, size_t i)
{
    const ov__nstat *s = &t->st[i];
    if (!s->total.chars || ov__acc_len(&s->total) < OV__LEDE_MIN || s->total.links * 10 >= s->total.chars) return 0;
    if (!(s->total.punct > 0 && ov__prose_like(&s->total)) || class_word(t->node[i], META_WORDS)) return 0;
    /* a photo box or a list is not a lede; a dateline is metadata */
    if (name_in(t->node[i], (const char *const[]){"table", "ul", "ol", "dl", "figure", NULL})) return 0;
    char *txt = ov__node_text(t->node[i], OV__LEDE_DATE_BYTES);
    char date[OV__DATE_MAX];
    int dated = txt && ov__date_parse(txt, date);
    free(txt);
    if (dated) return 0;
    return 1;
}

/*
 * The lede just before the article: a standfirst, or the caption of the
 * lead video, often sits in its own block before the body's container,
 * or before a wrapper holding little else than the body (the sibling
 * merge, which compares scores, misses it: a single paragraph scores low).
 * Walk up from the top block through such wrappers (OV__LEDE_UP levels at
 * most); the first block with text before it is taken when it reads as a
 * lede. Roots stay in document order; returns their new count.
 */
static size_t add_lede(const ov__tree *t, size_t top, size_t *roots, size_t n, size_t max)
{
    size_t cur = top;
    for (int up = 0; up <= OV__LEDE_UP && n < max; up++) {
        size_t ki = (size_t)-1;
        for (xmlNodePtr k = t->node[cur]->prev; k && ki == (size_t)-1; k = k->prev) {
            size_t i = k->type == XML_ELEMENT_NODE ? ov__tree_index(t, k) : (size_t)-1;
            if (i != (size_t)-1 && !t->st[i].gone && t->st[i].total.chars) ki = i;
        }
        if (ki != (size_t)-1) {
            if (!is_lede(t, ki)) return n;
            size_t at = 0;
            while (at < n && roots[at] < ki) at++;
            if (at < n && roots[at] == ki) return n;
            memmove(roots + at + 1, roots + at, (n - at) * sizeof *roots);
            roots[at] = ki;
            return n + 1;
        }
        size_t p = parent_of(t, cur);
        if (p == (size_t)-1 || p == 0 || plain_of(&t->st[cur].total) < OV__LEDE_WRAP * plain_of(&t->st[p].total)) return n;
        cur = p;
    }
    return n;
}

/* Is element i an author box marked as one, or inside such a box? */
static int in_author_box(const ov__tree *t, size_t i)
{
    for (size_t a = i; a != (size_t)-1 && a != 0; a = parent_of(t, a))
        if (t->st[a].drop == OV__DROP_CLASS && author_box(t->node[a])) return 1;
    return 0;
}

/* The best scored block outside the marked author boxes: a retry that
 * lets their mark go must not make the writer's bio the article. */
static size_t best_outside_author_boxes(const ov__tree *t, size_t top)
{
    if (top == (size_t)-1 || !in_author_box(t, top)) return top;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < t->n; i++)
        if (t->st[i].scored && (best == (size_t)-1 || t->st[i].score > t->st[best].score) && !in_author_box(t, i))
            best = i;
    return best;
}

/*
 * Candidate A: the best scored block, moved up while its parent scores
 * about as well (the article split over a few divs), then its siblings that
 * score well or read as prose (Readability's sibling merge).
 */
static size_t candidate_a(ov__tree *t, int level, size_t *roots, size_t max)
{
    ov__tree_sum(t, level);
    size_t top = best_outside_author_boxes(t, ov__score(t));
    if (top == (size_t)-1) return 0;
    double last = t->st[top].score, thr = last / 3;
    for (size_t p = parent_of(t, top); p != (size_t)-1 && p != 0; p = parent_of(t, p)) {
        if (!t->st[p].scored) continue;
        if (t->st[p].score < thr) break;
        if (t->st[p].score > last) { top = p; break; }
        last = t->st[p].score;
    }
    /* an only child stands for its parent */
    for (size_t p = parent_of(t, top); p != (size_t)-1 && p != 0; p = parent_of(t, top)) {
        size_t kids = 0;
        for (xmlNodePtr k = t->node[p]->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE) kids++;
        /* a layout table is not the article's table */
        if (kids != 1 || name_in(t->node[p], (const char *const[]){"tr", "tbody", "thead", "table", NULL})) break;
        top = p;
    }
    if (top == 0) { roots[0] = 0; return 1; }
    size_t n = 0;
    xmlNodePtr tn = t->node[top];
    double ts = t->st[top].score;
    double sthr = ts * 0.2 > 10 ? ts * 0.2 : 10;
    const char *tcls = attr(tn, "class");
    for (xmlNodePtr k = tn->parent->children; k && n < max; k = k->next) {
        size_t ki = ov__tree_index(t, k);
        if (ki == (size_t)-1 || t->st[ki].gone) continue;
        const ov__nstat *s = &t->st[ki];
        int keep = ki == top;
        double bonus = 0;
        const char *kc = attr(k, "class");
        if (tcls && kc && tcls[0] && !strcmp(tcls, kc)) bonus = ts * 0.2;
        /* an author box scores as prose; when a retry let its mark go it
         * still is no part of the story beside it */
        if (!keep && author_box(k)) continue;
        if (!keep && s->scored && s->score + bonus >= sthr) keep = 1;
        if (!keep && (ov__name_eq(k->name, BAD_CAST "p") || (!s->block && s->total.chars))) {
            double len = ov__acc_len(&s->total);
            double ld = s->total.chars ? (double)s->total.links / s->total.chars : 0;
            if ((len > 80 && ld < 0.25) || (len > 0 && ld == 0 && s->total.punct > 0)) keep = 1;
        }
        if (keep) roots[n++] = ki;
    }
    n = add_lede(t, top, roots, n, max);
    return n;
}

/* Candidate B: the smallest block holding most of the good paragraphs. */
static size_t candidate_b(const ov__tree *t)
{
    double g = t->st[0].good;
    size_t cur = 0;
    for (;;) {
        size_t best = (size_t)-1;
        for (xmlNodePtr k = t->node[cur]->children; k; k = k->next) {
            size_t ki = ov__tree_index(t, k);
            if (ki != (size_t)-1 && (best == (size_t)-1 || t->st[ki].good > t->st[best].good)) best = ki;
        }
        if (best == (size_t)-1 || t->st[best].good < 0.8 * g) return cur;
        cur = best;
    }
}

/* Share of a paragraph's text inside links above which it is a link line
 * even when it reads as prose. */
#define OV__PARA_LINKS_MAX 0.8

/* Is there a link below element i whose text is a bare address
 * ("http://…", "www.…")? */
static int has_address_link(const ov__tree *t, size_t i)
{
    for (size_t j = i + 1, end = subtree_end(t, i); j < end; j++) {
        if (!ov__name_eq(t->node[j]->name, BAD_CAST "a")) continue;
        char *txt = ov__node_text(t->node[j], 16);
        int bare = txt && (!strncasecmp(txt, "http", 4) || !strncasecmp(txt, "www.", 4));
        free(txt);
        if (bare) return 1;
    }
    return 0;
}

/*
 * A plain paragraph of the story with links on its words: a <p> with no
 * class, not a boilerplate line, at most OV__PARA_LINKS_MAX of its text in
 * links, none of them a bare address (a pointer line: "Link with video.
 * http://…", "follow us: https://plus.google.com/…"). The classifier calls
 * it bad for its links (jusText's link-density limit); trafilatura drops
 * a <p> by link density only when it is short and nearly all links. A <p>
 * with a class in the story is a template's line (postmetadata, tags)
 * more often than prose, and keeps the link-density test.
 */
static int linked_prose_para(const ov__tree *t, size_t i, double ld)
{
    xmlNodePtr n = t->node[i];
    return ov__name_eq(n->name, BAD_CAST "p") && !attr(n, "class") && !t->st[i].boiler &&
           ld <= OV__PARA_LINKS_MAX && !has_address_link(t, i);
}

/* A container holding more than this share of a chosen root's text is the
 * post itself, not a box inside it, unless more than OV__SPARE_LINKS_MAX
 * of its text is links (a sidebar of link lists beside a short story). */
#define OV__DROP_SPARE 0.5
#define OV__SPARE_LINKS_MAX 0.75

/* Is element i (link density ld) such a container of a root holding
 * rtext characters: a block of blocks, or a list? */
static int spared_container(const ov__tree *t, size_t i, double rtext, double ld)
{
    xmlNodePtr n = t->node[i];
    return (has_block_child(n) || name_in(n, (const char *const[]){"ul", "ol", NULL})) &&
           (double)t->st[i].total.chars > OV__DROP_SPARE * rtext && ld <= OV__SPARE_LINKS_MAX;
}

/* Inside the chosen roots, leave out link lists and boilerplate lines that
 * hold no good paragraph (not the container of most of a root's text). */
static void drop_bad(ov__tree *t, const size_t *roots, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        /* pre-order: the subtree of a root is the run of indices after it
         * whose parents are inside it */
        size_t end = subtree_end(t, roots[r]);
        double rtext = (double)t->st[roots[r]].total.chars;
        for (size_t i = roots[r] + 1; i < end; i++) {
            ov__nstat *s = &t->st[i];
            if (s->drop || s->good || !s->block) continue;
            double ld = s->total.chars ? (double)s->total.links / s->total.chars : 0;
            int bad = s->cls == OV__CLS_BAD || s->cls == OV__CLS_NONE;
            /* a paragraph with many inline links still reads as prose */
            if (!bad || !(ld > 0.5 || s->boiler || (ld > 0.25 && !ov__prose_like(&s->total)))) continue;
            if (linked_prose_para(t, i, ld)) continue;
            /* a link roundup post: the container of most of the root is
             * the post, whatever its paragraphs are called; named as
             * content ("entry-content"), its link lines are the post's too */
            if (spared_container(t, i, rtext, ld)) {
                if (s->weight > 0) i = subtree_end(t, i) - 1;
                continue;
            }
            s->drop = OV__DROP_BAD;
        }
    }
}

#define OV__DUP_MIN 200u             /* characters of a block worth comparing */
#define OV__DUP_TEXT_MAX (64u * 1024u) /* longer blocks are not compared */
#define OV__DUP_SIBLINGS 8           /* earlier siblings compared with each block */

/* Are the texts of elements a and b the same (blanks folded)? */
static int same_text(xmlNodePtr a, xmlNodePtr b)
{
    char *ta = ov__node_text(a, OV__DUP_TEXT_MAX), *tb = ov__node_text(b, OV__DUP_TEXT_MAX);
    int same = ta && tb && !strcmp(ta, tb);
    free(ta);
    free(tb);
    return same;
}

/*
 * A block of paragraphs repeated in a sibling after it (A/B-test variants
 * of a story's opening, one hidden by a style sheet the page links to):
 * inside the chosen roots, and among the roots themselves, a block with a
 * block child whose text equals that of one of its OV__DUP_SIBLINGS
 * earlier siblings is left out. Like trafilatura's duplicate test, but
 * for whole blocks only: a single quoted paragraph said twice stays.
 */
static void drop_dups(ov__tree *t, const size_t *roots, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        size_t end = subtree_end(t, roots[r]);
        for (size_t i = roots[r]; i < end;) {
            ov__nstat *s = &t->st[i];
            int out = s->gone || s->drop != OV__KEEP;
            if (!out && s->total.chars >= OV__DUP_MIN && s->total.chars <= OV__DUP_TEXT_MAX &&
                has_block_child(t->node[i])) {
                size_t seen = 0;
                for (xmlNodePtr k = t->node[i]->prev; k && seen < OV__DUP_SIBLINGS && !out; k = k->prev) {
                    size_t ki = k->type == XML_ELEMENT_NODE ? ov__tree_index(t, k) : (size_t)-1;
                    if (ki == (size_t)-1 || t->st[ki].gone || t->st[ki].drop != OV__KEEP) continue;
                    seen++;
                    if (t->st[ki].total.chars == s->total.chars && same_text(k, t->node[i])) {
                        s->drop = OV__DROP_BAD;
                        out = 1;
                    }
                }
            }
            /* what is left out is not looked into */
            size_t next = i + 1;
            if (out)
                while (next < end && parent_of(t, next) >= i) next++;
            i = next;
        }
    }
}

#define OV__REPEAT_MIN 10        /* times a line is said before its repeats go */
#define OV__REPEAT_TEXT_MIN 10   /* shortest line (bytes) counted: "Yes", "-" repeat as content */
#define OV__REPEAT_TEXT_MAX 200  /* longest line (bytes) counted */

/* The text of leaf block i (all of its text its own; malloc'd) when it
 * counts in the repeat count, else NULL. */
static char *repeat_key(const ov__tree *t, size_t i)
{
    xmlNodePtr n = t->node[i];
    const ov__nstat *s = &t->st[i];
    /* table cells repeat as data ("Yes", a city per row) */
    if (!s->block || !s->total.chars || s->own.chars != s->total.chars ||
        name_in(n, (const char *const[]){"td", "th", "tr", NULL}))
        return NULL;
    char *txt = ov__node_text(n, OV__REPEAT_TEXT_MAX + 1);
    size_t l = txt ? strlen(txt) : 0;
    if (l < OV__REPEAT_TEXT_MIN || l > OV__REPEAT_TEXT_MAX) {
        free(txt);
        return NULL;
    }
    return txt;
}

/*
 * A line said OV__REPEAT_MIN times or more inside the chosen roots (a
 * gallery's "Mouseover photo to load notes" under each photo) is a
 * template's, not the story's: after its first time, leaf blocks with
 * that text are left out. trafilatura drops a text seen more than twice
 * (its LRU duplicate test, texts over 100 characters); a short line is
 * let repeat more, since lists and photo credits repeat a few times as
 * content. Without memory the page is kept as it is.
 */
static void drop_repeats(ov__tree *t, const size_t *roots, size_t n)
{
    ov__hmap seen = OV__HMAP_INIT;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < n; r++) {
            size_t end = subtree_end(t, roots[r]);
            for (size_t i = roots[r]; i < end; i++) {
                if (t->st[i].gone || ov__tree_dropped(t, i) || t->st[i].drop != OV__KEEP) continue;
                char *key = repeat_key(t, i);
                if (!key) continue;
                size_t *cnt = NULL;
                int rc = pass == 0 ? ov__hmap_put(&seen, key, 0, &cnt) : 0;
                if (pass == 1) cnt = ov__hmap_get(&seen, key);
                free(key);
                if (rc < 0) goto cleanup;
                if (!cnt) continue;
                if (pass == 0) { (*cnt)++; continue; }
                if (*cnt == (size_t)-1) {
                    t->st[i].drop = OV__DROP_BAD;
                } else if (*cnt >= OV__REPEAT_MIN) {
                    *cnt = (size_t)-1; /* its first time is kept; the rest are marked */
                }
            }
        }
    }
cleanup:
    ov__hmap_free(&seen);
}

/* Headings of the lists that follow an article: "most read", "related",
 * "read on", "recommended" (simplified and traditional). */
static const char *const RELATED_HEAD[] = {"最熱門", "最热门", "熱門新聞", "热门新闻", "熱門文章", "热门文章",
                                           "相关新闻", "相關新聞", "相关阅读", "相關閱讀", "相关文章", "相關文章",
                                           "延伸閱讀", "延伸阅读", "推荐阅读", "推薦閱讀", "猜你喜欢", "猜你喜歡",
                                           "更多新闻", "更多新聞", "你可能感兴趣", "你可能會喜歡", "其他新聞",
                                           "最新新聞", "最新新闻", NULL};

/* A short leaf block that only names a related list ("最熱門新聞")? */
static int related_heading(const ov__tree *t, size_t i)
{
    const ov__nstat *s = &t->st[i];
    if (!s->block || s->total.chars == 0 || s->total.chars > OV__RELATED_HEAD_BYTES) return 0;
    if (has_block_child(t->node[i])) return 0;
    char *txt = ov__node_text(t->node[i], OV__RELATED_HEAD_BYTES + 1);
    int hit = utf8_len(txt) <= OV__RELATED_HEAD_MAX && has_any(txt, RELATED_HEAD);
    free(txt);
    return hit;
}

#define OV__COMMENT_HEAD_BYTES 160 /* longest heading of a comment thread */
#define OV__COMMENT_HEAD_WORDS 4   /* words of its text compared */

/* Words of comment-thread headings, after the count is taken off
 * ("24 Comments", "Comments (3)", "5 Responses to “Title”"). */
static const char *const COMMENT_HEAD[] = {"comments", "responses", "reader comments", "readers comments",
                                           "user comments", "your comments", "leave a reply", "leave a comment",
                                           "post a comment", "add a comment", "add your comment", "join the discussion",
                                           "join the conversation", NULL};
/* First words of a counted heading that names the post after them. */
static const char *const COMMENT_HEAD_ON[] = {"responses to", "response to", "comments on", "comment on",
                                              "thoughts on", "thought on", "replies to", "reply to", NULL};

/* The first OV__COMMENT_HEAD_WORDS ASCII words of t, lower-cased and
 * joined by one blank into w (cap bytes); digits, punctuation (an
 * apostrophe: "readers' comments") and other letters separate words and
 * are left out. Returns the words seen. */
static int head_words(const char *t, char *w, size_t cap)
{
    size_t n = 0;
    int words = 0;
    w[0] = '\0';
    for (const char *p = t; *p && words < OV__COMMENT_HEAD_WORDS;) {
        if (!isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80) { p++; continue; }
        if (words && n + 1 < cap) w[n++] = ' ';
        while (isalpha((unsigned char)*p) && (unsigned char)*p < 0x80) {
            if (n + 1 < cap) w[n++] = (char)tolower((unsigned char)*p);
            p++;
        }
        words++;
    }
    w[n] = '\0';
    return words;
}

/*
 * The heading of a reader-comment thread in the story's own container
 * (Movable Type's and TypePad's "<h2 id="comments">Comments</h2>",
 * WordPress's "12 Responses to “Title”", "Leave a Reply"): a heading
 * element whose text is such a phrase, with or without a count. Readability.js
 * and trafilatura find comment threads by their class or id
 * ("comment", "disqus", "respond"); these threads have none below the
 * heading, and the heading is what says so.
 */
static int comment_heading(const ov__tree *t, size_t i)
{
    static const char *const heads[] = {"h1", "h2", "h3", "h4", "h5", "h6", NULL};
    const ov__nstat *s = &t->st[i];
    if (!name_in(t->node[i], heads) || s->base.chars + s->total.chars == 0) return 0;
    char *txt = ov__node_text(t->node[i], OV__COMMENT_HEAD_BYTES + 1);
    if (!txt) return 0;
    int hit = 0;
    if (strlen(txt) <= OV__COMMENT_HEAD_BYTES) {
        char w[OV__COMMENT_HEAD_BYTES];
        int nw = head_words(txt, w, sizeof w);
        if (nw > 0 && nw <= 3 && name_in_list(w, COMMENT_HEAD)) hit = 1;
        for (const char *const *h = COMMENT_HEAD_ON; !hit && *h; h++) {
            size_t hl = strlen(*h);
            /* the counted form only: "Thoughts on Writing" is a headline */
            if (!strncmp(w, *h, hl) && (!w[hl] || w[hl] == ' ') && isdigit((unsigned char)txt[strspn(txt, " \t\r\n")]))
                hit = 1;
        }
    }
    free(txt);
    return hit;
}

/*
 * A related-list heading below the story ends the article (trafilatura
 * and jusText stop at such lists by their class or link density; a "most
 * read" list whose teasers carry prose excerpts passes both): inside each
 * chosen root, once OV__RELATED_AFTER characters of good text or prose
 * (a short story's lines, which the classifier may call bad) came first,
 * the heading and every element after it are left out.
 */
static void cut_at_related(ov__tree *t, const size_t *roots, size_t n)
{
    for (size_t r = 0; r < n; r++) {
        size_t end = subtree_end(t, roots[r]);
        double good = 0;
        size_t cut = end;
        for (size_t i = roots[r] + 1; i < end && cut == end; i++) {
            const ov__nstat *s = &t->st[i];
            /* a comment heading ends the story even when its own id
             * ("comments") already left it out */
            if (good >= OV__RELATED_AFTER && comment_heading(t, i)) { cut = i; break; }
            if (ov__tree_dropped(t, i)) continue;
            if (good >= OV__RELATED_AFTER && related_heading(t, i)) cut = i;
            else if (s->cls == OV__CLS_GOOD || (s->block && ov__prose_like(&s->own) && s->own.links * 4 < s->own.chars))
                good += (double)s->own.chars - (double)s->own.links;
        }
        for (size_t i = cut; i < end; i++) t->st[i].drop = OV__DROP_BAD;
    }
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
/* Longest text read as a bare date line ("2026-03-01 19:47:00", bytes). */
#define OV__HEAD_DATE_MAX 40

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
static void trim_head(ov__ctx *c, ov__tree *tr, xmlNodePtr root)
{
    xmlNodePtr drop[OV__HEAD_MAX_NODES];
    size_t nd = 0;
    int past_image = 0;
    xmlNodePtr cur = root->children;
    while (cur && cur != root && nd < OV__HEAD_MAX_NODES) {
        int descend = 1;
        if (cur->type == XML_ELEMENT_NODE) {
            char *t = ov__node_text(cur, 700);
            if (t[0] && c->art->title && ov__same_title(t, c->art->title)) {
                drop[nd++] = cur;
                descend = 0;
            } else if (!t[0] && (ov__name_eq(cur->name, BAD_CAST "img") || ov__name_eq(cur->name, BAD_CAST "figure"))) {
                /* a source's logo or a lead image without a caption: past it
                 * only the headline and a bare date line go, a credit line stays */
                descend = 0;
                past_image = 1;
            } else if (ov__name_eq(cur->name, BAD_CAST "img") || ov__name_eq(cur->name, BAD_CAST "figure") ||
                       ov__name_eq(cur->name, BAD_CAST "table")) {
                free(t);
                break; /* content before any text: stop looking */
            }
            free(t);
        } else if (cur->type == XML_TEXT_NODE && cur->content) {
            const char *t = (const char *)cur->content;
            char date[OV__DATE_MAX];
            if (body_like(t)) break;
            char *by = ov__byline_inline(t);
            int dated = ov__date_parse(t, date);
            if (past_image ? dated && !by && strlen(t) <= OV__HEAD_DATE_MAX
                           : (dated || by))
                drop[nd++] = cur;
            free(by);
        }
        if (descend && cur->type == XML_ELEMENT_NODE && cur->children) { cur = cur->children; continue; }
        while (cur && cur != root && !cur->next) cur = cur->parent;
        if (!cur || cur == root) break;
        cur = cur->next;
    }
    for (size_t i = 0; i < nd; i++) {
        size_t k = ov__tree_index(tr, drop[i]);
        if (k != (size_t)-1) {
            tr->st[k].drop = OV__DROP_BAD; /* indexed elements stay in the tree */
        } else if (drop[i]->type != XML_ELEMENT_NODE) {
            xmlUnlinkNode(drop[i]);
            xmlFreeNode(drop[i]);
        }
    }
}

int ov__extract_body(ov__ctx *c, ov_error *err)
{
    xmlNodePtr roots[OV__MAX_ROOTS];
    size_t ri[OV__MAX_ROOTS];
    size_t n = 0;
    ov__tree t;
    int rc;
    xmlNodePtr root = xmlDocGetRootElement(c->doc), body = root;
    for (xmlNodePtr k = root->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && ov__name_eq(k->name, BAD_CAST "body")) body = k;
    preclean(body);
    if (c->rules) {
        rc = apply_rules(c, roots, &n, err);
        if (rc != 0) return rc;
    }
    if (ov__tree_build(&t, body) != 0) return ov_error_set(err, OV_ENOMEM, c->art->url, "out of memory");
    mark(&t);
    if (n > 0) /* site rules chose the content: only noscript stays out */
        for (size_t i = 0; i < t.n; i++)
            if (t.st[i].drop < OV__DROP_BAD) t.st[i].drop = OV__KEEP;
    ov__classify(&t);
    if (n == 0) {
        /* Candidate A with all the cleaning marks; when they leave too
         * little, again without the weakest (tags, roles, link density,
         * boilerplate lines), then with the strong ones only, then with
         * none: cleaning is a hint, not a verdict. Like Readability.js,
         * which drops its flags one at a time; a retry is kept only when
         * it holds clearly more text. */
        static const int retry[] = {OV__DROP_CLASS, OV__DROP_STRONG, 0};
        size_t na = candidate_a(&t, OV__DROP_HINT, ri, OV__MAX_ROOTS);
        int level = OV__DROP_HINT;
        double pa = roots_plain(&t, ri, na);
        for (size_t si = 0; si < sizeof retry / sizeof retry[0] && (na == 0 || pa < OV__MIN_ARTICLE); si++) {
            int lv = retry[si];
            /* strong marks (whole class words) give way only to an empty page */
            if (lv == 0 && na > 0 && pa > 0) break;
            size_t r2[OV__MAX_ROOTS];
            size_t n2 = candidate_a(&t, lv, r2, OV__MAX_ROOTS);
            double p2 = roots_plain(&t, r2, n2);
            if (n2 && p2 > pa * 1.5) {
                memcpy(ri, r2, n2 * sizeof *ri);
                na = n2;
                pa = p2;
                level = lv;
            }
        }
        ov__tree_sum(&t, level);
        /* Candidate B from the paragraph classifier; choose by agreement:
         * A unless it holds under half of the good paragraphs and B holds
         * twice as much good text as A holds text, and A is not named as
         * content by its class (a short post in "entry-content" beside a
         * sidebar of event blurbs). B is not taken merely for
         * holding A plus more good text: that text is as often the teasers
         * of other stories below a short one (measured on the corpus). */
        double g = t.st[0].good;
        if (g > 0) {
            double ga = roots_good(&t, ri, na);
            size_t b = candidate_b(&t);
            double gb = t.st[b].good;
            if (na == 0 || (ga < 0.5 * g && gb > 2 * pa && !roots_named(&t, ri, na))) {
                ri[0] = b;
                na = 1;
            }
        }
        for (size_t i = 0; i < t.n; i++)
            if (t.st[i].drop && t.st[i].drop < OV__DROP_BAD && (!level || t.st[i].drop < level)) t.st[i].drop = OV__KEEP;
        drop_bad(&t, ri, na);
        cut_at_related(&t, ri, na);
        drop_dups(&t, ri, na);
        drop_repeats(&t, ri, na);
        for (size_t i = 0; i < na; i++) roots[i] = t.node[ri[i]];
        n = na;
    }
    if (n == 0) {
        roots[0] = body;
        n = 1;
    }
    if (!(c->rules && c->rules->keep)) trim_head(c, &t, roots[0]);
    c->tree = &t;
    rc = ov__emit(c, roots, n, err);
    if (rc == OV_ENOTFOUND && plain_of(&t.page) > 0) {
        /* the choice left nothing: the whole page minus noise, not nothing */
        for (size_t i = 0; i < t.n; i++)
            if (t.st[i].drop < OV__DROP_BAD) t.st[i].drop = OV__KEEP;
        n = candidate_a(&t, 0, ri, OV__MAX_ROOTS);
        for (size_t i = 0; i < n; i++) roots[i] = t.node[ri[i]];
        if (n == 0) { roots[0] = body; n = 1; }
        ov_error_clear(err);
        rc = ov__emit(c, roots, n, err);
    }
    c->tree = NULL;
    ov__tree_free(&t);
    return rc;
}
