/*
 * Recipe files: a strict INI-like parser.
 *
 * Design. A recipe is read line by line. A line is blank, a comment (first
 * non-blank character '#' or ';' -- comments are whole lines only, because
 * URLs and CSS selectors contain both characters), a section header
 * ([publication], [section "Name"], [rules "host-or-glob"]) or `key = value`.
 * Values may be double-quoted (\" and \\ escapes) to keep leading or
 * trailing blanks; otherwise surrounding blanks are trimmed.
 *
 * Every key is described by a row of a table (name, type, where it is
 * stored). The parser looks the key up in the table of the current block;
 * an unknown key gets a "did you mean" hint from the closest known key
 * (edit distance <= 2). Single-valued keys may appear once per block;
 * multi-valued keys (`keep`, `remove` in [rules]) are repeated, one value
 * per line, in order. Errors carry "file:line:" so users can fix them.
 *
 * After the last line the recipe is checked as a whole (title, language,
 * at least one section, one source per section) and the section URLs are
 * resolved against `base`. The clock never enters: output names are
 * expanded later from a time the caller passes in.
 */
#include "octavo/recipe.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/charset.h"
#include "util/duration.h"
#include "util/pattern.h"
#include "util/fs.h"

typedef enum key_type { K_STR, K_DAYS, K_COUNT, K_BOOL, K_IMAGES, K_BYTES, K_URLKIND, K_LIST } key_type;
typedef enum block { B_NONE, B_PUB, B_SECTION, B_RULES } block;

typedef struct key_def {
    const char *name;
    key_type type;
    int id;
} key_def;

enum {
    P_ID, P_TITLE, P_LANG, P_PUBLISHER, P_DESC, P_SERIES, P_COVER_TITLE, P_COVER_IMAGE,
    P_COVER_COLOR, P_OUTPUT, P_BASE, P_OLDEST, P_MAX, P_IMAGES, P_GRAY, P_PIXELS, P_BUDGET,
    P_DELAY, P_CONC, P_PERHOST, P_UA, P_ROBOTS, P_MAST, P_FOOTER, P_DEADLINE, P_COUNT_
};
enum { S_FEED, S_SITEMAP, S_PAGE, S_PATTERN, S_OLDEST, S_MAX, S_COUNT_ };
enum { R_KEEP, R_REMOVE, R_TITLE, R_BYLINE, R_DATE, R_COUNT_ };

static const key_def pub_keys[] = {
    {"id", K_STR, P_ID}, {"title", K_STR, P_TITLE}, {"language", K_STR, P_LANG},
    {"publisher", K_STR, P_PUBLISHER}, {"description", K_STR, P_DESC},
    {"series", K_STR, P_SERIES}, {"cover_title", K_STR, P_COVER_TITLE},
    {"cover_image", K_STR, P_COVER_IMAGE}, {"cover_color", K_STR, P_COVER_COLOR},
    {"output", K_STR, P_OUTPUT}, {"base", K_STR, P_BASE}, {"oldest", K_DAYS, P_OLDEST},
    {"max_articles", K_COUNT, P_MAX}, {"images", K_IMAGES, P_IMAGES},
    {"grayscale", K_BOOL, P_GRAY}, {"max_pixels", K_COUNT, P_PIXELS},
    {"book_budget", K_BYTES, P_BUDGET}, {"delay_ms", K_COUNT, P_DELAY},
    {"concurrency", K_COUNT, P_CONC}, {"per_host", K_COUNT, P_PERHOST},
    {"user_agent", K_STR, P_UA}, {"ignore_robots", K_BOOL, P_ROBOTS},
    {"masthead", K_BOOL, P_MAST}, {"source_footer", K_BOOL, P_FOOTER},
    {"deadline", K_STR, P_DEADLINE}, {NULL, K_STR, 0}};
static const key_def sec_keys[] = {
    {"feed", K_URLKIND, S_FEED}, {"sitemap", K_URLKIND, S_SITEMAP}, {"page", K_URLKIND, S_PAGE},
    {"pattern", K_STR, S_PATTERN}, {"oldest", K_DAYS, S_OLDEST},
    {"max_articles", K_COUNT, S_MAX}, {NULL, K_STR, 0}};
