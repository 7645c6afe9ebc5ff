/* Internal to the package module: the plan of a book before it is zipped. */
#ifndef OV_PACKAGE_INTERNAL_H
#define OV_PACKAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/package.h"
#include "util/buf.h"
#include "util/hmap.h"

/* Distinct languages listed in dc:language (the rest are left out). */
#define OV__PK_MAX_LANGS 16

/* One XHTML document of the spine (cover, masthead, chapter part). */
typedef struct ov__pk_doc {
    char id[32];       /* manifest id */
    char href[48];     /* path relative to EPUB/ ("text/a001-2.xhtml") */
    char *data;        /* malloc'd bytes, owned; NULL once spooled */
    size_t len;
    uint64_t off;      /* where the bytes are in the chapter spool, when spooled */
    int spooled;       /* the bytes are [off, off + len) of p->spool_path */
    int has_svg;       /* inline svg inside: manifest property "svg" */
    size_t ahead_id;   /* its job in p->ahead (ov__zd_ahead_put), or 0 */
} ov__pk_doc;

/* One image file of the book. */
typedef struct ov__pk_img {
    char id[32];
    char href[48];               /* relative to EPUB/ ("img/a001-01.jpg") */
    const char *media_type;      /* static string */
    const ov_resource *res;      /* borrowed from the book, or NULL */
    char *data;                  /* owned bytes when generated (SVG cover) */
    size_t len;
    const char *url;             /* source URL (borrowed), NULL for the cover */
} ov__pk_img;

/* A chapter: one article, its section and the docs it became. */
typedef struct ov__pk_chap {
    const ov_article *a;
    size_t section;
    size_t first_doc; /* index into docs */
    size_t n_docs;
} ov__pk_chap;

typedef struct ov__pk {
    const ov_book *b;
    ov_package_options opts;
    char *identifier;      /* owned */
    const char *lang;      /* borrowed */
    char modified[32];     /* CCYY-MM-DDThh:mm:ssZ */
    ov__pk_doc *docs;      /* spine order */
    size_t n_docs, cap_docs;
    ov__pk_img *imgs;      /* cover image first */
    size_t n_imgs, cap_imgs;
    ov__hmap img_index;    /* source URL -> index into imgs */
    ov__hmap img_counts;   /* chapter ordinal -> images numbered in it */
    ov__pk_chap *chaps;
    size_t n_chaps;
    size_t n_sections_used; /* sections with at least one article */
    int has_masthead;
    int release_bodies;    /* free each body once its chapter is written */
    char *opf, *nav, *ncx; /* owned; NULL once spooled */
    size_t opf_len, nav_len, ncx_len;
    uint64_t opf_off, nav_off, ncx_off; /* in the spool, when the pointer is NULL */
    /* The chapter spool: every document is appended to this temporary file
       as soon as it is serialized and its buffer freed, and the zip reads it
       back by range, so memory does not grow with the book. spool_fd < 0:
       documents stay in memory (opts.in_memory). */
    int spool_fd;
    char *spool_path;      /* owned: the file, or /proc/self/fd/N once unlinked */
    int spool_unlinked;    /* the name is gone already (pk_spool_open) */
    uint64_t spool_off;    /* end of what was written */
    int spool_full;        /* a write failed (a full $TMPDIR): later documents stay in memory */
    /* Spooled documents deflated ahead on other cores while the plan is
       built (zipdeflate.h), or NULL; spool_off is shared with it meanwhile. */
    struct ov__zd_ahead *ahead;
} ov__pk;

/* xhtml.c (used by chapter.c and front.c) */
/* Add a spine document; takes `data` on success (spooled and freed at once
   when the plan has a spool), the caller keeps it on failure. */
int ov__pk_add_doc(ov__pk *p, const char *id, const char *href, char *data, size_t len,
                   ov_error *err);
/* Append `len` bytes to the plan's spool and free `data`: 0 (their offset in
   *off), or 1 when there is no spool, it cannot be written (a full $TMPDIR)
   or there is nothing to write (`data` is kept, in memory). */
int ov__pk_spool(ov__pk *p, char *data, size_t len, uint64_t *off, ov_error *err);
int ov__pk_put_plain(ov__buf *b, const char *s);
/* ` lang="L" xml:lang="L"` */
int ov__pk_put_lang(ov__buf *b, const char *lang);
/* chapter.c (uses front.c and xhtml.c) */
int ov__pk_chapters(ov__pk *p, ov_error *err);
/* front.c (uses xhtml.c) */
int ov__pk_cover(ov__pk *p, ov_error *err);
int ov__pk_masthead(ov__pk *p, ov_error *err);
int ov__pk_xhtml_head(ov__buf *b, const char *lang, const char *title, const char *css_href);
/* opf.c */
int ov__pk_opf(ov__pk *p, ov_error *err);
int ov__pk_nav(ov__pk *p, ov_error *err);
int ov__pk_ncx(ov__pk *p, ov_error *err);

#endif
