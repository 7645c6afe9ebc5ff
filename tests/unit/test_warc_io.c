/* WARC module, whole files: round trip, determinism, record checks, corrupt input. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fetch/warc/warc_internal.h"
#include "octavo/warc.h"
#include "ov_test.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */

static unsigned char binary_body[1024];

typedef struct sample {
    const char *url;
    const char *req;
    const char *head;
    long status;
    const unsigned char *body;
    size_t body_len;
} sample;

static sample samples[5];
static const size_t n_samples = 5;

static void init_samples(void)
{
    for (size_t i = 0; i < sizeof binary_body; i++)
        binary_body[i] = (unsigned char)((i * 131u) ^ (i >> 3)); /* includes NULs and 0xFF */
    static const char html[] =
        "<html><body><p>新闻 ruby <ruby>漢<rt>かん</rt></ruby></p></body></html>";
    samples[0] = (sample){"http://news.example.test/",
                          "GET / HTTP/1.1\r\nHost: news.example.test\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                          "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
                          200,
                          (const unsigned char *)html,
                          sizeof html - 1};
    samples[1] = (sample){"http://news.example.test/新闻/报道.html?id=中文",
                          NULL,
                          "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\n\r\n",
                          200,
                          (const unsigned char *)"\xd6\xd0\xce\xc4",
                          4};
    samples[2] =
        (sample){"http://img.example.test/a.png",
                 NULL,
                 "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1024\r\n\r\n",
                 200,
                 binary_body,
                 sizeof binary_body};
    samples[3] = (sample){"http://news.example.test/gone",
                          NULL,
                          "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                          404,
                          NULL,
                          0};
    samples[4] = (sample){"http://news.example.test/moved",
                          NULL,
                          "HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\nHTTP/1.1 200 OK\r\n"
                          "Content-Type: text/plain\r\n\r\n",
                          200,
                          (const unsigned char *)"final",
                          5};
}

static ov_exchange exchange_of(const sample *s, int64_t date)
{
    ov_exchange ex = {s->url,      "GET",   s->req,          s->req ? strlen(s->req) : 0,
                      s->status,   s->head, strlen(s->head), s->body,
                      s->body_len, date,    "127.0.0.1"};
    return ex;
}

/* Write all samples to `path`; returns the record count. */
static size_t write_samples(const char *path, const ov_warc_info *info)
{
    ov_warc_writer *w = NULL;
    ov_error err;
    init_samples();
    cr_assert_eq(ov_warc_writer_open(path, info, &w, &err), 0, "%s", err.message);
    for (size_t i = 0; i < n_samples; i++) {
        ov_exchange ex = exchange_of(&samples[i], T0 + (int64_t)i);
        if (i % 2)
            ov_warc_exchange_hook(w, &ex); /* the fetcher's way */
        else
            cr_assert_eq(ov_warc_record_exchange(w, &ex, &err), 0, "%s", err.message);
    }
    size_t n = ov_warc_writer_count(w);
    cr_assert_eq(ov_warc_writer_close(w, &err), 0, "%s", err.message);
    return n;
}

static char *tmp_file(const char *tag, const char *name)
{
    char *dir = ov_test_tmpdir(tag);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    cr_assert(p);
    snprintf(p, n, "%s/%s", dir, name);
    free(dir);
    return p;
}

static ov_warc_info default_info(void)
{
    ov_warc_info info = OV_WARC_INFO_INIT;
    info.created = T0;
    info.operator_name = "Test Desk\r\nInjected: no";
    info.description = "unit test run";
    return info;
}

