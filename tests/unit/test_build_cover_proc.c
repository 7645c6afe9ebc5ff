/* The cover process (src/build/cover_proc.c): a cover drawn there is the
 * one ov_cover_render draws in this process, byte for byte, for a text
 * cover and for a photo held in memory or in a spool file; errors
 * come back as they are; one child serves several covers; and no child is
 * made once this process has other threads, which then draws itself.
 *
 * Criterion's worker runs a thread of its own, so the first test forks a
 * single-threaded process first, as a build's is when it starts its cover
 * child, and the checks there report through its exit status. The child is
 * forked before the test loads libvips (vips_gaussnoise below). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include "build/cover_proc.h"

static const char *heads[] = {"Harbour reopens after the storm", "Council votes on the new bridge",
                              "Schools report record enrolment"};

/* In the forked test process: a failed check exits with its line. */
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);                  \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

/* A noisy w x h RGB JPEG. */
static ov_resource *make_jpeg(int w, int h, const char *url)
{
    VipsImage *noise = NULL, *three = NULL, *u = NULL, *out = NULL;
    void *buf = NULL;
    size_t len = 0;
    ov_resource *r = NULL;

    CHECK(VIPS_INIT("test") == 0);
    CHECK(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 50.0, "seed", 3, NULL) == 0);
    VipsImage *in[3] = {noise, noise, noise};
    CHECK(vips_bandjoin(in, &three, 3, NULL) == 0);
    CHECK(vips_cast_uchar(three, &u, NULL) == 0);
    CHECK(vips_copy(u, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0);
    CHECK(vips_jpegsave_buffer(out, &buf, &len, "Q", 90, NULL) == 0);
    CHECK(ov_resource_new(&r) == 0);
    CHECK((r->data = malloc(len)) != NULL);
    memcpy(r->data, buf, len);
    r->size = len;
    r->width = w;
    r->height = h;
    CHECK(ov_strset(&r->url, url) == 0);
    CHECK(ov_strset(&r->media_type, "image/jpeg") == 0);
    g_free(buf);
    g_object_unref(noise);
    g_object_unref(three);
    g_object_unref(u);
    g_object_unref(out);
    return r;
}

static int same(const ov_resource *a, const ov_resource *b)
{
    return !strcmp(a->url, b->url) && !strcmp(a->media_type, b->media_type) &&
           a->width == b->width && a->height == b->height && a->size == b->size &&
           memcmp(a->data, b->data, a->size) == 0;
}

/* Drawn by `p` and in this process: the same resource. */
static void check_spec(ov__cover_proc *p, const ov_cover_spec *spec, const char *mt)
{
    ov_resource *there = NULL, *here = NULL;
    ov_error err;
    ov_error_clear(&err);
    CHECK(ov__cover_proc_render(p, spec, &there, &err) == 0);
    CHECK(ov_cover_render(spec, &here, &err) == 0);
    CHECK(!strcmp(there->media_type, mt));
    CHECK(same(there, here));
    ov_resource_free(there);
    ov_resource_free(here);
}

static void same_bytes(void)
{
    ov__cover_proc *p = ov__cover_proc_start();
    CHECK(p != NULL); /* a single-threaded process without libvips gets a cover child */

    ov_cover_spec text = {.title = "江川新闻网 Jiangchuan Daily",
                          .subtitle = "Wednesday, December 2, 2026",
                          .issue = "No. 12",
                          .language = "zh",
                          .series = "Weekend",
                          .headlines = heads,
                          .n_headlines = 3,
                          .width = 600,
                          .height = 800};
    check_spec(p, &text, "image/png");

    /* the photo in memory, then from a spool file (the child opens it) */
    ov_resource *photo = make_jpeg(640, 480, "https://news.example.org/lead.jpg");
    ov_cover_spec with = text;
    with.width = with.height = 0;
    with.photo = photo;
    check_spec(p, &with, "image/jpeg");
    with.grayscale = 1;
    check_spec(p, &with, "image/jpeg");

    char path[] = "/tmp/ov-cover-proc-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, photo->data, photo->size) == (ssize_t)photo->size);
    close(fd);
    ov_resource spooled = *photo;
    spooled.data = NULL;
    spooled.spool_path = path;
    with.photo = &spooled;
    with.grayscale = 0;
    check_spec(p, &with, "image/jpeg");
    unlink(path);

    /* a shared spool file: other bytes first, the photo at an offset (the
       cover once left such a photo out: libvips opened the file at 0) */
    char shared[] = "/tmp/ov-cover-spool-XXXXXX";
    fd = mkstemp(shared);
    CHECK(fd >= 0);
    static const char head[] = "OVSPOOL\nother resources' bytes";
    CHECK(write(fd, head, sizeof head - 1) == (ssize_t)(sizeof head - 1));
    CHECK(write(fd, photo->data, photo->size) == (ssize_t)photo->size);
    close(fd);
    spooled.spool_path = shared;
    spooled.spool_offset = sizeof head - 1;
    check_spec(p, &with, "image/jpeg");
    /* the same cover as from the photo alone */
    ov_resource *a = NULL, *b = NULL;
    ov_error e2;
    ov_error_clear(&e2);
    with.photo = &spooled;
    CHECK(ov_cover_render(&with, &a, &e2) == 0);
    with.photo = photo;
    CHECK(ov_cover_render(&with, &b, &e2) == 0);
    CHECK(a && b && a->size == b->size && memcmp(a->data, b->data, a->size) == 0);
    ov_resource_free(a);
    ov_resource_free(b);
    unlink(shared);

    /* an error comes back with its code and message */
    ov_cover_spec untitled = {.title = NULL, .subtitle = "x"};
    ov_resource *r = NULL;
    ov_error err;
    ov_error_clear(&err);
    CHECK(ov__cover_proc_render(p, &untitled, &r, &err) == OV_EINVAL);
    CHECK(r == NULL);
    CHECK(!strcmp(err.message, "cover needs a title"));
    /* and the child still serves */
    check_spec(p, &text, "image/png");

    ov__cover_proc_free(p);
    ov_resource_free(photo);
}

Test(cover_proc, same_bytes_as_in_process_text_and_photo)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        same_bytes();
        _exit(0);
    }
    int st = 0;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a check failed (see stderr)");
}

static void *idle(void *arg)
{
    pthread_mutex_lock(arg);
    pthread_mutex_unlock(arg);
    return NULL;
}

Test(cover_proc, no_child_with_threads_then_drawn_here)
{
    /* criterion's own thread, and ours */
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_t t;
    pthread_mutex_lock(&m);
    cr_assert_eq(pthread_create(&t, NULL, idle, &m), 0);
    cr_assert_null(ov__cover_proc_start(), "no fork while other threads run");
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);

    ov_cover_spec spec = {.title = "Small", .width = 300, .height = 400};
    ov_resource *a = NULL, *b = NULL;
    ov_error err;
    ov_error_clear(&err);
    cr_assert_eq(ov__cover_proc_render(NULL, &spec, &a, &err), 0, "%s", err.message);
    cr_assert_eq(ov_cover_render(&spec, &b, &err), 0, "%s", err.message);
    cr_assert(same(a, b));
    /* libvips is loaded now: no child either */
    cr_assert_null(ov__cover_proc_start());
    ov__cover_proc_free(NULL);
    ov_resource_free(a);
    ov_resource_free(b);
}
