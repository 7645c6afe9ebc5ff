/* Front matter: the XHTML head every page shares, the cover, the masthead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "package/package_internal.h"
#include "util/buf.h"
#include "util/l10n.h"

/* A masthead description is cut to this many code points (half for CJK). */
#define OV__PK_SUMMARY_MAX 160

int ov__pk_xhtml_head(ov__buf *b, const char *lang, const char *title, const char *css_href)
{
    int rc = ov__buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                             "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                             "xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"");
    rc = rc ? rc : ov__pk_put_plain(b, lang);
    rc = rc ? rc : ov__buf_puts(b, "\" xml:lang=\"");
    rc = rc ? rc : ov__pk_put_plain(b, lang);
    rc = rc ? rc : ov__buf_puts(b, "\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
    rc = rc ? rc : ov__pk_put_plain(b, title);
    rc = rc ? rc : ov__buf_puts(b, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    rc = rc ? rc : ov__pk_put_plain(b, css_href);
    return rc ? rc : ov__buf_puts(b, "\"/>\n</head>\n");
}

/* Append up to `max` code points of `s` starting at *pos; advance *pos. */
static int put_line(ov__buf *b, const char **pos, size_t max)
{
    const char *s = *pos, *cut = s, *space = NULL;
    size_t cps = 0;
    while (*cut && cps < max) {
        if (*cut == ' ')
            space = cut;
        cut++;
        while ((*cut & 0xC0) == 0x80)
            cut++;
        cps++;
    }
    if (*cut && space && space > s)
        cut = space; /* break Latin titles at a space */
    char tmp[512];
    size_t n = (size_t)(cut - s) < sizeof tmp - 1 ? (size_t)(cut - s) : 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *pos = *cut == ' ' ? cut + 1 : cut;
    return ov__pk_put_plain(b, tmp);
}

/* One line of `s`, at most `max` code points, "…" when cut. */
static int put_cut(ov__buf *b, const char *s, size_t max)
{
    const char *cut = s;
    size_t cps = 0;
    while (*cut && cps < max) {
        cut++;
        while ((*cut & 0xC0) == 0x80)
            cut++;
        cps++;
    }
    char tmp[512];
    size_t n = (size_t)(cut - s) < sizeof tmp ? (size_t)(cut - s) : 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    int rc = ov__pk_put_plain(b, tmp);
    return rc || !*cut ? rc : ov__buf_puts(b, "\xE2\x80\xA6");
}

static int has_wide(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0xE3)
            return 1;
    return 0;
}

#define SVG_TEXT "<text x=\"%d\" y=\"%d\" font-family=\"serif\" font-size=\"%d\" fill=\"%s\"%s>"

/* The drawn cover when no image was given: the same newspaper front page as
   the rendered one (series, masthead, rules around date and issue, top
   headlines), black on white, in 600 x 800 user units. */
static int cover_svg(ov__pk *p, ov__buf *b)
{
    const ov_book *bk = p->b;
    static const char mid[] = " text-anchor=\"middle\"";
    int y = 70, rc = ov__buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                     "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                                     "width=\"600\" height=\"800\" viewBox=\"0 0 600 800\">\n"
                                     "<rect x=\"0\" y=\"0\" width=\"600\" height=\"800\" fill=\"#ffffff\"/>\n");
    const char *title = bk->title ? bk->title : "octavo";
    if (!rc && bk->series && bk->series[0] && strcmp(bk->series, title) != 0) {
        rc = ov__buf_printf(b, SVG_TEXT, 300, y, 22, "#555555", mid);
        rc = rc ? rc : put_cut(b, bk->series, 40);
        rc = rc ? rc : ov__buf_puts(b, "</text>\n");
        y += 20;
    }
    const char *pos = title;
    for (int line = 0; line < 3 && *pos && !rc; line++) {
        y += 56;
        rc = ov__buf_printf(b, SVG_TEXT, 300, y, 48, "#000000", mid);
        rc = rc ? rc : put_line(b, &pos, has_wide(pos) ? 11 : 20);
        rc = rc ? rc : ov__buf_puts(b, "</text>\n");
    }
    y += 24;
    rc = rc ? rc : ov__buf_printf(b, "<rect x=\"30\" y=\"%d\" width=\"540\" height=\"8\" fill=\"#000000\"/>\n", y);
    char date[96] = "", issue[32] = "";
    if (bk->date && ov__l10n_edition_date(p->lang, bk->date, date, sizeof date) != 0)
        snprintf(date, sizeof date, "%s", bk->date);
    if (bk->series_index > 0)
        ov__l10n_issue(p->lang, bk->series_index, issue, sizeof issue);
    y += 40;
    if (!rc && (date[0] || issue[0])) {
        rc = ov__buf_printf(b, SVG_TEXT, 300, y, 24, "#000000", mid);
        rc = rc ? rc : ov__pk_put_plain(b, date);
        rc = rc ? rc : ov__buf_puts(b, date[0] && issue[0] ? " \xC2\xB7 " : "");
        rc = rc ? rc : ov__pk_put_plain(b, issue);
        rc = rc ? rc : ov__buf_puts(b, "</text>\n");
    }
    y += 16;
    rc = rc ? rc : ov__buf_printf(b, "<rect x=\"30\" y=\"%d\" width=\"540\" height=\"3\" fill=\"#000000\"/>\n", y);
    y += 20;
    /* the top headlines, one line each, as many as fit */
    for (size_t i = 0, s = 0; s < bk->n_sections && y + 50 <= 770 && !rc; i++) {
        if (i >= bk->sections[s]->n_articles) {
            s++, i = (size_t)-1;
            continue;
        }
        const char *h = bk->sections[s]->articles[i]->title;
        if (!h || !h[0])
            continue;
        y += 44;
        rc = ov__buf_printf(b, SVG_TEXT, 30, y, 26, "#000000", "");
        rc = rc ? rc : put_cut(b, h, has_wide(h) ? 19 : 36);
        rc = rc ? rc : ov__buf_puts(b, "</text>\n");
        y += 14;
        rc = rc ? rc : ov__buf_printf(b, "<rect x=\"30\" y=\"%d\" width=\"540\" height=\"1\" fill=\"#888888\"/>\n", y);
    }
    return rc ? rc : ov__buf_puts(b, "</svg>\n");
}

