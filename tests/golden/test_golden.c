/*
 * Golden pages: tests/golden/pages/NAME.html are pages we wrote to imitate
 * real portals (GBK portal with footer and related list, traditional Chinese
 * with ruby, English newspaper with JSON-LD, a blog with comments, a late and
 * a wrong charset declaration, lazy images and srcset). For each:
 *
 *   expected/NAME.json   input (url, content_type), the metadata `octavo
 *                        extract --json` must give, strings the text must
 *                        not contain (boilerplate), strings the XHTML must
 *                        contain (ruby, figcaption, table...)
 *   expected/NAME.xhtml  the exact XHTML body (OV_GOLDEN_UPDATE=1 rewrites it;
 *                        review the diff before committing)
 *   expected/NAME.txt    the article text as a person marks it (hand-written);
 *                        the extracted text is scored against it with a
 *                        token-overlap F1 (see f1_score), reported and held
 *                        above OV_GOLDEN_MIN_F1
 *
 * A last test builds one book from every golden page; the epubcheck gate
 * checks it, so every extracted body is valid EPUB 3 XHTML.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ov_test.h"
#include "transform/blocks.h" /* ov__acc_decode, ov__acc_cjk: characters as the transform reads them */

#define OV_GOLDEN_MIN_F1 0.93
#define OV_GOLDEN_MAX_TOKENS 200000

/* ---- token-overlap F1 ------------------------------------------------ */

static int is_sep(unsigned c)
{
    if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    return c == 0xA0 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF65) ||
           (c >= 0x02B0 && c <= 0x02FF) || (c >= 0x3100 && c <= 0x312F); /* modifier letters, bopomofo */
}

/*
 * Tokens: every CJK character is one token (Chinese has no spaces, and one
 * character is the unit readers count); every other run of letters and
 * digits is one token, ASCII lower-cased. Punctuation and blanks separate.
 */
static size_t tokenize(const char *text, char ***out)
{
    size_t n = 0, cap = 256;
    char **v = malloc(cap * sizeof *v);
    const unsigned char *s = (const unsigned char *)text;
    while (*s && n < OV_GOLDEN_MAX_TOKENS) {
        const unsigned char *start = s;
        unsigned c = ov__acc_decode(&s);
        if (is_sep(c)) continue;
        if (!ov__acc_cjk(c)) {
            const unsigned char *end = s, *p = s;
            while (*p) {
                const unsigned char *q = p;
                unsigned d = ov__acc_decode(&q);
                if (is_sep(d) || ov__acc_cjk(d)) break;
                p = end = q;
            }
            s = end;
        }
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        char *t = strndup((const char *)start, (size_t)(s - start));
        for (char *k = t; *k; k++) if (*k >= 'A' && *k <= 'Z') *k = (char)(*k + 32);
        v[n++] = t;
    }
    *out = v;
    return n;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Multiset overlap of two token lists (sorted, then merged). */
static size_t overlap(char **a, size_t na, char **b, size_t nb)
{
    qsort(a, na, sizeof *a, cmp_str);
    qsort(b, nb, sizeof *b, cmp_str);
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        int c = strcmp(a[i], b[j]);
        if (c == 0) { common++; i++; j++; }
        else if (c < 0) i++;
        else j++;
    }
    return common;
}

typedef struct score { size_t got, gold, common; } score;

static score f1_counts(const char *extracted, const char *gold)
{
    char **a, **b;
    size_t na = tokenize(extracted, &a), nb = tokenize(gold, &b);
    score s = {na, nb, overlap(a, na, b, nb)};
    for (size_t i = 0; i < na; i++) free(a[i]);
    for (size_t i = 0; i < nb; i++) free(b[i]);
    free(a);
    free(b);
    return s;
}

