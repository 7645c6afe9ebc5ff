/*
 * OPDS catalog: a folder of EPUBs as an OPDS 1.2 acquisition feed.
 *
 * Design. For each *.epub in the folder we open the zip with libzip, read
 * META-INF/container.xml to find the package document, and read from the
 * OPF the metadata an OPDS client shows (title, identifier, language,
 * creators, description, dates, series) and the manifest item marked
 * cover-image (or named by <meta name="cover">). The cover is copied to
 * covers/<book>.<ext> and linked both as the image and as the thumbnail
 * (no resizing here: that would pull libvips into this module).
 *
 * Entries are sorted newest first by dcterms:modified, then dc:date, then
 * the file's mtime, and the feed is written with our own escaping buffer
 * (not libxml2's serializer) so the output is stable and small. Links are
 * relative to the catalog unless a base URL is given. A book that cannot be
 * read is skipped with a warning: one corrupt file must not hide the rest.
 * Every read from a book is bounded (metadata and cover sizes).
 */
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "octavo/deliver.h"
#include "periodical_internal.h"
#include "util/buf.h"
#include "util/fs.h"

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_OPF "http://www.idpf.org/2007/opf"
#define OPDS_ACQ_TYPE "application/atom+xml;profile=opds-catalog;kind=acquisition"
#define OPDS_MAX_AUTHORS 16

typedef struct book {
    char *file;             /* file name in the folder */
    char *title, *id, *language, *description, *publisher, *series, *series_index;
    char *authors[OPDS_MAX_AUTHORS];
    size_t n_authors;
    int64_t modified, issued, mtime, sort_time;
    char *cover;            /* covers/<name>.<ext>, or NULL */
    const char *cover_type;
    char *thumb;            /* covers/<name>-thumb.<ext>, or NULL (use cover) */
    const char *thumb_type;
} book;

static void book_free(book *b)
{
    char *s[] = {b->file, b->title, b->id, b->language, b->description, b->publisher,
                 b->series, b->series_index, b->cover, b->thumb};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        free(s[i]);
    for (size_t i = 0; i < b->n_authors; i++)
        free(b->authors[i]);
}

/* Read entry `name` of `z` (at most `limit` bytes). */
static int zip_read(zip_t *z, const char *name, size_t limit, unsigned char **out, size_t *len)
{
    zip_stat_t st;
    zip_file_t *f = NULL;
    unsigned char *buf = NULL;
    int rc = OV_ENOTFOUND;
    zip_stat_init(&st);
    if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        goto cleanup;
    rc = OV_ELIMIT;
    if (st.size > limit)
        goto cleanup;
    rc = OV_EIO;
    if (!(buf = malloc(st.size + 1)) || !(f = zip_fopen(z, name, 0)) ||
        zip_fread(f, buf, st.size) != (zip_int64_t)st.size)
        goto cleanup;
    buf[st.size] = 0;
    *out = buf;
    *len = st.size;
    buf = NULL;
    rc = 0;
cleanup:
    if (f)
        zip_fclose(f);
    free(buf);
    return rc;
}

static xmlDocPtr parse_xml(const unsigned char *data, size_t len)
{
    return xmlReadMemory((const char *)data, (int)len, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int is_el(xmlNodePtr n, const char *ns, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) &&
           (!ns || (n->ns && !strcmp((const char *)n->ns->href, ns)));
}

static xmlNodePtr child(xmlNodePtr n, const char *ns, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, ns, name))
            return c;
    return NULL;
}

/* malloc'd trimmed text of `n`, or NULL. */
static char *text_of(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = NULL;
    if (t) {
        const char *p = (const char *)t;
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        size_t l = strlen(p);
        while (l && strchr(" \n\t\r", p[l - 1]))
            l--;
        s = l ? strndup(p, l) : NULL;
        xmlFree(t);
    }
    return s;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* "YYYY-MM-DD[Thh:mm[:ss]][Z]" to Unix time (UTC); 0 when unparseable. */
static int64_t parse_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y = 0, mo = 1, d = 1, h = 0, mi = 0, se = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) < 1)
        return 0;
    const char *t = strchr(s, 'T');
    if (t)
        sscanf(t + 1, "%2d:%2d:%2d", &h, &mi, &se);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return (int64_t)timegm(&tm);
}

