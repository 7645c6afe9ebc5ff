/* The fault server (see faultserver.h). Test support code: bounded, never exits the process. */
#include "faultserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ov_test.h"

#define FS_MAX_REQUEST 16384
#define FS_MAX_PATHS 128

struct ov_test_fault {
    int listen_fd, wake[2], port;
    char base[64];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping, workers, in_flight, max_in_flight, referers, robots_status;
    char *paths[FS_MAX_PATHS];
    int counts[FS_MAX_PATHS];
    unsigned char *jpg, *png, *webp, *bomb;
    size_t jpg_len, png_len, webp_len, bomb_len;
};

typedef struct conn {
    ov_test_fault *s;
    int fd;
} conn;

static int stopping(ov_test_fault *s)
{
    pthread_mutex_lock(&s->mu);
    int st = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return st;
}

static int send_all(ov_test_fault *s, int fd, const void *data, size_t len)
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

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Count a request for `path`; returns the count including this one. */
static int count_path(ov_test_fault *s, const char *path)
{
    int n = 0;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < FS_MAX_PATHS; i++) {
        if (!s->paths[i]) {
            s->paths[i] = strdup(path);
            s->counts[i] = n = 1;
            break;
        }
        if (strcmp(s->paths[i], path) == 0) {
            n = ++s->counts[i];
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

static int respond(ov_test_fault *s, int fd, const char *status, const char *ctype,
                   const char *extra, const void *body, size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n",
                     status, ctype, len, extra ? extra : "");
    if (n < 0 || (size_t)n >= sizeof head || send_all(s, fd, head, (size_t)n))
        return -1;
    return len ? send_all(s, fd, body, len) : 0;
}

static int page(ov_test_fault *s, int fd, const char *path)
{
    char body[1024];
    int n = snprintf(body, sizeof body,
                     "<!DOCTYPE html><html><head><title>Page %s</title></head><body><article>"
                     "<h1>Page %s</h1><p>Text of the article at %s.</p>"
                     "<img src=\"/image.png\" alt=\"\"></article></body></html>",
                     path, path, path);
    return respond(s, fd, "200 OK", "text/html; charset=utf-8", NULL, body, (size_t)n);
}

static int feed(ov_test_fault *s, int fd)
{
    static const char rss[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
        "<title>Fault feed</title><link>/</link>"
        "<item><title>One</title><link>/page/1</link>"
        "<pubDate>Mon, 13 Nov 2023 08:00:00 +0000</pubDate></item>"
        "<item><title>Two</title><link>/page/2</link></item>"
        "<item><title>Flaky</title><link>/503once</link></item>"
        "<item><title>Gone</title><link>/404</link></item>"
        "</channel></rss>\n";
    return respond(s, fd, "200 OK", "application/rss+xml", NULL, rss, sizeof rss - 1);
}

static void reset_conn(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static int drip(ov_test_fault *s, int fd)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               "Content-Length: 100\r\nConnection: close\r\n\r\n";
    if (send_all(s, fd, head, sizeof head - 1))
        return -1;
    for (int i = 0; i < 100; i++) {
        for (int t = 0; t < 10; t++) {
            if (stopping(s))
                return -1;
            nap_ms(100);
        }
        if (send_all(s, fd, "x", 1))
            return -1;
    }
    return 0;
}

static int huge(ov_test_fault *s, int fd, int declare)
{
    char chunk[65536];
    const char *head = declare ? "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 "Content-Length: 1073741824\r\nConnection: close\r\n\r\n"
                               : "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 "Connection: close\r\n\r\n";
    memset(chunk, 'a', sizeof chunk);
    if (send_all(s, fd, head, strlen(head)))
        return -1;
    for (int i = 0; i < 16384; i++) /* at most 1 GiB, stops when the client hangs up */
        if (send_all(s, fd, chunk, sizeof chunk))
            return -1;
    return 0;
}

/* The status a "once" robots.txt (ov_test_fault_set_robots with -status)
 * answers this time: that status the first time, then 200 from then on. */
static int robots_once(ov_test_fault *s)
{
    int st = 0;
    pthread_mutex_lock(&s->mu);
    if (s->robots_status < 0) {
        st = -s->robots_status;
        s->robots_status = 200;
    }
    pthread_mutex_unlock(&s->mu);
    return st;
}

static int handle(ov_test_fault *s, int fd, const char *path, int referer)
{
    int n = count_path(s, path);
    if (strncmp(path, "/page/", 6) == 0)
        return page(s, fd, path);
    if (strncmp(path, "/slow/", 6) == 0) {
        nap_ms(300);
        return page(s, fd, path);
    }
    if (strncmp(path, "/private/", 9) == 0)
        return page(s, fd, path);
    if (strcmp(path, "/robots.txt") == 0 && robots_once(s) == 503)
        return respond(s, fd, "503 Service Unavailable", "text/plain", NULL, "busy", 4);
    if (strcmp(path, "/robots.txt") == 0 && s->robots_status == 503)
        return respond(s, fd, "503 Service Unavailable", "text/plain", NULL, "down", 4);
    if (strcmp(path, "/robots.txt") == 0 && s->robots_status == 404)
        return respond(s, fd, "404 Not Found", "text/plain", NULL, "none", 4);
    if (strcmp(path, "/robots.txt") == 0) {
        static const char rb[] = "User-agent: *\nDisallow: /private/\nAllow: /private/open\n";
        return respond(s, fd, "200 OK", "text/plain", NULL, rb, sizeof rb - 1);
    }
    if (strcmp(path, "/feed.xml") == 0)
        return feed(s, fd);
    if (strcmp(path, "/count") == 0)
        return respond(s, fd, "200 OK", "text/plain", NULL, "ok", 2);
    if (strcmp(path, "/404") == 0)
        return respond(s, fd, "404 Not Found", "text/html", NULL, "gone", 4);
    if (strcmp(path, "/500") == 0)
        return respond(s, fd, "500 Internal Server Error", "text/html", NULL, "oops", 4);
    if (strcmp(path, "/503once") == 0)
        return n == 1 ? respond(s, fd, "503 Service Unavailable", "text/html", NULL, "busy", 4)
                      : page(s, fd, path);
    if (strcmp(path, "/429") == 0)
        return n == 1 ? respond(s, fd, "429 Too Many Requests", "text/html",
                                "Retry-After: 1\r\n", "slow down", 9)
                      : page(s, fd, path);
    if (strcmp(path, "/429date") == 0 && n == 1) {
        char extra[128];
        time_t t = time(NULL) + 1;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(extra, sizeof extra, "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
        return respond(s, fd, "429 Too Many Requests", "text/html", extra, "wait", 4);
    }
    if (strcmp(path, "/429date") == 0)
        return page(s, fd, path);
    if (strcmp(path, "/429long") == 0)
        return respond(s, fd, "429 Too Many Requests", "text/html", "Retry-After: 3600\r\n",
                       "later", 5);
    if (strcmp(path, "/loop") == 0)
        return respond(s, fd, "302 Found", "text/html", "Location: /loop\r\n", NULL, 0);
    if (strcmp(path, "/tofile") == 0)
        return respond(s, fd, "302 Found", "text/html", "Location: file:///etc/passwd\r\n",
                       NULL, 0);
    if (strcmp(path, "/http09") == 0) { /* no status line at all */
        static const char raw[] = "<html><body>an answer without a status line</body></html>\n";
        return send_all(s, fd, raw, sizeof raw - 1);
    }
    if (strcmp(path, "/nulstatus") == 0) { /* a NUL byte inside the status line */
        static const char raw[] = "HTTP/1.1 200\0 OK\r\nContent-Type: text/html\r\n"
                                  "Content-Length: 2\r\n\r\nok";
        return send_all(s, fd, raw, sizeof raw - 1);
    }
    if (strcmp(path, "/bighead") == 0) { /* one 1 MB header line */
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Big: ";
        if (send_all(s, fd, h, sizeof h - 1))
            return -1;
        char chunk[4096];
        memset(chunk, 'x', sizeof chunk);
        for (int i = 0; i < 256; i++)
            if (send_all(s, fd, chunk, sizeof chunk))
                return -1;
        return send_all(s, fd, "\r\n\r\nok", 7);
    }
    if (strcmp(path, "/tometa") == 0) /* the client must refuse before connecting */
        return respond(s, fd, "302 Found", "text/html",
                       "Location: http://169.254.169.254/latest/meta-data/\r\n", NULL, 0);
    if (strcmp(path, "/reset") == 0) {
        reset_conn(fd);
        return -1;
    }
    if (strcmp(path, "/partial") == 0) {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                   "Content-Length: 1000\r\nConnection: close\r\n\r\n";
        char body[100];
        memset(body, 'p', sizeof body);
        send_all(s, fd, head, sizeof head - 1);
        send_all(s, fd, body, sizeof body);
        return -1;
    }
    if (strcmp(path, "/drip") == 0)
        return drip(s, fd);
    if (strcmp(path, "/huge") == 0 || strcmp(path, "/hugecl") == 0)
        return huge(s, fd, path[5] == 'c');
    if (strcmp(path, "/bomb") == 0)
        return respond(s, fd, "200 OK", "text/html", "Content-Encoding: gzip\r\n", s->bomb,
                       s->bomb_len);
    if (strcmp(path, "/wrongtype.jpg") == 0)
        return respond(s, fd, "200 OK", "text/html", NULL, s->jpg, s->jpg_len);
    if (strcmp(path, "/webp.jpg") == 0)
        return respond(s, fd, "200 OK", "image/jpeg", NULL, s->webp, s->webp_len);
    if (strcmp(path, "/image.png") == 0)
        return respond(s, fd, "200 OK", "image/png", NULL, s->png, s->png_len);
    if (strcmp(path, "/fileimg.html") == 0) {
        static const char html[] = "<html><body><p>Image:</p>"
                                   "<img src=\"file:///etc/passwd\"></body></html>";
        return respond(s, fd, "200 OK", "text/html", NULL, html, sizeof html - 1);
    }
    if (strcmp(path, "/hotlink.jpg") == 0)
        return referer ? respond(s, fd, "200 OK", "image/jpeg", NULL, s->jpg, s->jpg_len)
                       : respond(s, fd, "403 Forbidden", "text/html", NULL, "no hotlinking", 13);
    return respond(s, fd, "404 Not Found", "text/html", NULL, "unknown", 7);
}

/* Read one request head (bounded); fills path (query stripped) and *referer. */
static int read_request(ov_test_fault *s, int fd, char *path, size_t psize, int *referer)
{
    char buf[FS_MAX_REQUEST + 1];
    size_t len = 0;
    int waited = 0;
    buf[0] = '\0';
    while (!strstr(buf, "\r\n\r\n")) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (len >= FS_MAX_REQUEST || stopping(s) || waited > 50)
            return -1;
        if (poll(&pfd, 1, 100) <= 0) {
            waited++;
            continue;
        }
        ssize_t r = recv(fd, buf + len, FS_MAX_REQUEST - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
    }
    char method[16];
    if (sscanf(buf, "%15s %1023s", method, path) != 2 || psize < 1024)
        return -1;
    path[strcspn(path, "?#")] = '\0';
    *referer = strcasestr(buf, "\r\nReferer:") != NULL;
    return 0;
}

static void *worker(void *arg)
{
    conn *c = arg;
    ov_test_fault *s = c->s;
    char path[1024];
    int referer = 0;
    if (read_request(s, c->fd, path, sizeof path, &referer) == 0) {
        pthread_mutex_lock(&s->mu);
        if (++s->in_flight > s->max_in_flight)
            s->max_in_flight = s->in_flight;
        s->referers += referer;
        pthread_mutex_unlock(&s->mu);
        if (handle(s, c->fd, path, referer) == 0)
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
    ov_test_fault *s = arg;
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
        conn *c = malloc(sizeof *c);
        pthread_t t;
        pthread_attr_t at;
        if (!c) {
            close(fd);
            continue;
        }
        c->s = s;
        c->fd = fd;
        pthread_mutex_lock(&s->mu);
        s->workers++;
        pthread_mutex_unlock(&s->mu);
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

static unsigned char *fixture(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/fetch/%s", name);
    char *path = ov_test_source_path(rel);
    unsigned char *data = (unsigned char *)ov_test_slurp(path, len);
    free(path);
    return data;
}

int ov_test_fault_start(ov_test_fault **out)
{
    ov_test_fault *s = calloc(1, sizeof *s);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    *out = NULL;
    if (!s)
        return -1;
    s->listen_fd = -1;
    s->wake[0] = s->wake[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->jpg = fixture("tiny.jpg", &s->jpg_len);
    s->png = fixture("tiny.png", &s->png_len);
    s->webp = fixture("tiny.webp", &s->webp_len);
    s->bomb = fixture("bomb.gz", &s->bomb_len);
    if (!s->jpg || !s->png || !s->webp || !s->bomb || pipe(s->wake) != 0)
        goto fail;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s->listen_fd, 64) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &al) != 0)
        goto fail;
    s->port = ntohs(a.sin_port);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    if (pthread_create(&s->thread, NULL, listener, s) != 0)
        goto fail;
    *out = s;
    return 0;
fail:
    s->thread = 0;
    ov_test_fault_stop(s);
    return -1;
}

void ov_test_fault_stop(ov_test_fault *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_mutex_unlock(&s->mu);
    if (s->thread) {
        if (write(s->wake[1], "x", 1) < 0)
            perror("faultserver wake");
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
    for (int i = 0; i < FS_MAX_PATHS; i++)
        free(s->paths[i]);
    free(s->jpg);
    free(s->png);
    free(s->webp);
    free(s->bomb);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

int ov_test_fault_port(const ov_test_fault *s)
{
    return s->port;
}

const char *ov_test_fault_base(const ov_test_fault *s)
{
    return s->base;
}

char *ov_test_fault_url(const ov_test_fault *s, const char *path)
{
    size_t n = strlen(s->base) + strlen(path) + 1;
    char *u = malloc(n);
    if (u)
        snprintf(u, n, "%s%s", s->base, path);
    return u;
}

int ov_test_fault_count(ov_test_fault *s, const char *path)
{
    int n = 0;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < FS_MAX_PATHS && s->paths[i]; i++)
        if (strcmp(s->paths[i], path) == 0)
            n = s->counts[i];
    pthread_mutex_unlock(&s->mu);
    return n;
}

int ov_test_fault_max_concurrent(ov_test_fault *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->max_in_flight;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int ov_test_fault_referer_count(ov_test_fault *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->referers;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void ov_test_fault_set_robots(ov_test_fault *s, int status)
{
    pthread_mutex_lock(&s->mu);
    s->robots_status = status;
    pthread_mutex_unlock(&s->mu);
}
