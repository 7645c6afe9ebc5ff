/*
 * fuzz_feed.c - libFuzzer target for ov_feed_parse() (RSS, RDF, Atom, CDF).
 * Property: see fuzz_entries.h. The transport charset alternates between
 * none and GBK (chosen by the first byte), so both decoding paths run.
 */
#include "fuzz_entries.h"

static const char *fuzz_content_type;

static int parse_feed(const unsigned char *data, size_t len, const char *base_url,
                      ov_entries **out, ov_error *err)
{
    ov_feed_options fo = OV_FEED_OPTIONS_INIT;
    fo.base_url = base_url;
    fo.content_type = fuzz_content_type;
    fo.content_location = "../other/";
    return ov_feed_parse(data, len, &fo, out, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_content_type = size && (data[0] & 1) ? "application/rss+xml; charset=gbk" : NULL;
    ov_fuzz_entries(parse_feed, "http://news.example.cn/rss/top.xml", data, size);
    return 0;
}
