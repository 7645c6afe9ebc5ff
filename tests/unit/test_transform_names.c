#include <criterion/criterion.h>
#include <libxml/xmlstring.h>
#include <string.h>
#include <strings.h>

#include "transform/xmlname.h"
#include "util/ascii.h"

/* Every pair of bytes, alone and followed by a letter of either case: the
 * inline helpers give libc's (C locale) and libxml2's answers. */
Test(names, same_answers_as_libc_and_libxml2_on_every_byte_pair)
{
    for (int i = 1; i < 256; i++)
        for (int j = 1; j < 256; j++)
            for (int tail = 0; tail < 2; tail++) {
                char a[3] = {(char)i, tail ? 'x' : 0, 0}, b[3] = {(char)j, tail ? 'X' : 0, 0};
                cr_assert_eq(ov__name_eq(BAD_CAST a, BAD_CAST b), !xmlStrcasecmp(BAD_CAST a, BAD_CAST b), "%02x %02x", i, j);
                cr_assert_eq(ov__ascii_ieq(a, b), !strcasecmp(a, b), "%02x %02x", i, j);
                cr_assert_eq(ov__ascii_casestr(a, b), strcasestr(a, b), "%02x %02x", i, j);
            }
    cr_assert(ov__name_eq(NULL, NULL), "xmlStrcasecmp(NULL, NULL) is 0");
    cr_assert_not(ov__name_eq(BAD_CAST "a", NULL));
    cr_assert(ov__name_eq(BAD_CAST "[", BAD_CAST "{"), "libxml2's case map folds '[' to '{'");
}

Test(names, casestr_finds_the_first_occurrence)
{
    const char *t = "Copyright copyRIGHT © 2026";
    cr_assert_eq(ov__ascii_casestr(t, "COPYRIGHT"), t);
    cr_assert_eq(ov__ascii_casestr(t + 1, "copyright"), t + 10);
    cr_assert_eq(ov__ascii_casestr(t, ""), t);
    cr_assert_null(ov__ascii_casestr("copyrigh", "copyright"), "a needle longer than the rest is no match");
    cr_assert_eq(ov__ascii_casestr("aaab", "aab"), strcasestr("aaab", "aab"));
    cr_assert_eq(ov__ascii_ieq("Content-Language", "content-language"), 1);
}

Test(names, casestr_any_is_a_casestr_per_word)
{
    static const char *const words[] = {"copyright", "\xc2\xa9", "All Rights", "ab", "\xe7\x89\x88\xe6\x9d\x83", NULL};
    static const char *const pieces[] = {"copy", "right", "COPYRIGHT", "\xc2", "\xa9", "all ", "rights", "a", "b", "B",
                                         "\xe7\x89\x88", "\xe6\x9d\x83", "x", " "};
    srand(3);
    for (int it = 0; it < 50000; it++) {
        char s[128] = "";
        for (int k = rand() % 8; k > 0; k--) strcat(s, pieces[(size_t)rand() % (sizeof pieces / sizeof pieces[0])]);
        int want = 0;
        for (const char *const *w = words; *w; w++) want |= strcasestr(s, *w) != NULL;
        cr_assert_eq(ov__ascii_casestr_any(s, words), want, "%s", s);
    }
    static const char *const blank[] = {"zz", "", NULL};
    cr_assert_eq(ov__ascii_casestr_any("", blank), 1, "an empty word occurs in the empty text");
}

/* ov__ascii_key against ov__ascii_ieq: every literal the transform tests
 * names with, each against itself in every case pattern, one byte changed
 * at every place to every value, cut short and made longer (past 8 bytes). */
Test(names, key_equal_exactly_when_ieq)
{
    static const char *const lits[] = {"a", "h1", "h2", "h3", "p", "base", "meta", "title", "script",
                                       "link", "time", "style", "head", "html", "body", "abcdefgh"};
    const uint64_t keys[] = {OV__ASCII_KEY("a"), OV__ASCII_KEY("h1"), OV__ASCII_KEY("h2"),
                             OV__ASCII_KEY("h3"), OV__ASCII_KEY("p"), OV__ASCII_KEY("base"),
                             OV__ASCII_KEY("meta"), OV__ASCII_KEY("title"), OV__ASCII_KEY("script"),
                             OV__ASCII_KEY("link"), OV__ASCII_KEY("time"), OV__ASCII_KEY("style"),
                             OV__ASCII_KEY("head"), OV__ASCII_KEY("html"), OV__ASCII_KEY("body"),
                             OV__ASCII_KEY("abcdefgh")};
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        cr_assert_eq(keys[i], ov__ascii_key(lits[i]), "%s", lits[i]);
        size_t l = strlen(lits[i]);
        char s[16];
        for (unsigned mask = 0; mask < (1u << l); mask++) { /* every case pattern */
            for (size_t k = 0; k <= l; k++)
                s[k] = (char)((mask >> k & 1) && lits[i][k] >= 'a' && lits[i][k] <= 'z' ? lits[i][k] - 32 : lits[i][k]);
            for (size_t j = 0; j < sizeof lits / sizeof lits[0]; j++)
                cr_assert_eq(ov__ascii_key(s) == keys[j], ov__ascii_ieq(s, lits[j]), "%s / %s", s, lits[j]);
        }
        for (size_t at = 0; at <= l + 1 && at < 10; at++)
            for (int v = 1; v < 256; v++) {
                memset(s, 0, sizeof s);
                memcpy(s, lits[i], l);
                if (at > l) memset(s + l, 'x', at - l);
                s[at] = (char)v;
                for (size_t j = 0; j < sizeof lits / sizeof lits[0]; j++)
                    cr_assert_eq(ov__ascii_key(s) == keys[j], ov__ascii_ieq(s, lits[j]), "%s / %s", s, lits[j]);
            }
        memcpy(s, lits[i], l + 1);
        for (size_t cut = 0; cut < l; cut++) {
            s[cut] = '\0';
            for (size_t j = 0; j < sizeof lits / sizeof lits[0]; j++)
                cr_assert_eq(ov__ascii_key(s) == keys[j], ov__ascii_ieq(s, lits[j]), "%s / %s", s, lits[j]);
            s[cut] = lits[i][cut];
        }
    }
    cr_assert_eq(ov__ascii_key("abcdefghi"), UINT64_MAX);
    cr_assert_eq(ov__ascii_key(""), 0);
}
