/* listing - tell a page of links (a section front, an index) from an article. */
#ifndef OV_BUILD_LISTING_H
#define OV_BUILD_LISTING_H

#include <stddef.h>

#include "octavo/model.h"

/* A page is a listing when the extracted body has under OV__LISTING_MAX_PROSE
   characters (code points) of text, the page has at least
   OV__LISTING_MIN_LINKS headline-like links (link text of at least
   OV__LISTING_HEADLINE characters: nav links are shorter), and their text
   outweighs the body's: a short article with a "related news" box is not. */
#define OV__LISTING_MAX_PROSE 600
#define OV__LISTING_MIN_LINKS 5
#define OV__LISTING_HEADLINE 8

/* Non-zero when `page` (the HTML `a` was extracted from) is a page of links
   rather than an article; *n_links (may be NULL) receives the headline-like
   links. Parses the page only when the body is short. */
int ov__listing_like(const ov_article *a, const unsigned char *page, size_t len,
                     size_t *n_links);

/* The feed `page` announces (<link rel="alternate" type="application/rss+xml"
   or atom+xml href>), resolved against `base`: malloc'd (caller frees) or
   NULL. Only the first 256 KB are looked at. */
char *ov__listing_feed(const unsigned char *page, size_t len, const char *base);

/* The skip reason for a listing page into out: suggests --pattern and the
   announced feed when there is one. */
void ov__listing_reason(size_t n_links, const char *feed, char *out, size_t size);

#endif
