/*
 * SHA-1 and base32 for WARC digests, plus record ids and URI spelling.
 *
 * No crypto library is linked, and WARC only needs SHA-1 for the
 * conventional "sha1:<base32>" digests that every WARC tool understands, so
 * a small, readable SHA-1 (FIPS 180-4) lives here. It is not used for
 * anything security-relevant: digests detect corruption and derive ids.
 */
#include "fetch/warc/warc_internal.h"

#include <string.h>

static uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32u - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80];
    for (unsigned i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (unsigned i = 16; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (unsigned i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void ov__sha1_init(ov__sha1_ctx *s)
{
    static const uint32_t iv[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    memcpy(s->h, iv, sizeof iv);
    s->total = 0;
    s->fill = 0;
}

void ov__sha1_update(ov__sha1_ctx *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->total += len;
    if (s->fill) {
        size_t take = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        len -= take;
        if (s->fill < 64)
            return;
        sha1_block(s->h, s->block);
        s->fill = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        sha1_block(s->h, p);
    if (len) {
        memcpy(s->block, p, len);
        s->fill = len;
    }
}

void ov__sha1_final(ov__sha1_ctx *s, unsigned char digest[20])
{
    uint64_t bits = s->total * 8u;
    static const unsigned char pad[64] = {0x80};
    size_t padlen = s->fill < 56 ? 56 - s->fill : 120 - s->fill;
    unsigned char lenbuf[8];
    for (unsigned i = 0; i < 8; i++)
        lenbuf[i] = (unsigned char)(bits >> (56 - 8 * i));
    ov__sha1_update(s, pad, padlen);
    ov__sha1_update(s, lenbuf, 8);
    for (unsigned i = 0; i < 5; i++) {
        digest[4 * i] = (unsigned char)(s->h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)s->h[i];
    }
}

void ov__sha1(const void *data, size_t len, unsigned char digest[20])
{
    ov__sha1_ctx s;
    ov__sha1_init(&s);
    ov__sha1_update(&s, data, len);
    ov__sha1_final(&s, digest);
}

size_t ov__base32(const unsigned char *data, size_t len, char *out, size_t size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t need = ((len + 4) / 5) * 8;
    if (size == 0)
        return 0;
    out[0] = '\0';
    if (need + 1 > size)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 5) {
        size_t n = len - i < 5 ? len - i : 5;
        uint64_t v = 0;
        for (size_t j = 0; j < 5; j++)
            v = v << 8 | (j < n ? data[i + j] : 0u);
        /* output characters carrying input bits: ceil(n * 8 / 5) */
        size_t chars = (n * 8 + 4) / 5;
        for (size_t j = 0; j < 8; j++)
            out[o++] = j < chars ? alphabet[(v >> (35 - 5 * j)) & 31u] : '=';
    }
    out[o] = '\0';
    return o;
}

void ov__warc_digest(const void *data, size_t len, char out[OV__WARC_DIGEST_LEN])
{
    unsigned char d[20];
    ov__sha1(data, len, d);
    memcpy(out, "sha1:", 5);
    ov__base32(d, sizeof d, out + 5, OV__WARC_DIGEST_LEN - 5);
}

void ov__warc_uuid_from_sha1(const unsigned char digest[20], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char u[16];
    memcpy(u, digest, 16);
    u[6] = (unsigned char)((u[6] & 0x0Fu) | 0x50u); /* version 5 (SHA-1, name-based) */
    u[8] = (unsigned char)((u[8] & 0x3Fu) | 0x80u); /* RFC 4122 variant */
    size_t o = 0;
    for (unsigned i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u[i] >> 4];
        out[o++] = hex[u[i] & 15u];
    }
    out[o] = '\0';
}

int ov__warc_uri(ov__buf *b, const char *url)
{
    static const char hex[] = "0123456789ABCDEF";
    /* the fragment is never sent to the server, so it is not part of the target */
    for (const unsigned char *p = (const unsigned char *)url; *p && *p != '#'; p++) {
        unsigned char c = *p;
        int rc;
        if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}') {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15u]};
            rc = ov__buf_put(b, esc, 3);
        } else {
            rc = ov__buf_putc(b, (char)c);
        }
        if (rc)
            return rc;
    }
    return 0;
}
