/*
 * UTC timestamps as text, without libc's time zone: gmtime and strftime
 * call tzset, which reads /etc/localtime the first time, at whatever moment
 * that is (mid-fetch, with every socket open). A UTC date needs no zone.
 */
#ifndef OV_UTIL_UTC_H
#define OV_UTIL_UTC_H

#include <stddef.h>
#include <stdint.h>

/* The UTC calendar fields of a time, as gmtime gives them. */
typedef struct ov__utc_tm {
    int64_t year;              /* e.g. 2026 */
    int mon, mday;             /* 1..12, 1..31 */
    int hour, min, sec;        /* 0..23, 0..59, 0..59 */
} ov__utc_tm;

/* `t` (seconds since the epoch) into *out: 0, or -1 when its year is out of
 * gmtime's range (tm_year, year - 1900, an int). */
int ov__utc_fields(int64_t t, ov__utc_tm *out);

/* `t` (seconds since the epoch) as "YYYY-MM-DD" when date_only, else
 * "YYYY-MM-DDTHH:MM:SSZ", into buf; the same text strftime's "%Y-%m-%d"
 * and "%Y-%m-%dT%H:%M:%SZ" give. 0, or -1 with buf "" when t is out of
 * gmtime's range or buf is too small. */
int ov__utc_iso(int64_t t, int date_only, char *buf, size_t size);

#endif
