/*
 * `octavo build --device`: the sample book made for a Kobo Clara has every
 * image within its 1072x1448 screen and single-channel (real grayscale,
 * cover included), and the cover is drawn at the screen's size.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include <zip.h>

#include "ov_test.h"

Test(device, kobo_clara_images_fit_and_are_gray, .timeout = 300)
{
    char *book = ov_test_book_path("device-kobo.epub");
    char *site = ov_test_source_path("examples/sample-site");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", site, "--device", "kobo-clara",
                            "-o", book, NULL);
    cr_assert(st == 0 || st == 3, "exit %d\n%s", st, r.err);
    ov_test_run_free(&r);
    cr_assert_eq(VIPS_INIT("test"), 0);
    int e = 0;
    zip_t *z = zip_open(book, ZIP_RDONLY, &e);
    cr_assert(z);
    int images = 0, cover = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (strncmp(name, "EPUB/img/", 9) != 0)
            continue;
        size_t len = 0;
        char *data = ov_test_zip_entry(book, name, &len);
        cr_assert(data);
        VipsImage *im = vips_image_new_from_buffer(data, len, "", NULL);
        cr_assert(im, "%s does not decode", name);
        int w = vips_image_get_width(im), h = vips_image_get_height(im);
        int bands = vips_image_get_bands(im) - (vips_image_hasalpha(im) ? 1 : 0);
        cr_assert_leq(w, 1072, "%s is %d px wide", name, w);
        cr_assert_leq(h, 1448, "%s is %d px tall", name, h);
        cr_assert_eq(bands, 1, "%s has %d colour bands", name, bands);
        if (strstr(name, "cover")) {
            cover = 1;
            cr_assert_eq(w, 1072);
            cr_assert_eq(h, 1448);
        }
        images++;
        g_object_unref(im);
        free(data);
    }
    zip_close(z);
    cr_assert(cover, "no cover image");
    cr_assert_gt(images, 5);

    /* an unknown device is a usage error */
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", site, "--device", "kindle", "-o",
                        book, NULL);
    cr_assert_eq(st, 2, "exit %d", st);
    cr_assert(strstr(r.err, "unknown --device"), "%s", r.err);
    ov_test_run_free(&r);
    free(site);
    free(book);
}
