/* Metadata from real-page shapes, on pages we write: site suffixes, ranked
 * <meta>, JSON-LD in CDATA, bylines near the headline, dates near the
 * headline rather than in a related list. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"
#include "transform/transform_priv.h"

static const char *BODY =
    "<p>The council met on Tuesday evening to discuss the new bridge, which has been delayed for two years "
    "because of rising costs and a dispute with the contractor over the design of its southern ramp.</p>"
    "<p>Residents said they were tired of waiting, and several asked whether the money would be better spent "
    "on the ferry service that already links both banks of the river every half hour.</p>";

static ov_article *extract(const char *head, const char *top, const char *after)
{
    char page[8192];
    snprintf(page, sizeof page, "<html><head>%s</head><body>%s<div class=\"story\">%s</div>%s</body></html>", head,
             top, BODY, after);
    ov_article *a = NULL;
    ov_error err;
    int rc = ov_transform_extract((const unsigned char *)page, strlen(page), "https://www.example-news.com/a/1.html",
                                  NULL, &a, &err);
    cr_assert_eq(rc, 0, "extract failed: %s", err.message);
    return a;
}

Test(transform_meta, title_suffix_is_cut_only_at_the_site_name)
{
    const char *sites[] = {"TMZ.com", NULL};
    char *t = ov__strip_site_suffix("Pearl Dress -- STOLEN!!! | TMZ.COM", sites, 1, NULL);
    cr_assert_str_eq(t, "Pearl Dress -- STOLEN!!!");
    free(t);
    /* a <meta> title without a known site keeps its dashes */
    t = ov__strip_site_suffix("Pearl Dress -- STOLEN!!!", sites, 0, NULL);
    cr_assert_str_eq(t, "Pearl Dress -- STOLEN!!!");
    free(t);
    /* the site name can hold the separator: cut before it, not inside the title */
    const char *blog[] = {"史蒂文的家_藍天", NULL};
    t = ov__strip_site_suffix("新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::", blog, 1, NULL);
    cr_assert_str_eq(t, "新竹尖石_美樹營地賞楓 (2)");
    free(t);
    /* no known site: short section and site parts after the same separator */
    char *site = NULL;
    t = ov__strip_site_suffix("海外留学生看两会：出国前后关注点大不同_教育频道_中国青年网", NULL, 1, &site);
    cr_assert_str_eq(t, "海外留学生看两会：出国前后关注点大不同");
    cr_assert_str_eq(site, "中国青年网");
    free(t);
    free(site);
    /* a long last part is part of the title */
    t = ov__strip_site_suffix("Budget 2026 - what the new tax bands mean for families on middle incomes", NULL, 1, NULL);
    cr_assert_str_eq(t, "Budget 2026 - what the new tax bands mean for families on middle incomes");
    free(t);
}

/* og:title copied from <title>, portal suffix included, and no site name
 * given: the suffix is cut as from <title> (and the chapter heading with it). */
Test(transform_meta, social_title_copied_from_the_document_title)
{
    const char *head = "<title>春節出遊前先打疫苗 | 生活 | 即時新聞 | 好新聞網</title>"
                       "<meta property=\"og:title\" content=\"春節出遊前先打疫苗 | 生活 | 即時新聞 | 好新聞網\"/>";
    ov_article *a = extract(head, "", "");
    cr_assert_str_eq(a->title, "春節出遊前先打疫苗");
    ov_article_free(a);
    /* the same with other spaces in one of them, and "--" as the separator */
    head = "<title>鐵路局放寬團體票\xc2\xa0\xc2\xa0十張即可辦理--社會--好新聞網</title>"
           "<meta property=\"og:title\" content=\"鐵路局放寬團體票  十張即可辦理--社會--好新聞網\"/>";
    a = extract(head, "", "");
    cr_assert_str_eq(a->title, "鐵路局放寬團體票\xc2\xa0\xc2\xa0十張即可辦理");
    ov_article_free(a);
    /* a social title of its own stays whole */
    head = "<title>Bridge vote delayed again | City | Example News</title>"
           "<meta property=\"og:title\" content=\"Bridge vote delayed again - what it means\"/>";
    a = extract(head, "", "");
    cr_assert_str_eq(a->title, "Bridge vote delayed again - what it means");
    ov_article_free(a);
}

