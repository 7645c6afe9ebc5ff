/*
 * blocks.c - text statistics per element, a paragraph classifier and a
 * block scorer: the two candidates the extractor compares.
 *
 * Statistics. One pre-order pass indexes the elements (their _private holds
 * index + 1) and counts the text directly in each; totals are then summed
 * child to parent by walking the index backwards (a child always comes
 * after its parent), so every figure is linear in the page. "own" is the
 * text of a block that is not inside a nested block: a paragraph's text.
 *
 * Paragraph classifier (after jusText, Pomikálek 2011). Each block's own
 * text is good, near-good, short or bad from its length, its link density
 * and how much it reads like prose: the share of function words in Latin
 * text, the share of sentence punctuation (，。、；：！？) in CJK text, where
 * a character, not a word, is the unit. Short and near-good paragraphs then
 * take the class of their neighbours, so a caption or a one-line source
 * between good paragraphs is kept and a short link between menus is not.
 *
 * Block scorer (after Readability.js). Each paragraph of 25 characters or
 * more scores 1 + commas + its length in hundreds (at most 3); its parent
 * gets the score whole, the grandparent half, further ancestors a third of
 * it per level. An element starts from its tag and class hints and ends
 * multiplied by 1 - link density over its whole text.
 */
#include "transform/blocks.h"
#include "transform/xmlname.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OV__WORD_MAX 16

static const char *const BLOCK_TAGS[] = {
    "p", "div", "td", "th", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "section", "article", "main", "header", "figcaption", "caption", "address", "center", "table", "tr",
    "ul", "ol", "dl", "figure", "form", "body", "html", "aside", "nav", "footer", "tbody", "thead",
    "tfoot", "details", "summary", "fieldset", "hgroup", "frameset", "noscript", NULL};

/* English function words. */
static const char *const STOPS[] = {
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "each", "even",
    "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "just", "like", "many", "may", "me", "more", "most", "much", "my", "no", "not",
    "now", "of", "on", "one", "only", "or", "other", "our", "out", "over", "said", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "why", "will", "with", "would", "you", "your"};

/* Letters in the longest of STOPS ("because", "between", "through"). */
#define OV__STOP_MAX 7
/* Slots of the stop word table (a power of two, over twice the words). */
#define OV__STOP_SLOTS 256

/*
 * The stop words as a hash set of their bytes packed into an integer (at
 * most OV__STOP_MAX bytes, zero-padded, so two words share a key only when
 * they are the same word), built once: is_stop runs for every word of every
 * page, and a probe or two costs less than a binary search of strings.
 */
static uint64_t stop_keys[OV__STOP_SLOTS]; /* 0: empty */
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static uint64_t stop_key(const char *w, size_t wl)
{
    uint64_t k = 0;
    memcpy(&k, w, wl);
    return k;
}

static unsigned stop_slot(uint64_t k)
{
    return (unsigned)((k * 0x9E3779B97F4A7C15ull) >> 56) & (OV__STOP_SLOTS - 1);
}

static void stop_init(void)
{
    for (size_t i = 0; i < sizeof STOPS / sizeof STOPS[0]; i++) {
        size_t l = strlen(STOPS[i]);
        if (l == 0 || l > OV__STOP_MAX) continue; /* a longer one could never match */
        uint64_t k = stop_key(STOPS[i], l);
        unsigned h = stop_slot(k);
        while (stop_keys[h] && stop_keys[h] != k) h = (h + 1) & (OV__STOP_SLOTS - 1);
        stop_keys[h] = k;
    }
}

/* Is w (wl bytes, no NUL among them) one of STOPS? */
static int is_stop(const char *w, size_t wl)
{
    if (wl == 0 || wl > OV__STOP_MAX) return 0;
    pthread_once(&stop_once, stop_init);
    uint64_t k = stop_key(w, wl);
    for (unsigned h = stop_slot(k); stop_keys[h]; h = (h + 1) & (OV__STOP_SLOTS - 1))
        if (stop_keys[h] == k) return 1;
    return 0;
}

