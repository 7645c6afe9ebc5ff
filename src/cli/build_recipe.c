/*
 * `octavo build --recipe FILE`: a periodical issue.
 *
 * The recipe describes the publication once; each run takes the state
 * store's run lock for the recipe (two runs at once get a clear message),
 * numbers the issue, optionally skips every article an earlier issue carried
 * (--since-last), writes the book, records the issue and its articles, and
 * mails it when asked. The state is written only after the book is on disk,
 * so a failed run never eats articles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/build_run.h"
#include "cli/commands.h"
#include "octavo/deliver.h"
#include "octavo/recipe.h"
#include "octavo/state.h"
#include "octavo/transform.h"
#include "periodical/series_scan.h"

typedef struct recipe_run {
    ov__build_options *o;
    ov_recipe *recipe;
    ov_state *state;
    int issue;
    int64_t date;
} recipe_run;

static const ov_rules *rules_for(void *ud, const char *url)
{
    return ov_recipe_rules_for(((recipe_run *)ud)->recipe, url);
}

static int seen(void *ud, const char *url, const char *body_hash)
{
    recipe_run *rr = ud;
    ov_error err;
    ov_error_clear(&err);
    int rc = ov_state_seen(rr->state, rr->recipe->id, url, body_hash, &err);
    if (rc < 0) {
        fprintf(stderr, "octavo: state: %s\n", err.message);
        return 0;
    }
    return rc;
}

/* Record the issue and its articles once the book is safely written. */
static int after_write(void *ud, const ov_book *b, const char *path, int code)
{
    recipe_run *rr = ud;
    size_t n = ov_book_article_count(b), k = 0;
    ov_state_article *arts = calloc(n ? n : 1, sizeof *arts);
    char (*hashes)[17] = calloc(n ? n : 1, sizeof *hashes);
    ov_error err;
    ov_error_clear(&err);
    int rc = OV_ENOMEM;
    if (!arts || !hashes)
        goto cleanup;
    for (size_t s = 0; s < b->n_sections; s++) {
        for (size_t i = 0; i < b->sections[s]->n_articles; i++, k++) {
            const ov_article *a = b->sections[s]->articles[i];
            ov_build_body_hash(a->body_xhtml, hashes[k]);
            arts[k].url = a->canonical_url ? a->canonical_url : a->url;
            arts[k].body_hash = hashes[k];
            arts[k].title = a->title;
        }
    }
    ov_state_issue issue;
    memset(&issue, 0, sizeof issue);
    issue.recipe_id = rr->recipe->id;
    issue.recipe_title = rr->recipe->title;
    issue.number = rr->issue;
    issue.date = rr->date;
    issue.created_at = rr->date;
    issue.path = path;
    rc = ov_state_record_issue(rr->state, &issue, arts, n, &err);
cleanup:
    free(arts);
    free(hashes);
    if (rc != 0) {
        fprintf(stderr, "octavo: the book was written but the state store was not updated: %s\n",
                rc == OV_ENOMEM ? "out of memory" : err.message);
        return OV_EXIT_PARTIAL;
    }
    if (!rr->o->b.quiet)
        fprintf(stderr, "octavo: %s issue %d: %zu articles\n", rr->recipe->title, rr->issue, n);
    if (rr->o->send_to && ov__build_send(rr->o, path) != 0)
        return OV_EXIT_PARTIAL;
    return code;
}

int ov__build_send(const ov__build_options *o, const char *path)
{
    ov_mail_options mo = OV_MAIL_OPTIONS_INIT;
    mo.url = o->smtp_url;
    mo.from = o->mail_from;
    mo.to = o->send_to;
    ov_error err;
    ov_error_clear(&err);
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
    if (ov_mail_options_from_env(&mo, &err) != 0 || ov_mail_send(&mo, path, &err) != 0) {
        fprintf(stderr, "octavo: the book was written but not mailed: %s\n",
                ov_error_format(&err, msg, sizeof msg));
        return -1;
    }
    if (!o->b.quiet)
        fprintf(stderr, "octavo: mailed %s to %s\n", path, o->send_to);
    return 0;
}

