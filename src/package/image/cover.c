/*
 * cover.c - a generated cover, drawn with libvips only.
 *
 * Layout (portrait, default 1200x1600): a dark band over the top 60% with
 * the title in white, a red rule under it, and the subtitle (date) and issue
 * in near-black on an off-white ground. Dark/white and black/off-white keep
 * strong contrast on grayscale e-ink. Text goes through vips_text (pango)
 * with WenQuanYi Micro Hei, which carries Latin and CJK glyphs; the title is
 * wrapped to the band width and shrunk until it fits. When text rendering is
 * unavailable (libvips without pango, no fonts), the cover is drawn without
 * text and ov_cover_render still succeeds: a plain designed cover is better
 * than none, and the title is in the book metadata anyway.
 */
#include "package/image/image_internal.h"

#include <stdlib.h>
#include <string.h>

#include "octavo/image.h"

#define OV__COVER_FONT "WenQuanYi Micro Hei"
#define OV__COVER_QUALITY 90
/* Longest title/subtitle/issue accepted, in bytes. */
#define OV__COVER_MAX_TEXT 2048
/* Largest cover side accepted, in pixels. */
#define OV__COVER_MAX_SIDE 6000

static const double ov__band[3] = {28, 40, 64};
static const double ov__paper[3] = {246, 244, 238};
static const double ov__rule[3] = {170, 30, 40};
static const double ov__ink[3] = {30, 30, 30};
static const double ov__white[3] = {255, 255, 255};

/* Text as a 1-band mask, markup-escaped; size in pixels. Caller unrefs. */
static int ov__cover_text(const char *text, int px, int width, VipsImage **out)
{
    char font[96];
    char *esc = g_markup_escape_text(text, -1);
    int rc;

    snprintf(font, sizeof font, "%s %d", OV__COVER_FONT, px);
    rc = vips_text(out, esc, "font", font, "width", width, "align", VIPS_ALIGN_CENTRE, "dpi", 72,
                   "wrap", VIPS_TEXT_WRAP_WORD_CHAR, NULL);
    g_free(esc);
    if (rc != 0)
        vips_error_clear();
    return rc;
}

/* Paint `mask` in `rgb` onto *canvas centred at x, top y. Replaces *canvas. */
static int ov__cover_paint(VipsImage **canvas, VipsImage *mask, const double rgb[3], int cx, int y)
{
    VipsImage *colour = NULL, *rgba = NULL, *out = NULL, *tagged = NULL;
    int rc = -1, x = cx - vips_image_get_width(mask) / 2;

    colour = vips_image_new_from_image(mask, rgb, 3);
    if (!colour || vips_bandjoin2(colour, mask, &rgba, NULL) != 0 ||
        vips_copy(rgba, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
        vips_composite2(*canvas, tagged, &out, VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL) != 0)
        goto cleanup;
    g_object_unref(*canvas);
    *canvas = out;
    out = NULL;
    rc = 0;
cleanup:
    if (colour)
        g_object_unref(colour);
    if (rgba)
        g_object_unref(rgba);
    if (tagged)
        g_object_unref(tagged);
    if (out)
        g_object_unref(out);
    return rc;
}

/* A solid w x h block of `rgb` inserted into *canvas at (x, y). */
static int ov__cover_fill(VipsImage **canvas, const double rgb[3], int x, int y, int w, int h)
{
    VipsImage *black = NULL, *block = NULL, *out = NULL;
    double one[3] = {1, 1, 1};
    int rc = -1;

    if (vips_black(&black, w, h, "bands", 3, NULL) != 0 ||
        vips_linear(black, &block, one, (double *)rgb, 3, "uchar", TRUE, NULL) != 0 ||
        vips_insert(*canvas, block, &out, x, y, NULL) != 0)
        goto cleanup;
    g_object_unref(*canvas);
    *canvas = out;
    out = NULL;
    rc = 0;
cleanup:
    if (black)
        g_object_unref(black);
    if (block)
        g_object_unref(block);
    if (out)
        g_object_unref(out);
    return rc;
}

/* Title mask that fits w x h, shrinking the font; NULL-out when text is unavailable. */
static VipsImage *ov__cover_title(const char *title, int w, int h)
{
    static const int sizes[] = {150, 128, 110, 96, 80, 68, 56, 46, 38, 30};
    VipsImage *m = NULL;

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int px = sizes[i] * w / 1000;
        if (ov__cover_text(title, px < 8 ? 8 : px, w, &m) != 0)
            return NULL;
        if (vips_image_get_height(m) <= h && vips_image_get_width(m) <= w)
            return m;
        if (i + 1 < sizeof sizes / sizeof sizes[0])
            g_object_unref(m);
    }
    return m; /* smallest size; the caller clips it to the band */
}

