/*
 * valgrind memcheck on the end-to-end path: the sample site fetched over HTTP
 * from nginx on loopback (feed, articles, images, robots.txt), extracted,
 * images converted, packaged. Any invalid read/write, use of uninitialised
 * memory or definite leak fails (--error-exitcode). tests/valgrind.supp
 * suppresses only fontconfig/pango process caches (loaded by libvips text).
 *
 * Skipped in the sanitizer build (valgrind cannot run ASan binaries) and
 * when valgrind is not installed (scripts/install-deps installs it).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nginx.h"
#include "ov_test.h"

static void memcheck(const char *name, char *const octavo_args[])
{
#ifdef OV_TEST_UNDER_ASAN
    (void)name;
    (void)octavo_args;
    cr_skip_test("sanitizer build: valgrind runs in the plain build only");
#else
    if (access(OV_TEST_VALGRIND, X_OK) != 0)
        cr_skip_test("valgrind is not installed");
    char *supp = ov_test_source_path("tests/valgrind.supp");
    char suppopt[2048];
    cr_assert_lt((size_t)snprintf(suppopt, sizeof suppopt, "--suppressions=%s", supp), sizeof suppopt);
    char *argv[64] = {OV_TEST_VALGRIND, "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
                      "--track-origins=yes", "--child-silent-after-fork=yes", "--num-callers=40",
                      /* the program allocates with jemalloc (OV_JEMALLOC): check its malloc too */
                      "--soname-synonyms=somalloc=libjemalloc.so*", suppopt, (char *)ov_test_cli()};
    int n = 10;
    for (int i = 0; octavo_args[i] && n < 63; i++)
        argv[n++] = octavo_args[i];
    argv[n] = NULL;
    ov_test_run r;
    cr_assert_eq(ov_test_exec(argv, NULL, &r), 0);
    const char *summary = strstr(r.err, "ERROR SUMMARY");
    fprintf(stderr, "valgrind %s: %.80s\n", name, summary ? summary : "(no summary)");
    cr_expect_eq(r.status, 0, "valgrind %s exit %d:\n%s", name, r.status, r.err);
    ov_test_run_free(&r);
    free(supp);
#endif
}

Test(valgrind, build_over_http, .timeout = 900)
{
    char *site = ov_test_source_path("examples/sample-site");
    ov_test_nginx *ng;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    char *out = ov_test_book_path("valgrind-e2e.epub");
    char *args[] = {"build", "-q", "--no-cache", feed, "-o", out, NULL};
    memcheck("build over HTTP", args);
    ov_test_nginx_stop(ng);
    free(out);
    free(feed);
    free(site);
}

Test(valgrind, extract_gbk_page, .timeout = 300)
{
    char *page = ov_test_source_path("tests/golden/pages/gbk-portal.html");
    char *args[] = {"extract", "--json", page, NULL};
    memcheck("extract", args);
    free(page);
}
