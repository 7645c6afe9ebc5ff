/*
 * ov_build(): one build, end to end, as a library call.
 *
 * This is a thin layer over the pipeline (pipeline.c, which collects,
 * fetches, extracts and assembles the book): it checks the options, turns
 * them into the pipeline's configuration, opens the WARC recorder or
 * replayer and the cache folder, then gives the book its metadata (title,
 * language, authors, dates: from the options, else from what was fetched),
 * a cover, the image budget, and writes the EPUB, the JSON report and the
 * result. The clock and the environment are not read here beyond time(NULL)
 * when the caller passes no clock: the CLI (src/cli/build_run.c) reads
 * SOURCE_DATE_EPOCH, the XDG cache folder and the terminal, and prints.
 *
 * Data flows one way: options -> pipeline -> book -> EPUB -> result. The
 * callbacks (progress, skips, seen-store, rules, written) are the only way
 * back to the caller, and each is called from this thread.
 */
#include "octavo/build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/cover_ahead.h"
#include "build/cover_proc.h"
#include "build/pipeline.h"
#include "octavo/warc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/l10n.h"
#include "util/utc.h"

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

/* Title, language, authors, dates: from the options, else from what was fetched. */
static int fill_metadata(const ov__build_config *cfg, ov_book *b)
{
    char date[16];
    ov__utc_iso(cfg->modified, 1, date, sizeof date);
    const ov_article *first = NULL;
    if (b->n_sections && b->sections[0]->n_articles)
        first = b->sections[0]->articles[0];
    const char *title = cfg->title;
    if (!title && b->n_sections == 1 && ov_book_article_count(b) == 1 && first)
        title = first->title;
    if (!title && b->n_sections >= 1 && strcmp(b->sections[0]->title, OV__BUILD_UNNAMED_SECTION) != 0)
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
    /* sections the inputs did not name, in the book's language (文章, Articles) */
    for (size_t i = 0; i < b->n_sections && !rc; i++)
        if (!strcmp(b->sections[i]->title, OV__BUILD_UNNAMED_SECTION))
            rc = ov_strset(&b->sections[i]->title, ov__l10n(b->language, OV__MSG_SECTION));
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

static void make_cover(const ov__build_config *cfg, ov__build_result *res)
{
    ov_book *b = res->book;
    ov_error err;
    ov_error_clear(&err);
    /* --device: the cover is the screen's size */
    int w = cfg->image.max_width > 0 && cfg->image.max_height > 0 ? cfg->image.max_width : 0;
    int h = w ? cfg->image.max_height : 0;
    /* the cover the pipeline rendered ahead, if it is this book's */
    ov_cover_book_spec spec;
    ov_cover_spec_of_book(b, w, h, cfg->image.grayscale, &spec);
    ov__cover_ahead *ahead = res->cover_ahead;
    res->cover_ahead = NULL;
    if (!ov__cover_ahead_take(ahead, &spec.spec, &b->cover) &&
        ov__cover_proc_render(res->cover_proc, &spec.spec, &b->cover, &err) != 0 && !cfg->quiet)
        fprintf(stderr, "octavo: cover: %s; using a drawn SVG cover instead\n", err.message);
    /* no more covers: the cover process goes before the packaging peak */
    ov__cover_proc_free(res->cover_proc);
    res->cover_proc = NULL;
}

static int write_report(const ov_build_options *o, const ov__build_result *res, int code,
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
    rc = ov_fetcher_write_report(f, o->report_path, b.data, err);
cleanup:
    ov_fetcher_free(tmp);
    ov__buf_free(&b);
    return rc;
}

/* The folder `path` goes into must exist, or be made when asked. */
static int output_dir(const ov_build_options *o, ov_error *err)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", o->output) >= (int)sizeof dir)
        return ov_error_set(err, OV_ELIMIT, o->output, "output path too long");
    char *slash = strrchr(dir, '/');
    if (!slash)
        return 0;
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (ov__is_dir(dir))
        return 0;
    if (o->make_dirs)
        return ov__mkdir_p(dir, err);
    struct stat st;
    if (stat(dir, &st) == 0)
        return ov_error_set(err, OV_EIO, dir, "the output folder is not a folder");
    return ov_error_set(err, OV_ENOTFOUND, dir,
                        "the output folder does not exist (create it, or ask for it to be made)");
}

