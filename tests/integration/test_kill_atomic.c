/*
 * Atomic output under SIGKILL: octavo writes the book to a temporary file
 * next to the target and renames it over the target only when it is
 * complete. Kill it at random moments while it rebuilds a book over an
 * existing one: the target must always be byte-identical to the previous
 * book or to the new one (builds are reproducible under SOURCE_DATE_EPOCH),
 * never a torn file.
 *
 * Kill points are spread over the whole run: a timed, unkilled build gives
 * the span (the time is used to place the kills, never asserted). The seed
 * is printed; OV_KILL_SEED=N repeats a sequence and OV_KILL_ROUNDS=N changes
 * the count.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ov_test.h"

#define KILL_ROUNDS_DEFAULT 40

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static char *file_bytes(const char *path, size_t *len)
{
    *len = 0;
    return ov_test_slurp(path, len);
}

static int same(const char *a, size_t al, const char *b, size_t bl)
{
    return a && b && al == bl && memcmp(a, b, al) == 0;
}

Test(kill, sigkill_never_leaves_a_broken_book, .timeout = 900)
{
    char *dir = ov_test_tmpdir("kill");
    char *site = ov_test_source_path("examples/sample-site");
    char target[1024], oldp[1100], newp[1100];
    cr_assert_lt((size_t)snprintf(target, sizeof target, "%s/book.epub", dir), sizeof target);
    cr_assert_lt((size_t)snprintf(oldp, sizeof oldp, "%s/old.epub", dir), sizeof oldp);
    cr_assert_lt((size_t)snprintf(newp, sizeof newp, "%s/new.epub", dir), sizeof newp);
    char *cli = (char *)ov_test_cli();

    /* the previous book and the book the killed runs would write */
    char *old_argv[] = {cli, "build", "-q", "--no-cache", "--title", "Before", site, "-o", oldp, NULL};
    char *new_argv[] = {cli, "build", "-q", "--no-cache", "--title", "After", site, "-o", newp, NULL};
    int st;
    pid_t p = spawn(old_argv);
    waitpid(p, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "old build failed");
    double t0 = now_s();
    p = spawn(new_argv);
    waitpid(p, &st, 0);
    double span = now_s() - t0;
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "new build failed");
    size_t oldl, newl;
    char *oldb = file_bytes(oldp, &oldl), *newb = file_bytes(newp, &newl);
    cr_assert(oldb && newb && !same(oldb, oldl, newb, newl));

    unsigned seed = getenv("OV_KILL_SEED") ? (unsigned)strtoul(getenv("OV_KILL_SEED"), NULL, 10)
                                           : (unsigned)time(NULL);
    int rounds = getenv("OV_KILL_ROUNDS") ? atoi(getenv("OV_KILL_ROUNDS")) : KILL_ROUNDS_DEFAULT;
    fprintf(stderr, "kill: seed %u, %d rounds over %.3f s\n", seed, rounds, span);
    int saw_old = 0, saw_new = 0, saw_none = 0, finished = 0;
    for (int i = 0; i < rounds; i++) {
        /* start from the previous book, or (every fourth round) from none */
        int fresh = i % 4 == 3;
        char cmd[2400];
        if (fresh) {
            unlink(target);
        } else {
            cr_assert_lt((size_t)snprintf(cmd, sizeof cmd, "cp '%s' '%s'", oldp, target), sizeof cmd);
            cr_assert_eq(system(cmd), 0);
        }
        char *argv[] = {cli, "build", "-q", "--no-cache", "--title", "After", site, "-o", target, NULL};
        double at = span * 1.2 * (double)rand_r(&seed) / (double)RAND_MAX;
        pid_t k = spawn(argv);
        struct timespec d = {(time_t)at, (long)((at - (double)(time_t)at) * 1e9)};
        nanosleep(&d, NULL);
        kill(k, SIGKILL);
        waitpid(k, &st, 0);
        if (WIFEXITED(st)) finished++;
        size_t gotl;
        char *got = file_bytes(target, &gotl);
        int is_old = same(got, gotl, oldb, oldl), is_new = same(got, gotl, newb, newl);
        int is_none = fresh && got == NULL;
        if (is_none) saw_none++;
        cr_expect(is_old || is_new || is_none, "round %d (kill at %.3f s, seed %u): %s holds %zu bytes, neither book", i, at,
                  seed, target, gotl);
        saw_old += is_old;
        saw_new += is_new;
        free(got);
        /* a killed run leaves its temporary file (nothing can remove it on SIGKILL); it must
         * never be mistaken for the book, and the next round must still succeed: drop it */
        DIR *dd = opendir(dir);
        for (struct dirent *e; dd && (e = readdir(dd)) != NULL;)
            if (strstr(e->d_name, "book.epub.tmp.")) {
                char tp[1400];
                cr_assert_lt((size_t)snprintf(tp, sizeof tp, "%s/%s", dir, e->d_name), sizeof tp);
                unlink(tp);
            }
        if (dd) closedir(dd);
    }
    fprintf(stderr, "kill: %d rounds: previous book %d, no book %d, new book %d (runs that finished before the kill: %d)\n",
            rounds, saw_old, saw_none, saw_new, finished);
    cr_expect_gt(saw_old, 0, "no kill landed before the rename: the test did not test anything");
    free(oldb);
    free(newb);
    free(site);
    free(dir);
}
