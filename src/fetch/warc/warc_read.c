/*
 * WARC reader: archive mode's replay half.
 *
 * The whole file is read (OV_WARC_MAX_FILE_BYTES), gunzipped member by
 * member when it starts with the gzip magic (a WARC may also be plain),
 * and the decompressed stream (OV_WARC_MAX_DATA_BYTES) is split into
 * records. Each record must have a WARC/1.0 or WARC/1.1 version line, a
 * header block within OV_WARC_MAX_HEADER_BYTES, the mandatory WARC-Type,
 * WARC-Record-ID, WARC-Date and Content-Length fields, a block within
 * OV_WARC_MAX_RECORD_BYTES that really is there, and the CRLF CRLF that
 * ends a record; a sha1 WARC-Block-Digest (base32, or base16 as some tools
 * write) is recomputed and must match. Anything else is OV_EPARSE with the
 * record number and byte offset: a truncated or corrupt archive is an
 * error, never a guess.
 *
 * Response records are indexed by WARC-Target-URI in a small open-addressed
 * hash; later records replace earlier ones, so the last recording of a URL
 * wins. Keys are spelled with ov__warc_uri() on both sides, so a UTF-8 URL
 * finds a record whether its target URI was written raw or percent-encoded.
 */
#include "octavo/warc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "fetch/warc/warc_internal.h"
#include "util/buf.h"
#include "util/fs.h"

typedef struct entry {
    char *type, *record_id, *target_uri, *date;
    char *key; /* response records: target URI as spelled by ov__warc_uri */
    size_t header_off, header_len, block_off, block_len;
} entry;

struct ov_warc_reader {
    unsigned char *data; /* decompressed records */
    size_t len;
    entry *recs;
    size_t n, cap;
    size_t *slots; /* hash of response records: index + 1, 0 = empty */
    size_t nslots;
};

static int inflate_member_loop(z_stream *z, ov__buf *out, const char *name, ov_error *err)
{
    unsigned char chunk[65536];
    while (1) {
        z->next_out = chunk;
        z->avail_out = sizeof chunk;
        int zr = inflate(z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z->avail_out;
        if (got) {
            int rc = ov__buf_put(out, chunk, got);
            if (rc == OV_ELIMIT)
                return ov_error_set(err, OV_ELIMIT, name,
                                    "decompressed WARC exceeds OV_WARC_MAX_DATA_BYTES (%zu)",
                                    OV_WARC_MAX_DATA_BYTES);
            if (rc)
                return ov_error_set(err, rc, name, "out of memory reading WARC");
        }
        if (zr == Z_STREAM_END)
            return 0;
        if (zr == Z_BUF_ERROR && z->avail_in == 0)
            return ov_error_set(err, OV_EPARSE, name, "truncated gzip member in WARC");
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            return ov_error_set(err, OV_EPARSE, name, "corrupt gzip data in WARC: %s",
                                z->msg ? z->msg : "inflate failed");
    }
}

/* Gunzip every member of [in, in+len) into out. */
static int gunzip_all(const unsigned char *in, size_t len, ov__buf *out, const char *name,
                      ov_error *err)
{
    z_stream z;
    int rc = 0;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 31) != Z_OK)
        return ov_error_set(err, OV_ENOMEM, name, "cannot start gzip decompression");
    size_t pos = 0;
    while (pos < len) {
        if (len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b) {
            rc = ov_error_set(err, OV_EPARSE, name, "garbage after gzip member at byte %zu of WARC",
                              pos);
            goto cleanup;
        }
        inflateReset(&z);
        z.next_in = (Bytef *)(uintptr_t)(in + pos);
        z.avail_in = (uInt)(len - pos); /* fits: len <= OV_WARC_MAX_FILE_BYTES < 4 GiB */
        rc = inflate_member_loop(&z, out, name, err);
        if (rc)
            goto cleanup;
        pos += (size_t)z.total_in; /* a member is at least 18 bytes: always progress */
    }
cleanup:
    inflateEnd(&z);
    return rc;
}

static void entry_free(entry *e)
{
    free(e->type);
    free(e->record_id);
    free(e->target_uri);
    free(e->date);
    free(e->key);
}

void ov_warc_reader_free(ov_warc_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        entry_free(&r->recs[i]);
    free(r->recs);
    free(r->slots);
    free(r->data);
    free(r);
}

