/* The fetcher's internal state, shared by fetch.c, run.c and report.c. */
#ifndef OV_FETCH_CORE_H
#define OV_FETCH_CORE_H

#include <stdint.h>

#include <curl/curl.h>

#include "fetch/addrpolicy.h"
#include "fetch/fetch_internal.h"
#include "octavo/fetch.h"
#include "util/buf.h"
#include "util/hmap.h"

/* Most easy handles kept for reuse between transfers. */
#define OV__IDLE_HANDLES 16
/* Longest request/response head kept for the recorder. */
#define OV__MAX_HEAD_BYTES (256u * 1024u)
/* Backoff ceiling. */
#define OV__MAX_BACKOFF_MS 30000

typedef struct ov__host {
    char *key;            /* "host[:port]" */
    unsigned active;      /* transfers running now */
    int64_t next_ok_ms;   /* politeness: earliest next start */
    int robots_state;     /* 0 unknown, 1 fetching, 2 known */
    ov__robots *robots;   /* NULL = everything allowed */
    long robots_denied;   /* robots.txt answered this 5xx: disallow all (RFC 9309) */
    int timed_out;        /* 1: a transfer timed out, the rest waits for the end of the run;
                             2: it timed out again then, the rest is skipped (deadline.c) */
    struct ov__req *q_head, *q_tail; /* requests waiting for this host, in order */
    struct ov__req *q_first_last; /* last of the run at q_head that goes first (robots.txt,
                                     images: ov__enqueue), or NULL */
    int pending;          /* listed in ov_fetcher.pending */
} ov__host;

typedef struct ov__req {
    char *url, *referer, *host;
    char *path;            /* path and query of url for robots.txt (parsed once), or NULL */
    size_t host_ix;        /* index into ov_fetcher.hosts */
    ov_fetch_kind kind;
    void *user;
    int internal_robots;   /* robots.txt for this host (no callback) */
    int attempts;          /* transfers made so far */
    int use_referer;       /* retrying an image with its Referer */
    int over_limit;        /* the write callback hit the size cap */
    int64_t not_before_ms; /* retry timer */
    int64_t started_ms;
    CURL *easy;
    struct curl_slist *headers;
    ov__buf body, head, req_head;
    ov__cache_entry cached; /* validators sent, when any */
    int have_cached;
    int skip_validators;   /* the stored body failed on a 304: ask unconditionally */
    char *error_message;
    ov__addr_guard guard;  /* set by the open-socket callback on a refused address */
    struct ov__req *next;
} ov__req;

typedef struct ov__record {
    char *url, *final_url, *error; /* final_url NULL with final_same: the same as url */
    ov_fetch_kind kind;
    long status;
    size_t bytes;
    double seconds;
    int from_cache, code, final_same;
} ov__record;

struct ov_fetcher {
    ov_fetch_options o;
    char *user_agent;
    CURLM *multi;
    int curl_inited;
    ov__cache *cache;
    /* Waiting requests: each in its host's queue (ready once the host is),
       or, while a retry timer runs, in `delayed`. `pending` lists the hosts
       with a non-empty queue in the order they got one, so a pass over the
       queue costs the number of such hosts, not of requests. */
    size_t n_queued;
    ov__req *delayed;
    size_t *pending;
    size_t n_pending, cap_pending;
    ov__hmap host_index;  /* key -> index into hosts */
    ov__req **active;
    size_t n_active, cap_active;
    ov__host *hosts;
    size_t n_hosts, cap_hosts;
    CURL *idle[OV__IDLE_HANDLES];
    size_t idle_n;
    ov__record *records;
    size_t n_records, cap_records;
    ov_fetch_stats stats;
    size_t pages_total, images_total, pages_done, images_done;
    uint64_t rng;
    int progress_drawn;
    int running;          /* inside ov_fetch_run (no nesting) */
    ov_fetch_idle_fn beside; /* work beside the loop (ov_fetch_set_idle), or NULL */
    void *beside_ud;
    int64_t deadline_at;  /* ov__now_ms() after which pending work is skipped; 0 = none */
    int endgame;          /* only requests for timed-out hosts are left: their last try */
};

int64_t ov__now_ms(void);
ov__host *ov__host_get(ov_fetcher *f, const char *key);
/* Index of the host `key` in f->hosts (added when new), or -1 out of memory. */
long ov__host_index(ov_fetcher *f, const char *key);
/* Take the first request of host `h`'s queue (NULL when empty). */
ov__req *ov__host_pop(ov_fetcher *f, ov__host *h);
/* Queue `r` at the front or back of its host's queue, or in the delayed list
   while its retry timer runs (never fails: the host exists since req_new). */
void ov__enqueue(ov_fetcher *f, ov__req *r, int front);
int ov__req_new(ov_fetcher *f, const char *url, ov_fetch_kind kind, const char *referer,
                void *user, ov__req **out, ov_error *err);
void ov__req_free(ov__req *r);
/* deadline.c: the whole-run deadline and hosts that time out */
/* 1 when the run's deadline has passed at `now`. */
int ov__deadline_passed(const ov_fetcher *f, int64_t now);
/* `ms` capped by the time left before the deadline (at least 1 ms). */
long ov__deadline_cap(const ov_fetcher *f, long ms, int64_t now);
/* 1 when `res` is a timeout (transfer or connect). */
int ov__is_timeout(CURLcode res);
/* report.c */
int ov__record_add(ov_fetcher *f, const ov_response *resp);
void ov__progress(ov_fetcher *f, int final);

#endif
