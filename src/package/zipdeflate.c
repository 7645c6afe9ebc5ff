/* zipdeflate.c - EPUB entries deflated ahead, in parallel (see zipdeflate.h). */
#include "package/zipdeflate.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/hmap.h"

/* Distinct files the entries are read from, each opened once a run (the
 * chapter spool and the image spool, as a rule); more go open per read. */
#define ZD_MAX_FILES 8

typedef struct zd_run {
    ov__zd_entry *e;
    size_t n;
    size_t next;       /* next entry to take */
    int spool_fd;
    uint64_t *spool_off;
    ov__hmap seen;     /* "crc:len" -> 1 + the first entry deflated with those */
    pthread_mutex_t lock;
    const char *file_path[ZD_MAX_FILES]; /* opened before the threads start */
    int file_fd[ZD_MAX_FILES];
    size_t n_files;
} zd_run;

static int read_range(const zd_run *r, const char *path, uint64_t off, unsigned char *buf,
                      size_t len)
{
    for (size_t i = 0; i < r->n_files; i++)
        if (!strcmp(r->file_path[i], path))
            return ov__pread_all(r->file_fd[i], buf, len, off);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = ov__pread_all(fd, buf, len, off);
    close(fd);
    return rc;
}

/* Open each distinct file the entries read from once (up to ZD_MAX_FILES). */
static void open_files(zd_run *r)
{
    for (size_t i = 0; i < r->n && r->n_files < ZD_MAX_FILES; i++) {
        const char *p = r->e[i].data ? NULL : r->e[i].path;
        size_t k = 0;
        while (p && k < r->n_files && strcmp(r->file_path[k], p))
            k++;
        if (!p || k < r->n_files)
            continue;
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            r->file_path[r->n_files] = p;
            r->file_fd[r->n_files++] = fd;
        }
    }
}

/* The entry's bytes: borrowed from memory, or read into *owned. */
static const unsigned char *input_of(const zd_run *r, const ov__zd_entry *e, unsigned char **owned)
{
    *owned = NULL;
    if (e->data)
        return (const unsigned char *)e->data;
    if (!e->path || !(*owned = malloc(e->len)))
        return NULL;
    if (read_range(r, e->path, e->off, *owned, e->len) != 0) {
        free(*owned);
        *owned = NULL;
    }
    return *owned;
}

static int same_bytes(const zd_run *r, const ov__zd_entry *a, const unsigned char *b, size_t len)
{
    if (a->len != len)
        return 0;
    unsigned char *owned;
    const unsigned char *in = input_of(r, a, &owned);
    int same = in && memcmp(in, b, len) == 0;
    free(owned);
    return same;
}

/* One thread's deflate stream, set up on its first entry and reset for
 * each next one: deflateReset leaves a stream as deflateInit2 with the same
 * parameters does, so the bytes are the same, without allocating, freeing
 * and clearing the level-9 state (about 400 KB) for every entry. */
typedef struct zd_deflater {
    z_stream z;
    int ready;
} zd_deflater;

static void deflater_end(zd_deflater *d)
{
    if (d->ready)
        deflateEnd(&d->z);
    d->ready = 0;
}

