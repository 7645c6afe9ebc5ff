/*
 * fuzz_feed.c - libFuzzer target for ov_feed_parse() (RSS 2.0, RDF, Atom).
 * Property: see fuzz_entries.h.
 */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ov_fuzz_entries(ov_feed_parse, "http://news.example.cn/rss/top.xml", data, size);
    return 0;
}
