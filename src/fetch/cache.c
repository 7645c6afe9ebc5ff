/*
 * The conditional-GET cache: one SQLite file holding, per URL, the
 * validators and the body.
 *
 * Only 200 responses that carry a validator (ETag or Last-Modified) are
 * stored; the fetcher sends them back as If-None-Match / If-Modified-Since
 * and serves the stored body on 304. Several runs may share a cache: SQLite
 * serialises the writers (busy_timeout) and a reader never sees half a row.
 *
 * Bodies live in the index as BLOBs, in the row of their URL (pages and
 * images are small: SQLite reads and writes them faster than files, and
 * one file per body cost a file create, a rename and an inode per URL,
 * which made a cold cache run much slower than --no-cache). Caches written
 * by earlier versions kept bodies as files under bodies/, named by the row;
 * such rows are still served (and size-checked) until they are replaced.
 *
 * The cache is disposable, so it is written for speed, not durability: WAL
 * with synchronous=NORMAL (no sync per commit; a power cut may lose the
 * last commits, never the index's consistency) and index rows batched into
 * one transaction per OV__CACHE_BATCH stores or OV__CACHE_BATCH_MS. (Not
 * one transaction for the whole run: it would hold the write lock for the
 * run, and another run sharing the cache would time out on its stores.) A
 * lookup checks the body's size and CRC-32 against the row (columns size and
 * crc), so a lost, cut or altered body is a cache miss, never a wrong page;
 * an altered body of the same size is reported once per run on stderr.
 * Rows written before the crc column existed (crc NULL) are size-checked
 * only, until they are replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "fetch/fetch_internal.h"
#include "util/fs.h"

/* Page size of a new index (SQLite's largest). Bodies of 10-100 KB on 4 KB
 * pages took one WAL frame (two writes) per 4 KB: 15,340 pwrite calls for a
 * cold run of 1,000 articles and 2,000 images, 5,800 on 64 KB pages. An
 * index made with another page size keeps it (WAL fixes it at creation). */
#define OV__CACHE_PAGE_SIZE 65536
/* Stores per index transaction, and the longest a transaction stays open. */
#define OV__CACHE_BATCH 256
#define OV__CACHE_BATCH_MS 250
/* A macro's value as a string literal (for the PRAGMA). */
#define OV__STR_(x) #x
#define OV__STR(x) OV__STR_(x)