/* The raw deflate stream libzip writes for ZIP_CM_DEFLATE with flags 0. */
static unsigned char *deflate_all(zd_deflater *d, const unsigned char *in, size_t len,
                                  size_t *out_len)
{
    z_stream *z = &d->z;
    if (d->ready && deflateReset(z) != Z_OK)
        deflater_end(d);
    if (!d->ready) {
        memset(z, 0, sizeof *z);
        if (deflateInit2(z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            return NULL;
        d->ready = 1;
    }
    uLong bound = deflateBound(z, (uLong)len);
    unsigned char *out = malloc(bound);
    int r = Z_MEM_ERROR;
    if (out) {
        z->next_in = (Bytef *)(uintptr_t)in;
        z->avail_in = (uInt)len;
        z->next_out = out;
        z->avail_out = (uInt)bound;
        r = deflate(z, Z_FINISH);
    }
    *out_len = (size_t)z->total_out;
    if (r != Z_STREAM_END) {
        free(out);
        deflater_end(d); /* a stream left mid-way is not reused */
        return NULL;
    }
    return out;
}

/* `len` bytes at the end of a spool shared between threads: its old end,
 * *spool_off moved past them under `lock`. */
static uint64_t reserve(pthread_mutex_t *lock, uint64_t *spool_off, size_t len)
{
    pthread_mutex_lock(lock);
    uint64_t at = *spool_off;
    *spool_off += len;
    pthread_mutex_unlock(lock);
    return at;
}

/* Deflate `in` and append the result to the spool (its end *spool_off,
 * reserved under `lock`); *comp is NULL then, or holds the deflated bytes
 * when there is no spool or it could not be written (a failed write
 * leaves a hole in the spool). 0 when deflate failed, else 1. */
static int deflate_spooled(zd_deflater *d, const unsigned char *in, size_t len,
                           pthread_mutex_t *lock, int spool_fd, uint64_t *spool_off,
                           unsigned char **comp, size_t *clen, uint64_t *at)
{
    *comp = deflate_all(d, in, len, clen);
    *at = 0;
    if (!*comp)
        return 0;
    if (spool_fd < 0)
        return 1;
    *at = reserve(lock, spool_off, *clen);
    if (ov__pwrite_all(spool_fd, *comp, *clen, *at) == 0) {
        free(*comp);
        *comp = NULL;
    }
    return 1;
}

static void do_entry(zd_run *r, size_t i, zd_deflater *d)
{
    ov__zd_entry *e = &r->e[i];
    if (e->done || e->len == 0 || e->len > OV__ZD_ENTRY_MAX)
        return; /* done: deflated ahead (ov__zd_ahead) */
    unsigned char *owned;
    const unsigned char *in = input_of(r, e, &owned);
    if (!in)
        return;
    uint32_t crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), in, e->len);
    char key[48];
    snprintf(key, sizeof key, "%08x:%zu", (unsigned)crc, e->len);
    pthread_mutex_lock(&r->lock);
    size_t *v = ov__hmap_get(&r->seen, key);
    size_t first = v ? *v : 0;
    size_t first_len = first ? r->e[first - 1].comp_len : 0;
    pthread_mutex_unlock(&r->lock);
    if (first && same_bytes(r, &r->e[first - 1], in, e->len)) {
        free(owned);
        e->crc = crc;
        e->comp_len = first_len;
        e->same_as = first;
        e->done = 1;
        return;
    }
    size_t clen = 0;
    unsigned char *comp = NULL;
    uint64_t at = 0;
    int ok = deflate_spooled(d, in, e->len, &r->lock, r->spool_fd, r->spool_off, &comp, &clen, &at);
    free(owned);
    if (!ok)
        return;
    pthread_mutex_lock(&r->lock);
    e->crc = crc;
    e->comp_len = clen;
    e->comp = comp;
    e->comp_off = at;
    e->done = 1;
    if (!first)
        ov__hmap_put(&r->seen, key, i + 1, NULL); /* no room: the next copy is deflated again */
    pthread_mutex_unlock(&r->lock);
}

static void *worker(void *arg)
{
    zd_run *r = arg;
    zd_deflater d = {.ready = 0};
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t i = r->next < r->n ? r->next++ : r->n;
        pthread_mutex_unlock(&r->lock);
        if (i >= r->n)
            break;
        do_entry(r, i, &d);
    }
    deflater_end(&d);
    return NULL;
}

void ov__zd_run(ov__zd_entry *e, size_t n, int spool_fd, uint64_t *spool_off)
{
    zd_run r;
    memset(&r, 0, sizeof r);
    r.e = e;
    r.n = n;
    r.spool_fd = spool_fd;
    r.spool_off = spool_off;
    pthread_mutex_init(&r.lock, NULL);
    open_files(&r);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cores < 1 ? 1 : (size_t)cores;
    if (threads > OV__ZD_THREADS_MAX)
        threads = OV__ZD_THREADS_MAX;
    if (threads > n)
        threads = n ? n : 1;
    /* the caller's thread is one of them */
    pthread_t t[OV__ZD_THREADS_MAX];
    size_t started = 0;
    while (started + 1 < threads && pthread_create(&t[started], NULL, worker, &r) == 0)
        started++;
    worker(&r);
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    for (size_t i = 0; i < r.n_files; i++)
        close(r.file_fd[i]);
    ov__hmap_free(&r.seen);
    pthread_mutex_destroy(&r.lock);
}

/* ---------- ahead, while the plan is built ---------- */

typedef struct zd_job {
    char *data;          /* owned until deflated */
    size_t len;
    int done;
    uint32_t crc;
    size_t comp_len;
    unsigned char *comp; /* when the spool could not be written */
    uint64_t comp_off;
} zd_job;