Test(warc_io, round_trip_replays_identical_bodies_and_statuses)
{
    char *path = tmp_file("warc_rt", "run.warc.gz");
    ov_warc_info info = default_info();
    info.metadata = 1;
    size_t n = write_samples(path, &info);
    cr_expect_eq(n, 1 + 3 * n_samples);

    ov_warc_reader *r = NULL;
    ov_error err;
    cr_assert_eq(ov_warc_reader_open(path, &r, &err), 0, "%s", err.message);
    cr_expect_eq(ov_warc_reader_count(r), n);
    cr_expect_eq(ov_warc_reader_count_type(r, "warcinfo"), 1);
    cr_expect_eq(ov_warc_reader_count_type(r, "request"), n_samples);
    cr_expect_eq(ov_warc_reader_count_type(r, "RESPONSE"), n_samples);
    cr_expect_eq(ov_warc_reader_count_type(r, "metadata"), n_samples);

    for (size_t i = 0; i < n_samples; i++) {
        long status = 0;
        char *head = NULL;
        unsigned char *body = NULL;
        size_t hl = 0, bl = 0;
        cr_assert_eq(ov_warc_replay_hook(r, samples[i].url, &status, &head, &hl, &body, &bl), 0,
                     "%s", samples[i].url);
        cr_expect_eq(status, samples[i].status);
        cr_expect_eq(bl, samples[i].body_len, "%s", samples[i].url);
        cr_expect(bl == 0 || memcmp(body, samples[i].body, bl) == 0, "%s", samples[i].url);
        cr_expect_eq(strlen(head), hl);
        cr_expect(hl > 4 && memcmp(head + hl - 4, "\r\n\r\n", 4) == 0);
        char want_len[64];
        snprintf(want_len, sizeof want_len, "\r\nContent-Length: %zu\r\n", bl);
        cr_expect(strstr(head, want_len), "%s", head);
        free(head);
        free(body);
    }
    /* the decoded body must not be announced as gzip or chunked */
    long status;
    char *head;
    unsigned char *body;
    size_t hl, bl;
    cr_assert_eq(ov_warc_reader_lookup(r, samples[0].url, &status, &head, &hl, &body, &bl), 0);
    cr_expect(strstr(head, "X-Original-Content-Encoding: gzip"));
    cr_expect_null(strstr(head, "\r\nContent-Encoding"));
    cr_expect_null(strstr(head, "\r\nTransfer-Encoding"));
    free(head);
    free(body);

    /* a #fragment is not part of what was fetched */
    cr_assert_eq(ov_warc_reader_lookup(r, "http://img.example.test/a.png#top", &status, &head, &hl,
                                       &body, &bl),
                 0);
    cr_expect_eq(bl, sizeof binary_body);
    free(head);
    free(body);

    cr_expect_eq(
        ov_warc_replay_hook(r, "http://news.example.test/never", &status, &head, &hl, &body, &bl),
        OV_ENOTFOUND);
    cr_expect_null(head);
    cr_expect_null(body);
    ov_warc_reader_free(r);
    free(path);
}

Test(warc_io, last_recording_of_a_url_wins)
{
    char *path = tmp_file("warc_last", "last.warc.gz");
    ov_warc_info info = default_info();
    ov_warc_writer *w;
    ov_error err;
    cr_assert_eq(ov_warc_writer_open(path, &info, &w, &err), 0);
    const char *bodies[] = {"first", "second", "third"};
    for (int i = 0; i < 3; i++) {
        ov_exchange ex = {"http://h.test/x",
                          "GET",
                          NULL,
                          0,
                          500 + i,
                          "HTTP/1.1 200 OK\r\n\r\n",
                          19,
                          (const unsigned char *)bodies[i],
                          strlen(bodies[i]),
                          T0,
                          NULL};
        cr_assert_eq(ov_warc_record_exchange(w, &ex, &err), 0);
    }
    cr_assert_eq(ov_warc_writer_close(w, &err), 0);
    ov_warc_reader *r;
    cr_assert_eq(ov_warc_reader_open(path, &r, &err), 0, "%s", err.message);
    long st;
    char *head;
    unsigned char *body;
    size_t hl, bl;
    cr_assert_eq(ov_warc_reader_lookup(r, "http://h.test/x", &st, &head, &hl, &body, &bl), 0);
    cr_expect_str_eq((char *)body, "third");
    cr_expect_eq(st, 200, "the status comes from the recorded head");
    free(head);
    free(body);
    ov_warc_reader_free(r);
    free(path);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *p = (unsigned char *)ov_test_slurp(path, len);
    cr_assert(p, "cannot read %s", path);
    return p;
}

