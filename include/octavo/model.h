/*
 * octavo/model.h - the data model that flows fetch -> transform -> package.
 *
 *   ov_resource  bytes of one file for the book (an image, usually), with the
 *                media type sniffed from the bytes, held in memory or spooled
 *                to a file on disk.
 *   ov_article   one extracted article: metadata plus a clean XHTML body.
 *   ov_section   a titled, ordered list of articles (a feed, a newspaper page).
 *   ov_book      metadata, sections and the resources the articles use.
 *
 * Ownership: every `char *` field is a NUL-terminated UTF-8 string allocated
 * with malloc() and owned by the struct that holds it; set it with
 * ov_strset(), never by pointing it at memory you do not give away. Arrays of
 * pointers are owned with their elements. Each type has a _new and a _free;
 * _free accepts NULL. Adding an article or resource to a container transfers
 * ownership only on success (0); on error the caller still owns it.
 */
#ifndef OCTAVO_MODEL_H
#define OCTAVO_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One file that goes into the book (image, usually).
 * Bytes are either in memory (`data`, `size`) or spooled to `spool_path`
 * (then `data` is NULL and `size` still gives the length).
 */
typedef struct ov_resource {
    char *url;           /**< absolute source URL, the key articles refer to it by */
    char *media_type;    /**< e.g. "image/jpeg", decided from the bytes */
    unsigned char *data; /**< malloc'd bytes, or NULL when spooled */
    size_t size;         /**< length in bytes */
    char *spool_path;    /**< file holding the bytes when `data` is NULL */
    int spool_owned;     /**< non-zero: ov_resource_free() unlinks spool_path */
    int width;           /**< pixels, 0 when unknown */
    int height;          /**< pixels, 0 when unknown */
    uint64_t spool_offset; /**< 0: spool_path holds these bytes alone; else they are
                                [spool_offset, spool_offset + size) of a spool file
                                shared by many resources (which then owns none) */
} ov_resource;

/**
 * One article.
 *
 * `body_xhtml` is a fragment: a sequence of block elements (p, h2-h6,
 * figure, ul, ol, table, blockquote, pre, div, ...) written as XHTML
 * without namespace declarations. It is well-formed once wrapped as
 * `<div xmlns="http://www.w3.org/1999/xhtml"
 *        xmlns:epub="http://www.idpf.org/2007/ops">...</div>`,
 * contains no named entities, scripts, styles or event attributes, and its
 * <img src> values are the absolute URLs listed in `images` (the packager
 * rewrites them to files in the book, or replaces an image it does not have
 * with its alt text).
 */
typedef struct ov_article {
    char *url;           /**< URL the page was read from */
    char *canonical_url; /**< rel=canonical / og:url, or NULL */
    char *title;         /**< plain text, ruby readings removed */
    char *byline;        /**< authors as printed, or NULL */
    char *published;     /**< ISO 8601 date or date-time, or NULL */
    char *language;      /**< BCP 47 tag ("zh-CN", "en"), or NULL */
    char *site_name;     /**< publication / site name, or NULL */
    char *source;        /**< source line ("新华社", "Reuters"), or NULL */
    char *description;   /**< summary, plain text, or NULL */
    char *lead_image;    /**< absolute URL, or NULL */
    char *body_xhtml;    /**< the body fragment described above; never NULL once extracted */
    char **images;       /**< absolute image URLs used by the body, in order, unique */
    size_t n_images;     /**< entries in `images` */
    int64_t fetched_at;  /**< Unix time the page was fetched, 0 when unknown */
} ov_article;

/** A titled, ordered list of articles. Owned by its book. */
typedef struct ov_section {
    char *title;            /**< TOC label, plain text */
    ov_article **articles;  /**< owned */
    size_t n_articles;      /**< entries in `articles` */
    size_t cap_articles;    /**< allocated slots (internal) */
} ov_section;

