/*
 * One build, end to end: pipeline, book metadata, cover, image budget,
 * packaging, report and exit code. The clock and the environment are read
 * here, at the edge, and handed down.
 */
#include "cli/build_run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "build/urlpath.h"
#include "octavo/warc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/progress.h"

void ov__build_options_init(ov__build_options *o)
{
    memset(o, 0, sizeof *o);
    ov_fetch_options fo = OV_FETCH_OPTIONS_INIT;
    ov_image_options io = OV_IMAGE_OPTIONS_INIT;
    ov_package_options po = OV_PACKAGE_OPTIONS_INIT;
    o->cfg.fetch = fo;
    o->cfg.image = io;
    o->cfg.package = po;
}

/* SOURCE_DATE_EPOCH when set and valid, else `now`. */
static int64_t modified_time(int64_t now)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return now;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || *end || v < 0) {
        fprintf(stderr, "octavo: ignoring invalid SOURCE_DATE_EPOCH '%s'\n", sde);
        return now;
    }
    return (int64_t)v;
}

static char *default_cache_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char buf[PATH_MAX];
    if (xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/octavo", xdg);
    else if (home && *home)
        snprintf(buf, sizeof buf, "%s/.cache/octavo", home);
    else
        return NULL;
    return strdup(buf);
}

/* Length of a BCP 47 tag's primary language subtag ("zh" of "zh-CN"). */
static size_t primary_len(const char *tag)
{
    size_t n = 0;
    while (tag[n] && tag[n] != '-' && tag[n] != '_') n++;
    return n;
}

#define OV__LANG_SLOTS 32

/*
 * The book's language when none is given: the primary language most
 * articles share (a mixed zh/en issue is labelled by its majority, so the
 * reader picks the right fonts and hyphenation), written as the tag of the
 * first article in that language; ties go to the earlier language. One
 * pass; languages beyond OV__LANG_SLOTS distinct ones are not counted.
 */
static const char *majority_language(const ov_book *b)
{
    struct { const char *tag; size_t n; } slot[OV__LANG_SLOTS];
    size_t used = 0, best = 0;
    for (size_t si = 0; si < b->n_sections; si++)
        for (size_t ai = 0; ai < b->sections[si]->n_articles; ai++) {
            const char *lang = b->sections[si]->articles[ai]->language;
            if (!lang || !*lang) continue;
            size_t pl = primary_len(lang), k = 0;
            while (k < used && !(primary_len(slot[k].tag) == pl && !strncasecmp(slot[k].tag, lang, pl))) k++;
            if (k == used) {
                if (used == OV__LANG_SLOTS) continue;
                slot[used].tag = lang;
                slot[used++].n = 0;
            }
            slot[k].n++;
        }
    for (size_t k = 1; k < used; k++)
        if (slot[k].n > slot[best].n) best = k;
    return used ? slot[best].tag : NULL;
}

/* Title, language, authors, dates: from flags, else from what was fetched. */
static int fill_metadata(const ov__build_config *cfg, ov_book *b)
{
    char date[16];
    time_t t = (time_t)cfg->modified;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    const ov_article *first = NULL;
    if (b->n_sections && b->sections[0]->n_articles)
        first = b->sections[0]->articles[0];
    const char *title = cfg->title;
    if (!title && b->n_sections == 1 && ov_book_article_count(b) == 1 && first)
        title = first->title;
    if (!title && b->n_sections >= 1 && strcmp(b->sections[0]->title, "Articles") != 0)
        title = b->sections[0]->title;
    if (!title && first && first->site_name)
        title = first->site_name;
    if (!title)
        title = "News";
    const char *majority = majority_language(b);
    int rc = ov_strset(&b->title, title);
    if (!rc && cfg->language)
        rc = ov_strset(&b->language, cfg->language);
    if (!rc && !b->language)
        rc = ov_strset(&b->language, majority ? majority : "en");
    if (!rc)
        rc = ov_strset(&b->publisher, cfg->publisher ? cfg->publisher
                                      : first && first->site_name ? first->site_name : NULL);
    if (!rc)
        rc = ov_strset(&b->description, cfg->description);
    if (!rc)
        rc = ov_strset(&b->series, cfg->series);
    b->series_index = cfg->series ? cfg->issue : 0;
    if (!rc)
        rc = ov_strset(&b->date, date);
    if (!rc)
        rc = ov_strset(&b->source_url, cfg->n_inputs ? cfg->inputs[0].where : title);
    b->modified = cfg->modified;
    for (size_t i = 0; i < cfg->n_authors && !rc; i++)
        rc = ov_book_add_author(b, cfg->authors[i]);
    if (!rc && b->n_authors == 0)
        rc = ov_book_add_author(b, b->publisher ? b->publisher : b->title);
    return rc;
}

