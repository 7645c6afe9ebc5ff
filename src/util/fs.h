/* File system helpers: bounded reads, mkdir -p, atomic replace. */
#ifndef OV_UTIL_FS_H
#define OV_UTIL_FS_H

#include <stddef.h>
#include <stdint.h>

#include "octavo/error.h"

/* All `len` bytes at offset `off` of `fd` (EINTR retried): 0, or -1 with
 * errno set (ENOSPC for a write that makes no progress, EIO for a read
 * that meets the end of the file first). */
int ov__pwrite_all(int fd, const void *data, size_t len, uint64_t off);
int ov__pread_all(int fd, void *buf, size_t len, uint64_t off);

/* Read at most `limit` bytes of `path` into a malloc'd, NUL-terminated buffer
 * (*out, caller frees; *len excludes the NUL). A larger file is OV_ELIMIT. */
int ov__read_file(const char *path, size_t limit, unsigned char **out, size_t *len,
                  ov_error *err);
/* Write `len` bytes to `path` (created or truncated). */
int ov__write_file(const char *path, const void *data, size_t len, ov_error *err);
/* Create `path` and its parents (mode 0755); existing directories are fine. */
int ov__mkdir_p(const char *path, ov_error *err);
/* 1 if `path` is a directory, 0 otherwise. */
int ov__is_dir(const char *path);
/*
 * Atomic output: ov__atomic_open creates a unique temporary file next to
 * `final_path` ("<final>.tmp.XXXXXX") and returns its malloc'd name in
 * *tmp_path (caller frees). After writing and closing it, ov__atomic_commit
 * fsyncs and renames it over `final_path`; ov__atomic_abort unlinks it.
 */
int ov__atomic_open(const char *final_path, char **tmp_path, int *fd, ov_error *err);
int ov__atomic_commit(const char *tmp_path, const char *final_path, ov_error *err);
void ov__atomic_abort(const char *tmp_path);

#endif
