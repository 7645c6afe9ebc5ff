/* The cache is disposable (issue 14.12): corrupt index, unwritable folder, truncated body. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch/fetch_internal.h"
#include "octavo/fetch.h"
#include "ov_test.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(cache_guard, corrupt_index_is_rebuilt, .init = cr_redirect_stderr)
{
    char *dir = ov_test_tmpdir("cache-corrupt");
    char idx[4096], aside[4096];
    snprintf(idx, sizeof idx, "%s/index.sqlite", dir);
    snprintf(aside, sizeof aside, "%s/index.sqlite.corrupt", dir);
    write_text(idx, "this is not an SQLite database, just some bytes written over it........");
    ov__cache *c = NULL;
    ov__cache_open_or_bypass(dir, &c);
    cr_assert(c, "no cache after a corrupt index");
    cr_assert_eq(access(aside, F_OK), 0, "the corrupt index was not kept aside");
    ov_error err;
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/a", "\"e\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"hello", 5, &err), 0, "%s", err.message);
    ov__cache_close(c);
    fflush(stderr);
    cr_assert_stderr_neq_str("");
    free(dir);
}

Test(cache_guard, unusable_folder_means_no_cache, .init = cr_redirect_stderr)
{
    char *dir = ov_test_tmpdir("cache-unusable");
    char file[2048], cache[4096];
    snprintf(file, sizeof file, "%s/plain-file", dir);
    snprintf(cache, sizeof cache, "%s/cache", file);
    write_text(file, "x");
    ov__cache *c = (ov__cache *)1;
    ov__cache_open_or_bypass(cache, &c);
    cr_assert_null(c);
    /* and a fetcher with that cache folder still starts */
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    o.cache_dir = cache;
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    ov_fetcher_free(f);
    free(dir);
}

static void sql(const char *dir, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.sqlite", dir);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

static int page_size(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.sqlite", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Store a `len`-byte body under `url`, close, reopen and read it back. */
static void body_round_trip(const char *dir, const char *url, size_t len)
{
    unsigned char *data = malloc(len);
    cr_assert(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 131 + 7);
    ov__cache *c = NULL;
    ov_error err;
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_store(c, url, "\"v\"", NULL, "image/jpeg", 200, 1, data, len, &err), 0,
                 "%s", err.message);
    ov__cache_close(c);
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    ov__cache_entry e;
    cr_assert_eq(ov__cache_lookup(c, url, &e), 0);
    unsigned char *body = NULL;
    size_t got = 0;
    cr_assert_eq(ov__cache_read_body(c, url, &e, &body, &got), 0);
    cr_assert(got == len && memcmp(body, data, len) == 0, "body of %zu bytes changed", len);
    free(body);
    ov__cache_entry_clear(&e);
    ov__cache_close(c);
    free(data);
}

/* A new index uses 64 KB pages (fewer WAL writes per body); an index made
 * on 4 KB pages keeps them and still stores and serves bodies. */
Test(cache_guard, page_size_of_new_and_old_indexes)
{
    char *dir = ov_test_tmpdir("cache-pages-new");
    body_round_trip(dir, "http://127.0.0.1/big.jpg", 300000);
    cr_assert_eq(page_size(dir), 65536);
    free(dir);
    dir = ov_test_tmpdir("cache-pages-old");
    sql(dir, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
             "CREATE TABLE entries (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
             " stored_at INTEGER, status INTEGER, content_type TEXT, body TEXT, size INTEGER,"
             " data BLOB, crc INTEGER);");
    body_round_trip(dir, "http://127.0.0.1/big.jpg", 300000);
    cr_assert_eq(page_size(dir), 4096);
    free(dir);
}

Test(cache_guard, truncated_body_is_not_served)
{
    char *dir = ov_test_tmpdir("cache-truncated");
    ov__cache *c = NULL;
    ov_error err;
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/p", "\"v1\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"0123456789", 10, &err), 0, "%s", err.message);
    ov__cache_entry e;
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/p", &e), 0);
    cr_assert_eq(e.size, 10);
    cr_assert_null(e.body_file, "the body is kept in the index");
    unsigned char *body = NULL;
    size_t len = 0;
    cr_assert_eq(ov__cache_read_body(c, "http://127.0.0.1/p", &e, &body, &len), 0);
    cr_assert(len == 10 && memcmp(body, "0123456789", 10) == 0);
    free(body);
    ov__cache_entry_clear(&e);
    ov__cache_flush(c, 1);
    sql(dir, "UPDATE entries SET data = substr(data, 1, 4)");
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/p", &e), OV_ENOTFOUND,
                 "a truncated body would be served");
    ov__cache_close(c);
    free(dir);
}

/* A body altered behind the cache's back but kept at its size (a flipped
 * bit on the disk, someone's edit) fails its CRC-32 and is a miss, with one
 * warning; a row written before digests (crc NULL) is size-checked only. */
