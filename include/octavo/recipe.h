/*
 * octavo/recipe.h - recipe files: what a periodical issue is made of.
 *
 * A recipe is a small INI-like UTF-8 text file (format reference in
 * examples/recipes/README and at the top of src/cli/periodical/recipe.c):
 *
 *     [publication]
 *     title = "锦江晚报"
 *     language = zh-Hans
 *     base = http://news.example.cn/
 *     output = "jinjiang-%Y-%m-%d.epub"
 *
 *     [section "要闻"]
 *     feed = rss/top.xml
 *
 *     [rules "*.example.cn"]
 *     keep = div.article-body
 *     remove = .share-bar
 *     remove = .copyright
 *
 * The parser is strict: unknown sections and keys, repeated single-valued
 * keys, bad numbers and missing required keys are errors that name
 * "file:line"; risky but valid settings (ignore_robots) add a line to
 * ov_recipe.warnings. Relative section URLs are resolved against `base`, which the
 * CLI may override (--base URL) with ov_recipe_set_base().
 */
#ifndef OCTAVO_RECIPE_H
#define OCTAVO_RECIPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "octavo/error.h"
#include "octavo/fetch.h"
#include "octavo/transform.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Limits of the recipe parser. */
#define OV_RECIPE_MAX_BYTES (1024u * 1024u) /**< whole file */
#define OV_RECIPE_MAX_LINE 4096             /**< one line, bytes */
#define OV_RECIPE_MAX_SECTIONS 256          /**< [section] blocks */
#define OV_RECIPE_MAX_RULES 256             /**< [rules] blocks */
#define OV_RECIPE_MAX_VALUES 64             /**< values of one multi-valued key */

/** Where a section's article list comes from. */
typedef enum ov_recipe_source {
    OV_RECIPE_FEED = 0,    /**< RSS/Atom/RDF feed */
    OV_RECIPE_SITEMAP = 1, /**< sitemap or sitemap index */
    OV_RECIPE_PAGE = 2     /**< listing page, links filtered by `pattern` */
} ov_recipe_source;

/** One [section "Name"]. Owned by its recipe. */
typedef struct ov_recipe_section {
    char *name;          /**< display name (UTF-8) */
    ov_recipe_source kind;
    char *raw_url;       /**< the URL as written */
    char *url;           /**< absolute URL (raw_url resolved against base) */
    char *pattern;       /**< POSIX ERE for OV_RECIPE_PAGE, or NULL */
    double oldest_days;  /**< section override, else the publication's */
    size_t max_articles; /**< section override, else the publication's */
    int line;            /**< line of the [section] header */
} ov_recipe_section;

/** One [rules "host-or-glob"]. Owned by its recipe. */
typedef struct ov_recipe_rules {
    char *host;          /**< host name or fnmatch glob ("*.example.cn") */
    char **keep;         /**< NULL-terminated */
    char **remove;       /**< NULL-terminated */
    char *title, *byline, *date;
    ov_rules rules;      /**< view over the fields above, for ov_transform */
    int line;            /**< line of the [rules] header, for messages */
} ov_recipe_rules;

/** Image policy. */
typedef enum ov_recipe_images { OV_RECIPE_IMAGES_KEEP = 0, OV_RECIPE_IMAGES_NONE = 1 } ov_recipe_images;

/** A parsed recipe. Every string and array is owned by it (ov_recipe_free). */
typedef struct ov_recipe {
    char *name;        /**< file name used in messages */
    char *id;          /**< state-store key: `id =` or a slug of the title */
    char *title, *language, *publisher, *description, *series;
    char *cover_title, *cover_image, *cover_color;
    char *output;      /**< output name template */
    char *base;        /**< base URL of relative section URLs, or NULL */
    double oldest_days;   /**< default 2; 0 = no age limit */
    size_t max_articles;  /**< per section; default 25; 0 = no limit */
    ov_recipe_images images; /**< default keep */
    int grayscale;        /**< default 0 */
    uint64_t max_pixels;  /**< per image; default 2000000 */
    uint64_t book_budget; /**< bytes; default 50 MB */
    long delay_ms;        /**< per-host delay; default 0 */
    unsigned concurrency; /**< 0 = fetcher default */
    unsigned per_host;    /**< 0 = fetcher default */
    char *user_agent;     /**< or NULL = fetcher default */
    int ignore_robots;    /**< default 0; a warning is printed when set */
    int masthead;         /**< default 1 */
    int source_footer;    /**< default 1 */
    ov_recipe_section *sections;
    size_t n_sections;
    ov_recipe_rules *rules;
    size_t n_rules;
    char *warnings;       /**< "file:line: ..." lines for the CLI to print, or NULL */
    long deadline_secs;   /**< `deadline = 10m`: whole-run limit; 0 = none */
} ov_recipe;

/**
 * Parse `len` bytes of recipe text; `name` (may be NULL = "recipe") is used
 * in error messages ("name:12: ..."). On success `*out` is a new recipe the
 * caller frees with ov_recipe_free(). Errors: OV_EPARSE (with file:line in
 * the message and `name` in err->where), OV_ELIMIT, OV_ENOMEM.
 */
int ov_recipe_parse(const char *text, size_t len, const char *name, ov_recipe **out,
                    ov_error *err);

/** Read `path` (at most OV_RECIPE_MAX_BYTES) and parse it; see ov_recipe_parse(). */
int ov_recipe_load(const char *path, ov_recipe **out, ov_error *err);

/** Free `r` and everything it owns (NULL is fine). */
void ov_recipe_free(ov_recipe *r);

/**
 * Replace the base URL (copied) and re-resolve every section URL against it.
 * OV_EINVAL when a relative section URL cannot be resolved (no base).
 */
int ov_recipe_set_base(ov_recipe *r, const char *base, ov_error *err);

/**
 * Rules for the page at `url`: the first [rules] block (file order) whose
 * host pattern matches the URL's host (fnmatch glob, case-insensitive; a
 * plain host also matches its subdomains). Borrowed from `r`, or NULL.
 */
const ov_rules *ov_recipe_rules_for(const ov_recipe *r, const char *url);

/**
 * Expand the output template: %Y %m %d %H %M from `now` in UTC, %n the
 * issue number, %% a percent sign. `*out` is malloc'd; the caller frees it.
 * OV_EINVAL for other % sequences.
 */
int ov_recipe_output_name(const ov_recipe *r, time_t now, int issue_number, char **out,
                          ov_error *err);

/**
 * Expand an output name template `tpl` as ov_recipe_output_name() does (also
 * used for `octavo build --recipe ... -o TEMPLATE`). `where` names the
 * template's origin in errors (borrowed). `*out` is malloc'd; caller frees.
 */
int ov_output_template_expand(const char *tpl, const char *where, time_t now, int issue_number,
                              char **out, ov_error *err);

/**
 * Apply the recipe's politeness settings to `opts` (initialised by the
 * caller with OV_FETCH_OPTIONS_INIT): user_agent (borrowed from `r`),
 * max_total, max_per_host, host_delay_ms, ignore_robots. Fields the recipe
 * leaves at their defaults are not touched.
 */
void ov_recipe_fetch_options(const ov_recipe *r, ov_fetch_options *opts);

/** Fill `out` for ov_discover() of section `s` at time `now` (pattern borrowed). */
void ov_recipe_discover_options(const ov_recipe_section *s, int64_t now,
                                ov_discover_options *out);

#ifdef __cplusplus
}
#endif

#endif
