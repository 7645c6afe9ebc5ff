/*
 * An article body parsed once for the pipeline. The build worker used to
 * parse each extracted body three times: for its text sample (text.c), for
 * the check that the packager can read it (build/guard.c) and for its
 * site-boilerplate keys (siteboiler.c). The body is now parsed once, as the
 * packager's check does, and that tree serves all three wherever it gives
 * the same answers; elsewhere the old parses run, so every result and every
 * message stays what it was.
 */
#ifndef OV_TRANSFORM_BODYDOC_H
#define OV_TRANSFORM_BODYDOC_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"
#include "octavo/transform.h"

/*
 * Largest wrapped body parsed for sharing (bytes). Well under the
 * 10,000,000-byte limits that XML_PARSE_HUGE lifts in libxml2 (a text node,
 * an attribute value, the input looked ahead, the dictionary): below it a
 * parse without the flag that succeeds gives the tree a parse with it
 * gives, and the remaining limit (depth) fails the parse, never shortens it.
 */
#define OV__BODY_DOC_MAX (4u << 20)

/*
 * `body` inside the packager's wrapper (<div> in the XHTML namespace,
 * declaring epub:), read exactly as ov__build_check_body reads it (same
 * bytes, URL and flags). NULL when it does not parse, when the wrapped body
 * is OV__BODY_DOC_MAX bytes or more, or on no memory: the caller then takes
 * the old paths.
 */
xmlDocPtr ov__body_doc_parse(const char *body);

/*
 * ov_transform_extract; with `body_doc` non-NULL, *body_doc receives on
 * success ov__body_doc_parse of the returned article's body, or NULL. The
 * caller frees it (xmlFreeDoc).
 */
int ov__transform_extract_doc(const unsigned char *page, size_t len, const char *url,
                              const ov_transform_options *opts, ov_article **out, xmlDocPtr *body_doc,
                              ov_error *err);

/* ov_article_text of `a` from its body's tree `d` (ov__body_doc_parse of
 * a->body_xhtml, which must hold no "epub:"): the same text. */
int ov__article_text_doc(const ov_article *a, xmlDocPtr d, char **out, ov_error *err);

/* ov_transform_block_keys of a body from its tree `d` (ov__body_doc_parse
 * of it): the same keys. */
int ov__block_keys_doc(xmlDocPtr d, uint64_t **out, size_t *n_out, ov_error *err);

#endif
