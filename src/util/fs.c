#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ov__read_file(const char *path, size_t limit, unsigned char **out, size_t *len,
                  ov_error *err)
{
    *out = NULL;
    *len = 0;
    int rc = 0;
    unsigned char *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ov_error_set(err, errno == ENOENT ? OV_ENOTFOUND : OV_EIO, path, "cannot open: %s",
                            strerror(errno));
    size_t cap = 64 * 1024, n = 0;
    data = malloc(cap + 1);
    if (!data) {
        rc = ov_error_set(err, OV_ENOMEM, path, "out of memory");
        goto cleanup;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= limit) {
                rc = ov_error_set(err, OV_ELIMIT, path, "file larger than the %zu-byte limit",
                                  limit);
                goto cleanup;
            }
            size_t ncap = cap * 2;
            unsigned char *p = realloc(data, ncap + 1);
            if (!p) {
                rc = ov_error_set(err, OV_ENOMEM, path, "out of memory");
                goto cleanup;
            }
            data = p;
            cap = ncap;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                rc = ov_error_set(err, OV_EIO, path, "read error: %s", strerror(errno));
                goto cleanup;
            }
            break;
        }
    }
    if (n > limit) {
        rc = ov_error_set(err, OV_ELIMIT, path, "file larger than the %zu-byte limit", limit);
        goto cleanup;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    data = NULL;
cleanup:
    free(data);
    fclose(f);
    return rc;
}

int ov__write_file(const char *path, const void *data, size_t len, ov_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return ov_error_set(err, OV_EIO, path, "cannot create: %s", strerror(errno));
    int rc = 0;
    if (len && fwrite(data, 1, len, f) != len)
        rc = ov_error_set(err, OV_EIO, path, "write error: %s", strerror(errno));
    if (fclose(f) != 0 && !rc)
        rc = ov_error_set(err, OV_EIO, path, "close error: %s", strerror(errno));
    return rc;
}

int ov__is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ov__mkdir_p(const char *path, ov_error *err)
{
    char *p = strdup(path);
    if (!p)
        return ov_error_set(err, OV_ENOMEM, path, "out of memory");
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                rc = ov_error_set(err, OV_EIO, p, "cannot create directory: %s", strerror(errno));
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    if (!rc && !ov__is_dir(path))
        rc = ov_error_set(err, OV_EIO, path, "not a directory");
    free(p);
    return rc;
}

int ov__atomic_open(const char *final_path, char **tmp_path, int *fd, ov_error *err)
{
    *tmp_path = NULL;
    *fd = -1;
    size_t n = strlen(final_path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(n);
    if (!tmp)
        return ov_error_set(err, OV_ENOMEM, final_path, "out of memory");
    snprintf(tmp, n, "%s.tmp.XXXXXX", final_path);
    int f = mkostemp(tmp, O_CLOEXEC);
    if (f < 0) {
        int rc = ov_error_set(err, OV_EIO, final_path, "cannot create temporary file: %s",
                              strerror(errno));
        free(tmp);
        return rc;
    }
    /* mkostemp makes 0600; a book is an ordinary document */
    fchmod(f, 0644);
    *tmp_path = tmp;
    *fd = f;
    return 0;
}

int ov__atomic_commit(const char *tmp_path, const char *final_path, ov_error *err)
{
    int fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    if (rename(tmp_path, final_path) != 0) {
        int rc = ov_error_set(err, OV_EIO, final_path, "cannot rename temporary file: %s",
                              strerror(errno));
        unlink(tmp_path);
        return rc;
    }
    return 0;
}

void ov__atomic_abort(const char *tmp_path)
{
    if (tmp_path)
        unlink(tmp_path);
}

int ov__pwrite_all(int fd, const void *data, size_t len, uint64_t off)
{
    for (size_t done = 0; done < len;) {
        ssize_t w = pwrite(fd, (const char *)data + done, len - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

int ov__pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    for (size_t done = 0; done < len;) {
        ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}
