/*
 * The address policy end to end (issue 14.10): a fault-server redirect to
 * 169.254.169.254 must be refused before any connect. The test runs in a
 * network namespace of its own holding only loopback, so even a broken
 * policy could not send a packet off this machine; it is skipped where a
 * namespace cannot be made (not root). The refusal message, not a failed
 * connect (the namespace has no route there), is what proves the check ran
 * first.
 */
#include <criterion/criterion.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "faultserver.h"
#include "ov_test.h"

/* A fresh network namespace with its loopback up; 0, or -1 when not allowed. */
static int private_loopback(void)
{
    if (unshare(CLONE_NEWNET) != 0)
        return -1;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    close(fd);
    return rc;
}

Test(hostile_netns, redirect_to_metadata_refused_before_connect, .timeout = 120)
{
    if (private_loopback() != 0)
        cr_skip_test("cannot make a network namespace here (needs root)");
    ov_test_fault *fs = NULL;
    cr_assert_eq(ov_test_fault_start(&fs), 0, "fault server did not start");
    char *good = ov_test_fault_url(fs, "/page/good");
    char *meta = ov_test_fault_url(fs, "/tometa");
    char *out = ov_test_book_path("hostile-metadata.epub");
    ov_test_run r;
    int st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", good, meta, "-o", out, NULL);
    cr_assert_eq(st, 3, "exit %d\nstderr: %s", st, r.err);
    cr_assert(strstr(r.err, "refused before connecting: address 169.254.169.254 is link-local"),
              "not refused by the policy:\n%s", r.err);
    cr_assert_eq(ov_test_fault_count(fs, "/tometa"), 1, "the redirect was retried");
    char *opf = ov_test_zip_entry(out, "EPUB/package.opf", NULL);
    cr_assert(opf, "no book written");
    cr_assert(strstr(opf, "a001.xhtml"), "the good article is missing");
    free(opf);
    ov_test_run_free(&r);
    /* --allow-private lets the request through to the (unreachable) address */
    st = ov_test_octavo(&r, NULL, "build", "--no-cache", "-q", "--allow-private", "--retries", "0",
                        meta, "-o", out, NULL);
    cr_assert_neq(st, 0);
    cr_assert_null(strstr(r.err, "refused before connecting"), "%s", r.err);
    ov_test_run_free(&r);
    free(out);
    free(meta);
    free(good);
    ov_test_fault_stop(fs);
}
