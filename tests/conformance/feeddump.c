/*
 * feeddump.c - parse one feed file with ov_feed_parse and print the result
 * as JSON (ov_entries_to_json) on stdout; the conformance runner
 * (feedparser.py) evaluates feedparser's Expect: lines against it.
 *
 *   feeddump [--url URL] [--content-type CT] [--content-location URL] FILE
 *
 * Exit 0 with the JSON, or 1 with {"error": "..."}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/fetch.h"
#include "util/buf.h"
#include "util/fs.h"

int main(int argc, char **argv)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--url") == 0)
            fo.base_url = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--content-type") == 0)
            fo.content_type = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--content-location") == 0)
            fo.content_location = argv[++i];
        else
            file = argv[i];
    }
    if (!file) {
        fputs("usage: feeddump [--url URL] [--content-type CT] [--content-location URL] FILE\n",
              stderr);
        return 2;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    ov_error err;
    ov_error_clear(&err);
    ov_entries *e = NULL;
    char *json = NULL;
    int rc = ov__read_file(file, OV_FETCH_MAX_FEED_BYTES, &data, &len, &err);
    if (rc == 0)
        rc = ov_feed_parse(data, len, &fo, &e, &err);
    if (rc == 0)
        rc = ov_entries_to_json(e, &json, &err);
    if (rc == 0) {
        printf("%s\n", json);
    } else {
        ov__buf b = OV__BUF_INIT;
        ov__buf_puts(&b, "{\"error\":");
        ov__buf_put_json(&b, err.message);
        ov__buf_puts(&b, "}");
        printf("%s\n", b.data ? b.data : "{}");
        ov__buf_free(&b);
    }
    free(json);
    ov_entries_free(e);
    free(data);
    return rc == 0 ? 0 : 1;
}
