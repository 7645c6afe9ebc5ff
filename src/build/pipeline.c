/*
 * The build pipeline: inputs -> entries -> pages -> articles -> images -> book.
 *
 * Collection turns each input into jobs, one per article: a local file, a
 * folder (its feed if it has one, else its HTML files), or an http(s) URL
 * that turns out to be a feed, a sitemap, a listing page (with a link
 * pattern, or a home page announcing a feed) or a single article. Jobs keep
 * the input's order, so the book's order never depends on network timing.
 *
 * Pages are then read (local) or fetched (one ov_fetch_run for everything),
 * and each page is handed to a pool of worker threads (workers.c, one per
 * core) as soon as it arrives, so extraction overlaps the transfers; the
 * fetch loop applies the finished ones at each of its turns (the article
 * into its job, its images queued on the same fetcher), and only this
 * thread touches the book, the skips and the fetcher. A worker reads only
 * its page and the job's feed fields, which nothing changes meanwhile.
 * Once the book's first articles and photo are known, the cover is
 * rendered ahead on a thread of its own (cover_ahead.h), which hands it to
 * a process forked before any thread starts (cover_proc.h), so libvips
 * never loads here unless an image needs it. Images are sniffed, prepared for
 * e-readers and spooled to a temporary directory, and each article's body
 * is appended to a spool file there once extracted, so memory stays flat
 * as the issue grows; the packager streams the images from there and reads
 * each body back as its chapter is written (ov__build_load_body). The site
 * boilerplate pass is split to fit: the workers hash each body's text
 * blocks, the repeated ones are decided once the book is assembled, and
 * they leave each body as it is read back.
 *
 * Anything that goes wrong with one page, feed or image becomes a skip with
 * its URL and reason, and costs only that item. Duplicates (same canonical
 * URL or same body) are dropped while the book is assembled in job order,
 * which keeps the result deterministic.
 */
#include "build/pipeline.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "build/guard.h"
#include "build/listing.h"
#include "build/cover_ahead.h"
#include "build/urlpath.h"
#include "build/workers.h"
#include "transform/bodydoc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/hmap.h"
#include "util/l10n.h"
#include "util/utc.h"

/* Names a folder's feed may have, in the order they are preferred. */
static const char *const local_feed_names[] = {"feed.xml", "rss.xml", "atom.xml", "feed.rss",
                                               "index.xml", "rdf.xml", NULL};
/* Most HTML files taken from a folder without a feed (the first ones in
   name order; the rest are a reported skip), and most names sorted to
   choose them (files past that are only counted). */
#define OV_BUILD_MAX_FOLDER_FILES OV_BUILD_MAX_ARTICLES
#define OV_BUILD_MAX_FOLDER_SCAN (8 * OV_BUILD_MAX_FOLDER_FILES)

typedef struct job {
    size_t section;      /* index into run.sections */
    char *url;           /* page URL */
    char *path;          /* local file, or NULL */
    char *root;          /* folder that file: images may come from, or NULL */
    char *title, *author, *published, *summary, *content; /* from the feed */
    int linkless;        /* a feed item without a link: url is its id, text is content */
    ov_article *article; /* extracted, or NULL */
    int done;            /* extracted or skipped (the cover's guess waits for it) */
    /* A page already downloaded while collecting inputs (a single article
       URL): kept until the fetcher is idle, because extracting it queues
       its images and ov_fetch_get refuses a fetcher with a queue. */
    unsigned char *body;
    size_t body_len;
    char *body_url, *body_type;
    /* Set with the article: the hash of its body as extracted (duplicates,
       state), the keys of its text blocks (site boilerplate), and where the
       body went when it was spooled (article->body_xhtml is then NULL). */
    char body_hash[17];
    uint64_t *keys;
    size_t n_keys;
    ov__body_ref ref;
} job;

typedef struct run {
    const ov__build_config *cfg;
    ov__build_result *res;
    job *jobs;
    size_t n_jobs, cap_jobs;
    char **sections;
    size_t n_sections;
    long loose_section;  /* section of single-article inputs, or -1 */
    ov__hmap queued;     /* image URLs already queued */
    ov__workers *pool;   /* extraction threads (pages.c part below) */
    /* the cover's guess (cover_guess): jobs scanned in order so far */
    size_t cover_scan, cover_section, cover_n;
    int cover_off, cover_keyed, cover_dup, cover_photo_done;
    ov__hmap cover_keys;
    const ov_article *cover_first;
    const char *cover_heads[OV_COVER_MAX_HEADLINES];
    const ov_resource *cover_photo;
    int spool_fd;        /* the images' spool file (SPOOL_NAME), or -1 */
    uint64_t spool_off;  /* where the next image goes in it */
    int fatal;
    ov_error fatal_err;
} run;

/* ---------- small helpers ---------- */

void ov__body_hash(const char *body, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)(body ? body : ""); *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void ov__build_skip(ov__build_result *res, const char *url, const char *fmt, ...)
{
    char reason[OV_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (res->on_skip) {
        res->on_skip(res->skip_ud, url ? url : "", reason);
    } else {
        ov__progress_clear(stderr); /* above the bar, not glued onto it */
        fprintf(stderr, "octavo: skipped %s: %s\n", url ? url : "(input)", reason);
    }
    ov__skip *p = realloc(res->skips, (res->n_skips + 1) * sizeof *p);
    if (!p)
        return;
    res->skips = p;
    p[res->n_skips].url = strdup(url ? url : "");
    p[res->n_skips].reason = strdup(reason);
    res->n_skips++;
}

static int set_fatal(run *r, int code, const char *where, const char *msg)
{
    if (!r->fatal) {
        r->fatal = 1;
        ov_error_set(&r->fatal_err, code, where, "%s", msg);
    }
    return code;
}

static int push_string(char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        char **p = realloc(*arr, nc * sizeof *p);
        if (!p)
            return OV_ENOMEM;
        *arr = p;
        *cap = nc;
    }
    char *copy = strdup(s);
    if (!copy)
        return OV_ENOMEM;
    (*arr)[(*n)++] = copy;
    return 0;
}

static long add_section(run *r, const char *title)
{
    char **p = realloc(r->sections, (r->n_sections + 1) * sizeof *p);
    if (!p)
        return -1;
    r->sections = p;
    p[r->n_sections] = strdup(title && *title ? title : OV__BUILD_UNNAMED_SECTION);
    if (!p[r->n_sections])
        return -1;
    return (long)r->n_sections++;
}

static job *add_job(run *r, size_t section, const char *url)
{
    if (r->n_jobs >= OV_BUILD_MAX_ARTICLES)
        return NULL;
    if (ov__grow_array((void **)&r->jobs, r->n_jobs, &r->cap_jobs, sizeof *r->jobs, 64) != 0)
        return NULL;
    job *j = &r->jobs[r->n_jobs];
    memset(j, 0, sizeof *j);
    j->section = section;
    j->url = strdup(url);
    if (!j->url)
        return NULL;
    r->n_jobs++;
    return j;
}