static void prf(score s, double *p, double *r, double *f)
{
    *p = s.got ? (double)s.common / (double)s.got : 0;
    *r = s.gold ? (double)s.common / (double)s.gold : 0;
    *f = (*p + *r) > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

Test(golden_f1, tokenizer_and_score)
{
    score s = f1_counts("江川晚稻 Bumper harvest, 2026!", "江川 bumper HARVEST 2026 extra");
    cr_expect_eq(s.got, 7); /* 江 川 晚 稻 bumper harvest 2026 */
    cr_expect_eq(s.gold, 6);
    cr_expect_eq(s.common, 5);
    double p, r, f;
    prf(s, &p, &r, &f);
    cr_expect_float_eq(p, 5.0 / 7, 1e-9);
    cr_expect_float_eq(r, 5.0 / 6, 1e-9);
    cr_expect_float_eq(f, 10.0 / 13, 1e-9);
}

/* ---- one golden case ------------------------------------------------- */

static char *golden_path(const char *dir, const char *name, const char *ext)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/golden/%s/%s%s", dir, name, ext);
    return ov_test_source_path(rel);
}

static void expect_field(json_object *got, const char *key, json_object *want, const char *name)
{
    json_object *g = NULL;
    json_object_object_get_ex(got, key, &g);
    const char *gs = g ? json_object_to_json_string_ext(g, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null";
    const char *ws = want ? json_object_to_json_string_ext(want, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null";
    cr_expect_str_eq(gs, ws, "%s: %s is %s, expected %s", name, key, gs, ws);
}

static void score_log(const char *name, score s)
{
    double p, r, f;
    prf(s, &p, &r, &f);
    const char *bd = getenv("OV_BUILD_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/golden-f1.tsv", bd ? bd : ".");
    FILE *fp = fopen(path, "a");
    if (fp) {
        fprintf(fp, "%s\t%zu\t%zu\t%zu\t%.4f\t%.4f\t%.4f\n", name, s.got, s.gold, s.common, p, r, f);
        fclose(fp);
    }
    fprintf(stderr, "golden %-14s tokens got %5zu gold %5zu common %5zu  P %.3f R %.3f F1 %.3f\n", name, s.got,
            s.gold, s.common, p, r, f);
}

static void run_case(const char *name)
{
    char *spec_path = golden_path("expected", name, ".json");
    json_object *spec = json_object_from_file(spec_path);
    cr_assert(spec, "cannot read %s", spec_path);
    json_object *input, *expect, *absent, *present, *u, *ct;
    cr_assert(json_object_object_get_ex(spec, "input", &input));
    cr_assert(json_object_object_get_ex(spec, "expect", &expect));
    cr_assert(json_object_object_get_ex(input, "url", &u));
    json_object_object_get_ex(input, "content_type", &ct);

    char *page = golden_path("pages", name, ".html");
    const char *args[8];
    int k = 0;
    args[k++] = "extract";
    args[k++] = "--json";
    args[k++] = "--url";
    args[k++] = json_object_get_string(u);
    if (ct && json_object_get_type(ct) == json_type_string) {
        args[k++] = "--content-type";
        args[k++] = json_object_get_string(ct);
    }
    args[k++] = page;
    args[k] = NULL;
    ov_test_run r;
    int st = ov_test_octavo_argv(&r, NULL, (char *const *)args);
    cr_assert_eq(st, 0, "%s: extract failed: %s", name, r.err);
    json_object *got = json_tokener_parse(r.out);
    cr_assert(got, "%s: output is not JSON:\n%s", name, r.out);

    json_object_object_foreach(expect, key, want) expect_field(got, key, want, name);

    json_object *jt = NULL, *jh = NULL;
    json_object_object_get_ex(got, "text", &jt);
    json_object_object_get_ex(got, "html", &jh);
    const char *text = jt ? json_object_get_string(jt) : "";
    const char *html = jh ? json_object_get_string(jh) : "";
    if (json_object_object_get_ex(spec, "text_absent", &absent))
        for (size_t i = 0; i < json_object_array_length(absent); i++) {
            const char *s = json_object_get_string(json_object_array_get_idx(absent, i));
            cr_expect(strstr(text, s) == NULL, "%s: boilerplate \"%s\" is in the text", name, s);
        }
    if (json_object_object_get_ex(spec, "html_present", &present))
        for (size_t i = 0; i < json_object_array_length(present); i++) {
            const char *s = json_object_get_string(json_object_array_get_idx(present, i));
            cr_expect(strstr(html, s) != NULL, "%s: \"%s\" is missing from the XHTML", name, s);
        }

    /* exact XHTML */
    char *xpath = golden_path("expected", name, ".xhtml");
    if (getenv("OV_GOLDEN_UPDATE")) {
        FILE *f = fopen(xpath, "wb");
        cr_assert(f);
        fputs(html, f);
        fclose(f);
    }
    size_t xl = 0;
    char *want_html = ov_test_slurp(xpath, &xl);
    cr_assert(want_html, "%s missing (run the test with OV_GOLDEN_UPDATE=1 once)", xpath);
    cr_expect_str_eq(html, want_html, "%s: XHTML differs from %s", name, xpath);

    /* body text against the hand-marked gold text */
    char *gpath = golden_path("expected", name, ".txt");
    char *gold = ov_test_slurp(gpath, NULL);
    cr_assert(gold, "cannot read %s", gpath);
    score s = f1_counts(text, gold);
    score_log(name, s);
    double p, rc, f;
    prf(s, &p, &rc, &f);
    cr_expect(f >= OV_GOLDEN_MIN_F1, "%s: F1 %.3f (P %.3f R %.3f) below %.2f", name, f, p, rc, OV_GOLDEN_MIN_F1);

    free(gold);
    free(gpath);
    free(want_html);
    free(xpath);
    json_object_put(got);
    ov_test_run_free(&r);
    free(page);
    json_object_put(spec);
    free(spec_path);
}

Test(golden, gbk_portal) { run_case("gbk-portal"); }
Test(golden, tw_ruby) { run_case("tw-ruby"); }
Test(golden, en_jsonld) { run_case("en-jsonld"); }
Test(golden, blog_comments) { run_case("blog-comments"); }
Test(golden, late_charset) { run_case("late-charset"); }
Test(golden, wrong_charset) { run_case("wrong-charset"); }
Test(golden, lazy_images) { run_case("lazy-images"); }
/* Written after the extractor was tuned on the seven above (held out): */
Test(golden, hk_br_paragraphs) { run_case("hk-br-paragraphs"); }
Test(golden, en_inline_clutter) { run_case("en-inline-clutter"); }
Test(golden, gb18030_pagination) { run_case("gb18030-pagination"); }

/* Every page under pages/ has a case above (a new page cannot be forgotten). */
Test(golden, every_page_has_a_case)
{
    static const char *known[] = {"gbk-portal", "tw-ruby", "en-jsonld", "blog-comments",
                                  "late-charset", "wrong-charset", "lazy-images", "hk-br-paragraphs",
                                  "en-inline-clutter", "gb18030-pagination"};
    char *dir = ov_test_source_path("tests/golden/pages");
    DIR *d = opendir(dir);
    cr_assert(d);
    struct dirent *e;
    size_t pages = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".html")) continue;
        pages++;
        int found = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strlen(known[i]) == l - 5 && !strncmp(e->d_name, known[i], l - 5)) found = 1;
        cr_expect(found, "page %s has no golden case", e->d_name);
    }
    closedir(d);
    free(dir);
    cr_expect_eq(pages, sizeof known / sizeof known[0]);
}

/* One book from all golden pages (no images: their hosts are not ours).
 * The epubcheck gate validates it, chapter by chapter. */
Test(golden, book_of_all_pages, .timeout = 300)
{
    char *dir = ov_test_source_path("tests/golden/pages");
    char *out = ov_test_book_path("golden-pages.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", dir, "--no-images", "--title", "Golden pages", "-o", out, NULL);
    cr_expect_eq(st, 0, "build exit %d: %s", st, r.err);
    char *report = NULL;
    cr_expect_eq(ov_test_epubcheck(out, &report), 0, "epubcheck:\n%s", report ? report : "");
    free(report);
    ov_test_run_free(&r);
    free(out);
    free(dir);
}
