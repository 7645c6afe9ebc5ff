/* Internal pieces of the WARC module: SHA-1, base32, ids, URI spelling. */
#ifndef OV_FETCH_WARC_INTERNAL_H
#define OV_FETCH_WARC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* SHA-1 (FIPS 180-4), incremental. */
typedef struct ov__sha1_ctx {
    uint32_t h[5];
    uint64_t total; /* bytes fed so far */
    unsigned char block[64];
    size_t fill; /* bytes waiting in block */
} ov__sha1_ctx;

void ov__sha1_init(ov__sha1_ctx *s);
void ov__sha1_update(ov__sha1_ctx *s, const void *data, size_t len);
void ov__sha1_final(ov__sha1_ctx *s, unsigned char digest[20]);
/* One-shot convenience. */
void ov__sha1(const void *data, size_t len, unsigned char digest[20]);

/*
 * RFC 4648 base32 (upper case, '=' padding) of `len` bytes into `out` of
 * `size` bytes; needs ((len + 4) / 5) * 8 + 1. Returns the text length, or
 * 0 when `out` is too small (then out is "" when size > 0).
 */
size_t ov__base32(const unsigned char *data, size_t len, char *out, size_t size);

/* "sha1:" + base32(SHA-1(data)) into out (38 bytes with the NUL). */
#define OV__WARC_DIGEST_LEN 38
void ov__warc_digest(const void *data, size_t len, char out[OV__WARC_DIGEST_LEN]);

/* A name-based (version 5 layout) UUID text from a SHA-1 digest. */
void ov__warc_uuid_from_sha1(const unsigned char digest[20], char out[37]);

/*
 * Append `url` spelled as a WARC-Target-URI: ASCII, with bytes >= 0x80,
 * controls, space and a few unsafe characters percent-encoded, and no
 * #fragment (never sent over HTTP). Writer and
 * reader use the same spelling, so UTF-8 URLs find their records.
 */
int ov__warc_uri(ov__buf *b, const char *url);

/*
 * The response head as recorded: the last head in `raw` (a fetcher may hand
 * over 1xx or redirect heads too), CRLF line ends, a status line (made up
 * from `status` when missing), Transfer-Encoding / Content-Encoding /
 * Content-Length renamed to X-Original-*, one "Content-Length: body_len",
 * and the blank line. Appended to `out`. `*content_encoding` (may be NULL)
 * gets 1 when the original said the payload was content-encoded.
 */
int ov__warc_response_head(const char *raw, size_t len, long status, size_t body_len, ov__buf *out,
                           int *content_encoding);
/* The request head as recorded: CRLF lines and the blank line; made up from
 * method + url when `raw` is empty. Appended to `out`. */
int ov__warc_request_head(const char *raw, size_t len, const char *method, const char *url,
                          ov__buf *out);
/* Split an HTTP response block into status, head length (through the blank
 * line) and body. 0, or OV_EPARSE when it is not an HTTP response. */
int ov__warc_http_split(const unsigned char *block, size_t len, long *status, size_t *head_len);

#endif
