/* The event loop of ov_fetch_run(): scheduling, transfers, classification. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch/fetch_core.h"
#include "util/fs.h"

typedef struct run_ctx {
    ov_fetcher *f;
    ov_fetch_done_fn done;
    void *ud;
    int oom;
} run_ctx;

/* Value of header `name` in the raw head `h` (last occurrence), malloc'd, or NULL. */
static char *header_value(const char *h, size_t len, const char *name)
{
    size_t nl = strlen(name);
    char *found = NULL;
    size_t pos = 0;
    while (h && pos < len) {
        const char *line = h + pos;
        const char *eol = memchr(line, '\n', len - pos);
        size_t ll = eol ? (size_t)(eol - line) : len - pos;
        if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            size_t s = nl + 1, e = ll;
            while (s < e && (line[s] == ' ' || line[s] == '\t'))
                s++;
            while (e > s && (line[e - 1] == '\r' || line[e - 1] == ' '))
                e--;
            free(found);
            found = strndup(line + s, e - s);
        }
        pos += ll + 1;
    }
    return found;
}

static size_t on_write(char *p, size_t sz, size_t n, void *ud)
{
    ov__req *r = ud;
    if (ov__buf_put(&r->body, p, sz * n) != 0) {
        r->over_limit = 1;
        return 0;
    }
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    ov__req *r = ud;
    if (sz * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
        r->head.len = 0; /* a new response (redirect, 100-continue): keep the last */
    ov__buf_put(&r->head, p, sz * n); /* past the cap the head is just incomplete */
    return sz * n;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    ov__req *r = ud;
    (void)h;
    if (type == CURLINFO_HEADER_OUT) {
        r->req_head.len = 0;
        ov__buf_put(&r->req_head, data, size);
    }
    return 0;
}

static size_t cap_for(const ov_fetcher *f, ov_fetch_kind kind)
{
    if (kind == OV_FETCH_IMAGE)
        return f->o.max_image_bytes;
    if (kind == OV_FETCH_ROBOTS)
        return OV__ROBOTS_MAX_BYTES * 2;
    if (kind == OV_FETCH_FEED)
        return f->o.max_page_bytes > OV_FETCH_MAX_FEED_BYTES ? f->o.max_page_bytes
                                                             : OV_FETCH_MAX_FEED_BYTES;
    return f->o.max_page_bytes;
}

static const char *kind_name(ov_fetch_kind k)
{
    static const char *const names[] = {"page", "feed", "image", "robots.txt"};
    return (unsigned)k < 4 ? names[k] : "?";
}

static void set_common_opts(ov_fetcher *f, ov__req *r, CURL *e)
{
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)f->o.max_redirects);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->o.user_agent);
    int64_t now = ov__now_ms();
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ov__deadline_cap(f, f->o.connect_timeout_ms, now));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ov__deadline_cap(f, f->o.timeout_ms, now));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, f->o.low_speed_secs);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap_for(f, r->kind));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (!f->o.allow_private) { /* checked after DNS, before each connect (redirects too) */
        r->guard.refused = 0;
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, ov__addr_open_socket);
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &r->guard);
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, f->o.insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, f->o.insecure ? 0L : 2L);
    if (f->o.cookie_file)
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, f->o.cookie_file);
    if (r->use_referer && r->referer)
        curl_easy_setopt(e, CURLOPT_REFERER, r->referer);
    if (f->o.on_exchange) {
        curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(e, CURLOPT_DEBUGDATA, r);
        curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    }
}

/* Conditional GET: send the stored validators. */
static int add_validators(ov_fetcher *f, ov__req *r)
{
    char line[1200];
    if (!f->cache || r->skip_validators || ov__cache_lookup(f->cache, r->url, &r->cached) != 0)
        return 0;
    r->have_cached = 1;
    if (r->cached.etag && strlen(r->cached.etag) < 1000) {
        snprintf(line, sizeof line, "If-None-Match: %s", r->cached.etag);
        r->headers = curl_slist_append(r->headers, line);
    }
    if (r->cached.last_modified && strlen(r->cached.last_modified) < 1000) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", r->cached.last_modified);
        r->headers = curl_slist_append(r->headers, line);
    }
    return 0;
}