Test(transform_meta, bylines_are_names_not_links_or_nav_words)
{
    char *b = ov__byline_inline("By Erin Cunningham March 19 at 1:15 PM");
    cr_assert_str_eq(b, "Erin Cunningham");
    free(b);
    cr_assert_null(ov__byline_inline("What To Do If You're Stopped By Police"));
    b = ov__byline_inline("本报记者 张明  2026年3月1日");
    cr_assert_str_eq(b, "张明");
    free(b);
    b = ov__byline_inline("（责任编辑：王小平）");
    cr_assert_str_eq(b, "王小平");
    free(b);
    cr_assert(ov__byline_plausible("Jane Doe", NULL));
    cr_assert(!ov__byline_plausible("首页", NULL));
    cr_assert(!ov__byline_plausible("Home", NULL));
    cr_assert(!ov__byline_plausible("8842731", NULL));
    cr_assert(!ov__byline_plausible("https://example.com/people/jane", NULL));
    cr_assert(!ov__byline_plausible("@janedoe", NULL));
    cr_assert(!ov__byline_plausible("新华网", "新华网"));
}

Test(transform_meta, ranked_meta_and_cdata_json_ld)
{
    ov_article *a = extract("<title>Title Element</title>"
                            "<meta name=\"og:title\" content=\"Social title\">"
                            "<meta property=\"x:title dc:title\" content=\"Dublin Core title\">"
                            "<meta name=\"author\" content=\"Meta Author\">"
                            "<meta property=\"dc:creator twitter:site_name\" content=\"Dc Creator\">"
                            "<meta name=\"description\" content=\"Plain description\">"
                            "<meta property=\"dc:description og:description\" content=\"Preferred description\">",
                            "", "");
    cr_assert_str_eq(a->title, "Dublin Core title");
    cr_assert_str_eq(a->byline, "Dc Creator");
    cr_assert_str_eq(a->description, "Preferred description");
    ov_article_free(a);
    a = extract("<title>Bridge delayed again | Example News</title>"
                "<script type=\"application/ld+json\">\n<![CDATA[\n{\"@type\":\"SocialMediaPosting\","
                "\"headline\":\"Bridge delayed again\",\"datePublished\":\"2026-03-01T09:30:00Z\","
                "\"author\":[{\"@type\":\"Person\",\"name\":\"Ann Lee\"}],"
                "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Example News\"}}\n]]>\n</script>",
                "<h1>Bridge delayed again</h1>", "");
    cr_assert_str_eq(a->title, "Bridge delayed again");
    cr_assert_str_eq(a->byline, "Ann Lee");
    cr_assert_str_eq(a->published, "2026-03-01T09:30:00Z");
    cr_assert_str_eq(a->site_name, "Example News");
    ov_article_free(a);
}

/* An article's JSON-LD description is its summary and wins over a shorter
 * og:description teaser, wherever the script stands; a WebPage's description
 * and the site's Organization do not. */
Test(transform_meta, json_ld_article_description_over_teaser)
{
    ov_article *a = extract("<title>Bridge</title>"
                            "<meta property=\"og:description\" content=\"No going back.\">"
                            "<meta name=\"description\" content=\"Plain description\">"
                            "<script type=\"application/ld+json\">[{\"@type\":\"WebPage\","
                            "\"description\":\"The site's page\"},{\"@type\":\"NewsArticle\","
                            "\"headline\":\"Bridge\",\"description\":\"The bridge is two years late.\"},"
                            "{\"@type\":\"Organization\",\"description\":\"A newspaper\"}]</script>",
                            "", "");
    cr_assert_str_eq(a->description, "The bridge is two years late.");
    ov_article_free(a);
    a = extract("<title>Bridge</title>"
                "<script type=\"application/ld+json\">{\"@type\":\"WebPage\","
                "\"description\":\"The site's page\"}</script>"
                "<meta property=\"og:description\" content=\"No going back.\">",
                "", "");
    cr_assert_str_eq(a->description, "No going back.");
    ov_article_free(a);
}

