/* The fetcher against the in-process fault server (loopback only). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultserver.h"
#include "octavo/fetch.h"
#include "octavo/model.h"
#include "ov_test.h"

#define MAX_RESULTS 64

typedef struct result {
    char *url, *msg, *ctype;
    int error, from_cache;
    long status;
    size_t len;
    unsigned char head[16];
} result;

typedef struct results {
    result r[MAX_RESULTS];
    size_t n;
} results;

static ov_test_fault *srv;
static char *kept[1024]; /* strings copied by on_done, freed in teardown */
static size_t n_kept;

static char *keep(const char *s)
{
    if (!s)
        return NULL;
    cr_assert_lt(n_kept, sizeof kept / sizeof kept[0]);
    return kept[n_kept++] = strdup(s);
}

static void setup(void)
{
    cr_assert_eq(ov_test_fault_start(&srv), 0, "fault server did not start");
}

static void teardown(void)
{
    ov_test_fault_stop(srv);
    srv = NULL;
    while (n_kept)
        free(kept[--n_kept]);
}

TestSuite(fault, .init = setup, .fini = teardown, .timeout = 120);

static void setup_progress(void)
{
    setup();
    cr_redirect_stderr();
}

static void on_done(void *ud, const ov_response *resp)
{
    results *rs = ud;
    cr_assert_lt(rs->n, MAX_RESULTS);
    result *r = &rs->r[rs->n++];
    r->url = keep(resp->url);
    r->msg = keep(resp->error_message);
    r->ctype = keep(resp->content_type);
    r->error = resp->error;
    r->status = resp->status;
    r->len = resp->len;
    r->from_cache = resp->from_cache;
    memcpy(r->head, resp->body, resp->len < 16 ? resp->len : 16);
    cr_assert_eq(resp->body[resp->len], '\0', "body is NUL-terminated");
}

static const result *find(const results *rs, const char *path)
{
    char *url = ov_test_fault_url(srv, path);
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].url, url) == 0) {
            free(url);
            return &rs->r[i];
        }
    cr_assert_fail("no result for %s", url);
    return NULL;
}

static ov_fetch_options test_opts(void)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 5000;
    o.low_speed_secs = 2;
    o.retries = 2;
    o.retry_base_ms = 20;
    o.max_page_bytes = 1024 * 1024;
    o.ignore_robots = 1;
    o.jitter_seed = 42;
    return o;
}

static void add(ov_fetcher *f, const char *path, ov_fetch_kind kind, const char *referer)
{
    char *url = ov_test_fault_url(srv, path);
    ov_request req = {url, kind, referer, NULL};
    ov_error err;
    cr_assert_eq(ov_fetch_add(f, &req, &err), 0, "%s", err.message);
    free(url);
}

static void run_paths(const ov_fetch_options *o, const char *const *paths, size_t n,
                      ov_fetch_kind kind, results *rs, ov_fetcher **keep)
{
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(o, &f, &err), 0, "%s", err.message);
    for (size_t i = 0; i < n; i++)
        add(f, paths[i], kind, NULL);
    cr_assert_eq(ov_fetch_run(f, on_done, rs, &err), 0, "%s", err.message);
    cr_assert_eq(rs->n, n);
    if (keep)
        *keep = f;
    else
        ov_fetcher_free(f);
}

static void assert_fails(const results *rs, const char *path, int code, const char *reason)
{
    const result *r = find(rs, path);
    cr_assert_eq(r->error, code, "%s: got %d (%s)", path, r->error, r->msg ? r->msg : "");
    cr_assert_not_null(r->msg);
    cr_assert(strstr(r->msg, path), "message names the URL: %s", r->msg);
    cr_assert(strstr(r->msg, reason), "message gives the reason '%s': %s", reason, r->msg);
}