Test(warc_io, same_run_gives_byte_identical_files)
{
    /* same file name (it is recorded in WARC-Filename), two directories */
    char *a = tmp_file("warc_det", "run.warc.gz");
    char *b = tmp_file("warc_det", "run.warc.gz");
    ov_warc_info info = default_info();
    info.metadata = 1;
    write_samples(a, &info);
    write_samples(b, &info);
    size_t la, lb;
    unsigned char *da = slurp(a, &la), *db = slurp(b, &lb);
    cr_expect_eq(la, lb);
    cr_expect(la == lb && memcmp(da, db, la) == 0, "WARC files differ");

    /* a different run (other creation time) gives other record ids */
    char *c = tmp_file("warc_det", "c.warc.gz");
    info.created = T0 + 1;
    write_samples(c, &info);
    ov_warc_reader *ra, *rc;
    ov_error err;
    cr_assert_eq(ov_warc_reader_open(a, &ra, &err), 0);
    cr_assert_eq(ov_warc_reader_open(c, &rc, &err), 0);
    ov_warc_record x, y;
    cr_assert_eq(ov_warc_reader_record(ra, 2, &x), 0);
    cr_assert_eq(ov_warc_reader_record(rc, 2, &y), 0);
    cr_expect_str_neq(x.record_id, y.record_id);
    ov_warc_reader_free(ra);
    ov_warc_reader_free(rc);
    free(da);
    free(db);
    free(a);
    free(b);
    free(c);
}

static int counter_id(void *ud, char out[37])
{
    unsigned *n = ud;
    snprintf(out, 37, "00000000-0000-4000-8000-%012x", (*n)++);
    return 0;
}

Test(warc_io, caller_supplied_ids_are_used)
{
    char *path = tmp_file("warc_ids", "ids.warc");
    unsigned n = 0;
    ov_warc_info info = default_info();
    info.make_id = counter_id;
    info.id_ud = &n;
    info.no_gzip = 1;
    write_samples(path, &info);
    cr_expect_eq(n, 1 + 2 * n_samples);
    size_t len;
    char *txt = (char *)slurp(path, &len);
    cr_expect_eq(memcmp(txt, "WARC/1.1\r\n", 10), 0, "plain WARC");
    cr_expect(strstr(txt, "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>"));
    cr_expect(strstr(txt, "WARC-Warcinfo-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>"));
    free(txt);
    free(path);
}

/* Value of header `name` in a record header block, malloc'd, or NULL. */
static char *header_value(const char *hdr, size_t len, const char *name)
{
    size_t n = strlen(name);
    const char *p = hdr, *end = hdr + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = (size_t)((nl ? nl : end) - p);
        if (ll > n + 1 && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(p + ll - v);
            if (vl && v[vl - 1] == '\r')
                vl--;
            return strndup(v, vl);
        }
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

/* Decompress the gzip member at in[*off], alone, with a fresh inflater. */
static unsigned char *gunzip_member(const unsigned char *in, size_t len, size_t *off,
                                    size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(inflateInit2(&z, 31), Z_OK);
    size_t cap = 1 << 16, n = 0;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)(in + *off);
    z.avail_in = (uInt)(len - *off);
    int zr;
    do {
        if (cap - n < 4096) {
            cap *= 2;
            out = realloc(out, cap);
        }
        z.next_out = out + n;
        z.avail_out = (uInt)(cap - n);
        zr = inflate(&z, Z_NO_FLUSH);
        n = cap - z.avail_out;
        cr_assert(zr == Z_OK || zr == Z_STREAM_END, "member at %zu: zlib %d", *off, zr);
    } while (zr != Z_STREAM_END);
    *off += z.total_in;
    *out_len = n;
    inflateEnd(&z);
    return out;
}