static void reset_req(ov__req *r, size_t cap)
{
    ov__buf_free(&r->body);
    ov__buf_free(&r->head);
    ov__buf_free(&r->req_head);
    r->body.limit = cap;
    r->head.limit = OV__MAX_HEAD_BYTES;
    r->req_head.limit = OV__MAX_HEAD_BYTES;
    r->over_limit = 0;
    curl_slist_free_all(r->headers);
    r->headers = NULL;
    ov__cache_entry_clear(&r->cached);
    r->have_cached = 0;
}

static int start_transfer(ov_fetcher *f, ov__req *r, ov_error *err)
{
    CURL *e = f->idle_n ? f->idle[--f->idle_n] : curl_easy_init();
    if (!e)
        return ov_error_set(err, OV_ENOMEM, r->url, "cannot create a libcurl handle");
    curl_easy_reset(e);
    r->easy = e;
    set_common_opts(f, r, e);
    add_validators(f, r);
    if (r->headers)
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    if (f->n_active == f->cap_active) {
        size_t ncap = f->cap_active ? f->cap_active * 2 : 16;
        ov__req **p = realloc(f->active, ncap * sizeof *p);
        if (!p)
            return ov_error_set(err, OV_ENOMEM, r->url, "out of memory");
        f->active = p;
        f->cap_active = ncap;
    }
    if (curl_multi_add_handle(f->multi, e) != CURLM_OK)
        return ov_error_set(err, OV_ENET, r->url, "cannot start the transfer");
    f->active[f->n_active++] = r;
    return 0;
}

/* ------------------------------------------------------------ finishing */

static void finish(run_ctx *c, ov__req *r, int code, long status, const char *final_url,
                   const char *ctype, int from_cache, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void finish(run_ctx *c, ov__req *r, int code, long status, const char *final_url,
                   const char *ctype, int from_cache, const char *fmt, ...)
{
    ov_fetcher *f = c->f;
    char reason[600] = "";
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX];
    ov_response resp;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof reason, fmt, ap);
        va_end(ap);
    }
    snprintf(msg, sizeof msg, "GET %s: %s", r->url, reason);
    memset(&resp, 0, sizeof resp);
    resp.url = r->url;
    resp.final_url = final_url ? final_url : r->url;
    resp.user = r->user;
    resp.kind = r->kind;
    resp.status = status;
    resp.content_type = ctype;
    resp.body = (const unsigned char *)(code == 0 && r->body.data ? r->body.data : "");
    resp.len = code == 0 ? r->body.len : 0;
    resp.error = code;
    resp.error_message = code ? msg : NULL;
    resp.from_cache = from_cache;
    resp.seconds = (double)(ov__now_ms() - r->started_ms) / 1000.0;
    if (ov__record_add(f, &resp) != 0)
        c->oom = 1;
    if (r->internal_robots) {
        ov__host *h = &f->hosts[r->host_ix];
        {
            h->robots_state = 2;
            if (status >= 500)
                h->robots_denied = status;
            if (code == 0 && status == 200)
                h->robots = ov__robots_parse(r->body.data ? r->body.data : "", r->body.len,
                                             OV_FETCH_ROBOTS_AGENT);
        }
        return;
    }
    f->stats.done++;
    f->stats.bytes += resp.len;
    if (code)
        f->stats.failed++;
    if (from_cache)
        f->stats.from_cache++;
    if (r->kind == OV_FETCH_IMAGE)
        f->images_done++;
    else
        f->pages_done++;
    if (f->o.progress)
        ov__progress(f, 0);
    if (c->done)
        c->done(c->ud, &resp);
}

