/* URL <-> path helpers: percent-encoding for file: URLs, containment checks. */
#include "build/urlpath.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

int ov__is_http_url(const char *s)
{
    return s && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0);
}

int ov__is_file_url(const char *s)
{
    return s && strncasecmp(s, "file:", 5) == 0;
}

char *ov__path_to_file_url(const char *abs_path)
{
    static const char hex[] = "0123456789ABCDEF";
    ov__buf b = OV__BUF_INIT;
    if (ov__buf_puts(&b, "file://"))
        goto fail;
    for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
        int safe = isalnum(*p) || strchr("/-._~!$&'()*+,;=:@", *p);
        if (safe) {
            if (ov__buf_putc(&b, (char)*p))
                goto fail;
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            if (ov__buf_put(&b, enc, 3))
                goto fail;
        }
    }
    return ov__buf_detach(&b, NULL);
fail:
    ov__buf_free(&b);
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *ov__file_url_to_path(const char *url)
{
    if (!ov__is_file_url(url))
        return NULL;
    const char *p = url + 5;
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        /* only an empty host or localhost is local */
        if (strncasecmp(p, "localhost/", 10) == 0)
            p += 9;
        else if (*p != '/')
            return NULL;
    }
    size_t n = strcspn(p, "?#");
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            int c = hexval(p[i + 1]) * 16 + hexval(p[i + 2]);
            if (c == 0)
                break; /* never let %00 truncate a path silently: stop here */
            out[o++] = (char)c;
            i += 2;
        } else {
            out[o++] = p[i];
        }
    }
    out[o] = '\0';
    return out;
}

int ov__path_is_under(const char *path, const char *root)
{
    char rp[PATH_MAX], rr[PATH_MAX];
    if (!realpath(path, rp) || !realpath(root, rr))
        return 0;
    size_t n = strlen(rr);
    if (strncmp(rp, rr, n) != 0)
        return 0;
    return rp[n] == '\0' || rp[n] == '/' || (n == 1 && rr[0] == '/');
}

void ov__url_host(const char *url, char *out, unsigned long size)
{
    if (!size)
        return;
    out[0] = '\0';
    const char *p = strstr(url ? url : "", "://");
    if (!p)
        return;
    p += 3;
    const char *at = NULL;
    size_t n = strcspn(p, "/?#");
    for (size_t i = 0; i < n; i++)
        if (p[i] == '@')
            at = p + i;
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t hn = strcspn(p, ":/?#");
    if (hn > n)
        hn = n;
    if (hn >= size)
        hn = size - 1;
    for (size_t i = 0; i < hn; i++)
        out[i] = (char)tolower((unsigned char)p[i]);
    out[hn] = '\0';
}
