/* ov_build(): the public build API makes a book from local fixture pages. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "octavo/build.h"
#include "octavo/package.h"
#include "ov_test.h"

typedef struct seen_log {
    ov_build_stage stages[8];
    size_t n_stages;
    char skipped[4][256];
    size_t n_skips;
    int written;
    size_t asked;
} seen_log;

static void on_progress(void *ud, const ov_build_progress *p)
{
    seen_log *l = ud;
    if (l->n_stages < 8)
        l->stages[l->n_stages++] = p->stage;
}

static void on_skip(void *ud, const char *url, const char *reason)
{
    seen_log *l = ud;
    if (l->n_skips < 4)
        snprintf(l->skipped[l->n_skips], sizeof l->skipped[0], "%s: %s", url, reason);
    l->n_skips++;
}

static int on_written(void *ud, const ov_book *b, const char *path, int code)
{
    seen_log *l = ud;
    struct stat st;
    cr_expect(stat(path, &st) == 0 && st.st_size > 0, "on_written before %s exists", path);
    cr_expect_eq(ov_book_article_count(b), 2);
    l->written++;
    return code == OV_EXIT_OK ? -1 : code;
}

static int all_seen(void *ud, const char *url, const char *body_hash)
{
    seen_log *l = ud;
    cr_expect(url && *url && strlen(body_hash) == 16);
    l->asked++;
    return 1;
}

static void fixture_inputs(ov_build_input in[2], char *paths[2])
{
    paths[0] = ov_test_source_path("tests/fixtures/build/lighthouse.html");
    paths[1] = ov_test_source_path("tests/fixtures/build/ferry.html");
    memset(in, 0, 2 * sizeof *in);
    in[0].where = paths[0];
    in[1].where = paths[1];
}

Test(build_api, writes_an_epub_with_callbacks)
{
    ov_build_input in[2];
    char *paths[2];
    fixture_inputs(in, paths);
    char *out = ov_test_book_path("build-api.epub");
    unlink(out);
    seen_log log;
    memset(&log, 0, sizeof log);
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 2;
    o.output = out;
    o.title = "Harbour Notes";
    o.now = 1700000000;
    o.quiet = 1;
    o.on_progress = on_progress;
    o.progress_ud = &log;
    o.on_skip = on_skip;
    o.skip_ud = &log;
    o.on_written = on_written;
    o.written_ud = &log;
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_build(&o, &res, &err);
    cr_assert_eq(rc, 0, "ov_build: %s (%s)", err.message, err.where);
    cr_assert(res);
    cr_expect_eq(res->exit_code, OV_EXIT_OK);
    cr_expect_eq(res->n_articles, 2);
    cr_expect_eq(res->n_skips, 0, "skipped: %s", log.skipped[0]);
    cr_expect_null(res->book, "the book was written, not returned");
    cr_expect_eq(log.written, 1);
    ov_build_stage want[] = {OV_BUILD_STAGE_COLLECT, OV_BUILD_STAGE_IMAGES, OV_BUILD_STAGE_PACKAGE,
                             OV_BUILD_STAGE_DONE};
    cr_assert_eq(log.n_stages, 4);
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(log.stages[i], want[i], "stage %zu", i);
    char *opf = ov_test_zip_entry(out, ".opf", NULL);
    cr_assert(opf, "no OPF in %s", out);
    cr_expect(strstr(opf, ">Harbour Notes</dc:title>"), "%s", opf);
    cr_expect(strstr(opf, "<dc:language>en</dc:language>"), "%s", opf);
    char *nav = ov_test_zip_entry(out, "nav.xhtml", NULL);
    cr_assert(nav);
    cr_expect(strstr(nav, "The lighthouse keeper retires"));
    cr_expect(strstr(nav, "Winter timetable for the island ferry"));
    free(nav);
    free(opf);
    ov_build_result_free(res);
    free(out);
    free(paths[0]);
    free(paths[1]);
}

Test(build_api, returns_the_book_and_reports_skips)
{
    ov_build_input in[3];
    char *paths[2];
    fixture_inputs(in, paths);
    memset(&in[2], 0, sizeof in[2]);
    in[2].where = "/nonexistent/octavo/page.html";
    seen_log log;
    memset(&log, 0, sizeof log);
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 3;
    o.now = 1700000000;
    o.quiet = 1;
    o.on_skip = on_skip;
    o.skip_ud = &log;
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_expect_eq(res->exit_code, OV_EXIT_PARTIAL);
    cr_assert_eq(res->n_skips, 1);
    cr_expect_eq(log.n_skips, 1);
    cr_expect(strstr(res->skips[0].url, "/nonexistent/octavo/page.html"), "%s", res->skips[0].url);
    cr_expect(strstr(log.skipped[0], "/nonexistent/octavo/page.html"), "%s", log.skipped[0]);
    cr_assert(res->book, "with no output the book comes back");
    cr_expect_eq(ov_book_article_count(res->book), 2);
    cr_expect_str_eq(res->book->language, "en");
    cr_expect_str_eq(res->book->date, "2023-11-14"); /* from `now`, not the clock */
    ov_book *b = res->book;
    res->book = NULL; /* taken: ours to free */
    ov_build_result_free(res);
    cr_expect_eq(b->sections[0]->n_articles + (b->n_sections > 1 ? b->sections[1]->n_articles : 0), 2);
    ov_book_free(b);
    free(paths[0]);
    free(paths[1]);
}

