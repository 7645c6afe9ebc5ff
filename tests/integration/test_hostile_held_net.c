/*
 * Hostile feeds and servers that held (issue 14, "keep what held"; the map
 * of every case to its test is at the top of test_hostile_held.c). Answers
 * come from tests/support/rawserver (bytes as broken as the case needs) on
 * 127.0.0.1 and 127.0.0.2, self-signed TLS from `openssl s_server`. Each
 * case asserts the exit code, the good articles in the book, the hostile
 * bytes absent; the books go to the gate folder, so the epubcheck tier
 * checks them.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "ov_test.h"
#include "nginx.h"
#include "rawserver.h"

static ov_test_raw *rs, *rs2;

static void start(void)
{
    cr_assert_eq(ov_test_raw_start("127.0.0.1", &rs), 0, "raw server did not start");
    cr_assert_eq(ov_test_raw_start("127.0.0.2", &rs2), 0, "second raw server did not start");
}

static void stop(void)
{
    ov_test_raw_stop(rs);
    ov_test_raw_stop(rs2);
}

TestSuite(held_net, .init = start, .fini = stop, .timeout = 300);

/* A growable byte string. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const void *data, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        cr_assert(b->p);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < sizeof tmp);
    sb_add(b, tmp, (size_t)n);
}

/* Serve `body` at `path` on `s` as a 200 answer of type `ctype`. */
static void serve(ov_test_raw *s, const char *path, const char *ctype, const char *body, size_t n)
{
    sbuf b = {0};
    sb_printf(&b,
              "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Connection: close\r\n\r\n",
              ctype, n);
    sb_add(&b, body, n);
    ov_test_raw_set(s, path, b.p, b.n);
    free(b.p);
}

/* Every .xhtml/.opf entry of the book, concatenated (caller frees). */
static char *book_text(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "no book at %s", path);
    sbuf all = {0};
    sb_add(&all, "", 0);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml") && !strstr(name, ".opf"))
            continue;
        zip_stat_t zs;
        zip_file_t *f = NULL;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &zs) != 0 ||
            !(f = zip_fopen_index(z, (zip_uint64_t)i, 0)))
            continue;
        char buf[65536];
        for (zip_int64_t got; (got = zip_fread(f, buf, sizeof buf)) > 0;)
            sb_add(&all, buf, (size_t)got);
        zip_fclose(f);
    }
    zip_close(z);
    return all.p;
}

static void assert_has(const char *book, const char *text)
{
    cr_assert(strstr(book, text), "'%s' is missing from the book", text);
}

static void assert_lacks(const char *book, const char *text)
{
    cr_assert_null(strstr(book, text), "'%s' reached the book", text);
}

/* A good article URL on the first server (caller frees). */
static char *good_url(const char *x)
{
    char p[256];
    snprintf(p, sizeof p, "/a/%s", x);
    return ov_test_raw_url(rs, p);
}

/* Build `urls` (NULL-terminated) into books/<name>.epub with --no-cache -q
   and `extra` options first; returns the exit code, stderr in *err (caller
   frees, may be NULL). The book's path in *out (caller frees). */