static void schedule_retry(ov_fetcher *f, ov__req *r, long delay_ms)
{
    r->not_before_ms = ov__now_ms() + delay_ms;
    ov__enqueue(f, r, 0);
}

static long backoff_ms(ov_fetcher *f, int attempts)
{
    long d = f->o.retry_base_ms;
    for (int i = 1; i < attempts && d < OV__MAX_BACKOFF_MS; i++)
        d *= 2;
    if (d > OV__MAX_BACKOFF_MS)
        d = OV__MAX_BACKOFF_MS;
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return d + (long)(f->rng % (uint64_t)(d / 4 + 1));
}

static int can_retry(const ov_fetcher *f, const ov__req *r)
{
    return !f->o.replay && r->attempts <= f->o.retries;
}

/* Seconds of a Retry-After value (delta or HTTP date); -1 when absent/bad. */
static long retry_after_secs(const char *v)
{
    if (!v || !*v)
        return -1;
    char *end;
    long s = strtol(v, &end, 10);
    if (end != v && *end == '\0')
        return s < 0 ? 0 : s;
    int64_t t = ov__parse_date(v);
    if (!t)
        return -1;
    int64_t d = t - (int64_t)time(NULL);
    return d < 0 ? 0 : (long)d;
}

/* An HTTP answer (network or replay): success, cache, or retry/fail by status. */
static int classify_status(run_ctx *c, ov__req *r, long status, const char *final_url,
                           const char *ctype)
{
    ov_fetcher *f = c->f;
    if (status == 304 && r->have_cached) {
        unsigned char *data = NULL;
        size_t len = 0;
        if (ov__cache_read_body(f->cache, r->url, &r->cached, &data, &len) == 0) {
            ov__buf_free(&r->body);
            r->body.data = (char *)data;
            r->body.len = len;
            r->body.cap = len + 1;
            finish(c, r, 0, 200, final_url, r->cached.content_type, 1, NULL);
            return 0;
        }
        if (!r->skip_validators) {
            /* the body the 304 points at is gone or damaged since the
             * lookup: ask once more without validators (not an attempt) */
            r->skip_validators = 1;
            r->attempts--;
            schedule_retry(f, r, 0);
            return 1;
        }
    }
    if (status >= 200 && status < 300) {
        char *etag = header_value(r->head.data, r->head.len, "etag");
        char *lm = header_value(r->head.data, r->head.len, "last-modified");
        ov_error e;
        if (f->cache && status == 200 && (etag || lm))
            ov__cache_store(f->cache, r->url, etag, lm, ctype, status, (int64_t)time(NULL),
                            (const unsigned char *)(r->body.data ? r->body.data : ""),
                            r->body.len, &e);
        free(etag);
        free(lm);
        finish(c, r, 0, status, final_url, ctype, 0, NULL);
        return 0;
    }
    if ((status == 401 || status == 403) && r->kind == OV_FETCH_IMAGE && r->referer &&
        !r->use_referer) {
        r->use_referer = 1; /* hotlink protection: once more with the Referer */
        schedule_retry(f, r, 0);
        return 1;
    }
    if (status == 429 || status == 503) {
        char *v = header_value(r->head.data, r->head.len, "retry-after");
        long secs = retry_after_secs(v);
        free(v);
        if (secs > f->o.max_retry_after_secs) {
            finish(c, r, OV_EHTTP, status, final_url, ctype, 0,
                   "HTTP %ld, Retry-After %ld s is beyond the %ld s cap; giving up", status,
                   secs, f->o.max_retry_after_secs);
            return 0;
        }
        if (secs >= 0 && can_retry(f, r)) {
            schedule_retry(f, r, secs * 1000);
            return 1;
        }
    }
    if (status >= 500 && can_retry(f, r)) {
        schedule_retry(f, r, backoff_ms(f, r->attempts));
        return 1;
    }
    finish(c, r, OV_EHTTP, status, final_url, ctype, 0, "HTTP status %ld%s", status,
           r->attempts > 1 ? " (after retries)" : "");
    return 0;
}