/** A book: metadata, sections of articles, and the resources they use. */
typedef struct ov_book {
    char *title;          /**< dc:title; required */
    char *language;       /**< dc:language, BCP 47; required */
    char *publisher;      /**< dc:publisher, or NULL */
    char *description;    /**< dc:description, or NULL */
    char *source_url;     /**< edition source (feed/site URL or input path): UUIDv5 input */
    char *date;           /**< edition date "YYYY-MM-DD": UUIDv5 input and dc:date, or NULL */
    char *identifier;     /**< explicit dc:identifier, or NULL to derive urn:uuid v5 */
    char *series;         /**< periodical name for belongs-to-collection, or NULL */
    int series_index;     /**< group-position (issue number); 0 = none */
    int64_t modified;     /**< dcterms:modified as Unix time (pass SOURCE_DATE_EPOCH) */
    char **authors;       /**< dc:creator entries, owned */
    size_t n_authors;     /**< entries in `authors` */
    ov_section **sections; /**< owned, in reading order */
    size_t n_sections;    /**< entries in `sections` */
    ov_resource **resources; /**< owned; images etc. referenced by articles */
    size_t n_resources;   /**< entries in `resources` */
    ov_resource *cover;   /**< owned cover image, or NULL to let the packager make one */
    size_t cap_sections;  /**< internal */
    size_t cap_resources; /**< internal */
    struct ov__hmap *resource_index; /**< internal: url -> index, a cache for find */
    size_t n_indexed;     /**< internal: resources covered by resource_index */
} ov_book;

/**
 * Replace the string at `*field` with a malloc'd copy of `value` (or NULL),
 * freeing the old one. Returns 0 or OV_ENOMEM (then `*field` is unchanged).
 */
int ov_strset(char **field, const char *value);

/** Allocate an empty resource into `*out` (caller owns; ov_resource_free). */
int ov_resource_new(ov_resource **out);
/** Free `r` and everything it owns; unlinks its spool file if spool_owned. */
void ov_resource_free(ov_resource *r);
/**
 * Copy the resource's bytes into a new malloc'd buffer `*out` of `*len`
 * bytes (caller frees), reading the spool file when needed.
 */
int ov_resource_read(const ov_resource *r, unsigned char **out, size_t *len, ov_error *err);

/** Allocate an empty article into `*out` (caller owns; ov_article_free). */
int ov_article_new(ov_article **out);
/** Free `a` and everything it owns. */
void ov_article_free(ov_article *a);
/** Append a copy of `url` to a->images unless already present. */
int ov_article_add_image(ov_article *a, const char *url);

/** Allocate an empty book into `*out` (caller owns; ov_book_free). */
int ov_book_new(ov_book **out);
/** Free `b`, its sections, articles, resources and cover. */
void ov_book_free(ov_book *b);
/** Append a copy of `name` to b->authors. */
int ov_book_add_author(ov_book *b, const char *name);
/**
 * Append a new section titled `title`; `*out` (may be NULL) receives a
 * pointer borrowed from the book.
 */
int ov_book_add_section(ov_book *b, const char *title, ov_section **out);
/** Append `a` to `s`; on success the section owns `a`. */
int ov_section_add_article(ov_section *s, ov_article *a);
/** Append `r` to b->resources; on success the book owns `r`. */
int ov_book_add_resource(ov_book *b, ov_resource *r);
/** The resource whose url equals `url`, borrowed from the book, or NULL. */
ov_resource *ov_book_find_resource(const ov_book *b, const char *url);
/** Total number of articles in all sections. */
size_t ov_book_article_count(const ov_book *b);

/**
 * The media type of `data` decided from its first bytes only: "image/jpeg",
 * "image/png", "image/gif", "image/webp", "image/avif", "image/svg+xml",
 * "image/bmp", "image/tiff", or NULL when unknown. Static string.
 */
const char *ov_sniff_media_type(const unsigned char *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
