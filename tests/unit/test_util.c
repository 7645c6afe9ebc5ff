#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "octavo/model.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/fs.h"
#include "ov_test.h"

Test(util, error_set_and_format)
{
    ov_error e;
    ov_error_clear(&e);
    cr_assert_eq(ov_error_set(&e, OV_ELIMIT, "http://x/y", "too big: %d", 5), OV_ELIMIT);
    char buf[128];
    cr_assert_str_eq(ov_error_format(&e, buf, sizeof buf), "http://x/y: too big: 5");
    cr_assert_str_eq(ov_error_code_name(OV_ELIMIT), "OV_ELIMIT");
}

Test(util, error_truncates_long_messages)
{
    ov_error e;
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ov_error_set(&e, OV_ERROR, big, "%s", big);
    cr_assert_eq(strlen(e.message), OV_ERROR_MESSAGE_MAX - 1);
    cr_assert_str_eq(e.message + OV_ERROR_MESSAGE_MAX - 4, "...");
    cr_assert_str_eq(e.where + OV_ERROR_WHERE_MAX - 4, "...");
}

Test(util, buf_limit_is_an_error)
{
    ov__buf b = OV__BUF_INIT;
    b.limit = 8;
    cr_assert_eq(ov__buf_puts(&b, "12345678"), 0);
    cr_assert_eq(ov__buf_puts(&b, "9"), OV_ELIMIT);
    cr_assert_eq(b.len, 8);
    ov__buf_free(&b);
}