static int name_in(xmlNodePtr n, const char *const *names) { return ov__name_in(n->name, names); }

/* What ov__acc_text does with an ASCII byte: 0 a letter or digit, 1 space
 * or a control byte (not counted), 2 a comma, 3 other sentence punctuation,
 * 4 any other character. The table gives the same answers as the general
 * path below, which every byte of 0x80 and up still takes. */
enum { ACC_ALNUM, ACC_SKIP, ACC_COMMA, ACC_PUNCT, ACC_OTHER };
static const unsigned char acc_ascii[128] = {
    [0 ... 0x1F] = ACC_SKIP, [' '] = ACC_SKIP,
    ['!'] = ACC_PUNCT, ['"' ... '+'] = ACC_OTHER, [','] = ACC_COMMA, ['-'] = ACC_OTHER,
    ['.'] = ACC_PUNCT, ['/'] = ACC_OTHER, ['0' ... '9'] = ACC_ALNUM, [':'] = ACC_PUNCT,
    [';'] = ACC_PUNCT, ['<' ... '>'] = ACC_OTHER, ['?'] = ACC_PUNCT, ['@'] = ACC_OTHER,
    ['A' ... 'Z'] = ACC_ALNUM, ['[' ... '`'] = ACC_OTHER, ['a' ... 'z'] = ACC_ALNUM,
    ['{' ... 0x7F] = ACC_OTHER,
};

/* A word of ov__acc_text ends (when one was open): a stop word counts. The
 * word holds its first OV__WORD_MAX - 1 letters at most and wl of them; a
 * longer word is longer than any stop word, which is_stop answers. */
_Static_assert(OV__STOP_MAX < OV__WORD_MAX - 1, "a word cut at OV__WORD_MAX - 1 letters is no stop word");
static void end_word(ov__acc *a, const char *word, size_t wl, int *in_word)
{
    if (*in_word && is_stop(word, wl)) a->stops++;
    *in_word = 0;
}

void ov__acc_text(ov__acc *a, const char *s)
{
    char word[OV__WORD_MAX];
    size_t wl = 0;
    int in_word = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        if (*p < 0x80) { /* the same steps as below, by table */
            unsigned k = acc_ascii[*p];
            if (k == ACC_ALNUM) {
                if (!in_word) { a->words++; in_word = 1; wl = 0; }
                do {
                    unsigned c = *p++;
                    if (wl + 1 < OV__WORD_MAX) word[wl++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                    a->chars++;
                } while (*p < 0x80 && acc_ascii[*p] == ACC_ALNUM);
                continue;
            }
            p++;
            end_word(a, word, wl, &in_word);
            if (k == ACC_SKIP) continue;
            a->chars++;
            if (k == ACC_COMMA) { a->commas++; a->punct++; }
            else if (k == ACC_PUNCT) a->punct++;
            continue;
        }
        if (*p >= 0xE4 && *p <= 0xE9 && p[1] && p[2]) {
            /* ov__acc_decode makes U+4000..U+9FFF of these whatever follows: an
               ideograph, CJK and counted, never a letter, space or stop */
            p += 3;
            end_word(a, word, wl, &in_word);
            a->chars++;
            a->cjk++;
            continue;
        }
        unsigned c = ov__acc_decode(&p);
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= 0xC0 && c < 0x2000 && c != 0xD7 && c != 0xF7);
        if (alnum && !ov__acc_cjk(c)) {
            if (!in_word) { a->words++; in_word = 1; wl = 0; }
            if (wl + 1 < OV__WORD_MAX) word[wl++] = (char)(c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : '#');
            a->chars++;
            continue;
        }
        end_word(a, word, wl, &in_word);
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x3000 || c < 0x20) continue;
        a->chars++;
        if (ov__acc_cjk(c)) a->cjk++;
        if (c == ',' || c == 0xFF0C || c == 0x3001) { a->commas++; a->punct++; }
        else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == 0x3002 || c == 0xFF1B ||
                 c == 0xFF1A || c == 0xFF01 || c == 0xFF1F)
            a->punct++;
    }
    end_word(a, word, wl, &in_word);
}

