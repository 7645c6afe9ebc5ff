/*
 * WARC 1.1 writer: archive mode's recording half.
 *
 * The fetcher calls ov_warc_exchange_hook() once per network exchange; each
 * becomes a `request` record (application/http;msgtype=request, the raw
 * request head) and a `response` record (application/http;msgtype=response,
 * status line + head + body), linked both ways with WARC-Concurrent-To, and
 * optionally a `metadata` record (application/warc-fields) that refers to the
 * response. A `warcinfo` record comes first and every other record names it
 * in WARC-Warcinfo-ID. Each record is its own gzip member (zlib, windowBits
 * 31), the layout that lets standard tools (warcio, pywb, CDX indexers) seek
 * straight to a record.
 *
 * Reproducible output: no clock and no randomness inside. The warcinfo date
 * is ov_warc_info.created, record dates come from ov_exchange.date, and
 * record ids are name-based UUIDs: SHA-1 over (the warcinfo record's id,
 * sequence number, type, target URI, date, block digest); the warcinfo id
 * itself covers the creation time and the warcinfo fields. The same run
 * therefore gives a byte-identical file (zlib output is deterministic and
 * its gzip header carries no time); a caller that wants random ids passes
 * ov_warc_info.make_id.
 *
 * The body the fetcher hands over is decoded, so the response head is
 * rewritten to match it (see warc_http.c). Output is atomic: records go to
 * "<path>.tmp.XXXXXX", renamed over <path> only by a successful close. The
 * exchange hook cannot return errors, so the writer keeps the first one and
 * close reports it (and leaves <path> alone).
 */
#include "octavo/warc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "octavo/version.h"
#include "fetch/warc/warc_internal.h"
#include "util/fs.h"

#define ID_MAX 64   /* "<urn:uuid:" + 36 + ">" + NUL */
#define DATE_MAX 96 /* "YYYY-MM-DDThh:mm:ssZ", with room for gcc's worst case */

struct ov_warc_writer {
    char *path;
    char *tmp_path;
    int fd;
    int no_gzip, metadata;
    ov_warc_id_fn make_id;
    void *id_ud;
    char warcinfo_id[ID_MAX];
    char seed[ID_MAX]; /* the warcinfo record id ("" before it): ties ids to this run */
    int64_t created;   /* ov_warc_info.created: the date of exchanges that carry none */
    uint64_t seq;
    size_t count;
    ov_error first_error; /* code != 0 once poisoned */
};

/* One record to write; the block is the concatenation of parts. */
typedef struct record {
    const char *type;
    const char *content_type;
    const char *target_uri; /* already spelled for WARC, or NULL */
    int64_t date;
    const char *concurrent_to; /* a record id, or NULL */
    const char *refers_to;
    const char *ip;
    const char *filename;
    const char *payload_digest;
    const void *part[2];
    size_t part_len[2];
    char id[ID_MAX]; /* filled by make_record_id */
    char block_digest[OV__WARC_DIGEST_LEN];
} record;

static size_t block_len(const record *r)
{
    return r->part_len[0] + r->part_len[1];
}

static int format_date(int64_t t, char out[DATE_MAX])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 ||
        tm.tm_year + 1900 < 0)
        return OV_EINVAL;
    snprintf(out, DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 0;
}

static void compute_block_digest(record *r)
{
    ov__sha1_ctx s;
    unsigned char d[20];
    ov__sha1_init(&s);
    for (int i = 0; i < 2; i++)
        if (r->part_len[i])
            ov__sha1_update(&s, r->part[i], r->part_len[i]);
    ov__sha1_final(&s, d);
    memcpy(r->block_digest, "sha1:", 5);
    ov__base32(d, sizeof d, r->block_digest + 5, sizeof r->block_digest - 5);
}

static int valid_uuid(const char *u)
{
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = u[i];
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return 0;
    }
    return u[36] == '\0';
}

