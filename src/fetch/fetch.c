/*
 * The fetcher: one libcurl multi handle driven by our own scheduler.
 *
 * Requests wait in their host's queue in the order they were added (retries
 * with a timer in a short delayed list). Each turn of the loop in
 * ov_fetch_run() visits the hosts with waiting requests and starts, from the
 * front of each queue, every request that may start now:
 * below the global limit (opts->max_total) and the per-host limit
 * (opts->max_per_host, counted by us, not only by libcurl), after the host's
 * politeness delay and the request's own retry time, and once the host's
 * robots.txt is known. robots.txt is itself an internal request, fetched
 * once per host and kept in memory (and in the disk cache like any page).
 * Then curl_multi_poll() waits for network activity or the next timer, so
 * retries and delays never block the loop with sleep().
 *
 * A finished transfer is classified: success; 304 served from the cache;
 * 401/403 on an image retried once with the Referer; 429/503 retried after
 * Retry-After (capped); other 5xx and transient network errors retried with
 * exponential backoff plus deterministic jitter; everything else fails with
 * an OV_E* code and a message naming the URL and the reason. Size caps count
 * decoded bytes in the write callback, so compressed bombs stop early.
 *
 * The recorder hook sees every network exchange (request head, final
 * response head, decoded body); in replay mode no transfer is made at all
 * and every answer comes from the replay function.
 *
 * Files: fetch.c keeps the fetcher's bookkeeping (options, hosts, the
 * request queue); run.c is the loop; report.c the records and the progress
 * line; get.c the one-shot ov_fetch_get() over the loop. Dependencies run
 * one way: get.c -> run.c -> fetch.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch/fetch_core.h"

/* ---------------------------------------------------------------- clock */

int64_t ov__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- hosts */

long ov__host_index(ov_fetcher *f, const char *key)
{
    size_t *known = ov__hmap_get(&f->host_index, key);
    if (known)
        return (long)*known;
    if (f->n_hosts == f->cap_hosts) {
        size_t ncap = f->cap_hosts ? f->cap_hosts * 2 : 8;
        ov__host *p = realloc(f->hosts, ncap * sizeof *p);
        if (!p)
            return -1;
        f->hosts = p;
        f->cap_hosts = ncap;
    }
    ov__host *h = &f->hosts[f->n_hosts];
    memset(h, 0, sizeof *h);
    h->key = strdup(key);
    if (!h->key || ov__hmap_put(&f->host_index, key, f->n_hosts, NULL) < 0) {
        free(h->key);
        return -1;
    }
    return (long)f->n_hosts++;
}

ov__host *ov__host_get(ov_fetcher *f, const char *key)
{
    long i = ov__host_index(f, key);
    return i < 0 ? NULL : &f->hosts[i];
}

/* ---------------------------------------------------------------- setup */

static void set_multi_options(ov_fetcher *f)
{
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->o.max_total);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->o.max_per_host);
    curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
}

int ov_fetcher_new(const ov_fetch_options *opts, ov_fetcher **out, ov_error *err)
{
    static const ov_fetch_options defaults = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = calloc(1, sizeof *f);
    int rc = 0;
    *out = NULL;
    if (!f)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    f->o = opts ? *opts : defaults;
    if (f->o.version != OV_FETCH_OPTIONS_VERSION) {
        rc = ov_error_set(err, OV_EINVAL, NULL, "ov_fetch_options version %u, expected %u",
                          f->o.version, OV_FETCH_OPTIONS_VERSION);
        goto cleanup;
    }
    if (f->o.deadline_ms > 0)
        f->deadline_at = ov__now_ms() + f->o.deadline_ms;
    if (!f->o.max_total)
        f->o.max_total = OV_FETCH_MAX_TOTAL;
    if (!f->o.max_per_host)
        f->o.max_per_host = OV_FETCH_MAX_PER_HOST;
    if (!f->o.connect_timeout_ms)
        f->o.connect_timeout_ms = 15000;
    if (!f->o.timeout_ms)
        f->o.timeout_ms = 60000;
    if (!f->o.low_speed_secs)
        f->o.low_speed_secs = 30;
    if (!f->o.max_redirects)
        f->o.max_redirects = OV_FETCH_MAX_REDIRECTS;
    if (!f->o.max_page_bytes)
        f->o.max_page_bytes = OV_FETCH_MAX_PAGE_BYTES;
    if (!f->o.max_image_bytes)
        f->o.max_image_bytes = OV_FETCH_MAX_IMAGE_BYTES;
    if (f->o.retries == 0)
        f->o.retries = OV_FETCH_RETRIES;
    if (f->o.retries < 0)
        f->o.retries = 0;
    if (!f->o.retry_base_ms)
        f->o.retry_base_ms = 500;
    if (!f->o.max_retry_after_secs)
        f->o.max_retry_after_secs = OV_FETCH_MAX_RETRY_AFTER;
    f->rng = f->o.jitter_seed ? f->o.jitter_seed : 0x9E3779B97F4A7C15ull;
    f->user_agent = strdup(f->o.user_agent ? f->o.user_agent : OV_FETCH_DEFAULT_USER_AGENT);
    if (!f->user_agent) {
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    f->o.user_agent = f->user_agent;
    if (f->o.cookie_file && access(f->o.cookie_file, R_OK) != 0) {
        rc = ov_error_set(err, OV_EIO, f->o.cookie_file, "cannot read the cookie file: %s",
                          strerror(errno));
        goto cleanup;
    }
    if (f->o.cache_dir) /* disposable: problems are warnings (cache_guard.c) */
        ov__cache_open_or_bypass(f->o.cache_dir, &f->cache);
    if (!f->o.replay) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            rc = ov_error_set(err, OV_ENET, NULL, "cannot initialise libcurl");
            goto cleanup;
        }
        f->curl_inited = 1;
        f->multi = curl_multi_init();
        if (!f->multi) {
            rc = ov_error_set(err, OV_ENOMEM, NULL, "cannot create libcurl multi handle");
            goto cleanup;
        }
        set_multi_options(f);
    }
    *out = f;
    f = NULL;
