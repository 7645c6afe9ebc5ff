/* URL <-> local path helpers for the CLI's local inputs. */
#ifndef OV_CLI_URLPATH_H
#define OV_CLI_URLPATH_H

/* 1 if `s` starts with http:// or https:// (case-insensitive). */
int ov__is_http_url(const char *s);
/* 1 if `s` starts with file: */
int ov__is_file_url(const char *s);
/* "file:///abs/path" with unsafe bytes percent-encoded; malloc'd or NULL. */
char *ov__path_to_file_url(const char *abs_path);
/* The local path of a file: URL (percent-decoded, query/fragment dropped);
 * malloc'd, or NULL when `url` is not a local file URL. */
char *ov__file_url_to_path(const char *url);
/* 1 if `path` is `root` or lies below it (both absolute, normalised by realpath). */
int ov__path_is_under(const char *path, const char *root);
/* Host part of an http(s) URL into `out` (lower-cased); "" when none. */
void ov__url_host(const char *url, char *out, unsigned long size);

#endif
