/*
 * feedtext.c - what a feed's bytes and strings need before and after XML.
 *
 * Before parsing: the document is decoded to UTF-8 once, with the charset
 * evidence in RFC 7303 order (BOM, HTTP charset, XML declaration) checked
 * against the bytes by util/charset.c (a GBK feed labelled UTF-8 is
 * detected, as pages are), and named HTML entities are rewritten as numeric
 * references, because libxml2's recovery mode deletes entities XML does not
 * declare. After parsing: titles and summaries are plain text (HTML stripped,
 * entities decoded), and relative links inside content are resolved.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/fetch_internal.h"
#include "fetch/feed_internal.h"
#include "util/buf.h"
#include "util/charset.h"

size_t ov__utf8_put(unsigned cp, char *o)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Code points 0x80-0x9F as windows-1252 means them (feeds that say ISO-8859-1
 * or write &#146; mean cp1252); 0 where cp1252 has nothing. */
static unsigned cp1252_c1(unsigned c)
{
    static const unsigned short t[32] = {
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};
    return c >= 0x80 && c <= 0x9F ? t[c - 0x80] : c;
}

/* Valid UTF-8 that carries C1 controls (U+0080-U+009F): what a cp1252 text
 * re-encoded as if it were ISO-8859-1 looks like. Rewrite them as cp1252's
 * characters into a malloc'd copy; NULL when there are none. */
static unsigned char *demoronize(const unsigned char *d, size_t len, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < len; i++)
        n += d[i] == 0xC2 && d[i + 1] >= 0x80 && d[i + 1] <= 0x9F;
    if (!n || !ov__utf8_valid(d, len))
        return NULL;
    unsigned char *o = malloc(len + n * 2 + 1);
    size_t k = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (d[i] == 0xC2 && i + 1 < len && d[i + 1] >= 0x80 && d[i + 1] <= 0x9F) {
            unsigned cp = cp1252_c1(d[i + 1]);
            if (cp)
                k += ov__utf8_put(cp, (char *)o + k);
            i++;
            continue;
        }
        o[k++] = d[i];
    }
    *out_len = k;
    return o;
}

/* The encoding= of an XML declaration at the start of an ASCII-compatible
 * document, normalised, or empty. */
static void xml_decl_charset(const unsigned char *d, size_t len, char *out, size_t sz)
{
    out[0] = '\0';
    size_t i = 0;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    while (i < len && isspace(d[i]))
        i++;
    if (len - i < 6 || memcmp(d + i, "<?xml", 5) != 0)
        return;
    const unsigned char *end = memchr(d + i, '>', len - i < 512 ? len - i : 512);
    if (!end)
        return;
    char decl[512];
    size_t n = (size_t)(end - (d + i));
    memcpy(decl, d + i, n);
    decl[n] = '\0';
    for (size_t k = 0; k < n; k++)
        if (decl[k] == '\0')
            decl[k] = ' ';
    const char *e = strstr(decl, "encoding");
    if (!e)
        return;
    e += 8;
    while (*e == ' ')
        e++;
    if (*e != '=')
        return;
    e++;
    while (*e == ' ' || *e == '"' || *e == '\'')
        e++;
    ov__charset_normalize(e, out, sz);
}

/* A UTF-16/32 document without a BOM, from its first characters ("<?"). */
static const char *wide_pattern(const unsigned char *d, size_t len, size_t *skip)
{
    *skip = 0;
    if (len >= 4 && d[0] == 0xFF && d[1] == 0xFE && d[2] == 0 && d[3] == 0) {
        *skip = 4;
        return "UTF-32LE";
    }
    if (len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xFE && d[3] == 0xFF) {
        *skip = 4;
        return "UTF-32BE";
    }
    if (len >= 4 && d[0] == '<' && d[1] == 0 && d[2] == 0 && d[3] == 0)
        return "UTF-32LE";
    if (len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == '<')
        return "UTF-32BE";
    if (len >= 4 && d[0] == '<' && d[1] == 0 && d[2] != 0 && d[3] == 0)
        return "UTF-16LE";
    if (len >= 4 && d[0] == 0 && d[1] == '<' && d[2] == 0 && d[3] != 0)
        return "UTF-16BE";
    return NULL;
}

static int is_name_start(unsigned char c)
{
    return isalpha(c);
}

/* One numeric reference at p ("&#226;", "&#xE2;", or a Latin-1 name): its
 * value and length, or 0. */
