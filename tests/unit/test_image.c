/* ov_image_prepare: conversion, pass-through, downscaling, grayscale, limits, spooling. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#include "octavo/image.h"
#include "ov_test.h"

static void setup(void)
{
    ov_error err;
    cr_assert_eq(ov_image_init(&err), 0, "%s", err.message);
}

/* A w x h noisy RGB (or RGBA) picture encoded with `suffix` (".webp", ".jpg"...). */
static ov_resource *make_image(int w, int h, int alpha, const char *suffix)
{
    VipsImage *noise = NULL, *rgb = NULL, *u = NULL, *a = NULL, *out = NULL;
    void *buf = NULL;
    size_t len = 0;
    ov_resource *r = NULL;

    cr_assert_eq(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, "seed", 7, NULL), 0);
    cr_assert_eq(vips_bandjoin_const1(noise, &rgb, 0.0, NULL), 0); /* 2 bands */
    VipsImage *three = NULL;
    cr_assert_eq(vips_bandjoin_const1(rgb, &three, 90.0, NULL), 0);
    cr_assert_eq(vips_cast_uchar(three, &u, NULL), 0);
    if (alpha) {
        cr_assert_eq(vips_bandjoin_const1(u, &a, 128.0, NULL), 0);
        cr_assert_eq(vips_copy(a, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    } else {
        cr_assert_eq(vips_copy(u, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    }
    cr_assert_eq(vips_image_write_to_buffer(out, suffix, &buf, &len, NULL), 0, "%s",
                 vips_error_buffer());
    cr_assert_eq(ov_resource_new(&r), 0);
    r->data = malloc(len);
    memcpy(r->data, buf, len);
    r->size = len;
    ov_strset(&r->url, "http://example.test/img");
    g_free(buf);
    g_object_unref(noise);
    g_object_unref(rgb);
    g_object_unref(three);
    g_object_unref(u);
    if (a)
        g_object_unref(a);
    g_object_unref(out);
    return r;
}

static VipsImage *decode(const ov_resource *r)
{
    VipsImage *im = vips_image_new_from_buffer(r->data, r->size, "", NULL);
    cr_assert_not_null(im, "%s", vips_error_buffer());
    return im;
}

TestSuite(image, .init = setup);

Test(image, webp_becomes_jpeg_same_size)
{
    ov_resource *r = make_image(320, 200, 0, ".webp");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    cr_assert_str_eq(ov_sniff_media_type(r->data, r->size), "image/jpeg");
    cr_assert_eq(r->width, 320);
    cr_assert_eq(r->height, 200);
    VipsImage *im = decode(r);
    cr_assert_eq(vips_image_get_width(im), 320);
    cr_assert_eq(vips_image_get_height(im), 200);
    g_object_unref(im);
    ov_resource_free(r);
}

Test(image, webp_with_alpha_becomes_png)
{
    ov_resource *r = make_image(100, 80, 1, ".webp");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->media_type, "image/png");
    cr_assert_str_eq(ov_sniff_media_type(r->data, r->size), "image/png");
    VipsImage *im = decode(r);
    cr_assert(vips_image_hasalpha(im));
    g_object_unref(im);
    ov_resource_free(r);
}

Test(image, tiff_and_bmp_like_types_become_jpeg)
{
    ov_resource *r = make_image(64, 48, 0, ".tif");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    cr_assert_eq(r->width, 64);
    ov_resource_free(r);
}

/* BMP has no built-in libvips loader: ov_image_init leaves libvips's modules
 * unloaded (they cost ~14 MB RSS), and the first image no loaded loader
 * claims loads them. A hand-written 2x2 24-bit BMP still converts. */
Test(image, bmp_loads_the_vips_modules_on_demand)
{
    static const unsigned char bmp[70] = {
        'B', 'M', 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,           /* file header */
        40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0,         /* info header */
        0, 0, 0, 0, 16, 0, 0, 0, 0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 255, 0, 255, 0, 0, 0,                               /* bottom row + pad */
        255, 0, 0, 255, 255, 255, 0, 0};                          /* top row + pad */
    ov_resource *r = NULL;
    ov_error err;
    cr_assert_eq(ov_resource_new(&r), 0);
    r->data = malloc(sizeof bmp);
    memcpy(r->data, bmp, sizeof bmp);
    r->size = sizeof bmp;
    ov_strset(&r->url, "http://example.test/img.bmp");
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert(strcmp(r->media_type, "image/jpeg") == 0 || strcmp(r->media_type, "image/png") == 0,
              "%s", r->media_type);
    cr_assert_eq(r->width, 2);
    cr_assert_eq(r->height, 2);
    ov_resource_free(r);
}

Test(image, large_jpeg_is_downscaled)
{
    ov_resource *r = make_image(3000, 2000, 0, ".jpg");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    cr_assert_leq((size_t)r->width * (size_t)r->height, (size_t)OV_IMAGE_MAX_PIXELS);
    /* the default ("generic" device) caps the width */
    cr_assert_eq(r->width, OV_IMAGE_MAX_WIDTH);
    /* aspect ratio kept (3:2) to within a pixel */
    cr_assert_leq(abs(r->width * 2 - r->height * 3), 3);
    VipsImage *im = decode(r);
    cr_assert_eq(vips_image_get_width(im), r->width);
    g_object_unref(im);
    ov_resource_free(r);
}

Test(image, small_core_images_pass_through_byte_identical)
{
    const char *suffixes[] = {".jpg", ".png", ".gif"};
    const char *types[] = {"image/jpeg", "image/png", "image/gif"};
    for (int i = 0; i < 3; i++) {
        ov_resource *r = make_image(200, 150, 0, suffixes[i]);
        unsigned char *copy = malloc(r->size);
        size_t len = r->size;
        memcpy(copy, r->data, len);
        ov_error err;
        cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
        cr_assert_eq(r->size, len);
        cr_assert_eq(memcmp(r->data, copy, len), 0, "%s was recompressed", suffixes[i]);
        cr_assert_str_eq(r->media_type, types[i]);
        cr_assert_eq(r->width, 200);
        cr_assert_eq(r->height, 150);
        free(copy);
        ov_resource_free(r);
    }
}

Test(image, grayscale_gives_one_band)
{
    ov_resource *r = make_image(120, 90, 0, ".jpg");
    ov_image_options o = OV_IMAGE_OPTIONS_INIT;
    o.grayscale = 1;
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, &o, &err), 0, "%s", err.message);
    VipsImage *im = decode(r);
    cr_assert_eq(vips_image_get_bands(im), 1);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    g_object_unref(im);
    ov_resource_free(r);
}

