/* Unit tests for the EPUB 3 packager: structure, metadata, images, splitting,
 * reproducibility, atomic replacement and identifiers. Books are built in
 * memory; every .epub goes through the epubcheck gate. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

#include "octavo/package.h"
#include "ov_test.h"

static const unsigned char tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
    0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82};

/* A 1x1 grey baseline JPEG (made once with `vips black x.jpg[strip,Q=50] 1 1`). */
static const unsigned char tiny_jpeg[] = {
    0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10, 0x0e, 0x0d,
    0x0e, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23, 0x25, 0x1d,
    0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57,
    0x45, 0x37, 0x38, 0x50, 0x6d, 0x51, 0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79,
    0x70, 0x64, 0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01,
    0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x1f, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
    0x07, 0x08, 0x09, 0x0a, 0x0b, 0xff, 0xc4, 0x00, 0xb5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02,
    0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11,
    0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91,
    0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09,
    0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37,
    0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57,
    0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
    0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2,
    0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8,
    0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xff, 0xda, 0x00, 0x08,
    0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0xf3, 0xfa, 0xff, 0xd9};

#define JPG_URL "https://news.example.cn/img/photo.jpg"
#define PNG_URL "https://news.example.cn/img/map.png"
#define GONE_URL "https://news.example.cn/img/gone.jpg"

static void add_resource(ov_book *b, const char *url, const char *mt, const unsigned char *bytes,
                         size_t len, const char *spool)
{
    ov_resource *r = NULL;
    cr_assert_eq(ov_resource_new(&r), 0);
    cr_assert_eq(ov_strset(&r->url, url), 0);
    cr_assert_eq(ov_strset(&r->media_type, mt), 0);
    r->size = len;
    if (spool) {
        FILE *f = fopen(spool, "wb");
        cr_assert(f);
        cr_assert_eq(fwrite(bytes, 1, len, f), len);
        fclose(f);
        cr_assert_eq(ov_strset(&r->spool_path, spool), 0);
    } else {
        r->data = malloc(len);
        cr_assert(r->data);
        memcpy(r->data, bytes, len);
    }
    cr_assert_eq(ov_book_add_resource(b, r), 0);
}

static ov_article *article(ov_section *s, const char *url, const char *title, const char *lang,
                           const char *body)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->url, url), 0);
    cr_assert_eq(ov_strset(&a->title, title), 0);
    cr_assert_eq(ov_strset(&a->language, lang), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, body), 0);
    a->fetched_at = 1700000000;
    cr_assert_eq(ov_section_add_article(s, a), 0);
    return a;
}

static ov_book *base_book(const char *title, const char *lang)
{
    ov_book *b = NULL;
    cr_assert_eq(ov_book_new(&b), 0);
    cr_assert_eq(ov_strset(&b->title, title), 0);
    cr_assert_eq(ov_strset(&b->language, lang), 0);
    cr_assert_eq(ov_strset(&b->source_url, "https://news.example.cn/feed.xml"), 0);
    cr_assert_eq(ov_strset(&b->date, "2026-11-28"), 0);
    cr_assert_eq(ov_strset(&b->publisher, "Example News"), 0);
    cr_assert_eq(ov_book_add_author(b, "Example Newsroom"), 0);
    b->modified = 1700000000;
    return b;
}

static const char zh_body[] =
    "<p>今天<ruby>漢<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>字新闻。</p>"
    "<figure><img src=\"" JPG_URL "\" alt=\"港口照片\"/><figcaption>港口的早晨</figcaption></figure>"
    "<p><img src=\"" PNG_URL "\" alt=\"地图\"/></p>"
    "<figure><img src=\"" GONE_URL "\" alt=\"已删除的照片\"/><figcaption>说明仍在</figcaption></figure>"
    "<figure><img src=\"" GONE_URL "\"/></figure>"
    "<p><a id=\"anchor\"></a>结束。</p>";

static const char en_body[] =
    "<p>Opening paragraph &amp; more.</p>"
    "<table><caption>Results</caption><thead><tr><th>Team</th><th>Score</th></tr></thead>"
    "<tbody><tr><td>Red</td><td>3</td></tr></tbody></table>"
    "<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>"
    "<blockquote><p>A quotation.</p></blockquote><pre>int x = 1;\n  y &lt; 2;</pre>";

