/* Feed parser robustness (issues 10 and 14): charsets, entities, namespaces,
 * content forms, dates, recognition past long prologues, NUL bytes, skips. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_internal.h"
#include "octavo/fetch.h"
#include "util/buf.h"

#define U(s) (const unsigned char *)(s), strlen(s)

static ov_entries *parse_ct(const unsigned char *d, size_t len, const char *url, const char *ct)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    ov_entries *e = NULL;
    ov_error err;
    ov_error_clear(&err);
    fo.base_url = url;
    fo.content_type = ct;
    cr_assert_eq(ov_feed_parse(d, len, &fo, &e, &err), 0, "%s", err.message);
    cr_assert_not_null(e);
    return e;
}

static ov_entries *parse(const char *s)
{
    return parse_ct(U(s), "http://news.example/feed.xml", NULL);
}

/* GBK for 今天上海新闻：市政府发布关于城市交通建设的最新通知，市民出行更加方便。 */
#define GBK_SENTENCE                                                                               \
    "\xBD\xF1\xCC\xEC\xC9\xCF\xBA\xA3\xD0\xC2\xCE\xC5\xA3\xBA\xCA\xD0\xD5\xFE\xB8\xAE\xB7\xA2"      \
    "\xB2\xBC\xB9\xD8\xD3\xDA\xB3\xC7\xCA\xD0\xBD\xBB\xCD\xA8\xBD\xA8\xC9\xE8\xB5\xC4\xD7\xEE"      \
    "\xD0\xC2\xCD\xA8\xD6\xAA\xA3\xAC\xCA\xD0\xC3\xF1\xB3\xF6\xD0\xD0\xB8\xFC\xBC\xD3\xB7\xBD"      \
    "\xB1\xE3\xA1\xA3"
#define UTF8_SENTENCE "今天上海新闻：市政府发布关于城市交通建设的最新通知，市民出行更加方便。"

static const char gbk_feed[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>"
    "\xD0\xC2\xCE\xC5</title>"
    "<item><title>" GBK_SENTENCE "</title><link>http://news.example/1</link>"
    "<description>" GBK_SENTENCE GBK_SENTENCE "</description></item>"
    "</channel></rss>";

Test(feed_charset, gbk_declared_utf8_is_detected)
{
    ov_entries *e = parse_ct((const unsigned char *)gbk_feed, sizeof gbk_feed - 1,
                             "http://news.example/feed.xml", NULL);
    cr_assert_str_eq(e->title, "新闻");
    cr_assert_str_eq(e->items[0].title, UTF8_SENTENCE);
    ov_entries_free(e);
}

Test(feed_charset, http_charset_wins_over_the_declaration)
{
    static const char feed[] = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss><channel>"
                               "<item><title>\xD0\xC2\xCE\xC5</title><link>/a</link></item>"
                               "</channel></rss>";
    ov_entries *e = parse_ct((const unsigned char *)feed, sizeof feed - 1,
                             "http://news.example/feed.xml", "application/rss+xml; charset=GBK");
    cr_assert_str_eq(e->items[0].title, "新闻");
    ov_entries_free(e);
}

Test(feed_charset, iso_8859_1_declared_reads_cp1252)
{
    ov_entries *e = parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item>"
                          "<title>don\x92t \x93quote\x94 caf\xE9</title><link>/a</link>"
                          "</item></channel></rss>");
    cr_assert_str_eq(e->items[0].title, "don’t “quote” café");
    ov_entries_free(e);
}

Test(feed_text, undeclared_html_entities_are_decoded)
{
    ov_entries *e = parse("<rss><channel><title>A&hellip;B&nbsp;C &eacute;t&eacute; &amp; "
                          "&unknownthing; AT&T</title></channel></rss>");
    cr_assert_str_eq(e->title, "A…B\u00a0C été & &unknownthing; AT&T");
    ov_entries_free(e);
}