static void acc_add(ov__acc *d, const ov__acc *s)
{
    d->chars += s->chars;
    d->cjk += s->cjk;
    d->links += s->links;
    d->punct += s->punct;
    d->commas += s->commas;
    d->words += s->words;
    d->stops += s->stops;
}

double ov__acc_len(const ov__acc *a)
{
    return (double)(a->chars - a->cjk) + 3.0 * (double)a->cjk;
}

size_t ov__tree_index(const ov__tree *t, xmlNodePtr n)
{
    if (!n || n->type != XML_ELEMENT_NODE || !n->_private) return (size_t)-1;
    size_t i = (uintptr_t)n->_private - 1;
    return i < t->n && t->node[i] == n ? i : (size_t)-1;
}

int ov__tree_build(ov__tree *t, xmlNodePtr root)
{
    size_t cap = 256;
    memset(t, 0, sizeof *t);
    t->root = root;
    t->node = malloc(cap * sizeof *t->node);
    t->st = calloc(cap, sizeof *t->st);
    if (!t->node || !t->st) goto nomem;
    xmlNodePtr cur = root;
    size_t parent = 0; /* index + 1 of cur's parent element */
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE) {
            if (t->n == cap) {
                size_t nc = cap * 2;
                xmlNodePtr *nn = realloc(t->node, nc * sizeof *nn);
                if (!nn) goto nomem;
                t->node = nn;
                ov__nstat *ns = realloc(t->st, nc * sizeof *ns);
                if (!ns) goto nomem;
                t->st = ns;
                memset(t->st + cap, 0, (nc - cap) * sizeof *ns);
                cap = nc;
            }
            t->node[t->n] = cur;
            t->st[t->n].parent = (uint32_t)parent;
            t->st[t->n].block = (uint8_t)name_in(cur, BLOCK_TAGS);
            cur->_private = (void *)(uintptr_t)(++t->n);
            if (cur->children) {
                parent = t->n;
                cur = cur->children;
                continue;
            }
        } else if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) && parent) {
            ov__acc_text(&t->st[parent - 1].base, (const char *)cur->content);
        }
        if (cur == root) break;
        while (cur != root && !cur->next) {
            cur = cur->parent;
            size_t pi = ov__tree_index(t, cur);
            parent = pi == (size_t)-1 || pi == 0 ? 0 : t->st[pi].parent;
        }
        if (cur == root) break;
        cur = cur->next;
    }
    ov__tree_sum(t, 0);
    t->page = t->st[0].total;
    return 0;
nomem:
    free(t->node);
    free(t->st);
    memset(t, 0, sizeof *t);
    return -1;
}

void ov__tree_free(ov__tree *t)
{
    for (size_t i = 0; i < t->n; i++) t->node[i]->_private = NULL;
    free(t->node);
    free(t->st);
    memset(t, 0, sizeof *t);
}

void ov__tree_sum(ov__tree *t, int level)
{
    for (size_t i = 0; i < t->n; i++) {
        ov__nstat *s = &t->st[i];
        s->total = s->base;
        s->own = s->base;
        s->good = 0;
        s->gone = (uint8_t)((level && s->drop >= level) || (s->parent && t->st[s->parent - 1].gone));
    }
    for (size_t i = t->n; i-- > 0;) {
        ov__nstat *s = &t->st[i];
        if (ov__name_eq(t->node[i]->name, BAD_CAST "a")) {
            s->total.links = s->total.chars;
            s->own.links = s->own.chars;
        }
        if (s->cls == OV__CLS_GOOD) s->good += s->own.chars - s->own.links;
        if (!s->parent || (level && s->drop >= level)) continue;
        ov__nstat *p = &t->st[s->parent - 1];
        p->good += s->good;
        acc_add(&p->total, &s->total);
        if (!s->block) acc_add(&p->own, &s->own);
    }
}

