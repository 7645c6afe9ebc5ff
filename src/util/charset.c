/*
 * charset.c - decide a page's encoding and decode it to clean UTF-8.
 *
 * Evidence is weighed in a fixed order: a byte order mark wins; then the
 * HTTP Content-Type charset; then <meta charset> / http-equiv anywhere in the
 * first OV__CHARSET_META_SCAN bytes (pages that put 2 KB of scripts before
 * the meta are common); then uchardet. A declaration is overruled when the
 * bytes contradict it: a page declared gb2312 whose bytes are valid UTF-8 with
 * non-ASCII content is UTF-8, and a page declared UTF-8 that is not valid
 * UTF-8 goes to detection, unless it is mostly UTF-8 (its valid multi-byte
 * sequences outnumber its stray bytes OV__UTF8_MOSTLY_RATIO to one).
 *
 * Decoding uses glibc iconv. Invalid or truncated sequences become U+FFFD and
 * decoding continues one byte later, so no input can stop or crash it. The
 * output is then scrubbed: NUL and control characters other than tab, LF and
 * CR are removed, and any invalid UTF-8 is replaced by U+FFFD.
 */
#include "util/charset.h"

#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet.h>

#include "util/buf.h"

/* How far into the page we look for a <meta> declaration. */
#define OV__CHARSET_META_SCAN (64u * 1024u)
/* How many bytes uchardet sees. */
#define OV__CHARSET_DETECT_MAX (256u * 1024u)

static void copy_name(char *out, size_t sz, const char *s)
{
    if (sz == 0) return;
    size_t n = strlen(s);
    if (n >= sz) n = sz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void ov__charset_normalize(const char *label, char *out, size_t sz)
{
    static const struct { const char *label, *name; } map[] = {
        {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
        {"gb2312", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"},
        {"gb18030", "GB18030"}, {"cp936", "GB18030"}, {"euc-cn", "GB18030"},
        {"hz-gb-2312", "GB18030"}, {"big5", "BIG5"}, {"big5-hkscs", "BIG5-HKSCS"},
        {"x-x-big5", "BIG5"}, {"cn-big5", "BIG5"}, {"shift_jis", "SHIFT_JIS"},
        {"shift-jis", "SHIFT_JIS"}, {"sjis", "SHIFT_JIS"}, {"x-sjis", "SHIFT_JIS"},
        {"windows-31j", "CP932"}, {"euc-jp", "EUC-JP"}, {"iso-2022-jp", "ISO-2022-JP"},
        {"euc-kr", "EUC-KR"}, {"ks_c_5601-1987", "EUC-KR"}, {"utf-16", "UTF-16"},
        {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"}, {"iso-8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"}, {"us-ascii", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"},
        {"koi8-r", "KOI8-R"}, {"koi8-u", "KOI8-U"}, {"tis-620", "TIS-620"},
    };
    char low[OV__CHARSET_NAME_MAX];
    size_t n = 0;
    if (sz) out[0] = '\0';
    if (!label) return;
    while (*label == ' ' || *label == '"' || *label == '\'') label++;
    for (; label[n] && n + 1 < sizeof low; n++) {
        char c = label[n];
        if (c == '"' || c == '\'' || c == ';' || c == ' ' || c == '>' || c == '/') break;
        low[n] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    low[n] = '\0';
    if (n == 0) return;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(low, map[i].label) == 0) {
            copy_name(out, sz, map[i].name);
            return;
        }
    if (strncmp(low, "windows-125", 11) == 0 || strncmp(low, "iso-8859-", 9) == 0 ||
        strncmp(low, "cp125", 5) == 0) {
        for (size_t i = 0; i < n; i++)
            if (low[i] >= 'a' && low[i] <= 'z') low[i] = (char)(low[i] - 32);
        copy_name(out, sz, low);
        return;
    }
    /* Anything iconv knows is acceptable as is. */
    iconv_t cd = iconv_open("UTF-8", low);
    if (cd != (iconv_t)-1) {
        iconv_close(cd);
        copy_name(out, sz, low);
    }
}

void ov__charset_from_content_type(const char *ct, char *out, size_t sz)
{
    if (sz) out[0] = '\0';
    if (!ct) return;
    const char *p = strcasestr(ct, "charset");
    if (!p) return;
    p += 7;
    while (*p == ' ') p++;
    if (*p != '=') return;
    ov__charset_normalize(p + 1, out, sz);
}

void ov__charset_from_meta(const unsigned char *p, size_t len, size_t limit, char *out, size_t sz)
{
    if (sz) out[0] = '\0';
    if (len > limit) len = limit;
    for (size_t i = 0; i + 5 < len; i++) {
        if (p[i] != '<' || strncasecmp((const char *)p + i + 1, "meta", 4) != 0) continue;
        size_t end = i + 5;
        while (end < len && p[end] != '>') end++;
        char tag[1024];
        size_t n = end - i < sizeof tag - 1 ? end - i : sizeof tag - 1;
        memcpy(tag, p + i, n);
        tag[n] = '\0';
        for (size_t k = 0; k < n; k++)
            if (tag[k] == '\0') tag[k] = ' ';
        const char *c = strcasestr(tag, "charset");
        if (!c) continue;
        c += 7;
        while (*c == ' ') c++;
        if (*c != '=') continue;
        c++;
        while (*c == ' ' || *c == '"' || *c == '\'') c++;
        ov__charset_normalize(c, out, sz);
        if (sz && out[0]) return;
    }
}

/* utf8_seq past its two common cases: other leads, and the checks for
 * overlong forms, surrogates and the end of Unicode. */
static size_t utf8_seq_rest(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07u; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid.
 * Inline for the two cases of nearly every byte of a page. */
static inline size_t utf8_seq(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    /* the usual CJK leads (E1-EC, EE-EF): neither overlong nor a surrogate
     * can follow them, so any two continuation bytes make a character */
    if (c >= 0xE1 && c <= 0xEF && c != 0xED)
        return len >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    return utf8_seq_rest(p, len);
}

/* Eight bytes at p, all ASCII? (Most of a page is, even a CJK one's markup.) */
static int ascii8(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return (w & 0x8080808080808080ull) == 0;
}

/* Eight bytes at p, all printable ASCII (0x20..0x7E)? Exact: with the high
 * bits clear, a borrow in the subtractions only starts at a byte that
 * matches. */
static int plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t w, del;
    memcpy(&w, p, sizeof w);
    if (w & high) return 0;
    if ((w - ones * 0x20) & ~w & high) return 0; /* a byte below 0x20 */
    del = w ^ (ones * 0x7F);
    return !((del - ones) & ~del & high); /* a 0x7F byte */
}

int ov__utf8_valid(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (len - i >= 8 && ascii8(p + i)) { i += 8; continue; }
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) return 0;
        i += n;
    }
    return 1;
}

/* A page whose valid multi-byte UTF-8 sequences outnumber its invalid bytes
 * by this factor is UTF-8 with a few stray bytes (a CMS that pasted one
 * Windows-1252 quote into a UTF-8 page), not a legacy encoding: legacy bytes
 * (é as E9, GBK pairs) almost never form valid UTF-8 sequences. */
#define OV__UTF8_MOSTLY_RATIO 2

/* Valid multi-byte UTF-8 sequences and invalid bytes in [p, p+len). */
static void utf8_counts(const unsigned char *p, size_t len, size_t *multi, size_t *bad)
{
    *multi = *bad = 0;
    for (size_t i = 0; i < len;) {
        if (len - i >= 8 && ascii8(p + i)) { i += 8; continue; }
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0) { (*bad)++; i++; continue; }
        if (n > 1) (*multi)++;
        i += n;
    }
}