static const key_def rule_keys[] = {
    {"keep", K_LIST, R_KEEP}, {"remove", K_LIST, R_REMOVE}, {"title", K_STR, R_TITLE},
    {"byline", K_STR, R_BYLINE}, {"date", K_STR, R_DATE}, {NULL, K_STR, 0}};

typedef struct parser {
    const char *name;
    int line;
    block blk;
    ov_recipe *r;
    unsigned char seen[32]; /* single-valued keys seen in the current block */
    int src_seen;           /* a section's source key (feed/sitemap/page) */
    int has_oldest, has_max; /* section overrides */
    int pub_seen;
    ov_error *err;
} parser;

static int perr(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(parser *p, const char *fmt, ...)
{
    char msg[OV_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->line > 0)
        return ov_error_set(p->err, OV_EPARSE, p->name, "%s:%d: %s", p->name, p->line, msg);
    return ov_error_set(p->err, OV_EPARSE, p->name, "%s: %s", p->name, msg);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static const key_def *keys_of(block b)
{
    return b == B_PUB ? pub_keys : b == B_SECTION ? sec_keys : rule_keys;
}

static const char *block_label(const parser *p, char *buf, size_t size)
{
    if (p->blk == B_PUB)
        snprintf(buf, size, "[publication]");
    else if (p->blk == B_SECTION)
        snprintf(buf, size, "[section \"%s\"]", p->r->sections[p->r->n_sections - 1].name);
    else
        snprintf(buf, size, "[rules \"%s\"]", p->r->rules[p->r->n_rules - 1].host);
    return buf;
}

static int unknown_key(parser *p, const char *key)
{
    const key_def *k = keys_of(p->blk), *best = NULL;
    size_t bd = 3;
    char lab[300];
    for (; k->name; k++) {
        size_t d = edit_distance(key, k->name);
        if (d < bd) {
            bd = d;
            best = k;
        }
    }
    block_label(p, lab, sizeof lab);
    if (best)
        return perr(p, "unknown key '%s' in %s; did you mean '%s'?", key, lab, best->name);
    return perr(p, "unknown key '%s' in %s", key, lab);
}

/* Unquote `v` in place (it is already trimmed). */
static int unquote(parser *p, char *v)
{
    size_t n = strlen(v), o = 0;
    if (n == 0 || v[0] != '"')
        return 0;
    if (n < 2 || v[n - 1] != '"')
        return perr(p, "unterminated quoted value");
    for (size_t i = 1; i < n - 1; i++) {
        if (v[i] == '\\' && i + 1 < n - 1 && (v[i + 1] == '"' || v[i + 1] == '\\'))
            i++;
        else if (v[i] == '"')
            return perr(p, "stray '\"' inside a quoted value (escape it as \\\")");
        v[o++] = v[i];
    }
    v[o] = '\0';
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int parse_u64(parser *p, const char *key, const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)v[0]))
        return perr(p, "'%s' needs a whole number, got '%s'", key, v);
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || x > max)
        return perr(p, "'%s' needs a whole number up to %llu, got '%s'", key,
                    (unsigned long long)max, v);
    *out = x;
    return 0;
}

static int parse_bytes(parser *p, const char *key, const char *v, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)v[0]))
        return perr(p, "'%s' needs a size (bytes, or with KB/MB), got '%s'", key, v);
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    while (*end == ' ')
        end++;
    unsigned long long mul = 1;
    if (!strcasecmp(end, "KB") || !strcasecmp(end, "K"))
        mul = 1024;
    else if (!strcasecmp(end, "MB") || !strcasecmp(end, "M"))
        mul = 1024 * 1024;
    else if (*end)
        return perr(p, "'%s' needs a size (bytes, or with KB/MB), got '%s'", key, v);
    if (errno || x > (1ull << 40) / mul)
        return perr(p, "'%s' is too large: '%s'", key, v);
    *out = x * mul;
    return 0;
}

static int parse_days(parser *p, const char *key, const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || !(d >= 0) || d > 3650)
        return perr(p, "'%s' needs a number of days between 0 and 3650, got '%s'", key, v);
    *out = d;
    return 0;
}

