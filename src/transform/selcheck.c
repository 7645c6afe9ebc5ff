/* selcheck.c - ov_transform_selector_check(): a rule selector, checked up front. */
#include "octavo/transform.h"

#include <libxml/xpath.h>
#include <stdlib.h>

#include "transform/transform_internal.h"

static void ov__xpath_quiet(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

int ov_transform_selector_check(const char *selector, ov_error *err)
{
    if (!selector || !*selector)
        return ov_error_set(err, OV_EPARSE, "", "empty selector");
    char *xp = ov__css_to_xpath(selector);
    if (!xp)
        return ov_error_set(err, OV_EPARSE, selector,
                            "selector '%s' is not in the supported CSS subset "
                            "(tag, .class, #id, [attr], [attr=value], descendant and > combinators, commas) "
                            "nor an XPath starting with / or (",
                            selector);
    xmlSetStructuredErrorFunc(NULL, ov__xpath_quiet);
    xmlXPathCompExprPtr c = xmlXPathCompile(BAD_CAST xp);
    xmlSetStructuredErrorFunc(NULL, NULL);
    free(xp);
    if (!c)
        return ov_error_set(err, OV_EPARSE, selector, "selector '%s' is not a valid XPath expression",
                            selector);
    xmlXPathFreeCompExpr(c);
    return 0;
}
