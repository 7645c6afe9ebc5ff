/* Recipes from issue 14: long titles without id, the run deadline. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "octavo/fetch.h"
#include "octavo/recipe.h"

/* A recipe whose [publication] holds `pub` (one or more key lines). */
static int parse(const char *pub, ov_recipe **r, ov_error *err)
{
    size_t n = strlen(pub) + 256;
    char *text = malloc(n);
    snprintf(text, n,
             "[publication]\n%slanguage = en\n[section \"News\"]\nfeed = http://127.0.0.1/f.xml\n",
             pub);
    int rc = ov_recipe_parse(text, strlen(text), "long.recipe", r, err);
    free(text);
    return rc;
}

static char *title_line(size_t len, char fill)
{
    char *t = malloc(len + 16);
    memcpy(t, "title = ", 8);
    memset(t + 8, fill, len);
    memcpy(t + 8 + len, "\n", 2);
    return t;
}

Test(recipe_hostile, long_title_gets_a_short_hashed_id)
{
    char *a = title_line(4000, 'a'), *b = title_line(4001, 'a');
    ov_recipe *ra = NULL, *rb = NULL;
    ov_error err;
    cr_assert_eq(parse(a, &ra, &err), 0, "%s", err.message);
    cr_assert_eq(parse(b, &rb, &err), 0, "%s", err.message);
    cr_assert_leq(strlen(ra->id), 160, "id of %zu bytes", strlen(ra->id));
    cr_assert_eq(strncmp(ra->id, "aaaa", 4), 0, "%s", ra->id);
    cr_assert_str_neq(ra->id, rb->id, "two long titles share an id");
    ov_recipe_free(ra);
    ov_recipe_free(rb);
    free(a);
    free(b);
}

Test(recipe_hostile, long_cjk_title_cut_on_a_character)
{
    char pub[4096] = "title = ";
    for (int i = 0; i < 300; i++)
        strcat(pub, "报");
    strcat(pub, "\n");
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_eq(parse(pub, &r, &err), 0, "%s", err.message);
    size_t n = strlen(r->id);
    cr_assert_leq(n, 160);
    /* prefix of whole 3-byte characters, then "-" and 8 hex digits */
    cr_assert_eq((n - 9) % 3, 0, "cut inside a character: %s", r->id);
    cr_assert_eq(r->id[n - 9], '-');
    ov_recipe_free(r);
}

Test(recipe_hostile, short_title_id_unchanged)
{
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_eq(parse("title = \"Daily News\"\n", &r, &err), 0, "%s", err.message);
    cr_assert_str_eq(r->id, "daily-news");
    ov_recipe_free(r);
}

Test(recipe_hostile, overlong_explicit_id_refused_with_line)
{
    char pub[512] = "title = T\nid = ";
    for (int i = 0; i < 200; i++)
        strcat(pub, "x");
    strcat(pub, "\n");
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_neq(parse(pub, &r, &err), 0);
    cr_assert(strstr(err.message, "'id' is 200 bytes long"), "%s", err.message);
    cr_assert(strstr(err.message, "long.recipe") || strstr(err.where, "long.recipe"), "%s", err.message);
}

Test(recipe_hostile, deadline)
{
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_eq(parse("title = T\ndeadline = 10m\n", &r, &err), 0, "%s", err.message);
    cr_assert_eq(r->deadline_secs, 600);
    ov_fetch_options o = OV_FETCH_OPTIONS_INIT;
    ov_recipe_fetch_options(r, &o);
    cr_assert_eq(o.deadline_ms, 600000);
    o.deadline_ms = 5000; /* --deadline given: it wins */
    ov_recipe_fetch_options(r, &o);
    cr_assert_eq(o.deadline_ms, 5000);
    ov_recipe_free(r);
    cr_assert_neq(parse("title = T\ndeadline = soon\n", &r, &err), 0);
    cr_assert(strstr(err.message, "deadline"), "%s", err.message);
    cr_assert(strstr(err.message, "long.recipe:3:"), "no file:line: %s", err.message);
}

Test(recipe_hostile, bad_pattern_refused_with_line)
{
    const char *text = "[publication]\ntitle = T\nlanguage = en\n[section \"News\"]\n"
                       "page = http://127.0.0.1/\npattern = /news/([0-9]+\n";
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_neq(ov_recipe_parse(text, strlen(text), "pat.recipe", &r, &err), 0);
    cr_assert(strstr(err.message, "pat.recipe:6:"), "%s", err.message);
    cr_assert(strstr(err.message, "pattern"), "%s", err.message);
}

Test(recipe_hostile, rules_remember_their_line)
{
    const char *text = "[publication]\ntitle = T\nlanguage = en\n[section \"News\"]\n"
                       "feed = http://127.0.0.1/f.xml\n\n[rules \"example.com\"]\nkeep = article\n";
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_eq(ov_recipe_parse(text, strlen(text), "rules.recipe", &r, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_rules, 1);
    cr_assert_eq(r->rules[0].line, 7);
    ov_recipe_free(r);
}

Test(recipe_hostile, invalid_utf8_is_refused_with_line)
{
    const char *text = "[publication]\ntitle = T\nlanguage = en\n[section \"\xb9\xfa\xc4\xda\"]\n"
                       "feed = http://127.0.0.1/f.xml\n";
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_neq(ov_recipe_parse(text, strlen(text), "gbk.recipe", &r, &err), 0);
    cr_assert(strstr(err.message, "gbk.recipe:4:"), "%s", err.message);
    cr_assert(strstr(err.message, "UTF-8"), "%s", err.message);
}

Test(recipe_hostile, oversized_recipe_names_the_file)
{
    char path[] = "/tmp/ov-big-recipe-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 1200; i++)
        fprintf(f, "# %01000d\n", i);
    fclose(f);
    ov_recipe *r = NULL;
    ov_error err;
    cr_assert_neq(ov_recipe_load(path, &r, &err), 0);
    cr_assert(strstr(err.message, path), "the file is not named: %s", err.message);
    unlink(path);
}