/* A book: one Chinese section (images: JPEG in memory, PNG spooled, one missing). */
static ov_book *zh_book(const char *spool)
{
    ov_book *b = base_book("区域新闻 每日版", "zh-CN");
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "要闻", &s), 0);
    ov_article *a = article(s, "https://news.example.cn/a/1.html", "港口新闻", "zh-CN", zh_body);
    cr_assert_eq(ov_strset(&a->byline, "记者 王小明"), 0);
    cr_assert_eq(ov_strset(&a->source, "新华社"), 0);
    article(s, "https://news.example.cn/a/2.html", "Second story", "en", en_body);
    add_resource(b, JPG_URL, "image/jpeg", tiny_jpeg, sizeof tiny_jpeg, NULL);
    add_resource(b, PNG_URL, "image/png", tiny_png, sizeof tiny_png, spool);
    add_resource(b, "https://news.example.cn/img/unused.png", "image/png", tiny_png,
                 sizeof tiny_png, NULL);
    return b;
}

/* Two sections, series + issue number. */
static ov_book *series_book(void)
{
    ov_book *b = base_book("The Daily Example", "en");
    cr_assert_eq(ov_strset(&b->series, "The Daily Example"), 0);
    b->series_index = 42;
    ov_section *s1 = NULL, *s2 = NULL;
    cr_assert_eq(ov_book_add_section(b, "World", &s1), 0);
    cr_assert_eq(ov_book_add_section(b, "Sport", &s2), 0);
    article(s1, "https://news.example.com/w/1", "World one", "en", en_body);
    article(s1, "https://news.example.com/w/2", "World two", "en", "<p>Two.</p>");
    article(s2, "https://news.example.com/s/1", "Sport one", "en", "<p>Goal.</p>");
    return b;
}

