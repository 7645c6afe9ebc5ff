/*
 * `octavo build`: flags -> ov_build_options -> ov_build() (src/build/build.c).
 *
 * Only flag parsing and usage errors live here: each flag is checked as it
 * is read (numbers, --pattern, --language, the output name) so a mistake
 * is exit 2 before anything is fetched. build_run.c reads the clock, cache
 * folder and terminal and runs the build; build_recipe.c does recipes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/build_run.h"
#include "cli/commands.h"
#include "util/duration.h"
#include "util/pattern.h"

static void usage(FILE *f)
{
    fputs("usage: octavo build [OPTIONS] INPUT... -o OUT.epub\n"
          "       octavo build --recipe FILE [OPTIONS]\n"
          "\n"
          "INPUT is a local HTML file, a folder of saved pages (its feed.xml/rss.xml/atom.xml\n"
          "if it has one, else every HTML file in it), or an http(s) URL of an article, an\n"
          "RSS 2.0 / RSS 1.0 / Atom feed, a sitemap, a listing page (with --pattern) or a\n"
          "home page that announces a feed.\n"
          "\n"
          "periodicals (recipes, incremental issues, delivery):\n"
          "      --recipe FILE       build the next issue described by a recipe file\n"
          "      --base URL          base URL for the recipe's relative section URLs\n"
          "      --state PATH        state database (default $XDG_STATE_HOME/octavo/state.db)\n"
          "      --since-last        leave out every article an earlier issue carried\n"
          "      --send-to ADDRESS   mail the book (SMTP server from --smtp or $OCTAVO_SMTP_URL;\n"
          "                          credentials from $OCTAVO_SMTP_USER/PASSWORD or netrc)\n"
          "      --smtp URL          smtp://host:port or smtps://host:port\n"
          "      --mail-from ADDRESS sender address (or $OCTAVO_SMTP_FROM)\n"
          "output and book:\n"
          "  -o, --output PATH       the EPUB to write (replaced atomically); with --recipe,\n"
          "                          %Y %m %d %H %M (UTC) and %n (issue number) expand;\n"
          "                          its folder must exist (or give --mkdir)\n"
          "      --mkdir             create the output folder when it is missing\n"
          "      --title TEXT        book title (default: the feed or page title)\n"
          "      --language TAG      BCP 47 language (default: the articles' language)\n"
          "      --author NAME       dc:creator (repeatable; default: publisher or site)\n"
          "      --publisher NAME    dc:publisher\n"
          "      --description TEXT  dc:description\n"
          "      --series NAME       periodical series (belongs-to-collection)\n"
          "      --issue N           issue number in the series (group-position)\n"
          "      --no-masthead       no title page listing the contents\n"
          "      --no-source-footer  no source URL and fetch time after each article\n"
          "selection:\n"
          "      --pattern RE        article links to take from listing pages (PCRE2, match-limited)\n"
          "      --oldest DAYS       skip dated feed entries older than DAYS\n"
          "      --max-articles N    at most N articles per input\n"
          "      --full-content      use full content carried by the feed; do not fetch pages\n"
          "      --local-root DIR    saved pages may also use local files (images) under DIR;\n"
          "                          by default only the folder (or file's folder) named\n"
          "images:\n"
          "      --no-images         leave images out (alt text and captions stay)\n"
          "      --grayscale         convert images and the cover to grayscale (e-ink)\n"
          "      --device NAME       fit images and the cover to a screen: kindle-paperwhite,\n"
          "                          kobo-clara, generic-eink (grayscale), tablet, generic\n"
          "                          (default: at most 1264 px wide, colour)\n"
          "      --max-pixels N      downscale images above N pixels (default 2000000)\n"
          "      --book-budget MB    recompress, then drop images to fit (default 50)\n"
          "network:\n"
          "      --cache-dir DIR     conditional-GET cache (default $XDG_CACHE_HOME/octavo)\n"
          "      --no-cache          no cache\n"
          "      --user-agent UA     User-Agent header (default names octavo)\n"
          "      --cookies FILE      Netscape cookie file (for subscriptions)\n"
          "      --concurrency N     parallel transfers (default 8)\n"
          "      --per-host N        parallel transfers per host (default 2)\n"
          "      --delay MS          minimum gap between requests to one host\n"
          "      --timeout SEC       whole-transfer timeout (default 60)\n"
          "      --retries N         retries after 5xx and network errors (default 3)\n"
          "      --ignore-robots     do not obey robots.txt (be sure you may)\n"
          "      --insecure          do not verify TLS certificates (dangerous)\n"
          "      --deadline DURATION whole-run limit (90s, 10m, 2h; at most 7 days): then\n"
          "                          what is pending is skipped and the book is written (exit 3)\n"
          "      --allow-private     also fetch link-local and cloud metadata addresses\n"
          "                          (169.254.0.0/16, fe80::/10; refused by default)\n"
          "archive:\n"
          "      --warc FILE         record every HTTP exchange as WARC 1.1 (gzip per record);\n"
          "                          the cache is off while recording\n"
          "      --from-warc FILE    no network: answer every request from a WARC recording\n"
          "reporting:\n"
          "      --report FILE       JSON report of every URL, status, bytes, time, error\n"
          "  -q, --quiet             no progress or summary (errors still go to stderr)\n"
          "      --progress          progress line even when stderr is not a terminal\n"
          "  -h, --help              this help\n"
          "\n"
          "exit codes: 0 book written, nothing skipped; 1 failure, no book written;\n"
          "            2 usage error; 3 book written but something was skipped (each\n"
          "            skip is reported on stderr with its URL and reason); 4 nothing new.\n",
          f);
}

enum {
    OPT_TITLE = 1000, OPT_LANGUAGE, OPT_AUTHOR, OPT_PUBLISHER, OPT_DESCRIPTION, OPT_SERIES,
    OPT_ISSUE, OPT_NO_MASTHEAD, OPT_NO_FOOTER, OPT_PATTERN, OPT_OLDEST, OPT_MAX_ARTICLES,
    OPT_FULL_CONTENT, OPT_LOCAL_ROOT, OPT_NO_IMAGES, OPT_GRAYSCALE, OPT_DEVICE, OPT_MAX_PIXELS, OPT_BUDGET, OPT_CACHE_DIR,
    OPT_NO_CACHE, OPT_UA, OPT_COOKIES, OPT_CONCURRENCY, OPT_PER_HOST, OPT_DELAY, OPT_TIMEOUT,
    OPT_RETRIES, OPT_IGNORE_ROBOTS, OPT_INSECURE, OPT_REPORT, OPT_PROGRESS, OPT_WARC, OPT_FROM_WARC, OPT_RECIPE, OPT_BASE, OPT_STATE,
    OPT_SINCE_LAST, OPT_SEND_TO, OPT_SMTP, OPT_MAIL_FROM, OPT_MKDIR, OPT_DEADLINE, OPT_ALLOW_PRIVATE
};

static const struct option long_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"title", required_argument, NULL, OPT_TITLE},
    {"language", required_argument, NULL, OPT_LANGUAGE},
    {"author", required_argument, NULL, OPT_AUTHOR},
    {"publisher", required_argument, NULL, OPT_PUBLISHER},
    {"description", required_argument, NULL, OPT_DESCRIPTION},
    {"series", required_argument, NULL, OPT_SERIES},
    {"issue", required_argument, NULL, OPT_ISSUE},
    {"no-masthead", no_argument, NULL, OPT_NO_MASTHEAD},
    {"no-source-footer", no_argument, NULL, OPT_NO_FOOTER},
    {"pattern", required_argument, NULL, OPT_PATTERN},
    {"oldest", required_argument, NULL, OPT_OLDEST},
    {"max-articles", required_argument, NULL, OPT_MAX_ARTICLES},
    {"full-content", no_argument, NULL, OPT_FULL_CONTENT},
    {"local-root", required_argument, NULL, OPT_LOCAL_ROOT},
    {"no-images", no_argument, NULL, OPT_NO_IMAGES},
    {"grayscale", no_argument, NULL, OPT_GRAYSCALE},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"book-budget", required_argument, NULL, OPT_BUDGET},
    {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"user-agent", required_argument, NULL, OPT_UA},
    {"cookies", required_argument, NULL, OPT_COOKIES},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"per-host", required_argument, NULL, OPT_PER_HOST},
    {"delay", required_argument, NULL, OPT_DELAY},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"ignore-robots", no_argument, NULL, OPT_IGNORE_ROBOTS},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"deadline", required_argument, NULL, OPT_DEADLINE},
    {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
    {"report", required_argument, NULL, OPT_REPORT},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"warc", required_argument, NULL, OPT_WARC},
    {"from-warc", required_argument, NULL, OPT_FROM_WARC},
    {"recipe", required_argument, NULL, OPT_RECIPE},
    {"base", required_argument, NULL, OPT_BASE},
    {"state", required_argument, NULL, OPT_STATE},
    {"since-last", no_argument, NULL, OPT_SINCE_LAST},
    {"send-to", required_argument, NULL, OPT_SEND_TO},
    {"smtp", required_argument, NULL, OPT_SMTP},
    {"mail-from", required_argument, NULL, OPT_MAIL_FROM},
    {"mkdir", no_argument, NULL, OPT_MKDIR},
    {NULL, 0, NULL, 0},
};

/* Parse a non-negative number no larger than `max`; -1 when invalid. */
static double number(const char *s, double max)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    return v;
}

