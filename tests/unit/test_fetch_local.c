/* Feeds read from a local folder resolve to local files; remote feeds never do. */
#include <criterion/criterion.h>
#include <string.h>

#include "octavo/fetch.h"

/* ov_feed_parse with only a document URL. */
static int feed_at(const unsigned char *data, size_t len, const char *url, ov_entries **out,
                   ov_error *err)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    fo.base_url = url;
    return ov_feed_parse(data, len, &fo, out, err);
}

static const char rss[] = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
                          "<item><title>A</title><link>news/a.html</link></item>"
                          "<item><title>B</title><link>file:///etc/passwd</link></item>"
                          "<item><title>C</title><link>https://example.org/c.html</link></item>"
                          "</channel></rss>";

Test(fetch_local, file_base_resolves_to_local_files)
{
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at((const unsigned char *)rss, sizeof rss - 1,
                               "file:///srv/site/feed.xml", &e, &err), 0);
    int local = 0, remote = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (!e->items[i].url)
            continue;
        local += strcmp(e->items[i].url, "file:///srv/site/news/a.html") == 0;
        remote += strcmp(e->items[i].url, "https://example.org/c.html") == 0;
    }
    cr_assert_eq(local, 1);
    cr_assert_eq(remote, 1);
    ov_entries_free(e);
}

Test(fetch_local, http_base_never_yields_file_urls)
{
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at((const unsigned char *)rss, sizeof rss - 1,
                               "http://127.0.0.1/feed.xml", &e, &err), 0);
    for (size_t i = 0; i < e->n; i++)
        cr_assert(!e->items[i].url || strncmp(e->items[i].url, "file:", 5) != 0,
                  "a remote feed produced %s", e->items[i].url);
    ov_entries_free(e);
}
