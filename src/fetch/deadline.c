/*
 * deadline.c - time limits of a whole run.
 *
 * ov_fetch_options.deadline_ms bounds a fetcher's whole life: transfers get
 * timeouts no later than the deadline, and once it has passed every queued
 * request fails at once with "the run's deadline passed", so the caller
 * writes its book from what arrived. Separately, a host whose transfer timed
 * out is not retried URL by URL (four timeouts each): its requests wait until
 * nothing else is left, then get one more try; a second timeout skips the
 * rest of that host (run.c, ready() and classify_error()).
 */
#include "fetch/fetch_core.h"

int ov__deadline_passed(const ov_fetcher *f, int64_t now)
{
    return f->deadline_at && now >= f->deadline_at;
}

long ov__deadline_cap(const ov_fetcher *f, long ms, int64_t now)
{
    if (!f->deadline_at)
        return ms;
    int64_t left = f->deadline_at - now;
    if (left < 1)
        left = 1;
    return left < ms ? (long)left : ms;
}

int ov__is_timeout(CURLcode res)
{
    return res == CURLE_OPERATION_TIMEDOUT;
}