static int check_options(const ov_build_options *o, ov_error *err)
{
    if (!o || o->version != OV_BUILD_OPTIONS_VERSION)
        return ov_error_set(err, OV_EINVAL, NULL, "ov_build: options not initialised with "
                                                  "OV_BUILD_OPTIONS_INIT");
    if (o->n_inputs == 0 || !o->inputs)
        return ov_error_set(err, OV_EINVAL, NULL, "no input given");
    if (o->n_inputs > OV_BUILD_MAX_INPUTS)
        return ov_error_set(err, OV_ELIMIT, NULL, "more than %d inputs", OV_BUILD_MAX_INPUTS);
    for (size_t i = 0; i < o->n_inputs; i++)
        if (!o->inputs[i].where || !*o->inputs[i].where)
            return ov_error_set(err, OV_EINVAL, NULL, "input %zu is empty", i + 1);
    if (o->n_authors > OV_BUILD_MAX_AUTHORS || (o->n_authors && !o->authors))
        return ov_error_set(err, OV_ELIMIT, NULL, "more than %d authors", OV_BUILD_MAX_AUTHORS);
    if (o->language && !ov_language_tag_valid(o->language))
        return ov_error_set(err, OV_EINVAL, NULL, "'%s' is not a BCP 47 language tag",
                            o->language);
    if (o->warc_path && o->from_warc)
        return ov_error_set(err, OV_EINVAL, o->warc_path,
                            "recording a WARC while replaying one is not supported");
    return 0;
}

/* The pipeline's configuration from the public options. */
static void to_config(const ov_build_options *o, ov__build_config *cfg)
{
    for (size_t i = 0; i < o->n_inputs; i++) {
        cfg->inputs[i].where = o->inputs[i].where;
        cfg->inputs[i].section = o->inputs[i].section;
        cfg->inputs[i].pattern = o->inputs[i].pattern;
        cfg->inputs[i].oldest_days = o->inputs[i].oldest_days;
        cfg->inputs[i].max_articles = o->inputs[i].max_articles;
    }
    cfg->n_inputs = o->n_inputs;
    cfg->title = o->title;
    cfg->language = o->language;
    cfg->publisher = o->publisher;
    cfg->description = o->description;
    cfg->series = o->series;
    for (size_t i = 0; i < o->n_authors; i++)
        cfg->authors[i] = o->authors[i];
    cfg->n_authors = o->n_authors;
    cfg->issue = o->issue;
    cfg->full_content = o->full_content;
    cfg->local_root = o->local_root;
    cfg->fetch = o->fetch;
    cfg->progress = o->fetch.progress;
    cfg->quiet = o->quiet;
    cfg->report_path = o->report_path;
    cfg->no_images = o->no_images;
    cfg->image = o->image;
    cfg->book_budget = o->book_budget;
    cfg->package = o->package;
    cfg->rules = o->rules;
    cfg->rules_ud = o->rules_ud;
    cfg->seen = o->seen;
    cfg->seen_ud = o->seen_ud;
    cfg->now = o->now ? o->now : (int64_t)time(NULL);
    cfg->modified = cfg->now;
}

static void progress(const ov_build_options *o, ov_build_stage stage, const ov__build_result *r)
{
    if (!o->on_progress)
        return;
    ov_build_progress p = {stage, r->n_articles, r->book ? r->book->n_resources : 0, r->n_skips};
    o->on_progress(o->progress_ud, &p);
}

/* A returned book holds its images in memory: the spool folder goes with the run. */
static int unspool(ov_book *b)
{
    for (size_t i = 0; i < b->n_resources; i++) {
        ov_resource *r = b->resources[i];
        if (r->data || !r->spool_path)
            continue;
        size_t len = 0;
        ov_error e;
        ov_error_clear(&e);
        if (ov_resource_read(r, &r->data, &len, &e) != 0)
            return e.code ? e.code : OV_EIO;
        r->size = len;
        if (r->spool_owned)
            unlink(r->spool_path);
        free(r->spool_path);
        r->spool_path = NULL;
        r->spool_owned = 0;
    }
    return 0;
}

