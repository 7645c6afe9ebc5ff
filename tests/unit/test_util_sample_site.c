/* The bundled sample site is a fixture: check that it stays what the other tests assume. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "octavo/model.h"
#include "ov_test.h"

static char *site_file(const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/sample-site/%s", ov_test_source_dir(), rel);
    char *data = ov_test_slurp(path, len);
    cr_assert(data, "missing %s", path);
    return data;
}

static int exists(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/sample-site/%s", ov_test_source_dir(), rel);
    struct stat st;
    return stat(path, &st) == 0;
}

/* Strict UTF-8 check (no overlongs, no surrogates). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n || (len == 2 && c < 0xC2))
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        if (len == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
            return 0;
        if (len == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || c > 0xF4))
            return 0;
        i += len;
    }
    return 1;
}

Test(sample_site, every_feed_item_exists)
{
    size_t n;
    char *feed = site_file("feed.xml", &n);
    int items = 0;
    for (char *p = strstr(feed, "<link>news/"); p; p = strstr(p + 1, "<link>news/")) {
        char rel[512];
        const char *start = p + 6, *end = strstr(start, "</link>");
        cr_assert(end && (size_t)(end - start) < sizeof rel);
        memcpy(rel, start, (size_t)(end - start));
        rel[end - start] = '\0';
        cr_assert(exists(rel), "feed.xml links to a missing page: %s", rel);
        items++;
    }
    cr_assert_geq(items, 8, "the feed should list at least 8 articles, lists %d", items);
    free(feed);
}

Test(sample_site, every_image_exists)
{
    const char *pages[] = {"news/2026/11/27/jc-flood-relief.html", "news/2026/11/26/jc-harvest.html",
                           "news/2026/11/25/jc-bridge.html", "news/2026/11/24/jc-teahouse.html",
                           "news/2026/11/23/jc-calligraphy.html",
                           "news/2026/11/28/ferry-terminal-plan.html",
                           "news/2026/11/27/council-budget-vote.html",
                           "news/2026/11/26/estuary-feature.html",
                           "news/2026/11/20/lighthouse-keeper.html"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        size_t n;
        char *html = site_file(pages[i], &n);
        int found = 0;
        for (char *p = strstr(html, "images/"); p; p = strstr(p + 1, "images/")) {
            char rel[256];
            size_t k = strcspn(p, "\"' ,");
            cr_assert(k < sizeof rel);
            memcpy(rel, p, k);
            rel[k] = '\0';
            cr_assert(exists(rel), "%s refers to a missing image: %s", pages[i], rel);
            found++;
        }
        cr_assert_gt(found, 0, "%s has no image", pages[i]);
        free(html);
    }
}

Test(sample_site, legacy_encodings_are_really_legacy)
{
    const char *legacy[] = {"news/2026/11/26/jc-harvest.html", "news/2026/11/25/jc-bridge.html",
                            "news/2026/11/24/jc-teahouse.html"};
    for (size_t i = 0; i < 3; i++) {
        size_t n;
        char *d = site_file(legacy[i], &n);
        cr_assert_not(valid_utf8((unsigned char *)d, n), "%s should not be UTF-8", legacy[i]);
        free(d);
    }
    size_t n;
    char *d = site_file("news/2026/11/27/jc-flood-relief.html", &n);
    cr_assert(valid_utf8((unsigned char *)d, n));
    free(d);
}

Test(sample_site, images_are_what_they_say)
{
    size_t n;
    char *webp = site_file("images/lighthouse.webp", &n);
    cr_assert_str_eq(ov_sniff_media_type((unsigned char *)webp, n), "image/webp");
    free(webp);
    char *jpg = site_file("images/estuary-large.jpg", &n);
    cr_assert_str_eq(ov_sniff_media_type((unsigned char *)jpg, n), "image/jpeg");
    free(jpg);
    char *png = site_file("images/ferry-plan.png", &n);
    cr_assert_str_eq(ov_sniff_media_type((unsigned char *)png, n), "image/png");
    free(png);
}

Test(sample_site, robots_and_feeds_present)
{
    size_t n;
    char *robots = site_file("robots.txt", &n);
    cr_assert(strstr(robots, "Disallow: /private/"));
    free(robots);
    cr_assert(exists("private/secret.html"));
    cr_assert(exists("atom.xml") && exists("rdf.xml") && exists("sitemap.xml"));
    cr_assert(exists("sections/china.html") && exists("sections/world.html"));
}