/* Classes on <html> or <body> describe the whole page ("ShowNavrail"), and
 * a column that holds the headline is the story's whatever its class says
 * ("--noRightRail"): the byline there is the article's; a sidebar's author
 * list (no headline in it) still is not. */
Test(transform_meta, byline_in_story_column_with_furniture_class)
{
    char page[4096];
    snprintf(page, sizeof page,
             "<html class=\"js ShowNavrail\"><head><title>Bridge delayed again</title></head>"
             "<body class=\"menu-open\"><div class=\"rail-right\"><ul><li class=\"author-follow\">Kim Park</li>"
             "</ul></div><div class=\"col1 --noRightRail\"><header><h1>Bridge delayed again</h1></header>"
             "<div class=\"author D(ib)\"><div class=\"author-name\">NATALIYA VASILYEVA</div></div>"
             "<article>%s</article></div></body></html>",
             BODY);
    ov_article *a = NULL;
    ov_error err;
    cr_assert_eq(ov_transform_extract((const unsigned char *)page, strlen(page),
                                      "https://www.example-news.com/a/1.html", NULL, &a, &err),
                 0, "%s", err.message);
    cr_assert_str_eq(a->byline, "NATALIYA VASILYEVA");
    ov_article_free(a);
}

/* A social og:title against the <title> and the page's headline that agree:
 * the headline the page shows. A short section heading the <title> begins
 * with does not outvote og:title. */
Test(transform_meta, page_headline_over_social_title)
{
    ov_article *a = extract("<title>Council Delays the Southern Bridge Ramp Again - Example News</title>"
                            "<meta property=\"og:title\" content=\"Bridge delayed (again)\">",
                            "<h1 class=\"headline\">Council Delays the Southern Bridge Ramp Again</h1>", "");
    cr_assert_str_eq(a->title, "Council Delays the Southern Bridge Ramp Again");
    ov_article_free(a);
    a = extract("<title>Local News - Example News Online</title>"
                "<meta property=\"og:title\" content=\"Council Delays the Southern Bridge Ramp Again\">",
                "<h1>Local News</h1>", "");
    cr_assert_str_eq(a->title, "Council Delays the Southern Bridge Ramp Again");
    ov_article_free(a);
}

/* "Post - Blog Name": the page shows "Post" as a heading and one short part
 * follows it: that part is the site's, whatever name the page gives itself. */
Test(transform_meta, heading_then_one_site_part)
{
    ov_article *a = extract("<title>Almost There - Harbour Monthly Blog</title>", "<h2>Almost There</h2>", "");
    cr_assert_str_eq(a->title, "Almost There");
    ov_article_free(a);
    a = extract("<title>Time To Begin, Again | Ann's Search BlogAnn's Search Blog</title>",
                "<h1>Time To Begin, Again</h1>", "");
    cr_assert_str_eq(a->title, "Time To Begin, Again");
    ov_article_free(a);
}

/* og:url or a canonical link naming the front page of an article's site:
 * those tags are the site's (og:title is the blog's slogan), not the page's. */
