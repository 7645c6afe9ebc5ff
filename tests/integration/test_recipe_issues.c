/*
 * A periodical from a recipe, end to end, the way cron runs it: a copy of
 * the sample site served by nginx on loopback, the sample recipe, one state
 * store.
 *
 *   run 1  issue 1 with every article                      exit 0
 *   (a new article appears on the site and in its feed)
 *   run 2  issue 2 with only the new article, mailed to a
 *          loopback SMTP sink                              exit 0
 *   run 3  nothing new: no book, a message saying so       exit 4
 *
 * Both books pass epubcheck (they are written to the books folder the gate
 * checks), carry the series and issue number (EPUB 3 collection and the
 * calibre mirror; `ebook-meta` is asked too when calibre is installed), and
 * the WebP sample image is stored as JPEG. `octavo issues` lists both
 * issues and `octavo opds` catalogs both books.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nginx.h"
#include "ov_test.h"
#include "smtpsink.h"

/* The entry or a failed test. */
static char *zip_entry(const char *path, const char *suffix, size_t *len)
{
    char *out = ov_test_zip_entry(path, suffix, len);
    cr_assert(out, "no entry *%s in %s", suffix, path);
    return out;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Add one article page and put it first in the copied site's feed. */
#define PATHF(buf, ...) cr_assert_lt((size_t)snprintf(buf, sizeof buf, __VA_ARGS__), sizeof buf, "path too long")

static void add_article(const char *site)
{
    char path[1024];
    PATHF(path, "%s/news/2026/11/29", site);
    mkdir(path, 0755);
    PATHF(path, "%s/news/2026/11/29/harbour-lights.html", site);
    write_file(path,
               "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>Harbour lights switched on for winter - The Harbor Ledger</title>"
               "<meta name=\"author\" content=\"Sam Ortiz\"></head><body>"
               "<nav><a href=\"/\">Home</a> <a href=\"/sections/world.html\">World</a></nav>"
               "<article><h1>Harbour lights switched on for winter</h1>"
               "<p>The strings of lights along the harbour wall were switched on on Sunday evening, "
               "a week earlier than last year, after volunteers finished repairing the old fittings.</p>"
               "<p>About two hundred people watched from the quay as the mayor pressed the switch. "
               "The lights will stay on every evening until the end of February.</p>"
               "<p>Volunteers replaced more than four hundred bulbs with low-energy ones this autumn, "
               "which the harbour trust says will halve the cost of running them.</p></article>"
               "<footer>&#169; 2026 The Harbor Ledger</footer></body></html>");
    PATHF(path, "%s/feed.xml", site);
    char *feed = ov_test_slurp(path, NULL);
    cr_assert(feed);
    char *item = strstr(feed, "<item>");
    cr_assert(item, "the sample feed has no <item>");
    const char *add = "<item><title>Harbour lights switched on for winter</title>"
                      "<link>news/2026/11/29/harbour-lights.html</link>"
                      "<guid isPermaLink=\"false\">sample-harbour-lights</guid>"
                      "<pubDate>Sun, 29 Nov 2026 18:00:00 +0000</pubDate></item>\n";
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fwrite(feed, 1, (size_t)(item - feed), f);
    fputs(add, f);
    fputs(item, f);
    fclose(f);
    free(feed);
}

Test(recipe_issues, two_issues_then_nothing_new, .timeout = 600)
{
    char *tmp = ov_test_tmpdir("recipe-issues");
    char site[1024], cmd[4096], state[1024], opds[1024];
    snprintf(site, sizeof site, "%s/site", tmp);
    snprintf(state, sizeof state, "%s/state.db", tmp);
    snprintf(opds, sizeof opds, "%s/opds", tmp);
    char *src = ov_test_source_path("examples/sample-site");
    snprintf(cmd, sizeof cmd, "cp -R '%s' '%s' && mkdir -p '%s'", src, site, opds);
    cr_assert_eq(system(cmd), 0);
    ov_test_nginx *ng;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    char base[256];
    snprintf(base, sizeof base, "%s/", ov_test_nginx_base(ng));
    char *recipe = ov_test_source_path("examples/recipes/sample-site.recipe");
    /* a folder of its own: other tests leave books of the same series in the
       gate folder, and a recipe run numbers on after the books it finds
       beside its output (a lost state must not overwrite issue #1) */
    char *dir = ov_test_book_path("recipe-issues");
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    cr_assert_eq(system(cmd), 0);
    char *book1 = ov_test_book_path("recipe-issues/recipe-issue-1.epub");
    char *book1_tpl = ov_test_book_path("recipe-issues/recipe-issue-%n.epub"); /* -o is a template too */
    char *book2 = ov_test_book_path("recipe-issues/recipe-issue-2.epub");
    char *book3 = ov_test_book_path("recipe-issues/recipe-issue-3-not-written.epub");

    /* run 1: everything is new */
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--base", base, "--state", state, "--since-last",
                    "--no-cache", "-q", "-o", book1_tpl, NULL);
    cr_assert_eq(st, 0, "run 1 exit %d:\n%s", st, r.err);
    ov_test_run_free(&r);
    char *opf1 = zip_entry(book1, ".opf", NULL);
    cr_expect(strstr(opf1, "<meta refines=\"#series\" property=\"group-position\">1</meta>"), "%s", opf1);
    cr_expect(strstr(opf1, "<meta name=\"calibre:series\" content=\"Octavo Sample Gazette\"/>"), "%s", opf1);
    cr_expect(strstr(opf1, "<meta name=\"calibre:series_index\" content=\"1\"/>"), "%s", opf1);
    /* the WebP in the sample site is stored as JPEG (or PNG): no WebP reaches the book */
    cr_expect(strstr(opf1, "image/webp") == NULL, "a WebP image is in the book");
    size_t n1 = count(opf1, "media-type=\"application/xhtml+xml\"");
    cr_expect_geq(n1, 10, "issue 1 has %zu XHTML documents", n1);

    /* a new article appears */
    add_article(site);

    /* run 2: only the new article, mailed to the loopback sink */
    ov_test_smtp *smtp;
    cr_assert_eq(ov_test_smtp_start(NULL, &smtp), 0);
    char *env[] = {"OCTAVO_SMTP_TLS=none", NULL};
    st = ov_test_octavo(&r, env, "build", "--recipe", recipe, "--base", base, "--state", state, "--since-last", "--no-cache",
                "-q", "-o", book2, "--send-to", "reader@kindle.test", "--mail-from", "octavo@sender.test",
                "--smtp", ov_test_smtp_url(smtp), NULL);
    cr_assert_eq(st, 0, "run 2 exit %d:\n%s", st, r.err);
    ov_test_run_free(&r);
    char *opf2 = zip_entry(book2, ".opf", NULL);
    cr_expect(strstr(opf2, "<meta refines=\"#series\" property=\"group-position\">2</meta>"), "%s", opf2);
    cr_expect(strstr(opf2, "<meta name=\"calibre:series_index\" content=\"2\"/>"), "%s", opf2);
    char *nav2 = zip_entry(book2, "nav.xhtml", NULL);
    cr_expect(strstr(nav2, "Harbour lights switched on for winter"), "new article missing:\n%s", nav2);
    cr_expect(strstr(nav2, "Council delays budget vote") == NULL, "issue 2 repeats an issue-1 article:\n%s", nav2);
    ov_test_smtp_message m;
    ov_test_smtp_last(smtp, &m);
    cr_expect_eq(m.messages, 1);
    cr_expect(m.data && strstr(m.data, "Content-Type: application/epub+zip"), "no EPUB attachment");
    ov_test_smtp_stop(smtp);

    /* run 3: nothing new */
    st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--base", base, "--state", state, "--since-last",
                "--no-cache", "-o", book3, NULL);
    cr_expect_eq(st, 4, "run 3 exit %d:\n%s", st, r.err);
    cr_expect(strstr(r.err, "nothing new"), "no 'nothing new' message:\n%s", r.err);
    cr_expect(access(book3, F_OK) != 0, "a book was written although nothing was new");
    ov_test_run_free(&r);

    /* the state store knows both issues */
    st = ov_test_octavo(&r, NULL, "issues", "--state", state, NULL);
    cr_expect_eq(st, 0, "%s", r.err);
    cr_expect(strstr(r.out, "recipe-issue-1.epub") && strstr(r.out, "recipe-issue-2.epub"), "%s", r.out);
    ov_test_run_free(&r);

    /* an OPDS catalog of both books */
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' '%s/'", book1, book2, opds);
    cr_assert_eq(system(cmd), 0);
    st = ov_test_octavo(&r, NULL, "opds", opds, NULL);
    cr_expect_eq(st, 0, "%s", r.err);
    ov_test_run_free(&r);
    char catpath[1100];
    snprintf(catpath, sizeof catpath, "%s/catalog.xml", opds);
    char *cat = ov_test_slurp(catpath, NULL);
    cr_assert(cat);
    cr_expect_eq(count(cat, "<entry>"), 2, "%s", cat);
    cr_expect(strstr(cat, "recipe-issue-1.epub") && strstr(cat, "recipe-issue-2.epub"), "%s", cat);

    /* calibre's reading of the series, when calibre is installed */
    if (access("/usr/bin/ebook-meta", X_OK) == 0) {
        char *argv[] = {"/usr/bin/ebook-meta", book2, NULL};
        cr_assert_eq(ov_test_exec(argv, NULL, &r), 0);
        cr_expect(strstr(r.out, "Octavo Sample Gazette #2") != NULL, "ebook-meta:\n%s", r.out);
        ov_test_run_free(&r);
    } else {
        fprintf(stderr, "recipe_issues: calibre's ebook-meta not installed, series checked in the OPF only\n");
    }

    free(cat);
    free(nav2);
    free(opf2);
    free(opf1);
    ov_test_nginx_stop(ng);
    free(book3);
    free(book2);
    free(book1);
    free(dir);
    free(book1_tpl);
    free(recipe);
    free(src);
    free(tmp);
}
