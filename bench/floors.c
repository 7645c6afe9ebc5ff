/*
 * bench/floors: the physical floor of a build, measured on the same pages.
 *
 *   floors SITE_DIR BASE_URL
 *
 * SITE_DIR is a bench site (gen-site.sh): news/NNNNN.html and
 * images/NNNNN-{1,2}.*; BASE_URL is where nginx serves it. Four stages a
 * build cannot avoid, each timed on its own (CPU = user+sys of this
 * process from getrusage, and wall):
 *   fetch    every page and image over HTTP with libcurl (one multi
 *            handle, 8 transfers at once, bodies counted and dropped)
 *   parse    every page parsed by libxml2's HTML parser
 *   deflate  every page compressed by zlib (raw deflate, default level)
 *   images   every image file read and its size taken from the header
 *            (by hand: the JPEG SOF or PNG IHDR, as octavo does)
 * One line per stage: "STAGE CPU_S WALL_S", then "sum CPU_S WALL_S".
 *
 * Built with -DOV_FLOORS_VIPS (and libvips), one more line, not in the sum:
 *   images-vips  the same sizes read by libvips (vips_image_new_from_file),
 *            the "image header reads" of issue 13's floors (0.18 s there),
 * then "sum-vips CPU_S WALL_S": fetch + parse + deflate + images-vips.
 * Not a test; bench/run calls it and reports octavo's ratio to the sum.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>
#ifdef OV_FLOORS_VIPS
#include <vips/vips.h>
#endif

typedef struct list {
    char **v;
    size_t n, cap;
} list;

static void push(list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            exit(1);
    }
    l->v[l->n++] = strdup(s);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *dir, list *out)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "floors: cannot open %s\n", dir);
        exit(1);
    }
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "base.jpg") && strcmp(e->d_name, "base.png"))
            push(out, e->d_name);
    closedir(d);
    qsort(out->v, out->n, sizeof *out->v, cmp);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    *len = b ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    return b;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += sz * n;
    return sz * n;
}

static void fetch_all(const list *urls)
{
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
    size_t next = 0, bytes = 0;
    int running = 0;
    for (;;) {
        while (next < urls->n && running < 8) {
            CURL *e = curl_easy_init();
            curl_easy_setopt(e, CURLOPT_URL, urls->v[next++]);
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
            curl_easy_setopt(e, CURLOPT_WRITEDATA, &bytes);
            curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
            curl_multi_add_handle(m, e);
            running++;
        }
        int still = 0;
        curl_multi_perform(m, &still);
        CURLMsg *msg;
        int left, done = 0;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                curl_multi_remove_handle(m, msg->easy_handle);
                curl_easy_cleanup(msg->easy_handle);
                running--;
                done++;
            }
        if (!running && next >= urls->n)
            break;
        if (!done) /* slots freed: start the next transfers before waiting */
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(m);
    if (!bytes)
        fprintf(stderr, "floors: fetched nothing\n");
}

/* Size from a JPEG SOF or PNG IHDR; 0 when not found. */
static int header_size(const unsigned char *d, size_t n, unsigned *w, unsigned *h)
{
    if (n >= 24 && d[0] == 0x89 && d[1] == 'P') {
        *w = (unsigned)d[16] << 24 | d[17] << 16 | d[18] << 8 | d[19];
        *h = (unsigned)d[20] << 24 | d[21] << 16 | d[22] << 8 | d[23];
        return 1;
    }
    for (size_t i = 2; n >= 4 && d[0] == 0xff && d[1] == 0xd8 && i + 9 < n;) {
        unsigned m = d[i + 1], len = (unsigned)d[i + 2] << 8 | d[i + 3];
        if (d[i] != 0xff)
            return 0;
        if (m >= 0xc0 && m <= 0xc2) {
            *h = (unsigned)d[i + 5] << 8 | d[i + 6];
            *w = (unsigned)d[i + 7] << 8 | d[i + 8];
            return 1;
        }
        i += 2 + len;
    }
    return 0;
}