static int bad_number(const char *opt, const char *value)
{
    fprintf(stderr, "octavo build: invalid value for --%s: '%s'\n", opt, value);
    return OV_EXIT_USAGE;
}

/* A --pattern that does not compile is a usage error, caught before any fetch. */
static int check_pattern(const char *arg)
{
    ov__pattern *re = NULL;
    char why[200];
    if (ov__pattern_compile(arg, &re, why, sizeof why) != 0) {
        fprintf(stderr, "octavo build: invalid value for --pattern: '%s': %s\n", arg, why);
        return OV_EXIT_USAGE;
    }
    ov__pattern_free(re);
    return -1;
}

static int bad_range(const char *opt, const char *value, long lo, long hi)
{
    fprintf(stderr, "octavo build: invalid value for --%s: '%s' (a whole number from %ld to %ld)\n",
            opt, value, lo, hi);
    return OV_EXIT_USAGE;
}

/* Apply one option; returns -1 when handled, else an exit code. */
static int apply_option(int c, const char *arg, ov__build_options *o)
{
    ov_build_options *cfg = &o->b;
    double v;
    switch (c) {
    case 'o': cfg->output = arg; break;
    case 'q': cfg->quiet = 1; break;
    case OPT_TITLE: cfg->title = arg; break;
    case OPT_LANGUAGE:
        if (!ov_language_tag_valid(arg)) {
            fprintf(stderr, "octavo build: --language '%s' is not a BCP 47 language tag "
                            "(such as en, en-GB, zh-Hans, zh-Hant-TW)\n", arg);
            return OV_EXIT_USAGE;
        }
        cfg->language = arg;
        break;
    case OPT_AUTHOR:
        if (cfg->n_authors == OV_BUILD_MAX_AUTHORS) {
            fprintf(stderr, "octavo build: too many --author options\n");
            return OV_EXIT_USAGE;
        }
        o->authors[cfg->n_authors++] = arg;
        break;
    case OPT_PUBLISHER: cfg->publisher = arg; break;
    case OPT_DESCRIPTION: cfg->description = arg; break;
    case OPT_SERIES: cfg->series = arg; break;
    case OPT_ISSUE:
        if ((v = number(arg, 1e6)) < 1)
            return bad_number("issue", arg);
        cfg->issue = (int)v;
        break;
    case OPT_NO_MASTHEAD: cfg->package.masthead = 0; break;
    case OPT_NO_FOOTER: cfg->package.source_footer = 0; break;
    case OPT_PATTERN:
        o->pattern = arg;
        return check_pattern(arg);
    case OPT_OLDEST:
        if ((v = number(arg, 36500)) < 0)
            return bad_number("oldest", arg);
        o->oldest_days = v;
        break;
    case OPT_MAX_ARTICLES:
        if ((v = number(arg, OV_BUILD_MAX_ARTICLES)) < 1)
            return bad_number("max-articles", arg);
        o->max_articles = (size_t)v;
        break;
    case OPT_FULL_CONTENT: cfg->full_content = 1; break;
    case OPT_LOCAL_ROOT: cfg->local_root = arg; break;
    case OPT_NO_IMAGES: cfg->no_images = 1; break;
    case OPT_GRAYSCALE: cfg->image.grayscale = 1; break;
    case OPT_DEVICE: {
        const ov_device *d = ov_device_find(arg);
        if (!d) {
            fprintf(stderr, "octavo build: unknown --device '%s' (kindle-paperwhite, kobo-clara, "
                            "generic-eink, tablet, generic)\n", arg);
            return OV_EXIT_USAGE;
        }
        ov_image_options_for_device(&cfg->image, d);
        break;
    }
    case OPT_MAX_PIXELS:
        if ((v = number(arg, 1e9)) < 10000)
            return bad_number("max-pixels", arg);
        cfg->image.max_pixels = (size_t)v;
        break;
    case OPT_BUDGET:
        if ((v = number(arg, 4000)) < 1)
            return bad_number("book-budget", arg);
        cfg->book_budget = (size_t)(v * 1000 * 1000);
        break;
    case OPT_CACHE_DIR: o->cache_dir = arg; break;
    case OPT_NO_CACHE: o->no_cache = 1; break;
    case OPT_UA: cfg->fetch.user_agent = arg; break;
    case OPT_COOKIES: cfg->fetch.cookie_file = arg; break;
    case OPT_CONCURRENCY:
        if ((v = number(arg, 64)) < 1)
            return bad_range("concurrency", arg, 1, 64);
        cfg->fetch.max_total = (unsigned)v;
        break;
    case OPT_PER_HOST:
        if ((v = number(arg, 16)) < 1)
            return bad_range("per-host", arg, 1, 16);
        cfg->fetch.max_per_host = (unsigned)v;
        break;
    case OPT_DELAY:
        if ((v = number(arg, 600000)) < 0)
            return bad_number("delay", arg);
        cfg->fetch.host_delay_ms = (long)v;
        break;
    case OPT_TIMEOUT:
        if ((v = number(arg, 3600)) < 1)
            return bad_number("timeout", arg);
        cfg->fetch.timeout_ms = (long)(v * 1000);
        break;
    case OPT_RETRIES:
        if ((v = number(arg, 10)) < 0)
            return bad_number("retries", arg);
        cfg->fetch.retries = v == 0 ? -1 : (int)v;
        break;
    case OPT_IGNORE_ROBOTS: cfg->fetch.ignore_robots = 1; break;
    case OPT_INSECURE: cfg->fetch.insecure = 1; break;
    case OPT_ALLOW_PRIVATE: cfg->fetch.allow_private = 1; break;
    case OPT_DEADLINE: {
        long secs = 0;
        if (ov__parse_duration(arg, &secs) != 0) {
            fprintf(stderr, "octavo build: invalid value for --deadline: '%s' (a duration such as "
                            "90s, 10m or 2h, at most 7 days)\n", arg);
            return OV_EXIT_USAGE;
        }
        cfg->fetch.deadline_ms = secs * 1000;
        break;
    }
    case OPT_REPORT: cfg->report_path = arg; break;
    case OPT_PROGRESS: o->force_progress = 1; break;
    case OPT_WARC: cfg->warc_path = arg; break;
    case OPT_FROM_WARC: cfg->from_warc = arg; break;
    case OPT_RECIPE: o->recipe_path = arg; break;
    case OPT_BASE: o->base_url = arg; break;
    case OPT_STATE: o->state_path = arg; break;
    case OPT_SINCE_LAST: o->since_last = 1; break;
    case OPT_SEND_TO: o->send_to = arg; break;
    case OPT_SMTP: o->smtp_url = arg; break;
    case OPT_MAIL_FROM: o->mail_from = arg; break;
    case OPT_MKDIR: cfg->make_dirs = 1; break;
    default: return OV_EXIT_USAGE;
    }
    return -1;
}

