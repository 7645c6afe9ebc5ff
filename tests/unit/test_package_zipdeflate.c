#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "package/zipdeflate.h"

#define N_ENTRIES 7

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void add(zip_t *za, const char *name, zip_source_t *src)
{
    cr_assert_not_null(src);
    zip_int64_t i = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
    cr_assert_geq(i, 0);
    cr_assert_eq(zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_DEFLATE, 0), 0);
    cr_assert_eq(zip_file_set_dostime(za, (zip_uint64_t)i, 0x6e00, 0x576e, 0), 0);
    /* as package.c does: a file source would otherwise lend its own mode */
    cr_assert_eq(zip_file_set_external_attributes(za, (zip_uint64_t)i, 0, ZIP_OPSYS_UNIX, 0100644u << 16), 0);
}

/* Entries: text, a repeated pattern, noise, a copy of the noise, one byte,
 * and one from a file range. */
static void fill(char *bufs[N_ENTRIES], size_t lens[N_ENTRIES])
{
    static const size_t sizes[N_ENTRIES] = {5000, 300000, 70000, 70000, 1, 20000, 3};
    unsigned x = 12345;
    for (int k = 0; k < N_ENTRIES; k++) {
        bufs[k] = malloc(sizes[k]);
        lens[k] = sizes[k];
        for (size_t i = 0; i < sizes[k]; i++) {
            x = x * 1103515245u + 12345u;
            bufs[k][i] = k == 0 ? "<p>Harbour report 港湾 </p>\n"[i % 30] : k == 1 ? (char)(i % 7)
                       : (char)(x >> 16);
        }
    }
    memcpy(bufs[3], bufs[2], sizes[2]);
}

/* All entries but the last deflated ahead into spool `fd` (its end *off,
 * 1000 at the start), as the packager does while it writes the plan: one
 * document of the plan's own is reserved among them. */
static void deflate_ahead(int fd, uint64_t *off, char *bufs[N_ENTRIES], const size_t lens[N_ENTRIES],
                          ov__zd_entry e[N_ENTRIES])
{
    *off = 1000; /* the spool's end moves with the documents and the deflated bytes */
    ov__zd_ahead *za_ahead = ov__zd_ahead_start(fd, off);
    size_t ids[N_ENTRIES] = {0};
    for (int k = 0; za_ahead && k < N_ENTRIES - 1; k++) {
        if (k == 3)
            ov__zd_ahead_reserve(za_ahead, 777); /* a document of the plan */
        char *copy = malloc(lens[k]);
        memcpy(copy, bufs[k], lens[k]);
        ids[k] = ov__zd_ahead_put(za_ahead, copy, lens[k]);
        cr_assert_neq(ids[k], 0, "entry %d queued", k);
    }
    ov__zd_ahead_finish(za_ahead);
    for (int k = 0; k < N_ENTRIES - 1; k++)
        ov__zd_ahead_result(za_ahead, ids[k], &e[k]);
    cr_assert(!za_ahead || (e[0].done && e[5].done), "deflated ahead");
    ov__zd_ahead_free(za_ahead);
    cr_assert(!za_ahead || *off > 1000 + 777, "the deflated bytes went after the plan's");
}

/* spool: 0 in memory, 1 a spool, 2 a spool with entries deflated while the
 * plan is built (ov__zd_ahead) and the rest by ov__zd_run */