struct ov__zd_ahead {
    pthread_mutex_t lock;
    pthread_cond_t cv;      /* a job queued, or stopping */
    pthread_cond_t cv_idle; /* a job finished */
    zd_job *jobs;
    size_t n_jobs, cap_jobs;
    size_t next;            /* next job to take */
    size_t n_busy;          /* jobs taken, not finished */
    size_t pending_bytes;   /* of jobs queued, not finished */
    int stopping;
    int spool_fd;
    uint64_t *spool_off;
    pthread_t threads[OV__ZD_THREADS_MAX];
    size_t n_threads;
    zd_deflater caller;     /* the submitting thread's, when it deflates */
};

/* Take the next queued job and deflate it; called and returning with the
 * lock held (it is let go while deflating). */
static void ahead_do_one(ov__zd_ahead *a, zd_deflater *d)
{
    size_t i = a->next++;
    char *data = a->jobs[i].data;
    size_t len = a->jobs[i].len;
    a->jobs[i].data = NULL;
    a->n_busy++;
    pthread_mutex_unlock(&a->lock);
    uint32_t crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), (const unsigned char *)data, len);
    size_t clen = 0;
    unsigned char *comp = NULL;
    uint64_t at = 0;
    int ok = deflate_spooled(d, (const unsigned char *)data, len, &a->lock, a->spool_fd,
                             a->spool_off, &comp, &clen, &at);
    free(data);
    pthread_mutex_lock(&a->lock);
    zd_job *j = &a->jobs[i]; /* after the lock: the array may have moved */
    j->done = ok;
    if (j->done) {
        j->crc = crc;
        j->comp_len = clen;
        j->comp = comp;
        j->comp_off = at;
    }
    a->pending_bytes -= len;
    a->n_busy--;
    pthread_cond_broadcast(&a->cv_idle);
}

static void *ahead_worker(void *arg)
{
    ov__zd_ahead *a = arg;
    zd_deflater d = {.ready = 0};
    pthread_mutex_lock(&a->lock);
    for (;;) {
        if (a->next == a->n_jobs) {
            if (a->stopping)
                break;
            pthread_cond_wait(&a->cv, &a->lock);
            continue;
        }
        ahead_do_one(a, &d);
    }
    pthread_mutex_unlock(&a->lock);
    deflater_end(&d);
    return NULL;
}

ov__zd_ahead *ov__zd_ahead_start(int spool_fd, uint64_t *spool_off)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cores < 2 ? 0 : (size_t)cores - 1;
    if (threads > OV__ZD_THREADS_MAX - 1)
        threads = OV__ZD_THREADS_MAX - 1;
    if (!threads || spool_fd < 0)
        return NULL;
    ov__zd_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->cv, NULL);
    pthread_cond_init(&a->cv_idle, NULL);
    a->spool_fd = spool_fd;
    a->spool_off = spool_off;
    while (a->n_threads < threads &&
           pthread_create(&a->threads[a->n_threads], NULL, ahead_worker, a) == 0)
        a->n_threads++;
    if (!a->n_threads) {
        ov__zd_ahead_free(a);
        return NULL;
    }
    return a;
}

uint64_t ov__zd_ahead_reserve(ov__zd_ahead *a, size_t len)
{
    return reserve(&a->lock, a->spool_off, len);
}

size_t ov__zd_ahead_put(ov__zd_ahead *a, char *data, size_t len)
{
    size_t id = 0;
    pthread_mutex_lock(&a->lock);
    int queueable = len > 0 && len <= OV__ZD_AHEAD_BYTES && !a->stopping;
    /* Over the bound, the caller deflates queued jobs itself until this one
       fits: the threads have fallen behind, and the queue stays bounded
       without leaving documents for the end. */
    while (queueable && a->pending_bytes + len > OV__ZD_AHEAD_BYTES && a->next < a->n_jobs)
        ahead_do_one(a, &a->caller);
    if (queueable && a->pending_bytes + len <= OV__ZD_AHEAD_BYTES &&
        ov__grow_array((void **)&a->jobs, a->n_jobs, &a->cap_jobs, sizeof *a->jobs, 64) == 0) {
        zd_job *j = &a->jobs[a->n_jobs];
        memset(j, 0, sizeof *j);
        j->data = data;
        j->len = len;
        data = NULL;
        a->pending_bytes += len;
        id = ++a->n_jobs;
        pthread_cond_signal(&a->cv);
    }
    pthread_mutex_unlock(&a->lock);
    free(data);
    return id;
}

