/*
 * progress - the one-line progress bar on a terminal.
 *
 * ov__progress_format() is pure (counts and times in, one line out, cut to
 * the terminal width); ov__progress_draw() writes it over the previous one
 * with "\r" and clear-to-end-of-line, and ov__progress_clear() takes it away
 * so a message (a skipped article) prints on its own line above the bar,
 * which the next draw puts back.
 */
#ifndef OV_UTIL_PROGRESS_H
#define OV_UTIL_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

/* Longest line drawn, in bytes (ASCII only, so also in columns). */
#define OV__PROGRESS_MAX 256

typedef struct ov__progress_state {
    size_t pages_done, pages_total;
    size_t images_done, images_total;
    size_t bytes;
    size_t failed;
    double elapsed; /* seconds since the run started */
} ov__progress_state;

/* The line for `s`, at most `width` columns (and size - 1 bytes), into out. */
void ov__progress_format(const ov__progress_state *s, int width, char *out, size_t size);

/* Draw the line for `s` on `f` (the terminal), replacing the last one.
   The elapsed time is taken from a monotonic clock started at the first draw
   when s->elapsed is negative. */
void ov__progress_draw(FILE *f, ov__progress_state s);

/* Remove a drawn line (before printing a message); no-op when none is drawn. */
void ov__progress_clear(FILE *f);

/* End the bar: the last line stays, followed by a newline. */
void ov__progress_end(FILE *f);

/* Seconds since the first ov__progress_draw() or ov__progress_elapsed() call. */
double ov__progress_elapsed(void);

#endif
