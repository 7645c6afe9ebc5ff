/*
 * End-to-end tests of `octavo build` over HTTP: the sample site served by
 * nginx on loopback, the conditional-GET cache on a second run, WARC record
 * and offline rebuild, and every fault case of the fault server: the book is
 * still written with every good article, the failure is reported with its
 * URL, and the exit code is 3.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "faultserver.h"
#include "nginx.h"
#include "ov_test.h"

static ov_test_nginx *ng;
static ov_test_fault *fs;

static void start_servers(void)
{
    char *site = ov_test_source_path("examples/sample-site");
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    cr_assert_eq(ov_test_fault_start(&fs), 0, "fault server did not start");
    free(site);
}

static void stop_servers(void)
{
    ov_test_nginx_stop(ng);
    ov_test_fault_stop(fs);
}

TestSuite(build_net, .init = start_servers, .fini = stop_servers, .timeout = 600);

/* Navigation labels of a book, joined with '\n' (caller frees). */
static char *nav_labels(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    zip_int64_t idx = -1;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++)
        if (strstr(zip_get_name(z, (zip_uint64_t)i, 0), "nav.xhtml"))
            idx = i;
    cr_assert_geq(idx, 0, "no nav document in %s", path);
    zip_stat_t st;
    zip_stat_index(z, (zip_uint64_t)idx, 0, &st);
    char *nav = calloc(1, st.size + 1);
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    zip_fread(f, nav, st.size);
    zip_fclose(f);
    zip_close(z);
    /* keep only the text of <a> elements inside the toc nav */
    char *out = calloc(1, st.size + 1);
    char *toc = strstr(nav, "epub:type=\"toc\"");
    char *end = toc ? strstr(toc, "</nav>") : NULL;
    size_t o = 0;
    for (char *p = toc; p && p < end; p++) {
        if (strncmp(p, "<a ", 3) != 0)
            continue;
        char *gt = strchr(p, '>');
        char *close = gt ? strstr(gt, "</a>") : NULL;
        if (!close || close > end)
            break;
        memcpy(out + o, gt + 1, (size_t)(close - gt - 1));
        o += (size_t)(close - gt - 1);
        out[o++] = '\n';
        p = close;
    }
    free(nav);
    return out;
}

