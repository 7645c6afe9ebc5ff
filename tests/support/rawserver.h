/*
 * A loopback HTTP server that answers each path with bytes the test wrote
 * (status line, headers and body verbatim, so they can be as broken as the
 * test wants), for server faults no real server makes: bad chunk sizes, a
 * wrong Content-Length, endless headers, redirects between two servers.
 *
 * Binds `addr` (any 127.x.y.z; two servers on 127.0.0.1 and 127.0.0.2 are two
 * hosts) on a free port; a listener thread, one thread per connection, each
 * connection closed after one answer. Besides the paths set:
 *   /a/<x>    a 200 text/html article page titled "Article <x>"
 *   others    404
 * Every request is counted by path, and the most in progress at once kept.
 */
#ifndef OV_TEST_RAWSERVER_H
#define OV_TEST_RAWSERVER_H

#include <stddef.h>

typedef struct ov_test_raw ov_test_raw;

/* Start on `addr` ("127.0.0.1"); 0 or -1. `*out` is freed by ov_test_raw_stop. */
int ov_test_raw_start(const char *addr, ov_test_raw **out);
/* Stop it, wait for its connection threads, free it (NULL is fine). */
void ov_test_raw_stop(ov_test_raw *s);
/* "http://<addr>:<port>" (borrowed). */
const char *ov_test_raw_base(const ov_test_raw *s);
/* Malloc'd base + path (caller frees). */
char *ov_test_raw_url(const ov_test_raw *s, const char *path);
/* Answer `path` with `len` bytes as they are (copied), then close. */
void ov_test_raw_set(ov_test_raw *s, const char *path, const void *bytes, size_t len);
/* The same with a NUL-terminated string. */
void ov_test_raw_set_str(ov_test_raw *s, const char *path, const char *text);
/* Answer `path` with a status line, then header lines until the client goes. */
void ov_test_raw_set_endless_headers(ov_test_raw *s, const char *path);
/* Requests seen for `path`, and the most in progress at once. */
int ov_test_raw_count(ov_test_raw *s, const char *path);
int ov_test_raw_max_concurrent(ov_test_raw *s);

#endif
