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
#include <stdlib.h>
#include <string.h>

#include "octavo/image.h"
/* last: it renames the libvips functions (vips_dl.h) */
#include "package/image/image_internal.h"

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

/* Images of the book, largest first, ties by position (the order every
 * step walks them in): sorted once per step instead of searching the whole
 * book for the next largest after each image, which made a 20,000-image
 * book quadratic. A step never changes the size of an image it has not
 * reached yet, so one sort gives the same sequence as searching each time. */
typedef struct ov__by_size {
    size_t size, index;
} ov__by_size;

static int ov__cmp_by_size(const void *a, const void *b)
{
    const ov__by_size *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static size_t ov__images_by_size(const ov_book *b, ov__by_size *out)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_resources; i++)
        if (ov__is_image(b->resources[i]))
            out[n++] = (ov__by_size){b->resources[i]->size, i};
    qsort(out, n, sizeof *out, ov__cmp_by_size);
    return n;
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

/* Free the resources marked in `gone` and close the gaps, keeping order. */
static void ov__remove_marked(ov_book *b, const unsigned char *gone)
{
    size_t k = 0;
    for (size_t i = 0; i < b->n_resources; i++) {
        if (gone[i])
            ov_resource_free(b->resources[i]);
        else
            b->resources[k++] = b->resources[i];
    }
    b->n_resources = k;
}

int ov_image_fit_budget(ov_book *b, size_t budget, size_t *dropped, ov_error *err)
{
    ov__by_size *order = NULL;
    unsigned char *gone = NULL;
    size_t n_dropped = 0;
    int rc;

    if (dropped)
        *dropped = 0;
    if (!b)
        return ov_error_set(err, OV_EINVAL, "", "no book");
    if (!budget)
        budget = OV_IMAGE_BOOK_BUDGET;
    if (ov__book_bytes(b) <= budget)
        return 0; /* nothing to shrink: libvips not needed */
    if ((rc = ov_image_init(err)) != 0)
        return rc;
    size_t total = ov__book_bytes(b);
    order = malloc((b->n_resources ? b->n_resources : 1) * sizeof *order);
    gone = calloc(b->n_resources ? b->n_resources : 1, 1);
    if (!order || !gone) {
        rc = ov_error_set(err, OV_ENOMEM, "", "out of memory");
        goto cleanup;
    }
    for (size_t s = 0; s < sizeof ov__budget_steps / sizeof ov__budget_steps[0]; s++) {
        size_t n = ov__images_by_size(b, order);
        for (size_t k = 0; k < n && total > budget; k++) {
            ov_resource *r = b->resources[order[k].index];
            size_t before = r->size;
            if ((rc = ov__recompress(r, &ov__budget_steps[s], err)) != 0)
                goto cleanup;
            total = total - before + r->size;
        }
    }
    size_t n = ov__images_by_size(b, order);
    for (size_t k = 0; k < n && total > budget; k++) {
        gone[order[k].index] = 1;
        total -= order[k].size;
        n_dropped++;
    }
    ov__remove_marked(b, gone);
    if (ov__book_bytes(b) > budget)
        rc = ov_error_set(err, OV_ELIMIT, "",
                          "book is %zu bytes without images, above the budget of %zu bytes",
                          ov__book_bytes(b), budget);
cleanup:
    if (dropped)
        *dropped = n_dropped;
    free(order);
    free(gone);
    return rc;
}