Test(build_net, feed_over_http_equals_local_build)
{
    char *local = ov_test_book_path("net-local.epub");
    char *remote = ov_test_book_path("net-feed.epub");
    char *site = ov_test_source_path("examples/sample-site");
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    ov_test_run r;
    char *a1[] = {"build", "--no-cache", "-q", site, "-o", local, NULL};
    int st = ov_test_octavo_argv(&r, NULL, a1);
    cr_assert(st == 0 || st == 3, "local build exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    char *a2[] = {"build", "--no-cache", "-q", feed, "-o", remote, NULL};
    st = ov_test_octavo_argv(&r, NULL, a2);
    cr_assert(st == 0 || st == 3, "feed build exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    char *la = nav_labels(local), *lb = nav_labels(remote);
    cr_assert_str_eq(la, lb, "local and HTTP builds list different articles");
    cr_assert(strstr(la, "江川大桥") && strstr(la, "Ferry terminal"), "articles missing: %s", la);
    free(la);
    free(lb);
    free(feed);
    free(site);
    free(local);
    free(remote);
}

/* Count pages served from the cache in a --report file. */
static void report_counts(const char *path, int *pages, int *cached)
{
    json_object *root = json_object_from_file(path);
    cr_assert(root, "report %s is not JSON", path);
    json_object *reqs = NULL;
    cr_assert(json_object_object_get_ex(root, "requests", &reqs), "report has no requests");
    *pages = *cached = 0;
    for (size_t i = 0; i < json_object_array_length(reqs); i++) {
        json_object *q = json_object_array_get_idx(reqs, i), *kind, *fc;
        if (!json_object_object_get_ex(q, "kind", &kind) ||
            strcmp(json_object_get_string(kind), "page") != 0)
            continue;
        (*pages)++;
        if (json_object_object_get_ex(q, "from_cache", &fc) && json_object_get_boolean(fc))
            (*cached)++;
    }
    json_object_put(root);
}

Test(build_net, second_run_downloads_no_unchanged_page)
{
    char *dir = ov_test_tmpdir("net-cache");
    char cache[4200], rep1[4200], rep2[4200];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    snprintf(rep1, sizeof rep1, "%s/r1.json", dir);
    snprintf(rep2, sizeof rep2, "%s/r2.json", dir);
    char *out = ov_test_book_path("net-cache.epub");
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    ov_test_run r;
    char *a1[] = {"build", "-q", "--cache-dir", cache, "--report", rep1, feed, "-o", out, NULL};
    int st = ov_test_octavo_argv(&r, NULL, a1);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    char *a2[] = {"build", "-q", "--cache-dir", cache, "--report", rep2, feed, "-o", out, NULL};
    st = ov_test_octavo_argv(&r, NULL, a2);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    int pages, cached;
    report_counts(rep1, &pages, &cached);
    cr_assert_eq(cached, 0, "first run claims %d cached pages", cached);
    cr_assert_geq(pages, 10, "first run fetched only %d pages", pages);
    report_counts(rep2, &pages, &cached);
    cr_assert_eq(cached, pages, "second run downloaded %d of %d unchanged pages again",
                 pages - cached, pages);
    free(feed);
    free(out);
    free(dir);
}

Test(build_net, warc_rebuilds_identical_book_offline)
{
    char *dir = ov_test_tmpdir("net-warc");
    char warc[4200];
    snprintf(warc, sizeof warc, "%s/run.warc.gz", dir);
    char *live = ov_test_book_path("net-warc-live.epub");
    char *offline = ov_test_book_path("net-warc-offline.epub");
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    char *env[] = {"SOURCE_DATE_EPOCH=1764300000", NULL};
    ov_test_run r;
    char *a1[] = {"build", "-q", "--warc", warc, feed, "-o", live, NULL};
    int st = ov_test_octavo_argv(&r, env, a1);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    char *a2[] = {"build", "-q", "--from-warc", warc, feed, "-o", offline, NULL};
    st = ov_test_octavo_argv(&r, env, a2);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    size_t la, lb;
    char *da = ov_test_slurp(live, &la), *db = ov_test_slurp(offline, &lb);
    cr_assert(da && db && la == lb && memcmp(da, db, la) == 0,
              "the offline rebuild differs from the live book");
    free(da);
    free(db);
    free(feed);
    free(live);
    free(offline);
    free(dir);
}

/*
 * A page on nginx whose images point at the fault server, plus fault URLs
 * as articles: the good article and image survive, every fault is a skip
 * naming its URL, exit 3.
 */
/* 1 when some entry of the EPUB at `path` contains `needle`. */
static int book_contains(const char *path, const char *needle)
{
    int e = 0, found = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    if (!z)
        return 0;
    for (zip_int64_t i = 0; !found && i < zip_get_num_entries(z, 0); i++) {
        zip_stat_t zs;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &zs) != 0 || zs.size > (64u << 20))
            continue;
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        char *buf = malloc(zs.size + 1);
        if (f && buf && zip_fread(f, buf, zs.size) == (zip_int64_t)zs.size)
            found = memmem(buf, zs.size, needle, strlen(needle)) != NULL;
        free(buf);
        if (f)
            zip_fclose(f);
    }
    zip_close(z);
    return found;
}

/* want: the exit code expected (3 when the fault costs something, 0 when
   octavo recovers from it, e.g. by retrying or by sniffing the bytes). */
