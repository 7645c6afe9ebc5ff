#include "util/utc.h"

#include <limits.h>
#include <stdio.h>

/* Year, month (1..12) and day of `days` since 1970-01-01 in the proleptic
 * Gregorian calendar, as gmtime gives them (H. Hinnant's civil_from_days).
 * Computed here because gmtime, like strftime, goes through libc's time
 * zone code, which reads /etc/localtime on first use. */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                    /* 0..11 from March */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int ov__utc_fields(int64_t t, ov__utc_tm *out)
{
    int64_t days = t / 86400, secs = t % 86400;

    if (secs < 0) {
        secs += 86400;
        days--;
    }
    civil_from_days(days, &out->year, &out->mon, &out->mday);
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
    return out->year - 1900 > INT_MAX || out->year - 1900 < INT_MIN ? -1 : 0;
}

int ov__utc_iso(int64_t t, int date_only, char *buf, size_t size)
{
    ov__utc_tm u;
    int k;

    if (!size)
        return -1;
    if (ov__utc_fields(t, &u) != 0) {
        buf[0] = '\0';
        return -1;
    }
    /* strftime's %Y: the year in decimal, no padding */
    if (date_only)
        k = snprintf(buf, size, "%lld-%02d-%02d", (long long)u.year, u.mon, u.mday);
    else
        k = snprintf(buf, size, "%lld-%02d-%02dT%02d:%02d:%02dZ", (long long)u.year, u.mon, u.mday,
                     u.hour, u.min, u.sec);
    if (k < 0 || (size_t)k >= size) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}
