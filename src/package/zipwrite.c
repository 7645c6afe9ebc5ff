/* zipwrite.c - the EPUB archive written directly, for entries deflated ahead
 * (see zipdeflate.h).
 *
 * Once every entry is deflated ahead, libzip only copies bytes and writes
 * headers, and for that it keeps about 500 bytes of bookkeeping per entry
 * (zip_entry, dirent, strings, the source): 10 MB for a 10,000-article book,
 * at the moment the book's memory peaks. Here the local headers, the data
 * and the central directory are written from the entry list itself, with
 * exactly the fields libzip 1.7 writes for those entries, so the archive
 * is byte for byte the same. What this writer does not do (an entry left to
 * libzip, a name outside printable ASCII, which libzip flags as UTF-8, or
 * sizes that need zip64) makes ov__zw_fits() say no, and the caller uses
 * libzip for the whole archive.
 */
#include "package/zipdeflate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/fs.h"

/* Output buffer, also the chunk entries are copied from the spool in. */
#define ZW_BUF_BYTES ((size_t)64 << 10)
/* The archive stays below this, so no offset or size needs zip64. */
#define ZW_MAX_ARCHIVE ((uint64_t)0xF0000000u)
/* Entries in the central directory without zip64 (mimetype included). */
#define ZW_MAX_ENTRIES 0xFFF0u

#define ZW_LOCAL_SIG 0x04034b50u
#define ZW_CENTRAL_SIG 0x02014b50u
#define ZW_END_SIG 0x06054b50u
#define ZW_LOCAL_LEN 30u
#define ZW_CENTRAL_LEN 46u
#define ZW_END_LEN 22u
/* What libzip writes: made by Unix, spec 6.3; needs 1.0 (stored) or 2.0
 * (deflated, with the "maximum compression" flag of level 9). */
#define ZW_MADE_BY 0x033Fu
#define ZW_EXT_ATTR (0100644u << 16)

typedef struct zw_out {
    int fd;
    unsigned char *buf;
    size_t n;
    uint64_t pos;     /* bytes of the archive so far */
    uint64_t written; /* bytes of it in the file */
    int err;          /* errno of the first failed write, or 0 */
} zw_out;

static void out_flush(zw_out *o)
{
    if (o->err || !o->n)
        return;
    if (ov__pwrite_all(o->fd, o->buf, o->n, o->written) != 0)
        o->err = errno ? errno : EIO;
    o->written += o->n;
    o->n = 0;
}

static void out_put(zw_out *o, const void *data, size_t len)
{
    o->pos += len;
    if (o->err)
        return; /* nothing more is written: the buffer is not filled either */
    if (len > ZW_BUF_BYTES - o->n) {
        out_flush(o);
        if (len > ZW_BUF_BYTES) {
            if (!o->err && ov__pwrite_all(o->fd, data, len, o->written) != 0)
                o->err = errno ? errno : EIO;
            o->written += len;
            return;
        }
    }
    memcpy(o->buf + o->n, data, len);
    o->n += len;
}

static void out_u16(zw_out *o, unsigned v)
{
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    out_put(o, b, 2);
}

static void out_u32(zw_out *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    out_put(o, b, 4);
}

/* Copy [off, off + len) of the spool to the archive. Through the output
 * buffer: a small entry joins the headers around it in one write. */
static void out_spool(zw_out *o, int spool_fd, uint64_t off, size_t len)
{
    while (len && !o->err) {
        if (o->n == ZW_BUF_BYTES) {
            out_flush(o);
            if (o->err)
                return; /* a failed write empties the buffer: fill it no more */
        }
        size_t room = ZW_BUF_BYTES - o->n;
        size_t k = len < room ? len : room;
        if (ov__pread_all(spool_fd, o->buf + o->n, k, off) != 0) {
            o->err = errno ? errno : EIO;
            return;
        }
        o->n += k;
        o->pos += k;
        off += k;
        len -= k;
    }
}

typedef struct zw_head {
    const char *name;
    int deflated;
    uint32_t crc;
    uint64_t comp_len, len, offset;
} zw_head;

