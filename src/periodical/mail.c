/*
 * Mail delivery: one EPUB as an attachment, over SMTP with libcurl.
 *
 * Design. libcurl does the SMTP dialogue (EHLO, STARTTLS, AUTH, MAIL, RCPT,
 * DATA) and builds the MIME message (curl_mime: a text/plain part and the
 * book as application/epub+zip, base64-encoded, with its file name). We
 * add only the header lines and the policy: smtp:// requires STARTTLS unless
 * the caller says tls = try|none (for a relay on localhost), credentials
 * come from the environment or a netrc file and never from argv, and the
 * attachment is size-checked before anything is read or sent.
 *
 * libcurl's error codes are translated here: a refused recipient, sender or
 * login is OV_EPOLICY with the server's reply code and a hint; connection
 * and TLS failures are OV_ENET.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "octavo/deliver.h"
#include "util/buf.h"
#include "util/fs.h"

int ov_mail_options_from_env(ov_mail_options *o, ov_error *err)
{
    const char *tls = getenv("OCTAVO_SMTP_TLS");
    if (!o->url)
        o->url = getenv("OCTAVO_SMTP_URL");
    if (!o->user)
        o->user = getenv("OCTAVO_SMTP_USER");
    if (!o->password)
        o->password = getenv("OCTAVO_SMTP_PASSWORD");
    if (!o->from)
        o->from = getenv("OCTAVO_SMTP_FROM");
    if (!tls || !*tls)
        return 0;
    if (!strcmp(tls, "required"))
        o->tls = OV_MAIL_TLS_REQUIRED;
    else if (!strcmp(tls, "try"))
        o->tls = OV_MAIL_TLS_TRY;
    else if (!strcmp(tls, "none"))
        o->tls = OV_MAIL_TLS_NONE;
    else
        return ov_error_set(err, OV_EINVAL, NULL,
                            "OCTAVO_SMTP_TLS must be required, try or none, not '%s'", tls);
    return 0;
}

/* An address fit for a header and the envelope: no CR/LF, no angle brackets. */
static int plain_address(const char *a)
{
    return a && *a && strchr(a, '@') && !strpbrk(a, "\r\n<>, ");
}

/* Subject header value: ASCII as is, otherwise RFC 2047 base64 words. */
static int put_subject(ov__buf *b, const char *s)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || *p < 0x20)
            ascii = 0;
    if (ascii)
        return ov__buf_printf(b, "Subject: %s", s);
    int rc = ov__buf_puts(b, "Subject: =?UTF-8?B?");
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; !rc && i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], i + 1 < n ? tbl[(v >> 6) & 63] : '=',
                     i + 2 < n ? tbl[v & 63] : '='};
        rc = ov__buf_put(b, q, 4);
    }
    return rc ? rc : ov__buf_puts(b, "?=");
}

static int check_options(const ov_mail_options *o, ov_error *err)
{
    if (!o->url || !*o->url)
        return ov_error_set(err, OV_EINVAL, NULL,
                            "no SMTP server: pass --smtp URL or set OCTAVO_SMTP_URL");
    if (strncmp(o->url, "smtp://", 7) && strncmp(o->url, "smtps://", 8))
        return ov_error_set(err, OV_EINVAL, o->url, "SMTP URL must start with smtp:// or smtps://");
    if (!plain_address(o->from))
        return ov_error_set(err, OV_EINVAL, NULL,
                            "missing or invalid sender address (set OCTAVO_SMTP_FROM)");
    if (!plain_address(o->to))
        return ov_error_set(err, OV_EINVAL, NULL, "missing or invalid recipient address '%s'",
                            o->to ? o->to : "");
    if (o->subject && strpbrk(o->subject, "\r\n"))
        return ov_error_set(err, OV_EINVAL, NULL, "subject must be one line");
    return 0;
}

static int translate(CURL *c, CURLcode cc, const char *errbuf, const ov_mail_options *o,
                     ov_error *err)
{
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    if (cc == CURLE_USE_SSL_FAILED)
        return ov_error_set(err, OV_ENET, o->url,
                            "the SMTP server does not offer STARTTLS (%s); use smtps:// or, for a "
                            "trusted local relay only, tls = try|none",
                            detail);
    if (cc == CURLE_LOGIN_DENIED)
        return ov_error_set(err, OV_EPOLICY, o->url, "SMTP login refused (%ld): check "
                            "OCTAVO_SMTP_USER/OCTAVO_SMTP_PASSWORD or the netrc file", code);
    if (code == 530 || code == 535)
        return ov_error_set(err, OV_EPOLICY, o->url,
                            "the SMTP server requires authentication (%ld): set "
                            "OCTAVO_SMTP_USER and OCTAVO_SMTP_PASSWORD or use a netrc file",
                            code);
    if (code >= 400 && strstr(detail, "RCPT"))
        return ov_error_set(err, OV_EPOLICY, o->url,
                            "the SMTP server refused recipient %s (%ld): %s", o->to, code, detail);
    if (code >= 400 && strstr(detail, "MAIL"))
        return ov_error_set(err, OV_EPOLICY, o->url, "the SMTP server refused sender %s (%ld): %s",
                            o->from, code, detail);
    if (code >= 400)
        return ov_error_set(err, OV_EPOLICY, o->url, "the SMTP server refused the message (%ld): %s",
                            code, detail);
    return ov_error_set(err, OV_ENET, o->url, "mail delivery failed: %s", detail);
}

