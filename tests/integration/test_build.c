/*
 * End-to-end tests of `octavo build` on local inputs: the bundled sample
 * site, exit codes, reproducible bytes, atomic replacement.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "ov_test.h"

/* Concatenated text of every .xhtml entry (caller frees). */
static char *all_xhtml(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t cap = 1, len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml"))
            continue;
        char *t = ov_test_zip_entry(path, name, NULL);
        size_t n = strlen(t);
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            all = realloc(all, cap);
        }
        memcpy(all + len, t, n + 1);
        len += n;
        free(t);
    }
    zip_close(z);
    return all;
}

Test(build, sample_site, .timeout = 300)
{
    char *out = ov_test_book_path("build-sample.epub");
    char *site = ov_test_source_path("examples/sample-site");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", site, "-o", out, NULL);
    cr_assert(st == 0 || st == 3, "exit %d\nstderr: %s", st, r.err);
    struct stat sb;
    cr_assert_eq(stat(out, &sb), 0, "no book written");
    char *opf = ov_test_zip_entry(out, "EPUB/package.opf", NULL);
    if (!opf)
        opf = ov_test_zip_entry(out, "OEBPS/content.opf", NULL);
    cr_assert(opf, "no package document found");
    cr_assert(strstr(opf, "version=\"3.0\""));
    /* 6 of the 10 sample articles are Chinese: the book is labelled by its majority */
    cr_assert(strstr(opf, "<dc:language>zh-CN</dc:language>"), "%s", opf);
    /* the WebP photo of the sample site must arrive as JPEG, never as WebP */
    cr_assert_null(strstr(opf, "image/webp"), "a WebP image went into the book");
    char *text = all_xhtml(out);
    cr_assert(strstr(text, "<ruby>"), "ruby annotations were lost");
    cr_assert_null(strstr(text, "ICP备"), "copyright footer boilerplate leaked into the book");
    cr_assert_null(strstr(text, "&nbsp;"), "named entity in the book");
    free(text);
    free(opf);
    ov_test_run_free(&r);
    char *report = NULL;
    cr_assert_eq(ov_test_epubcheck(out, &report), 0, "epubcheck:\n%s", report);
    free(report);
    free(site);
    free(out);
}

Test(build, reproducible_across_timezones, .timeout = 300)
{
    char *a = ov_test_book_path("build-repro-a.epub");
    char *b = ov_test_book_path("build-repro-b.epub");
    char *site = ov_test_source_path("examples/sample-site");
    char *env_a[] = {"TZ=UTC", "SOURCE_DATE_EPOCH=1764300000", NULL};
    char *env_b[] = {"TZ=Asia/Shanghai", "SOURCE_DATE_EPOCH=1764300000", NULL};
    ov_test_run r;
    int st = ov_test_octavo(&r, env_a, "build", "--no-cache", "-q", site, "-o", a, NULL);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, env_b, "build", "--no-cache", "-q", site, "-o", b, NULL);
    cr_assert(st == 0 || st == 3, "exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    size_t la, lb;
    char *da = ov_test_slurp(a, &la), *db = ov_test_slurp(b, &lb);
    cr_assert(da && db);
    cr_assert_eq(la, lb, "sizes differ: %zu vs %zu", la, lb);
    cr_assert(memcmp(da, db, la) == 0, "bytes differ between two identical builds");
    free(da);
    free(db);
    free(site);
    free(a);
    free(b);
}

Test(build, failure_keeps_previous_book)
{
    char *dir = ov_test_tmpdir("build");
    char out[4096];
    snprintf(out, sizeof out, "%s/book.epub", dir);
    FILE *f = fopen(out, "wb");
    fputs("previous book", f);
    fclose(f);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "/nonexistent/page.html", "-o", out, NULL);
    cr_assert_eq(st, 1, "exit %d, want 1 (no book)", st);
    cr_assert(strstr(r.err, "/nonexistent/page.html"), "the error does not name the input: %s",
              r.err);
    ov_test_run_free(&r);
    size_t n;
    char *after = ov_test_slurp(out, &n);
    cr_assert_str_eq(after, "previous book");
    free(after);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    int count = -1;
    cr_assert_eq(fscanf(p, "%d", &count), 1);
    pclose(p);
    cr_assert_eq(count, 0, "a temporary file was left behind");
    free(dir);
}

