/* Internal helpers of the transform module, exposed for unit tests. */
#ifndef OV_TRANSFORM_INTERNAL_H
#define OV_TRANSFORM_INTERNAL_H

#include <stddef.h>

/** Size of a normalised date buffer. */
#define OV__DATE_MAX 40

/* Parse a date ("2022-07-28T10:30:00+08:00", "2022-07-28 10:30",
 * "2022年7月28日 10:30", "2022/07/28") found anywhere in `s` into ISO 8601
 * ("2022-07-28T10:30:00+08:00", "2022-07-28T10:30:00", "2022-07-28").
 * Returns 1 when found, 0 otherwise. */
int ov__date_parse(const char *s, char out[OV__DATE_MAX]);

/* Date in a URL path (/2022/07/28/, /20220728/, 2022-07-28), ISO date. */
int ov__date_from_url(const char *url, char out[OV__DATE_MAX]);

/* The same title up to punctuation, quotes, blanks and ASCII case. */
int ov__same_title(const char *a, const char *b);

/* Byline after an inline marker (作者：, 记者, By ...) in `s`; malloc'd or NULL. */
char *ov__byline_inline(const char *s);

/* When `s` starts with `prefix` (compared as ov__same_title does, and not
 * inside a Latin word): the rest of `s` after it; else NULL. */
const char *ov__letters_prefix(const char *s, const char *prefix);

/* 1 when `s` begins with a letter or digit (not punctuation, a quote or
 * a blank, as ov__same_title skips them); 0 otherwise or at the end. */
int ov__letter_at(const char *s);

/* 1 when `s` can be a byline: 2..100 bytes, not a URL, handle, id, nav word
 * ("Home", "首页", "admin") or the site's own name `site` (may be NULL). */
int ov__byline_plausible(const char *s, const char *site);

/* Source after 来源： / Source: in `s`; malloc'd or NULL. */
char *ov__source_inline(const char *s);

/* Best candidate of a srcset: closest to 1000w (<= 1600w), or 2x; malloc'd or NULL. */
char *ov__srcset_pick(const char *srcset);

/* Translate a CSS selector (tag, .class, #id, [attr], [attr=value],
 * descendant and child combinators, comma lists) to XPath; an XPath
 * (starting with '/' or '(') is copied. malloc'd, or NULL when invalid. */
char *ov__css_to_xpath(const char *css);

#endif
