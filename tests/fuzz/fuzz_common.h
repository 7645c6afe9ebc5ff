/*
 * fuzz_common.h - helpers shared by the fuzz targets (header-only, static).
 *
 * The checks here deliberately do not reuse octavo's own helpers (util/): a
 * property checked with the code under test would prove nothing.
 */
#ifndef OV_FUZZ_COMMON_H
#define OV_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print what broke and abort(), so libFuzzer records the input as a crash. */
static inline void ov_fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz property violated: %s%s%.200s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
static inline int ov_fuzz_utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else
            return 0;
        if (n - i <= k) return 0; /* truncated sequence */
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

/* A NULL or valid UTF-8 C string; `what` names the field in the report. */
static inline void ov_fuzz_check_str(const char *what, const char *s)
{
    if (s && !ov_fuzz_utf8_ok((const unsigned char *)s, strlen(s))) {
        fprintf(stderr, "fuzz: %s = \"", what);
        for (const unsigned char *p = (const unsigned char *)s; *p && p - (const unsigned char *)s < 200; p++)
            fprintf(stderr, *p < 0x20 || *p >= 0x7f ? "\\x%02x" : "%c", *p);
        fprintf(stderr, "\"\n");
        ov_fuzz_fail("invalid UTF-8 in", what);
    }
}

#endif
