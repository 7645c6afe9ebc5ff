/* Discovery parsers, robots.txt rules, URL and date helpers (no network). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fetch/fetch_internal.h"
#include "octavo/fetch.h"

/* ov_feed_parse with only a document URL. */
static int feed_at(const unsigned char *data, size_t len, const char *url, ov_entries **out,
                   ov_error *err)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    fo.base_url = url;
    return ov_feed_parse(data, len, &fo, out, err);
}

#define U(s) (const unsigned char *)(s), strlen(s)

Test(feed, rss2_items_relative_links_cdata_entities)
{
    const char *rss =
        "<?xml version=\"1.0\"?>\n"
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
        " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
        "<title>News &amp; Views</title>"
        "<item><title><![CDATA[First <b>story</b>]]></title><link>/a/1.html#top</link>"
        "<pubDate>Mon, 13 Nov 2023 08:00:00 +0800</pubDate><dc:creator>Li Wei</dc:creator>"
        "<description>Short &lt;i&gt;text&lt;/i&gt;</description>"
        "<content:encoded><![CDATA[<p>Full body</p>]]></content:encoded></item>"
        "<item><title>Second</title><guid>https://other.example/b/2</guid>"
        "<author>ed@example.com (Ed)</author></item>"
        "<item><title>No link</title></item>"
        "</channel></rss>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at(U(rss), "https://news.example/feed.xml", &e, &err), 0, "%s",
                 err.message);
    cr_assert_eq(e->n, 3);
    cr_assert_str_eq(e->title, "News & Views");
    cr_assert_str_eq(e->items[0].url, "https://news.example/a/1.html");
    cr_assert_str_eq(e->items[0].title, "First story"); /* plain text */
    cr_assert_str_eq(e->items[0].author, "Li Wei");
    cr_assert_str_eq(e->items[0].published, "2023-11-13T00:00:00Z");
    cr_assert_eq(e->items[0].time, 1699833600);
    cr_assert_str_eq(e->items[0].summary, "Short text");
    cr_assert_str_eq(e->items[0].content, "<p>Full body</p>");
    cr_assert_str_eq(e->items[1].url, "https://other.example/b/2");
    cr_assert_str_eq(e->items[1].author, "Ed");
    cr_assert_str_eq(e->items[1].id, "https://other.example/b/2");
    cr_assert_null(e->items[1].published);
    /* an item without a link is kept, with a stable id */
    cr_assert_null(e->items[2].url);
    cr_assert_str_eq(e->items[2].title, "No link");
    cr_assert(strncmp(e->items[2].id, "urn:octavo:item:", 16) == 0, "%s", e->items[2].id);
    ov_entries_free(e);
}

Test(feed, rdf_items)
{
    const char *rdf =
        "<?xml version=\"1.0\"?>"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
        " xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel rdf:about=\"http://x.example/\"><title>RDF site</title></channel>"
        "<item rdf:about=\"http://x.example/n/7\"><title>Seven</title>"
        "<dc:date>2023-11-14T10:30:00+08:00</dc:date><dc:creator>Wang</dc:creator></item>"
        "<item rdf:about=\"http://x.example/n/8\"><title>Eight</title>"
        "<link>http://x.example/n/8?from=rss</link></item>"
        "</rdf:RDF>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at(U(rdf), "http://x.example/rdf.xml", &e, &err), 0, "%s",
                 err.message);
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->title, "RDF site");
    cr_assert_str_eq(e->items[0].url, "http://x.example/n/7");
    cr_assert_str_eq(e->items[0].published, "2023-11-14T02:30:00Z");
    cr_assert_str_eq(e->items[0].author, "Wang");
    cr_assert_str_eq(e->items[1].url, "http://x.example/n/8?from=rss");
    ov_entries_free(e);
}

