/*
 * Image sizes from the file header, without libvips.
 *
 * Most images of a news page are JPEG or PNG that pass through unchanged:
 * opening libvips just to learn their size cost more than everything else
 * done per image. These readers take the size from the JPEG SOF segment or
 * the PNG IHDR chunk, and the EXIF orientation (JPEG APP1, PNG eXIf), the
 * only header facts ov_image_prepare needs to decide on pass-through. They
 * are deliberately narrow: anything unusual (an unknown SOF type, a bad CRC,
 * a second EXIF block, a truncated segment) answers "not sure" and the
 * caller takes the libvips path, which decides exactly as before.
 */
#include <stdint.h>
#include <string.h>

#include "package/image/image_internal.h"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* CRC-32 as PNG uses it (ISO 3309), bitwise: only IHDR's 17 bytes go through it. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

/* EXIF orientation from a TIFF block: 1..8, 1 when absent, -1 when unreadable. */
static int exif_orientation(const unsigned char *t, size_t n)
{
    if (n < 8)
        return -1;
    int le;
    if (t[0] == 'I' && t[1] == 'I')
        le = 1;
    else if (t[0] == 'M' && t[1] == 'M')
        le = 0;
    else
        return -1;
#define U16(p) (le ? (unsigned)((p)[0] | (p)[1] << 8) : be16(p))
#define U32(p) (le ? ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24) : be32(p))
    if (U16(t + 2) != 42)
        return -1;
    uint32_t ifd = U32(t + 4);
    if (ifd > n || n - ifd < 2)
        return -1;
    unsigned count = U16(t + ifd);
    if ((n - ifd - 2) / 12 < count)
        return -1;
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *e = t + ifd + 2 + 12 * i;
        if (U16(e) != 0x0112)
            continue;
        if (U16(e + 2) != 3 || U32(e + 4) != 1) /* SHORT, one value */
            return -1;
        unsigned o = U16(e + 8);
        return o >= 1 && o <= 8 ? (int)o : 1;
    }
    return 1;
#undef U16
#undef U32
}

static int jpeg_header(const unsigned char *d, size_t n, int *w, int *h, int *orient)
{
    size_t i = 2;
    int exif_seen = 0;
    *orient = 1;
    if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
        return 0;
    while (i + 4 <= n) {
        if (d[i] != 0xff)
            return 0;
        unsigned m = d[i + 1];
        if (m == 0xff) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            return 0; /* scan data or end before a frame header */
        size_t len = be16(d + i + 2);
        if (len < 2 || len > n - i - 2)
            return 0;
        const unsigned char *seg = d + i + 4;
        size_t slen = len - 2;
        if (m == 0xe1 && slen >= 6 && memcmp(seg, "Exif\0\0", 6) == 0) {
            if (exif_seen++)
                return 0;
            if ((*orient = exif_orientation(seg + 6, slen - 6)) < 0)
                return 0;
        }
        if (m == 0xc0 || m == 0xc1 || m == 0xc2) { /* baseline, extended, progressive */
            if (slen < 6 || seg[0] != 8)
                return 0;
            unsigned hh = be16(seg + 1), ww = be16(seg + 3), comps = seg[5];
            if (!hh || !ww || (comps != 1 && comps != 3 && comps != 4))
                return 0;
            *w = (int)ww;
            *h = (int)hh;
            return 1;
        }
        if ((m >= 0xc3 && m <= 0xcf) && m != 0xc4 && m != 0xc8 && m != 0xcc)
            return 0; /* lossless, hierarchical, arithmetic: let libvips judge */
        i += 2 + len;
    }
    return 0;
}

static int png_header(const unsigned char *d, size_t n, int *w, int *h, int *orient)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    *orient = 1;
    if (n < 33 || memcmp(d, sig, 8) != 0 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return 0;
    if (crc32_png(d + 12, 17) != be32(d + 29))
        return 0;
    uint32_t ww = be32(d + 16), hh = be32(d + 20);
    unsigned depth = d[24], ctype = d[25];
    if (!ww || !hh || ww > 0x7fffffffu || hh > 0x7fffffffu || d[26] || d[27] || d[28] > 1)
        return 0;
    int ok_depth = (ctype == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                   (ctype == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                   ((ctype == 2 || ctype == 4 || ctype == 6) && (depth == 8 || depth == 16));
    if (!ok_depth)
        return 0;
    /* an eXIf chunk before the pixels may rotate the image: libvips decides */
    for (size_t i = 33; i + 8 <= n;) {
        uint32_t len = be32(d + i);
        if (memcmp(d + i + 4, "IDAT", 4) == 0 || memcmp(d + i + 4, "IEND", 4) == 0)
            break;
        if (memcmp(d + i + 4, "eXIf", 4) == 0)
            return 0;
        if (len > n - i - 8 || n - i - 8 - len < 4)
            return 0;
        i += 12 + (size_t)len;
    }
    *w = (int)ww;
    *h = (int)hh;
    return 1;
}

int ov__image_fast_header(const unsigned char *d, size_t n, const char *mt, int *w, int *h,
                          int *orientation)
{
    if (!d || !mt)
        return 0;
    if (!strcmp(mt, "image/jpeg"))
        return jpeg_header(d, n, w, h, orientation);
    if (!strcmp(mt, "image/png"))
        return png_header(d, n, w, h, orientation);
    return 0;
}
