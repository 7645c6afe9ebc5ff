/*
 * The state store: what each recipe has delivered, in SQLite.
 *
 * Design. Three tables: `recipes` (id, title, last issue number),
 * `issues` (recipe, number, date, path, article count, created_at) and
 * `articles` (recipe, canonical URL, body hash, title, first issue). An
 * article is "seen" when its URL or its body hash is already stored for the
 * recipe, so a story republished under a new URL is not delivered twice.
 * ov_state_record_issue() writes an issue and its articles in one
 * transaction, and the pipeline calls it only after the book is on disk: a
 * crash between the two re-delivers articles rather than losing them.
 *
 * The database is marked with PRAGMA application_id so that pointing
 * --state at some other SQLite file is an error, not a silent schema
 * change. WAL and a busy timeout let `octavo issues` read while a run
 * writes.
 *
 * Run locks are not in the database (a crashed run would leave a stale row)
 * but flock(2) on a small file per recipe next to it: the kernel drops the
 * lock when the process dies, and the file holds the pid for the message.
 * Time never comes from the clock here: every timestamp is passed in.
 */
#include "octavo/state.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "periodical_internal.h"
#include "util/fs.h"

#define STATE_APP_ID 0x4f637476 /* "Octv" */
#define STATE_SCHEMA_VERSION 1

struct ov_state {
    sqlite3 *db;
    char *path;
    int lock_fd;
    char *lock_path;
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS recipes(id TEXT PRIMARY KEY, title TEXT,"
    " last_issue INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS issues(recipe_id TEXT NOT NULL, number INTEGER NOT NULL,"
    " date INTEGER NOT NULL, path TEXT, article_count INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, PRIMARY KEY(recipe_id, number));"
    "CREATE TABLE IF NOT EXISTS articles(recipe_id TEXT NOT NULL, url TEXT NOT NULL,"
    " body_hash TEXT, title TEXT, first_issue INTEGER NOT NULL, PRIMARY KEY(recipe_id, url));"
    "CREATE INDEX IF NOT EXISTS articles_hash ON articles(recipe_id, body_hash);";

static int db_error(ov_state *st, ov_error *err, const char *what)
{
    return ov_error_set(err, OV_EIO, st->path, "state database: %s: %s", what,
                        sqlite3_errmsg(st->db));
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* The checks and the creation run under one write lock (BEGIN IMMEDIATE):
   read as three separate statements, a first run racing another could see
   application_id 0 from before the other's commit and its tables from after,
   and call its own fresh database foreign. */
static int init_schema(ov_state *st, ov_error *err)
{
    int app = 0, ver = 0, tables = 0, rc = 0;
    char sql[128];
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(st, err, "cannot read the schema");
    if (pragma_int(st->db, "PRAGMA application_id", &app) ||
        pragma_int(st->db, "PRAGMA user_version", &ver) ||
        pragma_int(st->db, "SELECT count(*) FROM sqlite_master", &tables)) {
        rc = db_error(st, err, "cannot read the schema");
        goto rollback;
    }
    if (app != STATE_APP_ID && (app != 0 || tables != 0)) {
        rc = ov_error_set(err, OV_EPARSE, st->path, "%s is not an octavo state database",
                          st->path);
        goto rollback;
    }
    if (ver > STATE_SCHEMA_VERSION) {
        rc = ov_error_set(err, OV_EPARSE, st->path,
                          "state database version %d is newer than this octavo (%d)", ver,
                          STATE_SCHEMA_VERSION);
        goto rollback;
    }
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=%d;", STATE_APP_ID,
             STATE_SCHEMA_VERSION);
    if (sqlite3_exec(st->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(st, err, "cannot create the schema");
        goto rollback;
    }
    return 0;
rollback:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int ov_state_open(const char *path, ov_state **out, ov_error *err)
{
    ov_state *st = NULL;
    char *dir = NULL;
    int rc;
    *out = NULL;
    if (!path || !*path)
        return ov_error_set(err, OV_EINVAL, NULL, "no state database path");
    st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path)) || !(dir = strdup(path))) {
        rc = ov_error_set(err, OV_ENOMEM, path, "out of memory");
        goto cleanup;
    }
    st->lock_fd = -1;
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if ((rc = ov__mkdir_p(dir, err)))
            goto cleanup;
    }
    /* A file that is absent or empty is ours to make: switch it to WAL before
       anything, so runs that create it at once all meet one journal mode (a
       switch from a first run racing the schema of another made it fail). */
    struct stat sb;
    int fresh = stat(path, &sb) != 0 || sb.st_size == 0;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = ov_error_set(err, OV_EIO, path, "cannot open state database %s: %s", path,
                          st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto cleanup;
    }
    sqlite3_busy_timeout(st->db, OV_STATE_BUSY_TIMEOUT_MS);
    if (fresh)
        sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if ((rc = init_schema(st, err)))
        goto cleanup;
    /* WAL is an optimisation; a busy database may refuse the switch for now.
       An existing file only once it is known to be ours: the switch rewrites
       the header of whatever SQLite file --state names. */
    sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    *out = st;
    st = NULL;
cleanup:
    ov_state_close(st);
    free(dir);
    return rc;
}

