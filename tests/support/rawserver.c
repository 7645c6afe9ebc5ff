#include "rawserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAW_MAX_PATHS 64
#define RAW_MAX_REQUEST 16384

typedef struct raw_answer {
    char *path;
    unsigned char *bytes;
    size_t len;
    int endless, count;
} raw_answer;

struct ov_test_raw {
    int listen_fd, wake[2];
    char base[64];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping, workers, in_flight, max_in_flight;
    raw_answer answers[RAW_MAX_PATHS];
};

typedef struct raw_conn {
    ov_test_raw *s;
    int fd;
} raw_conn;

static int stopping(ov_test_raw *s)
{
    pthread_mutex_lock(&s->mu);
    int st = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return st;
}

static int send_all(ov_test_raw *s, int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        if (stopping(s))
            return -1;
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The slot for `path`, made when `create`; NULL when none. Called locked. */
static raw_answer *slot(ov_test_raw *s, const char *path, int create)
{
    for (int i = 0; i < RAW_MAX_PATHS; i++) {
        raw_answer *a = &s->answers[i];
        if (a->path && strcmp(a->path, path) == 0)
            return a;
        if (!a->path) {
            if (!create)
                return NULL;
            a->path = strdup(path);
            return a;
        }
    }
    return NULL;
}

static int article(ov_test_raw *s, int fd, const char *path)
{
    char body[2048], head[256];
    const char *x = path + 3;
    int n = snprintf(body, sizeof body,
                     "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<title>Article %s</title></head><body><article><h1>Article %s</h1>"
                     "<p>Words of article %s, a paragraph long enough for the extractor to "
                     "keep it as the body of a page, with commas, clauses and a full stop.</p>"
                     "<p>A second paragraph of article %s follows the first.</p>"
                     "</article></body></html>",
                     x, x, x, x);
    int h = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     "Content-Length: %d\r\nConnection: close\r\n\r\n",
                     n);
    if (send_all(s, fd, head, (size_t)h))
        return -1;
    return send_all(s, fd, body, (size_t)n);
}

static int endless(ov_test_raw *s, int fd)
{
    static const char status[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
    if (send_all(s, fd, status, sizeof status - 1))
        return -1;
    char line[128];
    for (unsigned long i = 0;; i++) {
        int n = snprintf(line, sizeof line, "X-Endless-%lu: more and more header lines\r\n", i);
        if (send_all(s, fd, line, (size_t)n))
            return -1;
    }
}

static int handle(ov_test_raw *s, int fd, const char *path)
{
    pthread_mutex_lock(&s->mu);
    raw_answer *a = slot(s, path, 1);
    unsigned char *bytes = NULL;
    size_t len = 0;
    int is_endless = 0, known = 0;
    if (a) {
        a->count++;
        known = a->bytes || a->endless;
        is_endless = a->endless;
        if (a->bytes && (bytes = malloc(a->len)) != NULL) {
            memcpy(bytes, a->bytes, a->len);
            len = a->len;
        }
    }
    pthread_mutex_unlock(&s->mu);
    int rc;
    if (is_endless) {
        rc = endless(s, fd);
    } else if (known) {
        rc = send_all(s, fd, bytes, len);
    } else if (strncmp(path, "/a/", 3) == 0) {
        rc = article(s, fd, path);
    } else {
        static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 10\r\nConnection: close\r\n\r\nnot found\n";
        rc = send_all(s, fd, nf, sizeof nf - 1);
    }
    free(bytes);
    return rc;
}

static int read_request(ov_test_raw *s, int fd, char *path, size_t psize)
{
    char buf[RAW_MAX_REQUEST + 1];
    size_t len = 0;
    int waited = 0;
    buf[0] = '\0';
    while (!strstr(buf, "\r\n\r\n")) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (len >= RAW_MAX_REQUEST || stopping(s) || waited > 50)
            return -1;
        if (poll(&pfd, 1, 100) <= 0) {
            waited++;
            continue;
        }
        ssize_t r = recv(fd, buf + len, RAW_MAX_REQUEST - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
    }
    char method[16];
    if (psize < 1024 || sscanf(buf, "%15s %1023s", method, path) != 2)
        return -1;
    path[strcspn(path, "?#")] = '\0';
    return 0;
}

static void *worker(void *arg)
{
    raw_conn *c = arg;
    ov_test_raw *s = c->s;
    char path[1024];
    if (read_request(s, c->fd, path, sizeof path) == 0) {
        pthread_mutex_lock(&s->mu);
        if (++s->in_flight > s->max_in_flight)
            s->max_in_flight = s->in_flight;
        pthread_mutex_unlock(&s->mu);
        if (handle(s, c->fd, path) == 0)
            shutdown(c->fd, SHUT_WR);
        pthread_mutex_lock(&s->mu);
        s->in_flight--;
        pthread_mutex_unlock(&s->mu);
    }
    close(c->fd);
    free(c);
    pthread_mutex_lock(&s->mu);
    s->workers--;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void *listener(void *arg)
{
    ov_test_raw *s = arg;
    for (;;) {
        struct pollfd p[2] = {{s->listen_fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
        if (poll(p, 2, 1000) < 0 && errno != EINTR)
            break;
        if (p[1].revents || stopping(s))
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        raw_conn *c = malloc(sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->s = s;
        c->fd = fd;
        pthread_mutex_lock(&s->mu);
        s->workers++;
        pthread_mutex_unlock(&s->mu);
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, worker, c) != 0) {
            close(fd);
            free(c);
            pthread_mutex_lock(&s->mu);
            s->workers--;
            pthread_mutex_unlock(&s->mu);
        }
        pthread_attr_destroy(&at);
    }
    return NULL;
}

int ov_test_raw_start(const char *addr, ov_test_raw **out)
{
    ov_test_raw *s = calloc(1, sizeof *s);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    *out = NULL;
    if (!s)
        return -1;
    s->listen_fd = -1;
    s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pipe(s->wake) != 0)
        goto fail;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1 || s->listen_fd < 0 ||
        bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 128) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &al) != 0)
        goto fail;
    snprintf(s->base, sizeof s->base, "http://%s:%d", addr, ntohs(a.sin_port));
    if (pthread_create(&s->thread, NULL, listener, s) != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    s->thread = 0;
    ov_test_raw_stop(s);
    return -1;
}

