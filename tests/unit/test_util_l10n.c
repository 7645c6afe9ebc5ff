/* Unit tests for the message tables and human dates (util/l10n). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/l10n.h"

static const char *dt(const char *lang, const char *iso)
{
    static char out[128];
    cr_assert_eq(ov__l10n_datetime(lang, iso, out, sizeof out), 0, "%s %s", lang, iso);
    return out;
}

Test(l10n, byline_dates_in_english_keep_the_published_offset)
{
    cr_assert_str_eq(dt("en", "2026-11-28T07:45:00-05:00"), "November 28, 2026, 7:45 a.m.");
    cr_assert_str_eq(dt("en-GB", "2026-11-28T19:05+01:00"), "November 28, 2026, 7:05 p.m.");
    cr_assert_str_eq(dt("en", "2026-01-01T00:00:00Z"), "January 1, 2026, 12:00 a.m. UTC");
    cr_assert_str_eq(dt("en", "2026-07-04T12:30:15.250+00:00"), "July 4, 2026, 12:30 p.m.");
    cr_assert_str_eq(dt("en", "2026-11-28"), "November 28, 2026");
    cr_assert_str_eq(dt(NULL, "2024-02-29 08:00"), "February 29, 2024, 8:00 a.m.");
}

Test(l10n, byline_dates_in_chinese)
{
    cr_assert_str_eq(dt("zh-CN", "2026-11-24T08:00:00"), "2026年11月24日 08:00");
    cr_assert_str_eq(dt("zh-TW", "2026-11-24T08:00:00+08:00"), "2026年11月24日 08:00");
    cr_assert_str_eq(dt("zh-Hans", "2026-03-05T23:59:00Z"), "2026年3月5日 23:59 UTC");
    cr_assert_str_eq(dt("zh", "2026-11-24"), "2026年11月24日");
}

Test(l10n, the_machine_time_zone_does_not_matter)
{
    char a[64], b[64];
    setenv("TZ", "America/New_York", 1);
    tzset();
    cr_assert_eq(ov__l10n_datetime("en", "2026-11-28T07:45:00-05:00", a, sizeof a), 0);
    cr_assert_eq(ov__l10n_utc("en", 1700000000, b, sizeof b), 0);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    char c[64], d[64];
    cr_assert_eq(ov__l10n_datetime("en", "2026-11-28T07:45:00-05:00", c, sizeof c), 0);
    cr_assert_eq(ov__l10n_utc("en", 1700000000, d, sizeof d), 0);
    cr_assert_str_eq(a, c);
    cr_assert_str_eq(b, d);
    cr_assert_str_eq(d, "November 14, 2023, 10:13 p.m. UTC");
    cr_assert_eq(ov__l10n_utc("zh-CN", 1700000000, d, sizeof d), 0);
    cr_assert_str_eq(d, "2023年11月14日 22:13 UTC");
}

Test(l10n, not_iso_is_refused)
{
    char out[64] = "x";
    static const char *const bad[] = {"yesterday", "2026-13-01", "2026-02-30", "2025-02-29",
                                      "2026-11-28T25:00", "2026-11-28X", "2026/11/28", "", NULL};
    for (size_t i = 0; bad[i]; i++) {
        cr_assert_eq(ov__l10n_datetime("en", bad[i], out, sizeof out), -1, "%s", bad[i]);
        cr_assert_str_eq(out, "");
    }
    cr_assert_eq(ov__l10n_datetime("en", NULL, out, sizeof out), -1);
    char tiny[8];
    cr_assert_eq(ov__l10n_datetime("en", "2026-11-28T07:45:00", tiny, sizeof tiny), -1);
    cr_assert_str_eq(tiny, "");
}

Test(l10n, edition_date_has_its_weekday)
{
    char out[96];
    cr_assert_eq(ov__l10n_edition_date("zh-Hans", "2026-12-02", out, sizeof out), 0);
    cr_assert_str_eq(out, "2026年12月2日 星期三");
    cr_assert_eq(ov__l10n_edition_date("zh-HK", "2026-11-29", out, sizeof out), 0);
    cr_assert_str_eq(out, "2026年11月29日 星期日");
    cr_assert_eq(ov__l10n_edition_date("en", "2026-12-02", out, sizeof out), 0);
    cr_assert_str_eq(out, "Wednesday, December 2, 2026");
    cr_assert_eq(ov__l10n_edition_date("en", "2000-03-01T10:00", out, sizeof out), 0);
    cr_assert_str_eq(out, "Wednesday, March 1, 2000");
    cr_assert_eq(ov__l10n_edition_date("en", "1969-12-31", out, sizeof out), 0);
    cr_assert_str_eq(out, "Wednesday, December 31, 1969");
}

Test(l10n, tables_chosen_by_language_tag)
{
    cr_assert_eq(ov__l10n_pick("zh-TW"), OV__L10N_ZH_HANT);
    cr_assert_eq(ov__l10n_pick("zh-hk"), OV__L10N_ZH_HANT);
    cr_assert_eq(ov__l10n_pick("zh-Hant"), OV__L10N_ZH_HANT);
    cr_assert_eq(ov__l10n_pick("zh-Hant-CN"), OV__L10N_ZH_HANT);
    cr_assert_eq(ov__l10n_pick("zh-Hans-HK"), OV__L10N_ZH_HANS);
    cr_assert_eq(ov__l10n_pick("zh"), OV__L10N_ZH_HANS);
    cr_assert_eq(ov__l10n_pick("zh_CN"), OV__L10N_ZH_HANS);
    cr_assert_eq(ov__l10n_pick("zu"), OV__L10N_EN);
    cr_assert_eq(ov__l10n_pick("zha"), OV__L10N_EN);
    cr_assert_eq(ov__l10n_pick("fr"), OV__L10N_EN);
    cr_assert_eq(ov__l10n_pick(NULL), OV__L10N_EN);
    cr_assert_str_eq(ov__l10n("zh-CN", OV__MSG_CONTENTS), "目录");
    cr_assert_str_eq(ov__l10n("zh-TW", OV__MSG_CONTENTS), "目錄");
    cr_assert_str_eq(ov__l10n("zh-CN", OV__MSG_SOURCE), "来源：");
    cr_assert_str_eq(ov__l10n("zh-Hant", OV__MSG_SOURCE), "來源：");
    cr_assert_str_eq(ov__l10n("en", OV__MSG_CONTENTS), "Contents");
    char n[32];
    cr_assert_eq(ov__l10n_issue("zh-CN", 1, n, sizeof n), 0);
    cr_assert_str_eq(n, "第 1 期");
    cr_assert_eq(ov__l10n_issue("en", 12, n, sizeof n), 0);
    cr_assert_str_eq(n, "No. 12");
    cr_assert_eq(ov__l10n_issue("en", 12, n, 4), -1);
    /* every message exists in every language */
    for (int l = 0; l < OV__L10N_N_LANGS; l++) {
        static const char *const tags[] = {"en", "zh-Hans", "zh-Hant"};
        for (int m = 0; m < OV__MSG_COUNT; m++)
            cr_assert(ov__l10n(tags[l], (ov__msg)m) && ov__l10n(tags[l], (ov__msg)m)[0],
                      "%s message %d", tags[l], m);
    }
}