static void job_free(job *j)
{
    free(j->url);
    free(j->path);
    free(j->root);
    free(j->title);
    free(j->author);
    free(j->published);
    free(j->summary);
    free(j->content);
    free(j->body);
    free(j->body_url);
    free(j->body_type);
    free(j->keys);
    ov_article_free(j->article);
}

static int get_fetcher(run *r, ov_error *err)
{
    if (r->res->fetcher)
        return 0;
    ov_fetch_options fo = r->cfg->fetch;
    fo.progress = r->cfg->progress;
    return ov_fetcher_new(&fo, &r->res->fetcher, err);
}

/* ---------- images ---------- */

/* Prepared images are appended to one file in the spool directory (not a
 * file each: creating and deleting thousands of files cost more than the
 * rest of the image work). It starts with a magic line, so no image sits at
 * offset 0 (which in ov_resource means "a file of its own"). */
#define SPOOL_NAME "images.spool"
static const char spool_magic[8] = "OVSPOOL\n";

static int spool_resource(run *r, ov_resource *res, ov_error *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/" SPOOL_NAME, r->res->spool_dir);
    if (r->spool_fd < 0) {
        r->spool_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (r->spool_fd < 0 || ov__pwrite_all(r->spool_fd, spool_magic, sizeof spool_magic, 0))
            return ov_error_set(err, OV_EIO, path, "cannot write the image spool: %s",
                                strerror(errno));
        r->spool_off = sizeof spool_magic;
    }
    if (ov__pwrite_all(r->spool_fd, res->data, res->size, r->spool_off))
        return ov_error_set(err, OV_EIO, path, "cannot write the image spool: %s",
                            strerror(errno));
    if (ov_strset(&res->spool_path, path))
        return ov_error_set(err, OV_ENOMEM, path, "out of memory");
    res->spool_offset = r->spool_off;
    res->spool_owned = 0; /* the run removes the shared file */
    r->spool_off += res->size;
    free(res->data);
    res->data = NULL;
    return 0;
}

/* Turn fetched or read bytes into a book resource; skips on any problem. */
static void add_image(run *r, const char *url, const unsigned char *data, size_t len)
{
    ov_error err;
    ov_error_clear(&err);
    const char *type = ov_sniff_media_type(data, len);
    if (!type) {
        ov__build_skip(r->res, url, "image: not an image this book can use (unknown format)");
        return;
    }
    ov_resource *res = NULL;
    if (ov_resource_new(&res) || ov_strset(&res->url, url) || ov_strset(&res->media_type, type))
        goto nomem;
    res->data = malloc(len ? len : 1);
    if (!res->data)
        goto nomem;
    memcpy(res->data, data, len);
    res->size = len;
    if (ov_image_prepare(res, &r->cfg->image, &err) != 0) {
        ov__build_skip(r->res, url, "image: %s", err.message);
        ov_resource_free(res);
        return;
    }
    if (spool_resource(r, res, &err) != 0) {
        ov__build_skip(r->res, url, "image: %s", err.message);
        ov_resource_free(res);
        return;
    }
    if (ov_book_add_resource(r->res->book, res) != 0)
        goto nomem;
    return;
nomem:
    ov_resource_free(res);
    set_fatal(r, OV_ENOMEM, url, "out of memory");
}

/* May a page of this run read local file `path`? Only under the folder the
 * user named (`root`) or the --local-root they gave. */
static int local_ok(const run *r, const char *path, const char *root)
{
    return path && ((root && ov__path_is_under(path, root)) ||
                    (r->cfg->local_root && ov__path_is_under(path, r->cfg->local_root)));
}

