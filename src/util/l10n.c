/* l10n - message tables and human dates; see l10n.h. */
#include "util/l10n.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/utc.h"

/* clang-format off */
static const char *const msgs[OV__L10N_N_LANGS][OV__MSG_COUNT] = {
    [OV__L10N_EN] = {
        [OV__MSG_CONTENTS] = "Contents",
        [OV__MSG_COVER] = "Cover",
        [OV__MSG_START] = "Start",
        [OV__MSG_UNTITLED] = "Untitled",
        [OV__MSG_SECTION] = "Articles",
        [OV__MSG_FRONT_PAGE] = "Front page",
        [OV__MSG_SOURCE] = "Source: ",
        [OV__MSG_FETCHED] = "Fetched ",
        [OV__MSG_NEXT] = "Next",
        [OV__MSG_PREVIOUS] = "Previous",
        [OV__MSG_SECTION_LINK] = "Section",
        [OV__MSG_NOT_WELL_FORMED] =
            "This article could not be included: its text was not well-formed XHTML.",
        [OV__MSG_HEADLINES] = "In this issue",
    },
    [OV__L10N_ZH_HANS] = {
        [OV__MSG_CONTENTS] = "目录",
        [OV__MSG_COVER] = "封面",
        [OV__MSG_START] = "正文",
        [OV__MSG_UNTITLED] = "无标题",
        [OV__MSG_SECTION] = "文章",
        [OV__MSG_FRONT_PAGE] = "头版",
        [OV__MSG_SOURCE] = "来源：",
        [OV__MSG_FETCHED] = "抓取于 ",
        [OV__MSG_NEXT] = "下一篇",
        [OV__MSG_PREVIOUS] = "上一篇",
        [OV__MSG_SECTION_LINK] = "本栏",
        [OV__MSG_NOT_WELL_FORMED] = "本文未能收录：正文不是格式正确的 XHTML。",
        [OV__MSG_HEADLINES] = "本期要目",
    },
    [OV__L10N_ZH_HANT] = {
        [OV__MSG_CONTENTS] = "目錄",
        [OV__MSG_COVER] = "封面",
        [OV__MSG_START] = "正文",
        [OV__MSG_UNTITLED] = "無標題",
        [OV__MSG_SECTION] = "文章",
        [OV__MSG_FRONT_PAGE] = "頭版",
        [OV__MSG_SOURCE] = "來源：",
        [OV__MSG_FETCHED] = "擷取於 ",
        [OV__MSG_NEXT] = "下一篇",
        [OV__MSG_PREVIOUS] = "上一篇",
        [OV__MSG_SECTION_LINK] = "本欄",
        [OV__MSG_NOT_WELL_FORMED] = "本文未能收錄：正文不是格式正確的 XHTML。",
        [OV__MSG_HEADLINES] = "本期要目",
    },
};
/* clang-format on */