Test(feed, atom_entries_xml_base_and_content)
{
    const char *atom =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://a.example/news/\">"
        "<title type=\"text\">Atom news</title>"
        "<entry><title>HTML one</title>"
        "<link rel=\"edit\" href=\"/edit/1\"/><link rel=\"alternate\" href=\"2023/one.html\"/>"
        "<updated>2023-11-15T00:00:00Z</updated><published>2023-11-14T00:00:00Z</published>"
        "<author><name>Chen</name></author><summary>Sum</summary>"
        "<content type=\"html\">&lt;p&gt;Body one&lt;/p&gt;</content></entry>"
        "<entry><title>XHTML two</title><link href=\"https://b.example/two\"/>"
        "<updated>2023-11-16T00:00:00Z</updated>"
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Two</p></div>"
        "</content></entry></feed>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at(U(atom), "https://a.example/atom.xml", &e, &err), 0, "%s",
                 err.message);
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->title, "Atom news");
    cr_assert_str_eq(e->items[0].url, "https://a.example/news/2023/one.html");
    cr_assert_str_eq(e->items[0].published, "2023-11-14T00:00:00Z");
    cr_assert_str_eq(e->items[0].author, "Chen");
    cr_assert_str_eq(e->items[0].summary, "Sum");
    cr_assert_str_eq(e->items[0].content, "<p>Body one</p>");
    cr_assert_str_eq(e->items[1].url, "https://b.example/two");
    cr_assert_str_eq(e->items[1].published, "2023-11-16T00:00:00Z");
    cr_assert(strstr(e->items[1].content, "<p>Two</p>"));
    ov_entries_free(e);
}

Test(feed, xxe_is_not_expanded)
{
    const char *evil = "<?xml version=\"1.0\"?>"
                       "<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                       "<rss><channel><item><title>&x;</title>"
                       "<link>http://e.example/1</link></item></channel></rss>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at(U(evil), "http://e.example/f", &e, &err), 0, "%s", err.message);
    cr_assert_eq(e->n, 1);
    cr_assert(!e->items[0].title || !strstr(e->items[0].title, "root:"));
    ov_entries_free(e);
}

Test(feed, not_a_feed_is_a_parse_error)
{
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(feed_at(U("<html><body>hi</body></html>"), "http://e.example/", &e,
                               &err),
                 OV_EPARSE);
    cr_assert_null(e);
    cr_assert_eq(feed_at(U("garbage <<<"), "http://e.example/", &e, &err), OV_EPARSE);
}

static const char news_sitemap[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
    " xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
    "<url><loc>https://n.example/a/1.html</loc><lastmod>2023-11-10</lastmod>"
    "<news:news><news:publication><news:name>N</news:name></news:publication>"
    "<news:publication_date>2023-11-12T08:00:00+08:00</news:publication_date>"
    "<news:title>Headline one</news:title></news:news></url>"
    "<url><loc>https://n.example/a/2.html</loc><lastmod>2023-11-11</lastmod></url>"
    "</urlset>";

Test(sitemap, news_urlset)
{
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(ov_sitemap_parse(U(news_sitemap), "https://n.example/sitemap.xml", &e, &err),
                 0, "%s", err.message);
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->items[0].url, "https://n.example/a/1.html");
    cr_assert_str_eq(e->items[0].title, "Headline one");
    cr_assert_str_eq(e->items[0].published, "2023-11-12T00:00:00Z");
    cr_assert_str_eq(e->items[1].published, "2023-11-11T00:00:00Z");
    cr_assert_eq(e->n_children, 0);
    ov_entries_free(e);
}

Test(sitemap, index_children)
{
    const char *idx = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                      "<sitemap><loc>/s/news.xml</loc></sitemap>"
                      "<sitemap><loc>https://n.example/s/old.xml.gz</loc></sitemap>"
                      "</sitemapindex>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(ov_sitemap_parse(U(idx), "https://n.example/sitemap.xml", &e, &err), 0);
    cr_assert_eq(e->n, 0);
    cr_assert_eq(e->n_children, 2);
    cr_assert_str_eq(e->children[0], "https://n.example/s/news.xml");
    cr_assert_str_eq(e->children[1], "https://n.example/s/old.xml.gz");
    ov_entries_free(e);
}

