/* textpat.c - small text parsers of the transformer: dates, inline bylines
 * and source lines, srcset candidates, CSS selectors to XPath. All bounded
 * by their input strings; no allocation beyond the returned string. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transform/transform_internal.h"
#include "util/buf.h"
#include "util/strset.h"

static int num(const char **p, int maxd, int *v)
{
    int n = 0, d = 0;
    while (d < maxd && isdigit((unsigned char)**p)) {
        n = n * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    *v = n;
    return d;
}

static int skip_lit(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0) return 0;
    *p += n;
    return 1;
}

/* Skip ASCII spaces and ideographic spaces (U+3000). */
static void skip_blanks(const char **p)
{
    while (**p == ' ' ? ((*p)++, 1) : skip_lit(p, "\xe3\x80\x80")) {}
}

/* Time and zone after the date: " 10:30", "T10:30:00+08:00", "Z". */
static void parse_time(const char *p, int *h, int *mi, int *s, char *tz, size_t tzsz)
{
    tz[0] = '\0';
    *h = *mi = *s = -1;
    if (*p == 'T' || *p == ' ') p++;
    while (*p == ' ') p++;
    int hh, mm, ss = 0;
    const char *q = p;
    if (num(&q, 2, &hh) < 1 || (*q != ':' && !skip_lit(&q, "时"))) return;
    if (*q == ':') q++;
    if (num(&q, 2, &mm) != 2 || hh > 23 || mm > 59) return;
    if (*q == ':') {
        q++;
        if (num(&q, 2, &ss) != 2 || ss > 60) ss = 0;
    }
    if (*q == '.') { q++; while (isdigit((unsigned char)*q)) q++; }
    *h = hh; *mi = mm; *s = ss;
    if (*q == 'Z') snprintf(tz, tzsz, "Z");
    else if ((*q == '+' || *q == '-') && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2])) {
        int th = (q[1] - '0') * 10 + (q[2] - '0'), tm = 0;
        const char *r = q + 3;
        if (*r == ':') r++;
        if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1])) tm = (r[0] - '0') * 10 + (r[1] - '0');
        if (th <= 14 && tm < 60 && tzsz >= 7) {
            /* Digits written one by one: th and tm are known to be 0..59. */
            tz[0] = *q;
            tz[1] = (char)('0' + th / 10); tz[2] = (char)('0' + th % 10);
            tz[3] = ':';
            tz[4] = (char)('0' + tm / 10); tz[5] = (char)('0' + tm % 10);
            tz[6] = '\0';
        }
    }
}

int ov__date_parse(const char *s, char out[OV__DATE_MAX])
{
    if (!s) return 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1]))) continue;
        const char *q = p;
        int y, m, d, cjk = 0;
        if (num(&q, 4, &y) != 4 || y < 1900 || y > 2200) continue;
        if (skip_lit(&q, "年")) cjk = 1;
        else if (*q == '-' || *q == '/' || *q == '.') q++;
        else continue;
        if (num(&q, 2, &m) < 1 || m < 1 || m > 12) continue;
        if (cjk ? !skip_lit(&q, "月") : (*q == '-' || *q == '/' || *q == '.') ? (q++, 0) : 1) continue;
        if (num(&q, 2, &d) < 1 || d < 1 || d > 31) continue;
        if (cjk) {
            skip_lit(&q, "日");
            /* "2026年11月27日 星期五 07:45": blanks and the weekday before the time */
            const char *w = q;
            skip_blanks(&w);
            if (skip_lit(&w, "星期") || skip_lit(&w, "週") || skip_lit(&w, "周")) {
                if ((unsigned char)*w >= 0xE0 && w[1] && w[2]) w += 3;
                skip_blanks(&w);
                q = w;
            }
        } else if (isdigit((unsigned char)*q)) continue;
        int h, mi, sec;
        char tz[8];
        parse_time(q, &h, &mi, &sec, tz, sizeof tz);
        if (h >= 0)
            snprintf(out, OV__DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, h, mi, sec, tz);
        else
            snprintf(out, OV__DATE_MAX, "%04d-%02d-%02d", y, m, d);
        return 1;
    }
    return 0;
}

