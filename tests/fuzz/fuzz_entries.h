/*
 * fuzz_entries.h - the property shared by the feed and sitemap targets
 * (header-only, static): no crash, leak or UB; on success every entry has a
 * non-empty URL (or, for a feed item without a link, an id) and every string is valid UTF-8; on failure there is a
 * message and no result.
 */
#ifndef OV_FUZZ_ENTRIES_H
#define OV_FUZZ_ENTRIES_H

#include "fuzz_common.h"
#include "octavo/fetch.h"

typedef int (*ov_fuzz_entries_parse)(const unsigned char *data, size_t len, const char *base_url,
                                     ov_entries **out, ov_error *err);

static inline void check_entries(const ov_entries *e)
{
    if (!e) ov_fuzz_fail("success without entries", NULL);
    ov_fuzz_check_str("feed title", e->title);
    for (size_t i = 0; i < e->n; i++) {
        const ov_entry *it = &e->items[i];
        /* a feed item without a link is kept with its id (guid or hash) */
        if ((!it->url || !it->url[0]) && (!it->id || !it->id[0]))
            ov_fuzz_fail("entry without URL or id", NULL);
        ov_fuzz_check_str("url", it->url);
        ov_fuzz_check_str("id", it->id);
        ov_fuzz_check_str("title", it->title);
        ov_fuzz_check_str("published", it->published);
        ov_fuzz_check_str("author", it->author);
        ov_fuzz_check_str("summary", it->summary);
        ov_fuzz_check_str("content", it->content);
    }
    for (size_t i = 0; i < e->n_skips; i++) {
        if (!e->skips[i].what || !e->skips[i].reason) ov_fuzz_fail("skip without text", NULL);
        ov_fuzz_check_str("skip", e->skips[i].what);
    }
    for (size_t i = 0; i < e->n_children; i++) {
        if (!e->children[i]) ov_fuzz_fail("NULL child URL", NULL);
        ov_fuzz_check_str("child", e->children[i]);
    }
}

static inline void ov_fuzz_entries(ov_fuzz_entries_parse parse, const char *base_url, const uint8_t *data,
                                   size_t size)
{
    ov_entries *e = NULL;
    ov_error err;
    ov_error_clear(&err);
    int rc = parse(data, size, base_url, &e, &err);
    if (rc == 0)
        check_entries(e);
    else if (e || !err.message[0])
        ov_fuzz_fail("failure with a result or without a message", NULL);
    ov_entries_free(e);
}

#endif
