/* blocks.h - per-element text statistics, the paragraph classifier and the
 * block scorer of the extractor (see blocks.c). Internal to transform. */
#ifndef OV_TRANSFORM_BLOCKS_H
#define OV_TRANSFORM_BLOCKS_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

/* Text counts of a node: characters (blanks excluded), CJK characters,
 * characters inside links, sentence punctuation, commas, Latin words and
 * English function words among them. */
typedef struct ov__acc {
    uint32_t chars, cjk, links, punct, commas, words, stops;
} ov__acc;

/* Paragraph classes, in the spirit of jusText. */
enum { OV__CLS_NONE, OV__CLS_BAD, OV__CLS_SHORT, OV__CLS_NEARGOOD, OV__CLS_GOOD };

/* Why a node is left out of the article, weakest first: a hint (a tag, a
 * role, link density, a boilerplate or byline line), a class word inside a
 * longer name, a whole class word, the classifier's verdict. */
enum { OV__KEEP, OV__DROP_HINT, OV__DROP_CLASS, OV__DROP_STRONG, OV__DROP_BAD };

typedef struct ov__nstat {
    ov__acc base;   /* text directly in this element */
    ov__acc total;  /* all text below (dropped subtrees excluded when asked) */
    ov__acc own;    /* text below that is not inside a nested block */
    uint32_t good;  /* characters of good paragraphs below (as summed by ov__tree_sum) */
    uint32_t parent; /* index + 1 of the parent element, 0 for the root */
    double score;   /* block score (candidate A) */
    int8_t weight;  /* class/id hint: +1 positive, -1 negative (set by extract.c) */
    uint8_t block, drop, gone, cls, scored, boiler;
} ov__nstat;

/* Elements below (and including) root in document order; each element's
 * _private holds its index + 1 while the tree lives. */
typedef struct ov__tree {
    xmlNodePtr root;
    xmlNodePtr *node;
    ov__nstat *st;
    size_t n;
    ov__acc page; /* totals of the root, nothing dropped */
} ov__tree;

/* Index the elements below root and count their text. 0 or OV_ENOMEM. */
int ov__tree_build(ov__tree *t, xmlNodePtr root);
/* Clear the _private fields and free the arrays. */
void ov__tree_free(ov__tree *t);
/* Index of an element of the tree, or (size_t)-1. */
size_t ov__tree_index(const ov__tree *t, xmlNodePtr n);
/* Recompute total, own and good, leaving out the subtrees whose drop mark
 * is level or more (level 0: nothing left out). */
void ov__tree_sum(ov__tree *t, int level);
/* Is node i dropped, or inside a dropped element? (as of the last ov__tree_sum) */
int ov__tree_dropped(const ov__tree *t, size_t i);
/* One character of s, as ov__acc_text reads it: a lead byte takes as many
 * bytes after it as it announces when none is NUL, whatever they are. */
static inline unsigned ov__acc_decode(const unsigned char **sp)
{
    const unsigned char *s = *sp;
    unsigned c = *s;
    size_t len = 1;
    if (c >= 0xF0 && s[1] && s[2] && s[3]) { c = ((c & 7u) << 18) | ((s[1] & 63u) << 12) | ((s[2] & 63u) << 6) | (s[3] & 63u); len = 4; }
    else if (c >= 0xE0 && s[1] && s[2]) { c = ((c & 15u) << 12) | ((s[1] & 63u) << 6) | (s[2] & 63u); len = 3; }
    else if (c >= 0xC0 && s[1]) { c = ((c & 31u) << 6) | (s[1] & 63u); len = 2; }
    *sp = s + len;
    return c;
}

/* The code points ov__acc_text counts as CJK. */
static inline int ov__acc_cjk(unsigned c)
{
    return (c >= 0x2E80 && c <= 0x2FFF) || (c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || c >= 0x20000;
}

/* Count the text of s into a. */
void ov__acc_text(ov__acc *a, const char *s);

/* Classify every block's own text (jusText-like, with context), then sum
 * the good characters per element. */
void ov__classify(ov__tree *t);
/* Readability-like scores of every element from its paragraphs, the
 * subtrees left out by the last ov__tree_sum left out; returns the index of the best, or (size_t)-1. */
size_t ov__score(ov__tree *t);

/* Does the text read as prose (function words, or CJK sentence punctuation)? */
int ov__prose_like(const ov__acc *a);

/* Characters of text in an acc, weighted so that a CJK character counts
 * as three Latin ones (about one word). */
double ov__acc_len(const ov__acc *a);

#endif
