/* The fetcher against nginx: gzip transfer, conditional-GET cache across runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>

#include <zlib.h>

#include "nginx.h"
#include "octavo/fetch.h"
#include "ov_test.h"

#define N_ARTICLES 6

/* One suite-level timeout (per-test timeouts leak in Criterion 2.4's runner under LSan). */
TestSuite(nginx, .timeout = 120);

static void put(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static char *make_site(void)
{
    char *dir = ov_test_tmpdir("fetch-site");
    char path[4096], buf[4096];
    snprintf(path, sizeof path, "%s/a", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    size_t off = (size_t)snprintf(buf, sizeof buf,
                                  "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                                  "<title>Site</title>");
    for (int i = 1; i <= N_ARTICLES; i++) {
        char name[64], page[1024];
        snprintf(name, sizeof name, "a/%d.html", i);
        snprintf(page, sizeof page,
                 "<!DOCTYPE html><html><head><title>Article %d</title></head><body>"
                 "<article><h1>Article %d</h1><p>Some text that is long enough for nginx to "
                 "gzip it on the way out, repeated: text text text text text text.</p>"
                 "</article></body></html>\n",
                 i, i);
        put(dir, name, page);
        off += (size_t)snprintf(buf + off, sizeof buf - off,
                                "<item><title>Article %d</title><link>a/%d.html</link></item>", i,
                                i);
    }
    snprintf(buf + off, sizeof buf - off, "</channel></rss>\n");
    put(dir, "feed.xml", buf);
    put(dir, "robots.txt", "User-agent: *\nDisallow: /private/\n");
    put(dir, "index.html",
        "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed.xml\">"
        "</head><body><a href=\"/a/1.html\">One</a></body></html>\n");
    put(dir, "sitemap_index.xml",
        "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap>"
        "</sitemapindex>\n");
    put(dir, "s1.xml",
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<url><loc>/a/1.html</loc></url><url><loc>/a/2.html#x</loc></url></urlset>\n");
    snprintf(path, sizeof path, "%s/s2.xml.gz", dir);
    gzFile gz = gzopen(path, "wb");
    cr_assert_not_null(gz);
    gzputs(gz, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
               "<url><loc>/a/2.html</loc></url><url><loc>/a/3.html</loc></url></urlset>\n");
    cr_assert_eq(gzclose(gz), Z_OK);
    return dir;
}

typedef struct tally {
    size_t n, ok, cached;
    int saw_gzip;
} tally;

static void count(void *ud, const ov_response *r)
{
    tally *t = ud;
    t->n++;
    t->ok += r->error == 0;
    t->cached += r->from_cache != 0;
    cr_assert_eq(r->error, 0, "%s", r->error_message ? r->error_message : "");
    cr_assert(strstr((const char *)r->body, "</html>"), "decoded body of %s", r->url);
}

static void saw_exchange(void *ud, const ov_exchange *ex)
{
    tally *t = ud;
    if (strstr(ex->response_headers, "Content-Encoding: gzip"))
        t->saw_gzip = 1;
}

/* One run: discover the feed, fetch every article; returns the fetcher stats. */
static ov_fetch_stats run_once(const ov_test_nginx *ng, const char *cache, tally *t)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_entries *e = NULL;
    ov_error err;
    ov_fetch_stats st;
    o.cache_dir = cache;
    o.timeout_ms = 5000;
    o.on_exchange = saw_exchange;
    o.exchange_ud = t;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    ov_discover_options d = {NULL, 0, 0, 0};
    cr_assert_eq(ov_discover(f, feed, &d, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, N_ARTICLES);
    for (size_t i = 0; i < e->n; i++) {
        ov_request req = {e->items[i].url, OV_FETCH_PAGE, NULL, NULL};
        cr_assert_eq(ov_fetch_add(f, &req, &err), 0, "%s", err.message);
    }
    cr_assert_eq(ov_fetch_run(f, count, t, &err), 0, "%s", err.message);
    ov_fetcher_stats(f, &st);
    ov_entries_free(e);
    free(feed);
    ov_fetcher_free(f);
    return st;
}

Test(nginx, second_run_downloads_nothing_unchanged)
{
    char *site = make_site();
    char *cache = ov_test_tmpdir("fetch-cache");
    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");

    tally t1 = {0};
    ov_fetch_stats s1 = run_once(ng, cache, &t1);
    cr_assert_eq(t1.ok, N_ARTICLES);
    cr_assert_eq(t1.cached, 0);
    cr_assert_eq(s1.from_cache, 0);
    cr_assert(t1.saw_gzip, "nginx compressed text, bodies arrived decoded");

    tally t2 = {0};
    ov_fetch_stats s2 = run_once(ng, cache, &t2);
    cr_assert_eq(t2.ok, N_ARTICLES);
    cr_assert_eq(t2.cached, N_ARTICLES, "every unchanged page served from the cache");
    cr_assert_eq(s2.from_cache, s2.requests, "feed and pages all revalidated (304)");
    cr_assert_eq(s2.downloaded_bytes, 0, "no body downloaded on the second run");

    /* change one article: only it is downloaded again */
    put(site, "a/3.html", "<!DOCTYPE html><html><head><title>Changed</title></head>"
                          "<body><p>New text.</p></body></html>\n");
    tally t3 = {0};
    ov_fetch_stats s3 = run_once(ng, cache, &t3);
    cr_assert_eq(t3.cached, N_ARTICLES - 1);
    cr_assert_eq(s3.from_cache, s3.requests - 1);
    ov_test_nginx_stop(ng);
    free(site);
    free(cache);
}

Test(nginx, harness_serves_and_stops)
{
    char *site = make_site();
    ov_test_nginx *ng = NULL;
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_response *r = NULL;
    ov_error err;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0);
    cr_assert_gt(ov_test_nginx_port(ng), 0);
    char *url = ov_test_nginx_url(ng, "/missing.html");
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    cr_assert_eq(ov_fetch_get(f, url, OV_FETCH_PAGE, &r, &err), 0);
    cr_assert_eq(r->error, OV_EHTTP);
    cr_assert_eq(r->status, 404);
    ov_response_free(r);
    ov_fetcher_free(f);
    ov_test_nginx_stop(ng);
    /* after stop the port is closed: a fetch fails fast with a network error */
    o.retries = -1;
    o.connect_timeout_ms = 2000;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    cr_assert_eq(ov_fetch_get(f, url, OV_FETCH_PAGE, &r, &err), 0);
    cr_assert_eq(r->error, OV_ENET, "%s", r->error_message ? r->error_message : "");
    ov_response_free(r);
    ov_fetcher_free(f);
    free(url);
    free(site);
}

Test(nginx, discover_home_page_feed_and_gzipped_sitemap_index)
{
    char *site = make_site();
    ov_test_nginx *ng = NULL;
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0);
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    char *home = ov_test_nginx_url(ng, "/");
    ov_discover_options d = {NULL, 0, 0, 0};
    cr_assert_eq(ov_discover(f, home, &d, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, N_ARTICLES, "the announced feed was used");
    cr_assert_str_eq(e->title, "Site");
    ov_entries_free(e);
    ov_discover_options pat = {"/a/1\\.html$", 0, 0, 0};
    cr_assert_eq(ov_discover(f, home, &pat, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 1, "with a pattern the page's links are used");
    ov_entries_free(e);
    char *idx = ov_test_nginx_url(ng, "/sitemap_index.xml");
    cr_assert_eq(ov_discover(f, idx, &d, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 3, "children followed, gzip decoded, duplicates merged");
    char *a2 = ov_test_nginx_url(ng, "/a/2.html");
    cr_assert_str_eq(e->items[1].url, a2);
    ov_entries_free(e);
    free(a2);
    free(idx);
    free(home);
    ov_fetcher_free(f);
    ov_test_nginx_stop(ng);
    free(site);
}

static void child_count(void *ud, const ov_response *r)
{
    tally *t = ud;
    t->n++;
    t->ok += r->error == 0 && strstr((const char *)r->body, "</html>") != NULL;
}

/* A run on another thread, no Criterion asserts: exit 0 when every page came back. */
static int child_run(const ov_test_nginx *ng, const char *cache, char *why, size_t whylen)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_entries *e = NULL;
    ov_error err = {0, "", ""};
    tally t = {0};
    o.cache_dir = cache;
    char *feed = ov_test_nginx_url(ng, "/feed.xml");
    ov_discover_options d = {NULL, 0, 0, 0};
    if (ov_fetcher_new(&o, &f, &err) || ov_discover(f, feed, &d, &e, &err)) {
        ov_error_format(&err, why, whylen);
        return 1;
    }
    for (size_t i = 0; i < e->n; i++) {
        ov_request req = {e->items[i].url, OV_FETCH_PAGE, NULL, NULL};
        if (ov_fetch_add(f, &req, &err))
            return 2;
    }
    if (ov_fetch_run(f, child_count, &t, &err) || t.ok != N_ARTICLES) {
        snprintf(why, whylen, "%zu of %d pages: %s", t.ok, N_ARTICLES, err.message);
        return 3;
    }
    ov_entries_free(e);
    ov_fetcher_free(f);
    free(feed);
    return 0;
}

typedef struct shared_run {
    const ov_test_nginx *ng;
    const char *cache;
    int rc;
    char why[600];
} shared_run;

static void *run_thread(void *arg)
{
    shared_run *r = arg;
    r->rc = child_run(r->ng, r->cache, r->why, sizeof r->why);
    return NULL;
}

/* Three runs at once, each with its own fetcher and SQLite connection. */
Test(nginx, concurrent_runs_share_one_cache)
{
    char *site = make_site();
    char *cache = ov_test_tmpdir("fetch-cache-shared");
    ov_test_nginx *ng = NULL;
    pthread_t th[3];
    shared_run runs[3];
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0);
    for (int i = 0; i < 3; i++) {
        runs[i] = (shared_run){ng, cache, -1, ""};
        cr_assert_eq(pthread_create(&th[i], NULL, run_thread, &runs[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(runs[i].rc, 0, "run %d failed at step %d: %s", i, runs[i].rc, runs[i].why);
    }
    tally t = {0};
    ov_fetch_stats s = run_once(ng, cache, &t);
    cr_assert_eq(t.cached, N_ARTICLES, "the shared cache is complete and readable");
    cr_assert_eq(s.downloaded_bytes, 0);
    ov_test_nginx_stop(ng);
    free(site);
    free(cache);
}