static int transient(CURLcode res)
{
    switch (res) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static int classify_error(run_ctx *c, ov__req *r, CURLcode res, long status,
                          const char *final_url)
{
    ov_fetcher *f = c->f;
    if (r->guard.refused) {
        finish(c, r, OV_EPOLICY, status, final_url, NULL, 0,
               "refused before connecting: %s (--allow-private allows it)", r->guard.why);
    } else if (r->over_limit || res == CURLE_FILESIZE_EXCEEDED) {
        finish(c, r, OV_ELIMIT, status, final_url, NULL, 0,
               "response larger than the %zu-byte limit for %s (transfer aborted)",
               cap_for(f, r->kind), kind_name(r->kind));
    } else if (res == CURLE_TOO_MANY_REDIRECTS) {
        finish(c, r, OV_ELIMIT, status, final_url, NULL, 0, "more than %u redirects",
               f->o.max_redirects);
    } else if (res == CURLE_UNSUPPORTED_PROTOCOL && status >= 300 && status < 400) {
        finish(c, r, OV_EPOLICY, status, final_url, NULL, 0,
               "redirected to a URL that is not http or https: refused");
    } else if (res == CURLE_UNSUPPORTED_PROTOCOL || res == CURLE_WEIRD_SERVER_REPLY) {
        finish(c, r, OV_EPARSE, status, final_url, NULL, 0,
               "the server's answer is not valid HTTP/1.x or HTTP/2 (HTTP/0.9, or a malformed "
               "status line): refused");
    } else if (res == CURLE_OUT_OF_MEMORY) {
        finish(c, r, OV_ELIMIT, status, final_url, NULL, 0,
               "response headers refused by libcurl: larger than its 100 KB header limit "
               "(or out of memory)");
    } else if (ov__deadline_passed(f, ov__now_ms())) {
        finish(c, r, OV_ELIMIT, status, final_url, NULL, 0,
               "skipped: the run's deadline passed (%s)", curl_easy_strerror(res));
    } else if (ov__is_timeout(res) && !r->internal_robots && can_retry(f, r)) {
        /* one silent host must not cost every URL four timeouts: the host
           waits for the end of the run, then gets one more try */
        ov__host *h = ov__host_get(f, r->host);
        if (h && !f->endgame) {
            h->timed_out = 1;
            r->not_before_ms = 0;
            ov__enqueue(f, r, 0);
            return 1;
        }
        if (h)
            h->timed_out = 2;
        finish(c, r, OV_ENET, status, final_url, NULL, 0,
               "%s (the host timed out, and again when tried at the end of the run)",
               curl_easy_strerror(res));
    } else if (transient(res) && can_retry(f, r)) {
        schedule_retry(f, r, backoff_ms(f, r->attempts));
        return 1;
    } else {
        finish(c, r, OV_ENET, status, final_url, NULL, 0, "%s%s", curl_easy_strerror(res),
               r->attempts > 1 ? " (after retries)" : "");
    }
    return 0;
}

static void call_recorder(ov_fetcher *f, ov__req *r, long status, const char *final_url,
                          const char *ip)
{
    ov_exchange ex;
    memset(&ex, 0, sizeof ex);
    ex.url = final_url ? final_url : r->url;
    ex.method = "GET";
    ex.request_headers = r->req_head.data ? r->req_head.data : "";
    ex.request_headers_len = r->req_head.len;
    ex.status = status;
    ex.response_headers = r->head.data ? r->head.data : "";
    ex.response_headers_len = r->head.len;
    ex.body = (const unsigned char *)(r->body.data ? r->body.data : "");
    ex.body_len = r->body.len;
    ex.date = (int64_t)time(NULL);
    ex.ip = ip;
    f->o.on_exchange(f->o.exchange_ud, &ex);
}

/* A finished transfer taken off the multi handle (its slot is free again),
 * waiting for transfer_finish. */
typedef struct done_xfer {
    ov__req *r;
    CURLcode res;
    long status;
    char *furl, *ct, *ip;
} done_xfer;

static void transfer_detach(ov_fetcher *f, CURL *e, CURLcode res, done_xfer *d)
{
    ov__req *r = NULL;
    char *final_url = NULL, *ctype = NULL, *ip = NULL;
    memset(d, 0, sizeof *d);
    d->res = res;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &d->status);
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &final_url);
    curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
    curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
    d->r = r;
    d->furl = final_url ? strdup(final_url) : NULL;
    d->ct = ctype ? strdup(ctype) : NULL;
    d->ip = ip ? strdup(ip) : NULL;
    curl_multi_remove_handle(f->multi, e);
    for (size_t i = 0; i < f->n_active; i++)
        if (f->active[i] == r) {
            f->active[i] = f->active[--f->n_active];
            break;
        }
    ov__host *h = &f->hosts[r->host_ix];
    if (h->active)
        h->active--;
    r->easy = NULL;
    if (f->idle_n < OV__IDLE_HANDLES)
        f->idle[f->idle_n++] = e;
    else
        curl_easy_cleanup(e);
    f->stats.downloaded_bytes += r->body.len;
}

