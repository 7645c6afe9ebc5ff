/*
 * octavo/error.h - error codes and the error message object.
 *
 * Every octavo function that can fail returns an int: 0 on success or a
 * negative OV_E* code, and fills the caller's ov_error (when not NULL) with a
 * human-readable message and, when relevant, the URL or file it concerns.
 * The ov_error lives in caller storage (no allocation), so it can be used
 * even when memory is exhausted.
 */
#ifndef OCTAVO_ERROR_H
#define OCTAVO_ERROR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes. 0 is success; every error is negative. */
typedef enum ov_error_code {
    OV_OK = 0,
    OV_ERROR = -1,        /**< generic failure */
    OV_ENOMEM = -2,       /**< out of memory */
    OV_EINVAL = -3,       /**< invalid argument or usage */
    OV_EIO = -4,          /**< file system error */
    OV_ELIMIT = -5,       /**< a named limit (bytes, depth, pixels, ...) was exceeded */
    OV_EPARSE = -6,       /**< input could not be parsed (page, feed, recipe, ...) */
    OV_ENET = -7,         /**< network error (DNS, connect, reset, timeout) */
    OV_EHTTP = -8,        /**< HTTP status other than success */
    OV_ENOTFOUND = -9,    /**< nothing found (no article, no such file, ...) */
    OV_EUNSUPPORTED = -10, /**< unsupported type, scheme or encoding */
    OV_ELOCKED = -11,     /**< resource held by another run */
    OV_EPOLICY = -12,     /**< refused by policy (scheme, robots.txt, size budget) */
    OV_EEMPTY = -13       /**< nothing to do (e.g. no new articles) */
} ov_error_code;

/** Size of ov_error.message, including the terminating NUL. */
#define OV_ERROR_MESSAGE_MAX 512
/** Size of ov_error.where, including the terminating NUL. */
#define OV_ERROR_WHERE_MAX 1024

/**
 * An error: code, message and the URL or file concerned.
 * Caller-allocated (usually on the stack); holds no heap memory and needs no
 * freeing. Messages longer than the buffers are truncated with "...".
 */
typedef struct ov_error {
    int code;                          /**< an ov_error_code, 0 when clear */
    char message[OV_ERROR_MESSAGE_MAX]; /**< what went wrong, in English */
    char where[OV_ERROR_WHERE_MAX];    /**< URL or path, or "" */
} ov_error;

/** Reset `err` (may be NULL) to the no-error state. */
void ov_error_clear(ov_error *err);

/**
 * Fill `err` (may be NULL) with `code`, `where` (may be NULL) and a
 * printf-style message. Returns `code`, so callers can write
 * `return ov_error_set(err, OV_EIO, path, "cannot open: %s", strerror(errno));`
 */
int ov_error_set(ov_error *err, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Same as ov_error_set() with a va_list. */
int ov_error_setv(ov_error *err, int code, const char *where, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/** A static, short name for a code ("OV_ELIMIT"); never NULL. */
const char *ov_error_code_name(int code);

/**
 * Write "where: message" (or just the message) into `buf` of `size` bytes.
 * Returns `buf`. Convenient for log lines.
 */
const char *ov_error_format(const ov_error *err, char *buf, unsigned long size);

#ifdef __cplusplus
}
#endif

#endif