Test(transform_meta, front_page_social_tags_are_the_sites)
{
    ov_article *a = extract("<title>Best of Week 8 in Photos - Example News</title>"
                            "<meta property=\"og:title\" content=\"Official Blog of Example News\">"
                            "<meta property=\"og:url\" content=\"https://www.example-news.com/\">"
                            "<meta property=\"og:site_name\" content=\"Example News\">"
                            "<link rel=\"canonical\" href=\"https://www.example-news.com/\">",
                            "", "");
    cr_assert_str_eq(a->title, "Best of Week 8 in Photos");
    cr_assert(!a->canonical_url || strcmp(a->canonical_url, "https://www.example-news.com/"),
              "%s", a->canonical_url);
    ov_article_free(a);
    /* an article's own og:url keeps its og:title */
    a = extract("<title>Best of Week 8 in Photos - Example News</title>"
                "<meta property=\"og:title\" content=\"Week 8 in photos\">"
                "<meta property=\"og:url\" content=\"https://www.example-news.com/a/1.html\">",
                "", "");
    cr_assert_str_eq(a->title, "Week 8 in photos");
    ov_article_free(a);
}

/* "Site » Section » Post" with the post shown as a heading and the site's
 * name as the banner: the first part names the site, the post is the title. */
Test(transform_meta, site_and_section_before_the_heading)
{
    ov_article *a = extract("<title>Harbour Blog \xc2\xbb Blog Archive \xc2\xbb Bridge delayed again</title>",
                            "<h1><a href=\"/\">Harbour Blog</a></h1><h2>Bridge delayed again</h2>", "");
    cr_assert_str_eq(a->title, "Bridge delayed again");
    ov_article_free(a);
}

Test(transform_meta, byline_and_date_next_to_the_headline)
{
    /* a related list before the headline carries other dates and bylines */
    ov_article *a = extract("<title>Bridge delayed again - Example News</title>",
                            "<div class=\"related\"><ul><li><a href=\"/b\">Ferry fares rise</a> <span>2025-12-02</span></li>"
                            "<li><span class=\"byline\">By Other Writer</span></li></ul></div>"
                            "<h1>Bridge delayed again</h1><p class=\"meta\">By Sam Park</p><p>2026-03-01 08:15</p>",
                            "<aside><p>2024-01-01</p></aside>");
    cr_assert_str_eq(a->title, "Bridge delayed again");
    cr_assert_str_eq(a->byline, "Sam Park");
    cr_assert_str_eq(a->published, "2026-03-01T08:15:00");
    ov_article_free(a);
    /* a Chinese portal: the label names the reporter, the site suffix goes */
    a = extract("<title>大桥工程再次延期_本地新闻_示例网</title>",
                "<div class=\"nav\"><a href=\"/\">首页</a> 2020-01-01</div><h1>大桥工程再次延期</h1>"
                "<div class=\"info\">2026年3月1日 08:15 来源：示例日报 记者 李华</div>",
                "");
    cr_assert_str_eq(a->title, "大桥工程再次延期");
    cr_assert_str_eq(a->byline, "李华");
    cr_assert_str_eq(a->published, "2026-03-01T08:15:00");
    cr_assert_str_eq(a->source, "示例日报");
    ov_article_free(a);
}

Test(transform_meta, meta_values_escaped_twice_are_decoded_once_more)
{
    ov_article *a = extract("<title>Bridge</title><meta name=\"description\" "
                            "content=\"The &amp;quot;Blue House&amp;quot; &amp;amp; more &amp;#x1F62D; &amp;#x0; &amp;#xg;\">",
                            "", "");
    cr_assert_str_eq(a->description, "The \"Blue House\" & more \xf0\x9f\x98\xad \xef\xbf\xbd &#xg;");
    ov_article_free(a);
}

Test(transform_meta, author_element_gives_the_name_alone)
{
    ov_article *a = extract("<title>Bridge</title>",
                            "<h1>Bridge</h1><div class=\"author-box\"><span>Tech Desk</span> "
                            "<a href=\"/author/ben-silverman\">Ben Silverman</a> Games Editor</div>", "");
    cr_assert_str_eq(a->byline, "Ben Silverman");
    ov_article_free(a);
    a = extract("<title>Bridge</title>", "<h1>Bridge</h1><span class=\"author-name\">James Akinaka \xe2\x80\xa2 8h</span>", "");
    cr_assert_str_eq(a->byline, "James Akinaka");
    ov_article_free(a);
}