/* Fill r->id: the caller's generator, or a UUID derived from content + sequence. */
static int make_record_id(ov_warc_writer *w, record *r, ov_error *err)
{
    char uuid[37] = "";
    if (w->make_id) {
        int rc = w->make_id(w->id_ud, uuid);
        if (rc || !valid_uuid(uuid))
            return ov_error_set(err, rc ? rc : OV_EINVAL, w->path,
                                "WARC record id generator failed or gave a malformed UUID");
    } else {
        unsigned char seq[8], date[8], d[20];
        ov__sha1_ctx s;
        for (int i = 0; i < 8; i++) {
            seq[i] = (unsigned char)(w->seq >> (56 - 8 * i));
            date[i] = (unsigned char)((uint64_t)r->date >> (56 - 8 * i));
        }
        ov__sha1_init(&s);
        ov__sha1_update(&s, w->seed, strlen(w->seed));
        ov__sha1_update(&s, seq, sizeof seq);
        ov__sha1_update(&s, r->type, strlen(r->type) + 1);
        if (r->target_uri)
            ov__sha1_update(&s, r->target_uri, strlen(r->target_uri));
        ov__sha1_update(&s, &(unsigned char){0}, 1);
        ov__sha1_update(&s, date, sizeof date);
        ov__sha1_update(&s, r->block_digest, strlen(r->block_digest));
        ov__sha1_final(&s, d);
        ov__warc_uuid_from_sha1(d, uuid);
    }
    w->seq++;
    snprintf(r->id, sizeof r->id, "<urn:uuid:%s>", uuid);
    return 0;
}

static int write_all(ov_warc_writer *w, const void *data, size_t len, ov_error *err)
{
    const unsigned char *p = data;
    while (len) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ov_error_set(err, OV_EIO, w->tmp_path, "cannot write WARC: %s",
                                strerror(n < 0 ? errno : EIO));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Deflate `n` pieces as one gzip member and write it. */
static int write_gzip_member(ov_warc_writer *w, const void *const *piece, const size_t *len, int n,
                             ov_error *err)
{
    z_stream z;
    unsigned char out[65536];
    int rc = 0;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ov_error_set(err, OV_ENOMEM, w->path, "cannot start gzip compression");
    for (int i = 0; i < n && !rc; i++) {
        int flush = i == n - 1 ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = (Bytef *)(uintptr_t)piece[i];
        z.avail_in = (uInt)len[i];
        int zr;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            zr = deflate(&z, flush);
            if (zr == Z_STREAM_ERROR) {
                rc = ov_error_set(err, OV_ERROR, w->path, "gzip compression failed");
                break;
            }
            rc = write_all(w, out, sizeof out - z.avail_out, err);
        } while (!rc &&
                 (z.avail_in > 0 || z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END)));
    }
    deflateEnd(&z);
    return rc;
}

static int put_field(ov__buf *h, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    return ov__buf_printf(h, "%s: %s\r\n", name, value);
}

static int record_header(ov_warc_writer *w, const record *r, ov__buf *h)
{
    char date[DATE_MAX];
    int rc = format_date(r->date, date);
    if (rc)
        return rc;
    rc = ov__buf_printf(h, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n",
                        r->type, r->id, date);
    if (!rc)
        rc = put_field(h, "WARC-Target-URI", r->target_uri);
    if (!rc)
        rc = put_field(h, "WARC-Filename", r->filename);
    if (!rc && strcmp(r->type, "warcinfo") != 0)
        rc = put_field(h, "WARC-Warcinfo-ID", w->warcinfo_id);
    if (!rc)
        rc = put_field(h, "WARC-Concurrent-To", r->concurrent_to);
    if (!rc)
        rc = put_field(h, "WARC-Refers-To", r->refers_to);
    if (!rc)
        rc = put_field(h, "WARC-IP-Address", r->ip);
    if (!rc)
        rc = put_field(h, "WARC-Payload-Digest", r->payload_digest);
    if (!rc)
        rc = ov__buf_printf(
            h, "WARC-Block-Digest: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
            r->block_digest, r->content_type, block_len(r));
    return rc;
}