static int parse_bool(parser *p, const char *key, const char *v, int *out)
{
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return perr(p, "'%s' needs yes or no, got '%s'", key, v);
    return 0;
}

static int set_str(parser *p, char **slot, const char *v)
{
    free(*slot);
    *slot = strdup(v);
    return *slot ? 0 : ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
}

static int push_list(parser *p, char ***list, const char *key, const char *v)
{
    size_t n = 0;
    while (*list && (*list)[n])
        n++;
    if (n >= OV_RECIPE_MAX_VALUES)
        return perr(p, "too many '%s' values (limit %d)", key, OV_RECIPE_MAX_VALUES);
    char **nl = realloc(*list, (n + 2) * sizeof *nl);
    if (!nl)
        return ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
    *list = nl;
    nl[n + 1] = NULL;
    nl[n] = strdup(v);
    return nl[n] ? 0 : ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
}

static int warn(parser *p, const char *msg)
{
    char *w = NULL;
    if (asprintf(&w, "%s%s:%d: warning: %s\n", p->r->warnings ? p->r->warnings : "", p->name,
                 p->line, msg) < 0)
        return ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
    free(p->r->warnings);
    p->r->warnings = w;
    return 0;
}

static int set_pub(parser *p, const key_def *k, const char *v)
{
    ov_recipe *r = p->r;
    char **strs[] = {&r->id, &r->title, &r->language, &r->publisher, &r->description,
                     &r->series, &r->cover_title, &r->cover_image, &r->cover_color,
                     &r->output, &r->base};
    uint64_t u = 0;
    int rc = 0;
    if (k->id <= P_BASE)
        return set_str(p, strs[k->id], v);
    switch (k->id) {
    case P_OLDEST: return parse_days(p, k->name, v, &r->oldest_days);
    case P_MAX: rc = parse_u64(p, k->name, v, 100000, &u); r->max_articles = (size_t)u; break;
    case P_IMAGES:
        if (!strcmp(v, "keep"))
            r->images = OV_RECIPE_IMAGES_KEEP;
        else if (!strcmp(v, "none"))
            r->images = OV_RECIPE_IMAGES_NONE;
        else
            rc = perr(p, "'images' needs keep or none, got '%s'", v);
        break;
    case P_GRAY: return parse_bool(p, k->name, v, &r->grayscale);
    case P_PIXELS: return parse_u64(p, k->name, v, 1000000000ull, &r->max_pixels);
    case P_BUDGET: return parse_bytes(p, k->name, v, &r->book_budget);
    case P_DELAY: rc = parse_u64(p, k->name, v, 600000, &u); r->delay_ms = (long)u; break;
    case P_CONC: rc = parse_u64(p, k->name, v, 64, &u); r->concurrency = (unsigned)u; break;
    case P_PERHOST: rc = parse_u64(p, k->name, v, 16, &u); r->per_host = (unsigned)u; break;
    case P_UA: return set_str(p, &r->user_agent, v);
    case P_ROBOTS:
        rc = parse_bool(p, k->name, v, &r->ignore_robots);
        if (!rc && r->ignore_robots)
            rc = warn(p, "ignore_robots = yes: robots.txt will be neither fetched nor obeyed; "
                         "only do this for sites you own or have permission to copy");
        break;
    case P_MAST: return parse_bool(p, k->name, v, &r->masthead);
    case P_FOOTER: return parse_bool(p, k->name, v, &r->source_footer);
    case P_DEADLINE:
        if (ov__parse_duration(v, &r->deadline_secs) != 0)
            rc = perr(p, "'deadline' needs a duration such as 90s, 10m or 2h (at most 7 days), got '%s'", v);
        break;
    default: break;
    }
    return rc;
}

