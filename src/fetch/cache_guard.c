/*
 * cache_guard.c - the cache is disposable.
 *
 * A cache only saves bandwidth, so nothing wrong with it may stop a run: an
 * index that SQLite cannot read (a crash, a foreign file) is moved aside as
 * index.sqlite.corrupt and a new one is made; a cache folder that cannot be
 * created or written makes the run go on without a cache. Either way a
 * warning says so on stderr. (Bodies whose size differs from the index are
 * ignored by ov__cache_lookup.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_internal.h"

void ov__cache_open_or_bypass(const char *dir, ov__cache **out)
{
    ov_error err;
    ov_error_clear(&err);
    *out = NULL;
    if (ov__cache_open(dir, out, &err) == 0)
        return;
    char path[4096], aside[4096 + 16];
    int n = snprintf(path, sizeof path, "%s/index.sqlite", dir);
    if (n > 0 && (size_t)n < sizeof path && strstr(err.message, "cache index")) {
        snprintf(aside, sizeof aside, "%s.corrupt", path);
        if (rename(path, aside) == 0) {
            char wal[4096 + 8];
            snprintf(wal, sizeof wal, "%s-wal", path);
            remove(wal);
            snprintf(wal, sizeof wal, "%s-shm", path);
            remove(wal);
            ov_error first = err;
            ov_error_clear(&err);
            if (ov__cache_open(dir, out, &err) == 0) {
                fprintf(stderr,
                        "octavo: warning: cache: %s; moved aside as %s, starting a new index\n",
                        first.message, aside);
                return;
            }
        }
    }
    fprintf(stderr, "octavo: warning: cache %s: %s; running without the cache\n", dir,
            err.message);
    *out = NULL;
}
