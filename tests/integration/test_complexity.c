/*
 * Work grows linearly with the input: the same build at two sizes, 4x
 * apart, counted in instructions by callgrind (ov_test_cli_instructions),
 * never timed. Linear work gives a ratio of at most 4 (less, as start-up
 * costs the same at both sizes); a quadratic step shows as more. The
 * image case was 5.6 before ov_article_add_image's scan became a lookup.
 *
 * Skipped in the sanitizer build (valgrind cannot run ASan binaries) and
 * when valgrind is not installed (scripts/install-deps installs it).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nginx.h"
#include "ov_test.h"

/* Highest instructions(4n) / instructions(n) taken as linear. */
#define OV_TEST_LINEAR_MAX_RATIO 4.6

static ov_test_nginx *ng;
static char *site;

static void put(const char *name, const char *text, size_t len)
{
    ov_test_write(site, name, text, len);
}

static void start(void)
{
#ifdef OV_TEST_UNDER_ASAN
    return;
#else
    site = ov_test_tmpdir("complexity-site");
    ov_test_copy_source("tests/fixtures/fetch/tiny.png", site, "tiny.png");
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
#endif
}

static void stop(void)
{
    if (ng)
        ov_test_nginx_stop(ng);
    free(site);
}

TestSuite(complexity, .init = start, .fini = stop, .timeout = 900);

static void skip_under_asan(void)
{
#ifdef OV_TEST_UNDER_ASAN
    cr_skip_test("sanitizer build: valgrind runs in the plain build only");
#endif
}

/* Malloc'd `n` copies of `s`. */
static char *repeat(const char *s, int n)
{
    size_t k = strlen(s);
    char *r = malloc(k * (size_t)n + 1);
    cr_assert(r);
    for (int i = 0; i < n; i++)
        memcpy(r + k * (size_t)i, s, k);
    r[k * (size_t)n] = '\0';
    return r;
}

/* Build the pages `names` (site paths, NULL-terminated) into a scratch book
 * and return the instructions the build took. */
static long long build_cost(const char *const names[])
{
    char *args[16] = {"build", "--no-cache", "-q", "--per-host", "16"};
    char *urls[8] = {NULL};
    int n = 5, k = 0;
    for (; names[k]; k++) {
        cr_assert_lt(k, 8);
        urls[k] = ov_test_nginx_url(ng, names[k]);
        args[n++] = urls[k];
    }
    char *dir = ov_test_tmpdir("complexity-out");
    char *out = NULL;
    cr_assert_gt(asprintf(&out, "%s/book.epub", dir), 0);
    args[n++] = "-o";
    args[n++] = out;
    args[n] = NULL;
    ov_test_run r;
    long long cost = ov_test_cli_instructions(args, &r);
    cr_assert_eq(r.status, 0, "exit %d\nstderr: %.2000s", r.status, r.err);
    ov_test_run_free(&r);
    for (int i = 0; i < k; i++)
        free(urls[i]);
    free(out);
    free(dir);
    return cost;
}

static void expect_linear(const char *what, long long small, long long big)
{
    double ratio = (double)big / (double)small;
    cr_log_info("%s: %lld then %lld instructions, ratio %.2f", what, small, big, ratio);
    cr_expect_leq(ratio, OV_TEST_LINEAR_MAX_RATIO,
                  "%s: 4x the input took %.2fx the instructions (%lld then %lld): more than "
                  "linear",
                  what, ratio, small, big);
}

/* One page with `n` images, each its own URL. */
static void images_page(const char *name, int n)
{
    size_t cap = (size_t)n * 64 + 1024, len = 0;
    char *p = malloc(cap);
    cr_assert(p);
    len += (size_t)snprintf(p + len, cap - len,
                            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                            "Pictures</title></head><body><article><h1>Pictures</h1><p>An article "
                            "with very many pictures, the first paragraph of its text.</p>");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(p + len, cap - len, "<img src=\"tiny.png?i=%d\" alt=\"p%d\">", i, i);
    len += (size_t)snprintf(p + len, cap - len,
                            "<p>The closing paragraph after all the pictures.</p></article></body>"
                            "</html>");
    put(name, p, len);
    free(p);
}

Test(complexity, images_in_one_page)
{
    skip_under_asan();
    images_page("img-2500.html", 2500);
    images_page("img-10000.html", 10000);
    long long small = build_cost((const char *[]){"/img-2500.html", NULL});
    long long big = build_cost((const char *[]){"/img-10000.html", NULL});
    expect_linear("2,500 then 10,000 images in a page", small, big);
}

/* A page with `n` levels of `open`/`close` around a sentence. */
static void deep_page(const char *name, const char *open, const char *close, int n)
{
    char *o = repeat(open, n), *c = repeat(close, n);
    size_t cap = strlen(o) + strlen(c) + 1024;
    char *p = malloc(cap);
    cr_assert(p);
    int len = snprintf(p, cap,
                       "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Deep"
                       "</title></head><body><article><h1>Deep</h1><p>Opening paragraph before "
                       "the nest, long enough to be article text.</p>%sDeepest text, a sentence "
                       "kept in the book.%s<p>Closing paragraph after the nest, which must be in "
                       "the book.</p></article></body></html>",
                       o, c);
    put(name, p, (size_t)len);
    free(p);
    free(o);
    free(c);
}

static long long deep_cost(int n)
{
    char names[3][64];
    snprintf(names[0], sizeof names[0], "/div-%d.html", n);
    snprintf(names[1], sizeof names[1], "/quote-%d.html", n);
    snprintf(names[2], sizeof names[2], "/table-%d.html", n);
    deep_page(names[0] + 1, "<div>", "</div>", n);
    deep_page(names[1] + 1, "<blockquote>", "</blockquote>", n);
    deep_page(names[2] + 1, "<table><tr><td>", "</td></tr></table>", n);
    return build_cost((const char *[]){names[0], names[1], names[2], NULL});
}

Test(complexity, nesting_depth)
{
    skip_under_asan();
    long long small = deep_cost(5000);
    long long big = deep_cost(20000);
    expect_linear("5,000 then 20,000 levels of div, blockquote and table", small, big);
}
