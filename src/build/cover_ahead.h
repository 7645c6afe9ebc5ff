/*
 * The cover, rendered ahead on a thread (cover_ahead.c).
 *
 * Drawing the cover (text layout, a 1200x1600 PNG at compression 9) is one
 * of the longest single steps of a build, and it used to run after the
 * last page while everything else waited. The pipeline now guesses the
 * cover's spec as soon as the first articles (in book order) and the
 * first photo are known, and renders that on a thread while the rest is
 * fetched. The finished book's spec is compared with the guess: the same
 * spec draws the same bytes, so the early cover is used; any difference
 * (a later article changed the language majority, a duplicate, ...) and it
 * is thrown away and the cover drawn again, as before. The thread only
 * waits when the cover is drawn in the cover process (cover_proc.h).
 */
#ifndef OV_BUILD_COVER_AHEAD_H
#define OV_BUILD_COVER_AHEAD_H

#include "build/cover_proc.h"
#include "octavo/image.h"

typedef struct ov__cover_ahead ov__cover_ahead;

/* Start rendering `spec` on a thread, through `proc` (may be NULL: on the
 * thread itself; `proc` must outlive the take); its strings and photo are
 * copied. NULL when that cannot start (then nothing was started). */
ov__cover_ahead *ov__cover_ahead_start(const ov_cover_spec *spec, ov__cover_proc *proc);

/* Wait for the render and free `ca` (NULL is fine). When `final` (may be
 * NULL) is the same spec as the one started, and the render succeeded,
 * *out takes the cover and 1 is returned; otherwise 0 and *out untouched. */
int ov__cover_ahead_take(ov__cover_ahead *ca, const ov_cover_spec *final, ov_resource **out);

#endif
