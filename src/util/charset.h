/* ov__charset: decide a page's character encoding and decode it to UTF-8.
 * Internal API (util). Order of evidence: BOM, HTTP Content-Type, <meta>
 * anywhere in the head, statistical detection (uchardet). A declaration the
 * bytes contradict (declared legacy but valid non-ASCII UTF-8; declared UTF-8
 * but invalid) falls back to detection. GB2312/GBK decode as GB18030. */
#ifndef OV_UTIL_CHARSET_H
#define OV_UTIL_CHARSET_H

#include <stddef.h>

#include "octavo/error.h"

/** Size of a charset name buffer. */
#define OV__CHARSET_NAME_MAX 64

/* Normalise a label ("gb2312", "x-gbk", "utf8", "big5-hkscs") to an iconv
 * name ("GB18030", "UTF-8", "BIG5-HKSCS") into out (size sz). Empty when
 * the label is unknown or empty. */
void ov__charset_normalize(const char *label, char *out, size_t sz);

/* Charset declared in a Content-Type value ("text/html; charset=gbk"),
 * normalised, or empty. */
void ov__charset_from_content_type(const char *ct, char *out, size_t sz);

/* Charset declared by <meta charset> or http-equiv Content-Type in the first
 * `limit` bytes of an ASCII-compatible page, normalised, or empty. */
void ov__charset_from_meta(const unsigned char *p, size_t len, size_t limit, char *out, size_t sz);

/* Non-zero when [p, p+len) is valid UTF-8. */
int ov__utf8_valid(const unsigned char *p, size_t len);

/* Make *s (malloc'd, NUL-terminated, may be NULL) valid UTF-8 in place of
 * the old string: invalid bytes become U+FFFD, C0/C1 controls other than
 * tab/newline/CR are dropped. 0, or OV_ENOMEM (then *s is unchanged). */
int ov__utf8_repair(char **s);
/* 1 when ov__utf8_repair would leave `s` as it is (valid UTF-8 without
 * control characters), else 0. */
int ov__utf8_clean(const char *s);

/* Decide the encoding (name written to chosen, size chosen_sz, may be NULL)
 * and decode to UTF-8: invalid sequences become U+FFFD, NULs and C0/C1
 * controls other than tab/newline/CR are dropped. *out is malloc'd (caller
 * frees), NUL-terminated; *out_len excludes the NUL. */
int ov__charset_decode(const unsigned char *in, size_t len, const char *content_type,
                       char **out, size_t *out_len, char *chosen, size_t chosen_sz,
                       ov_error *err);

#endif