static int set_section(parser *p, const key_def *k, const char *v)
{
    ov_recipe_section *s = &p->r->sections[p->r->n_sections - 1];
    uint64_t u = 0;
    int rc;
    switch (k->id) {
    case S_FEED:
    case S_SITEMAP:
    case S_PAGE:
        if (p->src_seen)
            return perr(p, "section \"%s\" already has a source (use one of feed, sitemap, page)",
                        s->name);
        p->src_seen = 1;
        s->kind = k->id == S_FEED ? OV_RECIPE_FEED : k->id == S_SITEMAP ? OV_RECIPE_SITEMAP
                                                                         : OV_RECIPE_PAGE;
        if (!*v)
            return perr(p, "'%s' needs a URL", k->name);
        return set_str(p, &s->raw_url, v);
    case S_PATTERN: {
        ov__pattern *re = NULL;
        char why[200];
        if (ov__pattern_compile(v, &re, why, sizeof why) != 0)
            return perr(p, "bad 'pattern' '%s': %s", v, why);
        ov__pattern_free(re);
        return set_str(p, &s->pattern, v);
    }
    case S_OLDEST: p->has_oldest = 1; return parse_days(p, k->name, v, &s->oldest_days);
    case S_MAX:
        p->has_max = 1;
        rc = parse_u64(p, k->name, v, 100000, &u);
        s->max_articles = (size_t)u;
        return rc;
    default: return 0;
    }
}

static int set_rule(parser *p, const key_def *k, const char *v)
{
    ov_recipe_rules *ru = &p->r->rules[p->r->n_rules - 1];
    if (!*v)
        return perr(p, "'%s' needs a selector", k->name);
    switch (k->id) {
    case R_KEEP: return push_list(p, &ru->keep, k->name, v);
    case R_REMOVE: return push_list(p, &ru->remove, k->name, v);
    case R_TITLE: return set_str(p, &ru->title, v);
    case R_BYLINE: return set_str(p, &ru->byline, v);
    default: return set_str(p, &ru->date, v);
    }
}

static int handle_key(parser *p, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return perr(p, "expected 'key = value', a [section] header or a comment");
    *eq = '\0';
    char *key = trim(line), *val = trim(eq + 1);
    if (p->blk == B_NONE)
        return perr(p, "key '%s' before any [publication], [section] or [rules] header", key);
    const key_def *k = keys_of(p->blk);
    while (k->name && strcmp(k->name, key))
        k++;
    if (!k->name)
        return unknown_key(p, key);
    int rc = unquote(p, val);
    if (rc)
        return rc;
    if (k->type != K_LIST && k->type != K_URLKIND) {
        if (p->seen[k->id]) {
            char lab[300];
            return perr(p, "duplicate key '%s' in %s", key, block_label(p, lab, sizeof lab));
        }
        p->seen[k->id] = 1;
    }
    if (p->blk == B_PUB)
        return set_pub(p, k, val);
    return p->blk == B_SECTION ? set_section(p, k, val) : set_rule(p, k, val);
}