Test(cache_guard, altered_body_of_the_same_size_is_not_served, .init = cr_redirect_stderr)
{
    char *dir = ov_test_tmpdir("cache-altered");
    ov__cache *c = NULL;
    ov_error err;
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/p", "\"v1\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"0123456789", 10, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/q", "\"v1\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"abcdefghij", 10, &err), 0, "%s", err.message);
    ov__cache_entry e;
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/p", &e), 0);
    cr_assert(e.has_crc, "no digest recorded");
    /* altered between the lookup and the 304: reading it is a miss too */
    ov__cache_flush(c, 1);
    sql(dir, "UPDATE entries SET data = CAST('0123456788' AS BLOB) WHERE url = 'http://127.0.0.1/p'");
    unsigned char *body = NULL;
    size_t len = 0;
    cr_assert_neq(ov__cache_read_body(c, "http://127.0.0.1/p", &e, &body, &len), 0,
                  "an altered body was read");
    cr_assert_null(body);
    ov__cache_entry_clear(&e);
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/p", &e), OV_ENOTFOUND,
                 "an altered body of the same size would be served");
    /* the untouched row is still served */
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/q", &e), 0);
    ov__cache_entry_clear(&e);
    /* a row from before digests: served on its size */
    sql(dir, "UPDATE entries SET crc = NULL, data = CAST('abcdefghiX' AS BLOB)"
             " WHERE url = 'http://127.0.0.1/q'");
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/q", &e), 0);
    cr_assert_not(e.has_crc);
    cr_assert_eq(ov__cache_read_body(c, "http://127.0.0.1/q", &e, &body, &len), 0);
    cr_assert(len == 10 && memcmp(body, "abcdefghiX", 10) == 0);
    free(body);
    ov__cache_entry_clear(&e);
    ov__cache_close(c);
    fflush(stderr);
    FILE *f_err = cr_get_redirected_stderr();
    char msg[4096] = "";
    size_t got = fread(msg, 1, sizeof msg - 1, f_err);
    msg[got] = 0;
    cr_assert(strstr(msg, "warning: cache") && strstr(msg, "CRC-32"), "no warning: %s", msg);
    cr_assert_null(strstr(strstr(msg, "CRC-32") + 1, "fails its CRC-32"), "warned twice: %s", msg);
    free(dir);
}

/* A cache made before digests: the crc column is added, old rows stay. */
Test(cache_guard, cache_without_crc_column_is_migrated)
{
    char *dir = ov_test_tmpdir("cache-nocrc");
    sql(dir, "CREATE TABLE entries (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
             " stored_at INTEGER, status INTEGER, content_type TEXT, body TEXT, size INTEGER,"
             " data BLOB);"
             "INSERT INTO entries VALUES ('http://127.0.0.1/old', '\"v\"', NULL, 1, 200,"
             " 'text/html', NULL, 3, CAST('abc' AS BLOB));");
    ov__cache *c = NULL;
    ov_error err;
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    ov__cache_entry e;
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/old", &e), 0);
    cr_assert_not(e.has_crc);
    ov__cache_entry_clear(&e);
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/new", "\"w\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"xyz", 3, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/new", &e), 0);
    cr_assert(e.has_crc);
    ov__cache_entry_clear(&e);
    ov__cache_close(c);
    free(dir);
}

/* A cache written before bodies moved into the index: no data column, the
 * body in a file under bodies/. Its rows are served, a cut file is a miss. */
Test(cache_guard, older_cache_with_body_files)
{
    char *dir = ov_test_tmpdir("cache-old");
    char path[4096];
    snprintf(path, sizeof path, "%s/bodies", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/bodies/0000000000000001", dir);
    write_text(path, "0123456789");
    sql(dir, "CREATE TABLE entries (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,"
             " stored_at INTEGER, status INTEGER, content_type TEXT, body TEXT, size INTEGER);"
             "INSERT INTO entries VALUES ('http://127.0.0.1/old', '\"v\"', NULL, 1, 200,"
             " 'text/html', '0000000000000001', 10);");
    ov__cache *c = NULL;
    ov_error err;
    cr_assert_eq(ov__cache_open(dir, &c, &err), 0, "%s", err.message);
    ov__cache_entry e;
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/old", &e), 0);
    cr_assert_not_null(e.body_file);
    unsigned char *body = NULL;
    size_t len = 0;
    cr_assert_eq(ov__cache_read_body(c, "http://127.0.0.1/old", &e, &body, &len), 0);
    cr_assert(len == 10 && memcmp(body, "0123456789", 10) == 0);
    free(body);
    ov__cache_entry_clear(&e);
    /* new rows go into the index beside the old ones */
    cr_assert_eq(ov__cache_store(c, "http://127.0.0.1/new", "\"w\"", NULL, "text/html", 200, 1,
                                 (const unsigned char *)"abc", 3, &err), 0, "%s", err.message);
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/new", &e), 0);
    cr_assert_null(e.body_file);
    ov__cache_entry_clear(&e);
    cr_assert_eq(truncate(path, 4), 0);
    cr_assert_eq(ov__cache_lookup(c, "http://127.0.0.1/old", &e), OV_ENOTFOUND,
                 "a truncated body file would be served");
    ov__cache_close(c);
    free(dir);
}
