/* Site-level boilerplate on pages we write: one host's four pages share a
 * copyright footer, an editor line and a related list; another host's two
 * pages share a footer too, but two pages are not enough to tell. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"

static ov_article *page(const char *url, const char *title, const char *body)
{
    ov_article *a = NULL;
    cr_assert_eq(ov_article_new(&a), 0);
    cr_assert_eq(ov_strset(&a->url, url), 0);
    cr_assert_eq(ov_strset(&a->title, title), 0);
    cr_assert_eq(ov_strset(&a->body_xhtml, body), 0);
    return a;
}

#define FOOTER "<p>Copyright \xc2\xa9 2026 Example Daily.\n   All rights reserved.</p>"
#define EDITOR "<p>\xef\xbc\x88\xe8\xb4\xa3\xe4\xbb\xbb\xe7\xbc\x96\xe8\xbe\x91\xef\xbc\x9a\xe7\x8e\x8b\xe5\xb0\x8f\xe5\xb9\xb3\xef\xbc\x89</p>"
#define RELATED "<h3>\xe7\x9b\xb8\xe5\x85\xb3\xe6\x96\xb0\xe9\x97\xbb</h3><ul><li>Ferry fares rise</li><li>New bridge delayed</li></ul>"

static const char *STORY[] = {
    "<p>The council met on Tuesday to discuss the bridge, delayed for two years by rising costs.</p>"
    "<p>Residents asked whether the ferry would be a better use of the money.</p>",
    "<p>Schools in the north of the city will open an hour later from March, the board said.</p>"
    "<p>Parents welcomed the change, teachers were less sure.</p>",
    "<p>A fire in a warehouse near the port was put out after six hours; nobody was hurt.</p>"
    "<p>The cause is not yet known, the fire service said.</p>",
    "<p>The market hall reopens on Saturday after a renovation that took three years.</p>"
    "<p>Forty traders have signed up, twelve of them new.</p>",
};

Test(transform_siteboiler, repeated_blocks_go_headline_and_other_hosts_stay)
{
    ov_article *a[7];
    char body[2048], url[128];
    for (int i = 0; i < 4; i++) {
        /* every page opens with the column's name, which is also its title */
        snprintf(body, sizeof body, "<h2>City Notes</h2>%s%s%s%s", STORY[i], EDITOR, RELATED,
                 i == 3 ? "<p>Correction: an earlier version misspelt the mayor's name.</p>" : FOOTER);
        snprintf(url, sizeof url, "https://www.example-daily.com/news/%d.html", i);
        a[i] = page(url, "City Notes", body);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "%s<p>\xc2\xa9 Other Times</p>", STORY[i]);
        snprintf(url, sizeof url, "http://other-times.example.org/%d", i);
        a[4 + i] = page(url, "Other story", body);
    }
    /* a page of host A that is nearly all boilerplate is left as it was */
    a[6] = page("https://example-daily.com/brief.html", "Brief", "<p>Short.</p>" FOOTER EDITOR RELATED);
    char *before_b = strdup(a[4]->body_xhtml), *before_short = strdup(a[6]->body_xhtml);

    size_t removed = 0;
    ov_error err;
    cr_assert_eq(ov_transform_site_boilerplate(a, 7, &removed, &err), 0);
    for (int i = 0; i < 4; i++) {
        const char *b = a[i]->body_xhtml;
        cr_assert(strstr(b, "<h2>City Notes</h2>"), "headline kept: %s", b);
        cr_assert_null(strstr(b, "All rights reserved"), "footer removed: %s", b);
        cr_assert_null(strstr(b, "\xe8\xb4\xa3\xe4\xbb\xbb\xe7\xbc\x96\xe8\xbe\x91"), "editor line removed: %s", b);
        cr_assert_null(strstr(b, "Ferry fares rise"), "related list removed: %s", b);
        cr_assert_null(strstr(b, "<ul"), "the emptied list goes too: %s", b);
        cr_assert(strstr(b, STORY[i]) != NULL, "story kept word for word: %s", b);
    }
    cr_assert(strstr(a[3]->body_xhtml, "Correction: an earlier version"));
    /* per page: editor, heading, two items, and the footer on three pages */
    cr_assert_eq(removed, 4 * 4 + 3, "removed %zu", removed);
    cr_assert_str_eq(a[4]->body_xhtml, before_b);
    cr_assert_str_eq(a[6]->body_xhtml, before_short);
    free(before_b);
    free(before_short);
    for (int i = 0; i < 7; i++) ov_article_free(a[i]);
}

Test(transform_siteboiler, fewer_than_three_pages_or_no_host_changes_nothing)
{
    ov_article *a[3];
    a[0] = page("https://example-daily.com/1", "One", "<p>Story one is long enough.</p>" FOOTER);
    a[1] = page("https://example-daily.com/2", "Two", "<p>Story two is long enough.</p>" FOOTER);
    a[2] = page("saved/page.html", "Three", "<p>Story three is long enough.</p>" FOOTER);
    size_t removed = 99;
    ov_error err;
    cr_assert_eq(ov_transform_site_boilerplate(a, 3, &removed, &err), 0);
    cr_assert_eq(removed, 0);
    for (int i = 0; i < 3; i++) {
        cr_assert(strstr(a[i]->body_xhtml, "All rights reserved"));
        ov_article_free(a[i]);
    }
    cr_assert_eq(ov_transform_site_boilerplate(NULL, 0, NULL, &err), 0);
}

