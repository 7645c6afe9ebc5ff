/* ov_image_fit_budget and ov_cover_render. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "octavo/image.h"

static void setup(void)
{
    ov_error err;
    cr_assert_eq(ov_image_init(&err), 0, "%s", err.message);
}

/* A noisy w x h RGB JPEG at quality 95 (big on purpose). */
static ov_resource *make_jpeg(int w, int h, int seed, const char *url)
{
    VipsImage *noise = NULL, *rgb = NULL, *u = NULL, *out = NULL;
    void *buf = NULL;
    size_t len = 0;
    ov_resource *r = NULL;

    cr_assert_eq(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 50.0, "seed", seed, NULL),
                 0);
    cr_assert_eq(vips_bandjoin_const1(noise, &rgb, 60.0, NULL), 0);
    VipsImage *three = NULL;
    cr_assert_eq(vips_bandjoin_const1(rgb, &three, 200.0, NULL), 0);
    cr_assert_eq(vips_cast_uchar(three, &u, NULL), 0);
    cr_assert_eq(vips_copy(u, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    cr_assert_eq(vips_jpegsave_buffer(out, &buf, &len, "Q", 95, NULL), 0);
    cr_assert_eq(ov_resource_new(&r), 0);
    r->data = malloc(len);
    memcpy(r->data, buf, len);
    r->size = len;
    r->width = w;
    r->height = h;
    ov_strset(&r->url, url);
    ov_strset(&r->media_type, "image/jpeg");
    g_free(buf);
    g_object_unref(noise);
    g_object_unref(rgb);
    g_object_unref(three);
    g_object_unref(u);
    g_object_unref(out);
    return r;
}

static ov_book *make_book(int n)
{
    ov_book *b = NULL;
    char url[64];
    cr_assert_eq(ov_book_new(&b), 0);
    for (int i = 0; i < n; i++) {
        snprintf(url, sizeof url, "http://example.test/%d.jpg", i);
        cr_assert_eq(ov_book_add_resource(b, make_jpeg(900 + 100 * i, 700, i + 1, url)), 0);
    }
    return b;
}

static size_t book_bytes(const ov_book *b)
{
    size_t t = 0;
    for (size_t i = 0; i < b->n_resources; i++)
        t += b->resources[i]->size;
    return t;
}

TestSuite(budget, .init = setup);

Test(budget, under_budget_changes_nothing)
{
    ov_book *b = make_book(2);
    size_t before = book_bytes(b), dropped = 99;
    unsigned char first = b->resources[0]->data[100];
    ov_error err;
    cr_assert_eq(ov_image_fit_budget(b, before + 1, &dropped, &err), 0, "%s", err.message);
    cr_assert_eq(dropped, 0);
    cr_assert_eq(book_bytes(b), before);
    cr_assert_eq(b->resources[0]->data[100], first);
    ov_book_free(b);
}

Test(budget, recompresses_before_dropping)
{
    ov_book *b = make_book(3);
    size_t before = book_bytes(b), budget = before * 6 / 10, dropped = 99;
    ov_error err;
    cr_assert_eq(ov_image_fit_budget(b, budget, &dropped, &err), 0, "%s", err.message);
    cr_assert_eq(dropped, 0, "nothing should be dropped when recompressing suffices");
    cr_assert_eq(b->n_resources, 3);
    cr_assert_leq(book_bytes(b), budget);
    for (size_t i = 0; i < b->n_resources; i++) {
        cr_assert_str_eq(b->resources[i]->media_type, "image/jpeg");
        cr_assert_str_eq(ov_sniff_media_type(b->resources[i]->data, b->resources[i]->size),
                         "image/jpeg");
    }
    ov_book_free(b);
}

Test(budget, drops_largest_only_as_last_resort)
{
    ov_book *b = make_book(3);
    ov_resource *small = NULL;
    cr_assert_eq(ov_resource_new(&small), 0);
    /* a 1-pixel-ish PNG stand-in: 40 bytes of bytes-that-are-not-an-image */
    small->data = calloc(1, 40);
    small->size = 40;
    ov_strset(&small->url, "http://example.test/tiny");
    ov_strset(&small->media_type, "image/png");
    cr_assert_eq(ov_book_add_resource(b, small), 0);
    size_t dropped = 0;
    ov_error err;
    /* far below what even 0.5 MP at quality 50 can reach for three photos */
    cr_assert_eq(ov_image_fit_budget(b, 1000, &dropped, &err), 0, "%s", err.message);
    cr_assert_eq(dropped, 3);
    cr_assert_eq(b->n_resources, 1);
    cr_assert_str_eq(b->resources[0]->url, "http://example.test/tiny");
    ov_book_free(b);
}

Test(budget, deterministic)
{
    ov_book *a = make_book(2), *b = make_book(2);
    size_t budget = book_bytes(a) / 2;
    ov_error err;
    cr_assert_eq(ov_image_fit_budget(a, budget, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(ov_image_fit_budget(b, budget, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(a->n_resources, b->n_resources);
    for (size_t i = 0; i < a->n_resources; i++) {
        cr_assert_eq(a->resources[i]->size, b->resources[i]->size);
        cr_assert_eq(memcmp(a->resources[i]->data, b->resources[i]->data, a->resources[i]->size),
                     0);
    }
    ov_book_free(a);
    ov_book_free(b);
}

TestSuite(cover, .init = setup);

/* Darkest pixel of the rectangle (x, y, w, h) of the decoded cover. */
static double region_min(const ov_resource *r, int x, int y, int w, int h)
{
    VipsImage *im = vips_image_new_from_buffer(r->data, r->size, "", NULL), *part = NULL;
    double mn = 0;
    cr_assert_not_null(im);
    cr_assert_eq(vips_image_get_width(im), r->width);
    cr_assert_eq(vips_image_get_height(im), r->height);
    cr_assert_eq(vips_crop(im, &part, x, y, w, h, NULL), 0);
    cr_assert_eq(vips_min(part, &mn, NULL), 0);
    g_object_unref(part);
    g_object_unref(im);
    return mn;
}

static int bands(const ov_resource *r)
{
    VipsImage *im = vips_image_new_from_buffer(r->data, r->size, "", NULL);
    cr_assert_not_null(im);
    int n = vips_image_get_bands(im);
    g_object_unref(im);
    return n;
}

static const char *const heads[] = {
    "Ferry terminal plan wins approval after two-year debate",
    "江川县连夜转运防汛物资 确保沿江群众安全过冬", "Council votes to keep the night market",
    "Harbour reopens after three weeks of repairs", "第二篇新闻标题：港口迎来第一艘货轮",
    "Sixth headline of the front page"};

static ov_resource *render_spec(const ov_cover_spec *spec, const char *mt)
{
    ov_resource *r = NULL;
    ov_error err;
    cr_assert_eq(ov_cover_render(spec, &r, &err), 0, "%s", err.message);
    cr_assert_not_null(r);
    cr_assert_str_eq(r->media_type, mt);
    cr_assert_str_eq(r->url, "octavo:cover");
    cr_assert_str_eq(ov_sniff_media_type(r->data, r->size), mt);
    return r;
}

static ov_resource *render(const char *title, const char *sub, const char *issue, const char *lang)
{
    ov_cover_spec spec = {.title = title, .subtitle = sub, .issue = issue, .language = lang};
    ov_resource *r = render_spec(&spec, "image/png");
    cr_assert_eq(r->width, 1200);
    cr_assert_eq(r->height, 1600);
    return r;
}

Test(cover, english_title)
{
    ov_resource *r = render("The Harbour Evening Courier: Weekend Edition with a Long Title",
                            "2026-11-28", "No. 12", "en");
    /* black masthead ink near the top, white paper in the corners */
    cr_assert_lt(region_min(r, 75, 75, 1050, 300), 60.0, "masthead text expected");
    cr_assert_gt(region_min(r, 0, 0, 40, 40), 240.0, "white paper expected");
    cr_assert_eq(bands(r), 1, "a text cover is one channel");
    ov_resource_free(r);
}

Test(cover, chinese_title)
{
    ov_resource *r = render("南方都市晨报 · 周末版", "2026年11月28日", "第12期", "zh-CN");
    cr_assert_lt(region_min(r, 75, 75, 1050, 300), 60.0, "CJK masthead expected");
    ov_resource *other = render("东海新闻", "2026年11月28日", "第12期", "zh-CN");
    cr_assert(r->size != other->size || memcmp(r->data, other->data, r->size) != 0,
              "title must change the picture");
    ov_resource_free(other);
    ov_resource_free(r);
}

Test(cover, front_page_text_cover_is_small_at_every_aspect)
{
    static const int sizes[][2] = {{1200, 1600}, {1600, 900}, {600, 1600}, {1264, 1680}, {300, 400}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ov_cover_spec spec = {.title = "江川新闻网 Jiangchuan Daily",
                              .subtitle = "2026年12月2日 星期三",
                              .issue = "第 1 期",
                              .series = "Octavo Sample Gazette",
                              .headlines = heads,
                              .n_headlines = 6,
                              .width = sizes[i][0],
                              .height = sizes[i][1]};
        ov_resource *r = render_spec(&spec, "image/png");
        cr_assert_eq(r->width, sizes[i][0]);
        cr_assert_eq(r->height, sizes[i][1]);
        cr_assert_lt(r->size, 60u * 1024u, "%dx%d text cover is %zu bytes", sizes[i][0],
                     sizes[i][1], r->size);
        /* headlines are drawn in the lower half, the bottom margin stays paper */
        int w = sizes[i][0], h = sizes[i][1], m = (w < h ? w : h) / 16;
        cr_assert_lt(region_min(r, m, h / 2, w - 2 * m, h / 2 - m), 100.0, "%dx%d: no headlines",
                     w, h);
        cr_assert_gt(region_min(r, 0, h - m / 2, w, m / 2), 240.0, "%dx%d: text in the margin", w,
                     h);
        ov_resource_free(r);
    }
}

Test(cover, lead_photo_in_colour_or_grayscale)
{
    ov_resource *photo = make_jpeg(900, 600, 7, "https://news.example.org/p.jpg");
    ov_cover_spec spec = {.title = "The Harbour Ledger", .subtitle = "Wednesday, December 2, 2026",
                          .issue = "No. 1", .headlines = heads, .n_headlines = 3, .photo = photo};
    ov_resource *r = render_spec(&spec, "image/jpeg");
    cr_assert_eq(bands(r), 3);
    spec.grayscale = 1;
    ov_resource *g = render_spec(&spec, "image/jpeg");
    cr_assert_eq(bands(g), 1, "grayscale cover must be single-channel");
    /* an undecodable photo is left out: a text cover */
    ov_resource bad = {0};
    bad.data = (unsigned char *)"not an image";
    bad.size = 12;
    spec.photo = &bad;
    spec.grayscale = 0;
    ov_resource *t = render_spec(&spec, "image/png");
    ov_resource_free(t);
    ov_resource_free(g);
    ov_resource_free(r);
    ov_resource_free(photo);
}

Test(cover, deterministic_and_sized)
{
    ov_resource *a = render("Octavo Daily", "2026-11-28", NULL, "en");
    ov_resource *b = render("Octavo Daily", "2026-11-28", NULL, "en");
    cr_assert_eq(a->size, b->size);
    cr_assert_eq(memcmp(a->data, b->data, a->size), 0);
    ov_resource_free(a);
    ov_resource_free(b);
    ov_cover_spec spec = {.title = "Small", .width = 600, .height = 800};
    ov_resource *r = NULL;
    ov_error err;
    cr_assert_eq(ov_cover_render(&spec, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r->width, 600);
    cr_assert_eq(r->height, 800);
    ov_resource_free(r);
}

Test(cover, rejects_missing_title_and_huge_sizes)
{
    ov_cover_spec spec = {.title = NULL};
    ov_resource *r = NULL;
    ov_error err;
    cr_assert_eq(ov_cover_render(&spec, &r, &err), OV_EINVAL);
    cr_assert_null(r);
    ov_cover_spec big = {.title = "T", .width = 100000, .height = 100000};
    cr_assert_eq(ov_cover_render(&big, &r, &err), OV_ELIMIT);
    cr_assert_null(r);
}
