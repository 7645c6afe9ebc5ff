/*
 * octavo/build.h - one build, end to end: inputs -> entries -> pages ->
 * articles -> images -> book -> EPUB.
 *
 * This is what `octavo build` runs; a program that links liboctavo gets the
 * same book from the same options. Inputs are local HTML files, folders of
 * saved pages, or http(s) URLs of articles, feeds, sitemaps, listing pages
 * (with a link pattern) or home pages that announce a feed. A bad page or
 * image costs that item only (a skip, with its URL and reason); only a
 * run-level failure (no input readable, no article, the EPUB cannot be
 * written) fails the build.
 *
 * The library reads neither the clock (pass `now`, or 0 for time(NULL)) nor
 * the environment (no XDG defaults: `fetch.cache_dir` NULL means no cache),
 * so a caller decides what is reproducible.
 */
#ifndef OCTAVO_BUILD_H
#define OCTAVO_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/fetch.h"
#include "octavo/image.h"
#include "octavo/model.h"
#include "octavo/package.h"
#include "octavo/transform.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Process exit codes of `octavo`, and ov_build_result.exit_code. */
#define OV_EXIT_OK 0      /**< success */
#define OV_EXIT_FAIL 1    /**< failure: no book written */
#define OV_EXIT_USAGE 2   /**< usage error */
#define OV_EXIT_PARTIAL 3 /**< book written, something skipped */
#define OV_EXIT_NOTHING 4 /**< nothing new to write (incremental run); no book */

/** Most inputs one build accepts. */
#define OV_BUILD_MAX_INPUTS 256
/** Most articles one book takes, whatever the limits say (a month of a
    daily paper in one archive book); --max-articles accepts up to it. */
#define OV_BUILD_MAX_ARTICLES 10000
/** Largest local page read from disk. */
#define OV_BUILD_MAX_LOCAL_BYTES (16u * 1024u * 1024u)
/** Most authors (dc:creator) a book is given. */
#define OV_BUILD_MAX_AUTHORS 16
/** Longest language tag accepted (RFC 5646 recommends buffers of 35+). */
#define OV_BUILD_MAX_LANGUAGE 64

/** One input. Strings borrowed. */
typedef struct ov_build_input {
    const char *where;    /**< file, folder, or http(s) URL */
    const char *section;  /**< section title, or NULL to take the feed/page title */
    const char *pattern;  /**< link filter (POSIX ERE) for listing pages, or NULL */
    double oldest_days;   /**< skip dated feed entries older than this; 0 = no limit */
    size_t max_articles;  /**< at most this many articles; 0 = no limit */
} ov_build_input;

/** Stages reported to ov_build_options.on_progress, in order. */
typedef enum ov_build_stage {
    OV_BUILD_STAGE_COLLECT = 1, /**< reading inputs, fetching and extracting pages and images */
    OV_BUILD_STAGE_IMAGES,      /**< fitting the images to the book's size budget */
    OV_BUILD_STAGE_PACKAGE,     /**< writing the EPUB */
    OV_BUILD_STAGE_DONE         /**< finished (also after a failure) */
} ov_build_stage;

/** What a progress callback is told. Borrowed: valid only during the call. */
typedef struct ov_build_progress {
    ov_build_stage stage;
    size_t n_articles;    /**< articles in the book so far (0 while collecting) */
    size_t n_images;      /**< images in the book so far */
    size_t n_skips;       /**< things skipped so far */
} ov_build_progress;

typedef void (*ov_build_progress_fn)(void *ud, const ov_build_progress *p);

/** Told of each skip as it happens (`url` may be "" for a whole input). Borrowed strings. */
typedef void (*ov_build_skip_fn)(void *ud, const char *url, const char *reason);

/** Asks whether an article was delivered already (a state store); 1 = seen, so left out. */
typedef int (*ov_build_seen_fn)(void *ud, const char *url, const char *body_hash);

/** Site rules (a recipe's [rules]) for a page URL, or NULL. Borrowed. */
typedef const ov_rules *(*ov_build_rules_fn)(void *ud, const char *url);

/**
 * Called once the EPUB is safely written to `path` (record the issue, mail
 * it). `code` is the build's OV_EXIT_* code; return a code to use instead,
 * or -1 to keep it. `book` is borrowed.
 */
typedef int (*ov_build_written_fn)(void *ud, const ov_book *book, const char *path, int code);

#define OV_BUILD_OPTIONS_VERSION 1

/**
 * Everything a build needs. Initialise with OV_BUILD_OPTIONS_INIT, which
 * gives the defaults of `octavo build`; every string and array is borrowed
 * and must outlive the ov_build() call.
 */
