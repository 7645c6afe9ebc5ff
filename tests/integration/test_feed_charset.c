/*
 * A Chinese feed of our own, served by nginx as GBK with the charset only in
 * the HTTP Content-Type (no encoding in the XML declaration, no <meta> in
 * the pages): the book has the right titles and article text, the item
 * without a link becomes an article from the feed's own content, and the
 * item with a javascript: link is a reported skip (exit 3).
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nginx.h"
#include "ov_test.h"

/* Write UTF-8 `text` to dir/name encoded as GBK. */
static void write_gbk(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    iconv_t cd = iconv_open("GBK", "UTF-8");
    cr_assert(cd != (iconv_t)-1, "no GBK converter");
    size_t il = strlen(text), ol = il * 2 + 16;
    char *out = malloc(ol), *op = out, *ip = (char *)text;
    cr_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1, "cannot encode %s as GBK", name);
    iconv_close(cd);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fwrite(out, 1, (size_t)(op - out), f);
    fclose(f);
    free(out);
}

static const char page1[] =
    "<!DOCTYPE html><html><head><title>江川大桥今日通车</title></head><body>"
    "<article><h1>江川大桥今日通车</h1><p class=\"byline\">记者 李明</p>"
    "<p>连接江川两岸的大桥今天上午正式通车，市民从老城区到新区的时间由四十分钟缩短到十分钟。</p>"
    "<p>大桥全长两千三百米，双向六车道，设有人行道和自行车道，施工历时三年。</p>"
    "<p>市交通局表示，通车后将调整十二条公交线路，方便沿线居民出行。</p>"
    "</article></body></html>";

static const char page2[] =
    "<!DOCTYPE html><html><head><title>老城区菜市场完成改造</title></head><body>"
    "<article><h1>老城区菜市场完成改造</h1>"
    "<p>经过半年的改造，老城区中心菜市场重新开业，摊位从八十个增加到一百二十个。</p>"
    "<p>改造后的市场增加了冷链柜台和电子秤，摊主和顾客都表示购物环境明显改善。</p>"
    "<p>市场管理方介绍，每天早上六点开门，晚上八点关门，周末延长一小时。</p>"
    "</article></body></html>";

Test(feed_charset, gbk_feed_with_charset_only_in_http_header, .timeout = 300)
{
    char *root = ov_test_tmpdir("gbk-site");
    char feed[8192];
    snprintf(feed, sizeof feed,
             "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>江川日报&nbsp;本地新闻</title>"
             "<item><title>江川大桥今日通车</title><link>/news/1.gbkhtml</link>"
             "<description>连接江川两岸的大桥今天上午正式通车&hellip;</description>"
             "<pubDate>Mon, 13 Nov 2023 08:00:00 +0800</pubDate></item>"
             "<item><title>老城区菜市场完成改造</title><link>/news/2.gbkhtml</link>"
             "<pubDate>Mon, 13 Nov 2023 09:00:00 +0800</pubDate></item>"
             "<item><title>市图书馆延长开放时间</title><guid isPermaLink=\"false\">jc-2023-11-13-3</guid>"
             "<description>&lt;p&gt;市图书馆从下周起每天开放到晚上九点，周末全天开放，"
             "读者可以在网上预约座位和借书。&lt;/p&gt;&lt;p&gt;图书馆新增了两千本儿童读物和一个安静的阅读区。"
             "&lt;/p&gt;</description></item>"
             "<item><title>点击领奖</title><link>javascript:alert(1)</link></item>"
             "</channel></rss>\n");
    write_gbk(root, "feed.gbkrss", feed);
    char news[4300];
    snprintf(news, sizeof news, "%s/news", root);
    cr_assert_eq(mkdir(news, 0755), 0);
    write_gbk(news, "1.gbkhtml", page1);
    write_gbk(news, "2.gbkhtml", page2);

    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(root, &ng), 0, "nginx did not start");
    char *url = ov_test_nginx_url(ng, "/feed.gbkrss");
    char *book = ov_test_book_path("feed-gbk.epub");

    /* octavo feed sees the same entries */
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "feed", url, NULL);
    cr_assert_eq(st, 3, "feed exit %d: %s", st, r.err);
    cr_assert(strstr(r.out, "江川日报\u00a0本地新闻"), "feed title: %s", r.out);
    cr_assert(strstr(r.out, "老城区菜市场完成改造"), "%s", r.out);
    cr_assert(strstr(r.err, "javascript:"), "the refused item is not reported: %s", r.err);
    ov_test_run_free(&r);

    st = ov_test_octavo(&r, NULL, "build", "--no-cache", url, "-o", book, NULL);
    cr_assert_eq(st, 3, "build exit %d (want 3: one refused item): %s", st, r.err);
    cr_assert(strstr(r.err, "javascript:"), "the refused item is not reported: %s", r.err);
    ov_test_run_free(&r);

    char *nav = ov_test_zip_entry(book, "nav.xhtml", NULL);
    cr_assert(nav, "no nav in %s", book);
    cr_assert(strstr(nav, "江川大桥今日通车"), "title 1 lost: %s", nav);
    cr_assert(strstr(nav, "老城区菜市场完成改造"), "title 2 lost: %s", nav);
    cr_assert(strstr(nav, "市图书馆延长开放时间"), "link-less item lost: %s", nav);
    cr_assert_null(strstr(nav, "\xEF\xBF\xBD"), "replacement characters in the nav: %s", nav);
    free(nav);
    char *opf = ov_test_zip_entry(book, ".opf", NULL);
    cr_assert(opf && strstr(opf, "江川日报"), "the feed title is not the book's: %s", opf);
    free(opf);

    /* the article text itself, in some chapter of the book */
    int found1 = 0, found2 = 0, found3 = 0;
    for (int i = 1; i < 12; i++) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "text/a%03d.xhtml", i);
        char *ch = ov_test_zip_entry(book, suffix, NULL);
        if (!ch)
            continue;
        found1 |= strstr(ch, "双向六车道") != NULL;
        found2 |= strstr(ch, "冷链柜台和电子秤") != NULL;
        found3 |= strstr(ch, "两千本儿童读物") != NULL;
        cr_assert_null(strstr(ch, "\xEF\xBF\xBD"), "replacement characters in %s", suffix);
        free(ch);
    }
    cr_assert(found1 && found2 && found3, "article text missing: %d %d %d", found1, found2,
              found3);

    ov_test_nginx_stop(ng);
    free(url);
    free(book);
    free(root);
}