Test(fault, mixed_run_each_fault_ends_right_and_good_pages_succeed)
{
    static const char *const paths[] = {"/page/1", "/404",    "/500",   "/503once", "/loop",
                                        "/tofile", "/reset",  "/partial", "/huge",  "/hugecl",
                                        "/bomb",   "/page/2", "/429long"};
    ov_fetch_options o = test_opts();
    results rs = {0};
    run_paths(&o, paths, sizeof paths / sizeof paths[0], OV_FETCH_PAGE, &rs, NULL);

    for (int i = 1; i <= 2; i++) {
        const result *ok = find(&rs, i == 1 ? "/page/1" : "/page/2");
        cr_assert_eq(ok->error, 0, "%s", ok->msg ? ok->msg : "");
        cr_assert_eq(ok->status, 200);
        cr_assert_gt(ok->len, 50);
    }
    assert_fails(&rs, "/404", OV_EHTTP, "404");
    cr_assert_eq(ov_test_fault_count(srv, "/404"), 1, "4xx is not retried");
    assert_fails(&rs, "/500", OV_EHTTP, "500");
    cr_assert_eq(ov_test_fault_count(srv, "/500"), 3, "500: 1 try + 2 retries");
    const result *flaky = find(&rs, "/503once");
    cr_assert_eq(flaky->error, 0, "%s", flaky->msg ? flaky->msg : "");
    cr_assert_eq(ov_test_fault_count(srv, "/503once"), 2);
    assert_fails(&rs, "/loop", OV_ELIMIT, "redirects");
    assert_fails(&rs, "/tofile", OV_EPOLICY, "not http");
    assert_fails(&rs, "/reset", OV_ENET, "after retries");
    cr_assert_eq(ov_test_fault_count(srv, "/reset"), 3);
    assert_fails(&rs, "/partial", OV_ENET, "after retries");
    cr_assert_eq(ov_test_fault_count(srv, "/partial"), 3);
    assert_fails(&rs, "/huge", OV_ELIMIT, "1048576-byte limit");
    cr_assert_eq(ov_test_fault_count(srv, "/huge"), 1, "a size cap is not retried");
    assert_fails(&rs, "/hugecl", OV_ELIMIT, "limit");
    assert_fails(&rs, "/bomb", OV_ELIMIT, "limit");
    assert_fails(&rs, "/429long", OV_EHTTP, "Retry-After 3600 s is beyond");
    cr_assert_eq(ov_test_fault_count(srv, "/429long"), 1);
}

Test(fault, retry_after_429_then_success)
{
    static const char *const paths[] = {"/429", "/page/x"};
    ov_fetch_options o = test_opts();
    results rs = {0};
    run_paths(&o, paths, 2, OV_FETCH_PAGE, &rs, NULL);
    const result *r = find(&rs, "/429");
    cr_assert_eq(r->error, 0, "%s", r->msg ? r->msg : "");
    cr_assert_eq(r->status, 200);
    cr_assert_eq(ov_test_fault_count(srv, "/429"), 2);
}

Test(fault, retry_after_http_date)
{
    static const char *const paths[] = {"/429date"};
    ov_fetch_options o = test_opts();
    results rs = {0};
    run_paths(&o, paths, 1, OV_FETCH_PAGE, &rs, NULL);
    const result *r = find(&rs, "/429date");
    cr_assert_eq(r->error, 0, "%s", r->msg ? r->msg : "");
    cr_assert_eq(ov_test_fault_count(srv, "/429date"), 2);
}

Test(fault, retry_after_without_retries_left_fails)
{
    static const char *const paths[] = {"/429"};
    ov_fetch_options o = test_opts();
    o.retries = -1;
    results rs = {0};
    run_paths(&o, paths, 1, OV_FETCH_PAGE, &rs, NULL);
    assert_fails(&rs, "/429", OV_EHTTP, "429");
    cr_assert_eq(ov_test_fault_count(srv, "/429"), 1);
}