/* The pipeline's result becomes the caller's: skips moved, the book too when asked. */
static int to_result(const ov_build_options *o, ov__build_result *in, int code,
                     ov_build_result *out)
{
    out->exit_code = code;
    out->n_articles = in->n_articles;
    out->n_images = in->n_images;
    out->n_images_dropped = in->n_images_dropped;
    out->n_duplicates = in->n_duplicates;
    out->n_seen = in->n_seen;
    if (in->n_skips) {
        out->skips = calloc(in->n_skips, sizeof *out->skips);
        if (!out->skips)
            return OV_ENOMEM;
        for (size_t i = 0; i < in->n_skips; i++) {
            out->skips[i].url = in->skips[i].url;
            out->skips[i].reason = in->skips[i].reason;
            in->skips[i].url = in->skips[i].reason = NULL;
        }
        out->n_skips = in->n_skips;
    }
    if (!o->output && (code == OV_EXIT_OK || code == OV_EXIT_PARTIAL)) {
        if (unspool(in->book) != 0 || ov__build_unspool_bodies(in) != 0)
            return OV_ENOMEM;
        out->book = in->book;
        in->book = NULL;
    }
    return 0;
}

/* Open the recorder or the replayer and point the fetch options at it. */
static int open_warc(const ov_build_options *o, ov__build_config *cfg, ov_warc_writer **warc,
                     ov_warc_reader **replay, ov_error *err)
{
    int rc = 0;
    if (o->from_warc) {
        if ((rc = ov_warc_reader_open(o->from_warc, replay, err)) != 0)
            return rc;
        cfg->fetch.replay = ov_warc_replay_hook;
        cfg->fetch.replay_ud = *replay;
        cfg->fetch.cache_dir = NULL;
    }
    if (o->warc_path) {
        ov_warc_info info = OV_WARC_INFO_INIT;
        info.created = cfg->now;
        info.metadata = 1; /* fetch outcome per exchange */
        if ((rc = ov_warc_writer_open(o->warc_path, &info, warc, err)) != 0)
            return rc;
        cfg->fetch.on_exchange = ov_warc_exchange_hook;
        cfg->fetch.exchange_ud = *warc;
        cfg->fetch.cache_dir = NULL; /* a cache hit would leave the page out of the archive */
    }
    return 0;
}

static int make_book(const ov_build_options *o, const ov__build_config *cfg,
                     ov__build_result *res, int *code, ov_error *err)
{
    int rc = ov__build_collect(cfg, res, err);
    if (rc)
        return rc;
    if (o->report_path) {
        ov_fetcher_close_connections(res->fetcher); /* no socket open while packaging */
    } else {
        /* only the report reads the fetch records (30,000 at N=10,000) and
           nothing fetches after collecting: free them before the peak */
        ov_fetcher_free(res->fetcher);
        res->fetcher = NULL;
    }
#ifdef __GLIBC__
    /* The extraction threads' malloc arenas keep the pages' freed DOM trees
       resident; packaging, the peak of the run, needs none of it. */
    malloc_trim(0);
#endif
    if (res->n_articles == 0) {
        if (res->n_seen > 0) {
            *code = OV_EXIT_NOTHING;
            return 0;
        }
        return ov_error_set(err, OV_ENOTFOUND, NULL, "no article could be read; no book written");
    }
    if ((rc = fill_metadata(cfg, res->book)) != 0)
        return ov_error_set(err, rc, NULL, "out of memory");
    make_cover(cfg, res);
    progress(o, OV_BUILD_STAGE_IMAGES, res);
    ov_error e2;
    ov_error_clear(&e2);
    if (!cfg->no_images &&
        ov_image_fit_budget(res->book, cfg->book_budget, &res->n_images_dropped, &e2) != 0 &&
        !cfg->quiet)
        fprintf(stderr, "octavo: image budget: %s\n", e2.message);
    if (res->n_images_dropped)
        ov__build_skip(res, NULL, "%zu images dropped to keep the book under its size budget",
                       res->n_images_dropped);
    res->n_images = res->book->n_resources;
    if (o->output) {
        progress(o, OV_BUILD_STAGE_PACKAGE, res);
        /* nobody reads the bodies after writing unless on_written is set:
           then they come back into the book first, else each is read from
           the spool as its chapter is written and freed after it */
        ov_package_options po = cfg->package;
        if (o->on_written) {
            if ((rc = ov__build_unspool_bodies(res)) != 0)
                return ov_error_set(err, rc, NULL, "cannot read the articles back from their spool");
            rc = ov_package_write(res->book, o->output, &po, err);
        } else {
            po.version = OV_PACKAGE_OPTIONS_VERSION;
            po.load_body = ov__build_load_body;
            po.load_body_ud = res;
            rc = ov_package_write_release(res->book, o->output, &po, err);
        }
        if (rc)
            return rc;
    }
    *code = res->n_skips ? OV_EXIT_PARTIAL : OV_EXIT_OK;
    if (o->output && o->on_written) {
        int c2 = o->on_written(o->written_ud, res->book, o->output, *code);
        if (c2 >= 0)
            *code = c2;
    }
    return 0;
}

