/* ov__image_fast_header: sizes from JPEG/PNG headers must be libvips' sizes,
 * and anything it is not sure about must say so (0), never a wrong size. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "octavo/image.h"
#include "package/image/image_internal.h"

static void setup(void)
{
    ov_error err;
    cr_assert_eq(ov_image_init(&err), 0, "%s", err.message);
    vips_concurrency_set(1); /* the encodes here are tiny; no worker threads */
}

TestSuite(image_header, .init = setup);

/* Encode a w x h picture with `bands` bands as `suffix`; orientation > 0 is
 * written as EXIF. g_free the result. */
static void *encode(int w, int h, int bands, const char *suffix, int orientation, size_t *len)
{
    VipsImage *black = NULL, *lin = NULL, *u = NULL, *out = NULL;
    void *buf = NULL;
    cr_assert_eq(vips_black(&black, w, h, "bands", bands, NULL), 0);
    cr_assert_eq(vips_linear1(black, &lin, 1.0, 77.0, NULL), 0);
    cr_assert_eq(vips_cast_uchar(lin, &u, NULL), 0);
    cr_assert_eq(vips_copy(u, &out, "interpretation",
                           bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W, NULL),
                 0);
    if (orientation > 0)
        vips_image_set_int(out, VIPS_META_ORIENTATION, orientation);
    cr_assert_eq(vips_image_write_to_buffer(out, suffix, &buf, len, NULL), 0, "%s",
                 vips_error_buffer());
    g_object_unref(black);
    g_object_unref(lin);
    g_object_unref(u);
    g_object_unref(out);
    return buf;
}

/* The header reader gives the size libvips encoded (the size libvips'
 * loaders report for these files, as the encode round trip shows). */
static void same_as_vips(const void *buf, size_t len, const char *mt, int ew, int eh)
{
    int w = 0, h = 0, o = 0;
    cr_assert_eq(ov__image_fast_header(buf, len, mt, &w, &h, &o), 1, "%s not read", mt);
    cr_assert_eq(w, ew, "%s width %d, expected %d", mt, w, ew);
    cr_assert_eq(h, eh, "%s height %d, expected %d", mt, h, eh);
    cr_assert_eq(o, 1);
}

Test(image_header, jpeg_and_png_sizes_match_libvips)
{
    static const int sizes[][2] = {{1, 1}, {480, 300}, {17, 1023}, {2049, 3}};
    static const char *const jpegs[] = {".jpg", ".jpg[Q=40,interlace]", ".jpg[strip]"};
    static const char *const pngs[] = {".png", ".png[interlace]", ".png[compression=9]", ".png[palette]"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int bands = 1; bands <= 4; bands += 2) {
            size_t len;
            for (size_t k = 0; k < 3; k++) {
                void *b = encode(sizes[s][0], sizes[s][1], bands == 4 ? 3 : bands, jpegs[k], 0, &len);
                same_as_vips(b, len, "image/jpeg", sizes[s][0], sizes[s][1]);
                g_free(b);
            }
            for (size_t k = 0; k < 4; k++) {
                void *b = encode(sizes[s][0], sizes[s][1], bands, pngs[k], 0, &len);
                same_as_vips(b, len, "image/png", sizes[s][0], sizes[s][1]);
                g_free(b);
            }
        }
}

Test(image_header, exif_orientation_is_read)
{
    for (int o = 1; o <= 8; o++) {
        size_t len;
        void *b = encode(40, 20, 3, ".jpg", o, &len);
        int w = 0, h = 0, got = 0;
        cr_assert_eq(ov__image_fast_header(b, len, "image/jpeg", &w, &h, &got), 1);
        cr_assert_eq(got, o, "orientation %d read as %d", o, got);
        cr_assert_eq(w, 40);
        cr_assert_eq(h, 20);
        g_free(b);
    }
}

Test(image_header, unsure_means_zero)
{
    size_t len;
    int w, h, o;
    unsigned char *b = encode(64, 32, 3, ".png", 0, &len);
    /* every truncation either answers 64x32 or "not sure" */
    for (size_t n = 0; n < len; n++) {
        w = h = 0;
        int ok = ov__image_fast_header(b, n, "image/png", &w, &h, &o);
        cr_assert(!ok || (w == 64 && h == 32), "PNG cut at %zu read as %dx%d", n, w, h);
        if (n < 33)
            cr_assert_eq(ok, 0);
    }
    b[20] ^= 0x01; /* height byte: IHDR's CRC no longer matches */
    cr_assert_eq(ov__image_fast_header(b, len, "image/png", &w, &h, &o), 0);
    g_free(b);
    unsigned char *j = encode(64, 32, 3, ".jpg", 6, &len);
    for (size_t n = 0; n < len; n++) {
        w = h = 0;
        int ok = ov__image_fast_header(j, n, "image/jpeg", &w, &h, &o);
        cr_assert(!ok || (w == 64 && h == 32 && o == 6), "JPEG cut at %zu read as %dx%d/%d", n, w,
                  h, o);
    }
    cr_assert_eq(ov__image_fast_header(j, len, "image/gif", &w, &h, &o), 0, "GIF goes to libvips");
    cr_assert_eq(ov__image_fast_header(NULL, 0, "image/jpeg", &w, &h, &o), 0);
    g_free(j);
    static const unsigned char sof3[] = {0xff, 0xd8, 0xff, 0xc3, 0x00, 0x0b, 8, 0, 16, 0, 16, 1, 1, 0x11, 0};
    cr_assert_eq(ov__image_fast_header(sof3, sizeof sof3, "image/jpeg", &w, &h, &o), 0,
                 "lossless JPEG goes to libvips");
}
