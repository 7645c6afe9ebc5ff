/*
 * octavo/package.h - write an ov_book as an EPUB 3 file.
 *
 * Pure apart from the output file: the modification time comes from
 * book->modified, never from the clock, so the same book gives the same
 * bytes (reproducible zip: fixed entry order, DOS times from UTC, fixed
 * attributes). The file is written to a temporary name in the target folder
 * and renamed over the target only when complete.
 */
#ifndef OCTAVO_PACKAGE_H
#define OCTAVO_PACKAGE_H

#include <stddef.h>

#include "octavo/error.h"
#include "octavo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Chapters above this many bytes of XHTML are split (Adobe engine limit). */
#define OV_PACKAGE_MAX_CHAPTER_BYTES (260u * 1024u)

#define OV_PACKAGE_OPTIONS_VERSION 2

/** Options for ov_package_write(). Initialise with OV_PACKAGE_OPTIONS_INIT. */
typedef struct ov_package_options {
    unsigned version;         /**< OV_PACKAGE_OPTIONS_VERSION */
    size_t max_chapter_bytes; /**< 0 = OV_PACKAGE_MAX_CHAPTER_BYTES */
    int masthead;             /**< non-zero: a title page listing sections and articles */
    int source_footer;        /**< non-zero: source URL and fetch time after each article */
    int in_memory;            /**< non-zero: hold every chapter in memory until the zip is
                                   written, instead of spooling each to a temporary file in
                                   $TMPDIR as it is made (same bytes; more memory) */
    /** Version 2. Optional: called when the chapter of article number `ord`
        (0-based, in book order) is written, for a book that keeps its bodies
        elsewhere (a spool file). Returns 0 with a malloc'd body into `*out`
        (the packager frees it) or with `*out` NULL to use a->body_xhtml; an
        error code fails the write. `a` is borrowed. */
    int (*load_body)(void *ud, size_t ord, const ov_article *a, char **out, ov_error *err);
    void *load_body_ud;       /**< passed to load_body */
} ov_package_options;

#define OV_PACKAGE_OPTIONS_INIT {OV_PACKAGE_OPTIONS_VERSION, 0, 1, 1, 0, NULL, NULL}

/**
 * Write `book` to `path` as EPUB 3 (package version 3.0, nav, NCX, cover,
 * CSS). `book` is only read. Images are matched to resources by URL; an
 * image without a usable resource (missing, or not JPEG/PNG/GIF/SVG) is
 * replaced by its alt text, and captions stay. When book->cover is NULL a
 * cover is generated from the title, date and issue number.
 * On failure `path` is untouched (no partial file is left behind).
 */
int ov_package_write(const ov_book *book, const char *path, const ov_package_options *opts,
                     ov_error *err);

/**
 * As ov_package_write(), but each article's body_xhtml is freed (and set to
 * NULL) as soon as its chapter is written, so the bodies and the chapters
 * made from them are never all in memory at once. Everything else in `book`
 * is left as it was; the caller still owns and frees it. Same bytes as
 * ov_package_write(). For callers that do not read the bodies afterwards.
 */
int ov_package_write_release(ov_book *book, const char *path, const ov_package_options *opts,
                             ov_error *err);

/**
 * The identifier the packager uses for `book`: book->identifier when set,
 * else "urn:uuid:" + UUIDv5 (URL namespace) of source_url + " " + date.
 * `*out` is malloc'd; the caller frees it.
 */
int ov_package_identifier(const ov_book *book, char **out, ov_error *err);

#ifdef __cplusplus
}
#endif

#endif
