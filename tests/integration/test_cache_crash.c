/*
 * The conditional-GET cache under SIGKILL. The cache batches its index rows
 * into transactions and writes bodies without fsync (fetch/cache.c), so it
 * must stay readable and consistent whenever a run dies: kill builds with
 * the cache on at moments spread over a whole run, and after every kill
 *   - PRAGMA integrity_check says "ok";
 *   - every row's body (a BLOB in the row; a file under bodies/ for rows of
 *     older caches) is there and has the size the row records;
 * and at the end a normal build from that cache writes exactly the book a
 * --no-cache build writes. A body cut short behind the cache's back, in
 * the index or (old rows) in its file, is a miss (fetched again), never a
 * shorter page in the book.
 *
 * The site (our own generated pages, served by loopback nginx) is made
 * here. Kill times come from a timed run (used to place the kills, never
 * asserted); the seed is printed and OV_KILL_SEED=N repeats a sequence.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nginx.h"
#include "ov_test.h"

#define N_PAGES 300
#define KILL_ROUNDS 12

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* N_PAGES article pages and an RSS feed of them under `root`/site. */
static void make_site(const char *root, const char *base)
{
    char path[1200], page[4096];
    snprintf(path, sizeof path, "%s/site", root);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/site/feed.xml", root);
    FILE *feed = fopen(path, "w");
    cr_assert(feed);
    fprintf(feed, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
                  "<title>Cache crash test</title><link>%s/site/</link>"
                  "<description>generated</description>\n", base);
    for (int i = 0; i < N_PAGES; i++) {
        int n = snprintf(page, sizeof page,
                         "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                         "<title>Ferry report %d</title></head><body><article><h1>Ferry report %d</h1>",
                         i, i);
        for (int p = 0; p < 6; p++)
            n += snprintf(page + n, sizeof page - (size_t)n,
                          "<p>Paragraph %d of report %d: the morning ferry left the harbour on "
                          "time and the new timetable shortened the crossing for commuters.</p>",
                          p, i);
        snprintf(page + n, sizeof page - (size_t)n, "</article></body></html>\n");
        snprintf(path, sizeof path, "%s/site/a%03d.html", root, i);
        write_text(path, page);
        fprintf(feed, "<item><title>Ferry report %d</title><link>%s/site/a%03d.html</link></item>\n",
                i, base, i);
    }
    fprintf(feed, "</channel></rss>\n");
    fclose(feed);
}

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int run_wait(char *const argv[])
{
    int st;
    pid_t p = spawn(argv);
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Check the cache in `dir`; returns the number of rows. */
static int check_cache(const char *dir, int round)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/index.sqlite", dir);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0; /* killed before the index was made */
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK,
                 "round %d: cannot open the cache index", round);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "ok", "round %d: index damaged",
                     round);
    sqlite3_finalize(st);
    int rows = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT url, body, size, length(data) FROM entries", -1,
                                &st, NULL);
    if (rc != SQLITE_OK) { /* killed between creating the file and the table */
        sqlite3_close(db);
        return 0;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *url = (const char *)sqlite3_column_text(st, 0);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        sqlite3_int64 size = sqlite3_column_int64(st, 2);
        rows++;
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            cr_expect_eq(sqlite3_column_int64(st, 3), size,
                         "round %d: the body of %s has %lld bytes, its row says %lld", round, url,
                         (long long)sqlite3_column_int64(st, 3), (long long)size);
            continue;
        }
        snprintf(path, sizeof path, "%s/bodies/%s", dir, body ? body : "?");
        cr_expect_eq(stat(path, &sb), 0, "round %d: the row of %s names a missing body", round,
                     url);
        cr_expect_eq((sqlite3_int64)sb.st_size, size,
                     "round %d: the body of %s has %lld bytes, its row says %lld", round, url,
                     (long long)sb.st_size, (long long)size);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

/* Behind the cache's back, row by row in turn: cut the body in the index;
 * move it to a file under bodies/ as older caches kept it (served); move
 * it to a file and cut that (a miss). */
