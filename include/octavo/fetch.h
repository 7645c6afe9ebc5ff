/*
 * octavo/fetch.h - getting pages, feeds and images over HTTP(S).
 *
 * A fetcher is an event loop over libcurl multi: queue requests with
 * ov_fetch_add(), then ov_fetch_run() performs them concurrently (global and
 * per-host limits, robots.txt, per-host delay, retries with backoff,
 * conditional-GET cache) and calls your callback once per request, on the
 * calling thread, as each finishes. The callback may queue more requests
 * (e.g. an article's images); ov_fetch_run() returns when the queue is empty.
 *
 * Only http: and https: URLs are fetched; anything else is refused with
 * OV_EPOLICY before any I/O. Local files are the caller's business.
 *
 * Discovery helpers parse feeds (RSS 0.9x/2.0, RSS 1.0/RDF, Atom 0.3/1.0, CDF), sitemaps
 * (urlset, news sitemaps, sitemap indexes) and listing pages into entries.
 */
#ifndef OCTAVO_FETCH_H
#define OCTAVO_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default caps and limits (each overridable in ov_fetch_options). */
#define OV_FETCH_MAX_PAGE_BYTES (8u * 1024u * 1024u)
#define OV_FETCH_MAX_IMAGE_BYTES (16u * 1024u * 1024u)
#define OV_FETCH_MAX_REDIRECTS 5
#define OV_FETCH_MAX_TOTAL 8
#define OV_FETCH_MAX_PER_HOST 2
#define OV_FETCH_RETRIES 3
/** Longest Retry-After (seconds) we wait for; a longer one fails the request. */
#define OV_FETCH_MAX_RETRY_AFTER 120
/** Sitemap indexes: how deep and how many sitemaps ov_discover() follows. */
#define OV_FETCH_MAX_SITEMAP_DEPTH 3
#define OV_FETCH_MAX_SITEMAPS 50
/** Largest feed/sitemap document parsed (after gzip decoding). */
#define OV_FETCH_MAX_FEED_BYTES (32u * 1024u * 1024u)
/** Default User-Agent (names octavo, as robots.txt groups expect). */
#define OV_FETCH_DEFAULT_USER_AGENT "octavo/" OV_VERSION_STRING " (+https://github.com/octavo/octavo)"
/** Product token matched against robots.txt User-agent lines. */
#define OV_FETCH_ROBOTS_AGENT "octavo"

/** What is being fetched: decides the size cap and the report category. */
typedef enum ov_fetch_kind {
    OV_FETCH_PAGE = 0,  /**< an article or listing page */
    OV_FETCH_FEED = 1,  /**< a feed or sitemap */
    OV_FETCH_IMAGE = 2, /**< an image or other resource (Referer fallback applies) */
    OV_FETCH_ROBOTS = 3 /**< robots.txt (internal) */
} ov_fetch_kind;

/** One HTTP exchange, as seen on the wire; for recorders such as WARC. Borrowed. */
typedef struct ov_exchange {
    const char *url;              /**< request URL */
    const char *method;           /**< "GET" */
    const char *request_headers;  /**< raw request head as sent (CRLF lines) */
    size_t request_headers_len;
    long status;                  /**< HTTP status */
    const char *response_headers; /**< raw response head of the final response */
    size_t response_headers_len;
    const unsigned char *body;    /**< decoded (uncompressed) payload */
    size_t body_len;
    int64_t date;                 /**< Unix time of the response */
    const char *ip;               /**< peer address, or NULL */
} ov_exchange;

/**
 * Called after every completed network exchange, whatever its status
 * (a 304 revalidation comes with status 304 and an empty body; transfers
 * cut short by a network error or a size cap are not reported). Not called
 * in replay mode.
 */
typedef void (*ov_exchange_fn)(void *ud, const ov_exchange *ex);

/**
 * Offline source: answer `url` from a recording instead of the network.
 * Fill *status, *headers (raw head, malloc'd) and *body (malloc'd) and
 * return 0, or return OV_ENOTFOUND. The fetcher frees what it gets.
 */
typedef int (*ov_replay_fn)(void *ud, const char *url, long *status, char **headers,
                            size_t *headers_len, unsigned char **body, size_t *body_len);

#define OV_FETCH_OPTIONS_VERSION 1