static size_t numeric_ref(const char *p, size_t left, unsigned long *v)
{
    if (left >= 3 && p[0] == '&' && isalpha((unsigned char)p[1])) {
        /* a named Latin-1 entity counts too ("&acirc;&#128;&brvbar;") */
        size_t k = 1;
        while (k < left && k <= OV__ENTITY_NAME_MAX && isalnum((unsigned char)p[k]))
            k++;
        if (k >= left || p[k] != ';')
            return 0;
        unsigned cp = ov__html_entity(p + 1, k - 1);
        if (cp < 0x80 || cp > 0xFF)
            return 0;
        *v = cp;
        return k + 1;
    }
    if (left < 4 || p[0] != '&' || p[1] != '#')
        return 0;
    int hex = p[2] == 'x' || p[2] == 'X';
    size_t k = hex ? 3 : 2, d0 = k;
    while (k < left && k - d0 < 8 && (hex ? isxdigit((unsigned char)p[k]) : isdigit((unsigned char)p[k])))
        k++;
    if (k == d0 || k >= left || p[k] != ';')
        return 0;
    *v = strtoul(p + d0, NULL, hex ? 16 : 10);
    return k + 1;
}

/* UTF-8 written as one reference per byte ("&#226;&#128;&#166;" for U+2026):
 * the code point and the length of the run, or 0. */
static size_t double_encoded(const char *p, size_t left, unsigned *cp)
{
    unsigned long v[4];
    size_t len[4], off = 0;
    if (!numeric_ref(p, left, &v[0]) || v[0] < 0xC2 || v[0] > 0xF4)
        return 0;
    size_t need = v[0] >= 0xF0 ? 4 : v[0] >= 0xE0 ? 3 : 2;
    unsigned char bytes[4];
    for (size_t i = 0; i < need; i++) {
        if (!(len[i] = numeric_ref(p + off, left - off, &v[i])) || v[i] > 0xFF)
            return 0;
        if (i && (v[i] < 0x80 || v[i] > 0xBF))
            return 0;
        bytes[i] = (unsigned char)v[i];
        off += len[i];
    }
    if (!ov__utf8_valid(bytes, need))
        return 0;
    unsigned c = bytes[0] & (need == 2 ? 0x1Fu : need == 3 ? 0x0Fu : 0x07u);
    for (size_t i = 1; i < need; i++)
        c = (c << 6) | (bytes[i] & 0x3Fu);
    *cp = c;
    return off;
}

