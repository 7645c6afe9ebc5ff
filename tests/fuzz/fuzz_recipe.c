/*
 * fuzz_recipe.c - libFuzzer target for ov_recipe_parse().
 *
 * Property: no crash, leak or UB; on success the structure is consistent
 * (every section has a name and a URL, every rules block a host, and the
 * ov_rules view points at the block's own arrays); on failure there is a
 * message and no result.
 */
#include "fuzz_common.h"
#include "octavo/recipe.h"

static void check_recipe(const ov_recipe *r)
{
    if (!r) ov_fuzz_fail("success without a recipe", NULL);
    if (r->n_sections && !r->sections) ov_fuzz_fail("sections missing", NULL);
    for (size_t i = 0; i < r->n_sections; i++) {
        const ov_recipe_section *s = &r->sections[i];
        if (!s->name || !s->raw_url || !s->url) ov_fuzz_fail("section without name or URL", NULL);
        (void)strlen(s->name);
        (void)strlen(s->url);
    }
    for (size_t i = 0; i < r->n_rules; i++) {
        const ov_recipe_rules *ru = &r->rules[i];
        if (!ru->host) ov_fuzz_fail("rules without host", NULL);
        if ((const void *)ru->rules.keep != (const void *)ru->keep ||
            (const void *)ru->rules.remove != (const void *)ru->remove)
            ov_fuzz_fail("rules view does not match its arrays", ru->host);
        for (char **k = ru->keep; k && *k; k++) (void)strlen(*k);
        for (char **k = ru->remove; k && *k; k++) (void)strlen(*k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ov_recipe *r = NULL;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_recipe_parse((const char *)data, size, "fuzz.recipe", &r, &err);
    if (rc == 0)
        check_recipe(r);
    else if (r || !err.message[0])
        ov_fuzz_fail("failure with a result or without a message", NULL);
    ov_recipe_free(r);
    return 0;
}