/* The three steps (keys per page, boilerplate keys once, strip per page)
 * give what the one-shot pass gives, with each body stripped on its own
 * and in any order, as a caller that keeps bodies on disk does. */
Test(transform_siteboiler, three_steps_equal_the_one_shot_pass)
{
    ov_article *one[5], *step[5];
    char body[2048], url[128];
    for (int i = 0; i < 5; i++) {
        snprintf(body, sizeof body, "%s%s%s", STORY[i % 4], i == 4 ? "" : EDITOR, FOOTER);
        snprintf(url, sizeof url, "https://example-daily.com/n/%d.html", i);
        one[i] = page(url, "Story", body);
        step[i] = page(url, "Story", body);
    }
    ov_error err;
    size_t removed = 0;
    cr_assert_eq(ov_transform_site_boilerplate(one, 5, &removed, &err), 0);
    cr_assert_eq(removed, 4 + 5);

    uint64_t *keys[5];
    size_t n_keys[5];
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(ov_transform_block_keys(step[i]->body_xhtml, &keys[i], &n_keys[i], &err), 0);
        cr_assert(n_keys[i] >= 3, "page %d has %zu keys", i, n_keys[i]);
        for (size_t k = 1; k < n_keys[i]; k++) cr_assert(keys[i][k - 1] < keys[i][k], "ascending, once");
        free(step[i]->body_xhtml); /* as if spooled: only the URL is needed to decide */
        step[i]->body_xhtml = NULL;
    }
    cr_assert_eq(ov_transform_boiler_keys((const ov_article *const *)step, keys, n_keys, 5, &err), 0);
    cr_assert_eq(n_keys[0], 2, "editor and footer");
    cr_assert_eq(n_keys[4], 1, "the page without the editor line has only the footer");
    size_t total = 0;
    for (int i = 4; i >= 0; i--) {
        snprintf(body, sizeof body, "%s%s%s", STORY[i % 4], i == 4 ? "" : EDITOR, FOOTER);
        cr_assert_eq(ov_strset(&step[i]->body_xhtml, body), 0); /* read back */
        size_t gone = 0;
        cr_assert_eq(ov_transform_strip_keys(step[i], keys[i], n_keys[i], &gone, &err), 0);
        total += gone;
        cr_assert_str_eq(step[i]->body_xhtml, one[i]->body_xhtml);
        free(keys[i]);
    }
    cr_assert_eq(total, removed);
    for (int i = 0; i < 5; i++) {
        ov_article_free(one[i]);
        ov_article_free(step[i]);
    }
}

/* The key a block's text gets, copied byte by byte as the pass was first
 * written: whitespace runs collapse to one space, at most 4,096 bytes are
 * hashed (FNV-1a) and a longer text has no key. */
static uint64_t reference_key(const char *text)
{
    static char b[8192];
    size_t len = 0;
    int space = 0;
    for (const char *p = text; *p && len <= 4096; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') { space = 1; continue; }
        if (space && len) b[len++] = ' ';
        space = 0;
        b[len++] = *p;
    }
    if (!len || len > 4096) return 0;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)b[i]) * 1099511628211ull;
    return h ? h : 1;
}

Test(transform_siteboiler, block_keys_hash_the_collapsed_text_at_every_length)
{
    /* words of 1-6 letters between single and mixed whitespace, texts from
     * a few bytes to past the 4,096-byte limit */
    static char text[4300], body[4400];
    unsigned seed = 99;
    for (int round = 0; round < 400; round++) {
        size_t want = round < 300 ? 4060 + (size_t)(round % 60) : (size_t)(round * 3);
        size_t len = 0;
        while (len < want) {
            size_t wl = 1 + (seed = seed * 1103515245u + 12345u) % 6;
            for (size_t k = 0; k < wl && len < want; k++) text[len++] = (char)('a' + (seed >> 8) % 26);
            unsigned ws = (seed = seed * 1103515245u + 12345u) % 10;
            if (len < want) text[len++] = ws < 7 ? ' ' : ws == 7 ? '\n' : '\t';
            if (ws == 9 && len < want) text[len++] = ' ';
        }
        text[len] = '\0';
        snprintf(body, sizeof body, "<p>%s</p>", text);
        uint64_t *keys = NULL;
        size_t n = 0;
        ov_error err;
        ov_error_clear(&err);
        cr_assert_eq(ov_transform_block_keys(body, &keys, &n, &err), 0);
        uint64_t want_key = reference_key(text);
        if (want_key) {
            cr_assert_eq(n, 1, "round %d (%zu bytes)", round, len);
            cr_assert_eq(keys[0], want_key, "round %d (%zu bytes)", round, len);
        } else {
            cr_assert_eq(n, 0, "round %d (%zu bytes)", round, len);
        }
        free(keys);
    }
}