cleanup:
    ov_fetcher_free(f);
    return rc;
}

void ov_fetcher_close_connections(ov_fetcher *f)
{
    if (!f || !f->multi || f->n_active || f->n_queued || f->delayed)
        return;
    while (f->idle_n) /* an easy handle may hold a connection of its own */
        curl_easy_cleanup(f->idle[--f->idle_n]);
    curl_multi_cleanup(f->multi); /* closes the connection cache */
    /* a new handle for later requests, made after the old one is gone so its
       wakeup pair never adds to the old sockets; should it fail, a later
       request fails with "cannot start the transfer" (libcurl refuses NULL) */
    f->multi = curl_multi_init();
    if (f->multi)
        set_multi_options(f);
}

void ov__req_free(ov__req *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    free(r->url);
    free(r->referer);
    free(r->host);
    free(r->path);
    free(r->error_message);
    ov__buf_free(&r->body);
    ov__buf_free(&r->head);
    ov__buf_free(&r->req_head);
    ov__cache_entry_clear(&r->cached);
    free(r);
}

void ov_fetcher_free(ov_fetcher *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_hosts; i++)
        for (ov__req *r = f->hosts[i].q_head, *next; r; r = next) {
            next = r->next;
            ov__req_free(r);
        }
    for (ov__req *r = f->delayed, *next; r; r = next) {
        next = r->next;
        ov__req_free(r);
    }
    free(f->pending);
    ov__hmap_free(&f->host_index);
    for (size_t i = 0; i < f->n_active; i++) {
        curl_multi_remove_handle(f->multi, f->active[i]->easy);
        ov__req_free(f->active[i]);
    }
    free(f->active);
    for (size_t i = 0; i < f->n_hosts; i++) {
        free(f->hosts[i].key);
        ov__robots_free(f->hosts[i].robots);
    }
    free(f->hosts);
    for (size_t i = 0; i < f->n_records; i++) {
        free(f->records[i].url);
        free(f->records[i].final_url);
        free(f->records[i].error);
    }
    free(f->records);
    while (f->idle_n)
        curl_easy_cleanup(f->idle[--f->idle_n]);
    if (f->multi)
        curl_multi_cleanup(f->multi);
    if (f->curl_inited)
        curl_global_cleanup();
    ov__cache_close(f->cache);
    free(f->user_agent);
    free(f);
}

/* ---------------------------------------------------------------- queue */

void ov__enqueue(ov_fetcher *f, ov__req *r, int front)
{
    f->n_queued++;
    if (!front && !f->o.replay && r->not_before_ms > ov__now_ms()) {
        r->next = f->delayed;
        f->delayed = r;
        return;
    }
    /* the host's other requests wait for its robots.txt (a retry of it
       too): behind them it could never start */
    if (r->internal_robots)
        front = 1;
    ov__host *h = &f->hosts[r->host_ix];
    if (!h->pending && f->n_pending < f->cap_pending) {
        f->pending[f->n_pending++] = r->host_ix;
        h->pending = 1;
    }
    if (front || !h->q_head) {
        r->next = h->q_head;
        h->q_head = r;
        if (!h->q_tail)
            h->q_tail = r;
        if (!h->q_first_last && (front || r->kind == OV_FETCH_IMAGE))
            h->q_first_last = r;
        return;
    }
    if (r->kind == OV_FETCH_IMAGE) {
        /* Images go before the host's waiting pages, after the robots.txt
           request and the images already there (in order): an image is
           asked for once its page is extracted, and waiting behind every
           page still queued would leave it (and the cover's photo) to the
           end of the run, with the extraction threads idle meanwhile. */
        ov__req **at = h->q_first_last ? &h->q_first_last->next : &h->q_head;
        r->next = *at;
        *at = r;
        if (!r->next)
            h->q_tail = r;
        h->q_first_last = r;
        return;
    }
    r->next = NULL;
    h->q_tail->next = r;
    h->q_tail = r;
}