static void read_meta(book *b, xmlNodePtr meta, const char *uid, char **cover_id)
{
    char *group_pos = NULL, *coll_id = NULL;
    for (xmlNodePtr n = meta->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        char *id = attr(n, "id"), *prop = attr(n, "property"), *name = attr(n, "name");
        if (is_el(n, NS_DC, "title") && !b->title)
            b->title = text_of(n);
        else if (is_el(n, NS_DC, "identifier") && (!b->id || (uid && id && !strcmp(id, uid)))) {
            free(b->id);
            b->id = text_of(n);
        } else if (is_el(n, NS_DC, "language") && !b->language)
            b->language = text_of(n);
        else if (is_el(n, NS_DC, "creator") && b->n_authors < OPDS_MAX_AUTHORS) {
            char *a = text_of(n);
            if (a)
                b->authors[b->n_authors++] = a;
        } else if (is_el(n, NS_DC, "description") && !b->description)
            b->description = text_of(n);
        else if (is_el(n, NS_DC, "publisher") && !b->publisher)
            b->publisher = text_of(n);
        else if (is_el(n, NS_DC, "date") && !b->issued) {
            char *t = text_of(n);
            b->issued = parse_date(t);
            free(t);
        } else if (is_el(n, NULL, "meta") && prop) {
            char *t = text_of(n);
            if (!strcmp(prop, "dcterms:modified"))
                b->modified = parse_date(t);
            else if (!strcmp(prop, "belongs-to-collection") && !b->series) {
                b->series = t;
                t = NULL;
                coll_id = id ? strdup(id) : NULL;
            } else if (!strcmp(prop, "group-position") && !group_pos) {
                group_pos = t;
                t = NULL;
            }
            free(t);
        } else if (is_el(n, NULL, "meta") && name) {
            char *content = attr(n, "content");
            if (!strcmp(name, "cover") && !*cover_id)
                *cover_id = content, content = NULL;
            else if (!strcmp(name, "calibre:series") && !b->series)
                b->series = content, content = NULL;
            else if (!strcmp(name, "calibre:series_index") && !b->series_index)
                b->series_index = content, content = NULL;
            free(content);
        }
        free(id);
        free(prop);
        free(name);
    }
    if (group_pos && b->series && !b->series_index) {
        b->series_index = group_pos;
        group_pos = NULL;
    }
    free(group_pos);
    free(coll_id);
}

/* Resolve a manifest href against the OPF's folder (no "..": kept simple). */
static char *opf_path(const char *opf, const char *href)
{
    const char *slash = strrchr(opf, '/');
    char *out = NULL;
    if (asprintf(&out, "%.*s%s", slash ? (int)(slash - opf + 1) : 0, opf, href) < 0)
        return NULL;
    return out;
}

static const char *cover_ext(const char *type)
{
    if (!type)
        return NULL;
    return !strcmp(type, "image/jpeg") ? "jpg" : !strcmp(type, "image/png") ? "png"
           : !strcmp(type, "image/gif") ? "gif" : !strcmp(type, "image/svg+xml") ? "svg" : NULL;
}

static void find_cover(book *b, xmlNodePtr manifest, const char *cover_id, char **href,
                       char **type)
{
    xmlNodePtr by_id = NULL;
    for (xmlNodePtr n = manifest ? manifest->children : NULL; n; n = n->next) {
        if (!is_el(n, NULL, "item"))
            continue;
        char *props = attr(n, "properties"), *id = attr(n, "id");
        int hit = props && strstr(props, "cover-image");
        if (!by_id && cover_id && id && !strcmp(id, cover_id))
            by_id = n;
        free(props);
        free(id);
        if (hit) {
            by_id = n;
            break;
        }
    }
    (void)b;
    if (by_id) {
        *href = attr(by_id, "href");
        *type = attr(by_id, "media-type");
    }
}

static const char *type_ext(const char *type)
{
    return !strcmp(type, "image/png") ? "png" : !strcmp(type, "image/gif") ? "gif" : "jpg";
}

/* Best effort: a failed thumbnail falls back to the cover. */
static void make_thumb(book *b, const ov_opds_options *o, const char *dir,
                       const unsigned char *data, size_t len)
{
    unsigned char *t = NULL;
    size_t tl = 0;
    const char *tt = NULL;
    char *out = NULL;
    if (!o->thumbnail || !strcmp(b->cover_type, "image/svg+xml"))
        return;
    if (o->thumbnail(o->thumbnail_ud, data, len, b->cover_type, &t, &tl, &tt) || !t || !tt)
        goto cleanup;
    size_t stem = strlen(b->file) - 5;
    if (asprintf(&b->thumb, "covers/%.*s-thumb.%s", (int)stem, b->file, type_ext(tt)) < 0) {
        b->thumb = NULL;
        goto cleanup;
    }
    if (asprintf(&out, "%s/%s", dir, b->thumb) < 0 || ov__write_file(out, t, tl, NULL)) {
        free(b->thumb);
        b->thumb = NULL;
        goto cleanup;
    }
    b->thumb_type = tt;
cleanup:
    free(out);
    free(t);
}