int ov_build(const ov_build_options *o, ov_build_result **out, ov_error *err)
{
    ov__build_config *cfg = NULL;
    ov_warc_writer *warc = NULL;
    ov_warc_reader *replay = NULL;
    ov__build_result res;
    memset(&res, 0, sizeof res);
    int code = OV_EXIT_FAIL;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    (*out)->exit_code = OV_EXIT_FAIL;
    int rc = check_options(o, err);
    if (rc)
        return rc;
    if (!(cfg = calloc(1, sizeof *cfg))) {
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    to_config(o, cfg);
    res.on_skip = o->on_skip;
    res.skip_ud = o->skip_ud;
    if ((rc = open_warc(o, cfg, &warc, &replay, err)) != 0)
        goto cleanup;
    /* The cache is disposable (issue 14.12): a folder that cannot be made
     * is a warning naming it, and the run goes on without a cache. */
    if (cfg->fetch.cache_dir) {
        ov_error e2;
        ov_error_clear(&e2);
        if (ov__mkdir_p(cfg->fetch.cache_dir, &e2) != 0) {
            fprintf(stderr, "octavo: warning: cannot create the cache folder %s: %s; running without the cache\n",
                    cfg->fetch.cache_dir, e2.message);
            cfg->fetch.cache_dir = NULL;
        }
    }
    if (o->output && (rc = output_dir(o, err)) != 0)
        goto cleanup;
    progress(o, OV_BUILD_STAGE_COLLECT, &res);
    rc = make_book(o, cfg, &res, &code, err);
    if (rc)
        code = OV_EXIT_FAIL;
    if (o->report_path) {
        ov_error e2;
        ov_error_clear(&e2);
        if (write_report(o, &res, code, &e2) != 0) {
            if (!rc)
                rc = ov_error_set(err, e2.code, e2.where, "cannot write the report: %s",
                                  e2.message);
            code = OV_EXIT_FAIL;
        }
    }
    if (warc) {
        /* the run is over, so the fetcher calls the hook no more */
        ov_error e2;
        ov_error_clear(&e2);
        if (ov_warc_writer_close(warc, &e2) != 0) {
            ov__build_skip(&res, o->warc_path, "the WARC was not written: %s", e2.message);
            if (code == OV_EXIT_OK)
                code = OV_EXIT_PARTIAL;
        }
        warc = NULL;
    }
    if (to_result(o, &res, code, *out) != 0 && !rc)
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
    progress(o, OV_BUILD_STAGE_DONE, &res);
cleanup:
    if (warc) {
        ov_error e2;
        ov_warc_writer_close(warc, &e2);
    }
    ov__build_result_free(&res);
    ov_warc_reader_free(replay);
    free(cfg);
    if (rc)
        (*out)->exit_code = OV_EXIT_FAIL;
    return rc;
}

void ov_build_result_free(ov_build_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_skips; i++) {
        free(res->skips[i].url);
        free(res->skips[i].reason);
    }
    free(res->skips);
    ov_book_free(res->book);
    free(res);
}

void ov_build_body_hash(const char *body_xhtml, char out[17])
{
    ov__body_hash(body_xhtml, out);
}