/* Check one decompressed member: exactly one well-formed WARC/1.1 record. */
static void check_record(const unsigned char *m, size_t n, char **type_out, char **id_out,
                         char **concurrent_out)
{
    cr_assert(n > 14 && memcmp(m, "WARC/1.1\r\n", 10) == 0, "version line");
    const char *hdr = (const char *)m;
    const char *he = strstr(hdr, "\r\n\r\n");
    cr_assert(he);
    size_t hlen = (size_t)(he - hdr) + 4;
    static const char *const mandatory[] = {"WARC-Type",    "WARC-Record-ID",
                                            "WARC-Date",    "Content-Length",
                                            "Content-Type", "WARC-Block-Digest"};
    for (size_t i = 0; i < 6; i++) {
        char *v = header_value(hdr, hlen, mandatory[i]);
        cr_expect(v, "missing %s", mandatory[i]);
        free(v);
    }
    char *cl = header_value(hdr, hlen, "Content-Length");
    size_t blen = (size_t)strtoull(cl, NULL, 10);
    cr_assert_eq(hlen + blen + 4, n, "Content-Length %zu does not frame the member", blen);
    cr_expect_eq(memcmp(m + hlen + blen, "\r\n\r\n", 4), 0);
    char want[OV__WARC_DIGEST_LEN];
    ov__warc_digest(m + hlen, blen, want);
    char *bd = header_value(hdr, hlen, "WARC-Block-Digest");
    cr_expect_str_eq(bd, want, "block digest");
    char *type = header_value(hdr, hlen, "WARC-Type");
    char *date = header_value(hdr, hlen, "WARC-Date");
    cr_expect_eq(strlen(date), 20, "ISO 8601 UTC: %s", date);
    cr_expect_eq(date[19], 'Z');
    char *id = header_value(hdr, hlen, "WARC-Record-ID");
    cr_expect_eq(strncmp(id, "<urn:uuid:", 10), 0);
    cr_expect_eq(strlen(id), 10 + 36 + 1);
    if (strcmp(type, "response") == 0) {
        long st;
        size_t hl;
        cr_assert_eq(ov__warc_http_split(m + hlen, blen, &st, &hl), 0);
        char *pd = header_value(hdr, hlen, "WARC-Payload-Digest");
        ov__warc_digest(m + hlen + hl, blen - hl, want);
        cr_expect_str_eq(pd, want, "payload digest");
        char *ct = header_value(hdr, hlen, "Content-Type");
        cr_expect_str_eq(ct, "application/http;msgtype=response");
        char *ip = header_value(hdr, hlen, "WARC-IP-Address");
        cr_expect_str_eq(ip, "127.0.0.1");
        free(pd);
        free(ct);
        free(ip);
    }
    if (strcmp(type, "warcinfo") != 0) {
        char *uri = header_value(hdr, hlen, "WARC-Target-URI");
        cr_expect(uri && strncmp(uri, "http://", 7) == 0);
        for (const char *p = uri; p && *p; p++)
            cr_expect((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "ASCII URI %s", uri);
        free(uri);
    }
    *type_out = type;
    *id_out = id;
    *concurrent_out = header_value(hdr, hlen, "WARC-Concurrent-To");
    free(cl);
    free(bd);
    free(date);
}

Test(warc_io, every_member_is_one_valid_record)
{
    char *path = tmp_file("warc_members", "m.warc.gz");
    ov_warc_info info = default_info();
    info.metadata = 1;
    size_t nrec = write_samples(path, &info);
    size_t len, off = 0, count = 0;
    unsigned char *gz = slurp(path, &len);
    char *warcinfo_id = NULL, *last_req_id = NULL, *last_req_conc = NULL;
    while (off < len) {
        size_t mlen;
        unsigned char *m = gunzip_member(gz, len, &off, &mlen);
        char *type, *id, *conc;
        check_record(m, mlen, &type, &id, &conc);
        if (count == 0) {
            cr_expect_str_eq(type, "warcinfo", "warcinfo comes first");
            warcinfo_id = strdup(id);
            cr_expect(strstr((char *)m, "software: octavo/"));
            cr_expect(strstr((char *)m, "operator: Test Desk  Injected: no\r\n"));
        } else {
            char *wi = header_value((char *)m, mlen, "WARC-Warcinfo-ID");
            cr_expect_str_eq(wi, warcinfo_id);
            free(wi);
        }
        if (strcmp(type, "request") == 0) {
            free(last_req_id);
            free(last_req_conc);
            last_req_id = strdup(id);
            last_req_conc = conc ? strdup(conc) : NULL;
        } else if (strcmp(type, "response") == 0) {
            cr_expect_str_eq(conc, last_req_id, "response -> request");
            cr_expect_str_eq(last_req_conc, id, "request -> response");
        }
        free(type);
        free(id);
        free(conc);
        free(m);
        count++;
    }
    cr_expect_eq(count, nrec, "one gzip member per record");
    free(warcinfo_id);
    free(last_req_id);
    free(last_req_conc);
    free(gz);
    free(path);
}

Test(warc_io, close_is_atomic)
{
    char *dir = ov_test_tmpdir("warc_atomic");
    char path[4096];
    snprintf(path, sizeof path, "%s/out.warc.gz", dir);
    ov_warc_info info = default_info();
    ov_warc_writer *w;
    ov_error err;
    struct stat st;
    cr_assert_eq(ov_warc_writer_open(path, &info, &w, &err), 0);
    cr_expect_neq(stat(path, &st), 0, "nothing at the final path before close");
    cr_assert_eq(ov_warc_writer_close(w, &err), 0);
    cr_expect_eq(stat(path, &st), 0);
    DIR *d = opendir(dir);
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(d)))
        entries += e->d_name[0] != '.';
    closedir(d);
    cr_expect_eq(entries, 1, "no temporary file left behind");

    /* an error while recording poisons the writer; close reports it and writes nothing */
    char bad[4096];
    snprintf(bad, sizeof bad, "%s/bad.warc.gz", dir);
    cr_assert_eq(ov_warc_writer_open(bad, &info, &w, &err), 0);
    ov_exchange ex = {"http://h.test/", "GET", NULL, 0, 200, NULL, 0, NULL, 0,
                      (int64_t)1 << 60, NULL};
    ov_warc_exchange_hook(w, &ex);
    ov_exchange ok = {"http://h.test/ok", "GET", NULL, 0, 200, NULL, 0, NULL, 0, T0, NULL};
    cr_expect_neq(ov_warc_record_exchange(w, &ok, &err), 0, "poisoned writer refuses more");
    cr_expect_neq(ov_warc_writer_close(w, &err), 0);
    cr_expect(strstr(err.message, "date"), "%s", err.message);
    cr_expect_neq(stat(bad, &st), 0);
    free(dir);
}

