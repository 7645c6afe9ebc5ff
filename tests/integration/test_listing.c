/* A page of links is told from an article (issue 11, item 10): the
 * detector on pages written here, then `octavo build` on the sample site's
 * front page without --pattern. (The build module links the whole library,
 * so its unit tests live in this tier.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/listing.h"
#include "ov_test.h"

static ov_article *with_body(const char *body)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, body), 0);
    return a;
}

static const char section_front[] =
    "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss/world.xml\">"
    "</head><body><nav><a href=\"/\">Home</a> <a href=\"/world/\">World</a></nav>"
    "<h1>World</h1><ul>"
    "<li><a href=\"/2026/11/28/ferry.html\">Ferry terminal plan wins approval</a></li>"
    "<li><a href=\"/2026/11/27/budget.html\">Council delays budget vote again</a></li>"
    "<li><a href=\"/2026/11/26/estuary.html\">The estuary remembers a long year</a></li>"
    "<li><a href=\"/2026/11/25/bridge.html\">江川大桥完成主体加固 下月起恢复通行</a></li>"
    "<li><a href=\"/2026/11/24/tea.html\">古鎮茶館裡的冬日時光與老街新變化</a></li>"
    "<li><a href=\"/2026/11/20/light.html\">Notes from the last lighthouse keeper</a></li>"
    "</ul></body></html>";

Test(listing_unit, section_front_is_a_listing_and_names_its_feed)
{
    ov_article *a = with_body("<h2>World</h2>");
    size_t n = 0;
    cr_assert(ov__listing_like(a, (const unsigned char *)section_front, strlen(section_front), &n));
    cr_assert_eq(n, 6);
    char *feed = ov__listing_feed((const unsigned char *)section_front, strlen(section_front),
                                  "https://news.example.org/world/");
    cr_assert_str_eq(feed, "https://news.example.org/rss/world.xml");
    char why[512];
    ov__listing_reason(n, feed, why, sizeof why);
    cr_assert(strstr(why, "a page of 6 links"), "%s", why);
    cr_assert(strstr(why, "https://news.example.org/rss/world.xml"), "%s", why);
    cr_assert(strstr(why, "--pattern"), "%s", why);
    free(feed);
    ov_article_free(a);
}

Test(listing_unit, article_with_related_headlines_is_not)
{
    /* a short article (about 200 characters) with six related headlines below */
    ov_article *a = with_body(
        "<p>江川县应急管理局会同水务、交通等部门，连夜从县物资储备库调运沙袋、救生衣、照明设备等防汛物资，"
        "送往沿江各乡镇。县气象台预计，未来三天上游仍有中到大雨，江川沿岸水位可能继续上涨，"
        "各乡镇已安排人员二十四小时值守，确保群众安全过冬。县里还组织了三支应急抢险队伍，"
        "随时准备出动，并在沿江村庄设置了临时安置点。</p>");
    size_t n = 0;
    cr_assert_not(ov__listing_like(a, (const unsigned char *)section_front,
                                   strlen(section_front), &n));
    ov_article_free(a);
    /* a long body is never a listing, whatever the page */
    char *longer = malloc(4000);
    cr_assert(longer);
    size_t at = (size_t)snprintf(longer, 4000, "<p>");
    for (int i = 0; i < 60; i++)
        at += (size_t)snprintf(longer + at, 4000 - at, "Many words. ");
    snprintf(longer + at, 4000 - at, "</p>");
    a = with_body(longer);
    cr_assert_not(ov__listing_like(a, (const unsigned char *)section_front, strlen(section_front), NULL));
    free(longer);
    ov_article_free(a);
    /* no page bytes: no verdict */
    a = with_body("<p>x</p>");
    cr_assert_not(ov__listing_like(a, NULL, 0, NULL));
    cr_assert_null(ov__listing_feed((const unsigned char *)"<p>no head</p>", 14, NULL));
    ov_article_free(a);
}

Test(listing, saved_section_front_is_refused_with_advice, .timeout = 120)
{
    char *book = ov_test_book_path("listing-with-article.epub");
    char *index = ov_test_source_path("examples/sample-site/index.html");
    char *article = ov_test_source_path("examples/sample-site/news/2026/11/20/lighthouse-keeper.html");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", index, "-o", book, NULL);
    cr_assert_eq(st, 1, "exit %d\n%s", st, r.err);
    cr_assert(strstr(r.err, "not an article"), "%s", r.err);
    cr_assert(strstr(r.err, "--pattern"), "%s", r.err);
    cr_assert(strstr(r.err, "feed.xml"), "the announced feed is suggested: %s", r.err);
    ov_test_run_free(&r);
    /* the listing next to an article: the article is the book, the listing a skip (exit 3) */
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", index, article, "-o", book, NULL);
    cr_assert_eq(st, 3, "exit %d\n%s", st, r.err);
    ov_test_run_free(&r);
    free(article);
    free(index);
    free(book);
}