/* Separators portals use without spaces: "――" (U+2015), and a bare "-"
 * before a CJK character; a hyphen inside Latin words is text. */
Test(transform_meta, cjk_title_separators)
{
    char *t = ov__strip_site_suffix("大桥工程再次延期 称与设计变更无关\xe2\x80\x95\xe2\x80\x95示例网", NULL, 1, NULL);
    cr_assert_str_eq(t, "大桥工程再次延期 称与设计变更无关");
    free(t);
    t = ov__strip_site_suffix("大桥工程再次延期 渡轮加开班次-本地-示例新闻网", NULL, 1, NULL);
    cr_assert_str_eq(t, "大桥工程再次延期 渡轮加开班次");
    free(t);
    t = ov__strip_site_suffix("“红月亮”明晚登场-示例网", NULL, 1, NULL);
    cr_assert_str_eq(t, "“红月亮”明晚登场");
    free(t);
    t = ov__strip_site_suffix("Mayor re-elected after e-mail row", NULL, 1, NULL);
    cr_assert_str_eq(t, "Mayor re-elected after e-mail row");
    free(t);
}

/* The <title> is the page's heading (an h1-h3 anywhere, or an element whose
 * class names a title) plus what the portal adds: the heading's text is the
 * title, whatever the separators are and whatever og:site_name says. */
Test(transform_meta, title_is_the_heading_it_begins_with)
{
    /* two short parts after "｜": the guessed suffix stops at the first */
    ov_article *a = extract("<title>多運動 薪水高 ｜即時新聞｜好新聞網</title>",
                            "<h2>旅遊行程推薦</h2><h3>多運動 薪水高</h3>", "");
    cr_assert_str_eq(a->title, "多運動 薪水高");
    ov_article_free(a);
    /* a bare "-" and a site name that is not og:site_name; the first h1 is the logo */
    a = extract("<title>大桥工程再次延期_新聞_示例網</title><meta property=\"og:site_name\" content=\"示例網-新聞頻道\">",
                "<h1>示例網 示例新聞</h1><h1>大桥工程再次延期</h1>", "");
    cr_assert_str_eq(a->title, "大桥工程再次延期");
    ov_article_free(a);
    /* blanks only before the section and site, the headline in a div.title */
    a = extract("<title> 大桥工程再次延期 质量监督 示例网</title>",
                "<div class=\"crumbs\"><a href=\"/\">示例网首页</a>&gt;<a href=\"/q/\">质量监督</a></div>"
                "<div class=\"title\" id=\"DetailTitle\">\n 大桥工程再次延期</div>", "");
    cr_assert_str_eq(a->title, "大桥工程再次延期");
    ov_article_free(a);
    /* the heading's spacing is kept: the page shows "詐保　今被起訴" */
    a = extract("<title>男子詐保今被起訴 | 即時新聞 | 20260301 | 示例日報</title>",
                "<h1>示例日報 / EXAMPLE DAILY</h1><h1>男子詐保\xe3\x80\x80今被起訴</h1>", "");
    cr_assert_str_eq(a->title, "男子詐保\xe3\x80\x80今被起訴");
    ov_article_free(a);
}

/* A heading is not the title when the <title> only starts with it: a blog's
 * name before a colon, a section name before a long headline. */
Test(transform_meta, heading_that_only_starts_the_title)
{
    ov_article *a = extract("<title>Valley Notes: Bridge delayed again</title>", "<h1>Valley Notes</h1>", "");
    cr_assert_str_eq(a->title, "Valley Notes: Bridge delayed again");
    ov_article_free(a);
    a = extract("<title>Opinion - Why the bridge is two years late and what the council can still do | Example News</title>",
                "<h2>Opinion</h2>", "");
    cr_assert_str_eq(a->title, "Opinion - Why the bridge is two years late and what the council can still do");
    ov_article_free(a);
}