static int cover_ext(const char *mt, const char **ext)
{
    static const char *const map[][2] = {
        {"image/jpeg", "jpg"}, {"image/png", "png"}, {"image/gif", "gif"}};
    for (size_t i = 0; mt && i < 3; i++) {
        if (strcmp(mt, map[i][0]) == 0) {
            *ext = map[i][1];
            return 1;
        }
    }
    return 0;
}

/* The cover image (book->cover or a generated SVG) and cover.xhtml. */
int ov__pk_cover(ov__pk *p, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const char *ext = NULL;
    ov__pk_img *im = &p->imgs[0]; /* slot reserved by the caller */
    int rc = 0;
    /* "cover": calibre renames any other id (Nook Color bug) and warns */
    snprintf(im->id, sizeof im->id, "cover");
    if (p->b->cover && cover_ext(p->b->cover->media_type, &ext)) {
        snprintf(im->href, sizeof im->href, "img/cover.%s", ext);
        im->media_type = strcmp(ext, "jpg") == 0 ? "image/jpeg"
                         : strcmp(ext, "png") == 0 ? "image/png" : "image/gif";
        im->res = p->b->cover;
    } else {
        snprintf(im->href, sizeof im->href, "img/cover.svg");
        im->media_type = "image/svg+xml";
        rc = cover_svg(p, &b);
        if (rc)
            goto cleanup;
        im->data = ov__buf_detach(&b, &im->len);
    }
    const char *title = p->b->title ? p->b->title : ov__l10n(p->lang, OV__MSG_COVER);
    rc = ov__pk_xhtml_head(&b, p->lang, title, "../css/octavo.css");
    rc = rc ? rc : ov__buf_puts(&b, "<body class=\"cover\">\n<div class=\"cover\"><img src=\"../");
    rc = rc ? rc : ov__buf_puts(&b, im->href);
    rc = rc ? rc : ov__buf_puts(&b, "\" alt=\"");
    rc = rc ? rc : ov__pk_put_plain(&b, title);
    rc = rc ? rc : ov__buf_puts(&b, "\"/></div>\n</body>\n</html>\n");
    if (rc)
        goto cleanup;
    size_t len = 0;
    char *data = ov__buf_detach(&b, &len);
    rc = ov__pk_add_doc(p, "cover-page", "text/cover.xhtml", data, len, err);
    if (rc)
        free(data);
    return rc;
cleanup:
    ov__buf_free(&b);
    return ov_error_set(err, rc, NULL, "out of memory writing the cover");
}

/* At most `max` code points of `s`, cut at a space for Latin text, "…" added. */
static int put_short(ov__buf *b, const char *s, size_t max)
{
    /* portals' descriptions start with the paragraph's full-width indent */
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            break;
    }
    const char *cut = s, *space = NULL;
    size_t cps = 0;
    while (*cut && cps < max) {
        if (*cut == ' ')
            space = cut;
        cut++;
        while ((*cut & 0xC0) == 0x80)
            cut++;
        cps++;
    }
    if (!*cut)
        return ov__pk_put_plain(b, s);
    if (space && space > s + (cut - s) / 2)
        cut = space;
    char tmp[OV__PK_SUMMARY_MAX * 4 + 1];
    size_t n = (size_t)(cut - s) < sizeof tmp ? (size_t)(cut - s) : 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    int rc = ov__pk_put_plain(b, tmp);
    return rc ? rc : ov__buf_puts(b, "\xE2\x80\xA6");
}

