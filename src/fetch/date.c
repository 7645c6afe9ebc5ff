/*
 * date.c - dates as feeds and HTTP write them, to Unix time.
 *
 * Accepted: RFC 822/1123 ("Sun, 06 Nov 1994 08:49:37 GMT", two-digit years,
 * without seconds or without any time), asctime ("Sun Nov  6 08:49:37 1994",
 * optionally with a zone before the year), W3CDTF/ISO 8601 including its
 * partial forms ("2003", "2003-12", "2003-12-31", "2003-12-31T10:14Z",
 * fractions, "20031231T101455Z"). Zones: numeric offsets, UT/GMT/UTC/Z, the
 * North American names (EST, PDT, ...), a few European ones (MET, MEST, CET,
 * CEST, BST, EET, EEST, WET, WEST) and the RFC 822 military letters. A date
 * whose fields are out of range ("Sun, 99 Jun 2009", hour 25) is rejected,
 * never normalised into another day.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch/fetch_internal.h"

static int month_index(const char *s, size_t n)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    if (n < 3)
        return -1;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, names[i], 3) == 0)
            return i;
    return -1;
}

static int days_in_month(int year, int mon0)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mon0 == 1 && leap ? 29 : d[mon0];
}

/* Unix time of a broken-down UTC date, or -1 when a field is out of range. */
static int valid_fields(int year, int mon0, int mday, int hour, int min, int sec)
{
    return year >= 1 && year <= 9999 && mon0 >= 0 && mon0 < 12 && mday >= 1 &&
           mday <= days_in_month(year, mon0) && hour >= 0 && hour <= 23 && min >= 0 &&
           min <= 59 && sec >= 0 && sec <= 60;
}

/* Days from 1970-01-01 to year-mon0-mday in the proleptic Gregorian
 * calendar, as timegm counts them (H. Hinnant's days_from_civil). Computed
 * here rather than by timegm, which goes through libc's time zone code and
 * reads /etc/localtime on first use, at whatever moment of the run that is. */