Test(fault, progress_line_on_stderr, .init = setup_progress)
{
    static const char *const paths[] = {"/page/1", "/404", "/image.png"};
    ov_fetch_options o = test_opts();
    o.progress = 1;
    o.max_total = 1; /* one at a time: the lines come in queue order (the image first) */
    results rs = {0};
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    add(f, paths[0], OV_FETCH_PAGE, NULL);
    add(f, paths[1], OV_FETCH_PAGE, NULL);
    add(f, paths[2], OV_FETCH_IMAGE, NULL);
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    ov_fetcher_free(f);
    fflush(stderr);
    /* one line redrawn in place (util/progress: bar, counts, MiB, elapsed, ETA) */
    char got[2048] = "";
    size_t n = fread(got, 1, sizeof got - 1, cr_get_redirected_stderr());
    got[n] = '\0';
    const char *want[] = {"\r[", "] articles 0/2  images 1/1  0.0 MiB  0:0", "\033[K",
                          "\r[", "] articles 1/2  images 1/1  0.0 MiB  0:0", "\033[K",
                          "\r[####################] articles 2/2  images 1/1  0.0 MiB  0:0",
                          "  1 failed\033[K\n"};
    const char *at = got;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *hit = strstr(at, want[i]);
        cr_assert(hit, "'%s' missing or out of order in:\n%s", want[i], got);
        at = hit + strlen(want[i]);
    }
    cr_assert_eq(*at, '\0', "more after the last line: %s", at);
}

Test(fault, images_go_before_waiting_pages)
{
    /* a page's images are queued once it is read: they go before the pages
       still waiting for the host (in the order they came), not after them */
    ov_fetch_options o = test_opts();
    o.max_total = 1; /* one at a time: done in queue order */
    results rs = {0};
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    add(f, "/page/1", OV_FETCH_PAGE, NULL);
    add(f, "/page/2", OV_FETCH_PAGE, NULL);
    add(f, "/image.png", OV_FETCH_IMAGE, NULL);
    add(f, "/page/3", OV_FETCH_PAGE, NULL);
    add(f, "/webp.jpg", OV_FETCH_IMAGE, NULL);
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    ov_fetcher_free(f);
    static const char *const order[] = {"/image.png", "/webp.jpg", "/page/1", "/page/2",
                                        "/page/3"};
    cr_assert_eq(rs.n, 5);
    for (size_t i = 0; i < 5; i++) {
        char *url = ov_test_fault_url(srv, order[i]);
        cr_assert_str_eq(rs.r[i].url, url, "request %zu", i);
        free(url);
    }
}

Test(fault, slow_drip_times_out)
{
    static const char *const paths[] = {"/drip", "/page/3"};
    ov_fetch_options o = test_opts();
    o.retries = -1;
    results rs = {0};
    run_paths(&o, paths, 2, OV_FETCH_PAGE, &rs, NULL);
    const result *r = find(&rs, "/drip");
    cr_assert_eq(r->error, OV_ENET, "%s", r->msg ? r->msg : "");
    cr_assert(strstr(r->msg, "/drip"));
    cr_assert_eq(ov_test_fault_count(srv, "/drip"), 1, "retries = -1 means no retry");
    cr_assert_eq(find(&rs, "/page/3")->error, 0);
}

Test(fault, images_type_from_bytes_not_header)
{
    static const char *const paths[] = {"/wrongtype.jpg", "/webp.jpg", "/image.png"};
    ov_fetch_options o = test_opts();
    results rs = {0};
    run_paths(&o, paths, 3, OV_FETCH_IMAGE, &rs, NULL);
    const result *w = find(&rs, "/wrongtype.jpg");
    cr_assert_eq(w->error, 0);
    cr_assert(strstr(w->ctype, "text/html"), "the server lied: %s", w->ctype);
    cr_assert_str_eq(ov_sniff_media_type(w->head, w->len < 16 ? w->len : 16), "image/jpeg");
    const result *p = find(&rs, "/webp.jpg");
    cr_assert_str_eq(ov_sniff_media_type(p->head, p->len < 16 ? p->len : 16), "image/webp");
    const result *g = find(&rs, "/image.png");
    cr_assert_str_eq(ov_sniff_media_type(g->head, g->len < 16 ? g->len : 16), "image/png");
}

Test(fault, image_cap_is_separate_from_page_cap)
{
    static const char *const paths[] = {"/image.png"};
    ov_fetch_options o = test_opts();
    o.max_image_bytes = 50; /* the PNG is 90 bytes */
    results rs = {0};
    run_paths(&o, paths, 1, OV_FETCH_IMAGE, &rs, NULL);
    assert_fails(&rs, "/image.png", OV_ELIMIT, "limit for image");
}

