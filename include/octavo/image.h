/*
 * octavo/image.h - make images fit for e-readers (libvips).
 *
 * E-readers decode JPEG, PNG and GIF reliably; epubcheck 4.2.6 rejects WebP.
 * ov_image_prepare() converts anything else to JPEG (or PNG when the image
 * has transparency), downscales images above a pixel budget and optionally
 * makes them grayscale. ov_image_fit_budget() recompresses a whole book's
 * images harder until the book fits a size budget, and drops images only as a
 * last resort. ov_cover_render() draws a cover without any image editor.
 */
#ifndef OCTAVO_IMAGE_H
#define OCTAVO_IMAGE_H

#include <stddef.h>

#include "octavo/error.h"
#include "octavo/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default pixel budget per image (2 megapixels). */
#define OV_IMAGE_MAX_PIXELS (2u * 1000u * 1000u)
/** Largest decoded image accepted at all (decompression-bomb guard). */
#define OV_IMAGE_MAX_INPUT_PIXELS (100u * 1000u * 1000u)
/** Default whole-book budget: the Kindle e-mail limit. */
#define OV_IMAGE_BOOK_BUDGET (50u * 1000u * 1000u)

/** Default widest image (the "generic" device): wider images are scaled down. */
#define OV_IMAGE_MAX_WIDTH 1264

#define OV_IMAGE_OPTIONS_VERSION 2

/** Options. Initialise with OV_IMAGE_OPTIONS_INIT. */
typedef struct ov_image_options {
    unsigned version;  /**< OV_IMAGE_OPTIONS_VERSION */
    size_t max_pixels; /**< 0 = OV_IMAGE_MAX_PIXELS */
    int grayscale;     /**< non-zero: convert to grayscale (single-channel JPEG/PNG) */
    int jpeg_quality;  /**< 0 = 82 */
    int max_width;     /**< 0 = OV_IMAGE_MAX_WIDTH, negative = no limit (since version 2) */
    int max_height;    /**< 0 or negative = no limit (since version 2) */
} ov_image_options;

/* clang-format off */
#define OV_IMAGE_OPTIONS_INIT {OV_IMAGE_OPTIONS_VERSION, 0, 0, 0, 0, 0}
/* clang-format on */

/** A reading device images and the cover are made for. */
typedef struct ov_device {
    const char *name;        /**< "kindle-paperwhite", "kobo-clara", "generic-eink", "tablet", "generic" */
    int width, height;       /**< screen in pixels (portrait): images fit inside, the cover is this size */
    int grayscale;           /**< non-zero: e-ink without colour */
    const char *description; /**< one line for --help */
} ov_device;

/**
 * The device called `name`, or NULL when unknown. The table is static:
 * generic (1264x1680, colour; the default), generic-eink (1264x1680, gray),
 * kindle-paperwhite (1236x1648, gray), kobo-clara (1072x1448, gray),
 * tablet (1600x2560, colour).
 */
const ov_device *ov_device_find(const char *name);

/** The whole device table (static); `*n` receives its length. */
const ov_device *ov_device_list(size_t *n);

/** Set `o`'s max_width, max_height and grayscale for `d` (grayscale is only ever turned on). */
void ov_image_options_for_device(ov_image_options *o, const ov_device *d);

/**
 * Start libvips once per process (idempotent, thread-safe): one worker thread
 * and no operation cache, so memory stays flat and nothing is kept between
 * calls. The other functions call it themselves. There is no matching
 * shutdown: libvips cannot be started again after vips_shutdown().
 */
int ov_image_init(ov_error *err);

/**
 * Make `r` e-reader ready, in place: decide the type from the bytes, convert
 * non-core types to JPEG/PNG, downscale above the pixel budget, apply
 * grayscale; updates data/size (or the spool file), media_type, width and
 * height.
 *
 * Images wider than max_width (default OV_IMAGE_MAX_WIDTH, 1264 px) or
 * taller than max_height are scaled down to fit, aspect kept. Grayscale
 * images are single-channel (one band, a 1-component JPEG).
 *
 * JPEG, PNG and GIF within the budget, upright and not grayscale pass through
 * byte for byte (only media_type/width/height are set). Otherwise the result
 * is PNG for PNG sources and images with alpha, GIF (first frame) for GIF
 * sources, JPEG (alpha flattened onto white) for the rest; EXIF orientation is
 * applied and all metadata stripped; output bytes are deterministic. SVG is
 * rasterised to PNG (librsvg, no external resources loaded): its scripts and
 * remote references never reach the book. A spooled resource stays spooled: the result goes to
 * "<spool_path>.ovimg" (owned: spool_owned = 1; the old file is removed when
 * it was owned). `opts` may be NULL (defaults). `r` stays owned by the caller.
 *
 * Errors: OV_ELIMIT when the header claims more than
 * OV_IMAGE_MAX_INPUT_PIXELS (checked before decoding), OV_EUNSUPPORTED when
 * the bytes cannot be decoded; `r` is then unchanged.
 */
