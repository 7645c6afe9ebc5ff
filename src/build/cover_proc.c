/* cover_proc.c - the cover drawn in a child process (see cover_proc.h).
 *
 * One stream socket joins the two. A message is its length (uint64_t) and
 * then its fields, each an int64 or a byte string (a present flag, a length,
 * the bytes); both ends are this same program, so native byte order. The
 * request carries the spec and the photo's fields; a spooled photo is read
 * by the child from its spool file, which it can open as this process can.
 * The reply is the return code, the error, and the cover's media type,
 * size and bytes. The child forks a grandchild per request, which starts
 * libvips, answers and exits; the child exits when the socket closes (this
 * process is done with it, or gone) or a grandchild failed, so a crash
 * while drawing is an end of stream here, never a wait for ever. Neither
 * returns into the caller's code: they end with _exit, so nothing of the
 * parent's (atexit handlers, stdio buffers, a sanitizer's leak check) runs
 * twice.
 */
#include "build/cover_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "package/image/cover_warm.h"
#include "package/image/vips_loaded.h"
#include "util/buf.h"

/* Largest message either way: the spec's texts and an in-memory photo
 * (OV_IMAGE_MAX_INPUT_BYTES-sized at most) or the cover image. */
#define OV__COVER_PROC_MAX_MSG (256u << 20)
/* Headlines a request carries at most. */
#define OV__COVER_PROC_MAX_HEADS OV_COVER_MAX_HEADLINES
/* Highest descriptor the child closes one by one without close_range. */
#define OV__COVER_PROC_MAX_FD 65536

struct ov__cover_proc {
    pid_t pid;
    int fd; /* our end of the socket, or -1 once the child is gone */
};

/* ---------- messages ---------- */

static int put_num(ov__buf *b, int64_t v)
{
    return ov__buf_put(b, &v, sizeof v);
}

static int put_bytes(ov__buf *b, const void *p, size_t n, int present)
{
    int rc = put_num(b, present) || put_num(b, (int64_t)n);
    return rc ? rc : n ? ov__buf_put(b, p, n) : 0;
}

static int put_str(ov__buf *b, const char *s)
{
    return put_bytes(b, s, s ? strlen(s) : 0, s != NULL);
}

typedef struct {
    const unsigned char *p;
    size_t left;
    int bad;
} reader;

static int64_t get_num(reader *r)
{
    int64_t v = 0;
    if (r->left < sizeof v) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    r->left -= sizeof v;
    return v;
}

