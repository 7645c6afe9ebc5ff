#include "util/strset.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned bucket(unsigned char a, unsigned char b)
{
    return ((unsigned)a * 31u + (unsigned)b) & (OV__STRSET_BUCKETS - 1);
}

static unsigned wm_slot(unsigned char a, unsigned char b)
{
    return ((unsigned)a << 4 ^ (unsigned)b) & (OV__STRSET_WM_TABLE - 1);
}

/* The window search's tables, when every word is long enough for it. */
static void build_window(ov__strset *s, size_t n)
{
    unsigned m = 255;
    for (size_t i = 0; i < n; i++)
        if (s->len[i] < m) m = s->len[i];
    if (n == 0 || s->any_empty || m < OV__STRSET_WM_MIN) return;
    s->wm = 1;
    s->wm_len = m;
    /* a pair found in no word's window lets the window move past it */
    memset(s->shift, (int)(m - 1), sizeof s->shift);
    for (size_t i = n; i-- > 0;) {
        const unsigned char *w = (const unsigned char *)s->words[i];
        for (unsigned j = 1; j < m; j++) { /* the pair w[j-1] w[j], m-1-j from the window's end */
            unsigned h = wm_slot(w[j - 1], w[j]);
            if (m - 1 - j < s->shift[h]) s->shift[h] = (uint8_t)(m - 1 - j);
        }
        unsigned h = wm_slot(w[m - 2], w[m - 1]);
        s->wm_next[i] = s->wm_head[h];
        s->wm_head[h] = (uint8_t)(i + 1);
    }
}

static void build(ov__strset *s)
{
    size_t n = 0;
    while (s->words[n]) n++;
    if (n > OV__STRSET_MAX_WORDS) {
        s->fallback = 1;
        return;
    }
    /* chains keep list order: walk backwards, pushing at the head */
    for (size_t i = n; i-- > 0;) {
        const unsigned char *w = (const unsigned char *)s->words[i];
        size_t l = strlen((const char *)w);
        s->len[i] = (uint8_t)(l > 255 ? 255 : l);
        if (l == 0) s->any_empty = 1;
        else if (l == 1) {
            s->single[w[0]] = 1;
            for (unsigned b = 0; b < 256; b++) /* any next byte, the end included */
                s->pair[(w[0] | b << 8) >> 6] |= (uint64_t)1 << ((w[0] | b << 8) & 63);
        } else {
            unsigned x = w[0] | (unsigned)w[1] << 8;
            s->pair[x >> 6] |= (uint64_t)1 << (x & 63);
            unsigned h = bucket(w[0], w[1]);
            s->next[i] = s->head[h];
            s->head[h] = (uint8_t)(i + 1);
        }
    }
    build_window(s, n);
}

/* The window search: t is `len` bytes, every word at least s->wm_len. */
static int window_any(const ov__strset *s, const unsigned char *t, size_t len)
{
    size_t m = s->wm_len;
    for (size_t end = m - 1; end < len;) { /* t[end] is the window's last byte */
        unsigned h = wm_slot(t[end - 1], t[end]);
        if (s->shift[h]) {
            end += s->shift[h];
            continue;
        }
        const unsigned char *at = t + end + 1 - m;
        for (unsigned k = s->wm_head[h]; k; k = s->wm_next[k - 1]) {
            const char *w = s->words[k - 1];
            size_t l = s->len[k - 1];
            /* past the text's end strncmp meets its NUL: no match */
            if ((unsigned char)w[0] == at[0] && strncmp((const char *)at, w, l == 255 ? strlen(w) : l) == 0)
                return 1;
        }
        end++;
    }
    return 0;
}

int ov__strset_any(ov__strset *s, const char *text)
{
    if (!text) return 0;
    if (!atomic_load_explicit(&s->ready, memory_order_acquire)) {
        pthread_mutex_lock(&build_lock);
        if (!atomic_load_explicit(&s->ready, memory_order_relaxed)) {
            build(s);
            atomic_store_explicit(&s->ready, 1, memory_order_release);
        }
        pthread_mutex_unlock(&build_lock);
    }
    if (s->fallback) {
        for (const char *const *w = s->words; *w; w++)
            if (strstr(text, *w)) return 1;
        return 0;
    }
    if (s->any_empty) return 1;
    const unsigned char *t = (const unsigned char *)text;
    if (s->wm) return window_any(s, t, strlen(text));
    for (size_t i = 0; t[i]; i++) {
        /* no word starts with these two bytes: the common case, one test
         * (and a continuation byte starts none unless a word does) */
        unsigned x = t[i] | (unsigned)t[i + 1] << 8;
        if (!((s->pair[x >> 6] >> (x & 63)) & 1)) continue;
        if (s->single[t[i]]) return 1;
        if (!t[i + 1]) break;
        for (unsigned k = s->head[bucket(t[i], t[i + 1])]; k; k = s->next[k - 1]) {
            const char *w = s->words[k - 1];
            size_t l = s->len[k - 1];
            if ((unsigned char)w[0] == t[i] && (unsigned char)w[1] == t[i + 1] &&
                strncmp((const char *)t + i, w, l == 255 ? strlen(w) : l) == 0)
                return 1;
        }
    }
    return 0;
}
