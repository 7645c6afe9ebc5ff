/* The package document (OPF), the EPUB 3 nav document and the NCX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "package/package_internal.h"
#include "util/buf.h"
#include "util/l10n.h"

static int meta_el(ov__buf *b, const char *el, const char *attrs, const char *value)
{
    if (!value || !value[0])
        return 0;
    int rc = ov__buf_printf(b, "    <%s%s>", el, attrs);
    rc = rc ? rc : ov__pk_put_plain(b, value);
    return rc ? rc : ov__buf_printf(b, "</%s>\n", el);
}

static int opf_a11y(ov__pk *p, ov__buf *b)
{
    int rc = ov__buf_puts(b,
        "    <meta property=\"schema:accessMode\">textual</meta>\n"
        "    <meta property=\"schema:accessMode\">visual</meta>\n"
        "    <meta property=\"schema:accessModeSufficient\">textual</meta>\n"
        "    <meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>\n"
        "    <meta property=\"schema:accessibilityFeature\">tableOfContents</meta>\n"
        "    <meta property=\"schema:accessibilityFeature\">readingOrder</meta>\n"
        "    <meta property=\"schema:accessibilityHazard\">none</meta>\n");
    if (!rc && p->n_imgs > 1)
        rc = ov__buf_puts(b, "    <meta property=\"schema:accessibilityFeature\">alternativeText</meta>\n");
    return rc ? rc : ov__buf_puts(b,
        "    <meta property=\"schema:accessibilitySummary\">News articles as reflowable text "
        "with headings, a table of contents and images with their captions or alternative "
        "text where the source gave one.</meta>\n");
}

/* Every language of the book for dc:language: the book's own first, then the
   articles' languages, most articles first (ties: first seen). */
static size_t book_languages(const ov__pk *p, const char **out, size_t max)
{
    size_t count[OV__PK_MAX_LANGS] = {0}, n = 0;
    out[n++] = p->lang;
    for (size_t i = 0; i < p->n_chaps; i++) {
        const char *l = p->chaps[i].a->language;
        if (!l || !l[0])
            continue;
        size_t k = 0;
        while (k < n && strcasecmp(out[k], l) != 0)
            k++;
        if (k == n && n < max)
            out[n++] = l;
        if (k < n)
            count[k]++;
    }
    for (size_t i = 2; i < n; i++) /* insertion sort, stable, keeping out[0] */
        for (size_t k = i; k > 1 && count[k] > count[k - 1]; k--) {
            size_t c = count[k];
            const char *t = out[k];
            count[k] = count[k - 1];
            out[k] = out[k - 1];
            count[k - 1] = c;
            out[k - 1] = t;
        }
    return n;
}

static int opf_metadata(ov__pk *p, ov__buf *b)
{
    const ov_book *bk = p->b;
    int rc = ov__buf_puts(b, "  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    rc = rc ? rc : meta_el(b, "dc:identifier", " id=\"pub-id\"", p->identifier);
    rc = rc ? rc : meta_el(b, "dc:title", " id=\"title\"", bk->title ? bk->title : ov__l10n(p->lang, OV__MSG_UNTITLED));
    const char *langs[OV__PK_MAX_LANGS];
    size_t n_langs = book_languages(p, langs, OV__PK_MAX_LANGS);
    for (size_t i = 0; i < n_langs && !rc; i++)
        rc = meta_el(b, "dc:language", "", langs[i]);
    for (size_t i = 0; i < bk->n_authors && !rc; i++)
        rc = meta_el(b, "dc:creator", "", bk->authors[i]);
    rc = rc ? rc : meta_el(b, "dc:publisher", "", bk->publisher);
    rc = rc ? rc : meta_el(b, "dc:date", "", bk->date);
    rc = rc ? rc : meta_el(b, "dc:description", "", bk->description);
    rc = rc ? rc : meta_el(b, "meta", " property=\"dcterms:modified\"", p->modified);
    if (!rc && bk->series && bk->series[0]) {
        rc = meta_el(b, "meta", " property=\"belongs-to-collection\" id=\"series\"", bk->series);
        rc = rc ? rc : ov__buf_puts(b, "    <meta refines=\"#series\" property=\"collection-type\">series</meta>\n");
        if (!rc && bk->series_index > 0)
            rc = ov__buf_printf(b, "    <meta refines=\"#series\" property=\"group-position\">%d</meta>\n",
                                bk->series_index);
        rc = rc ? rc : ov__buf_puts(b, "    <meta name=\"calibre:series\" content=\"");
        rc = rc ? rc : ov__pk_put_plain(b, bk->series);
        rc = rc ? rc : ov__buf_printf(b, "\"/>\n    <meta name=\"calibre:series_index\" content=\"%d\"/>\n",
                                      bk->series_index > 0 ? bk->series_index : 1);
    }
    rc = rc ? rc : opf_a11y(p, b);
    rc = rc ? rc : ov__buf_printf(b, "    <meta name=\"cover\" content=\"%s\"/>\n", p->imgs[0].id);
    return rc ? rc : ov__buf_puts(b, "  </metadata>\n");
}

