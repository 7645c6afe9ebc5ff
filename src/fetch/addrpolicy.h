/* Where requests may go: the address policy (addrpolicy.c). */
#ifndef OV_FETCH_ADDRPOLICY_H
#define OV_FETCH_ADDRPOLICY_H

#include <stddef.h>
#include <sys/socket.h>

#include <curl/curl.h>

/* Room for the reason ov__addr_refused writes. */
#define OV__ADDR_WHY_MAX 96

/*
 * 1 when `sa` is an address octavo does not connect to by default: IPv4
 * link-local 169.254.0.0/16 (cloud instance metadata lives at
 * 169.254.169.254), IPv6 link-local fe80::/10, the same as IPv4-mapped IPv6,
 * and AWS's IPv6 metadata address fd00:ec2::254. Writes the address and why
 * into `why`. 0 otherwise (loopback and private ranges are allowed: people
 * build books from their own servers).
 */
int ov__addr_refused(const struct sockaddr *sa, size_t salen, char *why, size_t n);

/* 1 when `host` (a URL's host, any case, optional trailing dot) is a cloud
 * metadata name: metadata.google.internal, metadata.goog, metadata,
 * instance-data, instance-data.ec2.internal, metadata.azure.internal. */
int ov__host_refused(const char *host);

/* What the open-socket callback records on a refusal. */
typedef struct ov__addr_guard {
    int refused;
    char why[OV__ADDR_WHY_MAX];
} ov__addr_guard;

/*
 * CURLOPT_OPENSOCKETFUNCTION: runs after name resolution and before every
 * connect (redirects included); refuses with CURL_SOCKET_BAD and fills the
 * ov__addr_guard passed as CURLOPT_OPENSOCKETDATA.
 */
curl_socket_t ov__addr_open_socket(void *guard, curlsocktype purpose, struct curl_sockaddr *addr);

#endif
