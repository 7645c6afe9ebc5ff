/*
 * Hostile cases that already held (issue 14, "keep what held"), kept as
 * regression tests: exit code, the good text present, nothing hostile in the
 * book; the books go to the gate folder, so the epubcheck tier checks them.
 *
 * Where each case of the list lives (held = this file, held_net =
 * test_hostile_held_net.c, held_state = test_hostile_held_state.c):
 *
 *   XXE to a file and to a loopback URL   held_net/feed_xxe_to_file_and_loopback_url
 *                                         (pages: held/hostile_markup_is_neutralised)
 *   billion laughs                        held_net/feed_billion_laughs
 *   50 MB feed, 20,000-item feed          held_net/feed_of_50_mb, feed_of_20000_items
 *   scripts, handlers, javascript:,       held/hostile_markup_is_neutralised
 *     <iframe srcdoc>, <object>,
 *     <meta refresh>, CSS url(file:)
 *   srcset with file:, ../ image names    held/hostile_markup_is_neutralised
 *   5,000-character image names           held/huge_title_and_image_name
 *   30000x30000 PNG, 5,000-frame GIF,     held/hostile_images
 *     truncated JPEG
 *   a million <p>                         held/a_million_paragraphs
 *   1,000-deep nesting                    held/thousand_deep_nesting
 *   100 KB titles                         held/huge_title_and_image_name
 *   control and RTL characters            held/hostile_markup_is_neutralised
 *   bad/huge/negative chunk sizes,        held_net/broken_answers_cost_only_their_article
 *     wrong Content-Length, endless       (Content-Length past the body:
 *     headers, 200 MB gzip bomb           build_net/fault_partial_body; 100 MB bomb:
 *                                         build_net/fault_gzip_bomb)
 *   1 MB header                           hostile_net/broken_answers_are_named_for_what_they_are
 *   redirect chains across hosts and      held_net/redirect_chains_across_hosts_and_ports
 *     ports and to file:                  (direct 302 to file: build_net/fault_redirect_to_file)
 *   self-signed TLS refused               held_net/self_signed_tls_refused
 *   two recipe runs at once               held_state/two_runs_at_once
 *   kill -9 at four points (numbering,    held_state/kill_nine_at_four_points (the book
 *     SQLite integrity)                   itself: kill/sigkill_never_leaves_a_broken_book;
 *                                         the cache: cache_crash/sigkill_leaves_a_consistent_cache)
 *   truncated or foreign state database   held_state/truncated_state_database,
 *                                         foreign_state_database
 *   read-only output folder               held_state/read_only_output_folder
 *   full 5 MB disk                        held_state/full_5_mb_disk
 *   -o a directory, -o a symlink          held/output_directory_and_symlink
 *   2,000 articles at --concurrency 64    held_net/two_thousand_articles_with_few_descriptors
 *     --per-host 16, 21 descriptors
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "ov_test.h"

static void put(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The whole book as bytes of its entries' text, uncompressed (caller frees). */
static char *book_text(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml") && !strstr(name, ".opf") && !strstr(name, ".ncx"))
            continue;
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        if (!f)
            continue;
        char buf[65536];
        for (zip_int64_t n; (n = zip_fread(f, buf, sizeof buf)) > 0;) {
            all = realloc(all, len + (size_t)n + 1);
            memcpy(all + len, buf, (size_t)n);
            len += (size_t)n;
            all[len] = '\0';
        }
        zip_fclose(f);
    }
    zip_close(z);
    return all;
}

static const char hostile_page[] =
    "<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
    "<!ENTITY net SYSTEM \"http://127.0.0.1:9/xxe\">]>\n"
    "<html><head><meta charset=\"utf-8\"><title>Held cases</title>"
    "<meta http-equiv=\"refresh\" content=\"0;url=file:///etc/passwd\">"
    "<style>body{background:url(file:///etc/passwd)}</style></head>"
    "<body onload=\"alert(1)\"><article><h1>Held cases</h1>"
    "<p onclick=\"alert(1)\">Good paragraph one &xxe;&net; with "
    "<a href=\"javascript:alert(1)\">a script link</a> in it.</p>"
    "<iframe srcdoc=\"&lt;p&gt;evil srcdoc&lt;/p&gt;\"></iframe>"
    "<object data=\"x.swf\"><param name=\"movie\" value=\"x.swf\"></object>"
    "<p style=\"color:red\">Good paragraph two \xe2\x80\xae" "RTL override\xe2\x80\xac and "
    "control \x01\x02\x1b characters.</p>"
    "<img srcset=\"file:///etc/passwd 2x\" src=\"../../../../../../etc/passwd\" alt=\"up\">"
    "<script>document.write('evil script')</script>"
    "<p>Good paragraph three, the last one.</p></article></body></html>";

