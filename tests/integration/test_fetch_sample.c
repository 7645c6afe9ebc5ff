/* The sample site (examples/sample-site) served by nginx: discovery and a full fetch. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include "nginx.h"
#include "octavo/fetch.h"
#include "ov_test.h"

static ov_test_nginx *ng;
static char *site;

static void setup(void)
{
    site = ov_test_source_path("examples/sample-site");
    char *feed = ov_test_source_path("examples/sample-site/feed.xml");
    int present = access(feed, R_OK) == 0;
    free(feed);
    if (!present)
        return;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
}

static void teardown(void)
{
    ov_test_nginx_stop(ng);
    ng = NULL;
    free(site);
}

TestSuite(sample, .init = setup, .fini = teardown, .timeout = 300);

static ov_fetcher *new_fetcher(void)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_error err;
    o.timeout_ms = 10000;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    return f;
}

static ov_entries *discover(ov_fetcher *f, const char *path)
{
    ov_entries *e = NULL;
    ov_error err;
    char *url = ov_test_nginx_url(ng, path);
    ov_discover_options d = {NULL, 0, 0, 0};
    cr_assert_eq(ov_discover(f, url, &d, &e, &err), 0, "%s: %s", url, err.message);
    free(url);
    return e;
}

static size_t n_article_files;

static int count_html(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    size_t n = strlen(path);
    (void)st;
    (void)ftw;
    if (type == FTW_F && n > 5 && strcmp(path + n - 5, ".html") == 0)
        n_article_files++;
    return 0;
}

typedef struct tally {
    size_t n, ok;
} tally;

static void done(void *ud, const ov_response *r)
{
    tally *t = ud;
    t->n++;
    cr_assert_eq(r->error, 0, "%s", r->error_message ? r->error_message : "");
    cr_assert_eq(r->status, 200, "%s", r->url);
    cr_assert_gt(r->len, 0, "%s", r->url);
    t->ok++;
}

Test(sample, feed_finds_every_article_and_all_fetch)
{
    if (!ng)
        cr_skip_test("examples/sample-site not present yet");
    ov_fetcher *f = new_fetcher();
    ov_entries *e = discover(f, "/feed.xml");
    ov_error err;
    char *news = ov_test_source_path("examples/sample-site/news");
    n_article_files = 0;
    cr_assert_eq(nftw(news, count_html, 16, FTW_PHYS), 0);
    free(news);
    cr_assert_gt(e->n, 0, "feed.xml lists articles");
    cr_assert_eq(e->n, n_article_files, "every article page under news/ is in the feed");
    for (size_t i = 0; i < e->n; i++) {
        cr_assert(strncmp(e->items[i].url, ov_test_nginx_base(ng),
                          strlen(ov_test_nginx_base(ng))) == 0,
                  "relative item link resolved against the feed: %s", e->items[i].url);
        cr_assert_not_null(e->items[i].title);
        ov_request req = {e->items[i].url, OV_FETCH_PAGE, NULL, NULL};
        cr_assert_eq(ov_fetch_add(f, &req, &err), 0, "%s", err.message);
    }
    tally t = {0, 0};
    cr_assert_eq(ov_fetch_run(f, done, &t, &err), 0, "%s", err.message);
    cr_assert_eq(t.ok, e->n);
    ov_entries_free(e);
    ov_fetcher_free(f);
}

Test(sample, other_discovery_sources_agree_with_the_feed)
{
    if (!ng)
        cr_skip_test("examples/sample-site not present yet");
    static const char *const docs[] = {"/atom.xml", "/rdf.xml", "/sitemap.xml", "/"};
    ov_fetcher *f = new_fetcher();
    ov_entries *feed = discover(f, "/feed.xml");
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        char rel[256];
        snprintf(rel, sizeof rel, "examples/sample-site%s", docs[d]);
        char *p = ov_test_source_path(rel);
        int present = d == 3 || access(p, R_OK) == 0;
        free(p);
        if (!present)
            continue;
        ov_entries *e = discover(f, docs[d]);
        cr_assert_gt(e->n, 0, "%s gives articles", docs[d]);
        size_t common = 0;
        for (size_t i = 0; i < e->n; i++)
            for (size_t j = 0; j < feed->n; j++)
                common += strcmp(e->items[i].url, feed->items[j].url) == 0;
        cr_assert_gt(common, 0, "%s shares articles with feed.xml", docs[d]);
        ov_entries_free(e);
    }
    ov_entries_free(feed);
    ov_fetcher_free(f);
}
