/*
 * The build pipeline behind ov_build() (build.c, the public API of
 * octavo/build.h) and so `octavo build`: inputs -> entries -> pages ->
 * articles -> images -> book. See pipeline.c for the design note.
 */
#ifndef OV_BUILD_PIPELINE_H
#define OV_BUILD_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/fetch.h"
#include "octavo/image.h"
#include "octavo/model.h"
#include "octavo/package.h"
#include "octavo/transform.h"
/* OV_BUILD_MAX_INPUTS, OV_BUILD_MAX_ARTICLES, OV_BUILD_MAX_LOCAL_BYTES */
#include "octavo/build.h"

/* The title of a section its input did not name; build.c writes it in the
   book's language once that is known. */
#define OV__BUILD_UNNAMED_SECTION "Articles"

/* One input: a path or URL, with the section it fills. Strings borrowed. */
typedef struct ov__input {
    const char *where;     /* file, folder, or http(s) URL */
    const char *section;   /* section title, or NULL to take the feed/page title */
    const char *pattern;   /* link filter for listing pages, or NULL */
    double oldest_days;    /* 0 = no limit */
    size_t max_articles;   /* 0 = no limit */
} ov__input;

/* Looks up site rules for a page URL (the recipe's [rules]); may return NULL. */
typedef const ov_rules *(*ov__rules_fn)(void *ud, const char *url);

/* Asks whether an article was delivered already (state store); 1 = seen. */
typedef int (*ov__seen_fn)(void *ud, const char *url, const char *body_hash);

/* Everything a build needs; filled by ov_build() (build.c) from ov_build_options. */
typedef struct ov__build_config {
    ov__input inputs[OV_BUILD_MAX_INPUTS];
    size_t n_inputs;
    /* book metadata (NULL = derive) */
    const char *title, *language, *publisher, *description, *series;
    const char *authors[16];
    size_t n_authors;
    int issue;                     /* series index; 0 = none */
    int full_content;              /* use feed content without refetching the page */
    const char *local_root;        /* --local-root: local files may also come from here, or NULL */
    /* fetch */
    ov_fetch_options fetch;
    int progress;                  /* progress line on stderr */
    int quiet;                     /* no informational lines */
    const char *report_path;       /* --report FILE, or NULL */
    /* images */
    int no_images;
    ov_image_options image;
    size_t book_budget;            /* bytes; 0 = OV_IMAGE_BOOK_BUDGET */
    /* package */
    ov_package_options package;
    /* incremental */
    ov__rules_fn rules;
    void *rules_ud;
    ov__seen_fn seen;
    void *seen_ud;
    /* clock, passed in */
    int64_t now;                   /* current time */
    int64_t modified;              /* dcterms:modified (SOURCE_DATE_EPOCH or now) */
} ov__build_config;

/* One thing that was skipped, for stderr and the report. */
typedef struct ov__skip {
    char *url;
    char *reason;
} ov__skip;

/* Where an article's body is while the book is assembled (pipeline.c). */
typedef struct ov__body_ref {
    int spooled;        /* the body is [off, off + len) of the bodies' spool file */
    uint64_t off;
    size_t len;
    uint64_t *keys;     /* its site-boilerplate keys still to remove (owned), ascending */
    size_t n_keys;
} ov__body_ref;

/* What a run produced. Free with ov__build_result_free. */
typedef struct ov__build_result {
    ov_book *book;          /* the book (owned), or NULL */
    ov__skip *skips;
    size_t n_skips;
    size_t n_articles;      /* articles in the book */
    size_t n_duplicates;    /* articles dropped as duplicates in this run */
    size_t n_seen;          /* articles dropped as delivered before (state) */
    size_t n_images;        /* images in the book */
    size_t n_images_dropped; /* images dropped to fit the budget */
    ov_fetcher *fetcher;    /* kept for the report; may be NULL */
    char *spool_dir;        /* temporary directory of spooled resources */
    struct ov__cover_ahead *cover_ahead; /* the cover rendered ahead (cover_ahead.h), or NULL */
    struct ov__cover_proc *cover_proc;   /* the process covers are drawn in (cover_proc.h), or NULL */
    ov__body_ref *bodies;   /* one per article of book, in book order */
    size_t n_bodies, cap_bodies;
    int body_fd;            /* the bodies' spool file, when body_fd_open > 0 */
    int body_fd_open;       /* 0 not tried, 1 open, -1 could not be made */
    uint64_t body_off;      /* where the next body goes in it */
    ov_build_skip_fn on_skip; /* told of each skip instead of stderr, or NULL */
    void *skip_ud;
} ov__build_result;

/*
 * Collect, fetch, extract and assemble the book described by `cfg` into
 * res->book. Problems with single articles or images become skips; only a
 * run-level failure (no input readable, out of memory) returns an error.
 */
int ov__build_collect(const ov__build_config *cfg, ov__build_result *res, ov_error *err);

/* Record a skip (also told to res->on_skip, or printed on stderr as
 * "octavo: skipped URL: reason"). */
void ov__build_skip(ov__build_result *res, const char *url, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void ov__build_result_free(ov__build_result *res);

/* ov_package_options.load_body for res->book (ud = res): article `ord`'s
 * body read back from the spool, its site boilerplate removed. */
int ov__build_load_body(void *ud, size_t ord, const ov_article *a, char **out, ov_error *err);

/* Every spooled body back into its article (for a book read after the
 * run: returned, or given to on_written). OV_ENOMEM or OV_EIO. */
int ov__build_unspool_bodies(ov__build_result *res);

/* 64-bit FNV-1a of the article body as 16 hex digits into `out` (17 bytes). */
void ov__body_hash(const char *body, char out[17]);

#endif
