/*
 * package - write an ov_book as an EPUB 3 file.
 *
 * Design. Writing happens in two phases. First a plan (ov__pk) is built in
 * memory: the cover page, one XHTML document per article part (chapter.c),
 * the optional masthead, then the OPF, nav and NCX (opf.c) that describe
 * them. Images are not copied: the plan holds borrowed pointers to the
 * book's resources, and only images a chapter really uses get a file name
 * (EPUB/img/aNNN-MM.ext by article ordinal), so the manifest never lists
 * an unused resource.
 *
 * Then the zip is written with libzip in a fixed order (mimetype stored,
 * container.xml, OPF, nav, NCX, CSS, cover, masthead, chapters in spine
 * order, images). Every entry gets the DOS time of book->modified in UTC
 * and the same external attributes, so the bytes depend only on the book.
 * Spooled resources are streamed with zip_source_file; in-memory buffers
 * belong to the plan and live until zip_close.
 *
 * Memory. Each spine document is appended to one temporary file (the
 * chapter spool, in $TMPDIR) as soon as it is serialized, and its buffer is
 * freed; the zip entry is a zip_source_file over its byte range, so libzip
 * reads and deflates one chapter at a time during zip_close. What stays in
 * memory per article is the small record the OPF, nav and NCX are written
 * from (ov__pk_doc, ov__pk_chap), not its XHTML. The bytes handed to libzip
 * are the same either way, so the EPUB is identical to an in-memory build
 * (opts.in_memory, kept for tests and for a missing $TMPDIR).
 *
 * The archive is built at a temporary name next to the target
 * (ov__atomic_open) and renamed over it only after zip_close succeeded; on
 * any failure the archive is discarded and the temporary file removed, so
 * an existing book at `path` is never damaged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uuid/uuid.h>
#include <zip.h>

#include "ov_assets.h"
#include "package/package_internal.h"
#include "package/zipdeflate.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/utc.h"

int ov_package_identifier(const ov_book *book, char **out, ov_error *err)
{
    *out = NULL;
    if (!book)
        return ov_error_set(err, OV_EINVAL, NULL, "no book");
    if (book->identifier && book->identifier[0]) {
        *out = strdup(book->identifier);
        return *out ? 0 : ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    }
    ov__buf name = OV__BUF_INIT;
    int rc = ov__buf_puts(&name, book->source_url ? book->source_url : "");
    rc = rc ? rc : ov__buf_putc(&name, ' ');
    rc = rc ? rc : ov__buf_puts(&name, book->date ? book->date : "");
    if (rc) {
        ov__buf_free(&name);
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    }
    uuid_t u;
    char text[37];
    uuid_generate_sha1(u, *uuid_get_template("url"), name.data, name.len);
    uuid_unparse_lower(u, text);
    ov__buf_free(&name);
    size_t n = sizeof "urn:uuid:" + sizeof text;
    *out = malloc(n);
    if (!*out)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    snprintf(*out, n, "urn:uuid:%s", text);
    return 0;
}

/* The chapter spool (see the design note); without a usable temporary
 * directory the documents simply stay in memory. The file is unlinked at
 * once and libzip reads it through /proc/self/fd, so a killed run leaves
 * nothing behind; without /proc it keeps its name until pk_spool_close. */
