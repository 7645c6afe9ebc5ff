/*
 * image.c - make images fit for e-readers, on libvips.
 *
 * Design. E-readers decode JPEG, PNG and GIF; everything else a news site
 * serves (WebP, AVIF, BMP, TIFF, ...) is converted, to PNG when the image has
 * an alpha channel (transparency is part of the picture: logos, charts) and
 * to JPEG otherwise. Images already in a core type, within the pixel budget,
 * upright and not asked to go grayscale are passed through byte for byte:
 * recompressing a JPEG only loses quality and determinism costs nothing.
 *
 * libvips opens an image lazily: new_from_buffer/new_from_file read the
 * header only, so the decompression-bomb check (width * height against
 * OV_IMAGE_MAX_INPUT_PIXELS) runs before a single pixel is decoded.
 * Downscaling goes through vips_thumbnail*, which uses shrink-on-load for
 * JPEG/WebP and streams the rest, so memory stays bounded by a few scanlines
 * rather than the source size. Orientation (EXIF) is applied, then all
 * metadata is stripped on save; encoders get fixed parameters and no
 * timestamps, so the same input gives the same bytes.
 *
 * libvips is set up once per process (ov_image_init): one worker thread and
 * an operation cache of zero entries, so no decoded pixels or open files are
 * kept between calls and RSS stays flat across a whole book. Spooled
 * resources stay spooled: the result is written to a new file next to the
 * old spool file.
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/image.h"
#include "util/fs.h"
/* last: it renames the libvips functions (vips_dl.h) */
#include "package/image/image_internal.h"

/* Bytes read from a spool file to sniff its type. */
#define OV__IMAGE_SNIFF_BYTES 64

static pthread_once_t ov__image_once = PTHREAD_ONCE_INIT;
static int ov__image_init_rc = -1;
static pthread_once_t ov__image_modules_once = PTHREAD_ONCE_INIT;
/* 1 when vips_init was pointed away from its modules (ov__image_do_init). */
static int ov__image_modules_deferred;

/* A folder that holds no libvips modules: see ov__image_do_init. */
#define OV__IMAGE_NO_MODULES_HOME "/nonexistent/octavo-vips-modules-on-demand"

static void ov__image_do_init(void)
{
    /* vips_init loads every module in its libdir (ImageMagick, poppler,
     * libheif, libjxl, openslide): about 14 MB of resident shared code and
     * their own start-up, in every run, while the built-in loaders read
     * JPEG, PNG, GIF, WebP, TIFF and SVG. vips_guess_libdir keeps the first
     * libdir it works out, from $VIPSHOME (which vips_init sets itself when
     * it is unset), so point that at a folder without modules and load them
     * in ov__image_need_loaders only for an image the built-in loaders do
     * not know. A VIPSHOME the user set is left alone (modules load at once). */
    if (!g_getenv("VIPSHOME") && g_module_supported()) {
        g_setenv("VIPSHOME", OV__IMAGE_NO_MODULES_HOME, TRUE);
        ov__image_modules_deferred = 1;
    }
    if (VIPS_INIT("octavo") != 0)
        return;
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    ov__image_init_rc = 0;
}

