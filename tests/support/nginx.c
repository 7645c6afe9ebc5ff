/* The nginx test harness (see nginx.h). */
#include "nginx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ov_test.h"

#define NGINX_BIN "/usr/sbin/nginx"
#define NGINX_MAX_LIVE 8

struct ov_test_nginx {
    pid_t pid;
    int port;
    char *dir;
    char base[64];
    int started_chld; /* counted in n_running */
};

static pid_t live[NGINX_MAX_LIVE];
static int atexit_registered, n_running;
/* The test runner's SIGCHLD handler would reap nginx (and allocate a note
 * about an unknown child) in the test process: while nginx runs, the default
 * disposition is used, and the runner's is restored afterwards. */
static struct sigaction saved_chld;

static void kill_live(void)
{
    for (int i = 0; i < NGINX_MAX_LIVE; i++)
        if (live[i] > 0) {
            kill(live[i], SIGKILL);
            waitpid(live[i], NULL, 0);
            live[i] = 0;
        }
}

static void track(pid_t pid, int add)
{
    for (int i = 0; i < NGINX_MAX_LIVE; i++)
        if (add ? live[i] == 0 : live[i] == pid) {
            live[i] = add ? pid : 0;
            return;
        }
}

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int port_answers(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static int write_conf(const ov_test_nginx *n, const char *root)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/nginx.conf", n->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "%s"
            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            "pid %s/nginx.pid;\nerror_log %s/error.log warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "  access_log %s/access.log;\n"
            "  client_body_temp_path %s/body;\n  proxy_temp_path %s/proxy;\n"
            "  fastcgi_temp_path %s/fastcgi;\n  uwsgi_temp_path %s/uwsgi;\n"
            "  scgi_temp_path %s/scgi;\n"
            "  types {\n    text/html html htm;\n    text/css css;\n    text/plain txt;\n"
            "    application/xml xml;\n    application/rss+xml rss;\n"
            "    application/atom+xml atom;\n    image/jpeg jpg jpeg;\n    image/png png;\n"
            "    image/gif gif;\n    image/webp webp;\n    image/svg+xml svg;\n"
            "    application/gzip gz;\n"
            /* fixtures whose charset is only in the HTTP header */
            "    \"application/rss+xml; charset=gbk\" gbkrss;\n"
            "    \"text/html; charset=gbk\" gbkhtml;\n  }\n"
            "  default_type application/octet-stream;\n"
            "  gzip on;\n  gzip_min_length 64;\n"
            "  gzip_types text/plain text/css application/xml application/rss+xml "
            "application/atom+xml image/svg+xml;\n"
            "  etag on;\n"
            "  server {\n    listen 127.0.0.1:%d;\n    server_name localhost;\n"
            "    root %s;\n    index index.html;\n  }\n}\n",
            geteuid() == 0 ? "user root;\n" : "", n->dir, n->dir, n->dir, n->dir, n->dir,
            n->dir, n->dir, n->dir, n->port, root);
    return fclose(f) == 0 ? 0 : -1;
}

static pid_t spawn(const ov_test_nginx *n)
{
    char conf[4096], prefix[4096];
    snprintf(conf, sizeof conf, "%s/nginx.conf", n->dir);
    snprintf(prefix, sizeof prefix, "%s/", n->dir);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        /* do not hold the test runner's pipes and sockets open */
        for (long fd = 3, max = sysconf(_SC_OPEN_MAX); fd < max && fd < 65536; fd++)
            close((int)fd);
        execl(NGINX_BIN, NGINX_BIN, "-c", conf, "-p", prefix, (char *)NULL);
        _exit(127);
    }
    return pid;
}

int ov_test_nginx_start(const char *root, ov_test_nginx **out)
{
    ov_test_nginx *n = calloc(1, sizeof *n);
    *out = NULL;
    if (!n)
        return -1;
    n->dir = ov_test_tmpdir("nginx");
    n->port = free_port();
    if (!n->dir || n->port <= 0 || write_conf(n, root) != 0) {
        fprintf(stderr, "nginx harness: cannot prepare %s\n", n->dir ? n->dir : "(tmpdir)");
        goto fail;
    }
    snprintf(n->base, sizeof n->base, "http://127.0.0.1:%d", n->port);
    if (!atexit_registered) {
        atexit(kill_live);
        atexit_registered = 1;
    }
    n->started_chld = 1;
    if (n_running++ == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGCHLD, &dfl, &saved_chld);
    }
    n->pid = spawn(n);
    if (n->pid < 0)
        goto fail;
    track(n->pid, 1);
    for (int i = 0; i < 200; i++) { /* up to ~10 s */
        if (port_answers(n->port)) {
            *out = n;
            return 0;
        }
        if (waitpid(n->pid, NULL, WNOHANG) == n->pid) {
            track(n->pid, 0);
            n->pid = 0;
            fprintf(stderr, "nginx harness: nginx exited; see %s/error.log\n", n->dir);
            goto fail;
        }
        struct timespec ts = {0, 50000000L};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "nginx harness: port %d never answered\n", n->port);
fail:
    ov_test_nginx_stop(n);
    return -1;
}

void ov_test_nginx_stop(ov_test_nginx *n)
{
    if (!n)
        return;
    if (n->pid > 0) {
        kill(n->pid, SIGTERM);
        int st;
        for (int i = 0; i < 100 && waitpid(n->pid, &st, WNOHANG) == 0; i++) {
            struct timespec ts = {0, 20000000L};
            nanosleep(&ts, NULL);
            if (i == 99) {
                kill(n->pid, SIGKILL);
                waitpid(n->pid, &st, 0);
            }
        }
        track(n->pid, 0);
    }
    if (n->started_chld && --n_running == 0)
        sigaction(SIGCHLD, &saved_chld, NULL);
    free(n->dir);
    free(n);
}

int ov_test_nginx_port(const ov_test_nginx *n)
{
    return n->port;
}

const char *ov_test_nginx_base(const ov_test_nginx *n)
{
    return n->base;
}

char *ov_test_nginx_url(const ov_test_nginx *n, const char *path)
{
    size_t len = strlen(n->base) + strlen(path) + 1;
    char *u = malloc(len);
    if (u)
        snprintf(u, len, "%s%s", n->base, path);
    return u;
}
