/* Error object: fixed buffers in caller storage, so reporting never allocates. */
#include "octavo/error.h"

#include <stdio.h>
#include <string.h>

void ov_error_clear(ov_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->message[0] = '\0';
    err->where[0] = '\0';
}

static void copy_truncated(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n < size) {
        memcpy(dst, src, n + 1);
        return;
    }
    memcpy(dst, src, size - 4);
    memcpy(dst + size - 4, "...", 4);
}

int ov_error_setv(ov_error *err, int code, const char *where, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (n < 0)
        err->message[0] = '\0';
    else if ((size_t)n >= sizeof err->message)
        memcpy(err->message + sizeof err->message - 4, "...", 4);
    if (where)
        copy_truncated(err->where, sizeof err->where, where);
    else
        err->where[0] = '\0';
    return code;
}

int ov_error_set(ov_error *err, int code, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ov_error_setv(err, code, where, fmt, ap);
    va_end(ap);
    return rc;
}

const char *ov_error_code_name(int code)
{
    switch (code) {
    case OV_OK: return "OV_OK";
    case OV_ERROR: return "OV_ERROR";
    case OV_ENOMEM: return "OV_ENOMEM";
    case OV_EINVAL: return "OV_EINVAL";
    case OV_EIO: return "OV_EIO";
    case OV_ELIMIT: return "OV_ELIMIT";
    case OV_EPARSE: return "OV_EPARSE";
    case OV_ENET: return "OV_ENET";
    case OV_EHTTP: return "OV_EHTTP";
    case OV_ENOTFOUND: return "OV_ENOTFOUND";
    case OV_EUNSUPPORTED: return "OV_EUNSUPPORTED";
    case OV_ELOCKED: return "OV_ELOCKED";
    case OV_EPOLICY: return "OV_EPOLICY";
    case OV_EEMPTY: return "OV_EEMPTY";
    default: return "OV_E?";
    }
}

const char *ov_error_format(const ov_error *err, char *buf, unsigned long size)
{
    if (!buf || size == 0)
        return buf;
    if (!err || err->code == 0) {
        snprintf(buf, size, "no error");
    } else if (err->where[0]) {
        snprintf(buf, size, "%s: %s", err->where, err->message);
    } else {
        snprintf(buf, size, "%s", err->message);
    }
    return buf;
}
