/* ov__node_text copies words whole: the same text, at every limit, as a
 * byte-by-byte copy, and a huge word is read no further than the limit. */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "transform/transform_priv.h"
#include "util/buf.h"

/* The copy as it was written before: one byte at a time. */
static char *reference(xmlNodePtr n, size_t max)
{
    ov__buf b = OV__BUF_INIT;
    int space = 0;
    xmlNodePtr cur = n ? n->children : NULL;
    while (cur && b.len < max) {
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *p = cur->content; p && *p && b.len < max; p++) {
                if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') { space = 1; continue; }
                if (space && b.len) ov__buf_putc(&b, ' ');
                space = 0;
                ov__buf_putc(&b, (char)*p);
            }
        }
        int skip = cur->type == XML_ELEMENT_NODE &&
                   (!xmlStrcasecmp(cur->name, BAD_CAST "rt") || !xmlStrcasecmp(cur->name, BAD_CAST "rp") ||
                    !xmlStrcasecmp(cur->name, BAD_CAST "script") || !xmlStrcasecmp(cur->name, BAD_CAST "style"));
        if (cur->type == XML_ELEMENT_NODE && !xmlStrcasecmp(cur->name, BAD_CAST "br")) space = 1;
        if (cur->children && cur->type == XML_ELEMENT_NODE && !skip) { cur = cur->children; continue; }
        while (cur && cur != n && !cur->next) cur = cur->parent;
        if (!cur || cur == n) break;
        cur = cur->next;
    }
    if (b.len >= max) {
        size_t start = b.len;
        while (start && ((unsigned char)b.data[start - 1] & 0xC0) == 0x80) start--;
        if (start) {
            unsigned char lead = (unsigned char)b.data[start - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (b.len - (start - 1) < need) { b.len = start - 1; b.data[b.len] = '\0'; }
        }
    }
    if (!b.data) return strdup("");
    return ov__buf_detach(&b, NULL);
}

static xmlNodePtr find_p(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST "p")) return n;
        xmlNodePtr k = find_p(n->children);
        if (k) return k;
    }
    return NULL;
}

Test(nodetext, same_as_byte_by_byte_at_every_limit)
{
    static const char *pages[] = {
        "<p>  Harbour   daily\n\tnews <b>bold</b>word<br>next <rt>skip</rt> 港湾 日报 tail  </p>",
        "<p>a b  c<script>x()</script><span> d <i>ee</i></span>ff<BR>g</p>",
        "<p>\xe6\xb8\xaf\xe6\xb9\xbe<rp>(</rp>\xe6\x97\xa5 \xf0\x9f\x98\x80x  y</p>",
        "<p></p>",
        "<p>   </p>",
        /* single spaces between words (copied with the words) near every limit */
        "<p>one two three four five six seven eight nine ten eleven twelve thirteen</p>",
        "<p>a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n</p>",
        "<p>x y  z\tw v<b> u t</b> s r <i>q</i> p\no \xe6\xb8\xaf \xe6\xb9\xbe \xf0\x9f\x98\x80 k l</p>",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        htmlDocPtr d = htmlReadMemory(pages[i], (int)strlen(pages[i]), NULL, "UTF-8",
                                      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
        xmlNodePtr p = find_p(xmlDocGetRootElement(d));
        cr_assert_not_null(p);
        for (size_t max = 1; max < 80; max++) {
            char *a = ov__node_text(p, max), *b = reference(p, max);
            cr_assert_str_eq(a, b, "page %zu, max %zu", i, max);
            free(a);
            free(b);
        }
        xmlFreeDoc(d);
    }
}

/* A huge word costs the limit, not its length: the text node's bytes are
 * one readable page of 'x' with no terminator, right before a page that
 * cannot be read. A copy that looks for the end of the word (strlen, or a
 * scan to the next space) reads into that page and the test crashes; one
 * that stops near the limit never gets there. No timer: a read either
 * happens or it does not. */
Test(nodetext, huge_word_costs_the_limit)
{
    long pg = sysconf(_SC_PAGESIZE);
    cr_assert_gt(pg, 0);
    size_t page = (size_t)pg;
    unsigned char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(map, MAP_FAILED);
    memset(map, 'x', page);
    cr_assert_eq(mprotect(map + page, page, PROT_NONE), 0);
    static const char html[] = "<p>word</p>";
    htmlDocPtr d = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    xmlNodePtr p = find_p(xmlDocGetRootElement(d));
    cr_assert_not_null(p);
    xmlNodePtr t = p->children;
    cr_assert(t && t->type == XML_TEXT_NODE && !t->next);
    xmlChar *own = t->content; /* the parser's; back before the tree is freed */
    t->content = map;
    for (size_t max = 1; max <= 64; max++) {
        char *s = ov__node_text(p, max);
        cr_assert_eq(strlen(s), max, "limit %zu gave %zu bytes", max, strlen(s));
        free(s);
    }
    t->content = own;
    xmlFreeDoc(d);
    munmap(map, 2 * page);
}