Test(sitemap, gzip_roundtrip_and_cap)
{
    unsigned char gz[4096];
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)news_sitemap;
    z.avail_in = (uInt)strlen(news_sitemap);
    z.next_out = gz;
    z.avail_out = sizeof gz;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gzlen = sizeof gz - z.avail_out;
    deflateEnd(&z);
    unsigned char *out = NULL;
    size_t len = 0;
    ov_error err;
    cr_assert_eq(ov__gunzip(gz, gzlen, 1 << 20, &out, &len, &err), 0, "%s", err.message);
    cr_assert_eq(len, strlen(news_sitemap));
    cr_assert_eq(memcmp(out, news_sitemap, len), 0);
    free(out);
    cr_assert_eq(ov__gunzip(gz, gzlen, 100, &out, &len, &err), OV_ELIMIT);
    cr_assert(strstr(err.message, "limit"));
    cr_assert_eq(ov__gunzip(gz, gzlen / 2, 1 << 20, &out, &len, &err), OV_EPARSE);
}

Test(links, pattern_order_unique_and_feeds)
{
    const char *html =
        "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\">"
        "<link rel=\"stylesheet\" href=\"/s.css\"></head><body>"
        "<a href=\"/news/2.html\">Two</a> <a href=\"/about\">About</a>"
        "<a href=\"news/1.html#c\"> One </a><a href=\"/news/2.html\">Again</a>"
        "<a href=\"javascript:void(0)\">js</a><a href=\"mailto:x@y\">m</a>"
        "<a href=\"https://other.example/news/9.html\">Other</a></body></html>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(ov_page_links(U(html), "http://s.example/", "text/html", "/news/[0-9]+\\.html$",
                               &e, &err),
                 0, "%s", err.message);
    cr_assert_eq(e->n, 3);
    cr_assert_str_eq(e->items[0].url, "http://s.example/news/2.html");
    cr_assert_str_eq(e->items[0].title, "Two");
    cr_assert_str_eq(e->items[1].url, "http://s.example/news/1.html");
    cr_assert_str_eq(e->items[1].title, "One");
    cr_assert_str_eq(e->items[2].url, "https://other.example/news/9.html");
    cr_assert_eq(e->n_children, 1);
    cr_assert_str_eq(e->children[0], "http://s.example/rss");
    ov_entries_free(e);

    /* default filter: same host, article-like */
    cr_assert_eq(ov_page_links(U(html), "http://s.example/", NULL, NULL, &e, &err), 0);
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->items[0].url, "http://s.example/news/2.html");
    ov_entries_free(e);
    cr_assert_eq(ov_page_links(U(html), "http://s.example/", NULL, "([", &e, &err), OV_EINVAL);
}

Test(links, gbk_charset_from_content_type)
{
    /* "新闻" in GBK: D0 C2 CE C5 */
    const char html[] = "<html><body><a href=\"/n/1.html\">\xD0\xC2\xCE\xC5</a></body></html>";
    ov_entries *e = NULL;
    ov_error err;
    cr_assert_eq(ov_page_links((const unsigned char *)html, sizeof html - 1, "http://g.example/",
                               "text/html; charset=GBK", NULL, &e, &err),
                 0, "%s", err.message);
    cr_assert_eq(e->n, 1);
    cr_assert_str_eq(e->items[0].title, "新闻");
    ov_entries_free(e);
}

