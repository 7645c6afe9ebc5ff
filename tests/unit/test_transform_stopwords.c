/* ov__acc_text counts English function words (the classifier's stop word
 * density): each listed word counts once, in any case, and nothing else
 * does, however close. */
#include <criterion/criterion.h>
#include <string.h>

#include "transform/blocks.h"

static unsigned stops_in(const char *text)
{
    ov__acc a;
    memset(&a, 0, sizeof a);
    ov__acc_text(&a, text);
    return a.stops;
}

Test(stopwords, every_word_of_the_list_counts)
{
    static const char *const words[] = {
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "each", "even",
        "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "just", "like", "many", "may", "me", "more", "most", "much", "my", "no", "not",
        "now", "of", "on", "one", "only", "or", "other", "our", "out", "over", "said", "she", "should", "so",
        "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "through", "to", "too", "under", "up", "very", "was", "we", "were", "what", "when", "where",
        "which", "while", "who", "why", "will", "with", "would", "you", "your", NULL};
    for (size_t i = 0; words[i]; i++) {
        char upper[16];
        size_t l = strlen(words[i]);
        for (size_t k = 0; k <= l; k++) upper[k] = (char)(words[i][k] >= 'a' && words[i][k] <= 'z' ? words[i][k] - 32 : words[i][k]);
        cr_assert_eq(stops_in(words[i]), 1, "%s", words[i]);
        cr_assert_eq(stops_in(upper), 1, "%s", upper);
    }
    cr_assert_eq(stops_in("The cat and the hat, because of it."), 6);
}

Test(stopwords, near_misses_do_not)
{
    static const char *const misses[] = {"abouts", "th", "becaus", "because1", "betweenx", "thr", "yours",
                                         "x", "aa", "the2", "ofof", "\xc3\xa9t\xc3\xa9", "throughout", NULL};
    for (size_t i = 0; misses[i]; i++) cr_assert_eq(stops_in(misses[i]), 0, "%s", misses[i]);
    cr_assert_eq(stops_in(""), 0);
    cr_assert_eq(stops_in("港口 日报"), 0);
}

/* ---------- every count, against the copy as it was written before ---------- */

/* A word as ov__acc_text keeps it ('#' for a non-ASCII letter, which no
 * stop word has): its stop count through the real function. */
static unsigned ref_stop(const char *w)
{
    return strchr(w, '#') ? 0 : stops_in(w);
}

/* ov__acc_text one decoded character at a time. */
static void ref_acc(ov__acc *a, const char *s)
{
    char word[16];
    size_t wl = 0;
    int in_word = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = ov__acc_decode(&p);
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= 0xC0 && c < 0x2000 && c != 0xD7 && c != 0xF7);
        if (alnum && !ov__acc_cjk(c)) {
            if (!in_word) { a->words++; in_word = 1; wl = 0; }
            if (wl + 1 < sizeof word) word[wl++] = (char)(c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : '#');
            a->chars++;
            continue;
        }
        if (in_word) {
            word[wl < sizeof word ? wl : sizeof word - 1] = '\0';
            if (wl + 1 < sizeof word) a->stops += ref_stop(word);
            in_word = 0;
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x3000 || c < 0x20) continue;
        a->chars++;
        if (ov__acc_cjk(c)) a->cjk++;
        if (c == ',' || c == 0xFF0C || c == 0x3001) { a->commas++; a->punct++; }
        else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == 0x3002 || c == 0xFF1B ||
                 c == 0xFF1A || c == 0xFF01 || c == 0xFF1F)
            a->punct++;
    }
    if (in_word) {
        word[wl < sizeof word ? wl : sizeof word - 1] = '\0';
        if (wl + 1 < sizeof word) a->stops += ref_stop(word);
    }
}

Test(stopwords, counts_same_as_one_character_at_a_time)
{
    /* pieces: every ASCII byte, stop words, long words, Latin-1 and CJK
       letters, CJK punctuation, no-break and ideographic spaces, stray
       continuation bytes and cut sequences */
    static const char *const bits[] = {
        "the", "The", "AND", "because", "becaus", "x", "Z9", "abcdefghijklmnopqr", " ", "  ", "\n", "\t",
        "\r", ",", ".", "!", "?", ";", ":", "-", "'", "\"", "(", ")", "\xC3\xA9", "\xC3\x97", "\xC3\xB7",
        "\xC2\xA0", "\xE3\x80\x80", "\xE6\xB8\xAF", "\xE3\x80\x82", "\xEF\xBC\x8C", "\xE3\x80\x81", "\xE4\xB8\x80", "\xE9\xBE\xA5", "\xE4\x61", "\xEA\x80\x80", "\xE3\x81\x82", "\xE9\x80", "\xE5",
        "\xEF\xBC\x9F", "\xF0\x9F\x98\x80", "\xF0\xA0\x80\x80", "\x80", "\xBF", "\xE6\xB8", "\xC3", "\x01",
        "\x1F", "\x7F", "~", "@", "[", "`", "{", "0", "9", "a", "z", "A", "Z"};
    const size_t nb = sizeof bits / sizeof bits[0];
    unsigned seed = 12345;
    char text[512];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        int pieces = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
        for (int k = 0; k < pieces; k++) {
            const char *b = bits[((seed = seed * 1103515245u + 12345u) >> 16) % nb];
            size_t bl = strlen(b);
            if (len + bl >= sizeof text) break;
            memcpy(text + len, b, bl);
            len += bl;
        }
        text[len] = '\0';
        ov__acc got, want;
        memset(&got, 0, sizeof got);
        memset(&want, 0, sizeof want);
        ov__acc_text(&got, text);
        ref_acc(&want, text);
        cr_assert(!memcmp(&got, &want, sizeof got),
                  "'%s': chars %u/%u cjk %u/%u punct %u/%u commas %u/%u words %u/%u stops %u/%u", text,
                  got.chars, want.chars, got.cjk, want.cjk, got.punct, want.punct, got.commas, want.commas,
                  got.words, want.words, got.stops, want.stops);
    }
    /* every ASCII byte alone and between letters */
    for (int c = 1; c < 128; c++) {
        char t[8] = {'a', (char)c, 'b', ' ', (char)c, '\0'};
        ov__acc got, want;
        memset(&got, 0, sizeof got);
        memset(&want, 0, sizeof want);
        ov__acc_text(&got, t);
        ref_acc(&want, t);
        cr_assert(!memcmp(&got, &want, sizeof got), "byte 0x%02x", c);
    }
}
