/*
 * Article-body extraction on small pages we wrote, each showing one
 * structure that real pages have and that once cost the article: a wrapper
 * holding many links below the article, text nodes ending in CR LF plus
 * indentation, ASP.NET pages inside one <form>, class words inside longer
 * words, hidden duplicates, noscript tracking pixels, CJK portals with long
 * related lists. Each test checks the article text, not just "something".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"
#include "util/buf.h"

#define OV_T_PAGE_MAX (256u * 1024u)

/* Extract `html` and return its plain text (caller frees); the article's
 * XHTML goes to *xhtml when asked. Fails the test on an error. */
static char *extract_text(const char *html, char **xhtml)
{
    ov_article *a = NULL;
    ov_error err;
    ov_error_clear(&err);
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    int rc = ov_transform_extract((const unsigned char *)html, strlen(html), "http://example.org/a/1.html", &o, &a, &err);
    cr_assert_eq(rc, 0, "extract failed: %s", err.message);
    char *t = NULL;
    cr_assert_eq(ov_article_text(a, &t, &err), 0);
    if (xhtml) *xhtml = strdup(a->body_xhtml);
    ov_article_free(a);
    return t;
}

/* A sentence of filler prose, numbered so that repeats differ. */
static void prose(ov__buf *b, const char *tag, int n, const char *lead)
{
    for (int i = 0; i < n; i++)
        ov__buf_printf(b, "<%s>%s sentence %d of the story, with enough words to read as prose, and a comma.</%s>\n",
                       tag, lead, i, tag);
}

Test(transform_extract, text_node_ending_in_crlf_and_indent_keeps_every_paragraph)
{
    char *t = extract_text("<html><body><div><p>A sentence.\r\n</p><p>B.\r\n    </p><p>C.</p></div></body></html>", NULL);
    cr_assert(strstr(t, "A sentence."), "got: %s", t);
    cr_assert(strstr(t, "B."), "got: %s", t);
    cr_assert(strstr(t, "C."), "got: %s", t);
    free(t);
}

Test(transform_extract, text_node_ending_in_blanks_inside_inline_elements)
{
    char *t = extract_text("<html><body><div><p><b>Bold lead. \n</b>Then the rest of it. \n  <i>Last words.\r\n</i></p></div></body></html>", NULL);
    cr_assert(strstr(t, "Bold lead."), "got: %s", t);
    cr_assert(strstr(t, "Then the rest of it."), "got: %s", t);
    cr_assert(strstr(t, "Last words."), "got: %s", t);
    free(t);
}

Test(transform_extract, wrapper_with_many_links_below_the_article_is_kept)
{
    /* The page wrapper holds the article and, below it, a list of 16
     * related links: over 420 characters of link text, under half of the
     * wrapper's text. Measuring the wrapper's text capped at 700 bytes but
     * its links uncapped deleted the wrapper, and the article with it. */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Harbour reopens</title></head><body><div class=\"wrap\"><div>");
    prose(&b, "p", 8, "Harbour");
    ov__buf_puts(&b, "</div><div><ul>");
    for (int i = 0; i < 16; i++)
        ov__buf_printf(&b, "<li><a href=\"/r/%d\">Another related headline number %d</a></li>", i, i);
    ov__buf_puts(&b, "</ul></div></div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Harbour sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Harbour sentence 7 of the story"), "got: %s", t);
    free(t);
    ov__buf_free(&b);
}

/* Navigation, a sidebar of links and a footer around an article. */
static void page_chrome(ov__buf *b, int head)
{
    if (head) {
        ov__buf_puts(b, "<div class=\"top\"><ul class=\"nav\">");
        for (int i = 0; i < 8; i++) ov__buf_printf(b, "<li><a href=\"/s/%d\">Section %d</a></li>", i, i);
        ov__buf_puts(b, "</ul></div>");
    } else {
        ov__buf_puts(b, "<div class=\"side\"><h3>Most read</h3><ul>");
        for (int i = 0; i < 12; i++) ov__buf_printf(b, "<li><a href=\"/m/%d\">A much read story, number %d</a></li>", i, i);
        ov__buf_puts(b, "</ul></div><div class=\"footer\">Copyright 2026 The Example Herald. All rights reserved.</div>");
    }
}

Test(transform_extract, aspnet_form_wrapping_the_whole_page_keeps_the_article)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Council budget</title></head><body><form name=\"aspnetForm\" method=\"post\" "
                     "action=\"./story.aspx\" id=\"aspnetForm\"><input type=\"hidden\" name=\"__VIEWSTATE\" value=\"abc\"/>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div id=\"ctl00_body\"><div class=\"story\">");
    prose(&b, "p", 6, "Budget");
    ov__buf_puts(&b, "</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</form></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Budget sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Budget sentence 5 of the story"), "got: %s", t);
    cr_assert(!strstr(t, "A much read story"), "sidebar kept: %s", t);
    cr_assert(!strstr(t, "All rights reserved"), "footer kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, class_words_inside_longer_names_do_not_delete_the_article)
{
    /* "ad" inside Page-ad-margins, "nav" inside a layout name, a widget
     * holding the post: layout names, not noise */
    static const char *const wrappers[] = {"Page-ad-margins", "layout-nav-shell", "widget Blog", "has-sidebar-right"};
    for (size_t w = 0; w < sizeof wrappers / sizeof wrappers[0]; w++) {
        ov__buf b = OV__BUF_INIT;
        ov__buf_puts(&b, "<html><head><title>Ferry times</title></head><body>");
        page_chrome(&b, 1);
        ov__buf_printf(&b, "<div class=\"%s\"><div class=\"inner\">", wrappers[w]);
        prose(&b, "p", 5, "Ferry");
        ov__buf_puts(&b, "</div></div>");
        page_chrome(&b, 0);
        ov__buf_puts(&b, "</body></html>");
        char *t = extract_text(b.data, NULL);
        cr_assert(strstr(t, "Ferry sentence 0 of the story"), "%s: got: %s", wrappers[w], t);
        cr_assert(strstr(t, "Ferry sentence 4 of the story"), "%s: got: %s", wrappers[w], t);
        free(t);
        ov__buf_free(&b);
    }
}

Test(transform_extract, hidden_elements_are_left_out)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Bridge repairs</title></head><body><div class=\"story\">");
    prose(&b, "p", 5, "Bridge");
    ov__buf_puts(&b, "<div style=\"display: none\"><p>Hidden duplicate one, a sentence that is long enough, with a comma.</p></div>"
                     "<p hidden>Hidden duplicate two, a sentence that is long enough, with a comma.</p>"
                     "<div aria-hidden=\"true\"><p>Hidden duplicate three, a sentence that is long enough, with a comma.</p></div>"
                     "<p style=\"visibility:hidden\">Hidden duplicate four, a sentence long enough, with a comma.</p>");
    prose(&b, "p", 2, "Closing");
    ov__buf_puts(&b, "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Bridge sentence 4 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Closing sentence 1 of the story"), "got: %s", t);
    cr_assert(!strstr(t, "Hidden duplicate"), "hidden text kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, noscript_tracking_pixels_and_notices_are_never_emitted)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Rail strike</title></head><body><div class=\"story\">"
                     "<noscript><img src=\"https://stats.example.net/pixel.gif?id=42\" width=\"1\" height=\"1\" alt=\"\"/></noscript>"
                     "<noscript><p>Please enable JavaScript to view the comments.</p></noscript>");
    prose(&b, "p", 5, "Rail");
    ov__buf_puts(&b, "<noscript><img src=\"https://beacon.example.org/b?x=1\" alt=\"\"/></noscript></div></body></html>");
    ov_article *a = NULL;
    ov_error err;
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    cr_assert_eq(ov_transform_extract((const unsigned char *)b.data, b.len, "http://example.org/r.html", &o, &a, &err), 0);
    cr_assert(strstr(a->body_xhtml, "Rail sentence 4"), "got: %s", a->body_xhtml);
    cr_assert(!strstr(a->body_xhtml, "enable JavaScript"), "noscript text kept: %s", a->body_xhtml);
    cr_assert(!strstr(a->body_xhtml, "<img"), "tracking pixel kept: %s", a->body_xhtml);
    cr_assert_eq(a->n_images, 0);
    ov_article_free(a);
    ov__buf_free(&b);
}

