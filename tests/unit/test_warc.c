/* WARC module, small pieces: SHA-1, base32, ids, URI spelling, HTTP head rewriting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/warc/warc_internal.h"
#include "octavo/error.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_sha1(const char *msg, size_t len, const char *want)
{
    unsigned char d[20];
    char h[41];
    ov__sha1(msg, len, d);
    hex(d, 20, h);
    cr_expect_str_eq(h, want, "SHA-1 of %zu bytes", len);
}

/* FIPS 180-2 appendix A and RFC 3174 section 7.3 vectors. */
Test(warc_sha1, fips_vectors)
{
    check_sha1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    check_sha1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_sha1(two, strlen(two), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    check_sha1("The quick brown fox jumps over the lazy dog", 43,
               "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
}

Test(warc_sha1, million_a_and_rfc3174_repeat)
{
    size_t n = 1000000;
    char *a = malloc(n);
    cr_assert(a);
    memset(a, 'a', n);
    check_sha1(a, n, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    free(a);

    /* RFC 3174 TEST4: "01234567" x 8, repeated 10 times */
    ov__sha1_ctx s;
    unsigned char d[20];
    char h[41];
    ov__sha1_init(&s);
    for (int i = 0; i < 80; i++)
        ov__sha1_update(&s, "01234567", 8);
    ov__sha1_final(&s, d);
    hex(d, 20, h);
    cr_expect_str_eq(h, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

/* Feeding in odd pieces gives the same digest as one call (block boundaries). */
Test(warc_sha1, incremental_matches_one_shot)
{
    unsigned char buf[1000], one[20], inc[20];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= 200; len += 1) {
        ov__sha1(buf, len, one);
        for (size_t step = 1; step < 70; step += 13) {
            ov__sha1_ctx s;
            ov__sha1_init(&s);
            for (size_t o = 0; o < len; o += step)
                ov__sha1_update(&s, buf + o, len - o < step ? len - o : step);
            ov__sha1_final(&s, inc);
            cr_assert(memcmp(one, inc, 20) == 0, "len %zu step %zu", len, step);
        }
    }
}

/* RFC 4648 section 10 vectors. */
Test(warc_base32, rfc4648_vectors)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const want[] = {
        "", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
    for (size_t i = 0; i < 7; i++) {
        char out[32];
        size_t n = ov__base32((const unsigned char *)in[i], strlen(in[i]), out, sizeof out);
        cr_expect_str_eq(out, want[i], "base32(\"%s\")", in[i]);
        cr_expect_eq(n, strlen(want[i]));
    }
}

Test(warc_base32, too_small_buffer_is_refused)
{
    char out[8];
    cr_expect_eq(ov__base32((const unsigned char *)"foobar", 6, out, sizeof out), 0);
    cr_expect_str_eq(out, "");
    char exact[9];
    cr_expect_eq(ov__base32((const unsigned char *)"fooba", 5, exact, sizeof exact), 8);
}

Test(warc_digest, empty_and_known)
{
    char d[OV__WARC_DIGEST_LEN];
    /* SHA-1("") = da39a3ee..., base32 as every WARC tool writes it */
    ov__warc_digest("", 0, d);
    cr_expect_str_eq(d, "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    ov__warc_digest("abc", 3, d);
    cr_expect_str_eq(d, "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
}

Test(warc_uuid, version5_layout)
{
    unsigned char d[20];
    char u[37];
    ov__sha1("x", 1, d);
    ov__warc_uuid_from_sha1(d, u);
    cr_expect_eq(strlen(u), 36);
    cr_expect_eq(u[8], '-');
    cr_expect_eq(u[14], '5', "version nibble: %s", u);
    cr_expect(strchr("89ab", u[19]), "variant: %s", u);
}

Test(warc_uri, utf8_and_unsafe_bytes_are_percent_encoded)
{
    ov__buf b = OV__BUF_INIT;
    cr_assert_eq(ov__warc_uri(&b, "http://例.test/新闻 a?q=\"x\"&r=%41#f"), 0);
    cr_expect_str_eq(b.data, "http://%E4%BE%8B.test/%E6%96%B0%E9%97%BB%20a?q=%22x%22&r=%41");
    ov__buf c = OV__BUF_INIT;
    /* idempotent: already-spelled URIs stay as they are */
    cr_assert_eq(ov__warc_uri(&c, b.data), 0);
    cr_expect_str_eq(c.data, b.data);
    ov__buf d = OV__BUF_INIT;
    cr_assert_eq(ov__warc_uri(&d, "http://h/a\r\nWARC-Type: evil"), 0);
    cr_expect_null(strchr(d.data, '\n'));
    ov__buf_free(&b);
    ov__buf_free(&c);
    ov__buf_free(&d);
}

static char *response_head(const char *raw, long status, size_t body_len, int *ce)
{
    ov__buf b = OV__BUF_INIT;
    cr_assert_eq(ov__warc_response_head(raw, raw ? strlen(raw) : 0, status, body_len, &b, ce), 0);
    return ov__buf_detach(&b, NULL);
}

Test(warc_http, decoded_body_rewrites_codings_and_length)
{
    int ce = -1;
    char *h = response_head("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                            "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                            "Content-Length: 99\r\nX-Keep:  me \r\n\r\n",
                            200, 1234, &ce);
    cr_expect_str_eq(h, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                        "X-Original-Transfer-Encoding: chunked\r\n"
                        "X-Original-Content-Encoding: gzip\r\n"
                        "X-Original-Content-Length: 99\r\nX-Keep:  me \r\n"
                        "Content-Length: 1234\r\n\r\n");
    cr_expect_eq(ce, 1);
    free(h);
}

Test(warc_http, last_head_wins_and_lf_lines_become_crlf)
{
    int ce = -1;
    char *h = response_head("HTTP/1.1 100 Continue\n\nHTTP/1.1 301 Moved\nLocation: /b\n\n"
                            "HTTP/2 200\ncontent-type: image/png\n\n",
                            200, 3, &ce);
    cr_expect_str_eq(h, "HTTP/2 200\r\ncontent-type: image/png\r\nContent-Length: 3\r\n\r\n");
    cr_expect_eq(ce, 0);
    free(h);
}

Test(warc_http, missing_head_gets_a_status_line)
{
    char *h = response_head(NULL, 404, 0, NULL);
    cr_expect_str_eq(h, "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
    free(h);
    h = response_head("Content-Type: text/plain\r\n\r\n", 200, 2, NULL);
    cr_expect_str_eq(h, "HTTP/1.1 200 \r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n");
    free(h);
}

Test(warc_http, request_head_kept_or_made_up)
{
    ov__buf b = OV__BUF_INIT;
    const char *raw = "GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n";
    cr_assert_eq(ov__warc_request_head(raw, strlen(raw), "GET", "http://h/a", &b), 0);
    cr_expect_str_eq(b.data, raw);
    ov__buf c = OV__BUF_INIT;
    cr_assert_eq(ov__warc_request_head(NULL, 0, NULL, "https://example.test:8080/p?q=1#frag", &c),
                 0);
    cr_expect_str_eq(c.data, "GET /p?q=1 HTTP/1.1\r\nHost: example.test:8080\r\n\r\n");
    ov__buf d = OV__BUF_INIT;
    cr_assert_eq(ov__warc_request_head("", 0, "GET", "http://example.test", &d), 0);
    cr_expect_str_eq(d.data, "GET / HTTP/1.1\r\nHost: example.test\r\n\r\n");
    ov__buf_free(&b);
    ov__buf_free(&c);
    ov__buf_free(&d);
}

Test(warc_http, split_status_head_body)
{
    const char *blk = "HTTP/1.1 203 Fine\r\nA: b\r\n\r\nBODY";
    long st = 0;
    size_t hl = 0;
    cr_assert_eq(ov__warc_http_split((const unsigned char *)blk, strlen(blk), &st, &hl), 0);
    cr_expect_eq(st, 203);
    cr_expect_str_eq(blk + hl, "BODY");
    const char *h2 = "HTTP/2 200\r\ncontent-type: text/html\r\n\r\n<p>";
    cr_assert_eq(ov__warc_http_split((const unsigned char *)h2, strlen(h2), &st, &hl), 0);
    cr_expect_eq(st, 200);
    cr_expect_str_eq(h2 + hl, "<p>");
    cr_expect_eq(
        ov__warc_http_split((const unsigned char *)"HTTP/1.1 2x0 OK\r\n\r\n", 19, &st, &hl),
        OV_EPARSE);
    cr_expect_eq(
        ov__warc_http_split((const unsigned char *)"HTTP/1.1 200 OK\r\nA: b", 21, &st, &hl),
        OV_EPARSE);
    cr_expect_eq(ov__warc_http_split((const unsigned char *)"GET / HTTP/1.1\r\n\r\n", 18, &st, &hl),
                 OV_EPARSE);
}