/* Rewrite entities in decoded UTF-8 `s` into b (see ov__feed_prepare). */
static int rewrite_entities(ov__buf *b, const char *s, size_t len)
{
    int has_dtd_entities = memmem(s, len, "<!ENTITY", 8) != NULL;
    int rc = 0;
    size_t i = 0, run = 0;
    while (i < len && !rc) {
        const char *p = s + i;
        size_t left = len - i;
        const char *skip_end = NULL;
        if (*p == '<' && left >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
            skip_end = "]]>";
        else if (*p == '<' && left >= 4 && memcmp(p, "<!--", 4) == 0)
            skip_end = "-->";
        if (skip_end) {
            const char *e = memmem(p, left, skip_end, 3);
            size_t n = e ? (size_t)(e - p) + 3 : left;
            i += n;
            continue;
        }
        if (*p != '&') {
            i++;
            continue;
        }
        rc = ov__buf_put(b, s + run, i - run);
        size_t n = 1;
        unsigned dcp;
        size_t dn = double_encoded(p, left, &dcp);
        if (dn) {
            if (!rc)
                rc = ov__buf_printf(b, "&#%u;", dcp);
            n = dn;
        } else if (left > 1 && p[1] == '#') {
            size_t k = 2;
            int hex = left > 2 && (p[2] == 'x' || p[2] == 'X');
            if (hex)
                k++;
            size_t d0 = k;
            while (k < left && (hex ? isxdigit((unsigned char)p[k]) : isdigit((unsigned char)p[k])))
                k++;
            if (k > d0 && k < left && p[k] == ';') {
                n = k + 1;
                unsigned long v = strtoul(p + d0, NULL, hex ? 16 : 10);
                if (v >= 0x80 && v <= 0x9F && cp1252_c1((unsigned)v)) /* &#146; means cp1252 */
                    rc = ov__buf_printf(b, "&#%u;", cp1252_c1((unsigned)v));
                else if (hex && p[2] == 'X') /* XML allows only a lower-case x */
                    rc = rc ? rc : ov__buf_printf(b, "&#x%.*s;", (int)(k - d0), p + d0);
                else if (!rc)
                    rc = ov__buf_put(b, p, n); /* a character reference: keep as is */
            } else if (!rc) {
                rc = ov__buf_puts(b, "&amp;");
            }
        } else if (left > 1 && is_name_start((unsigned char)p[1])) {
            size_t k = 1;
            while (k < left && k <= OV__ENTITY_NAME_MAX + 1 && isalnum((unsigned char)p[k]))
                k++;
            if (k < left && p[k] == ';') {
                const char *name = p + 1;
                size_t nl = k - 1;
                unsigned cp = 0;
                int xml = (nl == 3 && memcmp(name, "amp", 3) == 0) ||
                          (nl == 2 && (memcmp(name, "lt", 2) == 0 || memcmp(name, "gt", 2) == 0)) ||
                          (nl == 4 && memcmp(name, "quot", 4) == 0) ||
                          (nl == 4 && memcmp(name, "apos", 4) == 0);
                n = k + 1;
                if (xml || (has_dtd_entities && !ov__html_entity(name, nl))) {
                    if (!rc)
                        rc = ov__buf_put(b, p, n);
                } else if ((cp = ov__html_entity(name, nl)) != 0) {
                    if (!rc)
                        rc = ov__buf_printf(b, "&#%u;", cp);
                } else if (!rc) {
                    /* unknown and undeclared: keep its text rather than lose it */
                    rc = ov__buf_puts(b, "&amp;");
                    n = 1;
                }
            } else if (!rc) {
                rc = ov__buf_puts(b, "&amp;");
            }
        } else if (!rc) {
            rc = ov__buf_puts(b, "&amp;");
        }
        i += n;
        run = i;
    }
    if (!rc)
        rc = ov__buf_put(b, s + run, len - run);
    return rc;
}

int ov__feed_prepare(const unsigned char *data, size_t len, const char *content_type,
                     char **out, size_t *out_len, size_t *nuls, ov_error *err)
{
    char hdr[OV__CHARSET_NAME_MAX], decl[OV__CHARSET_NAME_MAX], ct[128];
    size_t skip = 0;
    char *dec = NULL;
    size_t dec_len = 0;
    ov__buf b = OV__BUF_INIT;
    int rc;
    *out = NULL;
    *nuls = 0;
    const char *wide = wide_pattern(data, len, &skip);
    ov__charset_from_content_type(content_type, hdr, sizeof hdr);
    if (wide) {
        snprintf(ct, sizeof ct, "application/xml; charset=%s", wide);
    } else {
        for (size_t i = 0; i < len; i++)
            *nuls += data[i] == 0;
        xml_decl_charset(data, len, decl, sizeof decl);
        const char *cs = hdr[0] ? hdr : decl;
        /* a wide charset named for bytes that are not wide is a mislabel */
        if (strncmp(cs, "UTF-16", 6) == 0 || strncmp(cs, "UTF-32", 6) == 0 ||
            strncasecmp(cs, "utf-16", 6) == 0 || strncasecmp(cs, "utf-32", 6) == 0)
            cs = "";
        snprintf(ct, sizeof ct, "application/xml%s%s", cs[0] ? "; charset=" : "", cs);
    }
    size_t fixed_len = 0;
    unsigned char *fixed = wide ? NULL : demoronize(data, len, &fixed_len);
    if (fixed) {
        data = fixed;
        len = fixed_len;
    }
    rc = ov__charset_decode(data + skip, len - skip, ct, &dec, &dec_len, NULL, 0, err);
    free(fixed);
    if (rc)
        return rc;
    b.limit = (size_t)OV_FETCH_MAX_FEED_BYTES * 2;
    if ((rc = rewrite_entities(&b, dec, dec_len)) == 0 && (rc = ov__buf_put(&b, "", 0)) == 0)
        *out = ov__buf_detach(&b, out_len);
    else
        rc = ov_error_set(err, rc, NULL, rc == OV_ELIMIT ? "feed too large after decoding"
                                                          : "out of memory");
    free(dec);
    ov__buf_free(&b);
    return rc;
}

/* Decode the entity at s (s[0] == '&') into b; bytes consumed, 0 if none. */
static size_t decode_entity(const char *s, ov__buf *b)
{
    char u[4];
    unsigned cp = 0;
    size_t k;
    if (s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        k = hex ? 3 : 2;
        size_t d0 = k;
        while (k - d0 < 8 && (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k]))) {
            cp = cp * (hex ? 16u : 10u) +
                 (unsigned)(isdigit((unsigned char)s[k]) ? s[k] - '0' : (tolower((unsigned char)s[k]) - 'a' + 10));
            k++;
        }
        if (k == d0)
            return 0;
        if (s[k] == ';')
            k++;
        if (cp >= 0x80 && cp <= 0x9F && cp1252_c1(cp))
            cp = cp1252_c1(cp);
    } else {
        k = 1;
        while (k <= OV__ENTITY_NAME_MAX && isalnum((unsigned char)s[k]))
            k++;
        if (s[k] != ';' || k == 1)
            return 0;
        const char *name = s + 1;
        size_t nl = k - 1;
        if (nl == 3 && memcmp(name, "amp", 3) == 0)
            cp = '&';
        else if (nl == 2 && memcmp(name, "lt", 2) == 0)
            cp = '<';
        else if (nl == 2 && memcmp(name, "gt", 2) == 0)
            cp = '>';
        else if (nl == 4 && memcmp(name, "quot", 4) == 0)
            cp = '"';
        else if (nl == 4 && memcmp(name, "apos", 4) == 0)
            cp = '\'';
        else
            cp = ov__html_entity(name, nl);
        if (!cp)
            return 0;
        k++;
    }
    ov__buf_put(b, u, ov__utf8_put(cp, u));
    return k;
}