Test(robots, groups_longest_match_wildcards)
{
    const char *txt = "# comment\n"
                      "User-agent: Googlebot\nDisallow: /\n\n"
                      "User-agent: *\nDisallow: /private/\nAllow: /private/open\n"
                      "Disallow: /*.pdf$\nDisallow: /tmp\n";
    ov__robots *r = ov__robots_parse(txt, strlen(txt), "octavo");
    cr_assert_not_null(r);
    cr_assert(ov__robots_allowed(r, "/news/1.html"));
    cr_assert_not(ov__robots_allowed(r, "/private/x"));
    cr_assert(ov__robots_allowed(r, "/private/open/y"));
    cr_assert_not(ov__robots_allowed(r, "/files/a.pdf"));
    cr_assert(ov__robots_allowed(r, "/files/a.pdf?x=1"));
    cr_assert_not(ov__robots_allowed(r, "/tmp/z"));
    cr_assert_not(ov__robots_allowed(r, "/tmpfile"));
    ov__robots_free(r);
}

Test(robots, own_group_wins_over_star)
{
    const char *txt = "User-agent: *\nDisallow: /\n\n"
                      "User-agent: other\nUser-agent: Octavo\nDisallow: /secret\n";
    ov__robots *r = ov__robots_parse(txt, strlen(txt), "octavo");
    cr_assert(ov__robots_allowed(r, "/news"));
    cr_assert_not(ov__robots_allowed(r, "/secret/1"));
    ov__robots_free(r);
    const char *empty = "User-agent: *\nDisallow:\n";
    r = ov__robots_parse(empty, strlen(empty), "octavo");
    cr_assert(ov__robots_allowed(r, "/anything"));
    ov__robots_free(r);
}

Test(url, resolve_and_parts)
{
    char *s = ov__url_resolve("http://h.example/a/b.html", "../c.html#frag");
    cr_assert_str_eq(s, "http://h.example/c.html");
    free(s);
    cr_assert_null(ov__url_resolve("http://h.example/", "file:///etc/passwd"));
    cr_assert_null(ov__url_resolve("http://h.example/", "javascript:alert(1)"));
    cr_assert(ov__url_is_http("HTTPS://H.example/x"));
    cr_assert_not(ov__url_is_http("ftp://h.example/x"));
    s = ov__url_host_key("http://H.Example:8080/x");
    cr_assert_str_eq(s, "h.example:8080");
    free(s);
    s = ov__url_path_query("http://h.example");
    cr_assert_str_eq(s, "/");
    free(s);
    s = ov__url_path_query("http://h.example/p?q=1#f");
    cr_assert_str_eq(s, "/p?q=1");
    free(s);
}

/* One parse gives what the three helpers give; an absolute reference
 * resolves the same without the base being parsed. */
Test(url, http_parts_match_the_helpers)
{
    static const char *const urls[] = {
        "http://H.Example:8080/x", "https://h.example", "http://h.example/p?q=1#f",
        "HTTP://Mixed.Case.EXAMPLE/a%20b/c?x=%C3%A9", "http://127.0.0.1:18555/n1000/news/00001.html",
        "https://[::1]:8443/v6?a", "http://h.example/%E6%B8%AF%E6%B9%BE.html",
    };
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        ov__url_parts p;
        cr_assert_eq(ov__url_http_parts(urls[i], &p), 0, "%s", urls[i]);
        char *hk = ov__url_host_key(urls[i]), *pq = ov__url_path_query(urls[i]);
        cr_assert_str_eq(p.host_key, hk, "%s", urls[i]);
        cr_assert_str_eq(p.path_query, pq, "%s", urls[i]);
        cr_assert(p.host && *p.host);
        free(hk);
        free(pq);
        ov__url_parts_free(&p);
        cr_assert_null(p.host_key);
    }
    static const char *const bad[] = {"ftp://h.example/x", "not a url", "http://", "mailto:a@b.example"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ov__url_parts p;
        cr_assert_eq(ov__url_http_parts(bad[i], &p), -1, "%s", bad[i]);
        cr_assert_null(p.host);
        cr_assert_null(p.host_key);
        cr_assert_eq(ov__url_is_http(bad[i]), 0, "%s", bad[i]);
    }
    static const char *const refs[] = {
        "http://Other.example/a b.html#x", "  HTTPS://h.example/%7Euser/", "https://h.example/a/../b?q",
    };
    static const char *const want[] = {
        "http://Other.example/a%20b.html", "https://h.example/%7Euser/", "https://h.example/b?q",
    };
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        char *s = ov__url_resolve("http://base.example/dir/page.html", refs[i]);
        cr_assert_str_eq(s, want[i], "%s", refs[i]);
        free(s);
    }
}

