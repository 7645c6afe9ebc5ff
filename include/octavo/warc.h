/*
 * octavo/warc.h - archive mode: record a run's HTTP exchanges as WARC 1.1
 * (ISO 28500:2017) and replay them offline.
 *
 * Recording: open a writer, then hand it to the fetcher as its exchange hook
 *
 *     ov_warc_writer *w;
 *     ov_warc_info info = OV_WARC_INFO_INIT;
 *     info.created = now;                      // the clock is passed in
 *     ov_warc_writer_open("run.warc.gz", &info, &w, &err);
 *     opts.on_exchange = ov_warc_exchange_hook;
 *     opts.exchange_ud = w;
 *     ... ov_fetch_run() ...
 *     ov_warc_writer_close(w, &err);           // renames into place
 *
 * Replaying: open a reader and hand it to the fetcher as its offline source
 *
 *     ov_warc_reader *r;
 *     ov_warc_reader_open("run.warc.gz", &r, &err);
 *     opts.replay = ov_warc_replay_hook;
 *     opts.replay_ud = r;
 *     ... ov_fetch_run() ...
 *     ov_warc_reader_free(r);
 *
 * Files are written with one gzip member per record (seekable by standard
 * tools). The reader accepts multi-member gzip and plain WARC files.
 */
#ifndef OCTAVO_WARC_H
#define OCTAVO_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/fetch.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Reader limits: a file, all its decompressed records, one record, one header, record count. */
#define OV_WARC_MAX_FILE_BYTES ((size_t)512u * 1024u * 1024u)
#define OV_WARC_MAX_DATA_BYTES ((size_t)1024u * 1024u * 1024u)
#define OV_WARC_MAX_RECORD_BYTES ((size_t)64u * 1024u * 1024u)
#define OV_WARC_MAX_HEADER_BYTES ((size_t)64u * 1024u)
#define OV_WARC_MAX_RECORDS ((size_t)200000u)

/**
 * Makes one record id: write a UUID in its 36-character text form
 * ("xxxxxxxx-xxxx-...") plus NUL into `out` and return 0, or return a
 * negative OV_E* code.
 */
typedef int (*ov_warc_id_fn)(void *ud, char out[37]);

/** What goes into the warcinfo record and how records are written. Strings borrowed. */
typedef struct ov_warc_info {
    const char *software;      /**< NULL = "octavo/" OV_VERSION_STRING */
    const char *operator_name; /**< who ran the crawl, or NULL */
    const char *description;   /**< free text, or NULL */
    int64_t created;           /**< Unix time of the run (WARC-Date of the warcinfo record) */
    ov_warc_id_fn make_id;     /**< NULL = deterministic ids derived from content + sequence */
    void *id_ud;
    int metadata; /**< non-zero: add a metadata record per exchange */
    int no_gzip;  /**< non-zero: write a plain (uncompressed) WARC */
} ov_warc_info;

#define OV_WARC_INFO_INIT                                                                          \
    {                                                                                              \
        NULL, NULL, NULL, 0, NULL, NULL, 0, 0                                                      \
    }

/** Opaque writer. */
typedef struct ov_warc_writer ov_warc_writer;

/**
 * Start a WARC at `path`: the data goes to "<path>.tmp.XXXXXX", which
 * ov_warc_writer_close() renames over `path`. Writes the warcinfo record.
 * `info` (may be NULL = defaults) is copied. `*out` is owned by the caller
 * and must be passed to ov_warc_writer_close() or ov_warc_writer_abort().
 */
int ov_warc_writer_open(const char *path, const ov_warc_info *info, ov_warc_writer **out,
                        ov_error *err);

/**
 * Append a request record, a response record (and a metadata record when
 * asked) for `ex`, which is only read; ex->date 0 means "unknown" and the
 * run's ov_warc_info.created is used. The response head is rewritten to
 * match the decoded body (see the design note in src/fetch/warc/warc.c).
 * After a failure the writer is poisoned: further calls and close fail.
 */
int ov_warc_record_exchange(ov_warc_writer *w, const ov_exchange *ex, ov_error *err);

/**
 * ov_exchange_fn adapter: `ud` is an ov_warc_writer. The hook cannot report
 * errors, so the first one is kept and returned by ov_warc_writer_close().
 */
void ov_warc_exchange_hook(void *ud, const ov_exchange *ex);

/** Records written so far, the warcinfo record included. */
size_t ov_warc_writer_count(const ov_warc_writer *w);

/**
 * Finish: flush, fsync, rename over the final path, free `w` (always, even
 * on error; NULL is fine). Returns the first error seen while recording, if
 * any; then the temporary file is removed and the final path is untouched.
 */
int ov_warc_writer_close(ov_warc_writer *w, ov_error *err);

/** Give up: remove the temporary file and free `w` (NULL is fine). */
void ov_warc_writer_abort(ov_warc_writer *w);

/** Opaque reader: a whole WARC file in memory, indexed. */
typedef struct ov_warc_reader ov_warc_reader;

/**
 * Read and index `path` (multi-member gzip or plain WARC 1.0/1.1).
 * Checks every record's framing and every sha1 WARC-Block-Digest; truncated
 * or corrupt input is OV_EPARSE, a limit exceeded OV_ELIMIT, a missing file
 * OV_ENOTFOUND, another I/O failure OV_EIO. `*out` is owned
 * by the caller (ov_warc_reader_free).
 */
int ov_warc_reader_open(const char *path, ov_warc_reader **out, ov_error *err);

/** Same, from bytes in memory (copied); `name` is used in messages (may be NULL). */
int ov_warc_reader_open_mem(const void *data, size_t len, const char *name, ov_warc_reader **out,
                            ov_error *err);

/** Free `r` (NULL is fine); invalidates every record it handed out. */
void ov_warc_reader_free(ov_warc_reader *r);

/** One record, borrowed from its reader (valid until ov_warc_reader_free). */
typedef struct ov_warc_record {
    const char *type;       /**< WARC-Type value ("warcinfo", "request", "response", ...) */
    const char *record_id;  /**< WARC-Record-ID value, angle brackets included */
    const char *target_uri; /**< WARC-Target-URI value, or NULL */
    const char *date;       /**< WARC-Date value, or NULL */
    const char *header;     /**< the record's header lines (after the version line) */
    size_t header_len;
    const unsigned char *block; /**< Content-Length bytes of block */
    size_t block_len;
} ov_warc_record;

/** Number of records in the file. */
size_t ov_warc_reader_count(const ov_warc_reader *r);
/** Number of records whose WARC-Type is `type` (case-insensitive). */
size_t ov_warc_reader_count_type(const ov_warc_reader *r, const char *type);
/** Record `i` (0-based, file order) into *out; OV_EINVAL when out of range. */
int ov_warc_reader_record(const ov_warc_reader *r, size_t i, ov_warc_record *out);

/**
 * Look up the response for `url` (the last one recorded wins). On success
 * *status is the HTTP status, and *head / *body are malloc'd copies of the
 * response head (CRLF lines, blank line included, NUL-terminated) and the
 * body (NUL-terminated too): the caller frees both. OV_ENOTFOUND when
 * `url` was not recorded.
 */
int ov_warc_reader_lookup(const ov_warc_reader *r, const char *url, long *status, char **head,
                          size_t *head_len, unsigned char **body, size_t *body_len);

/** ov_replay_fn adapter: `ud` is an ov_warc_reader; see ov_warc_reader_lookup(). */
int ov_warc_replay_hook(void *ud, const char *url, long *status, char **headers,
                        size_t *headers_len, unsigned char **body, size_t *body_len);

#ifdef __cplusplus
}
#endif

#endif
