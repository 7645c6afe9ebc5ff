/* Durations written by people: "90", "90s", "10m", "2h". */
#ifndef OV_UTIL_DURATION_H
#define OV_UTIL_DURATION_H

/* Longest duration accepted: one week. */
#define OV_DURATION_MAX_SECS (7L * 24 * 3600)

/* Seconds of `s` (a whole number, optionally followed by s, m or h) into
 * *secs; 0, or -1 when `s` is not such a duration, is 0 or above the limit. */
int ov__parse_duration(const char *s, long *secs);

#endif
