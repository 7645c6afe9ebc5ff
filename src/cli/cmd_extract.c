/* cmd_extract.c - `octavo extract`: print the article found in one page. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "octavo/transform.h"
#include "util/fs.h"

static void usage(FILE *f)
{
    fputs("usage: octavo extract [--json] [--url URL] [--content-type CT] FILE\n"
          "\n"
          "Find the article in a saved web page FILE and print it: title, byline,\n"
          "date, then the text (paragraphs separated by blank lines). The bytes are\n"
          "read as they are and the charset is detected (HTTP header given with\n"
          "--content-type, BOM, <meta>, statistical detection).\n"
          "\n"
          "  --json              one JSON object: url, title, byline, published,\n"
          "                      language, site_name, source, description, lead_image,\n"
          "                      images, text, html\n"
          "  --url URL           address of the page (makes links and images absolute)\n"
          "  --content-type CT   the page's HTTP Content-Type (e.g. 'text/html; charset=gbk')\n"
          "  -h, --help          this help\n"
          "\n"
          "Exit status: 0 ok, 1 failure, 2 usage.\n",
          f);
}

/* Read the page. Fetching URLs will be dropped in here. */
static int load_page(const char *arg, unsigned char **data, size_t *len, ov_error *err)
{
    return ov__read_file(arg, OV_TRANSFORM_MAX_INPUT, data, len, err);
}

static int print_plain(const ov_article *a, ov_error *err)
{
    char *text = NULL;
    int rc = ov_article_text(a, &text, err);
    if (rc != 0) return rc;
    printf("%s\n", a->title ? a->title : "");
    if (a->byline) printf("%s\n", a->byline);
    if (a->published) printf("%s\n", a->published);
    printf("\n%s\n", text);
    free(text);
    return 0;
}

int ov__cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"url", required_argument, NULL, 'u'},
        {"content-type", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int json = 0, c, rc, code = OV_EXIT_FAIL;
    const char *url = NULL, *ct = NULL;
    unsigned char *page = NULL;
    size_t len = 0;
    ov_article *a = NULL;
    ov_error err;
    char msg[2048], *out = NULL;

    ov_error_clear(&err);
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'u': url = optarg; break;
        case 'c': ct = optarg; break;
        case 'h': usage(stdout); return OV_EXIT_OK;
        default: usage(stderr); return OV_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return OV_EXIT_USAGE;
    }
    const char *file = argv[optind];
    if (!strncasecmp(file, "http://", 7) || !strncasecmp(file, "https://", 8)) {
        fprintf(stderr, "octavo extract: fetching URLs is done by 'octavo build'; save the page and pass the file, or use --url to set its address\n");
        return OV_EXIT_USAGE;
    }
    rc = load_page(file, &page, &len, &err);
    if (rc == 0) {
        ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
        o.content_type = ct;
        rc = ov_transform_extract(page, len, url ? url : file, &o, &a, &err);
    }
    if (rc == 0) rc = json ? ov_article_to_json(a, &out, &err) : print_plain(a, &err);
    if (rc != 0) {
        fprintf(stderr, "octavo extract: %s: %s\n", file, ov_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    if (out) fputs(out, stdout);
    code = fflush(stdout) == 0 ? OV_EXIT_OK : OV_EXIT_FAIL;
cleanup:
    free(out);
    free(page);
    ov_article_free(a);
    return code;
}