static void queue_image(run *r, const job *j, const char *url)
{
    /* value: 0 while it is being fetched, 1 once resolved (the cover's guess) */
    int fresh = ov__hmap_put(&r->queued, url, ov__is_http_url(url) ? 0 : 1, NULL);
    if (fresh == 0)
        return;
    if (fresh < 0) {
        set_fatal(r, OV_ENOMEM, url, "out of memory");
        return;
    }
    ov_error err;
    ov_error_clear(&err);
    if (ov__is_http_url(url)) {
        if (get_fetcher(r, &err) != 0) {
            set_fatal(r, err.code, url, err.message);
            return;
        }
        ov_request req = {url, OV_FETCH_IMAGE, j->url, NULL};
        if (ov_fetch_add(r->res->fetcher, &req, &err) != 0) {
            ov__build_skip(r->res, url, "image: %s", err.message);
            size_t *st = ov__hmap_get(&r->queued, url);
            if (st)
                *st = 1;
        }
        return;
    }
    char *path = ov__file_url_to_path(url);
    /* A page may only pull local files from the folder the user named. */
    if (!local_ok(r, path, j->root)) {
        ov__build_skip(r->res, url, "image: refused (%s)",
                       path ? "local file outside the input folder; see --local-root" : "not an http(s) URL");
        free(path);
        return;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    if (ov__read_file(path, r->cfg->fetch.max_image_bytes ? r->cfg->fetch.max_image_bytes
                                                          : OV_FETCH_MAX_IMAGE_BYTES,
                      &data, &len, &err) != 0)
        ov__build_skip(r->res, url, "image: %s", err.message);
    else
        add_image(r, url, data, len);
    free(data);
    free(path);
}

/* ---------- pages ---------- */

static void fill_from_entry(ov_article *a, const job *j)
{
    if (!a->title && j->title)
        ov_strset(&a->title, j->title);
    if (!a->byline && j->author)
        ov_strset(&a->byline, j->author);
    if (!a->published && j->published)
        ov_strset(&a->published, j->published);
    if (!a->description && j->summary)
        ov_strset(&a->description, j->summary);
}

/* A local page's file: URL as a path relative to the folder the user named,
 * so the book carries no absolute path of this machine (and rebuilds
 * elsewhere give the same bytes). */
static void relativize(char **url, const char *root)
{
    if (!*url || !root || !ov__is_file_url(*url))
        return;
    char *path = ov__file_url_to_path(*url);
    size_t n = strlen(root);
    if (path && strncmp(path, root, n) == 0 && path[n] == '/')
        ov_strset(url, path + n + 1);
    else if (path)
        ov_strset(url, strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    free(path);
}

/* A body kept in memory (its spool could not be written) stays until the
 * book is written: give back the slack of the buffer it was built in
 * (about half of it, as buffers double). */
static void fit_body(ov_article *a)
{
    if (!a->body_xhtml)
        return;
    char *p = realloc(a->body_xhtml, strlen(a->body_xhtml) + 1);
    if (p)
        a->body_xhtml = p;
}

/* ---------- the cover, guessed and rendered ahead ---------- */

/* Photo state of image `url` for the cover: 1 a raster resource of the
 * book (*out), 0 still being fetched, -1 none. */
static int cover_photo_state(run *r, const char *url, const ov_resource **out)
{
    if (!url)
        return -1;
    const size_t *st = ov__hmap_get(&r->queued, url);
    if (st && *st == 0)
        return 0;
    const ov_resource *res = ov_book_find_resource(r->res->book, url);
    if (!res || !res->media_type ||
        (strcmp(res->media_type, "image/jpeg") && strcmp(res->media_type, "image/png") &&
         strcmp(res->media_type, "image/gif")))
        return -1;
    *out = res;
    return 1;
}

/* One more job of the book's first ones for the guess; 0 when it must wait. */
static int cover_scan_job(run *r, const job *j)
{
    const ov_article *a = j->article;
    if (!a)
        return 1;
    if (!r->cover_keyed) { /* the duplicate check of assemble(), once per job */
        const char *canon = a->canonical_url ? a->canonical_url : a->url;
        const char *hash = j->body_hash;
        r->cover_dup = ov__hmap_get(&r->cover_keys, canon) || ov__hmap_get(&r->cover_keys, hash);
        if (!r->cover_dup && (ov__hmap_put(&r->cover_keys, canon, 0, NULL) < 0 ||
                              ov__hmap_put(&r->cover_keys, hash, 0, NULL) < 0)) {
            r->cover_off = 1;
            return 0;
        }
        r->cover_keyed = 1;
    }
    if (r->cover_dup)
        return 1;
    if (!r->cover_photo_done) {
        int st = cover_photo_state(r, a->lead_image, &r->cover_photo);
        if (st < 0 && a->n_images)
            st = cover_photo_state(r, a->images[0], &r->cover_photo);
        if (st == 0)
            return 0;
        r->cover_photo_done = st > 0;
    }
    if (!r->cover_first)
        r->cover_first = a;
    if (r->cover_n < OV_COVER_MAX_HEADLINES && a->title && a->title[0])
        r->cover_heads[r->cover_n++] = a->title;
    return 1;
}

/* Start the cover once the book's first articles and photo are known, with
 * the metadata build.c will most likely give the book; build.c uses it only
 * if the finished book's cover spec is the same. */
static void cover_start(run *r)
{
    const ov__build_config *cfg = r->cfg;
    const ov_article *first = r->cover_first;
    const job *fj = NULL;
    for (size_t i = 0; i < r->n_jobs && !fj; i++)
        if (r->jobs[i].article == first)
            fj = &r->jobs[i];
    const char *title = cfg->title;
    if (!title && fj && strcmp(r->sections[fj->section], OV__BUILD_UNNAMED_SECTION) != 0)
        title = r->sections[fj->section];
    if (!title && first && first->site_name)
        title = first->site_name;
    const char *lang = cfg->language;
    for (size_t i = 0; i < r->n_jobs && !lang; i++)
        if (r->jobs[i].article && r->jobs[i].article->language)
            lang = r->jobs[i].article->language;
    char iso[16], date[96] = "", issue[32] = "";
    ov__utc_iso(cfg->modified, 1, iso, sizeof iso);
    lang = lang ? lang : "en";
    if (ov__l10n_edition_date(lang, iso, date, sizeof date) != 0)
        snprintf(date, sizeof date, "%s", iso);
    if (cfg->series && cfg->issue > 0)
        ov__l10n_issue(lang, cfg->issue, issue, sizeof issue);
    ov_cover_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.title = title ? title : "News";
    spec.language = lang;
    spec.series = cfg->series;
    spec.subtitle = date;
    spec.issue = issue[0] ? issue : NULL;
    spec.width = cfg->image.max_width > 0 && cfg->image.max_height > 0 ? cfg->image.max_width : 0;
    spec.height = spec.width ? cfg->image.max_height : 0;
    spec.grayscale = cfg->image.grayscale;
    spec.headlines = r->cover_heads;
    spec.n_headlines = r->cover_n;
    spec.photo = r->cover_photo_done ? r->cover_photo : NULL;
    r->res->cover_ahead = ov__cover_ahead_start(&spec, r->res->cover_proc);
    r->cover_off = 1;
}

/* Called whenever a page or an image is done: scan on in job order. */
static void cover_guess(run *r)
{
    if (r->cover_off || r->cfg->seen || r->n_jobs < 2)
        return;
    while (r->cover_scan < r->n_jobs) {
        if (r->cover_n >= OV_COVER_MAX_HEADLINES && r->cover_photo_done)
            break;
        const job *j = &r->jobs[r->cover_scan];
        if (!j->done)
            return;
        if (j->section < r->cover_section) { /* sections interleave: no guess */
            r->cover_off = 1;
            return;
        }
        r->cover_section = j->section;
        if (!cover_scan_job(r, j))
            return;
        r->cover_keyed = 0;
        r->cover_scan++;
    }
    if (!r->cover_off)
        cover_start(r);
}

/* ---------- extraction on the workers ---------- */

/* One page to extract: filled on the pipeline's thread, extracted on a
 * worker (extract_page), applied back on the pipeline's thread (page_done). */
typedef struct page_work {
    ov__work w;                 /* first: the pool's link */
    const ov__build_config *cfg;
    const job *j;               /* read only on the worker */
    const ov_rules *rules;      /* looked up on the pipeline's thread */
    unsigned char *data;        /* the page (owned) */
    size_t len;
    char *url, *content_type;   /* owned; content_type may be NULL */
    ov_article *article;        /* out: the article, or NULL */
    char body_hash[17];         /* out: with the article, ov__body_hash of its body */
    uint64_t *keys;             /* out: with the article, its block keys (owned) */
    size_t n_keys;
    char skip[OV_ERROR_MESSAGE_MAX]; /* out: why not, when article is NULL */
} page_work;

static void page_work_free(page_work *pw)
{
    free(pw->data);
    free(pw->url);
    free(pw->content_type);
    free(pw->keys);
    ov_article_free(pw->article);
    free(pw);
}

/* Runs on a worker: only pw and the immutable job and configuration. */
static void extract_page(ov__work *w)
{
    page_work *pw = (page_work *)w;
    const job *j = pw->j;
    ov_transform_options to = OV_TRANSFORM_OPTIONS_INIT;
    to.rules = pw->rules;
    to.content_type = pw->content_type;
    to.fetched_at = pw->cfg->now;
    ov_error err;
    ov_error_clear(&err);
    ov_article *a = NULL;
    /* the body parsed once, as the packager reads it (NULL: parse it where needed) */
    xmlDocPtr body = NULL;
    if (ov__transform_extract_doc(pw->data, pw->len, pw->url, &to, &a, &body, &err) != 0) {
        ov_article_free(a); /* OV_ENOTFOUND hands back the metadata */
        snprintf(pw->skip, sizeof pw->skip, "%s", err.message);
        return;
    }
    /* a body that parsed as the check parses it passes the check */
    if (!body && ov__build_check_body(a, &err) != 0) {
        snprintf(pw->skip, sizeof pw->skip, "%s", err.message);
        ov_article_free(a);
        return;
    }
    size_t n_links = 0;
    if (ov__listing_like(a, pw->data, pw->len, &n_links)) { /* a section front, not an article */
        char *feed = ov__listing_feed(pw->data, pw->len, pw->url);
        ov__listing_reason(n_links, feed, pw->skip, sizeof pw->skip);
        free(feed);
        xmlFreeDoc(body);
        ov_article_free(a);
        return;
    }
    fill_from_entry(a, j);
    if (!a->title)
        ov_strset(&a->title, j->url);
    relativize(&a->url, j->root);
    relativize(&a->canonical_url, j->root);
    ov__body_hash(a->body_xhtml, pw->body_hash);
    if ((body ? ov__block_keys_doc(body, &pw->keys, &pw->n_keys, &err)
              : ov_transform_block_keys(a->body_xhtml, &pw->keys, &pw->n_keys, &err)) != 0) {
        pw->keys = NULL; /* out of memory: the page only escapes the boilerplate pass */
        pw->n_keys = 0;
    }
    xmlFreeDoc(body);
    pw->article = a;
}

/* ---------- bodies, spooled ---------- */

/* Each article's body is appended to one spool file as soon as it is
 * applied and read back when its chapter is written, so the bodies of a
 * large issue are never all in memory. If the spool cannot be written the
 * body simply stays in memory. */
#define BODY_SPOOL_NAME "bodies.spool"

static void spool_body(run *r, job *j)
{
    ov__build_result *res = r->res;
    ov_article *a = j->article;
    size_t len = a->body_xhtml ? strlen(a->body_xhtml) : 0;
    if (!res->body_fd_open) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/" BODY_SPOOL_NAME, res->spool_dir);
        res->body_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        res->body_fd_open = res->body_fd >= 0 ? 1 : -1;
    }
    if (res->body_fd_open < 0 || !a->body_xhtml ||
        ov__pwrite_all(res->body_fd, a->body_xhtml, len, res->body_off) != 0) {
        fit_body(a);
        return;
    }
    j->ref.off = res->body_off;
    j->ref.len = len;
    j->ref.spooled = 1;
    res->body_off += len;
    free(a->body_xhtml);
    a->body_xhtml = NULL;
}

/* The body of `ref` read back from the spool into `*out` (malloc'd). */
static int read_body(const ov__build_result *res, const ov__body_ref *ref, const char *url,
                     char **out, ov_error *err)
{
    char *b = malloc(ref->len + 1);
    if (!b)
        return ov_error_set(err, OV_ENOMEM, url, "out of memory");
    if (ov__pread_all(res->body_fd, b, ref->len, ref->off) != 0) {
        int e = errno;
        free(b);
        return ov_error_set(err, OV_EIO, url, "cannot read the article back from its spool: %s",
                            strerror(e));
    }
    b[ref->len] = '\0';
    *out = b;
    return 0;
}

int ov__build_load_body(void *ud, size_t ord, const ov_article *a, char **out, ov_error *err)
{
    ov__build_result *res = ud;
    *out = NULL;
    if (ord >= res->n_bodies || !res->bodies[ord].spooled)
        return 0; /* in memory, boilerplate already removed */
    const ov__body_ref *ref = &res->bodies[ord];
    ov_article tmp = *a; /* its body is the one read back; nothing else changes */
    int rc = read_body(res, ref, a->url, &tmp.body_xhtml, err);
    if (rc)
        return rc;
    if ((rc = ov_transform_strip_keys(&tmp, ref->keys, ref->n_keys, NULL, err)) != 0) {
        free(tmp.body_xhtml);
        return rc;
    }
    *out = tmp.body_xhtml;
    return 0;
}

int ov__build_unspool_bodies(ov__build_result *res)
{
    size_t ord = 0;
    ov_book *b = res->book;
    for (size_t s = 0; b && s < b->n_sections; s++)
        for (size_t i = 0; i < b->sections[s]->n_articles; i++, ord++) {
            ov_article *a = b->sections[s]->articles[i];
            if (ord >= res->n_bodies || !res->bodies[ord].spooled)
                continue;
            ov_error e;
            ov_error_clear(&e);
            char *body = NULL;
            int rc = ov__build_load_body(res, ord, a, &body, &e);
            if (rc)
                return rc;
            free(a->body_xhtml);
            a->body_xhtml = body;
            res->bodies[ord].spooled = 0;
        }
    return 0;
}

/* On the pipeline's thread: the article into its job, its images queued. */
static void page_done(run *r, page_work *pw)
{
    job *j = (job *)pw->j;
    if (!pw->article) {
        ov__build_skip(r->res, j->url, "%s", pw->skip);
    } else {
        ov_article *a = j->article = pw->article;
        pw->article = NULL;
        memcpy(j->body_hash, pw->body_hash, sizeof j->body_hash);
        j->keys = pw->keys;
        j->n_keys = pw->n_keys;
        pw->keys = NULL;
        spool_body(r, j);
        if (!r->cfg->no_images)
            for (size_t i = 0; i < a->n_images && !r->fatal; i++)
                queue_image(r, j, a->images[i]);
    }
    j->done = 1;
    page_work_free(pw);
    cover_guess(r);
}

/* Apply the pages the workers finished; with `wait`, block for one.
 * Returns how many are still out. */
static size_t pages_collect(run *r, int wait)
{
    ov__work *w;
    while ((w = ov__workers_collect(r->pool, wait)) != NULL) {
        page_done(r, (page_work *)w);
        wait = 0;
    }
    return ov__workers_outstanding(r->pool);
}

/* The fetch loop's idle hook: it keeps running while pages are out. */
static size_t pages_idle(void *ud, int wait)
{
    return pages_collect(ud, wait);
}

static void pages_wake(void *ud)
{
    ov_fetch_wakeup(((run *)ud)->res->fetcher);
}

static int pages_start(run *r)
{
    xmlInitParser(); /* once, on this thread, before any worker parses */
    return ov__workers_new(ov__workers_default_threads(), 8 * ov__workers_default_threads(),
                           &r->pool);
}

/* Extract page `data` (owned: taken even on failure) of job `j`. */
static void process_page(run *r, job *j, unsigned char *data, size_t len, const char *url,
                         const char *content_type)
{
    const ov__build_config *cfg = r->cfg;
    page_work *pw = calloc(1, sizeof *pw);
    if (!pw || !(pw->url = strdup(url)) ||
        (content_type && !(pw->content_type = strdup(content_type)))) {
        if (pw)
            free(pw->url);
        free(pw);
        free(data);
        set_fatal(r, OV_ENOMEM, j->url, "out of memory");
        return;
    }
    pw->w.fn = extract_page;
    pw->cfg = cfg;
    pw->j = j;
    pw->rules = cfg->rules ? cfg->rules(cfg->rules_ud, url) : NULL;
    pw->data = data;
    pw->len = len;
    ov__workers_submit(r->pool, &pw->w);
    pages_collect(r, 0);
}

static void process_local(run *r, job *j)
{
    unsigned char *data = NULL;
    size_t len = 0;
    ov_error err;
    ov_error_clear(&err);
    if (ov__read_file(j->path, OV_BUILD_MAX_LOCAL_BYTES, &data, &len, &err) != 0) {
        ov__build_skip(r->res, j->url, "%s", err.message);
        j->done = 1;
        return;
    }
    process_page(r, j, data, len, j->url, NULL);
}

/* Feed content used as the page: wrap it so the extractor sees a document. */
static void process_feed_content(run *r, job *j)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>");
    if (!rc)
        rc = ov__buf_put_xml(&b, j->title ? j->title : "");
    if (!rc)
        rc = ov__buf_puts(&b, "</title></head><body><article>");
    if (!rc)
        rc = ov__buf_puts(&b, j->content);
    if (!rc)
        rc = ov__buf_puts(&b, "</article></body></html>");
    if (rc) {
        set_fatal(r, OV_ENOMEM, j->url, "out of memory");
        ov__buf_free(&b);
        return;
    }
    process_page(r, j, (unsigned char *)b.data, b.len, j->url, "text/html; charset=utf-8");
}

