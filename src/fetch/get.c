/*
 * ov_fetch_get(): one request, run to completion, answer copied out. It is
 * a caller of the run loop (run.c) like any other, kept here so that the
 * fetcher's bookkeeping (fetch.c) never calls the loop that uses it: the
 * dependencies run get.c -> run.c -> fetch.c, without a cycle.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_core.h"

typedef struct get_ctx {
    ov_response *resp;
    int rc;
} get_ctx;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void get_done(void *ud, const ov_response *r)
{
    get_ctx *g = ud;
    ov_response *c = calloc(1, sizeof *c);
    unsigned char *body = malloc(r->len + 1);
    if (!c || !body) {
        free(c);
        free(body);
        g->rc = OV_ENOMEM;
        return;
    }
    *c = *r;
    if (r->len)
        memcpy(body, r->body, r->len);
    body[r->len] = '\0';
    c->body = body;
    c->url = dup_or_null(r->url);
    c->final_url = dup_or_null(r->final_url);
    c->content_type = dup_or_null(r->content_type);
    c->error_message = dup_or_null(r->error_message);
    g->resp = c;
}

int ov_fetch_get(ov_fetcher *f, const char *url, ov_fetch_kind kind, ov_response **out,
                 ov_error *err)
{
    get_ctx g = {NULL, 0};
    ov_request req = {url, kind, NULL, NULL};
    *out = NULL;
    if (f && (f->n_queued || f->n_active || f->running))
        return ov_error_set(err, OV_EINVAL, url, "ov_fetch_get: the fetcher is busy");
    int rc = ov_fetch_add(f, &req, err);
    if (!rc)
        rc = ov_fetch_run(f, get_done, &g, err);
    if (!rc && g.rc)
        rc = ov_error_set(err, g.rc, url, "out of memory");
    if (!rc && !g.resp)
        rc = ov_error_set(err, OV_ERROR, url, "no response");
    if (rc) {
        ov_response_free(g.resp);
        return rc;
    }
    *out = g.resp;
    return 0;
}
