/*
 * fuzz_sitemap.c - libFuzzer target for ov_sitemap_parse() (urlset and sitemap index).
 * Property: see fuzz_entries.h.
 */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ov_fuzz_entries(ov_sitemap_parse, "http://news.example.cn/sitemap.xml", data, size);
    return 0;
}
