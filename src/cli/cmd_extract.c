/* cmd_extract.c - `octavo extract`: print the article found in one page. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "octavo/fetch.h"
#include "octavo/transform.h"
#include "util/fs.h"

static void usage(FILE *f)
{
    fputs("usage: octavo extract [--json] [--url URL] [--content-type CT] FILE|URL\n"
          "\n"
          "Find the article in a saved web page FILE, or in the page at an http(s)\n"
          "URL, and print it: title, byline, date, then the text (paragraphs\n"
          "separated by blank lines). The bytes are read as they are and the\n"
          "charset is detected (HTTP header, or --content-type, BOM, <meta>,\n"
          "statistical detection). A URL is fetched once, obeying robots.txt.\n"
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

/* Fetch one page over http(s): its bytes, final URL and Content-Type
 * (both malloc'd, may stay NULL). Non-2xx answers are errors. */
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
    char msg[2048], *out = NULL, *final_url = NULL, *http_ct = NULL;

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
    rc = ov__cli_load(file, OV_FETCH_PAGE, OV_TRANSFORM_MAX_INPUT, &page, &len, &final_url, &http_ct, &err);
    if (rc == 0) {
        ov_transform_options o = OV_TRANSFORM_OPTIONS_INIT;
        o.content_type = ct ? ct : http_ct;
        rc = ov_transform_extract(page, len, url ? url : final_url ? final_url : file, &o, &a, &err);
    }
    if (rc == OV_ENOTFOUND && a && json) {
        /* no body, but the metadata is worth printing; still exit 1 */
        ov_error jerr;
        ov_error_clear(&jerr);
        if (ov_article_to_json(a, &out, &jerr) == 0) fputs(out, stdout);
    }
    if (rc == 0) rc = json ? ov_article_to_json(a, &out, &err) : print_plain(a, &err);
    if (rc != 0) {
        if (err.where[0])
            fprintf(stderr, "octavo extract: %s\n", ov_error_format(&err, msg, sizeof msg));
        else
            fprintf(stderr, "octavo extract: %s: %s\n", file, ov_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    if (out) fputs(out, stdout);
    code = fflush(stdout) == 0 ? OV_EXIT_OK : OV_EXIT_FAIL;
cleanup:
    free(out);
    free(page);
    free(final_url);
    free(http_ct);
    ov_article_free(a);
    return code;
}