int ov__tree_dropped(const ov__tree *t, size_t i)
{
    return t->st[i].gone;
}

/* ---- paragraph classifier ---- */

#define OV__LEN_LOW 70.0
#define OV__LEN_HIGH 200.0
#define OV__STOP_LOW 0.30
#define OV__STOP_HIGH 0.32
#define OV__CJK_PUNCT_LOW 0.025
#define OV__CJK_PUNCT_HIGH 0.04
#define OV__MAX_LINK_DENSITY 0.2
#define OV__HEADING_DISTANCE 200.0

static int is_heading(xmlNodePtr n)
{
    return (n->name[0] == 'h' || n->name[0] == 'H') && n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2];
}

static int classify_one(const ov__nstat *s)
{
    const ov__acc *a = &s->own;
    /* one CJK character carries about a Latin word: four characters */
    double len = (double)(a->chars - a->cjk) + 4.0 * a->cjk;
    double ld = a->chars ? (double)a->links / a->chars : 0;
    if (ld > OV__MAX_LINK_DENSITY || s->boiler) return OV__CLS_BAD;
    if (len < OV__LEN_LOW) return a->links ? OV__CLS_BAD : OV__CLS_SHORT;
    double prose, low, high;
    if (a->cjk * 2 > a->chars) {
        prose = (double)a->punct / a->chars;
        low = OV__CJK_PUNCT_LOW;
        high = OV__CJK_PUNCT_HIGH;
    } else {
        prose = a->words ? (double)a->stops / a->words : 0;
        low = OV__STOP_LOW;
        high = OV__STOP_HIGH;
    }
    if (prose >= high) return len > OV__LEN_HIGH ? OV__CLS_GOOD : OV__CLS_NEARGOOD;
    if (prose >= low) return OV__CLS_NEARGOOD;
    return OV__CLS_BAD;
}

void ov__classify(ov__tree *t)
{
    size_t nb = 0;
    size_t *b = malloc((t->n ? t->n : 1) * sizeof *b);
    int *cls = NULL, *prev_gb = NULL, *next_gb = NULL, *prev_any = NULL, *next_any = NULL;
    if (!b) return;
    for (size_t i = 0; i < t->n; i++) {
        t->st[i].cls = OV__CLS_NONE;
        if (t->st[i].block && t->st[i].own.chars > 0) b[nb++] = i;
    }
    cls = malloc((nb + 1) * sizeof *cls);
    prev_gb = malloc((nb + 1) * sizeof *prev_gb);
    next_gb = malloc((nb + 1) * sizeof *next_gb);
    prev_any = malloc((nb + 1) * sizeof *prev_any);
    next_any = malloc((nb + 1) * sizeof *next_any);
    if (!cls || !prev_gb || !next_gb || !prev_any || !next_any) goto cleanup;
    for (size_t k = 0; k < nb; k++) cls[k] = classify_one(&t->st[b[k]]);
    /* a short heading followed closely by good text is near-good */
    for (size_t k = 0; k < nb; k++) {
        if (!is_heading(t->node[b[k]]) || cls[k] != OV__CLS_SHORT) continue;
        double dist = 0;
        for (size_t j = k + 1; j < nb && dist <= OV__HEADING_DISTANCE; j++) {
            if (cls[j] == OV__CLS_GOOD) { cls[k] = OV__CLS_NEARGOOD; break; }
            dist += ov__acc_len(&t->st[b[j]].own);
        }
    }
    /* nearest neighbours: good/bad only, and any class but short */
    int gb = OV__CLS_BAD, any = OV__CLS_BAD;
    for (size_t k = 0; k < nb; k++) {
        prev_gb[k] = gb;
        prev_any[k] = any;
        if (cls[k] == OV__CLS_GOOD || cls[k] == OV__CLS_BAD) gb = cls[k];
        if (cls[k] != OV__CLS_SHORT) any = cls[k];
    }
    gb = any = OV__CLS_BAD;
    for (size_t k = nb; k-- > 0;) {
        next_gb[k] = gb;
        next_any[k] = any;
        if (cls[k] == OV__CLS_GOOD || cls[k] == OV__CLS_BAD) gb = cls[k];
        if (cls[k] != OV__CLS_SHORT) any = cls[k];
    }
    for (size_t k = 0; k < nb; k++) {
        int c = cls[k];
        if (c == OV__CLS_SHORT) {
            if (prev_gb[k] == OV__CLS_GOOD && next_gb[k] == OV__CLS_GOOD) c = OV__CLS_GOOD;
            else if (prev_gb[k] == OV__CLS_BAD && next_gb[k] == OV__CLS_BAD) c = OV__CLS_BAD;
            else if ((prev_gb[k] == OV__CLS_BAD && prev_any[k] == OV__CLS_NEARGOOD) ||
                     (next_gb[k] == OV__CLS_BAD && next_any[k] == OV__CLS_NEARGOOD))
                c = OV__CLS_GOOD;
            else c = OV__CLS_BAD;
        } else if (c == OV__CLS_NEARGOOD) {
            c = prev_gb[k] == OV__CLS_BAD && next_gb[k] == OV__CLS_BAD ? OV__CLS_BAD : OV__CLS_GOOD;
        }
        t->st[b[k]].cls = (uint8_t)c;
    }
    ov__tree_sum(t, 0);
cleanup:
    free(b);
    free(cls);
    free(prev_gb);
    free(next_gb);
    free(prev_any);
    free(next_any);
}

