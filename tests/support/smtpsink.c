/* Loopback SMTP sink (see smtpsink.h): one client at a time, on a thread. */
#include "smtpsink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SINK_LINE_MAX 4096

struct ov_test_smtp {
    ov_test_smtp_config cfg;
    int fd;
    int stop_pipe[2];
    pthread_t thread;
    char url[64];
    pthread_mutex_t mu;
    char *from, *rcpt, *data, *auth_user;
    size_t data_len, rcpt_len;
    int messages;
};

typedef struct conn {
    int fd;
    char buf[SINK_LINE_MAX * 2];
    size_t len;
} conn;

static void say(conn *c, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(c->fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Read one line (without CRLF) into out; -1 on EOF or overlong line. */
static int get_line(conn *c, char *out, size_t size)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            size_t m = n && c->buf[n - 1] == '\r' ? n - 1 : n;
            if (m >= size)
                return -1;
            memcpy(out, c->buf, m);
            out[m] = '\0';
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return 0;
        }
        if (c->len == sizeof c->buf)
            return -1;
        ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (r <= 0)
            return -1;
        c->len += (size_t)r;
    }
}

static size_t b64dec(const char *in, char *out, size_t size)
{
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (; *in && *in != '='; in++) {
        const char *tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *p = strchr(tbl, *in);
        if (!p)
            continue;
        v = v << 6 | (unsigned)(p - tbl);
        bits += 6;
        if (bits >= 8 && n + 1 < size) {
            bits -= 8;
            out[n++] = (char)((v >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return n;
}

/* PLAIN payload is "authzid\0user\0password". */
static int check_plain(ov_test_smtp *s, const char *b64)
{
    char dec[512];
    size_t n = b64dec(b64, dec, sizeof dec);
    const char *user = memchr(dec, '\0', n);
    if (!user)
        return 0;
    user++;
    const char *pw = user + strlen(user) + 1;
    if (pw > dec + n)
        return 0;
    return !strcmp(user, s->cfg.user) && !strcmp(pw, s->cfg.password ? s->cfg.password : "");
}

static void append(char **dst, size_t *len, const char *s, size_t n)
{
    char *p = realloc(*dst, *len + n + 1);
    if (!p)
        return;
    memcpy(p + *len, s, n);
    *len += n;
    p[*len] = '\0';
    *dst = p;
}

static int do_auth(ov_test_smtp *s, conn *c, const char *arg, char **authed)
{
    char line[SINK_LINE_MAX], user[256], pw[256];
    int ok = 0;
    if (!strncasecmp(arg, "PLAIN", 5)) {
        const char *b = arg + 5;
        while (*b == ' ')
            b++;
        if (!*b) {
            say(c, "334 \r\n");
            if (get_line(c, line, sizeof line))
                return -1;
            b = line;
        }
        ok = check_plain(s, b);
        char dec[512];
        size_t n = b64dec(b, dec, sizeof dec);
        const char *u = memchr(dec, '\0', n);
        snprintf(user, sizeof user, "%s", u ? u + 1 : "");
    } else if (!strncasecmp(arg, "LOGIN", 5)) {
        say(c, "334 VXNlcm5hbWU6\r\n");
        if (get_line(c, line, sizeof line))
            return -1;
        b64dec(line, user, sizeof user);
        say(c, "334 UGFzc3dvcmQ6\r\n");
        if (get_line(c, line, sizeof line))
            return -1;
        b64dec(line, pw, sizeof pw);
        ok = !strcmp(user, s->cfg.user) && !strcmp(pw, s->cfg.password ? s->cfg.password : "");
    } else {
        say(c, "504 5.5.4 mechanism not supported\r\n");
        return 0;
    }
    if (!ok) {
        say(c, "535 5.7.8 authentication failed\r\n");
        return 0;
    }
    free(*authed);
    *authed = strdup(user);
    say(c, "235 2.7.0 authenticated\r\n");
    return 0;
}

static int do_data(ov_test_smtp *s, conn *c, char **data, size_t *len)
{
    char line[SINK_LINE_MAX];
    size_t max = s->cfg.max_message ? s->cfg.max_message : 64u * 1024u * 1024u;
    int too_big = 0;
    say(c, "354 end with <CRLF>.<CRLF>\r\n");
    for (;;) {
        if (get_line(c, line, sizeof line))
            return -1;
        if (!strcmp(line, "."))
            break;
        const char *l = line[0] == '.' ? line + 1 : line;
        if (*len + strlen(l) + 2 > max)
            too_big = 1;
        if (!too_big) {
            append(data, len, l, strlen(l));
            append(data, len, "\r\n", 2);
        }
    }
    if (too_big) {
        say(c, "552 5.3.4 message too big\r\n");
        return 1;
    }
    say(c, "250 2.0.0 queued\r\n");
    return 0;
}

static void commit(ov_test_smtp *s, char *from, char *rcpt, size_t rcpt_len, char *data,
                   size_t data_len, const char *authed)
{
    pthread_mutex_lock(&s->mu);
    free(s->from);
    free(s->rcpt);
    free(s->data);
    free(s->auth_user);
    s->from = from;
    s->rcpt = rcpt;
    s->rcpt_len = rcpt_len;
    s->data = data;
    s->data_len = data_len;
    s->auth_user = authed ? strdup(authed) : NULL;
    s->messages++;
    pthread_mutex_unlock(&s->mu);
}

static void session(ov_test_smtp *s, conn *c)
{
    char line[SINK_LINE_MAX];
    char *from = NULL, *rcpt = NULL, *data = NULL, *authed = NULL;
    size_t rcpt_len = 0, data_len = 0;
    say(c, "220 sink.test ESMTP octavo test sink\r\n");
    while (!get_line(c, line, sizeof line)) {
        char *arg = strchr(line, ' ');
        arg = arg ? arg + 1 : line + strlen(line);
        if (!strncasecmp(line, "EHLO", 4)) {
            say(c, "250-sink.test\r\n250-8BITMIME\r\n");
            say(c, s->cfg.user ? "250-AUTH PLAIN LOGIN\r\n250 SIZE 70000000\r\n"
                               : "250 SIZE 70000000\r\n");
        } else if (!strncasecmp(line, "HELO", 4)) {
            say(c, "250 sink.test\r\n");
        } else if (!strncasecmp(line, "AUTH", 4) && s->cfg.user) {
            if (do_auth(s, c, arg, &authed))
                break;
        } else if (!strncasecmp(line, "MAIL FROM:", 10)) {
            if (s->cfg.user && !authed) {
                say(c, "530 5.7.0 authentication required\r\n");
                continue;
            }
            free(from);
            from = strndup(line + 10, strcspn(line + 10, " ")); /* drop SIZE=... */
            free(rcpt);
            rcpt = NULL;
            rcpt_len = 0;
            say(c, "250 2.1.0 ok\r\n");
        } else if (!strncasecmp(line, "RCPT TO:", 8)) {
            if (!from)
                say(c, "503 5.5.1 MAIL first\r\n");
            else if (s->cfg.reject_rcpt && strstr(line + 8, s->cfg.reject_rcpt))
                say(c, "550 5.1.1 no such user here\r\n");
            else {
                append(&rcpt, &rcpt_len, line + 8, strlen(line + 8));
                append(&rcpt, &rcpt_len, "\n", 1);
                say(c, "250 2.1.5 ok\r\n");
            }
        } else if (!strncasecmp(line, "DATA", 4)) {
            if (!rcpt) {
                say(c, "503 5.5.1 RCPT first\r\n");
                continue;
            }
            int r = do_data(s, c, &data, &data_len);
            if (r < 0)
                break;
            if (r == 0) {
                commit(s, from, rcpt, rcpt_len, data, data_len, authed);
                from = rcpt = NULL;
            } else {
                free(data);
            }
            data = NULL;
            rcpt_len = data_len = 0;
        } else if (!strncasecmp(line, "QUIT", 4)) {
            say(c, "221 2.0.0 bye\r\n");
            break;
        } else if (!strncasecmp(line, "RSET", 4) || !strncasecmp(line, "NOOP", 4)) {
            say(c, "250 2.0.0 ok\r\n");
        } else {
            say(c, "502 5.5.2 command not implemented\r\n");
        }
    }
    free(from);
    free(rcpt);
    free(data);
    free(authed);
}

static void *serve(void *ud)
{
    ov_test_smtp *s = ud;
    for (;;) {
        struct pollfd p[2] = {{s->fd, POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            continue;
        if (p[1].revents)
            break;
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            continue;
        conn *c = calloc(1, sizeof *c);
        if (c) {
            c->fd = fd;
            session(s, c);
            free(c);
        }
        close(fd);
    }
    return NULL;
}

int ov_test_smtp_start(const ov_test_smtp_config *cfg, ov_test_smtp **out)
{
    ov_test_smtp *s = calloc(1, sizeof *s);
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    *out = NULL;
    if (!s)
        return -1;
    if (cfg)
        s->cfg = *cfg;
    pthread_mutex_init(&s->mu, NULL);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) || listen(s->fd, 8) ||
        getsockname(s->fd, (struct sockaddr *)&a, &alen) || pipe(s->stop_pipe)) {
        if (s->fd >= 0)
            close(s->fd);
        free(s);
        return -1;
    }
    snprintf(s->url, sizeof s->url, "smtp://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    if (pthread_create(&s->thread, NULL, serve, s)) {
        close(s->fd);
        close(s->stop_pipe[0]);
        close(s->stop_pipe[1]);
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const char *ov_test_smtp_url(const ov_test_smtp *s)
{
    return s->url;
}

void ov_test_smtp_stop(ov_test_smtp *s)
{
    if (!s)
        return;
    if (write(s->stop_pipe[1], "x", 1) != 1)
        return;
    pthread_join(s->thread, NULL);
    close(s->fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    free(s->from);
    free(s->rcpt);
    free(s->data);
    free(s->auth_user);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void ov_test_smtp_last(ov_test_smtp *s, ov_test_smtp_message *out)
{
    pthread_mutex_lock(&s->mu);
    out->mail_from = s->from;
    out->rcpt = s->rcpt;
    out->data = s->data;
    out->data_len = s->data_len;
    out->auth_user = s->auth_user;
    out->messages = s->messages;
    pthread_mutex_unlock(&s->mu);
}
