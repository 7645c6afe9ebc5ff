/*
 * ov__hmap: a small string-keyed hash map (open addressing, linear probing)
 * for the per-item lookups of a build: image and resource URLs, queued
 * requests, hosts, duplicate keys. Keys are copied; each maps to a size_t
 * (an index into the caller's array, or a counter). No deletion: every map
 * in octavo only grows during one run and is freed at its end.
 */
#ifndef OV_UTIL_HMAP_H
#define OV_UTIL_HMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ov__hslot {
    char *key;     /* owned copy, NULL = empty slot */
    uint64_t hash;
    size_t val;
} ov__hslot;

typedef struct ov__hmap {
    ov__hslot *slots;
    size_t cap;    /* 0 or a power of two */
    size_t n;      /* keys held */
} ov__hmap;

#define OV__HMAP_INIT {NULL, 0, 0}

/* Most keys one map holds (an ov__hmap_put past it fails with OV_ELIMIT). */
#define OV__HMAP_MAX_KEYS ((size_t)1 << 28)

/* 64-bit FNV-1a of `s`. */
uint64_t ov__hmap_hash(const char *s);
/* Pointer to the value of `key`, or NULL when absent. Valid until the next put. */
size_t *ov__hmap_get(const ov__hmap *m, const char *key);
/*
 * Insert a copy of `key` with `val` unless it is there already. Returns 1
 * when inserted, 0 when present (the value is left alone), OV_ENOMEM or
 * OV_ELIMIT. `*val_out` (if non-NULL) points at the key's value either way.
 */
int ov__hmap_put(ov__hmap *m, const char *key, size_t val, size_t **val_out);
/* Free the keys and slots; `m` is empty (and reusable) afterwards. */
void ov__hmap_free(ov__hmap *m);

#endif