Test(image, garbage_is_unsupported_and_unchanged)
{
    ov_resource *r = NULL;
    cr_assert_eq(ov_resource_new(&r), 0);
    const char junk[] = "this is not an image at all, just some text bytes";
    r->data = malloc(sizeof junk);
    memcpy(r->data, junk, sizeof junk);
    r->size = sizeof junk;
    ov_strset(&r->media_type, "image/jpeg");
    unsigned char *before = r->data;
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), OV_EUNSUPPORTED);
    cr_assert_gt(strlen(err.message), 0);
    cr_assert_eq(r->data, before);
    cr_assert_eq(r->size, sizeof junk);
    cr_assert_eq(memcmp(r->data, junk, sizeof junk), 0);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    ov_resource_free(r);
}

/* CRC-32 as PNG chunks use it (bitwise; test inputs are tiny). */
static unsigned long png_crc(const unsigned char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320UL ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffUL;
}

/* Append one PNG chunk (length, type, data, CRC) at p; returns bytes written. */
static size_t png_chunk(unsigned char *p, const char *type, const unsigned char *data, size_t n)
{
    p[0] = (unsigned char)(n >> 24), p[1] = (unsigned char)(n >> 16);
    p[2] = (unsigned char)(n >> 8), p[3] = (unsigned char)n;
    memcpy(p + 4, type, 4);
    if (n)
        memcpy(p + 8, data, n);
    unsigned long crc = png_crc(p + 4, n + 4);
    p[8 + n] = (unsigned char)(crc >> 24), p[9 + n] = (unsigned char)(crc >> 16);
    p[10 + n] = (unsigned char)(crc >> 8), p[11 + n] = (unsigned char)crc;
    return n + 12;
}

/* A PNG whose IHDR claims 50000x50000 with a tiny (bogus) body: 70 bytes. */
static ov_resource *png_bomb(void)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    static const unsigned char ihdr[13] = {0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50, 8, 2, 0, 0, 0};
    static const unsigned char idat[8] = {0x78, 0x9c, 0x63, 0, 0, 0, 0, 1};
    unsigned char *p = malloc(128);
    size_t n = 8;
    memcpy(p, sig, 8);
    n += png_chunk(p + n, "IHDR", ihdr, sizeof ihdr);
    n += png_chunk(p + n, "IDAT", idat, sizeof idat);
    n += png_chunk(p + n, "IEND", NULL, 0);
    ov_resource *r = NULL;
    cr_assert_eq(ov_resource_new(&r), 0);
    r->data = p;
    r->size = n;
    return r;
}

