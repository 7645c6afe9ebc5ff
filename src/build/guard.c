/*
 * guard.c - what the pipeline checks about an article before the book takes it.
 *
 * The packager parses each body as XML and, when that fails, writes a "could
 * not be included" note in its place: a lost article that would otherwise
 * leave the run with exit 0. Parsing the body here, exactly as the packager
 * will, turns that case into a reported skip (exit 3).
 */
#include "build/guard.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "util/buf.h"

int ov__build_check_body(const ov_article *a, ov_error *err)
{
    static const char open[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\" "
                               "xmlns:epub=\"http://www.idpf.org/2007/ops\">";
    ov__buf w = OV__BUF_INIT;
    xmlDoc *doc = NULL;
    int rc = ov__buf_puts(&w, open);
    rc = rc ? rc : ov__buf_puts(&w, a->body_xhtml ? a->body_xhtml : "");
    rc = rc ? rc : ov__buf_puts(&w, "</div>");
    if (rc) {
        rc = ov_error_set(err, OV_ENOMEM, a->url, "out of memory");
        goto cleanup;
    }
    if (w.len > (size_t)0x7fffffff) {
        rc = ov_error_set(err, OV_ELIMIT, a->url, "article body too large");
        goto cleanup;
    }
    xmlResetLastError();
    doc = xmlReadMemory(w.data, (int)w.len, "article.xhtml", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        const xmlError *e = xmlGetLastError();
        char why[160] = "not well-formed";
        if (e && e->message) {
            size_t n = strcspn(e->message, "\n");
            if (n >= sizeof why)
                n = sizeof why - 1;
            memcpy(why, e->message, n);
            why[n] = '\0';
        }
        rc = ov_error_set(err, OV_EPARSE, a->url,
                          "article dropped: its text could not be written as XHTML (%s)", why);
    }
cleanup:
    xmlFreeDoc(doc);
    ov__buf_free(&w);
    return rc;
}

void ov__build_remove_spool(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < (int)sizeof path)
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}