Test(transform_extract, article_with_many_inline_links_is_kept_whole)
{
    /* a third of every paragraph is link text: still the article */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Links everywhere</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"post\">");
    for (int i = 0; i < 6; i++)
        ov__buf_printf(&b, "<p>Paragraph %d says that <a href=\"/a/%d\">the city council report</a> was read by "
                           "<a href=\"/b/%d\">several local groups</a>, and that the results will be shown in the spring.</p>",
                       i, i, i);
    ov__buf_puts(&b, "</div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    for (int i = 0; i < 6; i++) {
        char want[64];
        snprintf(want, sizeof want, "Paragraph %d says that", i);
        cr_assert(strstr(t, want), "missing %s: got: %s", want, t);
    }
    cr_assert(!strstr(t, "A much read story"), "sidebar kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, cjk_portal_with_a_long_related_list_keeps_the_article_only)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><meta charset=\"utf-8\"><title>江边公园开放</title></head><body>"
                     "<div class=\"wrap\"><div class=\"menu\"><a href=\"/\">首页</a><a href=\"/a\">新闻</a><a href=\"/b\">体育</a></div>"
                     "<div class=\"left\"><div class=\"text\">");
    for (int i = 0; i < 5; i++)
        ov__buf_printf(&b, "<p>　　第%d段：江边公园昨日正式开放，市民可以沿着新修的步道散步、骑车，周末还有志愿者讲解园内的植物。</p>", i);
    ov__buf_puts(&b, "</div><div class=\"xgxw\"><h3>相关新闻</h3><ul>");
    for (int i = 0; i < 30; i++) ov__buf_printf(&b, "<li><a href=\"/n/%d.html\">本市第%d个社区公园完成改造</a></li>", i, i);
    ov__buf_puts(&b, "</ul></div></div><div class=\"right\"><h3>排行</h3><ul>");
    for (int i = 0; i < 10; i++) ov__buf_printf(&b, "<li><a href=\"/h/%d.html\">热点新闻标题第%d条</a></li>", i, i);
    ov__buf_puts(&b, "</ul></div></div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "第0段：江边公园昨日正式开放"), "got: %s", t);
    cr_assert(strstr(t, "第4段：江边公园昨日正式开放"), "got: %s", t);
    cr_assert(!strstr(t, "社区公园完成改造"), "related list kept: %s", t);
    cr_assert(!strstr(t, "热点新闻标题"), "ranking kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, no_empty_headings)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Harvest</title></head><body><div class=\"story\"><h2> </h2><h3><a href=\"#top\"></a></h3>");
    prose(&b, "p", 4, "Harvest");
    ov__buf_puts(&b, "<h2><span> </span></h2></div></body></html>");
    char *x = NULL;
    char *t = extract_text(b.data, &x);
    cr_assert(strstr(t, "Harvest sentence 3"), "got: %s", t);
    cr_assert(!strstr(x, "<h2></h2>") && !strstr(x, "<h3></h3>") && !strstr(x, "<h3><a"), "empty heading: %s", x);
    free(x);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, metadata_is_returned_when_the_page_has_no_article_text)
{
    static const char page[] = "<html><head><title>Notice of closure</title><meta name=\"author\" content=\"Mei Lin\">"
                               "<meta property=\"article:published_time\" content=\"2026-11-20T08:00:00Z\"></head>"
                               "<body><div><img src=\"/logo.png\" width=\"1\" height=\"1\"></div></body></html>";
    ov_article *a = NULL;
    ov_error err;
    ov_error_clear(&err);
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    int rc = ov_transform_extract((const unsigned char *)page, sizeof page - 1, "http://example.org/n.html", &o, &a, &err);
    cr_assert_eq(rc, OV_ENOTFOUND, "rc %d", rc);
    cr_assert(strstr(err.message, "no article content"), "message: %s", err.message);
    cr_assert_not_null(a);
    cr_assert_str_eq(a->title, "Notice of closure");
    cr_assert_str_eq(a->byline, "Mei Lin");
    cr_assert_str_eq(a->body_xhtml, "");
    ov_article_free(a);
}

/* <picture>: the <img>'s own src is the picture every reader can show; a
 * <source> (another format, another crop) is used only when the <img> has
 * none but a placeholder. libxml2 nests the <img> inside the void <source>
 * unless the parser repairs it, which is what made this case visible. */
Test(transform_extract, picture_prefers_the_img_src_over_a_source)
{
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><article><h1>Tide</h1>"
                     "<picture><source type=\"image/webp\" srcset=\"/img/other.webp\">"
                     "<img src=\"/img/estuary.jpg\" alt=\"The estuary\"></picture>\n");
    prose(&b, "p", 6, "Estuary");
    ov__buf_puts(&b, "<picture><source srcset=\"/img/real.jpg\">"
                     "<img src=\"/img/placeholder.gif\" alt=\"Second\"></picture>\n");
    prose(&b, "p", 2, "More");
    ov__buf_puts(&b, "</article></body></html>");
    char *xhtml = NULL;
    char *t = extract_text(b.data, &xhtml);
    cr_expect(strstr(xhtml, "http://example.org/img/estuary.jpg"), "%s", xhtml);
    cr_expect(!strstr(xhtml, "other.webp"), "%s", xhtml);
    cr_expect(strstr(xhtml, "http://example.org/img/real.jpg"), "%s", xhtml);
    free(t);
    free(xhtml);
    ov__buf_free(&b);
}

