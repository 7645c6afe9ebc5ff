/*
 * Errors that name the thing (issue 12): each mistake a user makes on the
 * command line gets a message that names the file, folder, flag or value,
 * and the right exit code; and the top-level help.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ov_test.h"

static char *fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/build/%s", name);
    return ov_test_source_path(rel);
}

/* The cache is disposable (issue 14.12): a cache folder that cannot be made
   is a warning naming it, and the book is built without the cache. */
Test(cli_errors, cache_dir_that_cannot_be_created_is_named)
{
    char *page = fixture("ferry.html");
    char *out = ov_test_book_path("cli-cache-err.epub");
    char *tmp = ov_test_tmpdir("cli-cache");
    char blocker[4096], cache[4096];
    snprintf(blocker, sizeof blocker, "%s/file", tmp);
    FILE *f = fopen(blocker, "w");
    cr_assert(f);
    fclose(f);
    snprintf(cache, sizeof cache, "%s/file/cache", tmp); /* under a plain file */
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--cache-dir", cache, page, "-o", out, NULL);
    cr_expect_eq(st, 0, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, cache), "the message does not name %s:\n%s", cache, r.err);
    cr_expect(strstr(r.err, "running without the cache"), "%s", r.err);
    cr_expect_null(strstr(r.err, "skipped"), "blamed on an input:\n%s", r.err);
    cr_expect_eq(access(out, F_OK), 0, "no book written");
    ov_test_run_free(&r);
    free(page);
    free(out);
    free(tmp);
}

/* A server that is down ends the run with its reason and exit 1. Its
   robots.txt fails to connect, is retried, and the feed waits for it: the
   retry went behind the feed in the host's queue, so neither could start
   and a cron run waited for ever. */
Test(cli_errors, a_server_that_is_down_ends_the_run, .timeout = 60)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/feed.xml", ov_test_free_port());
    char *out = ov_test_book_path("cli-down.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--retries", "1", "--no-cache", url, "-o",
                            out, NULL);
    cr_expect_eq(st, 1, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, url), "the message does not name %s:\n%s", url, r.err);
    cr_expect(strstr(r.err, "connect"), "no reason given:\n%s", r.err);
    cr_expect_neq(access(out, F_OK), 0, "a book was written");
    ov_test_run_free(&r);
    free(out);
}

Test(cli_errors, missing_recipe_is_named)
{
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--recipe", "nope.recipe", NULL);
    cr_expect_eq(st, 2, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, "nope.recipe"), "the message does not name the file:\n%s", r.err);
    ov_test_run_free(&r);
}

Test(cli_errors, bad_pattern_is_a_usage_error)
{
    char *page = fixture("ferry.html");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "--pattern", "([a-z", page, "-o",
                            "/tmp/never-written.epub", NULL);
    cr_expect_eq(st, 2, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, "--pattern") && strstr(r.err, "([a-z"), "%s", r.err);
    ov_test_run_free(&r);
    free(page);
}

Test(cli_errors, opds_of_a_missing_folder_is_an_error)
{
    char *tmp = ov_test_tmpdir("cli-opds");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/no-such-folder", tmp);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "opds", dir, NULL);
    cr_expect_eq(st, 1, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, dir), "the message does not name %s:\n%s", dir, r.err);
    struct stat sb;
    cr_expect_neq(stat(dir, &sb), 0, "opds made the folder");
    ov_test_run_free(&r);
    free(tmp);
}