static int extract_cover(book *b, zip_t *z, const char *opf, const char *dir, xmlNodePtr manifest,
                         const char *cover_id, const ov_opds_options *o)
{
    char *href = NULL, *type = NULL, *inzip = NULL, *out = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = 0;
    find_cover(b, manifest, cover_id, &href, &type);
    const char *ext = cover_ext(type);
    if (!href || !ext || !(inzip = opf_path(opf, href)) ||
        zip_read(z, inzip, OV_OPDS_MAX_COVER_BYTES, &data, &len))
        goto cleanup; /* no usable cover: the entry simply has none */
    size_t stem = strlen(b->file) - 5;
    if (asprintf(&b->cover, "covers/%.*s.%s", (int)stem, b->file, ext) < 0 ||
        asprintf(&out, "%s/%s", dir, b->cover) < 0) {
        rc = OV_ENOMEM;
        goto cleanup;
    }
    b->cover_type = !strcmp(ext, "jpg") ? "image/jpeg" : !strcmp(ext, "png") ? "image/png"
                    : !strcmp(ext, "gif") ? "image/gif" : "image/svg+xml";
    rc = ov__write_file(out, data, len, NULL);
    if (rc) {
        free(b->cover);
        b->cover = NULL;
        goto cleanup;
    }
    make_thumb(b, o, dir, data, len);
cleanup:
    free(href);
    free(type);
    free(inzip);
    free(out);
    free(data);
    return rc;
}

static char *rootfile_path(zip_t *z)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char *path = NULL;
    if (zip_read(z, "META-INF/container.xml", OV_OPDS_MAX_META_BYTES, &data, &len))
        return NULL;
    xmlDocPtr doc = parse_xml(data, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr rf = child(child(root, NULL, "rootfiles"), NULL, "rootfile");
    if (rf)
        path = attr(rf, "full-path");
    xmlFreeDoc(doc);
    free(data);
    return path;
}

static int read_book(const char *dir, book *b, const ov_opds_options *o, ov_error *err)
{
    char *path = NULL, *opf = NULL, *uid = NULL, *cover_id = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    xmlDocPtr doc = NULL;
    zip_t *z = NULL;
    int zerr = 0, rc = OV_EPARSE;
    struct stat sb;
    if (asprintf(&path, "%s/%s", dir, b->file) < 0) {
        path = NULL;
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    }
    if (stat(path, &sb) == 0)
        b->mtime = (int64_t)sb.st_mtime;
    if (!(z = zip_open(path, ZIP_RDONLY, &zerr))) {
        rc = ov_error_set(err, OV_EPARSE, path, "not a zip file");
        goto cleanup;
    }
    if (!(opf = rootfile_path(z))) {
        rc = ov_error_set(err, OV_EPARSE, path, "no META-INF/container.xml rootfile");
        goto cleanup;
    }
    if ((rc = zip_read(z, opf, OV_OPDS_MAX_META_BYTES, &data, &len)) ||
        !(doc = parse_xml(data, len))) {
        rc = ov_error_set(err, rc == OV_ELIMIT ? OV_ELIMIT : OV_EPARSE, path,
                          "cannot read the package document %s", opf);
        goto cleanup;
    }
    xmlNodePtr pkg = xmlDocGetRootElement(doc);
    xmlNodePtr meta = pkg ? child(pkg, NULL, "metadata") : NULL;
    if (!meta) {
        rc = ov_error_set(err, OV_EPARSE, path, "package document has no <metadata>");
        goto cleanup;
    }
    uid = attr(pkg, "unique-identifier");
    read_meta(b, meta, uid, &cover_id);
    if (!b->title || !b->id) {
        rc = ov_error_set(err, OV_EPARSE, path, "book has no dc:title or dc:identifier");
        goto cleanup;
    }
    rc = extract_cover(b, z, opf, dir, child(pkg, NULL, "manifest"), cover_id, o);
    if (rc)
        rc = ov_error_set(err, rc, path, "cannot write the cover image");
    b->sort_time = b->modified ? b->modified : b->issued ? b->issued : b->mtime;
cleanup:
    if (z)
        zip_discard(z);
    xmlFreeDoc(doc);
    free(data);
    free(opf);
    free(uid);
    free(cover_id);
    free(path);
    return rc;
}