Test(build, partial_exit_code_when_a_page_is_broken, .timeout = 120)
{
    char *dir = ov_test_tmpdir("build");
    char good[4096], bad[4096];
    snprintf(good, sizeof good, "%s/good.html", dir);
    snprintf(bad, sizeof bad, "%s/bad.html", dir);
    FILE *f = fopen(good, "wb");
    fputs("<html lang=\"en\"><head><title>A good page</title></head><body><article><h1>A good "
          "page</h1><p>This paragraph is long enough to be an article body. It has several "
          "sentences, with commas, and it goes on. Another sentence follows here.</p><p>And a "
          "second paragraph, also with enough words in it to count as content.</p></article>"
          "</body></html>",
          f);
    fclose(f);
    f = fopen(bad, "wb");
    static const char binary[] = "\0\0\0\x01\x02binary";
    fwrite(binary, 1, sizeof binary - 1, f);
    fclose(f);
    char *out = ov_test_book_path("build-partial.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", good, bad, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d, want 3 (partial)\n%s", st, r.err);
    cr_assert(strstr(r.err, "bad.html"), "the skip does not name the page: %s", r.err);
    struct stat sb;
    cr_assert_eq(stat(out, &sb), 0);
    ov_test_run_free(&r);
    free(out);
    free(dir);
}

Test(build, usage_errors_exit_2)
{
    ov_test_run r;
    cr_assert_eq(ov_test_octavo(&r, NULL, "build", NULL), 2);
    ov_test_run_free(&r);
    cr_assert_eq(ov_test_octavo(&r, NULL, "build", "--oldest", "abc", "x.html", "-o", "x.epub", NULL), 2);
    ov_test_run_free(&r);
    cr_assert_eq(ov_test_octavo(&r, NULL, "frobnicate", NULL), 2);
    ov_test_run_free(&r);
}

Test(build, every_command_has_help)
{
    const char *cmds[] = {"build", "extract", "issues", "opds"};
    for (size_t i = 0; i < 4; i++) {
        ov_test_run r;
        cr_assert_eq(ov_test_octavo(&r, NULL, (char *)cmds[i], "--help", NULL), 0, "%s --help", cmds[i]);
        cr_assert(strstr(r.out, "usage: octavo"), "%s --help prints no usage", cmds[i]);
        ov_test_run_free(&r);
    }
}

/* Saved pages may read local images only under the folder named, or under
 * --local-root; never elsewhere (file:///etc/passwd stays refused). */
Test(build, local_root_for_saved_site_images, .timeout = 120)
{
    char *tmp = ov_test_tmpdir("local-root");
    char news[1024], images[1024], page[1100], png[1100], cmd[4096];
    cr_assert_lt((size_t)snprintf(news, sizeof news, "%s/site/news", tmp), sizeof news);
    cr_assert_lt((size_t)snprintf(images, sizeof images, "%s/site/images", tmp), sizeof images);
    cr_assert_lt((size_t)snprintf(page, sizeof page, "%s/a.html", news), sizeof page);
    cr_assert_lt((size_t)snprintf(png, sizeof png, "%s/p.png", images), sizeof png);
    char *fixture = ov_test_source_path("tests/fixtures/fetch/tiny.png");
    cr_assert_lt((size_t)snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s' && cp '%s' '%s'", news, images, fixture, png),
                 sizeof cmd);
    cr_assert_eq(system(cmd), 0);
    FILE *f = fopen(page, "wb");
    cr_assert(f);
    fputs("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Saved</title></head><body><article>"
          "<h1>Saved page</h1><p>A saved article whose picture lives one folder up, next to the news folder, "
          "as wget and browsers save whole sites.</p><figure><img src=\"../images/p.png\" alt=\"A picture\">"
          "<figcaption>The picture</figcaption></figure><p>It also names a local file it must never get: "
          "<img src=\"file:///etc/passwd\" alt=\"passwd\"></p></article></body></html>",
          f);
    fclose(f);
    char site[1100];
    cr_assert_lt((size_t)snprintf(site, sizeof site, "%s/site", tmp), sizeof site);
    char *out = ov_test_book_path("build-local-root.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", news, "-o", out, NULL);
    cr_expect_eq(st, 3, "without --local-root: exit %d\n%s", st, r.err);
    cr_expect(strstr(r.err, "see --local-root"), "%s", r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "--local-root", site, news, "-o", out, NULL);
    cr_expect_eq(st, 3, "the passwd image must still be skipped: exit %d\n%s", st, r.err);
    cr_expect(strstr(r.err, "file:///etc/passwd"), "%s", r.err);
    cr_expect(strstr(r.err, "p.png") == NULL, "the picture under --local-root was refused:\n%s", r.err);
    ov_test_run_free(&r);
    char *opf = ov_test_zip_entry(out, "EPUB/package.opf", NULL);
    cr_assert(opf, "no OPF found");
    cr_expect(strstr(opf, "image/png"), "the picture is not in the book:\n%s", opf);
    free(opf);
    free(out);
    free(fixture);
    free(tmp);
}
