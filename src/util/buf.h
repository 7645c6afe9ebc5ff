/* ov__buf: a growable byte buffer with a hard size limit (bounded everything). */
#ifndef OV_UTIL_BUF_H
#define OV_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

/** Growable buffer; `data` is always NUL-terminated when non-NULL. */
typedef struct ov__buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* 0 = no limit; otherwise appends past it fail with OV_ELIMIT */
} ov__buf;

#define OV__BUF_INIT {NULL, 0, 0, 0}

/* All return 0, OV_ENOMEM or OV_ELIMIT. */
int ov__buf_grow(ov__buf *b, size_t extra);
int ov__buf_put(ov__buf *b, const void *data, size_t len);
int ov__buf_puts(ov__buf *b, const char *s);
/* Inline: text is often built a character at a time; the slow path grows. */
static inline int ov__buf_putc(ov__buf *b, char c)
{
    if (b->len + 2 <= b->cap && (!b->limit || b->len + 1 <= b->limit)) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return ov__buf_put(b, &c, 1);
}
int ov__buf_printf(ov__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append `s` escaped for XML text and attribute values (&, <, >, ", '). */
int ov__buf_put_xml(ov__buf *b, const char *s);
/* Append `s` as a JSON string literal, quotes included (NULL gives null). */
int ov__buf_put_json(ov__buf *b, const char *s);
/* Give the bytes away: returns data (caller frees; never NULL on success) and resets b. */
char *ov__buf_detach(ov__buf *b, size_t *len);
void ov__buf_free(ov__buf *b);

/* Room for one more element in the array `*items` of `*n` used and `*cap`
 * allocated elements of `size` bytes: doubles it (first to `first`) when
 * full. 0, or OV_ENOMEM (the array unchanged). */
int ov__grow_array(void **items, size_t n, size_t *cap, size_t size, size_t first);

#endif
