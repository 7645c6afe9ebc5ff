/* OPDS catalog of hand-made minimal EPUBs (written to a scratch dir, not the books dir). */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>
#include <zip.h>

#include "octavo/deliver.h"
#include "ov_test.h"

static const unsigned char png1x1[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
    0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
    0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static void add(zip_t *z, const char *name, const void *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    cr_assert_not_null(s);
    cr_assert_geq(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8), 0);
}

static const char container[] =
    "<?xml version=\"1.0\"?><container version=\"1.0\" "
    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile "
    "full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>"
    "</rootfiles></container>";

/* A minimal EPUB: `meta` is inserted into <metadata>; cover when with_cover. */
static void make_epub(const char *dir, const char *file, const char *meta, int with_cover)
{
    char *path = NULL, *opf = NULL;
    cr_assert(asprintf(&path, "%s/%s", dir, file) > 0);
    cr_assert(asprintf(&opf,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
                       "unique-identifier=\"pub-id\"><metadata "
                       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">%s</metadata><manifest>"
                       "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
                       "properties=\"nav\"/>%s</manifest><spine><itemref idref=\"nav\"/></spine>"
                       "</package>",
                       meta,
                       with_cover ? "<item id=\"c\" href=\"img/cover.png\" "
                                    "media-type=\"image/png\" properties=\"cover-image\"/>"
                                  : "") > 0);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    cr_assert_not_null(z);
    add(z, "mimetype", "application/epub+zip", 20);
    add(z, "META-INF/container.xml", container, strlen(container));
    add(z, "OEBPS/content.opf", opf, strlen(opf));
    if (with_cover)
        add(z, "OEBPS/img/cover.png", png1x1, sizeof png1x1);
    cr_assert_eq(zip_close(z), 0);
    free(opf);
    free(path);
}

static void set_mtime(const char *dir, const char *file, time_t t)
{
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/%s", dir, file) > 0);
    struct utimbuf u = {t, t};
    cr_assert_eq(utime(path, &u), 0);
    free(path);
}

static char *xp(xmlXPathContextPtr ctx, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    cr_assert_not_null(o, "%s", expr);
    xmlChar *s = xmlXPathCastToString(o);
    char *r = strdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    return r;
}

static void assert_xp(xmlXPathContextPtr ctx, const char *expr, const char *want)
{
    char *got = xp(ctx, expr);
    cr_assert_str_eq(got, want, "%s", expr);
    free(got);
}

