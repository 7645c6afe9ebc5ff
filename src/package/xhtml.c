/*
 * Small pieces both chapter.c and front.c build documents with: the spine
 * list the documents join, and escaped plain text. They live here, not in
 * chapter.c, so the dependencies run one way (chapter.c -> front.c ->
 * xhtml.c) instead of in a cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "package/package_internal.h"
#include "package/zipdeflate.h"
#include "util/buf.h"
#include "util/fs.h"

/* ov__pk_spool; with `ahead_id`, the bytes go on to be deflated ahead. */
static int spool_bytes(ov__pk *p, char *data, size_t len, uint64_t *off, size_t *ahead_id)
{
    if (p->spool_fd < 0 || p->spool_full || len == 0)
        return 1;
    /* The spool only saves memory: when it cannot be written (a full
     * $TMPDIR), this and every later document stay in memory; what was
     * spooled before stays readable below spool_off. */
    uint64_t at = p->ahead ? ov__zd_ahead_reserve(p->ahead, len) : p->spool_off;
    if (ov__pwrite_all(p->spool_fd, data, len, at) != 0) {
        p->spool_full = 1; /* with p->ahead, a hole is left: nothing reads it */
        return 1;
    }
    *off = at;
    if (!p->ahead)
        p->spool_off += len;
    if (p->ahead && ahead_id)
        *ahead_id = ov__zd_ahead_put(p->ahead, data, len);
    else
        free(data);
    return 0;
}

int ov__pk_add_doc(ov__pk *p, const char *id, const char *href, char *data, size_t len,
                   ov_error *err)
{
    if (p->n_docs == p->cap_docs) {
        size_t cap = p->cap_docs ? p->cap_docs * 2 : 16;
        ov__pk_doc *d = realloc(p->docs, cap * sizeof *d);
        if (!d)
            return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        p->docs = d;
        p->cap_docs = cap;
    }
    ov__pk_doc *d = &p->docs[p->n_docs];
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "%s", id);
    snprintf(d->href, sizeof d->href, "%s", href);
    d->len = len;
    int rc = spool_bytes(p, data, len, &d->off, &d->ahead_id);
    if (rc == 1)
        d->data = data; /* no spool: the doc keeps its buffer */
    else
        d->spooled = 1;
    p->n_docs++;
    return 0;
}

int ov__pk_spool(ov__pk *p, char *data, size_t len, uint64_t *off, ov_error *err)
{
    (void)err;
    return spool_bytes(p, data, len, off, NULL);
}

/* Plain text for XML: escaped. */
int ov__pk_put_plain(ov__buf *b, const char *s)
{
    return ov__buf_put_xml(b, s ? s : "");
}


int ov__pk_put_lang(ov__buf *b, const char *lang)
{
    int rc = ov__buf_puts(b, " lang=\"");
    rc = rc ? rc : ov__pk_put_plain(b, lang);
    rc = rc ? rc : ov__buf_puts(b, "\" xml:lang=\"");
    rc = rc ? rc : ov__pk_put_plain(b, lang);
    return rc ? rc : ov__buf_putc(b, '"');
}
