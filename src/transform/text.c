/* text.c - plain text and JSON views of an extracted article. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "octavo/transform.h"
#include "transform/bodydoc.h"
#include "transform/transform_internal.h"
#include "util/buf.h"

#define OV__TEXT_DEPTH (OV_TRANSFORM_MAX_DEPTH + 16)

typedef struct tw {
    ov__buf out;
    ov__buf para;
    int space;
    int rc;
} tw;

static void flush(tw *w)
{
    while (w->para.len && w->para.data[w->para.len - 1] == ' ') w->para.data[--w->para.len] = '\0';
    if (w->para.len == 0) return;
    if (w->out.len && w->rc == 0) w->rc = ov__buf_puts(&w->out, "\n\n");
    const char *p = w->para.data;
    while (*p == ' ') p++;
    if (w->rc == 0) w->rc = ov__buf_puts(&w->out, p);
    w->para.len = 0;
    w->para.data[0] = '\0';
    w->space = 1;
}

static int blockish(const xmlChar *n)
{
    static const char *b[] = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption", "pre", "td", "th",
                              "tr", "blockquote", "div", "figure", "ul", "ol", "table", "caption", "dt", "dd", "hr"};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (!xmlStrcmp(n, BAD_CAST b[i])) return 1;
    return 0;
}

static void walk(tw *w, xmlNodePtr n, int depth)
{
    for (xmlNodePtr k = n->children; k && w->rc == 0; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            /* whitespace runs become one space; words are copied whole */
            for (const xmlChar *p = k->content; p && *p && w->rc == 0;) {
                size_t ws = 0;
                while (p[ws] == ' ' || p[ws] == '\n' || p[ws] == '\t' || p[ws] == '\r') ws++;
                if (ws) { w->space = 1; p += ws; continue; }
                size_t word = 0;
                while (p[word] && p[word] != ' ' && p[word] != '\n' && p[word] != '\t' && p[word] != '\r') word++;
                if (w->space && w->para.len) w->rc = ov__buf_putc(&w->para, ' ');
                w->space = 0;
                if (w->rc == 0) w->rc = ov__buf_put(&w->para, p, word);
                p += word;
            }
            continue;
        }
        if (k->type != XML_ELEMENT_NODE) continue;
        if (!xmlStrcmp(k->name, BAD_CAST "rt") || !xmlStrcmp(k->name, BAD_CAST "rp")) continue;
        if (!xmlStrcmp(k->name, BAD_CAST "br")) { w->space = 1; continue; }
        int b = blockish(k->name);
        if (b) flush(w);
        if (depth < OV__TEXT_DEPTH) walk(w, k, depth + 1);
        if (b) flush(w);
    }
}

/* The text of a parsed body (its root's subtree). */
static int text_of(const ov_article *a, xmlDocPtr d, char **out, ov_error *err)
{
    int rc = 0;
    tw w = {OV__BUF_INIT, OV__BUF_INIT, 1, 0};
    walk(&w, xmlDocGetRootElement(d), 0);
    flush(&w);
    if (w.rc == 0 && !w.out.data) w.rc = ov__buf_puts(&w.out, "");
    if (w.rc != 0) rc = ov_error_set(err, w.rc, a->url, "out of memory");
    else *out = ov__buf_detach(&w.out, NULL);
    ov__buf_free(&w.out);
    ov__buf_free(&w.para);
    return rc;
}

