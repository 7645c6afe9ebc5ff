/* The build's worker pool (src/build/workers.c): every piece comes back
 * once, done, from any number of threads, and a full pool runs the piece
 * on the caller's thread instead of blocking. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "build/workers.h"

typedef struct piece {
    ov__work w;
    int n;
    long sum;            /* out: 1 + 2 + ... + n */
    pthread_t ran_on;
} piece;

static atomic_int woken;

static void add_up(ov__work *w)
{
    piece *p = (piece *)w;
    for (int i = 1; i <= p->n; i++)
        p->sum += i;
    p->ran_on = pthread_self();
}

static void wake(void *ud)
{
    (void)ud;
    atomic_fetch_add(&woken, 1);
}

/* Collect what is done (waiting for each when `wait`), counting each
 * piece in seen[]; returns how many came back. */
static int collect_all(ov__workers *pool, piece *ps, int *seen, int wait)
{
    int n = 0;
    ov__work *w;
    while ((w = ov__workers_collect(pool, wait)) != NULL) {
        seen[(piece *)w - ps]++;
        n++;
    }
    return n;
}

static void run_pool(size_t threads, size_t max_pending, int n_pieces)
{
    ov__workers *pool = NULL;
    cr_assert_eq(ov__workers_new(threads, max_pending, &pool), 0);
    ov__workers_set_wake(pool, wake, NULL);
    piece *ps = calloc((size_t)n_pieces, sizeof *ps);
    int *seen = calloc((size_t)n_pieces, sizeof *seen);
    int collected = 0;
    for (int i = 0; i < n_pieces; i++) {
        ps[i].w.fn = add_up;
        ps[i].n = 1000 + i;
        ov__workers_submit(pool, &ps[i].w);
        cr_assert_leq(ov__workers_outstanding(pool), max_pending + 1);
        collected += collect_all(pool, ps, seen, 0);
    }
    collected += collect_all(pool, ps, seen, 1);
    cr_assert_eq(collected, n_pieces);
    cr_assert_eq(ov__workers_outstanding(pool), 0);
    for (int i = 0; i < n_pieces; i++) {
        long n = ps[i].n;
        cr_assert_eq(seen[i], 1, "piece %d came back %d times", i, seen[i]);
        cr_assert_eq(ps[i].sum, n * (n + 1) / 2);
    }
    ov__workers_free(pool);
    free(ps);
    free(seen);
}

Test(build_workers, every_piece_comes_back_once)
{
    run_pool(2, 4, 500);
    run_pool(ov__workers_default_threads(), 64, 300);
    run_pool(8, 1, 200);
}

Test(build_workers, no_thread_runs_on_submission)
{
    ov__workers *pool = NULL;
    cr_assert_eq(ov__workers_new(0, 4, &pool), 0);
    piece p = {{add_up, NULL}, 10, 0, 0};
    ov__workers_submit(pool, &p.w);
    cr_assert(pthread_equal(p.ran_on, pthread_self()));
    cr_assert_eq(ov__workers_collect(pool, 1), &p.w);
    cr_assert_null(ov__workers_collect(pool, 1), "nothing outstanding: no wait");
    ov__workers_free(pool);
}

Test(build_workers, a_full_pool_runs_the_piece_on_the_caller)
{
    ov__workers *pool = NULL;
    cr_assert_eq(ov__workers_new(1, 1, &pool), 0);
    piece a = {{add_up, NULL}, 100000, 0, 0}, b = {{add_up, NULL}, 10, 0, 0};
    ov__workers_submit(pool, &a.w);
    ov__workers_submit(pool, &b.w); /* a is still out: b runs here */
    cr_assert(pthread_equal(b.ran_on, pthread_self()));
    int n = 0;
    while (ov__workers_collect(pool, 1))
        n++;
    cr_assert_eq(n, 2);
    cr_assert(!pthread_equal(a.ran_on, pthread_self()));
    ov__workers_free(pool);
}

static sem_t rung;

static void ring(void *ud)
{
    (void)ud;
    sem_post(&rung);
}

/* The pipeline's way: sleep until woken, then drain. The pool wakes only
 * for a piece that finds nothing waiting, so a lost wake would hang here
 * (and time out) with pieces done and uncollected. */
static void drain_when_woken(size_t threads, int n_pieces)
{
    ov__workers *pool = NULL;
    cr_assert_eq(sem_init(&rung, 0, 0), 0);
    cr_assert_eq(ov__workers_new(threads, (size_t)n_pieces, &pool), 0);
    ov__workers_set_wake(pool, ring, NULL);
    piece *ps = calloc((size_t)n_pieces, sizeof *ps);
    int *seen = calloc((size_t)n_pieces, sizeof *seen);
    for (int i = 0; i < n_pieces; i++) {
        ps[i].w.fn = add_up;
        ps[i].n = 1 + (i % 7) * 3000;
        ov__workers_submit(pool, &ps[i].w);
    }
    int collected = 0, wakes = 0;
    while (collected < n_pieces) {
        sem_wait(&rung);
        wakes++;
        collected += collect_all(pool, ps, seen, 0);
    }
    cr_assert_eq(collected, n_pieces);
    cr_assert_leq(wakes, n_pieces);
    for (int i = 0; i < n_pieces; i++)
        cr_assert_eq(seen[i], 1, "piece %d came back %d times", i, seen[i]);
    ov__workers_free(pool);
    sem_destroy(&rung);
    free(ps);
    free(seen);
}

Test(build_workers, a_woken_collector_that_drains_gets_every_piece, .timeout = 60)
{
    for (int round = 0; round < 20; round++) {
        drain_when_woken(2, 300);
        drain_when_woken(8, 100);
    }
}
