#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/strset.h"

static const char *const words[] = {"ICP备", "上一篇", "Copyright", "Share this", "尾页", "x", NULL};

/* The answer a strstr per word gives. */
static int by_strstr(const char *const *w, const char *t)
{
    for (; *w; w++)
        if (strstr(t, *w)) return 1;
    return 0;
}

Test(strset, finds_words_anywhere)
{
    static ov__strset s = OV__STRSET(words);
    cr_assert_eq(ov__strset_any(&s, "京ICP备12345号"), 1);
    cr_assert_eq(ov__strset_any(&s, "上一篇：旧闻"), 1);
    cr_assert_eq(ov__strset_any(&s, "(c) Copyright 2026"), 1);
    cr_assert_eq(ov__strset_any(&s, "tail 尾页"), 1);
    cr_assert_eq(ov__strset_any(&s, "box"), 1, "one-byte words count");
    cr_assert_eq(ov__strset_any(&s, "Share that, Copyrigh"), 0);
    cr_assert_eq(ov__strset_any(&s, "上一"), 0, "a word's prefix at the end is no match");
    cr_assert_eq(ov__strset_any(&s, ""), 0);
    cr_assert_eq(ov__strset_any(&s, NULL), 0);
}

Test(strset, empty_word_and_empty_list)
{
    static const char *const none[] = {NULL};
    static const char *const blank[] = {"abc", "", NULL};
    static ov__strset n = OV__STRSET(none), b = OV__STRSET(blank);
    cr_assert_eq(ov__strset_any(&n, "anything"), 0);
    cr_assert_eq(ov__strset_any(&b, ""), 1, "strstr finds the empty word in the empty text");
    cr_assert_eq(ov__strset_any(&b, "xyz"), 1);
}

Test(strset, same_answer_as_strstr_on_every_cut)
{
    /* every substring of a mixed text, against words sharing first bytes */
    static const char *const w2[] = {"ab", "abc", "abd", "相关", "相关新闻", "相關", "b", NULL};
    static ov__strset s = OV__STRSET(w2);
    const char *text = "xxabdd相关文章 相關 zz相关新闻ab";
    size_t n = strlen(text);
    char buf[128];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j <= n; j++) {
            memcpy(buf, text + i, j - i);
            buf[j - i] = '\0';
            cr_assert_eq(ov__strset_any(&s, buf), by_strstr(w2, buf), "at [%zu,%zu) \"%s\"", i, j, buf);
        }
}

Test(strset, word_starting_inside_a_character)
{
    /* continuation bytes are skipped only when no word starts with one */
    static const char *const odd[] = {"\xA0x", NULL};
    static const char *const cjk[] = {"\xE5\xA4\xA9", NULL}; /* 天 */
    static ov__strset o = OV__STRSET(odd), c = OV__STRSET(cjk);
    cr_assert_eq(ov__strset_any(&o, "a\xC2\xA0x"), 1);
    cr_assert_eq(ov__strset_any(&c, "\xE4\xBB\x8A\xE5\xA4\xA9"), 1, "今天");
    cr_assert_eq(ov__strset_any(&c, "\xE4\xBB\x8A\xE5\xA4"), 0);
}

static ov__strset shared = OV__STRSET(words);

static void *race(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        if (ov__strset_any(&shared, "foot Copyright") != 1 || ov__strset_any(&shared, "none") != 0)
            return (void *)1;
    return NULL;
}

Test(strset, first_use_from_many_threads)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++) cr_assert_eq(pthread_create(&t[i], NULL, race, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        pthread_join(t[i], &r);
        cr_assert_null(r);
    }
}

Test(strset, long_list_falls_back)
{
    static const char *many[OV__STRSET_MAX_WORDS + 2];
    static char text[OV__STRSET_MAX_WORDS + 1][8];
    for (int i = 0; i <= OV__STRSET_MAX_WORDS; i++) {
        snprintf(text[i], sizeof text[i], "w%03d", i);
        many[i] = text[i];
    }
    static ov__strset s = OV__STRSET(many);
    cr_assert_eq(ov__strset_any(&s, "..w255.."), 1);
    cr_assert_eq(ov__strset_any(&s, "..w256.."), 0);
}

/* A linear congruential step, and a string of `len` bytes drawn from `set`. */
static unsigned next_rand(unsigned *seed) { return *seed = *seed * 1103515245u + 12345u; }

static void random_bytes(char *out, size_t len, const char *set, size_t n_set, unsigned *seed)
{
    for (size_t k = 0; k < len; k++) out[k] = set[next_rand(seed) % n_set];
    out[len] = '\0';
}

/* `rounds` random lists of 1-12 words of min_len..min_len+spread-1 bytes,
 * each against `texts` random texts shorter than max_text, as strstr says. */
static void random_lists(const char *set, size_t n_set, size_t min_len, size_t spread, int rounds,
                         int texts, size_t max_text, unsigned seed)
{
    static char store[12][16];
    static const char *list[13];
    char text[80];
    for (int round = 0; round < rounds; round++) {
        size_t nw = 1 + (size_t)(round % 12);
        for (size_t i = 0; i < nw; i++) {
            random_bytes(store[i], min_len + next_rand(&seed) % spread, set, n_set, &seed);
            list[i] = store[i];
        }
        list[nw] = NULL;
        ov__strset s = OV__STRSET(list);
        for (int t = 0; t < texts; t++) {
            random_bytes(text, next_rand(&seed) % max_text, set, n_set, &seed);
            cr_assert_eq(ov__strset_any(&s, text), by_strstr(list, text), "round %d text %d", round, t);
        }
        /* a word found at the very start and at the very end */
        char at[40];
        snprintf(at, sizeof at, "%sxx", list[0]);
        cr_assert_eq(ov__strset_any(&s, at), 1);
        snprintf(at, sizeof at, "xx%s", list[nw - 1]);
        cr_assert_eq(ov__strset_any(&s, at), 1);
    }
}

Test(strset, same_answer_as_strstr_on_random_lists)
{
    /* words and texts drawn from a few bytes that share first bytes and
     * pairs (ASCII, a lead byte, continuation bytes): the two-byte filter
     * and the single-byte words must give strstr's answer every time */
    static const char set[] = {'a', 'b', ' ', (char)0xE7, (char)0x9B, (char)0xB8, (char)0x80};
    random_lists(set, sizeof set, 1, 4, 200, 50, 20, 12345);
}

Test(strset, window_search_same_answer_as_strstr)
{
    /* every word 3 bytes or longer: the window search, with windows that
     * share pairs and words longer than the window */
    static const char set[] = {'a', 'b', 'c', (char)0xE7, (char)0x9B, (char)0xB8};
    random_lists(set, sizeof set, 3, 6, 300, 60, 60, 777);
}

Test(strset, word_longer_than_255_bytes)
{
    static char big[300];
    memset(big, 'q', 299);
    big[299] = '\0';
    static const char *const w[] = {big, "zzz", NULL};
    static ov__strset s = OV__STRSET(w);
    static char text[400];
    memset(text, 'q', 399);
    text[399] = '\0';
    cr_assert_eq(ov__strset_any(&s, text), 1);
    text[150] = 'x';
    cr_assert_eq(ov__strset_any(&s, text), by_strstr(w, text));
    cr_assert_eq(ov__strset_any(&s, "a zzz b"), 1);
}