/* The outcome of a detached transfer: recorded, retried or handed to `done`. */
static void transfer_finish(run_ctx *c, done_xfer *d)
{
    ov_fetcher *f = c->f;
    ov__req *r = d->r;
    if (f->o.on_exchange && d->res == CURLE_OK && d->status > 0) /* complete exchanges only */
        call_recorder(f, r, d->status, d->furl, d->ip);
    int requeued = d->res == CURLE_OK ? classify_status(c, r, d->status, d->furl, d->ct)
                                      : classify_error(c, r, d->res, d->status, d->furl);
    if (!requeued)
        ov__req_free(r);
    free(d->furl);
    free(d->ct);
    free(d->ip);
}

/* ---------------------------------------------------------------- replay */

/* Answer `r` from opts->replay, following recorded redirects. */
static void replay_request(run_ctx *c, ov__req *r)
{
    ov_fetcher *f = c->f;
    char *url = strdup(r->url), *ctype = NULL;
    long status = 0;
    int found = 0;
    for (unsigned hops = 0; url && hops <= f->o.max_redirects; hops++) {
        char *head = NULL;
        unsigned char *body = NULL;
        size_t hlen = 0, blen = 0;
        if (f->o.replay(f->o.replay_ud, url, &status, &head, &hlen, &body, &blen) != 0)
            break;
        found = 1;
        reset_req(r, cap_for(f, r->kind));
        ov__buf_put(&r->head, head ? head : "", head ? hlen : 0);
        int over = ov__buf_put(&r->body, body ? (const char *)body : "", body ? blen : 0);
        free(head);
        free(body);
        if (over) {
            finish(c, r, OV_ELIMIT, status, url, NULL, 0,
                   "recorded response larger than the %zu-byte limit", cap_for(f, r->kind));
            goto cleanup;
        }
        char *loc = status >= 300 && status < 400
                        ? header_value(r->head.data, r->head.len, "location")
                        : NULL;
        if (!loc)
            break;
        char *next = ov__url_resolve(url, loc);
        free(loc);
        free(url);
        url = next;
        found = 0;
    }
    if (!url) {
        finish(c, r, OV_EPOLICY, 0, NULL, NULL, 0, "recorded redirect to a non-http(s) URL");
        goto cleanup;
    }
    if (!found) {
        finish(c, r, OV_ENOTFOUND, 0, url, NULL, 0, "not in the recording (replay mode)");
        goto cleanup;
    }
    ctype = header_value(r->head.data, r->head.len, "content-type");
    classify_status(c, r, status, url, ctype);
cleanup:
    free(url);
    free(ctype);
    ov__req_free(r);
}

