/*
 * octavo/transform.h - from the bytes of a web page to an ov_article.
 *
 * Pure: no network, no clock (the fetch time is passed in), no global state.
 * The input is raw bytes in whatever encoding the page uses; the transformer
 * decides the charset (HTTP header, BOM, <meta>, statistical detection) and
 * produces UTF-8 metadata and a clean XHTML body fragment (see model.h).
 */
#ifndef OCTAVO_TRANSFORM_H
#define OCTAVO_TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest page the transformer accepts by default (bytes). */
#define OV_TRANSFORM_MAX_INPUT (16u * 1024u * 1024u)
/** Deepest element nesting kept; deeper content is flattened. */
#define OV_TRANSFORM_MAX_DEPTH 256

/**
 * Site rules. Each selector is CSS (`div.article-body`, `#main p`,
 * `[itemprop=articleBody]`) or, when it starts with '/' or '(', XPath.
 * Arrays are NULL-terminated; any pointer may be NULL. Borrowed: the caller
 * keeps them alive for the duration of the call.
 */
typedef struct ov_rules {
    const char *const *keep;   /**< content roots, in order; replaces automatic extraction */
    const char *const *remove; /**< removed before anything else */
    const char *title;         /**< element whose text is the title */
    const char *byline;        /**< element whose text is the byline */
    const char *date;          /**< element whose text or datetime is the date */
} ov_rules;

#define OV_TRANSFORM_OPTIONS_VERSION 1

/** Options for ov_transform_extract(). Initialise with OV_TRANSFORM_OPTIONS_INIT. */
typedef struct ov_transform_options {
    unsigned version;          /**< OV_TRANSFORM_OPTIONS_VERSION */
    const ov_rules *rules;     /**< site rules, or NULL for automatic extraction */
    const char *content_type;  /**< HTTP Content-Type header value, or NULL */
    int64_t fetched_at;        /**< Unix time of the fetch, copied to the article; 0 = unknown */
    size_t max_input_bytes;    /**< 0 = OV_TRANSFORM_MAX_INPUT */
} ov_transform_options;

#define OV_TRANSFORM_OPTIONS_INIT {OV_TRANSFORM_OPTIONS_VERSION, NULL, NULL, 0, 0}

/**
 * Extract the article from `page` (`len` raw bytes) read from `url` (used to
 * make links and images absolute; may be a file: URL or a path).
 * On success `*out` is a new article the caller owns (ov_article_free).
 * Errors: OV_ELIMIT (input too large), OV_EPARSE (not HTML),
 * OV_ENOTFOUND (no article content found: the page has no article text).
 * With OV_ENOTFOUND `*out` still receives the article with its metadata
 * (title, byline, date, ...) and an empty body; the caller owns it too.
 * With any other error `*out` is NULL.
 */
int ov_transform_extract(const unsigned char *page, size_t len, const char *url,
                         const ov_transform_options *opts, ov_article **out, ov_error *err);

/**
 * The article's body as plain text: paragraphs separated by blank lines, ruby
 * readings (rt, rp) removed. `*out` is malloc'd; the caller frees it.
 */
int ov_article_text(const ov_article *a, char **out, ov_error *err);

/**
 * The article as one JSON object with keys url, title, byline, published,
 * language, site_name, description, lead_image, images, text, html (null for
 * missing values). `text` is the article as its chapter reads: the title
 * first (the chapter's heading), unless the body already begins with it,
 * then ov_article_text(). `*out` is malloc'd; the caller frees it.
 */
int ov_article_to_json(const ov_article *a, char **out, ov_error *err);

/** A host needs this many articles in one book before its boilerplate is looked for. */
#define OV_SITEBOILER_MIN_PAGES 3
/** A block is the host's boilerplate when it is on this share (percent) of its pages, and on
 *  at least OV_SITEBOILER_MIN_PAGES of them. */
#define OV_SITEBOILER_SHARE 60

/**
 * Site-level boilerplate: for each host (of the article's http(s) URL, else
 * its canonical URL) with at least OV_SITEBOILER_MIN_PAGES of the `n`
 * articles, remove from their bodies the text blocks (p, li, h2-h6,
 * blockquote, dd/dt, and div/td/figcaption without block children; compared
 * with whitespace collapsed) that occur on at least
 * max(OV_SITEBOILER_MIN_PAGES, OV_SITEBOILER_SHARE% of the host's pages):
 * copyright footers, editor lines, "相关新闻" lists. A block equal to the
 * article's title or holding an image is kept, and an article that would
 * lose more than half of its text is left unchanged. Only changed bodies are
 * rewritten.
 *
 * Ownership: the array and the articles stay the caller's; each changed
 * `body_xhtml` is replaced by a new malloc'd string owned by its article.
 * `*removed` (may be NULL) receives the number of blocks removed.
 * Errors: OV_ENOMEM (articles done so far keep their new bodies).
 */
int ov_transform_site_boilerplate(ov_article *const *articles, size_t n, size_t *removed, ov_error *err);

/**
 * The same pass in three steps, for a caller that does not hold every body
 * in memory at once (ov_transform_site_boilerplate() is these three):
 *
 * ov_transform_block_keys(): the keys (hashes of the whitespace-collapsed
 * text) of the text blocks of `body_xhtml` (borrowed; NULL or a body that
 * does not parse has none), sorted ascending, each once. `*keys` is
 * malloc'd (the caller frees it; NULL when `*n` is 0). Errors: OV_ENOMEM.
 */
int ov_transform_block_keys(const char *body_xhtml, uint64_t **keys, size_t *n, ov_error *err);

/**
 * ov_transform_boiler_keys(): given the `n` articles (borrowed; only their
 * URLs are read, for the host) and each one's keys from
 * ov_transform_block_keys(), decide each host's boilerplate as
 * ov_transform_site_boilerplate() does and keep in keys[i] only those of
 * article i's keys that are boilerplate (in place: n_keys[i] shrinks, the
 * order stays ascending). Errors: OV_ENOMEM (the keys are then unchanged).
 */
int ov_transform_boiler_keys(const ov_article *const *articles, uint64_t *const *keys, size_t *n_keys,
                             size_t n, ov_error *err);

/**
 * ov_transform_strip_keys(): remove from `a`'s body the text blocks whose
 * key is one of `keys` (ascending, as ov_transform_boiler_keys() leaves
 * them), with the exceptions of ov_transform_site_boilerplate(). A changed
 * `a->body_xhtml` is replaced by a new malloc'd string owned by `a`; an
 * unchanged one keeps its bytes. `*removed` (may be NULL) receives the
 * number of blocks removed. Errors: OV_ENOMEM (the body is unchanged).
 */
int ov_transform_strip_keys(ov_article *a, const uint64_t *keys, size_t n, size_t *removed, ov_error *err);

/**
 * ov_transform_site_boilerplate() over every article of every section of
 * `book` (borrowed; its articles' bodies are changed in place as above).
 */
int ov_transform_book_site_boilerplate(ov_book *book, size_t *removed, ov_error *err);

#ifdef __cplusplus
}
#endif

/**
 * Check a site-rule selector (the CSS subset of [rules], or an XPath starting
 * with "/" or "(") the way ov_transform_extract() will use it: 0 when it
 * compiles, else OV_EPARSE with the reason in `err`. Lets a recipe be refused
 * when it is read rather than silently ignored per page.
 */
int ov_transform_selector_check(const char *selector, ov_error *err);

#endif
