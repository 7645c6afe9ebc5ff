/*
 * A misbehaving HTTP/1.1 server for fetch tests, on a free loopback port.
 *
 * Runs in a thread of the test process (a listener that polls, one short-lived
 * thread per connection, every connection closed after one answer). The path
 * chooses the behaviour:
 *
 *   /page/<x>        200 text/html article page        /slow/<x>  same after 300 ms
 *   /feed.xml        RSS 2.0 whose items point at fault paths (relative links)
 *   /404 /500        that status, always               /count     200 "ok"
 *   /503once         503 (no Retry-After) once, then 200
 *   /429             429 with Retry-After: 1 once, then 200
 *   /429date         429 with Retry-After as an HTTP date (now + 1 s) once, then 200
 *   /429long         429 with Retry-After: 3600, always
 *   /loop            302 to itself                     /tofile    302 to file:///etc/passwd
 *   /http09          a body with no status line       /bighead   a 1 MB header line
 *   /nulstatus       a NUL byte inside the status line
 *   /tometa          302 to http://169.254.169.254/... (cloud metadata; must be refused
 *                    before any connect: tests run it in a network namespace of their own)
 *   /reset           connection reset (SO_LINGER 0)    /partial   Content-Length 1000, 100 sent
 *   /drip            1 byte per second                 /huge      endless body, no length
 *   /hugecl          declares 1 GB Content-Length      /bomb      gzip of 100 MB of zeros
 *   /wrongtype.jpg   JPEG bytes as text/html           /webp.jpg  WebP bytes as image/jpeg
 *   /image.png       PNG                               /fileimg.html  <img src="file:///etc/passwd">
 *   /hotlink.jpg     403 without a Referer header, the JPEG with one
 *   /private/<x>     200, but robots.txt disallows /private/ (except /private/open)
 *   /robots.txt      "User-agent: *" / "Disallow: /private/" / "Allow: /private/open"
 *
 * Every request is counted by path (query ignored) and the largest number
 * of requests in progress at once is recorded. Fixture bytes come from
 * $OV_SOURCE_DIR/tests/fixtures/fetch.
 */
#ifndef OV_TEST_FAULTSERVER_H
#define OV_TEST_FAULTSERVER_H

typedef struct ov_test_fault ov_test_fault;

/* Start the server; 0 or -1. `*out` is freed by ov_test_fault_stop. */
int ov_test_fault_start(ov_test_fault **out);
/* Stop it, wait for every connection thread, free it (NULL is fine). */
void ov_test_fault_stop(ov_test_fault *s);
int ov_test_fault_port(const ov_test_fault *s);
/* "http://127.0.0.1:<port>" (borrowed). */
const char *ov_test_fault_base(const ov_test_fault *s);
/* Malloc'd base + path (caller frees). */
char *ov_test_fault_url(const ov_test_fault *s, const char *path);
/* Requests seen for `path` so far. */
int ov_test_fault_count(ov_test_fault *s, const char *path);
/* Most requests in progress at the same time. */
int ov_test_fault_max_concurrent(ov_test_fault *s);
/* Requests whose request head carried a Referer header. */
int ov_test_fault_referer_count(ov_test_fault *s);

/* How /robots.txt answers from now on: 200 (default rules), 404 or 503;
 * -503 answers 503 once, then 200. */
void ov_test_fault_set_robots(ov_test_fault *s, int status);

#endif