static int build(const char *name, char *const extra[], char *const urls[], char **err, char **out)
{
    char book[256];
    snprintf(book, sizeof book, "held-%s.epub", name);
    *out = ov_test_book_path(book);
    unlink(*out);
    char *args[64];
    int n = 0;
    args[n++] = "build";
    args[n++] = "--no-cache";
    args[n++] = "-q";
    args[n++] = "--retries";
    args[n++] = "0";
    args[n++] = "--timeout";
    args[n++] = "10";
    for (size_t i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    for (size_t i = 0; urls[i]; i++)
        args[n++] = urls[i];
    args[n++] = "-o";
    args[n++] = *out;
    args[n] = NULL;
    ov_test_run r;
    int st = ov_test_octavo_argv(&r, NULL, args);
    if (err)
        *err = strdup(r.err);
    ov_test_run_free(&r);
    return st;
}

/* ---- feeds ------------------------------------------------------------ */

static void feed_head(sbuf *b, const char *doctype, const char *title)
{
    sb_printf(b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n<rss version=\"2.0\"><channel>"
              "<title>%s</title><link>%s/</link><description>held</description>\n",
              doctype, title, ov_test_raw_base(rs));
}

static void feed_item(sbuf *b, const char *title, const char *x)
{
    sb_printf(b, "<item><title>%s</title><link>%s/a/%s</link></item>\n", title,
              ov_test_raw_base(rs), x);
}

Test(held_net, feed_xxe_to_file_and_loopback_url)
{
    sbuf f = {0};
    char doctype[512];
    snprintf(doctype, sizeof doctype,
             "<!DOCTYPE rss [<!ENTITY file SYSTEM \"file:///etc/passwd\">"
             "<!ENTITY net SYSTEM \"%s/xxe\">]>",
             ov_test_raw_base(rs));
    feed_head(&f, doctype, "XXE &file;&net;");
    feed_item(&f, "XXE one &file;", "xxe1");
    feed_item(&f, "XXE two &net;", "xxe2");
    sb_printf(&f, "</channel></rss>\n");
    serve(rs, "/xxe.xml", "application/rss+xml", f.p, f.n);
    free(f.p);
    char *feed = ov_test_raw_url(rs, "/xxe.xml");
    char *urls[] = {feed, NULL};
    char *err, *out;
    int st = build("feed-xxe", NULL, urls, &err, &out);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, err);
    char *t = book_text(out);
    assert_has(t, "Words of article xxe1");
    assert_has(t, "Words of article xxe2");
    assert_lacks(t, "root:x:");
    cr_assert_eq(ov_test_raw_count(rs, "/xxe"), 0, "the external entity was fetched");
    free(t);
    free(err);
    free(out);
    free(feed);
}

Test(held_net, feed_billion_laughs)
{
    sbuf d = {0};
    sb_printf(&d, "<!DOCTYPE rss [<!ENTITY lol \"lol\">");
    sb_printf(&d, "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
    for (int i = 2; i <= 9; i++)
        sb_printf(&d,
                  "<!ENTITY lol%d \"&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
                  "&lol%d;&lol%d;\">",
                  i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    sb_printf(&d, "]>");
    sbuf f = {0};
    feed_head(&f, d.p, "Laughs &lol9;");
    feed_item(&f, "Laugh &lol9;", "laugh1");
    sb_printf(&f, "</channel></rss>\n");
    serve(rs, "/laughs.xml", "application/rss+xml", f.p, f.n);
    free(f.p);
    free(d.p);
    char *feed = ov_test_raw_url(rs, "/laughs.xml");
    char *good = good_url("laughgood");
    char *urls[] = {good, feed, NULL};
    char *err, *out;
    int st = build("feed-laughs", NULL, urls, &err, &out);
    /* an input that yields no article is exit 0 today (like an empty feed);
       issue 14.17 (another branch) words this case better and may make it
       a skip (3): both keep the book and the good article */
    cr_assert(st == 0 || st == 3, "exit %d\nstderr: %s", st, err);
    cr_assert(strstr(err, feed), "the refused feed is not named:\n%s", err);
    char *t = book_text(out);
    assert_has(t, "Words of article laughgood");
    assert_lacks(t, "lollollol");
    free(t);
    free(err);
    free(out);
    free(good);
    free(feed);
}

/* 50 MB: past the 32 MB feed cap, so the transfer is cut and the feed is a
   reported skip; the other input still makes the book. */
Test(held_net, feed_of_50_mb)
{
    sbuf f = {0};
    feed_head(&f, "", "Fifty");
    feed_item(&f, "Fifty one", "fifty1");
    sb_printf(&f, "<!-- ");
    char pad[65536];
    memset(pad, 'x', sizeof pad);
    while (f.n < 50u << 20)
        sb_add(&f, pad, sizeof pad);
    sb_printf(&f, " --></channel></rss>\n");
    serve(rs, "/fifty.xml", "application/rss+xml", f.p, f.n);
    free(f.p);
    char *feed = ov_test_raw_url(rs, "/fifty.xml");
    char *good = good_url("fiftygood");
    char *urls[] = {good, feed, NULL};
    char *err, *out;
    int st = build("feed-50mb", NULL, urls, &err, &out);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, err);
    cr_assert(strstr(err, feed), "the feed's skip is not named:\n%s", err);
    char *t = book_text(out);
    assert_has(t, "Words of article fiftygood");
    free(t);
    free(err);
    free(out);
    free(good);
    free(feed);
}

/* 20,000 items: 10,000 are read (the rest one reported skip); only the first
   few are fetched (--max-articles 3) so the book stays small. */
Test(held_net, feed_of_20000_items)
{
    sbuf f = {0};
    feed_head(&f, "", "Twenty thousand");
    for (int i = 0; i < 20000; i++) {
        char x[32], title[64];
        snprintf(x, sizeof x, "many%d", i);
        snprintf(title, sizeof title, "Item %d", i);
        feed_item(&f, title, x);
    }
    sb_printf(&f, "</channel></rss>\n");
    serve(rs, "/many.xml", "application/rss+xml", f.p, f.n);
    free(f.p);
    char *feed = ov_test_raw_url(rs, "/many.xml");
    char *urls[] = {feed, NULL};
    char *extra[] = {"--max-articles", "3", NULL};
    char *err, *out;
    int st = build("feed-20000", extra, urls, &err, &out);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, err);
    cr_assert(strstr(err, "10,000") || strstr(err, "10000"), "the cut is not reported:\n%s", err);
    char *t = book_text(out);
    assert_has(t, "Words of article many0");
    assert_has(t, "Words of article many2");
    assert_lacks(t, "Words of article many3");
    free(t);
    free(err);
    free(out);
    free(feed);
}

