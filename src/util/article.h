/*
 * util/article.h - the model's internal helpers for ov_article.
 */
#ifndef OV_UTIL_ARTICLE_H
#define OV_UTIL_ARTICLE_H

#include "octavo/model.h"

/*
 * Append a copy of `url` to a->images without looking for it first: the
 * caller knows it is new (ov_article_add_image is this after a scan of
 * a->images, which is quadratic over a page's images). Returns 0 or
 * OV_ENOMEM (then a->images is unchanged).
 */
int ov__article_push_image(ov_article *a, const char *url);

#endif
