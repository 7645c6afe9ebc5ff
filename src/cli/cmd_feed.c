/* cmd_feed.c - `octavo feed`: show the entries a feed gives, to check it
 * before scheduling it (like `papeer ls` or calibre's --test). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "octavo/fetch.h"
#include "util/fs.h"

static void usage(FILE *f)
{
    fputs("usage: octavo feed [--json] [--url URL] [--content-type CT] FILE|URL\n"
          "\n"
          "Parse an RSS, RDF, Atom or CDF feed (a file, or fetched from an http(s)\n"
          "URL, obeying robots.txt) and list its entries: title, link, date, author,\n"
          "summary length and whether the feed carries the full content (which\n"
          "`octavo build --full-content` uses instead of fetching the page). Items\n"
          "the parser refuses (a javascript:/data:/file:/ftp: link, past the item\n"
          "limit) are listed on stderr.\n"
          "\n"
          "  --json              one JSON object: title, entries [{url, id, title,\n"
          "                      published, time, author, summary, content}], skips\n"
          "  --url URL           address of a feed FILE (makes relative links absolute)\n"
          "  --content-type CT   the feed's HTTP Content-Type (e.g. 'text/xml; charset=gbk')\n"
          "  -h, --help          this help\n"
          "\n"
          "Exit status: 0 ok, 1 failure (not a feed, unreadable), 2 usage,\n"
          "3 entries listed but some items skipped.\n",
          f);
}

/* Fetch a feed: bytes, final URL and Content-Type (malloc'd; the last may stay NULL). */
static void print_entries(const ov_entries *e)
{
    printf("%s\n", e->title ? e->title : "(untitled feed)");
    for (size_t i = 0; i < e->n; i++) {
        const ov_entry *x = &e->items[i];
        printf("\n%zu. %s\n", i + 1, x->title ? x->title : "(no title)");
        if (x->url)
            printf("   link: %s\n", x->url);
        else
            printf("   link: none (read from the feed; id %s)\n", x->id ? x->id : "-");
        printf("   date: %s\n", x->published ? x->published : "unknown");
        if (x->author)
            printf("   author: %s\n", x->author);
        printf("   summary: %zu bytes; full content: %s", x->summary ? strlen(x->summary) : 0,
               x->content ? "yes" : "no");
        if (x->content)
            printf(" (%zu bytes)", strlen(x->content));
        printf("\n");
    }
    printf("\n%zu entr%s", e->n, e->n == 1 ? "y" : "ies");
    if (e->n_skips)
        printf(", %zu skipped", e->n_skips);
    printf("\n");
}

int ov__cmd_feed(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"url", required_argument, NULL, 'u'},
        {"content-type", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int json = 0, c, rc, code = OV_EXIT_FAIL;
    const char *url = NULL, *ct = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    ov_entries *e = NULL;
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
    const char *arg = argv[optind];
    rc = ov__cli_load(arg, OV_FETCH_FEED, OV_FETCH_MAX_FEED_BYTES, &data, &len, &final_url, &http_ct, &err);
    if (rc == 0) {
        ov_feed_options fo = OV_FEED_OPTIONS_INIT;
        fo.base_url = url ? url : final_url;
        fo.content_type = ct ? ct : http_ct;
        rc = ov_feed_parse(data, len, &fo, &e, &err);
    }
    if (rc == 0 && json)
        rc = ov_entries_to_json(e, &out, &err);
    if (rc != 0) {
        if (err.where[0])
            fprintf(stderr, "octavo feed: %s\n", ov_error_format(&err, msg, sizeof msg));
        else
            fprintf(stderr, "octavo feed: %s: %s\n", arg, ov_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    if (out)
        printf("%s\n", out);
    else
        print_entries(e);
    for (size_t i = 0; i < e->n_skips; i++)
        fprintf(stderr, "octavo: skipped %s: %s\n", e->skips[i].what, e->skips[i].reason);
    code = fflush(stdout) != 0 ? OV_EXIT_FAIL : e->n_skips ? OV_EXIT_PARTIAL : OV_EXIT_OK;
cleanup:
    free(out);
    free(data);
    free(final_url);
    free(http_ct);
    ov_entries_free(e);
    return code;
}