struct ov__cache {
    sqlite3 *db;
    char *dir;
    sqlite3_stmt *lookup, *insert, *read; /* prepared once */
    int in_txn;
    unsigned txn_n;
    int64_t txn_ms;                /* when the open transaction began */
    int warned_digest;             /* a body failed its CRC check (told once) */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS entries ("
    " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, stored_at INTEGER,"
    " status INTEGER, content_type TEXT, body TEXT, size INTEGER, data BLOB, crc INTEGER);";

static int has_column(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('entries') WHERE name = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* A cache made before bodies moved into the index has no data column, one
 * made before digests no crc column: add what is missing. SQLITE_OK, or the
 * error of the ALTER TABLE (another run adding it meanwhile is fine). */
static int add_missing_columns(sqlite3 *db)
{
    static const char *const cols[][2] = {
        {"data", "ALTER TABLE entries ADD COLUMN data BLOB;"},
        {"crc", "ALTER TABLE entries ADD COLUMN crc INTEGER;"},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        int tries = 0, src = SQLITE_OK;
        if (has_column(db, cols[i][0]))
            continue;
        while ((src = sqlite3_exec(db, cols[i][1], NULL, NULL, NULL)) == SQLITE_BUSY &&
               tries++ < 50)
            sqlite3_sleep(100);
        if (src != SQLITE_OK && !has_column(db, cols[i][0]))
            return src;
    }
    return SQLITE_OK;
}

static uint32_t body_crc(const void *data, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    const unsigned char *p = data;
    while (n) {
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = crc32(crc, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)crc;
}

/* Does the blob match its row's digest (a row without one: yes)? */
static int crc_ok(ov__cache *c, const char *url, const ov__cache_entry *e, const void *blob,
                  size_t n)
{
    if (!e->has_crc || body_crc(blob, n) == e->crc)
        return 1;
    if (!c->warned_digest) {
        c->warned_digest = 1;
        fprintf(stderr, "octavo: warning: cache: the stored body of %s fails its CRC-32 check;"
                        " fetching it again (further damaged bodies are refetched silently)\n",
                url);
    }
    return 0;
}

int ov__cache_open(const char *dir, ov__cache **out, ov_error *err)
{
    ov__cache *c = NULL;
    char *path = NULL;
    int rc = ov__mkdir_p(dir, err);
    if (rc)
        goto cleanup;
    c = calloc(1, sizeof *c);
    if (!c || !(c->dir = strdup(dir)) || asprintf(&path, "%s/index.sqlite", dir) < 0) {
        path = NULL;
        rc = ov_error_set(err, OV_ENOMEM, dir, "out of memory");
        goto cleanup;
    }
    if (sqlite3_open(path, &c->db) != SQLITE_OK) {
        rc = ov_error_set(err, OV_EIO, path, "cannot open cache index: %s",
                          c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto cleanup;
    }
    sqlite3_busy_timeout(c->db, 10000);
    /* WAL lets readers and a writer overlap; if another run holds the lock
     * while we ask, keep the current mode (it is only an optimisation). */
    sqlite3_exec(c->db, "PRAGMA page_size=" OV__STR(OV__CACHE_PAGE_SIZE) ";", NULL, NULL, NULL);
    sqlite3_exec(c->db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
    sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
    int tries = 0, src;
    while ((src = sqlite3_exec(c->db, schema, NULL, NULL, NULL)) == SQLITE_BUSY && tries++ < 50)
        sqlite3_sleep(100);
    if (src == SQLITE_OK)
        src = add_missing_columns(c->db);
    if (src != SQLITE_OK) {
        rc = ov_error_set(err, OV_EIO, path, "cannot create cache index: %s",
                          sqlite3_errmsg(c->db));
        goto cleanup;
    }
    *out = c;
    c = NULL;
cleanup:
    free(path);
    ov__cache_close(c);
    return rc;
}

void ov__cache_flush(ov__cache *c, int force)
{
    if (!c || !c->in_txn)
        return;
    if (!force && c->txn_n < OV__CACHE_BATCH && mono_ms() - c->txn_ms < OV__CACHE_BATCH_MS)
        return;
    if (sqlite3_exec(c->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(c->db, "ROLLBACK;", NULL, NULL, NULL); /* the cache only loses rows */
    c->in_txn = 0;
    c->txn_n = 0;
}

void ov__cache_close(ov__cache *c)
{
    if (!c)
        return;
    ov__cache_flush(c, 1);
    sqlite3_finalize(c->lookup);
    sqlite3_finalize(c->insert);
    sqlite3_finalize(c->read);
    sqlite3_close(c->db);
    free(c->dir);
    free(c);
}

void ov__cache_entry_clear(ov__cache_entry *e)
{
    free(e->etag);
    free(e->last_modified);
    free(e->content_type);
    free(e->body_file);
    memset(e, 0, sizeof *e);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

int ov__cache_lookup(ov__cache *c, const char *url, ov__cache_entry *e)
{
    int rc = OV_ENOTFOUND;
    memset(e, 0, sizeof *e);
    if (!c->lookup &&
        sqlite3_prepare_v2(c->db,
                           "SELECT etag, last_modified, stored_at, status, content_type, body,"
                           " size, length(data), crc, data FROM entries WHERE url = ?1",
                           -1, &c->lookup, NULL) != SQLITE_OK)
        return rc;
    sqlite3_stmt *st = c->lookup;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto cleanup;
    e->etag = col_dup(st, 0);
    e->last_modified = col_dup(st, 1);
    e->stored_at = sqlite3_column_int64(st, 2);
    e->status = (long)sqlite3_column_int64(st, 3);
    e->content_type = col_dup(st, 4);
    const unsigned char *body = sqlite3_column_text(st, 5);
    e->size = (size_t)sqlite3_column_int64(st, 6);
    if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
        e->has_crc = 1;
        e->crc = (uint32_t)sqlite3_column_int64(st, 8);
    }
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
        /* the body is in the row; one cut short or altered (by hand or by
         * the disk: SQLite never leaves half a row) is a miss */
        if ((uint64_t)sqlite3_column_int64(st, 7) != (uint64_t)e->size) {
            ov__cache_entry_clear(e);
            goto cleanup;
        }
        if (e->has_crc) {
            const void *blob = sqlite3_column_blob(st, 9);
            size_t n = (size_t)sqlite3_column_bytes(st, 9);
            if (n != e->size || !crc_ok(c, url, e, blob ? blob : "", n)) {
                ov__cache_entry_clear(e);
                goto cleanup;
            }
        }
        rc = 0;
        goto cleanup;
    }
    /* a row of an older cache: the body is a file under bodies/ */
    if (body && asprintf(&e->body_file, "%s/bodies/%s", c->dir, (const char *)body) < 0)
        e->body_file = NULL;
    struct stat sb;
    /* a body that is missing or not the size its row says (a killed run, a
     * crash, someone else's file) is a miss */
    if (!e->body_file || stat(e->body_file, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (uint64_t)sb.st_size != (uint64_t)e->size || access(e->body_file, R_OK) != 0) {
        ov__cache_entry_clear(e);
        goto cleanup;
    }
    rc = 0;
cleanup:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int ov__cache_read_body(ov__cache *c, const char *url, const ov__cache_entry *e,
                        unsigned char **out, size_t *len)
{
    ov_error err;
    *out = NULL;
    *len = 0;
    if (e->body_file)
        return ov__read_file(e->body_file, OV__CACHE_MAX_BODY, out, len, &err);
    if (!c->read && sqlite3_prepare_v2(c->db, "SELECT data FROM entries WHERE url = ?1", -1,
                                       &c->read, NULL) != SQLITE_OK)
        return OV_EIO;
    int rc = OV_ENOTFOUND;
    sqlite3_stmt *st = c->read;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const void *blob = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        /* replaced by another run since the lookup: its validators were not
         * the ones we sent, so this body may not be the one the 304 meant */
        if (n != e->size || n > OV__CACHE_MAX_BODY || !crc_ok(c, url, e, blob ? blob : "", n))
            goto cleanup;
        if (!(*out = malloc(n + 1))) {
            rc = OV_ENOMEM;
            goto cleanup;
        }
        if (n)
            memcpy(*out, blob, n);
        (*out)[n] = 0;
        *len = n;
        rc = 0;
    }
cleanup:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int ov__cache_store(ov__cache *c, const char *url, const char *etag, const char *last_modified,
                    const char *content_type, long status, int64_t now, const unsigned char *body,
                    size_t len, ov_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (len > OV__CACHE_MAX_BODY)
        return 0; /* too big to keep; not an error for the fetch */
    if (!c->insert &&
        sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO entries (url, etag, last_modified, stored_at,"
                           " status, content_type, body, size, data, crc)"
                           " VALUES (?1,?2,?3,?4,?5,?6,NULL,?7,?8,?9)",
                           -1, &c->insert, NULL) != SQLITE_OK)
        return ov_error_set(err, OV_EIO, url, "cache index: %s", sqlite3_errmsg(c->db));
    st = c->insert;
    if (!c->in_txn && sqlite3_exec(c->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) == SQLITE_OK) {
        c->in_txn = 1; /* else: this row commits on its own */
        c->txn_ms = mono_ms();
    }
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, etag, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, last_modified, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, status);
    sqlite3_bind_text(st, 6, content_type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)len);
    /* a zero-length blob, not NULL: NULL would mean "a body file" */
    sqlite3_bind_blob64(st, 8, body ? (const void *)body : (const void *)"", (sqlite3_uint64)len,
                        SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)body_crc(body ? (const void *)body : "", len));
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ov_error_set(err, OV_EIO, url, "cache index: %s", sqlite3_errmsg(c->db));
    else if (c->in_txn)
        c->txn_n++;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    ov__cache_flush(c, 0);
    return rc;
}