int ov__prose_like(const ov__acc *a)
{
    if (!a->chars) return 0;
    if (a->cjk * 2 > a->chars) return (double)a->punct / a->chars >= OV__CJK_PUNCT_LOW;
    return a->words && (double)a->stops / a->words >= 0.25;
}

/* ---- block scorer ---- */

static double tag_score(xmlNodePtr n)
{
    static const char *const minus3[] = {"address", "ol", "ul", "dl", "dd", "dt", "li", "form", NULL};
    static const char *const minus5[] = {"h1", "h2", "h3", "h4", "h5", "h6", "th", NULL};
    if (ov__name_eq(n->name, BAD_CAST "div")) return 5;
    if (ov__name_eq(n->name, BAD_CAST "article")) return 15;
    if (name_in(n, (const char *const[]){"pre", "td", "blockquote", NULL})) return 3;
    if (name_in(n, minus3)) return -3;
    if (name_in(n, minus5)) return -5;
    return 0;
}

size_t ov__score(ov__tree *t)
{
    static const char *const paras[] = {"p", "pre", "td", "blockquote", "li", "div", "section", "dd", "font",
                                        "span", "center", "article", "main", "body", NULL};
    for (size_t i = 0; i < t->n; i++) {
        t->st[i].score = 0;
        t->st[i].scored = 0;
    }
    for (size_t i = 0; i < t->n; i++) {
        ov__nstat *s = &t->st[i];
        if (!s->block || s->own.chars < 25 || !name_in(t->node[i], paras) || t->st[i].gone) continue;
        double len = ov__acc_len(&s->own);
        double sc = 1 + s->own.commas + (len / 100 > 3 ? 3 : len / 100);
        size_t a = s->parent;
        for (int lvl = 0; a && lvl < 5; lvl++, a = t->st[a - 1].parent) {
            ov__nstat *as = &t->st[a - 1];
            if (!as->scored) {
                as->scored = 1;
                as->score += tag_score(t->node[a - 1]) + 25.0 * as->weight;
            }
            as->score += sc / (lvl == 0 ? 1 : lvl == 1 ? 2 : lvl * 3);
        }
    }
    size_t best = (size_t)-1;
    for (size_t i = 0; i < t->n; i++) {
        ov__nstat *s = &t->st[i];
        if (!s->scored) continue;
        double ld = s->total.chars ? (double)s->total.links / s->total.chars : 0;
        s->score *= 1 - ld;
        if (best == (size_t)-1 || s->score > t->st[best].score) best = i;
    }
    return best;
}