/* A byte string copied out (NUL-terminated, caller frees), NULL when absent. */
static char *get_bytes(reader *r, size_t *len)
{
    int64_t present = get_num(r), n = get_num(r);
    char *s;
    if (r->bad || !present)
        return NULL;
    if (n < 0 || (uint64_t)n > r->left || !(s = malloc((size_t)n + 1))) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->p += n;
    r->left -= (size_t)n;
    if (len)
        *len = (size_t)n;
    return s;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* 1 read, 0 end of stream before the first byte, -1 error. */
static int read_all(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static int send_msg(int fd, const ov__buf *b)
{
    uint64_t n = b->len;
    return write_all(fd, &n, sizeof n) || write_all(fd, b->data, b->len) ? -1 : 0;
}

/* The next message (caller frees *out); 1, 0 at end of stream, -1 error. */
static int recv_msg(int fd, unsigned char **out, size_t *len)
{
    uint64_t n = 0;
    int rc = read_all(fd, &n, sizeof n);
    if (rc <= 0)
        return rc;
    if (n > OV__COVER_PROC_MAX_MSG || !(*out = malloc(n ? n : 1)))
        return -1;
    if (read_all(fd, *out, n) != 1) {
        free(*out);
        *out = NULL;
        return -1;
    }
    *len = n;
    return 1;
}

/* ---------- the child ---------- */

typedef struct {
    ov_cover_spec spec;
    char *title, *subtitle, *issue, *language, *series;
    char *heads[OV__COVER_PROC_MAX_HEADS];
    const char *head_ptrs[OV__COVER_PROC_MAX_HEADS];
    ov_resource photo;
} request;

static void request_free(request *q)
{
    free(q->title);
    free(q->subtitle);
    free(q->issue);
    free(q->language);
    free(q->series);
    for (size_t i = 0; i < OV__COVER_PROC_MAX_HEADS; i++)
        free(q->heads[i]);
    free(q->photo.url);
    free(q->photo.media_type);
    free(q->photo.data);
    free(q->photo.spool_path);
}

static int encode_request(ov__buf *b, const ov_cover_spec *s)
{
    size_t n =
        s->n_headlines < OV__COVER_PROC_MAX_HEADS ? s->n_headlines : OV__COVER_PROC_MAX_HEADS;
    const ov_resource *p = s->photo;
    int rc = put_num(b, s->width) || put_num(b, s->height) || put_num(b, s->grayscale) ||
             put_str(b, s->title) || put_str(b, s->subtitle) || put_str(b, s->issue) ||
             put_str(b, s->language) || put_str(b, s->series) ||
             put_num(b, s->headlines ? (int64_t)n : -1);
    for (size_t i = 0; i < n && s->headlines && !rc; i++)
        rc = put_str(b, s->headlines[i]);
    rc = rc || put_num(b, p != NULL);
    if (!rc && p)
        rc = put_str(b, p->url) || put_str(b, p->media_type) ||
             put_bytes(b, p->data, p->data ? p->size : 0, p->data != NULL) ||
             put_num(b, (int64_t)p->size) || put_str(b, p->spool_path) || put_num(b, p->width) ||
             put_num(b, p->height) || put_num(b, (int64_t)p->spool_offset);
    return rc ? -1 : 0;
}

static int decode_request(reader *r, request *q)
{
    ov_cover_spec *s = &q->spec;
    s->width = (int)get_num(r);
    s->height = (int)get_num(r);
    s->grayscale = (int)get_num(r);
    s->title = q->title = get_bytes(r, NULL);
    s->subtitle = q->subtitle = get_bytes(r, NULL);
    s->issue = q->issue = get_bytes(r, NULL);
    s->language = q->language = get_bytes(r, NULL);
    s->series = q->series = get_bytes(r, NULL);
    int64_t n = get_num(r);
    if (n > OV__COVER_PROC_MAX_HEADS)
        return -1;
    for (int64_t i = 0; i < n && !r->bad; i++)
        q->head_ptrs[i] = q->heads[i] = get_bytes(r, NULL);
    s->headlines = n >= 0 ? q->head_ptrs : NULL;
    s->n_headlines = n > 0 ? (size_t)n : 0;
    if (get_num(r)) {
        ov_resource *p = &q->photo;
        size_t len = 0;
        p->url = get_bytes(r, NULL);
        p->media_type = get_bytes(r, NULL);
        p->data = (unsigned char *)get_bytes(r, &len);
        p->size = (size_t)get_num(r);
        p->spool_path = get_bytes(r, NULL);
        p->width = (int)get_num(r);
        p->height = (int)get_num(r);
        p->spool_offset = (uint64_t)get_num(r);
        if (p->data && len != p->size)
            return -1;
        s->photo = p;
    }
    return r->bad ? -1 : 0;
}

static int encode_reply(ov__buf *b, int rc, const ov_error *err, const ov_resource *c)
{
    int bad = put_num(b, rc) || put_str(b, err->message) || put_str(b, err->where) ||
              put_num(b, c != NULL);
    if (!bad && c)
        bad = put_str(b, c->url) || put_str(b, c->media_type) ||
              put_bytes(b, c->data, c->size, 1) || put_num(b, c->width) || put_num(b, c->height);
    return bad ? -1 : 0;
}

/* One request answered; -1 when the stream is broken or done. */
static int serve_one(int fd)
{
    unsigned char *msg = NULL;
    size_t len = 0;
    /* while the builder reads its feed, on a core it leaves idle: the
       start-up of libvips and pango (about a third of a cover's CPU) */
    ov__cover_warm();
    if (recv_msg(fd, &msg, &len) != 1)
        return -1;
    request q;
    memset(&q, 0, sizeof q);
    reader r = {msg, len, 0};
    ov_error err;
    ov_error_clear(&err);
    ov_resource *cover = NULL;
    int rc = decode_request(&r, &q) == 0
                 ? ov_cover_render(&q.spec, &cover, &err)
                 : ov_error_set(&err, OV_EINVAL, "octavo:cover", "bad cover request");
    ov__buf out = OV__BUF_INIT;
    int sent = encode_reply(&out, rc, &err, rc == 0 ? cover : NULL) == 0 && send_msg(fd, &out) == 0;
    ov__buf_free(&out);
    ov_resource_free(cover);
    request_free(&q);
    free(msg);
    return sent ? 0 : -1;
}

static void close_others(int keep)
{
    /* the child must not hold this process's files: a lock on one, a pipe
     * a reader waits to see closed, would live on in it */
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u) == 0) {
        for (int fd = 3; fd < keep; fd++)
            close(fd);
        return;
    }
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > OV__COVER_PROC_MAX_FD)
        max = OV__COVER_PROC_MAX_FD;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep)
            close(fd);
}

