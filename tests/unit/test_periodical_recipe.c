/* Recipe parser: good files, every error kind with its line, rules, output names. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/recipe.h"
#include "ov_test.h"

static const char good[] =
    "# A Chinese portal\n"
    "[publication]\n"
    "title = \"锦江晚报\"\n"
    "language = zh-Hans\n"
    "base = http://news.example.cn/portal/index.html\n"
    "output = \"jinjiang-%Y-%m-%d-%n.epub\"\n"
    "oldest = 1.5\n"
    "max_articles = 10\n"
    "images = none\n"
    "grayscale = yes\n"
    "book_budget = 20 MB\n"
    "masthead = no\n"
    "; a comment\n"
    "\n"
    "[section \"要闻\"]\n"
    "feed = rss/top.xml\n"
    "max_articles = 3\n"
    "[section \"World\"]\n"
    "page = /world/\n"
    "pattern = /news/[0-9]{4}/\n"
    "oldest = 7\n"
    "[section \"Abroad\"]\n"
    "sitemap = https://other.example.com/sitemap.xml\n"
    "[rules \"*.example.cn\"]\n"
    "keep = div.article-body\n"
    "remove = .share\n"
    "remove = \"#copyright\"\n"
    "title = h1.headline\n"
    "[rules \"example.com\"]\n"
    "keep = article\n";

static ov_recipe *parse_ok(const char *text)
{
    ov_recipe *r = NULL;
    ov_error err;
    int rc = ov_recipe_parse(text, strlen(text), "good.recipe", &r, &err);
    cr_assert_eq(rc, 0, "parse failed: %s", err.message);
    return r;
}

Test(recipe, good_file)
{
    ov_recipe *r = parse_ok(good);
    cr_assert_str_eq(r->title, "锦江晚报");
    cr_assert_str_eq(r->series, "锦江晚报", "series defaults to the title");
    cr_assert_str_eq(r->id, "锦江晚报", "id is a slug of the title");
    cr_assert_str_eq(r->language, "zh-Hans");
    cr_assert_float_eq(r->oldest_days, 1.5, 1e-9);
    cr_assert_eq(r->max_articles, 10);
    cr_assert_eq(r->images, OV_RECIPE_IMAGES_NONE);
    cr_assert_eq(r->grayscale, 1);
    cr_assert_eq(r->masthead, 0);
    cr_assert_eq(r->source_footer, 1);
    cr_assert_eq(r->book_budget, 20ull * 1024 * 1024);
    cr_assert_eq(r->n_sections, 3);
    cr_assert_str_eq(r->sections[0].name, "要闻");
    cr_assert_eq(r->sections[0].kind, OV_RECIPE_FEED);
    cr_assert_str_eq(r->sections[0].url, "http://news.example.cn/portal/rss/top.xml");
    cr_assert_eq(r->sections[0].max_articles, 3);
    cr_assert_float_eq(r->sections[0].oldest_days, 1.5, 1e-9);
    cr_assert_eq(r->sections[1].kind, OV_RECIPE_PAGE);
    cr_assert_str_eq(r->sections[1].url, "http://news.example.cn/world/");
    cr_assert_str_eq(r->sections[1].pattern, "/news/[0-9]{4}/");
    cr_assert_float_eq(r->sections[1].oldest_days, 7, 1e-9);
    cr_assert_eq(r->sections[1].max_articles, 10);
    cr_assert_eq(r->sections[2].kind, OV_RECIPE_SITEMAP);
    cr_assert_str_eq(r->sections[2].url, "https://other.example.com/sitemap.xml");
    cr_assert_eq(r->n_rules, 2);
    cr_assert_str_eq(r->rules[0].remove[1], "#copyright");
    cr_assert_null(r->rules[0].remove[2]);
    ov_recipe_free(r);
}

Test(recipe, defaults_and_explicit_id)
{
    ov_recipe *r = parse_ok("[publication]\ntitle = The Daily Planet!\nlanguage = en\n"
                            "[section \"Front\"]\nfeed = http://x.test/feed\n");
    cr_assert_str_eq(r->id, "the-daily-planet");
    cr_assert_float_eq(r->oldest_days, 2, 1e-9);
    cr_assert_eq(r->max_articles, 25);
    cr_assert_eq(r->images, OV_RECIPE_IMAGES_KEEP);
    cr_assert_eq(r->book_budget, 50ull * 1024 * 1024);
    cr_assert_str_eq(r->output, "%Y-%m-%d.epub");
    ov_recipe_free(r);
    r = parse_ok("[publication]\nid = planet\ntitle = P\nlanguage = en\n"
                 "[section \"F\"]\nfeed = http://x.test/feed\n");
    cr_assert_str_eq(r->id, "planet");
    ov_recipe_free(r);
}

Test(recipe, ignore_robots_warns)
{
    ov_recipe *r = parse_ok("[publication]\ntitle = S\nlanguage = en\n"
                            "[section \"F\"]\nfeed = http://a.test/f\n");
    cr_assert_null(r->warnings);
    ov_recipe_free(r);
    r = parse_ok("[publication]\ntitle = S\nlanguage = en\nignore_robots = yes\n"
                 "[section \"F\"]\nfeed = http://a.test/f\n");
    cr_assert_eq(r->ignore_robots, 1);
    cr_assert_not_null(r->warnings);
    cr_assert(strstr(r->warnings, "good.recipe:4: warning: ignore_robots = yes"), "%s",
              r->warnings);
    ov_recipe_free(r);
}

Test(recipe, base_override)
{
    ov_recipe *r = parse_ok("[publication]\ntitle = S\nlanguage = en\nbase = http://a.test/\n"
                            "[section \"F\"]\nfeed = feed.xml\n");
    cr_assert_str_eq(r->sections[0].url, "http://a.test/feed.xml");
    ov_error err;
    cr_assert_eq(ov_recipe_set_base(r, "http://127.0.0.1:8080", &err), 0);
    cr_assert_str_eq(r->sections[0].url, "http://127.0.0.1:8080/feed.xml");
    ov_recipe_free(r);
}

static void expect_error(const char *text, int code, const char *needle)
{
    ov_recipe *r = NULL;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_recipe_parse(text, strlen(text), "recipe.ini", &r, &err);
    cr_assert_eq(rc, code, "expected %d, got %d (%s) for:\n%s", code, rc, err.message, text);
    cr_assert_null(r);
    cr_assert(strstr(err.message, needle), "message '%s' lacks '%s'", err.message, needle);
    cr_assert_str_eq(err.where, "recipe.ini");
}

#define HEAD "[publication]\ntitle = T\nlanguage = en\n"
#define SEC "[section \"World\"]\nfeed = http://x.test/f\n"

Test(recipe, errors_with_line_numbers)
{
    expect_error(HEAD SEC "oldst = 3\n", OV_EPARSE,
                 "recipe.ini:6: unknown key 'oldst' in [section \"World\"]; did you mean 'oldest'?");
    expect_error(HEAD "titel = X\n" SEC, OV_EPARSE, "recipe.ini:4: unknown key 'titel'");
    expect_error(HEAD "frobnicate = 1\n" SEC, OV_EPARSE, "recipe.ini:4: unknown key 'frobnicate' in [publication]");
    expect_error(HEAD "title = again\n" SEC, OV_EPARSE, "recipe.ini:4: duplicate key 'title'");
    expect_error(HEAD "max_articles = ten\n" SEC, OV_EPARSE, "recipe.ini:4: 'max_articles' needs a whole number");
    expect_error(HEAD "oldest = -1\n" SEC, OV_EPARSE, "recipe.ini:4: 'oldest' needs a number of days");
    expect_error(HEAD "grayscale = maybe\n" SEC, OV_EPARSE, "recipe.ini:4: 'grayscale' needs yes or no");
    expect_error(HEAD "images = some\n" SEC, OV_EPARSE, "recipe.ini:4: 'images' needs keep or none");
    expect_error(HEAD "book_budget = 3 GB\n" SEC, OV_EPARSE, "recipe.ini:4: 'book_budget' needs a size");
    expect_error(HEAD "[sektion \"A\"]\n", OV_EPARSE, "recipe.ini:4: unknown block [sektion]; did you mean [section]?");
    expect_error(HEAD "[section]\n", OV_EPARSE, "recipe.ini:4: [section] needs a quoted name");
    expect_error(HEAD SEC "[section \"World\"]\n", OV_EPARSE, "recipe.ini:6: duplicate section \"World\" (first at line 4)");
    expect_error(HEAD SEC "sitemap = http://x.test/s\n", OV_EPARSE, "recipe.ini:6: section \"World\" already has a source");
    expect_error(HEAD "just words\n", OV_EPARSE, "recipe.ini:4: expected 'key = value'");
    expect_error("title = T\n", OV_EPARSE, "recipe.ini:1: key 'title' before any");
    expect_error(HEAD "description = \"open\n" SEC, OV_EPARSE, "recipe.ini:4: unterminated quoted value");
    expect_error(HEAD "[publication]\n", OV_EPARSE, "recipe.ini:4: duplicate [publication]");
    expect_error(HEAD "[section \"A\"]\npattern = x\n", OV_EPARSE, "recipe.ini:4: section \"A\" needs one of feed, sitemap or page");
    expect_error(HEAD "[section \"A\"]\nfeed = rel.xml\n", OV_EPARSE, "recipe.ini:4: section \"A\": relative URL 'rel.xml' needs 'base'");
    expect_error(HEAD "output = \"%Y-%q.epub\"\n" SEC, OV_EPARSE, "'output' template");
    expect_error(HEAD "id = \"a b\"\n" SEC, OV_EPARSE, "'id' may only hold");
    expect_error(HEAD SEC "[rules \"x.test\"]\nkeep =\n", OV_EPARSE, "recipe.ini:7: 'keep' needs a selector");
    expect_error(HEAD SEC "[rules \"x.test\"]\nkep = a\n", OV_EPARSE, "did you mean 'keep'?");
}

Test(recipe, missing_required)
{
    expect_error("[publication]\nlanguage = en\n" SEC, OV_EPARSE, "missing required key 'title'");
    expect_error("[publication]\ntitle = T\n" SEC, OV_EPARSE, "missing required key 'language'");
    expect_error(HEAD, OV_EPARSE, "at least one [section");
}

Test(recipe, limits)
{
    size_t n = OV_RECIPE_MAX_LINE + 100;
    char *text = malloc(n + 64);
    memcpy(text, "[publication]\ntitle = ", 22);
    memset(text + 22, 'x', n);
    text[22 + n] = '\0';
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_eq(ov_recipe_parse(text, strlen(text), "big", &r, &err), OV_ELIMIT);
    cr_assert(strstr(err.message, "big:2: line longer than"), "%s", err.message);
    free(text);
}

Test(recipe, rules_lookup_by_host)
{
    ov_recipe *r = parse_ok(good);
    const ov_rules *a = ov_recipe_rules_for(r, "http://news.example.cn/a/1.html");
    cr_assert_not_null(a);
    cr_assert_str_eq(a->keep[0], "div.article-body");
    cr_assert_str_eq(a->remove[0], ".share");
    cr_assert_str_eq(a->title, "h1.headline");
    cr_assert_null(a->byline);
    const ov_rules *b = ov_recipe_rules_for(r, "https://user@WWW.Example.com:8443/x");
    cr_assert_not_null(b, "a plain host matches its subdomains");
    cr_assert_str_eq(b->keep[0], "article");
    cr_assert_eq(ov_recipe_rules_for(r, "https://example.com/"), b);
    cr_assert_null(ov_recipe_rules_for(r, "https://notexample.com/"));
    cr_assert_null(ov_recipe_rules_for(r, "http://example.cn/"), "glob *.example.cn needs a subdomain");
    cr_assert_null(ov_recipe_rules_for(r, "not a url"));
    ov_recipe_free(r);
}

Test(recipe, output_name_template)
{
    ov_recipe *r = parse_ok(good);
    char *name = NULL;
    ov_error err;
    /* 2023-11-14 22:13:20 UTC */
    cr_assert_eq(ov_recipe_output_name(r, (time_t)1700000000, 42, &name, &err), 0);
    cr_assert_str_eq(name, "jinjiang-2023-11-14-42.epub");
    free(name);
    free(r->output);
    r->output = strdup("%H%M-%%-%n");
    cr_assert_eq(ov_recipe_output_name(r, (time_t)1700000000, 7, &name, &err), 0);
    cr_assert_str_eq(name, "2213-%-7");
    free(name);
    ov_recipe_free(r);
}