Test(feed_text, titles_are_plain_text_content_is_html)
{
    ov_entries *e = parse("<rss><channel><item><title>Example &lt;b&gt;bold&lt;/b&gt; &amp;amp; "
                          "more</title><link>/a</link>"
                          "<description>&lt;p&gt;One&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;"
                          "&lt;p&gt;Two &amp;hellip;&lt;/p&gt;</description>"
                          "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/"
                          "content/\">&lt;p&gt;Body &lt;a href=\"/x\"&gt;l&lt;/a&gt;&lt;/p&gt;"
                          "</content:encoded></item></channel></rss>");
    cr_assert_str_eq(e->items[0].title, "Example bold & more");
    cr_assert_str_eq(e->items[0].summary, "One Two …");
    cr_assert_str_eq(e->items[0].content, "<p>Body <a href=\"http://news.example/x\">l</a></p>");
    ov_entries_free(e);
}

Test(feed_ns, media_title_and_foreign_description_do_not_replace)
{
    ov_entries *e = parse("<rss xmlns:media=\"http://search.yahoo.com/mrss/\""
                          " xmlns:foo=\"http://foo.example/\"><channel><item>"
                          "<title>Real</title><media:title>Video</media:title>"
                          "<description>Real text</description><foo:description>No"
                          "</foo:description><link>/a</link></item></channel></rss>");
    cr_assert_str_eq(e->items[0].title, "Real");
    cr_assert_str_eq(e->items[0].summary, "Real text");
    ov_entries_free(e);
}

Test(feed_content, atom03_base64_escaped_xhtml_body_and_bases)
{
    ov_entries *e = parse(
        "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\" xml:base=\"http://b.example/d/\">"
        "<entry><link rel=\"alternate\" href=\"e1\"/><content type=\"text/html\" mode=\"base64\">"
        "PHA+QmFzZTwvcD4=</content></entry>"
        "<entry><link>http://b.example/e2</link><content type=\"text/html\" mode=\"escaped\">"
        "&lt;img src=\"i.png\"&gt;</content></entry></feed>");
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->items[0].url, "http://b.example/d/e1");
    cr_assert_str_eq(e->items[0].content, "<p>Base</p>");
    cr_assert_str_eq(e->items[1].url, "http://b.example/e2");
    cr_assert_str_eq(e->items[1].content, "<img src=\"http://b.example/d/i.png\">");
    ov_entries_free(e);
    e = parse("<rss><channel><item><link>/x</link><body xmlns=\"http://www.w3.org/1999/xhtml\">"
              "<p>Inline <b>xhtml</b></p></body></item></channel></rss>");
    cr_assert_str_eq(e->items[0].content, "<p>Inline <b>xhtml</b></p>");
    ov_entries_free(e);
}

Test(feed_content, content_location_is_the_base)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    ov_entries *e = NULL;
    ov_error err;
    const char *f = "<rss><channel><item><link>p/1</link></item></channel></rss>";
    fo.base_url = "http://news.example/feeds/rss";
    fo.content_location = "http://cdn.example/site/";
    cr_assert_eq(ov_feed_parse(U(f), &fo, &e, &err), 0, "%s", err.message);
    cr_assert_str_eq(e->items[0].url, "http://cdn.example/site/p/1");
    ov_entries_free(e);
}

Test(feed_items, without_link_kept_with_stable_id)
{
    const char *f = "<rss><channel><item><title>Only text</title><description>Body</description>"
                    "</item><item><guid isPermaLink=\"false\">tag:x,2024:7</guid><title>G</title>"
                    "</item></channel></rss>";
    ov_entries *a = parse(f), *b = parse(f);
    cr_assert_eq(a->n, 2);
    cr_assert_null(a->items[0].url);
    cr_assert_str_eq(a->items[0].id, b->items[0].id);
    cr_assert_str_eq(a->items[1].id, "tag:x,2024:7");
    cr_assert_null(a->items[1].url);
    ov_entries_free(a);
    ov_entries_free(b);
}

