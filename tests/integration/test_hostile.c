/*
 * Hostile pages (issue 14): each case is a page of our own with the structure
 * of the attack, built into a book in the gate folder (so the epubcheck tier
 * checks it), with the exit code and the good text asserted.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "build/guard.h"
#include "octavo/model.h"
#include "ov_test.h"

/* Write `text` to dir/name. */
static void put(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* "<dir>/<name>" (caller frees). */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Concatenated text of every .xhtml entry (caller frees). */
static char *all_xhtml(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml"))
            continue;
        char *t = ov_test_zip_entry(path, name, NULL);
        size_t n = strlen(t);
        all = realloc(all, len + n + 1);
        memcpy(all + len, t, n + 1);
        len += n;
        free(t);
    }
    zip_close(z);
    return all;
}

/* Names of the zip's entries joined with '\n' (caller frees). */
static char *entry_names(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t n = strlen(name);
        all = realloc(all, len + n + 2);
        memcpy(all + len, name, n);
        all[len + n] = '\n';
        all[len + n + 1] = '\0';
        len += n + 1;
    }
    zip_close(z);
    return all;
}

static int dir_empty(const char *path)
{
    DIR *d = opendir(path);
    cr_assert(d, "cannot open %s", path);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n == 0;
}

#define PAGE_HEAD "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head><body><article><h1>%s</h1>"
#define PAGE_TAIL "</article></body></html>"

/* A page of our own: head, `body`, tail (caller frees). */
static char *page(const char *title, const char *body)
{
    size_t n = strlen(PAGE_HEAD) + 2 * strlen(title) + strlen(body) + strlen(PAGE_TAIL) + 1;
    char *p = malloc(n);
    int k = snprintf(p, n, PAGE_HEAD, title, title);
    snprintf(p + k, n - (size_t)k, "%s%s", body, PAGE_TAIL);
    return p;
}

/* Build `file` in `dir` into the gate folder as `book`; returns the exit code. */
static int build_one(const char *dir, const char *file, const char *book, char **out_path,
                     ov_test_run *r)
{
    char *in = join(dir, file);
    *out_path = ov_test_book_path(book);
    int st = ov_test_octavo(r, NULL, "build", "--no-cache", "-q", in, "-o", *out_path, NULL);
    free(in);
    return st;
}

