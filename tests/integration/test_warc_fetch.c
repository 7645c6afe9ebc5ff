/*
 * Archive mode end to end: fetch a small site from nginx with the WARC
 * writer as the fetcher's exchange hook, stop nginx, then fetch the same
 * URLs again with the WARC reader as the replay source (no network at all)
 * and check every body and status is identical.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nginx.h"
#include "octavo/fetch.h"
#include "octavo/warc.h"
#include "ov_test.h"

#define N_URLS 5

static void put(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static char *make_site(void)
{
    char *dir = ov_test_tmpdir("warc-site");
    char page[8192];
    size_t n = (size_t)snprintf(page, sizeof page,
                                "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                "<title>頭條</title></head><body><article><h1>頭條新聞</h1>");
    for (int i = 0; i < 40; i++) /* long enough for nginx to gzip it */
        n += (size_t)snprintf(page + n, sizeof page - n, "<p>段落 %d: text text text.</p>", i);
    snprintf(page + n, sizeof page - n, "</article></body></html>\n");
    put(dir, "index.html", page, strlen(page));
    const char *utf8 = "<!DOCTYPE html><html><body><p>新闻报道</p></body></html>\n";
    put(dir, "新闻.html", utf8, strlen(utf8));
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)((i * 197u) ^ (i >> 2)); /* NULs, high bytes, no pattern */
    put(dir, "photo.png", bin, sizeof bin);
    put(dir, "robots.txt", "User-agent: *\nDisallow:\n", 24);
    return dir;
}

typedef struct seen {
    char *url[N_URLS];
    unsigned char *body[N_URLS];
    size_t len[N_URLS];
    long status[N_URLS];
    int error[N_URLS];
    size_t n;
} seen;

static void keep(void *ud, const ov_response *r)
{
    seen *s = ud;
    cr_assert_lt(s->n, N_URLS);
    size_t i = s->n++;
    s->url[i] = strdup(r->url);
    s->body[i] = malloc(r->len + 1);
    memcpy(s->body[i], r->body ? r->body : (const unsigned char *)"", r->len);
    s->len[i] = r->len;
    s->status[i] = r->status;
    s->error[i] = r->error;
}

static const seen *find(const seen *s, const char *url, size_t *i)
{
    for (*i = 0; *i < s->n; (*i)++)
        if (strcmp(s->url[*i], url) == 0)
            return s;
    cr_assert_fail("no response for %s", url);
    return NULL;
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->url[i]);
        free(s->body[i]);
    }
}

/* Fetch `urls` once, recording into `w` or replaying from `r`. */
static void run(char *const *urls, ov_warc_writer *w, ov_warc_reader *r, seen *out)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_error err;
    o.timeout_ms = 10000;
    o.retries = -1;
    if (w) {
        o.on_exchange = ov_warc_exchange_hook;
        o.exchange_ud = w;
    }
    if (r) {
        o.replay = ov_warc_replay_hook;
        o.replay_ud = r;
    }
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    for (size_t i = 0; i < N_URLS; i++) {
        ov_request req = {urls[i], strstr(urls[i], ".png") ? OV_FETCH_IMAGE : OV_FETCH_PAGE, NULL,
                          NULL};
        cr_assert_eq(ov_fetch_add(f, &req, &err), 0, "%s", err.message);
    }
    cr_assert_eq(ov_fetch_run(f, keep, out, &err), 0, "%s", err.message);
    ov_fetcher_free(f);
}

Test(warc_fetch, record_then_replay_offline, .timeout = 120)
{
    char *site = make_site();
    char *dir = ov_test_tmpdir("warc-run");
    char warc[4096];
    snprintf(warc, sizeof warc, "%s/run.warc.gz", dir);
    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    char *urls[N_URLS] = {
        ov_test_nginx_url(ng, "/index.html"),
        ov_test_nginx_url(ng, "/%E6%96%B0%E9%97%BB.html"),
        ov_test_nginx_url(ng, "/photo.png"),
        ov_test_nginx_url(ng, "/missing.html"),
        ov_test_nginx_url(ng, "/index.html?edition=2"),
    };

    /* 1. record */
    ov_warc_info info = OV_WARC_INFO_INIT;
    info.created = 1700000000;
    info.description = "integration test";
    info.metadata = 1;
    ov_warc_writer *w = NULL;
    ov_error err;
    cr_assert_eq(ov_warc_writer_open(warc, &info, &w, &err), 0, "%s", err.message);
    seen live = {0};
    run(urls, w, NULL, &live);
    cr_assert_eq(ov_warc_writer_close(w, &err), 0, "%s", err.message);
    cr_assert_eq(live.n, N_URLS);
    ov_test_nginx_stop(ng); /* from here on there is no server */

    /* 2. the file: one request + response (+ metadata) per exchange */
    ov_warc_reader *r = NULL;
    cr_assert_eq(ov_warc_reader_open(warc, &r, &err), 0, "%s", err.message);
    size_t responses = ov_warc_reader_count_type(r, "response");
    cr_expect_geq(responses, N_URLS, "robots.txt may add one");
    cr_expect_eq(ov_warc_reader_count_type(r, "request"), responses);
    cr_expect_eq(ov_warc_reader_count_type(r, "metadata"), responses);
    cr_expect_eq(ov_warc_reader_count_type(r, "warcinfo"), 1);
    long st;
    char *head;
    unsigned char *body;
    size_t hl, bl;
    cr_assert_eq(ov_warc_reader_lookup(r, urls[0], &st, &head, &hl, &body, &bl), 0);
    cr_expect(strstr(head, "X-Original-Content-Encoding: gzip"),
              "nginx gzipped the page; the record holds it decoded: %s", head);
    cr_expect(strstr((char *)body, "頭條新聞"));
    free(head);
    free(body);

    /* 3. replay with no network: identical statuses and bytes */
    seen again = {0};
    run(urls, NULL, r, &again);
    cr_assert_eq(again.n, N_URLS);
    for (size_t k = 0; k < N_URLS; k++) {
        size_t i, j;
        find(&live, urls[k], &i);
        find(&again, urls[k], &j);
        cr_expect_eq(again.status[j], live.status[i], "%s", urls[k]);
        cr_expect_eq(again.error[j], live.error[i], "%s", urls[k]);
        cr_expect_eq(again.len[j], live.len[i], "%s", urls[k]);
        cr_expect(again.len[j] == live.len[i] &&
                      memcmp(again.body[j], live.body[i], live.len[i]) == 0,
                  "%s: replayed body differs", urls[k]);
    }
    size_t i;
    find(&live, urls[2], &i);
    cr_expect_eq(live.len[i], 3000, "binary body arrived whole");
    find(&live, urls[3], &i);
    cr_expect_eq(live.status[i], 404);

    ov_warc_reader_free(r);
    seen_free(&live);
    seen_free(&again);
    for (size_t k = 0; k < N_URLS; k++)
        free(urls[k]);
    free(site);
    free(dir);
}