static void expect_open_fails(const void *data, size_t len, int code, const char *what)
{
    ov_warc_reader *r = (ov_warc_reader *)1;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_warc_reader_open_mem(data, len, "mem", &r, &err);
    cr_expect_lt(rc, 0, "%s: should fail", what);
    if (code)
        cr_expect_eq(rc, code, "%s: %s", what, err.message);
    cr_expect_null(r, "%s", what);
    cr_expect_neq(err.message[0], '\0', "%s: has a message", what);
}

Test(warc_io, truncated_files_are_errors)
{
    char *gzp = tmp_file("warc_trunc", "t.warc.gz");
    char *plain = tmp_file("warc_trunc", "t.warc");
    ov_warc_info info = default_info();
    write_samples(gzp, &info);
    info.no_gzip = 1;
    write_samples(plain, &info);
    size_t gl, pl;
    unsigned char *g = slurp(gzp, &gl), *p = slurp(plain, &pl);
    for (size_t cut = 0; cut < gl; cut++) {
        ov_warc_reader *r = NULL;
        ov_error err;
        int rc = ov_warc_reader_open_mem(g, cut, "gz", &r, &err);
        /* a cut exactly between members leaves fewer, whole records: still valid */
        if (rc == 0) {
            cr_expect_lt(ov_warc_reader_count(r), 16);
            ov_warc_reader_free(r);
        } else {
            cr_expect(rc == OV_EPARSE, "cut %zu: %d %s", cut, rc, err.message);
        }
    }
    for (size_t cut = 0; cut < pl; cut++) {
        ov_warc_reader *r = NULL;
        ov_error err;
        int rc = ov_warc_reader_open_mem(p, cut, "plain", &r, &err);
        if (rc == 0)
            ov_warc_reader_free(r);
        else
            cr_expect(rc == OV_EPARSE, "cut %zu: %d %s", cut, rc, err.message);
    }
    expect_open_fails(p, 100, OV_EPARSE, "plain cut in a header");
    expect_open_fails(g, gl - 3, OV_EPARSE, "gzip cut in the last member");
    free(g);
    free(p);
    free(gzp);
    free(plain);
}