/* Serialise and write one record whose id and digest are already set. */
static int write_record(ov_warc_writer *w, const record *r, ov_error *err)
{
    ov__buf h = OV__BUF_INIT;
    int rc = record_header(w, r, &h);
    if (rc) {
        rc = ov_error_set(err, rc, r->target_uri ? r->target_uri : w->path,
                          rc == OV_EINVAL ? "WARC record date out of range"
                                          : "out of memory writing a WARC record");
        goto cleanup;
    }
    const void *piece[4] = {h.data, r->part[0] ? r->part[0] : "", r->part[1] ? r->part[1] : "",
                            "\r\n\r\n"};
    size_t len[4] = {h.len, r->part_len[0], r->part_len[1], 4};
    if (w->no_gzip) {
        for (int i = 0; i < 4 && !rc; i++)
            rc = write_all(w, piece[i], len[i], err);
    } else {
        rc = write_gzip_member(w, piece, len, 4, err);
    }
    if (!rc)
        w->count++;
cleanup:
    ov__buf_free(&h);
    return rc;
}

static int check_size(size_t len, const char *uri, ov_error *err)
{
    if (len > OV_WARC_MAX_RECORD_BYTES)
        return ov_error_set(err, OV_ELIMIT, uri,
                            "WARC record of %zu bytes exceeds OV_WARC_MAX_RECORD_BYTES (%zu)", len,
                            OV_WARC_MAX_RECORD_BYTES);
    return 0;
}

/* Field values are single lines: controls (CR, LF, ...) become spaces. */
static int put_info_field(ov__buf *b, const char *name, const char *value)
{
    if (!value)
        return 0;
    int rc = ov__buf_printf(b, "%s: ", name);
    for (const unsigned char *p = (const unsigned char *)value; *p && !rc; p++)
        rc = ov__buf_putc(b, (char)(*p < 0x20 || *p == 0x7F ? ' ' : *p));
    return rc ? rc : ov__buf_put(b, "\r\n", 2);
}

static int write_warcinfo(ov_warc_writer *w, const ov_warc_info *info, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const char *slash = strrchr(w->path, '/');
    const char *software = info->software ? info->software : "octavo/" OV_VERSION_STRING;
    int rc = put_info_field(&b, "software", software);
    if (!rc)
        rc = put_info_field(&b, "format", "WARC File Format 1.1");
    if (!rc)
        rc = put_info_field(&b, "conformsTo",
                            "http://iipc.github.io/warc-specifications/specifications/"
                            "warc-format/warc-1.1/");
    if (!rc)
        rc = put_info_field(&b, "operator", info->operator_name);
    if (!rc)
        rc = put_info_field(&b, "description", info->description);
    if (rc) {
        rc = ov_error_set(err, rc, w->path, "out of memory writing warcinfo");
        goto cleanup;
    }
    record r = {.type = "warcinfo",
                .content_type = "application/warc-fields",
                .date = info->created,
                .filename = slash ? slash + 1 : w->path,
                .part = {b.data, NULL},
                .part_len = {b.len, 0}};
    compute_block_digest(&r);
    rc = make_record_id(w, &r, err);
    if (!rc)
        rc = write_record(w, &r, err);
    if (!rc) {
        memcpy(w->warcinfo_id, r.id, sizeof w->warcinfo_id);
        memcpy(w->seed, r.id, sizeof w->seed);
    }
cleanup:
    ov__buf_free(&b);
    return rc;
}

static void writer_free(ov_warc_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    free(w->path);
    free(w->tmp_path);
    free(w);
}