Test(transform_extract, schema_article_body_inside_a_share_wrapper_is_kept)
{
    /* the sharing bar's wrapper holds the whole story (a strong class word
     * on its ancestor); the publisher's itemprop="articleBody" says where
     * the article is, and a sponsor's blurb elsewhere must not win */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Testing suite</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div id=\"leftcol\"><div class=\"share_wrapper\"><div class=\"article\"><h1>Testing suite</h1>"
                     "<div class=\"share_tools\"><a href=\"/tw\">Tweet</a></div><div itemprop=\"articleBody\">");
    prose(&b, "p", 6, "Suite");
    ov__buf_puts(&b, "</div></div></div></div><div id=\"rightcol\"><div class=\"resources\"><h3>White Paper</h3>");
    prose(&b, "p", 2, "Sponsor");
    ov__buf_puts(&b, "</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Suite sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Suite sentence 5 of the story"), "got: %s", t);
    cr_assert(!strstr(t, "Sponsor sentence"), "sponsor kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, short_story_above_a_list_of_teasers_in_its_column_is_not_merged_with_them)
{
    /* a short story and, in the same column below it, a "most read" list
     * whose teasers carry prose excerpts: the column holds the story plus
     * more good prose than noise, but the prose is other articles' */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Night trains</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"col primary\"><div class=\"story\"><h1>Night trains</h1>");
    for (int i = 0; i < 3; i++)
        ov__buf_printf(&b, "<p>Trains sentence %d of the story, with enough words to read as prose, and a comma. It goes "
                           "on for a while, because the night trains are back on the line after ten years, and the "
                           "town has waited for them. The first one left at midnight, full, and the second one will leave "
                           "next week, when the timetable of the winter starts.</p>",
                       i);
    ov__buf_puts(&b, "</div><div class=\"mostread\"><h3>Most read</h3><div class=\"box\"><div class=\"inner\"><ul>");
    for (int i = 0; i < 2; i++)
        ov__buf_printf(&b, "<li><a href=\"/t/%d\">Teaser headline %d</a><p>Teaser %d excerpt: the first lines of "
                           "another story, long enough to read as prose, with a comma, and then some more words about "
                           "what happened in the other story, and why it matters to the people of the town, who have "
                           "read about it all week. Their letters came in every day, and the editor printed many of "
                           "them on the second page.</p></li>",
                       i, i, i);
    ov__buf_puts(&b, "</ul></div></div></div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Trains sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Trains sentence 2 of the story"), "got: %s", t);
    cr_assert(!strstr(t, "excerpt"), "teasers kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, comment_text_blocks_below_the_post_are_left_out)
{
    /* each reader comment sits in a "comment-text" block inside the post's
     * wrapper: "text" names a part of the comment, it does not cancel the
     * comment word */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Battery maker</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"article-content\"><div class=\"innerdesc\">");
    prose(&b, "p", 5, "Battery");
    ov__buf_puts(&b, "</div><div class=\"contentheading\">Comments (3)</div><div id=\"commentsdiv\">");
    for (int i = 0; i < 3; i++)
        ov__buf_printf(&b, "<div class=\"entry\"><span class=\"small\">written by reader %d, October 2026</span>"
                           "<div class=\"comment-text\">Reader %d thinks that the story is right, and that the "
                           "company should have seen it coming, because the market has been slow for years.</div></div>",
                       i, i);
    ov__buf_puts(&b, "</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Battery sentence 0 of the story"), "got: %s", t);
    cr_assert(strstr(t, "Battery sentence 4 of the story"), "got: %s", t);
    cr_assert(!strstr(t, "thinks that the story"), "comments kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, author_bio_box_below_the_post_is_left_out)
{
    /* the author's biography box closes the post inside its text block:
     * prose, but about the writer, not the story */
    static const char *const boxes[] = {"author-bio", "bio", "authorbox", "author-profile"};
    for (size_t k = 0; k < sizeof boxes / sizeof boxes[0]; k++) {
        ov__buf b = OV__BUF_INIT;
        ov__buf_puts(&b, "<html><head><title>Tissue trees</title></head><body>");
        page_chrome(&b, 1);
        ov__buf_puts(&b, "<div class=\"post\"><div class=\"entry\">");
        prose(&b, "p", 9, "Craft");
        ov__buf_printf(&b, "<div class=\"%s\"><h4>About the writer</h4><p>Jo is a mother of three who lives in "
                           "Colorado and writes about the crafts she makes with her children on rainy days. Before that "
                           "she was a teacher for ten years, and she still likes to show other people how easy it is "
                           "to make something with their own hands.</p></div></div></div>",
                       boxes[k]);
        page_chrome(&b, 0);
        ov__buf_puts(&b, "</body></html>");
        char *t = extract_text(b.data, NULL);
        cr_assert(strstr(t, "Craft sentence 0 of the story"), "%s: got: %s", boxes[k], t);
        cr_assert(strstr(t, "Craft sentence 8 of the story"), "%s: got: %s", boxes[k], t);
        cr_assert(!strstr(t, "mother of three"), "%s: bio kept: %s", boxes[k], t);
        free(t);
        ov__buf_free(&b);
    }
}

Test(transform_extract, share_icons_and_follow_notice_inside_a_short_cjk_story_are_left_out)
{
    /* a four-line Hong Kong story whose own container ends with a "follow
     * our Facebook page" notice (with its link) and a share bar of icons
     * whose alt texts are the labels; a story about Weibo keeps its words */
    const char *html =
        "<html><head><meta charset=\"utf-8\"><title>旺角小巴失控撞欄</title></head><body>"
        "<div class=\"nav\"><a href=\"/\">首頁</a> <a href=\"/n\">新聞</a></div>"
        "<div class=\"storyText\"><div id=\"story_text\">"
        "<p>旺角一輛小巴今早失控撞向路邊欄杆，車上三名乘客輕傷，由救護車送院治理。</p>"
        "<p>警方初步調查，相信司機轉彎時未能控制車速，事件中無人被捕。</p>"
        "<p>有市民表示，該路口經常有車輛高速轉彎，已多次向區議會反映，並在微博上分享現場照片，希望政府加裝欄杆。</p>"
        "<p><br/><br/>本網現已開設Facebook專頁，讓你即時掌握本地及國際新聞，與朋友分享！快點到Facebook讚好我們的專頁！"
        "<a href=\"http://facebook.example/page\">[按此 Like]</a></p>"
        "<div class=\"right\"><img src=\"/i/wb.gif\" alt=\"分享至微博\" onclick=\"share();\"/></div>"
        "<div id=\"storyShare\"><div class=\"left btn\"><img src=\"/i/fb.gif\" alt=\"分享至 Facebook\"/></div>"
        "<div class=\"left btn\"><a href=\"javascript:printpage();\"><img src=\"/i/p.gif\" alt=\"列印\"/></a></div>"
        "</div></div></div>"
        "<div class=\"foot\">版權所有 © 本網</div></body></html>";
    char *t = extract_text(html, NULL);
    cr_assert(strstr(t, "旺角一輛小巴今早失控撞向路邊欄杆"), "got: %s", t);
    cr_assert(strstr(t, "事件中無人被捕"), "got: %s", t);
    cr_assert(strstr(t, "並在微博上分享現場照片"), "prose about Weibo lost: %s", t);
    cr_assert(!strstr(t, "Facebook專頁"), "follow notice kept: %s", t);
    cr_assert(!strstr(t, "分享至"), "share icons kept: %s", t);
    cr_assert(!strstr(t, "列印"), "print icon kept: %s", t);
    free(t);
}

Test(transform_extract, most_read_heading_below_a_short_cjk_story_ends_the_article)
{
    /* a 150-character story and, in the same container, a "最熱門新聞"
     * list whose teasers are prose excerpts of other stories, with no class
     * to tell them apart: the heading ends the article */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><meta charset=\"utf-8\"><title>渡輪新年加班</title></head><body>"
                     "<div class=\"menu\"><a href=\"/\">首頁</a> <a href=\"/hk\">港聞</a></div>"
                     "<div class=\"yom-mod\"><div class=\"bd\">"
                     "<p>為方便市民新年期間出行，天星小輪於除夕晚將提供通宵服務，每半小時一班。</p>"
                     "<p>公司表示，年初二煙花匯演當晚亦會加密班次，並於碼頭增派人手維持秩序。</p>"
                     "<p>另外，離島航線由下周起加開早班船，方便居民上班及學生上學。</p>"
                     "<h3>最熱門新聞</h3><ul>");
    for (int i = 0; i < 4; i++)
        ov__buf_printf(&b, "<li><a href=\"/n/%d\">另一則新聞標題%d</a><p>【本報專訊】另一則新聞的首段摘要，寫的是別的事情，"
                           "有好幾句話，也有逗號和句號，讀起來就像正文一樣，但並不屬於這篇報道，第%d則。</p></li>",
                       i, i, i);
    ov__buf_puts(&b, "</ul><p>更多熱門新聞 »</p></div></div><div class=\"foot\">版權所有</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "天星小輪於除夕晚將提供通宵服務"), "got: %s", t);
    cr_assert(strstr(t, "方便居民上班及學生上學"), "got: %s", t);
    cr_assert(!strstr(t, "最熱門新聞"), "heading kept: %s", t);
    cr_assert(!strstr(t, "另一則新聞"), "teasers kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, poll_form_below_the_story_is_left_out_but_a_page_wide_form_is_kept)
{
    /* a survey under the story: a <form> of questions and radio-button
     * answers whose labels read like short lines of text */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><meta charset=\"utf-8\"><title>演員向傷者道歉</title></head><body><div class=\"article\">");
    for (int i = 0; i < 4; i++)
        ov__buf_printf(&b, "<p>第%d段：這位演員昨日接受訪問時再次表示，事發當晚他並不在現場，但對受傷的人感到抱歉，"
                           "並希望雙方可以冷靜處理，不要再讓事件擴大，影響身邊的同事和家人。</p>",
                       i);
    ov__buf_puts(&b, "<form method=\"post\" action=\"/poll\"><h4>調查</h4><p>你如何看待這次風波？</p>");
    for (int i = 0; i < 4; i++)
        ov__buf_printf(&b, "<p><input type=\"radio\" name=\"q1\" value=\"%d\"/>答案選項%d，說的是一種看法</p>", i, i);
    ov__buf_puts(&b, "<input type=\"submit\" value=\"投票\"/></form></div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "第0段") && strstr(t, "第3段"), "got: %s", t);
    cr_assert(!strstr(t, "答案選項"), "poll kept: %s", t);
    cr_assert(!strstr(t, "你如何看待"), "poll question kept: %s", t);
    free(t);
    ov__buf_free(&b);
    /* the same story inside one page-wide form with a check box: kept */
    char *t2 = extract_text("<html><body><form action=\"/x.aspx\"><div><p>The story, with enough words to read as "
                            "prose, and a comma, in a page-wide form.</p><p>Second sentence of the story, with a "
                            "comma, and more words.</p><input type=\"checkbox\"/><input type=\"checkbox\"/>"
                            "<input type=\"radio\"/></div></form></body></html>",
                            NULL);
    cr_assert(strstr(t2, "The story, with enough words"), "got: %s", t2);
    free(t2);
}

Test(transform_extract, object_fallback_content_is_kept_without_the_player)
{
    /* a Flash player whose fallback content (shown where the plugin is
     * missing) holds the story; <param> and <embed> are the player's */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"nav\"><a href=\"/\">Home</a></div><div class=\"story\">"
                     "<object data=\"/player.swf\" type=\"application/x-shockwave-flash\">"
                     "<param name=\"movie\" value=\"/player.swf\"/><embed src=\"/player.swf\"/>"
                     "<object data=\"/inner.swf\"><div class=\"fallback\">");
    prose(&b, "p", 5, "Fallback");
    ov__buf_puts(&b, "</div></object></object></div></body></html>");
    char *x = NULL;
    char *t = extract_text(b.data, &x);
    cr_assert(strstr(t, "Fallback sentence 0") && strstr(t, "Fallback sentence 4"), "got: %s", t);
    cr_assert(!strstr(x, "<object") && !strstr(x, "<param") && !strstr(x, "<embed"), "player kept: %s", x);
    free(t);
    free(x);
    ov__buf_free(&b);
}

Test(transform_extract, lede_before_the_post_container_is_kept)
{
    /* the lead video's caption sits in its own wrapper before the post,
     * whose body holds the story; a single paragraph scores too low for
     * the sibling merge */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>The headline</title></head><body><div id=\"content\">"
                     "<h1>The headline</h1><div class=\"video-wrap\"><div class=\"player\"><object data=\"/v.swf\">"
                     "<div><img src=\"/poster.jpg\"/><p class=\"caption\">The host talks with three guests about "
                     "the budget, and what it means for the schools and the teachers in the city.</p></div></object></div></div>"
                     "<div class=\"post\"><div class=\"entry-content\">");
    prose(&b, "p", 6, "Body");
    ov__buf_puts(&b, "</div><div class=\"tags\">Filed under <a href=\"/t/a\">Budget</a></div></div>"
                     "<div class=\"more\"><a href=\"/o1\">Other story one</a> <a href=\"/o2\">Other story two</a></div>"
                     "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    const char *lede = strstr(t, "The host talks with three guests");
    cr_assert(lede, "lede lost: %s", t);
    cr_assert(strstr(t, "Body sentence 5"), "got: %s", t);
    cr_assert(lede < strstr(t, "Body sentence 0"), "lede out of order: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, dateline_or_photo_box_before_the_body_is_not_a_lede)
{
    /* the block just before the body is a dateline (with a source, so
     * prose-like), or a photo box with its caption: neither is taken */
    const char *before[] = {"<div class=\"hd\">2012-01-12 16:56 From the Daily, a newspaper of the city, with its "
                            "reporters and the editors of the page.</div>",
                            "<table class=\"photobox\"><tr><td><img src=\"/p.jpg\"/></td></tr><tr><td>The mayor "
                            "visits the new school, and talks with the teachers there.</td></tr></table>"};
    for (size_t k = 0; k < 2; k++) {
        ov__buf b = OV__BUF_INIT;
        ov__buf_printf(&b, "<html><body><div id=\"main\">%s<div class=\"article\">", before[k]);
        prose(&b, "p", 6, "Body");
        ov__buf_puts(&b, "</div></div></body></html>");
        char *t = extract_text(b.data, NULL);
        cr_assert(strstr(t, "Body sentence 5"), "got: %s", t);
        cr_assert(!strstr(t, "From the Daily") && !strstr(t, "The mayor visits"), "taken as a lede: %s", t);
        free(t);
        ov__buf_free(&b);
    }
}

Test(transform_extract, headline_and_date_after_a_source_logo_are_left_out)
{
    /* a syndicated story: the source paper's logo, then the headline and a
     * bare date line inside the story cell; a credit line after a lead
     * image stays */
    const char *html =
        "<html><head><meta charset=\"utf-8\"><title>紅磡住宅遭爆竊 - 示例網 - 新聞</title></head><body>"
        "<div id=\"content\"><p>\xc2\xa0\xc2\xa0</p><img src=\"/logo/paper.gif\"/>"
        "<div id=\"news_title\">紅磡住宅遭爆竊</div><div>2026-01-17 19:47:00</div>"
        "<p>紅磡一個單位遭賊人爆竊，損失財物逾萬元，戶主返回住所時發現大門有被人撬過的痕跡。</p>"
        "<p>警員到場調查，戶主點算後損失三千五百元現金及一批首飾，案件交由刑事部跟進。</p>"
        "</div></body></html>";
    char *t = extract_text(html, NULL);
    cr_assert(strstr(t, "紅磡一個單位遭賊人爆竊"), "got: %s", t);
    cr_assert(!strstr(t, "紅磡住宅遭爆竊\n"), "headline kept: %s", t);
    cr_assert(!strstr(t, "2026-01-17"), "date line kept: %s", t);
    free(t);
    html = "<html><head><title>Bridge delayed again</title></head><body><div class=\"story\">"
           "<img src=\"/lead.jpg\"/><p>By Sam Park on Monday, March 2nd, 2026</p>"
           "<p>The council met on Tuesday evening to discuss the new bridge, which has been delayed for two years "
           "because of rising costs and a dispute with the contractor over the design of its southern ramp.</p>"
           "<p>Residents said they were tired of waiting, and several asked whether the money would be better spent "
           "on the ferry service that already links both banks of the river every half hour.</p></div></body></html>";
    t = extract_text(html, NULL);
    cr_assert(strstr(t, "By Sam Park on Monday"), "credit line lost: %s", t);
    free(t);
}

Test(transform_extract, short_page_retry_lets_the_weakest_marks_go_first)
{
    /* the story's wrapper also holds the site menu, so its text is mostly
     * links (a weak mark by density); a side column of prose carries a
     * class word inside a longer name ("rightsidebar", a weak class mark).
     * With every mark nothing is left; the first retry lets the density
     * mark go and finds the story, long enough: the side column, which
     * scores better, stays out. */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div id=\"wrap\"><ul>");
    for (int i = 0; i < 45; i++) ov__buf_printf(&b, "<li><a href=\"/s/%d\">Section of the site number %02d</a></li>", i, i);
    ov__buf_puts(&b, "</ul><div>");
    prose(&b, "p", 8, "Story");
    ov__buf_puts(&b, "</div></div><div class=\"rightsidebar\"><div class=\"about\">");
    for (int i = 0; i < 8; i++) ov__buf_printf(&b, "<p>About us %d: a, b, c, and d, here.</p>", i);
    ov__buf_puts(&b, "</div></div><div class=\"footer\">");
    prose(&b, "p", 10, "Footer");
    ov__buf_puts(&b, "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Story sentence 0") && strstr(t, "Story sentence 7"), "got: %s", t);
    cr_assert(!strstr(t, "About us"), "side column kept: %s", t);
    cr_assert(!strstr(t, "Section of the site"), "menu kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

/* How many times does needle occur in hay? */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

Test(transform_extract, story_opening_repeated_in_a_sibling_block_is_kept_once)
{
    /* two variants of the story's opening (an A/B test; a style sheet
     * hides one), then the rest; a paragraph quoted twice stays twice */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><article><h1>Prices rise</h1>");
    for (int v = 0; v < 2; v++) {
        ov__buf_printf(&b, "<div class=\"snippet variant%d\">", v);
        prose(&b, "p", 4, "Opening");
        ov__buf_puts(&b, "</div>");
    }
    ov__buf_puts(&b, "<div class=\"rest\"><p>He said: \"We will build it, and they will come to it.\"</p>");
    prose(&b, "p", 4, "Rest");
    ov__buf_puts(&b, "<p>He said: \"We will build it, and they will come to it.\"</p></div></article></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert_eq(count_of(t, "Opening sentence 0"), 1, "got: %s", t);
    cr_assert_eq(count_of(t, "Opening sentence 3"), 1, "got: %s", t);
    cr_assert(strstr(t, "Rest sentence 3"), "got: %s", t);
    cr_assert_eq(count_of(t, "We will build it"), 2, "quote not kept twice: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, dateline_naming_the_source_and_bookmark_bar_are_left_out)
{
    /* a portal's story cell: headline, a dateline that also names the
     * source, the story, then a bookmark bar of linked icons whose alt is a
     * network's name; the source is still read for the metadata */
    const char *html =
        "<html><head><meta charset=\"utf-8\"><title>大桥工程再次延期_新聞_示例網</title></head><body>"
        "<div id=\"newsText\"><h2>大桥工程再次延期</h2>"
        "<p>示例網新聞中心\xe3\x80\x80(來源：示例日報)\xe3\x80\x80" "2026-01-12 09:01:22</p>"
        "<p>大桥工程因为承包商与设计方在南侧匝道上的分歧，已经延期两年，市议会周二晚上再次开会讨论。</p>"
        "<p>居民表示已经厌倦了等待，有人问这笔钱是否更应该用在每半小时往返两岸一次的渡轮上。</p>"
        "<ul><li><img alt=\"書籤\" src=\"/i/bm.gif\"/> <a title=\"twitter\" href=\"/share/tw\"><img alt=\"twitter\" src=\"/i/tw.png\"/></a>"
        " <a href=\"/share/pl\"><img alt=\"plurk\" src=\"/i/pl.png\"/></a></li></ul>"
        "</div></body></html>";
    ov_article *a = NULL;
    ov_error err;
    ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
    cr_assert_eq(ov_transform_extract((const unsigned char *)html, strlen(html), "http://example.org/a/1.html", &o, &a, &err), 0);
    char *t = NULL;
    cr_assert_eq(ov_article_text(a, &t, &err), 0);
    cr_assert(strstr(t, "大桥工程因为承包商"), "got: %s", t);
    cr_assert(!strstr(t, "2026-01-12"), "dateline kept: %s", t);
    cr_assert(!strstr(t, "twitter") && !strstr(t, "plurk") && !strstr(t, "書籤"), "bookmark bar kept: %s", t);
    cr_assert_str_eq(a->source, "示例日報");
    free(t);
    ov_article_free(a);
}

Test(transform_extract, reader_widget_lines_inside_a_cjk_story_are_left_out)
{
    /* the story cell carries a font-size setter, a comment counter, an
     * editor credit with an ASCII colon, a keyword box and a mood poll */
    const char *html =
        "<html><head><meta charset=\"utf-8\"><title>大桥工程再次延期</title></head><body>"
        "<div id=\"content\"><h1>大桥工程再次延期</h1><div>字級設定：<a href=\"#\">大</a> <a href=\"#\">小</a></div>"
        "<div>参与互动(0)</div>"
        "<p>大桥工程因为承包商与设计方在南侧匝道上的分歧，已经延期两年，市议会周二晚上再次开会讨论。</p>"
        "<p>居民表示已经厌倦了等待，有人问这笔钱是否更应该用在每半小时往返两岸一次的渡轮上。</p>"
        "<div>【编辑:王小平】</div><div>本篇新闻热门关键词: <a href=\"/t/1\">大桥</a></div>"
        "<div>這篇新聞讓您覺得？</div></div></body></html>";
    char *t = extract_text(html, NULL);
    cr_assert(strstr(t, "大桥工程因为承包商"), "got: %s", t);
    cr_assert(strstr(t, "渡轮上。"), "got: %s", t);
    cr_assert(!strstr(t, "字級設定"), "font setter kept: %s", t);
    cr_assert(!strstr(t, "参与互动"), "comment counter kept: %s", t);
    cr_assert(!strstr(t, "编辑:"), "editor credit kept: %s", t);
    cr_assert(!strstr(t, "热门关键词"), "keyword box kept: %s", t);
    cr_assert(!strstr(t, "讓您覺得"), "mood poll kept: %s", t);
    free(t);
}

Test(transform_extract, comment_thread_after_a_comments_heading_in_the_post_container_is_left_out)
{
    /* a blog engine's post container: the story, its trackbacks, then
     * "<h2 id="comments">Comments</h2>" and the readers' comments as plain
     * paragraphs with no class; and a WordPress-style "3 Responses to"
     * heading. The heading ends the story; a section headed "Comment" in
     * the story itself stays. */
    const char *heads[] = {"<h2><a id=\"comments\"></a>Comments</h2>", "<h2 id=\"comments\">Comments</h2>",
                           "<h3>3 Responses to &#8220;A story about boats&#8221;</h3>", "<h3>Readers' Comments (2)</h3>"};
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++) {
        ov__buf b = OV__BUF_INIT;
        ov__buf_puts(&b, "<html><head><title>A story about boats</title></head><body>"
                         "<div id=\"nav\"><a href=\"/\">Home</a> <a href=\"/archives\">Archives</a></div>"
                         "<div class=\"blog\"><h3>A story about boats</h3>");
        prose(&b, "p", 4, "Boats");
        ov__buf_puts(&b, "<h2><span>Comment</span></h2>");
        prose(&b, "p", 2, "Harbour");
        ov__buf_puts(&b, "<p class=\"posted\">Tracked on Apr 6, 2007 3:09:50 PM</p>");
        ov__buf_puts(&b, heads[k]);
        for (int i = 0; i < 6; i++)
            ov__buf_printf(&b, "<a id=\"c%d\"></a><p>Reader remark %d: I really enjoyed this post, and I think the "
                               "author is right about the boats, mostly.</p><p class=\"posted\">Posted by: Reader %d "
                               "| April 6, 2007 at 10:%02d AM</p>",
                           i, i, i, i);
        ov__buf_puts(&b, "</div></body></html>");
        char *t = extract_text(b.data, NULL);
        cr_assert(strstr(t, "Boats sentence 3 of the story"), "story lost (%zu): %s", k, t);
        cr_assert(strstr(t, "Harbour sentence 1 of the story"), "section after 'Comment' lost (%zu): %s", k, t);
        cr_assert(!strstr(t, "Reader remark"), "comments kept (%zu): %s", k, t);
        free(t);
        ov__buf_free(&b);
    }
}

Test(transform_extract, author_box_named_by_an_author_class_word_is_left_out)
{
    /* blog themes name the box by the word "author" alone ("author_info",
     * "post-author", "wp-about-author-container"); a positive word in the
     * same token says whose author ("article-author"). The post's own
     * container, named "entry-author-jo entry", stays. */
    static const char *const boxes[][2] = {{"div", "author_info"},
                                           {"aside", "post-author fix"},
                                           {"div", "wp-about-author-container"},
                                           {"section", "article-author clearfix"}};
    for (size_t k = 0; k < sizeof boxes / sizeof boxes[0]; k++) {
        ov__buf b = OV__BUF_INIT;
        ov__buf_puts(&b, "<html><head><title>Tissue trees</title></head><body>");
        page_chrome(&b, 1);
        ov__buf_puts(&b, "<div class=\"entry-author-jo entry-type-post entry\">");
        prose(&b, "p", 8, "Craft");
        ov__buf_printf(&b, "<%s class=\"%s\"><h4>About Jo</h4><p>Jo is a mother of three who lives in Colorado and writes about "
                           "the crafts she makes with her children on rainy days. Before that she was a teacher for "
                           "ten years, and she still likes to show other people how easy it is.</p></%s></div>",
                       boxes[k][0], boxes[k][1], boxes[k][0]);
        page_chrome(&b, 0);
        ov__buf_puts(&b, "</body></html>");
        char *t = extract_text(b.data, NULL);
        cr_assert(strstr(t, "Craft sentence 0 of the story"), "%s: got: %s", boxes[k][1], t);
        cr_assert(strstr(t, "Craft sentence 7 of the story"), "%s: got: %s", boxes[k][1], t);
        cr_assert(!strstr(t, "mother of three"), "%s: bio kept: %s", boxes[k][1], t);
        free(t);
        ov__buf_free(&b);
    }
}

Test(transform_extract, copyright_in_prose_is_kept_and_a_copyright_notice_is_left_out)
{
    /* "Copyright" in a sentence of the story is prose (a board's name, a
     * law); only the notice with the sign or a year is boilerplate */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"post\"><h1>Royalty rates</h1>"
                     "<p>The Copyright Royalty Board rules on Thursday on a request to raise the rates, "
                     "which all online music stores pay.</p>");
    prose(&b, "p", 5, "Rates");
    ov__buf_puts(&b, "<p>The judge is no copyright neophyte, as we put it last year.</p>"
                     "<p>Copyright \xc2\xa9 2012 Example Media. All material on this site is ours.</p>"
                     "<p>\xc2\xa9 Copyright Example Media, all of it, everywhere we publish it.</p>"
                     "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "The Copyright Royalty Board rules"), "got: %s", t);
    cr_assert(strstr(t, "no copyright neophyte"), "got: %s", t);
    cr_assert(strstr(t, "Rates sentence 4"), "got: %s", t);
    cr_assert(!strstr(t, "Example Media"), "notice kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, line_repeated_under_every_photo_of_a_gallery_is_said_once)
{
    /* a photo gallery: under each of 12 photos the same widget line; a
     * credit line said three times is content and stays */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"post\"><h1>Storm photos</h1>");
    prose(&b, "p", 4, "Storm");
    for (int i = 0; i < 12; i++)
        ov__buf_printf(&b, "<div class=\"photo\"><div class=\"note\">Mouseover photo to load notes</div>"
                           "<div><img src=\"/p/%d.jpg\" alt=\"Storm over the bay\"></div></div>", i);
    for (int i = 0; i < 3; i++) ov__buf_printf(&b, "<div><img src=\"/c/%d.jpg\"></div><p>Photo: Jo Doe</p>", i);
    ov__buf_puts(&b, "</div></body></html>");
    char *x = NULL;
    char *t = extract_text(b.data, &x);
    cr_assert(strstr(t, "Storm sentence 3"), "got: %s", t);
    cr_assert_eq(count_of(t, "Mouseover photo to load notes"), 1, "got: %s", t);
    cr_assert_eq(count_of(t, "Photo: Jo Doe"), 3, "got: %s", t);
    cr_assert_eq(count_of(x, "/p/11.jpg"), 1, "photo lost: %s", x);
    cr_assert_eq(count_of(x, "alt=\"Storm over the bay\""), 12, "alt lost: %s", x);
    free(t);
    free(x);
    ov__buf_free(&b);
}

Test(transform_extract, alt_stays_on_the_image_and_is_not_read_as_a_caption)
{
    /* a browser does not show an alt as text: CMSes fill it with the file
     * name ("IMG_6603", "coffee-cup-art-styrofoam") or one description for
     * a whole gallery; a real caption after the image is the figcaption */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"post\"><h1>Coffee art</h1>");
    prose(&b, "p", 4, "Coffee");
    ov__buf_puts(&b, "<div><img src=\"/a.jpg\" alt=\"IMG_6603\"></div>"
                     "<div><img src=\"/b.jpg\" alt=\"coffee-cup-art-styrofoam\"></div>"
                     "<div><img src=\"/c.jpg\" alt=\"A cup on the counter\"></div>"
                     "<div class=\"caption\">The cup that started it all.</div>");
    prose(&b, "p", 2, "After");
    ov__buf_puts(&b, "</div></body></html>");
    char *x = NULL;
    char *t = extract_text(b.data, &x);
    cr_assert(!strstr(t, "IMG_6603") && !strstr(t, "coffee-cup-art") && !strstr(t, "A cup on the counter"),
              "alt read as text: %s", t);
    cr_assert_eq(count_of(t, "The cup that started it all."), 1, "caption lost: %s", t);
    cr_assert(strstr(x, "alt=\"IMG_6603\"") && strstr(x, "alt=\"coffee-cup-art-styrofoam\""), "alt lost: %s", x);
    cr_assert(strstr(x, "alt=\"A cup on the counter\"/><figcaption>The cup that started it all.</figcaption>"),
              "figure: %s", x);
    free(t);
    free(x);
    ov__buf_free(&b);
}

Test(transform_extract, paragraph_of_prose_with_links_on_its_words_is_kept)
{
    /* a paragraph whose words are mostly links ("like Apples to Apples,
     * Cards Against Humanity") is the story's; a paragraph of links only,
     * a template's classed line and a line pointing at a bare address stay out */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"post\"><h1>Party games</h1>");
    prose(&b, "p", 5, "Games");
    ov__buf_puts(&b, "<p>If you like this one, you will probably like other casual games, like "
                     "<a href=\"/1\">Apples to Apples</a>, <a href=\"/2\">Cards Against Humanity</a> and "
                     "<a href=\"/3\">the three quick casual games of the year</a>.</p>"
                     "<p><a href=\"/4\">Older reviews of board games</a> <a href=\"/5\">Newer reviews of card "
                     "games</a> <a href=\"/6\">All of our game reviews</a>.</p>"
                     "<p class=\"postmetadata\">Filed under <a href=\"/7\">Board games, Card games</a></p>"
                     "<p>See the full list here: <a href=\"http://games.example.com/\">http://games.example.com/</a></p>"
                     "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Games sentence 4"), "got: %s", t);
    cr_assert(strstr(t, "Cards Against Humanity"), "linked prose lost: %s", t);
    cr_assert(!strstr(t, "Older reviews"), "link list kept: %s", t);
    cr_assert(!strstr(t, "Filed under"), "template line kept: %s", t);
    cr_assert(!strstr(t, "games.example.com"), "address line kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, long_paragraph_mostly_of_linked_names_is_not_marked_as_a_link_list)
{
    /* over 0.6 of a long plain paragraph in links (a credit list of
     * vendors, each name linked) is still the story's; a short line as
     * linked ("Source: Example Wire") is not */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><body><div class=\"post\"><h1>A fall wedding</h1>");
    prose(&b, "p", 5, "Wedding");
    ov__buf_puts(&b, "<p>Photos by <a href=\"/1\">Scott Andrew Studio Photography</a>, the venue "
                     "<a href=\"/2\">a private residence in the Napa Valley hills</a>, flowers by "
                     "<a href=\"/3\">Tracy Taylor Ward Floral Design</a>.</p>"
                     "<p>Source: <a href=\"/4\">Example Wire</a></p>"
                     "</div></body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Wedding sentence 4"), "got: %s", t);
    cr_assert(strstr(t, "Tracy Taylor Ward Floral Design"), "linked credits lost: %s", t);
    cr_assert(!strstr(t, "Example Wire"), "short linked line kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, link_roundup_post_keeps_its_container)
{
    /* a blog's link roundup: a dated intro and a list of linked headlines,
     * each with a remark, inside the post's "entry-content", over half of
     * its text in links; an author box below makes the wrapper the chosen
     * block. The container named as content is the post, its link lines
     * too; the sidebar still goes. */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Quickies 10.29</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div id=\"main\"><div class=\"post\"><p class=\"metadata\"><a href=\"/au/mary\">Mary</a> "
                     "<a href=\"/c/q\">Quickies</a> <a href=\"#comments\">7 Comments</a> October 29th</p>"
                     "<h2><a href=\"/q/10-29\">Quickies 10.29</a></h2><div class=\"entry-content\">"
                     "<p>On this day in 1863 the <a href=\"/rc\">International Red Cross</a> was formed. If you are in the "
                     "path of the storm today, as I am, please be careful!</p><ul>");
    static const char *const items[][2] = {{"Dog debarking policy raises protests", "It is sad to see dog lovers back it."},
                                           {"Calling all germs on your phone", "Do you really want to know?"},
                                           {"Laugh along with eight hundred clowns", "I would slowly back away."},
                                           {"A director opens up about her journey", ""},
                                           {"Cereal is big at Halloween with kids", ""},
                                           {"A new peril for parents: student loans", "Who else is going through this?"}};
    for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
        ov__buf_printf(&b, "<li><a href=\"/l/%zu\">%s</a>%s%s</li>", k, items[k][0], items[k][1][0] ? " - " : "",
                       items[k][1]);
    ov__buf_puts(&b, "</ul></div></div><div class=\"post-author\"><h3>About the author</h3><p>Mary is a scientist who "
                     "works on drugs you have hopefully never heard of, and she enjoys cooking to blue grass music.</p>"
                     "</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "International Red Cross was formed"), "intro lost: %s", t);
    cr_assert(strstr(t, "Calling all germs on your phone"), "roundup lost: %s", t);
    cr_assert(strstr(t, "Cereal is big at Halloween"), "roundup lost: %s", t);
    cr_assert(!strstr(t, "A much read story"), "sidebar kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, author_box_beside_a_short_post_is_not_merged_on_retry)
{
    /* a short post (under the retry threshold) and, beside its container,
     * the author's box with a longer bio: the retry that lets the class
     * marks go must not take the box in as a sibling that scores well */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Halo trailer</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"col-left\"><div class=\"post\"><h1>Weapons revealed in a new trailer</h1>"
                     "<p>You may remember that the laser was leaked on video yesterday, and the studio has just gone "
                     "one better with a look at all of the weapons in the game.</p>"
                     "<p>Most of the weapons in the trailer you are likely to have seen before, but there are a few "
                     "new ones, so check it out.</p><p>The game will be released on the 26th, and the studio says that "
                     "more of its maps will be shown at the show in the spring, with a beta for some players.</p></div>"
                     "<div class=\"post-author\"><h3>About the author</h3><p>I founded this blog in order to give the "
                     "country what I thought it really needed. After looking through tech news and review blogs over "
                     "the last few years I was fed up with the typical blog, and I thought that I could do better.</p>"
                     "</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "the laser was leaked"), "post lost: %s", t);
    cr_assert(strstr(t, "released on the 26th"), "post lost: %s", t);
    cr_assert(!strstr(t, "I founded this blog"), "author box kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, author_box_longer_than_a_short_post_is_not_the_article_on_retry)
{
    /* a comic post of two lines and, beside it, the artist's box with a
     * longer bio in its own "author_text" block: the retry that lets the
     * class marks go must not make the bio the best block */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>Freelance comic 284</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"col-left\"><div class=\"post post_bg\"><h1>Freelance comic 284: excuses</h1>"
                     "<ul class=\"the_post_meta\"><li><a href=\"/au/nc\">N. C. Winters</a></li><li><a href=\"/c/comic\">"
                     "Freelance comic</a></li><li>November 12th</li></ul><div class=\"post_inner_wrap\">"
                     "<p><img src=\"/ff284.jpg\" alt=\"Comic 284\"></p><p>Once a week, we feature a freelance-themed "
                     "comic from a talented artist. Why not also <a href=\"/c/comic\">take a look at our comic "
                     "archive</a>?</p></div></div>"
                     "<div class=\"about_author\"><ul class=\"author_links\"><li>N. C. Winters</li><li><a href=\"/w\">"
                     "Website</a></li></ul><div class=\"author_text\"><p><em>He is always drawing. When he is not making comics, doodling or "
                     "working as a freelance graphic artist, he spends his time painting pictures for galleries from "
                     "his home studio, and he also writes, with a cat on his desk, about the life of an artist who "
                     "works alone.</em></p></div></div></div>"
                     "<div class=\"footer\"><p>This site is a place for freelancers to find work, to learn about the "
                     "business of working alone and to meet other people who do the same, in every field of design, "
                     "writing and programming, wherever they live and whatever they charge for their time and work.</p>"
                     "<p>We write about it every day, and we read every letter that our readers send us.</p></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Once a week, we feature"), "post lost: %s", t);
    cr_assert(!strstr(t, "He is always drawing"), "author box kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, main_landmark_around_a_short_post_is_not_a_link_list)
{
    /* role="main" holds a short video post, its tag list and lists of the
     * network's other posts: over 0.6 of its text in links. The landmark
     * is not marked as a link list (the page minus it was the article:
     * a publisher's "About" box) */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>A craftsman</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div class=\"main-container\" role=\"main\"><article class=\"post-page\"><h1><a href=\"/p/1\">"
                     "Watch: portrait of a craftsman</a></h1><div class=\"body entry-content\"><p>Take a visit inside the "
                     "leather works studio of <a href=\"/fc\">the craftsman</a> in the hills. He gives us a very honest "
                     "view of his business.</p></div><ol class=\"tags\">");
    for (int i = 0; i < 6; i++) ov__buf_printf(&b, "<li><a href=\"/t/%d\">tag number %d</a></li>", i, i);
    ov__buf_puts(&b, "</ol></article><ul class=\"network-posts\">");
    for (int i = 0; i < 8; i++) ov__buf_printf(&b, "<li><a href=\"/n/%d\">Another post of the network, %d</a></li>", i, i);
    ov__buf_puts(&b, "</ul></div><div class=\"about\"><h4>About the publisher</h4><div>The publisher is a wholly "
                     "independent house of online fashion and lifestyle news sites with offices in two cities. Our "
                     "sites cover the latest in new and emerging trends and products in fashion, art, design and "
                     "much more.</div></div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "Take a visit inside the leather works"), "post lost: %s", t);
    cr_assert(!strstr(t, "wholly independent"), "about box kept: %s", t);
    free(t);
    ov__buf_free(&b);
}

Test(transform_extract, short_post_named_as_content_beats_a_sidebar_of_good_blurbs)
{
    /* a short post in "entry-content" and a sidebar of event blurbs, each
     * a long prose paragraph the classifier calls good: the classifier's
     * block (holding more good text than the post has text) does not win
     * over a block the page names as content */
    ov__buf b = OV__BUF_INIT;
    ov__buf_puts(&b, "<html><head><title>The weekly report</title></head><body>");
    page_chrome(&b, 1);
    ov__buf_puts(&b, "<div id=\"alpha\"><h2>The weekly report: faster databases</h2><div class=\"entry-content\">"
                     "<p>For this episode of the weekly report, I interviewed the principal engineer of the database "
                     "team, to learn more about the new storage options.</p><p>We discussed the use cases, and the "
                     "fact that you can add capacity to a running database while it is in use.</p></div></div>"
                     "<div id=\"gamma\"><h3>Featured events</h3>");
    for (int i = 0; i < 4; i++)
        ov__buf_printf(&b, "<h4><a href=\"/e/%d\">Event %d in the city</a></h4><p>This session, number %d, will use real "
                           "world case studies to help introduce how companies can use the cloud to stay flexible and "
                           "ahead of the curve, and it will also give you the chance to meet the team and the other "
                           "customers who came to the panel that the technical evangelist leads.</p>",
                       i, i, i);
    ov__buf_puts(&b, "</div>");
    page_chrome(&b, 0);
    ov__buf_puts(&b, "</body></html>");
    char *t = extract_text(b.data, NULL);
    cr_assert(strstr(t, "I interviewed the principal engineer"), "post lost: %s", t);
    cr_assert(!strstr(t, "real world case studies"), "sidebar taken: %s", t);
    free(t);
    ov__buf_free(&b);
}