/* Find the CRLF CRLF ending a header that starts at p; 0 when absent within max. */
static size_t header_end(const unsigned char *p, size_t avail, size_t max)
{
    size_t lim = avail < max ? avail : max;
    for (size_t i = 0; i + 3 < lim; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
            return i + 4;
    return 0;
}

static char *dup_range(const unsigned char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Parsed header fields of one record, pointing into the data. */
typedef struct fields {
    const unsigned char *type, *id, *uri, *date, *length, *digest;
    size_t type_n, id_n, uri_n, date_n, length_n, digest_n;
} fields;

/* Point *v / *vn at the value when the line's name is `name`. */
static void take(const unsigned char *line, size_t name_n, const char *name,
                 const unsigned char *value, size_t value_n, const unsigned char **v, size_t *vn)
{
    if (strlen(name) == name_n && strncasecmp((const char *)line, name, name_n) == 0) {
        *v = value;
        *vn = value_n;
    }
}

static void field(const unsigned char *line, size_t n, fields *f)
{
    const unsigned char *colon = memchr(line, ':', n);
    if (!colon)
        return;
    size_t name_n = (size_t)(colon - line);
    const unsigned char *v = colon + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t vn = (size_t)(end - v);
    take(line, name_n, "WARC-Type", v, vn, &f->type, &f->type_n);
    take(line, name_n, "WARC-Record-ID", v, vn, &f->id, &f->id_n);
    take(line, name_n, "WARC-Target-URI", v, vn, &f->uri, &f->uri_n);
    take(line, name_n, "WARC-Date", v, vn, &f->date, &f->date_n);
    take(line, name_n, "Content-Length", v, vn, &f->length, &f->length_n);
    take(line, name_n, "WARC-Block-Digest", v, vn, &f->digest, &f->digest_n);
}

/* Split header lines [p, p+n) (after the version line) into fields. */
static void parse_fields(const unsigned char *p, size_t n, fields *f)
{
    memset(f, 0, sizeof *f);
    size_t i = 0;
    while (i < n) {
        const unsigned char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t ln = e - i;
        if (ln && p[i + ln - 1] == '\r')
            ln--;
        if (ln && p[i] != ' ' && p[i] != '\t')
            field(p + i, ln, f);
        i = e + 1;
    }
}

static int parse_length(const unsigned char *p, size_t n, size_t *out)
{
    size_t v = 0;
    if (!p || n == 0 || n > 19)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (size_t)(p[i] - '0');
    }
    *out = v;
    return 0;
}

/* 1 when a sha1 digest field matches the block (or cannot be checked), 0 when it does not. */
static int digest_ok(const fields *f, const unsigned char *block, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    if (!f->digest || f->digest_n < 5 || strncasecmp((const char *)f->digest, "sha1:", 5))
        return 1;
    const char *v = (const char *)f->digest + 5;
    size_t vn = f->digest_n - 5;
    unsigned char d[20];
    char text[41];
    ov__sha1(block, n, d);
    if (vn == 32) {
        ov__base32(d, sizeof d, text, sizeof text);
    } else if (vn == 40) {
        for (int i = 0; i < 20; i++) {
            text[2 * i] = hexd[d[i] >> 4];
            text[2 * i + 1] = hexd[d[i] & 15u];
        }
    } else {
        return 1;
    }
    return strncasecmp(text, v, vn) == 0;
}

static int add_entry(ov_warc_reader *r, const fields *f, size_t hoff, size_t hlen, size_t boff,
                     size_t blen)
{
    if (ov__grow_array((void **)&r->recs, r->n, &r->cap, sizeof *r->recs, 64) != 0)
        return OV_ENOMEM;
    entry *e = &r->recs[r->n];
    memset(e, 0, sizeof *e);
    e->header_off = hoff;
    e->header_len = hlen;
    e->block_off = boff;
    e->block_len = blen;
    const unsigned char *uri = f->uri;
    size_t un = f->uri_n;
    if (uri && un >= 2 && uri[0] == '<' && uri[un - 1] == '>') { /* WARC 1.0 drafts */
        uri++;
        un -= 2;
    }
    e->type = dup_range(f->type, f->type_n);
    e->record_id = dup_range(f->id, f->id_n);
    e->date = dup_range(f->date, f->date_n);
    e->target_uri = uri ? dup_range(uri, un) : NULL;
    r->n++;
    if (!e->type || !e->record_id || !e->date || (uri && !e->target_uri))
        return OV_ENOMEM;
    if (e->target_uri && strcasecmp(e->type, "response") == 0) {
        ov__buf k = OV__BUF_INIT;
        if (ov__warc_uri(&k, e->target_uri) || !k.data) {
            ov__buf_free(&k);
            return OV_ENOMEM;
        }
        e->key = ov__buf_detach(&k, NULL);
    }
    return 0;
}

/* Parse the record at *pos; advance *pos past it. */
static int parse_record(ov_warc_reader *r, size_t *pos, const char *name, ov_error *err)
{
    const unsigned char *p = r->data + *pos;
    size_t avail = r->len - *pos, no = r->n + 1, at = *pos;
    size_t hend = header_end(p, avail, OV_WARC_MAX_HEADER_BYTES);
    if (!hend)
        return avail >= OV_WARC_MAX_HEADER_BYTES
                   ? ov_error_set(err, OV_ELIMIT, name,
                                  "WARC record %zu at byte %zu: header exceeds "
                                  "OV_WARC_MAX_HEADER_BYTES (%zu)",
                                  no, at, OV_WARC_MAX_HEADER_BYTES)
                   : ov_error_set(err, OV_EPARSE, name,
                                  "WARC record %zu at byte %zu: truncated header", no, at);
    if (hend < 10 || (memcmp(p, "WARC/1.1\r\n", 10) && memcmp(p, "WARC/1.0\r\n", 10)))
        return ov_error_set(err, OV_EPARSE, name,
                            "WARC record %zu at byte %zu: no WARC/1.0 or WARC/1.1 version line", no,
                            at);
    fields f;
    size_t blen;
    parse_fields(p + 10, hend - 10, &f);
    if (!f.type || !f.id || !f.date || parse_length(f.length, f.length_n, &blen))
        return ov_error_set(err, OV_EPARSE, name,
                            "WARC record %zu at byte %zu: missing or bad WARC-Type, "
                            "WARC-Record-ID, WARC-Date or Content-Length",
                            no, at);
    if (blen > OV_WARC_MAX_RECORD_BYTES)
        return ov_error_set(err, OV_ELIMIT, name,
                            "WARC record %zu at byte %zu: %zu bytes exceed "
                            "OV_WARC_MAX_RECORD_BYTES (%zu)",
                            no, at, blen, OV_WARC_MAX_RECORD_BYTES);
    if (blen > avail - hend || avail - hend - blen < 4 ||
        memcmp(p + hend + blen, "\r\n\r\n", 4) != 0)
        return ov_error_set(err, OV_EPARSE, name,
                            "WARC record %zu at byte %zu: truncated block or missing record end",
                            no, at);
    if (!digest_ok(&f, p + hend, blen))
        return ov_error_set(err, OV_EPARSE, name,
                            "WARC record %zu at byte %zu: WARC-Block-Digest does not match", no,
                            at);
    if (r->n >= OV_WARC_MAX_RECORDS)
        return ov_error_set(err, OV_ELIMIT, name, "WARC has more than OV_WARC_MAX_RECORDS (%zu)",
                            OV_WARC_MAX_RECORDS);
    if (add_entry(r, &f, at + 10, hend - 10, at + hend, blen))
        return ov_error_set(err, OV_ENOMEM, name, "out of memory indexing WARC");
    *pos = at + hend + blen + 4;
    return 0;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* Slot of `key`: where it is, or the empty slot where it would go. */
static size_t find_slot(const ov_warc_reader *r, const char *key)
{
    size_t mask = r->nslots - 1, i = (size_t)hash_str(key) & mask;
    while (r->slots[i] && strcmp(r->recs[r->slots[i] - 1].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

static int build_index(ov_warc_reader *r)
{
    r->nslots = 16;
    while (r->nslots < 2 * r->n + 2)
        r->nslots *= 2;
    r->slots = calloc(r->nslots, sizeof *r->slots);
    if (!r->slots)
        return OV_ENOMEM;
    for (size_t i = 0; i < r->n; i++)
        if (r->recs[i].key)
            r->slots[find_slot(r, r->recs[i].key)] = i + 1; /* last one wins */
    return 0;
}

static int reader_parse(ov_warc_reader *r, const char *name, ov_error *err)
{
    size_t pos = 0;
    while (pos < r->len) {
        int rc = parse_record(r, &pos, name, err);
        if (rc)
            return rc;
    }
    if (r->n == 0)
        return ov_error_set(err, OV_EPARSE, name, "WARC holds no records");
    if (build_index(r))
        return ov_error_set(err, OV_ENOMEM, name, "out of memory indexing WARC");
    return 0;
}

int ov_warc_reader_open_mem(const void *data, size_t len, const char *name, ov_warc_reader **out,
                            ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const unsigned char *in = data;
    int rc = 0;
    *out = NULL;
    b.limit = OV_WARC_MAX_DATA_BYTES;
    ov_warc_reader *r = calloc(1, sizeof *r);
    if (!r)
        return ov_error_set(err, OV_ENOMEM, name, "out of memory");
    if (len > OV_WARC_MAX_FILE_BYTES) {
        rc = ov_error_set(err, OV_ELIMIT, name, "WARC exceeds OV_WARC_MAX_FILE_BYTES (%zu)",
                          OV_WARC_MAX_FILE_BYTES);
        goto cleanup;
    }
    if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b)
        rc = gunzip_all(in, len, &b, name, err);
    else if (len && ov__buf_put(&b, in, len))
        rc = ov_error_set(err, OV_ENOMEM, name, "out of memory reading WARC");
    if (rc)
        goto cleanup;
    if (b.len == 0) {
        rc = ov_error_set(err, OV_EPARSE, name, "WARC is empty");
        goto cleanup;
    }
    r->data = (unsigned char *)ov__buf_detach(&b, &r->len);
    rc = reader_parse(r, name, err);
cleanup:
    ov__buf_free(&b);
    if (rc) {
        ov_warc_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ov_warc_reader_open(const char *path, ov_warc_reader **out, ov_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = ov__read_file(path, OV_WARC_MAX_FILE_BYTES, &data, &len, err);
    if (!rc)
        rc = ov_warc_reader_open_mem(data, len, path, out, err);
    free(data);
    return rc;
}

size_t ov_warc_reader_count(const ov_warc_reader *r)
{
    return r ? r->n : 0;
}

size_t ov_warc_reader_count_type(const ov_warc_reader *r, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; r && type && i < r->n; i++)
        n += strcasecmp(r->recs[i].type, type) == 0;
    return n;
}

int ov_warc_reader_record(const ov_warc_reader *r, size_t i, ov_warc_record *out)
{
    if (!r || !out || i >= r->n)
        return OV_EINVAL;
    const entry *e = &r->recs[i];
    out->type = e->type;
    out->record_id = e->record_id;
    out->target_uri = e->target_uri;
    out->date = e->date;
    out->header = (const char *)r->data + e->header_off;
    out->header_len = e->header_len;
    out->block = r->data + e->block_off;
    out->block_len = e->block_len;
    return 0;
}

int ov_warc_reader_lookup(const ov_warc_reader *r, const char *url, long *status, char **head,
                          size_t *head_len, unsigned char **body, size_t *body_len)
{
    ov__buf k = OV__BUF_INIT;
    int rc = OV_ENOTFOUND;
    *head = NULL;
    *body = NULL;
    if (!r || !url || !r->nslots || ov__warc_uri(&k, url) || !k.data)
        goto cleanup;
    size_t slot = r->slots[find_slot(r, k.data)];
    if (!slot)
        goto cleanup;
    const entry *e = &r->recs[slot - 1];
    const unsigned char *block = r->data + e->block_off;
    size_t hl;
    if (ov__warc_http_split(block, e->block_len, status, &hl))
        goto cleanup; /* a response record that is not HTTP: nothing to replay */
    *head = dup_range(block, hl);
    *body = (unsigned char *)dup_range(block + hl, e->block_len - hl);
    if (!*head || !*body) {
        free(*head);
        free(*body);
        *head = NULL;
        *body = NULL;
        rc = OV_ENOMEM;
        goto cleanup;
    }
    *head_len = hl;
    *body_len = e->block_len - hl;
    rc = 0;
cleanup:
    ov__buf_free(&k);
    return rc;
}

int ov_warc_replay_hook(void *ud, const char *url, long *status, char **headers,
                        size_t *headers_len, unsigned char **body, size_t *body_len)
{
    return ov_warc_reader_lookup(ud, url, status, headers, headers_len, body, body_len);
}