static int block_tag(const char *name, size_t n)
{
    static const char *const blocks[] = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2",
                                         "h3", "h4", "h5", "h6", "blockquote", "pre", "ul",
                                         "ol", "dd", "dt", "hr", "table", "section", "article"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strlen(blocks[i]) == n && strncasecmp(name, blocks[i], n) == 0)
            return 1;
    return 0;
}

/* End of the tag starting at s[0] == '<' (index after '>'), or 0 if it is not a tag. */
static size_t tag_end(const char *s)
{
    size_t i = 1;
    char q = 0;
    for (; s[i]; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            if (s[i - 1] == '=' || isspace((unsigned char)s[i - 1]))
                q = s[i];
        } else if (s[i] == '>') {
            return i + 1;
        }
    }
    return 0;
}

char *ov__text_collapse(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    size_t k = 0;
    int sp = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            sp = 1;
            continue;
        }
        if (sp && k)
            o[k++] = ' ';
        sp = 0;
        o[k++] = (char)c;
    }
    o[k] = '\0';
    if (!k) {
        free(o);
        return NULL;
    }
    return o;
}

char *ov__html_to_text(const char *html)
{
    if (!html)
        return NULL;
    ov__buf b = OV__BUF_INIT;
    size_t i = 0;
    while (html[i]) {
        const char *p = html + i;
        if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?')) {
            if (strncmp(p, "<!--", 4) == 0) {
                const char *e = strstr(p + 4, "-->");
                i = e ? (size_t)(e - html) + 3 : strlen(html);
                continue;
            }
            size_t e = tag_end(p);
            if (!e) {
                ov__buf_putc(&b, '<');
                i++;
                continue;
            }
            const char *name = p + 1 + (p[1] == '/');
            size_t nl = 0;
            while (isalnum((unsigned char)name[nl]))
                nl++;
            if (p[1] != '/' && ((nl == 6 && strncasecmp(name, "script", 6) == 0) ||
                                (nl == 5 && strncasecmp(name, "style", 5) == 0))) {
                char close[9];
                snprintf(close, sizeof close, "</%.*s", (int)nl, name);
                const char *c = strcasestr(p + e, close);
                if (c) {
                    size_t ce = tag_end(c);
                    i = (size_t)(c - html) + (ce ? ce : strlen(c));
                } else {
                    i = strlen(html);
                }
                continue;
            }
            if (block_tag(name, nl))
                ov__buf_putc(&b, ' ');
            i += e;
            continue;
        }
        if (*p == '&') {
            size_t k = decode_entity(p, &b);
            if (k) {
                i += k;
                continue;
            }
        }
        ov__buf_putc(&b, *p);
        i++;
    }
    char *res = b.data ? ov__text_collapse(b.data) : NULL;
    ov__buf_free(&b);
    return res;
}

char *ov__text_to_html(const char *s)
{
    ov__buf b = OV__BUF_INIT;
    if (ov__buf_put_xml(&b, s ? s : "") != 0 || ov__buf_put(&b, "", 0) != 0) {
        ov__buf_free(&b);
        return NULL;
    }
    return ov__buf_detach(&b, NULL);
}

char *ov__base64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s);
    unsigned char *o = malloc(n / 4 * 3 + 4);
    unsigned acc = 0;
    int bits = 0;
    size_t k = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else if (c == '=')
            break;
        else if (isspace(c))
            continue;
        else {
            free(o);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (unsigned char)((acc >> bits) & 0xFF);
        }
    }
    o[k] = '\0';
    if (len)
        *len = k;
    return (char *)o;
}