Test(build_api, unnamed_section_in_the_book_language)
{
    ov_build_input in[2];
    char *paths[2];
    fixture_inputs(in, paths);
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 2;
    o.now = 1700000000;
    o.quiet = 1;
    o.language = "zh-Hant";
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_assert(res->book && res->book->n_sections >= 1);
    for (size_t i = 0; i < res->book->n_sections; i++)
        cr_expect_str_eq(res->book->sections[i]->title, "文章");
    ov_build_result_free(res);
    free(paths[0]);
    free(paths[1]);
}

Test(build_api, seen_store_means_nothing_new)
{
    ov_build_input in[2];
    char *paths[2];
    fixture_inputs(in, paths);
    char *out = ov_test_book_path("build-api-never.epub");
    unlink(out);
    seen_log log;
    memset(&log, 0, sizeof log);
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 2;
    o.output = out;
    o.quiet = 1;
    o.seen = all_seen;
    o.seen_ud = &log;
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_expect_eq(res->exit_code, OV_EXIT_NOTHING);
    cr_expect_eq(res->n_seen, 2);
    cr_expect_eq(log.asked, 2);
    struct stat st;
    cr_expect(stat(out, &st) != 0, "no book is written when nothing is new");
    ov_build_result_free(res);
    free(out);
    free(paths[0]);
    free(paths[1]);
}

Test(build_api, errors_name_the_thing)
{
    ov_build_input in[2];
    char *paths[2];
    fixture_inputs(in, paths);
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 2;
    o.quiet = 1;
    ov_build_result *res = NULL;
    ov_error err;

    o.output = "/nonexistent/octavo-dir/book.epub";
    ov_error_clear(&err);
    cr_expect_lt(ov_build(&o, &res, &err), 0);
    cr_expect_str_eq(err.where, "/nonexistent/octavo-dir");
    cr_expect_eq(res->exit_code, OV_EXIT_FAIL);
    ov_build_result_free(res);

    o.output = NULL;
    /* the cache is disposable (issue 14, case 12): a folder that cannot be
       made is a warning on stderr, and the run goes on without the cache */
    o.fetch.cache_dir = "/proc/octavo-cache";
    ov_error_clear(&err);
    cr_expect_eq(ov_build(&o, &res, &err), 0, "%s", err.message);
    ov_build_result_free(res);

    o.fetch.cache_dir = NULL;
    o.language = "xx-notalang";
    ov_error_clear(&err);
    cr_expect_eq(ov_build(&o, &res, &err), OV_EINVAL);
    cr_expect(strstr(err.message, "xx-notalang"), "%s", err.message);
    ov_build_result_free(res);

    ov_build_options bad = OV_BUILD_OPTIONS_INIT;
    ov_error_clear(&err);
    cr_expect_eq(ov_build(&bad, &res, &err), OV_EINVAL, "no inputs");
    ov_build_result_free(res);
    free(paths[0]);
    free(paths[1]);
}

Test(build_api, language_tags)
{
    const char *good[] = {"en", "zh-CN", "zh-Hant-TW", "yue-HK", "sr-Latn-RS", "de-CH-1901",
                          "en-US-x-twain", "x-whatever", "i-klingon", "es-419", "zh-cmn-Hans-CN",
                          "en-a-bbb-x-a-ccc", "haw", NULL};
    const char *bad[] = {"", "xx-notalang", "e", "en-", "-en", "en--US", "en_US", "123",
                         "toolonglanguage", "en-US-x", "en-a", "zh-Hant-Hans-Hant", "qq", NULL};
    for (size_t i = 0; good[i]; i++)
        cr_expect(ov_language_tag_valid(good[i]), "refused %s", good[i]);
    for (size_t i = 0; bad[i]; i++)
        cr_expect(!ov_language_tag_valid(bad[i]), "accepted '%s'", bad[i]);
}