static void pk_spool_open(ov__pk *p)
{
    p->spool_fd = -1;
    if (p->opts.in_memory)
        return;
    const char *tmp = getenv("TMPDIR");
    size_t n = strlen(tmp && *tmp ? tmp : "/tmp") + sizeof "/octavo-chapters-XXXXXX";
    if (!(p->spool_path = malloc(n < 64 ? 64 : n)))
        return;
    snprintf(p->spool_path, n, "%s/octavo-chapters-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    p->spool_fd = mkostemp(p->spool_path, O_CLOEXEC);
    if (p->spool_fd < 0) {
        free(p->spool_path);
        p->spool_path = NULL;
        return;
    }
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", p->spool_fd);
    if (access(proc, R_OK) == 0 && unlink(p->spool_path) == 0) {
        snprintf(p->spool_path, 64, "%s", proc);
        p->spool_unlinked = 1;
    }
}

static void pk_spool_close(ov__pk *p)
{
    if (p->spool_fd >= 0) {
        close(p->spool_fd);
        if (!p->spool_unlinked)
            unlink(p->spool_path);
    }
    p->spool_fd = -1;
    free(p->spool_path);
    p->spool_path = NULL;
}

static void pk_free(ov__pk *p)
{
    ov__zd_ahead_free(p->ahead); /* its threads write to the spool */
    p->ahead = NULL;
    pk_spool_close(p);
    for (size_t i = 0; i < p->n_docs; i++)
        free(p->docs[i].data);
    for (size_t i = 0; i < p->n_imgs; i++)
        free(p->imgs[i].data);
    free(p->docs);
    free(p->imgs);
    ov__hmap_free(&p->img_index);
    ov__hmap_free(&p->img_counts);
    free(p->chaps);
    free(p->identifier);
    free(p->opf);
    free(p->nav);
    free(p->ncx);
}

static const char *book_lang(const ov_book *b)
{
    if (b->language && b->language[0])
        return b->language;
    for (size_t s = 0; s < b->n_sections; s++)
        for (size_t i = 0; i < b->sections[s]->n_articles; i++)
            if (b->sections[s]->articles[i]->language && b->sections[s]->articles[i]->language[0])
                return b->sections[s]->articles[i]->language;
    return "en";
}

/* Move the masthead (built last, it needs chapter names) to just after the cover. */
static void place_masthead(ov__pk *p)
{
    ov__pk_doc m = p->docs[p->n_docs - 1];
    memmove(&p->docs[2], &p->docs[1], (p->n_docs - 2) * sizeof *p->docs);
    p->docs[1] = m;
    for (size_t i = 0; i < p->n_chaps; i++)
        p->chaps[i].first_doc++;
}

/* OPF, nav and NCX grow with the book too: into the spool once written. */
static int spool_meta(ov__pk *p, char **data, size_t len, uint64_t *off, ov_error *err)
{
    int rc = ov__pk_spool(p, *data, len, off, err);
    if (rc == 0)
        *data = NULL;
    return rc < 0 ? rc : 0;
}

static int pk_plan(ov__pk *p, ov_error *err)
{
    if (ov__utc_iso(p->b->modified, 0, p->modified, sizeof p->modified) != 0)
        return ov_error_set(err, OV_EINVAL, NULL, "book->modified is out of range");
    p->lang = book_lang(p->b);
    int rc = ov_package_identifier(p->b, &p->identifier, err);
    if (rc)
        return rc;
    p->imgs = calloc(16, sizeof *p->imgs);
    if (!p->imgs)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    p->cap_imgs = 16;
    p->n_imgs = 1; /* slot 0: the cover image */
    rc = ov__pk_cover(p, err);
    rc = rc ? rc : ov__pk_chapters(p, err);
    if (!rc && p->opts.masthead) {
        rc = ov__pk_masthead(p, err);
        if (!rc) {
            place_masthead(p);
            p->has_masthead = 1;
        }
    }
    rc = rc ? rc : ov__pk_opf(p, err);
    rc = rc ? rc : spool_meta(p, &p->opf, p->opf_len, &p->opf_off, err);
    rc = rc ? rc : ov__pk_nav(p, err);
    rc = rc ? rc : spool_meta(p, &p->nav, p->nav_len, &p->nav_off, err);
    rc = rc ? rc : ov__pk_ncx(p, err);
    return rc ? rc : spool_meta(p, &p->ncx, p->ncx_len, &p->ncx_off, err);
}

typedef struct zw {
    zip_t *za;
    zip_uint16_t dtime, ddate;
    const char *path;    /* for messages */
    /* the deflated entries in archive order, mimetype excepted (zipdeflate.h) */
    ov__zd_entry *ents;
    char (*names)[64];
    size_t n, cap;
    const char *readable; /* the last spool file found readable (images share one) */
} zw;

static int zw_add(zw *z, const char *name, zip_source_t *src, int store, ov_error *err)
{
    if (!src)
        return ov_error_set(err, OV_EIO, name, "cannot add to EPUB: %s", zip_strerror(z->za));
    zip_int64_t idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return ov_error_set(err, OV_EIO, name, "cannot add to EPUB: %s", zip_strerror(z->za));
    }
    zip_uint64_t i = (zip_uint64_t)idx;
    if (zip_set_file_compression(z->za, i, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0 ||
        zip_file_set_dostime(z->za, i, z->dtime, z->ddate, 0) < 0 ||
        zip_file_set_external_attributes(z->za, i, 0, ZIP_OPSYS_UNIX, 0100644u << 16) < 0)
        return ov_error_set(err, OV_EIO, name, "cannot set EPUB entry attributes: %s",
                            zip_strerror(z->za));
    return 0;
}

/* The next entry of the archive (deflated); its bytes are described by the caller. */
static ov__zd_entry *zw_next(zw *z, const char *name, ov_error *err)
{
    /* two arrays side by side: z->cap moves only once both have grown */
    size_t cap_e = z->cap, cap_n = z->cap;
    if (ov__grow_array((void **)&z->ents, z->n, &cap_e, sizeof *z->ents, 64) != 0 ||
        ov__grow_array((void **)&z->names, z->n, &cap_n, sizeof *z->names, 64) != 0) {
        ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    z->cap = cap_e;
    ov__zd_entry *e = &z->ents[z->n];
    memset(e, 0, sizeof *e);
    snprintf(z->names[z->n], sizeof z->names[z->n], "%s", name);
    z->n++;
    return e;
}

static int zw_mem(zw *z, const char *name, const void *data, size_t len, ov_error *err)
{
    ov__zd_entry *e = zw_next(z, name, err);
    if (!e)
        return OV_ENOMEM;
    e->data = data;
    e->len = len;
    return 0;
}

/* An entry from memory, or from the spool when `data` went there. */
static int zw_part(zw *z, const ov__pk *p, const char *name, const char *data, size_t len,
                   uint64_t off, ov_error *err)
{
    if (data || !len)
        return zw_mem(z, name, data ? data : "", len, err);
    ov__zd_entry *e = zw_next(z, name, err);
    if (!e)
        return OV_ENOMEM;
    e->path = p->spool_path;
    e->off = off;
    e->len = len;
    return 0;
}

static int zw_image(zw *z, const ov__pk_img *im, ov_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "EPUB/%s", im->href);
    if (im->data)
        return zw_mem(z, name, im->data, im->len, err);
    const ov_resource *r = im->res;
    if (r->data)
        return zw_mem(z, name, r->data, r->size, err);
    if (!r->spool_path ||
        ((!z->readable || strcmp(z->readable, r->spool_path) != 0) &&
         access(r->spool_path, R_OK) != 0))
        return ov_error_set(err, OV_EIO, r->spool_path ? r->spool_path : r->url,
                            "cannot read image for %s: %s", r->url ? r->url : "(cover)",
                            r->spool_path ? strerror(errno) : "no bytes and no spool file");
    z->readable = r->spool_path;
    ov__zd_entry *e = zw_next(z, name, err);
    if (!e)
        return OV_ENOMEM;
    e->path = r->spool_path;
    e->off = (uint64_t)r->spool_offset;
    e->len = (size_t)r->size;
    return 0;
}

static const char zw_mimetype[] = "application/epub+zip";

/* The entries in archive order (mimetype excepted), deflated ahead. */
static int zw_entries(zw *z, ov__pk *p, ov_error *err)
{
    size_t css_len = 0, cont_len = 0;
    const unsigned char *css = ov__asset("assets/octavo.css", &css_len);
    const unsigned char *cont = ov__asset("templates/container.xml", &cont_len);
    if (!css || !cont)
        return ov_error_set(err, OV_ERROR, NULL, "embedded assets missing from this build");
    int rc = zw_mem(z, "META-INF/container.xml", cont, cont_len, err);
    rc = rc ? rc : zw_part(z, p, "EPUB/package.opf", p->opf, p->opf_len, p->opf_off, err);
    rc = rc ? rc : zw_part(z, p, "EPUB/nav.xhtml", p->nav, p->nav_len, p->nav_off, err);
    rc = rc ? rc : zw_part(z, p, "EPUB/toc.ncx", p->ncx, p->ncx_len, p->ncx_off, err);
    rc = rc ? rc : zw_mem(z, "EPUB/css/octavo.css", css, css_len, err);
    ov__zd_ahead_finish(p->ahead);
    for (size_t i = 0; i < p->n_docs && !rc; i++) {
        char name[64];
        snprintf(name, sizeof name, "EPUB/%s", p->docs[i].href);
        const ov__pk_doc *d = &p->docs[i];
        rc = zw_part(z, p, name, d->spooled ? NULL : d->data, d->len, d->off, err);
        if (!rc && d->ahead_id)
            ov__zd_ahead_result(p->ahead, d->ahead_id, &z->ents[z->n - 1]);
    }
    ov__zd_ahead_free(p->ahead); /* idle now: spool_off is this thread's again */
    p->ahead = NULL;
    for (size_t i = 0; i < p->n_imgs && !rc; i++)
        rc = zw_image(z, &p->imgs[i], err);
    if (rc)
        return rc;
    int spool = p->spool_fd >= 0 && !p->spool_full ? p->spool_fd : -1;
    ov__zd_run(z->ents, z->n, spool, &p->spool_off);
    return 0;
}

/* The archive through libzip: for what zipwrite.c does not write. */
static int zw_libzip(zw *z, ov__pk *p, const char *tmp, ov_error *err)
{
    int zerr = 0;
    z->za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z->za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = ov_error_set(err, OV_EIO, tmp, "cannot create EPUB: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    int rc = zw_add(z, "mimetype",
                    zip_source_buffer(z->za, zw_mimetype, sizeof zw_mimetype - 1, 0), 1, err);
    for (size_t i = 0; i < z->n && !rc; i++) {
        const ov__zd_entry *e = &z->ents[i];
        zip_source_t *src;
        if (e->done)
            src = ov__zd_source(z->za, z->ents, i, p->spool_fd);
        else if (e->data || !e->len)
            src = zip_source_buffer(z->za, e->data ? e->data : "", e->len, 0);
        else
            src = zip_source_file(z->za, e->path, (zip_uint64_t)e->off, (zip_int64_t)e->len);
        rc = zw_add(z, z->names[i], src, 0, err);
    }
    if (!rc && zip_close(z->za) < 0)
        rc = ov_error_set(err, OV_EIO, tmp, "cannot write EPUB: %s", zip_strerror(z->za));
    else if (!rc)
        z->za = NULL;
    if (z->za)
        zip_discard(z->za);
    z->za = NULL;
    return rc;
}

/* The archive written directly (zipwrite.c), when it can be. */
static int zw_direct(zw *z, ov__pk *p, const char *tmp, ov_error *err)
{
    int fd = open(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return ov_error_set(err, OV_EIO, tmp, "cannot create EPUB: %s", strerror(errno));
    int e = ov__zw_write(fd, "mimetype", zw_mimetype, sizeof zw_mimetype - 1, z->ents,
                         (const char (*)[64])z->names, z->n, p->spool_fd, z->dtime, z->ddate);
    if (close(fd) != 0 && !e)
        e = errno;
    return e ? ov_error_set(err, OV_EIO, tmp, "cannot write EPUB: %s", strerror(e)) : 0;
}

static int zw_write(ov__pk *p, const char *tmp, ov_error *err)
{
    zw z;
    memset(&z, 0, sizeof z);
    z.path = tmp;
    ov__utc_tm u; /* in range: pk_plan formatted the same time */
    ov__utc_fields(p->b->modified, &u);
    int year = u.year < 1980 ? 1980 : (int)u.year;
    z.ddate = (zip_uint16_t)(((year - 1980) << 9) | (u.mon << 5) | u.mday);
    z.dtime = (zip_uint16_t)((u.hour << 11) | (u.min << 5) | (u.sec / 2));
    int rc = zw_entries(&z, p, err);
    if (!rc && ov__zw_fits(z.ents, (const char (*)[64])z.names, z.n, sizeof zw_mimetype - 1))
        rc = zw_direct(&z, p, tmp, err);
    else if (!rc)
        rc = zw_libzip(&z, p, tmp, err);
    ov__zd_free(z.ents, z.n);
    free(z.ents);
    free(z.names);
    return rc;
}

static int package_write(const ov_book *book, int release, const char *path,
                         const ov_package_options *opts, ov_error *err)
{
    ov__pk p;
    char *tmp = NULL;
    int fd = -1, rc;
    memset(&p, 0, sizeof p);
    if (!book || !path)
        return ov_error_set(err, OV_EINVAL, NULL, "ov_package_write: book and path are required");
    ov_package_options defaults = OV_PACKAGE_OPTIONS_INIT;
    p.b = book;
    p.opts = opts ? *opts : defaults;
    if (opts && opts->version < 2) { /* fields a version-1 caller does not have */
        p.opts.load_body = NULL;
        p.opts.load_body_ud = NULL;
    }
    p.release_bodies = release;
    pk_spool_open(&p);
    /* the chapters are deflated on the other cores as they are written */
    p.ahead = ov__zd_ahead_start(p.spool_fd, &p.spool_off);
    if (!p.opts.max_chapter_bytes)
        p.opts.max_chapter_bytes = OV_PACKAGE_MAX_CHAPTER_BYTES;
    rc = pk_plan(&p, err);
    if (rc)
        goto cleanup;
    rc = ov__atomic_open(path, &tmp, &fd, err);
    if (rc)
        goto cleanup;
    close(fd);
    rc = zw_write(&p, tmp, err);
    if (rc) {
        ov__atomic_abort(tmp);
        goto cleanup;
    }
    rc = ov__atomic_commit(tmp, path, err);
cleanup:
    free(tmp);
    pk_free(&p);
    return rc;
}

int ov_package_write(const ov_book *book, const char *path, const ov_package_options *opts,
                     ov_error *err)
{
    return package_write(book, 0, path, opts, err);
}

int ov_package_write_release(ov_book *book, const char *path, const ov_package_options *opts,
                             ov_error *err)
{
    return package_write(book, 1, path, opts, err);
}