Test(cli_errors, output_folder_must_exist_unless_mkdir)
{
    char *page = fixture("lighthouse.html");
    char *books = ov_test_book_path("cli-mkdir");
    char out[4096];
    snprintf(out, sizeof out, "%s/a/b/book.epub", books);
    char folder[4096], parent[4096];
    snprintf(folder, sizeof folder, "%s/a/b", books);
    snprintf(parent, sizeof parent, "%s/a", books);
    /* what an earlier run in the same books folder made */
    unlink(out);
    rmdir(folder);
    rmdir(parent);
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--no-cache", page, "-o", out, NULL);
    cr_expect_eq(st, 1, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, folder), "the message does not name %s:\n%s", folder, r.err);
    struct stat sb;
    cr_expect_neq(stat(folder, &sb), 0, "the folder was made without --mkdir");
    ov_test_run_free(&r);

    st = ov_test_octavo(&r, NULL, "build", "-q", "--no-cache", "--mkdir", page, "-o", out, NULL);
    cr_expect_eq(st, 0, "exit %d: %s", st, r.err);
    cr_expect_eq(stat(out, &sb), 0, "--mkdir wrote no book");
    ov_test_run_free(&r);
    free(books);
    free(page);
}

Test(cli_errors, output_not_ending_in_epub_warns)
{
    char *page = fixture("ferry.html");
    char *tmp = ov_test_tmpdir("cli-txt");
    char out[4096];
    snprintf(out, sizeof out, "%s/out.txt", tmp); /* not under the gate: not an .epub name */
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--no-cache", page, "-o", out, NULL);
    cr_expect_eq(st, 0, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, "warning") && strstr(r.err, "out.txt") && strstr(r.err, ".epub"),
              "no warning about the name:\n%s", r.err);
    ov_test_run_free(&r);
    free(tmp);
    free(page);
}

Test(cli_errors, language_must_be_bcp47)
{
    char *page = fixture("ferry.html");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "--language", "xx-notalang", page,
                            "-o", "/tmp/never-written.epub", NULL);
    cr_expect_eq(st, 2, "exit %d: %s", st, r.err);
    cr_expect(strstr(r.err, "xx-notalang") && strstr(r.err, "BCP 47"), "%s", r.err);
    ov_test_run_free(&r);
    char *out = ov_test_book_path("cli-lang-ok.epub");
    st = ov_test_octavo(&r, NULL, "build", "-q", "--no-cache", "--language", "en-GB", page, "-o",
                        out, NULL);
    cr_expect_eq(st, 0, "a good tag was refused: %s", r.err);
    char *opf = ov_test_zip_entry(out, ".opf", NULL);
    cr_assert(opf);
    cr_expect(strstr(opf, "<dc:language>en-GB</dc:language>"), "%s", opf);
    free(opf);
    ov_test_run_free(&r);
    free(out);
    free(page);
}

Test(cli_help, top_level_help_lists_version_and_help_command)
{
    ov_test_run r;
    cr_assert_eq(ov_test_octavo(&r, NULL, "--help", NULL), 0);
    cr_expect(strstr(r.out, "--version"), "--help does not list --version:\n%s", r.out);
    cr_expect(strstr(r.out, "help COMMAND") || strstr(r.out, "help [COMMAND]"), "%s", r.out);
    ov_test_run_free(&r);
    cr_assert_eq(ov_test_octavo(&r, NULL, "--version", NULL), 0);
    cr_expect(strncmp(r.out, "octavo ", 7) == 0, "%s", r.out);
    ov_test_run_free(&r);
}

Test(cli_help, help_command_is_command_help)
{
    const char *cmds[] = {"build", "extract", "issues", "opds"};
    for (size_t i = 0; i < 4; i++) {
        ov_test_run a, b;
        cr_assert_eq(ov_test_octavo(&a, NULL, "help", cmds[i], NULL), 0, "help %s: %s", cmds[i], a.err);
        cr_assert_eq(ov_test_octavo(&b, NULL, cmds[i], "--help", NULL), 0);
        cr_expect_str_eq(a.out, b.out, "'octavo help %s' differs from '%s --help'", cmds[i], cmds[i]);
        char want[64];
        snprintf(want, sizeof want, "usage: octavo %s", cmds[i]);
        cr_expect(strstr(a.out, want), "%s", a.out);
        ov_test_run_free(&a);
        ov_test_run_free(&b);
    }
    ov_test_run r;
    cr_expect_eq(ov_test_octavo(&r, NULL, "help", "frobnicate", NULL), 2);
    cr_expect(strstr(r.err, "frobnicate"), "%s", r.err);
    ov_test_run_free(&r);
}
