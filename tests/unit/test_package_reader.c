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
