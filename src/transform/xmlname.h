/* Element and attribute name comparison for the transform's tree walks. */
#ifndef OV_TRANSFORM_XMLNAME_H
#define OV_TRANSFORM_XMLNAME_H

#include <libxml/xmlstring.h>

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
        unsigned x = *a, y = *b;
        /* libxml2's case map folds A-Z and also '[' (to '{') */
        if (x - 'A' <= 26u) x += 32;
        if (y - 'A' <= 26u) y += 32;
        if (x != y) return 0;
        if (!x) return 1;
    }
}

#endif
