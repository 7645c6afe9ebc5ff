/* Internal pieces of the fetch module: robots.txt rules, the disk cache, URL helpers. */
#ifndef OV_FETCH_INTERNAL_H
#define OV_FETCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/fetch.h"

/* ---- robots.txt (robots.c) ---- */

/* Largest robots.txt we parse; the rest is ignored (as Google does at 500 KiB). */
#define OV__ROBOTS_MAX_BYTES (512u * 1024u)
/* Most rules kept for one host. */
#define OV__ROBOTS_MAX_RULES 4096u

typedef struct ov__robots ov__robots;

/* Parse `txt` for user agent token `agent` (e.g. "octavo"); the group for the
 * agent wins over "*". Never fails on bad input (unknown lines are skipped);
 * returns NULL only when out of memory. Free with ov__robots_free. */
ov__robots *ov__robots_parse(const char *txt, size_t len, const char *agent);
void ov__robots_free(ov__robots *r);
/* 1 if `path_and_query` (starting with '/') may be fetched, 0 if disallowed. */
int ov__robots_allowed(const ov__robots *r, const char *path_and_query);

/* ---- disk cache (cache.c) ---- */

/* Largest body stored in or read back from the cache. */
#define OV__CACHE_MAX_BODY (64u * 1024u * 1024u)

typedef struct ov__cache ov__cache;

typedef struct ov__cache_entry {
    char *etag;          /* or NULL */
    char *last_modified; /* or NULL */
    char *content_type;  /* or NULL */
    long status;
    int64_t stored_at;
    char *body_file;     /* a body file of an older cache, or NULL: the body is in the index */
    size_t size;
    int has_crc;         /* the row records the body's CRC-32 (rows before it did not) */
    uint32_t crc;
} ov__cache_entry;

int ov__cache_open(const char *dir, ov__cache **out, ov_error *err);
/* Commits pending index rows first. */
void ov__cache_close(ov__cache *c);
/* Open the cache at `dir`; when that fails, rebuild a corrupt index or go on
 * without a cache (*out = NULL), with a warning on stderr (cache_guard.c). */
void ov__cache_open_or_bypass(const char *dir, ov__cache **out);
/* Commit the open batch of index rows if it is full or old enough (or
   always with `force`); the fetch loop calls it before it waits. */
void ov__cache_flush(ov__cache *c, int force);
/* 0 and *e filled (caller frees with ov__cache_entry_clear), or OV_ENOTFOUND
 * (also when the stored body is not the size or CRC-32 its row records). */
int ov__cache_lookup(ov__cache *c, const char *url, ov__cache_entry *e);
void ov__cache_entry_clear(ov__cache_entry *e);
/* The body of the entry `e` that ov__cache_lookup() found for `url`: 0 and
 * *out malloc'd (NUL-terminated, caller frees), or an OV_E* code when it is
 * gone or no longer the size or CRC-32 `e` says (a miss). */
int ov__cache_read_body(ov__cache *c, const char *url, const ov__cache_entry *e,
                        unsigned char **out, size_t *len);
/* Store a 200 response with a validator, body included (in the open batch). */
int ov__cache_store(ov__cache *c, const char *url, const char *etag, const char *last_modified,
                    const char *content_type, long status, int64_t now, const unsigned char *body,
                    size_t len, ov_error *err);

/* ---- URLs and dates (url.c) ---- */

/* Malloc'd absolute URL of `ref` against `base` (fragment dropped), or NULL
 * when it is not a valid http(s) URL. */
char *ov__url_resolve(const char *base, const char *ref);
/* 1 when `url` is an absolute http: or https: URL. */
int ov__url_is_http(const char *url);
/* Malloc'd lower-case host of `url` (with ":port" when not default), or NULL. */
char *ov__url_host_key(const char *url);
/* Malloc'd path+query of `url` ("/" at least), or NULL. */
char *ov__url_path_query(const char *url);
/* One parse of an http(s) URL for a request: `host` as given (curl_free'd),
 * `host_key` as ov__url_host_key makes it and `path_query` as
 * ov__url_path_query does (both malloc'd). Free with ov__url_parts_free. */
typedef struct ov__url_parts {
    char *host, *host_key, *path_query;
} ov__url_parts;
/* 0 and *out filled when `url` is what ov__url_is_http accepts; -1 (and
 * *out empty) when it is not or memory ran out. */
int ov__url_http_parts(const char *url, ov__url_parts *out);
void ov__url_parts_free(ov__url_parts *p);
/* Malloc'd "scheme://host[:port]" of `url`, or NULL. */
char *ov__url_origin(const char *url);
/* Parse an RFC 822/1123, asctime or W3CDTF/ISO 8601 date (date.c); 0 when
 * unparseable or out of range. */
int64_t ov__parse_date(const char *s);
/* The same with a separate status: 0 and *out, or -1 (the epoch is a date). */
int ov__parse_date_checked(const char *s, int64_t *out);

/* ---- gzip (feed.c) ---- */

/* Inflate gzip/zlib `in` into a malloc'd buffer of at most `limit` bytes
 * (OV_ELIMIT beyond). */
int ov__gunzip(const unsigned char *in, size_t len, size_t limit, unsigned char **out,
               size_t *out_len, ov_error *err);

#endif