Test(feed_items, refused_schemes_are_reported_skips)
{
    ov_entries *e = parse("<rss><channel>"
                          "<item><title>a</title><link>javascript:alert(1)</link></item>"
                          "<item><title>b</title><link>data:text/html,hi</link></item>"
                          "<item><title>c</title><link>file:///etc/passwd</link></item>"
                          "<item><title>d</title><link>ftp://f.example/x</link></item>"
                          "<item><title>ok</title><link>/fine</link></item></channel></rss>");
    cr_assert_eq(e->n, 1);
    cr_assert_str_eq(e->items[0].url, "http://news.example/fine");
    cr_assert_eq(e->n_skips, 4);
    cr_assert(strstr(e->skips[0].reason, "javascript:"), "%s", e->skips[0].reason);
    cr_assert(strstr(e->skips[3].reason, "ftp:"), "%s", e->skips[3].reason);
    ov_entries_free(e);
}

Test(feed_items, past_the_item_limit_is_a_skip)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<rss><channel>");
    for (unsigned i = 0; i < OV_FEED_MAX_ITEMS + 5; i++)
        ov__buf_printf(&b, "<item><link>/a/%u</link></item>", i);
    ov__buf_puts(&b, "</channel></rss>");
    ov_entries *e = parse_ct((const unsigned char *)b.data, b.len, "http://n.example/f", NULL);
    cr_assert_eq(e->n, OV_FEED_MAX_ITEMS);
    cr_assert_eq(e->n_skips, 1);
    cr_assert(strstr(e->skips[0].reason, "5 feed items past the limit"), "%s", e->skips[0].reason);
    ov_entries_free(e);
    ov__buf_free(&b);
}

Test(feed_sniff, recognised_past_long_prologues)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<?xml version=\"1.0\"?>\n<!--");
    for (int i = 0; i < 5000; i++)
        ov__buf_putc(&b, 'c');
    ov__buf_puts(&b, "-->\n<?xml-stylesheet type=\"text/xsl\" href=\"");
    for (int i = 0; i < 5000; i++)
        ov__buf_putc(&b, 's');
    ov__buf_puts(&b, ".xsl\"?>\n<!DOCTYPE rss [<!ENTITY big \"");
    for (int i = 0; i < 100000; i++)
        ov__buf_putc(&b, 'e');
    ov__buf_puts(&b, "\">]>\n<rss><channel><item><title>T</title><link>/a</link></item>"
                     "</channel></rss>");
    cr_assert(ov_feed_sniff((const unsigned char *)b.data, b.len));
    ov_entries *e = parse_ct((const unsigned char *)b.data, b.len, "http://n.example/f", NULL);
    cr_assert_eq(e->n, 1);
    cr_assert_str_eq(e->items[0].title, "T");
    ov_entries_free(e);
    cr_assert_not(ov_feed_sniff(U("<!-- <rss> --><html><body>rss</body></html>")));
    ov__buf_free(&b);
}

Test(feed_nul, a_nul_byte_does_not_truncate)
{
    static const char feed[] = "<rss><channel><item><title>One</title><link>/1</link></item>"
                               "\0<item><title>Two\0 more</title><link>/2</link></item>"
                               "</channel></rss>";
    ov_entries *e = parse_ct((const unsigned char *)feed, sizeof feed - 1, "http://n.example/f",
                             NULL);
    cr_assert_eq(e->n, 2);
    cr_assert_str_eq(e->items[1].title, "Two more");
    ov_entries_free(e);
    static const char first[] = "\0<rss><channel><item><link>/1</link></item></channel></rss>";
    e = parse_ct((const unsigned char *)first, sizeof first - 1, "http://n.example/f", NULL);
    cr_assert_eq(e->n, 1);
    ov_entries_free(e);
}

Test(feed_cdf, cdf_and_upper_case_names)
{
    ov_entries *e = parse("<CHANNEL HREF=\"http://c.example/\"><TITLE>Chan</TITLE>"
                          "<ITEM HREF=\"/i/1\" LASTMOD=\"2004-04-06T23:05:43-05:00\">"
                          "<TITLE>Item</TITLE><ABSTRACT>Abs</ABSTRACT></ITEM></CHANNEL>");
    cr_assert_str_eq(e->title, "Chan");
    cr_assert_str_eq(e->items[0].url, "http://news.example/i/1");
    cr_assert_str_eq(e->items[0].summary, "Abs");
    cr_assert_str_eq(e->items[0].published, "2004-04-07T04:05:43Z");
    ov_entries_free(e);
}