static void fault_case_want(const char *name, const char *fault_path, int as_image, int want)
{
    char *good = ov_test_nginx_url(ng, "/news/2026/11/25/jc-bridge.html");
    char *bad = ov_test_fault_url(fs, fault_path);
    char book[256];
    snprintf(book, sizeof book, "net-fault-%s.epub", name);
    char *out = ov_test_book_path(book);
    char *page = NULL;
    if (as_image) {
        /* write a local page that uses the faulty image; local pages may use remote images */
        char *dir = ov_test_tmpdir("net-fault");
        if (asprintf(&page, "%s/page.html", dir) < 0)
            cr_assert_fail();
        FILE *f = fopen(page, "w");
        fprintf(f, "<html lang=\"en\"><head><title>Image case %s</title></head><body><article>"
                   "<h1>Image case %s</h1><p>This article has a picture that the server will "
                   "not deliver properly, and it must keep its caption.</p><figure><img src=\"%s\" "
                   "alt=\"the alt text\"><figcaption>The caption stays</figcaption></figure>"
                   "<p>More text follows the picture, long enough to be an article body with "
                   "several clauses, commas, and sentences.</p></article></body></html>",
                name, name, bad);
        fclose(f);
        free(dir);
    }
    ov_test_run r;
    char *args[] = {"build", "--no-cache", "-q", "--timeout", "4", "--retries", "1", good,
                    as_image ? page : bad, "-o", out, NULL};
    int st = ov_test_octavo_argv(&r, NULL, args);
    cr_assert_eq(st, want, "%s: exit %d, want %d\nstderr: %s", name, st, want, r.err);
    if (want == 3)
        cr_assert(strstr(r.err, bad), "%s: the skip does not name %s:\n%s", name, bad, r.err);
    struct stat sb;
    cr_assert_eq(stat(out, &sb), 0, "%s: no book written", name);
    char *labels = nav_labels(out);
    cr_assert(strstr(labels, "江川大桥"), "%s: the good article is missing", name);
    if (as_image) {
        /* a lost image keeps its words; a kept one is in the book */
        char want_title[64];
        snprintf(want_title, sizeof want_title, "Image case %s", name);
        cr_assert(strstr(labels, want_title), "%s: the image article is missing", name);
        cr_assert(book_contains(out, "The caption stays"), "%s: the caption was lost", name);
        if (want == 3)
            cr_assert(book_contains(out, "the alt text"), "%s: the alt text was lost", name);
        cr_assert(!book_contains(out, bad), "%s: the book still points at %s", name, bad);
    } else if (want == 0) {
        cr_assert(strstr(labels, "Page "), "%s: the recovered article is missing: %s", name,
                  labels);
    }
    free(labels);
    ov_test_run_free(&r);
    free(page);
    free(out);
    free(bad);
    free(good);
}

static void fault_case(const char *name, const char *fault_path, int as_image)
{
    fault_case_want(name, fault_path, as_image, 3);
}

Test(build_net, fault_404) { fault_case("404", "/404", 0); }
Test(build_net, fault_500) { fault_case("500", "/500", 0); }
Test(build_net, fault_429_long) { fault_case("429long", "/429long", 0); }
Test(build_net, fault_redirect_loop) { fault_case("loop", "/loop", 0); }
Test(build_net, fault_redirect_to_file) { fault_case("tofile", "/tofile", 0); }
Test(build_net, fault_reset) { fault_case("reset", "/reset", 0); }
Test(build_net, fault_partial_body) { fault_case("partial", "/partial", 0); }
Test(build_net, fault_slow_drip) { fault_case("drip", "/drip", 0); }
Test(build_net, fault_huge_body) { fault_case("huge", "/huge", 0); }
Test(build_net, fault_huge_declared) { fault_case("hugecl", "/hugecl", 0); }
Test(build_net, fault_gzip_bomb) { fault_case("bomb", "/bomb", 0); }
Test(build_net, fault_image_404) { fault_case("img404", "/404", 1); }
/* A JPEG served as text/html: as an image it is kept (type from the bytes),
   as an article it is refused as binary. */
