/*
 * BCP 47 language tags: a well-formedness check (RFC 5646 section 2.1
 * syntax), so `--language` refuses what no reading system understands.
 *
 *   langtag   = language ["-" script] ["-" region] *("-" variant)
 *               *("-" extension) ["-" privateuse]
 *   language  = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
 *   extlang   = 3ALPHA *2("-" 3ALPHA)
 *   script    = 4ALPHA;  region = 2ALPHA / 3DIGIT
 *   variant   = 5*8alphanum / (DIGIT 3alphanum)
 *   extension = singleton 1*("-" (2*8alphanum))
 *   privateuse = "x" 1*("-" (1*8alphanum))
 *
 * Form alone accepts "xx-notalang" ("notalang" has the shape of a
 * variant), so one registry fact is added: a two-letter primary subtag
 * must be an ISO 639-1 code (the short list every two-letter language
 * subtag of the IANA registry comes from). Three-letter codes are too many
 * to list and are checked by form only.
 */
#include "octavo/build.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* ISO 639-1 codes, plus the deprecated in, iw, ji, jw, mo still registered. */
static const char iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km "
    "kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na "
    "nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/* Irregular and regular grandfathered tags (RFC 5646 section 2.2.8). */
static const char *const grandfathered[] = {
    "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
    "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL",
    "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka",
    "zh-min", "zh-min-nan", "zh-xiang", NULL};

typedef struct subtag {
    const char *s;
    size_t n;
} subtag;

static int all(const subtag *t, int (*pred)(int))
{
    for (size_t i = 0; i < t->n; i++)
        if (!pred((unsigned char)t->s[i]))
            return 0;
    return 1;
}

static int is_alpha(const subtag *t, size_t lo, size_t hi) { return t->n >= lo && t->n <= hi && all(t, isalpha); }
static int is_alnum(const subtag *t, size_t lo, size_t hi) { return t->n >= lo && t->n <= hi && all(t, isalnum); }
static int is_digit(const subtag *t, size_t n) { return t->n == n && all(t, isdigit); }

static int is_variant(const subtag *t)
{
    return is_alnum(t, 5, 8) || (t->n == 4 && isdigit((unsigned char)t->s[0]) && all(t, isalnum));
}

static int in_iso639_1(const subtag *t)
{
    char lc[3] = {(char)tolower((unsigned char)t->s[0]), (char)tolower((unsigned char)t->s[1]), 0};
    for (const char *p = iso639_1; *p; p += p[2] ? 3 : 2)
        if (p[0] == lc[0] && p[1] == lc[1])
            return 1;
    return 0;
}

/* Private use: "x" followed by one or more 1-8 alphanumeric subtags, from t[i]. */
static int private_use(const subtag *t, size_t i, size_t n)
{
    if (i + 1 >= n)
        return 0;
    for (size_t k = i + 1; k < n; k++)
        if (!is_alnum(&t[k], 1, 8))
            return 0;
    return 1;
}

#define OV__MAX_SUBTAGS 32

int ov_language_tag_valid(const char *tag)
{
    if (!tag || !*tag || strlen(tag) > OV_BUILD_MAX_LANGUAGE)
        return 0;
    for (size_t g = 0; grandfathered[g]; g++)
        if (strcasecmp(tag, grandfathered[g]) == 0)
            return 1;
    subtag t[OV__MAX_SUBTAGS];
    size_t n = 0;
    for (const char *p = tag;;) {
        const char *e = strchr(p, '-');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len > 8 || n == OV__MAX_SUBTAGS)
            return 0;
        t[n].s = p;
        t[n++].n = len;
        if (!e)
            break;
        p = e + 1;
    }
    size_t i = 0;
    if (t[0].n == 1 && (t[0].s[0] == 'x' || t[0].s[0] == 'X'))
        return private_use(t, 0, n);
    if (!is_alpha(&t[0], 2, 8))
        return 0;
    if (t[0].n == 2 && !in_iso639_1(&t[0]))
        return 0;
    i = 1;
    if (t[0].n <= 3) /* extlang: up to three 3ALPHA subtags */
        for (int k = 0; k < 3 && i < n && is_alpha(&t[i], 3, 3); k++) i++;
    if (i < n && is_alpha(&t[i], 4, 4)) i++;                       /* script */
    if (i < n && (is_alpha(&t[i], 2, 2) || is_digit(&t[i], 3))) i++; /* region */
    while (i < n && is_variant(&t[i])) i++;
    while (i < n && t[i].n == 1 && isalnum((unsigned char)t[i].s[0]) &&
           t[i].s[0] != 'x' && t[i].s[0] != 'X') { /* extension */
        size_t k = i + 1;
        while (k < n && is_alnum(&t[k], 2, 8)) k++;
        if (k == i + 1)
            return 0;
        i = k;
    }
    if (i < n && t[i].n == 1 && (t[i].s[0] == 'x' || t[i].s[0] == 'X'))
        return private_use(t, i, n);
    return i == n;
}
