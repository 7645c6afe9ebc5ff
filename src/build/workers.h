/*
 * A small pool of worker threads for the build pipeline (workers.c).
 *
 * The pipeline's thread submits pieces of work; a worker runs each one's
 * `fn` and puts it on a done list; the pipeline's thread collects the done
 * pieces and applies their results (the book, skips, the fetcher are only
 * touched there). At most `max_pending` pieces are submitted and not yet
 * collected: past that, ov__workers_submit runs the piece on the caller's
 * thread, so memory stays bounded and the caller never blocks on a full
 * queue. A pool of 0 threads runs everything on submission.
 */
#ifndef OV_BUILD_WORKERS_H
#define OV_BUILD_WORKERS_H

#include <stddef.h>

/* Most worker threads, whatever the core count. */
#define OV__WORKERS_MAX 8

typedef struct ov__work ov__work;
/* Runs on a worker (or the caller's thread): reads and writes only its
 * own piece of work and what the caller made immutable for the run. */
typedef void (*ov__work_fn)(ov__work *w);

/* Embed first in a piece of work; the pool owns `next` while it holds it. */
struct ov__work {
    ov__work_fn fn;
    ov__work *next;
};

typedef struct ov__workers ov__workers;

/* Called on a worker when a piece it finished is the first one waiting to
 * be collected (to wake the caller's loop): a caller woken must collect
 * until ov__workers_collect returns NULL, and is then woken by the next
 * piece. Must be safe from any thread. */
typedef void (*ov__workers_wake_fn)(void *ud);

/* The threads a machine should use for extraction: its online cores, at
 * least 1, at most OV__WORKERS_MAX. */
size_t ov__workers_default_threads(void);

/* Start `n_threads` workers; *out owned by the caller (ov__workers_free).
 * Returns 0 or OV_ENOMEM (a pool that could start no thread still works,
 * running every piece on submission). */
int ov__workers_new(size_t n_threads, size_t max_pending, ov__workers **out);

/* Set the wake hook (above; NULL for none). */
void ov__workers_set_wake(ov__workers *p, ov__workers_wake_fn fn, void *ud);

/* Hand `w` over; it comes back from ov__workers_collect once done. */
void ov__workers_submit(ov__workers *p, ov__work *w);

/* A done piece (in no particular order), or NULL when none is done yet;
 * with `wait`, blocks until one is, unless nothing is outstanding. */
ov__work *ov__workers_collect(ov__workers *p, int wait);

/* Pieces submitted and not yet collected. */
size_t ov__workers_outstanding(const ov__workers *p);

/* Stop and join the threads. Pieces still queued are run first; all
 * must have been collected (the pool frees none of them). */
void ov__workers_free(ov__workers *p);

#endif
