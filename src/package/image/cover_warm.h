/*
 * cover_warm.h - libvips and its text rendering started ahead of a cover,
 * for code outside the image module (build/cover_proc.c), which does not
 * see libvips's headers.
 */
#ifndef OV_COVER_WARM_H
#define OV_COVER_WARM_H

/* Load and start libvips and draw a line of text (fontconfig reads its
 * cache, pango makes its font map): what ov_cover_render does the first
 * time before it draws, moved to a moment when a core is idle, in a process
 * that is about to draw a cover. The cover's bytes do not change. A failure
 * is left for ov_cover_render to report. */
void ov__cover_warm(void);

#endif
