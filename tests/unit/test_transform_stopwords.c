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
