/*
 * listing - a page of links given where an article was expected (a section
 * front without --pattern) would become a one-chapter book of headlines. The
 * extracted body tells: many links holding most of the text and little prose
 * outside them. The message then points at --pattern, or at the feed the page
 * announces in its head.
 */
#include "build/listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>

#include "util/charset.h"

/* Limit of the head scan for an announced feed. */
#define OV__LISTING_HEAD_BYTES (256u * 1024u)

/* Code points of text in an XHTML fragment (tags and blanks not counted),
 * counted up to `stop` (the answer is then `stop`: the caller only asks
 * whether there are that many). */
static size_t prose(const char *p, size_t stop)
{
    size_t n = 0;
    while (p && *p && n < stop) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end)
                break;
            p = end + 1;
            continue;
        }
        unsigned char c = (unsigned char)*p++;
        n += (c & 0xC0) != 0x80 && c != ' ' && c != '\n' && c != '\t';
    }
    return n;
}

static size_t text_cps(const xmlChar *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += (*s & 0xC0) != 0x80 && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r';
    return n;
}

/* Headline-like links of the tree under n: count and total text. */
static void headline_links(xmlNode *root, size_t *count, size_t *chars)
{
    xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "a") &&
            xmlHasProp(n, BAD_CAST "href")) {
            xmlChar *t = xmlNodeGetContent(n);
            size_t c = text_cps(t);
            xmlFree(t);
            if (c >= OV__LISTING_HEADLINE) {
                (*count)++;
                *chars += c;
            }
        } else if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

int ov__listing_like(const ov_article *a, const unsigned char *page, size_t len,
                     size_t *n_links)
{
    size_t body = prose(a ? a->body_xhtml : NULL, OV__LISTING_MAX_PROSE), count = 0, chars = 0;
    if (n_links)
        *n_links = 0;
    if (body >= OV__LISTING_MAX_PROSE || !page || !len || len > 0x7fffffff)
        return 0;
    /* decoded as the transformer does; libxml2 then never looks for a charset
       converter of its own */
    char *utf8 = NULL;
    size_t ulen = 0;
    ov_error err;
    ov_error_clear(&err);
    if (ov__charset_decode(page, len, NULL, &utf8, &ulen, NULL, 0, &err) != 0)
        return 0;
    htmlDocPtr doc = ulen <= 0x7fffffff
                         ? htmlReadMemory(utf8, (int)ulen, NULL, "UTF-8",
                                          HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                              HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
                                              HTML_PARSE_IGNORE_ENC)
                         : NULL;
    free(utf8);
    if (!doc)
        return 0;
    if (xmlDocGetRootElement(doc))
        headline_links(xmlDocGetRootElement(doc), &count, &chars);
    xmlFreeDoc(doc);
    if (n_links)
        *n_links = count;
    return count >= OV__LISTING_MIN_LINKS && chars > body;
}

/* The value of attribute `name` inside the tag [tag, end), malloc'd or NULL. */
static char *tag_attr(const char *tag, const char *end, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = tag; p + n + 1 < end; p++) {
        if (strncasecmp(p, name, n) != 0 || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
            continue;
        const char *v = p + n;
        while (v < end && *v == ' ')
            v++;
        if (v >= end || *v != '=')
            continue;
        v++;
        while (v < end && *v == ' ')
            v++;
        char q = (*v == '"' || *v == '\'') ? *v++ : ' ';
        const char *e = v;
        while (e < end && *e != q && *e != '>' && !(q == ' ' && *e == '/'))
            e++;
        return strndup(v, (size_t)(e - v));
    }
    return NULL;
}

char *ov__listing_feed(const unsigned char *page, size_t len, const char *base)
{
    size_t n = len < OV__LISTING_HEAD_BYTES ? len : OV__LISTING_HEAD_BYTES;
    char *head = strndup((const char *)page, n);
    char *found = NULL;
    for (char *t = head ? strcasestr(head, "<link") : NULL; t && !found; t = strcasestr(t + 5, "<link")) {
        char *end = strchr(t, '>');
        if (!end)
            break;
        char *rel = tag_attr(t, end, "rel"), *type = tag_attr(t, end, "type");
        if (rel && type && strcasestr(rel, "alternate") &&
            (strcasestr(type, "rss+xml") || strcasestr(type, "atom+xml")))
            found = tag_attr(t, end, "href");
        free(rel);
        free(type);
    }
    free(head);
    if (found && base) {
        xmlChar *abs = xmlBuildURI((const xmlChar *)found, (const xmlChar *)base);
        if (abs) {
            free(found);
            found = strdup((const char *)abs);
            xmlFree(abs);
        }
    }
    return found;
}

void ov__listing_reason(size_t n_links, const char *feed, char *out, size_t size)
{
    if (feed)
        snprintf(out, size, "a page of %zu links, not an article; build from the feed it "
                            "announces (%s), or give --pattern REGEX to take the linked articles",
                 n_links, feed);
    else
        snprintf(out, size, "a page of %zu links, not an article; give --pattern REGEX to take "
                            "the linked articles (or the site's feed)", n_links);
}