static int build_message(CURL *c, curl_mime **mime, struct curl_slist **hdrs,
                         const ov_mail_options *o, const char *path, const unsigned char *data,
                         size_t len)
{
    ov__buf b = OV__BUF_INIT;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int rc = put_subject(&b, o->subject ? o->subject : base);
    struct curl_slist *h = NULL;
    char line[600];
    snprintf(line, sizeof line, "From: <%s>", o->from);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "To: <%s>", o->to);
    h = h ? curl_slist_append(h, line) : NULL;
    h = h && !rc ? curl_slist_append(h, b.data) : NULL;
    if (h && o->date) {
        time_t t = (time_t)o->date;
        struct tm tm;
        /* RFC 5322 names, independent of the locale (strftime's %a/%b are not). */
        static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJun"
                                                                        "JulAugSepOctNovDec";
        if (gmtime_r(&t, &tm)) {
            snprintf(line, sizeof line, "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d +0000",
                     days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
            h = curl_slist_append(h, line);
        }
    }
    ov__buf_free(&b);
    *hdrs = h;
    *mime = curl_mime_init(c);
    curl_mimepart *text = *mime ? curl_mime_addpart(*mime) : NULL;
    curl_mimepart *att = *mime ? curl_mime_addpart(*mime) : NULL;
    if (!h || !text || !att)
        return OV_ENOMEM;
    const char *body = o->text ? o->text : "Your octavo e-book is attached.\r\n";
    if (curl_mime_data(text, body, CURL_ZERO_TERMINATED) ||
        curl_mime_type(text, "text/plain; charset=UTF-8") ||
        curl_mime_data(att, (const char *)data, len) ||
        curl_mime_type(att, "application/epub+zip") || curl_mime_filename(att, base) ||
        curl_mime_encoder(att, "base64"))
        return OV_ENOMEM;
    return 0;
}

int ov_mail_send(const ov_mail_options *o, const char *path, ov_error *err)
{
    size_t max = o->max_attachment ? o->max_attachment : OV_MAIL_MAX_ATTACHMENT, len = 0;
    unsigned char *data = NULL;
    CURL *c = NULL;
    curl_mime *mime = NULL;
    struct curl_slist *hdrs = NULL, *rcpt = NULL;
    char errbuf[CURL_ERROR_SIZE] = "", addr[600];
    struct stat sb;
    int rc = check_options(o, err);
    if (rc)
        return rc;
    if (stat(path, &sb) != 0)
        return ov_error_set(err, OV_EIO, path, "cannot read the book to mail");
    if ((size_t)sb.st_size > max)
        return ov_error_set(err, OV_ELIMIT, path,
                            "book is %lld bytes, larger than the mail limit of %zu bytes",
                            (long long)sb.st_size, max);
    if ((rc = ov__read_file(path, max, &data, &len, err)))
        goto cleanup;
    if (!(c = curl_easy_init())) {
        rc = ov_error_set(err, OV_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    if ((rc = build_message(c, &mime, &hdrs, o, path, data, len))) {
        rc = ov_error_set(err, rc, NULL, "cannot build the message");
        goto cleanup;
    }
    snprintf(addr, sizeof addr, "<%s>", o->to);
    rcpt = curl_slist_append(NULL, addr);
    snprintf(addr, sizeof addr, "<%s>", o->from);
    curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 120000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
    if (!strncmp(o->url, "smtp://", 7))
        curl_easy_setopt(c, CURLOPT_USE_SSL, o->tls == OV_MAIL_TLS_NONE  ? (long)CURLUSESSL_NONE
                                             : o->tls == OV_MAIL_TLS_TRY ? (long)CURLUSESSL_TRY
                                                                         : (long)CURLUSESSL_ALL);
    if (o->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
    if (o->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
    } else if (o->netrc_file) {
        curl_easy_setopt(c, CURLOPT_NETRC_FILE, o->netrc_file);
        curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    }
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK)
        rc = translate(c, cc, errbuf, o, err);
cleanup:
    curl_slist_free_all(rcpt);
    curl_slist_free_all(hdrs);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    free(data);
    return rc;
}
