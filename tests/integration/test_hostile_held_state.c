/*
 * State and machine cases that held (issue 14, "keep what held"; the map of
 * every case to its test is at the top of test_hostile_held.c): a truncated
 * or foreign state database, two runs of one recipe at once, kill -9 at four
 * points of a recipe run, a read-only output folder and a full 5 MB disk
 * (both in a mount namespace of the test's own; skipped where one cannot be
 * made). Articles come from tests/support/rawserver; books go to the gate
 * folder, so the epubcheck tier checks them.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "ov_test.h"
#include "rawserver.h"

#define N_ARTICLES 30

static ov_test_raw *rs;

static void start(void)
{
    cr_assert_eq(ov_test_raw_start("127.0.0.1", &rs), 0, "raw server did not start");
    char feed[16384];
    int n = snprintf(feed, sizeof feed,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                     "<title>Held state</title><link>%s/</link><description>d</description>\n",
                     ov_test_raw_base(rs));
    for (int i = 0; i < N_ARTICLES; i++)
        n += snprintf(feed + n, sizeof feed - (size_t)n,
                      "<item><title>State %d</title><link>%s/a/state%d</link></item>\n", i,
                      ov_test_raw_base(rs), i);
    n += snprintf(feed + n, sizeof feed - (size_t)n, "</channel></rss>\n");
    char head[256];
    int h = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     "Content-Length: %d\r\nConnection: close\r\n\r\n", n);
    char *raw = malloc((size_t)(h + n) + 1);
    memcpy(raw, head, (size_t)h);
    memcpy(raw + h, feed, (size_t)n);
    ov_test_raw_set(rs, "/feed.xml", raw, (size_t)(h + n));
    free(raw);
}

static void stop(void)
{
    ov_test_raw_stop(rs);
}

TestSuite(held_state, .init = start, .fini = stop, .timeout = 300);

typedef struct series {
    char *tmp, *recipe, *state, *books; /* books: a folder of its own in the gate folder */
} series;

/* A recipe over the feed writing books/<name>/<name>-%n.epub, with `extra`
   recipe lines in [publication]. */
static void series_make(series *s, const char *name, const char *extra)
{
    s->tmp = ov_test_tmpdir(name);
    char rel[256];
    snprintf(rel, sizeof rel, "%s/x", name);
    s->books = ov_test_book_path(rel);
    *strrchr(s->books, '/') = '\0';
    mkdir(s->books, 0755);
    DIR *d = opendir(s->books);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", s->books, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    if (asprintf(&s->recipe, "%s/%s.recipe", s->tmp, name) < 0 ||
        asprintf(&s->state, "%s/state.db", s->tmp) < 0)
        cr_assert_fail();
    FILE *f = fopen(s->recipe, "w");
    cr_assert(f);
    fprintf(f, "[publication]\ntitle = \"Held %s\"\nlanguage = en\noldest = 0\n"
               "output = \"%s/%s-%%n.epub\"\n%s\n[section \"News\"]\nfeed = %s/feed.xml\n",
            name, s->books, name, extra ? extra : "", ov_test_raw_base(rs));
    fclose(f);
}

static void series_free(series *s)
{
    free(s->tmp);
    free(s->recipe);
    free(s->state);
    free(s->books);
}

static int run_recipe(series *s, ov_test_run *r)
{
    return ov_test_octavo(r, NULL, "build", "--recipe", s->recipe, "--state", s->state,
                          "--no-cache", "-q", NULL);
}

static char *book_path(series *s, const char *name, int n)
{
    char *p;
    if (asprintf(&p, "%s/%s-%d.epub", s->books, name, n) < 0)
        cr_assert_fail();
    return p;
}

static int book_has(const char *path, const char *text)
{
    char *t = ov_test_zip_entry(path, "a001.xhtml", NULL);
    int ok = t && strstr(t, text);
    free(t);
    return ok;
}

/* A state database cut in half, and a SQLite file of some other program:
   the run stops with exit 1 naming the file, writes no book, and leaves
   the file as it was. */