Test(util, buf_xml_escape)
{
    ov__buf b = OV__BUF_INIT;
    cr_assert_eq(ov__buf_put_xml(&b, "a<b & \"c\" 'd'>"), 0);
    cr_assert_str_eq(b.data, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    ov__buf_free(&b);
    /* every byte, alone, first, last and between others, as a byte-by-byte
       escape gives it; the empty string adds nothing */
    for (int c = 1; c < 256; c++) {
        char in[8] = {(char)c, 'x', (char)c, 'y', (char)c, '\0'};
        const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;"
                        : c == '\'' ? "&#39;" : NULL;
        char one[8] = {(char)c, '\0'}, want[64];
        if (rep) snprintf(want, sizeof want, "%sx%sy%s", rep, rep, rep);
        else snprintf(want, sizeof want, "%sx%sy%s", one, one, one);
        ov__buf e = OV__BUF_INIT;
        cr_assert_eq(ov__buf_put_xml(&e, in), 0);
        cr_assert_str_eq(e.data, want, "byte 0x%02x", c);
        ov__buf_free(&e);
    }
    ov__buf e = OV__BUF_INIT;
    cr_assert_eq(ov__buf_put_xml(&e, ""), 0);
    cr_assert_eq(e.len, 0);
    ov__buf_free(&e);
}

Test(util, sniff_from_bytes)
{
    cr_assert_str_eq(ov_sniff_media_type((const unsigned char *)"\xFF\xD8\xFF\xE0", 4), "image/jpeg");
    cr_assert_str_eq(ov_sniff_media_type((const unsigned char *)"\x89PNG\r\n\x1a\n", 8), "image/png");
    cr_assert_str_eq(ov_sniff_media_type((const unsigned char *)"GIF89a", 6), "image/gif");
    cr_assert_str_eq(ov_sniff_media_type((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
    cr_assert_str_eq(ov_sniff_media_type((const unsigned char *)"<?xml version='1.0'?><svg/>", 27), "image/svg+xml");
    cr_assert_null(ov_sniff_media_type((const unsigned char *)"<html>", 6));
}

Test(util, model_ownership)
{
    ov_book *b;
    cr_assert_eq(ov_book_new(&b), 0);
    ov_section *s;
    cr_assert_eq(ov_book_add_section(b, "World", &s), 0);
    for (int i = 0; i < 20; i++) {
        ov_article *a;
        cr_assert_eq(ov_article_new(&a), 0);
        cr_assert_eq(ov_strset(&a->title, "t"), 0);
        cr_assert_eq(ov_article_add_image(a, "http://x/1.jpg"), 0);
        cr_assert_eq(ov_article_add_image(a, "http://x/1.jpg"), 0);
        cr_assert_eq(a->n_images, 1);
        cr_assert_eq(ov_section_add_article(s, a), 0);
    }
    ov_resource *r;
    cr_assert_eq(ov_resource_new(&r), 0);
    cr_assert_eq(ov_strset(&r->url, "http://x/1.jpg"), 0);
    cr_assert_eq(ov_book_add_resource(b, r), 0);
    cr_assert_eq(ov_book_find_resource(b, "http://x/1.jpg"), r);
    cr_assert_null(ov_book_find_resource(b, "http://x/2.jpg"));
    cr_assert_eq(ov_book_article_count(b), 20);
    ov_book_free(b);
}

Test(util, atomic_write_replaces_or_leaves_old)
{
    char *dir = ov_test_tmpdir("util");
    char path[4096];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    ov_error e;
    cr_assert_eq(ov__write_file(path, "old", 3, &e), 0);
    char *tmp;
    int fd;
    cr_assert_eq(ov__atomic_open(path, &tmp, &fd, &e), 0);
    cr_assert_eq(write(fd, "new", 3), 3);
    close(fd);
    size_t n;
    char *before = ov_test_slurp(path, &n);
    cr_assert_str_eq(before, "old");
    cr_assert_eq(ov__atomic_commit(tmp, path, &e), 0);
    char *after = ov_test_slurp(path, &n);
    cr_assert_str_eq(after, "new");
    free(before);
    free(after);
    free(tmp);
    free(dir);
}

Test(util, read_file_limit)
{
    char *dir = ov_test_tmpdir("util");
    char path[4096];
    snprintf(path, sizeof path, "%s/big.bin", dir);
    ov_error e;
    cr_assert_eq(ov__write_file(path, "0123456789", 10, &e), 0);
    unsigned char *data;
    size_t len;
    cr_assert_eq(ov__read_file(path, 5, &data, &len, &e), OV_ELIMIT);
    cr_assert_eq(ov__read_file(path, 10, &data, &len, &e), 0);
    cr_assert_eq(len, 10);
    free(data);
    free(dir);
}

Test(util, grow_array_doubles_and_keeps_elements)
{
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 100; i++) {
        cr_assert_eq(ov__grow_array((void **)&v, n, &cap, sizeof *v, 4), 0);
        cr_assert_gt(cap, n);
        v[n++] = i;
    }
    cr_assert_eq(cap, 128, "4, 8, ... 128: %zu", cap);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(v[i], i);
    size_t huge = SIZE_MAX / 2 + 1;
    cr_assert_eq(ov__grow_array((void **)&v, huge, &huge, sizeof *v, 4), OV_ENOMEM, "overflow refused");
    cr_assert_eq(v[99], 99, "array unchanged");
    free(v);
}

/* A page declared UTF-8 with a few stray Windows-1252 bytes stays UTF-8 (the
 * stray bytes become U+FFFD), as in a browser; legacy bytes that form no
 * UTF-8 sequence still go to detection. */
Test(util, charset_mostly_utf8_stays_utf8)
{
    const char *page = "<html><head><meta charset=\"utf-8\"></head><body><p>Archery is the "
                       "\xe2\x80\x98new\xe2\x80\x99 curling? I don\xe2\x80\x99t think so: NBC"
                       "\x92s research head said \xe2\x80\x9cnumbers\xe2\x80\x9d.</p></body></html>";
    char *out = NULL, cs[32];
    size_t n = 0;
    ov_error err;
    cr_assert_eq(ov__charset_decode((const unsigned char *)page, strlen(page), NULL, &out, &n, cs,
                                    sizeof cs, &err),
                 0);
    cr_assert_str_eq(cs, "UTF-8");
    cr_assert(strstr(out, "the \xe2\x80\x98new\xe2\x80\x99 curling"), "%s", out);
    cr_assert(strstr(out, "NBC\xef\xbf\xbds"), "%s", out);
    free(out);
    /* Latin-1 letters (E9 before ASCII) are no UTF-8 sequence: not UTF-8 */
    const char *latin = "<html><head><meta charset=\"utf-8\"></head><body><p>Caf\xe9 cr\xe8me, "
                        "d\xe9j\xe0 vu \xe0 la fran\xe7" "aise.</p></body></html>";
    cr_assert_eq(ov__charset_decode((const unsigned char *)latin, strlen(latin), NULL, &out, &n, cs,
                                    sizeof cs, &err),
                 0);
    cr_assert_str_neq(cs, "UTF-8");
    cr_assert(strstr(out, "Caf\xc3\xa9 cr\xc3\xa8me"), "%s (%s)", out, cs);
    free(out);
}
