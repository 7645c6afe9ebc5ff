/*
 * ov__strset: "does any of these words occur in this text?" in one pass
 * over the text, for the fixed word lists of the transform (boilerplate
 * lines, byline and source markers). Same answer as a strstr per word, which
 * costs a pass per word. The index is built on first use, once, whichever
 * thread gets there first.
 *
 * When every word is at least OV__STRSET_WM_MIN bytes long the text is
 * searched the Wu-Manber way: a window as long as the shortest word moves
 * along the text by as much as its last two bytes allow (up to that length
 * less one), and only a window whose last two bytes end some word's start
 * is compared with those words. Otherwise each byte is tested against a
 * table of the words' first two bytes.
 */
#ifndef OV_UTIL_STRSET_H
#define OV_UTIL_STRSET_H

#include <stdatomic.h>
#include <stdint.h>

/* Most words one set holds; a longer list is searched word by word. */
#define OV__STRSET_MAX_WORDS 255
/* Hash buckets over a word's first two bytes (a power of two). */
#define OV__STRSET_BUCKETS 1024
/* Shortest word that lets the window search run, and its table of byte
   pairs (a power of two; pairs that share a slot share the smaller shift). */
#define OV__STRSET_WM_MIN 3
#define OV__STRSET_WM_TABLE 4096

typedef struct ov__strset {
    const char *const *words; /* NULL-terminated, static: not owned */
    atomic_int ready;
    int any_empty;                        /* an empty word occurs everywhere */
    uint8_t single[256];                  /* one-byte words, by byte */
    uint8_t head[OV__STRSET_BUCKETS];     /* 1 + first word of the bucket, 0 = none */
    uint8_t next[OV__STRSET_MAX_WORDS + 1]; /* 1 + next word in the same bucket */
    uint8_t len[OV__STRSET_MAX_WORDS];    /* word lengths, capped at 255 */
    int fallback;                         /* too many words: strstr each */
    uint64_t pair[65536 / 64];            /* bit b0 | b1 << 8: a word starts with b0 b1 (or is b0) */
    int wm;                               /* the window search runs (see above) */
    unsigned wm_len;                      /* its window: the shortest word's length (at most 255) */
    uint8_t shift[OV__STRSET_WM_TABLE];   /* by pair: how far the window may move past it */
    uint8_t wm_head[OV__STRSET_WM_TABLE]; /* 1 + first word whose window ends in the pair, 0 = none */
    uint8_t wm_next[OV__STRSET_MAX_WORDS]; /* 1 + next word in the same slot */
} ov__strset;

/* A static set: `static ov__strset s = OV__STRSET(words);` */
#define OV__STRSET(list) {.words = (list)}

/* 1 when some word of the set is a substring of text (NULL text: 0). */
int ov__strset_any(ov__strset *s, const char *text);

#endif
