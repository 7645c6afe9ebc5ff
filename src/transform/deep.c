/*
 * deep.c - bound the depth of a parsed page, keeping its text.
 *
 * libxml2's HTML parser stops building the tree at 256 levels unless told
 * otherwise, and everything after such a nest was lost (issue 14: 20,000
 * nested <div>, <table> or <blockquote>). The page is therefore parsed
 * without that limit, and this pass, run first, rewrites every element at
 * OV__DOM_DEPTH_MAX as a <div> of plain paragraphs: the text of its subtree
 * in document order, a new paragraph at each block boundary, images kept,
 * scripts and styles dropped. Every later walk then sees a tree of bounded
 * depth, and each node is visited a constant number of times here (the
 * walks, the copy and the free are iterative), so the pass is linear.
 */
#include <libxml/tree.h>
#include <string.h>

#include "transform/transform_priv.h"

static int name_is(xmlNodePtr n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (ov__name_eq(n->name, BAD_CAST names[i])) return 1;
    return 0;
}

static const char *const BLOCKS[] = {"address", "article", "aside", "blockquote", "caption", "center", "dd",
                                     "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
                                     "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
                                     "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
                                     "td", "tfoot", "th", "thead", "tr", "ul", NULL};
static const char *const DROPPED[] = {"script", "style", "template", "noscript", "head", "title", "svg", "math",
                                      "iframe", "object", "select", "textarea", "button", NULL};

/* Free an unlinked subtree bottom-up, without recursion. */
static void free_tree(xmlNodePtr top)
{
    xmlNodePtr cur = top;
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        xmlNodePtr up = cur == top ? NULL : cur->parent, next = cur == top ? NULL : cur->next;
        xmlUnlinkNode(cur);
        xmlFreeNode(cur);
        cur = next ? next : up;
    }
}

static int blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
    return 1;
}

/* Rewrite `n` as <div> holding its subtree's text as paragraphs. */
static void flatten(xmlDocPtr doc, xmlNodePtr n)
{
    xmlNodePtr hold = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
    if (!hold) return;
    xmlNodePtr p = NULL, cur = n->children;
    while (cur) {
        int descend = 0;
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            if (!blank(cur->content)) {
                if (!p) p = xmlNewChild(hold, NULL, BAD_CAST "p", NULL);
                xmlNodePtr t = p ? xmlNewDocText(doc, cur->content) : NULL;
                if (t && !xmlAddChild(p, t)) xmlFreeNode(t);
            } else if (p && p->last && p->last->type == XML_TEXT_NODE) {
                xmlNodeAddContent(p->last, BAD_CAST " ");
            }
        } else if (cur->type == XML_ELEMENT_NODE && !name_is(cur, DROPPED)) {
            if (name_is(cur, BLOCKS)) p = NULL;
            if (ov__name_eq(cur->name, BAD_CAST "img") || ov__name_eq(cur->name, BAD_CAST "br")) {
                if (!p) p = xmlNewChild(hold, NULL, BAD_CAST "p", NULL);
                xmlNodePtr c = p ? xmlDocCopyNode(cur, doc, 2) : NULL;
                if (c && !xmlAddChild(p, c)) xmlFreeNode(c);
            } else {
                descend = cur->children != NULL;
            }
        }
        if (descend) {
            cur = cur->children;
            continue;
        }
        /* up past finished elements; leaving a block ends the paragraph */
        while (cur != n && !cur->next) {
            cur = cur->parent;
            if (cur != n && name_is(cur, BLOCKS)) p = NULL;
        }
        cur = cur == n ? NULL : cur->next;
    }
    while (n->children) {
        xmlNodePtr k = n->children;
        xmlUnlinkNode(k);
        free_tree(k);
    }
    while (hold->children) {
        xmlNodePtr k = hold->children;
        xmlUnlinkNode(k);
        xmlAddChild(n, k);
    }
    xmlFreeNode(hold);
    xmlNodeSetName(n, BAD_CAST "div");
}

static int has_element_child(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE) return 1;
    return 0;
}

void ov__flatten_deep(xmlDocPtr doc, int max)
{
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr cur = root;
    int depth = 1;
    while (cur) {
        int leaf = 1;
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            if (depth >= max && has_element_child(cur))
                flatten(doc, cur); /* its children are now one level of paragraphs */
            else
                leaf = 0;
        }
        if (!leaf) {
            cur = cur->children;
            depth++;
            continue;
        }
        while (cur != root && !cur->next) {
            cur = cur->parent;
            depth--;
        }
        cur = cur == root ? NULL : cur->next;
    }
}