/* "Site - Headline": the heading the <title> ends with is the title when the
 * first part is the name the copyright line gives; a site's tagline that
 * ends the <title> is not. */
Test(transform_meta, site_name_before_the_heading)
{
    ov_article *a = extract("<title>示例電子報 - 流感再奪2命 累計20死</title>",
                            "<span class=\"insubject1\" id=\"newtitle\">流感再奪2命 累計20死</span>",
                            "<div align=\"center\">示例電子報 版權所有 不得轉載 &copy; 2026 Example Times</div>");
    cr_assert_str_eq(a->title, "流感再奪2命 累計20死");
    ov_article_free(a);
    a = extract("<title>Corn Printing Craft - Things to Make and Do for Kids</title>",
                "<h2>Things to Make and Do for Kids</h2>", "<p>&copy; 2026 Things to Make</p>");
    cr_assert_str_eq(a->title, "Corn Printing Craft - Things to Make and Do for Kids");
    ov_article_free(a);
}

/* A blog's <title> is "Blog Name: Post" (or "Blog | Post", "Blog › Post"):
 * the post's heading is the title when it is marked as the entry's headline
 * (h3.post-title, as trafilatura's title paths read it) or when the first
 * part is the blog's banner h1, shown above the post's own h1. */
Test(transform_meta, blog_name_before_the_heading)
{
    ov_article *a = extract("<title>Valley Notes: Bridge delayed again</title>",
                            "<h2 class=\"date-header\">Tuesday, March 3, 2026</h2>"
                            "<h3 class=\"post-title entry-title\"><a href=\"/2026/03/bridge.html\">Bridge delayed again</a></h3>",
                            "<h2 class=\"title\">Archive</h2>");
    cr_assert_str_eq(a->title, "Bridge delayed again");
    ov_article_free(a);
    /* the posts inside a "widget Blog" container, as Blogger writes them;
     * a marked headline in a sidebar widget is still passed over */
    a = extract("<title>Valley Notes: Ferry times change</title>",
                "<div class=\"widget Blog\" id=\"Blog1\"><div class=\"post hentry\">"
                "<h3 class=\"post-title entry-title\"><a href=\"/2026/03/ferry.html\">Ferry times change</a></h3></div></div>",
                "");
    cr_assert_str_eq(a->title, "Ferry times change");
    ov_article_free(a);
    a = extract("<title>Valley Notes: Ferry times change</title>",
                "<div class=\"sidebar\"><div class=\"widget Blog\"><h3 class=\"entry-title\">Ferry times change</h3></div></div>",
                "");
    cr_assert_str_eq(a->title, "Valley Notes: Ferry times change");
    ov_article_free(a);
    a = extract("<title>River Blog | Five ways to cross the river while the bridge waits</title>",
                "<h1 class=\"blog-header\">River Blog</h1><h3>3 March 2026</h3>"
                "<h1><a href=\"/2026/03/five-ways/\">Five ways to cross the river while the bridge&nbsp;waits</a></h1>",
                "");
    cr_assert_str_eq(a->title, "Five ways to cross the river while the bridge\xc2\xa0waits");
    ov_article_free(a);
    a = extract("<title>Mark Rowe's Notebook &#8250; The ferry timetable</title>",
                "<h1><a href=\"/\">Mark Rowe's Notebook</a></h1><h2 class=\"storytitle\">The ferry timetable</h2>", "");
    cr_assert_str_eq(a->title, "The ferry timetable");
    ov_article_free(a);
    /* a heading the <title> ends with after an unnamed first part stays a tagline */
    a = extract("<title>Corn Printing Craft: Things to Make and Do for Kids</title>",
                "<h2>Things to Make and Do for Kids</h2>", "");
    cr_assert_str_eq(a->title, "Corn Printing Craft: Things to Make and Do for Kids");
    ov_article_free(a);
}

