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
#include <stdint.h>

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

/*
 * 1 when some word of `needles` (NULL-terminated) occurs in `hay`: the
 * answer of a strcasestr per word, in one pass over hay. A set of the
 * words' first bytes (case folded) lets most bytes go at one test.
 */
static inline int ov__ascii_casestr_any(const char *hay, const char *const *needles)
{
    uint32_t first[8] = {0};
    for (const char *const *n = needles; *n; n++) {
        unsigned c = ov__ascii_lower((unsigned char)**n);
        if (!c) return 1; /* an empty word occurs everywhere */
        first[c >> 5] |= 1u << (c & 31);
    }
    for (const unsigned char *p = (const unsigned char *)hay; *p; p++) {
        unsigned c = ov__ascii_lower(*p);
        if (!(first[c >> 5] & (1u << (c & 31)))) continue;
        for (const char *const *n = needles; *n; n++) {
            size_t j = 0;
            while ((*n)[j] && ov__ascii_lower(p[j]) == ov__ascii_lower((unsigned char)(*n)[j])) j++;
            if (!(*n)[j]) return 1;
        }
    }
    return 0;
}

/*
 * An element or attribute name as one number: its bytes with A-Z folded,
 * byte i in bits 8i..8i+7, for names of at most 8 bytes; UINT64_MAX for a
 * longer name. For a name `s` and a literal `lit` of 1 to 8 bytes,
 * ov__ascii_key(s) == OV__ASCII_KEY(lit) exactly when ov__ascii_ieq(s, lit)
 * (a literal's key is never UINT64_MAX: its bytes are not all 0xFF). It
 * lets a chain of name tests compare one number with constants.
 */
static inline uint64_t ov__ascii_key(const char *s)
{
    uint64_t k = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!c) return k;
        k |= (uint64_t)ov__ascii_lower(c) << (8 * i);
    }
    return s[8] ? UINT64_MAX : k;
}

/* The key of a lower-case string literal of 1 to 8 bytes (folded by the
 * compiler to a constant). */
#define OV__AK_(lit, i) ((i) + 1 < sizeof(lit) ? (uint64_t)(unsigned char)(lit)[(i) + 1 < sizeof(lit) ? (i) : 0] << (8 * (i)) : 0)
#define OV__ASCII_KEY(lit)                                                                          \
    (OV__AK_(lit, 0) | OV__AK_(lit, 1) | OV__AK_(lit, 2) | OV__AK_(lit, 3) | OV__AK_(lit, 4) |    \
     OV__AK_(lit, 5) | OV__AK_(lit, 6) | OV__AK_(lit, 7))

#endif