/* ---- server faults ---------------------------------------------------- */

/* Each broken answer costs its own article (a reported skip naming it),
   never the good one beside it. raws[i] NULL: paths[i] is already set. */
static void fault_cases(const char *name, const char *const paths[], const char *const raws[])
{
    char *good = good_url(name);
    char *urls[16];
    size_t n = 0;
    urls[n++] = good;
    for (size_t i = 0; paths[i]; i++) {
        if (raws[i])
            ov_test_raw_set_str(rs, paths[i], raws[i]);
        urls[n++] = ov_test_raw_url(rs, paths[i]);
    }
    urls[n] = NULL;
    char *err, *out;
    int st = build(name, NULL, urls, &err, &out);
    cr_assert_eq(st, 3, "%s: exit %d\nstderr: %s", name, st, err);
    for (size_t i = 1; i < n; i++)
        cr_assert(strstr(err, urls[i]), "%s: the skip of %s is not reported:\n%s", name, urls[i],
                  err);
    char *t = book_text(out);
    char want[128];
    snprintf(want, sizeof want, "Words of article %s", name);
    assert_has(t, want);
    assert_lacks(t, "BROKEN");
    free(t);
    for (size_t i = 0; i < n; i++)
        free(urls[i]);
    free(err);
    free(out);
}

#define CHUNKED                                                                                    \
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"                 \
    "Connection: close\r\n\r\n"
#define BROKEN_PAGE                                                                                \
    "<html><head><title>BROKEN</title></head><body><article><p>BROKEN page "                       \
    "text that must not be taken as a whole article by anyone.</p></article>"

static void redirect(ov_test_raw *s, const char *path, const char *to)
{
    char raw[1024];
    snprintf(raw, sizeof raw,
             "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n",
             to);
    ov_test_raw_set_str(s, path, raw);
}

/* 127.0.0.1:A -> 127.0.0.2:B -> 127.0.0.1:A -> 127.0.0.2:B/a/chain: followed
   (4 redirects, under the cap of 5); a chain across both that ends at
   file:///etc/passwd is refused. (A direct 302 to file: is
   fault_redirect_to_file in test_build_net.c.) */
