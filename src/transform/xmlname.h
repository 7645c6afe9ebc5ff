/* Element and attribute name comparison for the transform's tree walks. */
#ifndef OV_TRANSFORM_XMLNAME_H
#define OV_TRANSFORM_XMLNAME_H

#include <libxml/xmlstring.h>

/* One byte as libxml2's case map folds it: A-Z, and also '[' (to '{'). */
static inline unsigned ov__name_fold(unsigned c) { return c - 'A' <= 26u ? c + 32u : c; }

/*
 * !xmlStrcasecmp(a, b): equal up to ASCII case as libxml2 folds it (A-Z,
 * and '[' as '{': its case map's quirk, kept so that every answer is the
 * same), both NULL counting as equal. Inline: the walks compare every element's
 * name with word lists, and most names differ at the first byte, where a
 * call into libxml2 costs more than the comparison.
 */
static inline int ov__name_eq(const xmlChar *a, const xmlChar *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    for (;; a++, b++) {
        unsigned x = ov__name_fold(*a), y = ov__name_fold(*b);
        if (x != y) return 0;
        if (!x) return 1;
    }
}

/*
 * 1 when `name` is ov__name_eq to a word of `names` (NULL-terminated). The
 * first bytes are compared before a word is: the lists are long (up to 19
 * block tags) and most of their words start with another letter.
 */
static inline int ov__name_in(const xmlChar *name, const char *const *names)
{
    if (!name) return 0;
    unsigned c0 = ov__name_fold(name[0]);
    for (; *names; names++)
        if (ov__name_fold((unsigned char)(*names)[0]) == c0 && ov__name_eq(name, BAD_CAST * names)) return 1;
    return 0;
}

#endif
