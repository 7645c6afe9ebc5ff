/* Unit tests for what a reader sees in a packaged book: human dates, the
 * book's and each chapter's language in the chrome, the guide, mixed
 * languages, in-article navigation, the masthead. Every .epub goes through
 * the epubcheck gate. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/package.h"
#include "ov_test.h"

static ov_article *article(ov_section *s, const char *url, const char *title, const char *lang,
                           const char *body)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->url, url), 0);
    cr_assert_eq(ov_strset(&a->title, title), 0);
    cr_assert_eq(ov_strset(&a->language, lang), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, body), 0);
    a->fetched_at = 1700000000;
    cr_assert_eq(ov_section_add_article(s, a), 0);
    return a;
}

static ov_book *book(const char *title, const char *lang)
{
    ov_book *b = NULL;
    cr_assert_eq(ov_book_new(&b), 0);
    cr_assert_eq(ov_strset(&b->title, title), 0);
    cr_assert_eq(ov_strset(&b->language, lang), 0);
    cr_assert_eq(ov_strset(&b->source_url, "https://news.example.org/feed.xml"), 0);
    cr_assert_eq(ov_strset(&b->date, "2026-12-02"), 0);
    cr_assert_eq(ov_book_add_author(b, "Example Newsroom"), 0);
    b->modified = 1700000000;
    return b;
}

static char *write_book(const ov_book *b, const char *name)
{
    char *path = ov_test_book_path(name);
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_package_write(b, path, NULL, &err), 0, "%s", err.message);
    return path;
}

static char *part(const char *path, const char *suffix)
{
    char *s = ov_test_zip_entry(path, suffix, NULL);
    cr_assert(s, "%s missing from %s", suffix, path);
    return s;
}

/* Two sections, English and Chinese articles: the mixed book most tests use. */
static ov_book *mixed_book(const char *lang)
{
    ov_book *b = book("江川新聞網", lang);
    ov_section *s1 = NULL, *s2 = NULL;
    cr_assert_eq(ov_book_add_section(b, "要聞", &s1), 0);
    cr_assert_eq(ov_book_add_section(b, "World", &s2), 0);
    ov_article *zh = article(s1, "https://news.example.org/zh/1.html", "港口新聞", "zh-TW",
                             "<p>今天的新聞。</p>");
    cr_assert_eq(ov_strset(&zh->byline, "林雅文"), 0);
    cr_assert_eq(ov_strset(&zh->published, "2026-11-24T08:00:00"), 0);
    cr_assert_eq(ov_strset(&zh->source, "江川新聞網"), 0);
    article(s1, "https://news.example.org/zh/2.html", "第二篇", "zh-TW", "<p>第二。</p>");
    ov_article *en = article(s2, "https://news.example.org/en/1.html", "Harbour news", "en",
                             "<p>Today.</p>");
    cr_assert_eq(ov_strset(&en->byline, "Maria Okafor"), 0);
    cr_assert_eq(ov_strset(&en->published, "2026-11-28T07:45:00-05:00"), 0);
    return b;
}

Test(package_reader, byline_dates_for_people_in_the_article_language)
{
    ov_book *b = mixed_book("zh-TW");
    char *path = write_book(b, "reader-dates.epub");
    char *zh = part(path, "text/a001.xhtml");
    char *en = part(path, "text/a003.xhtml");
    cr_assert(strstr(zh, "林雅文 \xC2\xB7 2026年11月24日 08:00 \xC2\xB7 江川新聞網"), "%s", zh);
    cr_assert(strstr(en, "Maria Okafor \xC2\xB7 November 28, 2026, 7:45 a.m.</p>"), "%s", en);
    cr_assert_null(strstr(en, "2026-11-28T07:45"));
    free(zh);
    free(en);
    free(path);
    ov_book_free(b);
}

/* The chrome octavo adds, in the book's language (nav, landmarks, masthead,
   cover) and in each chapter's own language (source and fetched lines). */
