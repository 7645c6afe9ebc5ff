/* Private state shared by the transform module's files. */
#ifndef OV_TRANSFORM_PRIV_H
#define OV_TRANSFORM_PRIV_H

#include <libxml/tree.h>

#include "octavo/transform.h"
#include "transform/transform_internal.h"
#include "transform/xmlname.h"
#include "util/ascii.h"
#include "util/charset.h"

/* Longest text node kept (bytes); longer text is cut at a UTF-8 boundary. */
#define OV__TEXT_NODE_MAX (1024u * 1024u)
/* Largest body fragment written. */
#define OV__BODY_MAX (32u * 1024u * 1024u)

typedef struct ov__meta {
    char *og_title, *ld_headline, *title, *h1, *site_guess;
    char *author, *ld_author, *rel_author, *inline_byline;
    char *ld_date, *pub_time, *time_dt, *inline_date;
    char *og_site, *ld_publisher, *inline_source, *canonical;
    char *og_image, *ld_image, *description;
    char *html_lang, *meta_lang, *og_locale, *ld_lang;
    char *base;
    char *app_name, *dom_byline;
    /* the longest heading (h1-h3, or a class/id naming a title or headline)
     * that <title> begins with; heading_h1 when it is an h1 */
    char *heading;
    int heading_h1;
    /* heading_strong: an element with that text has a class/id/itemprop
     * naming an entry headline (entry-title, post-title, headline).
     * heading_end: the longest heading <title> ends with after a first
     * part and a separator ("Blog Name: Headline", "Site | Headline"),
     * heading_end_pre that part's length in bytes. */
    int heading_strong, heading_end_strong;
    char *heading_end;
    size_t heading_end_pre;
    long heading_pos[2]; /* element order of heading and heading_end */
    int heading_home[2]; /* heading, heading_end link to the front page */
    /* short h1 texts, one a line (bounded): a banner h1 names the site */
    char *h1_names;
    /* JSON-LD "name" of the object whose "headline" ld_headline is */
    char *ld_name;
    /* short text blocks with a copyright mark, one a line (bounded) */
    char *copyright;
    /* rank of the <meta> that gave og_title, author, description, pub_time
     * (lower wins; 0 = none yet), see meta.c */
    int title_rank, author_rank, desc_rank, date_rank;
    /* og:url or the canonical link names the site's front page while the
     * page has a path of its own: the social tags describe the site */
    int og_front;
} ov__meta;

typedef struct ov__ctx {
    xmlDocPtr doc;
    ov_article *art;
    const ov_rules *rules;
    char charset[OV__CHARSET_NAME_MAX];
    ov__meta m;
    char *first_para;  /* first paragraph of the body, truncated */
    char *body_text;   /* sample of the body text for language detection */
    struct ov__tree *tree; /* while emitting: element statistics and drop marks */
} ov__ctx;

void ov__ctx_free(ov__ctx *c);
void ov__meta_collect(ov__ctx *c);
/* `title` without its site suffix. `sites` (NULL-terminated, may be NULL)
 * are names the page gives itself: a suffix starting with one is cut at the
 * separator before it; without them only a last part after a separator
 * (and short parts before it, after the same separator) are cut, and only
 * when `generic` is set. *site receives the suffix's site (malloc'd) when
 * asked and found. malloc'd. */
char *ov__strip_site_suffix(const char *title, const char *const *sites, int generic, char **site);
/* The article title from what ov__meta_collect found; malloc'd or NULL. */
char *ov__title_decide(ov__ctx *c);
char *ov__language_decide(const ov__ctx *c);
/* Text of a node with whitespace collapsed, rt/rp skipped, at most `max` bytes. malloc'd. */
char *ov__node_text(xmlNodePtr n, size_t max);
/* ov__node_text; *cut set when the text reached `max` bytes (it may go on). */
char *ov__node_text_cut(xmlNodePtr n, size_t max, int *cut);
/* Absolute URL of `ref` against the page; NULL for unsupported schemes. malloc'd. */
char *ov__abs_url(const ov__ctx *c, const char *ref, int links);
int ov__extract_body(ov__ctx *c, ov_error *err);
int ov__emit(ov__ctx *c, xmlNodePtr *roots, size_t n, ov_error *err);
/* Move children of HTML5 void elements (embed, source, ...) after them (voids.c). */
void ov__fix_void_nesting(xmlDoc *doc);
/* Elements nested deeper than this in a parsed page are rewritten as plain
 * paragraphs (deep.c); it leaves room under libxml2's 256-level limit for the
 * chapter's own wrapper when the written XHTML is read back. */
#define OV__DOM_DEPTH_MAX 192
/* Rewrite every element at depth `max` (the root is 1) as a <div> of
 * paragraphs holding its subtree's text and images (deep.c). */
void ov__flatten_deep(xmlDoc *doc, int max);

#endif