/* Append UTF-8 `p` to b, replacing invalid bytes and dropping controls. */
static int scrub_utf8(ov__buf *b, const unsigned char *p, size_t len)
{
    /* valid text comes out as long as it went in: one allocation, and each
     * run of valid characters is copied at once */
    int rc = ov__buf_grow(b, len);
    size_t run = 0;
    for (size_t i = 0; i < len && rc == 0;) {
        if (len - i >= 8 && plain8(p + i)) { i += 8; continue; }
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7F) { i++; continue; }
        size_t n = utf8_seq(p + i, len - i);
        int ctl = (n == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)) ||
                  (n == 2 && c == 0xC2 && p[i + 1] < 0xA0);
        if (n && !ctl) { i += n; continue; }
        rc = ov__buf_put(b, p + run, i - run);
        if (rc == 0 && n == 0) rc = ov__buf_put(b, "\xEF\xBF\xBD", 3);
        i += n ? n : 1;
        run = i;
    }
    if (rc == 0) rc = ov__buf_put(b, p + run, len - run);
    return rc;
}

int ov__utf8_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    if (!ov__utf8_valid(p, len)) return 0;
    for (size_t i = 0; i < len; i++) {
        while (len - i >= 8 && plain8(p + i)) i += 8;
        if (i == len) break;
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') || p[i] == 0x7F ||
            (p[i] == 0xC2 && i + 1 < len && p[i + 1] < 0xA0))
            return 0;
    }
    return 1;
}

int ov__utf8_repair(char **s)
{
    if (!s || !*s)
        return 0;
    if (ov__utf8_clean(*s))
        return 0;
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = strlen(*s);
    ov__buf b = OV__BUF_INIT;
    if (scrub_utf8(&b, p, len) != 0 || ov__buf_putc(&b, '\0') != 0) {
        ov__buf_free(&b);
        return OV_ENOMEM;
    }
    free(*s);
    *s = ov__buf_detach(&b, NULL);
    return 0;
}