static void cut_bodies(const char *dir)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/bodies", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/index.sqlite", dir);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT rowid, data FROM entries", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        char sql[200];
        if (n % 3 == 0) {
            snprintf(sql, sizeof sql, "UPDATE entries SET data = substr(data, 1, size / 2)"
                                      " WHERE rowid = %lld", (long long)id);
        } else {
            const void *blob = sqlite3_column_blob(st, 1);
            int len = sqlite3_column_bytes(st, 1);
            snprintf(path, sizeof path, "%s/bodies/old%lld", dir, (long long)id);
            FILE *f = fopen(path, "wb");
            cr_assert(f);
            fwrite(blob, 1, n % 3 == 1 ? (size_t)len : (size_t)len / 2, f);
            fclose(f);
            snprintf(sql, sizeof sql, "UPDATE entries SET data = NULL, body = 'old%lld'"
                                      " WHERE rowid = %lld", (long long)id, (long long)id);
        }
        cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
        n++;
    }
    sqlite3_finalize(st);
    cr_assert_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_gt(n, 2);
}

Test(cache_crash, sigkill_leaves_a_consistent_cache, .timeout = 900)
{
    char *dir = ov_test_tmpdir("cache-crash");
    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(dir, &ng), 0, "nginx did not start");
    make_site(dir, ov_test_nginx_base(ng));
    char *feed = ov_test_nginx_url(ng, "/site/feed.xml");
    char cache[1200], ref[1200], out[1200];
    snprintf(cache, sizeof cache, "%s/cache", dir);
    snprintf(ref, sizeof ref, "%s/ref.epub", dir);
    snprintf(out, sizeof out, "%s/cached.epub", dir);
    char *cli = (char *)ov_test_cli();

    char *ref_argv[] = {cli, "build", "-q", "--no-cache", feed, "-o", ref, NULL};
    double t0 = now_s();
    cr_assert_eq(run_wait(ref_argv), 0, "the reference build failed");
    double span = now_s() - t0;

    unsigned seed = getenv("OV_KILL_SEED") ? (unsigned)strtoul(getenv("OV_KILL_SEED"), NULL, 10)
                                           : (unsigned)time(NULL);
    fprintf(stderr, "cache_crash: seed %u, %d rounds over %.3f s\n", seed, KILL_ROUNDS, span);
    char *argv[] = {cli, "build", "-q", "--cache-dir", cache, feed, "-o", out, NULL};
    int max_rows = 0, killed = 0;
    for (int i = 0; i < KILL_ROUNDS; i++) {
        if (i % 4 == 0) { /* now and then from an empty cache, so early kills happen too */
            char cmd[1400];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
            cr_assert_eq(system(cmd), 0);
        }
        double at = span * (double)rand_r(&seed) / (double)RAND_MAX;
        pid_t k = spawn(argv);
        struct timespec d = {(time_t)at, (long)((at - (double)(time_t)at) * 1e9)};
        nanosleep(&d, NULL);
        kill(k, SIGKILL);
        int st;
        waitpid(k, &st, 0);
        killed += WIFSIGNALED(st);
        int rows = check_cache(cache, i);
        if (rows > max_rows)
            max_rows = rows;
    }
    fprintf(stderr, "cache_crash: %d of %d runs killed, up to %d rows left\n", killed,
            KILL_ROUNDS, max_rows);
    cr_expect_gt(killed, 0, "no run was killed: the test tested nothing");

    /* after the kills the cache serves a complete, identical book */
    cr_assert_eq(run_wait(argv), 0, "a build from the crashed cache failed");
    cr_assert_gt(check_cache(cache, -1), N_PAGES / 2, "the completed run left few rows");
    size_t rl = 0, ol = 0;
    char *rb = ov_test_slurp(ref, &rl), *ob = ov_test_slurp(out, &ol);
    cr_assert(rb && ob && rl == ol && memcmp(rb, ob, rl) == 0,
              "the book from the cache differs from the --no-cache book");
    free(ob);

    /* a body cut short behind the cache's back is a miss, not a short page;
     * rows of an older cache (body in a file) are still served */
    cut_bodies(cache);
    cr_assert_eq(run_wait(argv), 0, "a build over truncated bodies failed");
    ob = ov_test_slurp(out, &ol);
    cr_assert(ob && rl == ol && memcmp(rb, ob, rl) == 0,
              "truncated cache bodies changed the book");
    check_cache(cache, -2);
    free(ob);
    free(rb);
    free(feed);
    ov_test_nginx_stop(ng);
    free(dir);
}
