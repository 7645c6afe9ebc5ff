/*
 * pattern.c - URL patterns (--pattern, recipe `pattern =`) on PCRE2.
 *
 * glibc's regexec backtracks without bound: "(a+)+$" over a few hundred long
 * URLs took 40 s, and "(a+)\1$" never ended. PCRE2 runs each match under a
 * step limit and a backtracking depth limit, so a pathological pattern fails
 * with an error instead of stalling the run; a pattern is compiled when the
 * recipe or the command line is read, so a bad one is a usage error before
 * anything is fetched.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "util/pattern.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ov__pattern {
    pcre2_code *code;
    pcre2_match_context *mctx;
};

int ov__pattern_compile(const char *pat, ov__pattern **out, char *why, size_t n)
{
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    *out = NULL;
    if (!pat || strlen(pat) > OV_PATTERN_MAX_BYTES) {
        snprintf(why, n, "longer than %u bytes (OV_PATTERN_MAX_BYTES)", OV_PATTERN_MAX_BYTES);
        return -1;
    }
    ov__pattern *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    p->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                            &ecode, &eoff, NULL);
    if (!p->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ecode, msg, sizeof msg);
        snprintf(why, n, "%s at offset %zu", (const char *)msg, (size_t)eoff);
        free(p);
        return -1;
    }
    p->mctx = pcre2_match_context_create(NULL);
    if (!p->mctx) {
        snprintf(why, n, "out of memory");
        ov__pattern_free(p);
        return -1;
    }
    pcre2_set_match_limit(p->mctx, OV_PATTERN_MATCH_LIMIT);
    pcre2_set_depth_limit(p->mctx, OV_PATTERN_DEPTH_LIMIT);
    *out = p;
    return 0;
}

int ov__pattern_match(const ov__pattern *p, const char *s)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->code, NULL);
    if (!md)
        return -1;
    int rc = pcre2_match(p->code, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md, p->mctx);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    return -1; /* match or depth limit, or a bad subject (invalid UTF-8) */
}

void ov__pattern_free(ov__pattern *p)
{
    if (!p)
        return;
    pcre2_match_context_free(p->mctx);
    pcre2_code_free(p->code);
    free(p);
}
