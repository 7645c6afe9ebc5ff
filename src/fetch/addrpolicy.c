/*
 * addrpolicy.c - the address policy: no link-local, no cloud metadata.
 *
 * A hostile page (a feed link, a srcset, a <base>, a redirect) can point
 * octavo at http://169.254.169.254/, where cloud machines serve instance
 * credentials; a book built there would carry them. So by default every
 * connection is checked after name resolution and before connect, through
 * CURLOPT_OPENSOCKETFUNCTION, which libcurl calls for each connection,
 * including those made while following redirects: refusing there means the
 * packet is never sent. Metadata host names are also refused before they are
 * queued. `--allow-private` (ov_fetch_options.allow_private) turns this off.
 */
#include "fetch/addrpolicy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int ov__v4_link_local(const unsigned char *a)
{
    return a[0] == 169 && a[1] == 254;
}

int ov__addr_refused(const struct sockaddr *sa, size_t salen, char *why, size_t n)
{
    char text[INET6_ADDRSTRLEN] = "?";
    if (!sa)
        return 0;
    if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        const unsigned char *a = (const unsigned char *)&in->sin_addr;
        if (!ov__v4_link_local(a))
            return 0;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        snprintf(why, n, "address %s is link-local (169.254.0.0/16, cloud metadata)", text);
        return 1;
    }
    if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        const unsigned char *a = in6->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        static const unsigned char aws[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                              0,    0,    0,    0,    0, 0, 0x02, 0x54};
        int link = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
        int v4 = memcmp(a, mapped, sizeof mapped) == 0 && ov__v4_link_local(a + 12);
        int meta = memcmp(a, aws, sizeof aws) == 0;
        if (!link && !v4 && !meta)
            return 0;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        snprintf(why, n, "address %s is %s", text,
                 meta ? "a cloud metadata address" : "link-local (fe80::/10, 169.254.0.0/16)");
        return 1;
    }
    return 0;
}

int ov__host_refused(const char *host)
{
    static const char *const names[] = {"metadata.google.internal", "metadata.goog", "metadata",
                                        "instance-data", "instance-data.ec2.internal",
                                        "metadata.azure.internal", NULL};
    if (!host)
        return 0;
    size_t len = strlen(host);
    if (len && host[len - 1] == '.')
        len--;
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == len && strncasecmp(host, names[i], len) == 0)
            return 1;
    return 0;
}

curl_socket_t ov__addr_open_socket(void *guard, curlsocktype purpose, struct curl_sockaddr *addr)
{
    ov__addr_guard *g = guard;
    (void)purpose;
    if (ov__addr_refused(&addr->addr, addr->addrlen, g->why, sizeof g->why)) {
        g->refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}
