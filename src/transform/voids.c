/*
 * voids.c - undo libxml2 2.9's nesting under HTML5 void elements.
 *
 * libxml2's HTML parser predates HTML5: it does not know <embed>, <source>,
 * <track>, <wbr> or <keygen> as empty, so everything after a bare
 * `<embed src="x.swf">` becomes its child, and emit.c, which drops <embed>
 * with its subtree, would lose the rest of the article. An HTML5 void element
 * never has children, so each such element's children are moved back to just
 * after it, in order. The walk is iterative: depth costs nothing.
 */
#include <libxml/tree.h>
#include <strings.h>

#include "transform/transform_priv.h"

static int ov__is_void5(const xmlNode *n)
{
    static const char *const names[] = {"embed", "source", "track", "wbr", "keygen", NULL};
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return 0;
    for (size_t i = 0; names[i]; i++)
        if (ov__ascii_ieq((const char *)n->name, names[i]))
            return 1;
    return 0;
}

/* Move n's children, in order, to follow n. */
static void ov__hoist_children(xmlNode *n)
{
    xmlNode *at = n;
    while (n->children) {
        xmlNode *k = n->children;
        xmlUnlinkNode(k);
        /* xmlAddNextSibling merges adjacent text nodes and may free k; the
           returned node is where the next child goes. */
        xmlNode *placed = xmlAddNextSibling(at, k);
        if (!placed)
            break;
        at = placed;
    }
}

void ov__fix_void_nesting(xmlDoc *doc)
{
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *cur = root;
    while (cur) {
        if (ov__is_void5(cur) && cur->children)
            ov__hoist_children(cur);
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != root && !cur->next)
            cur = cur->parent;
        if (!cur || cur == root)
            break;
        cur = cur->next;
    }
}