static void same_archive(int spool)
{
    char *bufs[N_ENTRIES];
    size_t lens[N_ENTRIES];
    fill(bufs, lens);
    char dir[] = "/tmp/ov-zd-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char plain[64], ahead[64], range[64], sp[64];
    snprintf(plain, sizeof plain, "%s/a.zip", dir);
    snprintf(ahead, sizeof ahead, "%s/b.zip", dir);
    snprintf(range, sizeof range, "%s/range", dir);
    snprintf(sp, sizeof sp, "%s/spool", dir);
    /* the last entry is bytes 100..119999 of a file */
    FILE *f = fopen(range, "wb");
    fwrite("0123456789", 1, 10, f);
    for (int k = 0; k < 3; k++) fwrite(bufs[2], 1, lens[2], f);
    fclose(f);

    int err = 0;
    zip_t *za = zip_open(plain, ZIP_CREATE | ZIP_TRUNCATE, &err);
    cr_assert_not_null(za);
    for (int k = 0; k < N_ENTRIES - 1; k++) {
        char name[32];
        snprintf(name, sizeof name, "e%d", k);
        add(za, name, zip_source_buffer(za, bufs[k], lens[k], 0));
    }
    add(za, "range", zip_source_file(za, range, 100, 120000 - 100));
    cr_assert_eq(zip_close(za), 0);

    ov__zd_entry e[N_ENTRIES];
    memset(e, 0, sizeof e);
    for (int k = 0; k < N_ENTRIES - 1; k++) {
        e[k].data = bufs[k];
        e[k].len = lens[k];
    }
    e[N_ENTRIES - 1].path = range;
    e[N_ENTRIES - 1].off = 100;
    e[N_ENTRIES - 1].len = 120000 - 100;
    int fd = spool ? open(sp, O_RDWR | O_CREAT | O_TRUNC, 0600) : -1;
    uint64_t off = 0;
    if (spool == 2)
        deflate_ahead(fd, &off, bufs, lens, e);
    ov__zd_run(e, N_ENTRIES, fd, &off);
    for (int k = 0; k < N_ENTRIES; k++) cr_assert(e[k].done, "entry %d deflated ahead", k);
    cr_assert(spool || off == 0, "nothing goes to a spool there is not");
    za = zip_open(ahead, ZIP_CREATE | ZIP_TRUNCATE, &err);
    cr_assert_not_null(za);
    for (int k = 0; k < N_ENTRIES; k++) {
        char name[32];
        snprintf(name, sizeof name, "e%d", k);
        add(za, k == N_ENTRIES - 1 ? "range" : name, ov__zd_source(za, e, (size_t)k, fd));
    }
    cr_assert_eq(zip_close(za), 0, "%s", zip_strerror(za));
    ov__zd_free(e, N_ENTRIES);
    if (fd >= 0) close(fd);

    size_t la, lb;
    char *a = slurp(plain, &la), *b = slurp(ahead, &lb);
    cr_assert_eq(la, lb, "same size (%zu, %zu)", la, lb);
    cr_assert(memcmp(a, b, la) == 0, "the archive libzip deflates and the one deflated ahead are the same bytes");
    free(a);
    free(b);
    for (int k = 0; k < N_ENTRIES; k++) free(bufs[k]);
    unlink(plain);
    unlink(ahead);
    unlink(range);
    unlink(sp);
    rmdir(dir);
}

Test(zipdeflate, same_bytes_as_libzip_from_a_spool) { same_archive(1); }
Test(zipdeflate, same_bytes_as_libzip_in_memory) { same_archive(0); }
Test(zipdeflate, same_bytes_as_libzip_deflated_while_planning) { same_archive(2); }

/* Handed over past OV__ZD_AHEAD_BYTES, documents are still deflated ahead
 * (the caller deflates queued ones until each fits), and to the bytes
 * ov__zd_run makes. */
