/*
 * octavo/state.h - the persistent state of periodical runs (SQLite).
 *
 * One database (path chosen by the caller; the CLI uses
 * $XDG_STATE_HOME/octavo/state.db) remembers, per recipe id, which articles
 * went into which issue and the issue counter, so `octavo build --since-last`
 * can skip articles already delivered. Times are passed in (Unix seconds).
 *
 *     ov_state *st;
 *     ov_state_open(path, &st, &err);
 *     ov_state_lock(st, "jiangchuan", &err);    // OV_ELOCKED if another run holds it
 *     int n = ov_state_next_issue(st, "jiangchuan", &err);
 *     ... for each article: if (ov_state_seen(st, id, url, hash, &err) == 1) skip ...
 *     ... write the book, then ...
 *     ov_state_record_issue(st, &issue, articles, n_articles, &err);
 *     ov_state_close(st);                       // releases the lock
 */
#ifndef OCTAVO_STATE_H
#define OCTAVO_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Milliseconds a statement waits for another connection's write lock. */
#define OV_STATE_BUSY_TIMEOUT_MS 5000

/** Opaque state store handle. */
typedef struct ov_state ov_state;

/** An article delivered in an issue. Strings borrowed (input) or owned by a listing. */
typedef struct ov_state_article {
    const char *url;       /**< canonical URL */
    const char *body_hash; /**< hash of the article body (any stable text), or NULL */
    const char *title;     /**< or NULL */
    int first_issue;       /**< listing only: issue that first carried it */
} ov_state_article;

/** An issue. Strings borrowed (input) or owned by a listing. */
typedef struct ov_state_issue {
    const char *recipe_id;    /**< recipe key (ov_recipe.id) */
    const char *recipe_title; /**< or NULL; stored with the recipe */
    int number;               /**< issue number (from ov_state_next_issue) */
    int64_t date;             /**< issue date, Unix time */
    int64_t created_at;       /**< when the book was written, Unix time */
    const char *path;         /**< where the book was written */
    size_t article_count;     /**< listing only (input: taken from n) */
    ov_state_article *articles; /**< listing only, when asked for */
} ov_state_issue;

/** Everything ov_state_list() found. Owned by the caller: ov_state_list_free(). */
typedef struct ov_state_listing {
    ov_state_issue *issues; /**< by recipe, then issue number */
    size_t n;
} ov_state_listing;

/**
 * Open (creating the parent directories, the file and the schema) the state
 * database at `path`: WAL journal, busy timeout. `*out` is owned by the
 * caller (ov_state_close). Errors: OV_EIO (cannot create or open),
 * OV_EPARSE (not an octavo state database).
 */
int ov_state_open(const char *path, ov_state **out, ov_error *err);

/** Close `st` (NULL is fine), releasing its run lock if held. */
void ov_state_close(ov_state *st);

/**
 * Take the exclusive run lock of `recipe_id`: an flock(2) on
 * "<db>.<recipe_id>.lock", which holds the owner's pid. Held until
 * ov_state_unlock() or ov_state_close() (or the process dies). A second
 * holder, in this or another process, gets OV_ELOCKED: "another octavo run
 * for recipe X is in progress (pid N)". One lock per handle.
 */
int ov_state_lock(ov_state *st, const char *recipe_id, ov_error *err);

/** Release the run lock (no-op when none is held). */
void ov_state_unlock(ov_state *st);

/**
 * 1 when recipe `recipe_id` already delivered an article with this canonical
 * URL or (when `body_hash` is not NULL) this body hash, 0 when not, or a
 * negative OV_E* code.
 */
int ov_state_seen(ov_state *st, const char *recipe_id, const char *url, const char *body_hash,
                  ov_error *err);

/** The number the next issue of `recipe_id` gets (1 for the first), or a negative code. */
int ov_state_next_issue(ov_state *st, const char *recipe_id, ov_error *err);

/**
 * Record that `issue` was written with `articles[0..n)` (all only read), in
 * one transaction: the recipe row (created if new, counter advanced), the
 * issue row, and each article not delivered before. Call it only after the
 * book is safely on disk. An issue number already recorded is OV_EINVAL.
 */
int ov_state_record_issue(ov_state *st, const ov_state_issue *issue,
                          const ov_state_article *articles, size_t n, ov_error *err);

/**
 * List issues (of `recipe_id`, or of every recipe when NULL), with their
 * articles when `with_articles`. `*out` is owned by the caller
 * (ov_state_list_free).
 */
int ov_state_list(ov_state *st, const char *recipe_id, int with_articles,
                  ov_state_listing **out, ov_error *err);

/** Free a listing (NULL is fine). */
void ov_state_list_free(ov_state_listing *l);

/**
 * The default database path: $XDG_STATE_HOME/octavo/state.db, else
 * $HOME/.local/state/octavo/state.db. `*out` malloc'd (caller frees).
 * OV_ENOTFOUND when neither variable is set.
 */
int ov_state_default_path(char **out, ov_error *err);

#ifdef __cplusplus
}
#endif

#endif