static const char *const en_months[12] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};
static const char *const en_days[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
static const char *const zh_days[7] = {"星期日", "星期一", "星期二", "星期三",
                                       "星期四", "星期五", "星期六"};

/* Does subtag `want` (case-insensitive) appear in `tag` after the first? */
static int has_subtag(const char *tag, const char *want)
{
    size_t n = strlen(want);
    for (const char *p = strchr(tag, '-'); p; p = strchr(p + 1, '-')) {
        const char *s = p + 1;
        size_t len = strcspn(s, "-_");
        if (len == n && strncasecmp(s, want, n) == 0)
            return 1;
    }
    return 0;
}

ov__l10n_lang ov__l10n_pick(const char *lang)
{
    if (!lang || strncasecmp(lang, "zh", 2) != 0 || (lang[2] && lang[2] != '-' && lang[2] != '_'))
        return OV__L10N_EN;
    if (has_subtag(lang, "hant"))
        return OV__L10N_ZH_HANT;
    if (has_subtag(lang, "hans"))
        return OV__L10N_ZH_HANS;
    if (has_subtag(lang, "tw") || has_subtag(lang, "hk") || has_subtag(lang, "mo"))
        return OV__L10N_ZH_HANT;
    return OV__L10N_ZH_HANS;
}

const char *ov__l10n(const char *lang, ov__msg m)
{
    if ((unsigned)m >= OV__MSG_COUNT)
        return "";
    return msgs[ov__l10n_pick(lang)][m];
}

int ov__l10n_issue(const char *lang, int n, char *out, size_t size)
{
    int w = ov__l10n_pick(lang) == OV__L10N_EN ? snprintf(out, size, "No. %d", n)
                                               : snprintf(out, size, "第 %d 期", n);
    return w < 0 || (size_t)w >= size ? -1 : 0;
}

/* The fields of an ISO 8601 date or date-time. */
typedef struct iso_dt {
    int y, mo, d, h, mi;
    int has_time, utc;
} iso_dt;

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int parse_iso(const char *s, iso_dt *t)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    memset(t, 0, sizeof *t);
    if (!s || digits(s, 4, &t->y) || s[4] != '-' || digits(s + 5, 2, &t->mo) || s[7] != '-' ||
        digits(s + 8, 2, &t->d))
        return -1;
    if (t->mo < 1 || t->mo > 12 || t->d < 1 ||
        t->d > mdays[t->mo - 1] + (t->mo == 2 && is_leap(t->y)))
        return -1;
    const char *p = s + 10;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return *p ? -1 : 0;
    p++;
    if (digits(p, 2, &t->h) || p[2] != ':' || digits(p + 3, 2, &t->mi) || t->h > 23 || t->mi > 59)
        return -1;
    t->has_time = 1;
    p += 5;
    int sec = 0;
    if (*p == ':' && (digits(p + 1, 2, &sec) || sec > 60))
        return -1;
    if (*p == ':')
        p += 3;
    if (*p == '.' || *p == ',')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    t->utc = (*p == 'Z' || *p == 'z') && !p[1];
    return 0;
}

/* 0 = Sunday. Days since 1970-01-01 from the civil date (Hinnant's algorithm). */
static int weekday(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    long wd = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(wd < 0 ? wd + 7 : wd);
}

static int format(ov__l10n_lang l, const iso_dt *t, int with_weekday, char *out, size_t size)
{
    char date[96], time_s[32] = "";
    int w;
    int wd = weekday(t->y, t->mo, t->d);
    if (l == OV__L10N_EN) {
        w = snprintf(date, sizeof date, "%s%s%s %d, %d", with_weekday ? en_days[wd] : "",
                     with_weekday ? ", " : "", en_months[t->mo - 1], t->d, t->y);
        if (t->has_time) {
            int h12 = t->h % 12 ? t->h % 12 : 12;
            snprintf(time_s, sizeof time_s, ", %d:%02d %s%s", h12, t->mi,
                     t->h < 12 ? "a.m." : "p.m.", t->utc ? " UTC" : "");
        }
    } else {
        w = snprintf(date, sizeof date, "%d年%d月%d日%s%s", t->y, t->mo, t->d,
                     with_weekday ? " " : "", with_weekday ? zh_days[wd] : "");
        if (t->has_time)
            snprintf(time_s, sizeof time_s, " %02d:%02d%s", t->h, t->mi, t->utc ? " UTC" : "");
    }
    if (w < 0 || (size_t)w >= sizeof date)
        return -1;
    w = snprintf(out, size, "%s%s", date, time_s);
    if (w < 0 || (size_t)w >= size) {
        if (size)
            out[0] = '\0';
        return -1;
    }
    return 0;
}

int ov__l10n_datetime(const char *lang, const char *iso, char *out, size_t size)
{
    iso_dt t;
    if (size)
        out[0] = '\0';
    if (parse_iso(iso, &t) != 0)
        return -1;
    return format(ov__l10n_pick(lang), &t, 0, out, size);
}

int ov__l10n_edition_date(const char *lang, const char *iso, char *out, size_t size)
{
    iso_dt t;
    if (size)
        out[0] = '\0';
    if (parse_iso(iso, &t) != 0)
        return -1;
    t.has_time = 0;
    return format(ov__l10n_pick(lang), &t, 1, out, size);
}

int ov__l10n_utc(const char *lang, int64_t t, char *out, size_t size)
{
    ov__utc_tm u;
    if (size)
        out[0] = '\0';
    if (ov__utc_fields(t, &u) != 0 || u.year > INT_MAX)
        return -1;
    iso_dt d = {(int)u.year, u.mon, u.mday, u.hour, u.min, 1, 1};
    return format(ov__l10n_pick(lang), &d, 0, out, size);
}
