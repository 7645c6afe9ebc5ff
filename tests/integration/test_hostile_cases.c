/*
 * Issue 14's numbered cases that had no end-to-end test, named cNN_ after
 * the case. Pages and feeds are our own, served by loopback nginx (or the
 * fault server for broken answers); each test asserts the exit code, the
 * message where the case is about one, whether a book was written and the
 * good articles' text. Books go to the gate folder (the epubcheck tier
 * checks them), except case 9's 10,000-image book, which would make that
 * gate take minutes: it is written to a scratch folder.
 *
 * Cases held by tests elsewhere: 1, 2, 3 (70 tables), 11 in test_hostile*.c;
 * 4 and 6 (charset in HTTP only) in test_feed_charset.c; 8 and 13 in
 * test_hostile_net.c; 10 (redirect) in test_hostile_netns.c; 16 (bad
 * selector) in test_hostile.c; 12 and 14 also as unit tests.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <iconv.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <zip.h>
#include <zlib.h>

#include "faultserver.h"
#include "nginx.h"
#include "ov_test.h"

static ov_test_nginx *ng;
static ov_test_fault *fs;
static char *site;

static void put_n(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    fwrite(text, 1, len, f);
    fclose(f);
}

static void put(const char *dir, const char *name, const char *text)
{
    put_n(dir, name, text, strlen(text));
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Concatenated text of every .xhtml entry of the book (caller frees). */
static char *all_xhtml(const char *path)
{
    int e = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    cr_assert(z, "cannot open %s", path);
    size_t len = 0;
    char *all = calloc(1, 1);
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!strstr(name, ".xhtml"))
            continue;
        size_t n = 0;
        char *t = ov_test_zip_entry(path, name, &n);
        all = realloc(all, len + n + 1);
        memcpy(all + len, t, n + 1);
        len += n;
        free(t);
    }
    zip_close(z);
    return all;
}

#define PAGE_FMT                                                                                   \
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>"     \
    "<body><article><h1>%s</h1><p>%s</p><p>A second paragraph of the article, so that it reads "  \
    "as an article.</p></article></body></html>"

/* An article page `name` in the site with title `title` and text `text`. */
static void article(const char *name, const char *title, const char *text)
{
    char buf[4096];
    snprintf(buf, sizeof buf, PAGE_FMT, title, title, text);
    put(site, name, buf);
}

static void start(void)
{
    site = ov_test_tmpdir("hostile-cases-site");
    article("one.html", "Article one", "The first good article text, about the river ferry.");
    article("two.html", "Article two", "The second good article text, about the old lighthouse.");
    article("three.html", "Article three", "The third good article text, about the town market.");
    article("four.html", "Article four", "The fourth good article text, about the school choir.");
    ov_test_copy_source("tests/fixtures/fetch/tiny.png", site, "tiny.png");
    cr_assert_eq(ov_test_nginx_start(site, &ng), 0, "nginx did not start");
    cr_assert_eq(ov_test_fault_start(&fs), 0, "fault server did not start");
}

static void stop(void)
{
    ov_test_nginx_stop(ng);
    ov_test_fault_stop(fs);
    free(site);
}

TestSuite(hostile_cases, .init = start, .fini = stop, .timeout = 600);

/* An RSS 2.0 feed `name` whose items are `items` (raw XML). */
static void feed(const char *name, const char *items)
{
    size_t n = strlen(items) + 512;
    char *buf = malloc(n);
    snprintf(buf, n,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
             "<title>Cases</title><link>%s/</link><description>d</description>%s</channel></rss>",
             ov_test_nginx_base(ng), items);
    put(site, name, buf);
    free(buf);
}