static void on_fetched(void *ud, const ov_response *resp)
{
    run *r = ud;
    if (resp->kind == OV_FETCH_IMAGE) {
        if (resp->error)
            ov__build_skip(r->res, resp->url, "image: %s", resp->error_message);
        else
            add_image(r, resp->url, resp->body, resp->len);
        size_t *st = ov__hmap_get(&r->queued, resp->url);
        if (st)
            *st = 1; /* resolved, for the cover's guess */
        cover_guess(r);
        return;
    }
    job *j = resp->user;
    if (!j)
        return;
    if (resp->error) {
        ov__build_skip(r->res, j->url, "%s", resp->error_message);
        j->done = 1;
        cover_guess(r);
        return;
    }
    unsigned char *copy = malloc(resp->len + 1); /* the fetcher frees its own */
    if (!copy) {
        set_fatal(r, OV_ENOMEM, j->url, "out of memory");
        return;
    }
    memcpy(copy, resp->body, resp->len);
    copy[resp->len] = 0;
    process_page(r, j, copy, resp->len, resp->final_url ? resp->final_url : resp->url,
                 resp->content_type);
}

/* ---------- collection ---------- */

static int entry_seen(run *r, const char *url)
{
    if (!r->cfg->seen || !r->cfg->seen(r->cfg->seen_ud, url, NULL))
        return 0;
    r->res->n_seen++;
    return 1;
}