Test(warc_io, corrupt_files_are_errors)
{
    char *plain = tmp_file("warc_corrupt", "c.warc");
    ov_warc_info info = default_info();
    info.no_gzip = 1;
    write_samples(plain, &info);
    size_t pl;
    unsigned char *p = slurp(plain, &pl);

    /* flip a byte of the binary body: the block digest no longer matches */
    unsigned char *q = malloc(pl);
    memcpy(q, p, pl);
    unsigned char *png = memmem(q, pl, binary_body, 64);
    cr_assert(png);
    png[10] ^= 0x55;
    expect_open_fails(q, pl, OV_EPARSE, "flipped body byte");

    /* every single-byte flip: error or (for unchecked bytes) success, never a crash */
    for (size_t i = 0; i < pl; i += 7) {
        memcpy(q, p, pl);
        q[i] ^= 0x20;
        ov_warc_reader *r = NULL;
        ov_error err;
        if (ov_warc_reader_open_mem(q, pl, "flip", &r, &err) == 0)
            ov_warc_reader_free(r);
    }

    expect_open_fails("", 0, OV_EPARSE, "empty");
    expect_open_fails("hello world, not a WARC\r\n\r\n", 27, OV_EPARSE, "garbage");
    expect_open_fails("\x1f\x8b\x08\x00garbage", 11, OV_EPARSE, "bad gzip");
    const char *huge = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n"
                       "WARC-Date: 2023-01-01T00:00:00Z\r\nContent-Length: 99999999999\r\n\r\n";
    expect_open_fails(huge, strlen(huge), OV_ELIMIT, "huge Content-Length");
    const char *neg = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n"
                      "WARC-Date: 2023-01-01T00:00:00Z\r\nContent-Length: -1\r\n\r\n\r\n\r\n";
    expect_open_fails(neg, strlen(neg), OV_EPARSE, "negative Content-Length");
    const char *nodate = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\n"
                         "Content-Length: 0\r\n\r\n\r\n\r\n";
    expect_open_fails(nodate, strlen(nodate), OV_EPARSE, "missing WARC-Date");
    const char *v2 = "WARC/2.0\r\nWARC-Type: resource\r\n\r\n";
    expect_open_fails(v2, strlen(v2), OV_EPARSE, "unknown version");

    /* a header longer than OV_WARC_MAX_HEADER_BYTES */
    size_t big = OV_WARC_MAX_HEADER_BYTES + 100;
    char *h = malloc(big);
    memset(h, 'a', big);
    memcpy(h, "WARC/1.1\r\nX-Long: ", 18);
    expect_open_fails(h, big, OV_ELIMIT, "long header");
    free(h);

    /* garbage after the last gzip member */
    char *gzp = tmp_file("warc_corrupt", "c.warc.gz");
    info.no_gzip = 0;
    write_samples(gzp, &info);
    size_t gl;
    unsigned char *g = slurp(gzp, &gl);
    unsigned char *g2 = malloc(gl + 5);
    memcpy(g2, g, gl);
    memcpy(g2 + gl, "junk!", 5);
    expect_open_fails(g2, gl + 5, OV_EPARSE, "trailing junk");
    /* a flipped byte inside compressed data: CRC or inflate catches it */
    memcpy(g2, g, gl);
    g2[gl / 2] ^= 0xff;
    expect_open_fails(g2, gl, 0, "flipped compressed byte");

    ov_warc_reader *r;
    ov_error err;
    cr_expect_eq(ov_warc_reader_open("/nonexistent/x.warc.gz", &r, &err), OV_ENOTFOUND);
    free(g);
    free(g2);
    free(gzp);
    free(q);
    free(p);
    free(plain);
}