static int opf_manifest(ov__pk *p, ov__buf *b)
{
    int rc = ov__buf_puts(b, "  <manifest>\n"
        "    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
        "    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n"
        "    <item id=\"css\" href=\"css/octavo.css\" media-type=\"text/css\"/>\n");
    for (size_t i = 0; i < p->n_docs && !rc; i++)
        rc = ov__buf_printf(b, "    <item id=\"%s\" href=\"%s\" media-type=\"application/xhtml+xml\"%s/>\n",
                            p->docs[i].id, p->docs[i].href, p->docs[i].has_svg ? " properties=\"svg\"" : "");
    for (size_t i = 0; i < p->n_imgs && !rc; i++)
        rc = ov__buf_printf(b, "    <item id=\"%s\" href=\"%s\" media-type=\"%s\"%s/>\n", p->imgs[i].id,
                            p->imgs[i].href, p->imgs[i].media_type, i == 0 ? " properties=\"cover-image\"" : "");
    rc = rc ? rc : ov__buf_puts(b, "  </manifest>\n  <spine toc=\"ncx\">\n");
    for (size_t i = 0; i < p->n_docs && !rc; i++) {
        rc = ov__buf_printf(b, "    <itemref idref=\"%s\"/>\n", p->docs[i].id);
        /* without a masthead the toc landmark points at the nav: it must be a spine item */
        if (!rc && i == 0 && !p->has_masthead)
            rc = ov__buf_puts(b, "    <itemref idref=\"nav\" linear=\"no\"/>\n");
    }
    return rc ? rc : ov__buf_puts(b, "  </spine>\n");
}

/* The EPUB 2 guide: calibre takes the "cover" page out of the spine and uses
   it as the cover instead of adding a title page of its own (two covers
   after conversion); Kindle reads "toc" and "text" for its Go To menu. */
static int opf_guide(ov__pk *p, ov__buf *b)
{
    const char *toc = p->has_masthead ? p->docs[1].href : "nav.xhtml";
    int rc = ov__buf_printf(b, "  <guide>\n    <reference type=\"cover\" title=\"%s\" href=\"%s\"/>\n",
                            ov__l10n(p->lang, OV__MSG_COVER), p->docs[0].href);
    rc = rc ? rc : ov__buf_printf(b, "    <reference type=\"toc\" title=\"%s\" href=\"%s\"/>\n",
                                  ov__l10n(p->lang, OV__MSG_CONTENTS), toc);
    if (!rc && p->n_chaps)
        rc = ov__buf_printf(b, "    <reference type=\"text\" title=\"%s\" href=\"%s\"/>\n",
                            ov__l10n(p->lang, OV__MSG_START), p->docs[p->chaps[0].first_doc].href);
    return rc ? rc : ov__buf_puts(b, "  </guide>\n");
}