/* "Post - Site" where the site's name is the banner h1 above the post's
 * heading: the heading is the title, however short beside the <title>. */
Test(transform_meta, site_banner_after_the_heading)
{
    ov_article *a = extract("<title>  &raquo; Slow mornings :valleynotes</title>",
                            "<h2>Slow mornings</h2><h3>Why slow</h3>", "<h1><a href=\"/\">valleynotes</a></h1>");
    cr_assert_str_eq(a->title, "Slow mornings");
    ov_article_free(a);
    a = extract("<title>Leaf bunting - Things to Make and Do, Crafts and Activities for Kids</title>",
                "<h1 id=\"banner-header\"><a href=\"/\">Things to Make and Do, Crafts and Activities for Kids - Crow</a></h1>"
                "<h1 id=\"banner-2\">Things to Make and Do, Crafts and Activities for Kids</h1>"
                "<h3 class=\"entry-header\">Leaf bunting</h3>", "");
    cr_assert_str_eq(a->title, "Leaf bunting");
    ov_article_free(a);
    /* a word after the h1, not a separator: the h1 only starts the title */
    a = extract("<title>Valley Scout - Autumn trends for the riverside | Everywhere</title>", "<h1>Valley</h1>", "");
    cr_assert_str_neq(a->title, "Valley");
    ov_article_free(a);
}

/* JSON-LD whose "headline" is a description the <title> does not hold,
 * beside a "name" it does: the name is the title (Readability.js compares
 * both with the <title>); a headline the <title> holds still wins. */
Test(transform_meta, json_ld_name_over_a_headline_the_title_lacks)
{
    ov_article *a = extract("<title>Riverton - Example Encyclopedia</title><script type=\"application/ld+json\">"
                            "{\"@type\":\"Article\",\"name\":\"Riverton\",\"headline\":\"town in the river valley\"}</script>",
                            "<h1>Riverton</h1>", "");
    cr_assert_str_eq(a->title, "Riverton");
    ov_article_free(a);
    a = extract("<title>Bridge delayed again - Example News</title><script type=\"application/ld+json\">"
                "{\"@type\":\"NewsArticle\",\"name\":\"Bridge story\",\"headline\":\"Bridge delayed again\"}</script>",
                "", "");
    cr_assert_str_eq(a->title, "Bridge delayed again");
    ov_article_free(a);
}

/* extract --json's text opens with the title unless the body already does,
 * up to punctuation: a caption with straight quotes under a headline with
 * curly ones is not said twice. */
Test(transform_meta, json_text_does_not_repeat_the_headline)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->title, "Instacane brings \xe2\x80\x98" "Amaro\xe2\x80\x99 photos"), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, "<figure><img src=\"a.png\" alt=\"\"/><figcaption>Instacane brings "
                                           "'Amaro' photos</figcaption></figure><p>It is getting to a point.</p>"), 0);
    char *json = NULL;
    ov_error err;
    cr_assert_eq(ov_article_to_json(a, &json, &err), 0);
    cr_assert_not_null(strstr(json, "\"text\": \"Instacane brings 'Amaro' photos\\n\\nIt is getting"), "%s", json);
    free(json);
    /* a first paragraph that only starts like the title still gets it */
    cr_assert_eq(ov_strset(&a->body_xhtml, "<p>Instacane brings 'Amaro' photos to the storm.</p>"), 0);
    cr_assert_eq(ov_article_to_json(a, &json, &err), 0);
    cr_assert_not_null(strstr(json, "\"text\": \"Instacane brings \xe2\x80\x98" "Amaro\xe2\x80\x99 photos\\n\\n"), "%s", json);
    free(json);
    ov_article_free(a);
}
