/* duration.c - "90s", "10m", "2h" as seconds (--deadline, recipe `deadline`). */
#include "util/duration.h"

#include <ctype.h>

int ov__parse_duration(const char *s, long *secs)
{
    long v = 0;
    const char *p = s;
    if (!s || !isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > OV_DURATION_MAX_SECS)
            return -1;
    }
    long unit = 1;
    if (*p == 's')
        p++;
    else if (*p == 'm')
        unit = 60, p++;
    else if (*p == 'h')
        unit = 3600, p++;
    if (*p != '\0' || v == 0 || v > OV_DURATION_MAX_SECS / unit)
        return -1;
    *secs = v * unit;
    return 0;
}