static void fmt_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        memset(&tm, 0, sizeof tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Append `name` percent-encoded as a URL path segment (keeps '/'). */
static int put_href(ov__buf *b, const char *base, const char *name)
{
    int rc = 0;
    if (base && *base) {
        rc = ov__buf_put_xml(b, base);
        if (!rc && base[strlen(base) - 1] != '/')
            rc = ov__buf_putc(b, '/');
    }
    for (const unsigned char *p = (const unsigned char *)name; *p && !rc; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            rc = ov__buf_putc(b, (char)*p);
        else
            rc = ov__buf_printf(b, "%%%02X", *p);
    }
    return rc;
}

static int put_el(ov__buf *b, const char *indent, const char *tag, const char *text)
{
    if (!text)
        return 0;
    int rc = ov__buf_printf(b, "%s<%s>", indent, tag);
    if (!rc)
        rc = ov__buf_put_xml(b, text);
    if (!rc) {
        const char *sp = strchr(tag, ' ');
        rc = ov__buf_printf(b, "</%.*s>\n", sp ? (int)(sp - tag) : (int)strlen(tag), tag);
    }
    return rc;
}

static int emit_entry(ov__buf *b, const book *k, const char *base)
{
    char when[32];
    int rc = ov__buf_puts(b, "  <entry>\n");
    fmt_time(k->sort_time, when);
    if (!rc)
        rc = put_el(b, "    ", "title", k->title);
    if (!rc)
        rc = put_el(b, "    ", "id", k->id);
    if (!rc)
        rc = put_el(b, "    ", "updated", when);
    for (size_t i = 0; !rc && i < k->n_authors; i++) {
        rc = ov__buf_puts(b, "    <author><name>");
        if (!rc)
            rc = ov__buf_put_xml(b, k->authors[i]);
        if (!rc)
            rc = ov__buf_puts(b, "</name></author>\n");
    }
    if (!rc)
        rc = put_el(b, "    ", "dc:language", k->language);
    if (!rc)
        rc = put_el(b, "    ", "dc:publisher", k->publisher);
    if (!rc && k->issued) {
        char issued[32];
        fmt_time(k->issued, issued);
        rc = put_el(b, "    ", "dc:issued", issued);
    }
    if (!rc && k->series) {
        rc = ov__buf_puts(b, "    <dc:isPartOf>");
        if (!rc)
            rc = ov__buf_put_xml(b, k->series);
        if (!rc && k->series_index)
            rc = (ov__buf_puts(b, " #") || ov__buf_put_xml(b, k->series_index)) ? OV_ENOMEM : 0;
        if (!rc)
            rc = ov__buf_puts(b, "</dc:isPartOf>\n");
    }
    if (!rc)
        rc = put_el(b, "    ", "summary type=\"text\"", k->description);
    if (!rc)
        rc = ov__buf_puts(b, "    <link rel=\"http://opds-spec.org/acquisition\""
                             " type=\"application/epub+zip\" href=\"");
    if (!rc)
        rc = put_href(b, base, k->file);
    if (!rc)
        rc = ov__buf_puts(b, "\"/>\n");
    static const char *const rels[] = {"http://opds-spec.org/image",
                                       "http://opds-spec.org/image/thumbnail"};
    for (size_t i = 0; !rc && k->cover && i < 2; i++) {
        int thumb = i == 1 && k->thumb;
        rc = ov__buf_printf(b, "    <link rel=\"%s\" type=\"%s\" href=\"", rels[i],
                            thumb ? k->thumb_type : k->cover_type);
        if (!rc)
            rc = put_href(b, base, thumb ? k->thumb : k->cover);
        if (!rc)
            rc = ov__buf_puts(b, "\"/>\n");
    }
    return rc ? rc : ov__buf_puts(b, "  </entry>\n");
}

static int emit_head(ov__buf *b, const ov_opds_options *o, int64_t updated)
{
    char when[32];
    fmt_time(updated, when);
    int rc = ov__buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<feed xmlns=\"http://www.w3.org/2005/Atom\""
                             " xmlns:dc=\"http://purl.org/dc/terms/\""
                             " xmlns:opds=\"http://opds-spec.org/2010/catalog\">\n  <id>");
    if (!rc && o->base_url)
        rc = put_href(b, o->base_url, OV_OPDS_CATALOG_NAME);
    else if (!rc)
        rc = (ov__buf_puts(b, "urn:octavo:catalog:") ||
              put_href(b, NULL, o->title ? o->title : "books"))
                 ? OV_ENOMEM
                 : 0;
    if (!rc)
        rc = ov__buf_puts(b, "</id>\n");
    if (!rc)
        rc = put_el(b, "  ", "title", o->title ? o->title : "octavo books");
    if (!rc)
        rc = put_el(b, "  ", "updated", when);
    if (!rc)
        rc = (ov__buf_puts(b, "  <author><name>") ||
              ov__buf_put_xml(b, o->author ? o->author : "octavo") ||
              ov__buf_puts(b, "</name></author>\n"))
                 ? OV_ENOMEM
                 : 0;
    for (int i = 0; !rc && i < 2; i++) {
        rc = ov__buf_printf(b, "  <link rel=\"%s\" type=\"" OPDS_ACQ_TYPE "\" href=\"",
                            i ? "start" : "self");
        if (!rc)
            rc = put_href(b, o->base_url, OV_OPDS_CATALOG_NAME);
        if (!rc)
            rc = ov__buf_puts(b, "\"/>\n");
    }
    return rc;
}