int ov__pk_opf(ov__pk *p, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
                              "unique-identifier=\"pub-id\" xml:lang=\"");
    rc = rc ? rc : ov__pk_put_plain(&b, p->lang);
    rc = rc ? rc : ov__buf_puts(&b, "\" prefix=\"calibre: https://calibre-ebook.com\">\n");
    rc = rc ? rc : opf_metadata(p, &b);
    rc = rc ? rc : opf_manifest(p, &b);
    rc = rc ? rc : opf_guide(p, &b);
    rc = rc ? rc : ov__buf_puts(&b, "</package>\n");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, rc, NULL, "out of memory writing the package document");
    }
    p->opf = ov__buf_detach(&b, &p->opf_len);
    return 0;
}

/* Nav and NCX share this walk: sections (when more than one) -> articles. */
typedef int (*toc_fn)(ov__buf *b, int kind, const char *label, const char *href, size_t order,
                      const char *lang);
enum { TOC_OPEN_SECTION, TOC_CLOSE_SECTION, TOC_ARTICLE };

static int toc_walk(ov__pk *p, ov__buf *b, toc_fn fn)
{
    size_t prev = (size_t)-1, order = 0;
    int nested = p->n_sections_used > 1, rc = 0;
    for (size_t i = 0; i < p->n_chaps && !rc; i++) {
        const ov__pk_chap *ch = &p->chaps[i];
        const char *href = p->docs[ch->first_doc].href;
        if (nested && ch->section != prev) {
            if (prev != (size_t)-1)
                rc = fn(b, TOC_CLOSE_SECTION, NULL, NULL, 0, p->lang);
            /* a section points at its first article: same target, same playOrder */
            rc = rc ? rc : fn(b, TOC_OPEN_SECTION, p->b->sections[ch->section]->title, href, order + 1,
                              p->lang);
            prev = ch->section;
        }
        const char *lang = ch->a->language && ch->a->language[0] ? ch->a->language : p->lang;
        rc = rc ? rc : fn(b, TOC_ARTICLE, ch->a->title ? ch->a->title : ov__l10n(lang, OV__MSG_UNTITLED),
                          href, ++order, lang);
    }
    if (!rc && nested && prev != (size_t)-1)
        rc = fn(b, TOC_CLOSE_SECTION, NULL, NULL, 0, p->lang);
    return rc;
}

static int nav_item(ov__buf *b, int kind, const char *label, const char *href, size_t order,
                    const char *lang)
{
    (void)order;
    if (kind == TOC_CLOSE_SECTION)
        return ov__buf_puts(b, "</ol></li>\n");
    int rc = ov__buf_puts(b, "<li");
    if (kind == TOC_ARTICLE)
        rc = rc ? rc : ov__pk_put_lang(b, lang);
    rc = rc ? rc : ov__buf_printf(b, "><a href=\"%s\">", href);
    rc = rc ? rc : ov__pk_put_plain(b, label && label[0] ? label : ov__l10n(lang, OV__MSG_SECTION));
    return rc ? rc : ov__buf_puts(b, kind == TOC_ARTICLE ? "</a></li>\n" : "</a>\n<ol>\n");
}