int ov__date_from_url(const char *url, char out[OV__DATE_MAX])
{
    if (!url) return 0;
    const char *path = strstr(url, "://");
    path = path ? strchr(path + 3, '/') : url;
    if (!path) return 0;
    for (const char *p = path; *p; p++) {
        if (*p != '/' && *p != '-' && *p != '_') continue;
        const char *q = p + 1;
        int y, m, d;
        if (num(&q, 4, &y) != 4 || y < 1990 || y > 2200) continue;
        if (*q == '/' || *q == '-') q++;
        if (num(&q, 2, &m) != 2 || m < 1 || m > 12) continue;
        if (*q == '/' || *q == '-') q++;
        if (num(&q, 2, &d) != 2 || d < 1 || d > 31) continue;
        if (isdigit((unsigned char)*q)) continue;
        snprintf(out, OV__DATE_MAX, "%04d-%02d-%02d", y, m, d);
        return 1;
    }
    return 0;
}

static char *dup_range(const char *a, size_t n)
{
    for (;;) {
        if (n && (a[n - 1] == ' ' || a[n - 1] == '\t')) n--;
        else if (n >= 2 && (unsigned char)a[n - 2] == 0xC2 && (unsigned char)a[n - 1] == 0xA0) n -= 2;
        else if (n >= 3 && !memcmp(a + n - 3, "\xe3\x80\x80", 3)) n -= 3;
        else break;
    }
    if (n == 0) return NULL;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, a, n);
    r[n] = '\0';
    return r;
}

/* Span of a CJK/Latin name after a marker: stop at whitespace-run ends,
 * punctuation or the next marker. */
static size_t name_span(const char *p, int allow_space)
{
    static const char *stops[] = {"，", "。", "、", "；", "：", "）", "(", "（", ")", "]", "|", "丨",
                                  "\n", "\t", "\xe3\x80\x80", "\xc2\xa0", "／", "/", "记者", "記者", "编辑", "編輯", "作者", "来源", "來源",
                                  "摄影", "攝影", "发布", "發布", "日期", "时间", "時間", " 20", "20"};
    size_t n = 0;
    while (p[n]) {
        int stop = 0;
        for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
            if (strncmp(p + n, stops[i], strlen(stops[i])) == 0 && n > 0) stop = 1;
        if (stop || p[n] == ',' || p[n] == ';') break;
        if (p[n] == ' ' && !allow_space) break;
        if (p[n] == ' ' && p[n + 1] == ' ') break;
        n++;
        if (n > 80) break;
    }
    return n;
}

/* An English month or weekday name (full or abbreviated): the date after a byline. */
static int is_calendar_word(const char *w, size_t n)
{
    static const char *names[] = {"January", "February", "March", "April", "May", "June", "July", "August",
                                  "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr",
                                  "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday",
                                  "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Updated", "Published",
                                  "Posted", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    while (n && w[n - 1] == '.') n--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && !strncasecmp(w, names[i], n)) return 1;
    return 0;
}

char *ov__byline_inline(const char *s)
{
    static const char *const cjk[] = {"作者：", "作者:", "文／", "文/", "记者：", "记者:", "记者 ", "记者",
                                      "記者：", "記者:", "記者 ", "記者", "撰文：", "撰稿：",
                                      "文｜", "文|", "文 / ", "责任编辑：", "责任编辑:", "責任編輯：", "编辑：", "编辑:", "編輯：", "編輯:", NULL};
    static ov__strset markers = OV__STRSET(cjk);
    if (!s) return NULL;
    /* one pass tells whether any marker is there; the loop finds which */
    int marked = ov__strset_any(&markers, s);
    for (size_t i = 0; marked && cjk[i]; i++) {
        const char *p = strstr(s, cjk[i]);
        if (!p) continue;
        p += strlen(cjk[i]);
        while (*p == ' ') p++;
        size_t n = name_span(p, 0);
        /* A bare 记者 is also running text ("记者从…获悉"): take it only
         * when a short name (at most four CJK characters) follows. */
        int bare = !strcmp(cjk[i], "记者") || !strcmp(cjk[i], "記者");
        if (bare && n > 12) continue;
        if (n > 0 && n <= 40) return dup_range(p, n);
    }
    /* "By Jane Doe": only at the start of the line, so "Stopped By Police"
     * in a related link is no byline; month and weekday names end it
     * ("By Erin Cunningham March 19"). */
    const char *p = s;
    while (*p == ' ' || *p == '\n' || *p == '\t') p++;
    if (strncmp(p, "By ", 3) != 0 && strncmp(p, "by ", 3) != 0 && strncmp(p, "BY ", 3) != 0) return NULL;
    const char *q = p + 3, *end = q;
    while (*q == ' ') q++;
    while (*q) {
        const char *w = q;
        while (*q && *q != ' ' && *q != ',' && *q != '|' && *q != '\n') q++;
        size_t wl = (size_t)(q - w);
        int ok = wl > 0 && !is_calendar_word(w, wl) &&
                 (isupper((unsigned char)w[0]) || (unsigned char)w[0] >= 0xC0 || (wl == 3 && !strncmp(w, "and", 3)) ||
                  (wl == 1 && w[0] == '&'));
        if (!ok) break;
        if (isupper((unsigned char)w[0]) || (unsigned char)w[0] >= 0xC0 || w[0] == '.') end = q;
        if (*q != ' ') break;
        q++;
    }
    if (end > p + 3) {
        const char *a = p + 3;
        while (*a == ' ') a++;
        return dup_range(a, (size_t)(end - a));
    }
    return NULL;
}

