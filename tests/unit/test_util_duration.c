/* Durations for --deadline and the recipe's `deadline`. */
#include <criterion/criterion.h>

#include "util/duration.h"

Test(duration, units)
{
    long s = 0;
    cr_assert_eq(ov__parse_duration("90", &s), 0);
    cr_assert_eq(s, 90);
    cr_assert_eq(ov__parse_duration("90s", &s), 0);
    cr_assert_eq(s, 90);
    cr_assert_eq(ov__parse_duration("10m", &s), 0);
    cr_assert_eq(s, 600);
    cr_assert_eq(ov__parse_duration("2h", &s), 0);
    cr_assert_eq(s, 7200);
    cr_assert_eq(ov__parse_duration("168h", &s), 0);
    cr_assert_eq(s, OV_DURATION_MAX_SECS);
}

Test(duration, refused)
{
    long s = 5;
    const char *bad[] = {"", "0", "0m", "-5", "5x", "m", "10 m", "169h", "99999999999999999999", "1.5h", NULL};
    for (size_t i = 0; bad[i]; i++)
        cr_assert_eq(ov__parse_duration(bad[i], &s), -1, "'%s' accepted", bad[i]);
    cr_assert_eq(ov__parse_duration(NULL, &s), -1);
    cr_assert_eq(s, 5, "a refused duration changed the output");
}