Test(fault, hotlink_image_retried_once_with_referer)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_error err;
    results rs = {0};
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    char *page = ov_test_fault_url(srv, "/page/1");
    add(f, "/hotlink.jpg", OV_FETCH_IMAGE, page);
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    const result *r = find(&rs, "/hotlink.jpg");
    cr_assert_eq(r->error, 0, "%s", r->msg ? r->msg : "");
    cr_assert_eq(r->head[0], 0xFF);
    cr_assert_eq(ov_test_fault_count(srv, "/hotlink.jpg"), 2, "first without, then with Referer");
    cr_assert_eq(ov_test_fault_referer_count(srv), 1);
    /* without a Referer to offer, the 403 stands */
    rs.n = 0;
    add(f, "/hotlink.jpg", OV_FETCH_IMAGE, NULL);
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    assert_fails(&rs, "/hotlink.jpg", OV_EHTTP, "403");
    free(page);
    ov_fetcher_free(f);
}

Test(fault, file_image_in_page_is_refused)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_response *resp = NULL;
    ov_entries *links = NULL;
    ov_error err;
    char *url = ov_test_fault_url(srv, "/fileimg.html");
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    cr_assert_eq(ov_fetch_get(f, url, OV_FETCH_PAGE, &resp, &err), 0, "%s", err.message);
    cr_assert_eq(resp->error, 0);
    cr_assert(strstr((const char *)resp->body, "file:///etc/passwd"));
    ov_request img = {"file:///etc/passwd", OV_FETCH_IMAGE, url, NULL};
    cr_assert_eq(ov_fetch_add(f, &img, &err), OV_EPOLICY);
    cr_assert(strstr(err.message, "http"));
    cr_assert_eq(ov_page_links(resp->body, resp->len, url, NULL, ".*", &links, &err), 0);
    cr_assert_eq(links->n, 0, "a file: link is never an absolute http(s) link");
    ov_entries_free(links);
    ov_response_free(resp);
    free(url);
    ov_fetcher_free(f);
}

static void run_slow(unsigned per_host, unsigned total)
{
    ov_fetch_options o = test_opts();
    o.max_per_host = per_host;
    o.max_total = total;
    ov_fetcher *f = NULL;
    ov_error err;
    results rs = {0};
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    for (int i = 0; i < 8; i++) {
        char p[32];
        snprintf(p, sizeof p, "/slow/%d", i);
        add(f, p, OV_FETCH_PAGE, NULL);
    }
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    cr_assert_eq(rs.n, 8);
    for (size_t i = 0; i < rs.n; i++)
        cr_assert_eq(rs.r[i].error, 0, "%s", rs.r[i].msg ? rs.r[i].msg : "");
    ov_fetcher_free(f);
}

Test(fault, per_host_limit_two)
{
    run_slow(2, 8);
    int m = ov_test_fault_max_concurrent(srv);
    cr_assert(m >= 1 && m <= 2, "max concurrent %d", m);
}

Test(fault, per_host_limit_one)
{
    run_slow(1, 8);
    cr_assert_eq(ov_test_fault_max_concurrent(srv), 1);
}

Test(fault, total_limit_caps_per_host)
{
    run_slow(4, 3);
    int m = ov_test_fault_max_concurrent(srv);
    cr_assert(m >= 1 && m <= 3, "max concurrent %d", m);
}

Test(fault, robots_fetched_once_and_obeyed)
{
    static const char *const paths[] = {"/private/secret", "/private/open", "/page/1",
                                        "/page/2"};
    ov_fetch_options o = test_opts();
    o.ignore_robots = 0;
    results rs = {0};
    run_paths(&o, paths, 4, OV_FETCH_PAGE, &rs, NULL);
    assert_fails(&rs, "/private/secret", OV_EPOLICY, "disallowed by robots.txt");
    cr_assert_eq(ov_test_fault_count(srv, "/private/secret"), 0, "never requested");
    cr_assert_eq(find(&rs, "/private/open")->error, 0);
    cr_assert_eq(find(&rs, "/page/1")->error, 0);
    cr_assert_eq(ov_test_fault_count(srv, "/robots.txt"), 1);
}