typedef struct ov_build_options {
    unsigned version;               /**< OV_BUILD_OPTIONS_VERSION */
    /* inputs */
    const ov_build_input *inputs;   /**< at most OV_BUILD_MAX_INPUTS */
    size_t n_inputs;
    int full_content;               /**< use feed content without fetching the pages */
    const char *local_root;         /**< local pages may also use files under this folder, or NULL */
    /* output */
    const char *output;             /**< EPUB to write (replaced atomically), or NULL: return the book */
    int make_dirs;                  /**< create missing folders above `output` (else an error) */
    const char *report_path;        /**< JSON report of every URL and skip, or NULL */
    /* book metadata; NULL = derived from what was fetched */
    const char *title, *language, *publisher, *description, *series;
    const char *const *authors;     /**< at most OV_BUILD_MAX_AUTHORS */
    size_t n_authors;
    int issue;                      /**< number in the series; 0 = none */
    /* fetch (fetch.cache_dir NULL = no cache; fetch.progress draws a line on stderr) */
    ov_fetch_options fetch;
    const char *warc_path;          /**< record every exchange here as WARC (turns the cache off), or NULL */
    const char *from_warc;          /**< answer every request from this recording (no network), or NULL */
    /* images and package */
    int no_images;                  /**< leave images out (alt text and captions stay) */
    ov_image_options image;
    size_t book_budget;             /**< bytes; 0 = OV_IMAGE_BOOK_BUDGET */
    ov_package_options package;
    /* clock: seconds since the epoch; the book's dates, fetch times and the
       `oldest_days` cutoff all use it, so a fixed value rebuilds the same bytes */
    int64_t now;                    /**< 0 = time(NULL) */
    int quiet;                      /**< non-zero: no notes on stderr (cover, image budget);
                                         warnings about inputs and skips still go there
                                         unless on_skip is set */
    /* callbacks, each with its user data; NULL = not used */
    ov_build_progress_fn on_progress;
    void *progress_ud;
    ov_build_skip_fn on_skip;       /**< NULL: each skip is printed on stderr (unless quiet) */
    void *skip_ud;
    ov_build_seen_fn seen;          /**< the seen-store: leave out what was delivered before */
    void *seen_ud;
    ov_build_rules_fn rules;
    void *rules_ud;
    ov_build_written_fn on_written;
    void *written_ud;
} ov_build_options;

#define OV_BUILD_OPTIONS_INIT                                                                      \
    {OV_BUILD_OPTIONS_VERSION, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL,      \
     NULL, 0, 0, OV_FETCH_OPTIONS_INIT, NULL, NULL, 0, OV_IMAGE_OPTIONS_INIT, 0,                  \
     OV_PACKAGE_OPTIONS_INIT, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/** One thing that was skipped. */
typedef struct ov_build_skip {
    char *url;     /**< page, feed or image URL; "" for a whole input */
    char *reason;
} ov_build_skip;

/** What a build produced. Owned by the caller: free with ov_build_result_free(). */
typedef struct ov_build_result {
    int exit_code;            /**< OV_EXIT_OK, _PARTIAL, _NOTHING or _FAIL */
    ov_book *book;            /**< with output NULL: the book (owned by the result; take it by
                                   setting this to NULL, then free it with ov_book_free) */
    ov_build_skip *skips;     /**< every skip, in order */
    size_t n_skips;
    size_t n_articles;        /**< articles in the book */
    size_t n_images;          /**< images in the book */
    size_t n_images_dropped;  /**< images dropped to fit the budget */
    size_t n_duplicates;      /**< articles dropped as duplicates */
    size_t n_seen;            /**< articles left out as delivered before */
} ov_build_result;

/**
 * Run one build. On return `*out` is a result (or NULL when even that could
 * not be allocated); the caller frees it with ov_build_result_free().
 *
 * Returns 0 when the run completed: the EPUB was written to opts->output
 * (or, with output NULL, the book is in (*out)->book) with exit_code
 * OV_EXIT_OK or OV_EXIT_PARTIAL, or there was nothing new (OV_EXIT_NOTHING,
 * no book). Returns a negative OV_E* code, with `err` filled and exit_code
 * OV_EXIT_FAIL, when no book could be made: invalid options (OV_EINVAL),
 * no input readable, no article found, or the EPUB could not be written.
 */
int ov_build(const ov_build_options *opts, ov_build_result **out, ov_error *err);

/** Free a result and the book it still holds. NULL is fine. */
void ov_build_result_free(ov_build_result *res);

/**
 * The body hash the seen-store callback is given: 64-bit FNV-1a of an
 * article's body_xhtml as 16 hex digits and a NUL into `out`. Record it
 * with each delivered article so a later build can leave that article out.
 */
void ov_build_body_hash(const char *body_xhtml, char out[17]);

/**
 * Non-zero when `tag` is a well-formed BCP 47 language tag (RFC 5646
 * syntax: language[-script][-region]*(-variant)*(-extension)[-privateuse],
 * a private-use tag, or a grandfathered one); checks form, not registry.
 */
int ov_language_tag_valid(const char *tag);

#ifdef __cplusplus
}
#endif

#endif