static int link_attr(const char *name, size_t n)
{
    static const char *const attrs[] = {"href", "src", "cite", "poster", "longdesc", "background"};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (strlen(attrs[i]) == n && strncasecmp(name, attrs[i], n) == 0)
            return 1;
    return 0;
}

/* Does `v` (decoded attribute value) need resolving? Not when absolute or a fragment. */
static int relative_ref(const char *v)
{
    if (!v[0] || v[0] == '#')
        return 0;
    for (const char *p = v; *p; p++) {
        if (*p == ':')
            return 0; /* has a scheme (http:, mailto:, data:) */
        if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
            break;
    }
    return 1;
}

/* Resolve one tag's link attributes: copy tag [s, s+len) into b. */
static int resolve_tag(ov__buf *b, const char *s, size_t len, const char *base)
{
    size_t i = 1;
    int rc = 0;
    while (i < len && (isalnum((unsigned char)s[i]) || s[i] == ':' || s[i] == '-'))
        i++;
    rc = ov__buf_put(b, s, i);
    while (i < len && !rc) {
        size_t ws = i;
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        size_t an = i;
        while (i < len && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' &&
               s[i] != '/')
            i++;
        size_t ae = i;
        if (ae == an) {
            rc = ov__buf_put(b, s + ws, (i < len ? i + 1 : i) - ws);
            i++;
            continue;
        }
        size_t eq = i;
        while (eq < len && isspace((unsigned char)s[eq]))
            eq++;
        if (eq >= len || s[eq] != '=') {
            rc = ov__buf_put(b, s + ws, i - ws);
            continue;
        }
        size_t v = eq + 1;
        while (v < len && isspace((unsigned char)s[v]))
            v++;
        size_t vs = v, ve;
        char q = 0;
        if (v < len && (s[v] == '"' || s[v] == '\'')) {
            q = s[v];
            vs = v + 1;
            ve = vs;
            while (ve < len && s[ve] != q)
                ve++;
            i = ve < len ? ve + 1 : ve;
        } else {
            ve = vs;
            while (ve < len && !isspace((unsigned char)s[ve]) && s[ve] != '>')
                ve++;
            i = ve;
        }
        char *resolved = NULL;
        if (link_attr(s + an, ae - an)) {
            char *raw = strndup(s + vs, ve - vs);
            char *val = raw ? ov__html_to_text(raw) : NULL; /* decode &amp; */
            if (val && relative_ref(val))
                resolved = ov__url_resolve(base, val);
            free(raw);
            free(val);
        }
        if (resolved) {
            rc = ov__buf_put(b, s + ws, ae - ws);
            if (!rc)
                rc = ov__buf_puts(b, "=\"");
            if (!rc)
                rc = ov__buf_put_xml(b, resolved);
            if (!rc)
                rc = ov__buf_putc(b, '"');
            free(resolved);
        } else {
            rc = ov__buf_put(b, s + ws, i - ws);
        }
    }
    return rc;
}

char *ov__html_resolve(const char *html, const char *base)
{
    ov__buf b = OV__BUF_INIT;
    int rc = 0;
    size_t i = 0, run = 0;
    if (!html)
        return NULL;
    if (!base || (!strcasestr(html, "href") && !strcasestr(html, "src") &&
                  !strcasestr(html, "cite") && !strcasestr(html, "poster") &&
                  !strcasestr(html, "longdesc") && !strcasestr(html, "background")))
        return strdup(html);
    while (html[i] && !rc) {
        if (html[i] == '<' && strncmp(html + i, "<!--", 4) == 0) {
            const char *e = strstr(html + i + 4, "-->");
            i = e ? (size_t)(e - html) + 3 : strlen(html);
            continue;
        }
        if (html[i] != '<' || !isalpha((unsigned char)html[i + 1])) {
            i++;
            continue;
        }
        size_t e = tag_end(html + i);
        if (!e) {
            i++;
            continue;
        }
        rc = ov__buf_put(&b, html + run, i - run);
        if (!rc)
            rc = resolve_tag(&b, html + i, e, base);
        i += e;
        run = i;
    }
    if (!rc)
        rc = ov__buf_put(&b, html + run, strlen(html + run));
    if (!rc)
        rc = ov__buf_put(&b, "", 0);
    if (rc) {
        ov__buf_free(&b);
        return NULL;
    }
    return ov__buf_detach(&b, NULL);
}