static int emit(const char *dir, const ov_opds_options *o, const book *books, size_t n,
                ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    char *final = NULL, *tmp = NULL;
    int fd = -1, rc;
    int64_t updated = n ? books[0].sort_time : o->now;
    rc = emit_head(&b, o, updated);
    for (size_t i = 0; !rc && i < n; i++)
        rc = emit_entry(&b, &books[i], o->base_url);
    if (!rc)
        rc = ov__buf_puts(&b, "</feed>\n");
    if (rc) {
        rc = ov_error_set(err, rc, dir, "cannot build the catalog (out of memory)");
        goto cleanup;
    }
    if (asprintf(&final, "%s/%s", dir, OV_OPDS_CATALOG_NAME) < 0) {
        final = NULL;
        rc = ov_error_set(err, OV_ENOMEM, dir, "out of memory");
        goto cleanup;
    }
    if ((rc = ov__atomic_open(final, &tmp, &fd, err)))
        goto cleanup;
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    if (off != b.len) {
        ov__atomic_abort(tmp);
        rc = ov_error_set(err, OV_EIO, final, "cannot write the catalog");
        goto cleanup;
    }
    rc = ov__atomic_commit(tmp, final, err);
cleanup:
    free(tmp);
    free(final);
    ov__buf_free(&b);
    return rc;
}

static int newest_first(const void *a, const void *b)
{
    const book *x = a, *y = b;
    if (x->sort_time != y->sort_time)
        return x->sort_time > y->sort_time ? -1 : 1;
    return strcmp(x->file, y->file);
}

static int list_books(const char *dir, book **out, size_t *n, ov_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    if (!d)
        return ov_error_set(err, OV_ENOTFOUND, dir, "cannot open the folder");
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcmp(e->d_name + l - 5, ".epub") || e->d_name[0] == '.')
            continue;
        if (*n >= OV_OPDS_MAX_BOOKS) {
            closedir(d);
            return ov_error_set(err, OV_ELIMIT, dir, "more than %u books", OV_OPDS_MAX_BOOKS);
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            book *nb = realloc(*out, cap * sizeof *nb);
            if (!nb) {
                closedir(d);
                return ov_error_set(err, OV_ENOMEM, dir, "out of memory");
            }
            *out = nb;
        }
        memset(&(*out)[*n], 0, sizeof **out);
        if (!((*out)[*n].file = strdup(e->d_name))) {
            closedir(d);
            return ov_error_set(err, OV_ENOMEM, dir, "out of memory");
        }
        (*n)++;
    }
    closedir(d);
    return 0;
}

int ov_opds_write(const char *dir, const ov_opds_options *opts, ov_opds_stats *stats,
                  ov_error *err)
{
    ov_opds_options defaults = OV_OPDS_OPTIONS_INIT;
    book *books = NULL;
    size_t n = 0, kept = 0;
    char *covers = NULL;
    int rc;
    if (!opts)
        opts = &defaults;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if ((rc = list_books(dir, &books, &n, err)))
        goto cleanup;
    if (asprintf(&covers, "%s/covers", dir) < 0) {
        covers = NULL;
        rc = ov_error_set(err, OV_ENOMEM, dir, "out of memory");
        goto cleanup;
    }
    if (n && (rc = ov__mkdir_p(covers, err)))
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        ov_error e;
        if (read_book(dir, &books[i], opts, &e) == 0) {
            books[kept++] = books[i];
            continue;
        }
        fprintf(stderr, "octavo: opds: skipping %s: %s\n", books[i].file, e.message);
        book_free(&books[i]);
        if (stats)
            stats->skipped++;
    }
    if (kept)
        qsort(books, kept, sizeof *books, newest_first);
    rc = emit(dir, opts, books, kept, err);
    if (!rc && stats)
        stats->books = kept;
    n = kept;
cleanup:
    for (size_t i = 0; i < n; i++)
        book_free(&books[i]);
    free(books);
    free(covers);
    return rc;
}
