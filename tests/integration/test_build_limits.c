/*
 * Article limits: a saved-pages folder with more HTML files than a folder
 * gives (OV_BUILD_MAX_FOLDER_FILES = OV_BUILD_MAX_ARTICLES = 10,000) is a
 * reported skip with exit 3, never a silent cut; --max-articles accepts
 * up to 10,000 and refuses more with a usage error.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ov_test.h"

#define LIMIT 10000

Test(build_limits, folder_over_the_limit_is_a_reported_skip, .timeout = 900)
{
    char *dir = ov_test_tmpdir("limits");
    char site[1200], path[1300], out[1200];
    snprintf(site, sizeof site, "%s/saved", dir);
    cr_assert_eq(mkdir(site, 0755), 0);
    /* LIMIT + 3 pages; all but the last three (in name order) are taken.
       Most are the same text (dropped as duplicates, which keeps the test
       short); the first and the last kept ones differ. */
    for (int i = 0; i < LIMIT + 3; i++) {
        snprintf(path, sizeof path, "%s/p%05d.html", site, i);
        FILE *f = fopen(path, "w");
        cr_assert(f);
        const char *text = i == 0 ? "The first saved page tells of the harbour ferry."
                           : i == LIMIT - 1 ? "The last page taken tells of the night tram."
                           : i >= LIMIT ? "A page past the folder limit about the market."
                                        : "An ordinary saved page about the weather today.";
        fprintf(f, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page %d"
                   "</title></head><body><article><h1>Page %d</h1><p>%s %s %s</p></article>"
                   "</body></html>\n",
                i, i, text, text, text);
        fclose(f);
    }
    snprintf(out, sizeof out, "%s/saved.epub", dir);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-images", site, "-o", out, NULL);
    cr_expect_eq(st, 3, "exit %d, stderr:\n%.2000s", st, r.err);
    cr_expect(strstr(r.err, "3 HTML files left out") != NULL, "no skip message:\n%.2000s", r.err);
    cr_expect(strstr(r.err, "at most 10000 articles") != NULL, "the limit is not named:\n%.2000s",
              r.err);
    char *opf = ov_test_zip_entry(out, ".opf", NULL);
    cr_assert_not_null(opf, "no book written");
    free(opf);
    char *all = NULL;
    size_t len = 0;
    /* the nav lists the kept first and last pages, none past the limit */
    all = ov_test_zip_entry(out, "nav.xhtml", &len);
    cr_assert_not_null(all);
    cr_expect(strstr(all, "Page 0<") != NULL);
    cr_expect(strstr(all, "Page 9999<") != NULL);
    cr_expect(strstr(all, "Page 10000<") == NULL);
    free(all);
    ov_test_run_free(&r);

    /* with --max-articles under the limit nothing past it is lost: no skip */
    st = ov_test_octavo(&r, NULL, "build", "--no-images", "--max-articles", "2", site, "-o", out, NULL);
    cr_expect_eq(st, 0, "exit %d, stderr:\n%.2000s", st, r.err);
    cr_expect(strstr(r.err, "left out") == NULL, "%.2000s", r.err);
    ov_test_run_free(&r);
    free(dir);
}

Test(build_limits, max_articles_accepts_up_to_10000)
{
    char *site = ov_test_source_path("examples/sample-site/news");
    char *dir = ov_test_tmpdir("limits-max");
    char out[1200];
    snprintf(out, sizeof out, "%s/b.epub", dir);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--max-articles", "10000", site, "-o", out, NULL);
    cr_expect(st == 0 || st == 3, "--max-articles 10000 refused (exit %d): %s", st, r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "-q", "--max-articles", "10001", site, "-o", out, NULL);
    cr_expect_eq(st, 2, "--max-articles 10001 accepted (exit %d)", st);
    ov_test_run_free(&r);
    free(site);
    free(dir);
}
