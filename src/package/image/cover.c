/*
 * cover.c - a generated cover like a newspaper front page, drawn with libvips.
 *
 * Layout (portrait, default 1200x1600), black ink on white paper so it reads
 * the same on grayscale e-ink: the series name in small type when it differs
 * from the title, the title as a masthead (wrapped to the width and shrunk
 * until it fits its share of the height), a thick and a thin rule framing
 * the date and issue line, the lead article's photo cropped to a box, then
 * the top headlines separated by hairlines, as many as fit. Every block is
 * sized from the page's own width and height and is left out rather than
 * cut when it would not fit, so narrow or wide aspect ratios never clip
 * text. Text goes through vips_text (pango) with WenQuanYi Micro Hei, which
 * carries Latin and CJK glyphs. When text rendering is unavailable (libvips
 * without pango, no fonts), the cover is drawn without text and
 * ov_cover_render still succeeds: a plain cover is better than none, and the
 * title is in the book metadata anyway. Without a photo the page has no
 * colour, so it is saved as a single-channel JPEG (small: a text cover is
 * well under 60 KB).
 */
#include <stdlib.h>
#include <string.h>

#include "octavo/image.h"
#include "package/image/cover_warm.h"
#include "util/l10n.h"
/* last: it renames the libvips functions (vips_dl.h) */
#include "package/image/image_internal.h"

#define OV__COVER_FONT "WenQuanYi Micro Hei"
#define OV__COVER_QUALITY 90
/* Longest title/subtitle/issue accepted, in bytes. */
#define OV__COVER_MAX_TEXT 2048
/* Largest cover side accepted, in pixels. */
#define OV__COVER_MAX_SIDE 6000

static const double ov__paper[3] = {255, 255, 255};
static const double ov__ink[3] = {0, 0, 0};
static const double ov__grey[3] = {90, 90, 90};

/* Text as a 1-band mask, markup-escaped; size in pixels. Caller unrefs. */
static int ov__cover_text(const char *text, int px, int width, VipsAlign align, VipsImage **out)
{
    char font[96];
    char *esc = g_markup_escape_text(text, -1);
    int rc;

    snprintf(font, sizeof font, "%s %d", OV__COVER_FONT, px < 6 ? 6 : px);
    rc = vips_text(out, esc, "font", font, "width", width, "align", align, "dpi", 72, "wrap",
                   VIPS_TEXT_WRAP_WORD_CHAR, NULL);
    g_free(esc);
    if (rc != 0)
        vips_error_clear();
    return rc;
}

void ov__cover_warm(void)
{
    ov_error e;
    VipsImage *m = NULL;
    ov_error_clear(&e);
    if (ov_image_init(&e) != 0)
        return;
    if (ov__cover_text("Octavo \xE6\xB8\xAF", 24, 200, VIPS_ALIGN_LOW, &m) == 0)
        g_object_unref(m);
    vips_error_clear();
}

/* Unref each image of `all` that is set. */
static void ov__cover_unref(VipsImage **const *all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (*all[i])
            g_object_unref(*all[i]);
}

/* `mask` (1-band uchar coverage) in `rgb` over paper, blended by libvips:
 * composite OVER of the colour with the mask as alpha onto the paper, the
 * result's alpha dropped. Replaces *out. Caller unrefs. */