Test(fault, robots_404_allows_all_and_5xx_denies_all)
{
    static const char *const paths[] = {"/private/secret", "/page/1"};
    ov_fetch_options o = test_opts();
    o.ignore_robots = 0;
    o.retries = -1;
    results rs = {0};
    ov_test_fault_set_robots(srv, 404);
    run_paths(&o, paths, 2, OV_FETCH_PAGE, &rs, NULL);
    cr_assert_eq(find(&rs, "/private/secret")->error, 0);
    cr_assert_eq(find(&rs, "/page/1")->error, 0);
    ov_test_fault_set_robots(srv, 503);
    rs.n = 0;
    run_paths(&o, paths, 2, OV_FETCH_PAGE, &rs, NULL);
    assert_fails(&rs, "/page/1", OV_EPOLICY, "HTTP 503");
    cr_assert_eq(ov_test_fault_count(srv, "/page/1"), 1, "not requested the second time");
}

/* A robots.txt that answers 503 once is asked again after the backoff,
 * and the host's requests, which wait for it, then go by its rules. The
 * retry used to join the back of the host's queue, behind the requests
 * waiting for it: nothing could start, and the run waited for ever. */
Test(fault, robots_retried_after_a_503_then_its_rules_apply, .timeout = 30)
{
    static const char *const paths[] = {"/private/secret", "/page/1", "/private/open"};
    ov_fetch_options o = test_opts();
    o.ignore_robots = 0;
    results rs = {0};
    ov_test_fault_set_robots(srv, -503);
    run_paths(&o, paths, 3, OV_FETCH_PAGE, &rs, NULL);
    cr_assert_eq(ov_test_fault_count(srv, "/robots.txt"), 2, "asked again once");
    assert_fails(&rs, "/private/secret", OV_EPOLICY, "disallowed by robots.txt");
    cr_assert_eq(ov_test_fault_count(srv, "/private/secret"), 0, "never requested");
    cr_assert_eq(find(&rs, "/page/1")->error, 0);
    cr_assert_eq(find(&rs, "/private/open")->error, 0);
}

Test(fault, no_nested_runs_and_cookie_file_checked)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_error err;
    o.cookie_file = "/nonexistent/cookies.txt";
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), OV_EIO);
    cr_assert_str_eq(err.where, "/nonexistent/cookies.txt");
    cr_assert_null(f);
}

static void nested(void *ud, const ov_response *resp)
{
    ov_fetcher *f = ud;
    ov_response *inner = NULL;
    ov_error err;
    cr_assert_eq(resp->error, 0);
    cr_assert_eq(ov_fetch_get(f, resp->url, OV_FETCH_PAGE, &inner, &err), OV_EINVAL);
    cr_assert_eq(ov_fetch_run(f, NULL, NULL, &err), OV_EINVAL);
    cr_assert(strstr(err.message, "already running"));
}

Test(fault, run_is_not_reentrant)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    add(f, "/page/n", OV_FETCH_PAGE, NULL);
    cr_assert_eq(ov_fetch_run(f, nested, f, &err), 0);
    ov_fetch_stats st;
    ov_fetcher_stats(f, &st);
    cr_assert_eq(st.done, 1);
    ov_fetcher_free(f);
}

Test(fault, ignore_robots_skips_robots_txt)
{
    static const char *const paths[] = {"/private/secret"};
    ov_fetch_options o = test_opts();
    results rs = {0};
    run_paths(&o, paths, 1, OV_FETCH_PAGE, &rs, NULL);
    cr_assert_eq(find(&rs, "/private/secret")->error, 0);
    cr_assert_eq(ov_test_fault_count(srv, "/robots.txt"), 0);
}

Test(fault, host_delay_still_fetches_everything)
{
    static const char *const paths[] = {"/page/a", "/page/b", "/page/c"};
    ov_fetch_options o = test_opts();
    o.host_delay_ms = 100;
    results rs = {0};
    run_paths(&o, paths, 3, OV_FETCH_PAGE, &rs, NULL);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(rs.r[i].error, 0);
    cr_assert_eq(ov_test_fault_max_concurrent(srv), 1, "the delay serialises one host");
}

typedef struct recorder {
    int n;
    char first_req[512], first_resp[512];
    size_t first_body;
} recorder;