int ov_warc_writer_open(const char *path, const ov_warc_info *info, ov_warc_writer **out,
                        ov_error *err)
{
    static const ov_warc_info defaults = OV_WARC_INFO_INIT;
    int rc = 0;
    *out = NULL;
    if (!path || !*path)
        return ov_error_set(err, OV_EINVAL, NULL, "WARC path is empty");
    if (!info)
        info = &defaults;
    ov_warc_writer *w = calloc(1, sizeof *w);
    if (!w)
        return ov_error_set(err, OV_ENOMEM, path, "out of memory");
    w->fd = -1;
    w->no_gzip = info->no_gzip;
    w->metadata = info->metadata;
    w->make_id = info->make_id;
    w->created = info->created;
    w->id_ud = info->id_ud;
    w->path = strdup(path);
    if (!w->path) {
        rc = ov_error_set(err, OV_ENOMEM, path, "out of memory");
        goto cleanup;
    }
    rc = ov__atomic_open(path, &w->tmp_path, &w->fd, err);
    if (!rc)
        rc = write_warcinfo(w, info, err);
cleanup:
    if (rc) {
        if (w->tmp_path)
            ov__atomic_abort(w->tmp_path);
        writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* A fetcher that does not know the response time passes 0: use the run's time. */
static int64_t exchange_date(const ov_warc_writer *w, const ov_exchange *ex)
{
    return ex->date ? ex->date : w->created;
}

/* The metadata record: outcome of the exchange as warc-fields. */
static int write_metadata(ov_warc_writer *w, const ov_exchange *ex, const char *uri,
                          const char *response_id, int decoded, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    char date[DATE_MAX] = "";
    format_date(exchange_date(w, ex), date);
    int rc = ov__buf_printf(&b,
                            "fetchTime: %s\r\nhttpStatus: %ld\r\npayloadLength: %zu\r\n"
                            "payloadDecoded: %s\r\n",
                            date, ex->status, ex->body_len, decoded ? "yes" : "no");
    if (rc) {
        rc = ov_error_set(err, rc, uri, "out of memory writing a WARC metadata record");
        goto cleanup;
    }
    record m = {.type = "metadata",
                .content_type = "application/warc-fields",
                .target_uri = uri,
                .date = exchange_date(w, ex),
                .concurrent_to = response_id,
                .refers_to = response_id,
                .part = {b.data, NULL},
                .part_len = {b.len, 0}};
    compute_block_digest(&m);
    rc = make_record_id(w, &m, err);
    if (!rc)
        rc = write_record(w, &m, err);
cleanup:
    ov__buf_free(&b);
    return rc;
}

/* A plausible IP literal only (the value goes into a header). */
static const char *clean_ip(const char *ip)
{
    if (!ip || !*ip || strlen(ip) > 45)
        return NULL;
    return strspn(ip, "0123456789abcdefABCDEF:.") == strlen(ip) ? ip : NULL;
}

/* Request + response (+ metadata) for one exchange; heads and URI prepared by the caller. */
static int write_exchange(ov_warc_writer *w, const ov_exchange *ex, const char *uri,
                          const ov__buf *req, const ov__buf *head, int decoded, ov_error *err)
{
    char payload_digest[OV__WARC_DIGEST_LEN];
    /* checked before hashing: body_len + head->len could even overflow */
    if (head->len > OV_WARC_MAX_RECORD_BYTES || ex->body_len > OV_WARC_MAX_RECORD_BYTES - head->len)
        return ov_error_set(err, OV_ELIMIT, uri,
                            "WARC response record of %zu + %zu bytes exceeds "
                            "OV_WARC_MAX_RECORD_BYTES (%zu)",
                            head->len, ex->body_len, OV_WARC_MAX_RECORD_BYTES);
    ov__warc_digest(ex->body ? (const void *)ex->body : "", ex->body_len, payload_digest);
    record q = {.type = "request",
                .content_type = "application/http;msgtype=request",
                .target_uri = uri,
                .date = exchange_date(w, ex),
                .part = {req->data, NULL},
                .part_len = {req->len, 0}};
    record s = {.type = "response",
                .content_type = "application/http;msgtype=response",
                .target_uri = uri,
                .date = exchange_date(w, ex),
                .ip = clean_ip(ex->ip),
                .payload_digest = payload_digest,
                .part = {head->data, ex->body},
                .part_len = {head->len, ex->body_len}};
    compute_block_digest(&q);
    compute_block_digest(&s);
    int rc = check_size(block_len(&q), uri, err);
    if (!rc)
        rc = make_record_id(w, &q, err);
    if (!rc)
        rc = make_record_id(w, &s, err);
    if (rc)
        return rc;
    q.concurrent_to = s.id;
    s.concurrent_to = q.id;
    rc = write_record(w, &q, err);
    if (!rc)
        rc = write_record(w, &s, err);
    if (!rc && w->metadata)
        rc = write_metadata(w, ex, uri, s.id, decoded, err);
    return rc;
}

int ov_warc_record_exchange(ov_warc_writer *w, const ov_exchange *ex, ov_error *err)
{
    ov__buf uri = OV__BUF_INIT, req = OV__BUF_INIT, head = OV__BUF_INIT;
    ov_error local;
    int rc = 0, decoded = 0;
    ov_error_clear(&local);
    if (!w || !ex || !ex->url || !*ex->url || (ex->body_len && !ex->body) ||
        (ex->request_headers_len && !ex->request_headers) ||
        (ex->response_headers_len && !ex->response_headers))
        return ov_error_set(err, OV_EINVAL, ex ? ex->url : NULL,
                            "WARC: no writer, no exchange URL, or a length without its data");
    if (w->first_error.code) {
        if (err)
            *err = w->first_error;
        return w->first_error.code;
    }
    if (ov__warc_uri(&uri, ex->url) ||
        ov__warc_request_head(ex->request_headers, ex->request_headers_len, ex->method, ex->url,
                              &req) ||
        ov__warc_response_head(ex->response_headers, ex->response_headers_len, ex->status,
                               ex->body_len, &head, &decoded)) {
        rc = ov_error_set(&local, OV_ENOMEM, ex->url, "out of memory preparing WARC records");
        goto cleanup;
    }
    rc = write_exchange(w, ex, uri.data, &req, &head, decoded, &local);
cleanup:
    if (rc) {
        w->first_error = local; /* poisoned: the file may hold half an exchange */
        if (err)
            *err = local;
    }
    ov__buf_free(&uri);
    ov__buf_free(&req);
    ov__buf_free(&head);
    return rc;
}

void ov_warc_exchange_hook(void *ud, const ov_exchange *ex)
{
    ov_warc_writer *w = ud;
    ov_error err;
    ov_error_clear(&err);
    if (w && !w->first_error.code)
        ov_warc_record_exchange(w, ex, &err);
}

size_t ov_warc_writer_count(const ov_warc_writer *w)
{
    return w ? w->count : 0;
}

int ov_warc_writer_close(ov_warc_writer *w, ov_error *err)
{
    int rc = 0;
    if (!w)
        return 0;
    if (w->first_error.code) {
        rc = w->first_error.code;
        if (err)
            *err = w->first_error;
        goto cleanup;
    }
    if (close(w->fd) != 0) {
        w->fd = -1;
        rc = ov_error_set(err, OV_EIO, w->tmp_path, "cannot close WARC: %s", strerror(errno));
        goto cleanup;
    }
    w->fd = -1;
    rc = ov__atomic_commit(w->tmp_path, w->path, err);
cleanup:
    if (rc)
        ov__atomic_abort(w->tmp_path);
    writer_free(w);
    return rc;
}

void ov_warc_writer_abort(ov_warc_writer *w)
{
    if (!w)
        return;
    ov__atomic_abort(w->tmp_path);
    writer_free(w);
}
