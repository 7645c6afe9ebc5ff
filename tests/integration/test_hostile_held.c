/*
 * Hostile cases that already held (issue 14, "keep what held"), kept as
 * regression tests: exit code, the good text present, nothing hostile in the
 * book; the books go to the gate folder, so the epubcheck tier checks them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "ov_test.h"

static void put(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The whole book as bytes of its entries' text, uncompressed (caller frees). */
static char *book_text(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml") && !strstr(name, ".opf") && !strstr(name, ".ncx"))
            continue;
        size_t n = 0;
        char *t = ov_test_zip_entry(path, name, &n);
        all = realloc(all, len + n + 1);
        memcpy(all + len, t, n + 1);
        len += n;
        free(t);
    }
    zip_close(z);
    return all;
}

static const char hostile_page[] =
    "<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
    "<!ENTITY net SYSTEM \"http://127.0.0.1:9/xxe\">]>\n"
    "<html><head><meta charset=\"utf-8\"><title>Held cases</title>"
    "<meta http-equiv=\"refresh\" content=\"0;url=file:///etc/passwd\">"
    "<style>body{background:url(file:///etc/passwd)}</style></head>"
    "<body onload=\"alert(1)\"><article><h1>Held cases</h1>"
    "<p onclick=\"alert(1)\">Good paragraph one &xxe;&net; with "
    "<a href=\"javascript:alert(1)\">a script link</a> in it.</p>"
    "<iframe srcdoc=\"&lt;p&gt;evil srcdoc&lt;/p&gt;\"></iframe>"
    "<object data=\"x.swf\"><param name=\"movie\" value=\"x.swf\"></object>"
    "<p style=\"color:red\">Good paragraph two \xe2\x80\xae" "RTL override\xe2\x80\xac and "
    "control \x01\x02\x1b characters.</p>"
    "<img srcset=\"file:///etc/passwd 2x\" src=\"../../../../../../etc/passwd\" alt=\"up\">"
    "<script>document.write('evil script')</script>"
    "<p>Good paragraph three, the last one.</p></article></body></html>";

Test(held, hostile_markup_is_neutralised, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-markup");
    put(dir, "page.html", hostile_page);
    char *in = join(dir, "page.html");
    char *out = ov_test_book_path("held-markup.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d (the ../ image must be a reported skip)\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "refused"), "%s", r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "Good paragraph one"));
    cr_assert(strstr(t, "Good paragraph two"));
    cr_assert(strstr(t, "Good paragraph three"));
    cr_assert(strstr(t, "a script link"));
    const char *never[] = {"root:x:", "evil", "javascript:", "onclick", "onload", "style=",
                           "refresh", "file:", "<iframe", "<object", "<script", "\x01", "\x1b", NULL};
    for (size_t i = 0; never[i]; i++)
        cr_assert_null(strstr(t, never[i]), "'%s' reached the book", never[i]);
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(dir);
}

Test(held, huge_title_and_image_name, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-title");
    size_t tn = 100 * 1024;
    char *page = malloc(tn + 12000);
    char *w = page;
    w += snprintf(w, 200, "<html><head><meta charset=\"utf-8\"><title>");
    for (size_t i = 0; i < tn; i++)
        *w++ = (char)('a' + i % 26);
    w += snprintf(w, 200, "</title></head><body><article><p>Body text of the page with a very "
                          "long title, long enough to be an article.</p><img src=\"");
    for (int i = 0; i < 5000; i++)
        *w++ = 'n';
    w += snprintf(w, 200, ".png\" alt=\"long name\"><p>And a second paragraph.</p></article></body></html>");
    put(dir, "title.html", page);
    char *in = join(dir, "title.html");
    char *out = ov_test_book_path("held-title.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d (the missing image is a reported skip)\nstderr: %s", st, r.err);
    char *t = book_text(out);
    cr_assert(strstr(t, "Body text of the page"));
    cr_assert(strstr(t, "And a second paragraph"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(in);
    free(page);
    free(dir);
}

Test(held, output_directory_and_symlink, .timeout = 120)
{
    char *dir = ov_test_tmpdir("held-output");
    put(dir, "page.html",
        "<html><head><meta charset=\"utf-8\"><title>Out</title></head><body><article>"
        "<p>A short article about where books are written, with enough words.</p></article></body></html>");
    char *in = join(dir, "page.html");
    ov_test_run r;
    /* -o a directory: refused, the directory untouched */
    char *sub = join(dir, "a-dir.epub");
    cr_assert_eq(mkdir(sub, 0755), 0);
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", sub, NULL);
    cr_assert(st == 1 || st == 2, "exit %d", st);
    struct stat sb;
    cr_assert(stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode), "the directory was replaced");
    ov_test_run_free(&r);
    /* -o a symlink: the link is replaced by the book, its target untouched */
    char *target = join(dir, "target.txt");
    put(dir, "target.txt", "keep me");
    char *out = ov_test_book_path("held-symlink.epub");
    unlink(out);
    cr_assert_eq(symlink(target, out), 0);
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", in, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(lstat(out, &sb) == 0 && S_ISREG(sb.st_mode), "the link was not replaced");
    char *kept = ov_test_slurp(target, NULL);
    cr_assert_str_eq(kept, "keep me", "the link's target was written");
    free(kept);
    ov_test_run_free(&r);
    free(out);
    free(target);
    free(sub);
    free(in);
    free(dir);
}