Test(hostile, svg_image_is_rasterised, .timeout = 120)
{
    char *dir = ov_test_tmpdir("hostile-svg");
    put(dir, "pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "width=\"120\" height=\"80\"><script>alert(1)</script>"
        "<rect width=\"120\" height=\"80\" fill=\"#c33\"/>"
        "<image href=\"http://127.0.0.1:9/x.png\" width=\"10\" height=\"10\"/>"
        "<image xlink:href=\"file:///etc/passwd\" width=\"10\" height=\"10\"/></svg>");
    char *p = page("An SVG picture",
                   "<p>The first paragraph of the article, long enough to count as text.</p>"
                   "<figure><img src=\"pic.svg\" alt=\"a chart\"><figcaption>The chart</figcaption></figure>"
                   "<p>The second paragraph of the article, which follows the picture.</p>");
    put(dir, "svg.html", p);
    char *tmp = ov_test_tmpdir("hostile-svg-tmp");
    char tmpenv[4200];
    snprintf(tmpenv, sizeof tmpenv, "TMPDIR=%s", tmp);
    char *env[] = {tmpenv, NULL};
    char *in = join(dir, "svg.html");
    char *out = ov_test_book_path("hostile-svg.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, env, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(dir_empty(tmp), "the run left temporary files in %s", tmp);
    free(in);
    free(tmp);
    char *names = entry_names(out);
    cr_assert(strstr(names, "EPUB/img/a001-01.png"), "the SVG did not become a PNG:\n%s", names);
    cr_assert_null(strstr(names, "a001-01.svg"), "an SVG went into the book:\n%s", names);
    char *opf = ov_test_zip_entry(out, "EPUB/package.opf", NULL);
    cr_assert_null(strstr(opf, "scripted"), "%s", opf);
    cr_assert_null(strstr(opf, "remote-resources"), "%s", opf);
    char *text = all_xhtml(out);
    cr_assert(strstr(text, "The first paragraph"));
    cr_assert(strstr(text, "The second paragraph"));
    cr_assert(strstr(text, "../img/a001-01.png"));
    cr_assert_null(strstr(text, "<script"));
    char *report = NULL;
    cr_assert_eq(ov_test_epubcheck(out, &report), 0, "epubcheck:\n%s", report);
    free(report);
    free(text);
    free(opf);
    free(names);
    ov_test_run_free(&r);
    free(out);
    free(p);
    free(dir);
}

Test(hostile, bare_embed_keeps_what_follows, .timeout = 120)
{
    char *dir = ov_test_tmpdir("hostile-embed");
    char *p = page("A bare embed",
                   "<p>Alpha paragraph text of this article, the first one here.</p>"
                   "<embed src=\"x.swf\">"
                   "<p>Bravo paragraph text of this article, after the embed.</p>"
                   "<p>Charlie paragraph text of this article, the last one.</p>");
    put(dir, "embed.html", p);
    char *out;
    ov_test_run r;
    int st = build_one(dir, "embed.html", "hostile-embed.epub", &out, &r);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *text = all_xhtml(out);
    cr_assert(strstr(text, "Alpha paragraph"));
    cr_assert(strstr(text, "Bravo paragraph"), "text after <embed> was lost");
    cr_assert(strstr(text, "Charlie paragraph"), "text after <embed> was lost");
    cr_assert_null(strstr(text, "x.swf"));
    free(text);
    ov_test_run_free(&r);
    /* the extractor alone shows the same text */
    char *in = join(dir, "embed.html");
    st = ov_test_octavo(&r, NULL, "extract", in, NULL);
    cr_assert_eq(st, 0, "extract exit %d: %s", st, r.err);
    cr_assert(strstr(r.out, "Charlie paragraph"), "%s", r.out);
    ov_test_run_free(&r);
    free(in);
    free(out);
    free(p);
    free(dir);
}

/* Copy `s` to *w and advance it (the caller sized the buffer). */
static void append(char **w, const char *s)
{
    size_t n = strlen(s);
    memcpy(*w, s, n + 1);
    *w += n;
}

/* `n` nested <table><tr><td> around a sentence. */
static char *nested_tables(int n)
{
    const char *o = "<table><tr><td>", *c = "</td></tr></table>";
    const char *inner = "Deepest cell text, a sentence kept in the book.";
    size_t len = (size_t)n * (strlen(o) + strlen(c)) + strlen(inner) + 1;
    char *s = malloc(len), *w = s;
    for (int i = 0; i < n; i++)
        append(&w, o);
    append(&w, inner);
    for (int i = 0; i < n; i++)
        append(&w, c);
    return s;
}

Test(hostile, deep_tables_are_flattened, .timeout = 120)
{
    char *dir = ov_test_tmpdir("hostile-tables");
    char *tables = nested_tables(70);
    size_t n = strlen(tables) + 512;
    char *body = malloc(n);
    snprintf(body, n,
             "<p>Opening paragraph before the tables, long enough to be article text.</p>%s"
             "<p>Closing paragraph after the tables, which must be in the book.</p>",
             tables);
    char *p = page("Deep tables", body);
    put(dir, "tables.html", p);
    char *out;
    ov_test_run r;
    int st = build_one(dir, "tables.html", "hostile-tables.epub", &out, &r);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *text = all_xhtml(out);
    cr_assert_null(strstr(text, "could not be included"), "article replaced by a note");
    cr_assert(strstr(text, "Opening paragraph"));
    cr_assert(strstr(text, "Deepest cell text"));
    cr_assert(strstr(text, "Closing paragraph"));
    free(text);
    ov_test_run_free(&r);
    free(out);
    free(p);
    free(body);
    free(tables);
    free(dir);
}

/* A body the packager could not parse is refused before the book takes it. */
Test(hostile, unparsable_body_is_refused)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    char *body = malloc(300 * 11 + 64), *w = body;
    for (int i = 0; i < 300; i++)
        append(&w, "<div>");
    append(&w, "<p>x</p>");
    for (int i = 0; i < 300; i++)
        append(&w, "</div>");
    a->body_xhtml = body;
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov__build_check_body(a, &err), OV_EPARSE);
    cr_assert(strstr(err.message, "article dropped"), "%s", err.message);
    free(a->body_xhtml);
    a->body_xhtml = strdup("<p>fine &amp; well-formed</p>");
    cr_assert_eq(ov__build_check_body(a, &err), 0);
    free(a->body_xhtml);
    a->body_xhtml = strdup("<p>broken <b>nesting</p></b>");
    cr_assert_eq(ov__build_check_body(a, &err), OV_EPARSE);
    ov_article_free(a);
}

/* Patterns and selectors are checked when the recipe or the command line is
   read: exit 2 with file:line, before anything is fetched. */
Test(hostile, bad_selector_and_pattern_are_usage_errors)
{
    char *dir = ov_test_tmpdir("hostile-selector");
    put(dir, "bad.recipe",
        "[publication]\ntitle = T\nlanguage = en\n[section \"News\"]\n"
        "feed = http://127.0.0.1:9/f.xml\n[rules \"example.com\"]\nkeep = div[[\n");
    char *recipe = join(dir, "bad.recipe");
    char *state = join(dir, "state.db");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state, "--no-cache",
                            NULL);
    cr_assert_eq(st, 2, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "bad.recipe:6:"), "no file:line: %s", r.err);
    cr_assert(strstr(r.err, "div[["), "%s", r.err);
    ov_test_run_free(&r);
    char *out = join(dir, "x.epub");
    st = ov_test_octavo(&r, NULL, "build", "--pattern", "(a+", "http://127.0.0.1:9/", "-o", out,
                        NULL);
    cr_assert_eq(st, 2, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "--pattern"), "%s", r.err);
    ov_test_run_free(&r);
    free(out);
    free(state);
    free(recipe);
    free(dir);
}

/* What a failed run leaves in its temporary folder is removed with it. */
Test(hostile, spool_folder_removed_with_leftovers)
{
    char *dir = ov_test_tmpdir("hostile-spool");
    char *spool = join(dir, "octavo-test");
    cr_assert_eq(mkdir(spool, 0700), 0);
    put(spool, "r000001.bin", "partial image bytes");
    put(spool, "r000002.bin.ovimg", "half a converted image");
    ov__build_remove_spool(spool);
    struct stat sb;
    cr_assert_neq(stat(spool, &sb), 0, "the temporary folder is still there");
    cr_assert(dir_empty(dir));
    free(spool);
    free(dir);
}