Test(image, decompression_bomb_is_refused_from_header)
{
    ov_resource *r = png_bomb();
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), OV_ELIMIT, "got %s", err.message);
    cr_assert_not_null(strstr(err.message, "50000x50000"), "%s", err.message);
    cr_assert_null(r->media_type);
    ov_resource_free(r);
}

Test(image, spooled_resource_is_converted_and_stays_spooled)
{
    ov_resource *r = make_image(300, 200, 0, ".webp");
    char *dir = ov_test_tmpdir("image-spool");
    char path[1024];
    snprintf(path, sizeof path, "%s/spooled.bin", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(r->data, 1, r->size, f), r->size);
    fclose(f);
    free(r->data);
    r->data = NULL;
    ov_strset(&r->spool_path, path);
    r->spool_owned = 1;
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_null(r->data);
    cr_assert_not_null(r->spool_path);
    cr_assert_str_neq(r->spool_path, path);
    cr_assert_null(fopen(path, "rb"), "old owned spool file removed");
    cr_assert_str_eq(r->media_type, "image/jpeg");
    unsigned char *bytes = NULL;
    size_t len = 0;
    cr_assert_eq(ov_resource_read(r, &bytes, &len, &err), 0, "%s", err.message);
    cr_assert_eq(len, r->size);
    cr_assert_str_eq(ov_sniff_media_type(bytes, len), "image/jpeg");
    free(bytes);
    ov_resource_free(r);
    free(dir);
}

