/*
 * workers.c - the build's worker pool (see workers.h).
 *
 * One mutex guards two singly linked FIFO lists: `todo` (submitted, not
 * started) and `done` (finished, not collected); `cv_todo` wakes workers,
 * `cv_done` wakes a collector waiting for a result. `outstanding` (submitted
 * and not collected) is only touched by the thread that submits and
 * collects, so it needs no lock. The pool itself decides nothing about
 * order: the pipeline applies results by job, so the book does not depend
 * on which worker finished first.
 */
#include "build/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "octavo/error.h"

struct ov__workers {
    pthread_mutex_t mu;
    pthread_cond_t cv_todo, cv_done;
    ov__work *todo_head, *todo_tail;
    ov__work *done_head, *done_tail;
    int stopping;
    size_t n_threads;
    pthread_t threads[OV__WORKERS_MAX];
    size_t max_pending;
    size_t outstanding;        /* caller's thread only */
    ov__workers_wake_fn wake;  /* set before the first submission */
    void *wake_ud;
};

static void push(ov__work **head, ov__work **tail, ov__work *w)
{
    w->next = NULL;
    if (*tail)
        (*tail)->next = w;
    else
        *head = w;
    *tail = w;
}

static ov__work *pop(ov__work **head, ov__work **tail)
{
    ov__work *w = *head;
    if (w) {
        *head = w->next;
        if (!*head)
            *tail = NULL;
        w->next = NULL;
    }
    return w;
}

static void *worker_main(void *arg)
{
    ov__workers *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        ov__work *w = pop(&p->todo_head, &p->todo_tail);
        if (!w) {
            if (p->stopping)
                break;
            pthread_cond_wait(&p->cv_todo, &p->mu);
            continue;
        }
        pthread_mutex_unlock(&p->mu);
        w->fn(w);
        pthread_mutex_lock(&p->mu);
        /* a collector drains the list to its end once woken, so only the
         * first result into an empty list needs to wake it */
        int first = p->done_head == NULL;
        push(&p->done_head, &p->done_tail, w);
        pthread_cond_signal(&p->cv_done);
        if (p->wake && first)
            p->wake(p->wake_ud);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

size_t ov__workers_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > OV__WORKERS_MAX ? OV__WORKERS_MAX : (size_t)n;
}

int ov__workers_new(size_t n_threads, size_t max_pending, ov__workers **out)
{
    ov__workers *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return OV_ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_todo, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    p->max_pending = max_pending ? max_pending : 1;
    if (n_threads > OV__WORKERS_MAX)
        n_threads = OV__WORKERS_MAX;
    for (size_t i = 0; i < n_threads; i++) {
        if (pthread_create(&p->threads[p->n_threads], NULL, worker_main, p) != 0)
            break; /* fewer threads; with none, submission runs the work */
        p->n_threads++;
    }
    *out = p;
    return 0;
}

void ov__workers_set_wake(ov__workers *p, ov__workers_wake_fn fn, void *ud)
{
    pthread_mutex_lock(&p->mu);
    p->wake = fn;
    p->wake_ud = ud;
    pthread_mutex_unlock(&p->mu);
}

void ov__workers_submit(ov__workers *p, ov__work *w)
{
    p->outstanding++;
    if (p->n_threads == 0 || p->outstanding > p->max_pending) {
        w->fn(w); /* full (or no thread): the caller does this one */
        pthread_mutex_lock(&p->mu);
        push(&p->done_head, &p->done_tail, w);
        pthread_mutex_unlock(&p->mu);
        return;
    }
    pthread_mutex_lock(&p->mu);
    push(&p->todo_head, &p->todo_tail, w);
    pthread_cond_signal(&p->cv_todo);
    pthread_mutex_unlock(&p->mu);
}

ov__work *ov__workers_collect(ov__workers *p, int wait)
{
    if (p->outstanding == 0)
        return NULL;
    pthread_mutex_lock(&p->mu);
    ov__work *w = pop(&p->done_head, &p->done_tail);
    while (!w && wait) {
        pthread_cond_wait(&p->cv_done, &p->mu);
        w = pop(&p->done_head, &p->done_tail);
    }
    pthread_mutex_unlock(&p->mu);
    if (w)
        p->outstanding--;
    return w;
}

size_t ov__workers_outstanding(const ov__workers *p)
{
    return p ? p->outstanding : 0;
}

void ov__workers_free(ov__workers *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cv_todo);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->cv_todo);
    pthread_cond_destroy(&p->cv_done);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
