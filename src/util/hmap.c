/* ov__hmap: see hmap.h. Load factor at most 1/2, so probes stay short. */
#include "util/hmap.h"

#include <stdlib.h>
#include <string.h>

#include "octavo/error.h"

uint64_t ov__hmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29); /* mix the high bits into the slot index */
}

static ov__hslot *find(const ov__hmap *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        ov__hslot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

size_t *ov__hmap_get(const ov__hmap *m, const char *key)
{
    if (!m->cap || !key)
        return NULL;
    ov__hslot *s = find(m, key, ov__hmap_hash(key));
    return s->key ? &s->val : NULL;
}

static int grow(ov__hmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    ov__hslot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return OV_ENOMEM;
    ov__hmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
    free(old.slots);
    return 0;
}

int ov__hmap_put(ov__hmap *m, const char *key, size_t val, size_t **val_out)
{
    if (!key)
        return OV_EINVAL;
    uint64_t h = ov__hmap_hash(key);
    ov__hslot *s = m->cap ? find(m, key, h) : NULL;
    if (s && s->key) {
        if (val_out)
            *val_out = &s->val;
        return 0;
    }
    if (m->n >= OV__HMAP_MAX_KEYS)
        return OV_ELIMIT;
    if ((m->n + 1) * 2 > m->cap) {
        if (grow(m))
            return OV_ENOMEM;
        s = find(m, key, h);
    }
    char *copy = strdup(key);
    if (!copy)
        return OV_ENOMEM;
    s->key = copy;
    s->hash = h;
    s->val = val;
    m->n++;
    if (val_out)
        *val_out = &s->val;
    return 1;
}

void ov__hmap_free(ov__hmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}