Test(image, conversion_is_deterministic)
{
    ov_resource *a = make_image(500, 400, 0, ".webp");
    ov_resource *b = make_image(500, 400, 0, ".webp");
    ov_error err;
    cr_assert_eq(ov_image_prepare(a, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(ov_image_prepare(b, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(a->size, b->size);
    cr_assert_eq(memcmp(a->data, b->data, a->size), 0);
    ov_resource_free(a);
    ov_resource_free(b);
}

/* Encode `im` (with its metadata) as `suffix` into a new in-memory resource. */
static ov_resource *encode_with(VipsImage *im, const char *suffix)
{
    void *buf = NULL;
    size_t len = 0;
    ov_resource *r = NULL;
    cr_assert_eq(vips_image_write_to_buffer(im, suffix, &buf, &len, NULL), 0, "%s",
                 vips_error_buffer());
    cr_assert_eq(ov_resource_new(&r), 0);
    r->data = malloc(len);
    memcpy(r->data, buf, len);
    r->size = len;
    g_free(buf);
    return r;
}

Test(image, large_animated_gif_keeps_first_frame)
{
    ov_resource *src = make_image(1800, 2400, 0, ".png"); /* two 1800x1200 frames */
    VipsImage *im = vips_image_new_from_buffer(src->data, src->size, "", NULL), *anim = NULL;
    cr_assert_not_null(im);
    cr_assert_eq(vips_copy(im, &anim, NULL), 0);
    vips_image_set_int(anim, "page-height", 1200);
    ov_resource *r = encode_with(anim, ".gif");
    VipsImage *all = vips_image_new_from_buffer(r->data, r->size, "", "n", -1, NULL);
    cr_assert_eq(vips_image_get_n_pages(all), 2, "fixture is animated");
    g_object_unref(all);
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert(!strcmp(r->media_type, "image/gif") || !strcmp(r->media_type, "image/png"));
    cr_assert_leq((size_t)r->width * (size_t)r->height, (size_t)OV_IMAGE_MAX_PIXELS);
    cr_assert_leq(abs(r->width * 2 - r->height * 3), 3, "one frame's 3:2 shape, got %dx%d",
                  r->width, r->height);
    all = vips_image_new_from_buffer(r->data, r->size, "", "n", -1, NULL);
    cr_assert_not_null(all);
    cr_assert_eq(vips_image_get_n_pages(all), 1);
    g_object_unref(all);
    g_object_unref(anim);
    g_object_unref(im);
    ov_resource_free(r);
    ov_resource_free(src);
}

Test(image, exif_orientation_is_applied_and_stripped)
{
    ov_resource *src = make_image(200, 100, 0, ".png");
    VipsImage *im = vips_image_new_from_buffer(src->data, src->size, "", NULL), *tagged = NULL;
    cr_assert_eq(vips_copy(im, &tagged, NULL), 0);
    vips_image_set_int(tagged, VIPS_META_ORIENTATION, 6); /* rotate 90 to display */
    ov_resource *r = encode_with(tagged, ".jpg");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->media_type, "image/jpeg");
    cr_assert_eq(r->width, 100);
    cr_assert_eq(r->height, 200);
    VipsImage *out = decode(r);
    int o = 1;
    if (vips_image_get_typeof(out, VIPS_META_ORIENTATION))
        vips_image_get_int(out, VIPS_META_ORIENTATION, &o);
    cr_assert_eq(o, 1, "no orientation left after re-encoding");
    cr_assert_eq(vips_image_get_width(out), 100);
    g_object_unref(out);
    g_object_unref(tagged);
    g_object_unref(im);
    ov_resource_free(r);
    ov_resource_free(src);
}

Test(image, truncated_jpeg_that_needs_work_is_unsupported_and_unchanged)
{
    ov_resource *r = make_image(300, 200, 0, ".webp");
    size_t keep = r->size / 3;
    r->size = keep; /* header intact, pixels cut */
    unsigned char *before = r->data;
    ov_error err;
    int rc = ov_image_prepare(r, NULL, &err);
    cr_assert_eq(rc, OV_EUNSUPPORTED, "got %d: %s", rc, err.message);
    cr_assert_eq(r->data, before);
    cr_assert_eq(r->size, keep);
    ov_resource_free(r);
}

static void fits(int w, int h, const ov_image_options *o, int want_w, int want_h)
{
    ov_resource *r = make_image(w, h, 0, ".jpg");
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, o, &err), 0, "%s", err.message);
    cr_assert_leq(abs(r->width - want_w), 1, "%dx%d -> %dx%d, want %dx%d", w, h, r->width,
                  r->height, want_w, want_h);
    cr_assert_leq(abs(r->height - want_h), 1, "%dx%d -> %dx%d, want %dx%d", w, h, r->width,
                  r->height, want_w, want_h);
    VipsImage *im = decode(r);
    cr_assert_eq(vips_image_get_width(im), r->width);
    cr_assert_eq(vips_image_get_bands(im), o && o->grayscale ? 1 : 3);
    g_object_unref(im);
    ov_resource_free(r);
}

Test(image, devices_fit_images_to_their_screen)
{
    ov_image_options o = OV_IMAGE_OPTIONS_INIT;
    fits(1731, 1154, NULL, 1264, 843); /* the 1,731 px photo, default device */
    const ov_device *kp = ov_device_find("kindle-paperwhite");
    cr_assert_not_null(kp);
    cr_assert(kp->grayscale);
    ov_image_options_for_device(&o, kp);
    fits(1731, 1154, &o, 1236, 824);
    o = (ov_image_options)OV_IMAGE_OPTIONS_INIT;
    ov_image_options_for_device(&o, ov_device_find("kobo-clara"));
    fits(800, 2400, &o, 483, 1448); /* a tall image is limited by the height */
    o = (ov_image_options)OV_IMAGE_OPTIONS_INIT;
    ov_image_options_for_device(&o, ov_device_find("tablet"));
    cr_assert_eq(o.grayscale, 0);
    fits(1731, 1154, &o, 1600, 1067);
    o = (ov_image_options)OV_IMAGE_OPTIONS_INIT;
    o.max_width = -1; /* no width limit: only the pixel budget */
    fits(1731, 1154, &o, 1731, 1154);
    cr_assert_null(ov_device_find("kindle"));
    size_t n = 0;
    const ov_device *all = ov_device_list(&n);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        cr_assert_leq(all[i].width, 1600, "%s", all[i].name);
    cr_assert_eq(ov_device_find("generic")->width, 1264);
    cr_assert_eq(ov_device_find("generic-eink")->grayscale, 1);
}

Test(image, grayscale_png_is_single_channel_too)
{
    ov_resource *r = make_image(300, 200, 0, ".png");
    ov_image_options o = OV_IMAGE_OPTIONS_INIT;
    o.grayscale = 1;
    ov_error err;
    cr_assert_eq(ov_image_prepare(r, &o, &err), 0, "%s", err.message);
    VipsImage *im = decode(r);
    cr_assert_eq(vips_image_get_bands(im), 1);
    g_object_unref(im);
    ov_resource_free(r);
}