static void detect(const unsigned char *in, size_t len, char *out, size_t sz)
{
    out[0] = '\0';
    uchardet_t ud = uchardet_new();
    if (!ud) return;
    if (uchardet_handle_data(ud, (const char *)in, len > OV__CHARSET_DETECT_MAX ? OV__CHARSET_DETECT_MAX : len) == 0) {
        uchardet_data_end(ud);
        ov__charset_normalize(uchardet_get_charset(ud), out, sz);
    }
    uchardet_delete(ud);
}

static void decide(const unsigned char *in, size_t len, const char *ct, char *cs, size_t sz, size_t *skip)
{
    *skip = 0;
    if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) { copy_name(cs, sz, "UTF-8"); *skip = 3; return; }
    if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE) { copy_name(cs, sz, "UTF-16LE"); *skip = 2; return; }
    if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF) { copy_name(cs, sz, "UTF-16BE"); *skip = 2; return; }
    ov__charset_from_content_type(ct, cs, sz);
    if (!cs[0]) ov__charset_from_meta(in, len, OV__CHARSET_META_SCAN, cs, sz);
    if (strncmp(cs, "UTF-16", 6) == 0) cs[0] = '\0'; /* an ASCII meta cannot declare UTF-16 */
    /* one pass: valid when nothing is stray, and then non-ASCII content is
       a multi-byte sequence */
    size_t multi, bad;
    utf8_counts(in, len, &multi, &bad);
    int valid = bad == 0;
    if (cs[0] && strcmp(cs, "UTF-8") != 0 && valid && multi > 0) { copy_name(cs, sz, "UTF-8"); return; }
    if (cs[0] && (strcmp(cs, "UTF-8") != 0 || valid)) return;
    if (valid) { copy_name(cs, sz, "UTF-8"); return; }
    /* declared UTF-8 (or nothing), not valid: a few stray bytes in UTF-8
       text keep it UTF-8 (a truncated last sequence counts as one stray
       byte or more), decoded with the strays as U+FFFD, as a browser does;
       otherwise the bytes are a legacy encoding */
    if (multi > OV__UTF8_MOSTLY_RATIO * bad) { copy_name(cs, sz, "UTF-8"); return; }
    detect(in, len, cs, sz);
    if (!cs[0] || strcmp(cs, "UTF-8") == 0) copy_name(cs, sz, "WINDOWS-1252");
}

static int iconv_all(iconv_t cd, const unsigned char *in, size_t len, ov__buf *raw)
{
    char tmp[8192];
    char *ip = (char *)(uintptr_t)in;
    size_t il = len;
    while (il > 0) {
        char *op = tmp;
        size_t ol = sizeof tmp;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        int e = errno;
        if (ov__buf_put(raw, tmp, (size_t)(op - tmp)) != 0) return OV_ENOMEM;
        if (r != (size_t)-1) break;
        if (e == E2BIG) continue;
        if (ov__buf_put(raw, "\xEF\xBF\xBD", 3) != 0) return OV_ENOMEM;
        if (e == EINVAL) break; /* truncated at the end */
        ip++;
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    return 0;
}

int ov__charset_decode(const unsigned char *in, size_t len, const char *content_type,
                       char **out, size_t *out_len, char *chosen, size_t chosen_sz,
                       ov_error *err)
{
    int rc = 0;
    char cs[OV__CHARSET_NAME_MAX];
    size_t skip;
    ov__buf raw = OV__BUF_INIT, clean = OV__BUF_INIT;
    iconv_t cd = (iconv_t)-1;

    decide(in, len, content_type, cs, sizeof cs, &skip);
    if (strcmp(cs, "UTF-8") == 0) {
        rc = scrub_utf8(&clean, in + skip, len - skip);
    } else {
        cd = iconv_open("UTF-8", cs);
        if (cd == (iconv_t)-1) {
            copy_name(cs, sizeof cs, "WINDOWS-1252");
            cd = iconv_open("UTF-8", cs);
        }
        if (cd == (iconv_t)-1) {
            rc = ov_error_set(err, OV_EIO, NULL, "iconv cannot decode %s", cs);
            goto cleanup;
        }
        rc = iconv_all(cd, in + skip, len - skip, &raw);
        if (rc == 0) rc = scrub_utf8(&clean, (const unsigned char *)(raw.data ? raw.data : ""), raw.len);
    }
    if (rc == 0) rc = ov__buf_put(&clean, "", 0);
    if (rc != 0) {
        rc = ov_error_set(err, rc, NULL, "out of memory decoding the page");
        goto cleanup;
    }
    if (!clean.data && ov__buf_grow(&clean, 1) != 0) {
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    if (chosen) copy_name(chosen, chosen_sz, cs);
    *out = ov__buf_detach(&clean, out_len);
cleanup:
    if (cd != (iconv_t)-1) iconv_close(cd);
    ov__buf_free(&raw);
    ov__buf_free(&clean);
    return rc;
}