static int add_entry_job(run *r, size_t section, const ov_entry *e, const char *root)
{
    if (entry_seen(r, e->url))
        return 0;
    char *path = NULL;
    if (!ov__is_http_url(e->url) && ov__is_file_url(e->url)) {
        path = ov__file_url_to_path(e->url);
        if (!local_ok(r, path, root)) {
            ov__build_skip(r->res, e->url, "refused: %s",
                           path ? "local file outside the input folder; see --local-root" : "not an http(s) URL");
            free(path);
            return 0;
        }
    }
    job *j = add_job(r, section, e->url);
    if (!j) {
        free(path);
        if (r->n_jobs >= OV_BUILD_MAX_ARTICLES) {
            ov__build_skip(r->res, e->url, "more than %d articles in one book",
                           OV_BUILD_MAX_ARTICLES);
            return 0;
        }
        return set_fatal(r, OV_ENOMEM, e->url, "out of memory");
    }
    j->path = path;
    j->linkless = e->id && e->url == e->id;
    if ((root && ov_strset(&j->root, root)) || ov_strset(&j->title, e->title) ||
        ov_strset(&j->author, e->author) || ov_strset(&j->published, e->published) ||
        ov_strset(&j->summary, e->summary) || ov_strset(&j->content, e->content))
        return set_fatal(r, OV_ENOMEM, e->url, "out of memory");
    return 0;
}

static int add_entries(run *r, const ov__input *in, ov_entries *es, const char *fallback_title,
                       const char *root)
{
    long s = add_section(r, in->section ? in->section : es->title ? es->title : fallback_title);
    if (s < 0)
        return set_fatal(r, OV_ENOMEM, in->where, "out of memory");
    r->loose_section = -1;
    int64_t cutoff = in->oldest_days > 0 ? r->cfg->now - (int64_t)(in->oldest_days * 86400) : 0;
    size_t taken = 0;
    for (size_t i = 0; i < es->n_skips; i++)
        ov__build_skip(r->res, es->skips[i].what, "%s", es->skips[i].reason);
    ov__hmap urls = OV__HMAP_INIT; /* of this section's jobs */
    for (size_t i = 0; i < es->n && !r->fatal; i++) {
        ov_entry linkless;
        const ov_entry *e = &es->items[i];
        if (!e->url) {
            /* an item without a link is read from the feed's own text */
            if (!e->id || (!e->content && !e->summary))
                continue;
            linkless = *e;
            linkless.url = e->id;
            if (!linkless.content)
                linkless.content = e->summary;
            e = &linkless;
        }
        if (cutoff && e->time && e->time < cutoff)
            continue;
        if (in->max_articles && taken >= in->max_articles)
            break;
        if (ov__hmap_get(&urls, e->url))
            continue;
        size_t before = r->n_jobs;
        add_entry_job(r, (size_t)s, e, root);
        if (r->n_jobs > before && ov__hmap_put(&urls, e->url, 0, NULL) < 0)
            set_fatal(r, OV_ENOMEM, e->url, "out of memory");
        taken++;
    }
    ov__hmap_free(&urls);
    if (taken == 0 && !r->fatal)
        fprintf(stderr, "octavo: %s: no articles found%s\n", in->where,
                cutoff ? " (all older than the --oldest limit)" : "");
    return r->fatal ? r->fatal_err.code : 0;
}

static long loose_section(run *r, const ov__input *in)
{
    if (in->section || r->loose_section < 0) {
        r->loose_section = add_section(r, in->section ? in->section : OV__BUILD_UNNAMED_SECTION);
    }
    return r->loose_section;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_html_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
                   strcasecmp(dot, ".xhtml") == 0);
}

/* Collect HTML files under `dir` (depth-bounded), skipping index pages and
 * browsers' "*_files" folders. */
static void list_html(const char *dir, int depth, char ***out, size_t *n, size_t *cap,
                      size_t *unlisted)
{
    if (depth > 8)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t nl = strlen(de->d_name);
        if (S_ISDIR(st.st_mode)) {
            if (nl < 6 || strcmp(de->d_name + nl - 6, "_files") != 0)
                list_html(path, depth + 1, out, n, cap, unlisted);
        } else if (S_ISREG(st.st_mode) && has_html_ext(de->d_name) &&
                   !(depth == 0 && strncasecmp(de->d_name, "index.", 6) == 0)) {
            if (*n < OV_BUILD_MAX_FOLDER_SCAN)
                push_string(out, n, cap, path);
            else
                ++*unlisted;
        }
    }
    closedir(d);
}

