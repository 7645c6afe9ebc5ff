/*
 * The data model: plain structs with malloc'd members, grown by doubling.
 * Containers take ownership only on success so callers can always clean up.
 */
#include "octavo/model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/article.h"
#include "util/hmap.h"

int ov_strset(char **field, const char *value)
{
    char *copy = NULL;
    if (value) {
        copy = strdup(value);
        if (!copy)
            return OV_ENOMEM;
    }
    free(*field);
    *field = copy;
    return 0;
}

/* Make room for one more pointer in *arr (count n, capacity *cap). */
static int grow(void *arr_ptr, size_t n, size_t *cap)
{
    void ***arr = arr_ptr;
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void **p = realloc(*arr, ncap * sizeof *p);
    if (!p)
        return OV_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

int ov_resource_new(ov_resource **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : OV_ENOMEM;
}

void ov_resource_free(ov_resource *r)
{
    if (!r)
        return;
    if (r->spool_owned && r->spool_path)
        unlink(r->spool_path);
    free(r->url);
    free(r->media_type);
    free(r->data);
    free(r->spool_path);
    free(r);
}

int ov_resource_read(const ov_resource *r, unsigned char **out, size_t *len, ov_error *err)
{
    *out = NULL;
    *len = 0;
    if (r->data) {
        unsigned char *copy = malloc(r->size ? r->size : 1);
        if (!copy)
            return ov_error_set(err, OV_ENOMEM, r->url, "out of memory copying resource");
        memcpy(copy, r->data, r->size);
        *out = copy;
        *len = r->size;
        return 0;
    }
    if (!r->spool_path)
        return ov_error_set(err, OV_EINVAL, r->url, "resource has no bytes");
    if (!r->spool_offset && !r->size)
        return ov__read_file(r->spool_path, (size_t)-1, out, len, err);
    int fd = open(r->spool_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ov_error_set(err, OV_EIO, r->spool_path, "cannot open: %s", strerror(errno));
    unsigned char *buf = malloc(r->size ? r->size : 1);
    size_t got = 0;
    while (buf && got < r->size) {
        ssize_t n = pread(fd, buf + got, r->size - got, (off_t)(r->spool_offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!buf)
        return ov_error_set(err, OV_ENOMEM, r->url, "out of memory reading resource");
    if (got != r->size) {
        free(buf);
        return ov_error_set(err, OV_EIO, r->spool_path, "spool file shorter than its resource");
    }
    *out = buf;
    *len = got;
    return 0;
}

int ov_article_new(ov_article **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : OV_ENOMEM;
}

void ov_article_free(ov_article *a)
{
    if (!a)
        return;
    free(a->url);
    free(a->canonical_url);
    free(a->title);
    free(a->byline);
    free(a->published);
    free(a->language);
    free(a->site_name);
    free(a->source);
    free(a->description);
    free(a->lead_image);
    free(a->body_xhtml);
    for (size_t i = 0; i < a->n_images; i++)
        free(a->images[i]);
    free(a->images);
    free(a);
}

int ov__article_push_image(ov_article *a, const char *url)
{
    char *copy = strdup(url);
    if (!copy)
        return OV_ENOMEM;
    char **p = realloc(a->images, (a->n_images + 1) * sizeof *p);
    if (!p) {
        free(copy);
        return OV_ENOMEM;
    }
    a->images = p;
    a->images[a->n_images++] = copy;
    return 0;
}

int ov_article_add_image(ov_article *a, const char *url)
{
    for (size_t i = 0; i < a->n_images; i++)
        if (strcmp(a->images[i], url) == 0)
            return 0;
    return ov__article_push_image(a, url);
}

int ov_book_new(ov_book **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : OV_ENOMEM;
}

static void section_free(ov_section *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_articles; i++)
        ov_article_free(s->articles[i]);
    free(s->articles);
    free(s->title);
    free(s);
}

void ov_book_free(ov_book *b)
{
    if (!b)
        return;
    free(b->title);
    free(b->language);
    free(b->publisher);
    free(b->description);
    free(b->source_url);
    free(b->date);
    free(b->identifier);
    free(b->series);
    for (size_t i = 0; i < b->n_authors; i++)
        free(b->authors[i]);
    free(b->authors);
    for (size_t i = 0; i < b->n_sections; i++)
        section_free(b->sections[i]);
    free(b->sections);
    for (size_t i = 0; i < b->n_resources; i++)
        ov_resource_free(b->resources[i]);
    free(b->resources);
    if (b->resource_index)
        ov__hmap_free(b->resource_index);
    free(b->resource_index);
    ov_resource_free(b->cover);
    free(b);
}

int ov_book_add_author(ov_book *b, const char *name)
{
    char *copy = strdup(name);
    if (!copy)
        return OV_ENOMEM;
    char **p = realloc(b->authors, (b->n_authors + 1) * sizeof *p);
    if (!p) {
        free(copy);
        return OV_ENOMEM;
    }
    b->authors = p;
    b->authors[b->n_authors++] = copy;
    return 0;
}

int ov_book_add_section(ov_book *b, const char *title, ov_section **out)
{
    if (out)
        *out = NULL;
    if (grow(&b->sections, b->n_sections, &b->cap_sections))
        return OV_ENOMEM;
    ov_section *s = calloc(1, sizeof *s);
    if (!s)
        return OV_ENOMEM;
    if (ov_strset(&s->title, title ? title : "")) {
        free(s);
        return OV_ENOMEM;
    }
    b->sections[b->n_sections++] = s;
    if (out)
        *out = s;
    return 0;
}

int ov_section_add_article(ov_section *s, ov_article *a)
{
    if (grow(&s->articles, s->n_articles, &s->cap_articles))
        return OV_ENOMEM;
    s->articles[s->n_articles++] = a;
    return 0;
}

/* Bring the url index up to date with b->resources (appends are indexed
 * incrementally; a shrunk list, as the image budget leaves it, is indexed
 * again). Returns 0, or -1 when there is no index (out of memory): then
 * lookups scan. */
static int index_resources(ov_book *b)
{
    if (!b->resource_index && !(b->resource_index = calloc(1, sizeof *b->resource_index)))
        return -1;
    if (b->n_indexed > b->n_resources) {
        ov__hmap_free(b->resource_index);
        b->n_indexed = 0;
    }
    for (; b->n_indexed < b->n_resources; b->n_indexed++) {
        const char *url = b->resources[b->n_indexed]->url;
        if (url && ov__hmap_put(b->resource_index, url, b->n_indexed, NULL) < 0) {
            ov__hmap_free(b->resource_index);
            b->n_indexed = 0;
            return -1;
        }
    }
    return 0;
}

int ov_book_add_resource(ov_book *b, ov_resource *r)
{
    if (grow(&b->resources, b->n_resources, &b->cap_resources))
        return OV_ENOMEM;
    if (b->n_indexed > b->n_resources)
        b->n_indexed = b->n_resources + 2; /* removed behind our back: reindex */
    b->resources[b->n_resources++] = r;
    return 0;
}

ov_resource *ov_book_find_resource(const ov_book *b, const char *url)
{
    if (!url)
        return NULL;
    ov_book *mb = (ov_book *)b; /* the index is a cache; books are never const objects */
    for (int pass = 0; pass < 2; pass++) {
        if (index_resources(mb) != 0)
            break;
        size_t *v = ov__hmap_get(b->resource_index, url);
        if (!v)
            return NULL;
        if (*v < b->n_resources && b->resources[*v]->url &&
            strcmp(b->resources[*v]->url, url) == 0)
            return b->resources[*v];
        mb->n_indexed = b->n_resources + 1; /* stale (resources moved): rebuild */
    }
    for (size_t i = 0; i < b->n_resources; i++)
        if (b->resources[i]->url && strcmp(b->resources[i]->url, url) == 0)
            return b->resources[i];
    return NULL;
}

size_t ov_book_article_count(const ov_book *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_sections; i++)
        n += b->sections[i]->n_articles;
    return n;
}