/* Header "[kind]" or '[kind "arg"]'. */
static int handle_header(parser *p, char *line)
{
    size_t n = strlen(line);
    if (line[n - 1] != ']')
        return perr(p, "section header must end with ']'");
    line[n - 1] = '\0';
    char *kind = trim(line + 1), *arg = NULL;
    char *sp = strpbrk(kind, " \t");
    if (sp) {
        *sp = '\0';
        arg = trim(sp + 1);
        int rc = unquote(p, arg);
        if (rc)
            return rc;
    }
    memset(p->seen, 0, sizeof p->seen);
    p->src_seen = p->has_oldest = p->has_max = 0;
    ov_recipe *r = p->r;
    if (!strcmp(kind, "publication")) {
        if (arg)
            return perr(p, "[publication] takes no name");
        if (p->pub_seen)
            return perr(p, "duplicate [publication] block");
        p->pub_seen = 1;
        p->blk = B_PUB;
        return 0;
    }
    if (strcmp(kind, "section") && strcmp(kind, "rules")) {
        const char *hint = edit_distance(kind, "section") <= 2 ? "section"
                           : edit_distance(kind, "rules") <= 2 ? "rules"
                           : edit_distance(kind, "publication") <= 3 ? "publication" : NULL;
        if (hint)
            return perr(p, "unknown block [%s]; did you mean [%s]?", kind, hint);
        return perr(p, "unknown block [%s] (expected publication, section or rules)", kind);
    }
    if (!arg || !*arg)
        return perr(p, "[%s] needs a quoted name, e.g. [%s \"%s\"]", kind, kind,
                    kind[0] == 's' ? "World" : "www.example.com");
    if (kind[0] == 's') {
        for (size_t i = 0; i < r->n_sections; i++)
            if (!strcmp(r->sections[i].name, arg))
                return perr(p, "duplicate section \"%s\" (first at line %d)", arg,
                            r->sections[i].line);
        if (r->n_sections >= OV_RECIPE_MAX_SECTIONS)
            return perr(p, "too many sections (limit %d)", OV_RECIPE_MAX_SECTIONS);
        ov_recipe_section *ns = realloc(r->sections, (r->n_sections + 1) * sizeof *ns);
        if (!ns)
            return ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
        r->sections = ns;
        memset(&ns[r->n_sections], 0, sizeof *ns);
        ns[r->n_sections].line = p->line;
        ns[r->n_sections].oldest_days = -1;
        ns[r->n_sections].max_articles = (size_t)-1;
        r->n_sections++;
        p->blk = B_SECTION;
        return set_str(p, &ns[r->n_sections - 1].name, arg);
    }
    if (r->n_rules >= OV_RECIPE_MAX_RULES)
        return perr(p, "too many [rules] blocks (limit %d)", OV_RECIPE_MAX_RULES);
    ov_recipe_rules *nr = realloc(r->rules, (r->n_rules + 1) * sizeof *nr);
    if (!nr)
        return ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
    r->rules = nr;
    memset(&nr[r->n_rules], 0, sizeof *nr);
    nr[r->n_rules].line = p->line;
    r->n_rules++;
    p->blk = B_RULES;
    return set_str(p, &nr[r->n_rules - 1].host, arg);
}

static int parse_lines(parser *p, const char *text, size_t len)
{
    char line[OV_RECIPE_MAX_LINE + 1];
    size_t pos = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        pos = 3;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        p->line++;
        if (n > OV_RECIPE_MAX_LINE) {
            perr(p, "line longer than %d bytes", OV_RECIPE_MAX_LINE);
            if (p->err)
                p->err->code = OV_ELIMIT;
            return OV_ELIMIT;
        }
        if (memchr(text + pos, '\0', n))
            return perr(p, "NUL byte in recipe text");
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + 1;
        char *s = trim(line);
        int rc = 0;
        if (!*s || *s == '#' || *s == ';')
            continue;
        rc = *s == '[' ? handle_header(p, s) : handle_key(p, s);
        if (rc)
            return rc;
    }
    return 0;
}

/* Longest id derived from a title (longer ones end in a hash; shorter ones are
   unchanged, so existing state keeps its key) and longest `id =`: both leave
   room under NAME_MAX for the state and lock file suffixes. */
#define OV__RECIPE_MAX_SLUG 160
#define OV__RECIPE_MAX_ID 160

static int slugify(const char *title, char **out)
{
    ov__buf b = OV__BUF_INIT;
    int dash = 0;
    for (const unsigned char *s = (const unsigned char *)title; *s; s++) {
        if (isalnum(*s) || *s >= 0x80) { /* keep UTF-8 letters as they are */
            if (dash && b.len && ov__buf_putc(&b, '-'))
                goto fail;
            dash = 0;
            if (ov__buf_putc(&b, (char)(*s < 0x80 ? tolower(*s) : *s)))
                goto fail;
        } else {
            dash = 1;
        }
    }
    if (!b.len && ov__buf_puts(&b, "recipe"))
        goto fail;
    if (b.len > OV__RECIPE_MAX_SLUG) {
        /* the id names the lock and state files: a long title gets a short
           prefix (cut on a character boundary) and a hash of the whole title */
        uint32_t h = 2166136261u;
        for (const unsigned char *s = (const unsigned char *)title; *s; s++)
            h = (h ^ *s) * 16777619u;
        size_t keep = OV__RECIPE_MAX_SLUG - 9;
        while (keep > 0 && ((unsigned char)b.data[keep] & 0xC0) == 0x80)
            keep--;
        b.len = keep;
        b.data[keep] = '\0';
        char tail[16];
        snprintf(tail, sizeof tail, "-%08x", (unsigned)h);
        if (ov__buf_puts(&b, tail))
            goto fail;
    }
    *out = ov__buf_detach(&b, NULL);
    return 0;
fail:
    ov__buf_free(&b);
    return OV_ENOMEM;
}