Test(held_net, redirect_chains_across_hosts_and_ports)
{
    char *hop;
    hop = ov_test_raw_url(rs2, "/a/chain");
    redirect(rs, "/r3", hop);
    free(hop);
    hop = ov_test_raw_url(rs, "/r3");
    redirect(rs2, "/r2", hop);
    free(hop);
    hop = ov_test_raw_url(rs2, "/r2");
    redirect(rs, "/r1", hop);
    free(hop);
    redirect(rs2, "/f2", "file:///etc/passwd");
    hop = ov_test_raw_url(rs2, "/f2");
    redirect(rs, "/f1", hop);
    free(hop);
    char *good = good_url("chaingood");
    char *chain = ov_test_raw_url(rs, "/r1");
    char *tofile = ov_test_raw_url(rs, "/f1");
    char *urls[] = {good, chain, tofile, NULL};
    char *err, *out;
    int st = build("redirects", NULL, urls, &err, &out);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, err);
    cr_assert(strstr(err, tofile), "the refused chain is not reported:\n%s", err);
    cr_assert_eq(ov_test_raw_count(rs2, "/a/chain"), 1, "the chain did not reach its end");
    char *t = book_text(out);
    assert_has(t, "Words of article chaingood");
    assert_has(t, "Words of article chain,");
    assert_lacks(t, "root:x:");
    free(t);
    free(err);
    free(out);
    free(tofile);
    free(chain);
    free(good);
}

