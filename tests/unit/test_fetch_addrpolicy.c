/* The address policy (issue 14.10): link-local and cloud metadata refused. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "fetch/addrpolicy.h"

static int v4(const char *text)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    cr_assert_eq(inet_pton(AF_INET, text, &sa.sin_addr), 1, "%s", text);
    char why[OV__ADDR_WHY_MAX] = "";
    int r = ov__addr_refused((struct sockaddr *)&sa, sizeof sa, why, sizeof why);
    if (r)
        cr_assert(strstr(why, text), "reason '%s' does not name %s", why, text);
    return r;
}

static int v6(const char *text)
{
    struct sockaddr_in6 sa;
    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    cr_assert_eq(inet_pton(AF_INET6, text, &sa.sin6_addr), 1, "%s", text);
    char why[OV__ADDR_WHY_MAX] = "";
    return ov__addr_refused((struct sockaddr *)&sa, sizeof sa, why, sizeof why);
}

Test(addrpolicy, ipv4)
{
    cr_assert(v4("169.254.169.254"));
    cr_assert(v4("169.254.0.0"));
    cr_assert(v4("169.254.255.255"));
    cr_assert_not(v4("169.253.255.255"));
    cr_assert_not(v4("169.255.0.1"));
    cr_assert_not(v4("127.0.0.1"));
    cr_assert_not(v4("10.0.0.1"));
    cr_assert_not(v4("192.168.1.1"));
    cr_assert_not(v4("8.8.8.8"));
}

Test(addrpolicy, ipv6)
{
    cr_assert(v6("fe80::1"));
    cr_assert(v6("febf:ffff::1"));
    cr_assert_not(v6("fec0::1"));
    cr_assert(v6("::ffff:169.254.169.254"));
    cr_assert(v6("fd00:ec2::254"));
    cr_assert_not(v6("fd00:ec2::253"));
    cr_assert_not(v6("::1"));
    cr_assert_not(v6("::ffff:127.0.0.1"));
    cr_assert_not(v6("2001:db8::1"));
}

Test(addrpolicy, short_or_missing_address_is_not_read)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    inet_pton(AF_INET, "169.254.169.254", &sa.sin_addr);
    char why[OV__ADDR_WHY_MAX];
    cr_assert_not(ov__addr_refused((struct sockaddr *)&sa, 4, why, sizeof why));
    cr_assert_not(ov__addr_refused(NULL, 0, why, sizeof why));
}

Test(addrpolicy, metadata_names)
{
    cr_assert(ov__host_refused("metadata.google.internal"));
    cr_assert(ov__host_refused("METADATA.Google.Internal."));
    cr_assert(ov__host_refused("metadata"));
    cr_assert(ov__host_refused("instance-data.ec2.internal"));
    cr_assert_not(ov__host_refused("metadata.example.com"));
    cr_assert_not(ov__host_refused("example.com"));
    cr_assert_not(ov__host_refused(NULL));
}

/* The open-socket callback refuses without creating a socket. */
Test(addrpolicy, open_socket_callback)
{
    struct curl_sockaddr a;
    memset(&a, 0, sizeof a);
    a.family = AF_INET;
    a.socktype = SOCK_STREAM;
    a.protocol = 0;
    a.addrlen = sizeof(struct sockaddr_in);
    struct sockaddr_in *in = (struct sockaddr_in *)(void *)&a.addr;
    in->sin_family = AF_INET;
    inet_pton(AF_INET, "169.254.169.254", &in->sin_addr);
    ov__addr_guard g = {0, ""};
    cr_assert_eq(ov__addr_open_socket(&g, CURLSOCKTYPE_IPCXN, &a), CURL_SOCKET_BAD);
    cr_assert(g.refused);
    cr_assert(strstr(g.why, "169.254.169.254"), "%s", g.why);
    inet_pton(AF_INET, "127.0.0.1", &in->sin_addr);
    ov__addr_guard ok = {0, ""};
    curl_socket_t s = ov__addr_open_socket(&ok, CURLSOCKTYPE_IPCXN, &a);
    cr_assert_neq(s, CURL_SOCKET_BAD);
    cr_assert_not(ok.refused);
    close(s);
}