Test(recipe, load_examples)
{
    const char *files[] = {"examples/recipes/sample-site.recipe",
                           "examples/recipes/jinjiang-evening.recipe",
                           "examples/recipes/harbour-gazette.recipe"};
    for (size_t i = 0; i < 3; i++) {
        char *path = ov_test_source_path(files[i]);
        ov_recipe *r = NULL;
        ov_error err;
        cr_assert_eq(ov_recipe_load(path, &r, &err), 0, "%s: %s", files[i], err.message);
        cr_assert_gt(r->n_sections, 0);
        ov_recipe_free(r);
        free(path);
    }
}

Test(recipe, load_missing_file)
{
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_lt(ov_recipe_load("/nonexistent/x.recipe", &r, &err), 0);
    cr_assert_null(r);
}

Test(recipe, fetch_and_discover_options)
{
    ov_recipe *r = parse_ok("[publication]\ntitle = S\nlanguage = en\ndelay_ms = 1500\n"
                            "per_host = 1\nuser_agent = \"bot (me@example.org)\"\n"
                            "[section \"P\"]\npage = http://a.test/\npattern = /n/\noldest = 3\n");
    ov_fetch_options fo = OV_FETCH_OPTIONS_INIT;
    ov_recipe_fetch_options(r, &fo);
    cr_assert_str_eq(fo.user_agent, "bot (me@example.org)");
    cr_assert_eq(fo.host_delay_ms, 1500);
    cr_assert_eq(fo.max_per_host, 1);
    cr_assert_eq(fo.max_total, 0, "left at the fetcher default");
    cr_assert_eq(fo.ignore_robots, 0);
    ov_discover_options d;
    ov_recipe_discover_options(&r->sections[0], 1700000000, &d);
    cr_assert_str_eq(d.pattern, "/n/");
    cr_assert_eq(d.now, 1700000000);
    cr_assert_float_eq(d.oldest_days, 3, 1e-9);
    cr_assert_eq(d.max_articles, 25);
    ov_recipe_free(r);
}