static int64_t days_from_civil(int year, int mon0, int mday)
{
    int64_t y = year - (mon0 < 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                          /* 0..399 */
    int64_t doy = (153 * (mon0 < 2 ? mon0 + 10 : mon0 - 2) + 2) / 5 + mday - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static int64_t to_unix(int year, int mon0, int mday, int hour, int min, int sec)
{
    return days_from_civil(year, mon0, mday) * 86400 + hour * 3600 + min * 60 + (sec > 59 ? 59 : sec);
}

/* Parse a zone at *pz; 1 and *off (seconds east of UTC) when one is there,
 * 0 when there is none (UTC assumed), -1 when it is not a zone. */
static int parse_zone(const char **pz, long *off)
{
    static const struct {
        const char *name;
        long minutes;
    } named[] = {{"UTC", 0},      {"UT", 0},       {"GMT", 0},      {"EST", -300},
                 {"EDT", -240},   {"CST", -360},   {"CDT", -300},   {"MST", -420},
                 {"MDT", -360},   {"PST", -480},   {"PDT", -420},   {"AST", -240},
                 {"ADT", -180},   {"AKST", -540},  {"AKDT", -480},  {"HST", -600},
                 {"MEST", 120},   {"MESZ", 120},   {"MET", 60},     {"CEST", 120},
                 {"CET", 60},     {"BST", 60},     {"EEST", 180},   {"EET", 120},
                 {"WEST", 60},    {"WET", 0},      {"JST", 540},    {"KST", 540},
                 {"HKT", 480},    {"SGT", 480},    {"IST", 330},    {"NZST", 720},
                 {"NZDT", 780},   {"AEST", 600},   {"AEDT", 660}};
    const char *z = *pz;
    *off = 0;
    while (*z == ' ' || *z == '\t')
        z++;
    if (!*z) {
        *pz = z;
        return 0;
    }
    if (*z == '+' || *z == '-') {
        long sign = *z == '-' ? -1 : 1;
        int d[4], n = 0;
        const char *p = z + 1;
        while (n < 4 && (isdigit((unsigned char)*p) || (*p == ':' && n == 2))) {
            if (*p != ':')
                d[n++] = *p - '0';
            p++;
        }
        long h, m = 0;
        if (n == 4) {
            h = d[0] * 10 + d[1];
            m = d[2] * 10 + d[3];
        } else if (n == 2) {
            h = d[0] * 10 + d[1];
        } else if (n == 1) {
            h = d[0];
        } else {
            return -1;
        }
        if (h > 14 || m > 59)
            return -1;
        *off = sign * (h * 3600 + m * 60);
        *pz = p;
        return 1;
    }
    size_t n = 0;
    while (isalpha((unsigned char)z[n]))
        n++;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == n && strncasecmp(z, named[i].name, n) == 0) {
            *off = named[i].minutes * 60;
            *pz = z + n;
            if ((**pz == '+' || **pz == '-') && isdigit((unsigned char)(*pz)[1])) {
                long extra; /* "GMT+0100" */
                if (parse_zone(pz, &extra) == 1)
                    *off += extra;
            }
            return 1;
        }
    if (n == 1) {
        /* RFC 822 military zones: A-I = -1..-9, K-M = -10..-12, N-Y = +1..+12, Z = 0 */
        int c = toupper((unsigned char)*z);
        long h;
        if (c == 'Z')
            h = 0;
        else if (c >= 'A' && c <= 'I')
            h = -(c - 'A' + 1);
        else if (c >= 'K' && c <= 'M')
            h = -(c - 'K' + 10);
        else if (c >= 'N' && c <= 'Y')
            h = c - 'N' + 1;
        else
            return -1;
        *off = h * 3600;
        *pz = z + 1;
        return 1;
    }
    return -1;
}

static int read_int(const char **p, int maxdigits, int *out)
{
    int v = 0, n = 0;
    while (n < maxdigits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n;
}

static void skip_ws(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

/* "HH:MM[:SS[.fff]]"; 1 when parsed, 0 when absent, -1 when malformed. */
static int parse_clock(const char **pp, int *h, int *m, int *s)
{
    const char *p = *pp;
    *h = *m = *s = 0;
    if (!isdigit((unsigned char)*p))
        return 0;
    if (read_int(&p, 2, h) < 1 || *p != ':')
        return -1;
    p++;
    if (read_int(&p, 2, m) != 2)
        return -1;
    if (*p == ':') {
        p++;
        if (read_int(&p, 2, s) != 2)
            return -1;
        if (*p == '.' || *p == ',')
            for (p++; isdigit((unsigned char)*p); p++) {
            }
    }
    *pp = p;
    return 1;
}

static int finish(int year, int mon0, int mday, int h, int mi, int s, const char *rest,
                  int64_t *out)
{
    long off = 0;
    if (parse_zone(&rest, &off) < 0)
        return -1;
    skip_ws(&rest);
    if (*rest && *rest != '(') /* a trailing "(comment)" is allowed, garbage is not */
        return -1;
    if (!valid_fields(year, mon0, mday, h, mi, s))
        return -1;
    *out = to_unix(year, mon0, mday, h, mi, s) - off;
    return 0;
}

static int fix_year(int year, int ndigits)
{
    if (ndigits <= 2)
        return year + (year < 50 ? 2000 : 1900);
    return year;
}

/* RFC 822: [Day,] DD Mon YYYY [HH:MM[:SS]] [zone] */
static int parse_rfc822(const char *p, int64_t *out)
{
    int mday, year, h = 0, mi = 0, s = 0;
    if (read_int(&p, 2, &mday) < 1)
        return -1;
    skip_ws(&p);
    if (*p == '-')
        p++;
    const char *m = p;
    while (isalpha((unsigned char)*p))
        p++;
    int mon0 = month_index(m, (size_t)(p - m));
    if (mon0 < 0)
        return -1;
    if (*p == '.')
        p++;
    skip_ws(&p);
    if (*p == '-')
        p++;
    int nd = read_int(&p, 4, &year);
    if (nd < 2)
        return -1;
    year = fix_year(year, nd);
    skip_ws(&p);
    if (parse_clock(&p, &h, &mi, &s) < 0)
        return -1;
    return finish(year, mon0, mday, h, mi, s, p, out);
}

/* asctime and its relatives: Mon DD [HH:MM:SS] [zone] YYYY, or Mon DD, YYYY [time]. */
static int parse_asctime(const char *p, int64_t *out)
{
    const char *m = p;
    while (isalpha((unsigned char)*p))
        p++;
    int mon0 = month_index(m, (size_t)(p - m));
    int mday, year, h = 0, mi = 0, s = 0;
    if (mon0 < 0)
        return -1;
    skip_ws(&p);
    if (read_int(&p, 2, &mday) < 1)
        return -1;
    if (*p == ',')
        p++;
    skip_ws(&p);
    int c = parse_clock(&p, &h, &mi, &s);
    if (c < 0)
        return -1;
    skip_ws(&p);
    long off = 0;
    const char *z = p;
    if (c == 1 && !isdigit((unsigned char)*z) && parse_zone(&z, &off) == 1)
        p = z;
    else
        off = 0;
    skip_ws(&p);
    int nd = read_int(&p, 4, &year);
    if (nd != 4)
        return -1;
    skip_ws(&p);
    if (c == 0 && parse_clock(&p, &h, &mi, &s) < 0)
        return -1;
    if (off) {
        skip_ws(&p);
        if (*p)
            return -1;
        if (!valid_fields(year, mon0, mday, h, mi, s))
            return -1;
        *out = to_unix(year, mon0, mday, h, mi, s) - off;
        return 0;
    }
    return finish(year, mon0, mday, h, mi, s, p, out);
}

/* W3CDTF / ISO 8601: YYYY[-MM[-DD[Thh:mm[:ss[.f]][zone]]]], or the compact form. */
static int parse_iso(const char *p, int64_t *out)
{
    int year, mon = 1, mday = 1, h = 0, mi = 0, s = 0;
    if (read_int(&p, 4, &year) != 4)
        return -1;
    int compact = isdigit((unsigned char)*p);
    if (compact) {
        if (read_int(&p, 2, &mon) != 2 || read_int(&p, 2, &mday) != 2)
            return -1;
    } else if (*p == '-') {
        p++;
        if (read_int(&p, 2, &mon) != 2)
            return -1;
        if (*p == '-') {
            p++;
            if (read_int(&p, 2, &mday) != 2)
                return -1;
        }
    }
    if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (compact && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[2]) &&
            p[2] != ':') {
            if (read_int(&p, 2, &h) != 2 || read_int(&p, 2, &mi) != 2)
                return -1;
            if (isdigit((unsigned char)*p) && read_int(&p, 2, &s) != 2)
                return -1;
        } else if (parse_clock(&p, &h, &mi, &s) != 1) {
            return -1;
        }
    }
    return finish(year, mon - 1, mday, h, mi, s, p, out);
}

int ov__parse_date_checked(const char *s, int64_t *out)
{
    if (!s)
        return -1;
    skip_ws(&s);
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]))
        return parse_iso(s, out);
    /* an optional weekday ("Sun," "Sunday," "Sun") */
    const char *p = s;
    while (isalpha((unsigned char)*p))
        p++;
    size_t wn = (size_t)(p - s);
    if (wn >= 3 && month_index(s, wn) < 0) {
        if (*p == ',')
            p++;
        skip_ws(&p);
        s = p;
    }
    if (isdigit((unsigned char)*s))
        return parse_rfc822(s, out);
    return parse_asctime(s, out);
}

int64_t ov__parse_date(const char *s)
{
    int64_t t = 0;
    return ov__parse_date_checked(s, &t) == 0 ? t : 0;
}
