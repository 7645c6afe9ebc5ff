/* The books of a series already in a folder (series_scan.c). */
#ifndef OV_PERIODICAL_SERIES_SCAN_H
#define OV_PERIODICAL_SERIES_SCAN_H

/* Most .epub files looked at in one folder. */
#define OV__SERIES_SCAN_MAX_FILES 5000
/* Largest package document read from one of them. */
#define OV__SERIES_SCAN_MAX_OPF (1024u * 1024u)

/*
 * The highest issue number (calibre:series_index) of series `series` among
 * the .epub files directly in `dir`, and the file that holds it (malloc'd
 * into *file when `file` is not NULL; caller frees). 0 when there is none or
 * the folder cannot be read. Files that are not readable EPUBs are ignored.
 */
int ov__series_max_issue(const char *dir, const char *series, char **file);

#endif