static void bad_state_case(const char *name, int foreign)
{
    series s;
    series_make(&s, name, NULL);
    ov_test_run r;
    int st = run_recipe(&s, &r);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    char *one = book_path(&s, name, 1);
    cr_assert(book_has(one, "Words of article state0"), "issue 1 lacks its articles");
    size_t n = 0;
    if (foreign) {
        unlink(s.state);
        sqlite3 *db = NULL;
        cr_assert_eq(sqlite3_open(s.state, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                                      "INSERT INTO notes(body) VALUES('someone else''s data');",
                                  NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
    } else {
        char *sql = ov_test_slurp(s.state, &n);
        cr_assert(sql && n > 4096, "state is %zu bytes", n);
        cr_assert_eq(truncate(s.state, (off_t)(n / 2)), 0);
        free(sql);
    }
    char *before = ov_test_slurp(s.state, &n);
    st = run_recipe(&s, &r);
    cr_assert_eq(st, 1, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, s.state), "the state file is not named:\n%s", r.err);
    char *two = book_path(&s, name, 2);
    struct stat sb;
    cr_assert_neq(stat(two, &sb), 0, "a book was written from a broken state");
    size_t m = 0;
    char *after = ov_test_slurp(s.state, &m);
    cr_assert(after && m == n && memcmp(before, after, n) == 0, "the state file was changed");
    cr_assert(book_has(one, "Words of article state0"), "issue 1 was damaged");
    free(before);
    free(after);
    free(two);
    free(one);
    ov_test_run_free(&r);
    series_free(&s);
}

Test(held_state, truncated_state_database) { bad_state_case("truncated-state", 0); }
Test(held_state, foreign_state_database) { bad_state_case("foreign-state", 1); }

static pid_t spawn_recipe(series *s)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(ov_test_cli(), ov_test_cli(), "build", "--recipe", s->recipe, "--state", s->state,
              "--no-cache", "-q", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Two runs of one recipe at once: the second stops at once saying so, the
   first writes issue 1 undisturbed. delay_ms makes the first run last. */
Test(held_state, two_runs_at_once)
{
    series s;
    series_make(&s, "two-runs", "delay_ms = 60");
    pid_t first = spawn_recipe(&s);
    usleep(500000);
    ov_test_run r;
    double t0 = now_s();
    int st = run_recipe(&s, &r);
    double took = now_s() - t0;
    int status = 0;
    waitpid(first, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first run: status %d", status);
    cr_assert_eq(st, 1, "the second run: exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "in progress"), "%s", r.err);
    cr_assert_lt(took, 5.0, "the second run waited %.1f s", took);
    char *one = book_path(&s, "two-runs", 1), *two = book_path(&s, "two-runs", 2);
    struct stat sb;
    cr_assert(book_has(one, "Words of article state0"), "issue 1 lacks its articles");
    cr_assert_neq(stat(two, &sb), 0, "the second run wrote a book");
    ov_test_run_free(&r);
    free(one);
    free(two);
    series_free(&s);
}

/* The issues the state records, as "1,2,3," (from sqlite directly). */
static void recorded_issues(const char *state, char *buf, size_t size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    buf[0] = '\0';
    cr_assert_eq(sqlite3_open_v2(state, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT number FROM issues ORDER BY number", -1, &q, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    size_t n = 0;
    while (sqlite3_step(q) == SQLITE_ROW && n < size - 16)
        n += (size_t)snprintf(buf + n, size - n, "%d,", sqlite3_column_int(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void integrity_ok(const char *state)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_open_v2(state, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* kill -9 at four points of recipe runs (early in fetching, mid-way, late,
   at the very end), then a run to completion after each: the state passes
   PRAGMA integrity_check after every kill, and at the end the issue numbers
   recorded and the books on disk are the same run 1..N, none skipped, none
   repeated. Kill times come from a timed, unkilled run. */
Test(held_state, kill_nine_at_four_points, .timeout = 600)
{
    series s;
    series_make(&s, "kill-nine", "delay_ms = 20");
    double t0 = now_s();
    ov_test_run r;
    int st = run_recipe(&s, &r);
    double span = now_s() - t0;
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    static const double points[] = {0.05, 0.4, 0.8, 0.98};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        pid_t pid = spawn_recipe(&s);
        usleep((useconds_t)(points[i] * span * 1e6));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        integrity_ok(s.state);
        st = run_recipe(&s, &r);
        cr_assert(st == 0, "after the kill at %.0f%%: exit %d\nstderr: %s", points[i] * 100, st,
                  r.err);
        ov_test_run_free(&r);
        integrity_ok(s.state);
    }
    char issues[1024], want[1024];
    recorded_issues(s.state, issues, sizeof issues);
    size_t n = 0;
    int count = 0;
    want[0] = '\0';
    for (const char *p = issues; *p; p = strchr(p, ',') + 1)
        count++;
    for (int i = 1; i <= count; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%d,", i);
    cr_assert_str_eq(issues, want, "issue numbers skipped or repeated");
    cr_assert_geq(count, 5, "%d issues for 5 completed runs", count);
    for (int i = 1; i <= count; i++) {
        char *b = book_path(&s, "kill-nine", i);
        cr_assert(book_has(b, "Words of article state0"), "book %d missing or without text", i);
        free(b);
    }
    char *next = book_path(&s, "kill-nine", count + 1);
    struct stat sb;
    cr_assert_neq(stat(next, &sb), 0, "a book beyond the recorded issues: %s", next);
    free(next);
    series_free(&s);
}

/* A mount namespace of the test's own with a tmpfs at `dir` (`opts`, e.g.
   "size=5m"), read-only when `ro`; 0, or -1 when not allowed (not root). */
static int private_tmpfs(const char *dir, const char *opts, int ro)
{
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return -1;
    return mount("held", dir, "tmpfs", ro ? MS_RDONLY : 0, opts);
}

static char *one_page(const char *dir, const char *name, const char *words)
{
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        cr_assert_fail();
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fprintf(f, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title>"
               "</head><body><article><h1>%s</h1><p>%s, a paragraph long enough to be the body "
               "of the article on its own.</p></article></body></html>", name, name, words);
    fclose(f);
    return p;
}

/* A read-only output folder (a read-only tmpfs: root writes anywhere else):
   exit 1 naming the book, nothing written; the same build to a writable
   folder then works. */
Test(held_state, read_only_output_folder)
{
    char *tmp = ov_test_tmpdir("held-readonly");
    char *ro = NULL;
    if (asprintf(&ro, "%s/ro", tmp) < 0)
        cr_assert_fail();
    cr_assert_eq(mkdir(ro, 0755), 0);
    char *page = one_page(tmp, "page.html", "Words of the read-only case");
    if (private_tmpfs(ro, "size=1m", 1) != 0)
        cr_skip_test("cannot make a mount namespace here (needs root)");
    char *target = NULL;
    if (asprintf(&target, "%s/book.epub", ro) < 0)
        cr_assert_fail();
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", page, "-o", target, NULL);
    cr_assert_eq(st, 1, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, target) || strstr(r.err, ro), "the folder is not named:\n%s", r.err);
    DIR *d = opendir(ro);
    int entries = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        entries += e->d_name[0] != '.';
    closedir(d);
    cr_assert_eq(entries, 0);
    ov_test_run_free(&r);
    char *out = ov_test_book_path("held-readonly.epub");
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", page, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(book_has(out, "Words of the read-only case"));
    ov_test_run_free(&r);
    free(out);
    free(target);
    free(page);
    free(ro);
    free(tmp);
}

/* A full 5 MB disk: a book there, then the disk filled to its last 16 KB and
   a bigger book built over it: exit 1, the old book byte-identical, no
   temporary file left beside it. */
Test(held_state, full_5_mb_disk)
{
    char *tmp = ov_test_tmpdir("held-fulldisk");
    char *disk = NULL;
    if (asprintf(&disk, "%s/disk", tmp) < 0)
        cr_assert_fail();
    cr_assert_eq(mkdir(disk, 0755), 0);
    char *small = one_page(tmp, "small.html", "Words of the small book");
    if (private_tmpfs(disk, "size=5m", 0) != 0)
        cr_skip_test("cannot make a mount namespace here (needs root)");
    char *target = NULL;
    if (asprintf(&target, "%s/book.epub", disk) < 0)
        cr_assert_fail();
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", small, "-o", target, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    size_t n0 = 0;
    char *before = ov_test_slurp(target, &n0);
    /* fill the disk */
    char *fill = NULL;
    if (asprintf(&fill, "%s/fill", disk) < 0)
        cr_assert_fail();
    int fd = open(fill, O_WRONLY | O_CREAT, 0644);
    cr_assert(fd >= 0);
    static char block[16384];
    memset(block, 'f', sizeof block);
    while (write(fd, block, sizeof block) == (ssize_t)sizeof block)
        ;
    close(fd);
    struct stat sb;
    cr_assert_eq(stat(fill, &sb), 0);
    cr_assert(truncate(fill, sb.st_size - 16384) == 0);
    /* a bigger book: many paragraphs of varied text */
    char *big = NULL;
    if (asprintf(&big, "%s/big.html", tmp) < 0)
        cr_assert_fail();
    FILE *f = fopen(big, "w");
    cr_assert(f);
    fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Big</title>"
          "</head><body><article><h1>Big</h1>", f);
    unsigned x = 12345;
    for (int p = 0; p < 4000; p++) {
        fputs("<p>", f);
        for (int w = 0; w < 12; w++) {
            x = x * 1103515245u + 12345u;
            fprintf(f, "w%08x ", x);
        }
        fputs("</p>", f);
    }
    fputs("</article></body></html>", f);
    fclose(f);
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", big, "-o", target, NULL);
    cr_assert_eq(st, 1, "exit %d\nstderr: %s", st, r.err);
    size_t n1 = 0;
    char *after = ov_test_slurp(target, &n1);
    cr_assert(after && n0 == n1 && memcmp(before, after, n0) == 0, "the old book was changed");
    DIR *d = opendir(disk);
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        cr_assert(e->d_name[0] == '.' || !strcmp(e->d_name, "book.epub") ||
                      !strcmp(e->d_name, "fill"),
                  "left behind: %s", e->d_name);
    closedir(d);
    ov_test_run_free(&r);
    /* the old book is the one the gate checks */
    char *out = ov_test_book_path("held-fulldisk.epub");
    f = fopen(out, "wb");
    cr_assert(f);
    fwrite(before, 1, n0, f);
    fclose(f);
    cr_assert(book_has(out, "Words of the small book"));
    free(out);
    free(after);
    free(before);
    free(big);
    free(fill);
    free(target);
    free(small);
    free(disk);
    free(tmp);
}