static int valid_id(const char *id)
{
    if (!*id)
        return 0;
    for (const unsigned char *s = (const unsigned char *)id; *s; s++)
        if (*s < 0x80 && !isalnum(*s) && !strchr("-_.", *s))
            return 0;
    return 1;
}

static int check_output(const char *tpl)
{
    for (const char *s = tpl; *s; s++) {
        if (*s != '%')
            continue;
        s++;
        /* strchr() finds the terminator too: a trailing '%' is an error */
        if (!*s || !strchr("YmdHMn%", *s))
            return -1;
    }
    return 0;
}

static int finish(parser *p)
{
    ov_recipe *r = p->r;
    p->line = 0;
    if (!r->title || !*r->title)
        return perr(p, "missing required key 'title' in [publication]");
    if (!r->language || !*r->language)
        return perr(p, "missing required key 'language' in [publication]");
    if (!r->n_sections)
        return perr(p, "a recipe needs at least one [section \"Name\"]");
    for (size_t i = 0; i < r->n_sections; i++) {
        ov_recipe_section *s = &r->sections[i];
        p->line = s->line;
        if (!s->raw_url)
            return perr(p, "section \"%s\" needs one of feed, sitemap or page", s->name);
        if (s->pattern && s->kind != OV_RECIPE_PAGE)
            return perr(p, "section \"%s\": 'pattern' only applies to 'page'", s->name);
        if (s->oldest_days < 0)
            s->oldest_days = r->oldest_days;
        if (s->max_articles == (size_t)-1)
            s->max_articles = r->max_articles;
    }
    p->line = 0;
    if (r->id && !valid_id(r->id))
        return perr(p, "'id' may only hold letters, digits, '-', '_' and '.': '%s'", r->id);
    if (r->id && strlen(r->id) > OV__RECIPE_MAX_ID)
        return perr(p, "'id' is %zu bytes long; at most %d (it names the state and lock files)",
                    strlen(r->id), OV__RECIPE_MAX_ID);
    if (!r->id && slugify(r->title, &r->id))
        return ov_error_set(p->err, OV_ENOMEM, p->name, "out of memory");
    if (!r->series && set_str(p, &r->series, r->title))
        return OV_ENOMEM;
    if (!r->output && set_str(p, &r->output, "%Y-%m-%d.epub"))
        return OV_ENOMEM;
    if (check_output(r->output))
        return perr(p, "'output' template '%s': only %%Y %%m %%d %%H %%M %%n %%%% are allowed",
                    r->output);
    for (size_t i = 0; i < r->n_rules; i++) {
        ov_recipe_rules *ru = &r->rules[i];
        ru->rules.keep = (const char *const *)ru->keep;
        ru->rules.remove = (const char *const *)ru->remove;
        ru->rules.title = ru->title;
        ru->rules.byline = ru->byline;
        ru->rules.date = ru->date;
    }
    return ov_recipe_set_base(r, r->base, p->err);
}

int ov_recipe_parse(const char *text, size_t len, const char *name, ov_recipe **out,
                    ov_error *err)
{
    parser p = {0};
    int rc;
    *out = NULL;
    p.name = name ? name : "recipe";
    p.err = err;
    if (len > OV_RECIPE_MAX_BYTES)
        return ov_error_set(err, OV_ELIMIT, p.name, "%s: recipe larger than %u bytes", p.name,
                            OV_RECIPE_MAX_BYTES);
    /* names and titles end up in the book and the state: text must be UTF-8 */
    for (size_t at = 0, line = 1; at < len; line++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        if (!ov__utf8_valid((const unsigned char *)text + at, n))
            return ov_error_set(err, OV_EPARSE, p.name,
                                "%s:%zu: not valid UTF-8 (recipes are UTF-8 text)", p.name, line);
        at += n + 1;
    }
    p.r = calloc(1, sizeof *p.r);
    if (!p.r)
        return ov_error_set(err, OV_ENOMEM, p.name, "out of memory");
    p.r->oldest_days = 2;
    p.r->max_articles = 25;
    p.r->max_pixels = 2000000;
    p.r->book_budget = 50ull * 1024 * 1024;
    p.r->masthead = p.r->source_footer = 1;
    rc = set_str(&p, &p.r->name, p.name);
    if (!rc)
        rc = parse_lines(&p, text, len);
    if (!rc)
        rc = finish(&p);
    if (rc)
        goto cleanup;
    *out = p.r;
    p.r = NULL;
cleanup:
    ov_recipe_free(p.r);
    return rc;
}