/* The fields a local header and a central directory record share. */
static void out_common(zw_out *o, const zw_head *h, uint16_t dtime, uint16_t ddate)
{
    out_u16(o, h->deflated ? 20 : 10);
    out_u16(o, h->deflated ? 2 : 0);
    out_u16(o, h->deflated ? 8 : 0);
    out_u16(o, dtime);
    out_u16(o, ddate);
    out_u32(o, h->crc);
    out_u32(o, (uint32_t)h->comp_len);
    out_u32(o, (uint32_t)h->len);
    out_u16(o, (unsigned)strlen(h->name));
}

static void out_local(zw_out *o, const zw_head *h, uint16_t dtime, uint16_t ddate)
{
    out_u32(o, ZW_LOCAL_SIG);
    out_common(o, h, dtime, ddate);
    out_u16(o, 0); /* extra */
    out_put(o, h->name, strlen(h->name));
}

static void out_central(zw_out *o, const zw_head *h, uint16_t dtime, uint16_t ddate)
{
    out_u32(o, ZW_CENTRAL_SIG);
    out_u16(o, ZW_MADE_BY);
    out_common(o, h, dtime, ddate);
    out_u16(o, 0); /* extra */
    out_u16(o, 0); /* comment */
    out_u16(o, 0); /* disk */
    out_u16(o, 0); /* internal attributes */
    out_u32(o, ZW_EXT_ATTR);
    out_u32(o, (uint32_t)h->offset);
    out_put(o, h->name, strlen(h->name));
}

static int plain_name(const char *s)
{
    if (!s[0])
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
            return 0;
    return 1;
}

int ov__zw_fits(const ov__zd_entry *e, const char (*names)[64], size_t n, size_t first_len)
{
    uint64_t total = (uint64_t)2 * (ZW_LOCAL_LEN + ZW_CENTRAL_LEN + 8) + first_len + ZW_END_LEN;
    if (n + 1 > ZW_MAX_ENTRIES)
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        if (!e[i].done || !plain_name(names[i]) || e[i].len >= ZW_MAX_ARCHIVE ||
            e[i].comp_len >= ZW_MAX_ARCHIVE)
            return 0;
        total += (uint64_t)2 * (nl + ZW_LOCAL_LEN) + ZW_CENTRAL_LEN - ZW_LOCAL_LEN + e[i].comp_len;
        if (total >= ZW_MAX_ARCHIVE)
            return 0;
    }
    return 1;
}

int ov__zw_write(int fd, const char *first_name, const char *first, size_t first_len,
                 const ov__zd_entry *e, const char (*names)[64], size_t n, int spool_fd,
                 uint16_t dtime, uint16_t ddate)
{
    zw_out o;
    memset(&o, 0, sizeof o);
    o.fd = fd;
    if (!(o.buf = malloc(ZW_BUF_BYTES)))
        return ENOMEM;
    uint32_t crc0 = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)first, (uInt)first_len);
    zw_head h0 = {first_name, 0, crc0, first_len, first_len, 0};
    out_local(&o, &h0, dtime, ddate);
    out_put(&o, first, first_len);
    for (size_t i = 0; i < n && !o.err; i++) {
        const ov__zd_entry *b = ov__zd_bytes(e, i);
        zw_head h = {names[i], 1, e[i].crc, e[i].comp_len, e[i].len, o.pos};
        out_local(&o, &h, dtime, ddate);
        if (b->comp)
            out_put(&o, b->comp, b->comp_len);
        else
            out_spool(&o, spool_fd, b->comp_off, b->comp_len);
    }
    /* the central directory: each local header's offset again, in order */
    uint64_t cd_at = o.pos, at = ZW_LOCAL_LEN + strlen(first_name) + first_len;
    out_central(&o, &h0, dtime, ddate);
    for (size_t i = 0; i < n && !o.err; i++) {
        zw_head h = {names[i], 1, e[i].crc, e[i].comp_len, e[i].len, at};
        out_central(&o, &h, dtime, ddate);
        at += ZW_LOCAL_LEN + strlen(names[i]) + e[i].comp_len;
    }
    uint64_t cd_len = o.pos - cd_at;
    out_u32(&o, ZW_END_SIG);
    out_u16(&o, 0);
    out_u16(&o, 0);
    out_u16(&o, (unsigned)(n + 1));
    out_u16(&o, (unsigned)(n + 1));
    out_u32(&o, (uint32_t)cd_len);
    out_u32(&o, (uint32_t)cd_at);
    out_u16(&o, 0);
    out_flush(&o);
    free(o.buf);
    return o.err;
}