/** Fetcher options. Initialise with OV_FETCH_OPTIONS_INIT; all strings borrowed. */
typedef struct ov_fetch_options {
    unsigned version;         /**< OV_FETCH_OPTIONS_VERSION */
    const char *user_agent;   /**< NULL = "octavo/<version> (+https://github.com/octavo/octavo)" */
    unsigned max_total;       /**< concurrent transfers; 0 = OV_FETCH_MAX_TOTAL */
    unsigned max_per_host;    /**< concurrent per host; 0 = OV_FETCH_MAX_PER_HOST */
    long connect_timeout_ms;  /**< 0 = 15000 */
    long timeout_ms;          /**< whole transfer; 0 = 60000 */
    long low_speed_secs;      /**< abort below 1 KiB/s for this long; 0 = 30 */
    unsigned max_redirects;   /**< 0 = OV_FETCH_MAX_REDIRECTS */
    size_t max_page_bytes;    /**< pages; 0 = OV_FETCH_MAX_PAGE_BYTES (feeds: OV_FETCH_MAX_FEED_BYTES) */
    size_t max_image_bytes;   /**< 0 = OV_FETCH_MAX_IMAGE_BYTES */
    int retries;              /**< retries after 5xx/network errors; <0 = none, 0 = OV_FETCH_RETRIES */
    long retry_base_ms;       /**< first backoff step; 0 = 500 (doubles, capped at 30 s) */
    long host_delay_ms;       /**< minimum gap between requests to one host; 0 = none */
    int ignore_robots;        /**< non-zero: do not fetch or obey robots.txt */
    const char *cookie_file;  /**< Netscape cookie file to send, or NULL */
    const char *cache_dir;    /**< conditional-GET cache directory, or NULL for none */
    int insecure;             /**< non-zero: skip TLS verification (dangerous) */
    int progress;             /**< non-zero: draw a progress line on stderr */
    ov_exchange_fn on_exchange; /**< recorder hook, or NULL */
    void *exchange_ud;
    ov_replay_fn replay;      /**< offline source (no network at all), or NULL */
    void *replay_ud;
    long max_retry_after_secs; /**< cap on Retry-After; 0 = OV_FETCH_MAX_RETRY_AFTER */
    uint64_t jitter_seed;     /**< seed of the backoff jitter (deterministic); 0 = fixed default */
    int allow_private;        /**< non-zero: also connect to link-local and cloud metadata
                                   addresses (refused by default, after DNS and on redirects) */
    long deadline_ms;         /**< whole-run budget counted from ov_fetcher_new: requests still
                                   pending then fail with OV_ELIMIT; 0 = none */
} ov_fetch_options;

#define OV_FETCH_OPTIONS_INIT                                                                      \
    {OV_FETCH_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, 0,          \
     NULL, NULL, NULL, NULL, 0, 0, 0, 0}

/** A request. Strings are copied by ov_fetch_add(). */
typedef struct ov_request {
    const char *url;      /**< absolute http(s) URL */
    ov_fetch_kind kind;   /**< size cap and category */
    const char *referer;  /**< images: tried without Referer first, then with this one */
    void *user;           /**< handed back in the callback */
} ov_request;

/** The outcome of one request. Borrowed: valid only during the callback. */
typedef struct ov_response {
    const char *url;          /**< the requested URL */
    const char *final_url;    /**< after redirects */
    void *user;               /**< ov_request.user */
    ov_fetch_kind kind;
    long status;              /**< HTTP status of the final response; 0 if none */
    const char *content_type; /**< Content-Type header, or NULL */
    const unsigned char *body; /**< decoded bytes (NUL-terminated for convenience) */
    size_t len;
    int error;                /**< 0, or the OV_E* code of the failure */
    const char *error_message; /**< human-readable reason when error != 0 */
    int from_cache;           /**< non-zero when served from the cache after a 304 */
    double seconds;           /**< wall time including retries */
} ov_response;

/** Called once per request when it is done (success or failure). */
typedef void (*ov_fetch_done_fn)(void *ud, const ov_response *resp);

/** Opaque fetcher. */
typedef struct ov_fetcher ov_fetcher;

/** Create a fetcher; `*out` is owned by the caller (ov_fetcher_free). */
int ov_fetcher_new(const ov_fetch_options *opts, ov_fetcher **out, ov_error *err);
/** Free `f` (NULL is fine); closes the cache. */
void ov_fetcher_free(ov_fetcher *f);
/**
 * Close the connections `f` keeps open between requests (its sockets), when
 * no request is queued or running; the fetcher stays usable (a later request
 * opens a new connection) and keeps its records. Call it once fetching is
 * over, so packaging runs with no socket left open. No-op otherwise.
 */