/* Mutated recipes: every outcome is a recipe or a clean error naming the file. */
Test(recipe, mutations_fail_cleanly)
{
    size_t n = strlen(good);
    char *buf = malloc(n + 1);
    unsigned x = 42;
    size_t ok = 0, bad = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, good, n + 1);
        for (int k = 0; k < 1 + round % 4; k++) {
            x = x * 1103515245u + 12345u;
            size_t at = (x >> 8) % n;
            static const char pool[] = "[]\"=\n#;%\\ \xe4\xb8\x80" "aZ09";
            buf[at] = pool[(x >> 20) % (sizeof pool - 1)];
        }
        ov_recipe *r = NULL;
        ov_error err;
        ov_error_clear(&err);
        int rc = ov_recipe_parse(buf, n, "m.recipe", &r, &err);
        if (rc == 0) {
            cr_assert_not_null(r);
            cr_assert_gt(r->n_sections, 0);
            ov_recipe_free(r);
            ok++;
        } else {
            cr_assert(rc == OV_EPARSE || rc == OV_ELIMIT, "rc %d", rc);
            cr_assert_null(r);
            cr_assert(!strncmp(err.message, "m.recipe", 8), "%s", err.message);
            bad++;
        }
    }
    cr_assert_gt(ok, 0);
    cr_assert_gt(bad, 0);
    free(buf);
}
