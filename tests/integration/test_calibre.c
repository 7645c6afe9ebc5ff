/*
 * The sample book through calibre, as a Kindle owner converts it: EPUB ->
 * AZW3 -> EPUB (calibre's own reading of the AZW3). The spine must show the
 * cover once (calibre adds its own title page unless the guide names ours),
 * and calibre must not warn that the cover image id is not "cover".
 *
 * calibre is ~370 MB installed (Qt WebEngine), too heavy for CI's
 * install-deps: the test runs when ebook-convert is on PATH and is skipped
 * with a message otherwise (apt-get install --no-install-recommends calibre).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ov_test.h"

static int have_ebook_convert(void)
{
    const char *path = getenv("PATH");
    char dir[4096];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/ebook-convert", (int)n, path);
        if (access(dir, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

static void convert(const char *from, const char *to, char **log)
{
    char *argv[] = {"/usr/bin/env", "ebook-convert", (char *)from, (char *)to, NULL};
    char *env[] = {"QT_QPA_PLATFORM=offscreen", NULL};
    ov_test_run r;
    cr_assert_eq(ov_test_exec(argv, env, &r), 0, "cannot run ebook-convert");
    cr_assert_eq(r.status, 0, "ebook-convert %s %s: exit %d\n%s\n%s", from, to, r.status, r.out,
                 r.err);
    size_t n = strlen(r.out) + strlen(r.err) + 2;
    *log = malloc(n);
    cr_assert(*log);
    snprintf(*log, n, "%s\n%s", r.out, r.err);
    ov_test_run_free(&r);
}

/* The value of attribute `name` in the tag starting at `tag`, malloc'd. */
static char *attr(const char *tag, const char *name)
{
    const char *end = strchr(tag, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *v = strstr(tag, key);
    if (!v || (end && v > end))
        return NULL;
    v += strlen(key);
    return strndup(v, strcspn(v, "\""));
}

/* href of the manifest item with id `id` in `opf`, malloc'd. */
static char *href_of(const char *opf, const char *id)
{
    for (const char *t = strstr(opf, "<item "); t; t = strstr(t + 1, "<item ")) {
        char *tid = attr(t, "id");
        int hit = tid && strcmp(tid, id) == 0;
        free(tid);
        if (hit)
            return attr(t, "href");
    }
    return NULL;
}

Test(calibre, sample_book_has_one_cover_after_azw3, .timeout = 600)
{
    if (!have_ebook_convert())
        cr_skip_test("ebook-convert (calibre) not installed: calibre conversion not checked");
    char *book = ov_test_book_path("calibre-sample.epub");
    char *site = ov_test_source_path("examples/sample-site");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", site, "--series",
                            "Octavo Sample Gazette", "--issue", "1", "-o", book, NULL);
    cr_assert(st == 0 || st == 3, "exit %d\n%s", st, r.err);
    ov_test_run_free(&r);

    char *dir = ov_test_tmpdir("calibre");
    char azw3[512], back[512], epub2[512];
    snprintf(azw3, sizeof azw3, "%s/out.azw3", dir);
    snprintf(back, sizeof back, "%s/back.epub", dir);
    snprintf(epub2, sizeof epub2, "%s/again.epub", dir);
    char *log1 = NULL, *log2 = NULL, *log3 = NULL;
    convert(book, azw3, &log1);
    convert(azw3, back, &log2);
    convert(book, epub2, &log3);
    cr_assert_null(strstr(log1, "id != \"cover\""), "%s", log1);
    cr_assert_null(strstr(log3, "id != \"cover\""), "%s", log3);
    cr_assert(strstr(log1, "Found HTML cover"), "calibre did not recognise our cover page:\n%s",
              log1);

    /* calibre's reading of the AZW3: how many spine documents show the cover image? */
    char *opf = ov_test_zip_entry(back, ".opf", NULL);
    cr_assert(opf);
    char *cover = href_of(opf, "cover");
    cr_assert(cover, "no cover image in calibre's reading of the AZW3:\n%s", opf);
    const char *base = strrchr(cover, '/') ? strrchr(cover, '/') + 1 : cover;
    int n_cover = 0, n_spine = 0;
    for (const char *t = strstr(opf, "<itemref "); t; t = strstr(t + 1, "<itemref ")) {
        char *idref = attr(t, "idref");
        char *href = idref ? href_of(opf, idref) : NULL;
        char *doc = href ? ov_test_zip_entry(back, href, NULL) : NULL;
        cr_assert(doc, "spine item %s (%s) missing", idref, href);
        n_spine++;
        n_cover += strstr(doc, base) != NULL;
        free(doc);
        free(href);
        free(idref);
    }
    cr_assert_gt(n_spine, 10);
    cr_assert_eq(n_cover, 1, "the cover image appears on %d spine pages", n_cover);
    free(cover);
    free(opf);
    free(log1);
    free(log2);
    free(log3);
    free(dir);
    free(site);
    free(book);
}