static void make_cover(const ov__build_config *cfg, ov_book *b)
{
    ov_error err;
    ov_error_clear(&err);
    /* --device: the cover is the screen's size */
    int w = cfg->image.max_width > 0 && cfg->image.max_height > 0 ? cfg->image.max_width : 0;
    int h = w ? cfg->image.max_height : 0;
    if (ov_cover_render_book(b, w, h, cfg->image.grayscale, &b->cover, &err) != 0 && !cfg->quiet)
        fprintf(stderr, "octavo: cover: %s; using a drawn SVG cover instead\n", err.message);
}

static int write_report(const ov__build_options *o, const ov__build_result *res, int code,
                        ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "{\"output\":");
    rc = rc ? rc : ov__buf_put_json(&b, code == OV_EXIT_OK || code == OV_EXIT_PARTIAL ? o->output : NULL);
    rc = rc ? rc : ov__buf_printf(&b, ",\"exit_code\":%d,\"articles\":%zu,\"images\":%zu,"
                                      "\"images_dropped\":%zu,\"duplicates\":%zu,\"seen_before\":%zu,"
                                      "\"skipped\":[",
                                  code, res->n_articles, res->n_images, res->n_images_dropped,
                                  res->n_duplicates, res->n_seen);
    for (size_t i = 0; i < res->n_skips && !rc; i++) {
        rc = ov__buf_puts(&b, i ? ",{\"url\":" : "{\"url\":");
        rc = rc ? rc : ov__buf_put_json(&b, res->skips[i].url);
        rc = rc ? rc : ov__buf_puts(&b, ",\"reason\":");
        rc = rc ? rc : ov__buf_put_json(&b, res->skips[i].reason);
        rc = rc ? rc : ov__buf_putc(&b, '}');
    }
    rc = rc ? rc : ov__buf_puts(&b, "]}");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    }
    ov_fetcher *tmp = NULL;
    const ov_fetcher *f = res->fetcher;
    if (!f) {
        ov_fetch_options fo = OV_FETCH_OPTIONS_INIT;
        if ((rc = ov_fetcher_new(&fo, &tmp, err)) != 0)
            goto cleanup;
        f = tmp;
    }
    rc = ov_fetcher_write_report(f, o->cfg.report_path, b.data, err);
cleanup:
    ov_fetcher_free(tmp);
    ov__buf_free(&b);
    return rc;
}

static int ensure_parent_dir(const char *path, ov_error *err)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return ov__mkdir_p(dir, err);
}