int ov_recipe_load(const char *path, ov_recipe **out, ov_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = ov__read_file(path, OV_RECIPE_MAX_BYTES, &data, &len, err);
    if (rc) { /* the message must name the recipe */
        char why[OV_ERROR_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        if (!strstr(why, path))
            ov_error_set(err, rc, path, "%s: %s", path, why);
        goto cleanup;
    }
    rc = ov_recipe_parse((const char *)data, len, path, out, err);
cleanup:
    free(data);
    return rc;
}

static void free_list(char **l)
{
    for (size_t i = 0; l && l[i]; i++)
        free(l[i]);
    free(l);
}

void ov_recipe_free(ov_recipe *r)
{
    if (!r)
        return;
    char *strs[] = {r->name, r->id, r->title, r->language, r->publisher, r->description,
                    r->series, r->cover_title, r->cover_image, r->cover_color, r->output,
                    r->base, r->user_agent, r->warnings};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        free(strs[i]);
    for (size_t i = 0; i < r->n_sections; i++) {
        free(r->sections[i].name);
        free(r->sections[i].raw_url);
        free(r->sections[i].url);
        free(r->sections[i].pattern);
    }
    free(r->sections);
    for (size_t i = 0; i < r->n_rules; i++) {
        free(r->rules[i].host);
        free_list(r->rules[i].keep);
        free_list(r->rules[i].remove);
        free(r->rules[i].title);
        free(r->rules[i].byline);
        free(r->rules[i].date);
    }
    free(r->rules);
    free(r);
}

/* Resolve `rel` against `base` (scheme://host/path): absolute URLs stay,
 * "/x" keeps scheme and host, "x" is appended to the base's directory. */
static int resolve(const char *base, const char *rel, char **out)
{
    ov__buf b = OV__BUF_INIT;
    int rc = 0;
    if (strstr(rel, "://"))
        rc = ov__buf_puts(&b, rel);
    else if (!base || !strstr(base, "://"))
        return OV_EINVAL;
    else {
        const char *host = strstr(base, "://") + 3;
        const char *path = strchr(host, '/');
        size_t keep;
        if (rel[0] == '/')
            keep = path ? (size_t)(path - base) : strlen(base);
        else if (path)
            keep = (size_t)(strrchr(path, '/') - base) + 1;
        else
            keep = strlen(base);
        rc = ov__buf_put(&b, base, keep);
        if (!rc && rel[0] != '/' && !path)
            rc = ov__buf_putc(&b, '/');
        if (!rc)
            rc = ov__buf_puts(&b, rel);
    }
    if (rc) {
        ov__buf_free(&b);
        return rc;
    }
    *out = ov__buf_detach(&b, NULL);
    return 0;
}

int ov_recipe_set_base(ov_recipe *r, const char *base, ov_error *err)
{
    if (base != r->base) {
        char *copy = base ? strdup(base) : NULL;
        if (base && !copy)
            return ov_error_set(err, OV_ENOMEM, r->name, "out of memory");
        free(r->base);
        r->base = copy;
    }
    for (size_t i = 0; i < r->n_sections; i++) {
        ov_recipe_section *s = &r->sections[i];
        char *url = NULL;
        int rc = resolve(r->base, s->raw_url, &url);
        if (rc == OV_EINVAL)
            return ov_error_set(err, OV_EPARSE, r->name,
                                "%s:%d: section \"%s\": relative URL '%s' needs 'base' in "
                                "[publication] (or --base URL)",
                                r->name, s->line, s->name, s->raw_url);
        if (rc)
            return ov_error_set(err, rc, r->name, "out of memory");
        free(s->url);
        s->url = url;
    }
    return 0;
}

/* Host of `url` into buf (lower case, no port/userinfo); 0 or -1. */
static int url_host(const char *url, char *buf, size_t size)
{
    const char *h = strstr(url, "://");
    if (!h)
        return -1;
    h += 3;
    size_t n = strcspn(h, "/?#");
    const char *at = memchr(h, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - h);
        h = at + 1;
    }
    size_t hn = h[0] == '[' ? n : strcspn(h, ":/?#");
    if (hn > n)
        hn = n;
    if (!hn || hn >= size)
        return -1;
    for (size_t i = 0; i < hn; i++)
        buf[i] = (char)tolower((unsigned char)h[i]);
    buf[hn] = '\0';
    return 0;
}