static void record(void *ud, const ov_exchange *ex)
{
    recorder *r = ud;
    if (r->n++ == 0) {
        snprintf(r->first_req, sizeof r->first_req, "%.*s", (int)ex->request_headers_len,
                 ex->request_headers);
        snprintf(r->first_resp, sizeof r->first_resp, "%.*s", (int)ex->response_headers_len,
                 ex->response_headers);
        r->first_body = ex->body_len;
        cr_assert_str_eq(ex->method, "GET");
        cr_assert_eq(ex->status, 200);
    }
}

Test(fault, exchange_hook_sees_request_and_response_heads)
{
    static const char *const paths[] = {"/page/rec"};
    ov_fetch_options o = test_opts();
    recorder rec = {0};
    o.on_exchange = record;
    o.exchange_ud = &rec;
    o.user_agent = "octavo-test/1";
    results rs = {0};
    run_paths(&o, paths, 1, OV_FETCH_PAGE, &rs, NULL);
    cr_assert_eq(rec.n, 1);
    cr_assert(strstr(rec.first_req, "GET /page/rec HTTP/1.1"), "%s", rec.first_req);
    cr_assert(strstr(rec.first_req, "User-Agent: octavo-test/1"), "%s", rec.first_req);
    cr_assert(strstr(rec.first_req, "Accept-Encoding:"), "%s", rec.first_req);
    cr_assert(strstr(rec.first_resp, "HTTP/1.1 200 OK"), "%s", rec.first_resp);
    cr_assert_eq(rec.first_body, find(&rs, "/page/rec")->len);
}

Test(fault, report_lists_every_request)
{
    static const char *const paths[] = {"/page/1", "/404"};
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_error err;
    results rs = {0};
    run_paths(&o, paths, 2, OV_FETCH_PAGE, &rs, &f);
    char *dir = ov_test_tmpdir("fetch-report");
    char path[4096];
    snprintf(path, sizeof path, "%s/report.json", dir);
    cr_assert_eq(ov_fetcher_write_report(f, path, "{\"run\": \"t\"}", &err), 0, "%s",
                 err.message);
    char *json = ov_test_slurp(path, NULL);
    cr_assert_not_null(json);
    cr_assert(strstr(json, "\"totals\": {\"requests\": 2, \"done\": 2, \"failed\": 1"), "%s",
              json);
    cr_assert(strstr(json, "/page/1\""));
    /* a request that was not redirected keeps one copy of its URL, and the
       report still prints it as final_url */
    char *u = ov_test_fault_url(srv, "/page/1"), want[4200];
    snprintf(want, sizeof want, "{\"url\": \"%s\", \"final_url\": \"%s\"", u, u);
    cr_assert(strstr(json, want), "%s", json);
    free(u);
    cr_assert(strstr(json, "\"status\": 404"));
    cr_assert(strstr(json, "\"error_code\": \"OV_EHTTP\""));
    cr_assert(strstr(json, "\"run\": \"t\""));
    cr_assert_eq(ov_fetcher_write_report(f, path, "[1]", &err), OV_EINVAL);
    ov_fetch_stats st;
    ov_fetcher_stats(f, &st);
    cr_assert_eq(st.done, 2);
    cr_assert_eq(st.failed, 1);
    free(json);
    free(dir);
    ov_fetcher_free(f);
}

