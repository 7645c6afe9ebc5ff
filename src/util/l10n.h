/*
 * l10n - the words octavo adds to a book, and dates written for people.
 *
 * A small message table per language (English, simplified and traditional
 * Chinese) for every string the packager writes itself: the nav title,
 * landmarks, masthead, source and fetched lines, issue number, section
 * fallback names, cover text, in-article navigation. The table is chosen
 * from a BCP 47 tag: zh-TW, zh-HK, zh-MO and any zh-Hant tag read
 * traditional, other zh tags simplified, everything else English.
 *
 * Dates are formatted from the ISO 8601 text itself, never through the
 * machine's time zone: "2026-11-28T07:45:00-05:00" is 7:45 a.m. where it was
 * published, on every machine, so a rebuild gives the same bytes.
 */
#ifndef OV_UTIL_L10N_H
#define OV_UTIL_L10N_H

#include <stddef.h>
#include <stdint.h>

typedef enum ov__l10n_lang {
    OV__L10N_EN = 0,
    OV__L10N_ZH_HANS,
    OV__L10N_ZH_HANT,
    OV__L10N_N_LANGS
} ov__l10n_lang;

typedef enum ov__msg {
    OV__MSG_CONTENTS = 0, /* nav title, toc landmark, masthead fallback */
    OV__MSG_COVER,        /* cover landmark and guide */
    OV__MSG_START,        /* bodymatter landmark */
    OV__MSG_UNTITLED,     /* an article or book without a title */
    OV__MSG_SECTION,      /* a section without a name */
    OV__MSG_FRONT_PAGE,   /* the default section name */
    OV__MSG_SOURCE,       /* "Source: " before the article URL */
    OV__MSG_FETCHED,      /* "Fetched " before the fetch time */
    OV__MSG_NEXT,         /* in-article navigation */
    OV__MSG_PREVIOUS,
    OV__MSG_SECTION_LINK, /* link to the first article of the section */
    OV__MSG_NOT_WELL_FORMED,
    OV__MSG_HEADLINES,    /* cover: "In this issue" */
    OV__MSG_COUNT
} ov__msg;

/** Which message table serves `lang` (NULL or unknown: English). */
ov__l10n_lang ov__l10n_pick(const char *lang);

/** The message `m` in the language of `lang`; a static string. */
const char *ov__l10n(const char *lang, ov__msg m);

/** "No. 12" / "第 12 期" into out; 0, or -1 when it does not fit. */
int ov__l10n_issue(const char *lang, int n, char *out, size_t size);

/**
 * A date or date-time for a byline: "November 28, 2026, 7:45 a.m.",
 * "2026年11月28日 07:45"; date only when the text has no time; " UTC" after
 * the time when the text says Z. The time is the text's own wall-clock time
 * (its offset is kept, not converted). Returns 0, or -1 when `iso` is not
 * ISO 8601 (out is then empty) or the result does not fit.
 */
int ov__l10n_datetime(const char *lang, const char *iso, char *out, size_t size);

/**
 * An edition date with its weekday: "Wednesday, December 2, 2026",
 * "2026年12月2日 星期三". `iso` starts with YYYY-MM-DD. 0 or -1 as above.
 */
int ov__l10n_edition_date(const char *lang, const char *iso, char *out, size_t size);

/**
 * Unix time `t` as a UTC date-time in the language: "November 14, 2023,
 * 10:13 p.m. UTC", "2023年11月14日 22:13 UTC". 0 or -1.
 */
int ov__l10n_utc(const char *lang, int64_t t, char *out, size_t size);

#endif
