/* The whitespace-collapsing text copies of the transform (meta.c's
 * node_text, siteboiler.c's collect_text): how their bytes are classed and
 * how far one copy step goes. */
#ifndef OV_TRANSFORM_WORDRUN_H
#define OV_TRANSFORM_WORDRUN_H

#include <stddef.h>

/* 1: whitespace (a run of it becomes one space), 2: the end, 0: text. */
static const unsigned char ov__text_cls[256] = {[0] = 2, [' '] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1};

/*
 * Bytes of p to copy in one step, at most `room`: a word, and the words
 * after it that a single space joins, while the room is not near its end.
 * The callers once copied a word per step and put the space between two
 * words themselves; that copy lets the byte after a space that reaches the
 * limit through, so near the limit the run stops at the space and the
 * caller's word-by-word path decides, which keeps every text the same.
 */
static inline size_t ov__word_run(const unsigned char *p, size_t room)
{
    size_t take = 0;
    for (;;) {
        while (take < room && !ov__text_cls[p[take]]) take++;
        if (take + 2 < room && p[take] == ' ' && !ov__text_cls[p[take + 1]]) {
            take++;
            continue;
        }
        return take;
    }
}

#endif