/* ------------------------------------------------------------ scheduling */

static int queue_robots(ov_fetcher *f, size_t hi, const char *url, ov_error *err)
{
    char *origin = ov__url_origin(url), *robots_url = NULL;
    ov__req *r = NULL;
    int rc = 0;
    if (!origin || asprintf(&robots_url, "%s/robots.txt", origin) < 0) {
        robots_url = NULL;
        rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        goto cleanup;
    }
    if ((rc = ov__req_new(f, robots_url, OV_FETCH_ROBOTS, NULL, NULL, &r, err)) != 0)
        goto cleanup;
    r->internal_robots = 1;
    f->hosts[hi].robots_state = 1; /* not through a pointer: req_new may move hosts */
    ov__enqueue(f, r, 1);
cleanup:
    free(origin);
    free(robots_url);
    return rc;
}

/* May `r` start now? 1 yes, 0 not yet (sets *wake), -1 refused by robots.txt. */
static int ready(ov_fetcher *f, ov__req *r, ov__host *h, int64_t now, int64_t *wake)
{
    if (h->timed_out == 2 && !r->internal_robots)
        return -2;
    if (h->timed_out == 1 && !f->endgame && !r->internal_robots)
        return 0; /* waits for the end of the run */
    if (!r->internal_robots && !f->o.ignore_robots && h->robots_state != 2)
        return 0;
    if (!r->internal_robots && !f->o.ignore_robots && h->robots_denied)
        return -1;
    if (!r->internal_robots && !f->o.ignore_robots && h->robots && r->path &&
        !ov__robots_allowed(h->robots, r->path))
        return -1;
    if (f->o.replay)
        return 1;
    if (f->n_active >= f->o.max_total || h->active >= f->o.max_per_host)
        return 0;
    int64_t t = r->not_before_ms > h->next_ok_ms ? r->not_before_ms : h->next_ok_ms;
    if (t > now) {
        if (!*wake || t < *wake)
            *wake = t;
        return 0;
    }
    return 1;
}

/* Start what may start from the front of host `hi`'s queue: a request that
 * must wait means the rest of that host's queue waits too (same host, same
 * limits; timed retries wait in f->delayed). Returns 0 or an OV_E* code. */
static int pump_host(run_ctx *c, size_t hi, int64_t now, int64_t *wake, ov_error *err)
{
    ov_fetcher *f = c->f;
    for (;;) {
        /* re-read each turn: a done callback may add hosts (realloc) */
        ov__host *h = &f->hosts[hi];
        ov__req *r = h->q_head;
        if (!r)
            return 0;
        if (!f->o.replay && f->n_active >= f->o.max_total)
            return 0;
        if (!r->internal_robots && !f->o.ignore_robots && h->robots_state == 0) {
            int rc = queue_robots(f, hi, r->url, err);
            if (rc)
                return rc;
            continue; /* the robots request went to the front */
        }
        int st = ready(f, r, h, now, wake);
        if (st == 0)
            return 0;
        ov__host_pop(f, h);
        if (st == -2) {
            finish(c, r, OV_ENET, 0, NULL, NULL, 0,
                   "skipped: host %s timed out, and again when tried at the end of the run",
                   r->host);
            ov__req_free(r);
            continue;
        }
        if (st < 0) {
            if (h->robots_denied)
                finish(c, r, OV_EPOLICY, 0, NULL, NULL, 0,
                       "disallowed by robots.txt: it answered HTTP %ld, which means "
                       "\"disallow all\" until it is back (RFC 9309)",
                       h->robots_denied);
            else
                finish(c, r, OV_EPOLICY, 0, NULL, NULL, 0, "disallowed by robots.txt");
            ov__req_free(r);
            continue;
        }
        r->attempts++;
        if (f->o.replay) {
            replay_request(c, r);
            continue;
        }
        reset_req(r, cap_for(f, r->kind));
        int rc = start_transfer(f, r, err);
        if (rc) {
            ov__req_free(r);
            return rc;
        }
        h->active++;
        h->next_ok_ms = now + f->o.host_delay_ms;
    }
}

