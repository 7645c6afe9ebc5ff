/* ov__utf8_clean and ov__utf8_repair against byte-by-byte references: their
 * eight-bytes-at-a-time skip over printable ASCII changes no answer. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/charset.h"

/* Same rules as charset.c, one byte at a time. */
static size_t seq(const unsigned char *p, size_t len)
{
    unsigned char c = p[0];
    if (c < 0x80) return 1;
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
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static int ctl_at(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    return (n == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)) ||
           (n == 2 && c == 0xC2 && p[1] < 0xA0);
}

static char *ref_repair(const unsigned char *p, size_t len, int *clean)
{
    ov__buf b = OV__BUF_INIT;
    *clean = 1;
    for (size_t i = 0; i < len;) {
        size_t n = seq(p + i, len - i);
        if (n && !ctl_at(p + i, n)) { cr_assert_eq(ov__buf_put(&b, p + i, n), 0); i += n; continue; }
        *clean = 0;
        if (!n) cr_assert_eq(ov__buf_put(&b, "\xEF\xBF\xBD", 3), 0);
        i += n ? n : 1;
    }
    cr_assert_eq(ov__buf_putc(&b, '\0'), 0);
    return ov__buf_detach(&b, NULL);
}

Test(utf8, clean_and_repair_match_the_bytewise_rules)
{
    static const char *const pieces[] = {"abcdefgh", "x", " ", "\t", "\n", "\r", "\x01", "\x1f", "\x7f", "~",
                                         "\xc2\x80", "\xc2\x9f", "\xc2\xa0", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
                                         "\xff", "\xc2", "\xe4\xb8", "\xed\xa0\x80", "0123456789abcdef"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    srand(7);
    for (int it = 0; it < 20000; it++) {
        char s[256];
        size_t len = 0;
        for (int k = rand() % 24; k > 0; k--) {
            const char *pc = pieces[(size_t)rand() % np];
            size_t l = strlen(pc);
            if (len + l >= sizeof s) break;
            memcpy(s + len, pc, l);
            len += l;
        }
        s[len] = '\0';
        int clean;
        char *want = ref_repair((const unsigned char *)s, len, &clean);
        cr_assert_eq(ov__utf8_clean(s), clean, "%s", s);
        char *got = strdup(s);
        cr_assert_eq(ov__utf8_repair(&got), 0);
        cr_assert_str_eq(got, want);
        free(got);
        free(want);
    }
}

Test(utf8, every_three_byte_sequence_as_the_rules_say)
{
    /* all 16 three-byte leads with every pair of following bytes, whole and
     * cut short: ov__utf8_valid's shortcut for E1-EC and EE-EF agrees */
    unsigned char p[3];
    for (unsigned a = 0xE0; a <= 0xEF; a++)
        for (unsigned b = 0; b < 256; b++) {
            p[0] = (unsigned char)a;
            p[1] = (unsigned char)b;
            cr_assert_eq(ov__utf8_valid(p, 2), 0, "%02x %02x", a, b);
            for (unsigned c = 0; c < 256; c++) {
                p[2] = (unsigned char)c;
                cr_assert_eq(ov__utf8_valid(p, 3), seq(p, 3) == 3, "%02x %02x %02x", a, b, c);
            }
        }
}