/* One masthead entry, as calibre's section index: title, byline and date, a
   one-line description. In the article's language. */
static int masthead_article(ov__pk *p, ov__buf *b, const ov__pk_chap *ch)
{
    const ov_article *a = ch->a;
    const char *lang = a->language && a->language[0] ? a->language : p->lang;
    int rc = ov__buf_puts(b, "<li");
    rc = rc ? rc : ov__pk_put_lang(b, lang);
    rc = rc ? rc : ov__buf_printf(b, "><a href=\"../%s\">", p->docs[ch->first_doc].href);
    rc = rc ? rc : ov__pk_put_plain(b, a->title ? a->title : ov__l10n(lang, OV__MSG_UNTITLED));
    rc = rc ? rc : ov__buf_puts(b, "</a>");
    char when[96] = "";
    if (a->published && ov__l10n_datetime(lang, a->published, when, sizeof when) != 0)
        when[0] = '\0';
    int by = a->byline && a->byline[0];
    if (!rc && (by || when[0])) {
        rc = ov__buf_puts(b, "<br/><span class=\"by\">");
        rc = rc ? rc : ov__pk_put_plain(b, by ? a->byline : "");
        rc = rc ? rc : ov__buf_puts(b, by && when[0] ? " \xC2\xB7 " : "");
        rc = rc ? rc : ov__pk_put_plain(b, when);
        rc = rc ? rc : ov__buf_puts(b, "</span>");
    }
    if (!rc && a->description && a->description[0]) {
        rc = ov__buf_puts(b, "<br/><span class=\"desc\">");
        rc = rc ? rc : put_short(b, a->description, ov__l10n_pick(lang) == OV__L10N_EN
                                                        ? OV__PK_SUMMARY_MAX : OV__PK_SUMMARY_MAX / 2);
        rc = rc ? rc : ov__buf_puts(b, "</span>");
    }
    return rc ? rc : ov__buf_puts(b, "</li>\n");
}

/* A title page listing sections and articles; inserted after the cover. */
int ov__pk_masthead(ov__pk *p, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const char *title = p->b->title ? p->b->title : ov__l10n(p->lang, OV__MSG_CONTENTS);
    int rc = ov__pk_xhtml_head(&b, p->lang, title, "../css/octavo.css");
    rc = rc ? rc : ov__buf_puts(&b, "<body class=\"masthead\">\n<h1>");
    rc = rc ? rc : ov__pk_put_plain(&b, title);
    rc = rc ? rc : ov__buf_puts(&b, "</h1>\n");
    if (!rc && (p->b->date || p->b->series_index > 0)) {
        char date[96] = "", issue[32] = "";
        if (p->b->date && ov__l10n_edition_date(p->lang, p->b->date, date, sizeof date) != 0)
            snprintf(date, sizeof date, "%s", p->b->date);
        if (p->b->series_index > 0)
            ov__l10n_issue(p->lang, p->b->series_index, issue, sizeof issue);
        rc = ov__buf_puts(&b, "<p class=\"date\">");
        rc = rc ? rc : ov__pk_put_plain(&b, date);
        if (!rc && issue[0])
            rc = ov__buf_printf(&b, "%s%s", date[0] ? " \xC2\xB7 " : "", issue);
        rc = rc ? rc : ov__buf_puts(&b, "</p>\n");
    }
    size_t prev = (size_t)-1;
    for (size_t i = 0; i < p->n_chaps && !rc; i++) {
        const ov__pk_chap *ch = &p->chaps[i];
        if (ch->section != prev) {
            if (prev != (size_t)-1)
                rc = ov__buf_puts(&b, "</ul>\n");
            if (!rc && p->n_sections_used > 1) {
                rc = ov__buf_printf(&b, "<h2 id=\"s%zu\">", ch->section + 1);
                const char *st = p->b->sections[ch->section]->title;
                rc = rc ? rc : ov__pk_put_plain(&b, st && st[0] ? st : ov__l10n(p->lang, OV__MSG_SECTION));
                rc = rc ? rc : ov__buf_puts(&b, "</h2>\n");
            }
            rc = rc ? rc : ov__buf_puts(&b, "<ul>\n");
            prev = ch->section;
        }
        rc = rc ? rc : masthead_article(p, &b, ch);
    }
    if (!rc && prev != (size_t)-1)
        rc = ov__buf_puts(&b, "</ul>\n");
    rc = rc ? rc : ov__buf_puts(&b, "</body>\n</html>\n");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, rc, NULL, "out of memory writing the masthead");
    }
    size_t len = 0;
    char *data = ov__buf_detach(&b, &len);
    rc = ov__pk_add_doc(p, "masthead", "text/masthead.xhtml", data, len, err);
    if (rc)
        free(data);
    return rc;
}
