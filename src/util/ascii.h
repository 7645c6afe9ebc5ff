/*
 * ASCII case-insensitive comparison and search, inline. The C locale's
 * strcasecmp/strcasestr (octavo never calls setlocale) and libxml2's
 * xmlStrcasecmp fold only A-Z; these give the same answers without a call
 * and, for strcasestr, without the two-way search's set-up, which costs
 * more than the search itself in the short class names and text lines the
 * transform looks words up in.
 */
#ifndef OV_UTIL_ASCII_H
#define OV_UTIL_ASCII_H

#include <stddef.h>

static inline unsigned ov__ascii_lower(unsigned char c) { return (unsigned)c - 'A' < 26u ? c + 32u : c; }

/* !strcasecmp(a, b) */
static inline int ov__ascii_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned x = ov__ascii_lower((unsigned char)*a), y = ov__ascii_lower((unsigned char)*b);
        if (x != y) return 0;
        if (!x) return 1;
    }
}

/* strcasestr(hay, needle): the first occurrence, or NULL. */
static inline const char *ov__ascii_casestr(const char *hay, const char *needle)
{
    unsigned first = ov__ascii_lower((unsigned char)*needle);
    if (!first) return hay;
    for (; *hay; hay++) {
        if (ov__ascii_lower((unsigned char)*hay) != first) continue;
        size_t j = 1;
        while (needle[j] && ov__ascii_lower((unsigned char)hay[j]) == ov__ascii_lower((unsigned char)needle[j])) j++;
        if (!needle[j]) return hay;
    }
    return NULL;
}

#endif