Test(held, hostile_markup_is_neutralised, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-markup");
    put(dir, "page.html", hostile_page);
    char *in = join(dir, "page.html");
    char *out = ov_test_book_path("held-markup.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d (the ../ image must be a reported skip)\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "refused"), "%s", r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "Good paragraph one"));
    cr_assert(strstr(t, "Good paragraph two"));
    cr_assert(strstr(t, "Good paragraph three"));
    cr_assert(strstr(t, "a script link"));
    const char *never[] = {"root:x:", "evil", "javascript:", "onclick", "onload", "style=",
                           "refresh", "file:", "<iframe", "<object", "<script", "\x01", "\x1b", NULL};
    for (size_t i = 0; never[i]; i++)
        cr_assert_null(strstr(t, never[i]), "'%s' reached the book", never[i]);
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(dir);
}

Test(held, huge_title_and_image_name, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-title");
    size_t tn = 100 * 1024;
    char *page = malloc(tn + 12000);
    char *w = page;
    w += snprintf(w, 200, "<html><head><meta charset=\"utf-8\"><title>");
    for (size_t i = 0; i < tn; i++)
        *w++ = (char)('a' + i % 26);
    w += snprintf(w, 200, "</title></head><body><article><p>Body text of the page with a very "
                          "long title, long enough to be an article.</p><img src=\"");
    for (int i = 0; i < 5000; i++)
        *w++ = 'n';
    w += snprintf(w, 200, ".png\" alt=\"long name\"><p>And a second paragraph.</p></article></body></html>");
    put(dir, "title.html", page);
    char *in = join(dir, "title.html");
    char *out = ov_test_book_path("held-title.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d (the missing image is a reported skip)\nstderr: %s", st, r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "Body text of the page"));
    cr_assert(strstr(t, "And a second paragraph"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(page);
    free(dir);
}

Test(held, output_directory_and_symlink, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-output");
    put(dir, "page.html",
        "<html><head><meta charset=\"utf-8\"><title>Out</title></head><body><article>"
        "<p>A short article about where books are written, with enough words.</p></article></body></html>");
    char *in = join(dir, "page.html");
    ov_test_run r;
    /* -o a directory: refused, the directory untouched */
    char *sub = join(dir, "a-dir.epub");
    cr_assert_eq(mkdir(sub, 0755), 0);
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", sub, NULL);
    cr_assert(st == 1 || st == 2, "exit %d", st);
    struct stat sb;
    cr_assert(stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode), "the directory was replaced");
    ov_test_run_free(&r);
    /* -o a symlink: the link is replaced by the book, its target untouched */
    char *target = join(dir, "target.txt");
    put(dir, "target.txt", "keep me");
    char *out = ov_test_book_path("held-symlink.epub");
    unlink(out);
    cr_assert_eq(symlink(target, out), 0);
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(lstat(out, &sb) == 0 && S_ISREG(sb.st_mode), "the link was not replaced");
    char *kept = ov_test_slurp(target, NULL);
    cr_assert_str_eq(kept, "keep me", "the link's target was written");
    free(kept);
    ov_test_run_free(&r);
    free(out);
    free(target);
    free(sub);
    free(in);
    free(dir);
}

/* ---- images ------------------------------------------------------------ */

static void put_bytes(const char *dir, const char *name, const void *data, size_t n)
{
    char *path = join(dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
    free(path);
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void png_chunk(FILE *f, const char *type, const unsigned char *data, uint32_t n)
{
    unsigned char b[4];
    be32(b, n);
    fwrite(b, 1, 4, f);
    fwrite(type, 1, 4, f);
    if (n)
        fwrite(data, 1, n, f);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (n)
        crc = crc32(crc, data, n);
    be32(b, (uint32_t)crc);
    fwrite(b, 1, 4, f);
}

/* A w x h 8-bit grey PNG, all black: 900 million pixels in under a megabyte.
   Deflating 900 MB takes seconds, so a band of `band` rows is deflated once
   with a full flush (a self-contained, byte-aligned piece of stream) and
   repeated; a final empty block and the Adler-32 of the whole close it. */
static void write_big_png(const char *path, uint32_t w, uint32_t h)
{
    const uint32_t band = 1000;
    cr_assert_eq(h % band, 0);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
    unsigned char ihdr[13] = {0};
    be32(ihdr, w);
    be32(ihdr + 4, h);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 0; /* grey */
    png_chunk(f, "IHDR", ihdr, sizeof ihdr);
    size_t raw_len = (size_t)(w + 1) * band; /* a filter byte 0 per row, then black */
    unsigned char *raw = calloc(1, raw_len);
    size_t cap = raw_len / 100 + 4096;
    unsigned char *piece = malloc(cap);
    cr_assert(raw && piece);
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = raw;
    z.avail_in = (uInt)raw_len;
    z.next_out = piece;
    z.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&z, Z_FULL_FLUSH), Z_OK);
    cr_assert_eq(z.avail_in, 0);
    size_t piece_len = cap - z.avail_out;
    deflateEnd(&z);
    uLong band_adler = adler32(adler32(0, NULL, 0), raw, (uInt)raw_len);
    uLong adler = adler32(0, NULL, 0);
    size_t idat_len = 2 + piece_len * (h / band) + 2 + 4;
    unsigned char *idat = malloc(idat_len), *q = idat;
    cr_assert(idat);
    *q++ = 0x78; /* zlib header: deflate, 32 KB window */
    *q++ = 0x01;
    for (uint32_t i = 0; i < h / band; i++) {
        memcpy(q, piece, piece_len);
        q += piece_len;
        adler = adler32_combine(adler, band_adler, (z_off_t)raw_len);
    }
    *q++ = 0x03; /* a final, empty, fixed-Huffman block */
    *q++ = 0x00;
    be32(q, (uint32_t)adler);
    png_chunk(f, "IDAT", idat, (uint32_t)idat_len);
    png_chunk(f, "IEND", NULL, 0);
    fclose(f);
    free(idat);
    free(piece);
    free(raw);
}

/* A 120x80 GIF of `frames` frames, each a 1x1 image of colour 1 at a
   different place (LZW min code size 2: clear, 1, end). */
static void write_many_frame_gif(const char *path, int frames)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    static const unsigned char head[] = {'G', 'I', 'F', '8', '9', 'a', 120, 0, 80, 0, 0x80, 0, 0,
                                         0xff, 0xff, 0xff, 0x20, 0x40, 0x80};
    fwrite(head, 1, sizeof head, f);
    static const unsigned char loop[] = {0x21, 0xff, 0x0b, 'N', 'E', 'T', 'S', 'C', 'A', 'P',
                                         'E', '2', '.', '0', 0x03, 0x01, 0x00, 0x00, 0x00};
    fwrite(loop, 1, sizeof loop, f);
    for (int i = 0; i < frames; i++) {
        unsigned char gce[] = {0x21, 0xf9, 0x04, 0x00, 0x02, 0x00, 0x00, 0x00};
        unsigned char x = (unsigned char)(i % 120), y = (unsigned char)(i / 120 % 80);
        unsigned char desc[] = {0x2c, x, 0, y, 0, 1, 0, 1, 0, 0};
        static const unsigned char data[] = {0x02, 0x02, 0x4c, 0x01, 0x00};
        fwrite(gce, 1, sizeof gce, f);
        fwrite(desc, 1, sizeof desc, f);
        fwrite(data, 1, sizeof data, f);
    }
    fputc(0x3b, f);
    fclose(f);
}