Test(fault, discover_feed_resolves_relative_items)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_entries *e = NULL;
    ov_error err;
    char *url = ov_test_fault_url(srv, "/feed.xml");
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    ov_discover_options d = {NULL, 0, 0, 0};
    cr_assert_eq(ov_discover(f, url, &d, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 4);
    char *want = ov_test_fault_url(srv, "/page/1");
    cr_assert_str_eq(e->items[0].url, want);
    cr_assert_str_eq(e->title, "Fault feed");
    free(want);
    ov_entries_free(e);
    ov_discover_options d2 = {NULL, 1700000000, 30, 0}; /* drops the 2023-11-13 item only */
    cr_assert_eq(ov_discover(f, url, &d2, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 4, "item dated 2023-11-13 is within 30 days of 2023-11-14");
    ov_entries_free(e);
    ov_discover_options d3 = {NULL, 1700000000 + 60 * 86400, 30, 2};
    cr_assert_eq(ov_discover(f, url, &d3, &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 2, "old item dropped, then capped at 2");
    cr_assert(strstr(e->items[0].url, "/page/2"));
    ov_entries_free(e);
    free(url);
    ov_fetcher_free(f);
}

Test(fault, discover_reports_http_errors)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_entries *e = NULL;
    ov_error err;
    char *url = ov_test_fault_url(srv, "/404");
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    cr_assert_eq(ov_discover(f, url, NULL, &e, &err), OV_EHTTP);
    cr_assert_null(e);
    cr_assert(strstr(err.message, "404"), "%s", err.message);
    cr_assert_str_eq(err.where, url);
    free(url);
    ov_fetcher_free(f);
}

typedef struct replayer {
    int calls;
} replayer;

static int replay(void *ud, const char *url, long *status, char **headers, size_t *hlen,
                  unsigned char **body, size_t *blen)
{
    replayer *r = ud;
    r->calls++;
    if (strcmp(url, "http://recorded.invalid/a") != 0)
        return OV_ENOTFOUND;
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    *status = 200;
    *headers = strdup(head);
    *hlen = strlen(head);
    *body = (unsigned char *)strdup("<p>recorded</p>");
    *blen = strlen("<p>recorded</p>");
    return 0;
}

Test(fault, replay_answers_without_network)
{
    ov_fetch_options o = test_opts();
    replayer rp = {0};
    o.replay = replay;
    o.replay_ud = &rp;
    o.ignore_robots = 0;
    ov_fetcher *f = NULL;
    ov_error err;
    results rs = {0};
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    ov_request a = {"http://recorded.invalid/a", OV_FETCH_PAGE, NULL, NULL};
    ov_request b = {"http://recorded.invalid/missing", OV_FETCH_PAGE, NULL, NULL};
    char *live = ov_test_fault_url(srv, "/page/1");
    ov_request c = {live, OV_FETCH_PAGE, NULL, NULL};
    cr_assert_eq(ov_fetch_add(f, &a, &err), 0);
    cr_assert_eq(ov_fetch_add(f, &b, &err), 0);
    cr_assert_eq(ov_fetch_add(f, &c, &err), 0);
    cr_assert_eq(ov_fetch_run(f, on_done, &rs, &err), 0);
    cr_assert_eq(rs.n, 3);
    cr_assert_eq(rs.r[0].error, 0);
    cr_assert_eq(memcmp(rs.r[0].head, "<p>recorded</p>", 15), 0);
    cr_assert_str_eq(rs.r[0].ctype, "text/html");
    cr_assert_eq(rs.r[1].error, OV_ENOTFOUND);
    cr_assert(strstr(rs.r[1].msg, "not in the recording"));
    cr_assert_eq(rs.r[2].error, OV_ENOTFOUND, "live server never contacted");
    cr_assert_eq(ov_test_fault_count(srv, "/page/1"), 0);
    cr_assert_eq(ov_test_fault_count(srv, "/robots.txt"), 0);
    free(live);
    ov_fetcher_free(f);
}

Test(fault, get_convenience_and_busy_guard)
{
    ov_fetch_options o = test_opts();
    ov_fetcher *f = NULL;
    ov_response *resp = NULL;
    ov_error err;
    char *url = ov_test_fault_url(srv, "/count");
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0);
    cr_assert_eq(ov_fetch_get(f, url, OV_FETCH_PAGE, &resp, &err), 0, "%s", err.message);
    cr_assert_eq(resp->status, 200);
    cr_assert_eq(resp->len, 2);
    cr_assert_str_eq((const char *)resp->body, "ok");
    ov_response_free(resp);
    cr_assert_eq(ov_test_fault_count(srv, "/count"), 1);
    ov_request q = {url, OV_FETCH_PAGE, NULL, NULL};
    cr_assert_eq(ov_fetch_add(f, &q, &err), 0);
    cr_assert_eq(ov_fetch_get(f, url, OV_FETCH_PAGE, &resp, &err), OV_EINVAL);
    free(url);
    ov_fetcher_free(f);
}