int ov_image_prepare(ov_resource *r, const ov_image_options *opts, ov_error *err);

/**
 * Bring the total size of b->resources under `budget` bytes (0 =
 * OV_IMAGE_BOOK_BUDGET) by recompressing the largest images at lower
 * quality and size, then removing images (largest first) if still needed.
 * `*dropped` (may be NULL) receives how many images were removed.
 *
 * Steps (each only while still over budget, largest image first): re-encode
 * JPEG-able images (no alpha) as JPEG at quality/pixels 82/2 MP, 70/2 MP,
 * 70/1 MP, 60/1 MP, 60/0.5 MP, 50/0.5 MP, keeping a result only when smaller;
 * then remove images from b->resources, largest first (freed; the packager
 * writes their alt text). The cover counts towards the total but is never
 * touched. Deterministic. OV_ELIMIT when the book is still too big with no
 * images left.
 */
int ov_image_fit_budget(ov_book *b, size_t budget, size_t *dropped, ov_error *err);

/** What a generated cover shows. Strings borrowed; any may be NULL except title. */
typedef struct ov_cover_spec {
    const char *title;    /**< publication title: the masthead */
    const char *subtitle; /**< e.g. the date "Saturday, November 28, 2026" */
    const char *issue;    /**< e.g. "No. 12" */
    const char *language; /**< BCP 47; unused for now (one Latin+CJK font) */
    int width, height;    /**< 0 = 1200 x 1600 */
    /* Fields below were added later; positional initialisers leave them 0. */
    const char *series;           /**< series name, shown above the title when it differs */
    const char *const *headlines; /**< top headlines in order (borrowed), or NULL */
    size_t n_headlines;           /**< entries in `headlines` */
    const ov_resource *photo;     /**< the lead article's photo (borrowed), or NULL */
    int grayscale;                /**< non-zero: a single-channel JPEG even with a photo */
} ov_cover_spec;

/**
 * Render a JPEG cover for `spec` into a new resource `*out` (caller owns,
 * ov_resource_free): media_type "image/jpeg", url "octavo:cover", width and
 * height set. It looks like a newspaper front page: the series name, the
 * title as a masthead (wrapped, shrunk to fit), rules around the date and
 * issue, the lead photo (cropped to its box), then as many headlines as fit,
 * black on white. Nothing is cut at any aspect ratio: text shrinks, the
 * photo box shrinks, and headlines that do not fit are left out. Without a
 * photo (or with grayscale) the JPEG is single-channel; a text-only cover is
 * under 60 KB. Text uses the "WenQuanYi Micro Hei" font (Latin and CJK); if
 * libvips cannot render text, the cover is drawn without text and 0 is still
 * returned; a photo that cannot be decoded is left out. Same spec, same
 * bytes. OV_EINVAL without a title; OV_ELIMIT for sides outside 100..6000
 * pixels or texts over 2048 bytes.
 */
int ov_cover_render(const ov_cover_spec *spec, ov_resource **out, ov_error *err);

/** Headlines a book cover shows at most. */
#define OV_COVER_MAX_HEADLINES 6

/**
 * ov_cover_render() for `b` as it stands: title, series, the edition date
 * with its weekday and the issue number in the book's language ("Wednesday,
 * December 2, 2026 · No. 1", "2026年12月2日 星期三 · 第 1 期"), the first
 * OV_COVER_MAX_HEADLINES article titles, and the photo of the first article
 * that has one in b->resources (its lead image, else its first image).
 * width/height 0 = 1200 x 1600 (pass the device's screen). `b` is only
 * read; `*out` as for ov_cover_render().
 */
int ov_cover_render_book(const ov_book *b, int width, int height, int grayscale, ov_resource **out,
                         ov_error *err);

/** The spec ov_cover_render_book() renders, with room for its texts. */
typedef struct ov_cover_book_spec {
    ov_cover_spec spec;                          /**< strings borrowed from the book or below */
    const char *heads[OV_COVER_MAX_HEADLINES];   /**< spec.headlines points here */
    char date[96], issue[32];                    /**< spec.subtitle, spec.issue point here */
} ov_cover_book_spec;

/**
 * Fill `*out` with the spec ov_cover_render_book(b, ...) would render
 * (pointers into `b` and `*out`: valid while both are unchanged). Lets a
 * caller that rendered a cover ahead of time (on a thread, from what it
 * knew then) check it is the cover the finished book would get.
 */
void ov_cover_spec_of_book(const ov_book *b, int width, int height, int grayscale,
                           ov_cover_book_spec *out);

/**
 * 1 when `a` and `b` draw the same cover: the same texts, size and
 * grayscale, and photos with the same URL, media type and bytes (compared
 * by size and, when spooled, by spool file and offset), else 0.
 */
int ov_cover_spec_same(const ov_cover_spec *a, const ov_cover_spec *b);

#ifdef __cplusplus
}
#endif

#endif