/* ---------- bodies spooled during the run (issue 13) ---------- */

/* A feed of four full-content items from one host, each ending with the
 * same two footer lines: the site boilerplate pass must remove them whether
 * the bodies are read back from the spool (a written book), loaded for
 * on_written, or returned in the book. */
static char *boiler_feed(void)
{
    char *dir = ov_test_tmpdir("build-api-boiler");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/feed.xml", dir) > 0);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" "
          "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
          "<title>Harbour Wire</title><link>http://harbour.example/</link>", f);
    const char *what[] = {"ferry", "bridge", "lighthouse", "market"};
    for (int i = 0; i < 4; i++)
        fprintf(f, "<item><title>Story of the %s</title><link>http://harbour.example/%d.html</link>"
                   "<content:encoded><![CDATA[<p>The %s story, paragraph one, with enough words to be "
                   "an article of its own and not a footer.</p><p>More about the %s: the council met "
                   "on Tuesday and agreed the plan after a long debate in the hall.</p>"
                   "<p>Copyright Harbour Wire Ltd. All rights reserved.</p>"
                   "<p>Editor on duty: Lin Ma</p>]]></content:encoded></item>",
                what[i], i, what[i], what[i]);
    fputs("</channel></rss>", f);
    fclose(f);
    free(dir);
    return path;
}

static int check_bodies(void *ud, const ov_book *b, const char *path, int code)
{
    (void)path;
    int *calls = ud;
    ++*calls;
    cr_assert_eq(ov_book_article_count(b), 4);
    for (size_t i = 0; i < b->sections[0]->n_articles; i++) {
        const char *body = b->sections[0]->articles[i]->body_xhtml;
        cr_assert(body, "article %zu has no body in on_written", i);
        cr_expect(strstr(body, "paragraph one"), "%s", body);
        cr_expect_null(strstr(body, "All rights reserved"), "boilerplate kept: %s", body);
    }
    return code;
}

Test(build_api, spooled_bodies_lose_site_boilerplate_in_every_path)
{
    char *feed = boiler_feed();
    ov_build_input in[1];
    memset(in, 0, sizeof in);
    in[0].where = feed;
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = in;
    o.n_inputs = 1;
    o.full_content = 1;
    o.no_images = 1;
    o.now = 1700000000;
    o.quiet = 1;
    ov_error err;
    ov_error_clear(&err);

    /* written: each body read back from the spool */
    char *out = ov_test_book_path("build-api-boiler.epub");
    o.output = out;
    ov_build_result *res = NULL;
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_assert_eq(res->n_articles, 4);
    ov_build_result_free(res);
    for (int i = 0; i < 4; i++) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, "a%03d.xhtml", i + 1);
        char *ch = ov_test_zip_entry(out, suffix, NULL);
        cr_assert(ch, "no chapter %s", suffix);
        cr_expect(strstr(ch, "paragraph one"), "%s", ch);
        cr_expect_null(strstr(ch, "All rights reserved"), "boilerplate in %s", suffix);
        cr_expect_null(strstr(ch, "Editor on duty"), "boilerplate in %s", suffix);
        free(ch);
    }

    /* on_written: the bodies are back in the book */
    int calls = 0;
    char *out2 = ov_test_book_path("build-api-boiler-2.epub");
    o.output = out2;
    o.on_written = check_bodies;
    o.written_ud = &calls;
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_expect_eq(calls, 1);
    ov_build_result_free(res);

    /* returned: the same, and packaging it gives the written book's bytes */
    o.output = NULL;
    o.on_written = NULL;
    cr_assert_eq(ov_build(&o, &res, &err), 0, "ov_build: %s", err.message);
    cr_assert(res->book);
    check_bodies(&calls, res->book, NULL, 0);
    char *out3 = ov_test_book_path("build-api-boiler-3.epub");
    cr_assert_eq(ov_package_write(res->book, out3, &o.package, &err), 0, "%s", err.message);
    ov_build_result_free(res);
    size_t l1, l2, l3;
    char *b1 = ov_test_slurp(out, &l1), *b2 = ov_test_slurp(out2, &l2), *b3 = ov_test_slurp(out3, &l3);
    cr_assert(b1 && b2 && b3);
    cr_expect(l1 == l2 && memcmp(b1, b2, l1) == 0, "on_written book differs from the spooled one");
    cr_expect(l1 == l3 && memcmp(b1, b3, l1) == 0, "returned book packaged differs from the spooled one");
    free(b1);
    free(b2);
    free(b3);
    free(out);
    free(out2);
    free(out3);
    free(feed);
}