void ov_test_raw_stop(ov_test_raw *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_mutex_unlock(&s->mu);
    if (s->thread) {
        if (write(s->wake[1], "x", 1) < 0)
            perror("rawserver wake");
        pthread_join(s->thread, NULL);
    }
    pthread_mutex_lock(&s->mu);
    while (s->workers > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake[0] >= 0)
        close(s->wake[0]);
    if (s->wake[1] >= 0)
        close(s->wake[1]);
    for (int i = 0; i < RAW_MAX_PATHS; i++) {
        free(s->answers[i].path);
        free(s->answers[i].bytes);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

const char *ov_test_raw_base(const ov_test_raw *s)
{
    return s->base;
}

char *ov_test_raw_url(const ov_test_raw *s, const char *path)
{
    size_t n = strlen(s->base) + strlen(path) + 1;
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "%s%s", s->base, path);
    return u;
}

void ov_test_raw_set(ov_test_raw *s, const char *path, const void *bytes, size_t len)
{
    pthread_mutex_lock(&s->mu);
    raw_answer *a = slot(s, path, 1);
    if (a) {
        free(a->bytes);
        a->bytes = malloc(len ? len : 1);
        if (a->bytes)
            memcpy(a->bytes, bytes, len);
        a->len = len;
        a->endless = 0;
    }
    pthread_mutex_unlock(&s->mu);
}

void ov_test_raw_set_str(ov_test_raw *s, const char *path, const char *text)
{
    ov_test_raw_set(s, path, text, strlen(text));
}

void ov_test_raw_set_endless_headers(ov_test_raw *s, const char *path)
{
    pthread_mutex_lock(&s->mu);
    raw_answer *a = slot(s, path, 1);
    if (a)
        a->endless = 1;
    pthread_mutex_unlock(&s->mu);
}

int ov_test_raw_count(ov_test_raw *s, const char *path)
{
    pthread_mutex_lock(&s->mu);
    raw_answer *a = slot(s, path, 0);
    int n = a ? a->count : 0;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int ov_test_raw_max_concurrent(ov_test_raw *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->max_in_flight;
    pthread_mutex_unlock(&s->mu);
    return n;
}
