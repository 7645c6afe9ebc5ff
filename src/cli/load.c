/* load.c - one input of `octavo extract` / `octavo feed`: a local file or an
 * http(s) URL fetched once, with the URL it ended at and its Content-Type. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "util/fs.h"

static int fetch_one(const char *url, ov_fetch_kind kind, unsigned char **data, size_t *len,
                     char **final_url, char **ctype, ov_error *err)
{
    ov_fetch_options fo = OV_FETCH_OPTIONS_INIT;
    ov_fetcher *f = NULL;
    ov_response *r = NULL;
    int rc = ov_fetcher_new(&fo, &f, err);
    if (rc == 0)
        rc = ov_fetch_get(f, url, kind, &r, err);
    if (rc == 0 && r->error)
        rc = ov_error_set(err, r->error, url, "%s", r->error_message ? r->error_message : "fetch failed");
    else if (rc == 0 && (r->status < 200 || r->status > 299))
        rc = ov_error_set(err, OV_ENET, url, "HTTP status %ld, no %s", r->status,
                          kind == OV_FETCH_FEED ? "feed" : "page");
    if (rc == 0) {
        *data = malloc(r->len + 1);
        *final_url = strdup(r->final_url ? r->final_url : url);
        *ctype = r->content_type ? strdup(r->content_type) : NULL;
        if (!*data || !*final_url || (r->content_type && !*ctype)) {
            rc = ov_error_set(err, OV_ENOMEM, url, "out of memory");
        } else {
            memcpy(*data, r->body, r->len);
            (*data)[r->len] = '\0';
            *len = r->len;
        }
    }
    ov_response_free(r);
    ov_fetcher_free(f);
    return rc;
}

int ov__cli_load(const char *arg, ov_fetch_kind kind, size_t max_file, unsigned char **data,
                 size_t *len, char **final_url, char **ctype, ov_error *err)
{
    if (!strncasecmp(arg, "http://", 7) || !strncasecmp(arg, "https://", 8))
        return fetch_one(arg, kind, data, len, final_url, ctype, err);
    return ov__read_file(arg, max_file, data, len, err);
}