static int ov__cover_blend(VipsImage *mask, const double rgb[3], VipsImage **out)
{
    VipsImage *colour = NULL, *rgba = NULL, *tagged = NULL, *paper = NULL, *under = NULL;
    VipsImage *blend = NULL;
    VipsImage **all[] = {&colour, &rgba, &tagged, &paper, &under, &blend};
    int rc = -1;

    colour = vips_image_new_from_image(mask, rgb, 3);
    paper = vips_image_new_from_image(mask, ov__paper, 3);
    if (!colour || !paper || vips_bandjoin2(colour, mask, &rgba, NULL) != 0 ||
        vips_copy(rgba, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
        vips_copy(paper, &under, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
        vips_composite2(under, tagged, &blend, VIPS_BLEND_MODE_OVER, NULL) != 0 ||
        /* composite adds alpha: the page is 3-band */
        vips_extract_band(blend, out, 0, "n", 3, NULL) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    ov__cover_unref(all, sizeof all / sizeof all[0]);
    return rc;
}

/* Paint `mask` in `rgb` onto *canvas with its top-left at (x, y). Replaces
 * *canvas. Text is only ever drawn on the paper (the layout keeps it off
 * the photo and the rules), so a pixel's colour depends on its mask value
 * alone: the blend is done once for the 256 values, by the same libvips
 * composite, and the mask mapped through that table. Blending the canvas
 * under every line of text instead cost a float composite per pixel of it
 * (a quarter of the cover's time); the pixels are the same. */
static int ov__cover_paint(VipsImage **canvas, VipsImage *mask, const double rgb[3], int x, int y)
{
    VipsImage *ramp = NULL, *table = NULL, *lut = NULL, *painted = NULL, *out = NULL;
    VipsImage **all[] = {&ramp, &table, &lut, &painted, &out};
    int cw = vips_image_get_width(*canvas), ch = vips_image_get_height(*canvas);
    int rc = -1;

    if (x >= cw || y >= ch || x + vips_image_get_width(mask) <= 0 ||
        y + vips_image_get_height(mask) <= 0)
        return 0; /* nothing of the mask is on the page */
    /* 256 x 1, the values 0..255: the table's index */
    if (vips_identity(&ramp, NULL) != 0 || ov__cover_blend(ramp, rgb, &table) != 0 ||
        !(lut = vips_image_copy_memory(table)) || vips_maplut(mask, &painted, lut, NULL) != 0 ||
        vips_insert(*canvas, painted, &out, x, y, NULL) != 0)
        goto cleanup;
    g_object_unref(*canvas);
    *canvas = out;
    out = NULL;
    rc = 0;
cleanup:
    ov__cover_unref(all, sizeof all / sizeof all[0]);
    return rc;
}

/* A w x h 3-band uchar image of the one colour `rgb` (computed on demand,
 * never stored). Caller unrefs. */
static int ov__cover_solid(int w, int h, const double rgb[3], VipsImage **out)
{
    VipsImage *black = NULL;

    if (vips_black(&black, w, h, "bands", 3, NULL) != 0)
        return -1;
    *out = vips_image_new_from_image(black, rgb, 3);
    g_object_unref(black);
    return *out ? 0 : -1;
}

/* A solid w x h block of `rgb` inserted into *canvas at (x, y). */
static int ov__cover_fill(VipsImage **canvas, const double rgb[3], int x, int y, int w, int h)
{
    VipsImage *block = NULL, *out = NULL;

    if (w < 1 || h < 1)
        return 0;
    if (ov__cover_solid(w, h, rgb, &block) != 0 || vips_insert(*canvas, block, &out, x, y, NULL) != 0) {
        if (block)
            g_object_unref(block);
        return -1;
    }
    g_object_unref(block);
    g_object_unref(*canvas);
    *canvas = out;
    return 0;
}

/* Text mask no wider than w and no taller than h, shrinking from `px`; NULL
   when text is unavailable or even the smallest size does not fit. */
static VipsImage *ov__cover_fit(const char *text, int px, int w, int h, VipsAlign align)
{
    VipsImage *m = NULL;

    for (int size = px; size >= 8 && size * 10 >= px * 3; size = size * 85 / 100) {
        if (ov__cover_text(text, size, w, align, &m) != 0)
            return NULL;
        if (vips_image_get_height(m) <= h && vips_image_get_width(m) <= w)
            return m;
        g_object_unref(m);
        m = NULL;
    }
    return NULL;
}

/* Draw `text` at most h high, centred (or left at x0), at y; *y advances. */
static int ov__cover_line(VipsImage **canvas, const char *text, int px, int x0, int w, int h,
                          VipsAlign align, const double rgb[3], int *y)
{
    VipsImage *m;

    if (!text || !*text || h < 8)
        return 0;
    if (!(m = ov__cover_fit(text, px, w, h, align)))
        return 0;
    int mw = vips_image_get_width(m);
    int x = align == VIPS_ALIGN_CENTRE ? x0 + (w - mw) / 2 : x0;
    int rc = ov__cover_paint(canvas, m, rgb, x, *y);
    *y += vips_image_get_height(m);
    g_object_unref(m);
    return rc;
}

/* The photo decoded, cropped to w x h around its centre, 3-band uchar. A
 * photo in a shared spool file (its bytes at spool_offset, after other
 * resources') is read into memory first, as libvips opens a file only
 * from its start, and the result is rendered into memory so the bytes can
 * go. */
static VipsImage *ov__cover_photo(const ov_resource *r, int w, int h)
{
    VipsImage *im = NULL, *th = NULL, *rgb = NULL, *flat = NULL, *u8 = NULL;
    unsigned char *bytes = NULL;
    ov_resource mem;
    ov_error e;

    ov_error_clear(&e);
    if (w < 16 || h < 16)
        return NULL;
    if (!r->data && r->spool_path && r->spool_offset) {
        size_t len = 0;
        if (ov_resource_read(r, &bytes, &len, &e) != 0)
            return NULL;
        mem = *r;
        mem.data = bytes;
        mem.size = len;
        mem.spool_path = NULL;
        mem.spool_offset = 0;
        r = &mem;
    }
    if (ov__image_open(r, VIPS_ACCESS_RANDOM, &im, &e) != 0) {
        free(bytes);
        return NULL;
    }
    if (ov__image_check_bomb(r, im, &e) != 0 ||
        vips_thumbnail_image(im, &th, w, "height", h, "crop", VIPS_INTERESTING_CENTRE, "size",
                             VIPS_SIZE_BOTH, NULL) != 0 ||
        vips_colourspace(th, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
        goto cleanup;
    if (vips_image_hasalpha(rgb)) {
        VipsArrayDouble *bg = vips_array_double_new(ov__paper, 3);
        int f = vips_flatten(rgb, &flat, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (f != 0)
            goto cleanup;
    } else {
        flat = rgb;
        g_object_ref(flat);
    }
    if (vips_cast(flat, &u8, VIPS_FORMAT_UCHAR, NULL) != 0)
        u8 = NULL;
    if (u8 && bytes) {
        VipsImage *copy = vips_image_copy_memory(u8);
        g_object_unref(u8);
        u8 = copy;
    }
cleanup:
    vips_error_clear();
    if (im)
        g_object_unref(im);
    if (th)
        g_object_unref(th);
    if (rgb)
        g_object_unref(rgb);
    if (flat)
        g_object_unref(flat);
    free(bytes);
    return u8;
}

/* Draw the front page onto *canvas; text that cannot be rendered is skipped.
   *has_photo is set when the photo was placed. */
static int ov__cover_draw(VipsImage **canvas, const ov_cover_spec *spec, int w, int h,
                          int *has_photo)
{
    int m = (w < h ? w : h) / 16, inner = w - 2 * m, y = m, rc = 0;
    int base = (w < h * 3 / 4 ? w : h * 3 / 4); /* type scales with the smaller side */
    int small = base * 30 / 1000, rule = h / 220 + 1;

    *has_photo = 0;
    if (spec->series && *spec->series && strcmp(spec->series, spec->title) != 0) {
        rc = ov__cover_line(canvas, spec->series, small * 13 / 10, m, inner, h / 20,
                            VIPS_ALIGN_CENTRE, ov__grey, &y);
        y += h / 120;
    }
    /* the masthead: up to a fifth of the page */
    if (rc == 0)
        rc = ov__cover_line(canvas, spec->title, base * 130 / 1000, m, inner, h / 5,
                            VIPS_ALIGN_CENTRE, ov__ink, &y);
    y += h / 80;
    if (rc == 0)
        rc = ov__cover_fill(canvas, ov__ink, m, y, inner, rule * 3);
    y += rule * 3 + h / 120;
    /* date and issue on one line when they fit, else two */
    char meta[2 * OV__COVER_MAX_TEXT + 8];
    snprintf(meta, sizeof meta, "%s%s%s", spec->subtitle ? spec->subtitle : "",
             spec->subtitle && *spec->subtitle && spec->issue && *spec->issue ? "  \xC2\xB7  " : "",
             spec->issue ? spec->issue : "");
    if (rc == 0)
        rc = ov__cover_line(canvas, meta, small * 14 / 10, m, inner, h / 12, VIPS_ALIGN_CENTRE,
                            ov__ink, &y);
    y += h / 120;
    if (rc == 0)
        rc = ov__cover_fill(canvas, ov__ink, m, y, inner, rule);
    y += rule + h / 40;
    /* the lead photo: up to 40% of the page, leaving room for two headlines */
    int room = h - m - y;
    int ph = room * 6 / 10 < h * 4 / 10 ? room * 6 / 10 : h * 4 / 10;
    if (rc == 0 && spec->photo && ph > h / 10) {
        VipsImage *photo = ov__cover_photo(spec->photo, inner, ph), *out = NULL;
        if (photo && vips_insert(*canvas, photo, &out, m, y, NULL) == 0) {
            g_object_unref(*canvas);
            *canvas = out;
            y += ph + h / 40;
            *has_photo = 1;
        }
        vips_error_clear();
        if (photo)
            g_object_unref(photo);
    }
    /* headlines, as many as fit whole */
    int hp = *has_photo ? base * 46 / 1000 : base * 56 / 1000, drawn = 0;
    for (size_t i = 0; spec->headlines && i < spec->n_headlines && rc == 0; i++) {
        const char *t = spec->headlines[i];
        VipsImage *mk = NULL;
        if (!t || !*t || ov__cover_text(t, hp, inner, VIPS_ALIGN_LOW, &mk) != 0)
            continue;
        int mh = vips_image_get_height(mk), gap = drawn ? 2 * (h / 70) + 1 + h / 800 : 0;
        if (y + gap + mh > h - m) {
            g_object_unref(mk);
            break;
        }
        if (drawn) { /* a hairline between headlines */
            rc = ov__cover_fill(canvas, ov__grey, m, y + h / 70, inner, 1 + h / 800);
            y += gap;
        }
        rc = rc ? rc : ov__cover_paint(canvas, mk, ov__ink, m, y);
        g_object_unref(mk);
        y += mh;
        drawn++;
    }
    return rc;
}

static int ov__cover_check(const ov_cover_spec *spec, int w, int h, ov_error *err)
{
    const char *texts[4] = {spec->title, spec->subtitle, spec->issue, spec->series};

    if (!spec->title || !*spec->title)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "cover needs a title");
    if (w < 100 || h < 100 || w > OV__COVER_MAX_SIDE || h > OV__COVER_MAX_SIDE)
        return ov_error_set(err, OV_ELIMIT, "octavo:cover",
                            "cover size %dx%d outside 100..%d pixels", w, h, OV__COVER_MAX_SIDE);
    for (int i = 0; i < 4; i++)
        if (texts[i] && strlen(texts[i]) > OV__COVER_MAX_TEXT)
            return ov_error_set(err, OV_ELIMIT, "octavo:cover", "cover text longer than %d bytes",
                                OV__COVER_MAX_TEXT);
    return 0;
}

int ov_cover_render(const ov_cover_spec *spec, ov_resource **out, ov_error *err)
{
    VipsImage *paper = NULL, *canvas = NULL, *gray = NULL;
    ov_resource *r = NULL;
    void *buf = NULL;
    size_t len = 0;
    int rc, w, h, has_photo = 0;

    if (!spec || !out)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "no cover spec");
    *out = NULL;
    w = spec->width ? spec->width : 1200;
    h = spec->height ? spec->height : 1600;
    if ((rc = ov__cover_check(spec, w, h, err)) != 0 || (rc = ov_image_init(err)) != 0)
        return rc;
    if (ov__cover_solid(w, h, ov__paper, &paper) != 0 ||
        vips_copy(paper, &canvas, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
        ov__cover_draw(&canvas, spec, w, h, &has_photo) != 0) {
        rc = ov__image_vips_error(err, OV_ERROR, "octavo:cover", "cannot draw cover");
        goto cleanup;
    }
    /* no photo, or grayscale asked: one channel (e-ink, and a small file) */
    if ((!has_photo || spec->grayscale) &&
        vips_colourspace(canvas, &gray, VIPS_INTERPRETATION_B_W, NULL) != 0) {
        rc = ov__image_vips_error(err, OV_ERROR, "octavo:cover", "cannot make the cover grayscale");
        goto cleanup;
    }
    /* a text cover is flat ink on paper: a 16-level PNG is a fraction of a JPEG */
    const char *mt = has_photo ? "image/jpeg" : "image/png";
    if (!has_photo) {
        if (vips_pngsave_buffer(gray, &buf, &len, "compression", 9, "bitdepth", 4, "strip", TRUE,
                                NULL) != 0) {
            rc = ov__image_vips_error(err, OV_ERROR, "octavo:cover", "cannot encode the cover");
            goto cleanup;
        }
    } else if ((rc = ov__image_save_jpeg(gray ? gray : canvas, OV__COVER_QUALITY, &buf, &len,
                                         "octavo:cover", err))) {
        goto cleanup;
    }
    if ((rc = ov_resource_new(&r)) != 0 || (rc = ov_strset(&r->url, "octavo:cover")) != 0 ||
        (rc = ov_strset(&r->media_type, mt)) != 0 || !(r->data = malloc(len))) {
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
    if (gray)
        g_object_unref(gray);
    if (paper)
        g_object_unref(paper);
    return rc;
}

/* A JPEG/PNG/GIF resource of the book for `url`, or NULL. */
static const ov_resource *ov__cover_raster(const ov_book *b, const char *url)
{
    const ov_resource *r = url ? ov_book_find_resource(b, url) : NULL;
    if (!r || !r->media_type)
        return NULL;
    if (strcmp(r->media_type, "image/jpeg") && strcmp(r->media_type, "image/png") &&
        strcmp(r->media_type, "image/gif"))
        return NULL;
    return r;
}

void ov_cover_spec_of_book(const ov_book *b, int width, int height, int grayscale,
                           ov_cover_book_spec *out)
{
    ov_cover_spec *spec = &out->spec;
    memset(out, 0, sizeof *out);
    spec->title = b->title;
    spec->language = b->language;
    spec->series = b->series;
    spec->grayscale = grayscale;
    spec->width = width;
    spec->height = height;
    if (b->date && ov__l10n_edition_date(b->language, b->date, out->date, sizeof out->date) != 0)
        snprintf(out->date, sizeof out->date, "%s", b->date);
    if (b->series_index > 0)
        ov__l10n_issue(b->language, b->series_index, out->issue, sizeof out->issue);
    spec->subtitle = out->date[0] ? out->date : NULL;
    spec->issue = out->issue[0] ? out->issue : NULL;
    for (size_t s = 0; s < b->n_sections; s++) {
        for (size_t i = 0; i < b->sections[s]->n_articles; i++) {
            const ov_article *a = b->sections[s]->articles[i];
            if (spec->n_headlines < OV_COVER_MAX_HEADLINES && a->title && a->title[0])
                out->heads[spec->n_headlines++] = a->title;
            if (!spec->photo)
                spec->photo = ov__cover_raster(b, a->lead_image);
            if (!spec->photo && a->n_images)
                spec->photo = ov__cover_raster(b, a->images[0]);
        }
    }
    spec->headlines = out->heads;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int ov_cover_spec_same(const ov_cover_spec *a, const ov_cover_spec *b)
{
    int aw = a->width ? a->width : 1200, ah = a->height ? a->height : 1600;
    int bw = b->width ? b->width : 1200, bh = b->height ? b->height : 1600;
    if (aw != bw || ah != bh || !a->grayscale != !b->grayscale || !same_str(a->title, b->title) ||
        !same_str(a->subtitle, b->subtitle) || !same_str(a->issue, b->issue) ||
        !same_str(a->language, b->language) || !same_str(a->series, b->series) ||
        a->n_headlines != b->n_headlines)
        return 0;
    for (size_t i = 0; i < a->n_headlines; i++)
        if (!same_str(a->headlines[i], b->headlines[i]))
            return 0;
    const ov_resource *p = a->photo, *q = b->photo;
    if (!p || !q)
        return !p && !q;
    if (p == q)
        return 1;
    if (!same_str(p->url, q->url) || !same_str(p->media_type, q->media_type) ||
        p->size != q->size)
        return 0;
    if (p->data && q->data)
        return memcmp(p->data, q->data, p->size) == 0;
    return !p->data && !q->data && same_str(p->spool_path, q->spool_path) &&
           p->spool_offset == q->spool_offset && p->spool_offset != 0;
}

int ov_cover_render_book(const ov_book *b, int width, int height, int grayscale, ov_resource **out,
                         ov_error *err)
{
    ov_cover_book_spec bs;
    if (!b || !out)
        return ov_error_set(err, OV_EINVAL, "octavo:cover", "no book");
    ov_cover_spec_of_book(b, width, height, grayscale, &bs);
    return ov_cover_render(&bs.spec, out, err);
}
