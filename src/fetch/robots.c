/*
 * robots.txt: parsing and matching (RFC 9309).
 *
 * Groups start with one or more User-agent lines; the rules that follow
 * belong to every agent named. We keep the rules of the groups naming our
 * product token ("octavo", case-insensitive) or, when there are none, of
 * the "*" groups. A path is allowed unless the longest matching rule is a
 * Disallow; on a tie Allow wins. Patterns support '*' (any run) and a final
 * '$' (end anchor). Unknown lines are ignored; the input is capped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/fetch_internal.h"

typedef struct rule {
    char *pattern;
    int allow;
} rule;

struct ov__robots {
    rule *rules;
    size_t n, cap;
};

void ov__robots_free(ov__robots *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->rules[i].pattern);
    free(r->rules);
    free(r);
}

static int add_rule(ov__robots *r, const char *pat, size_t len, int allow)
{
    if (r->n >= OV__ROBOTS_MAX_RULES)
        return 0;
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 16;
        rule *p = realloc(r->rules, ncap * sizeof *p);
        if (!p)
            return -1;
        r->rules = p;
        r->cap = ncap;
    }
    char *s = strndup(pat, len);
    if (!s)
        return -1;
    r->rules[r->n].pattern = s;
    r->rules[r->n].allow = allow;
    r->n++;
    return 0;
}

/* Does the line's key equal `key`? Sets *val / *vlen to the trimmed value. */
static int line_key(const char *line, size_t len, const char *key, const char **val,
                    size_t *vlen)
{
    size_t k = strlen(key);
    if (len < k || strncasecmp(line, key, k) != 0)
        return 0;
    size_t i = k;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || line[i] != ':')
        return 0;
    i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t e = len;
    while (e > i && isspace((unsigned char)line[e - 1]))
        e--;
    *val = line + i;
    *vlen = e - i;
    return 1;
}

static int agent_matches(const char *v, size_t vlen, const char *agent)
{
    size_t al = strlen(agent);
    return vlen >= al && strncasecmp(v, agent, al) == 0;
}

/* One pass: keep rules of groups that match (want_star: the "*" groups). */
static int collect(ov__robots *r, const char *txt, size_t len, const char *agent,
                   int want_star, int *found)
{
    int in_agents = 0, selected = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && txt[end] != '\n' && txt[end] != '\r')
            end++;
        const char *line = txt + pos;
        size_t ll = end - pos;
        const char *hash = memchr(line, '#', ll);
        if (hash)
            ll = (size_t)(hash - line);
        while (ll && isspace((unsigned char)*line)) {
            line++;
            ll--;
        }
        const char *v;
        size_t vl;
        if (line_key(line, ll, "user-agent", &v, &vl)) {
            if (!in_agents)
                selected = 0;
            in_agents = 1;
            int m = want_star ? (vl == 1 && v[0] == '*') : agent_matches(v, vl, agent);
            if (m) {
                selected = 1;
                *found = 1;
            }
        } else if (line_key(line, ll, "allow", &v, &vl) ||
                   line_key(line, ll, "disallow", &v, &vl)) {
            in_agents = 0;
            int allow = tolower((unsigned char)line[0]) == 'a';
            if (selected && vl && add_rule(r, v, vl, allow) < 0)
                return -1;
        } else if (ll) {
            in_agents = 0; /* sitemap, crawl-delay, ...: ends the agent list */
        }
        pos = end + 1;
    }
    return 0;
}

ov__robots *ov__robots_parse(const char *txt, size_t len, const char *agent)
{
    ov__robots *r = calloc(1, sizeof *r);
    int found = 0;
    if (!r)
        return NULL;
    if (len > OV__ROBOTS_MAX_BYTES)
        len = OV__ROBOTS_MAX_BYTES;
    if (collect(r, txt, len, agent, 0, &found) < 0)
        goto fail;
    if (!found && collect(r, txt, len, agent, 1, &found) < 0)
        goto fail;
    return r;
fail:
    ov__robots_free(r);
    return NULL;
}

/*
 * Does pattern `p` match a prefix of `s` (or all of it with a final '$')?
 * Two-pointer glob matching with one backtrack point: O(len(p) * len(s)) at
 * worst, so hostile patterns such as "*a*a*a*a*b" cannot blow up.
 */
static int pattern_match(const char *p, const char *s)
{
    size_t plen = strlen(p);
    int anchored = plen && p[plen - 1] == '$';
    if (anchored)
        plen--;
    const char *star = NULL, *star_s = NULL;
    size_t pi = 0;
    while (*s) {
        if (pi == plen && !anchored)
            return 1; /* pattern consumed: a prefix matched */
        if (pi < plen && p[pi] == '*') {
            star = p + pi++;
            star_s = s;
        } else if (pi < plen && p[pi] == *s) {
            pi++;
            s++;
        } else if (star) {
            pi = (size_t)(star - p) + 1;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (pi < plen && p[pi] == '*')
        pi++;
    return pi == plen;
}

int ov__robots_allowed(const ov__robots *r, const char *path)
{
    size_t best = 0;
    int best_allow = 1, have = 0;
    for (size_t i = 0; r && i < r->n; i++) {
        if (!pattern_match(r->rules[i].pattern, path))
            continue;
        size_t plen = strlen(r->rules[i].pattern);
        if (!have || plen > best || (plen == best && r->rules[i].allow)) {
            best = plen;
            best_allow = r->rules[i].allow;
            have = 1;
        }
    }
    return best_allow;
}