void ov_fetcher_close_connections(ov_fetcher *f);
/**
 * Queue a request. OV_EPOLICY for non-http(s) URLs; OV_EINVAL for bad URLs.
 * Requests to one host start in the order they were queued, except that an
 * OV_FETCH_IMAGE goes before the other kinds still waiting for its host
 * (after the images queued before it): a page's images are asked for once
 * the page is read, and should not wait behind every page still queued.
 */
int ov_fetch_add(ov_fetcher *f, const ov_request *req, ov_error *err);
/**
 * Perform all queued requests (and those queued by `done`), then return.
 * Returns 0 when the loop ran (each request's own outcome is in its
 * ov_response: error is 0 or OV_EHTTP (status not 2xx), OV_ENET (DNS,
 * connect, reset, timeout, partial body, after retries), OV_ELIMIT (size
 * cap, redirect limit), OV_EPOLICY (robots.txt, non-http(s) redirect) or
 * OV_ENOTFOUND (not in the replay recording)); negative only when the loop
 * itself failed (out of memory, libcurl failure). Not re-entrant: do not call
 * ov_fetch_run/ov_fetch_get/ov_discover from `done` (OV_EINVAL); queue with
 * ov_fetch_add instead.
 *
 * robots.txt: fetched once per host before its first request (unless
 * opts->ignore_robots); 2xx is obeyed, 4xx or unreachable means allow all,
 * 5xx means disallow all for the run (RFC 9309).
 */
int ov_fetch_run(ov_fetcher *f, ov_fetch_done_fn done, void *ud, ov_error *err);

/**
 * Work that runs beside the fetch loop (extraction on worker threads) and
 * may still queue requests. Called on the loop's thread at every turn of
 * ov_fetch_run(), where it may ov_fetch_add(); returns how many pieces of
 * work are still outstanding: while that is not 0, the loop keeps waiting
 * (woken by ov_fetch_wakeup) even with nothing left to fetch. With `wait`
 * the loop has nothing else to do: the hook may block until some of its
 * work is done.
 */
typedef size_t (*ov_fetch_idle_fn)(void *ud, int wait);
/** Set (or with NULL clear) the idle hook of `f`'s next runs. */
void ov_fetch_set_idle(ov_fetcher *f, ov_fetch_idle_fn idle, void *ud);
/**
 * Wake ov_fetch_run() from its wait so it calls the idle hook now. The only
 * fetcher function that may be called from any thread, at any time while
 * `f` exists.
 */
void ov_fetch_wakeup(ov_fetcher *f);

/**
 * Fetch one URL synchronously. On success (even an HTTP error status: check
 * (*out)->error) `*out` is a response the caller frees with ov_response_free.
 * The fetcher must be idle (nothing queued, not inside ov_fetch_run):
 * otherwise OV_EINVAL.
 */
int ov_fetch_get(ov_fetcher *f, const char *url, ov_fetch_kind kind, ov_response **out,
                 ov_error *err);
/** Free a response returned by ov_fetch_get(). */
void ov_response_free(ov_response *r);

/** Counters for progress and summaries. */
typedef struct ov_fetch_stats {
    size_t requests, done, failed, from_cache, bytes, downloaded_bytes;
} ov_fetch_stats;
void ov_fetcher_stats(const ov_fetcher *f, ov_fetch_stats *out);

/**
 * Write a JSON report of every request: url, final_url, kind, status, bytes,
 * seconds, from_cache, error. Merge `extra` (a JSON object text, may be NULL)
 * into the top level.
 */
int ov_fetcher_write_report(const ov_fetcher *f, const char *path, const char *extra,
                            ov_error *err);

/** A discovered article: from a feed item, sitemap URL or listing link. */
typedef struct ov_entry {
    char *url;       /**< absolute article URL; NULL for a feed item without a link
                          (its text is then the feed's own content or summary) */
    char *id;        /**< feed items: the guid/id, else "urn:octavo:item:<32 hex>" hash of the
                          item's parts (stable across runs); NULL for sitemap and page entries */
    char *title;     /**< plain text (markup stripped, entities decoded), or NULL */
    char *published; /**< ISO 8601, or NULL */
    int64_t time;    /**< published (else updated) as Unix time, 0 when unknown */
    char *author;    /**< display name (plain text), or NULL */
    char *summary;   /**< plain text, or NULL */
    char *content;   /**< full HTML content from the feed (unescaped once, relative
                          links resolved), or NULL; for an item without a link and
                          without content, the HTML of its description */
} ov_entry;