/* gzip of `zeros` bytes of zeros (caller frees), about 1/1000 of it. */
static unsigned char *gzip_zeros(size_t zeros, size_t *len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
    static unsigned char in[1 << 20];
    size_t cap = zeros / 500 + 65536, n = 0;
    unsigned char *outb = malloc(cap);
    cr_assert(outb);
    for (size_t left = zeros;;) {
        size_t chunk = left < sizeof in ? left : sizeof in;
        left -= chunk;
        z.next_in = in;
        z.avail_in = (uInt)chunk;
        int flush = left ? Z_NO_FLUSH : Z_FINISH;
        int rc;
        do {
            z.next_out = outb + n;
            z.avail_out = (uInt)(cap - n);
            rc = deflate(&z, flush);
            n = cap - z.avail_out;
            cr_assert(rc != Z_STREAM_ERROR && n < cap);
        } while (z.avail_in > 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
        if (!left)
            break;
    }
    deflateEnd(&z);
    *len = n;
    return outb;
}

/* Broken answers, one book: bad, huge and negative chunk sizes; two
   Content-Lengths that disagree and one that is not a number (one past the
   body is fault_partial_body in test_build_net.c); headers that never end
   (the 1 MB header line is broken_answers_are_named_for_what_they_are in
   test_hostile_net.c); 200 MB of zeros served gzip-compressed, about 200 KB
   on the wire, which the 8 MB page cap ends while decoding (a 100 MB one is
   fault_gzip_bomb). Each costs its own article, a reported skip naming it,
   never the good article beside them. */
Test(held_net, broken_answers_cost_only_their_article)
{
    static const char *const paths[] = {"/chunk-bad", "/chunk-huge", "/chunk-negative", "/cl-twice",
                                        "/cl-text",   "/endless",    "/bomb200",        NULL};
    static const char *const raws[] = {
        CHUNKED "zz\r\n" BROKEN_PAGE "\r\n0\r\n\r\n",
        CHUNKED "FFFFFFFFFFFFFFFFFFFF\r\n" BROKEN_PAGE "\r\n0\r\n\r\n",
        CHUNKED "-20\r\n" BROKEN_PAGE "\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n"
        "Content-Length: 200\r\nConnection: close\r\n\r\n" BROKEN_PAGE,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: lots\r\n"
        "Connection: close\r\n\r\n" BROKEN_PAGE,
        NULL, /* set below */
        NULL,
    };
    ov_test_raw_set_endless_headers(rs, "/endless");
    size_t zlen = 0;
    unsigned char *z = gzip_zeros((size_t)200 << 20, &zlen);
    cr_assert_lt(zlen, 1u << 20, "the bomb is %zu bytes compressed", zlen);
    sbuf b = {0};
    sb_printf(&b,
              "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
              zlen);
    sb_add(&b, z, zlen);
    ov_test_raw_set(rs, "/bomb200", b.p, b.n);
    free(b.p);
    free(z);
    fault_cases("broken-answers", paths, raws);
}

/* ---- TLS -------------------------------------------------------------- */

static int port_answers(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* A self-signed certificate is refused (TLS is verified): the article is a
   reported skip naming the certificate problem, the good one stays. */
Test(held_net, self_signed_tls_refused)
{
    if (access("/usr/bin/openssl", X_OK) != 0)
        cr_skip_test("no /usr/bin/openssl (scripts/install-deps installs it)");
    char *dir = ov_test_tmpdir("held-tls");
    char cert[4096], key[4096], accept_at[64];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    char *req[] = {"/usr/bin/openssl",
                   "req",
                   "-x509",
                   "-newkey",
                   "rsa:2048",
                   "-nodes",
                   "-days",
                   "2",
                   "-subj",
                   "/CN=127.0.0.1",
                   "-addext",
                   "subjectAltName=IP:127.0.0.1",
                   "-keyout",
                   key,
                   "-out",
                   cert,
                   NULL};
    ov_test_run r;
    cr_assert_eq(ov_test_exec(req, NULL, &r), 0);
    cr_assert_eq(r.status, 0, "openssl req failed: %s", r.err);
    ov_test_run_free(&r);
    int port = ov_test_free_port();
    snprintf(accept_at, sizeof accept_at, "127.0.0.1:%d", port);
    pid_t srv = fork();
    cr_assert_neq(srv, -1);
    if (srv == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl("/usr/bin/openssl", "openssl", "s_server", "-accept", accept_at, "-cert", cert,
              "-key", key, "-www", "-quiet", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !port_answers(port); i++)
        usleep(50000);
    cr_assert(port_answers(port), "openssl s_server did not start");
    char tls[128];
    snprintf(tls, sizeof tls, "https://127.0.0.1:%d/page.html", port);
    char *good = good_url("tlsgood");
    char *urls[] = {good, tls, NULL};
    char *err, *out;
    int st = build("tls", NULL, urls, &err, &out);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, err);
    cr_assert(strstr(err, tls), "the refusal is not reported:\n%s", err);
    cr_assert(strcasestr(err, "certificate"), "the reason is not the certificate:\n%s", err);
    char *t = book_text(out);
    assert_has(t, "Words of article tlsgood");
    free(t);
    free(err);
    free(out);
    free(good);
    free(dir);
}

/* ---- many articles, few descriptors ----------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define HELD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HELD_SANITIZED 1
#endif
#endif

/* Descriptors `pid` has open; with `what`, the sockets among them in
 *sockets and what they all are in `what`. */
static int count_fds(pid_t pid, int *sockets, char *what, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (what)
        what[0] = '\0';
    if (sockets)
        *sockets = 0;
    if (!d)
        return -1;
    int n = 0;
    size_t w = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        if (!what)
            continue;
        char link[600], target[256];
        snprintf(link, sizeof link, "%s/%s", path, e->d_name);
        ssize_t t = readlink(link, target, sizeof target - 1);
        target[t > 0 ? t : 0] = '\0';
        if (sockets)
            *sockets += strncmp(target, "socket:", 7) == 0;
        if (w + 600 < size)
            w += (size_t)snprintf(what + w, size - w, "%s -> %s\n", e->d_name, target);
    }
    closedir(d);
    return n;
}

/* 2,000 articles from one host at --concurrency 64 --per-host 16, sampled
   from /proc/<pid>/fd every millisecond: never more than 19 sockets (16
   connections, libcurl's wakeup pair and the one to the cover process,
   src/build/cover_proc.h), so 22 descriptors with stdin, stdout and stderr
   while fetching. The cover is drawn while the fetch runs (issue 13), in
   the cover process; drawn in octavo's own (no cover process: 18 sockets)
   fontconfig holds up to two of its files open meanwhile: 23 at most
   either way, the ones past 21 files. Once the fetch is over
   the build closes libcurl's idle connections (ov_fetcher_close_connections),
   so packaging's temporary files come on top of no socket. Nothing grows
   with the number of articles. (What the descriptors are is read at each
   new high.) */
Test(held_net, two_thousand_articles_with_few_descriptors, .timeout = 600)
{
#ifdef HELD_SANITIZED
    const int n_articles = 500; /* ASan: 2,000 took 17 s; the bound does not depend on it */
#else
    const int n_articles = 2000;
#endif
    /* nginx serves this one: the numbers are octavo's, not the raw server's */
    char *site = ov_test_tmpdir("held-2000-site");
    sbuf f = {0};
    sb_printf(&f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
                  "<title>Two thousand</title><link>/</link><description>d</description>\n");
    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    for (int i = 0; i < n_articles; i++) {
        char name[4096], page[1024];
        snprintf(name, sizeof name, "%s/n%d.html", site, i);
        int len = snprintf(page, sizeof page,
                           "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<title>Article n%d</title></head><body><article><h1>Article n%d</h1>"
                           "<p>Words of article n%d, a paragraph long enough for the extractor "
                           "to keep it as the body of a page, with commas and a full stop.</p>"
                           "</article></body></html>",
                           i, i, i);
        FILE *pf = fopen(name, "w");
        cr_assert(pf);
        fwrite(page, 1, (size_t)len, pf);
        fclose(pf);
        sb_printf(&f, "<item><title>Numbered %d</title><link>%s/n%d.html</link></item>\n", i,
                  ov_test_nginx_base(ng), i);
    }
    sb_printf(&f, "</channel></rss>\n");
    char feedpath[4096];
    snprintf(feedpath, sizeof feedpath, "%s/feed.xml", site);
    FILE *ff = fopen(feedpath, "w");
    cr_assert(ff);
    fwrite(f.p, 1, f.n, ff);
    fclose(ff);
    free(f.p);
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    /* this book stays out of the gate folder: epubcheck over 2,000 chapters
       takes minutes, and the other cases check what packaging does */
    char *dir = ov_test_tmpdir("held-2000");
    char *out = NULL;
    if (asprintf(&out, "%s/held-2000.epub", dir) < 0)
        cr_assert_fail();
    char errpath[4096];
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(e, 2);
        /* count octavo's descriptors, not the ones the test worker holds */
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        execl(ov_test_cli(), ov_test_cli(), "build", "--no-cache", "-q", "--concurrency", "64",
              "--per-host", "16", feed, "-o", out, (char *)NULL);
        _exit(127);
    }
    int most = 0, most_sockets = 0, status = 0;
    static char what[16384], at_most[16384];
    while (waitpid(pid, &status, WNOHANG) == 0) {
        /* a plain count each time (reading the links each millisecond slows
           octavo tenfold); what they are at each new high */
        int n = count_fds(pid, NULL, NULL, 0);
        if (n > most) {
            int sockets = 0;
            n = count_fds(pid, &sockets, what, sizeof what);
            if (sockets > most_sockets)
                most_sockets = sockets;
            if (n > most) {
                most = n;
                memcpy(at_most, what, sizeof what);
            }
        }
        usleep(1000);
    }
    char *err = ov_test_slurp(errpath, NULL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d\nstderr: %s", status, err);
    cr_assert_leq(most_sockets, 19, "%d sockets open at once", most_sockets);
    cr_assert_leq(most, 23, "%d descriptors open at once:\n%s", most, at_most);
    /* past 0-2 and the sockets, only files being read or written */
    for (const char *p = at_most; (p = strstr(p, " -> ")) != NULL; p += 4)
        cr_assert(p[4] == '/' || strncmp(p + 4, "socket:", 7) == 0, "not a file: %.60s\n%s", p + 4,
                  at_most);
    char *t = book_text(out);
    assert_has(t, "Words of article n0,");
    char last[64];
    snprintf(last, sizeof last, "Words of article n%d,", n_articles - 1);
    assert_has(t, last);
    cr_log_info("%d articles: %d sockets, %d descriptors at most", n_articles, most_sockets, most);
    ov_test_nginx_stop(ng);
    free(site);
    free(t);
    free(err);
    free(dir);
    free(out);
    free(feed);
}
