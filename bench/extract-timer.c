/*
 * bench/extract-timer.c - octavo's extraction timed in one process, for
 * bench/extract: the same measure as its Readability.js peer gets (parse +
 * extraction per page; process start-up and file reading left out).
 *
 * stdin: one page a line, "PATH<TAB>URL". For each page, after reading the
 * file, ov_transform_extract() and ov_article_to_json() are timed (process
 * CPU time and wall time), then one record goes to stdout:
 *   "CPU_SECONDS WALL_SECONDS JSON_BYTES\n" followed by that many bytes of
 *   JSON (the object `octavo extract --json` prints; empty when nothing was
 *   found) and "\n".
 * Built by bench/extract against build/liboctavo.so; not part of the product.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "octavo/transform.h"

#define PAGE_MAX (16u << 20) /* as OV_TRANSFORM_MAX_INPUT would refuse beyond */

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(PAGE_MAX);
    *len = b ? fread(b, 1, PAGE_MAX, f) : 0;
    fclose(f);
    return b;
}

int main(void)
{
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        const char *url = NULL;
        if (tab) {
            *tab = '\0';
            url = tab + 1;
        }
        size_t len = 0;
        unsigned char *page = slurp(line, &len);
        char *json = NULL;
        double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        if (page) {
            ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
            ov_article *a = NULL;
            ov_error err;
            ov_error_clear(&err);
            if (ov_transform_extract(page, len, url && *url ? url : line, &o, &a, &err) == 0)
                ov_article_to_json(a, &json, &err);
            ov_article_free(a);
        }
        double c1 = now(CLOCK_PROCESS_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
        size_t n = json ? strlen(json) : 0;
        printf("%.6f %.6f %zu\n", c1 - c0, w1 - w0, n);
        if (n)
            fwrite(json, 1, n, stdout);
        putchar('\n');
        fflush(stdout);
        free(json);
        free(page);
    }
    return 0;
}