/** An item a parser dropped, and why (reported, never silent). */
typedef struct ov_entry_skip {
    char *what;   /**< the item's link or id, or "item N" */
    char *reason; /**< human-readable reason */
} ov_entry_skip;

/** A list of entries; owned by the caller, freed with ov_entries_free. */
typedef struct ov_entries {
    ov_entry *items;
    size_t n;
    char *title;     /**< feed/site title (plain text), or NULL */
    char **children; /**< sitemap index: child sitemap URLs */
    size_t n_children;
    ov_entry_skip *skips; /**< items dropped by the parser (over a limit, refused link) */
    size_t n_skips;
} ov_entries;

void ov_entries_free(ov_entries *e);

#define OV_FEED_OPTIONS_VERSION 1

/** What the transport says about a feed document. All strings borrowed, may be NULL. */
typedef struct ov_feed_options {
    unsigned version;             /**< OV_FEED_OPTIONS_VERSION */
    const char *base_url;         /**< the document's URL (after redirects) */
    const char *content_type;     /**< HTTP Content-Type: its charset wins over the XML
                                       declaration (RFC 7303), checked against the bytes */
    const char *content_location; /**< HTTP Content-Location: the base for relative links */
} ov_feed_options;

#define OV_FEED_OPTIONS_INIT {OV_FEED_OPTIONS_VERSION, NULL, NULL, NULL}

/** Most items kept from one feed; the rest are reported in ov_entries.skips. */
#define OV_FEED_MAX_ITEMS 10000u

/**
 * Parse an RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 or CDF feed. The
 * charset comes from the BOM, opts->content_type, the XML declaration and
 * then detection; named HTML entities are decoded; elements are matched by
 * namespace. Items with a `javascript:`, `data:`, `file:` or `ftp:` link, and
 * items past OV_FEED_MAX_ITEMS, are listed in (*out)->skips. `opts` may be
 * NULL. `*out` owned by the caller (ov_entries_free).
 */
int ov_feed_parse(const unsigned char *data, size_t len, const ov_feed_options *opts,
                  ov_entries **out, ov_error *err);

/** Non-zero when the document looks like a feed (root element <rss>, <feed>,
 *  <rdf:RDF> or <channel>), looking past comments, processing instructions
 *  and a DOCTYPE of any length. */
int ov_feed_sniff(const unsigned char *data, size_t len);

/**
 * `e` as a JSON object text: {"title", "entries": [{"url", "id", "title",
 * "published", "time", "author", "summary", "content"}], "skips": [{"what",
 * "reason"}]}. `*out` malloc'd, owned by the caller.
 */
int ov_entries_to_json(const ov_entries *e, char **out, ov_error *err);
/** Parse a sitemap or sitemap index (children go to (*out)->children). */
int ov_sitemap_parse(const unsigned char *data, size_t len, const char *base_url,
                     ov_entries **out, ov_error *err);
/**
 * Links of a listing page whose absolute URL matches the POSIX extended
 * regular expression `pattern` (NULL = same-host links that look like
 * articles), in page order, unique. Also fills (*out)->children with feed
 * URLs announced by <link rel="alternate">.
 */
int ov_page_links(const unsigned char *html, size_t len, const char *base_url,
                  const char *content_type, const char *pattern, ov_entries **out,
                  ov_error *err);

/** Options for ov_discover(). */
typedef struct ov_discover_options {
    const char *pattern;  /**< link filter for listing pages (see ov_page_links) */
    int64_t now;          /**< current Unix time (passed in), for `oldest_days` */
    double oldest_days;   /**< drop dated entries older than this; 0 = keep all */
    size_t max_articles;  /**< keep at most this many (newest first in feed order); 0 = all */
} ov_discover_options;

/**
 * Fetch `url` and turn it into article entries: a feed or sitemap is parsed
 * (sitemap indexes followed, bounded), an HTML home page's announced feed is
 * used, otherwise its links matching the pattern. Entries with the same URL
 * are kept once. `*out` owned by the caller.
 */
int ov_discover(ov_fetcher *f, const char *url, const ov_discover_options *opts,
                ov_entries **out, ov_error *err);

#ifdef __cplusplus
}
#endif

#endif