static void child_main(int fd)
{
    if (fd <= STDERR_FILENO) { /* the caller had closed a standard descriptor */
        int old = fd;
        if ((fd = fcntl(old, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) < 0)
            _exit(1);
        close(old);
    }
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) { /* stderr stays: libvips's warnings, as before */
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        if (fcntl(STDERR_FILENO, F_GETFD) < 0)
            dup2(devnull, STDERR_FILENO);
    }
    close_others(fd);
    /* no handler of the caller's runs here; an interrupt is for the build's
     * own process, which ends us by closing the socket */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    signal(SIGINT, SIG_IGN);
    /* each cover is drawn in a child of this one, which exits with it: what
     * libvips holds goes with it, and this process stays as small as it
     * was forked (it only waits) */
    for (;;) {
        int st = 0;
        char c;
        ssize_t n;
        pid_t pid = fork();
        if (pid == 0)
            _exit(serve_one(fd) == 0 ? 0 : 1);
        if (pid < 0)
            _exit(serve_one(fd) == 0 ? 0 : 1); /* drawn here, once */
        while (waitpid(pid, &st, 0) < 0)
            if (errno != EINTR)
                _exit(1);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(0); /* the socket closed, or the drawing failed: this end closes too */
        /* the first grandchild starts libvips ahead (serve_one), while the
         * builder reads its feed; a build mostly draws one cover, so the
         * next is forked only once a request for it has come, and not at
         * all when the socket closes instead */
        while ((n = recv(fd, &c, 1, MSG_PEEK)) < 0 && errno == EINTR)
            ;
        if (n <= 0)
            _exit(0);
    }
}

/* ---------- this process ---------- */

/* Threads of this process, or 0 when that cannot be told. */
static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

ov__cover_proc *ov__cover_proc_start(void)
{
    int sv[2];
    /* a fork with other threads running could copy a lock one of them
     * holds; a started libvips has threads and state of its own */
    if (thread_count() != 1 || ov__vips_loaded())
        return NULL;
    ov__cover_proc *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        free(p);
        return NULL;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        child_main(sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        free(p);
        return NULL;
    }
    p->pid = pid;
    p->fd = sv[0];
    return p;
}

/* The child's reply into *out / err; -1 when it did not come. */
static int ask(ov__cover_proc *p, const ov_cover_spec *spec, ov_resource **out, ov_error *err,
               int *rc)
{
    ov__buf req = OV__BUF_INIT;
    unsigned char *msg = NULL;
    size_t len = 0;
    char *message = NULL, *where = NULL, *url = NULL, *mt = NULL, *data = NULL;
    size_t size = 0;
    ov_resource *c = NULL;
    int ok = -1;

    if (encode_request(&req, spec) != 0 || req.len > OV__COVER_PROC_MAX_MSG ||
        send_msg(p->fd, &req) != 0 || recv_msg(p->fd, &msg, &len) != 1)
        goto cleanup;
    reader r = {msg, len, 0};
    int code = (int)get_num(&r);
    message = get_bytes(&r, NULL);
    where = get_bytes(&r, NULL);
    int has = (int)get_num(&r);
    if (has) {
        url = get_bytes(&r, NULL);
        mt = get_bytes(&r, NULL);
        data = get_bytes(&r, &size);
    }
    int w = has ? (int)get_num(&r) : 0, h = has ? (int)get_num(&r) : 0;
    if (r.bad || (code == 0 && (!has || !data)))
        goto cleanup;
    if (code != 0) {
        *rc = ov_error_set(err, code, where, "%s", message ? message : "");
        ok = 0;
        goto cleanup;
    }
    if (ov_resource_new(&c) != 0)
        goto cleanup;
    c->url = url;
    c->media_type = mt;
    c->data = (unsigned char *)data;
    c->size = size;
    c->width = w;
    c->height = h;
    url = mt = data = NULL;
    *out = c;
    *rc = 0;
    ok = 0;
cleanup:
    ov__buf_free(&req);
    free(msg);
    free(message);
    free(where);
    free(url);
    free(mt);
    free(data);
    return ok;
}

static void stop(ov__cover_proc *p)
{
    if (p->fd < 0)
        return;
    close(p->fd);
    p->fd = -1;
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

int ov__cover_proc_render(ov__cover_proc *p, const ov_cover_spec *spec, ov_resource **out,
                          ov_error *err)
{
    int rc = 0;
    if (!spec || !out)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "no cover spec");
    *out = NULL;
    /* more headlines than a request carries: drawn here, all of them */
    if (p && p->fd >= 0 && spec->n_headlines <= OV__COVER_PROC_MAX_HEADS) {
        if (ask(p, spec, out, err, &rc) == 0)
            return rc;
        stop(p); /* gone or confused: draw here from now on */
    }
    return ov_cover_render(spec, out, err);
}

void ov__cover_proc_free(ov__cover_proc *p)
{
    if (!p)
        return;
    stop(p);
    free(p);
}