/* A WARC 1.0 record as other tools write it: <uri>, base16 digest, raw UTF-8 URI. */
Test(warc_io, reads_foreign_warc_1_0)
{
    char *path = ov_test_source_path("tests/fixtures/warc/foreign-1.0.warc");
    ov_warc_reader *r;
    ov_error err;
    cr_assert_eq(ov_warc_reader_open(path, &r, &err), 0, "%s", err.message);
    cr_expect_eq(ov_warc_reader_count(r), 2);
    cr_expect_eq(ov_warc_reader_count_type(r, "response"), 2);
    long st;
    char *head;
    unsigned char *body;
    size_t hl, bl;
    cr_assert_eq(ov_warc_reader_lookup(r, "http://example.test/a", &st, &head, &hl, &body, &bl), 0);
    cr_expect_eq(st, 200);
    cr_expect_str_eq((char *)body, "hello\n");
    free(head);
    free(body);
    cr_assert_eq(ov_warc_reader_lookup(r, "http://example.test/新闻", &st, &head, &hl, &body, &bl),
                 0);
    cr_expect_eq(st, 404);
    cr_expect_eq(bl, 0);
    free(head);
    free(body);
    ov_warc_record rec;
    cr_assert_eq(ov_warc_reader_record(r, 0, &rec), 0);
    cr_expect_str_eq(rec.target_uri, "http://example.test/a");
    cr_expect_eq(ov_warc_reader_record(r, 2, &rec), OV_EINVAL);
    ov_warc_reader_free(r);
    free(path);
}

/*
 * A WARC written by another tool: GNU Wget 1.21.3 (--warc-file, WARC/1.0,
 * <bracketed> target URIs, per-record gzip members, resource and metadata
 * records) fetching two small pages of our own from a loopback server.
 */
Test(warc_io, reads_wget_warc)
{
    char *path = ov_test_source_path("tests/fixtures/warc/wget-1.21.warc.gz");
    ov_warc_reader *r;
    ov_error err;
    cr_assert_eq(ov_warc_reader_open(path, &r, &err), 0, "%s", err.message);
    cr_expect_eq(ov_warc_reader_count_type(r, "warcinfo"), 1);
    cr_expect_eq(ov_warc_reader_count_type(r, "request"), 3);
    cr_expect_eq(ov_warc_reader_count_type(r, "response"), 3);
    cr_expect_eq(ov_warc_reader_count_type(r, "resource"), 1);
    cr_expect_eq(ov_warc_reader_count_type(r, "metadata"), 1);
    long st;
    char *head;
    unsigned char *body;
    size_t hl, bl;
    cr_assert_eq(
        ov_warc_replay_hook(r, "http://127.0.0.1:18765/index.html", &st, &head, &hl, &body, &bl),
        0);
    cr_expect_eq(st, 200);
    cr_expect(strstr((char *)body, "octavo fixture page"));
    free(head);
    free(body);
    cr_assert_eq(
        ov_warc_replay_hook(r, "http://127.0.0.1:18765/dot.gif", &st, &head, &hl, &body, &bl), 0);
    cr_expect_eq(bl, 14);
    cr_expect_eq(memcmp(body, "GIF89a", 6), 0);
    free(head);
    free(body);
    cr_assert_eq(
        ov_warc_replay_hook(r, "http://127.0.0.1:18765/robots.txt", &st, &head, &hl, &body, &bl),
        0);
    cr_expect_eq(st, 404);
    free(head);
    free(body);
    ov_warc_reader_free(r);
    free(path);
}

