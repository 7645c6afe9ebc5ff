#include "util/buf.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/error.h"

int ov__buf_grow(ov__buf *b, size_t extra)
{
    if (extra > (size_t)-1 / 2 - b->len)
        return OV_ENOMEM;
    size_t need = b->len + extra + 1;
    if (b->limit && b->len + extra > b->limit)
        return OV_ELIMIT;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap *= 2;
    char *p = realloc(b->data, ncap);
    if (!p)
        return OV_ENOMEM;
    b->data = p;
    b->cap = ncap;
    return 0;
}

int ov__buf_put(ov__buf *b, const void *data, size_t len)
{
    int rc = ov__buf_grow(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int ov__buf_puts(ov__buf *b, const char *s)
{
    return ov__buf_put(b, s, strlen(s));
}

int ov__buf_printf(ov__buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return OV_ERROR;
    int rc = ov__buf_grow(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

/* What ov__buf_put_xml writes for the five bytes it escapes; NULL for the
 * others, which go through as they are. The end has an entry too, so that
 * a run of plain bytes stops at one test a byte. */
static const char *const xml_rep[256] = {[0] = "", ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
                                         ['"'] = "&quot;", ['\''] = "&#39;"};

int ov__buf_put_xml(ov__buf *b, const char *s)
{
    int rc = 0;
    const char *run = s;
    for (;; s++) {
        while (!xml_rep[(unsigned char)*s]) /* a run of plain bytes */
            s++;
        if (!*s)
            break;
        rc = ov__buf_put(b, run, (size_t)(s - run));
        if (!rc)
            rc = ov__buf_puts(b, xml_rep[(unsigned char)*s]);
        if (rc)
            return rc;
        run = s + 1;
    }
    return ov__buf_put(b, run, (size_t)(s - run));
}

int ov__buf_put_json(ov__buf *b, const char *s)
{
    if (!s)
        return ov__buf_puts(b, "null");
    int rc = ov__buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
        switch (*p) {
        case '"': rc = ov__buf_puts(b, "\\\""); break;
        case '\\': rc = ov__buf_puts(b, "\\\\"); break;
        case '\n': rc = ov__buf_puts(b, "\\n"); break;
        case '\r': rc = ov__buf_puts(b, "\\r"); break;
        case '\t': rc = ov__buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                rc = ov__buf_printf(b, "\\u%04x", *p);
            else
                rc = ov__buf_putc(b, (char)*p);
        }
    }
    return rc ? rc : ov__buf_putc(b, '"');
}

char *ov__buf_detach(ov__buf *b, size_t *len)
{
    if (!b->data && ov__buf_grow(b, 0))
        return NULL;
    char *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

void ov__buf_free(ov__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int ov__grow_array(void **items, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : first;
    if (nc <= n || nc > SIZE_MAX / size)
        return OV_ENOMEM;
    void *p = realloc(*items, nc * size);
    if (!p)
        return OV_ENOMEM;
    *items = p;
    *cap = nc;
    return 0;
}