int ov__pk_nav(ov__pk *p, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    const char *contents = ov__l10n(p->lang, OV__MSG_CONTENTS);
    const char *cover = ov__l10n(p->lang, OV__MSG_COVER);
    int rc = ov__pk_xhtml_head(&b, p->lang, contents, "css/octavo.css");
    rc = rc ? rc : ov__buf_printf(&b, "<body>\n<nav epub:type=\"toc\" id=\"toc\">\n<h1>%s</h1>\n<ol>\n",
                                  contents);
    if (!rc && p->n_chaps == 0)
        rc = ov__buf_printf(&b, "<li><a href=\"%s\">%s</a></li>\n", p->docs[0].href, cover);
    rc = rc ? rc : toc_walk(p, &b, nav_item);
    rc = rc ? rc : ov__buf_printf(&b, "</ol>\n</nav>\n<nav epub:type=\"landmarks\" hidden=\"\">\n<ol>\n"
                                      "<li><a epub:type=\"cover\" href=\"%s\">%s</a></li>\n",
                                  p->docs[0].href, cover);
    if (!rc && p->has_masthead)
        rc = ov__buf_printf(&b, "<li><a epub:type=\"toc\" href=\"%s\">%s</a></li>\n", p->docs[1].href,
                            contents);
    else if (!rc)
        rc = ov__buf_printf(&b, "<li><a epub:type=\"toc\" href=\"#toc\">%s</a></li>\n", contents);
    if (!rc && p->n_chaps)
        rc = ov__buf_printf(&b, "<li><a epub:type=\"bodymatter\" href=\"%s\">%s</a></li>\n",
                            p->docs[p->chaps[0].first_doc].href, ov__l10n(p->lang, OV__MSG_START));
    rc = rc ? rc : ov__buf_puts(&b, "</ol>\n</nav>\n</body>\n</html>\n");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, rc, NULL, "out of memory writing the navigation document");
    }
    p->nav = ov__buf_detach(&b, &p->nav_len);
    return 0;
}

static int ncx_item(ov__buf *b, int kind, const char *label, const char *href, size_t order,
                    const char *lang)
{
    if (kind == TOC_CLOSE_SECTION)
        return ov__buf_puts(b, "    </navPoint>\n");
    int rc = ov__buf_printf(b, "    <navPoint id=\"%s%zu\" playOrder=\"%zu\"><navLabel><text>",
                            kind == TOC_ARTICLE ? "np" : "sec", order, order);
    rc = rc ? rc : ov__pk_put_plain(b, label && label[0] ? label : ov__l10n(lang, OV__MSG_SECTION));
    rc = rc ? rc : ov__buf_printf(b, "</text></navLabel><content src=\"%s\"/>", href);
    return rc ? rc : ov__buf_puts(b, kind == TOC_ARTICLE ? "</navPoint>\n" : "\n");
}

int ov__pk_ncx(ov__pk *p, ov_error *err)
{
    ov__buf b = OV__BUF_INIT;
    int rc = ov__buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"");
    rc = rc ? rc : ov__pk_put_plain(&b, p->lang);
    rc = rc ? rc : ov__buf_puts(&b, "\">\n  <head>\n    <meta name=\"dtb:uid\" content=\"");
    rc = rc ? rc : ov__pk_put_plain(&b, p->identifier);
    rc = rc ? rc : ov__buf_printf(&b, "\"/>\n    <meta name=\"dtb:depth\" content=\"%d\"/>\n"
                                      "    <meta name=\"dtb:totalPageCount\" content=\"0\"/>\n"
                                      "    <meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n"
                                      "  </head>\n  <docTitle><text>",
                                  p->n_sections_used > 1 ? 2 : 1);
    rc = rc ? rc : ov__pk_put_plain(&b, p->b->title ? p->b->title : ov__l10n(p->lang, OV__MSG_UNTITLED));
    rc = rc ? rc : ov__buf_puts(&b, "</text></docTitle>\n  <navMap>\n");
    if (!rc && p->n_chaps == 0)
        rc = ov__buf_printf(&b, "    <navPoint id=\"np1\" playOrder=\"1\"><navLabel><text>%s</text>"
                                "</navLabel><content src=\"%s\"/></navPoint>\n",
                            ov__l10n(p->lang, OV__MSG_COVER), p->docs[0].href);
    rc = rc ? rc : toc_walk(p, &b, ncx_item);
    rc = rc ? rc : ov__buf_puts(&b, "  </navMap>\n</ncx>\n");
    if (rc) {
        ov__buf_free(&b);
        return ov_error_set(err, rc, NULL, "out of memory writing the NCX");
    }
    p->ncx = ov__buf_detach(&b, &p->ncx_len);
    return 0;
}
