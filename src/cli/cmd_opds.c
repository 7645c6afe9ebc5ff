/* `octavo opds DIR`: write DIR/catalog.xml, an OPDS 1.2 catalog of the EPUBs in DIR. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "octavo/deliver.h"
#include "octavo/image.h"
#include "octavo/model.h"

/* Thumbnails about 200 px wide: a 2:3 cover at 200 x 300. */
#define OPDS_THUMB_PIXELS (200u * 300u)

/* ov_opds_thumb_fn on libvips (ov_image): downscale the cover. */
static int thumb_vips(void *ud, const unsigned char *data, size_t len, const char *media_type,
                      unsigned char **out, size_t *out_len, const char **out_type)
{
    ov_resource *r = NULL;
    ov_image_options io = OV_IMAGE_OPTIONS_INIT;
    ov_error err;
    int rc = ov_resource_new(&r);
    (void)ud;
    if (rc)
        return rc;
    io.max_pixels = OPDS_THUMB_PIXELS;
    r->data = malloc(len ? len : 1);
    r->media_type = strdup(media_type);
    if (!r->data || !r->media_type) {
        rc = OV_ENOMEM;
        goto cleanup;
    }
    memcpy(r->data, data, len);
    r->size = len;
    if ((rc = ov_image_prepare(r, &io, &err)))
        goto cleanup;
    if (!r->data || !r->media_type) {
        rc = OV_EUNSUPPORTED;
        goto cleanup;
    }
    *out_type = !strcmp(r->media_type, "image/png")   ? "image/png"
                : !strcmp(r->media_type, "image/gif") ? "image/gif"
                                                      : "image/jpeg";
    *out = r->data;
    *out_len = r->size;
    r->data = NULL;
cleanup:
    ov_resource_free(r);
    return rc;
}

static void opds_usage(FILE *f)
{
    fprintf(f,
            "usage: octavo opds DIR [--title T] [--base-url URL]\n\n"
            "Write DIR/" OV_OPDS_CATALOG_NAME ", an OPDS 1.2 acquisition feed listing every\n"
            "*.epub in DIR newest first, with covers (and 200-pixel-wide thumbnails)\n"
            "extracted to DIR/covers/.\n"
            "Serve DIR with any web server and add the catalog URL to KOReader,\n"
            "Librera, Thorium or calibre.\n\n"
            "  --title T        catalog title (default \"octavo books\")\n"
            "  --base-url URL   absolute URL DIR is served at (default: relative links)\n"
            "  -h, --help       this help\n\n"
            "exit codes: 0 success, 1 failure, 2 usage error, 3 some books skipped\n");
}

int ov__cmd_opds(int argc, char **argv)
{
    static const struct option longopts[] = {{"title", required_argument, NULL, 't'},
                                              {"base-url", required_argument, NULL, 'b'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    ov_opds_options o = OV_OPDS_OPTIONS_INIT;
    ov_opds_stats st;
    ov_error err;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': o.title = optarg; break;
        case 'b': o.base_url = optarg; break;
        case 'h': opds_usage(stdout); return OV_EXIT_OK;
        default: opds_usage(stderr); return OV_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "octavo opds: expected exactly one folder\n");
        opds_usage(stderr);
        return OV_EXIT_USAGE;
    }
    /* The catalog goes into a folder of books: a missing one is a mistake
     * (a typo in a cron line), never a reason to make an empty catalog. */
    struct stat sb;
    if (stat(argv[optind], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "octavo opds: %s: %s\n", argv[optind],
                stat(argv[optind], &sb) != 0 ? strerror(errno) : "not a folder");
        return OV_EXIT_FAIL;
    }
    /* The feed's <updated> for an empty folder; never used for ordering. */
    o.now = (int64_t)time(NULL);
    o.thumbnail = thumb_vips;
    if (ov_opds_write(argv[optind], &o, &st, &err)) {
        char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
        fprintf(stderr, "octavo opds: %s\n", ov_error_format(&err, msg, sizeof msg));
        return OV_EXIT_FAIL;
    }
    fprintf(stderr, "octavo opds: %zu books in %s/" OV_OPDS_CATALOG_NAME "%s\n", st.books,
            argv[optind], st.skipped ? " (some skipped)" : "");
    return st.skipped ? OV_EXIT_PARTIAL : OV_EXIT_OK;
}
