/* device.c - the reading devices --device names: screen size and colour. */
#include "octavo/image.h"

#include <string.h>

/* Screens in portrait pixels. Images fit inside; the cover is drawn at this size. */
static const ov_device ov__devices[] = {
    {"generic", OV_IMAGE_MAX_WIDTH, 1680, 0, "any reader: images at most 1264 px wide, in colour"},
    {"generic-eink", OV_IMAGE_MAX_WIDTH, 1680, 1, "any e-ink reader: 1264 px wide, grayscale"},
    {"kindle-paperwhite", 1236, 1648, 1, "Kindle Paperwhite (300 ppi): 1236x1648, grayscale"},
    {"kobo-clara", 1072, 1448, 1, "Kobo Clara HD/2E: 1072x1448, grayscale"},
    {"tablet", 1600, 2560, 0, "tablets and phones: 1600x2560, colour"},
};

const ov_device *ov_device_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof ov__devices / sizeof ov__devices[0]; i++)
        if (strcmp(ov__devices[i].name, name) == 0)
            return &ov__devices[i];
    return NULL;
}

const ov_device *ov_device_list(size_t *n)
{
    *n = sizeof ov__devices / sizeof ov__devices[0];
    return ov__devices;
}

void ov_image_options_for_device(ov_image_options *o, const ov_device *d)
{
    if (!o || !d)
        return;
    o->max_width = d->width;
    o->max_height = d->height;
    if (d->grayscale)
        o->grayscale = 1;
}
