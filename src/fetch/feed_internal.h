/* Internal pieces of the feed parser: charset and entity preparation, HTML
 * to plain text, base64, link resolution in content (feedtext.c), and the
 * named HTML entity table (entities.c). */
#ifndef OV_FETCH_FEED_INTERNAL_H
#define OV_FETCH_FEED_INTERNAL_H

#include <stddef.h>

#include "octavo/error.h"

/* Longest entity name in the table. */
#define OV__ENTITY_NAME_MAX 32

/* Code point of the HTML entity `name` (len bytes, no '&' or ';'), or 0. */
unsigned ov__html_entity(const char *name, size_t len);

/* Append the UTF-8 encoding of `cp` to out (at least 4 bytes); its length. */
size_t ov__utf8_put(unsigned cp, char *out);

/* Decode a feed document to UTF-8 (evidence: BOM or UTF-16/32 pattern, the
 * HTTP Content-Type charset, the XML declaration, then detection; NUL bytes
 * are dropped) and rewrite named HTML entities, which XML does not declare,
 * as numeric references (outside CDATA and comments); a bare '&' becomes
 * "&amp;". *out malloc'd, NUL-terminated (caller frees). *nuls counts the
 * NUL bytes dropped. */
int ov__feed_prepare(const unsigned char *data, size_t len, const char *content_type,
                     char **out, size_t *out_len, size_t *nuls, ov_error *err);

/* Plain text of an HTML fragment: tags removed (script/style with their
 * content), entities decoded, white space collapsed and trimmed. Malloc'd;
 * NULL when empty or out of memory. */
char *ov__html_to_text(const char *html);

/* `s` with white space collapsed and trimmed, malloc'd; NULL when empty. */
char *ov__text_collapse(const char *s);

/* `s` escaped as HTML text, malloc'd (NULL when out of memory). */
char *ov__text_to_html(const char *s);

/* Decode base64 (white space ignored) into a malloc'd NUL-terminated
 * buffer; NULL on bad input or out of memory. */
char *ov__base64_decode(const char *s, size_t *len);

/* `html` with relative href/src/cite/poster/longdesc/background attribute
 * values resolved against `base` (http(s) results only), malloc'd. Returns
 * NULL when out of memory. */
char *ov__html_resolve(const char *html, const char *base);

#endif