static void chrome_in(const char *book_lang, const char *contents, const char *issue,
                      const char *date, const char *source)
{
    ov_book *b = mixed_book(book_lang);
    b->series_index = 1;
    cr_assert_eq(ov_strset(&b->series, "江川新聞網"), 0);
    char name[64];
    snprintf(name, sizeof name, "reader-chrome-%s.epub", book_lang);
    char *path = write_book(b, name);
    char *nav = part(path, "EPUB/nav.xhtml");
    char *mast = part(path, "text/masthead.xhtml");
    char *zh = part(path, "text/a001.xhtml");
    char *en = part(path, "text/a003.xhtml");
    char *svg = part(path, "img/cover.svg");
    char h1[64];
    snprintf(h1, sizeof h1, "<h1>%s</h1>", contents);
    cr_assert(strstr(nav, h1), "%s", nav);
    cr_assert(strstr(nav, "<title>"), "%s", nav);
    if (strcmp(book_lang, "en") != 0) {
        cr_assert_null(strstr(nav, ">Contents<"));
        cr_assert_null(strstr(nav, ">Cover<"));
        cr_assert_null(strstr(nav, ">Start<"));
    } else {
        cr_assert(strstr(nav, ">Cover</a>"));
    }
    cr_assert(strstr(mast, issue), "%s", mast);
    cr_assert(strstr(mast, date), "%s", mast);
    cr_assert(strstr(svg, issue), "%s", svg);
    cr_assert(strstr(svg, date), "%s", svg);
    /* the drawn cover is a front page too: the top headlines */
    cr_assert(strstr(svg, ">港口新聞</text>") && strstr(svg, ">Harbour news</text>"), "%s", svg);
    /* the chapter's own language decides its chrome */
    cr_assert(strstr(zh, source), "%s", zh);
    cr_assert(strstr(zh, "擷取於 2023年11月14日 22:13 UTC"), "%s", zh);
    cr_assert(strstr(en, "Source: <a href"), "%s", en);
    cr_assert(strstr(en, "Fetched November 14, 2023, 10:13 p.m. UTC"), "%s", en);
    free(nav);
    free(mast);
    free(zh);
    free(en);
    free(svg);
    free(path);
    ov_book_free(b);
}

Test(package_reader, chrome_in_traditional_chinese)
{
    chrome_in("zh-TW", "目錄", "第 1 期", "2026年12月2日 星期三", "來源：<a href");
}

Test(package_reader, chrome_in_simplified_chinese_book)
{
    /* the book is simplified; the chapters are zh-TW and keep traditional chrome */
    chrome_in("zh-Hans", "目录", "第 1 期", "2026年12月2日 星期三", "來源：<a href");
}

Test(package_reader, chrome_in_english)
{
    chrome_in("en", "Contents", "No. 1", "Wednesday, December 2, 2026", "來源：<a href");
}

Test(package_reader, guide_and_cover_id_for_calibre_and_kindle)
{
    ov_book *b = mixed_book("zh-TW");
    char *path = write_book(b, "reader-guide.epub");
    char *opf = part(path, "EPUB/package.opf");
    cr_assert(strstr(opf, "<item id=\"cover\" href=\"img/cover.svg\" media-type=\"image/svg+xml\" "
                          "properties=\"cover-image\"/>"), "%s", opf);
    cr_assert(strstr(opf, "<meta name=\"cover\" content=\"cover\"/>"));
    cr_assert(strstr(opf, "<itemref idref=\"cover-page\"/>"));
    const char *g = strstr(opf, "</spine>\n  <guide>\n");
    cr_assert(g, "%s", opf);
    cr_assert(strstr(g, "<reference type=\"cover\" title=\"封面\" href=\"text/cover.xhtml\"/>"));
    cr_assert(strstr(g, "<reference type=\"toc\" title=\"目錄\" href=\"text/masthead.xhtml\"/>"));
    cr_assert(strstr(g, "<reference type=\"text\" title=\"正文\" href=\"text/a001.xhtml\"/>"));
    free(opf);
    free(path);
    ov_book_free(b);

    /* without a masthead the toc points at the nav, which is then in the spine */
    b = mixed_book("en");
    ov_package_options o = OV_PACKAGE_OPTIONS_INIT;
    o.masthead = 0;
    path = ov_test_book_path("reader-guide-nomast.epub");
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_package_write(b, path, &o, &err), 0, "%s", err.message);
    opf = part(path, "EPUB/package.opf");
    cr_assert(strstr(opf, "<reference type=\"toc\" title=\"Contents\" href=\"nav.xhtml\"/>"), "%s", opf);
    cr_assert(strstr(opf, "<itemref idref=\"nav\" linear=\"no\"/>"));
    free(opf);
    free(path);
    ov_book_free(b);
}