void ov_state_close(ov_state *st)
{
    if (!st)
        return;
    ov_state_unlock(st);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

sqlite3 *ov__state_db(ov_state *st)
{
    return st->db;
}

static int valid_recipe_id(const char *id)
{
    return id && *id && !strchr(id, '/') && strcmp(id, ".") && strcmp(id, "..");
}

int ov_state_lock(ov_state *st, const char *recipe_id, ov_error *err)
{
    char buf[32];
    int fd = -1, rc = 0;
    if (!valid_recipe_id(recipe_id))
        return ov_error_set(err, OV_EINVAL, st->path, "invalid recipe id");
    if (st->lock_fd >= 0)
        return ov_error_set(err, OV_EINVAL, st->lock_path, "this state handle already holds a lock");
    if (asprintf(&st->lock_path, "%s.%s.lock", st->path, recipe_id) < 0) {
        st->lock_path = NULL;
        return ov_error_set(err, OV_ENOMEM, st->path, "out of memory");
    }
    fd = open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = ov_error_set(err, OV_EIO, st->lock_path, "cannot open lock file: %s", strerror(errno));
        goto cleanup;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e != EWOULDBLOCK) {
            rc = ov_error_set(err, OV_EIO, st->lock_path, "cannot lock: %s", strerror(e));
            goto cleanup;
        }
        /* The holder writes its pid right after locking; 0 if we read too early. */
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        rc = ov_error_set(err, OV_ELOCKED, st->lock_path,
                          "another octavo run for recipe %s is in progress (pid %ld)", recipe_id,
                          strtol(buf, NULL, 10));
        goto cleanup;
    }
    int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
        rc = ov_error_set(err, OV_EIO, st->lock_path, "cannot write lock file: %s",
                          strerror(errno));
        goto cleanup;
    }
    st->lock_fd = fd;
    fd = -1;
cleanup:
    if (fd >= 0)
        close(fd);
    if (rc) {
        free(st->lock_path);
        st->lock_path = NULL;
    }
    return rc;
}

void ov_state_unlock(ov_state *st)
{
    if (!st || st->lock_fd < 0)
        return;
    /* Empty the pid first so a reader never names a finished run. */
    if (ftruncate(st->lock_fd, 0) != 0) { /* harmless: the lock goes anyway */
    }
    close(st->lock_fd);
    st->lock_fd = -1;
    free(st->lock_path);
    st->lock_path = NULL;
}

int ov_state_seen(ov_state *st, const char *recipe_id, const char *url, const char *body_hash,
                  ov_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT 1 FROM articles WHERE recipe_id=?1 AND (url=?2 OR"
                           " (?3 IS NOT NULL AND body_hash=?3)) LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = db_error(st, err, "lookup");
        goto cleanup;
    }
    sqlite3_bind_text(s, 1, recipe_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, body_hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rc = 1;
    else if (rc == SQLITE_DONE)
        rc = 0;
    else
        rc = db_error(st, err, "lookup");
cleanup:
    sqlite3_finalize(s);
    return rc;
}

int ov_state_next_issue(ov_state *st, const char *recipe_id, ov_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT max(coalesce((SELECT last_issue FROM recipes WHERE id=?1),0),"
                           " coalesce((SELECT max(number) FROM issues WHERE recipe_id=?1),0))",
                           -1, &s, NULL) != SQLITE_OK) {
        rc = db_error(st, err, "issue counter");
        goto cleanup;
    }
    sqlite3_bind_text(s, 1, recipe_id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = db_error(st, err, "issue counter");
        goto cleanup;
    }
    rc = sqlite3_column_int(s, 0) + 1;
cleanup:
    sqlite3_finalize(s);
    return rc;
}

static int exec_bound(ov_state *st, const char *sql, const char *const *texts, size_t nt,
                      const int64_t *ints, size_t ni)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < nt; i++)
        rc = sqlite3_bind_text(s, (int)i + 1, texts[i], -1, SQLITE_STATIC);
    for (size_t i = 0; rc == SQLITE_OK && i < ni; i++)
        rc = sqlite3_bind_int64(s, (int)(nt + i) + 1, ints[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    if (rc != SQLITE_OK)
        rc = sqlite3_extended_errcode(st->db);
    sqlite3_finalize(s);
    return rc;
}

int ov_state_record_issue(ov_state *st, const ov_state_issue *is, const ov_state_article *arts,
                          size_t n, ov_error *err)
{
    int rc = 0;
    if (!valid_recipe_id(is->recipe_id) || is->number < 1)
        return ov_error_set(err, OV_EINVAL, st->path, "invalid recipe id or issue number");
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(st, err, "cannot start a transaction");
    const char *rt[] = {is->recipe_id, is->recipe_title};
    int64_t num = is->number;
    rc = exec_bound(st,
                    "INSERT INTO recipes(id, title, last_issue) VALUES(?1, ?2, ?3)"
                    " ON CONFLICT(id) DO UPDATE SET title=coalesce(?2, title),"
                    " last_issue=max(last_issue, ?3)",
                    rt, 2, &num, 1);
    const char *it[] = {is->recipe_id, is->path};
    int64_t ii[] = {is->number, is->date, (int64_t)n, is->created_at};
    if (rc == SQLITE_OK)
        rc = exec_bound(st,
                        "INSERT INTO issues(recipe_id, path, number, date, article_count,"
                        " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                        it, 2, ii, 4);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return ov_error_set(err, OV_EINVAL, st->path, "issue %d of recipe %s is already recorded",
                            is->number, is->recipe_id);
    }
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        const char *at[] = {is->recipe_id, arts[i].url, arts[i].body_hash, arts[i].title};
        rc = exec_bound(st,
                        "INSERT OR IGNORE INTO articles(recipe_id, url, body_hash, title,"
                        " first_issue) VALUES(?1, ?2, ?3, ?4, ?5)",
                        at, 4, &num, 1);
    }
    if (rc == SQLITE_OK && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    rc = db_error(st, err, "cannot record the issue");
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