const ov_rules *ov_recipe_rules_for(const ov_recipe *r, const char *url)
{
    char host[256];
    if (!r || !url || url_host(url, host, sizeof host))
        return NULL;
    for (size_t i = 0; i < r->n_rules; i++) {
        const char *pat = r->rules[i].host;
        if (strpbrk(pat, "*?[")) {
            if (!fnmatch(pat, host, FNM_CASEFOLD))
                return &r->rules[i].rules;
            continue;
        }
        size_t hl = strlen(host), pl = strlen(pat);
        if (!strcasecmp(host, pat) ||
            (hl > pl && host[hl - pl - 1] == '.' && !strcasecmp(host + hl - pl, pat)))
            return &r->rules[i].rules;
    }
    return NULL;
}

int ov_recipe_output_name(const ov_recipe *r, time_t now, int issue_number, char **out,
                          ov_error *err)
{
    return ov_output_template_expand(r->output, r->name, now, issue_number, out, err);
}

int ov_output_template_expand(const char *tpl, const char *where, time_t now, int issue_number,
                              char **out, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    struct tm tm;
    int rc = 0;
    *out = NULL;
    b.limit = 4096;
    if (!gmtime_r(&now, &tm))
        return ov_error_set(err, OV_EINVAL, where, "time out of range");
    for (const char *s = tpl; *s && !rc; s++) {
        if (*s != '%') {
            rc = ov__buf_putc(&b, *s);
            continue;
        }
        switch (*++s) {
        case 'Y': rc = ov__buf_printf(&b, "%04d", tm.tm_year + 1900); break;
        case 'm': rc = ov__buf_printf(&b, "%02d", tm.tm_mon + 1); break;
        case 'd': rc = ov__buf_printf(&b, "%02d", tm.tm_mday); break;
        case 'H': rc = ov__buf_printf(&b, "%02d", tm.tm_hour); break;
        case 'M': rc = ov__buf_printf(&b, "%02d", tm.tm_min); break;
        case 'n': rc = ov__buf_printf(&b, "%d", issue_number); break;
        case '%': rc = ov__buf_putc(&b, '%'); break;
        default:
            rc = ov_error_set(err, OV_EINVAL, where, "output template '%s': bad sequence", tpl);
            goto cleanup;
        }
    }
    if (rc) {
        rc = ov_error_set(err, rc, where, "output name too long or out of memory");
        goto cleanup;
    }
    *out = ov__buf_detach(&b, NULL);
cleanup:
    ov__buf_free(&b);
    return rc;
}

void ov_recipe_fetch_options(const ov_recipe *r, ov_fetch_options *opts)
{
    if (r->user_agent)
        opts->user_agent = r->user_agent;
    if (r->concurrency)
        opts->max_total = r->concurrency;
    if (r->per_host)
        opts->max_per_host = r->per_host;
    if (r->delay_ms)
        opts->host_delay_ms = r->delay_ms;
    if (r->ignore_robots)
        opts->ignore_robots = 1;
    if (r->deadline_secs && !opts->deadline_ms) /* --deadline wins */
        opts->deadline_ms = r->deadline_secs * 1000;
}

void ov_recipe_discover_options(const ov_recipe_section *s, int64_t now,
                                ov_discover_options *out)
{
    memset(out, 0, sizeof *out);
    out->pattern = s->pattern;
    out->now = now;
    out->oldest_days = s->oldest_days;
    out->max_articles = s->max_articles;
}