ov__req *ov__host_pop(ov_fetcher *f, ov__host *h)
{
    ov__req *r = h->q_head;
    if (!r)
        return NULL;
    h->q_head = r->next;
    if (!h->q_head)
        h->q_tail = NULL;
    if (h->q_first_last == r)
        h->q_first_last = NULL;
    r->next = NULL;
    f->n_queued--;
    return r;
}

/* ov__req_new with `url` parsed already: parts->host_key and
 * parts->path_query are taken (NULL'd), in every case. */
static int req_new_parts(ov_fetcher *f, const char *url, ov_fetch_kind kind, const char *referer,
                         void *user, ov__url_parts *parts, ov__req **out, ov_error *err)
{
    ov__req *r = calloc(1, sizeof *r);
    if (r) {
        r->host = parts->host_key;
        r->path = parts->path_query;
    } else {
        free(parts->host_key);
        free(parts->path_query);
    }
    parts->host_key = parts->path_query = NULL;
    if (!r || !(r->url = strdup(url)) || (referer && !(r->referer = strdup(referer))) ||
        !r->host) {
        ov__req_free(r);
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    }
    long hi = ov__host_index(f, r->host);
    /* room in `pending` for every host, so ov__enqueue cannot fail */
    if (hi >= 0 && f->cap_pending < f->n_hosts) {
        size_t *p = realloc(f->pending, f->cap_hosts * sizeof *p);
        if (p) {
            f->pending = p;
            f->cap_pending = f->cap_hosts;
        }
    }
    if (hi < 0 || f->cap_pending < f->n_hosts) {
        ov__req_free(r);
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    }
    r->host_ix = (size_t)hi;
    r->kind = kind;
    r->user = user;
    r->started_ms = ov__now_ms();
    *out = r;
    return 0;
}

int ov__req_new(ov_fetcher *f, const char *url, ov_fetch_kind kind, const char *referer,
                void *user, ov__req **out, ov_error *err)
{
    ov__url_parts parts;
    if (ov__url_http_parts(url, &parts) != 0) {
        /* not http(s) with a host: keyed as before, the path left unparsed */
        parts.host_key = ov__url_host_key(url);
        parts.path_query = NULL;
    }
    int rc = req_new_parts(f, url, kind, referer, user, &parts, out, err);
    ov__url_parts_free(&parts);
    return rc;
}

int ov_fetch_add(ov_fetcher *f, const ov_request *req, ov_error *err)
{
    ov__req *r = NULL;
    if (!f || !req || !req->url)
        return ov_error_set(err, OV_EINVAL, NULL, "ov_fetch_add: no URL");
    const char *colon = strchr(req->url, ':');
    size_t slen = colon ? (size_t)(colon - req->url) : 0;
    int http = (slen == 4 && strncasecmp(req->url, "http", 4) == 0) ||
               (slen == 5 && strncasecmp(req->url, "https", 5) == 0);
    if (!http)
        return ov_error_set(err, OV_EPOLICY, req->url,
                            "refused: only http and https URLs are fetched");
    /* one parse for the checks, the host's queue and robots.txt */
    ov__url_parts parts;
    if (ov__url_http_parts(req->url, &parts) != 0)
        return ov_error_set(err, OV_EINVAL, req->url, "not a valid URL");
    if (!f->o.allow_private && ov__host_refused(parts.host)) {
        ov__url_parts_free(&parts);
        return ov_error_set(err, OV_EPOLICY, req->url,
                            "refused: a cloud metadata host (--allow-private allows it)");
    }
    if (req->kind > OV_FETCH_IMAGE) {
        ov__url_parts_free(&parts);
        return ov_error_set(err, OV_EINVAL, req->url, "ov_fetch_add: bad request kind");
    }
    int rc = req_new_parts(f, req->url, req->kind, req->referer, req->user, &parts, &r, err);
    ov__url_parts_free(&parts);
    if (rc)
        return rc;
    ov__enqueue(f, r, 0);
    f->stats.requests++;
    if (req->kind == OV_FETCH_IMAGE)
        f->images_total++;
    else
        f->pages_total++;
    return 0;
}

/* ------------------------------------------------------------- stats/get */

void ov_fetcher_stats(const ov_fetcher *f, ov_fetch_stats *out)
{
    *out = f->stats;
}

void ov_response_free(ov_response *r)
{
    if (!r)
        return;
    free((char *)r->url);
    free((char *)r->final_url);
    free((char *)r->content_type);
    free((char *)r->error_message);
    free((unsigned char *)r->body);
    free(r);
}
