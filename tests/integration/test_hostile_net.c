/*
 * Hostile pages over HTTP (issue 14): pages of our own served by loopback
 * nginx, built into books in the gate folder (the epubcheck tier checks
 * them), with the exit code and the good text asserted.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "faultserver.h"
#include "nginx.h"
#include "ov_test.h"

static ov_test_nginx *ng;
static ov_test_fault *fs;
static char *site;

static void put(const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", site, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fwrite(text, 1, len, f);
    fclose(f);
}

static void puts_file(const char *name, const char *text)
{
    put(name, text, strlen(text));
}

static void start(void)
{
    site = ov_test_tmpdir("hostile-net-site");
    puts_file("base.html",
              "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Base to file</title>"
              "<base href=\"file:///etc/\"></head><body><article><h1>Base to file</h1>"
              "<p>The article names <a href=\"passwd\">the password file</a> and "
              "<a href=\"ftp://127.0.0.1/x\">an FTP folder</a> and "
              "<a href=\"javascript:alert(1)\">a script</a> in its first paragraph.</p>"
              "<p>A second paragraph with <a href=\"http://127.0.0.1/ok.html\">a web link</a>.</p>"
              "</article></body></html>");
    puts_file("srcset.html",
              "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Srcset fallback</title>"
              "</head><body><article><h1>Srcset fallback</h1>"
              "<p>The first paragraph of the article, long enough to count as text.</p>"
              "<figure><img srcset=\"file:///etc/big.png 800w, javascript:x 400w\" src=\"tiny.png\" alt=\"pic\">"
              "<figcaption>A picture</figcaption></figure>"
              "<p>The second paragraph of the article, after the picture.</p>"
              "</article></body></html>");
    ov_test_copy_source("tests/fixtures/fetch/tiny.png", site, "tiny.png");
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    cr_assert_eq(ov_test_fault_start(&fs), 0, "fault server did not start");
}

static void stop(void)
{
    ov_test_nginx_stop(ng);
    ov_test_fault_stop(fs);
    free(site);
}

TestSuite(hostile_net, .init = start, .fini = stop, .timeout = 300);

static char *chapter(const char *book)
{
    char *t = ov_test_zip_entry(book, "EPUB/text/a001.xhtml", NULL);
    cr_assert(t, "no chapter in %s", book);
    return t;
}

Test(hostile_net, non_http_links_are_unwrapped)
{
    char *url = ov_test_nginx_url(ng, "/base.html");
    char *out = ov_test_book_path("hostile-links.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", url, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = chapter(out);
    cr_assert(strstr(t, "the password file"), "%s", t);
    cr_assert(strstr(t, "an FTP folder"), "%s", t);
    cr_assert(strstr(t, "a script"), "%s", t);
    cr_assert_null(strstr(t, "file:"), "a file: link went into the book:\n%s", t);
    cr_assert_null(strstr(t, "ftp:"), "%s", t);
    cr_assert_null(strstr(t, "javascript:"), "%s", t);
    cr_assert(strstr(t, "<a href=\"http://127.0.0.1/ok.html\">a web link</a>"), "%s", t);
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(url);
}

Test(hostile_net, failed_srcset_falls_back_to_src)
{
    char *url = ov_test_nginx_url(ng, "/srcset.html");
    char *out = ov_test_book_path("hostile-srcset.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", url, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = chapter(out);
    cr_assert(strstr(t, "<img src=\"../img/a001-01.png\""), "the valid src was not used:\n%s", t);
    cr_assert(strstr(t, "The second paragraph"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(url);
}

/* A whole-run deadline: the dripping page is cut at the deadline, the book
   is written from what arrived, exit 3. */
Test(hostile_net, deadline_writes_what_arrived)
{
    char *url = ov_test_nginx_url(ng, "/srcset.html");
    char *drip = ov_test_fault_url(fs, "/drip");
    char *out = ov_test_book_path("hostile-deadline.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--deadline", "3s", url, drip,
                            "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "deadline passed"), "%s", r.err);
    char *t = chapter(out);
    cr_assert(strstr(t, "The second paragraph"));
    free(t);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "--deadline", "10x", url, "-o", out, NULL);
    cr_assert_eq(st, 2, "a bad duration was accepted: %s", r.err);
    cr_assert(strstr(r.err, "--deadline"), "%s", r.err);
    ov_test_run_free(&r);
    free(out);
    free(drip);
    free(url);
}

/* A host that times out is tried once more at the end of the run, not four
   times per URL. */