int ov__build_run(ov__build_options *o)
{
    ov__build_config *cfg = &o->cfg;
    /* With SOURCE_DATE_EPOCH set it is the clock for everything the book
     * shows (fetch times, the --oldest cutoff, dates), so a rebuild from a
     * recording gives the same bytes. */
    int64_t wall = (int64_t)time(NULL);
    (void)ov__progress_elapsed(); /* the summary's "in N s" counts from here */
    cfg->modified = modified_time(wall);
    cfg->now = cfg->modified;
    cfg->progress = o->force_progress || (!cfg->quiet && isatty(2));
    char *cache = NULL;
    ov_warc_writer *warc = NULL;
    ov_warc_reader *replay = NULL;
    int code = OV_EXIT_FAIL;
    ov__build_result res;
    memset(&res, 0, sizeof res);
    ov_error err;
    ov_error_clear(&err);
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
    if (o->from_warc) {
        if (ov_warc_reader_open(o->from_warc, &replay, &err) != 0) {
            fprintf(stderr, "octavo: %s\n", ov_error_format(&err, msg, sizeof msg));
            return OV_EXIT_FAIL;
        }
        cfg->fetch.replay = ov_warc_replay_hook;
        cfg->fetch.replay_ud = replay;
        o->no_cache = 1;
    }
    if (o->warc_path) {
        ov_warc_info info = OV_WARC_INFO_INIT;
        info.created = cfg->now;
        info.metadata = 1; /* fetch outcome per exchange, as the issue asks */
        if (ov_warc_writer_open(o->warc_path, &info, &warc, &err) != 0) {
            fprintf(stderr, "octavo: %s\n", ov_error_format(&err, msg, sizeof msg));
            ov_warc_reader_free(replay);
            return OV_EXIT_FAIL;
        }
        cfg->fetch.on_exchange = ov_warc_exchange_hook;
        cfg->fetch.exchange_ud = warc;
        o->no_cache = 1; /* a cache hit would leave the page out of the archive */
    }
    if (!o->no_cache) {
        cache = o->cache_dir ? strdup(o->cache_dir) : default_cache_dir();
        cfg->fetch.cache_dir = cache;
    }

    if (ov__build_collect(cfg, &res, &err) != 0) {
        fprintf(stderr, "octavo: %s\n", ov_error_format(&err, msg, sizeof msg));
        goto report;
    }
    if (res.n_articles == 0) {
        if (res.n_seen > 0) {
            fprintf(stderr, "octavo: nothing new: all %zu articles were delivered before; "
                            "no book written\n", res.n_seen);
            code = OV_EXIT_NOTHING;
        } else {
            fprintf(stderr, "octavo: no article could be read; no book written\n");
        }
        goto report;
    }
    if (fill_metadata(cfg, res.book) != 0) {
        fprintf(stderr, "octavo: out of memory\n");
        goto report;
    }
    make_cover(cfg, res.book);
    if (!cfg->no_images &&
        ov_image_fit_budget(res.book, cfg->book_budget, &res.n_images_dropped, &err) != 0)
        fprintf(stderr, "octavo: image budget: %s\n", err.message);
    if (res.n_images_dropped)
        ov__build_skip(&res, NULL, "%zu images dropped to keep the book under its size budget",
                       res.n_images_dropped);
    res.n_images = res.book->n_resources;
    if (ensure_parent_dir(o->output, &err) != 0 ||
        ov_package_write(res.book, o->output, &cfg->package, &err) != 0) {
        fprintf(stderr, "octavo: cannot write the book: %s\n",
                ov_error_format(&err, msg, sizeof msg));
        goto report;
    }
    code = res.n_skips ? OV_EXIT_PARTIAL : OV_EXIT_OK;
    if (o->after_write) {
        int c2 = o->after_write(o->after_ud, res.book, o->output, code);
        if (c2 >= 0)
            code = c2;
    }
    if (!cfg->quiet) {
        struct stat st;
        double mb = stat(o->output, &st) == 0 ? (double)st.st_size / 1e6 : 0;
        fprintf(stderr, "octavo: wrote %s: %zu articles, %zu images%s%zu skipped, %.1f MB in %.1f s\n",
                o->output, res.n_articles, res.n_images,
                res.n_duplicates ? ", duplicates dropped, " : ", ", res.n_skips, mb,
                ov__progress_elapsed());
    }
report:
    if (cfg->report_path && write_report(o, &res, code, &err) != 0)
        fprintf(stderr, "octavo: cannot write the report: %s\n",
                ov_error_format(&err, msg, sizeof msg));
    if (warc) {
        /* the run is over, so the fetcher calls the hook no more */
        if (ov_warc_writer_close(warc, &err) != 0) {
            fprintf(stderr, "octavo: the WARC was not written: %s\n",
                    ov_error_format(&err, msg, sizeof msg));
            if (code == OV_EXIT_OK)
                code = OV_EXIT_PARTIAL;
        }
    }
    ov__build_result_free(&res);
    ov_warc_reader_free(replay);
    free(cache);
    return code;
}