Test(package_reader, every_language_listed_majority_first_and_entries_marked)
{
    ov_book *b = mixed_book("en");
    ov_section *s = b->sections[1];
    article(s, "https://news.example.org/fr/1.html", "Le port", "fr", "<p>Aujourd'hui.</p>");
    article(s, "https://news.example.org/en/2.html", "Second", NULL, "<p>Two.</p>");
    char *path = write_book(b, "reader-langs.epub");
    char *opf = part(path, "EPUB/package.opf");
    /* the book's language first, then zh-TW (2 articles) before fr (1) */
    const char *const order[] = {"<dc:language>en</dc:language>\n",
                                 "    <dc:language>zh-TW</dc:language>\n",
                                 "    <dc:language>fr</dc:language>\n"};
    const char *at = strstr(opf, order[0]);
    cr_assert(at, "%s", opf);
    for (size_t i = 1; i < 3; i++) {
        at = strstr(at, order[i]);
        cr_assert(at, "%s missing or out of order:\n%s", order[i], opf);
    }
    cr_assert_eq(strstr(strstr(opf, "<dc:language>fr"), "<dc:language>"),
                 strstr(opf, "<dc:language>fr"), "more languages than expected");
    char *nav = part(path, "EPUB/nav.xhtml");
    cr_assert(strstr(nav, "<li lang=\"zh-TW\" xml:lang=\"zh-TW\"><a href=\"text/a001.xhtml\">港口新聞</a>"),
              "%s", nav);
    cr_assert(strstr(nav, "<li lang=\"en\" xml:lang=\"en\"><a href=\"text/a003.xhtml\">"), "%s", nav);
    cr_assert(strstr(nav, "<li lang=\"fr\" xml:lang=\"fr\"><a href=\"text/a004.xhtml\">"), "%s", nav);
    /* an article without a language inherits the book's */
    cr_assert(strstr(nav, "<li lang=\"en\" xml:lang=\"en\"><a href=\"text/a005.xhtml\">"), "%s", nav);
    char *mast = part(path, "text/masthead.xhtml");
    cr_assert(strstr(mast, "<li lang=\"zh-TW\" xml:lang=\"zh-TW\"><a href=\"../text/a001.xhtml\">"),
              "%s", mast);
    cr_assert(strstr(mast, "<li lang=\"fr\" xml:lang=\"fr\"><a href=\"../text/a004.xhtml\">"), "%s",
              mast);
    free(mast);
    free(nav);
    free(opf);
    free(path);
    ov_book_free(b);
}

/* CSS 2.1 property names (the Adobe engine calls a book with modern CSS corrupt). */
static const char *const css21[] = {
    "azimuth", "background", "background-attachment", "background-color", "background-image",
    "background-position", "background-repeat", "border", "border-collapse", "border-color",
    "border-spacing", "border-style", "border-top", "border-right", "border-bottom", "border-left",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
    "border-width", "bottom", "caption-side", "clear", "clip", "color", "content",
    "counter-increment", "counter-reset", "cue", "cursor", "direction", "display", "elevation",
    "empty-cells", "float", "font", "font-family", "font-size", "font-style", "font-variant",
    "font-weight", "height", "left", "letter-spacing", "line-height", "list-style",
    "list-style-image", "list-style-position", "list-style-type", "margin", "margin-right",
    "margin-left", "margin-top", "margin-bottom", "max-height", "max-width", "min-height",
    "min-width", "orphans", "outline", "overflow", "padding", "padding-top", "padding-right",
    "padding-bottom", "padding-left", "page-break-after", "page-break-before",
    "page-break-inside", "position", "quotes", "right", "table-layout", "text-align",
    "text-decoration", "text-indent", "text-transform", "top", "unicode-bidi", "vertical-align",
    "visibility", "white-space", "widows", "width", "word-spacing", "z-index", NULL};