static int send_after_write(void *ud, const ov_book *book, const char *path, int code)
{
    (void)book;
    return ov__build_send(ud, path) == 0 ? code : OV_EXIT_PARTIAL;
}

int ov__cmd_build(int argc, char **argv)
{
    ov__build_options o;
    ov__build_options_init(&o);
    optind = 1;
    opterr = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:qh", long_opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return OV_EXIT_OK;
        }
        if (c == '?') {
            fprintf(stderr, "run 'octavo build --help' for the options\n");
            return OV_EXIT_USAGE;
        }
        int rc = apply_option(c, optarg, &o);
        if (rc >= 0)
            return rc;
    }
    for (int i = optind; i < argc; i++) {
        if (o.b.n_inputs == OV_BUILD_MAX_INPUTS) {
            fprintf(stderr, "octavo build: more than %d inputs\n", OV_BUILD_MAX_INPUTS);
            return OV_EXIT_USAGE;
        }
        ov_build_input *in = &o.inputs[o.b.n_inputs++];
        in->where = argv[i];
        in->pattern = o.pattern;
        in->oldest_days = o.oldest_days;
        in->max_articles = o.max_articles;
    }
    if (o.b.output) {
        size_t n = strlen(o.b.output);
        if (n < 5 || strcasecmp(o.b.output + n - 5, ".epub") != 0)
            fprintf(stderr, "octavo build: warning: the output name '%s' does not end in .epub\n",
                    o.b.output);
    }
    if (o.recipe_path) {
        if (o.b.n_inputs) {
            fprintf(stderr, "octavo build: give either --recipe or inputs, not both\n");
            return OV_EXIT_USAGE;
        }
        return ov__build_recipe(&o);
    }
    if (o.since_last) {
        fprintf(stderr, "octavo build: --since-last needs --recipe (the state is kept per recipe)\n");
        return OV_EXIT_USAGE;
    }
    if (o.send_to) {
        o.b.on_written = send_after_write;
        o.b.written_ud = &o;
    }
    if (o.b.n_inputs == 0) {
        fprintf(stderr, "octavo build: no input given\n");
        usage(stderr);
        return OV_EXIT_USAGE;
    }
    if (!o.b.output) {
        fprintf(stderr, "octavo build: no output given (-o OUT.epub)\n");
        return OV_EXIT_USAGE;
    }
    return ov__build_run(&o);
}
