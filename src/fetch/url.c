/* URL helpers (on libcurl's URL API) and date parsing for feeds and HTTP. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch/fetch_internal.h"

/* 1 when the URL in `u` has the scheme http or https. */
static int scheme_http(CURLU *u)
{
    char *scheme = NULL;
    int ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
             (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0);
    curl_free(scheme);
    return ok;
}

/* The host of the URL in `u` when it has one that is not empty (the caller
 * curl_free's it), else NULL. */
static char *host_of(CURLU *u)
{
    char *host = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host)
        return host;
    curl_free(host);
    return NULL;
}

static CURLU *parse_http(const char *url)
{
    CURLU *u = curl_url();
    if (u && (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
              !scheme_http(u))) {
        curl_url_cleanup(u);
        u = NULL;
    }
    return u;
}

/* 1 when the URL in `u` is what ov__url_is_http accepts. */
static int handle_is_http(CURLU *u)
{
    char *host = scheme_http(u) ? host_of(u) : NULL;
    int ok = host != NULL;
    curl_free(host);
    return ok;
}

int ov__url_is_http(const char *url)
{
    CURLU *u = url ? parse_http(url) : NULL;
    char *host = u ? host_of(u) : NULL;
    int ok = host != NULL;
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* 1 when `s` starts with "http://" or "https://" (any case): an absolute
 * reference, which replaces whatever the base was. */
static int absolute_http(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

char *ov__url_resolve(const char *base, const char *ref)
{
    CURLU *u = curl_url();
    char *out = NULL, *res = NULL;
    if (!u || !ref)
        goto cleanup;
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    /* an absolute http(s) reference does not need the base (a feed's
       thousand item links against one base: one parse each, not two) */
    if (base && !absolute_http(ref) &&
        curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
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
    if (handle_is_http(u) ||
        (base && strncasecmp(base, "file:", 5) == 0 && strncasecmp(out, "file:", 5) == 0))
        res = strdup(out);
cleanup:
    curl_free(out);
    curl_url_cleanup(u);
    return res;
}

static char *host_key_of(CURLU *u)
{
    char *host = NULL, *port = NULL, *res = NULL;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
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
    return res;
}

static char *path_query_of(CURLU *u)
{
    char *path = NULL, *query = NULL, *res = NULL;
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        goto cleanup;
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    size_t n = strlen(path) + (query ? strlen(query) : 0) + 3;
    res = malloc(n);
    if (res)
        snprintf(res, n, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "");
cleanup:
    curl_free(path);
    curl_free(query);
    return res;
}

char *ov__url_host_key(const char *url)
{
    CURLU *u = parse_http(url);
    char *res = u ? host_key_of(u) : NULL;
    curl_url_cleanup(u);
    return res;
}

char *ov__url_path_query(const char *url)
{
    CURLU *u = parse_http(url);
    char *res = u ? path_query_of(u) : NULL;
    curl_url_cleanup(u);
    return res;
}

int ov__url_http_parts(const char *url, ov__url_parts *out)
{
    memset(out, 0, sizeof *out);
    CURLU *u = url ? parse_http(url) : NULL;
    int rc = -1;
    if (!u || !(out->host = host_of(u)))
        goto cleanup;
    out->host_key = host_key_of(u);
    out->path_query = path_query_of(u);
    rc = out->host_key && out->path_query ? 0 : -1;
cleanup:
    curl_url_cleanup(u);
    if (rc)
        ov__url_parts_free(out);
    return rc;
}

void ov__url_parts_free(ov__url_parts *p)
{
    curl_free(p->host);
    free(p->host_key);
    free(p->path_query);
    memset(p, 0, sizeof *p);
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

