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

#define OV_IMAGE_OPTIONS_VERSION 1

/** Options. Initialise with OV_IMAGE_OPTIONS_INIT. */
typedef struct ov_image_options {
    unsigned version;  /**< OV_IMAGE_OPTIONS_VERSION */
    size_t max_pixels; /**< 0 = OV_IMAGE_MAX_PIXELS */
    int grayscale;     /**< non-zero: convert to grayscale */
    int jpeg_quality;  /**< 0 = 82 */
} ov_image_options;

/* clang-format off */
#define OV_IMAGE_OPTIONS_INIT {OV_IMAGE_OPTIONS_VERSION, 0, 0, 0}
/* clang-format on */

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
    const char *title;    /**< publication title */
    const char *subtitle; /**< e.g. the date "2026-11-28" */
    const char *issue;    /**< e.g. "No. 12" */
    const char *language; /**< BCP 47; unused for now (one Latin+CJK font) */
    int width, height;    /**< 0 = 1200 x 1600 */
} ov_cover_spec;

/**
 * Render a JPEG cover for `spec` into a new resource `*out` (caller owns,
 * ov_resource_free): media_type "image/jpeg", url "octavo:cover", width and
 * height set. Dark band with the title in white (wrapped, shrunk to fit),
 * subtitle and issue below in near-black: readable in grayscale. Text uses
 * the "WenQuanYi Micro Hei" font (Latin and CJK); if libvips cannot render
 * text, the cover is drawn without text and 0 is still returned. Same spec,
 * same bytes. OV_EINVAL without a title; OV_ELIMIT for sides outside
 * 100..6000 pixels or texts over 2048 bytes.
 */
int ov_cover_render(const ov_cover_spec *spec, ov_resource **out, ov_error *err);

#ifdef __cplusplus
}
#endif

#endif
