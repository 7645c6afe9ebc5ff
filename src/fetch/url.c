/* URL helpers (on libcurl's URL API) and date parsing for feeds and HTTP. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch/fetch_internal.h"

static CURLU *parse_http(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL;
    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        goto fail;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto fail;
    if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
        goto fail;
    curl_free(scheme);
    return u;
fail:
    curl_free(scheme);
    curl_url_cleanup(u);
    return NULL;
}

int ov__url_is_http(const char *url)
{
    CURLU *u = url ? parse_http(url) : NULL;
    char *host = NULL;
    int ok = u && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host;
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

char *ov__url_resolve(const char *base, const char *ref)
{
    CURLU *u = curl_url();
    char *out = NULL, *res = NULL;
    if (!u || !ref)
        goto cleanup;
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    if (base && curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        goto cleanup;
    if (curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) !=
        CURLUE_OK)
        goto cleanup;
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
        goto cleanup;
    /* Only http(s) results, except that a local document (file: base, which
     * only the user can name) may point at other local files; the caller
     * still confines those to the folder the user gave. */
    if (ov__url_is_http(out) ||
        (base && strncasecmp(base, "file:", 5) == 0 && strncasecmp(out, "file:", 5) == 0))
        res = strdup(out);
cleanup:
    curl_free(out);
    curl_url_cleanup(u);
    return res;
}

char *ov__url_host_key(const char *url)
{
    CURLU *u = parse_http(url);
    char *host = NULL, *port = NULL, *res = NULL;
    if (!u || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto cleanup;
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    size_t n = strlen(host) + (port ? strlen(port) : 0) + 2;
    res = malloc(n);
    if (!res)
        goto cleanup;
    snprintf(res, n, "%s%s%s", host, port ? ":" : "", port ? port : "");
    for (char *p = res; *p; p++)
        *p = (char)tolower((unsigned char)*p);
cleanup:
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return res;
}

char *ov__url_path_query(const char *url)
{
    CURLU *u = parse_http(url);
    char *path = NULL, *query = NULL, *res = NULL;
    if (!u || curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        goto cleanup;
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    size_t n = strlen(path) + (query ? strlen(query) : 0) + 3;
    res = malloc(n);
    if (res)
        snprintf(res, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
cleanup:
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return res;
}

char *ov__url_origin(const char *url)
{
    CURLU *u = parse_http(url);
    char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;
    if (!u || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto cleanup;
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    size_t n = strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) + 5;
    res = malloc(n);
    if (res)
        snprintf(res, n, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
cleanup:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return res;
}

static int month_index(const char *s)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, names[i], 3) == 0)
            return i;
    return -1;
}

/* Offset in seconds of a zone such as "+0800", "-07:00", "GMT", "EST". */
static long zone_offset(const char *z)
{
    static const struct { const char *name; long hours; } named[] = {
        {"UT", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4}, {"CST", -6},
        {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
    while (*z == ' ')
        z++;
    if (*z == '+' || *z == '-') {
        int sign = *z == '-' ? -1 : 1;
        int h = 0, m = 0;
        if (sscanf(z + 1, "%2d:%2d", &h, &m) == 2 || sscanf(z + 1, "%2d%2d", &h, &m) >= 1)
            return sign * (h * 3600L + m * 60L);
        return 0;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strncasecmp(z, named[i].name, strlen(named[i].name)) == 0)
            return named[i].hours * 3600L;
    return 0;
}

static int64_t parse_rfc822(const char *s)
{
    struct tm tm;
    char mon[8] = "";
    int consumed = 0;
    memset(&tm, 0, sizeof tm);
    const char *comma = strchr(s, ',');
    if (comma)
        s = comma + 1;
    if (sscanf(s, " %d %7s %d %d:%d%n", &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
               &consumed) != 5)
        return 0;
    const char *rest = s + consumed;
    if (*rest == ':') {
        int n = 0;
        if (sscanf(rest, ":%d%n", &tm.tm_sec, &n) == 1)
            rest += n;
    }
    tm.tm_mon = month_index(mon);
    if (tm.tm_mon < 0)
        return 0;
    if (tm.tm_year < 100)
        tm.tm_year += tm.tm_year < 50 ? 2000 : 1900;
    tm.tm_year -= 1900;
    return (int64_t)timegm(&tm) - zone_offset(rest);
}

static int64_t parse_iso(const char *s)
{
    struct tm tm;
    int n = 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
        return 0;
    const char *rest = s + n;
    if (*rest == 'T' || *rest == 't' || *rest == ' ') {
        int m = 0;
        if (sscanf(rest + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &m) == 2) {
            rest += 1 + m;
            if (*rest == ':' && sscanf(rest, ":%2d%n", &tm.tm_sec, &m) == 1)
                rest += m;
            while (*rest == '.' || isdigit((unsigned char)*rest))
                rest++;
        }
    }
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) - zone_offset(rest);
}

int64_t ov__parse_date(const char *s)
{
    if (!s)
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
        return parse_iso(s);
    return parse_rfc822(s);
}

void ov__format_iso(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "%s", "");
}