/* A 30000x30000 PNG (over the 100,000,000-pixel decode cap), a 5,000-frame
   GIF and a JPEG cut in half: none crashes or stalls the run, none costs
   the article its text; a refused image is a reported skip. */
Test(held, hostile_images, .timeout = 300)
{
    char *dir = ov_test_tmpdir("held-images");
    char *png = join(dir, "huge.png");
    write_big_png(png, 30000, 30000);
    char *gif = join(dir, "frames.gif");
    write_many_frame_gif(gif, 5000);
    char *jpg_fixture = ov_test_source_path("tests/fixtures/fetch/tiny.jpg");
    size_t jn = 0;
    char *jpg = ov_test_slurp(jpg_fixture, &jn);
    cr_assert(jpg && jn > 100);
    put_bytes(dir, "cut.jpg", jpg, jn / 2);
    put(dir, "images.html",
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Images</title></head>"
        "<body><article><h1>Images</h1><p>First paragraph of the article with hostile images, "
        "long enough to be the body of a page.</p>"
        "<figure><img src=\"huge.png\" alt=\"huge png\"><figcaption>Caption of the huge PNG"
        "</figcaption></figure><p>Second paragraph, between the pictures.</p>"
        "<figure><img src=\"frames.gif\" alt=\"many frames\"><figcaption>Caption of the GIF"
        "</figcaption></figure>"
        "<figure><img src=\"cut.jpg\" alt=\"cut jpeg\"><figcaption>Caption of the JPEG"
        "</figcaption></figure><p>Third paragraph, the last one.</p></article></body></html>");
    char *in = join(dir, "images.html");
    char *out = ov_test_book_path("held-images.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "huge.png"), "the huge PNG's skip is not reported:\n%s", r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "First paragraph of the article"));
    cr_assert(strstr(t, "Second paragraph, between"));
    cr_assert(strstr(t, "Third paragraph, the last"));
    cr_assert(strstr(t, "Caption of the huge PNG"));
    cr_assert(strstr(t, "Caption of the GIF"));
    cr_assert(strstr(t, "Caption of the JPEG"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(jpg);
    free(jpg_fixture);
    free(gif);
    free(png);
    free(dir);
}

/* ---- big and deep markup ---------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define HELD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HELD_SANITIZED 1
#endif
#endif

/* A million <p> (8 MB, under the 16 MB transformer cap): the book is
   written, split into chapters, text from both ends kept. Under ASan a
   fifth of it (a million took 88 s there). */
Test(held, a_million_paragraphs, .timeout = 300)
{
#ifdef HELD_SANITIZED
    const int n_paragraphs = 200000;
#else
    const int n_paragraphs = 1000000;
#endif
    char *dir = ov_test_tmpdir("held-million");
    char *in = join(dir, "million.html");
    FILE *f = fopen(in, "wb");
    cr_assert(f);
    fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Million</title>"
          "</head><body><article><h1>Million</h1><p>The opening paragraph of a page with a "
          "million paragraphs, long enough to be the body.</p>", f);
    for (int i = 0; i < n_paragraphs; i++)
        fputs("<p>p</p>", f);
    fputs("<p>The closing paragraph after the million.</p></article></body></html>", f);
    fclose(f);
    char *out = ov_test_book_path("held-million.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "The opening paragraph of a page"));
    cr_assert(strstr(t, "The closing paragraph after the million"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(dir);
}

/* 1,000 nested <div>s around a paragraph, text before them: the run ends
   quickly with a book, the text before the nest kept. (libxml2's HTML
   parser cuts nesting at about 256: the README says what follows is lost.) */
Test(held, thousand_deep_nesting, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-deep");
    char *in = join(dir, "deep.html");
    FILE *f = fopen(in, "wb");
    cr_assert(f);
    fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Deep</title>"
          "</head><body><article><h1>Deep</h1><p>The paragraph before the deep nest, long "
          "enough to be the body of the article on its own.</p>", f);
    for (int i = 0; i < 1000; i++)
        fputs("<div>", f);
    fputs("<p>Inside the nest.</p>", f);
    for (int i = 0; i < 1000; i++)
        fputs("</div>", f);
    fputs("</article></body></html>", f);
    fclose(f);
    char *out = ov_test_book_path("held-deep.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "The paragraph before the deep nest"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(dir);
}