Test(hostile_net, timed_out_host_tried_once_more_at_the_end)
{
    char *url = ov_test_nginx_url(ng, "/base.html");
    char *drip = ov_test_fault_url(fs, "/drip");
    char *out = ov_test_book_path("hostile-timeout.epub");
    ov_test_run r;
    int before = ov_test_fault_count(fs, "/drip");
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--timeout", "2", "--retries",
                            "3", drip, url, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert_eq(ov_test_fault_count(fs, "/drip") - before, 2,
                 "the timed-out URL was fetched %d times", ov_test_fault_count(fs, "/drip") - before);
    cr_assert(strstr(r.err, "again when tried at the end of the run"), "%s", r.err);
    char *t = chapter(out);
    cr_assert(strstr(t, "the password file"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(drip);
    free(url);
}

/* An emptied state file must not number an issue #1 again over the old #1. */
Test(hostile_net, reset_state_does_not_overwrite_issue_one)
{
    char *page_url = ov_test_nginx_url(ng, "/base.html");
    char feed[2048];
    snprintf(feed, sizeof feed,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
             "<title>Reset</title><link>%s</link><description>d</description>"
             "<item><title>Base to file</title><link>%s</link></item></channel></rss>",
             page_url, page_url);
    puts_file("reset-feed.xml", feed);
    char *feed_url = ov_test_nginx_url(ng, "/reset-feed.xml");
    char *tmp = ov_test_tmpdir("hostile-reset");
    char *one = ov_test_book_path("hostile-reset-1.epub");
    char *dir = strdup(one);
    *strrchr(dir, '/') = '\0';
    char recipe_text[4096], recipe[4096], state[4096], two[4096];
    snprintf(recipe_text, sizeof recipe_text,
             "[publication]\ntitle = \"Reset Test\"\nlanguage = en\noldest = 0\n"
             "output = \"%s/hostile-reset-%%n.epub\"\n[section \"News\"]\nfeed = %s\n",
             dir, feed_url);
    snprintf(recipe, sizeof recipe, "%s/reset.recipe", tmp);
    snprintf(state, sizeof state, "%s/state.db", tmp);
    snprintf(two, sizeof two, "%s/hostile-reset-2.epub", dir);
    FILE *f = fopen(recipe, "w");
    fputs(recipe_text, f);
    fclose(f);
    unlink(one);
    unlink(two);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state, "--no-cache",
                            "-q", NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    size_t n1 = 0;
    char *before = ov_test_slurp(one, &n1);
    cr_assert(before, "issue 1 not written");
    f = fopen(state, "w"); /* the state file emptied */
    fclose(f);
    st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state, "--no-cache",
                        "-q", NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "numbering continues at #2"), "the reset was not reported: %s", r.err);
    size_t n2 = 0;
    char *after = ov_test_slurp(one, &n2);
    cr_assert(after && n1 == n2 && memcmp(before, after, n1) == 0, "issue 1 was replaced");
    char *opf = ov_test_zip_entry(two, "EPUB/package.opf", NULL);
    cr_assert(opf, "issue 2 not written");
    cr_assert(strstr(opf, "<meta name=\"calibre:series_index\" content=\"2\"/>"), "%s", opf);
    free(opf);
    free(before);
    free(after);
    ov_test_run_free(&r);
    free(dir);
    free(one);
    free(tmp);
    free(feed_url);
    free(page_url);
}

/* Messages that used to mislead (issue 14.17). */
Test(hostile_net, broken_answers_are_named_for_what_they_are)
{
    char *good = ov_test_nginx_url(ng, "/base.html");
    char *h09 = ov_test_fault_url(fs, "/http09");
    char *big = ov_test_fault_url(fs, "/bighead");
    char *out = ov_test_book_path("hostile-messages.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--retries", "0", good, h09, big,
                            "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert_null(strstr(r.err, "redirected"), "%s", r.err);
    cr_assert_null(strstr(r.err, "Out of memory"), "%s", r.err);
    cr_assert(strstr(r.err, "not valid HTTP/1.x or HTTP/2"), "%s", r.err);
    cr_assert(strstr(r.err, "100 KB header limit"), "%s", r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "--per-host", "17", good, "-o", out, NULL);
    cr_assert_eq(st, 2);
    cr_assert(strstr(r.err, "from 1 to 16"), "%s", r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "--concurrency", "65", good, "-o", out, NULL);
    cr_assert_eq(st, 2);
    cr_assert(strstr(r.err, "from 1 to 64"), "%s", r.err);
    ov_test_run_free(&r);
    free(out);
    free(big);
    free(h09);
    free(good);
}