char *ov__source_inline(const char *s)
{
    static const char *const marks[] = {"来源：", "来源:", "來源：", "來源:", "Source: ", "SOURCE: ", NULL};
    static ov__strset any_mark = OV__STRSET(marks);
    if (!s || !ov__strset_any(&any_mark, s)) return NULL;
    for (size_t i = 0; marks[i]; i++) {
        const char *p = strstr(s, marks[i]);
        if (!p) continue;
        p += strlen(marks[i]);
        while (*p == ' ') p++;
        size_t n = name_span(p, i >= 4);
        if (n > 0 && n <= 60) return dup_range(p, n);
    }
    return NULL;
}

char *ov__srcset_pick(const char *srcset)
{
    const char *best = NULL;
    size_t best_len = 0;
    double best_score = 1e18;
    for (const char *p = srcset; p && *p;) {
        while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t') p++;
        if (!*p) break;
        const char *u = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
        size_t ul = (size_t)(p - u);
        if (ul && u[ul - 1] == ',') ul--;
        while (*p == ' ' || *p == '\t') p++;
        double v = 1.0;
        char unit = 'x';
        if (isdigit((unsigned char)*p)) {
            v = strtod(p, NULL);
            while (*p && *p != ',' && *p != ' ') {
                if (*p == 'w' || *p == 'x') unit = *p;
                p++;
            }
        }
        while (*p && *p != ',') p++;
        double score;
        /* Aim at about 1000 px wide (e-reader screens); on the way there,
         * a larger candidate beats an equally distant smaller one. */
        if (unit == 'w') score = v <= 1600 ? (v >= 1000 ? v - 1000 : (1000 - v) * 2) : 1e6 + v;
        else score = v == 2.0 ? 0 : (v < 2.0 ? 2000 - v * 100 : 1e6 + v);
        if (ul && strncmp(u, "data:", 5) != 0 && score < best_score) {
            best = u;
            best_len = ul;
            best_score = score;
        }
    }
    return best ? dup_range(best, best_len) : NULL;
}

/* One compound selector (tag.class#id[attr=v]) as an XPath step. */
static int compound(ov__buf *b, const char **pp)
{
    const char *p = *pp;
    int rc = 0;
    if (*p == '*') p++;
    const char *t = p;
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '_') p++;
    if (p > t) rc |= ov__buf_put(b, t, (size_t)(p - t));
    else rc |= ov__buf_putc(b, '*');
    int any = p > t;
    while (*p == '.' || *p == '#' || *p == '[') {
        char kind = *p++;
        const char *n = p;
        while (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || (unsigned char)*p >= 0x80) p++;
        if (p == n) return -1;
        if (kind == '.')
            rc |= ov__buf_printf(b, "[contains(concat(' ',normalize-space(@class),' '),' %.*s ')]", (int)(p - n), n);
        else if (kind == '#')
            rc |= ov__buf_printf(b, "[@id='%.*s']", (int)(p - n), n);
        else {
            int nl = (int)(p - n);
            if (*p == ']') {
                rc |= ov__buf_printf(b, "[@%.*s]", nl, n);
            } else if (*p == '=') {
                p++;
                char q = (*p == '"' || *p == '\'') ? *p++ : 0;
                const char *v = p;
                while (*p && (q ? *p != q : *p != ']')) p++;
                int vl = (int)(p - v);
                if (q) { if (*p != q) return -1; p++; }
                if (*p != ']' || memchr(v, '\'', (size_t)vl)) return -1;
                rc |= ov__buf_printf(b, "[@%.*s='%.*s']", nl, n, vl, v);
            } else {
                return -1;
            }
            p++;
        }
        any = 1;
    }
    *pp = p;
    return any ? rc : -1;
}

