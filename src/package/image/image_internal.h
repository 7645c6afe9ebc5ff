/* Internal helpers shared by the image module's files (libvips glue). */
#ifndef OV_IMAGE_INTERNAL_H
#define OV_IMAGE_INTERNAL_H

#include <stddef.h>

#include "octavo/error.h"
#include "octavo/model.h"
/* libvips through the table loaded on first use; last, see its comment */
#include "package/image/vips_dl.h"

/* Default JPEG quality for re-encoded images. */
#define OV__IMAGE_DEFAULT_QUALITY 82
/* Longest spool path we derive a sibling from. */
#define OV__IMAGE_MAX_PATH 4096

/* Open `r` lazily (header only until pixels are asked for); caller unrefs. */
int ov__image_open(const ov_resource *r, VipsAccess access, VipsImage **out, ov_error *err);
/* Refuse images whose header claims more than OV_IMAGE_MAX_INPUT_PIXELS. */
int ov__image_check_bomb(const ov_resource *r, VipsImage *im, ov_error *err);
/* Decode `r` shrunk to at most `max_pixels` and to fit max_w x max_h (0 = no
   limit; the upright image), autorotated; caller unrefs. */
int ov__image_shrunk(const ov_resource *r, VipsImage *hdr, size_t max_pixels, int max_w, int max_h,
                     VipsImage **out, ov_error *err);
/* Encode `im` as JPEG (alpha flattened onto white, metadata stripped). g_free *buf. */
int ov__image_save_jpeg(VipsImage *im, int quality, void **buf, size_t *len, const char *where,
                        ov_error *err);
/* Encode `im` as PNG (metadata stripped). g_free *buf. */
int ov__image_save_png(VipsImage *im, void **buf, size_t *len, const char *where, ov_error *err);
/*
 * Replace r's bytes with `buf` (copied; the caller still frees `buf`), writing
 * a new spool file next to the old one when `r` is spooled; then set
 * media_type, width and height. On error `r` is unchanged.
 */
int ov__image_store(ov_resource *r, const void *buf, size_t len, const char *media_type, int w,
                    int h, ov_error *err);
/*
 * Size and EXIF orientation of a JPEG or PNG from its header alone (header.c).
 * 1 when sure, 0 when the header is unusual: then ask libvips.
 */
int ov__image_fast_header(const unsigned char *d, size_t n, const char *mt, int *w, int *h,
                          int *orientation);
/* A resource in a shared spool file (spool_offset > 0) copied to a spool
   file of its own (owned), so libvips, which opens whole files, can work on
   it exactly as before. For the rare paths only (the book budget). */
int ov__image_unspool(ov_resource *r, ov_error *err);
/* "where" for error messages: url, else spool path, else "". */
const char *ov__image_where(const ov_resource *r);
/* Fill err from libvips' error buffer (and clear it). */
int ov__image_vips_error(ov_error *err, int code, const char *where, const char *what);

#endif
