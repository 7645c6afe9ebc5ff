/*
 * vips_loaded.h - whether this process has loaded libvips (vips_dl.c), for
 * code outside the image module, which does not see libvips's headers.
 */
#ifndef OV_VIPS_LOADED_H
#define OV_VIPS_LOADED_H

/* Non-zero once ov__vips_load has succeeded (or is running) in this
 * process: libvips and its libraries may then hold threads and locks. */
int ov__vips_loaded(void);

#endif