static void report(const char *stage, double c0, double w0, double *csum, double *wsum)
{
    double c = cpu_s() - c0, w = wall_s() - w0;
    printf("%s %.3f %.3f\n", stage, c, w);
    *csum += c;
    *wsum += w;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: floors SITE_DIR BASE_URL\n");
        return 2;
    }
    char path[4096];
    list pages = {0}, images = {0}, urls = {0};
    snprintf(path, sizeof path, "%s/news", argv[1]);
    list_dir(path, &pages);
    snprintf(path, sizeof path, "%s/images", argv[1]);
    list_dir(path, &images);
    for (size_t i = 0; i < pages.n; i++) {
        snprintf(path, sizeof path, "%s/news/%s", argv[2], pages.v[i]);
        push(&urls, path);
    }
    for (size_t i = 0; i < images.n; i++) {
        snprintf(path, sizeof path, "%s/images/%s", argv[2], images.v[i]);
        push(&urls, path);
    }
    double csum = 0, wsum = 0, c0, w0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    c0 = cpu_s(), w0 = wall_s();
    fetch_all(&urls);
    report("fetch", c0, w0, &csum, &wsum);

    c0 = cpu_s(), w0 = wall_s();
    for (size_t i = 0; i < pages.n; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/news/%s", argv[1], pages.v[i]);
        unsigned char *b = slurp(path, &len);
        htmlDocPtr doc = b ? htmlReadMemory((const char *)b, (int)len, pages.v[i], NULL,
                                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                HTML_PARSE_NONET)
                           : NULL;
        xmlFreeDoc(doc);
        free(b);
    }
    report("parse", c0, w0, &csum, &wsum);

    c0 = cpu_s(), w0 = wall_s();
    unsigned char *out = malloc(1 << 22);
    for (size_t i = 0; i < pages.n && out; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/news/%s", argv[1], pages.v[i]);
        unsigned char *b = slurp(path, &len);
        z_stream z;
        memset(&z, 0, sizeof z);
        deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        z.next_in = b;
        z.avail_in = (uInt)len;
        z.next_out = out;
        z.avail_out = 1 << 22;
        deflate(&z, Z_FINISH);
        deflateEnd(&z);
        free(b);
    }
    free(out);
    report("deflate", c0, w0, &csum, &wsum);

    c0 = cpu_s(), w0 = wall_s();
    unsigned long px = 0;
    for (size_t i = 0; i < images.n; i++) {
        size_t len;
        unsigned w = 0, h = 0;
        snprintf(path, sizeof path, "%s/images/%s", argv[1], images.v[i]);
        unsigned char *b = slurp(path, &len);
        if (b && header_size(b, len, &w, &h))
            px += (unsigned long)w * h;
        free(b);
    }
    double vc = csum, vw = wsum; /* fetch + parse + deflate, for sum-vips */
    report("images", c0, w0, &csum, &wsum);
    printf("sum %.3f %.3f\n", csum, wsum);
#ifdef OV_FLOORS_VIPS
    if (VIPS_INIT(argv[0]) == 0) {
        unsigned long vpx = 0;
        vips_cache_set_max(0);
        c0 = cpu_s(), w0 = wall_s();
        for (size_t i = 0; i < images.n; i++) {
            snprintf(path, sizeof path, "%s/images/%s", argv[1], images.v[i]);
            VipsImage *im = vips_image_new_from_file(path, NULL);
            if (im) {
                vpx += (unsigned long)vips_image_get_width(im) * (unsigned long)vips_image_get_height(im);
                g_object_unref(im);
            }
        }
        report("images-vips", c0, w0, &vc, &vw);
        printf("sum-vips %.3f %.3f\n", vc, vw);
        if (vpx != px)
            fprintf(stderr, "floors: libvips read %lu pixels, the headers %lu\n", vpx, px);
    }
#endif
    fprintf(stderr, "floors: %zu pages, %zu images (%lu pixels)\n", pages.n, images.n, px);
    curl_global_cleanup();
    return 0;
}
