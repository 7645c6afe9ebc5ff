/*
 * One build from the command line: the edge where the outside world comes
 * in. The clock (SOURCE_DATE_EPOCH or now), the environment (XDG cache
 * folder) and the terminal (progress only on a TTY) are read here and handed
 * to ov_build() (src/build/build.c), which does the work; this file prints
 * the skips and the outcome and turns it into the exit code.
 */
#include "cli/build_run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "util/progress.h"

void ov__build_options_init(ov__build_options *o)
{
    memset(o, 0, sizeof *o);
    ov_build_options b = OV_BUILD_OPTIONS_INIT;
    o->b = b;
    o->b.inputs = o->inputs;
    o->b.authors = o->authors;
}

/* SOURCE_DATE_EPOCH when set and valid, else `now`. */
static int64_t modified_time(int64_t now)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return now;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || *end || v < 0) {
        fprintf(stderr, "octavo: ignoring invalid SOURCE_DATE_EPOCH '%s'\n", sde);
        return now;
    }
    return (int64_t)v;
}

static char *default_cache_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char buf[PATH_MAX];
    if (xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/octavo", xdg);
    else if (home && *home)
        snprintf(buf, sizeof buf, "%s/.cache/octavo", home);
    else
        return NULL;
    return strdup(buf);
}

static void print_skip(void *ud, const char *url, const char *reason)
{
    (void)ud;
    ov__progress_clear(stderr); /* above the bar, not glued onto it */
    fprintf(stderr, "octavo: skipped %s: %s\n", url && *url ? url : "(input)", reason);
}

int ov__build_run(ov__build_options *o)
{
    ov_build_options *b = &o->b;
    /* With SOURCE_DATE_EPOCH set it is the clock for everything the book
     * shows (fetch times, the --oldest cutoff, dates), so a rebuild from a
     * recording gives the same bytes. */
    (void)ov__progress_elapsed(); /* the summary's "in N s" counts from here */
    b->now = modified_time((int64_t)time(NULL));
    b->fetch.progress = o->force_progress || (!b->quiet && isatty(2));
    b->on_skip = print_skip;
    char *cache = NULL;
    if (!o->no_cache && !b->warc_path && !b->from_warc) {
        cache = o->cache_dir ? strdup(o->cache_dir) : default_cache_dir();
        b->fetch.cache_dir = cache;
    }
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
    int code = OV_EXIT_FAIL;
    if (ov_build(b, &res, &err) != 0) {
        fprintf(stderr, "octavo: %s\n", ov_error_format(&err, msg, sizeof msg));
        code = err.code == OV_EINVAL ? OV_EXIT_USAGE : OV_EXIT_FAIL;
        goto cleanup;
    }
    code = res->exit_code;
    if (code == OV_EXIT_NOTHING)
        fprintf(stderr, "octavo: nothing new: all %zu articles were delivered before; "
                        "no book written\n", res->n_seen);
    else if (!b->quiet) {
        struct stat st;
        double mb = b->output && stat(b->output, &st) == 0 ? (double)st.st_size / 1e6 : 0;
        fprintf(stderr, "octavo: wrote %s: %zu articles, %zu images%s%zu skipped, %.1f MB in %.1f s\n",
                b->output, res->n_articles, res->n_images,
                res->n_duplicates ? ", duplicates dropped, " : ", ", res->n_skips, mb,
                ov__progress_elapsed());
    }
cleanup:
    ov_build_result_free(res);
    b->fetch.cache_dir = NULL;
    free(cache);
    return code;
}