static void ov__image_load_modules(void)
{
    char dir[512];
    const char *name;
    GDir *d;

    snprintf(dir, sizeof dir, "%s/vips-modules-%d.%d", OV_VIPS_LIBDIR, vips_version(0),
             vips_version(1));
    if (!(d = g_dir_open(dir, 0, NULL)))
        return;
    while ((name = g_dir_read_name(d)) != NULL) {
        char path[1024];
        size_t n = strlen(name);
        if (n < 4 || strcmp(name + n - 3, ".so") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        /* a module registers its loaders in g_module_check_init and makes
         * itself resident; one that fails to open is skipped, as vips_init
         * does */
        (void)g_module_open(path, G_MODULE_BIND_LAZY);
    }
    g_dir_close(d);
}

/* Bytes of an image read to ask libvips whether a loaded loader claims it. */
#define OV__IMAGE_CLAIM_BYTES 4096

/* Loads libvips's modules the first time an image comes that no loaded
 * loader claims (AVIF, HEIC, JPEG XL, BMP, ICO, PDF, ...). The question is
 * asked of the resource's own bytes: its head, read at spool_offset when it
 * sits in a shared spool file. */
static void ov__image_need_loaders(const ov_resource *r)
{
    unsigned char head[OV__IMAGE_CLAIM_BYTES];
    const unsigned char *p = r->data;
    size_t n = r->size;
    FILE *f;

    if (!ov__image_modules_deferred)
        return;
    if (!p) {
        if (!r->spool_path || !(f = fopen(r->spool_path, "rb")))
            return;
        n = 0;
        if (r->spool_offset <= (uint64_t)LONG_MAX &&
            fseek(f, (long)r->spool_offset, SEEK_SET) == 0)
            n = fread(head, 1, r->size < sizeof head ? r->size : sizeof head, f);
        fclose(f);
        p = head;
    }
    if (n == 0 || vips_foreign_find_load_buffer(p, n))
        return;
    vips_error_clear();
    pthread_once(&ov__image_modules_once, ov__image_load_modules);
}

int ov_image_init(ov_error *err)
{
    int rc = ov__vips_load(err);
    if (rc != 0)
        return rc;
    pthread_once(&ov__image_once, ov__image_do_init);
    if (ov__image_init_rc != 0)
        return ov__image_vips_error(err, OV_ERROR, "", "cannot start libvips");
    return 0;
}

const char *ov__image_where(const ov_resource *r)
{
    if (r->url)
        return r->url;
    return r->spool_path ? r->spool_path : "";
}

int ov__image_vips_error(ov_error *err, int code, const char *where, const char *what)
{
    const char *msg = vips_error_buffer();
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    if (n == 0)
        msg = "libvips gave no reason", n = strlen(msg);
    ov_error_set(err, code, where, "%s: %.*s", what, (int)n, msg);
    vips_error_clear();
    return code;
}

int ov__image_open(const ov_resource *r, VipsAccess access, VipsImage **out, ov_error *err)
{
    VipsImage *im;

    *out = NULL;
    if (r->data || r->spool_path)
        ov__image_need_loaders(r);
    if (r->data)
        im = vips_image_new_from_buffer(r->data, r->size, "", "access", access, "fail_on",
                                        VIPS_FAIL_ON_ERROR, NULL);
    else if (r->spool_path)
        im = vips_image_new_from_file(r->spool_path, "access", access, "fail_on",
                                      VIPS_FAIL_ON_ERROR, NULL);
    else
        return ov_error_set(err, OV_EINVAL, ov__image_where(r), "resource has no bytes");
    if (!im)
        return ov__image_vips_error(err, OV_EUNSUPPORTED, ov__image_where(r),
                                    "not a decodable image");
    *out = im;
    return 0;
}

int ov__image_check_bomb(const ov_resource *r, VipsImage *im, ov_error *err)
{
    double pixels = (double)vips_image_get_width(im) * (double)vips_image_get_height(im);

    if (pixels > (double)OV_IMAGE_MAX_INPUT_PIXELS)
        return ov_error_set(err, OV_ELIMIT, ov__image_where(r),
                            "image is %dx%d pixels, above the limit of %u pixels "
                            "(OV_IMAGE_MAX_INPUT_PIXELS)",
                            vips_image_get_width(im), vips_image_get_height(im),
                            OV_IMAGE_MAX_INPUT_PIXELS);
    return 0;
}

/* Orientation tag 2..8 means the stored pixels are not upright. */
static int ov__image_orientation(VipsImage *im)
{
    int o = 1;
    if (vips_image_get_typeof(im, VIPS_META_ORIENTATION) &&
        vips_image_get_int(im, VIPS_META_ORIENTATION, &o) != 0) {
        vips_error_clear();
        o = 1;
    }
    return (o >= 1 && o <= 8) ? o : 1;
}

int ov__image_shrunk(const ov_resource *r, VipsImage *hdr, size_t max_pixels, int max_w, int max_h,
                     VipsImage **out, ov_error *err)
{
    double w = vips_image_get_width(hdr), h = vips_image_get_height(hdr);
    int sideways = ov__image_orientation(hdr) >= 5; /* limits apply to the upright image */
    double uw = sideways ? h : w, uh = sideways ? w : h;
    double scale = sqrt((double)max_pixels / (w * h));
    int side = 0; /* a side limit decides: round, then clamp to the limit */
    if (max_w > 0 && (double)max_w / uw < scale)
        scale = (double)max_w / uw, side = 1;
    if (max_h > 0 && (double)max_h / uh < scale)
        scale = (double)max_h / uh, side = 1;
    int tw = (int)(side ? floor(w * scale + 0.5) : floor(w * scale));
    int th = (int)(side ? floor(h * scale + 0.5) : floor(h * scale)), rc;
    if (side) {
        int lw = sideways ? max_h : max_w, lh = sideways ? max_w : max_h;
        tw = lw > 0 && tw > lw ? lw : tw;
        th = lh > 0 && th > lh ? lh : th;
    }

    if (scale > 1.0)
        tw = (int)w, th = (int)h;
    tw = tw < 1 ? 1 : tw;
    th = th < 1 ? 1 : th;
    if (ov__image_orientation(hdr) >= 5) { /* thumbnail's box is after rotation */
        int t = tw;
        tw = th;
        th = t;
    }
    if (r->data)
        rc = vips_thumbnail_buffer(r->data, r->size, out, tw, "height", th, "size", VIPS_SIZE_DOWN,
                                   "option_string", "fail_on=error", NULL);
    else
        rc = vips_thumbnail(r->spool_path, out, tw, "height", th, "size", VIPS_SIZE_DOWN,
                            "option_string", "fail_on=error", NULL);
    if (rc != 0)
        return ov__image_vips_error(err, OV_EUNSUPPORTED, ov__image_where(r),
                                    "cannot decode image");
    return 0;
}

int ov__image_save_jpeg(VipsImage *im, int quality, void **buf, size_t *len, const char *where,
                        ov_error *err)
{
    VipsImage *flat = NULL;
    int rc = 0;
    double white[3] = {255, 255, 255};
    VipsArrayDouble *bg = NULL;

    *buf = NULL;
    if (vips_image_hasalpha(im)) {
        int bands = vips_image_get_bands(im) - 1;
        bg = vips_array_double_new(white, bands >= 3 ? 3 : 1);
        if (vips_flatten(im, &flat, "background", bg, NULL) != 0) {
            rc = ov__image_vips_error(err, OV_EUNSUPPORTED, where, "cannot flatten image");
            goto cleanup;
        }
        im = flat;
    }
    if (vips_jpegsave_buffer(im, buf, len, "Q", quality, "strip", TRUE, "optimize_coding", TRUE,
                             NULL) != 0)
        rc = ov__image_vips_error(err, OV_EUNSUPPORTED, where, "cannot encode JPEG");
cleanup:
    if (bg)
        vips_area_unref(VIPS_AREA(bg));
    if (flat)
        g_object_unref(flat);
    return rc;
}

int ov__image_save_png(VipsImage *im, void **buf, size_t *len, const char *where, ov_error *err)
{
    *buf = NULL;
    if (vips_pngsave_buffer(im, buf, len, "strip", TRUE, "compression", 9, NULL) != 0)
        return ov__image_vips_error(err, OV_EUNSUPPORTED, where, "cannot encode PNG");
    return 0;
}

int ov__image_unspool(ov_resource *r, ov_error *err)
{
    if (r->data || !r->spool_path || !r->spool_offset) /* a file of its own: libvips opens it */
        return 0;
    /* a file of its own next to the shared one ("<spool>.<offset>"), so the
       image is worked on exactly as a resource spooled alone */
    unsigned char *data = NULL;
    size_t len = 0, n = strlen(r->spool_path);
    char *path = NULL;
    int rc = ov_resource_read(r, &data, &len, err);
    if (rc)
        return rc;
    if (n > OV__IMAGE_MAX_PATH || !(path = malloc(n + 24))) {
        rc = ov_error_set(err, OV_ENOMEM, r->spool_path, "out of memory");
        goto cleanup;
    }
    snprintf(path, n + 24, "%s.%llu", r->spool_path, (unsigned long long)r->spool_offset);
    if ((rc = ov__write_file(path, data, len, err)) != 0)
        goto cleanup;
    free(r->spool_path);
    r->spool_path = path;
    r->spool_owned = 1;
    r->spool_offset = 0;
    path = NULL;
cleanup:
    free(data);
    free(path);
    return rc;
}

/* "<old spool path>.ovimg": a sibling, so spooled resources stay on the same disk. */
static int ov__image_store_spooled(ov_resource *r, const void *buf, size_t len, ov_error *err)
{
    char *path = NULL;
    size_t n = strlen(r->spool_path);
    int rc;

    if (n > OV__IMAGE_MAX_PATH)
        return ov_error_set(err, OV_ELIMIT, r->spool_path, "spool path longer than %d bytes",
                            OV__IMAGE_MAX_PATH);
    path = malloc(n + sizeof ".ovimg");
    if (!path)
        return ov_error_set(err, OV_ENOMEM, r->spool_path, "out of memory");
    memcpy(path, r->spool_path, n);
    memcpy(path + n, ".ovimg", sizeof ".ovimg");
    rc = ov__write_file(path, buf, len, err);
    if (rc != 0)
        goto cleanup;
    if (r->spool_owned)
        remove(r->spool_path);
    free(r->spool_path);
    r->spool_path = path;
    r->spool_owned = 1;
    path = NULL;
cleanup:
    free(path);
    return rc;
}

int ov__image_store(ov_resource *r, const void *buf, size_t len, const char *media_type, int w,
                    int h, ov_error *err)
{
    char *mt = NULL;
    unsigned char *copy = NULL;
    int rc;

    if ((rc = ov_strset(&mt, media_type)) != 0)
        return ov_error_set(err, rc, ov__image_where(r), "out of memory");
    if (r->data) {
        copy = malloc(len ? len : 1);
        if (!copy) {
            rc = ov_error_set(err, OV_ENOMEM, ov__image_where(r), "out of memory");
            goto cleanup;
        }
        memcpy(copy, buf, len);
        free(r->data);
        r->data = copy;
        copy = NULL;
    } else if ((rc = ov__image_store_spooled(r, buf, len, err)) != 0) {
        goto cleanup;
    }
    r->size = len;
    free(r->media_type);
    r->media_type = mt;
    mt = NULL;
    r->width = w;
    r->height = h;
cleanup:
    free(mt);
    free(copy);
    return rc;
}

/* Media type from the first bytes (memory or spool file); NULL when unknown. */
static const char *ov__image_sniff(const ov_resource *r)
{
    unsigned char head[OV__IMAGE_SNIFF_BYTES];
    size_t n;
    FILE *f;

    if (r->data)
        return ov_sniff_media_type(r->data, r->size);
    if (!r->spool_path || !(f = fopen(r->spool_path, "rb")))
        return NULL;
    n = fread(head, 1, sizeof head, f);
    fclose(f);
    return ov_sniff_media_type(head, n);
}

/* Set r->media_type to `mt` (static string); bytes untouched. */
static int ov__image_store_type(ov_resource *r, const char *mt, ov_error *err)
{
    if (r->media_type && !strcmp(r->media_type, mt))
        return 0;
    if (ov_strset(&r->media_type, mt) != 0)
        return ov_error_set(err, OV_ENOMEM, ov__image_where(r), "out of memory");
    return 0;
}

static int ov__is_core(const char *mt)
{
    return mt &&
           (!strcmp(mt, "image/jpeg") || !strcmp(mt, "image/png") || !strcmp(mt, "image/gif"));
}

/* Encode `im` in the type that suits it; *mt is static. g_free *buf. */
static int ov__image_encode(VipsImage *im, const char *src_mt, int quality, void **buf, size_t *len,
                            const char **mt, const char *where, ov_error *err)
{
    if (src_mt && !strcmp(src_mt, "image/gif")) {
        if (vips_gifsave_buffer(im, buf, len, "strip", TRUE, NULL) == 0) {
            *mt = "image/gif";
            return 0;
        }
        vips_error_clear(); /* no cgif: PNG keeps the palette look */
    }
    if (vips_image_hasalpha(im) || (src_mt && !strcmp(src_mt, "image/png"))) {
        *mt = "image/png";
        return ov__image_save_png(im, buf, len, where, err);
    }
    *mt = "image/jpeg";
    return ov__image_save_jpeg(im, quality, buf, len, where, err);
}

/* The pixels to encode: shrunk, upright, grayscale as asked. Caller unrefs *out. */
/* Does the upright image exceed the width or height limit (0 = none)? */
static int ov__image_too_big(VipsImage *hdr, int max_w, int max_h)
{
    int w = vips_image_get_width(hdr), h = vips_image_get_height(hdr);
    if (ov__image_orientation(hdr) >= 5) {
        int t = w;
        w = h;
        h = t;
    }
    return (max_w > 0 && w > max_w) || (max_h > 0 && h > max_h);
}

static int ov__image_pixels(const ov_resource *r, VipsImage *hdr, size_t max_pixels, int max_w,
                            int max_h, int grayscale, VipsImage **out, ov_error *err)
{
    VipsImage *a = NULL, *b = NULL, *rnd = NULL;
    double pixels = (double)vips_image_get_width(hdr) * vips_image_get_height(hdr);
    int rc = 0;

    if (pixels > (double)max_pixels || ov__image_too_big(hdr, max_w, max_h)) {
        rc = ov__image_shrunk(r, hdr, max_pixels, max_w, max_h, &a, err);
    } else if (ov__image_orientation(hdr) > 1) { /* rotation needs random access */
        if ((rc = ov__image_open(r, VIPS_ACCESS_RANDOM, &rnd, err)) == 0 &&
            vips_autorot(rnd, &a, NULL) != 0)
            rc = ov__image_vips_error(err, OV_EUNSUPPORTED, ov__image_where(r),
                                      "cannot rotate image");
    } else {
        a = hdr;
        g_object_ref(a);
    }
    if (rc != 0)
        goto cleanup;
    if (grayscale && vips_image_get_interpretation(a) != VIPS_INTERPRETATION_B_W) {
        if (vips_colourspace(a, &b, VIPS_INTERPRETATION_B_W, NULL) != 0) {
            rc = ov__image_vips_error(err, OV_EUNSUPPORTED, ov__image_where(r),
                                      "cannot convert to grayscale");
            goto cleanup;
        }
        g_object_unref(a);
        a = b;
    }
    *out = a;
    a = NULL;
cleanup:
    if (a)
        g_object_unref(a);
    if (rnd)
        g_object_unref(rnd);
    return rc;
}

int ov_image_prepare(ov_resource *r, const ov_image_options *opts, ov_error *err)
{
    ov_image_options def = OV_IMAGE_OPTIONS_INIT;
    VipsImage *hdr = NULL, *px = NULL;
    const char *src_mt, *out_mt = NULL;
    void *buf = NULL;
    size_t len = 0, max_pixels;
    int rc, quality, needs_work;

    if (!r)
        return ov_error_set(err, OV_EINVAL, "", "no resource");
    if (!opts)
        opts = &def;
    if ((rc = ov__image_unspool(r, err)) != 0)
        return rc;
    max_pixels = opts->max_pixels ? opts->max_pixels : OV_IMAGE_MAX_PIXELS;
    /* version 1 callers have no width fields: the default limits apply */
    int max_w = opts->version >= 2 ? opts->max_width : 0;
    int max_h = opts->version >= 2 && opts->max_height > 0 ? opts->max_height : 0;
    max_w = max_w == 0 ? OV_IMAGE_MAX_WIDTH : max_w < 0 ? 0 : max_w;
    quality = opts->jpeg_quality > 0 && opts->jpeg_quality <= 100 ? opts->jpeg_quality
                                                                  : OV__IMAGE_DEFAULT_QUALITY;
    /* SVG is rasterised like any other non-core type: an SVG may carry
       scripts and remote references that would make the book invalid
       (OPF-014, RSC-006), and librsvg, loading from memory with no base
       URL, fetches nothing. */
    src_mt = ov__image_sniff(r);
    int fw = 0, fh = 0, fo = 0; /* a plain upright JPEG/PNG within limits: no libvips */
    if (r->data && !opts->grayscale &&
        ov__image_fast_header(r->data, r->size, src_mt, &fw, &fh, &fo) && fo == 1 &&
        (double)fw * fh <= (double)max_pixels && (max_w == 0 || fw <= max_w) &&
        (max_h == 0 || fh <= max_h) &&
        (double)fw * fh <= (double)OV_IMAGE_MAX_INPUT_PIXELS) {
        if ((rc = ov__image_store_type(r, src_mt, err)) == 0) {
            r->width = fw;
            r->height = fh;
        }
        return rc;
    }
    /* from here on libvips is needed: it is loaded the first time */
    if ((rc = ov_image_init(err)) != 0)
        return rc;
    if ((rc = ov__image_open(r, VIPS_ACCESS_SEQUENTIAL, &hdr, err)) != 0)
        goto cleanup;
    if ((rc = ov__image_check_bomb(r, hdr, err)) != 0)
        goto cleanup;
    needs_work =
        !ov__is_core(src_mt) || opts->grayscale || ov__image_orientation(hdr) > 1 ||
        (double)vips_image_get_width(hdr) * vips_image_get_height(hdr) > (double)max_pixels ||
        ov__image_too_big(hdr, max_w, max_h);
    if (!needs_work) {
        if ((rc = ov__image_store_type(r, src_mt, err)) == 0) {
            r->width = vips_image_get_width(hdr);
            r->height = vips_image_get_height(hdr);
        }
        goto cleanup;
    }
    if ((rc = ov__image_pixels(r, hdr, max_pixels, max_w, max_h, opts->grayscale, &px, err)) != 0)
        goto cleanup;
    if ((rc = ov__image_encode(px, src_mt, quality, &buf, &len, &out_mt, ov__image_where(r),
                               err)) != 0)
        goto cleanup;
    rc = ov__image_store(r, buf, len, out_mt, vips_image_get_width(px), vips_image_get_height(px),
                         err);
cleanup:
    g_free(buf);
    if (px)
        g_object_unref(px);
    if (hdr)
        g_object_unref(hdr);
    return rc;
}