/* Recipe settings become build settings; flags given on the command line win. */
static int apply_recipe(ov__build_options *o, const ov_recipe *r)
{
    ov_build_options *cfg = &o->b;
    if (r->n_sections > OV_BUILD_MAX_INPUTS) {
        fprintf(stderr, "octavo: %s: more than %d sections\n", r->name, OV_BUILD_MAX_INPUTS);
        return OV_EXIT_USAGE;
    }
    for (size_t i = 0; i < r->n_sections; i++) {
        ov_build_input *in = &o->inputs[cfg->n_inputs++];
        const ov_recipe_section *s = &r->sections[i];
        in->where = s->url;
        in->section = s->name;
        in->pattern = s->pattern;
        in->oldest_days = o->oldest_days > 0 ? o->oldest_days : s->oldest_days;
        in->max_articles = o->max_articles ? o->max_articles : s->max_articles;
    }
#define FROM_RECIPE(field) if (!cfg->field) cfg->field = r->field
    FROM_RECIPE(title);
    FROM_RECIPE(language);
    FROM_RECIPE(publisher);
    FROM_RECIPE(description);
    FROM_RECIPE(series);
#undef FROM_RECIPE
    if (!cfg->series)
        cfg->series = r->title;
    if (r->images == OV_RECIPE_IMAGES_NONE)
        cfg->no_images = 1;
    if (r->grayscale)
        cfg->image.grayscale = 1;
    if (!cfg->image.max_pixels && r->max_pixels)
        cfg->image.max_pixels = (size_t)r->max_pixels;
    if (!cfg->book_budget && r->book_budget)
        cfg->book_budget = (size_t)r->book_budget;
    if (!cfg->fetch.host_delay_ms)
        cfg->fetch.host_delay_ms = r->delay_ms;
    if (!cfg->fetch.max_total)
        cfg->fetch.max_total = r->concurrency;
    if (!cfg->fetch.max_per_host)
        cfg->fetch.max_per_host = r->per_host;
    if (!cfg->fetch.user_agent)
        cfg->fetch.user_agent = r->user_agent;
    if (r->ignore_robots) {
        cfg->fetch.ignore_robots = 1;
        fprintf(stderr, "octavo: warning: %s tells octavo to ignore robots.txt\n", r->name);
    }
    if (!r->masthead)
        cfg->package.masthead = 0;
    if (!r->source_footer)
        cfg->package.source_footer = 0;
    return -1;
}

/*
 * A state database that was lost or emptied would number this issue #1 again
 * and replace the old #1 book. The books in the output folder say which
 * issues exist: when one is at or past the number the state gave, numbering
 * continues after it, and the run says so.
 */
