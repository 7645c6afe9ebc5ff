/* The fetch report (JSON, written by hand with escaping) and the progress line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_core.h"
#include "util/fs.h"
#include "util/buf.h"
#include "util/progress.h"

int ov__record_add(ov_fetcher *f, const ov_response *resp)
{
    if (ov__grow_array((void **)&f->records, f->n_records, &f->cap_records, sizeof *f->records,
                       64) != 0)
        return OV_ENOMEM;
    ov__record *rec = &f->records[f->n_records];
    memset(rec, 0, sizeof *rec);
    rec->url = strdup(resp->url);
    /* one copy of a URL that did not redirect (most of them): 30,000
     * records at N=10,000 */
    rec->final_same = resp->final_url && !strcmp(resp->final_url, resp->url);
    rec->final_url = resp->final_url && !rec->final_same ? strdup(resp->final_url) : NULL;
    rec->error = resp->error_message ? strdup(resp->error_message) : NULL;
    rec->kind = resp->kind;
    rec->status = resp->status;
    rec->bytes = resp->len;
    rec->seconds = resp->seconds;
    rec->from_cache = resp->from_cache;
    rec->code = resp->error;
    f->n_records++;
    return rec->url ? 0 : OV_ENOMEM;
}

void ov__progress(ov_fetcher *f, int final)
{
    if (final) {
        if (f->progress_drawn)
            ov__progress_end(stderr);
        f->progress_drawn = 0;
        return;
    }
    ov__progress_state s = {f->pages_done, f->pages_total, f->images_done, f->images_total,
                            f->stats.bytes, f->stats.failed, -1.0};
    ov__progress_draw(stderr, s);
    f->progress_drawn = 1;
}

static const char *kind_key(ov_fetch_kind k)
{
    static const char *const names[] = {"page", "feed", "image", "robots"};
    return (unsigned)k < 4 ? names[k] : "unknown";
}

static int put_record(ov__buf *b, const ov__record *r, int first)
{
    int rc = ov__buf_puts(b, first ? "\n    {\"url\": " : ",\n    {\"url\": ");
    rc = rc ? rc : ov__buf_put_json(b, r->url);
    rc = rc ? rc : ov__buf_puts(b, ", \"final_url\": ");
    rc = rc ? rc : ov__buf_put_json(b, r->final_same ? r->url : r->final_url);
    rc = rc ? rc : ov__buf_printf(b,
                                  ", \"kind\": \"%s\", \"status\": %ld, \"bytes\": %zu, "
                                  "\"seconds\": %.3f, \"from_cache\": %s, \"error_code\": \"%s\", "
                                  "\"error\": ",
                                  kind_key(r->kind), r->status, r->bytes, r->seconds,
                                  r->from_cache ? "true" : "false",
                                  r->code ? ov_error_code_name(r->code) : "");
    rc = rc ? rc : ov__buf_put_json(b, r->error);
    return rc ? rc : ov__buf_putc(b, '}');
}

/* Append the members of the JSON object text `extra` (without its braces). */
static int put_extra(ov__buf *b, const char *extra)
{
    const char *s = extra, *e;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    if (*s != '{')
        return OV_EINVAL;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (e - s < 2 || e[-1] != '}')
        return OV_EINVAL;
    s++;
    e--;
    while (s < e && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
        s++;
    if (s == e)
        return 0;
    int rc = ov__buf_puts(b, ",\n  ");
    return rc ? rc : ov__buf_put(b, s, (size_t)(e - s));
}

int ov_fetcher_write_report(const ov_fetcher *f, const char *path, const char *extra,
                            ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const ov_fetch_stats *s = &f->stats;
    int rc = ov__buf_printf(&b,
                            "{\n  \"totals\": {\"requests\": %zu, \"done\": %zu, \"failed\": %zu,"
                            " \"from_cache\": %zu, \"bytes\": %zu, \"downloaded_bytes\": %zu},"
                            "\n  \"requests\": [",
                            s->requests, s->done, s->failed, s->from_cache, s->bytes,
                            s->downloaded_bytes);
    for (size_t i = 0; !rc && i < f->n_records; i++)
        rc = put_record(&b, &f->records[i], i == 0);
    rc = rc ? rc : ov__buf_puts(&b, "\n  ]");
    if (!rc && extra && (rc = put_extra(&b, extra)) == OV_EINVAL) {
        rc = ov_error_set(err, OV_EINVAL, path, "report: `extra` is not a JSON object");
        goto cleanup;
    }
    rc = rc ? rc : ov__buf_puts(&b, "\n}\n");
    if (rc) {
        rc = ov_error_set(err, rc, path, "report: out of memory");
        goto cleanup;
    }
    rc = ov__write_file(path, b.data, b.len, err);
cleanup:
    ov__buf_free(&b);
    return rc;
}
