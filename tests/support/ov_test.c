#include "ov_test.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

extern char **environ;

/* "<a>/<b>" in a malloc'd string. */
static char *join(const char *a, const char *b)
{
    char *s = NULL;
    if (asprintf(&s, "%s/%s", a, b) < 0)
        cr_assert_fail("out of memory");
    return s;
}

const char *ov_test_source_dir(void)
{
    const char *d = getenv("OV_SOURCE_DIR");
    cr_assert(d, "OV_SOURCE_DIR is not set (run the tests through ctest)");
    return d;
}

char *ov_test_source_path(const char *rel)
{
    return join(ov_test_source_dir(), rel);
}

const char *ov_test_cli(void)
{
    const char *c = getenv("OV_CLI");
    cr_assert(c, "OV_CLI is not set (run the tests through ctest)");
    return c;
}

static void mkdirs(const char *path)
{
    char *p = strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    mkdir(p, 0755);
    free(p);
}

char *ov_test_book_path(const char *name)
{
    const char *d = getenv("OV_TEST_BOOKS");
    cr_assert(d, "OV_TEST_BOOKS is not set (run the tests through ctest)");
    mkdirs(d);
    return join(d, name);
}

char *ov_test_tmpdir(const char *tag)
{
    const char *b = getenv("OV_BUILD_DIR");
    char *top = join(b ? b : "/tmp", "test-tmp");
    char *base = join(top, tag);
    mkdirs(base);
    char *templ = join(base, "runXXXXXX");
    free(top);
    free(base);
    cr_assert(mkdtemp(templ), "mkdtemp failed: %s", strerror(errno));
    return templ;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
    char *p = realloc(*buf, *len + n + 1);
    cr_assert(p);
    memcpy(p + *len, data, n);
    *len += n;
    p[*len] = '\0';
    *buf = p;
}

int ov_test_exec(char *const argv[], char *const env[], ov_test_run *r)
{
    memset(r, 0, sizeof *r);
    int out[2], err[2];
    if (pipe(out) || pipe(err))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        close(out[1]);
        close(err[1]);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        for (size_t i = 0; env && env[i]; i++)
            putenv(env[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    size_t olen = 0, elen = 0;
    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[8192];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                append(&r->out, &olen, buf, (size_t)n);
            } else {
                append(&r->err, &elen, buf, (size_t)n);
            }
        }
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r->pid = (int)pid;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 0;
}

void ov_test_run_free(ov_test_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

#define OV_TEST_MAX_ARGS 64

long long ov_test_cli_instructions(char *const args[], ov_test_run *out)
{
    if (access(OV_TEST_VALGRIND, X_OK) != 0)
        cr_skip_test("valgrind is not installed (scripts/install-deps installs it)");
    char *dir = ov_test_tmpdir("callgrind");
    char *outopt = NULL;
    if (asprintf(&outopt, "--callgrind-out-file=%s/cg.%%p", dir) < 0)
        cr_assert_fail("out of memory");
    char *argv[OV_TEST_MAX_ARGS] = {OV_TEST_VALGRIND, "--tool=callgrind", outopt,
                                    /* the program allocates with jemalloc (OV_JEMALLOC) */
                                    "--soname-synonyms=somalloc=libjemalloc.so*",
                                    (char *)ov_test_cli()};
    int n = 5;
    for (int i = 0; args[i]; i++) {
        cr_assert_lt(n, OV_TEST_MAX_ARGS - 1, "too many arguments");
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    ov_test_run r;
    cr_assert_eq(ov_test_exec(argv, NULL, &r), 0, "cannot start valgrind");
    cr_assert(r.status == 0 || r.status == 3, "exit %d under callgrind\nstderr: %.2000s", r.status,
              r.err);
    char *file = NULL;
    if (asprintf(&file, "%s/cg.%d", dir, r.pid) < 0)
        cr_assert_fail("out of memory");
    char *prof = ov_test_slurp(file, NULL);
    cr_assert(prof, "no callgrind profile %s", file);
    const char *sum = strstr(prof, "\nsummary: ");
    cr_assert(sum, "no summary line in %s", file);
    long long count = strtoll(sum + 10, NULL, 10);
    cr_assert_gt(count, 0, "no instructions counted in %s", file);
    free(prof);
    free(file);
    free(outopt);
    free(dir);
    if (out)
        *out = r;
    else
        ov_test_run_free(&r);
    return count;
}

int ov_test_epubcheck(const char *path, char **report)
{
    char *argv[] = {"/usr/bin/java", "-jar", "/usr/bin/epubcheck", "--failonwarnings",
                    (char *)path, NULL};
    ov_test_run r;
    cr_assert_eq(ov_test_exec(argv, NULL, &r), 0);
    if (report) {
        size_t n = strlen(r.out) + strlen(r.err) + 2;
        *report = malloc(n);
        snprintf(*report, n, "%s\n%s", r.out, r.err);
    }
    int st = r.status;
    ov_test_run_free(&r);
    return st;
}

void ov_test_write(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = join(dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len, "cannot write %s", path);
    cr_assert_eq(fclose(f), 0, "cannot write %s", path);
    free(path);
}

void ov_test_copy_source(const char *rel, const char *dir, const char *name)
{
    char *src = ov_test_source_path(rel);
    size_t n = 0;
    char *data = ov_test_slurp(src, &n);
    cr_assert(data, "no fixture %s", src);
    ov_test_write(dir, name, data, n);
    free(data);
    free(src);
}

char *ov_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        append(&buf, &n, chunk, got);
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    if (len)
        *len = n;
    return buf;
}

char *ov_test_zip_entry(const char *path, const char *suffix, size_t *len)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    if (!z)
        return NULL;
    char *out = NULL;
    size_t sl = strlen(suffix);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0) && !out; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t nl = name ? strlen(name) : 0;
        if (nl < sl || strcmp(name + nl - sl, suffix) != 0)
            continue;
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0)
            break;
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        out = calloc(1, st.size + 1);
        if (!f || !out || zip_fread(f, out, st.size) != (zip_int64_t)st.size) {
            free(out);
            out = NULL;
        } else if (len) {
            *len = st.size;
        }
        if (f)
            zip_fclose(f);
        break;
    }
    zip_close(z);
    return out;
}

#define OV_TEST_MAX_ARGS 64

int ov_test_octavo_argv(ov_test_run *r, char *const env[], char *const args[])
{
    char *argv[OV_TEST_MAX_ARGS];
    int n = 0;
    argv[n++] = (char *)ov_test_cli();
    for (; *args && n < OV_TEST_MAX_ARGS - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    cr_assert_eq(ov_test_exec(argv, env, r), 0, "cannot run %s", argv[0]);
    return r->status;
}

int ov_test_octavo(ov_test_run *r, char *const env[], ...)
{
    char *args[OV_TEST_MAX_ARGS];
    int n = 0;
    va_list ap;
    va_start(ap, env);
    for (char *a; n < OV_TEST_MAX_ARGS - 1 && (a = va_arg(ap, char *)) != NULL;)
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return ov_test_octavo_argv(r, env, args);
}

int ov_test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
             getsockname(fd, (struct sockaddr *)&a, &al) == 0;
    if (fd >= 0)
        close(fd);
    cr_assert(ok, "cannot bind a loopback socket: %s", strerror(errno));
    return ntohs(a.sin_port);
}