Test(url, dates)
{
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    cr_assert_eq(ov__parse_date("06 Nov 1994 08:49 GMT"), 784111740);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 03:49:37 EST"), 784111777);
    cr_assert_eq(ov__parse_date("1994-11-06T16:49:37+08:00"), 784111777);
    cr_assert_eq(ov__parse_date("1994-11-06T08:49:37.123Z"), 784111777);
    cr_assert_eq(ov__parse_date("1994-11-06"), 784080000);
    cr_assert_eq(ov__parse_date("yesterday"), 0);
}

Test(fetch_add, refuses_non_http_before_io)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    o.ignore_robots = 1;
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    const char *bad[] = {"file:///etc/passwd", "ftp://h.example/x", "gopher://h.example/",
                         "data:text/html,hi", "javascript:alert(1)", "/relative/path",
                         "mailto:x@y.example"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ov_request req = {bad[i], OV_FETCH_PAGE, NULL, NULL};
        cr_assert_eq(ov_fetch_add(f, &req, &err), OV_EPOLICY, "%s", bad[i]);
        cr_assert_str_eq(err.where, bad[i]);
    }
    ov_request bad_url = {"http://", OV_FETCH_PAGE, NULL, NULL};
    cr_assert_eq(ov_fetch_add(f, &bad_url, &err), OV_EINVAL);
    ov_fetch_stats st;
    ov_fetcher_stats(f, &st);
    cr_assert_eq(st.requests, 0);
    ov_fetcher_free(f);
}

/* A cloud metadata host is refused from the URL's host (ov_fetch_add parses
 * it once and asks ov__host_refused), before any I/O; a path that only
 * names it is not. */
Test(fetch_add, refuses_metadata_hosts_by_their_url)
{
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    o.ignore_robots = 1;
    ov_fetcher *f = NULL;
    ov_error err;
    cr_assert_eq(ov_fetcher_new(&o, &f, &err), 0, "%s", err.message);
    const char *meta[] = {"http://metadata.google.internal/computeMetadata/v1/",
                          "https://Metadata.Google.Internal:8080/x"};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
        ov_request req = {meta[i], OV_FETCH_PAGE, NULL, NULL};
        cr_assert_eq(ov_fetch_add(f, &req, &err), OV_EPOLICY, "%s", meta[i]);
        cr_assert(strstr(err.message, "cloud metadata host"), "%s", err.message);
    }
    ov_request ok = {"http://127.0.0.1:8080/metadata", OV_FETCH_PAGE, NULL, NULL};
    cr_assert_eq(ov_fetch_add(f, &ok, &err), 0, "%s", err.message);
    ov_request nonurl = {"not a url", OV_FETCH_PAGE, NULL, NULL};
    cr_assert_eq(ov_fetch_add(f, &nonurl, &err), OV_EPOLICY);
    cr_assert_null(strstr(err.message, "cloud metadata host"), "%s", err.message);
    ov_fetch_stats st;
    ov_fetcher_stats(f, &st);
    cr_assert_eq(st.requests, 1, "only the allowed one is queued");
    ov_fetcher_free(f);
}

Test(robots, hostile_patterns_finish)
{
    const char *txt = "User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b$\n"
                      "Disallow: /x*y\nAllow: /x*y*z$\n";
    ov__robots *r = ov__robots_parse(txt, strlen(txt), "octavo");
    char path[4096];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    cr_assert(ov__robots_allowed(r, path));
    cr_assert_not(ov__robots_allowed(r, "/x1y2"));
    cr_assert(ov__robots_allowed(r, "/x1y2z"));
    cr_assert_not(ov__robots_allowed(r, "/x1y2z3"));
    ov__robots_free(r);
}