static int check_reset(ov__build_options *o, recipe_run *rr, const char *tpl, char **output)
{
    const char *series = o->b.series ? o->b.series : rr->recipe->series;
    char *dir = strdup(*output);
    if (!dir) {
        fprintf(stderr, "octavo: out of memory\n");
        return OV_EXIT_FAIL;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    char *file = NULL;
    int max = ov__series_max_issue(slash ? dir : ".", series, &file);
    free(dir);
    if (max < rr->issue) {
        free(file);
        return OV_EXIT_OK;
    }
    fprintf(stderr,
            "octavo: warning: the state has no issue of \"%s\" past #%d, but %s is issue #%d: "
            "the state was reset or lost; numbering continues at #%d (use --issue N to choose)\n",
            series, rr->issue - 1, file ? file : "a book in the output folder", max, max + 1);
    free(file);
    rr->issue = o->b.issue = max + 1;
    char *next = NULL;
    ov_error err;
    ov_error_clear(&err);
    int bad = tpl ? ov_output_template_expand(tpl, "--output", (time_t)rr->date, rr->issue,
                                              &next, &err)
                  : ov_recipe_output_name(rr->recipe, (time_t)rr->date, rr->issue, &next, &err);
    if (bad) {
        fprintf(stderr, "octavo: %s: output: %s\n", rr->recipe->name, err.message);
        return OV_EXIT_USAGE;
    }
    free(*output);
    *output = next;
    o->b.output = next;
    return OV_EXIT_OK;
}

/* Every selector of the recipe's [rules] compiles: 0, or an exit code after
 * "file:line: ..." on stderr. */
static int check_selectors(const ov_recipe *r)
{
    for (size_t i = 0; i < r->n_rules; i++) {
        const ov_recipe_rules *ru = &r->rules[i];
        const char *single[] = {ru->title, ru->byline, ru->date};
        char **lists[] = {ru->keep, ru->remove};
        ov_error err;
        ov_error_clear(&err);
        int bad = 0;
        for (size_t k = 0; k < 3 && !bad; k++)
            bad = single[k] && ov_transform_selector_check(single[k], &err) != 0;
        for (size_t k = 0; k < 2 && !bad; k++)
            for (char **s = lists[k]; s && *s && !bad; s++)
                bad = ov_transform_selector_check(*s, &err) != 0;
        if (bad) {
            fprintf(stderr, "octavo: %s:%d: [rules \"%s\"]: %s\n", r->name, ru->line,
                    ru->host ? ru->host : "", err.message);
            return OV_EXIT_USAGE;
        }
    }
    return OV_EXIT_OK;
}

int ov__build_recipe(ov__build_options *o)
{
    recipe_run rr;
    memset(&rr, 0, sizeof rr);
    rr.o = o;
    ov_error err;
    ov_error_clear(&err);
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
    char *state_path = NULL, *output = NULL, *issue_title = NULL;
    int code = OV_EXIT_FAIL;
    if (ov_recipe_load(o->recipe_path, &rr.recipe, &err) != 0 ||
        (o->base_url && ov_recipe_set_base(rr.recipe, o->base_url, &err) != 0)) {
        /* parse errors already start with "file:line:"; others get the file */
        if (strncmp(err.message, o->recipe_path, strlen(o->recipe_path)) == 0)
            fprintf(stderr, "octavo: %s\n", err.message);
        else
            fprintf(stderr, "octavo: recipe %s: %s\n", o->recipe_path, err.message);
        return OV_EXIT_USAGE;
    }
    if ((code = check_selectors(rr.recipe)) != OV_EXIT_OK)
        goto cleanup;
    code = OV_EXIT_FAIL;
    int rc = apply_recipe(o, rr.recipe);
    if (rc >= 0) {
        code = rc;
        goto cleanup;
    }
    if (!o->state_path && ov_state_default_path(&state_path, &err) != 0) {
        fprintf(stderr, "octavo: %s (use --state PATH)\n", err.message);
        goto cleanup;
    }
    if (ov_state_open(o->state_path ? o->state_path : state_path, &rr.state, &err) != 0 ||
        ov_state_lock(rr.state, rr.recipe->id, &err) != 0) {
        fprintf(stderr, "octavo: %s\n", ov_error_format(&err, msg, sizeof msg));
        goto cleanup;
    }
    rr.issue = ov_state_next_issue(rr.state, rr.recipe->id, &err);
    if (rr.issue < 0) {
        fprintf(stderr, "octavo: state: %s\n", err.message);
        goto cleanup;
    }
    int explicit_issue = o->b.issue != 0;
    if (!o->b.issue)
        o->b.issue = rr.issue;
    rr.issue = o->b.issue;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    rr.date = sde && *sde ? (int64_t)strtoll(sde, NULL, 10) : (int64_t)time(NULL);
    /* Each issue gets its own title, as calibre's news does, so that issues
     * stay apart in e-reader libraries that list by title. */
    if (o->b.title == rr.recipe->title) {
        struct tm tm;
        time_t t = (time_t)rr.date;
        char day[16];
        if (!gmtime_r(&t, &tm) || strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0)
            day[0] = '\0';
        size_t n = strlen(rr.recipe->title) + sizeof day + 2;
        issue_title = malloc(n);
        if (!issue_title) {
            fprintf(stderr, "octavo: out of memory\n");
            goto cleanup;
        }
        snprintf(issue_title, n, day[0] ? "%s %s" : "%s", rr.recipe->title, day);
        o->b.title = issue_title;
    }
    if (!o->b.output || strchr(o->b.output, '%')) {
        const char *tpl = o->b.output;
        int bad = o->b.output ? ov_output_template_expand(o->b.output, "--output", (time_t)rr.date, rr.issue, &output, &err)
                            : ov_recipe_output_name(rr.recipe, (time_t)rr.date, rr.issue, &output, &err);
        if (bad != 0) {
            fprintf(stderr, "octavo: %s: output: %s\n", rr.recipe->name, err.message);
            code = OV_EXIT_USAGE;
            goto cleanup;
        }
        /* the recipe's own output name may name folders: they are made */
        if (!o->b.output)
            o->b.make_dirs = 1;
        o->b.output = output;
        if (!explicit_issue && (code = check_reset(o, &rr, tpl, &output)) != OV_EXIT_OK)
            goto cleanup;
    }
    o->b.rules = rules_for;
    o->b.rules_ud = &rr;
    if (o->since_last) {
        o->b.seen = seen;
        o->b.seen_ud = &rr;
    }
    o->b.on_written = after_write;
    o->b.written_ud = &rr;
    code = ov__build_run(o);
cleanup:
    ov_state_close(rr.state);
    ov_recipe_free(rr.recipe);
    free(state_path);
    free(output);
    if (o->b.title == issue_title)
        o->b.title = NULL;
    free(issue_title);
    return code;
}
