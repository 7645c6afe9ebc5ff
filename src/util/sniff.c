/* Media type from magic bytes only: URLs and Content-Type headers lie (OPF-029). */
#include "octavo/model.h"

#include <string.h>

static int has_prefix(const unsigned char *d, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(d, magic, n) == 0;
}

const char *ov_sniff_media_type(const unsigned char *d, size_t len)
{
    if (!d)
        return NULL;
    if (has_prefix(d, len, "\xFF\xD8\xFF", 3))
        return "image/jpeg";
    if (has_prefix(d, len, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (has_prefix(d, len, "GIF87a", 6) || has_prefix(d, len, "GIF89a", 6))
        return "image/gif";
    if (len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (len >= 12 && memcmp(d + 4, "ftyp", 4) == 0 &&
        (memcmp(d + 8, "avif", 4) == 0 || memcmp(d + 8, "avis", 4) == 0))
        return "image/avif";
    if (has_prefix(d, len, "BM", 2) && len >= 14)
        return "image/bmp";
    if (has_prefix(d, len, "II*\0", 4) || has_prefix(d, len, "MM\0*", 4))
        return "image/tiff";
    /* SVG: skip BOM and white space, then look for <svg or <?xml ... <svg early on */
    size_t i = 0;
    if (has_prefix(d, len, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i < len && d[i] == '<') {
        size_t window = len - i < 1024 ? len - i : 1024;
        for (size_t k = i; k + 4 <= i + window; k++)
            if (memcmp(d + k, "<svg", 4) == 0)
                return "image/svg+xml";
    }
    return NULL;
}