Test(warc_io, suspicious_ip_is_not_recorded)
{
    char *path = tmp_file("warc_ip", "ip.warc");
    ov_warc_info info = default_info();
    info.no_gzip = 1;
    ov_warc_writer *w;
    ov_error err;
    cr_assert_eq(ov_warc_writer_open(path, &info, &w, &err), 0);
    ov_exchange ex = {
        "http://h.test/", "GET", NULL, 0, 200, NULL, 0, NULL, 0, T0, "1.2.3.4\r\nWARC-Type: evil"};
    cr_assert_eq(ov_warc_record_exchange(w, &ex, &err), 0);
    ex.url = "http://h.test/v6";
    ex.ip = "::1";
    cr_assert_eq(ov_warc_record_exchange(w, &ex, &err), 0);
    ex.body_len = 3; /* a length without data */
    cr_expect_eq(ov_warc_record_exchange(w, &ex, &err), OV_EINVAL);
    cr_assert_eq(ov_warc_writer_close(w, &err), 0, "%s", err.message);
    size_t len;
    char *txt = (char *)slurp(path, &len);
    cr_expect_null(strstr(txt, "evil"));
    cr_expect(strstr(txt, "WARC-IP-Address: ::1\r\n"));
    cr_expect(strstr(txt, "GET / HTTP/1.1\r\nHost: h.test\r\n\r\n"), "made-up request head");
    free(txt);
    free(path);
}

Test(warc_io, unknown_exchange_date_uses_the_run_time)
{
    char *path = tmp_file("warc_date", "d.warc");
    ov_warc_info info = default_info();
    info.no_gzip = 1;
    ov_warc_writer *w;
    ov_error err;
    cr_assert_eq(ov_warc_writer_open(path, &info, &w, &err), 0);
    ov_exchange ex = {"http://h.test/", "GET", NULL, 0, 200, NULL, 0, NULL, 0, 0, NULL};
    cr_assert_eq(ov_warc_record_exchange(w, &ex, &err), 0);
    cr_assert_eq(ov_warc_writer_close(w, &err), 0);
    ov_warc_reader *r;
    cr_assert_eq(ov_warc_reader_open(path, &r, &err), 0, "%s", err.message);
    for (size_t i = 0; i < ov_warc_reader_count(r); i++) {
        ov_warc_record rec;
        cr_assert_eq(ov_warc_reader_record(r, i, &rec), 0);
        cr_expect_str_eq(rec.date, "2023-11-14T22:13:20Z", "record %zu", i);
    }
    ov_warc_reader_free(r);
    free(path);
}

Test(warc_io, oversized_record_is_a_limit_error)
{
    char *path = tmp_file("warc_limit", "big.warc.gz");
    ov_warc_info info = default_info();
    ov_warc_writer *w;
    ov_error err;
    size_t big = OV_WARC_MAX_RECORD_BYTES; /* + the head: one byte is enough to overflow */
    unsigned char *body = calloc(1, big);
    cr_assert(body);
    cr_assert_eq(ov_warc_writer_open(path, &info, &w, &err), 0);
    ov_exchange ex = {"http://h.test/big", "GET", NULL, 0, 200, NULL, 0, body, big, T0, NULL};
    cr_expect_eq(ov_warc_record_exchange(w, &ex, &err), OV_ELIMIT);
    cr_expect(strstr(err.message, "OV_WARC_MAX_RECORD_BYTES"), "%s", err.message);
    cr_expect_eq(ov_warc_writer_close(w, &err), OV_ELIMIT, "close reports the lost exchange");
    struct stat st;
    cr_expect_neq(stat(path, &st), 0);
    free(body);
    free(path);
}
