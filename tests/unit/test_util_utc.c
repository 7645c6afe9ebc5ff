/* UTC timestamps as text: the same text strftime gives, without its zone. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "util/utc.h"

static void expect_strftime(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char want[40], got[40];
    cr_assert(gmtime_r(&tt, &tm));
    cr_assert_gt(strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
    cr_assert_eq(ov__utc_iso(t, 0, got, sizeof got), 0);
    cr_assert_str_eq(got, want, "t=%lld", (long long)t);
    cr_assert_gt(strftime(want, sizeof want, "%Y-%m-%d", &tm), 0);
    cr_assert_eq(ov__utc_iso(t, 1, got, sizeof got), 0);
    cr_assert_str_eq(got, want, "t=%lld", (long long)t);
}

Test(utc, same_text_as_strftime)
{
    cr_assert_eq(ov__utc_iso(0, 0, (char[32]){0}, 32), 0);
    expect_strftime(0);
    expect_strftime(1700000000);   /* 2023-11-14T22:13:20Z */
    expect_strftime(951782400);    /* 2000-02-29 */
    expect_strftime(-1);           /* 1969-12-31T23:59:59Z */
    expect_strftime(253402300799); /* 9999-12-31T23:59:59Z */
    expect_strftime(-30610224000); /* 1000-01-01 */
    expect_strftime(-30610224001); /* 999-12-31: strftime's three-digit year */
    expect_strftime(253402300800); /* 10000-01-01 */
    expect_strftime(-62135596800); /* 0001-01-01 */
    expect_strftime(-62135596801); /* year 0 */
    expect_strftime(-62198755200); /* year -1 */
    expect_strftime(-86399);       /* 1969-12-31T00:00:01Z */
    expect_strftime(-86400);
    expect_strftime(-86401);
    /* every day of 1900..2100, a different time each; then years -9999..99999 */
    for (int64_t t = -2208988800; t < 4133980800; t += 86400 + 37)
        expect_strftime(t);
    for (int64_t t = -377705116800; t < 3155695200000; t += 86400 * 29 + 3637)
        expect_strftime(t);
}

Test(utc, too_small_a_buffer_gives_empty_text)
{
    char b[20];
    memset(b, 'x', sizeof b);
    cr_assert_eq(ov__utc_iso(1700000000, 0, b, sizeof b), -1); /* 20 characters + NUL */
    cr_assert_str_eq(b, "");
    char d[10];
    cr_assert_eq(ov__utc_iso(1700000000, 1, d, sizeof d), -1);
    cr_assert_str_eq(d, "");
    cr_assert_eq(ov__utc_iso(1700000000, 1, d, 0), -1);
    char ok[11];
    cr_assert_eq(ov__utc_iso(1700000000, 1, ok, sizeof ok), 0);
    cr_assert_str_eq(ok, "2023-11-14");
}

Test(utc, out_of_gmtime_range_gives_empty_text)
{
    char b[40] = "x";
    cr_assert_eq(ov__utc_iso(INT64_MAX, 0, b, sizeof b), -1);
    cr_assert_str_eq(b, "");
    cr_assert_eq(ov__utc_iso(INT64_MIN, 1, b, sizeof b), -1);
    cr_assert_str_eq(b, "");
    /* gmtime's last second (tm_year = INT_MAX) is still text, the next is not
       (strftime's %Y overflows there, so only the year is compared) */
    cr_assert_eq(ov__utc_iso(67768036191676799LL, 0, b, sizeof b), 0);
    cr_assert_str_eq(b, "2147485547-12-31T23:59:59Z");
    cr_assert_eq(ov__utc_iso(67768036191676800LL, 0, b, sizeof b), -1);
    cr_assert_str_eq(b, "");
}
