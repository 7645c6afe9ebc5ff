/* Link patterns on PCRE2 with match limits (issue 14.16). */
#include <criterion/criterion.h>
#include <string.h>

#include "util/pattern.h"

Test(pattern, compile_and_match)
{
    ov__pattern *p = NULL;
    char why[200];
    cr_assert_eq(ov__pattern_compile("/news/[0-9]{4}/", &p, why, sizeof why), 0, "%s", why);
    cr_assert_eq(ov__pattern_match(p, "http://h/news/2026/11/a.html"), 1);
    cr_assert_eq(ov__pattern_match(p, "http://h/sport/2026/a.html"), 0);
    cr_assert_eq(ov__pattern_match(p, "http://h/news/\xff\xfe/x"), 0, "invalid UTF-8 is a non-match");
    ov__pattern_free(p);
}

Test(pattern, bad_pattern_has_a_reason)
{
    ov__pattern *p = NULL;
    char why[200] = "";
    cr_assert_eq(ov__pattern_compile("/news/([0-9]+", &p, why, sizeof why), -1);
    cr_assert_null(p);
    cr_assert(strstr(why, "offset"), "%s", why);
    char big[OV_PATTERN_MAX_BYTES + 8];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(ov__pattern_compile(big, &p, why, sizeof why), -1);
}

/* Patterns that made glibc's regexec take 40 s or never end hit the limit. */
Test(pattern, runaway_patterns_hit_the_limit, .timeout = 20)
{
    char url[400] = "http://h/";
    memset(url + 9, 'a', 300);
    url[309] = '!';
    url[310] = '\0';
    const char *bad[] = {"(a+)+$", "(a+)\\1$", "(a|aa)+$", "^(a*)*b"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ov__pattern *p = NULL;
        char why[200];
        cr_assert_eq(ov__pattern_compile(bad[k], &p, why, sizeof why), 0, "%s: %s", bad[k], why);
        for (int i = 0; i < 300; i++) {
            int m = ov__pattern_match(p, url);
            cr_assert_neq(m, 1, "%s matched", bad[k]);
        }
        ov__pattern_free(p);
    }
}