/* Move the retries whose timer ran out back to their host's queue. */
static void wake_delayed(ov_fetcher *f, int64_t now, int64_t *wake)
{
    ov__req **pp = &f->delayed;
    while (*pp) {
        ov__req *r = *pp;
        if (r->not_before_ms > now) {
            if (!*wake || r->not_before_ms < *wake)
                *wake = r->not_before_ms;
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        f->n_queued--;
        r->not_before_ms = 0;
        ov__enqueue(f, r, 0);
    }
}

/* Drop the hosts whose queue ran empty from f->pending, keeping the order. */
static void compact_pending(ov_fetcher *f)
{
    size_t k = 0;
    for (size_t i = 0; i < f->n_pending; i++) {
        ov__host *h = &f->hosts[f->pending[i]];
        if (h->q_head)
            f->pending[k++] = f->pending[i];
        else
            h->pending = 0;
    }
    f->n_pending = k;
}

/* End every request still waiting (timed retries too) with `code` and
 * `why`; the done callbacks may queue more, which a later pass sees. */
static void skip_queued(run_ctx *c, int code, const char *why)
{
    ov_fetcher *f = c->f;
    while (f->delayed) {
        ov__req *r = f->delayed;
        f->delayed = r->next;
        f->n_queued--;
        finish(c, r, code, 0, NULL, NULL, 0, "%s", why);
        ov__req_free(r);
    }
    for (size_t i = 0; i < f->n_pending; i++) { /* n_pending may grow meanwhile */
        ov__req *r;
        while ((r = ov__host_pop(f, &f->hosts[f->pending[i]])) != NULL) {
            finish(c, r, code, 0, NULL, NULL, 0, "%s", why);
            ov__req_free(r);
        }
    }
}

/* One pass over the hosts with waiting requests, in the order they got
 * them: start what may start. Returns 0 or an OV_E* code. */
static int pump(run_ctx *c, int64_t *wake, ov_error *err)
{
    ov_fetcher *f = c->f;
    int64_t now = ov__now_ms();
    int rc = 0;
    if (ov__deadline_passed(f, now)) {
        skip_queued(c, OV_ELIMIT, "skipped: the run's deadline passed before it was fetched");
        wake_delayed(f, now, wake); /* what the callbacks just queued */
    } else {
        wake_delayed(f, now, wake);
        for (size_t i = 0; i < f->n_pending && !rc; i++) /* n_pending may grow meanwhile */
            rc = pump_host(c, f->pending[i], now, wake, err);
    }
    compact_pending(f);
    return rc;
}

/* Most finished transfers detached before their outcomes are handled. */
#define OV__DRAIN_BATCH 64

/* Handle finished transfers; returns how many finished, or the OV_E* code
 * (< 0) of starting the next ones. Their slots are given to the requests
 * waiting, and those sent, before the outcomes go to `done`: with few
 * connections per host the server then works on the next request while
 * the caller reads the last answer, instead of waiting for it to finish
 * (when every answer of the batch is a plain 2xx: anything else is handled
 * first, as it may hold the host back). */
static int drain(run_ctx *c, ov_error *err)
{
    done_xfer d[OV__DRAIN_BATCH];
    size_t nd = 0;
    int n = 0, rc = 0;
    for (;;) {
        CURLMsg *m;
        int left = 0, plain = 1;
        while (nd < OV__DRAIN_BATCH && (m = curl_multi_info_read(c->f->multi, &left)) != NULL)
            if (m->msg == CURLMSG_DONE) {
                transfer_detach(c->f, m->easy_handle, m->data.result, &d[nd]);
                /* only plain answers: a timeout, an error or a redirect may
                   change what the host's next requests do (deadline.c) */
                plain &= d[nd].res == CURLE_OK && d[nd].status >= 200 && d[nd].status < 300;
                nd++;
            }
        if (!nd)
            break;
        int64_t wake = 0; /* the loop's next pump sets its timer */
        int running = 0;
        if (plain && !rc && (rc = pump(c, &wake, err)) == 0)
            curl_multi_perform(c->f->multi, &running); /* sends them; errors show there */
        for (size_t i = 0; i < nd; i++)
            transfer_finish(c, &d[i]);
        n += (int)nd;
        nd = 0;
    }
    return rc ? rc : n;
}

void ov_fetch_set_idle(ov_fetcher *f, ov_fetch_idle_fn idle, void *ud)
{
    f->beside = idle;
    f->beside_ud = ud;
}

void ov_fetch_wakeup(ov_fetcher *f)
{
    if (f && f->multi)
        curl_multi_wakeup(f->multi); /* thread-safe (libcurl 7.68) */
}

int ov_fetch_run(ov_fetcher *f, ov_fetch_done_fn done, void *ud, ov_error *err)
{
    run_ctx c = {f, done, ud, 0};
    int rc = 0;
    if (!f)
        return ov_error_set(err, OV_EINVAL, NULL, "ov_fetch_run: no fetcher");
    if (f->running)
        return ov_error_set(err, OV_EINVAL, NULL,
                            "ov_fetch_run: already running (called from a done callback?)");
    f->running = 1;
    f->endgame = 0;
    size_t busy = f->beside ? f->beside(f->beside_ud, 0) : 0;
    while (f->n_queued || f->n_active || busy) {
        int64_t wake = 0;
        if ((rc = pump(&c, &wake, err)) != 0)
            goto cleanup;
        if (f->o.replay) {
            /* nothing to wait for but the work beside the loop */
            if (f->beside)
                busy = f->beside(f->beside_ud, !f->n_queued);
            continue;
        }
        int running = 0;
        if (curl_multi_perform(f->multi, &running) != CURLM_OK) {
            rc = ov_error_set(err, OV_ENET, NULL, "libcurl multi failure");
            goto cleanup;
        }
        int drained = drain(&c, err);
        if (drained < 0) {
            rc = drained;
            goto cleanup;
        }
        if (drained > 0) {
            busy = f->beside ? f->beside(f->beside_ud, 0) : 0;
            continue; /* slots freed, retries queued: schedule before waiting */
        }
        size_t queued = f->n_queued;
        busy = f->beside ? f->beside(f->beside_ud, 0) : 0;
        if (f->n_queued > queued)
            continue; /* the work beside the loop queued requests */
        if (!f->n_active && !f->n_queued && !busy)
            break;
        if (!f->n_active && !wake && !busy) {
            if (!f->endgame) {
                f->endgame = 1; /* only timed-out hosts are left: their last try */
                continue;
            }
            /* nothing runs, no timer is set and the last pass started
               nothing: what still waits would wait for ever. A run must
               end, so those requests fail instead (never seen since
               robots.txt retries go first in their host's queue). */
            skip_queued(&c, OV_ENET, "skipped: the fetch queue could not start it "
                                     "(an octavo bug; please report it)");
            compact_pending(f);
            continue;
        }
        long timeout = 1000;
        int64_t now = ov__now_ms();
        if (f->deadline_at)
            timeout = ov__deadline_cap(f, timeout, now);
        if (wake && wake - now < timeout)
            timeout = wake > now ? (long)(wake - now) : 0;
        ov__cache_flush(f->cache, 0); /* a batch never holds the index lock for long */
        /* waits for activity or the timer; with no transfer it is a plain timed wait */
        curl_multi_poll(f->multi, NULL, 0, (int)timeout, NULL);
    }
cleanup:
    ov__cache_flush(f->cache, 1);
    f->running = 0;
    if (f->o.progress)
        ov__progress(f, 1);
    if (!rc && c.oom)
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory while recording the report");
    return rc;
}
