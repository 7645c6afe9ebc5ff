/* Checks the pipeline makes on each article before it goes into the book. */
#ifndef OV_BUILD_GUARD_H
#define OV_BUILD_GUARD_H

#include "octavo/error.h"
#include "octavo/model.h"

/*
 * 0 when the article's body parses as the XHTML the packager will read
 * (same wrapper, same parser, same limits); else OV_EPARSE with the reason
 * in `err`. The packager replaces a body it cannot parse by a note, so the
 * pipeline checks first and reports such an article as a skip instead.
 */
int ov__build_check_body(const ov_article *a, ov_error *err);

/*
 * Remove the pipeline's temporary folder `dir`: every file directly in it
 * (spooled images, partial files a full disk left), then the folder. Best
 * effort; nothing else is touched (no recursion, no symlinks followed).
 */
void ov__build_remove_spool(const char *dir);

#endif
