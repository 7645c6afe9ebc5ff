/*
 * budget.c - make a whole book fit a size budget (e.g. Kindle's e-mail limit).
 *
 * Steps, each tried only while the book is still too big, largest images
 * first: recompress JPEG-able images (JPEG, and PNG/GIF without alpha) at
 * decreasing quality and pixel budgets; a recompressed image replaces the old
 * one only when it is smaller. As a last resort, drop images largest first;
 * the packager then writes their alt text and keeps the captions. Ordering is
 * by size, ties by position, so the result is deterministic.
 */
#include "package/image/image_internal.h"

#include <stdlib.h>
#include <string.h>

#include "octavo/image.h"

typedef struct ov__budget_step {
    int quality;
    size_t max_pixels;
} ov__budget_step;

static const ov__budget_step ov__budget_steps[] = {
    {82, 2000000}, {70, 2000000}, {70, 1000000}, {60, 1000000}, {60, 500000}, {50, 500000},
};

static size_t ov__book_bytes(const ov_book *b)
{
    size_t total = b->cover ? b->cover->size : 0;
    for (size_t i = 0; i < b->n_resources; i++)
        total += b->resources[i]->size;
    return total;
}

static int ov__is_image(const ov_resource *r)
{
    return r->media_type && !strncmp(r->media_type, "image/", 6) &&
           strcmp(r->media_type, "image/svg+xml") != 0;
}

/* Index of the largest image of at least `below` bytes not yet in `done`, or -1. */
static long ov__largest(const ov_book *b, const unsigned char *done)
{
    long best = -1;
    for (size_t i = 0; i < b->n_resources; i++) {
        if (done[i] || !ov__is_image(b->resources[i]))
            continue;
        if (best < 0 || b->resources[i]->size > b->resources[best]->size)
            best = (long)i;
    }
    return best;
}

/* Re-encode `r` as JPEG at `st`; keep it only when smaller. Undecodable: left alone. */
static int ov__recompress(ov_resource *r, const ov__budget_step *st, ov_error *err)
{
    VipsImage *hdr = NULL, *px = NULL;
    void *buf = NULL;
    size_t len = 0;
    int rc = 0;
    ov_error local;

    if ((rc = ov__image_unspool(r, err)) != 0)
        return rc;
    if (ov__image_open(r, VIPS_ACCESS_SEQUENTIAL, &hdr, &local) != 0 ||
        ov__image_check_bomb(r, hdr, &local) != 0 || vips_image_hasalpha(hdr))
        goto cleanup; /* not JPEG-able: the drop step deals with it */
    if (ov__image_shrunk(r, hdr, st->max_pixels, 0, 0, &px, &local) != 0 ||
        ov__image_save_jpeg(px, st->quality, &buf, &len, ov__image_where(r), &local) != 0)
        goto cleanup;
    if (len < r->size)
        rc = ov__image_store(r, buf, len, "image/jpeg", vips_image_get_width(px),
                             vips_image_get_height(px), err);
cleanup:
    g_free(buf);
    if (px)
        g_object_unref(px);
    if (hdr)
        g_object_unref(hdr);
    return rc;
}

static void ov__remove_resource(ov_book *b, size_t i)
{
    ov_resource_free(b->resources[i]);
    memmove(&b->resources[i], &b->resources[i + 1],
            (b->n_resources - i - 1) * sizeof b->resources[0]);
    b->n_resources--;
}

int ov_image_fit_budget(ov_book *b, size_t budget, size_t *dropped, ov_error *err)
{
    unsigned char *done = NULL;
    size_t n_dropped = 0;
    int rc;

    if (dropped)
        *dropped = 0;
    if (!b)
        return ov_error_set(err, OV_EINVAL, "", "no book");
    if (!budget)
        budget = OV_IMAGE_BOOK_BUDGET;
    if ((rc = ov_image_init(err)) != 0)
        return rc;
    if (ov__book_bytes(b) <= budget)
        return 0;
    done = malloc(b->n_resources ? b->n_resources : 1);
    if (!done)
        return ov_error_set(err, OV_ENOMEM, "", "out of memory");
    for (size_t s = 0; s < sizeof ov__budget_steps / sizeof ov__budget_steps[0]; s++) {
        memset(done, 0, b->n_resources ? b->n_resources : 1);
        long i;
        while (ov__book_bytes(b) > budget && (i = ov__largest(b, done)) >= 0) {
            done[i] = 1;
            if ((rc = ov__recompress(b->resources[i], &ov__budget_steps[s], err)) != 0)
                goto cleanup;
        }
    }
    memset(done, 0, b->n_resources ? b->n_resources : 1);
    long i;
    while (ov__book_bytes(b) > budget && (i = ov__largest(b, done)) >= 0) {
        ov__remove_resource(b, (size_t)i);
        n_dropped++;
    }
    if (ov__book_bytes(b) > budget)
        rc = ov_error_set(err, OV_ELIMIT, "",
                          "book is %zu bytes without images, above the budget of %zu bytes",
                          ov__book_bytes(b), budget);
cleanup:
    if (dropped)
        *dropped = n_dropped;
    free(done);
    return rc;
}