/* Draw title, rule, subtitle and issue onto *canvas; text failures are skipped. */
static int ov__cover_draw(VipsImage **canvas, const ov_cover_spec *spec, int w, int h)
{
    int band_h = h * 60 / 100, margin = w / 12, rc = 0;
    VipsImage *m = NULL;

    if (ov__cover_fill(canvas, ov__band, 0, 0, w, band_h) != 0 ||
        ov__cover_fill(canvas, ov__rule, margin, band_h + h / 40, w - 2 * margin, h / 160 + 1) != 0)
        return -1;
    if ((m = ov__cover_title(spec->title, w - 2 * margin, band_h - 2 * margin)) != NULL) {
        int mh = vips_image_get_height(m), y = (band_h - mh) / 2;
        if (mh > band_h) {
            VipsImage *c = NULL;
            rc = vips_crop(m, &c, 0, 0, vips_image_get_width(m), band_h, NULL);
            g_object_unref(m);
            m = c;
            y = 0;
        }
        if (rc == 0)
            rc = ov__cover_paint(canvas, m, ov__white, w / 2, y < 0 ? 0 : y);
        if (m)
            g_object_unref(m);
        m = NULL;
    }
    int y = band_h + h / 40 + h / 160 + h / 20;
    const char *lines[2] = {spec->subtitle, spec->issue};
    for (int i = 0; i < 2 && rc == 0; i++) {
        if (!lines[i] || !*lines[i] || ov__cover_text(lines[i], w * 68 / 1000, w - 2 * margin, &m))
            continue;
        if (y + vips_image_get_height(m) <= h)
            rc = ov__cover_paint(canvas, m, ov__ink, w / 2, y);
        y += vips_image_get_height(m) + h / 40;
        g_object_unref(m);
        m = NULL;
    }
    return rc;
}

static int ov__cover_check(const ov_cover_spec *spec, int w, int h, ov_error *err)
{
    const char *texts[3] = {spec->title, spec->subtitle, spec->issue};

    if (!spec->title || !*spec->title)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "cover needs a title");
    if (w < 100 || h < 100 || w > OV__COVER_MAX_SIDE || h > OV__COVER_MAX_SIDE)
        return ov_error_set(err, OV_ELIMIT, "octavo:cover",
                            "cover size %dx%d outside 100..%d pixels", w, h, OV__COVER_MAX_SIDE);
    for (int i = 0; i < 3; i++)
        if (texts[i] && strlen(texts[i]) > OV__COVER_MAX_TEXT)
            return ov_error_set(err, OV_ELIMIT, "octavo:cover", "cover text longer than %d bytes",
                                OV__COVER_MAX_TEXT);
    return 0;
}

int ov_cover_render(const ov_cover_spec *spec, ov_resource **out, ov_error *err)
{
    VipsImage *black = NULL, *canvas = NULL;
    ov_resource *r = NULL;
    void *buf = NULL;
    size_t len = 0;
    int rc, w, h;

    if (!spec || !out)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "no cover spec");
    *out = NULL;
    w = spec->width ? spec->width : 1200;
    h = spec->height ? spec->height : 1600;
    if ((rc = ov__cover_check(spec, w, h, err)) != 0 || (rc = ov_image_init(err)) != 0)
        return rc;
    if (vips_black(&black, w, h, "bands", 3, NULL) != 0 ||
        vips_copy(black, &canvas, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
        ov__cover_fill(&canvas, ov__paper, 0, 0, w, h) != 0 ||
        ov__cover_draw(&canvas, spec, w, h) != 0) {
        rc = ov__image_vips_error(err, OV_ERROR, "octavo:cover", "cannot draw cover");
        goto cleanup;
    }
    if ((rc = ov__image_save_jpeg(canvas, OV__COVER_QUALITY, &buf, &len, "octavo:cover", err)))
        goto cleanup;
    if ((rc = ov_resource_new(&r)) != 0 || (rc = ov_strset(&r->url, "octavo:cover")) != 0 ||
        (rc = ov_strset(&r->media_type, "image/jpeg")) != 0 || !(r->data = malloc(len))) {
        rc = ov_error_set(err, OV_ENOMEM, "octavo:cover", "out of memory");
        goto cleanup;
    }
    memcpy(r->data, buf, len);
    r->size = len;
    r->width = w;
    r->height = h;
    *out = r;
    r = NULL;
cleanup:
    ov_resource_free(r);
    g_free(buf);
    if (canvas)
        g_object_unref(canvas);
    if (black)
        g_object_unref(black);
    return rc;
}