Test(package_reader, stylesheet_is_css21_and_typesets_cjk)
{
    ov_book *b = mixed_book("zh-TW");
    char *path = write_book(b, "reader-css.epub");
    char *css = part(path, "EPUB/css/octavo.css");
    /* strip comments, then check every declaration's property */
    for (char *c = strstr(css, "/*"); c; c = strstr(c, "/*")) {
        char *end = strstr(c + 2, "*/");
        cr_assert(end);
        memset(c, ' ', (size_t)(end + 2 - c));
    }
    size_t n_decl = 0;
    for (char *blk = strchr(css, '{'); blk; blk = strchr(blk + 1, '{')) {
        char *close = strchr(blk, '}');
        cr_assert(close);
        for (char *d = blk + 1; d < close;) {
            d += strspn(d, " \t\n;");
            if (d >= close)
                break;
            size_t nl = strcspn(d, ":");
            char prop[64];
            snprintf(prop, sizeof prop, "%.*s", (int)nl, d);
            int ok = 0;
            for (size_t i = 0; css21[i] && !ok; i++)
                ok = strcmp(prop, css21[i]) == 0;
            cr_assert(ok, "not a CSS 2.1 property: '%s'", prop);
            char *semi = strchr(d, ';');
            cr_assert(semi && semi < close, "declaration of %s not ended by ';'", prop);
            char val[128];
            snprintf(val, sizeof val, "%.*s", (int)(semi - d - nl - 1), d + nl + 1);
            cr_assert_null(strchr(val, '('), "function value in %s: %s", prop, val);
            n_decl++;
            d = semi + 1;
        }
    }
    cr_assert_gt(n_decl, 40);
    char *orig = part(path, "EPUB/css/octavo.css");
    /* no fake italic on CJK bylines and captions; rt not tiny; flat masthead links */
    cr_assert(strstr(orig, ":lang(zh) .byline"));
    cr_assert(strstr(orig, ":lang(zh) figcaption, :lang(ja) figcaption, :lang(ko) figcaption { "
                           "font-style: normal;"));
    cr_assert(strstr(orig, "rt { font-size: 0.6em; line-height: 1; }"));
    cr_assert(strstr(orig, ".masthead a { text-decoration: none; }"));
    cr_assert(strstr(orig, ":lang(zh) p, :lang(ja) p, :lang(ko) p { text-indent: 2em;"));
    free(orig);
    free(css);
    free(path);
    ov_book_free(b);
}

Test(package_reader, ruby_always_has_rp_and_full_width_indents_go)
{
    ov_book *b = book("江川新聞網", "zh-CN");
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "要闻", &s), 0);
    article(s, "https://news.example.org/zh/9.html", "拼音", "zh-CN",
            "<p>\xE3\x80\x80\xE3\x80\x80<ruby>横<rt>héng</rt></ruby>线"
            "<ruby>漢<rp>(</rp><rt>ㄏㄢˋ</rt><rp>)</rp></ruby>字"
            "<ruby>字<rb>字</rb><rt>zì</rt><rp>)</rp></ruby>"
            "<ruby>笔<rp>(</rp><rt>bǐ</rt><rp>)</rp>墨<rt>mò</rt><rp>)</rp></ruby>"
            "<ruby>山<rt>shān</rt>水<rt>shuǐ</rt></ruby></p>"
            "<p> \xE3\x80\x80<strong>\xE3\x80\x80粗体</strong>开头</p>"
            "<p>中间\xE3\x80\x80空格保留</p>"
            "<p>\xE3\x80\x80</p><p>End.</p>");
    char *path = write_book(b, "reader-ruby.epub");
    char *ch = part(path, "text/a001.xhtml");
    cr_assert(strstr(ch, "<p><ruby>横<rp>(</rp><rt>héng</rt><rp>)</rp></ruby>线"), "%s", ch);
    cr_assert(strstr(ch, "<ruby>漢<rp>(</rp><rt>ㄏㄢˋ</rt><rp>)</rp></ruby>字"), "%s", ch);
    cr_assert(strstr(ch, "<rb>字</rb><rp>(</rp><rt>zì</rt><rp>)</rp></ruby>"), "%s", ch);
    cr_assert(strstr(ch, "<ruby>笔<rp>(</rp><rt>bǐ</rt><rp>)</rp>墨<rp>(</rp><rt>mò</rt><rp>)</rp></ruby>"),
              "%s", ch);
    cr_assert(strstr(ch, "<ruby>山<rp>(</rp><rt>shān</rt><rp>)</rp>水<rp>(</rp><rt>shuǐ</rt><rp>)</rp></ruby>"),
              "%s", ch);
    cr_assert(strstr(ch, "<p><strong>粗体</strong>开头</p>"), "%s", ch);
    cr_assert(strstr(ch, "<p>中间\xE3\x80\x80空格保留</p>"), "%s", ch);
    cr_assert_null(strstr(ch, "<p>\xE3\x80\x80"), "%s", ch);
    free(ch);
    free(path);
    ov_book_free(b);
}