char *ov__css_to_xpath(const char *css)
{
    ov__buf b = OV__BUF_INIT;
    b.limit = 64 * 1024;
    if (!css) return NULL;
    if (css[0] == '/' || css[0] == '(') {
        ov__buf_puts(&b, css);
        return ov__buf_detach(&b, NULL);
    }
    const char *p = css;
    int rc = 0, start = 1;
    while (rc == 0) {
        while (*p == ' ') p++;
        char comb = ' ';
        if (*p == '>') { comb = '>'; p++; while (*p == ' ') p++; }
        if (!*p) break;
        if (start) rc |= ov__buf_puts(&b, "//");
        else rc |= ov__buf_puts(&b, comb == '>' ? "/" : "//");
        start = 0;
        if (compound(&b, &p) != 0) { rc = -1; break; }
        while (*p == ' ') p++;
        if (*p == ',') {
            p++;
            rc |= ov__buf_puts(&b, " | ");
            start = 1;
        } else if (*p && *p != '>' && p[-1] != ' ' && !isalnum((unsigned char)*p) && *p != '.' && *p != '#' && *p != '[' && *p != '*') {
            rc = -1;
        }
    }
    if (rc != 0 || start) {
        ov__buf_free(&b);
        return NULL;
    }
    return ov__buf_detach(&b, NULL);
}

/* Next code point of s that is not punctuation or blank (ASCII
 * non-alphanumerics, General Punctuation U+2000-206F, CJK punctuation
 * U+3000-303F, full-width punctuation), ASCII lower-cased; 0 at the end. */
static unsigned next_letter(const unsigned char **sp)
{
    const unsigned char *s = *sp;
    for (;;) {
        unsigned c = *s;
        size_t len = 1;
        if (!c) { *sp = s; return 0; }
        if (c >= 0xF0 && s[1] && s[2] && s[3]) { c = ((c & 7u) << 18) | ((s[1] & 63u) << 12) | ((s[2] & 63u) << 6) | (s[3] & 63u); len = 4; }
        else if (c >= 0xE0 && s[1] && s[2]) { c = ((c & 15u) << 12) | ((s[1] & 63u) << 6) | (s[2] & 63u); len = 3; }
        else if (c >= 0xC0 && s[1]) { c = ((c & 31u) << 6) | (s[1] & 63u); len = 2; }
        s += len;
        int punct = (c < 0x80 && !isalnum((int)c)) || c == 0xA0 || (c >= 0x2000 && c <= 0x206F) ||
                    (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
                    (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
        if (punct) continue;
        *sp = s;
        return c < 0x80 ? (unsigned)tolower((int)c) : c;
    }
}

/* The same title up to punctuation, quotes, blanks and ASCII case. */
int ov__same_title(const char *a, const char *b)
{
    if (!a || !b) return 0;
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (;;) {
        unsigned x = next_letter(&p), y = next_letter(&q);
        if (x != y) return 0;
        if (!x) return 1;
    }
}

int ov__letter_at(const char *s)
{
    if (!s) return 0;
    const unsigned char *p = (const unsigned char *)s, *q = p;
    if (!next_letter(&q)) return 0;
    /* q is past the first letter: it began at s when nothing was skipped */
    size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
    return q == p + len;
}

const char *ov__letters_prefix(const char *s, const char *prefix)
{
    if (!s || !prefix) return NULL;
    const unsigned char *p = (const unsigned char *)s, *q = (const unsigned char *)prefix;
    unsigned y = next_letter(&q);
    if (!y) return NULL;
    while (y) {
        unsigned x = next_letter(&p);
        if (x != y) return NULL;
        y = next_letter(&q);
    }
    /* a Latin word goes on: "Times" is no prefix of "Timesheet" */
    if (isalnum(*p) && isalnum(p[-1])) return NULL;
    return (const char *)p;
}

int ov__byline_plausible(const char *s, const char *site)
{
    static const char *nav[] = {"home", "menu", "login", "log in", "sign in", "sign up", "subscribe", "more",
                                "share", "search", "admin", "administrator", "staff", "editor", "anonymous",
                                "unknown", "guest", "news", "首页", "更多", "登录", "注册", "返回", "导航", "搜索",
                                "网站", "新闻", "本站", "管理员", "小编", "佚名", "未知", "首頁", "登入", "網站", "新聞"};
    if (!s) return 0;
    while (*s == ' ') s++;
    size_t n = strlen(s), letters = 0, digits = 0;
    if (n < 2 || n > 100) return 0;
    if (strstr(s, "://") || !strncmp(s, "www.", 4) || s[0] == '@' || strchr(s, '{') || strchr(s, '<')) return 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80) letters++;
    }
    /* ids: "12345", "a1b2c3d4-...", "user_8841" */
    if (!letters || digits * 3 > letters) return 0;
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        if (ov__same_title(s, nav[i])) return 0;
    if (site && site[0] && ov__same_title(s, site)) return 0;
    return 1;
}
