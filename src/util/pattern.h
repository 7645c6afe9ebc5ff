/* Link patterns that cannot run away: PCRE2 with match limits (pattern.c). */
#ifndef OV_UTIL_PATTERN_H
#define OV_UTIL_PATTERN_H

#include <stddef.h>

/* Steps one match may take (pcre2_set_match_limit), and backtracking depth. */
#define OV_PATTERN_MATCH_LIMIT 100000u
#define OV_PATTERN_DEPTH_LIMIT 1000u
/* Longest pattern accepted. */
#define OV_PATTERN_MAX_BYTES 1024u

typedef struct ov__pattern ov__pattern;

/* Compile `pat` (PCRE2 syntax, a superset of the POSIX ERE people write for
 * URLs). 0 and *out (free with ov__pattern_free), or -1 with the reason and
 * its offset in `why`. */
int ov__pattern_compile(const char *pat, ov__pattern **out, char *why, size_t n);
/* 1 when `s` matches, 0 when not, -1 when the match hit
 * OV_PATTERN_MATCH_LIMIT / OV_PATTERN_DEPTH_LIMIT (a pathological pattern). */
int ov__pattern_match(const ov__pattern *p, const char *s);
void ov__pattern_free(ov__pattern *p);

#endif