/* A valid RSS behind a 5 KB comment, a long stylesheet PI and a 100 KB
 * internal entity is still a feed, not one chapter of raw feed text. */
Test(feed_charset, feed_behind_a_long_prologue, .timeout = 300)
{
    char *root = ov_test_tmpdir("prologue-site");
    char path[4300];
    snprintf(path, sizeof path, "%s/feed.rss", root);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--", f);
    for (int i = 0; i < 5120; i++)
        fputc('-' + (i % 2) * ('x' - '-'), f);
    fputs(" -->\n<?xml-stylesheet type=\"text/xsl\" href=\"/style/", f);
    for (int i = 0; i < 5000; i++)
        fputc('s', f);
    fputs(".xsl\"?>\n<!DOCTYPE rss [<!ENTITY pad \"", f);
    for (int i = 0; i < 100 * 1024; i++)
        fputc('p', f);
    fputs("\">]>\n<rss version=\"2.0\"><channel><title>Prologue news</title>"
          "<item><title>Harbour reopens</title><link>/a.html</link></item></channel></rss>\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/a.html", root);
    f = fopen(path, "w");
    cr_assert(f);
    fputs("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour reopens"
          "</title></head><body><article><h1>Harbour reopens</h1><p>The old harbour opened "
          "again this morning after two years of repairs to its sea wall and piers.</p><p>Fishing "
          "boats and the ferry to the islands returned at nine, and the market on the quay "
          "reopened with them.</p></article></body></html>\n",
          f);
    fclose(f);
    ov_test_nginx *ng = NULL;
    cr_assert_eq(ov_test_nginx_start(root, &ng), 0, "nginx did not start");
    char *url = ov_test_nginx_url(ng, "/feed.rss");
    char *book = ov_test_book_path("feed-prologue.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", url, "-o", book, NULL);
    cr_assert_eq(st, 0, "build exit %d: %s", st, r.err);
    ov_test_run_free(&r);
    char *nav = ov_test_zip_entry(book, "nav.xhtml", NULL);
    cr_assert(nav && strstr(nav, "Harbour reopens"), "the feed's article is missing: %s", nav);
    free(nav);
    char *ch = ov_test_zip_entry(book, "text/a001.xhtml", NULL);
    cr_assert(ch && strstr(ch, "sea wall") && !strstr(ch, "ppppp"), "wrong chapter: %s", ch);
    free(ch);
    ov_test_nginx_stop(ng);
    free(url);
    free(book);
    free(root);
}