Test(package_reader, article_navigation_links_spine_documents)
{
    ov_book *b = mixed_book("zh-TW");
    char *path = write_book(b, "reader-artnav.epub");
    char *a1 = part(path, "text/a001.xhtml");
    char *a2 = part(path, "text/a002.xhtml");
    char *a3 = part(path, "text/a003.xhtml");
    char *mast = part(path, "text/masthead.xhtml");
    cr_assert(strstr(a1, "<p class=\"artnav\"><a href=\"a002.xhtml\">下一篇</a> | "
                         "<a href=\"masthead.xhtml#s1\">本欄</a> | "
                         "<a href=\"masthead.xhtml\">目錄</a></p>\n</body>"), "%s", a1);
    cr_assert(strstr(a2, "<a href=\"a003.xhtml\">下一篇</a> | <a href=\"masthead.xhtml#s1\">本欄</a> | "
                         "<a href=\"masthead.xhtml\">目錄</a> | <a href=\"a001.xhtml\">上一篇</a></p>"),
              "%s", a2);
    /* the last article, English: no next; labels in its own language */
    cr_assert(strstr(a3, "<p class=\"artnav\"><a href=\"masthead.xhtml#s2\">Section</a> | "
                         "<a href=\"masthead.xhtml\">Contents</a> | <a href=\"a002.xhtml\">Previous</a></p>"),
              "%s", a3);
    cr_assert(strstr(mast, "<h2 id=\"s1\">要聞</h2>"), "%s", mast);
    cr_assert(strstr(mast, "<h2 id=\"s2\">World</h2>"), "%s", mast);
    free(a1);
    free(a2);
    free(a3);
    free(mast);
    free(path);
    ov_book_free(b);

    /* one section and no masthead: no section link, contents is the nav */
    b = book("One", "en");
    ov_section *s = NULL;
    cr_assert_eq(ov_book_add_section(b, "News", &s), 0);
    article(s, "https://news.example.org/1", "One", "en", "<p>1</p>");
    article(s, "https://news.example.org/2", "Two", "en", "<p>2</p>");
    ov_package_options o = OV_PACKAGE_OPTIONS_INIT;
    o.masthead = 0;
    path = ov_test_book_path("reader-artnav-nomast.epub");
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov_package_write(b, path, &o, &err), 0, "%s", err.message);
    a1 = part(path, "text/a001.xhtml");
    cr_assert(strstr(a1, "<p class=\"artnav\"><a href=\"a002.xhtml\">Next</a> | "
                         "<a href=\"../nav.xhtml\">Contents</a></p>"), "%s", a1);
    free(a1);
    free(path);
    ov_book_free(b);
}

Test(package_reader, masthead_lists_byline_date_and_description)
{
    ov_book *b = mixed_book("en");
    ov_article *zh = b->sections[0]->articles[0], *en = b->sections[1]->articles[0];
    cr_assert_eq(ov_strset(&zh->description, "\xE3\x80\x80\xE3\x80\x80港口今天迎來第一艘貨輪。"), 0);
    cr_assert_eq(ov_strset(&en->description,
                           "The harbour reopened on Saturday after three weeks of repairs to the "
                           "north pier, and the first ships were unloading by noon, said the port "
                           "authority, which expects traffic to be back to normal by the end of the "
                           "month."), 0);
    char *path = write_book(b, "reader-masthead.epub");
    char *mast = part(path, "text/masthead.xhtml");
    cr_assert(strstr(mast, "<li lang=\"zh-TW\" xml:lang=\"zh-TW\"><a href=\"../text/a001.xhtml\">港口新聞</a>"
                           "<br/><span class=\"by\">林雅文 \xC2\xB7 2026年11月24日 08:00</span>"
                           "<br/><span class=\"desc\">港口今天迎來第一艘貨輪。</span></li>"), "%s", mast);
    cr_assert(strstr(mast, "<span class=\"by\">Maria Okafor \xC2\xB7 November 28, 2026, 7:45 a.m.</span>"
                           "<br/><span class=\"desc\">The harbour reopened on Saturday"), "%s", mast);
    /* a long description is cut at a word, with an ellipsis */
    cr_assert(strstr(mast, "said the port authority, which\xE2\x80\xA6</span>"), "%s", mast);
    cr_assert_null(strstr(mast, "end of the month."), "%s", mast);
    cr_assert_null(strstr(mast, " \xE2\x80\xA6"), "cut leaves a space before the ellipsis");
    free(mast);
    free(path);
    ov_book_free(b);
}