/* The feed file `path` (its bytes `data`, taken) of folder `dir` into jobs:
 * 1 when it was a feed, 0 when it did not parse (a skip says why). */
static int local_feed(run *r, const ov__input *in, const char *path, const char *dir,
                      const char *fallback_title, unsigned char *data, size_t len, int *rc_out)
{
    ov_error err;
    ov_error_clear(&err);
    char *url = ov__path_to_file_url(path);
    ov_entries *es = NULL;
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    fo.base_url = url;
    int rc = url ? ov_feed_parse(data, len, &fo, &es, &err) : OV_ENOMEM;
    free(data);
    free(url);
    if (rc == 0) {
        *rc_out = add_entries(r, in, es, fallback_title, dir);
        ov_entries_free(es);
        return 1;
    }
    ov__build_skip(r->res, path, "feed: %s", err.message);
    return 0;
}

static int collect_folder(run *r, const ov__input *in, const char *dir)
{
    ov_error err;
    ov_error_clear(&err);
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    for (size_t i = 0; local_feed_names[i]; i++) {
        char path[PATH_MAX];
        int pn = snprintf(path, sizeof path, "%s/%s", dir, local_feed_names[i]);
        if (pn < 0 || (size_t)pn >= sizeof path)
            continue;
        unsigned char *data = NULL;
        size_t len = 0;
        if (access(path, R_OK) != 0)
            continue;
        if (ov__read_file(path, OV_FETCH_MAX_PAGE_BYTES, &data, &len, &err) != 0) {
            ov__build_skip(r->res, path, "%s", err.message);
            continue;
        }
        int rc = 0;
        if (local_feed(r, in, path, dir, base, data, len, &rc))
            return rc;
    }
    char **files = NULL;
    size_t n = 0, cap = 0, over = 0;
    list_html(dir, 0, &files, &n, &cap, &over);
    qsort(files, n, sizeof *files, cmp_str);
    if (n > OV_BUILD_MAX_FOLDER_FILES) {
        over += n - OV_BUILD_MAX_FOLDER_FILES;
        for (size_t i = OV_BUILD_MAX_FOLDER_FILES; i < n; i++)
            free(files[i]);
        n = OV_BUILD_MAX_FOLDER_FILES;
    }
    /* with --max-articles at or under the limit, nothing past it would be taken */
    if (over && !(in->max_articles && in->max_articles <= OV_BUILD_MAX_FOLDER_FILES))
        ov__build_skip(r->res, dir,
                       "%zu HTML file%s left out: a folder without a feed gives at most %d "
                       "articles (the first in name order; OV_BUILD_MAX_FOLDER_FILES)",
                       over, over == 1 ? "" : "s", OV_BUILD_MAX_FOLDER_FILES);
    ov_entries es = {0};
    es.items = calloc(n ? n : 1, sizeof *es.items);
    int rc = 0;
    if (!es.items) {
        rc = set_fatal(r, OV_ENOMEM, dir, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        if ((es.items[es.n].url = ov__path_to_file_url(files[i])))
            es.n++;
    rc = add_entries(r, in, &es, base, dir);
cleanup:
    for (size_t i = 0; i < es.n; i++)
        free(es.items[i].url);
    free(es.items);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    return rc;
}

typedef enum doc_kind { DOC_HTML, DOC_FEED, DOC_SITEMAP } doc_kind;
static doc_kind sniff_doc(const unsigned char *d, size_t len);

static int collect_local(run *r, const ov__input *in)
{
    char abs[PATH_MAX];
    if (!realpath(in->where, abs)) {
        ov__build_skip(r->res, in->where, "cannot read: %s", strerror(errno));
        return 0;
    }
    if (ov__is_dir(abs))
        return collect_folder(r, in, abs);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", abs);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    /* read once: a feed file given by name is read as the folder's feed
       would be (within the feed limit), anything else is the page, kept for
       extraction; a file that cannot be read is reported when it is */
    unsigned char *data = NULL;
    size_t len = 0;
    ov_error err;
    ov_error_clear(&err);
    if (ov__read_file(abs, OV_BUILD_MAX_LOCAL_BYTES, &data, &len, &err) != 0)
        data = NULL;
    if (data && len <= OV_FETCH_MAX_PAGE_BYTES && sniff_doc(data, len) == DOC_FEED) {
        const char *base = strrchr(dir, '/');
        base = base && base[1] ? base + 1 : dir;
        int rc = 0;
        if (local_feed(r, in, abs, dir, base, data, len, &rc))
            return rc;
        data = NULL; /* taken by local_feed; the file is read again as a page */
    }
    long s = loose_section(r, in);
    char *url = ov__path_to_file_url(abs);
    job *j = (s >= 0 && url) ? add_job(r, (size_t)s, url) : NULL;
    if (j && data && ov_strset(&j->body_url, url) == 0) {
        j->body = data;
        j->body_len = len;
        data = NULL;
    }
    free(data);
    free(url);
    if (!j)
        return set_fatal(r, OV_ENOMEM, in->where, "out of memory");
    if (ov_strset(&j->path, abs) || ov_strset(&j->root, dir))
        return set_fatal(r, OV_ENOMEM, in->where, "out of memory");
    return 0;
}

/* What a fetched document is, from its first bytes. */

static doc_kind sniff_doc(const unsigned char *d, size_t len)
{
    if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
        return DOC_SITEMAP; /* gzip: only sitemaps come compressed like this */
    size_t n = len < 4096 ? len : 4096;
    char head[4097];
    memcpy(head, d, n);
    head[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (head[i] == '\0')
            head[i] = ' ';
    if (ov_feed_sniff(d, len))
        return DOC_FEED; /* past comments, PIs and DOCTYPEs of any size */
    if (strstr(head, "<urlset") || strstr(head, "<sitemapindex"))
        return DOC_SITEMAP;
    if (strstr(head, "<rss") || strstr(head, "<rdf:RDF") || strstr(head, "<feed"))
        return strcasestr(head, "<html") ? DOC_HTML : DOC_FEED;
    return DOC_HTML;
}

static int home_like(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (!p)
        return 1;
    size_t n = strcspn(p, "?#");
    if (n <= 1 || p[n - 1] == '/')
        return 1;
    const char *last = p;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '/')
            last = p + i + 1;
    return strncasecmp(last, "index.", 6) == 0;
}

static int collect_remote_doc(run *r, const ov__input *in, const ov_response *resp)
{
    ov_error err;
    ov_error_clear(&err);
    const char *url = resp->final_url ? resp->final_url : resp->url;
    char host[256];
    ov__url_host(url, host, sizeof host);
    ov_entries *es = NULL;
    int rc;
    switch (sniff_doc(resp->body, resp->len)) {
    case DOC_FEED: {
        ov_feed_options fo = OV_FEED_OPTIONS_INIT;
        fo.base_url = url;
        fo.content_type = resp->content_type;
        rc = ov_feed_parse(resp->body, resp->len, &fo, &es, &err);
        break;
    }
    case DOC_SITEMAP: {
        ov_discover_options dopt = {in->pattern, r->cfg->now, in->oldest_days, in->max_articles};
        rc = ov_discover(r->res->fetcher, in->where, &dopt, &es, &err);
        break;
    }
    default:
        if (!in->pattern && !home_like(url)) {
            /* a single article: extract the bytes we already have */
            if (entry_seen(r, in->where))
                return 0;
            long s = loose_section(r, in);
            job *j = s >= 0 ? add_job(r, (size_t)s, in->where) : NULL;
            if (!j)
                return set_fatal(r, OV_ENOMEM, in->where, "out of memory");
            j->body = malloc(resp->len ? resp->len : 1);
            if (!j->body || ov_strset(&j->body_url, url) ||
                (resp->content_type && ov_strset(&j->body_type, resp->content_type)))
                return set_fatal(r, OV_ENOMEM, in->where, "out of memory");
            memcpy(j->body, resp->body, resp->len);
            j->body_len = resp->len;
            return 0;
        }
        rc = ov_page_links(resp->body, resp->len, url, resp->content_type, in->pattern, &es, &err);
        if (rc == 0 && !in->pattern && es->n_children > 0) {
            /* a home page that announces a feed: use the feed */
            ov__input feed_in = *in;
            feed_in.where = es->children[0];
            ov_response *fr = NULL;
            rc = ov_fetch_get(r->res->fetcher, feed_in.where, OV_FETCH_FEED, &fr, &err);
            if (rc == 0 && fr->error == 0 && sniff_doc(fr->body, fr->len) == DOC_FEED) {
                ov_entries *fes = NULL;
                ov_feed_options fo = OV_FEED_OPTIONS_INIT;
                fo.base_url = fr->final_url ? fr->final_url : fr->url;
                fo.content_type = fr->content_type;
                if (ov_feed_parse(fr->body, fr->len, &fo, &fes, &err) == 0) {
                    ov_entries_free(es);
                    es = fes;
                }
            }
            ov_response_free(fr);
            rc = 0;
        }
        break;
    }
    if (rc != 0) {
        ov__build_skip(r->res, in->where, "%s", err.message);
        return 0;
    }
    rc = add_entries(r, in, es, host, NULL);
    ov_entries_free(es);
    return rc;
}

static int collect_remote(run *r, const ov__input *in)
{
    ov_error err;
    ov_error_clear(&err);
    int rc = get_fetcher(r, &err);
    if (rc)
        return set_fatal(r, rc, in->where, err.message);
    ov_response *resp = NULL;
    rc = ov_fetch_get(r->res->fetcher, in->where, OV_FETCH_FEED, &resp, &err);
    if (rc != 0) {
        ov__build_skip(r->res, in->where, "%s", err.message);
        return 0;
    }
    if (resp->error)
        ov__build_skip(r->res, in->where, "%s", resp->error_message);
    else
        rc = collect_remote_doc(r, in, resp);
    ov_response_free(resp);
    return rc;
}

/* ---------- assembly ---------- */

/* The most frequent article language (ASCII case-insensitive, as
 * strcasecmp; the first in job order wins a tie), or NULL. */
static const char *majority_language(const run *r)
{
    const char *best = NULL;
    size_t best_n = 0;
    ov__hmap counts = OV__HMAP_INIT;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->n_jobs; i++) {
            const ov_article *a = r->jobs[i].article;
            if (!a || !a->language)
                continue;
            char *key = strdup(a->language);
            size_t *n = NULL;
            for (char *k = key; k && *k; k++)
                if (*k >= 'A' && *k <= 'Z')
                    *k = (char)(*k + 32);
            int rc = key ? ov__hmap_put(&counts, key, 0, &n) : OV_ENOMEM;
            free(key);
            if (rc < 0)
                goto cleanup;
            if (pass == 0)
                ++*n;
            else if (*n > best_n) {
                best = a->language;
                best_n = *n;
            }
        }
cleanup:
    ov__hmap_free(&counts);
    return best;
}

/* One more slot in res->bodies, which runs parallel to the book's articles. */
static int grow_bodies(ov__build_result *res)
{
    return ov__grow_array((void **)&res->bodies, res->n_bodies, &res->cap_bodies,
                          sizeof *res->bodies, 64);
}

/* Site boilerplate (ov_transform_boiler_keys) over the book's articles: each
 * keeps only its boilerplate keys; bodies still in memory lose those blocks
 * now, spooled ones when they are read back (ov__build_load_body). */
static int site_boilerplate(ov__build_result *res, ov_error *err)
{
    size_t n = res->n_bodies, k = 0;
    if (n < OV_SITEBOILER_MIN_PAGES)
        return 0;
    const ov_article **arts = malloc(n * sizeof *arts);
    uint64_t **keys = malloc(n * sizeof *keys);
    size_t *n_keys = malloc(n * sizeof *n_keys);
    int rc = 0;
    if (!arts || !keys || !n_keys) {
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    for (size_t s = 0; s < res->book->n_sections; s++)
        for (size_t i = 0; i < res->book->sections[s]->n_articles && k < n; i++, k++) {
            arts[k] = res->book->sections[s]->articles[i];
            keys[k] = res->bodies[k].keys;
            n_keys[k] = res->bodies[k].n_keys;
        }
    if ((rc = ov_transform_boiler_keys(arts, keys, n_keys, k, err)) != 0)
        goto cleanup;
    for (size_t i = 0; i < k && rc == 0; i++) {
        ov__body_ref *ref = &res->bodies[i];
        ref->n_keys = n_keys[i];
        if (!ref->n_keys) {
            free(ref->keys);
            ref->keys = NULL;
        } else if (!ref->spooled) {
            rc = ov_transform_strip_keys((ov_article *)arts[i], ref->keys, ref->n_keys, NULL, err);
            free(ref->keys);
            ref->keys = NULL;
            ref->n_keys = 0;
        }
    }
cleanup:
    free(arts);
    free(keys);
    free(n_keys);
    return rc;
}

/* Move articles into the book in job order, dropping duplicates. */
static int assemble(run *r)
{
    ov_book *b = r->res->book;
    ov__hmap keys = OV__HMAP_INIT; /* canonical URLs and body hashes taken */
    int rc = 0;
    for (size_t s = 0; s < r->n_sections && !rc; s++) {
        ov_section *sec = NULL;
        for (size_t i = 0; i < r->n_jobs && !rc; i++) {
            job *j = &r->jobs[i];
            if (j->section != s || !j->article)
                continue;
            ov_article *a = j->article;
            const char *canon = a->canonical_url ? a->canonical_url : a->url;
            const char *hash = j->body_hash;
            if (ov__hmap_get(&keys, canon) || ov__hmap_get(&keys, hash)) {
                r->res->n_duplicates++;
                continue;
            }
            if (r->cfg->seen && r->cfg->seen(r->cfg->seen_ud, canon, hash)) {
                r->res->n_seen++;
                continue;
            }
            if (ov__hmap_put(&keys, canon, 0, NULL) < 0 || ov__hmap_put(&keys, hash, 0, NULL) < 0) {
                rc = OV_ENOMEM;
                break;
            }
            if (!sec && ov_book_add_section(b, r->sections[s], &sec) != 0) {
                rc = OV_ENOMEM;
                break;
            }
            if (grow_bodies(r->res) != 0 || ov_section_add_article(sec, a) != 0) {
                rc = OV_ENOMEM;
                break;
            }
            ov__body_ref *ref = &r->res->bodies[r->res->n_bodies++];
            *ref = j->ref;
            ref->keys = j->keys;
            ref->n_keys = j->n_keys;
            j->keys = NULL;
            j->article = NULL;
            r->res->n_articles++;
        }
    }
    ov__hmap_free(&keys);
    return rc;
}

/* The fetch loop, with the workers' results applied at each of its turns. */
static int fetch_pages(run *r, ov_error *err)
{
    ov__workers_set_wake(r->pool, pages_wake, r);
    ov_fetch_set_idle(r->res->fetcher, pages_idle, r);
    int rc = ov_fetch_run(r->res->fetcher, on_fetched, r, err);
    ov_fetch_set_idle(r->res->fetcher, NULL, NULL);
    ov__workers_set_wake(r->pool, NULL, NULL);
    return rc;
}

/* Wait for the pages still out (an early failure), drop them, stop the threads. */
static void pages_stop(run *r)
{
    if (!r->pool)
        return;
    ov__work *w;
    while ((w = ov__workers_collect(r->pool, 1)) != NULL)
        page_work_free((page_work *)w);
    ov__workers_free(r->pool);
    r->pool = NULL;
}

static int make_spool_dir(ov__build_result *res, ov_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char templ[PATH_MAX];
    snprintf(templ, sizeof templ, "%s/octavo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(templ))
        return ov_error_set(err, OV_EIO, templ, "cannot create a temporary directory: %s",
                            strerror(errno));
    res->spool_dir = strdup(templ);
    return res->spool_dir ? 0 : ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
}

int ov__build_collect(const ov__build_config *cfg, ov__build_result *res, ov_error *err)
{
    run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.res = res;
    r.loose_section = -1;
    r.spool_fd = -1;
    int rc = ov_book_new(&res->book);
    if (rc)
        return ov_error_set(err, rc, NULL, "out of memory");
    /* before any thread: the cover is drawn there (cover_proc.h); libvips
       starts here only if an image needs it (ov_image_prepare) */
    res->cover_proc = ov__cover_proc_start();
    if ((rc = make_spool_dir(res, err)) != 0)
        goto cleanup;

    for (size_t i = 0; i < cfg->n_inputs && !r.fatal; i++) {
        const ov__input *in = &cfg->inputs[i];
        if (ov__is_http_url(in->where))
            collect_remote(&r, in);
        else if (ov__is_file_url(in->where) || strstr(in->where, "://"))
            ov__build_skip(res, in->where, "only http(s) URLs and local paths are accepted");
        else
            collect_local(&r, in);
    }
    if ((rc = pages_start(&r)) != 0) {
        ov_error_set(err, rc, NULL, "out of memory");
        goto cleanup;
    }
    /* local pages and feed content first, then everything from the network at once */
    for (size_t i = 0; i < r.n_jobs && !r.fatal; i++) {
        job *j = &r.jobs[i];
        if (j->article)
            continue;
        if (j->body) {
            unsigned char *body = j->body;
            j->body = NULL;
            process_page(&r, j, body, j->body_len, j->body_url, j->body_type);
        } else if (j->path)
            process_local(&r, j);
        else if (j->content && (cfg->full_content || j->linkless))
            process_feed_content(&r, j); /* full content, or an item without a link */
        else if (ov__is_http_url(j->url)) {
            if ((rc = get_fetcher(&r, err)) != 0)
                goto cleanup;
            ov_request req = {j->url, OV_FETCH_PAGE, NULL, j};
            ov_error e2;
            ov_error_clear(&e2);
            if (ov_fetch_add(res->fetcher, &req, &e2) != 0)
                ov__build_skip(res, j->url, "%s", e2.message);
        }
    }
    /* local pages first: they may still queue images from the network */
    while (!res->fetcher && pages_collect(&r, 1) > 0)
        ;
    if (!r.fatal && res->fetcher && (rc = fetch_pages(&r, err)) != 0)
        goto cleanup;
    while (pages_collect(&r, 1) > 0)
        ;
    if (r.fatal) {
        *err = r.fatal_err;
        rc = r.fatal_err.code;
        goto cleanup;
    }
    if ((rc = assemble(&r)) != 0) {
        ov_error_set(err, rc, NULL, "out of memory");
        goto cleanup;
    }
    if ((rc = site_boilerplate(res, err)) != 0)
        goto cleanup;
    res->n_images = res->book->n_resources;
    if (!cfg->language && majority_language(&r))
        ov_strset(&res->book->language, majority_language(&r));
cleanup:
    pages_stop(&r);
    for (size_t i = 0; i < r.n_jobs; i++)
        job_free(&r.jobs[i]);
    free(r.jobs);
    for (size_t i = 0; i < r.n_sections; i++)
        free(r.sections[i]);
    free(r.sections);
    ov__hmap_free(&r.queued);
    ov__hmap_free(&r.cover_keys);
    if (r.spool_fd >= 0)
        close(r.spool_fd);
    return rc;
}

void ov__build_result_free(ov__build_result *res)
{
    ov__cover_ahead_take(res->cover_ahead, NULL, NULL); /* a run that ended early */
    res->cover_ahead = NULL;
    ov__cover_proc_free(res->cover_proc);
    res->cover_proc = NULL;
    ov_book_free(res->book); /* unlinks the spool files it owns */
    res->book = NULL;
    for (size_t i = 0; i < res->n_skips; i++) {
        free(res->skips[i].url);
        free(res->skips[i].reason);
    }
    free(res->skips);
    res->skips = NULL;
    ov_fetcher_free(res->fetcher);
    res->fetcher = NULL;
    for (size_t i = 0; i < res->n_bodies; i++)
        free(res->bodies[i].keys);
    free(res->bodies);
    res->bodies = NULL;
    res->n_bodies = res->cap_bodies = 0;
    if (res->body_fd_open > 0)
        close(res->body_fd);
    res->body_fd_open = 0;
    if (res->spool_dir) /* with whatever a failed run left in it */
        ov__build_remove_spool(res->spool_dir);
    free(res->spool_dir);
    res->spool_dir = NULL;
}
