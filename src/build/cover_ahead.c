/* cover_ahead.c - the cover rendered on a thread (see cover_ahead.h). */
#include "build/cover_ahead.h"
#include "build/cover_proc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct ov__cover_ahead {
    pthread_t thread;
    ov_cover_spec spec;   /* strings below, owned */
    char *title, *subtitle, *issue, *language, *series;
    char *heads[OV_COVER_MAX_HEADLINES];
    const char *head_ptrs[OV_COVER_MAX_HEADLINES];
    ov_resource *photo;   /* a copy of the book's (the spool is only read) */
    ov_resource *cover;   /* the result, or NULL */
    ov__cover_proc *proc; /* where it is drawn (borrowed), or NULL: on the thread */
    int rc;
};

static void *render(void *arg)
{
    ov__cover_ahead *ca = arg;
    ov_error err;
    ov_error_clear(&err);
    ca->rc = ov__cover_proc_render(ca->proc, &ca->spec, &ca->cover, &err);
    return NULL;
}

static int dup_or_null(char **dst, const char *src)
{
    *dst = NULL;
    return src && !(*dst = strdup(src)) ? -1 : 0;
}

static ov_resource *copy_photo(const ov_resource *p)
{
    ov_resource *c = NULL;
    if (ov_resource_new(&c) != 0)
        return NULL;
    c->size = p->size;
    c->width = p->width;
    c->height = p->height;
    c->spool_offset = p->spool_offset;
    c->spool_owned = 0;
    if (ov_strset(&c->url, p->url) || ov_strset(&c->media_type, p->media_type) ||
        (p->spool_path && ov_strset(&c->spool_path, p->spool_path)) ||
        (p->data && !(c->data = malloc(p->size ? p->size : 1)))) {
        ov_resource_free(c);
        return NULL;
    }
    if (p->data)
        memcpy(c->data, p->data, p->size);
    return c;
}

static void ca_free(ov__cover_ahead *ca)
{
    free(ca->title);
    free(ca->subtitle);
    free(ca->issue);
    free(ca->language);
    free(ca->series);
    for (size_t i = 0; i < OV_COVER_MAX_HEADLINES; i++)
        free(ca->heads[i]);
    ov_resource_free(ca->photo);
    ov_resource_free(ca->cover);
    free(ca);
}

ov__cover_ahead *ov__cover_ahead_start(const ov_cover_spec *spec, ov__cover_proc *proc)
{
    /* drawn here: libvips starts on this (the main) thread, as it did */
    if (!proc && ov_image_init(NULL) != 0)
        return NULL;
    ov__cover_ahead *ca = calloc(1, sizeof *ca);
    if (!ca)
        return NULL;
    ca->spec = *spec;
    ca->proc = proc;
    size_t n = spec->n_headlines < OV_COVER_MAX_HEADLINES ? spec->n_headlines
                                                          : OV_COVER_MAX_HEADLINES;
    int bad = dup_or_null(&ca->title, spec->title) || dup_or_null(&ca->subtitle, spec->subtitle) ||
              dup_or_null(&ca->issue, spec->issue) || dup_or_null(&ca->language, spec->language) ||
              dup_or_null(&ca->series, spec->series);
    for (size_t i = 0; i < n && !bad; i++)
        bad = dup_or_null(&ca->heads[i], spec->headlines[i]);
    if (!bad && spec->photo && !(ca->photo = copy_photo(spec->photo)))
        bad = 1;
    if (bad) {
        ca_free(ca);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ca->head_ptrs[i] = ca->heads[i];
    ca->spec.title = ca->title;
    ca->spec.subtitle = ca->subtitle;
    ca->spec.issue = ca->issue;
    ca->spec.language = ca->language;
    ca->spec.series = ca->series;
    ca->spec.headlines = ca->head_ptrs;
    ca->spec.n_headlines = n;
    ca->spec.photo = ca->photo;
    if (pthread_create(&ca->thread, NULL, render, ca) != 0) {
        ca_free(ca);
        return NULL;
    }
    return ca;
}

int ov__cover_ahead_take(ov__cover_ahead *ca, const ov_cover_spec *final, ov_resource **out)
{
    if (!ca)
        return 0;
    pthread_join(ca->thread, NULL);
    int ok = final && ca->rc == 0 && ca->cover && ov_cover_spec_same(&ca->spec, final);
    if (ok) {
        *out = ca->cover;
        ca->cover = NULL;
    }
    ca_free(ca);
    return ok;
}