Test(opds, catalog_of_three_books)
{
    char *dir = ov_test_tmpdir("opds");
    make_epub(dir, "old-issue.epub",
              "<dc:identifier id=\"pub-id\">urn:uuid:11111111-1111-5111-8111-111111111111"
              "</dc:identifier><dc:title>Old &amp; gold</dc:title><dc:language>en</dc:language>"
              "<dc:creator>Ann Author</dc:creator><dc:creator>Bo Writer</dc:creator>"
              "<meta property=\"dcterms:modified\">2023-01-02T03:04:05Z</meta>",
              1);
    make_epub(dir, "my book.epub",
              "<dc:identifier>urn:isbn:x</dc:identifier><dc:identifier id=\"pub-id\">"
              "urn:uuid:22222222-2222-5222-8222-222222222222</dc:identifier>"
              "<dc:title>锦江晚报 第3期</dc:title><dc:language>zh-Hans</dc:language>"
              "<dc:description>今日要闻</dc:description><dc:date>2024-05-01</dc:date>"
              "<meta property=\"belongs-to-collection\" id=\"s\">锦江晚报</meta>"
              "<meta refines=\"#s\" property=\"group-position\">3</meta>",
              0);
    make_epub(dir, "undated.epub",
              "<dc:identifier id=\"pub-id\">urn:uuid:33333333-3333-5333-8333-333333333333"
              "</dc:identifier><dc:title>Undated</dc:title><dc:language>fr</dc:language>",
              0);
    set_mtime(dir, "undated.epub", 1600000000); /* 2020: oldest */
    char *broken = NULL;
    cr_assert(asprintf(&broken, "%s/broken.epub", dir) > 0);
    FILE *f = fopen(broken, "w");
    fputs("not a zip", f);
    fclose(f);

    ov_opds_options o = OV_OPDS_OPTIONS_INIT;
    o.title = "My shelf";
    o.now = 1700000000;
    ov_opds_stats st;
    ov_error err;
    cr_assert_eq(ov_opds_write(dir, &o, &st, &err), 0, "%s", err.message);
    cr_assert_eq(st.books, 3);
    cr_assert_eq(st.skipped, 1, "broken.epub skipped");

    char *cat = NULL;
    cr_assert(asprintf(&cat, "%s/catalog.xml", dir) > 0);
    xmlDocPtr doc = xmlReadFile(cat, NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "catalog is well-formed");
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"a", (const xmlChar *)"http://www.w3.org/2005/Atom");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"dc", (const xmlChar *)"http://purl.org/dc/terms/");
    assert_xp(ctx, "count(/a:feed)", "1");
    assert_xp(ctx, "/a:feed/a:title", "My shelf");
    assert_xp(ctx, "/a:feed/a:updated", "2024-05-01T00:00:00Z");
    assert_xp(ctx, "count(/a:feed/a:author/a:name)", "1");
    assert_xp(ctx, "/a:feed/a:link[@rel='self']/@type",
              "application/atom+xml;profile=opds-catalog;kind=acquisition");
    assert_xp(ctx, "/a:feed/a:link[@rel='start']/@href", "catalog.xml");
    assert_xp(ctx, "count(/a:feed/a:entry)", "3");
    assert_xp(ctx, "count(/a:feed/a:entry[a:id and a:title and a:updated])", "3");
    /* Newest first: dc:date 2024, modified 2023, mtime 2020. */
    assert_xp(ctx, "/a:feed/a:entry[1]/a:title", "锦江晚报 第3期");
    assert_xp(ctx, "/a:feed/a:entry[1]/a:id", "urn:uuid:22222222-2222-5222-8222-222222222222");
    assert_xp(ctx, "/a:feed/a:entry[1]/dc:language", "zh-Hans");
    assert_xp(ctx, "/a:feed/a:entry[1]/dc:isPartOf", "锦江晚报 #3");
    assert_xp(ctx, "/a:feed/a:entry[1]/a:summary", "今日要闻");
    assert_xp(ctx, "/a:feed/a:entry[1]/a:link[@rel='http://opds-spec.org/acquisition']/@href",
              "my%20book.epub");
    assert_xp(ctx, "/a:feed/a:entry[2]/a:title", "Old & gold");
    assert_xp(ctx, "/a:feed/a:entry[2]/a:updated", "2023-01-02T03:04:05Z");
    assert_xp(ctx, "count(/a:feed/a:entry[2]/a:author)", "2");
    assert_xp(ctx, "/a:feed/a:entry[2]/a:link[@rel='http://opds-spec.org/image']/@href",
              "covers/old-issue.png");
    assert_xp(ctx,
              "/a:feed/a:entry[2]/a:link[@rel='http://opds-spec.org/image/thumbnail']/@type",
              "image/png");
    assert_xp(ctx, "/a:feed/a:entry[3]/a:title", "Undated");
    assert_xp(ctx, "/a:feed/a:entry[3]/a:updated", "2020-09-13T12:26:40Z");

    /* Every acquisition and image link points at an existing file. */
    xmlXPathObjectPtr links = xmlXPathEvalExpression(
        (const xmlChar *)"//a:entry/a:link/@href", ctx);
    cr_assert_eq(links->nodesetval->nodeNr, 5);
    for (int i = 0; i < links->nodesetval->nodeNr; i++) {
        xmlChar *href = xmlNodeGetContent(links->nodesetval->nodeTab[i]);
        char *p = NULL;
        cr_assert(asprintf(&p, "%s/%s", dir, strcmp((char *)href, "my%20book.epub") ? (char *)href : "my book.epub") > 0);
        struct stat sb;
        cr_assert_eq(stat(p, &sb), 0, "%s missing", p);
        free(p);
        xmlFree(href);
    }
    xmlXPathFreeObject(links);

    /* RELAX NG: a subset of RFC 4287's schema, tightened for OPDS. */
    char *rng = ov_test_source_path("tests/fixtures/opds/atom-opds.rng");
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(rng);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    cr_assert_not_null(schema);
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    cr_assert_eq(xmlRelaxNGValidateDoc(vc, doc), 0, "catalog fails the Atom schema");
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    free(rng);

    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    free(cat);
    free(broken);
    free(dir);
}

