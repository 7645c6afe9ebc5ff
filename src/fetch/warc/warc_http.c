/*
 * HTTP heads as they go into and come out of WARC records.
 *
 * The fetcher hands us the raw heads it saw but the DECODED body (libcurl
 * has already removed chunked framing and gzip/deflate/br content coding).
 * A response record that kept "Content-Encoding: gzip" or
 * "Transfer-Encoding: chunked" above a plain body would be a lie: WARC
 * readers (warcio, pywb, wget's replay) would try to un-chunk or gunzip it
 * and fail or serve garbage. WARC-Truncated is the wrong tool too: it means
 * bytes are missing, not that they were decoded. So the head is rewritten
 * to describe the bytes that are actually in the record:
 *
 *   - Transfer-Encoding, Content-Encoding and Content-Length lines are kept
 *     for provenance but renamed X-Original-Transfer-Encoding etc.
 *     (the "X-Archive-Orig-" idea used by replay tools, in plain words);
 *   - one "Content-Length: <decoded length>" is added, so the record's HTTP
 *     message is self-delimiting and the WARC-Payload-Digest (SHA-1 of the
 *     decoded body) matches what a reader extracts.
 *
 * Everything else in the head is kept byte for byte (line ends normalised
 * to CRLF).
 */
#include "fetch/warc/warc_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "octavo/error.h"

/* A line of a raw head: [p, p+len) without its CR/LF. */
typedef struct line {
    const char *p;
    size_t len;
} line;

/* Next line of [*pos, end); returns 0 at the end. */
static int next_line(const char **pos, const char *end, line *out)
{
    const char *p = *pos;
    if (p >= end)
        return 0;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    out->p = p;
    out->len = (size_t)(stop - p);
    if (out->len && p[out->len - 1] == '\r')
        out->len--;
    *pos = nl ? nl + 1 : end;
    return 1;
}

static int starts_with_ci(const line *l, const char *prefix)
{
    size_t n = strlen(prefix);
    return l->len >= n && strncasecmp(l->p, prefix, n) == 0;
}

/* Start of the last head in raw: after a blank line, a new "HTTP/" head restarts. */
static const char *last_head(const char *raw, size_t len, const char **end_out)
{
    const char *pos = raw, *end = raw + len, *start = raw;
    int ended = 0;
    line l;
    *end_out = end;
    while (1) {
        const char *here = pos;
        if (!next_line(&pos, end, &l))
            break;
        if (l.len == 0) {
            ended = 1;
            *end_out = here;
        } else if (ended) {
            if (!starts_with_ci(&l, "HTTP/"))
                break;
            start = here;
            ended = 0;
            *end_out = end;
        }
    }
    return start;
}

static int put_line(ov__buf *out, const char *p, size_t len)
{
    int rc = ov__buf_put(out, p, len);
    return rc ? rc : ov__buf_put(out, "\r\n", 2);
}

/* A header line whose name is `name`: renamed to X-Original-<line>. */
static int is_header(const line *l, const char *name)
{
    size_t n = strlen(name);
    return l->len > n && strncasecmp(l->p, name, n) == 0 && l->p[n] == ':';
}

int ov__warc_response_head(const char *raw, size_t len, long status, size_t body_len, ov__buf *out,
                           int *content_encoding)
{
    static const char *const renamed[] = {"Transfer-Encoding", "Content-Encoding",
                                          "Content-Length"};
    const char *end = NULL, *pos = NULL;
    int rc = 0, first = 1, dropping = 0, done = 0;
    line l = {NULL, 0};
    if (content_encoding)
        *content_encoding = 0;
    if (raw && len)
        pos = last_head(raw, len, &end);
    if (!pos || !next_line(&pos, end, &l) || !starts_with_ci(&l, "HTTP/")) {
        /* no usable status line: make one up; a line we read was a header */
        rc = ov__buf_printf(out, "HTTP/1.1 %ld \r\n", status);
        done = l.len == 0;
    }
    while (!rc && !done && (first || next_line(&pos, end, &l))) {
        if (l.len == 0)
            break;
        int cont = l.p[0] == ' ' || l.p[0] == '\t';
        if (first && starts_with_ci(&l, "HTTP/")) {
            rc = put_line(out, l.p, l.len);
        } else if (cont) {
            if (!dropping)
                rc = put_line(out, l.p, l.len);
        } else if (!memchr(l.p, ':', l.len)) {
            dropping = 1; /* junk without a name: keep the record parseable */
        } else {
            dropping = 0;
            int rename = 0;
            for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
                rename |= is_header(&l, renamed[i]);
            if (content_encoding && is_header(&l, "Content-Encoding"))
                *content_encoding = 1;
            if (rename)
                rc = ov__buf_puts(out, "X-Original-");
            if (!rc)
                rc = put_line(out, l.p, l.len);
        }
        first = 0;
    }
    if (!rc)
        rc = ov__buf_printf(out, "Content-Length: %zu\r\n\r\n", body_len);
    return rc;
}

/* Host and path of an absolute URL, for a made-up request line. */
static void split_url(const char *url, const char **host, size_t *host_len, const char **path,
                      size_t *path_len)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t h = strcspn(p, "/?#");
    *host = p;
    *host_len = h;
    *path = p + h;
    *path_len = strcspn(p + h, "#");
}

int ov__warc_request_head(const char *raw, size_t len, const char *method, const char *url,
                          ov__buf *out)
{
    const char *pos = raw, *end = raw ? raw + len : NULL;
    line l;
    int rc = 0, any = 0;
    while (!rc && raw && next_line(&pos, end, &l) && l.len > 0) {
        rc = put_line(out, l.p, l.len);
        any = 1;
    }
    if (!rc && !any) {
        const char *host, *path;
        size_t hl, pl;
        split_url(url, &host, &hl, &path, &pl);
        rc = ov__buf_printf(out, "%s %.*s HTTP/1.1\r\nHost: %.*s\r\n", method ? method : "GET",
                            pl ? (int)pl : 1, pl ? path : "/", (int)hl, host);
    }
    return rc ? rc : ov__buf_put(out, "\r\n", 2);
}

int ov__warc_http_split(const unsigned char *block, size_t len, long *status, size_t *head_len)
{
    const char *p = (const char *)block;
    if (len < 12 || strncmp(p, "HTTP/", 5) != 0)
        return OV_EPARSE;
    const char *sp = memchr(p, ' ', len < 32 ? len : 32);
    if (!sp || (size_t)(sp - p) + 4 > len)
        return OV_EPARSE;
    long s = 0;
    for (int i = 1; i <= 3; i++) {
        char c = sp[i];
        if (c < '0' || c > '9')
            return OV_EPARSE;
        s = s * 10 + (c - '0');
    }
    /* the head ends at the first blank line (CRLF CRLF, or bare LF LF) */
    for (size_t i = (size_t)(sp - p); i + 1 < len; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n') {
            *head_len = i + 2;
            *status = s;
            return 0;
        }
        if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n') {
            *head_len = i + 3;
            *status = s;
            return 0;
        }
    }
    return OV_EPARSE;
}
