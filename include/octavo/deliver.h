/*
 * octavo/deliver.h - getting finished books to readers: an OPDS catalog of a
 * folder of EPUBs, and e-mail delivery over SMTP.
 */
#ifndef OCTAVO_DELIVER_H
#define OCTAVO_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- OPDS ------------------------------------------------------------ */

/** File name of the catalog written into the folder. */
#define OV_OPDS_CATALOG_NAME "catalog.xml"
/** Largest EPUB metadata file (container.xml, OPF) read; larger is OV_ELIMIT. */
#define OV_OPDS_MAX_META_BYTES (4u * 1024u * 1024u)
/** Largest cover image extracted. */
#define OV_OPDS_MAX_COVER_BYTES (16u * 1024u * 1024u)
/** Most books listed in one catalog. */
#define OV_OPDS_MAX_BOOKS 10000u

#define OV_OPDS_OPTIONS_VERSION 1

/**
 * Make a thumbnail of a cover image (`data`, `len` bytes of `media_type`).
 * On success return 0 with *out a malloc'd image (the catalog writer frees
 * it), *out_len its size and *out_type a static media type ("image/jpeg",
 * "image/png" or "image/gif"); any negative code means "no thumbnail" and
 * the full cover is linked as the thumbnail too.
 */
typedef int (*ov_opds_thumb_fn)(void *ud, const unsigned char *data, size_t len,
                                const char *media_type, unsigned char **out, size_t *out_len,
                                const char **out_type);

/** Catalog options. Initialise with OV_OPDS_OPTIONS_INIT; strings borrowed. */
typedef struct ov_opds_options {
    unsigned version;      /**< OV_OPDS_OPTIONS_VERSION */
    const char *title;     /**< feed title; NULL = "octavo books" */
    const char *base_url;  /**< absolute URL the folder is served at, or NULL (relative links) */
    const char *author;    /**< feed author; NULL = "octavo" */
    int64_t now;           /**< feed <updated> when no book has a date (Unix time) */
    ov_opds_thumb_fn thumbnail; /**< thumbnail maker, or NULL (cover used as thumbnail) */
    void *thumbnail_ud;
} ov_opds_options;

#define OV_OPDS_OPTIONS_INIT {OV_OPDS_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL}

/** Per-catalog summary, filled when not NULL. */
typedef struct ov_opds_stats {
    size_t books;   /**< entries written */
    size_t skipped; /**< *.epub files that could not be read (warned on stderr) */
} ov_opds_stats;

/**
 * Write DIR/catalog.xml: an OPDS 1.2 acquisition feed with one entry per
 * *.epub in `dir`, newest first (dcterms:modified, else dc:date, else file
 * mtime). Cover images are extracted to DIR/covers/<book>.<ext> and linked
 * as the image; the thumbnail is DIR/covers/<book>-thumb.<ext> when
 * opts->thumbnail makes one, else the cover itself. Unreadable books are skipped with a warning on
 * stderr and counted in `stats`. The catalog is replaced atomically.
 */
int ov_opds_write(const char *dir, const ov_opds_options *opts, ov_opds_stats *stats,
                  ov_error *err);

/* ---- Mail ------------------------------------------------------------ */

/** Largest attachment mailed by default (bytes); many mail hosts cap near 50 MB. */
#define OV_MAIL_MAX_ATTACHMENT (50u * 1024u * 1024u)

/** Transport security for smtp:// URLs (smtps:// is always TLS). */
typedef enum ov_mail_tls {
    OV_MAIL_TLS_REQUIRED = 0, /**< STARTTLS or fail (default) */
    OV_MAIL_TLS_TRY = 1,      /**< STARTTLS when offered */
    OV_MAIL_TLS_NONE = 2      /**< plain text: local relays only */
} ov_mail_tls;

#define OV_MAIL_OPTIONS_VERSION 1

/**
 * Mail options. Initialise with OV_MAIL_OPTIONS_INIT; strings borrowed.
 * Credentials never come from the command line: `user`/`password` are
 * filled by ov_mail_options_from_env() from OCTAVO_SMTP_USER and
 * OCTAVO_SMTP_PASSWORD, or looked up in `netrc_file`.
 */
typedef struct ov_mail_options {
    unsigned version;        /**< OV_MAIL_OPTIONS_VERSION */
    const char *url;         /**< smtp://host[:port] or smtps://host[:port] */
    const char *from;        /**< sender address (envelope and From:) */
    const char *to;          /**< recipient address (envelope and To:) */
    const char *subject;     /**< NULL = the file name */
    const char *text;        /**< body text; NULL = a one-line note */
    ov_mail_tls tls;         /**< smtp:// only */
    const char *user;        /**< or NULL */
    const char *password;    /**< or NULL */
    const char *netrc_file;  /**< or NULL; used when user is NULL */
    size_t max_attachment;   /**< 0 = OV_MAIL_MAX_ATTACHMENT */
    long timeout_ms;         /**< whole exchange; 0 = 120000 */
    const char *ca_file;     /**< extra CA bundle, or NULL */
    int64_t date;            /**< Date: header as Unix time (passed in); 0 = none */
} ov_mail_options;

#define OV_MAIL_OPTIONS_INIT                                                                       \
    {OV_MAIL_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, OV_MAIL_TLS_REQUIRED, NULL, NULL,     \
     NULL, 0, 0, NULL, 0}

/**
 * Fill unset fields of `o` from the environment: url (OCTAVO_SMTP_URL),
 * user (OCTAVO_SMTP_USER), password (OCTAVO_SMTP_PASSWORD), from
 * (OCTAVO_SMTP_FROM) and tls (OCTAVO_SMTP_TLS = required|try|none). The
 * strings point into the environment. OV_EINVAL for a bad OCTAVO_SMTP_TLS.
 */
int ov_mail_options_from_env(ov_mail_options *o, ov_error *err);

/**
 * Mail `epub_path` as an application/epub+zip attachment (base64) with a
 * short text part. Errors: OV_EINVAL (missing url/from/to, bad scheme),
 * OV_ELIMIT (file larger than max_attachment), OV_EIO (cannot read file),
 * OV_ENET (connection, TLS), OV_EPOLICY (server refused sender, recipient,
 * authentication or message) -- each with a message naming the cause.
 */
int ov_mail_send(const ov_mail_options *opts, const char *epub_path, ov_error *err);

#ifdef __cplusplus
}
#endif

#endif
