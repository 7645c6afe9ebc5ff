/*
 * nginx on a free loopback port, serving a folder, for tests.
 *
 * ov_test_nginx_start() writes a private nginx.conf into a fresh temporary
 * directory (logs, pid and temp paths all inside it; gzip on for text; etag
 * on; listen 127.0.0.1:<free port>; root = `root`), runs /usr/sbin/nginx as a
 * child process in the foreground, and waits until the port answers.
 * ov_test_nginx_stop() kills and reaps it. The child dies with the test
 * process (PR_SET_PDEATHSIG), and an atexit handler stops any survivor.
 */
#ifndef OV_TEST_NGINX_H
#define OV_TEST_NGINX_H

typedef struct ov_test_nginx ov_test_nginx;

/* 0 on success (`*out` freed by ov_test_nginx_stop), -1 on failure (message on stderr). */
int ov_test_nginx_start(const char *root, ov_test_nginx **out);
void ov_test_nginx_stop(ov_test_nginx *n);
int ov_test_nginx_port(const ov_test_nginx *n);
/* "http://127.0.0.1:<port>" (borrowed). */
const char *ov_test_nginx_base(const ov_test_nginx *n);
/* Malloc'd base + path (caller frees). */
char *ov_test_nginx_url(const ov_test_nginx *n, const char *path);

#endif