int ov_article_text(const ov_article *a, char **out, ov_error *err)
{
    int rc = 0;
    ov__buf doc = OV__BUF_INIT;
    xmlDocPtr d = NULL;
    *out = NULL;
    rc = ov__buf_puts(&doc, "<div xmlns=\"http://www.w3.org/1999/xhtml\">");
    if (rc == 0) rc = ov__buf_puts(&doc, a->body_xhtml ? a->body_xhtml : "");
    if (rc == 0) rc = ov__buf_puts(&doc, "</div>");
    if (rc != 0) { rc = ov_error_set(err, rc, a->url, "out of memory"); goto cleanup; }
    d = xmlReadMemory(doc.data, (int)doc.len, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (!d || !xmlDocGetRootElement(d)) { rc = ov_error_set(err, OV_EPARSE, a->url, "article body is not well-formed XHTML"); goto cleanup; }
    rc = text_of(a, d, out, err);
cleanup:
    if (d) xmlFreeDoc(d);
    ov__buf_free(&doc);
    return rc;
}

/*
 * The tree differs from ov_article_text's own in its wrapper only: it also
 * declares the epub: prefix, which a body without "epub:" never uses (an
 * undeclared prefix would leave "epub:x" as an element's name), and it is
 * read without XML_PARSE_HUGE, which below OV__BODY_DOC_MAX changes nothing
 * in a parse that succeeds. The walk reads names, text and node types.
 */
int ov__article_text_doc(const ov_article *a, xmlDocPtr d, char **out, ov_error *err)
{
    *out = NULL;
    return text_of(a, d, out, err);
}

xmlDocPtr ov__body_doc_parse(const char *body)
{
    /* build/guard.c's wrapper, URL and flags: the packager's */
    static const char open[] = "<div xmlns=\"http://www.w3.org/1999/xhtml\" "
                               "xmlns:epub=\"http://www.idpf.org/2007/ops\">";
    static const char close[] = "</div>";
    size_t n = body ? strlen(body) : 0;
    if (n >= OV__BODY_DOC_MAX - (sizeof open - 1) - (sizeof close - 1)) return NULL;
    ov__buf w = OV__BUF_INIT;
    int rc = ov__buf_puts(&w, open);
    rc = rc ? rc : ov__buf_put(&w, body ? body : "", n);
    rc = rc ? rc : ov__buf_puts(&w, close);
    xmlDocPtr d = rc ? NULL
                     : xmlReadMemory(w.data, (int)w.len, "article.xhtml", "UTF-8",
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ov__buf_free(&w);
    if (d && !xmlDocGetRootElement(d)) {
        xmlFreeDoc(d);
        d = NULL;
    }
    return d;
}

/* Longest first paragraph compared with the title (bytes). */
#define OV__HEADS_LINE_MAX 1024

/* Should `title` be put before `text` (the body's plain text)? Yes when
   there is one and the body does not already begin with it (whitespace
   runs compared as one space), nor with a first paragraph that is the
   same title up to punctuation and case (‘Amaro’ and 'Amaro'). */
static int heads_text(const char *title, const char *text)
{
    if (!title || !*title)
        return 0;
    const char *nl = strstr(text, "\n\n");
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    if (n < OV__HEADS_LINE_MAX) {
        char line[OV__HEADS_LINE_MAX];
        memcpy(line, text, n);
        line[n] = '\0';
        if (ov__same_title(line, title))
            return 0;
    }
    const char *t = title, *x = text;
    for (;;) {
        while (*t == ' ' || *t == '\t' || *t == '\n')
            t++;
        while (*x == ' ' || *x == '\t' || *x == '\n')
            x++;
        if (!*t)
            return 0; /* the body begins with the title */
        if (*t != *x)
            return 1;
        t++;
        x++;
    }
}

int ov_article_to_json(const ov_article *a, char **out, ov_error *err)
{
    int rc;
    char *text = NULL;
    ov__buf b = OV__BUF_INIT;
    *out = NULL;
    rc = ov_article_text(a, &text, err);
    if (rc != 0) return rc;
    const char *keys[] = {"url", "title", "byline", "published", "language", "site_name", "source", "description", "lead_image"};
    const char *vals[] = {a->url, a->title, a->byline, a->published, a->language, a->site_name, a->source, a->description, a->lead_image};
    rc |= ov__buf_putc(&b, '{');
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        rc |= ov__buf_printf(&b, "%s\"%s\": ", i ? ", " : "", keys[i]);
        rc |= ov__buf_put_json(&b, vals[i]);
    }
    rc |= ov__buf_puts(&b, ", \"images\": [");
    for (size_t i = 0; i < a->n_images; i++) {
        if (i) rc |= ov__buf_puts(&b, ", ");
        rc |= ov__buf_put_json(&b, a->images[i]);
    }
    rc |= ov__buf_puts(&b, "], \"text\": ");
    if (heads_text(a->title, text)) {
        /* the chapter opens with the headline as its heading: so does text */
        ov__buf t = OV__BUF_INIT;
        rc |= ov__buf_puts(&t, a->title);
        rc |= ov__buf_puts(&t, *text ? "\n\n" : "");
        rc |= ov__buf_puts(&t, text);
        rc |= ov__buf_put_json(&b, t.data ? t.data : "");
        ov__buf_free(&t);
    } else {
        rc |= ov__buf_put_json(&b, text);
    }
    rc |= ov__buf_puts(&b, ", \"html\": ");
    rc |= ov__buf_put_json(&b, a->body_xhtml);
    rc |= ov__buf_puts(&b, "}\n");
    free(text);
    if (rc != 0) {
        ov__buf_free(&b);
        return ov_error_set(err, OV_ENOMEM, a->url, "out of memory writing JSON");
    }
    *out = ov__buf_detach(&b, NULL);
    return 0;
}
