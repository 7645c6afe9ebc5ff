#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "octavo/error.h"
#include "octavo/model.h"
#include "util/hmap.h"

Test(hmap, empty_map_finds_nothing)
{
    ov__hmap m = OV__HMAP_INIT;
    cr_assert_null(ov__hmap_get(&m, "a"));
    cr_assert_null(ov__hmap_get(&m, NULL));
    ov__hmap_free(&m);
    cr_assert_eq(m.n, 0);
}

Test(hmap, put_get_and_keep_first_value)
{
    ov__hmap m = OV__HMAP_INIT;
    size_t *v = NULL;
    cr_assert_eq(ov__hmap_put(&m, "http://a/1.jpg", 7, &v), 1);
    cr_assert_eq(*v, 7);
    cr_assert_eq(ov__hmap_put(&m, "http://a/1.jpg", 9, &v), 0);
    cr_assert_eq(*v, 7, "an existing key keeps its value");
    *v += 1; /* counters are updated through the pointer */
    cr_assert_eq(*ov__hmap_get(&m, "http://a/1.jpg"), 8);
    cr_assert_null(ov__hmap_get(&m, "http://a/2.jpg"));
    cr_assert_eq(ov__hmap_put(&m, "", 3, NULL), 1, "the empty string is a key like any other");
    cr_assert_eq(*ov__hmap_get(&m, ""), 3);
    cr_assert_eq(ov__hmap_put(&m, NULL, 1, NULL), OV_EINVAL);
    cr_assert_eq(m.n, 2);
    ov__hmap_free(&m);
}

Test(hmap, keys_are_copied)
{
    ov__hmap m = OV__HMAP_INIT;
    char key[16];
    snprintf(key, sizeof key, "host:80");
    cr_assert_eq(ov__hmap_put(&m, key, 1, NULL), 1);
    key[0] = 'X';
    cr_assert_not_null(ov__hmap_get(&m, "host:80"));
    cr_assert_null(ov__hmap_get(&m, "Xost:80"));
    ov__hmap_free(&m);
}

/* Many keys through several growths: every key keeps its own value, and
 * keys that differ only in their last byte or by a prefix stay apart. */
Test(hmap, survives_growth_with_100000_keys)
{
    ov__hmap m = OV__HMAP_INIT;
    char key[64];
    for (size_t i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "http://example.com/img/%zu.jpg", i);
        cr_assert_eq(ov__hmap_put(&m, key, i, NULL), 1);
    }
    cr_assert_eq(m.n, 100000);
    cr_assert_leq(m.n * 2, m.cap, "load factor stays at most 1/2");
    for (size_t i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "http://example.com/img/%zu.jpg", i);
        size_t *v = ov__hmap_get(&m, key);
        cr_assert_not_null(v, "%s lost", key);
        cr_assert_eq(*v, i);
    }
    cr_assert_null(ov__hmap_get(&m, "http://example.com/img/100000.jpg"));
    cr_assert_null(ov__hmap_get(&m, "http://example.com/img/1.jp"));
    ov__hmap_free(&m);
    cr_assert_null(m.slots);
    cr_assert_eq(ov__hmap_put(&m, "again", 1, NULL), 1, "a freed map is reusable");
    ov__hmap_free(&m);
}

Test(hmap, hash_is_stable)
{
    /* FNV-1a of "" is the offset basis; the map's mix keeps it reproducible */
    cr_assert_eq(ov__hmap_hash("a"), ov__hmap_hash("a"));
    cr_assert_neq(ov__hmap_hash("a"), ov__hmap_hash("b"));
}

/* ov_book_find_resource is backed by an index: it must stay right when the
 * image budget removes resources from the middle of the list (memmove),
 * and when resources are added after that. */
static ov_resource *res_with_url(const char *url)
{
    ov_resource *r = NULL;
    cr_assert_eq(ov_resource_new(&r), 0);
    cr_assert_eq(ov_strset(&r->url, url), 0);
    return r;
}

Test(hmap, book_find_resource_survives_removal)
{
    ov_book *b = NULL;
    char url[32];
    cr_assert_eq(ov_book_new(&b), 0);
    for (int i = 0; i < 50; i++) {
        snprintf(url, sizeof url, "http://h/%d.jpg", i);
        cr_assert_eq(ov_book_add_resource(b, res_with_url(url)), 0);
    }
    cr_assert_eq(ov_book_add_resource(b, res_with_url("http://h/7.jpg")), 0);
    cr_assert_eq(ov_book_find_resource(b, "http://h/7.jpg"), b->resources[7],
                 "the first resource with a URL wins");
    cr_assert_null(ov_book_find_resource(b, "http://h/50.jpg"));
    /* remove #3 the way the budget does */
    ov_resource_free(b->resources[3]);
    memmove(&b->resources[3], &b->resources[4], (b->n_resources - 4) * sizeof b->resources[0]);
    b->n_resources--;
    cr_assert_null(ov_book_find_resource(b, "http://h/3.jpg"));
    cr_assert_eq(ov_book_find_resource(b, "http://h/49.jpg"), b->resources[48]);
    ov_resource_free(b->resources[10]);
    memmove(&b->resources[10], &b->resources[11], (b->n_resources - 11) * sizeof b->resources[0]);
    b->n_resources--;
    cr_assert_eq(ov_book_add_resource(b, res_with_url("http://h/new.png")), 0);
    cr_assert_eq(ov_book_find_resource(b, "http://h/new.png"), b->resources[b->n_resources - 1]);
    cr_assert_eq(ov_book_find_resource(b, "http://h/12.jpg"), b->resources[10]);
    cr_assert_null(ov_book_find_resource(b, "http://h/11.jpg"), "removed second (it was at 10)");
    cr_assert_eq(ov_book_find_resource(b, "http://h/9.jpg"), b->resources[8]);
    cr_assert_null(ov_book_find_resource(b, NULL));
    ov_book_free(b);
}
