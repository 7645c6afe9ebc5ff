/* Mail delivery against the loopback SMTP sink. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/deliver.h"
#include "ov_test.h"
#include "smtpsink.h"

#define BOOK_BYTES 200000

static char *make_book(const char *tag, unsigned char **bytes)
{
    char *dir = ov_test_tmpdir(tag), *path = NULL;
    cr_assert(asprintf(&path, "%s/Daily-2023-11-14.epub", dir) > 0);
    free(dir);
    unsigned char *b = malloc(BOOK_BYTES);
    unsigned x = 12345;
    for (size_t i = 0; i < BOOK_BYTES; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 16);
    }
    memcpy(b, "PK\3\4\0\0\r\n.\r\n", 11); /* bytes that would upset a naive sender */
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, BOOK_BYTES, f), BOOK_BYTES);
    fclose(f);
    *bytes = b;
    return path;
}

static size_t b64decode(const char *in, size_t n, unsigned char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && in[i] != '='; i++) {
        const char *p = strchr(tbl, in[i]);
        if (!p || !in[i])
            continue;
        v = v << 6 | (unsigned)(p - tbl);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    return o;
}

static ov_mail_options base_opts(ov_test_smtp *s)
{
    ov_mail_options o = OV_MAIL_OPTIONS_INIT;
    o.url = ov_test_smtp_url(s);
    o.from = "octavo@sender.test";
    o.to = "reader@kindle.test";
    o.tls = OV_MAIL_TLS_NONE;
    o.timeout_ms = 60000;
    return o;
}

Test(mail, attachment_arrives_byte_for_byte, .timeout = 120)
{
    ov_test_smtp *s;
    cr_assert_eq(ov_test_smtp_start(NULL, &s), 0);
    unsigned char *orig;
    char *path = make_book("mail-ok", &orig);
    ov_mail_options o = base_opts(s);
    o.subject = "锦江晚报 2023-11-14";
    o.date = 1700000000;
    ov_error err;
    cr_assert_eq(ov_mail_send(&o, path, &err), 0, "%s", err.message);

    ov_test_smtp_message m;
    ov_test_smtp_last(s, &m);
    cr_assert_eq(m.messages, 1);
    cr_assert_str_eq(m.mail_from, "<octavo@sender.test>");
    cr_assert_str_eq(m.rcpt, "<reader@kindle.test>\n");
    cr_assert_not_null(m.data);
    cr_assert(strstr(m.data, "From: <octavo@sender.test>\r\n"));
    cr_assert(strstr(m.data, "To: <reader@kindle.test>\r\n"));
    cr_assert(strstr(m.data, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), "%.600s", m.data);
    cr_assert(strstr(m.data, "Subject: =?UTF-8?B?6ZSm5rGf5pma5oqlIDIwMjMtMTEtMTQ=?=\r\n"),
              "UTF-8 subject as an RFC 2047 word:\n%.600s", m.data);
    cr_assert(strstr(m.data, "Content-Type: text/plain; charset=UTF-8"));
    const char *att = strstr(m.data, "Content-Type: application/epub+zip");
    cr_assert_not_null(att, "%.1000s", m.data);
    const char *disp = strstr(m.data, "attachment; filename=\"Daily-2023-11-14.epub\"");
    cr_assert_not_null(disp, "%.1000s", m.data);
    cr_assert(strstr(att, "Content-Transfer-Encoding: base64"));
    const char *body = strstr(att, "\r\n\r\n");
    cr_assert_not_null(body);
    body += 4;
    const char *end = strstr(body, "\r\n--");
    cr_assert_not_null(end);
    unsigned char *dec = malloc(BOOK_BYTES + 16);
    size_t n = b64decode(body, (size_t)(end - body), dec);
    cr_assert_eq(n, BOOK_BYTES);
    cr_assert_eq(memcmp(dec, orig, BOOK_BYTES), 0, "attachment bytes differ");
    free(dec);
    free(orig);
    free(path);
    ov_test_smtp_stop(s);
}