Test(zipdeflate, past_the_bound_the_caller_deflates_and_none_is_left)
{
    enum { N = 12 };
    const size_t len = (size_t)1 << 20; /* 12 MB in all: three times the bound */
    char dir[] = "/tmp/ov-zd-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sp[64];
    snprintf(sp, sizeof sp, "%s/spool", dir);
    int fd = open(sp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    uint64_t off = 0;
    ov__zd_ahead *a = ov__zd_ahead_start(fd, &off);
    if (!a) { /* one core: nothing is deflated ahead */
        close(fd);
        unlink(sp);
        rmdir(dir);
        return;
    }
    char *bufs[N];
    size_t ids[N];
    unsigned x = 99;
    for (int k = 0; k < N; k++) {
        bufs[k] = malloc(len);
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            bufs[k][i] = (i / 64) % 3 ? (char)('a' + (x >> 16) % 4) : (char)(x >> 16);
        }
        char *copy = malloc(len);
        memcpy(copy, bufs[k], len);
        ids[k] = ov__zd_ahead_put(a, copy, len);
        cr_assert_neq(ids[k], 0, "document %d queued past the bound", k);
    }
    ov__zd_ahead_finish(a);
    ov__zd_entry ahead[N], plain[N];
    memset(ahead, 0, sizeof ahead);
    memset(plain, 0, sizeof plain);
    for (int k = 0; k < N; k++) {
        ov__zd_ahead_result(a, ids[k], &ahead[k]);
        cr_assert(ahead[k].done, "document %d deflated ahead", k);
        plain[k].data = bufs[k];
        plain[k].len = len;
    }
    ov__zd_ahead_free(a);
    uint64_t spooled = 0;
    for (int k = 0; k < N; k++)
        spooled += ahead[k].comp_len;
    cr_assert_eq(off, spooled, "every document's deflated bytes are in the spool");
    uint64_t none = 0;
    ov__zd_run(plain, N, -1, &none);
    for (int k = 0; k < N; k++) {
        cr_assert(plain[k].done);
        cr_assert_eq(ahead[k].crc, plain[k].crc, "document %d: same CRC", k);
        cr_assert_eq(ahead[k].comp_len, plain[k].comp_len, "document %d: same length", k);
        const ov__zd_entry *pb = ov__zd_bytes(plain, (size_t)k);
        unsigned char *got = malloc(ahead[k].comp_len);
        cr_assert_eq(pread(fd, got, ahead[k].comp_len, (off_t)ahead[k].comp_off),
                     (ssize_t)ahead[k].comp_len);
        cr_assert(memcmp(got, pb->comp, ahead[k].comp_len) == 0, "document %d: same bytes", k);
        free(got);
        free(bufs[k]);
    }
    ov__zd_free(ahead, N);
    ov__zd_free(plain, N);
    close(fd);
    unlink(sp);
    rmdir(dir);
}

Test(zipdeflate, unreadable_entry_is_left_to_libzip)
{
    ov__zd_entry e[2];
    memset(e, 0, sizeof e);
    e[0].path = "/nonexistent/ov-zd";
    e[0].len = 10;
    e[1].data = "";
    e[1].len = 0;
    uint64_t off = 0;
    ov__zd_run(e, 2, -1, &off);
    cr_assert_eq(e[0].done, 0);
    cr_assert_eq(e[1].done, 0, "an empty entry is libzip's");
    ov__zd_free(e, 2);
}

/* The archive zipwrite.c writes is the one libzip writes: a stored
 * "mimetype" first, then the entries deflated ahead (from a spool or from
 * memory, a copy of an entry included). */
