/*
 * The cover, drawn in a child process (cover_proc.c).
 *
 * Drawing the cover is the only thing most builds use libvips for (photos
 * in JPEG and PNG pass through without it), and libvips with pango, cairo,
 * fontconfig and their ~60 libraries is about 30 MB of resident code and
 * data once started. Started in the build's own process, all of it stays
 * there to the end, on top of the packaging peak. So a build forks a small
 * child before it starts any thread; the child waits on a socket, draws
 * each cover spec it is sent with ov_cover_render() (same code, same
 * bytes) and sends the image back, and libvips is started only there.
 *
 * The child is made only while the process has a single thread and has not
 * loaded libvips (a library user may have either): otherwise, or when the
 * child cannot be reached, the cover is drawn in this process as before.
 */
#ifndef OV_BUILD_COVER_PROC_H
#define OV_BUILD_COVER_PROC_H

#include "octavo/image.h"

typedef struct ov__cover_proc ov__cover_proc;

/* Fork the cover child. NULL when it is not made (see above): then
 * ov__cover_proc_render draws in this process. */
ov__cover_proc *ov__cover_proc_start(void);

/* ov_cover_render(spec, out, err), in the child when `p` is running, else
 * (p NULL, or the child gone) in this process. One call at a time per `p`. */
int ov__cover_proc_render(ov__cover_proc *p, const ov_cover_spec *spec, ov_resource **out,
                          ov_error *err);

/* Tell the child to exit, reap it and free `p` (NULL is fine). */
void ov__cover_proc_free(ov__cover_proc *p);

#endif
