/*
 * series_scan.c - which issues of a series a folder already holds.
 *
 * The state database is what numbers issues; when it is lost or emptied, the
 * next run would start again at #1 and replace the old #1 book. The books
 * themselves say which series and issue they are (calibre:series and
 * calibre:series_index in the package document, written by opf.c), so the
 * output folder can be read to notice a reset state and keep numbering.
 */
#include "periodical/series_scan.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"

/* The package document of `path` (NUL-terminated, malloc'd) or NULL. */
static char *read_opf(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    if (!z)
        return NULL;
    char *out = NULL;
    zip_stat_t st;
    zip_file_t *f = NULL;
    if (zip_stat(z, "EPUB/package.opf", 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        st.size > OV__SERIES_SCAN_MAX_OPF)
        goto cleanup;
    f = zip_fopen(z, "EPUB/package.opf", 0);
    out = f ? malloc(st.size + 1) : NULL;
    if (out && zip_fread(f, out, st.size) != (zip_int64_t)st.size) {
        free(out);
        out = NULL;
    }
    if (out)
        out[st.size] = '\0';
cleanup:
    if (f)
        zip_fclose(f);
    zip_discard(z);
    return out;
}

/* The issue number in `opf` when it belongs to series `want` (escaped as
   opf.c writes it); 0 otherwise. */
static int issue_of(const char *opf, const char *want)
{
    const char *s = strstr(opf, "<meta name=\"calibre:series\" content=\"");
    if (!s)
        return 0;
    s += strlen("<meta name=\"calibre:series\" content=\"");
    size_t n = strlen(want);
    if (strncmp(s, want, n) != 0 || s[n] != '"')
        return 0;
    const char *i = strstr(opf, "<meta name=\"calibre:series_index\" content=\"");
    if (!i)
        return 0;
    long v = strtol(i + strlen("<meta name=\"calibre:series_index\" content=\""), NULL, 10);
    return v > 0 && v < 1000000 ? (int)v : 0;
}

static int has_epub_ext(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".epub") == 0;
}

int ov__series_max_issue(const char *dir, const char *series, char **file)
{
    ov__buf want = OV__BUF_INIT;
    int best = 0;
    size_t seen = 0;
    if (file)
        *file = NULL;
    if (!dir || !series || ov__buf_put_xml(&want, series) != 0)
        goto cleanup;
    DIR *d = opendir(dir);
    if (!d)
        goto cleanup;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && seen < OV__SERIES_SCAN_MAX_FILES) {
        if (!has_epub_ext(de->d_name))
            continue;
        seen++;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        char *opf = read_opf(path);
        int n = opf ? issue_of(opf, want.data) : 0;
        free(opf);
        if (n > best) {
            best = n;
            if (file) {
                free(*file);
                *file = strdup(path);
            }
        }
    }
    closedir(d);
cleanup:
    ov__buf_free(&want);
    return best;
}