/* `n` copies of `s` (caller frees). */
static char *repeat(const char *s, int n)
{
    size_t k = strlen(s);
    char *r = malloc(k * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(r + k * (size_t)i, s, k);
    r[k * (size_t)n] = '\0';
    return r;
}

/* A page with `n` levels of `open`/`close` around a sentence, and text after. */
static void deep_page(const char *name, const char *open, const char *close, int n)
{
    char *o = repeat(open, n), *c = repeat(close, n);
    size_t len = strlen(o) + strlen(c) + 1024;
    char *p = malloc(len);
    snprintf(p, len,
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Deep %s</title>"
             "</head><body><article><h1>Deep %s</h1><p>Opening paragraph before the nest, long "
             "enough to be article text.</p>%sDeepest text of %s, a sentence kept in the book.%s"
             "<p>Closing paragraph after the %s nest, which must be in the book.</p>"
             "</article></body></html>",
             name, name, o, name, c, name);
    char file[64];
    snprintf(file, sizeof file, "deep-%s.html", name);
    put(site, file, p);
    free(p);
    free(o);
    free(c);
}

/* 3: 20,000 levels of div, blockquote and table: the text inside and after
   the nest is kept (flattened past the depth limit). That the work is linear
   in the depth is test_complexity's nesting_depth (counted, not timed). */
Test(hostile_cases, c03_twenty_thousand_levels_keep_their_text)
{
    deep_page("div", "<div>", "</div>", 20000);
    deep_page("blockquote", "<blockquote>", "</blockquote>", 20000);
    deep_page("table", "<table><tr><td>", "</td></tr></table>", 20000);
    char *u1 = ov_test_nginx_url(ng, "/deep-div.html");
    char *u2 = ov_test_nginx_url(ng, "/deep-blockquote.html");
    char *u3 = ov_test_nginx_url(ng, "/deep-table.html");
    char *out = ov_test_book_path("case03-deep.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", u1, u2, u3, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = all_xhtml(out);
    const char *want[] = {"Deepest text of div", "Closing paragraph after the div",
                          "Deepest text of blockquote", "Closing paragraph after the blockquote",
                          "Deepest text of table", "Closing paragraph after the table", NULL};
    for (size_t i = 0; want[i]; i++)
        cr_assert(strstr(t, want[i]), "'%s' was lost", want[i]);
    cr_assert_null(strstr(t, "could not be included"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(u3);
    free(u2);
    free(u1);
}

/* 5: a NUL byte in the middle of a feed, or first, loses nothing. */
Test(hostile_cases, c05_nul_byte_does_not_truncate_a_feed)
{
    char items[2048];
    snprintf(items, sizeof items,
             "<item><title>Article one</title><link>%s/one.html</link></item>", ov_test_nginx_base(ng));
    char buf[4096];
    int n = snprintf(buf, sizeof buf,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
                     "<title>Nul</title><link>%s/</link><description>d</description>%s",
                     ov_test_nginx_base(ng), items);
    buf[n++] = '\0';
    n += snprintf(buf + n, sizeof buf - (size_t)n,
                  "<item><title>Article two</title><link>%s/two.html</link></item></channel></rss>",
                  ov_test_nginx_base(ng));
    put_n(site, "nul-mid.xml", buf, (size_t)n);
    char first[4096];
    first[0] = '\0';
    memcpy(first + 1, buf, (size_t)n);
    put_n(site, "nul-first.xml", first, (size_t)n + 1);
    const char *feeds[] = {"/nul-mid.xml", "/nul-first.xml"};
    for (int i = 0; i < 2; i++) {
        char *url = ov_test_nginx_url(ng, feeds[i]);
        char name[64];
        snprintf(name, sizeof name, "case05-nul-%d.epub", i);
        char *out = ov_test_book_path(name);
        ov_test_run r;
        int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", url, "-o", out, NULL);
        cr_assert_eq(st, 0, "%s: exit %d\nstderr: %s", feeds[i], st, r.err);
        char *t = all_xhtml(out);
        cr_assert(strstr(t, "first good article text"), "%s: article one lost", feeds[i]);
        cr_assert(strstr(t, "second good article text"), "%s: the item after the NUL lost",
                  feeds[i]);
        free(t);
        ov_test_run_free(&r);
        free(out);
        free(url);
    }
}

/* 6: GBK bytes in a feed that declares UTF-8: titles, section names and,
   with --full-content, the text are read as GBK. */
Test(hostile_cases, c06_gbk_feed_declared_utf8)
{
    const char *utf8 =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
        "<title>江川日报</title><link>http://127.0.0.1/</link><description>本地新闻</description>"
        "<item><title>江川大桥今日通车</title><guid isPermaLink=\"false\">jc-1</guid>"
        "<content:encoded><![CDATA[<p>连接江川两岸的大桥今天上午正式通车，市民从老城区到新区的时间由"
        "四十分钟缩短到十分钟。</p><p>大桥全长两千三百米，双向六车道，设有人行道和自行车道。</p>]]>"
        "</content:encoded></item>"
        "<item><title>老城区菜市场完成改造</title><guid isPermaLink=\"false\">jc-2</guid>"
        "<content:encoded><![CDATA[<p>经过半年的改造，老城区中心菜市场重新开业，摊位从八十个增加到"
        "一百二十个。</p><p>改造后的市场增加了冷链柜台和电子秤，购物环境明显改善。</p>]]>"
        "</content:encoded></item></channel></rss>";
    iconv_t cd = iconv_open("GBK", "UTF-8");
    cr_assert(cd != (iconv_t)-1, "no GBK converter");
    size_t il = strlen(utf8), ol = il * 2 + 16;
    char *gbk = malloc(ol), *op = gbk, *ip = (char *)utf8;
    cr_assert(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    put_n(site, "gbk-as-utf8.xml", gbk, (size_t)(op - gbk));
    free(gbk);
    char *url = ov_test_nginx_url(ng, "/gbk-as-utf8.xml");
    char *out = ov_test_book_path("case06-gbk.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--full-content", url, "-o", out,
                            NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "江川大桥今日通车"), "title lost");
    cr_assert(strstr(t, "老城区菜市场完成改造"), "title lost");
    cr_assert(strstr(t, "双向六车道"), "text lost");
    cr_assert(strstr(t, "冷链柜台和电子秤"), "text lost");
    cr_assert_null(strstr(t, "\xEF\xBF\xBD"), "replacement characters in the book");
    free(t);
    char *opf = ov_test_zip_entry(out, ".opf", NULL);
    cr_assert(opf && strstr(opf, "江川日报"), "the feed title: %s", opf);
    free(opf);
    ov_test_run_free(&r);
    free(out);
    free(url);
}

/* 7: items past 10,000 and items with javascript:/data:/file:/ftp: links
   are reported skips (exit 3); the good items are in the book. */
Test(hostile_cases, c07_dropped_feed_items_are_reported)
{
    char one[256], two[256];
    snprintf(one, sizeof one, "%s/one.html", ov_test_nginx_base(ng));
    snprintf(two, sizeof two, "%s/two.html", ov_test_nginx_base(ng));
    size_t cap = 10005 * 160 + 1, len = 0;
    char *items = malloc(cap);
    for (int i = 0; i < 10005; i++)
        len += (size_t)snprintf(items + len, cap - len,
                                "<item><title>Item %d</title><link>%s</link><guid>g%d</guid></item>", i,
                                i % 2 ? two : one, i);
    feed("many.xml", items);
    free(items);
    char *url = ov_test_nginx_url(ng, "/many.xml");
    char *out = ov_test_book_path("case07-many.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", url, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "5 feed items past the limit of 10000 items not read"), "%s", r.err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "first good article text") && strstr(t, "second good article text"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(url);

    char sch[2048];
    snprintf(sch, sizeof sch,
             "<item><title>JS</title><link>javascript:alert(1)</link></item>"
             "<item><title>Data</title><link>data:text/html,hi</link></item>"
             "<item><title>File</title><link>file:///etc/passwd</link></item>"
             "<item><title>FTP</title><link>ftp://127.0.0.1/x</link></item>"
             "<item><title>Article three</title><link>%s/three.html</link></item>",
             ov_test_nginx_base(ng));
    feed("schemes.xml", sch);
    url = ov_test_nginx_url(ng, "/schemes.xml");
    out = ov_test_book_path("case07-schemes.epub");
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", url, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    const char *sk[] = {"a javascript: link", "a data: link", "a file: link", "a ftp: link", NULL};
    for (size_t i = 0; sk[i]; i++)
        cr_assert(strstr(r.err, sk[i]), "'%s' not reported: %s", sk[i], r.err);
    t = all_xhtml(out);
    cr_assert(strstr(t, "third good article text"));
    cr_assert_null(strstr(t, "root:x:"));
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(url);
}

/* 9: 10,000 images in one page: every one in the book (it took 58 s, 287 s
   under ASan). That the work is linear in the images is test_complexity's
   images_in_one_page (counted, not timed). The book goes to a scratch
   folder, not the gate's. */
Test(hostile_cases, c09_ten_thousand_images_in_one_page)
{
    size_t cap = 10000 * 64 + 1024, len = 0;
    char *p = malloc(cap);
    len += (size_t)snprintf(p + len, cap - len,
                            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Many "
                            "images</title></head><body><article><h1>Many images</h1><p>An article "
                            "with very many pictures, the first paragraph of its text.</p>");
    for (int i = 0; i < 10000; i++)
        len += (size_t)snprintf(p + len, cap - len, "<img src=\"tiny.png?i=%d\" alt=\"p%d\">", i, i);
    snprintf(p + len, cap - len,
             "<p>The closing paragraph after all the pictures.</p></article></body></html>");
    put(site, "images.html", p);
    free(p);
    char *url = ov_test_nginx_url(ng, "/images.html");
    char *tmp = ov_test_tmpdir("case09-out");
    char *out = join(tmp, "images.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--per-host", "16", url, "-o",
                            out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %.2000s", st, r.err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "first paragraph of its text"));
    cr_assert(strstr(t, "closing paragraph after all the pictures"));
    size_t imgs = 0; /* the page's images, by their alt text (the cover's is the title) */
    for (const char *q = t; (q = strstr(q, "<img src=\"../img/")); q++)
        imgs += strncmp(strstr(q, "alt=\""), "alt=\"p", 6) == 0;
    cr_assert_eq(imgs, 10000, "%zu of the 10,000 images in the book", imgs);
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(tmp);
    free(url);
}

/* 12: the cache is disposable: a corrupt index, truncated bodies and an
   unwritable $XDG_CACHE_HOME are warnings; the book is the same. */
Test(hostile_cases, c12_cache_is_disposable)
{
    char *tmp = ov_test_tmpdir("case12-cache");
    char *cache = join(tmp, "cache");
    char *u1 = ov_test_nginx_url(ng, "/one.html");
    char *u2 = ov_test_nginx_url(ng, "/two.html");
    char *out = ov_test_book_path("case12-cache.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "-q", "--cache-dir", cache, u1, u2, "-o", out, NULL);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    char *before = all_xhtml(out);
    /* cut every stored body short behind the cache's back */
    char *idx = join(cache, "index.sqlite");
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(idx, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE entries SET data = substr(data, 1, 8) WHERE data IS NOT NULL",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    int cut = sqlite3_changes(db);
    sqlite3_close(db);
    cr_assert_eq(cut, 2, "%d bodies in the cache, want 2", cut);
    st = ov_test_octavo(&r, NULL, "build", "-q", "--cache-dir", cache, u1, u2, "-o", out, NULL);
    cr_assert_eq(st, 0, "truncated bodies: exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    char *after = all_xhtml(out);
    cr_assert_str_eq(after, before, "a truncated cache body reached the book");
    free(after);
    /* alter one byte of every stored body, keeping its size (a flipped bit
       on the disk): the CRC-32 check refetches them, with a warning */
    cr_assert_eq(sqlite3_open(idx, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE entries SET data = CAST(replace(CAST(data AS TEXT),"
                                  " 'good', 'evil') AS BLOB) WHERE data IS NOT NULL",
                              NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cut = sqlite3_changes(db);
    sqlite3_close(db);
    cr_assert_eq(cut, 2, "%d bodies in the cache, want 2", cut);
    st = ov_test_octavo(&r, NULL, "build", "-q", "--cache-dir", cache, u1, u2, "-o", out, NULL);
    cr_assert_eq(st, 0, "altered bodies: exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "CRC-32"), "no warning for an altered body: %s", r.err);
    ov_test_run_free(&r);
    after = all_xhtml(out);
    cr_assert_str_eq(after, before, "an altered cache body reached the book");
    free(after);
    /* a corrupt index */
    put(cache, "index.sqlite", "this is not an SQLite database, just some bytes of junk");
    st = ov_test_octavo(&r, NULL, "build", "-q", "--cache-dir", cache, u1, u2, "-o", out, NULL);
    cr_assert_eq(st, 0, "corrupt index: exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "warning: cache"), "no warning: %s", r.err);
    ov_test_run_free(&r);
    after = all_xhtml(out);
    cr_assert_str_eq(after, before);
    free(after);
    /* $XDG_CACHE_HOME under a plain file */
    put(tmp, "plain", "a file, not a folder");
    char env1[4200];
    snprintf(env1, sizeof env1, "XDG_CACHE_HOME=%s/plain", tmp);
    char *env[] = {env1, NULL};
    st = ov_test_octavo(&r, env, "build", "-q", u1, u2, "-o", out, NULL);
    cr_assert_eq(st, 0, "unwritable XDG_CACHE_HOME: exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "running without the cache"), "%s", r.err);
    cr_assert(strstr(r.err, "/plain/octavo"), "the folder is not named: %s", r.err);
    ov_test_run_free(&r);
    after = all_xhtml(out);
    cr_assert_str_eq(after, before);
    free(after);
    free(before);
    free(idx);
    free(out);
    free(u2);
    free(u1);
    free(cache);
    free(tmp);
}

/* 14: a recipe title of 300 and of 4,000 bytes without `id` runs (a short
   hashed id names the state and lock files). */
Test(hostile_cases, c14_long_recipe_title_without_id)
{
    char items[1024];
    snprintf(items, sizeof items, "<item><title>Article four</title><link>%s/four.html</link></item>",
             ov_test_nginx_base(ng));
    feed("recipe-feed.xml", items);
    char *feed_url = ov_test_nginx_url(ng, "/recipe-feed.xml");
    char *tmp = ov_test_tmpdir("case14-recipe");
    char *probe = ov_test_book_path("case14-probe");
    char *books = strdup(probe);
    *strrchr(books, '/') = '\0';
    const int sizes[] = {300, 4000};
    for (int i = 0; i < 2; i++) {
        char *title = malloc((size_t)sizes[i] + 1);
        for (int k = 0; k < sizes[i]; k++)
            title[k] = (char)('a' + k % 26);
        title[sizes[i]] = '\0';
        size_t n = (size_t)sizes[i] + 8192;
        char *text = malloc(n);
        snprintf(text, n,
                 "[publication]\ntitle = \"%s\"\nlanguage = en\noldest = 0\n"
                 "output = \"%s/case14-%d-%%n.epub\"\n[section \"News\"]\nfeed = %s\n",
                 title, books, sizes[i], feed_url);
        char name[64], book[64];
        snprintf(name, sizeof name, "long%d.recipe", sizes[i]);
        put(tmp, name, text);
        char *recipe = join(tmp, name);
        char *state = join(tmp, "state.db");
        snprintf(book, sizeof book, "case14-%d-1.epub", sizes[i]);
        char *out = join(books, book);
        unlink(out);
        ov_test_run r;
        int st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state,
                                "--no-cache", "-q", NULL);
        cr_assert_eq(st, 0, "%d-byte title: exit %d\nstderr: %s", sizes[i], st, r.err);
        char *t = all_xhtml(out);
        cr_assert(strstr(t, "fourth good article text"), "%d-byte title: article lost", sizes[i]);
        free(t);
        ov_test_run_free(&r);
        free(out);
        free(state);
        free(recipe);
        free(text);
        free(title);
    }
    free(books);
    free(probe);
    free(tmp);
    free(feed_url);
}

/* 16: runaway patterns over 300 long URLs end, with an error that names the
   pattern and the step limit that stopped it; a backreference pattern cannot
   hang the run. The bound is the match limit's step count, shown by the
   message, not a timer (a hang is the test's timeout). */
Test(hostile_cases, c16_runaway_patterns_end_quickly)
{
    size_t cap = 300 * 200 + 1024, len = 0;
    char *p = malloc(cap);
    len += (size_t)snprintf(p + len, cap - len,
                            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                            "Listing</title></head><body><ul>");
    for (int i = 0; i < 300; i++) {
        char a[64];
        memset(a, 'a', 40 + (size_t)(i % 20));
        a[40 + i % 20] = '\0';
        len += (size_t)snprintf(p + len, cap - len, "<li><a href=\"/%s!%d\">Link %d</a></li>", a, i, i);
    }
    snprintf(p + len, cap - len, "</ul></body></html>");
    put(site, "listing.html", p);
    free(p);
    char *url = ov_test_nginx_url(ng, "/listing.html");
    char *tmp = ov_test_tmpdir("case16");
    char *out = join(tmp, "never.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--pattern", "(a+)+$", url, "-o",
                            out, NULL);
    cr_assert_eq(st, 1, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "(a+)+$") && strstr(r.err, "OV_PATTERN_MATCH_LIMIT"), "%s", r.err);
    ov_test_run_free(&r);
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--pattern", "(a+)\\1$", url, "-o",
                        out, NULL);
    cr_assert_eq(st, 1, "exit %d\nstderr: %s", st, r.err);
    ov_test_run_free(&r);
    cr_assert_neq(access(out, F_OK), 0, "a book was written");
    free(out);
    free(tmp);
    free(url);
}

/* 17: messages that name what happened: a billion-laughs feed, a NUL in the
   status line, a recipe over 1 MB, an invalid UTF-8 section name. */
Test(hostile_cases, c17_messages_name_the_problem)
{
    size_t cap = 8192, len = 0;
    char *laughs = malloc(cap);
    len += (size_t)snprintf(laughs + len, cap - len,
                            "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i < 10; i++) {
        len += (size_t)snprintf(laughs + len, cap - len, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            len += (size_t)snprintf(laughs + len, cap - len, "&lol%d;", i - 1);
        len += (size_t)snprintf(laughs + len, cap - len, "\">");
    }
    snprintf(laughs + len, cap - len,
             "]>\n<rss version=\"2.0\"><channel><title>Laughs</title><link>%s/</link>"
             "<description>d</description><item><title>&lol9;</title><link>%s/one.html</link>"
             "</item></channel></rss>",
             ov_test_nginx_base(ng), ov_test_nginx_base(ng));
    put(site, "laughs.xml", laughs);
    free(laughs);
    char *url = ov_test_nginx_url(ng, "/laughs.xml");
    char *good = ov_test_nginx_url(ng, "/two.html");
    char *nul = ov_test_fault_url(fs, "/nulstatus");
    char *out = ov_test_book_path("case17-messages.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--retries", "0", good, url, nul,
                            "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "entity expansion refused"), "%s", r.err);
    cr_assert_null(strstr(r.err, "no articles found"), "%s", r.err);
    cr_assert(strstr(r.err, "not valid HTTP/1.x or HTTP/2"), "%s", r.err);
    cr_assert_null(strstr(r.err, "redirected"), "%s", r.err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "second good article text"));
    free(t);
    ov_test_run_free(&r);

    char *tmp = ov_test_tmpdir("case17");
    char *state = join(tmp, "state.db");
    /* a recipe over 1 MB: refused, naming the file */
    size_t big = 1024 * 1024 + 100;
    char *text = malloc(big + 1);
    memset(text, '#', big);
    memcpy(text, "[publication]\ntitle = T\n#", 25);
    for (size_t i = 100; i < big; i += 100)
        text[i] = '\n';
    text[big] = '\0';
    put(tmp, "huge.recipe", text);
    free(text);
    char *recipe = join(tmp, "huge.recipe");
    st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state, "--no-cache", NULL);
    cr_assert_eq(st, 2, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "huge.recipe"), "the file is not named: %s", r.err);
    ov_test_run_free(&r);
    free(recipe);
    /* an invalid UTF-8 section name: refused with file:line */
    put(tmp, "bad.recipe",
        "[publication]\ntitle = T\nlanguage = en\n[section \"Caf\xe9\"]\nfeed = http://127.0.0.1:9/f.xml\n");
    recipe = join(tmp, "bad.recipe");
    st = ov_test_octavo(&r, NULL, "build", "--recipe", recipe, "--state", state, "--no-cache", NULL);
    cr_assert_eq(st, 2, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "bad.recipe:4"), "no file:line: %s", r.err);
    ov_test_run_free(&r);
    free(recipe);
    free(state);
    free(tmp);
    free(out);
    free(nul);
    free(good);
    free(url);
}

/* A fresh network namespace with its loopback up; 0, or -1 when not allowed. */
static int private_loopback(void)
{
    if (unshare(CLONE_NEWNET) != 0)
        return -1;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    return rc;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* 10: link-local and cloud-metadata addresses from feed links, xml:base,
   srcset and <base> are refused before any connect (the redirect case is
   test_hostile_netns.c). Run in a network namespace of its own holding only
   loopback, so even a broken policy could not send a packet off this
   machine; skipped where a namespace cannot be made. */
Test(hostile_cases_netns, c10_metadata_addresses_refused_everywhere, .timeout = 300)
{
    if (private_loopback() != 0)
        cr_skip_test("cannot make a network namespace here (needs root)");
    char *root = ov_test_tmpdir("case10-site");
    ov_test_copy_source("tests/fixtures/fetch/tiny.png", root, "tiny.png");
    put(root, "srcset.html",
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Srcset to metadata"
        "</title></head><body><article><h1>Srcset to metadata</h1><p>The srcset article text, long "
        "enough to count as the article here.</p><img srcset=\"http://169.254.169.254/latest/a.png 2x\" "
        "src=\"tiny.png\" alt=\"pic\"><p>More text after the picture of this article.</p>"
        "</article></body></html>");
    put(root, "base.html",
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Base to metadata"
        "</title><base href=\"http://169.254.169.254/latest/\"></head><body><article><h1>Base to "
        "metadata</h1><p>The base article text, long enough to count as the article here.</p>"
        "<img src=\"meta-data.png\" alt=\"pic\"><p>More text after the picture.</p>"
        "</article></body></html>");
    ov_test_nginx *ngx = NULL;
    cr_assert_eq(ov_test_nginx_start(root, &ngx), 0, "nginx did not start");
    const char *b = ov_test_nginx_base(ngx);
    char feedtext[4096];
    snprintf(feedtext, sizeof feedtext,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
             "<title>Metadata</title><id>urn:x:meta</id><updated>2026-01-01T00:00:00Z</updated>"
             "<entry><title>Link</title><id>urn:x:1</id><updated>2026-01-01T00:00:00Z</updated>"
             "<link href=\"http://169.254.169.254/latest/meta-data/\"/></entry>"
             "<entry xml:base=\"http://169.254.169.254/latest/\"><title>Base</title><id>urn:x:2</id>"
             "<updated>2026-01-01T00:00:00Z</updated><link href=\"user-data\"/></entry>"
             "<entry><title>Name</title><id>urn:x:3</id><updated>2026-01-01T00:00:00Z</updated>"
             "<link href=\"http://metadata.google.internal/computeMetadata/v1/\"/></entry>"
             "<entry><title>Srcset</title><id>urn:x:4</id><updated>2026-01-01T00:00:00Z</updated>"
             "<link href=\"%s/srcset.html\"/></entry>"
             "<entry><title>Base page</title><id>urn:x:5</id><updated>2026-01-01T00:00:00Z</updated>"
             "<link href=\"%s/base.html\"/></entry></feed>",
             b, b);
    put(root, "feed.xml", feedtext);
    char *url = ov_test_nginx_url(ngx, "/feed.xml");
    char *out = ov_test_book_path("case10-metadata.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--retries", "0", url, "-o", out,
                            NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "169.254.169.254/latest/meta-data/"), "%s", r.err);
    cr_assert(strstr(r.err, "169.254.169.254/latest/user-data"), "xml:base: %s", r.err);
    cr_assert(strstr(r.err, "metadata.google.internal"), "%s", r.err);
    cr_assert(strstr(r.err, "169.254.169.254/latest/meta-data.png"), "<base>: %s", r.err);
    cr_assert_geq(count(r.err, "refused"), 4, "not refused by the policy:\n%s", r.err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "The srcset article text"));
    cr_assert(strstr(t, "The base article text"));
    cr_assert(strstr(t, "<img src=\"../img/"), "the srcset's valid src was not used");
    cr_assert_null(strstr(t, "169.254"), "a metadata address reached the book");
    free(t);
    ov_test_run_free(&r);
    free(out);
    free(url);
    ov_test_nginx_stop(ngx);
    free(root);
}

/* A w x h RGB PNG of noise (stored, uncompressed), `*len` bytes (caller frees). */
static unsigned char *noise_png(unsigned w, unsigned h, unsigned seed, size_t *len)
{
    size_t raw_len = (size_t)h * (1 + 3 * (size_t)w);
    unsigned char *raw = malloc(raw_len);
    for (size_t i = 0; i < raw_len; i++) {
        seed = seed * 1103515245u + 12345u;
        raw[i] = i % (1 + 3 * (size_t)w) == 0 ? 0 : (unsigned char)(seed >> 16);
    }
    uLongf zlen = compressBound((uLong)raw_len);
    unsigned char *z = malloc(zlen);
    cr_assert_eq(compress2(z, &zlen, raw, (uLong)raw_len, 0), Z_OK);
    free(raw);
    size_t cap = 8 + 25 + 12 + zlen + 12, n = 0;
    unsigned char *png = malloc(cap);
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    n = 8;
    unsigned char ihdr[13] = {(unsigned char)(w >> 24), (unsigned char)(w >> 16), (unsigned char)(w >> 8),
                              (unsigned char)w, (unsigned char)(h >> 24), (unsigned char)(h >> 16),
                              (unsigned char)(h >> 8), (unsigned char)h, 8, 2, 0, 0, 0};
    const struct { const char *type; const unsigned char *data; size_t len; } chunks[] = {
        {"IHDR", ihdr, sizeof ihdr}, {"IDAT", z, zlen}, {"IEND", NULL, 0}};
    for (size_t c = 0; c < 3; c++) {
        size_t l = chunks[c].len;
        unsigned char *at = png + n;
        at[0] = (unsigned char)(l >> 24), at[1] = (unsigned char)(l >> 16);
        at[2] = (unsigned char)(l >> 8), at[3] = (unsigned char)l;
        memcpy(at + 4, chunks[c].type, 4);
        if (l)
            memcpy(at + 8, chunks[c].data, l);
        uLong crc = crc32(0L, at + 4, (uInt)(4 + l));
        at[8 + l] = (unsigned char)(crc >> 24), at[9 + l] = (unsigned char)(crc >> 16);
        at[10 + l] = (unsigned char)(crc >> 8), at[11 + l] = (unsigned char)crc;
        n += 12 + l;
    }
    free(z);
    *len = n;
    return png;
}

static int is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    cr_assert(d, "cannot open %s", path);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return n == 0;
}

/* A test folder with a tmpfs of `size` ("size=64k") mounted on it, in a
   mount namespace of this test's own; the test is skipped without root. */
static char *small_tmpdir(const char *tag, const char *size)
{
    char *tmp = ov_test_tmpdir(tag);
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, size) != 0)
        cr_skip_test("cannot mount a small tmpfs here (needs root)");
    return tmp;
}

/* `octavo build --no-cache -q URL -o OUT` with TMPDIR=tmp; its exit status. */
static int build_with_tmpdir(ov_test_run *r, const char *tmp, const char *url, const char *out)
{
    char env1[4200];
    snprintf(env1, sizeof env1, "TMPDIR=%s", tmp);
    char *env[] = {env1, NULL};
    return ov_test_octavo(r, env, "build", "--no-cache", "-q", url, "-o", out, NULL);
}

/* 15: a full TMPDIR (a 64 KB tmpfs in a mount namespace of this test's own)
   costs the images, each a reported skip; the text is in the book and the
   run leaves nothing behind in TMPDIR. (What a kill -9 can leave is named in
   the README; test_kill_atomic checks the book is never torn.) */
Test(hostile_cases, c15_full_tmpdir_leaves_nothing_behind)
{
    char *tmp = small_tmpdir("case15-full", "size=64k");
    char body[2048];
    size_t len = 0;
    for (unsigned i = 0; i < 3; i++) {
        size_t n = 0;
        unsigned char *png = noise_png(200, 200, i + 1, &n);
        char name[32];
        snprintf(name, sizeof name, "big%u.png", i);
        put_n(site, name, (const char *)png, n);
        free(png);
        len += (size_t)snprintf(body + len, sizeof body - len, "<img src=\"big%u.png\" alt=\"b%u\">", i, i);
    }
    char page[4096];
    snprintf(page, sizeof page,
             "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Full tmp</title>"
             "</head><body><article><h1>Full tmp</h1><p>First paragraph of the article about a full "
             "temporary folder, long enough to count.</p>%s<p>Closing paragraph of that article.</p>"
             "</article></body></html>",
             body);
    put(site, "full.html", page);
    char *url = ov_test_nginx_url(ng, "/full.html");
    char *out = ov_test_book_path("case15-full.epub");
    ov_test_run r;
    int st = build_with_tmpdir(&r, tmp, url, out);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "No space left on device"), "%s", r.err);
    cr_assert_eq(count(r.err, "skipped"), 3, "%s", r.err);
    cr_assert(is_empty_dir(tmp), "the run left files in the full TMPDIR");
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "First paragraph of the article about a full"));
    cr_assert(strstr(t, "Closing paragraph of that article"));
    free(t);
    ov_test_run_free(&r);
    umount(tmp);
    free(out);
    free(url);
    free(tmp);
}

/* 15b: a TMPDIR too small for even one article body (a 4 KB tmpfs): the
   bodies stay in memory instead of the spool, so does every chapter, and the
   whole article is in the book. */
Test(hostile_cases, c15b_tmpdir_too_small_for_a_body_keeps_the_article)
{
    char *tmp = small_tmpdir("case15b-tiny", "size=4k");
    char page[16384];
    size_t len = (size_t)snprintf(page, sizeof page,
                                  "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                                  "<title>Tiny tmp</title></head><body><article><h1>Tiny tmp</h1>");
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(page + len, sizeof page - len,
                                "<p>Paragraph %d of a long article, with words enough, and commas, "
                                "to be read as prose.</p>", i);
    snprintf(page + len, sizeof page - len, "</article></body></html>");
    put(site, "tiny.html", page);
    char *url = ov_test_nginx_url(ng, "/tiny.html");
    char *out = ov_test_book_path("case15b-tiny.epub");
    ov_test_run r;
    int st = build_with_tmpdir(&r, tmp, url, out);
    cr_assert_eq(st, 0, "exit %d\nstderr: %s", st, r.err);
    cr_assert(is_empty_dir(tmp), "the run left files in the full TMPDIR");
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "Paragraph 0 of a long article"), "%s", t);
    cr_assert(strstr(t, "Paragraph 59 of a long article"), "%s", t);
    free(t);
    ov_test_run_free(&r);
    umount(tmp);
    free(out);
    free(url);
    free(tmp);
}

/* 8: skips are printed as they happen: the 404 is on stderr while the
   dripping page is still being read, and the deadline ends the run (exit 3,
   the book written from what arrived). */
Test(hostile_cases, c08_skips_are_printed_as_they_happen)
{
    char *good = ov_test_nginx_url(ng, "/one.html");
    char *missing = ov_test_fault_url(fs, "/404");
    char *drip = ov_test_fault_url(fs, "/drip");
    char *out = ov_test_book_path("case08-live.epub");
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execl(ov_test_cli(), ov_test_cli(), "build", "--no-cache", "-q", "--retries", "0",
              "--deadline", "6s", good, missing, drip, "-o", out, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char err[8192];
    size_t len = 0;
    int seen_alive = 0;
    time_t t0 = time(NULL);
    while (time(NULL) - t0 < 60 && len + 1 < sizeof err) {
        struct pollfd pf = {fds[0], POLLIN, 0};
        if (poll(&pf, 1, 1000) <= 0)
            continue;
        ssize_t n = read(fds[0], err + len, sizeof err - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        err[len] = '\0';
        if (!seen_alive && strstr(err, "/404")) {
            int wst;
            seen_alive = waitpid(pid, &wst, WNOHANG) == 0;
            cr_assert(seen_alive, "the 404 skip was printed only at the end:\n%s", err);
        }
    }
    err[len] = '\0';
    close(fds[0]);
    int wst = 0;
    cr_assert_eq(waitpid(pid, &wst, 0), pid);
    cr_assert(WIFEXITED(wst) && WEXITSTATUS(wst) == 3, "status %d\nstderr: %s", wst, err);
    cr_assert(seen_alive, "no 404 skip on stderr:\n%s", err);
    cr_assert(strstr(err, "deadline passed"), "%s", err);
    char *t = all_xhtml(out);
    cr_assert(strstr(t, "first good article text"));
    free(t);
    free(out);
    free(drip);
    free(missing);
    free(good);
}