Test(feed_dates, forms_zones_and_rejections)
{
    int64_t t;
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 00:49:37 PST"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 01:49:37 PDT"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 09:49:37 MET"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 10:49:37 MEST"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 13:49:37 R"), 784111777); /* military: R = +5 */
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 03:49:37 E"), 784111777); /* E = -5 */
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994 08:49:37 Z"), 784111777);
    cr_assert_eq(ov__parse_date("Sun, 06 Nov 1994"), 784080000);
    cr_assert_eq(ov__parse_date("Sun Nov  6 08:49:37 1994"), 784111777);
    cr_assert_eq(ov__parse_date("2003-12"), 1070236800);
    cr_assert_eq(ov__parse_date("2003"), 1041379200);
    cr_assert_eq(ov__parse_date("20031231T101455Z"), 1072865695);
    cr_assert_eq(ov__parse_date("2003-12-31T10:14:55.123-08:00"), 1072894495);
    cr_assert_eq(ov__parse_date_checked("Sun, 99 Jun 2009 12:00:00 GMT", &t), -1);
    cr_assert_eq(ov__parse_date_checked("Sun, 06 Nov 1994 25:00:00 GMT", &t), -1);
    cr_assert_eq(ov__parse_date_checked("2009-02-30", &t), -1);
    cr_assert_eq(ov__parse_date_checked("2009-13-01", &t), -1);
    cr_assert_eq(ov__parse_date_checked("yesterday", &t), -1);
}

Test(feed_dates, atom03_and_dcterms_elements)
{
    ov_entries *e = parse(
        "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry><link href=\"/a\"/>"
        "<modified>2004-01-01T19:48:21Z</modified><issued>2003-12-31T10:14:55Z</issued>"
        "</entry></feed>");
    cr_assert_str_eq(e->items[0].published, "2003-12-31T10:14:55Z");
    ov_entries_free(e);
    e = parse("<rss xmlns:dcterms=\"http://purl.org/dc/terms/\"><channel><item><link>/a</link>"
              "<dcterms:modified>2004-01-01T19:48:21Z</dcterms:modified></item>"
              "<item><link>/b</link><pubDate>Sun, 99 Jun 2009 12:00:00 GMT</pubDate></item>"
              "</channel></rss>");
    cr_assert_str_eq(e->items[0].published, "2004-01-01T19:48:21Z");
    cr_assert_null(e->items[1].published, "an invalid date is no date");
    ov_entries_free(e);
}

Test(feed_people, author_forms)
{
    ov_entries *e = parse("<rss><channel>"
                          "<item><link>/a</link><author>me@example.com (Example editor)</author></item>"
                          "<item><link>/b</link><author>Example editor (me@example.com)</author></item>"
                          "<item><link>/c</link><author>Ed &lt;ed@example.com&gt;</author></item>"
                          "</channel></rss>");
    cr_assert_str_eq(e->items[0].author, "Example editor");
    cr_assert_str_eq(e->items[1].author, "Example editor");
    cr_assert_str_eq(e->items[2].author, "Ed");
    ov_entries_free(e);
}

Test(feed_json, entries_to_json)
{
    ov_entries *e = parse("<rss><channel><title>T \"q\"</title><item><title>A</title>"
                          "<link>/a</link></item></channel></rss>");
    char *json = NULL;
    ov_error err;
    cr_assert_eq(ov_entries_to_json(e, &json, &err), 0);
    cr_assert(strstr(json, "\"title\":\"T \\\"q\\\"\""), "%s", json);
    cr_assert(strstr(json, "\"url\":\"http://news.example/a\""), "%s", json);
    free(json);
    ov_entries_free(e);
}