Test(build_net, fault_image_wrong_type) { fault_case_want("imgwrong", "/wrongtype.jpg", 1, 0); }
Test(build_net, fault_article_wrong_type) { fault_case("artwrong", "/wrongtype.jpg", 0); }
/* Recoverable: 429 with Retry-After: 1, a single 503, a hotlink-protected image. */
Test(build_net, fault_429_retry_after) { fault_case_want("429", "/429", 0, 0); }
Test(build_net, fault_503_once) { fault_case_want("503once", "/503once", 0, 0); }
Test(build_net, fault_image_hotlink) { fault_case_want("hotlink", "/hotlink.jpg", 1, 0); }
Test(build_net, fault_image_file_url)
{
    /* a hostile remote page pointing at a local file: refused, never in the book */
    char *good = ov_test_nginx_url(ng, "/news/2026/11/25/jc-bridge.html");
    char *bad = ov_test_fault_url(fs, "/fileimg.html");
    char *out = ov_test_book_path("net-fault-fileimg.epub");
    ov_test_run r;
    char *args[] = {"build", "--no-cache", "-q", good, bad, "-o", out, NULL};
    int st = ov_test_octavo_argv(&r, NULL, args);
    cr_assert_eq(st, 3, "exit %d, want 3\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "file:///etc/passwd") || strstr(r.err, bad),
              "the refusal is not reported: %s", r.err);
    size_t n;
    char *book = ov_test_slurp(out, &n);
    cr_assert(book);
    cr_assert_null(memmem(book, n, "root:x:", 7), "a local file went into the book");
    free(book);
    ov_test_run_free(&r);
    free(out);
    free(bad);
    free(good);
}

Test(build_net, webp_named_jpg_becomes_jpeg)
{
    char *dir = ov_test_tmpdir("net-webp");
    char page[4200];
    snprintf(page, sizeof page, "%s/page.html", dir);
    char *img = ov_test_fault_url(fs, "/webp.jpg");
    FILE *f = fopen(page, "w");
    fprintf(f, "<html lang=\"en\"><head><title>WebP case</title></head><body><article><h1>WebP "
               "case</h1><p>A photo served as image/jpeg that is really WebP, which e-readers "
               "cannot show, so it must arrive as JPEG.</p><img src=\"%s\" alt=\"photo\"><p>And "
               "some more words after the photo, enough for the extractor.</p></article></body>"
               "</html>",
            img);
    fclose(f);
    char *out = ov_test_book_path("net-webp.epub");
    ov_test_run r;
    char *args[] = {"build", "--no-cache", "-q", page, "-o", out, NULL};
    int st = ov_test_octavo_argv(&r, NULL, args);
    cr_assert_eq(st, 0, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    int e = 0;
    zip_t *z = zip_open(out, ZIP_RDONLY, &e);
    int jpegs = 0, webps = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *n = zip_get_name(z, (zip_uint64_t)i, 0);
        jpegs += strstr(n, ".jpg") != NULL && strstr(n, "cover") == NULL;
        webps += strstr(n, ".webp") != NULL;
    }
    zip_close(z);
    cr_assert_eq(webps, 0);
    cr_assert_geq(jpegs, 1, "the converted photo is missing");
    free(out);
    free(img);
    free(dir);
}

/* `octavo extract URL` fetches the page itself (HTTP Content-Type and final URL used). */
Test(build_net, extract_url)
{
    char *url = ov_test_nginx_url(ng, "/news/2026/11/26/jc-harvest.html");
    ov_test_run r;
    char *args[] = {"extract", "--json", url, NULL};
    int st = ov_test_octavo_argv(&r, NULL, args);
    cr_assert_eq(st, 0, "%s", r.err);
    json_object *j = json_tokener_parse(r.out);
    cr_assert(j, "%s", r.out);
    json_object *t, *u;
    cr_assert(json_object_object_get_ex(j, "title", &t) && json_object_object_get_ex(j, "url", &u));
    cr_expect_str_eq(json_object_get_string(t), "江川晚稻喜获丰收 亩产创近五年新高");
    cr_expect_str_eq(json_object_get_string(u), url);
    json_object_put(j);
    ov_test_run_free(&r);
    char *missing = ov_test_nginx_url(ng, "/no-such-page.html");
    char *args2[] = {"extract", missing, NULL};
    st = ov_test_octavo_argv(&r, NULL, args2);
    cr_expect_eq(st, 1);
    cr_expect(strstr(r.err, "404"), "%s", r.err);
    ov_test_run_free(&r);
    free(missing);
    free(url);
}