Test(opds, base_url_and_empty_folder)
{
    char *dir = ov_test_tmpdir("opds-empty");
    ov_opds_options o = OV_OPDS_OPTIONS_INIT;
    o.base_url = "https://books.example.org/daily/";
    o.now = 1700000000;
    ov_error err;
    cr_assert_eq(ov_opds_write(dir, &o, NULL, &err), 0, "%s", err.message);
    char *cat = NULL;
    cr_assert(asprintf(&cat, "%s/catalog.xml", dir) > 0);
    size_t len;
    char *text = ov_test_slurp(cat, &len);
    cr_assert_not_null(text);
    cr_assert(strstr(text, "<id>https://books.example.org/daily/catalog.xml</id>"), "%s", text);
    cr_assert(strstr(text, "<updated>2023-11-14T22:13:20Z</updated>"), "%s", text);
    cr_assert(strstr(text, "href=\"https://books.example.org/daily/catalog.xml\""), "%s", text);
    cr_assert_null(strstr(text, "<entry>"));
    free(text);
    free(cat);
    cr_assert_eq(ov_opds_write("/nonexistent/dir", &o, NULL, &err), OV_ENOTFOUND);
    free(dir);
}

static int fake_thumb(void *ud, const unsigned char *data, size_t len, const char *type,
                      unsigned char **out, size_t *out_len, const char **out_type)
{
    int *calls = ud;
    (*calls)++;
    cr_assert_str_eq(type, "image/png");
    cr_assert_eq(len, sizeof png1x1);
    cr_assert_eq(memcmp(data, png1x1, len), 0);
    if (*calls == 2)
        return OV_EUNSUPPORTED; /* second book: no thumbnail, cover used */
    *out = malloc(3);
    memcpy(*out, "JPG", 3);
    *out_len = 3;
    *out_type = "image/jpeg";
    return 0;
}

Test(opds, thumbnail_hook)
{
    char *dir = ov_test_tmpdir("opds-thumb");
    make_epub(dir, "a.epub",
              "<dc:identifier id=\"pub-id\">urn:x:a</dc:identifier><dc:title>A</dc:title>"
              "<meta property=\"dcterms:modified\">2023-01-02T00:00:00Z</meta>",
              1);
    make_epub(dir, "b.epub",
              "<dc:identifier id=\"pub-id\">urn:x:b</dc:identifier><dc:title>B</dc:title>"
              "<meta property=\"dcterms:modified\">2022-01-02T00:00:00Z</meta>",
              1);
    int calls = 0;
    ov_opds_options o = OV_OPDS_OPTIONS_INIT;
    o.thumbnail = fake_thumb;
    o.thumbnail_ud = &calls;
    ov_error err;
    cr_assert_eq(ov_opds_write(dir, &o, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(calls, 2);
    /* readdir order decides which book got the thumbnail (the hook failed once). */
    char *cat = NULL, *thumb = NULL;
    cr_assert(asprintf(&cat, "%s/catalog.xml", dir) > 0);
    size_t len;
    char *text = ov_test_slurp(cat, &len);
    int with_thumb = 0;
    for (int i = 0; i < 2; i++) {
        const char *n = i ? "b" : "a";
        char *t = NULL, *thumb_link = NULL, *cover_link = NULL;
        cr_assert(asprintf(&thumb, "%s/covers/%s-thumb.jpg", dir, n) > 0);
        cr_assert(asprintf(&thumb_link, "<link rel=\"http://opds-spec.org/image/thumbnail\" "
                                        "type=\"image/jpeg\" href=\"covers/%s-thumb.jpg\"/>", n) > 0);
        cr_assert(asprintf(&cover_link, "<link rel=\"http://opds-spec.org/image/thumbnail\" "
                                        "type=\"image/png\" href=\"covers/%s.png\"/>", n) > 0);
        t = ov_test_slurp(thumb, &len);
        if (t) {
            with_thumb++;
            cr_assert_eq(len, 3);
            cr_assert(strstr(text, thumb_link), "%s", text);
        } else {
            cr_assert(strstr(text, cover_link), "fallback to the cover: %s", text);
        }
        free(t);
        free(thumb);
        free(thumb_link);
        free(cover_link);
    }
    cr_assert_eq(with_thumb, 1);
    thumb = NULL;
    free(text);
    free(thumb);
    free(cat);
    free(dir);
}