static char *entry(zip_t *za, const char *name, size_t *len)
{
    zip_stat_t st;
    cr_assert_eq(zip_stat(za, name, 0, &st), 0, "missing entry %s", name);
    zip_file_t *f = zip_fopen(za, name, 0);
    cr_assert(f);
    char *buf = calloc(1, st.size + 1);
    cr_assert(buf);
    cr_assert_eq(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
    zip_fclose(f);
    if (len)
        *len = st.size;
    return buf;
}

static zip_t *open_book(const char *path)
{
    int zerr = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    cr_assert(za, "cannot open %s (%d)", path, zerr);
    return za;
}

static void write_ok(const ov_book *b, const char *path, const ov_package_options *o)
{
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_package_write(b, path, o, &err);
    cr_assert_eq(rc, 0, "ov_package_write: %s (%s)", err.message, err.where);
}

static void assert_in_order(const char *hay, const char *const *needles)
{
    const char *pos = hay;
    for (size_t i = 0; needles[i]; i++) {
        const char *hit = strstr(pos, needles[i]);
        cr_assert(hit, "'%s' missing or out of order", needles[i]);
        pos = hit + strlen(needles[i]);
    }
}

Test(package, chinese_book_structure_and_images)
{
    char *dir = ov_test_tmpdir("pkg-zh");
    char spool[512];
    snprintf(spool, sizeof spool, "%s/map.png", dir);
    ov_book *b = zh_book(spool);
    char *path = ov_test_book_path("package-zh.epub");
    write_ok(b, path, NULL);

    zip_t *za = open_book(path);
    static const char *const order[] = {"mimetype", "META-INF/container.xml", "EPUB/package.opf",
        "EPUB/nav.xhtml", "EPUB/toc.ncx", "EPUB/css/octavo.css", "EPUB/text/cover.xhtml",
        "EPUB/text/masthead.xhtml", "EPUB/text/a001.xhtml", "EPUB/text/a002.xhtml",
        "EPUB/img/cover.svg", "EPUB/img/a001-01.jpg", "EPUB/img/a001-02.png"};
    size_t n = sizeof order / sizeof order[0];
    cr_assert_eq(zip_get_num_entries(za, 0), (zip_int64_t)n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(zip_get_name(za, i, 0), order[i]);
    zip_stat_t st;
    cr_assert_eq(zip_stat_index(za, 0, 0, &st), 0);
    cr_assert_eq(st.comp_method, ZIP_CM_STORE);
    cr_assert_eq(st.size, st.comp_size);
    char *mt = entry(za, "mimetype", NULL);
    cr_assert_str_eq(mt, "application/epub+zip");

    char *ch = entry(za, "EPUB/text/a001.xhtml", NULL);
    cr_assert(strstr(ch, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>") == ch);
    cr_assert(strstr(ch, "lang=\"zh-CN\" xml:lang=\"zh-CN\""));
    cr_assert(strstr(ch, "<ruby>漢<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>"));
    cr_assert(strstr(ch, "src=\"../img/a001-01.jpg\""));
    cr_assert(strstr(ch, "src=\"../img/a001-02.png\""));
    cr_assert(strstr(ch, "<span class=\"img-alt\">已删除的照片</span>"));
    cr_assert(strstr(ch, "<figcaption>说明仍在</figcaption>"));
    cr_assert_null(strstr(ch, GONE_URL));
    cr_assert_null(strstr(ch, "<figure></figure>"));
    cr_assert(strstr(ch, "<a id=\"anchor\"></a>"));
    cr_assert(strstr(ch, "记者 王小明"));
    cr_assert(strstr(ch, "https://news.example.cn/a/1.html</a>"));
    cr_assert(strstr(ch, "抓取于 2023年11月14日 22:13 UTC"));
    char *opf = entry(za, "EPUB/package.opf", NULL);
    cr_assert_null(strstr(opf, "unused"));
    cr_assert(strstr(opf, "<dc:language>zh-CN</dc:language>"));
    cr_assert(strstr(opf, "properties=\"cover-image\""));
    cr_assert(strstr(opf, "<meta name=\"cover\" content=\"cover\"/>"));
    char *nav = entry(za, "EPUB/nav.xhtml", NULL);
    /* one section: a flat list */
    cr_assert_null(strstr(nav, "要闻"));
    static const char *const nav_order[] = {"text/a001.xhtml", "text/a002.xhtml", NULL};
    assert_in_order(nav, nav_order);
    char *en = entry(za, "EPUB/text/a002.xhtml", NULL);
    cr_assert(strstr(en, "lang=\"en\""));
    cr_assert(strstr(en, "<th>Team</th>"));
    cr_assert(strstr(en, "<pre>int x = 1;\n  y &lt; 2;</pre>"));
    zip_close(za);

    char *report = NULL;
    int ec = ov_test_epubcheck(path, &report);
    cr_assert_eq(ec, 0, "epubcheck:\n%s", report ? report : "");
    free(report);
    free(mt);
    free(ch);
    free(opf);
    free(nav);
    free(en);
    free(path);
    free(dir);
    ov_book_free(b);
}

Test(package, series_two_sections_metadata_and_nav)
{
    ov_book *b = series_book();
    char *path = ov_test_book_path("package-series.epub");
    write_ok(b, path, NULL);
    char *id = NULL;
    ov_error err;
    cr_assert_eq(ov_package_identifier(b, &id, &err), 0);
    zip_t *za = open_book(path);
    char *opf = entry(za, "EPUB/package.opf", NULL);
    cr_assert(strstr(opf, "version=\"3.0\""));
    char want[128];
    snprintf(want, sizeof want, "<dc:identifier id=\"pub-id\">%s</dc:identifier>", id);
    cr_assert(strstr(opf, want), "%s", opf);
    cr_assert(strstr(opf, "<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>"));
    cr_assert(strstr(opf, "property=\"belongs-to-collection\" id=\"series\">The Daily Example<"));
    cr_assert(strstr(opf, "<meta refines=\"#series\" property=\"collection-type\">series</meta>"));
    cr_assert(strstr(opf, "<meta refines=\"#series\" property=\"group-position\">42</meta>"));
    cr_assert(strstr(opf, "<meta name=\"calibre:series_index\" content=\"42\"/>"));
    cr_assert(strstr(opf, "<dc:creator>Example Newsroom</dc:creator>"));
    cr_assert(strstr(opf, "schema:accessibilityHazard\">none<"));
    const char *m = strstr(opf, "dcterms:modified");
    cr_assert_null(strstr(m + 1, "dcterms:modified"), "exactly one dcterms:modified");
    char *nav = entry(za, "EPUB/nav.xhtml", NULL);
    static const char *const nav_order[] = {">World<", "text/a001.xhtml", "text/a002.xhtml",
                                            ">Sport<", "text/a003.xhtml", NULL};
    assert_in_order(nav, nav_order);
    char *ncx = entry(za, "EPUB/toc.ncx", NULL);
    cr_assert_null(strstr(ncx, "DOCTYPE"));
    snprintf(want, sizeof want, "<meta name=\"dtb:uid\" content=\"%s\"/>", id);
    cr_assert(strstr(ncx, want));
    assert_in_order(ncx, nav_order);
    char *svg = entry(za, "EPUB/img/cover.svg", NULL);
    cr_assert(strstr(svg, "No. 42"));
    cr_assert(strstr(svg, "Saturday, November 28, 2026"));
    zip_close(za);
    char *report = NULL;
    cr_assert_eq(ov_test_epubcheck(path, &report), 0, "epubcheck:\n%s", report ? report : "");
    free(report);
    free(opf);
    free(nav);
    free(ncx);
    free(svg);
    free(id);
    free(path);
    ov_book_free(b);
}

Test(package, long_article_is_split)
{
    ov_book *b = base_book("Long read", "en");
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "Features", &s), 0);
    size_t cap = 760 * 1024;
    char *body = malloc(cap);
    cr_assert(body);
    size_t len = 0;
    for (int i = 0; len < 700 * 1024; i++)
        len += (size_t)snprintf(body + len, cap - len,
                                "<p>Paragraph %d of a very long feature article, with enough words "
                                "to fill the line and then some more words.</p>", i);
    article(s, "https://news.example.com/long", "Long read", "en", body);
    free(body);
    char *path = ov_test_book_path("package-long.epub");
    ov_package_options o = OV_PACKAGE_OPTIONS_INIT;
    o.masthead = 0;
    write_ok(b, path, &o);
    zip_t *za = open_book(path);
    size_t l1 = 0, l2 = 0, l3 = 0;
    char *p1 = entry(za, "EPUB/text/a001.xhtml", &l1);
    char *p2 = entry(za, "EPUB/text/a001-2.xhtml", &l2);
    char *p3 = entry(za, "EPUB/text/a001-3.xhtml", &l3);
    cr_assert_leq(l1, OV_PACKAGE_MAX_CHAPTER_BYTES);
    cr_assert_leq(l2, OV_PACKAGE_MAX_CHAPTER_BYTES);
    cr_assert_leq(l3, OV_PACKAGE_MAX_CHAPTER_BYTES);
    cr_assert(strstr(p1, "<h1>Long read</h1>"));
    cr_assert_null(strstr(p2, "<h1>"));
    cr_assert(strstr(p3, "class=\"source\""));
    cr_assert_null(strstr(p1, "class=\"source\""));
    cr_assert_lt(zip_name_locate(za, "EPUB/text/masthead.xhtml", 0), 0);
    char *opf = entry(za, "EPUB/package.opf", NULL);
    static const char *const spine[] = {"<spine", "idref=\"cover-page\"", "idref=\"c001\"",
                                        "idref=\"c001-2\"", "idref=\"c001-3\"", NULL};
    assert_in_order(opf, spine);
    char *nav = entry(za, "EPUB/nav.xhtml", NULL);
    cr_assert_null(strstr(nav, "a001-2"));
    zip_close(za);
    free(p1);
    free(p2);
    free(p3);
    free(opf);
    free(nav);
    free(path);
    ov_book_free(b);
}

Test(package, reproducible_across_time_zones)
{
    ov_book *b = series_book();
    char *p1 = ov_test_book_path("package-repro-utc.epub");
    char *p2 = ov_test_book_path("package-repro-sh.epub");
    setenv("TZ", "UTC", 1);
    tzset();
    write_ok(b, p1, NULL);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    write_ok(b, p2, NULL);
    size_t l1 = 0, l2 = 0;
    char *d1 = ov_test_slurp(p1, &l1);
    char *d2 = ov_test_slurp(p2, &l2);
    cr_assert(d1 && d2);
    cr_assert_eq(l1, l2);
    cr_assert_eq(memcmp(d1, d2, l1), 0, "two writes of one book differ");
    zip_t *za = open_book(p1);
    zip_stat_t st;
    cr_assert_eq(zip_stat_index(za, 3, 0, &st), 0);
    struct tm tm;
    time_t want = 1700000000;
    gmtime_r(&want, &tm);
    /* libzip converts the DOS time with localtime: compare the fields in TZ=UTC */
    setenv("TZ", "UTC", 1);
    tzset();
    zip_close(za);
    free(d1);
    free(d2);
    free(p1);
    free(p2);
    ov_book_free(b);
}

static int count_tmp(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    char pre[256];
    snprintf(pre, sizeof pre, "%s.tmp.", base);
    for (struct dirent *e; (e = readdir(d));)
        n += strncmp(e->d_name, pre, strlen(pre)) == 0;
    closedir(d);
    return n;
}

Test(package, failed_write_leaves_old_file)
{
    char *path = ov_test_book_path("package-atomic.epub");
    ov_book *good = series_book();
    write_ok(good, path, NULL);
    size_t l1 = 0, l2 = 0;
    char *before = ov_test_slurp(path, &l1);
    cr_assert(before);

    char *dir = ov_test_tmpdir("pkg-atomic");
    char spool[512];
    snprintf(spool, sizeof spool, "%s/vanished.png", dir);
    ov_book *bad = zh_book(spool);
    cr_assert_eq(remove(spool), 0);
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_package_write(bad, path, NULL, &err);
    cr_assert_eq(rc, OV_EIO);
    cr_assert(strstr(err.where, "vanished.png"), "where: %s", err.where);
    char *after = ov_test_slurp(path, &l2);
    cr_assert(after);
    cr_assert_eq(l1, l2);
    cr_assert_eq(memcmp(before, after, l1), 0);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    cr_assert_eq(count_tmp(path, "package-atomic.epub"), 0);
    free(before);
    free(after);
    free(dir);
    free(path);
    ov_book_free(good);
    ov_book_free(bad);
}

Test(package, identifier_is_uuid5_of_source_and_date)
{
    ov_book *b = base_book("T", "en");
    char *a = NULL, *c = NULL, *d = NULL;
    ov_error err;
    cr_assert_eq(ov_package_identifier(b, &a, &err), 0);
    cr_assert_eq(ov_package_identifier(b, &c, &err), 0);
    cr_assert_str_eq(a, c);
    cr_assert_eq(strlen(a), strlen("urn:uuid:") + 36);
    cr_assert(strncmp(a, "urn:uuid:", 9) == 0);
    cr_assert_eq(a[9 + 14], '5', "version 5 UUID: %s", a);
    cr_assert_eq(ov_strset(&b->date, "2026-11-29"), 0);
    cr_assert_eq(ov_package_identifier(b, &d, &err), 0);
    cr_assert_str_neq(a, d);
    free(c);
    cr_assert_eq(ov_strset(&b->identifier, "urn:isbn:9780000000000"), 0);
    cr_assert_eq(ov_package_identifier(b, &c, &err), 0);
    cr_assert_str_eq(c, "urn:isbn:9780000000000");
    free(a);
    free(c);
    free(d);
    ov_book_free(b);
}

Test(package, given_cover_and_language_fallback)
{
    ov_book *b = base_book("Cover test", NULL);
    ov_resource *r = NULL;
    cr_assert_eq(ov_resource_new(&r), 0);
    cr_assert_eq(ov_strset(&r->media_type, "image/png"), 0);
    r->data = malloc(sizeof tiny_png);
    cr_assert(r->data);
    memcpy(r->data, tiny_png, sizeof tiny_png);
    r->size = sizeof tiny_png;
    b->cover = r;
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "Only", &s), 0);
    article(s, "https://news.example.com.tw/1", "臺灣新聞", "zh-TW", "<p>內容。</p>");
    char *path = ov_test_book_path("package-cover.epub");
    write_ok(b, path, NULL);
    zip_t *za = open_book(path);
    char *opf = entry(za, "EPUB/package.opf", NULL);
    cr_assert(strstr(opf, "<dc:language>zh-TW</dc:language>"));
    cr_assert(strstr(opf, "href=\"img/cover.png\" media-type=\"image/png\" properties=\"cover-image\""));
    char *cov = entry(za, "EPUB/text/cover.xhtml", NULL);
    cr_assert(strstr(cov, "<img src=\"../img/cover.png\" alt=\"Cover test\"/>"));
    zip_close(za);
    free(opf);
    free(cov);
    free(path);
    ov_book_free(b);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Many chapters (one split in parts, with images): the chapter spool is on
 * by default. The streamed book must be byte-identical to the one held in
 * memory, to a rebuild, and to one whose $TMPDIR is missing (the packager
 * then keeps chapters in memory); the spool file is gone afterwards. */
Test(package, streamed_chapters_match_in_memory)
{
    char *dir = ov_test_tmpdir("pkg-chapter-spool");
    char tmp[512], missing[600];
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    snprintf(missing, sizeof missing, "%s/no-such-dir", dir);
    cr_assert_eq(mkdir(tmp, 0700), 0);
    ov_book *b = zh_book(NULL);
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "更多", &s), 0);
    for (int i = 0; i < 40; i++) {
        char url[64], title[32], body[256];
        snprintf(url, sizeof url, "https://news.example.cn/b/%d.html", i);
        snprintf(title, sizeof title, "报道 %d", i);
        snprintf(body, sizeof body, "<p>第%d篇。</p><p><img src=\"" JPG_URL "\" alt=\"照片\"/></p>", i);
        article(s, url, title, "zh-CN", body);
    }
    size_t cap = 600 * 1024, len = 0;
    char *body = malloc(cap);
    cr_assert(body);
    for (int i = 0; len < 560 * 1024; i++)
        len += (size_t)snprintf(body + len, cap - len, "<p>长文第%d段，内容足够长以便分页。</p>", i);
    article(s, "https://news.example.cn/b/long.html", "长文", "zh-CN", body);
    free(body);

    char *streamed = ov_test_book_path("package-spool-streamed.epub");
    char *held = ov_test_book_path("package-spool-memory.epub");
    char again[600], fallback[600];
    snprintf(again, sizeof again, "%s/again.epub", dir);
    snprintf(fallback, sizeof fallback, "%s/fallback.epub", dir);
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", tmp, 1);
    write_ok(b, streamed, NULL);
    cr_assert_eq(count_entries(tmp), 0, "the chapter spool was left in $TMPDIR");
    write_ok(b, again, NULL);
    ov_package_options o = OV_PACKAGE_OPTIONS_INIT;
    o.in_memory = 1;
    write_ok(b, held, &o);
    setenv("TMPDIR", missing, 1);
    write_ok(b, fallback, NULL);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);

    size_t l1 = 0, l2 = 0, l3 = 0, l4 = 0;
    char *d1 = ov_test_slurp(streamed, &l1), *d2 = ov_test_slurp(held, &l2);
    char *d3 = ov_test_slurp(again, &l3), *d4 = ov_test_slurp(fallback, &l4);
    cr_assert(d1 && d2 && d3 && d4);
    cr_assert(l1 == l2 && memcmp(d1, d2, l1) == 0, "streamed and in-memory books differ");
    cr_assert(l1 == l3 && memcmp(d1, d3, l1) == 0, "two streamed builds differ");
    cr_assert(l1 == l4 && memcmp(d1, d4, l1) == 0, "the in-memory fallback differs");
    zip_t *za = open_book(streamed);
    cr_assert_geq(zip_name_locate(za, "EPUB/text/a043-2.xhtml", 0), 0);
    char *c = entry(za, "EPUB/text/a010.xhtml", NULL);
    cr_assert(strstr(c, "第7篇"), "chapter 10: %s", c);
    free(c);
    zip_close(za);
    free(d1);
    free(d2);
    free(d3);
    free(d4);
    free(streamed);
    free(held);
    free(dir);
    ov_book_free(b);
}

/* ov_package_write_release: the same bytes as ov_package_write, and every
 * body freed afterwards while titles and URLs stay. */
Test(package, write_release_frees_bodies_same_bytes)
{
    ov_book *b = series_book();
    char *dir = ov_test_tmpdir("pkg-release");
    char kept[600], released[600];
    snprintf(kept, sizeof kept, "%s/kept.epub", dir);
    snprintf(released, sizeof released, "%s/released.epub", dir);
    write_ok(b, kept, NULL);
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_package_write_release(b, released, NULL, &err), 0, "%s", err.message);
    for (size_t s = 0; s < b->n_sections; s++)
        for (size_t i = 0; i < b->sections[s]->n_articles; i++) {
            const ov_article *a = b->sections[s]->articles[i];
            cr_assert_null(a->body_xhtml);
            cr_assert(a->title && a->url);
        }
    size_t l1 = 0, l2 = 0;
    char *d1 = ov_test_slurp(kept, &l1), *d2 = ov_test_slurp(released, &l2);
    cr_assert(d1 && d2);
    cr_assert(l1 == l2 && memcmp(d1, d2, l1) == 0, "released and kept books differ");
    free(d1);
    free(d2);
    free(dir);
    ov_book_free(b);
}