void ov__zd_ahead_finish(ov__zd_ahead *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    /* the caller has nothing else to do: it deflates beside the threads */
    while (a->next < a->n_jobs)
        ahead_do_one(a, &a->caller);
    while (a->n_busy)
        pthread_cond_wait(&a->cv_idle, &a->lock);
    pthread_mutex_unlock(&a->lock);
}

void ov__zd_ahead_result(ov__zd_ahead *a, size_t id, ov__zd_entry *e)
{
    if (!a || id == 0 || id > a->n_jobs || !a->jobs[id - 1].done)
        return;
    zd_job *j = &a->jobs[id - 1];
    e->done = 1;
    e->crc = j->crc;
    e->comp_len = j->comp_len;
    e->comp = j->comp;
    e->comp_off = j->comp_off;
    e->same_as = 0;
    j->comp = NULL;
}

void ov__zd_ahead_free(ov__zd_ahead *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stopping = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->lock);
    for (size_t i = 0; i < a->n_threads; i++)
        pthread_join(a->threads[i], NULL);
    for (size_t i = 0; i < a->n_jobs; i++) {
        free(a->jobs[i].data);
        free(a->jobs[i].comp);
    }
    free(a->jobs);
    deflater_end(&a->caller);
    pthread_cond_destroy(&a->cv);
    pthread_cond_destroy(&a->cv_idle);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

void ov__zd_free(ov__zd_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].comp);
        e[i].comp = NULL;
    }
}

typedef struct zd_src {
    const unsigned char *mem; /* the deflated bytes in memory, or */
    int fd;                   /* in this file at off */
    uint64_t off;
    size_t len, pos;
    size_t size;              /* uncompressed */
    uint32_t crc;
    zip_error_t error;
} zd_src;

static zip_int64_t zd_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    zd_src *s = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        s->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t n = s->len - s->pos;
        if (n > len)
            n = (size_t)len;
        if (s->mem) {
            memcpy(data, s->mem + s->pos, n);
        } else if (n > 0) {
            ssize_t r;
            do
                r = pread(s->fd, data, n, (off_t)(s->off + s->pos));
            while (r < 0 && errno == EINTR);
            if (r <= 0) {
                zip_error_set(&s->error, ZIP_ER_READ, r < 0 ? errno : EIO);
                return -1;
            }
            n = (size_t)r;
        }
        s->pos += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        if (len < sizeof *st) {
            zip_error_set(&s->error, ZIP_ER_INVAL, 0);
            return -1;
        }
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD |
                    ZIP_STAT_ENCRYPTION_METHOD;
        st->size = s->size;
        st->comp_size = s->len;
        st->crc = s->crc;
        st->comp_method = ZIP_CM_DEFLATE;
        st->encryption_method = ZIP_EM_NONE;
        return sizeof *st;
    }
    case ZIP_SOURCE_GET_FILE_ATTRIBUTES: {
        zip_file_attributes_t *a = data;
        if (len < sizeof *a) {
            zip_error_set(&s->error, ZIP_ER_INVAL, 0);
            return -1;
        }
        /* what libzip's own deflate source reports: version 2.0, and the
         * "maximum compression" option bits of level 9 */
        a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED | ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
        a->version_needed = 20;
        a->general_purpose_bit_flags = 1 << 1;
        a->general_purpose_bit_mask = 3 << 1;
        return sizeof *a;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
        zip_error_fini(&s->error);
        free(s);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_SUPPORTS, ZIP_SOURCE_GET_FILE_ATTRIBUTES, -1);
    default:
        zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

zip_source_t *ov__zd_source(zip_t *za, const ov__zd_entry *all, size_t i, int spool_fd)
{
    const ov__zd_entry *e = &all[i];
    const ov__zd_entry *bytes = ov__zd_bytes(all, i);
    zd_src *s = calloc(1, sizeof *s);
    if (!s) {
        zip_error_set(zip_get_error(za), ZIP_ER_MEMORY, 0);
        return NULL;
    }
    s->mem = bytes->comp;
    s->fd = spool_fd;
    s->off = bytes->comp_off;
    s->len = bytes->comp_len;
    s->size = e->len;
    s->crc = e->crc;
    zip_error_init(&s->error);
    zip_source_t *src = zip_source_function(za, zd_cb, s);
    if (!src) {
        zip_error_fini(&s->error);
        free(s);
    }
    return src;
}