Test(mail, auth_with_env_credentials, .timeout = 120)
{
    ov_test_smtp_config cfg = {"reader", "s3cret pass", NULL, 0};
    ov_test_smtp *s;
    cr_assert_eq(ov_test_smtp_start(&cfg, &s), 0);
    unsigned char *orig;
    char *path = make_book("mail-auth", &orig);
    ov_mail_options o = base_opts(s);
    ov_error err;
    /* No credentials: a clear authentication error. */
    unsetenv("OCTAVO_SMTP_USER");
    unsetenv("OCTAVO_SMTP_PASSWORD");
    cr_assert_eq(ov_mail_options_from_env(&o, &err), 0);
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_EPOLICY);
    cr_assert(strstr(err.message, "requires authentication"), "%s", err.message);
    cr_assert(strstr(err.message, "OCTAVO_SMTP_USER"), "%s", err.message);
    /* Wrong password. */
    o.user = "reader";
    o.password = "wrong";
    cr_assert_lt(ov_mail_send(&o, path, &err), 0);
    cr_assert(strstr(err.message, "login refused") || strstr(err.message, "authentication"),
              "%s", err.message);
    /* From the environment. */
    o.user = o.password = NULL;
    setenv("OCTAVO_SMTP_USER", "reader", 1);
    setenv("OCTAVO_SMTP_PASSWORD", "s3cret pass", 1);
    cr_assert_eq(ov_mail_options_from_env(&o, &err), 0);
    cr_assert_eq(ov_mail_send(&o, path, &err), 0, "%s", err.message);
    ov_test_smtp_message m;
    ov_test_smtp_last(s, &m);
    cr_assert_eq(m.messages, 1);
    cr_assert_str_eq(m.auth_user, "reader");
    free(orig);
    free(path);
    ov_test_smtp_stop(s);
}

Test(mail, netrc_credentials, .timeout = 120)
{
    ov_test_smtp_config cfg = {"netuser", "netpass", NULL, 0};
    ov_test_smtp *s;
    cr_assert_eq(ov_test_smtp_start(&cfg, &s), 0);
    unsigned char *orig;
    char *path = make_book("mail-netrc", &orig);
    char *netrc = NULL;
    cr_assert(asprintf(&netrc, "%s.netrc", path) > 0);
    FILE *f = fopen(netrc, "w");
    cr_assert_not_null(f);
    fprintf(f, "machine 127.0.0.1 login netuser password netpass\n");
    fclose(f);
    ov_mail_options o = base_opts(s);
    o.netrc_file = netrc;
    ov_error err;
    cr_assert_eq(ov_mail_send(&o, path, &err), 0, "%s", err.message);
    ov_test_smtp_message m;
    ov_test_smtp_last(s, &m);
    cr_assert_str_eq(m.auth_user, "netuser");
    free(netrc);
    free(orig);
    free(path);
    ov_test_smtp_stop(s);
}

Test(mail, refused_recipient, .timeout = 120)
{
    ov_test_smtp_config cfg = {NULL, NULL, "nobody", 0};
    ov_test_smtp *s;
    cr_assert_eq(ov_test_smtp_start(&cfg, &s), 0);
    unsigned char *orig;
    char *path = make_book("mail-rcpt", &orig);
    ov_mail_options o = base_opts(s);
    o.to = "nobody@kindle.test";
    ov_error err;
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_EPOLICY);
    cr_assert(strstr(err.message, "refused recipient nobody@kindle.test (550)"), "%s",
              err.message);
    ov_test_smtp_message m;
    ov_test_smtp_last(s, &m);
    cr_assert_eq(m.messages, 0);
    free(orig);
    free(path);
    ov_test_smtp_stop(s);
}

Test(mail, starttls_required_by_default, .timeout = 120)
{
    ov_test_smtp *s;
    cr_assert_eq(ov_test_smtp_start(NULL, &s), 0);
    unsigned char *orig;
    char *path = make_book("mail-tls", &orig);
    ov_mail_options o = base_opts(s);
    o.tls = OV_MAIL_TLS_REQUIRED;
    ov_error err;
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_ENET);
    cr_assert(strstr(err.message, "does not offer STARTTLS"), "%s", err.message);
    ov_test_smtp_message m;
    ov_test_smtp_last(s, &m);
    cr_assert_eq(m.messages, 0, "nothing sent in clear text");
    free(orig);
    free(path);
    ov_test_smtp_stop(s);
}

Test(mail, limits_and_bad_options)
{
    unsigned char *orig;
    char *path = make_book("mail-limit", &orig);
    ov_mail_options o = OV_MAIL_OPTIONS_INIT;
    o.url = "smtp://127.0.0.1:1";
    o.from = "a@b.test";
    o.to = "c@d.test";
    o.max_attachment = 1000;
    ov_error err;
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_ELIMIT);
    cr_assert(strstr(err.message, "larger than the mail limit of 1000 bytes"), "%s", err.message);
    o.url = "http://x.test/";
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_EINVAL);
    o.url = NULL;
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_EINVAL);
    cr_assert(strstr(err.message, "OCTAVO_SMTP_URL"), "%s", err.message);
    o.url = "smtp://127.0.0.1:1";
    o.to = "x@y.test\r\nBcc: evil@z.test";
    cr_assert_eq(ov_mail_send(&o, path, &err), OV_EINVAL, "header injection refused");
    setenv("OCTAVO_SMTP_TLS", "sometimes", 1);
    cr_assert_eq(ov_mail_options_from_env(&o, &err), OV_EINVAL);
    unsetenv("OCTAVO_SMTP_TLS");
    free(orig);
    free(path);
}