static void same_direct_archive(int spool)
{
    static const char mt[] = "application/epub+zip";
    char *bufs[N_ENTRIES];
    size_t lens[N_ENTRIES];
    char names[N_ENTRIES][64];
    fill(bufs, lens);
    char dir[] = "/tmp/ov-zw-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char plain[64], direct[64], sp[64];
    snprintf(plain, sizeof plain, "%s/a.zip", dir);
    snprintf(direct, sizeof direct, "%s/b.zip", dir);
    snprintf(sp, sizeof sp, "%s/spool", dir);
    int err = 0;
    zip_t *za = zip_open(plain, ZIP_CREATE | ZIP_TRUNCATE, &err);
    cr_assert_not_null(za);
    zip_int64_t m = zip_file_add(za, "mimetype", zip_source_buffer(za, mt, sizeof mt - 1, 0),
                                 ZIP_FL_ENC_UTF_8);
    cr_assert_eq(m, 0);
    cr_assert_eq(zip_set_file_compression(za, 0, ZIP_CM_STORE, 0), 0);
    cr_assert_eq(zip_file_set_dostime(za, 0, 0x6e00, 0x576e, 0), 0);
    cr_assert_eq(zip_file_set_external_attributes(za, 0, 0, ZIP_OPSYS_UNIX, 0100644u << 16), 0);
    for (int k = 0; k < N_ENTRIES; k++) {
        snprintf(names[k], sizeof names[k], "EPUB/images/e%d.bin", k);
        add(za, names[k], zip_source_buffer(za, bufs[k], lens[k], 0));
    }
    cr_assert_eq(zip_close(za), 0);

    ov__zd_entry e[N_ENTRIES];
    memset(e, 0, sizeof e);
    for (int k = 0; k < N_ENTRIES; k++) {
        e[k].data = bufs[k];
        e[k].len = lens[k];
    }
    int fd = spool ? open(sp, O_RDWR | O_CREAT | O_TRUNC, 0600) : -1;
    uint64_t off = 0;
    if (spool == 2)
        deflate_ahead(fd, &off, bufs, lens, e);
    ov__zd_run(e, N_ENTRIES, fd, &off);
    cr_assert(ov__zw_fits(e, (const char (*)[64])names, N_ENTRIES, sizeof mt - 1));
    int out = open(direct, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(out, 0);
    cr_assert_eq(ov__zw_write(out, "mimetype", mt, sizeof mt - 1, e, (const char (*)[64])names,
                              N_ENTRIES, fd, 0x6e00, 0x576e), 0);
    close(out);
    ov__zd_free(e, N_ENTRIES);
    if (fd >= 0) close(fd);

    size_t la, lb;
    char *a = slurp(plain, &la), *b = slurp(direct, &lb);
    cr_assert_eq(la, lb, "same size (%zu, %zu)", la, lb);
    cr_assert(memcmp(a, b, la) == 0, "the archive libzip writes and the one written directly are the same bytes");
    free(a);
    free(b);
    for (int k = 0; k < N_ENTRIES; k++) free(bufs[k]);
    unlink(plain);
    unlink(direct);
    unlink(sp);
    rmdir(dir);
}

Test(zipwrite, same_bytes_as_libzip_from_a_spool) { same_direct_archive(1); }
Test(zipwrite, same_bytes_as_libzip_in_memory) { same_direct_archive(0); }

/* A disk that fills while the archive is written (here /dev/full: every
 * write fails with ENOSPC) is an error to report, and nothing more is put
 * in the output buffer once a write failed: entries from a spool fill it
 * up to its size, and what came after the failed write used to be copied
 * past its end. */
Test(zipwrite, a_full_disk_is_an_error_not_an_overflow)
{
    enum { N = 8 };
    /* noise: deflates to about its size; each entry is larger than the
       output buffer, so a full buffer is left after the failed write */
    const size_t len = 200000;
    int full = open("/dev/full", O_WRONLY);
    if (full < 0)
        cr_skip_test("no /dev/full here");
    char dir[] = "/tmp/ov-zw-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sp[64];
    snprintf(sp, sizeof sp, "%s/spool", dir);
    int fd = open(sp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    char *bufs[N];
    char names[N][64];
    ov__zd_entry e[N];
    memset(e, 0, sizeof e);
    unsigned x = 7;
    for (int k = 0; k < N; k++) {
        bufs[k] = malloc(len);
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            bufs[k][i] = (char)(x >> 16);
        }
        e[k].data = bufs[k];
        e[k].len = len;
        snprintf(names[k], sizeof names[k], "EPUB/img/a%03d.jpg", k);
    }
    uint64_t off = 0;
    ov__zd_run(e, N, fd, &off);
    for (int k = 0; k < N; k++)
        cr_assert(e[k].done && !e[k].comp, "entry %d deflated into the spool", k);
    int rc = ov__zw_write(full, "mimetype", "application/epub+zip", 20, e,
                          (const char (*)[64])names, N, fd, 0x6e00, 0x576e);
    cr_assert_eq(rc, ENOSPC, "the write's error comes back (%d)", rc);
    close(full);
    ov__zd_free(e, N);
    for (int k = 0; k < N; k++)
        free(bufs[k]);
    close(fd);
    unlink(sp);
    rmdir(dir);
}

Test(zipwrite, what_it_cannot_write_is_left_to_libzip)
{
    char names[2][64] = {"EPUB/a.xhtml", "EPUB/b.xhtml"};
    ov__zd_entry e[2];
    memset(e, 0, sizeof e);
    e[0].done = e[1].done = 1;
    e[0].len = e[1].len = e[0].comp_len = e[1].comp_len = 10;
    cr_assert(ov__zw_fits(e, (const char (*)[64])names, 2, 20));
    e[1].done = 0;
    cr_assert_not(ov__zw_fits(e, (const char (*)[64])names, 2, 20), "an entry not deflated ahead");
    e[1].done = 1;
    snprintf(names[1], sizeof names[1], "EPUB/港.xhtml");
    cr_assert_not(ov__zw_fits(e, (const char (*)[64])names, 2, 20), "a name libzip flags as UTF-8");
    snprintf(names[1], sizeof names[1], "EPUB/b.xhtml");
    e[1].comp_len = (size_t)0xFFFFFFFFu;
    cr_assert_not(ov__zw_fits(e, (const char (*)[64])names, 2, 20), "sizes that need zip64");
}
