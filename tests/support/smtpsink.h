/*
 * A loopback SMTP sink for tests: an in-process server on 127.0.0.1 (a
 * pthread) that speaks EHLO/HELO, optional AUTH PLAIN/LOGIN, MAIL, RCPT,
 * DATA, RSET, NOOP and QUIT, and records the last message it accepted.
 * No TLS: clients must use tls = none (or expect a STARTTLS failure).
 */
#ifndef OV_TEST_SMTPSINK_H
#define OV_TEST_SMTPSINK_H

#include <stddef.h>

typedef struct ov_test_smtp_config {
    const char *user;        /* non-NULL: AUTH required with this user/password */
    const char *password;
    const char *reject_rcpt; /* RCPT addresses containing this get 550 */
    size_t max_message;      /* DATA larger than this gets 552; 0 = 64 MB */
} ov_test_smtp_config;

typedef struct ov_test_smtp ov_test_smtp;

/* Start listening on an ephemeral loopback port; `cfg` may be NULL. 0 or -1. */
int ov_test_smtp_start(const ov_test_smtp_config *cfg, ov_test_smtp **out);
/* "smtp://127.0.0.1:PORT" (borrowed, valid until stop). */
const char *ov_test_smtp_url(const ov_test_smtp *s);
/* Stop the server, join its thread and free it (NULL is fine). */
void ov_test_smtp_stop(ov_test_smtp *s);

/* What the sink saw; read after the client finished. Borrowed strings. */
typedef struct ov_test_smtp_message {
    const char *mail_from; /* MAIL FROM address without parameters, e.g. "<a@b>" */
    const char *rcpt;      /* accepted RCPT TO arguments, one per line */
    const char *data;      /* message (dot-unstuffed, CRLF lines), or NULL */
    size_t data_len;
    const char *auth_user; /* user that authenticated, or NULL */
    int messages;          /* messages accepted */
} ov_test_smtp_message;
void ov_test_smtp_last(ov_test_smtp *s, ov_test_smtp_message *out);

#endif
