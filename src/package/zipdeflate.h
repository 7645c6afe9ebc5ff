/*
 * Deflating EPUB entries ahead of zip_close, on threads (zipdeflate.c).
 *
 * libzip deflates each entry while zip_close writes the archive, one after
 * the other on the caller's thread. Here the entries are deflated first, in
 * parallel, with exactly the stream libzip 1.7 makes (raw deflate, level 9,
 * windowBits -15, memLevel 9, default strategy: Z_BEST_COMPRESSION is what
 * ZIP_CM_DEFLATE with compression flags 0 means), and handed to libzip as
 * sources that say they hold deflated data of a given size and CRC; libzip
 * then copies their bytes as they are. The archive is byte for byte the one
 * libzip would have written. Entries with the same bytes (an image used by
 * many articles under different URLs) are deflated once.
 */
#ifndef OV_PACKAGE_ZIPDEFLATE_H
#define OV_PACKAGE_ZIPDEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

/* Most threads deflating at once, whatever the core count. */
#define OV__ZD_THREADS_MAX 4
/* Largest entry deflated ahead; a bigger one is left to libzip. */
#define OV__ZD_ENTRY_MAX ((size_t)256 << 20)

typedef struct ov__zd_entry {
    /* in: the bytes, from memory (data) or a file range (path, off) */
    const char *data;
    const char *path;
    uint64_t off;
    size_t len;
    /* out (valid when done): deflated bytes and the CRC-32 of the input */
    int done;
    uint32_t crc;
    size_t comp_len;
    unsigned char *comp;  /* owned; NULL when the bytes went to the spool */
    uint64_t comp_off;    /* where they are in the spool */
    size_t same_as;       /* 1 + the entry whose deflated bytes these are, or 0 */
} ov__zd_entry;

/* The entry holding entry i's deflated bytes (itself, or the one it is the
 * same as). */
static inline const ov__zd_entry *ov__zd_bytes(const ov__zd_entry *all, size_t i)
{
    return all[i].same_as ? &all[all[i].same_as - 1] : &all[i];
}

/* Deflate every entry (threads as the machine has cores, at most
 * OV__ZD_THREADS_MAX). Deflated bytes are appended to the spool file
 * `spool_fd` at *spool_off (advanced) when it is >= 0, else kept in memory.
 * An entry that cannot be read or deflated is left with done == 0: libzip
 * deflates it as before and reports the error, if any. Never fails. */
void ov__zd_run(ov__zd_entry *e, size_t n, int spool_fd, uint64_t *spool_off);

/* A libzip source for a done entry (its deflated bytes, read from memory
 * or the spool); NULL with za's error set on failure. `e` and the spool
 * must outlive zip_close. */
zip_source_t *ov__zd_source(zip_t *za, const ov__zd_entry *all, size_t i, int spool_fd);

/* Deflating ahead while the plan is still being built: documents are handed
 * over as they are spooled and deflated on threads of their own (one fewer
 * than the cores, at most OV__ZD_THREADS_MAX - 1; none on one core), their
 * deflated bytes appended to the same spool. What is pending is bounded
 * (OV__ZD_AHEAD_BYTES): a caller handing over past that deflates queued
 * jobs itself until the document fits, and a document larger than the
 * bound is left to ov__zd_run. The bytes are the ones ov__zd_run would
 * make. */
#define OV__ZD_AHEAD_BYTES ((size_t)4 << 20)
typedef struct ov__zd_ahead ov__zd_ahead;

/* Start the threads for spool `spool_fd`, whose end is *spool_off (shared
 * from now on: reserve through ov__zd_ahead_reserve); NULL when there is no
 * second core or no memory. */
ov__zd_ahead *ov__zd_ahead_start(int spool_fd, uint64_t *spool_off);

/* `len` bytes at the end of the spool, for the caller to write. */
uint64_t ov__zd_ahead_reserve(ov__zd_ahead *a, size_t len);

/* Hand over `data` (taken, freed in every case): 1 + the job's number, or 0
 * when it was not queued (full, or empty). */
size_t ov__zd_ahead_put(ov__zd_ahead *a, char *data, size_t len);

/* Deflate what is still queued on the caller's thread too, and wait until
 * every job is done (no more may be queued after). */
void ov__zd_ahead_finish(ov__zd_ahead *a);

/* After ov__zd_ahead_finish: job `id` (from ov__zd_ahead_put) into entry
 * `e` (done, crc, deflated bytes: in the spool, or moved into e->comp);
 * left as it is when that job failed. */
void ov__zd_ahead_result(ov__zd_ahead *a, size_t id, ov__zd_entry *e);

/* Stop the threads (after the jobs queued) and free everything (NULL is fine). */
void ov__zd_ahead_free(ov__zd_ahead *a);

/* Free what ov__zd_run kept in memory. */
void ov__zd_free(ov__zd_entry *e, size_t n);

/* Whether ov__zw_write can write an archive of these entries, byte for byte
 * as libzip would (zipwrite.c): every entry done, names of printable ASCII,
 * no zip64 needed. `first_len`: the stored first entry's size. */
int ov__zw_fits(const ov__zd_entry *e, const char (*names)[64], size_t n, size_t first_len);

/* Write the whole archive to `fd` from offset 0: the stored entry
 * first_name (first_len bytes at `first`), then entries e[0..n) with their
 * deflated bytes (in memory, or in the spool `spool_fd`), then the central
 * directory, all with DOS time dtime/ddate. 0, or the errno of a failed
 * read or write. */
int ov__zw_write(int fd, const char *first_name, const char *first, size_t first_len,
                 const ov__zd_entry *e, const char (*names)[64], size_t n, int spool_fd,
                 uint16_t dtime, uint16_t ddate);

#endif
